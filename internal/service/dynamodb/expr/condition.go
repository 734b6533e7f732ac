package expr

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Condition is a parsed and validated condition or filter expression, or a
// condition built from legacy parameters. It is immutable: one Condition
// may be evaluated against many items, concurrently.
type Condition struct {
	root *cond
}

// Condition parses a ConditionExpression.
func (r *Request) Condition(s string) (*Condition, error) {
	c, err := r.parseCond(s, kindCondition)
	if err != nil {
		return nil, err
	}
	return &Condition{root: c}, nil
}

// Filter parses a FilterExpression.
func (r *Request) Filter(s string) (*Condition, error) {
	c, err := r.parseCond(s, kindFilter)
	if err != nil {
		return nil, err
	}
	return &Condition{root: c}, nil
}

// prepare runs the checks that precede parsing.
func (r *Request) prepare(s string, k kind) (*parser, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	if s == "" {
		return nil, k.wrap(newErr(msgEmptyExpr))
	}
	if len(s) > maxExprBytes {
		return nil, k.wrap(newErr(msgTooLong + strconv.Itoa(len(s))))
	}
	return newParser(s), nil
}

func (r *Request) parseCond(s string, k kind) (*cond, error) {
	p, err := r.prepare(s, k)
	if err != nil {
		return nil, err
	}
	c, ok := p.condition()
	if !ok {
		return nil, k.wrap(p.error())
	}
	if redundantCond(c) {
		return nil, k.wrap(newErr(msgRedundant))
	}
	c = stripCond(c)
	w := walker{p: p}
	if err := w.cond(c); err != nil {
		return nil, k.wrap(err)
	}
	v := validator{r: r, p: p}
	if err := v.cond(c); err != nil {
		return nil, k.wrap(err)
	}
	return c, nil
}

// Eval reports whether item satisfies the condition. A nil item is a
// missing item: every attribute is absent. As in DynamoDB, absent
// attributes and values of the wrong type make a comparison false (and "<>"
// true); they are not errors. The error is reserved for future checks and
// is always nil today.
//
// A nil Condition (an empty legacy parameter) is satisfied by every item.
func (c *Condition) Eval(item attr.Item) (bool, error) {
	if c == nil {
		return true, nil
	}
	return evalCond(c.root, item), nil
}

func evalCond(c *cond, it attr.Item) bool {
	switch c.kind {
	case cAnd:
		return evalCond(c.l, it) && evalCond(c.r, it)
	case cOr:
		return evalCond(c.l, it) || evalCond(c.r, it)
	case cNot:
		return !evalCond(c.l, it)
	case cCmp:
		a, aok := evalOperand(c.args[0], it)
		b, bok := evalOperand(c.args[1], it)
		switch c.cmp {
		case tEq:
			return aok && bok && attr.Equal(&a, &b)
		case tNe:
			return !(aok && bok && attr.Equal(&a, &b))
		}
		if !aok || !bok {
			return false
		}
		n, ok := attr.Compare(&a, &b)
		if !ok {
			return false
		}
		switch c.cmp {
		case tLt:
			return n < 0
		case tLe:
			return n <= 0
		case tGt:
			return n > 0
		}
		return n >= 0
	case cBetween:
		v, ok := evalOperand(c.args[0], it)
		if !ok {
			return false
		}
		lo, ok := evalOperand(c.args[1], it)
		if !ok {
			return false
		}
		hi, ok := evalOperand(c.args[2], it)
		if !ok {
			return false
		}
		n, ok := attr.Compare(&v, &lo)
		if !ok || n < 0 {
			return false
		}
		n, ok = attr.Compare(&v, &hi)
		return ok && n <= 0
	case cIn:
		v, ok := evalOperand(c.args[0], it)
		if !ok {
			return false
		}
		for _, a := range c.args[1:] {
			if w, ok := evalOperand(a, it); ok && attr.Equal(&v, &w) {
				return true
			}
		}
		return false
	case cFunc:
		return evalFunc(c, it)
	}
	return false
}

func evalFunc(c *cond, it attr.Item) bool {
	switch c.name {
	case "attribute_exists":
		_, ok := evalOperand(c.args[0], it)
		return ok
	case "attribute_not_exists":
		_, ok := evalOperand(c.args[0], it)
		return !ok
	}
	a, ok := evalOperand(c.args[0], it)
	if !ok {
		return false
	}
	b, ok := evalOperand(c.args[1], it)
	if !ok {
		return false
	}
	switch c.name {
	case "attribute_type":
		return b.S != nil && attr.Type(&a) == *b.S
	case "begins_with":
		switch {
		case a.S != nil && b.S != nil:
			return strings.HasPrefix(*a.S, *b.S)
		case a.B != nil && b.B != nil:
			return bytes.HasPrefix(a.B, b.B)
		}
		return false
	case "contains":
		return contains(&a, &b)
	}
	return false
}

// contains is contains(a, b): a substring of a string or binary, a member
// of a set, or an element of a list.
func contains(a, b *attr.Value) bool {
	switch attr.Type(a) {
	case "S":
		return b.S != nil && strings.Contains(*a.S, *b.S)
	case "B":
		return attr.Type(b) == "B" && bytes.Contains(a.B, b.B)
	case "SS":
		return attr.Type(b) == "S" && slices.Contains(a.SS, *b.S)
	case "NS":
		if attr.Type(b) != "N" {
			return false
		}
		return slices.ContainsFunc(a.NS, func(n string) bool { return attr.CompareNumbers(n, *b.N) == 0 })
	case "BS":
		if attr.Type(b) != "B" {
			return false
		}
		return slices.ContainsFunc(a.BS, func(x []byte) bool { return bytes.Equal(x, b.B) })
	case "L":
		for i := range a.L {
			if attr.Equal(&a.L[i], b) {
				return true
			}
		}
	}
	return false
}

// evalOperand evaluates a condition operand; ok is false when the value is
// absent (a missing attribute, or size of a type without a size).
func evalOperand(o *operand, it attr.Item) (attr.Value, bool) {
	switch o.kind {
	case oValue:
		return *o.val, true
	case oPath:
		return lookup(it, o.path)
	case oFunc: // size, the only function a condition operand can be
		v, ok := evalOperand(o.args[0], it)
		if !ok {
			return attr.Value{}, false
		}
		n, ok := sizeOf(&v)
		if !ok {
			return attr.Value{}, false
		}
		return attr.Value{N: number(n)}, true
	}
	return attr.Value{}, false
}

// lookup finds the value at path p in item it.
func lookup(it attr.Item, p Path) (attr.Value, bool) {
	v, ok := it[p[0].Name]
	if !ok {
		return v, false
	}
	for _, e := range p[1:] {
		if e.IsIndex {
			if e.Index >= len(v.L) {
				return attr.Value{}, false
			}
			v = v.L[e.Index]
			continue
		}
		if v.M == nil {
			return attr.Value{}, false
		}
		if v, ok = v.M[e.Name]; !ok {
			return v, false
		}
	}
	return v, true
}

// sizeOf is the size() function: the length of a string in UTF-16 code
// units (DynamoDB counts as Java does), of a binary in bytes, the number of
// elements of a set, list or map. Numbers, booleans and NULL have no size.
func sizeOf(v *attr.Value) (int, bool) {
	switch attr.Type(v) {
	case "S":
		n := 0
		for _, r := range *v.S {
			n++
			if r >= 0x10000 && r <= utf8.MaxRune {
				n++
			}
		}
		return n, true
	case "B":
		return len(v.B), true
	case "SS":
		return len(v.SS), true
	case "NS":
		return len(v.NS), true
	case "BS":
		return len(v.BS), true
	case "L":
		return len(v.L), true
	case "M":
		return len(v.M), true
	}
	return 0, false
}

// smallNumbers are the decimal strings of 0..1023, so that size() of most
// values needs no allocation. Read-only after initialisation.
var smallNumbers = func() []string {
	s := make([]string, 1024)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

// number returns a pointer to the decimal string of n; callers never write
// through it.
func number(n int) *string {
	if n < len(smallNumbers) {
		return &smallNumbers[n]
	}
	s := strconv.Itoa(n)
	return &s
}

// Attributes returns the top-level attribute names the condition reads,
// in order of first use (a Query's filter may not name key attributes).
func (c *Condition) Attributes() []string {
	var out []string
	seen := map[string]bool{}
	var opnd func(o *operand)
	opnd = func(o *operand) {
		if o == nil {
			return
		}
		if o.kind == oPath && len(o.path) > 0 && !seen[o.path[0].Name] {
			seen[o.path[0].Name] = true
			out = append(out, o.path[0].Name)
		}
		for _, a := range o.args {
			opnd(a)
		}
	}
	var walk func(n *cond)
	walk = func(n *cond) {
		if n == nil {
			return
		}
		for _, a := range n.args {
			opnd(a)
		}
		walk(n.l)
		walk(n.r)
	}
	if c != nil {
		walk(c.root)
	}
	return out
}

// Paths returns the document paths the condition reads, in order of use.
func (c *Condition) Paths() []Path {
	var out []Path
	var opnd func(o *operand)
	opnd = func(o *operand) {
		if o == nil {
			return
		}
		if o.kind == oPath && len(o.path) > 0 {
			out = append(out, o.path)
		}
		for _, a := range o.args {
			opnd(a)
		}
	}
	var walk func(n *cond)
	walk = func(n *cond) {
		if n == nil {
			return
		}
		for _, a := range n.args {
			opnd(a)
		}
		walk(n.l)
		walk(n.r)
	}
	if c != nil {
		walk(c.root)
	}
	return out
}
