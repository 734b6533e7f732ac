package apigateway

import (
	"encoding/json"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"net/http"
	"strings"
	"sync"
	"time"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/proxyevent"
)

// authorize runs the route's authorization; a non-zero status rejects the
// request with API Gateway's message.
func (c *call) authorize() (int, string) {
	rt := &c.route.route
	switch str(rt.AuthorizationType) {
	case "JWT":
		if c.route.auth == nil {
			return http.StatusInternalServerError, "Internal Server Error"
		}
		status, msg, h := c.authorizeJWT(c.route.auth)
		c.extraHeaders = h
		return status, msg
	case "CUSTOM":
		if c.route.auth == nil {
			return http.StatusInternalServerError, "Internal Server Error"
		}
		return c.authorizeLambda(c.route.auth)
	case "AWS_IAM":
		return c.s.checkIAM(c.r, c.body)
	}
	return 0, ""
}

// checkIAM authorizes a request to an AWS_IAM route: it must be signed
// (else 403 "Forbidden", as API Gateway answers), and its signature must
// verify (else 403 with the SigV4 error's message).
func (s *Service) checkIAM(r *http.Request, body []byte) (int, string) {
	if r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == "" {
		return http.StatusForbidden, "Forbidden"
	}
	if s.cfg.VerifyIAM == nil {
		return 0, ""
	}
	if _, _, err := s.cfg.VerifyIAM(r, body); err != nil {
		if ae := awserr.As(err); ae != nil {
			return http.StatusForbidden, ae.Message
		}
		return http.StatusForbidden, err.Error()
	}
	return 0, ""
}

// identityValue evaluates one identity source ($request.header.X,
// $request.querystring.X, $context.X, $stageVariables.X).
func (c *call) identityValue(src string) (string, bool) {
	v, ok := c.variable(strings.TrimPrefix(src, "$"))
	return v, ok && v != ""
}

// routeArn is the ARN of the route for authorizer events and policies:
// arn:aws:execute-api:REGION:ACCOUNT:APIID/STAGE/METHOD/PATH.
func (c *call) routeArn() string {
	base := "arn:aws:execute-api:" + c.a.region + ":" + c.a.account + ":" + c.a.id + "/" + c.stageName + "/"
	key := str(c.route.route.RouteKey)
	if key == "$default" {
		return base + "$default"
	}
	method, path, _ := strings.Cut(key, " ")
	return base + method + path
}

// authCache keeps Lambda authorizer results for their TTL, per
// authorizer, stage and identity.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry
}

type authEntry struct {
	expires time.Time
	allow   bool
	context map[string]any
	pid     string
}

func (a *authCache) get(key string, now time.Time) (authEntry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.entries[key]
	if !ok || now.After(e.expires) {
		return authEntry{}, false
	}
	return e, true
}

func (a *authCache) put(key string, e authEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.entries == nil {
		a.entries = map[string]authEntry{}
	}
	if len(a.entries) > 10000 {
		clear(a.entries)
	}
	a.entries[key] = e
}

func (a *authCache) reset(apiID, stage string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	prefix := apiID + "/" + stage + "/"
	for k := range a.entries {
		if strings.HasPrefix(k, prefix) {
			delete(a.entries, k)
		}
	}
}

// authorizeLambda runs a Lambda (REQUEST) authorizer of an HTTP API.
func (c *call) authorizeLambda(au *api.Authorizer) (int, string) {
	var ids []string
	for _, src := range au.IdentitySource {
		v, ok := c.identityValue(src)
		if !ok {
			c.authErr = "missing identity source " + src
			return http.StatusUnauthorized, "Unauthorized"
		}
		ids = append(ids, v)
	}
	ttl := time.Duration(valueOr(au.AuthorizerResultTtlInSeconds, 0)) * time.Second
	key := c.a.id + "/" + c.stageName + "/" + str(au.AuthorizerId) + "/" + strings.Join(ids, "\x00")
	now := c.s.clk.Now()
	e, cached := c.s.authCache.get(key, now)
	if !cached || ttl == 0 || len(ids) == 0 {
		var status int
		var msg string
		e, status, msg = c.invokeAuthorizer(au, ids)
		if status != 0 {
			return status, msg
		}
		if ttl > 0 && len(ids) > 0 {
			e.expires = now.Add(ttl)
			c.s.authCache.put(key, e)
		}
	}
	if !e.allow {
		c.authErr = "the authorizer denied the request"
		return http.StatusForbidden, "Forbidden"
	}
	lambdaCtx := e.context
	if lambdaCtx == nil {
		lambdaCtx = map[string]any{}
	}
	c.authorizer = map[string]any{"lambda": lambdaCtx}
	c.auth1 = map[string]any{}
	for k, v := range lambdaCtx {
		c.auth1[k] = v
	}
	if e.pid != "" {
		c.auth1["principalId"] = e.pid
	}
	c.auth1["integrationLatency"] = 0
	c.authCtx = lambdaCtx
	return 0, ""
}

// authorizerEventV2 is the 2.0 event of a Lambda authorizer.
type authorizerEventV2 struct {
	Version               string               `json:"version"`
	Type                  string               `json:"type"`
	RouteArn              string               `json:"routeArn"`
	IdentitySource        []string             `json:"identitySource"`
	RouteKey              string               `json:"routeKey"`
	RawPath               string               `json:"rawPath"`
	RawQueryString        string               `json:"rawQueryString"`
	Cookies               []string             `json:"cookies,omitempty"`
	Headers               map[string]string    `json:"headers"`
	QueryStringParameters map[string]string    `json:"queryStringParameters,omitempty"`
	RequestContext        proxyevent.V2Context `json:"requestContext"`
	PathParameters        map[string]string    `json:"pathParameters,omitempty"`
	StageVariables        map[string]string    `json:"stageVariables,omitempty"`
}

func (c *call) invokeAuthorizer(au *api.Authorizer, ids []string) (authEntry, int, string) {
	var payload []byte
	if str(au.AuthorizerPayloadFormatVersion) == "2.0" {
		ev := c.eventV2()
		payload, _ = json.Marshal(authorizerEventV2{Version: "2.0", Type: "REQUEST", RouteArn: c.routeArn(), IdentitySource: ids,
			RouteKey: ev.RouteKey, RawPath: ev.RawPath, RawQueryString: ev.RawQueryString, Cookies: ev.Cookies, Headers: ev.Headers,
			QueryStringParameters: ev.QueryStringParameters, RequestContext: ev.RequestContext, PathParameters: ev.PathParameters,
			StageVariables: ev.StageVariables})
	} else {
		ev := c.eventV1()
		m := map[string]any{}
		b, _ := json.Marshal(ev)
		json.Unmarshal(b, &m)
		delete(m, "body")
		delete(m, "isBase64Encoded")
		m["type"] = "REQUEST"
		m["methodArn"] = c.routeArn()
		m["identitySource"] = strings.Join(ids, ",")
		m["authorizationToken"] = strings.Join(ids, ",")
		payload, _ = json.Marshal(m)
	}
	fn := lambdaFunction(str(au.AuthorizerUri), c.st.doc.StageVariables)
	out, fnErr, err := c.s.invoke(c.r.Context(), c.a, fn, payload, 10*time.Second)
	if err != nil || fnErr != "" {
		c.authErr = "the authorizer failed"
		if err != nil {
			c.authErr += ": " + err.Error()
		}
		return authEntry{}, http.StatusInternalServerError, "Internal Server Error"
	}
	e, ok := parseAuthorizerResult(out, valueOr(au.EnableSimpleResponses, false), c.routeArn())
	if !ok {
		c.authErr = "the authorizer returned an invalid response"
		return authEntry{}, http.StatusInternalServerError, "Internal Server Error"
	}
	return e, 0, ""
}

// parseAuthorizerResult reads a simple response {"isAuthorized", "context"}
// or an IAM policy response {"principalId", "policyDocument", "context"}.
func parseAuthorizerResult(out []byte, simple bool, arn string) (authEntry, bool) {
	var res struct {
		IsAuthorized   *bool          `json:"isAuthorized"`
		PrincipalID    string         `json:"principalId"`
		PolicyDocument *policyDoc     `json:"policyDocument"`
		Context        map[string]any `json:"context"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return authEntry{}, false
	}
	e := authEntry{context: res.Context, pid: res.PrincipalID}
	if simple {
		if res.IsAuthorized == nil {
			return authEntry{}, false
		}
		e.allow = *res.IsAuthorized
		return e, true
	}
	if res.PolicyDocument == nil {
		return authEntry{}, false
	}
	e.allow = res.PolicyDocument.allows(arn)
	return e, true
}

// policyDoc is an IAM policy of an authorizer's response.
type policyDoc struct {
	Statement stmts `json:"Statement"`
}

type stmt struct {
	Effect   string `json:"Effect"`
	Action   strs   `json:"Action"`
	Resource strs   `json:"Resource"`
}

// stmts and strs accept a single value or a list.
type stmts []stmt
type strs []string

func (s *stmts) UnmarshalJSON(b []byte) error {
	var one stmt
	if err := json.Unmarshal(b, &one); err == nil && len(b) > 0 && b[0] == '{' {
		*s = stmts{one}
		return nil
	}
	return json.Unmarshal(b, (*[]stmt)(s))
}

func (s *strs) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = strs{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(s))
}

// allows: an Allow of execute-api:Invoke on the resource and no Deny.
func (p *policyDoc) allows(arn string) bool {
	allow := false
	for _, st := range p.Statement {
		if !matchAny(st.Action, "execute-api:Invoke") || !matchAny(st.Resource, arn) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allow = true
		}
	}
	return allow
}

func matchAny(patterns []string, v string) bool {
	for _, p := range patterns {
		if wildcard(p, v) {
			return true
		}
	}
	return false
}

// wildcard matches IAM patterns: * any run, ? one character (linear:
// backtracks only to the last star).
func wildcard(p, v string) bool {
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
