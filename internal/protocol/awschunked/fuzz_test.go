package awschunked

import (
	"bytes"
	"io"
	"testing"
)

// FuzzDecode feeds arbitrary bodies to every mode, with and without
// signature checks. The Reader must not panic, must not return more bytes
// than the body holds, and must return either io.EOF or an *Error (the
// input is an in-memory reader, so no transport errors).
func FuzzDecode(f *testing.F) {
	// Small seeds: the fuzzer minimizes every new input byte by byte.
	data := payload(300)
	v := docVerifier()
	for i, m := range []Mode{unsignedTrailer, signed, signedTrailer, ecdsa, ecdsaTrailer} {
		var tr [][2]string
		if m.Trailer {
			tr = crc32Trailer
		}
		f.Add(uint8(i), int64(len(data)), true, encode(data, encoding{mode: m, signer: v, chunk: 128, trailers: tr}))
		f.Add(uint8(i), int64(5), false, encode(data[:5], encoding{mode: m, chunk: 8192, trailers: tr}))
	}
	f.Add(uint8(0x40), int64(-1), false, []byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-sha1:A\r\n\r\n"))
	modes := []Mode{unsignedTrailer, signed, signedTrailer, ecdsa, ecdsaTrailer}
	f.Fuzz(func(t *testing.T, mode uint8, length int64, verify bool, body []byte) {
		opts := Options{
			Mode:          modes[int(mode)%len(modes)],
			DecodedLength: length,
			Trailers:      []string{"x-amz-checksum-crc32"},
			MinChunkSize:  int(mode) - 128, // negative (off) or small
		}
		if mode&0x40 != 0 {
			opts.Trailers = append(opts.Trailers, "x-amz-checksum-sha1")
		}
		if verify {
			opts.Verifier = v
		}
		dec := NewReader(bytes.NewReader(body), opts)
		buf := make([]byte, 1+int(mode)%4096)
		var n int64
		for {
			k, err := dec.Read(buf)
			n += int64(k)
			if n > int64(len(body)) {
				t.Fatalf("decoded %d bytes from a %d-byte body", n, len(body))
			}
			if err == io.EOF {
				if length >= 0 && n != length {
					t.Fatalf("EOF after %d bytes, decoded length %d", n, length)
				}
				if opts.Mode.Trailer && len(dec.Trailers()) != len(opts.Trailers) {
					t.Fatalf("EOF with trailers %v", dec.Trailers())
				}
				return
			}
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error %T %v", err, err)
				}
				return
			}
		}
	})
}
