package pattern

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
)

type kind uint8

const (
	kNull kind = iota
	kFalse
	kTrue
	kNumber
	kString
	kObject
	kArray
)

const (
	flNumOK  uint8 = 1 << iota // a number inside the comparable range
	flDotted                   // an object with a key containing '.'
)

// maxNumber bounds the numbers numeric operators compare (event-ruler's
// ComparableNumber range, documented by EventBridge).
const maxNumber = 5e9

// maxEventDepth bounds event nesting, as encoding/json does.
const maxEventDepth = 10000

// enode is one JSON value of an event. Containers refer to their children
// by index into Event.nodes, so a whole event lives in two slices.
type enode struct {
	key   string  // the member name when the parent is an object
	s     string  // string value, or the literal text of a number
	f     float64 // number value
	first int32   // containers: index of the first child in Event.nodes
	n     int32   // containers: number of children
	hash  uint32  // keyHash(key) when the parent is an object
	kind  kind
	flags uint8
}

// Event is an event decoded once for matching against many patterns
// (EventBridge matches each event against every rule on the bus). An Event
// is immutable and safe for concurrent use by MatchEvent.
type Event struct {
	root  enode
	nodes []enode

	// scratch for building
	stack []enode
}

func (e *Event) reset() {
	clear(e.nodes)
	e.nodes = e.nodes[:0]
	e.root = enode{}
}

// ParseEvent decodes an event for MatchEvent. It fails only for invalid JSON.
func ParseEvent(data []byte) (*Event, error) {
	e := &Event{nodes: make([]enode, 0, len(data)/32+4)}
	if err := e.parse(string(data)); err != nil {
		return nil, errInvalidEvent
	}
	e.stack = nil
	return e, nil
}

func (e *Event) parse(src string) error {
	l := &lexer{s: src}
	v, err := e.parseValue(l, 0)
	if err != nil {
		return err
	}
	l.skipWS()
	if l.pos != len(l.s) {
		return errSyntax
	}
	e.root = v
	return nil
}

func numberNode(lit string) enode {
	n := enode{kind: kNumber, s: lit}
	if f, err := strconv.ParseFloat(lit, 64); err == nil {
		n.f = f
		if f >= -maxNumber && f <= maxNumber {
			n.flags = flNumOK
		}
	}
	return n
}

func (e *Event) parseValue(l *lexer, depth int) (enode, error) {
	l.skipWS()
	if l.pos >= len(l.s) {
		return enode{}, errSyntax
	}
	switch c := l.s[l.pos]; {
	case c == '{':
		if depth >= maxEventDepth {
			return enode{}, errSyntax
		}
		l.pos++
		base := len(e.stack)
		var flags uint8
		l.skipWS()
		if l.pos < len(l.s) && l.s[l.pos] == '}' {
			l.pos++
			return enode{kind: kObject, first: int32(len(e.nodes))}, nil
		}
		for {
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != '"' {
				return enode{}, errSyntax
			}
			k, err := l.readString()
			if err != nil {
				return enode{}, err
			}
			if strings.IndexByte(k, '.') >= 0 {
				flags |= flDotted
			}
			l.skipWS()
			if l.pos >= len(l.s) || l.s[l.pos] != ':' {
				return enode{}, errSyntax
			}
			l.pos++
			v, err := e.parseValue(l, depth+1)
			if err != nil {
				return enode{}, err
			}
			v.key, v.hash = k, keyHash(k)
			e.stack = append(e.stack, v)
			l.skipWS()
			if l.pos >= len(l.s) {
				return enode{}, errSyntax
			}
			if l.s[l.pos] == ',' {
				l.pos++
				continue
			}
			if l.s[l.pos] != '}' {
				return enode{}, errSyntax
			}
			l.pos++
			break
		}
		return e.flush(base, kObject, flags), nil
	case c == '[':
		if depth >= maxEventDepth {
			return enode{}, errSyntax
		}
		l.pos++
		base := len(e.stack)
		l.skipWS()
		if l.pos < len(l.s) && l.s[l.pos] == ']' {
			l.pos++
			return enode{kind: kArray, first: int32(len(e.nodes))}, nil
		}
		for {
			v, err := e.parseValue(l, depth+1)
			if err != nil {
				return enode{}, err
			}
			e.stack = append(e.stack, v)
			l.skipWS()
			if l.pos >= len(l.s) {
				return enode{}, errSyntax
			}
			if l.s[l.pos] == ',' {
				l.pos++
				continue
			}
			if l.s[l.pos] != ']' {
				return enode{}, errSyntax
			}
			l.pos++
			break
		}
		return e.flush(base, kArray, 0), nil
	case c == '"':
		s, err := l.readString()
		if err != nil {
			return enode{}, err
		}
		return enode{kind: kString, s: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		lit, err := l.readNumber()
		if err != nil {
			return enode{}, err
		}
		return numberNode(lit), nil
	case l.readWord("true"):
		return enode{kind: kTrue}, nil
	case l.readWord("false"):
		return enode{kind: kFalse}, nil
	case l.readWord("null"):
		return enode{kind: kNull}, nil
	}
	return enode{}, errSyntax
}

// flush moves the children collected since base into nodes, contiguously.
func (e *Event) flush(base int, kd kind, flags uint8) enode {
	first := len(e.nodes)
	e.nodes = append(e.nodes, e.stack[base:]...)
	clear(e.stack[base:])
	e.stack = e.stack[:base]
	return enode{kind: kd, flags: flags, first: int32(first), n: int32(len(e.nodes) - first)}
}

var eventPool = sync.Pool{New: func() any { return &Event{} }}

// EventOf builds an Event from an already-decoded JSON value: map[string]any,
// []any, json.Number, string, bool and nil as produced by a json.Decoder with
// UseNumber; float64 and the integer types are accepted as numbers. Values of
// any other type are treated as null.
func EventOf(v any) *Event {
	e := &Event{}
	e.root = e.convert(v, 0)
	e.stack = nil
	return e
}

func (e *Event) convert(v any, depth int) enode {
	if depth >= maxEventDepth {
		return enode{kind: kNull}
	}
	switch x := v.(type) {
	case map[string]any:
		base := len(e.stack)
		var flags uint8
		for k, c := range x {
			if strings.IndexByte(k, '.') >= 0 {
				flags |= flDotted
			}
			n := e.convert(c, depth+1)
			n.key, n.hash = k, keyHash(k)
			e.stack = append(e.stack, n)
		}
		return e.flush(base, kObject, flags)
	case []any:
		base := len(e.stack)
		for _, c := range x {
			e.stack = append(e.stack, e.convert(c, depth+1))
		}
		return e.flush(base, kArray, 0)
	case string:
		return enode{kind: kString, s: x}
	case json.Number:
		return numberNode(string(x))
	case bool:
		if x {
			return enode{kind: kTrue}
		}
		return enode{kind: kFalse}
	case float64:
		return floatNode(x)
	case float32:
		return floatNode(float64(x))
	case int:
		return numberNode(strconv.FormatInt(int64(x), 10))
	case int64:
		return numberNode(strconv.FormatInt(x, 10))
	case int32:
		return numberNode(strconv.FormatInt(int64(x), 10))
	case uint64:
		return numberNode(strconv.FormatUint(x, 10))
	case uint:
		return numberNode(strconv.FormatUint(uint64(x), 10))
	}
	return enode{kind: kNull}
}

func floatNode(f float64) enode {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return enode{kind: kNull}
	}
	return numberNode(strconv.FormatFloat(f, 'g', -1, 64))
}

// Attribute is an SNS message attribute: its data type (String, Number,
// String.Array, Binary, optionally with a custom ".suffix") and its value.
type Attribute struct {
	Type  string
	Value string
}

// attributesEvent builds the object SNS matches a MessageAttributes policy
// against: one key per attribute; Number attributes are numbers,
// String.Array attributes are the JSON array they carry, Binary attributes
// are ignored.
func attributesEvent(attrs map[string]Attribute) *Event {
	e := eventPool.Get().(*Event)
	base := len(e.stack)
	var flags uint8
	for name, a := range attrs {
		var n enode
		switch t := a.Type; {
		case strings.HasPrefix(t, "Binary"):
			continue
		case t == "String.Array" || t == "Number.Array":
			sub := &lexer{s: a.Value}
			top := len(e.stack)
			v, err := e.parseValue(sub, 1)
			sub.skipWS()
			if err != nil || sub.pos != len(sub.s) {
				clear(e.stack[top:])
				e.stack = e.stack[:top]
				n = enode{kind: kString, s: a.Value}
			} else {
				n = v
			}
		case t == "Number" || strings.HasPrefix(t, "Number."):
			n = attributeNumber(a.Value)
		default:
			n = enode{kind: kString, s: a.Value}
		}
		if strings.IndexByte(name, '.') >= 0 {
			flags |= flDotted
		}
		n.key, n.hash = name, keyHash(name)
		e.stack = append(e.stack, n)
	}
	e.root = e.flush(base, kObject, flags)
	return e
}

// attributeNumber reads an SNS Number attribute; a value that is not a
// finite number is kept as a string.
func attributeNumber(v string) enode {
	s := strings.TrimSpace(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || !numericText(s) {
		return enode{kind: kString, s: v}
	}
	n := enode{kind: kNumber, s: s, f: f}
	if f >= -maxNumber && f <= maxNumber {
		n.flags = flNumOK
	}
	return n
}

// numericText refuses the spellings ParseFloat accepts beyond decimal
// numbers (hex, "inf", underscores).
func numericText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}
