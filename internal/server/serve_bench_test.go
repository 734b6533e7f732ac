package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/server"
)

// BenchmarkServeGetItem measures one DynamoDB GetItem through the whole
// request handler (routing, SigV4 parsing, decoding, the store read,
// encoding), as the SDK sends it, without the network.
func BenchmarkServeGetItem(b *testing.B) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = b.TempDir()
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	sign := func(target, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", bytes.NewReader([]byte(body)))
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		r.Header.Set("X-Amz-Target", "DynamoDB_20120810."+target)
		r.Header.Set("User-Agent", "aws-sdk-go-v2/1.39.0 ua/2.1 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/dynamodb#1.50.0 m/E,N")
		r.Header.Set("Amz-Sdk-Invocation-Id", "5b6b3c9e-1a5e-4a43-9b0f-0a8b0c2d6c8e")
		r.Header.Set("Amz-Sdk-Request", "attempt=1; max=1")
		r.Header.Set("Accept-Encoding", "identity")
		sum := sha256.Sum256([]byte(body))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, r, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
			b.Fatal(err)
		}
		return r
	}
	serve := func(r *http.Request, body string) {
		r.Body = io.NopCloser(strings.NewReader(body))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	do := func(target, body string) { serve(sign(target, body), body) }
	do("CreateTable", `{"TableName":"tbl","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}`)
	do("PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"k7"},"v":{"S":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}}`)
	get := `{"TableName":"tbl","Key":{"pk":{"S":"k7"}}}`
	r := sign("GetItem", get)
	for b.Loop() {
		serve(r, get)
	}
}
