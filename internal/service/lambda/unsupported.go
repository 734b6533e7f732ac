package lambda

import (
	"context"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
)

// unsupported answers operations hako does not implement with a clear error.
func unsupported(op string) error {
	return apiErr("InvalidParameterValueException", op+" is not supported by hako yet.")
}

// AddLayerVersionPermission is not supported yet.
func (s *Service) AddLayerVersionPermission(ctx context.Context, in *lambdaapi.AddLayerVersionPermissionRequest) (*lambdaapi.AddLayerVersionPermissionResponse, error) {
	return nil, unsupported("AddLayerVersionPermission")
}

// CreateCodeSigningConfig is not supported yet.
func (s *Service) CreateCodeSigningConfig(ctx context.Context, in *lambdaapi.CreateCodeSigningConfigRequest) (*lambdaapi.CreateCodeSigningConfigResponse, error) {
	return nil, unsupported("CreateCodeSigningConfig")
}

// CreateEventSourceMapping is not supported yet.
func (s *Service) CreateEventSourceMapping(ctx context.Context, in *lambdaapi.CreateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("CreateEventSourceMapping")
}

// CreateFunctionUrlConfig is not supported yet.
func (s *Service) CreateFunctionUrlConfig(ctx context.Context, in *lambdaapi.CreateFunctionUrlConfigRequest) (*lambdaapi.CreateFunctionUrlConfigResponse, error) {
	return nil, unsupported("CreateFunctionUrlConfig")
}

// DeleteCodeSigningConfig is not supported yet.
func (s *Service) DeleteCodeSigningConfig(ctx context.Context, in *lambdaapi.DeleteCodeSigningConfigRequest) (*lambdaapi.DeleteCodeSigningConfigResponse, error) {
	return nil, unsupported("DeleteCodeSigningConfig")
}

// DeleteEventSourceMapping is not supported yet.
func (s *Service) DeleteEventSourceMapping(ctx context.Context, in *lambdaapi.DeleteEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("DeleteEventSourceMapping")
}

// DeleteFunctionCodeSigningConfig is not supported yet.
func (s *Service) DeleteFunctionCodeSigningConfig(ctx context.Context, in *lambdaapi.DeleteFunctionCodeSigningConfigRequest) error {
	return unsupported("DeleteFunctionCodeSigningConfig")
}

// DeleteFunctionUrlConfig is not supported yet.
func (s *Service) DeleteFunctionUrlConfig(ctx context.Context, in *lambdaapi.DeleteFunctionUrlConfigRequest) error {
	return unsupported("DeleteFunctionUrlConfig")
}

// DeleteLayerVersion is not supported yet.
func (s *Service) DeleteLayerVersion(ctx context.Context, in *lambdaapi.DeleteLayerVersionRequest) error {
	return unsupported("DeleteLayerVersion")
}

// DeleteProvisionedConcurrencyConfig is not supported yet.
func (s *Service) DeleteProvisionedConcurrencyConfig(ctx context.Context, in *lambdaapi.DeleteProvisionedConcurrencyConfigRequest) error {
	return unsupported("DeleteProvisionedConcurrencyConfig")
}

// GetCodeSigningConfig is not supported yet.
func (s *Service) GetCodeSigningConfig(ctx context.Context, in *lambdaapi.GetCodeSigningConfigRequest) (*lambdaapi.GetCodeSigningConfigResponse, error) {
	return nil, unsupported("GetCodeSigningConfig")
}

// GetEventSourceMapping is not supported yet.
func (s *Service) GetEventSourceMapping(ctx context.Context, in *lambdaapi.GetEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("GetEventSourceMapping")
}

// GetFunctionCodeSigningConfig is not supported yet.
func (s *Service) GetFunctionCodeSigningConfig(ctx context.Context, in *lambdaapi.GetFunctionCodeSigningConfigRequest) (*lambdaapi.GetFunctionCodeSigningConfigResponse, error) {
	return nil, unsupported("GetFunctionCodeSigningConfig")
}

// GetFunctionRecursionConfig is not supported yet.
func (s *Service) GetFunctionRecursionConfig(ctx context.Context, in *lambdaapi.GetFunctionRecursionConfigRequest) (*lambdaapi.GetFunctionRecursionConfigResponse, error) {
	return nil, unsupported("GetFunctionRecursionConfig")
}

// GetFunctionUrlConfig is not supported yet.
func (s *Service) GetFunctionUrlConfig(ctx context.Context, in *lambdaapi.GetFunctionUrlConfigRequest) (*lambdaapi.GetFunctionUrlConfigResponse, error) {
	return nil, unsupported("GetFunctionUrlConfig")
}

// GetLayerVersion is not supported yet.
func (s *Service) GetLayerVersion(ctx context.Context, in *lambdaapi.GetLayerVersionRequest) (*lambdaapi.GetLayerVersionResponse, error) {
	return nil, unsupported("GetLayerVersion")
}

// GetLayerVersionByArn is not supported yet.
func (s *Service) GetLayerVersionByArn(ctx context.Context, in *lambdaapi.GetLayerVersionByArnRequest) (*lambdaapi.GetLayerVersionResponse, error) {
	return nil, unsupported("GetLayerVersionByArn")
}

// GetLayerVersionPolicy is not supported yet.
func (s *Service) GetLayerVersionPolicy(ctx context.Context, in *lambdaapi.GetLayerVersionPolicyRequest) (*lambdaapi.GetLayerVersionPolicyResponse, error) {
	return nil, unsupported("GetLayerVersionPolicy")
}

// GetProvisionedConcurrencyConfig is not supported yet.
func (s *Service) GetProvisionedConcurrencyConfig(ctx context.Context, in *lambdaapi.GetProvisionedConcurrencyConfigRequest) (*lambdaapi.GetProvisionedConcurrencyConfigResponse, error) {
	return nil, unsupported("GetProvisionedConcurrencyConfig")
}

// GetRuntimeManagementConfig is not supported yet.
func (s *Service) GetRuntimeManagementConfig(ctx context.Context, in *lambdaapi.GetRuntimeManagementConfigRequest) (*lambdaapi.GetRuntimeManagementConfigResponse, error) {
	return nil, unsupported("GetRuntimeManagementConfig")
}

// InvokeWithResponseStream is not supported yet.
func (s *Service) InvokeWithResponseStream(ctx context.Context, in *lambdaapi.InvokeWithResponseStreamRequest) (*lambdaapi.InvokeWithResponseStreamResponse, error) {
	return nil, unsupported("InvokeWithResponseStream")
}

// ListCodeSigningConfigs is not supported yet.
func (s *Service) ListCodeSigningConfigs(ctx context.Context, in *lambdaapi.ListCodeSigningConfigsRequest) (*lambdaapi.ListCodeSigningConfigsResponse, error) {
	return nil, unsupported("ListCodeSigningConfigs")
}

// ListEventSourceMappings is not supported yet.
func (s *Service) ListEventSourceMappings(ctx context.Context, in *lambdaapi.ListEventSourceMappingsRequest) (*lambdaapi.ListEventSourceMappingsResponse, error) {
	return nil, unsupported("ListEventSourceMappings")
}

// ListFunctionUrlConfigs is not supported yet.
func (s *Service) ListFunctionUrlConfigs(ctx context.Context, in *lambdaapi.ListFunctionUrlConfigsRequest) (*lambdaapi.ListFunctionUrlConfigsResponse, error) {
	return nil, unsupported("ListFunctionUrlConfigs")
}

// ListFunctionsByCodeSigningConfig is not supported yet.
func (s *Service) ListFunctionsByCodeSigningConfig(ctx context.Context, in *lambdaapi.ListFunctionsByCodeSigningConfigRequest) (*lambdaapi.ListFunctionsByCodeSigningConfigResponse, error) {
	return nil, unsupported("ListFunctionsByCodeSigningConfig")
}

// ListLayerVersions is not supported yet.
func (s *Service) ListLayerVersions(ctx context.Context, in *lambdaapi.ListLayerVersionsRequest) (*lambdaapi.ListLayerVersionsResponse, error) {
	return nil, unsupported("ListLayerVersions")
}

// ListLayers is not supported yet.
func (s *Service) ListLayers(ctx context.Context, in *lambdaapi.ListLayersRequest) (*lambdaapi.ListLayersResponse, error) {
	return nil, unsupported("ListLayers")
}

// ListProvisionedConcurrencyConfigs is not supported yet.
func (s *Service) ListProvisionedConcurrencyConfigs(ctx context.Context, in *lambdaapi.ListProvisionedConcurrencyConfigsRequest) (*lambdaapi.ListProvisionedConcurrencyConfigsResponse, error) {
	return nil, unsupported("ListProvisionedConcurrencyConfigs")
}

// PublishLayerVersion is not supported yet.
func (s *Service) PublishLayerVersion(ctx context.Context, in *lambdaapi.PublishLayerVersionRequest) (*lambdaapi.PublishLayerVersionResponse, error) {
	return nil, unsupported("PublishLayerVersion")
}

// PutFunctionCodeSigningConfig is not supported yet.
func (s *Service) PutFunctionCodeSigningConfig(ctx context.Context, in *lambdaapi.PutFunctionCodeSigningConfigRequest) (*lambdaapi.PutFunctionCodeSigningConfigResponse, error) {
	return nil, unsupported("PutFunctionCodeSigningConfig")
}

// PutFunctionRecursionConfig is not supported yet.
func (s *Service) PutFunctionRecursionConfig(ctx context.Context, in *lambdaapi.PutFunctionRecursionConfigRequest) (*lambdaapi.PutFunctionRecursionConfigResponse, error) {
	return nil, unsupported("PutFunctionRecursionConfig")
}

// PutProvisionedConcurrencyConfig is not supported yet.
func (s *Service) PutProvisionedConcurrencyConfig(ctx context.Context, in *lambdaapi.PutProvisionedConcurrencyConfigRequest) (*lambdaapi.PutProvisionedConcurrencyConfigResponse, error) {
	return nil, unsupported("PutProvisionedConcurrencyConfig")
}

// PutRuntimeManagementConfig is not supported yet.
func (s *Service) PutRuntimeManagementConfig(ctx context.Context, in *lambdaapi.PutRuntimeManagementConfigRequest) (*lambdaapi.PutRuntimeManagementConfigResponse, error) {
	return nil, unsupported("PutRuntimeManagementConfig")
}

// RemoveLayerVersionPermission is not supported yet.
func (s *Service) RemoveLayerVersionPermission(ctx context.Context, in *lambdaapi.RemoveLayerVersionPermissionRequest) error {
	return unsupported("RemoveLayerVersionPermission")
}

// UpdateCodeSigningConfig is not supported yet.
func (s *Service) UpdateCodeSigningConfig(ctx context.Context, in *lambdaapi.UpdateCodeSigningConfigRequest) (*lambdaapi.UpdateCodeSigningConfigResponse, error) {
	return nil, unsupported("UpdateCodeSigningConfig")
}

// UpdateEventSourceMapping is not supported yet.
func (s *Service) UpdateEventSourceMapping(ctx context.Context, in *lambdaapi.UpdateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	return nil, unsupported("UpdateEventSourceMapping")
}

// UpdateFunctionUrlConfig is not supported yet.
func (s *Service) UpdateFunctionUrlConfig(ctx context.Context, in *lambdaapi.UpdateFunctionUrlConfigRequest) (*lambdaapi.UpdateFunctionUrlConfigResponse, error) {
	return nil, unsupported("UpdateFunctionUrlConfig")
}
