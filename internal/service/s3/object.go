package s3

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// nullVersion is the version id of objects written while versioning was
// never enabled or is suspended.
const nullVersion = "null"

// Versioning states of a bucket ("" = never enabled).
const (
	versioningEnabled   = "Enabled"
	versioningSuspended = "Suspended"
)

// object is one row of s3_objects: a version of a key, or a delete marker.
type object struct {
	bucket       string
	key          string
	versionID    string
	seq          int64
	latest       bool
	deleteMarker bool
	blobID       blob.ID
	size         int64
	etag         string // without quotes
	modified     time.Time
	meta         objectMeta
}

// objectMeta is what S3 keeps with an object besides its body; stored as
// JSON in s3_objects.meta.
type objectMeta struct {
	ContentType        string            `json:"ct,omitempty"`
	ContentEncoding    string            `json:"ce,omitempty"`
	ContentDisposition string            `json:"cd,omitempty"`
	ContentLanguage    string            `json:"cl,omitempty"`
	CacheControl       string            `json:"cc,omitempty"`
	Expires            string            `json:"ex,omitempty"` // as sent (an HTTP date)
	WebsiteRedirect    string            `json:"wr,omitempty"`
	User               map[string]string `json:"um,omitempty"`
	// ChecksumAlgorithm is the stored checksum's algorithm (CRC32, CRC32C,
	// CRC64NVME, SHA1, SHA256), Checksum its base64 value ("-N" suffixed
	// for composite multipart checksums).
	ChecksumAlgorithm string `json:"ca,omitempty"`
	Checksum          string `json:"cs,omitempty"`
	ChecksumType      string `json:"ck,omitempty"` // FULL_OBJECT or COMPOSITE
	// Parts are the part sizes of an object made by a multipart upload.
	Parts        []int64 `json:"pt,omitempty"`
	Tags         []tag   `json:"tg,omitempty"`
	StorageClass string  `json:"sc,omitempty"` // "" = STANDARD
	SSE          string  `json:"se,omitempty"`
	SSEKMSKeyID  string  `json:"sk,omitempty"`
	BucketKey    bool    `json:"bk,omitempty"`
	Owner        string  `json:"ow,omitempty"` // account
	LockMode     string  `json:"lm,omitempty"`
	LockUntil    string  `json:"lu,omitempty"`
	LegalHold    string  `json:"lh,omitempty"`

	// PartChecksums are the parts' checksums (ChecksumAlgorithm, base64)
	// of an object made by a multipart upload with a checksum algorithm.
	PartChecksums []string `json:"pc,omitempty"`
	// ACL is the object's access control list (nil: the owner has FULL_CONTROL).
	ACL *storedACL `json:"acl,omitempty"`
}

type tag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

const objectCols = "okey, version_id, seq, latest, delete_marker, blob_id, size, etag, modified, meta"

type scanner interface{ Scan(dest ...any) error }

func scanObject(bucket string, sc scanner) (*object, error) {
	o := &object{bucket: bucket}
	var key []byte
	var latest, dm int
	var blobID, meta string
	var modified int64
	if err := sc.Scan(&key, &o.versionID, &o.seq, &latest, &dm, &blobID, &o.size, &o.etag, &modified, &meta); err != nil {
		return nil, err
	}
	o.key = string(key)
	o.latest, o.deleteMarker = latest == 1, dm == 1
	o.blobID = blob.ID(blobID)
	o.modified = time.UnixMilli(modified).UTC()
	if err := json.Unmarshal([]byte(meta), &o.meta); err != nil {
		return nil, err
	}
	return o, nil
}

// loadObject returns the current version of key (versionID "") or the
// given version; nil when there is none.
func loadObject(ctx context.Context, tx *store.Tx, bucket, key, versionID string) (*object, error) {
	var row *sql.Row
	if versionID == "" {
		row = tx.QueryRow(ctx, "SELECT "+objectCols+" FROM s3_objects WHERE bucket = ? AND latest = 1 AND okey = ?", bucket, []byte(key))
	} else {
		row = tx.QueryRow(ctx, "SELECT "+objectCols+" FROM s3_objects WHERE bucket = ? AND okey = ? AND version_id = ?", bucket, []byte(key), versionID)
	}
	o, err := scanObject(bucket, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return o, err
}

// peekObject is loadObject as a single statement outside a transaction.
func (s *Service) peekObject(ctx context.Context, bucket, key, versionID string) (*object, error) {
	var row *sql.Row
	if versionID == "" {
		row = s.st.QueryRow(ctx, "SELECT "+objectCols+" FROM s3_objects WHERE bucket = ? AND latest = 1 AND okey = ?", bucket, []byte(key))
	} else {
		row = s.st.QueryRow(ctx, "SELECT "+objectCols+" FROM s3_objects WHERE bucket = ? AND okey = ? AND version_id = ?", bucket, []byte(key), versionID)
	}
	o, err := scanObject(bucket, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return o, err
}

func insertObject(ctx context.Context, tx *store.Tx, o *object) error {
	meta, err := json.Marshal(&o.meta)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO s3_objects (bucket, "+objectCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		o.bucket, []byte(o.key), o.versionID, o.seq, boolInt(o.latest), boolInt(o.deleteMarker), string(o.blobID), o.size, o.etag, o.modified.UnixMilli(), string(meta))
	return err
}

// updateObjectMeta rewrites the metadata of one version in place (tagging,
// retention, ...).
func updateObjectMeta(ctx context.Context, tx *store.Tx, o *object) error {
	meta, err := json.Marshal(&o.meta)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE s3_objects SET meta = ? WHERE bucket = ? AND okey = ? AND version_id = ?", string(meta), o.bucket, []byte(o.key), o.versionID)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lockKey serializes writers of one key across nodes on PostgreSQL (SQLite
// transactions are serialized already).
func lockKey(ctx context.Context, tx *store.Tx, bucket, key string) error {
	return tx.LockKey(ctx, []byte(bucket), []byte(key))
}

// nextSeq returns a sequence number above every version of key and not
// below the clock (so sequencers of one key only grow).
func nextSeq(ctx context.Context, tx *store.Tx, bucket, key string, now time.Time) (int64, error) {
	var max sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT MAX(seq) FROM s3_objects WHERE bucket = ? AND okey = ?", bucket, []byte(key)).Scan(&max); err != nil {
		return 0, err
	}
	seq := now.UnixNano()
	if max.Valid && max.Int64 >= seq {
		seq = max.Int64 + 1
	}
	return seq, nil
}

func newVersionID() string {
	var b [24]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// writeCond is a conditional write: If-None-Match "*" or If-Match ETag.
type writeCond struct {
	ifNoneMatch string
	ifMatch     string
}

func (c writeCond) check(cur *object) error {
	exists := cur != nil && !cur.deleteMarker
	if c.ifNoneMatch != "" {
		if c.ifNoneMatch != "*" {
			return s3Err("NotImplemented", "A header you provided implies functionality that is not implemented", http.StatusNotImplemented, "Header", "If-None-Match")
		}
		if exists {
			return preconditionFailed("If-None-Match")
		}
	}
	if c.ifMatch != "" {
		if !exists {
			return noSuchKey("")
		}
		if !etagMatches(c.ifMatch, cur.etag) {
			return preconditionFailed("If-Match")
		}
	}
	return nil
}

// putResult is what commitObject tells the caller.
type putResult struct {
	obj *object
	// replaced is the blob no longer referenced (deleted after commit).
	replaced blob.ID
}

// commitObject makes o (with its blob already committed) the current
// version of its key, as the bucket's versioning state says, within tx.
// The blob of a replaced null version is deleted after the commit. event
// is the notification to send ("ObjectCreated:Put", ...; "" for none).
func (s *Service) commitObject(ctx context.Context, tx *store.Tx, b *bucket, o *object, cond writeCond, event string) error {
	if err := lockKey(ctx, tx, b.name, o.key); err != nil {
		return err
	}
	cur, err := loadObject(ctx, tx, b.name, o.key, "")
	if err != nil {
		return err
	}
	if err := cond.check(cur); err != nil {
		return err
	}
	if o.seq, err = nextSeq(ctx, tx, b.name, o.key, o.modified); err != nil {
		return err
	}
	o.bucket = b.name
	o.latest = true
	if b.versioning == versioningEnabled {
		o.versionID = newVersionID()
	} else {
		o.versionID = nullVersion
		if err := s.dropVersion(ctx, tx, b.name, o.key, nullVersion); err != nil {
			return err
		}
	}
	if cur != nil {
		if _, err := tx.Exec(ctx, "UPDATE s3_objects SET latest = 0 WHERE bucket = ? AND okey = ? AND latest = 1", b.name, []byte(o.key)); err != nil {
			return err
		}
	}
	if err := insertObject(ctx, tx, o); err != nil {
		return err
	}
	if event != "" {
		return s.notify(ctx, tx, b, event, o)
	}
	return nil
}

// dropVersion deletes one version's row (if any) and its blob after commit.
func (s *Service) dropVersion(ctx context.Context, tx *store.Tx, bucket, key, versionID string) error {
	var blobID string
	err := tx.QueryRow(ctx, "SELECT blob_id FROM s3_objects WHERE bucket = ? AND okey = ? AND version_id = ?", bucket, []byte(key), versionID).Scan(&blobID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM s3_objects WHERE bucket = ? AND okey = ? AND version_id = ?", bucket, []byte(key), versionID); err != nil {
		return err
	}
	s.deleteBlobAfter(tx, blob.ID(blobID))
	return nil
}

// deleteBlobAfter deletes a blob once tx has committed.
func (s *Service) deleteBlobAfter(tx *store.Tx, id blob.ID) {
	if id == "" {
		return
	}
	tx.AfterCommit(func() {
		if err := s.blobs.Delete(id); err != nil && !errors.Is(err, blob.ErrNotFound) {
			s.log.Warn("delete blob", "blob", id, "err", err)
		}
	})
}

// promoteLatest marks the newest remaining version of key current.
func promoteLatest(ctx context.Context, tx *store.Tx, bucket, key string) error {
	_, err := tx.Exec(ctx, `UPDATE s3_objects SET latest = 1 WHERE bucket = ? AND okey = ? AND seq =
	(SELECT MAX(seq) FROM s3_objects WHERE bucket = ? AND okey = ?)`, bucket, []byte(key), bucket, []byte(key))
	return err
}

// removeObject deletes key as DeleteObject does: with versionID, that
// version for good; without, the null version goes (unversioned), or a
// delete marker becomes current (versioned). It returns the version id
// removed or created and whether it is a delete marker.
func (s *Service) removeObject(ctx context.Context, tx *store.Tx, b *bucket, key, versionID string, cond func(cur *object) error, event string) (vid string, marker bool, err error) {
	if err := lockKey(ctx, tx, b.name, key); err != nil {
		return "", false, err
	}
	if versionID != "" {
		o, err := loadObject(ctx, tx, b.name, key, versionID)
		if err != nil || o == nil {
			if err == nil && versionID != nullVersion && !validVersionID(versionID) {
				return "", false, invalidVersion(versionID)
			}
			return versionID, false, err
		}
		if cond != nil {
			if err := cond(o); err != nil {
				return "", false, err
			}
		}
		if err := s.dropVersion(ctx, tx, b.name, key, versionID); err != nil {
			return "", false, err
		}
		if o.latest {
			if err := promoteLatest(ctx, tx, b.name, key); err != nil {
				return "", false, err
			}
		}
		if event != "" {
			if err := s.notify(ctx, tx, b, event, o); err != nil {
				return "", false, err
			}
		}
		return versionID, o.deleteMarker, nil
	}
	cur, err := loadObject(ctx, tx, b.name, key, "")
	if err != nil {
		return "", false, err
	}
	if cond != nil {
		if err := cond(cur); err != nil {
			return "", false, err
		}
	}
	if b.versioning == "" {
		if cur == nil {
			return "", false, nil
		}
		if err := s.dropVersion(ctx, tx, b.name, key, nullVersion); err != nil {
			return "", false, err
		}
		if event != "" {
			if err := s.notify(ctx, tx, b, event, cur); err != nil {
				return "", false, err
			}
		}
		return "", false, nil
	}
	// Versioned: a delete marker becomes the current version.
	m := &object{bucket: b.name, key: key, deleteMarker: true, modified: s.clk.Now().UTC(),
		meta: objectMeta{Owner: reqinfo.From(ctx).Account}}
	if err := s.commitObject(ctx, tx, b, m, writeCond{}, ""); err != nil {
		return "", false, err
	}
	if event != "" {
		if event == "ObjectRemoved:Delete" {
			event = "ObjectRemoved:DeleteMarkerCreated"
		}
		if err := s.notify(ctx, tx, b, event, m); err != nil {
			return "", false, err
		}
	}
	return m.versionID, true, nil
}

func validVersionID(v string) bool {
	if len(v) == 0 || len(v) > 1024 {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.+/=", c)) {
			return false
		}
	}
	return true
}

func invalidVersion(v string) error {
	return s3Err("InvalidArgument", "Invalid version id specified", http.StatusBadRequest, "ArgumentName", "versionId", "ArgumentValue", v)
}

func noSuchKey(key string) error {
	if key == "" {
		return s3Err("NoSuchKey", "The specified key does not exist.", http.StatusNotFound)
	}
	return s3Err("NoSuchKey", "The specified key does not exist.", http.StatusNotFound, "Key", key)
}

func preconditionFailed(cond string) error {
	return s3Err("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", http.StatusPreconditionFailed, "Condition", cond)
}

// etagMatches compares an If-Match / If-None-Match list with an ETag.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		v = strings.TrimPrefix(v, "W/")
		if v == "*" || strings.Trim(v, `"`) == etag {
			return true
		}
	}
	return false
}

func quoteETag(e string) string { return `"` + e + `"` }

// objectCount counts a bucket's objects, versions and delete markers.
func (s *Service) objectCount(ctx context.Context, tx *store.Tx, bucket string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1) t", bucket).Scan(&n)
	return n, err
}
