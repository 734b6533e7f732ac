package restroute

import (
	"net/url"
	"testing"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/s3api"
)

func BenchmarkLookupS3GetObject(b *testing.B) {
	r := New(s3api.Service)
	q := url.Values{"x-id": {"GetObject"}}
	b.ReportAllocs()
	for b.Loop() {
		if res := r.Lookup("GET", "/bucket/some/key/path.txt", q, nil); res.Op == nil {
			b.Fatal("no match")
		}
	}
}

func BenchmarkLookupLambdaInvoke(b *testing.B) {
	r := New(lambdaapi.Service)
	b.ReportAllocs()
	for b.Loop() {
		if res := r.Lookup("POST", "/2015-03-31/functions/my-function/invocations", nil, nil); res.Op == nil {
			b.Fatal("no match")
		}
	}
}
