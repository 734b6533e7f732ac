package sqs_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// env is one hako under test with a fake clock.
type env struct {
	t   *testing.T
	srv *hakotest.Server
	c   *sqs.Client
	clk *clock.Fake
	ctx context.Context
}

// newEnv starts hako on a fake clock (set to the current time, so request
// signatures look fresh). With HAKO_TEST_SQS_STORE=postgres the store is
// an isolated PostgreSQL schema.
func newEnv(t *testing.T, opts ...hakotest.Option) *env {
	t.Helper()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	opts = append([]hakotest.Option{hakotest.WithClock(clk)}, opts...)
	if os.Getenv("HAKO_TEST_SQS_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	srv := hakotest.Start(t, opts...)
	return &env{t: t, srv: srv, c: srv.SQS(), clk: clk, ctx: context.Background()}
}

func (e *env) createQueue(name string, attrs map[string]string) string {
	e.t.Helper()
	out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return *out.QueueUrl
}

func (e *env) createFIFO(name string, attrs map[string]string) string {
	e.t.Helper()
	a := map[string]string{"FifoQueue": "true"}
	for k, v := range attrs {
		a[k] = v
	}
	return e.createQueue(name, a)
}

func (e *env) send(url, body string) *sqs.SendMessageOutput {
	e.t.Helper()
	out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		e.t.Fatalf("SendMessage: %v", err)
	}
	return out
}

func (e *env) sendFIFO(url, body, group, dedup string) *sqs.SendMessageOutput {
	e.t.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body), MessageGroupId: aws.String(group)}
	if dedup != "" {
		in.MessageDeduplicationId = aws.String(dedup)
	}
	out, err := e.c.SendMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("SendMessage: %v", err)
	}
	return out
}

func (e *env) receive(url string, max int32, opt ...func(*sqs.ReceiveMessageInput)) []types.Message {
	e.t.Helper()
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}, MessageAttributeNames: []string{"All"}}
	for _, o := range opt {
		o(in)
	}
	out, err := e.c.ReceiveMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

func (e *env) del(url, handle string) {
	e.t.Helper()
	if _, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(handle)}); err != nil {
		e.t.Fatalf("DeleteMessage: %v", err)
	}
}

func (e *env) attrs(url string, names ...string) map[string]string {
	e.t.Helper()
	var an []types.QueueAttributeName
	for _, n := range names {
		an = append(an, types.QueueAttributeName(n))
	}
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: an})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes: %v", err)
	}
	return out.Attributes
}

func (e *env) advance(d time.Duration) { e.clk.Advance(d) }

// apiErr returns the error code (the query-compatible code the SDK reports)
// and message of err.
func apiErr(t *testing.T, err error) (string, string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error, got none")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantErr checks err's code and, if msg is not empty, its message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	gotCode, gotMsg := apiErr(t, err)
	if gotCode != code {
		t.Errorf("error code = %q, want %q (message %q)", gotCode, code, gotMsg)
	}
	if msg != "" && gotMsg != msg {
		t.Errorf("error message = %q, want %q", gotMsg, msg)
	}
}

func bodies(ms []types.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}
