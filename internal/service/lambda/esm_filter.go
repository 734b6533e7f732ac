package lambda

import (
	"bytes"
	"encoding/json"

	"github.com/hako-dev/hako/internal/pattern"
)

// esmMatch reports whether an event record matches any of the filters.
// Lambda matches the record as it would send it, except that the fields
// named by jsonFields (an SQS record's body) are matched as the JSON they
// hold when they hold JSON, and as plain strings otherwise.
func esmMatch(filters []*pattern.Pattern, record []byte, jsonFields ...string) bool {
	v, err := decodeNumbers(record)
	if err != nil {
		return false
	}
	if obj, ok := v.(map[string]any); ok {
		for _, f := range jsonFields {
			if s, ok := obj[f].(string); ok && json.Valid([]byte(s)) {
				if inner, err := decodeNumbers([]byte(s)); err == nil {
					obj[f] = inner
				}
			}
		}
	}
	e := pattern.EventOf(v)
	for _, p := range filters {
		if p.MatchEvent(e) {
			return true
		}
	}
	return false
}

// decodeNumbers decodes JSON keeping numbers as json.Number, as the
// pattern package expects.
func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
