// Package restroute is the HTTP binding layer shared by the REST protocols
// (restJson1, restXml): a Router that finds the operation of a request from
// the method and the Smithy URI patterns of a service model, and the
// binding of the httpLabel, httpQuery, httpQueryParams, httpHeader,
// httpPrefixHeaders and httpResponseCode members of the generated shapes
// to and from HTTP. The body codecs live in restjson and restxml.
//
// A server handles a REST request with them like this (restxml likewise,
// with the service for its XML namespace):
//
//	res := router.Route(r) // S3 virtual host: router.Lookup with the bucket re-inserted
//	switch {
//	case res.Op == nil && len(res.Allow) > 0: // 405
//	case res.Op == nil: // 404 / unknown operation
//	}
//	var in any // stays nil for operations without input (NewInput == nil)
//	if res.Op.NewInput != nil { in = res.Op.NewInput() }
//	if err := restjson.Decode(r, body, res.Labels, in); err != nil { restjson.WriteError(...) }
//	out, err := lambdaapi.Dispatch(ctx, impl, res.Op.Name, in) // err: restjson.WriteError
//	restjson.WriteResponse(w, res.Op, requestID, out)
package restroute

import (
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/hako-dev/hako/internal/model"
)

type segKind uint8

// Segment kinds, in decreasing order of specificity.
const (
	segLiteral segKind = iota
	segLabel
	segGreedy
)

type segment struct {
	kind segKind
	text string // the literal, or the label name
}

type queryLiteral struct {
	key, value string
	hasValue   bool
}

type route struct {
	op       *model.Operation
	method   string
	segs     []segment
	greedy   int // index of the greedy label in segs, -1 if none
	literals []queryLiteral
	// xid is the value of an x-id query literal. The AWS SDKs send it but
	// other clients do not, so it is only checked when the request has one.
	xid string
	// reqQuery and reqHeader are the required httpQuery and httpHeader
	// members of the input (wire names): without x-id, they tell apart
	// operations that share a pattern (GetObject, ListParts).
	reqQuery  []string
	reqHeader []string
	// query names the input binds by httpQuery.
	query map[string]bool
}

// Router matches requests to the operations of one service. It is
// immutable after New and safe for concurrent use.
type Router struct {
	byMethod map[string][]*route
	methods  []string // sorted
}

// New builds the router of svc from the Method and URI of its operations;
// operations without an HTTP binding are skipped.
func New(svc *model.Service) *Router {
	r := &Router{byMethod: map[string][]*route{}}
	names := make([]string, 0, len(svc.Operations))
	for name := range svc.Operations {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		op := svc.Operations[name]
		if op.Method == "" || op.URI == "" {
			continue
		}
		rt := compile(op)
		if r.byMethod[rt.method] == nil {
			r.methods = append(r.methods, rt.method)
		}
		r.byMethod[rt.method] = append(r.byMethod[rt.method], rt)
	}
	sort.Strings(r.methods)
	return r
}

func compile(op *model.Operation) *route {
	rt := &route{op: op, method: strings.ToUpper(op.Method), greedy: -1, query: map[string]bool{}}
	path, rawQuery, _ := strings.Cut(op.URI, "?")
	path = strings.TrimPrefix(path, "/")
	if path != "" {
		for _, s := range strings.Split(path, "/") {
			switch {
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "+}"):
				rt.greedy = len(rt.segs)
				rt.segs = append(rt.segs, segment{kind: segGreedy, text: s[1 : len(s)-2]})
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				rt.segs = append(rt.segs, segment{kind: segLabel, text: s[1 : len(s)-1]})
			default:
				rt.segs = append(rt.segs, segment{kind: segLiteral, text: s})
			}
		}
	}
	if rawQuery != "" {
		for _, kv := range strings.Split(rawQuery, "&") {
			k, v, has := strings.Cut(kv, "=")
			if k == "x-id" {
				rt.xid = v
				continue
			}
			rt.literals = append(rt.literals, queryLiteral{key: k, value: v, hasValue: has})
		}
	}
	if op.NewInput != nil {
		in := op.NewInput()
		required := map[string]bool{}
		if val, ok := in.(model.Validatable); ok {
			var v model.Validator
			val.Validate(&v)
			for _, viol := range v.Violations {
				if viol.Kind == "required" && !strings.Contains(viol.Path, ".") {
					required[viol.Path] = true
				}
			}
		}
		t := reflect.TypeOf(in).Elem()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := model.ParseTag(f.Tag.Get("aws"))
			req := required[f.Name] || required[tag.Name]
			switch {
			case tag.Query != "":
				rt.query[tag.Query] = true
				if req {
					rt.reqQuery = append(rt.reqQuery, tag.Query)
				}
			case tag.Header != "":
				if req {
					rt.reqHeader = append(rt.reqHeader, tag.Header)
				}
			}
		}
	}
	return rt
}

// Result is the outcome of Lookup.
type Result struct {
	// Op is the matched operation, nil if none.
	Op *model.Operation
	// Labels are the percent-decoded httpLabel values by label name.
	Labels map[string]string
	// Allow lists, when Op is nil, the methods of the operations whose URI
	// pattern matched: non-empty means "405 method not allowed" rather
	// than "404 no such resource".
	Allow []string
}

// Match finds the operation of method and rawPath (the escaped path, as
// r.URL.EscapedPath() returns it) with the query parameters. It is Lookup
// without headers: operations told apart only by a required header (S3
// CopyObject and PutObject without x-id) resolve to the one that needs
// none.
func (r *Router) Match(method, rawPath string, query url.Values) (op *model.Operation, labels map[string]string, ok bool) {
	res := r.Lookup(method, rawPath, query, nil)
	return res.Op, res.Labels, res.Op != nil
}

// Route is Lookup on an incoming request.
func (r *Router) Route(req *http.Request) Result {
	return r.Lookup(req.Method, req.URL.EscapedPath(), req.URL.Query(), req.Header)
}

// Lookup finds the operation of a request, following Smithy's rules:
// literal path segments beat labels and labels beat greedy labels at the
// first position where two patterns differ, every query literal of a
// pattern ("?uploads", "?list-type=2") must be present, and more query
// literals make a match more specific. Labels must be non-empty; a greedy
// label ({Key+}) takes one or more whole segments, slashes included.
//
// Two leniencies make real clients work: an x-id query literal
// ("?x-id=GetObject") only has to match when the request carries x-id,
// and operations sharing a pattern are then told apart by their required
// httpQuery and httpHeader members (uploadId selects ListParts over
// GetObject, x-amz-copy-source CopyObject over PutObject): a candidate
// with all of them present beats one without, then more of them present
// wins, then more of the request's query parameters known to the input
// (max-directory-buckets selects ListDirectoryBuckets), and the last tie
// goes to the operation name that sorts first. A path with a trailing
// slash that matches nothing is retried without it ("/bucket/").
//
// For S3 virtual-hosted-style requests (bucket.s3.host/key) the caller
// re-inserts the bucket first: rawPath = "/" + bucket + r.URL.EscapedPath().
func (r *Router) Lookup(method, rawPath string, query url.Values, header http.Header) Result {
	res := r.lookup(method, rawPath, query, header)
	if res.Op == nil && len(res.Allow) == 0 && len(rawPath) > 1 && strings.HasSuffix(rawPath, "/") {
		res = r.lookup(method, strings.TrimSuffix(rawPath, "/"), query, header)
	}
	return res
}

type candidate struct {
	rt    *route
	reqOK bool
	lits  int
	nreq  int
	known int
}

func (r *Router) lookup(method, rawPath string, query url.Values, header http.Header) Result {
	if rawPath == "" {
		rawPath = "/"
	}
	if rawPath[0] != '/' {
		return Result{}
	}
	var parts []string
	if rest := rawPath[1:]; rest != "" {
		parts = strings.Split(rest, "/")
	}
	xid, hasXID := "", false
	if v, ok := query["x-id"]; ok && len(v) > 0 {
		xid, hasXID = v[0], true
	}
	matches := func(rt *route) bool {
		if rt.xid != "" && hasXID && rt.xid != xid {
			return false
		}
		if !rt.literalsMatch(query) {
			return false
		}
		_, ok := rt.matchPath(parts, false)
		return ok
	}
	method = strings.ToUpper(method)
	var best, c candidate
	for _, rt := range r.byMethod[method] {
		if !matches(rt) {
			continue
		}
		c = candidate{rt: rt, reqOK: true, lits: len(rt.literals)}
		if rt.xid != "" && hasXID {
			c.lits++
		}
		for _, q := range rt.reqQuery {
			if _, ok := query[q]; ok {
				c.nreq++
			} else {
				c.reqOK = false
			}
		}
		for _, h := range rt.reqHeader {
			if header != nil && len(header.Values(h)) > 0 {
				c.nreq++
			} else {
				c.reqOK = false
			}
		}
		for k := range query {
			if rt.query[k] {
				c.known++
			}
		}
		if best.rt == nil || better(&c, &best) {
			best = c
		}
	}
	if best.rt != nil {
		labels, _ := best.rt.matchPath(parts, true)
		return Result{Op: best.rt.op, Labels: labels}
	}
	var allow []string
	for _, m := range r.methods {
		if m == method {
			continue
		}
		for _, rt := range r.byMethod[m] {
			if matches(rt) {
				allow = append(allow, m)
				break
			}
		}
	}
	return Result{Allow: allow}
}

// better reports whether a is a more specific match than b.
func better(a, b *candidate) bool {
	sa, sb := a.rt.segs, b.rt.segs
	for i := 0; i < len(sa) && i < len(sb); i++ {
		if sa[i].kind != sb[i].kind {
			return sa[i].kind < sb[i].kind
		}
	}
	if a.lits != b.lits {
		return a.lits > b.lits
	}
	if a.reqOK != b.reqOK {
		return a.reqOK
	}
	if a.nreq != b.nreq {
		return a.nreq > b.nreq
	}
	if a.known != b.known {
		return a.known > b.known
	}
	if len(sa) != len(sb) {
		return len(sa) > len(sb)
	}
	return a.rt.op.Name < b.rt.op.Name
}

func (rt *route) literalsMatch(query url.Values) bool {
	for _, l := range rt.literals {
		vals, ok := query[l.key]
		if !ok {
			return false
		}
		if l.hasValue {
			found := false
			for _, v := range vals {
				if v == l.value {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// matchPath matches the raw (escaped) path segments against the pattern
// and, when want is set, returns the decoded labels.
func (rt *route) matchPath(parts []string, want bool) (map[string]string, bool) {
	n := len(rt.segs)
	if rt.greedy < 0 {
		if len(parts) != n {
			return nil, false
		}
	} else if len(parts) < n {
		return nil, false
	}
	var labels map[string]string
	setLabel := func(name, raw string) bool {
		v, err := url.PathUnescape(raw)
		if err != nil || v == "" {
			return false
		}
		if !want {
			return true
		}
		if labels == nil {
			labels = make(map[string]string, 2)
		}
		labels[name] = v
		return true
	}
	one := func(s segment, raw string) bool {
		if s.kind == segLiteral {
			if raw == s.text {
				return true
			}
			v, err := url.PathUnescape(raw)
			return err == nil && v == s.text
		}
		return setLabel(s.text, raw)
	}
	if rt.greedy < 0 {
		for i, s := range rt.segs {
			if !one(s, parts[i]) {
				return nil, false
			}
		}
		return labels, true
	}
	for i := 0; i < rt.greedy; i++ {
		if !one(rt.segs[i], parts[i]) {
			return nil, false
		}
	}
	suffix := n - rt.greedy - 1
	for j := 0; j < suffix; j++ {
		if !one(rt.segs[rt.greedy+1+j], parts[len(parts)-suffix+j]) {
			return nil, false
		}
	}
	if !setLabel(rt.segs[rt.greedy].text, strings.Join(parts[rt.greedy:len(parts)-suffix], "/")) {
		return nil, false
	}
	return labels, true
}
