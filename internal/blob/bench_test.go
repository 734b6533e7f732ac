package blob

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// patternReader streams n bytes of a repeating pattern without holding them.
type patternReader struct {
	n, off int64
	chunk  []byte
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := 0; i < len(b); {
		i += copy(b[i:], p.chunk[(p.off+int64(i))%int64(len(p.chunk)):])
	}
	p.off += int64(len(b))
	return len(b), nil
}

// TestLargeBlobBoundedMemory streams 1 GiB (256 MiB under -race) in and out and checks the heap
// never grows with the body.
func TestLargeBlobBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1 GiB")
	}
	const size = largeBlobSize
	s := newStore(t, Options{NoSync: true})
	chunk := randBytes(1<<16+13, 5)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var peak uint64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}
	w, err := s.Create(CRC64NVME)
	if err != nil {
		t.Fatal(err)
	}
	src := &patternReader{n: size, chunk: chunk}
	for src.off < size {
		if _, err := io.CopyN(w, src, 64<<20); err != nil {
			t.Fatal(err)
		}
		sample()
	}
	sums := w.Sums()
	id, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	want := md5.New()
	io.Copy(want, &patternReader{n: size, chunk: chunk})
	if !bytes.Equal(sums.MD5[:], want.Sum(nil)) {
		t.Fatal("MD5 of the large body differs")
	}
	r, err := s.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := md5.New()
	for {
		n, err := io.CopyN(got, r, 64<<20)
		sample()
		if n == 0 || err != nil {
			break
		}
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Fatal("read back differs")
	}
	growth := int64(peak) - int64(before.HeapInuse)
	t.Logf("HeapInuse before %d MiB, peak %d MiB (growth %d KiB) for a %d MiB body",
		before.HeapInuse>>20, peak>>20, growth>>10, size>>20)
	if growth > 16<<20 {
		t.Fatalf("heap grew by %d MiB for a %d MiB body", growth>>20, size>>20)
	}
}

const benchSize = 64 << 20

func benchData() []byte { return randBytes(1<<20, 1) }

// BenchmarkWrite64MiB: a durable blob PUT (MD5, fsync, rename, dir fsync)
// beside the baseline of writing and fsyncing the same bytes with os.File.
func BenchmarkWrite64MiB(b *testing.B) {
	chunk := benchData()
	b.Run("blob", func(b *testing.B) {
		s := newStore(b, Options{})
		b.SetBytes(benchSize)
		for b.Loop() {
			w, err := s.Create(0)
			if err != nil {
				b.Fatal(err)
			}
			for range benchSize / len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			id, err := w.Commit()
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Delete(id)
			b.StartTimer()
		}
	})
	b.Run("blob-crc64nvme", func(b *testing.B) {
		s := newStore(b, Options{})
		b.SetBytes(benchSize)
		for b.Loop() {
			w, _ := s.Create(CRC64NVME)
			for range benchSize / len(chunk) {
				w.Write(chunk)
			}
			id, err := w.Commit()
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Delete(id)
			b.StartTimer()
		}
	})
	// As ingest writes a request body: ReadFrom, the default checksum.
	b.Run("readfrom-crc64nvme", func(b *testing.B) {
		s := newStore(b, Options{})
		body := bytes.Repeat(chunk, benchSize/len(chunk))
		b.SetBytes(benchSize)
		for b.Loop() {
			w, _ := s.Create(CRC64NVME)
			if _, err := w.ReadFrom(bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
			id, err := w.Commit()
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Delete(id)
			b.StartTimer()
		}
	})
	// The ceiling: MD5 alone over the same bytes (an ETag needs it).
	b.Run("md5-only", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			h := md5.New()
			for range benchSize / len(chunk) {
				h.Write(chunk)
			}
			h.Sum(nil)
		}
	})
	b.Run("osfile-baseline", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(benchSize)
		for b.Loop() {
			name := filepath.Join(dir, "f")
			f, err := os.Create(name)
			if err != nil {
				b.Fatal(err)
			}
			for range benchSize / len(chunk) {
				f.Write(chunk)
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			b.StopTimer()
			os.Remove(name)
			b.StartTimer()
		}
	})
}

// BenchmarkRead64MiB: a blob GET beside reading the same file with os.File.
func BenchmarkRead64MiB(b *testing.B) {
	chunk := benchData()
	s := newStore(b, Options{NoSync: true})
	w, _ := s.Create(0)
	for range benchSize / len(chunk) {
		w.Write(chunk)
	}
	id, err := w.Commit()
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	b.Run("blob", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			r, err := s.Open(id)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil || n != benchSize {
				b.Fatal(n, err)
			}
			r.Close()
		}
	})
	b.Run("osfile-baseline", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			f, err := os.Open(s.path(id))
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf); err != nil || n != benchSize {
				b.Fatal(n, err)
			}
			f.Close()
		}
	})
}

// BenchmarkConcurrentPut: c bodies of 16 MiB written at once through
// ReadFrom with the default checksum, not synced: the CPU side of c
// concurrent large PUTs, with the lanes as chosen (lanes.from), never, or
// for every body.
func BenchmarkConcurrentPut(b *testing.B) {
	const size = 16 << 20
	body := bytes.Repeat(randBytes(1<<20, 3), size>>20)
	for _, c := range []int{1, 2, 4, 8, 16, 32} {
		for _, mode := range []string{"crypto-md5", "default", "lanes"} {
			b.Run(fmt.Sprintf("c=%d/%s", c, mode), func(b *testing.B) {
				s := newStore(b, Options{NoSync: true})
				switch {
				case s.lanes.from == 0 && mode != "crypto-md5":
					b.Skip("no AVX2")
				case mode == "crypto-md5":
					s.lanes.from = 0
				case mode == "lanes":
					s.lanes.from = 1
				}
				b.SetBytes(int64(c) * size)
				for b.Loop() {
					var wg sync.WaitGroup
					ids := make([]ID, c)
					for i := range c {
						wg.Add(1)
						go func() {
							defer wg.Done()
							w, err := s.Create(CRC64NVME)
							if err != nil {
								b.Error(err)
								return
							}
							defer w.Abort()
							if _, err := w.ReadFrom(bytes.NewReader(body)); err != nil {
								b.Error(err)
								return
							}
							w.Sums()
							if ids[i], err = w.Commit(); err != nil {
								b.Error(err)
							}
						}()
					}
					wg.Wait()
					b.StopTimer()
					for _, id := range ids {
						s.Delete(id)
					}
					b.StartTimer()
				}
			})
		}
	}
}
