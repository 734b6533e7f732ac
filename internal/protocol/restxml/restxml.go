// Package restxml is the codec of the restXml protocol as S3 speaks it:
// operations bound to HTTP methods and URIs, members bound to labels, query
// parameters and headers (see restroute), the rest as an XML document (or
// the httpPayload member as the whole body), and errors as S3's unwrapped
// <Error> document.
//
// The XML parser refuses DOCTYPE and entity declarations, nesting deeper
// than MaxDepth and more than MaxElements elements; the caller limits the
// body size.
package restxml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// ContentType is the media type of restXml documents.
const ContentType = "application/xml"

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// MalformedXML is S3's error for a body that does not parse or does not
// fit the input shape.
func MalformedXML() *awserr.Error {
	return &awserr.Error{Code: "MalformedXML", Message: "The XML you provided was not well-formed or did not validate against our published schema", Status: http.StatusBadRequest}
}

// Decode fills in (a pointer to a generated input struct) from a request:
// labels (from restroute), query parameters and headers, and the body:
// the httpPayload member when the input has one (a blob or string raw, a
// structure from the document's root element), otherwise the root
// element's children into the members not bound to the HTTP message. The
// root element's name is not checked. The caller reads and size-limits the
// body (and removes any aws-chunked content encoding) first.
//
// Errors are *awserr.Error: MalformedXML for the body, InvalidArgument for
// a label, query parameter or header that does not parse.
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
	case hasBody:
		root, err := Parse(body)
		if err != nil {
			return MalformedXML()
		}
		if root != nil {
			if err := decodeStruct(root, v, true, root.Name.Local); err != nil {
				return MalformedXML()
			}
		}
	}
	if err := restroute.DecodeBindings(r, labels, in); err != nil {
		msg := err.Error()
		var de *restroute.DecodeError
		if errors.As(err, &de) {
			msg = fmt.Sprintf("Invalid value for %s %s", de.Location, de.Name)
		}
		return &awserr.Error{Code: "InvalidArgument", Message: msg, Status: http.StatusBadRequest}
	}
	return nil
}

func decodePayload(fv reflect.Value, body []byte) error {
	if len(body) == 0 || restroute.SetRawPayload(fv, body) {
		return nil
	}
	switch {
	case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
		root, err := Parse(body)
		if err != nil {
			return MalformedXML()
		}
		if root == nil {
			return nil
		}
		nv := reflect.New(fv.Type().Elem())
		if err := decodeStruct(root, nv.Elem(), false, root.Name.Local); err != nil {
			return MalformedXML()
		}
		fv.Set(nv)
	}
	return nil
}

// WriteResponse writes the success response of op with its default status
// (op.Code, or the httpResponseCode member when set).
func WriteResponse(w http.ResponseWriter, svc *model.Service, op *model.Operation, requestID string, out any) {
	WriteResponseStatus(w, svc, op, requestID, out, 0)
}

// WriteResponseStatus is WriteResponse with a status override (0 = none),
// for what the model cannot say, like 206 for a ranged GetObject.
//
// Headers come from the header and prefix-header members. The body is the
// payload member (a blob raw as application/octet-stream unless a
// Content-Type member is set, a string raw, a structure as an XML document
// whose root is named by the tag's root=), or the unbound members as an
// XML document whose root is the output shape's xmlName (XMLRootName) or
// name, in the service namespace; an XMLUnwrapped output is its single
// member's element (GetBucketLocation). Outputs without body members have
// no body; a Content-Length member then stays (HEAD responses).
func WriteResponseStatus(w http.ResponseWriter, svc *model.Service, op *model.Operation, requestID string, out any, status int) {
	code := http.StatusOK
	if op != nil && op.Code != 0 {
		code = op.Code
	}
	h := w.Header()
	var body []byte
	ctype := ""
	v := reflect.ValueOf(out)
	if out != nil && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		if i := restroute.StreamField(v.Type()); i >= 0 {
			if rc, ok := v.Elem().Field(i).Interface().(io.ReadCloser); ok && rc != nil {
				writeStream(w, out, rc, code, status, requestID)
				return
			}
		}
		if s := restroute.EncodeBindings(h, out); s != 0 {
			code = s
		}
		ns := ""
		if svc != nil {
			ns = svc.XMLNamespace
		}
		body, ctype = encodeBody(out, ns)
	}
	if status != 0 {
		code = status
	}
	if code == http.StatusNoContent || code == http.StatusNotModified {
		body = nil
	}
	if body != nil {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", ctype)
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
	} else if h.Get("Content-Length") == "" {
		h.Set("Content-Length", "0")
	}
	setRequestID(h, requestID)
	w.WriteHeader(code)
	w.Write(body)
}

// writeStream writes a response whose body is a streaming payload: the
// headers from the bindings, then the body copied as it is read.
func writeStream(w http.ResponseWriter, out any, rc io.ReadCloser, code, status int, requestID string) {
	defer rc.Close()
	h := w.Header()
	if s := restroute.EncodeBindings(h, out); s != 0 {
		code = s
	}
	if status != 0 {
		code = status
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	setRequestID(h, requestID)
	w.WriteHeader(code)
	if code == http.StatusNoContent || code == http.StatusNotModified {
		return
	}
	io.Copy(w, rc)
}

func setRequestID(h http.Header, requestID string) {
	h.Set("x-amz-request-id", requestID)
	h.Set("x-amz-id-2", requestID)
}

func xmlnsAttr(ns string) string {
	if ns == "" {
		return ""
	}
	var b bytes.Buffer
	b.WriteString(` xmlns="`)
	escape(&b, ns)
	b.WriteByte('"')
	return b.String()
}

type rootNamer interface{ XMLRootName() string }
type unwrapper interface{ XMLUnwrapped() bool }

func encodeBody(out any, ns string) ([]byte, string) {
	v := reflect.Indirect(reflect.ValueOf(out))
	if v.Kind() != reflect.Struct {
		return nil, ""
	}
	fields := restroute.Fields(v.Type())
	var bodyFields []restroute.Field
	for _, f := range fields {
		switch f.Loc {
		case restroute.Payload:
			fv := v.Field(f.Index)
			switch {
			case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
				if fv.IsNil() {
					return nil, ""
				}
				return fv.Bytes(), "application/octet-stream"
			case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
				if fv.IsNil() {
					return nil, ""
				}
				return []byte(fv.Elem().String()), "text/plain"
			case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
				if fv.IsNil() {
					return nil, ""
				}
				root := f.Root
				if root == "" {
					root = rootName(fv.Interface(), fv.Type().Elem())
				}
				var b bytes.Buffer
				b.WriteString(xmlHeader)
				encodeStruct(&b, root, xmlnsAttr(ns), fv.Elem(), false)
				return b.Bytes(), ContentType
			}
			return nil, ""
		case restroute.Body:
			bodyFields = append(bodyFields, f)
		}
	}
	if len(bodyFields) == 0 {
		return nil, ""
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	if unwrapped(out, v.Type()) && len(bodyFields) == 1 {
		f := bodyFields[0]
		if f.NS == "" {
			f.NS, f.NSPrefix = ns, ""
		}
		start := b.Len()
		encodeMember(&b, f, v.Field(f.Index))
		if b.Len() == start {
			open(&b, f.Tag.Name, nsAttr(f))
			closeTag(&b, f.Tag.Name)
		}
		return b.Bytes(), ContentType
	}
	encodeStruct(&b, rootName(out, v.Type()), xmlnsAttr(ns), v, true)
	return b.Bytes(), ContentType
}

func unwrapped(v any, t reflect.Type) bool {
	if u, ok := v.(unwrapper); ok {
		return u.XMLUnwrapped()
	}
	u, ok := reflect.New(t).Interface().(unwrapper)
	return ok && u.XMLUnwrapped()
}

func rootName(v any, t reflect.Type) string {
	if n, ok := v.(rootNamer); ok {
		return n.XMLRootName()
	}
	if n, ok := reflect.New(t).Interface().(rootNamer); ok {
		return n.XMLRootName()
	}
	return t.Name()
}

// WriteError writes an S3 error document:
//
//	<Error><Code>NoSuchKey</Code><Message>...</Message>...<RequestId>...</RequestId></Error>
//
// with e.Fields (Resource, Key, BucketName, ...) as extra elements in key
// order. The status is e.Status, else the model's, else 400 (500 for
// server faults). svc may be nil.
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
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString("<Error>")
	element(&b, "Code", e.Code)
	element(&b, "Message", e.Message)
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if k != "Code" && k != "Message" && k != "RequestId" && validName(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		element(&b, k, fmt.Sprint(e.Fields[k]))
	}
	element(&b, "RequestId", requestID)
	b.WriteString("</Error>")
	h := w.Header()
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	setRequestID(h, requestID)
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func element(b *bytes.Buffer, name, text string) {
	open(b, name, "")
	escape(b, text)
	closeTag(b, name)
}

// validName reports whether s is usable as an element name as is.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c == '-' || c == '.' || c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}
