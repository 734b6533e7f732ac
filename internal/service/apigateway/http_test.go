package apigateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/hako-dev/hako/internal/hakotest"
)

// lambdaAPI creates an HTTP API with two Lambda proxy routes to fn:
// "ANY /{path+}" (payload 2.0) and "ANY /v1/{path+}" (1.0), and the
// $default and dev stages, both deployed automatically.
func lambdaAPI(t *testing.T, h *hakotest.Server, fn string, timeoutMs int32) string {
	t.Helper()
	c := h.APIGateway()
	api, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("fn"), ProtocolType: types.ProtocolTypeHttp})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	for _, r := range []struct{ key, version string }{{"ANY /{path+}", "2.0"}, {"ANY /v1/{path+}", "1.0"}} {
		in := &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeAwsProxy,
			IntegrationUri: aws.String(fn), PayloadFormatVersion: aws.String(r.version)}
		if timeoutMs > 0 {
			in.TimeoutInMillis = aws.Int32(timeoutMs)
		}
		integ, err := c.CreateIntegration(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(r.key), Target: aws.String("integrations/" + *integ.IntegrationId)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []string{"$default", "dev"} {
		if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String(st), AutoDeploy: aws.Bool(true),
			StageVariables: map[string]string{"stage": st + "-var"}}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// echoed decodes the {"event","raw"} body of apigwfn's echo.
func echoed[T any](t *testing.T, b []byte) (T, map[string]any) {
	t.Helper()
	var out struct {
		Event T              `json:"event"`
		Raw   map[string]any `json:"raw"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return out.Event, out.Raw
}

// TestHTTPLambdaProxy drives an HTTP API backed by a real function
// through both payload formats, both URL styles and a named stage.
func TestHTTPLambdaProxy(t *testing.T) {
	h := start(t)
	fn := createFn(t, h, "web", nil)
	id := lambdaAPI(t, h, fn, 0)
	base := invokeURL(h, id)

	t.Run("V2Event", func(t *testing.T) {
		resp, b := do(t, "POST", base+"/pets/7%20x?x=1&x=2&y=", `{"a":1}`, map[string]string{
			"Content-Type": "application/json", "Cookie": "c1=a; c2=b", "X-Multi": "m1", "User-Agent": "tester"})
		if resp.StatusCode != 200 || resp.Header.Get("X-Fn") != "apigwfn" || resp.Header.Get("Apigw-Requestid") == "" {
			t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, b)
		}
		ev, raw := echoed[events.APIGatewayV2HTTPRequest](t, b)
		rc := ev.RequestContext
		if ev.Version != "2.0" || ev.RouteKey != "ANY /{path+}" || ev.RawPath != "/pets/7%20x" || ev.RawQueryString != "x=1&x=2&y=" ||
			ev.QueryStringParameters["x"] != "1,2" || ev.PathParameters["path"] != "pets/7 x" || ev.Body != `{"a":1}` || ev.IsBase64Encoded ||
			strings.Join(ev.Cookies, "|") != "c1=a|c2=b" || ev.Headers["x-multi"] != "m1" || ev.Headers["content-type"] != "application/json" ||
			ev.StageVariables["stage"] != "$default-var" {
			t.Errorf("event %+v", ev)
		}
		if rc.APIID != id || rc.AccountID != "000000000000" || rc.Stage != "$default" || rc.RouteKey != "ANY /{path+}" ||
			rc.HTTP.Method != "POST" || rc.HTTP.Path != "/pets/7%20x" || rc.HTTP.SourceIP != "127.0.0.1" || rc.HTTP.UserAgent != "tester" ||
			rc.RequestID != resp.Header.Get("Apigw-Requestid") || rc.DomainName != strings.TrimPrefix(base, "http://") || rc.DomainPrefix != id || rc.TimeEpoch == 0 {
			t.Errorf("requestContext %+v", rc)
		}
		if _, ok := raw["headers"].(map[string]any)["cookie"]; ok {
			t.Errorf("cookies must not stay in headers: %v", raw["headers"])
		}
	})
	t.Run("V1Event", func(t *testing.T) {
		resp, b := do(t, "GET", base+"/v1/echo?x=1&x=2", "", map[string]string{"X-Multi": "m1"})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		ev, raw := echoed[events.APIGatewayProxyRequest](t, b)
		rc := ev.RequestContext
		if raw["version"] != "1.0" || ev.Resource != "/v1/{path+}" || ev.Path != "/v1/echo" || ev.HTTPMethod != "GET" ||
			ev.QueryStringParameters["x"] != "2" || strings.Join(ev.MultiValueQueryStringParameters["x"], ",") != "1,2" ||
			ev.Headers["x-multi"] != "m1" || ev.MultiValueHeaders["x-multi"][0] != "m1" || ev.PathParameters["path"] != "echo" ||
			ev.StageVariables["stage"] != "$default-var" || ev.Body != "" {
			t.Errorf("event %+v", ev)
		}
		if rc.APIID != id || rc.Stage != "$default" || rc.HTTPMethod != "GET" || rc.Identity.SourceIP != "127.0.0.1" ||
			rc.ResourcePath != "/v1/{path+}" || rc.RequestID == "" || rc.RequestTimeEpoch == 0 || rc.Path != "/v1/echo" {
			t.Errorf("requestContext %+v", rc)
		}
	})
	t.Run("NamedStageAndPathURL", func(t *testing.T) {
		resp, b := do(t, "GET", pathURL(h, id)+"/dev/x", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		ev, _ := echoed[events.APIGatewayV2HTTPRequest](t, b)
		if ev.RequestContext.Stage != "dev" || ev.RawPath != "/dev/x" || ev.PathParameters["path"] != "x" || ev.StageVariables["stage"] != "dev-var" {
			t.Errorf("event %+v", ev)
		}
	})
	t.Run("BinaryBody", func(t *testing.T) {
		_, b := do(t, "PUT", base+"/bin", "\x00\x01\xff", map[string]string{"Content-Type": "application/octet-stream"})
		ev, _ := echoed[events.APIGatewayV2HTTPRequest](t, b)
		if !ev.IsBase64Encoded || ev.Body != "AAH/" {
			t.Errorf("binary body %q %v", ev.Body, ev.IsBase64Encoded)
		}
	})
	t.Run("ResponseMapping", func(t *testing.T) {
		for _, prefix := range []string{"", "/v1"} {
			resp, b := do(t, "GET", base+prefix+"/binary", "", nil)
			if resp.StatusCode != 200 || !bytes.Equal(b, []byte{0, 1, 2}) || resp.Header.Get("Content-Type") != "application/octet-stream" {
				t.Errorf("%s/binary: %d %v %q", prefix, resp.StatusCode, resp.Header, b)
			}
			resp, b = do(t, "GET", base+prefix+"/multi", "", nil)
			if resp.StatusCode != 200 || string(b) != "multi" || strings.Join(resp.Header.Values("X-Multi"), ",") != "a,b" {
				t.Errorf("%s/multi: %d %v %q", prefix, resp.StatusCode, resp.Header, b)
			}
		}
		resp, _ := do(t, "GET", base+"/multi", "", nil)
		if strings.Join(resp.Header.Values("Set-Cookie"), "|") != "c1=v1; Path=/|c2=v2" {
			t.Errorf("cookies %v", resp.Header.Values("Set-Cookie"))
		}
	})
	t.Run("V2InferenceRules", func(t *testing.T) {
		resp, b := do(t, "GET", base+"/plain", "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || string(b) != `{"hello":"world"}` {
			t.Errorf("/plain: %d %v %s", resp.StatusCode, resp.Header, b)
		}
		resp, b = do(t, "GET", base+"/string", "", nil)
		if resp.StatusCode != 200 || string(b) != "just a string" {
			t.Errorf("/string: %d %s", resp.StatusCode, b)
		}
		// 1.0 makes no inference: a result without statusCode is an error.
		resp, b = do(t, "GET", base+"/v1/plain", "", nil)
		if resp.StatusCode != 500 || message(t, b) != "Internal Server Error" {
			t.Errorf("/v1/plain: %d %s", resp.StatusCode, b)
		}
	})
	t.Run("FunctionErrors", func(t *testing.T) {
		for _, p := range []string{"/crash", "/v1/crash", "/v1/invalid"} {
			resp, b := do(t, "GET", base+p, "", nil)
			if resp.StatusCode != 500 || message(t, b) != "Internal Server Error" {
				t.Errorf("%s: %d %s", p, resp.StatusCode, b)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, u := range []string{invokeURL(h, "nosuchapi1") + "/x", pathURL(h, "nosuchapi1") + "/x", base + "/"} {
			resp, b := do(t, "GET", u, "", nil)
			if resp.StatusCode != 404 || message(t, b) != "Not Found" {
				t.Errorf("%s: %d %s", u, resp.StatusCode, b)
			}
		}
	})
	t.Run("PayloadTooLarge", func(t *testing.T) {
		resp, b := do(t, "POST", base+"/big", strings.Repeat("x", 10<<20+1), nil)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || message(t, b) != "Request Entity Too Large" {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
}

// TestHTTPIntegrationTimeout: a function slower than the integration's
// timeout yields 503 {"message":"Service Unavailable"} (HTTP APIs'
// answer; assumed from AWS's troubleshooting guides).
func TestHTTPIntegrationTimeout(t *testing.T) {
	h := start(t)
	fn := createFn(t, h, "slow", map[string]string{"SLEEP_MS": "3000"})
	id := lambdaAPI(t, h, fn, 1000)
	resp, b := do(t, "GET", invokeURL(h, id)+"/sleep", "", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || message(t, b) != "Service Unavailable" {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}
