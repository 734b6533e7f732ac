package model_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates every model package into a temp
// dir and compares it with the checked-in output (run `make generate`
// after changing the generator).
func TestGeneratedCodeIsCurrent(t *testing.T) {
	models := filepath.Join("..", "..", "..", "shared", "aws-models")
	if _, err := os.Stat(models); err != nil {
		t.Skipf("models not found at %s", models)
	}
	if testing.Short() {
		t.Skip("short")
	}
	out := t.TempDir()
	names := []string{"sqs", "sts", "lambda", "s3", "apigatewaymanagementapi"}
	args := append([]string{"run", "./gen", "-models", models, "-out", out}, names...)
	cmd := exec.Command("go", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	for _, n := range names {
		rel := filepath.Join(n+"api", "zz_generated.go")
		want, err := os.ReadFile(rel)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate", rel)
		}
	}
}
