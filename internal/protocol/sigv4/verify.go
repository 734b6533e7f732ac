package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Verify checks the signature described by info against request r and the
// secret key of info.AccessKeyID.
//
// payloadHash is the hex SHA-256 of the body, or the literal value the
// client put in X-Amz-Content-Sha256 (UNSIGNED-PAYLOAD, STREAMING-...), as
// chosen by the caller (PayloadHash does that). When empty, the
// X-Amz-Content-Sha256 header or else the hash of an empty body is used.
// For presigned requests the payload hash is the X-Amz-Content-Sha256 query
// parameter when present, otherwise UNSIGNED-PAYLOAD or payloadHash
// (S3 presigners sign UNSIGNED-PAYLOAD, other presigners the body hash).
//
// Time: a header-signed request whose date lies outside now±maxSkew fails
// (SignatureDoesNotMatch "Signature expired: ..." / "Signature not yet
// current: ...", or RequestTimeTooSkewed for S3). A presigned request fails
// with AccessDenied "Request has expired" once now is past Date+Expires
// (or, without X-Amz-Expires, past Date+maxSkew), with AccessDenied
// "Request is not valid yet" when dated more than maxSkew in the future,
// and with AuthorizationQueryParametersError when Expires exceeds 7 days.
// maxSkew <= 0 disables the skew checks (not the presigned expiry).
//
// Verify does not judge the credential scope's region or service: callers
// that care compare info.Region and info.Service with their own.
func Verify(r *http.Request, info *Info, secret string, payloadHash string, now time.Time, maxSkew time.Duration) error {
	if info == nil {
		return &Error{Code: CodeMissingAuthenticationToken, Message: "Request is missing Authentication Token", Status: http.StatusForbidden}
	}
	if err := checkTime(info, now, maxSkew); err != nil {
		return err
	}
	if sd, d := info.shortDate(), info.Date.UTC().Format(ShortTimeFormat); sd != d {
		return mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			sd + "' != '" + d + "', from '" + info.longDate() + "'.")
	}

	want := []byte(strings.ToLower(info.Signature))
	key := SigningKey(secret, info.shortDate(), info.Region, info.Service)
	prefix := Algorithm + "\n" + info.longDate() + "\n" + info.Scope() + "\n"
	signedNames := strings.Join(info.SignedHeaders, ";")
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}

	uris := canonicalURIs(r, info.Service)
	queries := canonicalQueries(r, info.Presigned)
	hashes := payloadHashes(r, info, payloadHash)
	var creq strings.Builder
	for _, host := range hostVariants(r) {
		headers := canonicalHeaders(r, info.SignedHeaders, host)
		for _, uri := range uris {
			for _, query := range queries {
				for _, ph := range hashes {
					creq.Reset()
					creq.WriteString(method)
					creq.WriteByte('\n')
					creq.WriteString(uri)
					creq.WriteByte('\n')
					creq.WriteString(query)
					creq.WriteByte('\n')
					creq.WriteString(headers)
					creq.WriteByte('\n')
					creq.WriteString(signedNames)
					creq.WriteByte('\n')
					creq.WriteString(ph)
					sts := prefix + hashHex([]byte(creq.String()))
					got := hex.EncodeToString(hmacSHA256(key, []byte(sts)))
					if subtle.ConstantTimeCompare([]byte(got), want) == 1 {
						return nil
					}
				}
			}
		}
	}
	if !isS3(info.Service) {
		return mismatch(MsgSignatureDoesNotMatch)
	}
	// S3 shows what it signed, for the first (SDK) spelling.
	creq.Reset()
	creq.WriteString(method + "\n" + uris[0] + "\n" + queries[0] + "\n" +
		canonicalHeaders(r, info.SignedHeaders, hostVariants(r)[0]) + "\n" + signedNames + "\n" + hashes[0])
	sts := prefix + hashHex([]byte(creq.String()))
	e := mismatch(MsgS3SignatureDoesNotMatch)
	e.Fields = []Field{
		{"AWSAccessKeyId", info.AccessKeyID},
		{"StringToSign", sts},
		{"SignatureProvided", info.Signature},
		{"StringToSignBytes", HexBytes(sts)},
		{"CanonicalRequest", creq.String()},
		{"CanonicalRequestBytes", HexBytes(creq.String())},
	}
	return e
}

// HexBytes spells s as S3 does in its error documents (StringToSignBytes):
// two lower-case hex digits a byte, separated by spaces.
func HexBytes(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 3*len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(b)
}

func checkTime(info *Info, now time.Time, maxSkew time.Duration) error {
	if info.Presigned {
		if info.Expires < 0 {
			return queryParamErr("X-Amz-Expires must be non-negative")
		}
		if info.Expires > MaxPresignExpires {
			return queryParamErr(msgExpiresTooLong)
		}
		if maxSkew > 0 && info.Date.After(now.Add(maxSkew)) {
			return accessDenied("Request is not valid yet")
		}
		switch {
		case info.hasExpires || info.Expires > 0:
			if now.After(info.Date.Add(info.Expires)) {
				e := accessDenied("Request has expired")
				if isS3(info.Service) {
					e.Fields = []Field{
						{"X-Amz-Expires", strconv.FormatInt(int64(info.Expires/time.Second), 10)},
						{"Expires", info.Date.Add(info.Expires).UTC().Format(time.RFC3339)},
						{"ServerTime", now.UTC().Format(time.RFC3339)},
					}
				}
				return e
			}
		case maxSkew > 0:
			if info.Date.Before(now.Add(-maxSkew)) {
				return accessDenied("Request has expired")
			}
		}
		return nil
	}
	if maxSkew <= 0 {
		return nil
	}
	var msg string
	switch {
	case info.Date.Before(now.Add(-maxSkew)):
		msg = "Signature expired: " + info.longDate() + " is now earlier than " +
			now.Add(-maxSkew).UTC().Format(TimeFormat) + " (" + now.UTC().Format(TimeFormat) +
			" - " + formatMinutes(maxSkew) + " min.)"
	case info.Date.After(now.Add(maxSkew)):
		msg = "Signature not yet current: " + info.longDate() + " is still later than " +
			now.Add(maxSkew).UTC().Format(TimeFormat) + " (" + now.UTC().Format(TimeFormat) +
			" + " + formatMinutes(maxSkew) + " min.)"
	default:
		return nil
	}
	if isS3(info.Service) {
		return &Error{
			Code:    CodeRequestTimeTooSkewed,
			Message: "The difference between the request time and the current time is too large.",
			Status:  http.StatusForbidden,
		}
	}
	return mismatch(msg)
}

// SigningKey derives the SigV4 signing key for a credential scope (date
// is YYYYMMDD); aws-chunked bodies sign their chunks with it.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(Terminator))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}
