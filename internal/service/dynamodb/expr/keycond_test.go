package expr

import (
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

func TestKeyConditionErrors(t *testing.T) {
	hash := KeySchema{PartitionKey: "a", PartitionKeyType: "S"}
	rng := KeySchema{PartitionKey: "a", PartitionKeyType: "S", SortKey: "b", SortKeyType: "S"}
	const vals = `{":a":{"S":"1"},":b":{"S":"1"},":n":{"N":"1"},":s":{"S":"a"},":sb":{"S":"b"},":S":{"S":"S"}}`
	tests := []struct {
		expr string
		ks   KeySchema
		want string
	}{
		{"", hash, "Invalid KeyConditionExpression: The expression can not be empty;"},
		{"things are not gonna be ok", hash, `Invalid KeyConditionExpression: Syntax error; token: "are", near: "things are not"`},
		{"a > 4", hash, `Invalid KeyConditionExpression: Syntax error; token: "4", near: "> 4"`},
		{"(size(a))[0] > a", hash, `Invalid KeyConditionExpression: Syntax error; token: "[", near: ")[0"`},
		{"attribute_type(a, b)", hash, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type(a, :n)", hash, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, :sb)", hash, "Invalid KeyConditionExpression: Invalid attribute type name found; type: b, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"a between :sb and :s", hash, "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"},
		{"a between :n and :s", hash, "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
		{"a > b and size(b) > c or a > c", hash, "Invalid operator used in KeyConditionExpression: OR"},
		{"a in (b, size(c), d)", hash, "Invalid operator used in KeyConditionExpression: IN"},
		{"attribute_exists(a)", hash, "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"attribute_not_exists(a)", hash, "Invalid operator used in KeyConditionExpression: attribute_not_exists"},
		{"contains(a.d, b)", hash, "Invalid operator used in KeyConditionExpression: contains"},
		{"not a > b", hash, "Invalid operator used in KeyConditionExpression: NOT"},
		{"a <> b", hash, "Invalid operator used in KeyConditionExpression: <>"},
		{"attribute_type(a, :S)", hash, "Invalid operator used in KeyConditionExpression: attribute_type"},
		{":a between size(b) and size(a) and b > :b", hash, "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"begins_with(:a, b) and a > :b", hash, "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
		{"size(b) > a AND a.b > b AND b > c", hash, "KeyConditionExpressions cannot contain nested operations"},
		{"a > size(b.d)", hash, "KeyConditionExpressions cannot contain nested operations"},
		{"a between size(b) and size(a)", hash, "KeyConditionExpressions cannot contain nested operations"},
		{"b > a.b", hash, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"b between c[1] and d", hash, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"a between b and size(a)", hash, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"begins_with(a, b)", hash, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"b.d > a AND c.d > e.f", hash, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"a.d > c", hash, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"b[0] > a", hash, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{":b > :a AND a < :b", hash, "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{":a > b AND :a < :b", hash, "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"b > :a AND b < :a and c = :a and d = :a", hash, "KeyConditionExpressions must only contain one condition per key"},
		{"(a > :a and b > :a) and (b > :a and c > :a)", hash, "KeyConditionExpressions must only contain one condition per key"},
		{":a = a and b = :a and :a = c", hash, "Conditions can be of length 1 or 2 only"},
		{"(a > :a and b > :a) and (c > :a and d > :a) and (e > :a and f > :a)", hash, "Conditions can be of length 1 or 2 only"},
		{":n > a", hash, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"a = :a and b > :n", rng, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"a > :a", hash, "Query key condition not supported"},
		{"a < :a", hash, "Query key condition not supported"},
		{":a <= a", hash, "Query key condition not supported"},
		{":a >= a", hash, "Query key condition not supported"},
		{"begins_with(a, :a)", hash, "Query key condition not supported"},
		{"a between :a and :a", hash, "Query key condition not supported"},
		{"a = :a AND b = :a", hash, "Query key condition not supported"},
		{"y = :a and z = :a", hash, "Query key condition not supported"},
		{"z = :a", hash, "Query condition missed key schema element: a"},
		{"z between :a and :b", rng, "Query condition missed key schema element: a"},
		{"b = :b", rng, "Query condition missed key schema element: a"},
		{"a = :a and c = :b", rng, "Query condition missed key schema element: b"},
		{"a > :a and b = :b", rng, "Query key condition not supported"},
		{"#pk = :a AND #sk.foo = :b", rng, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"((a = :a))", hash, "Invalid KeyConditionExpression: The expression has redundant parentheses;"},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, `{"#pk":"a","#sk":"b"}`), Values: values(t, vals)}
		_, err := r.KeyCondition(tt.expr, tt.ks)
		if got := errText(err); got != tt.want {
			t.Errorf("KeyCondition(%q)\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
}

func TestKeyCondition(t *testing.T) {
	rng := KeySchema{PartitionKey: "pk", SortKey: "sk"}
	const vals = `{":p":{"S":"p"},":lo":{"S":"b"},":hi":{"S":"d"},":pre":{"S":"c"}}`
	tests := []struct {
		expr   string
		op     KeyOp
		values string
		match  []string // sort key values that match, out of a..e, ca
	}{
		{"pk = :p", 0, "", []string{"a", "b", "c", "ca", "d", "e"}},
		{"pk = :p AND sk = :lo", KeyEQ, `[{"S":"b"}]`, []string{"b"}},
		{"pk = :p AND sk < :lo", KeyLT, `[{"S":"b"}]`, []string{"a"}},
		{"pk = :p AND sk <= :lo", KeyLE, `[{"S":"b"}]`, []string{"a", "b"}},
		{"pk = :p AND sk > :hi", KeyGT, `[{"S":"d"}]`, []string{"e"}},
		{"pk = :p AND sk >= :hi", KeyGE, `[{"S":"d"}]`, []string{"d", "e"}},
		{"pk = :p AND :lo <= sk", KeyGE, `[{"S":"b"}]`, []string{"b", "c", "ca", "d", "e"}},
		{":hi > sk AND :p = pk", KeyLT, `[{"S":"d"}]`, []string{"a", "b", "c", "ca"}},
		{"pk = :p AND sk BETWEEN :lo AND :hi", KeyBetween, `[{"S":"b"},{"S":"d"}]`, []string{"b", "c", "ca", "d"}},
		{"pk = :p AND begins_with(sk, :pre)", KeyBeginsWith, `[{"S":"c"}]`, []string{"c", "ca"}},
		{"(pk = :p) AND (sk = :lo)", KeyEQ, `[{"S":"b"}]`, []string{"b"}},
		{"(pk = :p AND (sk = :lo))", KeyEQ, `[{"S":"b"}]`, []string{"b"}},
	}
	for _, tt := range tests {
		r := &Request{Values: values(t, vals)}
		kc, err := r.KeyCondition(tt.expr, rng)
		if err != nil {
			t.Errorf("KeyCondition(%q): %v", tt.expr, err)
			continue
		}
		if kc.PartitionKey != "pk" || *kc.PartitionValue.S != "p" || kc.SortOp != tt.op {
			t.Errorf("KeyCondition(%q) = %+v", tt.expr, kc)
		}
		if tt.op != 0 && toJSON(t, kc.SortValues) != tt.values {
			t.Errorf("KeyCondition(%q) values %s", tt.expr, toJSON(t, kc.SortValues))
		}
		var got []string
		for _, s := range []string{"a", "b", "c", "ca", "d", "e"} {
			if kc.Match(item(t, `{"pk":{"S":"p"},"sk":{"S":"`+s+`"}}`)) {
				got = append(got, s)
			}
		}
		if toJSON(t, got) != toJSON(t, tt.match) {
			t.Errorf("KeyCondition(%q) matches %v, want %v", tt.expr, got, tt.match)
		}
		if kc.Match(item(t, `{"pk":{"S":"q"},"sk":{"S":"b"}}`)) {
			t.Errorf("KeyCondition(%q) matches another partition", tt.expr)
		}
	}
}

func TestKeyConditions(t *testing.T) {
	hash := KeySchema{PartitionKey: "a"}
	rng := KeySchema{PartitionKey: "a", SortKey: "b"}
	c := func(op string, vals ...string) dynamodbapi.Condition {
		cond := dynamodbapi.Condition{ComparisonOperator: &op}
		for _, v := range vals {
			cond.AttributeValueList = append(cond.AttributeValueList, val(t, v))
		}
		return cond
	}
	tests := []struct {
		conds map[string]dynamodbapi.Condition
		ks    KeySchema
		want  string
	}{
		{map[string]dynamodbapi.Condition{}, hash, "Conditions can be of length 1 or 2 only"},
		{map[string]dynamodbapi.Condition{"a": c("NULL"), "b": c("NULL"), "c": c("NULL")}, rng, "Conditions can be of length 1 or 2 only"},
		{map[string]dynamodbapi.Condition{"a": c("EQ"), "b": c("NULL"), "c": c("NULL")}, rng, "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{map[string]dynamodbapi.Condition{"a": c("BETWEEN", `{"S":"a"}`)}, hash, "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{map[string]dynamodbapi.Condition{"a": c("NULL", `{"S":"a"}`)}, hash, "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
		{map[string]dynamodbapi.Condition{"a": c("EQ", `{"N":"1"}`, `{"SS":[]}`)}, hash, "One or more parameter values were invalid: An string set  may not be empty"},
		{map[string]dynamodbapi.Condition{"a": c("LT", `{"BOOL":true}`)}, hash, "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL AttributeValue type"},
		{map[string]dynamodbapi.Condition{"a": c("IN", `{"S":"b"}`, `{"N":"1"}`)}, hash, "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{map[string]dynamodbapi.Condition{"a": c("BETWEEN", `{"S":"b"}`, `{"S":"a"}`)}, hash, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{map[string]dynamodbapi.Condition{"z": c("NULL")}, rng, "Query condition missed key schema element: a"},
		{map[string]dynamodbapi.Condition{"a": c("EQ", `{"S":"b"}`), "c": c("NULL")}, rng, "Query condition missed key schema element: b"},
		{map[string]dynamodbapi.Condition{"a": c("NULL")}, hash, "Attempted conditional constraint is not an indexable operation"},
		{map[string]dynamodbapi.Condition{"a": c("NE", `{"N":"1"}`)}, hash, "Attempted conditional constraint is not an indexable operation"},
		{map[string]dynamodbapi.Condition{"a": c("IN", `{"S":"a"}`)}, hash, "Attempted conditional constraint is not an indexable operation"},
		{map[string]dynamodbapi.Condition{"a": c("EQ", `{"S":"b"}`), "b": c("CONTAINS", `{"S":"a"}`)}, rng, "Attempted conditional constraint is not an indexable operation"},
		{map[string]dynamodbapi.Condition{"a": c("EQ", `{"S":"a"}`), "b": c("EQ", `{"S":"a"}`)}, hash, "Query key condition not supported"},
		{map[string]dynamodbapi.Condition{"a": c("LE", `{"S":"a"}`)}, hash, "Query key condition not supported"},
		{map[string]dynamodbapi.Condition{"a": c("BEGINS_WITH", `{"S":"a"}`)}, hash, "Query key condition not supported"},
		{map[string]dynamodbapi.Condition{"a": c("EQ", `{"S":"a"}`), "b": c("BETWEEN", `{"S":"a"}`, `{"S":"c"}`)}, rng, ""},
	}
	for _, tt := range tests {
		_, err := KeyConditions(tt.conds, tt.ks)
		if got := errText(err); got != tt.want {
			t.Errorf("KeyConditions(%s)\n got %s\nwant %s", toJSON(t, tt.conds), got, tt.want)
		}
	}
	kc, err := KeyConditions(map[string]dynamodbapi.Condition{"a": c("EQ", `{"S":"p"}`), "b": c("GT", `{"S":"m"}`)}, rng)
	if err != nil || !kc.Match(item(t, `{"a":{"S":"p"},"b":{"S":"z"}}`)) || kc.Match(item(t, `{"a":{"S":"p"},"b":{"S":"a"}}`)) {
		t.Errorf("KeyConditions GT: %+v %v", kc, err)
	}
}
