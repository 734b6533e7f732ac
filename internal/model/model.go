// Package model holds the runtime description of AWS services that the
// generated packages under internal/model/*api fill in from the official
// Smithy models: operation tables, error tables, timestamps and the
// constraint validator the generated Validate methods report into.
//
// Generated struct fields carry two tags. `json` is the awsJson/restJson
// member name. `aws` is the wire description for the XML and query codecs:
// the first element is the serialized name (xmlName or member name), then
// options: flat (xmlFlattened), member=NAME (list member name), key=NAME and
// value=NAME (map entry names), ts=FORMAT (timestampFormat), header=NAME,
// query=NAME, label, payload, prefix=NAME (httpPrefixHeaders), queryparams,
// status (httpResponseCode), xmlattr.
package model

//go:generate go run ./gen -models ../../../shared/aws-models -out . sqs sts lambda s3 apigatewaymanagementapi logs dynamodb dynamodbstreams sns eventbridge scheduler apigatewayv2

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Protocol is an AWS wire protocol family.
type Protocol int

// The protocol families.
const (
	AwsJSON10 Protocol = iota
	AwsJSON11
	AwsQuery
	RestXML
	RestJSON1
	EC2Query
)

func (p Protocol) String() string {
	switch p {
	case AwsJSON10:
		return "awsJson1_0"
	case AwsJSON11:
		return "awsJson1_1"
	case AwsQuery:
		return "awsQuery"
	case RestXML:
		return "restXml"
	case RestJSON1:
		return "restJson1"
	}
	return "ec2Query"
}

// Service describes one AWS service as its Smithy model does.
type Service struct {
	Name            string // short name: sqs, sts, ...
	ShapeName       string // the service shape name; the awsJson X-Amz-Target prefix
	Protocol        Protocol
	QueryCompatible bool // awsQueryCompatible: JSON errors carry x-amzn-query-error
	SigningName     string
	EndpointPrefix  string
	Version         string
	XMLNamespace    string
	Operations      map[string]*Operation
	Errors          map[string]*ErrorInfo // by shape name
}

// Operation is one API operation.
type Operation struct {
	Name       string
	Method     string // HTTP binding (rest protocols)
	URI        string
	Code       int // success status (rest protocols)
	NewInput   func() any
	NewOutput  func() any
	Errors     []string
	HTTPStatus int
}

// ErrorInfo describes one modelled error shape.
type ErrorInfo struct {
	Name       string // shape name, e.g. QueueDoesNotExist
	QueryCode  string // awsQueryError code, e.g. AWS.SimpleQueueService.NonExistentQueue
	HTTPStatus int
	Sender     bool // client fault
}

// Timestamp is a point in time that serializes per protocol: epoch seconds
// in JSON, ISO 8601 in XML and query output.
type Timestamp struct{ time.Time }

// MarshalJSON writes epoch seconds with millisecond precision.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return []byte(strconv.FormatInt(ms/1000, 10)), nil
	}
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)), nil
}

// UnmarshalJSON accepts epoch seconds (number) or an ISO 8601 string.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseTime(s)
		if err != nil {
			return err
		}
		t.Time = v
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	sec := int64(f)
	t.Time = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	return nil
}

// ParseTime parses the timestamp forms AWS clients send.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", time.RFC1123, "20060102T150405Z"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}

// Violation is one failed model constraint.
type Violation struct {
	Path   string // member path, e.g. Entries.1.Id
	Member string // last member name
	Kind   string // required, enum, length, range, pattern
	Detail string // the constraint as text
	Value  string // the offending value, when scalar
}

// Validator collects constraint violations while generated Validate
// methods walk an input.
type Validator struct {
	path       []string
	Violations []Violation
}

// Push enters a member.
func (v *Validator) Push(name string) { v.path = append(v.path, name) }

// Pop leaves a member.
func (v *Validator) Pop() { v.path = v.path[:len(v.path)-1] }

func (v *Validator) add(member, kind, detail, value string) {
	p := strings.Join(append(append([]string(nil), v.path...), member), ".")
	v.Violations = append(v.Violations, Violation{Path: p, Member: member, Kind: kind, Detail: detail, Value: value})
}

// Required records a missing required member.
func (v *Validator) Required(member string) { v.add(member, "required", "", "") }

// Enum checks s against the allowed values.
func (v *Validator) Enum(member, s string, allowed []string) {
	for _, a := range allowed {
		if a == s {
			return
		}
	}
	v.add(member, "enum", "["+strings.Join(allowed, ", ")+"]", s)
}

// Length checks a length against optional bounds (-1 = none).
func (v *Validator) Length(member string, n, min, max int64, value string) {
	switch {
	case min >= 0 && n < min:
		v.add(member, "length", bounds(min, -1), value)
	case max >= 0 && n > max:
		v.add(member, "length", bounds(-1, max), value)
	}
}

// Range checks a number against optional bounds.
func (v *Validator) Range(member string, n float64, min, max *float64) {
	// The violation names the bound that was crossed, as AWS's message does.
	switch {
	case min != nil && n < *min:
		v.add(member, "range", bounds(int64(*min), -1), strconv.FormatFloat(n, 'f', -1, 64))
	case max != nil && n > *max:
		v.add(member, "range", bounds(-1, int64(*max)), strconv.FormatFloat(n, 'f', -1, 64))
	}
}

// Pattern records a value that does not match its pattern.
func (v *Validator) Pattern(member, s, pattern string, ok bool) {
	if !ok {
		v.add(member, "pattern", pattern, s)
	}
}

func bounds(min, max int64) string {
	switch {
	case min >= 0 && max >= 0:
		return fmt.Sprintf("%d..%d", min, max)
	case min >= 0:
		return fmt.Sprintf(">= %d", min)
	default:
		return fmt.Sprintf("<= %d", max)
	}
}

// Validatable is implemented by every generated structure.
type Validatable interface {
	Validate(v *Validator)
}

// F64 returns a pointer to f, for generated range bounds.
func F64(f float64) *float64 { return &f }

// Tag is the parsed `aws` struct tag of a generated field.
type Tag struct {
	Name        string
	Flat        bool
	XMLAttr     bool
	Member      string // list member name ("" = default)
	Key, Value  string // map entry names ("" = default)
	TS          string // timestamp format
	Header      string
	Query       string
	Label       bool
	Payload     bool
	Stream      bool // a streaming payload (io.ReadCloser), never held in memory
	Prefix      string
	HasPrefix   bool
	QueryParams bool
	Status      bool
}

// ParseTag parses an `aws` struct tag.
func ParseTag(s string) Tag {
	parts := strings.Split(s, ",")
	t := Tag{Name: parts[0]}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "flat":
			t.Flat = true
		case "xmlattr":
			t.XMLAttr = true
		case "member":
			t.Member = v
		case "key":
			t.Key = v
		case "value":
			t.Value = v
		case "ts":
			t.TS = v
		case "header":
			t.Header = v
		case "query":
			t.Query = v
		case "label":
			t.Label = true
		case "payload":
			t.Payload = true
		case "stream":
			t.Stream = true
		case "prefix":
			t.Prefix, t.HasPrefix = v, true
		case "queryparams":
			t.QueryParams = true
		case "status":
			t.Status = true
		}
	}
	return t
}
