package awschunked

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

// The worked example of the S3 documentation, "Signature Calculations for
// the Authorization Header: Transferring Payload in Multiple Chunks
// (Chunked Upload)" (sigv4-streaming): a PUT of 66560 bytes of 'a' in a
// 64 KiB chunk, a 1 KiB chunk and the final empty chunk.
const (
	docAccessKey = "AKIAIOSFODNN7EXAMPLE"
	docSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	docDate      = "20130524T000000Z"
	docScope     = "20130524/us-east-1/s3/aws4_request"
	docSeed      = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	docSig1      = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
	docSig2      = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
	docSigFinal  = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	docAuth      = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;" +
		"x-amz-decoded-content-length;x-amz-storage-class,Signature=" + docSeed
	// AWS's own chunk-signer tests (awslabs aws-crt-swift ChunkSignerTests,
	// from aws-c-auth) continue the example with trailing headers
	// first:1st, second:2nd, third:3rd signed after the final chunk.
	crtTrailerSig = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
)

func docVerifier() *Verifier {
	return &Verifier{
		SigningKey: SigningKey(docSecret, "20130524", "us-east-1", "s3"),
		Date:       docDate,
		Scope:      docScope,
		Seed:       docSeed,
	}
}

// docBody is the example body, written out from the documented signatures.
func docBody() []byte {
	var b bytes.Buffer
	for _, c := range []struct {
		size int
		sig  string
	}{{65536, docSig1}, {1024, docSig2}, {0, docSigFinal}} {
		b.WriteString(strconv.FormatInt(int64(c.size), 16) + ";chunk-signature=" + c.sig + "\r\n")
		b.Write(bytes.Repeat([]byte("a"), c.size))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func docRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPut, "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Header.Set("X-Amz-Date", docDate)
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Authorization", docAuth)
	r.Header.Set("X-Amz-Content-Sha256", StreamingSigned)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	return r
}

func TestAWSDocumentationExample(t *testing.T) {
	body := docBody()
	if len(body) != 66824 {
		t.Fatalf("example body is %d bytes, the documentation says Content-Length 66824", len(body))
	}
	want := bytes.Repeat([]byte("a"), 66560)
	if enc := encode(want, encoding{mode: Mode{Signed: true}, signer: docVerifier(), chunk: 65536}); !bytes.Equal(enc, body) {
		t.Fatal("the test encoder does not reproduce the documented signatures")
	}

	// The edge's path: parse and verify the seed, then decode with it.
	r := docRequest(body)
	info, err := sigv4.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := sigv4.Verify(r, info, docSecret, "", time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), sigv4.DefaultMaxSkew); err != nil {
		t.Fatalf("seed signature: %v", err)
	}
	v, err := NewVerifier(info, docSecret)
	if err != nil {
		t.Fatal(err)
	}
	opts, ok, err := OptionsFromHeader(r.Header)
	if !ok || err != nil {
		t.Fatalf("OptionsFromHeader: %v %v", ok, err)
	}
	opts.Verifier = v
	dec := NewReader(r.Body, opts)
	got, err := io.ReadAll(dec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decoded %d bytes, want 66560 'a'", len(got))
	}
	if dec.Trailers() != nil {
		t.Errorf("trailers %v, want none", dec.Trailers())
	}

	// Tampering with data or any signature breaks the chain.
	for name, mutate := range map[string]func([]byte){
		"data":            func(b []byte) { b[200] = 'b' },
		"second chunk":    func(b []byte) { b[len(b)-200] = 'b' },
		"first signature": func(b []byte) { b[30] ^= 1 },
		"final signature": func(b []byte) { b[len(b)-10] ^= 1 },
	} {
		bad := bytes.Clone(body)
		mutate(bad)
		_, err := io.ReadAll(NewReader(bytes.NewReader(bad), opts))
		wantCode(t, name, err, CodeSignatureDoesNotMatch)
	}
	// Another secret.
	o := opts
	o.Verifier = &Verifier{SigningKey: SigningKey("other", "20130524", "us-east-1", "s3"), Date: docDate, Scope: docScope, Seed: docSeed}
	_, err = io.ReadAll(NewReader(bytes.NewReader(body), o))
	wantCode(t, "wrong key", err, CodeSignatureDoesNotMatch)
	// Without a verifier the same tampered body decodes.
	o.Verifier = nil
	bad := bytes.Clone(body)
	bad[30] ^= 1
	if _, err := io.ReadAll(NewReader(bytes.NewReader(bad), o)); err != nil {
		t.Errorf("unverified: %v", err)
	}
}

func TestTrailerSignatureVector(t *testing.T) {
	got := docVerifier().trailerSignature(docSigFinal, []byte("first:1st\nsecond:2nd\nthird:3rd\n"))
	if got != crtTrailerSig {
		t.Fatalf("trailer signature %s, want %s", got, crtTrailerSig)
	}
}

func TestSignedTrailer(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 3000)
	v := docVerifier()
	trailers := [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}
	body := encode(data, encoding{mode: Mode{Signed: true, Trailer: true}, signer: v, chunk: 8192, trailers: trailers})
	opts := Options{Mode: Mode{Signed: true, Trailer: true}, DecodedLength: int64(len(data)), Trailers: []string{"x-amz-checksum-crc32"}, Verifier: v}
	dec := NewReader(bytes.NewReader(body), opts)
	got, err := io.ReadAll(dec)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("decode: %v (%d bytes)", err, len(got))
	}
	if tr := dec.Trailers(); len(tr) != 1 || tr["x-amz-checksum-crc32"] != "AAAAAA==" {
		t.Fatalf("trailers %v", tr)
	}
	// A changed trailer value no longer matches the trailer signature.
	bad := bytes.Replace(body, []byte("AAAAAA=="), []byte("AAAAAB=="), 1)
	_, err = io.ReadAll(NewReader(bytes.NewReader(bad), opts))
	wantCode(t, "trailer value", err, CodeSignatureDoesNotMatch)
	// The trailer signature must chain to the final chunk: sign the same
	// trailer with the seed instead.
	sig := v.trailerSignature(v.Seed, []byte("x-amz-checksum-crc32:AAAAAA==\n"))
	i := bytes.Index(body, []byte(trailerSignature+":"))
	bad = append(bytes.Clone(body[:i]), trailerSignature+":"+sig+"\r\n\r\n"...)
	_, err = io.ReadAll(NewReader(bytes.NewReader(bad), opts))
	wantCode(t, "unchained trailer", err, CodeSignatureDoesNotMatch)
}

func TestNewVerifier(t *testing.T) {
	if _, err := NewVerifier(nil, "x"); err == nil {
		t.Error("nil info accepted")
	}
	if _, err := NewVerifier(&sigv4.Info{Presigned: true}, "x"); err == nil {
		t.Error("presigned accepted")
	}
}

func wantCode(t *testing.T, name string, err error, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v, want %s", name, err, code)
		return
	}
	if e.Code != code {
		t.Errorf("%s: code %s (%v), want %s", name, e.Code, e, code)
	}
}
