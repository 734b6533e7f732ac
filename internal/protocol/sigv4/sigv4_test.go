package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func testCreds(token string) aws.Credentials {
	return aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: token}
}

// wire serialises a client request and parses it back the way net/http's
// server does, so the request under test looks exactly like one received.
func wire(t *testing.T, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("write request: %v", err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("read request: %v", err)
	}
	body, err := io.ReadAll(sr.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	sr.Body = io.NopCloser(bytes.NewReader(body))
	return sr, body
}

type signCase struct {
	name     string
	service  string
	region   string
	method   string
	url      string
	body     string
	headers  [][2]string // added in order (repeats allowed)
	token    string
	unsigned bool // sign with UNSIGNED-PAYLOAD via X-Amz-Content-Sha256
}

func (c signCase) build(t *testing.T) *http.Request {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.headers {
		req.Header.Add(h[0], h[1])
	}
	if c.unsigned {
		req.Header.Set(HeaderContentSHA256, UnsignedPayload)
	}
	return req
}

func (c signCase) payloadHash() string {
	if c.unsigned {
		return UnsignedPayload
	}
	for _, h := range c.headers {
		if strings.EqualFold(h[0], HeaderContentSHA256) {
			return h[1]
		}
	}
	return hashHex([]byte(c.body))
}

func signerFor(service string) *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = isS3(service) })
}

// signed returns the request as received by a server after the SDK signed it.
func (c signCase) signed(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	req := c.build(t)
	err := signerFor(c.service).SignHTTP(context.Background(), testCreds(c.token), req, c.payloadHash(), c.service, c.region, t0)
	if err != nil {
		t.Fatal(err)
	}
	return wire(t, req)
}

var emptySHA = hashHex(nil)

var signCases = []signCase{
	{
		name: "sqs query POST", service: "sqs", region: "us-east-1", method: "POST",
		url:     "http://localhost:4566/",
		body:    "Action=SendMessage&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fq&MessageBody=hello+w%C3%B6rld%21",
		headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
	},
	{
		name: "sqs json POST", service: "sqs", region: "eu-west-1", method: "POST",
		url:  "http://127.0.0.1:8080/",
		body: `{"QueueUrl":"http://127.0.0.1:8080/000000000000/q","MessageBody":"{\"a\": 1}"}`,
		headers: [][2]string{
			{"Content-Type", "application/x-amz-json-1.0"},
			{"X-Amz-Target", "AmazonSQS.SendMessage"},
			{"Amz-Sdk-Request", "attempt=1;   max=3"},
		},
	},
	{
		name: "sts GET query", service: "sts", region: "us-east-1", method: "GET",
		url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
	},
	{
		name: "sts session token", service: "sts", region: "us-west-2", method: "POST",
		url: "http://localhost:4566/", body: "Action=GetCallerIdentity&Version=2011-06-15",
		headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
		token:   "FwoGZXIvYXdzEDMaDPWKaVEQA+D5xrr7/CLEAXcx9p1NGpYqnz4==",
	},
	{
		name: "sqs odd query chars", service: "sqs", region: "us-east-1", method: "GET",
		url: "http://localhost:4566/000000000000/my-queue?Action=ReceiveMessage&z=last&a=2&a=1&a=10" +
			"&sp=a%20b&plus=a%2Bb&check=%E2%9C%93&tilde=~x&star=%2A&slash=%2F&empty=&flag&eq=a%3Db&amp=%26",
	},
	{
		name: "lambda path escaping", service: "lambda", region: "us-east-1", method: "POST",
		url:  "http://localhost:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations",
		body: `{"k":"v"}`,
	},
	{
		name: "non-s3 odd path", service: "execute-api", region: "us-east-1", method: "GET",
		url: "http://localhost:4566/a%20b/c%2Bd/%E2%98%83/!'()*;,=@:$/",
	},
	{
		name: "s3 put odd key", service: "s3", region: "us-east-1", method: "PUT",
		url:  "http://localhost:4566/bucket/dir/a%20b%2Bc/%E2%98%83%21%27%28%29%2A.txt",
		body: "some object body\n",
		headers: [][2]string{
			{"Content-Type", "text/plain"},
			{HeaderContentSHA256, hashHex([]byte("some object body\n"))},
			{"X-Amz-Meta-Spaced", "  a   b    c  "},
			{"X-Amz-Meta-Multi", "one"},
			{"X-Amz-Meta-Multi", "two"},
			{"Cache-Control", "no-cache"},
		},
	},
	{
		name: "s3 get unsigned payload", service: "s3", region: "eu-central-1", method: "GET",
		url:      "http://bucket.localhost:4566/key?list-type=2&prefix=a%2Fb%20c&delimiter=%2F&encoding-type=url",
		unsigned: true,
		token:    "session-token",
	},
	{
		name: "s3 streaming upload", service: "s3", region: "us-east-1", method: "PUT",
		url:  "http://localhost:4566/bucket/key",
		body: "0;chunk-signature=abc\r\n\r\n",
		headers: [][2]string{
			{HeaderContentSHA256, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
			{"Content-Encoding", "aws-chunked"},
			{"X-Amz-Decoded-Content-Length", "0"},
		},
	},
	{
		name: "s3 default https port", service: "s3", region: "us-east-1", method: "DELETE",
		url: "https://localhost:443/bucket/key?versionId=3%2F4", unsigned: true,
	},
}

func TestVerifySDKSignedHeader(t *testing.T) {
	for _, c := range signCases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.signed(t)
			info, err := Parse(r)
			if err != nil || info == nil {
				t.Fatalf("Parse: %v, %v", info, err)
			}
			if info.AccessKeyID != testAKID || info.Region != c.region || info.Service != c.service ||
				!info.Date.Equal(t0) || info.Presigned || info.SecurityToken != c.token {
				t.Fatalf("unexpected info %+v", info)
			}
			if err := Verify(r, info, testSecret, PayloadHash(r, body), t0.Add(time.Minute), DefaultMaxSkew); err != nil {
				t.Fatalf("Verify: %v\nrequest: %s %s %v", err, r.Method, r.RequestURI, r.Header)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	now := t0.Add(time.Minute)
	base := signCases[1] // sqs json
	s3 := signCases[7]   // s3 put with x-amz-content-sha256
	query := signCases[4]

	tests := []struct {
		name   string
		c      signCase
		mutate func(r *http.Request, body []byte) (secret, payloadHash string)
	}{
		{"body", base, func(r *http.Request, body []byte) (string, string) {
			return testSecret, PayloadHash(r, append(body, ' '))
		}},
		{"signed header", base, func(r *http.Request, body []byte) (string, string) {
			r.Header.Set("X-Amz-Target", "AmazonSQS.DeleteQueue")
			return testSecret, PayloadHash(r, body)
		}},
		{"signed header extra value", base, func(r *http.Request, body []byte) (string, string) {
			r.Header.Add("Content-Type", "text/plain")
			return testSecret, PayloadHash(r, body)
		}},
		{"content length", base, func(r *http.Request, body []byte) (string, string) {
			r.Header.Set("Content-Length", "1")
			return testSecret, PayloadHash(r, body)
		}},
		{"host", base, func(r *http.Request, body []byte) (string, string) {
			r.Host = "evil.example.com:8080"
			return testSecret, PayloadHash(r, body)
		}},
		{"method", base, func(r *http.Request, body []byte) (string, string) {
			r.Method = "PUT"
			return testSecret, PayloadHash(r, body)
		}},
		{"secret", base, func(r *http.Request, body []byte) (string, string) {
			return testSecret + "x", PayloadHash(r, body)
		}},
		{"date", base, func(r *http.Request, body []byte) (string, string) {
			r.Header.Set(HeaderDate, t0.Add(time.Second).Format(TimeFormat))
			return testSecret, PayloadHash(r, body)
		}},
		{"query value", query, func(r *http.Request, body []byte) (string, string) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "a=10", "a=11", 1)
			return testSecret, PayloadHash(r, body)
		}},
		{"query extra param", query, func(r *http.Request, body []byte) (string, string) {
			r.URL.RawQuery += "&extra=1"
			return testSecret, PayloadHash(r, body)
		}},
		{"path", query, func(r *http.Request, body []byte) (string, string) {
			r.RequestURI = strings.Replace(r.RequestURI, "my-queue", "other-queue", 1)
			return testSecret, PayloadHash(r, body)
		}},
		{"s3 content sha256", s3, func(r *http.Request, body []byte) (string, string) {
			r.Header.Set(HeaderContentSHA256, hashHex([]byte("other")))
			return testSecret, PayloadHash(r, body)
		}},
		{"s3 metadata", s3, func(r *http.Request, body []byte) (string, string) {
			r.Header.Set("X-Amz-Meta-Spaced", "a b d")
			return testSecret, PayloadHash(r, body)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.c.signed(t)
			secret, ph := tc.mutate(r, body)
			info, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = Verify(r, info, secret, ph, now, DefaultMaxSkew)
			wantErr(t, err, CodeSignatureDoesNotMatch, http.StatusForbidden, mismatchMsg(info.Service))
		})
	}

	t.Run("unsigned header changes are fine", func(t *testing.T) {
		r, body := base.signed(t)
		r.Header.Set("User-Agent", "something else")
		r.Header.Set("X-Unsigned", "1")
		info, _ := Parse(r)
		if err := Verify(r, info, testSecret, PayloadHash(r, body), now, DefaultMaxSkew); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("signature case and tamper", func(t *testing.T) {
		r, body := base.signed(t)
		info, _ := Parse(r)
		info.Signature = strings.ToUpper(info.Signature)
		if err := Verify(r, info, testSecret, PayloadHash(r, body), now, DefaultMaxSkew); err != nil {
			t.Fatalf("upper-case hex signature: %v", err)
		}
		sig := []byte(strings.ToLower(info.Signature))
		sig[10] ^= 1
		info.Signature = string(sig)
		wantErr(t, Verify(r, info, testSecret, PayloadHash(r, body), now, DefaultMaxSkew), CodeSignatureDoesNotMatch, 403, "")
	})
}

// mismatchMsg is the SignatureDoesNotMatch message of service.
func mismatchMsg(service string) string {
	if isS3(service) {
		return MsgS3SignatureDoesNotMatch
	}
	return MsgSignatureDoesNotMatch
}

func wantErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error %s, got %v", code, err)
	}
	if e.Code != code || e.Status != status || (msg != "" && e.Message != msg) {
		t.Fatalf("want %s/%d %q, got %s/%d %q", code, status, msg, e.Code, e.Status, e.Message)
	}
}

func TestSkew(t *testing.T) {
	r, body := signCases[0].signed(t) // sqs
	info, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	ph := PayloadHash(r, body)

	for _, d := range []time.Duration{-15 * time.Minute, -time.Minute, 0, 14 * time.Minute, 15 * time.Minute} {
		if err := Verify(r, info, testSecret, ph, t0.Add(d), DefaultMaxSkew); err != nil {
			t.Errorf("now=t0%+v: %v", d, err)
		}
	}
	wantErr(t, Verify(r, info, testSecret, ph, t0.Add(20*time.Minute), DefaultMaxSkew), CodeSignatureDoesNotMatch, 403,
		"Signature expired: 20240102T030405Z is now earlier than 20240102T030905Z (20240102T032405Z - 15 min.)")
	wantErr(t, Verify(r, info, testSecret, ph, t0.Add(-20*time.Minute), DefaultMaxSkew), CodeSignatureDoesNotMatch, 403,
		"Signature not yet current: 20240102T030405Z is still later than 20240102T025905Z (20240102T024405Z + 15 min.)")
	wantErr(t, Verify(r, info, testSecret, ph, t0.Add(6*time.Minute), 5*time.Minute), CodeSignatureDoesNotMatch, 403,
		"Signature expired: 20240102T030405Z is now earlier than 20240102T030505Z (20240102T031005Z - 5 min.)")
	// maxSkew <= 0 disables the check.
	if err := Verify(r, info, testSecret, ph, t0.Add(100*time.Hour), 0); err != nil {
		t.Fatal(err)
	}

	s3r, s3body := signCases[7].signed(t)
	s3info, err := Parse(s3r)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, Verify(s3r, s3info, testSecret, PayloadHash(s3r, s3body), t0.Add(time.Hour), DefaultMaxSkew),
		CodeRequestTimeTooSkewed, 403, "The difference between the request time and the current time is too large.")
}

func TestScopeDateMismatch(t *testing.T) {
	req := signCases[2].build(t)
	// Sign at t0 but claim a different day in X-Amz-Date afterwards is
	// a plain mismatch; a scope date differing from X-Amz-Date is
	// reported as such.
	if err := signerFor("sts").SignHTTP(context.Background(), testCreds(""), req, emptySHA, "sts", "us-east-1", t0); err != nil {
		t.Fatal(err)
	}
	r, _ := wire(t, req)
	r.Header.Set(HeaderDate, "20240103T030405Z")
	info, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, Verify(r, info, testSecret, emptySHA, t0.Add(24*time.Hour), DefaultMaxSkew), CodeSignatureDoesNotMatch, 403,
		"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240102' != '20240103', from '20240103T030405Z'.")
}

// Known-answer tests from the AWS documentation examples.
func TestAWSDocumentationVectors(t *testing.T) {
	const docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

	t.Run("s3 GET object header", func(t *testing.T) {
		raw := "GET /test.txt HTTP/1.1\r\n" +
			"Host: examplebucket.s3.amazonaws.com\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41\r\n" +
			"Range: bytes=0-9\r\n" +
			"x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r\n" +
			"x-amz-date: 20130524T000000Z\r\n\r\n"
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		info, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if info.AccessKeyID != "AKIAIOSFODNN7EXAMPLE" || info.Service != "s3" || len(info.SignedHeaders) != 4 {
			t.Fatalf("info %+v", info)
		}
		if err := Verify(r, info, docSecret, PayloadHash(r, nil), info.Date, DefaultMaxSkew); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("s3 presigned GET", func(t *testing.T) {
		raw := "GET /test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
			"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
			"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404 HTTP/1.1\r\n" +
			"Host: examplebucket.s3.amazonaws.com\r\n\r\n"
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		info, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Presigned || info.Expires != 24*time.Hour {
			t.Fatalf("info %+v", info)
		}
		if err := Verify(r, info, docSecret, PayloadHash(r, nil), info.Date.Add(time.Hour), DefaultMaxSkew); err != nil {
			t.Fatal(err)
		}
		wantErr(t, Verify(r, info, docSecret, PayloadHash(r, nil), info.Date.Add(25*time.Hour), DefaultMaxSkew),
			CodeAccessDenied, 403, "Request has expired")
	})

	t.Run("iam ListUsers", func(t *testing.T) {
		raw := "GET /?Action=ListUsers&Version=2010-05-08 HTTP/1.1\r\n" +
			"Host: iam.amazonaws.com\r\n" +
			"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n" +
			"X-Amz-Date: 20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7\r\n\r\n"
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		info, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(r, info, testSecret, PayloadHash(r, nil), info.Date, DefaultMaxSkew); err != nil {
			t.Fatal(err)
		}
	})
}

type presignCase struct {
	name    string
	service string
	method  string
	url     string
	expires string // X-Amz-Expires set before signing ("" = none)
	headers [][2]string
	token   string
	payload string // payload hash used by the presigner
}

func (c presignCase) presign(t *testing.T, at time.Time) (*http.Request, []byte) {
	t.Helper()
	req, err := http.NewRequest(c.method, c.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.expires != "" {
		q := req.URL.Query()
		q.Set(ParamExpires, c.expires)
		req.URL.RawQuery = q.Encode()
	}
	for _, h := range c.headers {
		req.Header.Add(h[0], h[1])
	}
	signedURL, signedHeaders, err := signerFor(c.service).PresignHTTP(context.Background(), testCreds(c.token), req, c.payload, c.service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(c.method, signedURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range signedHeaders {
		if strings.EqualFold(k, "Host") {
			continue
		}
		for _, v := range vs {
			out.Header.Add(k, v)
		}
	}
	return wire(t, out)
}

var presignCases = []presignCase{
	{name: "s3 get", service: "s3", method: "GET", url: "http://localhost:4566/bucket/a%20b%2Bc.txt?versionId=x%2By", expires: "900", payload: UnsignedPayload},
	{
		name: "s3 put with headers and token", service: "s3", method: "PUT", url: "https://bucket.s3.amazonaws.com/key/%E2%98%83",
		expires: "3600", payload: UnsignedPayload, token: "tok/en+==",
		headers: [][2]string{{"Content-Type", "image/png"}, {"X-Amz-Meta-Owner", "me"}, {"X-Amz-Acl", "private"}},
	},
	{name: "s3 max expiry", service: "s3", method: "GET", url: "http://localhost:4566/b/k", expires: "604800", payload: UnsignedPayload},
	{
		name: "sts eks token", service: "sts", method: "GET", url: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
		expires: "60", payload: emptySHA, headers: [][2]string{{"X-K8s-Aws-Id", "my-cluster"}},
	},
	{name: "sqs no expires", service: "sqs", method: "GET", url: "http://localhost:4566/000000000000/q?Action=ReceiveMessage", payload: emptySHA},
}

func TestVerifyPresigned(t *testing.T) {
	for _, c := range presignCases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.presign(t, t0)
			info, err := Parse(r)
			if err != nil || info == nil {
				t.Fatalf("Parse: %v %v", info, err)
			}
			if !info.Presigned || info.Service != c.service || info.SecurityToken != c.token || !info.Date.Equal(t0) {
				t.Fatalf("info %+v", info)
			}
			ph := PayloadHash(r, body)
			if err := Verify(r, info, testSecret, ph, t0.Add(30*time.Second), DefaultMaxSkew); err != nil {
				t.Fatalf("Verify: %v (%s)", err, r.RequestURI)
			}
			// Expiry.
			exp := 15 * time.Minute
			if c.expires != "" {
				exp = info.Expires
			}
			if err := Verify(r, info, testSecret, ph, t0.Add(exp), DefaultMaxSkew); err != nil {
				t.Fatalf("at the expiry instant: %v", err)
			}
			wantErr(t, Verify(r, info, testSecret, ph, t0.Add(exp+time.Second), DefaultMaxSkew), CodeAccessDenied, 403, "Request has expired")
			wantErr(t, Verify(r, info, testSecret, ph, t0.Add(-time.Hour), DefaultMaxSkew), CodeAccessDenied, 403, "Request is not valid yet")
			// Tampering.
			wantErr(t, Verify(r, info, testSecret+"x", ph, t0, DefaultMaxSkew), CodeSignatureDoesNotMatch, 403, mismatchMsg(info.Service))
			r2 := r.Clone(context.Background())
			r2.URL.RawQuery += "&injected=1"
			wantErr(t, Verify(r2, info, testSecret, ph, t0, DefaultMaxSkew), CodeSignatureDoesNotMatch, 403, "")
			r3 := r.Clone(context.Background())
			r3.Method = "DELETE"
			wantErr(t, Verify(r3, info, testSecret, ph, t0, DefaultMaxSkew), CodeSignatureDoesNotMatch, 403, "")
			if len(c.headers) > 0 {
				r4 := r.Clone(context.Background())
				r4.Header.Set(c.headers[0][0], "tampered")
				wantErr(t, Verify(r4, info, testSecret, ph, t0, DefaultMaxSkew), CodeSignatureDoesNotMatch, 403, "")
			}
		})
	}
}

func TestPresignedContentSHA256InQuery(t *testing.T) {
	body := []byte("payload")
	req, _ := http.NewRequest("PUT", "http://localhost:4566/b/k", bytes.NewReader(body))
	q := req.URL.Query()
	q.Set(ParamExpires, "300")
	q.Set(ParamContentSHA256, hashHex(body))
	req.URL.RawQuery = q.Encode()
	signedURL, _, err := signerFor("s3").PresignHTTP(context.Background(), testCreds(""), req, hashHex(body), "s3", "us-east-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := http.NewRequest("PUT", signedURL, bytes.NewReader(body))
	r, got := wire(t, out)
	info, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(r, info, testSecret, PayloadHash(r, got), t0, DefaultMaxSkew); err != nil {
		t.Fatal(err)
	}
}

func TestParsePresignedErrors(t *testing.T) {
	good := url.Values{
		ParamAlgorithm:     {Algorithm},
		ParamCredential:    {"AKID/20240102/us-east-1/s3/aws4_request"},
		ParamDate:          {"20240102T030405Z"},
		ParamExpires:       {"900"},
		ParamSignedHeaders: {"host"},
		ParamSignature:     {strings.Repeat("a", 64)},
	}
	tests := []struct {
		name   string
		mutate func(url.Values)
		msg    string
	}{
		{"expires over a week", func(v url.Values) { v.Set(ParamExpires, "604801") }, msgExpiresTooLong},
		{"expires not a number", func(v url.Values) { v.Set(ParamExpires, "soon") }, "X-Amz-Expires should be a number"},
		{"expires negative", func(v url.Values) { v.Set(ParamExpires, "-1") }, "X-Amz-Expires must be non-negative"},
		{"missing expires for s3", func(v url.Values) { v.Del(ParamExpires) }, msgQueryRequires},
		{"missing signature", func(v url.Values) { v.Del(ParamSignature) }, msgQueryRequires},
		{"missing signed headers", func(v url.Values) { v.Del(ParamSignedHeaders) }, msgQueryRequires},
		{"missing date", func(v url.Values) { v.Del(ParamDate) }, msgQueryRequires},
		{"bad algorithm", func(v url.Values) { v.Set(ParamAlgorithm, "AWS4-HMAC-SHA1") }, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`},
		{"bad credential", func(v url.Values) { v.Set(ParamCredential, "AKID/20240102/us-east-1/s3") }, `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{"bad terminator", func(v url.Values) { v.Set(ParamCredential, "AKID/20240102/us-east-1/s3/aws5_request") }, `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{"bad date", func(v url.Values) { v.Set(ParamDate, "2024-01-02T03:04:05Z") }, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range good {
				v[k] = append([]string(nil), vs...)
			}
			tc.mutate(v)
			r, _ := http.NewRequest("GET", "http://localhost/b/k?"+v.Encode(), nil)
			info, err := Parse(r)
			if info != nil {
				t.Fatalf("info %+v", info)
			}
			wantErr(t, err, CodeAuthorizationQueryParamErr, 400, tc.msg)
		})
	}

	// Expires > 7 days on an Info built by hand is still rejected by Verify.
	r, _ := http.NewRequest("GET", "http://localhost/b/k?"+good.Encode(), nil)
	info, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	info.Expires = 8 * 24 * time.Hour
	wantErr(t, Verify(r, info, "s", "", t0, DefaultMaxSkew), CodeAuthorizationQueryParamErr, 400, msgExpiresTooLong)
}

func TestParseHeaderErrors(t *testing.T) {
	const cred = "Credential=AKID/20240102/us-east-1/sqs/aws4_request"
	const sh = "SignedHeaders=host;x-amz-date"
	const sig = "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		auth   string
		noDate bool
		msg    string
	}{
		{"missing credential", "AWS4-HMAC-SHA256 " + sh + ", " + sig, false,
			"Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 " + sh + ", " + sig},
		{"missing signature", "AWS4-HMAC-SHA256 " + cred + ", " + sh, false,
			"Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 " + cred + ", " + sh},
		{"missing signed headers", "AWS4-HMAC-SHA256 " + cred + ", " + sig, false,
			"Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 " + cred + ", " + sig},
		{"basic auth", "Basic dXNlcjpwYXNz", true,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=Basic dXNlcjpwYXNz"},
		{"sigv2", "AWS AKID:c2lnbmF0dXJl", false,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=AWS AKID:c2lnbmF0dXJl"},
		{"no date", "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig, true,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig},
		{"space in credential", "AWS4-HMAC-SHA256 Credential=AKID /20240102/us-east-1/sqs/aws4_request, " + sh + ", " + sig, false,
			"'/20240102/us-east-1/sqs/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=AKID /20240102/us-east-1/sqs/aws4_request, " + sh + ", " + sig + "'."},
		{"short credential", "AWS4-HMAC-SHA256 Credential=AKID/20240102/sqs/aws4_request, " + sh + ", " + sig, false,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20240102/sqs/aws4_request'"},
		{"bad terminator", "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sqs/aws4, " + sh + ", " + sig, false,
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'."},
		{"host not signed", "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date, " + sig, false,
			"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"sigv4a", "AWS4-ECDSA-P256-SHA256 " + cred + ", " + sh + ", " + sig, false,
			"Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://localhost/", nil)
			r.Header.Set("Authorization", tc.auth)
			if !tc.noDate {
				r.Header.Set(HeaderDate, "20240102T030405Z")
			}
			info, err := Parse(r)
			if info != nil {
				t.Fatalf("info %+v", info)
			}
			wantErr(t, err, CodeIncompleteSignature, 400, tc.msg)
		})
	}

	t.Run("bad x-amz-date", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 "+cred+", "+sh+", "+sig)
		r.Header.Set(HeaderDate, "2024-01-02")
		_, err := Parse(r)
		wantErr(t, err, CodeIncompleteSignature, 400, "Date must be in ISO-8601 'basic format'. Got '2024-01-02'. See http://en.wikipedia.org/wiki/ISO_8601")
	})
	t.Run("header and query", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "http://localhost/?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 "+cred+", "+sh+", "+sig)
		_, err := Parse(r)
		wantErr(t, err, CodeInvalidArgument, 400, "")
	})
}

func TestParseForms(t *testing.T) {
	t.Run("anonymous", func(t *testing.T) {
		// A bare "Signature" parameter (SigV2 query auth) is not SigV4.
		r, _ := http.NewRequest("GET", "http://localhost/b/k?list-type=2&Signature=x&AWSAccessKeyId=k", nil)
		if info, err := Parse(r); info != nil || err != nil {
			t.Fatalf("got %+v, %v", info, err)
		}
	})
	t.Run("no spaces and odd case", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sqs/aws4_request,SignedHeaders=Host;X-Amz-Date,Signature=ab")
		r.Header.Set("X-Amz-Date", "20240102T030405Z")
		r.Header.Set("X-Amz-Security-Token", "tok")
		info, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if info.AccessKeyID != "AKID" || info.Region != "us-east-1" || info.Service != "sqs" || info.Signature != "ab" ||
			info.SecurityToken != "tok" || strings.Join(info.SignedHeaders, ";") != "host;x-amz-date" || !info.Date.Equal(t0) ||
			info.Scope() != "20240102/us-east-1/sqs/aws4_request" {
			t.Fatalf("info %+v", info)
		}
	})
	t.Run("date header", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sqs/aws4_request, SignedHeaders=date;host, Signature=ab")
		r.Header.Set("Date", t0.Format(http.TimeFormat))
		info, err := Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Date.Equal(t0) || info.longDate() != "20240102T030405Z" {
			t.Fatalf("info %+v", info)
		}
	})
	t.Run("nil info", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		wantErr(t, Verify(r, nil, "s", "", t0, DefaultMaxSkew), CodeMissingAuthenticationToken, 403, "")
	})
}

func TestPayloadHash(t *testing.T) {
	r, _ := http.NewRequest("PUT", "http://localhost/", nil)
	if got := PayloadHash(r, []byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal(got)
	}
	r.Header.Set("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
	if got := PayloadHash(r, []byte("abc")); got != UnsignedPayload {
		t.Fatal(got)
	}
}

func TestCanonicalHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"/":              "/",
		"":               "/",
		"/a/./b/../c":    "/a/c",
		"//a//b/":        "/a/b/",
		"/a/b/../../../": "/",
		"/a/..":          "/",
	} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := uriEncode("a b/+~*é", true); got != "a%20b%2F%2B~%2A%C3%A9" {
		t.Errorf("uriEncode = %q", got)
	}
	if got := collapseSpaces("a   b  c d"); got != "a b c d" {
		t.Errorf("collapseSpaces = %q", got)
	}
	// '+' is a space to the SDKs and a literal plus to others.
	r, _ := http.NewRequest("GET", "http://localhost/?b=1+2&a", nil)
	got := canonicalQueries(r, false)
	if len(got) != 2 || got[0] != "a=&b=1%202" || got[1] != "a=&b=1%2B2" {
		t.Errorf("canonicalQueries = %q", got)
	}
	// Absolute-form request target.
	r.RequestURI = "http://localhost:80/x%2Fy?z"
	if p := rawPath(r); p != "/x%2Fy" {
		t.Errorf("rawPath = %q", p)
	}
}

// S3 shows what it signed in a SignatureDoesNotMatch, and when an expired
// URL expired.
func TestS3ErrorFields(t *testing.T) {
	c := presignCases[0] // s3 get
	r, body := c.presign(t, t0)
	info, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	ph := PayloadHash(r, body)
	var e *Error
	if !errors.As(Verify(r, info, testSecret+"x", ph, t0, DefaultMaxSkew), &e) {
		t.Fatal("no error")
	}
	f := map[string]string{}
	for _, x := range e.Fields {
		f[x.Name] = x.Value
	}
	if f["AWSAccessKeyId"] != info.AccessKeyID || f["SignatureProvided"] != info.Signature ||
		!strings.HasPrefix(f["StringToSign"], Algorithm+"\n"+info.longDate()+"\n"+info.Scope()+"\n") ||
		!strings.HasPrefix(f["CanonicalRequest"], "GET\n/bucket/a%20b%2Bc.txt\n") || !strings.HasSuffix(f["CanonicalRequest"], "\nhost\n"+UnsignedPayload) ||
		f["StringToSignBytes"] != HexBytes(f["StringToSign"]) || f["CanonicalRequestBytes"] != HexBytes(f["CanonicalRequest"]) {
		t.Errorf("fields %q", f)
	}
	if HexBytes("AW\n") != "41 57 0a" {
		t.Errorf("HexBytes %q", HexBytes("AW\n"))
	}
	if !errors.As(Verify(r, info, testSecret, ph, t0.Add(901*time.Second), DefaultMaxSkew), &e) || e.Message != "Request has expired" {
		t.Fatalf("not expired: %v", e)
	}
	want := []Field{{"X-Amz-Expires", "900"}, {"Expires", t0.Add(900 * time.Second).UTC().Format(time.RFC3339)}, {"ServerTime", t0.Add(901 * time.Second).UTC().Format(time.RFC3339)}}
	if fmt.Sprint(e.Fields) != fmt.Sprint(want) {
		t.Errorf("expired fields %v, want %v", e.Fields, want)
	}
	// Other services keep their plain errors.
	r, body = presignCases[3].presign(t, t0) // sts
	info, _ = Parse(r)
	if !errors.As(Verify(r, info, testSecret+"x", PayloadHash(r, body), t0, DefaultMaxSkew), &e) || e.Fields != nil || e.Message != MsgSignatureDoesNotMatch {
		t.Errorf("sts mismatch %+v", e)
	}
}
