package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	fmt.Printf("baseline ready on http://%s\n", l.Addr())
	if err := srv.Serve(l); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
