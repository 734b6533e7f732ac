package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

// report is the whole result of a run, as printed and as written to JSON.
type report struct {
	Started  time.Time `json:"started"`
	Machine  machine   `json:"machine"`
	Settings settings  `json:"settings"`
	Phases   []phase   `json:"phases"`
	Startup  []startup `json:"startup"`
	Memory   memory    `json:"memory"`
	Targets  []goal    `json:"targets"`
	Notes    []string  `json:"notes,omitempty"`
}

type machine struct {
	GOOS            string `json:"goos"`
	GOARCH          string `json:"goarch"`
	CPUs            int    `json:"cpus"`
	GOMAXPROCS      int    `json:"gomaxprocs"`
	CPUModel        string `json:"cpu_model,omitempty"`
	Kernel          string `json:"kernel,omitempty"`
	LoadAvg         string `json:"loadavg_at_start,omitempty"`
	Go              string `json:"go"`
	HakoBinaryBytes int64  `json:"hako_binary_bytes"`
	Wrk             string `json:"wrk,omitempty"`
}

type settings struct {
	Duration     string `json:"duration"`
	Warmup       string `json:"warmup"`
	Concurrency  []int  `json:"concurrency"`
	Starts       int    `json:"starts"`
	MessageBytes int    `json:"message_bytes"`
	HakoBinary   string `json:"hako_binary"`
	Wrk          bool   `json:"wrk"`
	Store        string `json:"store"`
	Auth         string `json:"auth"`
}

// phase is one load measured on both servers. Ratios are hako/baseline.
type phase struct {
	Operation       string         `json:"operation"`
	Client          string         `json:"client"` // raw, wrk or sdk
	Concurrency     int            `json:"concurrency"`
	Baseline        benchkit.Stats `json:"baseline"`
	Hako            benchkit.Stats `json:"hako"`
	ThroughputRatio float64        `json:"throughput_ratio"`
	P50Ratio        float64        `json:"p50_ratio"`
	P99Ratio        float64        `json:"p99_ratio"`
}

func (p *phase) ratios() {
	p.ThroughputRatio = ratio(p.Hako.PerSec, p.Baseline.PerSec)
	p.P50Ratio = ratio(p.Hako.P50Us, p.Baseline.P50Us)
	p.P99Ratio = ratio(p.Hako.P99Us, p.Baseline.P99Us)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

type startup struct {
	Server               string    `json:"server"`
	Starts               int       `json:"starts"`
	ReadyMedianMs        float64   `json:"ready_median_ms"`
	FirstRequestMedianMs float64   `json:"first_request_median_ms"`
	ShutdownMedianMs     float64   `json:"shutdown_median_ms"`
	ReadyMs              []float64 `json:"ready_ms"`
	FirstRequestMs       []float64 `json:"first_request_ms"`
}

type procMemory struct {
	Idle          benchkit.Memory `json:"idle_after_start"`
	AfterLoad     benchkit.Memory `json:"after_load"`
	AfterLoadIdle benchkit.Memory `json:"after_load_idle"`
}

type memory struct {
	Hako           procMemory `json:"hako"`
	Baseline       procMemory `json:"baseline"`
	HakoShutdownMs float64    `json:"hako_shutdown_after_load_ms"`
}

// goal is one of the goals hako is held to.
type goal struct {
	Name  string  `json:"name"`
	Goal  string  `json:"goal"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Met   bool    `json:"met"`
}

func (r *report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *report) find(op, client string, conc int) *phase {
	for i := range r.Phases {
		p := &r.Phases[i]
		if p.Operation == op && p.Client == client && p.Concurrency == conc {
			return p
		}
	}
	return nil
}

// evaluate compares the figures with the goals.
func (r *report) evaluate() {
	if p := r.find(opSend, "raw", 64); p != nil {
		r.Targets = append(r.Targets, goal{"SendMessage throughput, 64 connections (raw client)", ">= 10000", p.Hako.PerSec, "req/s", p.Hako.PerSec >= 10000})
	}
	if p := r.find(opSend, "wrk", 64); p != nil {
		r.Targets = append(r.Targets, goal{"SendMessage throughput, 64 connections (wrk)", ">= 10000", p.Hako.PerSec, "req/s", p.Hako.PerSec >= 10000})
	}
	if p := r.find(opSend, "sdk", 1); p != nil {
		r.Targets = append(r.Targets, goal{"SendMessage p50 latency, concurrency 1 (AWS SDK)", "< 1 ms", p.Hako.P50Us / 1000, "ms", p.Hako.P50Us < 1000})
	}
	if p := r.find(opSend, "raw", 1); p != nil {
		r.Targets = append(r.Targets, goal{"SendMessage p50 latency, concurrency 1 (raw client)", "< 1 ms", p.Hako.P50Us / 1000, "ms", p.Hako.P50Us < 1000})
	}
	if kib := r.Memory.Hako.Idle.RSSKiB; kib > 0 {
		r.Targets = append(r.Targets, goal{"idle RSS after start", "< 20 MiB", float64(kib) / 1024, "MiB", kib < 20*1024})
	}
	for _, s := range r.Startup {
		if strings.HasPrefix(s.Server, "hako") {
			r.Targets = append(r.Targets, goal{"exec to ready line (" + s.Server + ", median)", "< 50 ms", s.ReadyMedianMs, "ms", s.ReadyMedianMs < 50})
		}
	}
}

func (r *report) print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nhako SQS benchmark, %s\n", r.Started.Format(time.RFC3339))
	fmt.Fprintf(w, "machine: %s/%s, %d CPUs (%s), GOMAXPROCS %d, kernel %s, load average at start %s, %s\n",
		m.GOOS, m.GOARCH, m.CPUs, m.CPUModel, m.GOMAXPROCS, m.Kernel, m.LoadAvg, m.Go)
	fmt.Fprintf(w, "hako: %s (%.1f MiB), default settings: %s, auth %s\n", r.Settings.HakoBinary, float64(m.HakoBinaryBytes)/(1<<20), r.Settings.Store, r.Settings.Auth)
	fmt.Fprintf(w, "baseline: bare net/http server process on loopback answering a fixed small JSON 200, loaded the same way in the same run\n")
	fmt.Fprintf(w, "each load phase: %s warm-up + %s measured; message body %d bytes; everything on 127.0.0.1, client and servers share the CPUs\n",
		r.Settings.Warmup, r.Settings.Duration, r.Settings.MessageBytes)
	fmt.Fprintf(w, "clients: raw = keep-alive HTTP/1.1 replay of one pre-built signed request per connection; wrk = the same request from wrk; sdk = aws-sdk-go-v2\n")

	for _, op := range []string{opSend, opRecv} {
		unit := "req/s"
		if op == opRecv {
			unit = "pairs/s"
		}
		fmt.Fprintf(w, "\n%s\n", op)
		fmt.Fprintf(w, "%-6s %5s | %10s %9s %9s | %10s %9s %9s | %7s %7s %7s | %s\n",
			"client", "conc", "base "+unit, "p50", "p99", "hako "+unit, "p50", "p99", "thr", "p50", "p99", "hako errors")
		fmt.Fprintf(w, "%s\n", strings.Repeat("-", 118))
		for _, p := range r.Phases {
			if p.Operation != op {
				continue
			}
			errs := ""
			if p.Hako.Errors > 0 {
				errs = fmt.Sprintf("%d", p.Hako.Errors)
			}
			if p.Hako.Empty > 0 {
				errs += fmt.Sprintf(" (%d empty)", p.Hako.Empty)
			}
			fmt.Fprintf(w, "%-6s %5d | %10s %9s %9s | %10s %9s %9s | %7s %7s %7s | %s\n",
				p.Client, p.Concurrency,
				fmtRate(p.Baseline.PerSec), fmtUs(p.Baseline.P50Us), fmtUs(p.Baseline.P99Us),
				fmtRate(p.Hako.PerSec), fmtUs(p.Hako.P50Us), fmtUs(p.Hako.P99Us),
				fmtPct(p.ThroughputRatio), fmtX(p.P50Ratio), fmtX(p.P99Ratio), errs)
		}
	}
	fmt.Fprintf(w, "(thr = hako throughput as a share of the baseline's; p50, p99 = hako latency as a multiple of the baseline's)\n")

	fmt.Fprintf(w, "\nStart-up (median of %d starts; exec to ready line, to first successful ListQueues, SIGTERM to exit)\n", r.Settings.Starts)
	var base *startup
	for i := range r.Startup {
		if r.Startup[i].Server == "baseline" {
			base = &r.Startup[i]
		}
	}
	for _, s := range r.Startup {
		rel := ""
		if base != nil && s.Server != "baseline" {
			rel = fmt.Sprintf("  (%s, %s of the baseline)", fmtX(ratio(s.ReadyMedianMs, base.ReadyMedianMs)), fmtX(ratio(s.FirstRequestMedianMs, base.FirstRequestMedianMs)))
		}
		fmt.Fprintf(w, "  %-24s ready %9s  first request %9s  shutdown %9s%s\n", s.Server, fmtMs(s.ReadyMedianMs), fmtMs(s.FirstRequestMedianMs), fmtMs(s.ShutdownMedianMs), rel)
	}

	fmt.Fprintf(w, "\nMemory (VmRSS; VmHWM = peak)\n")
	mem := func(name string, a, b benchkit.Memory) {
		fmt.Fprintf(w, "  %-28s hako %9s   baseline %9s   %s\n", name, benchkit.MiB(a.RSSKiB), benchkit.MiB(b.RSSKiB), fmtX(ratio(float64(a.RSSKiB), float64(b.RSSKiB))))
	}
	h, b := r.Memory.Hako, r.Memory.Baseline
	mem("idle after start", h.Idle, b.Idle)
	mem("right after the load", h.AfterLoad, b.AfterLoad)
	mem("idle after the load", h.AfterLoadIdle, b.AfterLoadIdle)
	fmt.Fprintf(w, "  %-28s hako %9s   baseline %9s   %s\n", "peak (VmHWM)", benchkit.MiB(h.AfterLoadIdle.HWMKiB), benchkit.MiB(b.AfterLoadIdle.HWMKiB), fmtX(ratio(float64(h.AfterLoadIdle.HWMKiB), float64(b.AfterLoadIdle.HWMKiB))))
	if r.Memory.HakoShutdownMs > 0 {
		fmt.Fprintf(w, "  hako shutdown after the load: %s\n", fmtMs(r.Memory.HakoShutdownMs))
	}

	fmt.Fprintf(w, "\nTargets\n")
	for _, t := range r.Targets {
		verdict := "MISSED"
		if t.Met {
			verdict = "met"
		}
		fmt.Fprintf(w, "  %-6s %-62s %10.2f %-5s (goal %s)\n", verdict, t.Name, t.Value, t.Unit, t.Goal)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "\nNotes\n")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}

func brief(s benchkit.Stats) string {
	out := fmt.Sprintf("%s/s p50 %s p99 %s", fmtRate(s.PerSec), fmtUs(s.P50Us), fmtUs(s.P99Us))
	if s.Errors > 0 {
		out += fmt.Sprintf(" errors %d", s.Errors)
	}
	if s.Empty > 0 {
		out += fmt.Sprintf(" empty %d", s.Empty)
	}
	return out
}

func fmtRate(v float64) string {
	switch {
	case v >= 100:
		s := fmt.Sprintf("%.0f", v)
		// thousands separators
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

func fmtUs(us float64) string {
	switch {
	case us == 0:
		return "-"
	case us < 1000:
		return fmt.Sprintf("%.0fµs", us)
	case us < 1e6:
		return fmt.Sprintf("%.2fms", us/1000)
	default:
		return fmt.Sprintf("%.2fs", us/1e6)
	}
}

func fmtMs(ms float64) string { return fmtUs(ms * 1000) }

func fmtPct(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", r*100)
}

func fmtX(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", r)
}
