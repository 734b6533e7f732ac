package dynamodbapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeItemMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`,
		`{"a":{"S":"x"},"b":{"N":"1.5"},"c":{"B":"AAEC"},"d":{"BOOL":false},"e":{"NULL":true}}`,
		`{"s":{"SS":["a","b"]},"n":{"NS":["1","2"]},"bs":{"BS":["AA==",""]},"l":{"L":[]},"m":{"M":{}}}`,
		`{"nest":{"M":{"l":{"L":[{"M":{"x":{"L":[{"S":"deep"}]}}},{"N":"-0.1"}]}}}}`,
		` { "esc" : { "S" : "q\"b\\s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u2028 <&>" } } `,
		`{"lone":{"S":"\ud800x"},"empty":{"S":""},"eb":{"B":""}}`,
	}
	for _, c := range cases {
		got, err := DecodeItem([]byte(c))
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		var want map[string]AttributeValue
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got  %#v\n want %#v", c, got, want)
		}
		// And back: AppendItem writes what encoding/json writes.
		enc, _ := json.Marshal(want)
		if string(AppendItem(nil, got)) != string(enc) {
			t.Fatalf("re-encode %s:\n got  %s\n want %s", c, AppendItem(nil, got), enc)
		}
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":{"S":1}}`, `{"a":{"X":"1"}}`, `{"a":{"S":"x"}`, `{"a":{"S":"x"}}x`, `{"a":{"BOOL":tru}}`, `{"a":{"B":"!"}}`, `{"a":{"S":"\q"}}`} {
		if _, err := DecodeItem([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func FuzzDecodeItem(f *testing.F) {
	f.Add([]byte(`{"a":{"S":"x"},"l":{"L":[{"N":"1"}]},"m":{"M":{"b":{"BOOL":true}}}}`))
	f.Add([]byte(`{"e":{"S":"\u00e9\ud83d\ude00"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeItem(b)
		if err != nil {
			return
		}
		// Whatever both decoders accept, they read alike.
		var std map[string]AttributeValue
		if json.Unmarshal(b, &std) == nil && !reflect.DeepEqual(got, std) && validKeys(b) {
			t.Fatalf("%q: DecodeItem %#v, encoding/json %#v", b, got, std)
		}
		// What decodes must survive a round trip through AppendItem.
		again, err := DecodeItem(AppendItem(nil, got))
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip of %q: %v\n%#v\n%#v", b, err, got, again)
		}
	})
}

// validKeys excludes inputs where encoding/json's case-insensitive member
// matching ("s" for "S") makes it accept what DynamoDB JSON does not have.
func validKeys(b []byte) bool {
	for _, c := range []string{`"s"`, `"n"`, `"b"`, `"l"`, `"m"`, `"ss"`, `"ns"`, `"bs"`, `"bool"`, `"null"`, `"Bool"`, `"Null"`, `"sS"`, `"Ss"`, `"nS"`, `"Ns"`, `"bS"`, `"Bs"`} {
		if bytes.Contains(b, []byte(c)) {
			return false
		}
	}
	return true
}
