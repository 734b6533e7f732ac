package lambda_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/hako-dev/hako/internal/hakotest"
)

func TestESMTags(t *testing.T) {
	h := hakotest.Start(t)
	c, q := h.Lambda(), h.SQS()
	ctx := context.Background()
	_, qarn := makeQueue(t, q, "tagged-src")
	createGo(t, c, "tagged")
	m, err := c.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{FunctionName: aws.String("tagged"),
		EventSourceArn: aws.String(qarn), Enabled: aws.Bool(false), Tags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := m.EventSourceMappingArn
	if _, err := c.TagResource(ctx, &lambda.TagResourceInput{Resource: arn, Tags: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: arn})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["b"] != "2" {
		t.Fatalf("mapping tags %v %v", tags, err)
	}
}
