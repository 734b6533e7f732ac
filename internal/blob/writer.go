package blob

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// parallelMin is the write size from which MD5 runs on a helper
	// goroutine while the bytes go to the file: MD5 is the slowest step of
	// a PUT and cannot itself be parallelized.
	parallelMin = 128 << 10
	// writebackChunk is how much a syncing Writer writes between two
	// early syncs (see flusher).
	writebackChunk = 8 << 20
	// readChunk is the size of ReadFrom's reads; readBufs of them share
	// one pooled buffer of copyBufSize.
	readChunk = copyBufSize / readBufs
	readBufs  = 4
)

// Writer streams a new blob: in memory while it is small (at most
// smallMax bytes; Commit then packs it), in a temporary file beyond. It is
// not safe for concurrent use. End it with Commit or Abort; until then
// Sweep leaves its temporary file alone.
type Writer struct {
	s       *Store
	mem     *[]byte // the body while small: packHeader bytes of room, then the body
	f       *os.File
	id      ID     // the blob's, once it has a file
	name    string // the temporary file: the blob's path + tmpSuffix
	h       *hasher
	n       int64
	flushed int64 // bytes already handed to early writeback
	err     error // sticky: a failed Writer can only Abort
	done    bool
	picked  bool     // the MD5 implementation is chosen (pickMD5)
	large   bool     // counted in s.lanes.large
	lane    *laneMD5 // the MD5 hasher, when it is the store's lanes

	md5in   chan []byte // helper goroutine hashing MD5, started on the first large Write
	md5done chan struct{}
	wb      *flusher // early writeback, started with the first writebackChunk
}

var (
	_ io.Writer     = (*Writer)(nil)
	_ io.ReaderFrom = (*Writer)(nil)
)

// memBufs pools the buffers of small bodies: room for a pack entry's
// header, then the body.
var memBufs = sync.Pool{New: func() any { b := make([]byte, packHeader, packHeader+smallMax); return &b }}

// buffer keeps p in memory if the body stays small, and reports whether
// it did. The caller has hashed p.
func (w *Writer) buffer(p []byte) bool {
	if w.f != nil || w.n+int64(len(p)) > smallMax {
		return false
	}
	if w.mem == nil {
		w.mem = memBufs.Get().(*[]byte)
		*w.mem = (*w.mem)[:packHeader]
	}
	*w.mem = append(*w.mem, p...)
	w.n += int64(len(p))
	return true
}

// spill moves a small body to a temporary file, from where it continues.
func (w *Writer) spill() error {
	if w.f != nil {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	id, name, f, err := w.s.createFile()
	if err != nil {
		w.err = err
		return err
	}
	w.id, w.name, w.f = id, name, f
	if w.mem != nil {
		body := (*w.mem)[packHeader:]
		n := w.n
		w.n = 0
		err := w.writeFile(body)
		w.releaseMem()
		if err != nil {
			return err
		}
		if w.n != n {
			w.err = fmt.Errorf("blob: short write to %s", name)
			return w.err
		}
	}
	return nil
}

func (w *Writer) releaseMem() {
	if w.mem != nil {
		memBufs.Put(w.mem)
		w.mem = nil
	}
}

// Write appends p to the blob and updates the digests.
func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	if !w.picked && len(p) > 0 {
		w.pickMD5(len(p) >= parallelMin)
	}
	if w.f == nil && w.n+int64(len(p)) <= smallMax {
		w.h.write(p)
		w.buffer(p)
		return len(p), nil
	}
	if err := w.spill(); err != nil {
		return 0, err
	}
	if w.h.md5 == nil || len(p) < parallelMin {
		w.h.write(p)
		if err := w.writeFile(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	w.startHelper()
	w.md5in <- p
	err := w.writeFile(p)
	w.h.writeOthers(p)
	<-w.md5done
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// ReadFrom copies r to the blob until EOF, so io.Copy(w, body) does few
// syscalls whatever size the body's reads return. A small body (all of it
// in the first readChunk) stays in memory. A larger one is pipelined: MD5
// (the slowest step of a PUT) runs on a helper goroutine while the next
// chunk is read and this one is written and its other digests computed,
// in readBufs chunks of one pooled buffer (1 MiB per Writer at most).
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	if w.done {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	bp := w.s.bufs.Get().(*[]byte)
	defer w.s.bufs.Put(bp)
	buf := *bp
	first := buf[:readChunk]
	n, rerr := io.ReadFull(r, first)
	// A body that fills the first chunk counts as large at once but picks
	// its MD5 after its next chunk, by when the bodies of a burst that
	// arrived with it count too: pipeline hashes this chunk then.
	later := rerr == nil && !w.picked && w.h.md5 != nil
	if n > 0 {
		switch {
		case later:
			w.countLarge()
			w.h.writeOthers(first[:n])
		case !w.picked:
			w.pickMD5(rerr == nil)
			fallthrough
		default:
			w.h.write(first[:n])
		}
		if rerr == nil || !w.buffer(first[:n]) {
			if err := w.spill(); err != nil {
				return 0, err
			}
			if err := w.writeFile(first[:n]); err != nil {
				return int64(n), err
			}
		}
	}
	switch rerr {
	case nil:
		if w.h.md5 == nil {
			m, err := w.copyInline(r, first)
			return int64(n) + m, err
		}
		var unhashed []byte
		if later {
			unhashed = first[:n:readChunk]
		}
		m, err := w.pipeline(r, buf, unhashed)
		return int64(n) + m, err
	case io.EOF, io.ErrUnexpectedEOF:
		return int64(n), nil
	default:
		return int64(n), rerr
	}
}

// pipeline is ReadFrom for the rest of a large body. unhashed, if not
// nil, is the body's first chunk (buf's first readChunk), written but not
// yet hashed with MD5, whose implementation pipeline then picks.
func (w *Writer) pipeline(r io.Reader, buf []byte, unhashed []byte) (int64, error) {
	free := make(chan []byte, readBufs)
	for i := range readBufs {
		if i == 0 && unhashed != nil {
			continue // back once hashed
		}
		free <- buf[i*readChunk : (i+1)*readChunk : (i+1)*readChunk]
	}
	work := make(chan []byte, readBufs)
	hashed := make(chan struct{})
	started := false
	start := func() {
		started = true
		if !w.picked {
			w.pickMD5(true)
		}
		go func(md5 interface{ Write([]byte) (int, error) }) {
			defer close(hashed)
			for p := range work {
				md5.Write(p)
				free <- p[:cap(p)]
			}
		}(w.h.md5)
		if unhashed != nil {
			work <- unhashed
		}
	}
	if unhashed == nil {
		start()
	}
	var total int64
	var err error
	for {
		b := <-free
		n, rerr := io.ReadFull(r, b)
		if !started {
			start()
		}
		if n > 0 {
			work <- b[:n]
			w.h.writeOthers(b[:n])
			if err = w.writeFile(b[:n]); err != nil {
				break
			}
			total += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	close(work)
	<-hashed
	return total, err
}

// copyInline is ReadFrom without MD5 (a Concat without it): everything
// in line, in buf.
func (w *Writer) copyInline(r io.Reader, buf []byte) (int64, error) {
	var total int64
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			w.h.write(buf[:n])
			if err := w.writeFile(buf[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// writeFile appends p to the file (the digests are the caller's) and, when
// syncing, has what piled up written out early.
func (w *Writer) writeFile(p []byte) error {
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("blob: %w", err)
		return w.err
	}
	if w.s.sync && w.n-w.flushed >= writebackChunk {
		if w.wb == nil {
			w.wb = startFlusher(w.f)
		}
		w.wb.request(w.n)
		w.flushed = w.n
	}
	return nil
}

// flusher makes what a syncing Writer wrote so far durable (fdatasync)
// while more is written and hashed, so that the fsync of Commit waits for
// the tail only. Merely starting writeback early is not enough: on a
// virtual disk the device's write cache takes the bytes at once and the
// final flush then waits for all of them. It runs on its own goroutine
// (syncs block for milliseconds), never on the Writer's.
type flusher struct {
	f      *os.File
	target atomic.Int64 // write out up to here
	wake   chan struct{}
	done   chan struct{}
}

func startFlusher(f *os.File) *flusher {
	fl := &flusher{f: f, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go fl.run()
	return fl
}

func (fl *flusher) request(upTo int64) {
	fl.target.Store(upTo)
	select {
	case fl.wake <- struct{}{}:
	default:
	}
}

func (fl *flusher) run() {
	defer close(fl.done)
	var synced int64
	for range fl.wake {
		if t := fl.target.Load(); t > synced {
			fdatasync(fl.f) // errors: Commit's fsync reports them
			synced = t
		}
	}
}

// stop waits for the flusher; safe on nil.
func (fl *flusher) stop() {
	if fl == nil {
		return
	}
	close(fl.wake)
	<-fl.done
}

// pickMD5 chooses, before the first byte is hashed (a hash state cannot
// move to another implementation), between crypto/md5 and the store's
// shared lanes: the lanes for a large body while lanes.from large bodies
// or more (it included) are being hashed, when MD5 on one core per body is
// what the CPUs run out of.
func (w *Writer) pickMD5(large bool) {
	w.picked = true
	if !large || w.h.md5 == nil {
		return
	}
	if n := w.countLarge(); w.s.lanes.from == 0 || n < w.s.lanes.from {
		return
	}
	if m := w.s.lanes.newHash(); m != nil {
		w.h.md5, w.lane = m, m
	}
}

// countLarge counts the body as large, once, and returns the count.
func (w *Writer) countLarge() int32 {
	if w.large {
		return w.s.lanes.large.Load()
	}
	w.large = true
	return w.s.lanes.large.Add(1)
}

// hashed ends the hashing: the lanes' hasher goes back to the store (its
// digest kept if keepSum), and the body no longer counts as large (one
// waiting for its sync fills no lanes). It is idempotent.
func (w *Writer) hashed(keepSum bool) {
	if w.lane != nil {
		w.lane.release(keepSum)
		w.lane = nil
	}
	if w.large {
		w.s.lanes.large.Add(-1)
		w.large = false
	}
}

func (w *Writer) startHelper() {
	if w.md5in != nil {
		return
	}
	w.md5in = make(chan []byte)
	w.md5done = make(chan struct{})
	go func(h interface{ Write([]byte) (int, error) }, in <-chan []byte, done chan<- struct{}) {
		for p := range in {
			h.Write(p)
			done <- struct{}{}
		}
	}(w.h.md5, w.md5in, w.md5done)
}

func (w *Writer) stopHelper() {
	if w.md5in != nil {
		close(w.md5in)
		w.md5in = nil
	}
}

// Size returns the number of bytes written so far.
func (w *Writer) Size() int64 { return w.n }

// Sums returns the digests of the bytes written so far. Compare them with
// the client's Content-MD5 or x-amz-checksum-* before Commit, and Abort on
// a mismatch.
func (w *Writer) Sums() Sums { return w.h.sums() }

// Commit makes the blob permanent under a new ID. When it returns (with
// the default Options) the bytes (and the directory entry of a file) are
// on disk, so the caller may now commit metadata referencing the ID. If
// Commit fails nothing is left behind. A Writer can be committed once.
func (w *Writer) Commit() (ID, error) {
	if w.done {
		return "", ErrClosed
	}
	if w.err != nil {
		err := w.err
		w.Abort()
		return "", err
	}
	w.hashed(true)
	var id ID
	var err error
	if w.f == nil {
		id, err = w.commitPacked()
	} else {
		id, err = w.commit()
	}
	if err != nil {
		w.Abort()
		return "", fmt.Errorf("blob: commit: %w", err)
	}
	return id, nil
}

// commitPacked appends a small body to a pack.
func (w *Writer) commitPacked() (ID, error) {
	if w.mem == nil {
		w.mem = memBufs.Get().(*[]byte)
		*w.mem = (*w.mem)[:packHeader]
	}
	id, err := w.s.packs.put(*w.mem)
	if err != nil {
		return "", err
	}
	w.done = true
	w.releaseMem()
	return id, nil
}

func (w *Writer) commit() (ID, error) {
	w.stopHelper()
	w.wb.stop()
	w.wb = nil
	// The mtime is what Sweep's grace period is measured from: make it the
	// commit time even if the last Write was long ago.
	if err := os.Chtimes(w.name, time.Time{}, time.Now()); err != nil {
		return "", err
	}
	if w.s.sync {
		if err := w.f.Sync(); err != nil {
			return "", err
		}
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return "", err
	}
	dst := w.s.path(w.id)
	if err := os.Rename(w.name, dst); err != nil {
		return "", err
	}
	w.done = true
	w.s.release(w.name)
	if w.s.sync {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			// The blob is in place but maybe not durable: drop it rather
			// than hand out an ID that could vanish.
			os.Remove(dst)
			return "", err
		}
	}
	return w.id, nil
}

// Abort discards the blob. It is idempotent and a no-op after Commit.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.stopHelper()
	w.hashed(false)
	w.wb.stop()
	w.wb = nil
	w.releaseMem()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	if w.name == "" {
		return
	}
	if err := os.Remove(w.name); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.s.log.Warn("blob: removing temporary file", "path", w.name, "err", err)
	}
	w.s.release(w.name)
}
