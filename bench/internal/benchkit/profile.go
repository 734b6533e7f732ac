package benchkit

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

// StartProfile collects a CPU profile of the hako at addr for secs seconds
// through /_hako/debug/pprof/profile while a phase runs, writes it to path
// and reports through progress; the returned function waits for it.
func StartProfile(addr, path string, secs int, progress func(format string, args ...any)) func() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(fmt.Sprintf("http://%s/_hako/debug/pprof/profile?seconds=%d", addr, max(secs, 1)))
		if err != nil {
			progress("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			progress("profile: status %d, %v", resp.StatusCode, err)
			return
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			progress("profile: %v", err)
			return
		}
		progress("CPU profile of hako written to %s", path)
	}()
	return func() { <-done }
}
