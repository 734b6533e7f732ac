package blob

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"hash/crc64"
	"strings"
	"testing"
)

// Vectors from the AWS SDK for Go v2 checksum tests ("hello world"), the
// CRC catalogue check value, aws-checksums/aws-c-s3 and SPDK's NVMe tests.
func TestCRC64NVMEVectors(t *testing.T) {
	zeros4k := make([]byte, 4096)
	ones4k := bytes.Repeat([]byte{0xff}, 4096)
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"", 0},
		{"123456789", 0xae8b14860a799888},
		{"aaaaaaaaaa", 0x0c1a80036d65c555},
		{string(make([]byte, 32)), 0xcf3473434d4ecf3b},
		{string(zeros4k), 0x6482d367eb22b64e},
		{string(ones4k), 0xc0ddba7302eca3ac},
	} {
		if got := UpdateCRC64NVME(0, []byte(c.in)); got != c.want {
			t.Errorf("CRC64NVME(%.12q) = %#x, want %#x", c.in, got, c.want)
		}
	}
	h := NewCRC64NVME()
	h.Write([]byte("hello "))
	h.Write([]byte("world"))
	sums := Sums{Algorithms: CRC64NVME, CRC64NVME: h.Sum64()}
	if got := sums.Base64(CRC64NVME); got != "jSnVw/bqjr4=" {
		t.Errorf("hello world = %s, want jSnVw/bqjr4= (aws-sdk-go-v2)", got)
	}
	if !bytes.Equal(h.Sum(nil), binary.BigEndian.AppendUint64(nil, h.Sum64())) || h.Size() != 8 {
		t.Error("Sum is not the big-endian Sum64")
	}
	h.Reset()
	if h.Sum64() != 0 {
		t.Error("Reset")
	}
}

// The library agrees with hash/crc64 on the same polynomial (NVMe's
// 0xad93d23594c93659, reversed), for every length and split: short inputs
// take its table path, long ones its carry-less multiplication.
func TestCRC64NVMEMatchesStdlib(t *testing.T) {
	tab := crc64.MakeTable(0x9a6c9329ac4bc9b5)
	data := randBytes(5000, 11)
	for n := 0; n < 300; n++ {
		if got, want := UpdateCRC64NVME(0, data[:n]), crc64.Checksum(data[:n], tab); got != want {
			t.Fatalf("len %d: %#x != %#x", n, got, want)
		}
	}
	for split := 0; split < len(data); split += 97 {
		got := UpdateCRC64NVME(UpdateCRC64NVME(0, data[:split]), data[split:])
		if want := crc64.Checksum(data, tab); got != want {
			t.Fatalf("split %d: %#x != %#x", split, got, want)
		}
	}
}

// The digests of "hello world" as the AWS SDK for Go v2 tests expect them.
func TestSumsHelloWorld(t *testing.T) {
	s := newStore(t, Options{NoSync: true})
	w, _ := s.Create(CRC32 | CRC32C | CRC64NVME | SHA1 | SHA256)
	defer w.Abort()
	w.Write([]byte("hello "))
	w.Write([]byte("world"))
	sums := w.Sums()
	for a, want := range map[Algorithms]string{
		MD5:       "XrY7u+Ae7tCTyyK7j1rNww==",
		CRC32:     "DUoRhQ==",
		CRC32C:    "yZRlqg==",
		CRC64NVME: "jSnVw/bqjr4=",
		SHA1:      "Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
		SHA256:    "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
	} {
		if got := sums.Base64(a); got != want {
			t.Errorf("alg %b: %s, want %s", a, got, want)
		}
	}
	// Only MD5 unless asked.
	w2, _ := s.Create(0)
	defer w2.Abort()
	w2.Write([]byte("x"))
	if got := w2.Sums(); got.Algorithms != MD5 || got.Base64(SHA256) != "" || got.Bytes(CRC32) != nil {
		t.Errorf("unrequested sums: %+v", got)
	}
	// Large writes hash MD5 on the helper goroutine; results must match.
	big := []byte(strings.Repeat("0123456789abcdef", parallelMin/8))
	w3, _ := s.Create(CRC64NVME)
	defer w3.Abort()
	w3.Write(big)
	w3.Write([]byte("tail"))
	w3.Write(big)
	all := append(append(append([]byte{}, big...), "tail"...), big...)
	if got := w3.Sums(); got.CRC64NVME != UpdateCRC64NVME(0, all) || got.MD5 != md5.Sum(all) {
		t.Error("sums over parallel writes differ")
	}
}
