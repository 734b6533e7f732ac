package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/model/dynamodbstreamsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// testService is a service on a fresh SQLite store with a fake clock, the
// context of a request to it, and the store.
func testService(t *testing.T) (*Service, context.Context, *store.Store) {
	t.Helper()
	ctx := reqinfo.With(context.Background(), &reqinfo.Info{Account: "000000000000", Region: "us-east-1"})
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(ctx, Config{Store: st, Clock: clock.NewFake(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, ctx, st
}

// feedService is a service on a fresh SQLite store with table "feed" (pk S)
// streaming NEW_AND_OLD_IMAGES; it returns the stream's ARN.
func feedService(t *testing.T) (*Service, context.Context, string) {
	t.Helper()
	s, ctx, _ := testService(t)
	out, err := s.CreateTable(ctx, &dynamodbapi.CreateTableInput{
		TableName: ptr("feed"), BillingMode: ptr("PAY_PER_REQUEST"),
		KeySchema:            []dynamodbapi.KeySchemaElement{{AttributeName: ptr("pk"), KeyType: ptr("HASH")}},
		AttributeDefinitions: []dynamodbapi.AttributeDefinition{{AttributeName: ptr("pk"), AttributeType: ptr("S")}},
		StreamSpecification:  &dynamodbapi.StreamSpecification{StreamEnabled: ptr(true), StreamViewType: ptr("NEW_AND_OLD_IMAGES")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, ctx, deref(out.TableDescription.LatestStreamArn)
}

func feedPut(t *testing.T, s *Service, ctx context.Context, pk, v string) {
	t.Helper()
	if _, err := s.PutItem(ctx, &dynamodbapi.PutItemInput{TableName: ptr("feed"), Item: map[string]dynamodbapi.AttributeValue{"pk": {S: ptr(pk)}, "v": {S: ptr(v)}}}); err != nil {
		t.Fatal(err)
	}
}

func TestStreamFeedReadsWhatGetRecordsReturns(t *testing.T) {
	s, ctx, arn := feedService(t)
	f := s.StreamFeed()
	shards, err := f.StreamShards(ctx, arn)
	if err != nil || len(shards) != 1 {
		t.Fatalf("shards %+v %v", shards, err)
	}
	sh := shards[0]
	if sh.EndingSequenceNumber != "" || sh.StartingSequenceNumber != sequenceNumber(1) || sh.LatestSequenceNumber != sequenceNumber(0) {
		t.Fatalf("shard of an empty stream: %+v", sh)
	}
	feedPut(t, s, ctx, "a", "1")
	feedPut(t, s, ctx, "b", "1")
	feedPut(t, s, ctx, "a", "2")
	if _, err := s.DeleteItem(ctx, &dynamodbapi.DeleteItemInput{TableName: ptr("feed"), Key: map[string]dynamodbapi.AttributeValue{"pk": {S: ptr("b")}}}); err != nil {
		t.Fatal(err)
	}

	recs, err := f.ReadStream(ctx, arn, sh.ShardID, "", 0)
	if err != nil || len(recs) != 4 {
		t.Fatalf("read %d records, %v", len(recs), err)
	}
	// The same records as the Streams API, field for field.
	it, err := s.Streams().GetShardIterator(ctx, &dynamodbstreamsapi.GetShardIteratorInput{StreamArn: &arn, ShardId: &sh.ShardID, ShardIteratorType: ptr("TRIM_HORIZON")})
	if err != nil {
		t.Fatal(err)
	}
	api, err := s.Streams().GetRecords(ctx, &dynamodbstreamsapi.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(api.Records) != 4 {
		t.Fatalf("GetRecords: %+v %v", api, err)
	}
	for i, r := range recs {
		var got, want any
		b, _ := json.Marshal(api.Records[i])
		json.Unmarshal(b, &want)
		if err := json.Unmarshal(r.Record, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d:\n feed %s\n  api %s", i, r.Record, b)
		}
		if r.SequenceNumber != deref(api.Records[i].Dynamodb.SequenceNumber) || r.Arrival.IsZero() {
			t.Errorf("record %d: sequence number %s arrival %v", i, r.SequenceNumber, r.Arrival)
		}
	}
	if recs[0].PartitionHash != recs[2].PartitionHash || recs[0].PartitionHash == recs[1].PartitionHash {
		t.Errorf("partition hashes %d %d %d: the same key must hash alike", recs[0].PartitionHash, recs[1].PartitionHash, recs[2].PartitionHash)
	}

	// Positions: after a sequence number, with a limit, and LATEST.
	page, err := f.ReadStream(ctx, arn, sh.ShardID, recs[0].SequenceNumber, 2)
	if err != nil || len(page) != 2 || page[0].SequenceNumber != recs[1].SequenceNumber {
		t.Fatalf("after the first record: %+v %v", page, err)
	}
	shards, _ = f.StreamShards(ctx, arn)
	if latest := shards[0].LatestSequenceNumber; latest != recs[3].SequenceNumber {
		t.Fatalf("latest %s, want %s", latest, recs[3].SequenceNumber)
	}
	if rest, err := f.ReadStream(ctx, arn, sh.ShardID, shards[0].LatestSequenceNumber, 0); err != nil || len(rest) != 0 {
		t.Fatalf("after latest: %+v %v", rest, err)
	}

	// Unknown streams and shards are the Streams API's errors.
	var ae *awserr.Error
	if _, err := f.ReadStream(ctx, arn+"x", sh.ShardID, "", 0); !errors.As(err, &ae) || ae.Code != "ResourceNotFoundException" {
		t.Errorf("unknown stream: %v", err)
	}
	if _, err := f.ReadStream(ctx, arn, "shardId-nope", "", 0); !errors.As(err, &ae) || ae.Code != "ResourceNotFoundException" {
		t.Errorf("unknown shard: %v", err)
	}
	if _, err := f.StreamShards(ctx, "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/x"); !errors.As(err, &ae) || ae.Code != "ResourceNotFoundException" {
		t.Errorf("unknown table: %v", err)
	}

	// A disabled stream keeps its records and reports its end.
	if _, err := s.UpdateTable(ctx, &dynamodbapi.UpdateTableInput{TableName: ptr("feed"), StreamSpecification: &dynamodbapi.StreamSpecification{StreamEnabled: ptr(false)}}); err != nil {
		t.Fatal(err)
	}
	feedPut(t, s, ctx, "c", "1") // not streamed
	shards, err = f.StreamShards(ctx, arn)
	if err != nil || shards[0].EndingSequenceNumber != recs[3].SequenceNumber || shards[0].LatestSequenceNumber != recs[3].SequenceNumber {
		t.Fatalf("disabled stream's shard: %+v %v", shards, err)
	}
	if all, err := f.ReadStream(ctx, arn, sh.ShardID, "", 0); err != nil || len(all) != 4 {
		t.Fatalf("disabled stream: %d records, %v", len(all), err)
	}
}

func TestStreamFeedWatchWakesOnWrites(t *testing.T) {
	s, ctx, arn := feedService(t)
	f := s.StreamFeed()
	wake, stop := f.WatchStream(arn)
	defer stop()
	other, stopOther := f.WatchStream("arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/x")
	defer stopOther()
	waitWake := func(what string) {
		t.Helper()
		select {
		case <-wake:
		case <-time.After(5 * time.Second):
			t.Fatalf("no wake-up %s", what)
		}
	}
	waitWake("when the watch starts") // a record may have come before the first read
	select {
	case <-wake:
		t.Fatal("woken without a write")
	case <-time.After(3 * watchInterval):
	}
	feedPut(t, s, ctx, "a", "1")
	waitWake("after a write")
	select {
	case <-other:
		t.Fatal("a watch of a stream that does not exist was woken")
	default:
	}

	// The loop stops with its last watcher and starts again with the next.
	stop()
	stopOther()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		running := f.running
		f.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watch loop did not stop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	wake, stop = f.WatchStream(arn)
	defer stop()
	waitWake("from a new watch")
	feedPut(t, s, ctx, "a", "2")
	waitWake("after another write")
}
