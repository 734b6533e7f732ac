// Command ddbfn is a Lambda function used by hako's tests of DynamoDB
// Streams event source mappings: a real aws-lambda-go handler.
//
// Given a DynamoDB stream event (decoded as events.DynamoDBEvent) it
// sleeps SLEEP_MS milliseconds, sends {"requestId","function","endpoint",
// "start","end","raw","seqs","pks"} (the event as received, its sequence
// numbers and partition keys "pk") to the SQS queue whose URL is in
// RECORD_QUEUE, then answers by the string attribute "mode" of each
// record's NewImage:
//
//   - "crash" fails the whole invocation with an error
//   - "fail" reports the record in batchItemFailures
//   - "badid" reports an empty itemIdentifier (Lambda fails the batch)
//
// Given an SQS event whose bodies are what s3fn sends ({"keys":[...]}),
// it puts an item {"pk": key, "from": "sqs"} into the table named by TABLE
// for every key: the middle of an S3 -> SQS -> DynamoDB -> stream chain.
//
// It calls hako (AWS_ENDPOINT_URL) with plain HTTP requests: an SDK would
// make this test binary much larger.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Record is what the function sends for each stream event.
type Record struct {
	RequestID string          `json:"requestId"`
	Function  string          `json:"function"`
	Endpoint  string          `json:"endpoint"` // the hako node that ran it
	Start     int64           `json:"start"`    // Unix nanoseconds
	End       int64           `json:"end"`
	Raw       json.RawMessage `json:"raw"`
	Seqs      []string        `json:"seqs"`
	PKs       []string        `json:"pks"`
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	json.Unmarshal(raw, &probe)
	if len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:sqs" {
		return nil, fromQueue(ctx, raw)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	rec := Record{Raw: raw, Function: lambdacontext.FunctionName, Endpoint: os.Getenv("AWS_ENDPOINT_URL"), Start: time.Now().UnixNano()}
	if ms, _ := strconv.Atoi(os.Getenv("SLEEP_MS")); ms > 0 {
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		rec.RequestID = lc.AwsRequestID
	}
	var resp events.DynamoDBEventResponse
	crash := false
	for _, r := range ev.Records {
		rec.Seqs = append(rec.Seqs, r.Change.SequenceNumber)
		rec.PKs = append(rec.PKs, r.Change.Keys["pk"].String())
		mode := ""
		if v, ok := r.Change.NewImage["mode"]; ok && v.DataType() == events.DataTypeString {
			mode = v.String()
		}
		switch mode {
		case "crash":
			crash = true
		case "fail":
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		case "badid":
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: ""})
		}
	}
	rec.End = time.Now().UnixNano()
	body, _ := json.Marshal(rec)
	if err := call(ctx, "AmazonSQS.SendMessage", map[string]any{"QueueUrl": os.Getenv("RECORD_QUEUE"), "MessageBody": string(body)}); err != nil {
		return nil, err
	}
	if crash {
		return nil, errors.New("crashed on purpose")
	}
	return resp, nil
}

// fromQueue puts an item for every object key of the messages.
func fromQueue(ctx context.Context, raw json.RawMessage) error {
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return err
	}
	for _, m := range ev.Records {
		var body struct {
			Keys []string `json:"keys"`
		}
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			return err
		}
		for _, k := range body.Keys {
			item := map[string]any{"pk": map[string]string{"S": k}, "from": map[string]string{"S": "sqs"}}
			if err := call(ctx, "DynamoDB_20120810.PutItem", map[string]any{"TableName": os.Getenv("TABLE"), "Item": item}); err != nil {
				return err
			}
		}
	}
	return nil
}

// call makes an awsJson 1.0 call to hako.
func call(ctx context.Context, target string, in any) error {
	b, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, os.Getenv("AWS_ENDPOINT_URL"), bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %d %s", target, res.StatusCode, msg)
	}
	return nil
}

func main() { lambda.Start(handle) }
