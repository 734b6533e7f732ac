package benchkit

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// WrkPath returns the path of wrk, or "" when it is not installed.
func WrkPath() string {
	p, err := exec.LookPath("wrk")
	if err != nil {
		return ""
	}
	return p
}

// Wrk runs wrk (at path) replaying req with body against url (http://addr)
// with conc connections for warmup (not measured) and then duration, and
// returns the measurements of the measured run and the number of successful
// requests of both runs. wrk counts a non-2xx/3xx answer as an error. dir
// holds the generated Lua script.
func Wrk(path, dir, url string, req *Request, body []byte, conc int, warmup, duration time.Duration) (Stats, int64, error) {
	script := filepath.Join(dir, "bench.lua")
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString(req.Method))
	fmt.Fprintf(&b, "wrk.path = %s\n", luaString(req.Path))
	fmt.Fprintf(&b, "wrk.body = %s\n", luaString(string(body)))
	for _, h := range req.Headers {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(h[0]), luaString(h[1]))
	}
	b.WriteString(`done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HAKOBENCH %d %d %d %d %d %d %d %.1f %.1f %.1f %.1f %.1f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`)
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		return Stats{}, 0, err
	}
	threads := min(conc, 2)
	run := func(d time.Duration) (Stats, error) {
		secs := max(1, int((d+time.Second-1)/time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, path, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conc),
			"-d", strconv.Itoa(secs)+"s", "--timeout", "10s", "-s", script, url)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return Stats{}, fmt.Errorf("wrk: %v\n%s", err, out)
		}
		return parseWrk(out, conc)
	}
	var total int64
	if warmup > 0 {
		s, err := run(warmup)
		if err != nil {
			return Stats{}, 0, err
		}
		total += s.Ops
	}
	s, err := run(duration)
	total += s.Ops
	return s, total, err
}

func parseWrk(out []byte, conc int) (Stats, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 13 || f[0] != "HAKOBENCH" {
			continue
		}
		n := make([]float64, 12)
		for i := range n {
			n[i], _ = strconv.ParseFloat(f[i+1], 64)
		}
		requests, durUs := int64(n[0]), n[1]
		errs := int64(n[2] + n[3] + n[4] + n[5] + n[6])
		s := Stats{
			Concurrency: conc,
			Ops:         requests - int64(n[5]), // non-2xx/3xx answers are not successes
			Errors:      errs,
			Seconds:     durUs / 1e6,
			MeanUs:      n[7], P50Us: n[8], P90Us: n[9], P99Us: n[10], MaxUs: n[11],
		}
		if s.Seconds > 0 {
			s.PerSec = float64(s.Ops) / s.Seconds
		}
		if errs > 0 {
			s.FirstErr = fmt.Sprintf("wrk errors: connect %d, read %d, write %d, status %d, timeout %d", int64(n[2]), int64(n[3]), int64(n[4]), int64(n[5]), int64(n[6]))
		}
		return s, nil
	}
	return Stats{}, fmt.Errorf("wrk: no summary in its output:\n%s", out)
}

// luaString quotes s as a Lua string literal (decimal escapes for every
// byte that is not plainly printable, which every Lua reads the same).
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "\\%03d", c)
	}
	b.WriteByte('"')
	return b.String()
}
