package blob

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func newStore(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "blobs"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(t testing.TB, s *Store, data []byte) ID {
	t.Helper()
	w, err := s.Create(0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	id, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func get(t testing.TB, s *Store, id ID) []byte {
	t.Helper()
	r, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != r.Size() {
		t.Fatalf("read %d bytes, Size %d", len(b), r.Size())
	}
	return b
}

func randBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// tempFiles lists the store's temporary files (ab/<id>.tmp, and those of
// the legacy tmp directory).
func tempFiles(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{filepath.Join(s.Dir(), "??", "*"+tmpSuffix), filepath.Join(s.tmp, "*")} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	return out
}

func TestPutGetDelete(t *testing.T) {
	for _, opts := range []Options{{}, {NoSync: true}} {
		s := newStore(t, opts)
		for _, n := range []int{0, 1, 4096, smallMax, smallMax + 1, parallelMin - 1, parallelMin, 3<<20 + 17} {
			data := randBytes(n, uint64(n))
			w, err := s.Create(SHA256)
			if err != nil {
				t.Fatal(err)
			}
			// Several writes of odd sizes, some over parallelMin.
			for rest := data; len(rest) > 0; {
				k := min(len(rest), 1+len(rest)/3)
				if _, err := w.Write(rest[:k]); err != nil {
					t.Fatal(err)
				}
				rest = rest[k:]
			}
			if w.Size() != int64(n) {
				t.Fatalf("Size %d, want %d", w.Size(), n)
			}
			sums := w.Sums()
			id, err := w.Commit()
			if err != nil {
				t.Fatal(err)
			}
			if !id.Valid() {
				t.Fatalf("invalid id %q", id)
			}
			if sums.MD5 != md5.Sum(data) || sums.SHA256 != sha256.Sum256(data) {
				t.Fatalf("n=%d: wrong sums", n)
			}
			if got := get(t, s, id); !bytes.Equal(got, data) {
				t.Fatalf("n=%d: read back differs", n)
			}
			if size, err := s.Size(id); err != nil || size != int64(n) {
				t.Fatalf("Size(id) = %d, %v", size, err)
			}
			_, packed := parsePacked(id)
			if packed != (n <= smallMax) {
				t.Fatalf("n=%d: packed %v", n, packed)
			}
			if _, err := os.Stat(filepath.Join(s.Dir(), string(id[:2]), string(id))); (err == nil) == packed {
				t.Fatalf("n=%d: file in fan-out layout: %v", n, err)
			}
			if err := s.Delete(id); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(id); err != nil {
				t.Fatalf("second Delete: %v", err)
			}
			if _, err := s.Open(id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Open after Delete: %v", err)
			}
		}
		if tf := tempFiles(t, s); len(tf) != 0 {
			t.Fatalf("temporary files left: %v", tf)
		}
	}
}

func TestWriterLifecycle(t *testing.T) {
	s := newStore(t, Options{})
	w, _ := s.Create(0)
	w.Write([]byte("abc"))
	w.Abort()
	w.Abort()
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Abort: %v", err)
	}
	if _, err := w.Commit(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Commit after Abort: %v", err)
	}
	if tf := tempFiles(t, s); len(tf) != 0 {
		t.Fatalf("Abort left %v", tf)
	}

	w, _ = s.Create(0)
	w.Write([]byte("abc"))
	id, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	w.Abort() // no-op after Commit
	if _, err := w.Commit(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Commit: %v", err)
	}
	if got := get(t, s, id); string(got) != "abc" {
		t.Fatalf("got %q after Abort-after-Commit", got)
	}

	// ReadFrom with a reader that returns tiny pieces.
	data := randBytes(5<<20+3, 7)
	w, _ = s.Create(CRC64NVME)
	n, err := io.Copy(w, io.LimitReader(&slowReader{r: bytes.NewReader(data)}, int64(len(data))))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Copy = %d, %v", n, err)
	}
	sums := w.Sums()
	id, err = w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(get(t, s, id), data) || sums.CRC64NVME != UpdateCRC64NVME(0, data) || sums.MD5 != md5.Sum(data) {
		t.Fatal("ReadFrom: wrong content or sums")
	}
}

type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), 1000)]) }

func TestInvalidIDs(t *testing.T) {
	s := newStore(t, Options{})
	// A file outside the store that a path-traversing ID would reach.
	secret := filepath.Join(filepath.Dir(s.Dir()), "secret")
	os.WriteFile(secret, []byte("x"), 0o600)
	bad := []ID{"", "../secret", "../../../../etc/passwd", ID(strings.Repeat("a", 1000)),
		"ABCDEF0123456789abcdef0123456789", "abcdef0123456789abcdef012345678", "abcdef0123456789abcdef01234567/9",
		"abcdef0123456789abcdef012345678\x00", ID(strings.Repeat("../", 11)) + "ab"}
	for _, id := range bad {
		if _, err := s.Open(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Open(%q): %v", id, err)
		}
		if err := s.Delete(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Delete(%q): %v", id, err)
		}
		if _, err := s.Size(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Size(%q): %v", id, err)
		}
		if _, err := s.Concat(context.Background(), []ID{id}, 0); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Concat(%q): %v", id, err)
		}
		if _, err := ParseID(string(id)); !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseID(%q): %v", id, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatal("secret touched")
	}
	id := put(t, s, []byte("x"))
	if got, err := ParseID(string(id)); err != nil || got != id {
		t.Fatalf("ParseID(%q) = %q, %v", id, got, err)
	}
	if _, err := s.Open("0123456789abcdef0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open(missing): %v", err)
	}
}

func TestRangeReads(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	data := randBytes(1<<20+5, 3)
	id := put(t, s, data)
	r, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, rg := range [][2]int64{{0, 1}, {0, int64(len(data))}, {100, 1000}, {int64(len(data)) - 1, 1}, {65535, 3 << 17}} {
		got, err := io.ReadAll(io.NewSectionReader(r, rg[0], rg[1]))
		if err != nil || !bytes.Equal(got, data[rg[0]:rg[0]+rg[1]]) {
			t.Fatalf("range %v: %v", rg, err)
		}
	}
	// ReadAt past the end.
	p := make([]byte, 10)
	if n, err := r.ReadAt(p, int64(len(data))-4); n != 4 || err != io.EOF {
		t.Fatalf("ReadAt at end = %d, %v", n, err)
	}
	// Seek + Read, then WriteTo for the rest (suffix range).
	if _, err := r.Seek(-10, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if n, err := r.WriteTo(&buf); err != nil || n != 10 || !bytes.Equal(buf.Bytes(), data[len(data)-10:]) {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
	// Concurrent ReadAt.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			p := make([]byte, 4096)
			off := int64(g * 100000)
			if _, err := r.ReadAt(p, off); err != nil || !bytes.Equal(p, data[off:off+4096]) {
				t.Errorf("concurrent ReadAt %d: %v", off, err)
			}
		})
	}
	wg.Wait()
}

func TestDeleteWhileReading(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	data := randBytes(100000, 9)
	id := put(t, s, data)
	r, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := s.Delete(id); err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); !bytes.Equal(got, data) {
		t.Fatal("an open reader must keep reading a deleted blob")
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := newStore(t, Options{})
	const writers = 32
	ids := make([]ID, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			data := randBytes(1000+i*37000, uint64(i))
			w, err := s.Create(CRC32C)
			if err != nil {
				t.Error(err)
				return
			}
			defer w.Abort()
			if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
				t.Error(err)
				return
			}
			id, err := w.Commit()
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = id
			if got := get(t, s, id); !bytes.Equal(got, data) {
				t.Errorf("writer %d: content differs", i)
			}
		})
	}
	// A sweep with everything dead running meanwhile must not touch fresh
	// blobs or open temp files.
	wg.Go(func() {
		if _, err := s.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	seen := map[ID]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
		if got := get(t, s, id); !bytes.Equal(got, randBytes(1000+i*37000, uint64(i))) {
			t.Fatalf("blob %d differs after all writers", i)
		}
	}
}

func noneLive(context.Context, []ID) (map[ID]bool, error) { return nil, nil }

func TestConcat(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	parts := [][]byte{randBytes(5<<20, 1), randBytes(1, 2), {}, randBytes(3<<20+11, 3)}
	var ids []ID
	var all []byte
	for _, p := range parts {
		ids = append(ids, put(t, s, p))
		all = append(all, p...)
	}
	for _, algs := range []Algorithms{0, MD5 | CRC64NVME | SHA1} {
		w, err := s.Concat(ctx, ids, algs)
		if err != nil {
			t.Fatal(err)
		}
		if w.Size() != int64(len(all)) {
			t.Fatalf("Size %d, want %d", w.Size(), len(all))
		}
		sums := w.Sums()
		id, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(get(t, s, id), all) {
			t.Fatalf("algs %b: concatenation differs", algs)
		}
		if sums.Algorithms != algs {
			t.Fatalf("sums of %b, want %b", sums.Algorithms, algs)
		}
		if algs != 0 && (sums.MD5 != md5.Sum(all) || sums.CRC64NVME != UpdateCRC64NVME(0, all)) {
			t.Fatal("concat sums wrong")
		}
	}
	// A missing part fails and leaves nothing behind.
	if _, err := s.Concat(ctx, []ID{ids[0], "00000000000000000000000000000000"}, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing part: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Concat(cctx, ids, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
	if tf := tempFiles(t, s); len(tf) != 0 {
		t.Fatalf("failed Concat left %v", tf)
	}
	// Single-source copy (CopyObject).
	w, err := s.Concat(ctx, ids[:1], 0)
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.Commit()
	if err != nil || id == ids[0] || !bytes.Equal(get(t, s, id), parts[0]) {
		t.Fatalf("copy: %v", err)
	}
}
