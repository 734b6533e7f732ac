package partiql

import (
	"strings"
	"testing"
)

func planString(p *ReadPlan) string {
	if p.Scan {
		return "scan"
	}
	var reads []string
	for _, r := range p.Reads {
		h := (&Expr{Op: OpValue, Value: r.Hash}).String()
		if r.Range == nil {
			reads = append(reads, h)
			continue
		}
		var vs []string
		for _, v := range r.Range.Values {
			vs = append(vs, (&Expr{Op: OpValue, Value: v}).String())
		}
		reads = append(reads, h+" "+r.Range.Op.String()+" "+strings.Join(vs, " "))
	}
	return "[" + strings.Join(reads, "; ") + "]"
}

func TestPlanRead(t *testing.T) {
	tests := []struct {
		where, want string
		params      []Value
	}{
		{`pk = 'a'`, `['a']`, nil},
		{`pk = 'a' AND sk = 1`, `['a' = 1]`, nil},
		{`sk = 1 AND pk = ?`, `['a' = 1]`, []Value{s("a")}},
		{`pk IN ['a', 'b']`, `['a'; 'b']`, nil},
		{`pk = 'a' OR pk = 'b'`, `['a'; 'b']`, nil},
		{`(pk = 'a' OR pk = 'b') AND sk = 2`, `['a' = 2; 'b' = 2]`, nil},
		{`pk = 'a' AND sk > 1 AND sk <= 5`, `['a' BETWEEN 1 5]`, nil},
		{`pk = 'a' AND sk >= 1 AND sk >= 2`, `['a' >= 2]`, nil},
		{`pk = 'a' AND sk < 1 AND sk < 2`, `['a' < 1]`, nil},
		{`pk = 'a' AND sk >= 1 AND sk <= 1`, `['a' = 1]`, nil},
		{`pk = 'a' AND sk BETWEEN 1 AND 5`, `['a' BETWEEN 1 5]`, nil},
		{`pk = 'a' AND begins_with(sk, 'x')`, `['a' begins_with 'x']`, nil},
		{`pk = 'a' AND begins_with(sk, 'x') AND sk > 'a'`, `['a' begins_with 'x']`, nil},
		{`5 < sk AND pk = 'a'`, `['a' > 5]`, nil},
		{`5 >= sk AND pk = 'a'`, `['a' <= 5]`, nil},
		{`pk = 'a' AND x = 1`, `['a']`, nil},
		{`pk = 'a' AND sk = other`, `['a']`, nil},
		{`pk = other`, `scan`, nil},
		{`x = 1`, `scan`, nil},
		{`pk > 'a'`, `scan`, nil},
		{`attribute_exists(pk)`, `scan`, nil},
		{`NOT pk = 'a'`, `scan`, nil},
		{`pk = 'a' AND NOT sk = 1`, `['a']`, nil},
		{`pk = 'a' AND NOT x = 1`, `['a']`, nil},
		{`pk = 'a' AND sk <> '1'`, `['a']`, nil},
		{`pk = 'a' AND sk IN [1, 2]`, `['a']`, nil},
		{`(pk = 'a' OR pk = 'b') AND sk <> 1`, `['a'; 'b']`, nil},
		{`pk = 'a' AND sk <> 1 OR x = 2`, `scan`, nil},
		{`pk = 'a' AND NOT (pk = 'b' AND sk = 1)`, `scan`, nil},
		{`pk = 'a' OR x = 1`, `scan`, nil},
		{`pk.x = 'a'`, `scan`, nil},
		{`pk = 'a' AND pk = 'b'`, `[]`, nil},
		{`pk = 'a' AND sk > 5 AND sk < 3`, `[]`, nil},
		{`pk = 'a' AND sk BETWEEN 5 AND 3`, `[]`, nil},
		{`pk = 'a' AND sk = '1' OR pk = 'a' AND sk = '2'`, `['a' = '1'; 'a' = '2']`, nil},
		{`pk = 'a' AND sk < '1' OR pk = 'a' AND sk >= '1'`, `['a' < '1'; 'a' >= '1']`, nil},
		{`pk = 'a' AND begins_with(sk, 'ab') OR pk = 'a' AND begins_with(sk, 'ac')`, `['a' begins_with 'ab'; 'a' begins_with 'ac']`, nil},
		{`pk = 'a' AND begins_with(sk, 'ab') OR pk = 'a' AND sk = 'ac'`, `['a' begins_with 'ab'; 'a' = 'ac']`, nil},
		{`pk = 'a' AND sk = '1' OR pk = 'b'`, `['a' = '1'; 'b']`, nil},
		{`pk = 'a' AND sk = '1' OR pk = 'a' AND NOT sk = '1'`, `['a']`, nil},
		{`pk = 'a' AND sk = 1 OR pk = 'a' AND sk = '1'`, `['a' = 1; 'a' = '1']`, nil},
	}
	for _, tt := range tests {
		st, err := Parse("SELECT * FROM tbl WHERE "+tt.where, tt.params)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.where, err)
		}
		p, err := st.PlanRead("pk", "sk")
		if err != nil {
			t.Errorf("%s: %v", tt.where, err)
			continue
		}
		if got := planString(p); got != tt.want {
			t.Errorf("%s: plan %s, want %s", tt.where, got, tt.want)
		}
	}

	st, _ := Parse("SELECT * FROM tbl", nil)
	if p, err := st.PlanRead("pk", "sk"); err != nil || !p.Scan {
		t.Errorf("no WHERE: %v %v", p, err)
	}
	st, _ = Parse("SELECT * FROM tbl WHERE pk = 'a' AND sk = 1", nil)
	if p, err := st.PlanRead("pk", ""); err != nil || planString(p) != `['a']` {
		t.Errorf("hash-only table: %v %v", planString(p), err)
	}
}

func TestPlanReadErrors(t *testing.T) {
	tests := []struct{ stmt, want string }{
		// pinned: Overlapping conditions (a Java emulator's suite and the
		// TS suite, both recorded against DynamoDB)
		{`SELECT sk FROM tbl WHERE pk IN ['ranges','ranges']`, MsgOverlapping},
		{`SELECT sk FROM tbl WHERE pk='ranges' OR pk='ranges'`, MsgOverlapping},
		{`SELECT sk FROM tbl WHERE pk='ranges' AND (sk > '0' OR sk < '5')`, MsgOverlapping},
		{`SELECT sk FROM tbl WHERE pk='ranges' AND (sk='1' OR flag='two')`, MsgOverlapping},
		{`SELECT sk FROM tbl WHERE (pk='ranges' AND flag='one') OR (pk='ranges' AND flag='two')`, MsgOverlapping},
		{`SELECT * FROM tbl WHERE pk = 'a' AND x = '1' OR pk = 'a' AND sk = '2'`, MsgOverlapping},
		{`SELECT * FROM tbl WHERE pk = 'a' AND x <> '1' OR pk = 'a' AND sk = '2'`, MsgOverlapping},
		{`SELECT * FROM tbl WHERE pk = 'a' AND begins_with(sk, 'a') OR pk = 'a' AND begins_with(sk, 'ab')`, MsgOverlapping},
		{`SELECT * FROM tbl WHERE pk = 'a' AND sk <= '1' OR pk = 'a' AND sk >= '1'`, MsgOverlapping},
		// ORDER BY (DynamoDB Local's constants)
		{`SELECT * FROM tbl WHERE pk IN ['a', 'b'] ORDER BY sk`, MsgOrderByNeedsHash},
		{`SELECT * FROM tbl WHERE x = 1 ORDER BY pk`, MsgOrderByNoHash},
		{`SELECT * FROM tbl WHERE pk = 'a' OR x = 1 ORDER BY pk`, MsgOrderByNoHash},
		{`SELECT * FROM tbl WHERE NOT pk = 'a' ORDER BY pk`, MsgOrderByNoHash},
		{`SELECT * FROM tbl WHERE pk = 'a' ORDER BY x`, "Variable reference x in ORDER BY clause must be part of the primary key"},
		{`SELECT * FROM tbl WHERE pk IN [` + strings.Repeat("'a', ", 1000) + `'b']`, MsgTooManyReads},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt, nil)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.stmt, err)
		}
		_, err = st.PlanRead("pk", "sk")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.stmt, err, tt.want)
		}
	}
}

func TestPlanReadOrder(t *testing.T) {
	tests := []struct{ stmt, want string }{
		{`SELECT * FROM tbl WHERE pk IN ['b', 'a', 'c'] ORDER BY pk`, `['a'; 'b'; 'c']`},
		{`SELECT * FROM tbl WHERE pk IN ['b', 'a', 'c'] ORDER BY pk DESC`, `['c'; 'b'; 'a']`},
		{`SELECT * FROM tbl WHERE pk = 'a' AND sk > 5 OR pk = 'a' AND sk < 2 ORDER BY sk`, `['a' < 2; 'a' > 5]`},
		{`SELECT * FROM tbl WHERE pk = 'a' AND sk > 5 OR pk = 'a' AND sk < 2 ORDER BY pk, sk DESC`, `['a' > 5; 'a' < 2]`},
		{`SELECT * FROM tbl WHERE pk > 'a' ORDER BY pk`, `scan`},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.PlanRead("pk", "sk")
		if err != nil || planString(p) != tt.want || !p.Ordered {
			t.Errorf("%s: %s %v, want %s", tt.stmt, planString(p), err, tt.want)
		}
	}
}

func TestKeyEquality(t *testing.T) {
	tests := []struct {
		stmt    string
		params  []Value
		key     string // "pk sk" values
		rest    string
		wantErr string
	}{
		{`UPDATE tbl SET a = 1 WHERE pk = 'a' AND sk = 1`, nil, `'a' 1`, ``, ``},
		{`DELETE FROM tbl WHERE pk = 'a' AND sk = 1 AND x = 2`, nil, `'a' 1`, `(x = 2)`, ``},
		{`DELETE FROM tbl WHERE x = 2 AND ('a' = pk AND (sk = 1 AND y = 3))`, nil, `'a' 1`, `((x = 2) AND (y = 3))`, ``},
		{`DELETE FROM tbl WHERE pk = ? AND sk = ? AND (x = 1 OR y = 2)`, []Value{s("p"), n("7")}, `'p' 7`, `((x = 1) OR (y = 2))`, ``},
		{`DELETE FROM tbl WHERE pk = 'a' AND pk = 'a' AND sk = 1`, nil, `'a' 1`, ``, ``},
		{`DELETE FROM tbl WHERE pk = 'a' AND sk = 1 AND sk IN [1]`, nil, `'a' 1`, `(sk IN [1])`, ``},
		{`DELETE FROM tbl WHERE pk = 'a'`, nil, ``, ``, MsgIncompleteKey},
		{`DELETE FROM tbl WHERE pk = 'a' OR sk = 1`, nil, ``, ``, MsgIncompleteKey},
		{`DELETE FROM tbl WHERE pk IN ['a'] AND sk = 1`, nil, ``, ``, MsgIncompleteKey},
		{`DELETE FROM tbl WHERE NOT pk = 'a' AND sk = 1`, nil, ``, ``, MsgIncompleteKey},
		{`DELETE FROM tbl WHERE pk = x AND sk = 1`, nil, ``, ``, MsgIncompleteKey},
		{`DELETE FROM tbl WHERE pk = 'a' AND pk = 'b' AND sk = 1`, nil, ``, ``, "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"},
		{`DELETE FROM tbl WHERE pk.x = 'a' AND sk = 1`, nil, ``, ``, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key pk"},
		// pinned: the FROM form with no WHERE or none on the key
		{`FROM "Strs" SET c = 1`, nil, ``, ``, MsgIncompleteKey},
		{`FROM "Strs" REMOVE a`, nil, ``, ``, MsgIncompleteKey},
		{`FROM "Strs" WHERE a = 1 SET c = 1`, nil, ``, ``, MsgIncompleteKey},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt, tt.params)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.stmt, err)
		}
		key, rest, err := st.KeyEquality("pk", "sk")
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%s: %v, want %s", tt.stmt, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.stmt, err)
			continue
		}
		pk, sk := key["pk"], key["sk"]
		got := (&Expr{Op: OpValue, Value: pk}).String() + " " + (&Expr{Op: OpValue, Value: sk}).String()
		r := ""
		if rest != nil {
			r = rest.String()
		}
		if got != tt.key || r != tt.rest {
			t.Errorf("%s: key %s rest %s; want %s, %s", tt.stmt, got, r, tt.key, tt.rest)
		}
	}
}

func TestCheckKey(t *testing.T) {
	item := map[string]Value{"pk": s("a"), "sk": n("1")}
	if err := CheckItemKey(item, "pk", "S"); err != nil {
		t.Error(err)
	}
	if err := CheckItemKey(item, "sk", "S"); err == nil || err.Error() != "Key attribute's data type should match its data type in table's schema: Key sk" {
		t.Error(err)
	}
	if err := CheckItemKey(item, "x", "S"); err == nil || err.Error() != "Key attribute should be present in the item: Key x" {
		t.Error(err)
	}
	if err := CheckKeyType("pk", b(1), "B"); err != nil {
		t.Error(err)
	}
	if !IsError(CheckKeyType("pk", b(1), "N")) || IsError(nil) {
		t.Error("IsError")
	}
}
