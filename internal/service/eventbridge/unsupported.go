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

// CancelReplay is not supported yet.
func (s *Service) CancelReplay(ctx context.Context, in *eventbridgeapi.CancelReplayRequest) (*eventbridgeapi.CancelReplayResponse, error) {
	return nil, unsupported("CancelReplay")
}

// CreateApiDestination is not supported yet.
func (s *Service) CreateApiDestination(ctx context.Context, in *eventbridgeapi.CreateApiDestinationRequest) (*eventbridgeapi.CreateApiDestinationResponse, error) {
	return nil, unsupported("CreateApiDestination")
}

// CreateArchive is not supported yet.
func (s *Service) CreateArchive(ctx context.Context, in *eventbridgeapi.CreateArchiveRequest) (*eventbridgeapi.CreateArchiveResponse, error) {
	return nil, unsupported("CreateArchive")
}

// CreateConnection is not supported yet.
func (s *Service) CreateConnection(ctx context.Context, in *eventbridgeapi.CreateConnectionRequest) (*eventbridgeapi.CreateConnectionResponse, error) {
	return nil, unsupported("CreateConnection")
}

// CreateEndpoint is not supported yet.
func (s *Service) CreateEndpoint(ctx context.Context, in *eventbridgeapi.CreateEndpointRequest) (*eventbridgeapi.CreateEndpointResponse, error) {
	return nil, unsupported("CreateEndpoint")
}

// CreateEventBus is not supported yet.
func (s *Service) CreateEventBus(ctx context.Context, in *eventbridgeapi.CreateEventBusRequest) (*eventbridgeapi.CreateEventBusResponse, error) {
	return nil, unsupported("CreateEventBus")
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

// DeleteArchive is not supported yet.
func (s *Service) DeleteArchive(ctx context.Context, in *eventbridgeapi.DeleteArchiveRequest) (*eventbridgeapi.DeleteArchiveResponse, error) {
	return nil, unsupported("DeleteArchive")
}

// DeleteConnection is not supported yet.
func (s *Service) DeleteConnection(ctx context.Context, in *eventbridgeapi.DeleteConnectionRequest) (*eventbridgeapi.DeleteConnectionResponse, error) {
	return nil, unsupported("DeleteConnection")
}

// DeleteEndpoint is not supported yet.
func (s *Service) DeleteEndpoint(ctx context.Context, in *eventbridgeapi.DeleteEndpointRequest) (*eventbridgeapi.DeleteEndpointResponse, error) {
	return nil, unsupported("DeleteEndpoint")
}

// DeleteEventBus is not supported yet.
func (s *Service) DeleteEventBus(ctx context.Context, in *eventbridgeapi.DeleteEventBusRequest) error {
	return unsupported("DeleteEventBus")
}

// DeletePartnerEventSource is not supported yet.
func (s *Service) DeletePartnerEventSource(ctx context.Context, in *eventbridgeapi.DeletePartnerEventSourceRequest) error {
	return unsupported("DeletePartnerEventSource")
}

// DeleteRule is not supported yet.
func (s *Service) DeleteRule(ctx context.Context, in *eventbridgeapi.DeleteRuleRequest) error {
	return unsupported("DeleteRule")
}

// DescribeApiDestination is not supported yet.
func (s *Service) DescribeApiDestination(ctx context.Context, in *eventbridgeapi.DescribeApiDestinationRequest) (*eventbridgeapi.DescribeApiDestinationResponse, error) {
	return nil, unsupported("DescribeApiDestination")
}

// DescribeArchive is not supported yet.
func (s *Service) DescribeArchive(ctx context.Context, in *eventbridgeapi.DescribeArchiveRequest) (*eventbridgeapi.DescribeArchiveResponse, error) {
	return nil, unsupported("DescribeArchive")
}

// DescribeConnection is not supported yet.
func (s *Service) DescribeConnection(ctx context.Context, in *eventbridgeapi.DescribeConnectionRequest) (*eventbridgeapi.DescribeConnectionResponse, error) {
	return nil, unsupported("DescribeConnection")
}

// DescribeEndpoint is not supported yet.
func (s *Service) DescribeEndpoint(ctx context.Context, in *eventbridgeapi.DescribeEndpointRequest) (*eventbridgeapi.DescribeEndpointResponse, error) {
	return nil, unsupported("DescribeEndpoint")
}

// DescribeEventBus is not supported yet.
func (s *Service) DescribeEventBus(ctx context.Context, in *eventbridgeapi.DescribeEventBusRequest) (*eventbridgeapi.DescribeEventBusResponse, error) {
	return nil, unsupported("DescribeEventBus")
}

// DescribeEventSource is not supported yet.
func (s *Service) DescribeEventSource(ctx context.Context, in *eventbridgeapi.DescribeEventSourceRequest) (*eventbridgeapi.DescribeEventSourceResponse, error) {
	return nil, unsupported("DescribeEventSource")
}

// DescribePartnerEventSource is not supported yet.
func (s *Service) DescribePartnerEventSource(ctx context.Context, in *eventbridgeapi.DescribePartnerEventSourceRequest) (*eventbridgeapi.DescribePartnerEventSourceResponse, error) {
	return nil, unsupported("DescribePartnerEventSource")
}

// DescribeReplay is not supported yet.
func (s *Service) DescribeReplay(ctx context.Context, in *eventbridgeapi.DescribeReplayRequest) (*eventbridgeapi.DescribeReplayResponse, error) {
	return nil, unsupported("DescribeReplay")
}

// DescribeRule is not supported yet.
func (s *Service) DescribeRule(ctx context.Context, in *eventbridgeapi.DescribeRuleRequest) (*eventbridgeapi.DescribeRuleResponse, error) {
	return nil, unsupported("DescribeRule")
}

// DisableRule is not supported yet.
func (s *Service) DisableRule(ctx context.Context, in *eventbridgeapi.DisableRuleRequest) error {
	return unsupported("DisableRule")
}

// EnableRule is not supported yet.
func (s *Service) EnableRule(ctx context.Context, in *eventbridgeapi.EnableRuleRequest) error {
	return unsupported("EnableRule")
}

// ListApiDestinations is not supported yet.
func (s *Service) ListApiDestinations(ctx context.Context, in *eventbridgeapi.ListApiDestinationsRequest) (*eventbridgeapi.ListApiDestinationsResponse, error) {
	return nil, unsupported("ListApiDestinations")
}

// ListArchives is not supported yet.
func (s *Service) ListArchives(ctx context.Context, in *eventbridgeapi.ListArchivesRequest) (*eventbridgeapi.ListArchivesResponse, error) {
	return nil, unsupported("ListArchives")
}

// ListConnections is not supported yet.
func (s *Service) ListConnections(ctx context.Context, in *eventbridgeapi.ListConnectionsRequest) (*eventbridgeapi.ListConnectionsResponse, error) {
	return nil, unsupported("ListConnections")
}

// ListEndpoints is not supported yet.
func (s *Service) ListEndpoints(ctx context.Context, in *eventbridgeapi.ListEndpointsRequest) (*eventbridgeapi.ListEndpointsResponse, error) {
	return nil, unsupported("ListEndpoints")
}

// ListEventBuses is not supported yet.
func (s *Service) ListEventBuses(ctx context.Context, in *eventbridgeapi.ListEventBusesRequest) (*eventbridgeapi.ListEventBusesResponse, error) {
	return nil, unsupported("ListEventBuses")
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

// ListReplays is not supported yet.
func (s *Service) ListReplays(ctx context.Context, in *eventbridgeapi.ListReplaysRequest) (*eventbridgeapi.ListReplaysResponse, error) {
	return nil, unsupported("ListReplays")
}

// ListRuleNamesByTarget is not supported yet.
func (s *Service) ListRuleNamesByTarget(ctx context.Context, in *eventbridgeapi.ListRuleNamesByTargetRequest) (*eventbridgeapi.ListRuleNamesByTargetResponse, error) {
	return nil, unsupported("ListRuleNamesByTarget")
}

// ListRules is not supported yet.
func (s *Service) ListRules(ctx context.Context, in *eventbridgeapi.ListRulesRequest) (*eventbridgeapi.ListRulesResponse, error) {
	return nil, unsupported("ListRules")
}

// ListTagsForResource is not supported yet.
func (s *Service) ListTagsForResource(ctx context.Context, in *eventbridgeapi.ListTagsForResourceRequest) (*eventbridgeapi.ListTagsForResourceResponse, error) {
	return nil, unsupported("ListTagsForResource")
}

// ListTargetsByRule is not supported yet.
func (s *Service) ListTargetsByRule(ctx context.Context, in *eventbridgeapi.ListTargetsByRuleRequest) (*eventbridgeapi.ListTargetsByRuleResponse, error) {
	return nil, unsupported("ListTargetsByRule")
}

// PutEvents is not supported yet.
func (s *Service) PutEvents(ctx context.Context, in *eventbridgeapi.PutEventsRequest) (*eventbridgeapi.PutEventsResponse, error) {
	return nil, unsupported("PutEvents")
}

// PutPartnerEvents is not supported yet.
func (s *Service) PutPartnerEvents(ctx context.Context, in *eventbridgeapi.PutPartnerEventsRequest) (*eventbridgeapi.PutPartnerEventsResponse, error) {
	return nil, unsupported("PutPartnerEvents")
}

// PutPermission is not supported yet.
func (s *Service) PutPermission(ctx context.Context, in *eventbridgeapi.PutPermissionRequest) error {
	return unsupported("PutPermission")
}

// PutRule is not supported yet.
func (s *Service) PutRule(ctx context.Context, in *eventbridgeapi.PutRuleRequest) (*eventbridgeapi.PutRuleResponse, error) {
	return nil, unsupported("PutRule")
}

// PutTargets is not supported yet.
func (s *Service) PutTargets(ctx context.Context, in *eventbridgeapi.PutTargetsRequest) (*eventbridgeapi.PutTargetsResponse, error) {
	return nil, unsupported("PutTargets")
}

// RemovePermission is not supported yet.
func (s *Service) RemovePermission(ctx context.Context, in *eventbridgeapi.RemovePermissionRequest) error {
	return unsupported("RemovePermission")
}

// RemoveTargets is not supported yet.
func (s *Service) RemoveTargets(ctx context.Context, in *eventbridgeapi.RemoveTargetsRequest) (*eventbridgeapi.RemoveTargetsResponse, error) {
	return nil, unsupported("RemoveTargets")
}

// StartReplay is not supported yet.
func (s *Service) StartReplay(ctx context.Context, in *eventbridgeapi.StartReplayRequest) (*eventbridgeapi.StartReplayResponse, error) {
	return nil, unsupported("StartReplay")
}

// TagResource is not supported yet.
func (s *Service) TagResource(ctx context.Context, in *eventbridgeapi.TagResourceRequest) (*eventbridgeapi.TagResourceResponse, error) {
	return nil, unsupported("TagResource")
}

// TestEventPattern is not supported yet.
func (s *Service) TestEventPattern(ctx context.Context, in *eventbridgeapi.TestEventPatternRequest) (*eventbridgeapi.TestEventPatternResponse, error) {
	return nil, unsupported("TestEventPattern")
}

// UntagResource is not supported yet.
func (s *Service) UntagResource(ctx context.Context, in *eventbridgeapi.UntagResourceRequest) (*eventbridgeapi.UntagResourceResponse, error) {
	return nil, unsupported("UntagResource")
}

// UpdateApiDestination is not supported yet.
func (s *Service) UpdateApiDestination(ctx context.Context, in *eventbridgeapi.UpdateApiDestinationRequest) (*eventbridgeapi.UpdateApiDestinationResponse, error) {
	return nil, unsupported("UpdateApiDestination")
}

// UpdateArchive is not supported yet.
func (s *Service) UpdateArchive(ctx context.Context, in *eventbridgeapi.UpdateArchiveRequest) (*eventbridgeapi.UpdateArchiveResponse, error) {
	return nil, unsupported("UpdateArchive")
}

// UpdateConnection is not supported yet.
func (s *Service) UpdateConnection(ctx context.Context, in *eventbridgeapi.UpdateConnectionRequest) (*eventbridgeapi.UpdateConnectionResponse, error) {
	return nil, unsupported("UpdateConnection")
}

// UpdateEndpoint is not supported yet.
func (s *Service) UpdateEndpoint(ctx context.Context, in *eventbridgeapi.UpdateEndpointRequest) (*eventbridgeapi.UpdateEndpointResponse, error) {
	return nil, unsupported("UpdateEndpoint")
}

// UpdateEventBus is not supported yet.
func (s *Service) UpdateEventBus(ctx context.Context, in *eventbridgeapi.UpdateEventBusRequest) (*eventbridgeapi.UpdateEventBusResponse, error) {
	return nil, unsupported("UpdateEventBus")
}
