package benchkit

import (
	"slices"
	"sync"
)

// MedianF is the median of xs (0 for none).
func MedianF(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// MedianOf is the median of one figure over several runs' Stats.
func MedianOf(sts []Stats, f func(Stats) float64) float64 {
	xs := make([]float64, len(sts))
	for i, s := range sts {
		xs[i] = f(s)
	}
	return MedianF(xs)
}

// ErrorsOf sums the errors of several runs.
func ErrorsOf(sts []Stats) int64 {
	var n int64
	for _, s := range sts {
		n += s.Errors
	}
	return n
}

// Figures of a Stats, for MedianOf.
func PerSec(s Stats) float64 { return s.PerSec }

// P50 is the median latency in microseconds.
func P50(s Stats) float64 { return s.P50Us }

// P99 is the 99th percentile latency in microseconds.
func P99(s Stats) float64 { return s.P99Us }

// Cleanup runs the registered functions once, last first, on return or
// on a signal. It is safe for concurrent use.
type Cleanup struct {
	mu  sync.Mutex
	fns []func()
}

// Add registers f.
func (c *Cleanup) Add(f func()) { c.mu.Lock(); c.fns = append(c.fns, f); c.mu.Unlock() }

// Run runs and forgets what was registered.
func (c *Cleanup) Run() {
	c.mu.Lock()
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}
