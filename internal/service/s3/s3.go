// Package s3 implements Amazon S3 on the hako store: buckets (a global
// namespace, as on AWS) and their configuration in SQL, object bodies in
// internal/blob. This first part serves the bucket operations; the others
// answer NotImplemented until they land.
package s3

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

var _ s3api.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
}

// Service is the S3 implementation. It is safe for concurrent use.
type Service struct {
	st     *store.Store
	clk    clock.Clock
	log    *slog.Logger
	mu     sync.Mutex
	closed bool
}

// New runs the migrations.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("s3: Config.Store is required")
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.st.Migrate(ctx, "s3", migrations); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the service.
func (s *Service) Close() error {
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
