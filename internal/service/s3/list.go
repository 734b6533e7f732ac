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

// cursor is where a listing resumes: keys >= key (inclusive), or keys >
// key; with after set, the rows of key itself that sort after that row
// (after is the row-specific position: a version's seq, an upload's
// initiation and id) come first.
type cursor struct {
	key       []byte
	inclusive bool
	after     any
}

// walk is the listing loop of objects, versions and multipart uploads:
// it fetches rows in key order from start in batches (fetch answers rows
// at or after the cursor and below upper, nil = no bound), folds the keys
// that contain the delimiter after the prefix into common prefixes (each
// counted once, like an entry; those at or before afterKey were listed
// before and are skipped), and stops after max entries, reporting whether
// more follow. resume gives the cursor just after a row.
func walk[T any](prefix, delim string, afterKey *string, max int, start cursor,
	fetch func(c cursor, upper []byte) ([]T, error), keyOf func(T) string, resume func(T) cursor,
) (out []walkEntry[T], truncated bool, err error) {
	c := start
	upper := prefixEnd(prefix)
	for {
		batch, err := fetch(c, upper)
		if err != nil {
			return nil, false, err
		}
		restart := false
		for _, row := range batch {
			key := keyOf(row)
			if delim != "" {
				if i := strings.Index(key[len(prefix):], delim); i >= 0 {
					cp := key[:len(prefix)+i+len(delim)]
					if afterKey == nil || cp > *afterKey {
						if len(out) == max {
							return out, true, nil
						}
						out = append(out, walkEntry[T]{prefix: cp})
					}
					// Skip the rest of the group.
					if c = (cursor{key: prefixEnd(cp), inclusive: true}); c.key == nil {
						return out, false, nil
					}
					restart = true
					break
				}
			}
			if len(out) == max {
				return out, true, nil
			}
			out = append(out, walkEntry[T]{row: row, isRow: true})
			c = resume(row)
		}
		if !restart && len(batch) < listBatch {
			return out, false, nil
		}
	}
}

// walkEntry is a row or a common prefix.
type walkEntry[T any] struct {
	row    T
	isRow  bool
	prefix string
}

// keyBound appends the SQL condition of c (and its arguments) for the key
// column; afterCond is the condition for the rows of c.key after c.after.
func keyBound(q string, args []any, c cursor, afterCond string, afterArgs ...any) (string, []any) {
	switch {
	case c.inclusive:
		return q + " AND okey >= ?", append(args, c.key)
	case c.after != nil:
		return q + " AND (okey > ? OR (okey = ? AND " + afterCond + "))", append(append(args, c.key, c.key), afterArgs...)
	default:
		return q + " AND okey > ?", append(args, c.key)
	}
}

// list returns up to l.max entries and whether more follow.
func (s *Service) list(ctx context.Context, tx *store.Tx, bucket string, l listing) ([]entry, bool, error) {
	start := cursor{key: []byte(l.prefix), inclusive: true}
	if l.afterKey != nil && *l.afterKey >= l.prefix {
		start = cursor{key: []byte(*l.afterKey)}
		if l.versions && l.afterSeq > 0 {
			start.after = l.afterSeq
		}
	}
	fetch := func(c cursor, upper []byte) ([]*object, error) {
		q := "SELECT " + objectCols + " FROM s3_objects WHERE bucket = ?"
		args := []any{bucket}
		if !l.versions {
			q += " AND latest = 1 AND delete_marker = 0"
		}
		seq, _ := c.after.(int64)
		q, args = keyBound(q, args, c, "seq < ?", seq)
		if upper != nil {
			q += " AND okey < ?"
			args = append(args, upper)
		}
		if l.versions {
			q += " ORDER BY okey, seq DESC"
		} else {
			q += " ORDER BY okey"
		}
		rows, err := tx.Query(ctx, q+" LIMIT "+strconv.Itoa(listBatch), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var batch []*object
		for rows.Next() {
			o, err := scanObject(bucket, rows)
			if err != nil {
				return nil, err
			}
			batch = append(batch, o)
		}
		return batch, rows.Err()
	}
	resume := func(o *object) cursor {
		if l.versions {
			return cursor{key: []byte(o.key), after: o.seq}
		}
		return cursor{key: []byte(o.key)}
	}
	ws, truncated, err := walk(l.prefix, l.delimiter, l.afterKey, l.max, start, fetch, func(o *object) string { return o.key }, resume)
	if err != nil {
		return nil, false, err
	}
	out := make([]entry, len(ws))
	for i, w := range ws {
		out[i] = entry{obj: w.row, prefix: w.prefix}
	}
	return out, truncated, nil
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
