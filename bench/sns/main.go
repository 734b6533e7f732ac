// Command sns is hako's hand-run SNS fan-out benchmark: Publish to a
// standard topic with three SQS subscribers (no filter policies, the
// notification envelope, so every message is signed), at concurrency 16,
// beside two baselines measured in the same run with the same client:
//
//   - loopback: a bare net/http server in this process answering every
//     request with a small fixed body (the cost of an HTTP round trip);
//   - SendMessage: SQS SendMessage to one queue of the same hako (one
//     durable write, the unit of work a Publish multiplies by three).
//
// The client is bench/internal/benchkit's raw HTTP/1.1 client replaying
// pre-built unsigned requests (hako's default, permissive auth accepts
// them: a Publish as an awsQuery form POST, a SendMessage as awsJson).
// After the Publish phase the benchmark waits until the three queues hold
// every published message (3 per Publish) and reports that drain time and
// the end-to-end fan-out rate. Every figure is the median over -runs runs.
//
// hako runs in this process (server.New, default configuration, a
// temporary data directory), or is reached at -endpoint.
//
//	go run ./bench/sns [-runs 3] [-duration 3s] [-conc 16] [-endpoint http://127.0.0.1:4566]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/bench/internal/benchkit"
	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/server"
)

func main() {
	runs := flag.Int("runs", 3, "runs (the figures are medians over the runs)")
	duration := flag.Duration("duration", 3*time.Second, "measured time of each load phase")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "unmeasured warm-up of each load phase")
	conc := flag.Int("conc", 16, "concurrency (connections)")
	endpoint := flag.String("endpoint", "", "a running hako to measure (default: one started in this process)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (in-process hako included) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/sns:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*runs, *conc, *warmup, *duration, *endpoint); err != nil {
		fmt.Fprintln(os.Stderr, "bench/sns:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

func run(runs, conc int, warmup, duration time.Duration, endpoint string) error {
	ctx := context.Background()
	if endpoint == "" {
		dir, err := os.MkdirTemp("", "hako-bench-sns-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg := config.Default()
		cfg.DataDir = dir
		srv, err := server.New(ctx, cfg, server.Options{})
		if err != nil {
			return err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go srv.Serve(l)
		defer srv.Shutdown(context.Background())
		endpoint = "http://" + l.Addr().String()
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	addr := u.Host

	loop, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	small := []byte(`{"MessageId":"00000000-0000-0000-0000-000000000000"}`)
	go http.Serve(loop, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf [4096]byte
		for {
			if _, err := r.Body.Read(buf[:]); err != nil {
				break
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(small)
	}))

	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), BaseEndpoint: &endpoint}
	snsc, sqsc := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench-fanout")})
	if err != nil {
		return err
	}
	var queues []string
	for i := range 3 {
		q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprint("bench-sub-", i))})
		if err != nil {
			return err
		}
		queues = append(queues, *q.QueueUrl)
		arn := "arn:aws:sqs:us-east-1:000000000000:" + fmt.Sprint("bench-sub-", i)
		if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: &arn}); err != nil {
			return err
		}
	}
	single, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bench-single")})
	if err != nil {
		return err
	}

	msg := strings.Repeat("m", 200)
	publish := formPost(addr, url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}, "TopicArn": {*topic.TopicArn}, "Message": {msg}}.Encode())
	send := jsonPost(addr, "AmazonSQS.SendMessage", `{"QueueUrl":"`+*single.QueueUrl+`","MessageBody":"`+msg+`"}`)
	ping := jsonPost(loop.Addr().String(), "Ping.Ping", `{}`)
	ok := func(raw []byte) benchkit.Op {
		return func(c *benchkit.Conn) error {
			status, body, err := c.Do(raw)
			if err == nil && status != 200 {
				err = fmt.Errorf("status %d: %s", status, body)
			}
			return err
		}
	}

	var loopRate, sendRate, pubRate, drainSecs, fanRate []float64
	var pubP50, pubP99 []float64
	for r := range runs {
		progress("run %d/%d", r+1, runs)
		load := func(a string, raw []byte) benchkit.Stats {
			res := benchkit.Run(benchkit.Load{Addr: a, Concurrency: conc, Warmup: warmup, Duration: duration}, ok(raw))
			if res.Errors > 0 {
				progress("errors: %d (%s)", res.Errors, res.FirstErr)
			}
			return benchkit.Summarise(res, conc)
		}
		loopRate = append(loopRate, load(loop.Addr().String(), ping).PerSec)
		sendRate = append(sendRate, load(addr, send).PerSec)
		count := func() (int64, error) {
			var have int64
			for _, q := range queues {
				a, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &q, AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages"}})
				if err != nil {
					return 0, err
				}
				n, _ := strconv.ParseInt(a.Attributes["ApproximateNumberOfMessages"], 10, 64)
				have += n
			}
			return have, nil
		}
		before, err := count()
		if err != nil {
			return err
		}
		start := time.Now()
		res := benchkit.Run(benchkit.Load{Addr: addr, Concurrency: conc, Duration: duration}, ok(publish))
		published := time.Since(start)
		st := benchkit.Summarise(res, conc)
		if res.Errors > 0 {
			progress("publish errors: %d (%s)", res.Errors, res.FirstErr)
		}
		pubRate, pubP50, pubP99 = append(pubRate, st.PerSec), append(pubP50, st.P50Us), append(pubP99, st.P99Us)
		want := 3 * res.Total
		for {
			have, err := count()
			if err != nil {
				return err
			}
			if have-before >= want {
				break
			}
			if time.Since(start) > published+5*time.Minute {
				return fmt.Errorf("only %d of %d messages reached the queues", have-before, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
		total := time.Since(start)
		drainSecs = append(drainSecs, (total - published).Seconds())
		fanRate = append(fanRate, float64(want)/total.Seconds())
		progress("published %d in %v; all %d deliveries in the queues after %v", res.Total, published.Round(time.Millisecond), want, total.Round(time.Millisecond))
	}
	lr, sr, pr := median(loopRate), median(sendRate), median(pubRate)
	fmt.Printf("SNS fan-out benchmark: concurrency %d, %d runs of %v, 200-byte messages, 3 SQS subscribers (medians)\n\n", conc, runs, duration)
	fmt.Printf("%-38s %12s %10s\n", "phase", "ops/s", "ratio")
	fmt.Printf("%-38s %12.0f %10s\n", "loopback HTTP round trip (baseline)", lr, "1.00")
	fmt.Printf("%-38s %12.0f %10.3f\n", "SQS SendMessage (baseline)", sr, sr/lr)
	fmt.Printf("%-38s %12.0f %10.3f\n", "SNS Publish", pr, pr/lr)
	fmt.Printf("\nPublish / SendMessage: %.2f   Publish latency p50 %.0f µs, p99 %.0f µs\n", pr/sr, median(pubP50), median(pubP99))
	fmt.Printf("drain after the last Publish: %.2f s   end-to-end deliveries: %.0f/s (%.2f x SendMessage)\n",
		median(drainSecs), median(fanRate), median(fanRate)/sr)
	return nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// formPost is a raw awsQuery POST (unsigned).
func formPost(host, body string) []byte {
	return []byte("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// jsonPost is a raw awsJson1_0 POST (unsigned).
func jsonPost(host, target, body string) []byte {
	return []byte("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: " + target +
		"\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}
