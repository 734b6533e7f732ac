package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hako-dev/hako/internal/store"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// TestPostgresBatchDeadlock checks that a deadlock between two batched
// transactions (each holding the row locks of its fns until it commits) is
// not reported to a caller whose write alone could never deadlock: the fn
// is re-run alone, and takes effect exactly once.
func TestPostgresBatchDeadlock(t *testing.T) {
	s := openStore(t, store.Options{Spec: storetest.PostgresURL(t)})
	ctx := context.Background()
	if err := s.Migrate(ctx, "deadlock", []store.Migration{{Version: 1, SQL: `
		CREATE TABLE r (id BIGINT PRIMARY KEY, v BIGINT NOT NULL);
		INSERT INTO r (id, v) VALUES (0, 0), (1, 0), (2, 0)`}}); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	const goroutines, perG, rows = 16, 20, 3
	var wg sync.WaitGroup
	var after atomic.Int64
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				id := (g*7 + i) % rows
				err := s.Update(ctx, func(tx *store.Tx) error {
					tx.AfterCommit(func() { after.Add(1) })
					_, err := tx.Exec(ctx, "UPDATE r SET v = v + 1 WHERE id = ?", id)
					return err
				})
				if err != nil {
					t.Errorf("Update (goroutine %d, #%d, row %d): %v", g, i, id, err)
				}
			}
		}()
	}
	wg.Wait()
	var sum int64
	if err := s.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT SUM(v) FROM r").Scan(&sum)
	}); err != nil {
		t.Fatalf("View: %v", err)
	}
	if want := int64(goroutines * perG); sum != want || after.Load() != want {
		t.Errorf("sum = %d, AfterCommit calls = %d, want %d", sum, after.Load(), want)
	}
}
