// Package attr implements DynamoDB attribute values: validation with AWS's
// exact messages, DynamoDB's decimal numbers (canonical form, exact
// comparison and arithmetic), equality and ordering, item sizes, and an
// order-preserving byte encoding of key values for the SQL store.
package attr

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

// Value is one attribute value as it travels on the wire.
type Value = dynamodbapi.AttributeValue

// Item is a set of named attribute values.
type Item = map[string]Value

// Error is an input error whose Msg is AWS's ValidationException message
// text, exactly.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// MaxDepth is the deepest level a value may sit at: a top-level attribute is
// level 1, an element of it level 2, and so on. DynamoDB accepts a scalar
// wrapped in 31 maps and rejects 32 wraps.
const MaxDepth = 32

// AWS message texts for values (see the tests for their provenance).
const (
	msgEmpty       = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgMultiple    = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgInvalid     = "One or more parameter values were invalid: "
	msgNullFalse   = msgInvalid + "Null attribute value types must have the value of true"
	msgEmptySS     = msgInvalid + "An string set  may not be empty"
	msgEmptyNS     = msgInvalid + "An number set  may not be empty"
	msgEmptyBS     = msgInvalid + "Binary sets should not be empty"
	msgDuplicateNS = "Input collection contains duplicates"
	msgNesting     = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// Type returns "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS", or
// "" when no member is set. A member is set when it is non-nil, so an empty
// string, binary, list or map counts. With several members set it returns the
// first in that order.
func Type(v *Value) string {
	switch {
	case v.S != nil:
		return "S"
	case v.N != nil:
		return "N"
	case v.B != nil:
		return "B"
	case v.BOOL != nil:
		return "BOOL"
	case v.NULL != nil:
		return "NULL"
	case v.M != nil:
		return "M"
	case v.L != nil:
		return "L"
	case v.SS != nil:
		return "SS"
	case v.NS != nil:
		return "NS"
	case v.BS != nil:
		return "BS"
	}
	return ""
}

// members counts the members set.
func members(v *Value) int {
	n := 0
	for _, set := range [...]bool{v.B != nil, v.BOOL != nil, v.BS != nil, v.L != nil, v.M != nil,
		v.N != nil, v.NS != nil, v.NULL != nil, v.S != nil, v.SS != nil} {
		if set {
			n++
		}
	}
	return n
}

// Check validates an input value the way DynamoDB does and canonicalises its
// numbers in place (N and every NS element, recursively inside M and L; an N
// is rewritten through its pointer). Empty strings and binaries are valid
// here: only key attributes forbid them, which the caller checks.
//
// As in DynamoDB each member is checked first (numbers, NULL, empty sets,
// duplicates, nested values), and only then the number of members.
func Check(v *Value) error {
	return check(v, 1)
}

// CheckItem runs Check on every attribute of an item.
func CheckItem(it Item) error {
	for _, v := range it {
		// v is a copy, but it shares N pointers and slices with the map's
		// value, so canonicalisation lands in the item.
		if err := check(&v, 1); err != nil {
			return err
		}
	}
	return nil
}

func check(v *Value, depth int) error {
	n := members(v)
	if n == 0 {
		return &Error{Msg: msgEmpty}
	}
	if v.BS != nil {
		if len(v.BS) == 0 {
			return &Error{Msg: msgEmptyBS}
		}
		if hasDuplicateBytes(v.BS) {
			return &Error{Msg: msgInvalid + "Input collection " + listBytes(v.BS) + "of type BS contains duplicates."}
		}
	}
	if v.L != nil {
		if len(v.L) > 0 && depth >= MaxDepth {
			return &Error{Msg: msgNesting}
		}
		for i := range v.L {
			if err := check(&v.L[i], depth+1); err != nil {
				return err
			}
		}
	}
	if v.M != nil {
		if len(v.M) > 0 && depth >= MaxDepth {
			return &Error{Msg: msgNesting}
		}
		for _, e := range v.M {
			if err := check(&e, depth+1); err != nil {
				return err
			}
		}
	}
	if v.N != nil {
		c, err := CanonicalNumber(*v.N)
		if err != nil {
			return err
		}
		if c != *v.N {
			*v.N = c
		}
	}
	if v.NS != nil {
		if len(v.NS) == 0 {
			return &Error{Msg: msgEmptyNS}
		}
		for i, s := range v.NS {
			c, err := CanonicalNumber(s)
			if err != nil {
				return err
			}
			if c != s {
				v.NS[i] = c
			}
		}
		// Duplicates are judged on canonical forms: "1" and "1.0" clash.
		if hasDuplicateStrings(v.NS) {
			return &Error{Msg: msgDuplicateNS}
		}
	}
	if v.NULL != nil && !*v.NULL {
		return &Error{Msg: msgNullFalse}
	}
	if v.SS != nil {
		if len(v.SS) == 0 {
			return &Error{Msg: msgEmptySS}
		}
		if hasDuplicateStrings(v.SS) {
			return &Error{Msg: msgInvalid + "Input collection [" + strings.Join(v.SS, ", ") + "] contains duplicates."}
		}
	}
	if n > 1 {
		return &Error{Msg: msgMultiple}
	}
	return nil
}

func hasDuplicateStrings(s []string) bool {
	if len(s) < 2 {
		return false
	}
	if len(s) <= 8 {
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				if s[i] == s[j] {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(s))
	for _, x := range s {
		if _, ok := seen[x]; ok {
			return true
		}
		seen[x] = struct{}{}
	}
	return false
}

func hasDuplicateBytes(s [][]byte) bool {
	if len(s) < 2 {
		return false
	}
	seen := make(map[string]struct{}, len(s))
	for _, x := range s {
		if _, ok := seen[string(x)]; ok {
			return true
		}
		seen[string(x)] = struct{}{}
	}
	return false
}

// listBytes renders a binary set as AWS does in its duplicate message:
// base64 elements, comma separated, in brackets.
func listBytes(s [][]byte) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(base64.StdEncoding.EncodeToString(x))
	}
	b.WriteByte(']')
	return b.String()
}

// Equal is DynamoDB equality: same type and value; numbers compare
// numerically, sets as sets (order-free), M and L deeply.
func Equal(a, b *Value) bool {
	t := Type(a)
	if t != Type(b) {
		return false
	}
	switch t {
	case "S":
		return *a.S == *b.S
	case "N":
		return CompareNumbers(*a.N, *b.N) == 0
	case "B":
		return bytes.Equal(a.B, b.B)
	case "BOOL":
		return *a.BOOL == *b.BOOL
	case "NULL":
		return *a.NULL == *b.NULL
	case "SS":
		return sameSet(a.SS, b.SS, func(s string) string { return s })
	case "NS":
		return sameSet(a.NS, b.NS, numberKey)
	case "BS":
		return sameSet(a.BS, b.BS, func(x []byte) string { return string(x) })
	case "L":
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !Equal(&a.L[i], &b.L[i]) {
				return false
			}
		}
		return true
	case "M":
		if len(a.M) != len(b.M) {
			return false
		}
		for k, x := range a.M {
			y, ok := b.M[k]
			if !ok || !Equal(&x, &y) {
				return false
			}
		}
		return true
	}
	return true // both empty
}

// sameSet reports whether a and b hold the same elements under key.
func sameSet[T any](a, b []T, key func(T) string) bool {
	if len(a) != len(b) {
		// Sets from the wire have no duplicates, so sizes must agree.
		return false
	}
	if len(a) == 1 {
		return key(a[0]) == key(b[0])
	}
	in := make(map[string]struct{}, len(a))
	for _, x := range a {
		in[key(x)] = struct{}{}
	}
	for _, y := range b {
		if _, ok := in[key(y)]; !ok {
			return false
		}
	}
	return true
}

// Compare orders two scalars of the same type: N numerically, S by UTF-8
// bytes, B by unsigned bytes. ok is false for other or mixed types.
func Compare(a, b *Value) (c int, ok bool) {
	t := Type(a)
	if t != Type(b) {
		return 0, false
	}
	switch t {
	case "S":
		return strings.Compare(*a.S, *b.S), true
	case "N":
		return CompareNumbers(*a.N, *b.N), true
	case "B":
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

// Clone deep-copies a value, keeping the difference between nil and empty
// members (an empty L is still an L).
func Clone(v Value) Value {
	out := Value{
		B:  bytes.Clone(v.B),
		SS: slices.Clone(v.SS),
		NS: slices.Clone(v.NS),
	}
	if v.S != nil {
		s := *v.S
		out.S = &s
	}
	if v.N != nil {
		n := *v.N
		out.N = &n
	}
	if v.BOOL != nil {
		b := *v.BOOL
		out.BOOL = &b
	}
	if v.NULL != nil {
		b := *v.NULL
		out.NULL = &b
	}
	if v.BS != nil {
		out.BS = make([][]byte, len(v.BS))
		for i, x := range v.BS {
			out.BS[i] = bytes.Clone(x)
		}
	}
	if v.L != nil {
		out.L = make([]Value, len(v.L))
		for i, x := range v.L {
			out.L[i] = Clone(x)
		}
	}
	if v.M != nil {
		out.M = CloneItem(v.M)
	}
	return out
}

// CloneItem deep-copies an item; nil stays nil.
func CloneItem(it Item) Item {
	if it == nil {
		return nil
	}
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = Clone(v)
	}
	return out
}
