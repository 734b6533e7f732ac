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

// CreateApi is not supported yet.
func (s *Service) CreateApi(ctx context.Context, in *apigatewayv2api.CreateApiRequest) (*apigatewayv2api.CreateApiResponse, error) {
	return nil, unsupported("CreateApi")
}

// CreateApiMapping is not supported yet.
func (s *Service) CreateApiMapping(ctx context.Context, in *apigatewayv2api.CreateApiMappingRequest) (*apigatewayv2api.CreateApiMappingResponse, error) {
	return nil, unsupported("CreateApiMapping")
}

// CreateAuthorizer is not supported yet.
func (s *Service) CreateAuthorizer(ctx context.Context, in *apigatewayv2api.CreateAuthorizerRequest) (*apigatewayv2api.CreateAuthorizerResponse, error) {
	return nil, unsupported("CreateAuthorizer")
}

// CreateDeployment is not supported yet.
func (s *Service) CreateDeployment(ctx context.Context, in *apigatewayv2api.CreateDeploymentRequest) (*apigatewayv2api.CreateDeploymentResponse, error) {
	return nil, unsupported("CreateDeployment")
}

// CreateDomainName is not supported yet.
func (s *Service) CreateDomainName(ctx context.Context, in *apigatewayv2api.CreateDomainNameRequest) (*apigatewayv2api.CreateDomainNameResponse, error) {
	return nil, unsupported("CreateDomainName")
}

// CreateIntegration is not supported yet.
func (s *Service) CreateIntegration(ctx context.Context, in *apigatewayv2api.CreateIntegrationRequest) (*apigatewayv2api.CreateIntegrationResult, error) {
	return nil, unsupported("CreateIntegration")
}

// CreateIntegrationResponse is not supported yet.
func (s *Service) CreateIntegrationResponse(ctx context.Context, in *apigatewayv2api.CreateIntegrationResponseRequest) (*apigatewayv2api.CreateIntegrationResponseResponse, error) {
	return nil, unsupported("CreateIntegrationResponse")
}

// CreateModel is not supported yet.
func (s *Service) CreateModel(ctx context.Context, in *apigatewayv2api.CreateModelRequest) (*apigatewayv2api.CreateModelResponse, error) {
	return nil, unsupported("CreateModel")
}

// CreateRoute is not supported yet.
func (s *Service) CreateRoute(ctx context.Context, in *apigatewayv2api.CreateRouteRequest) (*apigatewayv2api.CreateRouteResult, error) {
	return nil, unsupported("CreateRoute")
}

// CreateRouteResponse is not supported yet.
func (s *Service) CreateRouteResponse(ctx context.Context, in *apigatewayv2api.CreateRouteResponseRequest) (*apigatewayv2api.CreateRouteResponseResponse, error) {
	return nil, unsupported("CreateRouteResponse")
}

// CreateStage is not supported yet.
func (s *Service) CreateStage(ctx context.Context, in *apigatewayv2api.CreateStageRequest) (*apigatewayv2api.CreateStageResponse, error) {
	return nil, unsupported("CreateStage")
}

// CreateVpcLink is not supported yet.
func (s *Service) CreateVpcLink(ctx context.Context, in *apigatewayv2api.CreateVpcLinkRequest) (*apigatewayv2api.CreateVpcLinkResponse, error) {
	return nil, unsupported("CreateVpcLink")
}

// DeleteAccessLogSettings is not supported yet.
func (s *Service) DeleteAccessLogSettings(ctx context.Context, in *apigatewayv2api.DeleteAccessLogSettingsRequest) error {
	return unsupported("DeleteAccessLogSettings")
}

// DeleteApi is not supported yet.
func (s *Service) DeleteApi(ctx context.Context, in *apigatewayv2api.DeleteApiRequest) error {
	return unsupported("DeleteApi")
}

// DeleteApiMapping is not supported yet.
func (s *Service) DeleteApiMapping(ctx context.Context, in *apigatewayv2api.DeleteApiMappingRequest) error {
	return unsupported("DeleteApiMapping")
}

// DeleteAuthorizer is not supported yet.
func (s *Service) DeleteAuthorizer(ctx context.Context, in *apigatewayv2api.DeleteAuthorizerRequest) error {
	return unsupported("DeleteAuthorizer")
}

// DeleteCorsConfiguration is not supported yet.
func (s *Service) DeleteCorsConfiguration(ctx context.Context, in *apigatewayv2api.DeleteCorsConfigurationRequest) error {
	return unsupported("DeleteCorsConfiguration")
}

// DeleteDeployment is not supported yet.
func (s *Service) DeleteDeployment(ctx context.Context, in *apigatewayv2api.DeleteDeploymentRequest) error {
	return unsupported("DeleteDeployment")
}

// DeleteDomainName is not supported yet.
func (s *Service) DeleteDomainName(ctx context.Context, in *apigatewayv2api.DeleteDomainNameRequest) error {
	return unsupported("DeleteDomainName")
}

// DeleteIntegration is not supported yet.
func (s *Service) DeleteIntegration(ctx context.Context, in *apigatewayv2api.DeleteIntegrationRequest) error {
	return unsupported("DeleteIntegration")
}

// DeleteIntegrationResponse is not supported yet.
func (s *Service) DeleteIntegrationResponse(ctx context.Context, in *apigatewayv2api.DeleteIntegrationResponseRequest) error {
	return unsupported("DeleteIntegrationResponse")
}

// DeleteModel is not supported yet.
func (s *Service) DeleteModel(ctx context.Context, in *apigatewayv2api.DeleteModelRequest) error {
	return unsupported("DeleteModel")
}

// DeleteRoute is not supported yet.
func (s *Service) DeleteRoute(ctx context.Context, in *apigatewayv2api.DeleteRouteRequest) error {
	return unsupported("DeleteRoute")
}

// DeleteRouteRequestParameter is not supported yet.
func (s *Service) DeleteRouteRequestParameter(ctx context.Context, in *apigatewayv2api.DeleteRouteRequestParameterRequest) error {
	return unsupported("DeleteRouteRequestParameter")
}

// DeleteRouteResponse is not supported yet.
func (s *Service) DeleteRouteResponse(ctx context.Context, in *apigatewayv2api.DeleteRouteResponseRequest) error {
	return unsupported("DeleteRouteResponse")
}

// DeleteRouteSettings is not supported yet.
func (s *Service) DeleteRouteSettings(ctx context.Context, in *apigatewayv2api.DeleteRouteSettingsRequest) error {
	return unsupported("DeleteRouteSettings")
}

// DeleteStage is not supported yet.
func (s *Service) DeleteStage(ctx context.Context, in *apigatewayv2api.DeleteStageRequest) error {
	return unsupported("DeleteStage")
}

// DeleteVpcLink is not supported yet.
func (s *Service) DeleteVpcLink(ctx context.Context, in *apigatewayv2api.DeleteVpcLinkRequest) (*apigatewayv2api.DeleteVpcLinkResponse, error) {
	return nil, unsupported("DeleteVpcLink")
}

// ExportApi is not supported yet.
func (s *Service) ExportApi(ctx context.Context, in *apigatewayv2api.ExportApiRequest) (*apigatewayv2api.ExportApiResponse, error) {
	return nil, unsupported("ExportApi")
}

// GetApi is not supported yet.
func (s *Service) GetApi(ctx context.Context, in *apigatewayv2api.GetApiRequest) (*apigatewayv2api.GetApiResponse, error) {
	return nil, unsupported("GetApi")
}

// GetApiMapping is not supported yet.
func (s *Service) GetApiMapping(ctx context.Context, in *apigatewayv2api.GetApiMappingRequest) (*apigatewayv2api.GetApiMappingResponse, error) {
	return nil, unsupported("GetApiMapping")
}

// GetApiMappings is not supported yet.
func (s *Service) GetApiMappings(ctx context.Context, in *apigatewayv2api.GetApiMappingsRequest) (*apigatewayv2api.GetApiMappingsResponse, error) {
	return nil, unsupported("GetApiMappings")
}

// GetApis is not supported yet.
func (s *Service) GetApis(ctx context.Context, in *apigatewayv2api.GetApisRequest) (*apigatewayv2api.GetApisResponse, error) {
	return nil, unsupported("GetApis")
}

// GetAuthorizer is not supported yet.
func (s *Service) GetAuthorizer(ctx context.Context, in *apigatewayv2api.GetAuthorizerRequest) (*apigatewayv2api.GetAuthorizerResponse, error) {
	return nil, unsupported("GetAuthorizer")
}

// GetAuthorizers is not supported yet.
func (s *Service) GetAuthorizers(ctx context.Context, in *apigatewayv2api.GetAuthorizersRequest) (*apigatewayv2api.GetAuthorizersResponse, error) {
	return nil, unsupported("GetAuthorizers")
}

// GetDeployment is not supported yet.
func (s *Service) GetDeployment(ctx context.Context, in *apigatewayv2api.GetDeploymentRequest) (*apigatewayv2api.GetDeploymentResponse, error) {
	return nil, unsupported("GetDeployment")
}

// GetDeployments is not supported yet.
func (s *Service) GetDeployments(ctx context.Context, in *apigatewayv2api.GetDeploymentsRequest) (*apigatewayv2api.GetDeploymentsResponse, error) {
	return nil, unsupported("GetDeployments")
}

// GetDomainName is not supported yet.
func (s *Service) GetDomainName(ctx context.Context, in *apigatewayv2api.GetDomainNameRequest) (*apigatewayv2api.GetDomainNameResponse, error) {
	return nil, unsupported("GetDomainName")
}

// GetDomainNames is not supported yet.
func (s *Service) GetDomainNames(ctx context.Context, in *apigatewayv2api.GetDomainNamesRequest) (*apigatewayv2api.GetDomainNamesResponse, error) {
	return nil, unsupported("GetDomainNames")
}

// GetIntegration is not supported yet.
func (s *Service) GetIntegration(ctx context.Context, in *apigatewayv2api.GetIntegrationRequest) (*apigatewayv2api.GetIntegrationResult, error) {
	return nil, unsupported("GetIntegration")
}

// GetIntegrationResponse is not supported yet.
func (s *Service) GetIntegrationResponse(ctx context.Context, in *apigatewayv2api.GetIntegrationResponseRequest) (*apigatewayv2api.GetIntegrationResponseResponse, error) {
	return nil, unsupported("GetIntegrationResponse")
}

// GetIntegrationResponses is not supported yet.
func (s *Service) GetIntegrationResponses(ctx context.Context, in *apigatewayv2api.GetIntegrationResponsesRequest) (*apigatewayv2api.GetIntegrationResponsesResponse, error) {
	return nil, unsupported("GetIntegrationResponses")
}

// GetIntegrations is not supported yet.
func (s *Service) GetIntegrations(ctx context.Context, in *apigatewayv2api.GetIntegrationsRequest) (*apigatewayv2api.GetIntegrationsResponse, error) {
	return nil, unsupported("GetIntegrations")
}

// GetModel is not supported yet.
func (s *Service) GetModel(ctx context.Context, in *apigatewayv2api.GetModelRequest) (*apigatewayv2api.GetModelResponse, error) {
	return nil, unsupported("GetModel")
}

// GetModelTemplate is not supported yet.
func (s *Service) GetModelTemplate(ctx context.Context, in *apigatewayv2api.GetModelTemplateRequest) (*apigatewayv2api.GetModelTemplateResponse, error) {
	return nil, unsupported("GetModelTemplate")
}

// GetModels is not supported yet.
func (s *Service) GetModels(ctx context.Context, in *apigatewayv2api.GetModelsRequest) (*apigatewayv2api.GetModelsResponse, error) {
	return nil, unsupported("GetModels")
}

// GetRoute is not supported yet.
func (s *Service) GetRoute(ctx context.Context, in *apigatewayv2api.GetRouteRequest) (*apigatewayv2api.GetRouteResult, error) {
	return nil, unsupported("GetRoute")
}

// GetRouteResponse is not supported yet.
func (s *Service) GetRouteResponse(ctx context.Context, in *apigatewayv2api.GetRouteResponseRequest) (*apigatewayv2api.GetRouteResponseResponse, error) {
	return nil, unsupported("GetRouteResponse")
}

// GetRouteResponses is not supported yet.
func (s *Service) GetRouteResponses(ctx context.Context, in *apigatewayv2api.GetRouteResponsesRequest) (*apigatewayv2api.GetRouteResponsesResponse, error) {
	return nil, unsupported("GetRouteResponses")
}

// GetRoutes is not supported yet.
func (s *Service) GetRoutes(ctx context.Context, in *apigatewayv2api.GetRoutesRequest) (*apigatewayv2api.GetRoutesResponse, error) {
	return nil, unsupported("GetRoutes")
}

// GetStage is not supported yet.
func (s *Service) GetStage(ctx context.Context, in *apigatewayv2api.GetStageRequest) (*apigatewayv2api.GetStageResponse, error) {
	return nil, unsupported("GetStage")
}

// GetStages is not supported yet.
func (s *Service) GetStages(ctx context.Context, in *apigatewayv2api.GetStagesRequest) (*apigatewayv2api.GetStagesResponse, error) {
	return nil, unsupported("GetStages")
}

// GetTags is not supported yet.
func (s *Service) GetTags(ctx context.Context, in *apigatewayv2api.GetTagsRequest) (*apigatewayv2api.GetTagsResponse, error) {
	return nil, unsupported("GetTags")
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

// ResetAuthorizersCache is not supported yet.
func (s *Service) ResetAuthorizersCache(ctx context.Context, in *apigatewayv2api.ResetAuthorizersCacheRequest) error {
	return unsupported("ResetAuthorizersCache")
}

// TagResource is not supported yet.
func (s *Service) TagResource(ctx context.Context, in *apigatewayv2api.TagResourceRequest) (*apigatewayv2api.TagResourceResponse, error) {
	return nil, unsupported("TagResource")
}

// UntagResource is not supported yet.
func (s *Service) UntagResource(ctx context.Context, in *apigatewayv2api.UntagResourceRequest) error {
	return unsupported("UntagResource")
}

// UpdateApi is not supported yet.
func (s *Service) UpdateApi(ctx context.Context, in *apigatewayv2api.UpdateApiRequest) (*apigatewayv2api.UpdateApiResponse, error) {
	return nil, unsupported("UpdateApi")
}

// UpdateApiMapping is not supported yet.
func (s *Service) UpdateApiMapping(ctx context.Context, in *apigatewayv2api.UpdateApiMappingRequest) (*apigatewayv2api.UpdateApiMappingResponse, error) {
	return nil, unsupported("UpdateApiMapping")
}

// UpdateAuthorizer is not supported yet.
func (s *Service) UpdateAuthorizer(ctx context.Context, in *apigatewayv2api.UpdateAuthorizerRequest) (*apigatewayv2api.UpdateAuthorizerResponse, error) {
	return nil, unsupported("UpdateAuthorizer")
}

// UpdateDeployment is not supported yet.
func (s *Service) UpdateDeployment(ctx context.Context, in *apigatewayv2api.UpdateDeploymentRequest) (*apigatewayv2api.UpdateDeploymentResponse, error) {
	return nil, unsupported("UpdateDeployment")
}

// UpdateDomainName is not supported yet.
func (s *Service) UpdateDomainName(ctx context.Context, in *apigatewayv2api.UpdateDomainNameRequest) (*apigatewayv2api.UpdateDomainNameResponse, error) {
	return nil, unsupported("UpdateDomainName")
}

// UpdateIntegration is not supported yet.
func (s *Service) UpdateIntegration(ctx context.Context, in *apigatewayv2api.UpdateIntegrationRequest) (*apigatewayv2api.UpdateIntegrationResult, error) {
	return nil, unsupported("UpdateIntegration")
}

// UpdateIntegrationResponse is not supported yet.
func (s *Service) UpdateIntegrationResponse(ctx context.Context, in *apigatewayv2api.UpdateIntegrationResponseRequest) (*apigatewayv2api.UpdateIntegrationResponseResponse, error) {
	return nil, unsupported("UpdateIntegrationResponse")
}

// UpdateModel is not supported yet.
func (s *Service) UpdateModel(ctx context.Context, in *apigatewayv2api.UpdateModelRequest) (*apigatewayv2api.UpdateModelResponse, error) {
	return nil, unsupported("UpdateModel")
}

// UpdateRoute is not supported yet.
func (s *Service) UpdateRoute(ctx context.Context, in *apigatewayv2api.UpdateRouteRequest) (*apigatewayv2api.UpdateRouteResult, error) {
	return nil, unsupported("UpdateRoute")
}

// UpdateRouteResponse is not supported yet.
func (s *Service) UpdateRouteResponse(ctx context.Context, in *apigatewayv2api.UpdateRouteResponseRequest) (*apigatewayv2api.UpdateRouteResponseResponse, error) {
	return nil, unsupported("UpdateRouteResponse")
}

// UpdateStage is not supported yet.
func (s *Service) UpdateStage(ctx context.Context, in *apigatewayv2api.UpdateStageRequest) (*apigatewayv2api.UpdateStageResponse, error) {
	return nil, unsupported("UpdateStage")
}

// UpdateVpcLink is not supported yet.
func (s *Service) UpdateVpcLink(ctx context.Context, in *apigatewayv2api.UpdateVpcLinkRequest) (*apigatewayv2api.UpdateVpcLinkResponse, error) {
	return nil, unsupported("UpdateVpcLink")
}
