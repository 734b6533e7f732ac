package dynamodb_test

// Adversarial audit of condition expressions through the SDK.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// advCheck evaluates cond against the item under key with a transaction's
// ConditionCheck (nothing is written): true when it holds.
func (e *env) advCheck(table string, key advItem, cond string, names map[string]string, vals advItem) (bool, error) {
	_, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(table), Key: key, ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
	}}}})
	if err == nil {
		return true, nil
	}
	var tce *types.TransactionCanceledException
	if asErr(err, &tce) && len(tce.CancellationReasons) == 1 && aws.ToString(tce.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return false, nil
	}
	return false, err
}

// Condition functions and operators on every type, as documented in the
// developer guide ("Condition and filter expressions, operators, and
// functions"): comparisons across types are false (and <> true), size of a
// number is no size, contains works on strings, sets and lists.
func TestAdvConditionFunctionsAndOperators(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_cond", "", "")
	key := advItem{"pk": s("k")}
	e.put("adv_cond", advItem{"pk": s("k"), "s": s("hello world"), "ss": advSS("a", "b"), "ns": advNS("1", "2"),
		"l": advL(s("x"), n("1"), advM(advItem{"q": s("r")})), "m": advM(advItem{"k": s("v")}), "n": n("5"), "bo": advBool(true),
		"nul": advNull(), "bin": advB([]byte{1, 2, 3})})
	vals := advItem{
		":S": s("S"), ":N": s("N"), ":SS": s("SS"), ":NS": s("NS"), ":L": s("L"), ":M": s("M"), ":BOOL": s("BOOL"), ":NULL": s("NULL"), ":B": s("B"),
		":0": n("0"), ":1": n("1.0"), ":2": n("2"), ":3": n("3"), ":5": n("5"), ":10": n("10"), ":11": n("11"),
		":a": s("a"), ":world": s("world"), ":x": s("x"), ":str5": s("5"), ":b12": advB([]byte{1, 2}), ":map": advM(advItem{"q": s("r")}),
	}
	cases := []struct {
		cond string
		want bool
	}{
		{"attribute_type(s, :S) AND attribute_type(n, :N) AND attribute_type(ss, :SS) AND attribute_type(ns, :NS)", true},
		{"attribute_type(l, :L) AND attribute_type(m, :M) AND attribute_type(bo, :BOOL) AND attribute_type(nul, :NULL) AND attribute_type(bin, :B)", true},
		{"attribute_type(n, :S)", false},
		{"attribute_type(gone, :S)", false},
		{"size(s) = :11 AND size(ss) = :2 AND size(l) = :3 AND size(m) = :1 AND size(bin) = :3", true},
		{"size(n) = :1", false},
		{"size(gone) < :10", false},
		{"contains(s, :world) AND contains(ss, :a) AND contains(ns, :1) AND contains(l, :x) AND contains(l, :1) AND contains(l, :map)", true},
		{"contains(s, :5)", false},
		{"contains(bin, :b12)", true},
		{"contains(n, :5)", false},
		{"n IN (:0, :3, :5)", true},
		{"n IN (:0, :str5)", false},
		{"n BETWEEN :1 AND :10", true},
		{"n BETWEEN :5 AND :5", true},
		{"s BETWEEN :1 AND :10", false},
		{"n < :str5", false},
		{"n <> :str5", true},
		{"n = :str5", false},
		{"NOT attribute_exists(gone) AND attribute_exists(m.k) AND attribute_not_exists(m.z) AND attribute_exists(l[2].q)", true},
		{"m.k = :x OR l[0] = :x", true},
		{"NOT (n = :5)", false},
		{"begins_with(s, :str5)", false},
		{"begins_with(bin, :b12)", true},
		{"gone <> :5", true},
		{"gone = gone2", false},
	}
	for _, c := range cases {
		used := advItem{}
		for k, v := range vals {
			if strings.Contains(c.cond, k+" ") || strings.Contains(c.cond, k+")") || strings.Contains(c.cond, k+",") || strings.HasSuffix(c.cond, k) {
				used[k] = v
			}
		}
		if len(used) == 0 {
			used = nil
		}
		got, err := e.advCheck("adv_cond", key, c.cond, nil, used)
		if err != nil {
			t.Errorf("%s: %v", c.cond, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.cond, got, c.want)
		}
	}
}

// Conditions on a missing item: every attribute is absent (developer guide,
// "Condition expressions"); ReturnValuesOnConditionCheckFailure returns no
// Item for a missing item and the old item otherwise (alternator
// test_returnvalues.py, run against DynamoDB).
func TestAdvConditionMissingItemAndReturnOnFailure(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_condmiss", "", "")
	missing := advItem{"pk": s("none")}
	for cond, want := range map[string]bool{
		"attribute_not_exists(pk)": true,
		"attribute_exists(pk)":     false,
		"NOT (n = :v)":             true,
		"n <> :v":                  true,
		"n = :v":                   false,
		"size(n) >= :v":            false,
		"NOT contains(n, :v)":      true,
	} {
		var vals advItem
		if strings.Contains(cond, ":v") {
			vals = advItem{":v": n("1")}
		}
		got, err := e.advCheck("adv_condmiss", missing, cond, nil, vals)
		if err != nil || got != want {
			t.Errorf("%s on a missing item: %v %v, want %v", cond, got, err, want)
		}
	}
	// A failed condition on a missing item returns no Item, on a present item the old one.
	_, err := e.c.DeleteItem(e.ctx, &dynamodb.DeleteItemInput{TableName: aws.String("adv_condmiss"), Key: missing,
		ConditionExpression: aws.String("attribute_exists(pk)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if !asErr(err, &ccf) || ccf.Item != nil {
		t.Fatalf("missing item CCF: %v", err)
	}
	e.put("adv_condmiss", advItem{"pk": s("here"), "v": n("1")})
	_, err = e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("adv_condmiss"), Key: advItem{"pk": s("here")},
		UpdateExpression: aws.String("SET v = :two"), ConditionExpression: aws.String("v = :two"),
		ExpressionAttributeValues: advItem{":two": n("2")}, ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	if !asErr(err, &ccf) || advShowItem(ccf.Item) != "{pk=S:here,v=N:1}" {
		t.Fatalf("present item CCF: %v", err)
	}
	// Only ALL_OLD and NONE are valid for ReturnValuesOnConditionCheckFailure.
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_condmiss"), Item: advItem{"pk": s("here")},
		ConditionExpression: aws.String("attribute_exists(pk)"), ReturnValuesOnConditionCheckFailure: "UPDATED_OLD"})
	advCode(t, err, "ValidationException")
}

// Expression errors with AWS's texts (dynalite's suites, written against
// DynamoDB; alternator test_condition_expression.py).
func TestAdvConditionExpressionErrors(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_conderr", "", "")
	put := func(cond string, names map[string]string, vals advItem) error {
		_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_conderr"), Item: advItem{"pk": s("k")},
			ConditionExpression: aws.String(cond), ExpressionAttributeNames: names, ExpressionAttributeValues: vals})
		return err
	}
	advWant(t, put("name = :v", nil, advItem{":v": s("x")}), "ValidationException",
		"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name")
	advWant(t, put("#n = :v", nil, advItem{":v": s("x")}), "ValidationException",
		"Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n")
	advWant(t, put("a = :v", nil, advItem{":w": s("x")}), "ValidationException",
		"Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v")
	advWant(t, put("a = :v", map[string]string{"#unused": "x"}, advItem{":v": s("x")}), "ValidationException",
		"Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}")
	advWant(t, put("a = ", nil, nil), "ValidationException", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= "`)
	advWant(t, put("a == :v", nil, advItem{":v": s("x")}), "ValidationException", `Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"`)
	advWant(t, put("attribute_type(a, :t)", nil, advItem{":t": s("STRING")}), "ValidationException",
		"Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
	advWant(t, put("a BETWEEN :hi AND :lo", nil, advItem{":hi": n("10"), ":lo": n("1")}), "ValidationException",
		"Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}")
	advWant(t, put("size(a)", nil, nil), "ValidationException",
		"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size")
	advWant(t, put("a = list_append(:v, :v)", nil, advItem{":v": advL()}), "ValidationException",
		"Invalid ConditionExpression: The function is not allowed in a condition expression; function: list_append")
	advWant(t, put("a = a", nil, nil), "ValidationException",
		"Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]")
	advWant(t, put("", nil, nil), "ValidationException", "Invalid ConditionExpression: The expression can not be empty;")
	// "The list can contain up to 100 values" (developer guide, "Comparison
	// operator and function reference").
	inList := func(k int) (string, advItem) {
		var in []string
		vals := advItem{}
		for i := 0; i < k; i++ {
			in = append(in, fmt.Sprintf(":v%d", i))
			vals[fmt.Sprintf(":v%d", i)] = n(fmt.Sprint(i))
		}
		return "attribute_not_exists(pk) OR a IN (" + strings.Join(in, ",") + ")", vals
	}
	c100, v100 := inList(100)
	if err := put(c100, nil, v100); err != nil {
		t.Errorf("IN with 100 values: %v", err)
	}
	c101, v101 := inList(101)
	advWant(t, put(c101, nil, v101), "ValidationException",
		"Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101")
	// Expression and legacy parameters together.
	_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_conderr"), Item: advItem{"pk": s("k")},
		ConditionExpression: aws.String("attribute_exists(a)"), Expected: map[string]types.ExpectedAttributeValue{"a": {Exists: aws.Bool(false)}}})
	advWant(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
	_, err = e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_conderr"), Item: advItem{"pk": s("k")},
		ExpressionAttributeValues: advItem{":v": s("x")}})
	advWant(t, err, "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null")
}

// Legacy Expected with ConditionalOperator OR and the comparison operators
// (API reference, "Expected" legacy parameter).
func TestAdvConditionLegacyExpected(t *testing.T) {
	e := newEnv(t)
	e.createTable("adv_expected", "", "")
	e.put("adv_expected", advItem{"pk": s("k"), "a": n("5"), "s": s("abc")})
	del := func(exp map[string]types.ExpectedAttributeValue, op types.ConditionalOperator) error {
		_, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("adv_expected"), Item: advItem{"pk": s("k"), "a": n("5"), "s": s("abc")},
			Expected: exp, ConditionalOperator: op})
		return err
	}
	if err := del(map[string]types.ExpectedAttributeValue{
		"a": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("100")}},
		"s": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{s("ab")}},
	}, types.ConditionalOperatorOr); err != nil {
		t.Fatalf("OR: %v", err)
	}
	err := del(map[string]types.ExpectedAttributeValue{
		"a": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("100")}},
		"s": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{s("ab")}},
	}, "")
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	if err := del(map[string]types.ExpectedAttributeValue{
		"a":    {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{n("1"), n("5")}},
		"nope": {ComparisonOperator: types.ComparisonOperatorNull},
		"s":    {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{s("x"), s("abc")}},
	}, ""); err != nil {
		t.Fatalf("AND of BETWEEN/NULL/IN: %v", err)
	}
	err = del(map[string]types.ExpectedAttributeValue{"a": {Value: n("5"), Exists: aws.Bool(false)}}, "")
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a")
	err = del(map[string]types.ExpectedAttributeValue{"a": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{}}}, "")
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator")
	err = del(map[string]types.ExpectedAttributeValue{"a": {ComparisonOperator: types.ComparisonOperatorEq}}, "")
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a")
}
