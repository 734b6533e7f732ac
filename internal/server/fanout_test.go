package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

// Cross-service flows of the seeds: S3 -> SNS -> SQS fan-out with filter
// policies, S3 -> EventBridge -> SQS, and Lambda destinations on SNS and
// EventBridge. Each service has its own tests; these check the wiring.

// queueARN returns the ARN of the queue url.
func queueARN(t *testing.T, c *sqs.Client, url string) string {
	t.Helper()
	out, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes["QueueArn"]
}

// drainBodies receives from url until want messages came or the deadline passed,
// then waits a little more for unexpected extra ones.
func drainBodies(t *testing.T, c *sqs.Client, url string, want int) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < want && time.Now().Before(deadline) {
		for _, m := range receiveOnce(t, c, url, 1) {
			got = append(got, aws.ToString(m.Body))
		}
	}
	for _, m := range receiveOnce(t, c, url, 0) {
		got = append(got, aws.ToString(m.Body))
	}
	return got
}

// TestSeedS3TopicThreeQueues is the seed fan-out: an object created in a
// bucket is published to a topic, and three queues subscribed with
// different MessageBody filter policies each get only their objects, in
// SNS's notification envelope around S3's event.
func TestSeedS3TopicThreeQueues(t *testing.T) {
	h := hakotest.Start(t)
	ctx := context.Background()
	q, n, c := h.SQS(), h.SNS(), h.S3()
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("uploads")})
	if err != nil {
		t.Fatal(err)
	}
	policies := map[string]string{
		"images": `{"Records":{"s3":{"object":{"key":[{"prefix":"images/"}]}}}}`,
		"csv":    `{"Records":{"s3":{"object":{"key":[{"suffix":".csv"}]}}}}`,
		"large":  `{"Records":{"s3":{"object":{"size":[{"numeric":[">=",1000]}]}}}}`,
	}
	urls := map[string]string{}
	for name, policy := range policies {
		urls[name] = createQueue(t, q, "fanout-"+name, nil)
		if _, err := n.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
			Endpoint:   aws.String(queueARN(t, q, urls[name])),
			Attributes: map[string]string{"FilterPolicy": policy, "FilterPolicyScope": "MessageBody"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fanout")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("fanout"),
		NotificationConfiguration: &s3types.NotificationConfiguration{TopicConfigurations: []s3types.TopicConfiguration{{
			TopicArn: topic.TopicArn, Events: []s3types.Event{"s3:ObjectCreated:*"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	objects := map[string]int{"images/a.png": 10, "images/big.png": 2000, "data/x.csv": 5, "notes.txt": 1}
	for k, size := range objects {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("fanout"), Key: aws.String(k), Body: strings.NewReader(strings.Repeat("x", size))}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{
		"images": {"images/a.png", "images/big.png"},
		"csv":    {"data/x.csv"},
		"large":  {"images/big.png"},
	}
	for name, keys := range want {
		var got []string
		for _, body := range drainBodies(t, q, urls[name], len(keys)) {
			var env struct{ Type, TopicArn, Subject, Message string }
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatalf("%s: not an SNS envelope: %s", name, body)
			}
			if env.Type != "Notification" || env.TopicArn != aws.ToString(topic.TopicArn) || env.Subject != "Amazon S3 Notification" {
				t.Errorf("%s: envelope %+v", name, env)
			}
			var ev events.S3Event
			if err := json.Unmarshal([]byte(env.Message), &ev); err != nil || len(ev.Records) != 1 {
				t.Fatalf("%s: not an S3 event: %s", name, env.Message)
			}
			got = append(got, ev.Records[0].S3.Object.Key)
		}
		slices.Sort(got)
		if !slices.Equal(got, keys) {
			t.Errorf("queue %s got %v, want %v", name, got, keys)
		}
	}
}

// TestS3EventBridgeRuleToQueue turns on a bucket's EventBridge
// notifications: a rule on the default bus routes its "Object Created" and
// "Object Deleted" events to a queue.
func TestS3EventBridgeRuleToQueue(t *testing.T) {
	h := hakotest.Start(t)
	ctx := context.Background()
	q, eb, c := h.SQS(), h.EventBridge(), h.S3()
	url := createQueue(t, q, "s3-events", nil)
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("s3-in"),
		EventPattern: aws.String(`{"source":["aws.s3"],"detail":{"bucket":{"name":["eb-bucket"]},"object":{"key":[{"prefix":"in/"}]}}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("s3-in"),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(queueARN(t, q, url))}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eb-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("eb-bucket"),
		NotificationConfiguration: &s3types.NotificationConfiguration{EventBridgeConfiguration: &s3types.EventBridgeConfiguration{}}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"in/a.json", "out/b.json"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("eb-bucket"), Key: aws.String(k), Body: strings.NewReader("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("eb-bucket"), Key: aws.String("in/a.json")}); err != nil {
		t.Fatal(err)
	}
	type detail struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  string `json:"key"`
			Size *int64 `json:"size"`
			ETag string `json:"etag"`
		} `json:"object"`
		Reason       string `json:"reason"`
		DeletionType string `json:"deletion-type"`
	}
	var got []string
	for _, body := range drainBodies(t, q, url, 2) {
		var ev events.CloudWatchEvent
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatalf("not an EventBridge event: %s", body)
		}
		var d detail
		json.Unmarshal(ev.Detail, &d)
		if ev.Source != "aws.s3" || ev.Version != "0" || ev.AccountID != "000000000000" || len(ev.Resources) != 1 || ev.Resources[0] != "arn:aws:s3:::eb-bucket" {
			t.Errorf("event %s", body)
		}
		switch ev.DetailType {
		case "Object Created":
			if d.Reason != "PutObject" || d.Object.Size == nil || *d.Object.Size != 2 || d.Object.ETag == "" {
				t.Errorf("created detail %s", ev.Detail)
			}
		case "Object Deleted":
			if d.Reason != "DeleteObject" || d.DeletionType != "Permanently Deleted" || d.Object.Size != nil {
				t.Errorf("deleted detail %s", ev.Detail)
			}
		}
		got = append(got, ev.DetailType+" "+d.Object.Key)
	}
	slices.Sort(got)
	if want := []string{"Object Created in/a.json", "Object Deleted in/a.json"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLambdaDestinationsSNSAndEventBridge sends an asynchronous
// invocation's success record to a topic (raw delivery to a queue) and its
// failure record to a custom bus whose rule forwards it to another queue.
func TestLambdaDestinationsSNSAndEventBridge(t *testing.T) {
	h := hakotest.Start(t)
	ctx := context.Background()
	q, n, eb, lc := h.SQS(), h.SNS(), h.EventBridge(), h.Lambda()
	okURL, failURL := createQueue(t, q, "dest-ok", nil), createQueue(t, q, "dest-fail", nil)
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("results")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(queueARN(t, q, okURL)), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	bus, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("failures")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("lambda-failures"), EventBusName: aws.String("failures"),
		EventPattern: aws.String(`{"source":["lambda"],"detail-type":["Lambda Function Invocation Result - Failure"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("lambda-failures"), EventBusName: aws.String("failures"),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(queueARN(t, q, failURL))}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("dest-fn"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("dest-fn"),
		MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig: &ltypes.DestinationConfig{
			OnSuccess: &ltypes.OnSuccess{Destination: topic.TopicArn},
			OnFailure: &ltypes.OnFailure{Destination: bus.EventBusArn},
		}}); err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{`{"echo":"fine"}`, `{"fail":"boom"}`} {
		if _, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("dest-fn"), InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(payload)}); err != nil {
			t.Fatal(err)
		}
	}
	type record struct {
		RequestContext struct {
			Condition string `json:"condition"`
		} `json:"requestContext"`
		RequestPayload  json.RawMessage `json:"requestPayload"`
		ResponsePayload json.RawMessage `json:"responsePayload"`
	}
	ok := drainBodies(t, q, okURL, 1)
	if len(ok) != 1 {
		t.Fatalf("success destination got %d messages: %v", len(ok), ok)
	}
	var rec record
	if err := json.Unmarshal([]byte(ok[0]), &rec); err != nil || rec.RequestContext.Condition != "Success" || string(rec.ResponsePayload) != `"fine"` {
		t.Errorf("success record %s", ok[0])
	}
	failed := drainBodies(t, q, failURL, 1)
	if len(failed) != 1 {
		t.Fatalf("failure destination got %d messages: %v", len(failed), failed)
	}
	var ev events.CloudWatchEvent
	if err := json.Unmarshal([]byte(failed[0]), &ev); err != nil || ev.Source != "lambda" || len(ev.Resources) != 2 || ev.Resources[0] != aws.ToString(bus.EventBusArn) {
		t.Fatalf("failure event %s", failed[0])
	}
	if err := json.Unmarshal(ev.Detail, &rec); err != nil || rec.RequestContext.Condition != "RetriesExhausted" || string(rec.RequestPayload) != `{"fail":"boom"}` {
		t.Errorf("failure record %s", ev.Detail)
	}
}
