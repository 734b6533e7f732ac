package logs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// dayMs is one day in milliseconds.
const dayMs = 24 * 60 * 60 * 1000

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// maxTags is the number of tags a log group can carry.
const maxTags = 50

// groupRef names a log group: its namespace and name.
type groupRef struct{ account, region, name string }

// arn is the log group ARN without the ":*" suffix (logGroupArn, and the
// form tagging takes).
func (g groupRef) arn() string {
	return "arn:aws:logs:" + g.region + ":" + g.account + ":log-group:" + g.name
}

// group is a log group row.
type group struct {
	groupRef
	id        int64
	createdAt int64
	retention int64 // days; 0 = never expire
	class     string
	kmsKey    string
	tags      map[string]string
}

const groupCols = "id, account, region, name, created_at, retention, class, kms_key, tags"

func scanGroup(sc interface{ Scan(...any) error }, extra ...any) (*group, error) {
	g := &group{}
	var tags string
	dest := append([]any{&g.id, &g.account, &g.region, &g.name, &g.createdAt, &g.retention, &g.class, &g.kmsKey, &tags}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &g.tags); err != nil {
		return nil, err
	}
	return g, nil
}

// loadGroup reads a group, or returns the not-found error. forUpdate
// locks the row on PostgreSQL (read-modify-write of tags).
func loadGroup(ctx context.Context, tx *store.Tx, ref groupRef, forUpdate bool) (*group, error) {
	q := "SELECT " + groupCols + " FROM logs_groups WHERE account = ? AND region = ? AND name = ?"
	if forUpdate && tx.Dialect() == store.Postgres {
		q += " FOR UPDATE"
	}
	g, err := scanGroup(tx.QueryRow(ctx, q, ref.account, ref.region, ref.name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoGroup()
	}
	return g, err
}

// callerGroup is the group named name in the caller's namespace.
func callerGroup(ctx context.Context, name string) groupRef {
	ri := reqinfo.From(ctx)
	return groupRef{account: ri.Account, region: ri.Region, name: name}
}

// groupIdent resolves the logGroupName / logGroupIdentifier pair of the
// read operations: exactly one must be given; the identifier is a name or
// a log group ARN (with or without the ":*" suffix).
func groupIdent(ctx context.Context, name, ident *string) (groupRef, error) {
	if (name == nil) == (ident == nil) {
		return groupRef{}, invalidParam("You must include either logGroupIdentifier or logGroupName, but not both.")
	}
	if name != nil {
		return callerGroup(ctx, *name), nil
	}
	id := *ident
	if !strings.HasPrefix(id, "arn:") {
		if !validGroupName(id) {
			return groupRef{}, invalidParam("1 validation error detected: Value '%s' at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", id)
		}
		return callerGroup(ctx, id), nil
	}
	ref, err := parseGroupARN(id)
	if err != nil {
		return groupRef{}, err
	}
	if ri := reqinfo.From(ctx); ref.account != ri.Account {
		// Cross-account observability is not emulated.
		return groupRef{}, errNoGroup()
	}
	return ref, nil
}

// parseGroupARN parses arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
func parseGroupARN(arn string) (groupRef, error) {
	p := strings.Split(arn, ":")
	if len(p) < 7 || p[0] != "arn" || p[2] != "logs" {
		return groupRef{}, invalidParam("Invalid ARN: %s", arn)
	}
	if p[5] != "log-group" {
		return groupRef{}, errorf(errResourceNotFound, "The specified resource does not exist.")
	}
	if len(p) > 8 || len(p) == 8 && p[7] != "*" || !validGroupName(p[6]) {
		return groupRef{}, invalidParam("Invalid ARN: %s", arn)
	}
	return groupRef{account: p[4], region: p[3], name: p[6]}, nil
}

// validGroupName reports whether s matches the model's log group name
// pattern [\.\-_/#A-Za-z0-9]{1,512}.
func validGroupName(s string) bool {
	if len(s) == 0 || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-/#", c) >= 0) {
			return false
		}
	}
	return true
}

// validStreamName reports whether s matches [^:*]{1,512}.
func validStreamName(s string) bool {
	n := len([]rune(s))
	return n >= 1 && n <= 512 && !strings.ContainsAny(s, ":*")
}

func encodeTags(tags map[string]string) string {
	if tags == nil {
		tags = map[string]string{}
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// checkTags validates tag keys and values as the model's TagKey and
// TagValue shapes do (the generated validation does not reach map keys).
func checkTags(tags map[string]string) error {
	for k, v := range tags {
		if n := len([]rune(k)); n < 1 || n > 128 {
			return invalidParam("1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 128", k)
		}
		if strings.HasPrefix(k, "aws:") {
			return invalidParam("Tag keys starting with aws: are reserved for AWS.")
		}
		if len([]rune(v)) > 256 {
			return invalidParam("1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 256", v)
		}
	}
	return nil
}

// CreateLogGroup creates a log group.
func (s *Service) CreateLogGroup(ctx context.Context, in *logsapi.CreateLogGroupRequest) error {
	ref := callerGroup(ctx, deref(in.LogGroupName))
	if strings.HasPrefix(strings.ToLower(ref.name), "aws/") {
		return toAPI(invalidParam("Log groups starting with AWS/ are reserved for AWS."))
	}
	if err := checkTags(in.Tags); err != nil {
		return toAPI(err)
	}
	class := deref(in.LogGroupClass)
	if class == "" {
		class = "STANDARD"
	}
	now := s.nowMs()
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO logs_groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
			ON CONFLICT (account, region, name) DO NOTHING`,
			newID(), ref.account, ref.region, ref.name, now, class, deref(in.KmsKeyId), encodeTags(in.Tags))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errorf(errResourceAlreadyExists, "The specified log group already exists")
		}
		return nil
	})
	return toAPI(err)
}

// DeleteLogGroup deletes a log group and its streams at once; the sweeper
// deletes the events in the background.
func (s *Service) DeleteLogGroup(ctx context.Context, in *logsapi.DeleteLogGroupRequest) error {
	ref := callerGroup(ctx, deref(in.LogGroupName))
	var id int64
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		id = g.id
		for _, q := range []string{
			"DELETE FROM logs_streams WHERE group_id = ?",
			"DELETE FROM logs_groups WHERE id = ?",
		} {
			if _, err := tx.Exec(ctx, q, g.id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "INSERT INTO logs_deleted (kind, id, deleted_at) VALUES ('group', ?, ?) ON CONFLICT (kind, id) DO NOTHING", g.id, s.nowMs())
		return err
	})
	if err != nil {
		return toAPI(err)
	}
	s.streams.dropGroup(id)
	s.wake()
	return nil
}

// pageToken and parsePageToken encode the position of a listing.
func pageToken(parts ...string) string {
	b, _ := json.Marshal(parts)
	return base64URL(b)
}

func parsePageToken(tok string, n int) ([]string, error) {
	b, err := unbase64URL(tok)
	if err != nil {
		return nil, errInvalidToken()
	}
	var parts []string
	if json.Unmarshal(b, &parts) != nil || len(parts) != n {
		return nil, errInvalidToken()
	}
	return parts, nil
}

// DescribeLogGroups lists the caller's log groups in name order.
func (s *Service) DescribeLogGroups(ctx context.Context, in *logsapi.DescribeLogGroupsRequest) (*logsapi.DescribeLogGroupsResponse, error) {
	out, err := s.describeLogGroups(ctx, in)
	return out, toAPI(err)
}

func (s *Service) describeLogGroups(ctx context.Context, in *logsapi.DescribeLogGroupsRequest) (*logsapi.DescribeLogGroupsResponse, error) {
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParam("logGroupNamePattern and logGroupNamePrefix are mutually exclusive. Only one of these parameters can be passed.")
	}
	limit := int(deref(in.Limit))
	if limit == 0 {
		limit = 50
	}
	after := ""
	if in.NextToken != nil {
		p, err := parsePageToken(*in.NextToken, 1)
		if err != nil {
			return nil, err
		}
		after = p[0]
	}
	ri := reqinfo.From(ctx)
	prefix, pattern := deref(in.LogGroupNamePrefix), deref(in.LogGroupNamePattern)
	type row struct {
		g      *group
		stored int64
	}
	var page []row
	err := s.st.View(ctx, func(tx *store.Tx) error {
		q := "SELECT " + groupCols + `, (SELECT CAST(COALESCE(SUM(s.stored_bytes), 0) AS BIGINT) FROM logs_streams s WHERE s.group_id = logs_groups.id)
			FROM logs_groups WHERE account = ? AND region = ? AND name > ?`
		args := []any{ri.Account, ri.Region, after}
		if prefix != "" {
			q += " AND substr(name, 1, ?) = ?"
			args = append(args, int64(len(prefix)), prefix)
		}
		if in.LogGroupClass != nil {
			q += " AND class = ?"
			args = append(args, *in.LogGroupClass)
		}
		q += " ORDER BY name"
		if pattern == "" {
			// The pattern is matched here: LIKE differs between dialects.
			q += " LIMIT ?"
			args = append(args, int64(limit+1))
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r row
			if r.g, err = scanGroup(rows, &r.stored); err != nil {
				return err
			}
			if pattern != "" && !strings.Contains(r.g.name, pattern) {
				continue
			}
			page = append(page, r)
			if len(page) > limit {
				break
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.DescribeLogGroupsResponse{LogGroups: []logsapi.LogGroup{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextToken = ptr(pageToken(page[len(page)-1].g.name))
	}
	for _, r := range page {
		g := r.g
		lg := logsapi.LogGroup{
			Arn:          ptr(g.arn() + ":*"),
			CreationTime: ptr(g.createdAt),
			LogGroupName: ptr(g.name),
		}
		if pattern == "" {
			// With a pattern AWS answers only arn, creationTime and name.
			lg.LogGroupArn = ptr(g.arn())
			lg.MetricFilterCount = ptr(int32(0))
			lg.StoredBytes = ptr(r.stored)
			lg.LogGroupClass = ptr(g.class)
			if g.retention > 0 {
				lg.RetentionInDays = ptr(int32(g.retention))
			}
			if g.kmsKey != "" {
				lg.KmsKeyId = ptr(g.kmsKey)
			}
		}
		out.LogGroups = append(out.LogGroups, lg)
	}
	return out, nil
}

// PutRetentionPolicy sets how long the group keeps its events.
func (s *Service) PutRetentionPolicy(ctx context.Context, in *logsapi.PutRetentionPolicyRequest) error {
	days := deref(in.RetentionInDays)
	if !slices.Contains(retentionDays, days) {
		var set []string
		for _, d := range retentionDays {
			set = append(set, strconv.Itoa(int(d)))
		}
		return toAPI(invalidParam("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", days, strings.Join(set, ", ")))
	}
	if err := s.setRetention(ctx, callerGroup(ctx, deref(in.LogGroupName)), int64(days)); err != nil {
		return toAPI(err)
	}
	s.wake()
	return nil
}

// DeleteRetentionPolicy makes the group keep its events forever.
func (s *Service) DeleteRetentionPolicy(ctx context.Context, in *logsapi.DeleteRetentionPolicyRequest) error {
	return toAPI(s.setRetention(ctx, callerGroup(ctx, deref(in.LogGroupName)), 0))
}

func (s *Service) setRetention(ctx context.Context, ref groupRef, days int64) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE logs_groups SET retention = ? WHERE account = ? AND region = ? AND name = ?", days, ref.account, ref.region, ref.name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoGroup()
		}
		return nil
	})
}

// editTags applies f to the tags of a group in one transaction.
func (s *Service) editTags(ctx context.Context, ref groupRef, f func(tags map[string]string) error) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, true)
		if err != nil {
			return err
		}
		if g.tags == nil {
			g.tags = map[string]string{}
		}
		if err := f(g.tags); err != nil {
			return err
		}
		if len(g.tags) > maxTags {
			return &logsError{kind: errTooManyTags, msg: "A resource can have no more than 50 tags.", fields: map[string]any{"resourceName": ref.arn()}}
		}
		_, err = tx.Exec(ctx, "UPDATE logs_groups SET tags = ? WHERE id = ?", encodeTags(g.tags), g.id)
		return err
	})
}

func (s *Service) readTags(ctx context.Context, ref groupRef) (map[string]string, error) {
	var tags map[string]string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		tags = g.tags
		return nil
	})
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, err
}

func addTags(add map[string]string) func(map[string]string) error {
	return func(tags map[string]string) error {
		if err := checkTags(add); err != nil {
			return err
		}
		for k, v := range add {
			tags[k] = v
		}
		return nil
	}
}

func removeTags(keys []string) func(map[string]string) error {
	return func(tags map[string]string) error {
		for _, k := range keys {
			delete(tags, k)
		}
		return nil
	}
}

// taggedGroup resolves the resourceArn of the tagging operations; only
// log groups carry tags in hako.
func taggedGroup(ctx context.Context, arn string) (groupRef, error) {
	ref, err := parseGroupARN(arn)
	if err != nil {
		return ref, err
	}
	if ri := reqinfo.From(ctx); ref.account != ri.Account || ref.region != ri.Region {
		return ref, errorf(errResourceNotFound, "The specified resource does not exist.")
	}
	return ref, nil
}

// TagResource adds or replaces tags of a log group.
func (s *Service) TagResource(ctx context.Context, in *logsapi.TagResourceRequest) error {
	ref, err := taggedGroup(ctx, deref(in.ResourceArn))
	if err != nil {
		return toAPI(err)
	}
	return toAPI(s.editTags(ctx, ref, addTags(in.Tags)))
}

// UntagResource removes tags of a log group.
func (s *Service) UntagResource(ctx context.Context, in *logsapi.UntagResourceRequest) error {
	ref, err := taggedGroup(ctx, deref(in.ResourceArn))
	if err != nil {
		return toAPI(err)
	}
	return toAPI(s.editTags(ctx, ref, removeTags(in.TagKeys)))
}

// ListTagsForResource returns the tags of a log group.
func (s *Service) ListTagsForResource(ctx context.Context, in *logsapi.ListTagsForResourceRequest) (*logsapi.ListTagsForResourceResponse, error) {
	ref, err := taggedGroup(ctx, deref(in.ResourceArn))
	if err != nil {
		return nil, toAPI(err)
	}
	tags, err := s.readTags(ctx, ref)
	if err != nil {
		return nil, toAPI(err)
	}
	return &logsapi.ListTagsForResourceResponse{Tags: tags}, nil
}

// TagLogGroup is the legacy form of TagResource.
func (s *Service) TagLogGroup(ctx context.Context, in *logsapi.TagLogGroupRequest) error {
	return toAPI(s.editTags(ctx, callerGroup(ctx, deref(in.LogGroupName)), addTags(in.Tags)))
}

// UntagLogGroup is the legacy form of UntagResource.
func (s *Service) UntagLogGroup(ctx context.Context, in *logsapi.UntagLogGroupRequest) error {
	return toAPI(s.editTags(ctx, callerGroup(ctx, deref(in.LogGroupName)), removeTags(in.Tags)))
}

// ListTagsLogGroup is the legacy form of ListTagsForResource.
func (s *Service) ListTagsLogGroup(ctx context.Context, in *logsapi.ListTagsLogGroupRequest) (*logsapi.ListTagsLogGroupResponse, error) {
	tags, err := s.readTags(ctx, callerGroup(ctx, deref(in.LogGroupName)))
	if err != nil {
		return nil, toAPI(err)
	}
	return &logsapi.ListTagsLogGroupResponse{Tags: tags}, nil
}
