// Package langs embeds the Lambda Runtime API clients of the interpreted
// runtimes (nodejs18.x..nodejs22.x run by the host's node, python3.9..3.13
// run by the host's python3), installs them on disk and says how to start
// them. The clients behave like AWS's own runtime interface clients: same
// handler resolution, context object, log format and error JSON.
package langs

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed node/index.mjs node/hooks.mjs python/bootstrap.py
var files embed.FS

type runtimeKind int

const (
	kindNone runtimeKind = iota
	kindNode
	kindPython
)

func kindOf(runtime string) runtimeKind {
	switch runtime {
	case "nodejs18.x", "nodejs20.x", "nodejs22.x":
		return kindNode
	case "python3.9", "python3.10", "python3.11", "python3.12", "python3.13":
		return kindPython
	}
	return kindNone
}

// Supported reports whether runtime is run by one of the embedded clients.
func Supported(runtime string) bool { return kindOf(runtime) != kindNone }

// Install writes the embedded clients under dir. It is idempotent and safe
// when several hako processes share dir: files are written to a temporary
// name and renamed into place, and left alone when already up to date.
func Install(dir string) error {
	return fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		want, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if have, err := os.ReadFile(dst); err == nil && bytes.Equal(have, want) {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(want)
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), dst)
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("install %s: %w", name, werr)
		}
		return nil
	})
}

// Command returns the argv that starts the client of runtime installed under
// dir by Install. The error says which interpreter is missing.
//
// The process expects the Lambda environment (AWS_LAMBDA_RUNTIME_API,
// _HANDLER, LAMBDA_TASK_ROOT, AWS_EXECUTION_ENV, ...) plus HAKO_OPT_DIR, the
// directory holding the function's layers. The host's global package
// directories (Node's global node_modules, Python's user site) are passed as
// arguments because the sandbox environment does not inherit the host's.
func Command(runtime, dir string) ([]string, error) {
	switch kindOf(runtime) {
	case kindNode:
		node, err := exec.LookPath("node")
		if err != nil {
			return nil, fmt.Errorf("%s functions need \"node\" on PATH; hako runs them with the host's Node.js", runtime)
		}
		return []string{node, "--expose-gc", "--max-http-header-size", "81920",
			filepath.Join(dir, "node", "index.mjs"), strings.Join(nodeGlobalDirs(node), string(os.PathListSeparator))}, nil
	case kindPython:
		py, err := exec.LookPath("python3")
		if err != nil {
			return nil, fmt.Errorf("%s functions need \"python3\" on PATH; hako runs them with the host's Python", runtime)
		}
		path, userBase := pythonHostDirs()
		return []string{py, filepath.Join(dir, "python", "bootstrap.py"), path, userBase}, nil
	}
	return nil, fmt.Errorf("runtime %s is not supported by hako", runtime)
}

// nodeGlobalDirs lists the host's directories of globally installed Node
// packages, where the AWS SDK for JavaScript v3 is looked for (Lambda's
// runtimes bundle it): NODE_PATH, then what "npm root -g" would answer,
// computed without running npm (it takes hundreds of milliseconds).
func nodeGlobalDirs(node string) []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		if d == "" || seen[d] {
			return
		}
		seen[d] = true
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	for _, d := range filepath.SplitList(os.Getenv("NODE_PATH")) {
		add(d)
	}
	// npm's global prefix: the environment, the user's npmrc, then the
	// default next to the node binary.
	var prefixes []string
	for _, k := range []string{"npm_config_prefix", "NPM_CONFIG_PREFIX", "PREFIX"} {
		if v := os.Getenv(k); v != "" {
			prefixes = append(prefixes, v)
		}
	}
	rc := os.Getenv("NPM_CONFIG_USERCONFIG")
	if rc == "" {
		if home, err := os.UserHomeDir(); err == nil {
			rc = filepath.Join(home, ".npmrc")
		}
	}
	if p := npmrcPrefix(rc); p != "" {
		prefixes = append(prefixes, p)
	}
	prefixes = append(prefixes, filepath.Dir(filepath.Dir(node)))
	if real, err := filepath.EvalSymlinks(node); err == nil {
		prefixes = append(prefixes, filepath.Dir(filepath.Dir(real)))
	}
	for _, p := range prefixes {
		add(filepath.Join(p, "lib", "node_modules"))
	}
	return dirs
}

// npmrcPrefix returns the prefix= setting of an npmrc file.
func npmrcPrefix(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(k) == "prefix" {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			if strings.HasPrefix(v, "~/") {
				if home, err := os.UserHomeDir(); err == nil {
					v = filepath.Join(home, v[2:])
				}
			}
			return v
		}
	}
	return ""
}

// pythonHostDirs returns the host's extra Python package directories that
// the sandbox would otherwise lose: PYTHONPATH, and the user base that "pip
// install --user" writes to, which Python finds through HOME (the sandbox has
// its own HOME).
func pythonHostDirs() (path, userBase string) {
	userBase = os.Getenv("PYTHONUSERBASE")
	if userBase == "" {
		if home, err := os.UserHomeDir(); err == nil {
			userBase = filepath.Join(home, ".local")
		}
	}
	return os.Getenv("PYTHONPATH"), userBase
}
