package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hako-dev/hako/internal/hakotest"
)

func clientConfig(baseURL string) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(baseURL),
		RetryMaxAttempts: 1, // a retried call could be accepted twice
		HTTPClient:       hakotest.HTTPClient(30 * time.Second),
	}
}

// receiveBodies receives and deletes what url holds now (one long poll).
func receiveBodies(q *sqs.Client, url string) []string {
	out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		return nil // the server may be going down
	}
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, aws.ToString(m.Body))
		q.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
	}
	return bodies
}

// TestFanOutCrashRecovery publishes to a topic and puts events on a bus
// from several clients while hako is killed (SIGKILL): after a restart,
// every Publish and PutEvents entry that was acknowledged reaches its
// subscribed queue (at least once), because the fan-out deliveries are
// written in the transaction that accepts the message.
func TestFanOutCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startHako(t, bin, dataDir)
	ctx := context.Background()
	cfg := clientConfig(first.url)
	q, n, eb := sqs.NewFromConfig(cfg), sns.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg)
	snsURL, ebURL := createQueue(t, q, "from-topic", nil), createQueue(t, q, "from-bus", nil)
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("crash")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:from-topic"), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("crash"), EventPattern: aws.String(`{"source":["crash.test"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("crash"),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:from-bus"), InputPath: aws.String("$.detail.n")}}}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				var err error
				if i%2 == 0 {
					_, err = n.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("sns-" + id)})
					id = "sns-" + id
				} else {
					var out *eventbridge.PutEventsOutput
					out, err = eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
						Source: aws.String("crash.test"), DetailType: aws.String("t"), Detail: aws.String(`{"n":"eb-` + id + `"}`)}}})
					if err == nil && out.FailedEntryCount != 0 {
						err = fmt.Errorf("failed entries")
					}
					id = "eb-" + id
				}
				if err != nil {
					return // hako is gone
				}
				mu.Lock()
				acked[id] = true
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	first.kill(t)
	close(stop)
	wg.Wait()
	t.Logf("%d calls acknowledged before the kill", len(acked))

	second := startHako(t, bin, dataDir)
	cfg = clientConfig(second.url)
	q = sqs.NewFromConfig(cfg)
	seen := map[string]int{}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		missing := 0
		for id := range acked {
			if seen[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		for _, url := range []string{snsURL, ebURL} {
			for _, b := range receiveBodies(q, url) {
				seen[strings.Trim(b, `"`)]++
			}
		}
	}
	for id := range acked {
		if seen[id] == 0 {
			t.Errorf("acknowledged %s never reached its queue", id)
		}
	}
	if t.Failed() {
		t.Logf("restarted hako's log:\n%s", second.stderrTail())
	}
	second.terminate(t)
}

// TestSchedulerCrashAcrossFiring creates one-time schedules due in the
// seconds around a SIGKILL of hako: after the restart each schedule has
// fired, and none fired twice (a firing redelivered carries the same
// execution id; two execution ids would be two firings).
func TestSchedulerCrashAcrossFiring(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startHako(t, bin, dataDir)
	ctx := context.Background()
	cfg := clientConfig(first.url)
	q, sc := sqs.NewFromConfig(cfg), scheduler.NewFromConfig(cfg)
	url := createQueue(t, q, "fired", nil)
	const n = 12
	start := time.Now().UTC().Add(3 * time.Second).Truncate(time.Second)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i/2) * time.Second)
		if _, err := sc.CreateSchedule(ctx, &scheduler.CreateScheduleInput{
			Name:               aws.String(fmt.Sprintf("s%d", i)),
			ScheduleExpression: aws.String("at(" + at.Format("2006-01-02T15:04:05") + ")"),
			FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
			Target: &schedtypes.Target{Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:fired"), RoleArn: aws.String("arn:aws:iam::000000000000:role/r"),
				Input: aws.String(fmt.Sprintf(`{"schedule":"s%d","execution":"<aws.scheduler.execution-id>"}`, i))},
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Kill hako while the schedules are coming due.
	time.Sleep(time.Until(start.Add(3 * time.Second / 2)))
	first.kill(t)
	time.Sleep(2 * time.Second) // some become due while hako is down
	second := startHako(t, bin, dataDir)
	q = sqs.NewFromConfig(clientConfig(second.url))
	executions := map[string]map[string]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for len(executions) < n && time.Now().Before(deadline) {
		for _, b := range receiveBodies(q, url) {
			var m struct{ Schedule, Execution string }
			if err := json.Unmarshal([]byte(b), &m); err != nil {
				t.Fatalf("message %q", b)
			}
			if executions[m.Schedule] == nil {
				executions[m.Schedule] = map[string]bool{}
			}
			executions[m.Schedule][m.Execution] = true
		}
	}
	// Anything still in flight arrives now.
	for _, b := range receiveBodies(q, url) {
		var m struct{ Schedule, Execution string }
		json.Unmarshal([]byte(b), &m)
		if executions[m.Schedule] == nil {
			executions[m.Schedule] = map[string]bool{}
		}
		executions[m.Schedule][m.Execution] = true
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("s%d", i)
		switch ex := executions[name]; {
		case len(ex) == 0:
			t.Errorf("schedule %s never fired", name)
		case len(ex) > 1:
			t.Errorf("schedule %s fired %d times: %v", name, len(ex), ex)
		}
	}
	if t.Failed() {
		t.Logf("restarted hako's log:\n%s", second.stderrTail())
	}
	second.terminate(t)
}
