package restroute

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/apigatewaymanagementapiapi"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/s3api"
)

type routeCase struct {
	method, target string
	header         http.Header
	op             string
	labels         map[string]string
	allow          []string // expected Allow when op == ""
}

func runRoutes(t *testing.T, svc *model.Service, cases []routeCase) {
	t.Helper()
	r := New(svc)
	for _, c := range cases {
		path, rawQuery, _ := strings.Cut(c.target, "?")
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			t.Fatalf("%s: %v", c.target, err)
		}
		res := r.Lookup(c.method, path, q, c.header)
		got := ""
		if res.Op != nil {
			got = res.Op.Name
		}
		if got != c.op {
			t.Errorf("%s %s: got op %q, want %q", c.method, c.target, got, c.op)
			continue
		}
		if c.op == "" {
			if !reflect.DeepEqual(res.Allow, c.allow) {
				t.Errorf("%s %s: Allow = %v, want %v", c.method, c.target, res.Allow, c.allow)
			}
			continue
		}
		want := c.labels
		if want == nil {
			want = map[string]string{}
		}
		gotLabels := res.Labels
		if gotLabels == nil {
			gotLabels = map[string]string{}
		}
		if !reflect.DeepEqual(gotLabels, want) {
			t.Errorf("%s %s: labels = %v, want %v", c.method, c.target, gotLabels, want)
		}
		if c.header == nil {
			op, labels, ok := r.Match(c.method, path, q)
			if !ok || op != res.Op || !reflect.DeepEqual(labels, res.Labels) {
				t.Errorf("%s %s: Match disagrees with Lookup", c.method, c.target)
			}
		}
	}
}

func TestLambdaRoutes(t *testing.T) {
	fn := map[string]string{"FunctionName": "my-fn"}
	runRoutes(t, lambdaapi.Service, []routeCase{
		{method: "POST", target: "/2015-03-31/functions/my-fn/invocations", op: "Invoke", labels: fn},
		{method: "POST", target: "/2015-03-31/functions/my-fn/invocations?Qualifier=%24LATEST", op: "Invoke", labels: fn},
		{method: "GET", target: "/2015-03-31/functions/my-fn", op: "GetFunction", labels: fn},
		{method: "DELETE", target: "/2015-03-31/functions/my-fn", op: "DeleteFunction", labels: fn},
		{method: "GET", target: "/2015-03-31/functions", op: "ListFunctions"},
		{method: "GET", target: "/2015-03-31/functions/", op: "ListFunctions"},
		{method: "GET", target: "/2015-03-31/functions?MaxItems=10&Marker=abc", op: "ListFunctions"},
		{method: "POST", target: "/2015-03-31/functions", op: "CreateFunction"},
		{method: "GET", target: "/2015-03-31/functions/my-fn/versions", op: "ListVersionsByFunction", labels: fn},
		{method: "POST", target: "/2015-03-31/functions/my-fn/versions", op: "PublishVersion", labels: fn},
		{method: "GET", target: "/2015-03-31/functions/my-fn/configuration", op: "GetFunctionConfiguration", labels: fn},
		{method: "PUT", target: "/2015-03-31/functions/my-fn/configuration", op: "UpdateFunctionConfiguration", labels: fn},
		{method: "GET", target: "/2015-03-31/functions/my-fn/aliases/live", op: "GetAlias", labels: map[string]string{"FunctionName": "my-fn", "Name": "live"}},
		{method: "DELETE", target: "/2015-03-31/functions/my-fn/policy/sid-1", op: "RemovePermission", labels: map[string]string{"FunctionName": "my-fn", "StatementId": "sid-1"}},
		{method: "GET", target: "/2019-09-25/functions/my-fn/event-invoke-config/list", op: "ListFunctionEventInvokeConfigs", labels: fn},
		{method: "GET", target: "/2019-09-25/functions/my-fn/event-invoke-config", op: "GetFunctionEventInvokeConfig", labels: fn},
		// Query literals: ?find=LayerVersion and ?List=ALL select their operations.
		{method: "GET", target: "/2018-10-31/layers?find=LayerVersion&Arn=arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Alayer%3Ax%3A1", op: "GetLayerVersionByArn"},
		{method: "GET", target: "/2018-10-31/layers", op: "ListLayers"},
		{method: "GET", target: "/2018-10-31/layers?find=Other", op: "ListLayers"},
		{method: "GET", target: "/2019-09-30/functions/my-fn/provisioned-concurrency?List=ALL", op: "ListProvisionedConcurrencyConfigs", labels: fn},
		{method: "GET", target: "/2019-09-30/functions/my-fn/provisioned-concurrency?Qualifier=1", op: "GetProvisionedConcurrencyConfig", labels: fn},
		// Labels are percent-decoded: ARNs and encoded slashes.
		{method: "GET", target: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn", op: "GetFunction",
			labels: map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:my-fn"}},
		{method: "GET", target: "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod", op: "GetFunction",
			labels: map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod"}},
		{method: "GET", target: "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Aa%2Fb", op: "ListTags",
			labels: map[string]string{"Resource": "arn:aws:lambda:us-east-1:1:function:a/b"}},
		{method: "DELETE", target: "/2017-03-31/tags/r?tagKeys=a&tagKeys=b", op: "UntagResource", labels: map[string]string{"Resource": "r"}},
		// Method not allowed vs no match.
		{method: "PATCH", target: "/2015-03-31/functions/my-fn", allow: []string{"DELETE", "GET"}},
		{method: "PUT", target: "/2015-03-31/functions", allow: []string{"GET", "POST"}},
		{method: "GET", target: "/2015-03-31/nothing-here"},
		{method: "GET", target: "/2015-03-31/functions/my-fn/invocations/extra"},
		// Empty labels never match.
		{method: "GET", target: "/2015-03-31/functions//versions"},
		{method: "GET", target: "/"},
		{method: "GET", target: ""},
		{method: "GET", target: "relative/path"},
		// Invalid escapes in a label do not match.
		{method: "GET", target: "/2015-03-31/functions/%zz"},
	})
}

func TestS3Routes(t *testing.T) {
	bk := func(key string) map[string]string { return map[string]string{"Bucket": "bucket", "Key": key} }
	b := map[string]string{"Bucket": "bucket"}
	copySrc := http.Header{"X-Amz-Copy-Source": {"/src/key"}}
	runRoutes(t, s3api.Service, []routeCase{
		{method: "GET", target: "/", op: "ListBuckets"},
		{method: "GET", target: "/?x-id=ListBuckets", op: "ListBuckets"},
		{method: "GET", target: "/?x-id=ListDirectoryBuckets", op: "ListDirectoryBuckets"},
		{method: "GET", target: "/?max-directory-buckets=5", op: "ListDirectoryBuckets"},
		{method: "PUT", target: "/bucket", op: "CreateBucket", labels: b},
		{method: "HEAD", target: "/bucket", op: "HeadBucket", labels: b},
		{method: "DELETE", target: "/bucket", op: "DeleteBucket", labels: b},
		{method: "GET", target: "/bucket", op: "ListObjects", labels: b},
		{method: "GET", target: "/bucket/", op: "ListObjects", labels: b},
		{method: "GET", target: "/bucket?prefix=a%2F&delimiter=%2F", op: "ListObjects", labels: b},
		{method: "GET", target: "/bucket?list-type=2&prefix=a", op: "ListObjectsV2", labels: b},
		{method: "GET", target: "/bucket/?list-type=2", op: "ListObjectsV2", labels: b},
		{method: "GET", target: "/bucket?list-type=3", op: "ListObjects", labels: b},
		{method: "GET", target: "/bucket?location", op: "GetBucketLocation", labels: b},
		{method: "POST", target: "/bucket?delete", op: "DeleteObjects", labels: b},
		{method: "POST", target: "/bucket?delete=", op: "DeleteObjects", labels: b},
		{method: "GET", target: "/bucket?uploads", op: "ListMultipartUploads", labels: b},
		{method: "GET", target: "/bucket?versions", op: "ListObjectVersions", labels: b},
		{method: "GET", target: "/bucket?acl", op: "GetBucketAcl", labels: b},
		{method: "PUT", target: "/bucket?tagging", op: "PutBucketTagging", labels: b},
		{method: "DELETE", target: "/bucket?tagging", op: "DeleteBucketTagging", labels: b},
		// x-id told apart without x-id by the required id query parameter.
		{method: "GET", target: "/bucket?analytics&id=a1", op: "GetBucketAnalyticsConfiguration", labels: b},
		{method: "GET", target: "/bucket?analytics", op: "ListBucketAnalyticsConfigurations", labels: b},
		{method: "GET", target: "/bucket?analytics&x-id=ListBucketAnalyticsConfigurations", op: "ListBucketAnalyticsConfigurations", labels: b},
		{method: "GET", target: "/bucket?analytics&id=a1&x-id=GetBucketAnalyticsConfiguration", op: "GetBucketAnalyticsConfiguration", labels: b},

		// Objects: x-id from the SDKs, or none from other clients.
		{method: "GET", target: "/bucket/key?x-id=GetObject", op: "GetObject", labels: bk("key")},
		{method: "GET", target: "/bucket/key", op: "GetObject", labels: bk("key")},
		{method: "HEAD", target: "/bucket/key", op: "HeadObject", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?x-id=PutObject", op: "PutObject", labels: bk("key")},
		{method: "PUT", target: "/bucket/key", op: "PutObject", labels: bk("key")},
		{method: "PUT", target: "/bucket/key", header: copySrc, op: "CopyObject", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?x-id=CopyObject", op: "CopyObject", labels: bk("key")},
		{method: "DELETE", target: "/bucket/key", op: "DeleteObject", labels: bk("key")},
		{method: "DELETE", target: "/bucket/key?x-id=DeleteObject", op: "DeleteObject", labels: bk("key")},
		{method: "POST", target: "/bucket/key?uploads", op: "CreateMultipartUpload", labels: bk("key")},
		{method: "POST", target: "/bucket/key?uploads=", op: "CreateMultipartUpload", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?partNumber=1&uploadId=u1&x-id=UploadPart", op: "UploadPart", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?partNumber=1&uploadId=u1", op: "UploadPart", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?partNumber=1&uploadId=u1", header: copySrc, op: "UploadPartCopy", labels: bk("key")},
		{method: "GET", target: "/bucket/key?uploadId=u1", op: "ListParts", labels: bk("key")},
		{method: "GET", target: "/bucket/key?uploadId=u1&x-id=ListParts", op: "ListParts", labels: bk("key")},
		{method: "POST", target: "/bucket/key?uploadId=u1", op: "CompleteMultipartUpload", labels: bk("key")},
		{method: "DELETE", target: "/bucket/key?uploadId=u1", op: "AbortMultipartUpload", labels: bk("key")},
		{method: "DELETE", target: "/bucket/key?uploadId=u1&x-id=AbortMultipartUpload", op: "AbortMultipartUpload", labels: bk("key")},
		{method: "GET", target: "/bucket/key?tagging", op: "GetObjectTagging", labels: bk("key")},
		{method: "PUT", target: "/bucket/key?acl", op: "PutObjectAcl", labels: bk("key")},
		{method: "POST", target: "/bucket/key?restore", op: "RestoreObject", labels: bk("key")},
		{method: "POST", target: "/bucket/key?select&select-type=2", op: "SelectObjectContent", labels: bk("key")},
		{method: "GET", target: "/bucket/key?attributes", op: "GetObjectAttributes", labels: bk("key")},

		// Greedy keys: slashes, empty segments, encoded characters.
		{method: "GET", target: "/bucket/a/b/c.txt", op: "GetObject", labels: bk("a/b/c.txt")},
		{method: "GET", target: "/bucket/a//b", op: "GetObject", labels: bk("a//b")},
		{method: "GET", target: "/bucket//leading", op: "GetObject", labels: bk("/leading")},
		{method: "GET", target: "/bucket/dir/", op: "GetObject", labels: bk("dir/")},
		{method: "GET", target: "/bucket/with%20space%2Bplus+raw", op: "GetObject", labels: bk("with space+plus+raw")},
		{method: "GET", target: "/bucket/enc%2Fslash", op: "GetObject", labels: bk("enc/slash")},
		{method: "GET", target: "/bucket/%E6%97%A5%E6%9C%AC/%3F%23%25", op: "GetObject", labels: bk("日本/?#%")},
		{method: "GET", target: "/bucket/a/b?tagging", op: "GetObjectTagging", labels: bk("a/b")},
		{method: "PUT", target: "/bucket/a/b/?x-id=PutObject", op: "PutObject", labels: bk("a/b/")},
		{method: "GET", target: "/bucket/%", op: ""},

		// A mismatching x-id rules its operation out.
		{method: "GET", target: "/bucket/key?x-id=PutObject", allow: []string{"HEAD", "POST", "PUT"}},
		{method: "PATCH", target: "/bucket/key", allow: []string{"DELETE", "GET", "HEAD", "POST", "PUT"}},
		{method: "POST", target: "/", allow: []string{"GET"}},
		{method: "POST", target: "/WriteGetObjectResponse", op: "WriteGetObjectResponse"},
	})
}

func TestAPIGatewayManagementRoutes(t *testing.T) {
	c := map[string]string{"ConnectionId": "abc="}
	runRoutes(t, apigatewaymanagementapiapi.Service, []routeCase{
		{method: "POST", target: "/@connections/abc%3D", op: "PostToConnection", labels: c},
		{method: "POST", target: "/%40connections/abc%3D", op: "PostToConnection", labels: c},
		{method: "GET", target: "/@connections/abc=", op: "GetConnection", labels: c},
		{method: "DELETE", target: "/@connections/abc=", op: "DeleteConnection", labels: c},
	})
}

func TestRouteRequest(t *testing.T) {
	r := New(s3api.Service)
	req, _ := http.NewRequest("PUT", "http://localhost/bucket/dir/a%2Bb?partNumber=2&uploadId=x", nil)
	req.Header.Set("x-amz-copy-source", "src/key")
	res := r.Route(req)
	if res.Op == nil || res.Op.Name != "UploadPartCopy" || res.Labels["Key"] != "dir/a+b" {
		t.Fatalf("Route = %+v", res)
	}
}

// TestRoutesCoverModels checks that every operation of the models is
// reachable by its own URI with placeholder labels, the way an SDK sends it.
func TestRoutesCoverModels(t *testing.T) {
	for _, svc := range []*model.Service{lambdaapi.Service, s3api.Service, apigatewaymanagementapiapi.Service} {
		r := New(svc)
		for name, op := range svc.Operations {
			path, rawQuery, _ := strings.Cut(op.URI, "?")
			var segs []string
			for _, s := range strings.Split(path, "/") {
				if strings.HasPrefix(s, "{") {
					s = "x-" + strings.Trim(s, "{}+")
				}
				segs = append(segs, s)
			}
			q, _ := url.ParseQuery(rawQuery)
			header := http.Header{}
			// Fill in the required query parameters and headers too.
			rt := compile(op)
			for _, k := range rt.reqQuery {
				q.Set(k, "1")
			}
			for _, k := range rt.reqHeader {
				header.Set(k, "1")
			}
			res := r.Lookup(op.Method, strings.Join(segs, "/"), q, header)
			if res.Op != op {
				got := "<nil>"
				if res.Op != nil {
					got = res.Op.Name
				}
				t.Errorf("%s: %s %s routed to %s", svc.Name, op.Method, op.URI, got)
				continue
			}
			_ = name
		}
	}
}
