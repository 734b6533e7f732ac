package store

import (
	"context"
	"database/sql"
)

// Tx is the transaction handed to the functions given to Update and View.
// Queries use ? placeholders (see the package documentation). A Tx is valid
// only until the function it was given to returns, and is not safe for
// concurrent use.
type Tx struct {
	s     *Store
	tx    *sql.Tx
	write bool
	rows  []*sql.Rows
	after []func()
}

// ctx returns the context for a statement: inside Update the caller's
// cancellation is dropped, because the transaction is shared with other
// callers and a cancelled statement can break the connection.
func (t *Tx) ctx(ctx context.Context) context.Context {
	if t.write {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Exec executes a statement that returns no rows.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx(ctx), t.s.Rebind(query), args...)
}

// Query executes a statement that returns rows. Rows not closed by the
// function are closed when it returns.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(t.ctx(ctx), t.s.Rebind(query), args...)
	if err == nil {
		t.rows = append(t.rows, rows)
	}
	return rows, err
}

// QueryRow executes a statement expected to return at most one row. The
// returned *sql.Row must be scanned (Scan releases it).
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx(ctx), t.s.Rebind(query), args...)
}

// Dialect reports which database the transaction runs on.
func (t *Tx) Dialect() Dialect { return t.s.dialect }

// AfterCommit registers f to run once the transaction containing this
// function has committed. It does not run if the function fails (its
// savepoint is rolled back) or if the commit fails. For Update, f runs on
// the caller's goroutine just before Update returns nil; for View, just
// before View returns nil. Typical use: waking long-polling receivers.
func (t *Tx) AfterCommit(f func()) {
	t.after = append(t.after, f)
}

func (t *Tx) closeRows() {
	for _, r := range t.rows {
		r.Close()
	}
	t.rows = nil
}

// View runs fn in a read-only transaction that sees a consistent snapshot
// of the committed data. Views run concurrently with each other and with
// the writers. If fn panics, the transaction is rolled back and the panic
// continues. Tx.Exec inside View fails for writes (SQLite: query_only;
// PostgreSQL: READ ONLY transaction).
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	t := &Tx{s: s, tx: tx}
	committed := false
	defer func() {
		if !committed {
			t.closeRows()
			tx.Rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	t.closeRows()
	committed = true
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, f := range t.after {
		f()
	}
	return nil
}
