package dynamodb

import (
	"context"
	"fmt"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
)

// selectMode resolves the Select parameter of a Query or Scan with its
// projection, as DynamoDB checks them.
func selectMode(src *source, sel *string, projected bool) (string, error) {
	mode := deref(sel)
	switch mode {
	case "":
		switch {
		case projected:
			mode = "SPECIFIC_ATTRIBUTES"
		case src.ix != nil:
			mode = "ALL_PROJECTED_ATTRIBUTES"
		default:
			mode = "ALL_ATTRIBUTES"
		}
	case "SPECIFIC_ATTRIBUTES":
		if !projected {
			return "", validation("Must specify the ProjectionExpression or AttributesToGet when choosing to get SPECIFIC_ATTRIBUTES")
		}
	case "ALL_PROJECTED_ATTRIBUTES":
		if src.ix == nil {
			return "", validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
		fallthrough
	default:
		if projected {
			return "", validation("Cannot specify the ProjectionExpression or AttributesToGet when choosing to get " + mode)
		}
	}
	if mode == "ALL_ATTRIBUTES" && src.ix != nil && !src.ix.Local && deref(src.ix.Projection.ProjectionType) != "ALL" {
		return "", validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index " + src.ix.Name + " because its projection type is not ALL")
	}
	return mode, nil
}

// shaper returns what a page keeps of each item it returns.
func (s *Service) shaper(ctx context.Context, src *source, mode string, proj *expr.Projection) func(attr.Item) attr.Item {
	switch {
	case mode == "COUNT":
		return func(attr.Item) attr.Item { return nil }
	case proj != nil:
		return proj.Apply
	case mode == "ALL_ATTRIBUTES" && src.ix != nil && deref(src.ix.Projection.ProjectionType) != "ALL":
		// A local index fetches the rest of the item from the table.
		return func(it attr.Item) attr.Item {
			k, ok := keyOf(src.t.Keys, it)
			if !ok {
				return it
			}
			var full attr.Item
			var b []byte
			if err := s.st.QueryRow(ctx, "SELECT item FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", src.t.ID, k.h, k.pk, k.sk).Scan(&b); err == nil {
				full, _ = decodeItem(b)
			}
			if full == nil {
				return it
			}
			return full
		}
	}
	return func(it attr.Item) attr.Item { return it }
}

// Query reads the items of one partition of a table or an index.
func (s *Service) Query(ctx context.Context, in *dynamodbapi.QueryInput) (*dynamodbapi.QueryOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	src, err := s.source(t, in.IndexName)
	if err != nil {
		return nil, err
	}
	if src.ix != nil && !src.ix.Local && deref(in.ConsistentRead) {
		return nil, validation("Consistent reads are not supported on global secondary indexes")
	}
	r, err := newRequest("Query", in.ExpressionAttributeNames, in.ExpressionAttributeValues,
		exprParams{keyCondition: in.KeyConditionExpression, filter: in.FilterExpression, projection: in.ProjectionExpression},
		legacyParams{keyConditions: in.KeyConditions != nil, queryFilter: in.QueryFilter != nil, attributesToGet: in.AttributesToGet != nil, conditionalOperator: in.ConditionalOperator != nil})
	if err != nil {
		return nil, err
	}
	var kc *expr.KeyCondition
	ks := expr.KeySchema{PartitionKey: src.ks.PK, PartitionKeyType: src.ks.PKType, SortKey: src.ks.SK, SortKeyType: src.ks.SKType}
	switch {
	case in.KeyConditionExpression != nil:
		kc, err = r.KeyCondition(*in.KeyConditionExpression, ks)
	case in.KeyConditions != nil:
		kc, err = expr.KeyConditions(in.KeyConditions, ks)
	default:
		return nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	if err != nil {
		return nil, exprErr(err)
	}
	var filter *expr.Condition
	switch {
	case in.FilterExpression != nil:
		filter, err = r.Filter(*in.FilterExpression)
	case len(in.QueryFilter) > 0:
		filter, err = expr.QueryFilter(in.QueryFilter, deref(in.ConditionalOperator))
	}
	if err != nil {
		return nil, exprErr(err)
	}
	proj, err := projection(r, in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	if filter != nil {
		for _, n := range filter.Attributes() {
			if n == src.ks.PK || n == src.ks.SK {
				return nil, validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + n)
			}
		}
	}
	mode, err := selectMode(src, in.Select, proj != nil)
	if err != nil {
		return nil, err
	}
	pkv := kc.PartitionValue
	pk := attr.KeyBytes(&pkv)
	q := &rangeQuery{h: partitionHash(pk), pk: pk}
	if kc.SortKey != "" {
		q.conds = skRange(kc.SortOp, kc.SortValues)
	}
	pos, err := startPosition(src, in.ExclusiveStartKey)
	if err != nil {
		return nil, err
	}
	desc := in.ScanIndexForward != nil && !*in.ScanIndexForward
	res, err := s.page(ctx, src, q, pos, desc, int(deref(in.Limit)), filter, s.shaper(ctx, src, mode, proj))
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.QueryOutput{Count: ptr(int32(len(res.items))), ScannedCount: ptr(int32(res.scanned)), LastEvaluatedKey: res.last}
	if mode != "COUNT" {
		out.Items = nonNilItems(res.items)
	}
	out.ConsumedCapacity = readCapacity(in.ReturnConsumedCapacity, src, res.bytes, deref(in.ConsistentRead))
	return out, nil
}

// Scan reads every item of a table or an index, or one segment of them.
func (s *Service) Scan(ctx context.Context, in *dynamodbapi.ScanInput) (*dynamodbapi.ScanOutput, error) {
	t, err := s.table(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	src, err := s.source(t, in.IndexName)
	if err != nil {
		return nil, err
	}
	if src.ix != nil && !src.ix.Local && deref(in.ConsistentRead) {
		return nil, validation("Consistent reads are not supported on global secondary indexes")
	}
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.Segment == nil && in.TotalSegments != nil:
		return nil, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case in.Segment != nil:
		seg, total := int64(*in.Segment), int64(*in.TotalSegments)
		if seg >= total {
			return nil, validation(fmt.Sprintf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", seg, total))
		}
		src.segment = &[2]int64{seg * (1 << 32) / total, (seg + 1) * (1 << 32) / total}
	}
	r, err := newRequest("Scan", in.ExpressionAttributeNames, in.ExpressionAttributeValues,
		exprParams{filter: in.FilterExpression, projection: in.ProjectionExpression},
		legacyParams{scanFilter: in.ScanFilter != nil, attributesToGet: in.AttributesToGet != nil, conditionalOperator: in.ConditionalOperator != nil})
	if err != nil {
		return nil, err
	}
	var filter *expr.Condition
	switch {
	case in.FilterExpression != nil:
		filter, err = r.Filter(*in.FilterExpression)
	case len(in.ScanFilter) > 0:
		filter, err = expr.ScanFilter(in.ScanFilter, deref(in.ConditionalOperator))
	}
	if err != nil {
		return nil, exprErr(err)
	}
	proj, err := projection(r, in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, exprErr(err)
	}
	mode, err := selectMode(src, in.Select, proj != nil)
	if err != nil {
		return nil, err
	}
	pos, err := startPosition(src, in.ExclusiveStartKey)
	if err != nil {
		return nil, err
	}
	res, err := s.page(ctx, src, nil, pos, false, int(deref(in.Limit)), filter, s.shaper(ctx, src, mode, proj))
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ScanOutput{Count: ptr(int32(len(res.items))), ScannedCount: ptr(int32(res.scanned)), LastEvaluatedKey: res.last}
	if mode != "COUNT" {
		out.Items = nonNilItems(res.items)
	}
	out.ConsumedCapacity = readCapacity(in.ReturnConsumedCapacity, src, res.bytes, deref(in.ConsistentRead))
	return out, nil
}

// readCapacity charges a page's bytes to the table or index it read.
func readCapacity(mode *string, src *source, bytes int, consistent bool) *dynamodbapi.ConsumedCapacity {
	c := newCapacity(mode, src.t.Name)
	u := readUnits(bytes, consistent)
	if src.ix != nil {
		c.addIndex(src.ix, u)
	} else {
		c.addTable(u)
	}
	return c.out()
}

// nonNilItems makes an empty page's Items an empty list, as AWS sends it.
func nonNilItems(items []attr.Item) []map[string]dynamodbapi.AttributeValue {
	out := make([]map[string]dynamodbapi.AttributeValue, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}
