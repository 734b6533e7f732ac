// Package runtime runs Lambda functions as local OS processes that speak the
// Lambda Runtime API: it starts sandboxes on demand, keeps them warm, enforces
// timeouts and concurrency limits, and captures each invocation's output with
// the START/END/REPORT lines Lambda writes.
package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Spec describes one function version as its sandboxes run it. Sandboxes
// are pooled by Key, which must change whenever the code or the
// configuration changes.
type Spec struct {
	Key          string
	Account      string
	Region       string
	FunctionName string
	Version      string // "$LATEST" or a number
	FunctionARN  string // unqualified
	Runtime      string
	Handler      string
	CodeDir      string // the unpacked deployment package (LAMBDA_TASK_ROOT)
	OptDir       string // the unpacked layers (what /opt is on AWS); may be empty
	Env          []string
	MemoryMB     int
	Timeout      time.Duration
	LogGroup     string
	// Reserved is the function's reserved concurrency, or -1 when it has none.
	Reserved int
}

// Invocation is one request to a function.
type Invocation struct {
	RequestID     string
	Payload       []byte
	InvokedARN    string
	ClientContext string // base64 JSON, as the client sent it
	Identity      string
	TraceID       string
}

// Result is the outcome of one invocation.
type Result struct {
	Payload []byte
	// ErrorType is empty on success; otherwise the function failed (Lambda
	// answers X-Amz-Function-Error: Unhandled) and Payload is the error JSON.
	ErrorType    string
	Log          []LogLine // this invocation's log, START to REPORT
	Duration     time.Duration
	InitDuration time.Duration // non-zero on a cold start
}

// LogLine is one line of function output.
type LogLine struct {
	Time time.Time
	Text string
}

// LogSink receives the log lines of a sandbox, in order. stream is the
// sandbox's log stream name.
type LogSink func(spec *Spec, stream string, lines []LogLine)

// ThrottleError is returned when an invocation would exceed a concurrency
// limit; Reason is Lambda's reason code.
type ThrottleError struct{ Reason string }

func (e *ThrottleError) Error() string { return "rate exceeded: " + e.Reason }

// Config configures a Manager.
type Config struct {
	Dir    string // scratch space for sandboxes (their TMPDIR)
	Logger *slog.Logger
	// Launch returns the argv that starts the runtime client of an
	// interpreted runtime (node, python); provided.* runtimes run bootstrap.
	Launch func(spec *Spec) ([]string, error)
	// Env returns the environment every sandbox of spec gets in addition to
	// the Lambda variables (credentials, endpoint).
	Env  func(spec *Spec) []string
	Sink LogSink
	// IdleTimeout stops sandboxes unused for this long (default 10 minutes).
	IdleTimeout time.Duration
	// AccountConcurrency is the concurrent executions limit per account and
	// region (default 1000).
	AccountConcurrency int
	// InitTimeout bounds the init phase (default 10 s, as Lambda).
	InitTimeout time.Duration
}

// Manager owns every sandbox.
type Manager struct {
	cfg    Config
	logger *slog.Logger

	mu       sync.Mutex
	pools    map[string]*pool  // by Spec.Key
	current  map[string]string // function version id -> current key
	inflight map[string]int    // per function (account/region/name)
	account  map[string]int    // per account/region
	closed   bool

	stop chan struct{}
	wg   sync.WaitGroup
}

type pool struct {
	key   string
	idle  []*sandbox // most recently used last
	total int
	stale bool
}

// New returns a Manager; Close stops every sandbox.
func New(cfg Config) (*Manager, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	if cfg.AccountConcurrency <= 0 {
		cfg.AccountConcurrency = 1000
	}
	if cfg.InitTimeout <= 0 {
		cfg.InitTimeout = 10 * time.Second
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	// Scratch directories of a previous run are garbage.
	if ents, err := os.ReadDir(cfg.Dir); err == nil {
		for _, e := range ents {
			os.RemoveAll(filepath.Join(cfg.Dir, e.Name()))
		}
	}
	m := &Manager{
		cfg: cfg, logger: cfg.Logger,
		pools: map[string]*pool{}, current: map[string]string{},
		inflight: map[string]int{}, account: map[string]int{},
		stop: make(chan struct{}),
	}
	m.wg.Add(1)
	go m.reaper()
	return m, nil
}

func fnKey(s *Spec) string   { return s.Account + "/" + s.Region + "/" + s.FunctionName }
func verKey(s *Spec) string  { return fnKey(s) + "/" + s.Version }
func acctKey(s *Spec) string { return s.Account + "/" + s.Region }

// Invoke runs inv on a warm sandbox of spec, or a new one.
func (m *Manager) Invoke(ctx context.Context, spec *Spec, inv *Invocation) (*Result, error) {
	for {
		sb, err := m.acquire(spec)
		if err != nil {
			return nil, err
		}
		var res *Result
		if sb == nil {
			sb, res, err = m.start(ctx, spec, inv)
			if sb == nil {
				m.release(spec, nil, true)
				return res, err
			}
		} else if res = sb.invoke(ctx, inv); res == nil {
			// The warm sandbox had died; run on a new one.
			m.release(spec, sb, true)
			continue
		}
		m.release(spec, sb, !sb.healthy())
		return res, nil
	}
}

// acquire reserves concurrency and returns an idle sandbox, or nil when a
// new one must be started.
func (m *Manager) acquire(spec *Spec) (*sandbox, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errors.New("lambda runtime is shutting down")
	}
	fk, ak := fnKey(spec), acctKey(spec)
	if spec.Reserved >= 0 {
		if m.inflight[fk] >= spec.Reserved {
			return nil, &ThrottleError{Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"}
		}
	} else if m.account[ak] >= m.cfg.AccountConcurrency {
		return nil, &ThrottleError{Reason: "ConcurrentInvocationLimitExceeded"}
	}
	m.inflight[fk]++
	m.account[ak]++
	vk := verKey(spec)
	if old, ok := m.current[vk]; ok && old != spec.Key {
		if p := m.pools[old]; p != nil {
			p.stale = true
			for _, sb := range p.idle {
				go sb.stop()
			}
			p.total -= len(p.idle)
			p.idle = nil
			if p.total == 0 {
				delete(m.pools, old)
			}
		}
	}
	m.current[vk] = spec.Key
	p := m.pools[spec.Key]
	if p == nil {
		p = &pool{key: spec.Key}
		m.pools[spec.Key] = p
	}
	if n := len(p.idle); n > 0 {
		sb := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return sb, nil
	}
	p.total++
	return nil, nil
}

// release returns sb to its pool (or stops it when discard) and frees the
// concurrency acquire reserved. sb may be nil when it never started.
func (m *Manager) release(spec *Spec, sb *sandbox, discard bool) {
	m.mu.Lock()
	fk, ak := fnKey(spec), acctKey(spec)
	m.inflight[fk]--
	if m.inflight[fk] <= 0 {
		delete(m.inflight, fk)
	}
	m.account[ak]--
	if m.account[ak] <= 0 {
		delete(m.account, ak)
	}
	p := m.pools[spec.Key]
	if p != nil && (discard || p.stale || m.closed) {
		p.total--
		if p.total <= 0 && len(p.idle) == 0 {
			delete(m.pools, spec.Key)
		}
		discard = true
	} else if p != nil {
		sb.lastUsed = time.Now()
		p.idle = append(p.idle, sb)
	}
	m.mu.Unlock()
	if discard && sb != nil {
		sb.stop()
	}
}

// reaper stops sandboxes idle for longer than IdleTimeout.
func (m *Manager) reaper() {
	defer m.wg.Done()
	tick := time.NewTicker(m.cfg.IdleTimeout / 10)
	defer tick.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-tick.C:
		}
		cut := time.Now().Add(-m.cfg.IdleTimeout)
		var victims []*sandbox
		m.mu.Lock()
		for k, p := range m.pools {
			keep := p.idle[:0]
			for _, sb := range p.idle {
				if sb.lastUsed.Before(cut) {
					victims = append(victims, sb)
					p.total--
				} else {
					keep = append(keep, sb)
				}
			}
			p.idle = keep
			if p.total <= 0 && len(p.idle) == 0 {
				delete(m.pools, k)
			}
		}
		m.mu.Unlock()
		for _, sb := range victims {
			sb.stop()
		}
	}
}

// Stats reports the number of sandboxes per state, for health and tests.
func (m *Manager) Stats() (idle, busy int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.pools {
		idle += len(p.idle)
		busy += p.total - len(p.idle)
	}
	return idle, busy
}

// Retire stops the idle sandboxes of every version of a function (after a
// delete); busy ones stop when their invocation ends.
func (m *Manager) Retire(account, region, name string) {
	prefix := account + "/" + region + "/" + name + "/"
	m.mu.Lock()
	var victims []*sandbox
	for vk, key := range m.current {
		if len(vk) <= len(prefix) || vk[:len(prefix)] != prefix {
			continue
		}
		delete(m.current, vk)
		if p := m.pools[key]; p != nil {
			p.stale = true
			victims = append(victims, p.idle...)
			p.total -= len(p.idle)
			p.idle = nil
			if p.total <= 0 {
				delete(m.pools, key)
			}
		}
	}
	m.mu.Unlock()
	for _, sb := range victims {
		sb.stop()
	}
}

// Close stops every sandbox.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	var victims []*sandbox
	for _, p := range m.pools {
		victims = append(victims, p.idle...)
		p.idle = nil
	}
	m.mu.Unlock()
	close(m.stop)
	var wg sync.WaitGroup
	for _, sb := range victims {
		wg.Add(1)
		go func() { defer wg.Done(); sb.stop() }()
	}
	wg.Wait()
	m.wg.Wait()
	return nil
}

func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// streamName is the log stream of a new sandbox, as Lambda names them.
func streamName(spec *Spec, now time.Time) string {
	return fmt.Sprintf("%s/[%s]%s", now.UTC().Format("2006/01/02"), spec.Version, newID(16))
}
