package restjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// fakeService is an HTTP handler built only from the generic machinery:
// the router, Decode, and WriteResponse/WriteError with canned outputs.
type fakeService struct {
	svc     *model.Service
	router  *restroute.Router
	respond func(op string, in any) (any, error)

	mu    sync.Mutex
	calls []call
}

type call struct {
	op string
	in any
}

func newFake(svc *model.Service, respond func(op string, in any) (any, error)) *fakeService {
	return &fakeService{svc: svc, router: restroute.New(svc), respond: respond}
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, f.svc, "req-1", awserr.As(err))
		return
	}
	res := f.router.Route(r)
	if res.Op == nil {
		WriteError(w, f.svc, "req-1", &awserr.Error{Code: "UnknownOperationException", Message: r.Method + " " + r.URL.Path, Status: 404})
		return
	}
	var in any
	if res.Op.NewInput != nil {
		in = res.Op.NewInput()
	}
	if err := Decode(r, body, res.Labels, in); err != nil {
		WriteError(w, f.svc, "req-1", awserr.As(err))
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, call{op: res.Op.Name, in: in})
	f.mu.Unlock()
	out, err := f.respond(res.Op.Name, in)
	if err != nil {
		WriteError(w, f.svc, "req-1", awserr.As(err))
		return
	}
	WriteResponse(w, res.Op, "req-1", out)
}

func (f *fakeService) last(t *testing.T, op string) any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatalf("no call recorded, want %s", op)
	}
	c := f.calls[len(f.calls)-1]
	if c.op != op {
		t.Fatalf("last call %s, want %s", c.op, op)
	}
	return c.in
}

func ptr[T any](v T) *T { return &v }

func lambdaClient(t *testing.T, url string) *lambda.Client {
	t.Helper()
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

var lambdaTime = time.Date(2024, 5, 6, 7, 8, 9, 250e6, time.UTC)

func lambdaResponder(op string, in any) (any, error) {
	switch op {
	case "CreateFunction":
		req := in.(*lambdaapi.CreateFunctionRequest)
		return &lambdaapi.FunctionConfiguration{
			FunctionName:  req.FunctionName,
			FunctionArn:   ptr("arn:aws:lambda:us-east-1:123456789012:function:" + *req.FunctionName),
			Runtime:       req.Runtime,
			CodeSize:      ptr(int64(len(req.Code.ZipFile))),
			LastModified:  ptr("2024-05-06T07:08:09.250+0000"),
			State:         ptr("Active"),
			MemorySize:    req.MemorySize,
			Environment:   &lambdaapi.EnvironmentResponse{Variables: req.Environment.Variables},
			Layers:        []lambdaapi.Layer{{Arn: ptr(req.Layers[0]), CodeSize: ptr(int64(42))}},
			Architectures: req.Architectures,
		}, nil
	case "Invoke":
		req := in.(*lambdaapi.InvocationRequest)
		status := int32(200)
		if req.InvocationType != nil && *req.InvocationType == "Event" {
			return &lambdaapi.InvocationResponse{StatusCode: ptr(int32(202))}, nil
		}
		return &lambdaapi.InvocationResponse{
			StatusCode:      &status,
			ExecutedVersion: ptr("$LATEST"),
			FunctionError:   ptr("Unhandled"),
			LogResult:       ptr("bG9ncw=="),
			Payload:         append([]byte(`{"echo":`), append(req.Payload, '}')...),
		}, nil
	case "GetFunction":
		req := in.(*lambdaapi.GetFunctionRequest)
		if *req.FunctionName == "missing" {
			return nil, &awserr.Error{Code: "ResourceNotFoundException", Message: "Function not found: missing", Fields: map[string]any{"Type": "User"}}
		}
		if *req.FunctionName == "throttled" {
			return nil, &awserr.Error{Code: "TooManyRequestsException", Message: "Rate exceeded", Fields: map[string]any{"Reason": "CallerRateLimitExceeded"}, Headers: map[string]string{"Retry-After": "3"}}
		}
		if *req.FunctionName == "weird" {
			return nil, &awserr.Error{Code: "AccessDeniedException", Message: "nope", Status: 403}
		}
		return &lambdaapi.GetFunctionResponse{
			Configuration: &lambdaapi.FunctionConfiguration{FunctionName: req.FunctionName, Version: req.Qualifier, Timeout: ptr(int32(30))},
			Code:          &lambdaapi.FunctionCodeLocation{Location: ptr("https://example.invalid/code.zip?a=1&b=2"), RepositoryType: ptr("S3")},
			Tags:          map[string]string{"team": "core", "unicode": "日本\"\\\n"},
			Concurrency:   &lambdaapi.Concurrency{ReservedConcurrentExecutions: ptr(int32(0))},
		}, nil
	case "ListFunctions":
		return &lambdaapi.ListFunctionsResponse{
			Functions:  []lambdaapi.FunctionConfiguration{{FunctionName: ptr("a")}, {FunctionName: ptr("b"), Description: ptr("")}},
			NextMarker: ptr("next-page"),
		}, nil
	case "ListVersionsByFunction":
		return &lambdaapi.ListVersionsByFunctionResponse{Versions: []lambdaapi.FunctionConfiguration{{Version: ptr("1")}, {Version: ptr("$LATEST")}}}, nil
	case "GetEventSourceMapping":
		return &lambdaapi.EventSourceMappingConfiguration{
			UUID:                      in.(*lambdaapi.GetEventSourceMappingRequest).UUID,
			LastModified:              &model.Timestamp{Time: lambdaTime},
			StartingPositionTimestamp: &model.Timestamp{Time: lambdaTime.Truncate(time.Second)},
			BatchSize:                 ptr(int32(10)),
			SelfManagedEventSource:    &lambdaapi.SelfManagedEventSource{Endpoints: map[string][]string{"KAFKA_BOOTSTRAP_SERVERS": {"a:9092", "b:9092"}}},
		}, nil
	case "DeleteFunction", "TagResource", "UntagResource":
		return nil, nil
	}
	return nil, awserr.New("UnknownOperationException", op)
}

func TestLambdaSDKRoundTrip(t *testing.T) {
	fake := newFake(lambdaapi.Service, lambdaResponder)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := lambdaClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("CreateFunction", func(t *testing.T) {
		zip := []byte("PK\x03\x04 fake zip \x00\xff")
		out, err := client.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName:  aws.String("fn-1"),
			Runtime:       types.RuntimePython312,
			Role:          aws.String("arn:aws:iam::123456789012:role/r"),
			Handler:       aws.String("app.handler"),
			Code:          &types.FunctionCode{ZipFile: zip},
			Environment:   &types.Environment{Variables: map[string]string{"A": "1", "B": "two words"}},
			Timeout:       aws.Int32(15),
			MemorySize:    aws.Int32(256),
			Publish:       false,
			Layers:        []string{"arn:aws:lambda:us-east-1:123456789012:layer:l:1"},
			Tags:          map[string]string{"k": "v"},
			Architectures: []types.Architecture{types.ArchitectureArm64},
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "CreateFunction").(*lambdaapi.CreateFunctionRequest)
		want := &lambdaapi.CreateFunctionRequest{
			FunctionName:  ptr("fn-1"),
			Runtime:       ptr("python3.12"),
			Role:          ptr("arn:aws:iam::123456789012:role/r"),
			Handler:       ptr("app.handler"),
			Code:          &lambdaapi.FunctionCode{ZipFile: zip},
			Environment:   &lambdaapi.Environment{Variables: map[string]string{"A": "1", "B": "two words"}},
			Timeout:       ptr(int32(15)),
			MemorySize:    ptr(int32(256)),
			Layers:        []string{"arn:aws:lambda:us-east-1:123456789012:layer:l:1"},
			Tags:          map[string]string{"k": "v"},
			Architectures: []string{"arm64"},
		}
		// The SDK sends Publish=false explicitly (a defaulted boolean).
		in.Publish = nil
		if !reflect.DeepEqual(in, want) {
			t.Errorf("decoded input\n got %+v\nwant %+v", in, want)
		}
		if aws.ToString(out.FunctionArn) != "arn:aws:lambda:us-east-1:123456789012:function:fn-1" || out.Runtime != types.RuntimePython312 ||
			aws.ToInt64(&out.CodeSize) != int64(len(zip)) || out.State != types.StateActive || aws.ToInt32(out.MemorySize) != 256 ||
			out.Environment.Variables["B"] != "two words" || len(out.Layers) != 1 || out.Layers[0].CodeSize != 42 ||
			aws.ToString(out.LastModified) != "2024-05-06T07:08:09.250+0000" || len(out.Architectures) != 1 || out.Architectures[0] != types.ArchitectureArm64 {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("Invoke", func(t *testing.T) {
		out, err := client.Invoke(ctx, &lambda.InvokeInput{
			FunctionName:   aws.String("arn:aws:lambda:us-east-1:123456789012:function:fn-1"),
			Qualifier:      aws.String("$LATEST"),
			InvocationType: types.InvocationTypeRequestResponse,
			LogType:        types.LogTypeTail,
			ClientContext:  aws.String("eyJjdXN0b20iOnt9fQ=="),
			Payload:        []byte(`{"hello":"world"}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "Invoke").(*lambdaapi.InvocationRequest)
		want := &lambdaapi.InvocationRequest{
			FunctionName:   ptr("arn:aws:lambda:us-east-1:123456789012:function:fn-1"),
			Qualifier:      ptr("$LATEST"),
			InvocationType: ptr("RequestResponse"),
			LogType:        ptr("Tail"),
			ClientContext:  ptr("eyJjdXN0b20iOnt9fQ=="),
			Payload:        []byte(`{"hello":"world"}`),
		}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("decoded input\n got %+v\nwant %+v", in, want)
		}
		if out.StatusCode != 200 || aws.ToString(out.ExecutedVersion) != "$LATEST" || aws.ToString(out.FunctionError) != "Unhandled" ||
			aws.ToString(out.LogResult) != "bG9ncw==" || string(out.Payload) != `{"echo":{"hello":"world"}}` {
			t.Errorf("output = %+v payload %q", out, out.Payload)
		}

		// The status member sets the HTTP status.
		out, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fn-1"), InvocationType: types.InvocationTypeEvent})
		if err != nil {
			t.Fatal(err)
		}
		if out.StatusCode != 202 || len(out.Payload) != 0 {
			t.Errorf("async invoke output = %+v", out)
		}
		if in := fake.last(t, "Invoke").(*lambdaapi.InvocationRequest); in.Payload != nil {
			t.Errorf("empty payload decoded as %q", in.Payload)
		}
	})

	t.Run("GetFunction", func(t *testing.T) {
		out, err := client.GetFunction(ctx, &lambda.GetFunctionInput{
			FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:fn/x y"),
			Qualifier:    aws.String("7"),
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "GetFunction").(*lambdaapi.GetFunctionRequest)
		if aws.ToString(in.FunctionName) != "arn:aws:lambda:us-east-1:123456789012:function:fn/x y" || aws.ToString(in.Qualifier) != "7" {
			t.Errorf("decoded input %+v", in)
		}
		if aws.ToString(out.Configuration.Version) != "7" || aws.ToInt32(out.Configuration.Timeout) != 30 ||
			aws.ToString(out.Code.Location) != "https://example.invalid/code.zip?a=1&b=2" || out.Tags["unicode"] != "日本\"\\\n" ||
			aws.ToInt32(out.Concurrency.ReservedConcurrentExecutions) != 0 || out.Concurrency.ReservedConcurrentExecutions == nil {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("ListFunctions", func(t *testing.T) {
		out, err := client.ListFunctions(ctx, &lambda.ListFunctionsInput{
			MaxItems:        aws.Int32(2),
			Marker:          aws.String("m&=1"),
			FunctionVersion: types.FunctionVersionAll,
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "ListFunctions").(*lambdaapi.ListFunctionsRequest)
		want := &lambdaapi.ListFunctionsRequest{MaxItems: ptr(int32(2)), Marker: ptr("m&=1"), FunctionVersion: ptr("ALL")}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("decoded input\n got %+v\nwant %+v", in, want)
		}
		if len(out.Functions) != 2 || aws.ToString(out.Functions[1].FunctionName) != "b" || out.Functions[1].Description == nil ||
			aws.ToString(out.NextMarker) != "next-page" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("ListVersionsByFunction", func(t *testing.T) {
		out, err := client.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("fn-1"), MaxItems: aws.Int32(50)})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "ListVersionsByFunction").(*lambdaapi.ListVersionsByFunctionRequest)
		if aws.ToString(in.FunctionName) != "fn-1" || aws.ToInt32(in.MaxItems) != 50 {
			t.Errorf("decoded input %+v", in)
		}
		if len(out.Versions) != 2 || aws.ToString(out.Versions[1].Version) != "$LATEST" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("Tags", func(t *testing.T) {
		arn := "arn:aws:lambda:us-east-1:123456789012:function:fn-1"
		if _, err := client.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"a": "1", "b": ""}}); err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "TagResource").(*lambdaapi.TagResourceRequest)
		if aws.ToString(in.Resource) != arn || !reflect.DeepEqual(in.Tags, map[string]string{"a": "1", "b": ""}) {
			t.Errorf("decoded input %+v", in)
		}
		if _, err := client.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: []string{"a", "b,c", "d e"}}); err != nil {
			t.Fatal(err)
		}
		un := fake.last(t, "UntagResource").(*lambdaapi.UntagResourceRequest)
		if aws.ToString(un.Resource) != arn || !reflect.DeepEqual(un.TagKeys, []string{"a", "b,c", "d e"}) {
			t.Errorf("decoded input %+v", un)
		}
	})

	t.Run("DeleteFunction", func(t *testing.T) {
		if _, err := client.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("fn-1"), Qualifier: aws.String("3")}); err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "DeleteFunction").(*lambdaapi.DeleteFunctionRequest)
		if aws.ToString(in.FunctionName) != "fn-1" || aws.ToString(in.Qualifier) != "3" {
			t.Errorf("decoded input %+v", in)
		}
	})

	t.Run("EpochTimestamps", func(t *testing.T) {
		out, err := client.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String("1234-abcd")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.UUID) != "1234-abcd" || !aws.ToTime(out.LastModified).Equal(lambdaTime) ||
			!aws.ToTime(out.StartingPositionTimestamp).Equal(lambdaTime.Truncate(time.Second)) || aws.ToInt32(out.BatchSize) != 10 ||
			!reflect.DeepEqual(out.SelfManagedEventSource.Endpoints, map[string][]string{"KAFKA_BOOTSTRAP_SERVERS": {"a:9092", "b:9092"}}) {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("missing")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("err = %T %v, want ResourceNotFoundException", err, err)
		}
		if aws.ToString(nf.Message) != "Function not found: missing" || aws.ToString(nf.Type) != "User" {
			t.Errorf("error = %+v", nf)
		}
		var re interface{ HTTPStatusCode() int }
		if !errors.As(err, &re) || re.HTTPStatusCode() != 404 {
			t.Errorf("status of %v", err)
		}

		_, err = client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("throttled")})
		var tm *types.TooManyRequestsException
		if !errors.As(err, &tm) || tm.Reason != types.ThrottleReasonCallerRateLimitExceeded || aws.ToString(tm.RetryAfterSeconds) != "3" {
			t.Fatalf("err = %T %v", err, err)
		}

		_, err = client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("weird")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != "nope" {
			t.Fatalf("err = %T %v", err, err)
		}
	})
}

// TestLambdaRawRequests covers what the SDK never sends.
func TestLambdaRawRequests(t *testing.T) {
	fake := newFake(lambdaapi.Service, lambdaResponder)
	srv := httptest.NewServer(fake)
	defer srv.Close()

	do := func(method, path, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := do("POST", "/2015-03-31/functions", `{"FunctionName": `)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "SerializationException" || !strings.Contains(body, `"message"`) {
		t.Errorf("malformed JSON: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, _ = do("POST", "/2015-03-31/functions", `{"Timeout": "ten"}`)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "SerializationException" {
		t.Errorf("wrong type: %d", resp.StatusCode)
	}
	resp, _ = do("GET", "/2015-03-31/functions?MaxItems=lots", "")
	if resp.StatusCode != 400 {
		t.Errorf("bad query int: %d", resp.StatusCode)
	}
	resp, body = do("DELETE", "/2015-03-31/functions/fn-1", "")
	if resp.StatusCode != 204 || body != "" || resp.Header.Get("Content-Type") != "" {
		t.Errorf("DeleteFunction: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = do("GET", "/2015-03-31/functions/fn-1", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("X-Amzn-Requestid") != "req-1" ||
		!strings.HasPrefix(body, `{"Code":{`) {
		t.Errorf("GetFunction: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// Bound members are not read from the body.
	resp, _ = do("POST", "/2015-03-31/functions/fn-1/invocations", `{"FunctionName":"other"}`)
	if in := fake.last(t, "Invoke").(*lambdaapi.InvocationRequest); resp.StatusCode != 200 || aws.ToString(in.FunctionName) != "fn-1" {
		t.Errorf("Invoke: %d %+v", resp.StatusCode, in)
	}
}
