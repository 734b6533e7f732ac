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

func TestBucketWebsiteConfiguration(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "site")
	b := aws.String("site")

	_, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	wantErr(t, err, "NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration")

	cfg := &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &types.ErrorDocument{Key: aws.String("error.html")},
		RoutingRules: []types.RoutingRule{{
			Condition: &types.Condition{KeyPrefixEquals: aws.String("docs/")},
			Redirect:  &types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/"), HttpRedirectCode: aws.String("302")},
		}},
	}
	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: cfg}))
	got := must(c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b}))
	if aws.ToString(got.IndexDocument.Suffix) != "index.html" || aws.ToString(got.ErrorDocument.Key) != "error.html" ||
		len(got.RoutingRules) != 1 || aws.ToString(got.RoutingRules[0].Redirect.ReplaceKeyPrefixWith) != "documents/" {
		t.Fatalf("website: %+v", got)
	}

	for _, tc := range []struct {
		cfg       *types.WebsiteConfiguration
		code, msg string
	}{
		{&types.WebsiteConfiguration{ErrorDocument: &types.ErrorDocument{Key: aws.String("e.html")}}, "InvalidArgument",
			"A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"},
		{&types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("a/index.html")}}, "InvalidArgument",
			"The IndexDocument Suffix is not well formed"},
		{&types.WebsiteConfiguration{RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("example.com")},
			IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}, "InvalidArgument",
			"RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."},
		{&types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, RoutingRules: []types.RoutingRule{{
			Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("a"), ReplaceKeyWith: aws.String("b")}}}}, "InvalidRequest",
			"You can only define ReplaceKeyPrefix or ReplaceKey but not both."},
		{&types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, RoutingRules: []types.RoutingRule{{
			Condition: &types.Condition{}, Redirect: &types.Redirect{HostName: aws.String("example.com")}}}}, "InvalidRequest",
			"Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present."},
		{&types.WebsiteConfiguration{RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("example.com"), Protocol: "ftp"}}, "",
			""},
	} {
		_, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: tc.cfg})
		if tc.code == "" {
			if status(err) != 400 {
				t.Fatalf("protocol ftp: %v", err)
			}
			continue
		}
		wantErr(t, err, tc.code, 400, tc.msg)
	}

	must(c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: b}))
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	wantErr(t, err, "NoSuchWebsiteConfiguration", 404, "")
}

// webGet sends an unsigned request to the website endpoint of bucket
// (through its Host, or hako's path form when host is "") without
// following redirects.
func webGet(t *testing.T, h *hakotest.Server, method, host, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	url := h.URL + path
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func putTyped(t *testing.T, c *s3.Client, bucket, key, body, ctype string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ContentType: aws.String(ctype)}); err != nil {
		t.Fatal(err)
	}
}

func TestWebsiteEndpoint(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "www.example.com")
	b := aws.String("www.example.com")
	putTyped(t, c, "www.example.com", "index.html", "<h1>home</h1>", "text/html")
	putTyped(t, c, "www.example.com", "about/index.html", "<h1>about</h1>", "text/html")
	putTyped(t, c, "www.example.com", "style.css", "body{}", "text/css")
	putTyped(t, c, "www.example.com", "404.html", "<h1>lost</h1>", "text/html")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("old.html"), Body: strings.NewReader(""),
		WebsiteRedirectLocation: aws.String("/style.css")}); err != nil {
		t.Fatal(err)
	}
	port := h.URL[strings.LastIndexByte(h.URL, ':'):]
	host := "www.example.com.s3-website-us-east-1.localhost" + port

	// Before any website configuration.
	resp, body := webGet(t, h, "GET", host, "/", nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "<li>Code: NoSuchWebsiteConfiguration</li>") ||
		!strings.Contains(body, "<li>BucketName: www.example.com</li>") || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("no website: %d %s", resp.StatusCode, body)
	}
	resp, body = webGet(t, h, "GET", "missing-bucket.s3-website.us-east-1.localhost"+port, "/", nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "<li>Code: NoSuchBucket</li>") {
		t.Fatalf("no bucket: %d %s", resp.StatusCode, body)
	}

	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &types.ErrorDocument{Key: aws.String("404.html")},
		RoutingRules: []types.RoutingRule{
			{Condition: &types.Condition{KeyPrefixEquals: aws.String("docs/")},
				Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/"), HttpRedirectCode: aws.String("302")}},
			{Condition: &types.Condition{HttpErrorCodeReturnedEquals: aws.String("404"), KeyPrefixEquals: aws.String("images/")},
				Redirect: &types.Redirect{HostName: aws.String("cdn.example.com"), Protocol: types.ProtocolHttps, ReplaceKeyWith: aws.String("placeholder.png")}},
		},
	}}))

	for _, tc := range []struct {
		host, path   string
		status       int
		body, ctype  string
		location     string
		bodyContains string
	}{
		{host: host, path: "/", status: 200, body: "<h1>home</h1>", ctype: "text/html"},
		{host: host, path: "/index.html", status: 200, body: "<h1>home</h1>", ctype: "text/html"},
		{host: host, path: "/about/", status: 200, body: "<h1>about</h1>"},
		{host: host, path: "/about", status: 302, location: "/about/"},
		{host: host, path: "/style.css", status: 200, body: "body{}", ctype: "text/css"},
		{host: host, path: "/old.html", status: 301, location: "/style.css"},
		{host: host, path: "/nothing-here", status: 404, body: "<h1>lost</h1>", ctype: "text/html"},
		{host: host, path: "/docs/guide.html", status: 302, location: "http://" + host + "/documents/guide.html"},
		{host: host, path: "/images/cat.png", status: 301, location: "https://cdn.example.com/placeholder.png"},
		// The other host form, and hako's path form.
		{host: "www.example.com.s3-website.us-east-1.localhost" + port, path: "/style.css", status: 200, body: "body{}"},
		{path: "/_hako/s3-website/www.example.com/style.css", status: 200, body: "body{}"},
		{path: "/_hako/s3-website/www.example.com/", status: 200, body: "<h1>home</h1>"},
		{path: "/_hako/s3-website/www.example.com", status: 302, location: "/_hako/s3-website/www.example.com/"},
		{path: "/_hako/s3-website/www.example.com/about", status: 302, location: "/_hako/s3-website/www.example.com/about/"},
	} {
		resp, body := webGet(t, h, "GET", tc.host, tc.path, nil)
		if resp.StatusCode != tc.status || tc.body != "" && body != tc.body || tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype ||
			tc.location != "" && resp.Header.Get("Location") != tc.location {
			t.Errorf("%s %s: %d %q %q location %q", tc.host, tc.path, resp.StatusCode, body, resp.Header.Get("Content-Type"), resp.Header.Get("Location"))
		}
	}

	// HEAD, conditional and range reads.
	resp, body = webGet(t, h, "HEAD", host, "/style.css", nil)
	if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Length") != "6" || resp.Header.Get("ETag") == "" {
		t.Fatalf("HEAD: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, _ = webGet(t, h, "GET", host, "/style.css", map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", resp.StatusCode)
	}
	resp, body = webGet(t, h, "GET", host, "/style.css", map[string]string{"Range": "bytes=1-3"})
	if resp.StatusCode != 206 || body != "ody" || resp.Header.Get("Content-Range") != "bytes 1-3/6" {
		t.Fatalf("Range: %d %q", resp.StatusCode, body)
	}
	resp, body = webGet(t, h, "POST", host, "/style.css", nil)
	if resp.StatusCode != 405 || !strings.Contains(body, "<li>Code: MethodNotAllowed</li>") {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}

	// The bucket's CORS rules apply at the website endpoint too.
	must(c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET"}}}}}))
	resp, _ = webGet(t, h, "OPTIONS", host, "/style.css", map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("website preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = webGet(t, h, "GET", host, "/style.css", map[string]string{"Origin": "https://app.example.com"})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("website GET with Origin: %d %v", resp.StatusCode, resp.Header)
	}

	// A missing error document: S3's page, with the second failure.
	must(c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("404.html")}))
	resp, body = webGet(t, h, "GET", host, "/gone.html", nil)
	for _, want := range []string{"<title>404 Not Found</title>", "<h1>404 Not Found</h1>", "<li>Code: NoSuchKey</li>",
		"<li>Message: The specified key does not exist.</li>", "<li>Key: gone.html</li>",
		"<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>", "<li>Key: 404.html</li>"} {
		if resp.StatusCode != 404 || !strings.Contains(body, want) {
			t.Fatalf("missing error document: %d, want %q in %s", resp.StatusCode, want, body)
		}
	}
	if resp.Header.Get("x-amz-request-id") == "" || !strings.Contains(body, "<li>RequestId: "+resp.Header.Get("x-amz-request-id")+"</li>") {
		t.Fatalf("request id: %v %s", resp.Header, body)
	}

	// Without an error document.
	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}}))
	resp, body = webGet(t, h, "GET", host, "/empty/", nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "<li>Key: empty/index.html</li>") || strings.Contains(body, "<h3>") {
		t.Fatalf("no error document: %d %s", resp.StatusCode, body)
	}

	// Redirect everything.
	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("example.com"), Protocol: types.ProtocolHttps}}}))
	resp, _ = webGet(t, h, "GET", host, "/a/b.html", nil)
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "https://example.com/a/b.html" {
		t.Fatalf("redirect all: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The REST endpoint is unaffected: objects there still need the API.
	resp, _ = webGet(t, h, "GET", "", "/www.example.com/style.css", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("REST GET: %d", resp.StatusCode)
	}
}
