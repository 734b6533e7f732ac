package proxyevent

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseV2(t *testing.T) {
	cases := []struct {
		payload string
		status  int
		body    string
		ctype   string
		invalid bool
	}{
		{`{"statusCode":201,"body":"hi","headers":{"Content-Type":"text/plain"}}`, 201, "hi", "text/plain", false},
		{`{"statusCode":200,"body":"AAEC","isBase64Encoded":true}`, 200, "\x00\x01\x02", "application/json", false},
		{`{"message":"no status"}`, 200, `{"message":"no status"}`, "application/json", false},
		{`"a string"`, 200, "a string", "application/json", false},
		{`42`, 200, "42", "application/json", false},
		{`{"statusCode":200}`, 200, "", "", false},
		{`{"statusCode":99}`, 0, "", "", true},
		{`{"statusCode":200,"body":"!!","isBase64Encoded":true}`, 0, "", "", true},
		{`not json`, 0, "", "", true},
	}
	for _, tc := range cases {
		r := ParseV2([]byte(tc.payload))
		if r.Invalid != tc.invalid || (!tc.invalid && (r.Status != tc.status || string(r.Body) != tc.body || r.Header.Get("Content-Type") != tc.ctype)) {
			t.Errorf("%s: got %+v", tc.payload, r)
		}
	}
	r := ParseV2([]byte(`{"statusCode":200,"cookies":["a=1","b=2"],"multiValueHeaders":{"X-M":["1","2"]}}`))
	if len(r.Header.Values("Set-Cookie")) != 2 || len(r.Header.Values("X-M")) != 2 {
		t.Errorf("cookies and multi-value headers: %v", r.Header)
	}
}

func TestBuildV2(t *testing.T) {
	req := httptest.NewRequest("POST", "http://abc.lambda-url.us-east-1.localhost/p/q?a=1&a=2", strings.NewReader("x"))
	req.Header.Set("Content-Type", "image/png")
	req.Header.Add("Cookie", "c1=1; c2=2")
	req.Header.Add("X-Multi", "1")
	req.Header.Add("X-Multi", "2")
	ev := BuildV2(req, []byte{0xff, 0x00}, Context{APIID: "abc", RouteKey: "$default", Stage: "$default"})
	if ev.RawPath != "/p/q" || ev.QueryStringParameters["a"] != "1,2" || !ev.IsBase64Encoded || *ev.Body != "/wA=" ||
		len(ev.Cookies) != 2 || ev.Headers["x-multi"] != "1,2" || ev.RequestContext.HTTP.Method != http.MethodPost {
		t.Errorf("event %+v", ev)
	}
}

func FuzzParseV2(f *testing.F) {
	for _, s := range []string{`{"statusCode":200,"body":"x"}`, `{"statusCode":"x"}`, `[]`, `null`, `{"statusCode":200,"isBase64Encoded":true,"body":"=="}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := ParseV2(b)
		if !r.Invalid && (r.Status < 100 || r.Status > 599) {
			t.Fatalf("status %d accepted", r.Status)
		}
	})
}
