// Package logs implements Amazon CloudWatch Logs: log groups and streams,
// PutLogEvents with AWS's batch rules, GetLogEvents with forward and
// backward tokens, FilterLogEvents with the filter pattern syntax (terms,
// phrases, ?alternatives, -exclusions, JSON and space-delimited patterns),
// retention policies enforced by a background sweeper, and tags. Other
// hako services write function output through Append.
//
// Every write commits through store.Update before the call returns; the
// database is the only state, so several nodes sharing a PostgreSQL store
// see the same logs. Time comes from the injected clock, so tests move
// time instead of sleeping. The assumptions made where AWS documents
// nothing are listed in DESIGN.md.
package logs

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/store"
)

var _ logsapi.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
}

// Service is the CloudWatch Logs implementation. It is safe for
// concurrent use.
type Service struct {
	st  *store.Store
	clk clock.Clock
	log *slog.Logger

	// streams caches the ids of streams Append has written to, so that a
	// warm Append is one UPDATE and one INSERT.
	streams streamCache

	kick      chan struct{} // wakes the sweeper early (after deletes)
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// sweepInterval is how often, in clock time, the sweeper deletes the
// events past their group's retention and those of deleted groups and
// streams.
const sweepInterval = time.Minute

// New runs the service's migrations and starts the sweeper.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("logs: Config.Store is required")
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, kick: make(chan struct{}, 1)}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.st.Migrate(ctx, "logs", migrations); err != nil {
		return nil, err
	}
	s.streams.init()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.sweepLoop(s.ctx) }()
	s.log.Info("logs started")
	return s, nil
}

// Close stops the sweeper. It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
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

func (s *Service) nowMs() int64 { return s.clk.Now().UnixMilli() }

// wake asks the sweeper to run soon.
func (s *Service) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// newID returns a random positive id for a group or stream.
func newID() int64 {
	var b [8]byte
	rand.Read(b[:])
	v := int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	if v == 0 {
		v = 1
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// sweepLoop runs the sweeper every sweepInterval of clock time, and soon
// after a group or stream was deleted.
func (s *Service) sweepLoop(ctx context.Context) {
	clock.Every(ctx, s.clk, sweepInterval, s.kick, false, func(ctx context.Context) {
		if err := s.sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("logs sweep failed", "err", err)
		}
	})
}

// sweepChunk bounds the events one sweeper transaction deletes, so that
// the shared writer is never held long.
const sweepChunk = 1000

// sweep deletes the events of deleted groups and streams, then the events
// older than their group's retention period.
func (s *Service) sweep(ctx context.Context) error {
	type tomb struct {
		kind string
		id   int64
	}
	var tombs []tomb
	type ret struct{ id, days int64 }
	var rets []ret
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT kind, id FROM logs_deleted")
		if err != nil {
			return err
		}
		for rows.Next() {
			var t tomb
			if err := rows.Scan(&t.kind, &t.id); err != nil {
				return err
			}
			tombs = append(tombs, t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT id, retention FROM logs_groups WHERE retention > 0")
		if err != nil {
			return err
		}
		for rows.Next() {
			var r ret
			if err := rows.Scan(&r.id, &r.days); err != nil {
				return err
			}
			rets = append(rets, r)
		}
		return rows.Err()
	}); err != nil {
		return err
	}
	for _, t := range tombs {
		col := "group_id"
		if t.kind == "stream" {
			col = "stream_id"
		}
		q := `DELETE FROM logs_events WHERE (stream_id, ts, seq) IN (
			SELECT stream_id, ts, seq FROM logs_events WHERE ` + col + ` = ? LIMIT ?)`
		for {
			var n int64
			err := s.st.Update(ctx, func(tx *store.Tx) error {
				res, err := tx.Exec(ctx, q, t.id, sweepChunk)
				if err != nil {
					return err
				}
				if n, err = res.RowsAffected(); err != nil {
					return err
				}
				if n < sweepChunk {
					_, err = tx.Exec(ctx, "DELETE FROM logs_deleted WHERE kind = ? AND id = ?", t.kind, t.id)
				}
				return err
			})
			if err != nil {
				return err
			}
			if n < sweepChunk {
				break
			}
		}
	}
	now := s.nowMs()
	for _, r := range rets {
		if err := s.expire(ctx, r.id, now-r.days*dayMs); err != nil {
			return err
		}
	}
	return nil
}

// expire deletes the events of group id older than cutoff, a chunk per
// transaction, and takes their size off their streams' stored bytes.
func (s *Service) expire(ctx context.Context, group, cutoff int64) error {
	for {
		var n int
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, `DELETE FROM logs_events WHERE (stream_id, ts, seq) IN (
				SELECT stream_id, ts, seq FROM logs_events WHERE group_id = ? AND ts < ? ORDER BY ts LIMIT ?)
				RETURNING stream_id, length(message)`, group, cutoff, sweepChunk)
			if err != nil {
				return err
			}
			freed := map[int64]int64{}
			n = 0
			for rows.Next() {
				var id, size int64
				if err := rows.Scan(&id, &size); err != nil {
					return err
				}
				freed[id] += size
				n++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
			for id, size := range freed {
				if _, err := tx.Exec(ctx, "UPDATE logs_streams SET stored_bytes = stored_bytes - ? WHERE id = ?", size, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n < sweepChunk {
			return err
		}
	}
}
