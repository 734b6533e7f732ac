package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Migration is one schema change of a service. SQL may hold several
// statements separated by ';' and uses the portable types described in the
// package documentation.
type Migration struct {
	Version int
	SQL     string
}

// Migrate applies, in Version order and once each, the migrations of
// service that are not yet recorded in the table hako_migrations(service,
// version). All pending migrations of the call are applied in one
// transaction: on error none of them is applied. Concurrent calls from
// several processes are safe (SQLite: the immediate write transaction;
// PostgreSQL: a transaction-scoped advisory lock).
func (s *Store) Migrate(ctx context.Context, service string, ms []Migration) error {
	if service == "" {
		return fmt.Errorf("store: migrate: empty service name")
	}
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range sorted {
		if m.Version <= 0 {
			return fmt.Errorf("store: migrate %s: version %d must be positive", service, m.Version)
		}
		if i > 0 && sorted[i-1].Version == m.Version {
			return fmt.Errorf("store: migrate %s: duplicate version %d", service, m.Version)
		}
	}
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}

	// SQLite: BEGIN IMMEDIATE (the writer DSN's _txlock) takes the write
	// lock up front, so the check and the apply cannot interleave with
	// another process.
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate %s: begin: %w", service, err)
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx,
			"SELECT pg_advisory_xact_lock(hashtext('hako_migrations:' || coalesce(current_schema(), '')))"); err != nil {
			return fmt.Errorf("store: migrate %s: lock: %w", service, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS hako_migrations (
	service    TEXT   NOT NULL,
	version    BIGINT NOT NULL,
	applied_at BIGINT NOT NULL,
	PRIMARY KEY (service, version)
)`); err != nil {
		return fmt.Errorf("store: migrate %s: create hako_migrations: %w", service, err)
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, s.Rebind("SELECT version FROM hako_migrations WHERE service = ?"), service)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", service, err)
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("store: migrate %s: %w", service, err)
		}
		applied[int(v)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: migrate %s: %w", service, err)
	}

	var done []int
	for _, m := range sorted {
		if applied[m.Version] {
			continue
		}
		for _, st := range splitStatements(m.SQL) {
			if _, err := tx.ExecContext(ctx, rewriteDDL(s.dialect, st)); err != nil {
				return fmt.Errorf("store: migrate %s to version %d: %w\nstatement: %s", service, m.Version, err, st)
			}
		}
		if _, err := tx.ExecContext(ctx,
			s.Rebind("INSERT INTO hako_migrations (service, version, applied_at) VALUES (?, ?, ?)"),
			service, int64(m.Version), time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("store: migrate %s: record version %d: %w", service, m.Version, err)
		}
		done = append(done, m.Version)
	}
	if len(done) == 0 {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate %s: commit: %w", service, err)
	}
	s.log.Info("store: migrations applied", "service", service, "versions", done)
	return nil
}
