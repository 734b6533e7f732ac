package eventbridge_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

// A rule's Lambda target is invoked asynchronously with the transformed
// input: the function (a real aws-lambda-go handler, lambdatest's gofn)
// sends the body the template built to a queue.
func TestLambdaTargetInvokedWithTransformedInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go function")
	}
	h := hakotest.Start(t)
	e := &env{t: t, h: h, eb: h.EventBridge(), q: h.SQS(), ctx: t.Context()}
	url, _ := e.queue("fn-out", nil)
	fn, err := h.Lambda().CreateFunction(e.ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("on-order"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.rule("", "orders", `{"source":["shop"]}`, ebtypes.Target{Id: aws.String("fn"), Arn: fn.FunctionArn,
		InputTransformer: &ebtypes.InputTransformer{InputPathsMap: map[string]string{"id": "$.detail.id"},
			InputTemplate: aws.String(`{"sendTo": "000000000000/fn-out", "body": "order <id> via <aws.events.rule-name>"}`)}})
	if _, err := e.eb.PutEvents(e.ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry("shop", "Order", `{"id":"o-7"}`)}}); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(e.receive(url, 1)[0].Body); got != "order o-7 via orders" {
		t.Fatalf("function got %q", got)
	}
}
