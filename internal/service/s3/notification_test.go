package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// newQueue creates a queue and returns its URL and ARN.
func newQueue(t *testing.T, q *sqs.Client, name string, attrs map[string]string) (string, string) {
	t.Helper()
	ctx := context.Background()
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	a, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), a.Attributes["QueueArn"]
}

// receive reads n messages from the queue (deleting them), failing after a
// few seconds; then it checks that no other message follows.
func receive(t *testing.T, q *sqs.Client, url string, n int) []string {
	t.Helper()
	ctx := context.Background()
	var bodies []string
	deadline := time.Now().Add(10 * time.Second)
	for len(bodies) < n && time.Now().Before(deadline) {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			if _, err := q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(bodies) != n {
		t.Fatalf("got %d messages, want %d: %q", len(bodies), n, bodies)
	}
	return bodies
}

// expectNone checks that the queue stays empty for a moment (deliveries
// start as soon as their transaction commits).
func expectNone(t *testing.T, q *sqs.Client, url string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out.Messages {
		t.Errorf("unexpected message: %s", aws.ToString(m.Body))
	}
}

// record decodes an event message of one record, as a generic map and as
// aws-lambda-go's S3Event (what handlers use).
func record(t *testing.T, body string) (map[string]any, events.S3EventRecord) {
	t.Helper()
	var m struct {
		Records []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil || len(m.Records) != 1 {
		t.Fatalf("not an event message of one record (%v): %s", err, body)
	}
	var ev events.S3Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("S3Event: %v", err)
	}
	return m.Records[0], ev.Records[0]
}

// path reads a nested member of a decoded record ("s3.object.key").
func path(m map[string]any, p string) any {
	var v any = m
	for _, k := range strings.Split(p, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v, ok = mm[k]
		if !ok {
			return nil
		}
	}
	return v
}

func putNotif(t *testing.T, c *s3.Client, bucket string, cfg *types.NotificationConfiguration) {
	t.Helper()
	if _, err := c.PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(bucket), NotificationConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
}

func filter(rules ...string) *types.NotificationConfigurationFilter {
	f := &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{}}
	for i := 0; i+1 < len(rules); i += 2 {
		f.Key.FilterRules = append(f.Key.FilterRules, types.FilterRule{Name: types.FilterRuleName(rules[i]), Value: aws.String(rules[i+1])})
	}
	return f
}

var eventTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestNotificationConfiguration(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	newBucket(t, c, "notif-cfg")
	_, arn := newQueue(t, q, "cfg-events", nil)
	if _, err := h.SNS().CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t")}); err != nil {
		t.Fatal(err)
	}

	// None yet: an empty configuration.
	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("notif-cfg")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.QueueConfigurations)+len(got.TopicConfigurations)+len(got.LambdaFunctionConfigurations) != 0 || got.EventBridgeConfiguration != nil {
		t.Fatalf("new bucket has a configuration: %+v", got)
	}

	putNotif(t, c, "notif-cfg", &types.NotificationConfiguration{
		QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("PREFIX", "images/", "suffix", ".jpg")},
			{Id: aws.String("removals"), QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectRemoved:Delete", "s3:ObjectTagging:*"}},
		},
		TopicConfigurations: []types.TopicConfiguration{
			{Id: aws.String("topic"), TopicArn: aws.String("arn:aws:sns:us-east-1:000000000000:t"), Events: []types.Event{"s3:LifecycleExpiration:*"}},
		},
		EventBridgeConfiguration: &types.EventBridgeConfiguration{},
	})
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("notif-cfg")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.QueueConfigurations) != 2 || len(got.TopicConfigurations) != 1 || got.EventBridgeConfiguration == nil {
		t.Fatalf("configuration: %+v", got)
	}
	q0 := got.QueueConfigurations[0]
	if id := aws.ToString(q0.Id); id == "" || id == "removals" {
		t.Errorf("generated Id = %q", id)
	}
	if aws.ToString(q0.QueueArn) != arn || len(q0.Events) != 1 || q0.Events[0] != "s3:ObjectCreated:*" {
		t.Errorf("queue configuration: %+v", q0)
	}
	if q0.Filter == nil || q0.Filter.Key == nil || len(q0.Filter.Key.FilterRules) != 2 ||
		q0.Filter.Key.FilterRules[0].Name != "Prefix" || aws.ToString(q0.Filter.Key.FilterRules[0].Value) != "images/" ||
		q0.Filter.Key.FilterRules[1].Name != "Suffix" || aws.ToString(q0.Filter.Key.FilterRules[1].Value) != ".jpg" {
		t.Errorf("filter: %+v", q0.Filter)
	}
	if q1 := got.QueueConfigurations[1]; aws.ToString(q1.Id) != "removals" || len(q1.Events) != 2 || q1.Filter != nil {
		t.Errorf("second queue configuration: %+v", q1)
	}
	if tc := got.TopicConfigurations[0]; aws.ToString(tc.Id) != "topic" || aws.ToString(tc.TopicArn) != "arn:aws:sns:us-east-1:000000000000:t" {
		t.Errorf("topic configuration: %+v", tc)
	}

	// An empty configuration turns notifications off.
	putNotif(t, c, "notif-cfg", &types.NotificationConfiguration{})
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("notif-cfg")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.QueueConfigurations)+len(got.TopicConfigurations) != 0 || got.EventBridgeConfiguration != nil {
		t.Fatalf("configuration after removal: %+v", got)
	}

	_, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("no-such-bucket-x")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestNotificationTestEvent(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	newBucket(t, c, "notif-test")
	url, arn := newQueue(t, q, "test-events", nil)
	out, err := c.PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("notif-test"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}},
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectRemoved:*"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// One test event per queue, there once the configuration is accepted.
	body := receive(t, q, url, 1)[0]
	var ev map[string]any
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(body, `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"`) {
		t.Errorf("test event: %s", body)
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if ev["Bucket"] != "notif-test" || ev["RequestId"] != rid || ev["HostId"] == "" || !eventTimeRE.MatchString(ev["Time"].(string)) || len(ev) != 6 {
		t.Errorf("test event: %s (request id %s)", body, rid)
	}
	expectNone(t, q, url)

	// No test event when validation is skipped.
	if _, err := c.PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("notif-test"), SkipDestinationValidation: aws.Bool(true),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	expectNone(t, q, url)
}

func TestNotificationMessages(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	newBucket(t, c, "notif-msgs")
	url, arn := newQueue(t, q, "msgs", nil)
	putNotif(t, c, "notif-msgs", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{Id: aws.String("created"), QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}},
		{Id: aws.String("removed"), QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectRemoved:*"}},
		{Id: aws.String("tags"), QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectTagging:Put"}},
	}})
	receive(t, q, url, 1) // the test event

	const key = "dir/hello world (1)+~ü.txt"
	const encoded = "dir/hello+world+%281%29%2B%7E%C3%BC.txt"
	putOut := put(t, c, "notif-msgs", key, "hello, events")
	putID, _ := awsmiddleware.GetRequestIDMetadata(putOut.ResultMetadata)
	m, ev := record(t, receive(t, q, url, 1)[0])

	want := map[string]any{
		"eventVersion":                      "2.1",
		"eventSource":                       "aws:s3",
		"awsRegion":                         "us-east-1",
		"eventName":                         "ObjectCreated:Put",
		"userIdentity.principalId":          "AWS:" + h.AccessKey,
		"requestParameters.sourceIPAddress": "127.0.0.1",
		"responseElements.x-amz-request-id": putID,
		"responseElements.x-amz-id-2":       putID,
		"s3.s3SchemaVersion":                "1.0",
		"s3.configurationId":                "created",
		"s3.bucket.name":                    "notif-msgs",
		"s3.bucket.arn":                     "arn:aws:s3:::notif-msgs",
		"s3.object.key":                     encoded,
		"s3.object.size":                    float64(len("hello, events")),
		"s3.object.eTag":                    md5hex("hello, events"),
	}
	for p, v := range want {
		if got := path(m, p); got != v {
			t.Errorf("%s = %v, want %v", p, got, v)
		}
	}
	if s, _ := path(m, "eventTime").(string); !eventTimeRE.MatchString(s) {
		t.Errorf("eventTime = %q", s)
	}
	if s, _ := path(m, "s3.bucket.ownerIdentity.principalId").(string); s == "" {
		t.Error("no bucket owner")
	}
	if path(m, "s3.object.versionId") != nil {
		t.Error("versionId in an event of an unversioned bucket")
	}
	seq1, _ := path(m, "s3.object.sequencer").(string)
	if !regexp.MustCompile(`^[0-9A-F]{16,}$`).MatchString(seq1) {
		t.Errorf("sequencer = %q", seq1)
	}
	// What a Go handler sees.
	if ev.EventName != "ObjectCreated:Put" || ev.S3.Bucket.Name != "notif-msgs" || ev.S3.Object.Key != encoded ||
		ev.S3.Object.URLDecodedKey != key || ev.S3.Object.Size != int64(len("hello, events")) || ev.S3.Object.ETag != md5hex("hello, events") ||
		ev.EventTime.IsZero() || ev.ResponseElements["x-amz-request-id"] != putID {
		t.Errorf("S3Event record: %+v", ev)
	}

	// Copy, tagging and delete, in order, with growing sequencers.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("notif-msgs"), Key: aws.String("copy.txt"),
		CopySource: aws.String("notif-msgs/dir/hello%20world%20%281%29%2B~%C3%BC.txt")}); err == nil {
		m, _ := record(t, receive(t, q, url, 1)[0])
		if path(m, "eventName") != "ObjectCreated:Copy" || path(m, "s3.object.key") != "copy.txt" || path(m, "s3.object.eTag") != md5hex("hello, events") {
			t.Errorf("copy event: %v", m)
		}
	} else {
		t.Logf("CopyObject not available yet: %v", err)
	}
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("notif-msgs"), Key: aws.String(key),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}); err != nil {
		t.Fatal(err)
	}
	m, _ = record(t, receive(t, q, url, 1)[0])
	if path(m, "eventName") != "ObjectTagging:Put" || path(m, "eventVersion") != "2.3" || path(m, "s3.configurationId") != "tags" ||
		path(m, "s3.object.eTag") != md5hex("hello, events") || path(m, "s3.object.size") != nil || path(m, "s3.object.sequencer") != nil {
		t.Errorf("tagging event: %v", m)
	}
	// Removing tags is not configured.
	if _, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("notif-msgs"), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notif-msgs"), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	m, _ = record(t, receive(t, q, url, 1)[0])
	if path(m, "eventName") != "ObjectRemoved:Delete" || path(m, "s3.configurationId") != "removed" || path(m, "s3.object.key") != encoded ||
		path(m, "s3.object.size") != nil || path(m, "s3.object.eTag") != nil || path(m, "s3.object.versionId") != nil {
		t.Errorf("delete event: %v", m)
	}
	if seq2, _ := path(m, "s3.object.sequencer").(string); !seqLess(seq1, seq2) {
		t.Errorf("sequencer of the delete %q is not above the put's %q", seq2, seq1)
	}

	// Put again: the sequencer keeps growing.
	put(t, c, "notif-msgs", key, "again")
	m, _ = record(t, receive(t, q, url, 1)[0])
	if seq3, _ := path(m, "s3.object.sequencer").(string); !seqLess(seq1, seq3) {
		t.Errorf("sequencer of the second put %q is not above the first's %q", seq3, seq1)
	}
	expectNone(t, q, url)
}

// seqLess compares sequencers as S3 documents: left-pad, then compare.
func seqLess(a, b string) bool {
	for len(a) < len(b) {
		a = "0" + a
	}
	for len(b) < len(a) {
		b = "0" + b
	}
	return a < b
}

func TestNotificationVersioned(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	newBucket(t, c, "notif-vers")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("notif-vers"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	url, arn := newQueue(t, q, "vers", nil)
	putNotif(t, c, "notif-vers", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:Put", "s3:ObjectRemoved:*"}},
	}})
	receive(t, q, url, 1)

	out := put(t, c, "notif-vers", "k", "v1")
	m, _ := record(t, receive(t, q, url, 1)[0])
	if path(m, "s3.object.versionId") != aws.ToString(out.VersionId) || aws.ToString(out.VersionId) == "" {
		t.Errorf("versionId = %v, want %s", path(m, "s3.object.versionId"), aws.ToString(out.VersionId))
	}
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notif-vers"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = record(t, receive(t, q, url, 1)[0])
	if path(m, "eventName") != "ObjectRemoved:DeleteMarkerCreated" || path(m, "s3.object.versionId") != aws.ToString(del.VersionId) {
		t.Errorf("delete marker event: %v (marker %s)", m, aws.ToString(del.VersionId))
	}
	// Deleting a version for good.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notif-vers"), Key: aws.String("k"), VersionId: out.VersionId}); err != nil {
		t.Fatal(err)
	}
	m, _ = record(t, receive(t, q, url, 1)[0])
	if path(m, "eventName") != "ObjectRemoved:Delete" || path(m, "s3.object.versionId") != aws.ToString(out.VersionId) {
		t.Errorf("version delete event: %v", m)
	}
}

func TestNotificationFilters(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	newBucket(t, c, "notif-filter")
	jpgURL, jpgARN := newQueue(t, q, "jpg", nil)
	logURL, logARN := newQueue(t, q, "logs", nil)
	allURL, allARN := newQueue(t, q, "all", nil)
	putNotif(t, c, "notif-filter", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{QueueArn: aws.String(jpgARN), Events: []types.Event{"s3:ObjectCreated:Put"}, Filter: filter("prefix", "images/", "suffix", ".jpg")},
		{QueueArn: aws.String(logARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("Prefix", "logs/")},
		// Special characters of filter values are URL-encoded.
		{QueueArn: aws.String(allARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "year%3D2026/")},
	}})
	for _, u := range []string{jpgURL, logURL, allURL} {
		receive(t, q, u, 1)
	}
	for _, k := range []string{"images/a.jpg", "images/b.png", "a.jpg", "images/sub/c.jpg", "images/C.JPG", "logs/x", "logsx", "year=2026/x"} {
		put(t, c, "notif-filter", k, "x")
	}
	keys := func(url string, n int) []string {
		var out []string
		for _, b := range receive(t, q, url, n) {
			m, _ := record(t, b)
			out = append(out, path(m, "s3.object.key").(string))
		}
		return out
	}
	if got := keys(jpgURL, 2); !(got[0] == "images/a.jpg" && got[1] == "images/sub/c.jpg" || got[1] == "images/a.jpg" && got[0] == "images/sub/c.jpg") {
		t.Errorf("jpg queue got %q", got)
	}
	if got := keys(logURL, 1); got[0] != "logs/x" {
		t.Errorf("logs queue got %q", got)
	}
	if got := keys(allURL, 1); got[0] != "year%3D2026/x" {
		t.Errorf("encoded-prefix queue got %q", got)
	}
	for _, u := range []string{jpgURL, logURL, allURL} {
		expectNone(t, q, u)
	}
}

func TestNotificationValidation(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	newBucket(t, c, "notif-valid")
	_, arn := newQueue(t, q, "valid", nil)
	_, fifoARN := newQueue(t, q, "valid.fifo", map[string]string{"FifoQueue": "true"})
	qc := func(arn string, evs ...types.Event) types.QueueConfiguration {
		return types.QueueConfiguration{QueueArn: aws.String(arn), Events: evs}
	}
	cases := []struct {
		name string
		cfg  types.NotificationConfiguration
		msg  string
	}{
		{"bad event", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{qc(arn, "s3:ObjectCreated:Get")}},
			"The event is not supported for notifications"},
		{"missing queue", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{qc("arn:aws:sqs:us-east-1:000000000000:nope", "s3:ObjectCreated:*")}},
			"Unable to validate the following destination configurations"},
		{"fifo queue", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{qc(fifoARN, "s3:ObjectCreated:*")}},
			"Unable to validate the following destination configurations"},
		{"missing function", types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{
			{LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:nope"), Events: []types.Event{"s3:ObjectCreated:*"}}}},
			"Unable to validate the following destination configurations"},
		{"bad arn", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{qc("queue", "s3:ObjectCreated:*")}},
			"The ARN could not be parsed"},
		{"other region", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{qc("arn:aws:sqs:eu-west-1:000000000000:valid", "s3:ObjectCreated:*")}},
			"The notification destination service region is not valid for the bucket location constraint"},
		{"bad filter rule", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("middle", "x")}}},
			"filter rule name must be either prefix or suffix"},
		{"same events", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			qc(arn, "s3:ObjectCreated:*"), qc(arn, "s3:ObjectCreated:Put")}},
			"Configurations overlap. Configurations on the same bucket cannot share a common event type."},
		{"overlapping filters", types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "images/")},
			{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:Put"}, Filter: filter("prefix", "images/raw/", "suffix", ".jpg")}}},
			"Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."},
	}
	for _, tc := range cases {
		_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("notif-valid"), NotificationConfiguration: &tc.cfg})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgument" || ae.ErrorMessage() != tc.msg || status(err) != 400 {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Rules that do not overlap are fine: other events, or disjoint prefixes.
	putNotif(t, c, "notif-valid", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "images/")},
		{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "videos/")},
		{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectRemoved:*"}},
	}})

	// The error document names the destination, as S3's does.
	body := `<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:nope</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>`
	code, resp := signedPut(t, h, "/notif-valid?notification", body)
	if code != 400 || !strings.Contains(resp, "<ArgumentName>arn:aws:sqs:us-east-1:000000000000:nope</ArgumentName>") ||
		!strings.Contains(resp, "<ArgumentValue>The destination queue does not exist</ArgumentValue>") {
		t.Errorf("error document: %d %s", code, resp)
	}
}

// signedPut sends a SigV4-signed PUT with an XML body to the S3 endpoint.
func signedPut(t *testing.T, h *hakotest.Server, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	creds := aws.Credentials{AccessKeyID: h.AccessKey, SecretAccessKey: h.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "s3", h.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(bytes.TrimSpace(b))
}

// TestNotificationGoneQueue deletes a destination queue: its events are
// dropped and the other destinations still get theirs.
func TestNotificationGoneQueue(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	newBucket(t, c, "notif-gone")
	goneURL, goneARN := newQueue(t, q, "gone", nil)
	keptURL, keptARN := newQueue(t, q, "kept", nil)
	putNotif(t, c, "notif-gone", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{QueueArn: aws.String(goneARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "a/")},
		{QueueArn: aws.String(keptARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("prefix", "b/")},
	}})
	receive(t, q, keptURL, 1)
	if _, err := q.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(goneURL)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		put(t, c, "notif-gone", "a/x", "x")
		put(t, c, "notif-gone", "b/x", "x")
	}
	for _, b := range receive(t, q, keptURL, 3) {
		if m, _ := record(t, b); path(m, "s3.object.key") != "b/x" {
			t.Errorf("kept queue got %v", m)
		}
	}
	expectNone(t, q, keptURL)
}

// TestNotificationPostgresNodes runs two nodes on one PostgreSQL database:
// a configuration put on one applies at once to the writes of the other,
// which had cached that the bucket had none.
func TestNotificationPostgresNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	a := hakotest.Start(t, hakotest.WithStore(url))
	b := hakotest.Start(t, hakotest.WithStore(url))
	ca, cb, q := a.S3(), b.S3(), a.SQS()
	newBucket(t, ca, "notif-nodes")
	put(t, cb, "notif-nodes", "before", "x") // b caches "no configuration"
	qURL, arn := newQueue(t, q, "nodes", nil)
	putNotif(t, ca, "notif-nodes", &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		{QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}},
	}})
	receive(t, q, qURL, 1) // the test event
	deadline := time.Now().Add(5 * time.Second)
	for {
		put(t, cb, "notif-nodes", "after", "x")
		out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(qURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			m, _ := record(t, aws.ToString(out.Messages[0].Body))
			if path(m, "s3.object.key") != "after" {
				t.Errorf("event: %v", m)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("node b never saw the configuration put on node a")
		}
	}
}
