package sqs_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Two long polls wait; two delayed messages become visible at different
// times. Each poll must get one as soon as it is visible: the receiver
// woken for the first must arm the wake-up for the second.
func TestLongPollsWokenForEachDelayedMessage(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-delays", nil)
	a := e.poll(e.ctx, url, 20)
	b := e.poll(e.ctx, url, 20)
	time.Sleep(200 * time.Millisecond)
	for _, d := range []int32{2, 4} {
		if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("after-" + string(rune('0'+d))), DelaySeconds: d}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	e.advance(2100 * time.Millisecond)
	first := awaitEither(t, a, b, 5*time.Second)
	if first.err != nil || !slices.Equal(bodies(first.msgs), []string{"after-2"}) {
		t.Fatalf("first poll = %v, %v", bodies(first.msgs), first.err)
	}
	time.Sleep(100 * time.Millisecond)
	e.advance(2 * time.Second)
	second := awaitEither(t, a, b, 5*time.Second)
	if second.err != nil || !slices.Equal(bodies(second.msgs), []string{"after-4"}) {
		t.Fatalf("second poll = %v, %v", bodies(second.msgs), second.err)
	}
}

func awaitEither(t *testing.T, a, b <-chan pollResult, within time.Duration) pollResult {
	t.Helper()
	select {
	case r := <-a:
		return r
	case r := <-b:
		return r
	case <-time.After(within):
		t.Fatalf("no long poll returned within %v", within)
	}
	return pollResult{}
}

// A FIFO group with a message in flight and many messages behind it must
// not hide the other groups from receivers.
func TestFIFOBlockedLongGroupDoesNotStarveOthers(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("starve.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	entries := make([]string, 0, 1200)
	for i := 0; i < 1200; i++ {
		entries = append(entries, "busy-"+itoa(i))
	}
	for i := 0; i < len(entries); i += 10 {
		batch := &sqs.SendMessageBatchInput{QueueUrl: aws.String(url)}
		for j, body := range entries[i : i+10] {
			batch.Entries = append(batch.Entries, sqsBatchEntry(itoa(j), body, "busy"))
		}
		if out, err := e.c.SendMessageBatch(e.ctx, batch); err != nil || len(out.Failed) > 0 {
			t.Fatalf("send batch: %v %v", err, out)
		}
	}
	e.sendFIFO(url, "other-1", "other", "o1")
	// Take the head of the busy group: the group is now locked.
	got := e.receive(url, 1)
	if len(got) != 1 || aws.ToString(got[0].Body) != "busy-0" {
		t.Fatalf("first receive = %v", bodies(got))
	}
	got = e.receive(url, 10)
	if !slices.Equal(bodies(got), []string{"other-1"}) {
		t.Fatalf("second receive = %v, want the other group's message", bodies(got))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func sqsBatchEntry(id, body, group string) types.SendMessageBatchRequestEntry {
	return types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String(body), MessageGroupId: aws.String(group)}
}
