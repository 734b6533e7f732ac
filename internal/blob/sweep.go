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
// report as referenced (in both the current and the legacy layout). Only files last modified before cutoff are touched.
// A blob is committed (and its mtime set) before the metadata referencing
// it, so cutoff must be earlier than the start of every metadata commit
// still in flight: pass now minus a grace period far longer than a commit
// takes (an hour). Sweep may run concurrently with every other method.
func (s *Store) Sweep(ctx context.Context, cutoff time.Time, live LiveFunc) (SweepStats, error) {
	var st SweepStats
	if err := s.sweepTemps(ctx, cutoff, &st); err != nil {
		return st, err
	}
	// Deleted blobs whose unlinking a crash interrupted.
	if ents, err := os.ReadDir(filepath.Join(s.dir, trashDir)); err == nil {
		for _, e := range ents {
			if ID(e.Name()).Valid() && e.Type().IsRegular() {
				s.unlinkLater(filepath.Join(s.dir, trashDir, e.Name()))
			}
		}
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
	// candidate queues an old committed blob for the liveness check.
	candidate := func(id ID, e fs.DirEntry) error {
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		st.Scanned++
		if !fi.ModTime().Before(cutoff) {
			return nil
		}
		batch = append(batch, id)
		if len(batch) == SweepBatch {
			return flush()
		}
		return nil
	}
	for _, mid := range s.hexDirs(s.dir) {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		dir := filepath.Join(s.dir, mid)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return st, err
		}
		for _, e := range ents {
			name := e.Name()
			switch {
			case e.Type().IsRegular() && ID(name).Valid() && name[:2] == mid:
				if err := candidate(ID(name), e); err != nil {
					return st, err
				}
			case e.Type().IsRegular() && strings.HasSuffix(name, tmpSuffix) && ID(strings.TrimSuffix(name, tmpSuffix)).Valid():
				s.sweepTemp(filepath.Join(dir, name), e, cutoff, &st)
			case e.IsDir() && isHex2(name):
				// A leaf directory of the legacy layout: ab/cd/<id>.
				if err := s.sweepLegacyLeaf(ctx, mid, name, candidate); err != nil {
					return st, err
				}
			default:
				s.log.Warn("blob: sweep skips unknown file", "path", filepath.Join(dir, name))
			}
		}
	}
	// Small blobs, entry by entry.
	if err := s.packs.sweep(cutoff, func(id ID, committed time.Time) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st.Scanned++
		if !committed.Before(cutoff) {
			return nil
		}
		batch = append(batch, id)
		if len(batch) == SweepBatch {
			return flush()
		}
		return nil
	}); err != nil {
		return st, err
	}
	if err := flush(); err != nil {
		return st, err
	}
	if st.Removed > 0 || st.Temps > 0 {
		s.log.Info("blob: swept", "dir", s.dir, "blobs", st.Removed, "bytes", st.RemovedBytes, "temps", st.Temps)
	}
	return st, nil
}

// sweepLegacyLeaf queues the blobs of a legacy leaf directory ab/cd.
func (s *Store) sweepLegacyLeaf(ctx context.Context, mid, leaf string, candidate func(ID, fs.DirEntry) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Join(s.dir, mid, leaf)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		id := ID(e.Name())
		if !id.Valid() || string(id[:4]) != mid+leaf || !e.Type().IsRegular() {
			s.log.Warn("blob: sweep skips unknown file", "path", filepath.Join(dir, e.Name()))
			continue
		}
		if err := candidate(id, e); err != nil {
			return err
		}
	}
	return nil
}

// sweepTemp removes a temporary file older than cutoff that no Writer of
// this Store has open.
func (s *Store) sweepTemp(name string, e fs.DirEntry, cutoff time.Time, st *SweepStats) {
	s.mu.Lock()
	_, open := s.active[name]
	s.mu.Unlock()
	if open {
		return
	}
	fi, err := e.Info()
	if err != nil || !fi.ModTime().Before(cutoff) {
		return
	}
	if err := os.Remove(name); err == nil {
		st.Temps++
	}
}

// sweepTemps sweeps the temporary directory of earlier versions.
func (s *Store) sweepTemps(ctx context.Context, cutoff time.Time, st *SweepStats) error {
	ents, err := os.ReadDir(s.tmp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasSuffix(e.Name(), tmpSuffix) {
			s.sweepTemp(filepath.Join(s.tmp, e.Name()), e, cutoff, st)
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
		if e.IsDir() && isHex2(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func isHex2(n string) bool {
	return len(n) == 2 && ID(n+strings.Repeat("0", idLen-2)).Valid()
}
