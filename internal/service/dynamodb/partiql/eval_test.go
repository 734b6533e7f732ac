package partiql

import (
	"testing"
)

func testItem() map[string]Value {
	return map[string]Value{
		"pk": s("a"),
		"n":  n("10"),
		"s":  s("hello"),
		"b":  b(1, 2, 3),
		"ss": {SS: []string{"x", "y"}},
		"ns": {NS: []string{"1", "2.5"}},
		"bs": {BS: [][]byte{{1}, {2}}},
		"l":  {L: []Value{n("1"), s("x"), {M: map[string]Value{"k": s("v")}}}},
		"m":  {M: map[string]Value{"a": {M: map[string]Value{"b": {L: []Value{n("1"), n("2")}}}}}},
		"t":  {BOOL: ptr(true)},
		"z":  {NULL: ptr(true)},
	}
}

func where(t *testing.T, cond string, params ...Value) *Expr {
	t.Helper()
	st, err := Parse("SELECT * FROM tbl WHERE "+cond, params)
	if err != nil {
		t.Fatalf("Parse(%q): %v", cond, err)
	}
	return st.Where
}

func TestMatch(t *testing.T) {
	item := testItem()
	tests := []struct {
		cond   string
		params []Value
		want   bool
	}{
		{`n = 10`, nil, true},
		{`n = 10.0`, nil, true},
		{`n = 1e1`, nil, true},
		{`n = '10'`, nil, false},
		{`q = 1`, nil, false},
		{`q <> 1`, nil, true},
		{`n <> 10`, nil, false},
		{`n <> '10'`, nil, true},
		{`n < 11`, nil, true},
		{`n < 9.99`, nil, false},
		{`n <= 10 AND n >= 10`, nil, true},
		{`n < 'x'`, nil, false},
		{`s > 'hell'`, nil, true},
		{`s < 'hellp'`, nil, true},
		{`b < ?`, []Value{b(1, 2, 4)}, true},
		{`b > ?`, []Value{b(1, 2, 4)}, false},
		{`n BETWEEN 5 AND 10`, nil, true},
		{`n BETWEEN 11 AND 20`, nil, false},
		{`n BETWEEN 'a' AND 'z'`, nil, false},
		{`s NOT BETWEEN 'a' AND 'b'`, nil, true},
		{`s IN ['x', 'hello']`, nil, true},
		{`n IN [1, 10.00]`, nil, true},
		{`n IN [1, '10']`, nil, false},
		{`q NOT IN [1]`, nil, true},
		{`begins_with(s, 'he')`, nil, true},
		{`begins_with(s, 'hex')`, nil, false},
		{`begins_with(b, ?)`, []Value{b(1, 2)}, true},
		{`begins_with(n, '1')`, nil, false},
		{`begins_with(q, 'x')`, nil, false},
		{`contains(s, 'ell')`, nil, true},
		{`contains(s, 'elk')`, nil, false},
		{`contains(ss, 'y')`, nil, true},
		{`contains(ss, 'z')`, nil, false},
		{`contains(ns, 2.50)`, nil, true},
		{`contains(ns, '1')`, nil, false},
		{`contains(bs, ?)`, []Value{b(2)}, true},
		{`contains(b, ?)`, []Value{b(2, 3)}, true},
		{`contains(l, 'x')`, nil, true},
		{`contains(l, {'k': 'v'})`, nil, true},
		{`contains(n, 1)`, nil, false},
		{`attribute_type(ns, 'NS')`, nil, true},
		{`attribute_type(ns, 'SS')`, nil, false},
		{`attribute_type(n, ?)`, []Value{s("N")}, true},
		{`attribute_exists(m.a.b[1])`, nil, true},
		{`attribute_exists(m.a.b[2])`, nil, false},
		{`attribute_exists(m.a.c)`, nil, false},
		{`attribute_exists(s.a)`, nil, false},
		{`attribute_exists(s[0])`, nil, false},
		{`attribute_not_exists(q)`, nil, true},
		{`size(s) = 5`, nil, true},
		{`size(b) = 3 AND size(ss) = 2 AND size(ns) = 2 AND size(bs) = 2 AND size(l) = 3 AND size(m) = 1`, nil, true},
		{`size(n) > 0`, nil, false},
		{`size(n) <> 0`, nil, true},
		{`size(q) >= 0`, nil, false},
		{`m.a.b[1] = 2`, nil, true},
		{`l[2].k = 'v'`, nil, true},
		{`l[2]['k'] = 'v'`, nil, true},
		{`z IS NULL`, nil, true},
		{`pk IS NULL`, nil, false},
		{`q IS NULL`, nil, false},
		{`q IS NOT NULL`, nil, true},
		{`t IS BOOLEAN AND m IS STRUCT AND m IS TUPLE AND l IS LIST AND n IS NUMERIC AND s IS STRING AND b IS BLOB`, nil, true},
		{`ss IS LIST`, nil, false},
		{`q IS MISSING`, nil, true},
		{`n IS NOT MISSING`, nil, true},
		{`n IS MISSING`, nil, false},
		{`NOT n = 1`, nil, true},
		{`(n = 1 OR s = 'hello') AND t = TRUE`, nil, true},
		{`n = 1 OR s = 'bye'`, nil, false},
		{`ns = <<2.5, 1>>`, nil, true},
		{`ss = <<'y', 'x'>>`, nil, true},
		{`l = [1, 'x', {'k': 'v'}]`, nil, true},
		{`l = [1, 'x']`, nil, false},
		{`m = {'a': {'b': [1, 2]}}`, nil, true},
		{`z = NULL AND t <> FALSE`, nil, true},
		{`n = ?`, []Value{n("10.000")}, true},
		{`n = s`, nil, false},
		{`pk = pk`, nil, true},
		{`(n = 10) = TRUE`, nil, true},
	}
	for _, tt := range tests {
		got, err := where(t, tt.cond, tt.params...).Match(item)
		if err != nil || got != tt.want {
			t.Errorf("%s = %v, %v; want %v", tt.cond, got, err, tt.want)
		}
	}
}

func TestEval(t *testing.T) {
	item := testItem()
	tests := []struct {
		set     string
		want    string // the value, as Expr.String writes it
		missing bool
		err     string
	}{
		{`n + 5`, `15`, false, ""},
		{`n - 20`, `-10`, false, ""},
		{`n + 0.5 - 0.25`, `10.25`, false, ""},
		{`1 + 2`, `3`, false, ""},
		{`s + 1`, "", false, MsgOperandType},
		{`q + 1`, "", false, MsgMissingAttribute},
		{`n + 9.9e125`, "", false, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{`list_append(l, [2])`, `[1, 'x', {'k': 'v'}, 2]`, false, ""},
		{`list_append([0], m.a.b)`, `[0, 1, 2]`, false, ""},
		{`list_append(q, [1])`, "", false, MsgMissingAttribute},
		{`list_append(n, [1])`, "", false, MsgOperandType},
		{`if_not_exists(q, 5)`, `5`, false, ""},
		{`if_not_exists(n, 5)`, `10`, false, ""},
		{`if_not_exists(q, 0) + 1`, `1`, false, ""},
		{`if_not_exists(q, r)`, ``, true, ""},
		{`m.a`, `{'b': [1, 2]}`, false, ""},
		{`q`, ``, true, ""},
		{`<<'a', 'b'>>`, `<<'a', 'b'>>`, false, ""},
	}
	for _, tt := range tests {
		st, err := Parse("UPDATE tbl SET x = "+tt.set+" WHERE pk = 'a'", nil)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.set, err)
		}
		v, missing, err := st.Updates[0].Value.Eval(item)
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: err %v, want %s", tt.set, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.set, err)
		case missing != tt.missing:
			t.Errorf("%s: missing %v", tt.set, missing)
		case !missing && (&Expr{Op: OpValue, Value: v}).String() != tt.want:
			t.Errorf("%s = %s, want %s", tt.set, (&Expr{Op: OpValue, Value: v}).String(), tt.want)
		}
	}
}

func TestPath(t *testing.T) {
	st, err := Parse(`SELECT a, "b c".d[3]['e'] FROM tbl`, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := st.Projection[1]
	if p.Name() != "b c" || p.String() != "b c.d[3].e" || !p.Equal(Path{{Name: "b c"}, {Name: "d"}, {Index: 3, IsIndex: true}, {Name: "e"}}) {
		t.Errorf("path %#v", p)
	}
	if p.Equal(st.Projection[0]) || p.Equal(p[:3]) {
		t.Error("Equal of different paths")
	}
	if OpEq.String() != "=" || Op(99).String() != "Op(99)" || Kind(9).String() != "Kind(9)" {
		t.Error("String of Op or Kind")
	}
}
