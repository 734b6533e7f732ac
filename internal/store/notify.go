package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cross-node notifications.
//
// Tx.Notify queues a notification that is delivered only if the
// transaction commits (and only if the calling function's savepoint was
// not rolled back). Store.Subscribe registers a callback for a channel.
//
// Every notification is delivered in-process to this Store's subscribers
// right after the commit, on the goroutine of the Update call (before
// Update returns). With PostgreSQL the notifications of a transaction are
// also sent with pg_notify, in one statement just before COMMIT
// (PostgreSQL delivers them to listeners only if the transaction commits);
// each Store keeps one dedicated connection LISTENing on the channels that
// have subscribers, and delivers what other Stores (other nodes) sent on
// a goroutine of its own. Payloads carry a random per-Store node id, so a
// Store skips the echoes of its own notifications. The channels are
// scoped by the store's schema (current_schema()), so stores on different
// schemas of one database do not hear each other.
//
// After the listening connection was lost and re-established, every
// subscriber is called with the empty payload "": notifications may have
// been missed, the subscriber should resynchronize.

// MaxNotifyPayload is the largest payload Tx.Notify accepts, in bytes.
const MaxNotifyPayload = 7900

const (
	nodeIDLen          = 16 // hex characters
	listenMinBackoff   = 100 * time.Millisecond
	listenMaxBackoff   = 5 * time.Second
	listenPingInterval = 30 * time.Second
	listenWaitActive   = 5 * time.Second
)

// note is one pending notification of a transaction.
type note struct{ channel, payload string }

// Notify sends payload on channel to the subscribers of every Store on
// the database (this one included) once the transaction commits; nothing
// is sent if the function's changes are rolled back. channel must be a
// lowercase identifier ([a-z_][a-z0-9_]*, at most 40 bytes) and payload at
// most MaxNotifyPayload bytes without NUL characters; Notify panics
// otherwise (inside Update, this fails the function). Notify is valid
// only in Update functions. Subscribers must treat the empty payload as
// "resynchronize", so do not send "".
func (t *Tx) Notify(channel, payload string) {
	if !t.write {
		panic("store: Tx.Notify outside Update")
	}
	if !validChannel(channel) {
		panic("store: invalid notification channel " + strconv.Quote(channel))
	}
	if len(payload) > MaxNotifyPayload || strings.IndexByte(payload, 0) >= 0 {
		panic("store: notification payload too long or holding NUL")
	}
	if t.s.dialect == SQLite && t.s.hub.n.Load() == 0 {
		return // nobody can hear it: SQLite has no other node
	}
	t.notes = append(t.notes, note{channel, payload})
}

func validChannel(ch string) bool {
	if ch == "" || len(ch) > 40 {
		return false
	}
	for i := 0; i < len(ch); i++ {
		c := ch[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Subscribe calls fn with the payload of every notification sent on
// channel by a committed transaction of any Store on the database,
// including this one, and with "" when notifications may have been missed
// (see Tx.Notify). Notifications of this Store are delivered on the
// goroutine of the committing Update; those of other nodes on the Store's
// listener goroutine, one at a time in the order received. fn must be
// quick and must not call Update (it may call View). With PostgreSQL,
// Subscribe returns once the channel is being listened to (or after a few
// seconds if the database is unreachable; the subscriber then gets "" once
// it is). cancel unsubscribes; it is idempotent.
func (s *Store) Subscribe(channel string, fn func(payload string)) (cancel func()) {
	if !validChannel(channel) {
		panic("store: invalid notification channel " + strconv.Quote(channel))
	}
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return func() {}
	}
	sub := &subscriber{fn: fn}
	s.hub.add(channel, sub)
	var l *listener
	if s.dialect == Postgres {
		if l = s.startListener(); l != nil {
			l.kick()
			l.waitActive(channel)
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			sub.dead.Store(true)
			s.hub.remove(channel, sub)
			if l != nil {
				l.kick()
			}
		})
	}
}

type subscriber struct {
	fn   func(string)
	dead atomic.Bool
}

// hub holds the subscribers by channel; the slices are copied on write.
type hub struct {
	mu   sync.RWMutex
	subs map[string][]*subscriber
	n    atomic.Int64
}

func (h *hub) add(ch string, sub *subscriber) {
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string][]*subscriber{}
	}
	old := h.subs[ch]
	h.subs[ch] = append(old[:len(old):len(old)], sub)
	h.n.Add(1)
	h.mu.Unlock()
}

func (h *hub) remove(ch string, sub *subscriber) {
	h.mu.Lock()
	old := h.subs[ch]
	next := make([]*subscriber, 0, len(old))
	for _, x := range old {
		if x != sub {
			next = append(next, x)
		}
	}
	if len(next) == len(old) {
		h.mu.Unlock()
		return
	}
	if len(next) == 0 {
		delete(h.subs, ch)
	} else {
		h.subs[ch] = next
	}
	h.n.Add(-1)
	h.mu.Unlock()
}

func (h *hub) deliver(ch, payload string) {
	h.mu.RLock()
	subs := h.subs[ch]
	h.mu.RUnlock()
	for _, sub := range subs {
		if !sub.dead.Load() {
			sub.fn(payload)
		}
	}
}

// channels returns the channels that have subscribers.
func (h *hub) channels() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	chs := make([]string, 0, len(h.subs))
	for ch := range h.subs {
		chs = append(chs, ch)
	}
	return chs
}

// resyncAll tells every subscriber that notifications may have been missed.
func (h *hub) resyncAll() {
	for _, ch := range h.channels() {
		h.deliver(ch, "")
	}
}

// deliverLocal hands the notifications of a committed transaction to this
// Store's subscribers.
func (s *Store) deliverLocal(notes []note) {
	for _, n := range notes {
		s.hub.deliver(n.channel, n.payload)
	}
}

func newNodeID() string {
	var b [nodeIDLen / 2]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// pgChannel is the PostgreSQL channel name of a logical channel: scoped
// by the schema, at most 63 bytes.
func (s *Store) pgChannel(ch string) string {
	if s.pgScope == "" {
		return ch
	}
	name := ch + ":" + s.pgScope
	if len(name) > 63 {
		h := fnv.New64a()
		h.Write([]byte(s.pgScope))
		name = ch + ":" + strconv.FormatUint(h.Sum64(), 16)
	}
	return name
}

// sendNotes sends the notifications of a PostgreSQL write transaction
// before its commit.
func (s *Store) sendNotes(tx *sql.Tx, notes []note) error {
	if len(notes) == 0 || s.dialect != Postgres {
		return nil
	}
	if len(notes) == 1 {
		_, err := tx.Exec("SELECT pg_notify($1, $2)", s.pgChannel(notes[0].channel), s.nodeID+":"+notes[0].payload)
		return err
	}
	chs := make([]string, len(notes))
	ps := make([]string, len(notes))
	for i, n := range notes {
		chs[i] = s.pgChannel(n.channel)
		ps[i] = s.nodeID + ":" + n.payload
	}
	_, err := tx.Exec("SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n(c, p, i) ORDER BY i", chs, ps)
	return err
}

// listener is the PostgreSQL connection that LISTENs for the Store.
type listener struct {
	s      *Store
	spec   string
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	active  map[string]bool // logical channels listened on the current connection
	changed chan struct{}   // closed when active changes
	kicked  bool
	wake    context.CancelFunc // interrupts the current wait
	// resync is set when a subscriber stopped waiting for its LISTEN: the
	// subscribers get "" once the channels are active, as after a reconnect.
	resync bool
}

// startListener starts the listener on first use.
func (s *Store) startListener() *listener {
	s.listenOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		l := &listener{s: s, spec: s.spec, ctx: ctx, cancel: cancel, done: make(chan struct{}), changed: make(chan struct{})}
		s.listen = l
		go l.run()
	})
	return s.listen
}

// stopListener stops the listener, if it was started.
func (s *Store) stopListener() {
	s.listenOnce.Do(func() {}) // no listener may start after this
	if l := s.listen; l != nil {
		l.cancel()
		<-l.done
	}
}

// kick makes the listener reconcile its channels with the subscribers.
func (l *listener) kick() {
	l.mu.Lock()
	l.kicked = true
	if l.wake != nil {
		l.wake()
	}
	l.mu.Unlock()
}

// waitActive waits until ch is listened to, for a few seconds at most.
func (l *listener) waitActive(ch string) {
	t := time.NewTimer(listenWaitActive)
	defer t.Stop()
	for {
		l.mu.Lock()
		ok, changed := l.active[ch], l.changed
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-t.C:
			l.s.log.Warn("store: LISTEN not yet active; notifications may be missed until it is", "channel", ch)
			l.mu.Lock()
			l.resync = true
			l.mu.Unlock()
			return
		case <-l.ctx.Done():
			return
		}
	}
}

func (l *listener) setActive(active map[string]bool) {
	l.mu.Lock()
	l.active = active
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

func (l *listener) run() {
	defer close(l.done)
	backoff := listenMinBackoff
	missed := false
	for {
		conn, err := pgx.Connect(l.ctx, l.spec)
		if err == nil {
			err = l.serve(conn, &missed, &backoff)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(ctx)
			cancel()
		}
		if l.ctx.Err() != nil {
			return
		}
		missed = true
		l.setActive(nil)
		l.s.log.Warn("store: notification listener failed; reconnecting", "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-l.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, listenMaxBackoff)
	}
}

// serve listens on conn until an error.
func (l *listener) serve(conn *pgx.Conn, missed *bool, backoff *time.Duration) error {
	listened := map[string]bool{} // logical channels
	byPG := map[string]string{}   // PostgreSQL channel -> logical
	for {
		l.mu.Lock()
		l.kicked = false
		l.mu.Unlock()
		want := map[string]bool{}
		for _, ch := range l.s.hub.channels() {
			want[ch] = true
		}
		for ch := range want {
			if listened[ch] {
				continue
			}
			pg := l.s.pgChannel(ch)
			if _, err := conn.Exec(l.ctx, "LISTEN "+pgx.Identifier{pg}.Sanitize()); err != nil {
				return err
			}
			listened[ch] = true
			byPG[pg] = ch
		}
		for ch := range listened {
			if want[ch] {
				continue
			}
			pg := l.s.pgChannel(ch)
			if _, err := conn.Exec(l.ctx, "UNLISTEN "+pgx.Identifier{pg}.Sanitize()); err != nil {
				return err
			}
			delete(listened, ch)
			delete(byPG, pg)
		}
		active := make(map[string]bool, len(listened))
		for ch := range listened {
			active[ch] = true
		}
		l.setActive(active)
		*backoff = listenMinBackoff
		l.mu.Lock()
		resync := l.resync
		l.resync = false
		l.mu.Unlock()
		if *missed || resync {
			*missed = false
			l.s.hub.resyncAll()
		}

		for {
			wctx, cancel := context.WithTimeout(l.ctx, listenPingInterval)
			l.mu.Lock()
			kicked := l.kicked
			l.wake = cancel
			l.mu.Unlock()
			if kicked {
				cancel()
			}
			n, err := conn.WaitForNotification(wctx)
			l.mu.Lock()
			l.wake = nil
			l.mu.Unlock()
			timedOut := errors.Is(wctx.Err(), context.DeadlineExceeded)
			cancel()
			if err != nil {
				if l.ctx.Err() != nil || conn.IsClosed() {
					return err
				}
				if timedOut {
					// Idle: check that the connection is alive.
					pctx, pcancel := context.WithTimeout(l.ctx, 10*time.Second)
					err := conn.Ping(pctx)
					pcancel()
					if err != nil {
						return err
					}
					continue
				}
				if wctx.Err() != nil {
					break // kicked: reconcile the channels
				}
				return err
			}
			l.dispatch(byPG, n.Channel, n.Payload)
		}
	}
}

// dispatch delivers a notification received from PostgreSQL, skipping the
// echoes of this Store's own (already delivered in-process).
func (l *listener) dispatch(byPG map[string]string, pgCh, payload string) {
	ch, ok := byPG[pgCh]
	if !ok {
		return
	}
	if id, rest, ok := strings.Cut(payload, ":"); ok && len(id) == nodeIDLen {
		if id == l.s.nodeID {
			return
		}
		payload = rest
	}
	if payload == "" {
		return
	}
	l.s.hub.deliver(ch, payload)
}
