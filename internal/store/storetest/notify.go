package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/store"
)

// recorder collects the payloads a subscriber receives.
type recorder struct {
	mu  sync.Mutex
	got []string
	ch  chan struct{} // signalled on each payload
}

func newRecorder() *recorder { return &recorder{ch: make(chan struct{}, 1)} }

func (r *recorder) fn(p string) {
	r.mu.Lock()
	r.got = append(r.got, p)
	r.mu.Unlock()
	select {
	case r.ch <- struct{}{}:
	default:
	}
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.got = nil
	r.mu.Unlock()
}

// waitFor waits until pred holds of the received payloads.
func (r *recorder) waitFor(t *testing.T, d time.Duration, what string, pred func([]string) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		if pred(r.list()) {
			return
		}
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; got %q", what, r.list())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func contains(ps []string, p string) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func countOf(ps []string, p string) int {
	n := 0
	for _, x := range ps {
		if x == p {
			n++
		}
	}
	return n
}

func notify(ch, p string, fail bool) func(tx *store.Tx) error {
	return func(tx *store.Tx) error {
		tx.Notify(ch, p)
		if fail {
			return errors.New("fail")
		}
		return nil
	}
}

// echoWait is how long tests wait for deliveries that must not happen (a
// PostgreSQL echo of a local notification, a notification of another
// node on SQLite).
const echoWait = 300 * time.Millisecond

func testNotifyOnCommit(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	s := openMigrated(t, open)
	rec := newRecorder()
	cancel := s.Subscribe("storetest_n", rec.fn)
	other := newRecorder()
	defer s.Subscribe("storetest_other", other.fn)()

	// Committed: delivered before Update returns, exactly once.
	if err := s.Update(ctx, notify("storetest_n", "one", false)); err != nil {
		t.Fatal(err)
	}
	if got := rec.list(); len(got) != 1 || got[0] != "one" {
		t.Fatalf("after commit: got %q, want [one] before Update returns", got)
	}
	// Rolled back: not delivered.
	if err := s.Update(ctx, notify("storetest_n", "rolled-back", true)); err == nil {
		t.Fatal("failing fn succeeded")
	}
	// Invalid use fails the fn only.
	if err := s.Update(ctx, notify("Bad-Channel", "x", false)); err == nil {
		t.Fatal("invalid channel accepted")
	}

	// In a batch: only the fns that commit notify; with savepoints rolled
	// back around the others.
	release := blockWriters(t, s)
	var wg sync.WaitGroup
	const n = 40
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx *store.Tx) error {
				tx.Notify("storetest_n", fmt.Sprint("b", i))
				if _, err := tx.Exec(ctx, "INSERT INTO nums (id) VALUES (?)", i); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return errors.New("fail")
				case 2:
					panic("fail")
				}
				return nil
			})
		})
	}
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	time.Sleep(echoWait) // a PostgreSQL echo would arrive now
	got := rec.list()
	for i := range n {
		p := fmt.Sprint("b", i)
		want := 1
		if i%4 == 1 || i%4 == 2 {
			want = 0
		}
		if (errs[i] == nil) != (want == 1) {
			t.Errorf("fn %d: err = %v", i, errs[i])
		}
		if c := countOf(got, p); c != want {
			t.Errorf("payload %s delivered %d times, want %d", p, c, want)
		}
	}
	if c := countOf(got, "one"); c != 1 {
		t.Errorf("payload one delivered %d times in all, want 1 (no echo)", c)
	}
	if contains(got, "rolled-back") || contains(got, "") {
		t.Errorf("unexpected payloads: %q", got)
	}
	if o := other.list(); len(o) != 0 {
		t.Errorf("other channel got %q", o)
	}

	// After cancel, nothing more.
	cancel()
	cancel()
	rec.reset()
	if err := s.Update(ctx, notify("storetest_n", "late", false)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(echoWait)
	if got := rec.list(); len(got) != 0 {
		t.Fatalf("after cancel: got %q", got)
	}
}

func testNotifyAcrossStores(t *testing.T, open func(t *testing.T) *store.Store) {
	ctx := context.Background()
	a := openMigrated(t, open)
	b := open(t) // a second node on the same database
	recA, recB := newRecorder(), newRecorder()
	defer a.Subscribe("storetest_x", recA.fn)()
	defer b.Subscribe("storetest_x", recB.fn)()

	if err := a.Update(ctx, notify("storetest_x", "from-a", false)); err != nil {
		t.Fatal(err)
	}
	if err := a.Update(ctx, notify("storetest_x", "a-rolled-back", true)); err == nil {
		t.Fatal("failing fn succeeded")
	}
	if err := b.Update(ctx, notify("storetest_x", "from-b", false)); err != nil {
		t.Fatal(err)
	}
	if a.Dialect() != store.Postgres {
		// SQLite: notifications stay in their process' Store.
		time.Sleep(echoWait)
		if got := recA.list(); len(got) != 1 || got[0] != "from-a" {
			t.Errorf("store a got %q, want [from-a]", got)
		}
		if got := recB.list(); len(got) != 1 || got[0] != "from-b" {
			t.Errorf("store b got %q, want [from-b]", got)
		}
		return
	}
	both := func(ps []string) bool { return contains(ps, "from-a") && contains(ps, "from-b") }
	recA.waitFor(t, 5*time.Second, "both notifications on a", both)
	recB.waitFor(t, 5*time.Second, "both notifications on b", both)
	time.Sleep(echoWait)
	for name, r := range map[string]*recorder{"a": recA, "b": recB} {
		if got := r.list(); len(got) != 2 {
			t.Errorf("store %s got %q, want from-a and from-b once each", name, got)
		}
	}

	// Batched commits send their notifications together.
	recB.reset()
	release := blockWriters(t, a)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := a.Update(ctx, notify("storetest_x", fmt.Sprint("burst", i), i%5 == 0)); (err == nil) != (i%5 != 0) {
				t.Errorf("burst %d: %v", i, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	recB.waitFor(t, 5*time.Second, "the burst on b", func(ps []string) bool {
		for i := range 20 {
			if i%5 != 0 && !contains(ps, fmt.Sprint("burst", i)) {
				return false
			}
		}
		return true
	})
	time.Sleep(echoWait)
	if got := recB.list(); len(got) != 16 {
		t.Errorf("burst: b got %q, want the 16 committed payloads once each", got)
	}

	// The listener of b loses its connection: once reconnected, b's
	// subscribers are told to resynchronize, and notifications flow again.
	var schema string
	if err := b.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT current_schema()").Scan(&schema)
	}); err != nil {
		t.Fatal(err)
	}
	recB.reset()
	var killed int64
	if err := a.Update(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN %' AND query LIKE ?`, "%"+schema+"%").Scan(&killed)
	}); err != nil {
		t.Fatal(err)
	}
	if killed != 2 { // the listeners of a and b
		t.Fatalf("terminated %d listener backends, want 2", killed)
	}
	recB.waitFor(t, 10*time.Second, "resync payload after reconnect", func(ps []string) bool { return contains(ps, "") })
	if err := a.Update(ctx, notify("storetest_x", "after-reconnect", false)); err != nil {
		t.Fatal(err)
	}
	recB.waitFor(t, 5*time.Second, "notification after reconnect", func(ps []string) bool { return contains(ps, "after-reconnect") })
}
