package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

func lambdaClient(baseURL string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(baseURL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   hakotest.HTTPClient(30 * time.Second),
	})
}

// TestLambdaAsyncCrashRecovery queues asynchronous invocations, kills hako
// (SIGKILL) while they run, restarts it and checks that every acknowledged
// invocation ran at least once: each one sends its own body to a queue.
func TestLambdaAsyncCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startHako(t, bin, dataDir)
	ctx := context.Background()
	q := sqsClient(first.url)
	createQueue(t, q, "ran", nil)
	lc := lambdaClient(first.url)
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("crashfn"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "gofn")},
		// A loaded CI machine running the race-built hako can take longer
		// than the default 3 s for a cold start and its SendMessage; a
		// timeout would count as a function error, retried a minute later.
		Timeout: aws.Int32(60),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("crashfn"), ReservedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	const n = 40
	for i := 0; i < n; i++ {
		payload := fmt.Sprintf(`{"sendTo":"000000000000/ran","body":"inv-%d","sleepMs":50}`, i)
		out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("crashfn"), InvocationType: ltypes.InvocationTypeEvent, Payload: []byte(payload)})
		if err != nil || out.StatusCode != 202 {
			t.Fatalf("invoke %d: %v %v", i, out, err)
		}
	}
	// Let some run, then kill hako in the middle.
	seen := map[string]int{}
	deadline := time.Now().Add(20 * time.Second)
	for len(seen) < 5 && time.Now().Before(deadline) {
		collect(t, q, seen)
	}
	first.kill(t)
	t.Logf("%d of %d invocations had run before the kill", len(seen), n)

	second := startHako(t, bin, dataDir)
	q = sqsClient(second.url)
	// Long enough for one retry (a minute after a failed attempt).
	deadline = time.Now().Add(150 * time.Second)
	for len(seen) < n && time.Now().Before(deadline) {
		collect(t, q, seen)
	}
	missing := 0
	for i := 0; i < n; i++ {
		if seen[fmt.Sprintf("inv-%d", i)] == 0 {
			t.Errorf("acknowledged invocation inv-%d never ran", i)
			missing++
		}
	}
	if missing > 0 {
		t.Logf("restarted hako's log:\n%s", second.stderrTail())
	}
	dups := 0
	for _, c := range seen {
		dups += c - 1
	}
	t.Logf("%d of %d ran by the end (%d ran twice: at least once, as Lambda)", len(seen), n, dups)
	second.terminate(t)
}

func collect(t *testing.T, q *sqs.Client, seen map[string]int) {
	t.Helper()
	url := "000000000000/ran"
	out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		return // the server may be going down
	}
	for _, m := range out.Messages {
		seen[aws.ToString(m.Body)]++
		q.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
	}
}
