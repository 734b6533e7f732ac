package apigateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/hako-dev/hako/internal/store"
)

// WebSocket APIs' limits, as AWS's.
const (
	wsIdleTimeout  = 10 * time.Minute
	wsMaxDuration  = 2 * time.Hour
	wsMessageLimit = 128 << 10
	wsSweepEvery   = 10 * time.Second
)

// hub holds the WebSocket connections open on this node. They live in
// memory; apigw_connections records each with its node so that other
// nodes can answer @connections calls (they forward them here).
type hub struct {
	s     *Service
	mu    sync.Mutex
	conns map[string]*wsConn
	wg    sync.WaitGroup // connection goroutines and $disconnect calls
}

// wsConn is one client connection.
type wsConn struct {
	id, apiID, stage, domain string
	sourceIP, userAgent      string
	conn                     *websocket.Conn
	frames                   *frameWatch // flags frames over 32 KB
	connectedAt              time.Time
	lastActive               atomic.Int64 // Unix ms
	authorizer               map[string]any
	closing                  atomic.Bool
	// set by whoever closes the connection first: the close code and
	// reason reported to $disconnect.
	mu          sync.Mutex
	closeCode   int
	closeReason string
}

func newHub(s *Service) *hub { return &hub{s: s, conns: map[string]*wsConn{}} }

func (h *hub) get(id string) *wsConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns[id]
}

// newConnID returns a connection id of AWS's form (base64, 16 characters,
// unique across nodes).
func newConnID() string {
	b := make([]byte, 11)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b) + "="
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") && strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade")
}

// wsEvent is the event of WebSocket Lambda integrations (decodes as
// aws-lambda-go's events.APIGatewayWebsocketProxyRequest).
type wsEvent struct {
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	RequestContext                  wsContext           `json:"requestContext"`
	Body                            string              `json:"body,omitempty"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
	StageVariables                  map[string]string   `json:"stageVariables,omitempty"`
	// Lambda authorizers of $connect get these too.
	Type      string `json:"type,omitempty"`
	MethodArn string `json:"methodArn,omitempty"`
}

type wsContext struct {
	RouteKey             string         `json:"routeKey"`
	MessageID            string         `json:"messageId,omitempty"`
	DisconnectStatusCode *int           `json:"disconnectStatusCode,omitempty"`
	DisconnectReason     *string        `json:"disconnectReason,omitempty"`
	EventType            string         `json:"eventType"`
	ExtendedRequestID    string         `json:"extendedRequestId"`
	RequestTime          string         `json:"requestTime"`
	MessageDirection     string         `json:"messageDirection"`
	Stage                string         `json:"stage"`
	ConnectedAt          int64          `json:"connectedAt"`
	RequestTimeEpoch     int64          `json:"requestTimeEpoch"`
	Identity             wsIdentity     `json:"identity"`
	RequestID            string         `json:"requestId"`
	DomainName           string         `json:"domainName"`
	ConnectionID         string         `json:"connectionId"`
	APIID                string         `json:"apiId"`
	Authorizer           map[string]any `json:"authorizer,omitempty"`
}

type wsIdentity struct {
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

func (c *wsConn) context(eventType, routeKey, reqID string, now time.Time) wsContext {
	return wsContext{RouteKey: routeKey, EventType: eventType, ExtendedRequestID: reqID, RequestID: reqID,
		RequestTime: now.UTC().Format("02/Jan/2006:15:04:05 -0700"), MessageDirection: "IN", Stage: c.stage,
		ConnectedAt: c.connectedAt.UnixMilli(), RequestTimeEpoch: now.UnixMilli(), Identity: wsIdentity{c.sourceIP, c.userAgent},
		DomainName: c.domain, ConnectionID: c.id, APIID: c.apiID, Authorizer: c.authorizer}
}

// serve upgrades a request on a WebSocket API's stage URL: the $connect
// route's authorizer and integration decide (a rejection fails the
// handshake with 401/403), then messages flow until either side closes.
func (h *hub) serve(w http.ResponseWriter, r *http.Request, a *liveAPI, st *liveStage, stageName, domain string) {
	s := h.s
	reqID := newRequestID()
	if st.dep == nil {
		writeMessage(w, reqID, http.StatusNotFound, "Not Found")
		return
	}
	if !isUpgrade(r) {
		writeMessage(w, reqID, http.StatusUpgradeRequired, "Upgrade Required")
		return
	}
	now := s.clk.Now()
	c := &wsConn{id: newConnID(), apiID: a.id, stage: stageName, domain: domain, sourceIP: sourceIP(r), userAgent: r.UserAgent(), connectedAt: now}
	c.lastActive.Store(now.UnixMilli())
	var subprotocol string
	if lr := st.dep.byKey["$connect"]; lr != nil {
		ev := c.connectEvent(r, reqID, now, st)
		if status := h.authorizeConnect(r, a, st, lr, c, ev); status != 0 {
			writeMessage(w, reqID, status, http.StatusText(status))
			return
		}
		ev.RequestContext.Authorizer = c.authorizer
		status, hdr, _, err := h.integrate(r.Context(), a, st, lr, ev)
		if err != nil || status < 200 || status > 299 {
			if err != nil {
				s.log.Warn("websocket $connect integration failed", "api", a.id, "err", err)
			}
			writeMessage(w, reqID, http.StatusForbidden, "Forbidden")
			return
		}
		subprotocol = hdr.Get("Sec-WebSocket-Protocol")
	}
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true}
	if subprotocol != "" {
		opts.Subprotocols = []string{subprotocol}
	}
	watch := &frameWatch{}
	conn, err := websocket.Accept(frameWatchWriter{w, watch}, r, opts)
	if err != nil {
		return
	}
	c.frames = watch
	conn.SetReadLimit(wsMessageLimit)
	c.conn = conn
	if err := h.register(c); err != nil {
		s.log.Error("websocket register", "err", err)
		conn.Close(websocket.StatusInternalError, "Internal server error")
		return
	}
	h.wg.Add(1)
	defer h.wg.Done()
	h.readLoop(c)
}

// register records the connection in memory and in the store.
func (h *hub) register(c *wsConn) error {
	endpoint := ""
	if h.s.cfg.Endpoint != nil {
		endpoint = h.s.cfg.Endpoint()
	}
	err := h.s.st.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO apigw_connections (conn_id, api_id, stage, node, endpoint, connected_at, source_ip, user_agent)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.id, c.apiID, c.stage, h.s.node, endpoint, c.connectedAt.UnixMilli(), c.sourceIP, c.userAgent)
		return err
	})
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.conns[c.id] = c
	h.mu.Unlock()
	return nil
}

func (c *wsConn) connectEvent(r *http.Request, reqID string, now time.Time, st *liveStage) *wsEvent {
	ev := &wsEvent{Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, RequestContext: c.context("CONNECT", "$connect", reqID, now)}
	for k, vs := range r.Header {
		ev.Headers[k] = vs[len(vs)-1]
		ev.MultiValueHeaders[k] = vs
	}
	ev.Headers["Host"], ev.MultiValueHeaders["Host"] = r.Host, []string{r.Host}
	ev.Headers["X-Forwarded-For"], ev.MultiValueHeaders["X-Forwarded-For"] = c.sourceIP, []string{c.sourceIP}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, map[string][]string{}
		for k, vs := range q {
			ev.QueryStringParameters[k] = vs[len(vs)-1]
			ev.MultiValueQueryStringParameters[k] = vs
		}
	}
	if len(st.doc.StageVariables) > 0 {
		ev.StageVariables = st.doc.StageVariables
	}
	return ev
}

// authorizeConnect runs the $connect route's authorization; non-zero is
// the handshake's failure status.
func (h *hub) authorizeConnect(r *http.Request, a *liveAPI, st *liveStage, lr *liveRoute, c *wsConn, ev *wsEvent) int {
	switch str(lr.route.AuthorizationType) {
	case "AWS_IAM":
		if status, _ := h.s.checkIAM(r, nil); status != 0 {
			return status
		}
	case "CUSTOM":
		au := lr.auth
		if au == nil {
			return http.StatusInternalServerError
		}
		var ids []string
		for _, src := range au.IdentitySource {
			v := wsIdentityValue(r, st, src)
			if v == "" {
				return http.StatusUnauthorized
			}
			ids = append(ids, v)
		}
		arn := "arn:aws:execute-api:" + a.region + ":" + a.account + ":" + a.id + "/" + c.stage + "/$connect"
		aev := *ev
		aev.Type, aev.MethodArn = "REQUEST", arn
		payload, _ := json.Marshal(aev)
		out, fnErr, err := h.s.invoke(r.Context(), a, lambdaFunction(str(au.AuthorizerUri), st.doc.StageVariables), payload, 10*time.Second)
		if err != nil || fnErr != "" {
			return http.StatusInternalServerError
		}
		e, ok := parseAuthorizerResult(out, false, arn)
		if !ok {
			return http.StatusInternalServerError
		}
		if !e.allow {
			return http.StatusForbidden
		}
		c.authorizer = map[string]any{}
		for k, v := range e.context {
			c.authorizer[k] = v
		}
		if e.pid != "" {
			c.authorizer["principalId"] = e.pid
		}
	}
	return 0
}

// wsIdentityValue evaluates a WebSocket identity source
// (route.request.header.X, route.request.querystring.X, stageVariables.X).
func wsIdentityValue(r *http.Request, st *liveStage, src string) string {
	switch {
	case strings.HasPrefix(src, "route.request.header."):
		return r.Header.Get(src[len("route.request.header."):])
	case strings.HasPrefix(src, "route.request.querystring."):
		return r.URL.Query().Get(src[len("route.request.querystring."):])
	case strings.HasPrefix(src, "stageVariables."):
		return st.doc.StageVariables[src[len("stageVariables."):]]
	}
	return ""
}

// integrate runs a WebSocket route's integration: the status, headers
// and body of its response.
func (h *hub) integrate(ctx context.Context, a *liveAPI, st *liveStage, lr *liveRoute, ev *wsEvent) (int, http.Header, []byte, error) {
	integ := lr.integ
	if integ == nil {
		return 0, nil, nil, errors.New("no integration is attached to the route " + str(lr.route.RouteKey))
	}
	timeout := time.Duration(valueOr(integ.TimeoutInMillis, 29000)) * time.Millisecond
	switch str(integ.IntegrationType) {
	case "MOCK":
		return http.StatusOK, http.Header{}, nil, nil
	case "AWS_PROXY", "AWS":
		payload, _ := json.Marshal(ev)
		out, fnErr, err := h.s.invoke(ctx, a, lambdaFunction(str(integ.IntegrationUri), st.doc.StageVariables), payload, timeout)
		if err != nil {
			return 0, nil, nil, err
		}
		if fnErr != "" {
			return 0, nil, nil, errors.New("the function failed: " + fnErr)
		}
		return wsProxyResult(out)
	case "HTTP_PROXY", "HTTP":
		return h.httpIntegrate(ctx, integ, ev, timeout)
	}
	return 0, nil, nil, errors.New("unsupported integration type " + str(integ.IntegrationType))
}

// wsProxyResult reads a Lambda proxy result of a WebSocket route:
// {"statusCode", "headers", "body", "isBase64Encoded"}; a result without
// statusCode counts as 200 with the result itself as the body.
func wsProxyResult(out []byte) (int, http.Header, []byte, error) {
	var res struct {
		StatusCode      *int              `json:"statusCode"`
		Headers         map[string]string `json:"headers"`
		Body            *string           `json:"body"`
		IsBase64Encoded bool              `json:"isBase64Encoded"`
	}
	h := http.Header{}
	if err := json.Unmarshal(out, &res); err != nil || res.StatusCode == nil {
		if string(out) == "null" || len(out) == 0 {
			return http.StatusOK, h, nil, nil
		}
		var s string
		if json.Unmarshal(out, &s) == nil {
			return http.StatusOK, h, []byte(s), nil
		}
		return http.StatusOK, h, out, nil
	}
	for k, v := range res.Headers {
		h.Set(k, v)
	}
	var body []byte
	if res.Body != nil {
		body = []byte(*res.Body)
		if res.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(*res.Body)
			if err != nil {
				return 0, nil, nil, errors.New("invalid base64 body")
			}
			body = b
		}
	}
	return *res.StatusCode, h, body, nil
}

// readLoop receives the client's messages until the connection ends.
func (h *hub) readLoop(c *wsConn) {
	var msgs sync.WaitGroup
	defer func() {
		msgs.Wait()
		h.disconnected(c)
	}()
	for {
		typ, data, err := c.conn.Read(h.s.ctx)
		if err != nil {
			code := int(websocket.CloseStatus(err))
			reason := ""
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				reason = ce.Reason
			}
			if code < 0 {
				code = 1006
				if errors.Is(err, websocket.ErrMessageTooBig) || strings.Contains(err.Error(), "read limited") {
					code = int(websocket.StatusMessageTooBig)
					c.conn.Close(websocket.StatusMessageTooBig, "Message too big")
				}
			}
			c.setClose(code, reason)
			return
		}
		if c.frames != nil && c.frames.tooBig.Load() {
			c.conn.Close(websocket.StatusMessageTooBig, "Frame too big")
			c.setClose(int(websocket.StatusMessageTooBig), "")
			return
		}
		c.lastActive.Store(h.s.clk.Now().UnixMilli())
		msgs.Add(1)
		go func() {
			defer msgs.Done()
			h.onMessage(c, typ, data)
		}()
	}
}

func (c *wsConn) setClose(code int, reason string) {
	c.mu.Lock()
	if c.closeCode == 0 {
		c.closeCode, c.closeReason = code, reason
	}
	c.mu.Unlock()
}

// close ends a connection from the server side.
func (c *wsConn) close(code websocket.StatusCode, reason string) {
	if c.closing.Swap(true) {
		return
	}
	c.setClose(int(code), reason)
	go c.conn.Close(code, reason)
}

// disconnected forgets a connection and runs the $disconnect route.
func (h *hub) disconnected(c *wsConn) {
	h.mu.Lock()
	delete(h.conns, c.id)
	h.mu.Unlock()
	c.conn.CloseNow()
	ctx := context.Background()
	if err := h.s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM apigw_connections WHERE conn_id = ?", c.id)
		return err
	}); err != nil {
		h.s.log.Warn("websocket unregister", "conn", c.id, "err", err)
	}
	a, err := h.s.live(ctx, c.apiID)
	if err != nil || a == nil {
		return
	}
	st := a.stages[c.stage]
	if st == nil || st.dep == nil || st.dep.byKey["$disconnect"] == nil {
		return
	}
	c.mu.Lock()
	code, reason := c.closeCode, c.closeReason
	c.mu.Unlock()
	reqID := newRequestID()
	ev := &wsEvent{RequestContext: c.context("DISCONNECT", "$disconnect", reqID, h.s.clk.Now())}
	ev.RequestContext.DisconnectStatusCode, ev.RequestContext.DisconnectReason = &code, &reason
	ev.Headers = map[string]string{"Host": c.domain, "X-Forwarded-For": c.sourceIP}
	ev.MultiValueHeaders = map[string][]string{"Host": {c.domain}, "X-Forwarded-For": {c.sourceIP}}
	if _, _, _, err := h.integrate(ctx, a, st, st.dep.byKey["$disconnect"], ev); err != nil {
		h.s.log.Warn("websocket $disconnect integration failed", "api", c.apiID, "err", err)
	}
}

// selectRoute evaluates the API's route selection expression on a
// message: the route key whose route handles it.
func selectRoute(dep *compiled, data []byte) string {
	expr := strings.TrimSpace(str(dep.api.RouteSelectionExpression))
	if strings.HasPrefix(expr, "${") && strings.HasSuffix(expr, "}") {
		expr = "$" + expr[2:len(expr)-1]
	}
	if p, ok := strings.CutPrefix(expr, "$request.body."); ok {
		if v, ok := jsonPath(data, p); ok {
			return v
		}
		return "$default"
	}
	if expr != "" && !strings.Contains(expr, "$") {
		return expr
	}
	return "$default"
}

// onMessage routes one message and runs its integration; with a route
// response the integration's answer goes back to the client.
func (h *hub) onMessage(c *wsConn, typ websocket.MessageType, data []byte) {
	ctx := h.s.ctx
	reqID := newRequestID()
	a, err := h.s.live(ctx, c.apiID)
	if err != nil || a == nil || a.stages[c.stage] == nil || a.stages[c.stage].dep == nil {
		h.sendError(c, "Internal server error", reqID)
		return
	}
	st := a.stages[c.stage]
	dep := st.dep
	key := selectRoute(dep, data)
	lr := dep.byKey[key]
	if lr == nil || key == "$connect" || key == "$disconnect" {
		key, lr = "$default", dep.byKey["$default"]
	}
	if lr == nil {
		h.sendError(c, "Forbidden", reqID)
		return
	}
	if !h.s.limits.allow(h.s.clk.Now(), a.id, c.stage, st.doc, key) {
		h.sendError(c, "Too Many Requests", reqID)
		return
	}
	ev := &wsEvent{RequestContext: c.context("MESSAGE", key, reqID, h.s.clk.Now())}
	ev.RequestContext.MessageID = newRequestID()
	if typ == websocket.MessageBinary || !utf8.Valid(data) {
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(data), true
	} else {
		ev.Body = string(data)
	}
	if len(st.doc.StageVariables) > 0 {
		ev.StageVariables = st.doc.StageVariables
	}
	_, _, body, err := h.integrate(ctx, a, st, lr, ev)
	if err != nil {
		h.s.log.Warn("websocket integration failed", "api", a.id, "route", key, "err", err)
		h.sendError(c, "Internal server error", reqID)
		return
	}
	if lr.route.RouteResponseSelectionExpression != nil && len(dep.routeResponses[str(lr.route.RouteId)]) > 0 && len(body) > 0 {
		h.send(c, body)
	}
}

// sendError sends API Gateway's error message for a message it could not
// handle.
func (h *hub) sendError(c *wsConn, msg, reqID string) {
	b, _ := json.Marshal(map[string]string{"message": msg, "connectionId": c.id, "requestId": reqID})
	h.send(c, b)
}

// send writes a message to the client: text when it is UTF-8.
func (h *hub) send(c *wsConn, data []byte) error {
	typ := websocket.MessageText
	if !utf8.Valid(data) {
		typ = websocket.MessageBinary
	}
	ctx, cancel := context.WithTimeout(h.s.ctx, 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, typ, data); err != nil {
		return err
	}
	c.lastActive.Store(h.s.clk.Now().UnixMilli())
	return nil
}

// sweep closes connections idle for 10 minutes or open for 2 hours.
func (h *hub) sweep(ctx context.Context) {
	defer h.s.wg.Done()
	for {
		t := h.s.clk.NewTimer(wsSweepEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		now := h.s.clk.Now()
		h.mu.Lock()
		var idle, old []*wsConn
		for _, c := range h.conns {
			switch {
			case now.Sub(c.connectedAt) >= wsMaxDuration:
				old = append(old, c)
			case now.Sub(time.UnixMilli(c.lastActive.Load())) >= wsIdleTimeout:
				idle = append(idle, c)
			}
		}
		h.mu.Unlock()
		for _, c := range idle {
			c.close(websocket.StatusGoingAway, "Going away")
		}
		for _, c := range old {
			c.close(websocket.StatusGoingAway, "Going away")
		}
	}
}

// closeAPI closes the connections of an API (of one stage when given).
func (h *hub) closeAPI(apiID, stage string) {
	h.mu.Lock()
	var cs []*wsConn
	for _, c := range h.conns {
		if c.apiID == apiID && (stage == "" || c.stage == stage) {
			cs = append(cs, c)
		}
	}
	h.mu.Unlock()
	for _, c := range cs {
		c.close(websocket.StatusGoingAway, "Going away")
	}
}

// closeAll closes every connection and waits for their goroutines.
func (h *hub) closeAll() {
	h.mu.Lock()
	cs := make([]*wsConn, 0, len(h.conns))
	for _, c := range h.conns {
		cs = append(cs, c)
	}
	h.mu.Unlock()
	for _, c := range cs {
		c.close(websocket.StatusGoingAway, "Going away")
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}
