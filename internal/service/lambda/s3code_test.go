package lambda_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

// TestCodeFromS3 deploys a function from an object in hako's S3, as SAM and
// CloudFormation do (Code.S3Bucket/S3Key/S3ObjectVersion).
func TestCodeFromS3(t *testing.T) {
	h := hakotest.Start(t)
	c := h.Lambda()
	s := h.S3()
	ctx := context.Background()
	if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("deploy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("deploy"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	zip := lambdatest.GoZip(t, "gofn")
	v1, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("deploy"), Key: aws.String("fn.zip"), Body: bytes.NewReader(zip)})
	if err != nil {
		t.Fatal(err)
	}
	// A newer version that is not a zip: the pinned version must be used.
	if _, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("deploy"), Key: aws.String("fn.zip"), Body: strings.NewReader("not a zip")}); err != nil {
		t.Fatal(err)
	}
	createGo(t, c, "from-s3", func(in *lambda.CreateFunctionInput) {
		in.Code = &types.FunctionCode{S3Bucket: aws.String("deploy"), S3Key: aws.String("fn.zip"), S3ObjectVersion: v1.VersionId}
	})
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("from-s3"), Payload: []byte(`{"echo":"from s3"}`)})
	if err != nil || out.FunctionError != nil || !strings.Contains(string(out.Payload), "from s3") {
		t.Fatalf("invoke: %v %s %s", err, aws.ToString(out.FunctionError), out.Payload)
	}
	_, err = c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("from-s3"), S3Bucket: aws.String("deploy"), S3Key: aws.String("fn.zip")})
	if apiCode(err) != "InvalidParameterValueException" {
		t.Errorf("update to a non-zip object: %v", err)
	}
	_, err = c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("from-s3"), S3Bucket: aws.String("deploy"), S3Key: aws.String("missing.zip")})
	if err == nil || !strings.Contains(err.Error(), "S3 Error Code: NoSuchKey") {
		t.Errorf("update from a missing key: %v", err)
	}
}
