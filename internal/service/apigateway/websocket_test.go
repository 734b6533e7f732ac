package apigateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi"
	mtypes "github.com/aws/aws-sdk-go-v2/service/apigatewaymanagementapi/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/coder/websocket"

	"github.com/hako-dev/hako/internal/hakotest"
)

// wsClient dials NAME.localhost on loopback; coder/websocket wants no
// client timeout (contexts bound the handshake).
var wsClient = &http.Client{Transport: &http.Transport{DialContext: hakotest.DialLocalhost}}

// wsAPI creates a WebSocket API routing on $request.body.action to the
// integration uri: $connect, $disconnect, $default, and the routes named
// in withResponse (with a route response: the integration's answer goes
// back) and others; stage dev deploys automatically.
func wsAPI(t *testing.T, h *hakotest.Server, uri, integType string, withResponse []string, others []string) string {
	t.Helper()
	c := h.APIGateway()
	api, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("ws"), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	if !strings.HasPrefix(aws.ToString(api.ApiEndpoint), "ws://"+id+".execute-api.localhost:") {
		t.Fatalf("endpoint %s", aws.ToString(api.ApiEndpoint))
	}
	in := &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationType(integType)}
	if uri != "" {
		in.IntegrationUri = aws.String(uri)
	}
	integ, err := c.CreateIntegration(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	target := aws.String("integrations/" + *integ.IntegrationId)
	for _, k := range withResponse {
		rt, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(k), Target: target, RouteResponseSelectionExpression: aws.String("$default")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateRouteResponse(bg, &apigatewayv2.CreateRouteResponseInput{ApiId: &id, RouteId: rt.RouteId, RouteResponseKey: aws.String("$default")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range others {
		if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(k), Target: target}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("dev"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	return id
}

func wsURL(h *hakotest.Server, id string) string {
	return "ws" + strings.TrimPrefix(invokeURL(h, id), "http") + "/dev"
}

func dial(t *testing.T, u string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: wsClient, HTTPHeader: http.Header{"User-Agent": {"ws-tester"}}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %d %v", u, status, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

func send(t *testing.T, conn *websocket.Conn, msg string) {
	t.Helper()
	if err := conn.Write(bg, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	_, b, err := conn.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWebSocketLambdaAndConnections connects to a WebSocket API backed by
// a real function: the event shape, route selection and route responses,
// a function pushing through @connections built from its event's
// domainName and stage, the management API from the SDK, $connect
// rejection, DeleteConnection, GoneException and the $disconnect event.
func TestWebSocketLambdaAndConnections(t *testing.T) {
	h := start(t)
	q, err := h.SQS().CreateQueue(bg, &sqs.CreateQueueInput{QueueName: aws.String("disconnects")})
	if err != nil {
		t.Fatal(err)
	}
	fn := createFn(t, h, "ws", map[string]string{"RECORD_QUEUE": aws.ToString(q.QueueUrl)})
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"
	id := wsAPI(t, h, uri, "AWS_PROXY", []string{"echo", "whoami", "crash"}, []string{"$connect", "$disconnect", "$default", "push"})

	if _, resp, err := websocket.Dial(bg, wsURL(h, id)+"?deny=1", &websocket.DialOptions{HTTPClient: wsClient}); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("$connect rejection: %v %v", resp, err)
	}
	conn := dial(t, wsURL(h, id)+"?q=1")
	send(t, conn, `{"action":"whoami"}`)
	var ev events.APIGatewayWebsocketProxyRequest
	if err := json.Unmarshal([]byte(recv(t, conn)), &ev); err != nil {
		t.Fatal(err)
	}
	rc := ev.RequestContext
	if rc.RouteKey != "whoami" || rc.EventType != "MESSAGE" || rc.ConnectionID == "" || rc.Stage != "dev" || rc.APIID != id ||
		rc.DomainName != strings.TrimPrefix(invokeURL(h, id), "http://") || rc.ConnectedAt == 0 || rc.RequestTimeEpoch == 0 ||
		rc.Identity.SourceIP != "127.0.0.1" || rc.MessageID == nil || rc.MessageDirection != "IN" || ev.Body != `{"action":"whoami"}` {
		t.Fatalf("event %+v", ev)
	}
	connID := rc.ConnectionID

	send(t, conn, `{"action":"echo","n":1}`)
	if got := recv(t, conn); got != `{"action":"echo","n":1}` {
		t.Fatalf("echo: %s", got)
	}
	send(t, conn, `{"action":"crash"}`)
	if got := recv(t, conn); !strings.Contains(got, `"message":"Internal server error"`) || !strings.Contains(got, connID) {
		t.Fatalf("crash: %s", got)
	}
	// the function posts through https://{domainName}/{stage} (http here)
	send(t, conn, `{"action":"push","text":"pushed by the function"}`)
	if got := recv(t, conn); got != "pushed by the function" {
		t.Fatalf("push: %s", got)
	}

	mc := h.Connections(id, "dev")
	if _, err := mc.PostToConnection(bg, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: &connID, Data: []byte("from the SDK")}); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, conn); got != "from the SDK" {
		t.Fatalf("PostToConnection: %s", got)
	}
	gc, err := mc.GetConnection(bg, &apigatewaymanagementapi.GetConnectionInput{ConnectionId: &connID})
	if err != nil {
		t.Fatal(err)
	}
	if gc.ConnectedAt == nil || gc.LastActiveAt == nil || gc.LastActiveAt.Before(*gc.ConnectedAt) || aws.ToString(gc.Identity.SourceIp) != "127.0.0.1" ||
		aws.ToString(gc.Identity.UserAgent) != "ws-tester" {
		t.Fatalf("GetConnection %+v %+v", gc, gc.Identity)
	}
	_, err = mc.PostToConnection(bg, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String("nosuchconn0000="), Data: []byte("x")})
	var goneErr *mtypesGone
	if !errors.As(err, &goneErr) {
		t.Fatalf("unknown connection: %v", err)
	}
	if _, err := mc.DeleteConnection(bg, &apigatewaymanagementapi.DeleteConnectionInput{ConnectionId: &connID}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	if _, _, err := conn.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after DeleteConnection: %v", err)
	}
	// $disconnect ran with the close status
	var disc events.APIGatewayWebsocketProxyRequest
	deadline := time.Now().Add(30 * time.Second)
	for disc.RequestContext.EventType == "" && time.Now().Before(deadline) {
		out, err := h.SQS().ReceiveMessage(bg, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			json.Unmarshal([]byte(aws.ToString(m.Body)), &disc)
		}
	}
	if disc.RequestContext.EventType != "DISCONNECT" || disc.RequestContext.RouteKey != "$disconnect" || disc.RequestContext.ConnectionID != connID {
		t.Fatalf("$disconnect event %+v", disc.RequestContext)
	}
	for i := 0; ; i++ {
		_, err = mc.GetConnection(bg, &apigatewaymanagementapi.GetConnectionInput{ConnectionId: &connID})
		if errors.As(err, &goneErr) {
			break
		}
		if i > 100 {
			t.Fatalf("GetConnection after delete: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWebSocketPathURLFunctionPush connects through the path-style URL:
// the event's domainName is hako's own host, and the function's
// management calls to http://{domainName}/{stage}/@connections/ID reach
// the connection by its id.
func TestWebSocketPathURLFunctionPush(t *testing.T) {
	h := start(t)
	fn := createFn(t, h, "ws", nil)
	id := wsAPI(t, h, fn, "AWS_PROXY", nil, []string{"push"})
	conn := dial(t, "ws"+strings.TrimPrefix(pathURL(h, id), "http")+"/dev")
	send(t, conn, `{"action":"push","text":"hello via path"}`)
	if got := recv(t, conn); got != "hello via path" {
		t.Fatalf("push: %s", got)
	}
}

// TestWebSocketNoRouteAndLimits: a message no route takes (and no
// $default) gets AWS's Forbidden message; a message over 128 KB closes
// the connection with 1009.
func TestWebSocketNoRouteAndLimits(t *testing.T) {
	h := start(t)
	id := wsAPI(t, h, "", "MOCK", nil, []string{"only"})
	conn := dial(t, wsURL(h, id))
	send(t, conn, `{"action":"other"}`)
	var m map[string]string
	if err := json.Unmarshal([]byte(recv(t, conn)), &m); err != nil || m["message"] != "Forbidden" || m["connectionId"] == "" || m["requestId"] == "" {
		t.Fatalf("no route: %v %v", m, err)
	}
	conn.Write(bg, websocket.MessageText, []byte(strings.Repeat("x", 128<<10+1)))
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	if _, _, err := conn.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("oversized message: %v", err)
	}
}

// TestWebSocketFrameLimit: a message of 100 KB sent as frames of 30 KB
// goes through; one frame of 40 KB closes the connection with 1009, as
// API Gateway limits frames to 32 KB.
func TestWebSocketFrameLimit(t *testing.T) {
	h := start(t)
	id := wsAPI(t, h, "", "MOCK", nil, []string{"only"})
	conn := dial(t, wsURL(h, id))
	w, err := conn.Writer(bg, websocket.MessageText)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := w.Write([]byte(strings.Repeat("x", 30<<10))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// No route takes it: API Gateway answers Forbidden, so it was read.
	var m map[string]string
	if err := json.Unmarshal([]byte(recv(t, conn)), &m); err != nil || m["message"] != "Forbidden" {
		t.Fatalf("a message in 30 KB frames: %v %v", m, err)
	}
	conn.Write(bg, websocket.MessageText, []byte(strings.Repeat("y", 40<<10)))
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	for {
		_, _, err := conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Fatalf("oversized frame: %v", err)
			}
			break
		}
	}
}

type mtypesGone = mtypes.GoneException
