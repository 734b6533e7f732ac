package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/store"
)

// notifyChannel carries "account/region/name" of a changed table to the
// other nodes sharing a PostgreSQL store.
const notifyChannel = "dynamodb_tables"

// keySchema names a table's or an index's key attributes and their types.
type keySchema struct {
	PK     string `json:"pk"`
	PKType string `json:"pkType"`
	SK     string `json:"sk,omitempty"`
	SKType string `json:"skType,omitempty"`
}

// indexMeta is a secondary index.
type indexMeta struct {
	Name       string                             `json:"name"`
	Local      bool                               `json:"local,omitempty"`
	Keys       keySchema                          `json:"keys"`
	KeySchema  []dynamodbapi.KeySchemaElement     `json:"keySchema"`
	Projection dynamodbapi.Projection             `json:"projection"`
	Throughput *dynamodbapi.ProvisionedThroughput `json:"throughput,omitempty"`
	OnDemand   *dynamodbapi.OnDemandThroughput    `json:"onDemand,omitempty"`
	Created    int64                              `json:"created"`
}

// streamMeta is one stream of a table (a table has a new stream, with a
// new label, each time its stream is enabled).
type streamMeta struct {
	Label    string `json:"label"`
	ViewType string `json:"viewType"`
	Enabled  bool   `json:"enabled"`
	Created  int64  `json:"created"`
	Disabled int64  `json:"disabled,omitempty"`
	// StartSeq is the table's stream counter value of the stream's first
	// record; EndSeq that of its last, once disabled.
	StartSeq int64 `json:"startSeq"`
	EndSeq   int64 `json:"endSeq,omitempty"`
}

// tableMeta is a table's definition, stored as JSON in ddb_tables.meta.
// A *tableMeta in the cache is never modified: changes store a copy.
type tableMeta struct {
	ID                 int64                              `json:"id"`
	Account            string                             `json:"account"`
	Region             string                             `json:"region"`
	Name               string                             `json:"name"`
	TableID            string                             `json:"tableId"`
	Created            int64                              `json:"created"`
	Keys               keySchema                          `json:"keys"`
	KeySchema          []dynamodbapi.KeySchemaElement     `json:"keySchema"`
	AttrDefs           []dynamodbapi.AttributeDefinition  `json:"attrDefs"`
	GSIs               []*indexMeta                       `json:"gsis,omitempty"`
	LSIs               []*indexMeta                       `json:"lsis,omitempty"`
	Billing            string                             `json:"billing"`
	BillingChanged     int64                              `json:"billingChanged,omitempty"`
	Throughput         *dynamodbapi.ProvisionedThroughput `json:"throughput,omitempty"`
	OnDemand           *dynamodbapi.OnDemandThroughput    `json:"onDemand,omitempty"`
	Streams            []streamMeta                       `json:"streams,omitempty"`
	TTLAttr            string                             `json:"ttlAttr,omitempty"`
	Tags               []dynamodbapi.Tag                  `json:"tags,omitempty"`
	DeletionProtection bool                               `json:"deletionProtection,omitempty"`
	TableClass         string                             `json:"tableClass,omitempty"`
	SSE                *dynamodbapi.SSESpecification      `json:"sse,omitempty"`
	ResourcePolicy     string                             `json:"resourcePolicy,omitempty"`
	// Gen is the ddb_tables.gen the definition was read at (see
	// tablegen.go); stored in its own column, not in the JSON.
	Gen int64 `json:"-"`
}

func (t *tableMeta) arn() string {
	return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", t.Region, t.Account, t.Name)
}

// stream returns the table's enabled stream, or nil.
func (t *tableMeta) stream() *streamMeta {
	if n := len(t.Streams); n > 0 && t.Streams[n-1].Enabled {
		return &t.Streams[n-1]
	}
	return nil
}

// index returns the secondary index called name, or nil.
func (t *tableMeta) index(name string) *indexMeta {
	for _, ix := range t.GSIs {
		if ix.Name == name {
			return ix
		}
	}
	for _, ix := range t.LSIs {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// indexes returns the GSIs and then the LSIs.
// Callers only read the result: it may be one of t's own slices (no
// allocation on the write path for tables with one kind of index or none).
func (t *tableMeta) indexes() []*indexMeta {
	switch {
	case len(t.LSIs) == 0:
		return t.GSIs
	case len(t.GSIs) == 0:
		return t.LSIs
	}
	out := make([]*indexMeta, 0, len(t.GSIs)+len(t.LSIs))
	out = append(out, t.GSIs...)
	return append(out, t.LSIs...)
}

// clone copies t deeply enough for a change to be made on the copy.
func (t *tableMeta) clone() *tableMeta {
	b, _ := json.Marshal(t)
	c := tableMeta{Gen: t.Gen}
	json.Unmarshal(b, &c)
	return &c
}

// tableCache holds the table definitions by account/region/name.
type tableCache struct {
	mu sync.RWMutex
	m  map[string]*tableMeta
}

func newTableCache() *tableCache { return &tableCache{m: map[string]*tableMeta{}} }

func cacheKey(account, region, name string) string { return account + "/" + region + "/" + name }

func (c *tableCache) get(account, region, name string) *tableMeta {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[cacheKey(account, region, name)]
}

// put caches t unless the cache holds a later definition of the same
// table (the callbacks of two commits can run in either order).
func (c *tableCache) put(t *tableMeta) {
	k := cacheKey(t.Account, t.Region, t.Name)
	c.mu.Lock()
	if old := c.m[k]; old == nil || old.ID != t.ID || old.Gen <= t.Gen {
		c.m[k] = t
	}
	c.mu.Unlock()
}

func (c *tableCache) remove(account, region, name string) {
	c.mu.Lock()
	delete(c.m, cacheKey(account, region, name))
	c.mu.Unlock()
}

func (c *tableCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// list returns the tables of account and region.
func (c *tableCache) list(account, region string) []*tableMeta {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*tableMeta
	for _, t := range c.m {
		if t.Account == account && t.Region == region {
			out = append(out, t)
		}
	}
	return out
}

func (s *Service) loadTables(ctx context.Context) error {
	return s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT meta, gen FROM ddb_tables")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var meta string
			var t tableMeta
			if err := rows.Scan(&meta, &t.Gen); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(meta), &t); err != nil {
				return fmt.Errorf("table definition: %w", err)
			}
			s.saved(tx, &t)
			s.tables.put(&t)
		}
		return rows.Err()
	})
}

// onNotify reloads a table another node changed ("" reloads them all).
func (s *Service) onNotify(payload string) {
	ctx := context.Background()
	if payload == "" {
		s.loadTables(ctx)
		return
	}
	parts := strings.SplitN(payload, "/", 3)
	if len(parts) != 3 {
		return
	}
	s.reloadTable(ctx, parts[0], parts[1], parts[2])
}

func (s *Service) reloadTable(ctx context.Context, account, region, name string) {
	var meta string
	var t tableMeta
	err := s.st.QueryRow(ctx, "SELECT meta, gen FROM ddb_tables WHERE account = ? AND region = ? AND name = ?", account, region, name).Scan(&meta, &t.Gen)
	if err != nil {
		s.tables.remove(account, region, name)
		return
	}
	if json.Unmarshal([]byte(meta), &t) == nil {
		s.tables.put(&t)
	}
}

// saveTable stores t's definition in tx and updates the cache (here after
// the commit, on other nodes through a notification).
//
// t is a changed copy of the definition at generation t.Gen: if the table
// has changed since (a concurrent change committed first), nothing is
// saved and the error is *tableChanged, for retryTableChange.
func (s *Service) saveTable(ctx context.Context, tx *store.Tx, t *tableMeta) error {
	if err := s.lockTable(ctx, tx, t); err != nil {
		return err
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, "UPDATE ddb_tables SET meta = ?, gen = gen + 1 WHERE id = ? AND gen = ?", string(b), t.ID, t.Gen)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return &tableChanged{account: t.Account, region: t.Region, name: t.Name}
	}
	t.Gen++
	s.saved(tx, t)
	s.changed(tx, t)
	return nil
}

// changed publishes a table change after the commit.
func (s *Service) changed(tx *store.Tx, t *tableMeta) {
	tx.AfterCommit(func() { s.tables.put(t) })
	tx.Notify(notifyChannel, cacheKey(t.Account, t.Region, t.Name))
}

// tableName resolves a TableName parameter, which may be a table ARN.
func tableName(ctx context.Context, name *string) (account, region, table string) {
	ri := reqinfo.From(ctx)
	account, region, table = ri.Account, ri.Region, deref(name)
	if strings.HasPrefix(table, "arn:") {
		// arn:aws:dynamodb:REGION:ACCOUNT:table/NAME
		parts := strings.SplitN(table, ":", 6)
		if len(parts) == 6 && strings.HasPrefix(parts[5], "table/") {
			region, account = parts[3], parts[4]
			table = strings.TrimPrefix(parts[5], "table/")
			if i := strings.IndexByte(table, '/'); i >= 0 {
				table = table[:i]
			}
		}
	}
	return account, region, table
}

// table returns the table a request names, or ResourceNotFoundException
// with the item operations' text.
func (s *Service) table(ctx context.Context, name *string) (*tableMeta, error) {
	t, _, err := s.lookup(ctx, name)
	if err == nil && t == nil {
		err = errResourceNotFound()
	}
	return t, err
}

// lookup returns the table a TableName parameter names (nil if there is
// none) and its name, or AccessDeniedException for a table of another
// account named by its ARN.
func (s *Service) lookup(ctx context.Context, name *string) (*tableMeta, string, error) {
	account, region, n := tableName(ctx, name)
	t := s.tables.get(account, region, n)
	if err := crossAccount(ctx, t, account, "arn:aws:dynamodb:"+region+":"+account+":table/"+n); err != nil {
		return nil, n, err
	}
	return t, n, nil
}

// crossAccount refuses a request of one account for a resource of another
// (account), as AWS does unless the table's resource-based policy allows
// it. hako stores policies without evaluating them, so a table with a
// policy is open to every account; without one the answer is AWS's
// AccessDeniedException, whether or not the table exists.
func crossAccount(ctx context.Context, t *tableMeta, account, resource string) error {
	ri := reqinfo.From(ctx)
	if account == ri.Account || (t != nil && t.ResourcePolicy != "") {
		return nil
	}
	action := "dynamodb:" + ri.Operation
	return apiErr("AccessDeniedException", "User: arn:aws:iam::"+ri.Account+":root is not authorized to perform: "+action+
		" on resource: "+resource+" because no resource-based policy allows the "+action+" action")
}

// partitionHash is the h column: a 32-bit hash of the partition key.
func partitionHash(pk []byte) int64 {
	h := fnv.New32a()
	h.Write(pk)
	return int64(h.Sum32())
}

// itemKey is an item's primary key in storage form.
type itemKey struct {
	h      int64
	pk, sk []byte
}

// keyOf extracts the primary key of item under ks (a table's or an
// index's key schema); ok is false when an attribute is missing or has
// another type.
func keyOf(ks keySchema, item attr.Item) (k itemKey, ok bool) {
	pv, found := item[ks.PK]
	if !found || attr.Type(&pv) != ks.PKType {
		return k, false
	}
	k.pk = attr.KeyBytes(&pv)
	k.h = partitionHash(k.pk)
	k.sk = []byte{}
	if ks.SK != "" {
		sv, found := item[ks.SK]
		if !found || attr.Type(&sv) != ks.SKType {
			return k, false
		}
		k.sk = attr.KeyBytes(&sv)
	}
	return k, true
}

// nonNil turns the nil a driver scans from an empty BLOB back into the
// empty key part it was written as (NULL never matches in SQL).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
