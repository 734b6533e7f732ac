package dynamodb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
	"github.com/hako-dev/hako/internal/store"
)

// checkValues validates and canonicalises every value of an input map.
func checkValues(it attr.Item) error {
	if err := attr.CheckItem(it); err != nil {
		return validation(err.Error())
	}
	return nil
}

// checkKey validates a Key parameter against the table's key schema.
func checkKey(t *tableMeta, key attr.Item) (itemKey, error) {
	if err := checkValues(key); err != nil {
		return itemKey{}, err
	}
	want := 1
	if t.Keys.SK != "" {
		want = 2
	}
	k, ok := keyOf(t.Keys, key)
	if !ok || len(key) != want {
		return itemKey{}, validation("The provided key element does not match the schema")
	}
	if err := checkKeyValues(t.Keys, key, ""); err != nil {
		return itemKey{}, err
	}
	return k, nil
}

// Key size limits.
const (
	maxHashKey  = 2048
	maxRangeKey = 1024
)

// checkKeyValues rejects empty string and binary key values and keys over
// DynamoDB's size limits.
func checkKeyValues(ks keySchema, item attr.Item, index string) error {
	for _, n := range []string{ks.PK, ks.SK} {
		if n == "" {
			continue
		}
		v, ok := item[n]
		if !ok {
			continue
		}
		// String and binary keys count their bytes (numbers are small);
		// measured in place: this runs on every key of every request.
		if size := len(deref(v.S)) + len(v.B); v.N == nil {
			if n == ks.PK && size > maxHashKey {
				return validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
			}
			if n == ks.SK && size > maxRangeKey {
				return validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
			}
		}
		if (v.S != nil && *v.S == "") || (v.B != nil && len(v.B) == 0) {
			if index != "" {
				return validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty " + emptyKind(v) + " value. IndexName: " + index + ", IndexKey: " + n)
			}
			return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty " + emptyKind(v) + " value. Key: " + n)
		}
	}
	return nil
}

func emptyKind(v attr.Value) string {
	if v.B != nil {
		return "binary"
	}
	return "string"
}

// checkNewItem validates an item about to be stored: its key, the types of
// the index keys it carries, and its size.
func checkNewItem(t *tableMeta, item attr.Item) (itemKey, error) {
	for _, n := range []string{t.Keys.PK, t.Keys.SK} {
		if n == "" {
			continue
		}
		v, ok := item[n]
		if !ok {
			return itemKey{}, validation("One or more parameter values were invalid: Missing the key " + n + " in the item")
		}
		want := t.Keys.PKType
		if n == t.Keys.SK {
			want = t.Keys.SKType
		}
		if got := attr.Type(&v); got != want {
			return itemKey{}, validation("One or more parameter values were invalid: Type mismatch for key " + n + " expected: " + want + " actual: " + got)
		}
	}
	if err := checkKeyValues(t.Keys, item, ""); err != nil {
		return itemKey{}, err
	}
	for _, ix := range t.indexes() {
		for _, n := range []string{ix.Keys.PK, ix.Keys.SK} {
			if n == "" {
				continue
			}
			v, ok := item[n]
			if !ok {
				continue
			}
			want := ix.Keys.PKType
			if n == ix.Keys.SK {
				want = ix.Keys.SKType
			}
			if got := attr.Type(&v); got != want {
				return itemKey{}, validation("One or more parameter values were invalid: Type mismatch for Index Key " + n + " Expected: " + want + " Actual: " + got + " IndexName: " + ix.Name)
			}
		}
		if err := checkKeyValues(ix.Keys, item, ix.Name); err != nil {
			return itemKey{}, err
		}
	}
	if attr.ItemSize(item) > maxItemSize {
		return itemKey{}, validation("Item size has exceeded the maximum allowed size")
	}
	k, _ := keyOf(t.Keys, item)
	return k, nil
}

// returnValues checks a ReturnValues parameter against what op allows.
func returnValues(op string, rv *string) (string, error) {
	v := deref(rv)
	switch op {
	case "UpdateItem":
		switch v {
		case "", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW":
			return v, nil
		}
	default:
		switch v {
		case "", "NONE", "ALL_OLD":
			return v, nil
		}
		return "", validation("ReturnValues can only be ALL_OLD or NONE")
	}
	return "", validation("1 validation error detected: Value '" + v + "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
}

// condition builds the condition of a write from ConditionExpression or
// the legacy Expected parameter.
func condition(r *expr.Request, ce *string, expected map[string]dynamodbapi.ExpectedAttributeValue, op *string) (*expr.Condition, error) {
	if err := checkConditionalOperator(op, len(expected)); err != nil {
		return nil, err
	}
	if ce != nil {
		return r.Condition(*ce)
	}
	if len(expected) > 0 {
		return expr.Expected(expected, deref(op))
	}
	return nil, nil
}

// checkCondition evaluates cond on the current item (nil: none).
func checkCondition(cond *expr.Condition, old attr.Item, onFail *string) error {
	if cond == nil {
		return nil
	}
	ok, err := cond.Eval(old)
	if err != nil {
		return exprErr(err)
	}
	if !ok {
		var item attr.Item
		if deref(onFail) == "ALL_OLD" && old != nil {
			item = old
		}
		return errConditionalCheckFailed(item)
	}
	return nil
}

// exprErr maps an expression error to ValidationException.
func exprErr(err error) error {
	var ae *attr.Error
	if errors.As(err, &ae) {
		return validation(ae.Msg)
	}
	return err
}

// PutItem creates or replaces an item.
func (s *Service) PutItem(ctx context.Context, in *dynamodbapi.PutItemInput) (*dynamodbapi.PutItemOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	rv, err := returnValues("PutItem", in.ReturnValues)
	if err != nil {
		return nil, err
	}
	if err := checkValues(in.Item); err != nil {
		return nil, err
	}
	k, err := checkNewItem(t, in.Item)
	if err != nil {
		return nil, err
	}
	r, err := newRequest("PutItem", in.ExpressionAttributeNames, in.ExpressionAttributeValues, exprParams{condition: in.ConditionExpression}, legacyParams{expected: in.Expected != nil, conditionalOperator: in.ConditionalOperator != nil})
	if err != nil {
		return nil, err
	}
	cond, err := condition(r, in.ConditionExpression, in.Expected, in.ConditionalOperator)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	op := &writeOp{t: t, k: k, put: in.Item, cond: cond, onFail: in.ReturnValuesOnConditionCheckFailure}
	if err := s.st.Update(ctx, func(tx *store.Tx) error { return s.runWrite(ctx, tx, op) }); err != nil {
		return nil, err
	}
	ch := op.ch
	out := &dynamodbapi.PutItemOutput{}
	if rv == "ALL_OLD" && ch.old != nil {
		out.Attributes = ch.old
	}
	c := newCapacity(in.ReturnConsumedCapacity, t.Name)
	c.addWrite(ch, 1)
	out.ConsumedCapacity = c.out()
	out.ItemCollectionMetrics = collectionMetrics(in.ReturnItemCollectionMetrics, op.ch)
	return out, nil
}

// GetItem reads one item.
func (s *Service) GetItem(ctx context.Context, in *dynamodbapi.GetItemInput) (*dynamodbapi.GetItemOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	k, err := checkKey(t, in.Key)
	if err != nil {
		return nil, err
	}
	r, err := newRequest("GetItem", in.ExpressionAttributeNames, nil, exprParams{projection: in.ProjectionExpression}, legacyParams{attributesToGet: in.AttributesToGet != nil})
	if err != nil {
		return nil, err
	}
	proj, err := projection(r, in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	if err := checkScalarKeys(t, exprPaths(nil, proj)); err != nil {
		return nil, err
	}
	var b []byte
	var size int
	err = s.st.QueryRow(ctx, "SELECT item, size FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", t.ID, k.h, k.pk, k.sk).Scan(&b, &size)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	out := &dynamodbapi.GetItemOutput{}
	switch {
	case b == nil:
		size = 0
	case proj == nil:
		out.RawItem = b // as stored: written out without decoding
	default:
		item, err := decodeItem(b)
		if err != nil {
			return nil, err
		}
		out.Item = proj.Apply(item)
	}
	c := newCapacity(in.ReturnConsumedCapacity, t.Name)
	c.addTable(readUnits(size, deref(in.ConsistentRead)))
	out.ConsumedCapacity = c.out()
	return out, nil
}

// projection builds the projection of a read from ProjectionExpression or
// the legacy AttributesToGet (nil: the whole item).
func projection(r *expr.Request, pe *string, toGet []string) (*expr.Projection, error) {
	if pe != nil {
		return r.Projection(*pe)
	}
	if len(toGet) > 0 {
		return expr.AttributesToGet(toGet)
	}
	return nil, nil
}

// DeleteItem deletes one item.
func (s *Service) DeleteItem(ctx context.Context, in *dynamodbapi.DeleteItemInput) (*dynamodbapi.DeleteItemOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	rv, err := returnValues("DeleteItem", in.ReturnValues)
	if err != nil {
		return nil, err
	}
	k, err := checkKey(t, in.Key)
	if err != nil {
		return nil, err
	}
	r, err := newRequest("DeleteItem", in.ExpressionAttributeNames, in.ExpressionAttributeValues, exprParams{condition: in.ConditionExpression}, legacyParams{expected: in.Expected != nil, conditionalOperator: in.ConditionalOperator != nil})
	if err != nil {
		return nil, err
	}
	cond, err := condition(r, in.ConditionExpression, in.Expected, in.ConditionalOperator)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	op := &writeOp{t: t, k: k, del: true, cond: cond, onFail: in.ReturnValuesOnConditionCheckFailure}
	if err := s.st.Update(ctx, func(tx *store.Tx) error { return s.runWrite(ctx, tx, op) }); err != nil {
		return nil, err
	}
	ch := op.ch
	out := &dynamodbapi.DeleteItemOutput{}
	if rv == "ALL_OLD" && ch.old != nil {
		out.Attributes = ch.old
	}
	c := newCapacity(in.ReturnConsumedCapacity, t.Name)
	c.addWrite(ch, 1)
	out.ConsumedCapacity = c.out()
	out.ItemCollectionMetrics = collectionMetrics(in.ReturnItemCollectionMetrics, op.ch)
	return out, nil
}

// UpdateItem edits an item's attributes, creating the item if needed.
func (s *Service) UpdateItem(ctx context.Context, in *dynamodbapi.UpdateItemInput) (*dynamodbapi.UpdateItemOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	rv, err := returnValues("UpdateItem", in.ReturnValues)
	if err != nil {
		return nil, err
	}
	k, err := checkKey(t, in.Key)
	if err != nil {
		return nil, err
	}
	r, err := newRequest("UpdateItem", in.ExpressionAttributeNames, in.ExpressionAttributeValues,
		exprParams{condition: in.ConditionExpression, update: in.UpdateExpression},
		legacyParams{expected: in.Expected != nil, attributeUpdates: in.AttributeUpdates != nil, conditionalOperator: in.ConditionalOperator != nil})
	if err != nil {
		return nil, err
	}
	var upd *expr.Update
	switch {
	case in.UpdateExpression != nil:
		upd, err = r.Update(*in.UpdateExpression)
	case len(in.AttributeUpdates) > 0:
		upd, err = expr.AttributeUpdates(in.AttributeUpdates)
	}
	if err != nil {
		return nil, exprErr(err)
	}
	cond, err := condition(r, in.ConditionExpression, in.Expected, in.ConditionalOperator)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	if err := checkUpdateTargets(t, upd); err != nil {
		return nil, err
	}
	op := &writeOp{t: t, k: k, key: in.Key, upd: upd, cond: cond, onFail: in.ReturnValuesOnConditionCheckFailure}
	if err := s.st.Update(ctx, func(tx *store.Tx) error { return s.runWrite(ctx, tx, op) }); err != nil {
		return nil, err
	}
	ch, changed := op.ch, op.changed
	out := &dynamodbapi.UpdateItemOutput{}
	switch rv {
	case "ALL_OLD":
		if ch.old != nil {
			out.Attributes = ch.old
		}
	case "ALL_NEW":
		out.Attributes = ch.new
	case "UPDATED_OLD", "UPDATED_NEW":
		if upd != nil && changed != nil {
			src := ch.old
			if rv == "UPDATED_NEW" {
				src = ch.new
			}
			if src != nil {
				if p := upd.Projection().Apply(src); len(p) > 0 {
					out.Attributes = p
				}
			}
		}
	}
	c := newCapacity(in.ReturnConsumedCapacity, t.Name)
	c.addWrite(ch, 1)
	out.ConsumedCapacity = c.out()
	out.ItemCollectionMetrics = collectionMetrics(in.ReturnItemCollectionMetrics, op.ch)
	return out, nil
}

// checkUpdateTargets refuses updates of key attributes.
func checkUpdateTargets(t *tableMeta, upd *expr.Update) error {
	if upd == nil {
		return nil
	}
	for _, n := range upd.Attributes() {
		if n == t.Keys.PK || n == t.Keys.SK {
			return validation("One or more parameter values were invalid: Cannot update attribute " + n + ". This attribute is part of the key")
		}
	}
	return nil
}

// writeOp is one prepared write (PutItem, UpdateItem, DeleteItem or a
// transaction's action): parsed and validated before the transaction,
// executed inside it in steps (lock, load, check, compute, apply) so a
// transaction can check every condition before changing anything.
type writeOp struct {
	t      *tableMeta
	k      itemKey
	key    attr.Item // the Key parameter (an update creates the item from it)
	put    attr.Item // Put: the new item
	del    bool      // Delete
	upd    *expr.Update
	cond   *expr.Condition
	onFail *string // ReturnValuesOnConditionCheckFailure
	check  bool    // ConditionCheck: nothing is written

	ch      *change
	changed []string // top-level attributes an update changed
}

func (op *writeOp) lock(ctx context.Context, tx *store.Tx) error {
	return tx.LockKey(ctx, []byte(op.t.TableID), op.k.pk, op.k.sk)
}

func (op *writeOp) load(ctx context.Context, tx *store.Tx) error {
	old, err := readItem(ctx, tx, op.t, op.k)
	op.ch = &change{t: op.t, k: op.k, old: old}
	return err
}

// compute sets the item after the write.
func (op *writeOp) compute() error {
	switch {
	case op.check, op.del:
		return nil
	case op.put != nil:
		op.ch.new = op.put
		return nil
	}
	var next attr.Item
	var err error
	switch {
	case op.upd == nil && op.ch.old != nil:
		next = op.ch.old
	case op.upd == nil:
		next = attr.CloneItem(op.key)
	case op.ch.old != nil:
		next, op.changed, err = op.upd.Apply(op.ch.old)
	default:
		next, op.changed, err = op.upd.ApplyNew(op.key)
		if err == nil && len(next) == len(op.key) {
			// Nothing but REMOVE or DELETE on an item that does not
			// exist: DynamoDB creates nothing.
			op.changed = nil
			return nil
		}
	}
	if err != nil {
		return exprErr(err)
	}
	if attr.ItemSize(next) > maxItemSize {
		return validation("Item size to update has exceeded the maximum allowed size")
	}
	if _, err := checkNewItem(op.t, next); err != nil {
		return err
	}
	op.ch.new = next
	return nil
}

// runWrite executes a single write in tx.
func (s *Service) runWrite(ctx context.Context, tx *store.Tx, op *writeOp) error {
	if err := op.lock(ctx, tx); err != nil {
		return err
	}
	if err := op.load(ctx, tx); err != nil {
		return err
	}
	if err := checkCondition(op.cond, op.ch.old, op.onFail); err != nil {
		return err
	}
	if err := op.compute(); err != nil {
		return err
	}
	return s.apply(ctx, tx, op.ch)
}
