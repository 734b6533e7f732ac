package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/store"
	"github.com/hako-dev/hako/internal/store/storetest"
)

type recorder struct {
	mu   sync.Mutex
	got  []string
	fail map[string]int // payload -> failures left
	perm map[string]bool
}

func (r *recorder) handle(ctx context.Context, d *Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := string(d.Payload)
	if r.perm[p] {
		return Permanent(errors.New("gone"))
	}
	if r.fail[p] > 0 {
		r.fail[p]--
		return errors.New("try again")
	}
	r.got = append(r.got, d.Target+":"+p)
	return nil
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func openStore(t *testing.T, spec string) *store.Store {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Options{Spec: spec, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newDispatcher(t *testing.T, st *store.Store, clk clock.Clock, r *recorder, failed func(*Delivery, error)) *Dispatcher {
	t.Helper()
	d, err := New(context.Background(), Config{Store: st, Clock: clk, Retry: Retry{Base: time.Second, Max: 4 * time.Second, MaxAge: time.Minute}, Failed: failed})
	if err != nil {
		t.Fatal(err)
	}
	d.Register("test", r.handle)
	d.Start()
	t.Cleanup(func() { d.Close() })
	return d
}

func enqueue(t *testing.T, st *store.Store, d *Dispatcher, fail bool, ds ...Delivery) {
	t.Helper()
	ctx := context.Background()
	err := st.Update(ctx, func(tx *store.Tx) error {
		if err := d.Enqueue(ctx, tx, ds...); err != nil {
			return err
		}
		if fail {
			return errors.New("rolled back")
		}
		return nil
	})
	if fail != (err != nil) {
		t.Fatalf("update: %v", err)
	}
}

func TestDeliveredOnlyWhenCommitted(t *testing.T) {
	st := openStore(t, "sqlite")
	r := &recorder{}
	d := newDispatcher(t, st, clock.Real(), r, nil)
	enqueue(t, st, d, true, Delivery{Kind: "test", Target: "t", Payload: []byte("rolled back")})
	enqueue(t, st, d, false, Delivery{Kind: "test", Target: "t", Payload: []byte("a")}, Delivery{Kind: "test", Target: "u", Payload: []byte("b")})
	waitFor(t, "two deliveries", func() bool { return len(r.list()) == 2 })
	time.Sleep(50 * time.Millisecond)
	if got := r.list(); len(got) != 2 {
		t.Fatalf("delivered %v", got)
	}
	waitFor(t, "an empty outbox", func() bool { n, _ := d.Pending(context.Background()); return n == 0 })
}

func TestRetriesOnTheClockAndGivesUp(t *testing.T) {
	st := openStore(t, "sqlite")
	fake := clock.NewFake(time.Now())
	r := &recorder{fail: map[string]int{"flaky": 2, "never": 1000}, perm: map[string]bool{"gone": true}}
	var mu sync.Mutex
	var failed []string
	d := newDispatcher(t, st, fake, r, func(del *Delivery, err error) {
		mu.Lock()
		failed = append(failed, fmt.Sprintf("%s@%d", del.Payload, del.Attempt))
		mu.Unlock()
	})
	enqueue(t, st, d, false,
		Delivery{Kind: "test", Target: "t", Payload: []byte("flaky")},
		Delivery{Kind: "test", Target: "t", Payload: []byte("never")},
		Delivery{Kind: "test", Target: "t", Payload: []byte("gone")})
	waitFor(t, "the permanent failure", func() bool { mu.Lock(); defer mu.Unlock(); return len(failed) == 1 })
	for i := 0; i < 30 && len(r.list()) == 0; i++ {
		fake.Advance(time.Second) // backoff 1s, 2s, ...
		time.Sleep(20 * time.Millisecond)
	}
	if got := r.list(); len(got) != 1 || got[0] != "t:flaky" {
		t.Fatalf("delivered %v", got)
	}
	for i := 0; i < 30; i++ {
		fake.Advance(5 * time.Second)
		time.Sleep(10 * time.Millisecond)
	}
	waitFor(t, "giving up on the one that never succeeds", func() bool { mu.Lock(); defer mu.Unlock(); return len(failed) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if failed[0] != "gone@1" {
		t.Errorf("failed %v", failed)
	}
}

func TestOrderPerKey(t *testing.T) {
	st := openStore(t, "sqlite")
	r := &recorder{fail: map[string]int{"k1-0": 1}}
	fake := clock.NewFake(time.Now())
	d := newDispatcher(t, st, fake, r, nil)
	var ds []Delivery
	for i := 0; i < 5; i++ {
		ds = append(ds, Delivery{Kind: "test", Target: "k1", OrderKey: "k1", Payload: []byte(fmt.Sprintf("k1-%d", i))})
	}
	enqueue(t, st, d, false, ds...)
	time.Sleep(200 * time.Millisecond)
	if got := r.list(); len(got) != 0 {
		t.Fatalf("later deliveries of a key overtook a failed one: %v", got)
	}
	fake.Advance(2 * time.Second)
	waitFor(t, "all five", func() bool { return len(r.list()) == 5 })
	for i, g := range r.list() {
		if g != fmt.Sprintf("k1:k1-%d", i) {
			t.Fatalf("order %v", r.list())
		}
	}
}

func TestRestartRedelivers(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Spec: "sqlite", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := New(ctx, Config{Store: st})
	// Nobody handles "test" yet: the deliveries wait.
	d.Start()
	enqueue(t, st, d, false, Delivery{Kind: "test", Target: "t", Payload: []byte("survives")})
	d.Close()
	st.Close()
	st2, err := store.Open(ctx, store.Options{Spec: "sqlite", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	r := &recorder{}
	newDispatcher(t, st2, clock.Real(), r, nil)
	waitFor(t, "the delivery after the restart", func() bool { return len(r.list()) == 1 })
}

func TestPostgresTwoDispatchers(t *testing.T) {
	url := storetest.PostgresURL(t)
	a, b := openStore(t, url), openStore(t, url)
	ra, rb := &recorder{}, &recorder{}
	da := newDispatcher(t, a, clock.Real(), ra, nil)
	newDispatcher(t, b, clock.Real(), rb, nil)
	var ds []Delivery
	for i := 0; i < 200; i++ {
		ds = append(ds, Delivery{Kind: "test", Target: "t", Payload: []byte(fmt.Sprint(i))})
	}
	enqueue(t, a, da, false, ds...)
	waitFor(t, "200 deliveries", func() bool { return len(ra.list())+len(rb.list()) >= 200 })
	seen := map[string]int{}
	for _, g := range append(ra.list(), rb.list()...) {
		seen[g]++
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct deliveries", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	t.Logf("node a delivered %d, node b %d", len(ra.list()), len(rb.list()))
}

func TestPerDeliveryRetryAndDeadLetter(t *testing.T) {
	st := openStore(t, "sqlite")
	fake := clock.NewFake(time.Now())
	r := &recorder{fail: map[string]int{"twice": 1000}, perm: map[string]bool{"gone": true}}
	d := newDispatcher(t, st, fake, r, nil)
	dlq := &recorder{}
	dead := &Delivery{Kind: "dlq", Target: "q", Payload: []byte("dead"), Attrs: map[string]string{"rule": "r1"}}
	var gotAttrs []map[string]string
	var mu sync.Mutex
	d.Register("dlq", func(ctx context.Context, del *Delivery) error {
		mu.Lock()
		gotAttrs = append(gotAttrs, del.Attrs)
		mu.Unlock()
		return dlq.handle(ctx, del)
	})
	enqueue(t, st, d, false,
		Delivery{Kind: "test", Target: "t", Payload: []byte("twice"), Retry: &Retry{MaxAttempts: 2}, DeadLetter: dead},
		Delivery{Kind: "test", Target: "t", Payload: []byte("gone"), DeadLetter: dead},
		Delivery{Kind: "test", Target: "t", Payload: []byte("later"), Delay: 10 * time.Second})
	waitFor(t, "the permanent failure's dead letter", func() bool { return len(dlq.list()) == 1 })
	time.Sleep(50 * time.Millisecond)
	if len(r.list()) != 0 {
		t.Fatalf("a delayed delivery went out early: %v", r.list())
	}
	fake.Advance(time.Second) // the retry of "twice": its second and last attempt
	waitFor(t, "the exhausted delivery's dead letter", func() bool { return len(dlq.list()) == 2 })
	fake.Advance(10 * time.Second)
	waitFor(t, "the delayed delivery", func() bool { return len(r.list()) == 1 })
	mu.Lock()
	defer mu.Unlock()
	reasons := map[string]bool{}
	for _, a := range gotAttrs {
		if a["rule"] != "r1" || a["deadLetter.error"] == "" {
			t.Errorf("dead letter attrs %v", a)
		}
		reasons[a["deadLetter.reason"]+"@"+a["deadLetter.attempts"]] = true
	}
	if !reasons["permanent@1"] || !reasons["maxAttempts@2"] {
		t.Errorf("reasons %v", reasons)
	}
	waitFor(t, "an empty outbox", func() bool { n, _ := d.Pending(context.Background()); return n == 0 })
}

// TestOrderWithinOneInstant writes deliveries of one key in separate
// transactions at the same clock reading (a fake clock that does not
// move): they still go out in the order written.
func TestOrderWithinOneInstant(t *testing.T) {
	st := openStore(t, "sqlite")
	r := &recorder{}
	fake := clock.NewFake(time.Now())
	d := newDispatcher(t, st, fake, r, nil)
	for i := 0; i < 20; i++ {
		enqueue(t, st, d, false, Delivery{Kind: "test", Target: "k", OrderKey: "k", Payload: []byte(fmt.Sprint(i))})
	}
	waitFor(t, "all twenty", func() bool { return len(r.list()) == 20 })
	for i, g := range r.list() {
		if g != fmt.Sprintf("k:%d", i) {
			t.Fatalf("order %v", r.list())
		}
	}
}
