package apigateway_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/coder/websocket"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
)

// httpAPI creates an HTTP API whose routes proxy to backend URIs
// (route key -> URI), with the $default stage deployed automatically.
func httpAPI(t *testing.T, h *hakotest.Server, routes map[string]string, params map[string]string, cors *types.Cors) string {
	t.Helper()
	c := h.APIGateway()
	api, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("proxy"), ProtocolType: types.ProtocolTypeHttp, CorsConfiguration: cors})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	for key, uri := range routes {
		integ, err := c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeHttpProxy,
			IntegrationUri: aws.String(uri), IntegrationMethod: aws.String("ANY"), PayloadFormatVersion: aws.String("1.0"), RequestParameters: params})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(key), Target: aws.String("integrations/" + *integ.IntegrationId)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestHTTPProxyIntegration proxies to a backend: method, path parameter
// substitution, query string, body, mapped headers, and the backend's
// status, headers and body back.
func TestHTTPProxyIntegration(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Backend", "yes")
		w.Header().Set("X-Seen", r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("X-Added")+" "+r.Header.Get("X-Forwarded-For")+" "+r.Header.Get("X-Removed"))
		w.WriteHeader(201)
		w.Write(b)
	}))
	defer backend.Close()
	h := start(t)
	id := httpAPI(t, h, map[string]string{"ANY /items/{proxy+}": backend.URL + "/backend/{proxy}"},
		map[string]string{"append:header.X-Added": "$context.requestId", "remove:header.X-Removed": "''"}, nil)
	resp, b := do(t, "PUT", invokeURL(h, id)+"/items/a/b?q=1", "payload", map[string]string{"X-Removed": "r"})
	seen := resp.Header.Get("X-Seen")
	if resp.StatusCode != 201 || string(b) != "payload" || resp.Header.Get("X-Backend") != "yes" ||
		!strings.HasPrefix(seen, "PUT /backend/a/b?q=1 "+resp.Header.Get("Apigw-Requestid")+" 127.0.0.1") || strings.HasSuffix(seen, " r") {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, b)
	}
	// after a restart the API serves from the store
	h.Restart(t)
	if resp, b := do(t, "GET", invokeURL(h, id)+"/items/z", "", nil); resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("X-Seen"), "GET /backend/z") {
		t.Fatalf("after restart: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	// an unreachable backend
	id2 := httpAPI(t, h, map[string]string{"ANY /x": "http://127.0.0.1:1/"}, nil, nil)
	if resp, b := do(t, "GET", invokeURL(h, id2)+"/x", "", nil); resp.StatusCode != 500 || message(t, b) != "Internal Server Error" {
		t.Fatalf("unreachable: %d %s", resp.StatusCode, b)
	}
}

// TestCORS: preflights are answered from the CorsConfiguration without a
// route; actual responses of allowed origins carry the CORS headers.
func TestCORS(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer backend.Close()
	h := start(t)
	id := httpAPI(t, h, map[string]string{"GET /data": backend.URL}, nil, &types.Cors{AllowOrigins: []string{"https://app.example"},
		AllowMethods: []string{"GET", "POST"}, AllowHeaders: []string{"content-type", "x-token"}, ExposeHeaders: []string{"x-total"},
		MaxAge: aws.Int32(600), AllowCredentials: aws.Bool(true)})
	base := invokeURL(h, id)
	resp, _ := do(t, "OPTIONS", base+"/data", "", map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "X-Token"})
	hd := resp.Header
	if resp.StatusCode != 204 || hd.Get("Access-Control-Allow-Origin") != "https://app.example" || hd.Get("Access-Control-Allow-Methods") != "GET,POST" ||
		hd.Get("Access-Control-Allow-Headers") != "content-type,x-token" || hd.Get("Access-Control-Max-Age") != "600" || hd.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("preflight %d %v", resp.StatusCode, hd)
	}
	resp, _ = do(t, "OPTIONS", base+"/data", "", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("disallowed preflight %d %v", resp.StatusCode, resp.Header)
	}
	resp, b := do(t, "GET", base+"/data", "", map[string]string{"Origin": "https://app.example"})
	if resp.StatusCode != 200 || string(b) != "ok" || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		resp.Header.Get("Access-Control-Expose-Headers") != "x-total" {
		t.Fatalf("actual %d %v", resp.StatusCode, resp.Header)
	}
}

// TestThrottling: a route's rate and burst from the stage's
// RouteSettings; requests over the burst get 429 Too Many Requests until
// tokens come back at the rate (on the service clock).
func TestThrottling(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer backend.Close()
	clk := clock.NewFake(time.Now())
	h := start(t, hakotest.WithClock(clk))
	id := httpAPI(t, h, map[string]string{"GET /limited": backend.URL, "GET /free": backend.URL}, nil, nil)
	if _, err := h.APIGateway().UpdateStage(bg, &apigatewayv2.UpdateStageInput{ApiId: &id, StageName: aws.String("$default"),
		RouteSettings: map[string]types.RouteSettings{"GET /limited": {ThrottlingBurstLimit: aws.Int32(3), ThrottlingRateLimit: aws.Float64(1)}}}); err != nil {
		t.Fatal(err)
	}
	base := invokeURL(h, id)
	for i := 0; i < 3; i++ {
		if resp, b := do(t, "GET", base+"/limited", "", nil); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, b)
		}
	}
	resp, b := do(t, "GET", base+"/limited", "", nil)
	if resp.StatusCode != 429 || message(t, b) != "Too Many Requests" {
		t.Fatalf("over the burst: %d %s", resp.StatusCode, b)
	}
	if resp, _ := do(t, "GET", base+"/free", "", nil); resp.StatusCode != 200 {
		t.Fatalf("other route throttled: %d", resp.StatusCode)
	}
	clk.Advance(time.Second)
	if resp, _ := do(t, "GET", base+"/limited", "", nil); resp.StatusCode != 200 {
		t.Fatalf("after a second: %d", resp.StatusCode)
	}
}

// TestWebSocketIdleTimeout: a connection without messages for 10 minutes
// is closed with 1001 Going Away (service clock).
func TestWebSocketIdleTimeout(t *testing.T) {
	clk := clock.NewFake(time.Now())
	h := start(t, hakotest.WithClock(clk))
	id := wsAPI(t, h, "", "MOCK", nil, []string{"$default"})
	conn := dial(t, wsURL(h, id))
	send(t, conn, `{"action":"x"}`)
	time.Sleep(100 * time.Millisecond)
	clk.Advance(9 * time.Minute)
	ctx, cancel := context.WithTimeout(bg, 500*time.Millisecond)
	_, _, err := conn.Read(ctx)
	cancel()
	if websocket.CloseStatus(err) != -1 {
		t.Fatalf("closed before 10 minutes: %v", err)
	}
	conn2 := dial(t, wsURL(h, id)) // reconnect: the read above cancelled the first connection's reader
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(bg, 30*time.Second)
		defer cancel()
		for {
			if _, _, err := conn2.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	clk.Advance(11 * time.Minute)
	// The sweeper arms its next timer after each sweep: on a loaded
	// machine that can come after the advance, so move the clock on (a
	// minute at a time) until the close arrives.
	deadline := time.After(25 * time.Second)
wait:
	for {
		select {
		case err = <-closed:
			break wait
		case <-time.After(500 * time.Millisecond):
			clk.Advance(time.Minute)
		case <-deadline:
			t.Fatal("the idle connection was not closed")
		}
	}
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Fatalf("idle connection: %v", err)
	}
}
