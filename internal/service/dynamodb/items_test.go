package dynamodb_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestPutGetDeleteItem(t *testing.T) {
	e := newEnv(t)
	e.createTable("items", "sk", "N")
	item := map[string]types.AttributeValue{
		"pk": s("a"), "sk": n("1.50"), "name": s("widget"), "price": n("0012.30"),
		"tags": &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"meta": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"empty": &types.AttributeValueMemberL{Value: []types.AttributeValue{}}}},
		"ok":   &types.AttributeValueMemberBOOL{Value: false},
		"nil":  &types.AttributeValueMemberNULL{Value: true},
		"bin":  &types.AttributeValueMemberB{Value: []byte{0, 1, 2}},
	}
	out, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: item, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes != nil || aws.ToFloat64(out.ConsumedCapacity.CapacityUnits) != 1 || aws.ToString(out.ConsumedCapacity.TableName) != "items" {
		t.Fatalf("put: %+v", out)
	}
	// Numbers come back canonical; the key is found by its canonical form.
	got, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")}, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item == nil {
		t.Fatalf("get: %+v %v", got, err)
	}
	if v := got.Item["price"].(*types.AttributeValueMemberN).Value; v != "12.3" {
		t.Fatalf("price %q, want 12.3", v)
	}
	if l := got.Item["meta"].(*types.AttributeValueMemberM).Value["empty"].(*types.AttributeValueMemberL).Value; l == nil || len(l) != 0 {
		t.Fatalf("empty list lost: %#v", got.Item["meta"])
	}
	if b := got.Item["ok"].(*types.AttributeValueMemberBOOL).Value; b {
		t.Fatal("BOOL false came back true")
	}
	proj, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")},
		ProjectionExpression: aws.String("#n, price"), ExpressionAttributeNames: map[string]string{"#n": "name"}})
	if err != nil || len(proj.Item) != 2 {
		t.Fatalf("projection: %+v %v", proj.Item, err)
	}
	missing, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("items"), Key: map[string]types.AttributeValue{"pk": s("zz"), "sk": n("1")}})
	if err != nil || missing.Item != nil {
		t.Fatalf("missing: %+v %v", missing, err)
	}
	// Replace returns the old item.
	item2 := map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5"), "name": s("gadget")}
	out, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: item2, ReturnValues: types.ReturnValueAllOld})
	if err != nil || out.Attributes["name"].(*types.AttributeValueMemberS).Value != "widget" {
		t.Fatalf("put ALL_OLD: %+v %v", out, err)
	}
	del, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("items"), Key: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1.5")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || del.Attributes["name"].(*types.AttributeValueMemberS).Value != "gadget" {
		t.Fatalf("delete: %+v %v", del, err)
	}
}

func TestItemValidationErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("val", "sk", "S")
	tbl := aws.String("val")
	_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s(""), "sk": s("x")}})
	wantErr(t, err, "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
	_, err = e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"pk": s("a")}})
	wantErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b"), "ss": &types.AttributeValueMemberSS{Value: []string{"x", "x"}}}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Input collection [x, x] contains duplicates.")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b"), "n": n("abc")}})
	wantErr(t, err, "ValidationException", "The parameter cannot be converted to a numeric value: abc")
	big := make([]byte, 400*1024)
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b"), "blob": &types.AttributeValueMemberB{Value: big}}})
	wantErr(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b")}, ReturnValues: types.ReturnValueAllNew})
	wantErr(t, err, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("b")},
		ConditionExpression: aws.String("attribute_not_exists(pk)"), ExpressionAttributeValues: map[string]types.AttributeValue{":unused": s("x")}})
	wantErr(t, err, "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")
}

func TestConditionalWrites(t *testing.T) {
	e := newEnv(t)
	e.createTable("stock", "", "")
	tbl := aws.String("stock")
	e.put("stock", map[string]types.AttributeValue{"pk": s("sku1"), "qty": n("2")})
	reserve := func() error {
		_, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{
			TableName: tbl, Key: map[string]types.AttributeValue{"pk": s("sku1")},
			UpdateExpression:                    aws.String("SET qty = qty - :one"),
			ConditionExpression:                 aws.String("qty >= :one"),
			ExpressionAttributeValues:           map[string]types.AttributeValue{":one": n("1")},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		return err
	}
	if err := reserve(); err != nil {
		t.Fatal(err)
	}
	if err := reserve(); err != nil {
		t.Fatal(err)
	}
	err := reserve()
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	var ccf *types.ConditionalCheckFailedException
	if !asErr(err, &ccf) || ccf.Item["qty"].(*types.AttributeValueMemberN).Value != "0" {
		t.Fatalf("condition failure item: %v", err)
	}
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("sku1")}, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	// Legacy Expected still works.
	_, err = e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"pk": s("sku1")},
		Expected: map[string]types.ExpectedAttributeValue{"qty": {Value: n("5")}}})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	_, err = e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"pk": s("sku1")},
		Expected: map[string]types.ExpectedAttributeValue{"qty": {Value: n("0")}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpdateItemReturnValues(t *testing.T) {
	e := newEnv(t)
	e.createTable("upd", "", "")
	tbl := aws.String("upd")
	key := map[string]types.AttributeValue{"pk": s("k")}
	out, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key,
		UpdateExpression:          aws.String("SET a = :a, #l = list_append(if_not_exists(#l, :empty), :x) ADD c :one"),
		ExpressionAttributeNames:  map[string]string{"#l": "list"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": s("A"), ":empty": &types.AttributeValueMemberL{Value: []types.AttributeValue{}}, ":x": &types.AttributeValueMemberL{Value: []types.AttributeValue{n("1")}}, ":one": n("1")},
		ReturnValues:              types.ReturnValueAllNew})
	if err != nil || len(out.Attributes) != 4 || out.Attributes["c"].(*types.AttributeValueMemberN).Value != "1" {
		t.Fatalf("update new item: %+v %v", out, err)
	}
	out, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key,
		UpdateExpression: aws.String("SET a = :b REMOVE c"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": s("B")},
		ReturnValues: types.ReturnValueUpdatedOld})
	if err != nil || len(out.Attributes) != 2 || out.Attributes["a"].(*types.AttributeValueMemberS).Value != "A" {
		t.Fatalf("UPDATED_OLD: %+v %v", out.Attributes, err)
	}
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key,
		UpdateExpression: aws.String("SET pk = :b"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": s("B")}})
	wantErr(t, err, "ValidationException", "Cannot update attribute pk. This attribute is part of the key")
}

func TestItemCollectionMetrics(t *testing.T) {
	e := newEnv(t)
	e.createTable("coll", "sk", "S", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeS})
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("byl"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}
	})
	out, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("coll"), Item: map[string]types.AttributeValue{"pk": s("a"), "sk": s("1"), "l": s("x")},
		ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil || out.ItemCollectionMetrics == nil || out.ItemCollectionMetrics.ItemCollectionKey["pk"].(*types.AttributeValueMemberS).Value != "a" ||
		len(out.ItemCollectionMetrics.SizeEstimateRangeGB) != 2 {
		t.Fatalf("metrics: %+v %v", out, err)
	}
	e.createTable("nolsi", "", "")
	out, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("nolsi"), Item: map[string]types.AttributeValue{"pk": s("a")},
		ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil || out.ItemCollectionMetrics != nil {
		t.Fatalf("metrics without LSI: %+v %v", out.ItemCollectionMetrics, err)
	}
}
