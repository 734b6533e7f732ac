package dynamodb_test

// Adversarial audit of DynamoDB Streams through the SDK.

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

func advStreamShow(v streamtypes.AttributeValue) string {
	switch x := v.(type) {
	case *streamtypes.AttributeValueMemberS:
		return "S:" + x.Value
	case *streamtypes.AttributeValueMemberN:
		return "N:" + x.Value
	}
	return fmt.Sprintf("%T", v)
}

func advStreamItem(it map[string]streamtypes.AttributeValue) string {
	if it == nil {
		return "-"
	}
	var names []string
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	out := "{"
	for i, k := range names {
		if i > 0 {
			out += ","
		}
		out += k + "=" + advStreamShow(it[k])
	}
	return out + "}"
}

// advRecords renders records as "EVENT keys old new".
func advRecords(recs []streamtypes.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%s %s %s %s", r.EventName, advStreamItem(r.Dynamodb.Keys), advStreamItem(r.Dynamodb.OldImage), advStreamItem(r.Dynamodb.NewImage)))
	}
	return out
}

// A write that changes nothing writes no record: developer guide,
// "Change data capture for DynamoDB Streams": "If you perform a PutItem or
// UpdateItem operation that does not change any data in an item, DynamoDB
// Streams does not write a stream record for that operation"; alternator's
// do_updates_1 (run against DynamoDB): "a second put_item of the *same* key
// and same value, doesn't appear in the log at all!".
func TestAdvStreamNoRecordForWritesThatChangeNothing(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_snoop", "", "", advStream(types.StreamViewTypeNewAndOldImages))
	item := advItem{"pk": s("k"), "a": n("1"), "m": advM(advItem{"x": s("y")})}
	e.put("adv_snoop", item)
	e.put("adv_snoop", advItem{"pk": s("k"), "m": advM(advItem{"x": s("y")}), "a": n("1.0")}) // identical (1.0 is 1)
	if _, err := e.advUpdate("adv_snoop", advItem{"pk": s("k")}, "SET a = :one REMOVE nothere", nil, advItem{":one": n("1")}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.BatchWriteItem(e.ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"adv_snoop": {{PutRequest: &types.PutRequest{Item: item}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Put: &types.Put{
		TableName: aws.String("adv_snoop"), Item: item}}}}); err != nil {
		t.Fatal(err)
	}
	e.put("adv_snoop", advItem{"pk": s("k"), "a": n("2")})
	got := advRecords(e.streamRecords("adv_snoop"))
	want := []string{
		"INSERT {pk=S:k} - {a=N:1,m=*types.AttributeValueMemberM,pk=S:k}",
		"MODIFY {pk=S:k} {a=N:1,m=*types.AttributeValueMemberM,pk=S:k} {a=N:2,pk=S:k}",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("records:\n got %q\nwant %q", got, want)
	}
}

// Each view type carries what it documents (API reference, StreamRecord
// and StreamSpecification; alternator test_streams.py run against
// DynamoDB): KEYS_ONLY no images, NEW_IMAGE only NewImage, OLD_IMAGE only
// OldImage; an update that creates an item is an INSERT.
func TestAdvStreamViewTypes(t *testing.T) {
	e := newEnv(t)
	want := map[types.StreamViewType][]string{
		types.StreamViewTypeKeysOnly: {"INSERT {pk=S:k,sk=N:1} - -", "MODIFY {pk=S:k,sk=N:1} - -", "REMOVE {pk=S:k,sk=N:1} - -", "INSERT {pk=S:k,sk=N:2} - -"},
		types.StreamViewTypeNewImage: {"INSERT {pk=S:k,sk=N:1} - {a=S:x,pk=S:k,sk=N:1}", "MODIFY {pk=S:k,sk=N:1} - {a=S:y,pk=S:k,sk=N:1}",
			"REMOVE {pk=S:k,sk=N:1} - -", "INSERT {pk=S:k,sk=N:2} - {pk=S:k,sk=N:2}"},
		types.StreamViewTypeOldImage: {"INSERT {pk=S:k,sk=N:1} - -", "MODIFY {pk=S:k,sk=N:1} {a=S:x,pk=S:k,sk=N:1} -",
			"REMOVE {pk=S:k,sk=N:1} {a=S:y,pk=S:k,sk=N:1} -", "INSERT {pk=S:k,sk=N:2} - -"},
	}
	for view, w := range want {
		name := "adv_sv_" + string(view)
		e.createTable(name, "sk", "N", advStream(view))
		e.put(name, advItem{"pk": s("k"), "sk": n("1"), "a": s("x")})
		if _, err := e.advUpdate(name, advItem{"pk": s("k"), "sk": n("1")}, "SET a = :y", nil, advItem{":y": s("y")}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: advItem{"pk": s("k"), "sk": n("1")}}); err != nil {
			t.Fatal(err)
		}
		// UpdateItem without an expression creates the item (just its key).
		if _, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String(name), Key: advItem{"pk": s("k"), "sk": n("2")}}); err != nil {
			t.Fatal(err)
		}
		recs := e.streamRecords(name)
		if got := advRecords(recs); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s:\n got %q\nwant %q", view, got, w)
		}
		for _, r := range recs {
			if string(r.Dynamodb.StreamViewType) != string(view) || r.Dynamodb.SizeBytes == nil || *r.Dynamodb.SizeBytes < 1 {
				t.Errorf("%s record: view %s size %v", view, r.Dynamodb.StreamViewType, r.Dynamodb.SizeBytes)
			}
		}
	}
}

// Disabling a stream closes its shard (EndingSequenceNumber), its records
// stay readable and reading to the end gives no NextShardIterator;
// re-enabling creates a new stream with another label (developer guide:
// "If you disable and then re-enable a stream on the table, a new stream is
// created with a different stream descriptor"; alternator
// test_streams_closed_read, run against DynamoDB). An empty shard answers
// Records: [] (alternator test_streams_no_records).
func TestAdvStreamDisableAndReenable(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_sdis", "", "", advStream(types.StreamViewTypeNewImage))
	d1, _ := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("adv_sdis")})
	arn1 := aws.ToString(d1.Table.LatestStreamArn)
	sd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn1)})
	if err != nil {
		t.Fatal(err)
	}
	shard := sd.StreamDescription.Shards[0].ShardId
	latest, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn1), ShardId: shard, ShardIteratorType: streamtypes.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil || empty.Records == nil || len(empty.Records) != 0 || empty.NextShardIterator == nil {
		t.Errorf("empty open shard: records %#v next %v err %v (want Records: [] and a next iterator)", empty.Records, empty.NextShardIterator, err)
	}
	e.put("adv_sdis", advItem{"pk": s("one")})
	e.clk.Advance(time.Second)
	if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("adv_sdis"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	e.put("adv_sdis", advItem{"pk": s("while-disabled")})
	sd, err = e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn1)})
	if err != nil || sd.StreamDescription.StreamStatus != streamtypes.StreamStatusDisabled || len(sd.StreamDescription.Shards) != 1 ||
		sd.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatalf("disabled stream: %+v %v", sd, err)
	}
	it, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn1), ShardId: shard, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(r.Records) != 1 {
		t.Fatalf("closed shard: %+v %v", r, err)
	}
	if r.NextShardIterator != nil {
		r2, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: r.NextShardIterator})
		if err != nil || len(r2.Records) != 0 || r2.NextShardIterator != nil {
			t.Errorf("end of closed shard: %+v %v", r2, err)
		}
	}
	e.clk.Advance(time.Second)
	if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("adv_sdis"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}}); err != nil {
		t.Fatal(err)
	}
	d2, _ := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("adv_sdis")})
	if aws.ToString(d2.Table.LatestStreamArn) == arn1 || aws.ToString(d2.Table.LatestStreamLabel) == aws.ToString(d1.Table.LatestStreamLabel) ||
		d2.Table.StreamSpecification == nil || d2.Table.StreamSpecification.StreamViewType != types.StreamViewTypeKeysOnly {
		t.Fatalf("re-enabled stream: %+v", d2.Table)
	}
	ls, err := e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("adv_sdis")})
	if err != nil || len(ls.Streams) != 2 {
		t.Errorf("ListStreams after re-enabling: %+v %v", ls, err)
	}
	e.put("adv_sdis", advItem{"pk": s("two")})
	if got := advRecords(e.streamRecords("adv_sdis")); fmt.Sprint(got) != "[INSERT {pk=S:two} - -]" {
		t.Errorf("new stream records: %q", got)
	}
}

// Stream API parameter checks answered by DynamoDB with ValidationException
// (alternator test_streams.py, run against DynamoDB: malformed ARNs,
// GetRecords Limit above 1000, ListStreams Limit above 100).
func TestAdvStreamParameterErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_sperr", "", "", advStream(types.StreamViewTypeKeysOnly))
	d, _ := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("adv_sperr")})
	arn := d.Table.LatestStreamArn
	sd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	shard := sd.StreamDescription.Shards[0].ShardId
	_, err = e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String("sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf")})
	advCodeSoft(t, err, "ValidationException")
	_, err = e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String("sdfadfsddafgdafsgjnadflkgnalngalsdfnlkasnlkasdfasdfasf"),
		ShardId: shard, ShardIteratorType: streamtypes.ShardIteratorTypeLatest})
	advCodeSoft(t, err, "ValidationException")
	_, err = e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: aws.String("adfasdasdasdasdasdasdasdasdasasdasd"), ShardIteratorType: streamtypes.ShardIteratorTypeLatest})
	advCodeSoft(t, err, "ResourceNotFoundException")
	it, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: shard, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: aws.Int32(1001)})
	advCodeSoft(t, err, "ValidationException")
	_, err = e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(101)})
	advCodeSoft(t, err, "ValidationException")
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String("sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg")})
	advCodeSoft(t, err, "ValidationException")
}
