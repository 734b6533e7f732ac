package apigateway

import (
	"context"
	"strings"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// checkAuthorizer validates an authorizer for its API.
func checkAuthorizer(proto string, au *api.Authorizer) error {
	typ := str(au.AuthorizerType)
	switch {
	case proto == protoHTTP && typ != "JWT" && typ != "REQUEST":
		return badRequest("Unsupported authorizer type " + typ + " for HTTP API. Must be one of [JWT, REQUEST]")
	case proto == protoWebSocket && typ != "REQUEST":
		return badRequest("Unsupported authorizer type " + typ + " for WebSocket API. Must be REQUEST")
	}
	if au.AuthorizerResultTtlInSeconds != nil && (*au.AuthorizerResultTtlInSeconds < 0 || *au.AuthorizerResultTtlInSeconds > 3600) {
		return badRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600")
	}
	for _, src := range au.IdentitySource {
		if !validIdentitySource(proto, src) {
			return badRequest("Invalid identity source " + src)
		}
	}
	switch typ {
	case "JWT":
		if au.JwtConfiguration == nil || str(au.JwtConfiguration.Issuer) == "" {
			return badRequest("JwtConfiguration with an Issuer is required for JWT authorizers")
		}
		if len(au.IdentitySource) != 1 {
			return badRequest("A JWT authorizer takes exactly one identity source")
		}
		if au.AuthorizerUri != nil || au.AuthorizerPayloadFormatVersion != nil || au.EnableSimpleResponses != nil {
			return badRequest("AuthorizerUri, AuthorizerPayloadFormatVersion and EnableSimpleResponses are not supported for JWT authorizers")
		}
	case "REQUEST":
		if au.AuthorizerUri == nil {
			return badRequest("AuthorizerUri is required for REQUEST authorizers")
		}
		if au.JwtConfiguration != nil {
			return badRequest("JwtConfiguration is only supported for JWT authorizers")
		}
		if proto == protoHTTP {
			v := str(au.AuthorizerPayloadFormatVersion)
			if v != "1.0" && v != "2.0" {
				return badRequest("AuthorizerPayloadFormatVersion is required for REQUEST authorizers of HTTP APIs: 1.0 or 2.0")
			}
			if au.EnableSimpleResponses != nil && *au.EnableSimpleResponses && v != "2.0" {
				return badRequest("EnableSimpleResponses is only supported with AuthorizerPayloadFormatVersion 2.0")
			}
			if au.EnableSimpleResponses == nil {
				au.EnableSimpleResponses = ptr(false)
			}
			if au.AuthorizerResultTtlInSeconds != nil && *au.AuthorizerResultTtlInSeconds > 0 && len(au.IdentitySource) == 0 {
				return badRequest("Identity sources are required when authorizer caching is enabled")
			}
		}
	}
	return nil
}

// validIdentitySource accepts the identity source forms of each protocol:
// $request.header.X, $request.querystring.X, $context.X, $stageVariables.X
// (HTTP) and route.request.header.X, route.request.querystring.X,
// context.X, stageVariables.X (WebSocket).
func validIdentitySource(proto, src string) bool {
	prefixes := []string{"$request.header.", "$request.querystring.", "$context.", "$stageVariables."}
	if proto == protoWebSocket {
		prefixes = []string{"route.request.header.", "route.request.querystring.", "context.", "stageVariables."}
	}
	for _, p := range prefixes {
		if strings.HasPrefix(src, p) && len(src) > len(p) {
			return true
		}
	}
	return false
}

// CreateAuthorizer creates a JWT or Lambda (REQUEST) authorizer.
func (s *Service) CreateAuthorizer(ctx context.Context, in *api.CreateAuthorizerRequest) (*api.CreateAuthorizerResponse, error) {
	au := api.Authorizer{AuthorizerId: ptr(newID(6)), AuthorizerCredentialsArn: in.AuthorizerCredentialsArn,
		AuthorizerPayloadFormatVersion: in.AuthorizerPayloadFormatVersion, AuthorizerResultTtlInSeconds: in.AuthorizerResultTtlInSeconds,
		AuthorizerType: in.AuthorizerType, AuthorizerUri: in.AuthorizerUri, EnableSimpleResponses: in.EnableSimpleResponses,
		IdentitySource: in.IdentitySource, IdentityValidationExpression: in.IdentityValidationExpression,
		JwtConfiguration: in.JwtConfiguration, Name: in.Name}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		if err := checkAuthorizer(str(r.doc.ProtocolType), &au); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindAuthorizer, *au.AuthorizerId, "", au, s.seq()); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateAuthorizerResponse(au)
	return &out, nil
}

func (s *Service) authorizer(ctx context.Context, tx *store.Tx, apiID, id string) (*apiRow, *api.Authorizer, error) {
	r, err := s.ownedAPI(ctx, tx, apiID)
	if err != nil {
		return nil, nil, err
	}
	au, err := item[api.Authorizer](ctx, tx, apiID, kindAuthorizer, id, itemNotFound("Authorizer", id))
	return r, au, err
}

// GetAuthorizer describes an authorizer.
func (s *Service) GetAuthorizer(ctx context.Context, in *api.GetAuthorizerRequest) (*api.GetAuthorizerResponse, error) {
	var out api.GetAuthorizerResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, au, err := s.authorizer(ctx, tx, str(in.ApiId), str(in.AuthorizerId))
		if err != nil {
			return err
		}
		out = api.GetAuthorizerResponse(*au)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAuthorizers lists an API's authorizers.
func (s *Service) GetAuthorizers(ctx context.Context, in *api.GetAuthorizersRequest) (*api.GetAuthorizersResponse, error) {
	items, next, err := listPage[api.Authorizer](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindAuthorizer, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetAuthorizersResponse{Items: items, NextToken: next}, nil
}

// UpdateAuthorizer changes an authorizer.
func (s *Service) UpdateAuthorizer(ctx context.Context, in *api.UpdateAuthorizerRequest) (*api.UpdateAuthorizerResponse, error) {
	var out api.UpdateAuthorizerResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, au, err := s.authorizer(ctx, tx, str(in.ApiId), str(in.AuthorizerId))
		if err != nil {
			return err
		}
		set(&au.AuthorizerCredentialsArn, in.AuthorizerCredentialsArn)
		set(&au.AuthorizerPayloadFormatVersion, in.AuthorizerPayloadFormatVersion)
		set(&au.AuthorizerResultTtlInSeconds, in.AuthorizerResultTtlInSeconds)
		set(&au.AuthorizerType, in.AuthorizerType)
		set(&au.AuthorizerUri, in.AuthorizerUri)
		set(&au.EnableSimpleResponses, in.EnableSimpleResponses)
		set(&au.IdentityValidationExpression, in.IdentityValidationExpression)
		set(&au.JwtConfiguration, in.JwtConfiguration)
		set(&au.Name, in.Name)
		if in.IdentitySource != nil {
			au.IdentitySource = in.IdentitySource
		}
		if err := checkAuthorizer(str(r.doc.ProtocolType), au); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindAuthorizer, *au.AuthorizerId, "", au, 0); err != nil {
			return err
		}
		out = api.UpdateAuthorizerResponse(*au)
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAuthorizer deletes an authorizer no route uses.
func (s *Service) DeleteAuthorizer(ctx context.Context, in *api.DeleteAuthorizerRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, au, err := s.authorizer(ctx, tx, str(in.ApiId), str(in.AuthorizerId))
		if err != nil {
			return err
		}
		routes, err := listItems[api.Route](ctx, tx, *r.doc.ApiId, kindRoute, "")
		if err != nil {
			return err
		}
		for _, rt := range routes {
			if str(rt.AuthorizerId) == *au.AuthorizerId {
				return conflict("Cannot delete authorizer '" + str(au.Name) + "', is referenced in route: " + str(rt.RouteKey))
			}
		}
		if err := deleteItem(ctx, tx, *r.doc.ApiId, kindAuthorizer, *au.AuthorizerId); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
}

// ResetAuthorizersCache drops the cached Lambda authorizer results of a
// stage.
func (s *Service) ResetAuthorizersCache(ctx context.Context, in *api.ResetAuthorizersCacheRequest) error {
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, _, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		return err
	})
	if err == nil {
		s.authCache.reset(str(in.ApiId), str(in.StageName))
	}
	return err
}
