package eventbridge

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Target input: InputPath and InputTransformer over the event's JSON.
//
// The event is JSON this package wrote (compact, valid), so paths are
// resolved on the bytes: a value is extracted as the exact text it has in
// the event (key order and number spelling preserved) without decoding the
// whole document.

// seg is one step of a JSON path: an object member or an array index.
type seg struct {
	key   string
	index int
	isIdx bool
}

// jsonPath is a parsed JSONPath of the subset EventBridge takes: $ then
// .name, ['name'] and [N] steps.
type jsonPath []seg

var errPath = errors.New("not a valid JsonPath")

// parsePath parses a JSONPath ("$", "$.detail", "$.detail.items[0]",
// "$['detail-type']").
func parsePath(p string) (jsonPath, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, errPath
	}
	var out jsonPath
	i := 1
	for i < len(p) {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, errPath
			}
			out = append(out, seg{key: p[i+1 : j]})
			i = j
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, errPath
			}
			in := p[i+1 : i+j]
			i += j + 1
			if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
				out = append(out, seg{key: in[1 : len(in)-1]})
				continue
			}
			n, err := strconv.Atoi(in)
			if err != nil || n < 0 {
				return nil, errPath
			}
			out = append(out, seg{index: n, isIdx: true})
		default:
			return nil, errPath
		}
	}
	return out, nil
}

// lookup returns the JSON text of the value at path in doc, or false.
func (p jsonPath) lookup(doc []byte) ([]byte, bool) {
	i := skipWS(doc, 0)
	for _, s := range p {
		if i >= len(doc) {
			return nil, false
		}
		found := false
		switch {
		case !s.isIdx && doc[i] == '{':
			i = skipWS(doc, i+1)
			for i < len(doc) && doc[i] != '}' {
				kEnd, ok := stringEnd(doc, i)
				if !ok {
					return nil, false
				}
				key, ok := unquote(doc[i:kEnd])
				if !ok {
					return nil, false
				}
				i = skipWS(doc, kEnd)
				if i >= len(doc) || doc[i] != ':' {
					return nil, false
				}
				i = skipWS(doc, i+1)
				if key == s.key {
					found = true
					break
				}
				end, ok := valueEnd(doc, i)
				if !ok {
					return nil, false
				}
				i = skipWS(doc, end)
				if i < len(doc) && doc[i] == ',' {
					i = skipWS(doc, i+1)
				}
			}
		case s.isIdx && doc[i] == '[':
			i = skipWS(doc, i+1)
			for n := 0; i < len(doc) && doc[i] != ']'; n++ {
				if n == s.index {
					found = true
					break
				}
				end, ok := valueEnd(doc, i)
				if !ok {
					return nil, false
				}
				i = skipWS(doc, end)
				if i < len(doc) && doc[i] == ',' {
					i = skipWS(doc, i+1)
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	end, ok := valueEnd(doc, i)
	if !ok {
		return nil, false
	}
	return doc[i:end], true
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the JSON string starting at b[i].
func stringEnd(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd returns the index after the JSON value starting at b[i].
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	return j, j > i
}

// unquote decodes a JSON string literal.
func unquote(q []byte) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	body := q[1 : len(q)-1]
	if !strings.ContainsRune(string(body), '\\') {
		return string(body), true
	}
	var sb strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		switch body[i] {
		case '"', '\\', '/':
			sb.WriteByte(body[i])
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			if i+4 >= len(body) {
				return "", false
			}
			n, err := strconv.ParseUint(string(body[i+1:i+5]), 16, 32)
			if err != nil {
				return "", false
			}
			r := rune(n)
			i += 4
			if utf8.ValidRune(r) {
				sb.WriteRune(r)
			} else if lo, ok := lowSurrogate(body, i); r >= 0xD800 && r < 0xDC00 && ok {
				sb.WriteRune((r-0xD800)<<10 + (lo - 0xDC00) + 0x10000)
				i += 6
			} else {
				sb.WriteRune(utf8.RuneError)
			}
		default:
			return "", false
		}
	}
	return sb.String(), true
}

// lowSurrogate reads the \uDC00-\uDFFF escape after body[i], if any.
func lowSurrogate(body []byte, i int) (rune, bool) {
	if i+6 >= len(body) || body[i+1] != '\\' || body[i+2] != 'u' {
		return 0, false
	}
	lo, err := strconv.ParseUint(string(body[i+3:i+7]), 16, 32)
	if err != nil || lo < 0xDC00 || lo > 0xDFFF {
		return 0, false
	}
	return rune(lo), true
}

// appendString appends s as a JSON string literal.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped for the inside of a JSON string.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return b
}

// template is a parsed InputTemplate: literal text and placeholders, each
// placeholder knowing whether it sits inside a JSON string.
type template struct {
	parts []tpart
	json  bool // the template is a JSON object or array
}

type tpart struct {
	text     string
	name     string // placeholder name; "" for text
	inString bool
}

// Predefined placeholders (aws.events.*).
const (
	varRuleARN   = "aws.events.rule-arn"
	varRuleName  = "aws.events.rule-name"
	varIngestion = "aws.events.event.ingestion-time"
	varEvent     = "aws.events.event"
	varEventJSON = "aws.events.event.json"
)

func predefined(name string) bool {
	switch name {
	case varRuleARN, varRuleName, varIngestion, varEvent, varEventJSON:
		return true
	}
	return false
}

// parseTemplate splits an InputTemplate. known reports the names of
// InputPathsMap; any other placeholder (but the predefined ones) is an
// error naming it.
func parseTemplate(src string, known func(string) bool) (*template, string) {
	t := &template{}
	trim := strings.TrimSpace(src)
	t.json = strings.HasPrefix(trim, "{") || strings.HasPrefix(trim, "[")
	inStr := false
	start := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if inStr {
				i++
			}
		case '"':
			inStr = !inStr
		case '<':
			j := strings.IndexByte(src[i+1:], '>')
			if j <= 0 {
				continue
			}
			name := src[i+1 : i+1+j]
			if strings.ContainsAny(name, "<\" \t\n\r") {
				continue
			}
			if !predefined(name) && !known(name) {
				return nil, name
			}
			if start < i {
				t.parts = append(t.parts, tpart{text: src[start:i]})
			}
			t.parts = append(t.parts, tpart{name: name, inString: inStr})
			i += j + 1
			start = i + 1
		}
	}
	if start < len(src) {
		t.parts = append(t.parts, tpart{text: src[start:]})
	}
	return t, ""
}

// render fills the template. value returns a placeholder's JSON text (a
// string, number, object, ...) or false when the event has none.
func (t *template) render(value func(name string) ([]byte, bool)) []byte {
	var b []byte
	for _, p := range t.parts {
		if p.name == "" {
			b = append(b, p.text...)
			continue
		}
		v, ok := value(p.name)
		switch {
		case !ok:
			// A missing value is the empty string.
			if !p.inString && t.json {
				b = append(b, '"', '"')
			}
		case p.inString:
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				b = append(b, v[1:len(v)-1]...) // already escaped for a JSON string
			} else {
				b = append(b, v...)
			}
		case !t.json && len(v) >= 2 && v[0] == '"':
			if s, ok := unquote(v); ok {
				b = append(b, s...)
			} else {
				b = append(b, v...)
			}
		default:
			b = append(b, v...)
		}
	}
	return b
}
