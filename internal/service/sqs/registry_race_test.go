package sqs

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

func newRegistryTestService(t *testing.T) (*Service, *clock.Fake) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := New(ctx, Config{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clk
}

// cachedRow reads queue k's row and builds a second, distinct in-memory
// object for it, as CreateQueue does after its commit.
func cachedRow(t *testing.T, s *Service, k queueKey) *queue {
	t.Helper()
	ctx := context.Background()
	var row queueRow
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = scanQueue(tx.QueryRow(ctx, "SELECT "+queueCols+" FROM sqs_queues WHERE account = ? AND region = ? AND name = ?", k.account, k.region, k.name))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	q, err := queueFromRow(row)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// assertGoneThenRecreate checks that queue name is not resolvable (send,
// GetQueueUrl) and that, once the deleted-recently window has passed, it
// can be created again and used.
func assertGoneThenRecreate(t *testing.T, s *Service, clk *clock.Fake, name string, oldID int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.sendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: ptr(name), MessageBody: ptr("x")}); !isKind(err, errQueueDoesNotExist) {
		t.Fatalf("SendMessage to the deleted queue: err = %v, want QueueDoesNotExist", err)
	}
	if _, err := s.lookup(ctx, queueKey{account: "000000000000", region: "us-east-1", name: name}); !isKind(err, errQueueDoesNotExist) {
		t.Fatalf("lookup of the deleted queue: err = %v, want QueueDoesNotExist", err)
	}
	clk.Advance(2 * deletedQueueWindow * time.Millisecond)
	if _, err := s.createQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr(name)}); err != nil {
		t.Fatalf("re-create: %v", err)
	}
	q, err := s.lookup(ctx, queueKey{account: "000000000000", region: "us-east-1", name: name})
	if err != nil {
		t.Fatalf("lookup after re-create: %v", err)
	}
	if q.id == oldID || q.deleted.Load() {
		t.Fatalf("re-created queue resolves to the deleted one (id %d, deleted %v)", q.id, q.deleted.Load())
	}
	if _, err := s.sendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: ptr(name), MessageBody: ptr("x")}); err != nil {
		t.Fatalf("SendMessage to the re-created queue: %v", err)
	}
}

func woken(w *waiter) bool {
	select {
	case <-w.ch:
		return true
	case <-time.After(time.Second):
		return false
	}
}

// TestPutAfterLookupKeepsCachedObject forces the interleaving: CreateQueue
// commits, a concurrent request's lookup caches object q1, then
// CreateQueue puts its own object q2 of the same id; DeleteQueue then
// removes q1. The deleted queue must not stay resolvable.
func TestPutAfterLookupKeepsCachedObject(t *testing.T) {
	s, clk := newRegistryTestService(t)
	ctx := context.Background()
	k := queueKey{account: "000000000000", region: "us-east-1", name: "raced"}
	if _, err := s.createQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr(k.name)}); err != nil {
		t.Fatal(err)
	}
	q1 := s.reg.get(k) // what the racing lookup cached
	if q1 == nil {
		t.Fatal("queue not cached")
	}
	w := q1.waiters.add() // a long poll on q1
	q2 := cachedRow(t, s, k)
	if got := s.reg.put(q2); got != q1 {
		t.Fatalf("put returned %p, want the cached object %p", got, q1)
	}
	if s.reg.get(k) != q1 || s.reg.byID[q1.id] != q1 {
		t.Fatal("put replaced the cached object")
	}
	if err := s.deleteQueue(ctx, &sqsapi.DeleteQueueRequest{QueueUrl: ptr(k.name)}); err != nil {
		t.Fatal(err)
	}
	if !woken(w) {
		t.Fatal("long poll on the deleted queue not woken")
	}
	assertGoneThenRecreate(t, s, clk, k.name, q1.id)
}

// TestRemoveDropsOtherObjectsOfTheID: with byKey and byID holding
// different objects of one queue (the state the old put left), removing
// either drops both and wakes waiters on both.
func TestRemoveDropsOtherObjectsOfTheID(t *testing.T) {
	s, clk := newRegistryTestService(t)
	ctx := context.Background()
	k := queueKey{account: "000000000000", region: "us-east-1", name: "split"}
	if _, err := s.createQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr(k.name)}); err != nil {
		t.Fatal(err)
	}
	q1 := s.reg.get(k)
	q2 := cachedRow(t, s, k)
	s.reg.mu.Lock()
	s.reg.byKey[k] = q2
	s.reg.byARN[q2.arn] = q2
	s.reg.byID[q1.id] = q1
	s.reg.mu.Unlock()
	w1, w2 := q1.waiters.add(), q2.waiters.add()
	// DeleteQueue holding q1 (looked up before the split).
	if err := s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM sqs_queues WHERE id = ?", q1.id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	q1.deleted.Store(true)
	s.reg.remove(q1)
	q1.waiters.broadcast()
	if got := s.reg.get(k); got != nil {
		t.Fatalf("deleted queue still cached under its name (%p)", got)
	}
	if !woken(w1) || !woken(w2) {
		t.Fatal("long polls on the deleted queue not woken")
	}
	if !q2.deleted.Load() {
		t.Fatal("other object of the deleted queue not marked deleted")
	}
	assertGoneThenRecreate(t, s, clk, k.name, q1.id)
}

// TestReloadDropsOrphanedKeyEntry: a byKey entry whose id byID does not
// hold, for a queue gone from the table (e.g. deleted by another node),
// is dropped by reloadQueue and by refreshQueues.
func TestReloadDropsOrphanedKeyEntry(t *testing.T) {
	for _, via := range []string{"reloadQueue", "refreshQueues"} {
		t.Run(via, func(t *testing.T) {
			s, clk := newRegistryTestService(t)
			ctx := context.Background()
			k := queueKey{account: "000000000000", region: "us-east-1", name: "orphan"}
			if _, err := s.createQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr(k.name)}); err != nil {
				t.Fatal(err)
			}
			q := s.reg.get(k)
			stale := cachedRow(t, s, k)
			// Deleted by another node; this node's byKey still holds an
			// object of it that byID does not.
			if err := s.st.Update(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, "DELETE FROM sqs_queues WHERE id = ?", q.id); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, "INSERT INTO sqs_deleted_queues (id, account, region, name, deleted_at) VALUES (?, ?, ?, ?, ?)",
					q.id, k.account, k.region, k.name, s.nowMs())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			s.reg.mu.Lock()
			delete(s.reg.byID, q.id)
			s.reg.byKey[k] = stale
			s.reg.byARN[stale.arn] = stale
			s.reg.mu.Unlock()
			w := stale.waiters.add()
			var err error
			if via == "reloadQueue" {
				err = s.reloadQueue(ctx, q.id)
			} else {
				err = s.refreshQueues(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.reg.get(k); got != nil {
				t.Fatalf("deleted queue still cached under its name (%p)", got)
			}
			if !woken(w) {
				t.Fatal("long poll on the deleted queue not woken")
			}
			assertGoneThenRecreate(t, s, clk, k.name, q.id)
		})
	}
}

// TestPutKeepsNewerQueueOfTheName: a stale row of a deleted queue (read
// before the deletion) does not replace a newer queue of the same name,
// while a newer one replaces an older cached one.
func TestPutKeepsNewerQueueOfTheName(t *testing.T) {
	r := newRegistry()
	mk := func(id, created int64) *queue {
		q := &queue{id: id, key: queueKey{account: "000000000000", region: "us-east-1", name: "n"}, arn: "arn:aws:sqs:::n"}
		q.meta.Store(&queueMeta{created: created, tags: map[string]string{}})
		return q
	}
	older, newer := mk(1, 1000), mk(2, 200000)
	if r.put(newer) != newer {
		t.Fatal("put of a new queue")
	}
	if r.put(older) != nil || r.get(newer.key) != newer {
		t.Fatal("stale row replaced the newer queue")
	}
	r2 := newRegistry()
	older2, newer2 := mk(1, 1000), mk(2, 200000)
	r2.put(older2)
	w := older2.waiters.add()
	if r2.put(newer2) != newer2 || r2.get(newer2.key) != newer2 || r2.byID[1] != nil {
		t.Fatal("newer queue did not replace the older one")
	}
	if !older2.deleted.Load() || !woken(w) {
		t.Fatal("replaced queue not marked deleted and woken")
	}
	if r2.put(mk(1, 1000)) != nil {
		t.Fatal("replaced queue re-added")
	}
}
