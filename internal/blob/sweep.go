package blob

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LiveFunc reports which of ids are referenced by committed metadata (for
// S3: object versions, uploaded parts of open multipart uploads). It is
// called with batches of at most SweepBatch IDs, so one indexed
// "WHERE blob_id IN (...)" query per batch suffices. An ID missing from the
// returned set is deleted; on error Sweep stops and deletes nothing of the
// batch.
type LiveFunc func(ctx context.Context, ids []ID) (map[ID]bool, error)

// SweepBatch is the largest batch Sweep passes to a LiveFunc.
const SweepBatch = 500

// SweepStats says what a Sweep did.
type SweepStats struct {
	Scanned      int   // committed blobs looked at
	Removed      int   // unreferenced blobs deleted
	RemovedBytes int64 // their total size
	Temps        int   // abandoned temporary files deleted
}

// Sweep deletes what crashes leave behind: temporary files of Writers that
// are not open in this Store, and committed blobs that live does not
// report as referenced. Only files last modified before cutoff are touched.
// A blob is committed (and its mtime set) before the metadata referencing
// it, so cutoff must be earlier than the start of every metadata commit
// still in flight: pass now minus a grace period far longer than a commit
// takes (an hour). Sweep may run concurrently with every other method.
func (s *Store) Sweep(ctx context.Context, cutoff time.Time, live LiveFunc) (SweepStats, error) {
	var st SweepStats
	if err := s.sweepTemps(ctx, cutoff, &st); err != nil {
		return st, err
	}
	var batch []ID
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		keep, err := live(ctx, batch)
		if err != nil {
			return err
		}
		for _, id := range batch {
			if keep[id] {
				continue
			}
			size, err := s.Size(id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err := s.Delete(id); err != nil {
				return err
			}
			st.Removed++
			st.RemovedBytes += size
		}
		batch = batch[:0]
		return nil
	}
	for _, mid := range s.hexDirs(s.dir) {
		for _, leaf := range s.hexDirs(filepath.Join(s.dir, mid)) {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			dir := filepath.Join(s.dir, mid, leaf)
			ents, err := os.ReadDir(dir)
			if err != nil {
				return st, err
			}
			for _, e := range ents {
				id := ID(e.Name())
				if !id.Valid() || string(id[:4]) != mid+leaf || !e.Type().IsRegular() {
					s.log.Warn("blob: sweep skips unknown file", "path", filepath.Join(dir, e.Name()))
					continue
				}
				fi, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					return st, err
				}
				st.Scanned++
				if !fi.ModTime().Before(cutoff) {
					continue
				}
				batch = append(batch, id)
				if len(batch) == SweepBatch {
					if err := flush(); err != nil {
						return st, err
					}
				}
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if st.Removed > 0 || st.Temps > 0 {
		s.log.Info("blob: swept", "dir", s.dir, "blobs", st.Removed, "bytes", st.RemovedBytes, "temps", st.Temps)
	}
	return st, nil
}

func (s *Store) sweepTemps(ctx context.Context, cutoff time.Time, st *SweepStats) error {
	ents, err := os.ReadDir(s.tmp)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := filepath.Join(s.tmp, e.Name())
		if !strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		s.mu.Lock()
		_, open := s.active[name]
		s.mu.Unlock()
		if open {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(name); err == nil {
			st.Temps++
		}
	}
	return nil
}

// hexDirs lists the two-hex-digit subdirectories of dir, in order.
func (s *Store) hexDirs(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() && len(n) == 2 && ID(n+strings.Repeat("0", idLen-2)).Valid() {
			out = append(out, n)
		}
	}
	return out
}
