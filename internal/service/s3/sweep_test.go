package s3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/store"
)

// sweepEnv is a service on a data directory that can be "restarted".
type sweepEnv struct {
	t     *testing.T
	dir   string
	st    *store.Store
	blobs *blob.Store
	svc   *Service
}

func newSweepEnv(t *testing.T) *sweepEnv {
	e := &sweepEnv{t: t, dir: t.TempDir()}
	st, err := store.Open(context.Background(), store.Options{DataDir: e.dir})
	if err != nil {
		t.Fatal(err)
	}
	e.st = st
	t.Cleanup(func() {
		if e.svc != nil {
			e.svc.Close()
		}
		e.st.Close()
	})
	return e
}

// start opens the blob store anew (a new process knows none of the old
// one's open writers) and starts the service.
func (e *sweepEnv) start(clk clock.Clock) {
	e.t.Helper()
	b, err := blob.Open(filepath.Join(e.dir, "s3"), blob.Options{NoSync: true})
	if err != nil {
		e.t.Fatal(err)
	}
	e.blobs = b
	e.svc, err = New(context.Background(), Config{Store: e.st, Blobs: b, Clock: clk})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *sweepEnv) stop() {
	e.svc.Close()
	e.svc = nil
}

// waitSweeps waits until the sweeper has completed n sweeps.
func (e *sweepEnv) waitSweeps(n int) blob.SweepStats {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runs, st := e.svc.sweep.sweeps()
		if runs >= n {
			return st
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d sweeps after 10s, want %d", runs, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// orphan commits a blob that no metadata references, as a crash between
// the blob commit and the metadata commit leaves it.
func (e *sweepEnv) orphan(data string) blob.ID {
	e.t.Helper()
	w, err := e.blobs.Create(0)
	if err != nil {
		e.t.Fatal(err)
	}
	w.Write([]byte(data))
	id, err := w.Commit()
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *sweepEnv) exists(id blob.ID) bool {
	e.t.Helper()
	_, err := e.blobs.Size(id)
	if err != nil && !errors.Is(err, blob.ErrNotFound) {
		e.t.Fatal(err)
	}
	return err == nil
}

// backdate moves a blob's mtime into the past.
func (e *sweepEnv) backdate(id blob.ID, d time.Duration) {
	e.t.Helper()
	p := filepath.Join(e.blobs.Dir(), string(id[:2]), string(id))
	at := time.Now().Add(-d)
	if err := os.Chtimes(p, at, at); err != nil {
		e.t.Fatal(err)
	}
}

func (e *sweepEnv) putObject(bucket, key, body string) {
	e.t.Helper()
	ctx := context.Background()
	n := int64(len(body))
	if _, err := e.svc.PutObject(ctx, &s3api.PutObjectRequest{Bucket: &bucket, Key: &key, Body: io.NopCloser(strings.NewReader(body)), ContentLength: &n}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *sweepEnv) getObject(bucket, key string) string {
	e.t.Helper()
	out, err := e.svc.GetObject(context.Background(), &s3api.GetObjectRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		e.t.Fatalf("GetObject %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// blobOf returns the blob of the current version of key.
func (e *sweepEnv) blobOf(bucket, key string) blob.ID {
	e.t.Helper()
	var id string
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT blob_id FROM s3_objects WHERE bucket = ? AND okey = ? AND latest = 1", bucket, []byte(key)).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return blob.ID(id)
}

// partBlob commits a blob referenced by an uploaded part only.
func (e *sweepEnv) partBlob() blob.ID {
	e.t.Helper()
	id := e.orphan("a part")
	err := e.st.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), "INSERT INTO s3_parts (upload_id, part, blob_id, size, etag, modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)",
			"upload-1", 1, string(id), 6, "etag", time.Now().UnixMilli(), "{}")
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func tempFiles(t *testing.T, b *blob.Store) []string {
	m, err := filepath.Glob(filepath.Join(b.Dir(), "??", "*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBlobSweepAtStart: what a crash leaves behind (a committed blob whose
// metadata never committed, a half-written temporary file, a replaced
// blob not yet deleted) is removed by the sweep at the next start; the
// blobs of objects and of uploaded parts stay, and so does a blob
// committed after the start whose metadata commit is still in flight.
func TestBlobSweepAtStart(t *testing.T) {
	e := newSweepEnv(t)
	e.start(nil)
	bucket := "sweep-bucket"
	if _, err := e.svc.CreateBucket(context.Background(), &s3api.CreateBucketRequest{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	e.putObject(bucket, "kept", "the body of kept")
	e.putObject(bucket, "big", strings.Repeat("x", 3<<20))
	live := e.blobOf(bucket, "kept")
	big := e.blobOf(bucket, "big")
	part := e.partBlob()
	orphan := e.orphan("committed, then the process died before the metadata commit")
	// A write in progress when the process died.
	w, err := e.blobs.Create(0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bytes.Repeat([]byte("partial"), 20000)) // over the size kept in memory
	if n := len(tempFiles(t, e.blobs)); n != 1 {
		t.Fatalf("%d temporary files, want 1", n)
	}
	// Before the "crash" the sweep at start has run and left all alone.
	if st := e.waitSweeps(1); st.Removed != 0 || st.Temps != 0 {
		t.Fatalf("first sweep removed %+v", st)
	}
	if !e.exists(orphan) {
		t.Fatal("the sweep removed a blob committed after the service started")
	}

	// "Crash" and restart on the same directories.
	e.stop()
	e.start(nil)
	inFlight := e.orphan("committed after the start, metadata commit in flight")
	st := e.waitSweeps(1)
	t.Logf("sweep at start: %+v", st)
	if e.exists(orphan) {
		t.Error("the orphaned blob survived the sweep at start")
	}
	if n := tempFiles(t, e.blobs); len(n) != 0 {
		t.Errorf("temporary files survived the sweep at start: %v", n)
	}
	if st.Removed != 1 || st.Temps != 1 {
		t.Errorf("sweep stats %+v, want 1 blob and 1 temporary file removed", st)
	}
	for name, id := range map[string]blob.ID{"object": live, "large object": big, "part": part, "in-flight": inFlight} {
		if !e.exists(id) {
			t.Errorf("the sweep removed the %s blob %s", name, id)
		}
	}
	if got := e.getObject(bucket, "kept"); got != "the body of kept" {
		t.Errorf("kept reads back %q", got)
	}
	if got := e.getObject(bucket, "big"); len(got) != 3<<20 {
		t.Errorf("big reads back %d bytes", len(got))
	}
}

// TestBlobSweepPeriodic: every blobSweepInterval of the service clock,
// orphans older than blobSweepGrace go; younger ones (their metadata
// commit may be in flight) and referenced blobs stay.
func TestBlobSweepPeriodic(t *testing.T) {
	e := newSweepEnv(t)
	clk := clock.NewFake(time.Now())
	e.start(clk)
	e.waitSweeps(1)
	bucket := "sweep-periodic"
	if _, err := e.svc.CreateBucket(context.Background(), &s3api.CreateBucketRequest{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	// Blob files (small bodies are packed, and only the commit can date
	// a packed one).
	big := strings.Repeat("an object written long ago ", 10000)
	e.putObject(bucket, "old-object", big)
	liveOld := e.blobOf(bucket, "old-object")
	e.backdate(liveOld, 3*time.Hour)
	old := e.orphan(strings.Repeat("old orphan ", 10000))
	e.backdate(old, 2*time.Hour)
	recent := e.orphan(strings.Repeat("recent orphan ", 10000))
	e.backdate(recent, blobSweepGrace/2)
	packed := e.orphan("a small orphan, packed, committed just now")

	clk.Advance(blobSweepInterval - time.Second)
	time.Sleep(20 * time.Millisecond)
	if runs, _ := e.svc.sweep.sweeps(); runs != 1 {
		t.Fatalf("%d sweeps before the interval passed, want 1", runs)
	}
	clk.Advance(time.Second)
	st := e.waitSweeps(2)
	if e.exists(old) {
		t.Error("an orphan older than the grace period survived the periodic sweep")
	}
	if !e.exists(recent) {
		t.Error("the periodic sweep removed an orphan younger than the grace period")
	}
	if !e.exists(liveOld) {
		t.Error("the periodic sweep removed an old object's blob")
	}
	if !e.exists(packed) {
		t.Error("the periodic sweep removed a packed orphan younger than the grace period")
	}
	if st.Removed != 1 {
		t.Errorf("periodic sweep stats %+v, want 1 removed", st)
	}
	if got := e.getObject(bucket, "old-object"); got != big {
		t.Errorf("old-object reads back %q", got)
	}
	// And again an interval later.
	clk.Advance(blobSweepInterval)
	e.waitSweeps(3)
}

// TestLiveBlobsBatch: the LiveFunc answers for full and partial batches.
func TestLiveBlobsBatch(t *testing.T) {
	e := newSweepEnv(t)
	e.start(nil)
	bucket := "sweep-batch"
	if _, err := e.svc.CreateBucket(context.Background(), &s3api.CreateBucketRequest{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	e.putObject(bucket, "a", "a")
	a := e.blobOf(bucket, "a")
	p := e.partBlob()
	var ids []blob.ID
	for range blob.SweepBatch - 2 {
		ids = append(ids, e.orphan("x"))
	}
	for _, batch := range [][]blob.ID{{a}, {ids[0]}, {ids[0], p, a}, append(append([]blob.ID{}, ids...), a, p)} {
		live, err := e.svc.liveBlobs(context.Background(), batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range batch {
			want := id == a || id == p
			if live[id] != want {
				t.Errorf("batch of %d: live[%s] = %v, want %v", len(batch), id, live[id], want)
			}
		}
	}
}
