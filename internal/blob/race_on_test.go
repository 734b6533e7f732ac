//go:build race

package blob

// largeBlobSize is smaller under the race detector, which slows hashing
// tenfold; the memory bound is still checked against a body far larger
// than it.
const largeBlobSize = 256 << 20
