package expr

import (
	"encoding/json"
	"testing"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// item decodes a DynamoDB JSON item, e.g. `{"a":{"S":"x"}}`.
func item(t testing.TB, js string) attr.Item {
	t.Helper()
	var it attr.Item
	if err := json.Unmarshal([]byte(js), &it); err != nil {
		t.Fatalf("bad item %s: %v", js, err)
	}
	return it
}

// val decodes one DynamoDB JSON value, e.g. `{"N":"1"}`.
func val(t testing.TB, js string) attr.Value {
	t.Helper()
	var v attr.Value
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatalf("bad value %s: %v", js, err)
	}
	return v
}

// values decodes ExpressionAttributeValues; "" means none.
func values(t testing.TB, js string) map[string]attr.Value {
	t.Helper()
	if js == "" {
		return nil
	}
	var m map[string]attr.Value
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("bad values %s: %v", js, err)
	}
	return m
}

// names decodes ExpressionAttributeNames; "" means none.
func names(t testing.TB, js string) map[string]string {
	t.Helper()
	if js == "" {
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("bad names %s: %v", js, err)
	}
	return m
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	if _, ok := err.(*attr.Error); !ok {
		return "NOT attr.Error: " + err.Error()
	}
	return err.Error()
}
