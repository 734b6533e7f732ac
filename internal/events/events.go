// Package events is hako's outbox: a service that causes an event (an
// object created, a stream record, a message to fan out) writes a delivery
// in the same transaction as the change, and a dispatcher hands the
// deliveries to their targets (functions, queues, topics, ...) with
// retries, deleting each one only after its target accepted it. A crash
// anywhere replays at most the unfinished deliveries: at least once, in
// order per ordering key.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/store"
)

// Delivery is one thing to hand to one target.
type Delivery struct {
	// Kind names the handler (for example "sqs", "lambda", "sns").
	Kind string `json:"kind"`
	// Target is what the handler delivers to, usually an ARN.
	Target string `json:"target"`
	// Payload is the event, as the target receives it.
	Payload []byte `json:"payload"`
	// Attrs carries handler-specific settings (message group id, ...).
	Attrs map[string]string `json:"attrs,omitempty"`
	// OrderKey, when set, makes deliveries with the same key go out one at
	// a time, in the order they were written.
	OrderKey string `json:"orderKey,omitempty"`
	// Retry, when set, replaces the dispatcher's retry policy for this
	// delivery (an SNS subscription's delivery policy, an EventBridge
	// target's RetryPolicy).
	Retry *Retry `json:"retry,omitempty"`
	// DeadLetter, when set, is enqueued in place of this delivery when it is
	// given up (a dead-letter queue), in the same transaction as the
	// removal. The dispatcher adds to its Attrs "deadLetter.error" (the last
	// error's text), "deadLetter.attempts" (tries made) and
	// "deadLetter.reason" ("permanent", "maxAttempts" or "maxAge").
	DeadLetter *Delivery `json:"deadLetter,omitempty"`
	// Delay postpones the first attempt (SNS/EventBridge never need it;
	// schedulers' flexible windows do).
	Delay time.Duration `json:"-"`

	// Set by the dispatcher for handlers. CreatedAt may also be set before
	// Enqueue to date an event older than its enqueueing (a scheduled
	// firing delivered late): retry ages count from it.
	ID        string    `json:"-"`
	Attempt   int       `json:"-"` // 1 for the first try
	CreatedAt time.Time `json:"-"`
}

// Handler delivers d. A nil error means the target accepted it; an error
// wrapped with Permanent gives up at once; any other error retries.
type Handler func(ctx context.Context, d *Delivery) error

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks an error that no retry can fix (the target is gone).
func Permanent(err error) error { return permanent{err} }

// Retry is the retry policy of failed deliveries: exponential backoff from
// Base, capped at Max, until the delivery is older than MaxAge or, when
// MaxAttempts > 0, has been tried MaxAttempts times.
type Retry struct {
	Base        time.Duration `json:"base,omitempty"`
	Max         time.Duration `json:"max,omitempty"`
	MaxAge      time.Duration `json:"maxAge,omitempty"`
	MaxAttempts int           `json:"maxAttempts,omitempty"`
}

// DefaultRetry retries for a day, as AWS's event sources do for
// asynchronous targets.
var DefaultRetry = Retry{Base: time.Second, Max: 5 * time.Minute, MaxAge: 24 * time.Hour}

// Config configures a Dispatcher.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	Retry  Retry
	// Workers bounds the deliveries in flight (default 32).
	Workers int
	// Failed is told about deliveries given up on; may be nil.
	Failed func(d *Delivery, err error)
}

// Dispatcher delivers the outbox.
type Dispatcher struct {
	cfg      Config
	st       *store.Store
	clk      clock.Clock
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[string]Handler
	wake     chan struct{}
	seqMu    sync.Mutex
	lastSeq  int64        // the last seq given: seqs only grow in a process
	queue    chan row     // claimed, waiting for a worker
	outcomes chan outcome // delivered, waiting to be written back
	unsub    func()
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	once     sync.Once
}

var migrations = []store.Migration{{
	Version: 1,
	SQL: `
CREATE TABLE events_outbox (
	id         TEXT   NOT NULL PRIMARY KEY,
	seq        BIGINT NOT NULL,
	kind       TEXT   NOT NULL,
	order_key  TEXT   NOT NULL,
	body       TEXT   NOT NULL,
	attempts   BIGINT NOT NULL,
	due_at     BIGINT NOT NULL,
	lease_at   BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX events_outbox_due ON events_outbox (due_at);
CREATE INDEX events_outbox_order ON events_outbox (order_key, seq);
`,
}}

const notifyChannel = "hako_events"

// New runs the migrations; Start begins dispatching once the handlers are
// registered.
func New(ctx context.Context, cfg Config) (*Dispatcher, error) {
	if cfg.Store == nil {
		return nil, errors.New("events: Config.Store is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Retry == (Retry{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
	}
	if err := cfg.Store.Migrate(ctx, "events", migrations); err != nil {
		return nil, err
	}
	d := &Dispatcher{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, handlers: map[string]Handler{},
		wake: make(chan struct{}, 1), queue: make(chan row, 2*cfg.Workers), outcomes: make(chan outcome, 2*cfg.Workers)}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	err := cfg.Store.View(ctx, func(tx *store.Tx) error {
		var n sql.NullInt64
		err := tx.QueryRow(ctx, "SELECT MAX(seq) FROM events_outbox").Scan(&n)
		d.lastSeq = n.Int64
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Register sets the handler of a kind of delivery.
func (d *Dispatcher) Register(kind string, h Handler) {
	d.mu.Lock()
	d.handlers[kind] = h
	d.mu.Unlock()
	d.poke()
}

// Start begins dispatching.
func (d *Dispatcher) Start() {
	if d.st.Dialect() == store.Postgres {
		d.unsub = d.st.Subscribe(notifyChannel, func(string) { d.poke() })
	} else {
		// One node owns the data: leases of a previous process are void.
		d.st.Update(d.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(d.ctx, "UPDATE events_outbox SET lease_at = 0")
			return err
		})
	}
	d.wg.Add(2 + d.cfg.Workers)
	go func() { defer d.wg.Done(); d.run() }()
	go func() { defer d.wg.Done(); d.finisher() }()
	for range d.cfg.Workers {
		go func() { defer d.wg.Done(); d.worker() }()
	}
}

// Close stops dispatching; deliveries in flight finish first.
func (d *Dispatcher) Close() error {
	d.once.Do(func() {
		if d.unsub != nil {
			d.unsub()
		}
		d.cancel()
		d.wg.Wait()
	})
	return nil
}

func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Enqueue writes deliveries in the caller's transaction: they exist if and
// only if the transaction commits.
func (d *Dispatcher) Enqueue(ctx context.Context, tx *store.Tx, ds ...Delivery) error {
	now := d.clk.Now().UnixNano()
	// seq orders the deliveries of one key: the clock, but never below a
	// seq already given (two transactions in the same nanosecond, a clock
	// stepped back), so that deliveries written later sort later.
	d.seqMu.Lock()
	first := max(now, d.lastSeq+1)
	d.lastSeq = first + int64(len(ds)) - 1
	d.seqMu.Unlock()
	for i, del := range ds {
		body, err := json.Marshal(del)
		if err != nil {
			return err
		}
		due := now/1e6 + del.Delay.Milliseconds()
		created := due
		if !del.CreatedAt.IsZero() {
			created = del.CreatedAt.UnixMilli()
		}
		if _, err := tx.Exec(ctx, `INSERT INTO events_outbox (id, seq, kind, order_key, body, attempts, due_at, lease_at, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?)`, uuid.NewString(), first+int64(i), del.Kind, del.OrderKey, string(body), due, created); err != nil {
			return err
		}
	}
	if len(ds) > 0 {
		tx.AfterCommit(d.poke)
		if d.st.Dialect() == store.Postgres {
			tx.Notify(notifyChannel, "new")
		}
	}
	return nil
}

// Pending reports how many deliveries are not done (for health and tests).
func (d *Dispatcher) Pending(ctx context.Context) (int, error) {
	var n int
	err := d.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM events_outbox").Scan(&n)
	})
	return n, err
}

type row struct {
	id        string
	attempts  int
	createdAt int64
	del       Delivery
}

// outcome is what became of a delivered row, written back by the finisher.
type outcome struct {
	id      string
	attempt int       // attempts made so far
	retryAt int64     // > 0: try again then (ms)
	dead    *Delivery // given up: its dead letter, if any
}

// The dispatcher's pipeline: run claims due rows in bulk (leasing them)
// into queue; Workers goroutines deliver them; the finisher writes the
// outcomes (delete, dead letter, retry time) back in batches, one
// transaction per batch. A crash between a delivery and its write-back
// delivers it again after the lease: at least once.

func (d *Dispatcher) run() {
	for {
		next, err := d.claim()
		if err != nil && d.ctx.Err() == nil {
			d.log.Warn("outbox claim failed", "err", err)
		}
		if d.ctx.Err() != nil {
			return
		}
		var t clock.Timer
		if next > 0 {
			t = clock.TimerAt(d.clk, time.UnixMilli(next))
		} else {
			t = d.clk.NewTimer(time.Hour)
		}
		poll := time.NewTimer(time.Second) // rows other nodes wrote
		select {
		case <-d.ctx.Done():
		case <-d.wake:
		case <-t.C():
		case <-poll.C:
		}
		t.Stop()
		poll.Stop()
	}
}

// claim leases the due deliveries (for ordered keys, only the oldest of
// each key) that fit in the queue and queues them. It returns when the
// next one is due (0: none).
func (d *Dispatcher) claim() (int64, error) {
	ctx := d.ctx
	now := d.clk.Now().UnixMilli()
	free := cap(d.queue) - len(d.queue)
	if free == 0 {
		return 0, nil
	}
	d.mu.RLock()
	kinds := len(d.handlers)
	d.mu.RUnlock()
	if kinds == 0 {
		return 0, nil
	}
	var rows []row
	var next int64
	err := d.st.Update(ctx, func(tx *store.Tx) error {
		rows = rows[:0]
		q, err := tx.Query(ctx, `SELECT o.id, o.attempts, o.created_at, o.body FROM events_outbox o
			WHERE o.due_at <= ? AND o.lease_at <= ?
			  AND (o.order_key = '' OR NOT EXISTS (SELECT 1 FROM events_outbox p WHERE p.order_key = o.order_key AND p.seq < o.seq))
			ORDER BY o.due_at, o.seq LIMIT ?`, now, now, free)
		if err != nil {
			return err
		}
		for q.Next() {
			var r row
			var body string
			if err := q.Scan(&r.id, &r.attempts, &r.createdAt, &body); err != nil {
				q.Close()
				return err
			}
			if err := json.Unmarshal([]byte(body), &r.del); err != nil {
				q.Close()
				return fmt.Errorf("outbox row %s: %w", r.id, err)
			}
			rows = append(rows, r)
		}
		q.Close()
		claimed := rows[:0]
		for _, r := range rows {
			res, err := tx.Exec(ctx, "UPDATE events_outbox SET lease_at = ? WHERE id = ? AND lease_at <= ?", now+leaseFor.Milliseconds(), r.id, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				claimed = append(claimed, r)
			}
		}
		rows = claimed
		var n sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT MIN(due_at) FROM events_outbox WHERE due_at > ?", now).Scan(&n); err != nil {
			return err
		}
		next = n.Int64
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		d.queue <- r // fits: only run fills the queue, and it had room
	}
	if len(rows) == free {
		d.poke() // there may be more
	}
	return next, nil
}

// leaseFor is how long a claimed delivery is hidden from other dispatchers.
const leaseFor = 5 * time.Minute

// worker delivers queued rows until the dispatcher closes.
func (d *Dispatcher) worker() {
	for {
		select {
		case <-d.ctx.Done():
			return
		case r := <-d.queue:
			if o, ok := d.deliver(r); ok {
				d.outcomes <- o
			}
		}
	}
}

// deliver hands r to its handler and says what to write back (false:
// shutting down, the lease expires and it runs again).
func (d *Dispatcher) deliver(r row) (outcome, bool) {
	ctx := d.ctx
	d.mu.RLock()
	h := d.handlers[r.del.Kind]
	d.mu.RUnlock()
	del := r.del
	del.ID, del.Attempt, del.CreatedAt = r.id, r.attempts+1, time.UnixMilli(r.createdAt)
	var err error
	if h == nil {
		err = Permanent(fmt.Errorf("no handler for %q deliveries", del.Kind))
	} else {
		err = h(ctx, &del)
	}
	if err != nil && ctx.Err() != nil {
		return outcome{}, false
	}
	o := outcome{id: r.id, attempt: del.Attempt}
	if err == nil {
		return o, true
	}
	now := d.clk.Now()
	pol := d.cfg.Retry
	if del.Retry != nil {
		pol = *del.Retry
		if pol.Base <= 0 {
			pol.Base = d.cfg.Retry.Base
		}
		if pol.Max <= 0 {
			pol.Max = d.cfg.Retry.Max
		}
		if pol.MaxAge <= 0 {
			pol.MaxAge = d.cfg.Retry.MaxAge
		}
	}
	var p permanent
	reason := ""
	switch {
	case errors.As(err, &p):
		reason = "permanent"
	case pol.MaxAttempts > 0 && del.Attempt >= pol.MaxAttempts:
		reason = "maxAttempts"
	case now.Sub(del.CreatedAt) >= pol.MaxAge:
		reason = "maxAge"
	}
	if reason == "" {
		delay := pol.Base << min(r.attempts, 30)
		if delay > pol.Max || delay <= 0 {
			delay = pol.Max
		}
		o.retryAt = now.Add(delay).UnixMilli()
		return o, true
	}
	d.log.Warn("delivery given up", "kind", del.Kind, "target", del.Target, "attempts", del.Attempt, "reason", reason, "err", err)
	if d.cfg.Failed != nil {
		d.cfg.Failed(&del, err)
	}
	if del.DeadLetter != nil {
		cp := *del.DeadLetter
		cp.Attrs = make(map[string]string, len(del.DeadLetter.Attrs)+3)
		for k, v := range del.DeadLetter.Attrs {
			cp.Attrs[k] = v
		}
		cp.Attrs["deadLetter.error"] = err.Error()
		cp.Attrs["deadLetter.attempts"] = strconv.Itoa(del.Attempt)
		cp.Attrs["deadLetter.reason"] = reason
		o.dead = &cp
	}
	return o, true
}

// finisher writes outcomes back in batches until the dispatcher closes,
// then writes what is left.
func (d *Dispatcher) finisher() {
	var batch []outcome
	for {
		select {
		case o := <-d.outcomes:
			batch = append(batch, o)
		case <-d.ctx.Done():
			for {
				select {
				case o := <-d.outcomes:
					batch = append(batch, o)
					continue
				default:
				}
				break
			}
			d.writeBack(batch)
			return
		}
		// Take what else is ready: one transaction for all of it.
	more:
		for len(batch) < 256 {
			select {
			case o := <-d.outcomes:
				batch = append(batch, o)
			default:
				break more
			}
		}
		d.writeBack(batch)
		batch = batch[:0]
		d.poke() // ordered keys may have a next delivery now
	}
}

// writeBack deletes the done deliveries (enqueueing their dead letters)
// and reschedules the failed ones, in one transaction.
func (d *Dispatcher) writeBack(batch []outcome) {
	if len(batch) == 0 {
		return
	}
	ctx := context.WithoutCancel(d.ctx)
	err := d.st.Update(ctx, func(tx *store.Tx) error {
		for _, o := range batch {
			if o.retryAt > 0 {
				if _, err := tx.Exec(ctx, "UPDATE events_outbox SET attempts = ?, due_at = ?, lease_at = 0 WHERE id = ?", o.attempt, o.retryAt, o.id); err != nil {
					return err
				}
				continue
			}
			res, err := tx.Exec(ctx, "DELETE FROM events_outbox WHERE id = ?", o.id)
			if err != nil {
				return err
			}
			if o.dead == nil {
				continue
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // another node finished it
			}
			if err := d.Enqueue(ctx, tx, *o.dead); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		d.log.Warn("outbox write-back failed", "deliveries", len(batch), "err", err)
	}
}
