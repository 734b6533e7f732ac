package scheduler_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// ctxInput is an Input made of the context attributes.
const ctxInput = `{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","exec":"<aws.scheduler.execution-id>","n":"<aws.scheduler.attempt-number>"}`

type ctxBody struct{ Arn, At, Exec, N string }

// firedAt returns the scheduled times of messages whose body is ctxInput,
// sorted.
func firedAt(t *testing.T, ms []sqstypes.Message) []string {
	t.Helper()
	var out []string
	for _, b := range bodies(ms) {
		var c ctxBody
		if err := json.Unmarshal([]byte(b), &c); err != nil {
			t.Fatalf("body %s: %v", b, err)
		}
		out = append(out, c.At)
	}
	sort.Strings(out)
	return out
}

// days advances the clock n days, 12 hours at a time (a firing is
// dropped once older than MaximumEventAgeInSeconds, a day by default),
// and returns the messages that arrived on url meanwhile (received as
// they come: SQS keeps messages 4 days).
func (e *env) days(url string, n int) []sqstypes.Message {
	var got []sqstypes.Message
	for range 2 * n {
		e.advance(12 * time.Hour)
		got = append(got, e.drain(url, 200*time.Millisecond)...)
	}
	return got
}

func withInput(in string) func(*scheduler.CreateScheduleInput) {
	return func(c *scheduler.CreateScheduleInput) { c.Target.Input = aws.String(in) }
}

func TestRateScheduleFiresEveryIntervalExactlyOnce(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("out")
	arn := e.create("every5", "rate(5 minutes)", qarn, withInput(ctxInput))

	// Without a StartDate a rate starts at once.
	ms := e.waitN(url, 1)
	var b ctxBody
	json.Unmarshal([]byte(aws.ToString(ms[0].Body)), &b)
	if b.Arn != arn || b.At != stamp(t0) || len(b.Exec) != 16 || b.N != "1" {
		t.Errorf("context attributes %+v", b)
	}
	e.advance(5*time.Minute - time.Second)
	e.waitN(url, 0)
	e.advance(time.Second)
	if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(t0.Add(5*time.Minute)) {
		t.Errorf("second firing %v", got)
	}
	// A jump fires each scheduled time once, dated its own time.
	e.advance(15 * time.Minute)
	if got, want := fmtList(firedAt(t, e.waitN(url, 3))), fmtList([]string{stamp(t0.Add(10 * time.Minute)),
		stamp(t0.Add(15 * time.Minute)), stamp(t0.Add(20 * time.Minute))}); got != want {
		t.Errorf("after a jump: %s, want %s", got, want)
	}

	// DISABLED schedules do not fire; enabled again, the rate keeps its grid.
	update := func(state types.ScheduleState) {
		t.Helper()
		if _, err := e.sch.UpdateSchedule(e.ctx, &scheduler.UpdateScheduleInput{Name: aws.String("every5"), ScheduleExpression: aws.String("rate(5 minutes)"),
			State: state, FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
			Target: &types.Target{Arn: aws.String(qarn), RoleArn: aws.String(role), Input: aws.String(ctxInput)}}); err != nil {
			t.Fatal(err)
		}
	}
	update(types.ScheduleStateDisabled)
	e.advance(12 * time.Minute) // t0+32m
	e.waitN(url, 0)
	update(types.ScheduleStateEnabled)
	e.advance(3 * time.Minute) // t0+35m
	if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(t0.Add(35*time.Minute)) {
		t.Errorf("after enabling: %v", got)
	}
	// Deleted, it stops.
	if _, err := e.sch.DeleteSchedule(e.ctx, &scheduler.DeleteScheduleInput{Name: aws.String("every5")}); err != nil {
		t.Fatal(err)
	}
	e.advance(time.Hour)
	e.waitN(url, 0)
}

func TestCronEvaluatedInTimeZoneAcrossDST(t *testing.T) {
	// Spring forward in New York: 02:30 does not exist on 2030-03-10.
	e := newEnv(t, time.Date(2030, 3, 8, 12, 0, 0, 0, time.UTC))
	url, qarn := e.queue("ny")
	e.create("daily", "cron(30 2 * * ? *)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.ScheduleExpressionTimezone = aws.String("America/New_York")
	})
	if got, want := fmtList(firedAt(t, e.days(url, 4))), "[2030-03-09T07:30:00Z 2030-03-11T06:30:00Z 2030-03-12T06:30:00Z]"; got != want {
		t.Errorf("spring: %s, want %s", got, want)
	}

	// Fall back: 01:30 happens twice on 2030-11-03 and fires once, at the
	// first.
	e = newEnv(t, time.Date(2030, 11, 1, 12, 0, 0, 0, time.UTC))
	url, qarn = e.queue("ny")
	e.create("daily", "cron(30 1 * * ? *)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.ScheduleExpressionTimezone = aws.String("America/New_York")
	})
	if got, want := fmtList(firedAt(t, e.days(url, 3))), "[2030-11-02T05:30:00Z 2030-11-03T05:30:00Z 2030-11-04T06:30:00Z]"; got != want {
		t.Errorf("fall: %s, want %s", got, want)
	}
	// UTC (the default) for comparison: cron(0 12 ? * MON-FRI *) skips the weekend.
	e.create("weekdays", "cron(0 12 ? * MON-FRI *)", qarn, withInput(ctxInput))
	// From Mon 2030-11-04 12:00Z: 6 weekdays at noon, 7 nights in New York.
	if got := firedAt(t, e.days(url, 7)); len(got) != 13 {
		t.Errorf("a week: %v", got)
	}
}

func TestOneTimeScheduleAndActionAfterCompletion(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("once")
	// 12:00 in Tokyo on 2030-01-08 is 03:00 UTC.
	expr := "at(2030-01-08T12:00:00)"
	tokyo := func(in *scheduler.CreateScheduleInput) { in.ScheduleExpressionTimezone = aws.String("Asia/Tokyo") }
	e.create("once-delete", expr, qarn, withInput(ctxInput), tokyo, func(in *scheduler.CreateScheduleInput) {
		in.ActionAfterCompletion = types.ActionAfterCompletionDelete
	})
	e.create("once-keep", expr, qarn, withInput(ctxInput), tokyo)
	// Assumption: an at() already past when created never fires.
	e.create("past", "at(2030-01-07T09:00:00)", qarn, withInput(ctxInput))
	e.advance(17*time.Hour + time.Minute) // 2030-01-08T02:59Z
	e.waitN(url, 0)
	e.advance(time.Minute)
	if got := firedAt(t, e.waitN(url, 2)); got[0] != "2030-01-08T03:00:00Z" || got[1] != got[0] {
		t.Errorf("firings %v", got)
	}
	_, err := e.sch.GetSchedule(e.ctx, &scheduler.GetScheduleInput{Name: aws.String("once-delete")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule once-delete does not exist.")
	if g, err := e.sch.GetSchedule(e.ctx, &scheduler.GetScheduleInput{Name: aws.String("once-keep")}); err != nil || g.State != types.ScheduleStateEnabled {
		t.Errorf("once-keep after its firing: %+v %v", g, err)
	}
	e.advance(48 * time.Hour)
	e.waitN(url, 0)
}

func TestStartAndEndDates(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("dated")
	// A rate's first firing is its StartDate; none after EndDate; then
	// ActionAfterCompletion DELETE removes the schedule.
	e.create("window", "rate(1 hour)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.StartDate, in.EndDate = aws.Time(t0.Add(30*time.Minute)), aws.Time(t0.Add(3*time.Hour))
		in.ActionAfterCompletion = types.ActionAfterCompletionDelete
	})
	// A cron fires on its own times from StartDate on.
	e.create("hourly", "cron(0 * * * ? *)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.StartDate, in.EndDate = aws.Time(t0.Add(90*time.Minute)), aws.Time(t0.Add(4*time.Hour))
	})
	e.advance(29 * time.Minute)
	e.waitN(url, 0)
	e.advance(5 * time.Hour)
	want := []string{stamp(t0.Add(30 * time.Minute)), stamp(t0.Add(90 * time.Minute)),
		"2030-01-07T12:00:00Z", stamp(t0.Add(150 * time.Minute)), "2030-01-07T13:00:00Z"}
	if got := fmtList(firedAt(t, e.waitN(url, 5))); got != fmtList(want) {
		t.Errorf("firings %s, want %v", got, want)
	}
	_, err := e.sch.GetSchedule(e.ctx, &scheduler.GetScheduleInput{Name: aws.String("window")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule window does not exist.")
	if _, err := e.sch.GetSchedule(e.ctx, &scheduler.GetScheduleInput{Name: aws.String("hourly")}); err != nil {
		t.Errorf("hourly (ActionAfterCompletion NONE) after its end: %v", err)
	}
}

func TestFlexibleTimeWindowDeliversOncePerScheduledTime(t *testing.T) {
	e := newEnv(t, t0)
	url, qarn := e.queue("flex")
	e.create("flex", "cron(0 * * * ? *)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
		in.FlexibleTimeWindow = &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(15)}
	})
	e.advance(2 * time.Minute) // 10:00: the firing waits for its random moment in [10:00, 10:15)
	e.waitN(url, 0)
	for h := 10; h < 13; h++ {
		e.advance(15 * time.Minute)
		at := time.Date(2030, 1, 7, h, 0, 0, 0, time.UTC)
		if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(at) {
			t.Errorf("hour %d: %v", h, got)
		}
		e.advance(45 * time.Minute)
		e.waitN(url, 0)
	}
}

func TestPermanentFailuresGoToDeadLetterQueue(t *testing.T) {
	e := newEnv(t, t0)
	dlqURL, dlqARN := e.queue("dlq")
	dlq := func(in *scheduler.CreateScheduleInput) {
		in.Target.DeadLetterConfig = &types.DeadLetterConfig{Arn: aws.String(dlqARN)}
		in.Target.Input = aws.String(`{"for":"` + aws.ToString(in.Name) + `"}`)
	}
	targets := map[string]string{
		"no-queue":    "arn:aws:sqs:us-east-1:000000000000:missing",
		"no-function": "arn:aws:lambda:us-east-1:000000000000:function:missing",
		"no-topic":    "arn:aws:sns:us-east-1:000000000000:missing",
		"sfn":         "arn:aws:states:us-east-1:000000000000:stateMachine:sm",
		"universal":   "arn:aws:scheduler:::aws-sdk:dynamodb:putItem",
	}
	for name, arn := range targets {
		e.create(name, "rate(1 day)", arn, dlq)
	}
	got := map[string]sqstypes.Message{}
	for _, m := range e.waitN(dlqURL, len(targets)) {
		var b struct{ For string }
		json.Unmarshal([]byte(aws.ToString(m.Body)), &b)
		got[b.For] = m
	}
	for name, arn := range targets {
		m, ok := got[name]
		if !ok {
			t.Errorf("%s: no dead letter", name)
			continue
		}
		attr := func(k string) string { return aws.ToString(m.MessageAttributes[k].StringValue) }
		if attr("X-Amz-Scheduler-Schedule-Arn") != "arn:aws:scheduler:us-east-1:000000000000:schedule/default/"+name ||
			attr("X-Amz-Scheduler-Target-Arn") != arn || attr("X-Amz-Scheduler-Group") != "default" || attr("X-Amz-Scheduler-Schedule") != name ||
			attr("X-Amz-Scheduler-Attempt") != "1" || aws.ToString(m.MessageAttributes["X-Amz-Scheduler-Attempt"].DataType) != "Number" ||
			attr("ERROR_MESSAGE") == "" {
			t.Errorf("%s: dead letter attributes %v", name, m.MessageAttributes)
		}
		if name == "sfn" && !strings.Contains(attr("ERROR_MESSAGE"), "hako does not invoke states targets") {
			t.Errorf("sfn error %q", attr("ERROR_MESSAGE"))
		}
	}
}

func TestUniversalTargetSQSSendMessage(t *testing.T) {
	e := newEnv(t, t0)
	url, _ := e.queue("universal")
	in := `{"QueueUrl":"` + url + `","MessageBody":"fired <aws.scheduler.scheduled-time>",` +
		`"MessageAttributes":{"kind":{"DataType":"String","StringValue":"tick"}}}`
	e.create("u", "rate(1 hour)", "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", withInput(in))
	m := e.waitN(url, 1)[0]
	if aws.ToString(m.Body) != "fired "+stamp(t0) || aws.ToString(m.MessageAttributes["kind"].StringValue) != "tick" {
		t.Errorf("message %s %v", aws.ToString(m.Body), m.MessageAttributes)
	}
}
