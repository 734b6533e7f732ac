package sns_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

func TestSubscribeValidation(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("subs", nil)
	sub := func(protocol, endpoint string, attrs map[string]string) error {
		_, err := e.c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: &topic, Protocol: &protocol, Endpoint: &endpoint, Attributes: attrs})
		return err
	}
	cases := []struct {
		protocol, endpoint string
		attrs              map[string]string
		msg                string
	}{
		{"carrier-pigeon", "x", nil, "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"},
		{"http", "https://example.com/", nil, "Invalid parameter: Endpoint must match the specified protocol"},
		{"sqs", "not-an-arn", nil, "Invalid parameter: SQS endpoint ARN"},
		{"lambda", "arn:aws:sqs:us-east-1:000000000000:q", nil, "Invalid parameter: Lambda endpoint ARN"},
		{"email", "nobody", nil, "Invalid parameter: Email address"},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", nil, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"Color": "red"}, "Invalid parameter: Attributes Reason: AttributeName"},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"RawMessageDelivery": "maybe"}, "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [maybe]. Must be true or false."},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"FilterPolicyScope": "Body"}, "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes"},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"FilterPolicy": `{"a":`}, "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON."},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"FilterPolicy": `{"a":{"b":["c"]}}`}, ""},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"nope"}`}, "Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn"},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", map[string]string{"DeliveryPolicy": `{}`}, "Invalid parameter: Attributes Reason: DeliveryPolicy: Delivery protocol [sqs] does not support delivery policies."},
	}
	for _, c := range cases {
		err := sub(c.protocol, c.endpoint, c.attrs)
		apiError(t, err, "InvalidParameter", c.msg, 400)
	}
	// Subscribe again with the same attributes: the same subscription;
	// with different ones: an error.
	_, qarn := e.createQueue("subs-q", nil)
	a := e.subscribe(topic, "sqs", qarn, map[string]string{"RawMessageDelivery": "true"})
	if b := e.subscribe(topic, "sqs", qarn, map[string]string{"RawMessageDelivery": "true"}); b != a {
		t.Fatalf("resubscribe = %s, want %s", b, a)
	}
	apiError(t, sub("sqs", qarn, map[string]string{"RawMessageDelivery": "false"}), "InvalidParameter",
		"Invalid parameter: Attributes Reason: Subscription already exists with different attributes", 400)
}

func TestSubscriptionAttributes(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("attrs", nil)
	_, qarn := e.createQueue("attrs-q", nil)
	_, dlq := e.createQueue("attrs-dlq", nil)
	sub := e.subscribe(topic, "sqs", qarn, nil)
	get := func() map[string]string {
		out, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &sub})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	a := get()
	want := map[string]string{"SubscriptionArn": sub, "TopicArn": topic, "Owner": "000000000000", "Protocol": "sqs", "Endpoint": qarn,
		"PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true", "RawMessageDelivery": "false"}
	if fmt.Sprint(a) != fmt.Sprint(want) {
		t.Fatalf("attributes %v\nwant %v", a, want)
	}
	set := func(name, value string) error {
		_, err := e.c.SetSubscriptionAttributes(e.ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: &sub, AttributeName: &name, AttributeValue: &value})
		return err
	}
	for k, v := range map[string]string{"FilterPolicy": `{"k":["v"]}`, "RedrivePolicy": `{"deadLetterTargetArn":"` + dlq + `"}`, "RawMessageDelivery": "TRUE"} {
		if err := set(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	a = get()
	if a["FilterPolicy"] != `{"k":["v"]}` || a["FilterPolicyScope"] != "MessageAttributes" || a["RawMessageDelivery"] != "true" || a["RedrivePolicy"] == "" {
		t.Fatalf("after set: %v", a)
	}
	// The scope changes how the policy compiles: nesting needs MessageBody.
	if err := set("FilterPolicy", `{"a":{"b":["c"]}}`); err == nil {
		t.Fatal("nested policy accepted for MessageAttributes scope")
	}
	if err := set("FilterPolicyScope", "MessageBody"); err != nil {
		t.Fatal(err)
	}
	if err := set("FilterPolicy", `{"a":{"b":["c"]}}`); err != nil {
		t.Fatal(err)
	}
	if err := set("FilterPolicy", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := get()["FilterPolicy"]; ok {
		t.Fatal("FilterPolicy not cleared")
	}
	apiError(t, set("Color", "red"), "InvalidParameter", "Invalid parameter: AttributeName", 400)
	missing := topic + ":00000000-0000-0000-0000-000000000000"
	_, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &missing})
	apiError(t, err, "NotFound", "Subscription does not exist", 404)
	_, err = e.c.SetSubscriptionAttributes(e.ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: &missing, AttributeName: aws.String("RawMessageDelivery"), AttributeValue: aws.String("true")})
	apiError(t, err, "NotFound", "Subscription does not exist", 404)
}

func TestListSubscriptionsAndUnsubscribe(t *testing.T) {
	e := newEnv(t, false)
	topic := e.createTopic("many", nil)
	other := e.createTopic("other", nil)
	var arns []string
	for i := range 120 {
		arns = append(arns, e.subscribe(topic, "sqs", fmt.Sprintf("arn:aws:sqs:us-east-1:000000000000:q%03d", i), nil))
	}
	e.subscribe(other, "sqs", "arn:aws:sqs:us-east-1:000000000000:x", nil)
	count := func(p interface {
		HasMorePages() bool
	}, next func() (int, error)) []int {
		var pages []int
		for p.HasMorePages() {
			n, err := next()
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, n)
		}
		return pages
	}
	pt := sns.NewListSubscriptionsByTopicPaginator(e.c, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
	if got := count(pt, func() (int, error) { o, err := pt.NextPage(e.ctx); return len(o.Subscriptions), err }); fmt.Sprint(got) != "[100 20]" {
		t.Fatalf("by topic pages %v", got)
	}
	pa := sns.NewListSubscriptionsPaginator(e.c, &sns.ListSubscriptionsInput{})
	if got := count(pa, func() (int, error) { o, err := pa.NextPage(e.ctx); return len(o.Subscriptions), err }); fmt.Sprint(got) != "[100 21]" {
		t.Fatalf("all pages %v", got)
	}
	for _, a := range arns[:20] {
		if _, err := e.c.Unsubscribe(e.ctx, &sns.UnsubscribeInput{SubscriptionArn: &a}); err != nil {
			t.Fatal(err)
		}
	}
	// Unsubscribing again is not an error.
	if _, err := e.c.Unsubscribe(e.ctx, &sns.UnsubscribeInput{SubscriptionArn: &arns[0]}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Unsubscribe(e.ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String("nope")})
	apiError(t, err, "InvalidParameter", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1", 400)
	a := e.topicAttrs(topic)
	if a["SubscriptionsConfirmed"] != "100" || a["SubscriptionsDeleted"] != "20" || a["SubscriptionsPending"] != "0" {
		t.Fatalf("counts: %v", a)
	}
}
