package blob

import (
	"encoding/binary"
	"hash"
	"math/bits"
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

// clmulMin is the length from which the carry-less multiplication
// folding (where the CPU has it) replaces the tables.
const clmulMin = 256

// UpdateCRC64NVME returns the CRC64NVME of the bytes whose CRC64NVME is crc
// followed by p (start with 0), like crc64.Update.
func UpdateCRC64NVME(crc uint64, p []byte) uint64 {
	reg := ^crc
	if hasCLMUL && len(p) >= clmulMin {
		// Fold the 64-byte blocks down to 16 bytes congruent to them
		// (with the register folded in), whose CRC from a zero
		// register the tables finish.
		n := len(p) &^ 63
		lo, hi := foldCLMUL(reg, p[:n], &clmulConsts)
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], lo)
		binary.LittleEndian.PutUint64(b[8:], hi)
		reg = updateTables(0, b[:])
		p = p[n:]
	}
	return ^updateTables(reg, p)
}

// updateTables advances the CRC register (not inverted) over p.
func updateTables(reg uint64, p []byte) uint64 {
	t := crc64NVMETables()
	for len(p) >= 8 {
		reg ^= binary.LittleEndian.Uint64(p)
		reg = t[7][reg&0xff] ^ t[6][reg>>8&0xff] ^ t[5][reg>>16&0xff] ^ t[4][reg>>24&0xff] ^
			t[3][reg>>32&0xff] ^ t[2][reg>>40&0xff] ^ t[1][reg>>48&0xff] ^ t[0][reg>>56]
		p = p[8:]
	}
	for _, b := range p {
		reg = t[0][byte(reg)^b] ^ reg>>8
	}
	return reg
}

// clmulConsts are the folding constants of foldCLMUL: in the reflected
// domain, a 128-bit block A (low half: its 64 higher-degree coefficients)
// is carried D bits ahead as lo(A)·x^(D+63) ⊕ hi(A)·x^(D-1) mod P (the
// carry-less product of two reflected 64-bit values is one bit short of a
// reflected 128-bit value, hence the -1): D = 512 for the four lanes of the
// main loop, D = 128 to merge the lanes.
var clmulConsts = [4]uint64{
	bits.Reverse64(xPowModP(512 + 63)), bits.Reverse64(xPowModP(512 - 1)),
	bits.Reverse64(xPowModP(128 + 63)), bits.Reverse64(xPowModP(128 - 1)),
}

// xPowModP returns x^n mod P for the NVMe polynomial in normal (not
// reflected) form.
func xPowModP(n int) uint64 {
	const normal = 0xad93d23594c93659
	r := uint64(1)
	for range n {
		carry := r >> 63
		r <<= 1
		if carry == 1 {
			r ^= normal
		}
	}
	return r
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
