package restxml

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

func TestParseLimits(t *testing.T) {
	nested := func(n int) string {
		return strings.Repeat("<a>", n) + "x" + strings.Repeat("</a>", n)
	}
	if _, err := Parse([]byte(nested(MaxDepth))); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	for name, doc := range map[string]string{
		"too deep":         nested(MaxDepth + 1),
		"doctype":          `<!DOCTYPE a><a/>`,
		"entity decl":      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`,
		"external entity":  `<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>`,
		"undefined entity": `<a>&e;</a>`,
		"two roots":        `<a/><b/>`,
		"text after root":  `<a/>junk`,
		"unclosed":         `<a><b></a>`,
		"truncated":        `<a><b>`,
		"stray end":        `</a>`,
		"too many":         "<a>" + strings.Repeat("<b/>", MaxElements) + "</a>",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: parsed", name)
		} else if strings.Contains(name, "doctype") || strings.Contains(name, "decl") || strings.Contains(name, "external") {
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: err = %v", name, err)
			}
		}
	}
	n, err := Parse([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<!-- c --><R xmlns="ns" xmlns:x="u" x:a="1"><V><![CDATA[<raw>&]]> &amp; &#x41;</V><E/></R>
`))
	if err != nil {
		t.Fatal(err)
	}
	if n.Name.Local != "R" || n.Child("V").Text != "<raw>& & A" || n.Child("E") == nil || n.Child("Q") != nil {
		t.Errorf("parsed %+v", n)
	}
	if v, ok := n.Attr("a"); !ok || v != "1" {
		t.Errorf("attr a = %q %v", v, ok)
	}
	if n, err := Parse([]byte(" \n ")); n != nil || err != nil {
		t.Errorf("empty document: %v %v", n, err)
	}
}

type mapShape struct {
	Wrapped map[string]string      `json:"Wrapped" aws:"Wrapped"`
	Flat    map[string]int32       `json:"Flat" aws:"Flat,flat,key=K,value=V"`
	Nested  map[string][]string    `json:"Nested" aws:"Nested,key=Name"`
	Structs map[string]s3api.Owner `json:"Structs" aws:"Structs"`
	Lists   [][]string             `json:"Lists" aws:"Lists,member=L"`
	Attr    *string                `json:"Attr" aws:"Attr,xmlattr"`
	Float   *float64               `json:"Float" aws:"Float"`
	Blob    []byte                 `json:"Blob" aws:"Blob"`
	Epoch   *model.Timestamp       `json:"Epoch" aws:"Epoch,ts=epoch-seconds"`
	HTTP    *model.Timestamp       `json:"HTTP" aws:"HTTP,ts=http-date"`
	Renamed *string                `json:"Renamed" aws:"other-name"`
}

func roundTrip(t *testing.T, name string, v any) {
	t.Helper()
	var b bytes.Buffer
	EncodeElement(&b, name, "", v, false)
	root, err := Parse(b.Bytes())
	if err != nil {
		t.Fatalf("%s: %v", b.String(), err)
	}
	back := reflect.New(reflect.TypeOf(v).Elem())
	if err := DecodeElement(root, back.Interface(), false); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Interface(), v) {
		t.Errorf("round trip of %s\n got %+v\nwant %+v", b.String(), back.Elem(), reflect.ValueOf(v).Elem())
	}
}

func TestXMLRoundTrip(t *testing.T) {
	at := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	roundTrip(t, "M", &mapShape{
		Wrapped: map[string]string{"a": "1", "b & c": "<2>"},
		Flat:    map[string]int32{"x": -1, "y": 2},
		Nested:  map[string][]string{"n": {"p", "q"}},
		Structs: map[string]s3api.Owner{"o": {ID: ptr("id"), DisplayName: ptr("d")}},
		Lists:   [][]string{{"a", "b"}, {}},
		Attr:    ptr(`quote " and <`),
		Float:   ptr(1e-7),
		Blob:    []byte{0, 0xff},
		Epoch:   &model.Timestamp{Time: at},
		HTTP:    &model.Timestamp{Time: at},
		Renamed: ptr(" spaces kept \n"),
	})
	roundTrip(t, "LifecycleConfiguration", &s3api.BucketLifecycleConfiguration{Rules: []s3api.LifecycleRule{{
		ID:         ptr("rule-1"),
		Status:     ptr("Enabled"),
		Filter:     &s3api.LifecycleRuleFilter{And: &s3api.LifecycleRuleAndOperator{Prefix: ptr("logs/"), Tags: []s3api.Tag{{Key: ptr("a"), Value: ptr("b")}}}},
		Expiration: &s3api.LifecycleExpiration{Date: &model.Timestamp{Time: at}, ExpiredObjectDeleteMarker: ptr(false)},
		Transitions: []s3api.Transition{
			{Days: ptr(int32(30)), StorageClass: ptr("STANDARD_IA")},
			{Days: ptr(int32(90)), StorageClass: ptr("GLACIER")},
		},
	}}})
	roundTrip(t, "AccessControlPolicy", &s3api.AccessControlPolicy{
		Owner:  &s3api.Owner{ID: ptr("o")},
		Grants: []s3api.Grant{{Grantee: &s3api.Grantee{Type: ptr("CanonicalUser"), ID: ptr("o")}, Permission: ptr("READ")}},
	})
	roundTrip(t, "NotificationConfiguration", &s3api.NotificationConfiguration{
		QueueConfigurations: []s3api.QueueConfiguration{{QueueArn: ptr("arn:q"), Events: []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
			Filter: &s3api.NotificationConfigurationFilter{Key: &s3api.S3KeyFilter{FilterRules: []s3api.FilterRule{{Name: ptr("prefix"), Value: ptr("a/")}}}}}},
		EventBridgeConfiguration: &s3api.EventBridgeConfiguration{},
	})
}

func TestDecodeWholeInputBody(t *testing.T) {
	// An input without a payload member reads its unbound members from the
	// root element's children; bound members come from the request only.
	type in struct {
		Bucket *string `json:"Bucket" aws:"Bucket,label"`
		Name   *string `json:"Name" aws:"Name"`
		Items  []int64 `json:"Items" aws:"Item,flat"`
	}
	r, _ := http.NewRequest("POST", "http://h/b", nil)
	var v in
	if err := Decode(r, []byte(`<Req><Bucket>evil</Bucket><Name>n</Name><Item> 1 </Item><Item>2</Item><Unknown><Deep/></Unknown></Req>`), map[string]string{"Bucket": "b"}, &v); err != nil {
		t.Fatal(err)
	}
	if *v.Bucket != "b" || *v.Name != "n" || !reflect.DeepEqual(v.Items, []int64{1, 2}) {
		t.Errorf("decoded %+v", v)
	}
	err := Decode(r, []byte(`<Req><Item>x</Item></Req>`), nil, &v)
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "MalformedXML" || ae.Status != 400 {
		t.Errorf("bad item: %v", err)
	}
}

func TestWriteResponseEdges(t *testing.T) {
	svc := s3api.Service
	// A ranged GetObject: status override, payload length wins.
	rec := httptest.NewRecorder()
	WriteResponseStatus(rec, svc, svc.Operations["GetObject"], "rid", &s3api.GetObjectOutput{Body: io.NopCloser(strings.NewReader("abc")), ContentLength: ptr(int64(3)), ContentRange: ptr("bytes 0-2/10")}, 206)
	if rec.Code != 206 || rec.Body.String() != "abc" || rec.Header().Get("Content-Length") != "3" || rec.Header().Get("Content-Type") != "application/octet-stream" {
		t.Errorf("ranged GetObject: %d %v", rec.Code, rec.Header())
	}
	// Outputs without body members have no body and no content type.
	rec = httptest.NewRecorder()
	WriteResponse(rec, svc, svc.Operations["PutObject"], "rid", &s3api.PutObjectOutput{ETag: ptr(`"e"`)})
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" || rec.Header().Get("Content-Length") != "0" || rec.Header().Get("ETag") != `"e"` {
		t.Errorf("PutObject: %d %v", rec.Code, rec.Header())
	}
	// A nil structure payload writes nothing.
	rec = httptest.NewRecorder()
	WriteResponse(rec, svc, svc.Operations["GetBucketPolicyStatus"], "rid", &s3api.GetBucketPolicyStatusOutput{})
	if rec.Body.Len() != 0 {
		t.Errorf("nil payload: %q", rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteResponse(rec, svc, svc.Operations["GetBucketPolicyStatus"], "rid", &s3api.GetBucketPolicyStatusOutput{PolicyStatus: &s3api.PolicyStatus{IsPublic: ptr(false)}})
	if want := xmlHeader + `<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>false</IsPublic></PolicyStatus>`; rec.Body.String() != want {
		t.Errorf("payload structure: %s", rec.Body)
	}
	// Error fields that are not element names are dropped; text is escaped.
	rec = httptest.NewRecorder()
	WriteError(rec, nil, "rid", &awserr.Error{Code: "InvalidArgument", Message: "a < b & \"c\"\r", Fields: map[string]any{"ArgumentName": "x-amz-foo", "bad name": 1, "<x>": 2}})
	if want := xmlHeader + `<Error><Code>InvalidArgument</Code><Message>a &lt; b &amp; &quot;c&quot;&#13;</Message><ArgumentName>x-amz-foo</ArgumentName><RequestId>rid</RequestId></Error>`; rec.Code != 400 || rec.Body.String() != want {
		t.Errorf("error: %d %s", rec.Code, rec.Body)
	}
}

func TestEscape(t *testing.T) {
	var b bytes.Buffer
	escape(&b, "ok \t\n<&>\"' \x00 \xff \uFFFE 日本")
	if want := "ok \t\n&lt;&amp;&gt;&quot;' \uFFFD \uFFFD \uFFFD 日本"; b.String() != want {
		t.Errorf("got %q want %q", b.String(), want)
	}
}
