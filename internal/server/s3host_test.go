package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

// dialingClient is an HTTP client that connects to the test server
// whatever the URL's host: *.localhost names need not resolve. Request
// bodies are copied, as hakotest.HTTPClient does.
func dialingClient(h *hakotest.Server) *http.Client {
	return recordingClient(h, nil)
}

// recordingClient is dialingClient that also records the hosts requested.
func recordingClient(h *hakotest.Server, hosts *hostLog) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, h.Addr)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: copyBodyTransport{tr, hosts}}
}

type hostLog struct {
	mu    sync.Mutex
	hosts []string
}

func (l *hostLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.hosts...)
}

type copyBodyTransport struct {
	base  http.RoundTripper
	hosts *hostLog
}

func (t copyBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.hosts != nil {
		t.hosts.mu.Lock()
		t.hosts.hosts = append(t.hosts.hosts, r.URL.Host)
		t.hosts.mu.Unlock()
	}
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r2.ContentLength = int64(len(b))
	return t.base.RoundTrip(r2)
}

// vhostS3 returns an SDK client with virtual-hosted-style addressing
// against endpoint (http://s3.localhost:PORT, ...).
func vhostS3(h *hakotest.Server, endpoint string, hosts *hostLog, opts ...func(*s3.Options)) *s3.Client {
	cfg := h.AWSConfig()
	cfg.HTTPClient = recordingClient(h, hosts)
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) {
		o.UsePathStyle = false
		o.BaseEndpoint = aws.String(endpoint)
	}}, opts...)...)
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestS3VirtualHostAddressing drives S3 with the SDK's default
// (virtual-hosted) addressing under the host names hako knows, with
// strict auth so every signature is checked on the request as sent.
func TestS3VirtualHostAddressing(t *testing.T) {
	h := hakotest.Start(t, hakotest.WithConfig(func(c *config.Config) { c.Auth = config.AuthStrict }))
	_, port, _ := net.SplitHostPort(h.Addr)
	ctx := context.Background()
	for i, endpoint := range []string{
		"http://s3.localhost:" + port,
		"http://s3.us-east-1.localhost:" + port,
		"http://localhost:" + port,
		"http://s3.amazonaws.com:" + port,
		"http://s3.eu-west-1.amazonaws.com:" + port,
	} {
		t.Run(endpoint, func(t *testing.T) {
			hosts := &hostLog{}
			c := vhostS3(h, endpoint, hosts)
			bucket := []string{"vh-one", "vh-two", "vh-three", "vh-four", "vh-five"}[i]
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Fatal(err)
			}
			keys := []string{"plain.txt", "dir/a b+c%2F=&?.txt", "dir/x/y", "ünï/çødé", "//leading"}
			for _, k := range keys {
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("body of " + k)}); err != nil {
					t.Fatalf("put %q: %v", k, err)
				}
			}
			for _, k := range keys {
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
				if err != nil {
					t.Fatalf("get %q: %v", k, err)
				}
				b, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if string(b) != "body of "+k {
					t.Errorf("get %q: %q", k, b)
				}
			}
			l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("dir/"), Delimiter: aws.String("/")})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Contents) != 1 || aws.ToString(l.Contents[0].Key) != "dir/a b+c%2F=&?.txt" || len(l.CommonPrefixes) != 1 || aws.ToString(l.CommonPrefixes[0].Prefix) != "dir/x/" {
				t.Errorf("list: %+v %+v", l.Contents, l.CommonPrefixes)
			}
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Errorf("head bucket: %v", err)
			}
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("plain.txt")}); err != nil {
				t.Fatal(err)
			}
			_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("plain.txt")})
			var nsk *types.NoSuchKey
			if !errors.As(err, &nsk) {
				t.Errorf("get deleted: %v", err)
			}
			// ListBuckets goes to the endpoint itself (path style).
			lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, b := range lb.Buckets {
				found = found || aws.ToString(b.Name) == bucket
			}
			if !found {
				t.Errorf("list buckets lacks %s", bucket)
			}
			// The requests really were virtual-hosted.
			vh := 0
			for _, host := range hosts.list() {
				if strings.HasPrefix(host, bucket+".") {
					vh++
				}
			}
			if vh < len(keys)*2 {
				t.Errorf("only %d of %d requests virtual-hosted: %v", vh, len(hosts.list()), hosts.list())
			}
			// The path-style client sees the same objects.
			if _, err := h.S3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("ünï/çødé")}); err != nil {
				t.Errorf("path-style head: %v", err)
			}
			// A wrong secret fails: the signature is checked.
			bad := vhostS3(h, endpoint, nil, func(o *s3.Options) {
				o.Credentials = credentials.NewStaticCredentialsProvider("test", "wrong", "")
			})
			if _, err := bad.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/x/y")}); errCode(err) != "SignatureDoesNotMatch" {
				t.Errorf("wrong secret: %v", err)
			}
			// Presigned URLs, virtual-hosted.
			pr, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/a b+c%2F=&?.txt")})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pr.URL, "://"+bucket+".") {
				t.Fatalf("presigned url not virtual-hosted: %s", pr.URL)
			}
			req, _ := http.NewRequest(http.MethodGet, pr.URL, nil)
			resp, err := dialingClient(h).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != "body of dir/a b+c%2F=&?.txt" {
				t.Errorf("presigned virtual-hosted get: %d %s", resp.StatusCode, b)
			}
		})
	}
}

// Other services' hosts are not buckets.
func TestS3VirtualHostLeavesOtherHostsAlone(t *testing.T) {
	h := hakotest.Start(t)
	_, port, _ := net.SplitHostPort(h.Addr)
	client := dialingClient(h)
	send := func(method, url, ctype, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// sqs.localhost: an SQS query request, not the bucket "sqs".
	code, body := send("POST", "http://sqs.localhost:"+port+"/", "application/x-www-form-urlencoded", "Action=ListQueues&Version=2012-11-05")
	if code != 200 || !strings.Contains(body, "ListQueuesResponse") {
		t.Errorf("sqs.localhost: %d %s", code, body)
	}
	code, body = send("POST", "http://sqs.us-east-1.localhost:"+port+"/", "application/x-www-form-urlencoded", "Action=ListQueues&Version=2012-11-05")
	if code != 200 || !strings.Contains(body, "ListQueuesResponse") {
		t.Errorf("sqs.us-east-1.localhost: %d %s", code, body)
	}
	// localhost and s3.localhost: path style.
	for _, host := range []string{"localhost", "s3.localhost", "s3.us-east-1.localhost", "127.0.0.1"} {
		code, body = send("GET", "http://"+host+":"+port+"/", "", "")
		if code != 200 || !strings.Contains(body, "ListAllMyBucketsResult") {
			t.Errorf("%s: %d %s", host, code, body)
		}
	}
	if _, err := h.S3().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("pathy")}); err != nil {
		t.Fatal(err)
	}
	code, body = send("GET", "http://s3.localhost:"+port+"/pathy?list-type=2", "", "")
	if code != 200 || !strings.Contains(body, "<Name>pathy</Name>") {
		t.Errorf("path style on s3.localhost: %d %s", code, body)
	}
	code, body = send("GET", "http://pathy.s3.localhost:"+port+"/?list-type=2", "", "")
	if code != 200 || !strings.Contains(body, "<Name>pathy</Name>") {
		t.Errorf("virtual host, unsigned: %d %s", code, body)
	}
	// A function URL host is never a bucket.
	code, _ = send("GET", "http://nosuchurl.lambda-url.us-east-1.localhost:"+port+"/", "", "")
	if code != 403 {
		t.Errorf("function url host: %d", code)
	}
}
