package expr

import (
	"bytes"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// KeyOp is the comparison a key condition applies to the sort key.
type KeyOp uint8

// Sort key comparisons.
const (
	KeyEQ KeyOp = iota + 1
	KeyLT
	KeyLE
	KeyGT
	KeyGE
	KeyBetween
	KeyBeginsWith
)

// KeySchema names the key attributes of the table or index a Query reads.
// The types ("S", "N" or "B") are optional; when given, values of another
// type are rejected as DynamoDB does.
type KeySchema struct {
	PartitionKey     string
	PartitionKeyType string
	SortKey          string
	SortKeyType      string
}

// KeyCondition is a validated key condition: the partition key equal to a
// value, and at most one condition on the sort key.
type KeyCondition struct {
	PartitionKey   string
	PartitionValue attr.Value
	SortKey        string // "" when there is no sort key condition
	SortOp         KeyOp
	SortValues     []attr.Value // one value, two for KeyBetween
}

// keyLeaf is one condition of a key condition, the attribute on the left.
type keyLeaf struct {
	name string
	op   KeyOp
	vals []attr.Value
}

const (
	msgKeyOperator   = "Invalid operator used in KeyConditionExpression: "
	msgKeyFirst      = "Invalid condition in KeyConditionExpression: %s operator must have the key attribute as its first operand"
	msgKeyMultiple   = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
	msgKeyNoAttr     = "Invalid condition in KeyConditionExpression: No key attribute specified"
	msgKeyNested     = "KeyConditionExpressions cannot have conditions on nested attributes"
	msgKeyNestedOp   = "KeyConditionExpressions cannot contain nested operations"
	msgKeyPerKey     = "KeyConditionExpressions must only contain one condition per key"
	msgKeyCount      = "Conditions can be of length 1 or 2 only"
	msgKeyMissed     = "Query condition missed key schema element: "
	msgKeyNotSupp    = "Query key condition not supported"
	msgKeyType       = msgParamsInvalid + "Condition parameter type does not match schema type"
	msgKeyIndexable  = "Attempted conditional constraint is not an indexable operation"
	msgLegacyBetween = "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
)

// KeyCondition parses a KeyConditionExpression and checks it against the
// key schema of the table or index queried.
func (r *Request) KeyCondition(s string, ks KeySchema) (*KeyCondition, error) {
	c, err := r.parseCond(s, kindKeyCondition)
	if err != nil {
		return nil, err
	}
	if err := keyOperators(c); err != nil {
		return nil, err
	}
	var conds []*cond
	flattenAnd(c, &conds)
	var leaves []keyLeaf
	for _, lc := range conds {
		leaf, err := keyLeafOf(lc)
		if err != nil {
			return nil, err
		}
		for _, l := range leaves {
			if l.name == leaf.name {
				return nil, newErr(msgKeyPerKey)
			}
		}
		leaves = append(leaves, leaf)
	}
	if len(leaves) > 2 {
		return nil, newErr(msgKeyCount)
	}
	if err := ks.checkTypes(leaves); err != nil {
		return nil, err
	}
	return ks.build(leaves)
}

// keyOperators rejects operators a key condition cannot use.
func keyOperators(c *cond) error {
	switch c.kind {
	case cAnd:
		if err := keyOperators(c.l); err != nil {
			return err
		}
		return keyOperators(c.r)
	case cOr:
		return newErr(msgKeyOperator + "OR")
	case cNot:
		return newErr(msgKeyOperator + "NOT")
	case cIn:
		return newErr(msgKeyOperator + "IN")
	case cCmp:
		if c.cmp == tNe {
			return newErr(msgKeyOperator + "<>")
		}
	case cFunc:
		if c.name != "begins_with" {
			return newErr(msgKeyOperator + c.name)
		}
	}
	return nil
}

func flattenAnd(c *cond, out *[]*cond) {
	if c.kind == cAnd {
		flattenAnd(c.l, out)
		flattenAnd(c.r, out)
		return
	}
	*out = append(*out, c)
}

var flipOp = map[tokKind]KeyOp{tEq: KeyEQ, tLt: KeyGT, tLe: KeyGE, tGt: KeyLT, tGe: KeyLE}
var keyOp = map[tokKind]KeyOp{tEq: KeyEQ, tLt: KeyLT, tLe: KeyLE, tGt: KeyGT, tGe: KeyGE}

func keyLeafOf(c *cond) (keyLeaf, error) {
	if c.kind == cBetween || c.kind == cFunc {
		if c.args[0].kind != oPath {
			name := "BETWEEN"
			if c.kind == cFunc {
				name = c.name
			}
			return keyLeaf{}, errf(msgKeyFirst, name)
		}
	}
	pathAt := -1
	for i, a := range c.args {
		switch a.kind {
		case oPath:
			if pathAt >= 0 {
				return keyLeaf{}, newErr(msgKeyMultiple)
			}
			if len(a.path) > 1 {
				return keyLeaf{}, newErr(msgKeyNested)
			}
			pathAt = i
		case oFunc:
			return keyLeaf{}, newErr(msgKeyNestedOp)
		}
	}
	if pathAt < 0 {
		return keyLeaf{}, newErr(msgKeyNoAttr)
	}
	leaf := keyLeaf{name: c.args[pathAt].path[0].Name}
	for i, a := range c.args {
		if i != pathAt {
			leaf.vals = append(leaf.vals, *a.val)
		}
	}
	switch c.kind {
	case cCmp:
		if pathAt == 0 {
			leaf.op = keyOp[c.cmp]
		} else {
			leaf.op = flipOp[c.cmp]
		}
	case cBetween:
		leaf.op = KeyBetween
	default:
		leaf.op = KeyBeginsWith
	}
	return leaf, nil
}

func (ks KeySchema) checkTypes(leaves []keyLeaf) error {
	for _, l := range leaves {
		var t string
		switch l.name {
		case ks.PartitionKey:
			t = ks.PartitionKeyType
		case ks.SortKey:
			t = ks.SortKeyType
		}
		if t == "" {
			continue
		}
		for i := range l.vals {
			if attr.Type(&l.vals[i]) != t {
				return newErr(msgKeyType)
			}
		}
	}
	return nil
}

// build checks the conditions against the key schema.
func (ks KeySchema) build(leaves []keyLeaf) (*KeyCondition, error) {
	if ks.SortKey == "" && len(leaves) == 2 {
		return nil, newErr(msgKeyNotSupp)
	}
	hash := -1
	for i, l := range leaves {
		if l.name == ks.PartitionKey {
			hash = i
		}
	}
	if hash < 0 {
		return nil, newErr(msgKeyMissed + ks.PartitionKey)
	}
	if leaves[hash].op != KeyEQ {
		return nil, newErr(msgKeyNotSupp)
	}
	kc := &KeyCondition{PartitionKey: ks.PartitionKey, PartitionValue: leaves[hash].vals[0]}
	if len(leaves) == 2 {
		sort := leaves[1-hash]
		if sort.name != ks.SortKey {
			return nil, newErr(msgKeyMissed + ks.SortKey)
		}
		kc.SortKey, kc.SortOp, kc.SortValues = sort.name, sort.op, sort.vals
	}
	return kc, nil
}

// Match reports whether item has the partition key value and satisfies the
// sort key condition.
func (k *KeyCondition) Match(item attr.Item) bool {
	v, ok := item[k.PartitionKey]
	if !ok || !attr.Equal(&v, &k.PartitionValue) {
		return false
	}
	if k.SortKey == "" {
		return true
	}
	s, ok := item[k.SortKey]
	return ok && k.MatchSort(&s)
}

// MatchSort reports whether a sort key value satisfies the sort key
// condition (true when there is none).
func (k *KeyCondition) MatchSort(v *attr.Value) bool {
	if k.SortKey == "" {
		return true
	}
	a := &k.SortValues[0]
	switch k.SortOp {
	case KeyEQ:
		return attr.Equal(v, a)
	case KeyBeginsWith:
		switch {
		case v.S != nil && a.S != nil:
			return strings.HasPrefix(*v.S, *a.S)
		case v.B != nil && a.B != nil:
			return bytes.HasPrefix(v.B, a.B)
		}
		return false
	}
	n, ok := attr.Compare(v, a)
	if !ok {
		return false
	}
	switch k.SortOp {
	case KeyLT:
		return n < 0
	case KeyLE:
		return n <= 0
	case KeyGT:
		return n > 0
	case KeyGE:
		return n >= 0
	case KeyBetween:
		m, ok := attr.Compare(v, &k.SortValues[1])
		return n >= 0 && ok && m <= 0
	}
	return false
}
