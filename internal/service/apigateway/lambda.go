package apigateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/proxyevent"
)

// lambdaFunction returns the function an integration URI names: a
// function ARN or name, or API Gateway's invocation URI
// arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations;
// ${stageVariables.x} references are resolved.
func lambdaFunction(uri string, vars map[string]string) string {
	for k, v := range vars {
		uri = strings.ReplaceAll(uri, "${stageVariables."+k+"}", v)
	}
	if i := strings.Index(uri, ":lambda:path/"); i >= 0 {
		rest := uri[i+len(":lambda:path/"):]
		if j := strings.Index(rest, "/functions/"); j >= 0 {
			rest = rest[j+len("/functions/"):]
		}
		return strings.TrimSuffix(rest, "/invocations")
	}
	return uri
}

// errTimeout is an integration that did not answer in time.
var errTimeout = errors.New("integration timeout")

// invoke runs a function synchronously for the data plane. The function
// keeps running after a timeout, as on AWS; the caller answers at once.
func (s *Service) invoke(ctx context.Context, a *liveAPI, fn string, payload []byte, timeout time.Duration) ([]byte, string, error) {
	if s.cfg.Invoke == nil {
		return nil, "", errors.New("lambda is not available")
	}
	type answer struct {
		out   []byte
		fnErr string
		err   error
	}
	ch := make(chan answer, 1)
	go func() {
		out, fnErr, err := s.cfg.Invoke(context.WithoutCancel(ctx), a.account, a.region, fn, payload)
		ch <- answer{out, fnErr, err}
	}()
	t := s.clk.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.out, r.fnErr, r.err
	case <-t.C():
		return nil, "", errTimeout
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
}

// lambdaProxy runs a Lambda proxy integration with payload format 1.0 or
// 2.0 and maps the function's result to the response.
func (c *call) lambdaProxy(integ *integrationDoc, timeout time.Duration) *result {
	fn := lambdaFunction(str(integ.IntegrationUri), c.st.doc.StageVariables)
	var payload []byte
	v2 := str(integ.PayloadFormatVersion) == "2.0"
	if v2 {
		payload, _ = json.Marshal(c.eventV2())
	} else {
		payload, _ = json.Marshal(c.eventV1())
	}
	out, fnErr, err := c.s.invoke(c.r.Context(), c.a, fn, payload, timeout)
	switch {
	case errors.Is(err, errTimeout):
		c.integErr = "The Lambda function did not respond within the integration timeout"
		return messageResult(http.StatusServiceUnavailable, "Service Unavailable")
	case err != nil:
		c.integErr = err.Error()
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	case fnErr != "":
		c.integStatus = 200
		c.integErr = "The Lambda function returned the following error: " + fnErr
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	c.integStatus = 200
	var res proxyevent.Response
	if v2 {
		res = proxyevent.ParseV2(out)
	} else {
		res = parseV1(out)
	}
	if res.Invalid {
		c.integErr = "The response from the Lambda function doesn't match the format that API Gateway expects."
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	return &result{status: res.Status, header: res.Header, body: res.Body}
}

// withForwarded returns r's headers with the ones API Gateway adds.
func (c *call) forwardedRequest() *http.Request {
	r2 := c.r.Clone(c.r.Context())
	h := r2.Header
	if h.Get("X-Forwarded-For") == "" {
		h.Set("X-Forwarded-For", sourceIP(c.r))
	} else {
		h.Set("X-Forwarded-For", h.Get("X-Forwarded-For")+", "+sourceIP(c.r))
	}
	proto, port := "http", "80"
	if c.r.TLS != nil {
		proto, port = "https", "443"
	}
	if i := strings.LastIndexByte(c.domain, ':'); i > 0 {
		port = c.domain[i+1:]
	}
	h.Set("X-Forwarded-Proto", proto)
	h.Set("X-Forwarded-Port", port)
	if h.Get("X-Amzn-Trace-Id") == "" {
		h.Set("X-Amzn-Trace-Id", "Root=1-"+strconv.FormatInt(c.start.Unix(), 16)+"-"+strings.ToLower(newID(24)))
	}
	return r2
}

// eventV2 is the payload format 2.0 event.
func (c *call) eventV2() *proxyevent.V2 {
	vars := c.st.doc.StageVariables
	if len(vars) == 0 {
		vars = nil
	}
	return proxyevent.BuildV2(c.forwardedRequest(), c.body, proxyevent.Context{
		AccountID: c.a.account, APIID: c.a.id, DomainName: c.domain, DomainPrefix: domainPrefix(c.domain, c.a.id),
		RequestID: c.reqID, RouteKey: str(c.route.route.RouteKey), Stage: c.stageName, RawPath: c.rawPath, Time: c.start,
		Authorizer: c.authorizer, PathParameters: c.params, StageVariables: vars,
	})
}

// V1 is the payload format 1.0 event (decodes as aws-lambda-go's
// events.APIGatewayProxyRequest).
type V1 struct {
	Version                         string              `json:"version"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	RequestContext                  V1Context           `json:"requestContext"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

// V1Context is requestContext of a 1.0 event.
type V1Context struct {
	AccountID         string         `json:"accountId"`
	APIID             string         `json:"apiId"`
	Authorizer        map[string]any `json:"authorizer,omitempty"`
	DomainName        string         `json:"domainName"`
	DomainPrefix      string         `json:"domainPrefix"`
	ExtendedRequestID string         `json:"extendedRequestId"`
	HTTPMethod        string         `json:"httpMethod"`
	Identity          V1Identity     `json:"identity"`
	Path              string         `json:"path"`
	Protocol          string         `json:"protocol"`
	RequestID         string         `json:"requestId"`
	RequestTime       string         `json:"requestTime"`
	RequestTimeEpoch  int64          `json:"requestTimeEpoch"`
	ResourceID        string         `json:"resourceId"`
	ResourcePath      string         `json:"resourcePath"`
	Stage             string         `json:"stage"`
}

// V1Identity is requestContext.identity of a 1.0 event.
type V1Identity struct {
	AccessKey                     *string `json:"accessKey"`
	AccountID                     *string `json:"accountId"`
	Caller                        *string `json:"caller"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	SourceIP                      string  `json:"sourceIp"`
	User                          *string `json:"user"`
	UserAgent                     string  `json:"userAgent"`
	UserArn                       *string `json:"userArn"`
}

// eventV1 is the payload format 1.0 event: header names lowercase,
// single-value maps holding the last value, multi-value maps all.
func (c *call) eventV1() *V1 {
	r := c.forwardedRequest()
	routeKey := str(c.route.route.RouteKey)
	resource := routeKey
	if _, p, ok := strings.Cut(routeKey, " "); ok {
		resource = p
	}
	ev := &V1{Version: "1.0", Resource: resource, Path: c.rawPath, HTTPMethod: r.Method,
		Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, PathParameters: c.params}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		vs := r.Header[k]
		ev.Headers[lk] = vs[len(vs)-1]
		ev.MultiValueHeaders[lk] = append([]string(nil), vs...)
	}
	ev.Headers["host"] = r.Host
	ev.MultiValueHeaders["host"] = []string{r.Host}
	if len(c.body) > 0 {
		n := strconv.Itoa(len(c.body))
		ev.Headers["content-length"], ev.MultiValueHeaders["content-length"] = n, []string{n}
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		ev.MultiValueQueryStringParameters = map[string][]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = vs[len(vs)-1]
			ev.MultiValueQueryStringParameters[k] = vs
		}
	}
	if len(c.st.doc.StageVariables) > 0 {
		ev.StageVariables = c.st.doc.StageVariables
	}
	ev.RequestContext = V1Context{
		AccountID: c.a.account, APIID: c.a.id, Authorizer: c.auth1, DomainName: c.domain, DomainPrefix: domainPrefix(c.domain, c.a.id),
		ExtendedRequestID: c.reqID, HTTPMethod: r.Method, Path: c.rawPath, Protocol: r.Proto, RequestID: c.reqID,
		RequestTime: c.start.UTC().Format("02/Jan/2006:15:04:05 -0700"), RequestTimeEpoch: c.start.UnixMilli(),
		ResourceID: str(c.route.route.RouteKey), ResourcePath: resource, Stage: c.stageName,
		Identity: V1Identity{SourceIP: sourceIP(r), UserAgent: r.UserAgent()},
	}
	if len(c.body) > 0 {
		var s string
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(c.body) {
			s = string(c.body)
		} else {
			s = base64.StdEncoding.EncodeToString(c.body)
			ev.IsBase64Encoded = true
		}
		ev.Body = &s
	}
	return ev
}

// isText reports the content types whose bodies reach functions as text
// (others base64-encoded).
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

// parseV1 maps a 1.0 function result: it must be a JSON object with a
// statusCode (no inference, unlike 2.0).
func parseV1(payload []byte) proxyevent.Response {
	var res struct {
		StatusCode        *int                `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              *string             `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(payload, &res); err != nil || res.StatusCode == nil || *res.StatusCode < 100 || *res.StatusCode > 599 {
		return proxyevent.Response{Invalid: true}
	}
	h := http.Header{}
	for k, vs := range res.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range res.Headers {
		if len(h.Values(k)) == 0 {
			h.Set(k, v)
		}
	}
	var body []byte
	if res.Body != nil {
		if res.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(*res.Body)
			if err != nil {
				return proxyevent.Response{Invalid: true}
			}
			body = b
		} else {
			body = []byte(*res.Body)
		}
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	return proxyevent.Response{Status: *res.StatusCode, Header: h, Body: body}
}
