package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestCopyObject(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "cpsrc")
	newBucket(t, c, "cpdst")
	srcKey := "dir/a b+c&é.txt"
	src, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cpsrc"), Key: aws.String(srcKey), Body: strings.NewReader("copy me"),
		ContentType: aws.String("text/plain"), CacheControl: aws.String("no-cache"), Metadata: map[string]string{"a": "1"}, Tagging: aws.String("t=1"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha1})
	if err != nil {
		t.Fatal(err)
	}
	source := "cpsrc/" + url.PathEscape(srcKey)

	// COPY (the default): body, metadata, tags and checksum carry over.
	out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("copied"), CopySource: aws.String(source)})
	if err != nil {
		t.Fatal(err)
	}
	r := out.CopyObjectResult
	if r == nil || aws.ToString(r.ETag) != aws.ToString(src.ETag) || r.LastModified == nil || aws.ToString(r.ChecksumSHA1) != aws.ToString(src.ChecksumSHA1) {
		t.Errorf("copy result %+v", r)
	}
	if out.CopySourceVersionId != nil || out.VersionId != nil {
		t.Errorf("unversioned copy reported versions %v %v", out.CopySourceVersionId, out.VersionId)
	}
	body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("copied")})
	if body != "copy me" || aws.ToString(g.ContentType) != "text/plain" || aws.ToString(g.CacheControl) != "no-cache" || g.Metadata["a"] != "1" || aws.ToInt32(g.TagCount) != 1 {
		t.Errorf("copied %q %+v", body, g)
	}

	// REPLACE: the request's metadata; tags still copied unless replaced too.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("replaced"), CopySource: aws.String("/" + source),
		MetadataDirective: types.MetadataDirectiveReplace, ContentType: aws.String("application/json"), Metadata: map[string]string{"b": "2"},
		TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("x=y&z=w")})
	if err != nil {
		t.Fatal(err)
	}
	body, g = get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("replaced")})
	if body != "copy me" || aws.ToString(g.ContentType) != "application/json" || g.CacheControl != nil || g.Metadata["b"] != "2" || g.Metadata["a"] != "" || aws.ToInt32(g.TagCount) != 2 {
		t.Errorf("replaced %q %+v", body, g)
	}
	// COPY ignores the request's metadata headers.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("kept"), CopySource: aws.String(source),
		Metadata: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("kept")}); g.Metadata["a"] != "1" || g.Metadata["b"] != "" {
		t.Errorf("COPY took request metadata: %v", g.Metadata)
	}

	// Copying onto itself needs a change.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpsrc"), Key: aws.String(srcKey), CopySource: aws.String(source)})
	if code(err) != "InvalidRequest" || status(err) != 400 || !strings.Contains(err.Error(), "trying to copy an object to itself without changing the object's metadata") {
		t.Errorf("self copy: %v", err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpsrc"), Key: aws.String(srcKey), CopySource: aws.String(source),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"new": "yes"}}); err != nil {
		t.Fatalf("self copy with REPLACE: %v", err)
	}
	if body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpsrc"), Key: aws.String(srcKey)}); body != "copy me" || g.Metadata["new"] != "yes" {
		t.Errorf("after self copy %q %v", body, g.Metadata)
	}

	// Copy-source conditions.
	etag := aws.ToString(src.ETag)
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	for name, in := range map[string]*s3.CopyObjectInput{
		"if-match":            {CopySourceIfMatch: aws.String(`"nope"`)},
		"if-none-match":       {CopySourceIfNoneMatch: aws.String(etag)},
		"if-modified-since":   {CopySourceIfModifiedSince: &future},
		"if-unmodified-since": {CopySourceIfUnmodifiedSince: &past},
		"none-match+modified": {CopySourceIfNoneMatch: aws.String(etag), CopySourceIfModifiedSince: &past},
	} {
		in.Bucket, in.Key, in.CopySource = aws.String("cpdst"), aws.String("cond"), aws.String(source)
		if _, err := c.CopyObject(ctx, in); code(err) != "PreconditionFailed" || status(err) != 412 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// If-Match true wins over If-Unmodified-Since false.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("cond"), CopySource: aws.String(source),
		CopySourceIfMatch: aws.String(etag), CopySourceIfUnmodifiedSince: &past, CopySourceIfModifiedSince: &past}); err != nil {
		t.Errorf("if-match true: %v", err)
	}

	// Bad sources.
	for src, want := range map[string]string{
		"cpsrc/missing":              "NoSuchKey",
		"nosuchbkt/key":              "NoSuchBucket",
		"justabucket":                "InvalidArgument",
		"cpsrc/":                     "InvalidArgument",
		"cpsrc/k%zz":                 "InvalidArgument",
		source + "?versionId=bad%21": "InvalidArgument",
	} {
		if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("x"), CopySource: aws.String(src)}); code(err) != want {
			t.Errorf("source %q: %v, want %s", src, err, want)
		}
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("x"), CopySource: aws.String(source), MetadataDirective: "MOVE"}); code(err) != "InvalidArgument" {
		t.Errorf("bad directive: %v", err)
	}

	// Another checksum algorithm is computed while copying.
	out, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("sha256"), CopySource: aws.String(source), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("copy me"))
	if aws.ToString(out.CopyObjectResult.ChecksumSHA256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("sha256 copy %+v", out.CopyObjectResult)
	}
	hd, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("cpdst"), Key: aws.String("sha256"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil || aws.ToString(hd.ChecksumSHA256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("head sha256 copy %+v %v", hd, err)
	}
}

func TestCopyVersionsAndMultipart(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "cpver")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("cpver"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1 := put(t, c, "cpver", "doc", "version one")
	put(t, c, "cpver", "doc", "version two")
	out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("old"), CopySource: aws.String("cpver/doc?versionId=" + aws.ToString(v1.VersionId))})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CopySourceVersionId) != aws.ToString(v1.VersionId) || out.VersionId == nil {
		t.Errorf("versions %v %v", out.CopySourceVersionId, out.VersionId)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpver"), Key: aws.String("old")}); body != "version one" {
		t.Errorf("old version copy %q", body)
	}
	// Restoring an old version onto its own key is allowed.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("doc"), CopySource: aws.String("cpver/doc?versionId=" + aws.ToString(v1.VersionId))}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpver"), Key: aws.String("doc")}); body != "version one" {
		t.Errorf("restored %q", body)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("x"), CopySource: aws.String("cpver/doc?versionId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	if code(err) != "NoSuchVersion" {
		t.Errorf("missing version: %v", err)
	}
	// A delete marker is no source.
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("cpver"), Key: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("x"), CopySource: aws.String("cpver/old")}); code(err) != "NoSuchKey" {
		t.Errorf("delete marker source: %v", err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("x"), CopySource: aws.String("cpver/old?versionId=" + aws.ToString(del.VersionId))}); code(err) != "InvalidRequest" {
		t.Errorf("delete marker version source: %v", err)
	}

	// A multipart source becomes a single-part object with an MD5 ETag.
	id := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("cpver"), Key: aws.String("mp")})
	cp, _ := uploadPart(t, c, "cpver", "mp", id, 1, []byte("multipart body"), "")
	if _, err := complete(c, "cpver", "mp", id, cp); err != nil {
		t.Fatal(err)
	}
	out, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpver"), Key: aws.String("mp-copy"), CopySource: aws.String("cpver/mp")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CopyObjectResult.ETag) != `"`+md5hex("multipart body")+`"` || out.CopyObjectResult.ChecksumCRC64NVME == nil {
		t.Errorf("copy of multipart %+v", out.CopyObjectResult)
	}
	body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpver"), Key: aws.String("mp-copy"), ChecksumMode: types.ChecksumModeEnabled})
	if body != "multipart body" || g.PartsCount != nil {
		t.Errorf("multipart copy %q parts %v", body, g.PartsCount)
	}
	// Attributes of a plain object.
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("cpver"), Key: aws.String("mp-copy"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(attrs.ETag) != md5hex("multipart body") || attrs.Checksum == nil || attrs.Checksum.ChecksumCRC64NVME == nil ||
		attrs.Checksum.ChecksumType != types.ChecksumTypeFullObject || attrs.ObjectParts != nil || aws.ToInt64(attrs.ObjectSize) != 14 ||
		aws.ToString(attrs.VersionId) != aws.ToString(out.VersionId) || attrs.LastModified == nil {
		t.Errorf("attributes %+v", attrs)
	}
	if _, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("cpver"), Key: aws.String("nope"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}}); code(err) != "NoSuchKey" {
		t.Errorf("attributes of a missing key: %v", err)
	}
	if _, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("cpver"), Key: aws.String("mp-copy"),
		ObjectAttributes: []types.ObjectAttributes{"Colour"}}); code(err) != "InvalidArgument" {
		t.Errorf("unknown attribute: %v", err)
	}
}

// TestCopyLargeBody copies a body bigger than one copy chunk through the
// kernel path and checks it byte for byte.
func TestCopyLargeBody(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "cpbig")
	data := bytes.Repeat([]byte("0123456789"), 300_000)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cpbig"), Key: aws.String("src"), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("cpbig"), Key: aws.String("dst"), CopySource: aws.String("cpbig/src")}); err != nil {
		t.Fatal(err)
	}
	body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("cpbig"), Key: aws.String("dst"), ChecksumMode: types.ChecksumModeEnabled})
	if body != string(data) || aws.ToString(g.ETag) != fmt.Sprintf(`"%s"`, md5hex(string(data))) {
		t.Errorf("large copy: %d bytes, etag %s", len(body), aws.ToString(g.ETag))
	}
}
