package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

func TestGetCallerIdentityDefaultAccount(t *testing.T) {
	srv := hakotest.Start(t)
	out, err := srv.STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "000000000000" || aws.ToString(out.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("identity = %s %s", aws.ToString(out.Account), aws.ToString(out.Arn))
	}
}

func TestTwelveDigitAccessKeyIsItsOwnAccount(t *testing.T) {
	srv := hakotest.Start(t)
	srv.AccessKey = "123456789012"
	out, err := srv.STS().GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Account); got != "123456789012" {
		t.Fatalf("account = %s", got)
	}
}

func TestAssumeRoleReturnsCredentials(t *testing.T) {
	srv := hakotest.Start(t)
	out, err := srv.STS().AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/worker"), RoleSessionName: aws.String("s1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") || out.Credentials.Expiration == nil ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::111111111111:assumed-role/worker/s1" {
		t.Fatalf("assume role = %+v %+v", out.Credentials, out.AssumedRoleUser)
	}
}

func TestSTSValidationError(t *testing.T) {
	srv := hakotest.Start(t)
	status, body := srv.Query(t, "sts", "/", url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleSessionName": {"session"}})
	body = []byte(strings.ReplaceAll(string(body), "&#39;", "'"))
	if status != 400 || !strings.Contains(string(body), "<Code>ValidationError</Code>") ||
		!strings.Contains(string(body), "Value null at 'roleArn' failed to satisfy constraint: Member must not be null</Message>") {
		t.Fatalf("%d %s", status, body)
	}
}

func TestHealth(t *testing.T) {
	srv := hakotest.Start(t)
	resp, err := http.Get(srv.URL + "/_hako/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status   string
		Services map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || h.Services["sqs"] != "running" || h.Services["sts"] != "running" {
		t.Fatalf("health = %d %+v", resp.StatusCode, h)
	}
}

func TestUnknownServiceAndOperationErrors(t *testing.T) {
	srv := hakotest.Start(t)
	// Unknown awsJson target prefix.
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "NoSuchService_20200101.Foo")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "UnknownOperationException") {
		t.Fatalf("unknown target: %d %s", resp.StatusCode, b)
	}
	// Unknown operation of a known JSON service.
	req, _ = http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AmazonSQS.NoSuchOp")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "UnknownOperationException") {
		t.Fatalf("unknown op: %d %s", resp.StatusCode, b)
	}
	// Unknown query Action.
	status, body := srv.Query(t, "sts", "/", url.Values{"Action": {"NoSuchAction"}, "Version": {"2011-06-15"}})
	if status != 400 || !strings.Contains(string(body), "<Code>InvalidAction</Code>") {
		t.Fatalf("unknown action: %d %s", status, body)
	}
}

func TestStrictAuth(t *testing.T) {
	srv := hakotest.Start(t, hakotest.WithConfig(func(c *config.Config) {
		c.Auth = config.AuthStrict
		c.Keys = append(c.Keys, config.Key{AccessKeyID: "AKIDEXAMPLE", Secret: "s3cret", Account: "222222222222"})
	}))
	ctx := context.Background()
	client := func(akid, secret string) *sts.Client {
		cfg := srv.AWSConfig()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(akid, secret, "")
		return sts.NewFromConfig(cfg)
	}
	out, err := client("AKIDEXAMPLE", "s3cret").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) != "222222222222" {
		t.Fatalf("known key: %v %v", out, err)
	}
	var ae smithy.APIError
	if _, err := client("AKIDEXAMPLE", "wrong").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); !errors.As(err, &ae) || ae.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("bad signature: %v", err)
	}
	if _, err := client("AKIDUNKNOWN", "x").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("unknown key: %v", err)
	}
	cfg := srv.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDUNKNOWN", "x", "")
	if _, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{}); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("sqs unknown key: %v", err)
	}
	// Unsigned requests are rejected in strict mode.
	resp, err := http.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "MissingAuthenticationToken") {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
	// Except SNS's SubscribeURL and UnsubscribeURL, which AWS serves
	// unsigned: the request reaches SNS (which refuses the bad token).
	resp, err = http.Get(srv.URL + "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:000000000000:none&Token=x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "MissingAuthenticationToken") || resp.StatusCode == 403 {
		t.Fatalf("unsigned ConfirmSubscription: %d %s", resp.StatusCode, b)
	}
}

func TestPermissiveAcceptsUnknownKeysAndUnsigned(t *testing.T) {
	srv := hakotest.Start(t)
	cfg := srv.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("anything", "goes", "")
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<Account>000000000000</Account>") {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
}

func TestSecondServerOnSameDataDirFails(t *testing.T) {
	srv := hakotest.Start(t)
	cfg := config.Default()
	cfg.DataDir = srv.DataDir
	_, err := newServer(cfg)
	if err == nil || !strings.Contains(err.Error(), "in use by another hako") {
		t.Fatalf("err = %v", err)
	}
}
