package dynamodbstreamsapi

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

// TestAttributeValueLayout guards the unsafe conversion in MarshalJSON:
// the two generated AttributeValue shapes must have the same fields in
// the same order with the same kinds.
func TestAttributeValueLayout(t *testing.T) {
	a, b := reflect.TypeOf(AttributeValue{}), reflect.TypeOf(dynamodbapi.AttributeValue{})
	if a.NumField() != b.NumField() || a.Size() != b.Size() {
		t.Fatalf("shapes differ: %d/%d fields, %d/%d bytes", a.NumField(), b.NumField(), a.Size(), b.Size())
	}
	for i := 0; i < a.NumField(); i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Offset != fb.Offset || fa.Type.Kind() != fb.Type.Kind() {
			t.Fatalf("field %d: %s %v at %d vs %s %v at %d", i, fa.Name, fa.Type, fa.Offset, fb.Name, fb.Type, fb.Offset)
		}
	}
}

func TestMarshalEmptyCollections(t *testing.T) {
	s := "x"
	v := AttributeValue{M: map[string]AttributeValue{"l": {L: []AttributeValue{}}, "s": {S: &s}}}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"M":{"l":{"L":[]},"s":{"S":"x"}}}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	b, _ = json.Marshal(GetRecordsOutput{})
	if string(b) != `{"Records":[]}` {
		t.Fatalf("empty GetRecords: %s", b)
	}
}
