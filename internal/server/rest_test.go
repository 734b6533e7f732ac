package server

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// TestRESTRoutingOnOnePort registers stand-in restJson1 (Lambda) and
// restXml (S3) services next to SQS and STS and drives them with the real
// SDK clients: the edge routes by SigV4 scope and URI pattern, decodes
// labels, query, headers and bodies, and encodes outputs and modelled errors.
func TestRESTRoutingOnOnePort(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	srv, err := New(context.Background(), cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var lambdaCalls []string
	// The stand-ins replace the real Lambda and S3 services of the server.
	srv.restBindings = slices.DeleteFunc(srv.restBindings, func(b *binding) bool { return b.model.Name == "lambda" || b.model.Name == "s3" })
	srv.register(&binding{
		model: lambdaapi.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			lambdaCalls = append(lambdaCalls, op+":"+reqinfo.From(ctx).Account)
			switch op {
			case "GetFunction":
				name := *in.(*lambdaapi.GetFunctionRequest).FunctionName
				if name != "hello" {
					return nil, awserr.New("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:"+name)
				}
				return &lambdaapi.GetFunctionResponse{Configuration: &lambdaapi.FunctionConfiguration{FunctionName: aws.String(name), Runtime: aws.String("provided.al2023")}}, nil
			}
			return nil, awserr.New("ServiceException", "not in this test").WithStatus(500)
		},
		health: func() string { return "running" },
	})
	srv.register(&binding{
		model: s3api.Service,
		dispatch: func(ctx context.Context, op string, in any) (any, error) {
			switch op {
			case "GetObject":
				in := in.(*s3api.GetObjectRequest)
				if *in.Key != "dir/a b.txt" {
					return nil, awserr.New("NoSuchKey", "The specified key does not exist.").WithStatus(404)
				}
				return &s3api.GetObjectOutput{Body: io.NopCloser(strings.NewReader("content of " + *in.Bucket + "/" + *in.Key)), ContentType: aws.String("text/plain")}, nil
			case "PutObject":
				// The body arrives as a stream, never read by the edge.
				h := md5.New()
				n, err := io.Copy(h, in.(*s3api.PutObjectRequest).Body)
				if err != nil {
					return nil, err
				}
				return &s3api.PutObjectOutput{ETag: aws.String(fmt.Sprintf(`"%x-%d"`, h.Sum(nil), n))}, nil
			}
			return nil, awserr.New("NotImplemented", "not in this test").WithStatus(501)
		},
		health: func() string { return "running" },
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	awsCfg := aws.Config{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String("http://" + l.Addr().String()), RetryMaxAttempts: 1,
	}
	ctx := context.Background()

	lc := lambda.NewFromConfig(awsCfg)
	fn, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fn.Configuration.FunctionName) != "hello" || fn.Configuration.Runtime != lambdatypes.RuntimeProvidedal2023 {
		t.Fatalf("GetFunction = %+v", fn.Configuration)
	}
	_, err = lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
	var rnf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("GetFunction(nope) err = %v", err)
	}
	if len(lambdaCalls) != 2 || lambdaCalls[0] != "GetFunction:000000000000" {
		t.Fatalf("lambda calls = %v", lambdaCalls)
	}

	sc := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
	obj, err := sc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("dir/a b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := obj.Body.Read(buf)
	if string(buf[:n]) != "content of photos/dir/a b.txt" {
		t.Fatalf("GetObject body = %q", buf[:n])
	}
	// A body larger than the edge's 16 MiB cap for read-whole bodies.
	big := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)
	put, err := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("big"), Body: bytes.NewReader(big)})
	if err != nil {
		t.Fatalf("PutObject of 20 MiB: %v", err)
	}
	if want := fmt.Sprintf(`"%x-%d"`, md5.Sum(big), len(big)); aws.ToString(put.ETag) != want {
		t.Fatalf("PutObject ETag %s, want %s", aws.ToString(put.ETag), want)
	}
	_, err = sc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("GetObject(missing) err = %v", err)
	}

	// Unsigned requests: the Host names the service (s3.localhost), else
	// the first service whose routes match the path.
	get := func(host string) (int, string) {
		req, _ := http.NewRequest("GET", "http://"+l.Addr().String()+"/2015-03-31/functions/hello", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("localhost:4566"); status != 200 || !strings.Contains(body, `"FunctionName":"hello"`) {
		t.Fatalf("path-routed GET = %d %s", status, body)
	}
	if status, body := get("s3.localhost:4566"); status != 404 || !strings.Contains(body, "<Code>NoSuchKey</Code>") {
		t.Fatalf("host-routed GET = %d %s", status, body)
	}
}
