package lambda

import "context"

// esmRunner runs the event source mappings.
type esmRunner struct{ s *Service }

func newESMRunner(s *Service) *esmRunner { return &esmRunner{s: s} }

func (e *esmRunner) run(ctx context.Context) { <-ctx.Done() }
