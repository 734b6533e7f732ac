package server

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

// s3Addressing turns a virtual-host-style S3 request (BUCKET.s3.localhost,
// ...) into its path-style form for routing; SigV4 still checks the
// request as sent.
//
// The bucket is taken from a Host that ends in one of the configured S3
// hosts (config.S3Hosts): BUCKET.HOST, and for hosts "s3.REST" also
// BUCKET.s3.REGION.REST, BUCKET.s3-REGION.REST and
// BUCKET.s3.dualstack.REGION.REST. Hosts of other services are left alone:
// a first label that is a service's endpoint prefix (sqs.localhost,
// s3.localhost itself), function URLs, API Gateway and S3 website
// endpoints, IP addresses, and requests signed for another service.
func (s *Server) s3Addressing(r *http.Request) *http.Request {
	bucket, ok := s.virtualHostBucket(r.Host)
	if !ok {
		return r
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return r
	}
	if sig, err := sigv4.Parse(r); err == nil && sig != nil && !isS3Signing(sig.Service) {
		return r
	}
	r2 := r.WithContext(context.WithValue(r.Context(), s3OriginalKey{}, r))
	u := *r.URL
	path, raw := r.URL.Path, r.URL.EscapedPath()
	if raw == "" || raw == "/" {
		path, raw = "", ""
	}
	u.Path = "/" + bucket + path
	u.RawPath = "/" + bucket + raw
	if u.RawPath == u.Path {
		u.RawPath = ""
	}
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return r2
}

type s3OriginalKey struct{}

// s3Original returns the request as the client sent it: the original of a
// request s3Addressing rewrote, r itself otherwise. SigV4 is checked on it
// (the canonical URI of a virtual-hosted request has no bucket).
func s3Original(r *http.Request) *http.Request {
	if o, ok := r.Context().Value(s3OriginalKey{}).(*http.Request); ok {
		return o
	}
	return r
}

// s3VirtualHosted reports whether r reached S3 by virtual-host addressing.
func s3VirtualHosted(r *http.Request) bool {
	return s3Original(r) != r
}

func isS3Signing(service string) bool {
	return service == "s3" || service == "s3express" || strings.HasPrefix(service, "s3-")
}

// virtualHostBucket returns the bucket a Host names, if it is a
// virtual-hosted S3 host.
func (s *Server) virtualHostBucket(hostport string) (string, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "", false
	}
	for _, label := range strings.Split(host, ".") {
		switch {
		case label == "lambda-url", label == "execute-api",
			strings.HasPrefix(label, "s3-website"), label == "s3-control",
			strings.HasPrefix(label, "s3-accesspoint"), strings.HasPrefix(label, "s3-object-lambda"):
			return "", false
		}
	}
	// The regional forms of "s3." hosts first: BUCKET.s3.REGION.localhost
	// must not read as the bucket "BUCKET.s3.REGION" of "localhost".
	for _, suffix := range s.cfg.S3Hosts {
		rest, ok := strings.CutPrefix(suffix, "s3.")
		if !ok {
			continue
		}
		prefix, ok := strings.CutSuffix(host, "."+rest)
		if !ok {
			continue
		}
		if b, ok := regionalBucket(prefix); ok {
			return b, true
		}
	}
	// Then BUCKET.HOST, the longest matching HOST first.
	best := ""
	for _, suffix := range s.cfg.S3Hosts {
		if len(suffix) > len(best) && strings.HasSuffix(host, "."+suffix) {
			best = suffix
		}
	}
	if best == "" {
		return "", false
	}
	b := strings.TrimSuffix(host, "."+best)
	if !strings.HasPrefix(best, "s3.") {
		// sqs.localhost, logs.us-east-1.localhost, s3.localhost: another
		// service's endpoint (or S3's own, path-style), not a bucket.
		first, _, _ := strings.Cut(b, ".")
		if _, taken := s.byEndpoint[first]; taken {
			return "", false
		}
	}
	return b, validHostBucket(b)
}

// regionalBucket finds BUCKET in BUCKET.s3.REGION, BUCKET.s3-REGION and
// BUCKET.s3.dualstack.REGION.
func regionalBucket(prefix string) (string, bool) {
	i := strings.LastIndexByte(prefix, '.')
	if i <= 0 {
		return "", false
	}
	b, last := prefix[:i], prefix[i+1:]
	if strings.HasPrefix(last, "s3-") && len(last) > 3 {
		return b, validHostBucket(b) // s3-us-west-2, s3-external-1
	}
	if !validRegion(last) {
		return "", false
	}
	if b2, ok := strings.CutSuffix(b, ".s3.dualstack"); ok {
		return b2, validHostBucket(b2)
	}
	if b2, ok := strings.CutSuffix(b, ".s3"); ok {
		return b2, validHostBucket(b2)
	}
	return "", false
}

func validRegion(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validHostBucket reports whether b can be a bucket name in a Host: the
// service judges the rest (length, dots, ...).
func validHostBucket(b string) bool {
	if b == "" || b[0] == '.' || b[len(b)-1] == '.' {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
