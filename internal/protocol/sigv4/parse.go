package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parse extracts the SigV4 authentication of r. It returns (nil, nil) when
// the request carries no SigV4 at all (anonymous): no Authorization header
// and no X-Amz-Algorithm / X-Amz-Credential / X-Amz-Signature query
// parameter. A malformed Authorization header yields an *Error with code
// IncompleteSignature; malformed presigned query parameters yield
// AuthorizationQueryParametersError. Parse does not check the signature,
// the clock or the access key: see Verify.
func Parse(r *http.Request) (*Info, error) {
	auth := strings.TrimSpace(r.Header.Get(HeaderAuthorization))
	var query url.Values
	if r.URL != nil {
		query, _ = url.ParseQuery(r.URL.RawQuery)
	}
	presigned := query.Has(ParamAlgorithm) || query.Has(ParamCredential) || query.Has(ParamSignature)
	switch {
	case auth != "" && presigned:
		return nil, &Error{
			Code: CodeInvalidArgument,
			Message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, " +
				"Signature query string parameter or the Authorization header should be specified",
			Status: http.StatusBadRequest,
		}
	case auth != "":
		return parseHeader(r, auth)
	case presigned:
		return parseQuery(query)
	}
	return nil, nil
}

func parseHeader(r *http.Request, auth string) (*Info, error) {
	alg, rest := auth, ""
	if i := strings.IndexAny(auth, " \t"); i >= 0 {
		alg, rest = auth[:i], auth[i+1:]
	}

	var (
		cred, signed, sig          string
		hasCred, hasSigned, hasSig bool
	)
	if alg == Algorithm {
		// The fields are separated by commas, spaces or tabs (as
		// strings.FieldsFunc would split them, without its allocations).
		for rest != "" {
			f := rest
			if i := strings.IndexAny(rest, ", \t"); i >= 0 {
				f, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			if f == "" {
				continue
			}
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				return nil, incomplete("'" + f + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + auth + "'.")
			}
			switch k {
			case "Credential":
				cred, hasCred = v, true
			case "SignedHeaders":
				signed, hasSigned = v, true
			case "Signature":
				sig, hasSig = v, true
			}
		}
	} else if strings.HasPrefix(alg, "AWS4-") {
		return nil, incomplete("Unsupported AWS 'algorithm': '" + alg + "'.")
	}

	amzDate := r.Header.Get(HeaderDate)
	httpDate := r.Header.Get("Date")

	var missing []string
	if !hasCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !hasSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !hasSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if amzDate == "" && httpDate == "" {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return nil, incomplete(strings.Join(missing, " ") + " Authorization=" + auth)
	}

	info := &Info{Signature: sig, SecurityToken: r.Header.Get(HeaderSecurityToken)}

	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return nil, incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + cred + "'")
	}
	if parts[4] != Terminator {
		return nil, incomplete("Credential should be scoped with a valid terminator: '" + Terminator + "', not '" + parts[4] + "'.")
	}
	info.AccessKeyID, info.scopeDate, info.Region, info.Service = parts[0], parts[1], parts[2], parts[3]

	info.SignedHeaders = splitSignedHeaders(signed)
	if !slices.Contains(info.SignedHeaders, "host") && !slices.Contains(info.SignedHeaders, ":authority") {
		return nil, incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}

	if amzDate != "" {
		t, err := time.Parse(TimeFormat, amzDate)
		if err != nil {
			return nil, incomplete("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'. See http://en.wikipedia.org/wiki/ISO_8601")
		}
		info.Date, info.amzDate = t, amzDate
	} else {
		t, err := http.ParseTime(httpDate)
		if err != nil {
			return nil, incomplete("Date must be in ISO-8601 'basic format'. Got '" + httpDate + "'. See http://en.wikipedia.org/wiki/ISO_8601")
		}
		info.Date = t.UTC()
		info.amzDate = info.Date.Format(TimeFormat)
	}
	return info, nil
}

const msgQueryRequires = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, " +
	"X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."

func parseQuery(q url.Values) (*Info, error) {
	for _, k := range []string{ParamAlgorithm, ParamCredential, ParamSignature, ParamDate, ParamSignedHeaders} {
		if !q.Has(k) {
			return nil, queryParamErr(msgQueryRequires)
		}
	}
	if q.Get(ParamAlgorithm) != Algorithm {
		return nil, queryParamErr(`X-Amz-Algorithm only supports "` + Algorithm + `"`)
	}

	info := &Info{
		Presigned:     true,
		Signature:     q.Get(ParamSignature),
		SecurityToken: q.Get(ParamSecurityToken),
		SignedHeaders: splitSignedHeaders(q.Get(ParamSignedHeaders)),
	}

	cred := q.Get(ParamCredential)
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != Terminator {
		return nil, queryParamErr(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; ` +
			`expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	info.AccessKeyID, info.scopeDate, info.Region, info.Service = parts[0], parts[1], parts[2], parts[3]

	amzDate := q.Get(ParamDate)
	t, err := time.Parse(TimeFormat, amzDate)
	if err != nil {
		return nil, queryParamErr(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	info.Date, info.amzDate = t, amzDate

	if !q.Has(ParamExpires) {
		// S3 insists on an expiry; other services fall back to the
		// usual clock-skew window.
		if isS3(info.Service) {
			return nil, queryParamErr(msgQueryRequires)
		}
		return info, nil
	}
	secs, err := strconv.ParseInt(q.Get(ParamExpires), 10, 64)
	if err != nil {
		return nil, queryParamErr("X-Amz-Expires should be a number")
	}
	if secs < 0 {
		return nil, queryParamErr("X-Amz-Expires must be non-negative")
	}
	if secs > int64(MaxPresignExpires/time.Second) {
		return nil, queryParamErr(msgExpiresTooLong)
	}
	info.Expires = time.Duration(secs) * time.Second
	info.hasExpires = true
	return info, nil
}

const msgExpiresTooLong = "X-Amz-Expires must be less than a week (in seconds) that is, " +
	"the given X-Amz-Expires must be less than 604800 seconds"

func splitSignedHeaders(s string) []string {
	if s == "" {
		return nil
	}
	names := strings.Split(s, ";")
	for i, n := range names {
		names[i] = strings.ToLower(strings.TrimSpace(n))
	}
	return names
}
