// Package awschunked decodes S3 request bodies sent with
// "Content-Encoding: aws-chunked": the chunked framing the AWS SDKs use
// for streaming uploads, signed chunk by chunk (SigV4 and SigV4a) or
// unsigned, optionally followed by trailing headers that carry the
// object's checksum (x-amz-checksum-crc32 and friends).
//
// NewReader wraps the raw request body and yields the decoded object
// bytes as they arrive, in bounded memory. It checks the framing, the
// x-amz-decoded-content-length, the trailer names announced by
// x-amz-trailer and, when given a Verifier, every chunk signature and the
// trailer signature (SigV4 only: SigV4a framing is decoded, its ECDSA
// signatures are not checked). Trailers are available once Read has
// returned io.EOF. Decoded bytes are handed out before the signature of
// their chunk has been checked, so a caller must not commit what it read
// until Read has returned io.EOF.
//
// Failures are *Error values carrying the S3 error code, message and HTTP
// status S3 answers with, plus the extra XML elements S3 adds.
package awschunked

import (
	"net/http"
	"strconv"
	"strings"
)

// Values of x-amz-content-sha256 announcing an aws-chunked body.
const (
	StreamingSigned                   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedTrailer            = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer          = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	StreamingECDSASigned              = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	StreamingECDSASignedTrailer       = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
	headerContentSHA256               = "X-Amz-Content-Sha256"
	headerDecodedContentLength        = "X-Amz-Decoded-Content-Length"
	headerTrailer                     = "X-Amz-Trailer"
	trailerSignature                  = "x-amz-trailer-signature"
	contentEncodingAWSChunked         = "aws-chunked"
	defaultMinChunkSize               = 8192
	defaultMaxDecodedLength     int64 = 5 << 30 // S3's single PUT limit
)

// Mode is the framing an x-amz-content-sha256 value announces.
type Mode struct {
	// Signed chunks carry ";chunk-signature=".
	Signed bool
	// ECDSA is SigV4a (STREAMING-AWS4-ECDSA-P256-SHA256-*); Signed is true.
	ECDSA bool
	// Trailer: trailing headers follow the final chunk.
	Trailer bool
}

// ParseMode reports the framing of an x-amz-content-sha256 value, and
// false when the value is not one of the STREAMING-* values above
// (a hex digest, UNSIGNED-PAYLOAD, or anything else).
func ParseMode(contentSHA256 string) (Mode, bool) {
	switch contentSHA256 {
	case StreamingSigned:
		return Mode{Signed: true}, true
	case StreamingSignedTrailer:
		return Mode{Signed: true, Trailer: true}, true
	case StreamingUnsignedTrailer:
		return Mode{Trailer: true}, true
	case StreamingECDSASigned:
		return Mode{Signed: true, ECDSA: true}, true
	case StreamingECDSASignedTrailer:
		return Mode{Signed: true, ECDSA: true, Trailer: true}, true
	}
	return Mode{}, false
}

// IsStreaming reports whether the request body is aws-chunked, judged by
// x-amz-content-sha256 (clients may omit Content-Encoding: aws-chunked).
func IsStreaming(h http.Header) bool {
	_, ok := ParseMode(h.Get(headerContentSHA256))
	return ok
}

// StripContentEncoding removes "aws-chunked" from a Content-Encoding
// value, returning what S3 stores as the object's Content-Encoding.
func StripContentEncoding(v string) string {
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !strings.EqualFold(p, contentEncodingAWSChunked) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// Options configure a Reader.
type Options struct {
	// Mode is the framing (see ParseMode).
	Mode Mode
	// DecodedLength is x-amz-decoded-content-length; negative means
	// unknown (no length check).
	DecodedLength int64
	// Trailers are the lower-cased names x-amz-trailer announced. A
	// trailer sent but not announced, or announced but not sent, is
	// MalformedTrailerError.
	Trailers []string
	// Verifier checks SigV4 chunk and trailer signatures; nil skips them.
	// Ignored for unsigned and SigV4a bodies.
	Verifier *Verifier
	// MinChunkSize is the smallest size allowed for every chunk but the
	// last (InvalidChunkSizeError); 0 means S3's 8192, negative disables.
	MinChunkSize int
	// MaxDecodedLength caps the decoded body (EntityTooLarge); 0 means
	// 5 GiB.
	MaxDecodedLength int64
}

// OptionsFromHeader builds Options from a request's x-amz-content-sha256,
// x-amz-decoded-content-length and x-amz-trailer headers. The bool is
// false when the body is not aws-chunked. A missing or malformed
// x-amz-decoded-content-length is MissingContentLength. The caller sets
// Verifier (and the limits) afterwards.
func OptionsFromHeader(h http.Header) (Options, bool, error) {
	mode, ok := ParseMode(h.Get(headerContentSHA256))
	if !ok {
		return Options{}, false, nil
	}
	o := Options{Mode: mode, DecodedLength: -1}
	v := h.Get(headerDecodedContentLength)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || v == "" || v[0] == '+' {
		return Options{}, true, errMissingContentLength()
	}
	o.DecodedLength = n
	for _, v := range h.Values(headerTrailer) {
		for _, name := range strings.Split(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				o.Trailers = append(o.Trailers, name)
			}
		}
	}
	return o, true, nil
}
