// Package s3 implements Amazon S3 on the hako store: buckets (a global
// namespace, as on AWS), their configuration and object metadata in SQL,
// object bodies in internal/blob.
//
// A write streams the body into a new blob, commits the blob, then commits
// the metadata row that references it (with the event notifications it
// causes, in the same transaction); the blob it replaces is deleted after
// that commit. A crash in between leaves only an unreferenced blob, which
// the sweep at start removes. Object keys are stored as bytes (BLOB), so
// listings follow S3's UTF-8 binary order on SQLite and PostgreSQL alike;
// they are never used as file names.
package s3

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

var _ s3api.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Blobs  *blob.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Events is the outbox that carries event notifications; nil drops them.
	Events *events.Dispatcher
}

// Service is the S3 implementation. It is safe for concurrent use.
type Service struct {
	st     *store.Store
	blobs  *blob.Store
	events *events.Dispatcher
	notif  notifier // notification configurations (notify.go)
	clk    clock.Clock
	log    *slog.Logger
	mu     sync.Mutex
	closed bool
	sweep  *blobSweeper // orphaned blobs (sweep.go)
	x      *svcExtras   // configuration cache and lifecycle runner (bucketconfig.go)
}

// New runs the migrations.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("s3: Config.Store is required")
	}
	if cfg.Blobs == nil {
		return nil, errors.New("s3: Config.Blobs is required")
	}
	s := &Service{st: cfg.Store, blobs: cfg.Blobs, events: cfg.Events, clk: cfg.Clock, log: cfg.Logger, x: newExtras()}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.st.Migrate(ctx, "s3", migrations); err != nil {
		return nil, err
	}
	s.sweep = s.startBlobSweeper()
	s.startLifecycle()
	return s, nil
}

// Close stops the service.
func (s *Service) Close() error {
	s.sweep.stop()
	s.stopLifecycle()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// Health reports the state of the service.
func (s *Service) Health() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "stopped"
	}
	return "running"
}

// ValidationError answers constraint violations as S3 does.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	if vs = dropAccepted(op, vs); len(vs) == 0 {
		return nil // S3 accepts what the model does not (see dropAccepted)
	}
	msg := "Invalid request"
	if len(vs) > 0 {
		msg = model.ValidationMessage(vs)
	}
	return s3Err("InvalidArgument", msg, http.StatusBadRequest)
}

var migrations = []store.Migration{{
	Version: 1,
	SQL: `
CREATE TABLE s3_buckets (
	name       TEXT   NOT NULL PRIMARY KEY,
	account    TEXT   NOT NULL,
	region     TEXT   NOT NULL,
	created_at BIGINT NOT NULL,
	versioning TEXT   NOT NULL,
	config     TEXT   NOT NULL
);
CREATE INDEX s3_buckets_account ON s3_buckets (account, name);
`,
}, {
	Version: 2,
	SQL: `
CREATE TABLE s3_objects (
	bucket        TEXT    NOT NULL,
	okey          BLOB    NOT NULL,
	version_id    TEXT    NOT NULL,
	seq           BIGINT  NOT NULL,
	latest        INTEGER NOT NULL,
	delete_marker INTEGER NOT NULL,
	blob_id       TEXT    NOT NULL,
	size          BIGINT  NOT NULL,
	etag          TEXT    NOT NULL,
	modified      BIGINT  NOT NULL,
	meta          TEXT    NOT NULL,
	PRIMARY KEY (bucket, okey, version_id)
);
CREATE INDEX s3_objects_current ON s3_objects (bucket, latest, okey);
CREATE INDEX s3_objects_seq ON s3_objects (bucket, okey, seq);
CREATE INDEX s3_objects_blob ON s3_objects (blob_id);
CREATE TABLE s3_uploads (
	upload_id TEXT   NOT NULL PRIMARY KEY,
	bucket    TEXT   NOT NULL,
	okey      BLOB   NOT NULL,
	initiated BIGINT NOT NULL,
	meta      TEXT   NOT NULL
);
CREATE INDEX s3_uploads_key ON s3_uploads (bucket, okey, initiated);
CREATE TABLE s3_parts (
	upload_id TEXT    NOT NULL,
	part      INTEGER NOT NULL,
	blob_id   TEXT    NOT NULL,
	size      BIGINT  NOT NULL,
	etag      TEXT    NOT NULL,
	modified  BIGINT  NOT NULL,
	checksums TEXT    NOT NULL,
	PRIMARY KEY (upload_id, part)
);
CREATE INDEX s3_parts_blob ON s3_parts (blob_id);
CREATE TABLE s3_bucket_config (
	bucket TEXT NOT NULL,
	kind   TEXT NOT NULL,
	body   TEXT NOT NULL,
	PRIMARY KEY (bucket, kind)
);
`,
}}

// s3Err is an S3 error; extra fields (BucketName, Key, ...) appear in the
// error document.
func s3Err(code, msg string, status int, fields ...string) *awserr.Error {
	e := &awserr.Error{Code: code, Message: msg, Status: status}
	if len(fields) > 0 {
		e.Fields = map[string]any{}
		for i := 0; i+1 < len(fields); i += 2 {
			e.Fields[fields[i]] = fields[i+1]
		}
	}
	return e
}

func noSuchBucket(name string) error {
	return s3Err("NoSuchBucket", "The specified bucket does not exist", http.StatusNotFound, "BucketName", name)
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}

// asS3Err returns err as an S3 error, or nil for internal failures.
func asS3Err(err error) *awserr.Error {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}
