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

// Error is an authentication failure with the code, message and HTTP status
// AWS returns for it.
type Error struct {
	Code    string
	Message string
	Status  int
}

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
