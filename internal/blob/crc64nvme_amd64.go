//go:build !purego

package blob

// hasCLMUL reports whether the CPU has PCLMULQDQ.
var hasCLMUL = cpuHasCLMUL()

func cpuHasCLMUL() bool

// foldCLMUL folds p (len a multiple of 64, at least 64) with the CRC
// register reg XORed into its first 8 bytes, four 16-byte lanes at a time,
// into 16 bytes (lo, hi little-endian) with the same CRC from a zero
// register.
//
//go:noescape
func foldCLMUL(reg uint64, p []byte, k *[4]uint64) (lo, hi uint64)
