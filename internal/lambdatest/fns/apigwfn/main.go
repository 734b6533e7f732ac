// Command apigwfn is a Lambda function used by hako's API Gateway tests: a
// real aws-lambda-go handler that answers HTTP API requests (payload
// format 1.0 and 2.0), WebSocket events, Lambda authorizer requests and
// DynamoDB stream records.
//
// HTTP (2.0 decoded as events.APIGatewayV2HTTPRequest, 1.0 as
// events.APIGatewayProxyRequest), by path (the route path, without the
// stage):
//
//   - /plain returns a bare JSON object, /string a bare JSON string (the
//     2.0 inference rules)
//   - /binary returns base64 bytes 0,1,2 as application/octet-stream
//   - /multi returns multi-value headers and cookies
//   - /crash panics; /invalid returns a result without statusCode
//   - /sleep sleeps SLEEP_MS milliseconds (default 3000)
//   - /accepted answers 202 after putting the body (a JSON object of
//     strings) as an item with "pk": requestId into the DynamoDB table TABLE
//   - anything else answers 200 with {"event": <the event as decoded>,
//     "raw": <the event as received>}
//
// WebSocket (events.APIGatewayWebsocketProxyRequest): $connect rejects
// the query ?deny=1 with 403, $disconnect reports to the SQS queue URL in
// RECORD_QUEUE (when set), messages {"action":"echo"} answer their body,
// {"action":"whoami"} the event, {"action":"push","text":...} post text
// to the connection through the management API at
// SCHEME://domainName/stage (SCHEME from HAKO_EXECUTE_API_SCHEME, https
// by default) with the AWS SDK, {"action":"store","text":...} put an item
// {"pk", "connId", "domain", "stage", "text"} into TABLE.
//
// Lambda authorizers: authorize when the identity source is "allow"
// (simple response for 2.0, IAM policy for 1.0 and WebSocket).
//
// DynamoDB streams: for every inserted item with connId, post its text to
// that connection (the end of the POST -> DynamoDB -> stream -> push flow).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

type probe struct {
	Version        string `json:"version"`
	Type           string `json:"type"`
	RawPath        string `json:"rawPath"`
	HTTPMethod     string `json:"httpMethod"`
	RequestContext struct {
		EventType string `json:"eventType"`
		RouteKey  string `json:"routeKey"`
	} `json:"requestContext"`
	Records []struct {
		EventSource string `json:"eventSource"`
	} `json:"Records"`
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var p probe
	json.Unmarshal(raw, &p)
	switch {
	case len(p.Records) > 0 && p.Records[0].EventSource == "aws:dynamodb":
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return nil, fromStream(ctx, ev)
	case p.Type == "REQUEST":
		return authorize(raw, p.Version)
	case p.RequestContext.EventType != "":
		var ev events.APIGatewayWebsocketProxyRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		return websocket(ctx, ev, raw)
	case p.Version == "2.0":
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		path := ev.PathParameters["path"]
		if path == "" {
			_, path, _ = strings.Cut(ev.RouteKey, " ")
		}
		return httpAnswer(ctx, "/"+strings.TrimPrefix(path, "/"), ev.RequestContext.RequestID, ev.Body, ev, raw)
	default:
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, err
		}
		path := ev.PathParameters["path"]
		if path == "" {
			path = ev.Resource
		}
		res, err := httpAnswer(ctx, "/"+strings.TrimPrefix(path, "/"), ev.RequestContext.RequestID, ev.Body, ev, raw)
		if r, ok := res.(events.APIGatewayV2HTTPResponse); ok {
			// 1.0 has no cookies field
			return events.APIGatewayProxyResponse{StatusCode: r.StatusCode, Headers: r.Headers, MultiValueHeaders: r.MultiValueHeaders,
				Body: r.Body, IsBase64Encoded: r.IsBase64Encoded}, err
		}
		return res, err
	}
}

func httpAnswer(ctx context.Context, path, reqID, body string, ev any, raw json.RawMessage) (any, error) {
	switch path {
	case "/plain":
		return map[string]string{"hello": "world"}, nil
	case "/string":
		return "just a string", nil
	case "/binary":
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "AAEC", IsBase64Encoded: true,
			Headers: map[string]string{"Content-Type": "application/octet-stream"}}, nil
	case "/multi":
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "multi",
			Headers:           map[string]string{"Content-Type": "text/plain"},
			MultiValueHeaders: map[string][]string{"X-Multi": {"a", "b"}},
			Cookies:           []string{"c1=v1; Path=/", "c2=v2"}}, nil
	case "/crash":
		panic("apigwfn crashed on purpose")
	case "/invalid":
		return map[string]any{"body": "no status"}, nil
	case "/sleep":
		ms, _ := strconv.Atoi(os.Getenv("SLEEP_MS"))
		if ms == 0 {
			ms = 3000
		}
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return map[string]string{"slept": "yes"}, nil
	case "/accepted":
		item := map[string]string{}
		json.Unmarshal([]byte(body), &item)
		item["pk"] = reqID
		if err := putItem(ctx, item); err != nil {
			return nil, err
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: 202, Body: `{"accepted":"` + reqID + `"}`,
			Headers: map[string]string{"Content-Type": "application/json"}}, nil
	}
	b, _ := json.Marshal(map[string]any{"event": ev, "raw": raw})
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: string(b),
		Headers: map[string]string{"Content-Type": "application/json", "X-Fn": "apigwfn"}}, nil
}

func authorize(raw json.RawMessage, version string) (any, error) {
	var ev struct {
		IdentitySource json.RawMessage `json:"identitySource"`
		RouteArn       string          `json:"routeArn"`
		MethodArn      string          `json:"methodArn"`
		Headers        map[string]string
		QueryString    map[string]string `json:"queryStringParameters"`
	}
	json.Unmarshal(raw, &ev)
	var ids []string
	if json.Unmarshal(ev.IdentitySource, &ids) != nil {
		var s string
		json.Unmarshal(ev.IdentitySource, &s)
		ids = strings.Split(s, ",")
	}
	token := ""
	if len(ids) > 0 {
		token = ids[0]
	}
	if token == "" { // WebSocket authorizers get headers and query
		token = ev.QueryString["token"]
	}
	allow := token == "allow"
	ctxMap := map[string]any{"user": "u-" + token, "count": time.Now().UnixNano()}
	if version == "2.0" && ev.RouteArn != "" && os.Getenv("IAM_RESPONSES") == "" {
		return map[string]any{"isAuthorized": allow, "context": ctxMap}, nil
	}
	effect := "Deny"
	if allow {
		effect = "Allow"
	}
	arn := ev.MethodArn
	if arn == "" {
		arn = ev.RouteArn
	}
	return map[string]any{"principalId": "p-" + token, "context": ctxMap, "policyDocument": map[string]any{
		"Version":   "2012-10-17",
		"Statement": []map[string]any{{"Action": "execute-api:Invoke", "Effect": effect, "Resource": arn}},
	}}, nil
}

func websocket(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest, raw json.RawMessage) (any, error) {
	rc := ev.RequestContext
	switch rc.RouteKey {
	case "$connect":
		if ev.QueryStringParameters["deny"] == "1" {
			return events.APIGatewayProxyResponse{StatusCode: 403}, nil
		}
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	case "$disconnect":
		if q := os.Getenv("RECORD_QUEUE"); q != "" {
			cli := sqs.NewFromConfig(awsConfig(ctx))
			_, err := cli.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String(string(raw))})
			return nil, err
		}
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	}
	var msg struct {
		Action string `json:"action"`
		Text   string `json:"text"`
	}
	json.Unmarshal([]byte(ev.Body), &msg)
	switch msg.Action {
	case "push":
		if err := post(ctx, rc.DomainName, rc.Stage, rc.ConnectionID, msg.Text); err != nil {
			return nil, err
		}
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	case "store":
		err := putItem(ctx, map[string]string{"pk": rc.MessageID.(string), "connId": rc.ConnectionID, "domain": rc.DomainName, "stage": rc.Stage, "text": msg.Text})
		return events.APIGatewayProxyResponse{StatusCode: 200}, err
	case "whoami":
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: string(raw)}, nil
	case "crash":
		return nil, errors.New("apigwfn failed on purpose")
	}
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: ev.Body}, nil
}

func awsConfig(ctx context.Context) aws.Config {
	cfg, _ := config.LoadDefaultConfig(ctx)
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dialLocalhost}}
	return cfg
}

// dialLocalhost resolves NAME.localhost to the loopback address, as
// browsers and systemd-resolved do (the hako host APIID.execute-api.localhost).
func dialLocalhost(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// post sends text to a connection through the management API, addressed
// as real functions do: https://{domainName}/{stage}.
func post(ctx context.Context, domain, stage, connID, text string) error {
	scheme := os.Getenv("HAKO_EXECUTE_API_SCHEME")
	if scheme == "" {
		scheme = "https"
	}
	cli := apigatewaymanagementapi.NewFromConfig(awsConfig(ctx), func(o *apigatewaymanagementapi.Options) {
		o.BaseEndpoint = aws.String(scheme + "://" + domain + "/" + stage)
	})
	_, err := cli.PostToConnection(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String(connID), Data: []byte(text)})
	return err
}

func putItem(ctx context.Context, attrs map[string]string) error {
	item := map[string]ddbtypes.AttributeValue{}
	for k, v := range attrs {
		item[k] = &ddbtypes.AttributeValueMemberS{Value: v}
	}
	_, err := dynamodb.NewFromConfig(awsConfig(ctx)).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(os.Getenv("TABLE")), Item: item})
	return err
}

func fromStream(ctx context.Context, ev events.DynamoDBEvent) error {
	for _, r := range ev.Records {
		img := r.Change.NewImage
		if _, ok := img["connId"]; !ok || r.EventName != "INSERT" {
			continue
		}
		if err := post(ctx, img["domain"].String(), img["stage"].String(), img["connId"].String(), img["text"].String()); err != nil {
			return err
		}
	}
	return nil
}

func main() { lambda.Start(handle) }
