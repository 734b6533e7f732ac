// Package lambda implements AWS Lambda: the control plane (functions,
// versions, aliases, layers, permissions, concurrency, event invoke
// configuration, event source mappings) stored in the hako store, and
// invocations (synchronous, asynchronous with retries and destinations)
// run by internal/runtime as local processes.
//
// Function state lives in the store; the data an invocation needs is cached
// in memory per function and dropped on every change (and, with several
// nodes, on the change notifications of the others).
package lambda

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/store"
)

var _ lambdaapi.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store   *store.Store
	Clock   clock.Clock
	Logger  *slog.Logger
	DataDir string // code, layers and sandboxes live under DataDir/lambda
	// Launch returns the argv of an interpreted runtime's client (node,
	// python); nil supports provided.* runtimes only.
	Launch func(runtime string) ([]string, error)
	// Credentials returns the keys a function of account gets.
	Credentials func(account string) (accessKey, secretKey string)
	// Endpoint returns hako's URL (AWS_ENDPOINT_URL inside functions).
	Endpoint func() string
	// Logs receives function output for CloudWatch Logs; may be nil.
	Logs LogWriter
	// Queues is SQS, for destinations, dead-letter queues and event source
	// mappings; may be nil.
	Queues sqsapi.API
	// Objects reads deployment packages from S3 (Code.S3Bucket); may be nil.
	Objects ObjectReader
	// Streams reads DynamoDB streams for event source mappings; may be nil.
	Streams DynamoDBStreams
	// Publish publishes a message to an SNS topic (destinations); may be nil.
	Publish func(ctx context.Context, topicARN, message string) error
	// PutEvent puts an event on an EventBridge bus (destinations); may be nil.
	PutEvent func(ctx context.Context, busARN, source, detailType string, detail []byte, resources []string) error
	// AccountConcurrency is the concurrent executions limit (default 1000).
	AccountConcurrency int
}

// LogWriter appends log events to a CloudWatch Logs stream, creating the
// group and the stream when missing.
type LogWriter interface {
	Append(ctx context.Context, account, region, group, stream string, lines []runtime.LogLine) error
}

// ObjectReader reads an S3 object (a deployment package), at most limit bytes.
type ObjectReader interface {
	GetObjectBytes(ctx context.Context, bucket, key, version string, limit int64) ([]byte, error)
}

// Service is the Lambda implementation. It is safe for concurrent use.
type Service struct {
	st       *store.Store
	clk      clock.Clock
	log      *slog.Logger
	cfg      Config
	dir      string
	rt       *runtime.Manager
	limit    int
	cacheMu  sync.Mutex
	cache    map[string]map[string]*resolved // by account/region/name, then qualifier
	cacheGen uint64                          // bumped by every invalidation
	urlCache map[string]*URLTarget           // function URL id -> target; emptied by every invalidation
	unpackMu sync.Mutex
	logs     *logShipper
	async    *asyncRunner
	esm      *esmRunner

	unsubscribe func()

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// New runs the migrations and starts the runtime, the asynchronous
// invocation runner and the event source mappings.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("lambda: Config.Store is required")
	}
	s := &Service{st: cfg.Store, clk: cfg.Clock, log: cfg.Logger, cfg: cfg, cache: map[string]map[string]*resolved{}, urlCache: map[string]*URLTarget{}}
	if s.clk == nil {
		s.clk = clock.Real()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.limit = cfg.AccountConcurrency
	if s.limit <= 0 {
		s.limit = 1000
	}
	s.dir = filepath.Join(cfg.DataDir, "lambda")
	for _, d := range []string{"code", "opt"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := s.st.Migrate(ctx, "lambda", migrations); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.st.Dialect() == store.Postgres {
		// Other nodes change functions too: drop what they changed.
		s.unsubscribe = s.st.Subscribe(notifyChannel, s.onNotify)
	}
	s.logs = newLogShipper(s)
	rt, err := runtime.New(runtime.Config{
		Dir:                filepath.Join(s.dir, "sandboxes"),
		Logger:             s.log,
		Launch:             s.launch,
		Env:                s.sandboxEnv,
		Sink:               s.logs.add,
		AccountConcurrency: s.limit,
	})
	if err != nil {
		return nil, err
	}
	s.rt = rt
	s.async = newAsyncRunner(s)
	s.esm = newESMRunner(s)
	s.goBG(s.logs.run)
	s.goBG(s.async.run)
	s.goBG(s.esm.run)
	s.log.Info("lambda started")
	return s, nil
}

// notifyChannel carries the keys of changed functions between nodes.
const notifyChannel = "lambda_fn"

// onNotify drops the cached invocation data of a function another node
// (or this one) changed; "" means notifications may have been missed.
func (s *Service) onNotify(payload string) {
	s.cacheMu.Lock()
	if payload == "" {
		s.cache = map[string]map[string]*resolved{}
	} else {
		delete(s.cache, payload)
	}
	clear(s.urlCache)
	s.cacheGen++
	s.cacheMu.Unlock()
}

func (s *Service) goBG(f func(ctx context.Context)) {
	s.wg.Add(1)
	go func() { defer s.wg.Done(); f(s.ctx) }()
}

// Close stops the background work and every sandbox.
func (s *Service) Close() error {
	s.once.Do(func() {
		if s.unsubscribe != nil {
			s.unsubscribe()
		}
		s.cancel()
		s.wg.Wait()
		s.rt.Close()
		s.logs.flush(context.Background())
	})
	return nil
}

// Health reports the state of the service.
func (s *Service) Health() string {
	if s.ctx.Err() != nil {
		return "stopped"
	}
	return "running"
}

// ValidationError answers constraint violations as Lambda does.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("ValidationException", model.ValidationMessage(vs)).WithStatus(http.StatusBadRequest)
}

func (s *Service) launch(spec *runtime.Spec) ([]string, error) {
	if s.cfg.Launch == nil {
		return nil, errors.New("runtime " + spec.Runtime + " is not supported by hako")
	}
	return s.cfg.Launch(spec.Runtime)
}

func (s *Service) sandboxEnv(spec *runtime.Spec) []string {
	ak, sk := "test", "test"
	if s.cfg.Credentials != nil {
		ak, sk = s.cfg.Credentials(spec.Account)
	}
	env := []string{
		"AWS_ACCESS_KEY_ID=" + ak,
		"AWS_SECRET_ACCESS_KEY=" + sk,
		"AWS_SESSION_TOKEN=hako",
	}
	if s.cfg.Endpoint != nil {
		if u := s.cfg.Endpoint(); u != "" {
			env = append(env, "AWS_ENDPOINT_URL="+u)
		}
	}
	return env
}

// apiErr is a Lambda error: Lambda's error bodies carry Type and Message.
func apiErr(code, msg string) *awserr.Error {
	e := awserr.New(code, msg)
	e.Fields = map[string]any{"Type": "User", "Message": msg}
	return e
}

func notFound(msg string) error { return apiErr("ResourceNotFoundException", msg) }

func invalidParam(msg string) error { return apiErr("InvalidParameterValueException", msg) }

func conflict(msg string) error { return apiErr("ResourceConflictException", msg) }

func preconditionFailed(msg string) error { return apiErr("PreconditionFailedException", msg) }

func internalErr(err error) error {
	e := awserr.New("ServiceException", "An internal error occurred: "+err.Error())
	e.Server = true
	e.Status = http.StatusInternalServerError
	e.Fields = map[string]any{"Type": "Service", "Message": e.Message}
	return e
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}
