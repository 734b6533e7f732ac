package eventbridge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/schedule"
	"github.com/hako-dev/hako/internal/store"
)

// Scheduled rules.
//
// Each enabled rule with a ScheduleExpression has a row in eb_schedules
// holding its next firing. The loop claims a due row with a conditional
// UPDATE (next_at = the value it read) in the transaction that enqueues
// the deliveries of the firing and moves next_at past now: the firing is
// recorded exactly when its deliveries are, so a crash or restart neither
// loses nor repeats it, and two nodes never both fire it. Firings missed
// while hako was down are delivered late if they are at most missedWindow
// old (dated at their scheduled time, so the target's maximum event age
// applies); older ones are skipped with a log line.

// missedWindow bounds the age of missed firings still delivered.
const missedWindow = 24 * time.Hour

// maxFiringsPerClaim bounds the firings one claim delivers (a minute rate
// over the missed window is 1440).
const maxFiringsPerClaim = 1500

func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// syncSchedule keeps r's schedule row in step with r after a change (old:
// the rule before it, nil if new). A rule that keeps its expression and
// stays enabled keeps its next firing; otherwise a rate counts from now.
func (s *Service) syncSchedule(ctx context.Context, tx *store.Tx, r, old *ruleRow, expr *schedule.Expr) error {
	arn := r.arn()
	if expr == nil || r.state == stateDisabled {
		_, err := tx.Exec(ctx, "DELETE FROM eb_schedules WHERE rule_arn = ?", arn)
		return err
	}
	if old != nil && old.schedule == r.schedule && old.state != stateDisabled {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM eb_schedules WHERE rule_arn = ?", arn).Scan(&n); err != nil || n > 0 {
			return err
		}
	}
	now := s.clk.Now()
	next, ok := expr.NextFrom(now, now, time.UTC)
	if !ok {
		_, err := tx.Exec(ctx, "DELETE FROM eb_schedules WHERE rule_arn = ?", arn)
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO eb_schedules (rule_arn, account, region, bus, rule, expr, anchor, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (rule_arn) DO UPDATE SET expr = excluded.expr, anchor = excluded.anchor, next_at = excluded.next_at`,
		arn, r.bus.account, r.bus.region, r.bus.name, r.name, r.schedule, now.UnixNano(), next.UnixMilli())
	tx.AfterCommit(s.poke)
	return err
}

// scheduleLoop fires due scheduled rules until Close.
func (s *Service) scheduleLoop() {
	for {
		next, err := s.fireDue(s.ctx)
		if err != nil && s.ctx.Err() == nil {
			s.log.Warn("eventbridge: scheduled rules", "err", err)
		}
		if s.ctx.Err() != nil {
			return
		}
		var t clock.Timer
		if next > 0 {
			t = clock.TimerAt(s.clk, time.UnixMilli(next))
		} else {
			t = s.clk.NewTimer(time.Hour)
		}
		var poll <-chan time.Time
		var pt *time.Timer
		if s.st.Dialect() == store.Postgres || err != nil {
			pt = time.NewTimer(time.Second) // rows other nodes wrote; retry after an error
			poll = pt.C
		}
		select {
		case <-s.ctx.Done():
		case <-s.wake:
		case <-t.C():
		case <-poll:
		}
		t.Stop()
		if pt != nil {
			pt.Stop()
		}
	}
}

type schedRow struct {
	ruleARN, account, region, bus, rule, expr string
	anchor, nextAt                            int64
}

// fireDue fires the due rows and returns when the next one is due (Unix
// ms; 0: none).
func (s *Service) fireDue(ctx context.Context) (int64, error) {
	for {
		now := s.clk.Now()
		var due []schedRow
		var next sql.NullInt64
		err := s.st.View(ctx, func(tx *store.Tx) error {
			q, err := tx.Query(ctx, `SELECT rule_arn, account, region, bus, rule, expr, anchor, next_at FROM eb_schedules
				WHERE next_at <= ? ORDER BY next_at LIMIT 50`, now.UnixMilli())
			if err != nil {
				return err
			}
			defer q.Close()
			for q.Next() {
				var r schedRow
				if err := q.Scan(&r.ruleARN, &r.account, &r.region, &r.bus, &r.rule, &r.expr, &r.anchor, &r.nextAt); err != nil {
					return err
				}
				due = append(due, r)
			}
			if err := q.Err(); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT MIN(next_at) FROM eb_schedules WHERE next_at > ?", now.UnixMilli()).Scan(&next)
		})
		if err != nil {
			return 0, err
		}
		for _, r := range due {
			if err := s.fire(ctx, r, now); err != nil {
				return 0, err
			}
		}
		if len(due) < 50 {
			if len(due) > 0 {
				continue // their new next firings may be the earliest
			}
			return next.Int64, nil
		}
	}
}

// fire delivers the firings of one row due at now and claims them.
func (s *Service) fire(ctx context.Context, r schedRow, now time.Time) error {
	expr, err := schedule.ParseRule(r.expr)
	if err != nil {
		return s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM eb_schedules WHERE rule_arn = ? AND next_at = ?", r.ruleARN, r.nextAt)
			return err
		})
	}
	anchor := time.Unix(0, r.anchor)
	first := time.UnixMilli(r.nextAt)
	// The firings in [first, now], but none older than the missed window.
	var firings []time.Time
	oldest := now.Add(-missedWindow)
	from := first
	if first.Before(oldest) {
		s.log.Warn("eventbridge: skipping scheduled firings older than 24 hours", "rule", r.ruleARN,
			"from", first.UTC().Format(time.RFC3339), "to", oldest.UTC().Format(time.RFC3339))
		from = oldest
		if f, ok := expr.NextFrom(anchor, oldest.Add(-time.Millisecond), time.UTC); ok {
			from = f
		}
	}
	if !from.After(now) {
		firings = append(firings, from)
		for t := range expr.Fires(anchor, from, now, time.UTC) {
			if len(firings) == maxFiringsPerClaim {
				break
			}
			firings = append(firings, t)
		}
	}
	nextAt := int64(0)
	if n, ok := expr.NextFrom(anchor, now, time.UTC); ok {
		nextAt = n.UnixMilli()
	}
	k := busKey{account: r.account, region: r.region, name: r.bus}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		var res sql.Result
		if nextAt == 0 {
			res, err = tx.Exec(ctx, "DELETE FROM eb_schedules WHERE rule_arn = ? AND next_at = ?", r.ruleARN, r.nextAt)
		} else {
			res, err = tx.Exec(ctx, "UPDATE eb_schedules SET next_at = ? WHERE rule_arn = ? AND next_at = ?", nextAt, r.ruleARN, r.nextAt)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // another node fired it
		}
		rule, err := getRule(ctx, tx, k, r.rule)
		if err != nil || rule == nil || rule.state == stateDisabled {
			return err
		}
		ts, err := ruleTargets(ctx, tx, k, r.rule)
		if err != nil || len(ts) == 0 {
			return err
		}
		var plan delivPlan
		for _, f := range firings {
			e := &event{id: uuid.NewString(), detailType: "Scheduled Event", source: "aws.events", account: r.account,
				region: r.region, time: f.UTC().Format(timeFormat), resources: []string{r.ruleARN}, detail: []byte("{}")}
			e.build()
			plan.targets(r.ruleARN, r.rule, ts, e.raw, e.id, now, f)
		}
		return s.write(ctx, tx, &plan)
	})
}

// ruleTargets reads and compiles a rule's targets.
func ruleTargets(ctx context.Context, tx *store.Tx, k busKey, rule string) ([]*target, error) {
	q, err := tx.Query(ctx, "SELECT body FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? ORDER BY seq",
		k.account, k.region, k.name, rule)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	var out []*target
	for q.Next() {
		var body string
		if err := q.Scan(&body); err != nil {
			return nil, err
		}
		var t eventbridgeapi.Target
		if err := json.Unmarshal([]byte(body), &t); err != nil {
			return nil, err
		}
		ct, err := compileTarget(&t)
		if err != nil {
			continue
		}
		out = append(out, ct)
	}
	if err := q.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}
