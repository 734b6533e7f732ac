package apigateway

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"

	"github.com/hako-dev/hako/internal/store"
)

// migrations is the schema of the service. Every control-plane resource is
// a JSON document of its model shape: APIs in apigw_apis (API ids are
// unique across accounts, as on AWS, so the data plane finds an API by id
// alone), everything that belongs to an API in apigw_items under (api_id,
// kind, item_id); parent is the route or integration of a route or
// integration response. A deployment's snapshot of the API is the item of
// kind "snapshot" with the deployment's id. apigw_connections registers
// the open WebSocket connections with the node that holds them.
var migrations = []store.Migration{{Version: 1, SQL: `
CREATE TABLE apigw_apis (
	api_id  TEXT   NOT NULL PRIMARY KEY,
	account TEXT   NOT NULL,
	region  TEXT   NOT NULL,
	doc     TEXT   NOT NULL,
	created BIGINT NOT NULL
);
CREATE INDEX apigw_apis_owner ON apigw_apis (account, region, created);

CREATE TABLE apigw_items (
	api_id  TEXT   NOT NULL,
	kind    TEXT   NOT NULL,
	item_id TEXT   NOT NULL,
	parent  TEXT   NOT NULL,
	doc     TEXT   NOT NULL,
	created BIGINT NOT NULL,
	PRIMARY KEY (api_id, kind, item_id)
);

CREATE TABLE apigw_connections (
	conn_id      TEXT   NOT NULL PRIMARY KEY,
	api_id       TEXT   NOT NULL,
	stage        TEXT   NOT NULL,
	node         TEXT   NOT NULL,
	endpoint     TEXT   NOT NULL,
	connected_at BIGINT NOT NULL,
	source_ip    TEXT   NOT NULL,
	user_agent   TEXT   NOT NULL
);
CREATE INDEX apigw_connections_node ON apigw_connections (node);
`}, {Version: 2, SQL: domainMigration}}

// Item kinds of apigw_items.
const (
	kindRoute         = "route"
	kindRouteResponse = "routeresponse"
	kindIntegration   = "integration"
	kindIntegResponse = "integresponse"
	kindStage         = "stage"
	kindDeployment    = "deployment"
	kindSnapshot      = "snapshot"
	kindAuthorizer    = "authorizer"
	kindModel         = "model"
)

// notifyChannel carries "api id" notifications: the API's configuration
// changed, drop it from the data-plane cache.
const notifyChannel = "hako_apigw"

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns n random lowercase alphanumerics, the form of AWS's ids.
func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// apiRow is an API with its owner.
type apiRow struct {
	account, region string
	doc             apiDoc
}

func (s *Service) loadAPI(ctx context.Context, q querier, apiID string) (*apiRow, error) {
	var r apiRow
	var doc string
	err := q.QueryRow(ctx, "SELECT account, region, doc FROM apigw_apis WHERE api_id = ?", apiID).Scan(&r.account, &r.region, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &r.doc); err != nil {
		return nil, err
	}
	return &r, nil
}

// querier is what reads need of a store.Tx.
type querier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func putAPI(ctx context.Context, tx *store.Tx, account, region string, a *apiDoc, created int64) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO apigw_apis (api_id, account, region, doc, created) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (api_id) DO UPDATE SET doc = excluded.doc`, *a.ApiId, account, region, string(b), created)
	tx.Notify(notifyChannel, *a.ApiId)
	return err
}

// getItem reads one item into v; found is false when it does not exist.
func getItem(ctx context.Context, q querier, apiID, kind, id string, v any) (found bool, err error) {
	var doc string
	err = q.QueryRow(ctx, "SELECT doc FROM apigw_items WHERE api_id = ? AND kind = ? AND item_id = ?", apiID, kind, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal([]byte(doc), v)
}

// putItem writes an item and tells the data-plane caches.
// item loads the item id of kind, or returns missing when there is none.
func item[T any](ctx context.Context, q querier, apiID, kind, id string, missing error) (*T, error) {
	var v T
	ok, err := getItem(ctx, q, apiID, kind, id, &v)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, missing
	}
	return &v, nil
}

func putItem(ctx context.Context, tx *store.Tx, apiID, kind, id, parent string, v any, created int64) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO apigw_items (api_id, kind, item_id, parent, doc, created) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (api_id, kind, item_id) DO UPDATE SET doc = excluded.doc`, apiID, kind, id, parent, string(b), created)
	tx.Notify(notifyChannel, apiID)
	return err
}

func deleteItem(ctx context.Context, tx *store.Tx, apiID, kind, id string) error {
	_, err := tx.Exec(ctx, "DELETE FROM apigw_items WHERE api_id = ? AND kind = ? AND item_id = ?", apiID, kind, id)
	tx.Notify(notifyChannel, apiID)
	return err
}

// listItems returns the documents of kind (under parent when not "") in
// listPage reads, in one View, the items of one kind (under parent) of API
// apiID once check (the lookup of the API or of the parent) passes, and
// returns the page maxResults and nextToken ask for.
func listPage[T any](ctx context.Context, s *Service, check func(tx *store.Tx) error, apiID, kind, parent string, maxResults, nextToken *string) ([]T, *string, error) {
	var all []T
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		var err error
		all, err = listItems[T](ctx, tx, apiID, kind, parent)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return page(all, maxResults, nextToken)
}

// creation order.
func listItems[T any](ctx context.Context, q querier, apiID, kind, parent string) ([]T, error) {
	query := "SELECT doc, created FROM apigw_items WHERE api_id = ? AND kind = ?"
	args := []any{apiID, kind}
	if parent != "" {
		query += " AND parent = ?"
		args = append(args, parent)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		v       T
		created int64
	}
	var all []row
	for rows.Next() {
		var doc string
		var r row
		if err := rows.Scan(&doc, &r.created); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &r.v); err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].created < all[j].created })
	out := make([]T, len(all))
	for i, r := range all {
		out[i] = r.v
	}
	return out, nil
}
