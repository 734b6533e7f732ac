package sns_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

func strAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

func numAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

// TestSeedFanOutFilterPolicies is the seed flow "one topic -> three SQS
// queues with different filter policies": each queue gets exactly the
// messages its policy matches, in SNS's envelope.
func TestSeedFanOutFilterPolicies(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("orders", nil)
	policies := map[string]string{
		"eu":  `{"region":["eu-west-1","eu-central-1"]}`,
		"big": `{"amount":[{"numeric":[">=",100]}]}`,
		"vip": `{"customer":[{"prefix":"vip-"}],"region":[{"exists":true}]}`,
	}
	urls := map[string]string{}
	for name, p := range policies {
		url, arn := e.createQueue("orders-"+name, nil)
		urls[name] = url
		e.subscribe(topic, "sqs", arn, map[string]string{"FilterPolicy": p})
	}
	msgs := []struct {
		body  string
		attrs map[string]types.MessageAttributeValue
	}{
		{"m1", map[string]types.MessageAttributeValue{"region": strAttr("eu-west-1"), "amount": numAttr("50"), "customer": strAttr("bob")}},
		{"m2", map[string]types.MessageAttributeValue{"region": strAttr("us-east-1"), "amount": numAttr("150"), "customer": strAttr("vip-ann")}},
		{"m3", map[string]types.MessageAttributeValue{"region": strAttr("eu-central-1"), "amount": numAttr("1e2"), "customer": strAttr("vip-x")}},
		{"m4", nil},
		{"m5", map[string]types.MessageAttributeValue{"amount": numAttr("99.5"), "customer": strAttr("vip-z")}},
	}
	ids := map[string]string{}
	for _, m := range msgs {
		out, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String(m.body), MessageAttributes: m.attrs, Subject: aws.String("order " + m.body)})
		if err != nil {
			t.Fatal(err)
		}
		ids[m.body] = *out.MessageId
	}
	want := map[string]string{"eu": "[m1 m3]", "big": "[m2 m3]", "vip": "[m2 m3]"}
	for name, url := range urls {
		got := e.receive(url, 2, 10*time.Second)
		e.quiet(url)
		if fmt.Sprint(messagesOf(t, got)) != want[name] {
			t.Errorf("queue %s got %v, want %s", name, messagesOf(t, got), want[name])
		}
		for _, m := range got {
			n := decodeNotification(t, *m.Body)
			if n.Type != "Notification" || n.TopicArn != topic || n.MessageId != ids[n.Message] || n.Subject != "order "+n.Message ||
				n.SignatureVersion != "1" || n.Signature == "" || !strings.HasPrefix(n.SigningCertURL, e.h.URL+"/_hako/sns/SimpleNotificationService-") ||
				!strings.HasPrefix(n.UnsubscribeURL, e.h.URL+"/?Action=Unsubscribe&SubscriptionArn="+topic+":") {
				t.Errorf("envelope: %+v", n)
			}
			if n.MessageAttributes["customer"].Type != "String" || n.MessageAttributes["amount"].Type != "Number" {
				t.Errorf("attributes: %+v", n.MessageAttributes)
			}
			if m.Attributes["SenderId"] != "AIDAIT2UOQQY3AUEKVGXU" {
				t.Errorf("SenderId = %s", m.Attributes["SenderId"])
			}
			if _, err := time.Parse("2006-01-02T15:04:05.000Z", n.Timestamp); err != nil {
				t.Errorf("Timestamp %q: %v", n.Timestamp, err)
			}
		}
	}
}

// TestEnvelopeBytes checks the notification's bytes: AWS's field order and
// pretty-printing, Subject only when set, MessageAttributes last.
func TestEnvelopeBytes(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("bytes", nil)
	url, arn := e.createQueue("bytes-q", nil)
	sub := e.subscribe(topic, "sqs", arn, nil)
	msg := "line1\nline2 \"quoted\" <b>&</b> é \u2028 \x01"
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: &msg,
		MessageAttributes: map[string]types.MessageAttributeValue{"b": strAttr("2"), "a": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2}}}}); err != nil {
		t.Fatal(err)
	}
	got := e.receive(url, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatal("no message")
	}
	body := *got[0].Body
	n := decodeNotification(t, body)
	if n.Message != msg {
		t.Fatalf("message round trip: %q", n.Message)
	}
	want := "{\n" +
		`  "Type" : "Notification",` + "\n" +
		`  "MessageId" : "` + n.MessageId + `",` + "\n" +
		`  "TopicArn" : "` + topic + `",` + "\n" +
		`  "Message" : "line1\nline2 \"quoted\" <b>&</b> é ` + "\u2028" + ` \u0001",` + "\n" +
		`  "Timestamp" : "` + n.Timestamp + `",` + "\n" +
		`  "SignatureVersion" : "1",` + "\n" +
		`  "Signature" : "` + n.Signature + `",` + "\n" +
		`  "SigningCertURL" : "` + n.SigningCertURL + `",` + "\n" +
		`  "UnsubscribeURL" : "` + e.h.URL + `/?Action=Unsubscribe&SubscriptionArn=` + sub + `",` + "\n" +
		`  "MessageAttributes" : {` + "\n" +
		`    "a" : {"Type":"Binary","Value":"AQI="},` + "\n" +
		`    "b" : {"Type":"String","Value":"2"}` + "\n" +
		"  }\n}"
	if body != want {
		t.Fatalf("body:\n%s\nwant:\n%s", body, want)
	}
}

func TestRawMessageDelivery(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("raw", nil)
	url, arn := e.createQueue("raw-q", nil)
	sub := e.subscribe(topic, "sqs", arn, map[string]string{"RawMessageDelivery": "True"})
	a, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &sub})
	if err != nil || a.Attributes["RawMessageDelivery"] != "true" {
		t.Fatalf("RawMessageDelivery = %v, %v", a, err)
	}
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String(`{"raw":true}`),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"s": strAttr("x"), "n": numAttr("-1.5"), "b": {DataType: aws.String("Binary.gz"), BinaryValue: []byte("zz")},
			"arr": {DataType: aws.String("String.Array"), StringValue: aws.String(`["a","b"]`)}}}); err != nil {
		t.Fatal(err)
	}
	got := e.receive(url, 1, 10*time.Second)
	if len(got) != 1 || *got[0].Body != `{"raw":true}` {
		t.Fatalf("raw body: %+v", got)
	}
	ma := got[0].MessageAttributes
	if *ma["s"].StringValue != "x" || *ma["n"].DataType != "Number" || *ma["n"].StringValue != "-1.5" ||
		*ma["b"].DataType != "Binary.gz" || string(ma["b"].BinaryValue) != "zz" || *ma["arr"].DataType != "String.Array" {
		t.Fatalf("attributes: %+v", ma)
	}
}

func TestMessageStructureAndBodyFilter(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("structured", nil)
	urlA, arnA := e.createQueue("structured-a", nil)
	urlB, arnB := e.createQueue("structured-b", nil)
	e.subscribe(topic, "sqs", arnA, nil)
	e.subscribe(topic, "sqs", arnB, map[string]string{"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"order":{"status":["paid"]}}`})
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, MessageStructure: aws.String("json"),
		Message: aws.String(`{"default":"plain","sqs":"{\"order\":{\"status\":\"paid\"}}","email":"mail"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String(`{"order":{"status":"new"}}`)}); err != nil {
		t.Fatal(err)
	}
	a := messagesOf(t, e.receive(urlA, 2, 10*time.Second))
	if fmt.Sprint(a) != `[{"order":{"status":"new"}} {"order":{"status":"paid"}}]` {
		t.Fatalf("queue a: %v", a)
	}
	b := messagesOf(t, e.receive(urlB, 1, 10*time.Second))
	e.quiet(urlB)
	if fmt.Sprint(b) != `[{"order":{"status":"paid"}}]` {
		t.Fatalf("queue b: %v", b)
	}
	_, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, MessageStructure: aws.String("json"), Message: aws.String(`{"sqs":"x"}`)})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body", 400)
	_, err = e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, MessageStructure: aws.String("json"), Message: aws.String(`not json`)})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse", 400)
}
