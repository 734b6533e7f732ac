package restxml

import (
	"bytes"
	"reflect"
	"sort"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// EncodeElement writes v (a generated struct or pointer to one) as the
// element name: xmlAttribute members as attributes, the others as child
// elements named by their `aws` tags (wrapped or flattened lists and maps,
// timestamps as date-time unless ts= says otherwise, blobs base64). attrs
// is written verbatim into the start tag (e.g. ` xmlns="..."`). With top
// set, members bound to the HTTP message are skipped.
func EncodeElement(b *bytes.Buffer, name, attrs string, v any, top bool) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return
	}
	encodeStruct(b, name, attrs, rv, top)
}

func encodeStruct(b *bytes.Buffer, name, attrs string, v reflect.Value, top bool) {
	fields := restroute.Fields(v.Type())
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteString(attrs)
	for _, f := range fields {
		if !f.Tag.XMLAttr || (top && f.Loc != restroute.Body) {
			continue
		}
		if s, ok := restroute.FormatScalar(v.Field(f.Index), tsFormat(f.Tag)); ok {
			b.WriteByte(' ')
			b.WriteString(f.Tag.Name)
			b.WriteString(`="`)
			escape(b, s)
			b.WriteByte('"')
		}
	}
	b.WriteByte('>')
	for _, f := range fields {
		if f.Tag.XMLAttr || (top && f.Loc != restroute.Body) {
			continue
		}
		encodeMember(b, f, v.Field(f.Index))
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

func nsAttr(f restroute.Field) string {
	if f.NS == "" {
		return ""
	}
	var b bytes.Buffer
	b.WriteString(" xmlns")
	if f.NSPrefix != "" {
		b.WriteByte(':')
		b.WriteString(f.NSPrefix)
	}
	b.WriteString(`="`)
	escape(&b, f.NS)
	b.WriteByte('"')
	return b.String()
}

func encodeMember(b *bytes.Buffer, f restroute.Field, v reflect.Value) {
	name, attrs := f.Tag.Name, nsAttr(f)
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			break
		}
		if f.Tag.Flat {
			for i := 0; i < v.Len(); i++ {
				encodeValue(b, name, attrs, v.Index(i), model.Tag{})
			}
			return
		}
		m := f.Tag.Member
		if m == "" {
			m = "member"
		}
		open(b, name, attrs)
		for i := 0; i < v.Len(); i++ {
			encodeValue(b, m, "", v.Index(i), model.Tag{})
		}
		closeTag(b, name)
		return
	case reflect.Map:
		if v.IsNil() {
			return
		}
		kn, vn := f.Tag.Key, f.Tag.Value
		if kn == "" {
			kn = "key"
		}
		if vn == "" {
			vn = "value"
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		if !f.Tag.Flat {
			open(b, name, attrs)
		}
		for _, k := range keys {
			entry, ea := "entry", ""
			if f.Tag.Flat {
				entry, ea = name, attrs
			}
			open(b, entry, ea)
			encodeValue(b, kn, "", k, model.Tag{})
			encodeValue(b, vn, "", v.MapIndex(k), model.Tag{})
			closeTag(b, entry)
		}
		if !f.Tag.Flat {
			closeTag(b, name)
		}
		return
	}
	encodeValue(b, name, attrs, v, f.Tag)
}

func encodeValue(b *bytes.Buffer, name, attrs string, v reflect.Value, tag model.Tag) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		encodeValue(b, name, attrs, v.Elem(), tag)
		return
	case reflect.Struct:
		if v.Type() != timestampType {
			encodeStruct(b, name, attrs, v, false)
			return
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			// A list of lists: wrap the inner items in member elements.
			open(b, name, attrs)
			for i := 0; i < v.Len(); i++ {
				encodeValue(b, "member", "", v.Index(i), model.Tag{})
			}
			closeTag(b, name)
			return
		}
	case reflect.Map:
		return
	}
	s, ok := restroute.FormatScalar(v, tsFormat(tag))
	if !ok {
		return
	}
	open(b, name, attrs)
	escape(b, s)
	closeTag(b, name)
}

func open(b *bytes.Buffer, name, attrs string) {
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteString(attrs)
	b.WriteByte('>')
}

func closeTag(b *bytes.Buffer, name string) {
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

func tsFormat(tag model.Tag) string {
	if tag.TS != "" {
		return tag.TS
	}
	return "date-time"
}

// escape writes s as XML character data the way S3 does: &, <, >, " as
// entities, \r as a character reference (parsers would turn a raw one
// into \n), and characters XML cannot carry as U+FFFD.
func escape(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"':
			esc = "&quot;"
		case r == '\r':
			esc = "&#13;"
		case r == utf8.RuneError && width == 1, !isXMLChar(r):
			esc = "\uFFFD"
		default:
			i += width
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		i += width
		last = i
	}
	b.WriteString(s[last:])
}

func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
