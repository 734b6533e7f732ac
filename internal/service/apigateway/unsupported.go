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

// CreateApiMapping is not supported yet.
func (s *Service) CreateApiMapping(ctx context.Context, in *apigatewayv2api.CreateApiMappingRequest) (*apigatewayv2api.CreateApiMappingResponse, error) {
	return nil, unsupported("CreateApiMapping")
}

// CreateDomainName is not supported yet.
func (s *Service) CreateDomainName(ctx context.Context, in *apigatewayv2api.CreateDomainNameRequest) (*apigatewayv2api.CreateDomainNameResponse, error) {
	return nil, unsupported("CreateDomainName")
}

// CreateVpcLink is not supported yet.
func (s *Service) CreateVpcLink(ctx context.Context, in *apigatewayv2api.CreateVpcLinkRequest) (*apigatewayv2api.CreateVpcLinkResponse, error) {
	return nil, unsupported("CreateVpcLink")
}

// DeleteApiMapping is not supported yet.
func (s *Service) DeleteApiMapping(ctx context.Context, in *apigatewayv2api.DeleteApiMappingRequest) error {
	return unsupported("DeleteApiMapping")
}

// DeleteDomainName is not supported yet.
func (s *Service) DeleteDomainName(ctx context.Context, in *apigatewayv2api.DeleteDomainNameRequest) error {
	return unsupported("DeleteDomainName")
}

// DeleteVpcLink is not supported yet.
func (s *Service) DeleteVpcLink(ctx context.Context, in *apigatewayv2api.DeleteVpcLinkRequest) (*apigatewayv2api.DeleteVpcLinkResponse, error) {
	return nil, unsupported("DeleteVpcLink")
}

// ExportApi is not supported yet.
func (s *Service) ExportApi(ctx context.Context, in *apigatewayv2api.ExportApiRequest) (*apigatewayv2api.ExportApiResponse, error) {
	return nil, unsupported("ExportApi")
}

// GetApiMapping is not supported yet.
func (s *Service) GetApiMapping(ctx context.Context, in *apigatewayv2api.GetApiMappingRequest) (*apigatewayv2api.GetApiMappingResponse, error) {
	return nil, unsupported("GetApiMapping")
}

// GetApiMappings is not supported yet.
func (s *Service) GetApiMappings(ctx context.Context, in *apigatewayv2api.GetApiMappingsRequest) (*apigatewayv2api.GetApiMappingsResponse, error) {
	return nil, unsupported("GetApiMappings")
}

// GetDomainName is not supported yet.
func (s *Service) GetDomainName(ctx context.Context, in *apigatewayv2api.GetDomainNameRequest) (*apigatewayv2api.GetDomainNameResponse, error) {
	return nil, unsupported("GetDomainName")
}

// GetDomainNames is not supported yet.
func (s *Service) GetDomainNames(ctx context.Context, in *apigatewayv2api.GetDomainNamesRequest) (*apigatewayv2api.GetDomainNamesResponse, error) {
	return nil, unsupported("GetDomainNames")
}

// GetVpcLink is not supported yet.
func (s *Service) GetVpcLink(ctx context.Context, in *apigatewayv2api.GetVpcLinkRequest) (*apigatewayv2api.GetVpcLinkResponse, error) {
	return nil, unsupported("GetVpcLink")
}

// GetVpcLinks is not supported yet.
func (s *Service) GetVpcLinks(ctx context.Context, in *apigatewayv2api.GetVpcLinksRequest) (*apigatewayv2api.GetVpcLinksResponse, error) {
	return nil, unsupported("GetVpcLinks")
}

// ImportApi is not supported yet.
func (s *Service) ImportApi(ctx context.Context, in *apigatewayv2api.ImportApiRequest) (*apigatewayv2api.ImportApiResponse, error) {
	return nil, unsupported("ImportApi")
}

// ReimportApi is not supported yet.
func (s *Service) ReimportApi(ctx context.Context, in *apigatewayv2api.ReimportApiRequest) (*apigatewayv2api.ReimportApiResponse, error) {
	return nil, unsupported("ReimportApi")
}

// UpdateApiMapping is not supported yet.
func (s *Service) UpdateApiMapping(ctx context.Context, in *apigatewayv2api.UpdateApiMappingRequest) (*apigatewayv2api.UpdateApiMappingResponse, error) {
	return nil, unsupported("UpdateApiMapping")
}

// UpdateDomainName is not supported yet.
func (s *Service) UpdateDomainName(ctx context.Context, in *apigatewayv2api.UpdateDomainNameRequest) (*apigatewayv2api.UpdateDomainNameResponse, error) {
	return nil, unsupported("UpdateDomainName")
}

// UpdateVpcLink is not supported yet.
func (s *Service) UpdateVpcLink(ctx context.Context, in *apigatewayv2api.UpdateVpcLinkRequest) (*apigatewayv2api.UpdateVpcLinkResponse, error) {
	return nil, unsupported("UpdateVpcLink")
}
