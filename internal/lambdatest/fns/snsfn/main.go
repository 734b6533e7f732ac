// Command snsfn is a Lambda function used by hako's tests of SNS Lambda
// subscriptions: a real aws-lambda-go handler of events.SNSEvent.
//
// It sends the event it got, as aws-lambda-go decoded it and re-encoded
// it, to the SQS queue named by RECORD_QUEUE (a queue URL), through hako's
// endpoint (AWS_ENDPOINT_URL) and the credentials in its environment. A
// message starting with "fail" makes the invocation fail.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

var client *sqs.Client

func handle(ctx context.Context, ev events.SNSEvent) error {
	if q := os.Getenv("RECORD_QUEUE"); q != "" {
		b, _ := json.Marshal(ev)
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String(string(b))}); err != nil {
			return err
		}
	}
	for _, r := range ev.Records {
		if strings.HasPrefix(r.SNS.Message, "fail") {
			return errors.New("failed on purpose")
		}
	}
	return nil
}

// bodyCopy gives the transport its own copy of each request body (see
// hako's docs/decisions.md D6).
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
