package apigateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

const certARN = "arn:aws:acm:us-east-1:000000000000:certificate/abc"

// TestDomainNames: CreateDomainName completes the configuration as AWS
// does (regional target d-XXXXXXXXXX.execute-api.REGION.amazonaws.com,
// the region's hosted zone, AVAILABLE, TLS_1_2), names are unique
// (ConflictException), Get/GetDomainNames/Update/Delete and tags on
// arn:aws:apigateway:REGION::/domainnames/NAME.
func TestDomainNames(t *testing.T) {
	h := start(t)
	c := h.APIGateway()
	out, err := c.CreateDomainName(bg, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String("API.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{CertificateArn: aws.String(certARN)}}, Tags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := out.DomainNameConfigurations[0]
	target := aws.ToString(cfg.ApiGatewayDomainName)
	if aws.ToString(out.DomainName) != "api.example.com" || !strings.HasPrefix(target, "d-") || !strings.HasSuffix(target, ".execute-api.us-east-1.amazonaws.com") ||
		aws.ToString(cfg.HostedZoneId) != "Z1UJRXOUMOOFQ8" || cfg.DomainNameStatus != types.DomainNameStatusAvailable || cfg.EndpointType != types.EndpointTypeRegional ||
		cfg.SecurityPolicy != types.SecurityPolicyTls12 || aws.ToString(out.ApiMappingSelectionExpression) != "$request.basepath" || out.Tags["a"] != "1" {
		t.Fatalf("%+v %+v", out, cfg)
	}
	_, err = c.CreateDomainName(bg, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String("api.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{CertificateArn: aws.String(certARN)}}})
	apiErr(t, err, "ConflictException", "The domain name you provided already exists.")
	_, err = c.CreateDomainName(bg, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String("x.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{EndpointType: types.EndpointTypeEdge, CertificateArn: aws.String(certARN)}}})
	apiErr(t, err, "BadRequestException", "Only REGIONAL")
	_, err = c.GetDomainName(bg, &apigatewayv2.GetDomainNameInput{DomainName: aws.String("nope.example.com")})
	apiErr(t, err, "NotFoundException", "Invalid domain name identifier specified")

	up, err := c.UpdateDomainName(bg, &apigatewayv2.UpdateDomainNameInput{DomainName: aws.String("api.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{SecurityPolicy: types.SecurityPolicyTls10}}})
	if err != nil {
		t.Fatal(err)
	}
	if c := up.DomainNameConfigurations[0]; c.SecurityPolicy != types.SecurityPolicyTls10 || aws.ToString(c.ApiGatewayDomainName) != target || aws.ToString(c.CertificateArn) != certARN {
		t.Fatalf("%+v", c)
	}
	arn := aws.String("arn:aws:apigateway:us-east-1::/domainnames/api.example.com")
	if _, err := c.TagResource(bg, &apigatewayv2.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := c.GetTags(bg, &apigatewayv2.GetTagsInput{ResourceArn: arn}); err != nil || tags.Tags["a"] != "1" || tags.Tags["b"] != "2" {
		t.Fatalf("%v %v", err, tags)
	}
	h.Restart(t)
	list, err := c.GetDomainNames(bg, &apigatewayv2.GetDomainNamesInput{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Tags["b"] != "2" {
		t.Fatalf("%v %+v", err, list)
	}
	if err := deleteDomain(c, "api.example.com"); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDomainName(bg, &apigatewayv2.GetDomainNameInput{DomainName: aws.String("api.example.com")})
	apiErr(t, err, "NotFoundException", "Invalid domain name identifier specified")
}

func deleteDomain(c *apigatewayv2.Client, name string) error {
	_, err := c.DeleteDomainName(bg, &apigatewayv2.DeleteDomainNameInput{DomainName: aws.String(name)})
	return err
}

// TestApiMappingsRouting follows AWS's example: (none) -> API 1, orders
// -> API 2, orders/v1/items -> API 3; requests go to the longest matching
// key with it removed from the path; keys are unique per domain
// (ConflictException), mappings need an existing API and stage, and
// changes reach the data plane at once.
func TestApiMappingsRouting(t *testing.T) {
	backend := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name+" "+r.URL.Path) }))
	}
	b1, b2, b3 := backend("api1"), backend("api2"), backend("api3")
	defer b1.Close()
	defer b2.Close()
	defer b3.Close()
	h := start(t)
	c := h.APIGateway()
	ids := []string{}
	for _, b := range []*httptest.Server{b1, b2, b3} {
		ids = append(ids, httpAPI(t, h, map[string]string{"ANY /{proxy+}": b.URL + "/{proxy}"}, nil, nil))
	}
	if _, err := c.CreateDomainName(bg, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String("api.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{CertificateArn: aws.String(certARN)}}}); err != nil {
		t.Fatal(err)
	}
	dn := aws.String("api.example.com")
	var mappingIDs []string
	for i, key := range []string{"", "orders", "orders/v1/items"} {
		m, err := c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: dn, ApiId: &ids[i], Stage: aws.String("$default"), ApiMappingKey: aws.String(key)})
		if err != nil {
			t.Fatal(key, err)
		}
		if aws.ToString(m.ApiMappingKey) != key || aws.ToString(m.ApiId) != ids[i] || len(aws.ToString(m.ApiMappingId)) == 0 {
			t.Fatalf("%+v", m)
		}
		mappingIDs = append(mappingIDs, aws.ToString(m.ApiMappingId))
	}
	_, err := c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: dn, ApiId: &ids[0], Stage: aws.String("$default"), ApiMappingKey: aws.String("orders")})
	apiErr(t, err, "ConflictException", "already exists")
	_, err = c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: dn, ApiId: &ids[0], Stage: aws.String("$default"), ApiMappingKey: aws.String("a b")})
	apiErr(t, err, "BadRequestException", "Invalid API mapping key")
	_, err = c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: dn, ApiId: &ids[0], Stage: aws.String("nope"), ApiMappingKey: aws.String("x")})
	apiErr(t, err, "NotFoundException", "Invalid stage identifier specified")
	_, err = c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: dn, ApiId: aws.String("nosuchapi0"), Stage: aws.String("$default"), ApiMappingKey: aws.String("x")})
	apiErr(t, err, "NotFoundException", "Invalid API identifier specified")
	_, err = c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: aws.String("other.example.com"), ApiId: &ids[0], Stage: aws.String("$default")})
	apiErr(t, err, "NotFoundException", "Invalid domain name identifier specified")

	call := func(host, path string) (int, string) {
		resp, b := do(t, "GET", h.URL+path, "", map[string]string{"Host": host})
		return resp.StatusCode, string(b)
	}
	for path, want := range map[string]string{
		"/orders/abc":          "api2 /abc",
		"/orders/v1/items/123": "api3 /123",
		"/orders/v2/items/5":   "api2 /v2/items/5",
		"/customers/7":         "api1 /customers/7",
		"/ordersx/1":           "api1 /ordersx/1",
		"/orders/v1/itemsX/1":  "api2 /v1/itemsX/1",
	} {
		if code, body := call("api.example.com", path); code != 200 || body != want {
			t.Fatalf("%s: %d %q, want %q", path, code, body, want)
		}
	}
	if code, body := call("API.example.com:8443", "/orders/z"); code != 200 || body != "api2 /z" {
		t.Fatalf("host with port: %d %s", code, body)
	}
	list, err := c.GetApiMappings(bg, &apigatewayv2.GetApiMappingsInput{DomainName: dn})
	if err != nil || len(list.Items) != 3 {
		t.Fatalf("%v %+v", err, list)
	}
	got, err := c.GetApiMapping(bg, &apigatewayv2.GetApiMappingInput{DomainName: dn, ApiMappingId: &mappingIDs[1]})
	if err != nil || aws.ToString(got.ApiMappingKey) != "orders" {
		t.Fatalf("%v %+v", err, got)
	}
	// moving "orders" to "shop" reaches the data plane at once
	if _, err := c.UpdateApiMapping(bg, &apigatewayv2.UpdateApiMappingInput{DomainName: dn, ApiMappingId: &mappingIDs[1], ApiId: &ids[1], ApiMappingKey: aws.String("shop")}); err != nil {
		t.Fatal(err)
	}
	if code, body := call("api.example.com", "/shop/1"); code != 200 || body != "api2 /1" {
		t.Fatalf("%d %s", code, body)
	}
	if code, body := call("api.example.com", "/orders/abc"); code != 200 || body != "api1 /orders/abc" {
		t.Fatalf("%d %s", code, body)
	}
	// without a root mapping an unmatched path is 404 Not Found
	if _, err := c.DeleteApiMapping(bg, &apigatewayv2.DeleteApiMappingInput{DomainName: dn, ApiMappingId: &mappingIDs[0]}); err != nil {
		t.Fatal(err)
	}
	if code, body := call("api.example.com", "/customers/7"); code != 404 || body != `{"message":"Not Found"}` {
		t.Fatalf("%d %s", code, body)
	}
	_, err = c.GetApiMapping(bg, &apigatewayv2.GetApiMappingInput{DomainName: dn, ApiMappingId: &mappingIDs[0]})
	apiErr(t, err, "NotFoundException", "Invalid API mapping identifier specified")
	// after a restart (from the store), then gone with the domain name
	h.Restart(t)
	if code, body := call("api.example.com", "/shop/2"); code != 200 || body != "api2 /2" {
		t.Fatalf("after restart %d %s", code, body)
	}
	if err := deleteDomain(c, "api.example.com"); err != nil {
		t.Fatal(err)
	}
	if code, body := call("api.example.com", "/shop/2"); code == 200 {
		t.Fatalf("deleted domain still served: %s", body)
	}
	// WebSocket APIs take single-level keys
	ws, err := c.CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("ws"), ProtocolType: types.ProtocolTypeWebsocket, RouteSelectionExpression: aws.String("$request.body.action")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStage(bg, &apigatewayv2.CreateStageInput{ApiId: ws.ApiId, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDomainName(bg, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String("ws.example.com"),
		DomainNameConfigurations: []types.DomainNameConfiguration{{CertificateArn: aws.String(certARN)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateApiMapping(bg, &apigatewayv2.CreateApiMappingInput{DomainName: aws.String("ws.example.com"), ApiId: ws.ApiId, Stage: aws.String("prod"), ApiMappingKey: aws.String("a/b")})
	apiErr(t, err, "BadRequestException", "Multi-level API mapping keys are not supported for WebSocket APIs")
}
