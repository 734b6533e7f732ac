package blob

import (
	"hash"
	"sync"
	"sync/atomic"

	"github.com/klauspost/cpuid/v2"
	md5simd "github.com/minio/md5-simd"
)

// maxLaneHashers bounds the hashers of one md5-simd server. Its loop scans
// every registered hasher, idle ones too, and v1.1.2 never forgets a
// closed one (minio/md5-simd#27, fixed after the last release): so
// hashers are reset and reused, never closed while the server runs, and a
// large body beyond this many hashed at once uses crypto/md5.
const maxLaneHashers = 64

// md5Lanes hashes the MD5s of concurrent large bodies together: MD5 cannot
// be split across cores, but md5-simd runs up to 8 (AVX2) or 16 (AVX-512)
// streams at once on one core. With many large PUTs in flight MD5 is what
// saturates the CPUs; a lone body, or one of a few, stays on crypto/md5,
// which has lower latency and, for a few bodies, costs less CPU. One per
// Store.
type md5Lanes struct {
	large atomic.Int32 // large bodies being hashed (Writer.pickMD5 to Writer.hashed)
	from  int32        // large bodies at once from which they use the lanes; 0: never

	mu     sync.Mutex
	srv    md5simd.Server   // started by the first simd hasher
	free   []md5simd.Hasher // reset hashers of srv, for reuse
	made   int              // hashers of srv, free or in use
	closed bool             // by Store.Close: no new simd hashers
}

// lanesFrom returns how many large bodies must be written at once for
// the lanes to hash them with less CPU than crypto/md5, or 0 if they never
// do. Every call of md5-simd's kernel costs all its lanes, filled or not;
// on an AMD EPYC (Zen 5) VM crypto/md5 did 700 MB/s per core, md5-simd's
// AVX-512 kernel 3.3 GB/s over 16 lanes, its AVX2 kernel 1.1 GB/s over 8:
// they break even at about 4 and 6 filled lanes. Without AVX2 md5-simd is
// crypto/md5 behind a goroutine.
func lanesFrom() int32 {
	switch {
	case cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ): // md5-simd's test
		return 4
	case cpuid.CPU.Supports(cpuid.AVX2):
		return 6
	}
	return 0
}

// newHash returns a hasher sharing the lanes, or nil when there is none
// (no AVX2, the store is closed, or maxLaneHashers are busy). End it with
// release.
func (l *md5Lanes) newHash() *laneMD5 {
	if l.from == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	if n := len(l.free); n > 0 {
		h := l.free[n-1]
		l.free = l.free[:n-1]
		return &laneMD5{h: h, l: l}
	}
	if l.made >= maxLaneHashers {
		return nil
	}
	if l.srv == nil {
		l.srv = md5simd.NewServer()
	}
	l.made++
	return &laneMD5{h: l.srv.NewHash(), l: l}
}

// put takes back a hasher that was reset.
func (l *md5Lanes) put(h md5simd.Hasher) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.free = append(l.free, h)
		return
	}
	h.Close()
	l.made--
	l.stopIdle()
}

// close stops the server once the hashers in use are released.
func (l *md5Lanes) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for _, h := range l.free {
		h.Close()
	}
	l.made -= len(l.free)
	l.free = nil
	l.stopIdle()
}

func (l *md5Lanes) stopIdle() {
	if l.made == 0 && l.srv != nil {
		l.srv.Close()
		l.srv = nil
	}
}

// laneMD5 is an md5-simd hasher that keeps its digest once released, so
// that Sums still works after Commit.
type laneMD5 struct {
	h   md5simd.Hasher // nil once released
	l   *md5Lanes
	sum []byte
}

var _ hash.Hash = (*laneMD5)(nil)

func (m *laneMD5) Write(p []byte) (int, error) { return m.h.Write(p) }

func (m *laneMD5) Sum(b []byte) []byte {
	if m.h == nil {
		return append(b, m.sum...)
	}
	return m.h.Sum(b)
}

func (m *laneMD5) Reset()         { m.h.Reset() }
func (m *laneMD5) Size() int      { return md5simd.Size }
func (m *laneMD5) BlockSize() int { return md5simd.BlockSize }

// release keeps the digest, if asked to, and hands the hasher back for
// reuse. It is idempotent.
func (m *laneMD5) release(keepSum bool) {
	if m.h == nil {
		return
	}
	if keepSum {
		m.sum = m.h.Sum(nil)
	}
	m.h.Reset()
	m.l.put(m.h)
	m.h = nil
}
