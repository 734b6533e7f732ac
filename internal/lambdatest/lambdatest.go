// Package lambdatest builds real Lambda functions for hako's tests: Go
// handlers (aws-lambda-go) compiled by the test, and zips of Node and Python
// handlers.
package lambdatest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
)

// root is the module root, found from this file's location.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// builds caches compiled test functions for the life of the test binary:
// building is the slow part of a cold-start test.
var builds sync.Map // name -> *build

type build struct {
	once sync.Once
	path string
	err  error
}

// BuildGo compiles internal/lambdatest/fns/NAME as a provided.al2023
// bootstrap and returns the path of the binary (built once per test binary).
func BuildGo(t testing.TB, name string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(name, &build{})
	b := v.(*build)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "hako-fn-")
		if err != nil {
			b.err = err
			return
		}
		out := filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./internal/lambdatest/fns/"+name)
		cmd.Dir = root()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", name, err, msg)
			return
		}
		b.path = out
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// GoZip builds the Go function NAME and returns its deployment package.
func GoZip(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(BuildGo(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return Zip(t, map[string]File{"bootstrap": {Body: b, Mode: 0o755}})
}

// File is one file of a zip.
type File struct {
	Body []byte
	Mode os.FileMode
}

// Zip builds a zip archive of files (path -> file), in name order.
func Zip(t testing.TB, files map[string]File) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		f := files[n]
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		// Stored, not deflated: compressing test binaries dominated the
		// tests' time under the race detector.
		h := &zip.FileHeader{Name: n, Method: zip.Store}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.Body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Source returns a zip of text files (path -> content).
func Source(t testing.TB, files map[string]string) []byte {
	t.Helper()
	m := map[string]File{}
	for n, s := range files {
		m[n] = File{Body: []byte(s)}
	}
	return Zip(t, m)
}
