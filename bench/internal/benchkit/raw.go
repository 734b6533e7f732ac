package benchkit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Request is a pre-built HTTP/1.1 request: the request line and headers
// (without Content-Length), to which a body is appended. The load
// generators replay it byte for byte.
type Request struct {
	Method, Path, Host string
	Headers            [][2]string // sorted, without Host and Content-Length
	head               []byte
}

// Signing is what SignedJSON signs with.
type Signing struct {
	Region, AccessKey, SecretKey, Service string
}

// SignedJSON builds a SigV4-signed awsJson1_0 POST of target (for example
// "AmazonSQS.SendMessage") with body to http://host/, as the AWS SDK sends
// it, and returns the request and its raw bytes.
func SignedJSON(host, target string, body []byte, s Signing) (*Request, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+host+"/", bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("User-Agent", "hako-bench")
	return signAndFreeze(req, host, "/", body, s)
}

// signAndFreeze signs req (whose body is body) and turns it into a Request.
func signAndFreeze(req *http.Request, host, path string, body []byte, s Signing) (*Request, []byte, error) {
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), s.Service, s.Region, time.Now()); err != nil {
		return nil, nil, err
	}
	r := &Request{Method: req.Method, Path: path, Host: host}
	for k, vs := range req.Header {
		if k == "Host" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			r.Headers = append(r.Headers, [2]string{k, v})
		}
	}
	sort.Slice(r.Headers, func(i, j int) bool { return r.Headers[i][0] < r.Headers[j][0] })
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.Method, r.Path, r.Host)
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	r.head = b.Bytes()
	return r, r.With(body), nil
}

// With returns the raw request with another body. The signature is not
// recomputed: servers that verify header signatures reject it (hako in its
// default permissive mode does not verify them).
func (r *Request) With(body []byte) []byte {
	out := make([]byte, 0, len(r.head)+len(body)+32)
	out = append(out, r.head...)
	out = append(out, "Content-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = append(out, "\r\n\r\n"...)
	return append(out, body...)
}

// Conn is one keep-alive HTTP/1.1 connection that sends raw requests and
// reads their responses, reconnecting after an error. It is the light
// client of the benchmarks: no request building, no signing, no header
// maps beyond net/http's response parser.
type Conn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
	body []byte
}

// NewConn returns a connection to addr (host:port); it dials lazily.
func NewConn(addr string) *Conn { return &Conn{addr: addr} }

// Do sends one raw request and returns the status and the body of the
// response. The body is valid until the next call.
func (c *Conn) Do(raw []byte) (int, []byte, error) {
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
		if err != nil {
			return 0, nil, err
		}
		c.c = nc
		if c.br == nil {
			c.br = bufio.NewReaderSize(nc, 16<<10)
		} else {
			c.br.Reset(nc)
		}
	}
	if _, err := c.c.Write(raw); err != nil {
		c.Close()
		return 0, nil, err
	}
	status, closeConn, err := c.readResponse()
	if err != nil {
		c.Close()
		return 0, nil, err
	}
	if closeConn {
		c.Close()
	}
	return status, c.body, nil
}

// readResponse reads one HTTP/1.1 response into c.body: the status line,
// the headers (of which only Content-Length, Transfer-Encoding and
// Connection matter) and the body, without allocating per response.
func (c *Conn) readResponse() (status int, closeConn bool, err error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	for _, d := range line[9:12] {
		if d < '0' || d > '9' {
			return 0, false, fmt.Errorf("malformed status line %q", line)
		}
		status = status*10 + int(d-'0')
	}
	length, chunked := int64(-1), false
	for {
		line, err = c.br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, fmt.Errorf("malformed header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.ParseInt(string(value), 10, 64); err != nil || length < 0 {
				return 0, false, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			closeConn = bytes.EqualFold(value, []byte("close"))
		}
	}
	c.body = c.body[:0]
	switch {
	case chunked:
		for {
			line, err = c.br.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			sz, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
			n, err := strconv.ParseInt(string(bytes.TrimSpace(sz)), 16, 64)
			if err != nil || n < 0 {
				return 0, false, fmt.Errorf("malformed chunk size %q", line)
			}
			if n == 0 { // trailers, then the empty line
				for {
					line, err = c.br.ReadSlice('\n')
					if err != nil {
						return 0, false, err
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						return status, closeConn, nil
					}
				}
			}
			if c.body, err = readN(c.br, c.body, n+2); err != nil { // the chunk and its CRLF
				return 0, false, err
			}
			c.body = c.body[:len(c.body)-2]
		}
	case length >= 0:
		c.body, err = readN(c.br, c.body, length)
		return status, closeConn, err
	default: // the body runs to the end of the connection
		c.body, err = readAll(c.br, c.body)
		return status, true, err
	}
}

func readN(r io.Reader, b []byte, n int64) ([]byte, error) {
	start := len(b)
	b = slices.Grow(b, int(n))[:start+int(n)]
	_, err := io.ReadFull(r, b[start:])
	return b, err
}

// Close closes the connection; the next Do dials again.
func (c *Conn) Close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return b, nil
			}
			return b, err
		}
	}
}

// StatusError is a response with an unexpected status.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	b := e.Body
	if len(b) > 300 {
		b = b[:300] + "..."
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, b)
}

// Expect200 sends raw on c and returns the body of a 200 response, or an
// error.
func Expect200(c *Conn, raw []byte) ([]byte, error) {
	st, body, err := c.Do(raw)
	if err != nil {
		return nil, err
	}
	if st != http.StatusOK {
		return nil, &StatusError{Status: st, Body: string(body)}
	}
	return body, nil
}

// SignedREST builds a SigV4-signed REST request (method, path, body with
// contentType) to http://host, as the AWS SDK sends it.
func SignedREST(host, method, path, contentType string, body []byte, s Signing) (*Request, []byte, error) {
	req, err := http.NewRequest(method, "http://"+host+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "hako-bench")
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	return signAndFreeze(req, host, path, body, s)
}
