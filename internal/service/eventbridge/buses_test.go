package eventbridge_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

func TestDefaultBusExistsWithoutCreation(t *testing.T) {
	e := newEnv(t)
	d, err := e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.Name) != "default" || aws.ToString(d.Arn) != "arn:aws:events:us-east-1:"+account+":event-bus/default" {
		t.Fatalf("default bus: %+v", d)
	}
	l, err := e.eb.ListEventBuses(e.ctx, &eventbridge.ListEventBusesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.EventBuses) != 1 || aws.ToString(l.EventBuses[0].Name) != "default" {
		t.Fatalf("buses: %+v", l.EventBuses)
	}
	_, err = e.eb.DeleteEventBus(e.ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("default")})
	apiErr(t, err, "ValidationException", "Cannot delete event bus default.")
	_, err = e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("default")})
	apiErr(t, err, "ResourceAlreadyExistsException", "Event bus default already exists.")
}

func TestCreateDescribeListUpdateDeleteBus(t *testing.T) {
	e := newEnv(t)
	out, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders"), Description: aws.String("d1"),
		Tags: []ebtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:events:us-east-1:" + account + ":event-bus/orders"
	if aws.ToString(out.EventBusArn) != arn {
		t.Fatalf("arn %s", aws.ToString(out.EventBusArn))
	}
	_, err = e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	apiErr(t, err, "ResourceAlreadyExistsException", "Event bus orders already exists.")
	_, err = e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("a/b")})
	apiErr(t, err, "ValidationException", "Event bus name must not contain '/'.")
	_, err = e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("aws.partner/x/y"), EventSourceName: aws.String("aws.partner/x/y")})
	apiErr(t, err, "ResourceNotFoundException", "Event source aws.partner/x/y does not exist.")

	for _, name := range []string{"orders", arn} {
		d, err := e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.Name) != "orders" || aws.ToString(d.Description) != "d1" || d.CreationTime == nil || d.LastModifiedTime == nil {
			t.Fatalf("describe %s: %+v", name, d)
		}
	}
	if _, err := e.eb.UpdateEventBus(e.ctx, &eventbridge.UpdateEventBusInput{Name: aws.String("orders"), Description: aws.String("d2")}); err != nil {
		t.Fatal(err)
	}
	d, _ := e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
	if aws.ToString(d.Description) != "d2" {
		t.Fatalf("description after update: %q", aws.ToString(d.Description))
	}
	tags, err := e.eb.ListTagsForResource(e.ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "a" {
		t.Fatalf("tags %+v %v", tags, err)
	}

	if _, err := e.eb.DeleteEventBus(e.ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
	apiErr(t, err, "ResourceNotFoundException", "Event bus orders does not exist.")
	// Deleting again succeeds, as on AWS.
	if _, err := e.eb.DeleteEventBus(e.ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
}

func TestListEventBusesPrefixAndPaging(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String(fmt.Sprintf("bus-%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var tok *string
	for {
		out, err := e.eb.ListEventBuses(e.ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String("bus-"), Limit: aws.Int32(2), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range out.EventBuses {
			names = append(names, aws.ToString(b.Name))
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if fmt.Sprint(names) != "[bus-0 bus-1 bus-2 bus-3 bus-4]" {
		t.Fatalf("pages: %v", names)
	}
	all, _ := e.eb.ListEventBuses(e.ctx, &eventbridge.ListEventBusesInput{})
	if len(all.EventBuses) != 6 || aws.ToString(all.EventBuses[5].Name) != "default" {
		t.Fatalf("all buses: %d", len(all.EventBuses))
	}
}

func TestPutRemovePermission(t *testing.T) {
	e := newEnv(t)
	for _, p := range []*eventbridge.PutPermissionInput{
		{Action: aws.String("events:PutEvents"), Principal: aws.String("111122223333"), StatementId: aws.String("one")},
		{Action: aws.String("events:PutEvents"), Principal: aws.String("*"), StatementId: aws.String("org"),
			Condition: &ebtypes.Condition{Type: aws.String("StringEquals"), Key: aws.String("aws:PrincipalOrgID"), Value: aws.String("o-1")}},
	} {
		if _, err := e.eb.PutPermission(e.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	d, _ := e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{})
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"one","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:000000000000:event-bus/default"},` +
		`{"Sid":"org","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:000000000000:event-bus/default","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`
	if aws.ToString(d.Policy) != want {
		t.Fatalf("policy\n%s\nwant\n%s", aws.ToString(d.Policy), want)
	}
	_, err := e.eb.PutPermission(e.ctx, &eventbridge.PutPermissionInput{Action: aws.String("events:PutRule"), Principal: aws.String("*"), StatementId: aws.String("x")})
	apiErr(t, err, "ValidationException", "Provided value in parameter 'action' is not supported.")
	_, err = e.eb.PutPermission(e.ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("nope"), Action: aws.String("events:PutEvents"), Principal: aws.String("*"), StatementId: aws.String("x")})
	apiErr(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")

	if _, err := e.eb.RemovePermission(e.ctx, &eventbridge.RemovePermissionInput{StatementId: aws.String("one")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.RemovePermission(e.ctx, &eventbridge.RemovePermissionInput{StatementId: aws.String("one")})
	apiErr(t, err, "ResourceNotFoundException", "Statement with the provided id does not exist.")
	if _, err := e.eb.RemovePermission(e.ctx, &eventbridge.RemovePermissionInput{RemoveAllPermissions: true}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{})
	if d.Policy != nil {
		t.Fatalf("policy after remove all: %s", aws.ToString(d.Policy))
	}
	// A whole policy replaces the statements.
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"s","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"events:ListRules","Resource":"*"}]}`
	if _, err := e.eb.PutPermission(e.ctx, &eventbridge.PutPermissionInput{Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{})
	if aws.ToString(d.Policy) != doc {
		t.Fatalf("policy %s", aws.ToString(d.Policy))
	}
}

func TestTagsOnRulesAndBuses(t *testing.T) {
	e := newEnv(t)
	e.rule("", "r1", `{"source":["a"]}`)
	arn := "arn:aws:events:us-east-1:" + account + ":rule/r1"
	if _, err := e.eb.TagResource(e.ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(arn),
		Tags: []ebtypes.Tag{{Key: aws.String("k1"), Value: aws.String("v1")}, {Key: aws.String("k2"), Value: aws.String("v2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eb.UntagResource(e.ctx, &eventbridge.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"k1"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.eb.ListTagsForResource(e.ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil || len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "k2" {
		t.Fatalf("tags %+v %v", out, err)
	}
	_, err = e.eb.TagResource(e.ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(arn + "x"), Tags: []ebtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	apiErr(t, err, "ResourceNotFoundException", "Rule r1x does not exist on EventBus default.")
	_, err = e.eb.TagResource(e.ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(arn),
		Tags: []ebtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}, {Key: aws.String("a"), Value: aws.String("c")}}})
	apiErr(t, err, "ValidationException", "Invalid parameter: Duplicated keys are not allowed.")
}
