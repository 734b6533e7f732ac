package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

// onlyReader hides Seek, so the SDK streams the body (aws-chunked with a
// trailing checksum, as it does by default over HTTPS).
type onlyReader struct{ io.Reader }

// TestS3AWSChunkedUploads sends PUTs the way the current SDKs do over TLS:
// STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies whose checksum comes in a
// trailer. hako decodes them, checks the trailer and stores the object
// without the aws-chunked content encoding.
func TestS3AWSChunkedUploads(t *testing.T) {
	for _, strict := range []bool{false, true} {
		h := hakotest.Start(t, hakotest.WithConfig(func(c *config.Config) {
			if strict {
				c.Auth = config.AuthStrict
			}
		}))
		var mu sync.Mutex
		var modes []string
		ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				mu.Lock()
				modes = append(modes, r.Header.Get("X-Amz-Content-Sha256"))
				mu.Unlock()
			}
			h.Server().ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		c := s3.NewFromConfig(h.AWSConfig(), func(o *s3.Options) {
			o.UsePathStyle = true
			o.BaseEndpoint = aws.String(ts.URL)
			o.HTTPClient = ts.Client()
		})
		ctx := context.Background()
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("chunked")}); err != nil {
			t.Fatal(err)
		}
		data := bytes.Repeat([]byte("aws-chunked body "), 20000) // 340 KB: several chunks
		for _, alg := range []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme} {
			key := "obj-" + string(alg)
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("chunked"), Key: aws.String(key), Body: onlyReader{bytes.NewReader(data)},
				ContentLength: aws.Int64(int64(len(data))), ChecksumAlgorithm: alg, ContentEncoding: aws.String("gzip")})
			if err != nil {
				t.Fatalf("strict=%v %s: put: %v", strict, alg, err)
			}
			g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("chunked"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(g.Body)
			g.Body.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: read back %d bytes, %v", alg, len(got), err)
			}
			if aws.ToString(g.ContentEncoding) != "gzip" {
				t.Errorf("%s: content encoding %q", alg, aws.ToString(g.ContentEncoding))
			}
			mu.Lock()
			if last := modes[len(modes)-1]; alg != "" && last != "STREAMING-UNSIGNED-PAYLOAD-TRAILER" {
				t.Errorf("%s: the SDK sent %q, not an aws-chunked body", alg, last)
			}
			mu.Unlock()
			if alg != "" {
				sums := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: g.ChecksumCRC32, types.ChecksumAlgorithmCrc32c: g.ChecksumCRC32C,
					types.ChecksumAlgorithmSha256: g.ChecksumSHA256, types.ChecksumAlgorithmCrc64nvme: g.ChecksumCRC64NVME}
				if sums[alg] == nil {
					t.Errorf("%s: no checksum stored", alg)
				}
			}
		}
	}
}

// TestS3AWSChunkedBadTrailer: a trailer checksum that does not match the
// decoded bytes is BadDigest and stores nothing; a truncated body is
// IncompleteBody.
func TestS3AWSChunkedBadTrailer(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail")}); err != nil {
		t.Fatal(err)
	}
	send := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPut, h.URL+"/trail/k", strings.NewReader(body))
		req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
		req.Header.Set("X-Amz-Decoded-Content-Length", "5")
		req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		req.Header.Set("Content-Encoding", "aws-chunked")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := send("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")
	if code != 400 || !strings.Contains(body, "<Code>BadDigest</Code>") {
		t.Errorf("bad trailer: %d %s", code, body)
	}
	code, body = send("5\r\nhel")
	if code != 400 || !strings.Contains(body, "<Code>IncompleteBody</Code>") {
		t.Errorf("truncated: %d %s", code, body)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("trail"), Key: aws.String("k")}); err == nil {
		t.Error("a rejected upload was stored")
	}
	// The right CRC32 of "hello" is NhCmhg==.
	code, body = send("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n")
	if code != 200 {
		t.Errorf("good trailer: %d %s", code, body)
	}
}
