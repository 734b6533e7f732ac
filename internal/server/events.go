package server

// registerEventHandlers connects the outbox's delivery kinds to the
// services that accept them (S3 notifications to SQS, ...).
func (s *Server) registerEventHandlers() {
}
