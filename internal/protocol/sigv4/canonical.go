package sigv4

import (
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The canonical request is rebuilt from the request as received. Where
// clients are known to canonicalise the same wire request differently the
// helpers below return every spelling (first the one the AWS SDKs use);
// Verify accepts a signature matching any of them.

// rawPath returns the path exactly as the client sent it.
func rawPath(r *http.Request) string {
	if uri := r.RequestURI; uri != "" && uri != "*" {
		p, _, _ := strings.Cut(uri, "?")
		if !strings.HasPrefix(p, "/") {
			// absolute-form request target: scheme://authority/path
			if i := strings.Index(p, "://"); i >= 0 {
				rest := p[i+3:]
				if j := strings.IndexByte(rest, '/'); j >= 0 {
					p = rest[j:]
				} else {
					p = ""
				}
			}
		}
		if p == "" {
			return "/"
		}
		return p
	}
	if r.URL == nil {
		return "/"
	}
	if r.URL.Opaque != "" {
		// Same treatment as the SDK signer: //host/path or /path.
		o, _, _ := strings.Cut(r.URL.Opaque, "?")
		o = strings.TrimPrefix(o, "//")
		if i := strings.IndexByte(o, '/'); i >= 0 {
			return o[i:]
		}
		return "/"
	}
	if p := r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// canonicalURIs returns the candidate canonical URIs. S3-family services
// sign the path as sent; the others sign it URI-encoded once more (what
// the SDKs do) and some clients normalise it first (botocore).
func canonicalURIs(r *http.Request, service string) []string {
	raw := rawPath(r)
	if isS3(service) {
		out := []string{raw}
		if dec, err := url.PathUnescape(raw); err == nil {
			out = appendUnique(out, uriEncode(dec, false))
		}
		return appendUnique(out, uriEncode(raw, false))
	}
	out := []string{uriEncode(raw, false)}
	out = appendUnique(out, uriEncode(normalizePath(raw), false))
	return appendUnique(out, raw)
}

// normalizePath removes empty, "." and ".." segments, keeping a trailing
// slash (RFC 3986 dot-segment removal as botocore applies it).
func normalizePath(p string) string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	n := "/" + strings.Join(out, "/")
	if strings.HasSuffix(p, "/") && n != "/" {
		n += "/"
	}
	return n
}

type queryPair struct{ k, v string }

// canonicalQueries returns the candidate canonical query strings:
// the SDK form (the query decoded as form values, '+' meaning space,
// pairs that fail to decode dropped) and the literal form ('+' kept as a
// plus sign, undecodable pairs kept as sent). For presigned requests the
// X-Amz-Signature parameter is left out.
func canonicalQueries(r *http.Request, presigned bool) []string {
	if r.URL == nil || r.URL.RawQuery == "" {
		return []string{""}
	}
	raw := r.URL.RawQuery

	vals, _ := url.ParseQuery(raw)
	var sdk []queryPair
	for k, vs := range vals {
		if presigned && k == ParamSignature {
			continue
		}
		for _, v := range vs {
			sdk = append(sdk, queryPair{uriEncode(k, true), uriEncode(v, true)})
		}
	}

	var literal []queryPair
	for _, piece := range strings.Split(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		dk, errK := url.PathUnescape(k)
		dv, errV := url.PathUnescape(v)
		if presigned && dk == ParamSignature {
			continue
		}
		if errK == nil {
			k = uriEncode(dk, true)
		}
		if errV == nil {
			v = uriEncode(dv, true)
		}
		literal = append(literal, queryPair{k, v})
	}

	return appendUnique([]string{joinQuery(sdk)}, joinQuery(literal))
}

func joinQuery(pairs []queryPair) string {
	slices.SortFunc(pairs, func(a, b queryPair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// hostVariants returns the Host header value, and the same without a
// default port (the SDKs sign host:443 / host:80 without the port).
func hostVariants(r *http.Request) []string {
	h := r.Host
	if h == "" && r.URL != nil {
		h = r.URL.Host
	}
	out := []string{h}
	for _, port := range []string{":80", ":443"} {
		if s, ok := strings.CutSuffix(h, port); ok && s != "" {
			out = appendUnique(out, s)
		}
	}
	return out
}

// canonicalHeaders builds the canonical headers block: for each signed
// name in order, "name:value\n", where multiple values are joined with ','
// and each is trimmed with inner runs of spaces collapsed.
func canonicalHeaders(r *http.Request, names []string, host string) string {
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, name, host) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.TrimSpace(collapseSpaces(v)))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// headerValues returns the values of the named header (lower-case) as the
// client sent them, including the ones net/http moves out of r.Header.
func headerValues(r *http.Request, name, host string) []string {
	switch name {
	case "host", ":authority":
		return []string{host}
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	case "transfer-encoding":
		if v := r.Header.Values("Transfer-Encoding"); len(v) > 0 {
			return v
		}
		return r.TransferEncoding
	}
	if v, ok := r.Header[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return v
	}
	var out []string
	for k, v := range r.Header {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

// collapseSpaces replaces every run of spaces with a single space.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if prev {
				continue
			}
			prev = true
		} else {
			prev = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// payloadHashes returns the candidate payload hashes for the last line of
// the canonical request. Presigned URLs are signed over UNSIGNED-PAYLOAD by
// S3 presigners and over the body hash by others (e.g. the STS
// GetCallerIdentity URLs behind EKS tokens), unless X-Amz-Content-Sha256
// is a query parameter.
func payloadHashes(r *http.Request, info *Info, payloadHash string) []string {
	if payloadHash == "" {
		payloadHash = PayloadHash(r, nil)
	}
	if !info.Presigned {
		return []string{payloadHash}
	}
	if r.URL != nil {
		if q, _ := url.ParseQuery(r.URL.RawQuery); q.Has(ParamContentSHA256) {
			return []string{q.Get(ParamContentSHA256)}
		}
	}
	if isS3(info.Service) {
		return appendUnique([]string{UnsignedPayload}, payloadHash)
	}
	return appendUnique([]string{payloadHash}, UnsignedPayload)
}

// uriEncode applies AWS URI encoding: every byte except A-Z a-z 0-9 - _ . ~
// becomes %XX (upper-case hex); '/' is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && (encodeSlash || s[i] != '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (!encodeSlash && c == '/') {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
