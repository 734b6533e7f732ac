package langs

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The round trip of one warm invocation through the fake Runtime API: the
// client's share of it is what hako adds to every invoke.
func benchInvoke(b *testing.B, o opts) {
	f := start(b, o)
	f.invoke(`{}`)
	cpu0 := procCPU(f.cmd.Process.Pid)
	b.ResetTimer()
	for range b.N {
		if p := f.invoke(`{"a":1}`); p.Kind != "response" {
			b.Fatal(p.Body)
		}
	}
	b.StopTimer()
	if cpu := procCPU(f.cmd.Process.Pid) - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "client-cpu-µs/op")
	}
}

// procCPU is the user and system time of a process so far (Linux).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ is 100
}

func BenchmarkNodeInvoke(b *testing.B) {
	need(b, "node")
	benchInvoke(b, opts{runtime: "nodejs20.x", fixture: "node/basic", handler: "index.counter"})
}

func BenchmarkPythonInvoke(b *testing.B) {
	need(b, "python3")
	benchInvoke(b, opts{runtime: "python3.12", fixture: "python/basic", handler: "lambda_function.counter"})
}

// BenchmarkGoBaseline is the same round trip with a Go client in-process: the
// cost of the fake API and the loopback, not of a client.
func BenchmarkGoBaseline(b *testing.B) {
	api := newFakeAPI(b)
	c := &http.Client{}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go func() {
		for {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+api.addr()+"/2018-06-01/runtime/invocation/next", nil)
			res, err := c.Do(req)
			if err != nil {
				return
			}
			id := res.Header.Get("Lambda-Runtime-Aws-Request-Id")
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			res, err = c.Post("http://"+api.addr()+"/2018-06-01/runtime/invocation/"+id+"/response", "application/json", strings.NewReader("1"))
			if err != nil {
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	f := &fn{t: b, api: api, exited: make(chan struct{})}
	f.invoke(`{}`)
	b.ResetTimer()
	for range b.N {
		f.invoke(`{"a":1}`)
	}
}
