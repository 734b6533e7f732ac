package dynamodb_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// env is one hako under test with a fake clock.
type env struct {
	t   *testing.T
	srv *hakotest.Server
	c   *dynamodb.Client
	st  *dynamodbstreams.Client
	clk *clock.Fake
	ctx context.Context
}

// newEnv starts hako on a fake clock. With HAKO_TEST_DYNAMODB_STORE=postgres
// the store is an isolated PostgreSQL schema.
func newEnv(t *testing.T, opts ...hakotest.Option) *env {
	t.Helper()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	opts = append([]hakotest.Option{hakotest.WithClock(clk)}, opts...)
	if os.Getenv("HAKO_TEST_DYNAMODB_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	srv := hakotest.Start(t, opts...)
	return &env{t: t, srv: srv, c: srv.DynamoDB(), st: srv.DynamoDBStreams(), clk: clk, ctx: context.Background()}
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// createTable creates a pay-per-request table with a string hash key "pk"
// and, when sk is not "", a sort key of type skType.
func (e *env) createTable(name, sk, skType string, mod ...func(*dynamodb.CreateTableInput)) {
	e.t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	}
	if sk != "" {
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(sk), AttributeType: types.ScalarAttributeType(skType)})
	}
	for _, m := range mod {
		m(in)
	}
	if _, err := e.c.CreateTable(e.ctx, in); err != nil {
		e.t.Fatalf("CreateTable %s: %v", name, err)
	}
}

func (e *env) put(table string, item map[string]types.AttributeValue) {
	e.t.Helper()
	if _, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		e.t.Fatalf("PutItem: %v", err)
	}
}

// wantErr checks that err is the API error code whose message contains msg.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s (%q), got %v", code, msg, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// waitFor polls cond (which may move the fake clock) for up to 10 s.
func waitFor(t *testing.T, e *env, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamRecords reads every record of the table's latest stream from the
// start of its shard.
func (e *env) streamRecords(table string) []streamtypes.Record {
	e.t.Helper()
	d, err := e.c.DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		e.t.Fatal(err)
	}
	sd, err := e.st.DescribeStream(e.ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: d.Table.LatestStreamArn})
	if err != nil {
		e.t.Fatal(err)
	}
	// A read racing the retention trimmer can find the records its
	// iterator points at trimmed (TrimmedDataAccessException): it starts
	// again from the trim horizon, as a consumer would.
	for attempt := 0; ; attempt++ {
		it, err := e.st.GetShardIterator(e.ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: d.Table.LatestStreamArn, ShardId: sd.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			e.t.Fatal(err)
		}
		var out []streamtypes.Record
		again := false
		iter := it.ShardIterator
		for i := 0; iter != nil && i < 100; i++ {
			r, err := e.st.GetRecords(e.ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			var trimmed *streamtypes.TrimmedDataAccessException
			if errors.As(err, &trimmed) && attempt < 10 {
				again = true
				break
			}
			if err != nil {
				e.t.Fatal(err)
			}
			out = append(out, r.Records...)
			if len(r.Records) == 0 {
				break
			}
			iter = r.NextShardIterator
		}
		if !again {
			return out
		}
	}
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
