// Package sns implements Amazon SNS: standard and FIFO topics, subscriptions
// (SQS, Lambda, HTTP/HTTPS with the confirmation flow, email into a local
// outbox), Publish and PublishBatch with filter policies, signed messages,
// delivery retry policies and subscription dead-letter queues. Fan-out goes
// through hako's outbox (internal/events): a Publish writes one delivery per
// matching subscription in the transaction that accepts the message.
package sns

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Events is the outbox; SNS registers the delivery kinds it owns
	// (HTTP/HTTPS endpoints, email) and enqueues "sqs" and "lambda"
	// deliveries that the server handles.
	Events *events.Dispatcher
	// Endpoint returns hako's own URL (SigningCertURL, UnsubscribeURL).
	Endpoint func() string
	// QueueInfo and FunctionExists check subscription endpoints; may be nil.
	QueueInfo      func(ctx context.Context, arn string) (exists, fifo bool, err error)
	FunctionExists func(ctx context.Context, arn string) (bool, error)
}

// Service is the SNS implementation. It is safe for concurrent use.
type Service struct {
	cfg   Config
	st    *store.Store
	clk   clock.Clock
	log   *slog.Logger
	cache cache
	sign  signer
	http  *httpClients // HTTP/HTTPS subscriptions

	unsubscribe func()
	ctx         context.Context // cancelled by Close
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

var _ snsapi.API = (*Service)(nil)

// New runs the migrations, registers the delivery kinds SNS owns and
// starts the sweeper of the FIFO deduplication window.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Events == nil {
		return nil, errors.New("sns: Config.Store and Config.Events are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Endpoint == nil {
		cfg.Endpoint = func() string { return "http://localhost:4566" }
	}
	if err := cfg.Store.Migrate(ctx, "sns", migrations); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, http: newHTTPClient()}
	s.cache.topics = map[string]*topicState{}
	s.sign.st = cfg.Store
	s.unsubscribe = s.st.Subscribe(notifyChannel, s.cache.invalidate)
	cfg.Events.Register(kindHTTP, s.deliverHTTP)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		clock.Every(s.ctx, s.clk, time.Minute, nil, false, s.sweepDedup)
	}()
	return s, nil
}

// Close stops background work.
func (s *Service) Close() error {
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
	s.http.CloseIdleConnections()
	return nil
}

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to SNS's ValidationError (a
// missing MessageAttributeValue.DataType answers "ValidationError: 1
// validation error detected: Value null at ... Member must not be null").
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("ValidationError", model.ValidationMessage(vs)).WithStatus(400)
}
