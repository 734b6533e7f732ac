package dynamodb

import (
	"context"
	"sort"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// Batch limits.
const (
	maxBatchGet   = 100
	maxBatchWrite = 25
	// maxBatchGetBytes is the most item data one BatchGetItem returns
	// (16 MB); the rest comes back as UnprocessedKeys.
	maxBatchGetBytes = 16 << 20
)

// sortedTables returns a request's table names in order (deterministic
// processing and capacity lists).
func sortedTables[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BatchGetItem reads up to 100 items from one or more tables.
func (s *Service) BatchGetItem(ctx context.Context, in *dynamodbapi.BatchGetItemInput) (*dynamodbapi.BatchGetItemOutput, error) {
	total := 0
	for _, ka := range in.RequestItems {
		total += len(ka.Keys)
	}
	if total > maxBatchGet {
		return nil, validation("Too many items requested for the BatchGetItem call")
	}
	type req struct {
		t    *tableMeta
		ka   dynamodbapi.KeysAndAttributes
		keys []itemKey
		proj func(attr.Item) attr.Item
	}
	var reqs []req
	for _, name := range sortedTables(in.RequestItems) {
		ka := in.RequestItems[name]
		t, err := s.table(ctx, &name)
		if err != nil {
			return nil, err
		}
		r, err := newRequest("BatchGetItem", ka.ExpressionAttributeNames, nil, exprParams{projection: ka.ProjectionExpression}, legacyParams{attributesToGet: ka.AttributesToGet != nil})
		if err != nil {
			return nil, err
		}
		p, err := projection(r, ka.ProjectionExpression, ka.AttributesToGet)
		if err != nil {
			return nil, exprErr(err)
		}
		if err := r.CheckUnused(); err != nil {
			return nil, exprErr(err)
		}
		rq := req{t: t, ka: ka, proj: func(it attr.Item) attr.Item { return it }}
		if p != nil {
			rq.proj = p.Apply
		}
		seen := map[string]bool{}
		for _, key := range ka.Keys {
			k, err := checkKey(t, key)
			if err != nil {
				return nil, err
			}
			id := string(k.pk) + "\x00" + string(k.sk)
			if seen[id] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[id] = true
			rq.keys = append(rq.keys, k)
		}
		reqs = append(reqs, rq)
	}
	out := &dynamodbapi.BatchGetItemOutput{Responses: map[string][]map[string]dynamodbapi.AttributeValue{}}
	bytes := 0
	err := s.st.View(ctx, func(tx *store.Tx) error {
		for _, rq := range reqs {
			c := newCapacity(in.ReturnConsumedCapacity, rq.t.Name)
			items := []map[string]dynamodbapi.AttributeValue{}
			for i, k := range rq.keys {
				item, err := readItem(ctx, tx, rq.t, k)
				if err != nil {
					return err
				}
				size := attr.ItemSize(item)
				if item != nil && bytes+size > maxBatchGetBytes {
					// The rest comes back unprocessed rather than cross 16 MB.
					if out.UnprocessedKeys == nil {
						out.UnprocessedKeys = map[string]dynamodbapi.KeysAndAttributes{}
					}
					rest := rq.ka
					rest.Keys = rq.ka.Keys[i:]
					out.UnprocessedKeys[rq.t.Name] = rest
					break
				}
				if item != nil {
					bytes += size
					items = append(items, rq.proj(item))
				}
				c.addTable(readUnits(size, deref(rq.ka.ConsistentRead)))
			}
			out.Responses[rq.t.Name] = items
			if cc := c.out(); cc != nil {
				out.ConsumedCapacity = append(out.ConsumedCapacity, *cc)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatchWriteItem puts and deletes up to 25 items in one or more tables.
// Every request is validated before any is applied; they are applied in
// one store transaction (each without conditions, as on AWS).
func (s *Service) BatchWriteItem(ctx context.Context, in *dynamodbapi.BatchWriteItemInput) (*dynamodbapi.BatchWriteItemOutput, error) {
	total := 0
	for _, ws := range in.RequestItems {
		if len(ws) > maxBatchWrite {
			return nil, validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
		total += len(ws)
	}
	if total > maxBatchWrite {
		return nil, validation("Too many items requested for the BatchWriteItem call")
	}
	var ops []*writeOp
	for _, name := range sortedTables(in.RequestItems) {
		t, err := s.table(ctx, &name)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, w := range in.RequestItems[name] {
			op := &writeOp{t: t}
			switch {
			case w.PutRequest != nil && w.DeleteRequest == nil:
				if err := checkValues(w.PutRequest.Item); err != nil {
					return nil, err
				}
				if op.k, err = checkNewItem(t, w.PutRequest.Item); err != nil {
					return nil, err
				}
				op.put = w.PutRequest.Item
			case w.DeleteRequest != nil && w.PutRequest == nil:
				if op.k, err = checkKey(t, w.DeleteRequest.Key); err != nil {
					return nil, err
				}
				op.del = true
			default:
				return nil, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
			id := string(op.k.pk) + "\x00" + string(op.k.sk)
			if seen[id] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[id] = true
			ops = append(ops, op)
		}
	}
	// Keys are locked in one global order, so that concurrent batches and
	// transactions over the same items cannot deadlock on PostgreSQL.
	locked := append([]*writeOp{}, ops...)
	sortByKey(locked)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		for _, op := range locked {
			if err := s.runWrite(ctx, tx, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.BatchWriteItemOutput{UnprocessedItems: map[string][]dynamodbapi.WriteRequest{}}
	tc := newTableCapacities(in.ReturnConsumedCapacity)
	for _, op := range ops {
		tc.table(op.t.Name).addWrite(op.ch, 1)
	}
	out.ConsumedCapacity = tc.out()
	out.ItemCollectionMetrics = collectionMetricsByTable(in.ReturnItemCollectionMetrics, changesOf(locked))
	return out, nil
}
