// Package dynamodb implements Amazon DynamoDB and DynamoDB Streams: tables
// with global and local secondary indexes, items with the expression
// languages (package expr), queries and scans, batches, transactions,
// PartiQL, time to live and the table's change stream, stored in the hako
// store.
//
// Every change commits through store.Update before the call returns; the
// change's stream record and index entries are written in the same
// transaction, so a crash never leaves one without the other. Table
// definitions are cached in memory (reloaded on other nodes through
// store notifications); items are read from the database every time.
package dynamodb

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

var _ dynamodbapi.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// CollectionLimit is the largest item collection, in bytes, a table
	// with local secondary indexes may hold (0: AWS's 10 GB). Tests lower
	// it.
	CollectionLimit int64
}

// Service is the DynamoDB implementation. It is safe for concurrent use.
type Service struct {
	st     *store.Store
	clk    clock.Clock
	log    *slog.Logger
	tables *tableCache
	// collectionLimit is Config.CollectionLimit, defaulted.
	collectionLimit int64
	// gens holds, on SQLite, the generation of each table's definition as
	// last saved (tablegen.go).
	gens sync.Map // table ID (int64) -> generation (int64)

	feedsMu sync.Mutex
	feeds   []*StreamFeed // woken when this node commits stream records

	unsubscribe func()
	ctx         context.Context // cancelled by Close; parent of background work
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	closeOnce   sync.Once
}

// New runs the migrations, loads the table definitions and starts the
// background work (the time-to-live sweeper, stream retention).
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("dynamodb: Config.Store is required")
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, collectionLimit: cfg.CollectionLimit}
	if s.collectionLimit <= 0 {
		s.collectionLimit = maxCollectionSize
	}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.st.Migrate(ctx, "dynamodb", migrations); err != nil {
		return nil, err
	}
	s.tables = newTableCache()
	if s.st.Dialect() == store.Postgres {
		// Subscribed before the load: a change committed in between is
		// seen by the reload it causes.
		s.unsubscribe = s.st.Subscribe(notifyChannel, s.onNotify)
	}
	if err := s.loadTables(ctx); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.startBackground()
	s.log.Info("dynamodb started", "tables", s.tables.len())
	return s, nil
}

// Close stops the background work. It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		if s.unsubscribe != nil {
			s.unsubscribe()
		}
		s.cancel()
		s.wg.Wait()
	})
	return nil
}

// Health reports the state of the service.
func (s *Service) Health() string {
	if s.ctx.Err() != nil {
		return "stopped"
	}
	return "running"
}

// ValidationError maps model constraint violations to DynamoDB's
// ValidationException ("1 validation error detected: Value null at
// 'tableName' failed to satisfy constraint: Member must not be null").
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return validation(model.ValidationMessage(vs))
}

func (s *Service) now() time.Time { return s.clk.Now() }

// apiErr is a DynamoDB client error (every one is a 400).
func apiErr(code, msg string) *awserr.Error {
	return awserr.New(code, msg).WithStatus(http.StatusBadRequest)
}

// validation is a ValidationException with msg.
func validation(msg string) *awserr.Error { return apiErr("ValidationException", msg) }

// Errors the service returns often, with AWS's texts.
func errTableNotFound(name string) *awserr.Error {
	return apiErr("ResourceNotFoundException", "Requested resource not found: Table: "+name+" not found")
}

func errResourceNotFound() *awserr.Error {
	return apiErr("ResourceNotFoundException", "Requested resource not found")
}

func errConditionalCheckFailed(item map[string]dynamodbapi.AttributeValue) *awserr.Error {
	e := apiErr("ConditionalCheckFailedException", "The conditional request failed")
	if item != nil {
		e.Fields = map[string]any{"Item": item}
	}
	return e
}
