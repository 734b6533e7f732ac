package sns_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// env is one hako under test.
type env struct {
	t   *testing.T
	h   *hakotest.Server
	c   *sns.Client
	q   *sqs.Client
	clk *clock.Fake // nil on the real clock
	ctx context.Context
}

// newEnv starts hako on the real clock (fake: on a fake clock set to
// now). With HAKO_TEST_SNS_STORE=postgres the store is an isolated
// PostgreSQL schema.
func newEnv(t *testing.T, fake bool, opts ...hakotest.Option) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background()}
	if fake {
		e.clk = clock.NewFake(time.Now().Truncate(time.Second))
		opts = append(opts, hakotest.WithClock(e.clk))
	}
	if os.Getenv("HAKO_TEST_SNS_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	e.h = hakotest.Start(t, opts...)
	e.c, e.q = e.h.SNS(), e.h.SQS()
	return e
}

func (e *env) createTopic(name string, attrs map[string]string) string {
	e.t.Helper()
	out, err := e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateTopic %s: %v", name, err)
	}
	return *out.TopicArn
}

// createQueue creates a queue and returns its URL and ARN.
func (e *env) createQueue(name string, attrs map[string]string) (string, string) {
	e.t.Helper()
	out, err := e.q.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return *out.QueueUrl, "arn:aws:sqs:us-east-1:000000000000:" + name
}

func (e *env) subscribe(topic, protocol, endpoint string, attrs map[string]string) string {
	e.t.Helper()
	out, err := e.c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: &topic, Protocol: &protocol, Endpoint: &endpoint,
		Attributes: attrs, ReturnSubscriptionArn: true})
	if err != nil {
		e.t.Fatalf("Subscribe %s %s: %v", protocol, endpoint, err)
	}
	return *out.SubscriptionArn
}

// receive polls a queue until it holds n messages (or the wait ends) and
// returns them, deleted.
func (e *env) receive(url string, n int, wait time.Duration) []sqstypes.Message {
	e.t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(wait)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := e.q.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, m)
			if _, err := e.q.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}); err != nil {
				e.t.Fatal(err)
			}
		}
		if len(out.Messages) == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return got
}

// quiet asserts that a queue stays empty for a while.
func (e *env) quiet(url string) {
	e.t.Helper()
	if got := e.receive(url, 1, 300*time.Millisecond); len(got) > 0 {
		e.t.Fatalf("unexpected messages: %s", aws.ToString(got[0].Body))
	}
}

// notification is the JSON envelope SNS sends to queues.
type notification struct {
	Type, MessageId, TopicArn, Subject, Message, Timestamp string
	SequenceNumber                                         string
	SignatureVersion, Signature, SigningCertURL            string
	UnsubscribeURL                                         string
	MessageAttributes                                      map[string]struct{ Type, Value string }
}

func decodeNotification(t *testing.T, body string) notification {
	t.Helper()
	var n notification
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatalf("notification %q: %v", body, err)
	}
	return n
}

func messagesOf(t *testing.T, ms []sqstypes.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, decodeNotification(t, aws.ToString(m.Body)).Message)
	}
	sort.Strings(out)
	return out
}

// apiError asserts err is the AWS error code (wire code) with message.
func apiError(t *testing.T, err error, code, msg string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("error = %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
	if status != 0 {
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() != status {
			t.Fatalf("status = %d, want %d", re.HTTPStatusCode(), status)
		}
	}
}

// getJSON fetches a hako URL and decodes its JSON.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
