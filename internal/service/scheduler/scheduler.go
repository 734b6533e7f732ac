// Package scheduler implements Amazon EventBridge Scheduler: schedule
// groups and schedules with at, rate and cron expressions in any time zone,
// start and end dates, flexible time windows, retry policies, dead-letter
// queues, action after completion and templated targets (Lambda, SQS, SNS,
// EventBridge). Firing is durable: each due firing is recorded, as outbox
// deliveries (internal/events), in the transaction that advances the
// schedule, so a restart neither loses nor repeats one.
package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Events is the outbox. Targets are delivered as "sqs", "lambda",
	// "sns" and "events" deliveries, which the server handles.
	Events *events.Dispatcher
}

// Service is the Scheduler implementation.
type Service struct {
	cfg Config
	st  *store.Store
	clk clock.Clock
	log *slog.Logger

	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	unsub  func()
	start  sync.Once
	stop   sync.Once
}

var _ schedulerapi.API = (*Service)(nil)

// New runs the migrations and returns the service; Start begins firing.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Events == nil {
		return nil, errors.New("scheduler: Config.Store and Config.Events are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Store.Migrate(ctx, "scheduler", migrations); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, wake: make(chan struct{}, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	cfg.Events.Register(kindUnsupported, deliverUnsupported)
	return s, nil
}

// Start begins firing schedules.
func (s *Service) Start() {
	s.start.Do(func() {
		if s.st.Dialect() == store.Postgres {
			// Other nodes' schedule changes move the next firing time.
			s.unsub = s.st.Subscribe(notifyChannel, func(string) { s.poke() })
		}
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.run() }()
	})
}

// Close stops firing; a firing pass in progress finishes first.
func (s *Service) Close() error {
	s.stop.Do(func() {
		if s.unsub != nil {
			s.unsub()
		}
		s.cancel()
		s.wg.Wait()
	})
	return nil
}

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to ValidationException.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("ValidationException", model.ValidationMessage(vs)).WithStatus(400)
}

// poke wakes the firing loop (a schedule was created or changed).
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// notifyChannel carries "a schedule changed" between nodes sharing a
// PostgreSQL store.
const notifyChannel = "hako_scheduler"

// changed makes the firing loops of this node (after the commit) and of
// the other nodes look at the schedules again.
func (s *Service) changed(tx *store.Tx) {
	tx.AfterCommit(s.poke)
	if tx.Dialect() == store.Postgres {
		tx.Notify(notifyChannel, "changed")
	}
}

var migrations = []store.Migration{{
	Version: 1,
	SQL: `
CREATE TABLE scheduler_groups (
	account      TEXT   NOT NULL,
	region       TEXT   NOT NULL,
	name         TEXT   NOT NULL,
	client_token TEXT   NOT NULL,
	tags         TEXT   NOT NULL,
	created_at   BIGINT NOT NULL,
	modified_at  BIGINT NOT NULL,
	PRIMARY KEY (account, region, name)
);
CREATE TABLE scheduler_schedules (
	account      TEXT   NOT NULL,
	region       TEXT   NOT NULL,
	group_name   TEXT   NOT NULL,
	name         TEXT   NOT NULL,
	state        TEXT   NOT NULL,
	target_arn   TEXT   NOT NULL,
	spec         TEXT   NOT NULL,
	client_token TEXT   NOT NULL,
	created_at   BIGINT NOT NULL,
	modified_at  BIGINT NOT NULL,
	next_fire    BIGINT NOT NULL,
	version      BIGINT NOT NULL,
	PRIMARY KEY (account, region, group_name, name)
);
CREATE INDEX scheduler_schedules_due ON scheduler_schedules (next_fire);
`,
}}
