package eventbridge

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/schedule"
	"github.com/hako-dev/hako/internal/store"
)

const (
	stateEnabled  = "ENABLED"
	stateDisabled = "DISABLED"
)

// compilePattern compiles an EventBridge event pattern, failing with
// InvalidEventPatternException.
func compilePattern(src string) (*pattern.Pattern, error) {
	p, err := pattern.Compile([]byte(src))
	var pe *pattern.Error
	if errors.As(err, &pe) {
		return nil, errPattern(pe.Reason)
	}
	return p, err
}

func errManaged(name string) error {
	return awserr.New("ManagedRuleException", "Rule '"+name+"' is managed by an AWS service can only be modified if force is True.")
}

// PutRule creates or replaces a rule: what is omitted is reset, as AWS
// documents ("the old values for those arguments are not kept").
func (s *Service) PutRule(ctx context.Context, in *eventbridgeapi.PutRuleRequest) (*eventbridgeapi.PutRuleResponse, error) {
	k := busOf(ctx, in.EventBusName)
	name := deref(in.Name)
	pat, sched := deref(in.EventPattern), deref(in.ScheduleExpression)
	if pat == "" && sched == "" {
		return nil, errValidation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if pat != "" {
		if _, err := compilePattern(pat); err != nil {
			return nil, err
		}
	}
	var expr *schedule.Expr
	if sched != "" {
		if k.name != "default" {
			return nil, errValidation("ScheduleExpression is supported only on the default event bus.")
		}
		e, err := schedule.ParseRule(sched)
		if err != nil {
			return nil, errValidation("Parameter ScheduleExpression is not valid.")
		}
		expr = e
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	state := deref(in.State)
	if state == "" {
		state = stateEnabled
	}
	now := s.clk.Now().UnixMilli()
	r := &ruleRow{bus: k, name: name, pattern: pat, schedule: sched, state: state, desc: deref(in.Description),
		roleARN: deref(in.RoleArn), createdAt: now, modifiedAt: now}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := needBus(ctx, tx, k); err != nil {
			return err
		}
		old, err := getRule(ctx, tx, k, name)
		if err != nil {
			return err
		}
		if old != nil {
			if old.managedBy != "" {
				return errManaged(name)
			}
			r.createdAt = old.createdAt
		}
		if err := saveRule(ctx, tx, r); err != nil {
			return err
		}
		if err := s.syncSchedule(ctx, tx, r, old, expr); err != nil {
			return err
		}
		s.invalidate(tx, k)
		return putTags(ctx, tx, r.arn(), in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.PutRuleResponse{RuleArn: str(r.arn())}, nil
}

func saveRule(ctx context.Context, tx *store.Tx, r *ruleRow) error {
	_, err := tx.Exec(ctx, `INSERT INTO eb_rules (account, region, bus, name, pattern, schedule, state, description, role_arn, managed_by, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, region, bus, name) DO UPDATE SET pattern = excluded.pattern, schedule = excluded.schedule,
			state = excluded.state, description = excluded.description, role_arn = excluded.role_arn,
			managed_by = excluded.managed_by, modified_at = excluded.modified_at`,
		r.bus.account, r.bus.region, r.bus.name, r.name, r.pattern, r.schedule, r.state, r.desc, r.roleARN, r.managedBy, r.createdAt, r.modifiedAt)
	return err
}

func ruleOut(r *ruleRow) eventbridgeapi.Rule {
	return eventbridgeapi.Rule{Name: str(r.name), Arn: str(r.arn()), EventBusName: str(r.bus.name), EventPattern: optStr(r.pattern),
		ScheduleExpression: optStr(r.schedule), State: str(r.state), Description: optStr(r.desc), RoleArn: optStr(r.roleARN),
		ManagedBy: optStr(r.managedBy)}
}

// DescribeRule describes a rule.
func (s *Service) DescribeRule(ctx context.Context, in *eventbridgeapi.DescribeRuleRequest) (*eventbridgeapi.DescribeRuleResponse, error) {
	k := busOf(ctx, in.EventBusName)
	var r *ruleRow
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		r, err = needRule(ctx, tx, k, deref(in.Name))
		return err
	})
	if err != nil {
		return nil, err
	}
	o := ruleOut(r)
	return &eventbridgeapi.DescribeRuleResponse{Name: o.Name, Arn: o.Arn, EventBusName: o.EventBusName, EventPattern: o.EventPattern,
		ScheduleExpression: o.ScheduleExpression, State: o.State, Description: o.Description, RoleArn: o.RoleArn,
		ManagedBy: o.ManagedBy, CreatedBy: str(k.account)}, nil
}

// ListRules lists the rules of a bus by name.
func (s *Service) ListRules(ctx context.Context, in *eventbridgeapi.ListRulesRequest) (*eventbridgeapi.ListRulesResponse, error) {
	k := busOf(ctx, in.EventBusName)
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	out := &eventbridgeapi.ListRulesResponse{Rules: []eventbridgeapi.Rule{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if err := needBus(ctx, tx, k); err != nil {
			return err
		}
		q, err := tx.Query(ctx, "SELECT "+ruleCols+` FROM eb_rules WHERE account = ? AND region = ? AND bus = ?
			AND name > ? AND name LIKE ? ESCAPE '\' ORDER BY name LIMIT ?`, k.account, k.region, k.name, after, likePrefix(deref(in.NamePrefix)), limit+1)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			r, err := scanRule(k, q)
			if err != nil {
				return err
			}
			if len(out.Rules) == limit {
				out.NextToken = nextToken(*out.Rules[limit-1].Name)
				break
			}
			out.Rules = append(out.Rules, ruleOut(r))
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRule deletes a rule that has no targets (Force deletes a managed
// rule). Deleting a rule that does not exist succeeds, as on AWS.
func (s *Service) DeleteRule(ctx context.Context, in *eventbridgeapi.DeleteRuleRequest) error {
	k := busOf(ctx, in.EventBusName)
	name := deref(in.Name)
	force := in.Force != nil && *in.Force
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if err := needBus(ctx, tx, k); err != nil {
			return err
		}
		r, err := getRule(ctx, tx, k, name)
		if err != nil || r == nil {
			return err
		}
		if r.managedBy != "" && !force {
			return errManaged(name)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ?",
			k.account, k.region, k.name, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 && r.managedBy == "" {
			return errValidation("Rule can't be deleted since it has targets.")
		}
		s.invalidate(tx, k)
		return deleteRuleRows(ctx, tx, k, name)
	})
}

// deleteRuleRows deletes a rule with its targets, schedule and tags.
func deleteRuleRows(ctx context.Context, tx *store.Tx, k busKey, name string) error {
	for _, q := range []string{
		"DELETE FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ?",
		"DELETE FROM eb_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?",
	} {
		if _, err := tx.Exec(ctx, q, k.account, k.region, k.name, name); err != nil {
			return err
		}
	}
	arn := ruleARN(k, name)
	if _, err := tx.Exec(ctx, "DELETE FROM eb_schedules WHERE rule_arn = ?", arn); err != nil {
		return err
	}
	return dropTags(ctx, tx, arn)
}

// EnableRule enables a rule; a scheduled rule's rate counts from now.
func (s *Service) EnableRule(ctx context.Context, in *eventbridgeapi.EnableRuleRequest) error {
	return s.setState(ctx, busOf(ctx, in.EventBusName), deref(in.Name), stateEnabled)
}

// DisableRule disables a rule: it matches nothing and does not fire.
func (s *Service) DisableRule(ctx context.Context, in *eventbridgeapi.DisableRuleRequest) error {
	return s.setState(ctx, busOf(ctx, in.EventBusName), deref(in.Name), stateDisabled)
}

func (s *Service) setState(ctx context.Context, k busKey, name, state string) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		old, err := needRule(ctx, tx, k, name)
		if err != nil {
			return err
		}
		if old.managedBy != "" {
			return errManaged(name)
		}
		if old.state == state {
			return nil
		}
		r := *old
		r.state, r.modifiedAt = state, s.clk.Now().UnixMilli()
		if err := saveRule(ctx, tx, &r); err != nil {
			return err
		}
		var expr *schedule.Expr
		if r.schedule != "" {
			expr, _ = schedule.ParseRule(r.schedule)
		}
		if err := s.syncSchedule(ctx, tx, &r, old, expr); err != nil {
			return err
		}
		s.invalidate(tx, k)
		return nil
	})
}

// TestEventPattern matches an event against a pattern. The event must be a
// JSON object with id, account, source, time, region and detail-type (AWS
// documents resources too but does not require it).
func (s *Service) TestEventPattern(ctx context.Context, in *eventbridgeapi.TestEventPatternRequest) (*eventbridgeapi.TestEventPatternResponse, error) {
	p, err := compilePattern(deref(in.EventPattern))
	if err != nil {
		return nil, err
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal([]byte(deref(in.Event)), &ev); err != nil || ev == nil {
		return nil, errValidation("Parameter Event is not valid.")
	}
	for _, f := range []string{"id", "account", "source", "time", "region", "detail-type"} {
		if _, ok := ev[f]; !ok {
			return nil, errValidation("Parameter Event is not valid.")
		}
	}
	ok, err := p.Match([]byte(*in.Event))
	if err != nil {
		return nil, errValidation("Parameter Event is not valid.")
	}
	return &eventbridgeapi.TestEventPatternResponse{Result: &ok}, nil
}
