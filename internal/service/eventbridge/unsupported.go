package eventbridge

import (
	"context"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// unsupported answers the operations hako does not implement (yet). Delete
// an operation's stub here when you implement it elsewhere in the package.
func unsupported(op string) error {
	return awserr.New("UnknownOperationException", op+" is not supported by hako yet.").WithStatus(400)
}

// ActivateEventSource is not supported yet.
func (s *Service) ActivateEventSource(ctx context.Context, in *eventbridgeapi.ActivateEventSourceRequest) error {
	return unsupported("ActivateEventSource")
}

// CreateApiDestination is not supported yet.
func (s *Service) CreateApiDestination(ctx context.Context, in *eventbridgeapi.CreateApiDestinationRequest) (*eventbridgeapi.CreateApiDestinationResponse, error) {
	return nil, unsupported("CreateApiDestination")
}

// CreateConnection is not supported yet.
func (s *Service) CreateConnection(ctx context.Context, in *eventbridgeapi.CreateConnectionRequest) (*eventbridgeapi.CreateConnectionResponse, error) {
	return nil, unsupported("CreateConnection")
}

// CreateEndpoint is not supported yet.
func (s *Service) CreateEndpoint(ctx context.Context, in *eventbridgeapi.CreateEndpointRequest) (*eventbridgeapi.CreateEndpointResponse, error) {
	return nil, unsupported("CreateEndpoint")
}

// CreatePartnerEventSource is not supported yet.
func (s *Service) CreatePartnerEventSource(ctx context.Context, in *eventbridgeapi.CreatePartnerEventSourceRequest) (*eventbridgeapi.CreatePartnerEventSourceResponse, error) {
	return nil, unsupported("CreatePartnerEventSource")
}

// DeactivateEventSource is not supported yet.
func (s *Service) DeactivateEventSource(ctx context.Context, in *eventbridgeapi.DeactivateEventSourceRequest) error {
	return unsupported("DeactivateEventSource")
}

// DeauthorizeConnection is not supported yet.
func (s *Service) DeauthorizeConnection(ctx context.Context, in *eventbridgeapi.DeauthorizeConnectionRequest) (*eventbridgeapi.DeauthorizeConnectionResponse, error) {
	return nil, unsupported("DeauthorizeConnection")
}

// DeleteApiDestination is not supported yet.
func (s *Service) DeleteApiDestination(ctx context.Context, in *eventbridgeapi.DeleteApiDestinationRequest) (*eventbridgeapi.DeleteApiDestinationResponse, error) {
	return nil, unsupported("DeleteApiDestination")
}

// DeleteConnection is not supported yet.
func (s *Service) DeleteConnection(ctx context.Context, in *eventbridgeapi.DeleteConnectionRequest) (*eventbridgeapi.DeleteConnectionResponse, error) {
	return nil, unsupported("DeleteConnection")
}

// DeleteEndpoint is not supported yet.
func (s *Service) DeleteEndpoint(ctx context.Context, in *eventbridgeapi.DeleteEndpointRequest) (*eventbridgeapi.DeleteEndpointResponse, error) {
	return nil, unsupported("DeleteEndpoint")
}

// DeletePartnerEventSource is not supported yet.
func (s *Service) DeletePartnerEventSource(ctx context.Context, in *eventbridgeapi.DeletePartnerEventSourceRequest) error {
	return unsupported("DeletePartnerEventSource")
}

// DescribeApiDestination is not supported yet.
func (s *Service) DescribeApiDestination(ctx context.Context, in *eventbridgeapi.DescribeApiDestinationRequest) (*eventbridgeapi.DescribeApiDestinationResponse, error) {
	return nil, unsupported("DescribeApiDestination")
}

// DescribeConnection is not supported yet.
func (s *Service) DescribeConnection(ctx context.Context, in *eventbridgeapi.DescribeConnectionRequest) (*eventbridgeapi.DescribeConnectionResponse, error) {
	return nil, unsupported("DescribeConnection")
}

// DescribeEndpoint is not supported yet.
func (s *Service) DescribeEndpoint(ctx context.Context, in *eventbridgeapi.DescribeEndpointRequest) (*eventbridgeapi.DescribeEndpointResponse, error) {
	return nil, unsupported("DescribeEndpoint")
}

// DescribeEventSource is not supported yet.
func (s *Service) DescribeEventSource(ctx context.Context, in *eventbridgeapi.DescribeEventSourceRequest) (*eventbridgeapi.DescribeEventSourceResponse, error) {
	return nil, unsupported("DescribeEventSource")
}

// DescribePartnerEventSource is not supported yet.
func (s *Service) DescribePartnerEventSource(ctx context.Context, in *eventbridgeapi.DescribePartnerEventSourceRequest) (*eventbridgeapi.DescribePartnerEventSourceResponse, error) {
	return nil, unsupported("DescribePartnerEventSource")
}

// ListApiDestinations is not supported yet.
func (s *Service) ListApiDestinations(ctx context.Context, in *eventbridgeapi.ListApiDestinationsRequest) (*eventbridgeapi.ListApiDestinationsResponse, error) {
	return nil, unsupported("ListApiDestinations")
}

// ListConnections is not supported yet.
func (s *Service) ListConnections(ctx context.Context, in *eventbridgeapi.ListConnectionsRequest) (*eventbridgeapi.ListConnectionsResponse, error) {
	return nil, unsupported("ListConnections")
}

// ListEndpoints is not supported yet.
func (s *Service) ListEndpoints(ctx context.Context, in *eventbridgeapi.ListEndpointsRequest) (*eventbridgeapi.ListEndpointsResponse, error) {
	return nil, unsupported("ListEndpoints")
}

// ListEventSources is not supported yet.
func (s *Service) ListEventSources(ctx context.Context, in *eventbridgeapi.ListEventSourcesRequest) (*eventbridgeapi.ListEventSourcesResponse, error) {
	return nil, unsupported("ListEventSources")
}

// ListPartnerEventSourceAccounts is not supported yet.
func (s *Service) ListPartnerEventSourceAccounts(ctx context.Context, in *eventbridgeapi.ListPartnerEventSourceAccountsRequest) (*eventbridgeapi.ListPartnerEventSourceAccountsResponse, error) {
	return nil, unsupported("ListPartnerEventSourceAccounts")
}

// ListPartnerEventSources is not supported yet.
func (s *Service) ListPartnerEventSources(ctx context.Context, in *eventbridgeapi.ListPartnerEventSourcesRequest) (*eventbridgeapi.ListPartnerEventSourcesResponse, error) {
	return nil, unsupported("ListPartnerEventSources")
}

// PutPartnerEvents is not supported yet.
func (s *Service) PutPartnerEvents(ctx context.Context, in *eventbridgeapi.PutPartnerEventsRequest) (*eventbridgeapi.PutPartnerEventsResponse, error) {
	return nil, unsupported("PutPartnerEvents")
}

// UpdateApiDestination is not supported yet.
func (s *Service) UpdateApiDestination(ctx context.Context, in *eventbridgeapi.UpdateApiDestinationRequest) (*eventbridgeapi.UpdateApiDestinationResponse, error) {
	return nil, unsupported("UpdateApiDestination")
}

// UpdateConnection is not supported yet.
func (s *Service) UpdateConnection(ctx context.Context, in *eventbridgeapi.UpdateConnectionRequest) (*eventbridgeapi.UpdateConnectionResponse, error) {
	return nil, unsupported("UpdateConnection")
}

// UpdateEndpoint is not supported yet.
func (s *Service) UpdateEndpoint(ctx context.Context, in *eventbridgeapi.UpdateEndpointRequest) (*eventbridgeapi.UpdateEndpointResponse, error) {
	return nil, unsupported("UpdateEndpoint")
}
