package expr

import (
	"maps"
	"slices"
	"strings"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Conversions of the legacy (pre-expression) parameters into the same trees
// expressions parse into, so that one evaluator serves both.

// legacyOps lists, per ComparisonOperator, the value types it accepts
// ("" = any) and its number of values (-1: one or more).
var legacyOps = map[string]struct {
	types string
	n     int
}{
	"EQ":           {"", 1},
	"NE":           {"", 1},
	"LE":           {"S N B", 1},
	"LT":           {"S N B", 1},
	"GE":           {"S N B", 1},
	"GT":           {"S N B", 1},
	"NOT_NULL":     {"", 0},
	"NULL":         {"", 0},
	"CONTAINS":     {"S N B BOOL NULL", 1},
	"NOT_CONTAINS": {"S N B BOOL NULL", 1},
	"BEGINS_WITH":  {"S B", 1},
	"IN":           {"S N B", -1},
	"BETWEEN":      {"S N B", 2},
}

// checkLegacy validates the values of one legacy condition.
func checkLegacy(op string, vals []attr.Value) error {
	for i := range vals {
		if err := attr.Check(&vals[i]); err != nil {
			return err
		}
	}
	spec, ok := legacyOps[op]
	if !ok {
		return newErr(msgParamsInvalid + "Unsupported ComparisonOperator: " + op)
	}
	if spec.n >= 0 && len(vals) != spec.n || spec.n < 0 && len(vals) == 0 {
		return newErr(msgParamsInvalid + "Invalid number of argument(s) for the " + op + " ComparisonOperator")
	}
	for i := range vals {
		t := attr.Type(&vals[i])
		if spec.types != "" && !slices.Contains(strings.Fields(spec.types), t) {
			return newErr(msgParamsInvalid + "ComparisonOperator " + op + " is not valid for " + t + " AttributeValue type")
		}
	}
	if op == "IN" || op == "BETWEEN" {
		for i := range vals[1:] {
			if attr.Type(&vals[i+1]) != attr.Type(&vals[0]) {
				return newErr(msgParamsInvalid + "AttributeValues inside AttributeValueList must be of same type")
			}
		}
	}
	if op == "BETWEEN" {
		if n, _ := attr.Compare(&vals[0], &vals[1]); n > 0 {
			return newErr(msgLegacyBetween)
		}
	}
	return nil
}

// legacyCond builds the condition "attribute name op vals".
func legacyCond(name, op string, vals []attr.Value) *cond {
	path := &operand{kind: oPath, path: Path{{Name: name}}}
	args := []*operand{path}
	for i := range vals {
		args = append(args, &operand{kind: oValue, val: &vals[i]})
	}
	fn := func(f string, a []*operand) *cond { return &cond{kind: cFunc, name: f, args: a} }
	switch op {
	case "EQ":
		return &cond{kind: cCmp, cmp: tEq, args: args}
	case "NE":
		return &cond{kind: cCmp, cmp: tNe, args: args}
	case "LE":
		return &cond{kind: cCmp, cmp: tLe, args: args}
	case "LT":
		return &cond{kind: cCmp, cmp: tLt, args: args}
	case "GE":
		return &cond{kind: cCmp, cmp: tGe, args: args}
	case "GT":
		return &cond{kind: cCmp, cmp: tGt, args: args}
	case "NULL":
		return fn("attribute_not_exists", args)
	case "NOT_NULL":
		return fn("attribute_exists", args)
	case "CONTAINS":
		return fn("contains", args)
	case "NOT_CONTAINS":
		// A missing attribute does not satisfy NOT_CONTAINS.
		return &cond{kind: cAnd, l: fn("attribute_exists", args[:1]), r: &cond{kind: cNot, l: fn("contains", args)}}
	case "BEGINS_WITH":
		return fn("begins_with", args)
	case "IN":
		return &cond{kind: cIn, args: args}
	}
	return &cond{kind: cBetween, args: args}
}

// join combines conditions with ConditionalOperator ("" means AND).
func join(conds []*cond, conditionalOperator string) *Condition {
	if len(conds) == 0 {
		return nil
	}
	k := cAnd
	if conditionalOperator == "OR" {
		k = cOr
	}
	root := conds[0]
	for _, c := range conds[1:] {
		root = &cond{kind: k, l: root, r: c}
	}
	return &Condition{root: root}
}

// Expected converts a legacy Expected parameter, with its
// ConditionalOperator ("AND", "OR" or "" for AND). An empty map gives a nil
// Condition, which every item satisfies.
func Expected(expected map[string]dynamodbapi.ExpectedAttributeValue, conditionalOperator string) (*Condition, error) {
	var conds []*cond
	for _, name := range slices.Sorted(maps.Keys(expected)) {
		e := expected[name]
		c, err := expectedCond(name, e)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return join(conds, conditionalOperator), nil
}

func expectedCond(name string, e dynamodbapi.ExpectedAttributeValue) (*cond, error) {
	forAttr := " for Attribute: " + name
	if e.Value != nil && e.AttributeValueList != nil {
		return nil, newErr(msgParamsInvalid + "Value and AttributeValueList cannot be used together" + forAttr)
	}
	if e.AttributeValueList != nil && e.ComparisonOperator == nil {
		return nil, newErr(msgParamsInvalid + "AttributeValueList can only be used with a ComparisonOperator" + forAttr)
	}
	if e.ComparisonOperator != nil {
		op := *e.ComparisonOperator
		if e.Exists != nil {
			return nil, newErr(msgParamsInvalid + "Exists and ComparisonOperator cannot be used together" + forAttr)
		}
		vals := slices.Clone(e.AttributeValueList)
		if e.Value != nil {
			vals = []attr.Value{*e.Value}
		}
		if vals == nil && op != "NULL" && op != "NOT_NULL" {
			return nil, newErr(msgParamsInvalid + "Value or AttributeValueList must be used with ComparisonOperator: " + op + forAttr)
		}
		if err := checkLegacy(op, vals); err != nil {
			return nil, err
		}
		return legacyCond(name, op, vals), nil
	}
	if e.Exists != nil && !*e.Exists {
		if e.Value != nil {
			return nil, newErr(msgParamsInvalid + "Value cannot be used when Exists is false" + forAttr)
		}
		return legacyCond(name, "NULL", nil), nil
	}
	if e.Value == nil {
		state := "null"
		if e.Exists != nil {
			state = "true"
		}
		return nil, newErr(msgParamsInvalid + "Value must be provided when Exists is " + state + forAttr)
	}
	vals := []attr.Value{*e.Value}
	if err := checkLegacy("EQ", vals); err != nil {
		return nil, err
	}
	return legacyCond(name, "EQ", vals), nil
}

// QueryFilter converts a legacy QueryFilter parameter, with its
// ConditionalOperator ("AND", "OR" or "" for AND). An empty map gives a nil
// Condition, which every item satisfies.
func QueryFilter(filter map[string]dynamodbapi.Condition, conditionalOperator string) (*Condition, error) {
	return legacyFilter(filter, conditionalOperator)
}

// ScanFilter converts a legacy ScanFilter parameter, as QueryFilter does.
func ScanFilter(filter map[string]dynamodbapi.Condition, conditionalOperator string) (*Condition, error) {
	return legacyFilter(filter, conditionalOperator)
}

func legacyFilter(filter map[string]dynamodbapi.Condition, conditionalOperator string) (*Condition, error) {
	var conds []*cond
	for _, name := range slices.Sorted(maps.Keys(filter)) {
		c, err := filterCond(name, filter[name])
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return join(conds, conditionalOperator), nil
}

func filterCond(name string, f dynamodbapi.Condition) (*cond, error) {
	op := ""
	if f.ComparisonOperator != nil {
		op = *f.ComparisonOperator
	}
	vals := slices.Clone(f.AttributeValueList)
	if err := checkLegacy(op, vals); err != nil {
		return nil, err
	}
	return legacyCond(name, op, vals), nil
}

// KeyConditions converts a legacy KeyConditions parameter and checks it
// against the key schema of the table or index queried.
func KeyConditions(conds map[string]dynamodbapi.Condition, ks KeySchema) (*KeyCondition, error) {
	names := slices.Sorted(maps.Keys(conds))
	ops := make(map[string]string, len(conds))
	var leaves []keyLeaf
	for _, name := range names {
		c := conds[name]
		op := ""
		if c.ComparisonOperator != nil {
			op = *c.ComparisonOperator
		}
		vals := slices.Clone(c.AttributeValueList)
		if err := checkLegacy(op, vals); err != nil {
			return nil, err
		}
		ops[name] = op
		leaf := keyLeaf{name: name, vals: vals}
		switch op {
		case "EQ":
			leaf.op = KeyEQ
		case "LT":
			leaf.op = KeyLT
		case "LE":
			leaf.op = KeyLE
		case "GT":
			leaf.op = KeyGT
		case "GE":
			leaf.op = KeyGE
		case "BETWEEN":
			leaf.op = KeyBetween
		case "BEGINS_WITH":
			leaf.op = KeyBeginsWith
		}
		leaves = append(leaves, leaf)
	}
	if len(leaves) == 0 || len(leaves) > 2 {
		return nil, newErr(msgKeyCount)
	}
	if _, ok := conds[ks.PartitionKey]; !ok {
		return nil, newErr(msgKeyMissed + ks.PartitionKey)
	}
	if len(leaves) == 2 {
		if ks.SortKey == "" {
			return nil, newErr(msgKeyNotSupp)
		}
		if _, ok := conds[ks.SortKey]; !ok {
			return nil, newErr(msgKeyMissed + ks.SortKey)
		}
	}
	for _, l := range leaves {
		if l.op == 0 {
			return nil, newErr(msgKeyIndexable)
		}
	}
	if err := ks.checkTypes(leaves); err != nil {
		return nil, err
	}
	return ks.build(leaves)
}

// AttributeUpdates converts a legacy AttributeUpdates parameter. Its
// actions are PUT (the default), DELETE (the attribute, or elements of a
// set) and ADD (to a number, a set or a list); type mismatches at apply time
// give "Type mismatch for attribute to update".
func AttributeUpdates(updates map[string]dynamodbapi.AttributeValueUpdate) (*Update, error) {
	var acts []*action
	for _, name := range slices.Sorted(maps.Keys(updates)) {
		u := updates[name]
		act := "PUT"
		if u.Action != nil && *u.Action != "" {
			act = *u.Action
		}
		a := &action{path: Path{{Name: name}}, legacy: true}
		if u.Value != nil {
			v := *u.Value
			if err := attr.Check(&v); err != nil {
				return nil, err
			}
			a.val = &operand{kind: oValue, val: &v}
		}
		t := ""
		if a.val != nil {
			t = attr.Type(a.val.val)
		}
		switch act {
		case "PUT":
			a.kind = tSet
		case "DELETE":
			a.kind = tRemove
			if a.val != nil {
				if t != "SS" && t != "NS" && t != "BS" {
					return nil, newErr(msgParamsInvalid + "DELETE action with value is not supported for the type " + t)
				}
				a.kind = tDelete
			}
		case "ADD":
			a.kind = tAdd
			if a.val != nil && t != "N" && t != "SS" && t != "NS" && t != "BS" && t != "L" {
				return nil, newErr(msgParamsInvalid + "ADD action is not supported for the type " + t)
			}
		default:
			return nil, newErr(msgParamsInvalid + "Unsupported AttributeUpdates action: " + act)
		}
		if a.val == nil && a.kind != tRemove {
			return nil, newErr(msgParamsInvalid + "Only DELETE action is allowed when no attribute value is specified")
		}
		acts = append(acts, a)
	}
	return newUpdate(acts), nil
}
