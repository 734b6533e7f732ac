package dynamodbapi

import (
	"encoding/json"
	"strconv"
)

// DynamoDB sends some lists and maps even when they are empty ("Items":
// [] on an empty page): SDKs that do not default them (JavaScript's
// result.Items.map) would break on their absence. The generated structs
// omit empty members, so these outputs marshal with the member forced.

// MarshalJSON writes the page with AppendJSON.
func (o QueryOutput) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// AppendJSON writes a Query page without reflection: Items even when the
// page is empty but not nil (nil is Select COUNT, which has no Items).
func (o *QueryOutput) AppendJSON(dst []byte) []byte {
	if o == nil {
		return append(dst, "{}"...)
	}
	return appendPage(dst, o.ConsumedCapacity, o.Count, o.Items, o.RawItems, o.LastEvaluatedKey, o.ScannedCount)
}

// MarshalJSON writes the page with AppendJSON.
func (o ScanOutput) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// AppendJSON writes a Scan page like QueryOutput.AppendJSON.
func (o *ScanOutput) AppendJSON(dst []byte) []byte {
	if o == nil {
		return append(dst, "{}"...)
	}
	return appendPage(dst, o.ConsumedCapacity, o.Count, o.Items, o.RawItems, o.LastEvaluatedKey, o.ScannedCount)
}

// MarshalJSON writes the output with AppendJSON.
func (o GetItemOutput) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// AppendJSON writes a GetItem answer without reflection.
func (o *GetItemOutput) AppendJSON(dst []byte) []byte {
	if o == nil {
		return append(dst, "{}"...)
	}
	dst = append(dst, '{')
	comma := false
	if o.ConsumedCapacity != nil {
		dst = appendMember(dst, &comma, "ConsumedCapacity")
		dst = appendMarshal(dst, o.ConsumedCapacity)
	}
	switch {
	case o.RawItem != nil:
		dst = appendMember(dst, &comma, "Item")
		dst = append(dst, o.RawItem...)
	case o.Item != nil:
		dst = appendMember(dst, &comma, "Item")
		dst = appendMap(dst, o.Item)
	}
	return append(dst, '}')
}

func appendPage(dst []byte, cc *ConsumedCapacity, count *int32, items []map[string]AttributeValue, raw [][]byte, last map[string]AttributeValue, scanned *int32) []byte {
	dst = append(dst, '{')
	comma := false
	if cc != nil {
		dst = appendMember(dst, &comma, "ConsumedCapacity")
		dst = appendMarshal(dst, cc)
	}
	if count != nil {
		dst = appendMember(dst, &comma, "Count")
		dst = strconv.AppendInt(dst, int64(*count), 10)
	}
	switch {
	case raw != nil:
		dst = appendMember(dst, &comma, "Items")
		dst = append(dst, '[')
		for i, it := range raw {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, it...)
		}
		dst = append(dst, ']')
	case items != nil:
		dst = appendMember(dst, &comma, "Items")
		dst = appendItems(dst, items)
	}
	if last != nil {
		dst = appendMember(dst, &comma, "LastEvaluatedKey")
		dst = appendMap(dst, last)
	}
	if scanned != nil {
		dst = appendMember(dst, &comma, "ScannedCount")
		dst = strconv.AppendInt(dst, int64(*scanned), 10)
	}
	return append(dst, '}')
}

func appendItems(dst []byte, items []map[string]AttributeValue) []byte {
	dst = append(dst, '[')
	for i, it := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendMap(dst, it)
	}
	return append(dst, ']')
}

func appendMember(dst []byte, comma *bool, name string) []byte {
	if *comma {
		dst = append(dst, ',')
	}
	*comma = true
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

// appendMarshal appends what encoding/json writes for v (rare members).
func appendMarshal(dst []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// MarshalJSON writes the result with AppendJSON.
func (o ExecuteStatementOutput) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil), nil }

// AppendJSON writes an ExecuteStatement result: Items even when empty, as
// AWS sends it (a write statement's result has no Items at all).
func (o *ExecuteStatementOutput) AppendJSON(dst []byte) []byte {
	if o == nil {
		return append(dst, "{}"...)
	}
	dst = append(dst, '{')
	comma := false
	if o.ConsumedCapacity != nil {
		dst = appendMember(dst, &comma, "ConsumedCapacity")
		dst = appendMarshal(dst, o.ConsumedCapacity)
	}
	if o.Items != nil {
		dst = appendMember(dst, &comma, "Items")
		dst = appendItems(dst, o.Items)
	}
	if o.LastEvaluatedKey != nil {
		dst = appendMember(dst, &comma, "LastEvaluatedKey")
		dst = appendMap(dst, o.LastEvaluatedKey)
	}
	if o.NextToken != nil {
		dst = appendMember(dst, &comma, "NextToken")
		dst = appendJSONString(dst, *o.NextToken)
	}
	return append(dst, '}')
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
