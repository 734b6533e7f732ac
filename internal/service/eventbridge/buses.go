package eventbridge

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// busRow is a stored bus (the default bus may have none).
type busRow struct {
	key                    busKey
	desc, policy, dlq, kms string
	createdAt, modifiedAt  int64
	stored                 bool
}

func getBus(ctx context.Context, tx *store.Tx, k busKey) (*busRow, error) {
	b := &busRow{key: k, stored: true}
	err := tx.QueryRow(ctx, `SELECT description, policy, dlq, kms, created_at, modified_at FROM eb_buses
		WHERE account = ? AND region = ? AND name = ?`, k.account, k.region, k.name).
		Scan(&b.desc, &b.policy, &b.dlq, &b.kms, &b.createdAt, &b.modifiedAt)
	if errors.Is(err, sql.ErrNoRows) {
		if k.name == "default" {
			return &busRow{key: k}, nil
		}
		return nil, errNoBus(k.name)
	}
	return b, err
}

// saveBus writes b (inserting the default bus's row on first use).
func saveBus(ctx context.Context, tx *store.Tx, b *busRow) error {
	_, err := tx.Exec(ctx, `INSERT INTO eb_buses (account, region, name, description, policy, dlq, kms, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, region, name) DO UPDATE SET description = excluded.description, policy = excluded.policy,
			dlq = excluded.dlq, kms = excluded.kms, modified_at = excluded.modified_at`,
		b.key.account, b.key.region, b.key.name, b.desc, b.policy, b.dlq, b.kms, b.createdAt, b.modifiedAt)
	return err
}

func dlqOf(arn string) *eventbridgeapi.DeadLetterConfig {
	if arn == "" {
		return nil
	}
	return &eventbridgeapi.DeadLetterConfig{Arn: str(arn)}
}

// CreateEventBus creates a custom event bus. Partner event sources do not
// exist in hako, so EventSourceName always names a missing source.
func (s *Service) CreateEventBus(ctx context.Context, in *eventbridgeapi.CreateEventBusRequest) (*eventbridgeapi.CreateEventBusResponse, error) {
	info := reqinfo.From(ctx)
	name := deref(in.Name)
	k := busKey{account: info.Account, region: info.Region, name: name}
	if in.EventSourceName != nil {
		return nil, errNotFound("Event source " + *in.EventSourceName + " does not exist.")
	}
	if strings.Contains(name, "/") {
		return nil, errValidation("Event bus name must not contain '/'.")
	}
	if name == "default" {
		return nil, errExists("Event bus default already exists.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clk.Now().UnixMilli()
	b := &busRow{key: k, desc: deref(in.Description), kms: deref(in.KmsKeyIdentifier), createdAt: now, modifiedAt: now}
	if in.DeadLetterConfig != nil {
		b.dlq = deref(in.DeadLetterConfig.Arn)
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		ok, err := busExists(ctx, tx, k)
		if err != nil {
			return err
		}
		if ok {
			return errExists("Event bus " + name + " already exists.")
		}
		if err := saveBus(ctx, tx, b); err != nil {
			return err
		}
		s.invalidate(tx, k)
		return putTags(ctx, tx, k.arn(), in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.CreateEventBusResponse{EventBusArn: str(k.arn()), Description: in.Description,
		DeadLetterConfig: in.DeadLetterConfig, KmsKeyIdentifier: in.KmsKeyIdentifier}, nil
}

// DescribeEventBus describes a bus (the default one without a name).
func (s *Service) DescribeEventBus(ctx context.Context, in *eventbridgeapi.DescribeEventBusRequest) (*eventbridgeapi.DescribeEventBusResponse, error) {
	k := busOf(ctx, in.Name)
	var b *busRow
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		b, err = getBus(ctx, tx, k)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.DescribeEventBusResponse{Name: str(k.name), Arn: str(k.arn()), Description: optStr(b.desc),
		Policy: optStr(b.policy), DeadLetterConfig: dlqOf(b.dlq), KmsKeyIdentifier: optStr(b.kms),
		CreationTime: ts(b.createdAt), LastModifiedTime: ts(b.modifiedAt)}, nil
}

// ListEventBuses lists the caller's buses by name, the default one included.
func (s *Service) ListEventBuses(ctx context.Context, in *eventbridgeapi.ListEventBusesRequest) (*eventbridgeapi.ListEventBusesResponse, error) {
	info := reqinfo.From(ctx)
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	prefix, limit := deref(in.NamePrefix), pageLimit(in.Limit)
	var rows []*busRow
	err = s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, `SELECT name, description, policy, created_at, modified_at FROM eb_buses
			WHERE account = ? AND region = ? AND name > ? AND name LIKE ? ESCAPE '\' ORDER BY name LIMIT ?`,
			info.Account, info.Region, after, likePrefix(prefix), limit+1)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			b := &busRow{key: busKey{account: info.Account, region: info.Region}, stored: true}
			if err := q.Scan(&b.key.name, &b.desc, &b.policy, &b.createdAt, &b.modifiedAt); err != nil {
				return err
			}
			rows = append(rows, b)
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	// The default bus is listed whether or not it has a row.
	if strings.HasPrefix("default", prefix) && "default" > after {
		found := false
		for _, b := range rows {
			found = found || b.key.name == "default"
		}
		if !found {
			rows = append(rows, &busRow{key: busKey{account: info.Account, region: info.Region, name: "default"}})
			sort.Slice(rows, func(i, j int) bool { return rows[i].key.name < rows[j].key.name })
		}
	}
	out := &eventbridgeapi.ListEventBusesResponse{EventBuses: []eventbridgeapi.EventBus{}}
	for i, b := range rows {
		if i == limit {
			out.NextToken = nextToken(rows[i-1].key.name)
			break
		}
		out.EventBuses = append(out.EventBuses, eventbridgeapi.EventBus{Name: str(b.key.name), Arn: str(b.key.arn()),
			Description: optStr(b.desc), Policy: optStr(b.policy), CreationTime: ts(b.createdAt), LastModifiedTime: ts(b.modifiedAt)})
	}
	return out, nil
}

// UpdateEventBus changes a bus's description, dead-letter queue and key.
func (s *Service) UpdateEventBus(ctx context.Context, in *eventbridgeapi.UpdateEventBusRequest) (*eventbridgeapi.UpdateEventBusResponse, error) {
	k := busOf(ctx, in.Name)
	var b *busRow
	err := s.st.Update(ctx, func(tx *store.Tx) (err error) {
		if b, err = getBus(ctx, tx, k); err != nil {
			return err
		}
		now := s.clk.Now().UnixMilli()
		if b.createdAt == 0 {
			b.createdAt = now
		}
		b.modifiedAt = now
		if in.Description != nil {
			b.desc = *in.Description
		}
		if in.KmsKeyIdentifier != nil {
			b.kms = *in.KmsKeyIdentifier
		}
		if in.DeadLetterConfig != nil {
			b.dlq = deref(in.DeadLetterConfig.Arn)
		}
		return saveBus(ctx, tx, b)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.UpdateEventBusResponse{Name: str(k.name), Arn: str(k.arn()), Description: optStr(b.desc),
		DeadLetterConfig: dlqOf(b.dlq), KmsKeyIdentifier: optStr(b.kms)}, nil
}

// DeleteEventBus deletes a custom bus with its rules, their targets and
// tags. Deleting a bus that does not exist succeeds, as on AWS.
func (s *Service) DeleteEventBus(ctx context.Context, in *eventbridgeapi.DeleteEventBusRequest) error {
	k := busOf(ctx, in.Name)
	if k.name == "default" {
		return errValidation("Cannot delete event bus default.")
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		rules, err := listRuleNames(ctx, tx, k)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if err := deleteRuleRows(ctx, tx, k, r); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM eb_buses WHERE account = ? AND region = ? AND name = ?", k.account, k.region, k.name); err != nil {
			return err
		}
		s.invalidate(tx, k)
		return dropTags(ctx, tx, k.arn())
	})
}

func listRuleNames(ctx context.Context, tx *store.Tx, k busKey) ([]string, error) {
	q, err := tx.Query(ctx, "SELECT name FROM eb_rules WHERE account = ? AND region = ? AND bus = ?", k.account, k.region, k.name)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	var names []string
	for q.Next() {
		var n string
		if err := q.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, q.Err()
}

// policyDoc is a bus's resource policy.
type policyDoc struct {
	Version   string            `json:"Version"`
	Statement []json.RawMessage `json:"Statement"`
}

type statement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    string         `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func sidOf(raw json.RawMessage) string {
	var st struct{ Sid string }
	json.Unmarshal(raw, &st)
	return st.Sid
}

// PutPermission adds a statement to the bus policy, or replaces the policy
// with Policy.
func (s *Service) PutPermission(ctx context.Context, in *eventbridgeapi.PutPermissionRequest) error {
	k := busOf(ctx, in.EventBusName)
	var add json.RawMessage
	if in.Policy != nil {
		var doc policyDoc
		if err := json.Unmarshal([]byte(*in.Policy), &doc); err != nil {
			return errValidation("This policy contains invalid Json")
		}
	} else {
		switch {
		case in.Action == nil || *in.Action != "events:PutEvents":
			return errValidation("Provided value in parameter 'action' is not supported.")
		case in.Principal == nil:
			return errValidation("Parameter Principal must be specified.")
		case in.StatementId == nil:
			return errValidation("Parameter StatementId must be specified.")
		case in.Condition != nil && *in.Principal != "*":
			return errValidation("Value of the parameter 'principal' must be '*' when the parameter 'condition' is set.")
		}
		st := statement{Sid: *in.StatementId, Effect: "Allow", Principal: "*", Action: *in.Action, Resource: k.arn()}
		if *in.Principal != "*" {
			st.Principal = map[string]string{"AWS": "arn:aws:iam::" + *in.Principal + ":root"}
		}
		if c := in.Condition; c != nil {
			st.Condition = map[string]any{deref(c.Type): map[string]string{deref(c.Key): deref(c.Value)}}
		}
		add, _ = json.Marshal(st)
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := getBus(ctx, tx, k)
		if err != nil {
			return err
		}
		now := s.clk.Now().UnixMilli()
		if b.createdAt == 0 {
			b.createdAt = now
		}
		b.modifiedAt = now
		if in.Policy != nil {
			b.policy = compactJSON(*in.Policy)
			return saveBus(ctx, tx, b)
		}
		doc := policyDoc{Version: "2012-10-17"}
		if b.policy != "" {
			json.Unmarshal([]byte(b.policy), &doc)
		}
		sid := *in.StatementId
		kept := doc.Statement[:0]
		for _, st := range doc.Statement {
			if sidOf(st) != sid {
				kept = append(kept, st)
			}
		}
		doc.Statement = append(kept, add)
		p, _ := json.Marshal(doc)
		b.policy = string(p)
		return saveBus(ctx, tx, b)
	})
}

// RemovePermission removes a statement, or the whole policy.
func (s *Service) RemovePermission(ctx context.Context, in *eventbridgeapi.RemovePermissionRequest) error {
	k := busOf(ctx, in.EventBusName)
	all := in.RemoveAllPermissions != nil && *in.RemoveAllPermissions
	if !all && in.StatementId == nil {
		return errValidation("Parameter StatementId is required.")
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := getBus(ctx, tx, k)
		if err != nil {
			return err
		}
		if all {
			if !b.stored {
				return nil
			}
			b.policy, b.modifiedAt = "", s.clk.Now().UnixMilli()
			return saveBus(ctx, tx, b)
		}
		var doc policyDoc
		if b.policy != "" {
			json.Unmarshal([]byte(b.policy), &doc)
		}
		kept := doc.Statement[:0]
		for _, st := range doc.Statement {
			if sidOf(st) != *in.StatementId {
				kept = append(kept, st)
			}
		}
		if len(kept) == len(doc.Statement) {
			return errNotFound("Statement with the provided id does not exist.")
		}
		doc.Statement = kept
		b.policy = ""
		if len(kept) > 0 {
			p, _ := json.Marshal(doc)
			b.policy = string(p)
		}
		b.modifiedAt = s.clk.Now().UnixMilli()
		return saveBus(ctx, tx, b)
	})
}

func compactJSON(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

// checkTags refuses duplicate keys.
func checkTags(tags []eventbridgeapi.Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[deref(t.Key)] {
			return errValidation("Invalid parameter: Duplicated keys are not allowed.")
		}
		seen[deref(t.Key)] = true
	}
	return nil
}

// taggable checks that arn names an existing bus or rule.
func taggable(ctx context.Context, tx *store.Tx, arn string) error {
	a, ok := parseARN(arn)
	if !ok || a.service != "events" {
		return errNotFound("Resource " + arn + " not found.")
	}
	switch {
	case strings.HasPrefix(a.resource, "event-bus/"):
		return needBus(ctx, tx, busKey{account: a.account, region: a.region, name: strings.TrimPrefix(a.resource, "event-bus/")})
	case strings.HasPrefix(a.resource, "rule/"):
		path := strings.TrimPrefix(a.resource, "rule/")
		k := busKey{account: a.account, region: a.region, name: "default"}
		name := path
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			k.name, name = path[:i], path[i+1:]
		}
		_, err := needRule(ctx, tx, k, name)
		return err
	}
	return errNotFound("Resource " + arn + " not found.")
}

// TagResource adds or replaces tags of a bus or rule.
func (s *Service) TagResource(ctx context.Context, in *eventbridgeapi.TagResourceRequest) (*eventbridgeapi.TagResourceResponse, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn := deref(in.ResourceARN)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := taggable(ctx, tx, arn); err != nil {
			return err
		}
		return putTags(ctx, tx, arn, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.TagResourceResponse{}, nil
}

// UntagResource removes tags of a bus or rule.
func (s *Service) UntagResource(ctx context.Context, in *eventbridgeapi.UntagResourceRequest) (*eventbridgeapi.UntagResourceResponse, error) {
	arn := deref(in.ResourceARN)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := taggable(ctx, tx, arn); err != nil {
			return err
		}
		for _, k := range in.TagKeys {
			if _, err := tx.Exec(ctx, "DELETE FROM eb_tags WHERE arn = ? AND tkey = ?", arn, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.UntagResourceResponse{}, nil
}

// ListTagsForResource lists the tags of a bus or rule, by key.
func (s *Service) ListTagsForResource(ctx context.Context, in *eventbridgeapi.ListTagsForResourceRequest) (*eventbridgeapi.ListTagsForResourceResponse, error) {
	arn := deref(in.ResourceARN)
	out := &eventbridgeapi.ListTagsForResourceResponse{Tags: []eventbridgeapi.Tag{}}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if err := taggable(ctx, tx, arn); err != nil {
			return err
		}
		q, err := tx.Query(ctx, "SELECT tkey, tvalue FROM eb_tags WHERE arn = ? ORDER BY tkey", arn)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var k, v string
			if err := q.Scan(&k, &v); err != nil {
				return err
			}
			out.Tags = append(out.Tags, eventbridgeapi.Tag{Key: str(k), Value: str(v)})
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
