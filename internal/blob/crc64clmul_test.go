package blob

import (
	"fmt"
	"hash/crc64"
	"testing"
)

// The carry-less multiplication folding agrees with the tables for every
// length around its thresholds and block multiples, at every alignment,
// and from any starting CRC.
func TestCRC64NVMEFolding(t *testing.T) {
	t.Logf("PCLMULQDQ: %v", hasCLMUL)
	tab := crc64.MakeTable(crc64NVMEPoly)
	data := randBytes(1<<16+200, 12)
	lengths := []int{}
	for n := clmulMin - 70; n < clmulMin+200; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range []int{1000, 4096, 4096 + 63, 4096 + 64, 1<<16 - 1, 1 << 16} {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for off := range 17 {
			p := data[off : off+n]
			want := crc64.Checksum(p, tab)
			if got := UpdateCRC64NVME(0, p); got != want {
				t.Fatalf("len %d at offset %d: %#x, want %#x", n, off, got, want)
			}
			if got := ^updateTables(^uint64(0), p); got != want {
				t.Fatalf("tables: len %d at offset %d: %#x, want %#x", n, off, got, want)
			}
			// From a non-zero CRC.
			split := n / 3
			if got := UpdateCRC64NVME(UpdateCRC64NVME(0, p[:split]), p[split:]); got != want {
				t.Fatalf("len %d split at %d: %#x, want %#x", n, split, got, want)
			}
		}
	}
}

func BenchmarkCRC64NVME(b *testing.B) {
	for _, n := range []int{4 << 10, 1 << 20} {
		data := randBytes(n, 3)
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				UpdateCRC64NVME(0, data)
			}
		})
		b.Run(fmt.Sprintf("tables-%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				updateTables(0, data)
			}
		})
	}
}
