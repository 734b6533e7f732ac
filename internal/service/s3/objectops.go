package s3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awschunked"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

const maxKeyLen = 1024

func checkKey(key string) error {
	if key == "" {
		return s3Err("InvalidArgument", "Key must not be empty", http.StatusBadRequest)
	}
	if len(key) > maxKeyLen {
		return s3Err("KeyTooLongError", "Your key is too long", http.StatusBadRequest, "MaxSizeAllowed", "1024", "Size", strconv.Itoa(len(key)))
	}
	if !utf8.ValidString(key) {
		return s3Err("InvalidArgument", "Object key is not valid UTF-8", http.StatusBadRequest)
	}
	return nil
}

var storageClasses = map[string]bool{
	"STANDARD": true, "REDUCED_REDUNDANCY": true, "STANDARD_IA": true, "ONEZONE_IA": true,
	"INTELLIGENT_TIERING": true, "GLACIER": true, "DEEP_ARCHIVE": true, "OUTPOSTS": true,
	"GLACIER_IR": true, "SNOW": true, "EXPRESS_ONEZONE": true,
}

// headerMeta is the metadata a PUT (or CreateMultipartUpload, or a COPY
// with the REPLACE directive) sets from its headers.
type headerMeta struct {
	contentType, contentEncoding, contentDisposition, contentLanguage, cacheControl *string
	expires                                                                         *model.Timestamp
	websiteRedirect, storageClass, sse, sseKMSKeyID, tagging                        *string
	bucketKey                                                                       *bool
	metadata                                                                        map[string]string
	lockMode, legalHold                                                             *string
	lockUntil                                                                       *model.Timestamp
}

// build checks the headers and returns the object metadata they describe.
func (h headerMeta) build(account string, chunked bool) (objectMeta, error) {
	m := objectMeta{Owner: account}
	m.ContentType = deref(h.contentType)
	if m.ContentType == "" {
		m.ContentType = "binary/octet-stream"
	}
	m.ContentEncoding = deref(h.contentEncoding)
	if chunked {
		m.ContentEncoding = awschunked.StripContentEncoding(m.ContentEncoding)
	}
	m.ContentDisposition = deref(h.contentDisposition)
	m.ContentLanguage = deref(h.contentLanguage)
	m.CacheControl = deref(h.cacheControl)
	if h.expires != nil {
		m.Expires = h.expires.Time.UTC().Format(http.TimeFormat)
	}
	m.WebsiteRedirect = deref(h.websiteRedirect)
	if sc := deref(h.storageClass); sc != "" {
		if !storageClasses[sc] {
			return m, s3Err("InvalidStorageClass", "The storage class you specified is not valid", http.StatusBadRequest, "StorageClassRequested", sc)
		}
		if sc != "STANDARD" {
			m.StorageClass = sc
		}
	}
	m.SSE = deref(h.sse)
	switch m.SSE {
	case "", "AES256", "aws:kms", "aws:kms:dsse":
	default:
		return m, s3Err("InvalidArgument", "The encryption method specified is not supported", http.StatusBadRequest, "ArgumentName", "x-amz-server-side-encryption", "ArgumentValue", m.SSE)
	}
	m.SSEKMSKeyID = deref(h.sseKMSKeyID)
	m.BucketKey = deref(h.bucketKey)
	size := 0
	if len(h.metadata) > 0 {
		m.User = make(map[string]string, len(h.metadata))
		for k, v := range h.metadata {
			k = strings.ToLower(k)
			m.User[k] = v
			size += len(k) + len(v)
		}
	}
	if size > 2048 {
		return m, s3Err("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", http.StatusBadRequest,
			"Size", strconv.Itoa(size), "MaxSizeAllowed", "2048")
	}
	if h.tagging != nil {
		tags, err := parseTagQuery(*h.tagging)
		if err != nil {
			return m, err
		}
		m.Tags = tags
	}
	m.LockMode = deref(h.lockMode)
	m.LegalHold = deref(h.legalHold)
	if h.lockUntil != nil {
		m.LockUntil = h.lockUntil.Time.UTC().Format(time.RFC3339)
	}
	return m, nil
}

// parseTagQuery parses x-amz-tagging ("k1=v1&k2=v2").
func parseTagQuery(q string) ([]tag, error) {
	vals, err := url.ParseQuery(q)
	if err != nil {
		return nil, s3Err("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", http.StatusBadRequest)
	}
	var tags []tag
	for k, vs := range vals {
		if len(vs) > 1 {
			return nil, s3Err("InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", http.StatusBadRequest)
		}
		tags = append(tags, tag{Key: k, Value: vs[0]})
	}
	sortTags(tags)
	return tags, checkTags(tags)
}

// PutObject stores an object.
func (s *Service) PutObject(ctx context.Context, in *s3api.PutObjectRequest) (*s3api.PutObjectOutput, error) {
	ri := reqinfo.From(ctx)
	bucketName, key := deref(in.Bucket), deref(in.Key)
	if in.Body != nil {
		defer in.Body.Close()
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	_, chunked := in.Body.(*awschunked.Reader)
	meta, err := headerMeta{
		contentType: in.ContentType, contentEncoding: in.ContentEncoding, contentDisposition: in.ContentDisposition,
		contentLanguage: in.ContentLanguage, cacheControl: in.CacheControl, expires: in.Expires,
		websiteRedirect: in.WebsiteRedirectLocation, storageClass: in.StorageClass, sse: in.ServerSideEncryption,
		sseKMSKeyID: in.SSEKMSKeyId, bucketKey: in.BucketKeyEnabled, tagging: in.Tagging, metadata: in.Metadata,
		lockMode: in.ObjectLockMode, legalHold: in.ObjectLockLegalHoldStatus, lockUntil: in.ObjectLockRetainUntilDate,
	}.build(ri.Account, chunked)
	if err != nil {
		return nil, err
	}
	// Fail fast on a missing bucket before reading a large body (a small
	// one is read sooner than the bucket is queried; the commit checks it).
	small := in.ContentLength != nil && *in.ContentLength <= smallBody
	if !small {
		if _, err := s.bucketOf(ctx, bucketName); err != nil {
			return nil, err
		}
	}
	up, err := s.ingest(ctx, body{r: in.Body, contentLength: in.ContentLength, contentMD5: in.ContentMD5,
		checksums:    checksumsOf(in.ChecksumCRC32, in.ChecksumCRC32C, in.ChecksumCRC64NVME, in.ChecksumSHA1, in.ChecksumSHA256),
		sdkAlgorithm: in.ChecksumAlgorithm})
	if err != nil {
		if small { // the missing bucket is the error to report
			if _, berr := s.bucketOf(ctx, bucketName); berr != nil {
				return nil, berr
			}
		}
		return nil, err
	}
	o, err := s.storeIngested(ctx, bucketName, key, up, meta, writeCond{ifNoneMatch: deref(in.IfNoneMatch), ifMatch: deref(in.IfMatch)}, "ObjectCreated:Put")
	if err != nil {
		return nil, err
	}
	out := &s3api.PutObjectOutput{ETag: ptr(quoteETag(o.etag)), ChecksumType: ptr("FULL_OBJECT"), Size: ptr(o.size)}
	out.Expiration = s.expirationHeader(ctx, bucketName, o)
	setChecksum(o.meta.ChecksumAlgorithm, o.meta.Checksum, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&o.meta)
	if o.versionID != nullVersion {
		out.VersionId = ptr(o.versionID)
	}
	return out, nil
}

// smallBody is the largest body PutObject reads before it knows that
// the bucket exists.
const smallBody = 64 << 10

// storeIngested commits an ingested body as the new current version of
// key; on failure the blob is deleted.
func (s *Service) storeIngested(ctx context.Context, bucketName, key string, up *ingested, meta objectMeta, cond writeCond, event string) (*object, error) {
	meta.ChecksumAlgorithm, meta.Checksum = up.alg, up.checksum
	meta.ChecksumType = "FULL_OBJECT"
	o := &object{key: key, blobID: up.id, size: up.size, etag: up.etag(), modified: s.clk.Now().UTC(), meta: meta}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		return s.commitObject(ctx, tx, b, o, cond, event)
	})
	if err != nil {
		s.blobs.Delete(up.id)
		return nil, err
	}
	return o, nil
}

func (s *Service) bucketOf(ctx context.Context, name string) (*bucket, error) {
	var b *bucket
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		b, err = loadBucket(ctx, tx, name)
		return err
	})
	return b, err
}

// setChecksum sets the output member of alg to v.
func setChecksum(alg, v string, crc32, crc32c, crc64, sha1, sha256 **string) {
	if v == "" {
		return
	}
	switch alg {
	case "CRC32":
		*crc32 = ptr(v)
	case "CRC32C":
		*crc32c = ptr(v)
	case "CRC64NVME":
		*crc64 = ptr(v)
	case "SHA1":
		*sha1 = ptr(v)
	case "SHA256":
		*sha256 = ptr(v)
	}
}

// sseHeaders are the encryption headers S3 answers with: every object is
// encrypted, with SSE-S3 (AES256) unless the writer asked for KMS.
func sseHeaders(m *objectMeta) (sse, kmsKey *string, bucketKey *bool) {
	if m.SSE == "" || m.SSE == "AES256" {
		return ptr("AES256"), nil, nil
	}
	key := m.SSEKMSKeyID
	if key == "" {
		key = "arn:aws:kms:us-east-1:" + m.Owner + ":key/aws/s3"
	}
	if m.BucketKey {
		bucketKey = ptr(true)
	}
	return ptr(m.SSE), ptr(key), bucketKey
}

// readCond holds the conditional headers of a GET or HEAD.
type readCond struct {
	ifMatch, ifNoneMatch             *string
	ifModifiedSince, ifUnmodifiedSin *model.Timestamp
}

// check applies RFC 7232 as S3 does: If-Match before
// If-Unmodified-Since (412), If-None-Match before If-Modified-Since (304).
// It returns 304 or 0, or the 412 error.
func (c readCond) check(o *object) (int, error) {
	mod := o.modified.Truncate(time.Second)
	if c.ifMatch != nil {
		if !etagMatches(*c.ifMatch, o.etag) {
			return 0, preconditionFailed("If-Match")
		}
	} else if c.ifUnmodifiedSin != nil && mod.After(c.ifUnmodifiedSin.Time) {
		return 0, preconditionFailed("If-Unmodified-Since")
	}
	if c.ifNoneMatch != nil {
		if etagMatches(*c.ifNoneMatch, o.etag) {
			return http.StatusNotModified, nil
		}
	} else if c.ifModifiedSince != nil && !mod.After(c.ifModifiedSince.Time) {
		return http.StatusNotModified, nil
	}
	return 0, nil
}

// readTarget finds the version a GET or HEAD reads, answering as S3 does
// for missing keys, versions and delete markers.
func (s *Service) readTarget(ctx context.Context, bucketName, key, versionID string) (*object, error) {
	if versionID != "" && versionID != nullVersion && !validVersionID(versionID) {
		return nil, invalidVersion(versionID)
	}
	// The object first, in one statement outside a transaction: a bucket
	// is deleted only when empty, so when the object is there the bucket
	// is too.
	o, err := s.peekObject(ctx, bucketName, key, versionID)
	if err != nil {
		return nil, err
	}
	if o == nil {
		if _, err := s.bucketOf(ctx, bucketName); err != nil {
			return nil, err
		}
	}
	if o == nil {
		if versionID != "" {
			return nil, s3Err("NoSuchVersion", "The specified version does not exist.", http.StatusNotFound, "Key", key, "VersionId", versionID)
		}
		return nil, noSuchKey(key)
	}
	if o.deleteMarker {
		hdr := map[string]string{"x-amz-delete-marker": "true", "Last-Modified": o.modified.Format(http.TimeFormat)}
		if o.versionID != nullVersion {
			hdr["x-amz-version-id"] = o.versionID
		}
		if versionID != "" {
			e := s3Err("MethodNotAllowed", "The specified method is not allowed against this resource.", http.StatusMethodNotAllowed,
				"Method", "GET", "ResourceType", "DeleteMarker")
			e.Headers = hdr
			return nil, e
		}
		e := s3Err("NoSuchKey", "The specified key does not exist.", http.StatusNotFound, "Key", key)
		e.Headers = hdr
		return nil, e
	}
	return o, nil
}

// byteRange is a satisfiable range of an object.
type byteRange struct{ start, length int64 }

// parseRange parses a Range header against size. ok is false when the
// header is to be ignored (not a single bytes range: S3 then returns the
// whole object); an unsatisfiable range is InvalidRange.
func parseRange(h string, size int64) (r byteRange, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return r, false, nil
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return r, false, nil
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	invalid := func() error {
		return s3Err("InvalidRange", "The requested range is not satisfiable", http.StatusRequestedRangeNotSatisfiable,
			"RangeRequested", h, "ActualObjectSize", itoa64(size))
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return r, false, nil
		}
		if n == 0 || size == 0 {
			return r, false, invalid()
		}
		if n > size {
			n = size
		}
		return byteRange{size - n, n}, true, nil
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return r, false, nil
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return r, false, nil
		}
	}
	if a >= size {
		return r, false, invalid()
	}
	if b >= size {
		b = size - 1
	}
	return byteRange{a, b - a + 1}, true, nil
}

// partRange returns the byte range of part n (1-based) of o.
func partRange(o *object, n int32) (byteRange, error) {
	parts := o.meta.Parts
	if len(parts) == 0 {
		parts = []int64{o.size}
	}
	if n < 1 || int(n) > len(parts) {
		return byteRange{}, s3Err("InvalidPartNumber", "The requested partnumber is not satisfiable", http.StatusRequestedRangeNotSatisfiable,
			"PartNumberRequested", strconv.Itoa(int(n)), "ActualPartCount", strconv.Itoa(len(parts)))
	}
	var off int64
	for _, p := range parts[:n-1] {
		off += p
	}
	return byteRange{off, parts[n-1]}, nil
}

// objectHeaders fills the members GET and HEAD share.
type objectHeaders struct {
	AcceptRanges, CacheControl, ContentDisposition, ContentEncoding, ContentLanguage, ContentType, ETag **string
	StorageClass, VersionID, WebsiteRedirect, SSE, SSEKMSKeyID, ChecksumType, LockMode, LegalHold       **string
	CRC32, CRC32C, CRC64, SHA1, SHA256                                                                  **string
	ContentLength                                                                                       **int64
	Expires, LastModified, LockUntil                                                                    **model.Timestamp
	Metadata                                                                                            *map[string]string
	PartsCount, TagCount                                                                                **int32
	BucketKey                                                                                           **bool
}

func (h objectHeaders) fill(o *object, checksums, partNumber bool) {
	m := &o.meta
	*h.AcceptRanges = ptr("bytes")
	*h.ETag = ptr(quoteETag(o.etag))
	*h.ContentLength = ptr(o.size)
	*h.LastModified = &model.Timestamp{Time: o.modified}
	*h.ContentType = ptr(m.ContentType)
	set := func(dst **string, v string) {
		if v != "" {
			*dst = ptr(v)
		}
	}
	set(h.CacheControl, m.CacheControl)
	set(h.ContentDisposition, m.ContentDisposition)
	set(h.ContentEncoding, m.ContentEncoding)
	set(h.ContentLanguage, m.ContentLanguage)
	set(h.StorageClass, m.StorageClass)
	set(h.WebsiteRedirect, m.WebsiteRedirect)
	set(h.LockMode, m.LockMode)
	set(h.LegalHold, m.LegalHold)
	if o.versionID != nullVersion {
		*h.VersionID = ptr(o.versionID)
	}
	if m.Expires != "" {
		if t, err := http.ParseTime(m.Expires); err == nil {
			*h.Expires = &model.Timestamp{Time: t}
		}
	}
	if m.LockUntil != "" {
		if t, err := time.Parse(time.RFC3339, m.LockUntil); err == nil {
			*h.LockUntil = &model.Timestamp{Time: t}
		}
	}
	if len(m.User) > 0 {
		*h.Metadata = m.User
	}
	if len(m.Parts) > 0 && partNumber {
		// Only with ?partNumber= (as S3).
		*h.PartsCount = ptr(int32(len(m.Parts)))
	}
	if len(m.Tags) > 0 {
		*h.TagCount = ptr(int32(len(m.Tags)))
	}
	*h.SSE, *h.SSEKMSKeyID, *h.BucketKey = sseHeaders(m)
	if checksums {
		setChecksum(m.ChecksumAlgorithm, m.Checksum, h.CRC32, h.CRC32C, h.CRC64, h.SHA1, h.SHA256)
		set(h.ChecksumType, m.ChecksumType)
	}
}

// GetObject returns an object's body and metadata.
func (s *Service) GetObject(ctx context.Context, in *s3api.GetObjectRequest) (*s3api.GetObjectOutput, error) {
	for attempt := 0; ; attempt++ {
		out, err := s.getObject(ctx, in)
		// A concurrent overwrite may delete the body between reading the
		// metadata and opening it: read the new version.
		if errors.Is(err, blob.ErrNotFound) && attempt < 3 {
			continue
		}
		return out, err
	}
}

func (s *Service) getObject(ctx context.Context, in *s3api.GetObjectRequest) (*s3api.GetObjectOutput, error) {
	key := deref(in.Key)
	o, err := s.readTarget(ctx, deref(in.Bucket), key, deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	out := &s3api.GetObjectOutput{}
	out.Expiration = s.expirationHeader(ctx, deref(in.Bucket), o)
	rng, ranged, err := s.selectRange(o, in.Range, in.PartNumber)
	if err != nil {
		return nil, err
	}
	objectHeaders{&out.AcceptRanges, &out.CacheControl, &out.ContentDisposition, &out.ContentEncoding, &out.ContentLanguage, &out.ContentType, &out.ETag,
		&out.StorageClass, &out.VersionId, &out.WebsiteRedirectLocation, &out.ServerSideEncryption, &out.SSEKMSKeyId, &out.ChecksumType, &out.ObjectLockMode, &out.ObjectLockLegalHoldStatus,
		&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256,
		&out.ContentLength, &out.Expires, &out.LastModified, &out.ObjectLockRetainUntilDate, &out.Metadata, &out.PartsCount, &out.TagCount, &out.BucketKeyEnabled,
	}.fill(o, deref(in.ChecksumMode) == "ENABLED" && !ranged, in.PartNumber != nil)
	responseOverrides(&out.CacheControl, &out.ContentDisposition, &out.ContentEncoding, &out.ContentLanguage, &out.ContentType, &out.Expires,
		in.ResponseCacheControl, in.ResponseContentDisposition, in.ResponseContentEncoding, in.ResponseContentLanguage, in.ResponseContentType, in.ResponseExpires)
	notModified, err := readStatus(ctx, o, readCond{in.IfMatch, in.IfNoneMatch, in.IfModifiedSince, in.IfUnmodifiedSince}, rng, ranged, &out.ContentLength, &out.ContentRange)
	if err != nil {
		return nil, err
	}
	if notModified {
		return out, nil
	}
	if o.blobID == "" {
		out.Body = io.NopCloser(strings.NewReader(""))
		return out, nil
	}
	r, err := s.blobs.Open(o.blobID)
	if err != nil {
		return nil, err
	}
	if ranged {
		out.Body = sectionReadCloser{io.NewSectionReader(r, rng.start, rng.length), r}
	} else {
		out.Body = r
	}
	return out, nil
}

type sectionReadCloser struct {
	*io.SectionReader
	c io.Closer
}

func (s sectionReadCloser) Close() error { return s.c.Close() }

// selectRange picks the bytes a GET or HEAD returns: a part, a Range, or
// everything (ranged false).
func (s *Service) selectRange(o *object, rangeHdr *string, partNumber *int32) (byteRange, bool, error) {
	if partNumber != nil {
		if rangeHdr != nil {
			return byteRange{}, false, s3Err("InvalidRequest", "Cannot specify both Range header and partNumber query parameter", http.StatusBadRequest)
		}
		r, err := partRange(o, *partNumber)
		return r, len(o.meta.Parts) > 0, err
	}
	if rangeHdr == nil {
		return byteRange{}, false, nil
	}
	return parseRange(*rangeHdr, o.size)
}

// responseOverrides applies the response-* query parameters.
func responseOverrides(cc, cd, ce, cl, ct **string, ex **model.Timestamp, rcc, rcd, rce, rcl, rct *string, rex *model.Timestamp) {
	for _, p := range []struct{ dst, v **string }{{cc, &rcc}, {cd, &rcd}, {ce, &rce}, {cl, &rcl}, {ct, &rct}} {
		if *p.v != nil {
			*p.dst = *p.v
		}
	}
	if rex != nil {
		*ex = rex
	}
}

// readStatus applies a GET's or HEAD's conditions and range: it sets the
// response status (304, 206) and the length and Content-Range of what is
// returned. notModified means no body.
func readStatus(ctx context.Context, o *object, cond readCond, rng byteRange, ranged bool, length **int64, contentRange **string) (notModified bool, err error) {
	status, err := cond.check(o)
	if err != nil {
		return false, err
	}
	ri := reqinfo.From(ctx)
	if status == http.StatusNotModified {
		ri.Status = status
		*length = nil
		return true, nil
	}
	if ranged {
		ri.Status = http.StatusPartialContent
		*length = ptr(rng.length)
		*contentRange = ptr("bytes " + itoa64(rng.start) + "-" + itoa64(rng.start+rng.length-1) + "/" + itoa64(o.size))
	}
	return false, nil
}

// HeadObject returns an object's metadata.
func (s *Service) HeadObject(ctx context.Context, in *s3api.HeadObjectRequest) (*s3api.HeadObjectOutput, error) {
	o, err := s.readTarget(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	out := &s3api.HeadObjectOutput{}
	out.Expiration = s.expirationHeader(ctx, deref(in.Bucket), o)
	rng, ranged, err := s.selectRange(o, in.Range, in.PartNumber)
	if err != nil {
		return nil, err
	}
	objectHeaders{&out.AcceptRanges, &out.CacheControl, &out.ContentDisposition, &out.ContentEncoding, &out.ContentLanguage, &out.ContentType, &out.ETag,
		&out.StorageClass, &out.VersionId, &out.WebsiteRedirectLocation, &out.ServerSideEncryption, &out.SSEKMSKeyId, &out.ChecksumType, &out.ObjectLockMode, &out.ObjectLockLegalHoldStatus,
		&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256,
		&out.ContentLength, &out.Expires, &out.LastModified, &out.ObjectLockRetainUntilDate, &out.Metadata, &out.PartsCount, new(*int32), &out.BucketKeyEnabled,
	}.fill(o, deref(in.ChecksumMode) == "ENABLED" && !ranged, in.PartNumber != nil)
	responseOverrides(&out.CacheControl, &out.ContentDisposition, &out.ContentEncoding, &out.ContentLanguage, &out.ContentType, &out.Expires,
		in.ResponseCacheControl, in.ResponseContentDisposition, in.ResponseContentEncoding, in.ResponseContentLanguage, in.ResponseContentType, in.ResponseExpires)
	if _, err := readStatus(ctx, o, readCond{in.IfMatch, in.IfNoneMatch, in.IfModifiedSince, in.IfUnmodifiedSince}, rng, ranged, &out.ContentLength, &out.ContentRange); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteObject removes an object or one of its versions.
func (s *Service) DeleteObject(ctx context.Context, in *s3api.DeleteObjectRequest) (*s3api.DeleteObjectOutput, error) {
	var cond func(*object) error
	if in.IfMatch != nil || in.IfMatchSize != nil || in.IfMatchLastModifiedTime != nil {
		cond = func(o *object) error {
			if o == nil || o.deleteMarker {
				if in.IfMatch != nil {
					return noSuchKey(deref(in.Key))
				}
				return nil
			}
			if in.IfMatch != nil && !etagMatches(*in.IfMatch, o.etag) ||
				in.IfMatchSize != nil && *in.IfMatchSize != o.size ||
				in.IfMatchLastModifiedTime != nil && !o.modified.Truncate(time.Second).Equal(in.IfMatchLastModifiedTime.Time.Truncate(time.Second)) {
				return preconditionFailed("If-Match")
			}
			return nil
		}
	}
	var vid string
	var marker bool
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, deref(in.Bucket))
		if err != nil {
			return err
		}
		vid, marker, err = s.removeObject(ctx, tx, b, deref(in.Key), deref(in.VersionId), cond, "ObjectRemoved:Delete")
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &s3api.DeleteObjectOutput{}
	if vid != "" && vid != nullVersion || in.VersionId != nil {
		out.VersionId = ptr(vid)
	}
	if marker {
		out.DeleteMarker = ptr(true)
	}
	return out, nil
}

// DeleteObjects removes up to 1000 keys in one request.
func (s *Service) DeleteObjects(ctx context.Context, in *s3api.DeleteObjectsRequest) (*s3api.DeleteObjectsOutput, error) {
	if in.Delete == nil || len(in.Delete.Objects) == 0 {
		return nil, s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	if len(in.Delete.Objects) > 1000 {
		return nil, s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	bucketName := deref(in.Bucket)
	quiet := deref(in.Delete.Quiet)
	var out *s3api.DeleteObjectsOutput
	// One transaction for the batch; a key's S3 error (a failed condition)
	// is reported for that key and leaves the others alone.
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		out = &s3api.DeleteObjectsOutput{}
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		for _, id := range in.Delete.Objects {
			key, version := deref(id.Key), deref(id.VersionId)
			var cond func(*object) error
			if id.ETag != nil {
				etag := *id.ETag
				cond = func(o *object) error {
					if o == nil || o.deleteMarker || !etagMatches(etag, o.etag) {
						return preconditionFailed("If-Match")
					}
					return nil
				}
			}
			vid, marker, err := s.removeObject(ctx, tx, b, key, version, cond, "ObjectRemoved:Delete")
			if err != nil {
				ae := asS3Err(err)
				if ae == nil {
					return err
				}
				out.Errors = append(out.Errors, s3api.Error{Key: ptr(key), VersionId: id.VersionId, Code: ptr(ae.Code), Message: ptr(ae.Message)})
				continue
			}
			if quiet {
				continue
			}
			d := s3api.DeletedObject{Key: ptr(key), VersionId: id.VersionId}
			if marker {
				d.DeleteMarker = ptr(true)
				if version == "" {
					d.DeleteMarkerVersionId = ptr(vid)
				}
			}
			out.Deleted = append(out.Deleted, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
