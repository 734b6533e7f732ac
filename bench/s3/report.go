package main

import (
	"fmt"
	"io"
	"time"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

type settings struct {
	Runs            int    `json:"runs"`
	Duration        string `json:"small_duration"`
	Warmup          string `json:"small_warmup"`
	SDKDuration     string `json:"sdk_duration"`
	Concurrency     []int  `json:"concurrency"`
	SmallBytes      int    `json:"small_bytes"`
	LargeBytes      int    `json:"large_bytes"`
	LargeMinObjects int    `json:"large_min_objects"`
	HakoSmall       string `json:"hako_small"`
	HakoLarge       string `json:"hako_large"`
}

func settingsOf(o options) settings {
	return settings{Runs: o.runs, Duration: o.duration.String(), Warmup: o.warmup.String(), SDKDuration: o.sdkDuration.String(),
		Concurrency: o.conc, SmallBytes: smallSize, LargeBytes: largeSize, LargeMinObjects: o.largeMin,
		HakoSmall: "default settings (HAKO_FSYNC unset: crash-safe, not power-loss-safe), permissive auth, unsigned requests",
		HakoLarge: "HAKO_FSYNC=true (blobs and commits fsynced before the answer), permissive auth, unsigned requests"}
}

// phase collects the per-run figures of one operation at one concurrency.
type smallPhase struct {
	Op       string           `json:"op"`
	Conc     int              `json:"concurrency"`
	Baseline []benchkit.Stats `json:"baseline"`
	Hako     []benchkit.Stats `json:"hako"`
}

type largePhase struct {
	Op      string                 `json:"op"`
	Conc    int                    `json:"concurrency"`
	Results map[string][]bigResult `json:"results"` // by server: hako, write+fsync, http-sendfile
}

type report struct {
	Started  time.Time     `json:"started"`
	Machine  machine       `json:"machine"`
	Settings settings      `json:"settings"`
	Small    []*smallPhase `json:"small"`
	SDK      []*smallPhase `json:"sdk_latency"`
	Large    []*largePhase `json:"large"`
	MD5MBps  []float64     `json:"md5_one_core_mb_per_s"` // per run
	Targets  []target      `json:"targets"`
}

type target struct {
	What string `json:"what"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
}

func findSmall(list *[]*smallPhase, op string, conc int) *smallPhase {
	for _, p := range *list {
		if p.Op == op && p.Conc == conc {
			return p
		}
	}
	p := &smallPhase{Op: op, Conc: conc}
	*list = append(*list, p)
	return p
}

func (r *report) addSmall(op string, conc int, server string, st benchkit.Stats) {
	p := findSmall(&r.Small, op, conc)
	if server == "hako" {
		p.Hako = append(p.Hako, st)
	} else {
		p.Baseline = append(p.Baseline, st)
	}
}

func (r *report) addSDK(op, server string, st benchkit.Stats) {
	p := findSmall(&r.SDK, op, 1)
	if server == "hako" {
		p.Hako = append(p.Hako, st)
	} else {
		p.Baseline = append(p.Baseline, st)
	}
}

func (r *report) addLarge(op string, conc int, server string, res bigResult) {
	var p *largePhase
	for _, q := range r.Large {
		if q.Op == op && q.Conc == conc {
			p = q
		}
	}
	if p == nil {
		p = &largePhase{Op: op, Conc: conc, Results: map[string][]bigResult{}}
		r.Large = append(r.Large, p)
	}
	p.Results[server] = append(p.Results[server], res)
}

func medianMBps(rs []bigResult) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = r.MBps
	}
	return benchkit.MedianF(xs)
}

func pct(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*a/b)
}

func times(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", a/b)
}

func (r *report) print(w io.Writer, o options) {
	m := r.Machine
	fmt.Fprintf(w, "\nmachine: %s, %d CPUs (GOMAXPROCS %d), %d GiB RAM, Linux %s, %s\n", m.CPUModel, m.CPUs, m.GOMAXPROCS, m.MemGiB, m.Kernel, m.Go)
	fmt.Fprintf(w, "file system: %s; load average at start: %s\n", m.FS, m.LoadAvg)
	fmt.Fprintf(w, "every figure is the median of %d runs; the servers take turns within a run\n", o.runs)

	if len(r.Small) > 0 {
		fmt.Fprintf(w, "\nSMALL OBJECTS (4 KiB): raw HTTP/1.1 client, closed loop, %v measured after %v warm-up per phase\n", o.duration, o.warmup)
		fmt.Fprintf(w, "hako: %s; baseline: bare net/http server on loopback\n", r.Settings.HakoSmall)
		fmt.Fprintf(w, "%-4s %5s | %9s %8s %8s | %9s %8s %8s | %6s %6s %6s | %s\n",
			"op", "conc", "base/s", "p50 µs", "p99 µs", "hako/s", "p50 µs", "p99 µs", "thr", "p50", "p99", "errors")
		for _, p := range r.Small {
			bt, ht := benchkit.MedianOf(p.Baseline, benchkit.PerSec), benchkit.MedianOf(p.Hako, benchkit.PerSec)
			b50, h50 := benchkit.MedianOf(p.Baseline, benchkit.P50), benchkit.MedianOf(p.Hako, benchkit.P50)
			b99, h99 := benchkit.MedianOf(p.Baseline, benchkit.P99), benchkit.MedianOf(p.Hako, benchkit.P99)
			fmt.Fprintf(w, "%-4s %5d | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %6s %6s %6s | %d/%d\n",
				p.Op, p.Conc, bt, b50, b99, ht, h50, h99, pct(ht, bt), times(h50, b50), times(h99, b99), benchkit.ErrorsOf(p.Baseline), benchkit.ErrorsOf(p.Hako))
		}
		fmt.Fprintf(w, "(thr = hako's requests/s as a share of the baseline's; p50, p99 = hako's latency as a multiple of the baseline's)\n")
	}
	if len(r.SDK) > 0 {
		fmt.Fprintf(w, "\nSDK LATENCY (aws-sdk-go-v2 PutObject / GetObject of 4 KiB, concurrency 1, %v per run)\n", o.sdkDuration)
		fmt.Fprintf(w, "%-4s | %8s %8s | %8s %8s | %s\n", "op", "base p50", "base p99", "hako p50", "hako p99", "added by hako (p50)")
		for _, p := range r.SDK {
			b50, h50 := benchkit.MedianOf(p.Baseline, benchkit.P50), benchkit.MedianOf(p.Hako, benchkit.P50)
			fmt.Fprintf(w, "%-4s | %6.0fµs %6.0fµs | %6.0fµs %6.0fµs | %.0f µs\n", p.Op, b50, benchkit.MedianOf(p.Baseline, benchkit.P99), h50, benchkit.MedianOf(p.Hako, benchkit.P99), h50-b50)
		}
	}
	if len(r.Large) > 0 {
		fmt.Fprintf(w, "\nLARGE OBJECTS (64 MiB): MB/s = 10^6 bytes per second from the first request to the last answer\n")
		fmt.Fprintf(w, "hako: %s\n", r.Settings.HakoLarge)
		fmt.Fprintf(w, "write+fsync: the same bytes written to a new file and fsynced, by as many goroutines (the baseline of the issue)\n")
		fmt.Fprintf(w, "http-sendfile: a bare net/http server sending the same bytes from a file (page cache) to the same client\n")
		fmt.Fprintf(w, "%-4s %5s %7s | %11s %13s %9s | %16s %18s\n", "op", "conc", "objects", "write+fsync", "http-sendfile", "hako", "hako/write+fsync", "hako/http-sendfile")
		for _, p := range r.Large {
			wf, hs, h := medianMBps(p.Results["write+fsync"]), medianMBps(p.Results["http-sendfile"]), medianMBps(p.Results["hako"])
			objects := 0
			if rs := p.Results["hako"]; len(rs) > 0 {
				objects = rs[0].Objects
			}
			if p.Op == "GET" {
				wf = r.largeMBps("PUT", p.Conc, "write+fsync")
			}
			fmt.Fprintf(w, "%-4s %5d %7d | %11s %13s %9.0f | %16s %18s\n", p.Op, p.Conc, objects, mbps(wf), mbps(hs), h, pct(h, wf), pct(h, hs))
		}
	}
	if len(r.MD5MBps) > 0 {
		fmt.Fprintf(w, "MD5 of the same bytes on one core (the most one PUT can do: its ETag needs it): %.0f MB/s\n", benchkit.MedianF(r.MD5MBps))
	}
	r.checkTargets(o)
	fmt.Fprintf(w, "\nTARGETS\n")
	for _, t := range r.Targets {
		met := "met"
		if !t.Met {
			met = "MISSED"
		}
		fmt.Fprintf(w, "  %-58s %-22s %s\n", t.What, t.Got, met)
	}
}

func mbps(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

func (r *report) largeMBps(op string, conc int, server string) float64 {
	for _, p := range r.Large {
		if p.Op == op && p.Conc == conc {
			return medianMBps(p.Results[server])
		}
	}
	return 0
}

func (r *report) checkTargets(o options) {
	r.Targets = nil
	const top = 32 // the small-object targets are at concurrency 32
	for _, p := range r.Small {
		if p.Conc != top {
			continue
		}
		goal := map[string]float64{"PUT": 5000, "GET": 10000}[p.Op]
		got := benchkit.MedianOf(p.Hako, benchkit.PerSec)
		r.Targets = append(r.Targets, target{What: fmt.Sprintf("small %s >= %.0f/s at concurrency %d", p.Op, goal, top),
			Got: fmt.Sprintf("%.0f/s", got), Met: got >= goal})
	}
	for _, p := range r.Large {
		base := r.largeMBps("PUT", p.Conc, "write+fsync")
		h := medianMBps(p.Results["hako"])
		if base == 0 {
			continue
		}
		r.Targets = append(r.Targets, target{What: fmt.Sprintf("large %s >= 80%% of write+fsync at concurrency %d", p.Op, p.Conc),
			Got: fmt.Sprintf("%s (%.0f/%.0f MB/s)", pct(h, base), h, base), Met: h >= 0.8*base})
	}
}
