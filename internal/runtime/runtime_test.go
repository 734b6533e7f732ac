package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/lambdatest"
)

type sinkRec struct {
	mu    sync.Mutex
	lines []string
}

func (s *sinkRec) sink(_ *Spec, _ string, lines []LogLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range lines {
		s.lines = append(s.lines, l.Text)
	}
}

func unzipTo(t testing.TB, zb []byte, dir string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		p := filepath.Join(dir, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b.Bytes(), f.Mode()); err != nil {
			t.Fatal(err)
		}
	}
}

func goSpec(t *testing.T) *Spec {
	code := t.TempDir()
	unzipTo(t, lambdatest.GoZip(t, "gofn"), code)
	return &Spec{
		Key: "k1", Account: "000000000000", Region: "us-east-1", FunctionName: "gofn", Version: "$LATEST",
		FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:gofn",
		Runtime:     "provided.al2023", Handler: "bootstrap", CodeDir: code, MemoryMB: 128,
		Timeout: 3 * time.Second, LogGroup: "/aws/lambda/gofn", Reserved: -1,
		Env: []string{"GREETING=hi"},
	}
}

func newManager(t *testing.T, s *sinkRec) *Manager {
	m, err := New(Config{Dir: t.TempDir(), Sink: s.sink})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func inv(id, payload string) *Invocation {
	return &Invocation{RequestID: id, Payload: []byte(payload), InvokedARN: "arn:aws:lambda:us-east-1:000000000000:function:gofn"}
}

func TestGoFunctionWarmAndCold(t *testing.T) {
	s := &sinkRec{}
	m := newManager(t, s)
	spec := goSpec(t)
	ctx := context.Background()
	res, err := m.Invoke(ctx, spec, inv("r1", `{"echo":{"a":1},"print":"hello from go"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.ErrorType != "" || string(res.Payload) != `{"a":1}` {
		t.Fatalf("result %q %s", res.ErrorType, res.Payload)
	}
	if res.InitDuration == 0 {
		t.Errorf("first invoke should be cold")
	}
	var texts []string
	for _, l := range res.Log {
		texts = append(texts, l.Text)
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"START RequestId: r1 Version: $LATEST", "hello from go", "END RequestId: r1", "REPORT RequestId: r1\tDuration: ", "Init Duration: "} {
		if !strings.Contains(joined, want) {
			t.Errorf("log lacks %q:\n%s", want, joined)
		}
	}
	res, err = m.Invoke(ctx, spec, inv("r2", `{"env":"GREETING,AWS_LAMBDA_FUNCTION_NAME,_HANDLER,AWS_REGION"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.InitDuration != 0 {
		t.Errorf("second invoke should be warm")
	}
	var env map[string]string
	json.Unmarshal(res.Payload, &env)
	if env["GREETING"] != "hi" || env["AWS_LAMBDA_FUNCTION_NAME"] != "gofn" || env["_HANDLER"] != "bootstrap" || env["AWS_REGION"] != "us-east-1" {
		t.Errorf("env %v", env)
	}
	if idle, busy := m.Stats(); idle != 1 || busy != 0 {
		t.Errorf("stats idle=%d busy=%d", idle, busy)
	}
	res, _ = m.Invoke(ctx, spec, inv("r3", `{"context":true}`))
	var c map[string]any
	json.Unmarshal(res.Payload, &c)
	if c["requestId"] != "r3" || c["name"] != "gofn" || c["logGroup"] != "/aws/lambda/gofn" || c["deadlineIn"].(float64) < 2000 {
		t.Errorf("context %v", c)
	}
}

func TestGoFunctionErrors(t *testing.T) {
	s := &sinkRec{}
	m := newManager(t, s)
	spec := goSpec(t)
	spec.Timeout = 500 * time.Millisecond
	ctx := context.Background()

	res, _ := m.Invoke(ctx, spec, inv("e1", `{"fail":"boom"}`))
	if res.ErrorType == "" || !strings.Contains(string(res.Payload), `"errorMessage":"boom"`) || !strings.Contains(string(res.Payload), `"errorType":"failure"`) {
		t.Errorf("handler error: %q %s", res.ErrorType, res.Payload)
	}
	res, _ = m.Invoke(ctx, spec, inv("e2", `{"sleepMs":3000}`))
	if res.ErrorType != "Sandbox.Timedout" || !strings.Contains(string(res.Payload), "RequestId: e2 Error: Task timed out after 0.50 seconds") {
		t.Errorf("timeout: %q %s", res.ErrorType, res.Payload)
	}
	res, _ = m.Invoke(ctx, spec, inv("e3", `{"exit":2}`))
	if res.ErrorType != "Runtime.ExitError" || !strings.Contains(string(res.Payload), "Runtime exited with error: exit status 2") {
		t.Errorf("exit: %q %s", res.ErrorType, res.Payload)
	}
	// After the crashes a fresh sandbox serves.
	res, _ = m.Invoke(ctx, spec, inv("e4", `{"echo":"ok"}`))
	if string(res.Payload) != `"ok"` || res.InitDuration == 0 {
		t.Errorf("after crash: %s cold=%v", res.Payload, res.InitDuration)
	}

	bad := *spec
	bad.Key = "k2"
	bad.Env = []string{"GOFN_INIT_FAIL=1"}
	res, _ = m.Invoke(ctx, &bad, inv("e5", `{}`))
	if res.ErrorType != "Runtime.ExitError" || !strings.Contains(string(res.Payload), "exit status 3") {
		t.Errorf("init exit: %q %s", res.ErrorType, res.Payload)
	}
	missing := *spec
	missing.Key = "k3"
	missing.CodeDir = t.TempDir()
	res, _ = m.Invoke(ctx, &missing, inv("e6", `{}`))
	if res.ErrorType != "Runtime.InvalidEntrypoint" || !strings.Contains(string(res.Payload), "Couldn't find valid bootstrap(s)") {
		t.Errorf("missing bootstrap: %q %s", res.ErrorType, res.Payload)
	}
}

func TestConcurrencyLimits(t *testing.T) {
	s := &sinkRec{}
	m := newManager(t, s)
	spec := goSpec(t)
	spec.Reserved = 1
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Invoke(ctx, spec, inv("c1", `{"sleepMs":400}`))
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, busy := m.Stats(); busy == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first invoke never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, err := m.Invoke(ctx, spec, inv("c2", `{}`))
	var te *ThrottleError
	if !errors.As(err, &te) || te.Reason != "ReservedFunctionConcurrentInvocationLimitExceeded" {
		t.Fatalf("want throttle, got %v", err)
	}
	<-done
	if _, err := m.Invoke(ctx, spec, inv("c3", `{}`)); err != nil {
		t.Fatal(err)
	}
	spec.Reserved = 0
	if _, err := m.Invoke(ctx, spec, inv("c4", `{}`)); !errors.As(err, &te) {
		t.Fatalf("reserved 0 must throttle, got %v", err)
	}
}

func TestParallelSandboxes(t *testing.T) {
	s := &sinkRec{}
	m := newManager(t, s)
	spec := goSpec(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := m.Invoke(context.Background(), spec, inv("p"+string(rune('0'+i)), `{"sleepMs":200,"echo":1}`))
			if err != nil || string(res.Payload) != "1" {
				t.Errorf("parallel invoke: %v %v", err, res)
			}
		}()
	}
	wg.Wait()
	if idle, _ := m.Stats(); idle != 4 {
		t.Errorf("want 4 warm sandboxes, got %d", idle)
	}
	// A new key (changed configuration) retires the old sandboxes.
	spec2 := *spec
	spec2.Key = "k-new"
	m.Invoke(context.Background(), &spec2, inv("n1", `{}`))
	if idle, _ := m.Stats(); idle != 1 {
		t.Errorf("old sandboxes not retired: idle=%d", idle)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIdleSandboxesStop(t *testing.T) {
	m, err := New(Config{Dir: t.TempDir(), IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	spec := goSpec(t)
	if _, err := m.Invoke(context.Background(), spec, inv("i1", `{}`)); err != nil {
		t.Fatal(err)
	}
	if idle, _ := m.Stats(); idle != 1 {
		t.Fatalf("idle %d", idle)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if idle, _ := m.Stats(); idle == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("idle sandbox never stopped")
		}
		time.Sleep(50 * time.Millisecond)
	}
	res, err := m.Invoke(context.Background(), spec, inv("i2", `{"echo":2}`))
	if err != nil || string(res.Payload) != "2" || res.InitDuration == 0 {
		t.Fatalf("after idle stop: %v %+v", err, res)
	}
}
