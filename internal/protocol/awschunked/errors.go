package awschunked

import (
	"net/http"
	"strconv"
)

// S3 error codes this package returns.
const (
	CodeIncompleteBody        = "IncompleteBody"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	CodeMalformedTrailer      = "MalformedTrailerError"
	CodeInvalidChunkSize      = "InvalidChunkSizeError"
	CodeMissingContentLength  = "MissingContentLength"
	CodeEntityTooLarge        = "EntityTooLarge"
)

// S3 messages, as S3 sends them.
const (
	MsgTerminated = "The request body terminated unexpectedly"
	MsgLength     = "You did not provide the number of bytes specified by the Content-Length HTTP header"
	MsgSignature  = "The request signature we calculated does not match the signature you provided. " +
		"Check your key and signing method."
	MsgMalformedTrailer = "The request contained trailing data that was not well-formed or did not conform to our published schema."
	MsgChunkSize        = "Only the last chunk is allowed to have a size less than 8192 bytes"
	MsgMissingLength    = "You must provide the Content-Length HTTP header."
	MsgTooLarge         = "Your proposed upload exceeds the maximum allowed object size."
)

// Field is an extra element S3 puts in its XML error body
// (<NumberBytesExpected>, <Chunk>, <BadChunkSize>, ...).
type Field struct{ Name, Value string }

// Error is a rejected body: the S3 code, message and status to answer
// with, the extra XML elements, and Detail, a description for logs that
// is not part of S3's answer.
type Error struct {
	Code    string
	Message string
	Status  int
	Fields  []Field
	Detail  string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Code + ": " + e.Message
	}
	return e.Code + ": " + e.Message + " (" + e.Detail + ")"
}

func errTerminated(detail string) *Error {
	return &Error{Code: CodeIncompleteBody, Message: MsgTerminated, Status: http.StatusBadRequest, Detail: detail}
}

func errLength(expected, provided int64) *Error {
	return &Error{
		Code: CodeIncompleteBody, Message: MsgLength, Status: http.StatusBadRequest,
		Fields: []Field{
			{"NumberBytesExpected", strconv.FormatInt(expected, 10)},
			{"NumberBytesProvided", strconv.FormatInt(provided, 10)},
		},
	}
}

func errSignature(detail string) *Error {
	return &Error{Code: CodeSignatureDoesNotMatch, Message: MsgSignature, Status: http.StatusForbidden, Detail: detail}
}

func errTrailer(detail string) *Error {
	return &Error{Code: CodeMalformedTrailer, Message: MsgMalformedTrailer, Status: http.StatusBadRequest, Detail: detail}
}

func errChunkSize(chunk int, badSize int64) *Error {
	return &Error{
		Code: CodeInvalidChunkSize, Message: MsgChunkSize, Status: http.StatusBadRequest,
		Fields: []Field{
			{"Chunk", strconv.Itoa(chunk)},
			{"BadChunkSize", strconv.FormatInt(badSize, 10)},
		},
	}
}

func errMissingContentLength() *Error {
	return &Error{Code: CodeMissingContentLength, Message: MsgMissingLength, Status: http.StatusLengthRequired}
}

func errTooLarge(max int64) *Error {
	return &Error{
		Code: CodeEntityTooLarge, Message: MsgTooLarge, Status: http.StatusBadRequest,
		Fields: []Field{{"MaxSizeAllowed", strconv.FormatInt(max, 10)}},
	}
}
