package apigateway

import (
	"testing"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

func compiledOf(t *testing.T, keys ...string) *compiled {
	t.Helper()
	snap := &snapshot{API: apiDoc{ProtocolType: ptr(protoHTTP)}}
	for _, k := range keys {
		snap.Routes = append(snap.Routes, api.Route{RouteId: ptr(k), RouteKey: ptr(k)})
	}
	return compile(snap)
}

// TestRouteMatchingAWSExample follows the example of AWS's "Working with
// routes for HTTP APIs": full matches beat path variables, which beat
// greedy variables; methods beat ANY; $default catches the rest.
func TestRouteMatchingAWSExample(t *testing.T) {
	c := compiledOf(t, "ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "GET /pets/dog/1", "$default", "POST /pets", "ANY /pets")
	cases := []struct{ method, path, want, param string }{
		{"GET", "/pets/dog/1", "GET /pets/dog/1", ""},
		{"GET", "/pets/dog/2", "GET /pets/dog/{id}", "2"},
		{"GET", "/pets/cat/1", "GET /pets/{proxy+}", "cat/1"},
		{"POST", "/pets/dog/1", "ANY /{proxy+}", "pets/dog/1"},
		{"POST", "/pets", "POST /pets", ""},
		{"DELETE", "/pets", "ANY /pets", ""},
		{"GET", "/pets/", "ANY /pets", ""},
		{"GET", "/", "$default", ""},
	}
	for _, tc := range cases {
		lr, params := c.matchHTTP(tc.method, tc.path)
		if lr == nil || str(lr.route.RouteKey) != tc.want {
			got := "<nil>"
			if lr != nil {
				got = str(lr.route.RouteKey)
			}
			t.Errorf("%s %s: got %s, want %s", tc.method, tc.path, got, tc.want)
			continue
		}
		if tc.param != "" {
			var v string
			for _, p := range params {
				v = p
			}
			if v != tc.param {
				t.Errorf("%s %s: params %v, want %q", tc.method, tc.path, params, tc.param)
			}
		}
	}
	if lr, _ := compiledOf(t, "GET /a").matchHTTP("GET", "/b"); lr != nil {
		t.Errorf("no route should match without $default")
	}
}

func FuzzParseRouteKey(f *testing.F) {
	for _, s := range []string{"GET /a/{b}/{c+}", "$default", "ANY /", "GET /{a}/{a}", "POST /x/{y+}/z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		k, err := parseRouteKey(protoHTTP, key)
		if err != nil {
			return
		}
		c := compiledOf(t, key)
		if key == "$default" || k == nil {
			return
		}
		c.matchHTTP(k.method, "/x/y/z")
	})
}
