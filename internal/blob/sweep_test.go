package blob

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// committed lists every blob file visible in the store.
func committed(t *testing.T, s *Store) []ID {
	t.Helper()
	var ids []ID
	filepath.WalkDir(s.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.IsDir() && (d.Name() == tmpDir || d.Name() == packDir || d.Name() == trashDir) {
			return filepath.SkipDir
		}
		if !d.IsDir() && !strings.HasSuffix(d.Name(), tmpSuffix) {
			ids = append(ids, ID(d.Name()))
		}
		return nil
	})
	return ids
}

func age(t *testing.T, path string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

// TestCrashBeforeCommit: a Writer abandoned mid-body (the process died)
// leaves only a temporary file, never a blob; after a restart Sweep removes
// it once it is older than the cutoff.
func TestCrashBeforeCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := s.Create(0)
	w.Write(randBytes(3<<20, 1))
	// No Commit, no Abort: "crash". A second writer is still open in the
	// same process and must survive any sweep.
	open, _ := s.Create(0)
	open.Write(randBytes(smallMax+1, 2)) // a file: small bodies stay in memory
	age(t, open.name, 2*time.Hour)
	if ids := committed(t, s); len(ids) != 0 {
		t.Fatalf("uncommitted body visible as %v", ids)
	}
	if st, err := s.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive); err != nil || st.Temps != 0 {
		t.Fatalf("young temp swept: %+v %v", st, err)
	}
	age(t, w.name, 2*time.Hour)
	// The crashed writer is not open in a restarted store.
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s2.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive)
	if err != nil || st.Temps != 2 {
		t.Fatalf("restarted sweep: %+v %v", st, err)
	}
	if tf := tempFiles(t, s2); len(tf) != 0 {
		t.Fatalf("temps left: %v", tf)
	}
	// In the original store, the open writer's temp file is protected.
	open2, _ := s.Create(0)
	open2.Write(randBytes(smallMax+1, 3))
	age(t, open2.name, 2*time.Hour)
	if st, _ := s.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive); st.Temps != 0 {
		t.Fatalf("open writer's temp swept: %+v", st)
	}
	if _, err := open2.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestSweepOrphans: a committed blob whose metadata never committed is
// removed when unreferenced and old; referenced or young blobs stay.
func TestSweepOrphans(t *testing.T) {
	for _, size := range []int{1, smallMax + 1} {
		t.Run(fmt.Sprintf("size%d", size), func(t *testing.T) { testSweepOrphans(t, size) })
	}
}

// testSweepOrphans: small bodies are packed, larger ones files.
func testSweepOrphans(t *testing.T, size int) {
	s := newStore(t, Options{NoSync: true})
	ctx := context.Background()
	var live, dead, young []ID
	body := func(i int) []byte {
		b := make([]byte, size)
		copy(b, fmt.Sprint(i))
		return b
	}
	for i := range 1200 { // more than two LiveFunc batches
		id := put(t, s, body(i))
		if i%2 == 0 {
			live = append(live, id)
		} else {
			dead = append(dead, id)
		}
	}
	cutoff := time.Now()
	time.Sleep(2 * time.Millisecond)
	for i := range 400 {
		young = append(young, put(t, s, body(1200+i)))
	}
	// Foreign files are left alone.
	foreign := filepath.Join(s.Dir(), "notes.txt")
	os.WriteFile(foreign, []byte("x"), 0o600)
	age(t, foreign, 2*time.Hour)

	isLive := map[ID]bool{}
	for _, id := range live {
		isLive[id] = true
	}
	var calls int
	var mu sync.Mutex
	liveFn := func(_ context.Context, ids []ID) (map[ID]bool, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		if len(ids) > SweepBatch {
			t.Errorf("batch of %d", len(ids))
		}
		out := map[ID]bool{}
		for _, id := range ids {
			if isLive[id] {
				out[id] = true
			}
		}
		return out, nil
	}
	// A failing LiveFunc deletes nothing.
	if _, err := s.Sweep(ctx, cutoff, func(context.Context, []ID) (map[ID]bool, error) {
		return nil, fmt.Errorf("db down")
	}); err == nil {
		t.Fatal("failing LiveFunc: no error")
	}
	for _, id := range dead {
		if _, err := s.Size(id); err != nil {
			t.Fatalf("failing LiveFunc: %s removed", id)
		}
	}
	st, err := s.Sweep(ctx, cutoff, liveFn)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scanned != 1600 || st.Removed != len(dead) || calls < 2 {
		t.Fatalf("stats %+v, calls %d", st, calls)
	}
	for _, id := range dead {
		if _, err := s.Open(id); err == nil {
			t.Fatalf("dead %s survived", id)
		}
	}
	for _, id := range append(live, young...) {
		if _, err := s.Size(id); err != nil {
			t.Fatalf("kept %s: %v", id, err)
		}
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatal("foreign file removed")
	}
}

// TestCommitRefreshesMtime: the grace period counts from Commit, not from
// the last Write, so a slow upload is not swept between Commit and its
// metadata commit.
func TestCommitRefreshesMtime(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	w, _ := s.Create(0)
	w.Write(randBytes(smallMax+1, 4)) // a file
	age(t, w.name, 3*time.Hour)
	id, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive); st.Removed != 0 {
		t.Fatal("freshly committed blob swept")
	}
	if _, err := s.Size(id); err != nil {
		t.Fatal(err)
	}
}

// crashBody is a self-checking body: 8 bytes of length, then a pattern
// derived from it, so any blob file can be checked for completeness.
func crashBody(n int) []byte {
	b := make([]byte, n)
	binary.BigEndian.PutUint64(b, uint64(n))
	for i := 8; i < n; i++ {
		b[i] = byte(i*7 + n)
	}
	return b
}

// TestKillDuringWrites: a child process writes blobs concurrently and is
// killed with SIGKILL. Every blob it acknowledged reads back whole, and no
// blob file of any ID is partial.
func TestKillDuringWrites(t *testing.T) {
	if dir := os.Getenv("HAKO_BLOB_CRASH_DIR"); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := filepath.Join(t.TempDir(), "blobs")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringWrites$")
	cmd.Env = append(os.Environ(), "HAKO_BLOB_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[ID]int{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 60 {
		var id string
		var n int
		if _, err := fmt.Sscan(sc.Text(), &id, &n); err == nil {
			acked[ID(id)] = n
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(acked) < 60 {
		t.Fatalf("child acknowledged only %d blobs", len(acked))
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range acked {
		if !bytes.Equal(get(t, s, id), crashBody(n)) {
			t.Fatalf("acknowledged %s not whole", id)
		}
	}
	for _, id := range committed(t, s) {
		got := get(t, s, id)
		if len(got) < 8 || !bytes.Equal(got, crashBody(int(binary.BigEndian.Uint64(got)))) {
			t.Fatalf("partial blob visible: %s (%d bytes)", id, len(got))
		}
	}
	if len(tempFiles(t, s)) == 0 {
		t.Log("no temporary file was caught in flight")
	}
	st, err := s.Sweep(context.Background(), time.Now().Add(time.Minute), func(_ context.Context, ids []ID) (map[ID]bool, error) {
		m := map[ID]bool{}
		for _, id := range ids {
			if _, ok := acked[id]; ok {
				m[id] = true
			}
		}
		return m, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after kill: %d acknowledged, sweep %+v", len(acked), st)
	if tf := tempFiles(t, s); len(tf) != 0 {
		t.Fatalf("temps left after sweep: %v", tf)
	}
	for id := range acked {
		if _, err := s.Size(id); err != nil {
			t.Fatalf("sweep removed acknowledged %s", id)
		}
	}
}

func crashChild(dir string) {
	s, err := Open(dir, Options{})
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				n := 8 + (g*131071+i*65537)%(1<<20)
				w, err := s.Create(0)
				if err != nil {
					panic(err)
				}
				body := crashBody(n)
				for len(body) > 0 {
					k := min(len(body), 100000)
					w.Write(body[:k])
					body = body[k:]
				}
				id, err := w.Commit()
				if err != nil {
					panic(err)
				}
				mu.Lock()
				fmt.Println(id, n)
				mu.Unlock()
			}
		}()
	}
	select {}
}

// TestLegacyLayout: blobs and temporary files of the earlier layout
// (ab/cd/<id>, tmp/<random>.tmp) are read, deleted and swept.
func TestLegacyLayout(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	legacy := func(id ID, body string) {
		p := s.legacyPath(id)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		age(t, p, 2*time.Hour)
	}
	live, dead, gone := ID("abcd"+strings.Repeat("1", 28)), ID("abcd"+strings.Repeat("2", 28)), ID("ab01"+strings.Repeat("3", 28))
	legacy(live, "live")
	legacy(dead, "dead")
	legacy(gone, "gone")
	if got := get(t, s, live); string(got) != "live" {
		t.Fatalf("legacy blob reads %q", got)
	}
	if n, err := s.Size(dead); err != nil || n != 4 {
		t.Fatalf("legacy Size = %d, %v", n, err)
	}
	if err := s.Delete(gone); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(gone); !errors.Is(err, ErrNotFound) {
		t.Fatalf("legacy blob after Delete: %v", err)
	}
	if err := os.MkdirAll(s.tmp, 0o750); err != nil {
		t.Fatal(err)
	}
	oldTemp := filepath.Join(s.tmp, "0123.tmp")
	os.WriteFile(oldTemp, []byte("half"), 0o600)
	age(t, oldTemp, 2*time.Hour)
	cur := put(t, s, randBytes(smallMax+1, 5))
	age(t, s.path(cur), 2*time.Hour)

	st, err := s.Sweep(context.Background(), time.Now().Add(-time.Hour), func(_ context.Context, ids []ID) (map[ID]bool, error) {
		return map[ID]bool{live: true, cur: true}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Scanned != 3 || st.Removed != 1 || st.Temps != 1 {
		t.Fatalf("sweep %+v, want 3 scanned, 1 removed, 1 temp", st)
	}
	if _, err := s.Size(dead); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unreferenced legacy blob survived: %v", err)
	}
	for _, id := range []ID{live, cur} {
		if _, err := s.Size(id); err != nil {
			t.Fatalf("referenced %s swept: %v", id, err)
		}
	}
}

// TestTrash: a deleted blob file is gone from its place at once and
// unlinked in the background; Sweep empties what a crash left in the
// trash.
func TestTrash(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	trash := filepath.Join(s.Dir(), trashDir)
	waitEmpty := func() {
		t.Helper()
		for range 500 {
			if ents, _ := os.ReadDir(trash); len(ents) == 0 {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		ents, _ := os.ReadDir(trash)
		t.Fatalf("%d files left in the trash", len(ents))
	}
	var ids []ID
	for i := range 20 {
		ids = append(ids, put(t, s, randBytes(smallMax+1+i, uint64(i))))
	}
	r, err := s.Open(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := s.Delete(id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open after Delete: %v", err)
		}
	}
	if got, _ := io.ReadAll(r); !bytes.Equal(got, randBytes(smallMax+1, 0)) {
		t.Fatal("an open Reader lost its blob")
	}
	r.Close()
	waitEmpty()
	// A crash between the move and the unlink.
	left := filepath.Join(trash, strings.Repeat("ab", 16))
	os.WriteFile(left, []byte("x"), 0o600)
	if _, err := s.Sweep(context.Background(), time.Now().Add(-time.Hour), noneLive); err != nil {
		t.Fatal(err)
	}
	waitEmpty()
}
