package apigateway

import (
	"context"
	"strings"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// integrationDoc is the stored form of an integration.
type integrationDoc = api.Integration

// Integration subtypes of AWS service integrations hako runs.
var subtypes = map[string]bool{
	"SQS-SendMessage": true, "SQS-ReceiveMessage": true, "SQS-DeleteMessage": true, "SQS-PurgeQueue": true,
	"EventBridge-PutEvents": true,
}

// checkIntegration validates and completes an integration for its API.
func checkIntegration(proto string, in *api.Integration) error {
	typ := str(in.IntegrationType)
	if in.ConnectionType == nil {
		in.ConnectionType = ptr("INTERNET")
	}
	if str(in.ConnectionType) == "VPC_LINK" && str(in.ConnectionId) == "" {
		return badRequest("ConnectionId must be set to a VpcLink id when ConnectionType is VPC_LINK")
	}
	switch proto {
	case protoHTTP:
		if typ != "AWS_PROXY" && typ != "HTTP_PROXY" {
			return badRequest("Unsupported integration type '" + typ + "' for HTTP API. Must be one of [AWS_PROXY, HTTP_PROXY]")
		}
		if in.TimeoutInMillis == nil {
			in.TimeoutInMillis = ptr(int32(30000))
		}
		if t := *in.TimeoutInMillis; t < 50 || t > 30000 {
			return badRequest("Timeout must be between 50 milliseconds and 30 seconds.")
		}
		switch {
		case typ == "AWS_PROXY" && in.IntegrationSubtype != nil:
			if !subtypes[*in.IntegrationSubtype] {
				return badRequest("Unsupported integration subtype " + *in.IntegrationSubtype + " (hako runs SQS-SendMessage, SQS-ReceiveMessage, SQS-DeleteMessage, SQS-PurgeQueue, EventBridge-PutEvents)")
			}
			if len(in.RequestParameters) == 0 {
				return badRequest("RequestParameters are required for integration subtype " + *in.IntegrationSubtype)
			}
			if in.PayloadFormatVersion == nil {
				in.PayloadFormatVersion = ptr("1.0")
			}
			if *in.PayloadFormatVersion != "1.0" {
				return badRequest("PayloadFormatVersion must be 1.0 for AWS service integrations")
			}
		case typ == "AWS_PROXY":
			if in.IntegrationUri == nil {
				return badRequest("IntegrationUri is required for AWS_PROXY integrations")
			}
			if in.PayloadFormatVersion == nil {
				return badRequest("PayloadFormatVersion is a required parameter for AWS_PROXY integrations of HTTP APIs")
			}
			if p := *in.PayloadFormatVersion; p != "1.0" && p != "2.0" {
				return badRequest("Invalid PayloadFormatVersion " + p + ". Supported values are 1.0 and 2.0")
			}
			if in.IntegrationMethod == nil {
				in.IntegrationMethod = ptr("POST")
			}
		case typ == "HTTP_PROXY":
			if in.IntegrationUri == nil || !(strings.HasPrefix(*in.IntegrationUri, "http://") || strings.HasPrefix(*in.IntegrationUri, "https://")) {
				return badRequest("IntegrationUri must be an http:// or https:// URL for HTTP_PROXY integrations")
			}
			if in.IntegrationMethod == nil {
				return badRequest("IntegrationMethod is required for HTTP_PROXY integrations")
			}
			if in.PayloadFormatVersion == nil {
				in.PayloadFormatVersion = ptr("1.0")
			}
			if *in.PayloadFormatVersion != "1.0" {
				return badRequest("PayloadFormatVersion must be 1.0 for HTTP_PROXY integrations")
			}
		}
	default:
		switch typ {
		case "AWS_PROXY", "AWS", "HTTP", "HTTP_PROXY", "MOCK":
		default:
			return badRequest("Unsupported integration type '" + typ + "' for WebSocket API. Must be one of [AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK]")
		}
		if typ != "MOCK" && in.IntegrationUri == nil {
			return badRequest("IntegrationUri is required for integration type " + typ)
		}
		if in.TimeoutInMillis == nil {
			in.TimeoutInMillis = ptr(int32(29000))
		}
		if t := *in.TimeoutInMillis; t < 50 || t > 29000 {
			return badRequest("Timeout must be between 50 milliseconds and 29 seconds.")
		}
		if in.PayloadFormatVersion == nil {
			in.PayloadFormatVersion = ptr("1.0")
		}
		if in.PassthroughBehavior == nil && typ != "AWS_PROXY" && typ != "HTTP_PROXY" {
			in.PassthroughBehavior = ptr("WHEN_NO_MATCH")
		}
		if in.IntegrationMethod == nil && (typ == "AWS_PROXY" || typ == "AWS") {
			in.IntegrationMethod = ptr("POST")
		}
	}
	return nil
}

// CreateIntegration creates an integration.
func (s *Service) CreateIntegration(ctx context.Context, in *api.CreateIntegrationRequest) (*api.CreateIntegrationResult, error) {
	integ := api.Integration{IntegrationId: ptr(newID(7)), ConnectionId: in.ConnectionId, ConnectionType: in.ConnectionType,
		ContentHandlingStrategy: in.ContentHandlingStrategy, CredentialsArn: in.CredentialsArn, Description: in.Description,
		IntegrationMethod: in.IntegrationMethod, IntegrationSubtype: in.IntegrationSubtype, IntegrationType: in.IntegrationType,
		IntegrationUri: in.IntegrationUri, PassthroughBehavior: in.PassthroughBehavior, PayloadFormatVersion: in.PayloadFormatVersion,
		RequestParameters: in.RequestParameters, RequestTemplates: in.RequestTemplates, ResponseParameters: in.ResponseParameters,
		TemplateSelectionExpression: in.TemplateSelectionExpression, TimeoutInMillis: in.TimeoutInMillis}
	if in.TlsConfig != nil {
		integ.TlsConfig = &api.TlsConfig{ServerNameToVerify: in.TlsConfig.ServerNameToVerify}
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		if err := checkIntegration(str(r.doc.ProtocolType), &integ); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindIntegration, *integ.IntegrationId, "", integ, s.seq()); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateIntegrationResult(integ)
	return &out, nil
}

func (s *Service) integration(ctx context.Context, tx *store.Tx, apiID, id string) (*apiRow, *api.Integration, error) {
	r, err := s.ownedAPI(ctx, tx, apiID)
	if err != nil {
		return nil, nil, err
	}
	integ, err := item[api.Integration](ctx, tx, apiID, kindIntegration, id, itemNotFound("Integration", id))
	return r, integ, err
}

// GetIntegration describes an integration.
func (s *Service) GetIntegration(ctx context.Context, in *api.GetIntegrationRequest) (*api.GetIntegrationResult, error) {
	var out api.GetIntegrationResult
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, integ, err := s.integration(ctx, tx, str(in.ApiId), str(in.IntegrationId))
		if err != nil {
			return err
		}
		out = api.GetIntegrationResult(*integ)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetIntegrations lists an API's integrations.
func (s *Service) GetIntegrations(ctx context.Context, in *api.GetIntegrationsRequest) (*api.GetIntegrationsResponse, error) {
	items, next, err := listPage[api.Integration](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindIntegration, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetIntegrationsResponse{Items: items, NextToken: next}, nil
}

// UpdateIntegration changes an integration.
func (s *Service) UpdateIntegration(ctx context.Context, in *api.UpdateIntegrationRequest) (*api.UpdateIntegrationResult, error) {
	var out api.UpdateIntegrationResult
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, integ, err := s.integration(ctx, tx, str(in.ApiId), str(in.IntegrationId))
		if err != nil {
			return err
		}
		set(&integ.ConnectionId, in.ConnectionId)
		set(&integ.ConnectionType, in.ConnectionType)
		set(&integ.ContentHandlingStrategy, in.ContentHandlingStrategy)
		set(&integ.CredentialsArn, in.CredentialsArn)
		set(&integ.Description, in.Description)
		set(&integ.IntegrationMethod, in.IntegrationMethod)
		set(&integ.IntegrationSubtype, in.IntegrationSubtype)
		set(&integ.IntegrationType, in.IntegrationType)
		set(&integ.IntegrationUri, in.IntegrationUri)
		set(&integ.PassthroughBehavior, in.PassthroughBehavior)
		set(&integ.PayloadFormatVersion, in.PayloadFormatVersion)
		set(&integ.TemplateSelectionExpression, in.TemplateSelectionExpression)
		set(&integ.TimeoutInMillis, in.TimeoutInMillis)
		if in.RequestParameters != nil {
			integ.RequestParameters = in.RequestParameters
		}
		if in.RequestTemplates != nil {
			integ.RequestTemplates = in.RequestTemplates
		}
		if in.ResponseParameters != nil {
			integ.ResponseParameters = in.ResponseParameters
		}
		if in.TlsConfig != nil {
			integ.TlsConfig = &api.TlsConfig{ServerNameToVerify: in.TlsConfig.ServerNameToVerify}
		}
		if err := checkIntegration(str(r.doc.ProtocolType), integ); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindIntegration, *integ.IntegrationId, "", integ, 0); err != nil {
			return err
		}
		out = api.UpdateIntegrationResult(*integ)
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteIntegration deletes an integration no route targets.
func (s *Service) DeleteIntegration(ctx context.Context, in *api.DeleteIntegrationRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, integ, err := s.integration(ctx, tx, str(in.ApiId), str(in.IntegrationId))
		if err != nil {
			return err
		}
		routes, err := listItems[api.Route](ctx, tx, *r.doc.ApiId, kindRoute, "")
		if err != nil {
			return err
		}
		for _, rt := range routes {
			if str(rt.Target) == "integrations/"+*integ.IntegrationId {
				return conflict("Integration " + *integ.IntegrationId + " is the target of route " + str(rt.RouteKey) + "; detach it first")
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_items WHERE api_id = ? AND kind = ? AND parent = ?", *r.doc.ApiId, kindIntegResponse, *integ.IntegrationId); err != nil {
			return err
		}
		if err := deleteItem(ctx, tx, *r.doc.ApiId, kindIntegration, *integ.IntegrationId); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
}

// CreateIntegrationResponse creates an integration response (WebSocket APIs).
func (s *Service) CreateIntegrationResponse(ctx context.Context, in *api.CreateIntegrationResponseRequest) (*api.CreateIntegrationResponseResponse, error) {
	ir := api.IntegrationResponse{IntegrationResponseId: ptr(newID(6)), ContentHandlingStrategy: in.ContentHandlingStrategy,
		IntegrationResponseKey: in.IntegrationResponseKey, ResponseParameters: in.ResponseParameters,
		ResponseTemplates: in.ResponseTemplates, TemplateSelectionExpression: in.TemplateSelectionExpression}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, integ, err := s.integration(ctx, tx, str(in.ApiId), str(in.IntegrationId))
		if err != nil {
			return err
		}
		if str(r.doc.ProtocolType) != protoWebSocket {
			return badRequest("Integration responses are only supported for WebSocket APIs")
		}
		all, err := listItems[api.IntegrationResponse](ctx, tx, *r.doc.ApiId, kindIntegResponse, *integ.IntegrationId)
		if err != nil {
			return err
		}
		for _, o := range all {
			if str(o.IntegrationResponseKey) == str(ir.IntegrationResponseKey) {
				return conflict("Integration response with key " + str(ir.IntegrationResponseKey) + " already exists for this integration")
			}
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindIntegResponse, *ir.IntegrationResponseId, *integ.IntegrationId, ir, s.seq()); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateIntegrationResponseResponse(ir)
	return &out, nil
}

func (s *Service) integResponse(ctx context.Context, tx *store.Tx, apiID, integID, id string) (*api.IntegrationResponse, error) {
	if _, _, err := s.integration(ctx, tx, apiID, integID); err != nil {
		return nil, err
	}
	return item[api.IntegrationResponse](ctx, tx, apiID, kindIntegResponse, id, itemNotFound("IntegrationResponse", id))
}

// GetIntegrationResponse describes an integration response.
func (s *Service) GetIntegrationResponse(ctx context.Context, in *api.GetIntegrationResponseRequest) (*api.GetIntegrationResponseResponse, error) {
	var out api.GetIntegrationResponseResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		ir, err := s.integResponse(ctx, tx, str(in.ApiId), str(in.IntegrationId), str(in.IntegrationResponseId))
		if err != nil {
			return err
		}
		out = api.GetIntegrationResponseResponse(*ir)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetIntegrationResponses lists an integration's responses.
func (s *Service) GetIntegrationResponses(ctx context.Context, in *api.GetIntegrationResponsesRequest) (*api.GetIntegrationResponsesResponse, error) {
	items, next, err := listPage[api.IntegrationResponse](ctx, s, func(tx *store.Tx) error {
		_, _, err := s.integration(ctx, tx, str(in.ApiId), str(in.IntegrationId))
		return err
	}, str(in.ApiId), kindIntegResponse, str(in.IntegrationId), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetIntegrationResponsesResponse{Items: items, NextToken: next}, nil
}

// UpdateIntegrationResponse changes an integration response.
func (s *Service) UpdateIntegrationResponse(ctx context.Context, in *api.UpdateIntegrationResponseRequest) (*api.UpdateIntegrationResponseResponse, error) {
	var out api.UpdateIntegrationResponseResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		ir, err := s.integResponse(ctx, tx, str(in.ApiId), str(in.IntegrationId), str(in.IntegrationResponseId))
		if err != nil {
			return err
		}
		set(&ir.ContentHandlingStrategy, in.ContentHandlingStrategy)
		set(&ir.IntegrationResponseKey, in.IntegrationResponseKey)
		set(&ir.TemplateSelectionExpression, in.TemplateSelectionExpression)
		if in.ResponseParameters != nil {
			ir.ResponseParameters = in.ResponseParameters
		}
		if in.ResponseTemplates != nil {
			ir.ResponseTemplates = in.ResponseTemplates
		}
		if err := putItem(ctx, tx, str(in.ApiId), kindIntegResponse, *ir.IntegrationResponseId, str(in.IntegrationId), ir, 0); err != nil {
			return err
		}
		out = api.UpdateIntegrationResponseResponse(*ir)
		return s.redeploy(ctx, tx, str(in.ApiId))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteIntegrationResponse deletes an integration response.
func (s *Service) DeleteIntegrationResponse(ctx context.Context, in *api.DeleteIntegrationResponseRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		ir, err := s.integResponse(ctx, tx, str(in.ApiId), str(in.IntegrationId), str(in.IntegrationResponseId))
		if err != nil {
			return err
		}
		if err := deleteItem(ctx, tx, str(in.ApiId), kindIntegResponse, *ir.IntegrationResponseId); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, str(in.ApiId))
	})
}
