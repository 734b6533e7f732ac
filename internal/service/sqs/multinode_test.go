package sqs

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

// TestTwoNodesShareAStore runs two services on one store, as two hako
// nodes sharing a database would: on the same clock their sequence
// generators collide, and no message may be lost to that.
func TestTwoNodesShareAStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	a, err := New(ctx, Config{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(ctx, Config{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out, err := a.CreateQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr("shared")})
	if err != nil {
		t.Fatal(err)
	}
	fifo, err := a.CreateQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr("shared.fifo"), Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	for i := range n {
		for _, svc := range []*Service{a, b} {
			body := fmt.Sprint(i)
			if _, err := svc.SendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: out.QueueUrl, MessageBody: &body}); err != nil {
				t.Fatal(err)
			}
			entries := []sqsapi.SendMessageBatchRequestEntry{{Id: ptr("x"), MessageBody: &body, MessageGroupId: ptr("g"), MessageDeduplicationId: ptr(fmt.Sprintf("%p-%d", svc, i))}}
			if r, err := svc.SendMessageBatch(ctx, &sqsapi.SendMessageBatchRequest{QueueUrl: fifo.QueueUrl, Entries: entries}); err != nil || len(r.Failed) > 0 {
				t.Fatal(err, r)
			}
		}
	}
	for _, u := range []*string{out.QueueUrl, fifo.QueueUrl} {
		got := 0
		for {
			r, err := b.ReceiveMessage(ctx, &sqsapi.ReceiveMessageRequest{QueueUrl: u, MaxNumberOfMessages: ptr(int32(10)), VisibilityTimeout: ptr(int32(600))})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Messages) == 0 {
				break
			}
			got += len(r.Messages)
			for _, m := range r.Messages {
				if err := a.DeleteMessage(ctx, &sqsapi.DeleteMessageRequest{QueueUrl: u, ReceiptHandle: m.ReceiptHandle}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got != 2*n {
			t.Errorf("%s: received %d of %d messages", *u, got, 2*n)
		}
	}
	// Attribute changes made on one node reach the other at its next sweep.
	if err := a.SetQueueAttributes(ctx, &sqsapi.SetQueueAttributesRequest{QueueUrl: out.QueueUrl, Attributes: map[string]string{"VisibilityTimeout": "99"}}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if err := b.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.GetQueueAttributes(ctx, &sqsapi.GetQueueAttributesRequest{QueueUrl: out.QueueUrl, AttributeNames: []string{"VisibilityTimeout"}})
	if err != nil || r.Attributes["VisibilityTimeout"] != "99" {
		t.Fatalf("node b sees %v, %v", r, err)
	}
	if err := a.DeleteQueue(ctx, &sqsapi.DeleteQueueRequest{QueueUrl: out.QueueUrl}); err != nil {
		t.Fatal(err)
	}
	if err := b.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	body := "x"
	if _, err := b.SendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: out.QueueUrl, MessageBody: &body}); err == nil {
		t.Fatal("node b still sends to a queue node a deleted")
	}
}
