package s3

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// copySource is a parsed x-amz-copy-source.
type copySource struct {
	bucket, key, versionID string
}

// parseCopySource parses "bucket/key?versionId=v" (URL-encoded, with an
// optional leading slash).
func parseCopySource(h *string) (copySource, error) {
	v := deref(h)
	bad := func() error {
		return s3Err("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", http.StatusBadRequest,
			"ArgumentName", "x-amz-copy-source", "ArgumentValue", v)
	}
	path, query, hasQuery := strings.Cut(v, "?")
	var src copySource
	if hasQuery {
		q, err := url.ParseQuery(query)
		if err != nil {
			return src, bad()
		}
		if q.Has("versionId") {
			src.versionID = q.Get("versionId")
			if src.versionID == "" {
				return src, invalidVersion("")
			}
		}
	}
	p, err := url.PathUnescape(path)
	if err != nil {
		return src, s3Err("InvalidArgument", "Invalid copy source encoding", http.StatusBadRequest, "ArgumentName", "x-amz-copy-source", "ArgumentValue", v)
	}
	p = strings.TrimPrefix(p, "/")
	b, k, ok := strings.Cut(p, "/")
	if !ok || b == "" || k == "" {
		return src, bad()
	}
	src.bucket, src.key = b, k
	return src, nil
}

// copySourceObject finds the version a copy reads.
func (s *Service) copySourceObject(ctx context.Context, src copySource) (*object, error) {
	if src.versionID != "" && src.versionID != nullVersion && !validVersionID(src.versionID) {
		return nil, invalidVersion(src.versionID)
	}
	var o *object
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, src.bucket); err != nil {
			return err
		}
		var err error
		o, err = loadObject(ctx, tx, src.bucket, src.key, src.versionID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if o == nil {
		if src.versionID != "" {
			return nil, s3Err("NoSuchVersion", "The specified version does not exist.", http.StatusNotFound, "Key", src.key, "VersionId", src.versionID)
		}
		return nil, noSuchKey(src.key)
	}
	if o.deleteMarker {
		if src.versionID != "" {
			return nil, s3Err("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.", http.StatusBadRequest)
		}
		return nil, noSuchKey(src.key)
	}
	return o, nil
}

// copyCond holds the x-amz-copy-source-if-* headers.
type copyCond struct {
	ifMatch, ifNoneMatch               *string
	ifModifiedSince, ifUnmodifiedSince *model.Timestamp
}

// check applies the copy conditions as S3 does: If-Match before
// If-Unmodified-Since, If-None-Match before If-Modified-Since; any failure
// is 412.
func (c copyCond) check(o *object) error {
	mod := o.modified.Truncate(time.Second)
	if c.ifMatch != nil {
		if !etagMatches(*c.ifMatch, o.etag) {
			return preconditionFailed("x-amz-copy-source-If-Match")
		}
	} else if c.ifUnmodifiedSince != nil && mod.After(c.ifUnmodifiedSince.Time) {
		return preconditionFailed("x-amz-copy-source-If-Unmodified-Since")
	}
	if c.ifNoneMatch != nil {
		if etagMatches(*c.ifNoneMatch, o.etag) {
			return preconditionFailed("x-amz-copy-source-If-None-Match")
		}
	} else if c.ifModifiedSince != nil && !mod.After(c.ifModifiedSince.Time) {
		return preconditionFailed("x-amz-copy-source-If-Modified-Since")
	}
	return nil
}

func copyTooLarge() error {
	return s3Err("InvalidRequest", "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120", http.StatusBadRequest)
}

// copyRange copies rng of o's body into a new committed blob, computing
// MD5 and algs.
func (s *Service) copyRange(ctx context.Context, o *object, rng byteRange, algs blob.Algorithms) (blob.ID, blob.Sums, error) {
	w, err := s.blobs.Create(algs)
	if err != nil {
		return "", blob.Sums{}, err
	}
	defer w.Abort()
	if rng.length > 0 {
		r, err := s.blobs.Open(o.blobID)
		if errors.Is(err, blob.ErrNotFound) {
			return "", blob.Sums{}, noSuchKey(o.key)
		}
		if err != nil {
			return "", blob.Sums{}, err
		}
		defer r.Close()
		n, err := io.Copy(w, ctxReader{ctx, io.NewSectionReader(r, rng.start, rng.length)})
		if err != nil {
			return "", blob.Sums{}, err
		}
		if n != rng.length {
			return "", blob.Sums{}, fmt.Errorf("s3: copy of %s: %d bytes of %d", o.blobID, n, rng.length)
		}
	}
	sums := w.Sums()
	id, err := w.Commit()
	return id, sums, err
}

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func directive(v *string, header, msg string) (string, error) {
	d := strings.ToUpper(deref(v))
	switch d {
	case "":
		return "COPY", nil
	case "COPY", "REPLACE":
		return d, nil
	}
	return "", s3Err("InvalidArgument", msg, http.StatusBadRequest, "ArgumentName", header, "ArgumentValue", deref(v))
}

// CopyObject copies an object (up to 5 GiB) to a new key.
func (s *Service) CopyObject(ctx context.Context, in *s3api.CopyObjectRequest) (*s3api.CopyObjectOutput, error) {
	ri := reqinfo.From(ctx)
	dstBucket, dstKey := deref(in.Bucket), deref(in.Key)
	if err := checkKey(dstKey); err != nil {
		return nil, err
	}
	src, err := parseCopySource(in.CopySource)
	if err != nil {
		return nil, err
	}
	metaDirective, err := directive(in.MetadataDirective, "x-amz-metadata-directive", "Unknown metadata directive.")
	if err != nil {
		return nil, err
	}
	tagDirective, err := directive(in.TaggingDirective, "x-amz-tagging-directive", "Unknown tagging directive.")
	if err != nil {
		return nil, err
	}
	reqAlg := strings.ToUpper(deref(in.ChecksumAlgorithm))
	if _, ok := algByName(reqAlg); reqAlg != "" && !ok {
		return nil, s3Err("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]", http.StatusBadRequest)
	}
	hm := headerMeta{
		contentType: in.ContentType, contentEncoding: in.ContentEncoding, contentDisposition: in.ContentDisposition,
		contentLanguage: in.ContentLanguage, cacheControl: in.CacheControl, expires: in.Expires,
		websiteRedirect: in.WebsiteRedirectLocation, storageClass: in.StorageClass, sse: in.ServerSideEncryption,
		sseKMSKeyID: in.SSEKMSKeyId, bucketKey: in.BucketKeyEnabled, metadata: in.Metadata,
		lockMode: in.ObjectLockMode, legalHold: in.ObjectLockLegalHoldStatus, lockUntil: in.ObjectLockRetainUntilDate,
	}
	if tagDirective == "REPLACE" {
		hm.tagging = in.Tagging
	}
	if metaDirective == "COPY" {
		hm.metadata = nil
	}
	meta, err := hm.build(ri.Account, false)
	if err != nil {
		return nil, err
	}
	if _, err := s.bucketOf(ctx, dstBucket); err != nil {
		return nil, err
	}
	o, err := s.copySourceObject(ctx, src)
	if err != nil {
		return nil, err
	}
	if err := (copyCond{in.CopySourceIfMatch, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince, in.CopySourceIfUnmodifiedSince}).check(o); err != nil {
		return nil, err
	}
	if o.size > maxPutSize {
		return nil, copyTooLarge()
	}
	if src.bucket == dstBucket && src.key == dstKey && o.latest && metaDirective != "REPLACE" &&
		in.StorageClass == nil && in.WebsiteRedirectLocation == nil && in.ServerSideEncryption == nil && in.SSEKMSKeyId == nil &&
		(reqAlg == "" || reqAlg == o.meta.ChecksumAlgorithm && o.meta.ChecksumType != checksumComposite) {
		return nil, s3Err("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.", http.StatusBadRequest)
	}
	if metaDirective == "COPY" {
		sm := &o.meta
		meta.ContentType, meta.ContentEncoding, meta.ContentDisposition = sm.ContentType, sm.ContentEncoding, sm.ContentDisposition
		meta.ContentLanguage, meta.CacheControl, meta.Expires, meta.User = sm.ContentLanguage, sm.CacheControl, sm.Expires, sm.User
	}
	if tagDirective == "COPY" {
		meta.Tags = o.meta.Tags
	}
	// The body: a kernel copy when the source's ETag and checksum carry
	// over; hashed while copying otherwise (a multipart source becomes a
	// single-part object, a composite checksum a full-object one).
	alg := reqAlg
	if alg == "" {
		alg = o.meta.ChecksumAlgorithm
	}
	if alg == "" {
		alg = "CRC64NVME"
	}
	a, _ := algByName(alg)
	var algs blob.Algorithms
	checksum := ""
	if alg == o.meta.ChecksumAlgorithm && o.meta.ChecksumType != checksumComposite && o.meta.Checksum != "" {
		checksum = o.meta.Checksum
	} else {
		algs |= a
	}
	multipart := len(o.meta.Parts) > 0 || strings.Contains(o.etag, "-")
	if multipart {
		algs |= blob.MD5
	}
	var ids []blob.ID
	if o.blobID != "" {
		ids = []blob.ID{o.blobID}
	}
	w, err := s.blobs.Concat(ctx, ids, algs)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, noSuchKey(src.key)
	}
	if err != nil {
		return nil, err
	}
	defer w.Abort()
	sums := w.Sums()
	etag := o.etag
	if multipart {
		etag = hex.EncodeToString(sums.MD5[:])
	}
	if checksum == "" {
		checksum = sums.Base64(a)
	}
	id, err := w.Commit()
	if err != nil {
		return nil, err
	}
	meta.ChecksumAlgorithm, meta.Checksum, meta.ChecksumType = alg, checksum, checksumFullObject
	dst := &object{key: dstKey, blobID: id, size: o.size, etag: etag, modified: s.clk.Now().UTC(), meta: meta}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, dstBucket)
		if err != nil {
			return err
		}
		return s.commitObject(ctx, tx, b, dst, writeCond{}, "ObjectCreated:Copy")
	})
	if err != nil {
		s.blobs.Delete(id)
		return nil, err
	}
	res := &s3api.CopyObjectResult{ETag: ptr(quoteETag(etag)), LastModified: &model.Timestamp{Time: dst.modified}, ChecksumType: ptr(checksumFullObject)}
	setChecksum(alg, checksum, &res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256)
	out := &s3api.CopyObjectOutput{CopyObjectResult: res, CopySourceVersionId: versionHeader(o), VersionId: versionHeader(dst)}
	out.ServerSideEncryption, out.SSEKMSKeyId, out.BucketKeyEnabled = sseHeaders(&dst.meta)
	return out, nil
}

var objectAttributes = map[string]bool{"ETag": true, "Checksum": true, "ObjectParts": true, "StorageClass": true, "ObjectSize": true}

// GetObjectAttributes returns the attributes of an object the request
// names.
func (s *Service) GetObjectAttributes(ctx context.Context, in *s3api.GetObjectAttributesRequest) (*s3api.GetObjectAttributesOutput, error) {
	want := map[string]bool{}
	for _, v := range in.ObjectAttributes {
		for _, a := range strings.Split(v, ",") {
			a = strings.TrimSpace(a)
			if a == "" {
				continue
			}
			if !objectAttributes[a] {
				return nil, s3Err("InvalidArgument", "Invalid attribute name specified.", http.StatusBadRequest,
					"ArgumentName", "x-amz-object-attributes", "ArgumentValue", a)
			}
			want[a] = true
		}
	}
	if len(want) == 0 {
		return nil, s3Err("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty", http.StatusBadRequest)
	}
	marker, err := partMarker(in.PartNumberMarker)
	if err != nil {
		return nil, err
	}
	max, err := maxArg(in.MaxParts, "max-parts")
	if err != nil {
		return nil, err
	}
	o, err := s.readTarget(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	m := &o.meta
	out := &s3api.GetObjectAttributesOutput{LastModified: &model.Timestamp{Time: o.modified}, VersionId: versionHeader(o)}
	if want["ETag"] {
		out.ETag = ptr(o.etag)
	}
	if want["Checksum"] && m.Checksum != "" {
		cs := &s3api.Checksum{ChecksumType: nilIfEmpty(m.ChecksumType)}
		setChecksum(m.ChecksumAlgorithm, m.Checksum, &cs.ChecksumCRC32, &cs.ChecksumCRC32C, &cs.ChecksumCRC64NVME, &cs.ChecksumSHA1, &cs.ChecksumSHA256)
		out.Checksum = cs
	}
	if want["ObjectParts"] && len(m.Parts) > 0 {
		op := &s3api.GetObjectAttributesParts{TotalPartsCount: ptr(int32(len(m.Parts)))}
		// The parts are listed only when they have checksums.
		if len(m.PartChecksums) == len(m.Parts) {
			op.PartNumberMarker = ptr(strconv.Itoa(int(marker)))
			op.MaxParts = ptr(int32(max))
			if in.MaxParts != nil {
				op.MaxParts = in.MaxParts
			}
			for i := int(marker); i < len(m.Parts) && len(op.Parts) < max; i++ {
				p := s3api.ObjectPart{PartNumber: ptr(int32(i + 1)), Size: ptr(m.Parts[i])}
				setChecksum(m.ChecksumAlgorithm, m.PartChecksums[i], &p.ChecksumCRC32, &p.ChecksumCRC32C, &p.ChecksumCRC64NVME, &p.ChecksumSHA1, &p.ChecksumSHA256)
				op.Parts = append(op.Parts, p)
			}
			op.IsTruncated = ptr(int(marker)+len(op.Parts) < len(m.Parts))
			if len(op.Parts) > 0 {
				op.NextPartNumberMarker = ptr(strconv.Itoa(int(deref(op.Parts[len(op.Parts)-1].PartNumber))))
			}
		}
		out.ObjectParts = op
	}
	if want["StorageClass"] {
		out.StorageClass = storageClass(m)
	}
	if want["ObjectSize"] {
		out.ObjectSize = ptr(o.size)
	}
	return out, nil
}
