package pattern

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// errSyntax is returned by the lexer for any malformed JSON; callers turn it
// into the dialect's "not valid JSON" reason.
var errSyntax = errors.New("invalid JSON")

// lexer reads JSON held in a string, so strings without escapes come back as
// substrings of the source instead of copies.
type lexer struct {
	s   string
	pos int
}

func (l *lexer) skipWS() {
	for l.pos < len(l.s) {
		switch l.s[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// readString reads a string whose opening quote is at l.pos.
func (l *lexer) readString() (string, error) {
	start := l.pos + 1
	for i := start; i < len(l.s); i++ {
		switch c := l.s[i]; {
		case c == '"':
			l.pos = i + 1
			return l.s[start:i], nil
		case c == '\\':
			return l.readEscaped(start, i)
		case c < 0x20:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

// readEscaped finishes a string that contains escapes; plain is the index of
// the first backslash.
func (l *lexer) readEscaped(start, plain int) (string, error) {
	b := make([]byte, 0, plain-start+16)
	b = append(b, l.s[start:plain]...)
	for i := plain; i < len(l.s); {
		c := l.s[i]
		switch {
		case c == '"':
			l.pos = i + 1
			return string(b), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		i++
		if i >= len(l.s) {
			return "", errSyntax
		}
		switch l.s[i] {
		case '"', '\\', '/':
			b = append(b, l.s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(l.s, i+1)
			if !ok {
				return "", errSyntax
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if i+6 < len(l.s) && l.s[i+1] == '\\' && l.s[i+2] == 'u' {
					r2, ok2 = hex4(l.s, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", errSyntax
		}
		i++
	}
	return "", errSyntax
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// readNumber reads a number literal per the JSON grammar and returns its text.
func (l *lexer) readNumber() (string, error) {
	s, i := l.s, l.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return "", errSyntax
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return "", errSyntax
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return "", errSyntax
		}
	}
	lit := s[l.pos:i]
	l.pos = i
	return lit, nil
}

// readWord consumes the literal w (true, false, null) at l.pos.
func (l *lexer) readWord(w string) bool {
	if len(l.s)-l.pos >= len(w) && l.s[l.pos:l.pos+len(w)] == w {
		l.pos += len(w)
		return true
	}
	return false
}

// tok is a token of the pull parser, mirroring Jackson's JsonToken, which
// event-ruler's compiler is written against.
type tok uint8

const (
	tokEOF tok = iota
	tokStartObject
	tokEndObject
	tokStartArray
	tokEndArray
	tokField
	tokString
	tokNumber
	tokTrue
	tokFalse
	tokNull
)

const (
	stValue = iota
	stFirstInArray
	stFirstInObject
	stField
	stAfterValue
	stDone
)

// maxPatternDepth mirrors Jackson's default maximum nesting depth.
const maxPatternDepth = 1000

// puller is a streaming JSON tokenizer: the compiler reports the first
// problem in document order, as event-ruler does.
type puller struct {
	lx      lexer
	stack   []byte
	state   int
	started bool
	text    string // field name, decoded string or number literal
}

func newPuller(src string) *puller { return &puller{lx: lexer{s: src}} }

func (p *puller) next() (tok, error) {
	l := &p.lx
	for {
		switch p.state {
		case stDone:
			return tokEOF, nil
		case stAfterValue:
			if len(p.stack) == 0 {
				p.state = stDone
				return tokEOF, nil
			}
			l.skipWS()
			if l.pos >= len(l.s) {
				return 0, errSyntax
			}
			top := p.stack[len(p.stack)-1]
			switch c := l.s[l.pos]; {
			case c == ',':
				l.pos++
				if top == '{' {
					p.state = stField
				} else {
					p.state = stValue
				}
				continue
			case c == '}' && top == '{':
				l.pos++
				p.stack = p.stack[:len(p.stack)-1]
				return tokEndObject, nil
			case c == ']' && top == '[':
				l.pos++
				p.stack = p.stack[:len(p.stack)-1]
				return tokEndArray, nil
			}
			return 0, errSyntax
		case stFirstInObject:
			l.skipWS()
			if l.pos < len(l.s) && l.s[l.pos] == '}' {
				l.pos++
				p.stack = p.stack[:len(p.stack)-1]
				p.state = stAfterValue
				return tokEndObject, nil
			}
			p.state = stField
			continue
		case stField:
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != '"' {
				return 0, errSyntax
			}
			s, err := l.readString()
			if err != nil {
				return 0, err
			}
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != ':' {
				return 0, errSyntax
			}
			l.pos++
			p.text = s
			p.state = stValue
			return tokField, nil
		case stFirstInArray:
			l.skipWS()
			if l.pos < len(l.s) && l.s[l.pos] == ']' {
				l.pos++
				p.stack = p.stack[:len(p.stack)-1]
				p.state = stAfterValue
				return tokEndArray, nil
			}
			p.state = stValue
			continue
		}
		// stValue
		l.skipWS()
		if l.pos >= len(l.s) {
			if !p.started {
				// An empty document: Jackson yields no token at all.
				p.state = stDone
				return tokEOF, nil
			}
			return 0, errSyntax
		}
		p.started = true
		switch c := l.s[l.pos]; {
		case c == '{' || c == '[':
			if len(p.stack) >= maxPatternDepth {
				return 0, errSyntax
			}
			l.pos++
			p.stack = append(p.stack, c)
			if c == '{' {
				p.state = stFirstInObject
				return tokStartObject, nil
			}
			p.state = stFirstInArray
			return tokStartArray, nil
		case c == '"':
			s, err := l.readString()
			if err != nil {
				return 0, err
			}
			p.text = s
			p.state = stAfterValue
			return tokString, nil
		case c == '-' || (c >= '0' && c <= '9'):
			s, err := l.readNumber()
			if err != nil {
				return 0, err
			}
			p.text = s
			p.state = stAfterValue
			return tokNumber, nil
		case l.readWord("true"):
			p.text = "true"
			p.state = stAfterValue
			return tokTrue, nil
		case l.readWord("false"):
			p.text = "false"
			p.state = stAfterValue
			return tokFalse, nil
		case l.readWord("null"):
			p.text = "null"
			p.state = stAfterValue
			return tokNull, nil
		}
		return 0, errSyntax
	}
}

// trailing reports whether anything but whitespace follows the document.
func (p *puller) trailing() bool {
	p.lx.skipWS()
	return p.lx.pos < len(p.lx.s)
}

// tokenText is Jackson's getText() for t, used in a few error messages.
func (p *puller) tokenText(t tok) string {
	switch t {
	case tokStartObject:
		return "{"
	case tokEndObject:
		return "}"
	case tokStartArray:
		return "["
	case tokEndArray:
		return "]"
	case tokEOF:
		return "null"
	}
	return p.text
}
