package scheduler_test

import (
	"context"
	"errors"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

const (
	account = "000000000000"
	role    = "arn:aws:iam::000000000000:role/scheduler"
)

// t0 is where the tests' fake clocks start: a Monday, 09:58 UTC.
var t0 = time.Date(2030, 1, 7, 9, 58, 0, 0, time.UTC)

// env is one hako under test on a fake clock.
type env struct {
	t   *testing.T
	h   *hakotest.Server
	sch *scheduler.Client
	sqs *sqs.Client
	clk *clock.Fake
	ctx context.Context
}

// newEnv starts hako on a fake clock at start. With
// HAKO_TEST_SCHEDULER_STORE=postgres the store is an isolated PostgreSQL
// schema.
func newEnv(t *testing.T, start time.Time, opts ...hakotest.Option) *env {
	t.Helper()
	clk := clock.NewFake(start)
	return startEnv(t, clk, append(storeOpts(t), opts...)...)
}

// storeOpts selects the store of the tests: SQLite, or with
// HAKO_TEST_SCHEDULER_STORE=postgres a fresh PostgreSQL schema.
func storeOpts(t *testing.T) []hakotest.Option {
	if os.Getenv("HAKO_TEST_SCHEDULER_STORE") == "postgres" {
		return []hakotest.Option{hakotest.WithStore(storetest.PostgresURL(t))}
	}
	return nil
}

// startEnv starts hako on clk (opts choose the store and data directory).
func startEnv(t *testing.T, clk *clock.Fake, opts ...hakotest.Option) *env {
	t.Helper()
	opts = append([]hakotest.Option{hakotest.WithClock(clk)}, opts...)
	h := hakotest.Start(t, opts...)
	return &env{t: t, h: h, sch: h.Scheduler(), sqs: h.SQS(), clk: clk, ctx: context.Background()}
}

// queue creates a standard queue and returns its URL and ARN.
func (e *env) queue(name string) (url, arn string) {
	e.t.Helper()
	out, err := e.sqs.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), "arn:aws:sqs:us-east-1:" + account + ":" + name
}

// create creates a schedule; mod edits the input first.
func (e *env) create(name, expr, targetARN string, mod ...func(*scheduler.CreateScheduleInput)) string {
	e.t.Helper()
	in := &scheduler.CreateScheduleInput{
		Name: aws.String(name), ScheduleExpression: aws.String(expr),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(targetARN), RoleArn: aws.String(role)},
	}
	for _, m := range mod {
		m(in)
	}
	out, err := e.sch.CreateSchedule(e.ctx, in)
	if err != nil {
		e.t.Fatalf("CreateSchedule %s: %v", name, err)
	}
	return aws.ToString(out.ScheduleArn)
}

// advance moves the fake clock and gives the firing loop and the outbox a
// moment of real time to act on it.
func (e *env) advance(d time.Duration) {
	e.clk.Advance(d)
	time.Sleep(50 * time.Millisecond)
}

// drain receives (without long polling: SQS runs on the fake clock) until
// the queue has been empty for quiet of real time, and returns the
// messages, deleted.
func (e *env) drain(url string, quiet time.Duration) []sqstypes.Message {
	e.t.Helper()
	var got []sqstypes.Message
	last := time.Now()
	for time.Since(last) < quiet {
		out, err := e.sqs.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, m)
			if _, err := e.sqs.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				e.t.Fatal(err)
			}
			last = time.Now()
		}
		if len(out.Messages) == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return got
}

// waitN receives until n messages arrived (within 10 s of real time),
// then makes sure no more follow for a moment.
func (e *env) waitN(url string, n int) []sqstypes.Message {
	e.t.Helper()
	return e.waitNWithin(url, n, 10*time.Second)
}

// waitNWithin is waitN with its own deadline.
func (e *env) waitNWithin(url string, n int, within time.Duration) []sqstypes.Message {
	e.t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(within)
	for len(got) < n && time.Now().Before(deadline) {
		got = append(got, e.drain(url, 100*time.Millisecond)...)
	}
	got = append(got, e.drain(url, 300*time.Millisecond)...)
	if len(got) != n {
		e.t.Fatalf("got %d messages, want %d: %v", len(got), n, bodies(got))
	}
	return got
}

// bodies returns the messages' bodies, sorted.
func bodies(ms []sqstypes.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, aws.ToString(m.Body))
	}
	sort.Strings(out)
	return out
}

// wantErr checks that err is the API error code with exactly msg ("" for
// any message).
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
