package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

// serveBaseline runs the bare net/http baseline server (this same binary,
// re-executed with -serve-baseline DIR): it reads the request body and
// answers an X-Amz-Target of DynamoDB_20120810.OP with the bytes of
// DIR/OP, which hold what hako answered the same operation with (so the
// response sizes are hako's, and the AWS SDK accepts them). It prints
// "baseline ready on http://ADDR" and exits on SIGTERM.
func serveBaseline(dir string) {
	answers := map[string][]byte{}
	for _, op := range ops {
		b, err := os.ReadFile(filepath.Join(dir, op))
		if err != nil {
			fatalf("baseline: %v", err)
		}
		answers[op] = b
	}
	lengths := map[string]string{}
	for op, b := range answers {
		lengths[op] = strconv.Itoa(len(b))
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
		b, ok := answers[op]
		if !ok {
			http.Error(w, `{"__type":"com.amazon.coral.service#UnknownOperationException"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-Requestid", "5fea7756-0ea4-451a-a703-a558b933e274")
		w.Header().Set("Content-Length", lengths[op])
		w.Write(b)
	})
	benchkit.ServeBaseline("127.0.0.1:0", h)
}
