package lambda_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

const role = "arn:aws:iam::000000000000:role/lambda-role"

func createGo(t *testing.T, c *lambda.Client, name string, mut ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String(role),
		Code:         &types.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")},
	}
	for _, m := range mut {
		m(in)
	}
	out, err := c.CreateFunction(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	return out
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestCreateInvokeGetDelete(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	out := createGo(t, c, "fn1", func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"GREETING": "hello"}}
		in.Timeout = aws.Int32(5)
	})
	if out.State != types.StatePending || aws.ToString(out.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:fn1" ||
		aws.ToInt32(out.Timeout) != 5 || aws.ToInt32(out.MemorySize) != 128 || aws.ToString(out.Version) != "$LATEST" || aws.ToString(out.CodeSha256) == "" {
		t.Fatalf("create output %+v", out)
	}
	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fn1")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Configuration.State != types.StateActive || !strings.Contains(aws.ToString(got.Code.Location), "/_hako/lambda/code/") {
		t.Errorf("get %+v %+v", got.Configuration.State, got.Code)
	}
	if dl, err := http.Get(aws.ToString(got.Code.Location)); err != nil || dl.StatusCode != 200 {
		t.Errorf("code download: %v %v", dl, err)
	} else {
		b, _ := io.ReadAll(dl.Body)
		dl.Body.Close()
		sum := sha256.Sum256(b)
		if base64.StdEncoding.EncodeToString(sum[:]) != aws.ToString(got.Configuration.CodeSha256) {
			t.Errorf("downloaded package does not match CodeSha256")
		}
	}

	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fn1"), Payload: []byte(`{"env":"GREETING,AWS_ENDPOINT_URL,AWS_LAMBDA_FUNCTION_NAME","print":"hi there"}`), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	if err := json.Unmarshal(res.Payload, &env); err != nil {
		t.Fatalf("payload %s", res.Payload)
	}
	if env["GREETING"] != "hello" || env["AWS_ENDPOINT_URL"] != h.URL || env["AWS_LAMBDA_FUNCTION_NAME"] != "fn1" {
		t.Errorf("env %v (want endpoint %s)", env, h.URL)
	}
	if res.StatusCode != 200 || aws.ToString(res.ExecutedVersion) != "$LATEST" || res.FunctionError != nil {
		t.Errorf("invoke %+v", res)
	}
	logs, _ := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
	if !strings.Contains(string(logs), "hi there") || !strings.Contains(string(logs), "REPORT RequestId: ") {
		t.Errorf("log tail %q", logs)
	}

	res, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fn1"), Payload: []byte(`{"fail":"kaboom"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(res.FunctionError) != "Unhandled" || !strings.Contains(string(res.Payload), "kaboom") {
		t.Errorf("function error %v %s", res.FunctionError, res.Payload)
	}

	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")}); apiCode(err) != "ResourceNotFoundException" ||
		!strings.Contains(err.Error(), "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope") {
		t.Errorf("missing function: %v", err)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fn1"), Payload: []byte(`{bad`)}); apiCode(err) != "InvalidRequestContentException" {
		t.Errorf("bad json: %v", err)
	}
	dry, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fn1"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Errorf("dry run %v %v", dry, err)
	}
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("fn1"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")}}); apiCode(err) != "ResourceConflictException" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("fn1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fn1")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("after delete: %v", err)
	}
}

func TestCreateValidation(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	zip := lambdatest.GoZip(t, "gofn")
	cases := []struct {
		name string
		in   lambda.CreateFunctionInput
		code string
		msg  string
	}{
		{"deprecated runtime", lambda.CreateFunctionInput{Runtime: types.RuntimeGo1x, Handler: aws.String("main")}, "InvalidParameterValueException", "The runtime parameter of go1.x is no longer supported"},
		{"reserved env", lambda.CreateFunctionInput{Runtime: types.RuntimeProvidedal2023, Handler: aws.String("x"), Environment: &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}}, "InvalidParameterValueException", "Reserved keys used in this request: AWS_REGION"},
		{"no handler", lambda.CreateFunctionInput{Runtime: types.RuntimeProvidedal2023}, "InvalidParameterValueException", "Runtime and Handler are mandatory parameters"},
		{"timeout", lambda.CreateFunctionInput{Runtime: types.RuntimeProvidedal2023, Handler: aws.String("x"), Timeout: aws.Int32(901)}, "ValidationException", "Member must have value less than or equal to 900"},
		{"memory", lambda.CreateFunctionInput{Runtime: types.RuntimeProvidedal2023, Handler: aws.String("x"), MemorySize: aws.Int32(64)}, "ValidationException", "at 'memorySize' failed to satisfy constraint"},
		{"bad zip", lambda.CreateFunctionInput{Runtime: types.RuntimeProvidedal2023, Handler: aws.String("x"), Code: &types.FunctionCode{ZipFile: []byte("not a zip")}}, "InvalidParameterValueException", "Could not unzip uploaded file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.FunctionName = aws.String("v")
			in.Role = aws.String(role)
			if in.Code == nil {
				in.Code = &types.FunctionCode{ZipFile: zip}
			}
			_, err := c.CreateFunction(ctx, &in)
			if apiCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v, want %s %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestVersionsAliasesTagsPolicy(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	ctx := context.Background()
	createGo(t, c, "vf", func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"STAGE": "one"}}
		in.Tags = map[string]string{"team": "a"}
	})
	v1, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("vf")})
	if err != nil || aws.ToString(v1.Version) != "1" || !strings.HasSuffix(aws.ToString(v1.FunctionArn), ":vf:1") {
		t.Fatalf("publish %v %v", v1, err)
	}
	again, _ := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("vf")})
	if aws.ToString(again.Version) != "1" {
		t.Errorf("unchanged publish made version %s", aws.ToString(again.Version))
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("vf"),
		Environment: &types.Environment{Variables: map[string]string{"STAGE": "two"}}}); err != nil {
		t.Fatal(err)
	}
	v2, _ := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("vf")})
	if aws.ToString(v2.Version) != "2" {
		t.Fatalf("second version %s", aws.ToString(v2.Version))
	}
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("vf"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	stage := func(q string) string {
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("vf"), Qualifier: aws.String(q), Payload: []byte(`{"env":"STAGE"}`)})
		if err != nil {
			t.Fatalf("invoke %s: %v", q, err)
		}
		var m map[string]string
		json.Unmarshal(res.Payload, &m)
		return m["STAGE"] + "@" + aws.ToString(res.ExecutedVersion)
	}
	if got := stage("live"); got != "one@1" {
		t.Errorf("alias live runs %s", got)
	}
	if got := stage("2"); got != "two@2" {
		t.Errorf("version 2 runs %s", got)
	}
	if got := stage("$LATEST"); got != "two@$LATEST" {
		t.Errorf("latest runs %s", got)
	}
	if _, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("vf"), Name: aws.String("live"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	if got := stage("live"); got != "two@2" {
		t.Errorf("updated alias runs %s", got)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("vf"), Qualifier: aws.String("9")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing version: %v", err)
	}
	vs, _ := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("vf")})
	if len(vs.Versions) != 3 {
		t.Errorf("versions %d", len(vs.Versions))
	}
	as, _ := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("vf")})
	if len(as.Aliases) != 1 || aws.ToString(as.Aliases[0].FunctionVersion) != "2" {
		t.Errorf("aliases %+v", as.Aliases)
	}

	arn := "arn:aws:lambda:us-east-1:000000000000:function:vf"
	c.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"env": "dev"}})
	c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: []string{"team"}})
	tags, _ := c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	if len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
		t.Errorf("tags %v", tags.Tags)
	}

	if _, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("vf")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("no policy: %v", err)
	}
	if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("vf"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("vf"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com")}); apiCode(err) != "ResourceConflictException" {
		t.Errorf("duplicate sid: %v", err)
	}
	pol, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("vf")})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"Service":"s3.amazonaws.com"`) || !strings.Contains(aws.ToString(pol.Policy), `"AWS:SourceArn":"arn:aws:s3:::bucket"`) {
		t.Errorf("policy %v %v", aws.ToString(pol.Policy), err)
	}
	if _, err := c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("vf"), StatementId: aws.String("s3")}); err != nil {
		t.Fatal(err)
	}

	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("vf"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("vf")}); apiCode(err) != "TooManyRequestsException" {
		t.Errorf("reserved 0 must throttle: %v", err)
	}
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("vf"), ReservedConcurrentExecutions: aws.Int32(950)}); apiCode(err) != "InvalidParameterValueException" {
		t.Errorf("over-reserve: %v", err)
	}
	c.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("vf")})
	settings, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil || aws.ToInt64(&settings.AccountUsage.FunctionCount) != 1 || settings.AccountLimit.ConcurrentExecutions != 1000 {
		t.Errorf("settings %+v %v", settings, err)
	}
	list, _ := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if len(list.Functions) != 1 {
		t.Errorf("list %d", len(list.Functions))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
