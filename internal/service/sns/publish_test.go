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

func TestPublishValidation(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("v", nil)
	pub := func(in *sns.PublishInput) error {
		if in.TopicArn == nil && in.TargetArn == nil && in.PhoneNumber == nil {
			in.TopicArn = &topic
		}
		_, err := e.c.Publish(e.ctx, in)
		return err
	}
	big := strings.Repeat("x", 256*1024)
	cases := []struct {
		in        *sns.PublishInput
		code, msg string
	}{
		{&sns.PublishInput{Message: aws.String("")}, "InvalidParameter", "Invalid parameter: Empty message"},
		{&sns.PublishInput{Message: aws.String(big + "y")}, "InvalidParameter", "Invalid parameter: Message too long"},
		{&sns.PublishInput{Message: &big, MessageAttributes: map[string]types.MessageAttributeValue{"a": strAttr("b")}}, "InvalidParameter", "Invalid parameter: Message too long"},
		{&sns.PublishInput{Message: aws.String("m"), Subject: aws.String("")}, "InvalidParameter", "Invalid parameter: Subject"},
		{&sns.PublishInput{Message: aws.String("m"), Subject: aws.String("two\nlines")}, "InvalidParameter", "Invalid parameter: Subject"},
		{&sns.PublishInput{Message: aws.String("m"), Subject: aws.String(strings.Repeat("s", 100))}, "InvalidParameter", "Invalid parameter: Subject"},
		{&sns.PublishInput{Message: aws.String("m"), Subject: aws.String("héllo")}, "InvalidParameter", "Invalid parameter: Subject"},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Float"), StringValue: aws.String("1")}}},
			"ParameterValueInvalid", "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": numAttr("one")}},
			"ParameterValueInvalid", "Could not cast message attribute 'a' value to number."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": strAttr("")}},
			"ParameterValueInvalid", "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Binary"), StringValue: aws.String("x")}}},
			"ParameterValueInvalid", "The message attribute 'a' with type 'Binary' must use field 'Binary'."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a b": strAttr("x")}},
			"ParameterValueInvalid", "Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{".a": strAttr("x")}},
			"ParameterValueInvalid", "Invalid message attribute name starting with character '.' was found."},
		{&sns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a..b": strAttr("x")}},
			"ParameterValueInvalid", "Message attribute name can not have successive '.' character."},
		{&sns.PublishInput{Message: aws.String("m"), MessageDeduplicationId: aws.String("d")}, "InvalidParameter",
			"Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
		{&sns.PublishInput{Message: aws.String("m"), TargetArn: &topic, TopicArn: &topic}, "InvalidParameter",
			"Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified"},
		{&sns.PublishInput{Message: aws.String("m"), PhoneNumber: aws.String("call-me")}, "InvalidParameter",
			"Invalid parameter: PhoneNumber Reason: call-me is not valid to publish to"},
	}
	for i, c := range cases {
		if err := pub(c.in); err == nil {
			t.Fatalf("case %d accepted", i)
		} else {
			apiError(t, err, c.code, c.msg, 400)
		}
	}
	// TargetArn names a topic too; a phone number goes to the SMS outbox.
	if err := pub(&sns.PublishInput{Message: aws.String("m"), TargetArn: &topic}); err != nil {
		t.Fatal(err)
	}
	if err := pub(&sns.PublishInput{Message: aws.String("code 1234"), PhoneNumber: aws.String("+15555550100")}); err != nil {
		t.Fatal(err)
	}
	var sms []struct{ Endpoint, Message, Protocol string }
	getJSON(t, e.h.URL+"/_hako/sns/sms", &sms)
	if len(sms) != 1 || sms[0].Endpoint != "+15555550100" || sms[0].Message != "code 1234" || sms[0].Protocol != "sms" {
		t.Fatalf("sms outbox: %+v", sms)
	}
}

func TestPublishBatch(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("batch", nil)
	url, arn := e.createQueue("batch-q", nil)
	e.subscribe(topic, "sqs", arn, nil)
	entry := func(id, msg string) types.PublishBatchRequestEntry {
		return types.PublishBatchRequestEntry{Id: aws.String(id), Message: aws.String(msg)}
	}
	out, err := e.c.PublishBatch(e.ctx, &sns.PublishBatchInput{TopicArn: &topic, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		entry("a", "one"), entry("b", "two"), {Id: aws.String("c"), Message: aws.String("three"), Subject: aws.String("")}, entry("d", ""),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 2 || *out.Failed[0].Id != "c" || *out.Failed[0].Code != "InvalidParameter" ||
		*out.Failed[0].Message != "Invalid parameter: Subject" || !out.Failed[0].SenderFault || *out.Failed[1].Message != "Invalid parameter: Empty message" {
		t.Fatalf("result: %+v", out)
	}
	if got := messagesOf(t, e.receive(url, 2, 10*time.Second)); fmt.Sprint(got) != "[one two]" {
		t.Fatalf("delivered %v", got)
	}
	batch := func(entries ...types.PublishBatchRequestEntry) error {
		_, err := e.c.PublishBatch(e.ctx, &sns.PublishBatchInput{TopicArn: &topic, PublishBatchRequestEntries: entries})
		return err
	}
	// The SDK refuses an empty batch itself; as a raw query request:
	status, body := e.h.Query(t, "sns", "/", map[string][]string{"Action": {"PublishBatch"}, "TopicArn": {topic}, "PublishBatchRequestEntries": {""}})
	if status != 400 || !strings.Contains(string(body), "<Code>EmptyBatchRequest</Code><Message>The batch request doesn&#39;t contain any entries.</Message>") {
		t.Fatalf("empty batch: %d %s", status, body)
	}
	var eleven []types.PublishBatchRequestEntry
	for i := range 11 {
		eleven = append(eleven, entry(fmt.Sprint(i), "m"))
	}
	apiError(t, batch(eleven...), "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.", 400)
	apiError(t, batch(entry("x", "1"), entry("x", "2")), "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", 400)
	apiError(t, batch(entry("bad id!", "1")), "InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.", 400)
	half := strings.Repeat("h", 130*1024)
	apiError(t, batch(entry("p", half), entry("q", half)), "BatchRequestTooLong", "The length of all the messages put together is more than the limit.", 400)
}

// TestFIFOTopicToFIFOQueue publishes to a FIFO topic: sequence numbers grow
// per topic, a duplicate within five minutes gets the first message's id
// and is not delivered, the window survives a restart, and the FIFO queue
// gets the group and deduplication ids in order.
func TestFIFOTopicToFIFOQueue(t *testing.T) {
	e := newEnv(t, true)
	topic := e.createTopic("prices.fifo", map[string]string{"FifoTopic": "true"})
	url, arn := e.createQueue("prices.fifo", map[string]string{"FifoQueue": "true"})
	stdURL, stdARN := e.createQueue("prices-std", nil)
	e.subscribe(topic, "sqs", arn, nil)
	e.subscribe(topic, "sqs", stdARN, nil)
	pub := func(msg, group, dedup string) (*sns.PublishOutput, error) {
		in := &sns.PublishInput{TopicArn: &topic, Message: &msg, MessageGroupId: &group}
		if dedup != "" {
			in.MessageDeduplicationId = &dedup
		}
		return e.c.Publish(e.ctx, in)
	}
	_, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("x")})
	apiError(t, err, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics", 400)
	_, err = pub("x", "g", "")
	apiError(t, err, "InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly", 400)

	var seqs []string
	first := map[string]string{}
	for i := range 5 {
		// The outbox orders a key's deliveries by enqueue time: on a fake
		// clock that never moves, time must pass between publishes.
		e.clk.Advance(time.Millisecond)
		out, err := pub(fmt.Sprint("p", i), "g1", fmt.Sprint("d", i))
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *out.SequenceNumber)
		first[fmt.Sprint("d", i)] = *out.MessageId
	}
	for i := 1; i < len(seqs); i++ {
		if len(seqs[i]) != 20 || seqs[i] <= seqs[i-1] {
			t.Fatalf("sequence numbers %v", seqs)
		}
	}
	dup, err := pub("p0 again", "g1", "d0")
	if err != nil || *dup.MessageId != first["d0"] || *dup.SequenceNumber != seqs[0] {
		t.Fatalf("duplicate: %+v %v", dup, err)
	}
	got := e.receive(url, 5, 10*time.Second)
	var bodies []string
	for _, m := range got {
		n := decodeNotification(t, *m.Body)
		bodies = append(bodies, n.Message)
		if m.Attributes["MessageGroupId"] != "g1" || m.Attributes["MessageDeduplicationId"] == "" || n.SequenceNumber == "" || n.Signature != "" {
			t.Fatalf("fifo message: %+v %+v", m.Attributes, n)
		}
	}
	if fmt.Sprint(bodies) != "[p0 p1 p2 p3 p4]" {
		t.Fatalf("fifo order: %v", bodies)
	}
	if n := len(e.receive(stdURL, 5, 10*time.Second)); n != 5 {
		t.Fatalf("standard queue got %d", n)
	}
	// The window survives a restart and ends after five minutes.
	e.h.Restart(t)
	e.c, e.q = e.h.SNS(), e.h.SQS()
	dup, err = pub("p1 again", "g1", "d1")
	if err != nil || *dup.MessageId != first["d1"] {
		t.Fatalf("duplicate after restart: %+v %v", dup, err)
	}
	e.clk.Advance(5*time.Minute + time.Second)
	fresh, err := pub("p1 later", "g1", "d1")
	if err != nil || *fresh.MessageId == first["d1"] || *fresh.SequenceNumber <= seqs[4] {
		t.Fatalf("after the window: %+v %v", fresh, err)
	}
	// Content-based deduplication hashes the message.
	cbd := "content" + ".fifo"
	ctopic := e.createTopic(cbd, map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	a, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &ctopic, Message: aws.String("same"), MessageGroupId: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &ctopic, Message: aws.String("same"), MessageGroupId: aws.String("h")})
	if err != nil || *a.MessageId != *b.MessageId {
		t.Fatalf("content dedup: %v %v %v", *a.MessageId, b, err)
	}
}
