package awsquery

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

func TestDecodeSQSForms(t *testing.T) {
	form, _ := url.ParseQuery("Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fq" +
		"&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=hello" +
		"&SendMessageBatchRequestEntry.1.DelaySeconds=5" +
		"&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=color" +
		"&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String" +
		"&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=red" +
		"&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=world" +
		"&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=bin" +
		"&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Binary" +
		"&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.BinaryValue=AAEC")
	var in sqsapi.SendMessageBatchRequest
	if err := Decode(form, &in); err != nil {
		t.Fatal(err)
	}
	if *in.QueueUrl != "http://x/000000000000/q" || len(in.Entries) != 2 {
		t.Fatalf("got %+v", in)
	}
	e := in.Entries[0]
	if *e.Id != "a" || *e.MessageBody != "hello" || *e.DelaySeconds != 5 || *e.MessageAttributes["color"].StringValue != "red" {
		t.Fatalf("entry 1: %+v", e)
	}
	if b := in.Entries[1].MessageAttributes["bin"].BinaryValue; !bytes.Equal(b, []byte{0, 1, 2}) {
		t.Fatalf("binary: %v", b)
	}
}

func TestDecodeFlattenedListsAndMaps(t *testing.T) {
	form, _ := url.ParseQuery("QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=3&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=9&Tag.1.Key=env&Tag.1.Value=dev")
	var in sqsapi.CreateQueueRequest
	if err := Decode(form, &in); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"DelaySeconds": "3", "VisibilityTimeout": "9"}
	if !reflect.DeepEqual(in.Attributes, want) || in.Tags["env"] != "dev" {
		t.Fatalf("got %+v", in)
	}
	form, _ = url.ParseQuery("QueueUrl=u&AttributeName.1=All&AttributeName.2=Policy&MaxNumberOfMessages=10")
	var rin sqsapi.ReceiveMessageRequest
	if err := Decode(form, &rin); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rin.AttributeNames, []string{"All", "Policy"}) || *rin.MaxNumberOfMessages != 10 {
		t.Fatalf("got %+v", rin)
	}
}

func TestDecodeBadNumber(t *testing.T) {
	form, _ := url.ParseQuery("QueueUrl=u&MaxNumberOfMessages=ten")
	var in sqsapi.ReceiveMessageRequest
	err := Decode(form, &in)
	if de, ok := err.(*DecodeError); !ok || de.Param != "MaxNumberOfMessages" {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteResponseAndError(t *testing.T) {
	rec := httptest.NewRecorder()
	out := &sqsapi.ReceiveMessageResult{Messages: []sqsapi.Message{{
		MessageId:  ptr("m1"),
		Body:       ptr("a<b & c\n"),
		Attributes: map[string]string{"SentTimestamp": "1"},
	}}}
	svc := *sqsapi.Service
	svc.XMLNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"
	WriteResponse(rec, &svc, "ReceiveMessage", "rid", out)
	got := rec.Body.String()
	for _, want := range []string{
		`<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult><Message>`,
		`<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>`,
		`<Body>a&lt;b &amp; c&#xA;</Body>`,
		`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("response lacks %s:\n%s", want, got)
		}
	}
	rec = httptest.NewRecorder()
	WriteError(rec, &svc, "rid", awserr.New("QueueDoesNotExist", "The specified queue does not exist."))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>") || !strings.Contains(rec.Body.String(), "<Type>Sender</Type>") {
		t.Fatalf("error: %d %s", rec.Code, rec.Body.String())
	}
}

func ptr[T any](v T) *T { return &v }

func FuzzDecode(f *testing.F) {
	f.Add("QueueName=q&Attribute.1.Name=a&Attribute.1.Value=b")
	f.Add("SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue=%%%")
	f.Add("AttributeName.99999999999999999999=x&MaxNumberOfMessages=1e3")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		Decode(form, &sqsapi.SendMessageBatchRequest{})
		Decode(form, &sqsapi.CreateQueueRequest{})
		Decode(form, &sqsapi.ReceiveMessageRequest{})
	})
}
