package blob

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPackedBlobs: small bodies are packed (no file of their own), read
// back with every Reader method, and deleted.
func TestPackedBlobs(t *testing.T) {
	for _, opts := range []Options{{}, {NoSync: true}} {
		s := newStore(t, opts)
		for _, n := range []int{0, 1, 63, 64, 4032, 4033, 4096, 10000, smallMax} {
			data := randBytes(n, uint64(n)+1)
			// Through ReadFrom, as ingest writes, and through Write.
			for _, viaWrite := range []bool{false, true} {
				w, _ := s.Create(CRC64NVME)
				if viaWrite {
					for rest := data; len(rest) > 0; rest = rest[min(len(rest), 1000):] {
						w.Write(rest[:min(len(rest), 1000)])
					}
				} else if _, err := w.ReadFrom(bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
				if w.f != nil {
					t.Fatalf("n=%d: a file for a small body", n)
				}
				sums := w.Sums()
				id, err := w.Commit()
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := parsePacked(id); !ok || !id.Valid() {
					t.Fatalf("n=%d: id %s not packed", n, id)
				}
				if sums.MD5 != md5.Sum(data) || sums.CRC64NVME != UpdateCRC64NVME(0, data) {
					t.Fatalf("n=%d: sums", n)
				}
				if got := get(t, s, id); !bytes.Equal(got, data) {
					t.Fatalf("n=%d: read back differs", n)
				}
				if size, err := s.Size(id); err != nil || size != int64(n) {
					t.Fatalf("n=%d: Size = %d, %v", n, size, err)
				}
				r, err := s.Open(id)
				if err != nil {
					t.Fatal(err)
				}
				if n > 10 {
					buf := make([]byte, 5)
					if k, err := r.ReadAt(buf, 3); k != 5 || err != nil || !bytes.Equal(buf, data[3:8]) {
						t.Fatalf("ReadAt = %d, %v", k, err)
					}
					if pos, err := r.Seek(-4, io.SeekEnd); err != nil || pos != int64(n-4) {
						t.Fatalf("Seek = %d, %v", pos, err)
					}
					var out bytes.Buffer
					if k, err := r.WriteTo(&out); err != nil || k != 4 || !bytes.Equal(out.Bytes(), data[n-4:]) {
						t.Fatalf("WriteTo after Seek = %d, %v", k, err)
					}
					sec := io.NewSectionReader(r, 2, int64(n-4))
					if got, _ := io.ReadAll(sec); !bytes.Equal(got, data[2:n-2]) {
						t.Fatal("section read differs")
					}
				}
				// A Reader opened before Delete keeps its bytes.
				if err := s.Delete(id); err != nil {
					t.Fatal(err)
				}
				r.Seek(0, io.SeekStart)
				if got, _ := io.ReadAll(r); !bytes.Equal(got, data) {
					t.Fatalf("n=%d: open Reader changed by Delete", n)
				}
				r.Close()
				r.Close()
				if _, err := s.Open(id); !errors.Is(err, ErrNotFound) {
					t.Fatalf("Open after Delete: %v", err)
				}
				if _, err := s.Size(id); !errors.Is(err, ErrNotFound) {
					t.Fatalf("Size after Delete: %v", err)
				}
				if err := s.Delete(id); err != nil {
					t.Fatalf("second Delete: %v", err)
				}
			}
		}
		// One byte over: a file.
		w, _ := s.Create(0)
		w.ReadFrom(bytes.NewReader(randBytes(smallMax+1, 9)))
		if w.f == nil {
			t.Fatal("no file for a body over smallMax")
		}
		w.Abort()
		if tf := tempFiles(t, s); len(tf) != 0 {
			t.Fatalf("temporary files left: %v", tf)
		}
	}
}

// TestPackedIDLookalike: a blob file whose ID has the packed form (IDs of
// earlier versions were fully random) is found as a file.
func TestPackedIDLookalike(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	put(t, s, []byte("makes pack 0 exist"))
	for _, id := range []ID{
		"f7000000000000000004000001020304", // pack 0, offset 0, length 4
		"f7ffffffffffffffffffffff01020304", // a length over smallMax
		"f7000099000000000000000001020304", // no such pack
	} {
		p := s.path(id)
		if err := os.WriteFile(p, []byte("file"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, id); string(got) != "file" {
			t.Fatalf("%s reads %q", id, got)
		}
		if n, err := s.Size(id); err != nil || n != 4 {
			t.Fatalf("%s: Size %d, %v", id, n, err)
		}
		if err := s.Delete(id); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s: file not deleted", id)
		}
	}
	for range 1000 {
		id, _ := newID()
		if _, ok := parsePacked(id); ok || id[:2] == "f7" {
			t.Fatalf("newID gave %s", id)
		}
	}
}

// TestPackSweep: old unreferenced entries are punched out, young and
// referenced ones stay; bytes that look like a header but lack the MAC
// (a body's, after a hole or a torn write) are never taken for an entry;
// a sealed pack left without entries is deleted.
func TestPackSweep(t *testing.T) {
	defer func(old int64) { packMax = old }(packMax)
	packMax = 64 << 10 // a few entries per pack
	s := newStore(t, Options{NoSync: true})
	ctx := context.Background()
	// A body that holds a forged header at every packAlign boundary.
	forged := make([]byte, 3*packAlign)
	for off := 0; off+packHeader <= len(forged); off += packAlign {
		copy(forged[off:], packMagic)
		copy(forged[off+8:], bytes.Repeat([]byte{0xee}, 48))
	}
	var live, dead []ID
	for i := range 40 {
		body := []byte(fmt.Sprintf("entry %d", i))
		if i%5 == 0 {
			body = forged
		}
		id := put(t, s, body)
		if i%2 == 0 {
			live = append(live, id)
		} else {
			dead = append(dead, id)
		}
	}
	// A torn write at the end of the current pack (a header without its
	// body) and garbage.
	s.packs.mu.Lock()
	pk := s.packs.cur
	s.packs.mu.Unlock()
	pk.f.WriteAt(forged[:packHeader], pk.end+packAlign)
	cutoff := time.Now()
	time.Sleep(2 * time.Millisecond)
	young := put(t, s, []byte("young"))

	isLive := map[ID]bool{}
	for _, id := range live {
		isLive[id] = true
	}
	liveFn := func(_ context.Context, ids []ID) (map[ID]bool, error) {
		m := map[ID]bool{}
		for _, id := range ids {
			if isLive[id] {
				m[id] = true
			}
			if id != young && !isLive[id] && !contains(dead, id) {
				t.Errorf("sweep found an entry that was never written: %s", id)
			}
		}
		return m, nil
	}
	packsBefore, _ := s.packs.list()
	st, err := s.Sweep(ctx, cutoff, liveFn)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scanned != 41 || st.Removed != len(dead) {
		t.Fatalf("sweep %+v, want 41 scanned and %d removed", st, len(dead))
	}
	for _, id := range dead {
		if _, err := s.Open(id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("dead %s: %v", id, err)
		}
	}
	for _, id := range append(live, young) {
		if _, err := s.Size(id); err != nil {
			t.Fatalf("kept %s: %v", id, err)
		}
	}
	// Everything dead: the sealed packs go, the current one stays.
	for _, id := range live {
		s.Delete(id)
	}
	s.Delete(young)
	if _, err := s.Sweep(ctx, time.Now().Add(time.Hour), liveFn); err != nil {
		t.Fatal(err)
	}
	// Every pack without data left goes; the one with the torn write (not
	// an authentic entry, so kept) and the current one stay.
	packsAfter, _ := s.packs.list()
	s.packs.mu.Lock()
	cur := s.packs.cur.num
	s.packs.mu.Unlock()
	want := []uint32{pk.num}
	if cur != pk.num {
		want = append(want, cur)
	}
	if len(packsBefore) < 3 || fmt.Sprint(packsAfter) != fmt.Sprint(want) {
		t.Fatalf("packs before %v, after %v, want %v", packsBefore, packsAfter, want)
	}
	// A new entry after that still works.
	id := put(t, s, []byte("after"))
	if got := get(t, s, id); string(got) != "after" {
		t.Fatal("put after sweep")
	}
}

func contains(ids []ID, id ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestPackReopen: packed blobs survive a restart; a new Store appends to
// a new pack.
func TestPackReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := put(t, s, []byte("before restart"))
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := put(t, s2, []byte("after restart"))
	if got := get(t, s2, a); string(got) != "before restart" {
		t.Fatalf("got %q", got)
	}
	pa, _ := parsePacked(a)
	pb, _ := parsePacked(b)
	if pa.num == pb.num {
		t.Fatal("the restarted store appends to the old pack")
	}
	key, _ := os.ReadFile(filepath.Join(dir, packDir, packKey))
	if len(key) != 32 || !bytes.Equal(key, s2.packs.key) {
		t.Fatal("the key is not kept")
	}
	// Another key: reads (which check the ID and the CRC) still work, but
	// no header is authentic to Sweep, which then removes nothing.
	os.WriteFile(filepath.Join(dir, packDir, packKey), bytes.Repeat([]byte{1}, 32), 0o600)
	s3, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s3.Sweep(context.Background(), time.Now().Add(time.Hour), noneLive)
	if err != nil || st.Scanned != 0 || st.Removed != 0 {
		t.Fatalf("sweep with another key: %+v, %v", st, err)
	}
	if got := get(t, s3, a); string(got) != "before restart" {
		t.Fatalf("Open with another key: %q", got)
	}
}

// TestPackConcurrent: concurrent small writers, readers and deleters.
func TestPackConcurrent(t *testing.T) {
	defer func(old int64) { packMax = old }(packMax)
	packMax = 1 << 20
	for _, opts := range []Options{{}, {NoSync: true}} {
		s := newStore(t, opts)
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 60 {
					data := randBytes(1+(g*977+i*131)%(smallMax), uint64(g*1000+i))
					w, _ := s.Create(0)
					w.ReadFrom(bytes.NewReader(data))
					id, err := w.Commit()
					if err != nil {
						errs <- err
						return
					}
					r, err := s.Open(id)
					if err != nil {
						errs <- err
						return
					}
					got, _ := io.ReadAll(r)
					r.Close()
					if !bytes.Equal(got, data) {
						errs <- fmt.Errorf("%s differs", id)
						return
					}
					if i%3 == 0 {
						if err := s.Delete(id); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		nums, _ := s.packs.list()
		if len(nums) < 2 {
			t.Errorf("%d packs, want the writes to roll over", len(nums))
		}
	}
}

// TestConcatPacked: Concat reads packed sources.
func TestConcatPacked(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	a, b := randBytes(1000, 1), randBytes(smallMax+10, 2)
	ia, ib := put(t, s, a), put(t, s, b)
	for _, algs := range []Algorithms{0, MD5} {
		w, err := s.Concat(context.Background(), []ID{ia, ib, ia}, algs)
		if err != nil {
			t.Fatal(err)
		}
		id, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		want := append(append(append([]byte{}, a...), b...), a...)
		if got := get(t, s, id); !bytes.Equal(got, want) {
			t.Fatalf("algs %d: concat differs", algs)
		}
	}
	if !strings.HasPrefix(string(ia), "f7") {
		t.Fatal("source not packed")
	}
}
