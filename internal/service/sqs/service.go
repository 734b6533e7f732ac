// Package sqs implements Amazon SQS: standard and FIFO queues, long
// polling, visibility timeouts, delays, retention, dead-letter redrive and
// message move tasks, stored durably in the hako store.
//
// Every state change commits through store.Update before the API call
// returns. Queue metadata is cached in memory (the database stays the
// source of truth and is read back at start); message state lives only in
// the database. Time comes from the injected clock, so tests move time
// instead of sleeping.
package sqs

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

var _ sqsapi.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
}

// Service is the SQS implementation. It is safe for concurrent use.
type Service struct {
	st    *store.Store
	clk   clock.Clock
	log   *slog.Logger
	reg   *registry
	seq   seqGen
	sched *scheduler
	tasks *taskManager

	origin      string // random id of this service in cross-node notifications
	unsubscribe func()

	ctx       context.Context // cancelled by Close; parent of background work
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	bgMu      sync.Mutex // guards bgClosed and wg.Add against Close's Wait
	bgClosed  bool
	closeOnce sync.Once
}

// sweepInterval is how often expired messages, purges, deleted queues and
// expired deduplication entries are cleaned up.
const sweepInterval = time.Minute

// New runs the service's migrations, loads the queues and starts the
// background work (scheduler of delayed wake-ups, sweeper, move tasks).
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("sqs: Config.Store is required")
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, reg: newRegistry(), origin: strconv.FormatInt(randInt63(), 36)}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.st.Migrate(ctx, "sqs", migrations); err != nil {
		return nil, err
	}
	if err := s.loadQueues(ctx); err != nil {
		return nil, err
	}
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		var m1, m2 int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM sqs_messages").Scan(&m1); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM sqs_dedup").Scan(&m2); err != nil {
			return err
		}
		s.seq.observe(max(m1, m2))
		return nil
	}); err != nil {
		return nil, err
	}
	s.sched = newScheduler(s.clk)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.tasks = newTaskManager(s)
	if s.shared() {
		// Subscribed before the queues are used, after they were loaded:
		// a change committed in between is seen by the reload it causes.
		s.unsubscribe = s.st.Subscribe(notifyChannel, s.onNotify)
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.sched.run(s.ctx) }()
	go func() { defer s.wg.Done(); s.sweepLoop(s.ctx) }()
	if err := s.tasks.resume(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.log.Info("sqs started", "queues", len(s.reg.all()))
	return s, nil
}

// Close stops the background work and ends every long poll (they return
// what they have, usually nothing). It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		s.bgMu.Lock()
		s.bgClosed = true
		s.bgMu.Unlock()
		if s.unsubscribe != nil {
			s.unsubscribe()
		}
		s.cancel()
		for _, q := range s.reg.all() {
			q.waiters.broadcast()
		}
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

// entryShapes names the batch entry shapes, as SQS spells them in
// MissingParameter messages.
var entryShapes = map[string]string{
	"SendMessageBatch":             "SendMessageBatchRequestEntry",
	"DeleteMessageBatch":           "DeleteMessageBatchRequestEntry",
	"ChangeMessageVisibilityBatch": "ChangeMessageVisibilityBatchRequestEntry",
}

// ValidationError maps the model's violations (the SQS model only has
// required members) to the error SQS returns for a missing parameter.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	if len(vs) == 0 {
		return toAPI(invalidParam("The request is invalid."))
	}
	v := vs[0]
	name := v.Member
	switch {
	case (op == "CreateQueue" || op == "GetQueueUrl") && v.Path == "QueueName":
		return toAPI(invalidParam("Value for parameter QueueName is invalid. Reason: Must specify a queue name."))
	case op == "SetQueueAttributes" && v.Path == "Attributes":
		name = "Attribute.Name"
	case op == "AddPermission" && v.Path == "Actions":
		name = "ActionName"
	case strings.HasPrefix(v.Path, "Entries."):
		name = entryShapes[op] + "." + v.Member
	case strings.HasPrefix(v.Path, "MessageAttributes.") || strings.HasPrefix(v.Path, "MessageSystemAttributes."):
		return toAPI(invalidParam("The message (user) attribute must contain a non-empty message attribute type."))
	}
	return toAPI(missingParam(name))
}

// sweepLoop runs the sweeper every sweepInterval of clock time.
func (s *Service) sweepLoop(ctx context.Context) {
	for {
		t := newTimerAt(s.clk, s.nowMs()+sweepInterval.Milliseconds())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		if err := s.sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sqs sweep failed", "err", err)
		}
	}
}

// sweepChunk bounds the rows one sweeper transaction deletes, so that the
// shared writer is never held long.
const sweepChunk = 1000

// sweep deletes what no reader can see any more: messages past their
// retention period or purged, the messages of deleted queues, expired
// deduplication entries and receive attempts.
func (s *Service) sweep(ctx context.Context) error {
	if err := s.refreshQueues(ctx); err != nil {
		return err
	}
	now := s.nowMs()
	for _, q := range s.reg.all() {
		m := q.m()
		bound := max(seqFloor(now-int64(m.attrs.retention)*1000)-1, m.purgeSeq)
		if err := s.deleteChunks(ctx, q.id, bound); err != nil {
			return err
		}
	}
	// Deleted queues: drop their messages, then the tombstone once the
	// 60-second QueueDeletedRecently window has passed.
	type tomb struct{ id, at int64 }
	var tombs []tomb
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT id, deleted_at FROM sqs_deleted_queues")
		if err != nil {
			return err
		}
		for rows.Next() {
			var t tomb
			if err := rows.Scan(&t.id, &t.at); err != nil {
				return err
			}
			tombs = append(tombs, t)
		}
		return rows.Err()
	}); err != nil {
		return err
	}
	for _, t := range tombs {
		if err := s.deleteChunks(ctx, t.id, 1<<62); err != nil {
			return err
		}
		if t.at > now-deletedQueueWindow {
			continue
		}
		if err := s.st.Update(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				"DELETE FROM sqs_dedup WHERE queue_id = ?",
				"DELETE FROM sqs_receive_attempts WHERE queue_id = ?",
				"DELETE FROM sqs_deleted_queues WHERE id = ?",
			} {
				if _, err := tx.Exec(ctx, q, t.id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sqs_dedup WHERE expires_at <= ?", now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM sqs_receive_attempts WHERE created_at <= ?", now-receiveAttemptWindow)
		return err
	})
}

// deleteChunks deletes the messages of queue id with seq <= bound, a chunk
// per transaction.
func (s *Service) deleteChunks(ctx context.Context, id, bound int64) error {
	for {
		var n int64
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `DELETE FROM sqs_messages WHERE queue_id = ? AND seq IN (
				SELECT seq FROM sqs_messages WHERE queue_id = ? AND seq <= ? ORDER BY seq LIMIT ?)`, id, id, bound, sweepChunk)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil || n < sweepChunk {
			return err
		}
	}
}
