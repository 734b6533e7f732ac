package dynamodb_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
)

// collectionEnv is hako with a 4,096-byte item collection limit (AWS's is
// 10 GB) and table "lsi": pk (S), sk (S), an LSI "byl" on l projecting
// ALL, so each item with l costs its size twice plus 100 bytes.
func collectionEnv(t *testing.T) *env {
	e := newEnv(t, hakotest.WithConfig(func(c *config.Config) { c.DynamoDBCollectionLimit = 4096 }))
	e.createTable("lsi", "sk", "S", func(in *dynamodb.CreateTableInput) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeS})
		in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{IndexName: aws.String("byl"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	})
	return e
}

// bigItem is an item of about 950 bytes in collection pk.
func bigItem(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": s(pk), "sk": s(sk), "l": s("l" + sk), "v": s(strings.Repeat("x", 900))}
}

func TestItemCollectionSizeLimit(t *testing.T) {
	e := collectionEnv(t)
	// Two items (about 2 x 2,000 bytes with their index entries) fit.
	for _, sk := range []string{"1", "2"} {
		out, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("lsi"), Item: bigItem("a", sk),
			ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
		if err != nil {
			t.Fatalf("PutItem %s: %v", sk, err)
		}
		m := out.ItemCollectionMetrics
		if m == nil || m.ItemCollectionKey["pk"].(*types.AttributeValueMemberS).Value != "a" || len(m.SizeEstimateRangeGB) != 2 ||
			m.SizeEstimateRangeGB[0] != 0 || m.SizeEstimateRangeGB[1] != 1 {
			t.Fatalf("metrics %+v", m)
		}
	}
	// A third would take the collection past the limit.
	_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("lsi"), Item: bigItem("a", "3")})
	wantErr(t, err, "ItemCollectionSizeLimitExceededException", "Item collection size limit exceeded")
	var tooBig *types.ItemCollectionSizeLimitExceededException
	if !errors.As(err, &tooBig) {
		t.Fatalf("the SDK does not see its modelled exception: %T %v", err, err)
	}
	if got := e.get("lsi", "a", "3"); got != nil {
		t.Fatalf("refused item stored: %v", got)
	}
	// Other collections have their own limit.
	e.put("lsi", bigItem("b", "3"))
	// An item outside the index (no l) costs only its own size.
	small := bigItem("a", "4")
	delete(small, "l")
	small["v"] = s(strings.Repeat("y", 50))
	e.put("lsi", small)
	// Growing an item past the limit fails; shrinking one is allowed.
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("lsi"),
		Key: map[string]types.AttributeValue{"pk": s("a"), "sk": s("1")}, UpdateExpression: aws.String("SET w = :w"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":w": s(strings.Repeat("z", 200))}})
	wantErr(t, err, "ItemCollectionSizeLimitExceededException", "")
	if _, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("lsi"),
		Key: map[string]types.AttributeValue{"pk": s("a"), "sk": s("1")}, UpdateExpression: aws.String("REMOVE v")}); err != nil {
		t.Fatalf("shrinking update: %v", err)
	}
	// The space freed by the shrink and by a delete can be used again.
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("lsi"), Key: map[string]types.AttributeValue{"pk": s("a"), "sk": s("2")}}); err != nil {
		t.Fatal(err)
	}
	e.put("lsi", bigItem("a", "3"))
}

func TestItemCollectionSizeLimitBatchAndTransactions(t *testing.T) {
	e := collectionEnv(t)
	e.put("lsi", bigItem("a", "1"))

	// BatchWriteItem: the whole batch is refused, nothing written.
	_, err := e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"lsi": {
		{PutRequest: &types.PutRequest{Item: bigItem("b", "1")}},
		{PutRequest: &types.PutRequest{Item: bigItem("a", "2")}},
		{PutRequest: &types.PutRequest{Item: bigItem("a", "3")}},
	}}})
	wantErr(t, err, "ItemCollectionSizeLimitExceededException", "Item collection size limit exceeded")
	for _, k := range [][2]string{{"b", "1"}, {"a", "2"}, {"a", "3"}} {
		if got := e.get("lsi", k[0], k[1]); got != nil {
			t.Fatalf("item %v of a refused batch stored", k)
		}
	}
	// A batch within the limit reports one entry per collection written.
	bout, err := e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"lsi": {
		{PutRequest: &types.PutRequest{Item: bigItem("b", "1")}},
		{PutRequest: &types.PutRequest{Item: bigItem("b", "2")}},
		{PutRequest: &types.PutRequest{Item: bigItem("a", "2")}},
	}}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil {
		t.Fatal(err)
	}
	if ms := bout.ItemCollectionMetrics["lsi"]; len(ms) != 2 {
		t.Fatalf("batch metrics %+v", bout.ItemCollectionMetrics)
	}

	// TransactWriteItems: cancelled with the reason on the action that
	// overflowed, the other actions undone.
	_, err = e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("lsi"), Item: bigItem("c", "1")}},
		{Put: &types.Put{TableName: aws.String("lsi"), Item: bigItem("a", "3")}},
	}})
	wantErr(t, err, "TransactionCanceledException", "[None, ItemCollectionSizeLimitExceeded]")
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[1].Code) != "ItemCollectionSizeLimitExceeded" ||
		aws.ToString(tce.CancellationReasons[0].Code) != "None" {
		t.Fatalf("reasons: %+v", tce)
	}
	if got := e.get("lsi", "c", "1"); got != nil {
		t.Fatal("an action of a cancelled transaction stayed written")
	}
	tout, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("lsi"), Item: bigItem("c", "1")}},
	}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil || len(tout.ItemCollectionMetrics["lsi"]) != 1 {
		t.Fatalf("transaction metrics %+v %v", tout, err)
	}

	// PartiQL: the statement fails; in a batch, that statement's error.
	insert := "INSERT INTO lsi VALUE {'pk': 'a', 'sk': '9', 'l': 'l9', 'v': '" + strings.Repeat("x", 900) + "'}"
	_, err = e.c.ExecuteStatement(e.ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(insert)})
	wantErr(t, err, "ItemCollectionSizeLimitExceededException", "")
	bs, err := e.c.BatchExecuteStatement(e.ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{{Statement: aws.String(insert)}}})
	if err != nil || len(bs.Responses) != 1 || bs.Responses[0].Error == nil || bs.Responses[0].Error.Code != types.BatchStatementErrorCodeEnumItemCollectionSizeLimitExceeded {
		t.Fatalf("BatchExecuteStatement: %+v %v", bs, err)
	}
	_, err = e.c.ExecuteTransaction(e.ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{{Statement: aws.String(insert)}}})
	wantErr(t, err, "TransactionCanceledException", "[ItemCollectionSizeLimitExceeded]")
}

// get reads the item (pk, sk) of table consistently (nil if absent).
func (e *env) get(table, pk, sk string) map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": s(pk), "sk": s(sk)}})
	if err != nil {
		e.t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}
