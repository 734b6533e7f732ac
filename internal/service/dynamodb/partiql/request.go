package partiql

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Texts of the operations around the statements: ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction (DynamoDB's, as recorded by
// public conformance suites, or as DynamoDB Local ships them).
const (
	MsgBatchSelectKey  = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
	MsgBatchMixed      = "Read and write requests together in the same batch is not supported."
	MsgTxMixed         = "ExecuteTransaction API does not support both read and write operations in the same request."
	MsgTxReturning     = "RETURNING clause is not supported in ExecuteTransaction."
	MsgTxStatement     = "Validation failed in TransactStatements[%d]: %s"
	MsgDuplicateItem   = "Duplicate primary key exists in table"
	MsgNoSuchIndex     = "The table does not have the specified index"
	MsgIndexProjection = "One or more parameter values were invalid: Global secondary index %s does not project [%s]"
	MsgIndexFilter     = "One or more parameter values were invalid: Secondary index %s does not project one or more filter attributes: [%s]"
	MsgTokenMismatch   = "NextToken does not match request"
	MsgTokenInvalid    = "Invalid NextToken"

	msgNotNumeric = "The parameter cannot be converted to a numeric value"
	msgUnderflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

// CheckParameters validates a request's Parameters as DynamoDB does before
// it reads the statement, in document order: nesting depth, then numbers
// as Java's BigDecimal reads them (an exponent or a scale outside a 32-bit
// integer cannot be converted; a magnitude that overflows 32 bits wraps
// into an underflow), then everything attr.Check checks. Numbers are
// canonicalised in place.
func CheckParameters(params []Value) error {
	for i := range params {
		if err := checkParam(&params[i], 1); err != nil {
			return err
		}
		if err := attr.Check(&params[i]); err != nil {
			return err
		}
	}
	return nil
}

func checkParam(v *Value, depth int) error {
	if (len(v.L) > 0 || len(v.M) > 0) && depth >= attr.MaxDepth {
		return &Error{Code: CodeValidation, Msg: MsgNesting}
	}
	for i := range v.L {
		if err := checkParam(&v.L[i], depth+1); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(v.M)) {
		e := v.M[k]
		if err := checkParam(&e, depth+1); err != nil {
			return err
		}
	}
	if v.N != nil {
		if err := bigDecimal(*v.N); err != nil {
			return err
		}
	}
	for _, n := range v.NS {
		if err := bigDecimal(n); err != nil {
			return err
		}
	}
	return nil
}

// bigDecimal applies the limits of Java's BigDecimal(String) that
// DynamoDB's own number checks do not see. Other malformed numbers are
// left to attr.Check.
func bigDecimal(s string) error {
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	if !hasExp {
		return nil
	}
	e, err := strconv.ParseInt(strings.TrimPrefix(exp, "+"), 10, 32)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return &Error{Code: CodeValidation, Msg: msgNotNumeric + ": " + s}
		}
		return nil
	}
	mant = strings.TrimLeft(mant, "+-")
	intPart, frac, _ := strings.Cut(mant, ".")
	scale := int64(len(frac)) - e
	if scale > 1<<31-1 || scale < -1<<31 {
		return &Error{Code: CodeValidation, Msg: msgNotNumeric + ": " + s}
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	precision := int64(max(len(digits), 1))
	if precision-scale > 1<<31-1 {
		// BigDecimal's precision() - scale() wraps to a negative int.
		return &Error{Code: CodeValidation, Msg: msgUnderflow}
	}
	return nil
}

// OutputName is the attribute name a SELECT returns the path's value
// under: its last map key and the list indexes after it (SELECT a.b
// returns {"b": ...}).
func (p Path) OutputName() string { return p.collapsed() }

// Names returns the top-level attributes e reads, in statement order,
// each once.
func (e *Expr) Names() []string {
	var out []string
	var walk func(*Expr)
	walk = func(e *Expr) {
		if e.Op == OpPath && !slices.Contains(out, e.Path.Name()) {
			out = append(out, e.Path.Name())
		}
		for _, a := range e.Args {
			walk(a)
		}
	}
	walk(e)
	return out
}
