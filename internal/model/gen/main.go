// Command gen turns the official AWS Smithy JSON models into Go packages
// under internal/model/<name>api: one struct per structure shape, tagged for
// the protocol codecs, a Validate method per structure derived from the
// constraint traits, and the service's operation and error tables.
//
// Besides the tag options listed in package model, members with an
// xmlNamespace trait get ns=URI and nsprefix=PREFIX; for restXml services,
// structure httpPayload members get root=ELEMENT (their document element) and
// structures with an xmlName trait get an XMLRootName method and the outputs
// of s3UnwrappedXmlOutput operations an XMLUnwrapped method (read by
// internal/protocol/restxml).
//
// Usage: go run ./gen -models DIR -out DIR sqs sts ...
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type traits map[string]json.RawMessage

type ref struct {
	Target string `json:"target"`
	Traits traits `json:"traits"`
}

type shape struct {
	Type       string         `json:"type"`
	Members    map[string]ref `json:"members"`
	Member     *ref           `json:"member"`
	Key        *ref           `json:"key"`
	Value      *ref           `json:"value"`
	Traits     traits         `json:"traits"`
	Input      *ref           `json:"input"`
	Output     *ref           `json:"output"`
	Errors     []ref          `json:"errors"`
	Operations []ref          `json:"operations"`
	Version    string         `json:"version"`
}

type smithyModel struct {
	Shapes map[string]*shape `json:"shapes"`
}

// extraFields are hand-declared members appended to generated structs, by
// service and shape: state no codec reads or writes (json:"-"), kept for
// the hand-written encoders beside the generated code.
var extraFields = map[string]map[string][]string{
	"dynamodb": {
		"GetItemOutput": {"// RawItem, when set, is the item as stored JSON, written as is in place of Item.",
			"RawItem []byte `json:\"-\" aws:\"-\"`"},
		"QueryOutput": {"// RawItems, when set, are the items as stored JSON, written as is in place of Items.",
			"RawItems [][]byte `json:\"-\" aws:\"-\"`"},
		"ScanOutput": {"// RawItems, when set, are the items as stored JSON, written as is in place of Items.",
			"RawItems [][]byte `json:\"-\" aws:\"-\"`"},
	},
}

// files maps short service names to model files.
var files = map[string]string{
	"sqs":                     "sqs-2012-11-05.json",
	"sts":                     "sts-2011-06-15.json",
	"lambda":                  "lambda-2015-03-31.json",
	"s3":                      "s3-2006-03-01.json",
	"apigatewaymanagementapi": "apigatewaymanagementapi-2018-11-29.json",
	"logs":                    "cloudwatch-logs-2014-03-28.json",
	"dynamodb":                "dynamodb-2012-08-10.json",
	"dynamodbstreams":         "dynamodb-streams-2012-08-10.json",
	"sns":                     "sns-2010-03-31.json",
	"eventbridge":             "eventbridge-2015-10-07.json",
	"scheduler":               "scheduler-2021-06-30.json",
	"apigatewayv2":            "apigatewayv2-2018-11-29.json",
}

func main() {
	models := flag.String("models", "../../../shared/aws-models", "directory of Smithy JSON models")
	out := flag.String("out", ".", "output directory (internal/model)")
	flag.Parse()
	for _, name := range flag.Args() {
		file, ok := files[name]
		if !ok {
			log.Fatalf("unknown service %q", name)
		}
		if err := generate(name, filepath.Join(*models, file), *out); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
	}
}

type gen struct {
	name   string
	m      smithyModel
	buf    bytes.Buffer
	pats   map[string]string // pattern -> var name
	order  []string
	usedTS bool
	// restXML: the service speaks restXml, so structures carry their
	// xmlName (XMLRootName) and s3UnwrappedXmlOutput outputs are marked.
	restXML   bool
	unwrapped map[string]bool // output shape ids of s3UnwrappedXmlOutput operations
	usesIO    bool            // a streaming member needs io.ReadCloser
}

func generate(name, file, out string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	g := &gen{name: name, pats: map[string]string{}}
	if err := json.Unmarshal(raw, &g.m); err != nil {
		return err
	}
	var svcID string
	for id, s := range g.m.Shapes {
		if s.Type == "service" {
			svcID = id
		}
	}
	if svcID == "" {
		return fmt.Errorf("no service shape")
	}
	// Collect the structures reachable from operations.
	var ops []string
	for id, s := range g.m.Shapes {
		if s.Type == "operation" {
			ops = append(ops, id)
		}
	}
	sort.Strings(ops)
	structs := map[string]bool{}
	var visit func(id string)
	visit = func(id string) {
		s := g.m.Shapes[id]
		if s == nil || structs[id] {
			return
		}
		switch s.Type {
		case "structure", "union":
			structs[id] = true
			for _, m := range s.Members {
				visit(m.Target)
			}
		case "list", "set":
			visit(s.Member.Target)
		case "map":
			visit(s.Value.Target)
		}
	}
	for _, op := range ops {
		s := g.m.Shapes[op]
		if s.Input != nil {
			visit(s.Input.Target)
		}
		if s.Output != nil {
			visit(s.Output.Target)
		}
		for _, e := range s.Errors {
			visit(e.Target)
		}
	}
	for id, s := range g.m.Shapes {
		if _, ok := s.Traits["smithy.api#error"]; ok {
			visit(id)
		}
	}
	var ids []string
	for id := range structs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	g.restXML = hasTrait(g.m.Shapes[svcID], "aws.protocols#restXml")
	g.unwrapped = map[string]bool{}
	for _, op := range ops {
		if s := g.m.Shapes[op]; hasTrait(s, "aws.customizations#s3UnwrappedXmlOutput") && s.Output != nil {
			g.unwrapped[s.Output.Target] = true
		}
	}

	var body bytes.Buffer
	for _, id := range ids {
		g.writeStruct(&body, id)
	}
	for _, id := range ids {
		g.writeValidate(&body, id)
	}
	g.writeService(&body, svcID, ops)
	g.writeEnums(&body)

	pkg := name + "api"
	var f bytes.Buffer
	fmt.Fprintf(&f, "// Code generated by internal/model/gen from %s. DO NOT EDIT.\n\n", filepath.Base(file))
	fmt.Fprintf(&f, "// Package %s holds the shapes and operation table of the %s API,\n// generated from its Smithy model.\npackage %s\n\n", pkg, name, pkg)
	ioImport := ""
	if g.usesIO {
		ioImport = "\t\"io\"\n"
	}
	f.WriteString("import (\n\t\"context\"\n\t\"fmt\"\n" + ioImport + "\t\"regexp\"\n\t\"unicode/utf8\"\n\n\t\"github.com/hako-dev/hako/internal/model\"\n)\n\n")
	f.WriteString("var _ = utf8.RuneCountInString\nvar _ = regexp.MustCompile\n\n")
	if len(g.order) > 0 {
		f.WriteString("var (\n")
		for _, p := range g.order {
			fmt.Fprintf(&f, "\t%s = regexp.MustCompile(%s)\n", g.pats[p], strconv.Quote(p))
		}
		f.WriteString(")\n\n")
	}
	f.Write(body.Bytes())
	src, err := format.Source(f.Bytes())
	if err != nil {
		os.WriteFile(filepath.Join(out, pkg+".broken.go"), f.Bytes(), 0o644)
		return fmt.Errorf("format: %w", err)
	}
	dir := filepath.Join(out, pkg)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "zz_generated.go"), src, 0o644)
}

func local(id string) string {
	if i := strings.IndexByte(id, '#'); i >= 0 {
		return id[i+1:]
	}
	return id
}

func export(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

func (t traits) has(name string) bool { _, ok := t["smithy.api#"+name]; return ok }

func (t traits) str(name string) string {
	var s string
	if raw, ok := t["smithy.api#"+name]; ok {
		json.Unmarshal(raw, &s)
	}
	return s
}

// prelude maps smithy.api simple types to their shape type.
func (g *gen) typeOf(id string) string {
	if strings.HasPrefix(id, "smithy.api#") {
		switch local(id) {
		case "String":
			return "string"
		case "Integer", "PrimitiveInteger":
			return "integer"
		case "Long", "PrimitiveLong":
			return "long"
		case "Boolean", "PrimitiveBoolean":
			return "boolean"
		case "Double", "PrimitiveDouble":
			return "double"
		case "Float", "PrimitiveFloat":
			return "float"
		case "Timestamp":
			return "timestamp"
		case "Blob":
			return "blob"
		case "Document":
			return "document"
		case "Unit":
			return "unit"
		case "Byte", "PrimitiveByte":
			return "byte"
		case "Short", "PrimitiveShort":
			return "short"
		case "BigInteger":
			return "bigInteger"
		case "BigDecimal":
			return "bigDecimal"
		}
	}
	if s := g.m.Shapes[id]; s != nil {
		return s.Type
	}
	return "unknown"
}

// goType returns the Go type for a member target; ptr requests a pointer for scalars.
func (g *gen) goType(id string, ptr bool) string {
	p := ""
	if ptr {
		p = "*"
	}
	switch g.typeOf(id) {
	case "string", "enum":
		return p + "string"
	case "integer", "intEnum":
		return p + "int32"
	case "long":
		return p + "int64"
	case "short":
		return p + "int16"
	case "byte":
		return p + "int8"
	case "boolean":
		return p + "bool"
	case "double", "bigDecimal":
		return p + "float64"
	case "float":
		return p + "float32"
	case "bigInteger":
		return p + "int64"
	case "timestamp":
		return p + "model.Timestamp"
	case "blob":
		return "[]byte"
	case "document":
		return "any"
	case "list", "set":
		return "[]" + g.goType(g.m.Shapes[id].Member.Target, false)
	case "map":
		return "map[string]" + g.goType(g.m.Shapes[id].Value.Target, false)
	case "structure", "union":
		return p + local(id)
	}
	return "any"
}

func (g *gen) writeStruct(w *bytes.Buffer, id string) {
	s := g.m.Shapes[id]
	name := local(id)
	fmt.Fprintf(w, "// %s is the %s shape.\ntype %s struct {\n", name, name, name)
	for _, mn := range sortedMembers(s) {
		m := s.Members[mn]
		jsonName := mn
		if v := m.Traits.str("jsonName"); v != "" {
			jsonName = v
		}
		wire := mn
		if v := m.Traits.str("xmlName"); v != "" {
			wire = v
		}
		opts := []string{wire}
		if m.Traits.has("xmlFlattened") {
			opts = append(opts, "flat")
		}
		if m.Traits.has("xmlAttribute") {
			opts = append(opts, "xmlattr")
		}
		if raw, ok := m.Traits["smithy.api#xmlNamespace"]; ok {
			var ns struct{ URI, Prefix string }
			json.Unmarshal(raw, &ns)
			opts = append(opts, "ns="+ns.URI)
			if ns.Prefix != "" {
				opts = append(opts, "nsprefix="+ns.Prefix)
			}
		}
		t := g.m.Shapes[m.Target]
		if t != nil && (t.Type == "list" || t.Type == "set") {
			if v := t.Member.Traits.str("xmlName"); v != "" {
				opts = append(opts, "member="+v)
			}
		}
		if t != nil && t.Type == "map" {
			if v := t.Key.Traits.str("xmlName"); v != "" {
				opts = append(opts, "key="+v)
			}
			if v := t.Value.Traits.str("xmlName"); v != "" {
				opts = append(opts, "value="+v)
			}
		}
		tsf := m.Traits.str("timestampFormat")
		if tsf == "" && t != nil {
			tsf = t.Traits.str("timestampFormat")
		}
		if tsf != "" {
			opts = append(opts, "ts="+tsf)
		}
		if v := m.Traits.str("httpHeader"); v != "" {
			opts = append(opts, "header="+v)
		}
		if v := m.Traits.str("httpQuery"); v != "" {
			opts = append(opts, "query="+v)
		}
		if m.Traits.has("httpLabel") {
			opts = append(opts, "label")
		}
		if m.Traits.has("httpPayload") {
			opts = append(opts, "payload")
			if tt := g.typeOf(m.Target); g.restXML && (tt == "structure" || tt == "union") {
				// The element name of a structure payload: the member's
				// xmlName, else the target's, else the target shape name.
				root := m.Traits.str("xmlName")
				if root == "" {
					root = t.Traits.str("xmlName")
				}
				if root == "" {
					root = local(m.Target)
				}
				opts = append(opts, "root="+root)
			}
		}
		if _, ok := m.Traits["smithy.api#httpPrefixHeaders"]; ok {
			opts = append(opts, "prefix="+m.Traits.str("httpPrefixHeaders"))
		}
		if m.Traits.has("httpQueryParams") {
			opts = append(opts, "queryparams")
		}
		if m.Traits.has("httpResponseCode") {
			opts = append(opts, "status")
		}
		goType := g.goType(m.Target, true)
		if g.restXML && t != nil && t.Type == "blob" && t.Traits.has("streaming") {
			// Streaming bodies (S3 objects) are never held in memory: the
			// codec hands the request body over and copies the response.
			goType = "io.ReadCloser"
			opts = append(opts, "stream")
			g.usesIO = true
		}
		fmt.Fprintf(w, "\t%s %s `json:\"%s,omitempty\" aws:\"%s\"`\n", export(mn), goType, jsonName, strings.Join(opts, ","))
	}
	for _, line := range extraFields[g.name][name] {
		w.WriteString("\t" + line + "\n")
	}
	w.WriteString("}\n\n")
	if !g.restXML {
		return
	}
	if v := s.Traits.str("xmlName"); v != "" {
		fmt.Fprintf(w, "// XMLRootName is the xmlName of the %s shape: its element name as a\n// document root or an httpPayload.\nfunc (*%s) XMLRootName() string { return %q }\n\n", name, name, v)
	}
	if g.unwrapped[id] {
		fmt.Fprintf(w, "// XMLUnwrapped reports that %s is serialized without a wrapping\n// root element (aws.customizations#s3UnwrappedXmlOutput).\nfunc (*%s) XMLUnwrapped() bool { return true }\n\n", name, name)
	}
}

func sortedMembers(s *shape) []string {
	var names []string
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// constraint traits of a member: the member's own, else its target's.
func (g *gen) trait(m ref, name string) json.RawMessage {
	if v, ok := m.Traits["smithy.api#"+name]; ok {
		return v
	}
	if t := g.m.Shapes[m.Target]; t != nil {
		if v, ok := t.Traits["smithy.api#"+name]; ok {
			return v
		}
	}
	return nil
}

func (g *gen) enumValues(id string) []string {
	s := g.m.Shapes[id]
	if s == nil {
		return nil
	}
	var vals []string
	if s.Type == "enum" {
		for _, n := range sortedMembers(s) {
			v := s.Members[n].Traits.str("enumValue")
			if v == "" {
				v = n
			}
			vals = append(vals, v)
		}
		return vals
	}
	if raw, ok := s.Traits["smithy.api#enum"]; ok {
		var defs []struct {
			Value string `json:"value"`
		}
		json.Unmarshal(raw, &defs)
		for _, d := range defs {
			vals = append(vals, d.Value)
		}
	}
	return vals
}

func (g *gen) patternVar(p string) string {
	if v, ok := g.pats[p]; ok {
		return v
	}
	if _, err := regexp.Compile(p); err != nil {
		return ""
	}
	v := fmt.Sprintf("pattern%d", len(g.order))
	g.pats[p] = v
	g.order = append(g.order, p)
	return v
}

func (g *gen) writeValidate(w *bytes.Buffer, id string) {
	s := g.m.Shapes[id]
	name := local(id)
	fmt.Fprintf(w, "// Validate checks the model constraints of %s.\nfunc (x *%s) Validate(v *model.Validator) {\n\tif x == nil {\n\t\treturn\n\t}\n", name, name)
	for _, mn := range sortedMembers(s) {
		m := s.Members[mn]
		f := "x." + export(mn)
		typ := g.typeOf(m.Target)
		scalar := typ != "list" && typ != "set" && typ != "map" && typ != "blob" && typ != "document"
		if m.Traits.has("required") {
			fmt.Fprintf(w, "\tif %s == nil {\n\t\tv.Required(%q)\n\t}\n", f, mn)
		}
		var checks bytes.Buffer
		deref := f
		if scalar && typ != "structure" && typ != "union" {
			deref = "*" + f
		}
		if raw := g.trait(m, "length"); raw != nil {
			var l struct{ Min, Max *int64 }
			json.Unmarshal(raw, &l)
			lo, hi := int64(-1), int64(-1)
			if l.Min != nil {
				lo = *l.Min
			}
			if l.Max != nil {
				hi = *l.Max
			}
			switch typ {
			case "string", "enum":
				fmt.Fprintf(&checks, "\t\tv.Length(%q, int64(utf8.RuneCountInString(%s)), %d, %d, %s)\n", mn, deref, lo, hi, deref)
			case "list", "set", "map", "blob":
				fmt.Fprintf(&checks, "\t\tv.Length(%q, int64(len(%s)), %d, %d, \"\")\n", mn, f, lo, hi)
			}
		}
		if raw := g.trait(m, "range"); raw != nil {
			var r struct{ Min, Max *float64 }
			json.Unmarshal(raw, &r)
			switch typ {
			case "integer", "long", "short", "byte", "double", "float", "bigInteger", "bigDecimal":
				lo, hi := "nil", "nil"
				if r.Min != nil {
					lo = fmt.Sprintf("model.F64(%v)", *r.Min)
				}
				if r.Max != nil {
					hi = fmt.Sprintf("model.F64(%v)", *r.Max)
				}
				fmt.Fprintf(&checks, "\t\tv.Range(%q, float64(%s), %s, %s)\n", mn, deref, lo, hi)
			}
		}
		if raw := g.trait(m, "pattern"); raw != nil && (typ == "string") {
			var p string
			json.Unmarshal(raw, &p)
			if pv := g.patternVar(p); pv != "" {
				fmt.Fprintf(&checks, "\t\tv.Pattern(%q, %s, %q, %s.MatchString(%s))\n", mn, deref, p, pv, deref)
			}
		}
		if typ == "enum" || (typ == "string" && g.enumValues(m.Target) != nil) {
			fmt.Fprintf(&checks, "\t\tv.Enum(%q, %s, %s)\n", mn, deref, "enum"+local(m.Target))
		}
		switch typ {
		case "structure", "union":
			fmt.Fprintf(&checks, "\t\tv.Push(%q)\n\t\t%s.Validate(v)\n\t\tv.Pop()\n", mn, f)
		case "list", "set":
			if et := g.typeOf(g.m.Shapes[m.Target].Member.Target); et == "structure" || et == "union" {
				fmt.Fprintf(&checks, "\t\tfor i := range %s {\n\t\t\tv.Push(%q)\n\t\t\t%s[i].Validate(v)\n\t\t\tv.Pop()\n\t\t}\n", f, mn, f)
			}
		case "map":
			if et := g.typeOf(g.m.Shapes[m.Target].Value.Target); et == "structure" || et == "union" {
				fmt.Fprintf(&checks, "\t\tfor k := range %s {\n\t\t\te := %s[k]\n\t\t\tv.Push(%q)\n\t\t\te.Validate(v)\n\t\t\tv.Pop()\n\t\t}\n", f, f, mn)
			}
		}
		if checks.Len() > 0 {
			cond := f + " != nil"
			fmt.Fprintf(w, "\tif %s {\n%s\t}\n", cond, checks.String())
		}
	}
	w.WriteString("}\n\n")
}

func (g *gen) writeEnums(w *bytes.Buffer) {
	var ids []string
	for id, s := range g.m.Shapes {
		if s.Type == "enum" || (s.Type == "string" && g.enumValues(id) != nil) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		vals := g.enumValues(id)
		fmt.Fprintf(w, "var enum%s = []string{", local(id))
		for i, v := range vals {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteString(strconv.Quote(v))
		}
		w.WriteString("}\n")
	}
}

func (g *gen) writeService(w *bytes.Buffer, svcID string, ops []string) {
	svc := g.m.Shapes[svcID]
	proto := ""
	switch {
	case hasTrait(svc, "aws.protocols#awsJson1_0"):
		proto = "model.AwsJSON10"
	case hasTrait(svc, "aws.protocols#awsJson1_1"):
		proto = "model.AwsJSON11"
	case hasTrait(svc, "aws.protocols#awsQuery"):
		proto = "model.AwsQuery"
	case hasTrait(svc, "aws.protocols#restXml"):
		proto = "model.RestXML"
	case hasTrait(svc, "aws.protocols#restJson1"):
		proto = "model.RestJSON1"
	}
	var api struct {
		EndpointPrefix string `json:"endpointPrefix"`
	}
	json.Unmarshal(svc.Traits["aws.api#service"], &api)
	var sig struct {
		Name string `json:"name"`
	}
	json.Unmarshal(svc.Traits["aws.auth#sigv4"], &sig)
	w.WriteString("// Service is the model of the API.\nvar Service = &model.Service{\n")
	fmt.Fprintf(w, "\tName: %q,\n\tShapeName: %q,\n\tProtocol: %s,\n\tQueryCompatible: %v,\n\tSigningName: %q,\n\tEndpointPrefix: %q,\n\tVersion: %q,\n\tXMLNamespace: %q,\n",
		g.name, local(svcID), proto, hasTrait(svc, "aws.protocols#awsQueryCompatible"), sig.Name, api.EndpointPrefix, svc.Version, xmlNS(svc))
	w.WriteString("\tOperations: map[string]*model.Operation{\n")
	for _, op := range ops {
		s := g.m.Shapes[op]
		in, out := "nil", "nil"
		if s.Input != nil && g.typeOf(s.Input.Target) == "structure" {
			in = fmt.Sprintf("func() any { return new(%s) }", local(s.Input.Target))
		}
		if s.Output != nil && g.typeOf(s.Output.Target) == "structure" {
			out = fmt.Sprintf("func() any { return new(%s) }", local(s.Output.Target))
		}
		var http struct {
			Method string `json:"method"`
			URI    string `json:"uri"`
			Code   int    `json:"code"`
		}
		json.Unmarshal(s.Traits["smithy.api#http"], &http)
		var errs []string
		for _, e := range s.Errors {
			errs = append(errs, strconv.Quote(local(e.Target)))
		}
		fmt.Fprintf(w, "\t\t%q: {Name: %q, Method: %q, URI: %q, Code: %d, NewInput: %s, NewOutput: %s, Errors: []string{%s}},\n",
			local(op), local(op), http.Method, http.URI, http.Code, in, out, strings.Join(errs, ", "))
	}
	w.WriteString("\t},\n\tErrors: map[string]*model.ErrorInfo{\n")
	var errIDs []string
	for id, s := range g.m.Shapes {
		if _, ok := s.Traits["smithy.api#error"]; ok {
			errIDs = append(errIDs, id)
		}
	}
	sort.Strings(errIDs)
	for _, id := range errIDs {
		s := g.m.Shapes[id]
		var q struct {
			Code string `json:"code"`
			HTTP int    `json:"httpResponseCode"`
		}
		json.Unmarshal(s.Traits["aws.protocols#awsQueryError"], &q)
		status := 0
		if raw, ok := s.Traits["smithy.api#httpError"]; ok {
			json.Unmarshal(raw, &status)
		}
		if q.HTTP != 0 {
			status = q.HTTP
		}
		fault := s.Traits.str("error")
		if status == 0 {
			status = 400
			if fault == "server" {
				status = 500
			}
		}
		code := q.Code
		if code == "" {
			code = local(id)
		}
		fmt.Fprintf(w, "\t\t%q: {Name: %q, QueryCode: %q, HTTPStatus: %d, Sender: %v},\n", local(id), local(id), code, status, fault != "server")
	}
	w.WriteString("\t},\n}\n\n")

	// The API interface and the dispatcher.
	w.WriteString("// API is what the service implementation provides: one method per operation.\ntype API interface {\n")
	var sw bytes.Buffer
	for _, op := range ops {
		s := g.m.Shapes[op]
		n := local(op)
		params, args := "ctx context.Context", "ctx"
		if s.Input != nil && g.typeOf(s.Input.Target) == "structure" {
			params += ", in *" + local(s.Input.Target)
			args += ", in.(*" + local(s.Input.Target) + ")"
		}
		if s.Output != nil && g.typeOf(s.Output.Target) == "structure" {
			fmt.Fprintf(w, "\t%s(%s) (*%s, error)\n", n, params, local(s.Output.Target))
			fmt.Fprintf(&sw, "\tcase %q:\n\t\treturn api.%s(%s)\n", n, n, args)
		} else {
			fmt.Fprintf(w, "\t%s(%s) error\n", n, params)
			fmt.Fprintf(&sw, "\tcase %q:\n\t\treturn nil, api.%s(%s)\n", n, n, args)
		}
	}
	w.WriteString("}\n\n")
	w.WriteString("// Dispatch calls the API method named op with the decoded input.\nfunc Dispatch(ctx context.Context, api API, op string, in any) (any, error) {\n\tswitch op {\n")
	w.Write(sw.Bytes())
	w.WriteString("\t}\n\treturn nil, fmt.Errorf(\"unknown operation %s\", op)\n}\n\n")
}

func hasTrait(s *shape, name string) bool { _, ok := s.Traits[name]; return ok }

func xmlNS(s *shape) string {
	var ns struct {
		URI string `json:"uri"`
	}
	json.Unmarshal(s.Traits["smithy.api#xmlNamespace"], &ns)
	return ns.URI
}
