package dynamodb_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// count is the number of items of table (or its index) by a Scan.
func (e *env) count(table, index string) int {
	e.t.Helper()
	in := &dynamodb.ScanInput{TableName: aws.String(table), Select: types.SelectCount}
	if index != "" {
		in.IndexName = aws.String(index)
	}
	n := 0
	for p := dynamodb.NewScanPaginator(e.c, in); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		n += int(out.Count)
	}
	return n
}

// A GSI created while items are written holds every item that has its key:
// the writes that raced the backfill included.
func TestGSICreatedDuringWritesHoldsEveryItem(t *testing.T) {
	e := newEnv(t)
	e.createTable("race", "", "")
	for i := range 200 {
		e.put("race", map[string]types.AttributeValue{"pk": s(fmt.Sprint("pre", i)), "g": s("x")})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for w := range 8 {
		wg.Go(func() {
			for i := range 60 {
				_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("race"),
					Item: map[string]types.AttributeValue{"pk": s(fmt.Sprint("w", w, "-", i)), "g": s("x")}})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	_, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("race"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byg"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}}})
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if items, entries := e.count("race", ""), e.count("race", "byg"); items != 200+8*60 || entries != items {
		t.Fatalf("%d items, %d index entries", items, entries)
	}
}

// Concurrent changes of a table's definition do not overwrite each other.
func TestConcurrentTagResourceKeepsEveryTag(t *testing.T) {
	e := newEnv(t)
	e.createTable("tags", "", "")
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/tags"
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			if _, err := e.c.TagResource(e.ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn),
				Tags: []types.Tag{{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	out, err := e.c.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(out.Tags) != 40 {
		t.Fatalf("%d tags, want 40 (%v)", len(out.Tags), err)
	}
}

func TestUpdateTableUnchangedThroughputRefused(t *testing.T) {
	e := newEnv(t)
	e.createTable("prov", "", "", func(in *dynamodb.CreateTableInput) {
		in.BillingMode = types.BillingModeProvisioned
		in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(3)}
	})
	same := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(3)}
	_, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"), ProvisionedThroughput: same})
	wantErr(t, err, "ValidationException", "The provisioned throughput for the table will not change. The requested value equals the current value. "+
		"Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 3. Requested WriteCapacityUnits: 3.")
	if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(6), WriteCapacityUnits: aws.Int64(3)}}); err != nil {
		t.Fatalf("a real change: %v", err)
	}
}
