package dynamodb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// Transaction limits.
const (
	maxTransactItems = 100
	maxTransactBytes = 4 << 20
	tokenLifetime    = 10 * time.Minute
)

// action is one TransactWriteItems action, normalised.
type action struct {
	table, cond, upd *string
	key, item        attr.Item
	names            map[string]string
	values           attr.Item
	onFail           *string
	kind             string // ConditionCheck, Put, Delete, Update
}

func actionOf(it dynamodbapi.TransactWriteItem) (action, error) {
	n := 0
	var a action
	if c := it.ConditionCheck; c != nil {
		n++
		a = action{kind: "ConditionCheck", table: c.TableName, cond: c.ConditionExpression, key: c.Key, names: c.ExpressionAttributeNames, values: c.ExpressionAttributeValues, onFail: c.ReturnValuesOnConditionCheckFailure}
	}
	if p := it.Put; p != nil {
		n++
		a = action{kind: "Put", table: p.TableName, cond: p.ConditionExpression, item: p.Item, names: p.ExpressionAttributeNames, values: p.ExpressionAttributeValues, onFail: p.ReturnValuesOnConditionCheckFailure}
	}
	if d := it.Delete; d != nil {
		n++
		a = action{kind: "Delete", table: d.TableName, cond: d.ConditionExpression, key: d.Key, names: d.ExpressionAttributeNames, values: d.ExpressionAttributeValues, onFail: d.ReturnValuesOnConditionCheckFailure}
	}
	if u := it.Update; u != nil {
		n++
		a = action{kind: "Update", table: u.TableName, cond: u.ConditionExpression, upd: u.UpdateExpression, key: u.Key, names: u.ExpressionAttributeNames, values: u.ExpressionAttributeValues, onFail: u.ReturnValuesOnConditionCheckFailure}
	}
	if n != 1 {
		return a, validation("TransactItems can only contain one of Check, Put, Update or Delete")
	}
	return a, nil
}

// prepare parses and validates an action into a writeOp.
func (s *Service) prepare(ctx context.Context, a action) (*writeOp, error) {
	t, err := s.table(ctx, a.table)
	if err != nil {
		return nil, err
	}
	op := &writeOp{t: t, onFail: a.onFail}
	switch a.kind {
	case "Put":
		if err := checkValues(a.item); err != nil {
			return nil, err
		}
		if op.k, err = checkNewItem(t, a.item); err != nil {
			return nil, err
		}
		op.put = a.item
	default:
		if op.k, err = checkKey(t, a.key); err != nil {
			return nil, err
		}
		op.key = a.key
		op.del = a.kind == "Delete"
		op.check = a.kind == "ConditionCheck"
	}
	opName := a.kind
	if opName != "ConditionCheck" {
		opName += "Item"
	}
	r, err := newRequest(opName, a.names, a.values, exprParams{condition: a.cond, update: a.upd}, legacyParams{})
	if err != nil {
		return nil, err
	}
	if a.kind == "ConditionCheck" && a.cond == nil {
		return nil, validation("The ConditionExpression parameter is required for a ConditionCheck")
	}
	if a.cond != nil {
		if op.cond, err = r.Condition(*a.cond); err != nil {
			return nil, exprErr(err)
		}
	}
	if a.upd != nil {
		if op.upd, err = r.Update(*a.upd); err != nil {
			return nil, exprErr(err)
		}
		if err := checkUpdateTargets(t, op.upd); err != nil {
			return nil, err
		}
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	return op, nil
}

// TransactWriteItems applies up to 100 actions atomically: every
// condition is checked before anything is written, and a failure cancels
// the whole transaction with a reason per action.
func (s *Service) TransactWriteItems(ctx context.Context, in *dynamodbapi.TransactWriteItemsInput) (*dynamodbapi.TransactWriteItemsOutput, error) {
	if len(in.TransactItems) > maxTransactItems {
		return nil, validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	raw, _ := json.Marshal(in.TransactItems)
	if len(raw) > maxTransactBytes {
		return nil, validation("Transaction request size has exceeded the maximum allowed size")
	}
	ops := make([]*writeOp, 0, len(in.TransactItems))
	for _, it := range in.TransactItems {
		a, err := actionOf(it)
		if err != nil {
			return nil, err
		}
		op, err := s.prepare(ctx, a)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if err := oneOpPerItem(ops); err != nil {
		return nil, err
	}
	replayed, err := s.idempotent(ctx, in.ClientRequestToken, raw, func(tx *store.Tx) error {
		return s.runTransaction(ctx, tx, ops)
	})
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.TransactWriteItemsOutput{}
	out.ConsumedCapacity = transactCapacity(in.ReturnConsumedCapacity, ops, replayed)
	if !replayed {
		var written []*writeOp
		for _, op := range ops {
			if !op.check {
				written = append(written, op)
			}
		}
		out.ItemCollectionMetrics = collectionMetricsByTable(in.ReturnItemCollectionMetrics, changesOf(written))
	}
	return out, nil
}

// oneOpPerItem refuses a transaction that names an item twice.
func oneOpPerItem(ops []*writeOp) error {
	seen := map[string]bool{}
	for _, op := range ops {
		id := op.t.TableID + "\x00" + string(op.k.pk) + "\x00" + string(op.k.sk)
		if seen[id] {
			return validation("Transaction request cannot include multiple operations on one item")
		}
		seen[id] = true
	}
	return nil
}

// idempotent runs a transaction's writes (run, in one store transaction)
// under its ClientRequestToken: a token seen in the last 10 minutes with
// the same request (raw, its canonical JSON) is answered without running
// it again (replayed), with another request it is
// IdempotentParameterMismatchException. TransactWriteItems and
// ExecuteTransaction share the tokens.
func (s *Service) idempotent(ctx context.Context, token *string, raw []byte, run func(tx *store.Tx) error) (replayed bool, err error) {
	ri := reqinfo.From(ctx)
	tok := deref(token)
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		replayed = false
		if tok != "" {
			if err := tx.LockKey(ctx, []byte("ddb-token"), []byte(ri.Account), []byte(tok)); err != nil {
				return err
			}
			var d string
			var created int64
			err := tx.QueryRow(ctx, "SELECT digest, created_at FROM ddb_tx_tokens WHERE account = ? AND region = ? AND token = ?", ri.Account, ri.Region, tok).Scan(&d, &created)
			switch {
			case err == nil && s.now().Sub(time.UnixMilli(created)) < tokenLifetime:
				if d != digest {
					return apiErr("IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request.")
				}
				replayed = true
				return nil
			case err != nil && !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := run(tx); err != nil {
			return err
		}
		if tok == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO ddb_tx_tokens (account, region, token, digest, result, created_at) VALUES (?, ?, ?, ?, '', ?)
			ON CONFLICT (account, region, token) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at`,
			ri.Account, ri.Region, tok, digest, s.now().UnixMilli())
		return err
	})
	return replayed, err
}

// runTransaction locks every item (in key order, so concurrent
// transactions cannot deadlock), checks every condition, then writes.
func (s *Service) runTransaction(ctx context.Context, tx *store.Tx, ops []*writeOp) error {
	order := append([]*writeOp{}, ops...)
	sortByKey(order)
	for _, op := range order {
		if err := op.lock(ctx, tx); err != nil {
			return err
		}
	}
	for _, op := range ops {
		if err := op.load(ctx, tx); err != nil {
			return err
		}
	}
	reasons := make([]dynamodbapi.CancellationReason, len(ops))
	failed := false
	for i, op := range ops {
		reasons[i] = dynamodbapi.CancellationReason{Code: ptr("None")}
		err := checkCondition(op.cond, op.ch.old, op.onFail)
		if err == nil {
			err = op.compute()
		}
		if err == nil {
			continue
		}
		failed = true
		var ae *awserr.Error
		if !errors.As(err, &ae) {
			return err
		}
		switch ae.Code {
		case "ConditionalCheckFailedException":
			reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ConditionalCheckFailed"), Message: ptr("The conditional request failed")}
			if deref(op.onFail) == "ALL_OLD" && op.ch.old != nil {
				reasons[i].Item = op.ch.old
			}
		default:
			reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ValidationError"), Message: ptr(ae.Message)}
		}
	}
	if failed {
		return txCanceled(reasons)
	}
	for i, op := range ops {
		if op.check {
			continue
		}
		if err := s.apply(ctx, tx, op.ch); err != nil {
			return applyErr(err, reasons, i)
		}
	}
	return nil
}

// applyErr is the error of a transaction whose action i failed to apply
// (every condition having passed): a collection past its size limit
// cancels the transaction with that reason; the store rolls back what the
// earlier actions wrote.
func applyErr(err error, reasons []dynamodbapi.CancellationReason, i int) error {
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ItemCollectionSizeLimitExceededException" {
		return err
	}
	reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ItemCollectionSizeLimitExceeded"), Message: ptr(ae.Message)}
	return txCanceled(reasons)
}

// changesOf returns the changes of ops, in order.
func changesOf(ops []*writeOp) []*change {
	chs := make([]*change, len(ops))
	for i, op := range ops {
		chs[i] = op.ch
	}
	return chs
}

// sortByKey orders writes by table and key: the order every multi-item
// write locks its items in.
func sortByKey(ops []*writeOp) {
	sort.Slice(ops, func(i, j int) bool {
		a, b := ops[i], ops[j]
		if a.t.TableID != b.t.TableID {
			return a.t.TableID < b.t.TableID
		}
		if c := bytes.Compare(a.k.pk, b.k.pk); c != 0 {
			return c < 0
		}
		return bytes.Compare(a.k.sk, b.k.sk) < 0
	})
}

// transactCapacity charges a transaction's writes twice, per table.
func transactCapacity(mode *string, ops []*writeOp, replayed bool) []dynamodbapi.ConsumedCapacity {
	tc := newTableCapacities(mode)
	for _, op := range ops {
		c := tc.table(op.t.Name)
		switch {
		case replayed:
			// A replayed request is charged as reads of the items.
			c.addTable(readUnits(0, true))
		case op.check:
			c.addTable(2 * readUnits(attr.ItemSize(op.ch.old), true))
		default:
			c.addWrite(op.ch, 2)
		}
	}
	return tc.out()
}

// TransactGetItems reads up to 100 items as one consistent snapshot.
func (s *Service) TransactGetItems(ctx context.Context, in *dynamodbapi.TransactGetItemsInput) (*dynamodbapi.TransactGetItemsOutput, error) {
	if len(in.TransactItems) > maxTransactItems {
		return nil, validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	type get struct {
		t    *tableMeta
		k    itemKey
		proj func(attr.Item) attr.Item
	}
	gets := make([]get, len(in.TransactItems))
	for i, it := range in.TransactItems {
		g := it.Get
		if g == nil {
			return nil, validation("1 validation error detected: Value null at 'transactItems." + strconv.Itoa(i+1) + ".member.get' failed to satisfy constraint: Member must not be null")
		}
		t, err := s.table(ctx, g.TableName)
		if err != nil {
			return nil, err
		}
		k, err := checkKey(t, g.Key)
		if err != nil {
			return nil, err
		}
		r, err := newRequest("GetItem", g.ExpressionAttributeNames, nil, exprParams{projection: g.ProjectionExpression}, legacyParams{})
		if err != nil {
			return nil, err
		}
		p, err := projection(r, g.ProjectionExpression, nil)
		if err != nil {
			return nil, exprErr(err)
		}
		if err := r.CheckUnused(); err != nil {
			return nil, exprErr(err)
		}
		gets[i] = get{t: t, k: k, proj: func(it attr.Item) attr.Item { return it }}
		if p != nil {
			gets[i].proj = p.Apply
		}
	}
	out := &dynamodbapi.TransactGetItemsOutput{Responses: make([]dynamodbapi.ItemResponse, len(gets))}
	sizes := make([]int, len(gets))
	err := s.st.View(ctx, func(tx *store.Tx) error {
		for i, g := range gets {
			item, err := readItem(ctx, tx, g.t, g.k)
			if err != nil {
				return err
			}
			if item != nil {
				sizes[i] = attr.ItemSize(item)
				out.Responses[i].Item = g.proj(item)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tc := newTableCapacities(in.ReturnConsumedCapacity)
	for i, g := range gets {
		tc.table(g.t.Name).addTable(2 * readUnits(sizes[i], true))
	}
	out.ConsumedCapacity = tc.out()
	return out, nil
}
