// Command s3 is hako's hand-run S3 benchmark: PUT and GET of small (4 KiB)
// and large (64 MiB) objects at concurrency 1 and 32, each beside a
// baseline measured in the same run on the same machine:
//
//   - small objects: a bare net/http server on loopback (it reads the PUT
//     body, answers a GET with 4 KiB), loaded by the same raw HTTP/1.1
//     client as hako; the AWS SDK's latency at concurrency 1 besides.
//   - large objects: writing and fsyncing the same bytes to a file on the
//     same file system (hako then runs with HAKO_FSYNC=true, so that its
//     PUT is as durable as the baseline's); GETs also beside a bare
//     net/http server sending the same bytes from a file (sendfile).
//
// Every figure is the median over -runs runs; the servers take turns.
// See bench/README.md.
//
//	go run ./bench/s3 [-runs 5] [-duration 3s] [-json out.json]
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

const (
	smallSize = 4 << 10
	largeSize = 64 << 20
	bucket    = "bench"
	getKeys   = 1024 // small objects the GET phases cycle through
)

type options struct {
	runs             int
	duration, warmup time.Duration
	sdkDuration      time.Duration
	conc             []int
	largeMin         int
	dir, hakoBin     string
	jsonPath         string
	skipSmall, noSDK bool
	skipLarge        bool
	profile          string
	profileSeconds   int
	profilePhase     string
}

func main() {
	var o options
	var conc, serve string
	flag.IntVar(&o.runs, "runs", 5, "runs of every phase (the figures are medians over the runs)")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured time of each small-object phase")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before each small-object phase")
	flag.DurationVar(&o.sdkDuration, "sdk-duration", time.Second, "measured time of each SDK latency phase")
	flag.StringVar(&conc, "conc", "1,32", "concurrencies (connections)")
	flag.IntVar(&o.largeMin, "large-objects", 16, "64 MiB objects per large-object phase (at least the concurrency)")
	flag.StringVar(&o.dir, "dir", "", "directory for the data directories and baseline files (default: the system temp dir); removed at the end")
	flag.StringVar(&o.hakoBin, "hako", "", "hako binary to measure (default: build ./cmd/hako with CGO_ENABLED=0)")
	flag.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	flag.BoolVar(&o.skipSmall, "skip-small", false, "skip the small-object phases")
	flag.BoolVar(&o.skipLarge, "skip-large", false, "skip the large-object phases")
	flag.BoolVar(&o.noSDK, "no-sdk", false, "skip the SDK latency phases")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile of hako, taken during -profile-phase of the last run, to this file")
	flag.StringVar(&o.profilePhase, "profile-phase", "PUT small c=32", `the phase to profile: "PUT small c=32", "GET large c=1", ...`)
	flag.IntVar(&o.profileSeconds, "profile-seconds", 3, "length of the profile of a large-object phase (small: the phase's length)")
	flag.StringVar(&serve, "serve-baseline", "", "internal: run the baseline server serving files from this directory")
	flag.Parse()
	if serve != "" {
		serveBaseline(serve)
		return
	}
	for _, f := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fatalf("-conc: %q is not a positive integer", f)
		}
		o.conc = append(o.conc, n)
	}
	if o.runs < 1 || o.duration <= 0 {
		fatalf("-runs and -duration must be positive")
	}
	if err := run(o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/s3: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

func run(o options) error {
	var cl benchkit.Cleanup
	defer cl.Run()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		progress("interrupted: cleaning up")
		cl.Run()
		os.Exit(1)
	}()

	tmp, err := os.MkdirTemp(o.dir, "hako-bench-s3-")
	if err != nil {
		return err
	}
	cl.Add(func() { os.RemoveAll(tmp) })
	hakoBin := o.hakoBin
	if hakoBin == "" {
		root, err := benchkit.ModuleRoot()
		if err != nil {
			return errors.New("run from inside the hako module, or give -hako")
		}
		hakoBin = filepath.Join(tmp, "hako")
		progress("building hako")
		cmd := exec.Command("go", "build", "-o", hakoBin, "./cmd/hako")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./cmd/hako: %v\n%s", err, b)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	files := filepath.Join(tmp, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return err
	}
	base, err := benchkit.StartProc(self, []string{"-serve-baseline", files}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	cl.Add(base.Kill)

	rep := &report{Started: time.Now(), Machine: machineInfo(tmp), Settings: settingsOf(o)}
	if !o.skipSmall {
		if err := smallPhases(o, rep, hakoBin, base, tmp, &cl); err != nil {
			return err
		}
	}
	if !o.skipLarge {
		if err := largePhases(o, rep, hakoBin, base, tmp, files, &cl); err != nil {
			return err
		}
	}
	rep.print(os.Stdout, o)
	if o.jsonPath != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.jsonPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
		progress("results written to %s", o.jsonPath)
	}
	return nil
}

// startHako starts hako on a new data directory; env is added to the
// environment (HAKO_FSYNC=true for the large objects).
func startHako(bin, dataDir string, env []string, cl *benchkit.Cleanup) (*benchkit.Proc, error) {
	p, err := benchkit.StartProc(bin, []string{"--addr", "127.0.0.1:0", "--data-dir", dataDir}, append(os.Environ(), env...), 60*time.Second)
	if err != nil {
		return nil, err
	}
	cl.Add(p.Kill)
	// The bucket.
	c := newBigConn(p.Addr)
	defer c.close()
	st, _, _, err := c.do(http.MethodPut, "/"+bucket, nil, nil)
	if err != nil || st != http.StatusOK {
		return nil, fmt.Errorf("hako CreateBucket: status %d, %v\n%s", st, err, p.Stderr())
	}
	return p, nil
}

func stopHako(p *benchkit.Proc) error {
	if _, err := p.Stop(30 * time.Second); err != nil {
		return fmt.Errorf("hako stop: %v\n%s", err, p.Stderr())
	}
	return nil
}

// smallRequests builds the raw requests of the small-object phases.
type smallRequests struct {
	host string
	body []byte
	gets [][]byte // GET requests, cycled through
	pool sync.Pool
}

func newSmallRequests(host string, body []byte, getPath func(i int) string) *smallRequests {
	r := &smallRequests{host: host, body: body}
	r.pool.New = func() any { b := make([]byte, 0, 512+len(body)); return &b }
	for i := range getKeys {
		r.gets = append(r.gets, []byte("GET "+getPath(i)+" HTTP/1.1\r\nHost: "+host+"\r\n\r\n"))
	}
	return r
}

// put sends a PUT of the small body to path on c and expects a 200.
func (r *smallRequests) put(c *benchkit.Conn, path []byte) error {
	bp := r.pool.Get().(*[]byte)
	b := append((*bp)[:0], "PUT "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, r.host...)
	b = append(b, "\r\nContent-Type: application/octet-stream\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(r.body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, r.body...)
	_, err := benchkit.Expect200(c, b)
	*bp = b
	r.pool.Put(bp)
	return err
}

func (r *smallRequests) get(c *benchkit.Conn, i int64) error {
	body, err := benchkit.Expect200(c, r.gets[i%int64(len(r.gets))])
	if err == nil && len(body) != smallSize {
		err = fmt.Errorf("GET answered %d bytes, want %d", len(body), smallSize)
	}
	return err
}

func smallPhases(o options, rep *report, hakoBin string, base *benchkit.Proc, tmp string, cl *benchkit.Cleanup) error {
	hako, err := startHako(hakoBin, filepath.Join(tmp, "data-small"), nil, cl)
	if err != nil {
		return err
	}
	body := make([]byte, smallSize)
	rand.NewChaCha8([32]byte{1}).Read(body)
	targets := []struct {
		name string
		proc *benchkit.Proc
		reqs *smallRequests
	}{
		{"baseline", base, newSmallRequests(base.Addr, body, func(int) string { return "/small" })},
		{"hako", hako, newSmallRequests(hako.Addr, body, func(i int) string { return fmt.Sprintf("/%s/g/%d", bucket, i) })},
	}
	// The objects the GETs read.
	progress("small objects: %d objects for the GETs", getKeys)
	{
		c := benchkit.NewConn(hako.Addr)
		for i := range getKeys {
			if err := targets[1].reqs.put(c, fmt.Appendf(nil, "/%s/g/%d", bucket, i)); err != nil {
				return fmt.Errorf("hako PUT: %v", err)
			}
		}
		c.Close()
	}
	for run := range o.runs {
		for _, conc := range o.conc {
			for _, op := range []string{"PUT", "GET"} {
				for _, t := range targets {
					var n atomic.Int64
					var fn benchkit.Op
					if op == "PUT" {
						prefix := fmt.Sprintf("/%s/p/r%d-c%d/", bucket, run, conc)
						fn = func(c *benchkit.Conn) error {
							return t.reqs.put(c, strconv.AppendInt([]byte(prefix), n.Add(1), 10))
						}
					} else {
						fn = func(c *benchkit.Conn) error { return t.reqs.get(c, n.Add(1)) }
					}
					label := fmt.Sprintf("%s small c=%d", op, conc)
					wait := func() {}
					if t.name == "hako" {
						o := o
						o.profileSeconds = int((o.warmup + o.duration).Seconds())
						wait = maybeProfile(o, run, label, t.proc.Addr)
					}
					res := benchkit.Run(benchkit.Load{Addr: t.proc.Addr, Concurrency: conc, Warmup: o.warmup, Duration: o.duration}, fn)
					wait()
					st := benchkit.Summarise(res, conc)
					rep.addSmall(op, conc, t.name, st)
					progress("run %d/%d %-14s %-8s %8.0f req/s  benchkit.P50 %6.0f µs  benchkit.P99 %6.0f µs  errors %d %s",
						run+1, o.runs, label, t.name, st.PerSec, st.P50Us, st.P99Us, st.Errors, st.FirstErr)
				}
			}
		}
		if !o.noSDK {
			for _, t := range targets {
				if err := sdkPhase(o, rep, t.name, t.proc.URL(), body); err != nil {
					return err
				}
			}
		}
	}
	return stopHako(hako)
}

func sdkClient(url string) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  benchkit.SDKHTTPClient(),
	})
}

// sdkPhase measures the latency of the AWS SDK's PutObject and GetObject
// of a small object at concurrency 1.
func sdkPhase(o options, rep *report, name, url string, body []byte) error {
	c := sdkClient(url)
	ctx := context.Background()
	key := aws.String("sdk/small")
	put := func() error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: key, Body: bytes.NewReader(body)})
		return err
	}
	get := func() error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: key})
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, out.Body)
		out.Body.Close()
		if err == nil && n != smallSize {
			err = fmt.Errorf("GetObject: %d bytes", n)
		}
		return err
	}
	if err := put(); err != nil {
		return fmt.Errorf("%s SDK PutObject: %v", name, err)
	}
	for _, p := range []struct {
		op string
		fn func() error
	}{{"PUT", put}, {"GET", get}} {
		st := benchkit.Summarise(benchkit.Sequential(o.warmup/2, o.sdkDuration, p.fn), 1)
		rep.addSDK(p.op, name, st)
		progress("        SDK %s small c=1 %-8s benchkit.P50 %6.0f µs  benchkit.P99 %6.0f µs  errors %d %s", p.op, name, st.P50Us, st.P99Us, st.Errors, st.FirstErr)
	}
	return nil
}

func largePhases(o options, rep *report, hakoBin string, base *benchkit.Proc, tmp, files string, cl *benchkit.Cleanup) error {
	hako, err := startHako(hakoBin, filepath.Join(tmp, "data-large"), []string{"HAKO_FSYNC=true"}, cl)
	if err != nil {
		return err
	}
	body := make([]byte, largeSize)
	rand.NewChaCha8([32]byte{2}).Read(body)
	sum := md5.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	maxConc := slices.Max(o.conc)
	keys := max(maxConc, o.largeMin)
	// The baseline server's files for the GETs (page cache warm, as
	// hako's just-written blobs are).
	for i := range keys {
		if err := os.WriteFile(filepath.Join(files, fmt.Sprintf("f%d", i)), body, 0o600); err != nil {
			return err
		}
	}
	fsyncDir := filepath.Join(tmp, "fsync")
	if err := os.MkdirAll(fsyncDir, 0o755); err != nil {
		return err
	}
	put := func(c *bigConn, _, i int) (int64, error) {
		st, got, _, err := c.do(http.MethodPut, fmt.Sprintf("/%s/large/%d", bucket, i%keys), body, nil)
		if err == nil && (st != http.StatusOK || got != etag) {
			err = fmt.Errorf("PUT: status %d, ETag %s, want 200 and %s", st, got, etag)
		}
		return int64(len(body)), err
	}
	getFrom := func(path string) func(c *bigConn, _, i int) (int64, error) {
		return func(c *bigConn, _, i int) (int64, error) {
			st, _, n, err := c.do(http.MethodGet, fmt.Sprintf(path, i%keys), nil, nil)
			if err == nil && (st != http.StatusOK || n != largeSize) {
				err = fmt.Errorf("GET: status %d, %d bytes, want 200 and %d", st, n, largeSize)
			}
			return n, err
		}
	}
	hakoGet := getFrom("/" + bucket + "/large/%d")
	baseGet := getFrom("/file/f%d")
	for run := range o.runs {
		// The ceiling of one PUT: MD5 (an ETag needs it) of the same bytes
		// on one core.
		t0 := time.Now()
		md5.Sum(body)
		rep.MD5MBps = append(rep.MD5MBps, float64(len(body))/time.Since(t0).Seconds()/1e6)
		for _, conc := range o.conc {
			objects := max(conc, o.largeMin)
			label := fmt.Sprintf("PUT large c=%d", conc)
			r, err := fsyncBaseline(fsyncDir, body, conc, objects)
			if err != nil {
				return err
			}
			rep.addLarge("PUT", conc, "write+fsync", r)
			stop := maybeProfile(o, run, label, hako.Addr)
			h, err := runBig(conc, objects, put, hako.Addr)
			stop()
			if err != nil {
				return fmt.Errorf("hako %s: %v\n%s", label, err, hako.Stderr())
			}
			rep.addLarge("PUT", conc, "hako", h)
			progress("run %d/%d %-14s write+fsync %6.0f MB/s  hako %6.0f MB/s (%d objects)", run+1, o.runs, label, r.MBps, h.MBps, objects)
		}
		for _, conc := range o.conc {
			objects := max(conc, o.largeMin)
			label := fmt.Sprintf("GET large c=%d", conc)
			b, err := runBig(conc, objects, baseGet, base.Addr)
			if err != nil {
				return fmt.Errorf("baseline %s: %v", label, err)
			}
			rep.addLarge("GET", conc, "http-sendfile", b)
			stop := maybeProfile(o, run, label, hako.Addr)
			h, err := runBig(conc, objects, hakoGet, hako.Addr)
			stop()
			if err != nil {
				return fmt.Errorf("hako %s: %v\n%s", label, err, hako.Stderr())
			}
			rep.addLarge("GET", conc, "hako", h)
			progress("run %d/%d %-14s http-sendfile %6.0f MB/s  hako %6.0f MB/s (%d objects)", run+1, o.runs, label, b.MBps, h.MBps, objects)
		}
	}
	// Every object reads back whole (outside the timed loops).
	c := newBigConn(hako.Addr)
	for i := range keys {
		h := md5.New()
		st, got, n, err := c.do(http.MethodGet, fmt.Sprintf("/%s/large/%d", bucket, i), nil, h)
		if err != nil || st != http.StatusOK || n != largeSize || got != etag || !bytes.Equal(h.Sum(nil), sum[:]) {
			return fmt.Errorf("large object %d does not read back: status %d, %d bytes, ETag %s, %v", i, st, n, got, err)
		}
	}
	c.close()
	progress("large objects: all %d read back whole with their ETag", keys)
	return stopHako(hako)
}

func maybeProfile(o options, run int, label, addr string) func() {
	if o.profile == "" || run != o.runs-1 || label != o.profilePhase {
		return func() {}
	}
	return benchkit.StartProfile(addr, o.profile, o.profileSeconds, progress)
}

type machine struct {
	CPUModel   string `json:"cpu_model"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	Kernel     string `json:"kernel"`
	LoadAvg    string `json:"loadavg_at_start"`
	FS         string `json:"filesystem"`
	MemGiB     int    `json:"mem_gib"`
}

func machineInfo(dir string) machine {
	m := machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		fmt.Sscanf(string(b), "MemTotal: %d kB", &kb)
		m.MemGiB = (kb + 1<<19) >> 20
	}
	// The file system holding dir: the longest mount point that prefixes it.
	if b, err := os.ReadFile("/proc/mounts"); err == nil {
		abs, _ := filepath.EvalSymlinks(dir)
		best := ""
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			mp := f[1]
			if (abs == mp || strings.HasPrefix(abs, strings.TrimSuffix(mp, "/")+"/")) && len(mp) >= len(best) {
				best = mp
				m.FS = fmt.Sprintf("%s on %s (%s)", f[0], mp, f[2])
			}
		}
	}
	return m
}
