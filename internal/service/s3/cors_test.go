package s3_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/hakotest"
)

const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

func TestBucketCorsConfiguration(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "cors")
	b := aws.String("cors")

	_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	wantErr(t, err, "NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")

	rules := []types.CORSRule{
		{ID: aws.String("site"), AllowedOrigins: []string{"https://example.com", "https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"Content-Type", "x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(3000)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}
	must(c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}}))
	got := must(c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})).CORSRules
	if len(got) != 2 || aws.ToString(got[0].ID) != "site" || len(got[0].AllowedHeaders) != 2 || aws.ToInt32(got[0].MaxAgeSeconds) != 3000 ||
		got[1].AllowedOrigins[0] != "*" || got[1].MaxAgeSeconds != nil {
		t.Fatalf("rules: %+v", got)
	}

	for _, tc := range []struct {
		rule      types.CORSRule
		code, msg string
	}{
		{types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}, "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
		{types.CORSRule{AllowedOrigins: []string{"https://*.example.*"}, AllowedMethods: []string{"GET"}}, "InvalidRequest", `AllowedOrigin "https://*.example.*" can not have more than one wildcard.`},
		{types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"x-*-*"}}, "InvalidRequest", `AllowedHeader "x-*-*" can not have more than one wildcard.`},
		{types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"x-amz-*"}}, "InvalidRequest", `ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.`},
	} {
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{tc.rule}}})
		wantErr(t, err, tc.code, 400, tc.msg)
	}

	must(c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: b}))
	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	wantErr(t, err, "NoSuchCORSConfiguration", 404, "")
}

// corsDo sends a raw request (no signature) and returns the response with
// its body read.
func corsDo(t *testing.T, method, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func wantHeaders(t *testing.T, resp *http.Response, want map[string]string) {
	t.Helper()
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
		"Access-Control-Expose-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Credentials", "Vary"} {
		if got := resp.Header.Get(k); got != want[k] {
			t.Errorf("%s: got %q, want %q", k, got, want[k])
		}
	}
}

func TestCORSPreflightAndResponses(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "web-app")
	newBucket(t, c, "no-cors")
	put(t, c, "web-app", "photo.jpg", "jpeg")
	must(c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("web-app"), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedOrigins: []string{"https://example.com", "https://*.example.com"}, AllowedMethods: []string{"GET", "PUT", "DELETE"},
			AllowedHeaders: []string{"Content-Type", "x-amz-*"}, ExposeHeaders: []string{"ETag", "x-amz-request-id"}, MaxAgeSeconds: aws.Int32(3000)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}},
	}}}))
	obj := h.URL + "/web-app/photo.jpg"

	// A preflight that the first rule allows.
	resp, body := corsDo(t, "OPTIONS", obj, map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type, X-Amz-Date,x-amz-meta-Name"})
	if resp.StatusCode != 200 || body != "" {
		t.Fatalf("preflight: %d %s", resp.StatusCode, body)
	}
	wantHeaders(t, resp, map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "GET, PUT, DELETE",
		"Access-Control-Allow-Headers":     "content-type, x-amz-date, x-amz-meta-name",
		"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
		"Access-Control-Max-Age":           "3000",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             corsVary,
	})

	// An origin only the "*" rule allows: "*", no credentials.
	resp, _ = corsDo(t, "OPTIONS", obj, map[string]string{"Origin": "https://other.org", "Access-Control-Request-Method": "HEAD"})
	if resp.StatusCode != 200 {
		t.Fatalf("preflight *: %d", resp.StatusCode)
	}
	wantHeaders(t, resp, map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD", "Vary": corsVary})

	// Refusals.
	notAllowed := "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
	for _, tc := range []struct {
		url     string
		hdr     map[string]string
		status  int
		code    string
		message string
	}{
		{obj, map[string]string{"Origin": "https://other.org", "Access-Control-Request-Method": "PUT"}, 403, "AccessForbidden", notAllowed},
		{obj, map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"}, 403, "AccessForbidden", notAllowed},
		{obj, map[string]string{"Origin": "https://EXAMPLE.com", "Access-Control-Request-Method": "PUT"}, 403, "AccessForbidden", notAllowed},
		{h.URL + "/no-cors/x", map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "GET"}, 403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."},
		{obj, map[string]string{"Access-Control-Request-Method": "GET"}, 400, "BadRequest", "Insufficient information. Origin request header needed."},
		{obj, map[string]string{"Origin": "https://example.com"}, 400, "BadRequest", "Invalid Access-Control-Request-Method: null"},
		{obj, map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "PATCH"}, 400, "BadRequest", "Invalid Access-Control-Request-Method: PATCH"},
		{h.URL + "/no-such-bucket/x", map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "GET"}, 404, "NoSuchBucket", "The specified bucket does not exist"},
	} {
		resp, body := corsDo(t, "OPTIONS", tc.url, tc.hdr)
		if resp.StatusCode != tc.status || !strings.Contains(body, "<Code>"+tc.code+"</Code>") || !strings.Contains(body, "<Message>"+strings.ReplaceAll(tc.message, "'", "&#39;")+"</Message>") &&
			!strings.Contains(body, "<Message>"+tc.message+"</Message>") {
			t.Errorf("%v: %d %s", tc.hdr, resp.StatusCode, body)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%v: CORS headers on a refusal", tc.hdr)
		}
	}
	resp, body = corsDo(t, "OPTIONS", h.URL+"/no-cors", map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "GET"})
	if !strings.Contains(body, "<ResourceType>BUCKET</ResourceType>") || !strings.Contains(body, "<Method>GET</Method>") {
		t.Errorf("bucket preflight refusal: %s", body)
	}

	// Actual requests: the headers of the first matching rule, on success
	// and on errors alike; none without an Origin or a matching rule.
	resp, body = corsDo(t, "GET", obj, map[string]string{"Origin": "https://example.com"})
	if resp.StatusCode != 200 || body != "jpeg" {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
	wantHeaders(t, resp, map[string]string{
		"Access-Control-Allow-Origin":      "https://example.com",
		"Access-Control-Allow-Methods":     "GET, PUT, DELETE",
		"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
		"Access-Control-Max-Age":           "3000",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             corsVary,
	})
	resp, _ = corsDo(t, "GET", h.URL+"/web-app/missing", map[string]string{"Origin": "https://other.org"})
	if resp.StatusCode != 404 {
		t.Fatalf("GET missing: %d", resp.StatusCode)
	}
	wantHeaders(t, resp, map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD", "Vary": corsVary})
	resp, _ = corsDo(t, "GET", obj, nil)
	wantHeaders(t, resp, map[string]string{})
	resp, _ = corsDo(t, "DELETE", h.URL+"/web-app/nothing", map[string]string{"Origin": "https://other.org"})
	wantHeaders(t, resp, map[string]string{})

	// A new configuration applies at once; without one, nothing is sent.
	must(c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("web-app"), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedOrigins: []string{"http://localhost:*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"*"}},
	}}}))
	resp, _ = corsDo(t, "OPTIONS", obj, map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET",
		"Access-Control-Request-Headers": "x-anything, authorization"})
	if resp.StatusCode != 200 {
		t.Fatalf("preflight after update: %d", resp.StatusCode)
	}
	wantHeaders(t, resp, map[string]string{"Access-Control-Allow-Origin": "http://localhost:3000", "Access-Control-Allow-Methods": "GET",
		"Access-Control-Allow-Headers": "x-anything, authorization", "Access-Control-Allow-Credentials": "true", "Vary": corsVary})
	// Virtual-hosted addressing, as browsers' SDKs use by default.
	port := h.URL[strings.LastIndexByte(h.URL, ':'):]
	resp, _ = corsDo(t, "OPTIONS", h.URL+"/photo.jpg", map[string]string{"Host": "web-app.s3.localhost" + port,
		"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("virtual-hosted preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = corsDo(t, "GET", h.URL+"/photo.jpg", map[string]string{"Host": "web-app.s3.localhost" + port, "Origin": "http://localhost:3000"})
	if resp.StatusCode != 200 || body != "jpeg" || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("virtual-hosted GET: %d %q %v", resp.StatusCode, body, resp.Header)
	}

	must(c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("web-app")}))
	resp, _ = corsDo(t, "GET", obj, map[string]string{"Origin": "http://localhost:3000"})
	wantHeaders(t, resp, map[string]string{})
	resp, _ = corsDo(t, "OPTIONS", obj, map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 403 {
		t.Fatalf("preflight after delete: %d", resp.StatusCode)
	}
}
