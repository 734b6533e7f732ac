package apigateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"gopkg.in/yaml.v3"

	"github.com/hako-dev/hako/internal/hakotest"
)

// petStore is an OpenAPI 3.0 definition in the shape of AWS's example,
// with every extension HTTP APIs import; BACKEND is replaced by a URL.
const petStore = `{
  "openapi": "3.0.1",
  "info": {"title": "Example Pet Store", "description": "A Pet Store API.", "version": "1.0"},
  "paths": {
    "/pets": {
      "get": {
        "operationId": "GET HTTP",
        "x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "BACKEND/petstore/pets", "payloadFormatVersion": 1.0}
      },
      "post": {
        "security": [{"jwt-auth": ["pets:write"]}],
        "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "POST", "uri": "BACKEND/petstore/pets", "payloadFormatVersion": "1.0", "timeoutInMillis": 5000}
      }
    },
    "/pets/{petId}": {
      "get": {
        "security": [{"lambda-auth": []}],
        "x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "BACKEND/petstore/pets/{petId}", "payloadFormatVersion": 1.0,
          "requestParameters": {"append:header.x-pet": "$request.path.petId"}}
      },
      "delete": {
        "security": [{"sigv4": []}],
        "x-amazon-apigateway-integration": {"$ref": "#/components/x-amazon-apigateway-integrations/shared"}
      }
    },
    "/legacy": {
      "get": {"x-amazon-apigateway-integration": {"type": "AWS", "httpMethod": "POST", "uri": "arn:aws:lambda:us-east-1:000000000000:function:f"}}
    },
    "/$default": {
      "x-amazon-apigateway-any-method": {
        "isDefaultRoute": true,
        "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "payloadFormatVersion": "2.0",
          "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations"}
      }
    }
  },
  "x-amazon-apigateway-cors": {"allowOrigins": ["https://www.example.com"], "allowMethods": ["GET", "POST"], "maxAge": 3600, "allowCredentials": true},
  "components": {
    "securitySchemes": {
      "jwt-auth": {"type": "oauth2", "x-amazon-apigateway-authorizer": {"type": "jwt",
        "jwtConfiguration": {"issuer": "https://issuer.example.com", "audience": ["aud1"]}, "identitySource": "$request.header.Authorization"}},
      "lambda-auth": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authorizer": {"type": "request",
        "identitySource": "$request.header.Authorization, $request.querystring.token",
        "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
        "authorizerPayloadFormatVersion": "2.0", "authorizerResultTtlInSeconds": 0, "enableSimpleResponses": true}},
      "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
    },
    "x-amazon-apigateway-integrations": {
      "shared": {"type": "http_proxy", "httpMethod": "DELETE", "uri": "BACKEND/petstore/pets/{petId}", "payloadFormatVersion": "1.0"}
    }
  }
}`

func routeKeys(t *testing.T, c *apigatewayv2.Client, id string) map[string]types.Route {
	t.Helper()
	out, err := c.GetRoutes(bg, &apigatewayv2.GetRoutesInput{ApiId: &id})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.Route{}
	for _, r := range out.Items {
		m[aws.ToString(r.RouteKey)] = r
	}
	return m
}

func sortedRouteKeys(m map[string]types.Route) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestImportApiOpenAPI imports AWS's pet store shape: routes (methods,
// x-amazon-apigateway-any-method, /$default), integrations (inline and
// $ref'd shared ones), JWT/Lambda/sigv4 security, CORS and info; an AWS
// (non-proxy) integration is a warning and its route has no target; the
// imported API serves requests once a stage exists.
func TestImportApiOpenAPI(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Pet"))
		io.WriteString(w, "ok")
	}))
	defer backend.Close()
	h := start(t)
	c := h.APIGateway()
	out, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(strings.ReplaceAll(petStore, "BACKEND", backend.URL))})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.ApiId)
	if aws.ToString(out.Name) != "Example Pet Store" || aws.ToString(out.Description) != "A Pet Store API." || aws.ToString(out.Version) != "1.0" ||
		out.ProtocolType != types.ProtocolTypeHttp || aws.ToString(out.RouteSelectionExpression) != "$request.method $request.path" ||
		out.CorsConfiguration == nil || aws.ToInt32(out.CorsConfiguration.MaxAge) != 3600 || out.CorsConfiguration.AllowOrigins[0] != "https://www.example.com" {
		t.Fatalf("%+v", out)
	}
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "Unsupported integration type 'AWS'") || !strings.Contains(out.Warnings[0], "GET /legacy") {
		t.Fatalf("warnings %q", out.Warnings)
	}
	routes := routeKeys(t, c, id)
	if got := strings.Join(sortedRouteKeys(routes), ","); got != "$default,DELETE /pets/{petId},GET /legacy,GET /pets,GET /pets/{petId},POST /pets" {
		t.Fatalf("routes %s", got)
	}
	if routes["GET /legacy"].Target != nil || routes["GET /pets"].Target == nil || aws.ToString(routes["GET /pets"].OperationName) != "GET HTTP" {
		t.Fatalf("targets %+v", routes)
	}
	if routes["POST /pets"].AuthorizationType != types.AuthorizationTypeJwt || routes["POST /pets"].AuthorizationScopes[0] != "pets:write" ||
		routes["GET /pets/{petId}"].AuthorizationType != types.AuthorizationTypeCustom || routes["DELETE /pets/{petId}"].AuthorizationType != types.AuthorizationTypeAwsIam {
		t.Fatalf("auth %+v", routes)
	}
	auths, err := c.GetAuthorizers(bg, &apigatewayv2.GetAuthorizersInput{ApiId: &id})
	if err != nil || len(auths.Items) != 2 {
		t.Fatalf("%v %+v", err, auths)
	}
	for _, au := range auths.Items {
		switch aws.ToString(au.Name) {
		case "jwt-auth":
			if au.AuthorizerType != types.AuthorizerTypeJwt || aws.ToString(au.JwtConfiguration.Issuer) != "https://issuer.example.com" ||
				aws.ToString(au.AuthorizerId) != aws.ToString(routes["POST /pets"].AuthorizerId) {
				t.Fatalf("%+v", au)
			}
		case "lambda-auth":
			if au.AuthorizerType != types.AuthorizerTypeRequest || len(au.IdentitySource) != 2 || au.IdentitySource[1] != "$request.querystring.token" ||
				!aws.ToBool(au.EnableSimpleResponses) || aws.ToString(au.AuthorizerPayloadFormatVersion) != "2.0" {
				t.Fatalf("%+v", au)
			}
		default:
			t.Fatalf("%+v", au)
		}
	}
	integs, err := c.GetIntegrations(bg, &apigatewayv2.GetIntegrationsInput{ApiId: &id})
	if err != nil || len(integs.Items) != 5 {
		t.Fatalf("%v %d", err, len(integs.Items))
	}
	for _, in := range integs.Items {
		if in.IntegrationType == types.IntegrationTypeHttpProxy && aws.ToString(in.IntegrationMethod) == "POST" && aws.ToInt32(in.TimeoutInMillis) != 5000 {
			t.Fatalf("timeout %+v", in)
		}
		if aws.ToString(in.PayloadFormatVersion) == "" || in.ConnectionType != types.ConnectionTypeInternet {
			t.Fatalf("%+v", in)
		}
	}
	// served once deployed
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	resp, b := do(t, "GET", invokeURL(h, id)+"/pets", "", nil)
	if resp.StatusCode != 200 || string(b) != "ok" || strings.TrimSpace(resp.Header.Get("X-Seen")) != "GET /petstore/pets" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, b)
	}
}

// TestImportApiYAMLBasepathAndErrors: YAML bodies; Basepath prepend and
// split take the first server URL's path (variables at their defaults);
// FailOnWarnings turns warnings into BadRequestException; invalid
// definitions are BadRequestException "Invalid OpenAPI input." (Swagger
// 2.0, not a document, multiple security requirements).
func TestImportApiYAMLBasepathAndErrors(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	yml := `openapi: 3.0.1
info:
  title: yaml api
  version: v2
servers:
  - url: https://example.com/{basePath}
    variables:
      basePath:
        default: /api/v1
paths:
  /items/{id}:
    get:
      responses:
        200:
          description: ok
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        payloadFormatVersion: 2.0
        uri: arn:aws:lambda:us-east-1:000000000000:function:f
`
	for mode, want := range map[string]string{"": "GET /items/{id}", "ignore": "GET /items/{id}", "prepend": "GET /api/v1/items/{id}", "split": "GET /v1/items/{id}"} {
		in := &apigatewayv2.ImportApiInput{Body: aws.String(yml)}
		if mode != "" {
			in.Basepath = aws.String(mode)
		}
		out, err := c.ImportApi(bg, in)
		if err != nil {
			t.Fatal(mode, err)
		}
		routes := routeKeys(t, c, aws.ToString(out.ApiId))
		if _, ok := routes[want]; !ok || len(routes) != 1 || aws.ToString(out.Name) != "yaml api" || len(out.Warnings) != 0 {
			t.Fatalf("%s: %v %+v", mode, sortedRouteKeys(routes), out)
		}
	}
	_, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(yml), Basepath: aws.String("bogus")})
	apiErr(t, err, "BadRequestException", "Invalid basepath mode")

	warn := strings.Replace(yml, "type: aws_proxy", "type: mock", 1)
	out, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(warn)})
	if err != nil || len(out.Warnings) != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	before, _ := c.GetApis(bg, &apigatewayv2.GetApisInput{})
	_, err = c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(warn), FailOnWarnings: aws.Bool(true)})
	apiErr(t, err, "BadRequestException", "Warnings found during import")
	after, _ := c.GetApis(bg, &apigatewayv2.GetApisInput{})
	if len(after.Items) != len(before.Items) {
		t.Fatal("a failed import created an API")
	}

	for name, body := range map[string]string{
		"swagger2": `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`,
		"garbage":  `{not json`,
		"scalar":   `just text`,
		"notitle":  `{"openapi": "3.0.1", "info": {}, "paths": {}}`,
	} {
		_, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(body)})
		apiErr(t, err, "BadRequestException", "Invalid OpenAPI input.")
		_ = name
	}
	multi := `{"openapi": "3.0.1", "info": {"title": "x"}, "paths": {"/a": {"get": {"security": [{"s1": []}, {"s2": []}]}}},
	  "components": {"securitySchemes": {"s1": {"type": "apiKey", "x-amazon-apigateway-authtype": "awsSigv4"}, "s2": {"type": "apiKey", "x-amazon-apigateway-authtype": "awsSigv4"}}}}`
	_, err = c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(multi)})
	apiErr(t, err, "BadRequestException", "Multiple security requirements are not supported")
	badInteg := `{"openapi": "3.0.1", "info": {"title": "x"}, "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "arn:aws:lambda:us-east-1:000000000000:function:f"}}}}}`
	_, err = c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(badInteg)})
	apiErr(t, err, "BadRequestException", "PayloadFormatVersion is a required parameter")
	// WebSocket APIs cannot be imported, reimported or exported
	_, err = c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(`{"openapi": "3.0.1", "info": {"title": "ws"}, "x-amazon-apigateway-route-selection-expression": "$request.body.action"}`)})
	apiErr(t, err, "BadRequestException", "WebSocket")
	ws, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("ws"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReimportApi(bg, &apigatewayv2.ReimportApiInput{ApiId: ws.ApiId, Body: aws.String(yml)})
	apiErr(t, err, "BadRequestException", "only supported for HTTP APIs")
	_, err = c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: ws.ApiId, OutputType: aws.String("JSON"), Specification: aws.String("OAS30")})
	apiErr(t, err, "BadRequestException", "only supported for HTTP APIs")
	_, err = c.ReimportApi(bg, &apigatewayv2.ReimportApiInput{ApiId: aws.String("nosuchapi0"), Body: aws.String(yml)})
	apiErr(t, err, "NotFoundException", "Invalid API identifier specified")
}

// TestReimportApi replaces routes, integrations and authorizers in one
// transaction: same id, stages and tags kept, the auto-deploy stage serves
// the new definition at once; a failing reimport changes nothing.
func TestReimportApi(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) }))
	defer backend.Close()
	h := start(t)
	c := h.APIGateway()
	def := func(path string) string {
		return `{"openapi": "3.0.1", "info": {"title": "re ` + path + `"}, "paths": {"` + path + `": {"get": {"x-amazon-apigateway-integration":
		  {"type": "http_proxy", "httpMethod": "GET", "uri": "` + backend.URL + path + `", "payloadFormatVersion": "1.0"}}}}}`
	}
	out, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(def("/one"))})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.ApiId)
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("dev"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(bg, &apigatewayv2.TagResourceInput{ResourceArn: aws.String("arn:aws:apigateway:us-east-1::/apis/" + id), Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if resp, b := do(t, "GET", invokeURL(h, id)+"/dev/one", "", nil); resp.StatusCode != 200 || string(b) != "/one" {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	re, err := c.ReimportApi(bg, &apigatewayv2.ReimportApiInput{ApiId: &id, Body: aws.String(def("/two"))})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(re.ApiId) != id || aws.ToString(re.Name) != "re /two" || re.Tags["k"] != "v" {
		t.Fatalf("%+v", re)
	}
	if routes := routeKeys(t, c, id); len(routes) != 1 || routes["GET /two"].RouteId == nil {
		t.Fatalf("%v", sortedRouteKeys(routes))
	}
	if integs, _ := c.GetIntegrations(bg, &apigatewayv2.GetIntegrationsInput{ApiId: &id}); len(integs.Items) != 1 {
		t.Fatalf("integrations %d", len(integs.Items))
	}
	if resp, b := do(t, "GET", invokeURL(h, id)+"/dev/two", "", nil); resp.StatusCode != 200 || string(b) != "/two" {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if resp, _ := do(t, "GET", invokeURL(h, id)+"/dev/one", "", nil); resp.StatusCode != 404 {
		t.Fatalf("old route still served: %d", resp.StatusCode)
	}
	_, err = c.ReimportApi(bg, &apigatewayv2.ReimportApiInput{ApiId: &id, Body: aws.String(`{"swagger": "2.0"}`)})
	apiErr(t, err, "BadRequestException", "Invalid OpenAPI input.")
	if routes := routeKeys(t, c, id); len(routes) != 1 || routes["GET /two"].RouteId == nil {
		t.Fatalf("after failed reimport %v", sortedRouteKeys(routes))
	}
}

// TestExportApi exports as AWS shapes it (servers with the invoke URL and
// basePath variable, paths with generated path parameters and default
// responses, x-amazon-apigateway-* extensions, security schemes), in JSON
// and YAML, without extensions, and a stage's deployed snapshot; the
// export imports back to the same routes.
func TestExportApi(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	out, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(strings.ReplaceAll(petStore, "BACKEND", "http://backend.example.com"))})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.ApiId)
	exp, err := c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: &id, OutputType: aws.String("JSON"), Specification: aws.String("OAS30")})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(exp.Body, &doc); err != nil {
		t.Fatalf("%v: %s", err, exp.Body)
	}
	get := func(v any, path ...string) any {
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		return v
	}
	if doc["openapi"] != "3.0.1" || get(doc, "info", "title") != "Example Pet Store" || get(doc, "info", "version") != "1.0" ||
		doc["x-amazon-apigateway-importexport-version"] != "1.0" || get(doc, "x-amazon-apigateway-cors", "maxAge") != 3600.0 {
		t.Fatalf("%s", exp.Body)
	}
	servers := doc["servers"].([]any)
	if get(servers[0], "url") != invokeURL(h, id)+"/{basePath}" || get(servers[0], "variables", "basePath", "default") != "" {
		t.Fatalf("servers %v", servers)
	}
	pet := get(doc, "paths", "/pets/{petId}")
	if get(pet, "get", "x-amazon-apigateway-integration", "type") != "http_proxy" ||
		get(pet, "get", "x-amazon-apigateway-integration", "requestParameters", "append:header.x-pet") != "$request.path.petId" ||
		get(pet, "get", "responses", "default", "description") != "Default response for GET /pets/{petId}" {
		t.Fatalf("%s", exp.Body)
	}
	params := get(pet, "parameters").([]any)
	if get(params[0], "name") != "petId" || get(params[0], "in") != "path" || get(params[0], "required") != true {
		t.Fatalf("params %v", params)
	}
	if get(doc, "paths", "/$default", "x-amazon-apigateway-any-method", "isDefaultRoute") != true ||
		get(doc, "paths", "/pets", "post", "security").([]any)[0].(map[string]any)["jwt-auth"].([]any)[0] != "pets:write" ||
		get(doc, "components", "securitySchemes", "jwt-auth", "x-amazon-apigateway-authorizer", "jwtConfiguration", "issuer") != "https://issuer.example.com" ||
		get(doc, "components", "securitySchemes", "sigv4", "x-amazon-apigateway-authtype") != "awsSigv4" ||
		get(doc, "components", "securitySchemes", "lambda-auth", "x-amazon-apigateway-authorizer", "identitySource") != "$request.header.Authorization,$request.querystring.token" {
		t.Fatalf("%s", exp.Body)
	}
	// the export imports back to the same routes and authorization
	back, err := c.ImportApi(bg, &apigatewayv2.ImportApiInput{Body: aws.String(string(exp.Body))})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := routeKeys(t, c, id), routeKeys(t, c, aws.ToString(back.ApiId))
	if strings.Join(sortedRouteKeys(r1), ",") != strings.Join(sortedRouteKeys(r2), ",") || r2["POST /pets"].AuthorizationType != types.AuthorizationTypeJwt ||
		r2["DELETE /pets/{petId}"].AuthorizationType != types.AuthorizationTypeAwsIam || r2["GET /legacy"].Target != nil {
		t.Fatalf("%v vs %v", sortedRouteKeys(r1), sortedRouteKeys(r2))
	}

	// YAML, no extensions
	exp, err = c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: &id, OutputType: aws.String("YAML"), Specification: aws.String("OAS30"), IncludeExtensions: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	var ydoc map[string]any
	if err := yaml.Unmarshal(exp.Body, &ydoc); err != nil || ydoc["openapi"] != "3.0.1" || strings.Contains(string(exp.Body), "x-amazon-apigateway-integration") ||
		strings.HasPrefix(strings.TrimSpace(string(exp.Body)), "{") {
		t.Fatalf("%v: %s", err, exp.Body)
	}

	// a stage exports what it has deployed
	dep, err := c.CreateDeployment(bg, &apigatewayv2.CreateDeploymentInput{ApiId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: &id, StageName: aws.String("prod"), DeploymentId: dep.DeploymentId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRoute(bg, &apigatewayv2.CreateRouteInput{ApiId: &id, RouteKey: aws.String("GET /new")}); err != nil {
		t.Fatal(err)
	}
	exp, err = c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: &id, OutputType: aws.String("JSON"), Specification: aws.String("OAS30"), StageName: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(exp.Body), `"/new"`) || !strings.Contains(string(exp.Body), `"default": "prod"`) {
		t.Fatalf("stage export: %s", exp.Body)
	}
	exp, _ = c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: &id, OutputType: aws.String("JSON"), Specification: aws.String("OAS30")})
	if !strings.Contains(string(exp.Body), `"/new"`) {
		t.Fatalf("latest export lacks the new route: %s", exp.Body)
	}
	_, err = c.ExportApi(bg, &apigatewayv2.ExportApiInput{ApiId: &id, OutputType: aws.String("JSON"), Specification: aws.String("OAS30"), StageName: aws.String("nope")})
	apiErr(t, err, "NotFoundException", "Invalid stage identifier specified")
	_ = hakotest.Server{}
}
