package sns_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

type mail struct {
	Type, MessageId, Protocol, Endpoint, TopicArn, SubscriptionArn string
	Subject, Message, SubscribeURL, Token, Timestamp               string
}

// TestEmailOutbox: e-mail subscriptions get their confirmation (with its
// link) and, once confirmed, the notifications in hako's local mailbox.
func TestEmailOutbox(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("news", nil)
	for _, p := range []string{"email", "email-json"} {
		out, err := e.c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: &topic, Protocol: aws.String(p), Endpoint: aws.String(p + "@example.com")})
		if err != nil || *out.SubscriptionArn != "pending confirmation" {
			t.Fatalf("Subscribe %s: %v %v", p, out, err)
		}
	}
	subs, _ := e.c.ListSubscriptionsByTopic(e.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
	for _, s := range subs.Subscriptions {
		if *s.SubscriptionArn != "PendingConfirmation" {
			t.Fatalf("pending subscription listed as %s", *s.SubscriptionArn)
		}
	}
	// Nothing is sent to pending subscriptions.
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("early")}); err != nil {
		t.Fatal(err)
	}
	var box []mail
	getJSON(t, e.h.URL+"/_hako/sns/email", &box)
	if len(box) != 2 || box[0].Type != "SubscriptionConfirmation" || box[0].Endpoint != "email@example.com" ||
		!strings.Contains(box[0].Message, "Confirm subscription: "+box[0].SubscribeURL) || box[1].Protocol != "email-json" {
		t.Fatalf("confirmations: %+v", box)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(box[1].Message), &doc); err != nil || doc["Type"] != "SubscriptionConfirmation" || doc["Token"] != box[1].Token {
		t.Fatalf("email-json confirmation: %q", box[1].Message)
	}
	// One confirms by following the link, the other through the API.
	resp, err := http.Get(box[0].SubscribeURL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("confirm link: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := e.c.ConfirmSubscription(e.ctx, &sns.ConfirmSubscriptionInput{TopicArn: &topic, Token: &box[1].Token}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.ConfirmSubscription(e.ctx, &sns.ConfirmSubscriptionInput{TopicArn: &topic, Token: aws.String("bogus")})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Token", 400)
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("weekly news"), Subject: aws.String("News")}); err != nil {
		t.Fatal(err)
	}
	getJSON(t, e.h.URL+"/_hako/sns/email?endpoint=email@example.com", &box)
	last := box[len(box)-1]
	if len(box) != 2 || last.Type != "Notification" || last.Subject != "News" || !strings.HasPrefix(last.Message, "weekly news\n\n--\nIf you wish to stop receiving") ||
		!strings.Contains(last.Message, e.h.URL+"/?Action=Unsubscribe&SubscriptionArn="+last.SubscriptionArn) {
		t.Fatalf("email notification: %+v", box)
	}
	getJSON(t, e.h.URL+"/_hako/sns/email?endpoint=email-json@example.com", &box)
	last = box[len(box)-1]
	n := decodeNotification(t, last.Message)
	if n.Message != "weekly news" || n.Subject != "News" || n.Signature == "" {
		t.Fatalf("email-json notification: %+v", last)
	}
	verify(t, map[string]string{"Type": n.Type, "MessageId": n.MessageId, "TopicArn": n.TopicArn, "Subject": n.Subject, "Message": n.Message,
		"Timestamp": n.Timestamp, "SignatureVersion": n.SignatureVersion, "Signature": n.Signature, "SigningCertURL": n.SigningCertURL})
	req, _ := http.NewRequest(http.MethodDelete, e.h.URL+"/_hako/sns/email", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE mailbox: %v %v", resp, err)
	}
	getJSON(t, e.h.URL+"/_hako/sns/email", &box)
	if len(box) != 0 {
		t.Fatalf("mailbox not emptied: %d", len(box))
	}
}
