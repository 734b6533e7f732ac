package dynamodb_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/hakotest"
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

// Another account's table or stream named by ARN is refused as AWS refuses
// it without a resource-based policy; a table with a policy is reachable
// (hako stores policies without evaluating them).
func TestCrossAccountAccessByARN(t *testing.T) {
	e := newEnv(t, hakotest.WithConfig(func(c *config.Config) {
		c.Keys = append(c.Keys, config.Key{AccessKeyID: "other", Secret: "other", Account: "111111111111"})
	}))
	e.createTable("mine", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}
	})
	e.put("mine", map[string]types.AttributeValue{"pk": s("a")})
	other := e.srv.DynamoDB(func(o *dynamodb.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("other", "other", "")
	})
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/mine"
	_, err := other.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(arn), Key: map[string]types.AttributeValue{"pk": s("a")}})
	wantErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:root is not authorized to perform: dynamodb:GetItem on resource: "+arn+
		" because no resource-based policy allows the dynamodb:GetItem action")
	_, err = other.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(arn)})
	wantErr(t, err, "AccessDeniedException", "dynamodb:DescribeTable")
	_, err = other.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
	wantErr(t, err, "AccessDeniedException", "")
	// The same name in the caller's own account is its own table.
	_, err = other.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String("mine"), Key: map[string]types.AttributeValue{"pk": s("a")}})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Streams: a forged iterator for the owner's stream is refused too.
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("mine")})
	if err != nil {
		t.Fatal(err)
	}
	streamARN := aws.ToString(d.Table.LatestStreamArn)
	otherStreams := dynamodbstreams.NewFromConfig(e.srv.AWSConfig(), func(o *dynamodbstreams.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("other", "other", "")
	})
	_, err = otherStreams.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(streamARN)})
	wantErr(t, err, "AccessDeniedException", "")
	ds, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(streamARN)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(streamARN),
		ShardId: ds.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = otherStreams.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	wantErr(t, err, "AccessDeniedException", "")
	if out, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator}); err != nil || len(out.Records) != 1 {
		t.Fatalf("the owner's GetRecords: %+v %v", out, err)
	}

	// With a resource policy the table is reachable from the other account.
	e.createTable("shared", "", "", func(in *dynamodb.CreateTableInput) {
		in.ResourcePolicy = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"dynamodb:*","Resource":"*"}]}`)
	})
	if _, err := other.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/shared"),
		Item: map[string]types.AttributeValue{"pk": s("b")}}); err != nil {
		t.Fatalf("PutItem through a resource policy: %v", err)
	}
}
