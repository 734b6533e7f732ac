package dynamodbapi

import (
	"encoding/base64"
	"slices"
	"unicode/utf8"
)

// MarshalJSON writes exactly the members that are set (non-nil), in field
// order. The generated omitempty tags would drop an empty L or M ({"L":[]}
// would go out as {}), and an empty B, which DynamoDB allows; clients then
// fail to read the value. It writes bytes directly: it runs on every value of
// every item in every response.
func (v AttributeValue) MarshalJSON() ([]byte, error) {
	return v.AppendJSON(make([]byte, 0, 64)), nil
}

// AppendJSON appends the JSON of v to dst, byte for byte what MarshalJSON
// and encoding/json give (HTML-safe escaping, sorted map keys).
func (v *AttributeValue) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	comma := false
	member := func(name string) {
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
	}
	if v.B != nil {
		member("B")
		dst = appendBase64(dst, v.B)
	}
	if v.BOOL != nil {
		member("BOOL")
		dst = appendBool(dst, *v.BOOL)
	}
	if v.BS != nil {
		member("BS")
		dst = append(dst, '[')
		for i, b := range v.BS {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendBase64(dst, b)
		}
		dst = append(dst, ']')
	}
	if v.L != nil {
		member("L")
		dst = append(dst, '[')
		for i := range v.L {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = v.L[i].AppendJSON(dst)
		}
		dst = append(dst, ']')
	}
	if v.M != nil {
		member("M")
		dst = appendMap(dst, v.M)
	}
	if v.N != nil {
		member("N")
		dst = appendJSONString(dst, *v.N)
	}
	if v.NS != nil {
		member("NS")
		dst = appendStrings(dst, v.NS)
	}
	if v.NULL != nil {
		member("NULL")
		dst = appendBool(dst, *v.NULL)
	}
	if v.S != nil {
		member("S")
		dst = appendJSONString(dst, *v.S)
	}
	if v.SS != nil {
		member("SS")
		dst = appendStrings(dst, v.SS)
	}
	return append(dst, '}')
}

func appendMap(dst []byte, m map[string]AttributeValue) []byte {
	dst = append(dst, '{')
	switch len(m) {
	case 0:
	case 1:
		for k, e := range m {
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = e.AppendJSON(dst)
		}
	default:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			e := m[k]
			dst = e.AppendJSON(dst)
		}
	}
	return append(dst, '}')
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func appendBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes encoding/json writes unescaped when it
// escapes HTML (its htmlSafeSet): printable, not '"', '\\', '<', '>', '&'.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		switch c {
		case '"', '\\', '<', '>', '&':
		default:
			t[c] = true
		}
	}
	return t
}()

// appendJSONString quotes s exactly as encoding/json does: short escapes for
// \" \\ \b \f \n \r \t, \u00XX for other controls and <, >, &, \ufffd for
// invalid UTF-8, and \u2028, \u2029.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
