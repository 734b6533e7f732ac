package scheduler

import (
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/schedule"
)

// The target defaults AWS fills in (GetSchedule shows them).
const (
	defaultMaxEventAge      = 86400
	defaultMaxRetryAttempts = 185
	// startDateSlack is how far in the past a recurring schedule's
	// StartDate may be ("cannot be earlier than 5 minutes ago").
	startDateSlack = 5 * time.Minute
)

// spec is a schedule's definition, as CreateSchedule and UpdateSchedule
// give it (with AWS's defaults filled in). It is stored as JSON.
type spec struct {
	Expression            string                          `json:"expression"`
	Timezone              string                          `json:"timezone"`
	StartDate             *int64                          `json:"startDate,omitempty"` // Unix ms
	EndDate               *int64                          `json:"endDate,omitempty"`
	Description           *string                         `json:"description,omitempty"`
	Flexible              schedulerapi.FlexibleTimeWindow `json:"flexible"`
	Target                schedulerapi.Target             `json:"target"`
	ActionAfterCompletion string                          `json:"actionAfterCompletion"`
	KmsKeyArn             *string                         `json:"kmsKeyArn,omitempty"`
}

// definition is what CreateSchedule and UpdateSchedule share.
type definition struct {
	expression, timezone, state, action *string
	start, end                          *model.Timestamp
	description, kms                    *string
	flexible                            *schedulerapi.FlexibleTimeWindow
	target                              *schedulerapi.Target
}

// buildSpec validates a definition against the rules the model cannot
// express, fills in the defaults and returns the spec and its state.
func buildSpec(d definition, now time.Time) (*spec, string, error) {
	sp := &spec{Expression: *d.expression, Timezone: "UTC", Description: d.description, KmsKeyArn: d.kms,
		Flexible: *d.flexible, Target: *d.target, ActionAfterCompletion: "NONE"}
	if d.timezone != nil {
		sp.Timezone = *d.timezone
	}
	if d.action != nil {
		sp.ActionAfterCompletion = *d.action
	}
	state := "ENABLED"
	if d.state != nil {
		state = *d.state
	}
	expr, err := schedule.Parse(sp.Expression)
	if err != nil {
		return nil, "", errInvalidExpression(sp.Expression)
	}
	if _, err := schedule.LoadLocation(sp.Timezone); err != nil {
		return nil, "", errValidation("Invalid ScheduleExpressionTimezone " + sp.Timezone + ".")
	}
	if d.start != nil {
		sp.StartDate = ptr(d.start.UnixMilli())
	}
	if d.end != nil {
		sp.EndDate = ptr(d.end.UnixMilli())
	}
	// AWS ignores the dates of one-time schedules.
	if expr.Kind() != schedule.At {
		if d.start != nil && d.start.Before(now.Add(-startDateSlack)) {
			return nil, "", errValidation("The StartDate you specify cannot be earlier than 5 minutes ago.")
		}
		if d.end != nil && d.end.Before(now) {
			return nil, "", errValidation("The EndDate you specify cannot be earlier than the current time.")
		}
		if d.start != nil && d.end != nil && !d.end.After(d.start.Time) {
			return nil, "", errValidation("The EndDate you specify must be later than the StartDate.")
		}
	}
	switch deref(sp.Flexible.Mode) {
	case "FLEXIBLE":
		if sp.Flexible.MaximumWindowInMinutes == nil {
			return nil, "", errValidation("MaximumWindowInMinutes must be specified when the FlexibleTimeWindow Mode is FLEXIBLE.")
		}
	case "OFF":
		if sp.Flexible.MaximumWindowInMinutes != nil {
			return nil, "", errValidation("MaximumWindowInMinutes must not be specified when the FlexibleTimeWindow Mode is OFF.")
		}
	}
	t := &sp.Target
	if t.RetryPolicy == nil {
		t.RetryPolicy = &schedulerapi.RetryPolicy{}
	}
	if t.RetryPolicy.MaximumEventAgeInSeconds == nil {
		t.RetryPolicy.MaximumEventAgeInSeconds = ptr(int32(defaultMaxEventAge))
	}
	if t.RetryPolicy.MaximumRetryAttempts == nil {
		t.RetryPolicy.MaximumRetryAttempts = ptr(int32(defaultMaxRetryAttempts))
	}
	if !strings.HasPrefix(*t.Arn, "arn:") {
		return nil, "", errValidation("Invalid target Arn " + *t.Arn + ".")
	}
	return sp, state, nil
}

// plan evaluates a spec's expression: the firings of a schedule are the
// expression's times, between StartDate and EndDate for recurring
// schedules, in the schedule's time zone. Every time is a Unix ms.
type plan struct {
	expr   *schedule.Expr
	loc    *time.Location
	anchor time.Time  // rate grids start here: StartDate, else the creation time
	start  *time.Time // recurring schedules only
	end    *time.Time
}

func newPlan(sp *spec, created int64) (*plan, error) {
	expr, err := schedule.Parse(sp.Expression)
	if err != nil {
		return nil, err
	}
	loc, err := schedule.LoadLocation(sp.Timezone)
	if err != nil {
		return nil, err
	}
	p := &plan{expr: expr, loc: loc, anchor: time.UnixMilli(created)}
	if expr.Kind() != schedule.At {
		if sp.StartDate != nil {
			st := time.UnixMilli(*sp.StartDate)
			p.start, p.anchor = &st, st
		}
		if sp.EndDate != nil {
			end := time.UnixMilli(*sp.EndDate)
			p.end = &end
		}
	}
	return p, nil
}

// from returns the first firing at or after t (Unix ms), or -1.
func (p *plan) from(t int64) int64 {
	at := time.UnixMilli(t)
	if p.start != nil && p.start.After(at) {
		at = *p.start
	}
	n, ok := p.expr.NextFrom(p.anchor, at.Add(-time.Millisecond), p.loc)
	if !ok || (p.end != nil && n.After(*p.end)) {
		return -1
	}
	return n.UnixMilli()
}

// after returns the first firing strictly after t, or -1.
func (p *plan) after(t int64) int64 { return p.from(t + 1) }
