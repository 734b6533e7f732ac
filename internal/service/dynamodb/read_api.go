package dynamodb

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
)

// selectMode resolves the Select parameter of a Query or Scan with its
// projection, as DynamoDB checks them.
func selectMode(src *source, sel *string, projected bool, legacy bool) (string, error) {
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
			param, what := "ProjectionExpression", mode
			if legacy {
				param = "AttributesToGet"
			}
			if mode == "COUNT" {
				what = "only the Count"
			}
			return "", validation("Cannot specify the " + param + " when choosing to get " + what)
		}
	}
	if mode == "ALL_ATTRIBUTES" && src.ix != nil && !src.ix.Local && deref(src.ix.Projection.ProjectionType) != "ALL" {
		return "", validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index " + src.ix.Name + " because its projection type is not ALL")
	}
	return mode, nil
}

// shaper returns what a page keeps of each item it returns. A local
// index whose projection lacks what was asked for (Select ALL_ATTRIBUTES,
// or a ProjectionExpression naming attributes it does not hold) fetches
// the item from the table; fetched counts the bytes those reads charge
// (each item rounded up to 4 KB, as DynamoDB charges them). It returns nil
// when the items are returned whole, as stored.
func (s *Service) shaper(ctx context.Context, src *source, mode string, proj *expr.Projection, fetched *int) func(attr.Item) attr.Item {
	if mode == "COUNT" {
		return func(attr.Item) attr.Item { return nil }
	}
	fetch := false
	if ix := src.ix; ix != nil && ix.Local && deref(ix.Projection.ProjectionType) != "ALL" {
		if proj == nil {
			fetch = mode == "ALL_ATTRIBUTES"
		} else {
			held := map[string]bool{}
			for _, n := range []string{src.t.Keys.PK, src.t.Keys.SK, ix.Keys.PK, ix.Keys.SK} {
				held[n] = true
			}
			for _, n := range ix.Projection.NonKeyAttributes {
				held[n] = true
			}
			for _, n := range proj.Attributes() {
				fetch = fetch || !held[n]
			}
		}
	}
	if proj == nil && !fetch {
		return nil
	}
	shape := func(it attr.Item) attr.Item { return it }
	if proj != nil {
		shape = proj.Apply
	}
	if !fetch {
		return shape
	}
	return func(it attr.Item) attr.Item {
		k, ok := keyOf(src.t.Keys, it)
		if !ok {
			return shape(it)
		}
		var b []byte
		if err := s.st.QueryRow(ctx, "SELECT item FROM ddb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", src.t.ID, k.h, k.pk, k.sk).Scan(&b); err != nil {
			return shape(it)
		}
		full, err := decodeItem(b)
		if err != nil {
			return shape(it)
		}
		*fetched += (attr.ItemSize(full) + 4095) / 4096 * 4096
		return shape(full)
	}
}

// readExprs parses a Query's or Scan's filter (FilterExpression, or the
// legacy filter map through legacy) and projection, then checks that
// every expression attribute name and value was used.
func readExprs(r *expr.Request, fe *string, legacyFilter map[string]dynamodbapi.Condition,
	legacy func(map[string]dynamodbapi.Condition, string) (*expr.Condition, error), op *string,
	pe *string, toGet []string) (*expr.Condition, *expr.Projection, error) {
	if err := checkConditionalOperator(op, len(legacyFilter)); err != nil {
		return nil, nil, err
	}
	var filter *expr.Condition
	var err error
	switch {
	case fe != nil:
		filter, err = r.Filter(*fe)
	case len(legacyFilter) > 0:
		filter, err = legacy(legacyFilter, deref(op))
	}
	if err != nil {
		return nil, nil, exprErr(err)
	}
	proj, err := projection(r, pe, toGet)
	if err != nil {
		return nil, nil, exprErr(err)
	}
	if err := r.CheckUnused(); err != nil {
		return nil, nil, exprErr(err)
	}
	return filter, proj, nil
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
	filter, proj, err := readExprs(r, in.FilterExpression, in.QueryFilter, expr.QueryFilter, in.ConditionalOperator, in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, err
	}
	if filter != nil {
		what := "Filter Expression"
		if in.QueryFilter != nil {
			what = "QueryFilter"
		}
		for _, n := range filter.Attributes() {
			if n == src.ks.PK || n == src.ks.SK {
				return nil, validation(what + " can only contain non-primary key attributes: Primary key attribute: " + n)
			}
		}
	}
	if err := checkScalarKeys(t, exprPaths(filter, proj)); err != nil {
		return nil, err
	}
	mode, err := selectMode(src, in.Select, proj != nil, in.AttributesToGet != nil)
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
	if pos.set {
		if err := checkQueryStart(src, kc, q, pos); err != nil {
			return nil, err
		}
	}
	desc := in.ScanIndexForward != nil && !*in.ScanIndexForward
	fetched := 0
	res, err := s.page(ctx, src, q, pos, desc, int(deref(in.Limit)), filter, s.shaper(ctx, src, mode, proj, &fetched))
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.QueryOutput{Count: ptr(int32(res.count)), ScannedCount: ptr(int32(res.scanned)), LastEvaluatedKey: res.last}
	switch {
	case mode == "COUNT":
	case res.raw != nil:
		out.RawItems = res.raw
	default:
		out.Items = nonNilItems(res.items)
	}
	out.ConsumedCapacity = readCapacity(in.ReturnConsumedCapacity, src, res.bytes+fetched, deref(in.ConsistentRead))
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
	filter, proj, err := readExprs(r, in.FilterExpression, in.ScanFilter, expr.ScanFilter, in.ConditionalOperator, in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, err
	}
	if err := checkScalarKeys(t, exprPaths(filter, proj)); err != nil {
		return nil, err
	}
	mode, err := selectMode(src, in.Select, proj != nil, in.AttributesToGet != nil)
	if err != nil {
		return nil, err
	}
	pos, err := startPosition(src, in.ExclusiveStartKey)
	if err != nil {
		return nil, err
	}
	if pos.set && src.segment != nil && (pos.h < src.segment[0] || pos.h >= src.segment[1]) {
		return nil, validation(fmt.Sprintf("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: %d Segment: %d", *in.TotalSegments, *in.Segment))
	}
	fetched := 0
	res, err := s.page(ctx, src, nil, pos, false, int(deref(in.Limit)), filter, s.shaper(ctx, src, mode, proj, &fetched))
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ScanOutput{Count: ptr(int32(res.count)), ScannedCount: ptr(int32(res.scanned)), LastEvaluatedKey: res.last}
	switch {
	case mode == "COUNT":
	case res.raw != nil:
		out.RawItems = res.raw
	default:
		out.Items = nonNilItems(res.items)
	}
	out.ConsumedCapacity = readCapacity(in.ReturnConsumedCapacity, src, res.bytes+fetched, deref(in.ConsistentRead))
	return out, nil
}

// checkScalarKeys refuses document paths into key attributes (the table's
// and every index's), as DynamoDB does for filters and projections.
func checkScalarKeys(t *tableMeta, paths []expr.Path) error {
	for _, p := range paths {
		if len(p) < 2 {
			continue
		}
		n := p[0].Name
		if n == t.Keys.PK || n == t.Keys.SK {
			return validation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: " + n)
		}
		for _, ix := range t.indexes() {
			if n == ix.Keys.PK || n == ix.Keys.SK {
				return validation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: " + n)
			}
		}
	}
	return nil
}

// exprPaths collects the paths of a filter and a projection (either nil).
func exprPaths(filter *expr.Condition, proj *expr.Projection) []expr.Path {
	var out []expr.Path
	if filter != nil {
		out = append(out, filter.Paths()...)
	}
	if proj != nil {
		out = append(out, proj.Paths()...)
	}
	return out
}

// checkQueryStart checks an ExclusiveStartKey against the query it
// resumes, as DynamoDB does.
func checkQueryStart(src *source, kc *expr.KeyCondition, q *rangeQuery, pos position) error {
	if !bytes.Equal(pos.ipk, q.pk) {
		return validation("The provided starting key is outside query boundaries based on provided conditions")
	}
	if kc.SortKey == "" {
		return nil
	}
	if kc.SortOp == expr.KeyEQ && src.ix == nil {
		return validation("The query can return at most one row and cannot be restarted")
	}
	for _, c := range q.conds {
		cmp := bytes.Compare(pos.isk, c.v)
		ok := true
		switch c.op {
		case "=":
			ok = cmp == 0
		case "<":
			ok = cmp < 0
		case "<=":
			ok = cmp <= 0
		case ">":
			ok = cmp > 0
		case ">=":
			ok = cmp >= 0
		}
		if !ok {
			return validation("The provided starting key does not match the range key predicate")
		}
	}
	return nil
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
