package sqs_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

type pollResult struct {
	msgs []types.Message
	err  error
	took time.Duration
}

// poll starts a long poll and returns the channel of its outcome.
func (e *env) poll(ctx context.Context, url string, wait int32, opt ...func(*sqs.ReceiveMessageInput)) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: wait, MaxNumberOfMessages: 10}
		for _, o := range opt {
			o(in)
		}
		start := time.Now()
		out, err := e.c.ReceiveMessage(ctx, in)
		r := pollResult{err: err, took: time.Since(start)}
		if out != nil {
			r.msgs = out.Messages
		}
		ch <- r
	}()
	return ch
}

func await(t *testing.T, ch <-chan pollResult, within time.Duration) pollResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(within):
		t.Fatalf("long poll did not return within %v", within)
	}
	return pollResult{}
}

func pending(ch <-chan pollResult) bool {
	select {
	case r := <-ch:
		_ = r
		return false
	case <-time.After(50 * time.Millisecond):
		return true
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-send", nil)
	ch := e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	if !pending(ch) {
		t.Fatal("long poll on an empty queue returned at once")
	}
	sentAt := time.Now()
	e.send(url, "wake")
	r := await(t, ch, 5*time.Second)
	latency := time.Since(sentAt)
	if r.err != nil || !slices.Equal(bodies(r.msgs), []string{"wake"}) {
		t.Fatalf("long poll = %v, %v", bodies(r.msgs), r.err)
	}
	if latency > 500*time.Millisecond {
		t.Fatalf("long poll returned %v after the send", latency)
	}
	t.Logf("wake-up latency %v", latency)
}

func TestLongPollQueueDefaultWait(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-default", map[string]string{"ReceiveMessageWaitTimeSeconds": "20"})
	ch := e.poll(e.ctx, url, 0) // WaitTimeSeconds 0 is not sent: the queue's default applies
	time.Sleep(100 * time.Millisecond)
	if !pending(ch) {
		t.Fatal("the queue's ReceiveMessageWaitTimeSeconds was not applied")
	}
	e.send(url, "x")
	if r := await(t, ch, 5*time.Second); len(r.msgs) != 1 {
		t.Fatalf("got %v, %v", bodies(r.msgs), r.err)
	}
}

func TestLongPollWakesOnDelayAndVisibility(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-time", map[string]string{"VisibilityTimeout": "10"})
	ch := e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("delayed"), DelaySeconds: 5}); err != nil {
		t.Fatal(err)
	}
	if !pending(ch) {
		t.Fatal("delayed message woke the poll early")
	}
	e.advance(5 * time.Second)
	r := await(t, ch, 5*time.Second)
	if !slices.Equal(bodies(r.msgs), []string{"delayed"}) {
		t.Fatalf("after the delay: %v, %v", bodies(r.msgs), r.err)
	}
	// In flight for 10 s: a new poll wakes when the visibility timeout ends.
	ch = e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	if !pending(ch) {
		t.Fatal("in-flight message returned")
	}
	e.advance(10 * time.Second)
	r = await(t, ch, 5*time.Second)
	if len(r.msgs) != 1 || r.msgs[0].Attributes != nil {
		t.Fatalf("after the visibility timeout: %+v, %v", r.msgs, r.err)
	}
}

func TestLongPollTimesOut(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-timeout", nil)
	ch := e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	e.advance(19 * time.Second)
	if !pending(ch) {
		t.Fatal("returned before the wait time")
	}
	e.advance(time.Second)
	r := await(t, ch, 5*time.Second)
	if r.err != nil || len(r.msgs) != 0 {
		t.Fatalf("timeout result: %v, %v", bodies(r.msgs), r.err)
	}
}

func TestLongPollHonoursCancellation(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-cancel", nil)
	ctx, cancel := context.WithCancel(e.ctx)
	ch := e.poll(ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	cancel()
	r := await(t, ch, 5*time.Second)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("err = %v", r.err)
	}
	// The abandoned poll does not swallow a message.
	e.send(url, "kept")
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"kept"}) {
		t.Fatalf("received %v", got)
	}
}

func TestLongPollFIFOGroupRelease(t *testing.T) {
	e := newEnv(t)
	url := e.createFIFO("lp.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	e.sendFIFO(url, "a1", "a", "")
	e.sendFIFO(url, "a2", "a", "")
	first := e.receive(url, 1)
	ch := e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	if !pending(ch) {
		t.Fatal("group locked, yet the poll returned")
	}
	e.del(url, *first[0].ReceiptHandle)
	r := await(t, ch, 5*time.Second)
	if !slices.Equal(bodies(r.msgs), []string{"a2"}) {
		t.Fatalf("after the delete: %v, %v", bodies(r.msgs), r.err)
	}
}

func TestLongPollManyWaitersOneMessage(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-many", nil)
	const n = 20
	var chans []<-chan pollResult
	for range n {
		chans = append(chans, e.poll(e.ctx, url, 20))
	}
	time.Sleep(200 * time.Millisecond)
	e.send(url, "only")
	deadline := time.After(5 * time.Second)
	got := 0
	for got == 0 {
		for _, ch := range chans {
			select {
			case r := <-ch:
				got += len(r.msgs)
			default:
			}
		}
		select {
		case <-deadline:
			t.Fatal("no poller got the message")
		case <-time.After(10 * time.Millisecond):
		}
	}
	e.advance(21 * time.Second)
	for range 2 * time.Second / (10 * time.Millisecond) {
		for _, ch := range chans {
			select {
			case r := <-ch:
				got += len(r.msgs)
			default:
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got != 1 {
		t.Fatalf("the message was delivered %d times", got)
	}
}

// TestThousandsOfIdleLongPolls parks 2000 long polls on one queue and
// checks that they cost little, that a message wakes exactly one of them
// at once, and that they all end at their wait time.
func TestThousandsOfIdleLongPolls(t *testing.T) {
	if testing.Short() {
		t.Skip("2000 connections")
	}
	e := newEnv(t)
	url := e.createQueue("lp-2000", nil)
	const n = 2000
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
	defer tr.CloseIdleConnections()
	client := sqs.NewFromConfig(e.srv.AWSConfig(), func(o *sqs.Options) { o.HTTPClient = &http.Client{Transport: tr, Timeout: time.Minute} })

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()

	var done, got atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := client.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
			if err != nil {
				t.Error(err)
			} else {
				got.Add(int64(len(out.Messages)))
			}
			done.Add(1)
		}()
	}
	// Wait until the server holds them all (each costs a few goroutines).
	waitFor(t, func() bool { return runtime.NumGoroutine()-g0 >= 3*n })
	// A write queued behind the polls' first (empty) receives tells that
	// they have been processed and the polls are parked.
	probe := e.createQueue("lp-probe", nil)
	e.send(probe, "probe")
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	perPoll := (int64(during.HeapInuse) - int64(before.HeapInuse)) / n
	goroutines := (runtime.NumGoroutine() - g0) / n
	t.Logf("per idle long poll (client and server together): %d goroutines, %d bytes of heap", goroutines, perPoll)
	if goroutines > 8 || perPoll > 64<<10 {
		t.Errorf("idle long polls are too expensive: %d goroutines, %d heap bytes each", goroutines, perPoll)
	}
	if d := done.Load(); d != 0 {
		t.Fatalf("%d polls returned early", d)
	}
	start := time.Now()
	e.send(url, "one")
	waitFor(t, func() bool { return got.Load() == 1 })
	if lat := time.Since(start); lat > time.Second && !raceEnabled {
		t.Errorf("message reached a poller after %v", lat)
	}
	e.advance(20 * time.Second)
	wg.Wait()
	if got.Load() != 1 || done.Load() != n {
		t.Fatalf("got %d messages, %d polls ended", got.Load(), done.Load())
	}
}

func TestLongPollEndsOnShutdown(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("lp-shutdown", nil)
	ch := e.poll(e.ctx, url, 20)
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	e.srv.Restart(t)
	r := await(t, ch, 10*time.Second)
	if r.err != nil || len(r.msgs) != 0 {
		t.Fatalf("poll across shutdown: %v, %v", bodies(r.msgs), r.err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %v with a long poll open", d)
	}
	// Serve once more before the test ends (a request proves the restarted
	// server is serving before cleanup shuts it down).
	e.send(url, "after restart")
}
