package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func seedPatterns() []string {
	var out []string
	for _, f := range []func() []matchCase{documentationCases, lambdaCases, operatorCases} {
		for _, tc := range f() {
			out = append(out, tc.pattern)
		}
	}
	return append(out,
		`{"a": [{"numeric": [">", 1, "<", "2"]}]}`,
		`{"$or": [{"a": [1]}, {"b": {"$or": [{"c": [1]}, {"d": [{"exists": false}]}]}}]}`,
		`{"a": [{"anything-but": {"wildcard": ["*x*", "y\\*"]}}]}`,
		`{"a": [{"cidr": "::ffff:102:304/120"}]}`,
		`{"a": [{"wildcard": "*a*a*a*"}, {"wildcard": "b*b*b"}]}`,
	)
}

var fuzzEvents = []string{
	ec2Event, nullEvent, employees, nestedEmployees,
	`{}`, `[]`, `null`, `{"a": [[], {}, [[1]]]}`, `{"a.b": {"c": 1}, "a": {"b": [2]}}`,
}

func FuzzCompile(f *testing.F) {
	for _, p := range seedPatterns() {
		f.Add([]byte(p))
	}
	f.Add([]byte(`{"a": [{"numeric": [">", 1e999]}]}`))
	f.Add([]byte("{\"a\": [\"\\ud800\"]}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, compile := range []func([]byte) (*Pattern, error){
			Compile,
			func(b []byte) (*Pattern, error) { return CompileFilterPolicy(b, MessageAttributes) },
			func(b []byte) (*Pattern, error) { return CompileFilterPolicy(b, MessageBody) },
		} {
			p, err := compile(src)
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || pe.Reason == "" {
					t.Fatalf("error %v is not a *Error with a reason", err)
				}
				if _, err2 := compile(src); err2 == nil || err2.Error() != err.Error() {
					t.Fatalf("compile is not deterministic: %v then %v", err, err2)
				}
				continue
			}
			for _, ev := range fuzzEvents {
				if _, err := p.Match([]byte(ev)); err != nil {
					t.Fatalf("Match(%s): %v", ev, err)
				}
			}
			if _, err := p.Match(src); err != nil {
				t.Fatalf("Match(pattern as event): %v", err)
			}
			p.MatchAttributes(map[string]Attribute{
				"a": {Type: "String", Value: "x"},
				"b": {Type: "Number", Value: "5"},
				"c": {Type: "String.Array", Value: `["x", 1, null, {"d": true}]`},
			})
		}
	})
}

func FuzzMatch(f *testing.F) {
	for _, p := range seedPatterns() {
		for _, ev := range fuzzEvents[:5] {
			f.Add(p, []byte(ev))
		}
	}
	for _, f2 := range []func() []matchCase{documentationCases, lambdaCases, operatorCases} {
		for _, tc := range f2() {
			f.Add(tc.pattern, []byte(tc.event))
		}
	}
	f.Fuzz(func(t *testing.T, src string, event []byte) {
		d := dialect{}
		p, err := Compile([]byte(src))
		if err != nil {
			d = dialect{sns: true, prefix: "FilterPolicy: "}
			if p, err = CompileFilterPolicy([]byte(src), MessageBody); err != nil {
				return
			}
		}
		got, err := p.Match(event)
		e, perr := ParseEvent(event)
		if err != nil {
			if perr == nil {
				t.Fatalf("Match failed (%v) but ParseEvent did not", err)
			}
			return
		}
		if perr != nil {
			t.Fatalf("ParseEvent failed (%v) but Match did not", perr)
		}
		if p.MatchEvent(e) != got {
			t.Fatalf("MatchEvent disagrees with Match")
		}
		checkOracle(t, src, d, e, got)

		// The decoded-value path agrees with the bytes path on the same value.
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		canon, err := json.Marshal(v)
		if err != nil {
			return
		}
		want, err := p.Match(canon)
		if err != nil {
			t.Fatalf("Match(%s): %v", canon, err)
		}
		if p.MatchValue(v) != want {
			t.Fatalf("MatchValue disagrees with Match on %s", canon)
		}
	})
}
