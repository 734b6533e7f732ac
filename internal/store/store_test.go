package store_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/store"
	"github.com/hako-dev/hako/internal/store/storetest"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// perTest remembers one value per test, so that repeated opens in one test
// reach the same database.
func perTest[T any](mk func(t *testing.T) T) func(t *testing.T) T {
	var mu sync.Mutex
	m := map[*testing.T]T{}
	return func(t *testing.T) T {
		mu.Lock()
		defer mu.Unlock()
		v, ok := m[t]
		if !ok {
			v = mk(t)
			m[t] = v
		}
		return v
	}
}

func openStore(t *testing.T, o store.Options) *store.Store {
	t.Helper()
	o.Logger = testLogger(t)
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestSQLite(t *testing.T) {
	dir := perTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T) *store.Store {
		s := openStore(t, store.Options{Spec: "sqlite", DataDir: dir(t)})
		if s.Dialect() != store.SQLite {
			t.Fatalf("dialect %v", s.Dialect())
		}
		return s
	})
}

func TestSQLiteFsync(t *testing.T) {
	dir := perTest(func(t *testing.T) string { return t.TempDir() })
	storetest.Run(t, func(t *testing.T) *store.Store {
		return openStore(t, store.Options{DataDir: dir(t), Fsync: true})
	})
}

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t) // skip (or fail in CI) early if unavailable
	url := perTest(func(t *testing.T) string { return storetest.PostgresURL(t) })
	storetest.Run(t, func(t *testing.T) *store.Store {
		s := openStore(t, store.Options{Spec: url(t)})
		if s.Dialect() != store.Postgres {
			t.Fatalf("dialect %v", s.Dialect())
		}
		return s
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, store.Options{Spec: "mysql://x"}); err == nil {
		t.Error("unsupported spec accepted")
	}
	if _, err := store.Open(ctx, store.Options{Spec: "sqlite"}); err == nil {
		t.Error("SQLite without DataDir accepted")
	}
	// A data dir with characters special in URIs.
	dir := t.TempDir() + "/we?ird #dir%20"
	s, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("Open %q: %v", dir, err)
	}
	defer s.Close()
	if _, err := os.Stat(dir + "/hako.db"); err != nil {
		t.Fatalf("database file not at expected path: %v", err)
	}
}

const crashEnv = "HAKO_STORE_CRASH_CHILD_DIR"

// TestCrashSafety kills a writer process with SIGKILL in the middle of a
// stream of Updates and checks that every acknowledged Update survived.
func TestCrashSafety(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir, os.Getenv("HAKO_STORE_CRASH_FSYNC") == "1")
		return
	}
	if testing.Short() {
		t.Skip("short")
	}
	for _, fsync := range []bool{false, true} {
		t.Run(fmt.Sprintf("fsync=%v", fsync), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashEnv+"="+dir, fmt.Sprintf("HAKO_STORE_CRASH_FSYNC=%d", map[bool]int{false: 0, true: 1}[fsync]))
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := map[int64]bool{}
			sc := bufio.NewScanner(out)
			killed := false
			deadline := time.Now().Add(60 * time.Second)
			for sc.Scan() {
				line := sc.Text()
				id, err := strconv.ParseInt(line, 10, 64)
				if err != nil {
					continue // test framework output
				}
				acked[id] = true
				if !killed && (len(acked) >= 3000 || time.Now().After(deadline)) {
					cmd.Process.Kill() // SIGKILL
					killed = true
				}
			}
			// Everything printed before the kill has been read: the pipe
			// hits EOF only once the child is gone.
			io.Copy(io.Discard, out)
			cmd.Wait()
			if !killed {
				t.Fatalf("child exited before being killed (%d acks)", len(acked))
			}
			s := openStore(t, store.Options{DataDir: dir})
			present := map[int64]bool{}
			err = s.View(context.Background(), func(tx *store.Tx) error {
				rows, err := tx.Query(context.Background(), "SELECT id FROM crash")
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						return err
					}
					present[id] = true
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			missing := 0
			for id := range acked {
				if !present[id] {
					missing++
				}
			}
			t.Logf("acknowledged %d, present %d, missing %d", len(acked), len(present), missing)
			if missing > 0 {
				t.Fatalf("%d acknowledged Updates lost", missing)
			}
		})
	}
}

// crashChild writes forever from many goroutines, printing the id of each
// acknowledged Update, until it is killed.
func crashChild(dir string, fsync bool) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: dir, Fsync: fsync})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	if err := s.Migrate(ctx, "crash", []store.Migration{{Version: 1, SQL: "CREATE TABLE crash (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)"}}); err != nil {
		fmt.Fprintln(os.Stderr, "child migrate:", err)
		os.Exit(2)
	}
	var next atomic.Int64
	var mu sync.Mutex
	payload := strings.Repeat("x", 200)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for {
				id := next.Add(1)
				err := s.Update(ctx, func(tx *store.Tx) error {
					_, err := tx.Exec(ctx, "INSERT INTO crash (id, payload) VALUES (?, ?)", id, payload)
					return err
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child update:", err)
					os.Exit(2)
				}
				mu.Lock()
				os.Stdout.WriteString(strconv.FormatInt(id, 10) + "\n")
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func benchStores(b *testing.B) map[string]func(b *testing.B) *store.Store {
	return map[string]func(b *testing.B) *store.Store{
		"sqlite": func(b *testing.B) *store.Store {
			s, err := store.Open(context.Background(), store.Options{DataDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(b *testing.B) *store.Store {
			s, err := store.Open(context.Background(), store.Options{Spec: storetest.PostgresURL(b)})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// BenchmarkUpdateParallel measures durable single-row inserts from many
// goroutines (group commit).
func BenchmarkUpdateParallel(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := benchStores(b)[name](b)
			ctx := context.Background()
			if err := s.Migrate(ctx, "bench", []store.Migration{{Version: 1, SQL: "CREATE TABLE bench (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"}}); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			body := strings.Repeat("m", 256)
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := next.Add(1)
					if err := s.Update(ctx, func(tx *store.Tx) error {
						_, err := tx.Exec(ctx, "INSERT INTO bench (id, body) VALUES (?, ?)", id, body)
						return err
					}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
