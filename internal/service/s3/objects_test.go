package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/hakotest"
)

func newBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return out
}

func get(t *testing.T, c *s3.Client, in *s3.GetObjectInput) (string, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), in)
	if err != nil {
		t.Fatalf("get %s: %v", aws.ToString(in.Key), err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), out
}

func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func md5hex(s string) string {
	return fmt.Sprintf("%x", md5.Sum([]byte(s)))
}

func TestObjectRoundTrip(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "objs")
	out, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt"), Body: strings.NewReader("hello, s3"),
		ContentType: aws.String("text/plain"), CacheControl: aws.String("max-age=60"), ContentDisposition: aws.String("inline"),
		Metadata: map[string]string{"Owner": "alice", "x": "1"}, Tagging: aws.String("a=1&b=two"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ETag) != `"`+md5hex("hello, s3")+`"` {
		t.Errorf("etag %s", aws.ToString(out.ETag))
	}
	if out.VersionId != nil {
		t.Errorf("unversioned bucket returned version %q", *out.VersionId)
	}
	body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt")})
	if body != "hello, s3" {
		t.Errorf("body %q", body)
	}
	if aws.ToString(g.ContentType) != "text/plain" || aws.ToString(g.CacheControl) != "max-age=60" || aws.ToString(g.ContentDisposition) != "inline" {
		t.Errorf("headers %q %q %q", aws.ToString(g.ContentType), aws.ToString(g.CacheControl), aws.ToString(g.ContentDisposition))
	}
	if g.Metadata["owner"] != "alice" || g.Metadata["x"] != "1" {
		t.Errorf("metadata %v", g.Metadata)
	}
	if aws.ToInt32(g.TagCount) != 2 || aws.ToInt64(g.ContentLength) != 9 || g.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Errorf("tagcount %d length %d sse %q", aws.ToInt32(g.TagCount), aws.ToInt64(g.ContentLength), g.ServerSideEncryption)
	}
	if g.LastModified == nil || time.Since(*g.LastModified) > time.Minute {
		t.Errorf("last modified %v", g.LastModified)
	}
	hd, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(hd.ContentLength) != 9 || aws.ToString(hd.ETag) != aws.ToString(out.ETag) {
		t.Errorf("head %d %s", aws.ToInt64(hd.ContentLength), aws.ToString(hd.ETag))
	}
	if hd.ChecksumCRC32 == nil && hd.ChecksumCRC64NVME == nil {
		t.Errorf("head returned no checksum")
	}
	tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt")})
	if err != nil || len(tags.TagSet) != 2 || aws.ToString(tags.TagSet[1].Value) != "two" {
		t.Fatalf("tags %+v %v", tags, err)
	}
	// Overwrite, then delete.
	put(t, c, "objs", "dir/hello world.txt", "second")
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt")}); body != "second" {
		t.Errorf("after overwrite %q", body)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("objs"), Key: aws.String("dir/hello world.txt")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("get deleted: %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("objs"), Key: aws.String("gone")})
	if status(err) != 404 {
		t.Errorf("head missing: %v", err)
	}
	// Deleting a missing key succeeds.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("objs"), Key: aws.String("never")}); err != nil {
		t.Errorf("delete missing: %v", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("nope-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	if code(err) != "NoSuchBucket" {
		t.Errorf("put into missing bucket: %v", err)
	}
	// Empty object.
	put(t, c, "objs", "empty", "")
	if body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("objs"), Key: aws.String("empty")}); body != "" || aws.ToString(g.ETag) != `"d41d8cd98f00b204e9800998ecf8427e"` {
		t.Errorf("empty object %q %s", body, aws.ToString(g.ETag))
	}
	// Bucket not empty.
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("objs")}); code(err) != "BucketNotEmpty" {
		t.Errorf("delete non-empty bucket: %v", err)
	}
}

func TestRangeAndConditionals(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "rng")
	out := put(t, c, "rng", "k", "0123456789")
	cases := []struct {
		rng, want, cr string
	}{
		{"bytes=0-3", "0123", "bytes 0-3/10"},
		{"bytes=7-", "789", "bytes 7-9/10"},
		{"bytes=-2", "89", "bytes 8-9/10"},
		{"bytes=5-100", "56789", "bytes 5-9/10"},
		{"bytes=-100", "0123456789", "bytes 0-9/10"},
	}
	for _, tc := range cases {
		body, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Range: aws.String(tc.rng)})
		if body != tc.want || aws.ToString(g.ContentRange) != tc.cr || aws.ToInt64(g.ContentLength) != int64(len(tc.want)) {
			t.Errorf("%s: %q %q %d", tc.rng, body, aws.ToString(g.ContentRange), aws.ToInt64(g.ContentLength))
		}
	}
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Range: aws.String("bytes=10-")})
	if code(err) != "InvalidRange" || status(err) != 416 {
		t.Errorf("unsatisfiable range: %v", err)
	}
	// A malformed range is ignored: the whole object.
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Range: aws.String("bytes=a-b")}); body != "0123456789" {
		t.Errorf("malformed range %q", body)
	}
	etag := aws.ToString(out.ETag)
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfMatch: aws.String(`"nope"`)}); status(err) != 412 || code(err) != "PreconditionFailed" {
		t.Errorf("If-Match mismatch: %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfNoneMatch: aws.String(etag)}); status(err) != 304 {
		t.Errorf("If-None-Match match: %v", err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfNoneMatch: aws.String(etag)}); status(err) != 304 {
		t.Errorf("HEAD If-None-Match match: %v", err)
	}
	future := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Hour)
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfModifiedSince: &future}); status(err) != 304 {
		t.Errorf("If-Modified-Since future: %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfUnmodifiedSince: &past}); status(err) != 412 {
		t.Errorf("If-Unmodified-Since past: %v", err)
	}
	// If-Match true wins over a false If-Unmodified-Since (RFC 7232).
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfMatch: aws.String(etag), IfUnmodifiedSince: &past}); body != "0123456789" {
		t.Errorf("If-Match + If-Unmodified-Since: %q", body)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfModifiedSince: &past}); body != "0123456789" {
		t.Errorf("If-Modified-Since past: %q", body)
	}
	// Conditional writes.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if status(err) != 412 {
		t.Errorf("If-None-Match * on existing: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("new"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Errorf("If-None-Match * on new key: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("x"), IfMatch: aws.String(`"bad"`)}); status(err) != 412 {
		t.Errorf("If-Match mismatch on write: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("missing"), Body: strings.NewReader("x"), IfMatch: aws.String(etag)}); code(err) != "NoSuchKey" {
		t.Errorf("If-Match on missing key: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("y"), IfMatch: aws.String(etag)}); err != nil {
		t.Errorf("If-Match match on write: %v", err)
	}
}

func TestChecksumsAndDigests(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "sums")
	data := bytes.Repeat([]byte("checksum "), 1000)
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		key := "obj-" + string(alg)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatalf("%s get: %v", alg, err)
		}
		got, _ := io.ReadAll(g.Body) // the SDK validates the checksum while reading
		g.Body.Close()
		if !bytes.Equal(got, data) {
			t.Errorf("%s: body differs", alg)
		}
		sent := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: out.ChecksumCRC32, types.ChecksumAlgorithmCrc32c: out.ChecksumCRC32C,
			types.ChecksumAlgorithmCrc64nvme: out.ChecksumCRC64NVME, types.ChecksumAlgorithmSha1: out.ChecksumSHA1, types.ChecksumAlgorithmSha256: out.ChecksumSHA256}[alg]
		back := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: g.ChecksumCRC32, types.ChecksumAlgorithmCrc32c: g.ChecksumCRC32C,
			types.ChecksumAlgorithmCrc64nvme: g.ChecksumCRC64NVME, types.ChecksumAlgorithmSha1: g.ChecksumSHA1, types.ChecksumAlgorithmSha256: g.ChecksumSHA256}[alg]
		if sent == nil || back == nil || *sent != *back {
			t.Errorf("%s: put %v get %v", alg, sent, back)
		}
	}
	// A wrong checksum header is BadDigest; nothing is stored.
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad"), Body: bytes.NewReader(data), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(make([]byte, 32)))})
	if code(err) != "BadDigest" {
		t.Errorf("bad sha256: %v", err)
	}
	sum := md5.Sum([]byte("other"))
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad"), Body: bytes.NewReader(data), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	if code(err) != "BadDigest" {
		t.Errorf("bad Content-MD5: %v", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad"), Body: bytes.NewReader(data), ContentMD5: aws.String("not-md5")})
	if code(err) != "InvalidDigest" {
		t.Errorf("invalid Content-MD5: %v", err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("sums"), Key: aws.String("bad")}); status(err) != 404 {
		t.Errorf("failed puts stored something: %v", err)
	}
	good := md5.Sum(data)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("md5"), Body: bytes.NewReader(data), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(good[:]))}); err != nil {
		t.Errorf("good Content-MD5: %v", err)
	}
}

func TestListObjects(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "list")
	keys := []string{"a", "a/b", "a/c/d", "a/c/e", "b/x", "b/y", "c", "é", "z/1", "Z"}
	for _, k := range keys {
		put(t, c, "list", k, k)
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted) // byte order, as S3
	all, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range all.Contents {
		got = append(got, aws.ToString(o.Key))
	}
	if strings.Join(got, ",") != strings.Join(sorted, ",") || aws.ToInt32(all.KeyCount) != int32(len(keys)) {
		t.Errorf("all keys %v", got)
	}
	d, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(d.Contents), prefixes(d.CommonPrefixes)) != "[Z a c é] [a/ b/ z/]" {
		t.Errorf("delimiter: %v %v", names(d.Contents), prefixes(d.CommonPrefixes))
	}
	d, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/"), Prefix: aws.String("a/")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(d.Contents), prefixes(d.CommonPrefixes)) != "[a/b] [a/c/]" {
		t.Errorf("prefix a/: %v %v", names(d.Contents), prefixes(d.CommonPrefixes))
	}
	// Pages of 2 with the paginator, delimiter included: prefixes count.
	var pages []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, fmt.Sprint(names(pg.Contents), prefixes(pg.CommonPrefixes)))
	}
	if strings.Join(pages, " ") != "[Z a] [] [] [a/ b/] [c] [z/] [é] []" {
		t.Errorf("pages: %v", pages)
	}
	sa, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), StartAfter: aws.String("b/x")})
	if err != nil || fmt.Sprint(names(sa.Contents)) != "[b/y c z/1 é]" {
		t.Errorf("start-after: %v %v", names(sa.Contents), err)
	}
	// Version 1 with marker and NextMarker.
	v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("list"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(v1.IsTruncated) || aws.ToString(v1.NextMarker) != "a/" {
		t.Errorf("v1 truncated %v next %q", aws.ToBool(v1.IsTruncated), aws.ToString(v1.NextMarker))
	}
	v1, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("list"), Delimiter: aws.String("/"), Marker: aws.String("a/")})
	if err != nil || fmt.Sprint(names(v1.Contents), prefixes(v1.CommonPrefixes)) != "[c é] [b/ z/]" {
		t.Errorf("v1 after a/: %v %v %v", names(v1.Contents), prefixes(v1.CommonPrefixes), err)
	}
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), ContinuationToken: aws.String("garbage!")}); code(err) != "InvalidArgument" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("missing-bucket")}); code(err) != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}
	// URL encoding of keys: form encoding, as S3 (the Go SDK hands the
	// encoded keys to the caller as they are).
	put(t, c, "list", "sp ace+plus", "x")
	enc, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Prefix: aws.String("sp"), EncodingType: types.EncodingTypeUrl})
	if err != nil || len(enc.Contents) != 1 || aws.ToString(enc.Contents[0].Key) != "sp+ace%2Bplus" {
		t.Errorf("url encoding: %v %v", names(enc.Contents), err)
	}
}

func names(os []types.Object) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, aws.ToString(o.Key))
	}
	return out
}

func prefixes(ps []types.CommonPrefix) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, aws.ToString(p.Prefix))
	}
	return out
}

func TestVersioning(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "vers")
	put(t, c, "vers", "k", "before") // the null version
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("vers")}); err != nil || v.Status != "" {
		t.Fatalf("versioning before: %+v %v", v, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vers"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1 := put(t, c, "vers", "k", "one")
	v2 := put(t, c, "vers", "k", "two")
	if v1.VersionId == nil || v2.VersionId == nil || *v1.VersionId == *v2.VersionId {
		t.Fatalf("version ids %v %v", v1.VersionId, v2.VersionId)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k")}); body != "two" {
		t.Errorf("latest %q", body)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: v1.VersionId}); body != "one" {
		t.Errorf("v1 %q", body)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: aws.String("null")}); body != "before" {
		t.Errorf("null version %q", body)
	}
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vers"), Key: aws.String("k")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || del.VersionId == nil {
		t.Fatalf("delete marker: %+v %v", del, err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k")})
	if code(err) != "NoSuchKey" {
		t.Errorf("get behind a delete marker: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: del.VersionId})
	if status(err) != http.StatusMethodNotAllowed {
		t.Errorf("get a delete marker by version: %v", err)
	}
	lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("vers")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lv.Versions) != 3 || len(lv.DeleteMarkers) != 1 || !aws.ToBool(lv.DeleteMarkers[0].IsLatest) ||
		aws.ToString(lv.Versions[0].VersionId) != *v2.VersionId || aws.ToString(lv.Versions[2].VersionId) != "null" {
		t.Errorf("versions %+v markers %+v", lv.Versions, lv.DeleteMarkers)
	}
	// Paged one at a time.
	var seen []string
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String("vers"), MaxKeys: aws.Int32(1)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range pg.Versions {
			seen = append(seen, aws.ToString(v.VersionId))
		}
		for range pg.DeleteMarkers {
			seen = append(seen, "marker")
		}
	}
	if len(seen) != 4 || seen[0] != "marker" || seen[3] != "null" {
		t.Errorf("paged versions %v", seen)
	}
	// Removing the delete marker brings v2 back.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: del.VersionId}); err != nil {
		t.Fatal(err)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k")}); body != "two" {
		t.Errorf("after removing the marker %q", body)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vers"), Key: aws.String("k"), VersionId: aws.String("doesnotexist")}); code(err) != "NoSuchVersion" {
		t.Errorf("missing version: %v", err)
	}
	// DeleteObjects with versions.
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("vers"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: v1.VersionId}, {Key: aws.String("k"), VersionId: v2.VersionId}, {Key: aws.String("k"), VersionId: aws.String("null")}, {Key: aws.String("other")},
	}}})
	if err != nil || len(out.Deleted) != 4 || len(out.Errors) != 0 {
		t.Fatalf("delete objects %+v %v", out, err)
	}
	lv, _ = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("vers")})
	if len(lv.Versions) != 0 || len(lv.DeleteMarkers) != 1 { // "other" got a delete marker
		t.Errorf("after delete objects: %d versions %d markers", len(lv.Versions), len(lv.DeleteMarkers))
	}
}

func TestExpectedBucketOwner(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "owned")
	put(t, c, "owned", "k", "v")
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("owned"), Key: aws.String("k"), ExpectedBucketOwner: aws.String("999999999999")}); code(err) != "AccessDenied" || status(err) != 403 {
		t.Errorf("wrong owner: %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("owned"), Key: aws.String("k"), ExpectedBucketOwner: aws.String("000000000000")}); err != nil {
		t.Errorf("right owner: %v", err)
	}
}
