package scheduler_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

func TestScheduleCreateGetUpdateDelete(t *testing.T) {
	e := newEnv(t, t0)
	c, ctx := e.sch, e.ctx
	q := "arn:aws:sqs:us-east-1:000000000000:q"
	arn := e.create("nightly", "cron(0 2 * * ? *)", q, func(in *scheduler.CreateScheduleInput) {
		in.Description = aws.String("every night")
		in.Target.Input = aws.String(`{"key":"value"}`)
		in.ClientToken = aws.String("tok")
	})
	if arn != "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly" {
		t.Errorf("ScheduleArn %s", arn)
	}
	g, err := c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("nightly")})
	if err != nil {
		t.Fatal(err)
	}
	// AWS's defaults are visible.
	if aws.ToString(g.Arn) != arn || aws.ToString(g.GroupName) != "default" || aws.ToString(g.ScheduleExpressionTimezone) != "UTC" ||
		g.State != types.ScheduleStateEnabled || g.ActionAfterCompletion != types.ActionAfterCompletionNone ||
		aws.ToString(g.Description) != "every night" || g.FlexibleTimeWindow.Mode != types.FlexibleTimeWindowModeOff ||
		aws.ToInt32(g.Target.RetryPolicy.MaximumEventAgeInSeconds) != 86400 || aws.ToInt32(g.Target.RetryPolicy.MaximumRetryAttempts) != 185 ||
		aws.ToString(g.Target.Input) != `{"key":"value"}` || aws.ToString(g.Target.RoleArn) != role ||
		!g.CreationDate.Equal(t0) || !g.LastModificationDate.Equal(t0) || g.StartDate != nil || g.EndDate != nil {
		t.Errorf("GetSchedule %+v target %+v", g, g.Target)
	}

	// A retry with the ClientToken answers as the first request; another
	// request conflicts.
	e.create("nightly", "cron(0 2 * * ? *)", q, func(in *scheduler.CreateScheduleInput) { in.ClientToken = aws.String("tok") })
	_, err = c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("nightly"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(q), RoleArn: aws.String(role)}})
	wantErr(t, err, "ConflictException", "Schedule nightly already exists.")
	_, err = c.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String("x"), GroupName: aws.String("nope"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(q), RoleArn: aws.String(role)}})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group nope does not exist.")
	_, err = c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule nope does not exist.")

	// UpdateSchedule replaces the whole definition.
	e.clk.Advance(time.Minute)
	start, end := t0.Add(time.Hour), t0.Add(48*time.Hour)
	if _, err := c.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{Name: aws.String("nightly"), ScheduleExpression: aws.String("rate(2 minute)"),
		ScheduleExpressionTimezone: aws.String("Europe/Paris"), State: types.ScheduleStateDisabled, ActionAfterCompletion: types.ActionAfterCompletionDelete,
		StartDate: &start, EndDate: &end, KmsKeyArn: aws.String("arn:aws:kms:us-east-1:000000000000:key/k1"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(10)},
		Target: &types.Target{Arn: aws.String(q + "2"), RoleArn: aws.String(role), SqsParameters: &types.SqsParameters{MessageGroupId: aws.String("g")},
			RetryPolicy: &types.RetryPolicy{MaximumRetryAttempts: aws.Int32(3)}, DeadLetterConfig: &types.DeadLetterConfig{Arn: aws.String(q + "-dlq")}},
	}); err != nil {
		t.Fatal(err)
	}
	g, err = c.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String("nightly"), GroupName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	if g.Description != nil || g.Target.Input != nil || aws.ToString(g.ScheduleExpression) != "rate(2 minute)" || aws.ToString(g.ScheduleExpressionTimezone) != "Europe/Paris" ||
		g.State != types.ScheduleStateDisabled || g.ActionAfterCompletion != types.ActionAfterCompletionDelete ||
		!g.StartDate.Equal(start) || !g.EndDate.Equal(end) || aws.ToString(g.KmsKeyArn) == "" ||
		aws.ToInt32(g.FlexibleTimeWindow.MaximumWindowInMinutes) != 10 || aws.ToString(g.Target.Arn) != q+"2" ||
		aws.ToString(g.Target.SqsParameters.MessageGroupId) != "g" || aws.ToString(g.Target.DeadLetterConfig.Arn) != q+"-dlq" ||
		aws.ToInt32(g.Target.RetryPolicy.MaximumRetryAttempts) != 3 || aws.ToInt32(g.Target.RetryPolicy.MaximumEventAgeInSeconds) != 86400 ||
		!g.CreationDate.Equal(t0) || !g.LastModificationDate.Equal(t0.Add(time.Minute)) {
		t.Errorf("after UpdateSchedule %+v target %+v", g, g.Target)
	}
	_, err = c.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{Name: aws.String("nope"), ScheduleExpression: aws.String("rate(1 hour)"),
		FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target:             &types.Target{Arn: aws.String(q), RoleArn: aws.String(role)}})
	wantErr(t, err, "ResourceNotFoundException", "Schedule nope does not exist.")

	if _, err := c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("nightly")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("nightly")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule nightly does not exist.")
}

func TestListSchedules(t *testing.T) {
	e := newEnv(t, t0)
	c, ctx := e.sch, e.ctx
	if _, err := c.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String("g1")}); err != nil {
		t.Fatal(err)
	}
	q := "arn:aws:sqs:us-east-1:000000000000:q"
	for _, n := range []string{"b-1", "a-1", "a-2"} {
		e.create(n, "rate(1 hour)", q)
	}
	e.create("a-3", "rate(1 hour)", q+"3", func(in *scheduler.CreateScheduleInput) {
		in.GroupName = aws.String("g1")
		in.State = types.ScheduleStateDisabled
	})
	list := func(in *scheduler.ListSchedulesInput) []string {
		t.Helper()
		var names []string
		for pages := 0; ; pages++ {
			out, err := c.ListSchedules(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.Schedules {
				names = append(names, aws.ToString(s.GroupName)+"/"+aws.ToString(s.Name)+"/"+string(s.State)+"/"+aws.ToString(s.Target.Arn))
			}
			if in.NextToken = out.NextToken; in.NextToken == nil || pages > 10 {
				return names
			}
		}
	}
	if got, want := fmtList(list(&scheduler.ListSchedulesInput{MaxResults: aws.Int32(1)})),
		"[default/a-1/ENABLED/"+q+" default/a-2/ENABLED/"+q+" default/b-1/ENABLED/"+q+" g1/a-3/DISABLED/"+q+"3]"; got != want {
		t.Errorf("all: %s, want %s", got, want)
	}
	if got := list(&scheduler.ListSchedulesInput{NamePrefix: aws.String("a-"), State: types.ScheduleStateEnabled}); len(got) != 2 {
		t.Errorf("prefix and state: %v", got)
	}
	if got := list(&scheduler.ListSchedulesInput{GroupName: aws.String("g1")}); len(got) != 1 {
		t.Errorf("group: %v", got)
	}
	_, err := c.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "Schedule group nope does not exist.")
	out, err := c.ListSchedules(ctx, &scheduler.ListSchedulesInput{NamePrefix: aws.String("zzz")})
	if err != nil || out.Schedules == nil || len(out.Schedules) != 0 {
		t.Errorf("empty listing %+v %v", out, err)
	}
	s, _ := c.ListSchedules(ctx, &scheduler.ListSchedulesInput{MaxResults: aws.Int32(1)})
	if len(s.Schedules) != 1 || !s.Schedules[0].CreationDate.Equal(t0) || aws.ToString(s.Schedules[0].Arn) != "arn:aws:scheduler:us-east-1:000000000000:schedule/default/a-1" {
		t.Errorf("summary %+v", s.Schedules)
	}
}

func TestCreateScheduleValidation(t *testing.T) {
	e := newEnv(t, t0)
	c, ctx := e.sch, e.ctx
	create := func(mod func(*scheduler.CreateScheduleInput)) error {
		in := &scheduler.CreateScheduleInput{Name: aws.String("v"), ScheduleExpression: aws.String("rate(1 hour)"),
			FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
			Target:             &types.Target{Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:q"), RoleArn: aws.String(role)}}
		mod(in)
		_, err := c.CreateSchedule(ctx, in)
		return err
	}
	// The invalid expressions recorded against AWS (LocalStack's snapshots).
	for _, expr := range []string{"cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
		"cron(71 8 1 * ? *)", "cron()", "rate(10 seconds)", "rate(10 years)", "rate()", "rate(10)", "rate(10 minutess)",
		"rate(foo minutes)", "rate(-10 minutes)", "rate( 10 minutes )", " rate(10 minutes)", "at(2021-12-31T23:59:59Z)", "at(2021-12-31)"} {
		err := create(func(in *scheduler.CreateScheduleInput) { in.ScheduleExpression = aws.String(expr) })
		wantErr(t, err, "ValidationException", "Invalid Schedule Expression "+expr+".")
	}
	for _, expr := range []string{"rate(1 minute)", "rate(2 minute)", "rate(5 minutes)", "cron(0/15 8-17 ? * MON-FRI *)", "at(2030-02-01T10:00:00)"} {
		if err := create(func(in *scheduler.CreateScheduleInput) { in.ScheduleExpression = aws.String(expr) }); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
		c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("v")})
	}
	err := create(func(in *scheduler.CreateScheduleInput) { in.ScheduleExpressionTimezone = aws.String("Mars/Olympus") })
	wantErr(t, err, "ValidationException", "Invalid ScheduleExpressionTimezone Mars/Olympus.")
	err = create(func(in *scheduler.CreateScheduleInput) { in.StartDate = aws.Time(t0.Add(-6 * time.Minute)) })
	wantErr(t, err, "ValidationException", "The StartDate you specify cannot be earlier than 5 minutes ago.")
	err = create(func(in *scheduler.CreateScheduleInput) {
		in.StartDate, in.EndDate = aws.Time(t0.Add(time.Hour)), aws.Time(t0.Add(time.Minute))
	})
	wantErr(t, err, "ValidationException", "The EndDate you specify must be later than the StartDate.")
	err = create(func(in *scheduler.CreateScheduleInput) { in.EndDate = aws.Time(t0.Add(-time.Hour)) })
	wantErr(t, err, "ValidationException", "The EndDate you specify cannot be earlier than the current time.")
	// One-time schedules ignore the dates.
	if err := create(func(in *scheduler.CreateScheduleInput) {
		in.ScheduleExpression, in.StartDate = aws.String("at(2030-02-01T10:00:00)"), aws.Time(t0.Add(-time.Hour))
	}); err != nil {
		t.Errorf("at() with an old StartDate: %v", err)
	}
	c.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String("v")})
	err = create(func(in *scheduler.CreateScheduleInput) {
		in.FlexibleTimeWindow.Mode = types.FlexibleTimeWindowModeFlexible
	})
	wantErr(t, err, "ValidationException", "MaximumWindowInMinutes must be specified when the FlexibleTimeWindow Mode is FLEXIBLE.")
	// The model's constraints, in AWS's words.
	err = create(func(in *scheduler.CreateScheduleInput) {
		in.Target.RetryPolicy = &types.RetryPolicy{MaximumRetryAttempts: aws.Int32(186)}
	})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '186' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185")
	err = create(func(in *scheduler.CreateScheduleInput) {
		in.FlexibleTimeWindow = &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(1441)}
	})
	wantErr(t, err, "ValidationException", "")
	err = create(func(in *scheduler.CreateScheduleInput) { in.Target.RoleArn = aws.String("not-a-role") })
	wantErr(t, err, "ValidationException", "")
}
