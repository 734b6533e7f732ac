package pattern

import (
	"slices"
	"testing"
)

func TestRequiredStrings(t *testing.T) {
	cases := []struct {
		pattern string
		want    []string // nil: not restricted
	}{
		{`{"source":["aws.s3"]}`, []string{"aws.s3"}},
		{`{"source":["b","a","b"],"detail-type":["x"]}`, []string{"a", "b"}},
		{`{"source":[{"exactly":"a"}]}`, []string{"a"}},
		{`{"$or":[{"source":["a"]},{"source":["b"],"detail":{"x":[1]}}]}`, []string{"a", "b"}},
		{`{"$or":[{"source":["a"]},{"detail-type":["b"]}]}`, nil},
		{`{"source":[{"prefix":"aws."}]}`, nil},
		{`{"source":["a",{"prefix":"b"}]}`, nil},
		{`{"source":[{"exists":false}]}`, nil},
		{`{"source":[{"anything-but":"a"}]}`, nil},
		{`{"source":[{"equals-ignore-case":"A"}]}`, nil},
		{`{"source":[null]}`, nil},
		{`{"source":[5]}`, nil},
		{`{"detail":{"source":["a"]}}`, nil},
		{`{"detail-type":["a"]}`, nil},
	}
	for _, c := range cases {
		p, err := Compile([]byte(c.pattern))
		if err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		got, ok := p.RequiredStrings("source")
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v %v, want %v", c.pattern, got, ok, c.want)
		}
	}
}

// TestRequiredStringsAreNecessary checks the index's promise on the
// matcher itself: a pattern never matches an event whose source is a
// string outside its required values.
func TestRequiredStringsAreNecessary(t *testing.T) {
	patterns := []string{
		`{"source":["a","b"],"detail":{"n":[{"numeric":[">",1]}]}}`,
		`{"$or":[{"source":["a"]},{"source":["c"]}]}`,
		`{"source":["a"],"detail-type":[{"prefix":"x"}]}`,
	}
	events := []string{
		`{"source":"a","detail-type":"xy","detail":{"n":2}}`,
		`{"source":"b","detail":{"n":5}}`,
		`{"source":"c"}`,
		`{"source":"d","detail-type":"x","detail":{"n":9}}`,
		`{"source":["a"],"detail":{"n":2}}`,
	}
	for _, ps := range patterns {
		p, _ := Compile([]byte(ps))
		vals, ok := p.RequiredStrings("source")
		if !ok {
			t.Fatalf("%s: not indexed", ps)
		}
		for _, es := range events {
			e, err := ParseEvent([]byte(es))
			if err != nil {
				t.Fatal(err)
			}
			src, isStr := e.TopString("source")
			if isStr && !slices.Contains(vals, src) && p.MatchEvent(e) {
				t.Errorf("%s matches %s outside %v", ps, es, vals)
			}
		}
	}
	e, _ := ParseEvent([]byte(`{"source":"a","x":1}`))
	if s, ok := e.TopString("source"); !ok || s != "a" {
		t.Errorf("TopString %q %v", s, ok)
	}
	if _, ok := e.TopString("x"); ok {
		t.Error("a number is not a string")
	}
}
