package sqs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// queueKey names a queue: accounts and regions are namespaces.
type queueKey struct{ account, region, name string }

// queue is the in-memory handle of a queue. The identity fields never
// change; the mutable metadata is an immutable snapshot replaced as a
// whole (meta), so the hot paths read it without locks. The database
// remains the source of truth: the cache is filled from it at start and
// updated after each committed change.
type queue struct {
	id   int64
	key  queueKey
	arn  string
	fifo bool

	meta    atomic.Pointer[queueMeta]
	metaMu  sync.Mutex // serializes metadata writers
	deleted atomic.Bool

	waiters waitList
}

// queueMeta is a snapshot of a queue's mutable state.
type queueMeta struct {
	attrs    attrSet           // settable attributes, normalized
	tags     map[string]string // never nil
	created  int64             // ms
	modified int64             // ms
	purgedAt int64             // ms of the last PurgeQueue, 0 if never
	purgeSeq int64             // messages with seq <= purgeSeq are purged
}

func (q *queue) m() *queueMeta { return q.meta.Load() }

// url returns the queue URL as seen by the client of ctx.
func (q *queue) url(ctx context.Context) string {
	return queueURL(ctx, q.key.account, q.key.name)
}

func queueURL(ctx context.Context, account, name string) string {
	ri := reqinfo.From(ctx)
	scheme := ri.Scheme
	if scheme == "" {
		scheme = "http"
	}
	host := ri.Host
	if host == "" {
		host = "localhost:4566"
	}
	return scheme + "://" + host + "/" + account + "/" + name
}

func queueARN(region, account, name string) string {
	return "arn:aws:sqs:" + region + ":" + account + ":" + name
}

// parseARN splits an SQS queue ARN into its key. ok is false for strings
// that are not ARNs of the form arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func parseARN(arn string) (service string, k queueKey, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return "", queueKey{}, false
	}
	return parts[2], queueKey{account: parts[4], region: parts[3], name: parts[5]}, true
}

// parseQueueURL resolves a QueueUrl parameter to a queue key. It accepts
// URLs whose path is /ACCOUNT/NAME (any host and scheme; the region is
// taken from an sqs.REGION. or REGION.queue. host name, else from the
// request), a bare /ACCOUNT/NAME path and, leniently, a bare queue name.
func parseQueueURL(ctx context.Context, raw string) (queueKey, bool) {
	ri := reqinfo.From(ctx)
	k := queueKey{account: ri.Account, region: ri.Region}
	if raw == "" {
		return k, false
	}
	if !strings.Contains(raw, "/") {
		k.name = raw
		return k, true
	}
	path := raw
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return k, false
		}
		path = u.Path
		if r := regionFromHost(u.Hostname()); r != "" {
			k.region = r
		}
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 2 {
		return k, false
	}
	// Path-style URLs such as /queue/REGION/ACCOUNT/NAME also end in
	// ACCOUNT/NAME.
	acct, name := segs[len(segs)-2], segs[len(segs)-1]
	if len(segs) == 4 && segs[0] == "queue" {
		k.region = segs[1]
	} else if len(segs) != 2 {
		return k, false
	}
	if acct == "" || name == "" {
		return k, false
	}
	k.account, k.name = acct, name
	return k, true
}

// regionFromHost extracts the region of AWS-style SQS host names:
// sqs.REGION.amazonaws.com, sqs.REGION.localhost..., REGION.queue.amazonaws.com.
func regionFromHost(host string) string {
	labels := strings.Split(host, ".")
	if len(labels) >= 3 && labels[0] == "sqs" && looksLikeRegion(labels[1]) {
		return labels[1]
	}
	if len(labels) >= 3 && labels[1] == "queue" && looksLikeRegion(labels[0]) {
		return labels[0]
	}
	return ""
}

func looksLikeRegion(s string) bool {
	// us-east-1, eu-central-2, us-gov-west-1, ap-southeast-3 ...
	return strings.Count(s, "-") >= 2 && s[len(s)-1] >= '0' && s[len(s)-1] <= '9'
}

// registry is the queue cache.
type registry struct {
	mu      sync.RWMutex
	byKey   map[queueKey]*queue
	byID    map[int64]*queue
	byARN   map[string]*queue
	deleted map[int64]bool // ids of queues deleted while this process ran
}

func newRegistry() *registry {
	return &registry{byKey: map[queueKey]*queue{}, byID: map[int64]*queue{}, byARN: map[string]*queue{}, deleted: map[int64]bool{}}
}

func (r *registry) get(k queueKey) *queue {
	r.mu.RLock()
	q := r.byKey[k]
	r.mu.RUnlock()
	return q
}

func (r *registry) getARN(arn string) *queue {
	r.mu.RLock()
	q := r.byARN[arn]
	r.mu.RUnlock()
	return q
}

// put registers q, a queue read from a committed row, and returns the
// object the registry holds for its id: an object already cached for the
// same id is kept (long polls may wait on it, and a later remove must find
// it), so callers must use the returned queue rather than q. put returns
// nil when the queue is known to be deleted, or when the name is held by a
// newer queue (q was read before it was deleted). A cached queue of the
// same name with another id was deleted (names are unique in the table):
// it is dropped and its waiters are woken.
func (r *registry) put(q *queue) *queue {
	r.mu.Lock()
	if r.deleted[q.id] || q.deleted.Load() {
		r.mu.Unlock()
		return nil
	}
	cur := r.byID[q.id]
	if cur == nil {
		if k := r.byKey[q.key]; k != nil && k.id == q.id {
			cur = k
		}
	}
	if cur != nil {
		if cur.deleted.Load() {
			r.mu.Unlock()
			return nil
		}
		q = cur
	}
	var gone *queue
	if old := r.byKey[q.key]; old != nil && old.id != q.id {
		if !old.deleted.Load() && old.m().created > q.m().created {
			r.mu.Unlock()
			return nil
		}
		gone = old
		r.deleted[old.id] = true
		if r.byID[old.id] == old {
			delete(r.byID, old.id)
		}
	}
	r.byKey[q.key] = q
	r.byID[q.id] = q
	r.byARN[q.arn] = q
	r.mu.Unlock()
	if gone != nil && !gone.deleted.Swap(true) {
		gone.waiters.broadcast()
	}
	return q
}

// remove drops queue q: every entry holding an object with q's id, not
// only q itself (another object of the same id may have been cached by a
// concurrent lookup). Such other objects are marked deleted and their
// waiters woken; q's own waiters are the caller's business.
func (r *registry) remove(q *queue) {
	r.mu.Lock()
	r.deleted[q.id] = true
	others := r.dropLocked(q.id, q.key, q.arn, q)
	r.mu.Unlock()
	wakeDeleted(others)
}

// removeID drops every entry holding an object with the given id, for a
// queue found gone whose key is not known (entries may be left under its
// key while byID no longer holds it). Those objects are marked deleted and
// their waiters woken.
func (r *registry) removeID(id int64) {
	r.mu.Lock()
	r.deleted[id] = true
	var gone []*queue
	if q := r.byID[id]; q != nil {
		gone = append(gone, r.dropLocked(id, q.key, q.arn, nil)...)
	}
	for k, q := range r.byKey {
		if q.id == id {
			gone = append(gone, r.dropLocked(id, k, q.arn, nil)...)
		}
	}
	r.mu.Unlock()
	wakeDeleted(gone)
}

// dropLocked deletes the entries of id under k, arn and byID, returning
// the distinct objects removed other than except. r.mu must be held.
func (r *registry) dropLocked(id int64, k queueKey, arn string, except *queue) []*queue {
	var out []*queue
	add := func(o *queue) {
		if o != nil && o != except && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	if o := r.byKey[k]; o != nil && o.id == id {
		delete(r.byKey, k)
		add(o)
	}
	if o := r.byARN[arn]; o != nil && o.id == id {
		delete(r.byARN, arn)
		add(o)
	}
	if o := r.byID[id]; o != nil {
		delete(r.byID, id)
		add(o)
	}
	return out
}

// wakeDeleted marks qs deleted and wakes their waiters.
func wakeDeleted(qs []*queue) {
	for _, q := range qs {
		if !q.deleted.Swap(true) {
			q.waiters.broadcast()
		}
	}
}

// all returns every cached queue.
func (r *registry) all() []*queue {
	r.mu.RLock()
	qs := make([]*queue, 0, len(r.byKey))
	for _, q := range r.byKey {
		qs = append(qs, q)
	}
	r.mu.RUnlock()
	return qs
}

// queueRow is a row of sqs_queues.
type queueRow struct {
	id                                    int64
	account, region, name                 string
	fifo                                  bool
	attrs, tags                           string
	created, modified, purgedAt, purgeSeq int64
}

const queueCols = "id, account, region, name, fifo, attrs, tags, created_at, modified_at, purged_at, purge_seq"

func scanQueue(sc interface{ Scan(...any) error }) (queueRow, error) {
	var r queueRow
	var fifo int64
	err := sc.Scan(&r.id, &r.account, &r.region, &r.name, &fifo, &r.attrs, &r.tags, &r.created, &r.modified, &r.purgedAt, &r.purgeSeq)
	r.fifo = fifo != 0
	return r, err
}

// queueFromRow builds the in-memory queue of a row.
func queueFromRow(r queueRow) (*queue, error) {
	q := &queue{id: r.id, key: queueKey{r.account, r.region, r.name}, fifo: r.fifo}
	q.arn = queueARN(r.region, r.account, r.name)
	m, err := metaFromRow(r)
	if err != nil {
		return nil, err
	}
	q.meta.Store(m)
	return q, nil
}

func metaFromRow(r queueRow) (*queueMeta, error) {
	var raw map[string]string
	if err := json.Unmarshal([]byte(r.attrs), &raw); err != nil {
		return nil, err
	}
	tags := map[string]string{}
	if err := json.Unmarshal([]byte(r.tags), &tags); err != nil {
		return nil, err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return &queueMeta{attrs: parseAttrSet(raw), tags: tags, created: r.created, modified: r.modified, purgedAt: r.purgedAt, purgeSeq: r.purgeSeq}, nil
}

// lookup returns the queue named k, consulting the database when the
// cache does not know it (another node may have created it).
func (s *Service) lookup(ctx context.Context, k queueKey) (*queue, error) {
	if q := s.reg.get(k); q != nil && !q.deleted.Load() {
		return q, nil
	}
	var row queueRow
	found := false
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = scanQueue(tx.QueryRow(ctx, "SELECT "+queueCols+" FROM sqs_queues WHERE account = ? AND region = ? AND name = ?", k.account, k.region, k.name))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoQueue()
	}
	q, err := queueFromRow(row)
	if err != nil {
		return nil, err
	}
	if q = s.reg.put(q); q == nil {
		return nil, errNoQueue()
	}
	return q, nil
}

// queueByURL resolves a QueueUrl parameter.
func (s *Service) queueByURL(ctx context.Context, u *string) (*queue, error) {
	if u == nil || *u == "" {
		return nil, missingParam("QueueUrl")
	}
	k, ok := parseQueueURL(ctx, *u)
	if !ok {
		if strings.Contains(*u, "://") {
			return nil, errorf(errInvalidAddress, "The address %s is not valid for this endpoint.", *u)
		}
		return nil, errNoQueue()
	}
	return s.lookup(ctx, k)
}

// queueByARN resolves a queue ARN.
func (s *Service) queueByARN(ctx context.Context, arn string) (*queue, error) {
	svc, k, ok := parseARN(arn)
	if !ok || svc != "sqs" {
		return nil, errNoQueue()
	}
	return s.lookup(ctx, k)
}

// allQueueRows reads every queue row.
func (s *Service) allQueueRows(ctx context.Context) ([]queueRow, error) {
	var rows []queueRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.Query(ctx, "SELECT "+queueCols+" FROM sqs_queues")
		if err != nil {
			return err
		}
		for rs.Next() {
			r, err := scanQueue(rs)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return rs.Err()
	})
	return rows, err
}

// refreshQueues brings the cache in line with the database, for changes
// made by other nodes sharing it: new and changed queues are (re)loaded,
// vanished ones dropped.
func (s *Service) refreshQueues(ctx context.Context) error {
	known := s.reg.all() // only these may be found gone: later ones may postdate the snapshot
	rows, err := s.allQueueRows(ctx)
	if err != nil {
		return err
	}
	live := map[int64]bool{}
	for _, r := range rows {
		live[r.id] = true
		s.reg.mu.RLock()
		q := s.reg.byID[r.id]
		consistent := q != nil && s.reg.byKey[q.key] == q && s.reg.byARN[q.arn] == q
		s.reg.mu.RUnlock()
		if q == nil {
			if nq, err := queueFromRow(r); err == nil {
				s.reg.put(nq)
			}
			continue
		}
		if !consistent {
			// Its name maps to another object: make it map to q again
			// (put keeps a newer queue of the same name).
			s.reg.put(q)
		}
		m, err := metaFromRow(r)
		if err != nil {
			continue
		}
		if cur := q.m(); m.modified != cur.modified || m.purgeSeq != cur.purgeSeq || !maps.Equal(m.tags, cur.tags) || !maps.Equal(m.attrs.raw, cur.attrs.raw) {
			// The snapshot may predate a change this node made since:
			// re-read the row under the queue's metadata lock.
			if err := s.reloadQueue(ctx, q.id); err != nil {
				return err
			}
		}
	}
	// Entries of queues gone from the table are dropped, including
	// entries under a name whose id byID no longer holds.
	for _, q := range known {
		if !live[q.id] {
			if err := s.reloadQueue(ctx, q.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadQueues fills the cache from the database.
func (s *Service) loadQueues(ctx context.Context) error {
	rows, err := s.allQueueRows(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		q, err := queueFromRow(r)
		if err != nil {
			return err
		}
		s.reg.put(q)
	}
	return nil
}

// seqGen allocates message sequence numbers: strictly increasing within
// the process, and growing with time across restarts.
type seqGen struct{ last atomic.Int64 }

// seqEpochMs is 2000-01-01T00:00:00Z; seq = ms since then << seqShift.
const (
	seqEpochMs = 946684800000
	seqShift   = 21
)

// seqFloor returns the smallest seq allocated at or after time ms.
func seqFloor(ms int64) int64 {
	d := ms - seqEpochMs
	if d < 0 {
		d = 0
	}
	return d << seqShift
}

// next reserves n consecutive sequence numbers and returns the first.
func (g *seqGen) next(nowMs int64, n int) int64 {
	base := seqFloor(nowMs)
	for {
		last := g.last.Load()
		first := max(last+1, base)
		if g.last.CompareAndSwap(last, first+int64(n)-1) {
			return first
		}
	}
}

// observe makes the generator allocate above v.
func (g *seqGen) observe(v int64) {
	for {
		last := g.last.Load()
		if v <= last || g.last.CompareAndSwap(last, v) {
			return
		}
	}
}

// randInt63 returns a random positive int64.
func randInt63() int64 {
	var b [8]byte
	rand.Read(b[:])
	v := int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	if v == 0 {
		v = 1
	}
	return v
}

// newUUID returns a random (version 4) UUID string.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 36)
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexd[c>>4]
		out[j+1] = hexd[c&0xf]
		j += 2
	}
	return string(out)
}
