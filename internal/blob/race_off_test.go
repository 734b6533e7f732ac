//go:build !race

package blob

const largeBlobSize = 1 << 30
