package sns_test

import (
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// TestStatePersistsAcrossRestart: topics, attributes, tags, subscriptions
// with their filter policies and the signing certificate survive a
// restart; fan-out works right after it (the cache starts cold).
func TestStatePersistsAcrossRestart(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("durable", map[string]string{"DisplayName": "Durable"})
	url, qarn := e.createQueue("durable-q", nil)
	sub := e.subscribe(topic, "sqs", qarn, map[string]string{"FilterPolicy": `{"k":["yes"]}`})
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("before"),
		MessageAttributes: map[string]types.MessageAttributeValue{"k": strAttr("yes")}}); err != nil {
		t.Fatal(err)
	}
	before := e.receive(url, 1, 10*time.Second)
	if len(before) != 1 {
		t.Fatal("nothing before the restart")
	}
	cert := decodeNotification(t, *before[0].Body).SigningCertURL

	e.h.Restart(t)
	e.c, e.q = e.h.SNS(), e.h.SQS()
	if a := e.topicAttrs(topic); a["DisplayName"] != "Durable" || a["SubscriptionsConfirmed"] != "1" {
		t.Fatalf("topic after restart: %v", a)
	}
	sa, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &sub})
	if err != nil || sa.Attributes["FilterPolicy"] != `{"k":["yes"]}` {
		t.Fatalf("subscription after restart: %v %v", sa, err)
	}
	for _, v := range []string{"no", "yes"} {
		if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("after " + v),
			MessageAttributes: map[string]types.MessageAttributeValue{"k": strAttr(v)}}); err != nil {
			t.Fatal(err)
		}
	}
	after := e.receive(url, 1, 10*time.Second)
	e.quiet(url)
	if len(after) != 1 {
		t.Fatalf("after restart: %d messages", len(after))
	}
	n := decodeNotification(t, *after[0].Body)
	if n.Message != "after yes" || n.SigningCertURL != cert {
		t.Fatalf("after restart: %+v (certificate was %s)", n, cert)
	}
	verify(t, map[string]string{"Type": n.Type, "MessageId": n.MessageId, "TopicArn": n.TopicArn, "Message": n.Message,
		"Timestamp": n.Timestamp, "SignatureVersion": n.SignatureVersion, "Signature": n.Signature, "SigningCertURL": n.SigningCertURL})
}

// TestPostgres runs the core SDK tests against PostgreSQL. The whole suite
// runs there with HAKO_TEST_SNS_STORE=postgres. Skipped when PostgreSQL is
// not reachable (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_SNS_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_SNS_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"Topics", TestCreateTopicNamesAndIdempotency},
		{"ListTopics", TestListTopicsPages},
		{"Subscriptions", TestListSubscriptionsAndUnsubscribe},
		{"SeedFanOut", TestSeedFanOutFilterPolicies},
		{"Batch", TestPublishBatch},
		{"FIFO", TestFIFOTopicToFIFOQueue},
		{"Restart", TestStatePersistsAcrossRestart},
	} {
		t.Run(tc.name, tc.f)
	}
}
