package apigateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

// maxPayload is API Gateway's request payload limit (10 MB).
const maxPayload = 10 << 20

// addressed tells whether r is for an API's invoke URL: Host
// APIID.execute-api.ANYTHING, or the path /_hako/apigw/APIID/... for
// clients that cannot set the Host. rest is the path after the API
// (stage first), domain the host the client called.
func addressed(r *http.Request) (apiID, rest, domain string, ok bool) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if i := strings.Index(host, ".execute-api."); i > 0 && !strings.Contains(host[:i], ".") {
		return strings.ToLower(host[:i]), r.URL.EscapedPath(), r.Host, true
	}
	if p, found := strings.CutPrefix(r.URL.EscapedPath(), "/_hako/apigw/"); found {
		id, after, _ := strings.Cut(p, "/")
		return id, "/" + after, r.Host, id != ""
	}
	return "", "", "", false
}

// connectionsPath parses [/STAGE]/@connections/ID.
func connectionsPath(p string) (connID string, ok bool) {
	i := strings.Index(p, "/@connections/")
	if i < 0 || strings.Count(p[:i], "/") > 1 {
		return "", false
	}
	id := p[i+len("/@connections/"):]
	if id == "" || strings.Contains(id, "/") {
		return "", false
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return id, true
}

// signedForExecuteAPI reports a SigV4 credential scope of execute-api.
func signedForExecuteAPI(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Authorization"), "/execute-api/aws4_request") ||
		strings.Contains(r.URL.Query().Get("X-Amz-Credential"), "/execute-api/aws4_request")
}

// ServeDataPlane serves r when it is addressed to an API's invoke URL
// (Host APIID.execute-api.*, or the path /_hako/apigw/APIID/...), or is a
// @connections call signed for execute-api, and reports whether it did;
// the server calls it before routing AWS API requests.
func (s *Service) ServeDataPlane(w http.ResponseWriter, r *http.Request) bool {
	apiID, rest, domain, ok := addressed(r)
	if !ok {
		if s.serveDomain(w, r) {
			return true
		}
		// Management API calls from clients whose endpoint is hako's own
		// URL (AWS_ENDPOINT_URL): connection ids are unique, so the
		// connection names its API.
		if strings.Contains(r.URL.Path, "/@connections/") && signedForExecuteAPI(r) {
			if id, ok := connectionsPath(r.URL.EscapedPath()); ok {
				s.serveConnections(w, r, "", id)
				return true
			}
		}
		return false
	}
	ctx := r.Context()
	a, err := s.live(ctx, apiID)
	if err != nil {
		s.log.Error("load API", "api", apiID, "err", err)
		writeMessage(w, newRequestID(), http.StatusInternalServerError, "Internal Server Error")
		return true
	}
	if a == nil || (a.doc.DisableExecuteApiEndpoint != nil && *a.doc.DisableExecuteApiEndpoint) {
		writeMessage(w, newRequestID(), http.StatusNotFound, "Not Found")
		return true
	}
	if id, ok := connectionsPath(rest); ok && str(a.doc.ProtocolType) == protoWebSocket {
		s.serveConnections(w, r, apiID, id)
		return true
	}
	stageName, path := "", rest
	first, after, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	if first, _ = url.PathUnescape(first); first != "$default" && a.stages[first] != nil {
		stageName, path = first, "/"+after
	} else if a.stages["$default"] != nil && str(a.doc.ProtocolType) == protoHTTP {
		stageName = "$default"
	} else {
		writeMessage(w, newRequestID(), http.StatusNotFound, "Not Found")
		return true
	}
	st := a.stages[stageName]
	if str(a.doc.ProtocolType) == protoWebSocket {
		s.ws.serve(w, r, a, st, stageName, domain)
		return true
	}
	s.serveHTTP(w, r, a, st, stageName, path, rest, domain)
	return true
}

// newRequestID returns an id of the form HTTP APIs use (16 characters).
func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)[:15] + "="
}

// writeMessage writes API Gateway's own error body {"message":"..."}.
func writeMessage(w http.ResponseWriter, reqID string, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"message": msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Apigw-Requestid", reqID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// call is one HTTP API request on its way through the data plane.
type call struct {
	s         *Service
	r         *http.Request
	body      []byte
	a         *liveAPI
	st        *liveStage
	stageName string
	path      string // for route matching: without the stage
	rawPath   string // as requested: with the stage
	domain    string
	reqID     string
	start     time.Time
	route     *liveRoute
	params    map[string]string
	// authorizer is requestContext.authorizer of 2.0 events; auth1 that of
	// 1.0 events; authCtx the Lambda authorizer's context or JWT claims for
	// $context.authorizer.* mappings.
	authorizer any
	auth1      map[string]any
	authCtx    map[string]any
	// for the access log
	status       int
	respLen      int
	integStatus  int
	integErr     string
	integLatency time.Duration
	authErr      string
	extraHeaders http.Header
}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request, a *liveAPI, st *liveStage, stageName, path, rawPath, domain string) {
	c := &call{s: s, r: r, a: a, st: st, stageName: stageName, path: path, rawPath: rawPath, domain: domain, reqID: newRequestID(), start: s.clk.Now()}
	defer c.accessLog()
	if st.dep == nil {
		c.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.fail(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		}
		return
	}
	c.body = body
	cors := st.dep.api.CorsConfiguration
	if cors != nil && r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		c.preflight(w, cors)
		return
	}
	c.route, c.params = st.dep.matchHTTP(r.Method, path)
	if c.route == nil {
		c.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	if !s.limits.allow(s.clk.Now(), a.id, stageName, st.doc, str(c.route.route.RouteKey)) {
		c.fail(w, http.StatusTooManyRequests, "Too Many Requests")
		return
	}
	if status, msg := c.authorize(); status != 0 {
		c.fail(w, status, msg)
		return
	}
	if c.route.integ == nil {
		c.fail(w, http.StatusInternalServerError, "Internal Server Error")
		c.integErr = "No integration is attached to the route"
		return
	}
	res := c.integrate()
	c.write(w, res)
}

// result is an integration's response to the client.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (c *call) fail(w http.ResponseWriter, status int, msg string) {
	c.status = status
	for k, vs := range c.extraHeaders {
		w.Header()[k] = vs
	}
	if cors := c.corsConfig(); cors != nil {
		addCORS(w.Header(), c.r, cors)
	}
	writeMessage(w, c.reqID, status, msg)
}

func (c *call) corsConfig() *api.Cors {
	if c.st == nil || c.st.dep == nil {
		return nil
	}
	return c.st.dep.api.CorsConfiguration
}

func messageResult(status int, msg string) *result {
	b, _ := json.Marshal(map[string]string{"message": msg})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &result{status: status, header: h, body: b}
}

func (c *call) write(w http.ResponseWriter, res *result) {
	h := w.Header()
	for k, vs := range res.header {
		h[k] = vs
	}
	if cors := c.corsConfig(); cors != nil {
		addCORS(h, c.r, cors)
	}
	h.Set("Apigw-Requestid", c.reqID)
	h.Set("Content-Length", strconv.Itoa(len(res.body)))
	c.status, c.respLen = res.status, len(res.body)
	w.WriteHeader(res.status)
	if c.r.Method != http.MethodHead {
		w.Write(res.body)
	}
}

// integrate runs the route's integration.
func (c *call) integrate() *result {
	integ := c.route.integ
	timeout := time.Duration(int64(valueOr(integ.TimeoutInMillis, 30000))) * time.Millisecond
	t0 := time.Now()
	defer func() { c.integLatency = time.Since(t0) }()
	switch {
	case str(integ.IntegrationType) == "AWS_PROXY" && integ.IntegrationSubtype != nil:
		return c.serviceIntegration(integ)
	case str(integ.IntegrationType) == "AWS_PROXY":
		return c.lambdaProxy(integ, timeout)
	case str(integ.IntegrationType) == "HTTP_PROXY":
		return c.httpProxy(integ, timeout)
	}
	c.integErr = "unsupported integration type " + str(integ.IntegrationType)
	return messageResult(http.StatusInternalServerError, "Internal Server Error")
}

func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// sourceIP is the client's address.
func sourceIP(r *http.Request) string {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ip
}

// accessLog writes the request's access log line: the stage's
// AccessLogSettings.Format with its $context variables resolved, to the
// CloudWatch Logs group of DestinationArn (and at debug level through
// slog).
func (c *call) accessLog() {
	als := c.st.doc.AccessLogSettings
	if als == nil || str(als.Format) == "" {
		return
	}
	line := c.expand(str(als.Format), false)
	c.s.log.LogAttrs(context.Background(), slog.LevelDebug, "access log", slog.String("api", c.a.id), slog.String("stage", c.stageName),
		slog.String("destination", str(als.DestinationArn)), slog.String("line", line))
	c.s.queueAccessLog(str(als.DestinationArn), c.a.id, c.stageName, LogLine{Time: c.s.clk.Now(), Text: line})
}
