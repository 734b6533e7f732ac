// Package blob stores object bodies (S3 objects and parts, function code)
// outside the database, in the data directory.
//
// A body is hashed while it is written (MD5 for ETags and any of S3's
// checksum algorithms; large bodies written at the same time share one
// multi-buffer MD5, md5lanes.go). A small one (at most 64 KiB) is kept in
// memory and appended by Commit to a shared pack file (pack.go); a larger
// one is streamed into a temporary file, which Commit syncs and renames
// into place.
// Either way the blob gets its ID at Commit, and only after Commit returns
// may the caller commit the metadata that references the ID; a crash in
// between leaves an unreferenced blob, which Sweep removes later. No
// partially written body is ever visible under an ID, and object keys are
// never used as file names.
//
// Layout under the store's directory (the 256 fan-out directories are made
// by Open, so that a large write creates one file and no directory, and
// writes to different blobs rarely contend for a directory):
//
//	ab/abcd<28 hex>         committed blobs, fanned out by their first 2 hex digits
//	ab/abcd<28 hex>.tmp     the body of that blob while it is written
//	packs/<8 hex>.pack      small blobs, appended (see pack.go)
//	packs/key               the key that authenticates their entry headers
//	trash/<id>              deleted blob files, unlinked in the background
//
// Stores written by earlier versions also hold ab/cd/<id> (blobs) and
// tmp/<random>.tmp (bodies being written); they are read and swept alike.
package blob

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// ID names a committed blob: 32 lowercase hex digits (128 random bits).
type ID string

const idLen = 32

// Errors returned by the store.
var (
	ErrNotFound  = errors.New("blob: not found")
	ErrInvalidID = errors.New("blob: invalid id")
	ErrClosed    = errors.New("blob: writer already committed or aborted")
)

// ParseID validates s as a blob ID, for IDs read back from metadata.
func ParseID(s string) (ID, error) {
	id := ID(s)
	if !id.Valid() {
		return "", fmt.Errorf("%w: %q", ErrInvalidID, s)
	}
	return id, nil
}

// Valid reports whether id has the exact form the store generates; only valid
// IDs are ever turned into paths.
func (id ID) Valid() bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// newID returns a random ID for a blob file (never of the packed form).
func newID() (ID, error) {
	var b [idLen / 2]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		if b[0] != packMarker {
			return ID(hex.EncodeToString(b[:])), nil
		}
	}
}

// Options configure a Store. The zero value is durable.
type Options struct {
	// NoSync skips fsync in Commit. Blobs then survive a crash of the hako
	// process but not a power loss. Default (false): Commit returns only
	// after the blob (a file and its directory entry, or a pack entry) is
	// on disk.
	NoSync bool
	// Logger receives sweep reports; nil discards.
	Logger *slog.Logger
}

// Store is a directory of immutable blobs. It is safe for concurrent use.
// One Store owns its directory: Sweep deletes whatever the owner's metadata
// does not reference, so two services must not share a directory.
type Store struct {
	dir  string
	tmp  string // of earlier versions
	sync bool
	log  *slog.Logger
	bufs sync.Pool // *[]byte of copyBufSize

	packs *packs // small blobs (pack.go)

	lanes md5Lanes // MD5 of concurrent large bodies (md5lanes.go)

	trashMu   sync.Mutex
	trashQ    []string // deleted blob files to unlink
	trashBusy bool     // an unlinker goroutine runs

	mu     sync.Mutex
	active map[string]struct{} // temp files of open Writers, skipped by Sweep
}

const (
	tmpDir      = "tmp" // of earlier versions
	trashDir    = "trash"
	tmpSuffix   = ".tmp"
	copyBufSize = 1 << 20
	dirPerm     = 0o750
	filePerm    = 0o600
)

// Open opens (creating if needed) the blob store in dir.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob: empty directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{
		dir:    abs,
		tmp:    filepath.Join(abs, tmpDir),
		sync:   !opts.NoSync,
		log:    opts.Logger,
		active: map[string]struct{}{},
	}
	s.lanes.from = lanesFrom()
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.bufs.New = func() any { b := make([]byte, copyBufSize); return &b }
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	created := false
	for i := range 256 {
		err := os.Mkdir(filepath.Join(abs, hex.EncodeToString([]byte{byte(i)})), dirPerm)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("blob: %w", err)
		}
		created = created || err == nil
	}
	if s.sync && created {
		if err := syncDir(abs); err != nil {
			return nil, fmt.Errorf("blob: %w", err)
		}
	}
	if err := os.Mkdir(filepath.Join(abs, trashDir), dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if s.packs, err = openPacks(s); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return s, nil
}

// Close stops the store's background hashing once the Writers still open
// have ended; Writers created afterwards hash on their own goroutines. The
// store stays usable.
func (s *Store) Close() error {
	s.lanes.close()
	return nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// path returns the file of a valid id: DIR/ab/<id>.
func (s *Store) path(id ID) string {
	return filepath.Join(s.dir, string(id[0:2]), string(id))
}

// legacyPath is where earlier versions kept a blob: DIR/ab/cd/<id>.
func (s *Store) legacyPath(id ID) string {
	return filepath.Join(s.dir, string(id[0:2]), string(id[2:4]), string(id))
}

// withLegacy runs op on the file of id, and again on its legacy file when
// the first is missing.
func withLegacy[T any](s *Store, id ID, op func(string) (T, error)) (T, error) {
	v, err := op(s.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		if lv, lerr := op(s.legacyPath(id)); !errors.Is(lerr, fs.ErrNotExist) {
			return lv, lerr
		}
	}
	return v, err
}

// Create starts a new blob in a temporary file. The Writer computes MD5 and
// the algorithms in algs while writing. The caller must end it with Commit
// or Abort (defer w.Abort() is safe: it is a no-op after Commit).
func (s *Store) Create(algs Algorithms) (*Writer, error) {
	return s.create(algs | MD5)
}

func (s *Store) create(algs Algorithms) (*Writer, error) {
	return &Writer{s: s, h: newHasher(algs)}, nil
}

// createFile creates the temporary file of a blob that outgrew memory.
func (s *Store) createFile() (ID, string, *os.File, error) {
	id, err := newID()
	if err != nil {
		return "", "", nil, err
	}
	name := s.path(id) + tmpSuffix
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return "", "", nil, fmt.Errorf("blob: %w", err)
	}
	s.mu.Lock()
	s.active[name] = struct{}{}
	s.mu.Unlock()
	return id, name, f, nil
}

func (s *Store) release(name string) {
	s.mu.Lock()
	delete(s.active, name)
	s.mu.Unlock()
}

// Open opens a committed blob for reading.
func (s *Store) Open(id ID) (*Reader, error) {
	if !id.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrInvalidID, string(id))
	}
	if r, err := s.packs.open(id); !errors.Is(err, errNotPacked) {
		return r, err
	}
	f, err := withLegacy(s, id, os.Open)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Reader{f: f, size: fi.Size()}, nil
}

// Size returns the size of a committed blob.
func (s *Store) Size(id ID) (int64, error) {
	if !id.Valid() {
		return 0, fmt.Errorf("%w: %q", ErrInvalidID, string(id))
	}
	if _, loc, err := s.packs.stat(id); !errors.Is(err, errNotPacked) {
		return int64(loc.n), err
	}
	fi, err := withLegacy(s, id, os.Stat)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return 0, fmt.Errorf("blob: %w", err)
	}
	return fi.Size(), nil
}

// Delete removes a blob; deleting a missing blob is not an error. Readers
// that already opened it keep reading it (POSIX unlink semantics). Delete
// does not fsync: a blob that reappears after a power loss is unreferenced
// and Sweep removes it.
//
// A blob file is moved to DIR/trash and unlinked there by a background
// goroutine: freeing a large file's blocks can take tens of milliseconds
// (more with online discard), which must not delay the request that
// replaced the blob. Sweep empties the trash a crash left.
func (s *Store) Delete(id ID) error {
	if !id.Valid() {
		return fmt.Errorf("%w: %q", ErrInvalidID, string(id))
	}
	if err := s.packs.remove(id); !errors.Is(err, errNotPacked) {
		if err != nil {
			return fmt.Errorf("blob: %w", err)
		}
		return nil
	}
	trashed := filepath.Join(s.dir, trashDir, string(id))
	_, err := withLegacy(s, id, func(p string) (struct{}, error) { return struct{}{}, os.Rename(p, trashed) })
	if err == nil {
		s.unlinkLater(trashed)
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		// Not movable (the trash is gone?): remove it in place.
		_, err = withLegacy(s, id, func(p string) (struct{}, error) { return struct{}{}, os.Remove(p) })
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// unlinkLater queues a trashed file for the background unlinker, starting
// it if idle (it exits when the queue is empty).
func (s *Store) unlinkLater(name string) {
	s.trashMu.Lock()
	s.trashQ = append(s.trashQ, name)
	start := !s.trashBusy
	s.trashBusy = true
	s.trashMu.Unlock()
	if start {
		go s.unlinker()
	}
}

func (s *Store) unlinker() {
	for {
		s.trashMu.Lock()
		if len(s.trashQ) == 0 {
			s.trashBusy = false
			s.trashQ = nil
			s.trashMu.Unlock()
			return
		}
		name := s.trashQ[0]
		s.trashQ = s.trashQ[1:]
		s.trashMu.Unlock()
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("blob: removing a deleted blob", "path", name, "err", err)
		}
	}
}

// Reader reads a committed blob. It is an io.ReadSeeker and an io.ReaderAt
// (ReadAt may be called concurrently; Read and Seek may not). Serve a Range
// with io.NewSectionReader(r, off, n). Close it when done. A small
// (packed) blob is read whole into memory by Open, so that deleting it
// meanwhile does not affect the Reader.
type Reader struct {
	f    *os.File // nil for a packed blob
	b    []byte   // a packed blob's body
	bp   *[]byte  // its pooled buffer
	off  int64    // a packed blob's read position
	size int64
}

var (
	_ io.ReadSeekCloser = (*Reader)(nil)
	_ io.ReaderAt       = (*Reader)(nil)
	_ io.WriterTo       = (*Reader)(nil)
)

// Size returns the blob's length in bytes.
func (r *Reader) Size() int64 { return r.size }

func (r *Reader) Read(p []byte) (int, error) {
	if r.f != nil {
		return r.f.Read(p)
	}
	if r.off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += int64(n)
	return n, nil
}

// ReadAt reads len(p) bytes at off.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if r.f != nil {
		return r.f.ReadAt(p, off)
	}
	if off < 0 {
		return 0, errors.New("blob: negative offset")
	}
	if off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Seek sets the offset of the next Read.
func (r *Reader) Seek(off int64, whence int) (int64, error) {
	if r.f != nil {
		return r.f.Seek(off, whence)
	}
	switch whence {
	case io.SeekCurrent:
		off += r.off
	case io.SeekEnd:
		off += r.size
	}
	if off < 0 {
		return 0, errors.New("blob: negative position")
	}
	r.off = off
	return off, nil
}

// WriteTo copies the rest of the blob to w: a small blob in one Write, a
// file letting the kernel move the bytes when w can take them from a file:
// a socket or file (sendfile, copy_file_range), or an http.ResponseWriter,
// whose ReadFrom hands the file to its connection's (sendfile).
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	if r.f == nil {
		if r.off >= int64(len(r.b)) {
			return 0, nil
		}
		n, err := w.Write(r.b[r.off:])
		r.off += int64(n)
		return int64(n), err
	}
	if rf, ok := w.(io.ReaderFrom); ok {
		return rf.ReadFrom(r.f)
	}
	return io.Copy(w, r.f)
}

// Close releases the file or buffer.
func (r *Reader) Close() error {
	if r.f != nil {
		return r.f.Close()
	}
	if r.bp != nil {
		readerBufs.Put(r.bp)
		r.bp, r.b = nil, nil
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
