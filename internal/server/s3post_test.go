package server_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

// field is a form field; forms keep their order.
type field struct{ name, value string }

// browserForm is a multipart/form-data body as a browser builds it:
// fields, then the file part, then (ignored) fields after it.
type browserForm struct {
	fields   []field
	filename *string // nil: no filename parameter
	file     string
	noFile   bool
	after    []field
}

func (f browserForm) encode() (body []byte, contentType string) {
	const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
	var b bytes.Buffer
	part := func(name, value string) {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, name, value)
	}
	for _, fl := range f.fields {
		part(fl.name, fl.value)
	}
	if !f.noFile {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"file\"", boundary)
		if f.filename != nil {
			fmt.Fprintf(&b, "; filename=%q", *f.filename)
		}
		fmt.Fprintf(&b, "\r\nContent-Type: application/octet-stream\r\n\r\n%s\r\n", f.file)
	}
	for _, fl := range f.after {
		part(fl.name, fl.value)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), "multipart/form-data; boundary=" + boundary
}

// postPolicy builds and signs a policy with SigV4 as a backend does for
// its browser clients, and returns the form fields that carry it (in
// browser-form spelling).
func postPolicy(t *testing.T, secret string, expiration time.Time, conditions ...any) []field {
	t.Helper()
	now := time.Now().UTC()
	cred := "test/" + now.Format("20060102") + "/us-east-1/s3/aws4_request"
	date := now.Format("20060102T150405Z")
	conds := append([]any{
		map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
		map[string]string{"x-amz-credential": cred},
		map[string]string{"x-amz-date": date},
	}, conditions...)
	doc, err := json.Marshal(map[string]any{"expiration": expiration.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	if err != nil {
		t.Fatal(err)
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	return []field{
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Credential", cred},
		{"X-Amz-Date", date},
		{"Policy", policy},
		{"X-Amz-Signature", signPolicy(secret, now, policy)},
	}
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func signPolicy(secret string, t time.Time, policy string) string {
	k := hmacSHA256([]byte("AWS4"+secret), t.UTC().Format("20060102"))
	k = hmacSHA256(k, "us-east-1")
	k = hmacSHA256(k, "s3")
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, policy))
}

type postResp struct {
	status int
	header http.Header
	body   string
}

func (r postResp) errorFields(t *testing.T) map[string]string {
	t.Helper()
	var doc struct {
		XMLName xml.Name
		Fields  []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(r.body), &doc); err != nil || doc.XMLName.Local != "Error" {
		t.Fatalf("not an error document (%d): %q %v", r.status, r.body, err)
	}
	out := map[string]string{}
	for _, f := range doc.Fields {
		out[f.XMLName.Local] = f.Value
	}
	return out
}

func sendForm(t *testing.T, client *http.Client, url string, f browserForm) postResp {
	t.Helper()
	body, ctype := f.encode()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", "http://app.localhost")
	if client == nil {
		client = &http.Client{}
	}
	cl := *client
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return postResp{resp.StatusCode, resp.Header, string(b)}
}

func strPtr(s string) *string { return &s }

func TestS3PostPolicyUploads(t *testing.T) {
	h := hakotest.Start(t, hakotest.WithConfig(func(c *config.Config) { c.Auth = config.AuthStrict }))
	c := h.S3()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")}); err != nil {
		t.Fatal(err)
	}
	bucketURL := h.URL + "/uploads"
	hour := time.Now().Add(time.Hour)
	read := func(key string) (string, *s3.GetObjectOutput) {
		t.Helper()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("get %q: %v", key, err)
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		return string(b), out
	}
	absent := func(key string) {
		t.Helper()
		if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key)}); err == nil {
			t.Errorf("%q was stored", key)
		}
	}

	t.Run("204 with fields, ${filename} and metadata", func(t *testing.T) {
		fields := append([]field{{"key", "user/eric/${filename}"}}, postPolicy(t, "test", hour,
			map[string]string{"bucket": "uploads"},
			[]any{"starts-with", "$key", "user/eric/"},
			[]any{"starts-with", "$Content-Type", "text/"},
			[]any{"content-length-range", 1, 1024},
			map[string]string{"x-amz-meta-owner": "Eric"},
			map[string]string{"x-amz-meta-note": "ÄMÄZÕÑ S3"},
			[]any{"starts-with", "$Cache-Control", ""},
			[]any{"eq", "$success_action_status", "204"},
		)...)
		fields = append(fields,
			field{"Content-Type", "text/plain"}, field{"X-Amz-Meta-Owner", "Eric"}, field{"x-amz-meta-note", "ÄMÄZÕÑ S3"},
			field{"Cache-Control", "max-age=60"}, field{"success_action_status", "204"}, field{"x-ignore-submit", "Upload"})
		r := sendForm(t, nil, bucketURL, browserForm{fields: fields, filename: strPtr(`C:\Users\eric\hello world.txt`), file: "hello, browser",
			after: []field{{"submit", "Upload"}}})
		etag := fmt.Sprintf("%q", md5hex("hello, browser"))
		if r.status != 204 || r.header.Get("ETag") != etag || r.body != "" {
			t.Fatalf("post: %d %v %s", r.status, r.header, r.body)
		}
		if loc := r.header.Get("Location"); loc != bucketURL+"/user%2Feric%2Fhello%20world.txt" {
			t.Errorf("location %q", loc)
		}
		if r.header.Get("x-amz-checksum-crc64nvme") == "" || r.header.Get("x-amz-checksum-type") != "FULL_OBJECT" || r.header.Get("x-amz-server-side-encryption") != "AES256" {
			t.Errorf("headers %v", r.header)
		}
		body, out := read("user/eric/hello world.txt")
		if body != "hello, browser" || aws.ToString(out.ContentType) != "text/plain" || aws.ToString(out.CacheControl) != "max-age=60" ||
			out.Metadata["owner"] != "Eric" || out.Metadata["note"] != "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=" || aws.ToString(out.ETag) != etag {
			t.Errorf("object %q %q %q %v %q", body, aws.ToString(out.ContentType), aws.ToString(out.CacheControl), out.Metadata, aws.ToString(out.ETag))
		}
	})

	t.Run("201 PostResponse, tagging, checksum, storage class", func(t *testing.T) {
		sum := sha256.Sum256([]byte("tagged"))
		cks := base64.StdEncoding.EncodeToString(sum[:])
		tagging := "<Tagging><TagSet><Tag><Key>b</Key><Value>2</Value></Tag><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>"
		fields := append([]field{{"key", "docs/r&d <1>.txt"}, {"success_action_status", "201"}, {"tagging", tagging},
			{"x-amz-checksum-sha256", cks}, {"x-amz-storage-class", "STANDARD_IA"}},
			postPolicy(t, "test", hour,
				map[string]string{"bucket": "uploads"}, map[string]string{"key": "docs/r&d <1>.txt"},
				map[string]string{"success_action_status": "201"}, []any{"starts-with", "$tagging", ""},
				[]any{"starts-with", "$x-amz-checksum-sha256", ""}, map[string]string{"x-amz-storage-class": "STANDARD_IA"})...)
		r := sendForm(t, nil, bucketURL, browserForm{fields: fields, filename: strPtr("x.bin"), file: "tagged"})
		if r.status != 201 || r.header.Get("Content-Type") != "application/xml" {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		var pr struct {
			XMLName                     xml.Name `xml:"PostResponse"`
			Location, Bucket, Key, ETag string
		}
		if err := xml.Unmarshal([]byte(r.body), &pr); err != nil {
			t.Fatalf("%v: %s", err, r.body)
		}
		wantLoc := bucketURL + "/docs%2Fr%26d%20%3C1%3E.txt"
		if pr.Bucket != "uploads" || pr.Key != "docs/r&d <1>.txt" || pr.ETag != fmt.Sprintf("%q", md5hex("tagged")) || pr.Location != wantLoc || r.header.Get("Location") != wantLoc {
			t.Errorf("PostResponse %+v (%s)", pr, r.body)
		}
		if r.header.Get("x-amz-checksum-sha256") != cks {
			t.Errorf("checksum header %v", r.header)
		}
		tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("uploads"), Key: aws.String("docs/r&d <1>.txt")})
		if err != nil || len(tags.TagSet) != 2 || aws.ToString(tags.TagSet[0].Key) != "a" || aws.ToString(tags.TagSet[1].Value) != "2" {
			t.Errorf("tags %+v %v", tags, err)
		}
		_, out := read("docs/r&d <1>.txt")
		if out.StorageClass != types.StorageClassStandardIa || aws.ToString(out.ContentType) != "binary/octet-stream" {
			t.Errorf("storage class %q content type %q", out.StorageClass, aws.ToString(out.ContentType))
		}
	})

	t.Run("200 and 303", func(t *testing.T) {
		fields := append([]field{{"key", "s200"}, {"success_action_status", "200"}},
			postPolicy(t, "test", hour, map[string]string{"bucket": "uploads"}, []any{"starts-with", "$key", "s"},
				[]any{"starts-with", "$success_action_status", ""})...)
		r := sendForm(t, nil, bucketURL, browserForm{fields: fields, file: "two hundred"})
		if r.status != 200 || r.body != "" {
			t.Fatalf("200: %d %s", r.status, r.body)
		}
		redirect := "http://app.localhost/done?from=form&x=a b"
		fields = append([]field{{"key", "s303/a b.txt"}, {"success_action_redirect", redirect}},
			postPolicy(t, "test", hour, map[string]string{"bucket": "uploads"}, []any{"starts-with", "$key", "s303/"},
				[]any{"starts-with", "$success_action_redirect", "http://app.localhost/"})...)
		r = sendForm(t, nil, bucketURL, browserForm{fields: fields, file: "see other"})
		want := redirect + "&bucket=uploads&key=s303%2Fa+b.txt&etag=%22" + md5hex("see other") + "%22"
		if r.status != 303 || r.header.Get("Location") != want {
			t.Fatalf("303: %d %q, want %q", r.status, r.header.Get("Location"), want)
		}
		// A relative redirect is ignored.
		fields = append([]field{{"key", "s-rel"}, {"success_action_redirect", "/relative"}},
			postPolicy(t, "test", hour, map[string]string{"bucket": "uploads"}, []any{"starts-with", "$key", "s"},
				[]any{"starts-with", "$success_action_redirect", ""})...)
		if r = sendForm(t, nil, bucketURL, browserForm{fields: fields, file: "rel"}); r.status != 204 {
			t.Errorf("relative redirect: %d %v", r.status, r.header)
		}
	})

	t.Run("SDK presigned post", func(t *testing.T) {
		pc := s3.NewPresignClient(c)
		pp, err := pc.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("sdk/post.txt")}, func(o *s3.PresignPostOptions) {
			o.Conditions = []any{[]any{"content-length-range", 1, 100}, []any{"starts-with", "$Content-Type", ""}}
		})
		if err != nil {
			t.Fatal(err)
		}
		var fields []field
		for k, v := range pp.Values {
			fields = append(fields, field{k, v})
		}
		sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
		fields = append(fields, field{"Content-Type", "text/csv"})
		r := sendForm(t, nil, pp.URL, browserForm{fields: fields, filename: strPtr("post.csv"), file: "a,b\n1,2\n"})
		if r.status != 204 {
			t.Fatalf("sdk post to %s: %d %s", pp.URL, r.status, r.body)
		}
		if body, out := read("sdk/post.txt"); body != "a,b\n1,2\n" || aws.ToString(out.ContentType) != "text/csv" {
			t.Errorf("object %q %q", body, aws.ToString(out.ContentType))
		}
		// Another key than the signed one.
		for i := range fields {
			if fields[i].name == "key" {
				fields[i].value = "sdk/other.txt"
			}
		}
		r = sendForm(t, nil, pp.URL, browserForm{fields: fields, file: "x"})
		if f := r.errorFields(t); r.status != 403 || f["Code"] != "AccessDenied" || f["Message"] != `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "sdk/post.txt"]` {
			t.Errorf("other key: %d %v", r.status, f)
		}
		absent("sdk/other.txt")
	})

	t.Run("virtual-hosted", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(h.Addr)
		vurl := "http://uploads.s3.localhost:" + port + "/"
		fields := append([]field{{"key", "vh/${filename}"}, {"success_action_status", "201"}},
			postPolicy(t, "test", hour, map[string]string{"bucket": "uploads"}, []any{"starts-with", "$key", "vh/"},
				map[string]string{"success_action_status": "201"})...)
		r := sendForm(t, dialingClient(h), vurl, browserForm{fields: fields, filename: strPtr("v.txt"), file: "virtual"})
		if r.status != 201 || r.header.Get("Location") != "http://uploads.s3.localhost:"+port+"/vh%2Fv.txt" {
			t.Fatalf("post: %d %v %s", r.status, r.header, r.body)
		}
		if body, _ := read("vh/v.txt"); body != "virtual" {
			t.Errorf("body %q", body)
		}
	})

	t.Run("SigV2", func(t *testing.T) {
		doc, _ := json.Marshal(map[string]any{"expiration": hour.UTC().Format(time.RFC3339), "conditions": []any{
			map[string]string{"bucket": "uploads"}, map[string]string{"key": "v2.txt"}}})
		policy := base64.StdEncoding.EncodeToString(doc)
		m := hmac.New(sha1.New, []byte("test"))
		m.Write([]byte(policy))
		sig := base64.StdEncoding.EncodeToString(m.Sum(nil))
		fields := []field{{"key", "v2.txt"}, {"AWSAccessKeyId", "test"}, {"policy", policy}, {"signature", sig}}
		if r := sendForm(t, nil, bucketURL, browserForm{fields: fields, file: "two"}); r.status != 204 {
			t.Fatalf("v2: %d %s", r.status, r.body)
		}
		fields[3].value = "AAAA" + sig[4:]
		if r := sendForm(t, nil, bucketURL, browserForm{fields: fields, file: "two"}); r.status != 403 || r.errorFields(t)["Code"] != "SignatureDoesNotMatch" {
			t.Errorf("v2 bad signature: %d %s", r.status, r.body)
		}
	})

	errCase := func(t *testing.T, f browserForm, status int, code, msg string) map[string]string {
		t.Helper()
		r := sendForm(t, nil, bucketURL, f)
		ef := r.errorFields(t)
		if r.status != status || ef["Code"] != code || msg != "" && ef["Message"] != msg {
			t.Errorf("got %d %s %q, want %d %s %q", r.status, ef["Code"], ef["Message"], status, code, msg)
		}
		if r.header.Get("x-amz-request-id") == "" || ef["RequestId"] == "" {
			t.Errorf("no request id: %v", r.header)
		}
		return ef
	}
	base := func(key string, conds ...any) []field {
		return append([]field{{"key", key}}, postPolicy(t, "test", hour, append([]any{map[string]string{"bucket": "uploads"}}, conds...)...)...)
	}

	t.Run("errors", func(t *testing.T) {
		// Expired.
		fields := append([]field{{"key", "e1"}}, postPolicy(t, "test", time.Now().Add(-time.Minute), map[string]string{"bucket": "uploads"}, map[string]string{"key": "e1"})...)
		errCase(t, browserForm{fields: fields, file: "x"}, 403, "AccessDenied", "Invalid according to Policy: Policy expired.")
		// A condition fails.
		errCase(t, browserForm{fields: base("e2", []any{"eq", "$key", "x"}), file: "x"}, 403, "AccessDenied",
			`Invalid according to Policy: Policy Condition failed: ["eq", "$key", "x"]`)
		errCase(t, browserForm{fields: base("e2", []any{"starts-with", "$key", "user/"}), file: "x"}, 403, "AccessDenied",
			`Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]`)
		errCase(t, browserForm{fields: base("e2", map[string]string{"key": "e2"}, map[string]string{"Content-Disposition": `inline; filename="a.png"`}), file: "x"}, 403, "AccessDenied",
			`Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Disposition", "inline; filename=\"a.png\""]`)
		// The bucket is the one posted to.
		fields = append([]field{{"key", "e3"}}, postPolicy(t, "test", hour, map[string]string{"bucket": "elsewhere"}, map[string]string{"key": "e3"})...)
		errCase(t, browserForm{fields: fields, file: "x"}, 403, "AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "elsewhere"]`)
		// A field no condition covers.
		fields = append(base("e4", map[string]string{"key": "e4"}), field{"X-Amz-Meta-Extra", "1"})
		errCase(t, browserForm{fields: fields, file: "x"}, 403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra")
		// Sizes.
		ef := errCase(t, browserForm{fields: base("e5", map[string]string{"key": "e5"}, []any{"content-length-range", 5, 10}), file: "0123456789ab"},
			400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		if ef["ProposedSize"] != "12" || ef["MaxSizeAllowed"] != "10" {
			t.Errorf("too large: %v", ef)
		}
		ef = errCase(t, browserForm{fields: base("e5", map[string]string{"key": "e5"}, []any{"content-length-range", "5", "10"}), file: "0"},
			400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
		if ef["ProposedSize"] != "1" || ef["MinSizeAllowed"] != "5" {
			t.Errorf("too small: %v", ef)
		}
		// No key, or the key after the file.
		msg := "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."
		ef = errCase(t, browserForm{fields: base("e6")[1:], file: "x"}, 400, "InvalidArgument", msg)
		if ef["ArgumentName"] != "key" {
			t.Errorf("no key: %v", ef)
		}
		errCase(t, browserForm{fields: base("e6")[1:], file: "x", after: []field{{"key", "e6"}}}, 400, "InvalidArgument", msg)
		// Signatures.
		fields = base("e7", map[string]string{"key": "e7"})
		for i := range fields {
			if fields[i].name == "X-Amz-Signature" {
				fields[i].value = strings.Repeat("0", 64)
			}
		}
		ef = errCase(t, browserForm{fields: fields, file: "x"}, 403, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		if ef["AWSAccessKeyId"] != "test" || ef["StringToSign"] != fields[4].value || ef["SignatureProvided"] != strings.Repeat("0", 64) || !strings.HasPrefix(ef["StringToSignBytes"], "65 79 ") {
			t.Errorf("mismatch fields: %v", ef)
		}
		fields = append([]field{{"key", "e7"}}, postPolicy(t, "not-the-secret", hour, map[string]string{"bucket": "uploads"}, map[string]string{"key": "e7"})...)
		errCase(t, browserForm{fields: fields, file: "x"}, 403, "SignatureDoesNotMatch", "")
		fields = base("e8", map[string]string{"key": "e8"})
		ef = errCase(t, browserForm{fields: fields[:len(fields)-1], file: "x"}, 400, "InvalidArgument",
			"Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.")
		if ef["ArgumentName"] != "X-Amz-Signature" {
			t.Errorf("missing signature: %v", ef)
		}
		errCase(t, browserForm{fields: append([]field{fields[0]}, fields[3:]...), file: "x"}, 400, "InvalidArgument",
			"Bucket POST must contain a field named 'X-Amz-Algorithm'.  If it is specified, please check the order of the fields.")
		// Anonymous (strict auth: no public buckets).
		errCase(t, browserForm{fields: []field{{"key", "e9"}}, file: "x"}, 403, "AccessDenied", "Access Denied")
		// No file.
		ef = errCase(t, browserForm{fields: base("e10", map[string]string{"key": "e10"}), noFile: true}, 400, "InvalidArgument", "POST requires exactly one file upload per request.")
		if ef["ArgumentName"] != "file" || ef["ArgumentValue"] != "0" {
			t.Errorf("no file: %v", ef)
		}
		// Policies that are not policies.
		for _, c := range []struct{ doc, msg string }{
			{`{"expiration": "2099-01-01T00:00:00Z", "conditions": [`, "Invalid Policy: Invalid JSON."},
			{`{"conditions": []}`, "Invalid Policy: Policy missing expiration."},
			{`{"expiration": "2099-01-01T00:00:00Z"}`, "Invalid Policy: Policy missing conditions."},
			{`{"expiration": "2099-01-01 00:00:00 UTC", "conditions": []}`, "Invalid Policy: Invalid 'expiration' value: '2099-01-01 00:00:00 UTC'"},
			{`{"expiration": "2099-01-01T00:00:00Z", "conditions": [{"bucket": "uploads", "key": "k"}]}`, "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
			{`{"expiration": "2099-01-01T00:00:00Z", "conditions": [{"Content-Length": 5}]}`, "Invalid Policy: Invalid Simple-Condition: value must be a string."},
			{`{"expiration": "2099-01-01T00:00:00Z", "conditions": [["content-length-range", 0, 512.0]]}`, "Invalid Policy: Invalid JSON."},
			{`{"expiration": "2099-01-01T00:00:00Z", "conditions": [["matches", "$key", ".*"]]}`, "Invalid Policy: Invalid Condition: unknown operation 'matches'."},
			{`{"Version": "2012-10-17", "Statement": []}`, "Invalid Policy: Unexpected: 'statement'"},
		} {
			now := time.Now().UTC()
			policy := base64.StdEncoding.EncodeToString([]byte(c.doc))
			fields := []field{{"key", "e11"}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", "test/" + now.Format("20060102") + "/us-east-1/s3/aws4_request"},
				{"x-amz-date", now.Format("20060102T150405Z")}, {"policy", policy}, {"x-amz-signature", signPolicy("test", now, policy)}}
			errCase(t, browserForm{fields: fields, file: "x"}, 400, "InvalidPolicyDocument", c.msg)
		}
		// Fields before the file are bounded.
		fields = append(base("e12", map[string]string{"key": "e12"}), field{"x-ignore-padding", strings.Repeat("p", 21000)})
		errCase(t, browserForm{fields: fields, file: "x"}, 400, "MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.")
		// Bad tagging XML.
		fields = append(base("e13", map[string]string{"key": "e13"}, []any{"starts-with", "$tagging", ""}), field{"tagging", "not-xml"})
		errCase(t, browserForm{fields: fields, file: "x"}, 400, "MalformedXML", "")
		// A wrong checksum.
		fields = append(base("e14", map[string]string{"key": "e14"}, []any{"starts-with", "$x-amz-checksum-crc32", ""}), field{"x-amz-checksum-crc32", "AAAAAA=="})
		errCase(t, browserForm{fields: fields, file: "x"}, 400, "BadDigest", "")
		for _, k := range []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11", "e12", "e13", "e14"} {
			absent(k)
		}
		// A missing bucket.
		r := sendForm(t, nil, h.URL+"/no-such-bucket", browserForm{fields: base("k"), file: "x"})
		if f := r.errorFields(t); r.status != 404 || f["Code"] != "NoSuchBucket" {
			t.Errorf("missing bucket: %d %v", r.status, f)
		}
		// Not multipart at all, but claiming to be.
		req, _ := http.NewRequest(http.MethodPost, bucketURL, strings.NewReader("x"))
		req.Header.Set("Content-Type", "multipart/form-data")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if f := (postResp{resp.StatusCode, resp.Header, string(b)}).errorFields(t); resp.StatusCode != 400 || f["Code"] != "MalformedPOSTRequest" {
			t.Errorf("no boundary: %d %v", resp.StatusCode, f)
		}
	})
}

// Without strict auth, a form without a policy is accepted (S3 accepts it
// for public buckets).
func TestS3PostAnonymousPermissive(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("open")}); err != nil {
		t.Fatal(err)
	}
	r := sendForm(t, nil, h.URL+"/open/", browserForm{fields: []field{{"key", "anon/${filename}"}, {"Content-Type", "image/png"}},
		filename: strPtr("pic.png"), file: "\x89PNG"})
	if r.status != 204 {
		t.Fatalf("anonymous post: %d %s", r.status, r.body)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("open"), Key: aws.String("anon/pic.png")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "\x89PNG" || aws.ToString(out.ContentType) != "image/png" {
		t.Errorf("object %q %q", b, aws.ToString(out.ContentType))
	}
	// Without a filename parameter, ${filename} stays as it is.
	if r := sendForm(t, nil, h.URL+"/open", browserForm{fields: []field{{"key", "raw-${filename}"}}, file: "x"}); r.status != 204 {
		t.Fatalf("no filename: %d %s", r.status, r.body)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("open"), Key: aws.String("raw-${filename}")}); err != nil {
		t.Errorf("literal ${filename}: %v", err)
	}
	// Other POSTs still reach the API.
	if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("open"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("anon/pic.png")}}}}); err != nil {
		t.Errorf("delete objects: %v", err)
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
