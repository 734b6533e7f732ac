package apigateway

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Parameter mapping and $context variables: the expressions of
// integration RequestParameters ("$request.header.x", "$request.body.a.b",
// "$context.requestId", "$stageVariables.v", static text, or text mixing
// them, also as ${...}) and of access log formats.

// expand replaces every variable of s with its value.
func (c *call) expand(s string, _ bool) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			b.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				v, _ := c.variable(s[i+2 : i+j])
				b.WriteString(v)
				i += j + 1
				continue
			}
		}
		name, n := scanVariable(s[i+1:])
		if n == 0 {
			b.WriteByte('$')
			i++
			continue
		}
		v, ok := c.variable(name)
		if !ok && strings.HasPrefix(name, "context.") {
			v = "-"
		}
		b.WriteString(v)
		i += 1 + n
	}
	return b.String()
}

// scanVariable reads a variable name at the start of s (after '$').
func scanVariable(s string) (string, int) {
	var prefix string
	for _, p := range []string{"request.header.", "request.querystring.", "request.path.", "request.body", "request.path", "context.", "stageVariables."} {
		if strings.HasPrefix(s, p) {
			prefix = p
			break
		}
	}
	if prefix == "" {
		return "", 0
	}
	n := len(prefix)
	for n < len(s) {
		ch := s[n]
		ok := ch == '_' || ch == '.' || ch == '-' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
		if prefix == "request.body" {
			ok = ok || ch == '[' || ch == ']' || ch == '\''
		}
		if prefix == "context." && ch == '-' {
			ok = false
		}
		if !ok {
			break
		}
		n++
	}
	// a trailing dot ends a sentence, not a name
	for n > len(prefix) && s[n-1] == '.' {
		n--
	}
	return s[:n], n
}

// variable returns the value of one variable (without '$').
func (c *call) variable(name string) (string, bool) {
	switch {
	case strings.HasPrefix(name, "request.header."):
		h := name[len("request.header."):]
		if vs := c.r.Header.Values(h); len(vs) > 0 {
			return strings.Join(vs, ","), true
		}
		return "", false
	case strings.HasPrefix(name, "request.querystring."):
		q := c.r.URL.Query()
		k := name[len("request.querystring."):]
		if vs, ok := q[k]; ok {
			return strings.Join(vs, ","), true
		}
		return "", false
	case strings.HasPrefix(name, "request.path."):
		v, ok := c.params[name[len("request.path."):]]
		return v, ok
	case name == "request.path":
		return c.path, true
	case name == "request.body":
		return string(c.body), true
	case strings.HasPrefix(name, "request.body."):
		return jsonPath(c.body, name[len("request.body."):])
	case strings.HasPrefix(name, "stageVariables."):
		v, ok := c.st.doc.StageVariables[name[len("stageVariables."):]]
		return v, ok
	case strings.HasPrefix(name, "context."):
		return c.contextVar(name[len("context."):])
	}
	return "", false
}

// contextVar is one $context variable of HTTP APIs.
func (c *call) contextVar(name string) (string, bool) {
	r := c.r
	switch name {
	case "accountId":
		return c.a.account, true
	case "apiId":
		return c.a.id, true
	case "domainName":
		return c.domain, true
	case "domainPrefix":
		return domainPrefix(c.domain, c.a.id), true
	case "httpMethod":
		return r.Method, true
	case "identity.sourceIp":
		return sourceIP(r), true
	case "identity.userAgent":
		return r.UserAgent(), true
	case "path":
		return c.rawPath, true
	case "protocol":
		return r.Proto, true
	case "requestId", "extendedRequestId":
		return c.reqID, true
	case "requestTime":
		return c.start.UTC().Format("02/Jan/2006:15:04:05 -0700"), true
	case "requestTimeEpoch":
		return strconv.FormatInt(c.start.UnixMilli(), 10), true
	case "routeKey":
		if c.route == nil {
			return "-", true
		}
		return str(c.route.route.RouteKey), true
	case "stage":
		return c.stageName, true
	case "status":
		return strconv.Itoa(c.status), true
	case "responseLength":
		return strconv.Itoa(c.respLen), true
	case "responseLatency":
		return strconv.FormatInt(c.s.clk.Now().Sub(c.start).Milliseconds(), 10), true
	case "integrationLatency", "integration.latency":
		return strconv.FormatInt(c.integLatency.Milliseconds(), 10), true
	case "integrationStatus", "integration.integrationStatus", "integration.status":
		if c.integStatus == 0 {
			return "-", true
		}
		return strconv.Itoa(c.integStatus), true
	case "integrationErrorMessage", "integration.error":
		if c.integErr == "" {
			return "-", true
		}
		return c.integErr, true
	case "authorizer.error":
		if c.authErr == "" {
			return "-", true
		}
		return c.authErr, true
	}
	if k, ok := strings.CutPrefix(name, "authorizer.claims."); ok {
		return stringOf(c.authCtx[k])
	}
	if k, ok := strings.CutPrefix(name, "authorizer."); ok {
		return stringOf(c.authCtx[k])
	}
	return "", false
}

func stringOf(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	default:
		b, _ := json.Marshal(x)
		return string(b), true
	}
}

// domainPrefix is the first label of the domain name; for hako's
// path-based URLs (an IP address) the API id.
func domainPrefix(domain, apiID string) string {
	host := domain
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	label, _, _ := strings.Cut(host, ".")
	if _, err := strconv.Atoi(label); err == nil || label == "" || label == "localhost" {
		return apiID
	}
	return label
}

// jsonPath evaluates a simple JSONPath (a.b[0].c, with optional $.) on a
// JSON document: strings as they are, other values as their JSON text.
func jsonPath(doc []byte, path string) (string, bool) {
	cur := json.RawMessage(doc)
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	for path != "" {
		var key string
		switch {
		case path[0] == '[':
			j := strings.IndexByte(path, ']')
			if j < 0 {
				return "", false
			}
			key, path = strings.Trim(path[1:j], "'\""), path[j+1:]
		default:
			j := strings.IndexAny(path, ".[")
			if j < 0 {
				j = len(path)
			}
			key, path = path[:j], path[j:]
		}
		path = strings.TrimPrefix(path, ".")
		trimmed := strings.TrimLeft(string(cur), " \t\r\n")
		switch {
		case strings.HasPrefix(trimmed, "{"):
			var m map[string]json.RawMessage
			if json.Unmarshal(cur, &m) != nil {
				return "", false
			}
			v, ok := m[key]
			if !ok {
				return "", false
			}
			cur = v
		case strings.HasPrefix(trimmed, "["):
			var a []json.RawMessage
			i, err := strconv.Atoi(key)
			if json.Unmarshal(cur, &a) != nil || err != nil || i < 0 || i >= len(a) {
				return "", false
			}
			cur = a[i]
		default:
			return "", false
		}
	}
	var s string
	if json.Unmarshal(cur, &s) == nil {
		return s, true
	}
	if !json.Valid(cur) {
		return "", false
	}
	return strings.TrimSpace(string(cur)), true
}
