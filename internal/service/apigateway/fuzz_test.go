package apigateway

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDataPlaneParsers feeds untrusted input to the data plane's parsers:
// JSONPath over request bodies, route selection, mapping expressions,
// @connections paths and IAM wildcards. None may panic.
func FuzzDataPlaneParsers(f *testing.F) {
	f.Add([]byte(`{"action":"echo","a":{"b":[1,"x"]}}`), "a.b[1]", "$request.body.a.b[0]-${context.requestId}")
	f.Add([]byte(`[{"k":"v"}]`), "[0].k", "$request.header.x-y $stageVariables.v")
	f.Add([]byte(`not json`), "$.a", "${request.body")
	f.Fuzz(func(t *testing.T, body []byte, path, expr string) {
		jsonPath(body, path)
		dep := &compiled{api: apiDoc{RouteSelectionExpression: &expr}}
		selectRoute(dep, body)
		r := httptest.NewRequest("POST", "http://a.execute-api.localhost/x?q=1", strings.NewReader(string(body)))
		c := &call{r: r, body: body, a: &liveAPI{id: "a"}, st: &liveStage{}, params: map[string]string{"p": path}}
		c.expand(expr, false)
		connectionsPath(path)
		wildcard(expr, path)
		scanVariable(expr)
	})
}

func TestWildcard(t *testing.T) {
	for _, tc := range []struct {
		p, v string
		ok   bool
	}{
		{"arn:aws:execute-api:*:*:abc/*/GET/*", "arn:aws:execute-api:us-east-1:1:abc/dev/GET/pets/1", true},
		{"arn:*/POST/*", "arn:x/dev/GET/a", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*", "", true}, {"a*b*c", "aXbYbZc", true}, {"a*b", "a", false},
	} {
		if got := wildcard(tc.p, tc.v); got != tc.ok {
			t.Errorf("wildcard(%q, %q) = %v", tc.p, tc.v, got)
		}
	}
}

// FuzzImportApi feeds arbitrary bodies to the OpenAPI import parser and
// exports what it accepted: no panic, no hang.
func FuzzImportApi(f *testing.F) {
	f.Add(`{"openapi":"3.0.1","info":{"title":"t"},"paths":{"/a/{b}":{"get":{"security":[{"j":["s"]}],"x-amazon-apigateway-integration":{"type":"http_proxy","httpMethod":"GET","uri":"http://x","payloadFormatVersion":1.0}}}},"components":{"securitySchemes":{"j":{"x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"issuer":"https://i"}}}}}}`, "prepend")
	f.Add("openapi: 3.0.1\ninfo: {title: y}\nservers: [{url: 'https://h/{b}', variables: {b: {default: v1/x}}}]\npaths:\n  /$default:\n    x-amazon-apigateway-any-method: {}\n", "split")
	f.Add("a: &a [*a, *a]\n", "")
	f.Add("openapi: 3.0.1\ninfo: {title: y}\nx-amazon-apigateway-cors: {maxAge: 1e99}\npaths: {'/x': {get: {x-amazon-apigateway-integration: {$ref: '#/nope'}}}}", "ignore")
	f.Fuzz(func(t *testing.T, body, mode string) {
		p, err := parseOpenAPI(body, mode)
		if err != nil {
			return
		}
		snap := &snapshot{API: apiDoc{Name: p.name, Description: p.description, Version: p.version, CorsConfiguration: p.cors},
			Routes: p.routes, Integrations: p.integrations, Authorizers: p.authorizers}
		b, err := json.Marshal(exportOpenAPI(snap, "", true))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := toYAML(b); err != nil {
			t.Fatal(err)
		}
	})
}
