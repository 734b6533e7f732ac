package lambda

import (
	"context"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
)

// unsupported answers operations hako does not implement with a clear error.
func unsupported(op string) error {
	return apiErr("InvalidParameterValueException", op+" is not supported by hako yet.")
}

// CreateCodeSigningConfig is not supported yet.
func (s *Service) CreateCodeSigningConfig(ctx context.Context, in *lambdaapi.CreateCodeSigningConfigRequest) (*lambdaapi.CreateCodeSigningConfigResponse, error) {
	return nil, unsupported("CreateCodeSigningConfig")
}

// DeleteCodeSigningConfig is not supported yet.
func (s *Service) DeleteCodeSigningConfig(ctx context.Context, in *lambdaapi.DeleteCodeSigningConfigRequest) (*lambdaapi.DeleteCodeSigningConfigResponse, error) {
	return nil, unsupported("DeleteCodeSigningConfig")
}

// DeleteFunctionCodeSigningConfig is not supported yet.
func (s *Service) DeleteFunctionCodeSigningConfig(ctx context.Context, in *lambdaapi.DeleteFunctionCodeSigningConfigRequest) error {
	return unsupported("DeleteFunctionCodeSigningConfig")
}

// DeleteProvisionedConcurrencyConfig is not supported yet.
func (s *Service) DeleteProvisionedConcurrencyConfig(ctx context.Context, in *lambdaapi.DeleteProvisionedConcurrencyConfigRequest) error {
	return unsupported("DeleteProvisionedConcurrencyConfig")
}

// GetCodeSigningConfig is not supported yet.
func (s *Service) GetCodeSigningConfig(ctx context.Context, in *lambdaapi.GetCodeSigningConfigRequest) (*lambdaapi.GetCodeSigningConfigResponse, error) {
	return nil, unsupported("GetCodeSigningConfig")
}

// GetFunctionCodeSigningConfig is not supported yet.
func (s *Service) GetFunctionCodeSigningConfig(ctx context.Context, in *lambdaapi.GetFunctionCodeSigningConfigRequest) (*lambdaapi.GetFunctionCodeSigningConfigResponse, error) {
	return nil, unsupported("GetFunctionCodeSigningConfig")
}

// GetFunctionRecursionConfig is not supported yet.
func (s *Service) GetFunctionRecursionConfig(ctx context.Context, in *lambdaapi.GetFunctionRecursionConfigRequest) (*lambdaapi.GetFunctionRecursionConfigResponse, error) {
	return nil, unsupported("GetFunctionRecursionConfig")
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

// ListFunctionsByCodeSigningConfig is not supported yet.
func (s *Service) ListFunctionsByCodeSigningConfig(ctx context.Context, in *lambdaapi.ListFunctionsByCodeSigningConfigRequest) (*lambdaapi.ListFunctionsByCodeSigningConfigResponse, error) {
	return nil, unsupported("ListFunctionsByCodeSigningConfig")
}

// ListProvisionedConcurrencyConfigs is not supported yet.
func (s *Service) ListProvisionedConcurrencyConfigs(ctx context.Context, in *lambdaapi.ListProvisionedConcurrencyConfigsRequest) (*lambdaapi.ListProvisionedConcurrencyConfigsResponse, error) {
	return nil, unsupported("ListProvisionedConcurrencyConfigs")
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

// UpdateCodeSigningConfig is not supported yet.
func (s *Service) UpdateCodeSigningConfig(ctx context.Context, in *lambdaapi.UpdateCodeSigningConfigRequest) (*lambdaapi.UpdateCodeSigningConfigResponse, error) {
	return nil, unsupported("UpdateCodeSigningConfig")
}
