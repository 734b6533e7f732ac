// Command apigateway benchmarks hako's API Gateway: the latency an HTTP
// API adds in front of a warm Lambda function and its requests per second
// at concurrency 64, beside a bare net/http server and the direct Lambda
// Invoke of the same function measured in the same run; the memory of
// idle WebSocket connections; and PostToConnection messages per second.
//
//	go run ./bench/apigateway                 # ~1 minute
//	go run ./bench/apigateway -duration 2s -ws 2000
//
// Flags: -duration, -warmup, -conc (64), -ws (10000 connections), -hako
// (a binary instead of building ./cmd/hako). Everything talks to
// 127.0.0.1; the process needs about -ws file descriptors (hako as many).
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/coder/websocket"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

func main() {
	duration := flag.Duration("duration", 5*time.Second, "measured time of each load phase")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "unmeasured warm-up of each load phase")
	conc := flag.Int("conc", 64, "concurrency of the throughput phases")
	conns := flag.Int("ws", 10000, "idle WebSocket connections to open")
	hakoBin := flag.String("hako", "", "hako binary (default: build ./cmd/hako)")
	flag.Parse()
	if err := run(*duration, *warmup, *conc, *conns, *hakoBin); err != nil {
		fmt.Fprintln(os.Stderr, "bench/apigateway:", err)
		os.Exit(1)
	}
}

func goBuild(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

// rawGET is a GET of path on host as a load generator sends it.
func rawGET(host, path string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: hako-bench\r\n\r\n")
}

type phase struct {
	name     string
	p50, p99 time.Duration
	rps      float64
}

// measure runs raw at concurrency 1 (latency) and conc (throughput).
func measure(name, addr string, raw []byte, conc int, warmup, duration time.Duration) (phase, error) {
	op := func(c *benchkit.Conn) error {
		st, _, err := c.Do(raw)
		if err == nil && st != 200 {
			err = &benchkit.StatusError{Status: st}
		}
		return err
	}
	r1 := benchkit.Run(benchkit.Load{Addr: addr, Concurrency: 1, Warmup: warmup, Duration: duration}, op)
	if r1.FirstErr != "" {
		return phase{}, fmt.Errorf("%s: %s", name, r1.FirstErr)
	}
	rn := benchkit.Run(benchkit.Load{Addr: addr, Concurrency: conc, Warmup: warmup, Duration: duration}, op)
	if rn.FirstErr != "" {
		return phase{}, fmt.Errorf("%s c=%d: %s", name, conc, rn.FirstErr)
	}
	return phase{name: name, p50: benchkit.Percentile(r1.Lat, 50), p99: benchkit.Percentile(r1.Lat, 99), rps: float64(rn.Ops) / rn.Elapsed.Seconds()}, nil
}

func run(duration, warmup time.Duration, conc, nconns int, hakoBin string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "hako-bench-apigw-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	progress("building hako, the baseline and the noop function")
	if hakoBin == "" {
		hakoBin = filepath.Join(tmp, "hako")
		if err := goBuild(root, hakoBin, "./cmd/hako"); err != nil {
			return err
		}
	}
	baseBin, fnBin := filepath.Join(tmp, "baseline"), filepath.Join(tmp, "bootstrap")
	if err := goBuild(root, baseBin, "./bench/baseline"); err != nil {
		return err
	}
	if err := goBuild(root, fnBin, "./internal/lambdatest/fns/noop"); err != nil {
		return err
	}
	base, err := benchkit.StartProc(baseBin, []string{"--addr", "127.0.0.1:0"}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	defer base.Kill()
	hako, err := benchkit.StartProc(hakoBin, []string{"--addr", "127.0.0.1:0", "--data-dir", filepath.Join(tmp, "data"), "--log-level", "warn"}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	defer hako.Kill()
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hako.URL()), Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient: benchkit.SDKHTTPClient()}
	lc, gc := lambda.NewFromConfig(cfg), apigatewayv2.NewFromConfig(cfg)
	zipb, err := zipBootstrap(fnBin)
	if err != nil {
		return err
	}
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("noop"), Runtime: ltypes.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("arn:aws:iam::000000000000:role/bench"), Code: &ltypes.FunctionCode{ZipFile: zipb}})
	if err != nil {
		return err
	}
	api, err := gc.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("bench"), ProtocolType: types.ProtocolTypeHttp, Target: fn.FunctionArn})
	if err != nil {
		return err
	}
	apiID := aws.ToString(api.ApiId)
	fmt.Printf("machine: %s, %d CPUs, %s\n", cpuModel(), runtime.NumCPU(), runtime.Version())

	// The direct invoke sends an event of the size the HTTP API sends, so
	// that the function does the same work in both.
	progress("HTTP API -> warm Lambda, direct Invoke, bare HTTP (c=1 latency, c=%d throughput)", conc)
	apiRaw := rawGET(hako.Addr, "/_hako/apigw/"+apiID+"/bench?x=1")
	st, evBody, err := benchkit.NewConn(hako.Addr).Do(apiRaw)
	if err != nil || st != 200 {
		return fmt.Errorf("HTTP API warm-up: %d %v %s", st, err, evBody)
	}
	_, invokeRaw, err := benchkit.SignedREST(hako.Addr, "POST", "/2015-03-31/functions/noop/invocations", "", evBody,
		benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "lambda"})
	if err != nil {
		return err
	}
	var phases []phase
	for _, p := range []struct {
		name, addr string
		raw        []byte
	}{{"bare net/http (baseline)", base.Addr, rawGET(base.Addr, "/")}, {"Lambda Invoke (direct)", hako.Addr, invokeRaw}, {"HTTP API -> Lambda", hako.Addr, apiRaw}} {
		ph, err := measure(p.name, p.addr, p.raw, conc, warmup, duration)
		if err != nil {
			return err
		}
		phases = append(phases, ph)
	}
	fmt.Printf("\n%-28s %10s %10s %12s\n", "", "p50 (c=1)", "p99 (c=1)", fmt.Sprintf("req/s c=%d", conc))
	for _, p := range phases {
		fmt.Printf("%-28s %10s %10s %12.0f\n", p.name, ms(p.p50), ms(p.p99), p.rps)
	}
	fmt.Printf("%-28s %10s %10s   (target p50 < 1 ms)\n", "added by the HTTP API", ms(phases[2].p50-phases[1].p50), ms(phases[2].p99-phases[1].p99))

	return websockets(ctx, gc, hako, fn, nconns, conc, duration)
}

// websockets opens n idle connections, reads hako's memory per
// connection, then measures PostToConnection messages per second.
func websockets(ctx context.Context, gc *apigatewayv2.Client, hako *benchkit.Proc, fn *lambda.CreateFunctionOutput, n, conc int, duration time.Duration) error {
	api, err := gc.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("ws"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		return err
	}
	id := api.ApiId
	integ, err := gc.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: id, IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: fn.FunctionArn})
	if err != nil {
		return err
	}
	rt, err := gc.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: id, RouteKey: aws.String("whoami"), Target: aws.String("integrations/" + *integ.IntegrationId),
		RouteResponseSelectionExpression: aws.String("$default")})
	if err != nil {
		return err
	}
	if _, err := gc.CreateRouteResponse(ctx, &apigatewayv2.CreateRouteResponseInput{ApiId: id, RouteId: rt.RouteId, RouteResponseKey: aws.String("$default")}); err != nil {
		return err
	}
	if _, err := gc.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: id, StageName: aws.String("s"), AutoDeploy: aws.Bool(true)}); err != nil {
		return err
	}
	runtime.GC()
	time.Sleep(time.Second)
	before, err := benchkit.ReadMemory(hako.PID())
	if err != nil {
		return err
	}
	progress("opening %d idle WebSocket connections", n)
	url := "ws://" + hako.Addr + "/_hako/apigw/" + *id + "/s"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DialContext: (&net.Dialer{}).DialContext}}
	conns := make([]*websocket.Conn, 0, n)
	var received atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client})
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
		wg.Wait()
	}()
	time.Sleep(2 * time.Second)
	after, err := benchkit.ReadMemory(hako.PID())
	if err != nil {
		return err
	}
	per := float64(after.RSSKiB-before.RSSKiB) / float64(n)
	fmt.Printf("\n%d idle WebSocket connections: RSS %s -> %s, %.1f KiB per connection (target <= 30 KiB)\n", n, benchkit.MiB(before.RSSKiB), benchkit.MiB(after.RSSKiB), per)

	// Learn the ids of the first conc connections, then drain every
	// connection's messages while PostToConnection runs.
	k := min(conc, n)
	ids := make([]string, k)
	for i := 0; i < k; i++ {
		if err := conns[i].Write(ctx, websocket.MessageText, []byte(`{"action":"whoami"}`)); err != nil {
			return err
		}
		_, b, err := conns[i].Read(ctx)
		if err != nil {
			return err
		}
		var ev struct {
			RequestContext struct {
				ConnectionID string `json:"connectionId"`
			} `json:"requestContext"`
		}
		if json.Unmarshal(b, &ev) != nil || ev.RequestContext.ConnectionID == "" {
			return fmt.Errorf("whoami answered %s", b)
		}
		ids[i] = ev.RequestContext.ConnectionID
	}
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			for {
				if _, _, err := c.Read(context.Background()); err != nil {
					return
				}
				received.Add(1)
			}
		}(conns[i])
	}
	progress("PostToConnection, c=%d", k)
	var next atomic.Int64
	host := *id + ".execute-api.localhost:" + hako.Addr[strings.LastIndexByte(hako.Addr, ':')+1:]
	r := benchkit.Run(benchkit.Load{Addr: hako.Addr, Concurrency: k, Duration: duration}, func(c *benchkit.Conn) error {
		cid := ids[next.Add(1)%int64(k)]
		raw := []byte("POST /s/@connections/" + cid + " HTTP/1.1\r\nHost: " + host +
			"\r\nAuthorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: 5\r\n\r\nhello")
		st, _, err := c.Do(raw)
		if err == nil && st != 200 {
			err = &benchkit.StatusError{Status: st}
		}
		return err
	})
	if r.FirstErr != "" {
		return errors.New("PostToConnection: " + r.FirstErr)
	}
	time.Sleep(500 * time.Millisecond)
	fmt.Printf("PostToConnection: %.0f messages/s (c=%d, p50 %s, p99 %s), %d received by the clients\n",
		float64(r.Ops)/r.Elapsed.Seconds(), k, ms(benchkit.Percentile(r.Lat, 50)), ms(benchkit.Percentile(r.Lat, 99)), received.Load())
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func zipBootstrap(bin string) ([]byte, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	h.SetMode(0o755)
	w, _ := zw.CreateHeader(h)
	w.Write(b)
	zw.Close()
	return buf.Bytes(), nil
}
