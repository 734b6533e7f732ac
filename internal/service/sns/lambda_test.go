package sns_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/hako-dev/hako/internal/lambdatest"
)

// TestLambdaSubscriptionEvent subscribes a real aws-lambda-go function
// (lambdatest/fns/snsfn): it decodes the event as events.SNSEvent and
// reports it to a queue. A function that does not exist sends the message
// to the subscription's dead-letter queue.
func TestLambdaSubscriptionEvent(t *testing.T) {
	e := newEnv(t, false)
	recordsURL, _ := e.createQueue("snsfn-records", nil)
	dlqURL, dlqARN := e.createQueue("snsfn-dlq", nil)
	fn, err := e.h.Lambda().CreateFunction(e.ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("on-message"), Runtime: ltypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/r"), Code: &ltypes.FunctionCode{ZipFile: lambdatest.GoZip(t, "snsfn")},
		Environment: &ltypes.Environment{Variables: map[string]string{"RECORD_QUEUE": recordsURL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	topic := e.createTopic("to-lambda", nil)
	sub := e.subscribe(topic, "lambda", *fn.FunctionArn, nil)
	e.subscribe(topic, "lambda", "arn:aws:lambda:us-east-1:000000000000:function:missing", map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `"}`})
	out, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("hi λ"),
		MessageAttributes: map[string]types.MessageAttributeValue{"color": strAttr("blue")}})
	if err != nil {
		t.Fatal(err)
	}
	got := e.receive(recordsURL, 1, 60*time.Second)
	if len(got) != 1 {
		t.Fatal("the function reported no event")
	}
	var ev events.SNSEvent
	if err := json.Unmarshal([]byte(*got[0].Body), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Records) != 1 {
		t.Fatalf("records: %+v", ev)
	}
	r := ev.Records[0]
	s := r.SNS
	if r.EventSource != "aws:sns" || r.EventVersion != "1.0" || r.EventSubscriptionArn != sub ||
		s.Type != "Notification" || s.MessageID != *out.MessageId || s.TopicArn != topic || s.Subject != "" || s.Message != "hi λ" ||
		s.SignatureVersion != "1" || s.Signature == "" || !strings.HasPrefix(s.SigningCertURL, e.h.URL+"/_hako/sns/") ||
		s.UnsubscribeURL != e.h.URL+"/?Action=Unsubscribe&SubscriptionArn="+sub || s.Timestamp.IsZero() {
		t.Fatalf("event: %+v", r)
	}
	if a, ok := s.MessageAttributes["color"].(map[string]any); !ok || a["Type"] != "String" || a["Value"] != "blue" {
		t.Fatalf("attributes: %+v", s.MessageAttributes)
	}
	// The event verifies like an HTTP notification (SigningCertUrl).
	verify(t, map[string]string{"Type": s.Type, "MessageId": s.MessageID, "TopicArn": s.TopicArn, "Message": s.Message,
		"Timestamp": s.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), "SignatureVersion": s.SignatureVersion,
		"Signature": s.Signature, "SigningCertURL": s.SigningCertURL})

	dl := e.receive(dlqURL, 1, 10*time.Second)
	if len(dl) != 1 {
		t.Fatal("no dead letter for the missing function")
	}
	n := decodeNotification(t, *dl[0].Body)
	if n.Message != "hi λ" || n.MessageId != *out.MessageId || n.MessageAttributes["color"].Value != "blue" {
		t.Fatalf("dead letter: %s", *dl[0].Body)
	}
}
