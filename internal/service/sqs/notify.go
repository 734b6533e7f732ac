package sqs

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/store"
)

// Cross-node notifications.
//
// Several hako nodes may share one PostgreSQL store. Each wakes its own
// waiters and updates its own queue cache directly after a commit (the
// local fast path); other nodes learn of the change through a store
// notification on notifyChannel, sent in the same transaction (so only
// if it commits):
//
//	m:ORIGIN:QUEUEID:N:AT  messages of the queue became visible: N now
//	                       (wake N waiters), the earliest other one at AT
//	                       (Unix ms, 0 for none; schedule a wake-up)
//	q:ORIGIN:QUEUEID       the queue's metadata changed, or the queue was
//	                       created or deleted: reload it from the database
//	""                     (from the store) notifications may have been
//	                       missed: reload every queue, wake every waiter
//
// ORIGIN is the service's random id: a node ignores its own notifications
// (the store delivers them in-process too). With SQLite there is no other
// node, so nothing is sent or subscribed: the hot paths are unchanged.

const notifyChannel = "hako_sqs"

// shared reports whether other nodes may share the store.
func (s *Service) shared() bool { return s.st.Dialect() == store.Postgres }

// notifyMsgs tells other nodes that messages of q become visible: n now,
// the earliest of the others at next (0 for none).
func (s *Service) notifyMsgs(tx *store.Tx, q *queue, n int, next int64) {
	if !s.shared() || (n <= 0 && next <= 0) {
		return
	}
	b := make([]byte, 0, 64)
	b = append(b, "m:"...)
	b = append(b, s.origin...)
	b = append(b, ':')
	b = strconv.AppendInt(b, q.id, 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(max(n, 0)), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, next, 10)
	tx.Notify(notifyChannel, string(b))
}

// notifyQueue tells other nodes to reload queue id.
func (s *Service) notifyQueue(tx *store.Tx, id int64) {
	if !s.shared() {
		return
	}
	tx.Notify(notifyChannel, "q:"+s.origin+":"+strconv.FormatInt(id, 10))
}

// onNotify handles a notification (see above).
func (s *Service) onNotify(payload string) {
	if s.ctx.Err() != nil {
		return
	}
	if payload == "" {
		if err := s.refreshQueues(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Warn("sqs: resync after missed notifications failed", "err", err)
		}
		for _, q := range s.reg.all() {
			q.waiters.broadcast()
		}
		return
	}
	f := strings.Split(payload, ":")
	if len(f) < 3 || f[1] == s.origin {
		return
	}
	id, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return
	}
	switch f[0] {
	case "m":
		if len(f) != 5 {
			return
		}
		n, err1 := strconv.Atoi(f[3])
		next, err2 := strconv.ParseInt(f[4], 10, 64)
		if err1 != nil || err2 != nil {
			return
		}
		s.reg.mu.RLock()
		q := s.reg.byID[id]
		s.reg.mu.RUnlock()
		if q == nil {
			return // not cached here: nobody waits on it
		}
		if n > 0 {
			q.waiters.signal(n)
		}
		if next > 0 && q.waiters.len() > 0 {
			s.sched.at(q, next)
		}
	case "q":
		if err := s.reloadQueue(s.ctx, id); err != nil && s.ctx.Err() == nil {
			s.log.Warn("sqs: reload of a queue changed by another node failed", "queue_id", id, "err", err)
		}
	}
}

// reloadQueue brings the cached queue id in line with the database: it is
// added, updated, or dropped if it no longer exists.
func (s *Service) reloadQueue(ctx context.Context, id int64) error {
	s.reg.mu.RLock()
	q := s.reg.byID[id]
	s.reg.mu.RUnlock()
	if q != nil {
		// Serialized with this node's own metadata writers, so that an
		// older snapshot read here cannot overwrite a newer local change.
		q.metaMu.Lock()
		defer q.metaMu.Unlock()
	}
	var row queueRow
	found := false
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = scanQueue(tx.QueryRow(ctx, "SELECT "+queueCols+" FROM sqs_queues WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case !found && q != nil:
		q.deleted.Store(true)
		s.reg.remove(q)
		q.waiters.broadcast() // remove drops (and wakes) other objects of the id
	case !found:
		// Not in byID, but an entry under its name may remain (cached by
		// a lookup that raced with a put): drop it, or the deleted queue
		// would stay resolvable.
		s.reg.removeID(id)
	case q == nil:
		nq, err := queueFromRow(row)
		if err != nil {
			return err
		}
		s.reg.put(nq)
	default:
		m, err := metaFromRow(row)
		if err != nil {
			return err
		}
		if cur := q.m(); m.modified != cur.modified || m.purgeSeq != cur.purgeSeq || m.purgedAt != cur.purgedAt ||
			!maps.Equal(m.tags, cur.tags) || !maps.Equal(m.attrs.raw, cur.attrs.raw) {
			q.meta.Store(m)
			q.waiters.broadcast() // e.g. a shorter delay or a purge: let them look again
		}
		s.reg.put(q) // its name maps to q again if it mapped to a stale object
	}
	return nil
}
