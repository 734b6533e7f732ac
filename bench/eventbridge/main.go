// Command eventbridge is hako's hand-run EventBridge benchmark. It builds
// hako and the bare net/http baseline server, starts both on loopback and
// measures, with the same raw client at the same concurrency:
//
//   - the bare loopback round trip (the baseline answering PutEvents),
//   - hako's SQS SendMessage (what one delivery costs at least),
//   - hako's PutEvents of one entry matched by a rule with an SQS target,
//     and the time from the end of that load until every event is a
//     message in the queue (the outbox drained);
//
// and, in-process, the matching of one event against 10,000 varied rules
// (internal/pattern) beside the cost of decoding the event once. It prints
// hako's figures with their ratios to the baselines.
//
//	go run ./bench/eventbridge [-duration 5s] [-conc 16] [-rules 10000]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/bench/internal/benchkit"
	"github.com/hako-dev/hako/bench/internal/fixture"
	"github.com/hako-dev/hako/internal/pattern"
)

type options struct {
	duration, warmup time.Duration
	conc, rules      int
	hakoBin          string
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured duration of each load phase")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before each load phase")
	flag.IntVar(&o.conc, "conc", 16, "concurrency (connections) of the load phases")
	flag.IntVar(&o.rules, "rules", 10000, "rules of the in-process matching phase")
	flag.StringVar(&o.hakoBin, "hako", "", "hako binary to measure (default: build ./cmd/hako with CGO_ENABLED=0)")
	flag.Parse()
	if o.duration <= 0 || o.conc < 1 || o.rules < 1 {
		fatalf("-duration, -conc and -rules must be positive")
	}
	if err := run(o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

var (
	signing   = benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "events"}
	sqsSign   = benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "sqs"}
	eventBody = []byte(`{"Entries":[{"Source":"bench.orders","DetailType":"Order Placed","Detail":"{\"orderId\":\"o-1\",\"total\":120,\"region\":\"eu\"}"}]}`)
)

func run(o options) error {
	root, err := benchkit.ModuleRoot()
	if err != nil || root == "" {
		return errors.New("run from inside the hako module")
	}
	tmp, err := os.MkdirTemp("", "hako-bench-eb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	hakoBin := o.hakoBin
	if hakoBin == "" {
		hakoBin = filepath.Join(tmp, "hako")
		progress("building hako")
		if err := goBuild(root, hakoBin, "./cmd/hako"); err != nil {
			return err
		}
	}
	baseBin := filepath.Join(tmp, "baseline")
	if err := goBuild(root, baseBin, "./bench/baseline"); err != nil {
		return err
	}
	base, err := benchkit.StartProc(baseBin, []string{"--addr", "127.0.0.1:0"}, nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("baseline: %v", err)
	}
	defer base.Kill()
	hako, err := benchkit.StartProc(hakoBin, []string{"--addr", "127.0.0.1:0", "--data-dir", filepath.Join(tmp, "data")}, nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("hako: %v", err)
	}
	defer hako.Kill()

	ctx := context.Background()
	cfg := aws.Config{Region: signing.Region, Credentials: credentials.NewStaticCredentialsProvider(signing.AccessKey, signing.SecretKey, ""),
		BaseEndpoint: aws.String(hako.URL()), RetryMaxAttempts: 1, HTTPClient: benchkit.SDKHTTPClient()}
	q, eb := sqs.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg)
	var urls []string
	for _, name := range []string{"bench-send", "bench-events"} {
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		if err != nil {
			return fmt.Errorf("CreateQueue: %v", err)
		}
		urls = append(urls, aws.ToString(out.QueueUrl))
	}
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("orders"),
		EventPattern: aws.String(`{"source":["bench.orders"],"detail":{"total":[{"numeric":[">",100]}]}}`)}); err != nil {
		return fmt.Errorf("PutRule: %v", err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("orders"), Targets: []ebtypes.Target{
		{Id: aws.String("q"), Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:bench-events")}}}); err != nil {
		return fmt.Errorf("PutTargets: %v", err)
	}

	load := func(addr string) benchkit.Load {
		return benchkit.Load{Addr: addr, Concurrency: o.conc, Warmup: o.warmup, Duration: o.duration}
	}
	expect := func(raw []byte, key string) benchkit.Op {
		return func(c *benchkit.Conn) error {
			b, err := benchkit.Expect200(c, raw)
			if err == nil && !bytes.Contains(b, []byte(key)) {
				err = fmt.Errorf("answer without %s: %.200s", key, b)
			}
			return err
		}
	}
	_, baseRaw, err := benchkit.SignedJSON(base.Addr, "AWSEvents.PutEvents", eventBody, signing)
	if err != nil {
		return err
	}
	sendBody, _ := json.Marshal(map[string]string{"QueueUrl": urls[0], "MessageBody": fixture.MessageBody})
	_, sendRaw, err := benchkit.SignedJSON(hako.Addr, "AmazonSQS.SendMessage", sendBody, sqsSign)
	if err != nil {
		return err
	}
	_, putRaw, err := benchkit.SignedJSON(hako.Addr, "AWSEvents.PutEvents", eventBody, signing)
	if err != nil {
		return err
	}

	progress("baseline: loopback round trip, c=%d", o.conc)
	bst := benchkit.Summarise(benchkit.Run(load(base.Addr), expect(baseRaw, "MessageId")), o.conc)
	progress("hako: SQS SendMessage, c=%d", o.conc)
	sst := benchkit.Summarise(benchkit.Run(load(hako.Addr), expect(sendRaw, "MessageId")), o.conc)
	progress("hako: PutEvents (1 entry, 1 rule, SQS target), c=%d", o.conc)
	pr := benchkit.Run(load(hako.Addr), expect(putRaw, "EventId"))
	pst := benchkit.Summarise(pr, o.conc)
	loadEnd := time.Now()
	drain, err := waitDepth(ctx, q, urls[1], pr.Total, 5*time.Minute)
	if err != nil {
		return err
	}
	drained := time.Since(loadEnd)

	progress("in-process: one event against %d rules", o.rules)
	m := matchBench(o.rules)

	fmt.Printf("EventBridge benchmark (concurrency %d, %s per phase; latencies p50/p99)\n\n", o.conc, o.duration)
	row := func(name string, s benchkit.Stats) {
		fmt.Printf("  %-44s %9.0f/s  p50 %7.0f µs  p99 %7.0f µs  errors %d\n", name, s.PerSec, s.P50Us, s.P99Us, s.Errors)
	}
	row("baseline loopback round trip", bst)
	row("hako SQS SendMessage", sst)
	row("hako PutEvents (1 entry → SQS target)", pst)
	fmt.Printf("\n  PutEvents / loopback baseline      %.2f of its throughput\n", pst.PerSec/bst.PerSec)
	fmt.Printf("  PutEvents / SQS SendMessage        %.2f of its throughput\n", pst.PerSec/sst.PerSec)
	fmt.Printf("  all %d events in the queue %s after the load ended (%s since its start; %.0f events/s end to end)\n",
		pr.Total, drained.Round(time.Millisecond), (o.warmup + o.duration + drained).Round(time.Millisecond),
		float64(drain)/(o.warmup+o.duration+drained).Seconds())
	fmt.Printf("\n  decode one event (pattern.ParseEvent)         %8.2f µs\n", m.parseUs)
	fmt.Printf("  match it against %d rules (MatchEvent)     %8.2f µs  (%.0f rule matches/s, %d rules matched)\n",
		o.rules, m.matchUs, float64(o.rules)/(m.matchUs/1e6), m.matched)
	fmt.Printf("  matching all rules / decoding once            %8.1fx\n", m.matchUs/m.parseUs)
	fmt.Printf("  as PutEvents: rules indexed by source        %8.2f µs  (%d candidates, %d rules matched; %.1fx decoding once)\n",
		m.indexedUs, m.candidates, m.indexedMatched, m.indexedUs/m.parseUs)
	return nil
}

// waitDepth waits until the queue holds want messages and returns the count.
func waitDepth(ctx context.Context, q *sqs.Client, url string, want int64, limit time.Duration) (int64, error) {
	deadline := time.Now().Add(limit)
	for {
		out, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages"}})
		if err != nil {
			return 0, err
		}
		n, _ := strconv.ParseInt(out.Attributes["ApproximateNumberOfMessages"], 10, 64)
		if n >= want {
			return n, nil
		}
		if time.Now().After(deadline) {
			return n, fmt.Errorf("queue holds %d of %d events after %s", n, want, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type matchResult struct {
	parseUs, matchUs float64
	matched          int
	// indexed: as PutEvents does, only the rules the event's source can match
	indexedUs                  float64
	indexedMatched, candidates int
}

// matchBench compiles n varied rules (exact sources and detail-types,
// prefixes, numeric ranges, anything-but, exists, $or, wildcards over
// nested fields) and times decoding one event and matching it against all.
func matchBench(n int) matchResult {
	r := rand.New(rand.NewPCG(1, 2))
	sources := []string{"bench.orders", "bench.users", "aws.s3", "aws.ec2", "com.shop", "billing"}
	pats := make([]*pattern.Pattern, 0, n)
	for i := range n {
		src := sources[r.IntN(len(sources))]
		var p string
		switch i % 6 {
		case 0:
			p = fmt.Sprintf(`{"source":[%q],"detail-type":["Order Placed","Order %d"]}`, src, i)
		case 1:
			p = fmt.Sprintf(`{"source":[%q],"detail":{"total":[{"numeric":[">",%d,"<=",%d]}]}}`, src, r.IntN(200), 200+r.IntN(800))
		case 2:
			p = fmt.Sprintf(`{"source":[{"prefix":"bench."}],"detail":{"region":[{"anything-but":["r%d","us"]}]}}`, i)
		case 3:
			p = fmt.Sprintf(`{"detail":{"orderId":[{"prefix":"o-%d"}],"coupon":[{"exists":false}]}}`, r.IntN(10))
		case 4:
			p = fmt.Sprintf(`{"source":[%q],"$or":[{"detail":{"total":[{"numeric":[">",%d]}]}},{"detail":{"region":["eu","r%d"]}}]}`, src, r.IntN(300), i)
		default:
			p = fmt.Sprintf(`{"source":[{"wildcard":"*.%s"}],"detail-type":[{"equals-ignore-case":"order placed"}]}`, []string{"orders", "users", "s3"}[r.IntN(3)])
		}
		c, err := pattern.Compile([]byte(p))
		if err != nil {
			fatalf("pattern %s: %v", p, err)
		}
		pats = append(pats, c)
	}
	ev := []byte(`{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Order Placed","source":"bench.orders",` +
		`"account":"000000000000","time":"2025-03-01T12:00:00Z","region":"us-east-1","resources":["arn:aws:shop:::order/o-1"],` +
		`"detail":{"orderId":"o-1","total":120,"region":"eu","items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}}`)
	const parses = 20000
	start := time.Now()
	for range parses {
		if _, err := pattern.ParseEvent(ev); err != nil {
			fatalf("event: %v", err)
		}
	}
	res := matchResult{parseUs: float64(time.Since(start).Microseconds()) / parses}
	e, _ := pattern.ParseEvent(ev)
	rounds := 0
	start = time.Now()
	for time.Since(start) < 2*time.Second || rounds < 3 {
		res.matched = 0
		for _, p := range pats {
			if p.MatchEvent(e) {
				res.matched++
			}
		}
		rounds++
	}
	res.matchUs = float64(time.Since(start).Microseconds()) / float64(rounds)

	// As PutEvents matches: rules filed by the sources their patterns
	// require, the event matched against those of its source and the
	// unfiled ones.
	bySource, anySource := map[string][]int{}, []int{}
	for i, p := range pats {
		if srcs, ok := p.RequiredStrings("source"); ok {
			for _, v := range srcs {
				bySource[v] = append(bySource[v], i)
			}
		} else {
			anySource = append(anySource, i)
		}
	}
	rounds = 0
	start = time.Now()
	for time.Since(start) < 2*time.Second || rounds < 3 {
		res.indexedMatched, res.candidates = 0, 0
		src, _ := e.TopString("source")
		for _, list := range [][]int{bySource[src], anySource} {
			for _, i := range list {
				res.candidates++
				if pats[i].MatchEvent(e) {
					res.indexedMatched++
				}
			}
		}
		rounds++
	}
	res.indexedUs = float64(time.Since(start).Microseconds()) / float64(rounds)
	return res
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
