package scheduler

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/store"
)

func scheduleARN(sc scope, group, name string) string {
	return "arn:aws:scheduler:" + sc.region + ":" + sc.account + ":schedule/" + group + "/" + name
}

// schedRow is a stored schedule.
type schedRow struct {
	sc                scope
	group, name       string
	state             string
	spec              spec
	clientToken       string
	created, modified int64 // Unix ms
	nextFire          int64 // Unix ms of the next firing; -1: none
	version           int64 // bumped by every change, guards the firing claim
}

func (r *schedRow) arn() string { return scheduleARN(r.sc, r.group, r.name) }

const schedCols = "account, region, group_name, name, state, spec, client_token, created_at, modified_at, next_fire, version"

func scanSched(sc interface{ Scan(...any) error }) (*schedRow, error) {
	r := &schedRow{}
	var body string
	if err := sc.Scan(&r.sc.account, &r.sc.region, &r.group, &r.name, &r.state, &body, &r.clientToken,
		&r.created, &r.modified, &r.nextFire, &r.version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &r.spec); err != nil {
		return nil, err
	}
	return r, nil
}

func loadSched(ctx context.Context, tx *store.Tx, sc scope, group, name string) (*schedRow, error) {
	r, err := scanSched(tx.QueryRow(ctx, "SELECT "+schedCols+` FROM scheduler_schedules
		WHERE account = ? AND region = ? AND group_name = ? AND name = ?`, sc.account, sc.region, group, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errScheduleNotFound(name)
	}
	return r, err
}

func groupOf(name *string) string {
	if name == nil {
		return defaultGroup
	}
	return *name
}

// lockGroup serializes, across nodes, the writers of a group's schedules
// with the group's deletion.
func lockGroup(ctx context.Context, tx *store.Tx, sc scope, group string) error {
	return tx.LockKey(ctx, []byte("scheduler-group"), []byte(sc.account), []byte(sc.region), []byte(group))
}

// CreateSchedule creates a schedule and plans its first firing. A retry
// with the ClientToken of the request that created the schedule answers as
// that request did.
func (s *Service) CreateSchedule(ctx context.Context, in *schedulerapi.CreateScheduleInput) (*schedulerapi.CreateScheduleOutput, error) {
	sc, group, name := scopeOf(ctx), groupOf(in.GroupName), *in.Name
	now := s.clk.Now()
	sp, state, err := buildSpec(definition{expression: in.ScheduleExpression, timezone: in.ScheduleExpressionTimezone,
		state: in.State, action: in.ActionAfterCompletion, start: in.StartDate, end: in.EndDate,
		description: in.Description, kms: in.KmsKeyArn, flexible: in.FlexibleTimeWindow, target: in.Target}, now)
	if err != nil {
		return nil, err
	}
	created := now.UnixMilli()
	next, err := firstFiring(sp, state, created, created)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	token := deref(in.ClientToken)
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := lockGroup(ctx, tx, sc, group); err != nil {
			return err
		}
		if _, err := loadGroup(ctx, tx, sc, group); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "INSERT INTO scheduler_schedules ("+schedCols+`, target_arn)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (account, region, group_name, name) DO NOTHING`,
			sc.account, sc.region, group, name, state, string(body), token, created, created, next, *sp.Target.Arn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			old, err := loadSched(ctx, tx, sc, group, name)
			if err != nil {
				return err
			}
			if token != "" && old.clientToken == token {
				return nil // the same request again
			}
			return errScheduleExists(name)
		}
		s.changed(tx)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.CreateScheduleOutput{ScheduleArn: ptr(scheduleARN(sc, group, name))}, nil
}

// firstFiring is the first firing at or after now of an enabled schedule
// created at created, or -1.
func firstFiring(sp *spec, state string, created, now int64) (int64, error) {
	if state != "ENABLED" {
		return -1, nil
	}
	p, err := newPlan(sp, created)
	if err != nil {
		return 0, err
	}
	return p.from(now), nil
}

// GetSchedule describes a schedule.
func (s *Service) GetSchedule(ctx context.Context, in *schedulerapi.GetScheduleInput) (*schedulerapi.GetScheduleOutput, error) {
	sc := scopeOf(ctx)
	var r *schedRow
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		r, err = loadSched(ctx, tx, sc, groupOf(in.GroupName), *in.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	sp := &r.spec
	out := &schedulerapi.GetScheduleOutput{
		ActionAfterCompletion: ptr(sp.ActionAfterCompletion), Arn: ptr(r.arn()),
		CreationDate: msTime(r.created), LastModificationDate: msTime(r.modified),
		Description: sp.Description, FlexibleTimeWindow: &sp.Flexible, GroupName: ptr(r.group),
		KmsKeyArn: sp.KmsKeyArn, Name: ptr(r.name), ScheduleExpression: ptr(sp.Expression),
		ScheduleExpressionTimezone: ptr(sp.Timezone), State: ptr(r.state), Target: &sp.Target,
	}
	if sp.StartDate != nil {
		out.StartDate = msTime(*sp.StartDate)
	}
	if sp.EndDate != nil {
		out.EndDate = msTime(*sp.EndDate)
	}
	return out, nil
}

// UpdateSchedule replaces a schedule's whole definition, as AWS does:
// what the request leaves out takes its default. The next firing is
// planned again from now; a rate without StartDate keeps counting from
// the creation time.
func (s *Service) UpdateSchedule(ctx context.Context, in *schedulerapi.UpdateScheduleInput) (*schedulerapi.UpdateScheduleOutput, error) {
	sc, group, name := scopeOf(ctx), groupOf(in.GroupName), *in.Name
	now := s.clk.Now()
	sp, state, err := buildSpec(definition{expression: in.ScheduleExpression, timezone: in.ScheduleExpressionTimezone,
		state: in.State, action: in.ActionAfterCompletion, start: in.StartDate, end: in.EndDate,
		description: in.Description, kms: in.KmsKeyArn, flexible: in.FlexibleTimeWindow, target: in.Target}, now)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		old, err := loadSched(ctx, tx, sc, group, name)
		if err != nil {
			return err
		}
		next, err := firstFiring(sp, state, old.created, now.UnixMilli())
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE scheduler_schedules SET state = ?, spec = ?, target_arn = ?, modified_at = ?, next_fire = ?, version = version + 1
			WHERE account = ? AND region = ? AND group_name = ? AND name = ?`,
			state, string(body), *sp.Target.Arn, now.UnixMilli(), next, sc.account, sc.region, group, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errScheduleNotFound(name)
		}
		s.changed(tx)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.UpdateScheduleOutput{ScheduleArn: ptr(scheduleARN(sc, group, name))}, nil
}

// DeleteSchedule deletes a schedule. Firings already handed to the outbox
// are still delivered.
func (s *Service) DeleteSchedule(ctx context.Context, in *schedulerapi.DeleteScheduleInput) (*schedulerapi.DeleteScheduleOutput, error) {
	sc, group, name := scopeOf(ctx), groupOf(in.GroupName), *in.Name
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?",
			sc.account, sc.region, group, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errScheduleNotFound(name)
		}
		s.changed(tx)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.DeleteScheduleOutput{}, nil
}

// ListSchedules lists schedules by group, then name.
func (s *Service) ListSchedules(ctx context.Context, in *schedulerapi.ListSchedulesInput) (*schedulerapi.ListSchedulesOutput, error) {
	sc := scopeOf(ctx)
	afterGroup, afterName := "", ""
	if in.NextToken != nil {
		v, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		var ok bool
		if afterGroup, afterName, ok = strings.Cut(v, "/"); !ok {
			return nil, errInvalidToken()
		}
	}
	limit := 100
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	q := `SELECT group_name, name, state, target_arn, created_at, modified_at FROM scheduler_schedules
		WHERE account = ? AND region = ? AND (group_name > ? OR (group_name = ? AND name > ?))`
	args := []any{sc.account, sc.region, afterGroup, afterGroup, afterName}
	if in.GroupName != nil {
		q += " AND group_name = ?"
		args = append(args, *in.GroupName)
	}
	if in.State != nil {
		q += " AND state = ?"
		args = append(args, *in.State)
	}
	if p := deref(in.NamePrefix); p != "" {
		q += " AND substr(name, 1, ?) = ?"
		args = append(args, len(p), p)
	}
	q += " ORDER BY group_name, name LIMIT ?"
	args = append(args, limit+1)
	out := &schedulerapi.ListSchedulesOutput{Schedules: []schedulerapi.ScheduleSummary{}}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if in.GroupName != nil {
			if _, err := loadGroup(ctx, tx, sc, *in.GroupName); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var group, name, state, target string
			var created, modified int64
			if err := rows.Scan(&group, &name, &state, &target, &created, &modified); err != nil {
				return err
			}
			if len(out.Schedules) == limit {
				last := out.Schedules[limit-1]
				out.NextToken = ptr(encodeToken(ptr(*last.GroupName + "/" + *last.Name)))
				break
			}
			out.Schedules = append(out.Schedules, schedulerapi.ScheduleSummary{
				Arn: ptr(scheduleARN(sc, group, name)), Name: ptr(name), GroupName: ptr(group), State: ptr(state),
				CreationDate: msTime(created), LastModificationDate: msTime(modified),
				Target: &schedulerapi.TargetSummary{Arn: ptr(target)},
			})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
