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
	"net/http"

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

// Service is the SNS implementation.
type Service struct {
	cfg Config
	st  *store.Store
	clk clock.Clock
	log *slog.Logger
}

var _ snsapi.API = (*Service)(nil)

// New runs the migrations and returns the service.
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
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger}
	return s, nil
}

// Close stops background work.
func (s *Service) Close() error { return nil }

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to SNS's InvalidParameter.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("InvalidParameter", "Invalid parameter: "+model.ValidationMessage(vs)).WithStatus(400)
}

// Message is a message another hako service publishes (EventBridge and
// Scheduler targets, Lambda destinations, S3 notifications).
type Message struct {
	Message           string
	Subject           string
	MessageAttributes map[string]snsapi.MessageAttributeValue
	GroupID, DedupID  string // FIFO topics
}

// ErrNoSuchTopic is returned (wrapped) by PublishInternal for an ARN that
// names no topic.
var ErrNoSuchTopic = errors.New("sns: the topic does not exist")

// PublishInternal publishes m to topicARN on behalf of another service, as
// Publish does. It returns ErrNoSuchTopic (wrapped) when the topic is gone
// and an *awserr.Error when SNS refuses the message.
func (s *Service) PublishInternal(ctx context.Context, topicARN string, m Message) error {
	return unsupported("Publish")
}

// TopicExists reports whether arn names an existing topic, and whether it
// is a FIFO topic (for other services' configuration checks).
func (s *Service) TopicExists(ctx context.Context, arn string) (exists, fifo bool, err error) {
	return false, false, nil
}

// HTTPHandler serves what SNS publishes outside its API under /_hako/sns/:
// the signing certificate named by SigningCertURL, and the email outbox.
func (s *Service) HTTPHandler() http.Handler {
	return http.NotFoundHandler()
}
