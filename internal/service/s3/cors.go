package s3

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// CORS: the configuration (PutBucketCors, ...) and its evaluation for
// browsers, as S3 does it: the first rule whose AllowedOrigin (with at
// most one * wildcard), AllowedMethod and, for a preflight, AllowedHeader
// (case-insensitive, one wildcard) all match decides the answer.

var corsMethods = map[string]bool{"GET": true, "PUT": true, "HEAD": true, "POST": true, "DELETE": true}

// corsVary is the Vary S3 sends with every CORS answer.
const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// PutBucketCors replaces the bucket's CORS rules.
func (s *Service) PutBucketCors(ctx context.Context, in *s3api.PutBucketCorsRequest) error {
	c := in.CORSConfiguration
	if c == nil || len(c.CORSRules) == 0 || len(c.CORSRules) > 100 {
		return cfgMalformed()
	}
	for _, r := range c.CORSRules {
		if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 || len(deref(r.ID)) > 255 {
			return cfgMalformed()
		}
		if r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0 {
			return cfgMalformed()
		}
	}
	for _, r := range c.CORSRules {
		for _, m := range r.AllowedMethods {
			if !corsMethods[m] {
				return cfgInvalidRequest("Found unsupported HTTP method in CORS config. Unsupported method is " + m)
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return cfgInvalidRequest(`AllowedOrigin "` + o + `" can not have more than one wildcard.`)
			}
		}
		for _, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return cfgInvalidRequest(`AllowedHeader "` + h + `" can not have more than one wildcard.`)
			}
		}
		for _, h := range r.ExposeHeaders {
			if strings.Contains(h, "*") {
				return cfgInvalidRequest(`ExposeHeader "` + h + `" contains wildcard. We currently do not support wildcard for ExposeHeader.`)
			}
		}
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindCORS, c)
}

// GetBucketCors returns the bucket's CORS rules.
func (s *Service) GetBucketCors(ctx context.Context, in *s3api.GetBucketCorsRequest) (*s3api.GetBucketCorsOutput, error) {
	var c s3api.CORSConfiguration
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindCORS, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cfgNotFound("NoSuchCORSConfiguration", "The CORS configuration does not exist", deref(in.Bucket))
	}
	return &s3api.GetBucketCorsOutput{CORSRules: c.CORSRules}, nil
}

// DeleteBucketCors removes the bucket's CORS rules.
func (s *Service) DeleteBucketCors(ctx context.Context, in *s3api.DeleteBucketCorsRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindCORS)
}

// corsRules returns the bucket's rules from the cache; configured is false
// when the bucket has none, exists false when there is no such bucket.
func (s *Service) corsRules(ctx context.Context, bucket string) (rules []s3api.CORSRule, configured, exists bool, err error) {
	type entry struct {
		rules      []s3api.CORSRule
		configured bool
	}
	v, found, err := s.cachedConfig(ctx, bucket, cfgKindCORS, func() (any, bool, error) {
		var c s3api.CORSConfiguration
		found, err := s.getConfig(ctx, bucket, cfgKindCORS, &c)
		if err != nil {
			if ae := asS3Err(err); ae != nil && ae.Code == "NoSuchBucket" {
				return nil, false, nil
			}
			return nil, false, err
		}
		return entry{c.CORSRules, found}, true, nil
	})
	if err != nil || !found {
		return nil, false, false, err
	}
	e := v.(entry)
	return e.rules, e.configured, true, nil
}

// corsWildcard matches s against a pattern with at most one *.
func corsWildcard(pattern, s string) bool {
	i := strings.IndexByte(pattern, '*')
	if i < 0 {
		return pattern == s
	}
	pre, suf := pattern[:i], pattern[i+1:]
	return len(s) >= len(pre)+len(suf) && strings.HasPrefix(s, pre) && strings.HasSuffix(s, suf)
}

// corsMatch returns the first rule that allows the request, and the
// Access-Control-Allow-Origin it earns ("*" for a rule allowing every
// origin). reqHeaders are the lowercased Access-Control-Request-Headers
// of a preflight (nil otherwise).
func corsMatch(rules []s3api.CORSRule, origin, method string, reqHeaders []string) (*s3api.CORSRule, string) {
	for i := range rules {
		r := &rules[i]
		methodOK := false
		for _, m := range r.AllowedMethods {
			if m == method {
				methodOK = true
				break
			}
		}
		if !methodOK {
			continue
		}
		allow := ""
		for _, o := range r.AllowedOrigins {
			if o == "*" {
				allow = "*"
				break
			}
			if allow == "" && corsWildcard(o, origin) {
				allow = origin
			}
		}
		if allow == "" {
			continue
		}
		headersOK := true
		for _, h := range reqHeaders {
			ok := false
			for _, a := range r.AllowedHeaders {
				if corsWildcard(strings.ToLower(a), h) {
					ok = true
					break
				}
			}
			if !ok {
				headersOK = false
				break
			}
		}
		if headersOK {
			return r, allow
		}
	}
	return nil, ""
}

// corsHeaders are the response headers a matching rule grants.
func corsHeaders(r *s3api.CORSRule, allow string, reqHeaders []string) map[string]string {
	h := map[string]string{
		"Access-Control-Allow-Origin":  allow,
		"Access-Control-Allow-Methods": strings.Join(r.AllowedMethods, ", "),
		"Vary":                         corsVary,
	}
	if len(reqHeaders) > 0 {
		h["Access-Control-Allow-Headers"] = strings.Join(reqHeaders, ", ")
	}
	if len(r.ExposeHeaders) > 0 {
		h["Access-Control-Expose-Headers"] = strings.Join(r.ExposeHeaders, ", ")
	}
	if r.MaxAgeSeconds != nil {
		h["Access-Control-Max-Age"] = strconv.Itoa(int(*r.MaxAgeSeconds))
	}
	if allow != "*" {
		h["Access-Control-Allow-Credentials"] = "true"
	}
	return h
}

// CORS evaluates the bucket's CORS rules for a request from origin with
// method (for a preflight, its Access-Control-Request-Method and the
// lowercased names of its Access-Control-Request-Headers). It returns the
// response headers the first matching rule grants (nil when no rule
// matches) and whether the bucket has a CORS configuration at all; a
// missing bucket is NoSuchBucket. The configuration is cached, so calling
// it on every response with an Origin is cheap.
func (s *Service) CORS(ctx context.Context, bucket, origin, method string, reqHeaders []string) (map[string]string, bool, error) {
	rules, configured, exists, err := s.corsRules(ctx, bucket)
	if err != nil {
		return nil, false, err
	}
	if !exists {
		return nil, false, noSuchBucket(bucket)
	}
	if !configured || origin == "" {
		return nil, configured, nil
	}
	r, allow := corsMatch(rules, origin, method, reqHeaders)
	if r == nil {
		return nil, true, nil
	}
	return corsHeaders(r, allow, reqHeaders), true, nil
}

// CORSHeaders returns the CORS headers of an actual (not preflight)
// request to the bucket, nil when none apply.
func (s *Service) CORSHeaders(ctx context.Context, bucket, origin, method string) map[string]string {
	if bucket == "" || origin == "" {
		return nil
	}
	h, _, err := s.CORS(ctx, bucket, origin, method, nil)
	if err != nil {
		return nil
	}
	return h
}

// Preflight answers a CORS preflight (OPTIONS) for the bucket, key being
// the object's key ("" for the bucket itself): the headers of a 200
// response, or the S3 error to send.
func (s *Service) Preflight(ctx context.Context, bucket, key string, h http.Header) (map[string]string, error) {
	origin := h.Get("Origin")
	if origin == "" {
		return nil, s3Err("BadRequest", "Insufficient information. Origin request header needed.", http.StatusBadRequest)
	}
	method, hasMethod := "null", false
	if v := h.Values("Access-Control-Request-Method"); len(v) > 0 {
		method, hasMethod = v[0], true
	}
	if !hasMethod || !corsMethods[method] {
		return nil, s3Err("BadRequest", "Invalid Access-Control-Request-Method: "+method, http.StatusBadRequest)
	}
	var reqHeaders []string
	for _, line := range h.Values("Access-Control-Request-Headers") {
		for _, name := range strings.Split(line, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				reqHeaders = append(reqHeaders, name)
			}
		}
	}
	resource := "OBJECT"
	if key == "" {
		resource = "BUCKET"
	}
	hdr, configured, err := s.CORS(ctx, bucket, origin, method, reqHeaders)
	if err != nil {
		return nil, err
	}
	if !configured {
		return nil, corsForbidden("CORSResponse: CORS is not enabled for this bucket.", method, resource)
	}
	if hdr == nil {
		return nil, corsForbidden("CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", method, resource)
	}
	return hdr, nil
}

func corsForbidden(msg, method, resource string) *awserr.Error {
	return s3Err("AccessForbidden", msg, http.StatusForbidden, "Method", method, "ResourceType", resource)
}
