package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

// TestS3NotificationInvokesLambda uploads objects to a bucket whose
// notification configuration names a function: the function (a real
// aws-lambda-go handler of events.S3Event) gets the S3 event of each
// matching upload and reports it to a queue.
func TestS3NotificationInvokesLambda(t *testing.T) {
	h := hakotest.Start(t)
	ctx := context.Background()
	q, lc, c := h.SQS(), h.Lambda(), h.S3()
	records := createQueue(t, q, "s3fn-records", nil)
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("on-upload"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "s3fn")},
		Environment: &ltypes.Environment{Variables: map[string]string{"RECORD_QUEUE": "000000000000/s3fn-records"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			Id: aws.String("csv-in"), LambdaFunctionArn: fn.FunctionArn, Events: []s3types.Event{"s3:ObjectCreated:*"},
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{
				{Name: "prefix", Value: aws.String("in/")}, {Name: "suffix", Value: aws.String(".csv")}}}},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"in/skip.txt", "in/data 1.csv", "out/other.csv"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(k), Body: strings.NewReader("a,b\n1,2\n")}); err != nil {
			t.Fatal(err)
		}
	}

	var got []string
	deadline := time.Now().Add(30 * time.Second)
	for len(got) == 0 && time.Now().Before(deadline) {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(records), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
		}
	}
	if len(got) != 1 {
		t.Fatalf("function reported %d invocations: %q", len(got), got)
	}
	var rec struct {
		Raw   json.RawMessage
		Keys  []string
		Names []string
	}
	if err := json.Unmarshal([]byte(got[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Keys) != 1 || rec.Keys[0] != "in/data 1.csv" || rec.Names[0] != "ObjectCreated:Put" {
		t.Fatalf("function saw %+v", rec)
	}
	var ev events.S3Event
	if err := json.Unmarshal(rec.Raw, &ev); err != nil {
		t.Fatal(err)
	}
	r := ev.Records[0]
	if r.EventSource != "aws:s3" || r.EventVersion != "2.1" || r.AWSRegion != "us-east-1" || r.S3.ConfigurationID != "csv-in" ||
		r.S3.Bucket.Name != "uploads" || r.S3.Bucket.Arn != "arn:aws:s3:::uploads" || r.S3.Object.Key != "in/data+1.csv" ||
		r.S3.Object.Size != int64(len("a,b\n1,2\n")) || r.S3.Object.ETag == "" || r.S3.Object.Sequencer == "" {
		t.Errorf("event: %s", rec.Raw)
	}

	// Nothing else runs.
	time.Sleep(300 * time.Millisecond)
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(records), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out.Messages {
		t.Errorf("unexpected invocation: %s", aws.ToString(m.Body))
	}
}
