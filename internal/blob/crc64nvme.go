package blob

import (
	"encoding/binary"
	"hash"
	"sync"
)

// crc64NVMEPoly is the NVMe CRC-64 polynomial 0xad93d23594c93659 in
// bit-reflected form (CRC-64/NVME: reflected, init and xorout all ones),
// the CRC64NVME checksum of S3.
const crc64NVMEPoly = 0x9a6c9329ac4bc9b5

// crc64NVMETables are slicing-by-8 tables, built once and read-only after.
var crc64NVMETables = sync.OnceValue(func() *[8][256]uint64 {
	var t [8][256]uint64
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ crc64NVMEPoly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return &t
})

// UpdateCRC64NVME returns the CRC64NVME of the bytes whose CRC64NVME is crc
// followed by p (start with 0), like crc64.Update.
func UpdateCRC64NVME(crc uint64, p []byte) uint64 {
	t := crc64NVMETables()
	crc = ^crc
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^ t[4][crc>>24&0xff] ^
			t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^ t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return ^crc
}

// NewCRC64NVME returns a hash.Hash64 computing CRC64NVME; Sum appends the
// big-endian bytes, as S3 encodes them.
func NewCRC64NVME() hash.Hash64 { return new(crc64NVME) }

type crc64NVME uint64

func (c *crc64NVME) Write(p []byte) (int, error) {
	*c = crc64NVME(UpdateCRC64NVME(uint64(*c), p))
	return len(p), nil
}
func (c *crc64NVME) Sum64() uint64       { return uint64(*c) }
func (c *crc64NVME) Sum(b []byte) []byte { return binary.BigEndian.AppendUint64(b, uint64(*c)) }
func (c *crc64NVME) Reset()              { *c = 0 }
func (c *crc64NVME) Size() int           { return 8 }
func (c *crc64NVME) BlockSize() int      { return 1 }
