package expr

import (
	"encoding/json"
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// legacyErr fails unless err is nil or an *attr.Error (a ValidationException
// for the client).
func legacyErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if _, ok := err.(*attr.Error); !ok {
		t.Fatalf("error %T %v is not an *attr.Error", err, err)
	}
}

var legacySeeds = []string{
	`{"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}}`,
	`{"b":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"3"}]},"s":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"he"}]}}`,
	`{"l":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"2"}]},"x":{"ComparisonOperator":"NULL"}}`,
	`{"ns":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"N":"2"}]},"a":{"ComparisonOperator":"NOT_NULL"}}`,
	`{"a":{"Exists":false},"b":{"Value":{"N":"2"}},"s":{"Value":{"S":"hello"},"Exists":true}}`,
	`{"b":{"Action":"ADD","Value":{"N":"1"}},"ns":{"Action":"DELETE","Value":{"NS":["1"]}},"s":{"Action":"PUT","Value":{"S":"y"}},"l":{"Action":"ADD","Value":{"L":[{"N":"3"}]}},"name":{"Action":"DELETE"}}`,
	`{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"3"},{"N":"1"}]}}`,
	`{"a":{"ComparisonOperator":"FOO"}}`, `{}`, `{"":{}}`,
}

// FuzzLegacy feeds JSON maps to every legacy translator (QueryFilter,
// ScanFilter, Expected, KeyConditions, AttributeUpdates) and runs what
// they accept: nothing may panic, hang or fail with anything but a
// validation error.
func FuzzLegacy(f *testing.F) {
	for _, s := range legacySeeds {
		f.Add(s, "AND")
	}
	f.Add(legacySeeds[1], "OR")
	it := item(f, fuzzItem)
	f.Fuzz(func(t *testing.T, js, op string) {
		var conds map[string]dynamodbapi.Condition
		if json.Unmarshal([]byte(js), &conds) == nil {
			for _, translate := range []func(map[string]dynamodbapi.Condition, string) (*Condition, error){QueryFilter, ScanFilter} {
				c, err := translate(conds, op)
				legacyErr(t, err)
				if err == nil && c != nil {
					if _, err := c.Eval(it); err != nil {
						legacyErr(t, err)
					}
				}
			}
			kc, err := KeyConditions(conds, KeySchema{PartitionKey: "s", SortKey: "b"})
			legacyErr(t, err)
			if err == nil && kc != nil {
				kc.Match(it)
			}
		}
		var expected map[string]dynamodbapi.ExpectedAttributeValue
		if json.Unmarshal([]byte(js), &expected) == nil {
			c, err := Expected(expected, op)
			legacyErr(t, err)
			if err == nil && c != nil {
				if _, err := c.Eval(it); err != nil {
					legacyErr(t, err)
				}
				c.Eval(nil)
			}
		}
		var updates map[string]dynamodbapi.AttributeValueUpdate
		if json.Unmarshal([]byte(js), &updates) == nil {
			u, err := AttributeUpdates(updates)
			legacyErr(t, err)
			if err == nil && u != nil {
				if _, _, err := u.Apply(item(t, fuzzItem)); err != nil {
					legacyErr(t, err)
				}
			}
		}
	})
}
