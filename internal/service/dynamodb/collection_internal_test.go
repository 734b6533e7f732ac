package dynamodb

import (
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/store"
)

// TestCollectionCountedFromStoredItems checks the collection row against
// the stored items and index entries, also when the row is missing (data
// written before rows were kept) and has to be counted from them.
func TestCollectionCountedFromStoredItems(t *testing.T) {
	s, ctx, st := testService(t)
	if _, err := s.CreateTable(ctx, &dynamodbapi.CreateTableInput{
		TableName: ptr("coll"), BillingMode: ptr("PAY_PER_REQUEST"),
		KeySchema: []dynamodbapi.KeySchemaElement{{AttributeName: ptr("pk"), KeyType: ptr("HASH")}, {AttributeName: ptr("sk"), KeyType: ptr("RANGE")}},
		AttributeDefinitions: []dynamodbapi.AttributeDefinition{{AttributeName: ptr("pk"), AttributeType: ptr("S")}, {AttributeName: ptr("sk"), AttributeType: ptr("S")},
			{AttributeName: ptr("l"), AttributeType: ptr("S")}, {AttributeName: ptr("m"), AttributeType: ptr("S")}},
		LocalSecondaryIndexes: []dynamodbapi.LocalSecondaryIndex{
			{IndexName: ptr("byl"), KeySchema: []dynamodbapi.KeySchemaElement{{AttributeName: ptr("pk"), KeyType: ptr("HASH")}, {AttributeName: ptr("l"), KeyType: ptr("RANGE")}},
				Projection: &dynamodbapi.Projection{ProjectionType: ptr("KEYS_ONLY")}},
			{IndexName: ptr("bym"), KeySchema: []dynamodbapi.KeySchemaElement{{AttributeName: ptr("pk"), KeyType: ptr("HASH")}, {AttributeName: ptr("m"), KeyType: ptr("RANGE")}},
				Projection: &dynamodbapi.Projection{ProjectionType: ptr("ALL")}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	put := func(sk string, attrs ...string) {
		t.Helper()
		it := map[string]dynamodbapi.AttributeValue{"pk": {S: ptr("a")}, "sk": {S: ptr(sk)}, "v": {S: ptr(strings.Repeat("v", len(sk)*10))}}
		for _, a := range attrs {
			it[a] = dynamodbapi.AttributeValue{S: ptr(a + sk)}
		}
		if _, err := s.PutItem(ctx, &dynamodbapi.PutItemInput{TableName: ptr("coll"), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	row := func() int64 {
		t.Helper()
		var n int64
		if err := st.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT size FROM ddb_collections").Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	stored := func() int64 {
		t.Helper()
		meta, err := s.table(ctx, ptr("coll"))
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		var k itemKey
		if err := st.View(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, "SELECT h, pk FROM ddb_items LIMIT 1").Scan(&k.h, &k.pk); err != nil {
				return err
			}
			n, err = s.storedCollection(ctx, tx, meta, k)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	put("1", "l", "m")
	put("22", "l")
	put("333")
	put("1", "m") // replaces item 1: leaves byl
	if got, want := row(), stored(); got != want || got == 0 {
		t.Fatalf("collection row %d, stored items and entries %d", got, want)
	}
	if err := st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM ddb_collections")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	put("4444", "l", "m")
	if got, want := row(), stored(); got != want {
		t.Fatalf("after a write to an uncounted collection: row %d, stored %d", got, want)
	}
	for _, sk := range []string{"1", "22", "333"} {
		if _, err := s.DeleteItem(ctx, &dynamodbapi.DeleteItemInput{TableName: ptr("coll"), Key: map[string]dynamodbapi.AttributeValue{"pk": {S: ptr("a")}, "sk": {S: ptr(sk)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := row(), stored(); got != want {
		t.Fatalf("after deletes: row %d, stored %d", got, want)
	}
	if _, err := s.DeleteItem(ctx, &dynamodbapi.DeleteItemInput{TableName: ptr("coll"), Key: map[string]dynamodbapi.AttributeValue{"pk": {S: ptr("a")}, "sk": {S: ptr("4444")}}}); err != nil {
		t.Fatal(err)
	}
	if got := row(); got != 0 {
		t.Fatalf("empty collection counts %d bytes", got)
	}
}
