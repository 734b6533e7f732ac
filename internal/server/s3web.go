package server

import (
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restxml"
	"github.com/hako-dev/hako/internal/service/s3"
)

// Website endpoints. A Host BUCKET.s3-website-REGION.DOMAIN or
// BUCKET.s3-website.REGION.DOMAIN (any DOMAIN and port: localhost:4566,
// ...) is the website of BUCKET; so is the path /_hako/s3-website/BUCKET/
// for clients that cannot choose the Host. Requests are not
// authenticated, and hako serves every object of a bucket with a website
// configuration: it does not require the public-read bucket policy (and
// Block Public Access settings) that a real website endpoint needs.

// serveS3Website serves bucket website endpoints.
func (s *Server) serveS3Website(w http.ResponseWriter, r *http.Request) bool {
	bucket, ok := websiteBucket(r.Host)
	if !ok || s.s3 == nil {
		return false
	}
	s.serveWebsite(w, r, bucket, r.URL.Path, "")
	return true
}

// websitePrefix is hako's path-style website endpoint.
const websitePrefix = "/_hako/s3-website/"

// serveS3WebsitePath serves /_hako/s3-website/BUCKET/PATH.
func (s *Server) serveS3WebsitePath(w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, websitePrefix)
	if !ok || s.s3 == nil {
		return false
	}
	bucket, path, found := strings.Cut(rest, "/")
	if bucket == "" {
		http.NotFound(w, r)
		return true
	}
	base := websitePrefix + bucket
	if !found {
		// Relative links of the index document need the slash.
		loc := base + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
		return true
	}
	s.serveWebsite(w, r, bucket, "/"+path, base)
	return true
}

// websiteBucket returns the bucket of a website endpoint Host.
func websiteBucket(hostport string) (string, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if !strings.Contains(host, "s3-website") {
		return "", false
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		switch {
		case l == "s3-website":
			// BUCKET.s3-website.REGION.DOMAIN
			if i == 0 || i+2 >= len(labels) {
				return "", false
			}
		case strings.HasPrefix(l, "s3-website-"):
			// BUCKET.s3-website-REGION.DOMAIN
			if i == 0 || i+1 >= len(labels) {
				return "", false
			}
		default:
			continue
		}
		b := strings.Join(labels[:i], ".")
		if validHostBucket(b) {
			return b, true
		}
		return "", false
	}
	return "", false
}

func (s *Server) serveWebsite(w http.ResponseWriter, r *http.Request, bucket, path, base string) {
	if r.Method == http.MethodOptions {
		// Website endpoints answer preflights from the bucket's CORS rules.
		s.answerPreflight(w, r, bucket, strings.TrimPrefix(path, "/"))
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		for k, v := range s.s3.CORSHeaders(r.Context(), bucket, origin, r.Method) {
			w.Header().Set(k, v)
		}
	}
	reqID := uuid.NewString()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	resp, err := s.s3.Website(r.Context(), &s3.WebsiteRequest{
		Bucket: bucket, Path: path, Method: r.Method, Scheme: scheme, Host: r.Host, Base: base,
		Header: r.Header, RequestID: reqID,
	})
	if err != nil {
		s.logger.Error("s3 website", "bucket", bucket, "path", path, "err", err)
		w.Header().Set("x-amz-request-id", reqID)
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", reqID)
	w.WriteHeader(resp.Status)
	if resp.Body != nil {
		defer resp.Body.Close()
		if r.Method != http.MethodHead {
			io.Copy(w, resp.Body)
		}
	}
}

// s3BucketKey splits a path-style S3 path into bucket and key.
func s3BucketKey(path string) (string, string) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return bucket, key
}

// serveS3Preflight answers CORS preflight requests for buckets.
func (s *Server) serveS3Preflight(w http.ResponseWriter, r *http.Request) bool {
	if s.s3 == nil {
		return false
	}
	if !s3VirtualHosted(r) {
		// An OPTIONS for another service's host is not S3's.
		if b := s.hostBinding(r); b != nil && b.model.Name != "s3" {
			return false
		}
	}
	bucket, key := s3BucketKey(r.URL.Path)
	if bucket == "" {
		return false
	}
	s.answerPreflight(w, r, bucket, key)
	return true
}

// answerPreflight writes the answer to a CORS preflight for bucket/key.
func (s *Server) answerPreflight(w http.ResponseWriter, r *http.Request, bucket, key string) {
	reqID := uuid.NewString()
	hdr, err := s.s3.Preflight(r.Context(), bucket, key, r.Header)
	if err != nil {
		restxml.WriteError(w, s3api.Service, reqID, awserr.As(err))
		return
	}
	h := w.Header()
	for k, v := range hdr {
		h.Set(k, v)
	}
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", reqID)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// s3CORSHeaders adds the CORS response headers the bucket's configuration
// grants to the request's Origin. Without an Origin it does nothing; with
// one, the configuration comes from the service's cache.
func (s *Server) s3CORSHeaders(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" || s.s3 == nil {
		return
	}
	bucket, _ := s3BucketKey(r.URL.Path)
	if bucket == "" {
		return
	}
	h := w.Header()
	for k, v := range s.s3.CORSHeaders(r.Context(), bucket, origin, r.Method) {
		h.Set(k, v)
	}
}
