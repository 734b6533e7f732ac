package langs

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSupported(t *testing.T) {
	for _, r := range []string{"nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13"} {
		if !Supported(r) {
			t.Errorf("Supported(%q) = false", r)
		}
	}
	for _, r := range []string{"", "nodejs16.x", "nodejs24.x", "python3.8", "python3", "java21", "provided.al2023"} {
		if Supported(r) {
			t.Errorf("Supported(%q) = true", r)
		}
	}
}

func TestInstall(t *testing.T) {
	dir := t.TempDir()
	// Several hako processes may install into the same directory at once.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- Install(dir)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"node/index.mjs", "node/hooks.mjs", "python/bootstrap.py"} {
		want, _ := files.ReadFile(name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: %v (%d bytes, want %d)", name, err, len(got), len(want))
		}
	}
	// An outdated file is replaced; nothing else is left behind.
	stale := filepath.Join(dir, "python", "bootstrap.py")
	os.WriteFile(stale, []byte("old"), 0o644)
	if err := Install(dir); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(stale); string(b) == "old" {
		t.Error("stale file not replaced")
	}
	for _, sub := range []string{"node", "python"} {
		ents, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("temporary file %s/%s left behind", sub, e.Name())
			}
		}
	}
}

func TestCommand(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"node", "python3"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	t.Setenv("NODE_PATH", "")
	argv, err := Command("nodejs22.x", "/hako/langs")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(bin, "node"), "--expose-gc", "--max-http-header-size", "81920", "/hako/langs/node/index.mjs"}
	if strings.Join(argv[:len(want)], " ") != strings.Join(want, " ") || len(argv) != len(want)+1 {
		t.Errorf("node argv %q", argv)
	}
	argv, err = Command("python3.13", "/hako/langs")
	if err != nil {
		t.Fatal(err)
	}
	if len(argv) != 4 || argv[0] != filepath.Join(bin, "python3") || argv[1] != "/hako/langs/python/bootstrap.py" {
		t.Errorf("python argv %q", argv)
	}
	if _, err := Command("java21", "/hako/langs"); err == nil || err.Error() != "runtime java21 is not supported by hako" {
		t.Errorf("unsupported runtime: %v", err)
	}

	t.Setenv("PATH", t.TempDir())
	_, err = Command("nodejs20.x", "/hako/langs")
	if err == nil || err.Error() != `nodejs20.x functions need "node" on PATH; hako runs them with the host's Node.js` {
		t.Errorf("missing node: %v", err)
	}
	_, err = Command("python3.12", "/hako/langs")
	if err == nil || err.Error() != `python3.12 functions need "python3" on PATH; hako runs them with the host's Python` {
		t.Errorf("missing python3: %v", err)
	}
}

func TestNodeGlobalDirs(t *testing.T) {
	root := t.TempDir()
	prefix := filepath.Join(root, "usr")
	nm := filepath.Join(prefix, "lib", "node_modules")
	custom := filepath.Join(root, "npm-global")
	extra := filepath.Join(root, "extra")
	for _, d := range []string{filepath.Join(prefix, "bin"), nm, filepath.Join(custom, "lib", "node_modules"), extra} {
		os.MkdirAll(d, 0o755)
	}
	rc := filepath.Join(root, "npmrc")
	os.WriteFile(rc, []byte("fund=false\nprefix = "+custom+"\n"), 0o644)
	t.Setenv("NPM_CONFIG_USERCONFIG", rc)
	t.Setenv("NODE_PATH", extra+string(os.PathListSeparator)+filepath.Join(root, "missing"))
	t.Setenv("npm_config_prefix", "")
	t.Setenv("NPM_CONFIG_PREFIX", "")
	t.Setenv("PREFIX", "")
	got := nodeGlobalDirs(filepath.Join(prefix, "bin", "node"))
	want := []string{extra, filepath.Join(custom, "lib", "node_modules"), nm}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("nodeGlobalDirs = %q, want %q", got, want)
	}
}
