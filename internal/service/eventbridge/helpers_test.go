package eventbridge_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// env is a hako on a fake clock with EventBridge and SQS clients. With
// HAKO_TEST_EVENTBRIDGE_STORE=postgres the store is PostgreSQL.
type env struct {
	t   *testing.T
	h   *hakotest.Server
	eb  *eventbridge.Client
	q   *sqs.Client
	clk *clock.Fake
	ctx context.Context
}

func newEnv(t *testing.T, opts ...hakotest.Option) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	opts = append([]hakotest.Option{hakotest.WithClock(clk)}, opts...)
	if os.Getenv("HAKO_TEST_EVENTBRIDGE_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	h := hakotest.Start(t, opts...)
	return &env{t: t, h: h, eb: h.EventBridge(), q: h.SQS(), clk: clk, ctx: context.Background()}
}

const account = "000000000000"

// queue creates a queue and returns its URL and ARN.
func (e *env) queue(name string, attrs map[string]string) (url, arn string) {
	e.t.Helper()
	out, err := e.q.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), "arn:aws:sqs:us-east-1:" + account + ":" + name
}

// receive waits (in real time) until the queue holds n messages and
// returns them; it fails the test after 20 seconds.
func (e *env) receive(url string, n int) []sqstypes.Message {
	e.t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := e.q.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, m)
			e.q.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		}
		if len(got) < n {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if len(got) != n {
		e.t.Fatalf("queue %s: got %d messages, want %d", url, len(got), n)
	}
	return got
}

// quiet checks that the queue stays empty for a moment.
func (e *env) quiet(url string) {
	e.t.Helper()
	time.Sleep(300 * time.Millisecond)
	out, err := e.q.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(out.Messages) > 0 {
		e.t.Fatalf("queue %s: unexpected message %s", url, aws.ToString(out.Messages[0].Body))
	}
}

// rule puts a rule with a pattern on bus (""=default) and an SQS target.
func (e *env) rule(bus, name, pattern string, targets ...ebtypes.Target) {
	e.t.Helper()
	in := &eventbridge.PutRuleInput{Name: aws.String(name), EventPattern: aws.String(pattern)}
	if bus != "" {
		in.EventBusName = aws.String(bus)
	}
	if _, err := e.eb.PutRule(e.ctx, in); err != nil {
		e.t.Fatal(err)
	}
	if len(targets) == 0 {
		return
	}
	pt := &eventbridge.PutTargetsInput{Rule: aws.String(name), Targets: targets}
	if bus != "" {
		pt.EventBusName = aws.String(bus)
	}
	if _, err := e.eb.PutTargets(e.ctx, pt); err != nil {
		e.t.Fatal(err)
	}
}

// put puts one event and fails on any failed entry.
func (e *env) put(entries ...ebtypes.PutEventsRequestEntry) *eventbridge.PutEventsOutput {
	e.t.Helper()
	out, err := e.eb.PutEvents(e.ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		e.t.Fatal(err)
	}
	if out.FailedEntryCount != 0 {
		e.t.Fatalf("failed entries: %+v", out.Entries)
	}
	return out
}

func entry(source, detailType, detail string) ebtypes.PutEventsRequestEntry {
	return ebtypes.PutEventsRequestEntry{Source: aws.String(source), DetailType: aws.String(detailType), Detail: aws.String(detail)}
}

// apiErr checks that err is the API error code with message msg ("" for
// any message).
func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return m
}
