package sqs_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestRetention(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("retention", map[string]string{"MessageRetentionPeriod": "60"})
	e.send(url, "old")
	e.advance(30 * time.Second)
	e.send(url, "young")
	e.advance(30 * time.Second)
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"young"}) {
		t.Fatalf("received %v", got)
	}
	if n := e.attrs(url, "ApproximateNumberOfMessagesNotVisible")["ApproximateNumberOfMessagesNotVisible"]; n != "1" {
		t.Fatalf("not visible = %s", n)
	}
	// The sweeper removes expired messages (it runs every minute).
	e.advance(2 * time.Minute)
	waitFor(t, func() bool {
		return e.attrs(url, "ApproximateNumberOfMessagesNotVisible")["ApproximateNumberOfMessagesNotVisible"] == "0"
	})
}

// waitFor polls cond (background work driven by the fake clock runs on
// its own goroutines).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPurgeQueue(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("purge", nil)
	for i := range 5 {
		e.send(url, fmt.Sprint(i))
	}
	e.receive(url, 2)
	if _, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	e.send(url, "after")
	_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	wantErr(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress", "Only one PurgeQueue operation on purge is allowed every 60 seconds.")
	e.advance(31 * time.Second)
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"after"}) {
		t.Fatalf("after purge: %v", got)
	}
	e.advance(30 * time.Second)
	if _, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatalf("purge after 60s: %v", err)
	}
	got := e.attrs(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
	if got["ApproximateNumberOfMessages"] != "0" || got["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("counts after purge: %v", got)
	}
}

func TestDeadLetterQueue(t *testing.T) {
	e := newEnv(t)
	dlq := e.createQueue("dlq", nil)
	dlqARN := e.attrs(dlq, "QueueArn")["QueueArn"]
	src := e.createQueue("dlq-src", map[string]string{"VisibilityTimeout": "1",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":3}`})
	attrs := map[string]types.MessageAttributeValue{"attrib1": strAttr("String", "dummy value")}
	sent, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("Hello World"), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("trace-id=1234")}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		ms := e.receive(src, 1)
		if len(ms) != 1 || ms[0].Attributes["ApproximateReceiveCount"] != fmt.Sprint(i) {
			t.Fatalf("receive %d: %+v", i, ms)
		}
		e.advance(time.Second)
	}
	if ms := e.receive(src, 1); len(ms) != 0 {
		t.Fatalf("fourth receive returned the message: %+v", ms[0].Attributes)
	}
	ms := e.receive(dlq, 1)
	if len(ms) != 1 {
		t.Fatal("message not in the dead-letter queue")
	}
	m := ms[0]
	if *m.MessageId != *sent.MessageId || *m.Body != "Hello World" || *m.MD5OfMessageAttributes != *sent.MD5OfMessageAttributes {
		t.Fatalf("dead letter = %+v", m)
	}
	if m.Attributes["DeadLetterQueueSourceArn"] != "arn:aws:sqs:us-east-1:000000000000:dlq-src" || m.Attributes["AWSTraceHeader"] != "trace-id=1234" ||
		m.Attributes["ApproximateReceiveCount"] != "4" {
		t.Fatalf("dead letter attributes = %v", m.Attributes)
	}
	src2 := e.createQueue("dlq-src2", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":3}`})
	e.createQueue("other", nil)
	out, err := e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.QueueUrls, []string{src, src2}) || out.NextToken != nil {
		t.Fatalf("sources = %v", out.QueueUrls)
	}
	var paged []string
	p := sqs.NewListDeadLetterSourceQueuesPaginator(e.c, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.QueueUrls) > 1 {
			t.Fatalf("page of %d", len(page.QueueUrls))
		}
		paged = append(paged, page.QueueUrls...)
	}
	if !slices.Equal(paged, []string{src, src2}) {
		t.Fatalf("paged sources = %v", paged)
	}
	_, err = e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(1001)})
	wantErr(t, err, "InvalidParameterValue", "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
}

// A message moved to a standard dead-letter queue keeps its receive count
// (the moving receive does not count), its first receive time and its send
// time; the next receive counts on from there.
func TestDeadLetterKeepsReceiveCountAndTimestamps(t *testing.T) {
	e := newEnv(t)
	dlq := e.createQueue("keep-dlq", nil)
	dlqARN := e.attrs(dlq, "QueueArn")["QueueArn"]
	src := e.createQueue("keep-src", map[string]string{"VisibilityTimeout": "1",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":2}`})
	e.send(src, "poison")
	e.advance(5 * time.Second)
	first := e.receive(src, 1)
	if len(first) != 1 {
		t.Fatal("no message")
	}
	e.advance(time.Minute)
	if ms := e.receive(src, 1); len(ms) != 1 || ms[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("second receive = %+v", ms)
	}
	e.advance(time.Minute)
	if ms := e.receive(src, 1); len(ms) != 0 {
		t.Fatal("third receive returned the message")
	}
	e.advance(time.Minute)
	ms := e.receive(dlq, 1)
	if len(ms) != 1 {
		t.Fatal("message not in the dead-letter queue")
	}
	got, want := ms[0].Attributes, first[0].Attributes
	if got["ApproximateReceiveCount"] != "3" {
		t.Errorf("ApproximateReceiveCount = %s, want 3", got["ApproximateReceiveCount"])
	}
	for _, k := range []string{"ApproximateFirstReceiveTimestamp", "SentTimestamp"} {
		if got[k] != want[k] {
			t.Errorf("%s = %s, want %s (from the source queue)", k, got[k], want[k])
		}
	}
}

func TestFIFODeadLetterQueue(t *testing.T) {
	e := newEnv(t)
	dlq := e.createFIFO("dl.fifo", nil)
	src := e.createFIFO("src.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dl.fifo","maxReceiveCount":1}`})
	e.sendFIFO(src, "poison", "g", "")
	e.sendFIFO(src, "next", "g", "")
	if got := bodies(e.receive(src, 1)); !slices.Equal(got, []string{"poison"}) {
		t.Fatalf("first receive: %v", got)
	}
	e.advance(time.Second)
	if got := bodies(e.receive(src, 1)); !slices.Equal(got, []string{"next"}) {
		t.Fatalf("after redrive: %v", got)
	}
	ms := e.receive(dlq, 1)
	if len(ms) != 1 || *ms[0].Body != "poison" || ms[0].Attributes["MessageGroupId"] != "g" {
		t.Fatalf("dead letter: %+v", ms)
	}
}

func moveTaskSetup(t *testing.T, e *env, n int) (src, dlq, dlqARN string) {
	t.Helper()
	dlq = e.createQueue("mt-dlq", nil)
	dlqARN = e.attrs(dlq, "QueueArn")["QueueArn"]
	src = e.createQueue("mt-src", map[string]string{"VisibilityTimeout": "1",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":1}`})
	var es []types.SendMessageBatchRequestEntry
	for i := range n {
		es = append(es, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(fmt.Sprint("m", i))})
		if len(es) == 10 || i == n-1 {
			if _, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(src), Entries: es}); err != nil {
				t.Fatal(err)
			}
			es = nil
		}
	}
	for got := 0; got < n; {
		got += len(e.receive(src, 10))
	}
	e.advance(time.Second)
	if ms := e.receive(src, 10); len(ms) != 0 {
		t.Fatal("messages not redriven")
	}
	if c := e.attrs(dlq, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; c != fmt.Sprint(n) {
		t.Fatalf("dead-letter queue holds %s", c)
	}
	return src, dlq, dlqARN
}

func TestMessageMoveTaskToSource(t *testing.T) {
	e := newEnv(t)
	src, dlq, dlqARN := moveTaskSetup(t, e, 25)
	out, err := e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqARN)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(*out.TaskHandle)
	var h struct{ TaskId, SourceArn string }
	if err != nil || json.Unmarshal(raw, &h) != nil || h.SourceArn != dlqARN || h.TaskId == "" {
		t.Fatalf("task handle %s", *out.TaskHandle)
	}
	var task types.ListMessageMoveTasksResultEntry
	waitFor(t, func() bool {
		l, err := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN)})
		if err != nil {
			t.Fatal(err)
		}
		task = l.Results[0]
		return *task.Status == "COMPLETED"
	})
	if task.ApproximateNumberOfMessagesMoved != 25 || task.ApproximateNumberOfMessagesToMove == nil || *task.ApproximateNumberOfMessagesToMove != 25 ||
		task.TaskHandle != nil || task.DestinationArn != nil {
		t.Fatalf("task = %+v", task)
	}
	if c := e.attrs(dlq, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; c != "0" {
		t.Fatalf("dead-letter queue still holds %s", c)
	}
	var got []string
	for {
		ms := e.receive(src, 10, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 100 })
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			if _, ok := m.Attributes["DeadLetterQueueSourceArn"]; ok || m.Attributes["ApproximateReceiveCount"] != "1" {
				t.Fatalf("moved message attributes %v", m.Attributes)
			}
		}
		got = append(got, bodies(ms)...)
	}
	if len(got) != 25 {
		t.Fatalf("source got back %d messages", len(got))
	}
}

func TestMessageMoveTaskRateCancelAndDestination(t *testing.T) {
	e := newEnv(t)
	_, _, dlqARN := moveTaskSetup(t, e, 10)
	dest := e.createQueue("mt-dest", nil)
	destARN := e.attrs(dest, "QueueArn")["QueueArn"]
	out, err := e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqARN), DestinationArn: aws.String(destARN),
		MaxNumberOfMessagesPerSecond: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqARN)})
	wantErr(t, err, "InvalidParameterValue", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
	count := func(url string) string {
		return e.attrs(url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]
	}
	waitFor(t, func() bool { return count(dest) == "2" })
	e.advance(time.Second)
	waitFor(t, func() bool { return count(dest) == "4" })
	cancel, err := e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: out.TaskHandle})
	if err != nil {
		t.Fatal(err)
	}
	if cancel.ApproximateNumberOfMessagesMoved != 4 {
		t.Fatalf("moved = %d", cancel.ApproximateNumberOfMessagesMoved)
	}
	waitFor(t, func() bool {
		l, _ := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN)})
		return *l.Results[0].Status == "CANCELLED"
	})
	e.advance(5 * time.Second)
	if c := count(dest); c != "4" {
		t.Fatalf("moved after cancel: %s", c)
	}
	l, err := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN), MaxResults: aws.Int32(10)})
	if err != nil || len(l.Results) != 1 {
		t.Fatalf("list = %+v, %v", l, err)
	}
	r := l.Results[0]
	if *r.DestinationArn != destARN || *r.MaxNumberOfMessagesPerSecond != 2 || r.ApproximateNumberOfMessagesMoved != 4 {
		t.Fatalf("task = %+v", r)
	}
}

func TestMessageMoveTaskErrors(t *testing.T) {
	e := newEnv(t)
	_, _, dlqARN := moveTaskSetup(t, e, 1)
	notDLQ := e.createQueue("not-dlq", nil)
	notDLQARN := e.attrs(notDLQ, "QueueArn")["QueueArn"]
	fifo := e.createFIFO("mt.fifo", nil)
	fifoARN := e.attrs(fifo, "QueueArn")["QueueArn"]
	start := func(src, dst string, rate int32) error {
		in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(src)}
		if dst != "" {
			in.DestinationArn = aws.String(dst)
		}
		if rate != 0 {
			in.MaxNumberOfMessagesPerSecond = aws.Int32(rate)
		}
		_, err := e.c.StartMessageMoveTask(e.ctx, in)
		return err
	}
	wantErr(t, start("invalid", "", 0), "InvalidParameterValue", "You must use this format to specify the SourceArn: arn:<partition>:<service>:<region>:<account-id>:<resource-id>")
	wantErr(t, start("arn:aws:sqs:us-east-1:000000000000:missing", "", 0), "ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
	wantErr(t, start(notDLQARN, "", 0), "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")
	wantErr(t, start(dlqARN, "invalid", 0), "InvalidParameterValue", "You must use this format to specify the DestinationArn: arn:<partition>:<service>:<region>:<account-id>:<resource-id>")
	wantErr(t, start(dlqARN, "arn:aws:sqs:us-east-1:000000000000:missing", 0), "ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't exist.")
	wantErr(t, start(dlqARN, dlqARN, 0), "InvalidParameterValue", "Source queue arn and destination queue arn cannot be the same.")
	wantErr(t, start(dlqARN, fifoARN, 0), "InvalidParameterValue", "The source queue and destination queue must be of the same queue type.")
	wantErr(t, start(dlqARN, notDLQARN, 501), "InvalidParameterValue", "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a number that's between 1 and 500.")
	_, err := e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("nonsense")})
	wantErr(t, err, "InvalidParameterValue", "Value for parameter TaskHandle is invalid.")
	bogus := base64.StdEncoding.EncodeToString([]byte(`{"taskId":"x","sourceArn":"` + dlqARN + `"}`))
	_, err = e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(bogus)})
	wantErr(t, err, "ResourceNotFoundException", "Task does not exist.")
	_, err = e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:missing")})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Messages without a recorded source make a task without destination fail.
	if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(strings.Replace(dlqARN, "arn:aws:sqs:us-east-1:000000000000:", "", 1)), MessageBody: aws.String("direct")}); err != nil {
		t.Fatal(err)
	}
	if err := start(dlqARN, "", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		l, _ := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN)})
		return *l.Results[0].Status == "FAILED" && aws.ToString(l.Results[0].FailureReason) == "CouldNotDetermineMessageSource"
	})
}
