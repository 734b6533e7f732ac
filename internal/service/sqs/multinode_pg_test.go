package sqs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// TestMultiNodePostgres runs two hako nodes on one PostgreSQL schema:
// what one node commits reaches the other through store notifications,
// without waiting for timers or the sweeper. Skipped when PostgreSQL is
// not reachable, except in CI.
func TestMultiNodePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	url := storetest.PostgresURL(t)
	a := hakotest.Start(t, hakotest.WithStore(url)).SQS()
	b := hakotest.Start(t, hakotest.WithStore(url)).SQS()
	ctx := context.Background()

	create := func(name string, attrs map[string]string) string {
		t.Helper()
		out, err := a.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
		if err != nil {
			t.Fatalf("CreateQueue %s: %v", name, err)
		}
		return *out.QueueUrl
	}
	send := func(c *sqs.Client, url, body string) {
		t.Helper()
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
	}
	type result struct {
		msgs []types.Message
		err  error
		at   time.Time
	}
	// longPoll starts a 20-second long poll on node b and returns once it
	// is (very probably) blocked.
	longPoll := func(url string) <-chan result {
		ch := make(chan result, 1)
		go func() {
			out, err := b.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20, MaxNumberOfMessages: 10})
			r := result{err: err, at: time.Now()}
			if out != nil {
				r.msgs = out.Messages
			}
			ch <- r
		}()
		time.Sleep(300 * time.Millisecond)
		return ch
	}
	wait := func(ch <-chan result, since time.Time, what string) result {
		t.Helper()
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatalf("%s: ReceiveMessage: %v", what, r.err)
			}
			if d := r.at.Sub(since); d > time.Second {
				t.Errorf("%s: long poll on node b returned %v after the change on node a, want < 1s", what, d)
			}
			return r
		case <-time.After(25 * time.Second):
			t.Fatalf("%s: long poll on node b did not return", what)
		}
		panic("unreachable")
	}
	// eventually retries f for up to 2 s (notifications are asynchronous,
	// though they take milliseconds).
	eventually := func(what string, f func() bool) {
		t.Helper()
		start := time.Now()
		for !f() {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("%s: not seen on node b after 2s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Logf("%s: seen on node b after %v", what, time.Since(start))
	}

	// A long poll on b is woken by a send on a.
	u := create("mn", map[string]string{"VisibilityTimeout": "600"})
	ch := longPoll(u)
	sent := time.Now()
	send(a, u, "hello")
	if r := wait(ch, sent, "send"); len(r.msgs) != 1 || aws.ToString(r.msgs[0].Body) != "hello" {
		t.Fatalf("send: node b received %v", r.msgs)
	}

	// ... and by a visibility change to 0 on a.
	send(a, u, "again")
	got, err := a.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)})
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("receive on a: %v %v", got, err)
	}
	ch = longPoll(u)
	changed := time.Now()
	if _, err := a.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(u), ReceiptHandle: got.Messages[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if r := wait(ch, changed, "visibility 0"); len(r.msgs) != 1 || aws.ToString(r.msgs[0].Body) != "again" {
		t.Fatalf("visibility 0: node b received %v", r.msgs)
	}

	// A VisibilityTimeout set on a applies on b.
	if _, err := a.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(u), Attributes: map[string]string{"VisibilityTimeout": "1"}}); err != nil {
		t.Fatal(err)
	}
	eventually("VisibilityTimeout=1", func() bool {
		out, err := b.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u), AttributeNames: []types.QueueAttributeName{"VisibilityTimeout"}})
		return err == nil && out.Attributes["VisibilityTimeout"] == "1"
	})
	send(a, u, "short")
	recv := func() []types.Message {
		t.Helper()
		out, err := b.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	if ms := recv(); len(ms) != 1 || aws.ToString(ms[0].Body) != "short" {
		t.Fatalf("receive on b: %v", ms)
	}
	time.Sleep(1200 * time.Millisecond)
	if ms := recv(); len(ms) != 1 || aws.ToString(ms[0].Body) != "short" {
		t.Fatalf("receive on b after 1.2s: %v, want the message back (VisibilityTimeout 1 from node a)", ms)
	}

	// A queue deleted on a is gone on b, and b's long polls on it end.
	ch = longPoll(u)
	deleted := time.Now()
	if _, err := a.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(u)}); err != nil {
		t.Fatal(err)
	}
	if r := wait(ch, deleted, "delete"); len(r.msgs) != 0 {
		t.Fatalf("long poll on a deleted queue received %v", r.msgs)
	}
	eventually("DeleteQueue", func() bool {
		_, err := b.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String("x")})
		var nq *types.QueueDoesNotExist
		return errors.As(err, &nq)
	})
	if _, err := b.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u)}); err == nil {
		t.Fatal("GetQueueAttributes on node b succeeds for a queue deleted on node a")
	}
}
