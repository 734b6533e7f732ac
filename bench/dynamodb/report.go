package main

import (
	"fmt"
	"io"
	"time"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

type wire struct {
	Op           string `json:"op"`
	RequestBody  int    `json:"request_body_bytes"`
	Request      int    `json:"request_bytes"` // request line, headers and body
	ResponseBody int    `json:"response_body_bytes"`
}

type settings struct {
	Runs        int    `json:"runs"`
	Duration    string `json:"duration"`
	Warmup      string `json:"warmup"`
	SDKDuration string `json:"sdk_duration"`
	Concurrency []int  `json:"concurrency"`
	Items       int    `json:"items"`
	Partitions  int    `json:"partitions"`
	ItemBytes   int    `json:"item_bytes"`
	Hako        string `json:"hako"`
	Wire        []wire `json:"wire"`
}

func settingsOf(o options) settings {
	return settings{Runs: o.runs, Duration: o.duration.String(), Warmup: o.warmup.String(), SDKDuration: o.sdkDuration.String(),
		Concurrency: o.conc, Items: items, Partitions: partitions, ItemBytes: itemSize(),
		Hako: "default settings (SQLite WAL, synchronous=NORMAL: crash-safe, not power-loss-safe), permissive auth"}
}

// phase collects the per-run figures of one operation, client and
// concurrency.
type phase struct {
	Op       string           `json:"op"`
	Client   string           `json:"client"` // raw or sdk
	Conc     int              `json:"concurrency"`
	Baseline []benchkit.Stats `json:"baseline"`
	Hako     []benchkit.Stats `json:"hako"`
}

type report struct {
	Started  time.Time       `json:"started"`
	Machine  machine         `json:"machine"`
	Settings settings        `json:"settings"`
	Phases   []*phase        `json:"phases"`
	Memory   benchkit.Memory `json:"hako_memory_after_load"`
	Notes    []string        `json:"notes,omitempty"`
}

func (r *report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *report) add(op, client string, conc int, server string, st benchkit.Stats) {
	var p *phase
	for _, q := range r.Phases {
		if q.Op == op && q.Client == client && q.Conc == conc {
			p = q
		}
	}
	if p == nil {
		p = &phase{Op: op, Client: client, Conc: conc}
		r.Phases = append(r.Phases, p)
	}
	if server == "hako" {
		p.Hako = append(p.Hako, st)
	} else {
		p.Baseline = append(p.Baseline, st)
	}
	if st.Errors > 0 {
		r.note("%s %s c=%d: %s had %d errors (first: %s)", op, client, conc, server, st.Errors, st.FirstErr)
	}
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
	fmt.Fprintf(w, "\nmachine: %s, %d CPUs (GOMAXPROCS %d), Linux %s, %s; load average at start: %s\n", m.CPUModel, m.CPUs, m.GOMAXPROCS, m.Kernel, m.Go, m.LoadAvg)
	fmt.Fprintf(w, "every figure is the median of %d runs; the servers take turns within a run\n", o.runs)
	fmt.Fprintf(w, "table: pay-per-request, pk (S) + sk (N), %d items of %d bytes (%d partitions of %d); GetItem/PutItem on random keys, Query of a random partition (%d items)\n",
		items, itemSize(), partitions, perPartition, perPartition)
	fmt.Fprintf(w, "hako: %s; baseline: bare net/http server on loopback answering hako's recorded answer of each operation\n", r.Settings.Hako)
	fmt.Fprintf(w, "wire sizes (hako and baseline alike):\n")
	for _, x := range r.Settings.Wire {
		fmt.Fprintf(w, "  %-7s request %d B (body %d B), response body %d B\n", x.Op, x.Request, x.RequestBody, x.ResponseBody)
	}

	fmt.Fprintf(w, "\nRAW CLIENT: HTTP/1.1 keep-alive, closed loop, %v measured after %v warm-up per phase\n", o.duration, o.warmup)
	fmt.Fprintf(w, "%-7s %5s | %9s %8s %8s | %9s %8s %8s | %6s %6s %6s | %s\n",
		"op", "conc", "base/s", "p50 µs", "p99 µs", "hako/s", "p50 µs", "p99 µs", "thr", "p50", "p99", "errors")
	for _, p := range r.Phases {
		if p.Client != "raw" {
			continue
		}
		bt, ht := benchkit.MedianOf(p.Baseline, benchkit.PerSec), benchkit.MedianOf(p.Hako, benchkit.PerSec)
		b50, h50 := benchkit.MedianOf(p.Baseline, benchkit.P50), benchkit.MedianOf(p.Hako, benchkit.P50)
		b99, h99 := benchkit.MedianOf(p.Baseline, benchkit.P99), benchkit.MedianOf(p.Hako, benchkit.P99)
		fmt.Fprintf(w, "%-7s %5d | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %6s %6s %6s | %d/%d\n",
			p.Op, p.Conc, bt, b50, b99, ht, h50, h99, pct(ht, bt), times(h50, b50), times(h99, b99), benchkit.ErrorsOf(p.Baseline), benchkit.ErrorsOf(p.Hako))
	}
	fmt.Fprintf(w, "(thr = hako's requests/s as a share of the baseline's; p50, p99 = hako's latency as a multiple of the baseline's; errors = baseline/hako)\n")

	if !o.noSDK {
		fmt.Fprintf(w, "\nSDK LATENCY: aws-sdk-go-v2 DynamoDB client, concurrency 1, %v per run\n", o.sdkDuration)
		fmt.Fprintf(w, "%-7s | %8s %8s | %8s %8s | %6s %6s | %-20s | %s\n", "op", "base p50", "base p99", "hako p50", "hako p99", "p50", "p99", "added by hako (p50)", "errors")
		for _, p := range r.Phases {
			if p.Client != "sdk" {
				continue
			}
			b50, h50 := benchkit.MedianOf(p.Baseline, benchkit.P50), benchkit.MedianOf(p.Hako, benchkit.P50)
			b99, h99 := benchkit.MedianOf(p.Baseline, benchkit.P99), benchkit.MedianOf(p.Hako, benchkit.P99)
			fmt.Fprintf(w, "%-7s | %6.0fµs %6.0fµs | %6.0fµs %6.0fµs | %6s %6s | %-20s | %d/%d\n",
				p.Op, b50, b99, h50, h99, times(h50, b50), times(h99, b99), fmt.Sprintf("%.0f µs", h50-b50), benchkit.ErrorsOf(p.Baseline), benchkit.ErrorsOf(p.Hako))
		}
	}
	if r.Memory.RSSKiB > 0 {
		fmt.Fprintf(w, "\nhako memory after the load: VmRSS %s, VmHWM %s\n", benchkit.MiB(r.Memory.RSSKiB), benchkit.MiB(r.Memory.HWMKiB))
	}
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "\nNOTES\n")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}
