package s3_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestBuckets(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	for _, n := range []string{"alpha", "beta.bucket", "gamma-1"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(n)}); err != nil {
			t.Fatalf("create %s: %v", n, err)
		}
	}
	// us-east-1 answers 200 to the owner's re-create.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Errorf("re-create in us-east-1: %v", err)
	}
	other := h.S3(func(o *s3.Options) { o.Credentials = staticCreds("111111111111") })
	if _, err := other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alpha")}); code(err) != "BucketAlreadyExists" {
		t.Errorf("another account's name: %v", err)
	}
	for _, bad := range []string{"ab", "UPPER", "has_underscore", "-start", "end-", "a..b", "192.168.1.1", "xn--punycode", "x-s3alias"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bad)}); code(err) != "InvalidBucketName" {
			t.Errorf("bucket %q: %v", bad, err)
		}
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("loc-east"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); code(err) != "IllegalLocationConstraintException" {
		t.Errorf("eu-west-1 constraint at us-east-1: %v", err)
	}
	west := h.S3(func(o *s3.Options) { o.Region = "eu-west-1" })
	if _, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("in-ireland"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("in-ireland"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); code(err) != "BucketAlreadyOwnedByYou" {
		t.Errorf("re-create outside us-east-1: %v", err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("in-ireland")})
	if err != nil || loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
		t.Errorf("location %v %v", loc, err)
	}
	loc, err = c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("alpha")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("us-east-1 location %q %v", loc.LocationConstraint, err)
	}
	hb, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("in-ireland")})
	if err != nil || aws.ToString(hb.BucketRegion) != "eu-west-1" {
		t.Errorf("head %v %v", hb, err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nope-nope")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("head missing: %v", err)
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() != http.StatusNotFound {
		t.Errorf("head missing status %d", re.HTTPStatusCode())
	}
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 4 || aws.ToString(list.Buckets[0].Name) != "alpha" || list.Owner == nil || aws.ToString(list.Owner.ID) == "" {
		t.Fatalf("list %+v %v", list, err)
	}
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	var names []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
	}
	if len(names) != 4 || names[3] != "in-ireland" {
		t.Errorf("paginated %v", names)
	}
	if pl, _ := c.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: aws.String("g")}); len(pl.Buckets) != 1 {
		t.Errorf("prefix %v", pl.Buckets)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("gamma-1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("gamma-1")}); code(err) != "NoSuchBucket" {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("gamma-1")}); code(err) != "NoSuchBucket" {
		t.Errorf("location of deleted: %v", err)
	}
	if _, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("alpha")}); code(err) != "NoSuchTagSet" {
		t.Errorf("tagging of an untagged bucket: %v", err)
	}
}
