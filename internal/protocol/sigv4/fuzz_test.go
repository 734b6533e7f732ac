package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
		"", "20240102T030405Z", "/")
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-date,Signature=ab",
		"list-type=2&prefix=a%2Fb", "20240102T030405Z", "/bucket/a%20b")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240102%2Fus-east-1%2Fs3%2Faws4_request"+
		"&X-Amz-Date=20240102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=ab", "", "/b/k")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/b/c/d/aws4_request&X-Amz-Date=x&X-Amz-Expires=-1"+
		"&X-Amz-SignedHeaders=&X-Amz-Signature=", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=", "a=%zz&+=+&&=", "bad", "/%zz/../.")
	f.Add("AWS4-HMAC-SHA256", "", "", "")
	f.Add("Basic dXNlcjpwYXNz", "Signature=x", "", "//")
	f.Add("AWS4-HMAC-SHA256 Credential=k/20240102/r/s/aws4_request SignedHeaders=host;;HOST Signature=x", "", "20240102T030405Z", "/a b")

	f.Fuzz(func(t *testing.T, auth, rawQuery, amzDate, path string) {
		r := &http.Request{
			Method:     "GET",
			URL:        &url.URL{Path: path, RawQuery: rawQuery},
			Header:     http.Header{},
			Host:       "localhost:4566",
			RequestURI: path,
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if amzDate != "" {
			r.Header.Set("X-Amz-Date", amzDate)
		}
		info, err := Parse(r)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Status == 0 || e.Message == "" {
				t.Fatalf("Parse error not a complete *Error: %#v", err)
			}
			if info != nil {
				t.Fatalf("Parse returned both info and error")
			}
			return
		}
		if info == nil {
			return
		}
		now := info.Date.Add(time.Second)
		if err := Verify(r, info, "secret", "", now, DefaultMaxSkew); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Status == 0 {
				t.Fatalf("Verify error not a complete *Error: %#v", err)
			}
		}
	})
}
