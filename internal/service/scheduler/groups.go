package scheduler

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// defaultGroup exists in every account and region without being created.
// Its row is written only when something must be kept about it (tags);
// until then it has no creation date.
const defaultGroup = "default"

// scope is the account and region a request works in.
type scope struct{ account, region string }

func scopeOf(ctx context.Context) scope {
	info := reqinfo.From(ctx)
	return scope{info.Account, info.Region}
}

func groupARN(sc scope, name string) string {
	return "arn:aws:scheduler:" + sc.region + ":" + sc.account + ":schedule-group/" + name
}

// group is a stored schedule group.
type group struct {
	name              string
	created, modified int64 // Unix ms; 0 for the default group never written
	clientToken       string
	tags              []schedulerapi.Tag
}

func ptr[T any](v T) *T { return &v }

func msTime(ms int64) *model.Timestamp {
	return &model.Timestamp{Time: time.UnixMilli(ms).UTC()}
}

func (g *group) summary(sc scope) schedulerapi.ScheduleGroupSummary {
	out := schedulerapi.ScheduleGroupSummary{Arn: ptr(groupARN(sc, g.name)), Name: ptr(g.name), State: ptr("ACTIVE")}
	if g.created != 0 {
		out.CreationDate, out.LastModificationDate = msTime(g.created), msTime(g.modified)
	}
	return out
}

// loadGroup reads a group; the default group always exists.
func loadGroup(ctx context.Context, tx *store.Tx, sc scope, name string) (*group, error) {
	g := &group{name: name}
	var tags string
	err := tx.QueryRow(ctx, `SELECT client_token, tags, created_at, modified_at FROM scheduler_groups
		WHERE account = ? AND region = ? AND name = ?`, sc.account, sc.region, name).Scan(&g.clientToken, &tags, &g.created, &g.modified)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if name == defaultGroup {
			return g, nil
		}
		return nil, errGroupNotFound(name)
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &g.tags); err != nil {
		return nil, err
	}
	return g, nil
}

func encodeTags(tags []schedulerapi.Tag) string {
	if tags == nil {
		tags = []schedulerapi.Tag{}
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// CreateScheduleGroup creates a group. A retry with the ClientToken of
// the request that created the group answers as that request did.
func (s *Service) CreateScheduleGroup(ctx context.Context, in *schedulerapi.CreateScheduleGroupInput) (*schedulerapi.CreateScheduleGroupOutput, error) {
	sc, name := scopeOf(ctx), *in.Name
	token := deref(in.ClientToken)
	if name == defaultGroup {
		return nil, errGroupExists(name)
	}
	now := s.clk.Now().UnixMilli()
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO scheduler_groups (account, region, name, client_token, tags, created_at, modified_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, region, name) DO NOTHING`,
			sc.account, sc.region, name, token, encodeTags(mergeTags(nil, in.Tags)), now, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		g, err := loadGroup(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if token != "" && g.clientToken == token {
			return nil // the same request again
		}
		return errGroupExists(name)
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.CreateScheduleGroupOutput{ScheduleGroupArn: ptr(groupARN(sc, name))}, nil
}

// GetScheduleGroup describes a group.
func (s *Service) GetScheduleGroup(ctx context.Context, in *schedulerapi.GetScheduleGroupInput) (*schedulerapi.GetScheduleGroupOutput, error) {
	sc := scopeOf(ctx)
	var g *group
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		g, err = loadGroup(ctx, tx, sc, *in.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	sum := g.summary(sc)
	return &schedulerapi.GetScheduleGroupOutput{Arn: sum.Arn, Name: sum.Name, State: sum.State,
		CreationDate: sum.CreationDate, LastModificationDate: sum.LastModificationDate}, nil
}

// ListScheduleGroups lists the groups in name order, the default group
// among them.
func (s *Service) ListScheduleGroups(ctx context.Context, in *schedulerapi.ListScheduleGroupsInput) (*schedulerapi.ListScheduleGroupsOutput, error) {
	sc := scopeOf(ctx)
	after := ""
	if in.NextToken != nil {
		v, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		after = v
	}
	limit := 100
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	prefix := deref(in.NamePrefix)
	var groups []*group
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT name, created_at, modified_at FROM scheduler_groups
			WHERE account = ? AND region = ? AND name > ? ORDER BY name`, sc.account, sc.region, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			g := &group{}
			if err := rows.Scan(&g.name, &g.created, &g.modified); err != nil {
				return err
			}
			groups = append(groups, g)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if defaultGroup > after && !slices.ContainsFunc(groups, func(g *group) bool { return g.name == defaultGroup }) {
		groups = append(groups, &group{name: defaultGroup})
		slices.SortFunc(groups, func(a, b *group) int { return strings.Compare(a.name, b.name) })
	}
	out := &schedulerapi.ListScheduleGroupsOutput{ScheduleGroups: []schedulerapi.ScheduleGroupSummary{}}
	for _, g := range groups {
		if !strings.HasPrefix(g.name, prefix) {
			continue
		}
		if len(out.ScheduleGroups) == limit {
			out.NextToken = ptr(encodeToken(out.ScheduleGroups[limit-1].Name))
			break
		}
		out.ScheduleGroups = append(out.ScheduleGroups, g.summary(sc))
	}
	return out, nil
}

// DeleteScheduleGroup deletes a group and its schedules at once (AWS goes
// through a DELETING state; hako's deletion is one transaction).
func (s *Service) DeleteScheduleGroup(ctx context.Context, in *schedulerapi.DeleteScheduleGroupInput) (*schedulerapi.DeleteScheduleGroupOutput, error) {
	sc, name := scopeOf(ctx), *in.Name
	if name == defaultGroup {
		return nil, errValidation("Cannot delete the default schedule group.")
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?", sc.account, sc.region, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errGroupNotFound(name)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ?",
			sc.account, sc.region, name); err != nil {
			return err
		}
		s.changed(tx)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.DeleteScheduleGroupOutput{}, nil
}

// parseGroupARN splits a schedule group ARN (the model's pattern has
// checked its form).
func parseGroupARN(arn string) (scope, string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "schedule-group/") {
		return scope{}, "", false
	}
	return scope{account: parts[4], region: parts[3]}, strings.TrimPrefix(parts[5], "schedule-group/"), true
}

// ListTagsForResource lists a group's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *schedulerapi.ListTagsForResourceInput) (*schedulerapi.ListTagsForResourceOutput, error) {
	sc, name, ok := parseGroupARN(*in.ResourceArn)
	if !ok {
		return nil, errValidation("Invalid ResourceArn " + *in.ResourceArn + ".")
	}
	var g *group
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		g, err = loadGroup(ctx, tx, sc, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := g.tags
	if tags == nil {
		tags = []schedulerapi.Tag{}
	}
	return &schedulerapi.ListTagsForResourceOutput{Tags: tags}, nil
}

// TagResource adds tags to a group, replacing the values of keys it has.
func (s *Service) TagResource(ctx context.Context, in *schedulerapi.TagResourceInput) (*schedulerapi.TagResourceOutput, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags []schedulerapi.Tag) []schedulerapi.Tag { return mergeTags(tags, in.Tags) })
	if err != nil {
		return nil, err
	}
	return &schedulerapi.TagResourceOutput{}, nil
}

// UntagResource removes tags from a group.
func (s *Service) UntagResource(ctx context.Context, in *schedulerapi.UntagResourceInput) (*schedulerapi.UntagResourceOutput, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags []schedulerapi.Tag) []schedulerapi.Tag {
		return slices.DeleteFunc(tags, func(t schedulerapi.Tag) bool { return slices.Contains(in.TagKeys, deref(t.Key)) })
	})
	if err != nil {
		return nil, err
	}
	return &schedulerapi.UntagResourceOutput{}, nil
}

func (s *Service) editTags(ctx context.Context, arn string, edit func([]schedulerapi.Tag) []schedulerapi.Tag) error {
	sc, name, ok := parseGroupARN(arn)
	if !ok {
		return errValidation("Invalid ResourceArn " + arn + ".")
	}
	now := s.clk.Now().UnixMilli()
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if name == defaultGroup {
			if _, err := tx.Exec(ctx, `INSERT INTO scheduler_groups (account, region, name, client_token, tags, created_at, modified_at)
				VALUES (?, ?, ?, '', '[]', ?, ?) ON CONFLICT (account, region, name) DO NOTHING`, sc.account, sc.region, name, now, now); err != nil {
				return err
			}
		}
		g, err := loadGroup(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE scheduler_groups SET tags = ? WHERE account = ? AND region = ? AND name = ?",
			encodeTags(edit(g.tags)), sc.account, sc.region, name)
		return err
	})
}

// mergeTags sets the tags of add on tags, a key's last value winning.
func mergeTags(tags, add []schedulerapi.Tag) []schedulerapi.Tag {
	for _, t := range add {
		if i := slices.IndexFunc(tags, func(x schedulerapi.Tag) bool { return deref(x.Key) == deref(t.Key) }); i >= 0 {
			tags[i].Value = t.Value
		} else {
			tags = append(tags, t)
		}
	}
	return tags
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// encodeToken makes the opaque NextToken that continues after key.
func encodeToken(key *string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1/" + deref(key)))
}

// decodeToken reads a NextToken made by encodeToken.
func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "v1/") {
		return "", errInvalidToken()
	}
	return string(b[3:]), nil
}
