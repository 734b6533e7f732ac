package lambda

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/url"
	"sort"
	"strings"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/store"
)

// urlConfig is a function URL's configuration, stored per qualifier.
type urlConfig struct {
	URLID        string          `json:"urlId"`
	AuthType     string          `json:"authType"`
	InvokeMode   string          `json:"invokeMode"`
	Cors         *lambdaapi.Cors `json:"cors,omitempty"`
	CreationTime string          `json:"creationTime"`
	LastModified string          `json:"lastModified"`
}

// URLTarget is what a function URL invokes.
type URLTarget struct {
	Account, Region, Function, Qualifier string
	AuthType                             string
	Cors                                 *lambdaapi.Cors
	InvokeMode                           string
}

func newURLID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// functionURL is the URL clients call: hako serves any Host of the form
// ID.lambda-url.REGION.localhost on its own port.
func (s *Service) functionURL(id, region string) string {
	port := "4566"
	if s.cfg.Endpoint != nil {
		if u, err := url.Parse(s.cfg.Endpoint()); err == nil && u.Port() != "" {
			port = u.Port()
		}
	}
	return "http://" + id + ".lambda-url." + region + ".localhost:" + port + "/"
}

func urlQualifier(ref fnRef) (string, error) {
	if isVersion(ref.qualifier) {
		return "", invalidParam("1 validation error detected: Value '" + ref.qualifier + "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)")
	}
	if ref.qualifier == latest {
		return "", nil
	}
	return ref.qualifier, nil
}

func (s *Service) urlOut(ref fnRef, q string, c *urlConfig) *lambdaapi.FunctionUrlConfig {
	arn := ref.arn()
	if q != "" {
		arn += ":" + q
	}
	return &lambdaapi.FunctionUrlConfig{
		AuthType: ptr(c.AuthType), Cors: c.Cors, CreationTime: ptr(c.CreationTime), FunctionArn: ptr(arn),
		FunctionUrl: ptr(s.functionURL(c.URLID, ref.region)), InvokeMode: ptr(c.InvokeMode), LastModifiedTime: ptr(c.LastModified),
	}
}

func isoNow(s *Service) string { return s.now().UTC().Format("2006-01-02T15:04:05.000000Z") }

// CreateFunctionUrlConfig gives a function (or an alias) a URL.
func (s *Service) CreateFunctionUrlConfig(ctx context.Context, in *lambdaapi.CreateFunctionUrlConfigRequest) (*lambdaapi.CreateFunctionUrlConfigResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	q, err := urlQualifier(ref)
	if err != nil {
		return nil, err
	}
	var out *lambdaapi.FunctionUrlConfig
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := s.checkQualifier(ctx, tx, ref); err != nil {
			return err
		}
		if row.urlCfg[q] != nil {
			arn := ref.arn()
			if q != "" {
				arn += ":" + q
			}
			return conflict("Failed to create function url config for [functionArn = " + arn + "]. Error message:  FunctionUrlConfig exists for this Lambda function")
		}
		now := isoNow(s)
		c := &urlConfig{URLID: newURLID(), AuthType: deref(in.AuthType), InvokeMode: deref(in.InvokeMode), Cors: in.Cors, CreationTime: now, LastModified: now}
		if c.InvokeMode == "" {
			c.InvokeMode = "BUFFERED"
		}
		row.urlCfg[q] = c
		if _, err := tx.Exec(ctx, "INSERT INTO lambda_urls (url_id, account, region, name, qualifier) VALUES (?, ?, ?, ?, ?)",
			c.URLID, ref.account, ref.region, ref.name, q); err != nil {
			return err
		}
		out = s.urlOut(ref, q, c)
		return saveFn(ctx, tx, row, false)
	})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.CreateFunctionUrlConfigResponse{AuthType: out.AuthType, Cors: out.Cors, CreationTime: out.CreationTime,
		FunctionArn: out.FunctionArn, FunctionUrl: out.FunctionUrl, InvokeMode: out.InvokeMode}, nil
}

func urlNotFound() error { return notFound("The resource you requested does not exist.") }

// GetFunctionUrlConfig returns a function URL's configuration.
func (s *Service) GetFunctionUrlConfig(ctx context.Context, in *lambdaapi.GetFunctionUrlConfigRequest) (*lambdaapi.GetFunctionUrlConfigResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	q, err := urlQualifier(ref)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	c := row.urlCfg[q]
	if c == nil {
		return nil, urlNotFound()
	}
	o := s.urlOut(ref, q, c)
	return &lambdaapi.GetFunctionUrlConfigResponse{AuthType: o.AuthType, Cors: o.Cors, CreationTime: o.CreationTime, FunctionArn: o.FunctionArn,
		FunctionUrl: o.FunctionUrl, InvokeMode: o.InvokeMode, LastModifiedTime: o.LastModifiedTime}, nil
}

// UpdateFunctionUrlConfig changes a function URL's settings.
func (s *Service) UpdateFunctionUrlConfig(ctx context.Context, in *lambdaapi.UpdateFunctionUrlConfigRequest) (*lambdaapi.UpdateFunctionUrlConfigResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	q, err := urlQualifier(ref)
	if err != nil {
		return nil, err
	}
	var o *lambdaapi.FunctionUrlConfig
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		c := row.urlCfg[q]
		if c == nil {
			return urlNotFound()
		}
		if in.AuthType != nil {
			c.AuthType = *in.AuthType
		}
		if in.InvokeMode != nil {
			c.InvokeMode = *in.InvokeMode
		}
		if in.Cors != nil {
			c.Cors = in.Cors
		}
		c.LastModified = isoNow(s)
		o = s.urlOut(ref, q, c)
		return saveFn(ctx, tx, row, false)
	})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.UpdateFunctionUrlConfigResponse{AuthType: o.AuthType, Cors: o.Cors, CreationTime: o.CreationTime, FunctionArn: o.FunctionArn,
		FunctionUrl: o.FunctionUrl, InvokeMode: o.InvokeMode, LastModifiedTime: o.LastModifiedTime}, nil
}

// DeleteFunctionUrlConfig removes a function URL.
func (s *Service) DeleteFunctionUrlConfig(ctx context.Context, in *lambdaapi.DeleteFunctionUrlConfigRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return err
	}
	q, err := urlQualifier(ref)
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		c := row.urlCfg[q]
		if c == nil {
			return urlNotFound()
		}
		delete(row.urlCfg, q)
		if _, err := tx.Exec(ctx, "DELETE FROM lambda_urls WHERE url_id = ?", c.URLID); err != nil {
			return err
		}
		return saveFn(ctx, tx, row, false)
	})
}

// ListFunctionUrlConfigs lists a function's URLs.
func (s *Service) ListFunctionUrlConfigs(ctx context.Context, in *lambdaapi.ListFunctionUrlConfigsRequest) (*lambdaapi.ListFunctionUrlConfigsResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	qs := make([]string, 0, len(row.urlCfg))
	for q := range row.urlCfg {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	out := &lambdaapi.ListFunctionUrlConfigsResponse{FunctionUrlConfigs: []lambdaapi.FunctionUrlConfig{}}
	start, end, next := page(len(qs), in.Marker, in.MaxItems)
	for _, q := range qs[start:end] {
		out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, *s.urlOut(ref, q, row.urlCfg[q]))
	}
	out.NextMarker = next
	return out, nil
}

// LookupURL finds the function a URL id belongs to.
func (s *Service) LookupURL(ctx context.Context, id string) (*URLTarget, error) {
	id = strings.ToLower(id)
	s.cacheMu.Lock()
	if t := s.urlCache[id]; t != nil {
		s.cacheMu.Unlock()
		return t, nil
	}
	gen := s.cacheGen
	s.cacheMu.Unlock()
	var t URLTarget
	err := s.st.View(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, "SELECT account, region, name, qualifier FROM lambda_urls WHERE url_id = ?", id).
			Scan(&t.Account, &t.Region, &t.Function, &t.Qualifier)
		if errors.Is(err, sql.ErrNoRows) {
			return urlNotFound()
		}
		if err != nil {
			return err
		}
		row, ok, err := loadFn(ctx, tx, fnRef{account: t.Account, region: t.Region, name: t.Function})
		if err != nil {
			return err
		}
		if !ok || row.urlCfg[t.Qualifier] == nil {
			return urlNotFound()
		}
		c := row.urlCfg[t.Qualifier]
		t.AuthType, t.Cors, t.InvokeMode = c.AuthType, c.Cors, c.InvokeMode
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.cacheMu.Lock()
	// Any function change since the read above may have changed the URL.
	if gen == s.cacheGen {
		s.urlCache[id] = &t
	}
	s.cacheMu.Unlock()
	return &t, nil
}
