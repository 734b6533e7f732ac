// Package server wires hako together: it opens the store, builds every
// service, routes requests of every AWS protocol family on one listener
// (the edge), and starts and stops it all.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/model/dynamodbstreamsapi"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/model/stsapi"
	"github.com/hako-dev/hako/internal/protocol/restroute"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/runtime/langs"
	"github.com/hako-dev/hako/internal/service/apigateway"
	"github.com/hako-dev/hako/internal/service/dynamodb"
	"github.com/hako-dev/hako/internal/service/eventbridge"
	"github.com/hako-dev/hako/internal/service/lambda"
	"github.com/hako-dev/hako/internal/service/logs"
	"github.com/hako-dev/hako/internal/service/s3"
	"github.com/hako-dev/hako/internal/service/scheduler"
	"github.com/hako-dev/hako/internal/service/sns"
	"github.com/hako-dev/hako/internal/service/sqs"
	"github.com/hako-dev/hako/internal/service/sts"
	"github.com/hako-dev/hako/internal/store"
)

// Options are the non-configuration dependencies of a server.
type Options struct {
	Clock  clock.Clock  // default: the wall clock
	Logger *slog.Logger // default: discard
}

// Server is one running hako.
type Server struct {
	cfg    config.Config
	clock  clock.Clock
	logger *slog.Logger
	keys   map[string]config.Key
	lock   *os.File
	store  *store.Store
	sqs    *sqs.Service
	logs   *logs.Service
	lambda *lambda.Service
	s3     *s3.Service
	blobs  *blob.Store
	ddb    *dynamodb.Service
	sns    *sns.Service
	eb     *eventbridge.Service
	sched  *scheduler.Service
	apigw  *apigateway.Service
	events *events.Dispatcher
	http   *http.Server
	// python is the host's python3 interpreter, resolved once.
	pythonOnce sync.Once
	python     string
	// endpoint is hako's own URL once it listens (functions call it);
	// endpointSet is closed then.
	endpoint     atomic.Value
	endpointSet  chan struct{}
	endpointOnce sync.Once

	bindings  []*binding
	byTarget  map[string]*binding
	byAction  map[string]*binding
	bySigning map[string]*binding
	// byEndpoint finds a service by the first label of the Host (sqs.localhost).
	byEndpoint map[string]*binding
	// restBindings are tried in order for REST requests without a SigV4 scope.
	restBindings []*binding
}

// New opens the data directory and the store and builds the services.
func New(ctx context.Context, cfg config.Config, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, clock: opts.Clock, logger: opts.Logger, keys: map[string]config.Key{}, endpointSet: make(chan struct{})}
	if s.clock == nil {
		s.clock = clock.Real()
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	for _, k := range cfg.Keys {
		s.keys[k.AccessKeyID] = k
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	lock, err := lockDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s.lock = lock
	st, err := store.Open(ctx, store.Options{Spec: cfg.Store, DataDir: cfg.DataDir, Fsync: cfg.Fsync, Logger: s.logger})
	if err != nil {
		s.lock.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s.store = st
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug)}
	s.sqs, err = sqs.New(ctx, sqs.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "sqs")})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("sqs: %w", err)
	}
	s.logs, err = logs.New(ctx, logs.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "logs")})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("logs: %w", err)
	}
	s.events, err = events.New(ctx, events.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "events")})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("events: %w", err)
	}
	blobs, err := blob.Open(filepath.Join(cfg.DataDir, "s3"), blob.Options{NoSync: !cfg.Fsync, Logger: s.logger.With("service", "s3")})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("s3 blobs: %w", err)
	}
	s.blobs = blobs
	s.s3, err = s3.New(ctx, s3.Config{Store: st, Blobs: blobs, Events: s.events, Clock: s.clock, Logger: s.logger.With("service", "s3")})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("s3: %w", err)
	}
	s.ddb, err = dynamodb.New(ctx, dynamodb.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "dynamodb"),
		CollectionLimit: cfg.DynamoDBCollectionLimit})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("dynamodb: %w", err)
	}
	s.sns, err = sns.New(ctx, sns.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "sns"), Events: s.events,
		Endpoint: s.Endpoint, QueueInfo: s.sqs.QueueInfo,
		// Lambda starts later; the subscription check runs at request time.
		FunctionExists: func(ctx context.Context, arn string) (bool, error) { return s.lambda.FunctionExists(ctx, arn) }})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("sns: %w", err)
	}
	s.eb, err = eventbridge.New(ctx, eventbridge.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "events"), Events: s.events})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("eventbridge: %w", err)
	}
	s.sched, err = scheduler.New(ctx, scheduler.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "scheduler"), Events: s.events})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s.apigw, err = apigateway.New(ctx, apigateway.Config{Store: st, Clock: s.clock, Logger: s.logger.With("service", "apigateway"), Endpoint: s.Endpoint,
		Invoke: func(ctx context.Context, account, region, fn string, payload []byte) ([]byte, string, error) {
			r, _, err := s.lambda.InvokeDirect(ctx, account, region, fn, payload)
			if err != nil {
				return nil, "", err
			}
			return r.Payload, r.ErrorType, nil
		},
		Queues: s.sqs, Bus: s.eb, VerifyIAM: s.verifyIAM,
		Logs: func(ctx context.Context, account, region, group, stream string, lines []apigateway.LogLine) error {
			evs := make([]logs.Event, len(lines))
			for i, l := range lines {
				evs[i] = logs.Event{Time: l.Time, Message: l.Text}
			}
			return s.logs.Append(ctx, account, region, group, stream, evs)
		}})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("apigateway: %w", err)
	}
	if err := langs.Install(s.runtimesDir()); err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("install runtime clients: %w", err)
	}
	stsSvc := sts.New(s.clock, s.logger.With("service", "sts"))
	s.lambda, err = lambda.New(ctx, lambda.Config{
		Store: st, Clock: s.clock, Logger: s.logger.With("service", "lambda"), DataDir: cfg.DataDir,
		Launch:      s.launchRuntime,
		Credentials: s.credentialsFor,
		Endpoint:    s.sandboxEndpoint,
		Queues:      s.sqs,
		Objects:     s.s3,
		Streams:     s.ddb.StreamFeed(),
		Publish: func(ctx context.Context, topic, message string) error {
			return s.sns.PublishInternal(ctx, topic, sns.Message{Message: message})
		},
		PutEvent: func(ctx context.Context, bus, source, detailType string, detail []byte, resources []string) error {
			return s.eb.PutEventInternal(ctx, bus, eventbridge.Event{Source: source, DetailType: detailType, Detail: detail, Resources: resources})
		},
		Logs: logSink{s.logs},
	})
	if err != nil {
		s.Shutdown(context.Background()) // closes what was opened so far
		return nil, fmt.Errorf("lambda: %w", err)
	}

	s.register(&binding{
		model: sqsapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return sqsapi.Dispatch(ctx, s.sqs, op, in)
		},
		validation: s.sqs.ValidationError,
		fixup:      sqsQueueURLFromPath,
		health:     s.sqs.Health,
	})
	s.register(&binding{
		model: stsapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return stsapi.Dispatch(ctx, stsSvc, op, in)
		},
		validation: stsSvc.ValidationError,
		health:     stsSvc.Health,
	})
	s.register(&binding{
		model: logsapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return logsapi.Dispatch(ctx, s.logs, op, in)
		},
		validation: s.logs.ValidationError,
		health:     s.logs.Health,
	})
	s.register(&binding{
		model: lambdaapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return lambdaapi.Dispatch(ctx, s.lambda, op, in)
		},
		validation: s.lambda.ValidationError,
		health:     s.lambda.Health,
		maxBody:    lambdaMaxBody,
	})
	s.register(&binding{
		model: dynamodbapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return dynamodbapi.Dispatch(ctx, s.ddb, op, in)
		},
		validation: s.ddb.ValidationError,
		health:     s.ddb.Health,
	})
	s.register(&binding{
		model: dynamodbstreamsapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return dynamodbstreamsapi.Dispatch(ctx, s.ddb.Streams(), op, in)
		},
		validation: s.ddb.ValidationError,
		health:     s.ddb.Health,
	})
	s.register(&binding{
		model: snsapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return snsapi.Dispatch(ctx, s.sns, op, in)
		},
		validation: s.sns.ValidationError,
		health:     s.sns.Health,
	})
	s.register(&binding{
		model: eventbridgeapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return eventbridgeapi.Dispatch(ctx, s.eb, op, in)
		},
		validation: s.eb.ValidationError,
		health:     s.eb.Health,
	})
	s.register(&binding{
		model: schedulerapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return schedulerapi.Dispatch(ctx, s.sched, op, in)
		},
		validation: s.sched.ValidationError,
		health:     s.sched.Health,
	})
	s.register(&binding{
		model: apigatewayv2api.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			return apigatewayv2api.Dispatch(ctx, s.apigw, op, in)
		},
		validation: s.apigw.ValidationError,
		health:     s.apigw.Health,
	})
	// S3 last: its routes catch every path.
	s.register(&binding{
		model: s3api.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			if err := s.s3.CheckExpectedOwner(ctx, in); err != nil {
				return nil, err
			}
			return s3api.Dispatch(ctx, s.s3, op, in)
		},
		validation: s.s3.ValidationError,
		health:     s.s3.Health,
	})
	s.registerEventHandlers()
	s.events.Start()
	s.eb.Start()
	s.sched.Start()
	return s, nil
}

// logSink writes function output into CloudWatch Logs.
type logSink struct{ logs *logs.Service }

func (l logSink) Append(ctx context.Context, account, region, group, stream string, lines []runtime.LogLine) error {
	events := make([]logs.Event, len(lines))
	for i, ln := range lines {
		events[i] = logs.Event{Time: ln.Time, Message: ln.Text}
	}
	return l.logs.Append(ctx, account, region, group, stream, events)
}

// lambdaMaxBody is the largest Lambda request: a CreateFunction with a
// 50 MB package, base64 in JSON.
const lambdaMaxBody = 70167211

// Endpoint returns hako's URL, as functions reach it.
func (s *Server) Endpoint() string {
	if v, ok := s.endpoint.Load().(string); ok {
		return v
	}
	return ""
}

// sandboxEndpoint is Endpoint for function sandboxes: asynchronous
// invocations recovered at start can launch one before Serve is called,
// and a sandbox started without AWS_ENDPOINT_URL stays warm without it; so
// it waits (a bounded time) for the listener.
func (s *Server) sandboxEndpoint() string {
	select {
	case <-s.endpointSet:
	case <-time.After(30 * time.Second):
	}
	return s.Endpoint()
}

// credentialsFor returns the access key functions of account run with.
func (s *Server) credentialsFor(account string) (string, string) {
	for _, k := range s.cfg.Keys {
		if k.Account == account {
			return k.AccessKeyID, k.Secret
		}
	}
	return account, "test"
}

// launchRuntime returns the command of an interpreted runtime's client.
func (s *Server) launchRuntime(runtime string) ([]string, error) {
	if !langs.Supported(runtime) {
		return nil, fmt.Errorf("hako cannot run %s functions: it runs provided.al2023, provided.al2, nodejs and python3 functions", runtime)
	}
	argv, err := langs.Command(runtime, s.runtimesDir())
	if err != nil || !strings.HasPrefix(runtime, "python") {
		return argv, err
	}
	// Version managers (pyenv) put a shell shim first on PATH that costs
	// ~100 ms per start: run the interpreter it resolves to.
	s.pythonOnce.Do(func() {
		out, err := exec.Command(argv[0], "-c", "import sys; print(sys.executable)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && p != "" {
			s.python = p
		}
	})
	if s.python != "" {
		argv = append([]string{s.python}, argv[1:]...)
	}
	return argv, nil
}

// runtimesDir holds the embedded runtime clients, installed at start.
func (s *Server) runtimesDir() string { return filepath.Join(s.cfg.DataDir, "runtimes") }

func (s *Server) register(b *binding) {
	if s.byTarget == nil {
		s.byTarget, s.byAction, s.bySigning, s.byEndpoint = map[string]*binding{}, map[string]*binding{}, map[string]*binding{}, map[string]*binding{}
	}
	m := b.model
	if m.Name == "sqs" && m.XMLNamespace == "" {
		// SQS speaks JSON today but older clients still use the query protocol.
		cp := *m
		cp.XMLNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"
		b.model = &cp
		m = b.model
	}
	s.bindings = append(s.bindings, b)
	switch m.Protocol {
	case model.AwsJSON10, model.AwsJSON11:
		s.byTarget[m.ShapeName] = b
	}
	if m.Protocol == model.AwsQuery || m.QueryCompatible {
		for op := range m.Operations {
			if _, taken := s.byAction[op]; !taken {
				s.byAction[op] = b
			}
		}
	}
	s.bySigning[m.SigningName] = b
	s.byEndpoint[m.EndpointPrefix] = b
	if b.rest() {
		b.router = restroute.New(m)
		s.restBindings = append(s.restBindings, b)
	}
}

// sqsQueueURLFromPath lets query clients that post to the queue URL omit
// the QueueUrl parameter, as SQS allows.
func sqsQueueURLFromPath(r *http.Request, op string, in any) {
	p := strings.Trim(r.URL.Path, "/")
	if strings.Count(p, "/") != 1 {
		return
	}
	url := "http://" + r.Host + "/" + p
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	if f := v.Elem().FieldByName("QueueUrl"); f.IsValid() && f.IsNil() {
		f.Set(reflect.ValueOf(&url))
	}
}

// Handler returns the HTTP handler of the edge.
func (s *Server) Handler() http.Handler { return s }

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	if s.Endpoint() == "" {
		addr := l.Addr().String()
		if host, port, err := net.SplitHostPort(addr); err == nil {
			if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
		}
		s.endpoint.Store("http://" + addr)
	}
	s.endpointOnce.Do(func() { close(s.endpointSet) })
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, lets in-flight requests finish (until ctx is
// done), stops the services and closes the store.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	if s.apigw != nil {
		errs = append(errs, s.apigw.Close()) // first: $disconnect routes still reach Lambda
	}
	if s.lambda != nil {
		errs = append(errs, s.lambda.Close())
	}
	if s.sched != nil {
		errs = append(errs, s.sched.Close())
	}
	if s.eb != nil {
		errs = append(errs, s.eb.Close())
	}
	if s.events != nil {
		errs = append(errs, s.events.Close())
	}
	if s.sns != nil {
		errs = append(errs, s.sns.Close())
	}
	if s.s3 != nil {
		errs = append(errs, s.s3.Close())
	}
	if s.blobs != nil {
		errs = append(errs, s.blobs.Close()) // after S3, its last user
	}
	if s.ddb != nil {
		errs = append(errs, s.ddb.Close())
	}
	if s.sqs != nil {
		// Wake long polls first so in-flight receives can finish.
		errs = append(errs, s.sqs.Close())
	}
	if s.logs != nil {
		errs = append(errs, s.logs.Close())
	}
	if s.http != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
	}
	return errors.Join(errs...)
}

// Store returns the server's store (for tests and tools).
func (s *Server) Store() *store.Store { return s.store }

// lockDir takes an exclusive lock on DIR/LOCK so that two hako processes
// never share a data directory.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		abs, _ := filepath.Abs(dir)
		return nil, fmt.Errorf("data dir %s is in use by another hako process (lock %s held); stop it or choose another --data-dir", abs, path)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return f, nil
}

// Run starts hako on cfg.Addr and serves until ctx is cancelled; ready is
// called with the address once requests are accepted.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger, ready func(addr string)) error {
	srv, err := New(ctx, cfg, Options{Logger: logger})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		srv.Shutdown(context.Background())
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	ready(l.Addr().String())
	select {
	case err := <-errc:
		srv.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
