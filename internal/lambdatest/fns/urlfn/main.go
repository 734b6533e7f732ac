// Command urlfn is a Lambda function used by hako's tests: it answers a
// function URL (or HTTP API) request with the event it received.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, ev events.LambdaFunctionURLRequest) (any, error) {
	switch ev.RawPath {
	case "/plain":
		// No statusCode: the 2.0 inference rules apply.
		return map[string]string{"hello": "world"}, nil
	case "/string":
		return "just a string", nil
	case "/binary":
		return events.LambdaFunctionURLResponse{StatusCode: 200, Body: "AAEC", IsBase64Encoded: true,
			Headers: map[string]string{"Content-Type": "application/octet-stream"}}, nil
	case "/crash":
		panic("urlfn crashed on purpose")
	}
	b, _ := json.Marshal(ev)
	return events.LambdaFunctionURLResponse{
		StatusCode: 201,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Custom": "yes"},
		Cookies:    []string{"a=1; Path=/", "b=2"},
		Body:       string(b),
	}, nil
}

func main() { lambda.Start(handle) }
