package sqs_test

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// attrMD5 computes MD5OfMessageAttributes the way the AWS SDKs that check
// it do (the Java and .NET SDKs): attributes sorted by name; for each,
// length-prefixed name and data type, a transport byte (1 string, 2
// binary), and the length-prefixed value.
func attrMD5(attrs map[string]types.MessageAttributeValue) string {
	h := md5.New()
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		h.Write(l[:])
		h.Write(b)
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[name]
		put([]byte(name))
		put([]byte(aws.ToString(v.DataType)))
		if v.BinaryValue != nil {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(aws.ToString(v.StringValue)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func strAttr(dt, v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(dt), StringValue: aws.String(v)}
}

func TestMessageAttributeMD5MatchesAWS(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("md5", nil)
	trace := func(v string) map[string]types.MessageSystemAttributeValue {
		return map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(v)}}
	}
	// Digests returned by real SQS for these inputs.
	for _, tc := range []struct {
		body      string
		attrs     map[string]types.MessageAttributeValue
		sys       map[string]types.MessageSystemAttributeValue
		md5Body   string
		md5Attrs  string
		md5System string
	}{
		{body: "Test Message", attrs: map[string]types.MessageAttributeValue{"Hello": strAttr("String", "World")}, sys: trace("some-trace-id"),
			md5Body: "d1d4180b7e411c4be86b00fb2ee103eb", md5Attrs: "7db7fb1ba7f41366a8ea5eb18220b26d", md5System: "fdce4f2818803f2f73becc09a54792c0"},
		{body: "Test Message", attrs: map[string]types.MessageAttributeValue{"UserId": strAttr("Number.bigint", "1234567890123456789012")},
			md5Body: "d1d4180b7e411c4be86b00fb2ee103eb", md5Attrs: "797ab158d73dcb5242dedc4412c8e855"},
		{body: "some message", attrs: map[string]types.MessageAttributeValue{"data1": strAttr("Number", "1"), "data2": strAttr("Number", "2")},
			md5Body: "df49b60423903e095b80d9b4a92eb065", md5Attrs: "b53b5acf24e7fd9567705bd8027b1c76"},
		{body: "some message 2", attrs: map[string]types.MessageAttributeValue{"data1": strAttr("Number", "1")}, sys: trace("some-value"),
			md5Body: "36e8a424130490596fc507dba99d2ace", md5Attrs: "cc7f712733e0ad2cc9f1fefbd28bab9c", md5System: "a3263a0cbc09023ccd431feb61438309"},
		{body: "message from SDK", attrs: map[string]types.MessageAttributeValue{"DummyName": strAttr("String", "dummy value")},
			md5Body: "6d05602485318fa52030abb234e75682", md5Attrs: "ceb4493d294c7939e5ef8d20ee169e02"},
	} {
		out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(tc.body),
			MessageAttributes: tc.attrs, MessageSystemAttributes: tc.sys})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.MD5OfMessageBody) != tc.md5Body || aws.ToString(out.MD5OfMessageAttributes) != tc.md5Attrs ||
			aws.ToString(out.MD5OfMessageSystemAttributes) != tc.md5System {
			t.Errorf("%q: MD5s = %s %s %s, want %s %s %s", tc.body, aws.ToString(out.MD5OfMessageBody), aws.ToString(out.MD5OfMessageAttributes),
				aws.ToString(out.MD5OfMessageSystemAttributes), tc.md5Body, tc.md5Attrs, tc.md5System)
		}
		if got := attrMD5(tc.attrs); got != tc.md5Attrs {
			t.Errorf("reference digest %s != %s", got, tc.md5Attrs)
		}
		ms := e.receive(url, 1)
		if len(ms) != 1 || aws.ToString(ms[0].MD5OfMessageAttributes) != tc.md5Attrs || aws.ToString(ms[0].MD5OfBody) != tc.md5Body {
			t.Errorf("received %+v", ms)
			continue
		}
		e.del(url, *ms[0].ReceiptHandle)
	}
}

func TestMessageAttributesRoundTripAndFilter(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("filter", map[string]string{"VisibilityTimeout": "0"})
	attrs := map[string]types.MessageAttributeValue{
		"Dummy1Name": strAttr("String", "dummy 1 value"),
		"Dummy2Name": strAttr("String.custom", "ünïcødé ✓"),
		"OtherName":  strAttr("Number", "-1.5e10"),
		"Dummy3Name": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2, 255}},
		"Bin.x":      {DataType: aws.String("Binary.png"), BinaryValue: []byte("png")},
	}
	sent, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("body"), MessageAttributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	if *sent.MD5OfMessageAttributes != attrMD5(attrs) {
		t.Fatalf("send MD5 %s, want %s", *sent.MD5OfMessageAttributes, attrMD5(attrs))
	}
	for _, tc := range []struct {
		names []string
		want  []string
	}{
		{[]string{"All"}, []string{"Bin.x", "Dummy1Name", "Dummy2Name", "Dummy3Name", "OtherName"}},
		{[]string{".*"}, []string{"Bin.x", "Dummy1Name", "Dummy2Name", "Dummy3Name", "OtherName"}},
		{[]string{"Dummy.*"}, nil},
		{[]string{"Dummy1Name", "OtherName"}, []string{"Dummy1Name", "OtherName"}},
		{[]string{"Bin.*", "Missing"}, []string{"Bin.x"}},
		{[]string{"Nothing"}, nil},
		{nil, nil},
	} {
		ms := e.receive(url, 1, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = tc.names })
		if len(ms) != 1 {
			t.Fatalf("%v: no message", tc.names)
		}
		got := slices.Sorted(maps.Keys(ms[0].MessageAttributes))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: attributes %v, want %v", tc.names, got, tc.want)
		}
		want := map[string]types.MessageAttributeValue{}
		for _, n := range tc.want {
			want[n] = attrs[n]
		}
		if len(tc.want) == 0 {
			if ms[0].MD5OfMessageAttributes != nil {
				t.Errorf("%v: MD5OfMessageAttributes without attributes", tc.names)
			}
		} else if got := aws.ToString(ms[0].MD5OfMessageAttributes); got != attrMD5(want) {
			t.Errorf("%v: MD5 %s, want %s", tc.names, got, attrMD5(want))
		}
		for n, v := range ms[0].MessageAttributes {
			if aws.ToString(v.DataType) != aws.ToString(attrs[n].DataType) || aws.ToString(v.StringValue) != aws.ToString(attrs[n].StringValue) ||
				string(v.BinaryValue) != string(attrs[n].BinaryValue) {
				t.Errorf("attribute %s = %+v, want %+v", n, v, attrs[n])
			}
		}
	}
}

func TestMessageAttributeValidation(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("attrval", nil)
	eleven := map[string]types.MessageAttributeValue{}
	for i := range 11 {
		eleven[fmt.Sprint("a", i)] = strAttr("String", "v")
	}
	for _, tc := range []struct {
		attrs map[string]types.MessageAttributeValue
		msg   string
	}{
		{map[string]types.MessageAttributeValue{"Hello": strAttr("Number", "world")}, "Can't cast the value of message (user) attribute 'Hello' to a number."},
		{map[string]types.MessageAttributeValue{"Hello": strAttr("String", "")}, "Message (user) attribute 'Hello' must contain a non-empty value of type 'String'."},
		{map[string]types.MessageAttributeValue{"": strAttr("String", "v")}, "The request must contain non-empty message (user) attribute names."},
		{map[string]types.MessageAttributeValue{"Hello": {DataType: aws.String("String")}}, "The message (user) attribute 'Hello' must contain a non-empty message attribute value."},
		{map[string]types.MessageAttributeValue{"Hello": strAttr("InvalidType", "v")}, "The type of message (user) attribute 'Hello' is invalid. You must use only the following supported type prefixes: Binary, Number, String."},
		{map[string]types.MessageAttributeValue{"Hello": {DataType: aws.String("StringList"), StringListValues: []string{"a"}}}, "Message attribute list values in SendMessage operation are not supported."},
		{map[string]types.MessageAttributeValue{"AWS.Hello": strAttr("String", "v")}, "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use."},
		{map[string]types.MessageAttributeValue{"amazon.Hello": strAttr("String", "v")}, "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use."},
		{eleven, "Number of message attributes [11] exceeds the allowed maximum [10]."},
		{map[string]types.MessageAttributeValue{strings.Repeat("a", 257): strAttr("String", "v")}, "Message (user) attribute name must be shorter than 256 bytes."},
		{map[string]types.MessageAttributeValue{"a": strAttr("String."+strings.Repeat("a", 250), "v")}, "Message (user) attribute type must be shorter than 256 bytes."},
		{map[string]types.MessageAttributeValue{"a b": strAttr("String", "v")}, ""},
		{map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Binary"), BinaryValue: []byte{}}}, ""},
	} {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageAttributes: tc.attrs})
		wantErr(t, err, "InvalidParameterValue", tc.msg)
	}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"),
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"Hello": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
	wantErr(t, err, "InvalidParameterValue", "Message system attribute name 'Hello' is invalid.")
}

func TestMessageBodyRules(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("bodies", map[string]string{"MaximumMessageSize": "1024"})
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("")})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter MessageBody.")
	for _, bad := range []string{"a\x00b", "\x01", "\uFFFE", "x\x1fy"} {
		_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(bad)})
		wantErr(t, err, "InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	}
	good := "tab\tnl\ncr\r 日本語 \U0001F600 \uE000\uFFFD"
	e.send(url, good)
	if ms := e.receive(url, 1); len(ms) != 1 || *ms[0].Body != good {
		t.Fatalf("round trip of %q: %v", good, bodies(ms))
	}
	tooLong := "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
	e.send(url, strings.Repeat("a", 1024))
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(strings.Repeat("a", 1025))})
	wantErr(t, err, "InvalidParameterValue", tooLong)
	// Attribute names, types and values count toward the size.
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(strings.Repeat("a", 1010)),
		MessageAttributes: map[string]types.MessageAttributeValue{"name": strAttr("String", "1234567")}})
	wantErr(t, err, "InvalidParameterValue", tooLong)
	big := e.createQueue("big", nil)
	// The default limit is 1 MiB (AWS raised it from 256 KiB in August 2025).
	e.send(big, strings.Repeat("é", 524288))
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(big), MessageBody: aws.String(strings.Repeat("é", 524288) + "x")})
	wantErr(t, err, "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")
}

func TestDelays(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("delays", map[string]string{"DelaySeconds": "5"})
	e.send(url, "queue-delay")
	if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("msg-delay"), DelaySeconds: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("no-delay"), DelaySeconds: 0}); err != nil {
		t.Fatal(err)
	}
	// DelaySeconds 0 is not sent by the SDK (zero value): the queue's delay applies.
	if got := bodies(e.receive(url, 10)); len(got) != 0 {
		t.Fatalf("delayed messages visible at once: %v", got)
	}
	e.advance(5 * time.Second)
	if got := bodies(e.receive(url, 10)); len(got) != 2 {
		t.Fatalf("after 5s: %v", got)
	}
	e.advance(5 * time.Second)
	if got := bodies(e.receive(url, 10)); !slices.Equal(got, []string{"msg-delay"}) {
		t.Fatalf("after 10s: %v", got)
	}
	for _, d := range []int32{-1, 901} {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), DelaySeconds: d})
		wantErr(t, err, "InvalidParameterValue", "Value "+strconv.Itoa(int(d))+" for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.")
	}
}

func TestSystemAttributes(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("sysattrs", map[string]string{"VisibilityTimeout": "0"})
	sentAt := e.clk.Now().UnixMilli()
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"),
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988")}}})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(2 * time.Second)
	ms := e.receive(url, 1)
	a := ms[0].Attributes
	want := map[string]string{"SenderId": "test", "SentTimestamp": strconv.FormatInt(sentAt, 10), "ApproximateReceiveCount": "1",
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(sentAt+2000, 10), "AWSTraceHeader": "Root=1-5759e988"}
	if !maps.Equal(a, want) {
		t.Fatalf("attributes = %v, want %v", a, want)
	}
	ms = e.receive(url, 1, func(in *sqs.ReceiveMessageInput) {
		in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{"ApproximateReceiveCount"}
	})
	if !maps.Equal(ms[0].Attributes, map[string]string{"ApproximateReceiveCount": "2"}) {
		t.Fatalf("selected attributes = %v", ms[0].Attributes)
	}
	// The deprecated AttributeNames member works too.
	ms = e.receive(url, 1, func(in *sqs.ReceiveMessageInput) {
		in.MessageSystemAttributeNames = nil
		in.AttributeNames = []types.QueueAttributeName{"SentTimestamp"} //lint:ignore SA1019 the deprecated member must keep working
	})
	if !maps.Equal(ms[0].Attributes, map[string]string{"SentTimestamp": strconv.FormatInt(sentAt, 10)}) {
		t.Fatalf("legacy selection = %v", ms[0].Attributes)
	}
	ms = e.receive(url, 1, func(in *sqs.ReceiveMessageInput) { in.MessageSystemAttributeNames = nil })
	if ms[0].Attributes != nil {
		t.Fatalf("attributes without asking: %v", ms[0].Attributes)
	}
}

func TestReceiveParameterValidation(t *testing.T) {
	e := newEnv(t)
	url := aws.String(e.createQueue("recvparams", nil))
	_, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 11})
	wantErr(t, err, "InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
	_, err = e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: -1})
	wantErr(t, err, "InvalidParameterValue", "Value -1 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
	_, err = e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 21})
	wantErr(t, err, "InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
	_, err = e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: url, VisibilityTimeout: 43201})
	wantErr(t, err, "InvalidParameterValue", "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.")
	_, err = e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"Bogus"}})
	wantErr(t, err, "InvalidAttributeName", "Unknown Attribute Bogus.")
}

func TestReceiveMaxAndOrder(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("order", nil)
	var want []string
	for i := range 25 {
		want = append(want, fmt.Sprint(i))
		e.send(url, fmt.Sprint(i))
	}
	var got []string
	for range 3 {
		ms := e.receive(url, 10)
		if len(ms) > 10 {
			t.Fatalf("%d messages for MaxNumberOfMessages 10", len(ms))
		}
		got = append(got, bodies(ms)...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v", got)
	}
	if ms := e.receive(url, 1); len(ms) != 0 {
		t.Fatal("extra message")
	}
	// The default is one message.
	e.advance(31 * time.Second)
	out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("default receive = %d messages, %v", len(out.Messages), err)
	}
}

func TestStandardQueueGroupIDAndDedupID(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("fair", nil)
	// Fair queues: standard queues take a MessageGroupId.
	if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("tenant-1")}); err != nil {
		t.Fatal(err)
	}
	ms := e.receive(url, 1)
	if ms[0].Attributes["MessageGroupId"] != "tenant-1" {
		t.Fatalf("attributes = %v", ms[0].Attributes)
	}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")})
	wantErr(t, err, "InvalidParameterValue", "Value d for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.")
}
