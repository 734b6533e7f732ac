package lambda_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// TestPostgresTwoNodes runs Lambda on PostgreSQL with two hako nodes: a
// function created on one runs on the other, a change made on one is seen
// by the other's next invocation, and an asynchronous invocation queued on
// one runs exactly where a node is free.
func TestPostgresTwoNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	a := hakotest.Start(t, hakotest.WithStore(url))
	b := hakotest.Start(t, hakotest.WithStore(url))
	ca, cb := a.Lambda(), b.Lambda()
	ctx := context.Background()
	createGo(t, ca, "shared", func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"STAGE": "one"}}
	})
	stage := func(c *lambda.Client) string {
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("shared"), Payload: []byte(`{"env":"STAGE"}`)})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		json.Unmarshal(res.Payload, &m)
		return m["STAGE"]
	}
	if got := stage(cb); got != "one" {
		t.Fatalf("node b runs %q", got)
	}
	if _, err := ca.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("shared"),
		Environment: &types.Environment{Variables: map[string]string{"STAGE": "two"}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for stage(cb) != "two" {
		if time.Now().After(deadline) {
			t.Fatal("node b still runs the old configuration")
		}
		time.Sleep(50 * time.Millisecond)
	}
	q := a.SQS()
	url2, _ := makeQueue(t, q, "pg-ran")
	for i := 0; i < 5; i++ {
		if _, err := cb.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("shared"), InvocationType: types.InvocationTypeEvent,
			Payload: []byte(`{"sendTo":"000000000000/pg-ran","body":"x"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		if receiveOne(t, q, url2, 20*time.Second) == nil {
			t.Fatalf("only %d of 5 async invocations ran", i)
		}
	}
}
