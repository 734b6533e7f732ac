package benchkit

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrEmpty is returned by an Op that found nothing to do (for example a
// receive from an empty queue); such operations are counted apart and
// their latency is not recorded.
var ErrEmpty = errors.New("nothing to do")

// Op is one operation of a load: one or more requests on the worker's
// connection.
type Op func(c *Conn) error

// Load describes a closed-loop load: Concurrency workers, each with its
// own connection, running Op back to back.
type Load struct {
	Addr        string
	Concurrency int
	Warmup      time.Duration // run but not measured
	Duration    time.Duration // measured
	// MaxOps, when > 0, stops the load after that many successful
	// operations (Warmup and Duration then only bound it).
	MaxOps int64
}

// Result is what a load measured.
type Result struct {
	Ops      int64           // successful operations in the measured window
	Total    int64           // successful operations, warm-up included
	Errors   int64           // failed operations in the measured window
	Empty    int64           // operations that found nothing to do
	Elapsed  time.Duration   // the measured window
	FirstErr string          // the first error seen, if any
	Lat      []time.Duration // latencies of the successful operations, sorted
}

// Run runs the load and returns its measurements.
func Run(l Load, op Op) Result {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      Result
		done     atomic.Int64
		start    = time.Now()
		measured = start.Add(l.Warmup)
		end      = measured.Add(l.Duration)
	)
	lats := make([][]time.Duration, l.Concurrency)
	for w := range l.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := NewConn(l.Addr)
			defer c.Close()
			var ops, errs, empty int64
			var firstErr string
			lat := make([]time.Duration, 0, 1024)
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				if l.MaxOps > 0 && done.Load() >= l.MaxOps {
					break
				}
				err := op(c)
				d := time.Since(t0)
				if err == nil {
					done.Add(1)
				}
				if t0.Before(measured) {
					continue
				}
				switch {
				case err == nil:
					ops++
					lat = append(lat, d)
				case errors.Is(err, ErrEmpty):
					empty++
				default:
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					time.Sleep(time.Millisecond) // do not spin on a dead server
				}
			}
			lats[w] = lat
			mu.Lock()
			res.Ops += ops
			res.Errors += errs
			res.Empty += empty
			if res.FirstErr == "" {
				res.FirstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Total = done.Load()
	finished := time.Now()
	res.Elapsed = end.Sub(measured)
	if finished.Before(end) { // stopped by MaxOps
		res.Elapsed = finished.Sub(measured)
	}
	n := 0
	for _, l := range lats {
		n += len(l)
	}
	res.Lat = make([]time.Duration, 0, n)
	for _, l := range lats {
		res.Lat = append(res.Lat, l...)
	}
	slices.Sort(res.Lat)
	return res
}

// Stats summarises a Result (latencies in microseconds).
type Stats struct {
	Concurrency int     `json:"concurrency"`
	Ops         int64   `json:"ops"`
	Errors      int64   `json:"errors"`
	Empty       int64   `json:"empty,omitempty"`
	Seconds     float64 `json:"seconds"`
	PerSec      float64 `json:"per_sec"`
	MeanUs      float64 `json:"mean_us"`
	P50Us       float64 `json:"p50_us"`
	P90Us       float64 `json:"p90_us"`
	P99Us       float64 `json:"p99_us"`
	MaxUs       float64 `json:"max_us"`
	FirstErr    string  `json:"first_error,omitempty"`
}

// Summarise computes the statistics of r.
func Summarise(r Result, concurrency int) Stats {
	s := Stats{Concurrency: concurrency, Ops: r.Ops, Errors: r.Errors, Empty: r.Empty, Seconds: r.Elapsed.Seconds(), FirstErr: r.FirstErr}
	if s.Seconds > 0 {
		s.PerSec = float64(r.Ops) / s.Seconds
	}
	if len(r.Lat) > 0 {
		var sum time.Duration
		for _, d := range r.Lat {
			sum += d
		}
		s.MeanUs = us(sum / time.Duration(len(r.Lat)))
		s.P50Us = us(Percentile(r.Lat, 50))
		s.P90Us = us(Percentile(r.Lat, 90))
		s.P99Us = us(Percentile(r.Lat, 99))
		s.MaxUs = us(r.Lat[len(r.Lat)-1])
	}
	return s
}

// Percentile returns the p-th percentile (nearest rank) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// Median returns the median of ds (which it sorts).
func Median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return Percentile(ds, 50)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// Sequential runs fn back to back for warmup+duration from one goroutine
// and measures it as a concurrency-1 load (for SDK clients).
func Sequential(warmup, duration time.Duration, fn func() error) Result {
	var res Result
	start := time.Now()
	measured := start.Add(warmup)
	end := measured.Add(duration)
	for {
		t0 := time.Now()
		if !t0.Before(end) {
			break
		}
		err := fn()
		d := time.Since(t0)
		if err == nil {
			res.Total++
		}
		if t0.Before(measured) {
			continue
		}
		switch {
		case err == nil:
			res.Ops++
			res.Lat = append(res.Lat, d)
		case errors.Is(err, ErrEmpty):
			res.Empty++
		default:
			res.Errors++
			if res.FirstErr == "" {
				res.FirstErr = err.Error()
			}
			time.Sleep(time.Millisecond)
		}
	}
	res.Elapsed = end.Sub(measured)
	slices.Sort(res.Lat)
	return res
}
