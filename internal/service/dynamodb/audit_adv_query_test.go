package dynamodb_test

// Adversarial audit of Query and Scan through the SDK.

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// advQueryAll pages through a query, returning every page.
func (e *env) advQueryAll(in *dynamodb.QueryInput) []*dynamodb.QueryOutput {
	e.t.Helper()
	var pages []*dynamodb.QueryOutput
	for i := 0; i < 100; i++ {
		out, err := e.c.Query(e.ctx, in)
		if err != nil {
			e.t.Fatalf("Query page %d: %v", i, err)
		}
		pages = append(pages, out)
		if out.LastEvaluatedKey == nil {
			return pages
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	e.t.Fatal("Query did not finish in 100 pages")
	return nil
}

// Limit counts items read before the filter; every page but the last has a
// LastEvaluatedKey (even one that returns no item), in both directions
// (API reference, Query: Limit, LastEvaluatedKey).
func TestAdvQueryLimitFilterAndDirection(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_qlim", "sk", "N")
	for i := 1; i <= 10; i++ {
		e.put("adv_qlim", advItem{"pk": s("p"), "sk": n(fmt.Sprint(i)), "even": advBool(i%2 == 0)})
	}
	for _, fwd := range []bool{true, false} {
		pages := e.advQueryAll(&dynamodb.QueryInput{TableName: aws.String("adv_qlim"), KeyConditionExpression: aws.String("pk = :p"),
			FilterExpression: aws.String("even = :t"), ExpressionAttributeValues: advItem{":p": s("p"), ":t": advBool(true)},
			Limit: aws.Int32(3), ScanIndexForward: aws.Bool(fwd)})
		var got []string
		var counts []string
		for _, p := range pages {
			got = append(got, advKeys(p.Items, "sk")...)
			counts = append(counts, fmt.Sprintf("%d/%d", p.Count, p.ScannedCount))
		}
		want, wantCounts := "[2 4 6 8 10]", "[1/3 2/3 1/3 1/1]"
		if !fwd {
			want, wantCounts = "[10 8 6 4 2]", "[2/3 1/3 2/3 0/1]"
		}
		if fmt.Sprint(got) != want || fmt.Sprint(counts) != wantCounts {
			t.Errorf("forward=%v: items %v counts %v, want %s %s", fwd, got, counts, want, wantCounts)
		}
	}
	// A page that ends exactly on the last item still has a LastEvaluatedKey
	// when the Limit was reached; the next page is empty without one.
	pages := e.advQueryAll(&dynamodb.QueryInput{TableName: aws.String("adv_qlim"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: advItem{":p": s("p")}, Limit: aws.Int32(5)})
	if len(pages) != 3 || pages[2].Count != 0 || pages[2].Items == nil {
		t.Errorf("Limit 5 over 10 items: %d pages, last %+v", len(pages), pages[len(pages)-1])
	}
	// Select COUNT counts what the filter keeps.
	cnt, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_qlim"), KeyConditionExpression: aws.String("pk = :p AND sk > :three"),
		FilterExpression: aws.String("even = :t"), ExpressionAttributeValues: advItem{":p": s("p"), ":t": advBool(true), ":three": n("3")}, Select: types.SelectCount})
	if err != nil || cnt.Count != 4 || cnt.ScannedCount != 7 || cnt.Items != nil {
		t.Errorf("COUNT with filter: %d/%d items %v err %v", cnt.Count, cnt.ScannedCount, cnt.Items, err)
	}
}

// A GSI whose index key has duplicates pages through every item exactly
// once; LastEvaluatedKey carries the table and index keys (API reference,
// Query: "LastEvaluatedKey ... for an index, the index key and the table
// key").
func TestAdvQueryGSIPagingWithDuplicateIndexKeys(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_gsidup", "sk", "S", advGSI("byg", "g", "gs", "N", types.ProjectionTypeAll))
	var want []string
	for i := 0; i < 9; i++ {
		gs := fmt.Sprint(i / 3) // three items per index sort key
		e.put("adv_gsidup", advItem{"pk": s(fmt.Sprintf("p%d", i%2)), "sk": s(fmt.Sprintf("s%d", i)), "g": s("G"), "gs": n(gs)})
		want = append(want, fmt.Sprintf("p%d/s%d", i%2, i))
	}
	e.put("adv_gsidup", advItem{"pk": s("x"), "sk": s("y"), "g": s("other"), "gs": n("0")})
	e.put("adv_gsidup", advItem{"pk": s("x"), "sk": s("no-index-key")})
	sort.Strings(want)
	for _, fwd := range []bool{true, false} {
		pages := e.advQueryAll(&dynamodb.QueryInput{TableName: aws.String("adv_gsidup"), IndexName: aws.String("byg"),
			KeyConditionExpression: aws.String("g = :g"), ExpressionAttributeValues: advItem{":g": s("G")}, Limit: aws.Int32(2), ScanIndexForward: aws.Bool(fwd)})
		var got, gsOrder []string
		for _, p := range pages {
			if p.LastEvaluatedKey != nil {
				if advShowItem(p.LastEvaluatedKey) == "" || len(p.LastEvaluatedKey) != 4 {
					t.Errorf("LastEvaluatedKey %s, want pk, sk, g, gs", advShowItem(p.LastEvaluatedKey))
				}
			}
			for _, it := range p.Items {
				got = append(got, advKeys([]advItem{it}, "pk")[0]+"/"+advKeys([]advItem{it}, "sk")[0])
				gsOrder = append(gsOrder, advKeys([]advItem{it}, "gs")[0])
			}
		}
		wantOrder := "[0 0 0 1 1 1 2 2 2]"
		if !fwd {
			wantOrder = "[2 2 2 1 1 1 0 0 0]"
		}
		sorted := append([]string{}, got...)
		sort.Strings(sorted)
		if fmt.Sprint(sorted) != fmt.Sprint(want) || fmt.Sprint(gsOrder) != wantOrder {
			t.Errorf("forward=%v: got %v (index order %v)", fwd, got, gsOrder)
		}
	}
	// Scanning the sparse index sees only items that have its key.
	sc, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_gsidup"), IndexName: aws.String("byg")})
	if err != nil || sc.Count != 10 {
		t.Errorf("scan of sparse index: %d %v", sc.Count, err)
	}
}

// ExclusiveStartKey checks (dynalite query.js, written against DynamoDB:
// "should return ValidationException for ExclusiveStartKey with
// out-of-bounds hash key", "... non-matching range key", "... matching
// range but non-matching hash key").
func TestAdvQueryExclusiveStartKeyValidation(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_esk", "sk", "S", advGSI("byg", "g", "", "", types.ProjectionTypeAll))
	q := func(kc string, vals advItem, esk advItem, index string) error {
		in := &dynamodb.QueryInput{TableName: aws.String("adv_esk"), KeyConditionExpression: aws.String(kc), ExpressionAttributeValues: vals, ExclusiveStartKey: esk}
		if index != "" {
			in.IndexName = aws.String(index)
		}
		_, err := e.c.Query(e.ctx, in)
		return err
	}
	advWant(t, q("pk = :a", advItem{":a": s("b")}, advItem{"pk": s("a"), "sk": s("a")}, ""), "ValidationException",
		"The provided starting key is outside query boundaries based on provided conditions")
	advWant(t, q("pk = :a AND sk > :a", advItem{":a": s("b")}, advItem{"pk": s("b"), "sk": s("a")}, ""), "ValidationException",
		"The provided starting key does not match the range key predicate")
	advWant(t, q("pk = :a AND sk = :a", advItem{":a": s("b")}, advItem{"pk": s("b"), "sk": s("b")}, ""), "ValidationException",
		"The query can return at most one row and cannot be restarted")
	advWant(t, q("g = :a", advItem{":a": s("b")}, advItem{"pk": s("a"), "sk": s("a"), "g": s("a")}, "byg"), "ValidationException",
		"The provided starting key is outside query boundaries based on provided conditions")
	advWant(t, q("pk = :a", advItem{":a": s("b")}, advItem{"pk": s("b")}, ""), "ValidationException",
		"The provided starting key is invalid: The provided key element does not match the schema")
	advWant(t, q("g = :a", advItem{":a": s("b")}, advItem{"g": s("b")}, "byg"), "ValidationException",
		"The provided starting key is invalid")
}

// A parallel scan rejects an ExclusiveStartKey of another segment (dynalite
// scan.js, written against DynamoDB).
func TestAdvScanExclusiveStartKeyOfAnotherSegment(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_seg", "", "")
	for i := 0; i < 40; i++ {
		e.put("adv_seg", advItem{"pk": s(fmt.Sprintf("k%02d", i))})
	}
	seg1, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_seg"), Segment: aws.Int32(1), TotalSegments: aws.Int32(2)})
	if err != nil || len(seg1.Items) == 0 {
		t.Fatalf("segment 1: %v %v", seg1, err)
	}
	_, err = e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_seg"), Segment: aws.Int32(0), TotalSegments: aws.Int32(2),
		ExclusiveStartKey: advItem{"pk": seg1.Items[0]["pk"]}})
	wantErr(t, err, "ValidationException",
		"The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0")
}

// Filters and projections may not reach into key attributes (dynalite
// query.js/scan.js/getItem.js, written against DynamoDB).
func TestAdvKeyAttributesInFiltersAndProjections(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_keyexpr", "sk", "S", advGSI("byd", "d", "", "", types.ProjectionTypeAll))
	e.put("adv_keyexpr", advItem{"pk": s("a"), "sk": s("b"), "d": s("x")})
	_, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_keyexpr"),
		KeyConditions: map[string]types.Condition{"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}}},
		QueryFilter:   map[string]types.Condition{"sk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}}}})
	advWant(t, err, "ValidationException", "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk")
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_keyexpr"), KeyConditionExpression: aws.String("pk = :a"),
		FilterExpression: aws.String("sk[1] = :a"), ExpressionAttributeValues: advItem{":a": s("a")}})
	advWant(t, err, "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_keyexpr"), KeyConditionExpression: aws.String("pk = :a"),
		FilterExpression: aws.String("d[1] = :a"), ExpressionAttributeValues: advItem{":a": s("a")}})
	advWant(t, err, "ValidationException", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: d")
	_, err = e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_keyexpr"), FilterExpression: aws.String("attribute_exists(pk.b)")})
	advWant(t, err, "ValidationException", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk")
	_, err = e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("adv_keyexpr"), Key: advItem{"pk": s("a"), "sk": s("b")},
		ProjectionExpression: aws.String("#a[0]"), ExpressionAttributeNames: map[string]string{"#a": "pk"}})
	advWant(t, err, "ValidationException", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk")
}

// Select and projection rules (DynamoDB Local's error table, the
// conformance captures quoted in several emulators: "Cannot specify the
// ProjectionExpression when choosing to get only the Count").
func TestAdvQuerySelectProjectionErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_sel", "sk", "S", advGSI("keys", "g", "", "", types.ProjectionTypeKeysOnly))
	q := func(sel types.Select, proj string, index string) error {
		in := &dynamodb.QueryInput{TableName: aws.String("adv_sel"), KeyConditionExpression: aws.String("pk = :a"),
			ExpressionAttributeValues: advItem{":a": s("a")}, Select: sel}
		if proj != "" {
			in.ProjectionExpression = aws.String(proj)
		}
		if index != "" {
			in.IndexName = aws.String(index)
			in.KeyConditionExpression = aws.String("g = :a")
		}
		_, err := e.c.Query(e.ctx, in)
		return err
	}
	advWant(t, q(types.SelectCount, "sk", ""), "ValidationException", "Cannot specify the ProjectionExpression when choosing to get only the Count")
	advWant(t, q(types.SelectAllAttributes, "sk", ""), "ValidationException", "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")
	advWant(t, q(types.SelectAllProjectedAttributes, "", ""), "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	advWant(t, q(types.SelectAllAttributes, "", "keys"), "ValidationException",
		"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index keys because its projection type is not ALL")
	_, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_sel"), Select: types.SelectCount, AttributesToGet: []string{"a"}})
	advWant(t, err, "ValidationException", "Cannot specify the AttributesToGet when choosing to get only the Count")
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_sel"), KeyConditionExpression: aws.String("pk = :a"),
		ExpressionAttributeValues: advItem{":a": s("a")}, Limit: aws.Int32(0)})
	advWant(t, err, "ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

// Index projections: KEYS_ONLY and INCLUDE return what they project; an
// LSI fetches non-projected attributes a ProjectionExpression names from the
// table (API reference, Query Select: "If any of the requested attributes
// are not projected into the local secondary index, DynamoDB fetches each of
// these attributes from the parent table").
func TestAdvIndexProjections(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_proj", "sk", "S",
		advGSI("gkeys", "g", "", "", types.ProjectionTypeKeysOnly),
		advGSI("ginc", "g2", "", "", types.ProjectionTypeInclude, "title"),
		advLSI("lkeys", "l", "S", types.ProjectionTypeKeysOnly))
	e.put("adv_proj", advItem{"pk": s("p"), "sk": s("s"), "g": s("G"), "g2": s("G2"), "l": s("L"), "title": s("T"), "body": s("B")})
	q := func(index, kc string, vals advItem, proj string) advItem {
		t.Helper()
		in := &dynamodb.QueryInput{TableName: aws.String("adv_proj"), IndexName: aws.String(index), KeyConditionExpression: aws.String(kc), ExpressionAttributeValues: vals}
		if proj != "" {
			in.ProjectionExpression = aws.String(proj)
		}
		out, err := e.c.Query(e.ctx, in)
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("query %s: %v %v", index, out, err)
		}
		return out.Items[0]
	}
	if got := advShowItem(q("gkeys", "g = :g", advItem{":g": s("G")}, "")); got != "{g=S:G,pk=S:p,sk=S:s}" {
		t.Errorf("KEYS_ONLY GSI: %s", got)
	}
	if got := advShowItem(q("ginc", "g2 = :g", advItem{":g": s("G2")}, "")); got != "{g2=S:G2,pk=S:p,sk=S:s,title=S:T}" {
		t.Errorf("INCLUDE GSI: %s", got)
	}
	if got := advShowItem(q("lkeys", "pk = :p", advItem{":p": s("p")}, "")); got != "{l=S:L,pk=S:p,sk=S:s}" {
		t.Errorf("KEYS_ONLY LSI: %s", got)
	}
	if got := advShowItem(q("lkeys", "pk = :p", advItem{":p": s("p")}, "body, l")); got != "{body=S:B,l=S:L}" {
		t.Errorf("LSI with a ProjectionExpression naming a non-projected attribute: %s, want {body=S:B,l=S:L} (fetched from the table)", got)
	}
}

// Items of about 100 KB: a page stops at 1 MB of data read, with a
// LastEvaluatedKey, for Query, Scan and Select COUNT alike (API reference,
// Query: "a single Query operation will read up to a maximum of 1 MB of
// data ... applies before any FilterExpression or COUNT").
func TestAdvOneMegabytePages(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_mb", "sk", "N")
	payload := strings.Repeat("x", 100*1024)
	for i := 0; i < 25; i++ {
		e.put("adv_mb", advItem{"pk": s("p"), "sk": n(fmt.Sprint(i)), "payload": s(payload)})
	}
	first, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_mb"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: advItem{":p": s("p")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || first.LastEvaluatedKey == nil || first.Count < 9 || first.Count > 11 {
		t.Fatalf("first 1 MB page: count %d last %v err %v", first.Count, first.LastEvaluatedKey, err)
	}
	// Eventually consistent: half a unit per 4 KB of the items read.
	bytes := int(first.Count) * (2 + 1 + 2 + 7 + 100*1024) // pk, sk (a small number is ~2 bytes), payload
	if u := advUnits(first.ConsumedCapacity); u < float64(bytes/4096)/2 || u > float64(bytes/4096+2)/2 {
		t.Errorf("capacity of a 1 MB page: %v for ~%d bytes", u, bytes)
	}
	pages := e.advQueryAll(&dynamodb.QueryInput{TableName: aws.String("adv_mb"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: advItem{":p": s("p")}, Select: types.SelectCount})
	total := 0
	for _, p := range pages {
		total += int(p.Count)
		if p.Count > 11 {
			t.Errorf("COUNT page of %d items (1 MB is ~10 of these)", p.Count)
		}
	}
	if total != 25 || len(pages) < 3 {
		t.Errorf("COUNT pages: %d pages, total %d", len(pages), total)
	}
	sc, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_mb"), FilterExpression: aws.String("attribute_not_exists(payload)")})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Count != 0 || sc.ScannedCount < 9 || sc.ScannedCount > 11 || sc.LastEvaluatedKey == nil {
		t.Errorf("filtered scan page: count %d scanned %d last %v err %v", sc.Count, sc.ScannedCount, sc.LastEvaluatedKey, err)
	}
}

// Legacy KeyConditions, QueryFilter/ScanFilter with ConditionalOperator OR,
// AttributesToGet (API reference, legacy conditional parameters).
func TestAdvQueryScanLegacyParameters(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_legq", "sk", "S")
	for i, c := range []string{"red", "green", "blue", "red"} {
		e.put("adv_legq", advItem{"pk": s("p"), "sk": s(fmt.Sprintf("item#%d", i)), "color": s(c), "n": n(fmt.Sprint(i * 10)), "extra": s("e")})
	}
	out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"),
		KeyConditions: map[string]types.Condition{
			"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("p")}},
			"sk": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{s("item#")}},
		},
		QueryFilter: map[string]types.Condition{
			"color": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("blue")}},
			"n":     {ComparisonOperator: types.ComparisonOperatorLt, AttributeValueList: []types.AttributeValue{n("5")}},
		},
		ConditionalOperator: types.ConditionalOperatorOr,
		AttributesToGet:     []string{"sk", "color"},
		ScanIndexForward:    aws.Bool(false),
	})
	if err != nil || out.Count != 2 || advShowItem(out.Items[0]) != "{color=S:blue,sk=S:item#2}" || advShowItem(out.Items[1]) != "{color=S:red,sk=S:item#0}" {
		t.Fatalf("legacy query: %v %v", out, err)
	}
	sc, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_legq"),
		ScanFilter: map[string]types.Condition{
			"color": {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{s("green"), s("blue")}},
			"n":     {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{n("25"), n("35")}},
		},
		ConditionalOperator: types.ConditionalOperatorOr, Select: types.SelectCount})
	if err != nil || sc.Count != 3 {
		t.Fatalf("legacy scan OR: %v %v", sc, err)
	}
	sc, err = e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_legq"),
		ScanFilter: map[string]types.Condition{"extra": {ComparisonOperator: types.ComparisonOperatorNotContains, AttributeValueList: []types.AttributeValue{s("z")}},
			"gone": {ComparisonOperator: types.ComparisonOperatorNull}}})
	if err != nil || sc.Count != 4 {
		t.Fatalf("legacy scan NOT_CONTAINS/NULL: %v %v", sc, err)
	}
	// KeyConditions is exempt from the mixing rule unless
	// KeyConditionExpression is present (extenddb's suite, dual-targeted
	// at DynamoDB; dynalite query.js "should only return requested
	// attributes" with KeyConditions and ProjectionExpression).
	kc := map[string]types.Condition{"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("p")}}}
	mixed, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"), KeyConditions: kc, ProjectionExpression: aws.String("sk")})
	if err != nil || mixed.Count != 4 || len(mixed.Items[0]) != 1 {
		t.Errorf("KeyConditions with ProjectionExpression: %v %v", mixed, err)
	}
	mixed, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"), KeyConditions: kc,
		FilterExpression: aws.String("color = :c"), ExpressionAttributeValues: advItem{":c": s("red")}})
	if err != nil || mixed.Count != 2 {
		t.Errorf("KeyConditions with FilterExpression: %v %v", mixed, err)
	}
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"), KeyConditions: kc, QueryFilter: map[string]types.Condition{
		"color": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("red")}}},
		ConditionalOperator: types.ConditionalOperatorAnd, KeyConditionExpression: aws.String("pk = :p"), FilterExpression: aws.String("color = :c"),
		ProjectionExpression: aws.String("sk"), ExpressionAttributeValues: advItem{":p": s("p"), ":c": s("red")}})
	advWant(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}")
	// ConditionalOperator needs a legacy filter of two or more conditions.
	_, err = e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_legq"), ConditionalOperator: types.ConditionalOperatorOr})
	advWant(t, err, "ValidationException", "ConditionalOperator cannot be used without Filter or Expected")
	_, err = e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_legq"), ConditionalOperator: types.ConditionalOperatorAnd,
		ScanFilter: map[string]types.Condition{"color": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("red")}}}})
	advWant(t, err, "ValidationException", "ConditionalOperator can only be used when Filter or Expected has two or more elements")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_legq"), Item: advItem{"pk": s("q"), "sk": s("q")}, ConditionalOperator: types.ConditionalOperatorAnd})
	advWant(t, err, "ValidationException", "ConditionalOperator cannot be used without Filter or Expected")
	_, err = e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("adv_legq"), Key: advItem{"pk": s("q"), "sk": s("q")}, ConditionalOperator: types.ConditionalOperatorAnd,
		Expected: map[string]types.ExpectedAttributeValue{"a": {ComparisonOperator: types.ComparisonOperatorNull}}})
	advWant(t, err, "ValidationException", "ConditionalOperator can only be used when Filter or Expected has two or more elements")
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"),
		KeyConditions: map[string]types.Condition{"pk": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{s("p")}}}})
	advWant(t, err, "ValidationException", "Query key condition not supported")
	_, err = e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_legq"),
		KeyConditions: map[string]types.Condition{"sk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("p")}}}})
	advWant(t, err, "ValidationException", "Query condition missed key schema element: pk")
}

// Index entries follow updates: a key change moves the entry, removing the
// key drops it (developer guide, "Global secondary indexes": "DynamoDB
// automatically maintains ... adds, updates or deletes the corresponding
// items in the index").
func TestAdvIndexMaintenance(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_ixm", "sk", "S", advGSI("byg", "g", "", "", types.ProjectionTypeAll), advLSI("byl", "l", "N", types.ProjectionTypeAll))
	key := advItem{"pk": s("p"), "sk": s("s")}
	e.put("adv_ixm", advItem{"pk": s("p"), "sk": s("s"), "g": s("one"), "l": n("1")})
	count := func(index, kc string, vals advItem) int32 {
		t.Helper()
		out, err := e.c.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String("adv_ixm"), IndexName: aws.String(index), KeyConditionExpression: aws.String(kc),
			ExpressionAttributeValues: vals, Select: types.SelectCount})
		if err != nil {
			t.Fatal(err)
		}
		return out.Count
	}
	if _, err := e.advUpdate("adv_ixm", key, "SET g = :g, l = :l", nil, advItem{":g": s("two"), ":l": n("2")}, ""); err != nil {
		t.Fatal(err)
	}
	if a, b := count("byg", "g = :g", advItem{":g": s("one")}), count("byg", "g = :g", advItem{":g": s("two")}); a != 0 || b != 1 {
		t.Errorf("GSI after key change: old %d new %d", a, b)
	}
	if a, b := count("byl", "pk = :p AND l = :l", advItem{":p": s("p"), ":l": n("1")}), count("byl", "pk = :p AND l = :l", advItem{":p": s("p"), ":l": n("2")}); a != 0 || b != 1 {
		t.Errorf("LSI after key change: old %d new %d", a, b)
	}
	if _, err := e.advUpdate("adv_ixm", key, "REMOVE g, l", nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	if a, b := count("byg", "g = :g", advItem{":g": s("two")}), count("byl", "pk = :p", advItem{":p": s("p")}); a != 0 || b != 0 {
		t.Errorf("indexes after REMOVE: gsi %d lsi %d", a, b)
	}
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("adv_ixm"), Key: key}); err != nil {
		t.Fatal(err)
	}
	sc, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("adv_ixm"), IndexName: aws.String("byg"), Select: types.SelectCount})
	if err != nil || sc.Count != 0 {
		t.Errorf("GSI after delete: %v %v", sc, err)
	}
}
