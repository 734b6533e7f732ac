package blob

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func BenchmarkExperiment(b *testing.B) {
	chunk := benchData()
	body := bytes.Repeat(chunk, benchSize/len(chunk))
	b.Run("osfile-baseline", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(benchSize)
		for b.Loop() {
			name := filepath.Join(dir, "f")
			f, _ := os.Create(name)
			f.Write(body)
			f.Sync()
			f.Close()
			b.StopTimer()
			os.Remove(name)
			b.StartTimer()
		}
	})
	for _, wb := range []int64{4 << 20} {
		b.Run(fmt.Sprintf("sync-wb%d", wb>>10), func(b *testing.B) {
			s := newStore(b, Options{})
			b.SetBytes(benchSize)
			var tRead, tCommit time.Duration
			for b.Loop() {
				w, _ := s.Create(CRC64NVME)
				t0 := time.Now()
				if _, err := w.ReadFrom(bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				id, err := w.Commit()
				if err != nil {
					b.Fatal(err)
				}
				tRead += t1.Sub(t0)
				tCommit += time.Since(t1)
				b.StopTimer()
				s.Delete(id)
				b.StartTimer()
			}
			b.ReportMetric(float64(tRead.Milliseconds())/float64(b.N), "read-ms")
			b.ReportMetric(float64(tCommit.Milliseconds())/float64(b.N), "commit-ms")
		})
	}
}
