// Package awsquery is the codec of the AWS query protocol (awsQuery): form
// encoded requests with an Action parameter, XML responses wrapped in
// <OpResponse><OpResult>, and <ErrorResponse> errors. It reads requests into
// and writes responses from the generated shapes of internal/model.
package awsquery

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// DecodeError describes a parameter that could not be parsed.
type DecodeError struct {
	Param string
	Value string
	Err   error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("invalid value %q for parameter %s: %v", e.Value, e.Param, e.Err)
}

// Decode fills in (a pointer to a generated struct) from form values.
func Decode(form url.Values, in any) error {
	if in == nil {
		return nil
	}
	d := decoder{form: form}
	_, err := d.structure("", reflect.ValueOf(in).Elem())
	return err
}

type decoder struct{ form url.Values }

func (d *decoder) has(prefix string) bool {
	for k := range d.form {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// indices returns the sorted distinct N of keys "prefix.N" or "prefix.N.*".
func (d *decoder) indices(prefix string) []int {
	seen := map[int]bool{}
	for k := range d.form {
		if !strings.HasPrefix(k, prefix+".") {
			continue
		}
		rest := k[len(prefix)+1:]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		if n, err := strconv.Atoi(rest); err == nil && n > 0 {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func (d *decoder) structure(prefix string, v reflect.Value) (bool, error) {
	t := v.Type()
	any := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := model.ParseTag(f.Tag.Get("aws"))
		key := prefix + tag.Name
		ok, err := d.value(key, tag, v.Field(i))
		if err != nil {
			return false, err
		}
		any = any || ok
	}
	return any, nil
}

func (d *decoder) value(key string, tag model.Tag, v reflect.Value) (bool, error) {
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		var ok bool
		var err error
		if elem.Elem().Kind() == reflect.Struct && elem.Elem().Type() != reflect.TypeOf(model.Timestamp{}) {
			ok, err = d.structure(key+".", elem.Elem())
		} else {
			ok, err = d.scalar(key, elem.Elem())
		}
		if ok && err == nil {
			v.Set(elem)
		}
		return ok, err
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return d.scalar(key, v)
		}
		item := key
		if !tag.Flat {
			m := tag.Member
			if m == "" {
				m = "member"
			}
			item = key + "." + m
		}
		idx := d.indices(item)
		if len(idx) == 0 {
			// An explicitly empty list is sent as "Name=".
			if _, ok := d.form[key]; ok {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
				return true, nil
			}
			return false, nil
		}
		s := reflect.MakeSlice(v.Type(), len(idx), len(idx))
		for i, n := range idx {
			if err := d.element(item+"."+strconv.Itoa(n), s.Index(i)); err != nil {
				return false, err
			}
		}
		v.Set(s)
		return true, nil
	case reflect.Map:
		entry := key
		if !tag.Flat {
			entry = key + ".entry"
		}
		kn, vn := tag.Key, tag.Value
		if kn == "" {
			kn = "key"
		}
		if vn == "" {
			vn = "value"
		}
		idx := d.indices(entry)
		if len(idx) == 0 {
			return false, nil
		}
		m := reflect.MakeMapWithSize(v.Type(), len(idx))
		for _, n := range idx {
			p := entry + "." + strconv.Itoa(n) + "."
			k := d.form.Get(p + kn)
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := d.element(p+vn, ev); err != nil {
				return false, err
			}
			m.SetMapIndex(reflect.ValueOf(k), ev)
		}
		v.Set(m)
		return true, nil
	}
	return d.scalar(key, v)
}

// element decodes a list item or map value (not a pointer).
func (d *decoder) element(key string, v reflect.Value) error {
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(model.Timestamp{}) {
		_, err := d.structure(key+".", v)
		return err
	}
	_, err := d.value(key, model.Tag{}, v)
	return err
}

func (d *decoder) scalar(key string, v reflect.Value) (bool, error) {
	vals, ok := d.form[key]
	if !ok {
		return false, nil
	}
	s := ""
	if len(vals) > 0 {
		s = vals[0]
	}
	bad := func(err error) error { return &DecodeError{Param: key, Value: s, Err: err} }
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return false, bad(err)
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return false, bad(err)
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return false, bad(err)
		}
		v.SetBool(b)
	case reflect.Slice:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return false, bad(err)
		}
		v.SetBytes(b)
	case reflect.Struct:
		t, err := model.ParseTime(s)
		if err != nil {
			return false, bad(err)
		}
		v.Set(reflect.ValueOf(model.Timestamp{Time: t}))
	case reflect.Interface:
		v.Set(reflect.ValueOf(s))
	default:
		return false, bad(fmt.Errorf("unsupported kind %s", v.Kind()))
	}
	return true, nil
}

// WriteResponse writes the XML success response of op.
func WriteResponse(w http.ResponseWriter, svc *model.Service, op, requestID string, out any) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0"?><%sResponse xmlns="%s">`, op, svc.XMLNamespace)
	if out != nil && !(reflect.ValueOf(out).Kind() == reflect.Pointer && reflect.ValueOf(out).IsNil()) {
		fmt.Fprintf(&b, "<%sResult>", op)
		EncodeMembers(&b, reflect.Indirect(reflect.ValueOf(out)))
		fmt.Fprintf(&b, "</%sResult>", op)
	}
	fmt.Fprintf(&b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", requestID, op)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// WriteError writes an <ErrorResponse>.
func WriteError(w http.ResponseWriter, svc *model.Service, requestID string, e *awserr.Error) {
	code, status := e.Code, e.Status
	sender := !e.Server
	if svc != nil {
		if info, ok := svc.Errors[e.Code]; ok {
			code = info.QueryCode
			if status == 0 {
				status = info.HTTPStatus
			}
			sender = info.Sender
		}
	}
	if e.QueryCode != "" {
		code = e.QueryCode
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	typ := "Sender"
	if !sender {
		typ = "Receiver"
	}
	var b bytes.Buffer
	ns := ""
	if svc != nil {
		ns = svc.XMLNamespace
	}
	fmt.Fprintf(&b, `<?xml version="1.0"?><ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>`, ns, typ, escape(code))
	xml.EscapeText(&b, []byte(e.Message))
	fmt.Fprintf(&b, "</Message><Detail/></Error><RequestId>%s</RequestId></ErrorResponse>", requestID)
	h := w.Header()
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// EncodeMembers writes the members of struct v as XML elements, following
// the xmlName/xmlFlattened rules shared by awsQuery and restXml.
func EncodeMembers(b *bytes.Buffer, v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := model.ParseTag(t.Field(i).Tag.Get("aws"))
		encodeMember(b, tag.Name, tag, v.Field(i))
	}
}

func encodeMember(b *bytes.Buffer, name string, tag model.Tag, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		encodeMember(b, name, tag, v.Elem())
		return
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.IsNil() {
				return
			}
			element(b, name, base64.StdEncoding.EncodeToString(v.Bytes()))
			return
		}
		if v.IsNil() {
			return
		}
		if tag.Flat {
			for i := 0; i < v.Len(); i++ {
				encodeValue(b, name, v.Index(i))
			}
			return
		}
		m := tag.Member
		if m == "" {
			m = "member"
		}
		fmt.Fprintf(b, "<%s>", name)
		for i := 0; i < v.Len(); i++ {
			encodeValue(b, m, v.Index(i))
		}
		fmt.Fprintf(b, "</%s>", name)
		return
	case reflect.Map:
		if v.IsNil() {
			return
		}
		kn, vn := tag.Key, tag.Value
		if kn == "" {
			kn = "key"
		}
		if vn == "" {
			vn = "value"
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		if !tag.Flat {
			fmt.Fprintf(b, "<%s>", name)
		}
		for _, k := range keys {
			entry := "entry"
			if tag.Flat {
				entry = name
			}
			fmt.Fprintf(b, "<%s>", entry)
			element(b, kn, k.String())
			encodeValue(b, vn, v.MapIndex(k))
			fmt.Fprintf(b, "</%s>", entry)
		}
		if !tag.Flat {
			fmt.Fprintf(b, "</%s>", name)
		}
		return
	}
	encodeValue(b, name, v)
}

func encodeValue(b *bytes.Buffer, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		encodeValue(b, name, v.Elem())
	case reflect.Struct:
		if ts, ok := v.Interface().(model.Timestamp); ok {
			element(b, name, ts.UTC().Format(time.RFC3339Nano))
			return
		}
		fmt.Fprintf(b, "<%s>", name)
		EncodeMembers(b, v)
		fmt.Fprintf(b, "</%s>", name)
	case reflect.String:
		element(b, name, v.String())
	case reflect.Bool:
		element(b, name, strconv.FormatBool(v.Bool()))
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		element(b, name, strconv.FormatInt(v.Int(), 10))
	case reflect.Float32, reflect.Float64:
		element(b, name, strconv.FormatFloat(v.Float(), 'f', -1, 64))
	case reflect.Slice, reflect.Map:
		encodeMember(b, name, model.Tag{}, v)
	}
}

func element(b *bytes.Buffer, name, text string) {
	fmt.Fprintf(b, "<%s>", name)
	xml.EscapeText(b, []byte(text))
	fmt.Fprintf(b, "</%s>", name)
}
