package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

// serveBaseline runs the bare net/http baseline server (this same binary,
// re-executed with -serve-baseline DIR): a PUT reads its body and answers
// 200 with an ETag; GET /file/NAME sends DIR/NAME the way a Go server sends
// a file (io.Copy from the *os.File to the ResponseWriter: sendfile); any
// other GET answers smallSize fixed bytes. It prints "baseline ready on
// http://ADDR" and exits on SIGTERM.
func serveBaseline(dir string) {
	small := make([]byte, smallSize)
	for i := range small {
		small[i] = byte(i*7 + 3)
	}
	smallLen := strconv.Itoa(len(small))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut:
			io.Copy(io.Discard, r.Body)
			w.Header().Set("ETag", `"00000000000000000000000000000000"`)
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/file/"):
			f, err := os.Open(filepath.Join(dir, filepath.Base(r.URL.Path)))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			defer f.Close()
			fi, _ := f.Stat()
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
			io.Copy(w, f)
		case r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", smallLen)
			w.Write(small)
		default:
			http.NotFound(w, r)
		}
	})
	benchkit.ServeBaseline("127.0.0.1:0", h)
}
