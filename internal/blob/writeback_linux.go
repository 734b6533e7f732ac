//go:build linux && (amd64 || arm64)

package blob

import (
	"os"
	"syscall"
)

const syncFileRangeWrite = 2 // SYNC_FILE_RANGE_WRITE

// startWriteback asks the kernel to start writing [off, off+n) of f to disk
// without waiting, so a large blob's fsync overlaps with receiving it.
// Errors are ignored: Commit's fsync is what guarantees durability.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(off), uintptr(n), syncFileRangeWrite, 0, 0)
	})
}
