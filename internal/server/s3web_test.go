package server

import "testing"

func TestWebsiteBucket(t *testing.T) {
	for _, tc := range []struct {
		host, bucket string
		ok           bool
	}{
		{"site.s3-website-us-east-1.localhost", "site", true},
		{"site.s3-website-us-east-1.localhost:4566", "site", true},
		{"www.example.com.s3-website-eu-west-1.localhost:4566", "www.example.com", true},
		{"site.s3-website.eu-central-1.localhost", "site", true},
		{"site.s3-website.eu-central-1.hako.test:8080", "site", true},
		{"Site.S3-Website-US-EAST-1.LOCALHOST.", "site", true},
		{"site.s3-website-us-east-1.amazonaws.com", "site", true},
		// Not website endpoints.
		{"site.s3.localhost", "", false},
		{"s3-website-us-east-1.localhost", "", false},
		{"site.s3-website.localhost", "", false},
		{"site.s3-website-us-east-1", "", false},
		{"localhost:4566", "", false},
		{"127.0.0.1:4566", "", false},
		{"bad_bucket.s3-website-us-east-1.localhost", "", false},
	} {
		b, ok := websiteBucket(tc.host)
		if b != tc.bucket || ok != tc.ok {
			t.Errorf("%s: got %q %v, want %q %v", tc.host, b, ok, tc.bucket, tc.ok)
		}
	}
}

func TestS3BucketKey(t *testing.T) {
	for _, tc := range []struct{ path, bucket, key string }{
		{"/", "", ""},
		{"/b", "b", ""},
		{"/b/", "b", ""},
		{"/b/k/e/y", "b", "k/e/y"},
	} {
		b, k := s3BucketKey(tc.path)
		if b != tc.bucket || k != tc.key {
			t.Errorf("%s: got %q %q", tc.path, b, k)
		}
	}
}
