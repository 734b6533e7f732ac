package eventbridge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Archives.
//
// As on AWS, an archive is a managed rule on its bus, Events-Archive-NAME
// (ManagedBy prod.vhs.events.aws.internal), whose pattern is the archive's
// plus "replay-name": [{"exists": false}] (replayed events are not archived
// again) and whose one target is the archive. PutEvents writes the copies
// of matched events in its transaction. Events are kept RetentionDays
// (0: forever) after they were archived; a sweeper deletes older ones.

const (
	archiveManagedBy  = "prod.vhs.events.aws.internal"
	retentionInterval = time.Hour
)

func archiveRuleName(name string) string { return "Events-Archive-" + name }

// archivePattern is the managed rule's pattern for an archive pattern.
func archivePattern(src string) string {
	const noReplay = `"replay-name":[{"exists":false}]`
	src = strings.TrimSpace(src)
	if src == "" {
		return "{" + noReplay + "}"
	}
	inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(src, "{"), "}"))
	if inner == "" {
		return "{" + noReplay + "}"
	}
	return "{" + inner + "," + noReplay + "}"
}

type archiveRow struct {
	account, region, name, source, pattern, desc, state string
	retention, createdAt                                int64
}

func (a *archiveRow) arn() string { return archiveARN(a.account, a.region, a.name) }

func getArchive(ctx context.Context, tx *store.Tx, account, region, name string) (*archiveRow, error) {
	a := &archiveRow{account: account, region: region, name: name}
	err := tx.QueryRow(ctx, `SELECT source_arn, pattern, description, state, retention_days, created_at FROM eb_archives
		WHERE account = ? AND region = ? AND name = ?`, account, region, name).
		Scan(&a.source, &a.pattern, &a.desc, &a.state, &a.retention, &a.createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Archive " + name + " does not exist.")
	}
	return a, err
}

// saveArchiveRule writes the archive's managed rule and target.
func (s *Service) saveArchiveRule(ctx context.Context, tx *store.Tx, a *archiveRow, k busKey) error {
	now := s.clk.Now().UnixMilli()
	rn := archiveRuleName(a.name)
	r := &ruleRow{bus: k, name: rn, pattern: archivePattern(a.pattern), state: stateEnabled, managedBy: archiveManagedBy, createdAt: now, modifiedAt: now}
	if old, err := getRule(ctx, tx, k, rn); err != nil {
		return err
	} else if old != nil {
		r.createdAt = old.createdAt
	}
	if err := saveRule(ctx, tx, r); err != nil {
		return err
	}
	body, _ := json.Marshal(eventbridgeapi.Target{Id: str(rn), Arn: str(a.arn())})
	if _, err := tx.Exec(ctx, `INSERT INTO eb_targets (account, region, bus, rule, id, arn, body, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, region, bus, rule, id) DO UPDATE SET body = excluded.body`,
		k.account, k.region, k.name, rn, rn, a.arn(), string(body), now); err != nil {
		return err
	}
	s.invalidate(tx, k)
	return nil
}

// CreateArchive creates an archive of the events of a bus.
func (s *Service) CreateArchive(ctx context.Context, in *eventbridgeapi.CreateArchiveRequest) (*eventbridgeapi.CreateArchiveResponse, error) {
	info := reqinfo.From(ctx)
	k, ok := busARNKey(deref(in.EventSourceArn))
	if !ok {
		return nil, errValidation("Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format.")
	}
	if in.EventPattern != nil && *in.EventPattern != "" {
		if _, err := compilePattern(*in.EventPattern); err != nil {
			return nil, err
		}
	}
	a := &archiveRow{account: info.Account, region: info.Region, name: deref(in.ArchiveName), source: k.arn(),
		pattern: deref(in.EventPattern), desc: deref(in.Description), state: "ENABLED", createdAt: s.clk.Now().UnixMilli()}
	if in.RetentionDays != nil {
		a.retention = int64(*in.RetentionDays)
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if err := needBus(ctx, tx, k); err != nil {
			return err
		}
		if _, err := getArchive(ctx, tx, a.account, a.region, a.name); err == nil {
			return errExists("Archive " + a.name + " already exists.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO eb_archives (account, region, name, source_arn, pattern, description, retention_days, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.account, a.region, a.name, a.source, a.pattern, a.desc, a.retention, a.state, a.createdAt); err != nil {
			return err
		}
		return s.saveArchiveRule(ctx, tx, a, k)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.CreateArchiveResponse{ArchiveArn: str(a.arn()), State: str(a.state), CreationTime: ts(a.createdAt)}, nil
}

// archiveStats returns the number and total size of an archive's events.
func archiveStats(ctx context.Context, tx *store.Tx, arn string) (n, size int64, err error) {
	err = tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM eb_archive_events WHERE archive_arn = ?", arn).Scan(&n, &size)
	return
}

// DescribeArchive describes an archive with its event count and size.
func (s *Service) DescribeArchive(ctx context.Context, in *eventbridgeapi.DescribeArchiveRequest) (*eventbridgeapi.DescribeArchiveResponse, error) {
	info := reqinfo.From(ctx)
	var a *archiveRow
	var n, size int64
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		if a, err = getArchive(ctx, tx, info.Account, info.Region, deref(in.ArchiveName)); err != nil {
			return err
		}
		n, size, err = archiveStats(ctx, tx, a.arn())
		return err
	})
	if err != nil {
		return nil, err
	}
	ret := int32(a.retention)
	return &eventbridgeapi.DescribeArchiveResponse{ArchiveArn: str(a.arn()), ArchiveName: str(a.name), EventSourceArn: str(a.source),
		EventPattern: optStr(a.pattern), Description: optStr(a.desc), State: str(a.state), RetentionDays: &ret,
		EventCount: &n, SizeBytes: &size, CreationTime: ts(a.createdAt)}, nil
}

// ListArchives lists archives by name, filtered by one of NamePrefix,
// EventSourceArn or State.
func (s *Service) ListArchives(ctx context.Context, in *eventbridgeapi.ListArchivesRequest) (*eventbridgeapi.ListArchivesResponse, error) {
	info := reqinfo.From(ctx)
	filters := 0
	for _, f := range []*string{in.NamePrefix, in.EventSourceArn, in.State} {
		if f != nil {
			filters++
		}
	}
	if filters > 1 {
		return nil, errValidation("At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix.")
	}
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	out := &eventbridgeapi.ListArchivesResponse{Archives: []eventbridgeapi.Archive{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, `SELECT name, source_arn, state, retention_days, created_at FROM eb_archives
			WHERE account = ? AND region = ? AND name > ? AND name LIKE ? ESCAPE '\' AND (? = '' OR source_arn = ?) AND (? = '' OR state = ?)
			ORDER BY name LIMIT ?`, info.Account, info.Region, after, likePrefix(deref(in.NamePrefix)),
			deref(in.EventSourceArn), deref(in.EventSourceArn), deref(in.State), deref(in.State), limit+1)
		if err != nil {
			return err
		}
		var rows []archiveRow
		for q.Next() {
			a := archiveRow{account: info.Account, region: info.Region}
			if err := q.Scan(&a.name, &a.source, &a.state, &a.retention, &a.createdAt); err != nil {
				q.Close()
				return err
			}
			rows = append(rows, a)
		}
		q.Close()
		for i, a := range rows {
			if i == limit {
				out.NextToken = nextToken(rows[i-1].name)
				break
			}
			n, size, err := archiveStats(ctx, tx, a.arn())
			if err != nil {
				return err
			}
			ret := int32(a.retention)
			out.Archives = append(out.Archives, eventbridgeapi.Archive{ArchiveName: str(a.name), EventSourceArn: str(a.source),
				State: str(a.state), RetentionDays: &ret, EventCount: &n, SizeBytes: &size, CreationTime: ts(a.createdAt)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateArchive changes an archive's description, pattern or retention.
func (s *Service) UpdateArchive(ctx context.Context, in *eventbridgeapi.UpdateArchiveRequest) (*eventbridgeapi.UpdateArchiveResponse, error) {
	info := reqinfo.From(ctx)
	if in.EventPattern != nil && *in.EventPattern != "" {
		if _, err := compilePattern(*in.EventPattern); err != nil {
			return nil, err
		}
	}
	var a *archiveRow
	err := s.st.Update(ctx, func(tx *store.Tx) (err error) {
		if a, err = getArchive(ctx, tx, info.Account, info.Region, deref(in.ArchiveName)); err != nil {
			return err
		}
		if in.Description != nil {
			a.desc = *in.Description
		}
		if in.EventPattern != nil {
			a.pattern = *in.EventPattern
		}
		if in.RetentionDays != nil {
			a.retention = int64(*in.RetentionDays)
		}
		if _, err := tx.Exec(ctx, `UPDATE eb_archives SET description = ?, pattern = ?, retention_days = ? WHERE account = ? AND region = ? AND name = ?`,
			a.desc, a.pattern, a.retention, a.account, a.region, a.name); err != nil {
			return err
		}
		k, _ := busARNKey(a.source)
		return s.saveArchiveRule(ctx, tx, a, k)
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.UpdateArchiveResponse{ArchiveArn: str(a.arn()), State: str(a.state), CreationTime: ts(a.createdAt)}, nil
}

// DeleteArchive deletes an archive, its events and its managed rule.
func (s *Service) DeleteArchive(ctx context.Context, in *eventbridgeapi.DeleteArchiveRequest) (*eventbridgeapi.DeleteArchiveResponse, error) {
	info := reqinfo.From(ctx)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		a, err := getArchive(ctx, tx, info.Account, info.Region, deref(in.ArchiveName))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM eb_archive_events WHERE archive_arn = ?", a.arn()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM eb_archives WHERE account = ? AND region = ? AND name = ?", a.account, a.region, a.name); err != nil {
			return err
		}
		k, _ := busARNKey(a.source)
		s.invalidate(tx, k)
		return deleteRuleRows(ctx, tx, k, archiveRuleName(a.name))
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.DeleteArchiveResponse{}, nil
}

// sweepArchives deletes archived events past their archive's retention.
func (s *Service) sweepArchives(ctx context.Context) {
	type ret struct {
		arn  string
		days int64
	}
	var rs []ret
	err := s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, "SELECT account, region, name, retention_days FROM eb_archives WHERE retention_days > 0")
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var acc, reg, name string
			var d int64
			if err := q.Scan(&acc, &reg, &name, &d); err != nil {
				return err
			}
			rs = append(rs, ret{archiveARN(acc, reg, name), d})
		}
		return q.Err()
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("eventbridge: archive retention", "err", err)
		}
		return
	}
	now := s.clk.Now()
	for _, r := range rs {
		cut := now.Add(-time.Duration(r.days) * 24 * time.Hour).UnixMilli()
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM eb_archive_events WHERE archive_arn = ? AND archived_at < ?", r.arn, cut)
			return err
		})
		if err != nil && ctx.Err() == nil {
			s.log.Warn("eventbridge: archive retention", "archive", r.arn, "err", err)
		}
	}
}
