package apigateway_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/coder/websocket"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// issuer is an OpenID provider: discovery document and JWKS.
type issuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func (is *issuer) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: is.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(sig).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestJWTAuthorizer protects routes with a JWT authorizer whose keys come
// from the issuer's discovery document; scopes are checked per route and
// the claims reach the function.
func TestJWTAuthorizer(t *testing.T) {
	h := start(t)
	is := newIssuer(t)
	fn := createFn(t, h, "web", nil)
	id := lambdaAPI(t, h, fn, 0)
	c := h.APIGateway()
	au, err := c.CreateAuthorizer(bg, &apigatewayv2.CreateAuthorizerInput{ApiId: &id, Name: aws.String("jwt"), AuthorizerType: types.AuthorizerTypeJwt,
		IdentitySource: []string{"$request.header.Authorization"}, JwtConfiguration: &types.JWTConfiguration{Issuer: aws.String(is.srv.URL), Audience: []string{"app"}}})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	for _, rt := range routes.Items {
		in := &apigatewayv2.UpdateRouteInput{ApiId: &id, RouteId: rt.RouteId, AuthorizationType: types.AuthorizationTypeJwt, AuthorizerId: au.AuthorizerId}
		if aws.ToString(rt.RouteKey) == "ANY /v1/{path+}" {
			in.AuthorizationScopes = []string{"admin"}
		}
		if _, err := c.UpdateRoute(bg, in); err != nil {
			t.Fatal(err)
		}
	}
	base := invokeURL(h, id)
	now := time.Now().Unix()
	good := is.token(t, map[string]any{"iss": is.srv.URL, "aud": "app", "sub": "u1", "exp": now + 300, "scope": "read write", "groups": []string{"a", "b"}})
	cases := []struct {
		name, path, auth string
		status           int
		msg              string
	}{
		{"missing", "/x", "", 401, "Unauthorized"},
		{"garbage", "/x", "Bearer abc", 401, "Unauthorized"},
		{"expired", "/x", "Bearer " + is.token(t, map[string]any{"iss": is.srv.URL, "aud": "app", "exp": now - 10}), 401, "Unauthorized"},
		{"audience", "/x", is.token(t, map[string]any{"iss": is.srv.URL, "aud": "other", "exp": now + 300}), 401, "Unauthorized"},
		{"issuer", "/x", is.token(t, map[string]any{"iss": "https://evil.example", "aud": "app", "exp": now + 300}), 401, "Unauthorized"},
		{"scope", "/v1/x", "Bearer " + good, 403, "Forbidden"},
	}
	for _, tc := range cases {
		resp, b := do(t, "GET", base+tc.path, "", map[string]string{"Authorization": tc.auth})
		if resp.StatusCode != tc.status || message(t, b) != tc.msg {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, b)
		}
	}
	resp, b := do(t, "GET", base+"/x", "", map[string]string{"Authorization": "Bearer " + good})
	if resp.StatusCode != 200 {
		t.Fatalf("good token: %d %s", resp.StatusCode, b)
	}
	ev, _ := echoed[events.APIGatewayV2HTTPRequest](t, b)
	jw := ev.RequestContext.Authorizer.JWT
	if jw == nil || jw.Claims["sub"] != "u1" || jw.Claims["groups"] != "[a b]" || strings.Join(jw.Scopes, " ") != "read write" {
		t.Fatalf("authorizer %+v", ev.RequestContext.Authorizer)
	}
	admin := is.token(t, map[string]any{"iss": is.srv.URL, "client_id": "app", "exp": now + 300, "scope": "admin"})
	if resp, b := do(t, "GET", base+"/v1/x", "", map[string]string{"Authorization": admin}); resp.StatusCode != 200 {
		t.Fatalf("admin scope via client_id: %d %s", resp.StatusCode, b)
	} else if ev, _ := echoed[events.APIGatewayProxyRequest](t, b); ev.RequestContext.Authorizer["claims"] == nil {
		t.Fatalf("1.0 authorizer %+v", ev.RequestContext.Authorizer)
	}
}

// TestLambdaAuthorizers: a 2.0 authorizer with simple responses and
// caching, and a 1.0 authorizer answering IAM policies without caching.
func TestLambdaAuthorizers(t *testing.T) {
	h := start(t)
	fn := createFn(t, h, "web", nil)
	id := lambdaAPI(t, h, fn, 0)
	c := h.APIGateway()
	simple, err := c.CreateAuthorizer(bg, &apigatewayv2.CreateAuthorizerInput{ApiId: &id, Name: aws.String("simple"), AuthorizerType: types.AuthorizerTypeRequest,
		AuthorizerUri: aws.String(fn), AuthorizerPayloadFormatVersion: aws.String("2.0"), EnableSimpleResponses: aws.Bool(true),
		IdentitySource: []string{"$request.header.X-Token"}, AuthorizerResultTtlInSeconds: aws.Int32(300)})
	if err != nil {
		t.Fatal(err)
	}
	iam, err := c.CreateAuthorizer(bg, &apigatewayv2.CreateAuthorizerInput{ApiId: &id, Name: aws.String("iam"), AuthorizerType: types.AuthorizerTypeRequest,
		AuthorizerUri:                  aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"),
		AuthorizerPayloadFormatVersion: aws.String("1.0"), IdentitySource: []string{"$request.querystring.token"}, AuthorizerResultTtlInSeconds: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	for _, rt := range routes.Items {
		auID := simple.AuthorizerId
		if aws.ToString(rt.RouteKey) == "ANY /v1/{path+}" {
			auID = iam.AuthorizerId
		}
		if _, err := c.UpdateRoute(bg, &apigatewayv2.UpdateRouteInput{ApiId: &id, RouteId: rt.RouteId, AuthorizationType: types.AuthorizationTypeCustom, AuthorizerId: auID}); err != nil {
			t.Fatal(err)
		}
	}
	base := invokeURL(h, id)
	if resp, b := do(t, "GET", base+"/x", "", nil); resp.StatusCode != 401 || message(t, b) != "Unauthorized" {
		t.Errorf("no identity: %d %s", resp.StatusCode, b)
	}
	if resp, b := do(t, "GET", base+"/x", "", map[string]string{"X-Token": "deny"}); resp.StatusCode != 403 || message(t, b) != "Forbidden" {
		t.Errorf("denied: %d %s", resp.StatusCode, b)
	}
	var counts []any
	for i := 0; i < 2; i++ {
		resp, b := do(t, "GET", base+"/x", "", map[string]string{"X-Token": "allow"})
		if resp.StatusCode != 200 {
			t.Fatalf("allowed: %d %s", resp.StatusCode, b)
		}
		ev, _ := echoed[events.APIGatewayV2HTTPRequest](t, b)
		if ev.RequestContext.Authorizer.Lambda["user"] != "u-allow" {
			t.Fatalf("authorizer context %+v", ev.RequestContext.Authorizer)
		}
		counts = append(counts, ev.RequestContext.Authorizer.Lambda["count"])
	}
	if counts[0] != counts[1] {
		t.Errorf("TTL 300: the second request should use the cached result: %v", counts)
	}
	if _, err := c.ResetAuthorizersCache(bg, &apigatewayv2.ResetAuthorizersCacheInput{ApiId: &id, StageName: aws.String("$default")}); err != nil {
		t.Fatal(err)
	}
	_, b := do(t, "GET", base+"/x", "", map[string]string{"X-Token": "allow"})
	if ev, _ := echoed[events.APIGatewayV2HTTPRequest](t, b); ev.RequestContext.Authorizer.Lambda["count"] == counts[0] {
		t.Errorf("cache not reset")
	}
	if resp, b := do(t, "GET", base+"/v1/x?token=deny", "", nil); resp.StatusCode != 403 {
		t.Errorf("IAM deny: %d %s", resp.StatusCode, b)
	}
	resp, b := do(t, "GET", base+"/v1/x?token=allow", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("IAM allow: %d %s", resp.StatusCode, b)
	}
	if ev, _ := echoed[events.APIGatewayProxyRequest](t, b); ev.RequestContext.Authorizer["principalId"] != "p-allow" || ev.RequestContext.Authorizer["user"] != "u-allow" {
		t.Errorf("1.0 authorizer %+v", ev.RequestContext.Authorizer)
	}
}

// TestWebSocketConnectAuthorizer: a Lambda authorizer on $connect with a
// query string identity source; its context reaches later events.
func TestWebSocketConnectAuthorizer(t *testing.T) {
	h := start(t)
	fn := createFn(t, h, "ws", nil)
	id := wsAPI(t, h, fn, "AWS_PROXY", []string{"whoami"}, nil)
	c := h.APIGateway()
	au, err := c.CreateAuthorizer(bg, &apigatewayv2.CreateAuthorizerInput{ApiId: &id, Name: aws.String("a"), AuthorizerType: types.AuthorizerTypeRequest,
		AuthorizerUri: aws.String(fn), IdentitySource: []string{"route.request.querystring.token"}})
	if err != nil {
		t.Fatal(err)
	}
	integs, _ := c.GetIntegrations(bg, &apigatewayv2.GetIntegrationsInput{ApiId: &id})
	if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("$connect"), AuthorizationType: types.AuthorizationTypeCustom,
		AuthorizerId: au.AuthorizerId, Target: aws.String("integrations/" + *integs.Items[0].IntegrationId)}); err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]int{"": 401, "deny": 403} {
		_, resp, err := websocket.Dial(bg, wsURL(h, id)+"?token="+token, &websocket.DialOptions{HTTPClient: wsClient})
		if err == nil || resp == nil || resp.StatusCode != want {
			t.Errorf("token %q: %v %v", token, resp, err)
		}
	}
	conn := dial(t, wsURL(h, id)+"?token=allow")
	send(t, conn, `{"action":"whoami"}`)
	var ev events.APIGatewayWebsocketProxyRequest
	json.Unmarshal([]byte(recv(t, conn)), &ev)
	auth, _ := ev.RequestContext.Authorizer.(map[string]any)
	if auth["principalId"] != "p-allow" || auth["user"] != "u-allow" {
		t.Fatalf("authorizer in MESSAGE event: %+v", ev.RequestContext.Authorizer)
	}
}
