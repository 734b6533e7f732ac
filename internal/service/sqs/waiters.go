package sqs

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
)

// Long polling.
//
// A receive that finds nothing registers a waiter on its queue and blocks
// on the waiter's channel, its deadline timer and its context: an idle
// long poll costs one goroutine (the request's own) and one timer.
//
// Waiters are woken in FIFO order by signal(n) when messages may have
// become available: after a send commits (n = messages sent), after a
// FIFO group is unlocked, and by the scheduler when the earliest future
// visible_at of the queue passes (delayed messages, expired visibility
// timeouts). A woken waiter retries its receive and, if it finds nothing,
// registers again. A waiter that was signalled but had already got
// messages passes the signal on, so no wake-up is lost.
//
// Lock order: scheduler.mu may be held while taking no other lock;
// waitList.mu is never held while calling the scheduler.

type waiter struct {
	ch         chan struct{} // buffered(1); receives the wake-up
	prev, next *waiter
	listed     bool
}

// waitList is the FIFO of a queue's blocked receivers.
type waitList struct {
	mu         sync.Mutex
	head, tail *waiter
	n          int
}

// add registers a new waiter.
func (l *waitList) add() *waiter {
	w := &waiter{ch: make(chan struct{}, 1)}
	l.mu.Lock()
	l.pushLocked(w)
	l.mu.Unlock()
	return w
}

func (l *waitList) pushLocked(w *waiter) {
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	w.listed = true
	l.n++
}

func (l *waitList) unlinkLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next, w.listed = nil, nil, false
	l.n--
}

// remove unregisters w. It reports whether w had been signalled (and so
// consumed a wake-up meant for someone).
func (l *waitList) remove(w *waiter) (signalled bool) {
	l.mu.Lock()
	if w.listed {
		l.unlinkLocked(w)
		l.mu.Unlock()
		return false
	}
	l.mu.Unlock()
	select {
	case <-w.ch:
		return true
	default:
		return false
	}
}

// signal wakes up to n waiters, oldest first.
func (l *waitList) signal(n int) {
	l.mu.Lock()
	for ; n > 0 && l.head != nil; n-- {
		w := l.head
		l.unlinkLocked(w)
		w.ch <- struct{}{}
	}
	l.mu.Unlock()
}

// broadcast wakes every waiter.
func (l *waitList) broadcast() { l.signal(int(^uint(0) >> 1)) }

// len returns the number of registered waiters.
func (l *waitList) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// scheduler wakes a queue's waiters when the queue's earliest future
// visible_at passes. One goroutine and one clock timer serve all queues.
type scheduler struct {
	clk  clock.Clock
	mu   sync.Mutex
	h    schedHeap
	due  map[*queue]int64 // earliest scheduled wake-up per queue
	kick chan struct{}
}

type schedItem struct {
	at int64 // ms
	q  *queue
}

type schedHeap []schedItem

func (h schedHeap) Len() int           { return len(h) }
func (h schedHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h schedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *schedHeap) Push(x any)        { *h = append(*h, x.(schedItem)) }
func (h *schedHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func newScheduler(clk clock.Clock) *scheduler {
	return &scheduler{clk: clk, due: map[*queue]int64{}, kick: make(chan struct{}, 1)}
}

// at asks for q's waiters to be signalled at time ms (Unix milliseconds).
func (s *scheduler) at(q *queue, ms int64) {
	s.mu.Lock()
	if cur, ok := s.due[q]; ok && cur <= ms {
		s.mu.Unlock()
		return
	}
	s.due[q] = ms
	heap.Push(&s.h, schedItem{at: ms, q: q})
	first := s.h[0].at == ms
	s.mu.Unlock()
	if first {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// run fires scheduled wake-ups until ctx is done.
func (s *scheduler) run(ctx context.Context) {
	for {
		s.mu.Lock()
		now := s.clk.Now().UnixMilli()
		var fire []*queue
		for len(s.h) > 0 && s.h[0].at <= now {
			it := heap.Pop(&s.h).(schedItem)
			if cur, ok := s.due[it.q]; ok && cur == it.at {
				delete(s.due, it.q)
				fire = append(fire, it.q)
			}
		}
		next := int64(-1)
		if len(s.h) > 0 {
			next = s.h[0].at
		}
		s.mu.Unlock()
		for _, q := range fire {
			q.waiters.signal(1)
		}
		if len(fire) > 0 {
			continue
		}
		var t clock.Timer
		var tc <-chan time.Time
		if next >= 0 {
			t = newTimerAt(s.clk, next)
			tc = t.C()
		}
		select {
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return
		case <-s.kick:
		case <-tc:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// newTimerAt returns a timer that fires when the clock reaches ms. It
// guards against the clock moving between reading it and arming the
// timer (a fake clock advanced concurrently): the timer is re-armed
// until it was computed from the time it was armed at.
func newTimerAt(clk clock.Clock, ms int64) clock.Timer {
	return clock.TimerAt(clk, time.UnixMilli(ms))
}
