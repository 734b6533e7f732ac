package dynamodb_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// readShard reads a stream's only shard from iterType with pages of limit
// records until GetRecords returns no NextShardIterator (a closed shard's
// end) or, for an open shard, an empty page. closed reports which.
func (e *env) readShard(arn *string, iterType streamtypes.ShardIteratorType, limit int32) (recs []streamtypes.Record, closed bool) {
	e.t.Helper()
	d, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		e.t.Fatal(err)
	}
	it, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: iterType})
	if err != nil {
		e.t.Fatal(err)
	}
	iter := it.ShardIterator
	for i := 0; i < 100; i++ {
		r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(limit)})
		if err != nil {
			e.t.Fatal(err)
		}
		recs = append(recs, r.Records...)
		if r.NextShardIterator == nil {
			return recs, true
		}
		if len(r.Records) == 0 {
			return recs, false
		}
		iter = r.NextShardIterator
	}
	e.t.Fatal("shard not read to its end in 100 pages")
	return nil, false
}

func (e *env) listStreams(table string) []streamtypes.Stream {
	e.t.Helper()
	in := &dynamodbstreams.ListStreamsInput{}
	if table != "" {
		in.TableName = aws.String(table)
	}
	ls, err := e.st.ListStreams(e.ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ls.Streams
}

func recordKeys(recs []streamtypes.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.EventName)+":"+r.Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS).Value)
	}
	return out
}

// TestDeletedTableStreamStaysReadable: as on AWS (DeleteTable's API
// reference), a deleted table's stream goes DISABLED and stays readable
// for 24 hours; a table created again with the name has a stream of its
// own.
func TestDeletedTableStreamStaysReadable(t *testing.T) {
	e := newEnv(t)
	withStream := func(vt types.StreamViewType) func(*dynamodb.CreateTableInput) {
		return func(in *dynamodb.CreateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: vt}
		}
	}
	e.createTable("gone", "", "", withStream(types.StreamViewTypeNewAndOldImages))
	start := e.clk.Now()
	e.put("gone", map[string]types.AttributeValue{"pk": s("a"), "v": n("1")})
	e.put("gone", map[string]types.AttributeValue{"pk": s("b")})
	e.put("gone", map[string]types.AttributeValue{"pk": s("c")})
	e.put("gone", map[string]types.AttributeValue{"pk": s("a"), "v": n("2")})
	if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("gone"), Key: map[string]types.AttributeValue{"pk": s("b")}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"INSERT:a", "INSERT:b", "INSERT:c", "MODIFY:a", "REMOVE:b"}
	dt, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("gone")})
	if err != nil {
		t.Fatal(err)
	}
	oldARN := dt.Table.LatestStreamArn
	before, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: oldARN})
	if err != nil {
		t.Fatal(err)
	}
	shardID := aws.ToString(before.StreamDescription.Shards[0].ShardId)
	// An iterator taken before the deletion reads on after it.
	early, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: oldARN, ShardId: aws.String(shardID), ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}

	e.clk.Advance(time.Second)
	if _, err := e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("gone")})
	wantErr(t, err, "ResourceNotFoundException", "gone")

	checkOld := func(t *testing.T) {
		t.Helper()
		ls := e.listStreams("gone")
		if len(ls) < 1 || aws.ToString(ls[0].StreamArn) != aws.ToString(oldARN) || aws.ToString(ls[0].TableName) != "gone" {
			t.Fatalf("ListStreams: %+v", ls)
		}
		d, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: oldARN})
		if err != nil {
			t.Fatal(err)
		}
		sd := d.StreamDescription
		if sd.StreamStatus != streamtypes.StreamStatusDisabled || aws.ToString(sd.TableName) != "gone" || sd.StreamViewType != streamtypes.StreamViewTypeNewAndOldImages ||
			len(sd.KeySchema) != 1 || aws.ToString(sd.KeySchema[0].AttributeName) != "pk" || sd.KeySchema[0].KeyType != streamtypes.KeyTypeHash {
			t.Fatalf("DescribeStream: %+v", sd)
		}
		if len(sd.Shards) != 1 || aws.ToString(sd.Shards[0].ShardId) != shardID || sd.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil ||
			aws.ToString(sd.Shards[0].SequenceNumberRange.StartingSequenceNumber) != aws.ToString(before.StreamDescription.Shards[0].SequenceNumberRange.StartingSequenceNumber) {
			t.Fatalf("shard: %+v", sd.Shards)
		}
		// Every record (none for the deletion itself), to the closed end.
		recs, closed := e.readShard(oldARN, streamtypes.ShardIteratorTypeTrimHorizon, 2)
		if got := recordKeys(recs); !closed || len(got) != len(want) || got[0] != want[0] || got[4] != want[4] || got[3] != want[3] {
			t.Fatalf("records %v (closed %v), want %v", got, closed, want)
		}
		if end := aws.ToString(sd.Shards[0].SequenceNumberRange.EndingSequenceNumber); end != aws.ToString(recs[4].Dynamodb.SequenceNumber) {
			t.Fatalf("EndingSequenceNumber %s, last record %s", end, aws.ToString(recs[4].Dynamodb.SequenceNumber))
		}
		if recs[3].Dynamodb.OldImage["v"].(*streamtypes.AttributeValueMemberN).Value != "1" {
			t.Fatalf("images: %+v", recs[3].Dynamodb)
		}
		// LATEST is at the end of the closed shard.
		if recs, closed := e.readShard(oldARN, streamtypes.ShardIteratorTypeLatest, 100); len(recs) != 0 || !closed {
			t.Fatalf("LATEST: %d records, closed %v", len(recs), closed)
		}
		_, err = e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: oldARN, ShardId: aws.String(shardID),
			ShardIteratorType: streamtypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: recs[3].Dynamodb.SequenceNumber})
		if err != nil {
			t.Fatal(err)
		}
	}
	checkOld(t)
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: early.ShardIterator})
	if err != nil || len(r.Records) != 5 || r.NextShardIterator != nil {
		t.Fatalf("iterator from before the deletion: %d records, next %v, %v", len(r.Records), r.NextShardIterator, err)
	}

	// A new table of the same name: a new stream, beside the old one.
	e.clk.Advance(time.Second)
	e.createTable("gone", "", "", withStream(types.StreamViewTypeKeysOnly))
	e.put("gone", map[string]types.AttributeValue{"pk": s("z")})
	dt, err = e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("gone")})
	if err != nil {
		t.Fatal(err)
	}
	newARN := dt.Table.LatestStreamArn
	if aws.ToString(newARN) == aws.ToString(oldARN) {
		t.Fatalf("the new table's stream has the old ARN %s", aws.ToString(newARN))
	}
	for _, table := range []string{"gone", ""} {
		ls := e.listStreams(table)
		if len(ls) != 2 || aws.ToString(ls[0].StreamArn) != aws.ToString(oldARN) || aws.ToString(ls[1].StreamArn) != aws.ToString(newARN) {
			t.Fatalf("ListStreams(%q): %+v", table, ls)
		}
	}
	// Paging through the two.
	page, err := e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil || len(page.Streams) != 1 || aws.ToString(page.LastEvaluatedStreamArn) != aws.ToString(oldARN) {
		t.Fatalf("ListStreams page 1: %+v %v", page, err)
	}
	page, err = e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1), ExclusiveStartStreamArn: page.LastEvaluatedStreamArn})
	if err != nil || len(page.Streams) != 1 || aws.ToString(page.Streams[0].StreamArn) != aws.ToString(newARN) {
		t.Fatalf("ListStreams page 2: %+v %v", page, err)
	}
	nd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: newARN})
	if err != nil {
		t.Fatal(err)
	}
	if sd := nd.StreamDescription; sd.StreamStatus != streamtypes.StreamStatusEnabled || sd.Shards[0].SequenceNumberRange.EndingSequenceNumber != nil || aws.ToString(sd.Shards[0].ShardId) == shardID {
		t.Fatalf("new stream: %+v", sd)
	}
	if got := recordKeys(e.streamRecords("gone")); len(got) != 1 || got[0] != "INSERT:z" {
		t.Fatalf("new stream's records: %v", got)
	}
	checkOld(t)

	// The definition is in the store: a restart keeps the old stream.
	e.srv.Restart(t)
	checkOld(t)

	// 24 hours after the deletion the old stream is gone; the new one
	// stays (its records trimmed: the trimmer ran).
	e.clk.Advance(24*time.Hour + time.Minute - e.clk.Now().Sub(start))
	waitFor(t, e, func() bool { return len(e.streamRecords("gone")) == 0 })
	_, err = e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: oldARN})
	wantErr(t, err, "ResourceNotFoundException", "not found")
	_, err = e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: oldARN, ShardId: aws.String(shardID), ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	wantErr(t, err, "ResourceNotFoundException", "not found")
	for _, table := range []string{"gone", ""} {
		if ls := e.listStreams(table); len(ls) != 1 || aws.ToString(ls[0].StreamArn) != aws.ToString(newARN) {
			t.Fatalf("ListStreams(%q) after 24 hours: %+v", table, ls)
		}
	}
	if nd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: newARN}); err != nil || nd.StreamDescription.StreamStatus != streamtypes.StreamStatusEnabled {
		t.Fatalf("new stream after 24 hours: %+v %v", nd, err)
	}
}

// TestDeletedTableStreamDisabledBefore: a table that never had a stream
// leaves none behind; one whose stream was disabled less than 24 hours
// before leaves that stream readable for the rest of its 24 hours.
func TestDeletedTableStreamDisabledBefore(t *testing.T) {
	e := newEnv(t)
	e.createTable("plain", "", "")
	e.createTable("off", "", "", func(in *dynamodb.CreateTableInput) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}
	})
	e.put("off", map[string]types.AttributeValue{"pk": s("a")})
	if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("off"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	e.put("off", map[string]types.AttributeValue{"pk": s("b")}) // no stream: no record
	ls := e.listStreams("off")
	if len(ls) != 1 {
		t.Fatalf("ListStreams: %+v", ls)
	}
	arn := ls[0].StreamArn
	for _, name := range []string{"plain", "off"} {
		if _, err := e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if ls := e.listStreams(""); len(ls) != 1 || aws.ToString(ls[0].StreamArn) != aws.ToString(arn) {
		t.Fatalf("ListStreams after the deletions: %+v", ls)
	}
	recs, closed := e.readShard(arn, streamtypes.ShardIteratorTypeTrimHorizon, 100)
	if got := recordKeys(recs); len(got) != 1 || got[0] != "INSERT:a" || !closed {
		t.Fatalf("records %v, closed %v", got, closed)
	}
	e.clk.Advance(24*time.Hour + time.Second)
	if ls := e.listStreams(""); len(ls) != 0 {
		t.Fatalf("ListStreams after 24 hours: %+v", ls)
	}
	_, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	wantErr(t, err, "ResourceNotFoundException", "not found")
}
