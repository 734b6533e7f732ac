package dynamodb_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// pqExec runs one statement.
func (e *env) pqExec(stmt string, params ...types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
	in := &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt)}
	if len(params) > 0 {
		in.Parameters = params
	}
	return e.c.ExecuteStatement(e.ctx, in)
}

// pqItems runs a statement that must succeed and returns its items.
func (e *env) pqItems(stmt string, params ...types.AttributeValue) []map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.pqExec(stmt, params...)
	if err != nil {
		e.t.Fatalf("%s: %v", stmt, err)
	}
	return out.Items
}

// pqAll follows NextToken to the end of a SELECT with the given Limit
// (0: none) and returns every item and the number of pages.
func (e *env) pqAll(stmt string, limit int32) ([]map[string]types.AttributeValue, int) {
	e.t.Helper()
	var items []map[string]types.AttributeValue
	var token *string
	for pages := 1; pages < 100; pages++ {
		in := &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt), NextToken: token}
		if limit > 0 {
			in.Limit = aws.Int32(limit)
		}
		out, err := e.c.ExecuteStatement(e.ctx, in)
		if err != nil {
			e.t.Fatalf("%s: %v", stmt, err)
		}
		items = append(items, out.Items...)
		if token = out.NextToken; token == nil {
			return items, pages
		}
	}
	e.t.Fatalf("%s: no last page", stmt)
	return nil, 0
}

func (e *env) pqGet(table string, key map[string]types.AttributeValue) map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Item
}

// pqStr returns the text of a string or number attribute ("" if absent).
func pqStr(item map[string]types.AttributeValue, name string) string {
	switch v := item[name].(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return ""
}

// pqCol returns one attribute of every item, in order.
func pqCol(items []map[string]types.AttributeValue, name string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = pqStr(it, name)
	}
	return out
}

func pqSorted(ss []string) []string {
	ss = slices.Clone(ss)
	slices.Sort(ss)
	return ss
}

func pqKeys(it map[string]types.AttributeValue) []string {
	var ks []string
	for k := range it {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// pqErrExact checks the API error code and the whole message.
func pqErrExact(t *testing.T, err error, code, msg string) {
	t.Helper()
	wantErr(t, err, code, msg)
	if got := err.Error(); !strings.HasSuffix(got, msg) {
		t.Fatalf("message %q, want exactly %q", got, msg)
	}
}

func TestPartiQLWrites(t *testing.T) {
	e := newEnv(t)
	e.createTable("pqt", "", "")
	if items := e.pqItems(`INSERT INTO "pqt" VALUE {'pk': 'a', 'n': 1, 'ss': <<'x', 'y'>>, 'm': {'k': [1, 'two']}}`); len(items) != 0 {
		t.Fatalf("INSERT returned %v", items)
	}
	got := e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("a")})
	if pqStr(got, "n") != "1" || len(got["ss"].(*types.AttributeValueMemberSS).Value) != 2 || got["m"] == nil {
		t.Fatalf("inserted %v", got)
	}
	// INSERT is not an upsert.
	_, err := e.pqExec(`INSERT INTO "pqt" VALUE {'pk': 'a'}`)
	pqErrExact(t, err, "DuplicateItemException", "Duplicate primary key exists in table")
	_, err = e.pqExec(`INSERT INTO "pqt" VALUE {'x': 'a'}`)
	pqErrExact(t, err, "ValidationException", "Key attribute should be present in the item: Key pk")
	_, err = e.pqExec(`INSERT INTO "pqt" VALUE {'pk': 1}`)
	pqErrExact(t, err, "ValidationException", "Key attribute's data type should match its data type in table's schema: Key pk")
	// Parameters, in order.
	e.pqItems(`INSERT INTO "pqt" VALUE {'pk': ?, 'n': ?}`, s("b"), n("10"))

	// UPDATE: SET with arithmetic and functions, REMOVE, set_add/set_delete.
	e.pqItems(`UPDATE "pqt" SET n = n + 2 SET m.k[1] = 'deux' SET l = list_append(if_not_exists(l, []), [?]) REMOVE ss WHERE pk = 'a'`, s("z"))
	got = e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("a")})
	if pqStr(got, "n") != "3" || got["ss"] != nil || len(got["l"].(*types.AttributeValueMemberL).Value) != 1 ||
		got["m"].(*types.AttributeValueMemberM).Value["k"].(*types.AttributeValueMemberL).Value[1].(*types.AttributeValueMemberS).Value != "deux" {
		t.Fatalf("updated %v", got)
	}
	e.pqItems(`UPDATE "pqt" SET tags = set_add(tags, <<'p', 'q'>>) WHERE pk = 'a'`)
	e.pqItems(`UPDATE "pqt" SET tags = set_delete(tags, <<'p'>>) WHERE pk = 'a'`)
	if tags := e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("a")})["tags"].(*types.AttributeValueMemberSS).Value; len(tags) != 1 || tags[0] != "q" {
		t.Fatalf("tags %v", tags)
	}
	// The FROM-first form.
	e.pqItems(`FROM "pqt" WHERE pk = ? SET c = ?`, s("b"), n("7"))
	if pqStr(e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("b")}), "c") != "7" {
		t.Fatal("FROM ... SET did not update")
	}

	// UPDATE is not an upsert: a missing item fails its condition.
	_, err = e.pqExec(`UPDATE "pqt" SET n = 1 WHERE pk = 'missing'`)
	pqErrExact(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	if e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("missing")}) != nil {
		t.Fatal("UPDATE created an item")
	}
	// The rest of the WHERE clause is a condition; ALL_OLD returns the item.
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{
		Statement:                           aws.String(`UPDATE "pqt" SET n = 100 WHERE pk = 'a' AND n > 5`),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !asErr(err, &ccf) || pqStr(ccf.Item, "n") != "3" {
		t.Fatalf("want ConditionalCheckFailedException with the item, got %v", err)
	}
	e.pqItems(`UPDATE "pqt" SET n = 100 WHERE pk = 'a' AND n < 5 AND attribute_exists(m)`)
	// Evaluation errors are UpdateItem's.
	_, err = e.pqExec(`UPDATE "pqt" SET x = nope + 1 WHERE pk = 'a'`)
	pqErrExact(t, err, "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
	_, err = e.pqExec(`UPDATE "pqt" SET tags = set_add(tags, <<1>>) WHERE pk = 'a'`)
	pqErrExact(t, err, "ValidationException", "An operand in the update expression has an incorrect data type")
	_, err = e.pqExec(`UPDATE "pqt" SET pk = 'z' WHERE pk = 'a'`)
	pqErrExact(t, err, "ValidationException", "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")
	_, err = e.pqExec(`UPDATE "pqt" SET a = 1, a.b = 2 WHERE pk = 'a'`)
	wantErr(t, err, "ValidationException", "Two document paths overlap with each other")
	if strings.Contains(err.Error(), "Invalid UpdateExpression") {
		t.Fatalf("PartiQL error with an expression prefix: %v", err)
	}

	// DELETE: a false condition fails, a missing item is a no-op.
	_, err = e.pqExec(`DELETE FROM "pqt" WHERE pk = 'b' AND c = 8`)
	pqErrExact(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	e.pqItems(`DELETE FROM "pqt" WHERE pk = 'never' AND c = 8`)
	e.pqItems(`DELETE FROM "pqt" WHERE pk = 'b' AND c = 7`)
	if e.pqGet("pqt", map[string]types.AttributeValue{"pk": s("b")}) != nil {
		t.Fatal("DELETE did not delete")
	}
	_, err = e.pqExec(`DELETE FROM "pqt" WHERE c = 7`)
	pqErrExact(t, err, "ValidationException", "Where clause does not contain a mandatory equality on all key attributes")
}

func TestPartiQLReturning(t *testing.T) {
	e := newEnv(t)
	e.createTable("ret", "", "")
	e.put("ret", map[string]types.AttributeValue{"pk": s("a"), "data": s("old"), "keep": s("same"),
		"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{s("a"), s("b"), s("c")}}})
	items := e.pqItems(`UPDATE "ret" SET data = 'new' WHERE pk = 'a' RETURNING ALL OLD *`)
	if len(items) != 1 || pqStr(items[0], "data") != "old" || pqStr(items[0], "keep") != "same" {
		t.Fatalf("ALL OLD: %v", items)
	}
	items = e.pqItems(`UPDATE "ret" SET data = 'newer' WHERE pk = 'a' RETURNING MODIFIED OLD *`)
	if len(items) != 1 || !slices.Equal(pqKeys(items[0]), []string{"data"}) || pqStr(items[0], "data") != "new" {
		t.Fatalf("MODIFIED OLD: %v", items)
	}
	items = e.pqItems(`UPDATE "ret" SET tags[2] = 'y', tags[0] = 'x' WHERE pk = 'a' RETURNING MODIFIED NEW *`)
	if l := items[0]["tags"].(*types.AttributeValueMemberL).Value; len(items) != 1 || len(l) != 2 ||
		l[0].(*types.AttributeValueMemberS).Value != "x" || l[1].(*types.AttributeValueMemberS).Value != "y" {
		t.Fatalf("MODIFIED NEW on list indexes: %v", items)
	}
	items = e.pqItems(`UPDATE "ret" SET fresh = 1 WHERE pk = 'a' RETURNING MODIFIED OLD *`)
	if len(items) != 0 {
		t.Fatalf("MODIFIED OLD of a new attribute: %v", items)
	}
	items = e.pqItems(`UPDATE "ret" REMOVE fresh WHERE pk = 'a' RETURNING ALL NEW *`)
	if len(items) != 1 || items[0]["fresh"] != nil || pqStr(items[0], "pk") != "a" {
		t.Fatalf("ALL NEW: %v", items)
	}
	items = e.pqItems(`DELETE FROM "ret" WHERE pk = 'a' RETURNING ALL OLD *`)
	if len(items) != 1 || pqStr(items[0], "data") != "newer" {
		t.Fatalf("DELETE ALL OLD: %v", items)
	}
	if items = e.pqItems(`DELETE FROM "ret" WHERE pk = 'a' RETURNING ALL OLD *`); len(items) != 0 {
		t.Fatalf("DELETE of nothing returned %v", items)
	}
	_, err := e.pqExec(`DELETE FROM "ret" WHERE pk = 'a' RETURNING MODIFIED OLD *`)
	pqErrExact(t, err, "ValidationException", "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.")
}

// pqOrders creates a table with a numeric sort key and the items
// (c1..c3) x (1..5).
func pqOrders(e *env) {
	e.createTable("orders", "sk", "N")
	for _, c := range []string{"c1", "c2", "c3"} {
		for i := 1; i <= 5; i++ {
			e.put("orders", map[string]types.AttributeValue{"pk": s(c), "sk": n(itoa(int64(i))), "odd": &types.AttributeValueMemberBOOL{Value: i%2 == 1},
				"name": s(fmt.Sprintf("%s-%d", c, i))})
		}
	}
}

func TestPartiQLSelect(t *testing.T) {
	e := newEnv(t)
	pqOrders(e)
	// The whole key: one item, with a projection (a nested path returns
	// under its last name).
	e.put("orders", map[string]types.AttributeValue{"pk": s("x"), "sk": n("1"), "m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"sub": s("deep")}}})
	items := e.pqItems(`SELECT pk, m.sub FROM "orders" WHERE pk = ? AND sk = ?`, s("x"), n("1"))
	if len(items) != 1 || !slices.Equal(pqKeys(items[0]), []string{"pk", "sub"}) || pqStr(items[0], "sub") != "deep" {
		t.Fatalf("by key: %v", items)
	}
	if items := e.pqItems(`SELECT * FROM "orders" WHERE pk = 'x' AND sk = 2`); len(items) != 0 {
		t.Fatalf("missing item: %v", items)
	}
	// A partition, in sort key order, with ranges and filters.
	tests := []struct{ where, want string }{
		{`pk = 'c1'`, "1 2 3 4 5"},
		{`pk = 'c1' AND sk > 3`, "4 5"},
		{`pk = 'c1' AND sk BETWEEN 2 AND 4`, "2 3 4"},
		{`pk = 'c1' AND sk >= 2 AND sk < 4`, "2 3"},
		{`pk = 'c1' AND odd = true`, "1 3 5"},
		{`pk = 'c1' AND sk <> 3`, "1 2 4 5"},
		{`pk = 'c1' AND NOT sk IN [1, 2]`, "3 4 5"},
		{`pk = 'c1' AND sk = 'x'`, ""},
		{`pk = 'c1' ORDER BY sk DESC`, "5 4 3 2 1"},
		{`pk = 'c1' AND sk > 1 ORDER BY sk DESC`, "5 4 3 2"},
		{`pk = 'c1' AND sk < 2 OR pk = 'c1' AND sk > 4 ORDER BY sk`, "1 5"},
		{`pk = 'c1' AND begins_with(name, 'c1-') AND sk <= 2`, "1 2"},
	}
	for _, tt := range tests {
		items := e.pqItems(`SELECT sk FROM "orders" WHERE ` + tt.where)
		if got := strings.Join(pqCol(items, "sk"), " "); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.where, got, tt.want)
		}
	}
	// IN on the hash key is one read per partition, ORDER BY pk orders them.
	items = e.pqItems(`SELECT pk, sk FROM "orders" WHERE pk IN ['c3', 'c1'] AND sk = 2 ORDER BY pk DESC`)
	if got := strings.Join(pqCol(items, "pk"), " "); got != "c3 c1" {
		t.Fatalf("IN: %q", got)
	}
	// No key condition: a scan with the WHERE clause as a filter.
	items = e.pqItems(`SELECT name FROM "orders" WHERE sk = 4 AND odd = false`)
	if got := strings.Join(pqSorted(pqCol(items, "name")), " "); got != "c1-4 c2-4 c3-4" {
		t.Fatalf("scan: %q", got)
	}
	if items := e.pqItems(`SELECT * FROM "orders"`); len(items) != 16 {
		t.Fatalf("full scan: %d items", len(items))
	}
	// A scan ordered by the hash key.
	items = e.pqItems(`SELECT pk FROM "orders" WHERE pk > 'c1' AND sk = 1 ORDER BY pk DESC`)
	if got := strings.Join(pqCol(items, "pk"), " "); got != "x c3 c2" {
		t.Fatalf("ordered scan: %q", got)
	}
	// Capacity.
	out, err := e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders" WHERE pk = 'c1' AND sk = 1`),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal, ConsistentRead: aws.Bool(true)})
	if err != nil || out.ConsumedCapacity == nil || aws.ToFloat64(out.ConsumedCapacity.CapacityUnits) != 1 || aws.ToString(out.ConsumedCapacity.TableName) != "orders" {
		t.Fatalf("capacity: %+v %v", out, err)
	}
}

func TestPartiQLSelectPages(t *testing.T) {
	e := newEnv(t)
	pqOrders(e)
	// Limit counts the items read, before the WHERE filter.
	items, pages := e.pqAll(`SELECT sk FROM "orders" WHERE pk = 'c2' AND odd = true`, 2)
	if got := strings.Join(pqCol(items, "sk"), " "); got != "1 3 5" || pages != 3 {
		t.Fatalf("query pages: %q in %d pages", got, pages)
	}
	items, pages = e.pqAll(`SELECT sk FROM "orders" WHERE pk IN ['c1', 'c3'] AND sk >= 4`, 3)
	if got := strings.Join(pqCol(items, "sk"), " "); got != "4 5 4 5" || pages < 2 {
		t.Fatalf("reads across pages: %q in %d pages", got, pages)
	}
	items, pages = e.pqAll(`SELECT name FROM "orders" WHERE sk = 3`, 4)
	if got := strings.Join(pqSorted(pqCol(items, "name")), " "); got != "c1-3 c2-3 c3-3" || pages != 4 {
		t.Fatalf("scan pages: %q in %d pages", got, pages)
	}
	items, _ = e.pqAll(`SELECT pk FROM "orders" WHERE pk >= 'c2' AND sk = 5 ORDER BY pk`, 1)
	if got := strings.Join(pqCol(items, "pk"), " "); got != "c2 c3" {
		t.Fatalf("ordered scan pages: %q", got)
	}
	// The token belongs to its statement and parameters.
	out, err := e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders" WHERE pk = ?`),
		Parameters: []types.AttributeValue{s("c1")}, Limit: aws.Int32(1)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %+v %v", out, err)
	}
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders" WHERE pk = ?`),
		Parameters: []types.AttributeValue{s("c2")}, Limit: aws.Int32(1), NextToken: out.NextToken})
	pqErrExact(t, err, "ValidationException", "NextToken does not match request")
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders"`), NextToken: out.NextToken})
	pqErrExact(t, err, "ValidationException", "NextToken does not match request")
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders"`), NextToken: aws.String("!!")})
	pqErrExact(t, err, "ValidationException", "Invalid NextToken")
	// Another Limit is the same request.
	next, err := e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "orders" WHERE pk = ?`),
		Parameters: []types.AttributeValue{s("c1")}, Limit: aws.Int32(10), NextToken: out.NextToken})
	if err != nil || len(next.Items) != 4 || next.NextToken != nil {
		t.Fatalf("rest of the partition: %+v %v", next, err)
	}
}

func TestPartiQLIndexes(t *testing.T) {
	e := newEnv(t)
	e.createTable("docs", "sk", "S", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String("owner"), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String("size"), AttributeType: types.ScalarAttributeTypeN})
		in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-owner"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("owner"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("size"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"title"}},
		}}
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{
			IndexName:  aws.String("by-size"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("size"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}}
	})
	// Index entries are written by the statements themselves.
	for i, sk := range []string{"d1", "d2", "d3"} {
		e.pqItems(fmt.Sprintf(`INSERT INTO "docs" VALUE {'pk': 'u', 'sk': '%s', 'owner': 'ann', 'size': %d, 'title': 't%d', 'body': 'b%d'}`, sk, 30-i*10, i, i))
	}
	e.pqItems(`INSERT INTO "docs" VALUE {'pk': 'u', 'sk': 'd9', 'title': 'no owner'}`)
	items := e.pqItems(`SELECT * FROM "docs"."by-owner" WHERE owner = 'ann'`)
	if got := strings.Join(pqCol(items, "size"), " "); got != "10 20 30" || items[0]["body"] != nil || pqStr(items[0], "title") != "t2" {
		t.Fatalf("GSI query: %v %v %v", pqCol(items, "size"), pqCol(items, "title"), items[0]["body"])
	}
	e.pqItems(`UPDATE "docs" SET owner = 'bob' WHERE pk = 'u' AND sk = 'd1'`)
	items = e.pqItems(`SELECT sk FROM "docs"."by-owner" WHERE owner = 'bob'`)
	if got := strings.Join(pqCol(items, "sk"), " "); got != "d1" {
		t.Fatalf("GSI after UPDATE: %q", got)
	}
	e.pqItems(`DELETE FROM "docs" WHERE pk = 'u' AND sk = 'd1'`)
	if items := e.pqItems(`SELECT * FROM "docs"."by-owner"`); len(items) != 2 {
		t.Fatalf("GSI scan after DELETE: %v", items)
	}
	// Without the index's hash key: a scan of the index.
	items = e.pqItems(`SELECT title FROM "docs"."by-owner" WHERE "size" > 10`)
	if got := strings.Join(pqCol(items, "title"), " "); got != "t1" {
		t.Fatalf("GSI scan: %q", got)
	}
	// A local index reads the table for what it does not project.
	items = e.pqItems(`SELECT body, "size" FROM "docs"."by-size" WHERE pk = 'u' ORDER BY "size" DESC`)
	if got := strings.Join(pqCol(items, "body"), " "); got != "b1 b2" {
		t.Fatalf("LSI: %v", items)
	}
	items = e.pqItems(`SELECT * FROM "docs"."by-size" WHERE pk = 'u'`)
	if len(items) != 2 || items[0]["body"] != nil {
		t.Fatalf("LSI SELECT * returns the projection: %v", items)
	}
	_, err := e.pqExec(`SELECT body, owner, body2 FROM "docs"."by-owner" WHERE owner = 'ann'`)
	pqErrExact(t, err, "ValidationException", "One or more parameter values were invalid: Global secondary index by-owner does not project [body, body2]")
	_, err = e.pqExec(`SELECT title FROM "docs"."by-owner" WHERE owner = 'ann' AND body = 'b'`)
	pqErrExact(t, err, "ValidationException", "One or more parameter values were invalid: Secondary index by-owner does not project one or more filter attributes: [body]")
	_, err = e.pqExec(`SELECT "size" FROM "docs"."by-size" WHERE pk = 'u' AND title = 'x'`)
	pqErrExact(t, err, "ValidationException", "One or more parameter values were invalid: Secondary index by-size does not project one or more filter attributes: [title]")
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "docs"."by-owner"`), ConsistentRead: aws.Bool(true)})
	pqErrExact(t, err, "ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes")
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "docs"."by-size" WHERE pk = 'u'`), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("consistent LSI read: %v", err)
	}
	_, err = e.pqExec(`SELECT * FROM "docs"."nope"`)
	pqErrExact(t, err, "ValidationException", "The table does not have the specified index")
	_, err = e.pqExec(`UPDATE "docs"."by-owner" SET a = 1 WHERE pk = 'u' AND sk = 'd2'`)
	pqErrExact(t, err, "ValidationException", "This operation is not supported on an index")
}

func TestPartiQLStreamRecords(t *testing.T) {
	e := newEnv(t)
	e.createTable("feed", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}
	})
	e.pqItems(`INSERT INTO "feed" VALUE {'pk': 'a', 'v': 1}`)
	e.pqItems(`UPDATE "feed" SET v = 2 WHERE pk = 'a'`)
	_, err := e.pqExec(`UPDATE "feed" SET v = 3 WHERE pk = 'a' AND v = 1`)
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	e.pqItems(`DELETE FROM "feed" WHERE pk = 'a'`)
	e.pqItems(`DELETE FROM "feed" WHERE pk = 'a'`)
	recs := e.streamRecords("feed")
	want := []streamtypes.OperationType{streamtypes.OperationTypeInsert, streamtypes.OperationTypeModify, streamtypes.OperationTypeRemove}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.EventName != want[i] {
			t.Fatalf("record %d: %s, want %s", i, r.EventName, want[i])
		}
	}
	if v := recs[1].Dynamodb.NewImage["v"].(*streamtypes.AttributeValueMemberN).Value; v != "2" {
		t.Fatalf("new image v=%s", v)
	}
}

func TestPartiQLErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("errs", "sk", "S")
	tests := []struct {
		stmt   string
		params []types.AttributeValue
		code   string
		msg    string
	}{
		{`SELECT * FROM "errs" WHERE pk = 1 foo`, nil, "ValidationException", "Statement wasn't well formed, can't be processed: Unexpected token after expression"},
		{`SELECT * FROM "errs" WHERE pk = ?`, nil, "ValidationException", "Number of parameters in request and statement don't match."},
		{`SELECT * FROM "errs" t WHERE pk = 'x'`, nil, "ValidationException", "Aliasing is not supported"},
		{`SELECT * FROM "nope" WHERE pk = 'x'`, nil, "ResourceNotFoundException", "Requested resource not found"},
		{`UPDATE "nope" SET a = 1 WHERE pk = 'x' AND sk = 'y'`, nil, "ResourceNotFoundException", "Requested resource not found"},
		{`UPDATE "errs" SET a = 1 WHERE pk = 'x'`, nil, "ValidationException", "Where clause does not contain a mandatory equality on all key attributes"},
		{`DELETE FROM "errs" WHERE pk = 'x' AND sk = 'y' AND pk = 'z'`, nil, "ValidationException", "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"},
		{`DELETE FROM "errs" WHERE pk = 'x' AND sk = 1`, nil, "ValidationException", "Key attribute's data type should match its data type in table's schema: Key sk"},
		{`DELETE FROM "errs" WHERE pk = '' AND sk = 'y'`, nil, "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{`EXISTS(SELECT * FROM "errs" WHERE pk = 'x' AND sk = 'y' AND a = 1)`, nil, "ValidationException", "EXISTS can only be used in ExecuteTransaction write requests."},
		{`SELECT * FROM "errs" WHERE pk = 'x' AND a < ?`, []types.AttributeValue{&types.AttributeValueMemberBOOL{Value: true}}, "ValidationException", "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"},
		{`SELECT * FROM "errs" WHERE pk = 'x' AND attribute_exists('a')`, nil, "ValidationException", "Operator or function requires a document path; operator or function: attribute_exists"},
		{`SELECT * FROM "errs" WHERE pk = 'x' AND n = ?`, []types.AttributeValue{n("1e99999999999")}, "ValidationException", "The parameter cannot be converted to a numeric value: 1e99999999999"},
		{`SELECT * FROM "errs" WHERE pk = 'x' AND n = ?`, []types.AttributeValue{n("1e2147483647")}, "ValidationException", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{`INSERT INTO "errs" VALUE {'pk': 'x', 'sk': 'y', 'ss': <<'a', 'a'>>}`, nil, "ValidationException", "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{`SELECT * FROM "errs" WHERE pk IN ['a', 'a']`, nil, "ValidationException", "Overlapping conditions with range keys are not supported in where clause"},
	}
	for _, tt := range tests {
		_, err := e.pqExec(tt.stmt, tt.params...)
		if err == nil {
			t.Errorf("%s: no error, want %s", tt.stmt, tt.msg)
			continue
		}
		pqErrExact(t, err, tt.code, tt.msg)
	}
}

func TestPartiQLBatch(t *testing.T) {
	e := newEnv(t)
	e.createTable("tb1", "", "")
	e.createTable("tb2", "sk", "N")
	e.put("tb1", map[string]types.AttributeValue{"pk": s("a"), "v": n("1"), "w": s("x")})
	e.put("tb1", map[string]types.AttributeValue{"pk": s("d"), "v": n("1"), "w": s("x")})
	e.put("tb2", map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")})
	stmt := func(st string, params ...types.AttributeValue) types.BatchStatementRequest {
		r := types.BatchStatementRequest{Statement: aws.String(st)}
		if len(params) > 0 {
			r.Parameters = params
		}
		return r
	}
	out, err := e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		stmt(`SELECT v FROM "tb1" WHERE pk = ?`, s("a")),
		stmt(`SELECT * FROM "tb2" WHERE pk = 'a' AND sk = 1`),
		stmt(`SELECT * FROM "tb1" WHERE pk = 'zz'`),
		stmt(`SELECT * FROM "tb1" WHERE pk = 'a' AND v = 1`),
		stmt(`SELECT * FROM "tb2" WHERE pk = 'a'`),
		stmt(`SELECT * FROM "nope" WHERE pk = 'a'`),
		stmt(`SELECT * FROM "tb1" WHERE`),
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || len(out.Responses) != 7 {
		t.Fatalf("batch read: %+v %v", out, err)
	}
	r := out.Responses
	if aws.ToString(r[0].TableName) != "tb1" || !slices.Equal(pqKeys(r[0].Item), []string{"v"}) || r[0].Error != nil {
		t.Fatalf("0: %+v", r[0])
	}
	if aws.ToString(r[1].TableName) != "tb2" || pqStr(r[1].Item, "sk") != "1" {
		t.Fatalf("1: %+v", r[1])
	}
	if aws.ToString(r[2].TableName) != "tb1" || r[2].Item != nil || r[2].Error != nil {
		t.Fatalf("2: %+v", r[2])
	}
	for _, i := range []int{3, 4} {
		if r[i].Error == nil || r[i].Error.Code != types.BatchStatementErrorCodeEnumValidationError ||
			aws.ToString(r[i].Error.Message) != "Select statements within BatchExecuteStatement must specify the primary key in the where clause." {
			t.Fatalf("%d: %+v", i, r[i])
		}
	}
	if r[5].Error == nil || r[5].Error.Code != types.BatchStatementErrorCodeEnumResourceNotFound || aws.ToString(r[5].Error.Message) != "Requested resource not found" {
		t.Fatalf("5: %+v", r[5])
	}
	if r[6].Error == nil || aws.ToString(r[6].Error.Message) != "Statement wasn't well formed, can't be processed: Unexpected term" {
		t.Fatalf("6: %+v", r[6])
	}
	if len(out.ConsumedCapacity) != 2 {
		t.Fatalf("capacity: %+v", out.ConsumedCapacity)
	}

	out, err = e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		stmt(`INSERT INTO "tb1" VALUE {'pk': 'b'}`),
		stmt(`INSERT INTO "tb1" VALUE {'pk': 'a'}`),
		{Statement: aws.String(`UPDATE "tb1" SET v = 5 WHERE pk = 'c' AND v = 2`)},
		{Statement: aws.String(`UPDATE "tb1" SET v = 5 WHERE pk = 'd' AND v = 2`), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld},
		stmt(`UPDATE "tb2" SET x = ? WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *`, s("y")),
		stmt(`DELETE FROM "tb2" WHERE pk = 'a'`),
	}})
	if err != nil || len(out.Responses) != 6 {
		t.Fatalf("batch write: %+v %v", out, err)
	}
	r = out.Responses
	if r[0].Error != nil || aws.ToString(r[0].TableName) != "tb1" {
		t.Fatalf("0: %+v", r[0])
	}
	if r[1].Error == nil || r[1].Error.Code != types.BatchStatementErrorCodeEnumDuplicateItem || aws.ToString(r[1].Error.Message) != "Duplicate primary key exists in table" {
		t.Fatalf("1: %+v", r[1])
	}
	if r[2].Error == nil || r[2].Error.Code != types.BatchStatementErrorCodeEnumConditionalCheckFailed || r[2].Error.Item != nil {
		t.Fatalf("2: %+v", r[2])
	}
	if r[3].Error == nil || r[3].Error.Code != types.BatchStatementErrorCodeEnumConditionalCheckFailed ||
		aws.ToString(r[3].Error.Message) != "The conditional request failed" || pqStr(r[3].Error.Item, "w") != "x" {
		t.Fatalf("3: %+v", r[3])
	}
	if r[4].Error != nil || !slices.Equal(pqKeys(r[4].Item), []string{"x"}) {
		t.Fatalf("4: %+v", r[4])
	}
	if r[5].Error == nil || aws.ToString(r[5].Error.Message) != "Where clause does not contain a mandatory equality on all key attributes" {
		t.Fatalf("5: %+v", r[5])
	}
	if e.pqGet("tb1", map[string]types.AttributeValue{"pk": s("b")}) == nil || e.pqGet("tb1", map[string]types.AttributeValue{"pk": s("c")}) != nil {
		t.Fatal("batch writes not applied one by one")
	}

	_, err = e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		stmt(`SELECT * FROM "tb1" WHERE pk = 'a'`), stmt(`DELETE FROM "tb1" WHERE pk = 'a'`)}})
	pqErrExact(t, err, "ValidationException", "Read and write requests together in the same batch is not supported.")
	_, err = e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		stmt(`UPDATE "tb1" SET v = 1 WHERE pk = 'a'`), stmt(`DELETE FROM "tb1" WHERE pk = 'a'`)}})
	pqErrExact(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	many := make([]types.BatchStatementRequest, 26)
	for i := range many {
		many[i] = stmt(fmt.Sprintf(`SELECT * FROM "tb1" WHERE pk = '%d'`, i))
	}
	_, err = e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: many})
	wantErr(t, err, "ValidationException", "Member must have length less than or equal to 25")
}

func TestPartiQLTransaction(t *testing.T) {
	e := newEnv(t)
	e.createTable("acct", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}
	})
	e.put("acct", map[string]types.AttributeValue{"pk": s("alice"), "bal": n("100")})
	e.put("acct", map[string]types.AttributeValue{"pk": s("bob"), "bal": n("5")})
	e.put("acct", map[string]types.AttributeValue{"pk": s("carl"), "bal": n("0")})
	ps := func(st string, params ...types.AttributeValue) types.ParameterizedStatement {
		p := types.ParameterizedStatement{Statement: aws.String(st)}
		if len(params) > 0 {
			p.Parameters = params
		}
		return p
	}
	transfer := []types.ParameterizedStatement{
		ps(`UPDATE "acct" SET bal = bal - ? WHERE pk = 'alice' AND bal >= ?`, n("30"), n("30")),
		ps(`UPDATE "acct" SET bal = bal + ? WHERE pk = 'bob'`, n("30")),
		ps(`INSERT INTO "acct" VALUE {'pk': 'log1', 'amount': 30}`),
		ps(`EXISTS(SELECT * FROM "acct" WHERE pk = 'carl' AND attribute_exists(bal))`),
	}
	out, err := e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: transfer, ClientRequestToken: aws.String("tok-1"),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || len(out.Responses) != 0 || len(out.ConsumedCapacity) != 1 {
		t.Fatalf("transfer: %+v %v", out, err)
	}
	// The same token and request: nothing runs again.
	if _, err := e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: transfer, ClientRequestToken: aws.String("tok-1")}); err != nil {
		t.Fatalf("replay: %v", err)
	}
	_, err = e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: transfer[:2], ClientRequestToken: aws.String("tok-1")})
	pqErrExact(t, err, "IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request.")
	rd, err := e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		ps(`SELECT bal FROM "acct" WHERE pk = 'alice'`), ps(`SELECT * FROM "acct" WHERE pk = 'nobody'`), ps(`SELECT * FROM "acct" WHERE pk = ?`, s("bob"))}})
	if err != nil || len(rd.Responses) != 3 || pqStr(rd.Responses[0].Item, "bal") != "70" || len(rd.Responses[0].Item) != 1 ||
		rd.Responses[1].Item != nil || pqStr(rd.Responses[2].Item, "bal") != "35" {
		t.Fatalf("reads: %+v %v", rd, err)
	}

	// One failed condition cancels everything, with a reason per statement.
	_, err = e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		ps(`UPDATE "acct" SET bal = bal + 1 WHERE pk = 'bob'`),
		{Statement: aws.String(`UPDATE "acct" SET bal = bal - 1000 WHERE pk = 'alice' AND bal >= 1000`), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld},
		ps(`INSERT INTO "acct" VALUE {'pk': 'log1'}`),
		ps(`UPDATE "acct" SET bal = 1 WHERE pk = 'carol'`),
		ps(`DELETE FROM "acct" WHERE pk = 'nobody' AND bal = 1`),
	}})
	var tce *types.TransactionCanceledException
	if !asErr(err, &tce) {
		t.Fatalf("want TransactionCanceledException, got %v", err)
	}
	codes := make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		codes[i] = aws.ToString(r.Code)
	}
	if got := strings.Join(codes, ","); got != "None,ConditionalCheckFailed,ValidationError,ConditionalCheckFailed,None" {
		t.Fatalf("reasons %s", got)
	}
	if pqStr(tce.CancellationReasons[1].Item, "bal") != "70" || aws.ToString(tce.CancellationReasons[2].Message) != "Duplicate primary key exists in table" {
		t.Fatalf("reasons: %+v", tce.CancellationReasons)
	}
	wantErr(t, err, "TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ValidationError, ConditionalCheckFailed, None]")
	if pqStr(e.pqGet("acct", map[string]types.AttributeValue{"pk": s("bob")}), "bal") != "35" {
		t.Fatal("a cancelled transaction wrote")
	}
	// EXISTS fails on a missing item or a false condition.
	_, err = e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		ps(`EXISTS(SELECT * FROM "acct" WHERE pk = 'nobody' AND bal = 1)`), ps(`UPDATE "acct" SET x = 1 WHERE pk = 'bob'`)}})
	wantErr(t, err, "TransactionCanceledException", "[ConditionalCheckFailed, None]")
	// Only the transaction's writes are in the stream (after the 3 puts):
	// 2 updates and 1 insert.
	if recs := e.streamRecords("acct"); len(recs) != 3+3 {
		t.Fatalf("%d stream records, want 6", len(recs))
	}

	tests := []struct {
		stmts []types.ParameterizedStatement
		code  string
		msg   string
	}{
		{[]types.ParameterizedStatement{ps(`SELECT * FROM "acct" WHERE pk = 'a' AND bal = 1`)}, "ValidationException",
			"Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause."},
		{[]types.ParameterizedStatement{ps(`SELECT * FROM "acct" WHERE pk = 'a'`), ps(`SELECT * FROM "acct" WHERE`)}, "ValidationException",
			"Validation failed in TransactStatements[1]: Statement wasn't well formed, can't be processed: Unexpected term"},
		{[]types.ParameterizedStatement{ps(`UPDATE "acct" SET a = 1 WHERE pk = 'a' RETURNING ALL NEW *`)}, "ValidationException",
			"Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction."},
		{[]types.ParameterizedStatement{ps(`EXISTS(SELECT * FROM "acct" WHERE pk = 'a')`), ps(`UPDATE "acct" SET a = 1 WHERE pk = 'b'`)}, "ValidationException",
			"Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition"},
		{[]types.ParameterizedStatement{ps(`SELECT * FROM "acct" WHERE pk = 'a'`), ps(`UPDATE "acct" SET a = 1 WHERE pk = 'b'`)}, "ValidationException",
			"ExecuteTransaction API does not support both read and write operations in the same request."},
		{[]types.ParameterizedStatement{ps(`UPDATE "acct" SET a = 1 WHERE pk = 'b'`), ps(`DELETE FROM "acct" WHERE pk = 'b'`)}, "ValidationException",
			"Transaction request cannot include multiple operations on one item"},
		{[]types.ParameterizedStatement{ps(`UPDATE "acct" SET a = ? WHERE pk = 'b'`, n("1e99999999999"))}, "ValidationException",
			"The parameter cannot be converted to a numeric value: 1e99999999999"},
		{[]types.ParameterizedStatement{ps(`DELETE FROM "nope" WHERE pk = 'b'`)}, "ResourceNotFoundException", "Requested resource not found"},
	}
	for _, tt := range tests {
		_, err := e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: tt.stmts})
		if err == nil {
			t.Errorf("%v: no error, want %s", aws.ToString(tt.stmts[0].Statement), tt.msg)
			continue
		}
		pqErrExact(t, err, tt.code, tt.msg)
	}
	// A write's key error cancels the transaction with a reason.
	_, err = e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		ps(`UPDATE "acct" SET a = 1 WHERE pk = 'b'`), ps(`INSERT INTO "acct" VALUE {'x': 1}`)}})
	if !asErr(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[1].Message) != "Key attribute should be present in the item: Key pk" {
		t.Fatalf("key error: %v", err)
	}
}
