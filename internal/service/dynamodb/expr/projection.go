package expr

import (
	"slices"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Projection is a parsed and validated projection expression, or the list
// of a legacy AttributesToGet parameter. It is immutable.
type Projection struct {
	root  trieNode
	paths []Path
	names []string
}

// Projection parses a ProjectionExpression.
func (r *Request) Projection(s string) (*Projection, error) {
	const k = kindProjection
	p, err := r.prepare(s, k)
	if err != nil {
		return nil, err
	}
	ops, ok := p.projection()
	if !ok {
		return nil, k.wrap(p.error())
	}
	w := walker{p: p}
	for _, o := range ops {
		if err := w.path(o.raw); err != nil {
			return nil, k.wrap(err)
		}
	}
	v := validator{r: r, p: p}
	proj := &Projection{paths: make([]Path, len(ops))}
	// As for update expressions, DynamoDB builds the path tree from the
	// last path to the first.
	for i := len(ops) - 1; i >= 0; i-- {
		path, err := v.resolve(ops[i].raw)
		if err != nil {
			return nil, k.wrap(err)
		}
		if err := proj.root.insert(path); err != nil {
			return nil, k.wrap(err)
		}
		proj.paths[i] = path
	}
	proj.finish()
	return proj, nil
}

// AttributesToGet builds the projection of a legacy AttributesToGet list:
// top-level attribute names, taken literally.
func AttributesToGet(attrs []string) (*Projection, error) {
	proj := &Projection{paths: make([]Path, len(attrs))}
	for i, a := range attrs {
		if slices.Contains(attrs[:i], a) {
			return nil, newErr(msgParamsInvalid + "Duplicate value in attribute name: " + a)
		}
		proj.paths[i] = Path{{Name: a}}
		proj.root.kids = append(proj.root.kids, trieKid{el: PathElem{Name: a}})
	}
	proj.finish()
	return proj, nil
}

func (p *Projection) finish() {
	p.root.sortIndexes()
	for _, path := range p.paths {
		if !slices.Contains(p.names, path[0].Name) {
			p.names = append(p.names, path[0].Name)
		}
	}
}

// Paths returns the projected document paths in text order.
func (p *Projection) Paths() []Path { return slices.Clone(p.paths) }

// Attributes returns the top-level attributes the projection reads, in
// order of first appearance.
func (p *Projection) Attributes() []string { return slices.Clone(p.names) }

// Apply returns the projection of item: the values at the projected paths,
// in their place in the document. Maps keep only the projected keys; a list
// keeps only the projected elements, in index order; paths that do not
// resolve are left out, and so are maps and lists left with nothing in
// them. The result shares values with item.
func (p *Projection) Apply(item attr.Item) attr.Item {
	if item == nil {
		return nil
	}
	out := make(attr.Item, len(p.root.kids))
	for _, k := range p.root.kids {
		v, ok := item[k.el.Name]
		if !ok {
			continue
		}
		if k.node == nil {
			out[k.el.Name] = v
		} else if pv, ok := project(k.node, v); ok {
			out[k.el.Name] = pv
		}
	}
	return out
}

func project(n *trieNode, v attr.Value) (attr.Value, bool) {
	if n.kids[0].el.IsIndex {
		if attr.Type(&v) != "L" {
			return attr.Value{}, false
		}
		var l []attr.Value
		for _, k := range n.kids {
			if k.el.Index >= len(v.L) {
				continue
			}
			e := v.L[k.el.Index]
			if k.node == nil {
				l = append(l, e)
			} else if pe, ok := project(k.node, e); ok {
				l = append(l, pe)
			}
		}
		return attr.Value{L: l}, len(l) > 0
	}
	if attr.Type(&v) != "M" {
		return attr.Value{}, false
	}
	m := make(map[string]attr.Value, len(n.kids))
	for _, k := range n.kids {
		e, ok := v.M[k.el.Name]
		if !ok {
			continue
		}
		if k.node == nil {
			m[k.el.Name] = e
		} else if pe, ok := project(k.node, e); ok {
			m[k.el.Name] = pe
		}
	}
	return attr.Value{M: m}, len(m) > 0
}
