package s3_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/hakotest"
)

// wantErr fails unless err is the S3 error code with the HTTP status (and
// message, when msg is not empty).
func wantErr(t *testing.T, err error, wantCode string, wantStatus int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", wantCode)
	}
	if code(err) != wantCode || status(err) != wantStatus {
		t.Fatalf("want %s (%d), got %s (%d): %v", wantCode, wantStatus, code(err), status(err), err)
	}
	if msg != "" {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorMessage() != msg {
			t.Fatalf("message: want %q, got %q", msg, ae.ErrorMessage())
		}
	}
}

// must returns v, panicking (which fails the test) on an error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func TestBucketTagging(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "tagged")
	b := aws.String("tagged")

	_, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	wantErr(t, err, "NoSuchTagSet", 404, "The TagSet does not exist")
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("nope-nope")})
	wantErr(t, err, "NoSuchBucket", 404, "")

	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("search")}, {Key: aws.String("cost"), Value: aws.String("")}}
	must(c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: tags}}))
	out := must(c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}))
	if len(out.TagSet) != 2 || aws.ToString(out.TagSet[0].Key) != "team" || aws.ToString(out.TagSet[1].Value) != "" {
		t.Fatalf("tags: %+v", out.TagSet)
	}

	for _, tc := range []struct {
		tags       []types.Tag
		code, msg  string
		wantStatus int
	}{
		{[]types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}, "InvalidTag", "System tags cannot be added/updated by requester", 400},
		{[]types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}, "InvalidTag", "Cannot provide multiple Tags with the same key", 400},
		{[]types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}, "InvalidTag", "The TagKey you have provided is invalid", 400},
	} {
		_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: tc.tags}})
		wantErr(t, err, tc.code, tc.wantStatus, tc.msg)
	}
	var many []types.Tag
	for i := 0; i < 51; i++ {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
	}
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: many}})
	wantErr(t, err, "BadRequest", 400, "Bucket tag count cannot be greater than 50")

	must(c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: b}))
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	wantErr(t, err, "NoSuchTagSet", 404, "")
}

func TestBucketPolicy(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "pol")
	b := aws.String("pol")

	_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	wantErr(t, err, "NoSuchBucketPolicy", 404, "The bucket policy does not exist")
	_, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	wantErr(t, err, "NoSuchBucketPolicy", 404, "")

	for _, tc := range []struct{ doc, msg string }{
		{"not json", "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Version": "2012-10-17"`, "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Version": "2012-10-17"}`, "Missing required field Statement"},
		{`{"Version": "2013-01-01", "Statement": []}`, "The policy must contain a valid version string"},
		{`{"Statement": [{"Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol/*"}]}`, "Missing required field Effect"},
		{`{"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol/*"}]}`, "Invalid effect: Maybe"},
		{`{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol/*"}]}`, "Missing required field Principal"},
		{`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "someone"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol/*"}]}`, "Invalid principal in policy"},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "arn:aws:s3:::pol/*"}]}`, "Missing required field Action"},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "arn:aws:s3:::pol/*"}]}`, "Policy has invalid action"},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}`, "Missing required field Resource"},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"}]}`, "Policy has invalid resource"},
	} {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(tc.doc)})
		wantErr(t, err, "MalformedPolicy", 400, tc.msg)
	}

	public := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::pol/*"]}]}`
	// New buckets block public policies, as on AWS.
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	wantErr(t, err, "AccessDenied", 403, "Access Denied")

	private := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":["arn:aws:s3:::pol","arn:aws:s3:::pol/*"]}]}`
	must(c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(private)}))
	got := must(c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}))
	if aws.ToString(got.Policy) != private {
		t.Fatalf("policy: %s", aws.ToString(got.Policy))
	}
	st := must(c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}))
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("private policy reads as public")
	}

	must(c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}))
	must(c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)}))
	st = must(c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}))
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("public policy reads as private")
	}

	must(c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b}))
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	wantErr(t, err, "NoSuchBucketPolicy", 404, "")
	// Deleting what is not there succeeds.
	must(c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b}))
}

func TestBucketEncryptionAndAccessSettings(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "enc")
	b := aws.String("enc")

	// Encryption: SSE-S3 by default.
	enc := must(c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}))
	r := enc.ServerSideEncryptionConfiguration.Rules
	if len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Fatalf("default encryption: %+v", r)
	}
	must(c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
			SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/mine")}, BucketKeyEnabled: aws.Bool(true)}},
	}}))
	enc = must(c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}))
	d := enc.ServerSideEncryptionConfiguration.Rules[0]
	if d.ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms || aws.ToString(d.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "alias/mine" || !aws.ToBool(d.BucketKeyEnabled) {
		t.Fatalf("encryption: %+v", d)
	}
	_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
			SSEAlgorithm: types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String("alias/mine")}}},
	}})
	wantErr(t, err, "InvalidArgument", 400, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: "DES"}}},
	}})
	if status(err) != 400 { // the model's enum check answers first
		t.Fatalf("SSEAlgorithm DES: %v", err)
	}
	must(c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: b}))
	enc = must(c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}))
	if enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Fatal("encryption not back to SSE-S3")
	}

	// Block Public Access: all on for a new bucket.
	pab := must(c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})).PublicAccessBlockConfiguration
	if !aws.ToBool(pab.BlockPublicAcls) || !aws.ToBool(pab.BlockPublicPolicy) || !aws.ToBool(pab.IgnorePublicAcls) || !aws.ToBool(pab.RestrictPublicBuckets) {
		t.Fatalf("default public access block: %+v", pab)
	}
	must(c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true)}}))
	pab = must(c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})).PublicAccessBlockConfiguration
	if !aws.ToBool(pab.BlockPublicAcls) || aws.ToBool(pab.BlockPublicPolicy) || pab.IgnorePublicAcls == nil {
		t.Fatalf("public access block: %+v", pab)
	}
	must(c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}))
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	wantErr(t, err, "NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")

	// Object Ownership: BucketOwnerEnforced for a new bucket.
	own := must(c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b}))
	if own.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("ownership: %+v", own.OwnershipControls)
	}
	must(c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}))
	own = must(c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b}))
	if own.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipObjectWriter {
		t.Fatalf("ownership: %+v", own.OwnershipControls)
	}
	_, err = c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: "Nobody"}}}})
	if status(err) != 400 {
		t.Fatalf("ObjectOwnership Nobody: %v", err)
	}
	must(c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: b}))
	_, err = c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	wantErr(t, err, "OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")

	// Acceleration, requester pays, logging.
	acc := must(c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b}))
	if acc.Status != "" {
		t.Fatalf("accelerate: %q", acc.Status)
	}
	must(c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: b,
		AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}}))
	if acc := must(c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b})); acc.Status != types.BucketAccelerateStatusEnabled {
		t.Fatalf("accelerate: %q", acc.Status)
	}
	newBucket(t, c, "dotted.bucket")
	_, err = c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: aws.String("dotted.bucket"),
		AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}})
	wantErr(t, err, "InvalidRequest", 400, "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")

	if p := must(c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})); p.Payer != types.PayerBucketOwner {
		t.Fatalf("payer: %q", p.Payer)
	}
	must(c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: b, RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}}))
	if p := must(c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})); p.Payer != types.PayerRequester {
		t.Fatalf("payer: %q", p.Payer)
	}

	if l := must(c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})); l.LoggingEnabled != nil {
		t.Fatalf("logging: %+v", l.LoggingEnabled)
	}
	newBucket(t, c, "logs-target")
	must(c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: b, BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("logs-target"), TargetPrefix: aws.String("enc/")}}}))
	l := must(c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b}))
	if l.LoggingEnabled == nil || aws.ToString(l.LoggingEnabled.TargetBucket) != "logs-target" || aws.ToString(l.LoggingEnabled.TargetPrefix) != "enc/" {
		t.Fatalf("logging: %+v", l.LoggingEnabled)
	}
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: b, BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("no-such-target"), TargetPrefix: aws.String("x/")}}})
	wantErr(t, err, "InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist")
	must(c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: b, BucketLoggingStatus: &types.BucketLoggingStatus{}}))
	if l := must(c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})); l.LoggingEnabled != nil {
		t.Fatalf("logging after disable: %+v", l.LoggingEnabled)
	}
}

func granteeSet(grants []types.Grant) map[string]bool {
	m := map[string]bool{}
	for _, g := range grants {
		who := aws.ToString(g.Grantee.ID) + aws.ToString(g.Grantee.URI) + aws.ToString(g.Grantee.EmailAddress)
		m[string(g.Grantee.Type)+" "+who+" "+string(g.Permission)] = true
	}
	return m
}

func TestACLs(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "acl")
	b := aws.String("acl")
	put(t, c, "acl", "obj", "data")

	acl := must(c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}))
	ownerID := aws.ToString(acl.Owner.ID)
	if len(ownerID) != 64 || len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl ||
		aws.ToString(acl.Grants[0].Grantee.ID) != ownerID || acl.Grants[0].Grantee.Type != types.TypeCanonicalUser {
		t.Fatalf("default bucket acl: %+v %+v", acl.Owner, acl.Grants)
	}
	oacl := must(c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: aws.String("obj")}))
	if aws.ToString(oacl.Owner.ID) != ownerID || len(oacl.Grants) != 1 || oacl.Grants[0].Permission != types.PermissionFullControl {
		t.Fatalf("default object acl: %+v", oacl.Grants)
	}

	// ACLs are disabled (BucketOwnerEnforced): only the owner-only ACLs pass.
	_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	wantErr(t, err, "AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
	must(c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPrivate}))
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("obj"), ACL: types.ObjectCannedACLPublicRead})
	wantErr(t, err, "AccessControlListNotSupported", 400, "")
	must(c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("obj"), ACL: types.ObjectCannedACLBucketOwnerFullControl}))

	// With ACLs enabled, Block Public Access still refuses public grants.
	must(c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}}))
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	wantErr(t, err, "AccessDenied", 403, "")
	must(c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}))

	must(c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}))
	acl = must(c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}))
	gs := granteeSet(acl.Grants)
	if len(gs) != 2 || !gs["CanonicalUser "+ownerID+" FULL_CONTROL"] || !gs["Group http://acs.amazonaws.com/groups/global/AllUsers READ"] {
		t.Fatalf("public-read acl: %v", gs)
	}

	other := strings.Repeat("ab", 32)
	must(c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, GrantRead: aws.String(`id="` + other + `", uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"`),
		GrantFullControl: aws.String("id=" + ownerID)}))
	gs = granteeSet(must(c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})).Grants)
	if len(gs) != 3 || !gs["CanonicalUser "+other+" READ"] || !gs["Group http://acs.amazonaws.com/groups/global/AuthenticatedUsers READ"] {
		t.Fatalf("grant-header acl: %v", gs)
	}

	must(c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, AccessControlPolicy: &types.AccessControlPolicy{
		Owner: &types.Owner{ID: aws.String(ownerID)},
		Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(ownerID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: types.PermissionWrite},
		}}}))
	gs = granteeSet(must(c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})).Grants)
	if len(gs) != 2 || !gs["Group http://acs.amazonaws.com/groups/s3/LogDelivery WRITE"] {
		t.Fatalf("policy acl: %v", gs)
	}

	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, GrantRead: aws.String("uri=http://example.com/group")})
	wantErr(t, err, "InvalidArgument", 400, "Invalid group uri")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, GrantRead: aws.String("id=short")})
	wantErr(t, err, "InvalidArgument", 400, "Invalid id")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPrivate, GrantRead: aws.String("id=" + ownerID)})
	wantErr(t, err, "InvalidRequest", 400, "Specifying both Canned ACLs and Header Grants is not allowed")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: "everyone"})
	wantErr(t, err, "InvalidArgument", 400, "")

	// Object ACLs, per version.
	must(c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("obj"), ACL: types.ObjectCannedACLPublicRead}))
	gs = granteeSet(must(c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: aws.String("obj")})).Grants)
	if len(gs) != 2 || !gs["Group http://acs.amazonaws.com/groups/global/AllUsers READ"] {
		t.Fatalf("object acl: %v", gs)
	}
	_, err = c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: aws.String("missing")})
	wantErr(t, err, "NoSuchKey", 404, "")
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("missing"), ACL: types.ObjectCannedACLPrivate})
	wantErr(t, err, "NoSuchKey", 404, "")

	// Back to BucketOwnerEnforced is refused while the bucket ACL grants others.
	_, err = c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	wantErr(t, err, "InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
}
