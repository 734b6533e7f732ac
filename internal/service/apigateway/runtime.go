package apigateway

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
	"github.com/hako-dev/hako/internal/store"
)

// liveAPI is what the data plane serves of an API: the API and its stages
// with their deployed snapshots, compiled for matching. Cached until the
// API changes (store notification on notifyChannel).
type liveAPI struct {
	id, account, region string
	doc                 apiDoc
	stages              map[string]*liveStage
}

// liveStage is a stage and the deployment it serves (dep nil: none).
type liveStage struct {
	doc stageDoc
	dep *compiled
}

// compiled is a deployment's snapshot ready for requests.
type compiled struct {
	api            apiDoc
	routes         []*liveRoute // HTTP: most specific first
	byKey          map[string]*liveRoute
	routeResponses map[string][]api.RouteResponse
	integResponses map[string][]api.IntegrationResponse
}

// liveRoute is a route with its integration and authorizer.
type liveRoute struct {
	route api.Route
	key   *routeKey
	integ *api.Integration
	auth  *api.Authorizer
}

// apiCache holds the liveAPIs of this node.
type apiCache struct {
	mu   sync.Mutex
	apis map[string]*liveAPI
	gen  uint64 // bumped by every invalidation
}

func (c *apiCache) invalidate(apiID string) {
	c.mu.Lock()
	if apiID == "" {
		clear(c.apis)
	} else {
		delete(c.apis, apiID)
	}
	c.gen++
	c.mu.Unlock()
}

// live returns the data-plane view of an API, nil if there is none.
func (s *Service) live(ctx context.Context, apiID string) (*liveAPI, error) {
	c := &s.cache
	c.mu.Lock()
	if a := c.apis[apiID]; a != nil {
		c.mu.Unlock()
		return a, nil
	}
	gen := c.gen
	c.mu.Unlock()
	var a *liveAPI
	err := s.st.View(ctx, func(tx *store.Tx) error {
		r, err := s.loadAPI(ctx, tx, apiID)
		if err != nil || r == nil {
			return err
		}
		a = &liveAPI{id: apiID, account: r.account, region: r.region, doc: r.doc, stages: map[string]*liveStage{}}
		stages, err := listItems[stageDoc](ctx, tx, apiID, kindStage, "")
		if err != nil {
			return err
		}
		for _, st := range stages {
			ls := &liveStage{doc: st}
			if st.DeploymentId != nil {
				var snap snapshot
				ok, err := getItem(ctx, tx, apiID, kindSnapshot, *st.DeploymentId, &snap)
				if err != nil {
					return err
				}
				if ok {
					ls.dep = compile(&snap)
				}
			}
			a.stages[*st.StageName] = ls
		}
		return nil
	})
	if err != nil || a == nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.apis == nil {
			c.apis = map[string]*liveAPI{}
		}
		c.apis[apiID] = a
	}
	c.mu.Unlock()
	return a, nil
}

func compile(snap *snapshot) *compiled {
	c := &compiled{api: snap.API, byKey: map[string]*liveRoute{}, routeResponses: snap.RouteResponses, integResponses: snap.IntegResponses}
	integs := map[string]*api.Integration{}
	for i := range snap.Integrations {
		integs[*snap.Integrations[i].IntegrationId] = &snap.Integrations[i]
	}
	auths := map[string]*api.Authorizer{}
	for i := range snap.Authorizers {
		auths[*snap.Authorizers[i].AuthorizerId] = &snap.Authorizers[i]
	}
	proto := str(snap.API.ProtocolType)
	for _, rt := range snap.Routes {
		k, err := parseRouteKey(proto, str(rt.RouteKey))
		if err != nil {
			continue
		}
		lr := &liveRoute{route: rt, key: k, integ: integs[integrationOfTarget(str(rt.Target))]}
		if rt.AuthorizerId != nil {
			lr.auth = auths[*rt.AuthorizerId]
		}
		c.byKey[str(rt.RouteKey)] = lr
		if str(rt.RouteKey) != "$default" {
			c.routes = append(c.routes, lr)
		}
	}
	sort.SliceStable(c.routes, func(i, j int) bool { return moreSpecific(c.routes[i].key, c.routes[j].key) })
	return c
}

// segRank orders path segments: literal, then {param}, then {proxy+}.
func segRank(seg string) int {
	switch {
	case strings.HasSuffix(seg, "+}"):
		return 2
	case strings.HasPrefix(seg, "{"):
		return 1
	}
	return 0
}

// moreSpecific reports whether a wins over b when both match a request:
// segment by segment a literal beats a parameter beats a greedy tail; a
// longer path beats its greedy prefix; then a method beats ANY.
func moreSpecific(a, b *routeKey) bool {
	for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
		ra, rb := segRank(a.segs[i]), segRank(b.segs[i])
		if ra != rb {
			return ra < rb
		}
	}
	if len(a.segs) != len(b.segs) {
		// the longer one has more fixed structure unless it ends greedy
		return len(a.segs) > len(b.segs)
	}
	return a.method != "ANY" && b.method == "ANY"
}

// matchHTTP finds the route of a request (path without the stage) and its
// path parameters; the $default route when no other matches.
func (c *compiled) matchHTTP(method, path string) (*liveRoute, map[string]string) {
	path = strings.TrimPrefix(path, "/")
	if len(path) > 0 && strings.HasSuffix(path, "/") {
		path = path[:len(path)-1]
	}
	var segs []string
	if path != "" {
		segs = strings.Split(path, "/")
	}
	for _, lr := range c.routes {
		if lr.key.method != "ANY" && lr.key.method != method {
			continue
		}
		if params, ok := matchSegs(lr.key.segs, segs); ok {
			return lr, params
		}
	}
	if lr := c.byKey["$default"]; lr != nil {
		return lr, nil
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	var params map[string]string
	for i, p := range pattern {
		if strings.HasSuffix(p, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-2]] = unescape(strings.Join(segs[i:], "/"))
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = unescape(segs[i])
			continue
		}
		if p != unescape(segs[i]) {
			return nil, false
		}
	}
	return params, len(pattern) == len(segs)
}

func unmarshal(doc string, v any) error { return json.Unmarshal([]byte(doc), v) }
