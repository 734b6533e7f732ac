package runtime

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The Runtime API of a sandbox is served by hand on its own loopback
// listener: a connection whose runtime waits in GET /next is parked in
// sandbox.idle, and the invoking goroutine itself writes the invocation to
// it and reads the result back from it. On the common path an invocation
// costs no goroutine hand-off in hako and none of net/http's server
// machinery; results posted on another connection, crashes and timeouts
// interrupt the read.

// apiConn is one connection of the runtime to its Runtime API. One
// goroutine at a time owns it.
type apiConn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

func (ac *apiConn) close() { ac.c.Close() }

// connSet tracks a sandbox's connections so that stop can close them.
type connSet struct {
	mu    sync.Mutex
	conns map[*apiConn]struct{}
}

func (s *connSet) add(ac *apiConn) {
	s.mu.Lock()
	if s.conns == nil {
		s.conns = map[*apiConn]struct{}{}
	}
	s.conns[ac] = struct{}{}
	s.mu.Unlock()
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	for ac := range s.conns {
		ac.close()
	}
	s.conns = nil
	s.mu.Unlock()
}

func (sb *sandbox) acceptLoop() {
	for {
		c, err := sb.ln.Accept()
		if err != nil {
			return
		}
		ac := &apiConn{c: c, br: bufio.NewReaderSize(c, 16<<10), bw: bufio.NewWriterSize(c, 16<<10)}
		sb.conns.add(ac)
		go sb.readLoop(ac)
	}
}

// reqKind is what a Runtime API request was.
type reqKind int

const (
	reqOther  reqKind = iota
	reqNext           // GET /next: the runtime waits for work
	reqResult         // the result of the current invocation
	reqClose          // the connection must be closed
)

// readLoop serves a connection until its runtime asks for work (then the
// connection is parked for an invocation) or it closes.
func (sb *sandbox) readLoop(ac *apiConn) {
	for {
		ac.c.SetReadDeadline(time.Time{})
		req, err := http.ReadRequest(ac.br)
		if err != nil {
			ac.close()
			return
		}
		switch sb.handle(ac, req) {
		case reqNext:
			sb.readyOne.Do(func() { close(sb.ready) })
			select {
			case sb.idle <- ac:
			case <-sb.closing:
				ac.close()
			}
			return
		case reqClose:
			ac.close()
			return
		}
	}
}

// handle answers one request that is not a GET /next (which it only
// classifies).
func (sb *sandbox) handle(ac *apiConn, req *http.Request) reqKind {
	const prefix = "/2018-06-01/runtime/"
	p, ok := strings.CutPrefix(req.URL.Path, prefix)
	switch {
	case ok && p == "invocation/next" && req.Method == http.MethodGet:
		return reqNext
	case ok && p == "init/error" && req.Method == http.MethodPost:
		body, err := readBody(req)
		if err != nil {
			return reqClose
		}
		typ := req.Header.Get("Lambda-Runtime-Function-Error-Type")
		if typ == "" {
			typ = errorTypeOf(body, "Runtime.Unknown")
		}
		sb.mu.Lock()
		sb.initErr = &fnError{Type: typ, Payload: normalizeError(body, typ)}
		sb.broken = true
		sb.mu.Unlock()
		return ac.reply(req, http.StatusAccepted, `{"status":"OK"}`)
	case ok && strings.HasPrefix(p, "invocation/") && req.Method == http.MethodPost:
		id, kind, _ := strings.Cut(strings.TrimPrefix(p, "invocation/"), "/")
		if kind != "response" && kind != "error" {
			return ac.reply(req, http.StatusNotFound, `{"errorMessage":"not found","errorType":"NotFound"}`)
		}
		return sb.result(ac, req, id, kind)
	default:
		io.Copy(io.Discard, io.LimitReader(req.Body, maxResponse))
		return ac.reply(req, http.StatusNotFound, `{"errorMessage":"not found","errorType":"NotFound"}`)
	}
}

var errTooLarge = errors.New("body too large")

func readBody(req *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(req.Body, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResponse {
		return b, errTooLarge
	}
	return b, nil
}

// result records the response or error of the current invocation.
func (sb *sandbox) result(ac *apiConn, req *http.Request, id, kind string) reqKind {
	body, err := readBody(req)
	if err != nil && !errors.Is(err, errTooLarge) {
		return reqClose
	}
	sb.mu.Lock()
	c := sb.cur
	if c == nil || c.inv.RequestID != id {
		sb.mu.Unlock()
		ac.reply(req, http.StatusBadRequest, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`)
		if errors.Is(err, errTooLarge) {
			return reqClose
		}
		return reqOther
	}
	sb.cur = nil
	other := sb.curConn
	sb.mu.Unlock()
	switch {
	case kind == "error":
		typ := req.Header.Get("Lambda-Runtime-Function-Error-Type")
		if typ == "" {
			typ = errorTypeOf(body, "Unhandled")
		}
		c.errType = typ
		c.payload = normalizeError(body, typ)
	case errors.Is(err, errTooLarge):
		c.errType = "Function.ResponseSizeTooLarge"
		c.payload = errorJSON(c.errType, fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxResponse))
	default:
		c.payload = body
	}
	close(c.done)
	if other != nil && other != ac {
		// The invoking goroutine reads another connection: wake it.
		other.c.SetReadDeadline(time.Now())
	}
	k := ac.reply(req, http.StatusAccepted, `{"status":"OK"}`)
	if k == reqClose || errors.Is(err, errTooLarge) {
		return reqClose
	}
	return reqResult
}

// reply writes a small JSON response.
func (ac *apiConn) reply(req *http.Request, status int, body string) reqKind {
	fmt.Fprintf(ac.bw, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", status, http.StatusText(status), len(body), body)
	if ac.bw.Flush() != nil || req.Close {
		return reqClose
	}
	return reqOther
}

// writeNext answers a parked GET /next with the invocation.
func (ac *apiConn) writeNext(c *call) error {
	w := ac.bw
	w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: ")
	w.WriteString(c.inv.RequestID)
	w.WriteString("\r\nLambda-Runtime-Deadline-Ms: ")
	w.WriteString(strconv.FormatInt(c.deadline.UnixMilli(), 10))
	w.WriteString("\r\nLambda-Runtime-Invoked-Function-Arn: ")
	w.WriteString(c.inv.InvokedARN)
	if c.inv.TraceID != "" {
		w.WriteString("\r\nLambda-Runtime-Trace-Id: ")
		w.WriteString(c.inv.TraceID)
	}
	if c.inv.ClientContext != "" {
		// Clients send it base64-encoded; runtimes get the JSON.
		cc := c.inv.ClientContext
		if b, err := base64.StdEncoding.DecodeString(cc); err == nil {
			cc = string(b)
		}
		w.WriteString("\r\nLambda-Runtime-Client-Context: ")
		w.WriteString(cc)
	}
	if c.inv.Identity != "" {
		w.WriteString("\r\nLambda-Runtime-Cognito-Identity: ")
		w.WriteString(c.inv.Identity)
	}
	w.WriteString("\r\nContent-Length: ")
	w.WriteString(strconv.Itoa(len(c.inv.Payload)))
	w.WriteString("\r\n\r\n")
	w.Write(c.inv.Payload)
	return w.Flush()
}

// outcome is how an exchange with the runtime ended.
type outcome int

const (
	outDone         outcome = iota // c.done is closed: the result is in c
	outTimeout                     // the function's time ran out
	outExited                      // the process exited
	outNotDelivered                // the runtime never received the invocation
)

// exchange hands c to the runtime and waits for its result.
func (sb *sandbox) exchange(c *call, timer *time.Timer) outcome {
	var ac *apiConn
	select {
	case ac = <-sb.idle:
	case <-sb.exited:
		return outNotDelivered
	case <-timer.C:
		return outTimeout
	}
	select {
	case <-sb.exited:
		ac.close()
		return outNotDelivered
	default:
	}
	sb.mu.Lock()
	sb.curConn = ac
	sb.mu.Unlock()
	defer func() {
		sb.mu.Lock()
		sb.curConn = nil
		sb.mu.Unlock()
	}()
	if err := ac.writeNext(c); err != nil {
		ac.close()
		return outNotDelivered
	}
	c.delivered.Store(true)
	for {
		ac.c.SetReadDeadline(c.deadline)
		req, err := http.ReadRequest(ac.br)
		if err != nil {
			ac.close()
			return sb.await(c, timer)
		}
		switch sb.handle(ac, req) {
		case reqResult:
			go sb.readLoop(ac)
			return outDone
		case reqNext:
			// Asked for more work without answering: park the connection
			// and wait for a result on another one.
			select {
			case sb.idle <- ac:
			default:
				ac.close()
			}
			return sb.await(c, timer)
		case reqClose:
			ac.close()
			return sb.await(c, timer)
		}
	}
}

// await waits for a result posted on another connection, the process's
// exit or the timeout.
func (sb *sandbox) await(c *call, timer *time.Timer) outcome {
	select {
	case <-c.done:
		return outDone
	default:
	}
	select {
	case <-c.done:
		return outDone
	case <-sb.exited:
		select {
		case <-c.done:
			return outDone
		default:
			return outExited
		}
	case <-timer.C:
		select {
		case <-c.done:
			return outDone
		default:
			return outTimeout
		}
	}
}
