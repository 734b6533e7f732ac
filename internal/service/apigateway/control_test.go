package apigateway_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

var apiIDRE = regexp.MustCompile(`^[a-z0-9]{10}$`)

// TestControlPlaneEndToEnd creates an HTTP API the way the AWS CLI
// tutorial does (API, integration, route, stage, deployment) and reads
// every piece back.
func TestControlPlaneEndToEnd(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	api, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("pets"), ProtocolType: types.ProtocolTypeHttp,
		Description: aws.String("d"), Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	if !apiIDRE.MatchString(id) || aws.ToString(api.ApiEndpoint) != invokeURL(h, id) ||
		aws.ToString(api.RouteSelectionExpression) != "$request.method $request.path" ||
		aws.ToString(api.ApiKeySelectionExpression) != "$request.header.x-api-key" || api.CreatedDate == nil || api.Tags["team"] != "a" {
		t.Fatalf("CreateApi: %+v", api)
	}
	integ, err := c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeAwsProxy,
		IntegrationUri: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f"), PayloadFormatVersion: aws.String("2.0")})
	if err != nil {
		t.Fatal(err)
	}
	if len(aws.ToString(integ.IntegrationId)) != 7 || aws.ToInt32(integ.TimeoutInMillis) != 30000 || integ.ConnectionType != types.ConnectionTypeInternet ||
		aws.ToString(integ.IntegrationMethod) != "POST" {
		t.Fatalf("CreateIntegration: %+v", integ)
	}
	rt, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("GET /pets/{id}"),
		Target: aws.String("integrations/" + aws.ToString(integ.IntegrationId))})
	if err != nil {
		t.Fatal(err)
	}
	if rt.AuthorizationType != types.AuthorizationTypeNone || aws.ToBool(rt.ApiKeyRequired) || aws.ToString(rt.RouteKey) != "GET /pets/{id}" {
		t.Fatalf("CreateRoute: %+v", rt)
	}
	st, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("prod"), StageVariables: map[string]string{"v": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.DeploymentId != nil || aws.ToBool(st.AutoDeploy) || st.StageVariables["v"] != "1" {
		t.Fatalf("CreateStage: %+v", st)
	}
	dep, err := c.CreateDeployment(bg, &apigatewayv2.CreateDeploymentInput{ApiId: &id, StageName: aws.String("prod"), Description: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	if dep.DeploymentStatus != types.DeploymentStatusDeployed || aws.ToBool(dep.AutoDeployed) {
		t.Fatalf("CreateDeployment: %+v", dep)
	}
	got, err := c.GetStage(bg, &apigatewayv2.GetStageInput{ApiId: &id, StageName: aws.String("prod")})
	if err != nil || aws.ToString(got.DeploymentId) != aws.ToString(dep.DeploymentId) {
		t.Fatalf("GetStage: %+v %v", got, err)
	}
	routes, err := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	if err != nil || len(routes.Items) != 1 || aws.ToString(routes.Items[0].RouteId) != aws.ToString(rt.RouteId) {
		t.Fatalf("GetRoutes: %+v %v", routes, err)
	}
	deps, err := c.GetDeployments(bg, &apigatewayv2.GetDeploymentsInput{ApiId: &id})
	if err != nil || len(deps.Items) != 1 || aws.ToString(deps.Items[0].Description) != "first" {
		t.Fatalf("GetDeployments: %+v %v", deps, err)
	}
	if _, err := c.DeleteDeployment(bg, &apigatewayv2.DeleteDeploymentInput{ApiId: &id, DeploymentId: dep.DeploymentId}); err == nil {
		t.Fatal("deleting the deployment of a stage should fail")
	}
	up, err := c.UpdateRoute(bg, &apigatewayv2.UpdateRouteInput{ApiId: &id, RouteId: rt.RouteId, RouteKey: aws.String("POST /pets")})
	if err != nil || aws.ToString(up.RouteKey) != "POST /pets" || aws.ToString(up.Target) != aws.ToString(rt.Target) {
		t.Fatalf("UpdateRoute: %+v %v", up, err)
	}
	ui, err := c.UpdateIntegration(bg, &apigatewayv2.UpdateIntegrationInput{ApiId: &id, IntegrationId: integ.IntegrationId, TimeoutInMillis: aws.Int32(5000)})
	if err != nil || aws.ToInt32(ui.TimeoutInMillis) != 5000 || aws.ToString(ui.PayloadFormatVersion) != "2.0" {
		t.Fatalf("UpdateIntegration: %+v %v", ui, err)
	}
	if _, err := c.DeleteIntegration(bg, &apigatewayv2.DeleteIntegrationInput{ApiId: &id, IntegrationId: integ.IntegrationId}); err == nil {
		t.Fatal("deleting a route's integration should fail")
	}
	ua, err := c.UpdateApi(bg, &apigatewayv2.UpdateApiInput{ApiId: &id, Name: aws.String("pets2"),
		CorsConfiguration: &types.Cors{AllowOrigins: []string{"https://a.example"}, AllowMethods: []string{"GET"}}})
	if err != nil || aws.ToString(ua.Name) != "pets2" || ua.CorsConfiguration == nil || aws.ToString(ua.Description) != "d" {
		t.Fatalf("UpdateApi: %+v %v", ua, err)
	}
	if _, err := c.DeleteCorsConfiguration(bg, &apigatewayv2.DeleteCorsConfigurationInput{ApiId: &id}); err != nil {
		t.Fatal(err)
	}
	if ga, _ := c.GetApi(bg, &apigatewayv2.GetApiInput{ApiId: &id}); ga.CorsConfiguration != nil {
		t.Fatalf("CORS configuration not deleted: %+v", ga.CorsConfiguration)
	}
	if _, err := c.DeleteRoute(bg, &apigatewayv2.DeleteRouteInput{ApiId: &id, RouteId: rt.RouteId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteApi(bg, &apigatewayv2.DeleteApiInput{ApiId: &id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetApi(bg, &apigatewayv2.GetApiInput{ApiId: &id})
	apiErr(t, err, "NotFoundException", "Invalid API identifier specified 000000000000:"+id)
}

// TestQuickCreate is CreateApi with Target: an AWS_PROXY 2.0 integration,
// the $default route and the $default stage with automatic deployment,
// all managed by API Gateway.
func TestQuickCreate(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	id := quickAPI(t, h, "arn:aws:lambda:us-east-1:000000000000:function:f")
	integs, _ := c.GetIntegrations(bg, &apigatewayv2.GetIntegrationsInput{ApiId: &id})
	routes, _ := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	stages, _ := c.GetStages(bg, &apigatewayv2.GetStagesInput{ApiId: &id})
	if len(integs.Items) != 1 || integs.Items[0].IntegrationType != types.IntegrationTypeAwsProxy || aws.ToString(integs.Items[0].PayloadFormatVersion) != "2.0" ||
		!aws.ToBool(integs.Items[0].ApiGatewayManaged) {
		t.Fatalf("integrations %+v", integs.Items)
	}
	if len(routes.Items) != 1 || aws.ToString(routes.Items[0].RouteKey) != "$default" || !aws.ToBool(routes.Items[0].ApiGatewayManaged) {
		t.Fatalf("routes %+v", routes.Items)
	}
	if len(stages.Items) != 1 || aws.ToString(stages.Items[0].StageName) != "$default" || !aws.ToBool(stages.Items[0].AutoDeploy) ||
		stages.Items[0].DeploymentId == nil || !strings.HasPrefix(aws.ToString(stages.Items[0].LastDeploymentStatusMessage), "Successfully deployed") {
		t.Fatalf("stages %+v", stages.Items)
	}
	// UpdateApi's Target changes the managed integration.
	if _, err := c.UpdateApi(bg, &apigatewayv2.UpdateApiInput{ApiId: &id, Target: aws.String("https://example.com")}); err != nil {
		t.Fatal(err)
	}
	integs, _ = c.GetIntegrations(bg, &apigatewayv2.GetIntegrationsInput{ApiId: &id})
	if integs.Items[0].IntegrationType != types.IntegrationTypeHttpProxy || aws.ToString(integs.Items[0].IntegrationUri) != "https://example.com" {
		t.Fatalf("after UpdateApi: %+v", integs.Items[0])
	}
	_, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("ws"), ProtocolType: types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action"), Target: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f")})
	apiErr(t, err, "BadRequestException", "Quick create")
}

// TestAutoDeployFollowsChanges: a stage with AutoDeploy gets a new
// deployment for every change of the API.
func TestAutoDeployFollowsChanges(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	api, _ := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("a"), ProtocolType: types.ProtocolTypeHttp})
	id := aws.ToString(api.ApiId)
	st, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if st.DeploymentId != nil {
		t.Fatalf("nothing to deploy without routes: %+v", st)
	}
	integ, _ := c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeHttpProxy,
		IntegrationUri: aws.String("https://example.com"), IntegrationMethod: aws.String("ANY")})
	if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("ANY /x"), Target: aws.String("integrations/" + *integ.IntegrationId)}); err != nil {
		t.Fatal(err)
	}
	s1, _ := c.GetStage(bg, &apigatewayv2.GetStageInput{ApiId: &id, StageName: aws.String("$default")})
	if s1.DeploymentId == nil {
		t.Fatal("no automatic deployment")
	}
	c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("ANY /y"), Target: aws.String("integrations/" + *integ.IntegrationId)})
	s2, _ := c.GetStage(bg, &apigatewayv2.GetStageInput{ApiId: &id, StageName: aws.String("$default")})
	if aws.ToString(s2.DeploymentId) == aws.ToString(s1.DeploymentId) {
		t.Fatal("no new deployment after a change")
	}
	d, err := c.GetDeployment(bg, &apigatewayv2.GetDeploymentInput{ApiId: &id, DeploymentId: s2.DeploymentId})
	if err != nil || !aws.ToBool(d.AutoDeployed) {
		t.Fatalf("GetDeployment %+v %v", d, err)
	}
}

// TestControlPlaneErrors checks AWS's errors for bad input.
func TestControlPlaneErrors(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	_, err := c.GetApi(bg, &apigatewayv2.GetApiInput{ApiId: aws.String("nope123456")})
	apiErr(t, err, "NotFoundException", "Invalid API identifier specified 000000000000:nope123456")
	_, err = c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("x"), ProtocolType: types.ProtocolTypeWebsocket})
	apiErr(t, err, "BadRequestException", "RouteSelectionExpression")
	api, _ := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("a"), ProtocolType: types.ProtocolTypeHttp})
	id := aws.ToString(api.ApiId)
	for _, key := range []string{"GET pets", "FETCH /pets", "GET /a/{b+}/c", "GET /a{b}", "GET /{a}/{a}"} {
		_, err = c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String(key)})
		apiErr(t, err, "BadRequestException", "route key")
	}
	if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("GET /pets")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("GET /pets")})
	apiErr(t, err, "ConflictException", "Route with key GET /pets already exists")
	_, err = c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("GET /x"), Target: aws.String("integrations/nothere")})
	apiErr(t, err, "BadRequestException", "Invalid integration identifier")
	_, err = c.GetRoute(bg, &apigatewayv2.GetRouteInput{ApiId: &id, RouteId: aws.String("zzzzzzz")})
	apiErr(t, err, "NotFoundException", "Invalid Route identifier specified zzzzzzz")
	_, err = c.GetStage(bg, &apigatewayv2.GetStageInput{ApiId: &id, StageName: aws.String("nope")})
	apiErr(t, err, "NotFoundException", "Invalid stage identifier specified")
	_, err = c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeAwsProxy,
		IntegrationUri: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f")})
	apiErr(t, err, "BadRequestException", "PayloadFormatVersion")
	_, err = c.CreateIntegration(bg, &apigatewayv2.CreateIntegrationInput{ApiId: &id, IntegrationType: types.IntegrationTypeMock})
	apiErr(t, err, "BadRequestException", "Unsupported integration type")
	_, err = c.CreateDeployment(bg, &apigatewayv2.CreateDeploymentInput{ApiId: &id, StageName: aws.String("nope")})
	apiErr(t, err, "BadRequestException", "Invalid stage identifier specified")
	c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("dev")})
	_, err = c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("dev")})
	apiErr(t, err, "ConflictException", "Stage already exists")
	_, err = c.CreateAuthorizer(bg, &apigatewayv2.CreateAuthorizerInput{ApiId: &id, Name: aws.String("j"), AuthorizerType: types.AuthorizerTypeJwt,
		IdentitySource: []string{"$request.header.Authorization"}})
	apiErr(t, err, "BadRequestException", "JwtConfiguration")
}

// TestPaginationTagsAndRestart pages through GetApis, tags an API and a
// stage, and finds everything again after a restart (all state is in the
// store).
func TestPaginationTagsAndRestart(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	var ids []string
	for i := 0; i < 5; i++ {
		a, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("a"), ProtocolType: types.ProtocolTypeHttp})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *a.ApiId)
	}
	var seen []string
	var next *string
	for {
		out, err := c.GetApis(bg, &apigatewayv2.GetApisInput{MaxResults: aws.String("2"), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.Items {
			seen = append(seen, *a.ApiId)
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("paged %v, created %v", seen, ids)
	}
	arn := "arn:aws:apigateway:us-east-1::/apis/" + ids[0]
	if _, err := c.TagResource(bg, &apigatewayv2.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(bg, &apigatewayv2.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &ids[0], StageName: aws.String("dev")})
	sarn := arn + "/stages/dev"
	if _, err := c.TagResource(bg, &apigatewayv2.TagResourceInput{ResourceArn: &sarn, Tags: map[string]string{"s": "x"}}); err != nil {
		t.Fatal(err)
	}
	h.Restart(t)
	c = h.APIGateway()
	tags, err := c.GetTags(bg, &apigatewayv2.GetTagsInput{ResourceArn: &arn})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["a"] != "1" {
		t.Fatalf("GetTags %+v %v", tags, err)
	}
	stags, err := c.GetTags(bg, &apigatewayv2.GetTagsInput{ResourceArn: &sarn})
	if err != nil || stags.Tags["s"] != "x" {
		t.Fatalf("stage tags %+v %v", stags, err)
	}
	all, _ := c.GetApis(bg, &apigatewayv2.GetApisInput{})
	if len(all.Items) != 5 {
		t.Fatalf("after restart %d APIs", len(all.Items))
	}
}
