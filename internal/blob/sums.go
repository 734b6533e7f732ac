package blob

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"hash/crc32"
)

// Algorithms is a set of digests computed while a blob is written.
type Algorithms uint8

// The digests S3 uses: MD5 for ETags and Content-MD5, the rest for the
// x-amz-checksum-* headers.
const (
	MD5 Algorithms = 1 << iota
	CRC32
	CRC32C
	CRC64NVME
	SHA1
	SHA256
)

// Sums holds the digests of a blob's bytes. Only those in Algorithms are set.
type Sums struct {
	Algorithms Algorithms
	MD5        [md5.Size]byte
	CRC32      uint32
	CRC32C     uint32
	CRC64NVME  uint64
	SHA1       [sha1.Size]byte
	SHA256     [sha256.Size]byte
}

// Bytes returns the digest of one algorithm in S3's byte order (CRCs
// big-endian), or nil if it was not computed.
func (s Sums) Bytes(a Algorithms) []byte {
	if s.Algorithms&a == 0 {
		return nil
	}
	switch a {
	case MD5:
		return s.MD5[:]
	case CRC32:
		return binary.BigEndian.AppendUint32(nil, s.CRC32)
	case CRC32C:
		return binary.BigEndian.AppendUint32(nil, s.CRC32C)
	case CRC64NVME:
		return binary.BigEndian.AppendUint64(nil, s.CRC64NVME)
	case SHA1:
		return s.SHA1[:]
	case SHA256:
		return s.SHA256[:]
	}
	return nil
}

// Base64 returns the digest of one algorithm as S3 sends it in
// Content-MD5 and x-amz-checksum-* headers, or "" if it was not computed.
func (s Sums) Base64(a Algorithms) string {
	b := s.Bytes(a)
	if b == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// hasher updates every requested digest in one pass over the bytes.
type hasher struct {
	algs              Algorithms
	md5, sha1, sha256 hash.Hash
	crc32, crc32c     uint32
	crc64             uint64
}

func newHasher(algs Algorithms) *hasher {
	h := &hasher{algs: algs}
	if algs&MD5 != 0 {
		h.md5 = md5.New()
	}
	if algs&SHA1 != 0 {
		h.sha1 = sha1.New()
	}
	if algs&SHA256 != 0 {
		h.sha256 = sha256.New()
	}
	return h
}

func (h *hasher) write(p []byte) {
	if h.md5 != nil {
		h.md5.Write(p)
	}
	h.writeOthers(p)
}

// writeOthers updates everything but MD5 (which Writer may run on a helper
// goroutine).
func (h *hasher) writeOthers(p []byte) {
	if h.algs&CRC32 != 0 {
		h.crc32 = crc32.Update(h.crc32, crc32.IEEETable, p)
	}
	if h.algs&CRC32C != 0 {
		h.crc32c = crc32.Update(h.crc32c, castagnoli, p)
	}
	if h.algs&CRC64NVME != 0 {
		h.crc64 = UpdateCRC64NVME(h.crc64, p)
	}
	if h.sha1 != nil {
		h.sha1.Write(p)
	}
	if h.sha256 != nil {
		h.sha256.Write(p)
	}
}

func (h *hasher) sums() Sums {
	s := Sums{Algorithms: h.algs, CRC32: h.crc32, CRC32C: h.crc32c, CRC64NVME: h.crc64}
	if h.md5 != nil {
		h.md5.Sum(s.MD5[:0])
	}
	if h.sha1 != nil {
		h.sha1.Sum(s.SHA1[:0])
	}
	if h.sha256 != nil {
		h.sha256.Sum(s.SHA256[:0])
	}
	return s
}
