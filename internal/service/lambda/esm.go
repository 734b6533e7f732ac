package lambda

import (
	"context"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
)

// esmRunner runs the event source mappings.
type esmRunner struct{ s *Service }

func newESMRunner(s *Service) *esmRunner { return &esmRunner{s: s} }

func (e *esmRunner) run(ctx context.Context) { <-ctx.Done() }

// CreateEventSourceMapping is not supported yet.
func (s *Service) CreateEventSourceMapping(ctx context.Context, in *lambdaapi.CreateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("CreateEventSourceMapping")
}

// DeleteEventSourceMapping is not supported yet.
func (s *Service) DeleteEventSourceMapping(ctx context.Context, in *lambdaapi.DeleteEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("DeleteEventSourceMapping")
}

// GetEventSourceMapping is not supported yet.
func (s *Service) GetEventSourceMapping(ctx context.Context, in *lambdaapi.GetEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("GetEventSourceMapping")
}

// ListEventSourceMappings is not supported yet.
func (s *Service) ListEventSourceMappings(ctx context.Context, in *lambdaapi.ListEventSourceMappingsRequest) (*lambdaapi.ListEventSourceMappingsResponse, error) {
	return nil, unsupported("ListEventSourceMappings")
}

// UpdateEventSourceMapping is not supported yet.
func (s *Service) UpdateEventSourceMapping(ctx context.Context, in *lambdaapi.UpdateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("UpdateEventSourceMapping")
}
