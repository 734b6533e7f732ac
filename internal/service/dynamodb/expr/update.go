package expr

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Update is a parsed and validated update expression, or the updates of a
// legacy AttributeUpdates parameter. It is immutable and may be applied to
// many items, concurrently.
type Update struct {
	actions []*action // in text order
	names   []string  // top-level attributes written, in order of appearance
}

// Update parses an UpdateExpression.
func (r *Request) Update(s string) (*Update, error) {
	const k = kindUpdate
	p, err := r.prepare(s, k)
	if err != nil {
		return nil, err
	}
	acts, sections, ok := p.update()
	if !ok {
		return nil, k.wrap(p.error())
	}
	for _, a := range acts {
		if a.val != nil {
			if redundantOperand(a.val) {
				return nil, k.wrap(newErr(msgRedundant))
			}
			a.val = stripOperand(a.val)
		}
	}
	w := walker{p: p, update: true}
	for _, a := range acts {
		if err := w.path(a.raw); err != nil {
			return nil, k.wrap(err)
		}
		if a.kind == tSet {
			if err := w.operand(a.val, ""); err != nil {
				return nil, k.wrap(err)
			}
		}
	}
	var seen [tRemove + 1]bool
	for _, i := range sections {
		sk := p.toks[i].kind
		if seen[sk] {
			return nil, k.wrap(errf(msgSection, strings.ToUpper(p.text(i))))
		}
		seen[sk] = true
	}
	// DynamoDB builds its tree of document paths from the last action to
	// the first, which decides which path is "path one" in overlap errors.
	v := validator{r: r, p: p}
	var tree trieNode
	for i := len(acts) - 1; i >= 0; i-- {
		a := acts[i]
		path, err := v.resolve(a.raw)
		if err != nil {
			return nil, k.wrap(err)
		}
		a.path = path
		if err := tree.insert(path); err != nil {
			return nil, k.wrap(err)
		}
	}
	for i := len(acts) - 1; i >= 0; i-- {
		a := acts[i]
		if a.val == nil {
			continue
		}
		if err := v.operand(a.val); err != nil {
			return nil, k.wrap(err)
		}
		if err := checkAddDelete(a); err != nil {
			return nil, k.wrap(err)
		}
	}
	return newUpdate(acts), nil
}

func newUpdate(acts []*action) *Update {
	u := &Update{actions: acts}
	for _, a := range acts {
		if !slices.Contains(u.names, a.path[0].Name) {
			u.names = append(u.names, a.path[0].Name)
		}
	}
	return u
}

// checkAddDelete checks the operand type of ADD and DELETE actions.
func checkAddDelete(a *action) error {
	if a.kind != tAdd && a.kind != tDelete {
		return nil
	}
	t := attr.Type(a.val.val)
	switch a.kind {
	case tAdd:
		if t != "N" && t != "SS" && t != "NS" && t != "BS" {
			return errf(msgAddDeleteType, "ADD", typeName(t), "ALLOWED_FOR_ADD_OPERAND")
		}
	case tDelete:
		if t != "SS" && t != "NS" && t != "BS" {
			return errf(msgAddDeleteType, "DELETE", typeName(t), "ALLOWED_FOR_DELETE_OPERAND")
		}
	}
	return nil
}

// Paths returns the document paths the update writes (SET, REMOVE, ADD and
// DELETE targets) in text order, for the caller's key-attribute checks.
func (u *Update) Paths() []Path {
	out := make([]Path, len(u.actions))
	for i, a := range u.actions {
		out[i] = a.path
	}
	return out
}

// Attributes returns the top-level attributes the update writes, in order
// of first appearance.
func (u *Update) Attributes() []string { return slices.Clone(u.names) }

// Projection returns the projection of the paths the update writes. Applied
// to the item before and after the update it gives what ReturnValues
// UPDATED_OLD and UPDATED_NEW return: only the written paths, nested in
// their place (so SET a.c[1] returns {"a":{"c":[x]}}, and an append past
// the end of a list or a REMOVE return what is at that index, as DynamoDB
// does).
func (u *Update) Projection() *Projection {
	p := &Projection{paths: u.Paths()}
	for _, path := range p.paths {
		// Update paths never overlap or conflict: they were checked when
		// the expression was parsed.
		_ = p.root.insert(path)
	}
	p.finish()
	return p
}

// Apply applies the update to item, which is not modified; a nil item is an
// item that does not exist. It returns the new item and the top-level
// attributes the update writes (see Attributes; for ReturnValues
// UPDATED_OLD and UPDATED_NEW use Projection).
//
// As in DynamoDB, every value on the right of SET is read from the item as
// it was before the update, and list indexes in the expression refer to the
// list before any of its elements is removed.
func (u *Update) Apply(item attr.Item) (attr.Item, []string, error) {
	return u.apply(item, item != nil)
}

// ApplyNew applies the update to an item that does not exist yet and starts
// out as its key attributes. The difference from Apply is that REMOVE of a
// nested path is ignored, as DynamoDB does for missing items.
func (u *Update) ApplyNew(key attr.Item) (attr.Item, []string, error) {
	return u.apply(key, false)
}

type slotOp uint8

const (
	opNone slotOp = iota
	opSet
	opDelete
)

func (u *Update) apply(orig attr.Item, exists bool) (attr.Item, []string, error) {
	setVals := make([]attr.Value, len(u.actions))
	for i, a := range u.actions {
		if a.kind == tSet {
			v, err := evalSet(a.val, orig)
			if err != nil {
				return nil, nil, err
			}
			setVals[i] = v
		}
	}
	// REMOVE first, then SET, ADD and DELETE ordered by path so that
	// appends to a list land in index order. Elements taken out of a list
	// stay as empty placeholders until the end, so that every index keeps
	// meaning what it meant before the update.
	order := make([]int, len(u.actions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := u.actions[i], u.actions[j]
		if ra, rb := a.kind == tRemove, b.kind == tRemove; ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return comparePaths(a.path, b.path)
	})

	out := make(attr.Item, len(orig)+len(u.names))
	maps.Copy(out, orig)
	owned := make(map[string]bool, len(u.names))
	var holes []Path
	for _, i := range order {
		a := u.actions[i]
		top := a.path[0].Name
		if !owned[top] {
			owned[top] = true
			if v, ok := out[top]; ok {
				out[top] = attr.Clone(v)
			}
		}
		if a.kind == tRemove && len(a.path) > 1 && !exists {
			continue
		}
		f := actionFunc(a, setVals[i])
		hole, err := modify(out, a.path, f)
		if err != nil {
			return nil, nil, err
		}
		if hole {
			holes = append(holes, a.path[:len(a.path)-1])
		}
	}
	slices.SortStableFunc(holes, func(a, b Path) int { return cmp.Compare(len(b), len(a)) })
	for _, p := range holes {
		compact(out, p)
	}
	return out, slices.Clone(u.names), nil
}

// slotFunc computes a slot's new content from its old one.
type slotFunc func(old attr.Value, exists bool) (attr.Value, slotOp, error)

func actionFunc(a *action, setVal attr.Value) slotFunc {
	switch a.kind {
	case tSet:
		return func(attr.Value, bool) (attr.Value, slotOp, error) { return setVal, opSet, nil }
	case tRemove:
		return func(_ attr.Value, exists bool) (attr.Value, slotOp, error) {
			if !exists {
				return attr.Value{}, opNone, nil
			}
			return attr.Value{}, opDelete, nil
		}
	case tAdd:
		return func(old attr.Value, exists bool) (attr.Value, slotOp, error) {
			return add(old, exists, a.val.val, a.legacy)
		}
	}
	return func(old attr.Value, exists bool) (attr.Value, slotOp, error) {
		return del(old, exists, a.val.val, a.legacy)
	}
}

func mismatch(legacy bool) error {
	if legacy {
		return newErr(msgLegacyType)
	}
	return newErr(msgBadDataType)
}

// add is ADD: number addition, set union, and for AttributeUpdates also
// list concatenation; a missing attribute starts out as the operand.
func add(old attr.Value, exists bool, v *attr.Value, legacy bool) (attr.Value, slotOp, error) {
	if !exists {
		return attr.Clone(*v), opSet, nil
	}
	t := attr.Type(v)
	if attr.Type(&old) != t {
		return attr.Value{}, opNone, mismatch(legacy)
	}
	switch t {
	case "N":
		sum, err := attr.AddNumbers(*old.N, *v.N)
		if err != nil {
			return attr.Value{}, opNone, err
		}
		return attr.Value{N: &sum}, opSet, nil
	case "SS":
		for _, s := range v.SS {
			if !slices.Contains(old.SS, s) {
				old.SS = append(old.SS, s)
			}
		}
	case "NS":
		for _, n := range v.NS {
			if !slices.ContainsFunc(old.NS, func(m string) bool { return attr.CompareNumbers(m, n) == 0 }) {
				old.NS = append(old.NS, n)
			}
		}
	case "BS":
		for _, b := range v.BS {
			if !slices.ContainsFunc(old.BS, func(x []byte) bool { return bytes.Equal(x, b) }) {
				old.BS = append(old.BS, bytes.Clone(b))
			}
		}
	case "L":
		for _, x := range v.L {
			old.L = append(old.L, attr.Clone(x))
		}
	}
	return old, opSet, nil
}

// del is DELETE of set elements; a set left empty removes the attribute.
func del(old attr.Value, exists bool, v *attr.Value, legacy bool) (attr.Value, slotOp, error) {
	if !exists {
		return attr.Value{}, opNone, nil
	}
	t := attr.Type(v)
	if attr.Type(&old) != t {
		return attr.Value{}, opNone, mismatch(legacy)
	}
	n := 0
	switch t {
	case "SS":
		old.SS = slices.DeleteFunc(old.SS, func(s string) bool { return slices.Contains(v.SS, s) })
		n = len(old.SS)
	case "NS":
		old.NS = slices.DeleteFunc(old.NS, func(s string) bool {
			return slices.ContainsFunc(v.NS, func(m string) bool { return attr.CompareNumbers(m, s) == 0 })
		})
		n = len(old.NS)
	case "BS":
		old.BS = slices.DeleteFunc(old.BS, func(x []byte) bool {
			return slices.ContainsFunc(v.BS, func(y []byte) bool { return bytes.Equal(x, y) })
		})
		n = len(old.BS)
	}
	if n == 0 {
		return attr.Value{}, opDelete, nil
	}
	return old, opSet, nil
}

// modify applies f to the slot at path in item (which owns every value
// along the path). hole reports that a list element was replaced by a
// placeholder to be compacted away.
func modify(item attr.Item, path Path, f slotFunc) (hole bool, err error) {
	name := path[0].Name
	if len(path) == 1 {
		old, ok := item[name]
		nv, op, err := f(old, ok)
		switch op {
		case opSet:
			item[name] = nv
		case opDelete:
			delete(item, name)
		}
		return false, err
	}
	top, ok := item[name]
	if !ok {
		return false, newErr(msgInvalidPath)
	}
	hole, err = modifyIn(&top, path[1:], f)
	item[name] = top
	return hole, err
}

func modifyIn(cur *attr.Value, rest Path, f slotFunc) (bool, error) {
	el := rest[0]
	if el.IsIndex {
		if attr.Type(cur) != "L" {
			return false, newErr(msgInvalidPath)
		}
		exists := el.Index < len(cur.L)
		if len(rest) > 1 {
			if !exists {
				return false, newErr(msgInvalidPath)
			}
			return modifyIn(&cur.L[el.Index], rest[1:], f)
		}
		var old attr.Value
		if exists {
			old = cur.L[el.Index]
		}
		nv, op, err := f(old, exists)
		switch op {
		case opSet:
			if exists {
				cur.L[el.Index] = nv
			} else {
				cur.L = append(cur.L, nv)
			}
		case opDelete:
			cur.L[el.Index] = attr.Value{}
			return true, err
		}
		return false, err
	}
	if attr.Type(cur) != "M" {
		return false, newErr(msgInvalidPath)
	}
	old, exists := cur.M[el.Name]
	if len(rest) > 1 {
		if !exists {
			return false, newErr(msgInvalidPath)
		}
		hole, err := modifyIn(&old, rest[1:], f)
		cur.M[el.Name] = old
		return hole, err
	}
	nv, op, err := f(old, exists)
	switch op {
	case opSet:
		cur.M[el.Name] = nv
	case opDelete:
		delete(cur.M, el.Name)
	}
	return false, err
}

// compact drops the placeholders REMOVE left in the list at path.
func compact(item attr.Item, path Path) {
	v, ok := item[path[0].Name]
	if !ok {
		return
	}
	compactAt(&v, path[1:])
	item[path[0].Name] = v
}

func compactAt(v *attr.Value, rest Path) {
	if len(rest) == 0 {
		if v.L != nil {
			v.L = slices.DeleteFunc(v.L, func(x attr.Value) bool { return attr.Type(&x) == "" })
		}
		return
	}
	e := rest[0]
	if e.IsIndex {
		if e.Index < len(v.L) {
			compactAt(&v.L[e.Index], rest[1:])
		}
		return
	}
	child, ok := v.M[e.Name]
	if !ok {
		return
	}
	compactAt(&child, rest[1:])
	v.M[e.Name] = child
}

// evalSet computes the value of a SET action from the item before the
// update.
func evalSet(o *operand, it attr.Item) (attr.Value, error) {
	switch o.kind {
	case oValue:
		return attr.Clone(*o.val), nil
	case oPath:
		v, ok := lookup(it, o.path)
		if !ok {
			return attr.Value{}, newErr(msgMissingAttr)
		}
		return attr.Clone(v), nil
	case oArith:
		a, err := evalSet(o.args[0], it)
		if err != nil {
			return attr.Value{}, err
		}
		b, err := evalSet(o.args[1], it)
		if err != nil {
			return attr.Value{}, err
		}
		if attr.Type(&a) != "N" || attr.Type(&b) != "N" {
			return attr.Value{}, newErr(msgBadDataType)
		}
		var n string
		if o.name == "+" {
			n, err = attr.AddNumbers(*a.N, *b.N)
		} else {
			n, err = attr.SubNumbers(*a.N, *b.N)
		}
		if err != nil {
			return attr.Value{}, err
		}
		return attr.Value{N: &n}, nil
	case oFunc:
		if o.name == "if_not_exists" {
			if v, ok := lookup(it, o.args[0].path); ok {
				return attr.Clone(v), nil
			}
			return evalSet(o.args[1], it)
		}
		a, err := evalSet(o.args[0], it)
		if err != nil {
			return attr.Value{}, err
		}
		b, err := evalSet(o.args[1], it)
		if err != nil {
			return attr.Value{}, err
		}
		if attr.Type(&a) != "L" || attr.Type(&b) != "L" {
			return attr.Value{}, newErr(msgBadDataType)
		}
		return attr.Value{L: append(a.L, b.L...)}, nil
	}
	return attr.Value{}, newErr(msgBadDataType)
}

// comparePaths orders paths element by element, list indexes numerically.
func comparePaths(a, b Path) int {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		if x.IsIndex != y.IsIndex {
			if x.IsIndex {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(x.Index, y.Index); x.IsIndex && c != 0 {
			return c
		}
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}
