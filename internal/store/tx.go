package store

import (
	"context"
	"database/sql"
	"hash/fnv"
	"sync"
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
	notes []note // Notify, sent at commit
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
	ctx = t.ctx(ctx)
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.s.Rebind(query), args...)
}

// Query executes a statement that returns rows. Rows not closed by the
// function are closed when it returns.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.ctx(ctx)
	var rows *sql.Rows
	var err error
	if st := t.prepared(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = t.tx.QueryContext(ctx, t.s.Rebind(query), args...)
	}
	if err == nil {
		t.rows = append(t.rows, rows)
	}
	return rows, err
}

// QueryRow executes a statement expected to return at most one row. The
// returned *sql.Row must be scanned (Scan releases it).
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.s.Rebind(query), args...)
}

// LockKey serializes the transactions that touch one logical key (the
// parts, joined) across nodes: a transaction-scoped advisory lock on
// PostgreSQL, where a row that does not exist yet cannot be locked with
// SELECT ... FOR UPDATE. On SQLite write transactions are serialized
// already and it does nothing.
func (t *Tx) LockKey(ctx context.Context, parts ...[]byte) error {
	if t.s.dialect != Postgres {
		return nil
	}
	h := fnv.New64a()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write(p)
	}
	_, err := t.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(h.Sum64()))
	return err
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
		s.mu.RLock()
		closed := s.closed
		s.mu.RUnlock()
		if closed {
			return ErrClosed // Close raced with us
		}
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

// prepared returns query as a statement of this transaction, prepared once
// on the connection and reused (SQLite writer only: parsing is a tenth of a
// small write's cost there; pgx caches prepared statements itself). nil
// means "run it unprepared"; the query is then prepared by the writer
// between two transactions, when the single writer connection is free.
func (t *Tx) prepared(ctx context.Context, query string) *sql.Stmt {
	if t.s.dialect != SQLite || !t.write {
		return nil
	}
	st := t.s.wstmts.get(query)
	if st == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// stmtCacheMax bounds the statements kept; queries are constant strings in
// the code, so this only guards against generated SQL.
const stmtCacheMax = 2048

// stmtCache holds the prepared statements of the SQLite writer connection.
type stmtCache struct {
	m       sync.Map // query -> *sql.Stmt
	mu      sync.Mutex
	pending map[string]bool
	n       int
}

// get returns the prepared statement of query, or nil after noting that
// query should be prepared.
func (c *stmtCache) get(query string) *sql.Stmt {
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt)
	}
	c.mu.Lock()
	if c.n < stmtCacheMax {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[query] = true
	}
	c.mu.Unlock()
	return nil
}

// flush prepares the pending queries on db; it must run while no
// transaction holds the connection.
func (c *stmtCache) flush(db *sql.DB) {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for q := range pending {
		if _, ok := c.m.Load(q); ok {
			continue
		}
		st, err := db.Prepare(q)
		if err != nil {
			continue // the unprepared path reports the error
		}
		c.m.Store(q, st)
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// QueryRow runs one read-only statement on the read pool outside any
// transaction: the statement sees a consistent snapshot of its own. It
// saves a View's BEGIN and COMMIT on hot single-row reads (an S3 GET's
// object row); use View when several reads must agree.
//
// The caller's cancellation is dropped on SQLite: a one-row read ends
// sooner than a cancellation could stop it, and a cancellable context costs
// two goroutines per statement (database/sql's and the driver's watchers),
// each waking an idle processor, which is most of a point read's latency.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.dialect == SQLite {
		ctx = context.WithoutCancel(ctx)
		if st := s.rstmts.get(ctx, s.r, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return s.r.QueryRowContext(ctx, s.Rebind(query), args...)
}

// readStmts caches statements prepared on the SQLite read pool: parsing a
// point read costs about as much as running it. database/sql prepares a
// *sql.Stmt on each pool connection as it is first used there.
type readStmts struct {
	m  sync.Map // query -> *sql.Stmt
	mu sync.Mutex
	n  int
}

func (c *readStmts) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if c.n >= stmtCacheMax {
		return nil
	}
	st, err := db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the unprepared path reports the error
	}
	c.m.Store(query, st)
	c.n++
	return st
}

func (c *readStmts) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}
