//go:build !amd64 || purego

package blob

const hasCLMUL = false

func foldCLMUL(reg uint64, p []byte, k *[4]uint64) (lo, hi uint64) { panic("unreachable") }
