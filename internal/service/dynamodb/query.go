package dynamodb

import (
	"bytes"
	"context"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
	"github.com/hako-dev/hako/internal/store"
)

// pageBytes is the most item data one Query or Scan page reads (1 MB).
const pageBytes = 1 << 20

// readBatch is how many rows a page fetches per statement.
const readBatch = 128

// source is what a Query or Scan reads: the table or one of its indexes.
type source struct {
	t  *tableMeta
	ix *indexMeta // nil: the table
	ks keySchema  // the key schema rows are ordered by
	// segment limits a parallel scan to a range of partition hashes.
	segment *[2]int64
}

func (s *Service) source(t *tableMeta, index *string) (*source, error) {
	if index == nil {
		return &source{t: t, ks: t.Keys}, nil
	}
	ix := t.index(*index)
	if ix == nil {
		return nil, validation("The table does not have the specified index: " + *index)
	}
	return &source{t: t, ix: ix, ks: ix.Keys}, nil
}

// row is one stored entry read by a page.
type row struct {
	h        int64
	ipk, isk []byte    // index key (the table key for the table)
	pk, sk   []byte    // table key
	raw      []byte    // the item as stored
	item     attr.Item // raw decoded, once needed (decode)
	size     int
}

// decode decodes the row's item if it was not yet.
func (r *row) decode() error {
	if r.item != nil {
		return nil
	}
	it, err := decodeItem(r.raw)
	r.item = it
	return err
}

// position is where a page resumes: after (h, ipk, isk, pk, sk).
type position struct {
	set      bool
	h        int64
	ipk, isk []byte
	pk, sk   []byte
}

// startPosition decodes an ExclusiveStartKey for src.
func startPosition(src *source, esk attr.Item) (position, error) {
	if esk == nil {
		return position{}, nil
	}
	if err := checkValues(esk); err != nil {
		return position{}, err
	}
	bad := validation("The provided starting key is invalid: The provided key element does not match the schema")
	tk, ok := keyOf(src.t.Keys, esk)
	if !ok {
		return position{}, bad
	}
	p := position{set: true, h: tk.h, ipk: tk.pk, isk: tk.sk, pk: tk.pk, sk: tk.sk}
	if src.ix != nil {
		ik, ok := keyOf(src.ix.Keys, esk)
		if !ok {
			return position{}, bad
		}
		p.h, p.ipk, p.isk = ik.h, ik.pk, ik.sk
	}
	return p, nil
}

// lastKey is the LastEvaluatedKey of a page that stopped after r.
func lastKey(src *source, r *row) attr.Item {
	out := attr.Item{}
	for _, n := range []string{src.t.Keys.PK, src.t.Keys.SK} {
		if n != "" {
			out[n] = r.item[n]
		}
	}
	if src.ix != nil {
		for _, n := range []string{src.ix.Keys.PK, src.ix.Keys.SK} {
			if v, ok := r.item[n]; ok && n != "" {
				out[n] = v
			}
		}
	}
	return out
}

// fetch reads up to n rows of src after pos, matching the partition
// hash/key and the sort key range when given, in order (desc: reverse).
func (s *Service) fetch(ctx context.Context, src *source, q *rangeQuery, pos position, desc bool, n int) ([]row, error) {
	var sb strings.Builder
	args := []any{src.t.ID}
	tbl := src.ix == nil
	if tbl {
		sb.WriteString("SELECT h, pk, sk, pk, sk, item, size FROM ddb_items WHERE table_id = ?")
	} else {
		sb.WriteString("SELECT h, ipk, isk, pk, sk, item, size FROM ddb_index_items WHERE table_id = ? AND idx = ?")
		args = append(args, src.ix.Name)
	}
	// The order columns: [h, ipk, isk, pk, sk] cut to what orders the
	// rows read (a query stays in one partition; the table's own key is
	// its index key).
	names := []string{"h", "ipk", "isk", "pk", "sk"}
	if tbl {
		names = []string{"h", "pk", "sk", "pk", "sk"}
	}
	lo, hi := 0, 5
	if q != nil {
		lo = 2
		sb.WriteString(" AND h = ? AND " + names[1] + " = ?")
		args = append(args, q.h, q.pk)
		for _, c := range q.conds {
			sb.WriteString(" AND " + names[2] + " " + c.op + " ?")
			args = append(args, c.v)
		}
	} else if src.segment != nil {
		sb.WriteString(" AND h >= ? AND h < ?")
		args = append(args, src.segment[0], src.segment[1])
	}
	if tbl {
		hi = 3
	}
	cols := names[lo:hi]
	if pos.set {
		vals := []any{pos.h, pos.ipk, pos.isk, pos.pk, pos.sk}[lo:hi]
		op := ">"
		if desc {
			op = "<"
		}
		if len(cols) == 1 {
			sb.WriteString(" AND " + cols[0] + " " + op + " ?")
		} else {
			sb.WriteString(" AND (" + strings.Join(cols, ", ") + ") " + op + " (" + strings.Repeat("?, ", len(cols)-1) + "?)")
		}
		args = append(args, vals...)
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	sb.WriteString(" ORDER BY ")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(c + dir)
	}
	sb.WriteString(" LIMIT ?")
	args = append(args, n)
	var out []row
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, sb.String(), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r row
			var size int64
			if err := rows.Scan(&r.h, &r.ipk, &r.isk, &r.pk, &r.sk, &r.raw, &size); err != nil {
				return err
			}
			r.isk, r.sk = nonNil(r.isk), nonNil(r.sk)
			r.size = int(size)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// rangeQuery selects one partition and a sort key range.
type rangeQuery struct {
	h     int64
	pk    []byte
	conds []skCond
}

type skCond struct {
	op string
	v  []byte
}

// page runs one Query or Scan page: it reads rows in order until limit
// rows or 1 MB were read, filters and projects them.
type pageResult struct {
	items   []attr.Item
	raw     [][]byte // the items kept, as stored, when shape was nil
	count   int      // items kept
	scanned int
	bytes   int
	last    attr.Item
}

// page reads a page; a nil shape keeps the items as stored (res.raw), to
// be written out without decoding them (they are decoded only for a
// filter).
func (s *Service) page(ctx context.Context, src *source, q *rangeQuery, pos position, desc bool, limit int, filter *expr.Condition, shape func(attr.Item) attr.Item) (*pageResult, error) {
	res := &pageResult{}
	for {
		want := readBatch
		if limit > 0 {
			want = min(want, limit-res.scanned)
		}
		rows, err := s.fetch(ctx, src, q, pos, desc, want)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			r := &rows[i]
			res.scanned++
			res.bytes += r.size
			keep := true
			if filter != nil {
				if err := r.decode(); err != nil {
					return nil, err
				}
				if keep, err = filter.Eval(r.item); err != nil {
					return nil, exprErr(err)
				}
			}
			if keep {
				res.count++
				if shape == nil {
					res.raw = append(res.raw, r.raw)
				} else {
					if err := r.decode(); err != nil {
						return nil, err
					}
					res.items = append(res.items, shape(r.item))
				}
			}
			if (limit > 0 && res.scanned >= limit) || res.bytes >= pageBytes {
				if err := r.decode(); err != nil {
					return nil, err
				}
				res.last = lastKey(src, r)
				return res, nil
			}
		}
		if len(rows) < want {
			return res, nil
		}
		l := &rows[len(rows)-1]
		pos = position{set: true, h: l.h, ipk: l.ipk, isk: l.isk, pk: l.pk, sk: l.sk}
	}
}

// skRange turns a sort key condition into byte range conditions.
func skRange(op expr.KeyOp, vals []attr.Value) []skCond {
	b := func(i int) []byte { return attr.KeyBytes(&vals[i]) }
	switch op {
	case expr.KeyEQ:
		return []skCond{{"=", b(0)}}
	case expr.KeyLT:
		return []skCond{{"<", b(0)}}
	case expr.KeyLE:
		return []skCond{{"<=", b(0)}}
	case expr.KeyGT:
		return []skCond{{">", b(0)}}
	case expr.KeyGE:
		return []skCond{{">=", b(0)}}
	case expr.KeyBetween:
		return []skCond{{">=", b(0)}, {"<=", b(1)}}
	case expr.KeyBeginsWith:
		p := b(0)
		out := []skCond{{">=", p}}
		if next := prefixEnd(p); next != nil {
			out = append(out, skCond{"<", next})
		}
		return out
	}
	return nil
}

// prefixEnd is the smallest byte string above every string with prefix p
// (nil when there is none: p is all 0xFF).
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
