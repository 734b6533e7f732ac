package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// request is one queued Update.
type request struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	done  chan error // buffered(1); receives the outcome exactly once
	after []func()   // AfterCommit callbacks, set by the writer on success
	notes []note     // Notify notifications, set by the writer on success

	// Writer-side state while the batch runs.
	settled bool  // outcome known without the commit (skipped or failed)
	err     error // outcome when settled
	retry   bool  // rolled back by a lock conflict: re-run alone after the batch (see rerun)
}

// Update runs fn in a write transaction and returns only after that
// transaction has committed durably (see the package documentation for the
// group-commit rules fn must follow). If fn returns an error or panics, its
// changes are rolled back and the error is returned; other callers batched
// in the same transaction are not affected. If ctx is done before fn starts,
// fn is not run and ctx.Err() is returned. Once fn has started, Update waits
// for the outcome even if ctx is cancelled, so a nil error always means
// committed and a non-nil error means not committed (except in the rare case
// of an error reported by COMMIT itself, whose outcome the database may not
// have reported). Functions registered with Tx.AfterCommit run on the
// calling goroutine before Update returns nil.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	if s.dialect == SQLite && len(s.queue) == 0 && s.wmu.TryLock() {
		// The writer is idle and nothing is queued: run the transaction on
		// this goroutine, a batch of one as the writer would, without the
		// two goroutine hand-offs of the queue (each may wake an idle
		// processor: most of a lone small write's latency). Concurrent
		// writers find the lock held or the queue busy and are batched.
		s.direct.Add(1)
		s.mu.RUnlock()
		s.runBatch([]*request{req})
		s.wstmts.flush(s.w)
		s.wmu.Unlock()
		s.direct.Done()
	} else {
		select {
		case s.queue <- req:
		case <-ctx.Done():
			s.mu.RUnlock()
			return ctx.Err()
		}
		s.mu.RUnlock()
	}
	if err := <-req.done; err != nil {
		return err
	}
	for _, f := range req.after {
		f()
	}
	if len(req.notes) > 0 {
		s.deliverLocal(req.notes)
	}
	return nil
}

// writer collects batches from the queue and commits them until the queue
// is closed and drained.
func (s *Store) writer() {
	defer s.writers.Done()
	batch := make([]*request, 0, s.maxBatch)
	last := 0 // size of the previous batch
	for {
		req, ok := <-s.queue
		if !ok {
			return
		}
		if s.dialect == SQLite {
			s.wmu.Lock()
		}
		batch = append(batch[:0], req)
		s.drain(&batch)
		if last > 1 && len(batch) < s.maxBatch {
			// Writers are concurrent: give the goroutines that are about
			// to enqueue one chance to join this commit. A lone writer
			// (last <= 1) never waits.
			runtime.Gosched()
			s.drain(&batch)
		}
		last = len(batch)
		s.runBatch(batch)
		clear(batch)
		if s.dialect == SQLite {
			s.wstmts.flush(s.w)
			s.wmu.Unlock()
		}
	}
}

// drain moves queued requests into batch without blocking.
func (s *Store) drain(batch *[]*request) {
	for len(*batch) < s.maxBatch {
		select {
		case req, ok := <-s.queue:
			if !ok {
				return
			}
			*batch = append(*batch, req)
		default:
			return
		}
	}
}

const (
	spNone  = iota // no savepoint established
	spClean        // savepoint established, nothing done under it
	spDirty        // savepoint established, one successful fn (pending) under it
)

// runBatch executes one batch in one transaction and replies to every
// request in it.
func (s *Store) runBatch(batch []*request) {
	// Requests rolled back because of a lock conflict with another
	// transaction are re-run alone once the others have their reply.
	defer s.rerun(batch)
	live := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.settle(err)
		} else {
			live++
		}
	}
	if live == 0 {
		s.reply(batch, nil)
		return
	}
	// The transaction is shared by all callers, so it must not be tied to
	// any one caller's context.
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		s.log.Error("store: begin write transaction", "err", err)
		s.reply(batch, fmt.Errorf("store: begin: %w", err))
		return
	}
	if live == 1 {
		s.runSingle(tx, batch)
		return
	}

	state := spNone
	var pending *request // fn whose success is not yet confirmed (PostgreSQL may have aborted the tx)
	// fatal aborts the whole batch.
	fatal := func(err error) {
		tx.Rollback()
		s.log.Error("store: write transaction aborted", "err", err, "batch", len(batch))
		s.reply(batch, fmt.Errorf("store: write transaction aborted: %w", err))
	}
	// confirm closes the savepoint of pending: a statement error PostgreSQL
	// would not let fn ignore shows up here and is charged to that fn.
	confirm := func(q string) bool {
		if _, err := tx.Exec(q); err != nil {
			if _, err2 := tx.Exec("ROLLBACK TO SAVEPOINT hako_sp"); err2 != nil {
				fatal(err2)
				return false
			}
			if retryable(err) {
				pending.retry = true
			} else {
				pending.settle(fmt.Errorf("store: transaction failed: %w", err))
			}
			pending.after = nil
			pending.notes = nil
		}
		pending = nil
		return true
	}
	for _, r := range batch {
		if r.settled {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			r.settle(err)
			continue
		}
		switch state {
		case spNone:
			if _, err := tx.Exec("SAVEPOINT hako_sp"); err != nil {
				fatal(err)
				return
			}
		case spDirty:
			if !confirm("RELEASE SAVEPOINT hako_sp; SAVEPOINT hako_sp") {
				return
			}
		}
		state = spClean
		t := &Tx{s: s, tx: tx, write: true}
		err := runFn(r.fn, t)
		t.closeRows()
		if err != nil {
			if _, err2 := tx.Exec("ROLLBACK TO SAVEPOINT hako_sp"); err2 != nil {
				// The fn's own error is what its caller wants to see; the
				// others get the transaction error.
				if retryable(err) {
					r.retry = true // nothing of it can commit now
				} else {
					r.settle(err)
				}
				fatal(err2)
				return
			}
			if retryable(err) {
				// A deadlock or serialization failure is caused by the
				// locks other fns of this batch (or other batches) hold
				// until the batch commits, not by fn itself: run it again
				// alone instead of reporting it.
				r.retry = true
			} else {
				r.settle(err)
			}
			continue
		}
		r.after = t.after
		r.notes = t.notes
		pending = r
		state = spDirty
	}
	if state == spDirty {
		if !confirm("RELEASE SAVEPOINT hako_sp") {
			return
		}
	}
	if s.dialect == Postgres {
		var notes []note
		for _, r := range batch {
			if !r.settled && !r.retry {
				notes = append(notes, r.notes...)
			}
		}
		if err := s.sendNotes(tx, notes); err != nil {
			fatal(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		s.log.Error("store: commit", "err", err, "batch", len(batch))
		s.reply(batch, fmt.Errorf("store: commit: %w", err))
		return
	}
	s.reply(batch, nil)
}

// runSingle runs a batch with exactly one live request, without savepoints.
func (s *Store) runSingle(tx *sql.Tx, batch []*request) {
	for _, r := range batch {
		if r.settled {
			continue
		}
		if err := s.runOne(tx, r); err != nil {
			if retryable(err) {
				r.retry = true
			} else {
				r.settle(err)
			}
		}
		break
	}
	s.reply(batch, nil)
}

// runOne runs r alone in tx and commits, or rolls back and returns the
// error. On success r.after and r.notes are set.
func (s *Store) runOne(tx *sql.Tx, r *request) error {
	t := &Tx{s: s, tx: tx, write: true}
	err := runFn(r.fn, t)
	t.closeRows()
	if err == nil {
		if err = s.sendNotes(tx, t.notes); err != nil {
			err = fmt.Errorf("store: notify: %w", err)
		}
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		s.log.Error("store: commit", "err", err, "batch", 1)
		return fmt.Errorf("store: commit: %w", err)
	}
	r.after = t.after
	r.notes = t.notes
	return nil
}

// maxRetries is how many times rerun runs a request alone after a lock
// conflict before reporting the conflict to its caller.
const maxRetries = 5

// rerun runs each request of batch marked retry alone, in its own
// transaction, retrying lock conflicts a few times with a small backoff,
// and replies to it. Whatever the failed attempt did was rolled back (to
// its savepoint, or with the whole transaction), and its AfterCommit
// callbacks and notifications were dropped, so it cannot take effect twice.
func (s *Store) rerun(batch []*request) {
	for _, r := range batch {
		if !r.retry {
			continue
		}
		r.retry = false
		r.after, r.notes = nil, nil
		var err error
		for attempt := 1; ; attempt++ {
			if attempt > 1 {
				time.Sleep(time.Duration(attempt) * time.Millisecond * time.Duration(1+rand.IntN(4)))
			}
			var tx *sql.Tx
			tx, err = s.w.BeginTx(context.Background(), nil)
			if err != nil {
				err = fmt.Errorf("store: begin: %w", err)
				break
			}
			err = s.runOne(tx, r)
			if err == nil || !retryable(err) || attempt >= maxRetries || r.ctx.Err() != nil {
				break
			}
			s.log.Debug("store: lock conflict, retrying alone", "err", err, "attempt", attempt)
		}
		if err != nil {
			r.after, r.notes = nil, nil
		}
		r.done <- err
	}
}

// retryable reports whether err is a PostgreSQL lock conflict that a later
// attempt of the same transaction may not meet: a deadlock, a serialization
// failure or a lock not available.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40P01", "40001", "55P03":
		return true
	}
	return false
}

func (r *request) settle(err error) {
	r.settled = true
	r.err = err
}

// reply sends every request its outcome (except those marked retry, which
// rerun replies to): its own settled error, or else
// err (nil when the batch committed).
func (s *Store) reply(batch []*request, err error) {
	for _, r := range batch {
		switch {
		case r.retry:
			// replied to by rerun
		case r.settled:
			r.done <- r.err
		case err != nil:
			r.after = nil
			r.notes = nil
			r.done <- err
		default:
			r.done <- nil
		}
	}
}

// runFn calls fn, converting a panic into an error.
func runFn(fn func(tx *Tx) error, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: panic in transaction function: %v\n%s", p, debug.Stack())
			t.s.log.Error("store: panic in transaction function", "panic", fmt.Sprint(p))
		}
	}()
	return fn(t)
}
