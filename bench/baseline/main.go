// Command baseline is the bare net/http server that hako's benchmarks
// measure beside hako, with the same load generator in the same run: it
// reads the request body and answers every request with one fixed small
// JSON document (200). The document is valid as a SendMessage, a
// ReceiveMessage (one message) and a DeleteMessage answer of the awsJson1_0
// protocol, so the AWS SDK accepts it too.
//
// It prints "baseline ready on http://ADDR" once it accepts connections,
// as hako prints its ready line, and exits on SIGINT or SIGTERM.
package main

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"

	"github.com/hako-dev/hako/bench/internal/fixture"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	sum := fixture.MD5(fixture.MessageBody)
	resp, err := json.Marshal(map[string]any{
		"MessageId":        fixture.MessageID,
		"MD5OfMessageBody": sum,
		"Messages": []map[string]string{{
			"MessageId":     fixture.MessageID,
			"ReceiptHandle": fixture.ReceiptHandle,
			"MD5OfBody":     sum,
			"Body":          fixture.MessageBody,
		}},
	})
	if err != nil {
		panic(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-Requestid", fixture.MessageID)
		w.Write(resp)
	})
	benchkit.ServeBaseline(*addr, h)
}
