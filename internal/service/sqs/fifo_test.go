package sqs_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestFIFOOrderAndGroupLocking(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("order.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	// Interleaved groups: a1 b1 a2 b2 a3 c1.
	for _, m := range [][2]string{{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"b", "b2"}, {"a", "a3"}, {"c", "c1"}} {
		e.sendFIFO(url, m[1], m[0], "")
	}
	// As many messages of the first group as possible, in order.
	first := e.receive(url, 2)
	if got := bodies(first); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Fatalf("first receive = %v", got)
	}
	// Group a is locked while a1/a2 are in flight; b and c are available.
	second := e.receive(url, 10)
	if got := bodies(second); !slices.Equal(got, []string{"b1", "b2", "c1"}) {
		t.Fatalf("second receive = %v", got)
	}
	if got := bodies(e.receive(url, 10)); len(got) != 0 {
		t.Fatalf("all groups locked, got %v", got)
	}
	// Deleting only a1 keeps the group locked (a2 in flight).
	e.del(url, *first[0].ReceiptHandle)
	if got := bodies(e.receive(url, 10)); len(got) != 0 {
		t.Fatalf("group a still has a2 in flight, got %v", got)
	}
	e.del(url, *first[1].ReceiptHandle)
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"a3"}) {
		t.Fatalf("after deleting a1 a2: %v", got)
	}
	// When the visibility timeout of b expires, b1 comes back first.
	e.advance(30 * time.Second)
	got := e.receive(url, 10)
	if !slices.Equal(bodies(got), []string{"b1", "b2", "a3", "c1"}) {
		t.Fatalf("after the timeout: %v", bodies(got))
	}
	for _, m := range got {
		if m.Attributes["ApproximateReceiveCount"] != "2" {
			t.Errorf("%s received %s times", *m.Body, m.Attributes["ApproximateReceiveCount"])
		}
	}
}

func TestFIFOVisibilityZeroUnlocksInOrder(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("zero.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for i := range 3 {
		e.sendFIFO(url, fmt.Sprint("m", i), "g", "")
	}
	ms := e.receive(url, 1)
	if _, err := e.c.ChangeMessageVisibility(e.ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: ms[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"m0", "m1", "m2"}) {
		t.Fatalf("after releasing m0: %v", got)
	}
}

func TestFIFOAttributesAndSequenceNumbers(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("seq.fifo", nil)
	a := e.sendFIFO(url, "one", "g1", "d1")
	b := e.sendFIFO(url, "two", "g2", "d2")
	if len(*a.SequenceNumber) != 20 || (*a.SequenceNumber)[0] == '0' || *b.SequenceNumber <= *a.SequenceNumber {
		t.Fatalf("sequence numbers %s, %s", *a.SequenceNumber, *b.SequenceNumber)
	}
	ms := e.receive(url, 10)
	if len(ms) != 2 {
		t.Fatalf("received %v", bodies(ms))
	}
	at := ms[0].Attributes
	if at["MessageGroupId"] != "g1" || at["MessageDeduplicationId"] != "d1" || at["SequenceNumber"] != *a.SequenceNumber {
		t.Fatalf("attributes = %v", at)
	}
}

func TestFIFOSendErrors(t *testing.T) {
	e := newEnv(t)
	url := aws.String(e.createFIFO("errs.fifo", nil))
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter MessageGroupId.")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageGroupId: aws.String("g")})
	wantErr(t, err, "InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageGroupId: aws.String("g"),
		MessageDeduplicationId: aws.String("d"), DelaySeconds: 60})
	wantErr(t, err, "InvalidParameterValue", "Value 60 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"), MessageGroupId: aws.String("g g"), MessageDeduplicationId: aws.String("d")})
	wantErr(t, err, "InvalidParameterValue", "Value g g for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	_, err = e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")}}})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter MessageGroupId.")
}

func TestFIFODeduplication(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("dedup.fifo", nil)
	first := e.sendFIFO(url, "Test message 1", "g", "same")
	dup := e.sendFIFO(url, "another message", "g", "same")
	if *dup.MessageId != *first.MessageId || *dup.SequenceNumber != *first.SequenceNumber {
		t.Fatalf("duplicate got %s/%s, original %s/%s", *dup.MessageId, *dup.SequenceNumber, *first.MessageId, *first.SequenceNumber)
	}
	if *dup.MD5OfMessageBody != "80d402c39512ac39d7e8e79e2cfa935e" {
		t.Fatalf("duplicate MD5OfMessageBody %s (must be of its own body)", *dup.MD5OfMessageBody)
	}
	// The window counts from the first send, and survives deletion.
	ms := e.receive(url, 10)
	if len(ms) != 1 {
		t.Fatalf("received %v", bodies(ms))
	}
	e.del(url, *ms[0].ReceiptHandle)
	e.advance(4 * time.Minute)
	e.sendFIFO(url, "again", "g", "same")
	if ms := e.receive(url, 10); len(ms) != 0 {
		t.Fatalf("duplicate delivered inside the window: %v", bodies(ms))
	}
	e.advance(time.Minute)
	fresh := e.sendFIFO(url, "after window", "g", "same")
	if *fresh.MessageId == *first.MessageId {
		t.Fatal("deduplicated after the 5-minute window")
	}
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"after window"}) {
		t.Fatalf("after the window: %v", got)
	}
}

func TestFIFOContentBasedDeduplicationAndScope(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("cbd.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	a := e.sendFIFO(url, "body", "g1", "")
	b := e.sendFIFO(url, "body", "g2", "")
	if *a.MessageId != *b.MessageId {
		t.Fatal("queue scope: same body in another group was not deduplicated")
	}
	ms := e.receive(url, 10)
	if len(ms) != 1 || len(ms[0].Attributes["MessageDeduplicationId"]) != 64 {
		t.Fatalf("received %+v", ms)
	}
	grp := e.createFIFO("scope.fifo", map[string]string{"ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
	a = e.sendFIFO(grp, "body", "g1", "")
	b = e.sendFIFO(grp, "body", "g2", "")
	c := e.sendFIFO(grp, "body", "g1", "")
	if *a.MessageId == *b.MessageId || *a.MessageId != *c.MessageId {
		t.Fatal("message group scope not honoured")
	}
	if n := len(e.receive(grp, 10)); n != 2 {
		t.Fatalf("received %d, want 2", n)
	}
}

func TestFIFODeduplicationInBatch(t *testing.T) {
	e := newEnv(t)
	url := aws.String(e.createFIFO("batchdedup.fifo", nil))
	out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("a"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("x")},
		{Id: aws.String("2"), MessageBody: aws.String("b"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("x")},
		{Id: aws.String("3"), MessageBody: aws.String("c"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("y")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 3 || *out.Successful[0].MessageId != *out.Successful[1].MessageId {
		t.Fatalf("batch = %+v", out.Successful)
	}
	if got := bodies(e.receive(*url, 10)); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("received %v", got)
	}
}

func TestFIFODeleteWithExpiredHandle(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("expired.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "5"})
	e.sendFIFO(url, "x", "g", "")
	m := e.receive(url, 1)[0]
	e.advance(5 * time.Second)
	_, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
	wantErr(t, err, "InvalidParameterValue", "Value "+*m.ReceiptHandle+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
	m2 := e.receive(url, 1)[0]
	_, err = e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
	wantErr(t, err, "InvalidParameterValue", "")
	e.del(url, *m2.ReceiptHandle)
	e.del(url, *m2.ReceiptHandle) // already deleted: fine
}

func TestFIFOReceiveRequestAttemptID(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("attempt.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for i := range 4 {
		e.sendFIFO(url, fmt.Sprint("m", i), "g", "")
	}
	recv := func(id string) []types.Message {
		return e.receive(url, 2, func(in *sqs.ReceiveMessageInput) { in.ReceiveRequestAttemptId = aws.String(id) })
	}
	first := recv("attempt-1")
	retry := recv("attempt-1")
	if !slices.Equal(bodies(first), []string{"m0", "m1"}) || !slices.Equal(bodies(retry), bodies(first)) {
		t.Fatalf("first %v, retry %v", bodies(first), bodies(retry))
	}
	for i := range first {
		if *first[i].ReceiptHandle != *retry[i].ReceiptHandle {
			t.Fatal("retry returned different receipt handles")
		}
	}
	// A retry resets the visibility timeout.
	e.advance(20 * time.Second)
	recv("attempt-1")
	e.advance(20 * time.Second)
	if got := bodies(recv("attempt-2")); len(got) != 0 {
		t.Fatalf("group should still be locked, got %v", got)
	}
	e.del(url, *first[0].ReceiptHandle)
	e.del(url, *first[1].ReceiptHandle)
	if got := bodies(recv("attempt-3")); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Fatalf("next attempt: %v", got)
	}
	// After five minutes an attempt ID is a new attempt.
	e.advance(6 * time.Minute)
	if got := bodies(recv("attempt-1")); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Fatalf("expired attempt id: %v", got)
	}
}

func TestFIFODelayIsQueueWide(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("delay.fifo", map[string]string{"ContentBasedDeduplication": "true", "DelaySeconds": "10"})
	e.sendFIFO(url, "a", "g", "")
	if got := e.receive(url, 1); len(got) != 0 {
		t.Fatal("visible during the queue delay")
	}
	e.advance(10 * time.Second)
	if got := bodies(e.receive(url, 1)); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("after delay: %v", got)
	}
}
