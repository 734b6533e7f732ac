package dynamodbapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestAttributeValueMarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    AttributeValue
		want string
	}{
		{"unset", AttributeValue{}, `{}`},
		{"S", AttributeValue{S: ptr("hi")}, `{"S":"hi"}`},
		{"empty S", AttributeValue{S: ptr("")}, `{"S":""}`},
		{"N", AttributeValue{N: ptr("-1.5")}, `{"N":"-1.5"}`},
		{"B", AttributeValue{B: []byte("abc")}, `{"B":"YWJj"}`},
		{"empty B kept", AttributeValue{B: []byte{}}, `{"B":""}`},
		{"BOOL false kept", AttributeValue{BOOL: ptr(false)}, `{"BOOL":false}`},
		{"BOOL true", AttributeValue{BOOL: ptr(true)}, `{"BOOL":true}`},
		{"NULL", AttributeValue{NULL: ptr(true)}, `{"NULL":true}`},
		{"empty L kept", AttributeValue{L: []AttributeValue{}}, `{"L":[]}`},
		{"empty M kept", AttributeValue{M: map[string]AttributeValue{}}, `{"M":{}}`},
		{"SS", AttributeValue{SS: []string{"a", "b"}}, `{"SS":["a","b"]}`},
		{"NS", AttributeValue{NS: []string{"1", "2.5"}}, `{"NS":["1","2.5"]}`},
		{"BS", AttributeValue{BS: [][]byte{{0}, {0xff, 0xfe}}}, `{"BS":["AA==","//4="]}`},
		{"L nested", AttributeValue{L: []AttributeValue{{S: ptr("x")}, {L: []AttributeValue{}}, {M: map[string]AttributeValue{}}}},
			`{"L":[{"S":"x"},{"L":[]},{"M":{}}]}`},
		{"M sorted keys", AttributeValue{M: map[string]AttributeValue{"b": {N: ptr("2")}, "a": {L: []AttributeValue{}}, "<&>": {NULL: ptr(true)}}},
			`{"M":{"\u003c\u0026\u003e":{"NULL":true},"a":{"L":[]},"b":{"N":"2"}}}`},
		{"several members in field order", AttributeValue{S: ptr("s"), N: ptr("1"), B: []byte{}}, `{"B":"","N":"1","S":"s"}`},
		{"escapes", AttributeValue{S: ptr("\"\\\n\t\x01<\u2028\xff")}, `{"S":"\"\\\n\t\u0001\u003c\u2028\ufffd"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.v.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("MarshalJSON = %s, want %s", got, tc.want)
			}
			// Through encoding/json (which compacts and re-escapes) the bytes
			// must not change, as a value, a pointer and inside a map.
			viaJSON, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(viaJSON) != tc.want {
				t.Errorf("json.Marshal = %s, want %s", viaJSON, tc.want)
			}
			viaPtr, _ := json.Marshal(&tc.v)
			if string(viaPtr) != tc.want {
				t.Errorf("json.Marshal(&v) = %s, want %s", viaPtr, tc.want)
			}
			inItem, _ := json.Marshal(map[string]AttributeValue{"k": tc.v})
			if string(inItem) != `{"k":`+tc.want+`}` {
				t.Errorf("in item = %s", inItem)
			}
		})
	}
}

// TestAttributeValueRoundTrip: what we write decodes back to the same value,
// with empty members still present (non-nil).
func TestAttributeValueRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"L":[]}`,
		`{"M":{}}`,
		`{"B":""}`,
		`{"S":""}`,
		`{"BOOL":false}`,
		`{"NULL":true}`,
		`{"SS":["a","b"]}`,
		`{"NS":["1","-2.5"]}`,
		`{"BS":["AA==","//4="]}`,
		`{"M":{"a":{"L":[{"M":{}},{"L":[]},{"S":"x"}]},"b":{"N":"1"}}}`,
	} {
		var v AttributeValue
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, _ := json.Marshal(v)
		if string(out) != in {
			t.Errorf("round trip %s -> %s", in, out)
		}
		var back AttributeValue
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, back) {
			t.Errorf("%s: decoded %#v, then %#v", in, v, back)
		}
	}

	var v AttributeValue
	if err := json.Unmarshal([]byte(`{"L":[]}`), &v); err != nil || v.L == nil || len(v.L) != 0 {
		t.Errorf(`{"L":[]} decoded to L=%#v (err %v), want non-nil empty`, v.L, err)
	}
	v = AttributeValue{}
	if err := json.Unmarshal([]byte(`{"M":{}}`), &v); err != nil || v.M == nil || len(v.M) != 0 {
		t.Errorf(`{"M":{}} decoded to M=%#v (err %v), want non-nil empty`, v.M, err)
	}
	v = AttributeValue{}
	if err := json.Unmarshal([]byte(`{"B":""}`), &v); err != nil || v.B == nil {
		t.Errorf(`{"B":""} decoded to B=%#v (err %v), want non-nil empty`, v.B, err)
	}
	// A whole response shape: Items of a Query.
	out := QueryOutput{Items: []map[string]AttributeValue{{"pk": {S: ptr("a")}, "tags": {L: []AttributeValue{}}}}}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"tags":{"L":[]}`)) {
		t.Errorf("QueryOutput = %s", b)
	}
}

var jsonStringCases = []string{
	"", "plain", "\"quoted\"", `back\slash`, "<script>&amp;</script>",
	"\b\f\n\r\t", "\x00\x01\x1f\x7f", "héllo wörld ✓ 𝄞", "\u2028\u2029",
	"\xff", "a\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "tail\xe2\x82",
	strings.Repeat("x", 1000) + "\n",
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for c := range 256 {
		jsonStringCases = append(jsonStringCases, string([]byte{byte(c)}), "a"+string(rune(c))+"b")
	}
	for _, s := range jsonStringCases {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		v := AttributeValue{S: &s, SS: []string{s}, M: map[string]AttributeValue{s: {N: &s}}}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if direct := v.AppendJSON(nil); !bytes.Equal(direct, out) {
			t.Fatalf("AppendJSON %s != json.Marshal %s", direct, out)
		}
	})
}

func benchItem() map[string]AttributeValue {
	it := map[string]AttributeValue{
		"pk":    {S: ptr("user#12345")},
		"sk":    {S: ptr("order#2024-01-01T00:00:00Z")},
		"total": {N: ptr("1234.56")},
		"paid":  {BOOL: ptr(true)},
		"tags":  {SS: []string{"a", "b", "c"}},
		"blob":  {B: bytes.Repeat([]byte{1, 2, 3}, 20)},
	}
	lines := make([]AttributeValue, 10)
	for i := range lines {
		lines[i] = AttributeValue{M: map[string]AttributeValue{
			"sku": {S: ptr("sku-" + strconv.Itoa(i))},
			"qty": {N: ptr(strconv.Itoa(i + 1))},
		}}
	}
	it["lines"] = AttributeValue{L: lines}
	return it
}

func BenchmarkMarshalItem(b *testing.B) {
	it := benchItem()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(it); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendJSONItem(b *testing.B) {
	v := AttributeValue{M: benchItem()}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = v.AppendJSON(buf[:0])
	}
}
