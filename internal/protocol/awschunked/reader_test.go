package awschunked

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

var (
	unsignedTrailer = Mode{Trailer: true}
	signed          = Mode{Signed: true}
	signedTrailer   = Mode{Signed: true, Trailer: true}
	ecdsa           = Mode{Signed: true, ECDSA: true}
	ecdsaTrailer    = Mode{Signed: true, ECDSA: true, Trailer: true}
	crc32Trailer    = [][2]string{{"x-amz-checksum-crc32", "i9aeUg=="}}
)

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestDecodeEncodings(t *testing.T) {
	ecdsaSig := strings.Repeat("3045022100ab", 12) // DER-like, longer than SigV4
	cases := []struct {
		name     string
		mode     Mode
		size     int
		chunk    int
		trailers [][2]string
		announce []string
		verify   bool
		raw      string // when set, the body as is
		want     map[string]string
	}{
		{name: "unsigned trailer", mode: unsignedTrailer, size: 200000, chunk: 65536, trailers: crc32Trailer, announce: []string{"x-amz-checksum-crc32"}},
		{name: "unsigned trailer sha256", mode: unsignedTrailer, size: 9000, chunk: 8192,
			trailers: [][2]string{{"x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}, announce: []string{"x-amz-checksum-sha256"}},
		{name: "unsigned trailer empty body", mode: unsignedTrailer, size: 0, chunk: 8192, trailers: crc32Trailer, announce: []string{"x-amz-checksum-crc32"}},
		{name: "unsigned trailer one small chunk", mode: unsignedTrailer, size: 5, chunk: 8192, trailers: crc32Trailer, announce: []string{"x-amz-checksum-crc32"}},
		{name: "two trailers", mode: unsignedTrailer, size: 10, chunk: 8192,
			trailers: [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}, {"x-amz-checksum-crc64nvme", "AAAAAAAAAAA="}},
			announce: []string{"x-amz-checksum-crc32", "x-amz-checksum-crc64nvme"}},
		{name: "signed", mode: signed, size: 100000, chunk: 8192},
		{name: "signed verified", mode: signed, size: 100000, chunk: 8192, verify: true},
		{name: "signed empty verified", mode: signed, size: 0, chunk: 8192, verify: true},
		{name: "signed trailer verified", mode: signedTrailer, size: 70000, chunk: 65536, trailers: crc32Trailer, announce: []string{"x-amz-checksum-crc32"}, verify: true},
		{name: "signed trailer unverified", mode: signedTrailer, size: 70000, chunk: 65536, trailers: crc32Trailer, announce: []string{"x-amz-checksum-crc32"}},
		{name: "ecdsa", mode: ecdsa, raw: "5;chunk-signature=" + ecdsaSig + "\r\nhello\r\n0;chunk-signature=" + ecdsaSig + "\r\n\r\n", size: 5},
		{name: "ecdsa trailer", mode: ecdsaTrailer, announce: []string{"x-amz-checksum-crc32"}, size: 5,
			raw: "5;chunk-signature=" + ecdsaSig + "\r\nhello\r\n0;chunk-signature=" + ecdsaSig + "\r\n" +
				"x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:" + ecdsaSig + "\r\n\r\n",
			want: map[string]string{"x-amz-checksum-crc32": "NhCmhg=="}},
		{name: "ecdsa ignores verifier", mode: ecdsa, verify: true, size: 5,
			raw: "5;chunk-signature=" + ecdsaSig + "\r\nhello\r\n0;chunk-signature=" + ecdsaSig + "\r\n\r\n"},
		{name: "upper-case hex and spaces around trailer", mode: unsignedTrailer, announce: []string{"x-amz-checksum-crc32"}, size: 10,
			raw: "A\r\nhellohello\r\n0\r\nX-Amz-Checksum-CRC32 : abc= \r\n\r\n", want: map[string]string{"x-amz-checksum-crc32": "abc="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := payload(c.size)
			var v *Verifier
			if c.verify {
				v = docVerifier()
			}
			body := []byte(c.raw)
			if c.raw == "" {
				body = encode(data, encoding{mode: c.mode, signer: v, chunk: c.chunk, trailers: c.trailers})
			} else if c.size == 5 {
				data = []byte("hello")
			} else {
				data = []byte("hellohello")
			}
			want := c.want
			if want == nil && len(c.trailers) > 0 {
				want = map[string]string{}
				for _, tr := range c.trailers {
					want[tr[0]] = tr[1]
				}
			}
			opts := Options{Mode: c.mode, DecodedLength: int64(len(data)), Trailers: c.announce, Verifier: v}
			for _, readers := range []struct {
				name string
				in   func(io.Reader) io.Reader
				out  func(io.Reader) io.Reader
			}{
				{"whole", func(r io.Reader) io.Reader { return r }, func(r io.Reader) io.Reader { return r }},
				{"one byte in", iotest.OneByteReader, func(r io.Reader) io.Reader { return r }},
				{"one byte out", func(r io.Reader) io.Reader { return r }, iotest.OneByteReader},
				{"half", iotest.HalfReader, iotest.HalfReader},
				{"data err", iotest.DataErrReader, func(r io.Reader) io.Reader { return r }},
			} {
				dec := NewReader(readers.in(bytes.NewReader(body)), opts)
				got, err := io.ReadAll(readers.out(dec))
				if err != nil {
					t.Fatalf("%s: %v", readers.name, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s: decoded %d bytes, want %d", readers.name, len(got), len(data))
				}
				if tr := dec.Trailers(); len(tr) != len(want) {
					t.Fatalf("%s: trailers %v, want %v", readers.name, tr, want)
				} else {
					for k, v := range want {
						if tr[k] != v {
							t.Fatalf("%s: trailer %s = %q, want %q", readers.name, k, tr[k], v)
						}
					}
				}
				if dec.Decoded() != int64(len(data)) {
					t.Fatalf("Decoded() = %d", dec.Decoded())
				}
				if n, err := dec.Read(make([]byte, 10)); n != 0 || err != io.EOF {
					t.Fatalf("read after EOF: %d %v", n, err)
				}
			}
			if err := iotest.TestReader(NewReader(bytes.NewReader(body), opts), data); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	big := strings.Repeat("x", 8192)
	crc := []string{"x-amz-checksum-crc32"}
	cases := []struct {
		name     string
		mode     Mode
		length   int64
		announce []string
		body     string
		code     string
		fields   []Field
		opts     func(*Options)
	}{
		{name: "empty body", mode: unsignedTrailer, length: 0, body: "", code: CodeIncompleteBody},
		{name: "truncated data", mode: unsignedTrailer, length: 5, body: "5\r\nhel", code: CodeIncompleteBody},
		{name: "truncated after data", mode: unsignedTrailer, length: 5, body: "5\r\nhello", code: CodeIncompleteBody},
		{name: "no final chunk", mode: unsignedTrailer, length: 5, body: "5\r\nhello\r\n", code: CodeIncompleteBody},
		{name: "no final CRLF", mode: signed, length: 5, body: "5;chunk-signature=" + dummySig + "\r\nhello\r\n0;chunk-signature=" + dummySig + "\r\n", code: CodeIncompleteBody},
		{name: "chunk size too small for data", mode: unsignedTrailer, length: 5, body: "3\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "bad hex", mode: unsignedTrailer, length: 5, body: "5g\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "signed hex", mode: unsignedTrailer, length: 5, body: "+5\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "empty size", mode: unsignedTrailer, length: 0, body: "\r\n\r\n", code: CodeIncompleteBody},
		{name: "huge size", mode: unsignedTrailer, length: -1, body: "ffffffffffffffff\r\n", code: CodeIncompleteBody},
		{name: "LF only", mode: unsignedTrailer, length: 5, body: "5\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "long line", mode: unsignedTrailer, length: 5, body: "5;" + strings.Repeat("a", MaxLineLength) + "\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "endless line", mode: unsignedTrailer, length: 5, body: strings.Repeat("5", 100000), code: CodeIncompleteBody},
		{name: "missing chunk signature", mode: signed, length: 5, body: "5\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody},
		{name: "empty chunk signature", mode: signed, length: 5, body: "5;chunk-signature=\r\nhello\r\n0;chunk-signature=\r\n\r\n", code: CodeIncompleteBody},
		{name: "decoded length short", mode: unsignedTrailer, length: 4, body: "5\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody,
			fields: []Field{{"NumberBytesExpected", "4"}, {"NumberBytesProvided", "5"}}},
		{name: "decoded length long", mode: unsignedTrailer, length: 6, body: "5\r\nhello\r\n0\r\n\r\n", code: CodeIncompleteBody,
			fields: []Field{{"NumberBytesExpected", "6"}, {"NumberBytesProvided", "5"}}},
		{name: "small chunk not last", mode: unsignedTrailer, length: 8197, body: "5\r\nhello\r\n2000\r\n" + big + "\r\n0\r\n\r\n", code: CodeInvalidChunkSize,
			fields: []Field{{"Chunk", "2"}, {"BadChunkSize", "5"}}},
		{name: "small chunk allowed", mode: unsignedTrailer, length: 8197, body: "5\r\nhello\r\n2000\r\n" + big + "\r\n0\r\n\r\n",
			opts: func(o *Options) { o.MinChunkSize = -1 }},
		{name: "too large", mode: unsignedTrailer, length: -1, body: "2000\r\n" + big + "\r\n0\r\n\r\n", code: CodeEntityTooLarge,
			opts: func(o *Options) { o.MaxDecodedLength = 8191 }},
		{name: "trailer missing", mode: unsignedTrailer, length: 5, announce: crc, body: "5\r\nhello\r\n0\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailer not announced", mode: unsignedTrailer, length: 5, body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailer other than announced", mode: unsignedTrailer, length: 5, announce: crc, body: "5\r\nhello\r\n0\r\nx-amz-checksum-sha1:AAAAAA==\r\n\r\n", code: CodeMalformedTrailer},
		{name: "unknown trailer", mode: unsignedTrailer, length: 5, announce: []string{"x-invalid-checksum-crc32"}, body: "5\r\nhello\r\n0\r\nx-invalid-checksum-crc32:AAAAAA==\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailer without colon", mode: unsignedTrailer, length: 5, announce: crc, body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32AAAAAA==\r\n\r\n", code: CodeMalformedTrailer},
		{name: "duplicate trailer", mode: unsignedTrailer, length: 5, announce: crc, body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:A\r\nx-amz-checksum-crc32:A\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailer without end", mode: unsignedTrailer, length: 5, announce: crc, body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n", code: CodeIncompleteBody},
		{name: "trailer in plain signed", mode: signed, length: 0, body: "0;chunk-signature=" + dummySig + "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", code: CodeMalformedTrailer},
		{name: "signature trailer unsigned", mode: unsignedTrailer, length: 0, announce: crc, body: "0\r\nx-amz-checksum-crc32:A\r\nx-amz-trailer-signature:" + dummySig + "\r\n\r\n", code: CodeMalformedTrailer},
		{name: "signed trailer without signature", mode: signedTrailer, length: 0, announce: crc, body: "0;chunk-signature=" + dummySig + "\r\nx-amz-checksum-crc32:A\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailer after signature", mode: signedTrailer, length: 0, announce: crc, body: "0;chunk-signature=" + dummySig + "\r\nx-amz-trailer-signature:" + dummySig + "\r\nx-amz-checksum-crc32:A\r\n\r\n", code: CodeMalformedTrailer},
		{name: "trailers too large", mode: unsignedTrailer, length: 0, announce: crc, body: "0\r\n" + strings.Repeat("x-amz-checksum-crc32:"+strings.Repeat("A", 4000)+"\r\n", 5) + "\r\n", code: CodeMalformedTrailer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Mode: c.mode, DecodedLength: c.length, Trailers: c.announce}
			if c.opts != nil {
				c.opts(&opts)
			}
			dec := NewReader(strings.NewReader(c.body), opts)
			_, err := io.ReadAll(dec)
			if c.code == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			wantCode(t, c.name, err, c.code)
			if e, ok := err.(*Error); ok {
				if c.fields != nil && !equalFields(e.Fields, c.fields) {
					t.Errorf("fields %v, want %v", e.Fields, c.fields)
				}
				if e.Status != http.StatusBadRequest && e.Status != http.StatusForbidden {
					t.Errorf("status %d", e.Status)
				}
			}
			if _, err2 := dec.Read(make([]byte, 1)); err2 != err {
				t.Errorf("error not sticky: %v then %v", err, err2)
			}
			if dec.Trailers() != nil {
				t.Error("trailers after an error")
			}
		})
	}
}

func equalFields(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOptionsFromHeader(t *testing.T) {
	h := http.Header{}
	if _, ok, err := OptionsFromHeader(h); ok || err != nil {
		t.Fatalf("plain request: %v %v", ok, err)
	}
	h.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	if IsStreaming(h) {
		t.Fatal("UNSIGNED-PAYLOAD is streaming")
	}
	h.Set("X-Amz-Content-Sha256", StreamingUnsignedTrailer)
	if !IsStreaming(h) {
		t.Fatal("not streaming")
	}
	_, _, err := OptionsFromHeader(h)
	wantCode(t, "no decoded length", err, CodeMissingContentLength)
	for _, bad := range []string{"abc", "-1", "+5", ""} {
		h.Set("X-Amz-Decoded-Content-Length", bad)
		_, _, err := OptionsFromHeader(h)
		wantCode(t, "decoded length "+bad, err, CodeMissingContentLength)
	}
	h.Set("X-Amz-Decoded-Content-Length", "42")
	h.Set("X-Amz-Trailer", "X-Amz-Checksum-CRC32 , x-amz-checksum-sha1")
	o, ok, err := OptionsFromHeader(h)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if o.Mode != unsignedTrailer || o.DecodedLength != 42 || len(o.Trailers) != 2 || o.Trailers[0] != "x-amz-checksum-crc32" || o.Trailers[1] != "x-amz-checksum-sha1" {
		t.Fatalf("%+v", o)
	}
	for v, want := range map[string]Mode{
		StreamingSigned: signed, StreamingSignedTrailer: signedTrailer, StreamingUnsignedTrailer: unsignedTrailer,
		StreamingECDSASigned: ecdsa, StreamingECDSASignedTrailer: ecdsaTrailer,
	} {
		if m, ok := ParseMode(v); !ok || m != want {
			t.Errorf("ParseMode(%s) = %+v %v", v, m, ok)
		}
	}
}

func TestStripContentEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"aws-chunked": "", "aws-chunked,gzip": "gzip", "gzip, aws-chunked": "gzip", "gzip": "gzip", "": "", "AWS-CHUNKED , br": "br",
	} {
		if got := StripContentEncoding(in); got != want {
			t.Errorf("StripContentEncoding(%q) = %q, want %q", in, got, want)
		}
	}
}
