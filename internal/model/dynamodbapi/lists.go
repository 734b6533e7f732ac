package dynamodbapi

import "encoding/json"

// DynamoDB sends some lists and maps even when they are empty ("Items":
// [] on an empty page): SDKs that do not default them (JavaScript's
// result.Items.map) would break on their absence. The generated structs
// omit empty members, so these outputs marshal with the member forced.

// MarshalJSON writes Items when the page is empty but not nil (nil is
// Select COUNT, which has no Items).
func (o QueryOutput) MarshalJSON() ([]byte, error) {
	type plain QueryOutput
	if o.Items == nil {
		return json.Marshal(plain(o))
	}
	return json.Marshal(struct {
		plain
		Items []map[string]AttributeValue `json:"Items"`
	}{plain(o), o.Items})
}

// MarshalJSON writes Items when the page is empty but not nil (nil is
// Select COUNT, which has no Items).
func (o ScanOutput) MarshalJSON() ([]byte, error) {
	type plain ScanOutput
	if o.Items == nil {
		return json.Marshal(plain(o))
	}
	return json.Marshal(struct {
		plain
		Items []map[string]AttributeValue `json:"Items"`
	}{plain(o), o.Items})
}

// MarshalJSON writes TableNames even when there are none.
func (o ListTablesOutput) MarshalJSON() ([]byte, error) {
	type plain ListTablesOutput
	return json.Marshal(struct {
		plain
		TableNames []string `json:"TableNames"`
	}{plain(o), orEmpty(o.TableNames)})
}

// MarshalJSON writes Responses and UnprocessedKeys even when empty.
func (o BatchGetItemOutput) MarshalJSON() ([]byte, error) {
	type plain BatchGetItemOutput
	r, u := o.Responses, o.UnprocessedKeys
	if r == nil {
		r = map[string][]map[string]AttributeValue{}
	}
	if u == nil {
		u = map[string]KeysAndAttributes{}
	}
	return json.Marshal(struct {
		plain
		Responses       map[string][]map[string]AttributeValue `json:"Responses"`
		UnprocessedKeys map[string]KeysAndAttributes           `json:"UnprocessedKeys"`
	}{plain(o), r, u})
}

// MarshalJSON writes UnprocessedItems even when empty.
func (o BatchWriteItemOutput) MarshalJSON() ([]byte, error) {
	type plain BatchWriteItemOutput
	u := o.UnprocessedItems
	if u == nil {
		u = map[string][]WriteRequest{}
	}
	return json.Marshal(struct {
		plain
		UnprocessedItems map[string][]WriteRequest `json:"UnprocessedItems"`
	}{plain(o), u})
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
