package blob

import (
	"context"
	"fmt"
	"io"
)

// concatChunk bounds how long Concat runs without checking ctx.
const concatChunk = 64 << 20

// Concat starts a new blob holding the bytes of ids in order (a multipart
// upload's parts, or one source blob for CopyObject). It computes only the
// digests in algs; with algs == 0 the kernel copies the bytes
// (copy_file_range: a reflink on filesystems that share extents, an
// in-kernel copy elsewhere) and Sums is empty. The caller must Commit or
// Abort the returned Writer; on error nothing is left behind.
func (s *Store) Concat(ctx context.Context, ids []ID, algs Algorithms) (*Writer, error) {
	for _, id := range ids {
		if !id.Valid() {
			return nil, fmt.Errorf("%w: %q", ErrInvalidID, string(id))
		}
	}
	w, err := s.create(algs)
	if err != nil {
		return nil, err
	}
	if err := w.spill(); err != nil {
		w.Abort()
		return nil, err
	}
	for _, id := range ids {
		if err := w.appendBlob(ctx, id); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

func (w *Writer) appendBlob(ctx context.Context, id ID) error {
	r, err := w.s.Open(id)
	if err != nil {
		return err
	}
	defer r.Close()
	if r.f == nil { // a small (packed) blob, in memory
		if w.h.algs != 0 {
			_, err = w.Write(r.b)
			return err
		}
		return w.writeFile(r.b)
	}
	var copied int64
	if w.h.algs == 0 {
		for copied < r.size {
			if err := ctx.Err(); err != nil {
				return err
			}
			// *os.File to *os.File through io.LimitedReader: copy_file_range.
			n, err := io.CopyN(w.f, r.f, min(concatChunk, r.size-copied))
			copied += n
			w.n += n
			if err != nil {
				return fmt.Errorf("blob: concat %s: %w", id, err)
			}
		}
		return nil
	}
	bp := w.s.bufs.Get().(*[]byte)
	defer w.s.bufs.Put(bp)
	buf := *bp
	for copied < r.size {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(r.f, buf[:min(int64(len(buf)), r.size-copied)])
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			copied += int64(n)
		}
		if err != nil {
			return fmt.Errorf("blob: concat %s: %w", id, err)
		}
	}
	return nil
}
