package apigateway

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// apiDoc is the stored form of an API.
type apiDoc = api.Api

const (
	protoHTTP      = "HTTP"
	protoWebSocket = "WEBSOCKET"
)

func ptr[T any](v T) *T { return &v }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// endpoint is an API's invoke URL as AWS shows it, on hako's host:
// http://APIID.execute-api.localhost:PORT (ws:// for WebSocket APIs).
func (s *Service) endpoint(apiID, protocol string) string {
	port := "4566"
	if s.cfg.Endpoint != nil {
		if u, err := url.Parse(s.cfg.Endpoint()); err == nil && u.Port() != "" {
			port = u.Port()
		}
	}
	scheme := "http"
	if protocol == protoWebSocket {
		scheme = "ws"
	}
	return scheme + "://" + apiID + ".execute-api.localhost:" + port
}

// ownedAPI loads the API of the caller's account and region.
func (s *Service) ownedAPI(ctx context.Context, q querier, apiID string) (*apiRow, error) {
	info := reqinfo.From(ctx)
	r, err := s.loadAPI(ctx, q, apiID)
	if err != nil {
		return nil, err
	}
	if r == nil || r.account != info.Account || r.region != info.Region {
		return nil, apiNotFound(info.Account, apiID)
	}
	return r, nil
}

func validCors(c *api.Cors) error {
	if c == nil {
		return nil
	}
	if c.AllowCredentials != nil && *c.AllowCredentials {
		for _, o := range c.AllowOrigins {
			if o == "*" {
				return badRequest("allow-credentials is not supported with allow-origin *")
			}
		}
	}
	if c.MaxAge != nil && (*c.MaxAge < -1 || *c.MaxAge > 86400) {
		return badRequest("MaxAge must be between -1 and 86400")
	}
	return nil
}

// CreateApi creates an HTTP or WebSocket API; with Target (HTTP APIs) it
// is AWS's quick create: an integration, a route ($default unless
// RouteKey) and the $default stage with automatic deployment.
func (s *Service) CreateApi(ctx context.Context, in *api.CreateApiRequest) (*api.CreateApiResponse, error) {
	info := reqinfo.From(ctx)
	proto := str(in.ProtocolType)
	if proto != protoHTTP && proto != protoWebSocket {
		return nil, badRequest("Invalid protocol specified. Must be one of [HTTP, WEBSOCKET]")
	}
	now := s.clk.Now()
	a := apiDoc{
		ApiId: ptr(newID(10)), Name: in.Name, ProtocolType: &proto, Description: in.Description,
		CreatedDate: &model.Timestamp{Time: now.UTC().Truncate(1e9)}, Version: in.Version,
		ApiKeySelectionExpression: in.ApiKeySelectionExpression, DisableExecuteApiEndpoint: ptr(false),
		IpAddressType: in.IpAddressType, Tags: in.Tags,
	}
	a.ApiEndpoint = ptr(s.endpoint(*a.ApiId, proto))
	if a.ApiKeySelectionExpression == nil {
		a.ApiKeySelectionExpression = ptr("$request.header.x-api-key")
	}
	if a.IpAddressType == nil {
		a.IpAddressType = ptr("ipv4")
	}
	if a.Tags == nil {
		a.Tags = map[string]string{}
	}
	if in.DisableExecuteApiEndpoint != nil {
		a.DisableExecuteApiEndpoint = in.DisableExecuteApiEndpoint
	}
	switch proto {
	case protoHTTP:
		a.RouteSelectionExpression = ptr("$request.method $request.path")
		if in.RouteSelectionExpression != nil && *in.RouteSelectionExpression != *a.RouteSelectionExpression {
			return nil, badRequest("Unsupported route selection expression for HTTP API: " + *in.RouteSelectionExpression)
		}
		if err := validCors(in.CorsConfiguration); err != nil {
			return nil, err
		}
		a.CorsConfiguration = in.CorsConfiguration
	case protoWebSocket:
		if in.RouteSelectionExpression == nil {
			return nil, badRequest("RouteSelectionExpression is a required parameter for WebSocket APIs")
		}
		a.RouteSelectionExpression = in.RouteSelectionExpression
		a.DisableSchemaValidation = in.DisableSchemaValidation
		if in.CorsConfiguration != nil {
			return nil, badRequest("CORS is only supported for HTTP APIs")
		}
		if in.Target != nil || in.RouteKey != nil || in.CredentialsArn != nil {
			return nil, badRequest("Quick create is only supported for HTTP APIs")
		}
	}
	if in.Target == nil && (in.RouteKey != nil || in.CredentialsArn != nil) {
		return nil, badRequest("RouteKey and CredentialsArn are only supported with Target (quick create)")
	}
	var quick *quickCreate
	if in.Target != nil {
		q, err := newQuickCreate(*in.Target, str(in.RouteKey), in.CredentialsArn)
		if err != nil {
			return nil, err
		}
		quick = q
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := putAPI(ctx, tx, info.Account, info.Region, &a, s.seq()); err != nil {
			return err
		}
		if quick != nil {
			return s.applyQuickCreate(ctx, tx, &a, quick)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateApiResponse(a)
	return &out, nil
}

// quickCreate is what CreateApi's Target asks for.
type quickCreate struct {
	integ api.Integration
	route api.Route
}

func newQuickCreate(target, routeKey string, creds *string) (*quickCreate, error) {
	q := &quickCreate{}
	q.integ = api.Integration{ApiGatewayManaged: ptr(true), ConnectionType: ptr("INTERNET"), CredentialsArn: creds,
		IntegrationUri: &target, TimeoutInMillis: ptr(int32(30000))}
	switch {
	case strings.HasPrefix(target, "arn:aws:lambda:") || strings.HasPrefix(target, "arn:aws:apigateway:"):
		q.integ.IntegrationType = ptr("AWS_PROXY")
		q.integ.IntegrationMethod = ptr("POST")
		q.integ.PayloadFormatVersion = ptr("2.0")
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		q.integ.IntegrationType = ptr("HTTP_PROXY")
		q.integ.IntegrationMethod = ptr("ANY")
		q.integ.PayloadFormatVersion = ptr("1.0")
	default:
		return nil, badRequest("Invalid target specified: " + target + ". Target must be a Lambda function ARN or an HTTP URL")
	}
	if routeKey == "" {
		routeKey = "$default"
	}
	if _, err := parseRouteKey(protoHTTP, routeKey); err != nil {
		return nil, err
	}
	q.route = api.Route{ApiGatewayManaged: ptr(true), ApiKeyRequired: ptr(false), AuthorizationType: ptr("NONE"), RouteKey: &routeKey}
	return q, nil
}

func (s *Service) applyQuickCreate(ctx context.Context, tx *store.Tx, a *apiDoc, q *quickCreate) error {
	q.integ.IntegrationId = ptr(newID(7))
	if err := putItem(ctx, tx, *a.ApiId, kindIntegration, *q.integ.IntegrationId, "", q.integ, s.seq()); err != nil {
		return err
	}
	q.route.RouteId = ptr(newID(7))
	q.route.Target = ptr("integrations/" + *q.integ.IntegrationId)
	if err := putItem(ctx, tx, *a.ApiId, kindRoute, *q.route.RouteId, "", q.route, s.seq()); err != nil {
		return err
	}
	now := &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e6)}
	st := stageDoc{StageName: ptr("$default"), ApiGatewayManaged: ptr(true), AutoDeploy: ptr(true), CreatedDate: now, LastUpdatedDate: now,
		DefaultRouteSettings: &api.RouteSettings{DetailedMetricsEnabled: ptr(false)}, RouteSettings: map[string]api.RouteSettings{},
		StageVariables: map[string]string{}, Tags: map[string]string{}}
	if err := putItem(ctx, tx, *a.ApiId, kindStage, "$default", "", st, s.seq()); err != nil {
		return err
	}
	return s.redeploy(ctx, tx, *a.ApiId)
}

// GetApi describes an API.
func (s *Service) GetApi(ctx context.Context, in *api.GetApiRequest) (*api.GetApiResponse, error) {
	var out api.GetApiResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		out = api.GetApiResponse(r.doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetApis lists the APIs of the account and region.
func (s *Service) GetApis(ctx context.Context, in *api.GetApisRequest) (*api.GetApisResponse, error) {
	info := reqinfo.From(ctx)
	var all []api.Api
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT doc FROM apigw_apis WHERE account = ? AND region = ? ORDER BY created, api_id", info.Account, info.Region)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			var a api.Api
			if err := unmarshal(doc, &a); err != nil {
				return err
			}
			all = append(all, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetApisResponse{Items: items, NextToken: next}, nil
}

// page cuts items by the MaxResults and NextToken parameters (the token is
// the offset of the next item).
func page[T any](items []T, maxResults, nextToken *string) ([]T, *string, error) {
	start := 0
	if nextToken != nil && *nextToken != "" {
		n, err := strconv.Atoi(*nextToken)
		if err != nil || n < 0 {
			return nil, nil, badRequest("Invalid nextToken")
		}
		start = min(n, len(items))
	}
	limit := len(items)
	if maxResults != nil && *maxResults != "" {
		n, err := strconv.Atoi(*maxResults)
		if err != nil || n < 1 {
			return nil, nil, badRequest("Invalid maxResults")
		}
		limit = n
	}
	end := min(start+limit, len(items))
	var next *string
	if end < len(items) {
		next = ptr(strconv.Itoa(end))
	}
	if items == nil {
		items = []T{}
	}
	return items[start:end], next, nil
}

// UpdateApi changes an API's settings (and, for quick-created APIs, the
// managed integration's target).
func (s *Service) UpdateApi(ctx context.Context, in *api.UpdateApiRequest) (*api.UpdateApiResponse, error) {
	var out api.UpdateApiResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		a := r.doc
		http := str(a.ProtocolType) == protoHTTP
		set(&a.Name, in.Name)
		set(&a.Description, in.Description)
		set(&a.Version, in.Version)
		set(&a.ApiKeySelectionExpression, in.ApiKeySelectionExpression)
		set(&a.DisableExecuteApiEndpoint, in.DisableExecuteApiEndpoint)
		set(&a.DisableSchemaValidation, in.DisableSchemaValidation)
		set(&a.IpAddressType, in.IpAddressType)
		if in.RouteSelectionExpression != nil {
			if http && *in.RouteSelectionExpression != "$request.method $request.path" {
				return badRequest("Unsupported route selection expression for HTTP API: " + *in.RouteSelectionExpression)
			}
			a.RouteSelectionExpression = in.RouteSelectionExpression
		}
		if in.CorsConfiguration != nil {
			if !http {
				return badRequest("CORS is only supported for HTTP APIs")
			}
			if err := validCors(in.CorsConfiguration); err != nil {
				return err
			}
			a.CorsConfiguration = in.CorsConfiguration
		}
		if in.Target != nil || in.RouteKey != nil || in.CredentialsArn != nil {
			if err := s.updateQuickCreated(ctx, tx, &a, in); err != nil {
				return err
			}
		}
		if err := putAPI(ctx, tx, r.account, r.region, &a, 0); err != nil {
			return err
		}
		out = api.UpdateApiResponse(a)
		return s.redeploy(ctx, tx, *a.ApiId)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// updateQuickCreated applies Target, RouteKey and CredentialsArn of
// UpdateApi to the API's managed integration and route.
func (s *Service) updateQuickCreated(ctx context.Context, tx *store.Tx, a *apiDoc, in *api.UpdateApiRequest) error {
	if str(a.ProtocolType) != protoHTTP {
		return badRequest("Quick create is only supported for HTTP APIs")
	}
	routes, err := listItems[api.Route](ctx, tx, *a.ApiId, kindRoute, "")
	if err != nil {
		return err
	}
	for _, rt := range routes {
		if rt.ApiGatewayManaged == nil || !*rt.ApiGatewayManaged {
			continue
		}
		if in.RouteKey != nil {
			if _, err := parseRouteKey(protoHTTP, *in.RouteKey); err != nil {
				return err
			}
			rt.RouteKey = in.RouteKey
			if err := putItem(ctx, tx, *a.ApiId, kindRoute, *rt.RouteId, "", rt, 0); err != nil {
				return err
			}
		}
		integID := strings.TrimPrefix(str(rt.Target), "integrations/")
		var integ api.Integration
		if ok, err := getItem(ctx, tx, *a.ApiId, kindIntegration, integID, &integ); err != nil || !ok {
			return err
		}
		if in.Target != nil {
			q, err := newQuickCreate(*in.Target, "", nil)
			if err != nil {
				return err
			}
			integ.IntegrationUri, integ.IntegrationType = in.Target, q.integ.IntegrationType
			integ.IntegrationMethod, integ.PayloadFormatVersion = q.integ.IntegrationMethod, q.integ.PayloadFormatVersion
		}
		set(&integ.CredentialsArn, in.CredentialsArn)
		return putItem(ctx, tx, *a.ApiId, kindIntegration, integID, "", integ, 0)
	}
	return badRequest("The API was not created by quick create; Target, RouteKey and CredentialsArn cannot be updated")
}

func set[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// DeleteApi deletes an API with everything in it and closes its
// WebSocket connections.
func (s *Service) DeleteApi(ctx context.Context, in *api.DeleteApiRequest) error {
	id := str(in.ApiId)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := s.ownedAPI(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_items WHERE api_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_apis WHERE api_id = ?", id); err != nil {
			return err
		}
		tx.Notify(notifyChannel, id)
		return nil
	})
	if err == nil {
		s.ws.closeAPI(id, "")
	}
	return err
}

// DeleteCorsConfiguration removes an HTTP API's CORS configuration.
func (s *Service) DeleteCorsConfiguration(ctx context.Context, in *api.DeleteCorsConfigurationRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		r.doc.CorsConfiguration = nil
		if err := putAPI(ctx, tx, r.account, r.region, &r.doc, 0); err != nil {
			return err
		}
		return s.redeploy(ctx, tx, str(in.ApiId))
	})
}
