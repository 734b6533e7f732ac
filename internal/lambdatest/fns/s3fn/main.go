// Command s3fn is a Lambda function used by hako's tests of S3 event
// notifications: a real aws-lambda-go handler of events.S3Event.
//
// For every invocation it sends {"raw": the event as received, "keys": the
// decoded object keys, "names": the event names} to the SQS queue whose
// URL is in RECORD_QUEUE, through hako's endpoint (AWS_ENDPOINT_URL).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Record is what the function sends for each invocation.
type Record struct {
	Raw   json.RawMessage `json:"raw"`
	Keys  []string        `json:"keys"`
	Names []string        `json:"names"`
}

func handle(ctx context.Context, raw json.RawMessage) error {
	var ev events.S3Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return err
	}
	rec := Record{Raw: raw}
	for _, r := range ev.Records {
		rec.Keys = append(rec.Keys, r.S3.Object.URLDecodedKey)
		rec.Names = append(rec.Names, r.EventName)
	}
	body, _ := json.Marshal(rec)
	return sendMessage(ctx, os.Getenv("RECORD_QUEUE"), string(body))
}

// sendMessage calls SQS SendMessage at AWS_ENDPOINT_URL with a plain HTTP
// request (an SDK would make this test binary much larger).
func sendMessage(ctx context.Context, queueURL, body string) error {
	in, _ := json.Marshal(map[string]string{"QueueUrl": queueURL, "MessageBody": body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, os.Getenv("AWS_ENDPOINT_URL"), bytes.NewReader(in))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessage")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("SendMessage: %d %s", res.StatusCode, b)
	}
	return nil
}

func main() { lambda.Start(handle) }
