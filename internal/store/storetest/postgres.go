package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
)

// DefaultPostgresURL is used when HAKO_TEST_POSTGRES is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the URL of a fresh, empty PostgreSQL schema for this
// test: it creates schema hako_t_<random> on the server named by
// HAKO_TEST_POSTGRES (default DefaultPostgresURL), returns the URL with
// search_path set to it, and drops the schema when the test ends (after
// cleanups registered later, such as closing a store, have run).
//
// If PostgreSQL is unreachable the test is skipped, unless the environment
// variable CI is "true", in which case it fails.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("HAKO_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgresURL
	}
	unavailable := func(err error) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is required in CI: %v", redact(base), err)
		}
		t.Skipf("PostgreSQL at %s unavailable (set HAKO_TEST_POSTGRES): %v", redact(base), err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("HAKO_TEST_POSTGRES: %v", err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		unavailable(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		unavailable(err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "hako_t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<invalid url>"
	}
	return u.Redacted()
}
