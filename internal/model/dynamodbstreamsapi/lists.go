package dynamodbstreamsapi

import (
	"encoding/json"
	"unsafe"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

// MarshalJSON writes the value the way DynamoDB does (empty L and M kept):
// the shape is DynamoDB's own, so its encoder does the work.
func (v AttributeValue) MarshalJSON() ([]byte, error) {
	return (*dynamodbapi.AttributeValue)(unsafe.Pointer(&v)).AppendJSON(nil), nil
}

// MarshalJSON writes Records even when there are none, as AWS does.
func (o GetRecordsOutput) MarshalJSON() ([]byte, error) {
	type plain GetRecordsOutput
	r := o.Records
	if r == nil {
		r = []Record{}
	}
	return json.Marshal(struct {
		plain
		Records []Record `json:"Records"`
	}{plain(o), r})
}

// MarshalJSON writes Streams even when there are none, as AWS does.
func (o ListStreamsOutput) MarshalJSON() ([]byte, error) {
	type plain ListStreamsOutput
	s := o.Streams
	if s == nil {
		s = []Stream{}
	}
	return json.Marshal(struct {
		plain
		Streams []Stream `json:"Streams"`
	}{plain(o), s})
}
