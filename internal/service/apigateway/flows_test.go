package apigateway_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TestSeedFlowPostToDynamoDBToWebSocket is the seed flow: an HTTP POST to
// a Lambda route answers 202 after writing an item; the table's stream
// triggers the function, which pushes the item's text to the client's
// WebSocket through @connections.
func TestSeedFlowPostToDynamoDBToWebSocket(t *testing.T) {
	h := start(t)
	ddb := h.DynamoDB()
	tbl, err := ddb.CreateTable(bg, &dynamodb.CreateTableInput{TableName: aws.String("msgs"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewImage}})
	if err != nil {
		t.Fatal(err)
	}
	fn := createFn(t, h, "flow", map[string]string{"TABLE": "msgs"})
	if _, err := h.Lambda().CreateEventSourceMapping(bg, &lambda.CreateEventSourceMappingInput{EventSourceArn: tbl.TableDescription.LatestStreamArn,
		FunctionName: aws.String("flow"), StartingPosition: ltypes.EventSourcePositionLatest, BatchSize: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	wsID := wsAPI(t, h, fn, "AWS_PROXY", []string{"whoami"}, nil)
	conn := dial(t, wsURL(h, wsID))
	send(t, conn, `{"action":"whoami"}`)
	var who struct {
		RequestContext struct{ ConnectionID, DomainName, Stage string }
	}
	json.Unmarshal([]byte(recv(t, conn)), &who)

	httpID := lambdaAPI(t, h, fn, 0)
	body, _ := json.Marshal(map[string]string{"connId": who.RequestContext.ConnectionID, "domain": who.RequestContext.DomainName,
		"stage": who.RequestContext.Stage, "text": "hello from the stream"})
	resp, b := do(t, "POST", invokeURL(h, httpID)+"/accepted", string(body), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 202 || !strings.Contains(string(b), "accepted") {
		t.Fatalf("POST: %d %s", resp.StatusCode, b)
	}
	if got := recv(t, conn); got != "hello from the stream" {
		t.Fatalf("pushed: %s", got)
	}
}

// serviceAPI creates an HTTP API with one AWS service integration route.
func serviceAPI(t *testing.T, c *apigatewayv2.Client, routeKey, subtype string, params map[string]string) string {
	t.Helper()
	api, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("svc"), ProtocolType: types.ProtocolTypeHttp})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	addServiceRoute(t, c, id, routeKey, subtype, params)
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	return id
}

func addServiceRoute(t *testing.T, c *apigatewayv2.Client, id, routeKey, subtype string, params map[string]string) {
	t.Helper()
	integ, err := c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeAwsProxy,
		IntegrationSubtype: aws.String(subtype), PayloadFormatVersion: aws.String("1.0"), RequestParameters: params,
		CredentialsArn: aws.String("arn:aws:iam::000000000000:role/apigw")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(routeKey), Target: aws.String("integrations/" + *integ.IntegrationId)}); err != nil {
		t.Fatal(err)
	}
}

// TestSeedFlowPostToSQS is the second seed flow: POST -> SQS directly
// (SQS-SendMessage with parameter mapping) -> a consumer receives it, and
// the queue is read and emptied through SQS-ReceiveMessage and
// SQS-DeleteMessage routes.
func TestSeedFlowPostToSQS(t *testing.T) {
	h := start(t)
	q, err := h.SQS().CreateQueue(bg, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	c := h.APIGateway()
	id := serviceAPI(t, c, "POST /orders", "SQS-SendMessage", map[string]string{
		"QueueUrl": aws.ToString(q.QueueUrl), "MessageBody": "$request.body.order",
		"MessageAttributes": `{"from":{"DataType":"String","StringValue":"${request.header.x-customer}"}}`,
	})
	addServiceRoute(t, c, id, "GET /orders", "SQS-ReceiveMessage", map[string]string{"QueueUrl": aws.ToString(q.QueueUrl), "MaxNumberOfMessages": "$request.querystring.max"})
	addServiceRoute(t, c, id, "DELETE /orders", "SQS-DeleteMessage", map[string]string{"QueueUrl": aws.ToString(q.QueueUrl), "ReceiptHandle": "$request.header.receipt"})

	resp, b := do(t, "POST", invokeURL(h, id)+"/orders", `{"order":{"sku":"a1","n":2}}`, map[string]string{"Content-Type": "application/json", "X-Customer": "c7"})
	var sent struct {
		SendMessageResponse struct {
			SendMessageResult struct{ MessageId, MD5OfMessageBody string }
		}
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &sent) != nil || sent.SendMessageResponse.SendMessageResult.MessageId == "" {
		t.Fatalf("POST: %d %s", resp.StatusCode, b)
	}
	out, err := h.SQS().ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: []string{"All"}})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("consumer: %+v %v", out, err)
	}
	m := out.Messages[0]
	if aws.ToString(m.Body) != `{"sku":"a1","n":2}` || aws.ToString(m.MessageAttributes["from"].StringValue) != "c7" ||
		aws.ToString(m.MessageId) != sent.SendMessageResponse.SendMessageResult.MessageId {
		t.Fatalf("message %+v", m)
	}
	// make it visible again, read it through the API, then delete it through the API
	if _, err := h.SQS().ChangeMessageVisibility(bg, &sqs.ChangeMessageVisibilityInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		ReceiveMessageResponse struct {
			ReceiveMessageResult struct {
				Messages []struct{ Body, ReceiptHandle string } `json:"messages"`
			}
		}
	}
	for i := 0; i < 50 && len(got.ReceiveMessageResponse.ReceiveMessageResult.Messages) == 0; i++ {
		resp, b = do(t, "GET", invokeURL(h, id)+"/orders?max=5", "", nil)
		if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil {
			t.Fatalf("GET: %d %s", resp.StatusCode, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	msgs := got.ReceiveMessageResponse.ReceiveMessageResult.Messages
	if len(msgs) != 1 || msgs[0].Body != `{"sku":"a1","n":2}` {
		t.Fatalf("received %s", b)
	}
	resp, b = do(t, "DELETE", invokeURL(h, id)+"/orders", "", map[string]string{"Receipt": msgs[0].ReceiptHandle})
	if resp.StatusCode != 200 || !strings.Contains(string(b), "DeleteMessageResponse") {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, b)
	}
	attrs, _ := h.SQS().GetQueueAttributes(bg, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
	if attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("queue not empty: %v", attrs.Attributes)
	}
	// a missing parameter is the caller's error
	resp, b = do(t, "POST", invokeURL(h, id)+"/orders", `{"other":1}`, nil)
	if resp.StatusCode != 400 {
		t.Fatalf("missing MessageBody: %d %s", resp.StatusCode, b)
	}
}

// TestEventBridgePutEventsIntegration puts an event on a bus through
// EventBridge-PutEvents; a rule delivers it to a queue.
func TestEventBridgePutEventsIntegration(t *testing.T) {
	h := start(t)
	q, _ := h.SQS().CreateQueue(bg, &sqs.CreateQueueInput{QueueName: aws.String("events")})
	eb := h.EventBridge()
	if _, err := eb.PutRule(bg, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":["shop"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(bg, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []ebtypes.Target{{Id: aws.String("q"),
		Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:events")}}}); err != nil {
		t.Fatal(err)
	}
	id := serviceAPI(t, h.APIGateway(), "POST /events", "EventBridge-PutEvents", map[string]string{
		"Source": "shop", "DetailType": "$request.header.x-type", "Detail": "$request.body"})
	resp, b := do(t, "POST", invokeURL(h, id)+"/events", `{"id":42}`, map[string]string{"X-Type": "OrderPlaced", "Content-Type": "application/json"})
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"FailedEntryCount":0`) {
		t.Fatalf("PutEvents: %d %s", resp.StatusCode, b)
	}
	out, err := h.SQS().ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 10})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("event not delivered: %+v %v", out, err)
	}
	var ev struct {
		Source     string          `json:"source"`
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
	}
	json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &ev)
	if ev.Source != "shop" || ev.DetailType != "OrderPlaced" || string(ev.Detail) != `{"id":42}` {
		t.Fatalf("event %s", aws.ToString(out.Messages[0].Body))
	}
}
