package awschunked

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"maps"
	"slices"
	"strconv"
)

// Limits on what a body may make the Reader hold.
const (
	// MaxLineLength bounds a chunk-size line and a trailer line (CRLF
	// included). A SigV4 chunk line is under 100 bytes, a SigV4a one
	// under 200.
	MaxLineLength = 4096
	// MaxTrailerBytes bounds all trailer lines together.
	MaxTrailerBytes = 16 << 10
	bufferSize      = 32 << 10
)

const chunkSignaturePrefix = ";chunk-signature="

// Trailer names S3 accepts, besides x-amz-trailer-signature.
var checksumTrailers = []string{
	"x-amz-checksum-crc32",
	"x-amz-checksum-crc32c",
	"x-amz-checksum-crc64nvme",
	"x-amz-checksum-sha1",
	"x-amz-checksum-sha256",
}

type state uint8

const (
	stHeader state = iota // next: a chunk-size line
	stData                // inside a chunk's data
	stDone                // EOF or error returned
)

// Reader decodes an aws-chunked body. It is not safe for concurrent use.
type Reader struct {
	br       *bufio.Reader
	body     io.Reader
	opts     Options
	verifier *Verifier // nil when signatures are not checked
	minChunk int64
	maxTotal int64

	st        state
	remaining int64  // data bytes left in the current chunk
	size      int64  // size of the current chunk
	chunks    int    // chunks seen, the current one included
	prevSize  int64  // size of the previous data chunk, -1 before the first
	decoded   int64  // data bytes returned so far
	prevSig   string // signature of the previous chunk (the seed first)
	sig       string // signature sent for the current chunk
	h         hash.Hash
	trailers  map[string]string
	err       error
}

// NewReader returns a Reader decoding body as described by opts.
func NewReader(body io.Reader, opts Options) *Reader {
	r := &Reader{
		br:       bufio.NewReaderSize(body, bufferSize),
		body:     body,
		opts:     opts,
		minChunk: defaultMinChunkSize,
		maxTotal: opts.MaxDecodedLength,
		prevSize: -1,
	}
	switch {
	case opts.MinChunkSize < 0:
		r.minChunk = 0
	case opts.MinChunkSize > 0:
		r.minChunk = int64(opts.MinChunkSize)
	}
	if r.maxTotal <= 0 {
		r.maxTotal = defaultMaxDecodedLength
	}
	if opts.Verifier != nil && opts.Mode.Signed && !opts.Mode.ECDSA {
		r.verifier = opts.Verifier
		r.prevSig = opts.Verifier.Seed
		r.h = sha256.New()
	}
	return r
}

// Read reads decoded object bytes. It returns io.EOF only after the final
// chunk, the trailers and every check have passed; framing and signature
// failures are *Error.
func (r *Reader) Read(p []byte) (int, error) {
	for {
		if r.err != nil {
			return 0, r.err
		}
		switch r.st {
		case stHeader:
			if err := r.readHeader(); err != nil {
				return 0, r.fail(err)
			}
		case stData:
			if len(p) == 0 {
				return 0, nil
			}
			if int64(len(p)) > r.remaining {
				p = p[:r.remaining]
			}
			n, err := r.br.Read(p)
			if n == 0 {
				if err == io.EOF {
					err = errTerminated("body ended inside a chunk's data")
				} else if err == nil {
					err = io.ErrNoProgress
				}
				return 0, r.fail(err)
			}
			if r.h != nil {
				r.h.Write(p[:n])
			}
			r.remaining -= int64(n)
			r.decoded += int64(n)
			if r.remaining == 0 {
				if err := r.endChunk(); err != nil {
					return n, r.fail(err)
				}
			}
			return n, nil
		default:
			return 0, io.EOF
		}
	}
}

// Trailers returns the trailing headers (lower-cased names, without
// x-amz-trailer-signature) once Read has returned io.EOF, else nil.
func (r *Reader) Trailers() map[string]string {
	if r.err != io.EOF {
		return nil
	}
	return maps.Clone(r.trailers)
}

// Decoded returns the number of object bytes returned so far.
func (r *Reader) Decoded() int64 { return r.decoded }

// Announced returns the trailer names x-amz-trailer announced (lower case).
func (r *Reader) Announced() []string { return r.opts.Trailers }

// Close closes the underlying body when it is an io.Closer.
func (r *Reader) Close() error {
	if c, ok := r.body.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (r *Reader) fail(err error) error {
	r.err = err
	r.st = stDone
	return err
}

// readLine reads one CRLF-terminated line of at most MaxLineLength bytes
// and returns it without the CRLF. The slice is valid until the next read.
func (r *Reader) readLine(what string) ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || len(line) > MaxLineLength:
		return nil, errTerminated(what + " line too long")
	case err == io.EOF:
		return nil, errTerminated("body ended inside a " + what + " line")
	case err != nil:
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, errTerminated(what + " line not terminated by CRLF")
	}
	return line[:len(line)-2], nil
}

func (r *Reader) readHeader() error {
	line, err := r.readLine("chunk-size")
	if err != nil {
		return err
	}
	sizeField, ext := line, []byte(nil)
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		sizeField, ext = line[:i], line[i:]
	}
	size, ok := parseHex(sizeField)
	if !ok {
		return errTerminated("bad chunk size " + strconv.Quote(string(sizeField)))
	}
	if r.opts.Mode.Signed {
		sig, ok := bytes.CutPrefix(ext, []byte(chunkSignaturePrefix))
		if !ok || len(sig) == 0 {
			return errTerminated("chunk without chunk-signature")
		}
		r.sig = string(sig)
	}
	r.chunks++
	r.size = size
	if size == 0 {
		return r.finish()
	}
	if r.prevSize >= 0 && r.prevSize < r.minChunk {
		return errChunkSize(r.chunks, r.prevSize)
	}
	total := r.decoded + size
	if total > r.maxTotal {
		return errTooLarge(r.maxTotal)
	}
	if r.opts.DecodedLength >= 0 && total > r.opts.DecodedLength {
		return errLength(r.opts.DecodedLength, total)
	}
	r.remaining = size
	if r.h != nil {
		r.h.Reset()
	}
	r.st = stData
	return nil
}

// endChunk consumes the CRLF after a chunk's data and checks its signature.
func (r *Reader) endChunk() error {
	for _, want := range []byte{'\r', '\n'} {
		c, err := r.br.ReadByte()
		switch {
		case err == io.EOF:
			return errTerminated("body ended after a chunk's data")
		case err != nil:
			return err
		case c != want:
			return errTerminated("chunk data not followed by CRLF")
		}
	}
	if err := r.checkChunkSignature(); err != nil {
		return err
	}
	r.prevSize = r.size
	r.st = stHeader
	return nil
}

func (r *Reader) checkChunkSignature() error {
	if r.verifier == nil {
		return nil
	}
	dataHash := emptySHA256
	if r.size > 0 {
		dataHash = hashHex(r.h)
	}
	want := r.verifier.chunkSignature(r.prevSig, dataHash)
	if !sigEqual(want, r.sig) {
		return errSignature("chunk " + strconv.Itoa(r.chunks) + " signature mismatch")
	}
	r.prevSig = want
	return nil
}

// finish handles everything after the final zero-size chunk line.
func (r *Reader) finish() error {
	if err := r.checkChunkSignature(); err != nil {
		return err
	}
	if r.opts.DecodedLength >= 0 && r.decoded != r.opts.DecodedLength {
		return errLength(r.opts.DecodedLength, r.decoded)
	}
	if err := r.readTrailers(); err != nil {
		return err
	}
	r.st = stDone
	r.err = io.EOF
	return io.EOF
}

func (r *Reader) readTrailers() error {
	var (
		canonical []byte // "name:value\n" lines, for the trailer signature
		sentSig   string
		total     int
	)
	for {
		line, err := r.readLine("trailer")
		if err != nil {
			return err
		}
		if len(line) == 0 {
			break
		}
		if total += len(line) + 2; total > MaxTrailerBytes {
			return errTrailer("trailers too large")
		}
		if !r.opts.Mode.Trailer {
			return errTrailer("trailer in a body without trailers")
		}
		if sentSig != "" {
			return errTrailer("trailer after x-amz-trailer-signature")
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return errTrailer("trailer line without ':'")
		}
		n := string(bytes.ToLower(bytes.TrimSpace(name)))
		v := string(bytes.TrimSpace(value))
		if n == trailerSignature {
			if !r.opts.Mode.Signed || v == "" {
				return errTrailer("unexpected x-amz-trailer-signature")
			}
			sentSig = v
			continue
		}
		if !slices.Contains(checksumTrailers, n) {
			return errTrailer("unknown trailer " + strconv.Quote(n))
		}
		if !slices.Contains(r.opts.Trailers, n) {
			return errTrailer("trailer " + n + " not announced by x-amz-trailer")
		}
		if _, dup := r.trailers[n]; dup {
			return errTrailer("duplicate trailer " + n)
		}
		if r.trailers == nil {
			r.trailers = make(map[string]string, 1)
		}
		r.trailers[n] = v
		canonical = append(canonical, n...)
		canonical = append(canonical, ':')
		canonical = append(canonical, v...)
		canonical = append(canonical, '\n')
	}
	for _, n := range r.opts.Trailers {
		if _, ok := r.trailers[n]; !ok {
			return errTrailer("announced trailer " + n + " missing")
		}
	}
	if !r.opts.Mode.Trailer || !r.opts.Mode.Signed {
		return nil
	}
	if sentSig == "" {
		return errTrailer("x-amz-trailer-signature missing")
	}
	if r.verifier != nil && !sigEqual(r.verifier.trailerSignature(r.prevSig, canonical), sentSig) {
		return errSignature("trailer signature mismatch")
	}
	return nil
}

// parseHex parses a chunk size: 1 to 15 hex digits, nothing else.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, true
}

var _ io.Reader = (*Reader)(nil)
