package sigv4

import "net/http"

// Error codes returned by this package.
const (
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeRequestTimeTooSkewed       = "RequestTimeTooSkewed"
	CodeAccessDenied               = "AccessDenied"
	CodeAuthorizationQueryParamErr = "AuthorizationQueryParametersError"
	CodeInvalidArgument            = "InvalidArgument"
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
)

// MsgSignatureDoesNotMatch is the message AWS sends with SignatureDoesNotMatch.
const MsgSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// MsgS3SignatureDoesNotMatch is the message S3 sends with SignatureDoesNotMatch.
const MsgS3SignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your key and signing method."

// Error is an authentication failure with the code, message and HTTP status
// AWS returns for it.
type Error struct {
	Code    string
	Message string
	Status  int
	// Fields are the extra elements S3 puts in its error document
	// (AWSAccessKeyId, StringToSign, CanonicalRequest, ... for a signature
	// mismatch; X-Amz-Expires, Expires, ServerTime for an expired URL).
	// Set for S3-family credential scopes only.
	Fields []Field
}

// Field is one extra element of an error document.
type Field struct{ Name, Value string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func incomplete(msg string) *Error {
	return &Error{Code: CodeIncompleteSignature, Message: msg, Status: http.StatusBadRequest}
}

func queryParamErr(msg string) *Error {
	return &Error{Code: CodeAuthorizationQueryParamErr, Message: msg, Status: http.StatusBadRequest}
}

func mismatch(msg string) *Error {
	return &Error{Code: CodeSignatureDoesNotMatch, Message: msg, Status: http.StatusForbidden}
}

func accessDenied(msg string) *Error {
	return &Error{Code: CodeAccessDenied, Message: msg, Status: http.StatusForbidden}
}
