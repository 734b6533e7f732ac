package blob

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

const (
	// parallelMin is the write size from which MD5 runs on a helper
	// goroutine while the bytes go to the file: MD5 is the slowest step of
	// a PUT and cannot itself be parallelized.
	parallelMin = 128 << 10
	// writebackChunk is how much dirty data a syncing Writer lets pile up
	// before asking the kernel to start writing it out, so that Commit's
	// fsync waits for the tail only.
	writebackChunk = 8 << 20
)

// Writer streams a new blob into a temporary file. It is not safe for
// concurrent use. End it with Commit or Abort; until then Sweep leaves its
// temporary file alone.
type Writer struct {
	s       *Store
	f       *os.File
	name    string
	h       *hasher
	n       int64
	flushed int64 // bytes already handed to early writeback
	err     error // sticky: a failed Writer can only Abort
	done    bool

	md5in   chan []byte // helper goroutine hashing MD5, started on the first large Write
	md5done chan struct{}
}

var (
	_ io.Writer     = (*Writer)(nil)
	_ io.ReaderFrom = (*Writer)(nil)
)

// Write appends p to the blob and updates the digests.
func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	par := w.h.md5 != nil && len(p) >= parallelMin
	if par {
		w.startHelper()
		w.md5in <- p
	}
	n, err := w.f.Write(p)
	if par {
		w.h.writeOthers(p)
		<-w.md5done
	} else {
		w.h.write(p[:n])
	}
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("blob: %w", err)
		return n, w.err
	}
	if w.s.sync && w.n-w.flushed >= writebackChunk {
		startWriteback(w.f, w.flushed, w.n-w.flushed)
		w.flushed = w.n
	}
	return n, nil
}

// ReadFrom copies r to the blob until EOF in large chunks (1 MiB, pooled
// per Store), so io.Copy(w, body) does few syscalls whatever size the
// body's reads return.
func (w *Writer) ReadFrom(r io.Reader) (int64, error) {
	bp := w.s.bufs.Get().(*[]byte)
	defer w.s.bufs.Put(bp)
	buf := *bp
	var total int64
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
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
// the default Options) the bytes and the directory entry are on disk, so
// the caller may now commit metadata referencing the ID. If Commit fails
// the temporary file is removed. A Writer can be committed once.
func (w *Writer) Commit() (ID, error) {
	if w.done {
		return "", ErrClosed
	}
	if w.err != nil {
		err := w.err
		w.Abort()
		return "", err
	}
	id, err := w.commit()
	if err != nil {
		w.Abort()
		return "", fmt.Errorf("blob: commit: %w", err)
	}
	return id, nil
}

func (w *Writer) commit() (ID, error) {
	w.stopHelper()
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
	id, err := newID()
	if err != nil {
		return "", err
	}
	dst := w.s.path(id)
	leaf := filepath.Dir(dst)
	if err := w.s.mkdirs(leaf); err != nil {
		return "", err
	}
	if err := os.Rename(w.name, dst); err != nil {
		return "", err
	}
	w.done = true
	w.s.release(w.name)
	if w.s.sync {
		if err := syncDir(leaf); err != nil {
			// The blob is in place but maybe not durable: drop it rather
			// than hand out an ID that could vanish.
			os.Remove(dst)
			return "", err
		}
	}
	return id, nil
}

// Abort discards the blob. It is idempotent and a no-op after Commit.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.stopHelper()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	if err := os.Remove(w.name); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.s.log.Warn("blob: removing temporary file", "path", w.name, "err", err)
	}
	w.s.release(w.name)
}

// mkdirs creates the fan-out directories of leaf (DIR/ab/cd), syncing the
// parent of each directory it creates so the new entry is durable too.
func (s *Store) mkdirs(leaf string) error {
	mid := filepath.Dir(leaf)
	for _, d := range []string{mid, leaf} {
		err := os.Mkdir(d, dirPerm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if s.sync {
			if err := syncDir(filepath.Dir(d)); err != nil {
				return err
			}
		}
	}
	return nil
}
