// Package sigv4 parses and verifies AWS Signature Version 4 on incoming
// HTTP requests, in both of its forms: the Authorization header
// ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...") and
// the presigned query string (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature,
// X-Amz-Security-Token).
//
// Parse extracts what the client claims (access key, credential scope,
// timestamp, signed headers, signature) so the caller can look the access
// key up; Verify then rebuilds the canonical request from the request as
// received, re-derives the signature with the secret key and compares it in
// constant time. The canonicalisation follows the AWS specification and the
// behaviour of the AWS SDKs: S3-family services sign the path as sent,
// other services sign it URI-encoded a second time; where clients are known
// to differ (path normalisation, '+' in query strings, default ports in the
// Host header) Verify accepts any of the known spellings.
//
// Errors are *Error values carrying the code, message and HTTP status AWS
// returns. Codes are those of the query/JSON services (IncompleteSignature,
// SignatureDoesNotMatch); S3-family credential scopes get the S3 code for
// clock skew (RequestTimeTooSkewed). Callers that speak a protocol with
// different names (InvalidSignatureException for awsJson services,
// AuthorizationHeaderMalformed for S3) map the codes themselves. Deciding
// whether an access key exists (InvalidClientTokenId,
// UnrecognizedClientException, InvalidAccessKeyId) is also the caller's job.
package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Wire constants.
const (
	// Algorithm is the only signing algorithm accepted.
	Algorithm = "AWS4-HMAC-SHA256"
	// TimeFormat is the layout of X-Amz-Date ("ISO 8601 basic format").
	TimeFormat = "20060102T150405Z"
	// ShortTimeFormat is the layout of the date in the credential scope.
	ShortTimeFormat = "20060102"
	// Terminator ends every credential scope.
	Terminator = "aws4_request"
	// UnsignedPayload is the payload hash of requests whose body is not signed.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// MaxPresignExpires is the longest X-Amz-Expires accepted (7 days).
	MaxPresignExpires = 7 * 24 * time.Hour
	// DefaultMaxSkew is the clock skew AWS tolerates for header-signed requests.
	DefaultMaxSkew = 15 * time.Minute
)

// Query parameter and header names.
const (
	ParamAlgorithm     = "X-Amz-Algorithm"
	ParamCredential    = "X-Amz-Credential"
	ParamDate          = "X-Amz-Date"
	ParamExpires       = "X-Amz-Expires"
	ParamSignedHeaders = "X-Amz-SignedHeaders"
	ParamSignature     = "X-Amz-Signature"
	ParamSecurityToken = "X-Amz-Security-Token"
	ParamContentSHA256 = "X-Amz-Content-Sha256"

	HeaderAuthorization = "Authorization"
	HeaderDate          = "X-Amz-Date"
	HeaderSecurityToken = "X-Amz-Security-Token"
	HeaderContentSHA256 = "X-Amz-Content-Sha256"
)

// Info is the SigV4 authentication a request carries.
type Info struct {
	AccessKeyID string
	// Region and Service come from the credential scope.
	Region, Service string
	// Date is the request timestamp (X-Amz-Date, or the Date header).
	Date time.Time
	// Presigned is true for query-string authentication.
	Presigned bool
	// Expires is X-Amz-Expires (presigned only; zero when absent).
	Expires time.Duration
	// SignedHeaders are the lower-cased signed header names, in the
	// order the client listed them.
	SignedHeaders []string
	// Signature is the hex signature the client sent.
	Signature string
	// SecurityToken is X-Amz-Security-Token (header or query), if any.
	SecurityToken string

	// scopeDate is the YYYYMMDD of the credential scope as sent.
	scopeDate string
	// amzDate is the timestamp exactly as it enters the string to sign.
	amzDate string
	// hasExpires records whether X-Amz-Expires was present.
	hasExpires bool
}

// Scope returns the credential scope: date/region/service/aws4_request.
func (i *Info) Scope() string {
	return i.shortDate() + "/" + i.Region + "/" + i.Service + "/" + Terminator
}

func (i *Info) shortDate() string {
	if i.scopeDate != "" {
		return i.scopeDate
	}
	return i.Date.UTC().Format(ShortTimeFormat)
}

func (i *Info) longDate() string {
	if i.amzDate != "" {
		return i.amzDate
	}
	return i.Date.UTC().Format(TimeFormat)
}

// PayloadHash returns the X-Amz-Content-Sha256 header if set (a hex digest,
// UNSIGNED-PAYLOAD or a STREAMING-* marker), otherwise the hex SHA-256 of
// body.
func PayloadHash(r *http.Request, body []byte) string {
	if v := r.Header.Get(HeaderContentSHA256); v != "" {
		return v
	}
	return hashHex(body)
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// isS3 reports whether service signs like S3: the path is used as sent,
// neither normalised nor encoded again.
func isS3(service string) bool {
	return service == "s3" || service == "s3express" || strings.HasPrefix(service, "s3-")
}

func formatMinutes(d time.Duration) string {
	return strconv.FormatFloat(d.Minutes(), 'f', -1, 64)
}
