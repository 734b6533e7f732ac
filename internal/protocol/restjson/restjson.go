// Package restjson is the codec of the restJson1 protocol (Lambda, API
// Gateway): operations bound to HTTP methods and URIs, members bound to
// labels, query parameters and headers (see restroute), the rest of the
// input or output as a JSON document, and errors as a JSON body with the
// code in the X-Amzn-Errortype header.
package restjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// ContentType is the media type of restJson1 documents.
const ContentType = "application/json"

// Decode fills in (a pointer to a generated input struct) from a request:
// labels (from restroute), query parameters and headers, and the body,
// which is the httpPayload member when the input has one (a blob or
// string raw, a structure or document as JSON) and otherwise a JSON object
// of the members not bound to the HTTP message. The body must already be
// read (and size-limited) by the caller. Errors are *awserr.Error with
// code SerializationException and status 400; a service that reports
// them differently (Lambda's InvalidRequestContentException) remaps the
// code.
func Decode(r *http.Request, body []byte, labels map[string]string, in any) error {
	v := reflect.ValueOf(in)
	if in == nil || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	fields, payload, hasBody := restroute.BodyLayout(v.Type())
	switch {
	case payload >= 0:
		if err := decodePayload(v.Field(fields[payload].Index), body); err != nil {
			return err
		}
	case hasBody && len(bytes.TrimSpace(body)) > 0:
		tmp := reflect.New(v.Type())
		if err := unmarshal(body, tmp.Interface()); err != nil {
			return err
		}
		for _, f := range fields {
			if f.Loc == restroute.Body {
				v.Field(f.Index).Set(tmp.Elem().Field(f.Index))
			}
		}
	}
	if err := restroute.DecodeBindings(r, labels, in); err != nil {
		var de *restroute.DecodeError
		if errors.As(err, &de) {
			return awserr.Serialization(de.Error())
		}
		return awserr.Serialization(err.Error())
	}
	return nil
}

func decodePayload(fv reflect.Value, body []byte) error {
	if len(body) == 0 || restroute.SetRawPayload(fv, body) {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	nv := reflect.New(fv.Type())
	if err := unmarshal(body, nv.Interface()); err != nil {
		return err
	}
	fv.Set(nv.Elem())
	return nil
}

func unmarshal(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return awserr.Serialization(fmt.Sprintf("Unexpected value type in payload for member %s", te.Field))
		}
		return awserr.Serialization("Could not parse request body into json: " + err.Error())
	}
	return nil
}

// WriteResponse writes the success response of op: the status (op.Code,
// or the httpResponseCode member when set), the header members, and the
// body: the payload member raw (blob as application/octet-stream unless a
// Content-Type member says otherwise, string as text/plain, structure as
// JSON), or a JSON object of the unbound members. An output with no body
// members, a nil output and 204/304 responses have no body.
func WriteResponse(w http.ResponseWriter, op *model.Operation, requestID string, out any) {
	status := http.StatusOK
	if op != nil && op.Code != 0 {
		status = op.Code
	}
	h := w.Header()
	var body []byte
	ctype := ""
	v := reflect.ValueOf(out)
	if out != nil && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		v = reflect.Indirect(v)
		if s := restroute.EncodeBindings(h, out); s != 0 {
			status = s
		}
		var err error
		body, ctype, err = encodeBody(v)
		if err != nil {
			for k := range h {
				delete(h, k)
			}
			WriteError(w, nil, requestID, awserr.As(err))
			return
		}
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		body = nil
	}
	if body != nil && h.Get("Content-Type") == "" {
		h.Set("Content-Type", ctype)
	}
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func encodeBody(v reflect.Value) ([]byte, string, error) {
	if v.Kind() != reflect.Struct {
		return nil, "", nil
	}
	fields := restroute.Fields(v.Type())
	hasBody := false
	for _, f := range fields {
		switch f.Loc {
		case restroute.Payload:
			fv := v.Field(f.Index)
			switch {
			case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
				if fv.IsNil() {
					return nil, "", nil
				}
				return fv.Bytes(), "application/octet-stream", nil
			case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
				if fv.IsNil() {
					return nil, "", nil
				}
				return []byte(fv.Elem().String()), "text/plain", nil
			case (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface) && fv.IsNil():
				return nil, "", nil
			}
			b, err := appendValue(nil, fv, f.Tag)
			return b, ContentType, err
		case restroute.Body:
			hasBody = true
		}
	}
	if !hasBody {
		return nil, "", nil
	}
	b, err := appendStruct(nil, v, true)
	return b, ContentType, err
}

// Marshal encodes v (a generated struct or pointer to one) as a restJson1
// document: json tag names, nil members omitted, blobs base64, timestamps
// as epoch seconds unless the member's ts= says date-time or http-date.
func Marshal(v any) ([]byte, error) {
	return appendValue(nil, reflect.ValueOf(v), model.Tag{})
}

func appendStruct(b []byte, v reflect.Value, top bool) ([]byte, error) {
	b = append(b, '{')
	first := true
	var err error
	for _, f := range restroute.Fields(v.Type()) {
		if top && f.Loc != restroute.Body {
			continue
		}
		fv := v.Field(f.Index)
		if isNil(fv) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, f.JSONName)
		b = append(b, ':')
		if b, err = appendValue(b, fv, f.Tag); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}

var timestampType = reflect.TypeOf(model.Timestamp{})

func appendValue(b []byte, v reflect.Value, tag model.Tag) ([]byte, error) {
	var err error
	switch v.Kind() {
	case reflect.Invalid:
		return append(b, "null"...), nil
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendValue(b, v.Elem(), tag)
	case reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		doc, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return append(b, doc...), nil
	case reflect.Struct:
		if v.Type() == timestampType {
			ts := v.Interface().(model.Timestamp)
			s := restroute.FormatTime(ts.Time, tsFormat(tag))
			if tsFormat(tag) == "epoch-seconds" {
				return append(b, s...), nil
			}
			return appendString(b, s), nil
		}
		return appendStruct(b, v, false)
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"'), nil
		}
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendValue(b, v.Index(i), model.Tag{}); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k.String())
			b = append(b, ':')
			if b, err = appendValue(b, v.MapIndex(k), model.Tag{}); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case reflect.String:
		return appendString(b, v.String()), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Float32, reflect.Float64:
		s := restroute.FormatFloat(v.Float(), v.Type().Bits())
		if s == "NaN" || s == "Infinity" || s == "-Infinity" {
			return appendString(b, s), nil
		}
		return append(b, s...), nil
	}
	return nil, fmt.Errorf("restjson: unsupported type %s", v.Type())
}

func tsFormat(tag model.Tag) string {
	if tag.TS != "" {
		return tag.TS
	}
	return "epoch-seconds"
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string (invalid UTF-8 becomes U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// WriteError writes a restJson1 error: the status (e.Status, else the
// model's httpError, else 400 or 500 for server faults), the code in
// X-Amzn-Errortype, and a body {"message": ...} plus e.Fields (the other
// members of the error shape, e.g. Lambda's "Type"). A field named
// "Message" replaces "message" (the SDKs read either). svc may be nil.
func WriteError(w http.ResponseWriter, svc *model.Service, requestID string, e *awserr.Error) {
	status := e.Status
	if status == 0 && svc != nil {
		if info, ok := svc.Errors[e.Code]; ok {
			status = info.HTTPStatus
		}
	}
	if status == 0 {
		status = http.StatusBadRequest
		if e.Server {
			status = http.StatusInternalServerError
		}
	}
	body := map[string]any{}
	if _, ok := e.Fields["Message"]; !ok {
		body["message"] = e.Message
	}
	for k, v := range e.Fields {
		body[k] = v
	}
	b, err := json.Marshal(body)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"message": e.Message})
	}
	h := w.Header()
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-Errortype", e.Code)
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
