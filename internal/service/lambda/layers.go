package lambda

import (
	"context"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
)

// resolveLayers checks the layer version ARNs of a function configuration.
func (s *Service) resolveLayers(ctx context.Context, arns []string) ([]lambdaapi.Layer, error) {
	if len(arns) == 0 {
		return nil, nil
	}
	return nil, invalidParam("Layers are not supported by hako yet.")
}

// layerZip returns the package of a layer version.
func (s *Service) layerZip(ctx context.Context, arn string) ([]byte, error) {
	return nil, notFound("Layer version " + arn + " does not exist.")
}

// AddLayerVersionPermission is not supported yet.
func (s *Service) AddLayerVersionPermission(ctx context.Context, in *lambdaapi.AddLayerVersionPermissionRequest) (*lambdaapi.AddLayerVersionPermissionResponse, error) {
	return nil, unsupported("AddLayerVersionPermission")
}

// DeleteLayerVersion is not supported yet.
func (s *Service) DeleteLayerVersion(ctx context.Context, in *lambdaapi.DeleteLayerVersionRequest) error {
	return unsupported("DeleteLayerVersion")
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

// ListLayerVersions is not supported yet.
func (s *Service) ListLayerVersions(ctx context.Context, in *lambdaapi.ListLayerVersionsRequest) (*lambdaapi.ListLayerVersionsResponse, error) {
	return nil, unsupported("ListLayerVersions")
}

// ListLayers is not supported yet.
func (s *Service) ListLayers(ctx context.Context, in *lambdaapi.ListLayersRequest) (*lambdaapi.ListLayersResponse, error) {
	return nil, unsupported("ListLayers")
}

// PublishLayerVersion is not supported yet.
func (s *Service) PublishLayerVersion(ctx context.Context, in *lambdaapi.PublishLayerVersionRequest) (*lambdaapi.PublishLayerVersionResponse, error) {
	return nil, unsupported("PublishLayerVersion")
}

// RemoveLayerVersionPermission is not supported yet.
func (s *Service) RemoveLayerVersionPermission(ctx context.Context, in *lambdaapi.RemoveLayerVersionPermissionRequest) error {
	return unsupported("RemoveLayerVersionPermission")
}
