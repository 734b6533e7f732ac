package apigateway

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Custom domain names and API mappings. Domain names are unique across
// accounts and regions (the data plane finds one by the request's Host
// alone); apigw_domains holds each as a DomainName document,
// apigw_mappings its API mappings. Changes notify notifyChannel with
// domainsNotice so every node reloads its domain table.

const domainsNotice = "domains"

// domainMigration is schema version 2.
const domainMigration = `
CREATE TABLE apigw_domains (
	domain  TEXT   NOT NULL PRIMARY KEY,
	account TEXT   NOT NULL,
	region  TEXT   NOT NULL,
	doc     TEXT   NOT NULL,
	created BIGINT NOT NULL
);
CREATE INDEX apigw_domains_owner ON apigw_domains (account, region, created);

CREATE TABLE apigw_mappings (
	domain     TEXT   NOT NULL,
	mapping_id TEXT   NOT NULL,
	api_id     TEXT   NOT NULL,
	doc        TEXT   NOT NULL,
	created    BIGINT NOT NULL,
	PRIMARY KEY (domain, mapping_id)
);
CREATE INDEX apigw_mappings_api ON apigw_mappings (api_id);
`

var domainNameRE = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// mappingKeyRE: one or more path segments of the characters AWS allows.
var mappingKeyRE = regexp.MustCompile(`^[a-zA-Z0-9$_.+!*'()-]+(/[a-zA-Z0-9$_.+!*'()-]+)*$`)

// regionalZones are the hosted zone ids of regional API Gateway domain
// names (Route 53 alias targets) as AWS documents them.
var regionalZones = map[string]string{
	"us-east-1": "Z1UJRXOUMOOFQ8", "us-east-2": "ZOJJZC49E0EPZ", "us-west-1": "Z2MUQ32089INYE", "us-west-2": "Z2OJLYMUO9EFXC",
	"eu-west-1": "ZLY8HYME6SFDD", "eu-west-2": "ZJ5UAJN8Y3Z2Q", "eu-central-1": "Z1U9ULNL0V5AJ3", "ap-northeast-1": "Z1YSHQZHG15GKL",
	"ap-southeast-1": "ZL327KTPIQFUL", "ap-southeast-2": "Z2RPCDW04V8134",
}

func domainNotFound() error { return notFound("Invalid domain name identifier specified") }

type domainRow struct {
	account, region string
	doc             api.DomainName
}

func loadDomain(ctx context.Context, q querier, name string) (*domainRow, error) {
	var r domainRow
	var doc string
	err := q.QueryRow(ctx, "SELECT account, region, doc FROM apigw_domains WHERE domain = ?", name).Scan(&r.account, &r.region, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, unmarshal(doc, &r.doc)
}

// ownedDomain loads a domain name of the caller's account and region.
func ownedDomain(ctx context.Context, q querier, name string) (*domainRow, error) {
	info := reqinfo.From(ctx)
	r, err := loadDomain(ctx, q, strings.ToLower(name))
	if err != nil {
		return nil, err
	}
	if r == nil || r.account != info.Account || r.region != info.Region {
		return nil, domainNotFound()
	}
	return r, nil
}

func putDomain(ctx context.Context, tx *store.Tx, account, region string, d *api.DomainName, created int64) error {
	b, err := jsonMarshal(d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO apigw_domains (domain, account, region, doc, created) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (domain) DO UPDATE SET doc = excluded.doc`, *d.DomainName, account, region, b, created)
	tx.Notify(notifyChannel, domainsNotice)
	return err
}

// domainConfigs validates and completes DomainNameConfigurations; old
// keeps the generated names of an update.
func domainConfigs(region string, in, old []api.DomainNameConfiguration) ([]api.DomainNameConfiguration, error) {
	if len(in) == 0 {
		return nil, badRequest("DomainNameConfigurations is a required parameter")
	}
	if len(in) > 1 {
		return nil, badRequest("Only one domain name configuration is supported")
	}
	c := in[0]
	if c.EndpointType == nil {
		c.EndpointType = ptr("REGIONAL")
	}
	if *c.EndpointType != "REGIONAL" {
		return nil, badRequest("Invalid endpoint type " + *c.EndpointType + ". Only REGIONAL is supported")
	}
	if c.CertificateArn == nil || *c.CertificateArn == "" {
		return nil, badRequest("CertificateArn is required for REGIONAL domain names")
	}
	if c.SecurityPolicy == nil {
		c.SecurityPolicy = ptr("TLS_1_2")
	}
	if p := *c.SecurityPolicy; p != "TLS_1_0" && p != "TLS_1_2" {
		return nil, badRequest("Invalid security policy " + p + ". Must be one of [TLS_1_0, TLS_1_2]")
	}
	if c.IpAddressType == nil {
		c.IpAddressType = ptr("ipv4")
	}
	if len(old) > 0 && old[0].ApiGatewayDomainName != nil {
		c.ApiGatewayDomainName = old[0].ApiGatewayDomainName
	} else {
		c.ApiGatewayDomainName = ptr("d-" + newID(10) + ".execute-api." + region + ".amazonaws.com")
	}
	zone := regionalZones[region]
	if zone == "" {
		zone = "Z1UJRXOUMOOFQ8"
	}
	c.HostedZoneId = &zone
	c.DomainNameStatus = ptr("AVAILABLE")
	c.DomainNameStatusMessage = nil
	return []api.DomainNameConfiguration{c}, nil
}

func mtls(in *api.MutualTlsAuthenticationInput) *api.MutualTlsAuthentication {
	if in == nil {
		return nil
	}
	return &api.MutualTlsAuthentication{TruststoreUri: in.TruststoreUri, TruststoreVersion: in.TruststoreVersion}
}

// CreateDomainName creates a regional custom domain name.
func (s *Service) CreateDomainName(ctx context.Context, in *api.CreateDomainNameRequest) (*api.CreateDomainNameResponse, error) {
	info := reqinfo.From(ctx)
	name := strings.ToLower(str(in.DomainName))
	if !domainNameRE.MatchString(name) || len(name) > 253 {
		return nil, badRequest("Invalid domain name: " + str(in.DomainName))
	}
	cfgs, err := domainConfigs(info.Region, in.DomainNameConfigurations, nil)
	if err != nil {
		return nil, err
	}
	d := api.DomainName{DomainName: &name, ApiMappingSelectionExpression: ptr("$request.basepath"), DomainNameConfigurations: cfgs,
		MutualTlsAuthentication: mtls(in.MutualTlsAuthentication), Tags: in.Tags}
	if d.Tags == nil {
		d.Tags = map[string]string{}
	}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		old, err := loadDomain(ctx, tx, name)
		if err != nil {
			return err
		}
		if old != nil {
			return conflict("The domain name you provided already exists.")
		}
		return putDomain(ctx, tx, info.Account, info.Region, &d, s.seq())
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateDomainNameResponse(d)
	return &out, nil
}

// GetDomainName describes a domain name.
func (s *Service) GetDomainName(ctx context.Context, in *api.GetDomainNameRequest) (*api.GetDomainNameResponse, error) {
	var out api.GetDomainNameResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		r, err := ownedDomain(ctx, tx, str(in.DomainName))
		if err != nil {
			return err
		}
		out = api.GetDomainNameResponse(r.doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetDomainNames lists the domain names of the account and region.
func (s *Service) GetDomainNames(ctx context.Context, in *api.GetDomainNamesRequest) (*api.GetDomainNamesResponse, error) {
	info := reqinfo.From(ctx)
	var all []api.DomainName
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT doc FROM apigw_domains WHERE account = ? AND region = ? ORDER BY created, domain", info.Account, info.Region)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			var d api.DomainName
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			if err := unmarshal(doc, &d); err != nil {
				return err
			}
			all = append(all, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetDomainNamesResponse{Items: items, NextToken: next}, nil
}

// UpdateDomainName replaces a domain name's configurations (and mutual
// TLS settings).
func (s *Service) UpdateDomainName(ctx context.Context, in *api.UpdateDomainNameRequest) (*api.UpdateDomainNameResponse, error) {
	var out api.UpdateDomainNameResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := ownedDomain(ctx, tx, str(in.DomainName))
		if err != nil {
			return err
		}
		if in.DomainNameConfigurations != nil {
			cur := r.doc.DomainNameConfigurations
			merged := in.DomainNameConfigurations
			if len(cur) > 0 && len(merged) == 1 {
				c := merged[0]
				if c.CertificateArn == nil {
					c.CertificateArn = cur[0].CertificateArn
				}
				if c.SecurityPolicy == nil {
					c.SecurityPolicy = cur[0].SecurityPolicy
				}
				if c.EndpointType == nil {
					c.EndpointType = cur[0].EndpointType
				}
				if c.IpAddressType == nil {
					c.IpAddressType = cur[0].IpAddressType
				}
				merged = []api.DomainNameConfiguration{c}
			}
			cfgs, err := domainConfigs(r.region, merged, cur)
			if err != nil {
				return err
			}
			r.doc.DomainNameConfigurations = cfgs
		}
		if in.MutualTlsAuthentication != nil {
			r.doc.MutualTlsAuthentication = mtls(in.MutualTlsAuthentication)
		}
		if err := putDomain(ctx, tx, r.account, r.region, &r.doc, 0); err != nil {
			return err
		}
		out = api.UpdateDomainNameResponse(r.doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDomainName deletes a domain name with its API mappings.
func (s *Service) DeleteDomainName(ctx context.Context, in *api.DeleteDomainNameRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		r, err := ownedDomain(ctx, tx, str(in.DomainName))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_mappings WHERE domain = ?", *r.doc.DomainName); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_domains WHERE domain = ?", *r.doc.DomainName); err != nil {
			return err
		}
		tx.Notify(notifyChannel, domainsNotice)
		return nil
	})
}

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func listMappings(ctx context.Context, q querier, domain string) ([]api.ApiMapping, error) {
	query := "SELECT domain, doc FROM apigw_mappings"
	var args []any
	if domain != "" {
		query += " WHERE domain = ?"
		args = append(args, domain)
	}
	rows, err := q.Query(ctx, query+" ORDER BY created, mapping_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.ApiMapping
	for rows.Next() {
		var d, doc string
		var m api.ApiMapping
		if err := rows.Scan(&d, &doc); err != nil {
			return nil, err
		}
		if err := unmarshal(doc, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func putMapping(ctx context.Context, tx *store.Tx, domain string, m *api.ApiMapping, created int64) error {
	b, err := jsonMarshal(m)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO apigw_mappings (domain, mapping_id, api_id, doc, created) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (domain, mapping_id) DO UPDATE SET doc = excluded.doc, api_id = excluded.api_id`, domain, *m.ApiMappingId, *m.ApiId, b, created)
	tx.Notify(notifyChannel, domainsNotice)
	return err
}

// checkMapping validates a mapping against its domain: the API and stage
// exist in the caller's account, the key is well formed and unused, and
// WebSocket APIs take single-level keys on domains of their own.
func (s *Service) checkMapping(ctx context.Context, tx *store.Tx, domain string, m *api.ApiMapping) error {
	key := str(m.ApiMappingKey)
	if key != "" && (!mappingKeyRE.MatchString(key) || len(key) > 1024) {
		return badRequest("Invalid API mapping key specified: " + key)
	}
	r, err := s.ownedAPI(ctx, tx, str(m.ApiId))
	if err != nil {
		return err
	}
	if _, _, err := s.stage(ctx, tx, *r.doc.ApiId, str(m.Stage)); err != nil {
		return err
	}
	ws := str(r.doc.ProtocolType) == protoWebSocket
	if ws && strings.Contains(key, "/") {
		return badRequest("Multi-level API mapping keys are not supported for WebSocket APIs")
	}
	all, err := listMappings(ctx, tx, domain)
	if err != nil {
		return err
	}
	for _, o := range all {
		if str(o.ApiMappingId) == str(m.ApiMappingId) {
			continue
		}
		if str(o.ApiMappingKey) == key {
			return conflict("ApiMapping with key '" + key + "' already exists for this domain name")
		}
		other, err := s.loadAPI(ctx, tx, str(o.ApiId))
		if err != nil {
			return err
		}
		if other != nil && (str(other.doc.ProtocolType) == protoWebSocket) != ws {
			return badRequest("WebSocket APIs and HTTP APIs cannot be mapped to the same domain name")
		}
	}
	return nil
}

// CreateApiMapping maps an API stage to a path of a domain name.
func (s *Service) CreateApiMapping(ctx context.Context, in *api.CreateApiMappingRequest) (*api.CreateApiMappingResponse, error) {
	m := api.ApiMapping{ApiMappingId: ptr(newID(6)), ApiId: in.ApiId, Stage: in.Stage, ApiMappingKey: ptr(strings.Trim(str(in.ApiMappingKey), "/"))}
	if m.ApiId == nil || m.Stage == nil {
		return nil, badRequest("ApiId and Stage are required parameters")
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		d, err := ownedDomain(ctx, tx, str(in.DomainName))
		if err != nil {
			return err
		}
		if err := s.checkMapping(ctx, tx, *d.doc.DomainName, &m); err != nil {
			return err
		}
		return putMapping(ctx, tx, *d.doc.DomainName, &m, s.seq())
	})
	if err != nil {
		return nil, err
	}
	out := api.CreateApiMappingResponse(m)
	return &out, nil
}

func (s *Service) mapping(ctx context.Context, tx *store.Tx, domain, id string) (*domainRow, *api.ApiMapping, error) {
	d, err := ownedDomain(ctx, tx, domain)
	if err != nil {
		return nil, nil, err
	}
	all, err := listMappings(ctx, tx, *d.doc.DomainName)
	if err != nil {
		return nil, nil, err
	}
	for i := range all {
		if str(all[i].ApiMappingId) == id {
			return d, &all[i], nil
		}
	}
	return nil, nil, notFound("Invalid API mapping identifier specified " + id)
}

// GetApiMapping describes an API mapping.
func (s *Service) GetApiMapping(ctx context.Context, in *api.GetApiMappingRequest) (*api.GetApiMappingResponse, error) {
	var out api.GetApiMappingResponse
	err := s.st.View(ctx, func(tx *store.Tx) error {
		_, m, err := s.mapping(ctx, tx, str(in.DomainName), str(in.ApiMappingId))
		if err != nil {
			return err
		}
		out = api.GetApiMappingResponse(*m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetApiMappings lists a domain name's API mappings.
func (s *Service) GetApiMappings(ctx context.Context, in *api.GetApiMappingsRequest) (*api.GetApiMappingsResponse, error) {
	var all []api.ApiMapping
	err := s.st.View(ctx, func(tx *store.Tx) error {
		d, err := ownedDomain(ctx, tx, str(in.DomainName))
		if err != nil {
			return err
		}
		all, err = listMappings(ctx, tx, *d.doc.DomainName)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &api.GetApiMappingsResponse{Items: items, NextToken: next}, nil
}

// UpdateApiMapping changes a mapping's API, stage or key.
func (s *Service) UpdateApiMapping(ctx context.Context, in *api.UpdateApiMappingRequest) (*api.UpdateApiMappingResponse, error) {
	var out api.UpdateApiMappingResponse
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		d, m, err := s.mapping(ctx, tx, str(in.DomainName), str(in.ApiMappingId))
		if err != nil {
			return err
		}
		set(&m.ApiId, in.ApiId)
		set(&m.Stage, in.Stage)
		if in.ApiMappingKey != nil {
			m.ApiMappingKey = ptr(strings.Trim(*in.ApiMappingKey, "/"))
		}
		if err := s.checkMapping(ctx, tx, *d.doc.DomainName, m); err != nil {
			return err
		}
		if err := putMapping(ctx, tx, *d.doc.DomainName, m, 0); err != nil {
			return err
		}
		out = api.UpdateApiMappingResponse(*m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApiMapping deletes an API mapping.
func (s *Service) DeleteApiMapping(ctx context.Context, in *api.DeleteApiMappingRequest) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		d, m, err := s.mapping(ctx, tx, str(in.DomainName), str(in.ApiMappingId))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM apigw_mappings WHERE domain = ? AND mapping_id = ?", *d.doc.DomainName, *m.ApiMappingId); err != nil {
			return err
		}
		tx.Notify(notifyChannel, domainsNotice)
		return nil
	})
}

// liveMapping is an API mapping ready for requests.
type liveMapping struct {
	segs         []string
	apiID, stage string
}

// domainCache holds every domain name's mappings (most specific first),
// loaded on first use and after every change.
type domainCache struct {
	mu     sync.Mutex
	loaded bool
	gen    uint64
	byName map[string][]liveMapping
}

func (c *domainCache) invalidate() {
	c.mu.Lock()
	c.loaded, c.byName = false, nil
	c.gen++
	c.mu.Unlock()
}

// lookup returns the mappings of a host name and whether it is a domain
// name.
func (s *Service) lookupDomain(ctx context.Context, host string) ([]liveMapping, bool, error) {
	c := &s.domains
	c.mu.Lock()
	if c.loaded {
		ms, ok := c.byName[host]
		c.mu.Unlock()
		return ms, ok, nil
	}
	gen := c.gen
	c.mu.Unlock()
	byName := map[string][]liveMapping{}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT domain FROM apigw_domains")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				return err
			}
			byName[d] = nil
		}
		if err := rows.Err(); err != nil {
			return err
		}
		mrows, err := tx.Query(ctx, "SELECT domain, doc FROM apigw_mappings")
		if err != nil {
			return err
		}
		defer mrows.Close()
		for mrows.Next() {
			var d, doc string
			var m api.ApiMapping
			if err := mrows.Scan(&d, &doc); err != nil {
				return err
			}
			if err := unmarshal(doc, &m); err != nil {
				return err
			}
			lm := liveMapping{apiID: str(m.ApiId), stage: str(m.Stage)}
			if k := str(m.ApiMappingKey); k != "" {
				lm.segs = strings.Split(k, "/")
			}
			byName[d] = append(byName[d], lm)
		}
		return mrows.Err()
	})
	if err != nil {
		return nil, false, err
	}
	for _, ms := range byName {
		sort.SliceStable(ms, func(i, j int) bool { return len(ms[i].segs) > len(ms[j].segs) })
	}
	c.mu.Lock()
	if c.gen == gen {
		c.loaded, c.byName = true, byName
	}
	c.mu.Unlock()
	ms, ok := byName[host]
	return ms, ok, nil
}

// serveDomain serves a request whose Host is a custom domain name: the
// API mapping with the longest key matching the first path segments
// (the empty key, else), its key removed from the path.
func (s *Service) serveDomain(w http.ResponseWriter, r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || !strings.Contains(host, ".") {
		return false
	}
	// AWS API calls signed for another service are never an API's.
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "AWS4-HMAC-SHA256") && !strings.Contains(a, "/execute-api/") {
		return false
	}
	mappings, ok, err := s.lookupDomain(r.Context(), host)
	if err != nil {
		s.log.Error("load domain names", "err", err)
		return false
	}
	if !ok {
		return false
	}
	escaped := r.URL.EscapedPath()
	var segs []string
	if p := strings.TrimPrefix(escaped, "/"); p != "" {
		segs = strings.Split(p, "/")
	}
	for _, m := range mappings {
		if len(m.segs) > len(segs) {
			continue
		}
		match := true
		for i, k := range m.segs {
			if unescape(segs[i]) != k {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		rest := "/" + strings.Join(segs[len(m.segs):], "/")
		a, err := s.live(r.Context(), m.apiID)
		if err != nil {
			s.log.Error("load API", "api", m.apiID, "err", err)
			writeMessage(w, newRequestID(), http.StatusInternalServerError, "Internal Server Error")
			return true
		}
		st := (*liveStage)(nil)
		if a != nil {
			st = a.stages[m.stage]
		}
		if st == nil {
			writeMessage(w, newRequestID(), http.StatusNotFound, "Not Found")
			return true
		}
		if str(a.doc.ProtocolType) == protoWebSocket {
			s.ws.serve(w, r, a, st, m.stage, r.Host)
			return true
		}
		s.serveHTTP(w, r, a, st, m.stage, rest, escaped, r.Host)
		return true
	}
	writeMessage(w, newRequestID(), http.StatusNotFound, "Not Found")
	return true
}
