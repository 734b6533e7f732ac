package sns_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

func TestCreateTopicNamesAndIdempotency(t *testing.T) {
	e := newEnv(t, false)
	arn := e.createTopic("orders", map[string]string{"DisplayName": "Orders"})
	if arn != "arn:aws:sns:us-east-1:000000000000:orders" {
		t.Fatalf("arn = %s", arn)
	}
	// Same name and attributes: the same topic.
	if again := e.createTopic("orders", map[string]string{"DisplayName": "Orders"}); again != arn {
		t.Fatalf("second CreateTopic = %s", again)
	}
	_, err := e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("orders"), Attributes: map[string]string{"DisplayName": "Other"}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: Topic already exists with different attributes", 400)

	for _, bad := range []string{"", "has space", "dot.name", strings.Repeat("a", 257), "x.fifo"} {
		_, err := e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String(bad)})
		if bad == "" {
			if err == nil {
				t.Fatal("empty name accepted")
			}
			continue
		}
		apiError(t, err, "InvalidParameter", "Invalid parameter: Topic Name", 400)
	}
	_, err = e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("nofifo"), Attributes: map[string]string{"FifoTopic": "true"}})
	apiError(t, err, "InvalidParameter", "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.", 400)
	fifo := e.createTopic("jobs.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	attrs := e.topicAttrs(fifo)
	if attrs["FifoTopic"] != "true" || attrs["ContentBasedDeduplication"] != "true" {
		t.Fatalf("fifo attributes: %v", attrs)
	}
	_, err = e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("std"), Attributes: map[string]string{"ContentBasedDeduplication": "true"}})
	apiError(t, err, "InvalidParameter", "", 400)
	_, err = e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("std"), Attributes: map[string]string{"Bogus": "1"}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: AttributeName", 400)
}

func (e *env) topicAttrs(arn string) map[string]string {
	e.t.Helper()
	out, err := e.c.GetTopicAttributes(e.ctx, &sns.GetTopicAttributesInput{TopicArn: &arn})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Attributes
}

func TestTopicAttributesDefaultsAndSet(t *testing.T) {
	e := newEnv(t, false)
	arn := e.createTopic("t1", nil)
	a := e.topicAttrs(arn)
	wantPolicy := `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"arn:aws:sns:us-east-1:000000000000:t1","Condition":{"StringEquals":{"AWS:SourceOwner":"000000000000"}}}]}`
	want := map[string]string{
		"Owner": "000000000000", "TopicArn": arn, "DisplayName": "", "Policy": wantPolicy,
		"SubscriptionsConfirmed": "0", "SubscriptionsPending": "0", "SubscriptionsDeleted": "0",
		"EffectiveDeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`,
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %s\nwant %s", k, a[k], v)
		}
	}
	if len(a) != len(want) {
		t.Errorf("attributes: %v", a)
	}
	set := func(name, value string) error {
		_, err := e.c.SetTopicAttributes(e.ctx, &sns.SetTopicAttributesInput{TopicArn: &arn, AttributeName: &name, AttributeValue: &value})
		return err
	}
	for k, v := range map[string]string{"DisplayName": "Shop", "SignatureVersion": "2", "TracingConfig": "Active",
		"DeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}`} {
		if err := set(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	a = e.topicAttrs(arn)
	if a["DisplayName"] != "Shop" || a["SignatureVersion"] != "2" || a["TracingConfig"] != "Active" ||
		!strings.Contains(a["EffectiveDeliveryPolicy"], `"numRetries":5`) {
		t.Fatalf("after set: %v", a)
	}
	apiError(t, set("FifoTopic", "true"), "InvalidParameter", "Invalid parameter: AttributeName", 400)
	apiError(t, set("Unknown", "x"), "InvalidParameter", "Invalid parameter: AttributeName", 400)
	apiError(t, set("SignatureVersion", "3"), "InvalidParameter", "Invalid parameter: SignatureVersion", 400)
}

func TestTopicNotFoundErrors(t *testing.T) {
	e := newEnv(t, false)
	missing := "arn:aws:sns:us-east-1:000000000000:nope"
	_, err := e.c.GetTopicAttributes(e.ctx, &sns.GetTopicAttributesInput{TopicArn: &missing})
	apiError(t, err, "NotFound", "Topic does not exist", 404)
	_, err = e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &missing, Message: aws.String("x")})
	apiError(t, err, "NotFound", "Topic does not exist", 404)
	_, err = e.c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: &missing, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:q")})
	apiError(t, err, "NotFound", "Topic does not exist", 404)
	_, err = e.c.ListSubscriptionsByTopic(e.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &missing})
	apiError(t, err, "NotFound", "Topic does not exist", 404)
	_, err = e.c.GetTopicAttributes(e.ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("not-an-arn")})
	apiError(t, err, "InvalidParameter", "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1", 400)
	_, err = e.c.ListTagsForResource(e.ctx, &sns.ListTagsForResourceInput{ResourceArn: &missing})
	apiError(t, err, "ResourceNotFound", "Resource does not exist", 404)
	// DeleteTopic is idempotent.
	if _, err := e.c.DeleteTopic(e.ctx, &sns.DeleteTopicInput{TopicArn: &missing}); err != nil {
		t.Fatal(err)
	}
}

func TestListTopicsPages(t *testing.T) {
	e := newEnv(t, false)
	want := map[string]bool{}
	for i := range 130 {
		want[e.createTopic(fmt.Sprintf("topic-%03d", i), nil)] = true
	}
	var pages []int
	got := map[string]bool{}
	p := sns.NewListTopicsPaginator(e.c, &sns.ListTopicsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(out.Topics))
		for _, tp := range out.Topics {
			got[*tp.TopicArn] = true
		}
	}
	if fmt.Sprint(pages) != "[100 30]" || len(got) != len(want) {
		t.Fatalf("pages %v, %d topics", pages, len(got))
	}
}

func TestDeleteTopicDeletesSubscriptions(t *testing.T) {
	e := newEnv(t, false)
	arn := e.createTopic("gone", nil)
	_, qarn := e.createQueue("gone-q", nil)
	sub := e.subscribe(arn, "sqs", qarn, nil)
	if _, err := e.c.DeleteTopic(e.ctx, &sns.DeleteTopicInput{TopicArn: &arn}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &sub})
	apiError(t, err, "NotFound", "Subscription does not exist", 404)
	out, err := e.c.ListSubscriptions(e.ctx, &sns.ListSubscriptionsInput{})
	if err != nil || len(out.Subscriptions) != 0 {
		t.Fatalf("subscriptions left: %v %v", out, err)
	}
	lt, _ := e.c.ListTopics(e.ctx, &sns.ListTopicsInput{})
	if len(lt.Topics) != 0 {
		t.Fatalf("topics left: %v", lt.Topics)
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t, false)
	out, err := e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("tagged"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.TopicArn
	if _, err := e.c.TagResource(e.ctx, &sns.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.UntagResource(e.ctx, &sns.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	lt, err := e.c.ListTagsForResource(e.ctx, &sns.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(lt.Tags) != 1 || *lt.Tags[0].Key != "env" || *lt.Tags[0].Value != "prod" {
		t.Fatalf("tags = %+v, %v", lt, err)
	}
	_, err = e.c.TagResource(e.ctx, &sns.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.", 400)
	var many []types.Tag
	for i := range 50 {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
	}
	_, err = e.c.TagResource(e.ctx, &sns.TagResourceInput{ResourceArn: arn, Tags: many})
	apiError(t, err, "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400)
	_, err = e.c.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String("tagged"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("other")}}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Tags Reason: Topic already exists with different tags", 400)
}

func TestAddRemovePermission(t *testing.T) {
	e := newEnv(t, false)
	arn := e.createTopic("shared", nil)
	if _, err := e.c.AddPermission(e.ctx, &sns.AddPermissionInput{TopicArn: &arn, Label: aws.String("pub"),
		AWSAccountId: []string{"111122223333"}, ActionName: []string{"Publish"}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.AddPermission(e.ctx, &sns.AddPermissionInput{TopicArn: &arn, Label: aws.String("pub"),
		AWSAccountId: []string{"111122223333"}, ActionName: []string{"Publish"}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Statement already exists", 400)
	_, err = e.c.AddPermission(e.ctx, &sns.AddPermissionInput{TopicArn: &arn, Label: aws.String("x"),
		AWSAccountId: []string{"111122223333"}, ActionName: []string{"CreateTopic"}})
	apiError(t, err, "InvalidParameter", "Invalid parameter: Policy statement action out of service scope!", 400)
	var doc struct {
		Statement []struct {
			Sid       string
			Principal struct{ AWS any }
			Action    any
			Resource  string
		}
	}
	if err := json.Unmarshal([]byte(e.topicAttrs(arn)["Policy"]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 || doc.Statement[1].Sid != "pub" || doc.Statement[1].Action != "SNS:Publish" ||
		doc.Statement[1].Principal.AWS != "arn:aws:iam::111122223333:root" || doc.Statement[1].Resource != arn {
		t.Fatalf("policy: %+v", doc)
	}
	if _, err := e.c.RemovePermission(e.ctx, &sns.RemovePermissionInput{TopicArn: &arn, Label: aws.String("pub")}); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(e.topicAttrs(arn)["Policy"]), &doc)
	if len(doc.Statement) != 1 || doc.Statement[0].Sid != "__default_statement_ID" {
		t.Fatalf("after remove: %+v", doc)
	}
}
