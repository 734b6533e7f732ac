// Package hakotest starts a real hako in-process on a random loopback port
// with a temporary data directory and hands out aws-sdk-go-v2 clients
// configured for it, so tests drive hako the way users do.
package hakotest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/server"
)

// Server is a hako running inside the test process.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Addr    string
	DataDir string
	// Clock is the server's clock; a *clock.Fake when WithClock gave one.
	Clock clock.Clock
	// Region and credentials the clients use.
	Region, AccessKey, SecretKey string

	cfg  config.Config
	srv  *server.Server
	done chan error
}

type settings struct {
	clock   clock.Clock
	store   string
	dataDir string
	mutate  []func(*config.Config)
}

// Option configures Start.
type Option func(*settings)

// WithClock runs the server on c (usually a *clock.Fake).
func WithClock(c clock.Clock) Option { return func(s *settings) { s.clock = c } }

// WithStore selects the store: "sqlite" (default) or a postgres:// URL.
func WithStore(spec string) Option { return func(s *settings) { s.store = spec } }

// WithDataDir uses dir instead of a fresh temporary directory.
func WithDataDir(dir string) Option { return func(s *settings) { s.dataDir = dir } }

// WithConfig edits the configuration before start.
func WithConfig(f func(*config.Config)) Option {
	return func(s *settings) { s.mutate = append(s.mutate, f) }
}

// Start starts hako and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var st settings
	for _, o := range opts {
		o(&st)
	}
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = st.dataDir
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if st.store != "" {
		cfg.Store = st.store
	}
	for _, f := range st.mutate {
		f(&cfg)
	}
	if st.clock == nil {
		st.clock = clock.Real()
	}
	s := &Server{DataDir: cfg.DataDir, Clock: st.clock, Region: "us-east-1", AccessKey: "test", SecretKey: "test", cfg: cfg}
	s.start(t, "127.0.0.1:0")
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *Server) start(t testing.TB, addr string) {
	t.Helper()
	srv, err := server.New(context.Background(), s.cfg, server.Options{Clock: s.Clock})
	if err != nil {
		t.Fatalf("hakotest: start: %v", err)
	}
	var l net.Listener
	for i := 0; ; i++ {
		l, err = net.Listen("tcp", addr)
		if err == nil || i > 50 {
			break
		}
		time.Sleep(20 * time.Millisecond) // the old listener's port is being released
	}
	if err != nil {
		srv.Shutdown(context.Background())
		t.Fatalf("hakotest: listen: %v", err)
	}
	s.srv = srv
	s.Addr = l.Addr().String()
	s.URL = "http://" + s.Addr
	s.done = make(chan error, 1)
	go func() { s.done <- srv.Serve(l) }()
}

func (s *Server) stop(t testing.TB) {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		t.Errorf("hakotest: shutdown: %v", err)
	}
	<-s.done
	s.srv = nil
}

// Restart stops the server and starts it again on the same data directory
// and address, as a process restart would.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.stop(t)
	s.start(t, s.Addr)
}

// Server returns the underlying server.
func (s *Server) Server() *server.Server { return s.srv }

// AWSConfig returns an SDK configuration pointing at the server (static
// credentials, no retries so that errors surface).
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:           s.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
		HTTPClient:       HTTPClient(60 * time.Second),
	}
}

// SQS returns an SQS client.
func (s *Server) SQS(opts ...func(*sqs.Options)) *sqs.Client {
	return sqs.NewFromConfig(s.AWSConfig(), opts...)
}

// SNS returns an SNS client.
func (s *Server) SNS(opts ...func(*sns.Options)) *sns.Client {
	return sns.NewFromConfig(s.AWSConfig(), opts...)
}

// EventBridge returns an EventBridge client.
func (s *Server) EventBridge(opts ...func(*eventbridge.Options)) *eventbridge.Client {
	return eventbridge.NewFromConfig(s.AWSConfig(), opts...)
}

// Scheduler returns an EventBridge Scheduler client.
func (s *Server) Scheduler(opts ...func(*scheduler.Options)) *scheduler.Client {
	return scheduler.NewFromConfig(s.AWSConfig(), opts...)
}

// APIGateway returns an API Gateway v2 (HTTP and WebSocket APIs) client.
func (s *Server) APIGateway(opts ...func(*apigatewayv2.Options)) *apigatewayv2.Client {
	return apigatewayv2.NewFromConfig(s.AWSConfig(), opts...)
}

// Connections returns a client of the @connections management API of a
// WebSocket API stage, addressed as the SDK documents it: the endpoint is
// the stage's URL (https://APIID.execute-api.REGION.amazonaws.com/STAGE on
// AWS; hako's own host form here).
func (s *Server) Connections(apiID, stage string, opts ...func(*apigatewaymanagementapi.Options)) *apigatewaymanagementapi.Client {
	cfg := s.AWSConfig()
	u, _ := url.Parse(s.URL)
	cfg.BaseEndpoint = aws.String("http://" + apiID + ".execute-api.localhost:" + u.Port() + "/" + stage)
	return apigatewaymanagementapi.NewFromConfig(cfg, opts...)
}

// Lambda returns a Lambda client.
func (s *Server) Lambda(opts ...func(*lambda.Options)) *lambda.Client {
	return lambda.NewFromConfig(s.AWSConfig(), opts...)
}

// Logs returns a CloudWatch Logs client.
func (s *Server) Logs(opts ...func(*cloudwatchlogs.Options)) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(s.AWSConfig(), opts...)
}

// S3 returns an S3 client (path-style addressing).
func (s *Server) S3(opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(s.AWSConfig(), append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...)
}

// DynamoDB returns a DynamoDB client.
func (s *Server) DynamoDB(opts ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.NewFromConfig(s.AWSConfig(), opts...)
}

// DynamoDBStreams returns a DynamoDB Streams client.
func (s *Server) DynamoDBStreams(opts ...func(*dynamodbstreams.Options)) *dynamodbstreams.Client {
	return dynamodbstreams.NewFromConfig(s.AWSConfig(), opts...)
}

// STS returns an STS client.
func (s *Server) STS(opts ...func(*sts.Options)) *sts.Client {
	return sts.NewFromConfig(s.AWSConfig(), opts...)
}

// Query sends a SigV4-signed query-protocol request (form POST) for
// service (the signing name, e.g. "sqs") to path, and returns the status
// and body.
func (s *Server) Query(t testing.TB, service, path string, form url.Values) (int, []byte) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, s.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, bytes.TrimSpace(b)
}

// HTTPClient is the HTTP client for SDK clients in tests and benchmarks:
// keep-alive, a timeout, and a private copy of each request body for the
// transport.
//
// The copy works around a race between aws-sdk-go-v2 (smithy-go v1.28.9)
// and net/http: smithy-go closes the request body as soon as the response
// headers arrive, and its closed body answers WriteTo with io.EOF; when the
// server answered before the transport's write goroutine made its final
// read of the body (a fast server on a busy machine), the transport closes
// the connection under the response ("deserialization failed ... use of
// closed network connection" on a 200). Not a hako bug.
func HTTPClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.DialContext = DialLocalhost
	return &http.Client{Timeout: timeout, Transport: bodyCopyTransport{tr}}
}

// DialLocalhost dials NAME.localhost on the loopback address, as browsers
// and systemd-resolved resolve it (API Gateway invoke URLs
// APIID.execute-api.localhost:PORT); other addresses as usual.
func DialLocalhost(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	d := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return d.DialContext(ctx, network, addr)
}

type bodyCopyTransport struct{ base http.RoundTripper }

func (t bodyCopyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r2.ContentLength = int64(len(b))
	return t.base.RoundTrip(r2)
}
