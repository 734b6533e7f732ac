package server

import (
	"net/http/httptest"
	"testing"

	"github.com/hako-dev/hako/internal/config"
)

func TestVirtualHostBucket(t *testing.T) {
	s := &Server{cfg: config.Default(), byEndpoint: map[string]*binding{}}
	for _, p := range []string{"sqs", "s3", "logs", "lambda", "sts"} {
		s.byEndpoint[p] = &binding{}
	}
	s.cfg.S3Hosts = append(s.cfg.S3Hosts, "storage.test")
	cases := map[string]string{
		// Buckets.
		"photos.s3.localhost:4566":                       "photos",
		"photos.s3.localhost":                            "photos",
		"Photos.S3.LocalHost:4566":                       "photos",
		"photos.s3.us-east-1.localhost:4566":             "photos",
		"photos.s3.dualstack.eu-west-1.localhost":        "photos",
		"photos.localhost:4566":                          "photos",
		"my.dotted.bucket.s3.localhost":                  "my.dotted.bucket",
		"my.dotted.bucket.localhost":                     "my.dotted.bucket",
		"photos.s3.amazonaws.com":                        "photos",
		"photos.s3.eu-central-1.amazonaws.com":           "photos",
		"photos.s3-us-west-2.amazonaws.com":              "photos",
		"photos.s3-external-1.amazonaws.com":             "photos",
		"photos.s3.localhost.localstack.cloud:4566":      "photos",
		"photos.s3.us-east-1.localhost.localstack.cloud": "photos",
		"photos.storage.test:8080":                       "photos",
		"sqs.s3.localhost":                               "sqs", // explicit: the bucket "sqs"
		"logs.s3.us-east-1.localhost":                    "logs",
		// Not buckets.
		"localhost:4566":               "",
		"localhost":                    "",
		"s3.localhost:4566":            "",
		"s3.us-east-1.localhost:4566":  "",
		"sqs.localhost:4566":           "",
		"sqs.us-east-1.localhost:4566": "",
		"logs.localhost":               "",
		"lambda.eu-west-1.localhost":   "",
		"sts.localhost":                "",
		"127.0.0.1:4566":               "",
		"[::1]:4566":                   "",
		"10.0.0.7":                     "",
		"abc123.lambda-url.us-east-1.localhost:4566":      "",
		"abc123.lambda-url.us-east-1.on.aws":              "",
		"api1.execute-api.localhost:4566":                 "",
		"api1.execute-api.us-east-1.amazonaws.com":        "",
		"site.s3-website-us-east-1.amazonaws.com":         "",
		"site.s3-website.us-east-1.amazonaws.com":         "",
		"site.s3-website.localhost:4566":                  "",
		"site.s3-website.us-east-1.localhost":             "",
		"123456789012.s3-control.us-east-1.amazonaws.com": "",
		"example.com":                        "",
		"photos.example.com":                 "",
		"s3.amazonaws.com":                   "",
		"s3.eu-west-1.amazonaws.com":         "",
		"sqs.us-east-1.amazonaws.com":        "",
		"bad_bucket.s3.localhost":            "",
		"":                                   "",
		"s3.localhost.localstack.cloud:4566": "",
	}
	for host, want := range cases {
		got, ok := s.virtualHostBucket(host)
		if ok != (want != "") || got != want && want != "" {
			t.Errorf("%q: got %q %v, want %q", host, got, ok, want)
		}
	}
}

func TestS3AddressingRewrite(t *testing.T) {
	s := &Server{cfg: config.Default(), byEndpoint: map[string]*binding{"s3": {}, "sqs": {}}}
	for _, c := range []struct{ target, host, path, raw string }{
		{"/", "b.s3.localhost", "/b", ""},
		{"/?list-type=2", "b.s3.localhost", "/b", ""},
		{"/dir/a%20b%2Bc%2F.txt?x-id=GetObject", "b.s3.localhost", "/b/dir/a b+c/.txt", "/b/dir/a%20b%2Bc%2F.txt"},
		{"//x", "b.localhost:4566", "/b//x", ""},
	} {
		r := httptest.NewRequest("GET", c.target, nil)
		r.Host = c.host
		r2 := s.s3Addressing(r)
		if r2 == r || r2.URL.Path != c.path || r2.URL.RawPath != c.raw || r2.URL.RawQuery != r.URL.RawQuery || r2.Host != r.Host {
			t.Errorf("%s %s: path %q raw %q query %q host %q", c.host, c.target, r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery, r2.Host)
		}
		if s3Original(r2) != r || s3Original(r) != r || !s3VirtualHosted(r2) || s3VirtualHosted(r) {
			t.Errorf("%s %s: original not kept", c.host, c.target)
		}
		if want := c.raw; want == "" && r2.URL.EscapedPath() != c.path || want != "" && r2.URL.EscapedPath() != want {
			t.Errorf("%s %s: escaped path %q", c.host, c.target, r2.URL.EscapedPath())
		}
	}
	// Requests signed for another service stay as they are.
	r := httptest.NewRequest("POST", "/", nil)
	r.Host = "b.s3.localhost"
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	r.Header.Set("X-Amz-Date", "20250101T000000Z")
	if s.s3Addressing(r) != r {
		t.Error("an sqs-signed request was rewritten")
	}
}
