package awschunked

import (
	"bytes"
	"io"
	"testing"
)

const benchSize = 64 << 20

// BenchmarkDecode decodes a 64 MiB body in 64 KiB chunks (the SDKs' chunk
// size); BenchmarkDecode/raw copies the same number of plain bytes, the
// baseline.
func BenchmarkDecode(b *testing.B) {
	data := payload(benchSize)
	v := docVerifier()
	bodies := []struct {
		name string
		body []byte
		opts Options
	}{
		{"raw", data, Options{}},
		{"unsigned-trailer", encode(data, encoding{mode: unsignedTrailer, chunk: 64 << 10, trailers: crc32Trailer}),
			Options{Mode: unsignedTrailer, DecodedLength: benchSize, Trailers: []string{"x-amz-checksum-crc32"}}},
		{"signed-unverified", encode(data, encoding{mode: signed, signer: v, chunk: 64 << 10}),
			Options{Mode: signed, DecodedLength: benchSize}},
		{"signed-verified", encode(data, encoding{mode: signed, signer: v, chunk: 64 << 10}),
			Options{Mode: signed, DecodedLength: benchSize, Verifier: v}},
	}
	for _, c := range bodies {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				var r io.Reader = bytes.NewReader(c.body)
				if c.name != "raw" {
					r = NewReader(r, c.opts)
				}
				// onlyWriter hides ReaderFrom/WriterTo so that both sides
				// go through io.Copy's 32 KiB buffer.
				n, err := io.Copy(onlyWriter{io.Discard}, onlyReader{r})
				if err != nil || n != benchSize {
					b.Fatal(n, err)
				}
			}
		})
	}
}

type onlyWriter struct{ io.Writer }
