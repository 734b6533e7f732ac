// Command gofn is a Lambda function used by hako's tests: a real
// aws-lambda-go handler whose behaviour the event chooses.
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
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Event tells the function what to do.
type Event struct {
	Echo    any    `json:"echo,omitempty"`
	Sleep   int    `json:"sleepMs,omitempty"`
	Fail    string `json:"fail,omitempty"`
	Print   string `json:"print,omitempty"`
	Exit    *int   `json:"exit,omitempty"`
	Env     string `json:"env,omitempty"`
	Context bool   `json:"context,omitempty"`
	// SendTo is a queue URL: the function sends Body there through hako's
	// SQS, found by the SDK through AWS_ENDPOINT_URL.
	SendTo string `json:"sendTo,omitempty"`
	Body   string `json:"body,omitempty"`
}

type failure struct{ msg string }

func (f failure) Error() string { return f.msg }

func handle(ctx context.Context, ev Event) (any, error) {
	if ev.Print != "" {
		os.Stdout.WriteString(ev.Print + "\n")
	}
	if ev.Sleep > 0 {
		time.Sleep(time.Duration(ev.Sleep) * time.Millisecond)
	}
	if ev.SendTo != "" {
		if err := sendMessage(ctx, ev.SendTo, ev.Body); err != nil {
			return nil, err
		}
	}
	if ev.Exit != nil {
		os.Exit(*ev.Exit)
	}
	if ev.Fail != "" {
		return nil, failure{ev.Fail}
	}
	if ev.Env != "" {
		out := map[string]string{}
		for _, k := range strings.Split(ev.Env, ",") {
			out[k] = os.Getenv(k)
		}
		return out, nil
	}
	if ev.Context {
		lc, ok := lambdacontext.FromContext(ctx)
		if !ok {
			return nil, errors.New("no lambda context")
		}
		dl, _ := ctx.Deadline()
		return map[string]any{
			"requestId":  lc.AwsRequestID,
			"arn":        lc.InvokedFunctionArn,
			"name":       lambdacontext.FunctionName,
			"version":    lambdacontext.FunctionVersion,
			"memory":     lambdacontext.MemoryLimitInMB,
			"logGroup":   lambdacontext.LogGroupName,
			"logStream":  lambdacontext.LogStreamName,
			"deadlineIn": time.Until(dl).Milliseconds(),
		}, nil
	}
	return ev.Echo, nil
}

// sendMessage calls SQS SendMessage at AWS_ENDPOINT_URL with a plain HTTP
// request (an SDK would make this test binary seven times larger).
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

func main() {
	if os.Getenv("GOFN_INIT_FAIL") != "" {
		os.Stderr.WriteString("init failed on purpose\n")
		os.Exit(3)
	}
	lambda.Start(handle)
}
