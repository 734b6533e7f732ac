package expr

import (
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

const fuzzNames = `{"#a":"a","#b":"b","#n":"name","#d":"a.b"}`
const fuzzValues = `{":s":{"S":"x"},":n":{"N":"1"},":l":{"L":[{"N":"1"}]},":ss":{"SS":["a"]},":ns":{"NS":["1"]},":m":{"M":{"a":{"N":"1"}}},":b":{"B":"YQ=="},":t":{"S":"S"}}`
const fuzzItem = `{"a":{"M":{"b":{"L":[{"N":"1"},{"S":"x"},{"M":{"c":{"SS":["a","b"]}}}]},"n":{"N":"5"}}},"b":{"N":"2"},"s":{"S":"hello"},"l":{"L":[{"N":"1"},{"N":"2"}]},"ns":{"NS":["1","2"]},"name":{"S":"n"}}`

// checkErr fails unless err is nil or an *attr.Error naming param.
func checkErr(t *testing.T, err error, param string) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := err.(*attr.Error)
	if !ok {
		t.Fatalf("error %T %v is not an *attr.Error", err, err)
	}
	if !strings.HasPrefix(e.Msg, "Invalid "+param+": ") && !strings.HasPrefix(e.Msg, "Expression") {
		t.Fatalf("error without the %s prefix: %q", param, e.Msg)
	}
}

var conditionSeeds = []string{
	"a = :s", "a.b[1] <> :s", "(a = :s)", "((a = :s))", "a BETWEEN :n AND :n", "a IN (:s, :n, b)",
	"attribute_exists(a.b[2].c) AND NOT contains(a.b[2].c, :s) OR size(s) > :n",
	"attribute_type(b, :t)", "begins_with(s, :s)", "(size(a)) > :n", "#a.#b = :s", "a foo", "a-b", "",
	"NOT NOT (a < :n OR b >= :n) AND c <= :n", "size(a", "a = :", "# = :s", "a[99999999999] = :s", "status = :s",
}

func FuzzCondition(f *testing.F) {
	for _, s := range conditionSeeds {
		f.Add(s)
	}
	it := item(f, fuzzItem)
	nm, vs := names(f, fuzzNames), values(f, fuzzValues)
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		r := &Request{Names: nm, Values: vs}
		c, err := r.Condition(s)
		checkErr(t, err, "ConditionExpression")
		if err == nil {
			if _, err := c.Eval(it); err != nil {
				t.Fatal(err)
			}
			c.Eval(nil)
		}
		r = &Request{Names: nm, Values: vs}
		if kc, err := r.KeyCondition(s, KeySchema{PartitionKey: "a", SortKey: "b"}); err == nil {
			kc.Match(it)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%d bytes took %v", len(s), d)
		}
	})
}

var updateSeeds = []string{
	"SET a = :s", "SET a.b[1] = :s, b = b + :n REMOVE l[0] ADD ns :ns DELETE a.b[2].c :ss",
	"SET x = list_append(if_not_exists(l, :l), :l)", "SET a = (:n + :n)", "SET a = ((:n))", "remove a, a.b",
	"SET l[5] = :s REMOVE l[0], l[1]", "set a = b + c + d", "ADD hits : incr", "INVALID SYNTAX HERE", "SET #d = :m",
	"DELETE ns :ns", "SET a.b[2].c = :ss", "REMOVE a.b[0], a.b[2].c", "SET s = :s SET s = :s",
}

func FuzzUpdate(f *testing.F) {
	for _, s := range updateSeeds {
		f.Add(s)
	}
	it := item(f, fuzzItem)
	nm, vs := names(f, fuzzNames), values(f, fuzzValues)
	before := toJSON(f, it)
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		r := &Request{Names: nm, Values: vs}
		u, err := r.Update(s)
		checkErr(t, err, "UpdateExpression")
		if err == nil {
			out, _, err := u.Apply(it)
			if err != nil {
				if _, ok := err.(*attr.Error); !ok {
					t.Fatalf("apply error %T", err)
				}
			} else if err := attr.CheckItem(out); err != nil && !strings.Contains(err.Error(), "may not be empty") && !strings.Contains(err.Error(), "Nesting") {
				t.Fatalf("%q produced an invalid item: %v", s, err)
			}
			u.Apply(nil)
			u.ApplyNew(attr.Item{"k": attr.Value{S: new(string)}})
			if toJSON(t, it) != before {
				t.Fatalf("%q modified its input", s)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%d bytes took %v", len(s), d)
		}
	})
}

var projectionSeeds = []string{"a", "a.b[1], s", "a, a", "a.b, a[1]", "#a.#b[2].c, l[1], l[0]", "!!", "a.b[01]", "name"}

func FuzzProjection(f *testing.F) {
	for _, s := range projectionSeeds {
		f.Add(s)
	}
	it := item(f, fuzzItem)
	nm := names(f, fuzzNames)
	f.Fuzz(func(t *testing.T, s string) {
		r := &Request{Names: nm}
		p, err := r.Projection(s)
		checkErr(t, err, "ProjectionExpression")
		if err == nil {
			p.Apply(it)
		}
	})
}

// TestDeepNesting checks that nesting as deep as 4 KB allows parses fast
// and without exhausting the stack.
func TestDeepNesting(t *testing.T) {
	n := 2000
	inputs := []string{
		strings.Repeat("(", n) + "a = :s" + strings.Repeat(")", n),
		strings.Repeat("(", n) + "a" + strings.Repeat(")", n) + " = :s",
		strings.Repeat("(", n) + "a = :s",
		strings.Repeat("NOT ", 1000) + "a = :s",
		strings.Repeat("size(", 800) + "a" + strings.Repeat(")", 800) + " = :s",
		"a" + strings.Repeat(".a", 2000),
		"a" + strings.Repeat("[0]", 1300) + " = :s",
		strings.Repeat("a = :s AND ", 370) + "a = :s",
	}
	for _, s := range inputs {
		start := time.Now()
		r := &Request{Values: values(t, `{":s":{"S":"x"}}`)}
		r.Condition(s)
		r.Update("SET x = " + s)
		r.Projection(s)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.20q... took %v", s, d)
		}
	}
}
