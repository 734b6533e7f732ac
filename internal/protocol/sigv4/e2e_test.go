package sigv4

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// recorder is an HTTP handler that authenticates every request with
// Parse+Verify and records the outcome.
type recorder struct {
	secrets map[string]string

	mu      sync.Mutex
	results []result
}

type result struct {
	target string
	info   *Info
	err    error
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		var info *Info
		info, err = Parse(r)
		switch {
		case err != nil:
		case info == nil:
			err = errors.New("anonymous request")
		default:
			secret, ok := rec.secrets[info.AccessKeyID]
			if !ok {
				err = errors.New("unknown access key " + info.AccessKeyID)
				break
			}
			err = Verify(r, info, secret, PayloadHash(r, body), time.Now(), DefaultMaxSkew)
		}
		rec.mu.Lock()
		rec.results = append(rec.results, result{target: r.Method + " " + r.RequestURI, info: info, err: err})
		rec.mu.Unlock()
	}
	if err != nil {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"__type":"com.amazon.coral.service#SignatureDoesNotMatch","message":"denied"}`)
		return
	}
	// Good enough for the SQS JSON client; other clients may fail to
	// deserialise it, which the tests ignore.
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = io.WriteString(w, `{}`)
}

func (rec *recorder) take() []result {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.results
	rec.results = nil
	return out
}

func TestEndToEndSDKClients(t *testing.T) {
	rec := &recorder{secrets: map[string]string{"test": "test"}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	newSQS := func(secret string) *sqs.Client {
		return sqs.New(sqs.Options{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider("test", secret, ""),
			BaseEndpoint: aws.String(srv.URL),
			HTTPClient:   srv.Client(),
		})
	}

	t.Run("sqs", func(t *testing.T) {
		client := newSQS("test")
		queueURL := srv.URL + "/000000000000/my-queue"
		_, _ = client.SendMessage(ctx, &sqs.SendMessageInput{
			QueueUrl:    aws.String(queueURL),
			MessageBody: aws.String("héllo wörld & <friends> +%20 \t\n{\"json\": true}"),
		})
		_, _ = client.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("my q+")})
		_, _ = client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("my-queue")})
		_, _ = client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10})
		got := rec.take()
		if len(got) < 4 {
			t.Fatalf("handler saw %d requests, want >= 4", len(got))
		}
		for _, r := range got {
			if r.err != nil {
				t.Errorf("%s: %v", r.target, r.err)
				continue
			}
			if r.info.Service != "sqs" || r.info.Region != "us-east-1" || r.info.Presigned {
				t.Errorf("%s: info %+v", r.target, r.info)
			}
		}
	})

	t.Run("sqs wrong secret", func(t *testing.T) {
		client := newSQS("not-the-secret")
		_, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
		if err == nil {
			t.Fatal("client call succeeded")
		}
		got := rec.take()
		if len(got) == 0 {
			t.Fatal("no request seen")
		}
		for _, r := range got {
			wantErr(t, r.err, CodeSignatureDoesNotMatch, http.StatusForbidden, MsgSignatureDoesNotMatch)
		}
	})

	t.Run("sts", func(t *testing.T) {
		client := sts.New(sts.Options{
			Region:       "eu-west-2",
			Credentials:  credentials.NewStaticCredentialsProvider("test", "test", "session-token"),
			BaseEndpoint: aws.String(srv.URL),
			HTTPClient:   srv.Client(),
		})
		_, _ = client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		_, _ = client.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String("arn:aws:iam::000000000000:role/r"),
			RoleSessionName: aws.String("s p+a/c=e"),
			Policy:          aws.String(`{"Version":"2012-10-17","Statement":[]}`),
		})
		got := rec.take()
		if len(got) < 2 {
			t.Fatalf("handler saw %d requests, want >= 2", len(got))
		}
		for _, r := range got {
			if r.err != nil {
				t.Errorf("%s: %v", r.target, r.err)
				continue
			}
			if r.info.Service != "sts" || r.info.SecurityToken != "session-token" {
				t.Errorf("%s: info %+v", r.target, r.info)
			}
		}
	})

	t.Run("s3 presigned URL", func(t *testing.T) {
		for _, path := range []string{"/bucket/key", "/bucket/dir/a%20b%2Bc%E2%98%83.txt", "/bucket/k?versionId=a%2Fb&response-content-type=text%2Fplain"} {
			req, err := http.NewRequest("GET", srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			q := req.URL.Query()
			q.Set(ParamExpires, "900")
			req.URL.RawQuery = q.Encode()
			signer := signerFor("s3")
			signed, _, err := signer.PresignHTTP(ctx, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"},
				req, UnsignedPayload, "s3", "us-east-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, tamper := range []bool{false, true} {
				u := signed
				if tamper {
					u = strings.Replace(u, "X-Amz-Expires=900", "X-Amz-Expires=901", 1)
				}
				resp, err := srv.Client().Get(u)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				got := rec.take()
				if len(got) != 1 {
					t.Fatalf("handler saw %d requests", len(got))
				}
				if tamper {
					wantErr(t, got[0].err, CodeSignatureDoesNotMatch, http.StatusForbidden, "")
					continue
				}
				if got[0].err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %v (status %d)", got[0].target, got[0].err, resp.StatusCode)
				}
				if !got[0].info.Presigned || got[0].info.Expires != 900*time.Second {
					t.Fatalf("info %+v", got[0].info)
				}
			}
		}
	})
}
