package apigateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/hako-dev/hako/internal/clock"
	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

// JWT authorizers: the token of the identity source (a "Bearer " prefix
// is removed) must be a JWS signed with a key of the issuer's JWKS (from
// the issuer's /.well-known/openid-configuration jwks_uri), with iss equal
// to the issuer, aud (or client_id) one of the audiences, and exp, nbf and
// iat valid; a route's AuthorizationScopes need one of them in the scope
// or scp claim.

// jwksTTL is how long an issuer's keys are kept; an unknown kid refetches
// them at most every jwksRefetch.
const (
	jwksTTL     = time.Hour
	jwksRefetch = 10 * time.Second
)

var jwtAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA}

type jwksCache struct {
	clk    clock.Clock
	client *http.Client
	mu     sync.Mutex
	sets   map[string]*jwksEntry
}

type jwksEntry struct {
	keys    *jose.JSONWebKeySet
	fetched time.Time
}

func newJWKSCache(clk clock.Clock) *jwksCache {
	return &jwksCache{clk: clk, client: &http.Client{Timeout: 5 * time.Second}, sets: map[string]*jwksEntry{}}
}

// key returns the issuer's key kid, fetching the JWKS when needed.
func (c *jwksCache) key(ctx context.Context, issuer, kid string) (*jose.JSONWebKey, error) {
	c.mu.Lock()
	e := c.sets[issuer]
	c.mu.Unlock()
	now := c.clk.Now()
	if e != nil && now.Sub(e.fetched) < jwksTTL {
		if k := pick(e.keys, kid); k != nil {
			return k, nil
		}
		if now.Sub(e.fetched) < jwksRefetch {
			return nil, errors.New("no key " + kid + " in the issuer's JWKS")
		}
	}
	keys, err := c.fetch(ctx, issuer)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.sets[issuer] = &jwksEntry{keys: keys, fetched: now}
	c.mu.Unlock()
	if k := pick(keys, kid); k != nil {
		return k, nil
	}
	return nil, errors.New("no key " + kid + " in the issuer's JWKS")
}

func pick(set *jose.JSONWebKeySet, kid string) *jose.JSONWebKey {
	if kid == "" {
		if len(set.Keys) == 1 {
			return &set.Keys[0]
		}
		return nil
	}
	if ks := set.Key(kid); len(ks) > 0 {
		return &ks[0]
	}
	return nil
}

func (c *jwksCache) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (c *jwksCache) fetch(ctx context.Context, issuer string) (*jose.JSONWebKeySet, error) {
	var conf struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := c.getJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &conf); err != nil {
		return nil, err
	}
	if conf.JWKSURI == "" {
		return nil, errors.New("the issuer's OpenID configuration has no jwks_uri")
	}
	var set jose.JSONWebKeySet
	if err := c.getJSON(ctx, conf.JWKSURI, &set); err != nil {
		return nil, err
	}
	return &set, nil
}

// jwtError is a token AWS rejects: 401 with a WWW-Authenticate header.
type jwtError struct{ desc string }

func (e *jwtError) Error() string { return e.desc }

// verifyJWT checks a token for an authorizer and returns its claims.
func (s *Service) verifyJWT(ctx context.Context, au *api.Authorizer, token string) (map[string]any, error) {
	tok, err := jwt.ParseSigned(token, jwtAlgs)
	if err != nil || len(tok.Headers) == 0 {
		return nil, &jwtError{"the token is not a valid JWT"}
	}
	issuer := str(au.JwtConfiguration.Issuer)
	key, err := s.jwks.key(ctx, issuer, tok.Headers[0].KeyID)
	if err != nil {
		s.log.Warn("JWT authorizer: keys", "issuer", issuer, "err", err)
		return nil, &jwtError{"signing key not found"}
	}
	var std jwt.Claims
	var all map[string]any
	if err := tok.Claims(key.Key, &std, &all); err != nil {
		return nil, &jwtError{"signature is invalid"}
	}
	if std.Issuer != issuer {
		return nil, &jwtError{"the token has an invalid issuer"}
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Time: s.clk.Now()}, 0); err != nil {
		if errors.Is(err, jwt.ErrExpired) {
			return nil, &jwtError{"the token has expired"}
		}
		return nil, &jwtError{"the token is not valid yet"}
	}
	if len(au.JwtConfiguration.Audience) > 0 {
		ok := false
		for _, a := range au.JwtConfiguration.Audience {
			if std.Audience.Contains(a) || all["client_id"] == a {
				ok = true
			}
		}
		if !ok {
			return nil, &jwtError{"the token does not have a valid audience"}
		}
	}
	return all, nil
}

// tokenScopes are the scopes of the scope (space separated) or scp claim.
func tokenScopes(claims map[string]any) []string {
	for _, k := range []string{"scope", "scp"} {
		switch v := claims[k].(type) {
		case string:
			return strings.Fields(v)
		case []any:
			var out []string
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return nil
}

// claimStrings renders claims as AWS passes them to functions: strings,
// numbers in decimal, arrays as [a b].
func claimStrings(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = claimString(v)
	}
	return out
}

func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// authorizeJWT runs a route's JWT authorizer.
func (c *call) authorizeJWT(au *api.Authorizer) (int, string, http.Header) {
	token, ok := c.identityValue(au.IdentitySource[0])
	if !ok || token == "" {
		c.authErr = "missing identity source"
		return http.StatusUnauthorized, "Unauthorized", nil
	}
	if t, found := strings.CutPrefix(token, "Bearer "); found {
		token = strings.TrimSpace(t)
	}
	claims, err := c.s.verifyJWT(c.r.Context(), au, token)
	if err != nil {
		c.authErr = err.Error()
		h := http.Header{}
		h.Set("Www-Authenticate", `Bearer scope="" error="invalid_token" error_description="`+err.Error()+`"`)
		return http.StatusUnauthorized, "Unauthorized", h
	}
	scopes := tokenScopes(claims)
	if need := c.route.route.AuthorizationScopes; len(need) > 0 {
		ok := false
		for _, sc := range need {
			if slices.Contains(scopes, sc) {
				ok = true
			}
		}
		if !ok {
			c.authErr = "insufficient scopes"
			h := http.Header{}
			h.Set("Www-Authenticate", `Bearer scope="`+strings.Join(need, " ")+`" error="insufficient_scope" error_description="expected scopes: [`+strings.Join(need, " ")+`]"`)
			return http.StatusForbidden, "Forbidden", h
		}
	}
	cs := claimStrings(claims)
	var scopeList any
	if len(scopes) > 0 {
		sort.Strings(scopes)
		scopeList = scopes
	}
	c.authorizer = map[string]any{"jwt": map[string]any{"claims": cs, "scopes": scopeList}}
	c.auth1 = map[string]any{"claims": cs, "scopes": scopeList}
	c.authCtx = map[string]any{}
	for k, v := range cs {
		c.authCtx[k] = v
	}
	return 0, "", nil
}
