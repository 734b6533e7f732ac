package pattern

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// Invalid patterns and the reasons event-ruler's JsonRuleCompiler, CIDR,
// Range, ComparableNumber and WildcardParser give for them.
func TestInvalidPatterns(t *testing.T) {
	cases := []struct{ pattern, reason string }{
		// document shape
		{``, "Filter is not an object"},
		{`[]`, "Filter is not an object"},
		{`"x"`, "Filter is not an object"},
		{`5`, "Filter is not an object"},
		{`null`, "Filter is not an object"},
		{`{}`, "Empty objects are not allowed"},
		{`{"a": {}}`, "Empty objects are not allowed"},
		{`{"a": "x"}`, `"a" must be an object or an array`},
		{`{"detail-type": 5}`, `"detail-type" must be an object or an array`},
		{`{"a": null}`, `"a" must be an object or an array`},
		{`{"a": true}`, `"a" must be an object or an array`},
		{`{"a": []}`, "Empty arrays are not allowed"},
		{`{"a": [[1]]}`, "Match value must be String, number, true, false, or null"},
		{`{"a": [{}]}`, "Match expression name not found"},
		{`{"a": [{"foo": 1}]}`, "Unrecognized match type foo"},
		{`{"a": [{"regex": "x"}]}`, "Unrecognized match type regex"},
		// first problem in document order wins
		{`{"a": "x", "b": []}`, `"a" must be an object or an array`},
		{`{"b": [], "a": "x"}`, "Empty arrays are not allowed"},
		{`{"a": "x", "b": [}`, `"a" must be an object or an array`},
		// invalid JSON
		{`{`, reasonInvalidJSON},
		{`{"a": [1,]}`, reasonInvalidJSON},
		{`{"a": [1]} x`, reasonInvalidJSON},
		{`{'a': [1]}`, reasonInvalidJSON},
		{`{"a": [01]}`, reasonInvalidJSON},
		{`{"a": [NaN]}`, reasonInvalidJSON},
		{`{"a": ["x"] "b": [1]}`, reasonInvalidJSON},
		// exactly, prefix, suffix, equals-ignore-case
		{`{"a": [{"exactly": 1}]}`, "exact match pattern must be a string"},
		{`{"a": [{"exactly": "x", "prefix": "y"}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"prefix": 1}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"prefix": ["x"]}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"prefix": null}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"prefix": "x", "suffix": "y"}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"suffix": 1}]}`, "suffix match pattern must be a string"},
		{`{"a": [{"suffix": "x", "foo": 1}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"equals-ignore-case": 1}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"a": [{"equals-ignore-case": "x", "prefix": "y"}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"prefix": {}}]}`, "Prefix expression name not found"},
		{`{"a": [{"prefix": {"foo": "x"}}]}`, "Unsupported prefix pattern: foo"},
		{`{"a": [{"prefix": {"equals-ignore-case": 1}}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"a": [{"prefix": {"equals-ignore-case": "x", "b": 1}}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"prefix": {"equals-ignore-case": "x"}, "b": 1}]}`, "Only one key allowed in match expression"},
		{`{"a": [{"suffix": {}}]}`, "Suffix expression name not found"},
		{`{"a": [{"suffix": {"prefix": "x"}}]}`, "Unsupported suffix pattern: prefix"},
		// numeric
		{`{"a": [{"numeric": 5}]}`, "Value of numeric must be an array."},
		{`{"a": [{"numeric": "<"}]}`, "Value of numeric must be an array."},
		{`{"a": [{"numeric": []}]}`, "Invalid member in numeric match: ]"},
		{`{"a": [{"numeric": [5]}]}`, "Invalid member in numeric match: 5"},
		{`{"a": [{"numeric": [1e3, "<"]}]}`, "Invalid member in numeric match: 1e3"},
		{`{"a": [{"numeric": [{}]}]}`, "Invalid member in numeric match: {"},
		{`{"a": [{"numeric": [true]}]}`, "Invalid member in numeric match: true"},
		{`{"a": [{"numeric": ["!", 5]}]}`, "Unrecognized numeric range operator: !"},
		{`{"a": [{"numeric": ["=="]}]}`, "Unrecognized numeric range operator: =="},
		{`{"a": [{"numeric": ["=", "5"]}]}`, "Value of equals must be numeric"},
		{`{"a": [{"numeric": ["="]}]}`, "Value of equals must be numeric"},
		{`{"a": [{"numeric": ["=", 5, 6]}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"numeric": [">", "5"]}]}`, "Value of > must be numeric"},
		{`{"a": [{"numeric": [">="]}]}`, "Value of >= must be numeric"},
		{`{"a": [{"numeric": ["<", null]}]}`, "Value of < must be numeric"},
		{`{"a": [{"numeric": ["<=", 1, "<", 2]}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"numeric": ["<", 1, 2]}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"numeric": [">", 1, 2]}]}`, "Bad value in numeric range: 2"},
		{`{"a": [{"numeric": [">", 1, [2]]}]}`, "Bad value in numeric range: ["},
		{`{"a": [{"numeric": [">", 1, ">", 2]}]}`, "Bad numeric range operator: >"},
		{`{"a": [{"numeric": [">", 1, "=", 2]}]}`, "Bad numeric range operator: ="},
		{`{"a": [{"numeric": [">", 1, "<", "2"]}]}`, "Value of < must be numeric"},
		{`{"a": [{"numeric": [">=", 1, "<=", "2"]}]}`, "Value of <= must be numeric"},
		{`{"a": [{"numeric": [">", 1, "<", 2, 3]}]}`, "Too many terms in numeric range expression"},
		{`{"a": [{"numeric": [">", 2, "<", 1]}]}`, "Bottom must be less than top"},
		{`{"a": [{"numeric": [">=", 1, "<=", 1]}]}`, "Bottom must be less than top"},
		{`{"a": [{"numeric": [">", 6e9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"numeric": ["<", -5000000001]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"numeric": ["=", 1e400]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"numeric": [">", 0, "<", 6e9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"numeric": [">", 1], "b": 1}]}`, "Too many elements in numeric expression"},
		// exists
		{`{"a": [{"exists": "true"}]}`, "exists match pattern must be either true or false."},
		{`{"a": [{"exists": null}]}`, "exists match pattern must be either true or false."},
		{`{"a": [{"exists": true, "b": 1}]}`, "Only one key allowed in match expression"},
		// anything-but
		{`{"a": [{"anything-but": null}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a": [{"anything-but": true}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a": [{"anything-but": {}}]}`, "Anything-but expression name not found"},
		{`{"a": [{"anything-but": {"foo": "x"}}]}`, "Unsupported anything-but pattern: foo"},
		{`{"a": [{"anything-but": {"numeric": [">", 1]}}]}`, "Unsupported anything-but pattern: numeric"},
		{`{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"a": [{"anything-but": [null]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a": [{"anything-but": [true]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a": [{"anything-but": [["x"]]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a": [{"anything-but": [{"prefix": "x"}]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"a": [{"anything-but": ["x", 1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported"},
		{`{"a": [{"anything-but": []}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported"},
		{`{"a": [{"anything-but": [6e9]}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"anything-but": -6e9}]}`, "Value must be between -5.0E9 and 5.0E9, inclusive"},
		{`{"a": [{"anything-but": "x", "b": 1}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"anything-but": {"prefix": "x", "suffix": "y"}}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"anything-but": {"prefix": "x"}, "b": 1}]}`, "Too many elements in numeric expression"},
		{`{"a": [{"anything-but": {"prefix": ""}}]}`, "Null prefix/suffix not allowed"},
		{`{"a": [{"anything-but": {"suffix": ["x", ""]}}]}`, "Null prefix/suffix not allowed"},
		{`{"a": [{"anything-but": {"prefix": 1}}]}`, "prefix/suffix match pattern must be a string"},
		{`{"a": [{"anything-but": {"suffix": [null]}}]}`, "prefix/suffix match pattern must be a string"},
		{`{"a": [{"anything-but": {"equals-ignore-case": 1}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
		{`{"a": [{"anything-but": {"equals-ignore-case": ["x", 1]}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
		{`{"a": [{"anything-but": {"wildcard": 1}}]}`, "wildcard match pattern must be a string"},
		{`{"a": [{"anything-but": {"wildcard": ["a**"]}}]}`, "Consecutive wildcard characters at pos 2"},
		{`{"a": [{"anything-but": {"wildcard": "a\\b"}}]}`, "Invalid escape character at pos 2"},
		// wildcard
		{`{"a": [{"wildcard": 1}]}`, "wildcard match pattern must be a string"},
		{`{"a": [{"wildcard": "**"}]}`, "Consecutive wildcard characters at pos 1"},
		{`{"a": [{"wildcard": "ab**c"}]}`, "Consecutive wildcard characters at pos 3"},
		{`{"a": [{"wildcard": "a\\b"}]}`, "Invalid escape character at pos 2"},
		{`{"a": [{"wildcard": "ab\\"}]}`, "Invalid escape character at pos 3"},
		{`{"a": [{"wildcard": "x", "b": 1}]}`, "Only one key allowed in match expression"},
		{`{"EventBusArn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}`, reasonWildcardLimit},
		{`{"FileName": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]}`, reasonWildcardLimit},
		{`{"key": [{"wildcard": "*.bif"}, {"wildcard": "*.tiff"}, {"wildcard": "*.tif"}, {"wildcard": "*.svs"}]}`, reasonWildcardLimit},
		{`{"$or": [{"key": [{"wildcard": "*.bif"}, {"wildcard": "*.tiff"}]}, {"key": [{"wildcard": "*.tif"}, {"wildcard": "*.svs"}]}]}`, reasonWildcardLimit},
		// cidr
		{`{"a": [{"cidr": 1}]}`, "prefix match pattern must be a string"},
		{`{"a": [{"cidr": "10.0.0.0"}]}`, "Malformed CIDR, one '/' required"},
		{`{"a": [{"cidr": "10.0.0.0/"}]}`, "Malformed CIDR, one '/' required"},
		{`{"a": [{"cidr": "10.0.0.0/8/8"}]}`, "Malformed CIDR, one '/' required"},
		{`{"a": [{"cidr": "10.0.0.0/x"}]}`, "Malformed CIDR, mask bits must be an integer"},
		{`{"a": [{"cidr": "10.0.0.0/99999999999"}]}`, "Malformed CIDR, mask bits must be an integer"},
		{`{"a": [{"cidr": "10.0.0.0/-1"}]}`, "Malformed CIDR, mask bits must not be negative"},
		{`{"a": [{"cidr": "foo/8"}]}`, "Nonstandard IP address: foo"},
		{`{"a": [{"cidr": "/8"}]}`, "Nonstandard IP address: "},
		{`{"a": [{"cidr": "1.2.3.4.5/8"}]}`, "Nonstandard IP address: 1.2.3.4.5"},
		{`{"a": [{"cidr": "1.2.3.999/8"}]}`, "Invalid IP address: 1.2.3.999"},
		{`{"a": [{"cidr": ":::/8"}]}`, "Invalid IP address: :::"},
		{`{"a": [{"cidr": "10.0.0.0/32"}]}`, "IPv4 mask bits must be < 32"},
		{`{"a": [{"cidr": "::/128"}]}`, "IPv6 mask bits must be < 128"},
		{`{"a": [{"cidr": "10.0.0.0/8", "b": 1}]}`, "Only one key allowed in match expression"},
		// $or
		{`{"$or": {"a": [1]}}`, "It must be an Array followed with $or."},
		{`{"$or": "x"}`, "It must be an Array followed with $or."},
		{`{"$or": []}`, "There must have at least 2 Objects in $or relationship."},
		{`{"$or": [{"a": [1]}]}`, "There must have at least 2 Objects in $or relationship."},
		{`{"$or": [{"a": [1]}, 5]}`, "Only JSON object is allowed in array of $or relationship."},
		{`{"$or": [{"a": [1]}, {}]}`, "Empty objects are not allowed"},
		{`{"$or": [{"numeric": [1]}, {"prefix": ["abc"]}]}`, "numeric is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"$or": [{"a": {"prefix": ["x"]}}, {"b": [1]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"$or": [{"a": [1]}, {"b": [1]}], "c": {"$or": [{"d": [1]}, {"=": [1]}]}}`, "= is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"$or": [{"a": [1]}, {"b": []}]}`, "Empty arrays are not allowed"},
	}
	for _, tc := range cases {
		_, err := Compile([]byte(tc.pattern))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%s) = %v, want reason %q", tc.pattern, err, tc.reason)
			continue
		}
		if pe.Reason != tc.reason {
			t.Errorf("Compile(%s)\n got reason %q\nwant reason %q", tc.pattern, pe.Reason, tc.reason)
		}
		if pe.Error() != pe.Reason {
			t.Errorf("Error() = %q", pe.Error())
		}
	}
}

// Patterns event-ruler accepts, some of them surprising.
func TestValidPatterns(t *testing.T) {
	for _, src := range []string{
		`{"a": [1]}`,
		` {"a": [1]} `,
		`{"a": [{"prefix": ""}]}`,
		`{"a": [{"suffix": ""}]}`,
		`{"a": [{"wildcard": ""}]}`,
		`{"a": [{"wildcard": "\\*\\\\"}]}`,
		`{"a": [{"anything-but": {"prefix": []}}]}`,
		`{"a": [{"anything-but": {"wildcard": []}}]}`,
		`{"a": [{"numeric": [">", -5e9, "<=", 5e9]}]}`,
		`{"a": [1.00000001, 6e9, 123456789012]}`, // exact numbers outside the range are literals
		`{"a": [{"cidr": "10.0.0.0/31"}, {"cidr": "::/127"}, {"cidr": "10.0.0.0/+8"}]}`,
		`{"a": [{"exists": true}, {"exists": false}]}`,
		`{"$or": [{"a": [1]}, {"a": [2]}], "$or": [{"b": [1]}, {"b": [2]}]}`,
		`{"a": {"$or": [{"b": [1]}, {"c": {"$or": [{"d": [1]}, {"e": [1]}]}}]}}`,
		`{"numeric": [1], "prefix": ["x"]}`, // reserved names are fine outside $or
		`{"key": [{"wildcard": "*.png"}, {"wildcard": "*.jpg"}, {"wildcard": "*.gif"}]}`,
		`{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}`,
		`{"a": [{"anything-but": {"wildcard": ["*:*:*:*:*:*:*:*"]}}]}`,
		// a repeated operand is one path in the field's machine
		`{"key": [{"wildcard": "*.png"}, {"wildcard": "*.png"}, {"wildcard": "*.png"}, {"wildcard": "*.png"}]}`,
	} {
		if _, err := Compile([]byte(src)); err != nil {
			t.Errorf("Compile(%s): %v", src, err)
		}
	}
}

func TestOrExpansionLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 11; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + string(rune('a'+i)) + `": {"$or": [{"x": [1]}, {"y": [1]}]}`)
	}
	b.WriteString("}")
	_, err := Compile([]byte(b.String()))
	var pe *Error
	if !errors.As(err, &pe) || pe.Reason != reasonTooManyOrs {
		t.Fatalf("2^11 alternatives: %v", err)
	}
	// 2^9 is fine.
	src := strings.Replace(b.String(), `"kj": {"$or": [{"x": [1]}, {"y": [1]}]},`, "", 1)
	src = strings.Replace(src, `,"kk": {"$or": [{"x": [1]}, {"y": [1]}]}`, "", 1)
	if _, err := Compile([]byte(src)); err != nil {
		t.Fatalf("2^9 alternatives: %v", err)
	}
}

func TestParseIP(t *testing.T) {
	for s, want := range map[string]bool{
		"1.2.3.4": true, "0.0.0.0": true, "255.255.255.255": true, "256.1.1.1": false,
		"01.2.3.4": false, "1.2.3": false, "1.2.3.4.5": false, "1..2.3": false, "1.2.3.4 ": false,
		"::": true, "::1": true, "2001:db8::1": true, "2001:db8::g": false, ":": false, "fe80::1%eth0": false,
		"1.2.3.04": false, "10.0.0.10": true, "99999999999.1.1.1": false,
	} {
		a, ok := parseIP(s)
		if ok != want {
			t.Errorf("parseIP(%q) = %v, %v; want ok=%v", s, a, ok, want)
		}
		if ok && ipv4Like(s) {
			if b, err := netip.ParseAddr(s); err != nil || b != a {
				t.Errorf("parseIP(%q) = %v, netip says %v, %v", s, a, b, err)
			}
		}
	}
}
