package server

import "net/http"

// serveS3Post serves browser-based uploads (POST with a policy, from an
// HTML form).
func (s *Server) serveS3Post(w http.ResponseWriter, r *http.Request) bool {
	return false
}
