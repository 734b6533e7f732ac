package sqs_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// bodyRecorder keeps the last response of an SDK client.
type bodyRecorder struct {
	next   sqs.HTTPClient
	header http.Header
	body   []byte
}

func (r *bodyRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.header, r.body = resp.Header.Clone(), b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// Errors outside the SQS model carry the generic coral __type in the JSON
// protocol (InvalidParameterValueException, MissingRequiredParameterException)
// while x-amzn-query-error, and so the SDK's error code, is the SQS code.
// Batch entries report the SQS code.
func TestJSONErrorTypeOfUnmodelledErrorsIsCoral(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("coral", nil)
	rec := &bodyRecorder{}
	c := e.srv.SQS(func(o *sqs.Options) { rec.next = o.HTTPClient; o.HTTPClient = rec })
	check := func(err error, code, typ string) {
		t.Helper()
		wantErr(t, err, code, "")
		var body struct {
			Type string `json:"__type"`
		}
		if jerr := json.Unmarshal(rec.body, &body); jerr != nil || body.Type != typ {
			t.Errorf("__type = %q (%v), want %q; body %s", body.Type, jerr, typ, rec.body)
		}
		if h := rec.header.Get("x-amzn-query-error"); h != code+";Sender" {
			t.Errorf("x-amzn-query-error = %q, want %q", h, code+";Sender")
		}
	}
	_, err := c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 11})
	check(err, "InvalidParameterValue", "com.amazon.coral.service#InvalidParameterValueException")
	_, err = c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("")})
	check(err, "MissingParameter", "com.amazon.coral.service#MissingRequiredParameterException")
	_, err = c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"Bogus": "1"}})
	check(err, "InvalidAttributeName", "com.amazonaws.sqs#InvalidAttributeName")

	out, err := c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url),
		Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: aws.String("h"), VisibilityTimeout: 43201}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failed) != 1 || aws.ToString(out.Failed[0].Code) != "InvalidParameterValue" {
		t.Fatalf("batch failure = %+v", out.Failed)
	}
}
