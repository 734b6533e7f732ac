package restroute

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/model"
)

type bindShape struct {
	Name      *string             `json:"Name,omitempty" aws:"Name,label"`
	Num       *int64              `json:"Num,omitempty" aws:"Num,label"`
	Max       *int32              `json:"Max,omitempty" aws:"Max,query=max-items"`
	Flag      *bool               `json:"Flag,omitempty" aws:"Flag,query=flag"`
	Keys      []string            `json:"Keys,omitempty" aws:"Keys,query=key"`
	Since     *model.Timestamp    `json:"Since,omitempty" aws:"Since,query=since"`
	Until     *model.Timestamp    `json:"Until,omitempty" aws:"Until,ts=http-date,query=until"`
	Rest      map[string]string   `json:"Rest,omitempty" aws:"Rest,queryparams"`
	RestLists map[string][]string `json:"RestLists,omitempty" aws:"RestLists,queryparams"`
	Trace     *string             `json:"Trace,omitempty" aws:"Trace,header=X-Trace"`
	Ratio     *float64            `json:"Ratio,omitempty" aws:"Ratio,header=X-Ratio"`
	Items     []string            `json:"Items,omitempty" aws:"Items,header=X-Items"`
	Counts    []int32             `json:"Counts,omitempty" aws:"Counts,header=X-Counts"`
	Modified  *model.Timestamp    `json:"Modified,omitempty" aws:"Modified,header=X-Modified"`
	Dates     []model.Timestamp   `json:"Dates,omitempty" aws:"Dates,header=X-Dates"`
	Retain    *model.Timestamp    `json:"Retain,omitempty" aws:"Retain,ts=date-time,header=X-Retain"`
	Epoch     *model.Timestamp    `json:"Epoch,omitempty" aws:"Epoch,ts=epoch-seconds,header=X-Epoch"`
	Blob      []byte              `json:"Blob,omitempty" aws:"Blob,header=X-Blob"`
	Meta      map[string]string   `json:"Meta,omitempty" aws:"Meta,prefix=x-meta-"`
	Code      *int32              `json:"Code,omitempty" aws:"Code,status"`
	Body      *string             `json:"Body,omitempty" aws:"Body"`
}

func ts(s string) *model.Timestamp {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &model.Timestamp{Time: t}
}

func p[T any](v T) *T { return &v }

func TestDecodeBindings(t *testing.T) {
	q := url.Values{
		"max-items": {"25"}, "flag": {"true"}, "key": {"a", "b,c"}, "since": {"2024-01-02T03:04:05.5Z"},
		"until": {"Tue, 02 Jan 2024 03:04:05 GMT"}, "other": {"x", "y"},
	}
	r, _ := http.NewRequest("GET", "http://h/x?"+q.Encode(), nil)
	r.Header.Set("X-Trace", " t-1 ")
	r.Header.Set("X-Ratio", "NaN")
	r.Header.Add("X-Items", `a, "b,c", "d \"q\""`)
	r.Header.Add("X-Items", "e")
	r.Header.Set("X-Counts", "1, 2,3")
	r.Header.Set("X-Modified", "Tue, 02 Jan 2024 03:04:05 GMT")
	r.Header.Set("X-Dates", "Tue, 02 Jan 2024 03:04:05 GMT, Wed, 03 Jan 2024 03:04:05 GMT")
	r.Header.Set("X-Retain", "2024-01-02T03:04:05.123Z")
	r.Header.Set("X-Epoch", "1704164645.25")
	r.Header.Set("X-Blob", "aGk=")
	r.Header.Set("X-Meta-Color", "blue")
	r.Header["x-meta-lower"] = []string{"v1", "v2"}
	var in bindShape
	if err := DecodeBindings(r, map[string]string{"Name": "n/1", "Num": "42"}, &in); err != nil {
		t.Fatal(err)
	}
	if *in.Name != "n/1" || *in.Num != 42 || *in.Max != 25 || !*in.Flag || !reflect.DeepEqual(in.Keys, []string{"a", "b,c"}) ||
		!in.Since.Equal(ts("2024-01-02T03:04:05.5Z").Time) || !in.Until.Equal(ts("2024-01-02T03:04:05Z").Time) {
		t.Errorf("labels/query: %+v", in)
	}
	if !reflect.DeepEqual(in.Rest, map[string]string{"other": "x"}) || !reflect.DeepEqual(in.RestLists, map[string][]string{"other": {"x", "y"}}) {
		t.Errorf("queryparams: %v %v", in.Rest, in.RestLists)
	}
	if *in.Trace != "t-1" || *in.Ratio == *in.Ratio || !reflect.DeepEqual(in.Items, []string{"a", "b,c", `d "q"`, "e"}) ||
		!reflect.DeepEqual(in.Counts, []int32{1, 2, 3}) || !in.Modified.Equal(ts("2024-01-02T03:04:05Z").Time) ||
		len(in.Dates) != 2 || !in.Dates[1].Equal(ts("2024-01-03T03:04:05Z").Time) || !in.Retain.Equal(ts("2024-01-02T03:04:05.123Z").Time) ||
		!in.Epoch.Equal(ts("2024-01-02T03:04:05.25Z").Time) || string(in.Blob) != "hi" {
		t.Errorf("headers: %+v", in)
	}
	if !reflect.DeepEqual(in.Meta, map[string]string{"color": "blue", "lower": "v1,v2"}) {
		t.Errorf("prefix headers: %v", in.Meta)
	}
	if in.Body != nil || in.Code != nil {
		t.Errorf("unbound members set: %+v", in)
	}

	for _, bad := range []struct{ target, header, value string }{
		{target: "?max-items=x"}, {target: "?max-items=99999999999"}, {target: "?flag=yes"}, {target: "?since=yesterday"},
		{header: "X-Counts", value: "1,x"}, {header: "X-Blob", value: "!!"}, {header: "X-Modified", value: "soon"},
	} {
		r, _ := http.NewRequest("GET", "http://h/x"+bad.target, nil)
		if bad.header != "" {
			r.Header.Set(bad.header, bad.value)
		}
		var in bindShape
		err := DecodeBindings(r, nil, &in)
		if _, ok := err.(*DecodeError); !ok {
			t.Errorf("%s %s=%s: err = %v", bad.target, bad.header, bad.value, err)
		}
	}
	if err := DecodeBindings(r, map[string]string{"Num": "four"}, &in); err == nil || !strings.Contains(err.Error(), "label Num") {
		t.Errorf("bad label: %v", err)
	}
}

func TestEncodeBindingsRoundTrip(t *testing.T) {
	out := &bindShape{
		Trace:    p("t"),
		Ratio:    p(-1.5),
		Items:    []string{"a", "b,c", `q"`},
		Counts:   []int32{3, 4},
		Modified: ts("2024-01-02T03:04:05Z"),
		Dates:    []model.Timestamp{*ts("2024-01-02T03:04:05Z"), *ts("2024-02-02T03:04:05Z")},
		Retain:   ts("2024-01-02T03:04:05.123Z"),
		Epoch:    ts("2024-01-02T03:04:05.25Z"),
		Blob:     []byte{0, 1, 2},
		Meta:     map[string]string{"k": "v"},
		Code:     p(int32(206)),
		Body:     p("not a header"),
	}
	h := http.Header{}
	if status := EncodeBindings(h, out); status != 206 {
		t.Errorf("status = %d", status)
	}
	want := http.Header{
		"X-Trace":    {"t"},
		"X-Ratio":    {"-1.5"},
		"X-Items":    {`a, "b,c", "q\""`},
		"X-Counts":   {"3, 4"},
		"X-Modified": {"Tue, 02 Jan 2024 03:04:05 GMT"},
		"X-Dates":    {"Tue, 02 Jan 2024 03:04:05 GMT, Fri, 02 Feb 2024 03:04:05 GMT"},
		"X-Retain":   {"2024-01-02T03:04:05.123Z"},
		"X-Epoch":    {"1704164645.250"},
		"X-Blob":     {"AAEC"},
		"X-Meta-K":   {"v"},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("headers\n got %v\nwant %v", h, want)
	}
	r, _ := http.NewRequest("GET", "http://h/", nil)
	r.Header = h
	var back bindShape
	if err := DecodeBindings(r, nil, &back); err != nil {
		t.Fatal(err)
	}
	out.Code, out.Body = nil, nil
	if !reflect.DeepEqual(&back, out) {
		t.Errorf("round trip\n got %+v\nwant %+v", back, *out)
	}
}

func TestSplitHeaderList(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"a,b"}, []string{"a", "b"}},
		{[]string{" a , b "}, []string{"a", "b"}},
		{[]string{`"a,b", c`}, []string{"a,b", "c"}},
		{[]string{`"esc \" \\", x`}, []string{`esc " \`, "x"}},
		{[]string{`"unterminated`}, []string{"unterminated"}},
		{[]string{"a", "b,c"}, []string{"a", "b", "c"}},
		{[]string{"a,"}, []string{"a"}},
		{[]string{""}, nil},
	} {
		if got := SplitHeaderList(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitHeaderList(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
