package store

import (
	"slices"
	"testing"
)

func TestRebindDollar(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT ?", "SELECT $1"},
		{"INSERT INTO t VALUES (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3)"},
		{"SELECT '?' , ?", "SELECT '?' , $1"},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{`SELECT "a?b" FROM t WHERE x = ?`, `SELECT "a?b" FROM t WHERE x = $1`},
		{"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2"},
		{"SELECT ? /* ? */ , ?", "SELECT $1 /* ? */ , $2"},
		{"SELECT ? /*/ ? */ , ?", "SELECT $1 /*/ ? */ , $2"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
	}
	for _, c := range cases {
		if got := rebindDollar(c.in); got != c.want {
			t.Errorf("rebindDollar(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	s := &Store{dialect: SQLite}
	if got := s.Rebind("SELECT ?"); got != "SELECT ?" {
		t.Errorf("SQLite Rebind changed the query: %q", got)
	}
	p := &Store{dialect: Postgres}
	for range 2 {
		if got := p.Rebind("SELECT ?, ?"); got != "SELECT $1, $2" {
			t.Errorf("Postgres Rebind = %q", got)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	in := `
-- leading comment; with semicolon
CREATE TABLE a (x TEXT DEFAULT 'a;b');
/* block ; comment */
INSERT INTO a VALUES ('it''s; fine');;
CREATE INDEX "we;ird" ON a (x)
-- trailing comment`
	want := []string{
		"-- leading comment; with semicolon\nCREATE TABLE a (x TEXT DEFAULT 'a;b')",
		"/* block ; comment */\nINSERT INTO a VALUES ('it''s; fine')",
		"CREATE INDEX \"we;ird\" ON a (x)\n-- trailing comment",
	}
	if got := splitStatements(in); !slices.Equal(got, want) {
		t.Errorf("splitStatements = %q, want %q", got, want)
	}
}

func TestRewriteDDL(t *testing.T) {
	in := "CREATE TABLE blob_t (b BLOB, c blob NOT NULL, blobby TEXT DEFAULT 'BLOB', \"BLOB\" TEXT) -- BLOB"
	want := "CREATE TABLE blob_t (b BYTEA, c BYTEA NOT NULL, blobby TEXT DEFAULT 'BLOB', \"BLOB\" TEXT) -- BLOB"
	if got := rewriteDDL(Postgres, in); got != want {
		t.Errorf("rewriteDDL = %q, want %q", got, want)
	}
	if got := rewriteDDL(SQLite, in); got != in {
		t.Errorf("rewriteDDL SQLite changed the statement: %q", got)
	}
}
