package dynamodb

import (
	"context"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/store"
)

// Time to live: items whose TTL attribute (epoch seconds) has passed are
// deleted by a sweeper, each deletion with its stream record naming the
// DynamoDB service as the user identity, as AWS writes it. AWS deletes
// within a few days; hako sweeps every ttlInterval of clock time.
const (
	ttlInterval = 10 * time.Second
	ttlBatch    = 100
	trimEvery   = time.Hour
)

// startBackground starts the TTL sweeper and the stream trimmer.
func (s *Service) startBackground() {
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		clock.Every(s.ctx, s.clk, ttlInterval, nil, false, s.sweepTTL)
	}()
	go func() {
		defer s.wg.Done()
		clock.Every(s.ctx, s.clk, trimEvery, nil, true, s.trimStreams)
	}()
}

// DescribeTimeToLive reports a table's TTL setting.
func (s *Service) DescribeTimeToLive(ctx context.Context, in *dynamodbapi.DescribeTimeToLiveInput) (*dynamodbapi.DescribeTimeToLiveOutput, error) {
	t, name, err := s.lookup(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTableNotFound(name)
	}
	d := &dynamodbapi.TimeToLiveDescription{TimeToLiveStatus: ptr("DISABLED")}
	if t.TTLAttr != "" {
		d.TimeToLiveStatus, d.AttributeName = ptr("ENABLED"), ptr(t.TTLAttr)
	}
	return &dynamodbapi.DescribeTimeToLiveOutput{TimeToLiveDescription: d}, nil
}

// UpdateTimeToLive enables or disables TTL. Enabling reads every item's
// TTL attribute into the expiry column the sweeper scans.
func (s *Service) UpdateTimeToLive(ctx context.Context, in *dynamodbapi.UpdateTimeToLiveInput) (*dynamodbapi.UpdateTimeToLiveOutput, error) {
	return retryTableChange(ctx, s, func() (*dynamodbapi.UpdateTimeToLiveOutput, error) { return s.updateTimeToLive(ctx, in) })
}

func (s *Service) updateTimeToLive(ctx context.Context, in *dynamodbapi.UpdateTimeToLiveInput) (*dynamodbapi.UpdateTimeToLiveOutput, error) {
	t, name, err := s.lookup(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTableNotFound(name)
	}
	spec := in.TimeToLiveSpecification
	attrName, enable := deref(spec.AttributeName), deref(spec.Enabled)
	switch {
	case enable && t.TTLAttr != "":
		return nil, validation("TimeToLive is already enabled")
	case !enable && t.TTLAttr == "":
		return nil, validation("TimeToLive is already disabled")
	case !enable && t.TTLAttr != attrName:
		return nil, validation("TimeToLive is active on a different AttributeName: current AttributeName is " + t.TTLAttr)
	}
	nt := t.clone()
	if enable {
		nt.TTLAttr = attrName
	} else {
		nt.TTLAttr = ""
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		// Before any item's expiry is set (tablegen.go).
		if err := s.lockTable(ctx, tx, t); err != nil {
			return err
		}
		if !enable {
			if _, err := tx.Exec(ctx, "UPDATE ddb_items SET expires = NULL WHERE table_id = ?", t.ID); err != nil {
				return err
			}
			return s.saveTable(ctx, tx, nt)
		}
		if err := s.eachItem(ctx, tx, t, func(k itemKey, item map[string]dynamodbapi.AttributeValue) error {
			if e, ok := ttlSeconds(item[attrName]); ok {
				_, err := tx.Exec(ctx, "UPDATE ddb_items SET expires = ? WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", e, t.ID, k.h, k.pk, k.sk)
				return err
			}
			return nil
		}); err != nil {
			return err
		}
		return s.saveTable(ctx, tx, nt)
	})
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.UpdateTimeToLiveOutput{TimeToLiveSpecification: spec}, nil
}

// eachItem calls fn for every item of t, read in tx.
func (s *Service) eachItem(ctx context.Context, tx *store.Tx, t *tableMeta, fn func(itemKey, map[string]dynamodbapi.AttributeValue) error) error {
	type entry struct {
		k    itemKey
		item []byte
	}
	var all []entry
	rows, err := tx.Query(ctx, "SELECT h, pk, sk, item FROM ddb_items WHERE table_id = ?", t.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.k.h, &e.k.pk, &e.k.sk, &e.item); err != nil {
			rows.Close()
			return err
		}
		e.k.sk = nonNil(e.k.sk)
		all = append(all, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range all {
		item, err := decodeItem(e.item)
		if err != nil {
			return err
		}
		if err := fn(e.k, item); err != nil {
			return err
		}
	}
	return nil
}

// sweepTTL deletes the expired items of every table with TTL enabled.
func (s *Service) sweepTTL(ctx context.Context) {
	now := s.now().Unix()
	s.tables.mu.RLock()
	var tables []*tableMeta
	for _, t := range s.tables.m {
		if t.TTLAttr != "" {
			tables = append(tables, t)
		}
	}
	s.tables.mu.RUnlock()
	for _, t := range tables {
		for ctx.Err() == nil {
			n, err := s.expire(ctx, t, now)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("ttl sweep failed", "table", t.Name, "err", err)
				}
				break
			}
			if n < ttlBatch {
				break
			}
		}
	}
}

// ttlMaxAge is how far in the past an expiry may be for the item to be
// deleted: the developer guide says items whose TTL value is more than
// five years old are not deleted (taken as 5 x 365 days).
const ttlMaxAge = 5 * 365 * 24 * 3600

// expire deletes up to ttlBatch expired items of t; it returns how many
// it found.
func (s *Service) expire(ctx context.Context, t *tableMeta, now int64) (int, error) {
	var keys []itemKey
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT h, pk, sk FROM ddb_items WHERE table_id = ? AND expires IS NOT NULL AND expires <= ? AND expires > ? LIMIT ?",
			t.ID, now, now-ttlMaxAge, ttlBatch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k itemKey
			if err := rows.Scan(&k.h, &k.pk, &k.sk); err != nil {
				return err
			}
			k.sk = nonNil(k.sk)
			keys = append(keys, k)
		}
		return rows.Err()
	})
	if err != nil || len(keys) == 0 {
		return 0, err
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		cur := s.tables.get(t.Account, t.Region, t.Name)
		if cur == nil || cur.ID != t.ID || cur.TTLAttr == "" {
			return nil
		}
		for _, k := range keys {
			if err := tx.LockKey(ctx, []byte(cur.TableID), k.pk, k.sk); err != nil {
				return err
			}
			old, err := readItem(ctx, tx, cur, k)
			if err != nil {
				return err
			}
			// Re-checked under the lock: a write may have moved the expiry.
			if e, ok := ttlSeconds(old[cur.TTLAttr]); old == nil || !ok || e > now || e <= now-ttlMaxAge {
				continue
			}
			if err := s.apply(ctx, tx, &change{t: cur, k: k, old: old, ttl: true}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(keys), err
}
