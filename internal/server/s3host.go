package server

import "net/http"

// s3Addressing turns a virtual-host-style S3 request (BUCKET.s3.localhost,
// ...) into its path-style form for routing; SigV4 still checks the
// request as sent.
func (s *Server) s3Addressing(r *http.Request) *http.Request {
	return r
}
