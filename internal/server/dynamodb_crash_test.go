package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/hako-dev/hako/internal/hakotest"
)

func ddbCrashConfig(url string) aws.Config {
	return aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  hakotest.HTTPClient(30 * time.Second),
	}
}

// TestDynamoDBCrashRecovery kills a real hako (SIGKILL) while writers run
// conditional increments (each writer its own counter: SET n = n + 1 IF
// n = expected) and two-item transactions, restarts it and checks that
//
//   - every acknowledged increment is there: a counter equals the number
//     of acknowledged increments, or one more (the one in flight);
//   - no transaction is half-applied: both of its items exist or neither,
//     and every acknowledged one exists;
//   - the stream holds each change's record exactly once: one INSERT per
//     item and one MODIFY per increment, with the counter's new values
//     1, 2, ... in order.
func TestDynamoDBCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startHako(t, bin, dataDir)
	ctx := context.Background()
	c := dynamodb.NewFromConfig(ddbCrashConfig(first.url))
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("crash"), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	}); err != nil {
		t.Fatal(err)
	}
	const writers = 6
	for w := range writers {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("crash"),
			Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("counter#%d", w)}, "n": &types.AttributeValueMemberN{Value: "0"}}}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		killed    atomic.Bool
		acks      atomic.Int64
		wg        sync.WaitGroup
		incs      = make([]int, writers)
		txAcked   = make([]int, writers) // transactions 0..txAcked-1 acknowledged
		txTried   = make([]int, writers)
		mu        sync.Mutex
		unexpects []string
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wc := dynamodb.NewFromConfig(ddbCrashConfig(first.url))
			for i := 0; ; i++ {
				var err error
				if i%2 == 0 {
					_, err = wc.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("crash"),
						Key:                       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("counter#%d", w)}},
						UpdateExpression:          aws.String("SET n = n + :one"),
						ConditionExpression:       aws.String("n = :cur"),
						ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}, ":cur": &types.AttributeValueMemberN{Value: strconv.Itoa(incs[w])}},
					})
					if err == nil {
						incs[w]++
					}
				} else {
					n := txTried[w]
					txTried[w]++
					item := func(side string) types.TransactWriteItem {
						return types.TransactWriteItem{Put: &types.Put{TableName: aws.String("crash"), ConditionExpression: aws.String("attribute_not_exists(pk)"),
							Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("tx%s#%d#%d", side, w, n)}}}}
					}
					_, err = wc.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{item("a"), item("b")}})
					if err == nil {
						txAcked[w] = n + 1
					}
				}
				if err != nil {
					if !killed.Load() {
						mu.Lock()
						unexpects = append(unexpects, err.Error())
						mu.Unlock()
					}
					return
				}
				acks.Add(1)
			}
		}()
	}
	start := time.Now()
	for acks.Load() < 300 && time.Since(start) < 30*time.Second && !first.exited() {
		time.Sleep(10 * time.Millisecond)
	}
	killed.Store(true)
	first.kill(t)
	wg.Wait()
	if len(unexpects) > 0 {
		t.Fatalf("errors before the kill: %v", unexpects)
	}
	t.Logf("%d writes acknowledged before the kill", acks.Load())

	second := startHako(t, bin, dataDir)
	c = dynamodb.NewFromConfig(ddbCrashConfig(second.url))
	items := map[string]map[string]types.AttributeValue{}
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("crash"), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			items[it["pk"].(*types.AttributeValueMemberS).Value] = it
		}
	}
	for w := range writers {
		got, _ := strconv.Atoi(items[fmt.Sprintf("counter#%d", w)]["n"].(*types.AttributeValueMemberN).Value)
		if got != incs[w] && got != incs[w]+1 {
			t.Errorf("counter %d is %d after %d acknowledged increments", w, got, incs[w])
		}
		for n := 0; n < txTried[w]; n++ {
			_, a := items[fmt.Sprintf("txa#%d#%d", w, n)]
			_, b := items[fmt.Sprintf("txb#%d#%d", w, n)]
			if a != b {
				t.Errorf("transaction %d/%d half-applied: a=%v b=%v", w, n, a, b)
			}
			if n < txAcked[w] && !a {
				t.Errorf("acknowledged transaction %d/%d lost", w, n)
			}
		}
	}
	// The stream: every item inserted once, every increment once, in order.
	st := dynamodbstreams.NewFromConfig(ddbCrashConfig(second.url))
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("crash")})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := st.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: d.Table.LatestStreamArn})
	if err != nil {
		t.Fatal(err)
	}
	it, err := st.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: d.Table.LatestStreamArn,
		ShardId: sd.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	inserts := map[string]int{}
	lastN := map[string]int{}
	iter := it.ShardIterator
	for iter != nil {
		r, err := st.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			pk := rec.Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS).Value
			switch rec.EventName {
			case streamtypes.OperationTypeInsert:
				inserts[pk]++
			case streamtypes.OperationTypeModify:
				n, _ := strconv.Atoi(rec.Dynamodb.NewImage["n"].(*streamtypes.AttributeValueMemberN).Value)
				if n != lastN[pk]+1 {
					t.Errorf("%s: stream MODIFY to %d after %d", pk, n, lastN[pk])
				}
				lastN[pk] = n
			}
		}
		if len(r.Records) == 0 {
			break
		}
		iter = r.NextShardIterator
	}
	for pk, it := range items {
		if inserts[pk] != 1 {
			t.Errorf("%s: %d INSERT records, want 1", pk, inserts[pk])
		}
		if v, ok := it["n"].(*types.AttributeValueMemberN); ok {
			n, _ := strconv.Atoi(v.Value)
			if lastN[pk] != n {
				t.Errorf("%s: stream's last value %d, item's %d", pk, lastN[pk], n)
			}
		}
	}
	if len(inserts) != len(items) {
		t.Errorf("%d items inserted in the stream, %d in the table", len(inserts), len(items))
	}
	second.terminate(t)
}
