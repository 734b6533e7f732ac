package expr

import (
	"slices"
	"strconv"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Function names by where DynamoDB allows them.
var (
	condFuncs   = map[string]int{"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2}
	updateFuncs = map[string]int{"if_not_exists": 2, "list_append": 2}
)

// walker runs the checks DynamoDB makes while it turns the parse tree into
// an expression tree, in text order: reserved words, list index range,
// function names and where functions may appear.
type walker struct {
	p      *parser
	update bool // an update expression (else a condition)
}

func (w *walker) path(raw []rawElem) error {
	for _, e := range raw {
		t := w.p.toks[e.tok]
		switch {
		case e.index:
			if n, err := strconv.Atoi(w.p.text(e.tok)); err != nil || n > maxListIndex {
				return newErr(msgListIndex)
			}
		case t.kind == tID:
			if name := w.p.text(e.tok); IsReserved(name) {
				return newErr(msgReserved + name)
			}
		}
	}
	return nil
}

// cond walks a condition tree.
func (w *walker) cond(c *cond) error {
	switch c.kind {
	case cNot:
		return w.cond(c.l)
	case cAnd, cOr:
		if err := w.cond(c.l); err != nil {
			return err
		}
		return w.cond(c.r)
	case cFunc:
		if err := w.condFunction(c.name, true); err != nil {
			return err
		}
	}
	for _, a := range c.args {
		if err := w.operand(a, ""); err != nil {
			return err
		}
	}
	return nil
}

// condFunction checks a function name in a condition expression; asCond
// says whether it stands as a condition (else it is an operand).
func (w *walker) condFunction(name string, asCond bool) error {
	if _, ok := condFuncs[name]; ok {
		if !asCond {
			return newErr(msgFuncContext + name)
		}
		return nil
	}
	switch {
	case name == "size":
		if asCond {
			return newErr(msgFuncContext + name)
		}
		return nil
	case updateFuncs[name] > 0:
		return newErr(msgCondFunction + name)
	}
	return newErr(msgBadFunction + name)
}

// operand walks an operand; parent is the enclosing function's name.
func (w *walker) operand(o *operand, parent string) error {
	switch o.kind {
	case oPath:
		return w.path(o.raw)
	case oFunc:
		if w.update {
			switch {
			case updateFuncs[o.name] > 0:
				if o.name == "list_append" && parent == "list_append" {
					return newErr(msgFuncContext + o.name)
				}
			case condFuncs[o.name] > 0 || o.name == "size":
				return newErr(msgUpdateFunction + o.name)
			default:
				return newErr(msgBadFunction + o.name)
			}
		} else if err := w.condFunction(o.name, false); err != nil {
			return err
		}
		for _, a := range o.args {
			if err := w.operand(a, o.name); err != nil {
				return err
			}
		}
	case oArith:
		for _, a := range o.args {
			if err := w.operand(a, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// validator resolves names and values against the request and runs each
// operator's checks, children first, as DynamoDB's expression validator
// does.
type validator struct {
	r   *Request
	p   *parser
	ops int
}

func (v *validator) countOp() error {
	v.ops++
	if v.ops > maxOperators {
		return newErr(msgTooManyOps + strconv.Itoa(v.ops))
	}
	return nil
}

// resolve turns a path as written into a Path, substituting #names.
func (v *validator) resolve(raw []rawElem) (Path, error) {
	if len(raw) > maxPathDepth {
		return nil, newErr(msgTooDeep + strconv.Itoa(len(raw)))
	}
	path := make(Path, len(raw))
	for i, e := range raw {
		text := v.p.text(e.tok)
		switch {
		case e.index:
			n, _ := strconv.Atoi(text) // range checked by the walker
			path[i] = PathElem{Index: n, IsIndex: true}
		case v.p.toks[e.tok].kind == tName:
			name, ok := v.r.name(text)
			if !ok {
				return nil, newErr(msgNameMissing + text)
			}
			path[i] = PathElem{Name: name}
		default:
			path[i] = PathElem{Name: text}
		}
	}
	return path, nil
}

func (v *validator) operand(o *operand) error {
	switch o.kind {
	case oPath:
		p, err := v.resolve(o.raw)
		o.path = p
		return err
	case oValue:
		val, ok := v.r.value(o.name)
		if !ok {
			return newErr(msgValueMissing + o.name)
		}
		o.val = val
		return nil
	case oFunc:
		for _, a := range o.args {
			if err := v.operand(a); err != nil {
				return err
			}
		}
		if err := checkFunction(o.name, o.args); err != nil {
			return err
		}
	case oArith:
		for _, a := range o.args {
			if err := v.operand(a); err != nil {
				return err
			}
		}
		for _, a := range o.args {
			if t := immediateType(a); t != "" && t != "N" {
				return errf(msgOperandType, o.name, t)
			}
		}
	}
	return v.countOp()
}

// staticType is the type an operand is known to have before any item is
// read: a value's type or a function's result type; "" for paths.
func staticType(o *operand) string {
	switch o.kind {
	case oValue:
		return attr.Type(o.val)
	case oArith:
		return "N"
	case oFunc:
		switch o.name {
		case "size":
			return "N"
		case "list_append":
			return "L"
		case "if_not_exists":
			if len(o.args) == 2 {
				return staticType(o.args[1])
			}
		}
	}
	return ""
}

// immediateType is the type of a value operand, "" for anything else.
func immediateType(o *operand) string {
	if o.kind == oValue {
		return attr.Type(o.val)
	}
	return ""
}

var attrTypeNames = []string{"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}

// checkFunction runs a function's operand checks: count, distinct first
// operand, document path, operand types.
func checkFunction(name string, args []*operand) error {
	want, isCond := condFuncs[name]
	switch {
	case isCond:
	case name == "size":
		want = 1
	default:
		want = updateFuncs[name]
	}
	if len(args) != want {
		return errf(msgOperandCount, name, len(args))
	}
	if isCond && want == 2 {
		if err := distinct(name, args); err != nil {
			return err
		}
	}
	switch name {
	case "attribute_exists", "attribute_not_exists", "if_not_exists":
		if args[0].kind != oPath {
			return newErr(msgNeedsPath + name)
		}
	case "attribute_type":
		t := staticType(args[1])
		if t != "S" {
			if t == "" {
				t = msgAnyType
			}
			return errf(msgOperandType, name, t)
		}
		if args[1].kind == oValue && !slices.Contains(attrTypeNames, *args[1].val.S) {
			return errf(msgBadTypeName, *args[1].val.S)
		}
	case "begins_with":
		for _, a := range args {
			if t := staticType(a); t != "" && t != "S" && t != "B" {
				return errf(msgOperandType, name, t)
			}
		}
	case "size":
		if t := staticType(args[0]); t == "N" || t == "BOOL" || t == "NULL" {
			return errf(msgOperandType, name, t)
		}
	case "list_append":
		for _, a := range args {
			if t := immediateType(a); t != "" && t != "L" {
				return errf(msgOperandType, name, t)
			}
		}
	}
	return nil
}

// distinct rejects a first operand that is the same document path as one
// of the others.
func distinct(op string, args []*operand) error {
	if args[0].kind != oPath {
		return nil
	}
	for _, a := range args[1:] {
		if a.kind == oPath && a.path.equal(args[0].path) {
			return errf(msgDistinct, op, showPath(args[0].path))
		}
	}
	return nil
}

func (v *validator) cond(c *cond) error {
	switch c.kind {
	case cNot:
		if err := v.cond(c.l); err != nil {
			return err
		}
		return v.countOp()
	case cAnd, cOr:
		if err := v.cond(c.l); err != nil {
			return err
		}
		if err := v.cond(c.r); err != nil {
			return err
		}
		return v.countOp()
	}
	for _, a := range c.args {
		if err := v.operand(a); err != nil {
			return err
		}
	}
	switch c.kind {
	case cCmp:
		op := cmpText[c.cmp]
		if err := distinct(op, c.args); err != nil {
			return err
		}
		if c.cmp != tEq && c.cmp != tNe {
			for _, a := range c.args {
				if t := staticType(a); t != "" && t != "N" && t != "S" && t != "B" {
					return errf(msgOperandType, op, t)
				}
			}
		}
	case cBetween:
		if err := distinct("BETWEEN", c.args); err != nil {
			return err
		}
		for _, a := range c.args {
			if t := staticType(a); t != "" && t != "N" && t != "S" && t != "B" {
				return errf(msgOperandType, "BETWEEN", t)
			}
		}
		if lo, hi := c.args[1], c.args[2]; lo.kind == oValue && hi.kind == oValue {
			if attr.Type(lo.val) != attr.Type(hi.val) {
				return errf(msgBetweenTypes, showValue(lo.val), showValue(hi.val))
			}
			if n, _ := attr.Compare(lo.val, hi.val); n > 0 {
				return errf(msgBetweenOrder, showValue(lo.val), showValue(hi.val))
			}
		}
	case cIn:
		// The limit and the count are of the list's values, without the
		// operand on the left (the developer guide: up to 100 values).
		if n := len(c.args) - 1; n > maxInOperands {
			return newErr(msgTooManyIn + strconv.Itoa(n))
		}
		if err := distinct("IN", c.args); err != nil {
			return err
		}
	case cFunc:
		if err := checkFunction(c.name, c.args); err != nil {
			return err
		}
	}
	return v.countOp()
}
