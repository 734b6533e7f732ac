package sqs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestSendReceiveDelete(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("basic", nil)
	if !strings.HasSuffix(url, "/000000000000/basic") || !strings.HasPrefix(url, e.srv.URL) {
		t.Fatalf("queue URL = %s", url)
	}
	sent := e.send(url, "hello")
	if aws.ToString(sent.MD5OfMessageBody) != "5d41402abc4b2a76b9719d911017c592" {
		t.Fatalf("MD5OfMessageBody = %s", aws.ToString(sent.MD5OfMessageBody))
	}
	ms := e.receive(url, 10)
	if len(ms) != 1 || *ms[0].Body != "hello" || *ms[0].MessageId != *sent.MessageId {
		t.Fatalf("received %+v", ms)
	}
	if got := ms[0].Attributes["ApproximateReceiveCount"]; got != "1" {
		t.Errorf("ApproximateReceiveCount = %s", got)
	}
	if again := e.receive(url, 10); len(again) != 0 {
		t.Fatalf("message visible while in flight: %v", bodies(again))
	}
	e.del(url, *ms[0].ReceiptHandle)
	e.advance(31 * time.Second)
	if again := e.receive(url, 10); len(again) != 0 {
		t.Fatalf("deleted message came back: %v", bodies(again))
	}
}

func TestVisibilityTimeoutExpires(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("vis", map[string]string{"VisibilityTimeout": "10"})
	e.send(url, "m")
	first := e.receive(url, 1)
	if len(first) != 1 {
		t.Fatal("no message")
	}
	e.advance(9 * time.Second)
	if ms := e.receive(url, 1); len(ms) != 0 {
		t.Fatal("visible before the timeout")
	}
	e.advance(time.Second)
	second := e.receive(url, 1)
	if len(second) != 1 || second[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("second receive: %+v", second)
	}
	if *first[0].ReceiptHandle == *second[0].ReceiptHandle {
		t.Fatal("receipt handle reused across receives")
	}
	if first[0].Attributes["ApproximateFirstReceiveTimestamp"] != second[0].Attributes["ApproximateFirstReceiveTimestamp"] {
		t.Fatal("ApproximateFirstReceiveTimestamp changed")
	}
	_, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("1")}, {Id: aws.String("b"), MessageBody: aws.String("2")},
	}})
	if err != nil {
		t.Fatal(err)
	}
}
