// Package blob stores object bodies (S3 objects and parts, function code) as
// files in the data directory, outside the database.
//
// A body is streamed into a temporary file, hashed on the way (MD5 for ETags
// and any of S3's checksum algorithms), then synced and renamed into place by
// Commit under a fresh random ID. Only after Commit returns may the caller
// commit the metadata that references the ID; a crash in between leaves an
// unreferenced blob, which Sweep removes later. No partially written body is
// ever visible under an ID, and object keys are never used as file names.
//
// Layout under the store's directory:
//
//	tmp/<random>.tmp        bodies being written
//	ab/cd/abcd<28 hex>      committed blobs, fanned out by the first 4 hex digits
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

func newID() (ID, error) {
	var b [idLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return ID(hex.EncodeToString(b[:])), nil
}

// Options configure a Store. The zero value is durable.
type Options struct {
	// NoSync skips fsync in Commit. Blobs then survive a crash of the hako
	// process but not a power loss. Default (false): Commit returns only
	// after the file and its directory entry are on disk.
	NoSync bool
	// Logger receives sweep reports; nil discards.
	Logger *slog.Logger
}

// Store is a directory of immutable blobs. It is safe for concurrent use.
// One Store owns its directory: Sweep deletes whatever the owner's metadata
// does not reference, so two services must not share a directory.
type Store struct {
	dir  string
	tmp  string
	sync bool
	log  *slog.Logger
	bufs sync.Pool // *[]byte of copyBufSize

	mu     sync.Mutex
	active map[string]struct{} // temp files of open Writers, skipped by Sweep
}

const (
	tmpDir      = "tmp"
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
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.bufs.New = func() any { b := make([]byte, copyBufSize); return &b }
	if err := os.MkdirAll(s.tmp, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if s.sync {
		if err := syncDir(abs); err != nil {
			return nil, fmt.Errorf("blob: %w", err)
		}
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// path returns the file of a valid id: DIR/ab/cd/<id>.
func (s *Store) path(id ID) string {
	return filepath.Join(s.dir, string(id[0:2]), string(id[2:4]), string(id))
}

// Create starts a new blob in a temporary file. The Writer computes MD5 and
// the algorithms in algs while writing. The caller must end it with Commit
// or Abort (defer w.Abort() is safe: it is a no-op after Commit).
func (s *Store) Create(algs Algorithms) (*Writer, error) {
	return s.create(algs | MD5)
}

func (s *Store) create(algs Algorithms) (*Writer, error) {
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	name := filepath.Join(s.tmp, hex.EncodeToString(rnd[:])+".tmp")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	s.mu.Lock()
	s.active[name] = struct{}{}
	s.mu.Unlock()
	return &Writer{s: s, f: f, name: name, h: newHasher(algs)}, nil
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
	f, err := os.Open(s.path(id))
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
	fi, err := os.Stat(s.path(id))
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
func (s *Store) Delete(id ID) error {
	if !id.Valid() {
		return fmt.Errorf("%w: %q", ErrInvalidID, string(id))
	}
	err := os.Remove(s.path(id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Reader reads a committed blob. It is an io.ReadSeeker and an io.ReaderAt
// (ReadAt may be called concurrently; Read and Seek may not). Serve a Range
// with io.NewSectionReader(r, off, n). Close it when done.
type Reader struct {
	f    *os.File
	size int64
}

var (
	_ io.ReadSeekCloser = (*Reader)(nil)
	_ io.ReaderAt       = (*Reader)(nil)
	_ io.WriterTo       = (*Reader)(nil)
)

// Size returns the blob's length in bytes.
func (r *Reader) Size() int64 { return r.size }

func (r *Reader) Read(p []byte) (int, error) { return r.f.Read(p) }

// ReadAt reads len(p) bytes at off.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) { return r.f.ReadAt(p, off) }

// Seek sets the offset of the next Read.
func (r *Reader) Seek(off int64, whence int) (int64, error) { return r.f.Seek(off, whence) }

// WriteTo copies the rest of the blob to w, letting the kernel move the
// bytes (sendfile/splice) when w is a socket or file.
func (r *Reader) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, r.f) }

// Close releases the file.
func (r *Reader) Close() error { return r.f.Close() }

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
