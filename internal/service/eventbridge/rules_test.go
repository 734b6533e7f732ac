package eventbridge_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

func TestPutDescribeListDeleteRule(t *testing.T) {
	e := newEnv(t)
	if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	pattern := `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`
	out, err := e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders"),
		EventPattern: aws.String(pattern), Description: aws.String("big orders"), RoleArn: aws.String("arn:aws:iam::000000000000:role/r")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.RuleArn) != "arn:aws:events:us-east-1:000000000000:rule/orders/big" {
		t.Fatalf("arn %s", aws.ToString(out.RuleArn))
	}
	d, err := e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big"), EventBusName: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/orders")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.EventPattern) != pattern || d.State != ebtypes.RuleStateEnabled || aws.ToString(d.EventBusName) != "orders" ||
		aws.ToString(d.CreatedBy) != account || aws.ToString(d.Description) != "big orders" {
		t.Fatalf("describe %+v", d)
	}
	_, err = e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big")})
	apiErr(t, err, "ResourceNotFoundException", "Rule big does not exist on EventBus default.")
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("x"), EventBusName: aws.String("nope"), EventPattern: aws.String(pattern)})
	apiErr(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")

	// PutRule replaces: the omitted description is gone.
	if _, err := e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders"), EventPattern: aws.String(pattern), State: ebtypes.RuleStateDisabled}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")})
	if d.Description != nil || d.State != ebtypes.RuleStateDisabled {
		t.Fatalf("after replace %+v", d)
	}
	if _, err := e.eb.EnableRule(e.ctx, &eventbridge.EnableRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")})
	if d.State != ebtypes.RuleStateEnabled {
		t.Fatalf("state %s", d.State)
	}

	_, qarn := e.queue("q", nil)
	if _, err := e.eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String("big"), EventBusName: aws.String("orders"),
		Targets: []ebtypes.Target{{Id: aws.String("t1"), Arn: aws.String(qarn)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.DeleteRule(e.ctx, &eventbridge.DeleteRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")})
	apiErr(t, err, "ValidationException", "Rule can't be deleted since it has targets.")
	names, err := e.eb.ListRuleNamesByTarget(e.ctx, &eventbridge.ListRuleNamesByTargetInput{TargetArn: aws.String(qarn), EventBusName: aws.String("orders")})
	if err != nil || fmt.Sprint(names.RuleNames) != "[big]" {
		t.Fatalf("rules by target %+v %v", names, err)
	}
	if _, err := e.eb.RemoveTargets(e.ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("big"), EventBusName: aws.String("orders"), Ids: []string{"t1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eb.DeleteRule(e.ctx, &eventbridge.DeleteRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	l, _ := e.eb.ListRules(e.ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")})
	if len(l.Rules) != 0 {
		t.Fatalf("rules left %+v", l.Rules)
	}
}

func TestPutRuleValidation(t *testing.T) {
	e := newEnv(t)
	_, err := e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("r")})
	apiErr(t, err, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":"a"}`)})
	apiErr(t, err, "InvalidEventPatternException", "")
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":[]}`)})
	apiErr(t, err, "InvalidEventPatternException", "Event pattern is not valid. Reason: Empty arrays are not allowed")
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), ScheduleExpression: aws.String("rate(1 minutes)")})
	apiErr(t, err, "ValidationException", "Parameter ScheduleExpression is not valid.")
	if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("b"), ScheduleExpression: aws.String("rate(5 minutes)")})
	apiErr(t, err, "ValidationException", "ScheduleExpression is supported only on the default event bus.")
	_, err = e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String("bad name!"), EventPattern: aws.String(`{"source":["a"]}`)})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
}

func TestListRulesPrefixAndPaging(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.rule("", fmt.Sprintf("r_%d", i), `{"source":["a"]}`)
	}
	e.rule("", "other", `{"source":["a"]}`)
	var names []string
	var tok *string
	for {
		out, err := e.eb.ListRules(e.ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String("r_"), Limit: aws.Int32(2), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Rules {
			names = append(names, aws.ToString(r.Name))
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if fmt.Sprint(names) != "[r_0 r_1 r_2 r_3 r_4]" {
		t.Fatalf("names %v", names)
	}
}

func TestTestEventPattern(t *testing.T) {
	e := newEnv(t)
	ev := `{"id":"1","account":"1","source":"shop","time":"2025-01-01T00:00:00Z","region":"us-east-1","detail-type":"Order","resources":[],"detail":{"total":150}}`
	for pattern, want := range map[string]bool{
		`{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`: true,
		`{"source":[{"prefix":"sh"}]}`:                                   true,
		`{"detail":{"total":[{"numeric":["<",100]}]}}`:                   false,
	} {
		out, err := e.eb.TestEventPattern(e.ctx, &eventbridge.TestEventPatternInput{Event: aws.String(ev), EventPattern: aws.String(pattern)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Result != want {
			t.Errorf("%s: %v, want %v", pattern, out.Result, want)
		}
	}
	_, err := e.eb.TestEventPattern(e.ctx, &eventbridge.TestEventPatternInput{Event: aws.String(`{"source":"shop"}`), EventPattern: aws.String(`{"source":["shop"]}`)})
	apiErr(t, err, "ValidationException", "Parameter Event is not valid.")
	_, err = e.eb.TestEventPattern(e.ctx, &eventbridge.TestEventPatternInput{Event: aws.String(ev), EventPattern: aws.String(`{"source":[{"bogus":1}]}`)})
	apiErr(t, err, "InvalidEventPatternException", "")
}
