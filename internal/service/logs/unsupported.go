package logs

// The operations below are not implemented: each answers
// UnknownOperationException "The operation X is not supported by hako yet."

import (
	"context"

	"github.com/hako-dev/hako/internal/model/logsapi"
)

// AssociateKmsKey is not supported by hako yet.
func (s *Service) AssociateKmsKey(ctx context.Context, in *logsapi.AssociateKmsKeyRequest) error {
	return toAPI(unsupported("AssociateKmsKey"))
}

// CancelExportTask is not supported by hako yet.
func (s *Service) CancelExportTask(ctx context.Context, in *logsapi.CancelExportTaskRequest) error {
	return toAPI(unsupported("CancelExportTask"))
}

// CreateDelivery is not supported by hako yet.
func (s *Service) CreateDelivery(ctx context.Context, in *logsapi.CreateDeliveryRequest) (*logsapi.CreateDeliveryResponse, error) {
	return nil, toAPI(unsupported("CreateDelivery"))
}

// CreateExportTask is not supported by hako yet.
func (s *Service) CreateExportTask(ctx context.Context, in *logsapi.CreateExportTaskRequest) (*logsapi.CreateExportTaskResponse, error) {
	return nil, toAPI(unsupported("CreateExportTask"))
}

// CreateLogAnomalyDetector is not supported by hako yet.
func (s *Service) CreateLogAnomalyDetector(ctx context.Context, in *logsapi.CreateLogAnomalyDetectorRequest) (*logsapi.CreateLogAnomalyDetectorResponse, error) {
	return nil, toAPI(unsupported("CreateLogAnomalyDetector"))
}

// DeleteAccountPolicy is not supported by hako yet.
func (s *Service) DeleteAccountPolicy(ctx context.Context, in *logsapi.DeleteAccountPolicyRequest) error {
	return toAPI(unsupported("DeleteAccountPolicy"))
}

// DeleteDataProtectionPolicy is not supported by hako yet.
func (s *Service) DeleteDataProtectionPolicy(ctx context.Context, in *logsapi.DeleteDataProtectionPolicyRequest) error {
	return toAPI(unsupported("DeleteDataProtectionPolicy"))
}

// DeleteDelivery is not supported by hako yet.
func (s *Service) DeleteDelivery(ctx context.Context, in *logsapi.DeleteDeliveryRequest) error {
	return toAPI(unsupported("DeleteDelivery"))
}

// DeleteDeliveryDestination is not supported by hako yet.
func (s *Service) DeleteDeliveryDestination(ctx context.Context, in *logsapi.DeleteDeliveryDestinationRequest) error {
	return toAPI(unsupported("DeleteDeliveryDestination"))
}

// DeleteDeliveryDestinationPolicy is not supported by hako yet.
func (s *Service) DeleteDeliveryDestinationPolicy(ctx context.Context, in *logsapi.DeleteDeliveryDestinationPolicyRequest) error {
	return toAPI(unsupported("DeleteDeliveryDestinationPolicy"))
}

// DeleteDeliverySource is not supported by hako yet.
func (s *Service) DeleteDeliverySource(ctx context.Context, in *logsapi.DeleteDeliverySourceRequest) error {
	return toAPI(unsupported("DeleteDeliverySource"))
}

// DeleteDestination is not supported by hako yet.
func (s *Service) DeleteDestination(ctx context.Context, in *logsapi.DeleteDestinationRequest) error {
	return toAPI(unsupported("DeleteDestination"))
}

// DeleteIndexPolicy is not supported by hako yet.
func (s *Service) DeleteIndexPolicy(ctx context.Context, in *logsapi.DeleteIndexPolicyRequest) (*logsapi.DeleteIndexPolicyResponse, error) {
	return nil, toAPI(unsupported("DeleteIndexPolicy"))
}

// DeleteIntegration is not supported by hako yet.
func (s *Service) DeleteIntegration(ctx context.Context, in *logsapi.DeleteIntegrationRequest) (*logsapi.DeleteIntegrationResponse, error) {
	return nil, toAPI(unsupported("DeleteIntegration"))
}

// DeleteLogAnomalyDetector is not supported by hako yet.
func (s *Service) DeleteLogAnomalyDetector(ctx context.Context, in *logsapi.DeleteLogAnomalyDetectorRequest) error {
	return toAPI(unsupported("DeleteLogAnomalyDetector"))
}

// DeleteMetricFilter is not supported by hako yet.
func (s *Service) DeleteMetricFilter(ctx context.Context, in *logsapi.DeleteMetricFilterRequest) error {
	return toAPI(unsupported("DeleteMetricFilter"))
}

// DeleteQueryDefinition is not supported by hako yet.
func (s *Service) DeleteQueryDefinition(ctx context.Context, in *logsapi.DeleteQueryDefinitionRequest) (*logsapi.DeleteQueryDefinitionResponse, error) {
	return nil, toAPI(unsupported("DeleteQueryDefinition"))
}

// DeleteResourcePolicy is not supported by hako yet.
func (s *Service) DeleteResourcePolicy(ctx context.Context, in *logsapi.DeleteResourcePolicyRequest) error {
	return toAPI(unsupported("DeleteResourcePolicy"))
}

// DeleteSubscriptionFilter is not supported by hako yet.
func (s *Service) DeleteSubscriptionFilter(ctx context.Context, in *logsapi.DeleteSubscriptionFilterRequest) error {
	return toAPI(unsupported("DeleteSubscriptionFilter"))
}

// DeleteTransformer is not supported by hako yet.
func (s *Service) DeleteTransformer(ctx context.Context, in *logsapi.DeleteTransformerRequest) error {
	return toAPI(unsupported("DeleteTransformer"))
}

// DescribeAccountPolicies is not supported by hako yet.
func (s *Service) DescribeAccountPolicies(ctx context.Context, in *logsapi.DescribeAccountPoliciesRequest) (*logsapi.DescribeAccountPoliciesResponse, error) {
	return nil, toAPI(unsupported("DescribeAccountPolicies"))
}

// DescribeConfigurationTemplates is not supported by hako yet.
func (s *Service) DescribeConfigurationTemplates(ctx context.Context, in *logsapi.DescribeConfigurationTemplatesRequest) (*logsapi.DescribeConfigurationTemplatesResponse, error) {
	return nil, toAPI(unsupported("DescribeConfigurationTemplates"))
}

// DescribeDeliveries is not supported by hako yet.
func (s *Service) DescribeDeliveries(ctx context.Context, in *logsapi.DescribeDeliveriesRequest) (*logsapi.DescribeDeliveriesResponse, error) {
	return nil, toAPI(unsupported("DescribeDeliveries"))
}

// DescribeDeliveryDestinations is not supported by hako yet.
func (s *Service) DescribeDeliveryDestinations(ctx context.Context, in *logsapi.DescribeDeliveryDestinationsRequest) (*logsapi.DescribeDeliveryDestinationsResponse, error) {
	return nil, toAPI(unsupported("DescribeDeliveryDestinations"))
}

// DescribeDeliverySources is not supported by hako yet.
func (s *Service) DescribeDeliverySources(ctx context.Context, in *logsapi.DescribeDeliverySourcesRequest) (*logsapi.DescribeDeliverySourcesResponse, error) {
	return nil, toAPI(unsupported("DescribeDeliverySources"))
}

// DescribeDestinations is not supported by hako yet.
func (s *Service) DescribeDestinations(ctx context.Context, in *logsapi.DescribeDestinationsRequest) (*logsapi.DescribeDestinationsResponse, error) {
	return nil, toAPI(unsupported("DescribeDestinations"))
}

// DescribeExportTasks is not supported by hako yet.
func (s *Service) DescribeExportTasks(ctx context.Context, in *logsapi.DescribeExportTasksRequest) (*logsapi.DescribeExportTasksResponse, error) {
	return nil, toAPI(unsupported("DescribeExportTasks"))
}

// DescribeFieldIndexes is not supported by hako yet.
func (s *Service) DescribeFieldIndexes(ctx context.Context, in *logsapi.DescribeFieldIndexesRequest) (*logsapi.DescribeFieldIndexesResponse, error) {
	return nil, toAPI(unsupported("DescribeFieldIndexes"))
}

// DescribeIndexPolicies is not supported by hako yet.
func (s *Service) DescribeIndexPolicies(ctx context.Context, in *logsapi.DescribeIndexPoliciesRequest) (*logsapi.DescribeIndexPoliciesResponse, error) {
	return nil, toAPI(unsupported("DescribeIndexPolicies"))
}

// DescribeMetricFilters is not supported by hako yet.
func (s *Service) DescribeMetricFilters(ctx context.Context, in *logsapi.DescribeMetricFiltersRequest) (*logsapi.DescribeMetricFiltersResponse, error) {
	return nil, toAPI(unsupported("DescribeMetricFilters"))
}

// DescribeQueries is not supported by hako yet.
func (s *Service) DescribeQueries(ctx context.Context, in *logsapi.DescribeQueriesRequest) (*logsapi.DescribeQueriesResponse, error) {
	return nil, toAPI(unsupported("DescribeQueries"))
}

// DescribeQueryDefinitions is not supported by hako yet.
func (s *Service) DescribeQueryDefinitions(ctx context.Context, in *logsapi.DescribeQueryDefinitionsRequest) (*logsapi.DescribeQueryDefinitionsResponse, error) {
	return nil, toAPI(unsupported("DescribeQueryDefinitions"))
}

// DescribeResourcePolicies is not supported by hako yet.
func (s *Service) DescribeResourcePolicies(ctx context.Context, in *logsapi.DescribeResourcePoliciesRequest) (*logsapi.DescribeResourcePoliciesResponse, error) {
	return nil, toAPI(unsupported("DescribeResourcePolicies"))
}

// DescribeSubscriptionFilters is not supported by hako yet.
func (s *Service) DescribeSubscriptionFilters(ctx context.Context, in *logsapi.DescribeSubscriptionFiltersRequest) (*logsapi.DescribeSubscriptionFiltersResponse, error) {
	return nil, toAPI(unsupported("DescribeSubscriptionFilters"))
}

// DisassociateKmsKey is not supported by hako yet.
func (s *Service) DisassociateKmsKey(ctx context.Context, in *logsapi.DisassociateKmsKeyRequest) error {
	return toAPI(unsupported("DisassociateKmsKey"))
}

// GetDataProtectionPolicy is not supported by hako yet.
func (s *Service) GetDataProtectionPolicy(ctx context.Context, in *logsapi.GetDataProtectionPolicyRequest) (*logsapi.GetDataProtectionPolicyResponse, error) {
	return nil, toAPI(unsupported("GetDataProtectionPolicy"))
}

// GetDelivery is not supported by hako yet.
func (s *Service) GetDelivery(ctx context.Context, in *logsapi.GetDeliveryRequest) (*logsapi.GetDeliveryResponse, error) {
	return nil, toAPI(unsupported("GetDelivery"))
}

// GetDeliveryDestination is not supported by hako yet.
func (s *Service) GetDeliveryDestination(ctx context.Context, in *logsapi.GetDeliveryDestinationRequest) (*logsapi.GetDeliveryDestinationResponse, error) {
	return nil, toAPI(unsupported("GetDeliveryDestination"))
}

// GetDeliveryDestinationPolicy is not supported by hako yet.
func (s *Service) GetDeliveryDestinationPolicy(ctx context.Context, in *logsapi.GetDeliveryDestinationPolicyRequest) (*logsapi.GetDeliveryDestinationPolicyResponse, error) {
	return nil, toAPI(unsupported("GetDeliveryDestinationPolicy"))
}

// GetDeliverySource is not supported by hako yet.
func (s *Service) GetDeliverySource(ctx context.Context, in *logsapi.GetDeliverySourceRequest) (*logsapi.GetDeliverySourceResponse, error) {
	return nil, toAPI(unsupported("GetDeliverySource"))
}

// GetIntegration is not supported by hako yet.
func (s *Service) GetIntegration(ctx context.Context, in *logsapi.GetIntegrationRequest) (*logsapi.GetIntegrationResponse, error) {
	return nil, toAPI(unsupported("GetIntegration"))
}

// GetLogAnomalyDetector is not supported by hako yet.
func (s *Service) GetLogAnomalyDetector(ctx context.Context, in *logsapi.GetLogAnomalyDetectorRequest) (*logsapi.GetLogAnomalyDetectorResponse, error) {
	return nil, toAPI(unsupported("GetLogAnomalyDetector"))
}

// GetLogGroupFields is not supported by hako yet.
func (s *Service) GetLogGroupFields(ctx context.Context, in *logsapi.GetLogGroupFieldsRequest) (*logsapi.GetLogGroupFieldsResponse, error) {
	return nil, toAPI(unsupported("GetLogGroupFields"))
}

// GetLogRecord is not supported by hako yet.
func (s *Service) GetLogRecord(ctx context.Context, in *logsapi.GetLogRecordRequest) (*logsapi.GetLogRecordResponse, error) {
	return nil, toAPI(unsupported("GetLogRecord"))
}

// GetQueryResults is not supported by hako yet.
func (s *Service) GetQueryResults(ctx context.Context, in *logsapi.GetQueryResultsRequest) (*logsapi.GetQueryResultsResponse, error) {
	return nil, toAPI(unsupported("GetQueryResults"))
}

// GetTransformer is not supported by hako yet.
func (s *Service) GetTransformer(ctx context.Context, in *logsapi.GetTransformerRequest) (*logsapi.GetTransformerResponse, error) {
	return nil, toAPI(unsupported("GetTransformer"))
}

// ListAnomalies is not supported by hako yet.
func (s *Service) ListAnomalies(ctx context.Context, in *logsapi.ListAnomaliesRequest) (*logsapi.ListAnomaliesResponse, error) {
	return nil, toAPI(unsupported("ListAnomalies"))
}

// ListIntegrations is not supported by hako yet.
func (s *Service) ListIntegrations(ctx context.Context, in *logsapi.ListIntegrationsRequest) (*logsapi.ListIntegrationsResponse, error) {
	return nil, toAPI(unsupported("ListIntegrations"))
}

// ListLogAnomalyDetectors is not supported by hako yet.
func (s *Service) ListLogAnomalyDetectors(ctx context.Context, in *logsapi.ListLogAnomalyDetectorsRequest) (*logsapi.ListLogAnomalyDetectorsResponse, error) {
	return nil, toAPI(unsupported("ListLogAnomalyDetectors"))
}

// ListLogGroupsForQuery is not supported by hako yet.
func (s *Service) ListLogGroupsForQuery(ctx context.Context, in *logsapi.ListLogGroupsForQueryRequest) (*logsapi.ListLogGroupsForQueryResponse, error) {
	return nil, toAPI(unsupported("ListLogGroupsForQuery"))
}

// PutAccountPolicy is not supported by hako yet.
func (s *Service) PutAccountPolicy(ctx context.Context, in *logsapi.PutAccountPolicyRequest) (*logsapi.PutAccountPolicyResponse, error) {
	return nil, toAPI(unsupported("PutAccountPolicy"))
}

// PutDataProtectionPolicy is not supported by hako yet.
func (s *Service) PutDataProtectionPolicy(ctx context.Context, in *logsapi.PutDataProtectionPolicyRequest) (*logsapi.PutDataProtectionPolicyResponse, error) {
	return nil, toAPI(unsupported("PutDataProtectionPolicy"))
}

// PutDeliveryDestination is not supported by hako yet.
func (s *Service) PutDeliveryDestination(ctx context.Context, in *logsapi.PutDeliveryDestinationRequest) (*logsapi.PutDeliveryDestinationResponse, error) {
	return nil, toAPI(unsupported("PutDeliveryDestination"))
}

// PutDeliveryDestinationPolicy is not supported by hako yet.
func (s *Service) PutDeliveryDestinationPolicy(ctx context.Context, in *logsapi.PutDeliveryDestinationPolicyRequest) (*logsapi.PutDeliveryDestinationPolicyResponse, error) {
	return nil, toAPI(unsupported("PutDeliveryDestinationPolicy"))
}

// PutDeliverySource is not supported by hako yet.
func (s *Service) PutDeliverySource(ctx context.Context, in *logsapi.PutDeliverySourceRequest) (*logsapi.PutDeliverySourceResponse, error) {
	return nil, toAPI(unsupported("PutDeliverySource"))
}

// PutDestination is not supported by hako yet.
func (s *Service) PutDestination(ctx context.Context, in *logsapi.PutDestinationRequest) (*logsapi.PutDestinationResponse, error) {
	return nil, toAPI(unsupported("PutDestination"))
}

// PutDestinationPolicy is not supported by hako yet.
func (s *Service) PutDestinationPolicy(ctx context.Context, in *logsapi.PutDestinationPolicyRequest) error {
	return toAPI(unsupported("PutDestinationPolicy"))
}

// PutIndexPolicy is not supported by hako yet.
func (s *Service) PutIndexPolicy(ctx context.Context, in *logsapi.PutIndexPolicyRequest) (*logsapi.PutIndexPolicyResponse, error) {
	return nil, toAPI(unsupported("PutIndexPolicy"))
}

// PutIntegration is not supported by hako yet.
func (s *Service) PutIntegration(ctx context.Context, in *logsapi.PutIntegrationRequest) (*logsapi.PutIntegrationResponse, error) {
	return nil, toAPI(unsupported("PutIntegration"))
}

// PutMetricFilter is not supported by hako yet.
func (s *Service) PutMetricFilter(ctx context.Context, in *logsapi.PutMetricFilterRequest) error {
	return toAPI(unsupported("PutMetricFilter"))
}

// PutQueryDefinition is not supported by hako yet.
func (s *Service) PutQueryDefinition(ctx context.Context, in *logsapi.PutQueryDefinitionRequest) (*logsapi.PutQueryDefinitionResponse, error) {
	return nil, toAPI(unsupported("PutQueryDefinition"))
}

// PutResourcePolicy is not supported by hako yet.
func (s *Service) PutResourcePolicy(ctx context.Context, in *logsapi.PutResourcePolicyRequest) (*logsapi.PutResourcePolicyResponse, error) {
	return nil, toAPI(unsupported("PutResourcePolicy"))
}

// PutSubscriptionFilter is not supported by hako yet.
func (s *Service) PutSubscriptionFilter(ctx context.Context, in *logsapi.PutSubscriptionFilterRequest) error {
	return toAPI(unsupported("PutSubscriptionFilter"))
}

// PutTransformer is not supported by hako yet.
func (s *Service) PutTransformer(ctx context.Context, in *logsapi.PutTransformerRequest) error {
	return toAPI(unsupported("PutTransformer"))
}

// StartLiveTail is not supported by hako yet.
func (s *Service) StartLiveTail(ctx context.Context, in *logsapi.StartLiveTailRequest) (*logsapi.StartLiveTailResponse, error) {
	return nil, toAPI(unsupported("StartLiveTail"))
}

// StartQuery is not supported by hako yet.
func (s *Service) StartQuery(ctx context.Context, in *logsapi.StartQueryRequest) (*logsapi.StartQueryResponse, error) {
	return nil, toAPI(unsupported("StartQuery"))
}

// StopQuery is not supported by hako yet.
func (s *Service) StopQuery(ctx context.Context, in *logsapi.StopQueryRequest) (*logsapi.StopQueryResponse, error) {
	return nil, toAPI(unsupported("StopQuery"))
}

// TestMetricFilter is not supported by hako yet.
func (s *Service) TestMetricFilter(ctx context.Context, in *logsapi.TestMetricFilterRequest) (*logsapi.TestMetricFilterResponse, error) {
	return nil, toAPI(unsupported("TestMetricFilter"))
}

// TestTransformer is not supported by hako yet.
func (s *Service) TestTransformer(ctx context.Context, in *logsapi.TestTransformerRequest) (*logsapi.TestTransformerResponse, error) {
	return nil, toAPI(unsupported("TestTransformer"))
}

// UpdateAnomaly is not supported by hako yet.
func (s *Service) UpdateAnomaly(ctx context.Context, in *logsapi.UpdateAnomalyRequest) error {
	return toAPI(unsupported("UpdateAnomaly"))
}

// UpdateDeliveryConfiguration is not supported by hako yet.
func (s *Service) UpdateDeliveryConfiguration(ctx context.Context, in *logsapi.UpdateDeliveryConfigurationRequest) (*logsapi.UpdateDeliveryConfigurationResponse, error) {
	return nil, toAPI(unsupported("UpdateDeliveryConfiguration"))
}

// UpdateLogAnomalyDetector is not supported by hako yet.
func (s *Service) UpdateLogAnomalyDetector(ctx context.Context, in *logsapi.UpdateLogAnomalyDetectorRequest) error {
	return toAPI(unsupported("UpdateLogAnomalyDetector"))
}
