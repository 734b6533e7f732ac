package scheduler_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hako-dev/hako/internal/lambdatest"
)

// TestScheduleInvokesFunction is the seed flow "schedule -> function": a
// rate schedule invokes a real Go function (lambdatest's gofn) with its
// Input, in which the function finds a queue to write the scheduled time
// to; a universal lambda:invoke target does the same.
func TestScheduleInvokesFunction(t *testing.T) {
	e := newEnv(t, t0)
	url, _ := e.queue("fn-out")
	fn, err := e.h.Lambda().CreateFunction(e.ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("worker"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String(role), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.create("every-minute", "rate(1 minute)", aws.ToString(fn.FunctionArn),
		withInput(`{"sendTo":"`+url+`","body":"templated <aws.scheduler.scheduled-time>"}`))
	// Payload is the SDK's blob: the event as a JSON string.
	payload := strconv.Quote(`{"sendTo":"` + url + `","body":"universal <aws.scheduler.scheduled-time>"}`)
	e.create("universal", "rate(1 hour)", "arn:aws:scheduler:::aws-sdk:lambda:invoke",
		withInput(`{"FunctionName":"worker","Payload":`+payload+`}`))
	got := bodies(e.waitNWithin(url, 2, 60*time.Second))
	if want := fmtList([]string{"templated " + stamp(t0), "universal " + stamp(t0)}); fmtList(got) != want {
		t.Errorf("first invocations %v, want %s", got, want)
	}
	e.advance(time.Minute)
	e.advance(time.Minute)
	got = bodies(e.waitNWithin(url, 2, 30*time.Second))
	if want := fmtList([]string{"templated " + stamp(t0.Add(time.Minute)), "templated " + stamp(t0.Add(2*time.Minute))}); fmtList(got) != want {
		t.Errorf("next invocations %v, want %s", got, want)
	}
}

// TestEventBusTarget sends the schedule's event to an event bus, whose
// rule forwards it to a queue. Skipped while this build's EventBridge
// cannot take rules.
func TestEventBusTarget(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("bus-out")
	eb := e.h.EventBridge()
	if _, err := eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("from-scheduler"),
		EventPattern: aws.String(`{"source":["my.app"],"detail-type":["tick"]}`)}); err != nil {
		if strings.Contains(err.Error(), "not supported") {
			t.Skipf("EventBridge rules are not available in this build: %v", err)
		}
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String("from-scheduler"),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(qarn)}}}); err != nil {
		t.Fatal(err)
	}
	arn := e.create("to-bus", "rate(1 hour)", "arn:aws:events:us-east-1:000000000000:event-bus/default", withInput(`{"n":1}`),
		func(in *scheduler.CreateScheduleInput) {
			in.Target.EventBridgeParameters = &types.EventBridgeParameters{DetailType: aws.String("tick"), Source: aws.String("my.app")}
		})
	var ev struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Time       string          `json:"time"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	m := e.waitN(url, 1)[0]
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.DetailType != "tick" || ev.Source != "my.app" || ev.Time != stamp(t0) || string(ev.Detail) != `{"n":1}` ||
		len(ev.Resources) != 1 || ev.Resources[0] != arn {
		t.Errorf("event %s", aws.ToString(m.Body))
	}
}

// TestFIFOQueueTarget: SqsParameters.MessageGroupId sends to a FIFO queue,
// one deduplication id per firing.
func TestFIFOQueueTarget(t *testing.T) {
	e := newEnv(t, t0)
	out, err := e.sqs.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs.fifo"),
		Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(out.QueueUrl)
	e.create("fifo", "rate(1 minute)", "arn:aws:sqs:us-east-1:000000000000:jobs.fifo", withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.Target.SqsParameters = &types.SqsParameters{MessageGroupId: aws.String("g1")}
	})
	e.advance(time.Minute)
	if got := firedAt(t, e.waitN(url, 2)); got[0] != stamp(t0) || got[1] != stamp(t0.Add(time.Minute)) {
		t.Errorf("FIFO firings %v", got)
	}
}

// TestTopicTarget publishes the Input to an SNS topic with a raw queue
// subscription. Skipped while this build's SNS cannot take topics.
func TestTopicTarget(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("topic-out")
	c := e.h.SNS()
	topic, err := c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	if err != nil {
		if strings.Contains(err.Error(), "not supported") {
			t.Skipf("SNS topics are not available in this build: %v", err)
		}
		t.Fatal(err)
	}
	if _, err := c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qarn),
		Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	e.create("to-topic", "rate(1 hour)", aws.ToString(topic.TopicArn), withInput(ctxInput))
	if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(t0) {
		t.Errorf("published %v", got)
	}
}
