package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxResponse is the largest response a function may return (6 MB).
const maxResponse = 6 * 1024 * 1024

// sandbox is one running function process and its Runtime API endpoint.
type sandbox struct {
	m      *Manager
	spec   *Spec
	dir    string
	stream string
	ln     net.Listener
	conns  connSet
	cmd    *exec.Cmd
	out    *os.File // the process's stdout and stderr, read back by offset
	status *os.File // /proc/PID/status, for Max Memory Used
	outOff int64
	outBuf []byte // an unfinished last line

	idle     chan *apiConn // connections waiting in GET /next
	ready    chan struct{} // closed by the first /next
	readyOne sync.Once
	exited   chan struct{}
	closing  chan struct{}
	stopOnce sync.Once

	mu       sync.Mutex
	cur      *call
	curConn  *apiConn // the connection the invoking goroutine reads
	initErr  *fnError
	exitErr  error
	broken   bool
	lastUsed time.Time
}

type fnError struct {
	Type    string
	Payload []byte
}

type call struct {
	inv       *Invocation
	delivered atomic.Bool // the runtime took it from /next
	deadline  time.Time
	done      chan struct{}
	payload   []byte
	errType   string
}

// start launches a sandbox for spec and waits for its init phase. A failed
// init is a function error: res carries it and sb is nil.
func (m *Manager) start(ctx context.Context, spec *Spec, inv *Invocation) (sb *sandbox, res *Result, err error) {
	t0 := time.Now()
	argv, err := m.argv(spec)
	if err != nil {
		return nil, m.failedStart(spec, inv, t0, "Runtime.InvalidEntrypoint", err.Error()), nil
	}
	sb = &sandbox{
		m: m, spec: spec,
		dir:     filepath.Join(m.cfg.Dir, newID(8)),
		stream:  streamName(spec, t0),
		idle:    make(chan *apiConn, 8),
		ready:   make(chan struct{}),
		exited:  make(chan struct{}),
		closing: make(chan struct{}),
	}
	if err := sb.launch(argv); err != nil {
		sb.stop()
		return nil, m.failedStart(spec, inv, t0, "Runtime.InvalidEntrypoint", err.Error()), nil
	}
	timer := time.NewTimer(m.cfg.InitTimeout)
	defer timer.Stop()
	var initErr *fnError
	select {
	case <-sb.ready:
	case <-sb.exited:
		sb.mu.Lock()
		initErr = sb.initErr
		if initErr == nil {
			initErr = &fnError{Type: "Runtime.ExitError", Payload: errorJSON("Runtime.ExitError",
				fmt.Sprintf("RequestId: %s Error: %s", inv.RequestID, exitText(sb.exitErr)))}
		}
		sb.mu.Unlock()
	case <-timer.C:
		initErr = &fnError{Type: "Sandbox.Timedout", Payload: errorJSON("Sandbox.Timedout",
			fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.RequestID, m.cfg.InitTimeout.Seconds()))}
	}
	if initErr != nil {
		// The init error may have been posted just before exit; prefer it.
		sb.mu.Lock()
		if sb.initErr != nil {
			initErr = sb.initErr
		}
		sb.mu.Unlock()
		sb.stop()
		lines := sb.readOutput(true)
		d := time.Since(t0)
		lines = append(lines, LogLine{Time: time.Now(), Text: fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s", ms(d), initErr.Type)})
		lines = append(lines, m.frame(spec, inv, d, 0, nil)...)
		m.sink(spec, sb.stream, lines)
		return nil, &Result{Payload: initErr.Payload, ErrorType: initErr.Type, Log: lines, Duration: d}, nil
	}
	initDur := time.Since(t0)
	initLines := sb.readOutput(false)
	if res = sb.invokeWith(ctx, inv, initLines, initDur); res == nil {
		// Died between init and taking its first invocation.
		sb.markBroken()
		res = &Result{ErrorType: "Runtime.ExitError", Payload: errorJSON("Runtime.ExitError",
			fmt.Sprintf("RequestId: %s Error: %s", inv.RequestID, exitText(sb.exitErrValue())))}
	}
	return sb, res, nil
}

// failedStart reports a sandbox that could not even be started.
func (m *Manager) failedStart(spec *Spec, inv *Invocation, t0 time.Time, typ, msg string) *Result {
	text := fmt.Sprintf("RequestId: %s Error: %s", inv.RequestID, msg)
	d := time.Since(t0)
	lines := []LogLine{{Time: time.Now(), Text: text + "\n" + typ}}
	lines = append(lines, m.frame(spec, inv, d, 0, nil)...)
	m.sink(spec, streamName(spec, t0), lines)
	return &Result{Payload: errorJSON(typ, text), ErrorType: typ, Log: lines, Duration: d}
}

// frame builds the START/END/REPORT lines around body.
func (m *Manager) frame(spec *Spec, inv *Invocation, d, initDur time.Duration, body []LogLine) []LogLine {
	now := time.Now()
	out := make([]LogLine, 0, len(body)+3)
	out = append(out, LogLine{Time: now.Add(-d), Text: fmt.Sprintf("START RequestId: %s Version: %s", inv.RequestID, spec.Version)})
	out = append(out, body...)
	out = append(out, LogLine{Time: now, Text: "END RequestId: " + inv.RequestID})
	return out
}

func (m *Manager) argv(spec *Spec) ([]string, error) {
	if strings.HasPrefix(spec.Runtime, "provided") {
		cands := []string{filepath.Join(spec.CodeDir, "bootstrap")}
		if spec.OptDir != "" {
			cands = append(cands, filepath.Join(spec.OptDir, "bootstrap"))
		}
		for _, c := range cands {
			if st, err := os.Stat(c); err == nil && !st.IsDir() {
				return []string{c}, nil
			}
		}
		return nil, fmt.Errorf("Couldn't find valid bootstrap(s): [%s]", strings.Join(cands, " "))
	}
	if m.cfg.Launch == nil {
		return nil, fmt.Errorf("runtime %s is not supported by hako", spec.Runtime)
	}
	return m.cfg.Launch(spec)
}

func (sb *sandbox) launch(argv []string) error {
	spec := sb.spec
	tmp := filepath.Join(sb.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(filepath.Join(sb.dir, "output"), os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	sb.out = out
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sb.ln = ln
	go sb.acceptLoop()

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = spec.CodeDir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = sb.environ(ln.Addr().String(), tmp)
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	sb.cmd = cmd
	go func() {
		err := cmd.Wait()
		sb.mu.Lock()
		sb.exitErr = err
		sb.broken = true
		sb.mu.Unlock()
		close(sb.exited)
	}()
	return nil
}

func (sb *sandbox) environ(api, tmp string) []string {
	spec := sb.spec
	path := os.Getenv("PATH")
	ld := filepath.Join(spec.CodeDir, "lib")
	if spec.OptDir != "" {
		path = filepath.Join(spec.OptDir, "bin") + ":" + path
		ld = filepath.Join(spec.OptDir, "lib") + ":" + ld
	}
	env := append([]string(nil), spec.Env...)
	if sb.m.cfg.Env != nil {
		env = append(env, sb.m.cfg.Env(spec)...)
	}
	env = append(env,
		"PATH="+path,
		"LD_LIBRARY_PATH="+ld,
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"TMPDIR="+tmp,
		"HOME="+tmp,
		"PYTHONUNBUFFERED=1",
		"AWS_LAMBDA_RUNTIME_API="+api,
		"_HANDLER="+spec.Handler,
		"LAMBDA_TASK_ROOT="+spec.CodeDir,
		"LAMBDA_RUNTIME_DIR="+spec.CodeDir,
		"AWS_EXECUTION_ENV=AWS_Lambda_"+spec.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME="+spec.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION="+spec.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(spec.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME="+spec.LogGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME="+sb.stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION="+spec.Region,
		"AWS_DEFAULT_REGION="+spec.Region,
		"HAKO_OPT_DIR="+spec.OptDir,
	)
	return env
}

// invoke runs inv on this warm sandbox.
func (sb *sandbox) invoke(ctx context.Context, inv *Invocation) *Result {
	// Output written between invocations is read with this one's.
	return sb.invokeWith(ctx, inv, nil, 0)
}

func (sb *sandbox) invokeWith(_ context.Context, inv *Invocation, pending []LogLine, initDur time.Duration) *Result {
	spec := sb.spec
	t0 := time.Now()
	c := &call{inv: inv, deadline: t0.Add(spec.Timeout), done: make(chan struct{})}
	sb.mu.Lock()
	sb.cur = c
	sb.mu.Unlock()
	timer := time.NewTimer(spec.Timeout)
	var res Result
	var tail string
	switch sb.exchange(c, timer) {
	case outDone:
		res.Payload, res.ErrorType = c.payload, c.errType
	case outTimeout:
		sb.markBroken()
		res.ErrorType = "Sandbox.Timedout"
		res.Payload = errorJSON(res.ErrorType, fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.RequestID, spec.Timeout.Seconds()))
		tail = fmt.Sprintf("%s %s Task timed out after %.2f seconds", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), inv.RequestID, spec.Timeout.Seconds())
	case outNotDelivered:
		// The process died after its previous invocation (a crash after
		// responding): this call never reached it.
		sb.markBroken()
		sb.mu.Lock()
		sb.cur = nil
		sb.mu.Unlock()
		timer.Stop()
		return nil
	case outExited:
		res.ErrorType = "Runtime.ExitError"
		msg := fmt.Sprintf("RequestId: %s Error: %s", inv.RequestID, exitText(sb.exitErrValue()))
		res.Payload = errorJSON(res.ErrorType, msg)
		tail = msg + "\nRuntime.ExitError"
	}
	timer.Stop()
	d := time.Since(t0)
	if res.ErrorType == "Sandbox.Timedout" {
		sb.kill()
		<-sb.exited
	}
	sb.mu.Lock()
	sb.cur = nil
	sb.mu.Unlock()
	body := append(pending, sb.readOutput(sb.isBroken())...)
	if tail != "" {
		body = append(body, LogLine{Time: time.Now(), Text: tail})
	}
	lines := sb.m.frame(spec, inv, d, initDur, body)
	report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		inv.RequestID, ms(d), billed(d), spec.MemoryMB, sb.maxMemoryMB())
	if initDur > 0 {
		report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(initDur))
	}
	if res.ErrorType == "Sandbox.Timedout" {
		report += "Status: timeout"
	}
	lines = append(lines, LogLine{Time: time.Now(), Text: report})
	sb.m.sink(spec, sb.stream, lines)
	res.Log, res.Duration, res.InitDuration = lines, d, initDur
	return &res
}

func (m *Manager) sink(spec *Spec, stream string, lines []LogLine) {
	if m.cfg.Sink != nil && len(lines) > 0 {
		m.cfg.Sink(spec, stream, lines)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func billed(d time.Duration) int64 {
	b := (d + time.Millisecond - 1) / time.Millisecond
	if b < 1 {
		b = 1
	}
	return int64(b)
}

// readOutput returns the complete lines the process wrote since the last
// call; final also returns an unfinished last line.
func (sb *sandbox) readOutput(final bool) []LogLine {
	if sb.out == nil {
		return nil
	}
	st, err := sb.out.Stat()
	if err != nil || st.Size() <= sb.outOff {
		if final && len(sb.outBuf) > 0 {
			l := LogLine{Time: time.Now(), Text: string(sb.outBuf)}
			sb.outBuf = nil
			return []LogLine{l}
		}
		return nil
	}
	n := st.Size() - sb.outOff
	buf := make([]byte, len(sb.outBuf)+int(n))
	copy(buf, sb.outBuf)
	got, _ := sb.out.ReadAt(buf[len(sb.outBuf):], sb.outOff)
	sb.outOff += int64(got)
	buf = buf[:len(sb.outBuf)+got]
	sb.outBuf = nil
	now := time.Now()
	var lines []LogLine
	for len(buf) > 0 {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			if final {
				lines = append(lines, LogLine{Time: now, Text: string(buf)})
			} else {
				sb.outBuf = append([]byte(nil), buf...)
			}
			break
		}
		// Runtimes write multi-line records with \r for \n, as on Lambda.
		lines = append(lines, LogLine{Time: now, Text: strings.ReplaceAll(string(buf[:i]), "\r", "\n")})
		buf = buf[i+1:]
	}
	return lines
}

// maxMemoryMB reads the process's peak resident size (VmHWM). The status
// file stays open: one pread per invocation.
func (sb *sandbox) maxMemoryMB() int {
	if sb.cmd == nil || sb.cmd.Process == nil {
		return 0
	}
	if sb.status == nil {
		f, err := os.Open("/proc/" + strconv.Itoa(sb.cmd.Process.Pid) + "/status")
		if err != nil {
			return 0
		}
		sb.status = f
	}
	var buf [2048]byte
	n, _ := sb.status.ReadAt(buf[:], 0)
	b := buf[:n]
	i := bytes.Index(b, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	b = b[i+len("VmHWM:"):]
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		b = b[:j]
	}
	kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(b)), "kB")))
	return (kb + 1023) / 1024
}

func (sb *sandbox) exitErrValue() error {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.exitErr
}

func (sb *sandbox) markBroken() {
	sb.mu.Lock()
	sb.broken = true
	sb.mu.Unlock()
}

func (sb *sandbox) isBroken() bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.broken
}

func (sb *sandbox) healthy() bool { return !sb.isBroken() }

func (sb *sandbox) kill() {
	if sb.cmd != nil && sb.cmd.Process != nil {
		killGroup(sb.cmd.Process.Pid)
	}
}

// stop kills the process and frees the sandbox's resources.
func (sb *sandbox) stop() {
	sb.stopOnce.Do(func() {
		close(sb.closing)
		sb.kill()
		if sb.cmd != nil {
			select {
			case <-sb.exited:
			case <-time.After(5 * time.Second):
			}
		}
		if sb.ln != nil {
			sb.ln.Close()
		}
		sb.conns.closeAll()
		if sb.out != nil {
			sb.out.Close()
		}
		if sb.status != nil {
			sb.status.Close()
		}
		os.RemoveAll(sb.dir)
	})
}

func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return "Runtime exited with error: " + ee.ProcessState.String()
	}
	return "Runtime exited without providing a reason"
}

func errorJSON(typ, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, msg})
	return b
}

func errorTypeOf(body []byte, def string) string {
	var e struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorType != "" {
		return e.ErrorType
	}
	return def
}

// normalizeError keeps a runtime's error JSON as it is (it is what Lambda
// returns) and wraps anything else.
func normalizeError(body []byte, typ string) []byte {
	if json.Valid(body) && len(bytes.TrimSpace(body)) > 0 {
		return body
	}
	return errorJSON(typ, string(body))
}
