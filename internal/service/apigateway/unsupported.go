package apigateway

import (
	"context"

	"github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// unsupported answers the operations hako does not implement (yet). Delete
// an operation's stub here when you implement it elsewhere in the package.
func unsupported(op string) error {
	return awserr.New("BadRequestException", op+" is not supported by hako yet.").WithStatus(400)
}

// CreateVpcLink is not supported yet.
func (s *Service) CreateVpcLink(ctx context.Context, in *apigatewayv2api.CreateVpcLinkRequest) (*apigatewayv2api.CreateVpcLinkResponse, error) {
	return nil, unsupported("CreateVpcLink")
}

// DeleteVpcLink is not supported yet.
func (s *Service) DeleteVpcLink(ctx context.Context, in *apigatewayv2api.DeleteVpcLinkRequest) (*apigatewayv2api.DeleteVpcLinkResponse, error) {
	return nil, unsupported("DeleteVpcLink")
}

// GetVpcLink is not supported yet.
func (s *Service) GetVpcLink(ctx context.Context, in *apigatewayv2api.GetVpcLinkRequest) (*apigatewayv2api.GetVpcLinkResponse, error) {
	return nil, unsupported("GetVpcLink")
}

// GetVpcLinks is not supported yet.
func (s *Service) GetVpcLinks(ctx context.Context, in *apigatewayv2api.GetVpcLinksRequest) (*apigatewayv2api.GetVpcLinksResponse, error) {
	return nil, unsupported("GetVpcLinks")
}

// UpdateVpcLink is not supported yet.
func (s *Service) UpdateVpcLink(ctx context.Context, in *apigatewayv2api.UpdateVpcLinkRequest) (*apigatewayv2api.UpdateVpcLinkResponse, error) {
	return nil, unsupported("UpdateVpcLink")
}
