package dynamodb

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Account limits DescribeLimits reports and CreateTable enforces.
const (
	maxGSIs             = 20
	maxLSIs             = 5
	maxProjectedNonKeys = 100
	accountMaxRead      = 80000
	accountMaxWrite     = 80000
	tableMaxRead        = 40000
	tableMaxWrite       = 40000
)

// CreateTable creates a table. It is ACTIVE at once (the response says
// CREATING, as AWS's does; the next DescribeTable says ACTIVE).
func (s *Service) CreateTable(ctx context.Context, in *dynamodbapi.CreateTableInput) (*dynamodbapi.CreateTableOutput, error) {
	ri := reqinfo.From(ctx)
	t := &tableMeta{
		ID: randomID(), Account: ri.Account, Region: ri.Region, Name: deref(in.TableName),
		TableID: newUUID(), Created: s.now().UnixMilli(),
		KeySchema: in.KeySchema, AttrDefs: in.AttributeDefinitions,
		Billing: deref(in.BillingMode), Throughput: in.ProvisionedThroughput, OnDemand: in.OnDemandThroughput,
		Tags: in.Tags, DeletionProtection: deref(in.DeletionProtectionEnabled),
		TableClass: deref(in.TableClass), SSE: in.SSESpecification, ResourcePolicy: deref(in.ResourcePolicy),
	}
	if err := checkTableName(t.Name); err != nil {
		return nil, err
	}
	if t.Billing == "" {
		t.Billing = "PROVISIONED"
	}
	if t.Billing == "PAY_PER_REQUEST" {
		t.BillingChanged = t.Created
	}
	var err error
	if t.Keys, err = checkKeySchema(in.KeySchema, in.AttributeDefinitions, ""); err != nil {
		return nil, err
	}
	if err := checkThroughput(t.Billing, in.ProvisionedThroughput, ""); err != nil {
		return nil, err
	}
	used := map[string]bool{t.Keys.PK: true, t.Keys.SK: true}
	if len(in.GlobalSecondaryIndexes) > maxGSIs {
		return nil, validation(fmt.Sprintf("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGSIs))
	}
	if len(in.LocalSecondaryIndexes) > maxLSIs {
		return nil, validation(fmt.Sprintf("One or more parameter values were invalid: LocalSecondaryIndex count exceeds the per-table limit of %d", maxLSIs))
	}
	names := map[string]bool{}
	for _, g := range in.GlobalSecondaryIndexes {
		ix, err := s.newIndex(deref(g.IndexName), g.KeySchema, g.Projection, in.AttributeDefinitions, names)
		if err != nil {
			return nil, err
		}
		if err := checkThroughput(t.Billing, g.ProvisionedThroughput, ix.Name); err != nil {
			return nil, err
		}
		ix.Throughput, ix.OnDemand, ix.Created = g.ProvisionedThroughput, g.OnDemandThroughput, t.Created
		used[ix.Keys.PK], used[ix.Keys.SK] = true, true
		t.GSIs = append(t.GSIs, ix)
	}
	for _, l := range in.LocalSecondaryIndexes {
		if t.Keys.SK == "" {
			return nil, validation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		ix, err := s.newIndex(deref(l.IndexName), l.KeySchema, l.Projection, in.AttributeDefinitions, names)
		if err != nil {
			return nil, err
		}
		if ix.Keys.SK == "" {
			return nil, validation("One or more parameter values were invalid: Index KeySchema does not have a range key for index: " + ix.Name)
		}
		if ix.Keys.PK != t.Keys.PK {
			return nil, validation("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: " + ix.Name + ". index hash key: " + ix.Keys.PK + ", table hash key: " + t.Keys.PK)
		}
		ix.Local, ix.Created = true, t.Created
		used[ix.Keys.SK] = true
		t.LSIs = append(t.LSIs, ix)
	}
	if err := checkProjectedNonKeys(t); err != nil {
		return nil, err
	}
	delete(used, "")
	if len(used) != len(in.AttributeDefinitions) {
		var defs, keys []string
		for _, d := range in.AttributeDefinitions {
			defs = append(defs, deref(d.AttributeName))
		}
		for k := range used {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(in.GlobalSecondaryIndexes)+len(in.LocalSecondaryIndexes) == 0 {
			return nil, validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
		}
		return nil, validation(fmt.Sprintf("One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]", strings.Join(defs, ", "), strings.Join(keys, ", ")))
	}
	if sp := in.StreamSpecification; sp != nil {
		if err := checkStreamSpec(sp); err != nil {
			return nil, err
		}
		if deref(sp.StreamEnabled) {
			t.Streams = []streamMeta{{Label: streamLabel(time.UnixMilli(t.Created)), ViewType: deref(sp.StreamViewType), Enabled: true, Created: t.Created, StartSeq: 1}}
		}
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM ddb_tables WHERE account = ? AND region = ? AND name = ?", t.Account, t.Region, t.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apiErr("ResourceInUseException", "Table already exists: "+t.Name)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO ddb_tables (id, account, region, name, meta, stream_seq, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
			t.ID, t.Account, t.Region, t.Name, string(meta), t.Created); err != nil {
			return err
		}
		s.saved(tx, t)
		s.changed(tx, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(t, 0, 0, nil)
	d.TableStatus = ptr("CREATING")
	for i := range d.GlobalSecondaryIndexes {
		d.GlobalSecondaryIndexes[i].IndexStatus = ptr("CREATING")
	}
	return &dynamodbapi.CreateTableOutput{TableDescription: d}, nil
}

// checkTableName applies the rules on new table names (the model allows
// ARNs in TableName, so its constraints do not).
func checkTableName(name string) error {
	prefix := "1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: Member must "
	switch {
	case len(name) < 3:
		return validation(prefix + "have length greater than or equal to 3")
	case len(name) > 255:
		return validation(prefix + "have length less than or equal to 255")
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return validation(prefix + "satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	}
	return nil
}

// newIndex checks an index definition.
func (s *Service) newIndex(name string, ks []dynamodbapi.KeySchemaElement, p *dynamodbapi.Projection, defs []dynamodbapi.AttributeDefinition, names map[string]bool) (*indexMeta, error) {
	if names[name] {
		return nil, validation("One or more parameter values were invalid: Duplicate index name: " + name)
	}
	names[name] = true
	keys, err := checkKeySchema(ks, defs, name)
	if err != nil {
		return nil, err
	}
	ix := &indexMeta{Name: name, Keys: keys, KeySchema: ks}
	if p == nil || p.ProjectionType == nil {
		return nil, validation("One or more parameter values were invalid: Unknown ProjectionType: null")
	}
	ix.Projection = *p
	switch *p.ProjectionType {
	case "ALL", "KEYS_ONLY":
		if len(p.NonKeyAttributes) > 0 {
			return nil, validation("One or more parameter values were invalid: ProjectionType is " + *p.ProjectionType + ", but NonKeyAttributes is specified")
		}
	case "INCLUDE":
		if len(p.NonKeyAttributes) == 0 {
			return nil, validation("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
		}
		// One index over the limit is over it in all indexes; the total
		// over a table's indexes is checkProjectedNonKeys's.
		if len(p.NonKeyAttributes) > maxProjectedNonKeys {
			return nil, errProjectedNonKeys()
		}
	}
	return ix, nil
}

// checkProjectedNonKeys applies the limit on projected non-key attributes,
// which AWS counts over all the secondary indexes of a table, an attribute
// projected into two indexes counting twice.
func checkProjectedNonKeys(t *tableMeta) error {
	n := 0
	for _, ix := range slices.Concat(t.GSIs, t.LSIs) {
		n += len(ix.Projection.NonKeyAttributes)
	}
	if n > maxProjectedNonKeys {
		return errProjectedNonKeys()
	}
	return nil
}

func errProjectedNonKeys() error {
	return validation(fmt.Sprintf("One or more parameter values were invalid: Number of projected attributes in all indexes exceeds limit of %d", maxProjectedNonKeys))
}

// checkKeySchema checks a key schema against the attribute definitions.
func checkKeySchema(ks []dynamodbapi.KeySchemaElement, defs []dynamodbapi.AttributeDefinition, index string) (keySchema, error) {
	var k keySchema
	if len(ks) == 0 || len(ks) > 2 {
		return k, validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2")
	}
	if deref(ks[0].KeyType) != "HASH" {
		return k, validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	k.PK = deref(ks[0].AttributeName)
	if len(ks) == 2 {
		if deref(ks[1].KeyType) != "RANGE" {
			return k, validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		k.SK = deref(ks[1].AttributeName)
		if k.SK == k.PK {
			return k, validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
		}
	}
	typeOf := func(name string) string {
		for _, d := range defs {
			if deref(d.AttributeName) == name {
				return deref(d.AttributeType)
			}
		}
		return ""
	}
	k.PKType = typeOf(k.PK)
	if k.SK != "" {
		k.SKType = typeOf(k.SK)
	}
	if k.PKType == "" || (k.SK != "" && k.SKType == "") {
		var missing []string
		if k.PKType == "" {
			missing = append(missing, k.PK)
		}
		if k.SK != "" && k.SKType == "" {
			missing = append(missing, k.SK)
		}
		var names []string
		for _, d := range defs {
			names = append(names, deref(d.AttributeName))
		}
		what := "Some index key attributes are not defined in AttributeDefinitions."
		return k, validation(fmt.Sprintf("One or more parameter values were invalid: %s Keys: [%s], AttributeDefinitions: [%s]", what, strings.Join(missing, ", "), strings.Join(names, ", ")))
	}
	return k, nil
}

// checkThroughput checks provisioned throughput against the billing mode.
func checkThroughput(billing string, pt *dynamodbapi.ProvisionedThroughput, index string) error {
	switch billing {
	case "PAY_PER_REQUEST":
		if pt != nil {
			return validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
	default:
		if pt == nil {
			if index != "" {
				return validation("One or more parameter values were invalid: ProvisionedThroughput should not be null for index: " + index)
			}
			return validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		if deref(pt.ReadCapacityUnits) < 1 || deref(pt.WriteCapacityUnits) < 1 {
			return validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
	}
	return nil
}

func checkStreamSpec(sp *dynamodbapi.StreamSpecification) error {
	if deref(sp.StreamEnabled) && sp.StreamViewType == nil {
		return validation("One or more parameter values were invalid: Enabled stream requires StreamViewType")
	}
	if !deref(sp.StreamEnabled) && sp.StreamViewType != nil {
		return validation("One or more parameter values were invalid: Disabled stream should not have StreamViewType")
	}
	return nil
}

// checkTags applies the tagging rules shared by CreateTable and TagResource.
func checkTags(tags []dynamodbapi.Tag) error {
	if len(tags) > 50 {
		return validation("One or more parameter values were invalid: Too many tags")
	}
	for _, t := range tags {
		if strings.HasPrefix(deref(t.Key), "aws:") {
			return validation("One or more parameter values were invalid: Tag keys starting with \"aws:\" are reserved for system use")
		}
	}
	return nil
}

// streamLabel is the label of a stream created at t ("2026-11-24T00:35:12.345").
func streamLabel(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000") }

func (t *tableMeta) streamARN(label string) string { return t.arn() + "/stream/" + label }

// stats counts a table's items and bytes (AWS refreshes these about every
// six hours; hako counts when asked).
type stats struct{ count, size int64 }

func (s *Service) tableStats(ctx context.Context, t *tableMeta) (table stats, idx map[string]stats, err error) {
	idx = map[string]stats{}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id = ?", t.ID).Scan(&table.count, &table.size); err != nil {
			return err
		}
		if len(t.GSIs)+len(t.LSIs) == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, "SELECT idx, COUNT(*), COALESCE(SUM(size), 0) FROM ddb_index_items WHERE table_id = ? GROUP BY idx", t.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var st stats
			if err := rows.Scan(&name, &st.count, &st.size); err != nil {
				return err
			}
			idx[name] = st
		}
		return rows.Err()
	})
	return table, idx, err
}

func throughputDesc(billing string, pt *dynamodbapi.ProvisionedThroughput) *dynamodbapi.ProvisionedThroughputDescription {
	d := &dynamodbapi.ProvisionedThroughputDescription{NumberOfDecreasesToday: ptr(int64(0)), ReadCapacityUnits: ptr(int64(0)), WriteCapacityUnits: ptr(int64(0))}
	if billing != "PAY_PER_REQUEST" && pt != nil {
		d.ReadCapacityUnits, d.WriteCapacityUnits = pt.ReadCapacityUnits, pt.WriteCapacityUnits
	}
	return d
}

// describe builds a TableDescription.
func (s *Service) describe(t *tableMeta, count, size int64, idx map[string]stats) *dynamodbapi.TableDescription {
	d := &dynamodbapi.TableDescription{
		AttributeDefinitions:      t.AttrDefs,
		KeySchema:                 t.KeySchema,
		TableName:                 ptr(t.Name),
		TableArn:                  ptr(t.arn()),
		TableId:                   ptr(t.TableID),
		TableStatus:               ptr("ACTIVE"),
		CreationDateTime:          &model.Timestamp{Time: time.UnixMilli(t.Created)},
		ItemCount:                 ptr(count),
		TableSizeBytes:            ptr(size),
		ProvisionedThroughput:     throughputDesc(t.Billing, t.Throughput),
		DeletionProtectionEnabled: ptr(t.DeletionProtection),
		OnDemandThroughput:        t.OnDemand,
	}
	if t.Billing == "PAY_PER_REQUEST" {
		d.BillingModeSummary = &dynamodbapi.BillingModeSummary{BillingMode: ptr("PAY_PER_REQUEST"), LastUpdateToPayPerRequestDateTime: &model.Timestamp{Time: time.UnixMilli(t.BillingChanged)}}
	}
	if t.TableClass != "" {
		d.TableClassSummary = &dynamodbapi.TableClassSummary{TableClass: ptr(t.TableClass)}
	}
	if t.SSE != nil && deref(t.SSE.Enabled) {
		d.SSEDescription = &dynamodbapi.SSEDescription{Status: ptr("ENABLED"), SSEType: ptr("KMS"),
			KMSMasterKeyArn: ptr(fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", t.Region, t.Account, t.TableID))}
		if k := deref(t.SSE.KMSMasterKeyId); strings.HasPrefix(k, "arn:") {
			d.SSEDescription.KMSMasterKeyArn = ptr(k)
		}
	}
	if n := len(t.Streams); n > 0 {
		last := t.Streams[n-1]
		if last.Enabled {
			d.StreamSpecification = &dynamodbapi.StreamSpecification{StreamEnabled: ptr(true), StreamViewType: ptr(last.ViewType)}
		}
		d.LatestStreamLabel = ptr(last.Label)
		d.LatestStreamArn = ptr(t.streamARN(last.Label))
	}
	for _, ix := range t.GSIs {
		st := idx[ix.Name]
		p := ix.Projection
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, dynamodbapi.GlobalSecondaryIndexDescription{
			IndexName: ptr(ix.Name), IndexArn: ptr(t.arn() + "/index/" + ix.Name), IndexStatus: ptr("ACTIVE"),
			KeySchema: ix.KeySchema, Projection: &p, ItemCount: ptr(st.count), IndexSizeBytes: ptr(st.size),
			ProvisionedThroughput: throughputDesc(t.Billing, ix.Throughput), OnDemandThroughput: ix.OnDemand,
		})
	}
	for _, ix := range t.LSIs {
		st := idx[ix.Name]
		p := ix.Projection
		d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, dynamodbapi.LocalSecondaryIndexDescription{
			IndexName: ptr(ix.Name), IndexArn: ptr(t.arn() + "/index/" + ix.Name),
			KeySchema: ix.KeySchema, Projection: &p, ItemCount: ptr(st.count), IndexSizeBytes: ptr(st.size),
		})
	}
	return d
}

// DescribeTable describes a table with its current item count and size.
func (s *Service) DescribeTable(ctx context.Context, in *dynamodbapi.DescribeTableInput) (*dynamodbapi.DescribeTableOutput, error) {
	t, name, err := s.lookup(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTableNotFound(name)
	}
	st, idx, err := s.tableStats(ctx, t)
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.DescribeTableOutput{Table: s.describe(t, st.count, st.size, idx)}, nil
}

// ListTables lists table names in order, 100 at most per page.
func (s *Service) ListTables(ctx context.Context, in *dynamodbapi.ListTablesInput) (*dynamodbapi.ListTablesOutput, error) {
	ri := reqinfo.From(ctx)
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var names []string
	for _, t := range s.tables.list(ri.Account, ri.Region) {
		if in.ExclusiveStartTableName == nil || t.Name > *in.ExclusiveStartTableName {
			names = append(names, t.Name)
		}
	}
	slices.Sort(names)
	out := &dynamodbapi.ListTablesOutput{TableNames: []string{}}
	if len(names) > limit {
		names = names[:limit]
		out.LastEvaluatedTableName = ptr(names[limit-1])
	}
	out.TableNames = append(out.TableNames, names...)
	return out, nil
}

// DeleteTable deletes a table, its items and index entries. Its streams
// stay readable for 24 hours, as on AWS: disabled, their shard closed at
// the table's last record (keepDeletedStreams). No REMOVE records are
// written for the deleted items (AWS documents none).
func (s *Service) DeleteTable(ctx context.Context, in *dynamodbapi.DeleteTableInput) (*dynamodbapi.DeleteTableOutput, error) {
	t, name, err := s.lookup(ctx, in.TableName)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTableNotFound(name)
	}
	if t.DeletionProtection {
		return nil, validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	st, idx, err := s.tableStats(ctx, t)
	if err != nil {
		return nil, err
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		// Writes in flight finish first; later ones find no table.
		if err := s.lockTable(ctx, tx, t); err != nil {
			return err
		}
		if err := s.keepDeletedStreams(ctx, tx, t); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM ddb_tables WHERE id = ?", t.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errTableNotFound(name)
		}
		for _, q := range []string{"DELETE FROM ddb_items WHERE table_id = ?", "DELETE FROM ddb_index_items WHERE table_id = ?", "DELETE FROM ddb_collections WHERE table_id = ?"} {
			if _, err := tx.Exec(ctx, q, t.ID); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() { s.tables.remove(t.Account, t.Region, t.Name) })
		tx.Notify(notifyChannel, cacheKey(t.Account, t.Region, t.Name))
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(t, st.count, st.size, idx)
	d.TableStatus = ptr("DELETING")
	return &dynamodbapi.DeleteTableOutput{TableDescription: d}, nil
}

// DescribeLimits reports the account's capacity limits.
func (s *Service) DescribeLimits(ctx context.Context, in *dynamodbapi.DescribeLimitsInput) (*dynamodbapi.DescribeLimitsOutput, error) {
	return &dynamodbapi.DescribeLimitsOutput{
		AccountMaxReadCapacityUnits: ptr(int64(accountMaxRead)), AccountMaxWriteCapacityUnits: ptr(int64(accountMaxWrite)),
		TableMaxReadCapacityUnits: ptr(int64(tableMaxRead)), TableMaxWriteCapacityUnits: ptr(int64(tableMaxWrite)),
	}, nil
}

// DescribeEndpoints names the endpoint the client already uses.
func (s *Service) DescribeEndpoints(ctx context.Context, in *dynamodbapi.DescribeEndpointsRequest) (*dynamodbapi.DescribeEndpointsResponse, error) {
	ri := reqinfo.From(ctx)
	host := ri.Host
	if host == "" {
		host = "dynamodb." + ri.Region + ".amazonaws.com"
	}
	return &dynamodbapi.DescribeEndpointsResponse{Endpoints: []dynamodbapi.Endpoint{{Address: ptr(host), CachePeriodInMinutes: ptr(int64(1440))}}}, nil
}

func randomID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 2)
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
