// Package proxyevent turns HTTP requests into the proxy events Lambda
// function URLs and API Gateway HTTP APIs send to functions (payload format
// 2.0), and function results back into HTTP responses, byte-compatible with
// AWS.
package proxyevent

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Context is what the caller knows beyond the request itself.
type Context struct {
	AccountID    string
	APIID        string // function URL id, or the API id
	DomainName   string
	DomainPrefix string
	RequestID    string
	RouteKey     string // "$default" for function URLs
	Stage        string // "$default" for function URLs
	RawPath      string // the path the function sees (the request's by default)
	Time         time.Time
	// Authorizer is the requestContext.authorizer object, or nil.
	Authorizer     any
	PathParameters map[string]string
	StageVariables map[string]string
}

// V2 is the payload format 2.0 event.
type V2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	RequestContext        V2Context         `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

// V2Context is requestContext of a 2.0 event.
type V2Context struct {
	AccountID    string `json:"accountId"`
	APIID        string `json:"apiId"`
	Authorizer   any    `json:"authorizer,omitempty"`
	DomainName   string `json:"domainName"`
	DomainPrefix string `json:"domainPrefix"`
	HTTP         V2HTTP `json:"http"`
	RequestID    string `json:"requestId"`
	RouteKey     string `json:"routeKey"`
	Stage        string `json:"stage"`
	Time         string `json:"time"`
	TimeEpoch    int64  `json:"timeEpoch"`
}

// V2HTTP is requestContext.http.
type V2HTTP struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// textTypes are the content types whose bodies are passed as text; others
// are base64-encoded, as AWS does.
func isText(contentType string) bool {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	switch {
	case ct == "", strings.HasPrefix(ct, "text/"):
		return true
	case ct == "application/json", ct == "application/javascript", ct == "application/xml",
		ct == "application/x-www-form-urlencoded", ct == "application/graphql",
		strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	return false
}

// BuildV2 builds the 2.0 event of r with body.
func BuildV2(r *http.Request, body []byte, c Context) *V2 {
	ev := &V2{
		Version:        "2.0",
		RouteKey:       c.RouteKey,
		RawPath:        c.RawPath,
		RawQueryString: r.URL.RawQuery,
		Headers:        map[string]string{},
		PathParameters: c.PathParameters,
		StageVariables: c.StageVariables,
	}
	if ev.RawPath == "" {
		ev.RawPath = r.URL.EscapedPath()
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range r.Header[k] {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						ev.Cookies = append(ev.Cookies, c)
					}
				}
			}
			continue
		}
		ev.Headers[lk] = strings.Join(r.Header[k], ",")
	}
	if r.Host != "" {
		ev.Headers["host"] = r.Host
	}
	if r.ContentLength > 0 || len(body) > 0 {
		ev.Headers["content-length"] = strconv.Itoa(len(body))
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	t := c.Time
	if t.IsZero() {
		t = time.Now()
	}
	ev.RequestContext = V2Context{
		AccountID: c.AccountID, APIID: c.APIID, Authorizer: c.Authorizer,
		DomainName: c.DomainName, DomainPrefix: c.DomainPrefix,
		HTTP:      V2HTTP{Method: r.Method, Path: ev.RawPath, Protocol: r.Proto, SourceIP: ip, UserAgent: r.UserAgent()},
		RequestID: c.RequestID, RouteKey: c.RouteKey, Stage: c.Stage,
		Time: t.UTC().Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: t.UnixMilli(),
	}
	if len(body) > 0 {
		var s string
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			s = string(body)
		} else {
			s = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
		ev.Body = &s
	}
	return ev
}

// Response is an HTTP response made from a function's result.
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Invalid bool // the result could not be turned into a response (AWS answers 502)
}

// ParseV2 maps a function's result to the HTTP response, with the 2.0
// inference rules: a JSON object with statusCode is a response; any other
// valid JSON is returned as the body with status 200 and
// application/json.
func ParseV2(payload []byte) Response {
	h := http.Header{}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(payload, &probe); err != nil || probe["statusCode"] == nil {
		if !json.Valid(payload) {
			return Response{Invalid: true}
		}
		// A JSON string result is the body itself.
		var s string
		body := payload
		if json.Unmarshal(payload, &s) == nil {
			body = []byte(s)
		}
		h.Set("Content-Type", "application/json")
		return Response{Status: http.StatusOK, Header: h, Body: body}
	}
	var res struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Cookies           []string            `json:"cookies"`
		Body              *string             `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(payload, &res); err != nil || res.StatusCode < 100 || res.StatusCode > 599 {
		return Response{Invalid: true}
	}
	for k, vs := range res.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range res.Headers {
		h.Set(k, v)
	}
	for _, c := range res.Cookies {
		h.Add("Set-Cookie", c)
	}
	var body []byte
	if res.Body != nil {
		if res.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(*res.Body)
			if err != nil {
				return Response{Invalid: true}
			}
			body = b
		} else {
			body = []byte(*res.Body)
		}
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	return Response{Status: res.StatusCode, Header: h, Body: body}
}
