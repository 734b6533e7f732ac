package dynamodb_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// moreShard is a table's latest stream ARN and the ID of its shard.
func (e *env) moreShard(table string) (arn, shard *string) {
	e.t.Helper()
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		e.t.Fatal(err)
	}
	sd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: d.Table.LatestStreamArn})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Table.LatestStreamArn, sd.StreamDescription.Shards[0].ShardId
}

// moreIterator gets a shard iterator of a table's latest stream.
func (e *env) moreIterator(table string, typ streamtypes.ShardIteratorType, seq string) (*string, error) {
	e.t.Helper()
	arn, shard := e.moreShard(table)
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: shard, ShardIteratorType: typ}
	if seq != "" {
		in.SequenceNumber = aws.String(seq)
	}
	out, err := e.st.GetShardIterator(e.ctx, in)
	if err != nil {
		return nil, err
	}
	return out.ShardIterator, nil
}

// morePKs lists the "pk" keys of stream records, in order.
func morePKs(recs []streamtypes.Record) string {
	var pks []string
	for _, r := range recs {
		pks = append(pks, r.Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS).Value)
	}
	return strings.Join(pks, ",")
}

// moreRetained lists the "pk" keys of the records a TRIM_HORIZON iterator
// reads, or "trimmed" when the trimmer ran between getting it and using it.
func (e *env) moreRetained(table string) string {
	e.t.Helper()
	it, err := e.moreIterator(table, streamtypes.ShardIteratorTypeTrimHorizon, "")
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
	var te *streamtypes.TrimmedDataAccessException
	if asErr(err, &te) {
		return "trimmed"
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return morePKs(r.Records)
}

func moreStream(in *dynamodb.CreateTableInput) {
	in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}
}

// AT_SEQUENCE_NUMBER starts at the record of that number,
// AFTER_SEQUENCE_NUMBER at the next one.
func TestMoreStreamAtAndAfterSequenceNumber(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_at", "", "", moreStream)
	for _, pk := range []string{"a", "b", "c"} {
		e.put("more_at", map[string]types.AttributeValue{"pk": s(pk)})
	}
	recs := e.streamRecords("more_at")
	if morePKs(recs) != "a,b,c" {
		t.Fatalf("records %s, want a,b,c", morePKs(recs))
	}
	read := func(typ streamtypes.ShardIteratorType, seq string) string {
		t.Helper()
		it, err := e.moreIterator("more_at", typ, seq)
		if err != nil {
			t.Fatalf("GetShardIterator %s %s: %v", typ, seq, err)
		}
		r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
		if err != nil {
			t.Fatalf("GetRecords %s %s: %v", typ, seq, err)
		}
		return morePKs(r.Records)
	}
	b := aws.ToString(recs[1].Dynamodb.SequenceNumber)
	if got := read(streamtypes.ShardIteratorTypeAtSequenceNumber, b); got != "b,c" {
		t.Errorf("AT_SEQUENCE_NUMBER of b: %s, want b,c", got)
	}
	if got := read(streamtypes.ShardIteratorTypeAfterSequenceNumber, b); got != "c" {
		t.Errorf("AFTER_SEQUENCE_NUMBER of b: %s, want c", got)
	}
	if got := read(streamtypes.ShardIteratorTypeAtSequenceNumber, aws.ToString(recs[0].Dynamodb.SequenceNumber)); got != "a,b,c" {
		t.Errorf("AT_SEQUENCE_NUMBER of a: %s, want a,b,c", got)
	}
	_, err := e.moreIterator("more_at", streamtypes.ShardIteratorTypeAtSequenceNumber, "")
	wantErr(t, err, "ValidationException", "Must specify a sequence number")
}

// Records older than 24 hours are trimmed: TRIM_HORIZON then starts at the
// oldest record kept, and asking for (GetShardIterator) or reading from
// (GetRecords with an older iterator) a trimmed position is a
// TrimmedDataAccessException. The shard keeps its starting number.
func TestMoreStreamTrimmedDataAccess(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_trim", "", "", moreStream)
	start := e.clk.Now()
	e.put("more_trim", map[string]types.AttributeValue{"pk": s("a")})
	e.clk.Advance(10 * time.Minute)
	e.put("more_trim", map[string]types.AttributeValue{"pk": s("b")})
	recs := e.streamRecords("more_trim")
	if morePKs(recs) != "a,b" {
		t.Fatalf("records %s, want a,b", morePKs(recs))
	}
	seqA, seqB := aws.ToString(recs[0].Dynamodb.SequenceNumber), aws.ToString(recs[1].Dynamodb.SequenceNumber)
	arn, _ := e.moreShard("more_trim")

	// The hourly trimmer's pending tick fires once: a (created 24h01m
	// ago) goes, b (23h51m ago) stays. Waiting for it without moving the
	// clock fixes the next tick at start+25h01m.
	e.clk.Advance(24*time.Hour + time.Minute - e.clk.Now().Sub(start))
	waitFor(t, e, func() bool { return e.moreRetained("more_trim") == "b" })
	_, err := e.moreIterator("more_trim", streamtypes.ShardIteratorTypeAtSequenceNumber, seqA)
	wantErr(t, err, "TrimmedDataAccessException", "trimmed")
	_, err = e.moreIterator("more_trim", streamtypes.ShardIteratorTypeAfterSequenceNumber, seqA)
	wantErr(t, err, "TrimmedDataAccessException", "trimmed")
	sd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(sd.StreamDescription.Shards[0].SequenceNumberRange.StartingSequenceNumber); got != seqA {
		t.Errorf("StartingSequenceNumber after trimming %s, want the shard's start %s", got, seqA)
	}
	e.put("more_trim", map[string]types.AttributeValue{"pk": s("c")})

	// 10 minutes before the next tick, iterators at b; the tick trims b.
	e.clk.Advance(50 * time.Minute)
	old, err := e.moreIterator("more_trim", streamtypes.ShardIteratorTypeTrimHorizon, "")
	if err != nil {
		t.Fatal(err)
	}
	atB, err := e.moreIterator("more_trim", streamtypes.ShardIteratorTypeAtSequenceNumber, seqB)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(10 * time.Minute)
	waitFor(t, e, func() bool { return e.moreRetained("more_trim") == "c" })
	for name, it := range map[string]*string{"TRIM_HORIZON": old, "AT_SEQUENCE_NUMBER": atB} {
		_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
		if err == nil {
			t.Errorf("GetRecords with a %s iterator made before the trim: no error", name)
			continue
		}
		wantErr(t, err, "TrimmedDataAccessException", "trimmed")
	}
	_, err = e.moreIterator("more_trim", streamtypes.ShardIteratorTypeAtSequenceNumber, seqB)
	wantErr(t, err, "TrimmedDataAccessException", "trimmed")

	// TRIM_HORIZON and LATEST still work.
	it, err := e.moreIterator("more_trim", streamtypes.ShardIteratorTypeTrimHorizon, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
	if err != nil || morePKs(r.Records) != "c" || r.NextShardIterator == nil {
		t.Fatalf("TRIM_HORIZON after trimming: %+v %v", r, err)
	}
	e.put("more_trim", map[string]types.AttributeValue{"pk": s("d")})
	r, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: r.NextShardIterator})
	if err != nil || morePKs(r.Records) != "d" {
		t.Fatalf("next records after trimming: %+v %v", r, err)
	}
	latest, err := e.moreIterator("more_trim", streamtypes.ShardIteratorTypeLatest, "")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest}); err != nil || len(r.Records) != 0 {
		t.Fatalf("LATEST after trimming: %+v %v", r, err)
	}
}

// A stream whose records are all trimmed reads as empty from TRIM_HORIZON
// and from an iterator at its end, not as trimmed.
func TestMoreStreamAllTrimmed(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_alltrim", "", "", moreStream)
	e.put("more_alltrim", map[string]types.AttributeValue{"pk": s("a")})
	recs := e.streamRecords("more_alltrim")
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	e.clk.Advance(25 * time.Hour)
	waitFor(t, e, func() bool { return e.moreRetained("more_alltrim") == "" })
	it, err := e.moreIterator("more_alltrim", streamtypes.ShardIteratorTypeTrimHorizon, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
	if err != nil || len(r.Records) != 0 || r.NextShardIterator == nil {
		t.Fatalf("TRIM_HORIZON of a trimmed stream: %+v %v", r, err)
	}
	_, err = e.moreIterator("more_alltrim", streamtypes.ShardIteratorTypeAtSequenceNumber, aws.ToString(recs[0].Dynamodb.SequenceNumber))
	wantErr(t, err, "TrimmedDataAccessException", "trimmed")
	e.put("more_alltrim", map[string]types.AttributeValue{"pk": s("b")})
	r, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: r.NextShardIterator})
	if err != nil || morePKs(r.Records) != "b" {
		t.Fatalf("record after a trimmed stream: %+v %v", r, err)
	}
}

// GetRecords and ListStreams Limit bounds, with AWS's constraint texts.
func TestMoreStreamLimitBounds(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_limit", "", "", moreStream)
	it, err := e.moreIterator("more_limit", streamtypes.ShardIteratorTypeTrimHorizon, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(0)})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(-5)})
	wantErr(t, err, "ValidationException", "Value '-5' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(1001)})
	wantErr(t, err, "ValidationException", "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000")
	if _, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(1)}); err != nil {
		t.Errorf("Limit 1: %v", err)
	}
	_, err = e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(0)})
	wantErr(t, err, "ValidationException", "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.st.ListStreams(e.ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(101)})
	wantErr(t, err, "ValidationException", "Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100")
}

// moreAttrs names n attributes prefix0, prefix1, ...
func moreAttrs(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// The limit of 100 projected non-key attributes is over all the table's
// secondary indexes, an attribute projected into two counting twice (one
// index projects 20 at most, a constraint of the API model).
func TestMoreProjectedAttributesLimitAcrossIndexes(t *testing.T) {
	e := newEnv(t)
	include := func(attrs []string) *types.Projection {
		return &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: attrs}
	}
	// create makes a table with a GSI per entry of gsis and an LSI
	// projecting lsi.
	create := func(name string, lsi []string, gsis ...[]string) error {
		in := &dynamodb.CreateTableInput{
			TableName:   aws.String(name),
			BillingMode: types.BillingModePayPerRequest,
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("l"), AttributeType: types.ScalarAttributeTypeS}},
			LocalSecondaryIndexes: []types.LocalSecondaryIndex{
				{IndexName: aws.String("lsi"), KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
					{AttributeName: aws.String("l"), KeyType: types.KeyTypeRange}}, Projection: include(lsi)},
			},
		}
		for i, g := range gsis {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{IndexName: aws.String(fmt.Sprintf("gsi%d", i)),
				KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}}, Projection: include(g)})
		}
		_, err := e.c.CreateTable(e.ctx, in)
		return err
	}
	const msg = "One or more parameter values were invalid: Number of projected attributes in all indexes exceeds limit of 100"
	// 20 + 4 × 20 + 1: the LSI's attributes count with the GSIs'.
	wantErr(t, create("more_proj1", moreAttrs("l", 20), moreAttrs("a", 20), moreAttrs("b", 20), moreAttrs("c", 20), moreAttrs("d", 20), moreAttrs("e", 1)),
		"ValidationException", msg)
	// The same 17 attributes in each of six indexes are 102.
	same := moreAttrs("x", 17)
	wantErr(t, create("more_proj2", same, same, same, same, same, same), "ValidationException", msg)
	if err := create("more_proj3", moreAttrs("l", 20), moreAttrs("a", 20), moreAttrs("b", 20), moreAttrs("c", 20), moreAttrs("d", 20)); err != nil {
		t.Fatalf("100 projected attributes in all: %v", err)
	}
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("more_proj3")})
	if err != nil || len(d.Table.GlobalSecondaryIndexes) != 4 || len(d.Table.LocalSecondaryIndexes) != 1 {
		t.Fatalf("DescribeTable: %+v %v", d, err)
	}
}

// TagResource adds and replaces tags, UntagResource removes them (a key
// that is not there is no error), ListTagsOfResource shows the result.
func TestMoreTagAndUntagResource(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_tags", "", "", func(in *dynamodb.CreateTableInput) {
		in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}
	})
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("more_tags")})
	if err != nil {
		t.Fatal(err)
	}
	arn := d.Table.TableArn
	tags := func() string {
		t.Helper()
		out, err := e.c.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		var kv []string
		for _, tag := range out.Tags {
			kv = append(kv, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return strings.Join(kv, ",")
	}
	if got := tags(); got != "team=a" {
		t.Fatalf("tags at creation: %s", got)
	}
	if _, err := e.c.TagResource(e.ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("b")}, {Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if got := tags(); got != "team=b,env=dev" {
		t.Errorf("tags after TagResource: %s, want team=b,env=dev", got)
	}
	if _, err := e.c.UntagResource(e.ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team", "missing"}}); err != nil {
		t.Fatalf("UntagResource with a missing key: %v", err)
	}
	if got := tags(); got != "env=dev" {
		t.Errorf("tags after UntagResource: %s, want env=dev", got)
	}
	_, err = e.c.TagResource(e.ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}})
	wantErr(t, err, "ValidationException", "reserved for system use")

	missing := strings.Replace(aws.ToString(arn), "table/more_tags", "table/more_nope", 1)
	_, err = e.c.TagResource(e.ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(missing), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = e.c.UntagResource(e.ctx, &dynamodb.UntagResourceInput{ResourceArn: aws.String(missing), TagKeys: []string{"k"}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = e.c.ListTagsOfResource(e.ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(missing)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	_, err = e.c.TagResource(e.ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String("not-an-arn"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantErr(t, err, "ValidationException", "Invalid TableArn")
}

// DescribeLimits reports AWS's default account and table quotas.
func TestMoreDescribeLimits(t *testing.T) {
	e := newEnv(t)
	out, err := e.c.DescribeLimits(e.ctx, &dynamodb.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(aws.ToInt64(out.AccountMaxReadCapacityUnits), aws.ToInt64(out.AccountMaxWriteCapacityUnits),
		aws.ToInt64(out.TableMaxReadCapacityUnits), aws.ToInt64(out.TableMaxWriteCapacityUnits))
	if got != "80000 80000 40000 40000" {
		t.Errorf("limits %s, want 80000 80000 40000 40000", got)
	}
}

// DescribeEndpoints names one endpoint, to be cached for 1440 minutes.
func TestMoreDescribeEndpoints(t *testing.T) {
	e := newEnv(t)
	out, err := e.c.DescribeEndpoints(e.ctx, &dynamodb.DescribeEndpointsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Endpoints) != 1 || aws.ToString(out.Endpoints[0].Address) == "" || out.Endpoints[0].CachePeriodInMinutes != 1440 {
		t.Fatalf("endpoints %+v", out.Endpoints)
	}
}

// A table with deletion protection cannot be deleted until UpdateTable
// turns the protection off.
func TestMoreDeletionProtection(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_protected", "", "", func(in *dynamodb.CreateTableInput) { in.DeletionProtectionEnabled = aws.Bool(true) })
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("more_protected")})
	if err != nil || !aws.ToBool(d.Table.DeletionProtectionEnabled) {
		t.Fatalf("DescribeTable: %+v %v", d, err)
	}
	_, err = e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String("more_protected")})
	wantErr(t, err, "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	if _, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("more_protected")}); err != nil {
		t.Fatalf("protected table after DeleteTable: %v", err)
	}
	up, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("more_protected"), DeletionProtectionEnabled: aws.Bool(false)})
	if err != nil || aws.ToBool(up.TableDescription.DeletionProtectionEnabled) {
		t.Fatalf("UpdateTable: %+v %v", up, err)
	}
	if _, err := e.c.DeleteTable(e.ctx, &dynamodb.DeleteTableInput{TableName: aws.String("more_protected")}); err != nil {
		t.Fatalf("DeleteTable after disabling protection: %v", err)
	}
	_, err = e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String("more_protected")})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
}

// A TransactWriteItems request over 4 MB is refused whole, though each
// item is under the 400 KB item limit.
func TestMoreTransactWriteItemsSizeLimit(t *testing.T) {
	e := newEnv(t)
	e.createTable("more_txsize", "", "")
	big := strings.Repeat("x", 350*1024)
	var items []types.TransactWriteItem
	for i := range 13 { // 13 × 350 KB ≈ 4.4 MB
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String("more_txsize"),
			Item: map[string]types.AttributeValue{"pk": s(fmt.Sprint(i)), "v": s(big)}}})
	}
	_, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	wantErr(t, err, "ValidationException", "size")
	out, err := e.c.Scan(e.ctx, &dynamodb.ScanInput{TableName: aws.String("more_txsize"), Select: types.SelectCount})
	if err != nil || out.Count != 0 {
		t.Fatalf("items after a refused transaction: %+v %v", out, err)
	}
	// 11 × 350 KB ≈ 3.8 MB goes through.
	if _, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items[:11]}); err != nil {
		t.Fatalf("transaction under 4 MB: %v", err)
	}
}
