package s3_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

// sendPresigned executes a presigned request with a plain HTTP client, as
// a browser or curl would.
func sendPresigned(t *testing.T, req *v4.PresignedHTTPRequest, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(req.Method, req.URL, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range req.SignedHeader {
		if strings.EqualFold(k, "Host") {
			continue
		}
		r.Header[k] = vs
	}
	for k, vs := range header {
		r.Header[k] = vs
	}
	return do(t, r)
}

func do(t *testing.T, r *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// errorFields returns the child elements of an S3 error document.
func errorFields(t *testing.T, body string) map[string]string {
	t.Helper()
	var doc struct {
		XMLName xml.Name
		Fields  []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if doc.XMLName.Local != "Error" {
		t.Fatalf("root element %s in %s", doc.XMLName.Local, body)
	}
	out := map[string]string{}
	for _, f := range doc.Fields {
		out[f.XMLName.Local] = f.Value
	}
	return out
}

func strictServer(t *testing.T, opts ...hakotest.Option) *hakotest.Server {
	return hakotest.Start(t, append(opts, hakotest.WithConfig(func(c *config.Config) { c.Auth = config.AuthStrict }))...)
}

func TestPresignedGetPutHeadDelete(t *testing.T) {
	h := strictServer(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "presigned")
	pc := s3.NewPresignClient(c)

	// PUT without signed headers beyond host.
	preq, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := sendPresigned(t, preq, http.Header{"Content-Type": {"text/plain"}}, "hello presigned")
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+md5hex("hello presigned")+`"` {
		t.Fatalf("presigned put: %d %s %s", resp.StatusCode, resp.Header.Get("ETag"), body)
	}
	got, g := get(t, c, &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if got != "hello presigned" || aws.ToString(g.ContentType) != "text/plain" {
		t.Fatalf("after presigned put: %q %q", got, aws.ToString(g.ContentType))
	}

	// PUT with a signed Content-Type: the same value passes, another fails.
	preq, err = pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("presigned"), Key: aws.String("typed.json"), ContentType: aws.String("application/json")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(preq.URL), "content-type") {
		t.Fatalf("content-type not signed: %s", preq.URL)
	}
	resp, body = sendPresigned(t, preq, nil, `{"a":1}`)
	if resp.StatusCode != 200 {
		t.Fatalf("typed put: %d %s", resp.StatusCode, body)
	}
	resp, body = sendPresigned(t, preq, http.Header{"Content-Type": {"text/html"}}, `<b>x</b>`)
	if resp.StatusCode != 403 {
		t.Fatalf("put with another content-type: %d %s", resp.StatusCode, body)
	}
	f := errorFields(t, body)
	if f["Code"] != "SignatureDoesNotMatch" || f["Message"] != "The request signature we calculated does not match the signature you provided. Check your key and signing method." {
		t.Errorf("mismatch error: %v", f)
	}
	if f["AWSAccessKeyId"] != "test" || !strings.Contains(f["CanonicalRequest"], "content-type:text/html") ||
		!strings.HasPrefix(f["StringToSign"], "AWS4-HMAC-SHA256\n") || f["SignatureProvided"] == "" || f["RequestId"] == "" {
		t.Errorf("mismatch details: %v", f)
	}
	if got, _ := get(t, c, &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("typed.json")}); got != `{"a":1}` {
		t.Errorf("rejected put changed the object: %q", got)
	}

	// GET and HEAD.
	greq, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, body = sendPresigned(t, greq, nil, "")
	if resp.StatusCode != 200 || body != "hello presigned" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("presigned get: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	hreq, err := pc.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = sendPresigned(t, hreq, nil, "")
	if resp.StatusCode != 200 || resp.ContentLength != int64(len("hello presigned")) {
		t.Fatalf("presigned head: %d %d", resp.StatusCode, resp.ContentLength)
	}
	// A presigned GET is not a presigned HEAD.
	r, _ := http.NewRequest(http.MethodHead, greq.URL, nil)
	if resp, _ := do(t, r); resp.StatusCode != 403 {
		t.Errorf("head with a get signature: %d", resp.StatusCode)
	}

	// Tampering: the signature, the key, an added parameter.
	u, _ := url.Parse(greq.URL)
	q := u.Query()
	sig := q.Get("X-Amz-Signature")
	flip := "0"
	if sig[len(sig)-1] == '0' {
		flip = "1"
	}
	q.Set("X-Amz-Signature", sig[:len(sig)-1]+flip)
	u.RawQuery = q.Encode()
	r, _ = http.NewRequest(http.MethodGet, u.String(), nil)
	resp, body = do(t, r)
	if f := errorFields(t, body); resp.StatusCode != 403 || f["Code"] != "SignatureDoesNotMatch" || f["SignatureProvided"] != sig[:len(sig)-1]+flip {
		t.Errorf("tampered signature: %d %v", resp.StatusCode, f)
	}
	r, _ = http.NewRequest(http.MethodGet, strings.Replace(greq.URL, "a%20b", "a%20c", 1), nil)
	if resp, body := do(t, r); resp.StatusCode != 403 || errorFields(t, body)["Code"] != "SignatureDoesNotMatch" {
		t.Errorf("tampered key: %d %s", resp.StatusCode, body)
	}
	r, _ = http.NewRequest(http.MethodGet, greq.URL+"&response-content-type=text%2Fhtml", nil)
	if resp, body := do(t, r); resp.StatusCode != 403 || errorFields(t, body)["Code"] != "SignatureDoesNotMatch" {
		t.Errorf("added parameter: %d %s", resp.StatusCode, body)
	}
	// Signed response overrides apply.
	greq2, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt"),
		ResponseContentDisposition: aws.String(`attachment; filename="a b.txt"`)})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := sendPresigned(t, greq2, nil, ""); resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="a b.txt"` {
		t.Errorf("response override: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// An unknown access key.
	other := s3.NewPresignClient(h.S3(func(o *s3.Options) { o.Credentials = staticCreds("nobody") }))
	oreq, err := other.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := sendPresigned(t, oreq, nil, ""); resp.StatusCode != 403 {
		t.Errorf("unknown key: %d %s", resp.StatusCode, body)
	}

	// DELETE.
	dreq, err := pc.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := sendPresigned(t, dreq, nil, ""); resp.StatusCode != 204 {
		t.Fatalf("presigned delete: %d %s", resp.StatusCode, body)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("presigned"), Key: aws.String("dir/a b+c.txt")}); status(err) != 404 {
		t.Errorf("after presigned delete: %v", err)
	}
}

func TestPresignedExpiry(t *testing.T) {
	clk := clock.NewFake(time.Now())
	h := strictServer(t, hakotest.WithClock(clk))
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "expiry")
	put(t, c, "expiry", "k", "v")
	pc := s3.NewPresignClient(c)
	greq, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("expiry"), Key: aws.String("k")}, s3.WithPresignExpires(60*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := sendPresigned(t, greq, nil, ""); resp.StatusCode != 200 || body != "v" {
		t.Fatalf("fresh url: %d %s", resp.StatusCode, body)
	}
	u, _ := url.Parse(greq.URL)
	signed, err := time.Parse("20060102T150405Z", u.Query().Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(signed.Add(61 * time.Second))
	resp, body := sendPresigned(t, greq, nil, "")
	f := errorFields(t, body)
	if resp.StatusCode != 403 || f["Code"] != "AccessDenied" || f["Message"] != "Request has expired" {
		t.Fatalf("expired url: %d %s", resp.StatusCode, body)
	}
	if f["X-Amz-Expires"] != "60" || f["Expires"] != signed.Add(60*time.Second).UTC().Format(time.RFC3339) ||
		f["ServerTime"] != signed.Add(61*time.Second).UTC().Format(time.RFC3339) {
		t.Errorf("expired details: %v", f)
	}

	// More than a week.
	clk.Set(time.Now())
	wreq, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("expiry"), Key: aws.String("k")}, s3.WithPresignExpires(8*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	resp, body = sendPresigned(t, wreq, nil, "")
	f = errorFields(t, body)
	if resp.StatusCode != 400 || f["Code"] != "AuthorizationQueryParametersError" ||
		f["Message"] != "X-Amz-Expires must be less than a week (in seconds) that is, the given X-Amz-Expires must be less than 604800 seconds" {
		t.Errorf("expires > week: %d %s", resp.StatusCode, body)
	}
	// Exactly a week is allowed.
	wreq, err = pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("expiry"), Key: aws.String("k")}, s3.WithPresignExpires(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := sendPresigned(t, wreq, nil, ""); resp.StatusCode != 200 {
		t.Errorf("expires = week: %d %s", resp.StatusCode, body)
	}
}

// Presigned URLs are checked even when header signatures are not.
func TestPresignedPermissive(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "permissive")
	put(t, c, "permissive", "k", "v")
	greq, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("permissive"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := sendPresigned(t, greq, nil, ""); resp.StatusCode != 200 || body != "v" {
		t.Fatalf("presigned get: %d %s", resp.StatusCode, body)
	}
	r, _ := http.NewRequest(http.MethodGet, strings.Replace(greq.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1), nil)
	if resp, body := do(t, r); resp.StatusCode != 403 || errorFields(t, body)["Code"] != "SignatureDoesNotMatch" {
		t.Errorf("tampered: %d %s", resp.StatusCode, body)
	}
}
