package sns

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/snsapi"
)

// FuzzEnvelope: whatever a publisher sends (message, subject, attribute
// names and values), the envelope, the Lambda event and the raw-delivery
// attributes are valid JSON that give the values back.
func FuzzEnvelope(f *testing.F) {
	f.Add("hello", "subj", "attr", "value")
	f.Add("line\nbreak \"q\" \\ \x01 \u2028 é <>&", "", "a.b", "{\"json\":true}")
	f.Add("\xff\xfe", "x", "n", "\x00")
	f.Fuzz(func(t *testing.T, msg, subject, name, value string) {
		e := &envelope{Type: "Notification", MessageID: "id", TopicARN: "arn:aws:sns:us-east-1:000000000000:t", Subject: subject,
			Message: msg, Timestamp: timestamp(time.Unix(0, 0)), SignatureVersion: "1", Signature: "c2ln", SigningCertURL: "u",
			UnsubscribeURL: "v", Attrs: []msgAttr{{name: name, dataType: "String", value: value}}}
		var doc struct {
			Message, Subject  string
			MessageAttributes map[string]struct{ Type, Value string }
		}
		if err := json.Unmarshal([]byte(e.json()), &doc); err != nil {
			t.Fatalf("envelope is not JSON: %v\n%s", err, e.json())
		}
		if utf8.ValidString(msg) && doc.Message != msg || utf8.ValidString(subject) && doc.Subject != subject ||
			utf8.ValidString(name+value) && doc.MessageAttributes[name].Value != value {
			t.Fatalf("round trip: %+v", doc)
		}
		var ev struct {
			Records []struct{ Sns struct{ Message string } }
		}
		if err := json.Unmarshal(lambdaEvent(e, "arn:sub"), &ev); err != nil || len(ev.Records) != 1 {
			t.Fatalf("lambda event: %v", err)
		}
		var sq map[string]snsapi.MessageAttributeValue
		if err := json.Unmarshal([]byte(attrsJSON(e.Attrs)), &sq); err != nil {
			t.Fatalf("attributes: %v", err)
		}
		if e.canonical() == "" || !strings.HasSuffix(e.canonical(), "Type\nNotification\n") {
			t.Fatal("canonical string")
		}
	})
}

// FuzzCheckAttributes: attribute validation never panics, and what it
// accepts follows SNS's naming rules.
func FuzzCheckAttributes(f *testing.F) {
	f.Add("name", "String", "v", []byte(nil))
	f.Add("a..b", "Number", "1e5", []byte(nil))
	f.Add("bin", "Binary.x", "", []byte{1})
	f.Add("", "", "", []byte{})
	f.Fuzz(func(t *testing.T, name, dataType, value string, bin []byte) {
		v := snsapi.MessageAttributeValue{DataType: &dataType, BinaryValue: bin}
		if value != "" {
			v.StringValue = &value
		}
		out, size, err := checkAttributes(map[string]snsapi.MessageAttributeValue{name: v})
		if err != nil {
			return
		}
		if name == "" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") || len(name) > 256 {
			t.Fatalf("accepted name %q", name)
		}
		if size < len(name)+len(dataType) || out[name].dataType != dataType {
			t.Fatalf("accepted %+v size %d", out, size)
		}
	})
}

// FuzzMessageStructure: any message with MessageStructure=json is either
// refused or has a default text.
func FuzzMessageStructure(f *testing.F) {
	f.Add(`{"default":"d","sqs":"s"}`)
	f.Add(`{"default":1}`)
	f.Add(`[]`)
	s := &Service{}
	f.Fuzz(func(t *testing.T, msg string) {
		c, err := s.check(entry{message: msg, structure: "json"}, nil)
		if err != nil {
			return
		}
		var doc map[string]any
		if json.Unmarshal([]byte(msg), &doc) != nil || doc["default"] != c.m.body {
			t.Fatalf("accepted %q: %+v", msg, c.m)
		}
	})
}
