// Package storetest holds the semantics suite that every store backend must
// pass, and helpers for other packages' tests (PostgresURL).
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/store"
)

// Run runs the semantics suite. open must return a new open Store; calls
// with the same t must open the same database (fresh for each distinct t),
// and the Store must be closed by a t.Cleanup (Close is idempotent).
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) *store.Store)
	}{
		{"MigrateOnceOrdered", testMigrateOnceOrdered},
		{"MigrateConcurrent", testMigrateConcurrent},
		{"UpdateVisibleToView", testUpdateVisibleToView},
		{"ViewSnapshot", testViewSnapshot},
		{"ErrorRollsBackOnlyItsFn", testErrorRollsBackOnlyItsFn},
		{"PanicBecomesError", testPanicBecomesError},
		{"SwallowedStatementError", testSwallowedStatementError},
		{"LeakedRows", testLeakedRows},
		{"AfterCommit", testAfterCommit},
		{"ContextCanceled", testContextCanceled},
		{"Placeholders", testPlaceholders},
		{"PortableSQL", testPortableSQL},
		{"ConcurrentInserts", testConcurrentInserts},
		{"CloseWaitsForQueued", testCloseWaitsForQueued},
		{"ReopenKeepsData", testReopenKeepsData},
		{"NotifyOnCommit", testNotifyOnCommit},
		{"NotifyAcrossStores", testNotifyAcrossStores},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var schema = []store.Migration{{Version: 1, SQL: `
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE nums (id BIGINT PRIMARY KEY, grp BIGINT NOT NULL DEFAULT 0);
`}}

// openMigrated opens a store with the kv and nums tables.
func openMigrated(t *testing.T, open func(t *testing.T) *store.Store) *store.Store {
	t.Helper()
	s := open(t)
	if err := s.Migrate(context.Background(), "storetest", schema); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

func count(t *testing.T, s *store.Store, query string, args ...any) int64 {
	t.Helper()
	var n int64
	err := s.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

func ids(t *testing.T, s *store.Store) map[int64]bool {
	t.Helper()
	got := map[int64]bool{}
	err := s.View(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), "SELECT id FROM nums")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			got[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("list ids: %v", err)
	}
	return got
}

func insertNum(id int64) func(tx *store.Tx) error {
	return func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), "INSERT INTO nums (id) VALUES (?)", id)
		return err
	}
}

// blockWriters occupies every writer goroutine of s with a function that
// waits, so that Updates issued afterwards queue up. It keeps adding
// blockers until one of them does not start. The returned function
// releases them and waits for them to finish.
func blockWriters(t *testing.T, s *store.Store) (release func()) {
	t.Helper()
	// Warm up: make every writer open its connection, so that a blocker
	// that does not start quickly is really queued.
	var warm sync.WaitGroup
	for range 32 {
		warm.Go(func() {
			if err := s.Update(context.Background(), func(*store.Tx) error { return nil }); err != nil {
				t.Errorf("warm-up: %v", err)
			}
		})
	}
	warm.Wait()
	rel := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		if i > 64 {
			t.Fatal("blockWriters: every blocker started; writers not blocking?")
		}
		started := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(context.Background(), func(tx *store.Tx) error {
				close(started)
				<-rel
				return nil
			})
			if err != nil {
				t.Errorf("blocker: %v", err)
			}
		}()
		select {
		case <-started:
			continue
		case <-time.After(250 * time.Millisecond):
		}
		break
	}
	return func() {
		close(rel)
		wg.Wait()
	}
}

func testMigrateOnceOrdered(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := open(t)
	ms := []store.Migration{
		// Out of order on purpose: 2 needs the table of 1.
		{Version: 2, SQL: "INSERT INTO m_t (id, note) VALUES (1, 'v2; has a semicolon and a ?')"},
		{Version: 1, SQL: "-- the table\nCREATE TABLE m_t (id BIGINT PRIMARY KEY, note TEXT);\n/* trailing ; comment */\n"},
	}
	for range 3 {
		if err := s.Migrate(ctx, "svc", ms); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	if n := count(t, s, "SELECT count(*) FROM m_t"); n != 1 {
		t.Fatalf("m_t has %d rows, want 1", n)
	}
	var note string
	if err := s.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT note FROM m_t WHERE id = ?", 1).Scan(&note)
	}); err != nil || note != "v2; has a semicolon and a ?" {
		t.Fatalf("note = %q, %v", note, err)
	}

	ms = append(ms, store.Migration{Version: 3, SQL: "INSERT INTO m_t (id, note) VALUES (2, 'v3')"})
	if err := s.Migrate(ctx, "svc", ms); err != nil {
		t.Fatalf("Migrate v3: %v", err)
	}
	if n := count(t, s, "SELECT count(*) FROM m_t"); n != 2 {
		t.Fatalf("m_t has %d rows after v3, want 2", n)
	}

	// Another service has its own versions.
	if err := s.Migrate(ctx, "other", []store.Migration{{Version: 1, SQL: "CREATE TABLE other_t (id BIGINT)"}}); err != nil {
		t.Fatalf("Migrate other: %v", err)
	}
	if n := count(t, s, "SELECT count(*) FROM hako_migrations WHERE service = ?", "svc"); n != 3 {
		t.Fatalf("svc has %d recorded migrations, want 3", n)
	}

	// A failing migration is not applied at all, nor recorded.
	bad := append(ms, store.Migration{Version: 4, SQL: "INSERT INTO m_t (id, note) VALUES (3, 'v4'); INSERT INTO no_such_table VALUES (1)"})
	if err := s.Migrate(ctx, "svc", bad); err == nil {
		t.Fatal("Migrate with a bad migration succeeded")
	}
	if n := count(t, s, "SELECT count(*) FROM m_t"); n != 2 {
		t.Fatalf("m_t has %d rows after failed v4, want 2", n)
	}
	if n := count(t, s, "SELECT count(*) FROM hako_migrations WHERE service = ?", "svc"); n != 3 {
		t.Fatalf("svc has %d recorded migrations after failure, want 3", n)
	}

	// Invalid input.
	if err := s.Migrate(ctx, "svc", []store.Migration{{Version: 5, SQL: ""}, {Version: 5, SQL: ""}}); err == nil {
		t.Fatal("duplicate versions accepted")
	}
}

func testMigrateConcurrent(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	stores := []*store.Store{open(t), open(t)} // two handles on one database, as two processes
	ms := []store.Migration{
		{Version: 1, SQL: "CREATE TABLE c_t (id BIGINT PRIMARY KEY)"},
		{Version: 2, SQL: "INSERT INTO c_t (id) VALUES (1)"},
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := stores[i%2].Migrate(ctx, "conc", ms); err != nil {
				t.Errorf("Migrate: %v", err)
			}
		})
	}
	wg.Wait()
	if n := count(t, stores[0], "SELECT count(*) FROM c_t"); n != 1 {
		t.Fatalf("c_t has %d rows, want 1", n)
	}
}

func testUpdateVisibleToView(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	if err := s.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO kv (k, v) VALUES (?, ?)", "a", "1")
		return err
	}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	var v string
	if err := s.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT v FROM kv WHERE k = ?", "a").Scan(&v)
	}); err != nil || v != "1" {
		t.Fatalf("View: v=%q err=%v", v, err)
	}
	// View is read-only.
	if err := s.View(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO kv (k, v) VALUES (?, ?)", "b", "2")
		return err
	}); err == nil {
		t.Fatal("write inside View succeeded")
	}
	// An error from a View fn is returned.
	sentinel := errors.New("view sentinel")
	if err := s.View(ctx, func(tx *store.Tx) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Fatalf("View error = %v, want sentinel", err)
	}
}

func testViewSnapshot(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	if err := s.Update(ctx, insertNum(1)); err != nil {
		t.Fatal(err)
	}
	err := s.View(ctx, func(tx *store.Tx) error {
		var before, after int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM nums").Scan(&before); err != nil {
			return err
		}
		// A write commits while this read transaction is open.
		if err := s.Update(ctx, insertNum(2)); err != nil {
			return fmt.Errorf("Update during View: %w", err)
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM nums").Scan(&after); err != nil {
			return err
		}
		if before != 1 || after != 1 {
			return fmt.Errorf("snapshot counts %d then %d, want 1 and 1", before, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "SELECT count(*) FROM nums"); n != 2 {
		t.Fatalf("count after View = %d, want 2", n)
	}
}

func testErrorRollsBackOnlyItsFn(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	sentinel := errors.New("sentinel")
	const n = 300
	for round := range 2 {
		// Round 0 queues everything behind blocked writers (one big
		// batch per writer); round 1 lets batches form naturally.
		var release func()
		if round == 0 {
			release = blockWriters(t, s)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			id := int64(round*n + i)
			wg.Go(func() {
				errs[i] = s.Update(ctx, func(tx *store.Tx) error {
					if _, err := tx.Exec(ctx, "INSERT INTO nums (id, grp) VALUES (?, ?)", id, round); err != nil {
						return err
					}
					if i%3 == 0 {
						return fmt.Errorf("fn %d: %w", i, sentinel)
					}
					return nil
				})
			})
		}
		if release != nil {
			time.Sleep(100 * time.Millisecond) // let them queue
			release()
		}
		wg.Wait()
		got := ids(t, s)
		for i := range n {
			id := int64(round*n + i)
			if i%3 == 0 {
				if !errors.Is(errs[i], sentinel) {
					t.Errorf("round %d fn %d: err = %v, want sentinel", round, i, errs[i])
				}
				if got[id] {
					t.Errorf("round %d fn %d: failed fn's row committed", round, i)
				}
			} else {
				if errs[i] != nil {
					t.Errorf("round %d fn %d: %v", round, i, errs[i])
				}
				if !got[id] {
					t.Errorf("round %d fn %d: row missing", round, i)
				}
			}
		}
	}
}

func testPanicBecomesError(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	// Alone.
	err := s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", 1); err != nil {
			return err
		}
		panic("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panicking fn: err = %v", err)
	}
	// In a batch.
	release := blockWriters(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", 100+i); err != nil {
					return err
				}
				if i == 7 {
					panic(fmt.Sprintf("boom %d", i))
				}
				return nil
			})
		})
	}
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	got := ids(t, s)
	if got[1] {
		t.Error("row of panicking fn committed")
	}
	for i := range 20 {
		if i == 7 {
			if errs[i] == nil || !strings.Contains(errs[i].Error(), "boom 7") || got[int64(100+i)] {
				t.Errorf("panicking fn in batch: err=%v committed=%v", errs[i], got[int64(100+i)])
			}
			continue
		}
		if errs[i] != nil || !got[int64(100+i)] {
			t.Errorf("fn %d: err=%v committed=%v", i, errs[i], got[int64(100+i)])
		}
	}
	// The store still works.
	if err := s.Update(ctx, insertNum(2)); err != nil {
		t.Fatalf("Update after panic: %v", err)
	}
}

// testSwallowedStatementError: fn ignores a failed statement. SQLite lets
// the transaction continue; PostgreSQL aborts it. Either way the outcome
// reported to that fn must match what is committed, and the other fns of
// the batch must commit.
func testSwallowedStatementError(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	if err := s.Update(ctx, insertNum(1)); err != nil {
		t.Fatal(err)
	}
	swallow := func(id int64) func(tx *store.Tx) error {
		return func(tx *store.Tx) error {
			tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", id)
			tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", 1) // duplicate key, error ignored
			return nil
		}
	}
	check := func(name string, id int64, err error) {
		t.Helper()
		got := ids(t, s)
		if (err == nil) != got[id] {
			t.Errorf("%s: Update returned %v but row committed=%v", name, err, got[id])
		}
	}
	// Alone.
	check("alone", 2, s.Update(ctx, swallow(2)))
	// In a batch, first, middle and last.
	for _, pos := range []int{0, 5, 9} {
		release := blockWriters(t, s)
		base := int64(100 * (pos + 1))
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range 10 {
			fn := insertNum(base + int64(i))
			if i == pos {
				fn = swallow(base + int64(i))
			}
			wg.Go(func() { errs[i] = s.Update(ctx, fn) })
			time.Sleep(2 * time.Millisecond) // keep queue order roughly
		}
		time.Sleep(50 * time.Millisecond)
		release()
		wg.Wait()
		for i := range 10 {
			if i == pos {
				check(fmt.Sprintf("batch pos %d", pos), base+int64(i), errs[i])
			} else if errs[i] != nil {
				t.Errorf("batch pos %d: fn %d failed: %v", pos, i, errs[i])
			}
		}
		got := ids(t, s)
		for i := range 10 {
			if i != pos && !got[base+int64(i)] {
				t.Errorf("batch pos %d: fn %d row missing", pos, i)
			}
		}
	}
}

func testLeakedRows(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	for i := range 10 {
		if err := s.Update(ctx, insertNum(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	leak := func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT id FROM nums")
		if err != nil {
			return err
		}
		rows.Next() // read one row, never close
		return nil
	}
	if err := s.Update(ctx, leak); err != nil {
		t.Fatalf("leaking fn alone: %v", err)
	}
	release := blockWriters(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range 10 {
		fn := insertNum(int64(100 + i))
		if i%2 == 0 {
			fn = leak
		}
		wg.Go(func() { errs[i] = s.Update(ctx, fn) })
	}
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("fn %d: %v", i, err)
		}
	}
	if n := count(t, s, "SELECT count(*) FROM nums"); n != 15 {
		t.Fatalf("count = %d, want 15", n)
	}
	// View with leaked rows.
	if err := s.View(ctx, func(tx *store.Tx) error {
		_, err := tx.Query(ctx, "SELECT id FROM nums")
		return err
	}); err != nil {
		t.Fatalf("View with leaked rows: %v", err)
	}
}

func testAfterCommit(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	var calls atomic.Int64
	err := s.Update(ctx, func(tx *store.Tx) error {
		tx.AfterCommit(func() { calls.Add(1) })
		tx.AfterCommit(func() { calls.Add(10) })
		if calls.Load() != 0 {
			return errors.New("AfterCommit ran before commit")
		}
		return nil
	})
	if err != nil || calls.Load() != 11 {
		t.Fatalf("success: err=%v calls=%d, want 11 before Update returns", err, calls.Load())
	}
	calls.Store(0)
	err = s.Update(ctx, func(tx *store.Tx) error {
		tx.AfterCommit(func() { calls.Add(1) })
		return errors.New("fail")
	})
	if err == nil || calls.Load() != 0 {
		t.Fatalf("failure: err=%v calls=%d, want 0", err, calls.Load())
	}

	// In a batch: only the successful fns' callbacks run, once each.
	release := blockWriters(t, s)
	var wg sync.WaitGroup
	ran := make([]atomic.Int64, 30)
	errs := make([]error, 30)
	for i := range 30 {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx *store.Tx) error {
				tx.AfterCommit(func() { ran[i].Add(1) })
				if i%4 == 1 {
					return errors.New("fail")
				}
				if i%4 == 2 {
					panic("fail")
				}
				return nil
			})
		})
	}
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	for i := range 30 {
		want := int64(1)
		if i%4 == 1 || i%4 == 2 {
			want = 0
		}
		if ran[i].Load() != want || (errs[i] == nil) != (want == 1) {
			t.Errorf("fn %d: err=%v callbacks=%d, want %d", i, errs[i], ran[i].Load(), want)
		}
	}

	// View runs its callbacks too.
	calls.Store(0)
	if err := s.View(ctx, func(tx *store.Tx) error {
		tx.AfterCommit(func() { calls.Add(1) })
		return nil
	}); err != nil || calls.Load() != 1 {
		t.Fatalf("View AfterCommit: err=%v calls=%d", err, calls.Load())
	}
}

func testContextCanceled(t *testing.T, open func(t *testing.T) *store.Store) {
	s := openMigrated(t, open)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := s.Update(ctx, func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled before call: err=%v ran=%v", err, ran)
	}
	if err := s.View(ctx, func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("View cancelled before call: err=%v ran=%v", err, ran)
	}

	// Cancelled while queued behind busy writers.
	release := blockWriters(t, s)
	ctx, cancel = context.WithCancel(context.Background())
	var ranQueued atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx *store.Tx) error {
			ranQueued.Store(true)
			_, err := tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", 1)
			return err
		})
	}()
	other := make(chan error, 1)
	go func() { other <- s.Update(context.Background(), insertNum(2)) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	release()
	if err := <-done; !errors.Is(err, context.Canceled) || ranQueued.Load() {
		t.Fatalf("cancelled while queued: err=%v ran=%v", err, ranQueued.Load())
	}
	if err := <-other; err != nil {
		t.Fatalf("other fn in batch: %v", err)
	}
	if got := ids(t, s); got[1] || !got[2] {
		t.Fatalf("rows: %v, want only 2", got)
	}

	// A context cancelled while fn runs does not break the transaction:
	// the statements ignore the cancellation.
	ctx, cancel = context.WithCancel(context.Background())
	if err := s.Update(ctx, func(tx *store.Tx) error {
		cancel()
		_, err := tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", 3)
		return err
	}); err != nil {
		t.Fatalf("cancel during fn: %v", err)
	}
	if !ids(t, s)[3] {
		t.Fatal("row 3 missing")
	}
}

func testPlaceholders(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	err := s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO kv (k, v) VALUES (?, 'what?')", "a"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO kv (k, v) VALUES (?, 'it''s ?') /* ? */", "b"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO kv (k, v) -- ?\nVALUES (?, ?)", "c", "?")
		return err
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	err = s.View(ctx, func(tx *store.Tx) error {
		var v string
		if err := tx.QueryRow(ctx, "SELECT v FROM kv WHERE v = 'what?' AND k = ?", "a").Scan(&v); err != nil {
			return err
		}
		if v != "what?" {
			return fmt.Errorf("a = %q", v)
		}
		if err := tx.QueryRow(ctx, "SELECT v FROM kv WHERE k = ? AND v <> '?'", "b").Scan(&v); err != nil {
			return err
		}
		if v != "it's ?" {
			return fmt.Errorf("b = %q", v)
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM kv AS "t?" WHERE k IN (?, ?, ?) AND v LIKE '%?%'`, "a", "b", "c").Scan(&n); err != nil {
			return err
		}
		if n != 3 {
			return fmt.Errorf("count = %d, want 3", n)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	q := "SELECT '?', ? FROM t WHERE a = ? -- ?"
	want := q
	if s.Dialect() == store.Postgres {
		want = "SELECT '?', $1 FROM t WHERE a = $2 -- ?"
	}
	for range 2 { // second call hits the cache
		if got := s.Rebind(q); got != want {
			t.Fatalf("Rebind(%q) = %q, want %q", q, got, want)
		}
	}
}

func testPortableSQL(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	if err := s.Migrate(ctx, "portable", []store.Migration{{Version: 1, SQL: `
CREATE TABLE blobs (id BIGINT PRIMARY KEY, b BLOB NOT NULL, f DOUBLE PRECISION NOT NULL, flag BIGINT NOT NULL DEFAULT 0);
CREATE INDEX blobs_flag ON blobs (flag, id)`}}); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	data := []byte{0, 1, 2, 0xff, 'B', 'L', 'O', 'B'}
	upsert := "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING v"
	err := s.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO blobs (id, b, f, flag) VALUES (?, ?, ?, ?)", 1, data, 1.5, 1); err != nil {
			return err
		}
		var v string
		if err := tx.QueryRow(ctx, upsert, "k", "one").Scan(&v); err != nil || v != "one" {
			return fmt.Errorf("upsert 1: %q %v", v, err)
		}
		if err := tx.QueryRow(ctx, upsert, "k", "two").Scan(&v); err != nil || v != "two" {
			return fmt.Errorf("upsert 2: %q %v", v, err)
		}
		res, err := tx.Exec(ctx, "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING", "k", "three")
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 0 {
			return fmt.Errorf("DO NOTHING affected %d rows, %v", n, err)
		}
		if tx.Dialect() != s.Dialect() {
			return errors.New("Tx.Dialect differs from Store.Dialect")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	var b []byte
	var f float64
	var flag int64
	var v string
	if err := s.View(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT b, f, flag FROM blobs WHERE id = ?", 1).Scan(&b, &f, &flag); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT v FROM kv WHERE k = ?", "k").Scan(&v)
	}); err != nil {
		t.Fatalf("View: %v", err)
	}
	if !bytes.Equal(b, data) || f != 1.5 || flag != 1 || v != "two" {
		t.Fatalf("got b=%v f=%v flag=%v v=%q", b, f, flag, v)
	}
}

func testConcurrentInserts(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	const n = 2000
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range n {
		wg.Go(func() {
			if err := s.Update(ctx, insertNum(int64(i))); err != nil {
				failed.Add(1)
				t.Errorf("Update %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	t.Logf("%d concurrent durable inserts in %v (%.0f/s)", n, el, n/el.Seconds())
	if c := count(t, s, "SELECT count(*) FROM nums"); c != n || failed.Load() != 0 {
		t.Fatalf("count = %d (failed %d), want %d", c, failed.Load(), n)
	}
}

func testCloseWaitsForQueued(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	release := blockWriters(t, s)
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.Update(ctx, insertNum(int64(i))) })
	}
	time.Sleep(50 * time.Millisecond) // let them queue
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while writers were busy", err)
	default:
	}
	release()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if err := s.Update(ctx, insertNum(1000)); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Update after Close: %v, want ErrClosed", err)
	}
	if err := s.View(ctx, func(*store.Tx) error { return nil }); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("View after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	s2 := open(t)
	got := ids(t, s2)
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if !got[int64(i)] {
				t.Errorf("acknowledged insert %d missing after reopen", i)
			}
		case errors.Is(err, store.ErrClosed):
			if got[int64(i)] {
				t.Errorf("insert %d rejected with ErrClosed but present", i)
			}
		default:
			t.Errorf("insert %d: %v", i, err)
		}
	}
	if ok != n {
		t.Errorf("%d of %d queued Updates committed, want all", ok, n)
	}
}

func testReopenKeepsData(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	for i := range 10 {
		if err := s.Update(ctx, insertNum(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openMigrated(t, open) // migrations are not re-applied
	if n := count(t, s2, "SELECT count(*) FROM nums"); n != 10 {
		t.Fatalf("after reopen: %d rows, want 10", n)
	}
	if n := count(t, s2, "SELECT count(*) FROM hako_migrations WHERE service = ?", "storetest"); n != 1 {
		t.Fatalf("after reopen: %d migrations recorded, want 1", n)
	}
}
