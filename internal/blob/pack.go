package blob

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Small blobs are packed: a body of at most smallMax bytes is kept in
// memory while it is written and appended at Commit to a shared pack file,
// instead of getting a file of its own. A small PUT then costs one write
// (and, when syncing, a share of one fdatasync with the commits running at
// the same time) instead of creating, renaming and syncing a file and its
// directory; creating an inode is the most expensive file system operation
// of a small write, and on some file systems (ext4 without a journal,
// after many deletions) by far. Reading a small blob is one pread into a
// pooled buffer.
//
// Layout: packs/<8 hex>.pack, append-only files of entries aligned to
// packAlign bytes:
//
//	[0:8]   "hkpack01"
//	[8:24]  the blob's ID (16 raw bytes)
//	[24:28] body length, big-endian
//	[28:32] CRC32C of the body
//	[32:40] commit time, Unix nanoseconds (what Sweep's cutoff is compared to)
//	[40:56] HMAC-SHA256 of [0:40] under the store's key (packs/key), truncated
//	[56:64] zero
//	[64:]   the body
//
// A packed blob's ID says where it is: 0xf7, the pack number (3 bytes),
// the entry's offset / packAlign (5 bytes), the body length (3 bytes),
// 4 random bytes; IDs of blob files never start with 0xf7. The entry's
// header repeats the ID, so an ID of an earlier version that happens to
// look packed is still found as a file. Delete punches a hole over the
// entry (its space is freed, its header reads as zeros). Sweep walks the
// packs entry by entry; after a hole or a torn write it looks for the next
// header at each packAlign boundary, and the HMAC keeps a body's bytes
// from ever passing for a header.
const (
	smallMax   = 64 << 10
	packAlign  = 4096
	packHeader = 64
	packMagic  = "hkpack01"
	packMarker = 0xf7
	packDir    = "packs"
	packExt    = ".pack"
	packKey    = "key"
)

var errNotPacked = errors.New("blob: not a packed blob")

// packMax is the length from which a pack takes no new entries (a
// variable for tests).
var packMax int64 = 1 << 30

// packs is a Store's set of pack files.
type packs struct {
	s   *Store
	dir string
	key []byte

	mu    sync.Mutex
	cur   *pack // takes new entries; nil until the first
	files map[uint32]*pack
}

// pack is one pack file, open for reading (and appending, if it is or was
// the current one of this Store).
type pack struct {
	num uint32
	f   *os.File
	end int64 // next entry's offset (current pack only; under packs.mu)

	writes atomic.Int64 // appends completed
	syncMu sync.Mutex
	synced int64 // appends covered by the last fdatasync
}

func entrySize(n int) int64 {
	return (int64(packHeader+n) + packAlign - 1) / packAlign * packAlign
}

// packedID is the location an ID names, if it has the packed form.
type packedID struct {
	num uint32
	off int64
	n   int
}

func parsePacked(id ID) (packedID, bool) {
	var raw [16]byte
	if len(id) != idLen || id[0] != 'f' || id[1] != '7' {
		return packedID{}, false
	}
	if _, err := hex.Decode(raw[:], []byte(id)); err != nil {
		return packedID{}, false
	}
	p := packedID{
		num: uint32(raw[1])<<16 | uint32(raw[2])<<8 | uint32(raw[3]),
		off: int64(raw[4])<<32 | int64(raw[5])<<24 | int64(raw[6])<<16 | int64(raw[7])<<8 | int64(raw[8]),
		n:   int(raw[9])<<16 | int(raw[10])<<8 | int(raw[11]),
	}
	p.off *= packAlign
	return p, p.n <= smallMax
}

func (p packedID) id() (ID, error) {
	var raw [16]byte
	raw[0] = packMarker
	raw[1], raw[2], raw[3] = byte(p.num>>16), byte(p.num>>8), byte(p.num)
	blk := p.off / packAlign
	raw[4], raw[5], raw[6], raw[7], raw[8] = byte(blk>>32), byte(blk>>24), byte(blk>>16), byte(blk>>8), byte(blk)
	raw[9], raw[10], raw[11] = byte(p.n>>16), byte(p.n>>8), byte(p.n)
	if _, err := rand.Read(raw[12:]); err != nil {
		return "", err
	}
	return ID(hex.EncodeToString(raw[:])), nil
}

func openPacks(s *Store) (*packs, error) {
	p := &packs{s: s, dir: filepath.Join(s.dir, packDir), files: map[uint32]*pack{}}
	if err := os.Mkdir(p.dir, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	} else if err == nil && s.sync {
		if err := syncDir(s.dir); err != nil {
			return nil, err
		}
	}
	key, err := p.loadKey()
	if err != nil {
		return nil, err
	}
	p.key = key
	return p, nil
}

// loadKey reads the HMAC key of the packs, creating it (atomically: a
// link that fails if another process made it first) if missing.
func (p *packs) loadKey() ([]byte, error) {
	name := filepath.Join(p.dir, packKey)
	if key, err := os.ReadFile(name); err == nil && len(key) == 32 {
		return key, nil
	} else if err == nil {
		return nil, fmt.Errorf("%s: %d bytes, want 32", name, len(key))
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	tmp := name + "." + hex.EncodeToString(key[:8]) + tmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return nil, err
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, name)
	}
	os.Remove(tmp)
	if errors.Is(err, fs.ErrExist) {
		return p.loadKey() // another process won
	}
	if err != nil {
		return nil, err
	}
	if p.s.sync {
		if err := syncDir(p.dir); err != nil {
			return nil, err
		}
	}
	return key, nil
}

func (p *packs) path(num uint32) string {
	return filepath.Join(p.dir, fmt.Sprintf("%08x%s", num, packExt))
}

// get returns pack num, opening it if needed (fs.ErrNotExist when it is
// not there). With refresh, a cached pack is reopened (another process
// may have replaced the file).
func (p *packs) get(num uint32, refresh bool) (*pack, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pk := p.files[num]; pk != nil && (!refresh || pk == p.cur) {
		return pk, nil
	}
	f, err := os.OpenFile(p.path(num), os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	// A replaced pack's file is not closed here: appends and reads may
	// still use it; it is closed when collected.
	pk := &pack{num: num, f: f}
	p.files[num] = pk
	return pk, nil
}

// newPack starts a new current pack, numbered above every pack in the
// directory (O_EXCL: never one another process uses). Under p.mu.
func (p *packs) newPack() error {
	nums, err := p.list()
	if err != nil {
		return err
	}
	next := uint32(0)
	if len(nums) > 0 {
		next = nums[len(nums)-1] + 1
	}
	for ; next < 1<<24; next++ {
		f, err := os.OpenFile(p.path(next), os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if p.s.sync {
			if err := syncDir(p.dir); err != nil {
				f.Close()
				os.Remove(p.path(next))
				return err
			}
		}
		pk := &pack{num: next, f: f}
		p.files[next] = pk
		p.cur = pk
		return nil
	}
	return errors.New("blob: no pack number left")
}

// list returns the numbers of the pack files, in order.
func (p *packs) list() ([]uint32, error) {
	ents, err := os.ReadDir(p.dir)
	if err != nil {
		return nil, err
	}
	var nums []uint32
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), packExt)
		if !ok || len(name) != 8 {
			continue
		}
		n, err := strconv.ParseUint(name, 16, 32)
		if err == nil && n < 1<<24 {
			nums = append(nums, uint32(n))
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	return nums, nil
}

func (p *packs) mac(hdr []byte) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write(hdr[:40])
	return m.Sum(nil)[:16]
}

// put appends body as a new entry and returns its ID; when the store
// syncs, the entry is on disk when put returns. buf holds the body at
// buf[packHeader:] (so that header and body go out in one write).
func (p *packs) put(buf []byte) (ID, error) {
	body := buf[packHeader:]
	size := entrySize(len(body))
	p.mu.Lock()
	if p.cur == nil || p.cur.end+size > packMax {
		if err := p.newPack(); err != nil {
			p.mu.Unlock()
			return "", err
		}
	}
	pk := p.cur
	loc := packedID{num: pk.num, off: pk.end, n: len(body)}
	pk.end += size
	p.mu.Unlock()
	id, err := loc.id()
	if err != nil {
		return "", err
	}
	hdr := buf[:packHeader]
	clear(hdr)
	copy(hdr, packMagic)
	hex.Decode(hdr[8:24], []byte(id))
	binary.BigEndian.PutUint32(hdr[24:], uint32(len(body)))
	binary.BigEndian.PutUint32(hdr[28:], crc32.Checksum(body, castagnoli))
	binary.BigEndian.PutUint64(hdr[32:], uint64(time.Now().UnixNano()))
	copy(hdr[40:56], p.mac(hdr))
	if _, err := pk.f.WriteAt(buf, loc.off); err != nil {
		return "", err
	}
	pk.writes.Add(1)
	if p.s.sync {
		if err := pk.sync(); err != nil {
			return "", err
		}
	}
	return id, nil
}

// sync makes every append completed so far durable, sharing one
// fdatasync among the appends that wait at the same time.
func (pk *pack) sync() error {
	mine := pk.writes.Load()
	pk.syncMu.Lock()
	defer pk.syncMu.Unlock()
	if pk.synced >= mine {
		return nil
	}
	upTo := pk.writes.Load()
	if err := fdatasync(pk.f); err != nil {
		return err
	}
	pk.synced = upTo
	return nil
}

// header is a parsed, authentic entry header.
type header struct {
	id   ID
	n    int
	crc  uint32
	time time.Time
}

// parseHeader checks b (at least packHeader bytes) for an authentic
// header.
func (p *packs) parseHeader(b []byte) (header, bool) {
	if len(b) < packHeader || string(b[:8]) != packMagic || !hmac.Equal(b[40:56], p.mac(b)) {
		return header{}, false
	}
	return p.readHeader(b)
}

// readHeader parses b (at least packHeader bytes) as a header without
// authenticating it.
func (p *packs) readHeader(b []byte) (header, bool) {
	if len(b) < packHeader || string(b[:8]) != packMagic {
		return header{}, false
	}
	h := header{
		id:   ID(hex.EncodeToString(b[8:24])),
		n:    int(binary.BigEndian.Uint32(b[24:])),
		crc:  binary.BigEndian.Uint32(b[28:]),
		time: time.Unix(0, int64(binary.BigEndian.Uint64(b[32:]))),
	}
	return h, h.n <= smallMax
}

// readerBufs pools the buffers of packed Readers.
var readerBufs = sync.Pool{New: func() any { b := make([]byte, packHeader+smallMax); return &b }}

// open reads packed blob id into a Reader: errNotPacked when id is not
// one (then it may be a file).
func (p *packs) open(id ID) (*Reader, error) {
	loc, ok := parsePacked(id)
	if !ok {
		return nil, errNotPacked
	}
	bp := readerBufs.Get().(*[]byte)
	buf := (*bp)[:packHeader+loc.n]
	for _, refresh := range []bool{false, true} {
		pk, err := p.get(loc.num, refresh)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			readerBufs.Put(bp)
			return nil, err
		}
		n, err := pk.f.ReadAt(buf, loc.off)
		if errors.Is(err, os.ErrClosed) {
			continue // swept away meanwhile
		}
		if err != nil && err != io.EOF {
			readerBufs.Put(bp)
			return nil, err
		}
		// The header is not authenticated here (the HMAC is for Sweep's
		// scan): repeating the 128-bit ID, at the offset the ID names, it
		// cannot be a body's bytes but those of a blob whose ID the writer
		// knew, and the CRC checks the body.
		h, ok := p.readHeader(buf[:n])
		if !ok || h.id != id || h.n != loc.n || n != len(buf) {
			continue
		}
		if crc32.Checksum(buf[packHeader:], castagnoli) != h.crc {
			readerBufs.Put(bp)
			return nil, fmt.Errorf("blob: %s: packed body does not match its checksum", id)
		}
		return &Reader{b: buf[packHeader:], bp: bp, size: int64(loc.n)}, nil
	}
	readerBufs.Put(bp)
	return nil, errNotPacked
}

// stat returns the header of packed blob id (errNotPacked when there is
// none).
func (p *packs) stat(id ID) (*pack, packedID, error) {
	loc, ok := parsePacked(id)
	if !ok {
		return nil, loc, errNotPacked
	}
	var hdr [packHeader]byte
	for _, refresh := range []bool{false, true} {
		pk, err := p.get(loc.num, refresh)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, loc, err
		}
		n, err := pk.f.ReadAt(hdr[:], loc.off)
		if errors.Is(err, os.ErrClosed) {
			continue // swept away meanwhile
		}
		if err != nil && err != io.EOF {
			return nil, loc, err
		}
		if h, ok := p.readHeader(hdr[:n]); ok && h.id == id && h.n == loc.n {
			return pk, loc, nil
		}
	}
	return nil, loc, errNotPacked
}

// remove frees the entry of packed blob id (errNotPacked when there is
// none).
func (p *packs) remove(id ID) error {
	pk, loc, err := p.stat(id)
	if err != nil {
		return err
	}
	return punchHole(pk.f, loc.off, entrySize(loc.n))
}

// sweep walks every pack and hands each entry, with its commit time, to
// visit; the caller deletes the dead ones (Delete punches them out).
// Sealed packs (not the current one) older than cutoff that hold no data
// any more (every entry punched out) are deleted.
func (p *packs) sweep(cutoff time.Time, visit func(ID, time.Time) error) error {
	nums, err := p.list()
	if err != nil {
		return err
	}
	buf := make([]byte, copyBufSize)
	for _, num := range nums {
		pk, err := p.get(num, false)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		fi, err := pk.f.Stat()
		if err != nil {
			return err
		}
		entries := 0
		for pos := int64(0); pos < fi.Size(); {
			pos = nextData(pk.f, pos, fi.Size())
			if pos >= fi.Size() {
				break
			}
			n, err := pk.f.ReadAt(buf, pos)
			if err != nil && err != io.EOF {
				return err
			}
			if n < packHeader {
				break
			}
			// Walk the chunk: entries by their length, packAlign steps
			// elsewhere. A header near the chunk's end starts the next.
			i := int64(0)
			for i+packHeader <= int64(n) {
				h, ok := p.parseHeader(buf[i : i+packHeader])
				if !ok {
					i += packAlign
					continue
				}
				entries++
				if err := visit(h.id, h.time); err != nil {
					return err
				}
				i += entrySize(h.n)
			}
			pos += i
		}
		p.mu.Lock()
		sealed := pk != p.cur
		p.mu.Unlock()
		// Only a pack with no data left at all goes: bytes that are not an
		// authentic entry (a torn write, or entries under a lost key) are
		// kept.
		if entries == 0 && sealed && fi.ModTime().Before(cutoff) && nextData(pk.f, 0, fi.Size()) >= fi.Size() {
			p.mu.Lock()
			if p.files[num] == pk {
				delete(p.files, num) // its file is closed when collected
			}
			p.mu.Unlock()
			if err := os.Remove(p.path(num)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// zeroRange overwrites [off, off+n) of f with zeros.
func zeroRange(f *os.File, off, n int64) error {
	zeros := make([]byte, min(n, packAlign*16))
	for n > 0 {
		k := min(n, int64(len(zeros)))
		if _, err := f.WriteAt(zeros[:k], off); err != nil {
			return err
		}
		off += k
		n -= k
	}
	return nil
}
