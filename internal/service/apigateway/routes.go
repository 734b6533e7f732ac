package apigateway

import (
	"context"
	"strings"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// httpMethods are the methods of HTTP API route keys.
var httpMethods = map[string]bool{"ANY": true, "GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true}

// routeKey is a parsed HTTP route key: "$default" or "METHOD /path".
type routeKey struct {
	method string
	segs   []string // path segments; "{x}" a parameter, "{x+}" the greedy tail
}

// parseRouteKey checks a route key. WebSocket route keys are free-form.
func parseRouteKey(protocol, key string) (*routeKey, error) {
	if key == "" {
		return nil, badRequest("RouteKey must not be empty")
	}
	if protocol == protoWebSocket || key == "$default" {
		return &routeKey{}, nil
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok || !httpMethods[method] || !strings.HasPrefix(path, "/") {
		return nil, badRequest("Invalid route key: " + key + ". A route key must be $default or an HTTP method (ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS) followed by a space and a path starting with /")
	}
	rk := &routeKey{method: method}
	if path == "/" {
		return rk, nil
	}
	parts := strings.Split(path[1:], "/")
	seen := map[string]bool{}
	for i, p := range parts {
		if p == "" && i != len(parts)-1 {
			return nil, badRequest("Invalid route key: " + key + ". Empty path segments are not allowed")
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			name := strings.TrimSuffix(p[1:len(p)-1], "+")
			if name == "" || strings.ContainsAny(name, "{}") {
				return nil, badRequest("Invalid route key: " + key + ". Invalid path parameter " + p)
			}
			if strings.HasSuffix(p, "+}") && i != len(parts)-1 {
				return nil, badRequest("Invalid route key: " + key + ". A greedy path variable must be the last path segment")
			}
			if seen[name] {
				return nil, badRequest("Invalid route key: " + key + ". Duplicate path parameter " + name)
			}
			seen[name] = true
		} else if strings.ContainsAny(p, "{}") {
			return nil, badRequest("Invalid route key: " + key + ". A path parameter must be a whole path segment")
		}
		rk.segs = append(rk.segs, p)
	}
	return rk, nil
}

func integrationOfTarget(target string) string {
	return strings.TrimPrefix(target, "integrations/")
}

// checkRoute validates a route against the API: its key, target and
// authorization settings.
func (s *Service) checkRoute(ctx context.Context, tx *store.Tx, a *apiDoc, rt *api.Route) error {
	proto := str(a.ProtocolType)
	if _, err := parseRouteKey(proto, str(rt.RouteKey)); err != nil {
		return err
	}
	routes, err := listItems[api.Route](ctx, tx, *a.ApiId, kindRoute, "")
	if err != nil {
		return err
	}
	for _, o := range routes {
		if str(o.RouteKey) == str(rt.RouteKey) && str(o.RouteId) != str(rt.RouteId) {
			return conflict("Route with key " + str(rt.RouteKey) + " already exists for this API")
		}
	}
	if rt.Target != nil && *rt.Target != "" {
		if !strings.HasPrefix(*rt.Target, "integrations/") {
			return badRequest("Invalid target specified: " + *rt.Target + ". Target must be of the form integrations/{integrationId}")
		}
		var integ api.Integration
		ok, err := getItem(ctx, tx, *a.ApiId, kindIntegration, integrationOfTarget(*rt.Target), &integ)
		if err != nil {
			return err
		}
		if !ok {
			return badRequest("Invalid integration identifier specified " + integrationOfTarget(*rt.Target))
		}
	}
	typ := str(rt.AuthorizationType)
	switch proto {
	case protoHTTP:
		if typ != "NONE" && typ != "JWT" && typ != "AWS_IAM" && typ != "CUSTOM" {
			return badRequest("Invalid authorization type " + typ + " for HTTP API. Must be one of [NONE, JWT, AWS_IAM, CUSTOM]")
		}
	default:
		if typ != "NONE" && typ != "AWS_IAM" && typ != "CUSTOM" {
			return badRequest("Invalid authorization type " + typ + " for WebSocket API. Must be one of [NONE, AWS_IAM, CUSTOM]")
		}
		if typ != "NONE" && str(rt.RouteKey) != "$connect" {
			return badRequest("Currently, authorization is restricted to the $connect route only")
		}
	}
	switch typ {
	case "JWT", "CUSTOM":
		if rt.AuthorizerId == nil {
			return badRequest("AuthorizerId is required for authorization type " + typ)
		}
		var au api.Authorizer
		ok, err := getItem(ctx, tx, *a.ApiId, kindAuthorizer, *rt.AuthorizerId, &au)
		if err != nil {
			return err
		}
		if !ok {
			return badRequest("Invalid authorizer identifier specified " + *rt.AuthorizerId)
		}
		if want := map[string]string{"JWT": "JWT", "CUSTOM": "REQUEST"}[typ]; str(au.AuthorizerType) != want {
			return badRequest("Authorization type " + typ + " requires an authorizer of type " + want)
		}
	default:
		if len(rt.AuthorizationScopes) > 0 && typ != "JWT" {
			return badRequest("AuthorizationScopes are only supported with JWT authorization")
		}
		rt.AuthorizerId = nil
	}
	return nil
}

// CreateRoute creates a route.
func (s *Service) CreateRoute(ctx context.Context, in *api.CreateRouteRequest) (*api.CreateRouteResult, error) {
	rt := api.Route{RouteId: ptr(newID(7)), ApiKeyRequired: in.ApiKeyRequired, AuthorizationScopes: in.AuthorizationScopes,
		AuthorizationType: in.AuthorizationType, AuthorizerId: in.AuthorizerId, ModelSelectionExpression: in.ModelSelectionExpression,
		OperationName: in.OperationName, RequestModels: in.RequestModels, RequestParameters: in.RequestParameters,
		RouteKey: in.RouteKey, RouteResponseSelectionExpression: in.RouteResponseSelectionExpression, Target: in.Target}
	if rt.ApiKeyRequired == nil {
		rt.ApiKeyRequired = ptr(false)
	}
	if rt.AuthorizationType == nil {
		rt.AuthorizationType = ptr("NONE")
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		if str(r.doc.ProtocolType) == protoHTTP && (rt.RouteResponseSelectionExpression != nil || rt.ModelSelectionExpression != nil || rt.RequestModels != nil) {
			return badRequest("RouteResponseSelectionExpression, ModelSelectionExpression and RequestModels are only supported for WebSocket APIs")
		}
		if err := s.checkRoute(ctx, tx, &r.doc, &rt); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindRoute, *rt.RouteId, "", rt, s.seq()); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateRouteResult(rt)
	return &out, nil
}

// route loads a route of an owned API.
func (s *Service) route(ctx context.Context, tx *store.Tx, apiID, routeID string) (*apiRow, *api.Route, error) {
	r, err := s.ownedAPI(ctx, tx, apiID)
	if err != nil {
		return nil, nil, err
	}
	rt, err := item[api.Route](ctx, tx, apiID, kindRoute, routeID, itemNotFound("Route", routeID))
	return r, rt, err
}

// GetRoute describes a route.
func (s *Service) GetRoute(ctx context.Context, in *api.GetRouteRequest) (*api.GetRouteResult, error) {
	var out api.GetRouteResult
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, rt, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		if err != nil {
			return err
		}
		out = api.GetRouteResult(*rt)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRoutes lists an API's routes.
func (s *Service) GetRoutes(ctx context.Context, in *api.GetRoutesRequest) (*api.GetRoutesResponse, error) {
	items, next, err := listPage[api.Route](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindRoute, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetRoutesResponse{Items: items, NextToken: next}, nil
}

// UpdateRoute changes a route.
func (s *Service) UpdateRoute(ctx context.Context, in *api.UpdateRouteRequest) (*api.UpdateRouteResult, error) {
	var out api.UpdateRouteResult
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, rt, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		if err != nil {
			return err
		}
		set(&rt.ApiKeyRequired, in.ApiKeyRequired)
		if in.AuthorizationScopes != nil {
			rt.AuthorizationScopes = in.AuthorizationScopes
		}
		set(&rt.AuthorizationType, in.AuthorizationType)
		set(&rt.AuthorizerId, in.AuthorizerId)
		set(&rt.ModelSelectionExpression, in.ModelSelectionExpression)
		set(&rt.OperationName, in.OperationName)
		if in.RequestModels != nil {
			rt.RequestModels = in.RequestModels
		}
		if in.RequestParameters != nil {
			rt.RequestParameters = in.RequestParameters
		}
		set(&rt.RouteKey, in.RouteKey)
		set(&rt.RouteResponseSelectionExpression, in.RouteResponseSelectionExpression)
		set(&rt.Target, in.Target)
		if rt.Target != nil && *rt.Target == "" {
			rt.Target = nil
		}
		if err := s.checkRoute(ctx, tx, &r.doc, rt); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindRoute, *rt.RouteId, "", rt, 0); err != nil {
			return err
		}
		out = api.UpdateRouteResult(*rt)
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRoute deletes a route and its route responses.
func (s *Service) DeleteRoute(ctx context.Context, in *api.DeleteRouteRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, rt, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_items WHERE api_id = ? AND kind = ? AND parent = ?", *r.doc.ApiId, kindRouteResponse, *rt.RouteId); err != nil {
			return err
		}
		if err := deleteItem(ctx, tx, *r.doc.ApiId, kindRoute, *rt.RouteId); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
}

// DeleteRouteRequestParameter removes one request parameter of a route.
func (s *Service) DeleteRouteRequestParameter(ctx context.Context, in *api.DeleteRouteRequestParameterRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, rt, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		if err != nil {
			return err
		}
		key := str(in.RequestParameterKey)
		if _, ok := rt.RequestParameters[key]; !ok {
			return notFound("Invalid request parameter key specified " + key)
		}
		delete(rt.RequestParameters, key)
		if err := putItem(ctx, tx, *r.doc.ApiId, kindRoute, *rt.RouteId, "", rt, 0); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
}

// CreateRouteResponse creates a route response (WebSocket APIs).
func (s *Service) CreateRouteResponse(ctx context.Context, in *api.CreateRouteResponseRequest) (*api.CreateRouteResponseResponse, error) {
	rr := api.RouteResponse{RouteResponseId: ptr(newID(6)), ModelSelectionExpression: in.ModelSelectionExpression,
		ResponseModels: in.ResponseModels, ResponseParameters: in.ResponseParameters, RouteResponseKey: in.RouteResponseKey}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, rt, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		if err != nil {
			return err
		}
		if str(r.doc.ProtocolType) != protoWebSocket {
			return badRequest("Route responses are only supported for WebSocket APIs")
		}
		if str(rr.RouteResponseKey) != "$default" {
			return badRequest("Currently, only $default is supported as a route response key")
		}
		all, err := listItems[api.RouteResponse](ctx, tx, *r.doc.ApiId, kindRouteResponse, *rt.RouteId)
		if err != nil {
			return err
		}
		for _, o := range all {
			if str(o.RouteResponseKey) == str(rr.RouteResponseKey) {
				return conflict("Route response with key " + str(rr.RouteResponseKey) + " already exists for this route")
			}
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindRouteResponse, *rr.RouteResponseId, *rt.RouteId, rr, s.seq()); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, *r.doc.ApiId)
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateRouteResponseResponse(rr)
	return &out, nil
}

func (s *Service) routeResponse(ctx context.Context, tx *store.Tx, apiID, routeID, id string) (*api.RouteResponse, error) {
	if _, _, err := s.route(ctx, tx, apiID, routeID); err != nil {
		return nil, err
	}
	return item[api.RouteResponse](ctx, tx, apiID, kindRouteResponse, id, itemNotFound("RouteResponse", id))
}

// GetRouteResponse describes a route response.
func (s *Service) GetRouteResponse(ctx context.Context, in *api.GetRouteResponseRequest) (*api.GetRouteResponseResponse, error) {
	var out api.GetRouteResponseResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rr, err := s.routeResponse(ctx, tx, str(in.ApiId), str(in.RouteId), str(in.RouteResponseId))
		if err != nil {
			return err
		}
		out = api.GetRouteResponseResponse(*rr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRouteResponses lists a route's responses.
func (s *Service) GetRouteResponses(ctx context.Context, in *api.GetRouteResponsesRequest) (*api.GetRouteResponsesResponse, error) {
	items, next, err := listPage[api.RouteResponse](ctx, s, func(tx *store.Tx) error {
		_, _, err := s.route(ctx, tx, str(in.ApiId), str(in.RouteId))
		return err
	}, str(in.ApiId), kindRouteResponse, str(in.RouteId), in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetRouteResponsesResponse{Items: items, NextToken: next}, nil
}

// UpdateRouteResponse changes a route response.
func (s *Service) UpdateRouteResponse(ctx context.Context, in *api.UpdateRouteResponseRequest) (*api.UpdateRouteResponseResponse, error) {
	var out api.UpdateRouteResponseResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		rr, err := s.routeResponse(ctx, tx, str(in.ApiId), str(in.RouteId), str(in.RouteResponseId))
		if err != nil {
			return err
		}
		set(&rr.ModelSelectionExpression, in.ModelSelectionExpression)
		if in.ResponseModels != nil {
			rr.ResponseModels = in.ResponseModels
		}
		if in.ResponseParameters != nil {
			rr.ResponseParameters = in.ResponseParameters
		}
		if in.RouteResponseKey != nil && *in.RouteResponseKey != "$default" {
			return badRequest("Currently, only $default is supported as a route response key")
		}
		if err := putItem(ctx, tx, str(in.ApiId), kindRouteResponse, *rr.RouteResponseId, str(in.RouteId), rr, 0); err != nil {
			return err
		}
		out = api.UpdateRouteResponseResponse(*rr)
		return s.redeploy(ctx, tx, str(in.ApiId))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRouteResponse deletes a route response.
func (s *Service) DeleteRouteResponse(ctx context.Context, in *api.DeleteRouteResponseRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		rr, err := s.routeResponse(ctx, tx, str(in.ApiId), str(in.RouteId), str(in.RouteResponseId))
		if err != nil {
			return err
		}
		if err := deleteItem(ctx, tx, str(in.ApiId), kindRouteResponse, *rr.RouteResponseId); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, str(in.ApiId))
	})
}
