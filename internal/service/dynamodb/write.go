package dynamodb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// maxItemSize is DynamoDB's item size limit (400 KB).
const maxItemSize = 400 * 1024

// Items are stored as DynamoDB JSON (the canonical form: numbers
// canonical, map keys sorted), read and written without reflection.
func encodeItem(it attr.Item) ([]byte, error) { return dynamodbapi.AppendItem(nil, it), nil }

func decodeItem(b []byte) (attr.Item, error) {
	it, err := dynamodbapi.DecodeItem(b)
	if err != nil {
		return nil, fmt.Errorf("stored item: %w", err)
	}
	return it, nil
}

// readItem returns the item stored under k (nil if there is none).
func readItem(ctx context.Context, tx *store.Tx, t *tableMeta, k itemKey) (attr.Item, error) {
	var b []byte
	err := tx.QueryRow(ctx, "SELECT item FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", t.ID, k.h, k.pk, k.sk).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeItem(b)
}

// change is one item write: old is the item before (nil if absent), new
// after (nil for a delete).
type change struct {
	t        *tableMeta
	k        itemKey
	old, new attr.Item
	// ttl marks a deletion by the time-to-live sweeper (its stream record
	// names the DynamoDB service as the user identity).
	ttl bool
	// collection is the size of the item's collection after the write
	// (tables with local secondary indexes only), set by apply.
	collection int64
}

// apply writes c: the item row, its index entries and its stream record.
// The caller holds the item's key lock (tx.LockKey) and has read c.old in
// the same transaction.
func (s *Service) apply(ctx context.Context, tx *store.Tx, c *change) error {
	t, err := s.current(ctx, tx, c.t)
	if err != nil {
		return err
	}
	c.t = t
	if len(t.LSIs) > 0 {
		if err := s.countCollection(ctx, tx, c); err != nil {
			return err
		}
	}
	if c.old != nil && c.new != nil && sameItem(c.old, c.new) {
		// A write that changes nothing writes no stream record (the
		// developer guide says so of PutItem and UpdateItem) and need not
		// touch the row or its index entries either.
		return nil
	}
	if c.new == nil {
		if c.old == nil {
			return nil
		}
		if _, err := tx.Exec(ctx, "DELETE FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", t.ID, c.k.h, c.k.pk, c.k.sk); err != nil {
			return err
		}
	} else {
		b, err := encodeItem(c.new)
		if err != nil {
			return err
		}
		var expires any
		if t.TTLAttr != "" {
			if e, ok := ttlSeconds(c.new[t.TTLAttr]); ok {
				expires = e
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ddb_items (table_id, h, pk, sk, item, size, expires) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (table_id, h, pk, sk) DO UPDATE SET item = excluded.item, size = excluded.size, expires = excluded.expires`,
			t.ID, c.k.h, c.k.pk, c.k.sk, b, attr.ItemSize(c.new), expires); err != nil {
			return err
		}
	}
	for _, ix := range t.indexes() {
		if err := s.applyIndex(ctx, tx, t, ix, c); err != nil {
			return err
		}
	}
	if st := t.stream(); st != nil {
		return s.appendRecord(ctx, tx, t, st, c)
	}
	return nil
}

// applyIndex keeps one index's entry of an item in step with a change.
func (s *Service) applyIndex(ctx context.Context, tx *store.Tx, t *tableMeta, ix *indexMeta, c *change) error {
	var ok, nk itemKey
	var hadOld, hasNew bool
	if c.old != nil {
		ok, hadOld = keyOf(ix.Keys, c.old)
	}
	if c.new != nil {
		nk, hasNew = keyOf(ix.Keys, c.new)
	}
	if hadOld {
		if _, err := tx.Exec(ctx, "DELETE FROM ddb_index_items WHERE table_id = ? AND idx = ? AND h = ? AND ipk = ? AND isk = ? AND pk = ? AND sk = ?",
			t.ID, ix.Name, ok.h, ok.pk, ok.sk, c.k.pk, c.k.sk); err != nil {
			return err
		}
	}
	if !hasNew {
		return nil
	}
	p := project(t, ix, c.new)
	b, err := encodeItem(p)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO ddb_index_items (table_id, idx, h, ipk, isk, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		t.ID, ix.Name, nk.h, nk.pk, nk.sk, c.k.pk, c.k.sk, b, attr.ItemSize(p))
	return err
}

// project returns the attributes of item an index holds.
func project(t *tableMeta, ix *indexMeta, item attr.Item) attr.Item {
	if deref(ix.Projection.ProjectionType) == "ALL" {
		return item
	}
	out := attr.Item{}
	for _, n := range []string{t.Keys.PK, t.Keys.SK, ix.Keys.PK, ix.Keys.SK} {
		if v, ok := item[n]; ok && n != "" {
			out[n] = v
		}
	}
	for _, n := range ix.Projection.NonKeyAttributes {
		if v, ok := item[n]; ok {
			out[n] = v
		}
	}
	return out
}

// ttlSeconds reads a time-to-live attribute: a number of epoch seconds.
func ttlSeconds(v attr.Value) (int64, bool) {
	if v.N == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(*v.N, 64)
	if err != nil || f <= 0 || f > 1<<40 {
		return 0, false
	}
	return int64(f), true
}

// streamRecord is a stream record as stored: the DynamoDB Streams Record
// shape, with the table's attribute values.
type streamRecord struct {
	AwsRegion    string        `json:"awsRegion"`
	Dynamodb     streamChange  `json:"dynamodb"`
	EventID      string        `json:"eventID"`
	EventName    string        `json:"eventName"`
	EventSource  string        `json:"eventSource"`
	EventVersion string        `json:"eventVersion"`
	UserIdentity *userIdentity `json:"userIdentity,omitempty"`
}

type streamChange struct {
	ApproximateCreationDateTime model.Timestamp `json:"ApproximateCreationDateTime"`
	Keys                        attr.Item       `json:"Keys"`
	NewImage                    attr.Item       `json:"NewImage,omitempty"`
	OldImage                    attr.Item       `json:"OldImage,omitempty"`
	SequenceNumber              string          `json:"SequenceNumber"`
	SizeBytes                   int64           `json:"SizeBytes"`
	StreamViewType              string          `json:"StreamViewType"`
}

type userIdentity struct {
	PrincipalID string `json:"PrincipalId"`
	Type        string `json:"Type"`
}

// sequenceNumber is the SequenceNumber of a table's stream record seq:
// always 21 digits, so sequence numbers order the same as strings and as
// numbers.
func sequenceNumber(seq int64) string {
	return "1" + fmt.Sprintf("%020d", seq)
}

// appendRecord writes the stream record of c. The table row's counter
// gives the sequence number; its row lock (on PostgreSQL) makes numbers
// follow commit order, so a reader never skips a record committed late.
func (s *Service) appendRecord(ctx context.Context, tx *store.Tx, t *tableMeta, st *streamMeta, c *change) error {
	if c.old == nil && c.new == nil {
		return nil
	}
	var seq int64
	if err := tx.QueryRow(ctx, "UPDATE ddb_tables SET stream_seq = stream_seq + 1 WHERE id = ? RETURNING stream_seq", t.ID).Scan(&seq); err != nil {
		return err
	}
	now := s.now()
	keys := attr.Item{t.Keys.PK: c.keySource()[t.Keys.PK]}
	if t.Keys.SK != "" {
		keys[t.Keys.SK] = c.keySource()[t.Keys.SK]
	}
	r := streamRecord{
		AwsRegion: t.Region, EventID: eventID(), EventSource: "aws:dynamodb", EventVersion: "1.1",
		Dynamodb: streamChange{
			ApproximateCreationDateTime: model.Timestamp{Time: now.Truncate(time.Second)},
			Keys:                        keys, SequenceNumber: sequenceNumber(seq), StreamViewType: st.ViewType,
		},
	}
	switch {
	case c.old == nil:
		r.EventName = "INSERT"
	case c.new == nil:
		r.EventName = "REMOVE"
	default:
		r.EventName = "MODIFY"
	}
	if st.ViewType == "NEW_IMAGE" || st.ViewType == "NEW_AND_OLD_IMAGES" {
		r.Dynamodb.NewImage = c.new
	}
	if st.ViewType == "OLD_IMAGE" || st.ViewType == "NEW_AND_OLD_IMAGES" {
		r.Dynamodb.OldImage = c.old
	}
	r.Dynamodb.SizeBytes = int64(attr.ItemSize(keys) + attr.ItemSize(r.Dynamodb.NewImage) + attr.ItemSize(r.Dynamodb.OldImage))
	if c.ttl {
		r.UserIdentity = &userIdentity{PrincipalID: "dynamodb.amazonaws.com", Type: "Service"}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err = tx.Exec(ctx, "INSERT INTO ddb_stream_records (table_id, label, seq, created_at, record) VALUES (?, ?, ?, ?, ?)",
		t.ID, st.Label, seq, now.UnixMilli(), b); err != nil {
		return err
	}
	tx.AfterCommit(s.kickFeeds)
	return nil
}

// sameItem reports whether two items hold the same attributes and values.
func sameItem(a, b attr.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for n, av := range a {
		bv, ok := b[n]
		if !ok || !attr.Equal(&av, &bv) {
			return false
		}
	}
	return true
}

// eventID is a stream record's eventID: 32 hex digits, as AWS's.
func eventID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (c *change) keySource() attr.Item {
	if c.new != nil {
		return c.new
	}
	return c.old
}
