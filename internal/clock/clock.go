// Package clock abstracts time so that every timer in hako (visibility
// timeouts, delays, retention, schedules) can be driven by tests without
// sleeping.
package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the source of time for services.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was active.
	Stop() bool
}

// Real returns the wall clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// Fake is a manually advanced clock for tests.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewFake returns a fake clock set to start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer that fires when the fake time passes now+d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{f: f, at: f.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- f.now
		return t
	}
	f.timers = append(f.timers, t)
	return t
}

// Advance moves the fake time forward by d, firing due timers in order.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	now := f.now
	sort.Slice(f.timers, func(i, j int) bool { return f.timers[i].at.Before(f.timers[j].at) })
	var keep []*fakeTimer
	for _, t := range f.timers {
		if !t.at.After(now) {
			t.c <- now
		} else {
			keep = append(keep, t)
		}
	}
	f.timers = keep
	f.mu.Unlock()
}

// Set moves the fake time to t (forward only).
func (f *Fake) Set(t time.Time) {
	if d := t.Sub(f.Now()); d > 0 {
		f.Advance(d)
	}
}

type fakeTimer struct {
	f  *Fake
	at time.Time
	c  chan time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	for i, x := range t.f.timers {
		if x == t {
			t.f.timers = append(t.f.timers[:i], t.f.timers[i+1:]...)
			return true
		}
	}
	return false
}

// TimerAt returns a timer that fires when c reaches at. On a Fake the
// deadline is fixed atomically, so a concurrent Advance cannot push it later.
func TimerAt(c Clock, at time.Time) Timer {
	if f, ok := c.(*Fake); ok {
		return f.NewTimerAt(at)
	}
	return c.NewTimer(at.Sub(c.Now()))
}

// NewTimerAt returns a timer that fires when the fake time reaches at.
func (f *Fake) NewTimerAt(at time.Time) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{f: f, at: at, c: make(chan time.Time, 1)}
	if !at.After(f.now) {
		t.c <- f.now
		return t
	}
	f.timers = append(f.timers, t)
	return t
}

// Every runs fn every interval of c's time, and at once whenever kick
// receives (kick may be nil), until ctx is done. The next deadline is fixed
// before fn runs, so a clock that jumps while fn runs (a test's fake clock)
// finds the timer already due; a kick does not move the deadline. With
// first, fn also runs once at the start.
func Every(ctx context.Context, c Clock, interval time.Duration, kick <-chan struct{}, first bool, fn func(ctx context.Context)) {
	next := c.Now().Add(interval)
	if first {
		fn(ctx)
	}
	for {
		t := TimerAt(c, next)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
			next = c.Now().Add(interval)
		case <-kick:
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
		fn(ctx)
	}
}
