package scheduler

import (
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/schedulerapi"
)

// FuzzDecodeToken: NextTokens come from clients; a token hako made
// decodes to what it encoded, anything else is refused without a panic.
func FuzzDecodeToken(f *testing.F) {
	f.Add("default/a")
	f.Add("")
	f.Fuzz(func(t *testing.T, key string) {
		got, err := decodeToken(encodeToken(&key))
		if err != nil || got != key {
			t.Fatalf("round trip of %q: %q, %v", key, got, err)
		}
		decodeToken(key) // arbitrary input
	})
}

// FuzzUniversalInput: a universal target's Input (the action's
// parameters, after the context attributes) is the user's JSON; any of
// it maps to a delivery of a known kind, and never panics.
func FuzzUniversalInput(f *testing.F) {
	f.Add("sqs:sendMessage", `{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/q","MessageBody":"x"}`)
	f.Add("sns:publish", `{"TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"m","MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}}}`)
	f.Add("lambda:invoke", `{"FunctionName":"fn","Payload":{"a":1}}`)
	f.Add("lambda:invoke", `{"FunctionName":"fn","Payload":"{\"a\":1}"}`)
	f.Add("sqs:sendMessage", `{"QueueUrl":"::","MessageBody":5}`)
	f.Add("dynamodb:putItem", `[]`)
	f.Fuzz(func(t *testing.T, action, in string) {
		arn := "arn:aws:scheduler:::aws-sdk:" + action
		r := &schedRow{sc: scope{"123456789012", "us-east-1"}, group: "default", name: "s",
			spec: spec{Target: schedulerapi.Target{Arn: &arn, Input: &in}}}
		r.spec.Target.RetryPolicy = &schedulerapi.RetryPolicy{MaximumEventAgeInSeconds: ptr(int32(60)), MaximumRetryAttempts: ptr(int32(0))}
		d := newFiring(r, 0).delivery()
		switch d.Kind {
		case kindSQS, kindSNS, kindLambda:
			if d.Target == "" {
				t.Fatalf("%s %s: empty target", action, in)
			}
		case kindUnsupported:
			if d.Attrs["reason"] == "" {
				t.Fatalf("%s %s: no reason", action, in)
			}
		default:
			t.Fatalf("%s %s: kind %q", action, in, d.Kind)
		}
	})
}

// FuzzQueueARN: queue URLs come from universal targets' Input.
func FuzzQueueARN(f *testing.F) {
	f.Add("https://sqs.eu-west-1.amazonaws.com/123456789012/q")
	f.Add("http://127.0.0.1:4566/000000000000/q")
	f.Add("https://eu-west-1.queue.amazonaws.com/123456789012/q")
	f.Fuzz(func(t *testing.T, u string) {
		arn, ok := queueARN(u, scope{"123456789012", "us-east-1"})
		if ok && (!strings.HasPrefix(arn, "arn:aws:sqs:") || strings.Count(arn, ":") < 5) {
			t.Fatalf("%q: %q", u, arn)
		}
	})
}

func TestQueueARN(t *testing.T) {
	sc := scope{"123456789012", "us-east-1"}
	for in, want := range map[string]string{
		"https://sqs.eu-west-1.amazonaws.com/111122223333/q":   "arn:aws:sqs:eu-west-1:111122223333:q",
		"https://eu-west-2.queue.amazonaws.com/111122223333/q": "arn:aws:sqs:eu-west-2:111122223333:q",
		"http://127.0.0.1:4566/000000000000/jobs.fifo":         "arn:aws:sqs:us-east-1:000000000000:jobs.fifo",
		"http://localhost:4566/q":                              "",
	} {
		got, ok := queueARN(in, sc)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", in, got, ok, want)
		}
	}
}
