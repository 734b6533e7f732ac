// Package awserr is the API error type every service returns and the
// protocol codecs encode: a code, a message and an HTTP status, resolved
// against the service's modelled errors where the code names one.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS API error.
type Error struct {
	// Code is the modelled error shape name (QueueDoesNotExist) or, for
	// errors the model does not name, the wire code (InvalidParameterValue).
	Code    string
	Message string
	// Status overrides the modelled HTTP status when non-zero.
	Status int
	// QueryCode overrides the modelled awsQuery code when set.
	QueryCode string
	// Server marks a server fault (Receiver in query errors).
	Server bool
	// Fields are extra members of the error shape (e.g. CancellationReasons).
	Fields map[string]any
	// Headers are extra response headers.
	Headers map[string]string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns an error with the given code and message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Newf returns an error with a formatted message.
func Newf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithStatus sets the HTTP status.
func (e *Error) WithStatus(status int) *Error { e.Status = status; return e }

// WithQueryCode sets the awsQuery error code.
func (e *Error) WithQueryCode(code string) *Error { e.QueryCode = code; return e }

// As extracts an *Error from err; other errors become InternalFailure.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: "InternalFailure", Message: "We encountered an internal error. Please try again.", Status: http.StatusInternalServerError, Server: true}
}

// Common errors shared by the protocols.
var (
	// ErrSerialization is the awsJson error for a body that does not decode.
	codeSerialization = "SerializationException"
)

// Serialization returns the error for an undecodable request body.
func Serialization(msg string) *Error {
	return &Error{Code: codeSerialization, Message: msg, Status: http.StatusBadRequest}
}

// UnknownOperation returns the error for an operation the service lacks.
func UnknownOperation(op string) *Error {
	return &Error{Code: "UnknownOperationException", Message: "", Status: http.StatusBadRequest}
}

// InvalidAction is the awsQuery error for an unknown Action.
func InvalidAction(action string) *Error {
	return &Error{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", action), Status: http.StatusBadRequest}
}
