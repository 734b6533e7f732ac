package dynamodb

import (
	"context"
	"fmt"
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// benchService is a service on a fresh SQLite store with table "t"
// (pk S, sk N) holding 100 partitions of 100 items of ~200 bytes.
func benchService(b *testing.B) (*Service, context.Context) {
	b.Helper()
	ctx := reqinfo.With(context.Background(), &reqinfo.Info{Account: "000000000000", Region: "us-east-1"})
	st, err := store.Open(ctx, store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s, err := New(ctx, Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	sv := func(v string) *string { return &v }
	if _, err := s.CreateTable(ctx, &dynamodbapi.CreateTableInput{
		TableName: sv("tbl"), BillingMode: sv("PAY_PER_REQUEST"),
		KeySchema:            []dynamodbapi.KeySchemaElement{{AttributeName: sv("pk"), KeyType: sv("HASH")}, {AttributeName: sv("sk"), KeyType: sv("RANGE")}},
		AttributeDefinitions: []dynamodbapi.AttributeDefinition{{AttributeName: sv("pk"), AttributeType: sv("S")}, {AttributeName: sv("sk"), AttributeType: sv("N")}},
	}); err != nil {
		b.Fatal(err)
	}
	for p := 0; p < 100; p++ {
		for i := 0; i < 100; i++ {
			item := map[string]dynamodbapi.AttributeValue{
				"pk": {S: sv(fmt.Sprintf("p%03d", p))}, "sk": {N: sv(fmt.Sprint(i))},
				"name": {S: sv("some name of an item")}, "count": {N: sv("12345")}, "flag": {BOOL: new(bool)},
				"tags": {SS: []string{"a", "b", "c"}}, "data": {S: sv("0123456789012345678901234567890123456789012345678901234567890123456789")},
			}
			if _, err := s.PutItem(ctx, &dynamodbapi.PutItemInput{TableName: sv("tbl"), Item: item}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s, ctx
}

func BenchmarkGetItem(b *testing.B) {
	s, ctx := benchService(b)
	sv := func(v string) *string { return &v }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := s.GetItem(ctx, &dynamodbapi.GetItemInput{TableName: sv("tbl"), Key: map[string]dynamodbapi.AttributeValue{"pk": {S: sv("p042")}, "sk": {N: sv("7")}}})
		if err != nil || (out.Item == nil && out.RawItem == nil) {
			b.Fatal(err)
		}
		out.AppendJSON(nil)
	}
}

func BenchmarkQuery100(b *testing.B) {
	s, ctx := benchService(b)
	sv := func(v string) *string { return &v }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := s.Query(ctx, &dynamodbapi.QueryInput{TableName: sv("tbl"), KeyConditionExpression: sv("pk = :p"),
			ExpressionAttributeValues: map[string]dynamodbapi.AttributeValue{":p": {S: sv("p042")}}})
		if err != nil || len(out.Items)+len(out.RawItems) != 100 {
			b.Fatal(err)
		}
		out.AppendJSON(nil)
	}
}

func BenchmarkPutItem(b *testing.B) {
	s, ctx := benchService(b)
	sv := func(v string) *string { return &v }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		item := map[string]dynamodbapi.AttributeValue{
			"pk": {S: sv("p042")}, "sk": {N: sv(fmt.Sprint(i % 100))}, "name": {S: sv("some name of an item")}, "count": {N: sv("12345")},
		}
		if _, err := s.PutItem(ctx, &dynamodbapi.PutItemInput{TableName: sv("tbl"), Item: item}); err != nil {
			b.Fatal(err)
		}
	}
}
