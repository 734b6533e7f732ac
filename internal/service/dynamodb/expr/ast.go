package expr

import (
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// PathElem is one step of a document path: a map key (an attribute name at
// the top level) or a list index.
type PathElem struct {
	Name    string
	Index   int
	IsIndex bool
}

// String renders the element as DynamoDB does in error messages: the name,
// or the index in brackets.
func (e PathElem) String() string {
	if e.IsIndex {
		return "[" + strconv.Itoa(e.Index) + "]"
	}
	return e.Name
}

// Path is a resolved document path (names substituted); Path[0] is always a
// name, the top-level attribute.
type Path []PathElem

// String renders the path in expression syntax, a.b[1].c, with names as
// they are (not escaped).
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if !e.IsIndex && i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.String())
	}
	return b.String()
}

func (p Path) equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// rawElem is a path element as written: the token of its name, #name or
// index.
type rawElem struct {
	tok   int
	index bool
}

type opKind uint8

const (
	oPath  opKind = iota
	oValue        // :value
	oFunc         // function call
	oParen        // ( operand ), removed after parsing
	oArith        // operand + operand, operand - operand (SET only)
)

// operand is a value-producing node: a path, a value placeholder, a function
// or (in SET) an arithmetic expression.
type operand struct {
	kind opKind
	tok  int         // first token
	raw  []rawElem   // oPath, as written
	path Path        // oPath, resolved
	name string      // oValue: ":v"; oFunc: function name; oArith: "+" or "-"
	val  *attr.Value // oValue, resolved
	args []*operand  // oFunc arguments; oParen: inner; oArith: both sides
}

type condKind uint8

const (
	cCmp     condKind = iota // operand comparator operand
	cBetween                 // operand BETWEEN operand AND operand
	cIn                      // operand IN (operand, ...)
	cFunc                    // function used as a condition
	cParen                   // ( condition ), removed after parsing
	cNot
	cAnd
	cOr
)

// cond is a boolean node of a condition expression.
type cond struct {
	kind condKind
	tok  int        // first token (cFunc: the function name)
	cmp  tokKind    // cCmp: tEq .. tGe
	name string     // cFunc: function name
	args []*operand // cCmp: 2, cBetween: 3, cIn: 2 or more, cFunc: arguments
	l, r *cond      // cNot, cParen: l; cAnd, cOr: l and r
}

var cmpText = map[tokKind]string{tEq: "=", tNe: "<>", tLt: "<", tLe: "<=", tGt: ">", tGe: ">="}

// action is one action of an update expression.
type action struct {
	kind   tokKind // tSet, tAdd, tDelete, tRemove
	tok    int
	raw    []rawElem
	path   Path
	val    *operand // SET: the value; ADD, DELETE: the :value operand
	legacy bool     // from AttributeUpdates: legacy ADD/DELETE semantics
}

// stripParens removes the parenthesis nodes left by the parser.
func stripOperand(o *operand) *operand {
	for o.kind == oParen {
		o = o.args[0]
	}
	for i, a := range o.args {
		o.args[i] = stripOperand(a)
	}
	return o
}

func stripCond(c *cond) *cond {
	for c.kind == cParen {
		c = c.l
	}
	for i, a := range c.args {
		c.args[i] = stripOperand(a)
	}
	if c.l != nil {
		c.l = stripCond(c.l)
	}
	if c.r != nil {
		c.r = stripCond(c.r)
	}
	return c
}
