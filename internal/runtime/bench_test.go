package runtime

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/lambdatest"
)

// BenchmarkWarmInvoke measures one warm invocation of the noop Go function
// through the manager (no HTTP edge): the Runtime API round trip and the
// sandbox bookkeeping.
func BenchmarkWarmInvoke(b *testing.B) {
	code := b.TempDir()
	unzipTo(b, lambdatest.Zip(b, map[string]lambdatest.File{"bootstrap": {Body: mustRead(b, lambdatest.BuildGo(b, "noop")), Mode: 0o755}}), code)
	m, err := New(Config{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	spec := &Spec{Key: "k", Account: "a", Region: "r", FunctionName: "noop", Version: "$LATEST", Runtime: "provided.al2023",
		CodeDir: code, MemoryMB: 128, Timeout: 3 * time.Second, Reserved: -1, Env: benchEnv()}
	inv := &Invocation{RequestID: "r", Payload: []byte(`{"k":1}`), InvokedARN: "arn"}
	if _, err := m.Invoke(context.Background(), spec, inv); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Invoke(context.Background(), spec, inv); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEnv() []string {
	if v := os.Getenv("FN_ENV"); v != "" {
		return []string{v}
	}
	return nil
}
