package expr

import (
	"maps"
	"slices"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Request holds the ExpressionAttributeNames and ExpressionAttributeValues
// of one request and records which of them its expressions use: DynamoDB
// rejects entries that no expression of the request uses, so parse every
// expression of the request through the same Request and then call
// CheckUnused.
//
// A Request is used by one goroutine; the expressions it returns are
// immutable and safe to evaluate concurrently.
type Request struct {
	Names  map[string]string
	Values map[string]attr.Value

	checked    bool
	checkErr   error
	usedNames  map[string]struct{}
	usedValues map[string]struct{}
	vals       map[string]*attr.Value
}

// Check validates the two maps the way DynamoDB does before it parses any
// expression: not empty when present, keys of the form #name and :value,
// values valid attribute values. The parse methods call it first; calling it
// again returns the same result.
func (r *Request) Check() error {
	if r.checked {
		return r.checkErr
	}
	r.checked = true
	r.checkErr = r.check()
	return r.checkErr
}

func (r *Request) check() error {
	if r.Names != nil && len(r.Names) == 0 {
		return newErr("ExpressionAttributeNames must not be empty")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Names)) {
		if !isSubstitution(k, '#') {
			return newErr("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + k + "\"")
		}
	}
	if r.Values != nil && len(r.Values) == 0 {
		return newErr("ExpressionAttributeValues must not be empty")
	}
	keys := slices.Sorted(maps.Keys(r.Values))
	for _, k := range keys {
		if !isSubstitution(k, ':') {
			return newErr("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + k + "\"")
		}
	}
	for _, k := range keys {
		v := r.Values[k]
		// v shares its N pointer and slices with the map's value, so the
		// canonical numbers Check writes land in the map.
		if err := attr.Check(&v); err != nil {
			return newErr("ExpressionAttributeValues contains invalid value: " + err.Error() + " for key " + k)
		}
	}
	return nil
}

// isSubstitution reports whether k is prefix followed by one or more of
// [a-zA-Z0-9_], the only keys DynamoDB's lexer accepts.
func isSubstitution(k string, prefix byte) bool {
	if len(k) < 2 || k[0] != prefix {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isIDPart(k[i]) {
			return false
		}
	}
	return true
}

func (r *Request) name(sub string) (string, bool) {
	n, ok := r.Names[sub]
	if ok {
		if r.usedNames == nil {
			r.usedNames = make(map[string]struct{})
		}
		r.usedNames[sub] = struct{}{}
	}
	return n, ok
}

func (r *Request) value(sub string) (*attr.Value, bool) {
	if p, ok := r.vals[sub]; ok {
		return p, true
	}
	v, ok := r.Values[sub]
	if !ok {
		return nil, false
	}
	if r.vals == nil {
		r.vals = make(map[string]*attr.Value)
		r.usedValues = make(map[string]struct{})
	}
	p := &v
	r.vals[sub] = p
	r.usedValues[sub] = struct{}{}
	return p, true
}

// CheckUnused returns DynamoDB's error for names or values that no
// expression parsed through r used. Call it after every expression of the
// request has been parsed.
func (r *Request) CheckUnused() error {
	if msg := unused(r.Names, r.usedNames); msg != "" {
		return newErr("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + msg + "}")
	}
	if msg := unused(r.Values, r.usedValues); msg != "" {
		return newErr("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + msg + "}")
	}
	return nil
}

func unused[V any](m map[string]V, used map[string]struct{}) string {
	var keys []string
	for k := range m {
		if _, ok := used[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// Params records which optional parameters a request carries; CheckParams
// applies DynamoDB's rules on combining them.
type Params struct {
	// Operation is the API operation: "GetItem", "PutItem", "DeleteItem",
	// "UpdateItem", "Query", "Scan", or "ConditionCheck" for that action of
	// TransactWriteItems (others are treated like GetItem).
	Operation string

	AttributesToGet     bool
	AttributeUpdates    bool
	Expected            bool
	QueryFilter         bool
	ScanFilter          bool
	ConditionalOperator bool
	KeyConditions       bool

	ProjectionExpression   bool
	UpdateExpression       bool
	ConditionExpression    bool
	FilterExpression       bool
	KeyConditionExpression bool

	ExpressionAttributeNames  bool
	ExpressionAttributeValues bool
}

// CheckParams rejects requests that mix expression and non-expression
// (legacy) parameters, or that send ExpressionAttributeNames or
// ExpressionAttributeValues without an expression to use them.
func CheckParams(p Params) error {
	var legacy, exprs []string
	add := func(list *[]string, present bool, name string) {
		if present {
			*list = append(*list, name)
		}
	}
	add(&legacy, p.AttributesToGet, "AttributesToGet")
	add(&legacy, p.AttributeUpdates, "AttributeUpdates")
	add(&legacy, p.Expected, "Expected")
	add(&legacy, p.QueryFilter, "QueryFilter")
	add(&legacy, p.ScanFilter, "ScanFilter")
	add(&legacy, p.ConditionalOperator, "ConditionalOperator")
	// KeyConditions goes with expressions (DynamoDB accepts it beside a
	// FilterExpression or ProjectionExpression); only KeyConditionExpression
	// conflicts with it.
	add(&legacy, p.KeyConditions && p.KeyConditionExpression, "KeyConditions")
	add(&exprs, p.ProjectionExpression, "ProjectionExpression")
	add(&exprs, p.UpdateExpression, "UpdateExpression")
	add(&exprs, p.ConditionExpression, "ConditionExpression")
	add(&exprs, p.FilterExpression, "FilterExpression")
	add(&exprs, p.KeyConditionExpression, "KeyConditionExpression")
	if len(legacy) > 0 && len(exprs) > 0 {
		return newErr("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {" +
			strings.Join(legacy, ", ") + "} Expression parameters: {" + strings.Join(exprs, ", ") + "}")
	}
	if p.ExpressionAttributeNames && len(exprs) == 0 {
		return newErr("ExpressionAttributeNames can only be specified when using expressions")
	}
	if !p.ExpressionAttributeValues {
		return nil
	}
	var withValues []string
	switch p.Operation {
	case "UpdateItem":
		if p.UpdateExpression || p.ConditionExpression {
			return nil
		}
		withValues = []string{"UpdateExpression", "ConditionExpression"}
	case "Query":
		if p.FilterExpression || p.KeyConditionExpression {
			return nil
		}
		withValues = []string{"FilterExpression", "KeyConditionExpression"}
	case "Scan":
		if p.FilterExpression {
			return nil
		}
		withValues = []string{"FilterExpression"}
	case "PutItem", "DeleteItem", "ConditionCheck":
		if p.ConditionExpression {
			return nil
		}
		withValues = []string{"ConditionExpression"}
	default:
		return newErr("ExpressionAttributeValues can only be specified when using expressions")
	}
	verb := " is null"
	if len(withValues) > 1 {
		verb = " are null"
	}
	return newErr("ExpressionAttributeValues can only be specified when using expressions: " + strings.Join(withValues, " and ") + verb)
}
