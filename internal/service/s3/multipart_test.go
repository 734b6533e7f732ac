package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

const mib = 1 << 20

// startCopyTest starts hako for the multipart and copy tests; with
// HAKO_TEST_S3_STORE=postgres the store is an isolated PostgreSQL schema.
func startCopyTest(t *testing.T) *hakotest.Server {
	t.Helper()
	if os.Getenv("HAKO_TEST_S3_STORE") == "postgres" {
		return hakotest.Start(t, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	return hakotest.Start(t)
}

func createUpload(t *testing.T, c *s3.Client, in *s3.CreateMultipartUploadInput) string {
	t.Helper()
	out, err := c.CreateMultipartUpload(context.Background(), in)
	if err != nil {
		t.Fatalf("create upload %s: %v", aws.ToString(in.Key), err)
	}
	if aws.ToString(out.UploadId) == "" || aws.ToString(out.Key) != aws.ToString(in.Key) || aws.ToString(out.Bucket) != aws.ToString(in.Bucket) {
		t.Fatalf("create upload: %+v", out)
	}
	return aws.ToString(out.UploadId)
}

func uploadPart(t *testing.T, c *s3.Client, bucket, key, id string, n int32, data []byte, alg types.ChecksumAlgorithm) (types.CompletedPart, *s3.UploadPartOutput) {
	t.Helper()
	out, err := c.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		PartNumber: aws.Int32(n), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
	if err != nil {
		t.Fatalf("upload part %d: %v", n, err)
	}
	if aws.ToString(out.ETag) != `"`+fmt.Sprintf("%x", md5.Sum(data))+`"` {
		t.Errorf("part %d etag %s", n, aws.ToString(out.ETag))
	}
	return types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C,
		ChecksumSHA1: out.ChecksumSHA1, ChecksumSHA256: out.ChecksumSHA256, ChecksumCRC64NVME: out.ChecksumCRC64NVME}, out
}

func multipartETag(parts ...[]byte) string {
	var cat []byte
	for _, p := range parts {
		s := md5.Sum(p)
		cat = append(cat, s[:]...)
	}
	return fmt.Sprintf(`"%x-%d"`, md5.Sum(cat), len(parts))
}

func complete(c *s3.Client, bucket, key, id string, parts ...types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
	return c.CompleteMultipartUpload(context.Background(), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
}

func TestMultipartUpload(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "mpu")
	id := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"),
		ContentType: aws.String("application/x-test"), Metadata: map[string]string{"Color": "blue"}, Tagging: aws.String("k=v")})
	p1 := bytes.Repeat([]byte("0123456789abcdef"), 5*mib/16) // exactly 5 MiB: the minimum
	p2 := []byte("the tail")
	c1, _ := uploadPart(t, c, "mpu", "big file.bin", id, 1, p1, "")
	// A part uploaded again replaces the earlier one.
	uploadPart(t, c, "mpu", "big file.bin", id, 2, []byte("replaced"), "")
	c2, _ := uploadPart(t, c, "mpu", "big file.bin", id, 2, p2, "")

	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"), UploadId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Parts) != 2 || aws.ToInt64(lp.Parts[0].Size) != int64(len(p1)) || aws.ToInt64(lp.Parts[1].Size) != int64(len(p2)) ||
		aws.ToString(lp.Parts[1].ETag) != aws.ToString(c2.ETag) || aws.ToBool(lp.IsTruncated) || lp.Parts[0].LastModified == nil {
		t.Errorf("list parts %+v", lp)
	}
	ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
	if err != nil || len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].UploadId) != id || aws.ToString(ups.Uploads[0].Key) != "big file.bin" {
		t.Fatalf("list uploads %+v %v", ups, err)
	}

	out, err := complete(c, "mpu", "big file.bin", id, c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	if want := multipartETag(p1, p2); aws.ToString(out.ETag) != want {
		t.Errorf("etag %s, want %s", aws.ToString(out.ETag), want)
	}
	if !strings.HasSuffix(aws.ToString(out.Location), "/mpu/big%20file.bin") || out.ChecksumType != types.ChecksumTypeFullObject || out.ChecksumCRC64NVME == nil {
		t.Errorf("complete %+v", out)
	}
	whole := append(append([]byte{}, p1...), p2...)
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(g.Body) // the SDK validates the full-object CRC64NVME
	g.Body.Close()
	if err != nil || !bytes.Equal(body, whole) {
		t.Fatalf("body %d bytes, %v", len(body), err)
	}
	if aws.ToString(g.ETag) != aws.ToString(out.ETag) || aws.ToString(g.ContentType) != "application/x-test" || g.Metadata["color"] != "blue" ||
		aws.ToInt32(g.TagCount) != 1 || aws.ToString(g.ChecksumCRC64NVME) != aws.ToString(out.ChecksumCRC64NVME) {
		t.Errorf("get %+v", g)
	}
	// partNumber reads one part.
	part2, g2 := get(t, c, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"), PartNumber: aws.Int32(2)})
	if part2 != string(p2) || aws.ToInt32(g2.PartsCount) != 2 || aws.ToString(g2.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", len(p1), len(whole)-1, len(whole)) {
		t.Errorf("part 2: %q %s", part2, aws.ToString(g2.ContentRange))
	}
	// The upload is gone.
	ups, err = c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("uploads after complete %+v %v", ups, err)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"), UploadId: aws.String(id), PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
	if code(err) != "NoSuchUpload" || status(err) != 404 {
		t.Errorf("part after complete: %v", err)
	}
	if _, err := complete(c, "mpu", "big file.bin", id, c1, c2); code(err) != "NoSuchUpload" {
		t.Errorf("complete twice: %v", err)
	}
	// Attributes of a multipart object without part checksums: the count only.
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("mpu"), Key: aws.String("big file.bin"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize, types.ObjectAttributesStorageClass}})
	if err != nil {
		t.Fatal(err)
	}
	if `"`+aws.ToString(attrs.ETag)+`"` != aws.ToString(out.ETag) || aws.ToInt64(attrs.ObjectSize) != int64(len(whole)) || attrs.StorageClass != types.StorageClassStandard ||
		attrs.ObjectParts == nil || aws.ToInt32(attrs.ObjectParts.TotalPartsCount) != 2 || attrs.Checksum != nil {
		t.Errorf("attributes %+v", attrs)
	}
}

func TestMultipartErrors(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "mperr")
	id := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("k")})
	c1, _ := uploadPart(t, c, "mperr", "k", id, 1, []byte("small one"), "")
	c2, _ := uploadPart(t, c, "mperr", "k", id, 2, []byte("small two"), "")
	c3, _ := uploadPart(t, c, "mperr", "k", id, 3, []byte("small three"), "")

	for _, n := range []int32{0, 10001, -1} {
		_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mperr"), Key: aws.String("k"), UploadId: aws.String(id), PartNumber: aws.Int32(n), Body: strings.NewReader("x")})
		if code(err) != "InvalidArgument" || !strings.Contains(err.Error(), "Part number must be an integer between 1 and 10000, inclusive") {
			t.Errorf("part %d: %v", n, err)
		}
	}
	if _, err := complete(c, "mperr", "k", id, c1, c2); code(err) != "EntityTooSmall" || status(err) != 400 {
		t.Errorf("small parts: %v", err)
	}
	// Only the last part may be small: a single small part is fine (below).
	bad := c2
	bad.ETag = aws.String(`"00000000000000000000000000000000"`)
	if _, err := complete(c, "mperr", "k", id, c1, bad); code(err) != "InvalidPart" {
		t.Errorf("wrong etag: %v", err)
	}
	missing := types.CompletedPart{PartNumber: aws.Int32(7), ETag: c1.ETag}
	if _, err := complete(c, "mperr", "k", id, c1, missing); code(err) != "InvalidPart" {
		t.Errorf("missing part: %v", err)
	}
	if _, err := complete(c, "mperr", "k", id, c2, c1); code(err) != "InvalidPartOrder" {
		t.Errorf("order: %v", err)
	}
	if _, err := complete(c, "mperr", "k", id, c1, c1); code(err) != "InvalidPartOrder" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := complete(c, "mperr", "other-key", id, c1); code(err) != "NoSuchUpload" {
		t.Errorf("other key: %v", err)
	}
	if _, err := complete(c, "mperr", "k", "nope", c1); code(err) != "NoSuchUpload" || status(err) != 404 {
		t.Errorf("bogus id: %v", err)
	}
	if _, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mperr"), Key: aws.String("k"), UploadId: aws.String("nope")}); code(err) != "NoSuchUpload" {
		t.Errorf("list parts of bogus id: %v", err)
	}
	if _, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")}); code(err) != "NoSuchBucket" {
		t.Errorf("create in missing bucket: %v", err)
	}
	// Conditional complete: If-None-Match * fails on an existing key and
	// leaves the upload; without it the upload completes.
	put(t, c, "mperr", "k", "exists")
	_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("k"), UploadId: aws.String(id),
		IfNoneMatch: aws.String("*"), MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{c3}}})
	if code(err) != "PreconditionFailed" || status(err) != 412 {
		t.Errorf("if-none-match: %v", err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("k"), UploadId: aws.String(id),
		IfMatch: aws.String(`"` + md5hex("exists") + `"`), MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{c3}}})
	if err != nil {
		t.Fatalf("if-match complete: %v", err)
	}
	if body, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("mperr"), Key: aws.String("k")}); body != "small three" {
		t.Errorf("single small part: %q", body)
	}

	// Abort.
	id2 := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("aborted")})
	uploadPart(t, c, "mperr", "aborted", id2, 1, []byte("data"), "")
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("aborted"), UploadId: aws.String(id2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mperr"), Key: aws.String("aborted"), UploadId: aws.String(id2)}); code(err) != "NoSuchUpload" {
		t.Errorf("list parts after abort: %v", err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mperr"), Key: aws.String("aborted"), UploadId: aws.String(id2)}); code(err) != "NoSuchUpload" || status(err) != 404 {
		t.Errorf("abort twice: %v", err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mperr"), Key: aws.String("aborted")}); status(err) != 404 {
		t.Errorf("aborted upload left an object: %v", err)
	}
}

func crc32b64(p []byte) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(p)))
}

func TestMultipartChecksums(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "mpsum")
	p1 := bytes.Repeat([]byte{'x'}, 5*mib)
	p2 := []byte("last part")

	// COMPOSITE SHA256: the checksum of the parts' checksums, "-N".
	id := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), UploadId: aws.String(id), PartNumber: aws.Int32(1),
		Body: bytes.NewReader(p2), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if code(err) != "InvalidRequest" || !strings.Contains(err.Error(), "Checksum Type mismatch") {
		t.Errorf("crc32 part of a sha256 upload: %v", err)
	}
	c1, o1 := uploadPart(t, c, "mpsum", "composite", id, 1, p1, types.ChecksumAlgorithmSha256)
	c2, _ := uploadPart(t, c, "mpsum", "composite", id, 2, p2, types.ChecksumAlgorithmSha256)
	s1, s2 := sha256.Sum256(p1), sha256.Sum256(p2)
	if aws.ToString(o1.ChecksumSHA256) != base64.StdEncoding.EncodeToString(s1[:]) {
		t.Errorf("part checksum %s", aws.ToString(o1.ChecksumSHA256))
	}
	noSums := types.CompletedPart{PartNumber: c1.PartNumber, ETag: c1.ETag}
	if _, err := complete(c, "mpsum", "composite", id, noSums, c2); code(err) != "InvalidRequest" || !strings.Contains(err.Error(), "must include the checksum for each part") {
		t.Errorf("complete without part checksums: %v", err)
	}
	wrong := c2
	wrong.ChecksumSHA256 = c1.ChecksumSHA256
	if _, err := complete(c, "mpsum", "composite", id, c1, wrong); code(err) != "InvalidPart" {
		t.Errorf("complete with a wrong part checksum: %v", err)
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), UploadId: aws.String(id)})
	if err != nil || lp.ChecksumAlgorithm != types.ChecksumAlgorithmSha256 || lp.ChecksumType != types.ChecksumTypeComposite || len(lp.Parts) != 2 ||
		aws.ToString(lp.Parts[0].ChecksumSHA256) != aws.ToString(c1.ChecksumSHA256) {
		t.Errorf("list parts %+v %v", lp, err)
	}
	out, err := complete(c, "mpsum", "composite", id, c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	composite := sha256.Sum256(append(append([]byte{}, s1[:]...), s2[:]...))
	want := base64.StdEncoding.EncodeToString(composite[:]) + "-2"
	if aws.ToString(out.ChecksumSHA256) != want || out.ChecksumType != types.ChecksumTypeComposite {
		t.Errorf("composite checksum %s (%s), want %s", aws.ToString(out.ChecksumSHA256), out.ChecksumType, want)
	}
	hd, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil || aws.ToString(hd.ChecksumSHA256) != want || hd.ChecksumType != types.ChecksumTypeComposite {
		t.Errorf("head %+v %v", hd, err)
	}
	// The parts with their checksums, a page at a time.
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), MaxParts: aws.Int32(1),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts}})
	if err != nil {
		t.Fatal(err)
	}
	op := attrs.ObjectParts
	if attrs.Checksum == nil || aws.ToString(attrs.Checksum.ChecksumSHA256) != want || attrs.Checksum.ChecksumType != types.ChecksumTypeComposite ||
		op == nil || aws.ToInt32(op.TotalPartsCount) != 2 || len(op.Parts) != 1 || !aws.ToBool(op.IsTruncated) || aws.ToString(op.NextPartNumberMarker) != "1" ||
		aws.ToInt64(op.Parts[0].Size) != int64(len(p1)) || aws.ToString(op.Parts[0].ChecksumSHA256) != aws.ToString(c1.ChecksumSHA256) {
		t.Errorf("attributes %+v %+v", attrs, op)
	}
	attrs, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("mpsum"), Key: aws.String("composite"), PartNumberMarker: aws.String("1"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts}})
	if err != nil || len(attrs.ObjectParts.Parts) != 1 || aws.ToInt32(attrs.ObjectParts.Parts[0].PartNumber) != 2 || aws.ToBool(attrs.ObjectParts.IsTruncated) {
		t.Errorf("attributes page 2 %+v %v", attrs, err)
	}

	// FULL_OBJECT CRC32: the CRC32 of the whole object, checked against
	// the one the client sends.
	id = createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("full"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32, ChecksumType: types.ChecksumTypeFullObject})
	c1, _ = uploadPart(t, c, "mpsum", "full", id, 1, p1, types.ChecksumAlgorithmCrc32)
	c2, _ = uploadPart(t, c, "mpsum", "full", id, 2, p2, types.ChecksumAlgorithmCrc32)
	whole := append(append([]byte{}, p1...), p2...)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("full"), UploadId: aws.String(id),
		ChecksumCRC32: aws.String(crc32b64([]byte("wrong"))), ChecksumType: types.ChecksumTypeFullObject, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{c1, c2}}})
	if code(err) != "BadDigest" {
		t.Errorf("wrong full-object checksum: %v", err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("full"), UploadId: aws.String(id),
		ChecksumType: types.ChecksumTypeComposite, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{c1, c2}}})
	if code(err) != "InvalidRequest" {
		t.Errorf("other checksum type: %v", err)
	}
	out, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("full"), UploadId: aws.String(id),
		ChecksumCRC32: aws.String(crc32b64(whole)), ChecksumType: types.ChecksumTypeFullObject, MpuObjectSize: aws.Int64(int64(len(whole))),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{c1, c2}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ChecksumCRC32) != crc32b64(whole) || out.ChecksumType != types.ChecksumTypeFullObject {
		t.Errorf("full-object crc32 %s %s", aws.ToString(out.ChecksumCRC32), out.ChecksumType)
	}
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpsum"), Key: aws.String("full"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(g.Body) // validated by the SDK
	g.Body.Close()
	if err != nil || !bytes.Equal(body, whole) || aws.ToString(g.ChecksumCRC32) != crc32b64(whole) {
		t.Errorf("get full: %d bytes %v %s", len(body), err, aws.ToString(g.ChecksumCRC32))
	}

	// Algorithm and type combinations S3 refuses.
	for _, tc := range []struct {
		alg types.ChecksumAlgorithm
		typ types.ChecksumType
	}{{types.ChecksumAlgorithmSha256, types.ChecksumTypeFullObject}, {types.ChecksumAlgorithmCrc64nvme, types.ChecksumTypeComposite}, {"", types.ChecksumTypeFullObject}} {
		_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("x"), ChecksumAlgorithm: tc.alg, ChecksumType: tc.typ})
		if code(err) != "InvalidRequest" {
			t.Errorf("%s/%s: %v", tc.alg, tc.typ, err)
		}
	}
	// CRC64NVME defaults to FULL_OBJECT.
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpsum"), Key: aws.String("x"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc64nvme})
	if err != nil || cr.ChecksumType != types.ChecksumTypeFullObject || cr.ChecksumAlgorithm != types.ChecksumAlgorithmCrc64nvme {
		t.Errorf("crc64nvme upload %+v %v", cr, err)
	}
}

func TestMultipartListings(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "mplist")
	ids := map[string][]string{}
	for _, k := range []string{"b", "a/1", "c", "a/2", "b", "dir/x/y", "é"} {
		ids[k] = append(ids[k], createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mplist"), Key: aws.String(k)}))
		time.Sleep(2 * time.Millisecond) // distinct initiation times
	}
	all, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mplist")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range all.Uploads {
		got = append(got, aws.ToString(u.Key)+"#"+aws.ToString(u.UploadId)[:4])
	}
	want := []string{"a/1", "a/2", "b", "b", "c", "dir/x/y", "é"}
	var wantIDs []string
	seen := map[string]int{}
	for _, k := range want {
		wantIDs = append(wantIDs, k+"#"+ids[k][seen[k]][:4])
		seen[k]++
	}
	if strings.Join(got, ",") != strings.Join(wantIDs, ",") || aws.ToBool(all.IsTruncated) {
		t.Errorf("uploads %v, want %v", got, wantIDs)
	}
	if all.Uploads[0].Initiated == nil || all.Uploads[0].Initiator == nil || all.Uploads[0].Owner == nil || all.Uploads[0].StorageClass != types.StorageClassStandard {
		t.Errorf("upload fields %+v", all.Uploads[0])
	}
	// Delimiter and prefix.
	d, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mplist"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	var keys, cps []string
	for _, u := range d.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	for _, p := range d.CommonPrefixes {
		cps = append(cps, aws.ToString(p.Prefix))
	}
	if strings.Join(keys, ",") != "b,b,c,é" || strings.Join(cps, ",") != "a/,dir/" {
		t.Errorf("delimited: %v %v", keys, cps)
	}
	p, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mplist"), Prefix: aws.String("dir/"), Delimiter: aws.String("/")})
	if err != nil || len(p.Uploads) != 0 || len(p.CommonPrefixes) != 1 || aws.ToString(p.CommonPrefixes[0].Prefix) != "dir/x/" {
		t.Errorf("prefix: %+v %v", p, err)
	}
	// Pages of two, resuming inside the two uploads of "b".
	var paged []string
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String("mplist"), MaxUploads: aws.Int32(2)}
	for i := 0; i < 10; i++ {
		page, err := c.ListMultipartUploads(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			paged = append(paged, aws.ToString(u.Key)+"#"+aws.ToString(u.UploadId)[:4])
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
	}
	if strings.Join(paged, ",") != strings.Join(wantIDs, ",") {
		t.Errorf("paged %v, want %v", paged, wantIDs)
	}
	// A key marker alone skips every upload of that key.
	km, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mplist"), KeyMarker: aws.String("b")})
	if err != nil || len(km.Uploads) != 3 || aws.ToString(km.Uploads[0].Key) != "c" {
		t.Errorf("key marker: %+v %v", km, err)
	}

	// ListParts pages.
	id := ids["c"][0]
	for n := int32(1); n <= 3; n++ {
		uploadPart(t, c, "mplist", "c", id, n, []byte(fmt.Sprintf("part %d", n)), "")
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mplist"), Key: aws.String("c"), UploadId: aws.String(id), MaxParts: aws.Int32(2)})
	if err != nil || len(lp.Parts) != 2 || !aws.ToBool(lp.IsTruncated) || aws.ToString(lp.NextPartNumberMarker) != "2" || aws.ToInt32(lp.MaxParts) != 2 {
		t.Fatalf("page 1 %+v %v", lp, err)
	}
	lp, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mplist"), Key: aws.String("c"), UploadId: aws.String(id), PartNumberMarker: lp.NextPartNumberMarker})
	if err != nil || len(lp.Parts) != 1 || aws.ToInt32(lp.Parts[0].PartNumber) != 3 || aws.ToBool(lp.IsTruncated) {
		t.Errorf("page 2 %+v %v", lp, err)
	}
	// The SDK paginator walks them all.
	pg := s3.NewListPartsPaginator(c, &s3.ListPartsInput{Bucket: aws.String("mplist"), Key: aws.String("c"), UploadId: aws.String(id), MaxParts: aws.Int32(1)})
	n := 0
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Parts)
	}
	if n != 3 {
		t.Errorf("paginator saw %d parts", n)
	}
}

func TestMultipartUploadPartCopy(t *testing.T) {
	h := startCopyTest(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "mpcopy")
	src := bytes.Repeat([]byte("abcdefghij"), mib/2) // 5 MiB
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mpcopy"), Key: aws.String("src"), Body: bytes.NewReader(src)}); err != nil {
		t.Fatal(err)
	}
	id := createUpload(t, c, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	cp1, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(1),
		CopySource: aws.String("mpcopy/src")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cp1.CopyPartResult.ETag) != `"`+fmt.Sprintf("%x", md5.Sum(src))+`"` || aws.ToString(cp1.CopyPartResult.ChecksumCRC32) != crc32b64(src) ||
		cp1.CopyPartResult.LastModified == nil {
		t.Errorf("copy part 1 %+v", cp1.CopyPartResult)
	}
	cp2, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(2),
		CopySource: aws.String("/mpcopy/src"), CopySourceRange: aws.String("bytes=3-9"), CopySourceIfMatch: aws.String(`"` + fmt.Sprintf("%x", md5.Sum(src)) + `"`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cp2.CopyPartResult.ETag) != `"`+md5hex("defghij")+`"` {
		t.Errorf("copy part 2 %+v", cp2.CopyPartResult)
	}
	for _, r := range []string{"0-9", "bytes=9-3", "bytes=5-", "bytes=0-5242880"} {
		_, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(3),
			CopySource: aws.String("mpcopy/src"), CopySourceRange: aws.String(r)})
		if code(err) != "InvalidArgument" {
			t.Errorf("range %q: %v", r, err)
		}
	}
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(3),
		CopySource: aws.String("mpcopy/src"), CopySourceIfNoneMatch: aws.String("*")})
	if code(err) != "PreconditionFailed" {
		t.Errorf("copy-source-if-none-match: %v", err)
	}
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(3),
		CopySource: aws.String("mpcopy/missing")})
	if code(err) != "NoSuchKey" {
		t.Errorf("missing source: %v", err)
	}
	out, err := complete(c, "mpcopy", "dst", id,
		types.CompletedPart{PartNumber: aws.Int32(1), ETag: cp1.CopyPartResult.ETag, ChecksumCRC32: cp1.CopyPartResult.ChecksumCRC32},
		types.CompletedPart{PartNumber: aws.Int32(2), ETag: cp2.CopyPartResult.ETag, ChecksumCRC32: cp2.CopyPartResult.ChecksumCRC32})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ETag) != multipartETag(src, []byte("defghij")) {
		t.Errorf("etag %s", aws.ToString(out.ETag))
	}
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpcopy"), Key: aws.String("dst")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if !bytes.Equal(body, append(append([]byte{}, src...), "defghij"...)) {
		t.Errorf("body of %d bytes", len(body))
	}
}
