// Package eventbridge implements Amazon EventBridge: event buses, PutEvents,
// rules with event patterns (internal/pattern) or schedule expressions
// (internal/schedule), targets with Input, InputPath and InputTransformer,
// retry policies and dead-letter queues, archives and replays. A PutEvents
// writes one outbox delivery (internal/events) per matched target in the
// transaction that accepts the events; scheduled rules fire from a durable
// loop that records each firing before its targets are called.
//
// All state is in the store. Each bus's enabled rules are compiled once and
// cached in memory (dropped on every change, and on other nodes through
// Tx.Notify); the store stays the source of truth.
package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"github.com/google/uuid"

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

// Service is the EventBridge implementation. It is safe for concurrent use.
type Service struct {
	cfg   Config
	st    *store.Store
	clk   clock.Clock
	log   *slog.Logger
	out   *events.Dispatcher
	cache *ruleCache

	origin string // random id of this node in cross-node notifications
	unsub  func()

	ctx       context.Context // cancelled by Close; parent of background work
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	wake      chan struct{} // schedule loop
	replayK   chan struct{} // replay runner
	startOnce sync.Once
	closeOnce sync.Once
}

var _ eventbridgeapi.API = (*Service)(nil)

// Delivery kinds this package registers with the outbox.
const (
	// kindDLQ is a target's dead letter: it becomes an "sqs" delivery with
	// the message attributes EventBridge puts on DLQ messages.
	kindDLQ = "eventbridge.dlq"
	// kindUnsupported is a target hako cannot call (Step Functions,
	// Kinesis, API destinations, ...): it fails permanently.
	kindUnsupported = "eventbridge.unsupported"
)

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
	if err := cfg.Store.Migrate(ctx, "eventbridge", migrations); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, out: cfg.Events,
		origin: strings.ReplaceAll(uuid.NewString(), "-", "")[:12],
		wake:   make(chan struct{}, 1), replayK: make(chan struct{}, 1)}
	s.cache = newRuleCache(s)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.out.Register(kindDLQ, s.deliverDLQ)
	s.out.Register(kindUnsupported, deliverUnsupported)
	if s.st.Dialect() == store.Postgres {
		s.unsub = s.st.Subscribe(notifyChannel, s.onNotify)
	}
	return s, nil
}

// Start begins the background work (scheduled rules, replays, archive
// retention).
func (s *Service) Start() {
	s.startOnce.Do(func() {
		s.wg.Add(3)
		go func() { defer s.wg.Done(); s.scheduleLoop() }()
		go func() { defer s.wg.Done(); s.replayLoop() }()
		go func() {
			defer s.wg.Done()
			clock.Every(s.ctx, s.clk, retentionInterval, nil, true, s.sweepArchives)
		}()
	})
}

// Close stops background work. It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		if s.unsub != nil {
			s.unsub()
		}
		s.cancel()
		s.wg.Wait()
	})
	return nil
}

// Health reports the service state.
func (s *Service) Health() string {
	if s.ctx.Err() != nil {
		return "stopped"
	}
	return "running"
}

// ValidationError maps model violations to ValidationException, in AWS's
// words: member paths in lower camel case, patterns without anchors.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	out := make([]model.Violation, len(vs))
	for i, v := range vs {
		parts := strings.Split(v.Path, ".")
		for j, p := range parts {
			if p != "" {
				parts[j] = strings.ToLower(p[:1]) + p[1:]
			}
		}
		v.Member = strings.Join(parts, ".")
		if v.Kind == "pattern" {
			v.Detail = strings.TrimSuffix(strings.TrimPrefix(v.Detail, "^"), "$")
		}
		out[i] = v
	}
	return awserr.New("ValidationException", model.ValidationMessage(out)).WithStatus(400)
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
