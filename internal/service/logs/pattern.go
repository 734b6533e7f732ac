package logs

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the CloudWatch Logs filter pattern language, as used by
// FilterLogEvents (and by metric and subscription filters on AWS):
//
//	""                          every event
//	ERROR Exception             events containing both terms
//	"disk full"                 an exact phrase
//	?ERROR ?WARN                events containing either term
//	ERROR -Exiting              ERROR but not Exiting
//	%time=[0-9]+%               a regular expression
//	{ $.level = "ERROR" }       JSON events; = != on strings (with * wildcards),
//	{ $.latency > 100 }         = != < <= > >= on numbers, IS TRUE|FALSE|NULL,
//	{ $.a NOT EXISTS }          (NOT) EXISTS, && || and parentheses,
//	{ $.a[0].b = %^x% }         array indexes, [*] and .* wildcards, regexes
//	[ip, user, ..., code = 4*]  space-delimited events: fields by position,
//	                            ... for any number of fields
//
// Patterns are untrusted input: the parser is iterative where input decides
// the depth (parentheses are bounded), regular expressions are RE2 (linear
// time), and FuzzFilterPattern checks that nothing panics.

// errPattern is the generic error for a pattern that does not parse.
var errPattern = errors.New("Invalid filter pattern")

// Limits of a pattern.
const (
	maxPatternDepth   = 32 // nested parentheses in JSON patterns
	maxPatternRegexps = 2  // AWS allows two regular expressions per pattern
)

// filterPattern is a compiled filter pattern. The zero value matches
// every event.
type filterPattern struct {
	terms  *termPattern
	json   jsonExpr
	fields *fieldPattern
}

// compilePattern parses a filter pattern.
func compilePattern(src string) (*filterPattern, error) {
	p := &filterPattern{}
	s := strings.TrimSpace(src)
	if s == "" || s == `""` {
		return p, nil
	}
	regexps := 0
	var err error
	switch s[0] {
	case '{':
		if s[len(s)-1] != '}' {
			return nil, errors.New("If a filter pattern starts with '{' it must end with '}'")
		}
		p.json, err = parseJSONPattern(s[1:len(s)-1], &regexps)
	case '[':
		if s[len(s)-1] != ']' {
			return nil, errors.New("If a filter pattern starts with '[' it must end with ']'")
		}
		p.fields, err = parseFieldPattern(s[1:len(s)-1], &regexps)
	default:
		p.terms, err = parseTermPattern(s, &regexps)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// match reports whether a log event message matches the pattern.
func (p *filterPattern) match(msg string) bool {
	switch {
	case p.terms != nil:
		return p.terms.match(msg)
	case p.json != nil:
		doc, ok := parseJSONEvent(msg)
		return ok && p.json.eval(doc)
	case p.fields != nil:
		return p.fields.match(msg)
	}
	return true
}

// ---- Terms ----

// term is a word, phrase or regular expression to find in a message.
type term struct {
	text string
	re   *regexp.Regexp
}

func (t term) in(msg string) bool {
	if t.re != nil {
		return t.re.MatchString(msg)
	}
	return strings.Contains(msg, t.text)
}

// termPattern matches messages that contain every plain term, at least one
// ?term (if there are any) and none of the -terms.
type termPattern struct {
	all, any, none []term
}

func (p *termPattern) match(msg string) bool {
	for _, t := range p.all {
		if !t.in(msg) {
			return false
		}
	}
	for _, t := range p.none {
		if t.in(msg) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if t.in(msg) {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func parseTermPattern(s string, regexps *int) (*termPattern, error) {
	p := &termPattern{}
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			i++
			continue
		}
		op := byte(0)
		if s[i] == '?' || s[i] == '-' {
			op = s[i]
			i++
			if i == len(s) || isSpace(s[i]) {
				return nil, errPattern
			}
		}
		var t term
		switch s[i] {
		case '"':
			text, n, err := quoted(s[i:])
			if err != nil {
				return nil, err
			}
			t.text, i = text, i+n
		case '%':
			re, n, err := regex(s[i:], regexps)
			if err != nil {
				return nil, err
			}
			t.re, i = re, i+n
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) {
				if s[j] == '"' {
					return nil, errors.New("Invalid character(s) in term '\"'")
				}
				j++
			}
			t.text, i = s[i:j], j
		}
		if i < len(s) && !isSpace(s[i]) {
			return nil, errPattern // "a"b
		}
		switch op {
		case '?':
			p.any = append(p.any, t)
		case '-':
			p.none = append(p.none, t)
		default:
			p.all = append(p.all, t)
		}
	}
	return p, nil
}

// quoted reads a double-quoted string at the start of s (backslash escapes
// the next character) and returns its text and length in s.
func quoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, errors.New("Unterminated quoted string in filter pattern")
}

// regex reads a %regular expression% at the start of s.
func regex(s string, count *int) (*regexp.Regexp, int, error) {
	end := -1
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '%' {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, 0, errors.New("Unterminated regular expression in filter pattern")
	}
	src := s[1:end]
	if src == "" || strings.ContainsAny(src, "()") {
		// AWS supports neither empty expressions nor groups.
		return nil, 0, errors.New("Invalid regular expression in filter pattern")
	}
	if *count++; *count > maxPatternRegexps {
		return nil, 0, errors.New("A filter pattern can contain at most 2 regular expressions")
	}
	re, err := regexp.Compile(strings.ReplaceAll(src, `\%`, `%`))
	if err != nil {
		return nil, 0, errors.New("Invalid regular expression in filter pattern")
	}
	return re, end + 1, nil
}

// ---- Values shared by JSON and space-delimited patterns ----

// cmpOp is a comparison operator.
type cmpOp int

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

// value is the right side of a comparison: a number, a string with *
// wildcards, or a regular expression.
type value struct {
	isNum bool
	num   float64
	text  string // the literal as written (numbers too)
	glob  []string
	re    *regexp.Regexp
}

// readOp reads a comparison operator at the start of s.
func readOp(s string) (cmpOp, int, bool) {
	switch {
	case strings.HasPrefix(s, "!="):
		return opNe, 2, true
	case strings.HasPrefix(s, "<="):
		return opLe, 2, true
	case strings.HasPrefix(s, ">="):
		return opGe, 2, true
	case strings.HasPrefix(s, "="):
		return opEq, 1, true
	case strings.HasPrefix(s, "<"):
		return opLt, 1, true
	case strings.HasPrefix(s, ">"):
		return opGt, 1, true
	}
	return 0, 0, false
}

// readValue reads a comparison value at the start of s; stop reports the
// bytes that end an unquoted value.
func readValue(s string, op cmpOp, stop func(string, int) bool, regexps *int) (value, int, error) {
	var v value
	if s == "" {
		return v, 0, errPattern
	}
	n := 0
	switch s[0] {
	case '"':
		text, m, err := quoted(s)
		if err != nil {
			return v, 0, err
		}
		v.text, n = text, m
	case '%':
		re, m, err := regex(s, regexps)
		if err != nil {
			return v, 0, err
		}
		if op != opEq && op != opNe {
			return v, 0, errPattern
		}
		v.re = re
		return v, m, nil
	default:
		for n < len(s) && !stop(s, n) {
			n++
		}
		if n == 0 {
			return v, 0, errPattern
		}
		v.text = s[:n]
		if f, err := strconv.ParseFloat(v.text, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && isNumberLiteral(v.text) {
			v.isNum, v.num = true, f
		}
	}
	if op != opEq && op != opNe && !v.isNum {
		return v, 0, errPattern // only numbers are ordered
	}
	if !v.isNum {
		v.glob = strings.Split(v.text, "*")
	}
	return v, n, nil
}

// isNumberLiteral accepts the JSON-like numbers of patterns (ParseFloat
// also takes hex, underscores, "Inf" and "NaN").
func isNumberLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// globMatch matches s against the parts of a pattern split on '*'.
func globMatch(parts []string, s string) bool {
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// matchText compares a string (a field, or a JSON scalar's text) with v.
func (v value) matchText(op cmpOp, s string) bool {
	var eq bool
	switch {
	case v.re != nil:
		eq = v.re.MatchString(s)
	case v.isNum:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !isNumberLiteral(s) {
			return false // numeric comparisons need a number
		}
		return compareNum(op, f, v.num)
	default:
		eq = globMatch(v.glob, s)
	}
	if op == opNe {
		return !eq
	}
	return eq
}

func compareNum(op cmpOp, a, b float64) bool {
	switch op {
	case opEq:
		return a == b
	case opNe:
		return a != b
	case opLt:
		return a < b
	case opLe:
		return a <= b
	case opGt:
		return a > b
	case opGe:
		return a >= b
	}
	return false
}

// ---- JSON patterns ----

// jsonExpr is a compiled JSON pattern expression.
type jsonExpr interface {
	eval(doc any) bool
}

type jsonAnd struct{ l, r jsonExpr }
type jsonOr struct{ l, r jsonExpr }

func (e jsonAnd) eval(doc any) bool { return e.l.eval(doc) && e.r.eval(doc) }
func (e jsonOr) eval(doc any) bool  { return e.l.eval(doc) || e.r.eval(doc) }

// selStep is one step of a selector: a key, an index, or a wildcard.
type selStep struct {
	key   string
	index int // -1: key step; -2: wildcard
}

// condKind is what a JSON condition tests.
type condKind int

const (
	condCompare condKind = iota
	condTrue
	condFalse
	condNull
	condExists
	condNotExists
)

// jsonCond tests the values a selector picks in the event.
type jsonCond struct {
	sel  []selStep
	kind condKind
	op   cmpOp
	val  value
}

func (c jsonCond) eval(doc any) bool {
	vals := selectJSON(doc, c.sel)
	switch c.kind {
	case condExists:
		return len(vals) > 0
	case condNotExists:
		return len(vals) == 0
	}
	for _, v := range vals {
		if c.test(v) {
			return true
		}
	}
	return false
}

func (c jsonCond) test(v any) bool {
	switch c.kind {
	case condTrue:
		return v == true
	case condFalse:
		return v == false
	case condNull:
		return v == nil
	}
	switch x := v.(type) {
	case string:
		if c.val.isNum {
			return false
		}
		return c.val.matchText(c.op, x)
	case json.Number:
		if c.val.isNum {
			f, err := x.Float64()
			return err == nil && compareNum(c.op, f, c.val.num)
		}
		return c.val.matchText(c.op, x.String())
	case bool:
		if c.val.isNum {
			return false
		}
		return c.val.matchText(c.op, strconv.FormatBool(x))
	}
	return false // null, objects and arrays compare with nothing
}

// selectJSON returns the values sel picks in doc.
func selectJSON(doc any, sel []selStep) []any {
	cur := []any{doc}
	for _, st := range sel {
		var next []any
		for _, v := range cur {
			switch {
			case st.index == -2:
				switch x := v.(type) {
				case map[string]any:
					for _, e := range x {
						next = append(next, e)
					}
				case []any:
					next = append(next, x...)
				}
			case st.index >= 0:
				if a, ok := v.([]any); ok && st.index < len(a) {
					next = append(next, a[st.index])
				}
			default:
				if m, ok := v.(map[string]any); ok {
					if e, ok := m[st.key]; ok {
						next = append(next, e)
					}
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

// parseJSONEvent decodes a message for JSON patterns; numbers keep their
// text.
func parseJSONEvent(msg string) (any, bool) {
	s := strings.TrimSpace(msg)
	if s == "" || s[0] != '{' && s[0] != '[' {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil, false
	}
	return doc, true
}

// jsonParser is a recursive-descent parser over the inside of { }.
type jsonParser struct {
	s       string
	i       int
	depth   int
	regexps *int
}

func parseJSONPattern(s string, regexps *int) (jsonExpr, error) {
	p := &jsonParser{s: s, regexps: regexps}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i != len(p.s) {
		return nil, errPattern
	}
	return e, nil
}

func (p *jsonParser) skip() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *jsonParser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *jsonParser) or() (jsonExpr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.eat("||") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = jsonOr{l, r}
	}
	return l, nil
}

func (p *jsonParser) and() (jsonExpr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.eat("&&") {
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = jsonAnd{l, r}
	}
	return l, nil
}

func (p *jsonParser) primary() (jsonExpr, error) {
	if p.eat("(") {
		if p.depth++; p.depth > maxPatternDepth {
			return nil, errPattern
		}
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, errPattern
		}
		p.depth--
		return e, nil
	}
	return p.cond()
}

// word reads an upper-case keyword.
func (p *jsonParser) word() string {
	p.skip()
	j := p.i
	for j < len(p.s) && p.s[j] >= 'A' && p.s[j] <= 'Z' {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

func (p *jsonParser) cond() (jsonExpr, error) {
	p.skip()
	sel, n, err := parseSelector(p.s[p.i:])
	if err != nil {
		return nil, err
	}
	p.i += n
	c := jsonCond{sel: sel}
	p.skip()
	if op, n, ok := readOp(p.s[p.i:]); ok {
		p.i += n
		p.skip()
		v, n, err := readValue(p.s[p.i:], op, jsonValueEnd, p.regexps)
		if err != nil {
			return nil, err
		}
		p.i += n
		c.op, c.val = op, v
		return c, nil
	}
	switch p.word() {
	case "IS":
		switch p.word() {
		case "TRUE":
			c.kind = condTrue
		case "FALSE":
			c.kind = condFalse
		case "NULL":
			c.kind = condNull
		default:
			return nil, errPattern
		}
	case "NOT":
		if p.word() != "EXISTS" {
			return nil, errPattern
		}
		c.kind = condNotExists
	case "EXISTS":
		c.kind = condExists
	default:
		return nil, errPattern
	}
	return c, nil
}

// jsonValueEnd ends an unquoted JSON pattern value.
func jsonValueEnd(s string, i int) bool {
	c := s[i]
	return isSpace(c) || c == ')' || strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||")
}

// parseSelector reads $.a.b[0].*[*] at the start of s.
func parseSelector(s string) ([]selStep, int, error) {
	if s == "" || s[0] != '$' {
		return nil, 0, errPattern
	}
	var sel []selStep
	i := 1
	for i < len(s) {
		switch s[i] {
		case '.':
			i++
			if i < len(s) && s[i] == '[' {
				continue // $.['key']
			}
			if i < len(s) && s[i] == '*' {
				sel = append(sel, selStep{index: -2})
				i++
				continue
			}
			j := i
			for j < len(s) && isKeyByte(s[j]) {
				j++
			}
			if j == i {
				return nil, 0, errPattern
			}
			sel = append(sel, selStep{key: s[i:j], index: -1})
			i = j
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, 0, errPattern
			}
			in := s[i+1 : i+j]
			switch {
			case in == "*":
				sel = append(sel, selStep{index: -2})
			case len(in) > 2 && (in[0] == '\'' && in[len(in)-1] == '\'' || in[0] == '"' && in[len(in)-1] == '"'):
				sel = append(sel, selStep{key: in[1 : len(in)-1], index: -1})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 || strings.HasPrefix(in, "+") {
					return nil, 0, errPattern
				}
				sel = append(sel, selStep{index: n})
			}
			i += j + 1
		default:
			return sel, i, nil
		}
	}
	return sel, i, nil
}

// isKeyByte reports whether c can appear in an unquoted selector key.
func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '@' || c == '$' || c == ':' || c >= utf8.RuneSelf
}

// ---- Space-delimited patterns ----

// fieldCond is one condition of a space-delimited pattern element.
type fieldCond struct {
	op  cmpOp
	val value
}

// fieldElem is one element of [a, b = x, ...]: a named field with
// conditions joined by && or ||, or an ellipsis.
type fieldElem struct {
	ellipsis bool
	name     string
	conds    []fieldCond
	ors      []bool // ors[i]: conds[i] and conds[i+1] are joined by ||
}

func (e fieldElem) match(f string) bool {
	if len(e.conds) == 0 {
		return true
	}
	// && binds tighter than ||: evaluate runs of && and OR them.
	run := true
	for i, c := range e.conds {
		run = run && c.val.matchText(c.op, f)
		if i == len(e.conds)-1 || e.ors[i] {
			if run {
				return true
			}
			run = true
		}
	}
	return false
}

// fieldPattern matches the whitespace-separated fields of a message by
// position.
type fieldPattern struct {
	elems    []fieldElem
	ellipsis bool
}

func parseFieldPattern(s string, regexps *int) (*fieldPattern, error) {
	p := &fieldPattern{}
	for _, part := range splitTopLevel(s) {
		part = strings.TrimSpace(part)
		if part == "..." {
			p.elems = append(p.elems, fieldElem{ellipsis: true})
			p.ellipsis = true
			continue
		}
		e, err := parseFieldElem(part, regexps)
		if err != nil {
			return nil, err
		}
		p.elems = append(p.elems, e)
	}
	if len(p.elems) == 0 {
		return nil, errPattern
	}
	return p, nil
}

// splitTopLevel splits on commas outside quotes and %regexes%.
func splitTopLevel(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"', '%':
			q := s[i]
			for i++; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func fieldName(s string) int {
	i := 0
	for i < len(s) && (isKeyByte(s[i]) || s[i] == '.') {
		i++
	}
	return i
}

func parseFieldElem(s string, regexps *int) (fieldElem, error) {
	n := fieldName(s)
	if n == 0 {
		return fieldElem{}, errPattern
	}
	e := fieldElem{name: s[:n]}
	i := n
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			if len(e.conds) > 0 && len(e.ors) == len(e.conds) {
				return e, errPattern // dangling && or ||
			}
			return e, nil
		}
		if len(e.conds) > 0 {
			// A condition must be followed by && or || and the field's name.
			switch {
			case strings.HasPrefix(s[i:], "&&"):
				e.ors = append(e.ors, false)
			case strings.HasPrefix(s[i:], "||"):
				e.ors = append(e.ors, true)
			default:
				return e, errPattern
			}
			i += 2
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			m := fieldName(s[i:])
			if m == 0 {
				return e, errPattern
			}
			if s[i:i+m] != e.name {
				return e, errors.New("Conditions in a space-delimited filter pattern element must name that element's field")
			}
			i += m
			for i < len(s) && isSpace(s[i]) {
				i++
			}
		}
		op, m, ok := readOp(s[i:])
		if !ok {
			return e, errPattern
		}
		i += m
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		v, m, err := readValue(s[i:], op, fieldValueEnd, regexps)
		if err != nil {
			return e, err
		}
		i += m
		e.conds = append(e.conds, fieldCond{op: op, val: v})
	}
}

func fieldValueEnd(s string, i int) bool {
	return isSpace(s[i]) || strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||")
}

// splitFields splits a message into fields: runs of non-space bytes, or
// the text between double quotes or square brackets.
func splitFields(msg string) []string {
	var fs []string
	for i := 0; i < len(msg); {
		if isSpace(msg[i]) {
			i++
			continue
		}
		var end byte
		switch msg[i] {
		case '"':
			end = '"'
		case '[':
			end = ']'
		}
		if end != 0 {
			if j := strings.IndexByte(msg[i+1:], end); j >= 0 {
				fs = append(fs, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := i
		for j < len(msg) && !isSpace(msg[j]) {
			j++
		}
		fs = append(fs, msg[i:j])
		i = j
	}
	return fs
}

// match matches fields by position; an ellipsis takes any number of
// fields (wildcard matching with backtracking to the last ellipsis, linear
// in practice and O(elements*fields) at worst).
func (p *fieldPattern) match(msg string) bool {
	fs := splitFields(msg)
	if !p.ellipsis && len(fs) != len(p.elems) {
		return false
	}
	pi, fi := 0, 0
	star, mark := -1, 0
	for fi < len(fs) {
		switch {
		case pi < len(p.elems) && p.elems[pi].ellipsis:
			star, mark = pi, fi
			pi++
		case pi < len(p.elems) && p.elems[pi].match(fs[fi]):
			pi++
			fi++
		case star >= 0:
			pi = star + 1
			mark++
			fi = mark
		default:
			return false
		}
	}
	for pi < len(p.elems) && p.elems[pi].ellipsis {
		pi++
	}
	return pi == len(p.elems)
}
