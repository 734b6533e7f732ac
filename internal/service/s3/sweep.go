package s3

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/store"
)

// Orphaned blobs. A write commits its blob before the metadata that
// references it, and deletes a replaced blob after the metadata commit; a
// crash in between leaves a blob nothing references (and a crash during
// the write, a temporary file). The blob sweeper removes them: once at
// start, in the background, then every blobSweepInterval of the service
// clock.
//
// The cutoff (only files older than it are touched) must be earlier than
// the blob commit of every metadata commit still in flight:
//
//   - the sweep at start, on SQLite: the start of the service. The data
//     directory is locked by this process alone, so a blob committed
//     before it started whose metadata is not committed belongs to a
//     process that is gone.
//   - the sweep at start on PostgreSQL, and every periodic sweep:
//     blobSweepGrace before now. Other nodes sharing the database and the
//     blob directory (and this process, later) may be between a blob
//     commit and its metadata commit, which takes far less than that.
//
// File times are wall-clock times, so a cutoff is never later than the
// wall clock, whatever the service clock says.
const (
	blobSweepInterval = time.Hour
	blobSweepGrace    = time.Hour
)

// blobSweeper is the background goroutine of the sweeps.
type blobSweeper struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	last   blob.SweepStats // of the last sweep that completed
	runs   int
}

// startBlobSweeper starts the sweeper; stop it with stop.
func (s *Service) startBlobSweeper() *blobSweeper {
	first := earliest(s.clk.Now(), time.Now())
	if s.st.Dialect() == store.Postgres {
		first = first.Add(-blobSweepGrace)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &blobSweeper{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		started := false
		clock.Every(ctx, s.clk, blobSweepInterval, nil, true, func(ctx context.Context) {
			cutoff := first
			if started {
				cutoff = earliest(s.clk.Now(), time.Now()).Add(-blobSweepGrace)
			}
			started = true
			b.sweep(ctx, s, cutoff)
		})
	}()
	return b
}

func (b *blobSweeper) sweep(ctx context.Context, s *Service, cutoff time.Time) {
	st, err := s.blobs.Sweep(ctx, cutoff, s.liveBlobs)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("s3 blob sweep failed", "err", err, "removed", st.Removed)
		}
		return
	}
	b.mu.Lock()
	b.last, b.runs = st, b.runs+1
	b.mu.Unlock()
	if st.Removed > 0 || st.Temps > 0 {
		s.log.Info("s3 orphaned blobs removed", "blobs", st.Removed, "bytes", st.RemovedBytes, "temps", st.Temps, "scanned", st.Scanned)
	}
}

// stop stops the sweeper, interrupting a sweep in progress, and waits for
// it. It is safe on a nil sweeper and more than once.
func (b *blobSweeper) stop() {
	if b == nil {
		return
	}
	b.cancel()
	<-b.done
}

// sweeps returns the number of completed sweeps and the figures of the
// last one.
func (b *blobSweeper) sweeps() (int, blob.SweepStats) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.runs, b.last
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// liveBlobs is the sweep's blob.LiveFunc: which of ids the metadata
// references, as an object version or an uploaded part (both blob_id
// columns are indexed). The batch is padded to blob.SweepBatch so that
// every batch is the same statement.
func (s *Service) liveBlobs(ctx context.Context, ids []blob.ID) (map[blob.ID]bool, error) {
	live := make(map[blob.ID]bool, len(ids))
	if len(ids) == 0 {
		return live, nil
	}
	args := make([]any, 0, 2*blob.SweepBatch)
	for range 2 {
		for i := range max(len(ids), blob.SweepBatch) {
			args = append(args, string(ids[min(i, len(ids)-1)]))
		}
	}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, liveBlobsQuery(len(args)/2), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			live[blob.ID(id)] = true
		}
		return rows.Err()
	})
	return live, err
}

var liveQueries sync.Map // batch length -> query

func liveBlobsQuery(n int) string {
	if q, ok := liveQueries.Load(n); ok {
		return q.(string)
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	q := "SELECT blob_id FROM s3_objects WHERE blob_id IN " + in + " UNION SELECT blob_id FROM s3_parts WHERE blob_id IN " + in
	liveQueries.Store(n, q)
	return q
}
