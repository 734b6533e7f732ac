package restxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Limits of the XML parser. Bodies are size-limited by the caller; these
// bound what a small body can make the parser do.
const (
	MaxDepth    = 100     // element nesting
	MaxElements = 1 << 18 // elements in one document
)

// Node is an element of a parsed XML document.
type Node struct {
	Name     xml.Name
	Attrs    []xml.Attr
	Children []*Node
	Text     string // character data directly inside the element
}

// Child returns the first child element with local name name.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name.Local == name {
			return c
		}
	}
	return nil
}

// Attr returns the value of the attribute with local name name.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// ErrForbidden reports a DTD, entity declaration or other directive.
var ErrForbidden = errors.New("xml: DOCTYPE and entity declarations are not allowed")

// Parse reads one XML document into its root element. It refuses
// directives (DOCTYPE, ENTITY), undefined entities, nesting deeper than
// MaxDepth, more than MaxElements elements and content after the root.
// An empty (or all-whitespace) document returns nil, nil.
func Parse(b []byte) (*Node, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var root *Node
	var stack []*Node
	var text [][]byte
	count := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("xml: content after the root element")
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("xml: nesting deeper than %d", MaxDepth)
			}
			if count++; count > MaxElements {
				return nil, fmt.Errorf("xml: more than %d elements", MaxElements)
			}
			n := &Node{Name: t.Name, Attrs: t.Copy().Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("xml: unexpected end element")
			}
			top := stack[len(stack)-1]
			if top.Name != t.Name {
				return nil, fmt.Errorf("xml: element <%s> closed by </%s>", top.Name.Local, t.Name.Local)
			}
			top.Text = string(text[len(text)-1])
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("xml: text outside the root element")
				}
				continue
			}
			text[len(text)-1] = append(text[len(text)-1], t...)
		case xml.Directive:
			return nil, ErrForbidden
		case xml.ProcInst, xml.Comment:
		}
	}
	if len(stack) > 0 {
		return nil, io.ErrUnexpectedEOF
	}
	return root, nil
}
