package lambda_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// esmEnv is a hako with a "records" queue to which the sqsfn test
// function reports every event it gets.
type esmEnv struct {
	t       *testing.T
	h       *hakotest.Server
	c       *lambda.Client
	q       *sqs.Client
	fake    *clock.Fake // nil on the real clock
	records string      // queue URL

	mu   sync.Mutex
	seen map[string]sqsRecord // by request id: the function may send a record twice
}

// sqsRecord is what internal/lambdatest/fns/sqsfn records per invocation.
type sqsRecord struct {
	RequestID string          `json:"requestId"`
	Start     int64           `json:"start"`
	End       int64           `json:"end"`
	Endpoint  string          `json:"endpoint"`
	Event     events.SQSEvent `json:"event"`
}

func (r sqsRecord) bodies() []string {
	var out []string
	for _, m := range r.Event.Records {
		out = append(out, m.Body)
	}
	return out
}

func newESMEnv(t *testing.T, fake bool, opts ...hakotest.Option) *esmEnv {
	t.Helper()
	e := &esmEnv{t: t, seen: map[string]sqsRecord{}}
	if fake {
		e.fake = clock.NewFake(time.Now())
		opts = append(opts, hakotest.WithClock(e.fake))
	}
	e.h = hakotest.Start(t, opts...)
	e.c, e.q = e.h.Lambda(), e.h.SQS()
	e.records, _ = e.queue("records", nil)
	return e
}

// queue creates a queue and returns its URL and ARN.
func (e *esmEnv) queue(name string, attrs map[string]string) (url, arn string) {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateQueue %s: %v", name, err)
	}
	a, err := e.q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.QueueUrl), a.Attributes["QueueArn"]
}

// function creates an sqsfn function that records into the records queue.
func (e *esmEnv) function(name string, env map[string]string) {
	e.t.Helper()
	vars := map[string]string{"RECORD_QUEUE": e.records}
	for k, v := range env {
		vars[k] = v
	}
	_, err := e.c.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String(role),
		Code:         &types.FunctionCode{ZipFile: lambdatest.GoZip(e.t, "sqsfn")},
		Environment:  &types.Environment{Variables: vars},
	})
	if err != nil {
		e.t.Fatalf("CreateFunction: %v", err)
	}
}

func (e *esmEnv) mapping(in *lambda.CreateEventSourceMappingInput) *lambda.CreateEventSourceMappingOutput {
	e.t.Helper()
	out, err := e.c.CreateEventSourceMapping(context.Background(), in)
	if err != nil {
		e.t.Fatalf("CreateEventSourceMapping: %v", err)
	}
	return out
}

func (e *esmEnv) update(in *lambda.UpdateEventSourceMappingInput) *lambda.UpdateEventSourceMappingOutput {
	e.t.Helper()
	out, err := e.c.UpdateEventSourceMapping(context.Background(), in)
	if err != nil {
		e.t.Fatalf("UpdateEventSourceMapping: %v", err)
	}
	return out
}

func (e *esmEnv) send(url string, bodies ...string) {
	e.t.Helper()
	for len(bodies) > 0 {
		n := min(10, len(bodies))
		var entries []sqstypes.SendMessageBatchRequestEntry
		for i, b := range bodies[:n] {
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(b)})
		}
		out, err := e.q.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
		if err != nil || len(out.Failed) > 0 {
			e.t.Fatalf("SendMessageBatch: %v %+v", err, out)
		}
		bodies = bodies[n:]
	}
}

// collect reads the records queue once.
func (e *esmEnv) collect() {
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
			var r sqsRecord
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

// invocations returns the recorded invocations in start order.
func (e *esmEnv) invocations() []sqsRecord {
	e.collect()
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]sqsRecord, 0, len(e.seen))
	for _, r := range e.seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// deliveries counts how often each body was delivered.
func (e *esmEnv) deliveries() map[string]int {
	n := map[string]int{}
	for _, r := range e.invocations() {
		for _, b := range r.bodies() {
			n[b]++
		}
	}
	return n
}

// waitInvocations waits until at least n invocations were recorded.
func (e *esmEnv) waitInvocations(n int) []sqsRecord {
	e.t.Helper()
	return e.waitFor(fmt.Sprintf("%d invocations", n), func(rs []sqsRecord) bool { return len(rs) >= n })
}

// waitBodies waits until every body was delivered at least once.
func (e *esmEnv) waitBodies(bodies ...string) []sqsRecord {
	e.t.Helper()
	return e.waitFor(fmt.Sprintf("bodies %v", bodies), func(rs []sqsRecord) bool {
		got := map[string]bool{}
		for _, r := range rs {
			for _, b := range r.bodies() {
				got[b] = true
			}
		}
		for _, b := range bodies {
			if !got[b] {
				return false
			}
		}
		return true
	})
}

func (e *esmEnv) waitFor(what string, ok func([]sqsRecord) bool) []sqsRecord {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rs := e.invocations()
		if ok(rs) {
			return rs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s; got %d invocations: %v", what, len(rs), e.deliveries())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// counts returns a queue's visible and in-flight message counts.
func (e *esmEnv) counts(url string) (visible, inflight int) {
	e.t.Helper()
	out, err := e.q.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		e.t.Fatal(err)
	}
	visible, _ = strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
	inflight, _ = strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return visible, inflight
}

// waitCounts waits until a queue holds exactly these messages.
func (e *esmEnv) waitCounts(url string, visible, inflight int) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, f := e.counts(url)
		if v == visible && f == inflight {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("queue %s holds %d visible and %d in flight, want %d and %d", url, v, f, visible, inflight)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (e *esmEnv) state(id string) string {
	e.t.Helper()
	out, err := e.c.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: aws.String(id)})
	if err != nil {
		e.t.Fatalf("GetEventSourceMapping: %v", err)
	}
	return aws.ToString(out.State)
}

func TestESMDeliversEveryMessageOnce(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	ctx := context.Background()
	url, arn := e.queue("in", nil)
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer")})
	id := aws.ToString(m.UUID)
	if aws.ToString(m.State) != "Creating" || aws.ToInt32(m.BatchSize) != 10 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 0 ||
		aws.ToString(m.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:consumer" || aws.ToString(m.EventSourceArn) != arn ||
		aws.ToString(m.EventSourceMappingArn) != "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:"+id ||
		aws.ToString(m.StateTransitionReason) != "USER_INITIATED" || m.LastModified == nil || m.FunctionResponseTypes == nil || len(m.FunctionResponseTypes) != 0 {
		t.Errorf("create answered %+v", m)
	}
	if s := e.state(id); s != "Enabled" {
		t.Errorf("state after create %s", s)
	}

	// One message with attributes of every kind: the record is Lambda's.
	sent, err := e.q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(`{"hello":"<world> & co"}`),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"s": {DataType: aws.String("String"), StringValue: aws.String("text")},
			"n": {DataType: aws.String("Number"), StringValue: aws.String("42")},
			"b": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	rs := e.waitInvocations(1)
	if len(rs) != 1 || len(rs[0].Event.Records) != 1 {
		t.Fatalf("invocations %+v", rs)
	}
	r := rs[0].Event.Records[0]
	if r.MessageId != aws.ToString(sent.MessageId) || r.Body != `{"hello":"<world> & co"}` || r.Md5OfBody != aws.ToString(sent.MD5OfMessageBody) ||
		r.Md5OfMessageAttributes != aws.ToString(sent.MD5OfMessageAttributes) || r.EventSource != "aws:sqs" || r.EventSourceARN != arn ||
		r.AWSRegion != "us-east-1" || r.ReceiptHandle == "" {
		t.Errorf("record %+v, sent %+v", r, sent)
	}
	if r.Attributes["ApproximateReceiveCount"] != "1" || r.Attributes["SenderId"] == "" || r.Attributes["SentTimestamp"] == "" ||
		r.Attributes["ApproximateFirstReceiveTimestamp"] == "" || r.Attributes["MessageGroupId"] != "" {
		t.Errorf("attributes %v", r.Attributes)
	}
	if a := r.MessageAttributes["s"]; aws.ToString(a.StringValue) != "text" || a.DataType != "String" || a.StringListValues == nil || a.BinaryListValues == nil {
		t.Errorf("string attribute %+v", a)
	}
	if a := r.MessageAttributes["n"]; aws.ToString(a.StringValue) != "42" || a.DataType != "Number" {
		t.Errorf("number attribute %+v", a)
	}
	if a := r.MessageAttributes["b"]; string(a.BinaryValue) != "\x00\x01\x02" || a.DataType != "Binary" || a.StringValue != nil {
		t.Errorf("binary attribute %+v", a)
	}

	// Many messages: each is delivered exactly once, in batches of at most 10.
	var bodies []string
	for i := range 45 {
		bodies = append(bodies, fmt.Sprintf("m%02d", i))
	}
	e.send(url, bodies...)
	e.waitBodies(bodies...)
	e.waitCounts(url, 0, 0)
	time.Sleep(200 * time.Millisecond)
	for b, n := range e.deliveries() {
		if n != 1 {
			t.Errorf("%s delivered %d times", b, n)
		}
	}
	for _, r := range e.invocations() {
		if n := len(r.Event.Records); n < 1 || n > 10 {
			t.Errorf("batch of %d", n)
		}
	}
	list, err := e.c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("consumer")})
	if err != nil || len(list.EventSourceMappings) != 1 || aws.ToString(list.EventSourceMappings[0].State) != "Enabled" {
		t.Errorf("list %+v %v", list, err)
	}
}

func TestESMBatchingWindowAndBatchSize(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	url, arn := e.queue("in", nil)
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		BatchSize: aws.Int32(50), MaximumBatchingWindowInSeconds: aws.Int32(1), Enabled: aws.Bool(false)})
	id := aws.ToString(m.UUID)
	if aws.ToString(m.State) != "Creating" || e.state(id) != "Disabled" {
		t.Fatalf("disabled create: %s then %s", aws.ToString(m.State), e.state(id))
	}
	var bodies []string
	for i := range 30 {
		bodies = append(bodies, fmt.Sprintf("w%02d", i))
	}
	e.send(url, bodies...)
	t0 := time.Now()
	if up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), Enabled: aws.Bool(true)}); aws.ToString(up.State) != "Enabling" {
		t.Errorf("enable answered %s", aws.ToString(up.State))
	}
	// 30 messages, batch size 50: the window closes the batch after 1 s.
	rs := e.waitInvocations(1)
	if len(rs) != 1 || len(rs[0].Event.Records) != 30 {
		t.Fatalf("want one batch of 30, got %d invocations %v", len(rs), e.deliveries())
	}
	if waited := time.Unix(0, rs[0].Start).Sub(t0); waited < 900*time.Millisecond {
		t.Errorf("batch delivered %v after enabling, before the 1 s window closed", waited)
	}

	up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), BatchSize: aws.Int32(3), MaximumBatchingWindowInSeconds: aws.Int32(0)})
	if aws.ToString(up.State) != "Updating" || aws.ToInt32(up.BatchSize) != 3 || aws.ToInt32(up.MaximumBatchingWindowInSeconds) != 0 {
		t.Errorf("update answered %+v", up)
	}
	time.Sleep(300 * time.Millisecond) // the runner restarts the poller
	more := []string{"x1", "x2", "x3", "x4", "x5", "x6", "x7"}
	e.send(url, more...)
	rs = e.waitBodies(more...)
	for _, r := range rs[1:] {
		if len(r.Event.Records) > 3 {
			t.Errorf("batch of %d after BatchSize 3", len(r.Event.Records))
		}
	}
	e.waitCounts(url, 0, 0)
}

func TestESMPartialBatchFailure(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, true)
	url, arn := e.queue("in", nil) // visibility timeout 30 s
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		FunctionResponseTypes: []types.FunctionResponseType{types.FunctionResponseTypeReportBatchItemFailures}, Enabled: aws.Bool(false)})
	if len(m.FunctionResponseTypes) != 1 {
		t.Errorf("response types %v", m.FunctionResponseTypes)
	}
	e.send(url, "ok-1", "fail-1", "ok-2")
	e.update(&lambda.UpdateEventSourceMappingInput{UUID: m.UUID, Enabled: aws.Bool(true)})
	rs := e.waitInvocations(1)
	if len(rs[0].Event.Records) != 3 {
		t.Fatalf("first batch %v", rs[0].bodies())
	}
	// Only the reported message stays, in flight until the visibility timeout.
	e.waitCounts(url, 0, 1)
	e.fake.Advance(31 * time.Second)
	rs = e.waitInvocations(2)
	if got := rs[1].bodies(); len(got) != 1 || got[0] != "fail-1" || rs[1].Event.Records[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("retry delivered %v %v", got, rs[1].Event.Records[0].Attributes)
	}
	// An empty itemIdentifier fails the whole batch: nothing is deleted.
	e.send(url, "badid-1", "ok-3")
	rs = e.waitInvocations(3)
	if got := rs[2].bodies(); len(got) != 2 {
		t.Errorf("third batch %v", got)
	}
	e.waitCounts(url, 0, 3)
}

func TestESMRedriveToDeadLetterQueue(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, true)
	dlqURL, dlqARN := e.queue("dlq", nil)
	url, arn := e.queue("in", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`})
	e.function("consumer", nil)
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer")})
	e.send(url, "crash-1")
	e.waitInvocations(1)
	e.waitCounts(url, 0, 1)
	e.fake.Advance(31 * time.Second)
	rs := e.waitInvocations(2)
	if rs[1].Event.Records[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("second attempt %v", rs[1].Event.Records[0].Attributes)
	}
	e.waitCounts(url, 0, 1)
	// The third receive moves the message to the dead-letter queue.
	e.fake.Advance(31 * time.Second)
	e.waitCounts(dlqURL, 1, 0)
	e.waitCounts(url, 0, 0)
	out, err := e.q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL)})
	if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "crash-1" {
		t.Errorf("dead-letter queue: %+v %v", out, err)
	}
	if n := len(e.invocations()); n != 2 {
		t.Errorf("%d invocations, want 2", n)
	}
}

func TestESMFIFOGroupsInOrder(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	url, arn := e.queue("in.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	e.function("consumer", map[string]string{"SLEEP_MS": "100"})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		BatchSize: aws.Int32(2), ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(4)}})
	ctx := context.Background()
	var all []string
	for i := 1; i <= 6; i++ {
		var entries []sqstypes.SendMessageBatchRequestEntry
		for _, g := range []string{"a", "b", "c"} {
			body := fmt.Sprintf("%s%d", g, i)
			all = append(all, body)
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(g), MessageBody: aws.String(body), MessageGroupId: aws.String(g)})
		}
		if _, err := e.q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries}); err != nil {
			t.Fatal(err)
		}
	}
	rs := e.waitBodies(all...)
	e.waitCounts(url, 0, 0)
	for b, n := range e.deliveries() {
		if n != 1 {
			t.Errorf("%s delivered %d times", b, n)
		}
	}
	type span struct{ start, end int64 }
	order := map[string][]string{}
	spans := map[string][]span{}
	for _, r := range rs {
		groups := map[string]bool{}
		for _, m := range r.Event.Records {
			g := m.Attributes["MessageGroupId"]
			if g == "" || m.Attributes["SequenceNumber"] == "" || m.Attributes["MessageDeduplicationId"] == "" {
				t.Errorf("FIFO attributes %v", m.Attributes)
			}
			order[g] = append(order[g], m.Body)
			groups[g] = true
		}
		for g := range groups {
			spans[g] = append(spans[g], span{r.Start, r.End})
		}
	}
	for _, g := range []string{"a", "b", "c"} {
		want := []string{g + "1", g + "2", g + "3", g + "4", g + "5", g + "6"}
		if strings.Join(order[g], ",") != strings.Join(want, ",") {
			t.Errorf("group %s delivered in order %v", g, order[g])
		}
		for i := 1; i < len(spans[g]); i++ {
			if spans[g][i].start < spans[g][i-1].end {
				t.Errorf("two batches of group %s ran at once: %v", g, spans[g])
			}
		}
	}
}

func TestESMFilterCriteria(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	url, arn := e.queue("in", nil)
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		FilterCriteria: &types.FilterCriteria{Filters: []types.Filter{
			{Pattern: aws.String(`{"body":{"kind":["keep"],"n":[{"numeric":[">",1]}]}}`)},
			{Pattern: aws.String(`{"body":["plain-keep"]}`)},
		}}})
	if m.FilterCriteria == nil || len(m.FilterCriteria.Filters) != 2 {
		t.Errorf("filters %+v", m.FilterCriteria)
	}
	e.send(url, `{"kind":"keep","n":2}`, `{"kind":"drop","n":5}`, `{"kind":"keep","n":1}`, "plain text", "plain-keep")
	// Messages that match no filter are deleted without an invocation.
	e.waitCounts(url, 0, 0)
	time.Sleep(200 * time.Millisecond)
	got := e.deliveries()
	if len(got) != 2 || got[`{"kind":"keep","n":2}`] != 1 || got["plain-keep"] != 1 {
		t.Errorf("delivered %v", got)
	}
	// An update clears the filters with an empty FilterCriteria.
	up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: m.UUID, FilterCriteria: &types.FilterCriteria{}})
	if up.FilterCriteria != nil {
		t.Errorf("filters after clearing %+v", up.FilterCriteria)
	}
	time.Sleep(100 * time.Millisecond)
	e.send(url, "plain text")
	e.waitBodies("plain text")
}

func TestESMDisableEnableDelete(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	url, arn := e.queue("in", nil)
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer")})
	id := aws.ToString(m.UUID)
	if up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), Enabled: aws.Bool(false)}); aws.ToString(up.State) != "Disabling" {
		t.Errorf("disable answered %s", aws.ToString(up.State))
	}
	if s := e.state(id); s != "Disabled" {
		t.Errorf("state %s", s)
	}
	time.Sleep(500 * time.Millisecond) // the runner stops the poller
	e.send(url, "while-disabled")
	time.Sleep(time.Second)
	if n := len(e.invocations()); n != 0 {
		t.Fatalf("%d invocations while disabled", n)
	}
	e.waitCounts(url, 1, 0)
	if up := e.update(&lambda.UpdateEventSourceMappingInput{UUID: aws.String(id), Enabled: aws.Bool(true)}); aws.ToString(up.State) != "Enabling" {
		t.Errorf("enable answered %s", aws.ToString(up.State))
	}
	e.waitBodies("while-disabled")

	del, err := e.c.DeleteEventSourceMapping(context.Background(), &lambda.DeleteEventSourceMappingInput{UUID: aws.String(id)})
	if err != nil || aws.ToString(del.State) != "Deleting" || aws.ToString(del.UUID) != id {
		t.Fatalf("delete %+v %v", del, err)
	}
	if _, err := e.c.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" ||
		!strings.Contains(err.Error(), "The resource you requested does not exist.") {
		t.Errorf("get after delete: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	e.send(url, "after-delete")
	time.Sleep(time.Second)
	if n := len(e.invocations()); n != 1 {
		t.Errorf("%d invocations after delete, want 1", n)
	}
	e.waitCounts(url, 1, 0)
}

func TestESMRestartResumes(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	url, arn := e.queue("in", nil)
	e.function("consumer", nil)
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer")})
	e.send(url, "before")
	e.waitBodies("before")
	e.h.Restart(t)
	if s := e.state(aws.ToString(m.UUID)); s != "Enabled" {
		t.Errorf("state after restart %s", s)
	}
	e.send(url, "after")
	e.waitBodies("after")
	e.waitCounts(url, 0, 0)
}

func TestESMControlPlaneErrors(t *testing.T) {
	t.Parallel()
	h := hakotest.Start(t)
	c, q := h.Lambda(), h.SQS()
	ctx := context.Background()
	e := &esmEnv{t: t, h: h, c: c, q: q}
	_, arn := e.queue("q", nil)
	_, arn2 := e.queue("q2", nil)
	_, fifo := e.queue("q.fifo", map[string]string{"FifoQueue": "true"})
	_, short := e.queue("short", map[string]string{"VisibilityTimeout": "2"})
	createGo(t, c, "f")
	createGo(t, c, "g")
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	missingQueue := "arn:aws:sqs:us-east-1:000000000000:nope"

	first := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f")})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(fifo), FunctionName: aws.String("f"), BatchSize: aws.Int32(10)})
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("g"), Enabled: aws.Bool(false)})
	v1 := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("f:1"),
		ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(2)}, Tags: map[string]string{"team": "a"}})
	if aws.ToString(v1.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:f:1" || aws.ToInt32(v1.ScalingConfig.MaximumConcurrency) != 2 {
		t.Errorf("qualified mapping %+v", v1)
	}

	cases := []struct {
		name string
		in   lambda.CreateEventSourceMappingInput
		code string
		msg  string
	}{
		{"duplicate", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("f")}, "ResourceConflictException",
			`An event source mapping with SQS arn (" ` + arn + ` ") and function (" f ") already exists. Please update or delete the existing mapping with UUID ` + aws.ToString(first.UUID)},
		{"missing function", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("nope")}, "InvalidParameterValueException", "Function does not exist"},
		{"missing version", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("f:7")}, "InvalidParameterValueException", "Function does not exist"},
		{"missing queue", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(missingQueue), FunctionName: aws.String("f")}, "InvalidParameterValueException",
			"Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist."},
		{"batch without window", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"), BatchSize: aws.Int32(11)}, "InvalidParameterValueException",
			"Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"},
		{"batch too large", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"), BatchSize: aws.Int32(10001), MaximumBatchingWindowInSeconds: aws.Int32(1)}, "ValidationException", "batchSize"},
		{"window too long", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"), MaximumBatchingWindowInSeconds: aws.Int32(301)}, "ValidationException", "aximumBatchingWindowInSeconds"},
		{"fifo window", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(fifo), FunctionName: aws.String("g"), MaximumBatchingWindowInSeconds: aws.Int32(1)}, "InvalidParameterValueException",
			"Batching window is not supported for FIFO queues"},
		{"visibility", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(short), FunctionName: aws.String("g")}, "InvalidParameterValueException",
			"Queue visibility timeout: 2 seconds is less than Function timeout: 3 seconds"},
		{"filter", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"),
			FilterCriteria: &types.FilterCriteria{Filters: []types.Filter{{Pattern: aws.String(`{"body":"not an array"}`)}}}}, "InvalidParameterValueException", "Invalid filter pattern definition."},
		{"filter not json", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"),
			FilterCriteria: &types.FilterCriteria{Filters: []types.Filter{{Pattern: aws.String(`{body`)}}}}, "InvalidParameterValueException", "Invalid filter pattern definition."},
		{"concurrency", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"), ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(1)}}, "ValidationException", "aximumConcurrency"},
		{"starting position", lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn2), FunctionName: aws.String("g"), StartingPosition: types.EventSourcePositionLatest}, "InvalidParameterValueException",
			"StartingPosition is not valid for SQS event sources."},
	}
	for _, tc := range cases {
		_, err := c.CreateEventSourceMapping(ctx, &tc.in)
		if apiCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %s %q", tc.name, err, tc.code, tc.msg)
		}
	}

	missing := aws.String("11111111-2222-3333-4444-555555555555")
	if _, err := c.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: missing}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("get missing: %v", err)
	}
	if _, err := c.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: missing, BatchSize: aws.Int32(5)}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("update missing: %v", err)
	}
	if _, err := c.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: missing}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("delete missing: %v", err)
	}
	if _, err := c.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: first.UUID, BatchSize: aws.Int32(20)}); apiCode(err) != "InvalidParameterValueException" ||
		!strings.Contains(err.Error(), "Maximum batch window in seconds must be greater than 0") {
		t.Errorf("update batch without window: %v", err)
	}
	if _, err := c.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: first.UUID, FunctionName: aws.String("g")}); apiCode(err) != "ResourceConflictException" {
		t.Errorf("update onto an existing pair: %v", err)
	}
	up, err := c.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: first.UUID, BatchSize: aws.Int32(100), MaximumBatchingWindowInSeconds: aws.Int32(5)})
	if err != nil || aws.ToInt32(up.BatchSize) != 100 || aws.ToInt32(up.MaximumBatchingWindowInSeconds) != 5 {
		t.Errorf("update %+v %v", up, err)
	}

	count := func(in *lambda.ListEventSourceMappingsInput) int {
		t.Helper()
		out, err := c.ListEventSourceMappings(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return len(out.EventSourceMappings)
	}
	if n := count(&lambda.ListEventSourceMappingsInput{}); n != 4 {
		t.Errorf("list all: %d", n)
	}
	if n := count(&lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn)}); n != 2 {
		t.Errorf("list by source: %d", n)
	}
	if n := count(&lambda.ListEventSourceMappingsInput{FunctionName: aws.String("f")}); n != 3 {
		t.Errorf("list by function: %d", n)
	}
	if n := count(&lambda.ListEventSourceMappingsInput{FunctionName: aws.String("f:1")}); n != 1 {
		t.Errorf("list by version: %d", n)
	}
	if n := count(&lambda.ListEventSourceMappingsInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:g"), EventSourceArn: aws.String(arn)}); n != 1 {
		t.Errorf("list by function ARN and source: %d", n)
	}
	page, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{MaxItems: aws.Int32(3)})
	if err != nil || len(page.EventSourceMappings) != 3 || page.NextMarker == nil {
		t.Fatalf("first page %+v %v", page, err)
	}
	next, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{MaxItems: aws.Int32(3), Marker: page.NextMarker})
	if err != nil || len(next.EventSourceMappings) != 1 || next.NextMarker != nil {
		t.Errorf("second page %+v %v", next, err)
	}
}

func TestESMConcurrencyLimits(t *testing.T) {
	t.Parallel()
	e := newESMEnv(t, false)
	ctx := context.Background()
	url, arn := e.queue("in", nil)
	e.function("consumer", map[string]string{"SLEEP_MS": "50"})
	// Reserved concurrency 0 throttles the function: the poller leaves the
	// queue alone.
	if _, err := e.c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("consumer"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		BatchSize: aws.Int32(2), ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(5)}})
	var bodies []string
	for i := range 16 {
		bodies = append(bodies, fmt.Sprintf("c%02d", i))
	}
	e.send(url, bodies...)
	time.Sleep(time.Second)
	if n := len(e.invocations()); n != 0 {
		t.Fatalf("%d invocations with reserved concurrency 0", n)
	}
	e.waitCounts(url, 16, 0)
	// Reserved concurrency 1: full batches would scale the mapping to 5
	// pollers, the reservation keeps it at one invocation at a time.
	if _, err := e.c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("consumer"), ReservedConcurrentExecutions: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	rs := e.waitBodies(bodies...)
	for i := 1; i < len(rs); i++ {
		if rs[i].Start < rs[i-1].End {
			t.Errorf("invocations %d and %d overlap with reserved concurrency 1", i-1, i)
		}
	}
	e.waitCounts(url, 0, 0)
}

// TestESMMultiNodePostgres runs two hako nodes on one PostgreSQL schema:
// both poll the mapping, every message is delivered once, and a change
// made on one node stops the pollers of both.
func TestESMMultiNodePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	t.Parallel()
	pg := storetest.PostgresURL(t)
	e := newESMEnv(t, false, hakotest.WithStore(pg))
	b := hakotest.Start(t, hakotest.WithStore(pg))
	url, arn := e.queue("in", nil)
	e.function("consumer", map[string]string{"SLEEP_MS": "100"})
	m := e.mapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(arn), FunctionName: aws.String("consumer"),
		BatchSize: aws.Int32(1), ScalingConfig: &types.ScalingConfig{MaximumConcurrency: aws.Int32(2)}})
	// A send wakes the sending node's long polls first: probes sent through
	// node b reach b's poller once b's runner has heard of the mapping.
	bq := b.SQS()
	ranOn := func(node string) bool {
		for _, r := range e.invocations() {
			if r.Endpoint == node {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; !ranOn(b.URL); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("node b never polled: %v", e.deliveries())
		}
		if _, err := bq.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(fmt.Sprintf("probe%d", i))}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	// Both nodes poll: every message is delivered once.
	var bodies []string
	for i := range 20 {
		bodies = append(bodies, fmt.Sprintf("p%02d", i))
	}
	e.send(url, bodies...)
	e.waitBodies(bodies...)
	e.waitCounts(url, 0, 0)
	for body, n := range e.deliveries() {
		if n != 1 {
			t.Errorf("%s delivered %d times", body, n)
		}
	}
	if !ranOn(e.h.URL) {
		t.Errorf("node a never polled")
	}

	up, err := b.Lambda().UpdateEventSourceMapping(context.Background(), &lambda.UpdateEventSourceMappingInput{UUID: m.UUID, Enabled: aws.Bool(false)})
	if err != nil || aws.ToString(up.State) != "Disabling" {
		t.Fatalf("disable on the other node: %+v %v", up, err)
	}
	time.Sleep(time.Second) // both runners hear of it
	before := len(e.invocations())
	e.send(url, "while-disabled")
	time.Sleep(time.Second)
	if n := len(e.invocations()); n != before {
		t.Errorf("%d invocations while disabled", n-before)
	}
	e.waitCounts(url, 1, 0)
}
