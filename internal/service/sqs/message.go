package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/sqsapi"
)

// Message attribute transport types of the MD5 digest format.
const (
	transportString     = 1
	transportBinary     = 2
	transportStringList = 3
	transportBinaryList = 4
)

const maxMessageAttributes = 10

// md5Hex returns the hex MD5 digest of b.
func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func md5HexString(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// validBody reports whether s holds only the characters SQS accepts:
// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
func validBody(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n
	}
	return true
}

// appendLenBytes appends a 4-byte big-endian length and b.
func appendLenBytes(dst []byte, b []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

func appendLenString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// encodedAttr is one attribute of an encoded attribute blob.
type encodedAttr struct {
	name, dataType string
	transport      byte
	value          []byte
	raw            []byte // the whole encoded entry, as hashed
}

// appendAttr encodes one attribute in the digest format: name, data type,
// transport type and value, lengths as 4-byte big-endian integers.
func appendAttr(dst []byte, name, dataType string, transport byte, value []byte) []byte {
	dst = appendLenString(dst, name)
	dst = appendLenString(dst, dataType)
	dst = append(dst, transport)
	return appendLenBytes(dst, value)
}

// decodeAttrs parses a blob made by encodeMessageAttributes.
func decodeAttrs(blob []byte) ([]encodedAttr, error) {
	var out []encodedAttr
	bad := errors.New("sqs: corrupt message attributes")
	readLen := func(b []byte) ([]byte, []byte, bool) {
		if len(b) < 4 {
			return nil, nil, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(len(b)-4) < uint64(n) {
			return nil, nil, false
		}
		return b[4 : 4+n], b[4+n:], true
	}
	for rest := blob; len(rest) > 0; {
		start := rest
		name, r, ok := readLen(rest)
		if !ok {
			return nil, bad
		}
		dt, r, ok := readLen(r)
		if !ok || len(r) < 1 {
			return nil, bad
		}
		tr := r[0]
		val, r, ok := readLen(r[1:])
		if !ok {
			return nil, bad
		}
		out = append(out, encodedAttr{name: string(name), dataType: string(dt), transport: tr, value: val, raw: start[:len(start)-len(r)]})
		rest = r
	}
	return out, nil
}

// encodeMessageAttributes validates the user attributes of a message and
// returns them encoded in the digest format (sorted by name), and their
// size as SQS counts it toward the message size (name, type and value).
func encodeMessageAttributes(attrs map[string]sqsapi.MessageAttributeValue) ([]byte, int, error) {
	if len(attrs) == 0 {
		return nil, 0, nil
	}
	if len(attrs) > maxMessageAttributes {
		return nil, 0, invalidParam("Number of message attributes [%d] exceeds the allowed maximum [%d].", len(attrs), maxMessageAttributes)
	}
	var blob []byte
	size := 0
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[name]
		if err := validAttrName(name); err != nil {
			return nil, 0, err
		}
		dt := ""
		if v.DataType != nil {
			dt = *v.DataType
		}
		if dt == "" {
			return nil, 0, invalidParam("The message (user) attribute '%s' must contain a non-empty message attribute type.", name)
		}
		if len(dt) > 256 {
			return nil, 0, invalidParam("Message (user) attribute type must be shorter than 256 bytes.")
		}
		if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
			return nil, 0, invalidParam("Message attribute list values in SendMessage operation are not supported.")
		}
		base, _, _ := strings.Cut(dt, ".")
		if base != "String" && base != "Number" && base != "Binary" {
			return nil, 0, invalidParam("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		if v.StringValue == nil && v.BinaryValue == nil {
			return nil, 0, invalidParam("The message (user) attribute '%s' must contain a non-empty message attribute value.", name)
		}
		var val []byte
		tr := byte(transportString)
		switch base {
		case "String", "Number":
			if v.StringValue == nil || *v.StringValue == "" {
				return nil, 0, invalidParam("Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
			}
			s := *v.StringValue
			if !validBody(s) {
				return nil, 0, invalidParam("Message (user) attribute '%s' contains invalid characters. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF", name)
			}
			if base == "Number" && !validNumber(s) {
				return nil, 0, invalidParam("Can't cast the value of message (user) attribute '%s' to a number.", name)
			}
			val = []byte(s)
		case "Binary":
			if len(v.BinaryValue) == 0 {
				return nil, 0, invalidParam("Message (user) attribute '%s' must contain a non-empty value of type 'Binary'.", name)
			}
			val = v.BinaryValue
			tr = transportBinary
		}
		blob = appendAttr(blob, name, dt, tr, val)
		size += len(name) + len(dt) + len(val)
	}
	return blob, size, nil
}

// validAttrName checks a message attribute name.
func validAttrName(name string) error {
	if name == "" {
		return invalidParam("The request must contain non-empty message (user) attribute names.")
	}
	if len(name) > 256 {
		return invalidParam("Message (user) attribute name must be shorter than 256 bytes.")
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
		return invalidParam("You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return invalidParam("Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores.")
		}
	}
	if name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, "..") {
		return invalidParam("Message (user) attribute name '%s' is invalid. Attribute names can't start or end with a period (.), or have successive periods (..).", name)
	}
	return nil
}

// validNumber reports whether s is a decimal number as SQS accepts for
// Number attributes (optional sign, digits, fraction, exponent).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// systemAttrs is the validated MessageSystemAttributes of a send.
type systemAttrs struct {
	traceHeader string
	md5         string // MD5OfMessageSystemAttributes, "" when none
}

func parseSystemAttributes(in map[string]sqsapi.MessageSystemAttributeValue) (systemAttrs, error) {
	var out systemAttrs
	if len(in) == 0 {
		return out, nil
	}
	var blob []byte
	for _, name := range slices.Sorted(maps.Keys(in)) {
		v := in[name]
		if name != "AWSTraceHeader" {
			return out, invalidParam("Message system attribute name '%s' is invalid.", name)
		}
		dt := ""
		if v.DataType != nil {
			dt = *v.DataType
		}
		if dt != "String" {
			return out, invalidParam("Message system attribute '%s' has an invalid type '%s'. The only supported type is String.", name, dt)
		}
		if v.StringValue == nil || *v.StringValue == "" {
			return out, invalidParam("Message system attribute '%s' must contain a non-empty value of type 'String'.", name)
		}
		out.traceHeader = *v.StringValue
		blob = appendAttr(blob, name, dt, transportString, []byte(out.traceHeader))
	}
	out.md5 = md5Hex(blob)
	return out, nil
}

// attrFilter selects message attributes by the MessageAttributeNames of a
// receive: All or .* select every attribute, "prefix.*" those with the
// prefix, other names exactly.
type attrFilter struct {
	all      bool
	exact    map[string]bool
	prefixes []string
}

func newAttrFilter(names []string) attrFilter {
	var f attrFilter
	for _, n := range names {
		switch {
		case n == "All" || n == ".*":
			f.all = true
		case strings.HasSuffix(n, ".*"):
			f.prefixes = append(f.prefixes, strings.TrimSuffix(n, "*"))
		default:
			if f.exact == nil {
				f.exact = map[string]bool{}
			}
			f.exact[n] = true
		}
	}
	return f
}

func (f attrFilter) none() bool { return !f.all && len(f.exact) == 0 && len(f.prefixes) == 0 }

func (f attrFilter) match(name string) bool {
	if f.all || f.exact[name] {
		return true
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// selectAttrs returns the attributes of blob that f selects, as API values,
// and the MD5 of the selection.
func selectAttrs(blob []byte, f attrFilter) (map[string]sqsapi.MessageAttributeValue, string, error) {
	if len(blob) == 0 || f.none() {
		return nil, "", nil
	}
	if f.all {
		attrs, err := decodeAttrs(blob)
		if err != nil {
			return nil, "", err
		}
		return attrValues(attrs), md5Hex(blob), nil
	}
	attrs, err := decodeAttrs(blob)
	if err != nil {
		return nil, "", err
	}
	var sel []encodedAttr
	var digest []byte
	for _, a := range attrs {
		if f.match(a.name) {
			sel = append(sel, a)
			digest = append(digest, a.raw...)
		}
	}
	if len(sel) == 0 {
		return nil, "", nil
	}
	return attrValues(sel), md5Hex(digest), nil
}

func attrValues(attrs []encodedAttr) map[string]sqsapi.MessageAttributeValue {
	out := make(map[string]sqsapi.MessageAttributeValue, len(attrs))
	for _, a := range attrs {
		dt := a.dataType
		v := sqsapi.MessageAttributeValue{DataType: &dt}
		switch a.transport {
		case transportBinary:
			v.BinaryValue = a.value
		default:
			s := string(a.value)
			v.StringValue = &s
		}
		out[a.name] = v
	}
	return out
}

// validFifoID checks a MessageGroupId or MessageDeduplicationId: 1 to 128
// alphanumeric and punctuation characters.
func validFifoID(param, v string) error {
	ok := len(v) >= 1 && len(v) <= 128
	for i := 0; ok && i < len(v); i++ {
		c := v[i]
		ok = c > 0x20 && c < 0x7f
	}
	if !ok {
		return invalidParam("Value %s for parameter %s is invalid. Reason: %s can only include alphanumeric and punctuation characters. 1 to 128 in length.", v, param, param)
	}
	return nil
}
