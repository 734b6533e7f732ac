package sqs_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestQueryProtocol drives a few operations through the older awsQuery
// protocol (form POST to the queue URL, XML answers).
func TestQueryProtocol(t *testing.T) {
	e := newEnv(t)
	st, body := e.srv.Query(t, "sqs", "/", url.Values{"Action": {"CreateQueue"}, "QueueName": {"q1"}, "Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"60"}})
	if st != 200 || !strings.Contains(string(body), "/000000000000/q1</QueueUrl>") {
		t.Fatalf("CreateQueue: %d %s", st, body)
	}
	st, body = e.srv.Query(t, "sqs", "/000000000000/q1", url.Values{"Action": {"SendMessage"}, "MessageBody": {"hi"},
		"MessageAttribute.1.Name": {"Hello"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {"World"}})
	if st != 200 || !strings.Contains(string(body), "<MD5OfMessageAttributes>7db7fb1ba7f41366a8ea5eb18220b26d</MD5OfMessageAttributes>") {
		t.Fatalf("SendMessage: %d %s", st, body)
	}
	st, body = e.srv.Query(t, "sqs", "/000000000000/q1", url.Values{"Action": {"ReceiveMessage"}, "MessageAttributeName.1": {"All"}})
	if st != 200 || !strings.Contains(string(body), "<Body>hi</Body>") || !strings.Contains(string(body), "<ReceiptHandle>") {
		t.Fatalf("ReceiveMessage: %d %s", st, body)
	}
	st, body = e.srv.Query(t, "sqs", "/000000000000/nope", url.Values{"Action": {"ReceiveMessage"}})
	if st != 400 || !strings.Contains(string(body), "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>") ||
		!strings.Contains(string(body), "<Message>The specified queue does not exist for this wsdl version.</Message>") {
		t.Fatalf("missing queue: %d %s", st, body)
	}
}

// A query-protocol SendMessageBatch with an empty entry list (botocore
// sends the bare list key) is EmptyBatchRequest, as in JSON.
func TestQuerySendMessageBatchEmptyListIsEmptyBatchRequest(t *testing.T) {
	e := newEnv(t)
	e.createQueue("qbatch", nil)
	st, body := e.srv.Query(t, "sqs", "/000000000000/qbatch", url.Values{"Action": {"SendMessageBatch"}, "SendMessageBatchRequestEntry": {""}})
	if st != 400 || !strings.Contains(string(body), "<Code>AWS.SimpleQueueService.EmptyBatchRequest</Code>") ||
		!strings.Contains(string(body), "<Message>There should be at least one SendMessageBatchRequestEntry in the request.</Message>") {
		t.Errorf("%d %s", st, body)
	}
}
