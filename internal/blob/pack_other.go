//go:build !linux

package blob

import "os"

// punchHole zeroes [off, off+n) of f (the space is not freed where hole
// punching is not available).
func punchHole(f *os.File, off, n int64) error { return zeroRange(f, off, n) }

// nextData returns pos: every byte is walked.
func nextData(f *os.File, pos, size int64) int64 { return pos }

func fdatasync(f *os.File) error { return f.Sync() }
