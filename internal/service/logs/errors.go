package logs

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// errKind is a class of domain error; wireErrors maps each kind to what
// CloudWatch Logs answers on the wire.
type errKind int

// The domain error kinds.
const (
	errInternal errKind = iota
	errInvalidParameter
	errResourceNotFound
	errResourceAlreadyExists
	errTooManyTags
	errUnsupported
)

// wire is how an error kind appears on the wire: the modelled error shape
// name (the codec takes the status from the model) or a code with an
// explicit status.
type wire struct {
	code   string
	status int // 0: take it from the model
	msg    string
}

// wireErrors is the one table from domain errors to CloudWatch Logs errors.
var wireErrors = map[errKind]wire{
	errInternal:              {code: "InternalFailure", status: http.StatusInternalServerError, msg: "We encountered an internal error. Please try again."},
	errInvalidParameter:      {code: "InvalidParameterException"},
	errResourceNotFound:      {code: "ResourceNotFoundException"},
	errResourceAlreadyExists: {code: "ResourceAlreadyExistsException"},
	errTooManyTags:           {code: "TooManyTagsException"},
	errUnsupported:           {code: "UnknownOperationException", status: http.StatusBadRequest},
}

// logsError is a domain error: a kind and the request-specific message.
type logsError struct {
	kind   errKind
	msg    string
	fields map[string]any // extra members of the error shape
}

func (e *logsError) Error() string { return wireErrors[e.kind].code + ": " + e.msg }

func errorf(kind errKind, format string, args ...any) error {
	return &logsError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

func invalidParam(format string, args ...any) error {
	return errorf(errInvalidParameter, format, args...)
}

// The messages CloudWatch Logs answers for missing and duplicate resources.
func errNoGroup() error {
	return errorf(errResourceNotFound, "The specified log group does not exist.")
}

func errNoStream() error {
	return errorf(errResourceNotFound, "The specified log stream does not exist.")
}

func errInvalidToken() error {
	return invalidParam("The specified nextToken is invalid.")
}

func unsupported(op string) error {
	return errorf(errUnsupported, "The operation %s is not supported by hako yet.", op)
}

// toAPI converts an error of the service into the API error the codec
// encodes. Errors that are not domain errors stay as they are: the edge
// logs them and answers InternalFailure.
func toAPI(err error) error {
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var le *logsError
	if !errors.As(err, &le) {
		return err
	}
	w := wireErrors[le.kind]
	msg := le.msg
	if msg == "" {
		msg = w.msg
	}
	e := awserr.New(w.code, msg)
	if w.status != 0 {
		e.Status = w.status
	}
	e.Fields = le.fields
	if le.kind == errInternal {
		e.Server = true
	}
	return e
}

// ValidationError maps the model's constraint violations to the error
// CloudWatch Logs returns for them: InvalidParameterException with the
// coral validation message, "1 validation error detected: Value null at
// 'logGroupName' failed to satisfy constraint: Member must not be null".
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return toAPI(validationError(vs))
}

func validationError(vs []model.Violation) error {
	var parts []string
	for _, v := range vs {
		if p := violationText(v); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return invalidParam("The request is invalid.")
	}
	noun := "errors"
	if len(parts) == 1 {
		noun = "error"
	}
	return invalidParam("%d validation %s detected: %s", len(parts), noun, strings.Join(parts, "; "))
}

func violationText(v model.Violation) string {
	at := "at '" + v.Path + "' failed to satisfy constraint: "
	val := "Value '" + v.Value + "' " + at
	switch v.Kind {
	case "required":
		return "Value null " + at + "Member must not be null"
	case "length":
		lo, hi := bounds(v.Detail)
		if v.Value == "" && collections[v.Member] && hi >= 0 {
			// The violation does not carry a list's size; clients check
			// the minimum themselves, so the list is too long.
			return "Value " + at + "Member must have length less than or equal to " + strconv.FormatInt(hi, 10)
		}
		n := int64(len([]rune(v.Value)))
		if lo >= 0 && n < lo || hi < 0 {
			return val + "Member must have length greater than or equal to " + strconv.FormatInt(lo, 10)
		}
		return val + "Member must have length less than or equal to " + strconv.FormatInt(hi, 10)
	case "range":
		lo, hi := bounds(v.Detail)
		n, _ := strconv.ParseFloat(v.Value, 64)
		if lo != -1 && n < float64(lo) || hi == -1 {
			return val + "Member must have value greater than or equal to " + strconv.FormatInt(lo, 10)
		}
		return val + "Member must have value less than or equal to " + strconv.FormatInt(hi, 10)
	case "pattern":
		return val + "Member must satisfy regular expression pattern: " + strings.TrimSuffix(strings.TrimPrefix(v.Detail, "^"), "$")
	case "enum":
		return val + "Member must satisfy enum value set: " + v.Detail
	}
	return ""
}

// collections are the list and map members with length constraints.
var collections = map[string]bool{
	"logEvents": true, "tags": true, "tagKeys": true, "logStreamNames": true, "accountIdentifiers": true,
}

// bounds parses a model bound ("1..512", ">= 1", "<= 50"); -1 is none.
func bounds(d string) (lo, hi int64) {
	lo, hi = -1, -1
	switch {
	case strings.HasPrefix(d, ">= "):
		lo, _ = strconv.ParseInt(d[3:], 10, 64)
	case strings.HasPrefix(d, "<= "):
		hi, _ = strconv.ParseInt(d[3:], 10, 64)
	default:
		a, b, _ := strings.Cut(d, "..")
		lo, _ = strconv.ParseInt(a, 10, 64)
		hi, _ = strconv.ParseInt(b, 10, 64)
	}
	return lo, hi
}
