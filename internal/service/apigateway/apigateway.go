// Package apigateway implements Amazon API Gateway v2: the apigatewayv2
// control plane for HTTP and WebSocket APIs (APIs, routes, integrations,
// stages, deployments, authorizers), the HTTP API data plane (route
// matching, Lambda proxy and HTTP proxy integrations, authorizers, CORS),
// the WebSocket data plane with the @connections management API, OpenAPI
// import and export of HTTP APIs, and custom domain names with API
// mappings.
package apigateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Endpoint returns hako's own URL (for the APIs' invoke URLs).
	Endpoint func() string
	// Invoke runs a Lambda function synchronously (proxy integrations,
	// Lambda authorizers): the function's response payload, its error type
	// ("" on success; then payload is the error JSON), or an error when it
	// could not run (no such function, throttled, ...).
	Invoke func(ctx context.Context, account, region, function string, payload []byte) (out []byte, functionError string, err error)
	// Queues and Bus serve AWS service integrations (SQS-SendMessage, ...,
	// EventBridge-PutEvents); call them with a ctx carrying reqinfo.Info
	// for the API's account and region. May be nil.
	Queues sqsapi.API
	Bus    eventbridgeapi.API
	// VerifyIAM checks the SigV4 signature of a request to an AWS_IAM
	// route (body is its payload; nil for a WebSocket handshake) and
	// returns the caller's account and access key; nil accepts any signed
	// request.
	VerifyIAM func(r *http.Request, body []byte) (account, accessKey string, err error)
	// Logs appends lines to a CloudWatch Logs stream (stage access logs),
	// creating the stream when missing; nil logs them through Logger only.
	Logs func(ctx context.Context, account, region, group, stream string, lines []LogLine) error
}

// Service is the API Gateway implementation.
type Service struct {
	cfg Config
	st  *store.Store
	clk clock.Clock
	log *slog.Logger

	node      string // this node's id in apigw_connections
	lastSeq   atomic.Int64
	cache     apiCache
	domains   domainCache
	ws        *hub
	authCache authCache
	jwks      *jwksCache
	limits    limiters
	http      *http.Client // HTTP_PROXY integrations
	unsub     func()
	ctx       context.Context // cancelled by Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	// accessLogs queues access log lines for CloudWatch Logs.
	accessLogs chan accessEntry
}

var _ apigatewayv2api.API = (*Service)(nil)

// New runs the migrations and returns the service.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("apigateway: Config.Store is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Store.Migrate(ctx, "apigateway", migrations); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, node: newID(16)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.ws = newHub(s)
	s.jwks = newJWKSCache(s.clk)
	s.http = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	s.unsub = s.st.Subscribe(notifyChannel, s.invalidate)
	s.accessLogs = make(chan accessEntry, accessLogQueue)
	s.wg.Add(2)
	go s.ws.sweep(s.ctx)
	go s.accessLogger()
	return s, nil
}

// invalidate drops what a store notification says changed: an API
// (payload its id), the domain names (domainsNotice), or everything ("").
func (s *Service) invalidate(payload string) {
	switch payload {
	case domainsNotice:
		s.domains.invalidate()
	case "":
		s.domains.invalidate()
		s.cache.invalidate("")
	default:
		s.cache.invalidate(payload)
	}
}

// seq returns an increasing number for the creation order of items.
func (s *Service) seq() int64 {
	for {
		old := s.lastSeq.Load()
		n := max(s.clk.Now().UnixMicro(), old+1)
		if s.lastSeq.CompareAndSwap(old, n) {
			return n
		}
	}
}

// Close stops background work and closes WebSocket connections (going
// away, as when AWS replaces a node).
func (s *Service) Close() error {
	if s.unsub != nil {
		s.unsub()
	}
	s.ws.closeAll()
	s.cancel()
	s.wg.Wait()
	return nil
}

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to BadRequestException.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("BadRequestException", model.ValidationMessage(vs)).WithStatus(400)
}
