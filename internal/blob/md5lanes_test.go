package blob

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func skipWithoutVector(t *testing.T, s *Store) {
	t.Helper()
	if s.lanes.from == 0 {
		t.Skip("no AVX2: large bodies always use crypto/md5")
	}
}

// TestLaneMD5Sizes compares the lanes' digest with crypto/md5 at sizes
// around MD5's 64-byte blocks, md5-simd's 32 KiB blocks and the Writer's
// chunks, written whole and in odd pieces, on reused (reset) hashers.
func TestLaneMD5Sizes(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	skipWithoutVector(t, s)
	data := randBytes(1<<20+100, 7)
	var sizes []int
	for _, base := range []int{0, 64, 128, 32 << 10, 64 << 10, 256 << 10, 1 << 20} {
		for d := -9; d <= 9; d++ {
			if n := base + d; n >= 0 && n <= len(data) {
				sizes = append(sizes, n)
			}
		}
	}
	sizes = append(sizes, 55, 56, 57, 119, 120, 121)
	for _, n := range sizes {
		want := md5.Sum(data[:n])
		for _, piece := range []int{n, 1, 63, 65, 4093, 32<<10 + 1} {
			if piece == 0 {
				continue
			}
			m := s.lanes.newHash()
			if m == nil {
				t.Fatal("no lanes hasher")
			}
			for p := data[:n]; len(p) > 0; {
				k := min(piece, len(p))
				m.Write(p[:k])
				p = p[k:]
			}
			if got := m.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Fatalf("size %d in pieces of %d: %x, crypto/md5 %x", n, piece, got, want)
			}
			m.release(true)
			if got := m.Sum(nil); !bytes.Equal(got, want[:]) {
				t.Fatalf("size %d, after release: %x, crypto/md5 %x", n, got, want)
			}
		}
	}
	if s.lanes.made != 1 {
		t.Errorf("%d hashers made for one at a time, want 1 (reused)", s.lanes.made)
	}
}

// TestConcurrentLargeMD5 writes large bodies at once, through ReadFrom and
// Write, so that some hash on the lanes and some (the first ones, fewer
// than lanes.from) on crypto/md5, among small bodies and an aborted large
// one, and checks every digest and body.
func TestConcurrentLargeMD5(t *testing.T) {
	for _, sync := range []bool{false, true} {
		t.Run(fmt.Sprintf("sync=%v", sync), func(t *testing.T) {
			testConcurrentLargeMD5(t, Options{NoSync: !sync})
		})
	}
}

func testConcurrentLargeMD5(t *testing.T, opts Options) {
	s := newStore(t, opts)
	const writers = 12
	sizes := []int{
		readChunk, readChunk + 1, 3*readChunk - 1, 4<<20 + 61, 1 << 20,
		parallelMin, parallelMin + 64, 9<<20 + 3, 100, smallMax, 2<<20 + 7, 5 << 20,
	}
	var (
		wg      sync.WaitGroup
		started sync.WaitGroup // all have written their first chunk
		mu      sync.Mutex
		onLanes int
	)
	started.Add(writers)
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := randBytes(sizes[i], uint64(100+i))
			w, err := s.Create(CRC64NVME)
			if err != nil {
				started.Done()
				errs <- err
				return
			}
			defer w.Abort()
			half := len(data) / 2
			if i%2 == 0 {
				_, err = w.ReadFrom(io.LimitReader(bytes.NewReader(data), int64(half)))
			} else {
				_, err = w.Write(data[:half])
			}
			mu.Lock()
			if w.lane != nil {
				onLanes++
			}
			mu.Unlock()
			started.Done()
			if err != nil {
				errs <- err
				return
			}
			started.Wait()
			if i%2 == 0 {
				_, err = w.ReadFrom(bytes.NewReader(data[half:]))
			} else {
				_, err = w.Write(data[half:])
			}
			if err != nil {
				errs <- err
				return
			}
			if i == writers-1 { // aborted mid-body: its hasher is reset and reused
				w.Abort()
				return
			}
			sums := w.Sums()
			id, err := w.Commit()
			if err != nil {
				errs <- err
				return
			}
			if want := md5.Sum(data); sums.MD5 != want || w.Sums().MD5 != want {
				errs <- fmt.Errorf("writer %d (%d bytes): MD5 %x (after Commit %x), want %x", i, len(data), sums.MD5, w.Sums().MD5, want)
				return
			}
			if sums.CRC64NVME != UpdateCRC64NVME(0, data) {
				errs <- fmt.Errorf("writer %d: CRC64NVME differs", i)
			}
			if !bytes.Equal(get(t, s, id), data) {
				errs <- fmt.Errorf("writer %d: body differs", i)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.lanes.large.Load(); n != 0 {
		t.Errorf("%d large bodies still counted after all ended", n)
	}
	if s.lanes.from != 0 && onLanes == 0 {
		t.Error("no body hashed on the lanes")
	}
	if onLanes == writers {
		t.Error("every body hashed on the lanes: the first ones should not")
	}
	t.Logf("%d of %d bodies on the lanes, %d hashers made", onLanes, writers, s.lanes.made)

	// The hashers are reused: a second round makes none.
	made := s.lanes.made
	for range 3 {
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := randBytes(1<<20+i, uint64(i))
				w, err := s.Create(0)
				if err != nil {
					t.Error(err)
					return
				}
				defer w.Abort()
				w.ReadFrom(bytes.NewReader(data))
				if got := w.Sums().MD5; got != md5.Sum(data) {
					t.Errorf("reused hasher: MD5 %x, want %x", got, md5.Sum(data))
				}
			}()
		}
		wg.Wait()
	}
	if s.lanes.made > max(made, 4) {
		t.Errorf("%d hashers made, after %d: not reused", s.lanes.made, made)
	}
}

// TestLoneLargeBody: a large body alone stays on crypto/md5, and so do
// the first ones of a few.
func TestLoneLargeBody(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	for range 3 {
		data := randBytes(2<<20, 3)
		w, err := s.Create(0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if w.lane != nil {
			t.Fatal("a lone large body hashed on the lanes")
		}
		if w.Sums().MD5 != md5.Sum(data) {
			t.Fatal("MD5 differs")
		}
		if _, err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if s.lanes.srv != nil {
		t.Error("md5-simd server started without concurrent large bodies")
	}
}

// TestLanesFallback: without a vector path (or once the store is closed)
// concurrent large bodies use crypto/md5.
func TestLanesFallback(t *testing.T) {
	for _, name := range []string{"no AVX2", "closed"} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, Options{NoSync: true})
			if name == "closed" {
				skipWithoutVector(t, s)
				s.Close()
			} else {
				s.lanes.from = 0
			}
			data := randBytes(1<<20, 9)
			var ws []*Writer
			for range 8 {
				w, err := s.Create(0)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Abort()
				if _, err := w.Write(data); err != nil {
					t.Fatal(err)
				}
				if w.lane != nil {
					t.Fatal("a body hashed on the lanes")
				}
				ws = append(ws, w)
			}
			for _, w := range ws {
				if w.Sums().MD5 != md5.Sum(data) {
					t.Fatal("MD5 differs")
				}
			}
			if s.lanes.srv != nil {
				t.Error("md5-simd server started")
			}
		})
	}
}

// TestCloseWithWritersOpen: Close waits for the hashers in use; their
// bodies still get the right digests, and the server stops after them.
func TestCloseWithWritersOpen(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	skipWithoutVector(t, s)
	data := randBytes(1<<20, 11)
	var ws []*Writer
	for range s.lanes.from + 1 {
		w, err := s.Create(0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	s.Close()
	for _, w := range ws {
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if s.lanes.srv == nil {
		t.Fatal("server stopped while its hashers are in use")
	}
	want := md5.Sum(append(append([]byte(nil), data...), data...))
	for _, w := range ws {
		if got := w.Sums().MD5; got != want {
			t.Fatalf("MD5 %x, want %x", got, want)
		}
		if _, err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if s.lanes.srv != nil || s.lanes.made != 0 {
		t.Errorf("server still running (%d hashers) after its last hasher", s.lanes.made)
	}
}

// TestLanesFrom: the lanes take a large body from the lanes.from-th
// written at once; small bodies do not count, and ended ones no longer do.
func TestLanesFrom(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	skipWithoutVector(t, s)
	data := randBytes(1<<20, 13)
	start := func(body []byte) *Writer {
		t.Helper()
		w, err := s.Create(0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Abort)
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
		return w
	}
	for range 5 {
		start(data[:100]) // small
	}
	var ws []*Writer
	for i := range s.lanes.from {
		w := start(data)
		if onLanes, want := w.lane != nil, i == s.lanes.from-1; onLanes != want {
			t.Fatalf("large body %d of %d on the lanes: %v, want %v", i+1, s.lanes.from, onLanes, want)
		}
		ws = append(ws, w)
	}
	ws[0].Abort()
	if w := start(data); w.lane == nil {
		t.Fatal("large body not on the lanes with lanes.from in flight")
	}
	ws[1].Abort()
	ws[2].Abort()
	if w := start(data); w.lane != nil {
		t.Fatal("large body on the lanes with fewer than lanes.from in flight")
	}
	for _, w := range ws[3:] {
		if w.Sums().MD5 != md5.Sum(data) {
			t.Fatal("MD5 differs")
		}
	}
}

// gate holds back the rest of the bodies of a burst until n large bodies
// count, then lets them all through.
type gate struct {
	s    *Store
	n    int32
	open atomic.Bool
}

type gatedReader struct {
	g    *gate
	rest io.Reader
}

func (r *gatedReader) Read(p []byte) (int, error) {
	for !r.g.open.Load() {
		if r.g.s.lanes.large.Load() >= r.g.n {
			r.g.open.Store(true)
			break
		}
		time.Sleep(time.Millisecond)
	}
	return r.rest.Read(p)
}

// TestBurstOnLanes: bodies arriving together all hash on the lanes, the
// first ones too: ReadFrom picks after a body's second chunk.
func TestBurstOnLanes(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	skipWithoutVector(t, s)
	n := s.lanes.from + 2
	g := &gate{s: s, n: n}
	var wg, read sync.WaitGroup
	read.Add(int(n))
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := randBytes(3*readChunk+int(i), uint64(i))
			w, err := s.Create(CRC32)
			if err != nil {
				read.Done()
				t.Error(err)
				return
			}
			defer w.Abort()
			r := io.MultiReader(bytes.NewReader(data[:readChunk]), &gatedReader{g: g, rest: bytes.NewReader(data[readChunk:])})
			_, err = w.ReadFrom(r)
			read.Done()
			if err != nil {
				t.Error(err)
				return
			}
			if w.lane == nil {
				t.Errorf("body %d of a burst of %d not on the lanes", i, n)
			}
			read.Wait() // none ends (and stops counting) before all picked
			if w.Sums().MD5 != md5.Sum(data) {
				t.Errorf("body %d: MD5 differs", i)
			}
			if _, err := w.Commit(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if c := s.lanes.large.Load(); c != 0 {
		t.Errorf("%d large bodies still counted", c)
	}
}
