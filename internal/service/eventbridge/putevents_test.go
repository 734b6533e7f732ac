package eventbridge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

func TestPutEventsDeliversEventJSONToSQS(t *testing.T) {
	e := newEnv(t)
	url, arn := e.queue("orders", nil)
	e.rule("", "shop", `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn)})
	at := time.Date(2025, 2, 1, 8, 30, 15, 500e6, time.UTC)
	en := entry("shop", "Order Placed", `{ "total": 150, "items": ["a", "b"] }`)
	en.Resources = []string{"arn:aws:shop:::order/1"}
	en.Time = &at
	out := e.put(en, entry("shop", "Order Placed", `{"total":5}`), entry("other", "Order Placed", `{"total":500}`))
	if len(out.Entries) != 3 || aws.ToString(out.Entries[0].EventId) == "" {
		t.Fatalf("entries %+v", out.Entries)
	}
	msgs := e.receive(url, 1)
	want := `{"version":"0","id":"` + aws.ToString(out.Entries[0].EventId) + `","detail-type":"Order Placed","source":"shop",` +
		`"account":"000000000000","time":"2025-02-01T08:30:15Z","region":"us-east-1","resources":["arn:aws:shop:::order/1"],` +
		`"detail":{"total":150,"items":["a","b"]}}`
	if got := aws.ToString(msgs[0].Body); got != want {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
	e.quiet(url)
}

func TestPutEventsTimeDefaultsToNow(t *testing.T) {
	e := newEnv(t)
	url, arn := e.queue("q", nil)
	e.rule("", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn)})
	e.put(entry("s", "t", `{}`))
	m := decode(t, aws.ToString(e.receive(url, 1)[0].Body))
	if m["time"] != "2025-03-01T12:00:00Z" || len(m["resources"].([]any)) != 0 {
		t.Fatalf("event %v", m)
	}
}

func TestPutEventsEntryValidation(t *testing.T) {
	e := newEnv(t)
	out, err := e.eb.PutEvents(e.ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{DetailType: aws.String("t"), Detail: aws.String("{}")},
		{Source: aws.String("s"), Detail: aws.String("{}")},
		{Source: aws.String("s"), DetailType: aws.String("t")},
		{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`[1]`)},
		{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{"a":`)},
		{Source: aws.String("aws.s3"), DetailType: aws.String("t"), Detail: aws.String(`{}`)},
		{Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(`{}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ code, msg string }{
		{"InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."},
		{"InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."},
		{"InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."},
		{"MalformedDetail", "Detail is malformed."},
		{"MalformedDetail", "Detail is malformed."},
		{"NotAuthorizedForSourceException", "Not authorized for the source."},
	}
	if out.FailedEntryCount != 6 {
		t.Fatalf("failed %d", out.FailedEntryCount)
	}
	for i, w := range want {
		if aws.ToString(out.Entries[i].ErrorCode) != w.code || aws.ToString(out.Entries[i].ErrorMessage) != w.msg || out.Entries[i].EventId != nil {
			t.Errorf("entry %d: %+v, want %v", i, out.Entries[i], w)
		}
	}
	if out.Entries[6].EventId == nil || out.Entries[6].ErrorCode != nil {
		t.Errorf("valid entry %+v", out.Entries[6])
	}
	// 256 KB is the limit of the entries' size as AWS counts it.
	big := `{"a":"` + strings.Repeat("x", 256*1024) + `"}`
	_, err = e.eb.PutEvents(e.ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{entry("s", "t", big)}})
	apiErr(t, err, "ValidationException", "Total size of the entries in the request is over the limit.")
	many := make([]ebtypes.PutEventsRequestEntry, 11)
	for i := range many {
		many[i] = entry("s", "t", "{}")
	}
	_, err = e.eb.PutEvents(e.ctx, &eventbridge.PutEventsInput{Entries: many})
	apiErr(t, err, "ValidationException", "")
}

// AWS acknowledges an event for a bus that does not exist (with an id) and
// drops it (recorded against AWS in LocalStack's
// test_put_events_nonexistent_event_bus snapshot).
func TestPutEventsToMissingBusIsAcceptedAndDropped(t *testing.T) {
	e := newEnv(t)
	en := entry("s", "t", "{}")
	en.EventBusName = aws.String("nope")
	out := e.put(en)
	if out.Entries[0].EventId == nil {
		t.Fatalf("entry %+v", out.Entries[0])
	}
}

func TestDisabledRuleDoesNotMatch(t *testing.T) {
	e := newEnv(t)
	url, arn := e.queue("q", nil)
	e.rule("", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn)})
	if _, err := e.eb.DisableRule(e.ctx, &eventbridge.DisableRuleInput{Name: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	e.put(entry("s", "t", "{}"))
	e.quiet(url)
	if _, err := e.eb.EnableRule(e.ctx, &eventbridge.EnableRuleInput{Name: aws.String("r")}); err != nil {
		t.Fatal(err)
	}
	e.put(entry("s", "t", "{}"))
	e.receive(url, 1)
}

func TestTargetInputPathAndTransformers(t *testing.T) {
	e := newEnv(t)
	var urls [5]string
	var targets []ebtypes.Target
	for i, tc := range []ebtypes.Target{
		{Input: aws.String(`{"fixed":true}`)},
		{InputPath: aws.String("$.detail")},
		{InputPath: aws.String("$.detail.user.name")},
		{InputTransformer: &ebtypes.InputTransformer{
			InputPathsMap: map[string]string{"name": "$.detail.user.name", "dt": "$.detail-type", "missing": "$.detail.nope"},
			InputTemplate: aws.String(`"<dt> by <name> (<missing>)"`)}},
		{InputTransformer: &ebtypes.InputTransformer{
			InputPathsMap: map[string]string{"name": "$.detail.user.name", "user": "$.detail.user", "n": "$.detail.n", "first": "$.detail.tags[0]", "missing": "$.detail.nope"},
			InputTemplate: aws.String(`{"who": <name>, "user": <user>, "n": <n>, "first": "<first>", "greeting": "hi <name>", "missing": <missing>, "rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>"}`)}},
	} {
		var arn string
		urls[i], arn = e.queue("q"+string(rune('0'+i)), nil)
		tc.Id, tc.Arn = aws.String("t"+string(rune('0'+i))), aws.String(arn)
		targets = append(targets, tc)
	}
	e.rule("", "users", `{"source":["app"]}`, targets...)
	e.put(entry("app", "Signup", `{"user":{"name":"Ann \"A\"","age":30},"n":7,"tags":["x","y"]}`))
	want := []string{
		`{"fixed":true}`,
		`{"user":{"name":"Ann \"A\"","age":30},"n":7,"tags":["x","y"]}`,
		`"Ann \"A\""`,
		`"Signup by Ann \"A\" ()"`,
		`{"who": "Ann \"A\"", "user": {"name":"Ann \"A\"","age":30}, "n": 7, "first": "x", "greeting": "hi Ann \"A\"", "missing": "", "rule": "users", "arn": "arn:aws:events:us-east-1:000000000000:rule/users"}`,
	}
	for i, w := range want {
		if got := aws.ToString(e.receive(urls[i], 1)[0].Body); got != w {
			t.Errorf("target %d:\n%s\nwant\n%s", i, got, w)
		}
	}
	// A sixth target is over the quota of five.
	_, q6 := e.queue("q6", nil)
	_, err := e.eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String("users"), Targets: []ebtypes.Target{{Id: aws.String("t6"), Arn: aws.String(q6)}}})
	apiErr(t, err, "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
}

func TestPredefinedTransformerVariables(t *testing.T) {
	e := newEnv(t)
	url, arn := e.queue("q", nil)
	e.rule("", "r", `{"source":["app"]}`, ebtypes.Target{Id: aws.String("t"), Arn: aws.String(arn), InputTransformer: &ebtypes.InputTransformer{
		InputTemplate: aws.String(`{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>, "at": "<aws.events.event.ingestion-time>"}`)}})
	out := e.put(entry("app", "T", `{"k":1}`))
	id := aws.ToString(out.Entries[0].EventId)
	got := aws.ToString(e.receive(url, 1)[0].Body)
	ev := `{"version":"0","id":"` + id + `","detail-type":"T","source":"app","account":"000000000000","time":"2025-03-01T12:00:00Z","region":"us-east-1","resources":[],"detail":{"k":1}}`
	want := `{"originalEvent": {"id":"` + id + `","account":"000000000000","detailType":"T","time":"2025-03-01T12:00:00Z","source":"app","region":"us-east-1","resources":[],"version":"0"}, ` +
		`"originalEventJson": ` + ev + `, "at": "2025-03-01T12:00:00Z"}`
	if got != want {
		t.Fatalf("\n%s\nwant\n%s", got, want)
	}
}

func TestPutTargetsValidation(t *testing.T) {
	e := newEnv(t)
	e.rule("", "r", `{"source":["a"]}`)
	_, q := e.queue("q", nil)
	put := func(tg ebtypes.Target) error {
		_, err := e.eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []ebtypes.Target{tg}})
		return err
	}
	apiErr(t, put(ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q), Input: aws.String("{}"), InputPath: aws.String("$")}),
		"ValidationException", "Only one of Input, InputPath, or InputTransformer must be provided for target t.")
	apiErr(t, put(ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q), InputTransformer: &ebtypes.InputTransformer{
		InputPathsMap: map[string]string{"a": "$.detail"}, InputTemplate: aws.String(`"<a> <notdefinedkey>"`)}}),
		"ValidationException", "InputTemplate for target t contains invalid placeholder notdefinedkey.")
	apiErr(t, put(ebtypes.Target{Id: aws.String("t"), Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:q.fifo")}),
		"ValidationException", "Parameter(s) SqsParameters must be specified for target: t.")
	apiErr(t, put(ebtypes.Target{Id: aws.String("t"), Arn: aws.String("queue")}),
		"ValidationException", "Parameter queue is not valid. Reason: Provided Arn is not in correct format.")
	apiErr(t, put(ebtypes.Target{Id: aws.String("t"), Arn: aws.String(q), RetryPolicy: &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(186)}}),
		"ValidationException", "")
	_, err := e.eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String("nope"), Targets: []ebtypes.Target{{Id: aws.String("t"), Arn: aws.String(q)}}})
	apiErr(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
	l, err := e.eb.ListTargetsByRule(e.ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r")})
	if err != nil || len(l.Targets) != 0 {
		t.Fatalf("targets %+v %v", l, err)
	}
}

func TestListTargetsByRuleKeepsOrderAndPages(t *testing.T) {
	e := newEnv(t)
	_, q := e.queue("q", nil)
	var ts []ebtypes.Target
	for _, id := range []string{"c", "a", "b"} {
		ts = append(ts, ebtypes.Target{Id: aws.String(id), Arn: aws.String(q), RetryPolicy: &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(3)}})
	}
	e.rule("", "r", `{"source":["a"]}`, ts...)
	var ids []string
	var tok *string
	for {
		out, err := e.eb.ListTargetsByRule(e.ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r"), Limit: aws.Int32(2), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range out.Targets {
			ids = append(ids, aws.ToString(tg.Id))
			if tg.RetryPolicy == nil || aws.ToInt32(tg.RetryPolicy.MaximumRetryAttempts) != 3 {
				t.Fatalf("retry policy lost: %+v", tg)
			}
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if strings.Join(ids, ",") != "c,a,b" {
		t.Fatalf("ids %v", ids)
	}
}

func TestFIFOQueueTargetGetsGroupAndEventIDDeduplication(t *testing.T) {
	e := newEnv(t)
	url, arn := e.queue("orders.fifo", map[string]string{"FifoQueue": "true"})
	e.rule("", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn), SqsParameters: &ebtypes.SqsParameters{MessageGroupId: aws.String("g1")}})
	e.put(entry("s", "t", `{"n":1}`), entry("s", "t", `{"n":1}`))
	msgs := e.receive(url, 2)
	for _, m := range msgs {
		if m.Attributes["MessageGroupId"] != "g1" || m.Attributes["MessageDeduplicationId"] == "" {
			t.Fatalf("attributes %v", m.Attributes)
		}
	}
}

func TestUnsupportedTargetGoesToDeadLetterQueue(t *testing.T) {
	e := newEnv(t)
	dlq, dlqArn := e.queue("dlq", nil)
	sfn := "arn:aws:states:us-east-1:000000000000:stateMachine:m"
	e.rule("", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("sm"), Arn: aws.String(sfn), RoleArn: aws.String("arn:aws:iam::000000000000:role/r"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqArn)}})
	out := e.put(entry("s", "t", `{"k":"v"}`))
	m := e.receive(dlq, 1)[0]
	ev := decode(t, aws.ToString(m.Body))
	if ev["id"] != aws.ToString(out.Entries[0].EventId) {
		t.Fatalf("dead letter body %s", aws.ToString(m.Body))
	}
	attr := func(n string) string { return aws.ToString(m.MessageAttributes[n].StringValue) }
	if attr("RULE_ARN") != "arn:aws:events:us-east-1:000000000000:rule/r" || attr("TARGET_ARN") != sfn ||
		attr("ERROR_CODE") != "INVALID_PARAMETER" || !strings.Contains(attr("ERROR_MESSAGE"), "not supported by hako") ||
		attr("RETRY_ATTEMPTS") != "0" || aws.ToString(m.MessageAttributes["RETRY_ATTEMPTS"].DataType) != "Number" {
		t.Fatalf("dead letter attributes %v", m.MessageAttributes)
	}
}

func TestMissingQueueTargetGoesToDeadLetterQueue(t *testing.T) {
	e := newEnv(t)
	dlq, dlqArn := e.queue("dlq", nil)
	e.rule("", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:gone"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqArn)}, RetryPolicy: &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(0)}})
	e.put(entry("s", "t", `{}`))
	m := e.receive(dlq, 1)[0]
	if c := aws.ToString(m.MessageAttributes["ERROR_CODE"].StringValue); c != "NO_RESOURCE" {
		t.Fatalf("error code %q (%v)", c, m.MessageAttributes)
	}
}

func TestEventBusTargetForwardsWholeEvent(t *testing.T) {
	e := newEnv(t)
	if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("second")}); err != nil {
		t.Fatal(err)
	}
	url, arn := e.queue("q", nil)
	e.rule("", "fwd", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("bus"), Arn: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/second"),
		RoleArn: aws.String("arn:aws:iam::000000000000:role/r")})
	e.rule("second", "in", `{"detail-type":["t"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn)})
	out := e.put(entry("s", "t", `{"x":1}`))
	m := decode(t, aws.ToString(e.receive(url, 1)[0].Body))
	if m["id"] != aws.ToString(out.Entries[0].EventId) || m["source"] != "s" {
		t.Fatalf("forwarded event %v", m)
	}
}
