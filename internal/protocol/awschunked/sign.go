package awschunked

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"strings"

	"github.com/hako-dev/hako/internal/protocol/sigv4"
)

const (
	algPayload = "AWS4-HMAC-SHA256-PAYLOAD"
	algTrailer = "AWS4-HMAC-SHA256-TRAILER"
	// emptySHA256 is the hex SHA-256 of "", the fixed fifth line of a
	// chunk's string to sign.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Verifier holds what checking a SigV4 signature chain needs.
type Verifier struct {
	// SigningKey is the SigV4 key of the credential scope (SigningKey).
	SigningKey []byte
	// Date is X-Amz-Date exactly as sent ("20130524T000000Z").
	Date string
	// Scope is the credential scope ("20130524/us-east-1/s3/aws4_request").
	Scope string
	// Seed is the request's (header) signature, in hex: the "previous
	// signature" of the first chunk.
	Seed string
}

// NewVerifier builds a Verifier for a header-signed request whose SigV4
// signature has been checked with sigv4.Verify, given the access key's
// secret.
func NewVerifier(info *sigv4.Info, secret string) (*Verifier, error) {
	if info == nil || info.Presigned {
		return nil, errors.New("awschunked: streaming signatures need a header-signed request")
	}
	scope := info.Scope()
	parts := strings.Split(scope, "/")
	if len(parts) != 4 {
		return nil, errors.New("awschunked: malformed credential scope")
	}
	return &Verifier{
		SigningKey: SigningKey(secret, parts[0], parts[1], parts[2]),
		Date:       info.Date.UTC().Format(sigv4.TimeFormat),
		Scope:      scope,
		Seed:       strings.ToLower(info.Signature),
	}, nil
}

// SigningKey derives the SigV4 signing key for date (YYYYMMDD), region
// and service.
func SigningKey(secret, date, region, service string) []byte {
	return sigv4.SigningKey(secret, date, region, service)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// chunkSignature returns the hex signature of a chunk whose data hashed
// to dataHash (hex), chained to prev.
func (v *Verifier) chunkSignature(prev, dataHash string) string {
	return v.sign(algPayload + "\n" + v.Date + "\n" + v.Scope + "\n" + prev + "\n" + emptySHA256 + "\n" + dataHash)
}

// trailerSignature returns the hex signature of the trailing headers,
// chained to the final chunk's signature. canonical is the trailers as
// "name:value\n" lines in the order sent, without x-amz-trailer-signature.
func (v *Verifier) trailerSignature(prev string, canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return v.sign(algTrailer + "\n" + v.Date + "\n" + v.Scope + "\n" + prev + "\n" + hex.EncodeToString(sum[:]))
}

func (v *Verifier) sign(stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(v.SigningKey, stringToSign))
}

func hashHex(h hash.Hash) string {
	var buf [sha256.Size]byte
	return hex.EncodeToString(h.Sum(buf[:0]))
}

// sigEqual compares a computed hex signature with the one sent, in
// constant time and ignoring hex case.
func sigEqual(computed, sent string) bool {
	return hmac.Equal([]byte(computed), []byte(strings.ToLower(sent)))
}
