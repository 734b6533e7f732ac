package apigateway

import (
	"context"
	"regexp"

	"github.com/hako-dev/hako/internal/model"
	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// stageDoc is the stored form of a stage.
type stageDoc = api.Stage

// snapshot is what a deployment froze of its API: the data plane serves a
// stage from its deployment's snapshot, so changes reach a stage only
// when deployed (at once with AutoDeploy).
type snapshot struct {
	API            apiDoc                               `json:"api"`
	Routes         []api.Route                          `json:"routes"`
	Integrations   []api.Integration                    `json:"integrations"`
	Authorizers    []api.Authorizer                     `json:"authorizers"`
	RouteResponses map[string][]api.RouteResponse       `json:"routeResponses"`
	IntegResponses map[string][]api.IntegrationResponse `json:"integrationResponses"`
}

func (s *Service) takeSnapshot(ctx context.Context, tx *store.Tx, a *apiDoc) (*snapshot, error) {
	snap := &snapshot{API: *a, RouteResponses: map[string][]api.RouteResponse{}, IntegResponses: map[string][]api.IntegrationResponse{}}
	var err error
	id := *a.ApiId
	if snap.Routes, err = listItems[api.Route](ctx, tx, id, kindRoute, ""); err != nil {
		return nil, err
	}
	if snap.Integrations, err = listItems[api.Integration](ctx, tx, id, kindIntegration, ""); err != nil {
		return nil, err
	}
	if snap.Authorizers, err = listItems[api.Authorizer](ctx, tx, id, kindAuthorizer, ""); err != nil {
		return nil, err
	}
	for _, rt := range snap.Routes {
		rrs, err := listItems[api.RouteResponse](ctx, tx, id, kindRouteResponse, *rt.RouteId)
		if err != nil {
			return nil, err
		}
		if len(rrs) > 0 {
			snap.RouteResponses[*rt.RouteId] = rrs
		}
	}
	for _, in := range snap.Integrations {
		irs, err := listItems[api.IntegrationResponse](ctx, tx, id, kindIntegResponse, *in.IntegrationId)
		if err != nil {
			return nil, err
		}
		if len(irs) > 0 {
			snap.IntegResponses[*in.IntegrationId] = irs
		}
	}
	return snap, nil
}

// deploy creates a deployment of the API's current configuration.
func (s *Service) deploy(ctx context.Context, tx *store.Tx, a *apiDoc, description *string, auto bool) (*api.Deployment, error) {
	snap, err := s.takeSnapshot(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	if len(snap.Routes) == 0 {
		return nil, badRequest("At least one route is required before deploying the Api.")
	}
	d := &api.Deployment{DeploymentId: ptr(newID(6)), AutoDeployed: ptr(auto), CreatedDate: &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e6)},
		DeploymentStatus: ptr("DEPLOYED"), Description: description}
	if auto && description == nil {
		d.Description = ptr("Automatic deployment triggered by changes to the Api configuration")
	}
	if err := putItem(ctx, tx, *a.ApiId, kindSnapshot, *d.DeploymentId, "", snap, s.seq()); err != nil {
		return nil, err
	}
	if err := putItem(ctx, tx, *a.ApiId, kindDeployment, *d.DeploymentId, "", d, s.seq()); err != nil {
		return nil, err
	}
	return d, nil
}

// redeploy deploys the API to its stages with AutoDeploy after a change.
// Without routes there is nothing to deploy; the stages keep what they
// serve, as AWS's failed automatic deployment does.
func (s *Service) redeploy(ctx context.Context, tx *store.Tx, apiID string) error {
	stages, err := listItems[stageDoc](ctx, tx, apiID, kindStage, "")
	if err != nil {
		return err
	}
	var auto []stageDoc
	for _, st := range stages {
		if st.AutoDeploy != nil && *st.AutoDeploy {
			auto = append(auto, st)
		}
	}
	if len(auto) == 0 {
		return nil
	}
	r, err := s.loadAPI(ctx, tx, apiID)
	if err != nil || r == nil {
		return err
	}
	d, err := s.deploy(ctx, tx, &r.doc, nil, true)
	if err != nil {
		if e, ok := err.(interface{ Error() string }); ok {
			for _, st := range auto {
				st.LastDeploymentStatusMessage = ptr("Deployment attempt failed: " + e.Error())
				if err := putItem(ctx, tx, apiID, kindStage, *st.StageName, "", st, 0); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, st := range auto {
		st.DeploymentId = d.DeploymentId
		st.LastDeploymentStatusMessage = ptr("Successfully deployed stage with deployment ID '" + *d.DeploymentId + "'")
		st.LastUpdatedDate = d.CreatedDate
		if err := putItem(ctx, tx, apiID, kindStage, *st.StageName, "", st, 0); err != nil {
			return err
		}
	}
	return nil
}

var stageNameRE = regexp.MustCompile(`^[a-zA-Z0-9._~-]{1,128}$`)

// CreateStage creates a stage.
func (s *Service) CreateStage(ctx context.Context, in *api.CreateStageRequest) (*api.CreateStageResponse, error) {
	now := &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e6)}
	st := stageDoc{StageName: in.StageName, AccessLogSettings: in.AccessLogSettings, AutoDeploy: in.AutoDeploy,
		ClientCertificateId: in.ClientCertificateId, DefaultRouteSettings: in.DefaultRouteSettings, DeploymentId: in.DeploymentId,
		Description: in.Description, RouteSettings: in.RouteSettings, StageVariables: in.StageVariables, Tags: in.Tags,
		CreatedDate: now, LastUpdatedDate: now}
	if st.AutoDeploy == nil {
		st.AutoDeploy = ptr(false)
	}
	if st.DefaultRouteSettings == nil {
		st.DefaultRouteSettings = &api.RouteSettings{}
	}
	if st.DefaultRouteSettings.DetailedMetricsEnabled == nil {
		st.DefaultRouteSettings.DetailedMetricsEnabled = ptr(false)
	}
	if st.RouteSettings == nil {
		st.RouteSettings = map[string]api.RouteSettings{}
	}
	if st.StageVariables == nil {
		st.StageVariables = map[string]string{}
	}
	if st.Tags == nil {
		st.Tags = map[string]string{}
	}
	var out api.CreateStageResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		name := str(st.StageName)
		if name == "$default" {
			if str(r.doc.ProtocolType) != protoHTTP {
				return badRequest("$default stage is only supported for HTTP APIs")
			}
		} else if !stageNameRE.MatchString(name) {
			return badRequest("Stage name only allows a-zA-Z0-9._- and must be 1 to 128 characters long")
		}
		var old stageDoc
		if ok, err := getItem(ctx, tx, *r.doc.ApiId, kindStage, name, &old); err != nil {
			return err
		} else if ok {
			return conflict("Stage already exists")
		}
		if err := s.checkStage(ctx, tx, &r.doc, &st); err != nil {
			return err
		}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindStage, name, "", st, s.seq()); err != nil {
			return err
		}
		if *st.AutoDeploy {
			if err := s.redeploy(ctx, tx, *r.doc.ApiId); err != nil {
				return err
			}
			if _, err := getItem(ctx, tx, *r.doc.ApiId, kindStage, name, &st); err != nil {
				return err
			}
		}
		out = api.CreateStageResponse(st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkStage validates a stage's deployment and settings.
func (s *Service) checkStage(ctx context.Context, tx *store.Tx, a *apiDoc, st *stageDoc) error {
	if st.DeploymentId != nil {
		var d api.Deployment
		ok, err := getItem(ctx, tx, *a.ApiId, kindDeployment, *st.DeploymentId, &d)
		if err != nil {
			return err
		}
		if !ok {
			return badRequest("Invalid deployment identifier specified " + *st.DeploymentId)
		}
	}
	check := func(rs *api.RouteSettings) error {
		if rs == nil {
			return nil
		}
		if rs.ThrottlingBurstLimit != nil && *rs.ThrottlingBurstLimit < 0 {
			return badRequest("ThrottlingBurstLimit must be greater than or equal to 0")
		}
		if rs.ThrottlingRateLimit != nil && *rs.ThrottlingRateLimit < 0 {
			return badRequest("ThrottlingRateLimit must be greater than or equal to 0")
		}
		if rs.LoggingLevel != nil && str(a.ProtocolType) == protoHTTP {
			return badRequest("Execution logs are not supported on protocolType HTTP")
		}
		return nil
	}
	if err := check(st.DefaultRouteSettings); err != nil {
		return err
	}
	for _, rs := range st.RouteSettings {
		if err := check(&rs); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) stage(ctx context.Context, tx *store.Tx, apiID, name string) (*apiRow, *stageDoc, error) {
	r, err := s.ownedAPI(ctx, tx, apiID)
	if err != nil {
		return nil, nil, err
	}
	st, err := item[stageDoc](ctx, tx, apiID, kindStage, name, notFound("Invalid stage identifier specified"))
	return r, st, err
}

// GetStage describes a stage.
func (s *Service) GetStage(ctx context.Context, in *api.GetStageRequest) (*api.GetStageResponse, error) {
	var out api.GetStageResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, st, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		if err != nil {
			return err
		}
		out = api.GetStageResponse(*st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetStages lists an API's stages.
func (s *Service) GetStages(ctx context.Context, in *api.GetStagesRequest) (*api.GetStagesResponse, error) {
	items, next, err := listPage[api.Stage](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindStage, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetStagesResponse{Items: items, NextToken: next}, nil
}

// UpdateStage changes a stage; turning AutoDeploy on deploys at once.
func (s *Service) UpdateStage(ctx context.Context, in *api.UpdateStageRequest) (*api.UpdateStageResponse, error) {
	var out api.UpdateStageResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, st, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		if err != nil {
			return err
		}
		wasAuto := st.AutoDeploy != nil && *st.AutoDeploy
		if st.RouteSettings == nil {
			st.RouteSettings = map[string]api.RouteSettings{}
		}
		if st.StageVariables == nil {
			st.StageVariables = map[string]string{}
		}
		set(&st.AccessLogSettings, in.AccessLogSettings)
		set(&st.AutoDeploy, in.AutoDeploy)
		set(&st.ClientCertificateId, in.ClientCertificateId)
		set(&st.DeploymentId, in.DeploymentId)
		set(&st.Description, in.Description)
		if in.DefaultRouteSettings != nil {
			st.DefaultRouteSettings = mergeRouteSettings(st.DefaultRouteSettings, in.DefaultRouteSettings)
		}
		for k, v := range in.RouteSettings {
			old, ok := st.RouteSettings[k]
			if !ok {
				old = api.RouteSettings{}
			}
			st.RouteSettings[k] = *mergeRouteSettings(&old, &v)
		}
		for k, v := range in.StageVariables {
			if v == "" {
				delete(st.StageVariables, k)
			} else {
				st.StageVariables[k] = v
			}
		}
		if err := s.checkStage(ctx, tx, &r.doc, st); err != nil {
			return err
		}
		st.LastUpdatedDate = &model.Timestamp{Time: s.clk.Now().UTC().Truncate(1e6)}
		if err := putItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName, "", st, 0); err != nil {
			return err
		}
		if !wasAuto && st.AutoDeploy != nil && *st.AutoDeploy {
			if err := s.redeploy(ctx, tx, *r.doc.ApiId); err != nil {
				return err
			}
			if _, err := getItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName, st); err != nil {
				return err
			}
		}
		out = api.UpdateStageResponse(*st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func mergeRouteSettings(old, in *api.RouteSettings) *api.RouteSettings {
	if old == nil {
		old = &api.RouteSettings{}
	}
	rs := *old
	set(&rs.DataTraceEnabled, in.DataTraceEnabled)
	set(&rs.DetailedMetricsEnabled, in.DetailedMetricsEnabled)
	set(&rs.LoggingLevel, in.LoggingLevel)
	set(&rs.ThrottlingBurstLimit, in.ThrottlingBurstLimit)
	set(&rs.ThrottlingRateLimit, in.ThrottlingRateLimit)
	return &rs
}

// DeleteStage deletes a stage and closes its WebSocket connections.
func (s *Service) DeleteStage(ctx context.Context, in *api.DeleteStageRequest) error {
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, st, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		if err != nil {
			return err
		}
		return deleteItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName)
	})
	if err == nil {
		s.ws.closeAPI(str(in.ApiId), str(in.StageName))
	}
	return err
}

// DeleteRouteSettings removes the settings of one route key of a stage.
func (s *Service) DeleteRouteSettings(ctx context.Context, in *api.DeleteRouteSettingsRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, st, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		if err != nil {
			return err
		}
		if _, ok := st.RouteSettings[str(in.RouteKey)]; !ok {
			return notFound("Unable to find route settings for route key " + str(in.RouteKey))
		}
		delete(st.RouteSettings, str(in.RouteKey))
		return putItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName, "", st, 0)
	})
}

// DeleteAccessLogSettings turns a stage's access logging off.
func (s *Service) DeleteAccessLogSettings(ctx context.Context, in *api.DeleteAccessLogSettingsRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, st, err := s.stage(ctx, tx, str(in.ApiId), str(in.StageName))
		if err != nil {
			return err
		}
		st.AccessLogSettings = nil
		return putItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName, "", st, 0)
	})
}

// CreateDeployment deploys the API, to StageName when given.
func (s *Service) CreateDeployment(ctx context.Context, in *api.CreateDeploymentRequest) (*api.CreateDeploymentResponse, error) {
	var out api.CreateDeploymentResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		if err != nil {
			return err
		}
		var st *stageDoc
		if in.StageName != nil {
			if _, st, err = s.stage(ctx, tx, *r.doc.ApiId, *in.StageName); err != nil {
				return badRequest("Invalid stage identifier specified")
			}
		}
		d, err := s.deploy(ctx, tx, &r.doc, in.Description, false)
		if err != nil {
			return err
		}
		if st != nil {
			st.DeploymentId = d.DeploymentId
			st.LastDeploymentStatusMessage = ptr("Successfully deployed stage with deployment ID '" + *d.DeploymentId + "'")
			st.LastUpdatedDate = d.CreatedDate
			if err := putItem(ctx, tx, *r.doc.ApiId, kindStage, *st.StageName, "", st, 0); err != nil {
				return err
			}
		}
		out = api.CreateDeploymentResponse(*d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *Service) deployment(ctx context.Context, tx *store.Tx, apiID, id string) (*api.Deployment, error) {
	if _, err := s.ownedAPI(ctx, tx, apiID); err != nil {
		return nil, err
	}
	return item[api.Deployment](ctx, tx, apiID, kindDeployment, id, itemNotFound("Deployment", id))
}

// GetDeployment describes a deployment.
func (s *Service) GetDeployment(ctx context.Context, in *api.GetDeploymentRequest) (*api.GetDeploymentResponse, error) {
	var out api.GetDeploymentResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		d, err := s.deployment(ctx, tx, str(in.ApiId), str(in.DeploymentId))
		if err != nil {
			return err
		}
		out = api.GetDeploymentResponse(*d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetDeployments lists an API's deployments.
func (s *Service) GetDeployments(ctx context.Context, in *api.GetDeploymentsRequest) (*api.GetDeploymentsResponse, error) {
	items, next, err := listPage[api.Deployment](ctx, s, func(tx *store.Tx) error {
		_, err := s.ownedAPI(ctx, tx, str(in.ApiId))
		return err
	}, str(in.ApiId), kindDeployment, "", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetDeploymentsResponse{Items: items, NextToken: next}, nil
}

// UpdateDeployment changes a deployment's description.
func (s *Service) UpdateDeployment(ctx context.Context, in *api.UpdateDeploymentRequest) (*api.UpdateDeploymentResponse, error) {
	var out api.UpdateDeploymentResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		d, err := s.deployment(ctx, tx, str(in.ApiId), str(in.DeploymentId))
		if err != nil {
			return err
		}
		set(&d.Description, in.Description)
		if err := putItem(ctx, tx, str(in.ApiId), kindDeployment, *d.DeploymentId, "", d, 0); err != nil {
			return err
		}
		out = api.UpdateDeploymentResponse(*d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDeployment deletes a deployment no stage serves.
func (s *Service) DeleteDeployment(ctx context.Context, in *api.DeleteDeploymentRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		d, err := s.deployment(ctx, tx, str(in.ApiId), str(in.DeploymentId))
		if err != nil {
			return err
		}
		stages, err := listItems[stageDoc](ctx, tx, str(in.ApiId), kindStage, "")
		if err != nil {
			return err
		}
		for _, st := range stages {
			if str(st.DeploymentId) == *d.DeploymentId {
				return badRequest("Active stages pointing to this deployment must be moved or deleted")
			}
		}
		if err := deleteItem(ctx, tx, str(in.ApiId), kindSnapshot, *d.DeploymentId); err != nil {
			return err
		}
		return deleteItem(ctx, tx, str(in.ApiId), kindDeployment, *d.DeploymentId)
	})
}
