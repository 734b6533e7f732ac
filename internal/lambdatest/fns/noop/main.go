// Command noop is the smallest useful Lambda function: it returns its event.
// Benchmarks use it to measure what hako adds to an invocation.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (json.RawMessage, error) { return ev, nil })
}
