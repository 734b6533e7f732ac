package server

import (
	"net/http"
	"strings"
)

// serveS3Data serves the S3 requests the model has no operation for:
// website endpoints, CORS preflights and browser POST uploads. It returns
// false for every other request.
func (s *Server) serveS3Data(w http.ResponseWriter, r *http.Request) bool {
	if s.serveS3Website(w, r) {
		return true
	}
	if r.Method == http.MethodOptions && s.serveS3Preflight(w, r) {
		return true
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && s.serveS3Post(w, r) {
		return true
	}
	return false
}
