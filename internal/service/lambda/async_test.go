package lambda_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
)

// receiveOne waits (in real time) for one message on queue.
func receiveOne(t *testing.T, q *sqs.Client, url string, within time.Duration) *sqstypes.Message {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		// No long polling: tests may run SQS on a fake clock.
		out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			q.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: out.Messages[0].ReceiptHandle})
			return &out.Messages[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func makeQueue(t *testing.T, q *sqs.Client, name string) (url, arn string) {
	t.Helper()
	out, err := q.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), "arn:aws:sqs:us-east-1:000000000000:" + name
}

type destRecord struct {
	Version        string `json:"version"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"`
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload"`
}

func TestAsyncInvokeDestinationsAndRetries(t *testing.T) {
	fake := clock.NewFake(time.Now())
	h := hakotest.Start(t, hakotest.WithClock(fake))
	c, q := h.Lambda(), h.SQS()
	ctx := context.Background()
	okURL, okARN := makeQueue(t, q, "on-success")
	failURL, failARN := makeQueue(t, q, "on-failure")
	dlqURL, dlqARN := makeQueue(t, q, "fn-dlq")
	createGo(t, c, "asyncfn", func(in *lambda.CreateFunctionInput) {
		in.DeadLetterConfig = &types.DeadLetterConfig{TargetArn: aws.String(dlqARN)}
	})
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("asyncfn"),
		DestinationConfig: &types.DestinationConfig{
			OnSuccess: &types.OnSuccess{Destination: aws.String(okARN)},
			OnFailure: &types.OnFailure{Destination: aws.String(failARN)},
		},
	}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("asyncfn"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"echo":{"n":1}}`)})
	if err != nil || res.StatusCode != 202 {
		t.Fatalf("event invoke %v %v", res, err)
	}
	m := receiveOne(t, q, okURL, 10*time.Second)
	if m == nil {
		t.Fatal("no success record")
	}
	var rec destRecord
	json.Unmarshal([]byte(aws.ToString(m.Body)), &rec)
	if rec.Version != "1.0" || rec.RequestContext.Condition != "Success" || rec.RequestContext.ApproximateInvokeCount != 1 ||
		rec.RequestContext.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:asyncfn:$LATEST" ||
		string(rec.ResponsePayload) != `{"n":1}` || rec.ResponseContext.StatusCode != 200 || !strings.Contains(string(rec.RequestPayload), `"n":1`) {
		t.Errorf("success record %s", aws.ToString(m.Body))
	}

	// A failing event runs three times: now, after 1 and after 2 more minutes.
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("asyncfn"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"fail":"always"}`)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // first attempt
	if m := receiveOne(t, q, failURL, 100*time.Millisecond); m != nil {
		t.Fatalf("failure delivered before the retries: %s", aws.ToString(m.Body))
	}
	fake.Advance(61 * time.Second)
	time.Sleep(1500 * time.Millisecond) // second attempt
	fake.Advance(121 * time.Second)
	m = receiveOne(t, q, failURL, 10*time.Second)
	if m == nil {
		t.Fatal("no failure record after retries")
	}
	rec = destRecord{}
	json.Unmarshal([]byte(aws.ToString(m.Body)), &rec)
	if rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.ApproximateInvokeCount != 3 ||
		rec.ResponseContext.FunctionError != "Unhandled" || !strings.Contains(string(rec.ResponsePayload), "always") {
		t.Errorf("failure record %s", aws.ToString(m.Body))
	}
	d := receiveOne(t, q, dlqURL, 5*time.Second)
	if d == nil {
		t.Fatal("no dead-letter message")
	}
	if aws.ToString(d.Body) != `{"fail":"always"}` || aws.ToString(d.MessageAttributes["ErrorMessage"].StringValue) != "always" ||
		aws.ToString(d.MessageAttributes["RequestID"].StringValue) != rec.RequestContext.RequestID {
		t.Errorf("dead-letter message %s %v", aws.ToString(d.Body), d.MessageAttributes)
	}
}

func TestAsyncNoRetriesAndMaxAge(t *testing.T) {
	fake := clock.NewFake(time.Now())
	h := hakotest.Start(t, hakotest.WithClock(fake))
	c, q := h.Lambda(), h.SQS()
	ctx := context.Background()
	failURL, failARN := makeQueue(t, q, "fails")
	createGo(t, c, "noretry")
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("noretry"), MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(failARN)}},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("noretry")})
	if err != nil || aws.ToInt32(got.MaximumRetryAttempts) != 0 || aws.ToString(got.DestinationConfig.OnFailure.Destination) != failARN {
		t.Fatalf("get config %+v %v", got, err)
	}
	c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("noretry"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"fail":"once"}`)})
	m := receiveOne(t, q, failURL, 10*time.Second)
	if m == nil {
		t.Fatal("no failure record")
	}
	var rec destRecord
	json.Unmarshal([]byte(aws.ToString(m.Body)), &rec)
	if rec.RequestContext.ApproximateInvokeCount != 1 || rec.RequestContext.Condition != "RetriesExhausted" {
		t.Errorf("record %s", aws.ToString(m.Body))
	}
	if _, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("noretry"), MaximumEventAgeInSeconds: aws.Int32(60)}); err != nil {
		t.Fatal(err)
	}
	list, _ := c.ListFunctionEventInvokeConfigs(ctx, &lambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("noretry")})
	if len(list.FunctionEventInvokeConfigs) != 1 || aws.ToInt32(list.FunctionEventInvokeConfigs[0].MaximumEventAgeInSeconds) != 60 {
		t.Errorf("list %+v", list.FunctionEventInvokeConfigs)
	}
	if _, err := c.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("noretry")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("noretry")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("deleted config: %v", err)
	}
}

func TestAsyncPayloadLimit(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	createGo(t, c, "big")
	big := `{"echo":"` + strings.Repeat("x", 1024*1024) + `"}`
	_, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("big"), InvocationType: types.InvocationTypeEvent, Payload: []byte(big)})
	if apiCode(err) != "RequestTooLargeException" || !strings.Contains(err.Error(), "Request must be smaller than 1048576 bytes for the InvokeFunction operation") {
		t.Errorf("async too large: %v", err)
	}
	huge := `{"echo":"` + strings.Repeat("x", 6*1024*1024) + `"}`
	_, err = c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("big"), Payload: []byte(huge)})
	if apiCode(err) != "RequestTooLargeException" || !strings.Contains(err.Error(), "6291456") {
		t.Errorf("sync too large: %v", err)
	}
}

// TestAsyncMaximumEventAge: an event that fails and waits for its retry
// longer than MaximumEventAgeInSeconds goes to the failure destination with
// the condition EventAgeExceeded, without running again.
func TestAsyncMaximumEventAge(t *testing.T) {
	fake := clock.NewFake(time.Now())
	h := hakotest.Start(t, hakotest.WithClock(fake))
	c, q := h.Lambda(), h.SQS()
	ctx := context.Background()
	failURL, failARN := makeQueue(t, q, "too-old")
	createGo(t, c, "aging")
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("aging"), MaximumEventAgeInSeconds: aws.Int32(60),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(failARN)}},
	}); err != nil {
		t.Fatal(err)
	}
	c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("aging"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"fail":"x"}`)})
	time.Sleep(1500 * time.Millisecond) // the first attempt fails; the retry is due in a minute
	fake.Advance(2 * time.Minute)
	m := receiveOne(t, q, failURL, 10*time.Second)
	if m == nil {
		t.Fatal("no failure record")
	}
	var rec destRecord
	json.Unmarshal([]byte(aws.ToString(m.Body)), &rec)
	if rec.RequestContext.Condition != "EventAgeExceeded" || rec.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("record %s", aws.ToString(m.Body))
	}
}
