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
