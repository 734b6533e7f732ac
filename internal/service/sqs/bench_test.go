package sqs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

func benchService(b *testing.B) *Service {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(ctx, Config{Store: st, Clock: clock.Real()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); st.Close() })
	return s
}

// BenchmarkSendMessageParallel measures durable sends below the HTTP layer.
func BenchmarkSendMessageParallel(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	out, err := s.CreateQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr("bench")})
	if err != nil {
		b.Fatal(err)
	}
	body := "hello benchmark message body of moderate length, about a hundred bytes long, give or take a few."
	b.SetParallelism(32)
	b.ResetTimer()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.SendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: out.QueueUrl, MessageBody: &body}); err != nil {
				b.Error(err)
				return
			}
			n.Add(1)
		}
	})
}

// BenchmarkReceiveDelete measures a receive of one message and its delete.
func BenchmarkReceiveDelete(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	out, _ := s.CreateQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr("bench")})
	body := "x"
	for range b.N {
		s.SendMessage(ctx, &sqsapi.SendMessageRequest{QueueUrl: out.QueueUrl, MessageBody: &body})
	}
	b.ResetTimer()
	for range b.N {
		r, err := s.ReceiveMessage(ctx, &sqsapi.ReceiveMessageRequest{QueueUrl: out.QueueUrl})
		if err != nil || len(r.Messages) != 1 {
			b.Fatal(err)
		}
		if err := s.DeleteMessage(ctx, &sqsapi.DeleteMessageRequest{QueueUrl: out.QueueUrl, ReceiptHandle: r.Messages[0].ReceiptHandle}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendMessageBatch measures batches of ten durable sends.
func BenchmarkSendMessageBatch(b *testing.B) {
	s := benchService(b)
	ctx := context.Background()
	out, _ := s.CreateQueue(ctx, &sqsapi.CreateQueueRequest{QueueName: ptr("bench")})
	var entries []sqsapi.SendMessageBatchRequestEntry
	for i := range 10 {
		entries = append(entries, sqsapi.SendMessageBatchRequestEntry{Id: ptr(string(rune('a' + i))), MessageBody: ptr("a message body of some length")})
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := s.SendMessageBatch(ctx, &sqsapi.SendMessageBatchRequest{QueueUrl: out.QueueUrl, Entries: entries})
			if err != nil || len(r.Successful) != 10 {
				b.Error(err)
				return
			}
		}
	})
}
