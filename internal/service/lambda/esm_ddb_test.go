package lambda_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// ddbEnv is a hako with a "records" queue to which the ddbfn test function
// reports every stream event it gets.
type ddbEnv struct {
	*esmEnv
	d *dynamodb.Client

	mu   sync.Mutex
	seen map[string]ddbInvocation // by request id: the function may report twice
}

// ddbInvocation is what internal/lambdatest/fns/ddbfn reports per event.
type ddbInvocation struct {
	RequestID string          `json:"requestId"`
	Function  string          `json:"function"`
	Endpoint  string          `json:"endpoint"`
	Start     int64           `json:"start"`
	End       int64           `json:"end"`
	Raw       json.RawMessage `json:"raw"`
	Seqs      []string        `json:"seqs"`
	PKs       []string        `json:"pks"`
}

func newDDBEnv(t *testing.T, fake bool, opts ...hakotest.Option) *ddbEnv {
	t.Helper()
	e := &ddbEnv{esmEnv: newESMEnv(t, fake, opts...), seen: map[string]ddbInvocation{}}
	e.d = e.h.DynamoDB()
	return e
}

// table creates a table (string hash key "pk") streaming NEW_AND_OLD_IMAGES
// and returns its stream's ARN.
func (e *ddbEnv) table(name string) string {
	e.t.Helper()
	out, err := e.d.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		e.t.Fatalf("CreateTable: %v", err)
	}
	return aws.ToString(out.TableDescription.LatestStreamArn)
}

// function creates a ddbfn function reporting to the records queue.
func (e *ddbEnv) function(name string, env map[string]string) {
	e.t.Helper()
	vars := map[string]string{"RECORD_QUEUE": e.records}
	for k, v := range env {
		vars[k] = v
	}
	_, err := e.c.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Role: aws.String(role),
		Code: &types.FunctionCode{ZipFile: lambdatest.GoZip(e.t, "ddbfn")}, Environment: &types.Environment{Variables: vars},
		Timeout: aws.Int32(60), // a cold start on a loaded machine must not fail a batch
	})
	if err != nil {
		e.t.Fatalf("CreateFunction: %v", err)
	}
}

// put writes item {pk, more...} (name/value pairs of string attributes).
func (e *ddbEnv) put(table, pk string, more ...string) {
	e.t.Helper()
	item := map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: pk}}
	for i := 0; i+1 < len(more); i += 2 {
		item[more[i]] = &ddbtypes.AttributeValueMemberS{Value: more[i+1]}
	}
	if _, err := e.d.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		e.t.Fatalf("PutItem: %v", err)
	}
}

// collectDDB reads the records queue once.
func (e *ddbEnv) collectDDB() {
	e.t.Helper()
	ctx := context.Background()
	for {
		out, err := e.q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.records), MaxNumberOfMessages: 10})
		if err != nil {
			e.t.Fatalf("receive records: %v", err)
		}
		if len(out.Messages) == 0 {
			return
		}
		for _, m := range out.Messages {
			var r ddbInvocation
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &r); err != nil {
				e.t.Fatalf("record %s: %v", aws.ToString(m.Body), err)
			}
			e.mu.Lock()
			e.seen[r.RequestID] = r
			e.mu.Unlock()
			e.q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(e.records), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

// calls returns the recorded invocations of function fn ("" for all) in
// start order.
func (e *ddbEnv) calls(fn string) []ddbInvocation {
	e.collectDDB()
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []ddbInvocation
	for _, r := range e.seen {
		if fn == "" || r.Function == fn {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// pkLists is the partition keys of each invocation.
func pkLists(calls []ddbInvocation) [][]string {
	out := [][]string{}
	for _, c := range calls {
		out = append(out, c.PKs)
	}
	return out
}

// waitCalls waits until the invocations of fn satisfy ok.
func (e *ddbEnv) waitCalls(fn, what string, ok func([]ddbInvocation) bool) []ddbInvocation {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		cs := e.calls(fn)
		if ok(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s; invocations: %v", what, pkLists(cs))
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// waitPKs waits until fn got every pk in a successful or failed call.
func (e *ddbEnv) waitPKs(fn string, pks ...string) []ddbInvocation {
	e.t.Helper()
	return e.waitCalls(fn, fmt.Sprintf("keys %v", pks), func(cs []ddbInvocation) bool {
		got := map[string]bool{}
		for _, c := range cs {
			for _, pk := range c.PKs {
				got[pk] = true
			}
		}
		for _, pk := range pks {
			if !got[pk] {
				return false
			}
		}
		return true
	})
}

func (e *ddbEnv) getMapping(id string) *lambda.GetEventSourceMappingOutput {
	e.t.Helper()
	out, err := e.c.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: aws.String(id)})
	if err != nil {
		e.t.Fatalf("GetEventSourceMapping: %v", err)
	}
	return out
}

// waitResult waits until the mapping reports the LastProcessingResult.
func (e *ddbEnv) waitResult(id, want string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := aws.ToString(e.getMapping(id).LastProcessingResult)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("LastProcessingResult %q, want %q", got, want)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// objectKeys returns the top-level keys of a JSON object in order.
func objectKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestDDBESMDeliversChangesInOrder(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	ctx := context.Background()
	arn := e.table("orders")
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon})
	id := aws.ToString(m.UUID)
	if aws.ToString(m.State) != "Creating" || aws.ToInt32(m.BatchSize) != 100 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 0 ||
		m.StartingPosition != types.EventSourcePositionTrimHorizon || aws.ToInt32(m.ParallelizationFactor) != 1 ||
		aws.ToInt32(m.MaximumRetryAttempts) != -1 || aws.ToInt32(m.MaximumRecordAgeInSeconds) != -1 ||
		m.BisectBatchOnFunctionError == nil || *m.BisectBatchOnFunctionError || m.TumblingWindowInSeconds == nil || *m.TumblingWindowInSeconds != 0 ||
		m.DestinationConfig == nil || m.DestinationConfig.OnFailure == nil || m.DestinationConfig.OnFailure.Destination != nil ||
		aws.ToString(m.LastProcessingResult) != "No records processed" || aws.ToString(m.StateTransitionReason) != "User action" ||
		aws.ToString(m.EventSourceArn) != arn || aws.ToString(m.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:consumer" ||
		m.FunctionResponseTypes == nil || len(m.FunctionResponseTypes) != 0 {
		t.Errorf("create answered %+v", m)
	}
	if g := e.getMapping(id); aws.ToString(g.State) != "Enabled" || aws.ToInt32(g.BatchSize) != 100 || g.StartingPosition != types.EventSourcePositionTrimHorizon {
		t.Errorf("get answered %+v", g)
	}

	e.put("orders", "o1", "state", "NEW")
	if _, err := e.d.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "o1"}},
		UpdateExpression: aws.String("SET #s = :s"), ExpressionAttributeNames: map[string]string{"#s": "state"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": &ddbtypes.AttributeValueMemberS{Value: "PAID"}}}); err != nil {
		t.Fatal(err)
	}
	e.put("orders", "o2", "note", "<b> & co")
	if _, err := e.d.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "o1"}}}); err != nil {
		t.Fatal(err)
	}
	calls := e.waitCalls("consumer", "4 records", func(cs []ddbInvocation) bool {
		n := 0
		for _, c := range cs {
			n += len(c.Seqs)
		}
		return n >= 4
	})
	var recs []events.DynamoDBEventRecord
	var raws []json.RawMessage
	for _, c := range calls {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(c.Raw, &ev); err != nil {
			t.Fatalf("the event does not decode as events.DynamoDBEvent: %v\n%s", err, c.Raw)
		}
		recs = append(recs, ev.Records...)
		var shape struct{ Records []json.RawMessage }
		json.Unmarshal(c.Raw, &shape)
		raws = append(raws, shape.Records...)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records delivered, want 4 (each once): %v", len(recs), pkLists(calls))
	}
	// The records are the stream's, in its order, as the Streams API has them.
	ds, err := e.h.DynamoDBStreams().DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := e.h.DynamoDBStreams().GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn),
		ShardId: ds.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	api, err := e.h.DynamoDBStreams().GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(api.Records) != 4 {
		t.Fatalf("GetRecords: %v %v", api, err)
	}
	names := []string{"INSERT", "MODIFY", "INSERT", "REMOVE"}
	for i, r := range recs {
		a := api.Records[i]
		if r.EventName != names[i] || r.EventID != aws.ToString(a.EventID) || r.EventVersion != "1.1" || r.EventSource != "aws:dynamodb" ||
			r.AWSRegion != "us-east-1" || r.EventSourceArn != arn || r.Change.SequenceNumber != aws.ToString(a.Dynamodb.SequenceNumber) ||
			r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || r.Change.SizeBytes <= 0 || r.Change.ApproximateCreationDateTime.IsZero() ||
			r.Change.Keys["pk"].String() == "" || r.UserIdentity != nil {
			t.Errorf("record %d: %+v", i, r)
		}
		if got := objectKeys(t, raws[i]); !slices.Equal(got, []string{"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN"}) {
			t.Errorf("record %d fields %v", i, got)
		}
	}
	if recs[1].Change.OldImage["state"].String() != "NEW" || recs[1].Change.NewImage["state"].String() != "PAID" ||
		recs[2].Change.NewImage["note"].String() != "<b> & co" || recs[3].Change.NewImage != nil || recs[3].Change.OldImage["state"].String() != "PAID" {
		t.Errorf("images: %+v", recs)
	}
	if d := objectKeys(t, []byte(mustField(t, raws[1], "dynamodb"))); !slices.Equal(d, []string{"ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber", "SizeBytes", "StreamViewType"}) {
		t.Errorf("dynamodb fields %v", d)
	}
	e.waitResult(id, "OK")

	// List, update and delete report the stream settings.
	ls, err := e.c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn)})
	if err != nil || len(ls.EventSourceMappings) != 1 || aws.ToString(ls.EventSourceMappings[0].LastProcessingResult) != "OK" ||
		ls.EventSourceMappings[0].StartingPosition != types.EventSourcePositionTrimHorizon {
		t.Fatalf("list: %+v %v", ls, err)
	}
	up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), BatchSize: aws.Int32(5), MaximumRetryAttempts: aws.Int32(3),
		BisectBatchOnFunctionError: aws.Bool(true), TumblingWindowInSeconds: aws.Int32(30), ParallelizationFactor: aws.Int32(2)})
	if aws.ToString(up.State) != "Updating" || aws.ToInt32(up.BatchSize) != 5 || aws.ToInt32(up.MaximumRetryAttempts) != 3 || !aws.ToBool(up.BisectBatchOnFunctionError) ||
		aws.ToInt32(up.TumblingWindowInSeconds) != 30 || aws.ToInt32(up.ParallelizationFactor) != 2 || aws.ToString(up.LastProcessingResult) != "OK" ||
		up.StartingPosition != types.EventSourcePositionTrimHorizon {
		t.Errorf("update answered %+v", up)
	}
	// The new lanes start where the old one was: nothing again.
	e.put("orders", "o3")
	e.waitPKs("consumer", "o3")
	del, err := e.c.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(id)})
	if err != nil || aws.ToString(del.State) != "Deleting" {
		t.Fatalf("delete: %+v %v", del, err)
	}
	e.put("orders", "o4")
	time.Sleep(time.Second)
	n := map[string]int{}
	for _, c := range e.calls("consumer") {
		for _, pk := range c.PKs {
			n[pk]++
		}
	}
	if n["o1"] != 3 || n["o2"] != 1 || n["o3"] != 1 || n["o4"] != 0 {
		t.Errorf("deliveries per key %v", n)
	}
}

func mustField(t *testing.T, obj []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func TestDDBESMFilterCriteria(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	arn := e.table("things")
	e.function("consumer", nil)
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionLatest, FilterCriteria: &types.FilterCriteria{Filters: []types.Filter{
			{Pattern: aws.String(`{"eventName":["INSERT"],"dynamodb":{"NewImage":{"kind":{"S":["keep"]}}}}`)},
			{Pattern: aws.String(`{"eventName":["REMOVE"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"gone-"}]}}}}`)},
		}}})
	e.put("things", "a", "kind", "keep")
	e.put("things", "b", "kind", "skip")
	e.put("things", "a", "kind", "keep", "v", "2") // MODIFY: no filter takes it
	e.put("things", "gone-1", "kind", "skip")
	if _, err := e.d.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String("things"), Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "gone-1"}}}); err != nil {
		t.Fatal(err)
	}
	e.put("things", "c", "kind", "keep")
	calls := e.waitPKs("consumer", "a", "gone-1", "c")
	var got []string
	for _, c := range calls {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(c.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.Records {
			got = append(got, r.EventName+" "+r.Change.Keys["pk"].String())
		}
	}
	time.Sleep(300 * time.Millisecond)
	if want := []string{"INSERT a", "REMOVE gone-1", "INSERT c"}; !slices.Equal(got, want) || len(e.calls("consumer")) != len(calls) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

// dlqBodies returns the bodies of the messages of a queue.
func (e *ddbEnv) dlqBodies(url string, want int) []string {
	e.t.Helper()
	var out []string
	deadline := time.Now().Add(30 * time.Second)
	for len(out) < want && time.Now().Before(deadline) {
		r, err := e.q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range r.Messages {
			out = append(out, aws.ToString(m.Body))
		}
	}
	if len(out) != want {
		e.t.Fatalf("%d messages in %s, want %d: %q", len(out), url, want, out)
	}
	return out
}

// failureRecord is the invocation record of a discarded batch.
type failureRecord struct {
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	ResponseContext *struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"`
	} `json:"responseContext"`
	Version   string `json:"version"`
	Timestamp string `json:"timestamp"`
	Info      struct {
		ShardID   string `json:"shardId"`
		Start     string `json:"startSequenceNumber"`
		End       string `json:"endSequenceNumber"`
		First     string `json:"approximateArrivalOfFirstRecord"`
		Last      string `json:"approximateArrivalOfLastRecord"`
		BatchSize int    `json:"batchSize"`
		StreamArn string `json:"streamArn"`
	} `json:"DDBStreamBatchInfo"`
}

// seqOf returns the sequence number at which the calls saw pk first.
func seqOf(calls []ddbInvocation, pk string) string {
	for _, c := range calls {
		for i, p := range c.PKs {
			if p == pk {
				return c.Seqs[i]
			}
		}
	}
	return ""
}

func TestDDBESMBisectRetriesAndOnFailure(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	arn := e.table("jobs")
	dlq, dlqARN := e.queue("dlq", nil)
	e.function("worker", nil)
	// Written before the mapping exists: TRIM_HORIZON gets them in one batch.
	e.put("jobs", "g1")
	e.put("jobs", "g2")
	e.put("jobs", "bad", "mode", "crash")
	e.put("jobs", "g3")
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("worker"),
		StartingPosition: types.EventSourcePositionTrimHorizon, BisectBatchOnFunctionError: aws.Bool(true), MaximumRetryAttempts: aws.Int32(1),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(dlqARN)}}})
	if aws.ToString(m.DestinationConfig.OnFailure.Destination) != dlqARN || !aws.ToBool(m.BisectBatchOnFunctionError) || aws.ToInt32(m.MaximumRetryAttempts) != 1 {
		t.Errorf("create answered %+v", m)
	}
	want := [][]string{{"g1", "g2", "bad", "g3"}, {"g1", "g2"}, {"bad", "g3"}, {"bad"}, {"bad"}, {"g3"}}
	calls := e.waitCalls("worker", "the bisected batches", func(cs []ddbInvocation) bool { return len(cs) >= len(want) })
	if got := pkLists(calls); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("invocations %v, want %v", got, want)
	}
	body := e.dlqBodies(dlq, 1)[0]
	var fr failureRecord
	if err := json.Unmarshal([]byte(body), &fr); err != nil {
		t.Fatal(err)
	}
	bad := seqOf(calls, "bad")
	if fr.RequestContext.Condition != "RetryAttemptsExhausted" || fr.RequestContext.ApproximateInvokeCount != 4 ||
		fr.RequestContext.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:worker" || fr.RequestContext.RequestID == "" ||
		fr.ResponseContext == nil || fr.ResponseContext.StatusCode != 200 || fr.ResponseContext.ExecutedVersion != "$LATEST" || fr.ResponseContext.FunctionError != "Unhandled" ||
		fr.Version != "1.0" || fr.Info.Start != bad || fr.Info.End != bad || fr.Info.BatchSize != 1 || fr.Info.StreamArn != arn ||
		!strings.HasPrefix(fr.Info.ShardID, "shardId-") {
		t.Errorf("on-failure record %s", body)
	}
	for _, ts := range []string{fr.Info.First, fr.Info.Last} {
		if _, err := time.Parse("2006-01-02T15:04:05Z", ts); err != nil {
			t.Errorf("arrival %q: %v", ts, err)
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", fr.Timestamp); err != nil {
		t.Errorf("timestamp %q: %v", fr.Timestamp, err)
	}
	if keys := objectKeys(t, []byte(body)); !slices.Equal(keys, []string{"requestContext", "responseContext", "version", "timestamp", "DDBStreamBatchInfo"}) {
		t.Errorf("record fields %v", keys)
	}
	// The shard moves on.
	e.put("jobs", "g4")
	calls = e.waitPKs("worker", "g4")
	if got := pkLists(calls); len(got) != len(want)+1 || !slices.Equal(got[len(want)], []string{"g4"}) {
		t.Errorf("after the discard: %v", got)
	}
	e.waitResult(aws.ToString(m.UUID), "OK")
}

func TestDDBESMReportBatchItemFailures(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	arn := e.table("items")
	dlq, dlqARN := e.queue("dlq", nil)
	e.function("worker", nil)
	e.put("items", "a")
	e.put("items", "b")
	e.put("items", "f", "mode", "fail")
	e.put("items", "c")
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("worker"),
		StartingPosition: types.EventSourcePositionTrimHorizon, MaximumRetryAttempts: aws.Int32(1),
		FunctionResponseTypes: []types.FunctionResponseType{types.FunctionResponseTypeReportBatchItemFailures},
		DestinationConfig:     &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(dlqARN)}}})
	if len(m.FunctionResponseTypes) != 1 {
		t.Errorf("create answered %+v", m)
	}
	// The first failed record and those after it are retried; after the
	// retry they are discarded together.
	want := [][]string{{"a", "b", "f", "c"}, {"f", "c"}}
	calls := e.waitCalls("worker", "the retry", func(cs []ddbInvocation) bool { return len(cs) >= len(want) })
	if got := pkLists(calls); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("invocations %v, want %v", got, want)
	}
	var fr failureRecord
	body := e.dlqBodies(dlq, 1)[0]
	if err := json.Unmarshal([]byte(body), &fr); err != nil {
		t.Fatal(err)
	}
	if fr.RequestContext.Condition != "RetryAttemptsExhausted" || fr.RequestContext.ApproximateInvokeCount != 2 || fr.Info.BatchSize != 2 ||
		fr.Info.Start != seqOf(calls, "f") || fr.Info.End != seqOf(calls, "c") || fr.ResponseContext == nil || fr.ResponseContext.FunctionError != "" {
		t.Errorf("on-failure record %s", body)
	}
	e.put("items", "d")
	calls = e.waitPKs("worker", "d")
	if got := pkLists(calls); len(got) != 3 || !slices.Equal(got[2], []string{"d"}) {
		t.Errorf("after the discard: %v", got)
	}
	e.waitResult(aws.ToString(m.UUID), "OK")
}

func TestDDBESMResumesAfterRestart(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	arn := e.table("events")
	e.function("consumer", nil)
	e.function("late", nil)
	e.put("events", "old") // before the mappings: LATEST skips it
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon})
	id := aws.ToString(m.UUID)
	late := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("late"),
		StartingPosition: types.EventSourcePositionLatest, Enabled: aws.Bool(false)})
	e.put("events", "a")
	e.waitPKs("consumer", "old", "a")
	e.waitResult(id, "OK")

	// Records written while the mapping is off and hako restarts come
	// afterwards, once; those done before do not come again.
	e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), Enabled: aws.Bool(false)})
	e.put("events", "b")
	e.put("events", "c")
	e.h.Restart(t)
	e.d, e.q, e.c = e.h.DynamoDB(), e.h.SQS(), e.h.Lambda()
	e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), Enabled: aws.Bool(true)})
	e.update(&lambda.UpdateEventSourceMappingInput{UUID: late.UUID, Enabled: aws.Bool(true)})
	e.put("events", "d")
	e.waitPKs("consumer", "b", "c", "d")
	e.waitPKs("late", "a", "b", "c", "d")
	time.Sleep(300 * time.Millisecond)
	var got []string
	for _, c := range e.calls("consumer") {
		got = append(got, c.PKs...)
	}
	if want := []string{"old", "a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("consumer got %v, want %v", got, want)
	}
	got = nil
	for _, c := range e.calls("late") {
		got = append(got, c.PKs...)
	}
	// LATEST was fixed when the mapping was created, not when it first ran.
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("late got %v, want %v", got, want)
	}
}

func TestDDBESMParallelizationKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	arn := e.table("counters")
	e.function("consumer", map[string]string{"SLEEP_MS": "200"})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon, ParallelizationFactor: aws.Int32(4), BatchSize: aws.Int32(3)})
	const keys, rounds = 8, 5
	var want []string
	for r := range rounds {
		for k := range keys {
			e.put("counters", fmt.Sprintf("k%d", k), "round", fmt.Sprint(r))
		}
	}
	for k := range keys {
		want = append(want, fmt.Sprintf("k%d", k))
	}
	calls := e.waitCalls("consumer", "every change", func(cs []ddbInvocation) bool {
		n := 0
		for _, c := range cs {
			n += len(c.PKs)
		}
		return n >= keys*rounds
	})
	time.Sleep(300 * time.Millisecond)
	calls = e.calls("consumer")
	byKey := map[string][]string{}
	n := 0
	for _, c := range calls {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(c.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.Records {
			pk := r.Change.Keys["pk"].String()
			byKey[pk] = append(byKey[pk], r.Change.NewImage["round"].String())
			n++
		}
	}
	if n != keys*rounds {
		t.Errorf("%d records delivered, want %d", n, keys*rounds)
	}
	for _, pk := range want {
		if got := byKey[pk]; !slices.Equal(got, []string{"0", "1", "2", "3", "4"}) {
			t.Errorf("key %s got rounds %v", pk, got)
		}
	}
	// The lanes ran side by side.
	overlap := false
	for i, a := range calls {
		for _, b := range calls[i+1:] {
			overlap = overlap || (b.Start < a.End && a.Start < b.End)
		}
	}
	if !overlap {
		t.Error("no two invocations ran at the same time")
	}
}

func TestDDBESMControlPlaneErrors(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	ctx := context.Background()
	arn := e.table("table1")
	_, queueARN := e.queue("q", nil)
	createGo(t, e.c, "f")
	first := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest})
	missing := "arn:aws:dynamodb:us-east-1:000000000000:table/nope/stream/2024-01-01T00:00:00.000"
	cases := []struct {
		name string
		in   lambda.CreateEventSourceMappingInput
		code string
		msg  string
	}{
		{"no starting position", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f")},
			"InvalidParameterValueException", "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null."},
		{"at timestamp", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionAtTimestamp,
			StartingPositionTimestamp: aws.Time(time.Now())}, "InvalidParameterValueException", "Unsupported starting position for arn type: " + arn},
		{"missing stream", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(missing), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest},
			"InvalidParameterValueException", "Cannot access stream " + missing + ". Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM."},
		{"table not stream", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/table1"), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest},
			"InvalidParameterValueException", "Cannot access stream"},
		{"record age", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest, MaximumRecordAgeInSeconds: aws.Int32(30)},
			"InvalidParameterValueException", "MaximumRecordAgeInSeconds"},
		{"batch too large", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest, BatchSize: aws.Int32(10001)},
			"ValidationException", "batchSize"},
		{"parallelization", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest, ParallelizationFactor: aws.Int32(11)},
			"ValidationException", "arallelizationFactor"},
		{"retries", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest, MaximumRetryAttempts: aws.Int32(10001)},
			"ValidationException", "aximumRetryAttempts"},
		{"on success", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest,
			DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(queueARN)}}},
			"InvalidParameterValueException", "Unsupported DestinationConfig parameter for given event source mapping type."},
		{"queues", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest, Queues: []string{"q"}},
			"InvalidParameterValueException", "Unsupported Queues parameter for given event source mapping type."},
		{"duplicate", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionTrimHorizon},
			"ResourceConflictException", `The event source arn (" ` + arn + ` ") and function (" f ") provided mapping already exists. Please update or delete the existing mapping with UUID ` + aws.ToString(first.UUID)},
		{"sqs with position", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(queueARN), FunctionName: aws.String("f"), StartingPosition: types.EventSourcePositionLatest},
			"InvalidParameterValueException", "StartingPosition is not valid for SQS event sources."},
	}
	for _, c := range cases {
		in := c.in
		_, err := e.c.CreateEventSourceMapping(ctx, &in)
		wantErr(t, c.name, err, c.code, c.msg, false)
	}
	_, err := e.c.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: first.UUID, MaximumRecordAgeInSeconds: aws.Int32(59)})
	wantErr(t, "update record age", err, "InvalidParameterValueException", "MaximumRecordAgeInSeconds", false)
	up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: first.UUID, MaximumRecordAgeInSeconds: aws.Int32(60),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(queueARN)}}})
	if aws.ToInt32(up.MaximumRecordAgeInSeconds) != 60 || aws.ToString(up.DestinationConfig.OnFailure.Destination) != queueARN || up.StartingPosition != types.EventSourcePositionLatest {
		t.Errorf("update answered %+v", up)
	}
}

// TestDDBESMSeedFlow runs the chain a hako user builds first: an upload
// to S3 invokes a function that sends a message to SQS; an SQS mapping
// invokes a function that writes an item to DynamoDB; the table's stream
// invokes a third function.
func TestDDBESMSeedFlow(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, false)
	ctx := context.Background()
	arn := e.table("uploads")
	handoff, handoffARN := e.queue("handoff", map[string]string{"VisibilityTimeout": "120"})
	onUpload, err := e.c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("on-upload"), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Role: aws.String(role),
		Code: &types.FunctionCode{ZipFile: lambdatest.GoZip(t, "s3fn")}, Environment: &types.Environment{Variables: map[string]string{"RECORD_QUEUE": handoff}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.function("writer", map[string]string{"TABLE": "uploads"})
	e.function("reader", nil)
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(handoffARN), FunctionName: aws.String("writer")})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("reader"), StartingPosition: types.EventSourcePositionLatest})
	s3c := e.h.S3()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inbox")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("inbox"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			LambdaFunctionArn: onUpload.FunctionArn, Events: []s3types.Event{"s3:ObjectCreated:*"},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("inbox"), Key: aws.String("in/data.csv"), Body: strings.NewReader("a,b\n")}); err != nil {
		t.Fatal(err)
	}
	calls := e.waitPKs("reader", "in/data.csv")
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(calls[0].Raw, &ev); err != nil {
		t.Fatal(err)
	}
	if r := ev.Records[0]; r.EventName != "INSERT" || r.Change.NewImage["from"].String() != "sqs" || r.EventSourceArn != arn {
		t.Errorf("stream record %+v", r)
	}
}

func TestDDBESMBatchingWindowAndRecordAge(t *testing.T) {
	t.Parallel()
	e := newDDBEnv(t, true)
	arn := e.table("window")
	e.function("consumer", nil)
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon, MaximumBatchingWindowInSeconds: aws.Int32(10)})
	e.put("window", "a")
	e.put("window", "b")
	// The window is on hako's clock: nothing until it passes.
	time.Sleep(time.Second)
	if cs := e.calls("consumer"); len(cs) != 0 {
		t.Fatalf("invoked before the window passed: %v", pkLists(cs))
	}
	var calls []ddbInvocation
	for deadline := time.Now().Add(30 * time.Second); len(calls) == 0 && time.Now().Before(deadline); {
		e.fake.Advance(2 * time.Second)
		time.Sleep(100 * time.Millisecond)
		calls = e.calls("consumer")
	}
	if got := pkLists(calls); len(got) != 1 || !slices.Equal(got[0], []string{"a", "b"}) {
		t.Fatalf("invocations %v, want [[a b]]", got)
	}

	// Records older than MaximumRecordAgeInSeconds go to the destination
	// without a call.
	aged := e.table("aged")
	dlq, dlqARN := e.queue("dlq", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(aged), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon, MaximumRecordAgeInSeconds: aws.Int32(60), Enabled: aws.Bool(false),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(dlqARN)}}})
	e.put("aged", "x")
	e.put("aged", "y")
	e.fake.Advance(2 * time.Minute)
	e.update(&lambda.UpdateEventSourceMappingInput{UUID: m.UUID, Enabled: aws.Bool(true)})
	var fr failureRecord
	body := e.dlqBodies(dlq, 1)[0]
	if err := json.Unmarshal([]byte(body), &fr); err != nil {
		t.Fatal(err)
	}
	if fr.RequestContext.Condition != "RecordAgeExceeded" || fr.Info.BatchSize != 2 || fr.ResponseContext != nil || fr.Info.StreamArn != aged {
		t.Errorf("on-failure record %s", body)
	}
	e.put("aged", "z")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		e.fake.Advance(2 * time.Second) // the first mapping's window
		if len(e.calls("consumer")) > 1 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := pkLists(e.calls("consumer")); len(got) != 2 || !slices.Equal(got[1], []string{"z"}) {
		t.Errorf("invocations %v, want [[a b] [z]]", got)
	}

	// A deletion by time to live names the service as its user.
	ctx := context.Background()
	if _, err := e.d.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("window"),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("window"), Item: map[string]ddbtypes.AttributeValue{
		"pk": &ddbtypes.AttributeValueMemberS{Value: "ttl"}, "exp": &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(e.fake.Now().Unix() - 10)}}}); err != nil {
		t.Fatal(err)
	}
	var removed *events.DynamoDBEventRecord
	var raw json.RawMessage
	for deadline := time.Now().Add(30 * time.Second); removed == nil && time.Now().Before(deadline); {
		e.fake.Advance(2 * time.Second) // the sweeper's interval and the window
		time.Sleep(100 * time.Millisecond)
		for _, c := range e.calls("consumer") {
			var ev events.DynamoDBEvent
			var shape struct{ Records []json.RawMessage }
			json.Unmarshal(c.Raw, &ev)
			json.Unmarshal(c.Raw, &shape)
			for i, r := range ev.Records {
				if r.EventName == "REMOVE" {
					removed, raw = &ev.Records[i], shape.Records[i]
				}
			}
		}
	}
	if removed == nil {
		t.Fatal("the TTL deletion was not delivered")
	}
	if u := removed.UserIdentity; u == nil || u.Type != "Service" || u.PrincipalID != "dynamodb.amazonaws.com" {
		t.Errorf("userIdentity %+v", u)
	}
	if keys := objectKeys(t, raw); !slices.Equal(keys, []string{"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "userIdentity", "eventSourceARN"}) {
		t.Errorf("record fields %v", keys)
	}
}

// TestDDBESMTwoNodesPostgres maps a stream on two hako nodes sharing a
// PostgreSQL store: each lane is served by one node at a time, so every
// change is delivered once, in order per key.
func TestDDBESMTwoNodesPostgres(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	e := newDDBEnv(t, false, hakotest.WithStore(url))
	b := hakotest.Start(t, hakotest.WithStore(url))
	arn := e.table("shared")
	e.function("consumer", map[string]string{"SLEEP_MS": "50"})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		StartingPosition: types.EventSourcePositionTrimHorizon, ParallelizationFactor: aws.Int32(3), BatchSize: aws.Int32(4)})
	other := &ddbEnv{esmEnv: &esmEnv{t: t, h: b, c: b.Lambda(), q: b.SQS()}, d: b.DynamoDB()}
	const keys, rounds = 6, 4
	for r := range rounds {
		for k := range keys {
			w := e
			if k%2 == 1 {
				w = other // half the writes through the other node
			}
			w.put("shared", fmt.Sprintf("k%d", k), "round", fmt.Sprint(r))
		}
	}
	calls := e.waitCalls("consumer", "every change", func(cs []ddbInvocation) bool {
		n := 0
		for _, c := range cs {
			n += len(c.PKs)
		}
		return n >= keys*rounds
	})
	time.Sleep(time.Second)
	calls = e.calls("consumer")
	byKey := map[string][]string{}
	nodes := map[string]bool{}
	for _, c := range calls {
		nodes[c.Endpoint] = true
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(c.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.Records {
			pk := r.Change.Keys["pk"].String()
			byKey[pk] = append(byKey[pk], r.Change.NewImage["round"].String())
		}
	}
	for k := range keys {
		if got := byKey[fmt.Sprintf("k%d", k)]; !slices.Equal(got, []string{"0", "1", "2", "3"}) {
			t.Errorf("key k%d got rounds %v (each once, in order)", k, got)
		}
	}
	t.Logf("invocations ran on %d node(s)", len(nodes))
}
