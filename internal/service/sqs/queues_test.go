package sqs_test

import (
	"encoding/json"
	"errors"
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

func TestCreateQueueIdempotentAndConflicting(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("idem", map[string]string{"VisibilityTimeout": "60"})
	if again := e.createQueue("idem", map[string]string{"VisibilityTimeout": "60"}); again != url {
		t.Fatalf("second create returned %s, want %s", again, url)
	}
	// Attributes not given are not compared.
	if again := e.createQueue("idem", nil); again != url {
		t.Fatalf("create without attributes returned %s", again)
	}
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("idem"), Attributes: map[string]string{"VisibilityTimeout": "61"}})
	wantErr(t, err, "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute VisibilityTimeout")
	var typed *types.QueueNameExists
	if !errors.As(err, &typed) {
		t.Errorf("error is %T, want *types.QueueNameExists", err)
	}
}

func TestQueueNames(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 80)
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		code  string
		msg   string
	}{
		{name: long},
		{name: strings.Repeat("a", 75) + ".fifo", attrs: map[string]string{"FifoQueue": "true"}},
		{name: "Ok-name_1"},
		{name: long + "a", code: "InvalidParameterValue", msg: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{name: "in.fo", code: "InvalidParameterValue", msg: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{name: "x.fifo", code: "InvalidParameterValue", msg: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{name: "ééé", code: "InvalidParameterValue"},
		{name: "nofifo", attrs: map[string]string{"FifoQueue": "true"}, code: "InvalidParameterValue",
			msg: "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length"},
		{name: strings.Repeat("a", 76) + ".fifo", attrs: map[string]string{"FifoQueue": "true"}, code: "InvalidParameterValue"},
		{name: "std", attrs: map[string]string{"FifoQueue": "false"}, code: "InvalidAttributeName", msg: "Unknown Attribute FifoQueue."},
		{name: "", code: "InvalidParameterValue", msg: "Queue name cannot be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(tc.name), Attributes: tc.attrs})
			if tc.code == "" {
				if err != nil {
					t.Fatalf("CreateQueue(%q): %v", tc.name, err)
				}
				return
			}
			wantErr(t, err, tc.code, tc.msg)
		})
	}
}

func TestQueueDoesNotExist(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	var typed *types.QueueDoesNotExist
	if !errors.As(err, &typed) {
		t.Errorf("error is %T, want *types.QueueDoesNotExist", err)
	}
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.srv.URL + "/000000000000/nope"), MessageBody: aws.String("x")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func TestGetQueueURLAndAddressing(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("addr", nil)
	out, err := e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("addr")})
	if err != nil || *out.QueueUrl != url {
		t.Fatalf("GetQueueUrl = %v, %v", out, err)
	}
	out, err = e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("addr"), QueueOwnerAWSAccountId: aws.String("000000000000")})
	if err != nil || *out.QueueUrl != url {
		t.Fatalf("GetQueueUrl with owner = %v, %v", out, err)
	}
	_, err = e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("addr"), QueueOwnerAWSAccountId: aws.String("111111111111")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
	// Any host works; so do a bare path and a bare name.
	for _, u := range []string{"https://sqs.us-east-1.amazonaws.com/000000000000/addr", "/000000000000/addr", "addr"} {
		if _, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String(u)}); err != nil {
			t.Errorf("SendMessage to %s: %v", u, err)
		}
	}
	if n := len(e.receive(url, 10)); n != 3 {
		t.Errorf("received %d messages, want 3", n)
	}
	// The region of an AWS host name selects the namespace.
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String("https://sqs.eu-west-1.amazonaws.com/000000000000/addr"), MessageBody: aws.String("x")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
}

func TestRegionsAreNamespaces(t *testing.T) {
	e := newEnv(t)
	e.createQueue("regional", nil)
	eu := e.srv.SQS(func(o *sqs.Options) { o.Region = "eu-west-1" })
	_, err := eu.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("regional")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
	out, err := eu.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("regional"), Attributes: map[string]string{"DelaySeconds": "5"}})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := eu.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{"QueueArn", "DelaySeconds"}})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["QueueArn"] != "arn:aws:sqs:eu-west-1:000000000000:regional" || attrs.Attributes["DelaySeconds"] != "5" {
		t.Fatalf("eu attributes = %v", attrs.Attributes)
	}
	list, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	if err != nil || len(list.QueueUrls) != 1 {
		t.Fatalf("us-east-1 ListQueues = %v, %v", list, err)
	}
}

func TestListQueues(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 7 {
		want = append(want, e.createQueue(fmt.Sprintf("lq-%d", i), nil))
	}
	e.createQueue("other", nil)
	out, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("lq-")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.QueueUrls, want) || out.NextToken != nil {
		t.Fatalf("ListQueues = %v (token %v)", out.QueueUrls, out.NextToken)
	}
	all, _ := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	if len(all.QueueUrls) != 8 {
		t.Fatalf("all queues = %v", all.QueueUrls)
	}
	var got []string
	var tok *string
	pages := 0
	for {
		out, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("lq-"), MaxResults: aws.Int32(3), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, out.QueueUrls...)
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Fatalf("paged = %v in %d pages", got, pages)
	}
	p := sqs.NewListQueuesPaginator(e.c, &sqs.ListQueuesInput{MaxResults: aws.Int32(2)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.QueueUrls)
	}
	if n != 8 {
		t.Fatalf("paginator saw %d queues", n)
	}
	_, err = e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
	wantErr(t, err, "InvalidParameterValue", "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
	_, err = e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1), NextToken: aws.String("garbage!")})
	wantErr(t, err, "InvalidParameterValue", "Invalid or expired next token.")
}

func TestDeleteQueue(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("doomed", nil)
	e.send(url, "x")
	if _, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
	_, err = e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
	_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("doomed")})
	wantErr(t, err, "AWS.SimpleQueueService.QueueDeletedRecently", "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
	e.advance(61 * time.Second)
	url2 := e.createQueue("doomed", nil)
	if ms := e.receive(url2, 10); len(ms) != 0 {
		t.Fatalf("new queue has the old queue's messages: %v", bodies(ms))
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("tagged"), Tags: map[string]string{"env": "test", "team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	url := out.QueueUrl
	if _, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"team": "b", "x": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.UntagQueue(e.ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"env", "missing"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.c.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: url})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(tags.Tags, map[string]string{"team": "b", "x": ""}) {
		t.Fatalf("tags = %v", tags.Tags)
	}
	many := map[string]string{}
	for i := range 49 {
		many["k"+strconv.Itoa(i)] = "v"
	}
	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: many})
	wantErr(t, err, "InvalidParameterValue", "Too many tags added for queue tagged.")
	tags, _ = e.c.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: url})
	if len(tags.Tags) != 2 {
		t.Fatalf("failed TagQueue changed tags: %v", tags.Tags)
	}
	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{}})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter Tags.")
}

func TestDefaultAttributes(t *testing.T) {
	e := newEnv(t)
	created := e.clk.Now().Unix()
	std := e.createQueue("defaults", nil)
	got := e.attrs(std, "All")
	want := map[string]string{
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "0", "ApproximateNumberOfMessagesNotVisible": "0",
		"CreatedTimestamp": strconv.FormatInt(created, 10), "LastModifiedTimestamp": strconv.FormatInt(created, 10),
		"DelaySeconds": "0", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
		"QueueArn": "arn:aws:sqs:us-east-1:000000000000:defaults", "ReceiveMessageWaitTimeSeconds": "0",
		"SqsManagedSseEnabled": "true", "VisibilityTimeout": "30",
	}
	if !maps.Equal(got, want) {
		t.Errorf("standard All =\n%v\nwant\n%v", got, want)
	}
	fifo := e.createFIFO("defaults.fifo", nil)
	got = e.attrs(fifo, "All")
	want["QueueArn"] = "arn:aws:sqs:us-east-1:000000000000:defaults.fifo"
	want["FifoQueue"] = "true"
	want["ContentBasedDeduplication"] = "false"
	want["DeduplicationScope"] = "queue"
	want["FifoThroughputLimit"] = "perQueue"
	if !maps.Equal(got, want) {
		t.Errorf("FIFO All =\n%v\nwant\n%v", got, want)
	}
	if got := e.attrs(std, "VisibilityTimeout", "QueueArn"); len(got) != 2 {
		t.Errorf("two names: %v", got)
	}
	if got := e.attrs(std); got != nil {
		t.Errorf("no names: %v", got)
	}
	_, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []types.QueueAttributeName{"Bogus"}})
	wantErr(t, err, "InvalidAttributeName", "Unknown Attribute Bogus.")
}

func TestSetQueueAttributes(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("settable", nil)
	e.advance(10 * time.Second)
	set := map[string]string{"DelaySeconds": "54", "MaximumMessageSize": "1024", "MessageRetentionPeriod": "60",
		"ReceiveMessageWaitTimeSeconds": "20", "VisibilityTimeout": "0"}
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: set}); err != nil {
		t.Fatal(err)
	}
	got := e.attrs(url, "All")
	for k, v := range set {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if got["LastModifiedTimestamp"] == got["CreatedTimestamp"] {
		t.Errorf("LastModifiedTimestamp not updated: %v", got)
	}
	_, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{}})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter Attribute.Name.")

	// KMS and SQS-managed encryption exclude each other.
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"KmsMasterKeyId": "alias/aws/sqs"}}); err != nil {
		t.Fatal(err)
	}
	got = e.attrs(url, "All")
	if got["KmsMasterKeyId"] != "alias/aws/sqs" || got["KmsDataKeyReusePeriodSeconds"] != "300" || got["SqsManagedSseEnabled"] != "false" {
		t.Errorf("after KMS: %v", got)
	}
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"SqsManagedSseEnabled": "true"}}); err != nil {
		t.Fatal(err)
	}
	got = e.attrs(url, "All")
	if _, ok := got["KmsMasterKeyId"]; ok || got["SqsManagedSseEnabled"] != "true" {
		t.Errorf("after SSE-SQS: %v", got)
	}
	if _, ok := got["KmsDataKeyReusePeriodSeconds"]; ok {
		t.Errorf("KmsDataKeyReusePeriodSeconds without a key: %v", got)
	}
	// Policy can be unset with an empty value.
	policy := `{"Version":"2012-10-17","Statement":{"Sid":"s","Effect":"Allow","Principal":{"AWS":["123456789012"]},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:000000000000:settable"}}`
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"Policy": policy}}); err != nil {
		t.Fatal(err)
	}
	if got := e.attrs(url, "Policy"); got["Policy"] != policy {
		t.Errorf("Policy = %q", got["Policy"])
	}
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"Policy": ""}}); err != nil {
		t.Fatal(err)
	}
	if got := e.attrs(url, "Policy"); got != nil {
		t.Errorf("Policy after unset = %v", got)
	}
}

func TestInvalidAttributes(t *testing.T) {
	e := newEnv(t)
	std := e.createQueue("attrs-std", nil)
	fifo := e.createFIFO("attrs.fifo", nil)
	invalidValue := func(n string) string { return "Invalid value for the parameter " + n + "." }
	for _, tc := range []struct {
		fifo  bool
		attrs map[string]string
		code  string
		msg   string
	}{
		{attrs: map[string]string{"VisibilityTimeout": "43201"}, code: "InvalidAttributeValue", msg: invalidValue("VisibilityTimeout")},
		{attrs: map[string]string{"VisibilityTimeout": "-1"}, code: "InvalidAttributeValue", msg: invalidValue("VisibilityTimeout")},
		{attrs: map[string]string{"VisibilityTimeout": " 2"}, code: "InvalidAttributeValue", msg: invalidValue("VisibilityTimeout")},
		{attrs: map[string]string{"DelaySeconds": "901"}, code: "InvalidAttributeValue", msg: invalidValue("DelaySeconds")},
		{attrs: map[string]string{"DelaySeconds": "544.43"}, code: "InvalidAttributeValue", msg: invalidValue("DelaySeconds")},
		{attrs: map[string]string{"DelaySeconds": ""}, code: "InvalidAttributeValue", msg: invalidValue("DelaySeconds")},
		{attrs: map[string]string{"MaximumMessageSize": "1023"}, code: "InvalidAttributeValue", msg: invalidValue("MaximumMessageSize")},
		{attrs: map[string]string{"MaximumMessageSize": "1048577"}, code: "InvalidAttributeValue", msg: invalidValue("MaximumMessageSize")},
		{attrs: map[string]string{"MessageRetentionPeriod": "59"}, code: "InvalidAttributeValue", msg: invalidValue("MessageRetentionPeriod")},
		{attrs: map[string]string{"MessageRetentionPeriod": "1209601"}, code: "InvalidAttributeValue", msg: invalidValue("MessageRetentionPeriod")},
		{attrs: map[string]string{"ReceiveMessageWaitTimeSeconds": "21"}, code: "InvalidAttributeValue", msg: invalidValue("ReceiveMessageWaitTimeSeconds")},
		{attrs: map[string]string{"KmsDataKeyReusePeriodSeconds": "59"}, code: "InvalidAttributeValue", msg: invalidValue("KmsDataKeyReusePeriodSeconds")},
		{attrs: map[string]string{"KmsDataKeyReusePeriodSeconds": "86401"}, code: "InvalidAttributeValue", msg: invalidValue("KmsDataKeyReusePeriodSeconds")},
		{attrs: map[string]string{"SqsManagedSseEnabled": "yes"}, code: "InvalidAttributeValue", msg: invalidValue("SqsManagedSseEnabled")},
		{attrs: map[string]string{"SqsManagedSseEnabled": "true", "KmsMasterKeyId": "alias/aws/sqs"}, code: "InvalidAttributeValue",
			msg: "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."},
		{attrs: map[string]string{"Bogus": "1"}, code: "InvalidAttributeName", msg: "Unknown Attribute Bogus."},
		{attrs: map[string]string{"QueueArn": "x"}, code: "InvalidAttributeName", msg: "Unknown Attribute QueueArn."},
		{attrs: map[string]string{"ApproximateNumberOfMessages": "1"}, code: "InvalidAttributeName", msg: "Unknown Attribute ApproximateNumberOfMessages."},
		{attrs: map[string]string{"FifoQueue": "true"}, code: "InvalidAttributeName", msg: "Unknown Attribute FifoQueue."},
		{attrs: map[string]string{"ContentBasedDeduplication": "true"}, code: "InvalidAttributeName", msg: "Unknown Attribute ContentBasedDeduplication."},
		{attrs: map[string]string{"FifoThroughputLimit": "perQueue"}, code: "InvalidAttributeName", msg: "You can specify the FifoThroughputLimit only when FifoQueue is set to true."},
		{attrs: map[string]string{"DeduplicationScope": "messageGroup"}, code: "InvalidAttributeName", msg: "You can specify the DeduplicationScope only when FifoQueue is set to true."},
		{attrs: map[string]string{"Policy": "badjson"}, code: "InvalidAttributeValue", msg: invalidValue("Policy")},
		{attrs: map[string]string{"Policy": `[]`}, code: "InvalidAttributeValue", msg: invalidValue("Policy")},
		{attrs: map[string]string{"Policy": `{"Version":"4532-10-17","Statement":[]}`}, code: "InvalidAttributeValue", msg: invalidValue("Policy")},
		{attrs: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[]}`}, code: "InvalidAttributeValue", msg: invalidValue("Policy")},
		{attrs: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":{"Effect":"Allow","dummy":1}}`}, code: "InvalidAttributeValue", msg: invalidValue("Policy")},
		{attrs: map[string]string{"Policy": policyWith(22)}, code: "InvalidAttributeValue", msg: "22 statements were found in the submitted policy, max allowed is 20"},
		{fifo: true, attrs: map[string]string{"FifoThroughputLimit": "perMessageGroupId"}, code: "InvalidAttributeValue",
			msg: "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup"},
		{fifo: true, attrs: map[string]string{"DeduplicationScope": "everything"}, code: "InvalidAttributeValue", msg: invalidValue("DeduplicationScope")},
		{fifo: true, attrs: map[string]string{"ContentBasedDeduplication": "maybe"}, code: "InvalidAttributeValue", msg: invalidValue("ContentBasedDeduplication")},
		{fifo: true, attrs: map[string]string{"FifoQueue": "false"}, code: "InvalidAttributeValue", msg: "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."},
	} {
		url := std
		if tc.fifo {
			url = fifo
		}
		t.Run(fmt.Sprint(tc.attrs), func(t *testing.T) {
			_, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: tc.attrs})
			wantErr(t, err, tc.code, tc.msg)
			if _, fifoAttr := tc.attrs["FifoQueue"]; !tc.fifo && !fifoAttr {
				_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("attrs-new"), Attributes: tc.attrs})
				wantErr(t, err, tc.code, tc.msg)
			}
		})
	}
	// High-throughput mode is accepted with message group scope.
	_, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(fifo),
		Attributes: map[string]string{"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "messageGroup"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.attrs(fifo, "FifoThroughputLimit", "DeduplicationScope"); got["FifoThroughputLimit"] != "perMessageGroupId" || got["DeduplicationScope"] != "messageGroup" {
		t.Fatalf("high throughput attributes = %v", got)
	}
}

func policyWith(n int) string {
	var sts []map[string]any
	for i := range n {
		sts = append(sts, map[string]any{"Sid": fmt.Sprint("L", i), "Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"})
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	return string(b)
}

func TestRedrivePolicyValidation(t *testing.T) {
	e := newEnv(t)
	dlq := e.createQueue("rp-dlq", nil)
	fifoDLQ := e.createFIFO("rp-dlq.fifo", nil)
	_ = dlq
	_ = fifoDLQ
	const arn = "arn:aws:sqs:us-east-1:000000000000:rp-dlq"
	invalid := func(v, reason string) string {
		return "Value " + v + " for parameter RedrivePolicy is invalid. Reason: " + reason
	}
	for _, tc := range []struct {
		policy string
		code   string
		msg    string
	}{
		{" ", "InvalidAttributeValue", "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map."},
		{"[]", "InvalidAttributeValue", "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map."},
		{"{}", "InvalidParameterValue", invalid("{}", "Redrive policy does not contain mandatory attribute: maxReceiveCount.")},
		{`{"maxReceiveCount":5}`, "InvalidParameterValue", invalid(`{"maxReceiveCount":5}`, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")},
		{`{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":-36}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"`+arn+`","maxReceiveCount":-36}`, "Invalid value for maxReceiveCount: -36, valid values are from 1 to 1000 both inclusive.")},
		{`{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":1001}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"`+arn+`","maxReceiveCount":1001}`, "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive.")},
		{`{"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:topic","maxReceiveCount":5}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:topic","maxReceiveCount":5}`, "Only SQS queues are valid resources for deadLetterTargetArn.")},
		{`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:rp-dlq.fifo","maxReceiveCount":5}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:rp-dlq.fifo","maxReceiveCount":5}`, "Dead-letter queue must be same type of queue as the source..")},
		{`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:missing","maxReceiveCount":5}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:missing","maxReceiveCount":5}`, "Dead letter target does not exist.")},
		{`{"deadLetterTargetArn":"` + arn + `","maxReceiveCount":5,"x":1}`, "InvalidParameterValue",
			invalid(`{"deadLetterTargetArn":"`+arn+`","maxReceiveCount":5,"x":1}`, "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].")},
	} {
		_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("rp-src"), Attributes: map[string]string{"RedrivePolicy": tc.policy}})
		wantErr(t, err, tc.code, tc.msg)
	}
	// maxReceiveCount may be a string; the stored policy is normalized.
	src := e.createQueue("rp-src", map[string]string{"RedrivePolicy": `{"maxReceiveCount":"3","deadLetterTargetArn":"` + arn + `"}`})
	if got := e.attrs(src, "RedrivePolicy")["RedrivePolicy"]; got != `{"deadLetterTargetArn":"`+arn+`","maxReceiveCount":3}` {
		t.Fatalf("RedrivePolicy = %s", got)
	}
	if _, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": ""}}); err != nil {
		t.Fatal(err)
	}
	if got := e.attrs(src, "RedrivePolicy"); got != nil {
		t.Fatalf("RedrivePolicy after unset = %v", got)
	}
}

func TestRedriveAllowPolicy(t *testing.T) {
	e := newEnv(t)
	prefix := "Value "
	unsupported := "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format."
	many := `{"redrivePermission":"byQueue","sourceQueueArns":["a1","a2","a3","a4","a5","a6","a7","a8","a9","a10","a11"]}`
	for _, tc := range []struct{ policy, code, msg string }{
		{"badjson", "InvalidAttributeValue", unsupported},
		{"[]", "InvalidAttributeValue", unsupported},
		{"{}", "InvalidAttributeValue", unsupported},
		{`{"redrivePermission":"dummy"}`, "InvalidAttributeValue", unsupported},
		{`{"redrivePermission":"allowAll","dummy":"v"}`, "InvalidAttributeValue", unsupported},
		{`{"redrivePermission":"byQueue"}`, "InvalidParameterValue", prefix + `{"redrivePermission":"byQueue"} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.`},
		{many, "InvalidParameterValue", prefix + many + ` for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. The maximum number of source queue ARNs you can specify is 10.`},
		{`{"redrivePermission":"denyAll","sourceQueueArns":["x"]}`, "InvalidParameterValue", prefix + `{"redrivePermission":"denyAll","sourceQueueArns":["x"]} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. To specify one or more source queue ARNs, you must set redrivePermission to byQueue.`},
	} {
		_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("rap"), Attributes: map[string]string{"RedriveAllowPolicy": tc.policy}})
		wantErr(t, err, tc.code, tc.msg)
	}
	denyAll := e.createQueue("rap-deny", map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"denyAll"}`})
	_ = denyAll
	allowed := "arn:aws:sqs:us-east-1:000000000000:rap-ok"
	e.createQueue("rap-byqueue", map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"byQueue","sourceQueueArns":["` + allowed + `"]}`})
	rp := func(dlq string) map[string]string {
		return map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:` + dlq + `","maxReceiveCount":1}`}
	}
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("rap-src"), Attributes: rp("rap-deny")})
	wantErr(t, err, "InvalidParameterValue", "")
	_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("rap-src"), Attributes: rp("rap-byqueue")})
	wantErr(t, err, "InvalidParameterValue", "")
	e.createQueue("rap-ok", rp("rap-byqueue"))
	got := e.attrs(e.createQueue("rap-byqueue", nil), "RedriveAllowPolicy")["RedriveAllowPolicy"]
	if !strings.Contains(got, allowed) {
		t.Fatalf("RedriveAllowPolicy = %s", got)
	}
}

func TestPermissions(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("perm", nil)
	add := func(label string, actions ...string) error {
		_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(url), Label: aws.String(label),
			AWSAccountIds: []string{"123456789012"}, Actions: actions})
		return err
	}
	if err := add("P1", "SendMessage"); err != nil {
		t.Fatal(err)
	}
	if err := add("P1", "SendMessage"); err != nil {
		t.Fatalf("re-adding the same permission: %v", err)
	}
	wantErr(t, add("P1", "DeleteMessage"), "InvalidParameterValue", "Value P1 for parameter Label is invalid. Reason: Already exists.")
	if err := add("P2", "SendMessage", "DeleteMessage"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version, Id string
		Statement   []struct {
			Sid, Effect, Resource string
			Principal             map[string]any
			Action                any
		}
	}
	if err := json.Unmarshal([]byte(e.attrs(url, "Policy")["Policy"]), &doc); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:sqs:us-east-1:000000000000:perm"
	if doc.Id != arn+"/SQSDefaultPolicy" || len(doc.Statement) != 2 || doc.Statement[0].Sid != "P1" || doc.Statement[1].Resource != arn ||
		doc.Statement[0].Action != "SQS:SendMessage" || doc.Statement[0].Principal["AWS"] != "arn:aws:iam::123456789012:root" {
		t.Fatalf("policy = %+v", doc)
	}
	wantErr(t, add("P3", "SendMessageBatch"), "InvalidParameterValue", "Value SQS:SendMessageBatch for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.")
	wantErr(t, add("P3", "CreateQueue"), "InvalidParameterValue", "Value SQS:CreateQueue for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.")
	wantErr(t, add("", "SendMessage"), "MissingParameter", "The request must contain the parameter Label.")
	_, err := e.c.RemovePermission(e.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("nope")})
	wantErr(t, err, "InvalidParameterValue", "Value nope for parameter Label is invalid. Reason: can't find label on existing policy.")
	for _, l := range []string{"P1", "P2"} {
		if _, err := e.c.RemovePermission(e.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String(l)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.attrs(url, "Policy"); got != nil {
		t.Fatalf("policy after removing every permission: %v", got)
	}
	for i := range 20 {
		if err := add(fmt.Sprint("L", i), "SendMessage"); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, add("L20", "SendMessage"), "OverLimit", "21 Statements were found, maximum allowed is 20.")
}

func TestMessageCounts(t *testing.T) {
	e := newEnv(t)
	url := e.createQueue("counts", nil)
	for i := range 5 {
		e.send(url, fmt.Sprint(i))
	}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	e.receive(url, 2)
	got := e.attrs(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
	want := map[string]string{"ApproximateNumberOfMessages": "3", "ApproximateNumberOfMessagesNotVisible": "2", "ApproximateNumberOfMessagesDelayed": "1"}
	if !maps.Equal(got, want) {
		t.Fatalf("counts = %v, want %v", got, want)
	}
	e.advance(60 * time.Second)
	got = e.attrs(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
	want = map[string]string{"ApproximateNumberOfMessages": "6", "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0"}
	if !maps.Equal(got, want) {
		t.Fatalf("counts after a minute = %v, want %v", got, want)
	}
}
