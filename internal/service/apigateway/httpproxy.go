package apigateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hopHeaders are not forwarded by HTTP proxy integrations.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// httpProxy passes the request to an HTTP endpoint and its response back.
// {name} in the URI takes the path parameter name; the request's query
// string is appended; RequestParameters append:/overwrite:/remove: the
// request's headers, query string parameters and path.
func (c *call) httpProxy(integ *integrationDoc, timeout time.Duration) *result {
	target := str(integ.IntegrationUri)
	for k, v := range c.st.doc.StageVariables {
		target = strings.ReplaceAll(target, "${stageVariables."+k+"}", v)
	}
	for k, v := range c.params {
		target = strings.ReplaceAll(target, "{"+k+"+}", v)
		target = strings.ReplaceAll(target, "{"+k+"}", v)
	}
	u, err := url.Parse(target)
	if err != nil {
		c.integErr = "invalid integration URI"
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	q := c.r.URL.Query()
	for k, vs := range u.Query() {
		q[k] = append(vs, q[k]...)
	}
	method := str(integ.IntegrationMethod)
	if method == "" || method == "ANY" {
		method = c.r.Method
	}
	hdr := c.forwardedRequest().Header.Clone()
	for _, h := range hopHeaders {
		hdr.Del(h)
	}
	for key, expr := range integ.RequestParameters {
		op, target, _ := strings.Cut(key, ":")
		v := c.expand(expr, false)
		switch {
		case strings.HasPrefix(target, "header."):
			name := target[len("header."):]
			switch op {
			case "append":
				hdr.Add(name, v)
			case "overwrite":
				hdr.Set(name, v)
			case "remove":
				hdr.Del(name)
			}
		case strings.HasPrefix(target, "querystring."):
			name := target[len("querystring."):]
			switch op {
			case "append":
				q.Add(name, v)
			case "overwrite":
				q.Set(name, v)
			case "remove":
				q.Del(name)
			}
		case target == "path" && op == "overwrite":
			u.Path = v
		}
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.r.Context()), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(c.body))
	if err != nil {
		c.integErr = err.Error()
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	req.Header = hdr
	resp, err := c.s.http.Do(req)
	if err != nil {
		c.integErr = err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			return messageResult(http.StatusServiceUnavailable, "Service Unavailable")
		}
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPayload+1))
	if err != nil {
		c.integErr = err.Error()
		return messageResult(http.StatusServiceUnavailable, "Service Unavailable")
	}
	if len(body) > maxPayload {
		c.integErr = "integration response larger than 10 MB"
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	c.integStatus = resp.StatusCode
	h := resp.Header.Clone()
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Del("Content-Length")
	return &result{status: resp.StatusCode, header: h, body: body}
}
