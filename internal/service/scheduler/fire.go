package scheduler

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/store"
)

// Firing.
//
// Each enabled schedule row holds next_fire, the time of its next
// firing. The loop claims the due rows in one transaction that, per row,
// moves next_fire past the firings it records (or marks the schedule done,
// or deletes it for ActionAfterCompletion DELETE) with a conditional
// UPDATE on (next_fire, version), and enqueues one outbox delivery per
// firing. The deliveries exist if and only if the row moved, so a crash
// or a restart neither loses nor repeats a firing, and two nodes sharing a
// PostgreSQL store never record the same firing twice (the loser's UPDATE
// matches no row and it enqueues nothing).
//
// Firings that fell due while hako was down are recorded when it comes
// back, each dated its scheduled time: those younger than the target's
// MaximumEventAgeInSeconds are delivered, older ones go to the
// dead-letter queue, or are dropped (logged) without one.

const (
	// claimBatch bounds the schedules of one claim transaction and
	// firingsBatch the firings recorded per schedule in it; a backlog
	// continues in the next pass.
	claimBatch   = 64
	firingsBatch = 100
)

func (s *Service) run() {
	for {
		next, err := s.fireDue()
		if s.ctx.Err() != nil {
			return
		}
		if err != nil {
			// The store failed (it is closing, PostgreSQL is away): try
			// again in a second of real time, whatever the service clock.
			s.log.Warn("scheduler firing pass failed", "err", err)
			retry := time.NewTimer(time.Second)
			select {
			case <-s.ctx.Done():
			case <-retry.C:
			}
			retry.Stop()
			continue
		}
		var t clock.Timer
		switch {
		case next >= 0 && next <= s.clk.Now().UnixMilli():
			continue // more due (a backlog)
		case next >= 0:
			t = clock.TimerAt(s.clk, time.UnixMilli(next))
		default:
			t = s.clk.NewTimer(time.Hour)
		}
		select {
		case <-s.ctx.Done():
		case <-s.wake:
		case <-t.C():
		}
		t.Stop()
	}
}

// fireDue records the due firings and returns when the next one is due
// (Unix ms; -1: nothing planned).
func (s *Service) fireDue() (int64, error) {
	ctx := s.ctx
	now := s.clk.Now().UnixMilli()
	var earliest sql.NullInt64
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT MIN(next_fire) FROM scheduler_schedules WHERE next_fire >= 0").Scan(&earliest)
	}); err != nil {
		return -1, err
	}
	if !earliest.Valid {
		return -1, nil
	}
	if earliest.Int64 > now {
		return earliest.Int64, nil
	}
	var pending []func() // log lines, after the commit
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		pending = pending[:0]
		rows, err := tx.Query(ctx, "SELECT "+schedCols+" FROM scheduler_schedules WHERE next_fire >= 0 AND next_fire <= ? ORDER BY next_fire LIMIT ?",
			now, claimBatch)
		if err != nil {
			return err
		}
		var due []*schedRow
		for rows.Next() {
			r, err := scanSched(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, r)
		}
		rows.Close()
		for _, r := range due {
			logs, err := s.fire(ctx, tx, r, now)
			if err != nil {
				return err
			}
			pending = append(pending, logs...)
		}
		return nil
	})
	if err != nil {
		return -1, err
	}
	for _, f := range pending {
		f()
	}
	var next sql.NullInt64
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT MIN(next_fire) FROM scheduler_schedules WHERE next_fire >= 0").Scan(&next)
	}); err != nil {
		return -1, err
	}
	if !next.Valid {
		return -1, nil
	}
	return next.Int64, nil
}

// fire records the due firings of r (up to firingsBatch) and advances it,
// in tx. It returns the log lines to write once committed.
func (s *Service) fire(ctx context.Context, tx *store.Tx, r *schedRow, now int64) ([]func(), error) {
	p, err := newPlan(&r.spec, r.created)
	if err != nil {
		// Stored specs were validated; an expression the engine no longer
		// takes stops the schedule rather than the loop.
		s.log.Warn("scheduler cannot plan schedule", "schedule", r.arn(), "err", err)
		_, err := tx.Exec(ctx, "UPDATE scheduler_schedules SET next_fire = -1 WHERE account = ? AND region = ? AND group_name = ? AND name = ? AND version = ?",
			r.sc.account, r.sc.region, r.group, r.name, r.version)
		return nil, err
	}
	var logs []func()
	maxAge := int64(*r.spec.Target.RetryPolicy.MaximumEventAgeInSeconds) * 1000
	hasDLQ := r.spec.Target.DeadLetterConfig != nil && r.spec.Target.DeadLetterConfig.Arn != nil
	var ds []events.Delivery
	t := r.nextFire
	if !hasDLQ && now-t > maxAge {
		// Too old to deliver and nowhere to put them: skip to the first
		// firing young enough.
		first, skipTo := t, p.from(now-maxAge)
		logs = append(logs, func() {
			s.log.Warn("scheduler dropped firings older than the maximum event age", "schedule", r.arn(),
				"from", time.UnixMilli(first).UTC(), "before", time.UnixMilli(skipTo).UTC())
		})
		t = skipTo
	}
	for n := 0; t >= 0 && t <= now && n < firingsBatch; n++ {
		f := newFiring(r, t)
		if now-t > maxAge {
			d := f.deadLetter(f.delivery().Payload, map[string]string{
				attrAttempt: "0", attrError: "The event was not delivered: hako was not running at its scheduled time and the event is older than MaximumEventAgeInSeconds.",
			})
			ds = append(ds, d)
		} else {
			d := f.delivery()
			if w := r.spec.Flexible.MaximumWindowInMinutes; w != nil && deref(r.spec.Flexible.Mode) == "FLEXIBLE" {
				// A random moment of the window after the scheduled time.
				at := t + rand.Int64N(int64(*w)*60_000)
				if at > now {
					d.Delay = time.Duration(at-now) * time.Millisecond
				}
			}
			ds = append(ds, d)
		}
		t = p.after(t)
	}
	where := " WHERE account = ? AND region = ? AND group_name = ? AND name = ? AND next_fire = ? AND version = ?"
	key := []any{r.sc.account, r.sc.region, r.group, r.name, r.nextFire, r.version}
	var res sql.Result
	switch {
	case t < 0 && r.spec.ActionAfterCompletion == "DELETE":
		res, err = tx.Exec(ctx, "DELETE FROM scheduler_schedules"+where, key...)
	default:
		res, err = tx.Exec(ctx, "UPDATE scheduler_schedules SET next_fire = ?"+where, append([]any{t}, key...)...)
	}
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil // changed or claimed by another node meanwhile
	}
	if len(ds) == 0 {
		return logs, nil
	}
	return logs, s.cfg.Events.Enqueue(ctx, tx, ds...)
}
