package apigateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// start starts hako; with HAKO_TEST_APIGW_STORE=postgres on an isolated
// PostgreSQL schema.
func start(t *testing.T, opts ...hakotest.Option) *hakotest.Server {
	t.Helper()
	if os.Getenv("HAKO_TEST_APIGW_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	return hakotest.Start(t, opts...)
}

var bg = context.Background()

// apiErr asserts err is the API error code with a message containing msg.
func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// createFn creates the apigwfn test function and returns its ARN.
func createFn(t *testing.T, h *hakotest.Server, name string, env map[string]string) string {
	t.Helper()
	vars := map[string]string{"HAKO_EXECUTE_API_SCHEME": "http"}
	for k, v := range env {
		vars[k] = v
	}
	out, err := h.Lambda().CreateFunction(bg, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "apigwfn")},
		Timeout: aws.Int32(30), Environment: &ltypes.Environment{Variables: vars},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.FunctionArn)
}

// quickAPI creates an HTTP API by quick create with target and returns
// its id.
func quickAPI(t *testing.T, h *hakotest.Server, target string) string {
	t.Helper()
	out, err := h.APIGateway().CreateApi(bg, &apigatewayv2.CreateApiInput{Name: aws.String("quick"), ProtocolType: "HTTP", Target: aws.String(target)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ApiId)
}

// invokeURL is the host-style URL of an API (APIID.execute-api.localhost).
func invokeURL(h *hakotest.Server, apiID string) string {
	u, _ := url.Parse(h.URL)
	return "http://" + apiID + ".execute-api.localhost:" + u.Port()
}

// pathURL is the path-style URL of an API (/_hako/apigw/APIID).
func pathURL(h *hakotest.Server, apiID string) string {
	return h.URL + "/_hako/apigw/" + apiID
}

var client = hakotest.HTTPClient(60 * time.Second)

// do sends a request and returns the response with its body read.
func do(t *testing.T, method, u string, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// message decodes API Gateway's {"message": ...} body.
func message(t *testing.T, b []byte) string {
	t.Helper()
	var m struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Message == nil {
		t.Fatalf("not a message body: %s", b)
	}
	return *m.Message
}
