package lambda_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

func TestFunctionURLs(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	createGo(t, c, "web", func(in *lambda.CreateFunctionInput) {
		in.Code = &types.FunctionCode{ZipFile: lambdatest.Zip(t, map[string]lambdatest.File{"bootstrap": {Body: mustRead(t, lambdatest.BuildGo(t, "urlfn")), Mode: 0o755}})}
	})
	created, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone,
		Cors: &types.Cors{AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "POST"}, MaxAge: aws.Int32(60)}})
	if err != nil {
		t.Fatal(err)
	}
	u := aws.ToString(created.FunctionUrl)
	if !strings.Contains(u, ".lambda-url.us-east-1.localhost:") || aws.ToString(created.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:web" {
		t.Fatalf("created %s %s", u, aws.ToString(created.FunctionArn))
	}
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone}); apiCode(err) != "ResourceConflictException" {
		t.Errorf("second url: %v", err)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
	id := strings.Split(host, ".")[0]

	do := func(method, path string, body []byte, hdr map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, h.URL+path+"?x=1&x=2&y=3", bytes.NewReader(body))
		req.Host = host
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, body := do("POST", "/echo/path", []byte(`{"k":"v"}`), map[string]string{"Content-Type": "application/json", "Cookie": "c1=a; c2=b", "Origin": "https://app.example"})
	if res.StatusCode != 201 || res.Header.Get("X-Custom") != "yes" || len(res.Header.Values("Set-Cookie")) != 2 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Fatalf("response %d %v %s", res.StatusCode, res.Header, body)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatalf("event %s", body)
	}
	if ev.Version != "2.0" || ev.RawPath != "/echo/path" || ev.RawQueryString != "x=1&x=2&y=3" || ev.QueryStringParameters["x"] != "1,2" ||
		ev.Body != `{"k":"v"}` || ev.IsBase64Encoded || len(ev.Cookies) != 2 || ev.Headers["content-type"] != "application/json" ||
		ev.RequestContext.HTTP.Method != "POST" || ev.RequestContext.DomainPrefix != id || ev.RequestContext.AccountID != "000000000000" ||
		ev.RequestContext.HTTP.SourceIP != "127.0.0.1" || ev.RequestContext.RequestID == "" || ev.RequestContext.TimeEpoch == 0 {
		t.Errorf("event %+v", ev)
	}
	res, body = do("GET", "/plain", nil, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" || string(body) != `{"hello":"world"}` {
		t.Errorf("plain %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = do("GET", "/string", nil, nil)
	if res.StatusCode != 200 || string(body) != "just a string" {
		t.Errorf("string %d %s", res.StatusCode, body)
	}
	res, body = do("GET", "/binary", nil, nil)
	if res.StatusCode != 200 || !bytes.Equal(body, []byte{0, 1, 2}) {
		t.Errorf("binary %d %v", res.StatusCode, body)
	}
	res, body = do("GET", "/crash", nil, nil)
	if res.StatusCode != 502 || !strings.Contains(string(body), "Internal Server Error") {
		t.Errorf("crash %d %s", res.StatusCode, body)
	}
	res, _ = do("OPTIONS", "/any", nil, map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Methods") != "GET,POST" || res.Header.Get("Access-Control-Max-Age") != "60" {
		t.Errorf("preflight %d %v", res.StatusCode, res.Header)
	}
	// The path form for clients that cannot set the Host.
	req, _ := http.NewRequest("GET", h.URL+"/_hako/lambda-url/"+id+"/plain", nil)
	pres, err := http.DefaultClient.Do(req)
	if err != nil || pres.StatusCode != 200 {
		b, _ := io.ReadAll(pres.Body)
		t.Errorf("path form: %v %s", err, b)
	}

	// AWS_IAM needs a signature.
	if _, err := c.UpdateFunctionUrlConfig(ctx, &lambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeAwsIam}); err != nil {
		t.Fatal(err)
	}
	res, _ = do("GET", "/plain", nil, nil)
	if res.StatusCode != 403 {
		t.Errorf("unsigned AWS_IAM: %d", res.StatusCode)
	}
	got, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("web")})
	if err != nil || got.AuthType != types.FunctionUrlAuthTypeAwsIam || aws.ToString(got.FunctionUrl) != u {
		t.Errorf("get %+v %v", got, err)
	}
	list, _ := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("web")})
	if len(list.FunctionUrlConfigs) != 1 {
		t.Errorf("list %d", len(list.FunctionUrlConfigs))
	}
	if _, err := c.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	res, _ = do("GET", "/plain", nil, nil)
	if res.StatusCode != 403 {
		t.Errorf("deleted url answers %d", res.StatusCode)
	}
	if _, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("web")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("get deleted: %v", err)
	}
}
