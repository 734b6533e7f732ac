// Command sqsfn is a Lambda function used by hako's tests of SQS event
// source mappings: a real aws-lambda-go handler of events.SQSEvent.
//
// It records every event it gets by sending {"requestId","start","end",
// "endpoint","event"} to the SQS queue named by RECORD_QUEUE (a queue URL), through
// hako's endpoint (AWS_ENDPOINT_URL) and the credentials in its
// environment, and then answers by the bodies of the records:
//
//   - "fail..."  is reported in batchItemFailures (partial batch response)
//   - "crash..." fails the whole invocation with an error
//   - "badid..." reports an empty itemIdentifier (AWS fails the whole batch)
//
// SLEEP_MS makes every invocation last that long before it answers.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Record is what the function sends to RECORD_QUEUE for each invocation.
type Record struct {
	RequestID string          `json:"requestId"`
	Start     int64           `json:"start"` // Unix nanoseconds
	End       int64           `json:"end"`
	Endpoint  string          `json:"endpoint"` // the hako node that ran it
	Event     events.SQSEvent `json:"event"`
}

var client *sqs.Client

func handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	start := time.Now()
	if ms, _ := strconv.Atoi(os.Getenv("SLEEP_MS")); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	var resp events.SQSEventResponse
	var crash bool
	for _, r := range ev.Records {
		switch {
		case strings.HasPrefix(r.Body, "fail"):
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
		case strings.HasPrefix(r.Body, "badid"):
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ""})
		case strings.HasPrefix(r.Body, "crash"):
			crash = true
		}
	}
	rec := Record{Start: start.UnixNano(), End: time.Now().UnixNano(), Endpoint: os.Getenv("AWS_ENDPOINT_URL"), Event: ev}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		rec.RequestID = lc.AwsRequestID
	}
	if q := os.Getenv("RECORD_QUEUE"); q != "" {
		b, _ := json.Marshal(rec)
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String(string(b))}); err != nil {
			return resp, err
		}
	}
	if crash {
		return resp, errors.New("crashed on purpose")
	}
	return resp, nil
}

// bodyCopy gives the transport its own copy of each request body: the
// workaround of hako's docs/decisions.md D6 for a race between smithy-go
// and net/http.
type bodyCopy struct{ base http.RoundTripper }

func (t bodyCopy) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r2.ContentLength = int64(len(b))
	return t.base.RoundTrip(r2)
}

func main() {
	client = sqs.New(sqs.Options{
		Region:       os.Getenv("AWS_REGION"),
		BaseEndpoint: aws.String(os.Getenv("AWS_ENDPOINT_URL")),
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"),
			os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")),
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: bodyCopy{http.DefaultTransport.(*http.Transport).Clone()}},
	})
	lambda.Start(handle)
}
