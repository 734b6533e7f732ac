package s3

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awschunked"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Multipart uploads are rows of s3_uploads (the object's metadata as JSON,
// with the declared checksum algorithm and type) and s3_parts (one blob per
// part, its checksum as JSON). CompleteMultipartUpload concatenates the
// part blobs into a new blob (blob.Concat), commits it as the object, and
// deletes the parts' rows and blobs.

const (
	maxPartNumber = 10000
	minPartSize   = 5 << 20
)

const (
	checksumComposite  = "COMPOSITE"
	checksumFullObject = "FULL_OBJECT"
)

// upload is one row of s3_uploads.
type upload struct {
	id        string
	bucket    string
	key       string
	initiated time.Time
	// meta is the object's metadata. Its ChecksumAlgorithm and
	// ChecksumType are those declared at creation ("" for none).
	meta objectMeta
}

// part is one row of s3_parts.
type part struct {
	number   int32
	blobID   blob.ID
	size     int64
	etag     string // hex MD5, without quotes
	modified time.Time
	sums     partSums
}

// partSums is the checksum of a part, stored as JSON in s3_parts.checksums.
type partSums struct {
	Alg   string `json:"a,omitempty"`
	Value string `json:"v,omitempty"` // base64
}

func newUploadID() string {
	var b [48]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func noSuchUpload(id string) error {
	return s3Err("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
		http.StatusNotFound, "UploadId", id)
}

func invalidPart(uploadID string, n int32, etag string) error {
	return s3Err("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
		http.StatusBadRequest, "UploadId", uploadID, "PartNumber", strconv.Itoa(int(n)), "ETag", etag)
}

func checkPartNumber(n *int32) (int32, error) {
	if n == nil || *n < 1 || *n > maxPartNumber {
		v := ""
		if n != nil {
			v = strconv.Itoa(int(*n))
		}
		return 0, s3Err("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", http.StatusBadRequest,
			"ArgumentName", "partNumber", "ArgumentValue", v)
	}
	return *n, nil
}

// lockUpload serializes the writers of one upload on PostgreSQL (bucket
// names are never empty, so this lock never collides with a key's).
func lockUpload(ctx context.Context, tx *store.Tx, id string) error {
	return lockKey(ctx, tx, "", "upload:"+id)
}

// loadUpload returns the upload id of bucket/key, or NoSuchUpload.
func loadUpload(ctx context.Context, tx *store.Tx, bucket, key, id string) (*upload, error) {
	u := &upload{id: id}
	var okey []byte
	var initiated int64
	var meta string
	err := tx.QueryRow(ctx, "SELECT bucket, okey, initiated, meta FROM s3_uploads WHERE upload_id = ?", id).Scan(&u.bucket, &okey, &initiated, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSuchUpload(id)
	}
	if err != nil {
		return nil, err
	}
	u.key = string(okey)
	if u.bucket != bucket || u.key != key {
		return nil, noSuchUpload(id)
	}
	u.initiated = time.UnixMilli(initiated).UTC()
	if err := json.Unmarshal([]byte(meta), &u.meta); err != nil {
		return nil, err
	}
	return u, nil
}

// uploadOf loads an upload in its own read transaction, checking the
// bucket first (NoSuchBucket).
func (s *Service) uploadOf(ctx context.Context, bucket, key, id string) (*upload, error) {
	var u *upload
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucket); err != nil {
			return err
		}
		var err error
		u, err = loadUpload(ctx, tx, bucket, key, id)
		return err
	})
	return u, err
}

const partCols = "part, blob_id, size, etag, modified, checksums"

func scanPart(sc scanner) (*part, error) {
	p := &part{}
	var blobID, sums string
	var modified int64
	if err := sc.Scan(&p.number, &blobID, &p.size, &p.etag, &modified, &sums); err != nil {
		return nil, err
	}
	p.blobID = blob.ID(blobID)
	p.modified = time.UnixMilli(modified).UTC()
	if sums != "" {
		if err := json.Unmarshal([]byte(sums), &p.sums); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// loadParts returns the parts of an upload numbered above after, in order,
// at most limit of them (limit < 0: all).
func loadParts(ctx context.Context, tx *store.Tx, uploadID string, after int32, limit int) ([]*part, error) {
	q := "SELECT " + partCols + " FROM s3_parts WHERE upload_id = ? AND part > ? ORDER BY part"
	if limit >= 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := tx.Query(ctx, q, uploadID, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*part
	for rows.Next() {
		p, err := scanPart(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// dropUpload deletes an upload and its parts; the part blobs go after commit.
func (s *Service) dropUpload(ctx context.Context, tx *store.Tx, id string) error {
	parts, err := loadParts(ctx, tx, id, 0, -1)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM s3_parts WHERE upload_id = ?", id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM s3_uploads WHERE upload_id = ?", id); err != nil {
		return err
	}
	for _, p := range parts {
		s.deleteBlobAfter(tx, p.blobID)
	}
	return nil
}

// uploadChecksum checks the checksum algorithm and type of a new upload.
func uploadChecksum(algIn, typIn *string) (alg, typ string, err error) {
	alg, typ = strings.ToUpper(deref(algIn)), strings.ToUpper(deref(typIn))
	if alg != "" {
		if _, ok := algByName(alg); !ok {
			return "", "", s3Err("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]", http.StatusBadRequest)
		}
	}
	if typ != "" && typ != checksumComposite && typ != checksumFullObject {
		return "", "", s3Err("InvalidRequest", "Value for x-amz-checksum-type header is invalid.", http.StatusBadRequest)
	}
	if alg == "" {
		if typ != "" {
			return "", "", s3Err("InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.", http.StatusBadRequest)
		}
		return "", "", nil
	}
	if typ == "" {
		typ = checksumComposite
		if alg == "CRC64NVME" {
			typ = checksumFullObject
		}
	}
	if typ == checksumFullObject && strings.HasPrefix(alg, "SHA") || typ == checksumComposite && alg == "CRC64NVME" {
		return "", "", s3Err("InvalidRequest", "The "+typ+" checksum type cannot be used with the "+strings.ToLower(alg)+" checksum algorithm.", http.StatusBadRequest)
	}
	return alg, typ, nil
}

// sumBytes is the digest of p with S3's algorithm alg, in S3's byte order.
func sumBytes(alg string, p []byte) []byte {
	switch alg {
	case "CRC32":
		return binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(p))
	case "CRC32C":
		return binary.BigEndian.AppendUint32(nil, crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)))
	case "CRC64NVME":
		return binary.BigEndian.AppendUint64(nil, blob.UpdateCRC64NVME(0, p))
	case "SHA1":
		s := sha1.Sum(p)
		return s[:]
	case "SHA256":
		s := sha256.Sum256(p)
		return s[:]
	}
	return nil
}

func checksumMismatch(want, got string) error {
	if got == "" {
		got = "null"
	}
	return s3Err("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: "+strings.ToLower(want)+", actual checksum Type: "+strings.ToLower(got), http.StatusBadRequest)
}

// sentChecksumAlg is the checksum algorithm a request body comes with
// ("" for none).
func sentChecksumAlg(b body) (string, error) {
	if len(b.checksums) > 1 {
		return "", s3Err("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", http.StatusBadRequest)
	}
	for name := range b.checksums {
		return name, nil
	}
	if b.sdkAlgorithm != nil && *b.sdkAlgorithm != "" {
		return strings.ToUpper(*b.sdkAlgorithm), nil
	}
	if chunked, ok := b.r.(*awschunked.Reader); ok {
		for _, t := range chunked.Announced() {
			if n, ok := strings.CutPrefix(strings.ToLower(t), "x-amz-checksum-"); ok {
				if _, known := algByName(n); known {
					return strings.ToUpper(n), nil
				}
			}
		}
	}
	return "", nil
}

// CreateMultipartUpload starts a multipart upload.
func (s *Service) CreateMultipartUpload(ctx context.Context, in *s3api.CreateMultipartUploadRequest) (*s3api.CreateMultipartUploadOutput, error) {
	ri := reqinfo.From(ctx)
	bucketName, key := deref(in.Bucket), deref(in.Key)
	if err := checkKey(key); err != nil {
		return nil, err
	}
	meta, err := headerMeta{
		contentType: in.ContentType, contentEncoding: in.ContentEncoding, contentDisposition: in.ContentDisposition,
		contentLanguage: in.ContentLanguage, cacheControl: in.CacheControl, expires: in.Expires,
		websiteRedirect: in.WebsiteRedirectLocation, storageClass: in.StorageClass, sse: in.ServerSideEncryption,
		sseKMSKeyID: in.SSEKMSKeyId, bucketKey: in.BucketKeyEnabled, tagging: in.Tagging, metadata: in.Metadata,
		lockMode: in.ObjectLockMode, legalHold: in.ObjectLockLegalHoldStatus, lockUntil: in.ObjectLockRetainUntilDate,
	}.build(ri.Account, false)
	if err != nil {
		return nil, err
	}
	alg, typ, err := uploadChecksum(in.ChecksumAlgorithm, in.ChecksumType)
	if err != nil {
		return nil, err
	}
	meta.ChecksumAlgorithm, meta.ChecksumType = alg, typ
	raw, err := json.Marshal(&meta)
	if err != nil {
		return nil, err
	}
	id := newUploadID()
	now := s.clk.Now().UTC()
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO s3_uploads (upload_id, bucket, okey, initiated, meta) VALUES (?, ?, ?, ?, ?)",
			id, bucketName, []byte(key), now.UnixMilli(), string(raw))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &s3api.CreateMultipartUploadOutput{Bucket: ptr(bucketName), Key: ptr(key), UploadId: ptr(id)}
	if alg != "" {
		out.ChecksumAlgorithm, out.ChecksumType = ptr(alg), ptr(typ)
	}
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&meta)
	return out, nil
}

// storePart records p as part p.number of u, replacing (and deleting the
// blob of) an earlier upload of that part.
func (s *Service) storePart(ctx context.Context, u *upload, p *part) error {
	sums, err := json.Marshal(&p.sums)
	if err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if err := lockUpload(ctx, tx, u.id); err != nil {
			return err
		}
		if _, err := loadBucket(ctx, tx, u.bucket); err != nil {
			return err
		}
		if _, err := loadUpload(ctx, tx, u.bucket, u.key, u.id); err != nil {
			return err
		}
		var old string
		err := tx.QueryRow(ctx, "SELECT blob_id FROM s3_parts WHERE upload_id = ? AND part = ?", u.id, p.number).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO s3_parts (upload_id, part, blob_id, size, etag, modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (upload_id, part) DO UPDATE SET blob_id = excluded.blob_id, size = excluded.size, etag = excluded.etag,
modified = excluded.modified, checksums = excluded.checksums`,
			u.id, p.number, string(p.blobID), p.size, p.etag, p.modified.UnixMilli(), string(sums)); err != nil {
			return err
		}
		if old != "" && old != string(p.blobID) {
			s.deleteBlobAfter(tx, blob.ID(old))
		}
		return nil
	})
}

// UploadPart stores one part of a multipart upload.
func (s *Service) UploadPart(ctx context.Context, in *s3api.UploadPartRequest) (*s3api.UploadPartOutput, error) {
	if in.Body != nil {
		defer in.Body.Close()
	}
	n, err := checkPartNumber(in.PartNumber)
	if err != nil {
		return nil, err
	}
	u, err := s.uploadOf(ctx, deref(in.Bucket), deref(in.Key), deref(in.UploadId))
	if err != nil {
		return nil, err
	}
	b := body{r: in.Body, contentLength: in.ContentLength, contentMD5: in.ContentMD5,
		checksums:    checksumsOf(in.ChecksumCRC32, in.ChecksumCRC32C, in.ChecksumCRC64NVME, in.ChecksumSHA1, in.ChecksumSHA256),
		sdkAlgorithm: in.ChecksumAlgorithm}
	sent, err := sentChecksumAlg(b)
	if err != nil {
		return nil, err
	}
	if want := u.meta.ChecksumAlgorithm; want != "" {
		switch {
		case sent == "" && u.meta.ChecksumType == checksumComposite:
			return nil, checksumMismatch(want, "")
		case sent == "":
			b.sdkAlgorithm = ptr(want) // computed here
		case sent != want:
			return nil, checksumMismatch(want, sent)
		}
	}
	up, err := s.ingest(ctx, b)
	if err != nil {
		return nil, err
	}
	p := &part{number: n, blobID: up.id, size: up.size, etag: up.etag(), modified: s.clk.Now().UTC(), sums: partSums{Alg: up.alg, Value: up.checksum}}
	if err := s.storePart(ctx, u, p); err != nil {
		s.blobs.Delete(up.id)
		return nil, err
	}
	out := &s3api.UploadPartOutput{ETag: ptr(quoteETag(p.etag))}
	if sent != "" || u.meta.ChecksumAlgorithm != "" {
		setChecksum(up.alg, up.checksum, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	}
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&u.meta)
	return out, nil
}

// UploadPartCopy stores a part copied from (a range of) an object.
func (s *Service) UploadPartCopy(ctx context.Context, in *s3api.UploadPartCopyRequest) (*s3api.UploadPartCopyOutput, error) {
	n, err := checkPartNumber(in.PartNumber)
	if err != nil {
		return nil, err
	}
	src, err := parseCopySource(in.CopySource)
	if err != nil {
		return nil, err
	}
	u, err := s.uploadOf(ctx, deref(in.Bucket), deref(in.Key), deref(in.UploadId))
	if err != nil {
		return nil, err
	}
	o, err := s.copySourceObject(ctx, src)
	if err != nil {
		return nil, err
	}
	if err := (copyCond{in.CopySourceIfMatch, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince, in.CopySourceIfUnmodifiedSince}).check(o); err != nil {
		return nil, err
	}
	rng := byteRange{0, o.size}
	if in.CopySourceRange != nil {
		if rng, err = parseCopyRange(*in.CopySourceRange, o.size); err != nil {
			return nil, err
		}
	}
	if rng.length > maxPutSize {
		return nil, copyTooLarge()
	}
	alg := u.meta.ChecksumAlgorithm
	if alg == "" {
		alg = "CRC64NVME"
	}
	a, _ := algByName(alg)
	id, sums, err := s.copyRange(ctx, o, rng, a)
	if err != nil {
		return nil, err
	}
	p := &part{number: n, blobID: id, size: rng.length, etag: hex.EncodeToString(sums.MD5[:]), modified: s.clk.Now().UTC(),
		sums: partSums{Alg: alg, Value: sums.Base64(a)}}
	if err := s.storePart(ctx, u, p); err != nil {
		s.blobs.Delete(id)
		return nil, err
	}
	res := &s3api.CopyPartResult{ETag: ptr(quoteETag(p.etag)), LastModified: &model.Timestamp{Time: p.modified}}
	if u.meta.ChecksumAlgorithm != "" {
		setChecksum(alg, p.sums.Value, &res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256)
	}
	out := &s3api.UploadPartCopyOutput{CopyPartResult: res, CopySourceVersionId: versionHeader(o)}
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&u.meta)
	return out, nil
}

// parseCopyRange parses x-amz-copy-source-range ("bytes=first-last").
func parseCopyRange(h string, size int64) (byteRange, error) {
	digits := func(s string) bool {
		if s == "" || len(s) > 18 {
			return false
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	if !ok || !ok2 || !digits(a) || !digits(b) {
		return byteRange{}, s3Err("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
			http.StatusBadRequest, "ArgumentName", "x-amz-copy-source-range", "ArgumentValue", h)
	}
	first, _ := strconv.ParseInt(a, 10, 64)
	last, _ := strconv.ParseInt(b, 10, 64)
	if last < first || last >= size {
		return byteRange{}, s3Err("InvalidArgument", "Range specified is not valid for source object of size: "+itoa64(size), http.StatusBadRequest,
			"ArgumentName", "x-amz-copy-source-range", "ArgumentValue", h)
	}
	return byteRange{first, last - first + 1}, nil
}

// completedChecksum is the checksum of algorithm alg a completed part
// names ("" for none).
func completedChecksum(alg string, cp *s3api.CompletedPart) string {
	switch alg {
	case "CRC32":
		return deref(cp.ChecksumCRC32)
	case "CRC32C":
		return deref(cp.ChecksumCRC32C)
	case "CRC64NVME":
		return deref(cp.ChecksumCRC64NVME)
	case "SHA1":
		return deref(cp.ChecksumSHA1)
	case "SHA256":
		return deref(cp.ChecksumSHA256)
	}
	return ""
}

// trimPartCount removes the "-N" suffix of a multipart checksum.
func trimPartCount(v string) string {
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		return v[:i]
	}
	return v
}

// CompleteMultipartUpload assembles the listed parts into the object.
func (s *Service) CompleteMultipartUpload(ctx context.Context, in *s3api.CompleteMultipartUploadRequest) (*s3api.CompleteMultipartUploadOutput, error) {
	bucketName, key, id := deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	if in.MultipartUpload == nil || len(in.MultipartUpload.Parts) == 0 {
		return nil, s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	listed := in.MultipartUpload.Parts
	prev := int32(0)
	for _, cp := range listed {
		n := deref(cp.PartNumber)
		if n < 1 {
			return nil, s3Err("InvalidArgument", "PartNumber must be >= 1", http.StatusBadRequest, "ArgumentName", "PartNumber", "ArgumentValue", strconv.Itoa(int(n)))
		}
		if n <= prev {
			return nil, s3Err("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", http.StatusBadRequest, "UploadId", id)
		}
		prev = n
	}
	cond := writeCond{ifNoneMatch: deref(in.IfNoneMatch), ifMatch: deref(in.IfMatch)}
	var u *upload
	stored := map[int32]*part{}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		var err error
		if u, err = loadUpload(ctx, tx, bucketName, key, id); err != nil {
			return err
		}
		parts, err := loadParts(ctx, tx, id, 0, -1)
		if err != nil {
			return err
		}
		for _, p := range parts {
			stored[p.number] = p
		}
		// Fail a conditional write before the copying.
		cur, err := loadObject(ctx, tx, bucketName, key, "")
		if err != nil {
			return err
		}
		return cond.check(cur)
	})
	if err != nil {
		return nil, err
	}
	alg, typ := u.meta.ChecksumAlgorithm, u.meta.ChecksumType
	if in.ChecksumType != nil && alg != "" && !strings.EqualFold(*in.ChecksumType, typ) {
		return nil, s3Err("InvalidRequest", "The upload was created using the "+typ+" checksum mode. The complete request must use the same checksum mode.", http.StatusBadRequest)
	}
	used := make([]*part, 0, len(listed))
	for i := range listed {
		cp := &listed[i]
		n, etag := deref(cp.PartNumber), deref(cp.ETag)
		p := stored[n]
		if p == nil || strings.Trim(strings.TrimPrefix(etag, "W/"), `"`) != p.etag {
			return nil, invalidPart(id, n, etag)
		}
		if alg != "" {
			given := completedChecksum(alg, cp)
			if given == "" && typ == checksumComposite {
				return nil, s3Err("InvalidRequest", "The upload was created using a "+strings.ToLower(alg)+" checksum. The complete request must include the checksum for each part. It was missing for part "+strconv.Itoa(int(n))+" in the request.", http.StatusBadRequest)
			}
			if given != "" && given != p.sums.Value {
				return nil, invalidPart(id, n, etag)
			}
		}
		used = append(used, p)
	}
	for _, p := range used[:len(used)-1] {
		if p.size < minPartSize {
			return nil, s3Err("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", http.StatusBadRequest,
				"ProposedSize", itoa64(p.size), "MinSizeAllowed", strconv.Itoa(minPartSize), "PartNumber", strconv.Itoa(int(p.number)), "ETag", p.etag)
		}
	}
	// The object's ETag, size and parts.
	h := md5.New()
	var size int64
	sizes := make([]int64, 0, len(used))
	ids := make([]blob.ID, 0, len(used))
	for _, p := range used {
		raw, _ := hex.DecodeString(p.etag)
		h.Write(raw)
		size += p.size
		sizes = append(sizes, p.size)
		ids = append(ids, p.blobID)
	}
	count := "-" + strconv.Itoa(len(used))
	etag := hex.EncodeToString(h.Sum(nil)) + count
	if in.MpuObjectSize != nil && *in.MpuObjectSize != size {
		return nil, s3Err("InvalidRequest", "The provided 'x-amz-mp-object-size' header value "+itoa64(*in.MpuObjectSize)+" does not match what was computed: "+itoa64(size), http.StatusBadRequest)
	}
	// The body and the checksum: a full-object checksum is computed while
	// concatenating; a composite one is the checksum of the parts' checksums.
	objAlg, objType := alg, typ
	if objAlg == "" {
		objAlg, objType = "CRC64NVME", checksumFullObject
	}
	var algs blob.Algorithms
	if objType == checksumFullObject {
		algs, _ = algByName(objAlg)
	}
	sent := checksumsOf(in.ChecksumCRC32, in.ChecksumCRC32C, in.ChecksumCRC64NVME, in.ChecksumSHA1, in.ChecksumSHA256)
	if len(sent) > 1 {
		return nil, s3Err("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", http.StatusBadRequest)
	}
	for name := range sent {
		if name != objAlg {
			return nil, checksumMismatch(objAlg, name)
		}
	}
	w, err := s.blobs.Concat(ctx, ids, algs)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, noSuchUpload(id)
		}
		return nil, err
	}
	defer w.Abort()
	var checksum string
	var partChecksums []string
	if objType == checksumFullObject {
		checksum = w.Sums().Base64(algs)
	} else {
		var cat []byte
		for _, p := range used {
			raw, _ := base64.StdEncoding.DecodeString(p.sums.Value)
			cat = append(cat, raw...)
		}
		checksum = base64.StdEncoding.EncodeToString(sumBytes(objAlg, cat)) + count
	}
	if alg != "" {
		for _, p := range used {
			partChecksums = append(partChecksums, p.sums.Value)
		}
	}
	if v, ok := sent[objAlg]; ok && trimPartCount(v) != trimPartCount(checksum) {
		return nil, s3Err("BadDigest", "The "+objAlg+" you specified did not match the calculated checksum.", http.StatusBadRequest)
	}
	blobID, err := w.Commit()
	if err != nil {
		return nil, err
	}
	meta := u.meta
	meta.ChecksumAlgorithm, meta.Checksum, meta.ChecksumType = objAlg, checksum, objType
	meta.Parts, meta.PartChecksums = sizes, partChecksums
	o := &object{key: key, blobID: blobID, size: size, etag: etag, modified: s.clk.Now().UTC(), meta: meta}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := lockUpload(ctx, tx, id); err != nil {
			return err
		}
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		if _, err := loadUpload(ctx, tx, bucketName, key, id); err != nil {
			return err
		}
		// A part uploaded again since the parts were read changes the object.
		now, err := loadParts(ctx, tx, id, 0, -1)
		if err != nil {
			return err
		}
		current := map[int32]blob.ID{}
		for _, p := range now {
			current[p.number] = p.blobID
		}
		for _, p := range used {
			if current[p.number] != p.blobID {
				return invalidPart(id, p.number, p.etag)
			}
		}
		if err := s.commitObject(ctx, tx, b, o, cond, "ObjectCreated:CompleteMultipartUpload"); err != nil {
			return err
		}
		return s.dropUpload(ctx, tx, id)
	})
	if err != nil {
		s.blobs.Delete(blobID)
		return nil, err
	}
	out := &s3api.CompleteMultipartUploadOutput{Bucket: ptr(bucketName), Key: ptr(key), ETag: ptr(quoteETag(etag)),
		Location: ptr(objectLocation(reqinfo.From(ctx), bucketName, key)), ChecksumType: ptr(objType), VersionId: versionHeader(o)}
	setChecksum(objAlg, checksum, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&o.meta)
	return out, nil
}

// objectLocation is the URL of an object as the request addressed it.
func objectLocation(ri *reqinfo.Info, bucket, key string) string {
	scheme := ri.Scheme
	if scheme == "" {
		scheme = "http"
	}
	path := strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
	if strings.HasPrefix(ri.Host, bucket+".") {
		return scheme + "://" + ri.Host + "/" + path
	}
	return scheme + "://" + ri.Host + "/" + bucket + "/" + path
}

// AbortMultipartUpload discards an upload and its parts.
func (s *Service) AbortMultipartUpload(ctx context.Context, in *s3api.AbortMultipartUploadRequest) (*s3api.AbortMultipartUploadOutput, error) {
	bucketName, key, id := deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := lockUpload(ctx, tx, id); err != nil {
			return err
		}
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		u, err := loadUpload(ctx, tx, bucketName, key, id)
		if err != nil {
			return err
		}
		if t := in.IfMatchInitiatedTime; t != nil && !u.initiated.Truncate(time.Second).Equal(t.Time.Truncate(time.Second)) {
			return preconditionFailed("x-amz-if-match-initiated-time")
		}
		return s.dropUpload(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return &s3api.AbortMultipartUploadOutput{}, nil
}

func initiator(account string) *s3api.Initiator {
	return &s3api.Initiator{ID: ptr(canonicalID(account)), DisplayName: ptr("hako")}
}

// partChecksum sets the checksum members of a listed part.
func partChecksum(ps partSums, crc32, crc32c, crc64, sha1, sha256 **string) {
	setChecksum(ps.Alg, ps.Value, crc32, crc32c, crc64, sha1, sha256)
}

// maxArg parses an optional max-* argument: default and cap 1000.
func maxArg(v *int32, name string) (int, error) {
	if v == nil {
		return 1000, nil
	}
	if *v < 0 {
		return 0, s3Err("InvalidArgument", "Argument "+name+" must be an integer between 0 and 2147483647", http.StatusBadRequest,
			"ArgumentName", name, "ArgumentValue", strconv.Itoa(int(*v)))
	}
	return min(int(*v), 1000), nil
}

// partMarker parses a part-number-marker.
func partMarker(v *string) (int32, error) {
	if v == nil || *v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(*v), 10, 32)
	if err != nil || n < 0 {
		return 0, s3Err("InvalidArgument", "Argument part-number-marker must be an integer between 0 and 2147483647", http.StatusBadRequest,
			"ArgumentName", "part-number-marker", "ArgumentValue", *v)
	}
	return int32(n), nil
}

// ListParts lists the parts of an upload.
func (s *Service) ListParts(ctx context.Context, in *s3api.ListPartsRequest) (*s3api.ListPartsOutput, error) {
	bucketName, key, id := deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	marker, err := partMarker(in.PartNumberMarker)
	if err != nil {
		return nil, err
	}
	max, err := maxArg(in.MaxParts, "max-parts")
	if err != nil {
		return nil, err
	}
	var u *upload
	var parts []*part
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		var err error
		if u, err = loadUpload(ctx, tx, bucketName, key, id); err != nil {
			return err
		}
		parts, err = loadParts(ctx, tx, id, marker, max+1)
		return err
	})
	if err != nil {
		return nil, err
	}
	truncated := len(parts) > max
	if truncated {
		parts = parts[:max]
	}
	out := &s3api.ListPartsOutput{Bucket: ptr(bucketName), Key: ptr(key), UploadId: ptr(id), PartNumberMarker: ptr(strconv.Itoa(int(marker))),
		MaxParts: ptr(int32(max)), IsTruncated: ptr(truncated), Initiator: initiator(u.meta.Owner), Owner: owner(u.meta.Owner),
		StorageClass: storageClass(&u.meta)}
	if in.MaxParts != nil {
		out.MaxParts = in.MaxParts
	}
	if u.meta.ChecksumAlgorithm != "" {
		out.ChecksumAlgorithm, out.ChecksumType = ptr(u.meta.ChecksumAlgorithm), ptr(u.meta.ChecksumType)
	}
	for _, p := range parts {
		lp := s3api.Part{PartNumber: ptr(p.number), LastModified: &model.Timestamp{Time: p.modified}, ETag: ptr(quoteETag(p.etag)), Size: ptr(p.size)}
		partChecksum(p.sums, &lp.ChecksumCRC32, &lp.ChecksumCRC32C, &lp.ChecksumCRC64NVME, &lp.ChecksumSHA1, &lp.ChecksumSHA256)
		out.Parts = append(out.Parts, lp)
	}
	if len(parts) > 0 {
		out.NextPartNumberMarker = ptr(strconv.Itoa(int(parts[len(parts)-1].number)))
	}
	return out, nil
}

// uploadEntry is an upload or a common prefix of ListMultipartUploads.
type uploadEntry struct {
	u      *upload
	prefix string
}

// ListMultipartUploads lists a bucket's uploads in progress, by key (in
// byte order) then initiation time.
func (s *Service) ListMultipartUploads(ctx context.Context, in *s3api.ListMultipartUploadsRequest) (*s3api.ListMultipartUploadsOutput, error) {
	bucketName := deref(in.Bucket)
	max, err := maxArg(in.MaxUploads, "max-uploads")
	if err != nil {
		return nil, err
	}
	if in.EncodingType != nil && *in.EncodingType != "url" {
		return nil, s3Err("InvalidArgument", "Invalid Encoding Method specified in Request", http.StatusBadRequest,
			"ArgumentName", "encoding-type", "ArgumentValue", *in.EncodingType)
	}
	prefix, delim := deref(in.Prefix), deref(in.Delimiter)
	keyMarker, idMarker := deref(in.KeyMarker), deref(in.UploadIdMarker)
	var entries []uploadEntry
	var truncated bool
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		var err error
		entries, truncated, err = listUploads(ctx, tx, bucketName, prefix, delim, keyMarker, idMarker, max)
		return err
	})
	if err != nil {
		return nil, err
	}
	enc := encoder(in.EncodingType != nil)
	out := &s3api.ListMultipartUploadsOutput{Bucket: ptr(bucketName), KeyMarker: enc.s(keyMarker), UploadIdMarker: ptr(idMarker),
		MaxUploads: ptr(int32(max)), IsTruncated: ptr(truncated), Prefix: enc.s(prefix), Delimiter: enc.p(in.Delimiter), EncodingType: in.EncodingType}
	if in.MaxUploads != nil {
		out.MaxUploads = in.MaxUploads
	}
	for _, e := range entries {
		if e.u == nil {
			out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: enc.s(e.prefix)})
			continue
		}
		u := e.u
		mu := s3api.MultipartUpload{Key: enc.s(u.key), UploadId: ptr(u.id), Initiated: &model.Timestamp{Time: u.initiated},
			Initiator: initiator(u.meta.Owner), Owner: owner(u.meta.Owner), StorageClass: storageClass(&u.meta)}
		if u.meta.ChecksumAlgorithm != "" {
			mu.ChecksumAlgorithm, mu.ChecksumType = ptr(u.meta.ChecksumAlgorithm), ptr(u.meta.ChecksumType)
		}
		out.Uploads = append(out.Uploads, mu)
	}
	if len(entries) > 0 {
		last := entries[len(entries)-1]
		if last.u != nil {
			out.NextKeyMarker, out.NextUploadIdMarker = enc.s(last.u.key), ptr(last.u.id)
		} else {
			out.NextKeyMarker = enc.s(last.prefix)
		}
	}
	return out, nil
}

// uploadAfter is where ListMultipartUploads resumes within one key.
type uploadAfter struct {
	initiated int64
	id        string
}

// listUploads returns up to max uploads and common prefixes of a bucket
// after the markers, and whether more follow.
func listUploads(ctx context.Context, tx *store.Tx, bucket, prefix, delim, keyMarker, idMarker string, max int) ([]uploadEntry, bool, error) {
	start := cursor{key: []byte(prefix), inclusive: true}
	var afterKey *string
	if keyMarker != "" && keyMarker >= prefix {
		start, afterKey = cursor{key: []byte(keyMarker)}, &keyMarker
		if idMarker != "" {
			var initiated int64
			err := tx.QueryRow(ctx, "SELECT initiated FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND okey = ?", idMarker, bucket, []byte(keyMarker)).Scan(&initiated)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, false, err
			}
			if err == nil {
				start.after = uploadAfter{initiated, idMarker}
			}
		}
	}
	fetch := func(c cursor, upper []byte) ([]*upload, error) {
		a, _ := c.after.(uploadAfter)
		q, args := keyBound("SELECT upload_id, okey, initiated, meta FROM s3_uploads WHERE bucket = ?", []any{bucket}, c,
			"(initiated > ? OR (initiated = ? AND upload_id > ?))", a.initiated, a.initiated, a.id)
		if upper != nil {
			q += " AND okey < ?"
			args = append(args, upper)
		}
		rows, err := tx.Query(ctx, q+" ORDER BY okey, initiated, upload_id LIMIT "+strconv.Itoa(listBatch), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var batch []*upload
		for rows.Next() {
			u := &upload{bucket: bucket}
			var okey []byte
			var meta string
			var initiated int64
			if err := rows.Scan(&u.id, &okey, &initiated, &meta); err != nil {
				return nil, err
			}
			u.key, u.initiated = string(okey), time.UnixMilli(initiated).UTC()
			if err := json.Unmarshal([]byte(meta), &u.meta); err != nil {
				return nil, err
			}
			batch = append(batch, u)
		}
		return batch, rows.Err()
	}
	resume := func(u *upload) cursor {
		return cursor{key: []byte(u.key), after: uploadAfter{u.initiated.UnixMilli(), u.id}}
	}
	ws, truncated, err := walk(prefix, delim, afterKey, max, start, fetch, func(u *upload) string { return u.key }, resume)
	if err != nil {
		return nil, false, err
	}
	out := make([]uploadEntry, len(ws))
	for i, w := range ws {
		out[i] = uploadEntry{u: w.row, prefix: w.prefix}
	}
	return out, truncated, nil
}
