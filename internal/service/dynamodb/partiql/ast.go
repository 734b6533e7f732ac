// Package partiql parses the PartiQL statements DynamoDB accepts in
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction (SELECT,
// INSERT, UPDATE, DELETE and EXISTS), binds their parameters, and refuses
// what DynamoDB refuses with DynamoDB's messages. It also evaluates WHERE
// conditions and SET values on items, and plans reads: which key
// conditions a SELECT's WHERE holds (GetItem, Query or Scan) and whether a
// write names its whole primary key.
package partiql

import (
	"encoding/base64"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

// Value is a DynamoDB attribute value.
type Value = dynamodbapi.AttributeValue

// Kind is what a statement does.
type Kind uint8

const (
	Select Kind = iota + 1
	Insert
	Update
	Delete
	// Exists is EXISTS(SELECT ...): a condition check, allowed only among
	// the writes of ExecuteTransaction.
	Exists
)

func (k Kind) String() string {
	switch k {
	case Select:
		return "SELECT"
	case Insert:
		return "INSERT"
	case Update:
		return "UPDATE"
	case Delete:
		return "DELETE"
	case Exists:
		return "EXISTS"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Statement is a parsed statement with its parameters bound.
type Statement struct {
	Kind Kind
	// Table is the table name; Index the index a SELECT reads, if any.
	Table, Index string
	// Projection is what a SELECT returns; nil means every attribute.
	Projection []Path
	// Where is the condition, nil when there is none.
	Where *Expr
	// OrderBy is a SELECT's ORDER BY, by attribute name.
	OrderBy []OrderBy
	// Item is the item an INSERT writes.
	Item map[string]Value
	// Updates are an UPDATE's SET and REMOVE clauses, in statement order.
	Updates []UpdateClause
	// Returning is the ReturnValues of RETURNING ... *: "ALL_OLD",
	// "MODIFIED_OLD", "ALL_NEW" or "MODIFIED_NEW"; "" when absent.
	Returning string
}

// OrderBy is one ORDER BY key.
type OrderBy struct {
	Name string
	Desc bool
}

// Action is what an UpdateClause does to its path.
type Action uint8

const (
	// ActionSet is SET path = value.
	ActionSet Action = iota + 1
	// ActionRemove is REMOVE path.
	ActionRemove
	// ActionAdd is SET path = set_add(path, set): UpdateItem's ADD.
	ActionAdd
	// ActionDelete is SET path = set_delete(path, set): UpdateItem's DELETE.
	ActionDelete
)

// UpdateClause is one SET or REMOVE of an UPDATE.
type UpdateClause struct {
	Action Action
	Path   Path
	// Value is the value to set (ActionSet), or the set to add or delete
	// (an OpValue holding SS, NS or BS); nil for ActionRemove.
	Value *Expr
}

// PathElem is one step of a document path: a map key or a list index.
type PathElem struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path such as a.b[1].c. It is never empty and never
// starts with an index.
type Path []PathElem

// Name returns the path's top-level attribute name.
func (p Path) Name() string { return p[0].Name }

// String writes the path as a.b[1].c.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case i > 0:
			b.WriteByte('.')
			b.WriteString(e.Name)
		default:
			b.WriteString(e.Name)
		}
	}
	return b.String()
}

// Equal reports whether two paths are the same.
func (p Path) Equal(q Path) bool {
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

// collapsed is the name DynamoDB uses to find duplicate projections: the
// last map key and the list indexes after it (a.b[1] and c.b[1] collide).
func (p Path) collapsed() string {
	s := ""
	for _, e := range p {
		if e.IsIndex {
			s += "[" + strconv.Itoa(e.Index) + "]"
		} else {
			s = e.Name
		}
	}
	return s
}

// Get returns the value at the path in item; ok is false when there is none.
func (p Path) Get(item map[string]Value) (v Value, ok bool) {
	v, ok = item[p[0].Name]
	if !ok {
		return Value{}, false
	}
	for _, e := range p[1:] {
		if e.IsIndex {
			if v.L == nil || e.Index >= len(v.L) {
				return Value{}, false
			}
			v = v.L[e.Index]
			continue
		}
		if v.M == nil {
			return Value{}, false
		}
		if v, ok = v.M[e.Name]; !ok {
			return Value{}, false
		}
	}
	return v, true
}

// Op is the operator of an expression node.
type Op uint8

const (
	OpValue Op = iota + 1 // a literal or bound parameter: Expr.Value
	OpPath                // an attribute: Expr.Path
	OpEq                  // Args[0] = Args[1] (also IS NULL)
	OpNe                  // <>
	OpLt
	OpLe
	OpGt
	OpGe
	OpIn      // Args[0] IN (Args[1:]...)
	OpBetween // Args[0] BETWEEN Args[1] AND Args[2]
	OpAnd
	OpOr
	OpNot
	OpBeginsWith         // begins_with(path, value)
	OpContains           // contains(path, value)
	OpAttributeType      // attribute_type(path, type); IS BOOLEAN/STRING/...
	OpAttributeExists    // attribute_exists(path)
	OpAttributeNotExists // attribute_not_exists(path); IS MISSING
	OpSize               // size(path)
	OpPlus               // SET values only
	OpMinus
	OpListAppend  // list_append(a, b)
	OpIfNotExists // if_not_exists(path, value)
)

var opNames = [...]string{
	OpValue: "value", OpPath: "path", OpEq: "=", OpNe: "<>", OpLt: "<", OpLe: "<=", OpGt: ">",
	OpGe: ">=", OpIn: "IN", OpBetween: "BETWEEN", OpAnd: "AND", OpOr: "OR", OpNot: "NOT",
	OpBeginsWith: "begins_with", OpContains: "contains", OpAttributeType: "attribute_type",
	OpAttributeExists: "attribute_exists", OpAttributeNotExists: "attribute_not_exists",
	OpSize: "size", OpPlus: "+", OpMinus: "-", OpListAppend: "list_append",
	OpIfNotExists: "if_not_exists",
}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Expr is a node of a WHERE condition or a SET value.
type Expr struct {
	Op    Op
	Args  []*Expr
	Value Value // OpValue
	Path  Path  // OpPath
}

// isCondition reports whether e yields a boolean (DynamoDB's "operator"
// nodes as opposed to operands).
func (e *Expr) isCondition() bool {
	switch e.Op {
	case OpValue, OpPath, OpSize, OpPlus, OpMinus, OpListAppend, OpIfNotExists:
		return false
	}
	return true
}

// isOpNode reports whether e is an operator or function (anything but a
// value or a path), DynamoDB's test for AND, OR, NOT and WHERE operands.
func (e *Expr) isOpNode() bool { return e.Op != OpValue && e.Op != OpPath }

// String writes the expression in PartiQL-like syntax, for logs and tests.
func (e *Expr) String() string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

func (e *Expr) write(b *strings.Builder) {
	switch e.Op {
	case OpValue:
		writeValue(b, &e.Value)
	case OpPath:
		b.WriteString(e.Path.String())
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpAnd, OpOr, OpPlus, OpMinus:
		b.WriteByte('(')
		e.Args[0].write(b)
		b.WriteString(" " + e.Op.String() + " ")
		e.Args[1].write(b)
		b.WriteByte(')')
	case OpNot:
		b.WriteString("NOT ")
		e.Args[0].write(b)
	case OpIn:
		b.WriteByte('(')
		e.Args[0].write(b)
		b.WriteString(" IN [")
		for i, a := range e.Args[1:] {
			if i > 0 {
				b.WriteString(", ")
			}
			a.write(b)
		}
		b.WriteString("])")
	case OpBetween:
		b.WriteByte('(')
		e.Args[0].write(b)
		b.WriteString(" BETWEEN ")
		e.Args[1].write(b)
		b.WriteString(" AND ")
		e.Args[2].write(b)
		b.WriteByte(')')
	default:
		b.WriteString(e.Op.String())
		b.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.write(b)
		}
		b.WriteByte(')')
	}
}

func writeValue(b *strings.Builder, v *Value) {
	quote := func(s string) { b.WriteString("'" + strings.ReplaceAll(s, "'", "''") + "'") }
	list := func(open, close string, n int, elem func(int)) {
		b.WriteString(open)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			elem(i)
		}
		b.WriteString(close)
	}
	switch {
	case v.S != nil:
		quote(*v.S)
	case v.N != nil:
		b.WriteString(*v.N)
	case v.B != nil:
		b.WriteString("b'" + base64.StdEncoding.EncodeToString(v.B) + "'")
	case v.BOOL != nil:
		b.WriteString(strconv.FormatBool(*v.BOOL))
	case v.NULL != nil:
		b.WriteString("NULL")
	case v.L != nil:
		list("[", "]", len(v.L), func(i int) { writeValue(b, &v.L[i]) })
	case v.M != nil:
		keys := slices.Sorted(maps.Keys(v.M))
		list("{", "}", len(keys), func(i int) {
			quote(keys[i])
			b.WriteString(": ")
			x := v.M[keys[i]]
			writeValue(b, &x)
		})
	case v.SS != nil:
		list("<<", ">>", len(v.SS), func(i int) { quote(v.SS[i]) })
	case v.NS != nil:
		list("<<", ">>", len(v.NS), func(i int) { b.WriteString(v.NS[i]) })
	case v.BS != nil:
		list("<<", ">>", len(v.BS), func(i int) { b.WriteString("b'" + base64.StdEncoding.EncodeToString(v.BS[i]) + "'") })
	default:
		b.WriteString("?")
	}
}
