package eventbridge

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// The JSON path and template parsers take untrusted input (PutTargets),
// and lookup runs on event JSON: they must never panic, and lookup must
// agree with encoding/json on what it extracts.

func TestLookupAgreesWithEncodingJSON(t *testing.T) {
	doc := []byte(`{"a":{"b":[1,{"c":"x\"y"}],"d e":null},"k":"v"}`)
	for path, want := range map[string]string{
		"$":           string(doc),
		"$.a.b[0]":    "1",
		"$.a.b[1].c":  `"x\"y"`,
		"$['k']":      `"v"`,
		"$.a['d e']":  "null",
		"$.a.b[2]":    "",
		"$.missing.x": "",
	} {
		p, err := parsePath(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, ok := p.lookup(doc)
		if (want == "") == ok || string(got) != want {
			t.Errorf("%s: %q %v, want %q", path, got, ok, want)
		}
	}
	for _, bad := range []string{"", "a.b", "$.", "$..a", "$[x]", "$[-1]", "$[0"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestTemplateQuoting(t *testing.T) {
	vals := map[string]string{"s": `"a\"b"`, "n": "7", "o": `{"x":1}`}
	value := func(n string) ([]byte, bool) { v, ok := vals[n]; return []byte(v), ok }
	known := func(n string) bool { _, ok := vals[n]; return ok || n == "m" }
	for src, want := range map[string]string{
		`{"s": <s>, "in": "<s>!", "n": <n>, "o": <o>, "m": <m>}`: `{"s": "a\"b", "in": "a\"b!", "n": 7, "o": {"x":1}, "m": ""}`,
		`"text <s> <n> <m>"`: `"text a\"b 7 "`,
		`plain <s> and <o>`:  `plain a"b and {"x":1}`,
		`a < b and c > d`:    `a < b and c > d`,
	} {
		tm, bad := parseTemplate(src, known)
		if tm == nil {
			t.Fatalf("%s: invalid placeholder %s", src, bad)
		}
		if got := string(tm.render(value)); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", src, got, want)
		}
	}
	if _, bad := parseTemplate(`"<nope>"`, known); bad != "nope" {
		t.Errorf("unknown placeholder accepted")
	}
}

func FuzzLookup(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":"x"}]}}`, "$.a.b[1].c")
	f.Add(`[1,2,"\u00e9"]`, "$[2]")
	f.Add(`{"a\"b":{"":[]}}`, `$['a"b']`)
	f.Fuzz(func(t *testing.T, doc, path string) {
		p, err := parsePath(path)
		if err != nil || !json.Valid([]byte(doc)) {
			return
		}
		got, ok := p.lookup([]byte(doc))
		if !ok {
			return
		}
		// What lookup extracts from valid JSON is itself valid JSON.
		if !json.Valid(got) {
			t.Fatalf("%s on %s: %q is not JSON", path, doc, got)
		}
	})
}

func FuzzTemplate(f *testing.F) {
	f.Add(`{"a": <a>, "b": "<b>"}`, `"x"`)
	f.Add(`"<a> <aws.events.rule-name>"`, `{"k":[1]}`)
	f.Add(`<<a>>`, `1`)
	f.Fuzz(func(t *testing.T, src, val string) {
		tm, _ := parseTemplate(src, func(n string) bool { return n == "a" || n == "b" })
		if tm == nil {
			return
		}
		tm.render(func(n string) ([]byte, bool) { return []byte(val), n == "a" })
	})
}

func FuzzUnquote(f *testing.F) {
	f.Add(`"a\u00e9\ud83d\ude00\n"`)
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) {
			return // event JSON is valid UTF-8; encoding/json replaces invalid bytes
		}
		s, ok := unquote([]byte(q))
		var want string
		if json.Unmarshal([]byte(q), &want) == nil && len(q) > 1 && q[0] == '"' && q[len(q)-1] == '"' {
			if !ok || s != want {
				t.Fatalf("%q: %q %v, want %q", q, s, ok, want)
			}
		}
	})
}
