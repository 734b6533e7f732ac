package awschunked

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

// seen is what the test server made of one upload.
type seen struct {
	contentSHA256 string
	encoding      string
	data          []byte
	checksumName  string // x-amz-checksum-* compared, from a trailer or a header
	fromTrailer   bool
	err           error
}

// s3Server authenticates each PUT like the edge will, decodes aws-chunked
// bodies with a Reader, checks the checksum the client sent against the
// bytes and answers a bare 200.
type s3Server struct {
	mu   sync.Mutex
	seen []seen
}

func (s *s3Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := seen{contentSHA256: r.Header.Get("X-Amz-Content-Sha256"), encoding: r.Header.Get("Content-Encoding")}
	rec.err = s.handle(r, &rec)
	s.mu.Lock()
	s.seen = append(s.seen, rec)
	s.mu.Unlock()
	if rec.err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
}

func (s *s3Server) handle(r *http.Request, rec *seen) error {
	info, err := sigv4.Parse(r)
	if err != nil {
		return err
	}
	if info == nil {
		return errors.New("anonymous")
	}
	if err := sigv4.Verify(r, info, "test", "", time.Now(), sigv4.DefaultMaxSkew); err != nil {
		return err
	}
	body := io.Reader(r.Body)
	opts, chunked, err := OptionsFromHeader(r.Header)
	if err != nil {
		return err
	}
	var dec *Reader
	if chunked {
		if opts.Mode.Signed && !opts.Mode.ECDSA {
			if opts.Verifier, err = NewVerifier(info, "test"); err != nil {
				return err
			}
		}
		dec = NewReader(r.Body, opts)
		body = dec
	}
	sums := newChecksums()
	if _, err := io.Copy(io.MultiWriter(sums), body); err != nil {
		return err
	}
	rec.data = sums.data.Bytes()
	sent := map[string]string{}
	for k := range r.Header {
		if k := strings.ToLower(k); strings.HasPrefix(k, "x-amz-checksum-") && k != "x-amz-checksum-type" {
			sent[k] = r.Header.Get(k)
		}
	}
	if dec != nil {
		for k, v := range dec.Trailers() {
			sent[k] = v
			rec.fromTrailer = true
		}
	}
	for k, v := range sent {
		rec.checksumName = k
		if got := sums.sum(k); got != v {
			return errors.New(k + ": computed " + got + ", sent " + v)
		}
	}
	return nil
}

func (s *s3Server) take() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// checksums computes every S3 checksum of what is written to it.
type checksums struct {
	data bytes.Buffer
	h    map[string]hash.Hash
}

var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func newChecksums() *checksums {
	return &checksums{h: map[string]hash.Hash{
		"x-amz-checksum-crc32":     crc32.NewIEEE(),
		"x-amz-checksum-crc32c":    crc32.New(crc32.MakeTable(crc32.Castagnoli)),
		"x-amz-checksum-crc64nvme": crc64.New(crc64NVME),
		"x-amz-checksum-sha1":      sha1.New(),
		"x-amz-checksum-sha256":    sha256.New(),
	}}
}

func (c *checksums) Write(p []byte) (int, error) {
	c.data.Write(p)
	for _, h := range c.h {
		h.Write(p)
	}
	return len(p), nil
}

func (c *checksums) sum(name string) string {
	h, ok := c.h[name]
	if !ok {
		return "unknown checksum " + name
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// onlyReader hides Seek so the SDK cannot rewind the body.
type onlyReader struct{ io.Reader }

func TestSDKUploads(t *testing.T) {
	srv := &s3Server{}
	// The SDK sends trailing checksums (aws-chunked) only over TLS; over
	// plain HTTP it puts the checksum in a header instead.
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cfg := defaultConfig(t, ts)
	def := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(ts.URL)
		o.UsePathStyle = true
	})
	whenRequired := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(ts.URL)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	data := payload(300 << 10)

	cases := []struct {
		name     string
		do       func() error
		streamed bool   // expect an aws-chunked body
		checksum string // expected x-amz-checksum-* (trailer when streamed)
		size     int
	}{
		{name: "PutObject default", streamed: true, checksum: "x-amz-checksum-crc32", size: len(data), do: func() error {
			_, err := def.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader(data)})
			return err
		}},
		{name: "PutObject unseekable", streamed: true, checksum: "x-amz-checksum-crc32", size: len(data), do: func() error {
			_, err := def.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"),
				Body: onlyReader{bytes.NewReader(data)}, ContentLength: aws.Int64(int64(len(data)))})
			return err
		}},
		{name: "PutObject small", streamed: true, checksum: "x-amz-checksum-crc32", size: 3, do: func() error {
			_, err := def.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: strings.NewReader("abc")})
			return err
		}},
		{name: "PutObject empty", streamed: false, checksum: "x-amz-checksum-crc32", size: 0, do: func() error {
			_, err := def.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader(nil)})
			return err
		}},
		{name: "UploadPart", streamed: true, checksum: "x-amz-checksum-crc32", size: len(data), do: func() error {
			_, err := def.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("b"), Key: aws.String("k"),
				UploadId: aws.String("u"), PartNumber: aws.Int32(1), Body: bytes.NewReader(data)})
			return err
		}},
		{name: "WhenRequired", streamed: false, size: len(data), do: func() error {
			_, err := whenRequired.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader(data)})
			return err
		}},
		{name: "WhenRequired with algorithm", streamed: true, checksum: "x-amz-checksum-sha256", size: len(data), do: func() error {
			_, err := whenRequired.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"),
				Body: bytes.NewReader(data), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
			return err
		}},
		{name: "presigned PUT", streamed: false, size: len(data), do: func() error {
			req, err := s3.NewPresignClient(def).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k")})
			if err != nil {
				return err
			}
			hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(data))
			if err != nil {
				return err
			}
			for k, v := range req.SignedHeader {
				hreq.Header[k] = v
			}
			resp, err := ts.Client().Do(hreq)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return errors.New(resp.Status)
			}
			return nil
		}},
	}
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
		types.ChecksumAlgorithmCrc64nvme, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		cases = append(cases, struct {
			name     string
			do       func() error
			streamed bool
			checksum string
			size     int
		}{name: "PutObject " + string(alg), streamed: true, checksum: "x-amz-checksum-" + strings.ToLower(string(alg)), size: len(data), do: func() error {
			_, err := def.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"),
				Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
			return err
		}})
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			got := srv.take()
			if len(got) != 1 {
				t.Fatalf("server saw %d requests (client error %v)", len(got), err)
			}
			s := got[0]
			if s.err != nil {
				t.Fatalf("server: %v", s.err)
			}
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			if c.streamed != (s.contentSHA256 == StreamingUnsignedTrailer) || c.streamed != strings.Contains(s.encoding, "aws-chunked") {
				t.Fatalf("x-amz-content-sha256 %q, Content-Encoding %q; want streamed=%v", s.contentSHA256, s.encoding, c.streamed)
			}
			if !bytes.Equal(s.data, data[:c.size]) && !(c.size == 3 && string(s.data) == "abc") {
				t.Fatalf("server got %d bytes, want %d", len(s.data), c.size)
			}
			if s.checksumName != c.checksum || s.fromTrailer != (c.streamed && c.checksum != "") {
				t.Fatalf("checksum %q (trailer %v), want %q", s.checksumName, s.fromTrailer, c.checksum)
			}
		})
	}
}

// TestSDKCorruptedInFlight flips one data byte of an SDK upload before
// decoding: framing still decodes, and the trailer no longer matches the
// bytes, which is how S3 notices (BadDigest).
func TestSDKCorruptedInFlight(t *testing.T) {
	type outcome struct {
		data     []byte
		trailers map[string]string
		err      error
	}
	results := make(chan outcome, 1)
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		opts, ok, err := OptionsFromHeader(r.Header)
		if !ok || err != nil {
			results <- outcome{err: fmt.Errorf("not aws-chunked: %v", err)}
			return
		}
		raw, _ := io.ReadAll(r.Body)
		i := bytes.Index(raw, []byte("hello"))
		raw[i] = 'j'
		dec := NewReader(bytes.NewReader(raw), opts)
		data, err := io.ReadAll(dec)
		results <- outcome{data, dec.Trailers(), err}
	}))
	defer ts.Close()
	client := s3.NewFromConfig(defaultConfig(t, ts), func(o *s3.Options) { o.BaseEndpoint = aws.String(ts.URL); o.UsePathStyle = true })
	if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"),
		Body: strings.NewReader("hello world")}); err != nil {
		t.Fatal(err)
	}
	o := <-results
	if o.err != nil || string(o.data) != "jello world" {
		t.Fatalf("decode: %q %v", o.data, o.err)
	}
	sums := newChecksums()
	sums.Write(o.data)
	if got, sent := sums.sum("x-amz-checksum-crc32"), o.trailers["x-amz-checksum-crc32"]; sent == "" || got == sent {
		t.Fatalf("computed %s, trailer %q: corruption not visible", got, sent)
	}
	sums = newChecksums()
	sums.Write([]byte("hello world"))
	if got, sent := sums.sum("x-amz-checksum-crc32"), o.trailers["x-amz-checksum-crc32"]; got != sent {
		t.Fatalf("trailer %s is not the checksum of what the client sent (%s)", sent, got)
	}
}

// defaultConfig loads the SDK's default configuration (as applications
// do, so the default checksum behaviour applies), talking to ts.
func defaultConfig(t *testing.T, ts *httptest.Server) aws.Config {
	t.Helper()
	// The host's AWS settings must not leak in (a CA bundle, say, would
	// replace the test server's TLS client).
	for _, k := range []string{"AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_REQUEST_CHECKSUM_CALCULATION",
		"AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_USE_FIPS_ENDPOINT"} {
		t.Setenv(k, "")
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithHTTPClient(ts.Client()),
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenSupported {
		t.Fatalf("default RequestChecksumCalculation is %v", cfg.RequestChecksumCalculation)
	}
	return cfg
}
