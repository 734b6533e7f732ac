package sqs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func sendEntries(n int) []types.SendMessageBatchRequestEntry {
	var es []types.SendMessageBatchRequestEntry
	for i := range n {
		es = append(es, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint("id-", i)), MessageBody: aws.String(fmt.Sprint("m", i))})
	}
	return es
}

func TestSendMessageBatch(t *testing.T) {
	e := newEnv(t)
	url := aws.String(e.createQueue("batch", map[string]string{"MaximumMessageSize": "1024", "VisibilityTimeout": "120"}))
	entries := sendEntries(3)
	entries[1].MessageBody = aws.String(strings.Repeat("x", 1025))
	entries[2].MessageAttributes = map[string]types.MessageAttributeValue{"n": strAttr("Number", "7")}
	entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String("bad-chars"), MessageBody: aws.String("\x00")},
		types.SendMessageBatchRequestEntry{Id: aws.String("empty"), MessageBody: aws.String("")},
		types.SendMessageBatchRequestEntry{Id: aws.String("delayed"), MessageBody: aws.String("later"), DelaySeconds: 30})
	out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	var ok []string
	for _, s := range out.Successful {
		ok = append(ok, *s.Id)
		if *s.Id == "id-2" && aws.ToString(s.MD5OfMessageAttributes) != attrMD5(entries[2].MessageAttributes) {
			t.Errorf("MD5OfMessageAttributes = %s", aws.ToString(s.MD5OfMessageAttributes))
		}
	}
	if !slices.Equal(ok, []string{"id-0", "id-2", "delayed"}) {
		t.Errorf("successful = %v", ok)
	}
	failed := map[string]types.BatchResultErrorEntry{}
	for _, f := range out.Failed {
		failed[*f.Id] = f
		if !f.SenderFault {
			t.Errorf("%s: SenderFault false", *f.Id)
		}
	}
	check := func(id, code, msg string) {
		t.Helper()
		f, found := failed[id]
		if !found || aws.ToString(f.Code) != code || aws.ToString(f.Message) != msg {
			t.Errorf("failure of %s = %+v (code %s, message %q), want %s %q", id, f, aws.ToString(f.Code), aws.ToString(f.Message), code, msg)
		}
	}
	check("id-1", "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
	check("bad-chars", "InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	check("empty", "MissingParameter", "The request must contain the parameter SendMessageBatchRequestEntry.5.MessageBody.")
	if got := bodies(e.receive(*url, 10)); !slices.Equal(got, []string{"m0", "m2"}) {
		t.Errorf("received %v", got)
	}
	e.advance(30 * time.Second)
	if got := bodies(e.receive(*url, 10)); !slices.Equal(got, []string{"later"}) {
		t.Errorf("received after delay %v", got)
	}
}

func TestBatchRequestErrors(t *testing.T) {
	e := newEnv(t)
	url := aws.String(e.createQueue("batcherr", nil))
	send := func(es []types.SendMessageBatchRequestEntry) error {
		_, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: es})
		return err
	}
	wantErr(t, send([]types.SendMessageBatchRequestEntry{}), "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.")
	wantErr(t, send(sendEntries(11)), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11.")
	dup := sendEntries(2)
	dup[1].Id = dup[0].Id
	wantErr(t, send(dup), "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id id-0 repeated.")
	bad := sendEntries(1)
	bad[0].Id = aws.String("é")
	wantErr(t, send(bad), "AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
	bad[0].Id = aws.String(strings.Repeat("a", 81))
	wantErr(t, send(bad), "AWS.SimpleQueueService.InvalidBatchEntryId", "")
	long := sendEntries(2)
	long[0].MessageBody = aws.String(strings.Repeat("a", 524288))
	long[1].MessageBody = aws.String(strings.Repeat("b", 524289))
	wantErr(t, send(long), "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.")

	_, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: []types.DeleteMessageBatchRequestEntry{}})
	wantErr(t, err, "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one DeleteMessageBatchRequestEntry in the request.")
	_, err = e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: url, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{}})
	wantErr(t, err, "AWS.SimpleQueueService.EmptyBatchRequest", "")
	var many []types.DeleteMessageBatchRequestEntry
	for i := range 11 {
		many = append(many, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: aws.String("h")})
	}
	_, err = e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: many})
	wantErr(t, err, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11.")
}

func TestDeleteAndVisibilityBatches(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("batchops", nil)
	if _, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: sendEntries(4)}); err != nil {
		t.Fatal(err)
	}
	ms := e.receive(url, 10)
	if len(ms) != 4 {
		t.Fatalf("received %d", len(ms))
	}
	cv, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: ms[0].ReceiptHandle, VisibilityTimeout: 0},
		{Id: aws.String("b"), ReceiptHandle: ms[1].ReceiptHandle, VisibilityTimeout: 300},
		{Id: aws.String("c"), ReceiptHandle: aws.String("dummy"), VisibilityTimeout: 5},
		{Id: aws.String("d"), ReceiptHandle: ms[2].ReceiptHandle, VisibilityTimeout: -20},
		{Id: aws.String("e"), ReceiptHandle: aws.String(" "), VisibilityTimeout: 5},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Successful) != 2 || *cv.Successful[0].Id != "a" || *cv.Successful[1].Id != "b" {
		t.Errorf("successful = %+v", cv.Successful)
	}
	want := map[string][2]string{
		"c": {"ReceiptHandleIsInvalid", `The input receipt handle "dummy" is not a valid receipt handle.`},
		"d": {"InvalidParameterValue", "Value -20 for parameter VisibilityTimeout is invalid. Reason: VisibilityTimeout must be an integer between 0 and 43200."},
		"e": {"MissingParameter", "The request must contain the parameter ReceiptHandle."},
	}
	if len(cv.Failed) != len(want) {
		t.Errorf("failed = %+v", cv.Failed)
	}
	for _, f := range cv.Failed {
		if w := want[*f.Id]; *f.Code != w[0] || *f.Message != w[1] || !f.SenderFault {
			t.Errorf("failure %s = %s %q", *f.Id, *f.Code, *f.Message)
		}
	}
	// "a" is visible again; the others stay in flight.
	again := e.receive(url, 10)
	if len(again) != 1 || *again[0].MessageId != *ms[0].MessageId {
		t.Fatalf("after visibility batch: %v", bodies(again))
	}
	e.advance(31 * time.Second) // ms[2], ms[3] come back; ms[1] has 300 s
	back := e.receive(url, 10)
	if len(back) != 3 {
		t.Fatalf("after 31 s: %v", bodies(back))
	}
	var entries []types.DeleteMessageBatchRequestEntry
	for i, m := range back {
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint("d", i)), ReceiptHandle: m.ReceiptHandle})
	}
	entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String("bad"), ReceiptHandle: aws.String("dummy-receiptHandle")})
	del, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Successful) != 3 || len(del.Failed) != 1 || *del.Failed[0].Code != "ReceiptHandleIsInvalid" ||
		*del.Failed[0].Message != `The input receipt handle "dummy-receiptHandle" is not a valid receipt handle.` {
		t.Fatalf("delete batch = %+v", del)
	}
	e.advance(300 * time.Second)
	if last := e.receive(url, 10); len(last) != 1 || *last[0].MessageId != *ms[1].MessageId {
		t.Fatalf("remaining = %v", bodies(last))
	}
}

func TestChangeMessageVisibility(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("cmv", nil)
	e.send(url, "x")
	m := e.receive(url, 1)[0]
	change := func(h string, vt int32) error {
		_, err := e.c.ChangeMessageVisibility(e.ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(h), VisibilityTimeout: vt})
		return err
	}
	if err := change(*m.ReceiptHandle, 100); err != nil {
		t.Fatal(err)
	}
	e.advance(99 * time.Second)
	if ms := e.receive(url, 1); len(ms) != 0 {
		t.Fatal("visible before the extended timeout")
	}
	// The 12-hour limit counts from the receive.
	wantErr(t, change(*m.ReceiptHandle, 43200), "InvalidParameterValue",
		"Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
	if err := change(*m.ReceiptHandle, 43200-99); err != nil {
		t.Fatalf("up to the limit: %v", err)
	}
	if err := change(*m.ReceiptHandle, 0); err != nil {
		t.Fatal(err)
	}
	wantErr(t, change(*m.ReceiptHandle, 10), "AWS.SimpleQueueService.MessageNotInflight", "")
	m2 := e.receive(url, 1)[0]
	// The handle of the earlier receive no longer controls the message.
	wantErr(t, change(*m.ReceiptHandle, 10), "InvalidParameterValue",
		"Value "+*m.ReceiptHandle+" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
	e.del(url, *m2.ReceiptHandle)
	wantErr(t, change(*m2.ReceiptHandle, 10), "InvalidParameterValue",
		"Value "+*m2.ReceiptHandle+" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
	wantErr(t, change("45234sdsqdZER/qsqd", 10), "ReceiptHandleIsInvalid", `The input receipt handle "45234sdsqdZER/qsqd" is not a valid receipt handle.`)
	wantErr(t, change(*m2.ReceiptHandle, 43201), "InvalidParameterValue", "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.")
	// A handle of another queue is not valid here.
	other := e.createQueue("cmv-other", nil)
	e.send(other, "y")
	om := e.receive(other, 1)[0]
	wantErr(t, change(*om.ReceiptHandle, 10), "ReceiptHandleIsInvalid", "")
}

func TestDeleteMessageSemantics(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("delsem", map[string]string{"VisibilityTimeout": "5"})
	e.send(url, "x")
	first := e.receive(url, 1)[0]
	e.del(url, *first.ReceiptHandle)
	// Deleting again, or with a handle of a deleted message, succeeds.
	e.del(url, *first.ReceiptHandle)
	_, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("invalid-receipt-id")})
	wantErr(t, err, "ReceiptHandleIsInvalid", `The input receipt handle "invalid-receipt-id" is not a valid receipt handle.`)
	_, err = e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("")})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter ReceiptHandle.")
}

// TestStaleReceiptHandleDeletesStandardMessage documents an assumption:
// on a standard queue, DeleteMessage with the receipt handle of an earlier
// receive still deletes a message that has been received again (what SQS
// does in practice, though its documentation asks for the latest handle).
func TestStaleReceiptHandleDeletesStandardMessage(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("stale", map[string]string{"VisibilityTimeout": "5"})
	e.send(url, "x")
	first := e.receive(url, 1)[0]
	e.advance(5 * time.Second)
	second := e.receive(url, 1)
	if len(second) != 1 {
		t.Fatal("not received again")
	}
	e.del(url, *first.ReceiptHandle)
	e.advance(5 * time.Second)
	if ms := e.receive(url, 1); len(ms) != 0 {
		t.Fatalf("message survived a delete with the earlier handle")
	}
}
