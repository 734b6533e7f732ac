// Command sqs is hako's hand-run SQS benchmark. It builds hako and a bare
// net/http baseline server, starts both on loopback and measures, in the
// same run with the same load generators, SendMessage and
// ReceiveMessage+DeleteMessage throughput and latency at several
// concurrencies, hako's memory and its start-up time, and prints hako's
// figures beside the baseline's with their ratio. See bench/README.md.
//
//	go run ./bench/sqs [-duration 5s] [-conc 1,16,64] [-json out.json]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/bench/internal/benchkit"
	"github.com/hako-dev/hako/bench/internal/fixture"
)

type options struct {
	duration, warmup time.Duration
	conc             []int
	starts           int
	jsonPath         string
	hakoBin          string
	wrk              string
	idle             time.Duration
}

func main() {
	var o options
	var conc string
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured duration of each load phase")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before each load phase")
	flag.StringVar(&conc, "conc", "1,16,64", "concurrencies (connections) of the raw-client and wrk phases")
	flag.IntVar(&o.starts, "starts", 10, "starts of each server for the start-up times (medians)")
	flag.StringVar(&o.jsonPath, "json", "", "write the results as JSON to this file (default bench/results/sqs-TIME.json; - for none)")
	flag.StringVar(&o.hakoBin, "hako", "", "hako binary to measure (default: build ./cmd/hako with CGO_ENABLED=0)")
	flag.StringVar(&o.wrk, "wrk", "auto", "also load SendMessage with wrk: auto (when installed), on, off")
	flag.DurationVar(&o.idle, "idle", time.Second, "settle time before the idle memory readings")
	flag.Parse()
	for _, f := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fatalf("-conc: %q is not a positive integer", f)
		}
		o.conc = append(o.conc, n)
	}
	if o.duration <= 0 || o.starts < 1 {
		fatalf("-duration and -starts must be positive")
	}
	switch o.wrk {
	case "auto", "on", "off":
	default:
		fatalf("-wrk must be auto, on or off")
	}
	if err := run(o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "# "+format+"\n", args...)
}

const (
	opSend = "SendMessage"
	opRecv = "ReceiveMessage+DeleteMessage"
)

var signing = benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "sqs"}

// target is one server under load: hako or the baseline.
type target struct {
	name     string
	proc     *benchkit.Proc
	queueURL string
	sdk      *sqs.Client
	sendReq  *benchkit.Request
	send     []byte // raw SendMessage
	recv     []byte // raw ReceiveMessage (one message)
	del      *benchkit.Request
}

func run(o options) error {
	started := time.Now()
	root, _ := benchkit.ModuleRoot()
	tmp, err := os.MkdirTemp("", "hako-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// Binaries.
	hakoBin := o.hakoBin
	if hakoBin == "" {
		if root == "" {
			return errors.New("run from inside the hako module, or give -hako")
		}
		hakoBin = filepath.Join(tmp, "hako")
		progress("building hako")
		if err := goBuild(root, hakoBin, "./cmd/hako"); err != nil {
			return err
		}
	}
	if root == "" {
		return errors.New("run from inside the hako module (the baseline server is built from bench/baseline)")
	}
	baseBin := filepath.Join(tmp, "baseline")
	if err := goBuild(root, baseBin, "./bench/baseline"); err != nil {
		return err
	}
	wrkPath := ""
	if o.wrk != "off" {
		wrkPath = benchkit.WrkPath()
		if wrkPath == "" && o.wrk == "on" {
			return errors.New("-wrk on: wrk is not installed (apt-get install -y wrk)")
		}
	}

	rep := &report{Started: started, Machine: machineInfo(hakoBin, wrkPath), Settings: settings{
		Duration: o.duration.String(), Warmup: o.warmup.String(), Concurrency: o.conc, Starts: o.starts,
		MessageBytes: len(fixture.MessageBody), HakoBinary: hakoBin, Wrk: wrkPath != "",
		Store: "sqlite (default: WAL, synchronous=NORMAL, group commit)", Auth: "permissive (default)",
	}}

	// Start-up times, before anything else runs. The servers take turns
	// so that a change in the machine's load hits them alike.
	progress("start-up: %d starts each", o.starts)
	existing := filepath.Join(tmp, "start-existing")
	if err := seedDataDir(hakoBin, existing); err != nil {
		return err
	}
	starters := []starter{
		{name: "hako, new data dir", bin: hakoBin, dataDir: func(i int) string { return filepath.Join(tmp, fmt.Sprintf("start-fresh-%d", i)) }},
		{name: "hako, existing data dir", bin: hakoBin, dataDir: func(int) string { return existing }},
		{name: "baseline", bin: baseBin},
	}
	for i := range o.starts {
		for k := range starters {
			if err := starters[k].once(i); err != nil {
				return err
			}
		}
	}
	for _, s := range starters {
		st := s.summary()
		rep.Startup = append(rep.Startup, st)
		progress("  %-24s ready %s, first request %s (medians)", s.name, fmtMs(st.ReadyMedianMs), fmtMs(st.FirstRequestMedianMs))
	}

	// The two servers under load.
	base, err := startTarget("baseline", baseBin, nil)
	if err != nil {
		return err
	}
	defer base.proc.Kill()
	hako, err := startTarget("hako", hakoBin, []string{"--data-dir", filepath.Join(tmp, "data")})
	if err != nil {
		return err
	}
	defer hako.proc.Kill()
	time.Sleep(o.idle)
	rep.Memory.Hako.Idle, _ = benchkit.ReadMemory(hako.proc.PID())
	rep.Memory.Baseline.Idle, _ = benchkit.ReadMemory(base.proc.PID())

	ctx := context.Background()
	cq, err := hako.sdk.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bench")})
	if err != nil {
		return fmt.Errorf("hako CreateQueue: %v", err)
	}
	hako.queueURL = aws.ToString(cq.QueueUrl)
	base.queueURL = base.proc.URL() + "/000000000000/bench"
	for _, t := range []*target{base, hako} {
		if err := t.buildRequests(); err != nil {
			return err
		}
	}
	// Messages in hako's queue by our count. wrk does not count the
	// requests in flight when it stops, which hako may still have
	// committed: up to slack more.
	var depth, slack int64

	// SendMessage.
	both := func(op, client string, conc int, f func(t *target) (benchkit.Stats, error)) error {
		ph := phase{Operation: op, Client: client, Concurrency: conc}
		var err error
		if ph.Baseline, err = f(base); err != nil {
			return fmt.Errorf("%s %s c=%d baseline: %v", op, client, conc, err)
		}
		if ph.Hako, err = f(hako); err != nil {
			return fmt.Errorf("%s %s c=%d hako: %v", op, client, conc, err)
		}
		ph.ratios()
		rep.Phases = append(rep.Phases, ph)
		progress("  %-28s %-4s c=%-3d baseline %s | hako %s", op, client, conc, brief(ph.Baseline), brief(ph.Hako))
		for _, s := range []struct {
			who string
			st  benchkit.Stats
		}{{"baseline", ph.Baseline}, {"hako", ph.Hako}} {
			if s.st.Errors > 0 {
				rep.note("%s %s c=%d: %s had %d errors (first: %s)", op, client, conc, s.who, s.st.Errors, s.st.FirstErr)
			}
			if s.st.Empty > 0 {
				rep.note("%s %s c=%d: %s had %d empty receives (queue ran dry; figures are not clean)", op, client, conc, s.who, s.st.Empty)
			}
		}
		return nil
	}
	progress("%s", opSend)
	if err := both(opSend, "sdk", 1, func(t *target) (benchkit.Stats, error) {
		r := benchkit.Sequential(o.warmup, o.duration, func() error {
			_, err := t.sdk.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &t.queueURL, MessageBody: aws.String(fixture.MessageBody)})
			return err
		})
		if t == hako {
			depth += r.Total
		}
		return benchkit.Summarise(r, 1), nil
	}); err != nil {
		return err
	}
	for _, c := range o.conc {
		if err := both(opSend, "raw", c, func(t *target) (benchkit.Stats, error) {
			r := benchkit.Run(t.load(c, o), t.sendOp())
			if t == hako {
				depth += r.Total
			}
			return benchkit.Summarise(r, c), nil
		}); err != nil {
			return err
		}
	}
	if wrkPath != "" {
		for _, c := range o.conc {
			if err := both(opSend, "wrk", c, func(t *target) (benchkit.Stats, error) {
				st, total, err := benchkit.Wrk(wrkPath, tmp, t.proc.URL(), t.sendReq, t.sendBody(), c, o.warmup, o.duration)
				if t == hako {
					depth += total
					slack += 2 * int64(c)
				}
				return st, err
			}); err != nil {
				return err
			}
		}
	}

	// Is what hako acknowledged in the queue?
	if n, err := queueDepth(ctx, hako); err != nil {
		rep.note("GetQueueAttributes after the sends: %v", err)
	} else if n < depth || n > depth+slack {
		rep.note("SUSPICIOUS: hako acknowledged %d sends to the queue (plus at most %d unanswered ones) but reports %d messages (ApproximateNumberOfMessages+NotVisible)", depth, slack, n)
	} else {
		progress("  queue holds the %d acknowledged messages (+%d sent by wrk but not answered before it stopped)", depth, n-depth)
		depth = n
	}

	// ReceiveMessage+DeleteMessage, from a queue with enough messages.
	progress("%s", opRecv)
	sendRate := func(client string, c int) float64 {
		for _, ph := range rep.Phases {
			if ph.Operation == opSend && ph.Client == client && ph.Concurrency == c {
				return ph.Hako.PerSec
			}
		}
		return 1000
	}
	span := (o.warmup + o.duration).Seconds()
	fill := func(need int64) error {
		if depth >= need {
			return nil
		}
		n := need - depth
		progress("  pre-filling the queue with %d messages", n)
		l := hako.load(64, o)
		l.Warmup, l.Duration, l.MaxOps = 0, 10*time.Minute, n
		r := benchkit.Run(l, hako.sendOp())
		depth += r.Total
		if r.Total < n {
			return fmt.Errorf("pre-fill: %d of %d sends succeeded (%s)", r.Total, n, r.FirstErr)
		}
		if r.Errors > 0 {
			rep.note("pre-fill: %d SendMessage errors (first: %s)", r.Errors, r.FirstErr)
		}
		return nil
	}
	if err := fill(int64(sendRate("sdk", 1)*span*1.5) + 100); err != nil {
		return err
	}
	if err := both(opRecv, "sdk", 1, func(t *target) (benchkit.Stats, error) {
		r := benchkit.Sequential(o.warmup, o.duration, func() error {
			out, err := t.sdk.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &t.queueURL, MaxNumberOfMessages: 1})
			if err != nil {
				return err
			}
			if len(out.Messages) == 0 {
				return benchkit.ErrEmpty
			}
			_, err = t.sdk.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &t.queueURL, ReceiptHandle: out.Messages[0].ReceiptHandle})
			return err
		})
		if t == hako {
			depth -= r.Total
		}
		return benchkit.Summarise(r, 1), nil
	}); err != nil {
		return err
	}
	for _, c := range o.conc {
		if err := fill(int64(sendRate("raw", c)*span*1.25) + 1000); err != nil {
			return err
		}
		if err := both(opRecv, "raw", c, func(t *target) (benchkit.Stats, error) {
			r := benchkit.Run(t.load(c, o), t.recvDeleteOp())
			if t == hako {
				depth -= r.Total
			}
			return benchkit.Summarise(r, c), nil
		}); err != nil {
			return err
		}
	}
	if n, err := queueDepth(ctx, hako); err != nil {
		rep.note("GetQueueAttributes after the receives: %v", err)
	} else if n != depth {
		rep.note("SUSPICIOUS: after the receives hako should hold %d messages but reports %d (ApproximateNumberOfMessages+NotVisible)", depth, n)
	}

	// Memory after the load.
	rep.Memory.Hako.AfterLoad, _ = benchkit.ReadMemory(hako.proc.PID())
	rep.Memory.Baseline.AfterLoad, _ = benchkit.ReadMemory(base.proc.PID())
	time.Sleep(max(o.idle, 2*time.Second))
	rep.Memory.Hako.AfterLoadIdle, _ = benchkit.ReadMemory(hako.proc.PID())
	rep.Memory.Baseline.AfterLoadIdle, _ = benchkit.ReadMemory(base.proc.PID())
	if d, err := hako.proc.Stop(30 * time.Second); err != nil {
		rep.note("hako did not stop cleanly on SIGTERM after the load: %v (%v)", err, d)
	} else {
		rep.Memory.HakoShutdownMs = ms(d)
	}
	base.proc.Stop(10 * time.Second)
	var logged []string
	for _, line := range strings.Split(hako.proc.Stderr(), "\n") {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
			logged = append(logged, line)
		}
	}
	if len(logged) > 0 {
		rep.note("hako logged %d errors or warnings during the load (wrk closing its connections with requests in flight makes hako log InternalFailure for them); the first:\n      %s",
			len(logged), strings.Join(logged[:min(3, len(logged))], "\n      "))
	}

	rep.evaluate()
	rep.print(os.Stdout)

	path := o.jsonPath
	if path == "" {
		dir := "."
		if root != "" {
			dir = filepath.Join(root, "bench", "results")
		}
		path = filepath.Join(dir, "sqs-"+started.Format("20060102-150405")+".json")
	}
	if path != "-" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nresults written to %s\n", path)
	}
	return nil
}

func (t *target) load(c int, o options) benchkit.Load {
	return benchkit.Load{Addr: t.proc.Addr, Concurrency: c, Warmup: o.warmup, Duration: o.duration}
}

func (t *target) sendBody() []byte {
	b, _ := json.Marshal(map[string]string{"QueueUrl": t.queueURL, "MessageBody": fixture.MessageBody})
	return b
}

func (t *target) buildRequests() error {
	var err error
	if t.sendReq, t.send, err = benchkit.SignedJSON(t.proc.Addr, "AmazonSQS.SendMessage", t.sendBody(), signing); err != nil {
		return err
	}
	rb, _ := json.Marshal(map[string]any{"QueueUrl": t.queueURL, "MaxNumberOfMessages": 1})
	if _, t.recv, err = benchkit.SignedJSON(t.proc.Addr, "AmazonSQS.ReceiveMessage", rb, signing); err != nil {
		return err
	}
	db, _ := json.Marshal(map[string]string{"QueueUrl": t.queueURL, "ReceiptHandle": "x"})
	t.del, _, err = benchkit.SignedJSON(t.proc.Addr, "AmazonSQS.DeleteMessage", db, signing)
	return err
}

var messageIDKey = []byte(`"MessageId"`)

func (t *target) sendOp() benchkit.Op {
	raw := t.send
	return func(c *benchkit.Conn) error {
		b, err := benchkit.Expect200(c, raw)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, messageIDKey) {
			return fmt.Errorf("SendMessage answer without MessageId: %.200s", b)
		}
		return nil
	}
}

type receiveOutput struct {
	Messages []struct{ ReceiptHandle string }
}

type deleteInput struct {
	QueueUrl      string //nolint:revive // the wire name
	ReceiptHandle string
}

func (t *target) recvDeleteOp() benchkit.Op {
	recv, del, url := t.recv, t.del, t.queueURL
	return func(c *benchkit.Conn) error {
		b, err := benchkit.Expect200(c, recv)
		if err != nil {
			return err
		}
		var out receiveOutput
		if err := json.Unmarshal(b, &out); err != nil {
			return fmt.Errorf("ReceiveMessage answer: %v: %.200s", err, b)
		}
		if len(out.Messages) == 0 {
			return benchkit.ErrEmpty
		}
		body, _ := json.Marshal(deleteInput{QueueUrl: url, ReceiptHandle: out.Messages[0].ReceiptHandle})
		_, err = benchkit.Expect200(c, del.With(body))
		return err
	}
}

func queueDepth(ctx context.Context, t *target) (int64, error) {
	out, err := t.sdk.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: &t.queueURL,
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, k := range []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible} {
		v, err := strconv.ParseInt(out.Attributes[string(k)], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("attribute %s = %q", k, out.Attributes[string(k)])
		}
		n += v
	}
	return n, nil
}

func newSDK(url string) *sqs.Client {
	return sqs.NewFromConfig(aws.Config{
		Region:           signing.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(signing.AccessKey, signing.SecretKey, ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
		HTTPClient:       benchkit.SDKHTTPClient(),
	})
}

// startTarget starts a server for the load phases.
func startTarget(name, bin string, args []string) (*target, error) {
	p, err := benchkit.StartProc(bin, append([]string{"--addr", "127.0.0.1:0"}, args...), nil, 30*time.Second)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &target{name: name, proc: p, sdk: newSDK(p.URL())}, nil
}

// starter measures the start-up of one server: exec to the ready line and
// to the first successful request (a signed ListQueues, built before the
// exec), then SIGTERM to exit.
type starter struct {
	name              string
	bin               string
	dataDir           func(int) string // nil: no --data-dir
	ready, first, off []time.Duration
}

func (s *starter) once(i int) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	_, list, err := benchkit.SignedJSON(addr, "AmazonSQS.ListQueues", []byte("{}"), signing)
	if err != nil {
		return err
	}
	args := []string{"--addr", addr}
	if s.dataDir != nil {
		args = append(args, "--data-dir", s.dataDir(i))
	}
	p, err := benchkit.StartProc(s.bin, args, nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("%s start %d: %v", s.name, i+1, err)
	}
	var firstOK time.Duration
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := benchkit.NewConn(p.Addr)
		_, err := benchkit.Expect200(c, list)
		c.Close()
		if err == nil {
			firstOK = time.Since(p.Started)
			break
		}
		if time.Now().After(deadline) {
			p.Kill()
			return fmt.Errorf("%s start %d: no successful request 10s after the ready line: %v", s.name, i+1, err)
		}
		time.Sleep(100 * time.Microsecond)
	}
	d, err := p.Stop(30 * time.Second)
	if err != nil {
		return fmt.Errorf("%s start %d: stop: %v\n%s", s.name, i+1, err, p.Stderr())
	}
	s.ready = append(s.ready, p.Ready)
	s.first = append(s.first, firstOK)
	s.off = append(s.off, d)
	return nil
}

func (s *starter) summary() startup {
	st := startup{Server: s.name, Starts: len(s.ready)}
	for k := range s.ready {
		st.ReadyMs = append(st.ReadyMs, ms(s.ready[k]))
		st.FirstRequestMs = append(st.FirstRequestMs, ms(s.first[k]))
	}
	st.ReadyMedianMs = ms(benchkit.Median(slices.Clone(s.ready)))
	st.FirstRequestMedianMs = ms(benchkit.Median(slices.Clone(s.first)))
	st.ShutdownMedianMs = ms(benchkit.Median(slices.Clone(s.off)))
	return st
}

// seedDataDir leaves a data dir with one queue in it.
func seedDataDir(bin, dir string) error {
	p, err := benchkit.StartProc(bin, []string{"--addr", "127.0.0.1:0", "--data-dir", dir}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	_, err = newSDK(p.URL()).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("seed")})
	if _, serr := p.Stop(30 * time.Second); err == nil {
		err = serr
	}
	return err
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
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

func machineInfo(hakoBin, wrkPath string) machine {
	m := machine{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if fi, err := os.Stat(hakoBin); err == nil {
		m.HakoBinaryBytes = fi.Size()
	}
	if wrkPath != "" {
		out, _ := exec.Command(wrkPath, "-v").CombinedOutput()
		m.Wrk = firstLines(string(out), 1)
	}
	return m
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
