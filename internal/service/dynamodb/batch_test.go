package dynamodb_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestBatchWriteAndGet(t *testing.T) {
	e := newEnv(t)
	e.createTable("left", "", "")
	e.createTable("right", "sk", "N")
	var writes []types.WriteRequest
	for i := 0; i < 20; i++ {
		writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(fmt.Sprint("k", i)), "v": n(fmt.Sprint(i))}}})
	}
	out, err := e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"left":  writes,
		"right": {{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("r"), "sk": n("1")}}}},
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || len(out.UnprocessedItems) != 0 || len(out.ConsumedCapacity) != 2 {
		t.Fatalf("batch write: %+v %v", out, err)
	}
	_, err = e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"left": {{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"pk": s("k0")}}}, {PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("k0")}}}},
	}})
	wantErr(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	if _, err := e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"left": {{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"pk": s("k0")}}}},
	}}); err != nil {
		t.Fatal(err)
	}
	var keys []map[string]types.AttributeValue
	for i := 0; i < 5; i++ {
		keys = append(keys, map[string]types.AttributeValue{"pk": s(fmt.Sprint("k", i))})
	}
	got, err := e.c.BatchGetItem(e.ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"left":  {Keys: keys, ProjectionExpression: aws.String("v")},
		"right": {Keys: []map[string]types.AttributeValue{{"pk": s("r"), "sk": n("1")}, {"pk": s("r"), "sk": n("2")}}},
	}})
	if err != nil || len(got.Responses["left"]) != 4 || len(got.Responses["right"]) != 1 || len(got.UnprocessedKeys) != 0 {
		t.Fatalf("batch get: %+v %v", got, err)
	}
	for _, it := range got.Responses["left"] {
		if len(it) != 1 || it["v"] == nil {
			t.Fatalf("projection not applied: %+v", it)
		}
	}
	_, err = e.c.BatchGetItem(e.ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"missing": {Keys: keys}}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	var many []types.WriteRequest
	for i := 0; i < 26; i++ {
		many = append(many, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s(fmt.Sprint("m", i))}}})
	}
	_, err = e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"left": many}})
	if err == nil {
		t.Fatal("26 writes accepted")
	}
}

func TestTransactWriteItems(t *testing.T) {
	e := newEnv(t)
	e.createTable("stock", "", "")
	e.createTable("orders", "", "")
	e.put("stock", map[string]types.AttributeValue{"pk": s("sku"), "qty": n("1")})
	order := func(id, token string) *dynamodb.TransactWriteItemsInput {
		in := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Update: &types.Update{TableName: aws.String("stock"), Key: map[string]types.AttributeValue{"pk": s("sku")},
				UpdateExpression: aws.String("SET qty = qty - :one"), ConditionExpression: aws.String("qty >= :one"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}, ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
			{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{"pk": s(id)}, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		}}
		if token != "" {
			in.ClientRequestToken = aws.String(token)
		}
		return in
	}
	if _, err := e.c.TransactWriteItems(e.ctx, order("o1", "tok-1")); err != nil {
		t.Fatal(err)
	}
	// The same token and request again: accepted, nothing applied twice.
	if _, err := e.c.TransactWriteItems(e.ctx, order("o1", "tok-1")); err != nil {
		t.Fatalf("idempotent retry: %v", err)
	}
	_, err := e.c.TransactWriteItems(e.ctx, order("o9", "tok-1"))
	wantErr(t, err, "IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request.")
	// Out of stock: cancelled, with a reason per action, nothing written.
	_, err = e.c.TransactWriteItems(e.ctx, order("o2", ""))
	wantErr(t, err, "TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]")
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" ||
		tce.CancellationReasons[0].Item["qty"].(*types.AttributeValueMemberN).Value != "0" || aws.ToString(tce.CancellationReasons[1].Code) != "None" {
		t.Fatalf("cancellation reasons: %+v", err)
	}
	o2, _ := e.c.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("o2")}})
	if o2.Item != nil {
		t.Fatal("cancelled transaction wrote its put")
	}
	_, err = e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{"pk": s("x")}}},
		{Delete: &types.Delete{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("x")}}},
	}})
	wantErr(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
	got, err := e.c.TransactGetItems(e.ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("stock"), Key: map[string]types.AttributeValue{"pk": s("sku")}}},
		{Get: &types.Get{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("o1")}}},
		{Get: &types.Get{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("none")}}},
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || len(got.Responses) != 3 || got.Responses[0].Item["qty"].(*types.AttributeValueMemberN).Value != "0" || got.Responses[1].Item == nil || got.Responses[2].Item != nil {
		t.Fatalf("transact get: %+v %v", got, err)
	}
	if len(got.ConsumedCapacity) != 2 || aws.ToFloat64(got.ConsumedCapacity[0].CapacityUnits) != 2 {
		t.Fatalf("transact get capacity: %+v", got.ConsumedCapacity)
	}
}
