package sqs

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// errKind is a class of domain error. The service code raises errors of a
// kind (with a message that depends on the request); wireErrors maps each
// kind to what SQS answers on the wire.
type errKind int

// The domain error kinds.
const (
	errInternal errKind = iota
	errQueueDoesNotExist
	errQueueNameExists
	errQueueDeletedRecently
	errInvalidParameterValue
	errMissingParameter
	errInvalidAttributeName
	errInvalidAttributeValue
	errInvalidMessageContents
	errReceiptHandleIsInvalid
	errMessageNotInflight
	errEmptyBatchRequest
	errTooManyEntriesInBatchRequest
	errBatchEntryIdsNotDistinct
	errInvalidBatchEntryID
	errBatchRequestTooLong
	errPurgeQueueInProgress
	errOverLimit
	errResourceNotFound
	errUnsupportedOperation
	errInvalidAddress
)

// wire is how an error kind appears on the wire. Code is the modelled
// error shape name when the SQS model has one (the codec derives the query
// code and status from the model), else the wire code with an explicit
// status.
type wire struct {
	code   string
	status int // 0: take it from the model
	msg    string
}

// wireErrors is the one table from domain errors to SQS errors.
var wireErrors = map[errKind]wire{
	errInternal:                     {code: "InternalFailure", status: http.StatusInternalServerError, msg: "We encountered an internal error. Please try again."},
	errQueueDoesNotExist:            {code: "QueueDoesNotExist", msg: "The specified queue does not exist."},
	errQueueNameExists:              {code: "QueueNameExists"},
	errQueueDeletedRecently:         {code: "QueueDeletedRecently", msg: "You must wait 60 seconds after deleting a queue before you can create another with the same name."},
	errInvalidParameterValue:        {code: "InvalidParameterValue", status: http.StatusBadRequest},
	errMissingParameter:             {code: "MissingParameter", status: http.StatusBadRequest},
	errInvalidAttributeName:         {code: "InvalidAttributeName"},
	errInvalidAttributeValue:        {code: "InvalidAttributeValue"},
	errInvalidMessageContents:       {code: "InvalidMessageContents", msg: "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"},
	errReceiptHandleIsInvalid:       {code: "ReceiptHandleIsInvalid"},
	errMessageNotInflight:           {code: "MessageNotInflight", msg: "The specified message isn't in flight."},
	errEmptyBatchRequest:            {code: "EmptyBatchRequest"},
	errTooManyEntriesInBatchRequest: {code: "TooManyEntriesInBatchRequest"},
	errBatchEntryIdsNotDistinct:     {code: "BatchEntryIdsNotDistinct"},
	errInvalidBatchEntryID:          {code: "InvalidBatchEntryId", msg: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."},
	errBatchRequestTooLong:          {code: "BatchRequestTooLong"},
	errPurgeQueueInProgress:         {code: "PurgeQueueInProgress"},
	errOverLimit:                    {code: "OverLimit"},
	errResourceNotFound:             {code: "ResourceNotFoundException"},
	errUnsupportedOperation:         {code: "UnsupportedOperation"},
	errInvalidAddress:               {code: "InvalidAddress"},
}

// coralTypes are the JSON __type values SQS sends for the errors that are
// not in its model (x-amzn-query-error carries the SQS code).
var coralTypes = map[string]string{
	"InvalidParameterValue": "com.amazon.coral.service#InvalidParameterValueException",
	"MissingParameter":      "com.amazon.coral.service#MissingRequiredParameterException",
}

// sqsError is a domain error: a kind and the request-specific message.
type sqsError struct {
	kind errKind
	msg  string
}

func (e *sqsError) Error() string {
	w := wireErrors[e.kind]
	if e.msg == "" {
		return w.code + ": " + w.msg
	}
	return w.code + ": " + e.msg
}

// newErr returns an error of kind with the kind's default message.
func newErr(kind errKind) error { return &sqsError{kind: kind} }

// errorf returns an error of kind with a formatted message.
func errorf(kind errKind, format string, args ...any) error {
	return &sqsError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Frequently used errors.
func errNoQueue() error { return newErr(errQueueDoesNotExist) }

func invalidParam(format string, args ...any) error {
	return errorf(errInvalidParameterValue, format, args...)
}

func missingParam(name string) error {
	return errorf(errMissingParameter, "The request must contain the parameter %s.", name)
}

func invalidHandle(h string) error {
	return errorf(errReceiptHandleIsInvalid, "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// toAPI converts an error of the service into the API error the codecs
// encode. Errors that are not domain errors are internal failures.
func toAPI(err error) error {
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var se *sqsError
	if !errors.As(err, &se) {
		// Not a domain error: the edge logs it and answers InternalFailure.
		return err
	}
	w := wireErrors[se.kind]
	msg := se.msg
	if msg == "" {
		msg = w.msg
	}
	e := awserr.New(w.code, msg)
	if w.status != 0 {
		e.Status = w.status
	}
	if t, ok := coralTypes[w.code]; ok {
		// Outside the SQS model: the JSON protocol names the generic
		// service error in __type, the query code stays the SQS one.
		e.Code, e.QueryCode = t, w.code
	}
	if se.kind == errInternal {
		e.Server = true
	}
	return e
}

// batchFailure converts a per-entry error into a batch result entry, with
// the code SQS reports there (the query code of modelled errors).
func batchFailure(id string, err error) sqsapi.BatchResultErrorEntry {
	ae := awserr.As(toAPI(err))
	code := ae.Code
	if ae.QueryCode != "" {
		code = ae.QueryCode
	}
	sender := !ae.Server
	if info, ok := sqsapi.Service.Errors[code]; ok {
		code = info.QueryCode
		sender = info.Sender
	}
	return sqsapi.BatchResultErrorEntry{Id: ptr(id), Code: ptr(code), Message: ptr(ae.Message), SenderFault: ptr(sender)}
}

// isKind reports whether err is a domain error of kind.
func isKind(err error, kind errKind) bool {
	var se *sqsError
	return errors.As(err, &se) && se.kind == kind
}

func ptr[T any](v T) *T { return &v }

// wireError is toAPI for a request: it words QueueDoesNotExist the way
// SQS does for query-protocol clients.
func wireError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if isKind(err, errQueueDoesNotExist) && reqinfo.From(ctx).Protocol == "awsQuery" {
		err = errorf(errQueueDoesNotExist, "The specified queue does not exist for this wsdl version.")
	}
	return toAPI(err)
}
