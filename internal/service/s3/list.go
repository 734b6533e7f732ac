package s3

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/store"
)

// listing describes one page of a bucket listing.
type listing struct {
	prefix, delimiter string
	// afterKey is where the page starts: keys (and common prefixes) up to
	// and including it were listed before. afterSeq, for version
	// listings, resumes inside afterKey's versions (0: after all of them).
	afterKey *string
	afterSeq int64
	max      int
	versions bool // all versions and delete markers, not just current objects
}

// entry is an object (or version) or a common prefix.
type entry struct {
	obj    *object
	prefix string
}

// prefixEnd returns the smallest byte string greater than every string
// starting with p, or nil when there is none.
func prefixEnd(p string) []byte {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return b[:i+1]
		}
	}
	return nil
}

const listBatch = 1000

// list returns up to l.max entries and whether more follow.
func (s *Service) list(ctx context.Context, tx *store.Tx, bucket string, l listing) ([]entry, bool, error) {
	var out []entry
	lower := []byte(l.prefix)
	lowerSeq := int64(0) // with versions: resume inside lower's key below this seq
	inclusive := true
	if l.afterKey != nil && *l.afterKey >= l.prefix {
		lower = []byte(*l.afterKey)
		inclusive = false
		if l.versions && l.afterSeq > 0 {
			lowerSeq = l.afterSeq
		}
	}
	upper := prefixEnd(l.prefix)
	cols := "SELECT " + objectCols + " FROM s3_objects WHERE bucket = ?"
	for {
		q := cols
		args := []any{bucket}
		if !l.versions {
			q += " AND latest = 1 AND delete_marker = 0"
		}
		switch {
		case inclusive:
			q += " AND okey >= ?"
			args = append(args, lower)
		case lowerSeq > 0:
			q += " AND (okey > ? OR (okey = ? AND seq < ?))"
			args = append(args, lower, lower, lowerSeq)
		default:
			q += " AND okey > ?"
			args = append(args, lower)
		}
		if upper != nil {
			q += " AND okey < ?"
			args = append(args, upper)
		}
		if l.versions {
			q += " ORDER BY okey, seq DESC"
		} else {
			q += " ORDER BY okey"
		}
		q += " LIMIT " + strconv.Itoa(listBatch)
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return nil, false, err
		}
		var batch []*object
		for rows.Next() {
			o, err := scanObject(bucket, rows)
			if err != nil {
				rows.Close()
				return nil, false, err
			}
			batch = append(batch, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, false, err
		}
		restart := false
		for _, o := range batch {
			if l.delimiter != "" {
				if i := strings.Index(o.key[len(l.prefix):], l.delimiter); i >= 0 {
					cp := o.key[:len(l.prefix)+i+len(l.delimiter)]
					if l.afterKey == nil || cp > *l.afterKey {
						if len(out) == l.max {
							return out, true, nil
						}
						out = append(out, entry{prefix: cp})
					}
					// Skip the rest of the group.
					lower, inclusive, lowerSeq = prefixEnd(cp), true, 0
					if lower == nil {
						return out, false, nil
					}
					restart = true
					break
				}
			}
			if len(out) == l.max {
				return out, true, nil
			}
			out = append(out, entry{obj: o})
			lower, inclusive, lowerSeq = []byte(o.key), false, 0
			if l.versions {
				lowerSeq = o.seq
			}
		}
		if !restart && len(batch) < listBatch {
			return out, false, nil
		}
	}
}

// listParams checks the parameters every listing shares.
func listParams(maxKeys *int32, encoding *string) (int, error) {
	max := 1000
	if maxKeys != nil {
		if *maxKeys < 0 {
			return 0, s3Err("InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647", http.StatusBadRequest,
				"ArgumentName", "maxKeys", "ArgumentValue", strconv.Itoa(int(*maxKeys)))
		}
		if *maxKeys < 1000 {
			max = int(*maxKeys)
		}
	}
	if encoding != nil && *encoding != "url" {
		return 0, s3Err("InvalidArgument", "Invalid Encoding Method specified in Request", http.StatusBadRequest,
			"ArgumentName", "encoding-type", "ArgumentValue", *encoding)
	}
	return max, nil
}

// encoder applies encoding-type=url to the keys and prefixes of a listing.
type encoder bool

func (e encoder) s(v string) *string {
	if e {
		return ptr(strings.ReplaceAll(url.QueryEscape(v), "%2F", "/"))
	}
	return ptr(v)
}

func (e encoder) p(v *string) *string {
	if v == nil {
		return nil
	}
	return e.s(*v)
}

func (s *Service) listing(ctx context.Context, bucket string, l listing) ([]entry, bool, error) {
	var entries []entry
	var truncated bool
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucket); err != nil {
			return err
		}
		var err error
		entries, truncated, err = s.list(ctx, tx, bucket, l)
		return err
	})
	return entries, truncated, err
}

func storageClass(m *objectMeta) *string {
	if m.StorageClass == "" {
		return ptr("STANDARD")
	}
	return ptr(m.StorageClass)
}

func checksumAlgList(m *objectMeta) []string {
	if m.ChecksumAlgorithm == "" {
		return nil
	}
	return []string{m.ChecksumAlgorithm}
}

func listObject(o *object, enc encoder, withOwner bool) s3api.Object {
	obj := s3api.Object{Key: enc.s(o.key), LastModified: &model.Timestamp{Time: o.modified}, ETag: ptr(quoteETag(o.etag)),
		Size: ptr(o.size), StorageClass: storageClass(&o.meta), ChecksumAlgorithm: checksumAlgList(&o.meta)}
	if o.meta.ChecksumType != "" {
		obj.ChecksumType = ptr(o.meta.ChecksumType)
	}
	if withOwner {
		obj.Owner = owner(o.meta.Owner)
	}
	return obj
}

// ListObjectsV2 lists the current objects of a bucket.
func (s *Service) ListObjectsV2(ctx context.Context, in *s3api.ListObjectsV2Request) (*s3api.ListObjectsV2Output, error) {
	max, err := listParams(in.MaxKeys, in.EncodingType)
	if err != nil {
		return nil, err
	}
	l := listing{prefix: deref(in.Prefix), delimiter: deref(in.Delimiter), max: max}
	if in.ContinuationToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.ContinuationToken)
		if err != nil || !bytes.HasPrefix(raw, []byte("1:")) {
			return nil, s3Err("InvalidArgument", "The continuation token provided is incorrect", http.StatusBadRequest, "ArgumentName", "continuation-token")
		}
		l.afterKey = ptr(string(raw[2:]))
	} else if in.StartAfter != nil && *in.StartAfter != "" {
		l.afterKey = in.StartAfter
	}
	entries, truncated, err := s.listing(ctx, deref(in.Bucket), l)
	if err != nil {
		return nil, err
	}
	enc := encoder(in.EncodingType != nil)
	out := &s3api.ListObjectsV2Output{Name: in.Bucket, Prefix: enc.s(l.prefix), MaxKeys: ptr(int32(deref(in.MaxKeys))), KeyCount: ptr(int32(len(entries))),
		IsTruncated: ptr(truncated), ContinuationToken: in.ContinuationToken, StartAfter: enc.p(in.StartAfter), EncodingType: in.EncodingType, Delimiter: enc.p(in.Delimiter)}
	if in.MaxKeys == nil {
		out.MaxKeys = ptr(int32(1000))
	}
	for _, e := range entries {
		if e.obj == nil {
			out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: enc.s(e.prefix)})
			continue
		}
		out.Contents = append(out.Contents, listObject(e.obj, enc, deref(in.FetchOwner)))
	}
	if truncated && len(entries) > 0 {
		last := entries[len(entries)-1]
		after := last.prefix
		if last.obj != nil {
			after = last.obj.key
		}
		out.NextContinuationToken = ptr(base64.RawURLEncoding.EncodeToString([]byte("1:" + after)))
	}
	return out, nil
}

// ListObjects lists the current objects of a bucket (version 1).
func (s *Service) ListObjects(ctx context.Context, in *s3api.ListObjectsRequest) (*s3api.ListObjectsOutput, error) {
	max, err := listParams(in.MaxKeys, in.EncodingType)
	if err != nil {
		return nil, err
	}
	l := listing{prefix: deref(in.Prefix), delimiter: deref(in.Delimiter), max: max}
	if in.Marker != nil && *in.Marker != "" {
		l.afterKey = in.Marker
	}
	entries, truncated, err := s.listing(ctx, deref(in.Bucket), l)
	if err != nil {
		return nil, err
	}
	enc := encoder(in.EncodingType != nil)
	out := &s3api.ListObjectsOutput{Name: in.Bucket, Prefix: enc.s(l.prefix), Marker: enc.s(deref(in.Marker)), MaxKeys: ptr(int32(1000)),
		IsTruncated: ptr(truncated), EncodingType: in.EncodingType, Delimiter: enc.p(in.Delimiter)}
	if in.MaxKeys != nil {
		out.MaxKeys = in.MaxKeys
	}
	for _, e := range entries {
		if e.obj == nil {
			out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: enc.s(e.prefix)})
			continue
		}
		out.Contents = append(out.Contents, listObject(e.obj, enc, true))
	}
	// S3 returns NextMarker only when a delimiter was given.
	if truncated && l.delimiter != "" && len(entries) > 0 {
		last := entries[len(entries)-1]
		if last.obj != nil {
			out.NextMarker = enc.s(last.obj.key)
		} else {
			out.NextMarker = enc.s(last.prefix)
		}
	}
	return out, nil
}

// ListObjectVersions lists every version and delete marker of a bucket.
func (s *Service) ListObjectVersions(ctx context.Context, in *s3api.ListObjectVersionsRequest) (*s3api.ListObjectVersionsOutput, error) {
	max, err := listParams(in.MaxKeys, in.EncodingType)
	if err != nil {
		return nil, err
	}
	bucketName := deref(in.Bucket)
	l := listing{prefix: deref(in.Prefix), delimiter: deref(in.Delimiter), max: max, versions: true}
	if in.VersionIdMarker != nil && *in.VersionIdMarker != "" && deref(in.KeyMarker) == "" {
		return nil, s3Err("InvalidArgument", "A version-id marker cannot be specified without a key marker.", http.StatusBadRequest,
			"ArgumentName", "version-id-marker", "ArgumentValue", *in.VersionIdMarker)
	}
	var entries []entry
	var truncated bool
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucketName); err != nil {
			return err
		}
		if km := deref(in.KeyMarker); km != "" {
			l.afterKey = ptr(km)
			if vm := deref(in.VersionIdMarker); vm != "" {
				o, err := loadObject(ctx, tx, bucketName, km, vm)
				if err != nil {
					return err
				}
				if o == nil {
					return s3Err("InvalidArgument", "Invalid version id specified", http.StatusBadRequest, "ArgumentName", "version-id-marker", "ArgumentValue", vm)
				}
				l.afterSeq = o.seq
			}
		}
		var err error
		entries, truncated, err = s.list(ctx, tx, bucketName, l)
		return err
	})
	if err != nil {
		return nil, err
	}
	enc := encoder(in.EncodingType != nil)
	out := &s3api.ListObjectVersionsOutput{Name: in.Bucket, Prefix: enc.s(l.prefix), KeyMarker: enc.s(deref(in.KeyMarker)), VersionIdMarker: ptr(deref(in.VersionIdMarker)),
		MaxKeys: ptr(int32(1000)), IsTruncated: ptr(truncated), EncodingType: in.EncodingType, Delimiter: enc.p(in.Delimiter)}
	if in.MaxKeys != nil {
		out.MaxKeys = in.MaxKeys
	}
	for _, e := range entries {
		if e.obj == nil {
			out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: enc.s(e.prefix)})
			continue
		}
		o := e.obj
		if o.deleteMarker {
			out.DeleteMarkers = append(out.DeleteMarkers, s3api.DeleteMarkerEntry{Key: enc.s(o.key), VersionId: ptr(o.versionID), IsLatest: ptr(o.latest),
				LastModified: &model.Timestamp{Time: o.modified}, Owner: owner(o.meta.Owner)})
			continue
		}
		out.Versions = append(out.Versions, s3api.ObjectVersion{Key: enc.s(o.key), VersionId: ptr(o.versionID), IsLatest: ptr(o.latest),
			LastModified: &model.Timestamp{Time: o.modified}, ETag: ptr(quoteETag(o.etag)), Size: ptr(o.size), StorageClass: storageClass(&o.meta),
			Owner: owner(o.meta.Owner), ChecksumAlgorithm: checksumAlgList(&o.meta), ChecksumType: nilIfEmpty(o.meta.ChecksumType)})
	}
	if truncated && len(entries) > 0 {
		last := entries[len(entries)-1]
		if last.obj != nil {
			out.NextKeyMarker = enc.s(last.obj.key)
			out.NextVersionIdMarker = ptr(last.obj.versionID)
		} else {
			out.NextKeyMarker = enc.s(last.prefix)
		}
	}
	return out, nil
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
