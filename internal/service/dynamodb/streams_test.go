package dynamodb_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

func TestStreamRecordsInOrderWithImages(t *testing.T) {
	e := newEnv(t)
	e.createTable("orders", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}
	})
	e.put("orders", map[string]types.AttributeValue{"pk": s("o1"), "state": s("NEW")})
	if _, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("o1")},
		UpdateExpression: aws.String("SET #s = :s"), ExpressionAttributeNames: map[string]string{"#s": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("PAID")}}); err != nil {
		t.Fatal(err)
	}
	// A failed condition writes no record.
	_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{"pk": s("o1")}, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("o1")}}); err != nil {
		t.Fatal(err)
	}
	// Deleting an item that is not there writes no record either.
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: map[string]types.AttributeValue{"pk": s("o1")}}); err != nil {
		t.Fatal(err)
	}
	recs := e.streamRecords("orders")
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(recs), recs)
	}
	want := []streamtypes.OperationType{streamtypes.OperationTypeInsert, streamtypes.OperationTypeModify, streamtypes.OperationTypeRemove}
	prev := ""
	for i, r := range recs {
		if r.EventName != want[i] || aws.ToString(r.EventSource) != "aws:dynamodb" || aws.ToString(r.EventVersion) != "1.1" {
			t.Fatalf("record %d: %+v", i, r)
		}
		seq := aws.ToString(r.Dynamodb.SequenceNumber)
		if seq <= prev {
			t.Fatalf("sequence numbers not increasing: %s after %s", seq, prev)
		}
		prev = seq
		if r.Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS).Value != "o1" {
			t.Fatalf("keys: %+v", r.Dynamodb.Keys)
		}
	}
	if recs[1].Dynamodb.OldImage["state"].(*streamtypes.AttributeValueMemberS).Value != "NEW" || recs[1].Dynamodb.NewImage["state"].(*streamtypes.AttributeValueMemberS).Value != "PAID" {
		t.Fatalf("modify images: %+v", recs[1].Dynamodb)
	}
	if recs[2].Dynamodb.NewImage != nil || recs[2].Dynamodb.OldImage == nil {
		t.Fatalf("remove images: %+v", recs[2].Dynamodb)
	}
	ls, err := e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("orders")})
	if err != nil || len(ls.Streams) != 1 {
		t.Fatalf("list streams: %+v %v", ls, err)
	}
	// LATEST sees only what comes after it; AFTER_SEQUENCE_NUMBER resumes.
	d, _ := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: ls.Streams[0].StreamArn})
	shard := d.StreamDescription.Shards[0].ShardId
	latest, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: ls.Streams[0].StreamArn, ShardId: shard, ShardIteratorType: streamtypes.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	e.put("orders", map[string]types.AttributeValue{"pk": s("o2")})
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil || len(r.Records) != 1 || r.Records[0].Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS).Value != "o2" {
		t.Fatalf("latest: %+v %v", r, err)
	}
	after, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: ls.Streams[0].StreamArn, ShardId: shard,
		ShardIteratorType: streamtypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: recs[1].Dynamodb.SequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	r, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: after.ShardIterator})
	if err != nil || len(r.Records) != 2 || r.Records[0].EventName != streamtypes.OperationTypeRemove {
		t.Fatalf("after sequence number: %+v %v", r, err)
	}
	// Iterators expire after 15 minutes.
	e.clk.Advance(16 * 60e9)
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: after.ShardIterator})
	wantErr(t, err, "ExpiredIteratorException", "Iterator expired")
}
