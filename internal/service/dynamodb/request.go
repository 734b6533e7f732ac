package dynamodb

import (
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
)

// exprParams are the expression parameters a request carries.
type exprParams struct {
	condition, update, projection, filter, keyCondition *string
}

// legacyParams says which legacy (pre-expression) parameters it carries.
type legacyParams struct {
	expected, attributeUpdates, attributesToGet, keyConditions, queryFilter, scanFilter, conditionalOperator bool
}

// newRequest checks the expression-related parameters of an operation as
// a whole (AWS's rules on mixing legacy and expression parameters, empty
// maps, invalid values) and returns the expr.Request the operation's
// expressions are parsed with.
func newRequest(op string, names map[string]string, values attr.Item, e exprParams, l legacyParams) (*expr.Request, error) {
	err := expr.CheckParams(expr.Params{
		Operation:       op,
		AttributesToGet: l.attributesToGet, AttributeUpdates: l.attributeUpdates, Expected: l.expected,
		QueryFilter: l.queryFilter, ScanFilter: l.scanFilter, ConditionalOperator: l.conditionalOperator, KeyConditions: l.keyConditions,
		ProjectionExpression: e.projection != nil, UpdateExpression: e.update != nil, ConditionExpression: e.condition != nil,
		FilterExpression: e.filter != nil, KeyConditionExpression: e.keyCondition != nil,
		ExpressionAttributeNames: names != nil, ExpressionAttributeValues: values != nil,
	})
	if err != nil {
		return nil, exprErr(err)
	}
	r := &expr.Request{Names: names, Values: values}
	if err := r.Check(); err != nil {
		return nil, exprErr(err)
	}
	return r, nil
}

// checkConditionalOperator applies DynamoDB's rules on ConditionalOperator:
// it needs a legacy filter or Expected map of two or more elements.
func checkConditionalOperator(op *string, n int) error {
	switch {
	case op == nil:
		return nil
	case n == 0:
		return validation("ConditionalOperator cannot be used without Filter or Expected")
	case n < 2:
		return validation("ConditionalOperator can only be used when Filter or Expected has two or more elements")
	}
	return nil
}
