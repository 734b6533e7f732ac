package server

import "net/http"

// serveS3Website serves bucket website endpoints.
func (s *Server) serveS3Website(w http.ResponseWriter, r *http.Request) bool {
	return false
}

// serveS3Preflight answers CORS preflight requests for buckets.
func (s *Server) serveS3Preflight(w http.ResponseWriter, r *http.Request) bool {
	return false
}

// s3CORSHeaders adds the CORS response headers the bucket's configuration
// grants to the request's Origin.
func (s *Server) s3CORSHeaders(w http.ResponseWriter, r *http.Request) {
}
