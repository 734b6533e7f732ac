package partiql

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that no statement panics or hangs the parser, the
// translator, the planners or the evaluator, and that every refusal is an
// *Error.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`SELECT * FROM "Orders" WHERE OrderID IN [100, 300, 234] ORDER BY OrderID DESC`,
		`SELECT Devices.FireStick.DateWatched[0] FROM WatchList WHERE CustomerID= 'C1' AND MovieID= 'M1'`,
		`SELECT * FROM "TableName"."IndexName" WHERE a BETWEEN 1 AND 2 OR NOT b IS MISSING`,
		`INSERT INTO "Music" value {'Artist' : 'Acme Band','SongTitle' : ?, 's': <<1, 2.5>>, 'l': [{'m': NULL}]}`,
		`UPDATE "Music" SET AwardDetail.Grammys = list_append(AwardDetail.Grammys,[2016]) REMOVE x[2] WHERE Artist='Acme Band' AND SongTitle=? RETURNING ALL NEW *`,
		`UPDATE TypesTable SET NumberSetType = SET_ADD(NumberSetType, <<345, 48.4>>) SET n = if_not_exists(n, 0) - 1 WHERE primarykey='1'`,
		`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks' RETURNING ALL OLD *`,
		`EXISTS(SELECT * FROM Music where Artist='x' and SongTitle='y' and Awards is MISSING)`,
		`FROM tbl WHERE pk = 1 SET a = 2`,
		`SELECT * FROM tbl WHERE begins_with(sk, 'a') AND size(x) > 2 AND contains(s, ?) AND attribute_type(t, 'S')`,
		"SELECT * FROM tbl WHERE a = `1` -- c\n /* b */ ;",
		`SELECT * FROM tbl WHERE pk IN ('a', 'b') AND sk NOT BETWEEN 1 AND 2 AND x IS NOT NULL`,
		`x IS DOUBLE PRECISION`,
		`SELECT a.b[*], c.* FROM t, u JOIN v ON a = b GROUP BY x HAVING y LIMIT 1 OFFSET 2`,
		`INSERT INTO t VALUES (1, 2), (3)`,
	} {
		f.Add(seed)
	}
	item := testItem()
	f.Fuzz(func(t *testing.T, stmt string) {
		params := make([]Value, strings.Count(stmt, "?"))
		for i := range params {
			switch i % 3 {
			case 0:
				params[i] = s("a")
			case 1:
				params[i] = n("1")
			default:
				params[i] = Value{NS: []string{"1", "2"}}
			}
		}
		st, err := Parse(stmt, params)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeValidation {
				t.Fatalf("Parse(%q): error %T %v", stmt, err, err)
			}
			return
		}
		if st.Kind < Select || st.Kind > Exists || st.Table == "" {
			t.Fatalf("Parse(%q) = %+v", stmt, st)
		}
		if st.Where != nil {
			_ = st.Where.String()
			if _, err := st.Where.Match(item); err != nil && !IsError(err) {
				t.Fatalf("Match(%q): %v", stmt, err)
			}
		}
		for _, u := range st.Updates {
			if u.Value != nil {
				if _, _, err := u.Value.Eval(item); err != nil && !IsError(err) {
					t.Fatalf("Eval(%q): %v", stmt, err)
				}
			}
		}
		if _, err := st.PlanRead("pk", "sk"); err != nil && !IsError(err) {
			t.Fatalf("PlanRead(%q): %v", stmt, err)
		}
		if _, _, err := st.KeyEquality("pk", "sk"); err != nil && !IsError(err) {
			t.Fatalf("KeyEquality(%q): %v", stmt, err)
		}
	})
}
