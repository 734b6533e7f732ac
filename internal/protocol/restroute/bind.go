package restroute

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/model"
)

// Location is where a member of a top-level input or output travels.
type Location uint8

// The member locations.
const (
	Body          Location = iota // the protocol document (JSON object, XML element)
	Payload                       // httpPayload: the whole body
	Label                         // httpLabel
	Query                         // httpQuery
	QueryParams                   // httpQueryParams
	Header                        // httpHeader
	PrefixHeaders                 // httpPrefixHeaders
	Status                        // httpResponseCode
)

// Field is one member of a generated structure with its parsed `aws` tag.
type Field struct {
	Index    int
	GoName   string
	JSONName string // the json tag name (jsonName or member name)
	Tag      model.Tag
	Loc      Location
	NS       string // xmlNamespace URI (tag ns=)
	NSPrefix string // xmlNamespace prefix (tag nsprefix=)
	Root     string // document element of a structure payload (tag root=)
}

var fieldCache sync.Map // reflect.Type -> []Field

// Fields returns the members of the generated struct type t.
func Fields(t reflect.Type) []Field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]Field)
	}
	fs := make([]Field, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		raw, ok := sf.Tag.Lookup("aws")
		if !ok || !sf.IsExported() {
			continue
		}
		tag := model.ParseTag(raw)
		f := Field{Index: i, GoName: sf.Name, Tag: tag, JSONName: sf.Name}
		if j, _, _ := strings.Cut(sf.Tag.Get("json"), ","); j != "" && j != "-" {
			f.JSONName = j
		}
		for _, p := range strings.Split(raw, ",")[1:] {
			k, v, _ := strings.Cut(p, "=")
			switch k {
			case "ns":
				f.NS = v
			case "nsprefix":
				f.NSPrefix = v
			case "root":
				f.Root = v
			}
		}
		switch {
		case tag.Payload:
			f.Loc = Payload
		case tag.Label:
			f.Loc = Label
		case tag.Query != "":
			f.Loc = Query
		case tag.QueryParams:
			f.Loc = QueryParams
		case tag.Header != "":
			f.Loc = Header
		case tag.HasPrefix:
			f.Loc = PrefixHeaders
		case tag.Status:
			f.Loc = Status
		}
		fs = append(fs, f)
	}
	v, _ := fieldCache.LoadOrStore(t, fs)
	return v.([]Field)
}

// DecodeError is a label, query parameter or header value that does not
// parse as its member's type.
type DecodeError struct {
	Location string // label, query, header
	Name     string // wire name
	Value    string
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("invalid value %q for %s %s: %v", e.Value, e.Location, e.Name, e.Err)
}

// DecodeBindings fills the members of in (a pointer to a generated input
// struct) bound to labels, the query string and headers. Body and payload
// members are left to the protocol codec. Errors are *DecodeError.
func DecodeBindings(r *http.Request, labels map[string]string, in any) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	fields := Fields(v.Type())
	query := r.URL.Query()
	for i := range fields {
		f := &fields[i]
		fv := v.Field(f.Index)
		switch f.Loc {
		case Label:
			s, ok := label(labels, f)
			if !ok {
				continue
			}
			if err := setScalar(fv, s, tsFormat(f.Tag, "date-time")); err != nil {
				return &DecodeError{Location: "label", Name: f.Tag.Name, Value: s, Err: err}
			}
		case Query:
			vals, ok := query[f.Tag.Query]
			if !ok {
				continue
			}
			if err := setValues(fv, vals, tsFormat(f.Tag, "date-time")); err != nil {
				return &DecodeError{Location: "query", Name: f.Tag.Query, Value: strings.Join(vals, ","), Err: err}
			}
		case QueryParams:
			bound := map[string]bool{}
			for _, g := range fields {
				if g.Loc == Query {
					bound[g.Tag.Query] = true
				}
			}
			if err := setMap(fv, func(yield func(k string, vals []string)) {
				for k, vals := range query {
					if !bound[k] {
						yield(k, vals)
					}
				}
			}); err != nil {
				return &DecodeError{Location: "query", Name: "*", Err: err}
			}
		case Header:
			vals := r.Header.Values(f.Tag.Header)
			if len(vals) == 0 {
				continue
			}
			format := tsFormat(f.Tag, "http-date")
			if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
				items := SplitHeaderList(vals)
				if fv.Type().Elem() == timestampType && format == "http-date" {
					items = joinHTTPDates(items)
				}
				vals = items
			} else {
				vals = []string{strings.TrimSpace(vals[0])}
			}
			if err := setValues(fv, vals, format); err != nil {
				return &DecodeError{Location: "header", Name: f.Tag.Header, Value: strings.Join(vals, ","), Err: err}
			}
		case PrefixHeaders:
			prefix := f.Tag.Prefix
			if err := setMap(fv, func(yield func(k string, vals []string)) {
				for k, vals := range r.Header {
					if len(k) >= len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) && len(k) > len(prefix) {
						yield(strings.ToLower(k[len(prefix):]), []string{strings.Join(vals, ",")})
					}
				}
			}); err != nil {
				return &DecodeError{Location: "header", Name: prefix + "*", Err: err}
			}
		}
	}
	return nil
}

// label finds the value of f's label: URI labels are named after the
// member, which is the tag name or, with an xmlName, the Go name modulo
// the case of its first letter.
func label(labels map[string]string, f *Field) (string, bool) {
	if s, ok := labels[f.Tag.Name]; ok {
		return s, true
	}
	for k, s := range labels {
		if strings.EqualFold(k, f.GoName) {
			return s, true
		}
	}
	return "", false
}

// setMap fills a map[string]string or map[string][]string from pairs.
func setMap(fv reflect.Value, each func(func(k string, vals []string))) error {
	if fv.Kind() != reflect.Map || fv.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("unsupported map type %s", fv.Type())
	}
	et := fv.Type().Elem()
	m := reflect.MakeMap(fv.Type())
	var err error
	each(func(k string, vals []string) {
		if err != nil || len(vals) == 0 {
			return
		}
		ev := reflect.New(et).Elem()
		if et.Kind() == reflect.Slice && et.Elem().Kind() != reflect.Uint8 {
			err = setValues(ev, vals, "")
		} else {
			err = setScalar(ev, vals[0], "")
		}
		if err == nil {
			m.SetMapIndex(reflect.ValueOf(k).Convert(fv.Type().Key()), ev)
		}
	})
	if err != nil {
		return err
	}
	if m.Len() > 0 {
		fv.Set(m)
	}
	return nil
}

// setValues sets a scalar (first value) or list field from string values.
func setValues(fv reflect.Value, vals []string, format string) error {
	if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
		s := reflect.MakeSlice(fv.Type(), len(vals), len(vals))
		for i, x := range vals {
			if err := setScalar(s.Index(i), x, format); err != nil {
				return err
			}
		}
		fv.Set(s)
		return nil
	}
	if len(vals) == 0 {
		return nil
	}
	return setScalar(fv, vals[0], format)
}

var timestampType = reflect.TypeOf(model.Timestamp{})

// setScalar parses s into fv (a pointer to a scalar, a scalar, a blob or
// an any).
func setScalar(fv reflect.Value, s string, format string) error {
	if fv.Kind() == reflect.Pointer {
		nv := reflect.New(fv.Type().Elem())
		if err := setScalar(nv.Elem(), s, format); err != nil {
			return err
		}
		fv.Set(nv)
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		fv.SetBool(b)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, fv.Type().Bits())
		if err != nil {
			return err
		}
		fv.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := ParseFloat(strings.TrimSpace(s), fv.Type().Bits())
		if err != nil {
			return err
		}
		fv.SetFloat(f)
	case reflect.Slice:
		if fv.Type().Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("unsupported type %s", fv.Type())
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return err
		}
		fv.SetBytes(b)
	case reflect.Struct:
		if fv.Type() != timestampType {
			return fmt.Errorf("unsupported type %s", fv.Type())
		}
		t, err := ParseTime(s)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(model.Timestamp{Time: t}))
	case reflect.Interface:
		fv.Set(reflect.ValueOf(s))
	default:
		return fmt.Errorf("unsupported type %s", fv.Type())
	}
	return nil
}

// ParseFloat parses a float, accepting NaN, Infinity and -Infinity.
func ParseFloat(s string, bits int) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, bits)
}

// ParseTime parses a timestamp in any of the wire formats: date-time,
// http-date (RFC 1123, RFC 850, ANSI C) or epoch seconds.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := model.ParseTime(s); err == nil {
		return t, nil
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
	}
	return t.UTC(), nil
}

// FormatTime writes t in a Smithy timestamp format: date-time (with
// milliseconds, as AWS writes it), http-date or epoch-seconds.
func FormatTime(t time.Time, format string) string {
	t = t.UTC()
	switch format {
	case "http-date":
		return t.Format(http.TimeFormat)
	case "epoch-seconds":
		ms := t.UnixMilli()
		if ms%1000 == 0 {
			return strconv.FormatInt(ms/1000, 10)
		}
		return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

func tsFormat(tag model.Tag, def string) string {
	if tag.TS != "" {
		return tag.TS
	}
	return def
}

// SplitHeaderList splits the values of a list header: comma-separated
// items, double-quoted where they contain commas or quotes.
func SplitHeaderList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for len(v) > 0 {
			v = strings.TrimLeft(v, " \t")
			if strings.HasPrefix(v, `"`) {
				var b strings.Builder
				i := 1
				for ; i < len(v); i++ {
					c := v[i]
					if c == '\\' && i+1 < len(v) {
						i++
						b.WriteByte(v[i])
						continue
					}
					if c == '"' {
						break
					}
					b.WriteByte(c)
				}
				out = append(out, b.String())
				v = v[min(i+1, len(v)):]
				if j := strings.IndexByte(v, ','); j >= 0 {
					v = v[j+1:]
				} else {
					v = ""
				}
				continue
			}
			item, rest, found := strings.Cut(v, ",")
			out = append(out, strings.TrimSpace(item))
			v = rest
			if !found {
				break
			}
		}
	}
	return out
}

// joinHTTPDates rejoins http-date items split at the comma after the
// weekday ("Mon", " 16 Dec 2019 23:48:18 GMT").
func joinHTTPDates(items []string) []string {
	out := items[:0:0]
	for i := 0; i < len(items); i++ {
		if len(items[i]) == 3 && i+1 < len(items) {
			out = append(out, items[i]+", "+items[i+1])
			i++
			continue
		}
		out = append(out, items[i])
	}
	return out
}

// EncodeBindings writes the header and prefix-header members of out (a
// generated output struct or a pointer to one) into h and returns the
// value of its httpResponseCode member, 0 if unset.
func EncodeBindings(h http.Header, out any) int {
	v := reflect.Indirect(reflect.ValueOf(out))
	if v.Kind() != reflect.Struct {
		return 0
	}
	status := 0
	for _, f := range Fields(v.Type()) {
		fv := v.Field(f.Index)
		switch f.Loc {
		case Status:
			if fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.CanInt() {
				status = int(fv.Int())
			}
		case Header:
			if s, ok := headerValue(fv, tsFormat(f.Tag, "http-date")); ok {
				h.Set(f.Tag.Header, s)
			}
		case PrefixHeaders:
			if fv.Kind() != reflect.Map {
				continue
			}
			iter := fv.MapRange()
			for iter.Next() {
				if s, ok := headerValue(iter.Value(), ""); ok {
					h.Set(f.Tag.Prefix+iter.Key().String(), s)
				}
			}
		}
	}
	return status
}

func headerValue(fv reflect.Value, format string) (string, bool) {
	if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
		if fv.IsNil() {
			return "", false
		}
		items := make([]string, 0, fv.Len())
		for i := 0; i < fv.Len(); i++ {
			s, ok := FormatScalar(fv.Index(i), format)
			if !ok {
				continue
			}
			if fv.Type().Elem() != timestampType && strings.ContainsAny(s, `,"`) {
				s = strconv.Quote(s)
			}
			items = append(items, s)
		}
		return strings.Join(items, ", "), true
	}
	return FormatScalar(fv, format)
}

// FormatScalar renders a scalar member value as a header, query or label
// string; ok is false for nil pointers and non-scalars.
func FormatScalar(fv reflect.Value, format string) (string, bool) {
	for fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface {
		if fv.IsNil() {
			return "", false
		}
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.String:
		return fv.String(), true
	case reflect.Bool:
		return strconv.FormatBool(fv.Bool()), true
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return strconv.FormatInt(fv.Int(), 10), true
	case reflect.Float32, reflect.Float64:
		return FormatFloat(fv.Float(), fv.Type().Bits()), true
	case reflect.Slice:
		if fv.Type().Elem().Kind() == reflect.Uint8 && !fv.IsNil() {
			return base64.StdEncoding.EncodeToString(fv.Bytes()), true
		}
	case reflect.Struct:
		if ts, ok := fv.Interface().(model.Timestamp); ok {
			return FormatTime(ts.Time, format), true
		}
	}
	return "", false
}

// FormatFloat renders a float as Smithy does: NaN, Infinity, -Infinity or
// the shortest decimal.
func FormatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// SetScalar parses s into v: a string, bool, integer, float, blob (base64),
// timestamp (any wire format) or any, or a pointer to one.
func SetScalar(v reflect.Value, s string) error { return setScalar(v, s, "") }

// BodyLayout says where the body of a REST input of type t goes: its
// fields, the index among them of the httpPayload member (-1 if none) and
// whether any member is bound to the body document.
func BodyLayout(t reflect.Type) (fields []Field, payload int, hasBody bool) {
	fields = Fields(t)
	payload = -1
	for i, f := range fields {
		switch f.Loc {
		case Payload:
			payload = i
		case Body:
			hasBody = true
		}
	}
	return fields, payload, hasBody
}

// StreamField returns the streaming payload member of a generated input
// or output struct type (an io.ReadCloser the codecs never read into
// memory), or -1.
func StreamField(t reflect.Type) int {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return -1
	}
	for _, f := range Fields(t) {
		if f.Loc == Payload && f.Tag.Stream {
			return f.Index
		}
	}
	return -1
}

// SetStream hands body to the streaming payload member of in and reports
// whether in has one.
func SetStream(in any, body io.ReadCloser) bool {
	v := reflect.ValueOf(in)
	if in == nil || v.Kind() != reflect.Pointer || v.IsNil() {
		return false
	}
	i := StreamField(v.Type())
	if i < 0 {
		return false
	}
	v.Elem().Field(i).Set(reflect.ValueOf(body))
	return true
}

var readCloserType = reflect.TypeOf((*io.ReadCloser)(nil)).Elem()

// SetRawPayload stores body in a blob or string payload member and reports
// whether fv was one (structures are decoded by the protocol's codec).
func SetRawPayload(fv reflect.Value, body []byte) bool {
	switch {
	case fv.Type() == readCloserType:
		fv.Set(reflect.ValueOf(io.NopCloser(bytes.NewReader(bytes.Clone(body)))))
		return true
	case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
		fv.SetBytes(bytes.Clone(body))
		return true
	case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
		s := string(body)
		fv.Set(reflect.ValueOf(&s).Convert(fv.Type()))
		return true
	}
	return false
}
