package dynamodb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/hako-dev/hako/internal/store"
)

// A table's definition (indexes, stream, time to live) changes while items
// are written. Every item write takes the definition it applies from its
// own transaction, not from the cache: it reads ddb_tables.gen, with a
// shared lock on the row on PostgreSQL (one round trip: SELECT ... FOR
// SHARE, which waits for a change in progress and then reads what it
// committed; FOR UPDATE for a table with a stream, whose writes update the
// row's record counter anyway), and reads the stored definition when gen differs from the
// cached one's. Every change of the definition locks the row exclusively
// before it reads any item (an index backfill, the TTL column) and saves
// only over the generation it started from. So on PostgreSQL a write
// either commits before the change reads the items or sees the new
// definition, and two changes cannot overwrite each other; on SQLite write
// transactions are serialized and the generation check alone does it.

// tableChanged is saveTable's conflict: the table's definition changed
// since the copy being saved was taken.
type tableChanged struct{ account, region, name string }

func (e *tableChanged) Error() string {
	return "dynamodb: the definition of table " + e.name + " changed concurrently"
}

// lockTable locks t's definition against item writes and other changes
// until tx ends (PostgreSQL; a deleted table has nothing to lock). On
// SQLite it makes writes read the stored generation until the change is
// saved.
func (s *Service) lockTable(ctx context.Context, tx *store.Tx, t *tableMeta) error {
	if tx.Dialect() != store.Postgres {
		s.gens.Delete(t.ID)
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT gen FROM ddb_tables WHERE id = ? FOR UPDATE", t.ID)
	if err != nil {
		return err
	}
	return rows.Close()
}

// saved records, on SQLite, the generation of a definition saved in the
// writer's transaction.
func (s *Service) saved(tx *store.Tx, t *tableMeta) {
	if tx.Dialect() != store.Postgres {
		s.gens.Store(t.ID, t.Gen)
	}
}

// current returns t's definition as committed, read in tx, holding the
// table row in shared mode on PostgreSQL; ResourceNotFoundException if the
// table was deleted. On SQLite, where every write transaction runs on the
// store's writer one after the other, s.gens holds the generation of each
// table's last saved definition (saved, dropped by lockTable while a
// change runs): when t is that generation, the row need not be read.
func (s *Service) current(ctx context.Context, tx *store.Tx, t *tableMeta) (*tableMeta, error) {
	q := "SELECT gen FROM ddb_tables WHERE id = ?"
	if tx.Dialect() == store.Postgres {
		if t.stream() != nil {
			// The stream record's number is taken by an UPDATE of this
			// row (appendRecord): lock it for that now, as two writers
			// upgrading their share locks would deadlock.
			q += " FOR UPDATE"
		} else {
			q += " FOR SHARE"
		}
	} else if g, ok := s.gens.Load(t.ID); ok && g.(int64) == t.Gen {
		return t, nil
	}
	var gen int64
	err := tx.QueryRow(ctx, q, t.ID).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errResourceNotFound()
	}
	if err != nil || gen == t.Gen {
		return t, err
	}
	var meta string
	if err := tx.QueryRow(ctx, "SELECT meta FROM ddb_tables WHERE id = ?", t.ID).Scan(&meta); err != nil {
		return nil, err
	}
	nt := &tableMeta{Gen: gen}
	if err := json.Unmarshal([]byte(meta), nt); err != nil {
		return nil, err
	}
	return nt, nil
}

// retryTableChange runs op, an operation that saves a changed copy of a
// table's definition, until it does not conflict with a concurrent change
// (each conflict reloads the cached definition first).
func retryTableChange[T any](ctx context.Context, s *Service, op func() (T, error)) (T, error) {
	for i := 0; ; i++ {
		out, err := op()
		var tc *tableChanged
		if !errors.As(err, &tc) || i == 100 {
			return out, err
		}
		s.reloadTable(ctx, tc.account, tc.region, tc.name)
	}
}
