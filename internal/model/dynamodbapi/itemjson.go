package dynamodbapi

import (
	"encoding/base64"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Items are stored and sent as DynamoDB JSON. These functions read and
// write them without reflection: a Query page decodes and encodes
// hundreds of values, and encoding/json spends most of that time in
// reflection and in re-checking what MarshalJSON wrote.

// AppendItem appends the JSON of an item (a map of attribute values, keys
// sorted) to dst.
func AppendItem(dst []byte, item map[string]AttributeValue) []byte {
	return appendMap(dst, item)
}

// DecodeItem parses the JSON of an item as AppendItem (or any JSON encoder)
// writes it.
func DecodeItem(b []byte) (map[string]AttributeValue, error) {
	d := itemDecoder{b: b}
	d.space()
	m, err := d.item(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.b) {
		return nil, d.fail()
	}
	return m, nil
}

// maxDecodeDepth bounds nesting (DynamoDB allows 32 levels).
const maxDecodeDepth = 64

var errItemJSON = errors.New("dynamodbapi: malformed item JSON")

type itemDecoder struct {
	b []byte
	i int
}

func (d *itemDecoder) fail() error {
	return errors.New(errItemJSON.Error() + " at offset " + strconv.Itoa(d.i))
}

func (d *itemDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *itemDecoder) consume(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// item reads {"name": value, ...}.
func (d *itemDecoder) item(depth int) (map[string]AttributeValue, error) {
	if depth > maxDecodeDepth {
		return nil, d.fail()
	}
	if !d.consume('{') {
		return nil, d.fail()
	}
	m := map[string]AttributeValue{}
	if d.consume('}') {
		return m, nil
	}
	for {
		d.space()
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		if !d.consume(':') {
			return nil, d.fail()
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		if d.consume(',') {
			continue
		}
		if d.consume('}') {
			return m, nil
		}
		return nil, d.fail()
	}
}

// value reads {"S": "x"} and the other members.
func (d *itemDecoder) value(depth int) (AttributeValue, error) {
	var v AttributeValue
	if depth > maxDecodeDepth || !d.consume('{') {
		return v, d.fail()
	}
	if d.consume('}') {
		return v, nil
	}
	for {
		d.space()
		name, err := d.str()
		if err != nil {
			return v, err
		}
		if !d.consume(':') {
			return v, d.fail()
		}
		d.space()
		switch name {
		case "S":
			s, err := d.str()
			if err != nil {
				return v, err
			}
			v.S = &s
		case "N":
			s, err := d.str()
			if err != nil {
				return v, err
			}
			v.N = &s
		case "B":
			if v.B, err = d.bin(); err != nil {
				return v, err
			}
		case "BOOL":
			b, err := d.boolean()
			if err != nil {
				return v, err
			}
			v.BOOL = &b
		case "NULL":
			b, err := d.boolean()
			if err != nil {
				return v, err
			}
			v.NULL = &b
		case "SS", "NS":
			ss := []string{}
			if err := d.list(func() error {
				s, err := d.str()
				ss = append(ss, s)
				return err
			}); err != nil {
				return v, err
			}
			if name == "SS" {
				v.SS = ss
			} else {
				v.NS = ss
			}
		case "BS":
			bs := [][]byte{}
			if err := d.list(func() error {
				b, err := d.bin()
				bs = append(bs, b)
				return err
			}); err != nil {
				return v, err
			}
			v.BS = bs
		case "L":
			l := []AttributeValue{}
			if err := d.list(func() error {
				e, err := d.value(depth + 1)
				l = append(l, e)
				return err
			}); err != nil {
				return v, err
			}
			v.L = l
		case "M":
			if v.M, err = d.item(depth + 1); err != nil {
				return v, err
			}
		default:
			return v, d.fail()
		}
		if d.consume(',') {
			continue
		}
		if d.consume('}') {
			return v, nil
		}
		return v, d.fail()
	}
}

// list reads [e, ...] calling elem for each element.
func (d *itemDecoder) list(elem func() error) error {
	if !d.consume('[') {
		return d.fail()
	}
	if d.consume(']') {
		return nil
	}
	for {
		d.space()
		if err := elem(); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume(']') {
			return nil
		}
		return d.fail()
	}
}

func (d *itemDecoder) boolean() (bool, error) {
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		return true, nil
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		return false, nil
	}
	return false, d.fail()
}

func (d *itemDecoder) bin() ([]byte, error) {
	s, err := d.str()
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, d.fail()
	}
	return b, nil
}

// str reads a JSON string.
func (d *itemDecoder) str() (string, error) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return "", d.fail()
	}
	d.i++
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == '"' {
			s := string(d.b[start:d.i])
			d.i++
			return s, nil
		}
		if c == '\\' {
			return d.escaped(start)
		}
		if c < 0x20 {
			return "", d.fail()
		}
		if c >= utf8.RuneSelf {
			// Invalid UTF-8 becomes U+FFFD, as encoding/json decodes it.
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				return d.escaped(start)
			}
			d.i += size
			continue
		}
		d.i++
	}
	return "", d.fail()
}

// escaped finishes a string that has escapes, from its start.
func (d *itemDecoder) escaped(start int) (string, error) {
	out := append([]byte{}, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return "", d.fail()
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.b[d.i:])
			out = utf8.AppendRune(out, r)
			d.i += size
			continue
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", d.fail()
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail()
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					var ok2 bool
					if r2, ok2 = d.hex4(); !ok2 {
						return "", d.fail()
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						d.i = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", d.fail()
		}
	}
	return "", d.fail()
}

func (d *itemDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}
