package lambda

import (
	"context"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
)

// urlConfig is a function URL's configuration, stored per qualifier.
type urlConfig struct {
	URLID        string `json:"urlId"`
	AuthType     string `json:"authType"`
	InvokeMode   string `json:"invokeMode"`
	Cors         any    `json:"cors,omitempty"`
	CreationTime string `json:"creationTime"`
	LastModified string `json:"lastModified"`
}

// CreateFunctionUrlConfig is not supported yet.
func (s *Service) CreateFunctionUrlConfig(ctx context.Context, in *lambdaapi.CreateFunctionUrlConfigRequest) (*lambdaapi.CreateFunctionUrlConfigResponse, error) {
	return nil, unsupported("CreateFunctionUrlConfig")
}

// DeleteFunctionUrlConfig is not supported yet.
func (s *Service) DeleteFunctionUrlConfig(ctx context.Context, in *lambdaapi.DeleteFunctionUrlConfigRequest) error {
	return unsupported("DeleteFunctionUrlConfig")
}

// GetFunctionUrlConfig is not supported yet.
func (s *Service) GetFunctionUrlConfig(ctx context.Context, in *lambdaapi.GetFunctionUrlConfigRequest) (*lambdaapi.GetFunctionUrlConfigResponse, error) {
	return nil, unsupported("GetFunctionUrlConfig")
}

// ListFunctionUrlConfigs is not supported yet.
func (s *Service) ListFunctionUrlConfigs(ctx context.Context, in *lambdaapi.ListFunctionUrlConfigsRequest) (*lambdaapi.ListFunctionUrlConfigsResponse, error) {
	return nil, unsupported("ListFunctionUrlConfigs")
}

// UpdateFunctionUrlConfig is not supported yet.
func (s *Service) UpdateFunctionUrlConfig(ctx context.Context, in *lambdaapi.UpdateFunctionUrlConfigRequest) (*lambdaapi.UpdateFunctionUrlConfigResponse, error) {
	return nil, unsupported("UpdateFunctionUrlConfig")
}
