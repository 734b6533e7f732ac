// Package benchkit is the machinery of hako's hand-run benchmarks: server
// processes started and timed from exec to their ready line, their memory
// read from /proc, a light raw HTTP/1.1 load generator replaying pre-built
// requests, an optional wrk driver, and latency statistics.
package benchkit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a server process started by a benchmark. The server must print a
// line containing " ready on http://ADDR" on stdout once it accepts
// requests (hako: "hako ready on http://ADDR").
type Proc struct {
	Cmd     *exec.Cmd
	Addr    string        // host:port from the ready line
	Started time.Time     // just before exec
	Ready   time.Duration // from Started to the ready line

	stdout *readyWriter
	stderr lockedBuffer
	done   chan struct{}
	err    error // of Wait, valid once done is closed
}

// StartProc starts bin with args and waits (at most timeout) for its ready
// line.
func StartProc(bin string, args []string, env []string, timeout time.Duration) (*Proc, error) {
	p := &Proc{stdout: &readyWriter{ready: make(chan readyLine, 1)}, done: make(chan struct{})}
	p.Cmd = exec.Command(bin, args...)
	p.Cmd.Stdout = p.stdout
	p.Cmd.Stderr = &p.stderr
	if env != nil {
		p.Cmd.Env = env
	}
	p.Started = time.Now()
	if err := p.Cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.done)
	}()
	select {
	case r := <-p.stdout.ready:
		p.Ready = r.at.Sub(p.Started)
		p.Addr = r.addr
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before it was ready: %v\n%s", bin, p.err, p.Stderr())
	case <-time.After(timeout):
		p.Kill()
		return nil, fmt.Errorf("%s not ready after %v\n%s", bin, timeout, p.Stderr())
	}
}

// URL is http://Addr.
func (p *Proc) URL() string { return "http://" + p.Addr }

// PID is the process id.
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Stderr returns what the process wrote on stderr so far.
func (p *Proc) Stderr() string { return p.stderr.String() }

// Stop sends SIGTERM and waits for the exit (SIGKILL after timeout). It
// returns the time the process took to exit.
func (p *Proc) Stop(timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		select {
		case <-p.done:
			return 0, p.err
		default:
			return 0, err
		}
	}
	select {
	case <-p.done:
		return time.Since(start), p.err
	case <-time.After(timeout):
		p.Kill()
		return time.Since(start), fmt.Errorf("no exit %v after SIGTERM; killed", timeout)
	}
}

// Kill sends SIGKILL and waits for the exit.
func (p *Proc) Kill() {
	p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Memory is what /proc/PID/status says of a process's memory, in KiB.
type Memory struct {
	RSSKiB int64 `json:"vm_rss_kib"` // VmRSS: resident now
	HWMKiB int64 `json:"vm_hwm_kib"` // VmHWM: peak resident
}

// MiB formats KiB as MiB.
func MiB(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// ReadMemory reads VmRSS and VmHWM of pid.
func ReadMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			m.RSSKiB = n
		case "VmHWM":
			m.HWMKiB = n
		}
	}
	if m.RSSKiB == 0 {
		return m, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
	}
	return m, nil
}

type readyLine struct {
	addr string
	at   time.Time
}

// readyWriter watches stdout for the ready line.
type readyWriter struct {
	mu    sync.Mutex
	buf   []byte
	sent  bool
	ready chan readyLine
}

func (w *readyWriter) Write(b []byte) (int, error) {
	at := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(b), nil
	}
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		if _, addr, ok := strings.Cut(line, " ready on http://"); ok {
			w.sent = true
			w.ready <- readyLine{addr: strings.TrimSpace(addr), at: at}
			return len(b), nil
		}
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep the head; a benchmark's server should be quiet
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
