// Command dynamodb is hako's hand-run DynamoDB benchmark: GetItem, PutItem
// and Query (100 items) at concurrency 1 and 32, each beside a baseline
// measured in the same run on the same machine with the same client:
//
//   - throughput and latency with the raw HTTP/1.1 client of
//     bench/internal/benchkit (pre-built SigV4-signed awsJson1_0 requests
//     replayed on keep-alive connections), against hako and against a bare
//     net/http server on loopback that answers each operation with the
//     bytes hako answered it with (same request and response sizes);
//   - latency (benchkit.P50, benchkit.P99) of aws-sdk-go-v2's DynamoDB client at
//     concurrency 1 against both servers.
//
// The table is pay-per-request with hash key pk (S) and sort key sk (N),
// holding 10,000 items of 200 bytes (100 partitions of 100 items);
// GetItem and PutItem address random keys among them, Query reads one
// random partition whole (100 items). Every figure is the median over
// -runs runs; the servers take turns within a run. See bench/README.md.
//
//	go run ./bench/dynamodb [-runs 3] [-duration 2s] [-json out.json]
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
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

const (
	table         = "bench"
	partitions    = 100
	perPartition  = 100 // items of a partition: what a Query returns
	items         = partitions * perPartition
	payloadLen    = 183 // + pk (6) + sk (4) + "payload" (7) = 200 bytes by DynamoDB's item size
	targetPrefix  = "DynamoDB_20120810."
	opGet         = "GetItem"
	opPut         = "PutItem"
	opQuery       = "Query"
	preloadBatch  = 25 // BatchWriteItem's maximum
	preloadWorker = 4
)

var ops = []string{opGet, opPut, opQuery}

var signing = benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "dynamodb"}

// payload is the same for every item (and every PutItem).
var payload = func() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, payloadLen)
	for i := range b {
		b[i] = alphabet[(i*7+3)%len(alphabet)]
	}
	return string(b)
}()

func pkOf(k int) string { return fmt.Sprintf("p%03d", k/perPartition) }
func skOf(k int) string { return strconv.Itoa(k % perPartition) }

type options struct {
	profile, profilePhase string
	runs                  int
	duration, warmup      time.Duration
	sdkDuration           time.Duration
	conc                  []int
	hakoBin               string
	jsonPath              string
	noSDK                 bool
}

func main() {
	var o options
	var conc, serve string
	flag.IntVar(&o.runs, "runs", 3, "runs of every phase (the figures are medians over the runs)")
	flag.DurationVar(&o.duration, "duration", 2*time.Second, "measured time of each raw-client phase")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before each raw-client phase (half of it before each SDK phase)")
	flag.DurationVar(&o.sdkDuration, "sdk-duration", time.Second, "measured time of each SDK latency phase")
	flag.StringVar(&conc, "conc", "1,32", "concurrencies (connections) of the raw-client phases")
	flag.StringVar(&o.hakoBin, "hako", "", "hako binary to measure (default: build ./cmd/hako with CGO_ENABLED=0)")
	flag.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	flag.BoolVar(&o.noSDK, "no-sdk", false, "skip the SDK latency phases")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile of hako, taken during -profile-phase of the last run, to this file")
	flag.StringVar(&o.profilePhase, "profile-phase", "GetItem c=32", `the phase to profile: "GetItem c=32", "Query c=1", ... (raw client) or "SDK GetItem", "SDK PutItem", "SDK Query"`)
	flag.StringVar(&serve, "serve-baseline", "", "internal: run the baseline server answering with the files of this directory")
	flag.Parse()
	if serve != "" {
		serveBaseline(serve)
		return
	}
	for _, f := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fatalf("-conc: %q is not a positive integer", f)
		}
		o.conc = append(o.conc, n)
	}
	if o.runs < 1 || o.duration <= 0 || o.sdkDuration <= 0 {
		fatalf("-runs, -duration and -sdk-duration must be positive")
	}
	if err := run(o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/dynamodb: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

// target is one server under load: hako or the baseline.
type target struct {
	name  string
	proc  *benchkit.Proc
	sdk   *dynamodb.Client
	get   [][]byte // raw GetItem of every key
	put   [][]byte // raw PutItem of every key
	query [][]byte // raw Query of every partition
}

func run(o options) error {
	var cl benchkit.Cleanup
	defer cl.Run()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		progress("interrupted: cleaning up")
		cl.Run()
		os.Exit(1)
	}()

	tmp, err := os.MkdirTemp("", "hako-bench-dynamodb-")
	if err != nil {
		return err
	}
	cl.Add(func() { os.RemoveAll(tmp) })
	hakoBin := o.hakoBin
	if hakoBin == "" {
		root, err := benchkit.ModuleRoot()
		if err != nil {
			return errors.New("run from inside the hako module, or give -hako")
		}
		hakoBin = filepath.Join(tmp, "hako")
		progress("building hako")
		cmd := exec.Command("go", "build", "-o", hakoBin, "./cmd/hako")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./cmd/hako: %v\n%s", err, b)
		}
	}
	rep := &report{Started: time.Now(), Machine: machineInfo(), Settings: settingsOf(o)}

	// hako, the table and its items.
	hp, err := benchkit.StartProc(hakoBin, []string{"--addr", "127.0.0.1:0", "--data-dir", filepath.Join(tmp, "data")}, nil, 60*time.Second)
	if err != nil {
		return err
	}
	cl.Add(hp.Kill)
	hako := &target{name: "hako", proc: hp, sdk: sdkClient(hp.URL())}
	ctx := context.Background()
	if err := createTable(ctx, hako.sdk); err != nil {
		return fmt.Errorf("hako CreateTable: %v\n%s", err, hp.Stderr())
	}
	progress("loading %d items of %d bytes (%d partitions of %d)", items, itemSize(), partitions, perPartition)
	t0 := time.Now()
	if err := preload(ctx, hako.sdk); err != nil {
		return fmt.Errorf("hako BatchWriteItem: %v\n%s", err, hp.Stderr())
	}
	progress("  loaded in %v", time.Since(t0).Round(time.Millisecond))
	if err := hako.buildRequests(); err != nil {
		return err
	}

	// The baseline answers every operation with what hako answered it.
	answers := filepath.Join(tmp, "answers")
	if err := os.MkdirAll(answers, 0o755); err != nil {
		return err
	}
	if err := hako.recordAnswers(answers, rep); err != nil {
		return fmt.Errorf("%v\n%s", err, hp.Stderr())
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bp, err := benchkit.StartProc(self, []string{"-serve-baseline", answers}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	cl.Add(bp.Kill)
	base := &target{name: "baseline", proc: bp, sdk: sdkClient(bp.URL())}
	if err := base.buildRequests(); err != nil {
		return err
	}
	targets := []*target{base, hako}

	for r := range o.runs {
		for _, conc := range o.conc {
			for _, op := range ops {
				for _, t := range targets {
					wait := func() {}
					if o.profile != "" && r == o.runs-1 && t == hako && o.profilePhase == fmt.Sprintf("%s c=%d", op, conc) {
						wait = benchkit.StartProfile(t.proc.Addr, o.profile, int((o.warmup + o.duration).Seconds()), progress)
					}
					res := benchkit.Run(benchkit.Load{Addr: t.proc.Addr, Concurrency: conc, Warmup: o.warmup, Duration: o.duration}, t.op(op))
					wait()
					st := benchkit.Summarise(res, conc)
					rep.add(op, "raw", conc, t.name, st)
					progress("run %d/%d %-7s raw c=%-3d %-8s %8.0f req/s  p50 %6.0f µs  p99 %6.0f µs  errors %d %s",
						r+1, o.runs, op, conc, t.name, st.PerSec, st.P50Us, st.P99Us, st.Errors, st.FirstErr)
				}
			}
		}
		if o.noSDK {
			continue
		}
		for _, op := range ops {
			for _, t := range targets {
				wait := func() {}
				if o.profile != "" && r == o.runs-1 && t == hako && o.profilePhase == "SDK "+op {
					wait = benchkit.StartProfile(t.proc.Addr, o.profile, int((o.warmup/2 + o.sdkDuration).Seconds()), progress)
				}
				st := benchkit.Summarise(benchkit.Sequential(o.warmup/2, o.sdkDuration, t.sdkOp(ctx, op)), 1)
				wait()
				rep.add(op, "sdk", 1, t.name, st)
				progress("run %d/%d %-7s SDK c=1   %-8s p50 %6.0f µs  p99 %6.0f µs  errors %d %s",
					r+1, o.runs, op, t.name, st.P50Us, st.P99Us, st.Errors, st.FirstErr)
			}
		}
	}

	// The PutItems overwrote existing keys: the table still holds exactly
	// the loaded items.
	if n, err := countItems(ctx, hako.sdk); err != nil {
		rep.note("Scan (COUNT) after the load: %v", err)
	} else if n != items {
		rep.note("SUSPICIOUS: the table holds %d items after the run, want %d (PutItem only overwrites loaded keys)", n, items)
	}
	rep.Memory, _ = benchkit.ReadMemory(hp.PID())
	if _, err := hp.Stop(30 * time.Second); err != nil {
		rep.note("hako did not stop cleanly on SIGTERM: %v", err)
	}
	bp.Stop(10 * time.Second)

	rep.print(os.Stdout, o)
	if o.jsonPath != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.jsonPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
		progress("results written to %s", o.jsonPath)
	}
	return nil
}

func sdkClient(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: signing.Region, BaseEndpoint: aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(signing.AccessKey, signing.SecretKey, ""),
		HTTPClient:       benchkit.SDKHTTPClient(),
		RetryMaxAttempts: 1,
	})
}

func createTable(ctx context.Context, c *dynamodb.Client) error {
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
	})
	if err != nil {
		return err
	}
	// hako's table is ACTIVE at once; wait anyway, as a client of AWS would.
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 50 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 30*time.Second)
}

func sdkItem(k int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk":      &types.AttributeValueMemberS{Value: pkOf(k)},
		"sk":      &types.AttributeValueMemberN{Value: skOf(k)},
		"payload": &types.AttributeValueMemberS{Value: payload},
	}
}

func sdkKey(k int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pkOf(k)},
		"sk": &types.AttributeValueMemberN{Value: skOf(k)},
	}
}

// itemSize is the size of an item by DynamoDB's rule (attribute names
// plus values; a number of up to 2 digits takes 2 bytes).
func itemSize() int { return len("pk") + 4 + len("sk") + 2 + len("payload") + payloadLen }

// preload writes every item with BatchWriteItem from a few goroutines.
func preload(ctx context.Context, c *dynamodb.Client) error {
	batches := make(chan int)
	errs := make(chan error, preloadWorker)
	var wg sync.WaitGroup
	for range preloadWorker {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := range batches {
				var reqs []types.WriteRequest
				for k := first; k < min(first+preloadBatch, items); k++ {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: sdkItem(k)}})
				}
				for tries := 0; len(reqs) > 0; tries++ {
					if tries == 10 {
						errs <- fmt.Errorf("%d items still unprocessed after %d tries", len(reqs), tries)
						return
					}
					out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
					if err != nil {
						errs <- err
						return
					}
					reqs = out.UnprocessedItems[table]
				}
			}
		}()
	}
	var err error
feed:
	for first := 0; first < items; first += preloadBatch {
		select {
		case batches <- first:
		case err = <-errs:
			break feed
		}
	}
	close(batches)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

func countItems(ctx context.Context, c *dynamodb.Client) (int, error) {
	n := 0
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table), Select: types.SelectCount})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return 0, err
		}
		n += int(out.Count)
	}
	return n, nil
}

// The wire bodies of the requests (awsJson1_0, as the SDK writes them).

type wireValue map[string]string // {"S": "..."} or {"N": "..."}

func wireKey(k int) map[string]wireValue {
	return map[string]wireValue{"pk": {"S": pkOf(k)}, "sk": {"N": skOf(k)}}
}

func getBody(k int) []byte {
	b, _ := json.Marshal(map[string]any{"TableName": table, "Key": wireKey(k)})
	return b
}

func putBody(k int) []byte {
	item := wireKey(k)
	item["payload"] = wireValue{"S": payload}
	b, _ := json.Marshal(map[string]any{"TableName": table, "Item": item})
	return b
}

func queryBody(p int) []byte {
	b, _ := json.Marshal(map[string]any{
		"TableName":                 table,
		"KeyConditionExpression":    "pk = :p",
		"ExpressionAttributeValues": map[string]wireValue{":p": {"S": pkOf(p * perPartition)}},
	})
	return b
}

// buildRequests signs one request of each operation and derives the raw
// request of every key (partition) from it with another body. The
// signature is not recomputed: this relies on hako's default permissive
// auth, which parses header signatures but does not verify them.
func (t *target) buildRequests() error {
	for _, x := range []struct {
		op   string
		n    int
		body func(int) []byte
		dst  *[][]byte
	}{{opGet, items, getBody, &t.get}, {opPut, items, putBody, &t.put}, {opQuery, partitions, queryBody, &t.query}} {
		req, _, err := benchkit.SignedJSON(t.proc.Addr, targetPrefix+x.op, x.body(0), signing)
		if err != nil {
			return err
		}
		*x.dst = make([][]byte, x.n)
		for i := range x.n {
			(*x.dst)[i] = req.With(x.body(i))
		}
	}
	return nil
}

var (
	itemKey    = []byte(`"Item":{`)
	queryCount = []byte(`"Count":` + strconv.Itoa(perPartition))
)

// op returns the raw-client operation: a random key (partition) each time,
// and a check of the answer.
func (t *target) op(op string) benchkit.Op {
	switch op {
	case opGet:
		return func(c *benchkit.Conn) error {
			b, err := benchkit.Expect200(c, t.get[rand.IntN(len(t.get))])
			if err == nil && !bytes.Contains(b, itemKey) {
				err = fmt.Errorf("GetItem answer without the item: %.200s", b)
			}
			return err
		}
	case opPut:
		return func(c *benchkit.Conn) error {
			_, err := benchkit.Expect200(c, t.put[rand.IntN(len(t.put))])
			return err
		}
	default:
		return func(c *benchkit.Conn) error {
			b, err := benchkit.Expect200(c, t.query[rand.IntN(len(t.query))])
			if err == nil && !bytes.Contains(b, queryCount) {
				err = fmt.Errorf("Query answer without %s items: %.200s", queryCount, b)
			}
			return err
		}
	}
}

// sdkOp returns the operation through aws-sdk-go-v2's client.
func (t *target) sdkOp(ctx context.Context, op string) func() error {
	switch op {
	case opGet:
		return func() error {
			out, err := t.sdk.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: sdkKey(rand.IntN(items))})
			if err == nil && len(out.Item) != 3 {
				err = fmt.Errorf("GetItem: %d attributes, want 3", len(out.Item))
			}
			return err
		}
	case opPut:
		return func() error {
			_, err := t.sdk.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: sdkItem(rand.IntN(items))})
			return err
		}
	default:
		return func() error {
			out, err := t.sdk.Query(ctx, &dynamodb.QueryInput{
				TableName:                 aws.String(table),
				KeyConditionExpression:    aws.String("pk = :p"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: pkOf(rand.IntN(items))}},
			})
			if err == nil && len(out.Items) != perPartition {
				err = fmt.Errorf("Query: %d items, want %d", len(out.Items), perPartition)
			}
			return err
		}
	}
}

// recordAnswers sends one request of each operation to hako, checks the
// answer and writes it to dir/OPERATION for the baseline server; the wire
// sizes go into the report.
func (t *target) recordAnswers(dir string, rep *report) error {
	c := benchkit.NewConn(t.proc.Addr)
	defer c.Close()
	for _, x := range []struct {
		op  string
		raw []byte
		req []byte
	}{{opGet, t.get[0], getBody(0)}, {opPut, t.put[0], putBody(0)}, {opQuery, t.query[0], queryBody(0)}} {
		b, err := benchkit.Expect200(c, x.raw)
		if err != nil {
			return fmt.Errorf("hako %s: %v", x.op, err)
		}
		var out struct {
			Item  map[string]any
			Items []map[string]any
			Count int
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return fmt.Errorf("hako %s answer: %v: %.200s", x.op, err, b)
		}
		switch {
		case x.op == opGet && len(out.Item) != 3,
			x.op == opQuery && (len(out.Items) != perPartition || out.Count != perPartition):
			return fmt.Errorf("hako %s: unexpected answer %.300s", x.op, b)
		}
		if err := os.WriteFile(filepath.Join(dir, x.op), b, 0o644); err != nil {
			return err
		}
		rep.Settings.Wire = append(rep.Settings.Wire, wire{Op: x.op, RequestBody: len(x.req), Request: len(x.raw), ResponseBody: len(b)})
	}
	return nil
}

type machine struct {
	CPUModel   string `json:"cpu_model"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	Kernel     string `json:"kernel"`
	LoadAvg    string `json:"loadavg_at_start"`
}

func machineInfo() machine {
	m := machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version()}
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
	return m
}
