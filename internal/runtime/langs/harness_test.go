package langs

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMain runs more client processes at once than -parallel's default
// (GOMAXPROCS): the tests mostly wait for them.
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(max(8, runtime.GOMAXPROCS(0))))
	}
	os.Exit(m.Run())
}

// need skips the test when the interpreter is missing, except in CI.
func need(t testing.TB, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", bin, err)
		}
		t.Skipf("%s not on PATH", bin)
	}
}

// posted is one request a client made to the fake Runtime API.
type posted struct {
	Kind    string // "response", "error" or "init"
	ID      string
	Body    string
	ErrType string // Lambda-Runtime-Function-Error-Type
	CType   string
}

type invocation struct {
	id      string
	payload string
	headers map[string]string
}

// fakeAPI implements the Runtime API endpoints a client uses.
type fakeAPI struct {
	srv     *httptest.Server
	invokes chan invocation
	posts   chan posted
	conns   atomic.Int32
	nexts   atomic.Int32 // GET /next requests received
}

func newFakeAPI(t testing.TB) *fakeAPI {
	a := &fakeAPI{invokes: make(chan invocation, 16), posts: make(chan posted, 16)}
	a.srv = httptest.NewUnstartedServer(http.HandlerFunc(a.serve))
	a.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			a.conns.Add(1)
		}
	}
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

func (a *fakeAPI) addr() string { return strings.TrimPrefix(a.srv.URL, "http://") }

func (a *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	p, ok := strings.CutPrefix(r.URL.Path, "/2018-06-01/runtime/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if p == "invocation/next" && r.Method == http.MethodGet {
		a.nexts.Add(1)
		var inv invocation
		select {
		case inv = <-a.invokes:
		case <-r.Context().Done():
			return
		}
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:fn")
		h.Set("Content-Type", "application/json")
		for k, v := range inv.headers {
			h.Set(k, v)
		}
		io.WriteString(w, inv.payload)
		return
	}
	body, _ := io.ReadAll(r.Body)
	post := posted{Body: string(body), ErrType: r.Header.Get("Lambda-Runtime-Function-Error-Type"), CType: r.Header.Get("Content-Type")}
	switch {
	case p == "init/error" && r.Method == http.MethodPost:
		post.Kind = "init"
	case strings.HasPrefix(p, "invocation/") && r.Method == http.MethodPost:
		rest := strings.TrimPrefix(p, "invocation/")
		id, kind, _ := strings.Cut(rest, "/")
		post.ID, post.Kind = id, kind
	default:
		http.NotFound(w, r)
		return
	}
	a.posts <- post
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

// syncBuffer collects the process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fn is one running client process.
type fn struct {
	t      testing.TB
	api    *fakeAPI
	cmd    *exec.Cmd
	out    *syncBuffer
	root   string
	exited chan struct{}
	seq    int
}

type opts struct {
	runtime string
	fixture string // directory under testdata copied to the task root
	handler string
	optDir  string // directory under testdata used as HAKO_OPT_DIR
	env     []string
	// argv edits the command line (e.g. to isolate Python from site-packages).
	argv func([]string) []string
}

func start(t testing.TB, o opts) *fn {
	t.Helper()
	dir := t.TempDir()
	if err := Install(filepath.Join(dir, "langs")); err != nil {
		t.Fatal(err)
	}
	argv, err := Command(o.runtime, filepath.Join(dir, "langs"))
	if err != nil {
		t.Fatal(err)
	}
	if o.argv != nil {
		argv = o.argv(argv)
	}
	root := filepath.Join(dir, "task")
	copyDir(t, filepath.Join("testdata", o.fixture), root)
	optDir := ""
	if o.optDir != "" {
		optDir = filepath.Join(dir, "opt")
		copyDir(t, filepath.Join("testdata", o.optDir), optDir)
	}
	api := newFakeAPI(t)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = root
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"AWS_LAMBDA_RUNTIME_API=" + api.addr(),
		"_HANDLER=" + o.handler,
		"LAMBDA_TASK_ROOT=" + root,
		"LAMBDA_RUNTIME_DIR=" + root,
		"AWS_EXECUTION_ENV=AWS_Lambda_" + o.runtime,
		"AWS_LAMBDA_FUNCTION_NAME=fn",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn",
		"AWS_LAMBDA_LOG_STREAM_NAME=2024/01/01/[$LATEST]abc",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_SESSION_TOKEN=token",
		"AWS_ENDPOINT_URL=http://127.0.0.1:1",
		"HAKO_OPT_DIR=" + optDir,
	}, o.env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := &fn{t: t, api: api, cmd: cmd, out: out, root: root, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(f.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-f.exited
		if t.Failed() {
			t.Logf("output of %s:\n%s", o.handler, out.String())
		}
	})
	return f
}

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

const waitFor = 15 * time.Second

// invoke sends one event and returns what the client posted for it.
func (f *fn) invoke(payload string, headers ...string) posted {
	f.t.Helper()
	f.seq++
	id := "req-" + strconv.Itoa(f.seq)
	h := map[string]string{}
	for i := 0; i+1 < len(headers); i += 2 {
		h[headers[i]] = headers[i+1]
	}
	f.api.invokes <- invocation{id: id, payload: payload, headers: h}
	select {
	case p := <-f.api.posts:
		if p.ID != id {
			f.t.Fatalf("posted %s for %q, want %q", p.Kind, p.ID, id)
		}
		return p
	case <-f.exited:
		select {
		case p := <-f.api.posts:
			return p
		default:
		}
		f.t.Fatalf("process exited (%v) during invocation", f.cmd.ProcessState)
	case <-time.After(waitFor):
		f.t.Fatal("no result within the time limit")
	}
	return posted{}
}

// ready waits until the client asks for its first invocation.
func (f *fn) ready() {
	f.t.Helper()
	deadline := time.Now().Add(waitFor)
	for f.api.nexts.Load() == 0 {
		if time.Now().After(deadline) {
			f.t.Fatalf("the client never asked for an invocation:\n%s", f.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// initError waits for the init error and the process's exit code.
func (f *fn) initError() (posted, int) {
	f.t.Helper()
	var p posted
	select {
	case p = <-f.api.posts:
	case <-f.exited:
		select {
		case p = <-f.api.posts:
		default:
			f.t.Fatalf("process exited (%v) without an init error", f.cmd.ProcessState)
		}
	case <-time.After(waitFor):
		f.t.Fatal("no init error within the time limit")
	}
	if p.Kind != "init" {
		f.t.Fatalf("posted %s, want an init error: %s", p.Kind, p.Body)
	}
	return p, f.exitCode()
}

func (f *fn) exitCode() int {
	f.t.Helper()
	select {
	case <-f.exited:
	case <-time.After(waitFor):
		f.t.Fatal("process did not exit")
	}
	return f.cmd.ProcessState.ExitCode()
}

// waitOutput waits until the output matches re.
func (f *fn) waitOutput(re *regexp.Regexp) string {
	f.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		out := f.out.String()
		if m := re.FindString(out); m != "" {
			return m
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.t.Fatalf("output does not match %s:\n%s", re, f.out.String())
	return ""
}

func wantPost(t *testing.T, got posted, kind, errType, body string) {
	t.Helper()
	if got.Kind != kind || got.ErrType != errType || got.Body != body {
		t.Errorf("posted %s (error type %q):\n%s\nwant %s (error type %q):\n%s", got.Kind, got.ErrType, got.Body, kind, errType, body)
	}
}

// nodeError is the error JSON of the Node.js client.
type nodeError struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	Trace        []string `json:"trace"`
}

func decodeNodeError(t *testing.T, p posted) nodeError {
	t.Helper()
	var e nodeError
	dec := json.NewDecoder(strings.NewReader(p.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error JSON %s: %v", p.Body, err)
	}
	// AWS's key order: errorType, errorMessage, trace.
	if !strings.HasPrefix(p.Body, `{"errorType":`) || !strings.Contains(p.Body, `","trace":[`) {
		t.Errorf("error JSON keys out of order: %s", p.Body)
	}
	return e
}

// waitLines waits until n lines of the output match re (the output is
// copied from a pipe, so it may trail the client's requests) and returns them.
func (f *fn) waitLines(re *regexp.Regexp, n int) []string {
	f.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		got := lines(f.out.String(), re)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lines returns the lines of out that match re.
func lines(out string, re *regexp.Regexp) []string {
	var m []string
	for _, l := range strings.Split(out, "\n") {
		if re.MatchString(l) {
			m = append(m, l)
		}
	}
	return m
}
