package dynamodb

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// Item collections: the items of a table with local secondary indexes that
// share a partition key value, with their LSI entries. AWS limits each to
// 10 GB and reports its size in ItemCollectionMetrics.

const (
	// maxCollectionSize is AWS's item collection size limit, 10 GB.
	maxCollectionSize = 10 << 30
	// indexEntryOverhead is what AWS adds to each index entry's size: "100
	// bytes of overhead per index item" (developer guide, storage
	// considerations of local secondary indexes).
	indexEntryOverhead = 100
)

// errCollectionTooLarge is AWS's refusal of a write that would take an item
// collection past its limit. The message is the exception's documented
// meaning (assumption: AWS's exact text is not documented).
func errCollectionTooLarge() error {
	return apiErr("ItemCollectionSizeLimitExceededException", "Item collection size limit exceeded")
}

// collectionBytes is what item adds to its collection: its own size and
// that of its entries in the table's local secondary indexes.
func collectionBytes(t *tableMeta, item attr.Item) int64 {
	if item == nil {
		return 0
	}
	n := int64(attr.ItemSize(item))
	for _, ix := range t.LSIs {
		if _, ok := keyOf(ix.Keys, item); ok {
			n += int64(attr.ItemSize(project(t, ix, item))) + indexEntryOverhead
		}
	}
	return n
}

// countCollection adds c's change of size to its item collection's row,
// refusing a write that grows the collection past the limit, and records
// the size after it in c.collection. A collection without a row (its first
// write, or data written before rows were kept) is counted from what is
// stored, which still holds c.old. The UPDATE's row lock orders concurrent
// writers of one collection on PostgreSQL.
func (s *Service) countCollection(ctx context.Context, tx *store.Tx, c *change) error {
	t := c.t
	delta := collectionBytes(t, c.new) - collectionBytes(t, c.old)
	var size int64
	err := tx.QueryRow(ctx, "UPDATE ddb_collections SET size = size + ? WHERE table_id = ? AND h = ? AND pk = ? RETURNING size",
		delta, t.ID, c.k.h, c.k.pk).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		var stored int64
		if stored, err = s.storedCollection(ctx, tx, t, c.k); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO ddb_collections (table_id, h, pk, size) VALUES (?, ?, ?, ?)
			ON CONFLICT (table_id, h, pk) DO UPDATE SET size = ddb_collections.size + ? RETURNING size`,
			t.ID, c.k.h, c.k.pk, stored+delta, delta).Scan(&size)
	}
	if err != nil {
		return err
	}
	if delta > 0 && size > s.collectionLimit {
		return errCollectionTooLarge()
	}
	c.collection = size
	return nil
}

// storedCollection sums the stored bytes of the item collection of k.
func (s *Service) storedCollection(ctx context.Context, tx *store.Tx, t *tableMeta, k itemKey) (int64, error) {
	var items int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ?", t.ID, k.h, k.pk).Scan(&items); err != nil {
		return 0, err
	}
	for _, ix := range t.LSIs {
		var n, bytes int64
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM ddb_index_items WHERE table_id = ? AND idx = ? AND h = ? AND ipk = ?",
			t.ID, ix.Name, k.h, k.pk).Scan(&n, &bytes); err != nil {
			return 0, err
		}
		items += bytes + n*indexEntryOverhead
	}
	return items, nil
}

// sizeEstimate is SizeEstimateRangeGB for a collection of n bytes: the
// whole gigabytes below and above it, as AWS's [0, 1] for small ones.
func sizeEstimate(n int64) []float64 {
	lo := math.Floor(float64(n) / (1 << 30))
	return []float64{lo, lo + 1}
}

// collectionMetrics is the ItemCollectionMetrics of a write to a table
// with local secondary indexes, when asked for (SIZE).
func collectionMetrics(mode *string, c *change) *dynamodbapi.ItemCollectionMetrics {
	if deref(mode) != "SIZE" || len(c.t.LSIs) == 0 {
		return nil
	}
	pk := c.t.Keys.PK
	src := c.new
	if src == nil {
		src = c.old
	}
	v, ok := src[pk]
	if !ok {
		return nil
	}
	return &dynamodbapi.ItemCollectionMetrics{
		ItemCollectionKey:   attr.Item{pk: v},
		SizeEstimateRangeGB: sizeEstimate(c.collection),
	}
}

// collectionMetricsByTable is the ItemCollectionMetrics of a batch or a
// transaction: per table with local secondary indexes, one entry per item
// collection written, with its size after the last write to it.
func collectionMetricsByTable(mode *string, chs []*change) map[string][]dynamodbapi.ItemCollectionMetrics {
	if deref(mode) != "SIZE" {
		return nil
	}
	var out map[string][]dynamodbapi.ItemCollectionMetrics
	at := map[string]int{} // table and partition key -> index in out[table]
	for _, c := range chs {
		m := collectionMetrics(mode, c)
		if m == nil {
			continue
		}
		if out == nil {
			out = map[string][]dynamodbapi.ItemCollectionMetrics{}
		}
		id := c.t.Name + "\x00" + string(c.k.pk)
		if i, ok := at[id]; ok {
			out[c.t.Name][i] = *m
			continue
		}
		at[id] = len(out[c.t.Name])
		out[c.t.Name] = append(out[c.t.Name], *m)
	}
	return out
}
