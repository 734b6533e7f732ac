package restroute

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/s3api"
)

var labelRE = regexp.MustCompile(`\{([^}+]+)\+?\}`)

func FuzzRouter(f *testing.F) {
	for _, s := range []struct{ m, p, q string }{
		{"GET", "/bucket/a/b", "x-id=GetObject"},
		{"PUT", "/bucket/k", "partNumber=1&uploadId=u"},
		{"POST", "/bucket", "delete"},
		{"GET", "/2015-03-31/functions/fn", "Qualifier=1"},
		{"GET", "/2018-10-31/layers", "find=LayerVersion"},
		{"DELETE", "//", ""},
		{"GET", "/b/%2F%zz", "x-id="},
		{"HEAD", "/", "x-id=ListBuckets&x-id=ListDirectoryBuckets"},
	} {
		f.Add(s.m, s.p, s.q, "")
	}
	routers := []*Router{New(s3api.Service), New(lambdaapi.Service)}
	f.Fuzz(func(t *testing.T, method, path, rawQuery, copySource string) {
		q, _ := url.ParseQuery(rawQuery)
		h := http.Header{}
		if copySource != "" {
			h.Set("X-Amz-Copy-Source", copySource)
		}
		for _, r := range routers {
			res := r.Lookup(method, path, q, h)
			if res.Op == nil {
				if !sort.StringsAreSorted(res.Allow) {
					t.Fatalf("Allow not sorted: %v", res.Allow)
				}
				for _, m := range res.Allow {
					if m == strings.ToUpper(method) {
						t.Fatalf("Allow %v contains the request method", res.Allow)
					}
				}
				continue
			}
			if len(res.Allow) > 0 {
				t.Fatalf("both Op and Allow")
			}
			if res.Op.Method != strings.ToUpper(method) {
				t.Fatalf("%s %s matched %s (%s)", method, path, res.Op.Name, res.Op.Method)
			}
			for _, m := range labelRE.FindAllStringSubmatch(res.Op.URI, -1) {
				if res.Labels[m[1]] == "" {
					t.Fatalf("%s %s -> %s: label %s missing in %v", method, path, res.Op.Name, m[1], res.Labels)
				}
			}
			if len(res.Labels) != len(labelRE.FindAllString(res.Op.URI, -1)) {
				t.Fatalf("extra labels %v for %s", res.Labels, res.Op.URI)
			}
		}
	})
}
