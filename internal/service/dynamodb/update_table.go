package dynamodb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/store"
)

// UpdateTable changes billing, throughput, the stream, deletion
// protection, the table class or encryption, or creates, updates or
// deletes one global secondary index. A new index is backfilled from the
// table's items in the same transaction, so it is ACTIVE (and complete)
// once the call returns; the response says CREATING, as AWS's does.
func (s *Service) UpdateTable(ctx context.Context, in *dynamodbapi.UpdateTableInput) (*dynamodbapi.UpdateTableOutput, error) {
	return retryTableChange(ctx, s, func() (*dynamodbapi.UpdateTableOutput, error) { return s.updateTable(ctx, in) })
}

func (s *Service) updateTable(ctx context.Context, in *dynamodbapi.UpdateTableInput) (*dynamodbapi.UpdateTableOutput, error) {
	t, name, err := s.lookup(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTableNotFound(name)
	}
	if in.BillingMode == nil && in.ProvisionedThroughput == nil && in.StreamSpecification == nil && len(in.GlobalSecondaryIndexUpdates) == 0 &&
		in.SSESpecification == nil && in.DeletionProtectionEnabled == nil && in.TableClass == nil && in.OnDemandThroughput == nil &&
		len(in.ReplicaUpdates) == 0 && in.WarmThroughput == nil {
		return nil, validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	nt := t.clone()
	now := s.now().UnixMilli()
	if in.BillingMode != nil && *in.BillingMode != nt.Billing {
		nt.Billing = *in.BillingMode
		if nt.Billing == "PAY_PER_REQUEST" {
			nt.BillingChanged, nt.Throughput = now, nil
			for _, ix := range nt.GSIs {
				ix.Throughput = nil
			}
		}
	}
	if in.ProvisionedThroughput != nil {
		if err := checkThroughput(nt.Billing, in.ProvisionedThroughput, ""); err != nil {
			return nil, err
		}
		if err := unchangedThroughput(t, in); err != nil {
			return nil, err
		}
		nt.Throughput = in.ProvisionedThroughput
	} else if nt.Billing == "PROVISIONED" && nt.Throughput == nil {
		return nil, validation("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: table")
	}
	if in.OnDemandThroughput != nil {
		nt.OnDemand = in.OnDemandThroughput
	}
	if in.DeletionProtectionEnabled != nil {
		nt.DeletionProtection = *in.DeletionProtectionEnabled
	}
	if in.TableClass != nil {
		nt.TableClass = *in.TableClass
	}
	if in.SSESpecification != nil {
		nt.SSE = in.SSESpecification
	}
	if sp := in.StreamSpecification; sp != nil {
		if err := checkStreamSpec(sp); err != nil {
			return nil, err
		}
		cur := nt.stream()
		switch {
		case deref(sp.StreamEnabled) && cur != nil:
			return nil, validation("Table already has an enabled stream: TableName: " + t.Name)
		case !deref(sp.StreamEnabled) && cur == nil:
			return nil, validation("Table already has no enabled stream: TableName: " + t.Name)
		case deref(sp.StreamEnabled):
			nt.Streams = append(nt.Streams, streamMeta{Label: streamLabel(time.UnixMilli(now)), ViewType: deref(sp.StreamViewType), Enabled: true, Created: now})
		default:
			cur.Enabled, cur.Disabled = false, now
		}
	}
	var build *indexMeta
	if n := len(in.GlobalSecondaryIndexUpdates); n > 0 {
		creates := 0
		for _, u := range in.GlobalSecondaryIndexUpdates {
			if u.Create != nil || u.Delete != nil {
				creates++
			}
		}
		if creates > 1 {
			return nil, apiErr("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
		}
		for _, u := range in.GlobalSecondaryIndexUpdates {
			switch {
			case u.Create != nil:
				c := u.Create
				if len(nt.GSIs) >= maxGSIs {
					return nil, apiErr("LimitExceededException", "Subscriber limit exceeded: The table already has the maximum number of global secondary indexes")
				}
				defs := mergeDefs(nt.AttrDefs, in.AttributeDefinitions)
				names := map[string]bool{}
				for _, ix := range nt.indexes() {
					names[ix.Name] = true
				}
				if names[deref(c.IndexName)] {
					return nil, validation("One or more parameter values were invalid: Index " + deref(c.IndexName) + " already exists")
				}
				ix, err := s.newIndex(deref(c.IndexName), c.KeySchema, c.Projection, defs, names)
				if err != nil {
					return nil, err
				}
				if err := checkThroughput(nt.Billing, c.ProvisionedThroughput, ix.Name); err != nil {
					return nil, err
				}
				ix.Throughput, ix.OnDemand, ix.Created = c.ProvisionedThroughput, c.OnDemandThroughput, now
				nt.GSIs = append(nt.GSIs, ix)
				if err := checkProjectedNonKeys(nt); err != nil {
					return nil, err
				}
				nt.AttrDefs = defs
				build = ix
			case u.Delete != nil:
				name := deref(u.Delete.IndexName)
				i := indexPos(nt.GSIs, name)
				if i < 0 {
					return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Index: "+name+" not found")
				}
				nt.GSIs = append(nt.GSIs[:i], nt.GSIs[i+1:]...)
			case u.Update != nil:
				name := deref(u.Update.IndexName)
				i := indexPos(nt.GSIs, name)
				if i < 0 {
					return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Index: "+name+" not found")
				}
				if u.Update.ProvisionedThroughput != nil {
					if err := checkThroughput(nt.Billing, u.Update.ProvisionedThroughput, name); err != nil {
						return nil, err
					}
					nt.GSIs[i].Throughput = u.Update.ProvisionedThroughput
				}
				if u.Update.OnDemandThroughput != nil {
					nt.GSIs[i].OnDemand = u.Update.OnDemandThroughput
				}
			}
		}
		nt.AttrDefs = usedDefs(nt)
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		// Before the backfill reads any item (tablegen.go).
		if err := s.lockTable(ctx, tx, t); err != nil {
			return err
		}
		if sp := in.StreamSpecification; sp != nil {
			var cur int64
			if err := tx.QueryRow(ctx, "SELECT stream_seq FROM ddb_tables WHERE id = ?", t.ID).Scan(&cur); err != nil {
				return err
			}
			last := &nt.Streams[len(nt.Streams)-1]
			if last.Enabled {
				last.StartSeq = cur + 1
			} else {
				last.EndSeq = cur
			}
		}
		for _, ix := range t.GSIs {
			if nt.index(ix.Name) == nil {
				if _, err := tx.Exec(ctx, "DELETE FROM ddb_index_items WHERE table_id = ? AND idx = ?", t.ID, ix.Name); err != nil {
					return err
				}
			}
		}
		if build != nil {
			if err := s.eachItem(ctx, tx, t, func(k itemKey, item map[string]dynamodbapi.AttributeValue) error {
				return s.applyIndex(ctx, tx, nt, build, &change{t: nt, k: k, new: item})
			}); err != nil {
				return err
			}
		}
		return s.saveTable(ctx, tx, nt)
	})
	if err != nil {
		return nil, err
	}
	st, idx, err := s.tableStats(ctx, nt)
	if err != nil {
		return nil, err
	}
	d := s.describe(nt, st.count, st.size, idx)
	d.TableStatus = ptr("UPDATING")
	for i := range d.GlobalSecondaryIndexes {
		if build != nil && deref(d.GlobalSecondaryIndexes[i].IndexName) == build.Name {
			d.GlobalSecondaryIndexes[i].IndexStatus = ptr("CREATING")
			d.GlobalSecondaryIndexes[i].Backfilling = ptr(false)
		}
	}
	return &dynamodbapi.UpdateTableOutput{TableDescription: d}, nil
}

func indexPos(ixs []*indexMeta, name string) int {
	for i, ix := range ixs {
		if ix.Name == name {
			return i
		}
	}
	return -1
}

// mergeDefs adds the definitions of extra not already in defs.
func mergeDefs(defs, extra []dynamodbapi.AttributeDefinition) []dynamodbapi.AttributeDefinition {
	out := append([]dynamodbapi.AttributeDefinition{}, defs...)
	for _, e := range extra {
		found := false
		for _, d := range out {
			if deref(d.AttributeName) == deref(e.AttributeName) {
				found = true
			}
		}
		if !found {
			out = append(out, e)
		}
	}
	return out
}

// usedDefs keeps the attribute definitions some key still uses.
func usedDefs(t *tableMeta) []dynamodbapi.AttributeDefinition {
	used := map[string]bool{t.Keys.PK: true, t.Keys.SK: true}
	for _, ix := range t.indexes() {
		used[ix.Keys.PK], used[ix.Keys.SK] = true, true
	}
	var out []dynamodbapi.AttributeDefinition
	for _, d := range t.AttrDefs {
		if used[deref(d.AttributeName)] {
			out = append(out, d)
		}
	}
	return out
}

// tableByARN finds the table a resource ARN names (tags are per table).
func (s *Service) tableByARN(ctx context.Context, arn string) (*tableMeta, error) {
	notFound := apiErr("ResourceNotFoundException", "Requested resource not found: ResourcArn: "+arn+" not found")
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "dynamodb" || !strings.HasPrefix(parts[5], "table/") {
		return nil, apiErr("ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input "+arn)
	}
	name := strings.TrimPrefix(parts[5], "table/")
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	t := s.tables.get(parts[4], parts[3], name)
	if err := crossAccount(ctx, t, parts[4], arn); err != nil {
		return nil, err
	}
	if t == nil {
		return nil, notFound
	}
	return t, nil
}

// TagResource adds or replaces tags of a table.
func (s *Service) TagResource(ctx context.Context, in *dynamodbapi.TagResourceInput) error {
	_, err := retryTableChange(ctx, s, func() (struct{}, error) { return struct{}{}, s.tagResource(ctx, in) })
	return err
}

func (s *Service) tagResource(ctx context.Context, in *dynamodbapi.TagResourceInput) error {
	t, err := s.tableByARN(ctx, deref(in.ResourceArn))
	if err != nil {
		return err
	}
	nt := t.clone()
	for _, tag := range in.Tags {
		replaced := false
		for i := range nt.Tags {
			if deref(nt.Tags[i].Key) == deref(tag.Key) {
				nt.Tags[i].Value, replaced = tag.Value, true
			}
		}
		if !replaced {
			nt.Tags = append(nt.Tags, tag)
		}
	}
	if err := checkTags(nt.Tags); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error { return s.saveTable(ctx, tx, nt) })
}

// UntagResource removes tags of a table.
func (s *Service) UntagResource(ctx context.Context, in *dynamodbapi.UntagResourceInput) error {
	_, err := retryTableChange(ctx, s, func() (struct{}, error) { return struct{}{}, s.untagResource(ctx, in) })
	return err
}

func (s *Service) untagResource(ctx context.Context, in *dynamodbapi.UntagResourceInput) error {
	t, err := s.tableByARN(ctx, deref(in.ResourceArn))
	if err != nil {
		return err
	}
	nt := t.clone()
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	keep := nt.Tags[:0]
	for _, tag := range nt.Tags {
		if !drop[deref(tag.Key)] {
			keep = append(keep, tag)
		}
	}
	nt.Tags = keep
	return s.st.Update(ctx, func(tx *store.Tx) error { return s.saveTable(ctx, tx, nt) })
}

// ListTagsOfResource lists a table's tags.
func (s *Service) ListTagsOfResource(ctx context.Context, in *dynamodbapi.ListTagsOfResourceInput) (*dynamodbapi.ListTagsOfResourceOutput, error) {
	t, err := s.tableByARN(ctx, deref(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.ListTagsOfResourceOutput{Tags: append([]dynamodbapi.Tag{}, t.Tags...)}, nil
}

// unchangedThroughput refuses an UpdateTable whose only change is the
// table's provisioned throughput, set to what it is (AWS's text; whether
// AWS also refuses it beside other changes is unchecked: hako lets those
// through).
func unchangedThroughput(t *tableMeta, in *dynamodbapi.UpdateTableInput) error {
	cur, p := t.Throughput, in.ProvisionedThroughput
	if t.Billing != "PROVISIONED" || cur == nil || deref(cur.ReadCapacityUnits) != deref(p.ReadCapacityUnits) ||
		deref(cur.WriteCapacityUnits) != deref(p.WriteCapacityUnits) {
		return nil
	}
	if (in.BillingMode != nil && *in.BillingMode != t.Billing) || in.StreamSpecification != nil || len(in.GlobalSecondaryIndexUpdates) > 0 ||
		in.SSESpecification != nil || in.DeletionProtectionEnabled != nil || in.TableClass != nil || in.OnDemandThroughput != nil ||
		len(in.ReplicaUpdates) > 0 || in.WarmThroughput != nil {
		return nil
	}
	r, w := deref(cur.ReadCapacityUnits), deref(cur.WriteCapacityUnits)
	return validation(fmt.Sprintf("The provisioned throughput for the table will not change. The requested value equals the current value. "+
		"Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. "+
		"Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. "+
		"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.", r, r, w, w))
}
