package server_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hako-dev/hako/internal/hakotest"
)

// The query protocol is what older SDKs and CLIs (aws CLI before 2.13,
// boto3 before 1.31) speak to SQS; these tests post forms as they do.

type queryError struct {
	Type    string `xml:"Error>Type"`
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

func TestSQSQueryProtocolRoundTrip(t *testing.T) {
	srv := hakotest.Start(t)
	status, body := srv.Query(t, "sqs", "/", url.Values{
		"Action": {"CreateQueue"}, "Version": {"2012-11-05"}, "QueueName": {"legacy"},
		"Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"45"},
		"Tag.1.Key": {"team"}, "Tag.1.Value": {"core"},
	})
	var created struct {
		QueueURL string `xml:"CreateQueueResult>QueueUrl"`
	}
	if status != 200 || xml.Unmarshal(body, &created) != nil || !strings.HasSuffix(created.QueueURL, "/000000000000/legacy") {
		t.Fatalf("CreateQueue: %d %s", status, body)
	}
	path := created.QueueURL[strings.Index(created.QueueURL, "/000000000000/"):]

	// Old clients post to the queue URL and leave QueueUrl out.
	status, body = srv.Query(t, "sqs", path, url.Values{
		"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "MessageBody": {"héllo <xml> & more"},
		"MessageAttribute.1.Name": {"color"}, "MessageAttribute.1.Value.DataType": {"String"},
		"MessageAttribute.1.Value.StringValue": {"blue"},
	})
	var sent struct {
		MessageID  string `xml:"SendMessageResult>MessageId"`
		MD5OfBody  string `xml:"SendMessageResult>MD5OfMessageBody"`
		MD5OfAttrs string `xml:"SendMessageResult>MD5OfMessageAttributes"`
	}
	if status != 200 || xml.Unmarshal(body, &sent) != nil || sent.MessageID == "" || sent.MD5OfAttrs == "" {
		t.Fatalf("SendMessage: %d %s", status, body)
	}

	status, body = srv.Query(t, "sqs", "/", url.Values{
		"Action": {"ReceiveMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {created.QueueURL},
		"AttributeName.1": {"All"}, "MessageAttributeName.1": {"All"}, "MaxNumberOfMessages": {"10"},
	})
	var recv struct {
		Messages []struct {
			MessageID string `xml:"MessageId"`
			Body      string `xml:"Body"`
			MD5       string `xml:"MD5OfBody"`
			Attrs     []struct {
				Name  string `xml:"Name"`
				Value string `xml:"Value"`
			} `xml:"Attribute"`
			MsgAttrs []struct {
				Name  string `xml:"Name"`
				Value string `xml:"Value>StringValue"`
				Type  string `xml:"Value>DataType"`
			} `xml:"MessageAttribute"`
		} `xml:"ReceiveMessageResult>Message"`
	}
	if status != 200 || xml.Unmarshal(body, &recv) != nil || len(recv.Messages) != 1 {
		t.Fatalf("ReceiveMessage: %d %s", status, body)
	}
	m := recv.Messages[0]
	if m.MessageID != sent.MessageID || m.Body != "héllo <xml> & more" || m.MD5 != sent.MD5OfBody {
		t.Fatalf("message = %+v", m)
	}
	if len(m.MsgAttrs) != 1 || m.MsgAttrs[0].Name != "color" || m.MsgAttrs[0].Value != "blue" || m.MsgAttrs[0].Type != "String" {
		t.Fatalf("message attributes = %+v", m.MsgAttrs)
	}
	attrs := map[string]string{}
	for _, a := range m.Attrs {
		attrs[a.Name] = a.Value
	}
	if attrs["ApproximateReceiveCount"] != "1" || attrs["SentTimestamp"] == "" {
		t.Fatalf("attributes = %v", attrs)
	}

	status, body = srv.Query(t, "sqs", "/", url.Values{
		"Action": {"GetQueueAttributes"}, "Version": {"2012-11-05"}, "QueueUrl": {created.QueueURL}, "AttributeName.1": {"VisibilityTimeout"},
	})
	if status != 200 || !strings.Contains(string(body), "<Attribute><Name>VisibilityTimeout</Name><Value>45</Value></Attribute>") {
		t.Fatalf("GetQueueAttributes: %d %s", status, body)
	}
	status, body = srv.Query(t, "sqs", "/", url.Values{"Action": {"ListQueueTags"}, "Version": {"2012-11-05"}, "QueueUrl": {created.QueueURL}})
	if status != 200 || !strings.Contains(string(body), "<Tag><Key>team</Key><Value>core</Value></Tag>") {
		t.Fatalf("ListQueueTags: %d %s", status, body)
	}
}

func TestSQSQueryProtocolErrors(t *testing.T) {
	srv := hakotest.Start(t)
	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"missing queue", url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}}, 400, "AWS.SimpleQueueService.NonExistentQueue"},
		{"bad number", url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {"http://x/000000000000/nope"}, "MaxNumberOfMessages": {"ten"}}, 400, "InvalidParameterValue"},
		{"unknown action", url.Values{"Action": {"FrobnicateQueue"}}, 400, "InvalidAction"},
		{"invalid queue name", url.Values{"Action": {"CreateQueue"}, "QueueName": {"bad name!"}}, 400, "InvalidParameterValue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.form.Set("Version", "2012-11-05")
			status, body := srv.Query(t, "sqs", "/", c.form)
			var e queryError
			if err := xml.Unmarshal(body, &e); err != nil || status != c.status || e.Code != c.code || e.Type != "Sender" || e.Message == "" {
				t.Fatalf("%d %s", status, body)
			}
		})
	}
}

func TestMalformedFormBodyIsAQueryError(t *testing.T) {
	srv := hakotest.Start(t)
	resp, err := http.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=SendMessage&a=%zz"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e queryError
	if err := xml.NewDecoder(resp.Body).Decode(&e); err != nil || resp.StatusCode != 400 || e.Code != "MalformedQueryString" {
		t.Fatalf("%d %+v %v", resp.StatusCode, e, err)
	}
}
