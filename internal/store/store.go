// Package store is the SQL store shared by every hako service.
//
// A Store is backed either by SQLite (the pure-Go modernc.org/sqlite driver,
// so hako builds with CGO_ENABLED=0) or by PostgreSQL (pgx through
// database/sql). Services write one schema and one set of queries for both;
// the few dialect differences are handled here.
//
// # Writes: group commit
//
// Update runs a function in a write transaction and returns once that
// transaction has committed. Concurrent Update calls are batched by writer
// goroutines into a single database transaction (one fsync / one round trip
// for COMMIT for the whole batch); each function runs under its own SAVEPOINT,
// so a function that fails (returns an error or panics) is rolled back alone
// while the rest of the batch commits. SQLite has one writer goroutine (SQLite
// has a single writer anyway); PostgreSQL has a few, each batching. On SQLite
// an Update that finds the writer idle and nothing queued runs its
// transaction itself, on the caller's goroutine, as a batch of one: a lone
// write saves the two goroutine hand-offs of the queue.
//
// Functions passed to Update run on a writer goroutine (or, as above, the
// caller's, never beside another write transaction): they must be short,
// must not block on anything but their own statements, must not call Update
// or View, and must not use the Tx after returning. Statements executed
// through an Update Tx ignore the cancellation and deadline of the context
// they are given (the transaction is shared with other callers, and a
// cancelled statement could poison it); use the context given to Update to
// decide whether to start. Rows returned by Tx.Query that fn forgets to close
// are closed when fn returns; a *sql.Row from QueryRow must be scanned.
//
// Tx.Notify and Subscribe carry small cross-node notifications, delivered
// only if the transaction commits (PostgreSQL NOTIFY/LISTEN; in-process
// for SQLite); see notify.go.
//
// Reads go through View, which runs concurrently with the writers in a
// read-only snapshot (SQLite: a separate pool of query_only connections, made
// concurrent with the writer by WAL; PostgreSQL: REPEATABLE READ READ ONLY).
//
// # Durability
//
// SQLite runs in WAL mode. By default synchronous=NORMAL: a committed Update
// survives a crash of the process but possibly not a power loss. With
// Options.Fsync, synchronous=FULL makes every commit power-loss safe.
// PostgreSQL is always durable (synchronous_commit as configured on the
// server).
//
// # SQL conventions
//
//   - Queries use ? placeholders. For PostgreSQL the store rewrites them to
//     $1..$n (a ? inside a single-quoted string literal, a double-quoted
//     identifier or a comment is left alone); rewrites are cached per query
//     string. Rebind exposes the rewrite.
//   - Migrations use portable types: BIGINT (also for booleans, as 0/1, and
//     for timestamps, as Unix milliseconds or similar), TEXT, BLOB (rewritten
//     to BYTEA for PostgreSQL when migrating) and DOUBLE PRECISION. Avoid BOOLEAN,
//     AUTOINCREMENT/SERIAL and other dialect-specific DDL.
//   - INSERT ... ON CONFLICT (...) DO UPDATE / DO NOTHING and RETURNING work
//     on both.
//   - A migration's SQL may hold several statements separated by ';'
//     (semicolons inside quotes and comments are fine; SQLite trigger bodies
//     are not supported).
//   - Write transactions run at READ COMMITTED on PostgreSQL; SQLite writes
//     are serialized. Code that must not lose updates under PostgreSQL should
//     use single-statement conditional updates (UPDATE ... WHERE state = ?)
//     or SELECT ... FOR UPDATE (PostgreSQL only, check Tx.Dialect).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect identifies the SQL database behind a Store.
type Dialect int

const (
	// SQLite is the embedded, single-file database.
	SQLite Dialect = iota
	// Postgres is PostgreSQL.
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// ErrClosed is returned by Update and View once Close has been called.
var ErrClosed = errors.New("store: closed")

// Options configures Open.
type Options struct {
	// Spec selects the database: "sqlite" or "" for the SQLite file
	// <DataDir>/hako.db; a "postgres://" or "postgresql://" URL for
	// PostgreSQL. Runtime parameters in the URL (for example
	// ?search_path=myschema) are applied to every connection.
	Spec string
	// DataDir is the directory of the SQLite file; it is created if missing.
	DataDir string
	// Fsync makes SQLite commits power-loss safe (synchronous=FULL). The
	// default, synchronous=NORMAL in WAL mode, is process-crash safe.
	// PostgreSQL is always durable.
	Fsync bool
	// Logger receives the store's logs; nil discards them.
	Logger *slog.Logger
}

const (
	sqliteFile      = "hako.db"
	sqliteMaxBatch  = 256
	pgMaxBatch      = 64 // PostgreSQL caches 64 subtransaction ids per transaction; more overflow to pg_subtrans
	queueLen        = 1024
	pgWriters       = 4
	pgReaders       = 16
	maxRebindCached = 4096
)

// Store is a handle on the database shared by the services. It is safe for
// concurrent use.
type Store struct {
	dialect Dialect
	log     *slog.Logger
	w       *sql.DB // writer(s): SQLite single connection, PostgreSQL pool
	r       *sql.DB // readers: SQLite query_only pool; PostgreSQL same as w

	queue    chan *request
	maxBatch int // Update functions per transaction
	writers  sync.WaitGroup
	// wmu (SQLite) is held by whoever runs a write transaction: the writer
	// goroutine, or an Update that found it idle and runs its own
	// (direct counts those).
	wmu    sync.Mutex
	direct sync.WaitGroup

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool

	closeOnce sync.Once
	closeErr  error

	rebindCache sync.Map // query string -> rewritten query (Postgres)
	rebindCount atomic.Int64

	// Prepared statements of the SQLite writer (pgx caches statements by
	// itself).
	wstmts stmtCache
	// rstmts holds QueryRow's statements prepared on the SQLite read pool.
	rstmts readStmts

	// Notifications (notify.go).
	hub        hub
	nodeID     string // random; prefixes the payloads this Store sends
	spec       string // PostgreSQL URL, for the listener connection
	pgScope    string // schema scoping the PostgreSQL channels; "" for public
	listenOnce sync.Once
	listen     *listener
}

// Open opens (creating if needed) the database described by o and starts
// the writer goroutines.
func Open(ctx context.Context, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: log, queue: make(chan *request, queueLen), nodeID: newNodeID()}
	var nWriters int
	switch {
	case o.Spec == "" || o.Spec == "sqlite":
		if err := s.openSQLite(ctx, o); err != nil {
			return nil, err
		}
		nWriters = 1
		s.maxBatch = sqliteMaxBatch
	case strings.HasPrefix(o.Spec, "postgres://") || strings.HasPrefix(o.Spec, "postgresql://"):
		if err := s.openPostgres(ctx, o); err != nil {
			return nil, err
		}
		nWriters = pgWriters
		s.maxBatch = pgMaxBatch
	default:
		return nil, fmt.Errorf("store: unsupported spec %q (want \"sqlite\" or a postgres:// URL)", o.Spec)
	}
	s.writers.Add(nWriters)
	for range nWriters {
		go s.writer()
	}
	return s, nil
}

func (s *Store) openSQLite(ctx context.Context, o Options) error {
	s.dialect = SQLite
	if o.DataDir == "" {
		return errors.New("store: Options.DataDir is required for SQLite")
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return fmt.Errorf("store: create data dir: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(o.DataDir, sqliteFile))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	// The name is passed to SQLite as a URI filename, so escape characters
	// such as '?', '#' and '%'.
	name := "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()
	syncMode := "NORMAL"
	if o.Fsync {
		syncMode = "FULL"
	}
	common := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(0)&_pragma=temp_store(MEMORY)"
	wdsn := name + "?" + common +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(" + syncMode + ")" +
		"&_pragma=cache_size(-16384)&_pragma=journal_size_limit(67108864)&_txlock=immediate"
	rdsn := name + "?" + common + "&_pragma=cache_size(-4096)&_pragma=query_only(1)"

	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Connect the writer first: it switches the file to WAL, which the
	// readers then inherit.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		w.Close()
		return fmt.Errorf("store: open sqlite %s: journal_mode is %q, want wal", path, mode)
	}
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		w.Close()
		return fmt.Errorf("store: open sqlite: %w", err)
	}
	n := min(max(4, runtime.GOMAXPROCS(0)), 16)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	s.w, s.r = w, r
	s.log.Info("store opened", "dialect", "sqlite", "path", path, "synchronous", syncMode)
	return nil
}

func (s *Store) openPostgres(ctx context.Context, o Options) error {
	s.dialect = Postgres
	db, err := sql.Open("pgx", o.Spec)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	n := pgWriters + pgReaders
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("store: open postgres %s: %w", redact(o.Spec), err)
	}
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		db.Close()
		return fmt.Errorf("store: open postgres %s: %w", redact(o.Spec), err)
	}
	if schema.Valid && schema.String != "public" {
		s.pgScope = schema.String
	}
	s.spec = o.Spec
	s.w, s.r = db, db
	s.log.Info("store opened", "dialect", "postgres", "url", redact(o.Spec))
	return nil
}

// redact hides the password of a URL for logs and errors.
func redact(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		return "<invalid url>"
	}
	return u.Redacted()
}

// Dialect reports which database backs the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close stops accepting work, waits for the writers to finish every Update
// already queued, and closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.queue)
		s.mu.Unlock()
		s.stopListener()
		s.writers.Wait()
		s.direct.Wait()
		s.wstmts.close()
		s.rstmts.close()
		err := s.w.Close()
		if s.r != s.w {
			err = errors.Join(err, s.r.Close())
		}
		s.closeErr = err
		s.log.Info("store closed", "dialect", s.dialect.String())
	})
	return s.closeErr
}
