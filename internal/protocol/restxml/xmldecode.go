package restxml

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// FieldError is an XML element or attribute whose text does not parse as
// its member's type.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

// DecodeElement fills the struct v points to from the children and
// attributes of n, by the `aws` tags: element names (xmlName), wrapped or
// flattened lists with their member names, maps as entry/key/value (or
// flattened), xmlAttribute members from attributes. With top set, members
// bound to the HTTP message (labels, headers, ...) are skipped. Unknown
// elements are ignored.
func DecodeElement(n *Node, v any, top bool) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("restxml: DecodeElement needs a pointer to a struct, got %T", v)
	}
	return decodeStruct(n, rv.Elem(), top, n.Name.Local)
}

func decodeStruct(n *Node, v reflect.Value, top bool, path string) error {
	for _, f := range restroute.Fields(v.Type()) {
		if top && f.Loc != restroute.Body {
			continue
		}
		fv := v.Field(f.Index)
		name := f.Tag.Name
		p := path + "." + name
		if f.Tag.XMLAttr {
			local := name
			if i := strings.IndexByte(local, ':'); i >= 0 {
				local = local[i+1:]
			}
			if s, ok := n.Attr(local); ok {
				if err := setText(fv, s, f.Tag, p); err != nil {
					return err
				}
			}
			continue
		}
		switch {
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8:
			var items []*Node
			if f.Tag.Flat {
				for _, c := range n.Children {
					if c.Name.Local == name {
						items = append(items, c)
					}
				}
				if items == nil {
					continue
				}
			} else {
				w := n.Child(name)
				if w == nil {
					continue
				}
				items = w.Children
			}
			s := reflect.MakeSlice(fv.Type(), len(items), len(items))
			for i, c := range items {
				if err := decodeValue(c, s.Index(i), model.Tag{}, fmt.Sprintf("%s[%d]", p, i)); err != nil {
					return err
				}
			}
			fv.Set(s)
		case fv.Kind() == reflect.Map:
			var entries []*Node
			if f.Tag.Flat {
				for _, c := range n.Children {
					if c.Name.Local == name {
						entries = append(entries, c)
					}
				}
				if entries == nil {
					continue
				}
			} else {
				w := n.Child(name)
				if w == nil {
					continue
				}
				entries = w.Children
			}
			kn, vn := f.Tag.Key, f.Tag.Value
			if kn == "" {
				kn = "key"
			}
			if vn == "" {
				vn = "value"
			}
			m := reflect.MakeMapWithSize(fv.Type(), len(entries))
			for _, e := range entries {
				k := e.Child(kn)
				if k == nil {
					continue
				}
				ev := reflect.New(fv.Type().Elem()).Elem()
				if c := e.Child(vn); c != nil {
					if err := decodeValue(c, ev, model.Tag{}, p+"."+k.Text); err != nil {
						return err
					}
				}
				m.SetMapIndex(reflect.ValueOf(k.Text).Convert(fv.Type().Key()), ev)
			}
			fv.Set(m)
		default:
			c := n.Child(name)
			if c == nil {
				continue
			}
			if err := decodeValue(c, fv, f.Tag, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeValue decodes element n into v (a pointer, a list item or a map
// value).
func decodeValue(n *Node, v reflect.Value, tag model.Tag, path string) error {
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		if err := decodeValue(n, nv.Elem(), tag, path); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	case reflect.Struct:
		if v.Type() != timestampType {
			return decodeStruct(n, v, false, path)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			// A list of lists: the element wraps member elements.
			s := reflect.MakeSlice(v.Type(), len(n.Children), len(n.Children))
			for i, c := range n.Children {
				if err := decodeValue(c, s.Index(i), model.Tag{}, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			v.Set(s)
			return nil
		}
	case reflect.Map:
		return nil
	}
	return setText(v, n.Text, tag, path)
}

var timestampType = reflect.TypeOf(model.Timestamp{})

func setText(v reflect.Value, s string, tag model.Tag, path string) error {
	if v.Kind() == reflect.Pointer {
		nv := reflect.New(v.Type().Elem())
		if err := setText(nv.Elem(), s, tag, path); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if err := setScalar(v, s); err != nil {
		return &FieldError{Path: path, Err: err}
	}
	return nil
}

func setScalar(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
		return nil
	case reflect.Interface:
		v.Set(reflect.ValueOf(s))
		return nil
	}
	return restroute.SetScalar(v, strings.TrimSpace(s))
}
