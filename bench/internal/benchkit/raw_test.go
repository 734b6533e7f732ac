package benchkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestConnParsesResponses checks the raw client's response parser against
// net/http's server: Content-Length, chunked and connection-close bodies,
// several requests per connection.
func TestConnParsesResponses(t *testing.T) {
	big := strings.Repeat("x", 10000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch string(body) {
		case "small":
			w.Write([]byte(`{"ok":true}`))
		case "chunked":
			w.Write([]byte(big[:5000]))
			w.(http.Flusher).Flush()
			w.Write([]byte(big[5000:]))
		case "close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte("bye"))
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	req, _, err := SignedJSON(addr, "X.Y", nil, Signing{Region: "us-east-1", AccessKey: "a", SecretKey: "b", Service: "sqs"})
	if err != nil {
		t.Fatal(err)
	}
	c := NewConn(addr)
	defer c.Close()
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{"small", 200, `{"ok":true}`},
		{"chunked", 200, big},
		{"small", 200, `{"ok":true}`},
		{"close", 418, "bye"},
		{"small", 200, `{"ok":true}`}, // after a reconnect
	} {
		st, got, err := c.Do(req.With([]byte(tc.body)))
		if err != nil || st != tc.status || string(got) != tc.want {
			t.Fatalf("%s: status %d, %d bytes, err %v; want %d, %d bytes", tc.body, st, len(got), err, tc.status, len(tc.want))
		}
	}
}
