package apigateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	api "github.com/hako-dev/hako/internal/model/apigatewayv2api"
)

// OpenAPI 3.0 import of HTTP APIs: a hand-written mapping over the generic
// decoded document (JSON or YAML) to routes, integrations, authorizers and
// the CORS configuration, as AWS documents in "Working with OpenAPI
// definitions for HTTP APIs" and "Working with API Gateway extensions to
// OpenAPI".

// Errors of invalid definitions.
const invalidOpenAPI = "Invalid OpenAPI input."

// maxDocDepth bounds the nesting of imported documents.
const maxDocDepth = 256

// importPlan is what an OpenAPI definition creates; ids are assigned
// while parsing so routes can point at their integrations and
// authorizers.
type importPlan struct {
	name, description, version *string
	cors                       *api.Cors
	routes                     []api.Route
	integrations               []api.Integration
	authorizers                []api.Authorizer
	warnings                   []string
}

// decodeDefinition decodes a JSON or YAML body into generic values whose
// maps all have string keys.
func decodeDefinition(body string) (map[string]any, error) {
	var v any
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return nil, badRequest(invalidOpenAPI)
	}
	if strings.HasPrefix(trimmed, "{") {
		if err := json.Unmarshal([]byte(trimmed), &v); err != nil {
			return nil, badRequest(invalidOpenAPI + " " + err.Error())
		}
	} else {
		if err := yaml.Unmarshal([]byte(body), &v); err != nil {
			return nil, badRequest(invalidOpenAPI + " " + err.Error())
		}
	}
	n, err := normalize(v, 0)
	if err != nil {
		return nil, err
	}
	m, ok := n.(map[string]any)
	if !ok {
		return nil, badRequest(invalidOpenAPI)
	}
	return m, nil
}

// normalize turns YAML's map[any]any into map[string]any.
func normalize(v any, depth int) (any, error) {
	if depth > maxDocDepth {
		return nil, badRequest(invalidOpenAPI + " The document is nested too deeply.")
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = n
		}
		return m, nil
	case []any:
		for i, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
		return t, nil
	}
	return v, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// asString returns scalars as text (numbers as YAML/JSON wrote them,
// without exponent).
func asString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case uint64:
		return strconv.FormatUint(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	}
	return "", false
}

func strPtr(v any) *string {
	if s, ok := asString(v); ok {
		return &s
	}
	return nil
}

// asInt reads integers written as numbers or strings.
func asInt(v any) (int64, bool) {
	switch t := v.(type) {
	case int:
		return int64(t), true
	case int64:
		return t, true
	case uint64:
		if t > math.MaxInt64 {
			return 0, false
		}
		return int64(t), true
	case float64:
		if t != math.Trunc(t) || t > math.MaxInt32 || t < math.MinInt32 {
			return 0, false
		}
		return int64(t), true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		return n, err == nil
	}
	return 0, false
}

func int32Ptr(v any) (*int32, bool) {
	if v == nil {
		return nil, true
	}
	n, ok := asInt(v)
	if !ok || n > math.MaxInt32 || n < math.MinInt32 {
		return nil, false
	}
	return ptr(int32(n)), true
}

func asBool(v any) *bool {
	switch t := v.(type) {
	case bool:
		return &t
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return &b
		}
	}
	return nil
}

func strList(v any) []string {
	var out []string
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if s, ok := asString(e); ok {
				out = append(out, s)
			}
		}
	case string:
		out = append(out, t)
	}
	return out
}

func strMap(v any) map[string]string {
	m := asMap(v)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := asString(e); ok {
			out[k] = s
		}
	}
	return out
}

// version reads a payload format version written as a string or a number
// (1.0 decodes as the number 1).
func version(v any) *string {
	switch t := v.(type) {
	case float64:
		return ptr(strconv.FormatFloat(t, 'f', 1, 64))
	case int:
		return ptr(strconv.Itoa(t) + ".0")
	}
	return strPtr(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// openAPIMethods maps operation keys of a path item to route methods.
var openAPIMethods = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS", "head": "HEAD", "patch": "PATCH",
	"x-amazon-apigateway-any-method": "ANY",
}

// basePath is the path of the first server URL with its variables'
// defaults, "" or "/a/b".
func basePath(root map[string]any) string {
	servers, _ := root["servers"].([]any)
	if len(servers) == 0 {
		return ""
	}
	srv := asMap(servers[0])
	u, _ := asString(srv["url"])
	for name, v := range asMap(srv["variables"]) {
		def, _ := asString(asMap(v)["default"])
		u = strings.ReplaceAll(u, "{"+name+"}", def)
	}
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.Path
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return ""
	}
	return "/" + p
}

// routePrefix applies the Basepath mode (ignore, prepend, split) of
// ImportApi and ReimportApi.
func routePrefix(mode string, root map[string]any) (string, error) {
	bp := basePath(root)
	switch strings.ToLower(mode) {
	case "", "ignore":
		return "", nil
	case "prepend":
		return bp, nil
	case "split":
		if bp == "" {
			return "", nil
		}
		_, rest, _ := strings.Cut(bp[1:], "/")
		if rest == "" {
			return "", nil
		}
		return "/" + rest, nil
	}
	return "", badRequest("Invalid basepath mode " + mode + ". Must be one of [ignore, prepend, split]")
}

// securityScheme is what a route's security requirement refers to.
type securityScheme struct {
	authType     string // AWS_IAM, JWT, CUSTOM
	authorizerID string
}

var schemeNameRE = regexp.MustCompile(`^[^\s]{1,128}$`)

// parseOpenAPI maps an OpenAPI 3.0 definition to what it creates.
func parseOpenAPI(body, basepathMode string) (*importPlan, error) {
	root, err := decodeDefinition(body)
	if err != nil {
		return nil, err
	}
	if _, ok := root["swagger"]; ok {
		return nil, badRequest(invalidOpenAPI + " HTTP APIs support OpenAPI 3.0 definitions only.")
	}
	ver, _ := asString(root["openapi"])
	if !strings.HasPrefix(ver, "3.0") {
		return nil, badRequest(invalidOpenAPI + " HTTP APIs support OpenAPI 3.0 definitions only.")
	}
	if _, ok := root["x-amazon-apigateway-route-selection-expression"]; ok {
		return nil, badRequest("Importing WebSocket APIs is not supported. ImportApi creates HTTP APIs from OpenAPI 3.0 definitions.")
	}
	info := asMap(root["info"])
	title, _ := asString(info["title"])
	if title == "" {
		return nil, badRequest(invalidOpenAPI + " info.title is required.")
	}
	if len(title) > 128 {
		return nil, badRequest(invalidOpenAPI + " info.title must be at most 128 characters.")
	}
	prefix, err := routePrefix(basepathMode, root)
	if err != nil {
		return nil, err
	}
	p := &importPlan{name: &title, description: strPtr(info["description"]), version: strPtr(info["version"])}
	if c := asMap(root["x-amazon-apigateway-cors"]); c != nil {
		cors := &api.Cors{AllowOrigins: strList(c["allowOrigins"]), AllowMethods: strList(c["allowMethods"]),
			AllowHeaders: strList(c["allowHeaders"]), ExposeHeaders: strList(c["exposeHeaders"]), AllowCredentials: asBool(c["allowCredentials"])}
		ma, ok := int32Ptr(c["maxAge"])
		if !ok {
			return nil, badRequest(invalidOpenAPI + " x-amazon-apigateway-cors.maxAge must be an integer.")
		}
		cors.MaxAge = ma
		if err := validCors(cors); err != nil {
			return nil, err
		}
		p.cors = cors
	}
	components := asMap(root["components"])

	// authorizers
	schemes := map[string]securityScheme{}
	secSchemes := asMap(components["securitySchemes"])
	for _, name := range sortedKeys(secSchemes) {
		sc := asMap(secSchemes[name])
		if sc == nil {
			continue
		}
		if t, _ := asString(sc["x-amazon-apigateway-authtype"]); strings.EqualFold(t, "awsSigv4") {
			schemes[name] = securityScheme{authType: "AWS_IAM"}
			continue
		}
		az := asMap(sc["x-amazon-apigateway-authorizer"])
		if az == nil {
			continue
		}
		if !schemeNameRE.MatchString(name) {
			return nil, badRequest(invalidOpenAPI + " Invalid security scheme name " + name)
		}
		au, scheme, warn, err := parseAuthorizer(name, sc, az)
		if err != nil {
			return nil, err
		}
		if warn != "" {
			p.warnings = append(p.warnings, warn)
			continue
		}
		p.authorizers = append(p.authorizers, *au)
		schemes[name] = scheme
	}

	// shared integrations (components.x-amazon-apigateway-integrations)
	shared := asMap(components["x-amazon-apigateway-integrations"])
	sharedIDs := map[string]string{}
	for _, name := range sortedKeys(shared) {
		integ, warn, err := parseIntegration(asMap(shared[name]))
		if err != nil {
			return nil, err
		}
		if warn != "" {
			p.warnings = append(p.warnings, "Unable to create integration "+name+": "+warn)
			continue
		}
		p.integrations = append(p.integrations, *integ)
		sharedIDs[name] = *integ.IntegrationId
	}

	rootSecurity, hasRootSecurity := root["security"]
	paths := asMap(root["paths"])
	seen := map[string]bool{}
	for _, path := range sortedKeys(paths) {
		item := asMap(paths[path])
		if item == nil {
			continue
		}
		if _, ok := item["$ref"]; ok {
			p.warnings = append(p.warnings, "Path item references are not supported: "+path)
			continue
		}
		for _, key := range sortedKeys(item) {
			method, ok := openAPIMethods[key]
			if !ok {
				if key == "trace" {
					p.warnings = append(p.warnings, "Unsupported HTTP method TRACE for path "+path)
				}
				continue
			}
			op := asMap(item[key])
			if op == nil {
				op = map[string]any{}
			}
			var routeKey string
			if path == "/$default" || path == "$default" {
				if method != "ANY" {
					return nil, badRequest(invalidOpenAPI + " The $default route must use x-amazon-apigateway-any-method.")
				}
				routeKey = "$default"
			} else {
				full := path
				if prefix != "" {
					full = prefix + strings.TrimSuffix(path, "/")
					if full == "" {
						full = "/"
					}
				}
				routeKey = method + " " + full
			}
			if _, err := parseRouteKey(protoHTTP, routeKey); err != nil {
				return nil, err
			}
			if seen[routeKey] {
				return nil, badRequest(invalidOpenAPI + " Duplicate route key " + routeKey)
			}
			seen[routeKey] = true
			rt := api.Route{RouteId: ptr(newID(7)), RouteKey: ptr(routeKey), ApiKeyRequired: ptr(false), AuthorizationType: ptr("NONE"),
				OperationName: strPtr(op["operationId"])}
			sec, has := op["security"]
			if !has && hasRootSecurity {
				sec, has = rootSecurity, true
			}
			if has {
				warn, err := applySecurity(&rt, sec, schemes)
				if err != nil {
					return nil, err
				}
				if warn != "" {
					p.warnings = append(p.warnings, warn+" (route "+routeKey+")")
				}
			}
			if raw, ok := op["x-amazon-apigateway-integration"]; ok {
				im := asMap(raw)
				if ref, _ := asString(im["$ref"]); ref != "" {
					name := strings.TrimPrefix(ref, "#/components/x-amazon-apigateway-integrations/")
					if id, ok := sharedIDs[name]; ok {
						rt.Target = ptr("integrations/" + id)
					} else {
						p.warnings = append(p.warnings, "Unable to resolve integration reference "+ref+" of route "+routeKey)
					}
				} else {
					integ, warn, err := parseIntegration(im)
					if err != nil {
						return nil, err
					}
					if warn != "" {
						p.warnings = append(p.warnings, "Unable to create integration for route "+routeKey+": "+warn)
					} else {
						p.integrations = append(p.integrations, *integ)
						rt.Target = ptr("integrations/" + *integ.IntegrationId)
					}
				}
			}
			p.routes = append(p.routes, rt)
		}
	}
	return p, nil
}

// applySecurity sets a route's authorization from its security
// requirements: none or only empty requirements is NONE; a single
// requirement names a scheme (an authorizer or sigv4).
func applySecurity(rt *api.Route, sec any, schemes map[string]securityScheme) (warning string, err error) {
	list, ok := sec.([]any)
	if !ok {
		return "", badRequest(invalidOpenAPI + " security must be a list of security requirements.")
	}
	var reqs []map[string]any
	for _, e := range list {
		if m := asMap(e); len(m) > 0 {
			reqs = append(reqs, m)
		}
	}
	if len(reqs) == 0 {
		return "", nil
	}
	if len(reqs) > 1 || len(reqs[0]) > 1 {
		return "", badRequest("Multiple security requirements are not supported for route " + str(rt.RouteKey) +
			". Each operation can have only one of IAM authorization, a Lambda authorizer, or a JWT authorizer.")
	}
	for name, scopes := range reqs[0] {
		sc, ok := schemes[name]
		if !ok {
			return "Unable to find security scheme " + name, nil
		}
		rt.AuthorizationType = ptr(sc.authType)
		if sc.authorizerID != "" {
			rt.AuthorizerId = ptr(sc.authorizerID)
		}
		if sc.authType == "JWT" {
			rt.AuthorizationScopes = strList(scopes)
		}
	}
	return "", nil
}

// parseAuthorizer maps an x-amazon-apigateway-authorizer object.
func parseAuthorizer(name string, sc, az map[string]any) (*api.Authorizer, securityScheme, string, error) {
	typ, _ := asString(az["type"])
	au := &api.Authorizer{AuthorizerId: ptr(newID(6)), Name: ptr(name)}
	var sources []string
	if s, ok := asString(az["identitySource"]); ok {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				sources = append(sources, part)
			}
		}
	} else {
		sources = strList(az["identitySource"])
	}
	var scheme securityScheme
	switch strings.ToLower(typ) {
	case "jwt":
		au.AuthorizerType = ptr("JWT")
		jc := asMap(az["jwtConfiguration"])
		cfg := &api.JWTConfiguration{Audience: strList(jc["audience"]), Issuer: strPtr(jc["issuer"])}
		if cfg.Issuer == nil {
			if u, _ := asString(sc["openIdConnectUrl"]); u != "" {
				cfg.Issuer = ptr(strings.TrimSuffix(u, "/.well-known/openid-configuration"))
			}
		}
		au.JwtConfiguration = cfg
		if len(sources) == 0 {
			sources = []string{"$request.header.Authorization"}
		}
		scheme.authType = "JWT"
	case "request":
		au.AuthorizerType = ptr("REQUEST")
		au.AuthorizerUri = strPtr(az["authorizerUri"])
		au.AuthorizerCredentialsArn = strPtr(az["authorizerCredentials"])
		au.AuthorizerPayloadFormatVersion = version(az["authorizerPayloadFormatVersion"])
		au.EnableSimpleResponses = asBool(az["enableSimpleResponses"])
		ttl, ok := int32Ptr(az["authorizerResultTtlInSeconds"])
		if !ok {
			return nil, scheme, "", badRequest(invalidOpenAPI + " authorizerResultTtlInSeconds of " + name + " must be an integer.")
		}
		au.AuthorizerResultTtlInSeconds = ttl
		scheme.authType = "CUSTOM"
	default:
		return nil, scheme, "Unsupported authorizer type '" + typ + "' of security scheme " + name + " for HTTP API. Must be one of [jwt, request]", nil
	}
	au.IdentitySource = sources
	if err := checkAuthorizer(protoHTTP, au); err != nil {
		return nil, scheme, "", err
	}
	scheme.authorizerID = *au.AuthorizerId
	return au, scheme, "", nil
}

// parseIntegration maps an x-amazon-apigateway-integration object; an
// integration type HTTP APIs do not have is a warning, other invalid
// settings an error.
func parseIntegration(m map[string]any) (*api.Integration, string, error) {
	if m == nil {
		return nil, "", badRequest(invalidOpenAPI + " x-amazon-apigateway-integration must be an object.")
	}
	typ, _ := asString(m["type"])
	typ = strings.ToUpper(typ)
	if typ != "AWS_PROXY" && typ != "HTTP_PROXY" {
		return nil, "Unsupported integration type '" + typ + "' for HTTP API. Must be one of [AWS_PROXY, HTTP_PROXY]", nil
	}
	integ := &api.Integration{IntegrationId: ptr(newID(7)), IntegrationType: &typ, IntegrationMethod: strPtr(m["httpMethod"]),
		IntegrationUri: strPtr(m["uri"]), PayloadFormatVersion: version(m["payloadFormatVersion"]), ConnectionType: strPtr(m["connectionType"]),
		ConnectionId: strPtr(m["connectionId"]), IntegrationSubtype: strPtr(m["integrationSubtype"]), CredentialsArn: strPtr(m["credentials"]),
		Description: strPtr(m["description"]), RequestParameters: strMap(m["requestParameters"])}
	if integ.IntegrationMethod != nil {
		integ.IntegrationMethod = ptr(strings.ToUpper(*integ.IntegrationMethod))
	}
	if integ.ConnectionType != nil {
		integ.ConnectionType = ptr(strings.ToUpper(*integ.ConnectionType))
	}
	if rp := asMap(m["responseParameters"]); rp != nil {
		integ.ResponseParameters = map[string]map[string]string{}
		for k, v := range rp {
			integ.ResponseParameters[k] = strMap(v)
		}
	}
	if tls := asMap(m["tlsConfig"]); tls != nil {
		integ.TlsConfig = &api.TlsConfig{ServerNameToVerify: strPtr(tls["serverNameToVerify"])}
	}
	t, ok := int32Ptr(m["timeoutInMillis"])
	if !ok {
		return nil, "", badRequest(invalidOpenAPI + " timeoutInMillis must be an integer.")
	}
	integ.TimeoutInMillis = t
	if err := checkIntegration(protoHTTP, integ); err != nil {
		return nil, "", err
	}
	return integ, "", nil
}

// omap is a JSON object that keeps its keys' order (the order AWS's
// exports use).
type omap []okv

type okv struct {
	k string
	v any
}

func (m omap) set(k string, v any) omap { return append(m, okv{k, v}) }

// MarshalJSON writes the members in order.
func (m omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(kv.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// toYAML re-encodes a JSON document as block-style YAML, keeping the
// members' order.
func toYAML(doc []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return nil, err
	}
	var plain func(*yaml.Node)
	plain = func(n *yaml.Node) {
		n.Style = 0
		for _, c := range n.Content {
			plain(c)
		}
	}
	plain(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// exportOpenAPI builds the OpenAPI 3.0 document of a snapshot of an HTTP
// API as AWS's ExportApi shapes it.
func exportOpenAPI(snap *snapshot, stage string, extensions bool) omap {
	a := &snap.API
	info := omap{}.set("title", str(a.Name))
	if a.Description != nil {
		info = info.set("description", *a.Description)
	}
	ver := str(a.Version)
	if ver == "" && a.CreatedDate != nil {
		ver = a.CreatedDate.Time.UTC().Format("2006-01-02 15:04:05") + "UTC"
	}
	info = info.set("version", ver)
	base := ""
	if stage != "" && stage != "$default" {
		base = stage
	}
	servers := []any{omap{}.set("url", str(a.ApiEndpoint)+"/{basePath}").
		set("variables", omap{}.set("basePath", omap{}.set("default", base)))}
	doc := omap{}.set("openapi", "3.0.1").set("info", info).set("servers", servers)

	integs := map[string]*api.Integration{}
	for i := range snap.Integrations {
		integs[*snap.Integrations[i].IntegrationId] = &snap.Integrations[i]
	}
	auths := map[string]*api.Authorizer{}
	for i := range snap.Authorizers {
		auths[*snap.Authorizers[i].AuthorizerId] = &snap.Authorizers[i]
	}
	used := map[string]bool{}
	iam := false

	type op struct {
		method string
		rt     api.Route
	}
	byPath := map[string][]op{}
	for _, rt := range snap.Routes {
		key := str(rt.RouteKey)
		path, method := "/$default", "ANY"
		if key != "$default" {
			method, path, _ = strings.Cut(key, " ")
		}
		byPath[path] = append(byPath[path], op{method, rt})
	}
	paths := omap{}
	pathKeys := make([]string, 0, len(byPath))
	for k := range byPath {
		pathKeys = append(pathKeys, k)
	}
	sort.Strings(pathKeys)
	for _, path := range pathKeys {
		ops := byPath[path]
		sort.Slice(ops, func(i, j int) bool { return ops[i].method < ops[j].method })
		item := omap{}
		for _, o := range ops {
			key := strings.ToLower(o.method)
			if o.method == "ANY" {
				key = "x-amazon-apigateway-any-method"
			}
			rk := str(o.rt.RouteKey)
			m := omap{}
			if rk == "$default" {
				m = m.set("isDefaultRoute", true)
			}
			if o.rt.OperationName != nil {
				m = m.set("operationId", *o.rt.OperationName)
			}
			m = m.set("responses", omap{}.set("default", omap{}.set("description", "Default response for "+rk)))
			switch str(o.rt.AuthorizationType) {
			case "AWS_IAM":
				iam = true
				m = m.set("security", []any{omap{}.set("sigv4", []string{})})
			case "JWT", "CUSTOM":
				if au := auths[str(o.rt.AuthorizerId)]; au != nil {
					scopes := o.rt.AuthorizationScopes
					if scopes == nil {
						scopes = []string{}
					}
					m = m.set("security", []any{omap{}.set(str(au.Name), scopes)})
				}
			}
			if id := integrationOfTarget(str(o.rt.Target)); id != "" && integs[id] != nil {
				used[id] = true
				if extensions {
					m = m.set("x-amazon-apigateway-integration", exportIntegration(integs[id]))
				}
			}
			item = item.set(key, m)
		}
		var params []any
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				name := seg[1 : len(seg)-1]
				params = append(params, omap{}.set("name", name).set("in", "path").
					set("description", "Generated path parameter for "+name).set("required", true).
					set("schema", omap{}.set("type", "string")))
			}
		}
		if len(params) > 0 {
			item = item.set("parameters", params)
		}
		paths = paths.set(path, item)
	}
	doc = doc.set("paths", paths)

	components := omap{}
	schemes := omap{}
	for _, au := range snap.Authorizers {
		s := omap{}
		if str(au.AuthorizerType) == "JWT" {
			s = s.set("type", "oauth2").set("flows", omap{})
			if extensions {
				x := omap{}.set("identitySource", strings.Join(au.IdentitySource, ","))
				if jc := au.JwtConfiguration; jc != nil {
					aud := jc.Audience
					if aud == nil {
						aud = []string{}
					}
					x = x.set("jwtConfiguration", omap{}.set("audience", aud).set("issuer", str(jc.Issuer)))
				}
				s = s.set("x-amazon-apigateway-authorizer", x.set("type", "jwt"))
			}
		} else {
			s = s.set("type", "apiKey").set("name", "Unused").set("in", "header")
			if extensions {
				s = s.set("x-amazon-apigateway-authtype", "custom")
				x := omap{}
				if len(au.IdentitySource) > 0 {
					x = x.set("identitySource", strings.Join(au.IdentitySource, ","))
				}
				x = x.set("authorizerUri", str(au.AuthorizerUri))
				if au.AuthorizerCredentialsArn != nil {
					x = x.set("authorizerCredentials", *au.AuthorizerCredentialsArn)
				}
				x = x.set("authorizerPayloadFormatVersion", str(au.AuthorizerPayloadFormatVersion))
				if au.AuthorizerResultTtlInSeconds != nil {
					x = x.set("authorizerResultTtlInSeconds", *au.AuthorizerResultTtlInSeconds)
				}
				x = x.set("type", "request")
				if au.EnableSimpleResponses != nil {
					x = x.set("enableSimpleResponses", *au.EnableSimpleResponses)
				}
				s = s.set("x-amazon-apigateway-authorizer", x)
			}
		}
		schemes = schemes.set(str(au.Name), s)
	}
	if iam {
		s := omap{}.set("type", "apiKey").set("name", "Authorization").set("in", "header")
		if extensions {
			s = s.set("x-amazon-apigateway-authtype", "awsSigv4")
		}
		schemes = schemes.set("sigv4", s)
	}
	if len(schemes) > 0 {
		components = components.set("securitySchemes", schemes)
	}
	if extensions {
		unused := omap{}
		for i := range snap.Integrations {
			in := &snap.Integrations[i]
			if !used[*in.IntegrationId] {
				unused = unused.set("unusedIntegration_"+*in.IntegrationId, exportIntegration(in))
			}
		}
		if len(unused) > 0 {
			components = components.set("x-amazon-apigateway-integrations", unused)
		}
	}
	if len(components) > 0 {
		doc = doc.set("components", components)
	}
	if extensions {
		if c := a.CorsConfiguration; c != nil {
			cors := omap{}
			add := func(k string, v []string) {
				if v != nil {
					cors = cors.set(k, v)
				}
			}
			add("allowMethods", c.AllowMethods)
			add("allowHeaders", c.AllowHeaders)
			add("exposeHeaders", c.ExposeHeaders)
			if c.MaxAge != nil {
				cors = cors.set("maxAge", *c.MaxAge)
			}
			if c.AllowCredentials != nil {
				cors = cors.set("allowCredentials", *c.AllowCredentials)
			}
			add("allowOrigins", c.AllowOrigins)
			doc = doc.set("x-amazon-apigateway-cors", cors)
		}
		doc = doc.set("x-amazon-apigateway-importexport-version", "1.0")
	}
	return doc
}

// exportIntegration is an integration's x-amazon-apigateway-integration.
func exportIntegration(in *api.Integration) omap {
	m := omap{}
	if in.RequestParameters != nil {
		m = m.set("requestParameters", in.RequestParameters)
	}
	if in.ResponseParameters != nil {
		m = m.set("responseParameters", in.ResponseParameters)
	}
	if in.PayloadFormatVersion != nil {
		m = m.set("payloadFormatVersion", *in.PayloadFormatVersion)
	}
	m = m.set("type", strings.ToLower(str(in.IntegrationType)))
	if in.IntegrationSubtype != nil {
		m = m.set("integrationSubtype", *in.IntegrationSubtype)
	}
	if in.CredentialsArn != nil {
		m = m.set("credentials", *in.CredentialsArn)
	}
	if in.IntegrationMethod != nil {
		m = m.set("httpMethod", *in.IntegrationMethod)
	}
	if in.IntegrationUri != nil {
		m = m.set("uri", *in.IntegrationUri)
	}
	if in.Description != nil {
		m = m.set("description", *in.Description)
	}
	m = m.set("connectionType", valueOr(in.ConnectionType, "INTERNET"))
	if in.ConnectionId != nil {
		m = m.set("connectionId", *in.ConnectionId)
	}
	if in.TlsConfig != nil && in.TlsConfig.ServerNameToVerify != nil {
		m = m.set("tlsConfig", omap{}.set("serverNameToVerify", *in.TlsConfig.ServerNameToVerify))
	}
	if t := in.TimeoutInMillis; t != nil && (*t != 30000 || str(in.IntegrationType) == "HTTP_PROXY") {
		m = m.set("timeoutInMillis", *t)
	}
	return m
}
