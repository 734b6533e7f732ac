package expr

import (
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

func ptr[T any](v T) *T { return &v }

func TestExpectedErrors(t *testing.T) {
	s := val(t, `{"S":"a"}`)
	tests := []struct {
		exp  dynamodbapi.ExpectedAttributeValue
		want string
	}{
		{dynamodbapi.ExpectedAttributeValue{}, "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Exists: ptr(true)}, "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Exists: ptr(false), Value: &s}, "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("LT")}, "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Exists: ptr(true), ComparisonOperator: ptr("LT")}, "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{AttributeValueList: []dynamodbapi.AttributeValue{}}, "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Exists: ptr(true), AttributeValueList: []dynamodbapi.AttributeValue{}}, "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Value: &s, AttributeValueList: []dynamodbapi.AttributeValue{}}, "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"},
		{dynamodbapi.ExpectedAttributeValue{Value: &s, ComparisonOperator: ptr("BETWEEN")}, "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{dynamodbapi.ExpectedAttributeValue{Value: &s, ComparisonOperator: ptr("NULL")}, "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("IN"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"S":"b"}`), val(t, `{"N":"1"}`)}},
			"One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"S":"b"}`), val(t, `{"S":"a"}`)}},
			"The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("CONTAINS"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"SS":["a"]}`)}},
			"One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for SS AttributeValue type"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("BEGINS_WITH"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"N":"1"}`)}},
			"One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{dynamodbapi.ExpectedAttributeValue{ComparisonOperator: ptr("GE"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"M":{}}`)}},
			"One or more parameter values were invalid: ComparisonOperator GE is not valid for M AttributeValue type"},
	}
	for _, tt := range tests {
		_, err := Expected(map[string]dynamodbapi.ExpectedAttributeValue{"a": tt.exp}, "")
		if got := errText(err); got != tt.want {
			t.Errorf("Expected(%s)\n got %s\nwant %s", toJSON(t, tt.exp), got, tt.want)
		}
	}
}

func TestLegacyConditions(t *testing.T) {
	doc := item(t, `{"pk":{"S":"k"},"status":{"S":"active"},"role":{"S":"user"},"val":{"N":"20"},"name":{"S":"alpha-one"},"tags":{"SS":["a","b"]},"l":{"L":[{"S":"x"}]}}`)
	cond := func(op string, vals ...string) dynamodbapi.Condition {
		c := dynamodbapi.Condition{ComparisonOperator: &op}
		for _, v := range vals {
			c.AttributeValueList = append(c.AttributeValueList, val(t, v))
		}
		return c
	}
	filters := []struct {
		name string
		c    dynamodbapi.Condition
		want bool
	}{
		{"val", cond("EQ", `{"N":"20"}`), true},
		{"val", cond("EQ", `{"S":"20"}`), false},
		{"val", cond("NE", `{"N":"20"}`), false},
		{"nope", cond("NE", `{"N":"20"}`), true},
		{"val", cond("GT", `{"N":"19"}`), true},
		{"val", cond("LT", `{"N":"19"}`), false},
		{"val", cond("LE", `{"N":"20"}`), true},
		{"val", cond("GE", `{"N":"21"}`), false},
		{"name", cond("BEGINS_WITH", `{"S":"alpha"}`), true},
		{"name", cond("CONTAINS", `{"S":"one"}`), true},
		{"name", cond("NOT_CONTAINS", `{"S":"one"}`), false},
		{"name", cond("NOT_CONTAINS", `{"S":"two"}`), true},
		{"nope", cond("NOT_CONTAINS", `{"S":"two"}`), false},
		{"tags", cond("CONTAINS", `{"S":"a"}`), true},
		{"l", cond("CONTAINS", `{"S":"x"}`), true},
		{"nope", cond("NULL"), true},
		{"val", cond("NULL"), false},
		{"val", cond("NOT_NULL"), true},
		{"val", cond("IN", `{"N":"1"}`, `{"N":"20"}`), true},
		{"val", cond("IN", `{"N":"1"}`), false},
		{"val", cond("BETWEEN", `{"N":"10"}`, `{"N":"20"}`), true},
		{"val", cond("BETWEEN", `{"N":"21"}`, `{"N":"30"}`), false},
	}
	for _, f := range filters {
		c, err := ScanFilter(map[string]dynamodbapi.Condition{f.name: f.c}, "")
		if err != nil {
			t.Errorf("Filter %s %s: %v", f.name, *f.c.ComparisonOperator, err)
			continue
		}
		if got, _ := c.Eval(doc); got != f.want {
			t.Errorf("Filter %s %s %s = %v, want %v", f.name, *f.c.ComparisonOperator, toJSON(t, f.c.AttributeValueList), got, f.want)
		}
	}
	two := map[string]dynamodbapi.Condition{"status": cond("EQ", `{"S":"active"}`), "role": cond("EQ", `{"S":"admin"}`)}
	if c, _ := QueryFilter(two, "AND"); evalOK(c, doc) {
		t.Error("AND of a false condition")
	}
	if c, _ := ScanFilter(two, "OR"); !evalOK(c, doc) {
		t.Error("OR of a true condition")
	}
	if c, err := QueryFilter(nil, ""); c != nil || err != nil || !evalOK(c, doc) {
		t.Error("empty filter")
	}

	expected := []struct {
		exp  map[string]dynamodbapi.ExpectedAttributeValue
		want bool
	}{
		{map[string]dynamodbapi.ExpectedAttributeValue{"pk": {Exists: ptr(false)}}, false},
		{map[string]dynamodbapi.ExpectedAttributeValue{"nope": {Exists: ptr(false)}}, true},
		{map[string]dynamodbapi.ExpectedAttributeValue{"status": {Value: ptr(val(t, `{"S":"active"}`))}}, true},
		{map[string]dynamodbapi.ExpectedAttributeValue{"status": {Exists: ptr(true), Value: ptr(val(t, `{"S":"other"}`))}}, false},
		{map[string]dynamodbapi.ExpectedAttributeValue{"status": {ComparisonOperator: ptr("EQ"), AttributeValueList: []dynamodbapi.AttributeValue{val(t, `{"S":"active"}`)}}}, true},
		{map[string]dynamodbapi.ExpectedAttributeValue{"status": {ComparisonOperator: ptr("NE"), Value: ptr(val(t, `{"S":"active"}`))}}, false},
		{map[string]dynamodbapi.ExpectedAttributeValue{"nope": {ComparisonOperator: ptr("NULL")}}, true},
	}
	for _, e := range expected {
		c, err := Expected(e.exp, "")
		if err != nil {
			t.Errorf("Expected(%s): %v", toJSON(t, e.exp), err)
			continue
		}
		if got := evalOK(c, doc); got != e.want {
			t.Errorf("Expected(%s) = %v, want %v", toJSON(t, e.exp), got, e.want)
		}
	}
}

func evalOK(c *Condition, it map[string]dynamodbapi.AttributeValue) bool {
	ok, _ := c.Eval(it)
	return ok
}

func TestAttributeUpdates(t *testing.T) {
	upd := func(action string, v string) dynamodbapi.AttributeValueUpdate {
		u := dynamodbapi.AttributeValueUpdate{}
		if action != "" {
			u.Action = &action
		}
		if v != "" {
			x := dynamoValue(t, v)
			u.Value = &x
		}
		return u
	}
	tests := []struct {
		item    string
		updates map[string]dynamodbapi.AttributeValueUpdate
		want    string
	}{
		{`{"pk":{"S":"k"}}`, map[string]dynamodbapi.AttributeValueUpdate{"data": upd("PUT", `{"S":"new"}`)}, `{"data":{"S":"new"},"pk":{"S":"k"}}`},
		{`{"pk":{"S":"k"}}`, map[string]dynamodbapi.AttributeValueUpdate{"col": upd("", `{"S":"written"}`)}, `{"col":{"S":"written"},"pk":{"S":"k"}}`},
		{`{"tags":{"SS":["a","b","c"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"tags": upd("DELETE", `{"SS":["b"]}`)}, `{"tags":{"SS":["a","c"]}}`},
		{`{"tags":{"SS":["a"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"tags": upd("DELETE", `{"SS":["a"]}`)}, `{}`},
		{`{"c":{"N":"10"}}`, map[string]dynamodbapi.AttributeValueUpdate{"c": upd("ADD", `{"N":"5"}`)}, `{"c":{"N":"15"}}`},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"c": upd("ADD", `{"N":"5"}`)}, `{"c":{"N":"5"}}`},
		{`{"tags":{"SS":["a","b"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"tags": upd("ADD", `{"SS":["c","d"]}`)}, `{"tags":{"SS":["a","b","c","d"]}}`},
		{`{"l":{"L":[{"N":"1"}]}}`, map[string]dynamodbapi.AttributeValueUpdate{"l": upd("ADD", `{"L":[{"N":"2"}]}`)}, `{"l":{"L":[{"N":"1"},{"N":"2"}]}}`},
		{`{"name":{"S":"old"},"count":{"N":"1"},"extra":{"S":"x"}}`, map[string]dynamodbapi.AttributeValueUpdate{
			"name": upd("PUT", `{"S":"new"}`), "count": upd("ADD", `{"N":"9"}`), "extra": upd("DELETE", "")},
			`{"count":{"N":"10"},"name":{"S":"new"}}`},
		{`{"b":{"SS":["1"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"b": upd("DELETE", `{"NS":["1"]}`)}, msgLegacyType},
		{`{"c":{"N":"1"}}`, map[string]dynamodbapi.AttributeValueUpdate{"c": upd("DELETE", `{"NS":["1"]}`)}, msgLegacyType},
		{`{"b":{"SS":["1"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"b": upd("ADD", `{"NS":["1"]}`)}, msgLegacyType},
		{`{"d":{"NS":["1"]}}`, map[string]dynamodbapi.AttributeValueUpdate{"d": upd("ADD", `{"N":"1"}`)}, msgLegacyType},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("", "")}, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("ADD", "")}, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("DELETE", `{"S":"1"}`)}, "One or more parameter values were invalid: DELETE action with value is not supported for the type S"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("DELETE", `{"L":[]}`)}, "One or more parameter values were invalid: DELETE action with value is not supported for the type L"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("ADD", `{"B":"Yg=="}`)}, "One or more parameter values were invalid: ADD action is not supported for the type B"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("ADD", `{"M":{}}`)}, "One or more parameter values were invalid: ADD action is not supported for the type M"},
		{`{}`, map[string]dynamodbapi.AttributeValueUpdate{"a": upd("PUT", `{"SS":[]}`)}, "One or more parameter values were invalid: An string set  may not be empty"},
	}
	for _, tt := range tests {
		u, err := AttributeUpdates(tt.updates)
		var got string
		if err != nil {
			got = errText(err)
		} else {
			out, _, err := u.Apply(item(t, tt.item))
			got = errText(err)
			if err == nil {
				got = toJSON(t, out)
			}
		}
		if got != tt.want {
			t.Errorf("AttributeUpdates(%s) on %s\n got %s\nwant %s", toJSON(t, tt.updates), tt.item, got, tt.want)
		}
	}
	u, _ := AttributeUpdates(map[string]dynamodbapi.AttributeValueUpdate{"b": upd("PUT", `{"N":"1"}`), "a": upd("DELETE", "")})
	if got := strings.Join(u.Attributes(), ","); got != "a,b" {
		t.Errorf("Attributes = %s", got)
	}
}

func dynamoValue(t *testing.T, js string) dynamodbapi.AttributeValue { return val(t, js) }
