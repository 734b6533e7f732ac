package partiql

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Match evaluates a condition on an item as DynamoDB evaluates a
// ConditionExpression: a comparison with a missing attribute or values of
// different types is false (except <>, which is true), and functions look
// at the attribute's type.
func (e *Expr) Match(item map[string]Value) (bool, error) {
	switch e.Op {
	case OpAnd:
		l, err := e.Args[0].Match(item)
		if err != nil || !l {
			return false, err
		}
		return e.Args[1].Match(item)
	case OpOr:
		l, err := e.Args[0].Match(item)
		if err != nil || l {
			return l, err
		}
		return e.Args[1].Match(item)
	case OpNot:
		v, err := e.Args[0].Match(item)
		return !v, err
	case OpEq, OpNe:
		a, aok, err := e.Args[0].operand(item)
		if err != nil {
			return false, err
		}
		b, bok, err := e.Args[1].operand(item)
		if err != nil {
			return false, err
		}
		eq := aok && bok && attr.Equal(&a, &b)
		if e.Op == OpNe {
			return !eq, nil
		}
		return eq, nil
	case OpLt, OpLe, OpGt, OpGe:
		a, aok, err := e.Args[0].operand(item)
		if err != nil || !aok {
			return false, err
		}
		b, bok, err := e.Args[1].operand(item)
		if err != nil || !bok {
			return false, err
		}
		c, ok := attr.Compare(&a, &b)
		if !ok {
			return false, nil
		}
		switch e.Op {
		case OpLt:
			return c < 0, nil
		case OpLe:
			return c <= 0, nil
		case OpGt:
			return c > 0, nil
		}
		return c >= 0, nil
	case OpIn:
		x, ok, err := e.Args[0].operand(item)
		if err != nil || !ok {
			return false, err
		}
		for _, a := range e.Args[1:] {
			v, ok, err := a.operand(item)
			if err != nil {
				return false, err
			}
			if ok && attr.Equal(&x, &v) {
				return true, nil
			}
		}
		return false, nil
	case OpBetween:
		var v [3]Value
		for i := range v {
			x, ok, err := e.Args[i].operand(item)
			if err != nil || !ok {
				return false, err
			}
			v[i] = x
		}
		lo, ok1 := attr.Compare(&v[0], &v[1])
		hi, ok2 := attr.Compare(&v[0], &v[2])
		return ok1 && ok2 && lo >= 0 && hi <= 0, nil
	case OpBeginsWith:
		x, ok, err := e.Args[0].operand(item)
		if err != nil || !ok {
			return false, err
		}
		p, ok, err := e.Args[1].operand(item)
		if err != nil || !ok {
			return false, err
		}
		switch {
		case x.S != nil && p.S != nil:
			return strings.HasPrefix(*x.S, *p.S), nil
		case x.B != nil && p.B != nil:
			return bytes.HasPrefix(x.B, p.B), nil
		}
		return false, nil
	case OpContains:
		x, ok, err := e.Args[0].operand(item)
		if err != nil || !ok {
			return false, err
		}
		v, ok, err := e.Args[1].operand(item)
		if err != nil || !ok {
			return false, err
		}
		return contains(&x, &v), nil
	case OpAttributeType:
		x, ok, err := e.Args[0].operand(item)
		if err != nil || !ok {
			return false, err
		}
		t, ok, err := e.Args[1].operand(item)
		if err != nil || !ok || t.S == nil {
			return false, err
		}
		return attr.Type(&x) == *t.S, nil
	case OpAttributeExists, OpAttributeNotExists:
		_, ok, err := e.Args[0].operand(item)
		if err != nil {
			return false, err
		}
		return ok == (e.Op == OpAttributeExists), nil
	}
	v, missing, err := e.Eval(item)
	if err != nil || missing {
		return false, err
	}
	return v.BOOL != nil && *v.BOOL, nil
}

func contains(x, v *Value) bool {
	switch {
	case x.S != nil:
		return v.S != nil && strings.Contains(*x.S, *v.S)
	case x.B != nil:
		return v.B != nil && bytes.Contains(x.B, v.B)
	case x.SS != nil:
		if v.S != nil {
			for _, s := range x.SS {
				if s == *v.S {
					return true
				}
			}
		}
	case x.NS != nil:
		if v.N != nil {
			for _, n := range x.NS {
				if attr.CompareNumbers(n, *v.N) == 0 {
					return true
				}
			}
		}
	case x.BS != nil:
		if v.B != nil {
			for _, b := range x.BS {
				if bytes.Equal(b, v.B) {
					return true
				}
			}
		}
	case x.L != nil:
		for i := range x.L {
			if attr.Equal(&x.L[i], v) {
				return true
			}
		}
	}
	return false
}

// operand is the value of an operand in a condition; ok is false for a
// missing attribute or a size() of one that has no size.
func (e *Expr) operand(item map[string]Value) (Value, bool, error) {
	switch e.Op {
	case OpValue:
		return e.Value, true, nil
	case OpPath:
		v, ok := e.Path.Get(item)
		return v, ok, nil
	case OpSize:
		v, ok, err := e.Args[0].operand(item)
		if err != nil || !ok {
			return Value{}, false, err
		}
		n, ok := size(&v)
		if !ok {
			return Value{}, false, nil
		}
		return Value{N: ptr(strconv.Itoa(n))}, true, nil
	}
	if e.isCondition() {
		b, err := e.Match(item)
		return Value{BOOL: ptr(b)}, err == nil, err
	}
	v, missing, err := e.Eval(item)
	return v, !missing && err == nil, err
}

// size is DynamoDB's size(): the length of a string or binary in bytes, the
// number of elements of a set, list or map.
func size(v *Value) (int, bool) {
	switch {
	case v.S != nil:
		return len(*v.S), true
	case v.B != nil:
		return len(v.B), true
	case v.SS != nil:
		return len(v.SS), true
	case v.NS != nil:
		return len(v.NS), true
	case v.BS != nil:
		return len(v.BS), true
	case v.L != nil:
		return len(v.L), true
	case v.M != nil:
		return len(v.M), true
	}
	return 0, false
}

// Eval computes a value on an item: the value of a SET, or an operand.
// missing reports a path with no value (and is never set with an error);
// arithmetic and list_append on a missing attribute or a value of the
// wrong type fail with UpdateItem's messages.
func (e *Expr) Eval(item map[string]Value) (v Value, missing bool, err error) {
	switch e.Op {
	case OpValue:
		return e.Value, false, nil
	case OpPath:
		v, ok := e.Path.Get(item)
		return v, !ok, nil
	case OpIfNotExists:
		if v, ok := e.Args[0].Path.Get(item); ok {
			return v, false, nil
		}
		return e.Args[1].Eval(item)
	case OpPlus, OpMinus, OpListAppend:
		var args [2]Value
		for i := range args {
			a, missing, err := e.Args[i].Eval(item)
			if err != nil {
				return Value{}, false, err
			}
			if missing {
				return Value{}, false, validation(MsgMissingAttribute)
			}
			args[i] = a
		}
		if e.Op == OpListAppend {
			if args[0].L == nil || args[1].L == nil {
				return Value{}, false, validation(MsgOperandType)
			}
			l := make([]Value, 0, len(args[0].L)+len(args[1].L))
			return Value{L: append(append(l, args[0].L...), args[1].L...)}, false, nil
		}
		if args[0].N == nil || args[1].N == nil {
			return Value{}, false, validation(MsgOperandType)
		}
		var n string
		if e.Op == OpPlus {
			n, err = attr.AddNumbers(*args[0].N, *args[1].N)
		} else {
			n, err = attr.SubNumbers(*args[0].N, *args[1].N)
		}
		if err != nil {
			return Value{}, false, validation(err.Error())
		}
		return Value{N: &n}, false, nil
	case OpSize:
		v, ok, err := e.operand(item)
		if err != nil {
			return Value{}, false, err
		}
		return v, !ok, nil
	}
	b, err := e.Match(item)
	if err != nil {
		return Value{}, false, err
	}
	return Value{BOOL: ptr(b)}, false, nil
}
