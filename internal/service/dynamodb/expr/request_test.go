package expr

import (
	"testing"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

func TestRequestCheck(t *testing.T) {
	tests := []struct {
		names, values, want string
	}{
		{`{}`, "", "ExpressionAttributeNames must not be empty"},
		{`{"a":"a"}`, "", `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{`{"#":"a"}`, "", `ExpressionAttributeNames contains invalid key: Syntax error; key: "#"`},
		{`{"#a-b":"a"}`, "", `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{"", `{}`, "ExpressionAttributeValues must not be empty"},
		{"", `{":b":{"S":"a"},"b":{"S":"a"}}`, `ExpressionAttributeValues contains invalid key: Syntax error; key: "b"`},
		{"", `{":b":{}}`, "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :b"},
		{"", `{":b":{"SS":[]}}`, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b"},
		{"", `{":b":{"S":"a","N":"1"}}`, "ExpressionAttributeValues contains invalid value: Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes for key :b"},
		{`{"#Alpha_1":"x","#_":"y","#123":"z"}`, `{":_":{"N":"1"}}`, ""},
	}
	for _, tt := range tests {
		r := &Request{Names: names(t, tt.names), Values: values(t, tt.values)}
		if got := errText(r.Check()); got != tt.want {
			t.Errorf("Check(%s, %s)\n got %s\nwant %s", tt.names, tt.values, got, tt.want)
		}
		// Parsing reports the same error first.
		if _, err := r.Condition("a = b"); tt.want != "" && errText(err) != tt.want {
			t.Errorf("Condition after bad maps: %v", err)
		}
	}
	// Numbers in values are canonicalised.
	r := &Request{Values: map[string]attr.Value{":n": val(t, `{"N":"01.50"}`)}}
	c, err := r.Condition("a = :n")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Eval(item(t, `{"a":{"N":"1.5"}}`)); !ok {
		t.Error("1.5 = 01.50")
	}
}

func TestCheckUnused(t *testing.T) {
	r := &Request{
		Names:  names(t, `{"#a":"a","#b":"b","#k":"k","#p":"p"}`),
		Values: values(t, `{":a":{"S":"a"},":b":{"S":"a"},":c":{"S":"a"}}`),
	}
	if _, err := r.Update("remove a set b = list_append(b, if_not_exists(a, :a))"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Condition("a = :b"); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckUnused(); errText(err) != "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b, #k, #p}" {
		t.Errorf("CheckUnused: %v", err)
	}
	if _, err := r.KeyCondition("#k = :c", KeySchema{PartitionKey: "k"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Projection("#p, #a, #b"); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckUnused(); err != nil {
		t.Errorf("all used: %v", err)
	}
	r = &Request{Values: values(t, `{":a":{"S":"a"},":b":{"S":"a"},":c":{"S":"a"}}`)}
	if _, err := r.Update("remove a"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Condition("a = :b"); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckUnused(); errText(err) != "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}" {
		t.Errorf("CheckUnused: %v", err)
	}
	if err := (&Request{}).CheckUnused(); err != nil {
		t.Errorf("empty request: %v", err)
	}
}

func TestCheckParams(t *testing.T) {
	tests := []struct {
		p    Params
		want string
	}{
		{Params{Operation: "UpdateItem", Expected: true, AttributeUpdates: true, UpdateExpression: true, ConditionExpression: true, ExpressionAttributeNames: true, ExpressionAttributeValues: true},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}"},
		{Params{Operation: "Query", AttributesToGet: true, QueryFilter: true, ConditionalOperator: true, KeyConditions: true, ProjectionExpression: true, FilterExpression: true, KeyConditionExpression: true},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}"},
		{Params{Operation: "Query", AttributesToGet: true, QueryFilter: true, ConditionalOperator: true, ProjectionExpression: true, FilterExpression: true},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"},
		{Params{Operation: "GetItem", AttributesToGet: true, ProjectionExpression: true},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
		{Params{Operation: "PutItem", Expected: true, ConditionExpression: true},
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{Params{Operation: "UpdateItem", Expected: true, ExpressionAttributeNames: true, ExpressionAttributeValues: true},
			"ExpressionAttributeNames can only be specified when using expressions"},
		{Params{Operation: "UpdateItem", Expected: true, ExpressionAttributeValues: true},
			"ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
		{Params{Operation: "Query", QueryFilter: true, ExpressionAttributeValues: true},
			"ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null"},
		{Params{Operation: "PutItem", ExpressionAttributeValues: true},
			"ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{Params{Operation: "Scan", ProjectionExpression: true, ExpressionAttributeNames: true, ExpressionAttributeValues: true},
			"ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"},
		{Params{Operation: "Scan", ProjectionExpression: true, ExpressionAttributeNames: true}, ""},
		{Params{Operation: "UpdateItem", UpdateExpression: true, ExpressionAttributeValues: true}, ""},
		{Params{Operation: "Query", AttributesToGet: true, KeyConditions: true}, ""},
	}
	for _, tt := range tests {
		if got := errText(CheckParams(tt.p)); got != tt.want {
			t.Errorf("CheckParams(%+v)\n got %s\nwant %s", tt.p, got, tt.want)
		}
	}
}
