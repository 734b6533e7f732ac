package partiql

import (
	"testing"
)

// TestCheckParameters holds the texts a public conformance suite recorded
// against DynamoDB for numbers passed as parameters, which differ from
// PutItem's where Java's BigDecimal cannot read them.
func TestCheckParameters(t *testing.T) {
	const (
		unconvertible = "The parameter cannot be converted to a numeric value"
		nesting       = MsgNesting
	)
	deep := func(depth int, leaf Value) Value {
		v := leaf
		for range depth {
			v = Value{M: map[string]Value{"n": v}}
		}
		return v
	}
	tests := []struct {
		params []Value
		want   string
	}{
		{[]Value{n("1e99999999999")}, unconvertible + ": 1e99999999999"},
		{[]Value{n("-1e99999999999")}, unconvertible + ": -1e99999999999"},
		{[]Value{n("1e-99999999999")}, unconvertible + ": 1e-99999999999"},
		{[]Value{n("1e2147483648")}, unconvertible + ": 1e2147483648"},
		{[]Value{n("1e-2147483648")}, unconvertible + ": 1e-2147483648"},
		{[]Value{n("1e2147483647")}, msgUnderflow},
		{[]Value{n("")}, unconvertible},
		{[]Value{{L: []Value{n("1"), n("1e99999999999")}}}, unconvertible + ": 1e99999999999"},
		{[]Value{{NS: []string{"1", "1e99999999999"}}}, unconvertible + ": 1e99999999999"},
		{[]Value{deep(40, s("x")), n("abc")}, nesting},
		{[]Value{n("abc"), deep(40, s("x"))}, unconvertible + ": abc"},
		{[]Value{deep(40, n("abc"))}, nesting},
		{[]Value{deep(100, s("x")), n("1e126")}, nesting},
		{[]Value{{SS: []string{"x", "x"}}}, "One or more parameter values were invalid: Input collection [x, x] contains duplicates."},
	}
	for _, tt := range tests {
		err := CheckParameters(tt.params)
		if err == nil || err.Error() != tt.want {
			t.Errorf("CheckParameters(%v) = %v, want %s", tt.params, err, tt.want)
		}
	}
	ok := []Value{n("1.50"), n("1e3"), deep(31, s("x")), {NS: []string{"2", "1E1"}}}
	if err := CheckParameters(ok); err != nil {
		t.Fatal(err)
	}
	if *ok[0].N != "1.5" || *ok[1].N != "1000" || ok[3].NS[1] != "10" {
		t.Errorf("not canonical: %v %v %v", *ok[0].N, *ok[1].N, ok[3].NS)
	}
}

func TestNamesAndOutputName(t *testing.T) {
	st, err := Parse(`SELECT a.b[1], c FROM tbl WHERE x = 1 AND (y.z > x OR size(w) = 2)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := st.Where.Names()
	if len(got) != 3 || got[0] != "x" || got[1] != "y" || got[2] != "w" {
		t.Errorf("Names = %v", got)
	}
	if a, c := st.Projection[0].OutputName(), st.Projection[1].OutputName(); a != "b[1]" || c != "c" {
		t.Errorf("OutputName = %q, %q", a, c)
	}
}

func FuzzCheckParameters(f *testing.F) {
	for _, seed := range []string{"1", "1e99999999999", "1.5e-2147483647", "-0.0e+5", "e", "1e", ".e1", "1e2147483647"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, num string) {
		v := []Value{n(num), {NS: []string{num}}}
		_ = CheckParameters(v)
	})
}
