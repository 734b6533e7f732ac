package partiql

import (
	"strings"
	"testing"
)

func s(v string) Value  { return Value{S: &v} }
func n(v string) Value  { return Value{N: &v} }
func b(v ...byte) Value { return Value{B: v} }

// summary writes a statement compactly for table tests.
func summary(st *Statement) string {
	var out []string
	src := st.Table
	if st.Index != "" {
		src += "." + st.Index
	}
	out = append(out, st.Kind.String()+" "+src)
	if st.Projection != nil {
		var ps []string
		for _, p := range st.Projection {
			ps = append(ps, p.String())
		}
		out = append(out, "proj=["+strings.Join(ps, ", ")+"]")
	}
	if st.Item != nil {
		v := Value{M: st.Item}
		out = append(out, "item="+(&Expr{Op: OpValue, Value: v}).String())
	}
	for _, u := range st.Updates {
		switch u.Action {
		case ActionSet:
			out = append(out, "SET "+u.Path.String()+" = "+u.Value.String())
		case ActionRemove:
			out = append(out, "REMOVE "+u.Path.String())
		case ActionAdd:
			out = append(out, "ADD "+u.Path.String()+" "+u.Value.String())
		case ActionDelete:
			out = append(out, "DELETE "+u.Path.String()+" "+u.Value.String())
		}
	}
	if st.Where != nil {
		out = append(out, "where="+st.Where.String())
	}
	for _, o := range st.OrderBy {
		d := " ASC"
		if o.Desc {
			d = " DESC"
		}
		out = append(out, "order="+o.Name+d)
	}
	if st.Returning != "" {
		out = append(out, "returning="+st.Returning)
	}
	return strings.Join(out, " ")
}

// TestDocumentedStatements parses the examples of the DynamoDB developer
// guide's PartiQL pages (ql-reference.select/insert/update/delete,
// ql-functions.*, ql-reference.data-types, ql-gettingstarted and
// ql-reference.multiplestatements.transactions), copied as they are.
func TestDocumentedStatements(t *testing.T) {
	tests := []struct {
		stmt   string
		params []Value
		want   string
	}{
		// ql-reference.select
		{`SELECT * 
FROM "TableName"."IndexName"`, nil, `SELECT TableName.IndexName`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100", nil, `SELECT Orders where=(OrderID = 100)`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 and Address='some address'", nil,
			`SELECT Orders where=((OrderID = 100) AND (Address = 'some address'))`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 or pk = 200", nil, `SELECT Orders where=((OrderID = 100) OR (pk = 200))`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID IN [100, 300, 234]", nil, `SELECT Orders where=(OrderID IN [100, 300, 234])`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID > 1", nil, `SELECT Orders where=(OrderID > 1)`},
		{"SELECT * \nFROM \"Orders\" \nWHERE Address='some address'", nil, `SELECT Orders where=(Address = 'some address')`},
		{"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 OR Address='some address'", nil,
			`SELECT Orders where=((OrderID = 100) OR (Address = 'some address'))`},
		{"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID = 1", nil, `SELECT Orders proj=[OrderID, Total] where=(OrderID = 1)`},
		{"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID = 1 OR OrderID = 2", nil,
			`SELECT Orders proj=[OrderID, Total] where=((OrderID = 1) OR (OrderID = 2))`},
		{"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID IN [1, 2, 3] ORDER BY OrderID DESC", nil,
			`SELECT Orders proj=[OrderID, Total] where=(OrderID IN [1, 2, 3]) order=OrderID DESC`},
		{"SELECT OrderID, Total \nFROM \"Orders\"\nWHERE Total > 500", nil, `SELECT Orders proj=[OrderID, Total] where=(Total > 500)`},
		{"SELECT OrderID, Total \nFROM \"Orders\"\nWHERE Total IN [500, 600]", nil, `SELECT Orders proj=[OrderID, Total] where=(Total IN [500, 600])`},
		{"SELECT OrderID, Total \nFROM \"Orders\" \nWHERE Total BETWEEN 500 AND 600", nil,
			`SELECT Orders proj=[OrderID, Total] where=(Total BETWEEN 500 AND 600)`},
		{"SELECT Devices.FireStick.DateWatched[0] \nFROM WatchList \nWHERE CustomerID= 'C1' AND MovieID= 'M1'", nil,
			`SELECT WatchList proj=[Devices.FireStick.DateWatched[0]] where=((CustomerID = 'C1') AND (MovieID = 'M1'))`},
		{"SELECT Devices \nFROM WatchList \nWHERE Devices.FireStick.DateWatched[0] >= '12/12/19'", nil,
			`SELECT WatchList proj=[Devices] where=(Devices.FireStick.DateWatched[0] >= '12/12/19')`},

		// ql-reference.update
		{"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020, 2018]} where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'\nRETURNING ALL OLD *", nil,
			`UPDATE Music SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020, 2018]} where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks')) returning=ALL_OLD`},
		{"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'\nRETURNING ALL NEW *", nil,
			`UPDATE Music SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020, 2018]} where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks')) returning=ALL_NEW`},
		{"UPDATE \"Music\" \nSET AwardDetail.Grammys =list_append(AwardDetail.Grammys,[2016])  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music SET AwardDetail.Grammys = list_append(AwardDetail.Grammys, [2016]) where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE \"Music\" \nREMOVE AwardDetail.Grammys[2]   \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music REMOVE AwardDetail.Grammys[2] where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE \"Music\" \nSET AwardDetail.BillBoard=[2020] \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music SET AwardDetail.BillBoard = [2020] where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE \"Music\" \nSET BandMembers =<<'member1', 'member2'>> \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music SET BandMembers = <<'member1', 'member2'>> where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE \"Music\" \nSET BandMembers =set_add(BandMembers, <<'newbandmember'>>) \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'", nil,
			`UPDATE Music ADD BandMembers <<'newbandmember'>> where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},

		// ql-reference.insert and ql-reference.delete
		{`INSERT INTO "Music" value {'Artist' : 'Acme Band','SongTitle' : 'PartiQL Rocks'}`, nil,
			`INSERT Music item={'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks'}`},
		{`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks'`, nil,
			`DELETE Music where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks' RETURNING ALL OLD *`, nil,
			`DELETE Music where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks')) returning=ALL_OLD`},

		// ql-functions.*
		{` SELECT * FROM "Orders" WHERE "OrderID"=1 AND size("Image") >300`, nil,
			`SELECT Orders where=((OrderID = 1) AND (size(Image) > 300))`},
		{"EXISTS(\n    SELECT * FROM \"Music\" \n    WHERE \"Artist\" = 'Acme Band' AND \"SongTitle\" = 'PartiQL Rocks')", nil,
			`EXISTS Music where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{`SELECT * FROM "Music" WHERE attribute_type("Artist", 'S')`, nil, `SELECT Music where=attribute_type(Artist, 'S')`},
		{`SELECT * FROM "Orders" WHERE "OrderID"=1 AND begins_with("Address", '7834 24th')`, nil,
			`SELECT Orders where=((OrderID = 1) AND begins_with(Address, '7834 24th'))`},
		{`SELECT * FROM Orders WHERE OrderID=1 AND contains("Address", 'Kirkland')`, nil,
			`SELECT Orders where=((OrderID = 1) AND contains(Address, 'Kirkland'))`},
		{`SELECT * FROM Music WHERE "Awards" IS MISSING`, nil, `SELECT Music where=attribute_not_exists(Awards)`},

		// ql-reference.data-types
		{"INSERT INTO TypesTable value {'primarykey':'1', \n'NumberType':1,\n'MapType' : {'entryname1': 'value', 'entryname2': 4}, \n'ListType': [1,'stringval'], \n'NumberSetType':<<1,34,32,4.5>>, \n'StringSetType':<<'stringval','stringval2'>>\n}", nil,
			`INSERT TypesTable item={'ListType': [1, 'stringval'], 'MapType': {'entryname1': 'value', 'entryname2': 4}, 'NumberSetType': <<1, 34, 32, 4.5>>, 'NumberType': 1, 'StringSetType': <<'stringval', 'stringval2'>>, 'primarykey': '1'}`},
		{"UPDATE TypesTable \nSET NumberType=NumberType + 100 \nSET MapType.NewMapEntry=[2020, 'stringvalue', 2.4]\nSET ListType = LIST_APPEND(ListType, [4, <<'string1', 'string2'>>])\nSET NumberSetType= SET_ADD(NumberSetType, <<345, 48.4>>)\nSET StringSetType = SET_ADD(StringSetType, <<'stringsetvalue1', 'stringsetvalue2'>>)\nWHERE primarykey='1'", nil,
			`UPDATE TypesTable SET NumberType = (NumberType + 100) SET MapType.NewMapEntry = [2020, 'stringvalue', 2.4] SET ListType = list_append(ListType, [4, <<'string1', 'string2'>>]) ADD NumberSetType <<345, 48.4>> ADD StringSetType <<'stringsetvalue1', 'stringsetvalue2'>> where=(primarykey = '1')`},
		{"UPDATE TypesTable \nSET NumberType=NumberType - 1\nREMOVE ListType[1]\nREMOVE MapType.NewMapEntry\nSET NumberSetType = SET_DELETE( NumberSetType, <<345>>)\nSET StringSetType = SET_DELETE( StringSetType, <<'stringsetvalue1'>>)\nWHERE primarykey='1'", nil,
			`UPDATE TypesTable SET NumberType = (NumberType - 1) REMOVE ListType[1] REMOVE MapType.NewMapEntry DELETE NumberSetType <<345>> DELETE StringSetType <<'stringsetvalue1'>> where=(primarykey = '1')`},

		// ql-gettingstarted (parameters) and the transactions page
		{"SELECT *                                         \n   FROM Music  \n   WHERE Artist=? and SongTitle=?", []Value{s("Acme Band"), s("PartiQL Rocks")},
			`SELECT Music where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"INSERT INTO Music  \\\n\t\t\t\t\t    VALUE  \\\n\t\t\t\t\t    {'Artist':'Acme Band','SongTitle':'PartiQL Rocks'}", nil, ``},
		{"INSERT INTO Music  \n    VALUE  \n    {'Artist':'Acme Band','SongTitle':'PartiQL Rocks'}", nil,
			`INSERT Music item={'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks'}`},
		{"INSERT INTO Music value {'Artist':?,'SongTitle':?}", []Value{s("Acme Band"), s("PartiQL Rocks")},
			`INSERT Music item={'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks'}`},
		{"UPDATE Music SET AwardsWon=1 SET AwardDetail={'Grammys':[2020, 2018]}  where Artist=? and SongTitle=?", []Value{s("Acme Band"), s("PartiQL Rocks")},
			`UPDATE Music SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020, 2018]} where=((Artist = 'Acme Band') AND (SongTitle = 'PartiQL Rocks'))`},
		{"UPDATE Music SET AwardDetail.Grammys =list_append(AwardDetail.Grammys,[2016])  where Artist=? and SongTitle=?", []Value{s("a"), s("b")},
			`UPDATE Music SET AwardDetail.Grammys = list_append(AwardDetail.Grammys, [2016]) where=((Artist = 'a') AND (SongTitle = 'b'))`},
		{"UPDATE Music set AwardDetail.BillBoard=[2020] where Artist=? and SongTitle=?", []Value{s("a"), s("b")},
			`UPDATE Music SET AwardDetail.BillBoard = [2020] where=((Artist = 'a') AND (SongTitle = 'b'))`},
		{"DELETE  FROM Music  where Artist=? and SongTitle=?", []Value{s("a"), s("b")},
			`DELETE Music where=((Artist = 'a') AND (SongTitle = 'b'))`},
		{"EXISTS(SELECT * FROM Music where Artist='No One You Know' and SongTitle='Call Me Today' and Awards is  MISSING)", nil,
			`EXISTS Music where=(((Artist = 'No One You Know') AND (SongTitle = 'Call Me Today')) AND attribute_not_exists(Awards))`},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt, tt.params)
		if tt.want == "" {
			// The CLI example keeps the shell's line continuations, which
			// DynamoDB refuses as it does every character it cannot lex.
			if err == nil || err.Error() != MsgNotWellFormed {
				t.Errorf("Parse(%q) = %v, want the lexer's error", tt.stmt, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.stmt, err)
			continue
		}
		if got := summary(st); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.stmt, got, tt.want)
		}
	}
}

// TestForms covers the syntax beyond the guide's examples.
func TestForms(t *testing.T) {
	tests := []struct {
		stmt   string
		params []Value
		want   string
	}{
		// names, quoting and paths
		{`select * from "my.table-1"`, nil, `SELECT my.table-1`},
		{`SELECT "a""b" FROM "tbl"`, nil, `SELECT tbl proj=[a"b]`},
		{`SELECT * FROM tbl.idx`, nil, `SELECT tbl.idx`},
		{`SELECT * FROM "tbl"['idx']`, nil, `SELECT tbl.idx`},
		{`SELECT "a"."b", c[0].d, e['f g'], h[i] FROM "tbl"`, nil, `SELECT tbl proj=[a.b, c[0].d, e.f g, h.i]`},
		{`SELECT * FROM tbl WHERE "Select" = 'x'`, nil, `SELECT tbl where=(Select = 'x')`},
		{`SELECT * FROM tbl WHERE a.b[2].c = 'it''s'`, nil, `SELECT tbl where=(a.b[2].c = 'it''s')`},
		{`SELECT * FROM tbl WHERE @a = 1`, nil, `SELECT tbl where=(a = 1)`},
		{"SELECT * -- comment\nFROM tbl /* block\ncomment */ WHERE a = 1;", nil, `SELECT tbl where=(a = 1)`},
		// literals
		{`SELECT * FROM tbl WHERE a = -5 AND b = +2.50 AND c = 1e3 AND d = .5 AND e = -1.5E-2`, nil,
			`SELECT tbl where=(((((a = -5) AND (b = 2.5)) AND (c = 1000)) AND (d = 0.5)) AND (e = -0.015))`},
		{`SELECT * FROM tbl WHERE a = TRUE OR a = false OR a = NULL`, nil,
			`SELECT tbl where=(((a = true) OR (a = false)) OR (a = NULL))`},
		{`SELECT * FROM tbl WHERE a = {'x': [1, {'y': <<'p', 'q'>>}], 'z': {}} OR a = [] OR a = (1, 2)`, nil,
			`SELECT tbl where=(((a = {'x': [1, {'y': <<'p', 'q'>>}], 'z': {}}) OR (a = [])) OR (a = [1, 2]))`},
		{`SELECT * FROM tbl WHERE a = list(1, 'x') OR a = bag(1, 2)`, nil, `SELECT tbl where=((a = [1, 'x']) OR (a = <<1, 2>>))`},
		{`SELECT * FROM tbl WHERE a = 123456789012345678901234567890123456780000`, nil,
			`SELECT tbl where=(a = 123456789012345678901234567890123456780000)`},
		// operators
		{`SELECT * FROM tbl WHERE a <> 1 AND b != 2 AND c < 3 AND d <= 4 AND e > 5 AND f >= 6`, nil,
			`SELECT tbl where=((((((a <> 1) AND (b <> 2)) AND (c < 3)) AND (d <= 4)) AND (e > 5)) AND (f >= 6))`},
		{`SELECT * FROM tbl WHERE a = 1 OR b = 2 AND NOT c = 3`, nil, `SELECT tbl where=((a = 1) OR ((b = 2) AND NOT (c = 3)))`},
		{`SELECT * FROM tbl WHERE (a = 1 OR b = 2) AND c = 3`, nil, `SELECT tbl where=(((a = 1) OR (b = 2)) AND (c = 3))`},
		{`SELECT * FROM tbl WHERE a IN (1, 2) AND b NOT IN ['x'] AND c IN <<3>> AND d IN (4)`, nil,
			`SELECT tbl where=((((a IN [1, 2]) AND NOT (b IN ['x'])) AND (c IN [3])) AND (d IN [4]))`},
		{`SELECT * FROM tbl WHERE a BETWEEN 1 AND 5 AND b NOT BETWEEN 'a' AND 'c'`, nil,
			`SELECT tbl where=((a BETWEEN 1 AND 5) AND NOT (b BETWEEN 'a' AND 'c'))`},
		{`SELECT * FROM tbl WHERE a IS MISSING AND b IS NOT MISSING AND c IS NULL AND d IS NOT NULL`, nil,
			`SELECT tbl where=(((attribute_not_exists(a) AND NOT attribute_not_exists(b)) AND (c = NULL)) AND NOT (d = NULL))`},
		{`SELECT * FROM tbl WHERE a IS BOOLEAN OR a IS BOOL OR a IS NUMERIC OR a IS STRING OR a IS BLOB OR a IS STRUCT OR a IS TUPLE OR a IS LIST`, nil,
			`SELECT tbl where=(((((((attribute_type(a, 'BOOL') OR attribute_type(a, 'BOOL')) OR attribute_type(a, 'N')) OR attribute_type(a, 'S')) OR attribute_type(a, 'B')) OR attribute_type(a, 'M')) OR attribute_type(a, 'M')) OR attribute_type(a, 'L'))`},
		// functions
		{`SELECT * FROM tbl WHERE attribute_exists(a) AND attribute_not_exists(b.c) AND contains(d, 5) AND size(e[1]) BETWEEN 1 AND 2 AND BEGINS_WITH(f, ?)`, []Value{b(1, 2)},
			`SELECT tbl where=((((attribute_exists(a) AND attribute_not_exists(b.c)) AND contains(d, 5)) AND (size(e[1]) BETWEEN 1 AND 2)) AND begins_with(f, b'AQI='))`},
		{`UPDATE tbl SET a = if_not_exists(a, 0) + 1, b = b - ?, c = list_append([0], c) REMOVE d WHERE pk = 1`, []Value{n("2")},
			`UPDATE tbl SET a = (if_not_exists(a, 0) + 1) SET b = (b - 2) SET c = list_append([0], c) REMOVE d where=(pk = 1)`},
		{`UPDATE tbl SET s = set_delete(s, ?) WHERE pk = 1 RETURNING MODIFIED NEW *`, []Value{{BS: [][]byte{{1}}}},
			`UPDATE tbl DELETE s <<b'AQ=='>> where=(pk = 1) returning=MODIFIED_NEW`},
		{`UPDATE tbl SET a = 1 WHERE pk = 1 RETURNING MODIFIED OLD *`, nil, `UPDATE tbl SET a = 1 where=(pk = 1) returning=MODIFIED_OLD`},
		{`FROM tbl WHERE pk = 1 SET a = 2`, nil, `UPDATE tbl SET a = 2 where=(pk = 1)`},
		{`FROM tbl WHERE pk = 1 REMOVE a RETURNING ALL NEW *`, nil, `UPDATE tbl REMOVE a where=(pk = 1) returning=ALL_NEW`},
		{`UPDATE tbl SET a['b'] = 1, "c"[0] = 2 WHERE pk = 1`, nil, `UPDATE tbl SET a.b = 1 SET c[0] = 2 where=(pk = 1)`},
		// parameters bind in order, anywhere a value goes
		{`INSERT INTO tbl VALUE {'pk': ?, 'm': {'n': ?}, 'l': [?]}`, []Value{s("k"), n("1"), {BOOL: ptr(true)}},
			`INSERT tbl item={'l': [true], 'm': {'n': 1}, 'pk': 'k'}`},
		{`SELECT * FROM tbl WHERE pk IN [?, ?] AND x BETWEEN ? AND ?`, []Value{s("a"), s("b"), n("1"), n("2")},
			`SELECT tbl where=((pk IN ['a', 'b']) AND (x BETWEEN 1 AND 2))`},
		{`SELECT a, b.c FROM tbl WHERE pk = 'x' ORDER BY pk ASC, sk DESC`, nil,
			`SELECT tbl proj=[a, b.c] where=(pk = 'x') order=pk ASC order=sk DESC`},
		{`SELECT ALL * FROM tbl`, nil, `SELECT tbl`},
	}
	for _, tt := range tests {
		st, err := Parse(tt.stmt, tt.params)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.stmt, err)
			continue
		}
		if got := summary(st); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.stmt, got, tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	// A value 32 levels deep is DynamoDB's limit (attr.MaxDepth); 33 fails
	// (TestErrors).
	deep := strings.Repeat("[", 32) + strings.Repeat("]", 32)
	if _, err := Parse("SELECT * FROM tbl WHERE a = "+deep, nil); err != nil {
		t.Errorf("32 levels: %v", err)
	}
	// Positions count lines and characters from 1.
	_, err := Parse("SELECT *\nFROM tbl\nWHERE \"é\" = 1 AND\n  b[-7] = 1", nil)
	if err == nil || err.Error() != "List index is not within the allowable range; index: [-7] at 4:6:1" {
		t.Errorf("position: %v", err)
	}
	// $ and digits are identifier characters.
	st, err := Parse("SELECT * FROM tbl WHERE $a_1 = 1", nil)
	if err != nil || st.Where.String() != "($a_1 = 1)" {
		t.Errorf("identifier: %v", err)
	}
	// Long chains do not recurse in the parser.
	long := "SELECT * FROM tbl WHERE a = 1" + strings.Repeat(" AND a = 1", 700)
	if _, err := Parse(long, nil); err != nil {
		t.Errorf("long chain: %v", err)
	}
}
