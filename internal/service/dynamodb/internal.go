package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// Streams for other hako services. Lambda's event source mappings read a
// table's stream through a StreamFeed rather than the DynamoDB Streams API:
// no iterators to renew, positions are sequence numbers, and a watch says
// when to read again.
//
// Services import no other service, so the shapes these calls return are
// aliases of unnamed struct types: a consumer declares the identical type
// in its own package and its interface is satisfied by *StreamFeed.

// ShardInfo describes a shard of a stream.
type ShardInfo = struct {
	ShardID string
	// StartingSequenceNumber is the sequence number of the shard's first
	// record; EndingSequenceNumber that of its last once the stream is
	// disabled ("" while the shard is open).
	StartingSequenceNumber string
	EndingSequenceNumber   string
	// LatestSequenceNumber is the position after every record written so
	// far: ReadStream after it returns only later records (LATEST). It
	// may name no record.
	LatestSequenceNumber string
}

// RawRecord is one stream record.
type RawRecord = struct {
	SequenceNumber string
	// Arrival is when the record was written (ApproximateCreationDateTime
	// to the millisecond).
	Arrival time.Time
	// PartitionHash is a hash of the item's partition key value: the
	// records of one partition key share it.
	PartitionHash uint32
	// Record is the record's JSON as GetRecords returns it.
	Record json.RawMessage
}

// watchInterval is how often a feed with watchers checks the stream
// counters of their tables: one indexed read per interval for all of them.
// Lambda itself polls a stream's shards four times a second.
const watchInterval = 100 * time.Millisecond

// StreamFeed reads the streams of the service's tables for other services.
// It is safe for concurrent use.
type StreamFeed struct {
	s *Service

	mu       sync.Mutex
	watchers map[*streamWatcher]struct{}
	running  bool // the watch loop runs while there are watchers
	// kick wakes the watch loop at once when this node commits a stream
	// record (other nodes' records are seen at the next interval).
	kick chan struct{}
}

type streamWatcher struct {
	arn  string
	wake chan struct{}
	last int64 // the table's stream counter when last seen; -1 before
	id   int64 // the table's id when last seen
}

// StreamFeed returns a feed of the service's streams. Each consumer
// should take one: watches of the same feed share one checking loop.
func (s *Service) StreamFeed() *StreamFeed {
	f := &StreamFeed{s: s, watchers: map[*streamWatcher]struct{}{}, kick: make(chan struct{}, 1)}
	s.feedsMu.Lock()
	s.feeds = append(s.feeds, f)
	s.feedsMu.Unlock()
	return f
}

// kickFeeds wakes every feed's watch loop (after a stream record commits).
func (s *Service) kickFeeds() {
	s.feedsMu.Lock()
	defer s.feedsMu.Unlock()
	for _, f := range s.feeds {
		select {
		case f.kick <- struct{}{}:
		default:
		}
	}
}

// stream finds a stream from its ARN; the error is the Streams API's
// ResourceNotFoundException when there is none.
func (f *StreamFeed) stream(ctx context.Context, arn string) (*tableMeta, *streamMeta, error) {
	return f.s.Streams().streamByARN(ctx, arn)
}

// StreamShards returns the shards of a stream (hako gives a stream one).
func (f *StreamFeed) StreamShards(ctx context.Context, streamARN string) ([]ShardInfo, error) {
	t, st, err := f.stream(ctx, streamARN)
	if err != nil {
		return nil, err
	}
	latest := st.EndSeq
	if st.Enabled {
		if err := f.s.st.QueryRow(ctx, "SELECT stream_seq FROM ddb_tables WHERE id = ?", t.ID).Scan(&latest); err != nil {
			return nil, err
		}
	}
	sh := ShardInfo{ShardID: shardID(t, st), StartingSequenceNumber: sequenceNumber(st.StartSeq), LatestSequenceNumber: sequenceNumber(max(latest, st.StartSeq-1))}
	if !st.Enabled {
		sh.EndingSequenceNumber = sequenceNumber(max(st.EndSeq, st.StartSeq))
	}
	return []ShardInfo{sh}, nil
}

// parseSequenceNumber reads a sequence number of this service.
func parseSequenceNumber(sn string) (int64, error) {
	var n int64
	if len(sn) != 21 || sn[0] != '1' {
		return 0, validation("Invalid SequenceNumber: " + sn)
	}
	if _, err := fmt.Sscanf(sn[1:], "%d", &n); err != nil {
		return 0, validation("Invalid SequenceNumber: " + sn)
	}
	return n, nil
}

// ReadStream returns up to limit records of a shard in order, those after
// the sequence number after ("" reads from the trim horizon). Records
// older than the retention are gone: reading after a trimmed position
// starts at the oldest record kept.
func (f *StreamFeed) ReadStream(ctx context.Context, streamARN, shard, after string, limit int) ([]RawRecord, error) {
	t, st, err := f.stream(ctx, streamARN)
	if err != nil {
		return nil, err
	}
	if shard != shardID(t, st) {
		return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
	}
	from := st.StartSeq
	if after != "" {
		n, err := parseSequenceNumber(after)
		if err != nil {
			return nil, err
		}
		from = max(from, n+1)
	}
	if limit <= 0 || limit > maxGetRecords {
		limit = maxGetRecords
	}
	q := "SELECT seq, created_at, record FROM ddb_stream_records WHERE table_id = ? AND label = ? AND seq >= ?"
	args := []any{t.ID, st.Label, from}
	if !st.Enabled {
		q += " AND seq <= ?"
		args = append(args, st.EndSeq)
	}
	args = append(args, limit)
	var out []RawRecord
	err = f.s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q+" ORDER BY seq LIMIT ?", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq, created int64
			var b []byte
			if err := rows.Scan(&seq, &created, &b); err != nil {
				return err
			}
			out = append(out, RawRecord{SequenceNumber: sequenceNumber(seq), Arrival: time.UnixMilli(created), Record: b})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].PartitionHash = recordPartition(t, out[i].Record)
	}
	return out, nil
}

// recordPartition hashes the partition key of a stored record as the
// items table does (the h column).
func recordPartition(t *tableMeta, b []byte) uint32 {
	var r struct {
		Dynamodb struct {
			Keys attr.Item `json:"Keys"`
		} `json:"dynamodb"`
	}
	if json.Unmarshal(b, &r) != nil {
		return 0
	}
	v, ok := r.Dynamodb.Keys[t.Keys.PK]
	if !ok {
		return 0
	}
	return uint32(partitionHash(attr.KeyBytes(&v)))
}

// WatchStream returns a channel that receives a value soon after records
// are appended to the stream (and sometimes when none were: readers must
// not rely on it for more than a wake-up), until stop is called. The
// stream need not exist yet.
func (f *StreamFeed) WatchStream(streamARN string) (wake <-chan struct{}, stop func()) {
	w := &streamWatcher{arn: streamARN, wake: make(chan struct{}, 1), last: -1}
	f.mu.Lock()
	f.watchers[w] = struct{}{}
	if !f.running && f.s.ctx.Err() == nil {
		f.running = true
		go f.watch()
	}
	f.mu.Unlock()
	var once sync.Once
	return w.wake, func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.watchers, w)
			f.mu.Unlock()
		})
	}
}

// watch checks the stream counters of the watched tables every
// watchInterval until there are no watchers or the service closes.
func (f *StreamFeed) watch() {
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for {
		f.mu.Lock()
		if len(f.watchers) == 0 || f.s.ctx.Err() != nil {
			f.running = false
			f.mu.Unlock()
			return
		}
		ws := make([]*streamWatcher, 0, len(f.watchers))
		for w := range f.watchers {
			ws = append(ws, w)
		}
		f.mu.Unlock()
		f.check(ws)
		select {
		case <-f.s.ctx.Done():
		case <-tick.C:
		case <-f.kick:
		}
	}
}

// check reads the counters of the watched tables in one query and wakes
// the watchers whose table wrote records since they last looked (or that
// look for the first time: a record may have come before their first
// read).
func (f *StreamFeed) check(ws []*streamWatcher) {
	ctx := f.s.ctx
	ids := map[*streamWatcher]int64{}
	var args []any
	seen := map[int64]bool{}
	for _, w := range ws {
		t, _, err := f.stream(ctx, w.arn)
		if err != nil {
			continue
		}
		ids[w] = t.ID
		if !seen[t.ID] {
			seen[t.ID] = true
			args = append(args, t.ID)
		}
	}
	counters := map[int64]int64{}
	if len(args) > 0 {
		q := "SELECT id, stream_seq FROM ddb_tables WHERE id IN (?" + strings.Repeat(", ?", len(args)-1) + ")"
		err := f.s.st.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, n int64
				if err := rows.Scan(&id, &n); err != nil {
					return err
				}
				counters[id] = n
			}
			return rows.Err()
		})
		if err != nil {
			if ctx.Err() == nil {
				f.s.log.Debug("stream watch: reading the counters failed", "err", err)
			}
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, w := range ws {
		id, ok := ids[w]
		n, found := counters[id]
		if !ok || !found {
			continue // no such stream (yet)
		}
		if w.last == n && w.id == id {
			continue
		}
		w.last, w.id = n, id
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}
