package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// bigConn is the client of the large-object phases: one keep-alive
// HTTP/1.1 connection that writes a request head and a shared body with
// one writev, and reads the answer with net/http's parser into a reused
// 1 MiB buffer (the body is not hashed: the client must not be the
// bottleneck; the ETag of every PUT is checked, and the bytes of one GET
// per object outside the timed loop).
type bigConn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
	buf  []byte
}

func newBigConn(addr string) *bigConn {
	return &bigConn{addr: addr, buf: make([]byte, 1<<20)}
}

func (b *bigConn) close() {
	if b.c != nil {
		b.c.Close()
		b.c = nil
	}
}

func (b *bigConn) dial() error {
	if b.c != nil {
		return nil
	}
	c, err := net.DialTimeout("tcp", b.addr, 10*time.Second)
	if err != nil {
		return err
	}
	b.c = c
	b.br = bufio.NewReaderSize(c, 64<<10)
	return nil
}

// do sends one request and returns the response's status, ETag and body
// length (the body itself is discarded, or handed to sink when not nil).
func (b *bigConn) do(method, path string, body []byte, sink io.Writer) (status int, etag string, n int64, err error) {
	if err := b.dial(); err != nil {
		return 0, "", 0, err
	}
	head := method + " " + path + " HTTP/1.1\r\nHost: " + b.addr + "\r\n"
	if method == http.MethodPut {
		head += "Content-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	}
	head += "\r\n"
	bufs := net.Buffers{[]byte(head)}
	if len(body) > 0 {
		bufs = append(bufs, body)
	}
	if _, err := bufs.WriteTo(b.c); err != nil {
		b.close()
		return 0, "", 0, err
	}
	resp, err := http.ReadResponse(b.br, nil)
	if err != nil {
		b.close()
		return 0, "", 0, err
	}
	for {
		k, rerr := resp.Body.Read(b.buf)
		n += int64(k)
		if sink != nil && k > 0 {
			sink.Write(b.buf[:k])
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			b.close()
			return 0, "", n, rerr
		}
	}
	resp.Body.Close()
	if resp.Close {
		b.close()
	}
	return resp.StatusCode, resp.Header.Get("ETag"), n, nil
}

// bigResult is one large-object phase of one run.
type bigResult struct {
	Objects int     `json:"objects"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
	MBps    float64 `json:"mb_per_s"` // 10^6 bytes per second
}

func (r *bigResult) finish(d time.Duration) {
	r.Seconds = d.Seconds()
	if r.Seconds > 0 {
		r.MBps = float64(r.Bytes) / r.Seconds / 1e6
	}
}

// runBig runs objects operations on conc workers (each with its own
// connection) and measures the bytes moved per second from the first
// request to the last answer. op gets the worker number and the object
// number and returns the bytes it moved.
func runBig(conc, objects int, op func(c *bigConn, worker, obj int) (int64, error), addr string) (bigResult, error) {
	var (
		next     atomic.Int64
		total    atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newBigConn(addr)
			defer c.close()
			for {
				i := int(next.Add(1) - 1)
				if i >= objects {
					return
				}
				n, err := op(c, w, i)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				total.Add(n)
			}
		}()
	}
	wg.Wait()
	r := bigResult{Objects: objects, Bytes: total.Load()}
	r.finish(time.Since(start))
	return r, firstErr
}

// fsyncBaseline is the baseline of the large PUTs: the same bytes written
// to new files in dir and fsynced, by conc goroutines, objects files in
// all. The files are removed afterwards (not timed).
func fsyncBaseline(dir string, body []byte, conc, objects int) (bigResult, error) {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	names := make([]string, objects)
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= objects {
					return
				}
				names[i] = filepath.Join(dir, fmt.Sprintf("fsync-%d", i))
				err := writeSync(names[i], body)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	r := bigResult{Objects: objects, Bytes: int64(objects) * int64(len(body))}
	r.finish(time.Since(start))
	for _, n := range names {
		if n != "" {
			os.Remove(n)
		}
	}
	return r, firstErr
}

func writeSync(name string, body []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
