//go:build linux

package blob

import (
	"os"
	"syscall"
)

const (
	fallocPunchHole = 0x02 // FALLOC_FL_PUNCH_HOLE
	fallocKeepSize  = 0x01 // FALLOC_FL_KEEP_SIZE
	seekData        = 3    // SEEK_DATA
)

// punchHole frees [off, off+n) of f: it reads as zeros from then on.
func punchHole(f *os.File, off, n int64) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Fallocate(int(fd), fallocPunchHole|fallocKeepSize, off, n)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if ferr == syscall.EOPNOTSUPP {
		return zeroRange(f, off, n)
	}
	return ferr
}

// nextData returns the first offset at or after pos (aligned down to
// packAlign) where f holds data, or size when none.
func nextData(f *os.File, pos, size int64) int64 {
	rc, err := f.SyscallConn()
	if err != nil {
		return pos
	}
	next := pos
	rc.Control(func(fd uintptr) {
		off, err := syscall.Seek(int(fd), pos, seekData)
		switch {
		case err == syscall.ENXIO:
			next = size
		case err == nil:
			next = off / packAlign * packAlign
		}
	})
	return max(next, pos)
}

func fdatasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			if serr = syscall.Fdatasync(int(fd)); serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}
