// Package awsjson is the codec of the awsJson1_0 and awsJson1_1 protocols:
// POST / with X-Amz-Target: Service.Operation, JSON bodies, and errors as
// {"__type": ..., "message": ...}; for awsQueryCompatible services the
// x-amzn-query-error header carries the query error code.
package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// ContentType returns the content type of the protocol version.
func ContentType(p model.Protocol) string {
	if p == model.AwsJSON11 {
		return "application/x-amz-json-1.1"
	}
	return "application/x-amz-json-1.0"
}

// Decode reads the JSON body into in (a pointer to a generated struct).
func Decode(body []byte, in any) error {
	if in == nil {
		return nil
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return awserr.Serialization(fmt.Sprintf("Unexpected value type in payload for member %s", te.Field))
		}
		return awserr.Serialization("Start of structure or map found where not expected.")
	}
	return nil
}

// appender is an output that writes its own JSON (DynamoDB's item pages),
// skipping encoding/json's reflection and its re-check of what
// MarshalJSON wrote.
type appender interface{ AppendJSON(dst []byte) []byte }

// WriteResponse writes a success response.
func WriteResponse(w http.ResponseWriter, p model.Protocol, requestID string, out any) {
	var b []byte
	if a, ok := out.(appender); ok {
		b = a.AppendJSON(make([]byte, 0, 512))
	} else if out == nil {
		b = []byte("{}")
	} else {
		var err error
		if b, err = json.Marshal(out); err != nil {
			WriteError(w, nil, p, requestID, awserr.As(err))
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(p))
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// WriteError writes an error response. svc may be nil for errors raised
// before the service is known.
func WriteError(w http.ResponseWriter, svc *model.Service, p model.Protocol, requestID string, e *awserr.Error) {
	status := e.Status
	typ := e.Code
	sender := !e.Server
	queryCode := e.QueryCode
	if svc != nil {
		if info, ok := svc.Errors[e.Code]; ok {
			if status == 0 {
				status = info.HTTPStatus
			}
			sender = info.Sender
			if queryCode == "" {
				queryCode = info.QueryCode
			}
		}
		if ns := namespace(svc); ns != "" && !strings.Contains(typ, "#") {
			typ = ns + "#" + typ
		}
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	body := map[string]any{"__type": typ, "message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", ContentType(p))
	h.Set("x-amzn-RequestId", requestID)
	if svc != nil && svc.QueryCompatible {
		if queryCode == "" {
			queryCode = e.Code
		}
		fault := "Sender"
		if !sender {
			fault = "Receiver"
		}
		h.Set("x-amzn-query-error", queryCode+";"+fault)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// namespace is the Smithy namespace used in __type, e.g. com.amazonaws.sqs.
func namespace(svc *model.Service) string {
	switch svc.Name {
	case "dynamodb", "dynamodbstreams":
		return "com.amazonaws.dynamodb.v20120810"
	}
	return "com.amazonaws." + svc.Name
}
