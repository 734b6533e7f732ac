package lambda

import (
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/pattern"
)

func TestBatchFailures(t *testing.T) {
	ids := map[string]bool{"a": true, "b": true}
	cases := []struct {
		payload string
		failed  string // sorted, comma separated
		all     bool
	}{
		{``, "", false},
		{`null`, "", false},
		{`{}`, "", false},
		{`{"batchItemFailures":null}`, "", false},
		{`{"batchItemFailures":[]}`, "", false},
		{`"done"`, "", false},
		{`{"batchItemFailures":[{"itemIdentifier":"b"}]}`, "b", false},
		{`{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b"}]}`, "a,b", false},
		{`{"batchItemFailures":[{"itemIdentifier":""}]}`, "", true},
		{`{"batchItemFailures":[{"itemIdentifier":null}]}`, "", true},
		{`{"batchItemFailures":[{"itemId":"a"}]}`, "", true},
		{`{"batchItemFailures":[{"itemIdentifier":"zz"}]}`, "", true},
		{`{"batchItemFailures":`, "", true},
	}
	for _, c := range cases {
		failed, all := batchFailures([]byte(c.payload), ids)
		var got []string
		for _, k := range []string{"a", "b"} {
			if failed[k] {
				got = append(got, k)
			}
		}
		if strings.Join(got, ",") != c.failed || all != c.all {
			t.Errorf("%s: failed %v all %v, want %q %v", c.payload, got, all, c.failed, c.all)
		}
	}
}

func TestSQSRecordJSON(t *testing.T) {
	msg := sqsapi.Message{
		MessageId: ptr("id-1"), ReceiptHandle: ptr("rh"), Body: ptr(`{"n":1}`), MD5OfBody: ptr("md5"),
		Attributes: map[string]string{"ApproximateReceiveCount": "1"},
	}
	got := string(sqsRecordJSON(msg, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1"))
	want := `{"messageId":"id-1","receiptHandle":"rh","body":"{\"n\":1}","attributes":{"ApproximateReceiveCount":"1"},` +
		`"messageAttributes":{},"md5OfBody":"md5","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:q","awsRegion":"us-east-1"}`
	if got != want {
		t.Errorf("record\n got %s\nwant %s", got, want)
	}
	msg.MD5OfMessageAttributes = ptr("amd5")
	msg.MessageAttributes = map[string]sqsapi.MessageAttributeValue{"k": {DataType: ptr("String"), StringValue: ptr("<v>")}}
	got = string(sqsRecordJSON(msg, "arn", "r"))
	if !strings.Contains(got, `"messageAttributes":{"k":{"stringValue":"<v>","stringListValues":[],"binaryListValues":[],"dataType":"String"}},"md5OfBody":"md5","md5OfMessageAttributes":"amd5"`) {
		t.Errorf("record with attributes %s", got)
	}
}

func TestESMMatch(t *testing.T) {
	compile := func(src string) *pattern.Pattern {
		p, err := pattern.Compile([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rec := func(body string) []byte {
		return sqsRecordJSON(sqsapi.Message{MessageId: ptr("m"), Body: ptr(body),
			MessageAttributes: map[string]sqsapi.MessageAttributeValue{"color": {DataType: ptr("String"), StringValue: ptr("red")}}}, "arn", "r")
	}
	cases := []struct {
		filter, body string
		match        bool
	}{
		{`{"body":{"n":[{"numeric":[">",10]}]}}`, `{"n":11}`, true},
		{`{"body":{"n":[{"numeric":[">",10]}]}}`, `{"n":9}`, false},
		{`{"body":{"n":[11]}}`, `not json`, false},
		{`{"body":["not json"]}`, `not json`, true},
		{`{"body":[{"prefix":"not"}]}`, `not json`, true},
		{`{"messageAttributes":{"color":{"stringValue":["red"]}}}`, `x`, true},
		{`{"eventSource":["aws:sqs"]}`, `x`, true},
	}
	for _, c := range cases {
		if got := esmMatch([]*pattern.Pattern{compile(c.filter)}, rec(c.body), "body"); got != c.match {
			t.Errorf("%s on %s: %v", c.filter, c.body, got)
		}
	}
}
