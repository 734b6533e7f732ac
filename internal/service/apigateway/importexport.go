package apigateway

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// planFor parses an import body and applies FailOnWarnings.
func planFor(body *string, basepath *string, failOnWarnings *bool) (*importPlan, error) {
	if body == nil {
		return nil, badRequest("Body is a required parameter")
	}
	p, err := parseOpenAPI(*body, str(basepath))
	if err != nil {
		return nil, err
	}
	if failOnWarnings != nil && *failOnWarnings && len(p.warnings) > 0 {
		return nil, badRequest("Warnings found during import:\n\t" + strings.Join(p.warnings, "\n\t"))
	}
	return p, nil
}

// applyImport writes what a plan creates into an API.
func (s *Service) applyImport(ctx context.Context, tx *store.Tx, apiID string, p *importPlan) error {
	for _, au := range p.authorizers {
		if err := putItem(ctx, tx, apiID, kindAuthorizer, *au.AuthorizerId, "", au, s.seq()); err != nil {
			return err
		}
	}
	for _, in := range p.integrations {
		if err := putItem(ctx, tx, apiID, kindIntegration, *in.IntegrationId, "", in, s.seq()); err != nil {
			return err
		}
	}
	for _, rt := range p.routes {
		if err := putItem(ctx, tx, apiID, kindRoute, *rt.RouteId, "", rt, s.seq()); err != nil {
			return err
		}
	}
	return nil
}

// ImportApi creates an HTTP API from an OpenAPI 3.0 definition (JSON or
// YAML).
func (s *Service) ImportApi(ctx context.Context, in *api.ImportApiRequest) (*api.ImportApiResponse, error) {
	info := reqinfo.From(ctx)
	p, err := planFor(in.Body, in.Basepath, in.FailOnWarnings)
	if err != nil {
		return nil, err
	}
	a := apiDoc{ApiId: ptr(newID(10)), Name: p.name, Description: p.description, Version: p.version, ProtocolType: ptr(protoHTTP),
		CreatedDate: &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e9)}, ApiKeySelectionExpression: ptr("$request.header.x-api-key"),
		DisableExecuteApiEndpoint: ptr(false), IpAddressType: ptr("ipv4"), RouteSelectionExpression: ptr("$request.method $request.path"),
		CorsConfiguration: p.cors, Tags: map[string]string{}}
	a.ApiEndpoint = ptr(s.endpoint(*a.ApiId, protoHTTP))
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := putAPI(ctx, tx, info.Account, info.Region, &a, s.seq()); err != nil {
			return err
		}
		return s.applyImport(ctx, tx, *a.ApiId, p)
	})
	if err != nil {
		return nil, err
	}
	out := api.ImportApiResponse(a)
	out.Warnings = p.warnings
	return &out, nil
}

// ReimportApi replaces an HTTP API's routes, integrations and authorizers
// (and its name, description, version and CORS configuration) by those of
// an OpenAPI definition, in one transaction; the API keeps its id, stages
// and tags, and auto-deploy stages are redeployed.
func (s *Service) ReimportApi(ctx context.Context, in *api.ReimportApiRequest) (*api.ReimportApiResponse, error) {
	p, err := planFor(in.Body, in.Basepath, in.FailOnWarnings)
	if err != nil {
		return nil, err
	}
	var out api.ReimportApiResponse
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		if str(r.doc.ProtocolType) != protoHTTP {
			return badRequest("ReimportApi is only supported for HTTP APIs")
		}
		id := *r.doc.ApiId
		for _, kind := range []string{kindRoute, kindRouteResponse, kindIntegration, kindIntegResponse, kindAuthorizer} {
			if _, err := tx.Exec(ctx, "DELETE FROM apigw_items WHERE api_id = ? AND kind = ?", id, kind); err != nil {
				return err
			}
		}
		a := r.doc
		a.Name, a.Description, a.Version, a.CorsConfiguration = p.name, p.description, p.version, p.cors
		if err := putAPI(ctx, tx, r.account, r.region, &a, 0); err != nil {
			return err
		}
		if err := s.applyImport(ctx, tx, id, p); err != nil {
			return err
		}
		out = api.ReimportApiResponse(a)
		out.Warnings = p.warnings
		return s.redeploy(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ExportApi exports an HTTP API as an OpenAPI 3.0 definition: the
// current configuration, or what a stage has deployed.
func (s *Service) ExportApi(ctx context.Context, in *api.ExportApiRequest) (*api.ExportApiResponse, error) {
	if spec := str(in.Specification); spec != "OAS30" {
		return nil, badRequest("Invalid specification " + spec + ". Supported specifications: [OAS30]")
	}
	outType := str(in.OutputType)
	if outType != "JSON" && outType != "YAML" {
		return nil, badRequest("Invalid outputType " + outType + ". Must be one of [JSON, YAML]")
	}
	if v := str(in.ExportVersion); v != "" && v != "1.0" {
		return nil, badRequest("Invalid exportVersion " + v + ". Supported versions: [1.0]")
	}
	ext := in.IncludeExtensions == nil || *in.IncludeExtensions
	var snap *snapshot
	stage := str(in.StageName)
	err := s.st.View(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		if str(r.doc.ProtocolType) != protoHTTP {
			return badRequest("Export is only supported for HTTP APIs")
		}
		if stage == "" {
			snap, err = s.takeSnapshot(ctx, tx, &r.doc)
			return err
		}
		_, st, err := s.stage(ctx, tx, *r.doc.ApiId, stage)
		if err != nil {
			return err
		}
		if st.DeploymentId == nil {
			return badRequest("Stage " + stage + " has no deployment to export")
		}
		snap = &snapshot{}
		ok, err := getItem(ctx, tx, *r.doc.ApiId, kindSnapshot, *st.DeploymentId, snap)
		if err != nil {
			return err
		}
		if !ok {
			return badRequest("Stage " + stage + " has no deployment to export")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(exportOpenAPI(snap, stage, ext), "", "  ")
	if err != nil {
		return nil, err
	}
	if outType == "YAML" {
		if b, err = toYAML(b); err != nil {
			return nil, err
		}
	}
	return &api.ExportApiResponse{Body: b}, nil
}
