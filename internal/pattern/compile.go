package pattern

import (
	"sort"
	"strconv"
	"strings"
)

// dialect selects the service whose rules apply.
type dialect struct {
	sns    bool   // SNS filter policy: no wildcard, limits on keys and combinations
	attrs  bool   // SNS MessageAttributes scope: no nesting
	prefix string // prepended to event-ruler's reasons
}

// Reasons that are not event-ruler's own; see DESIGN.md.
const (
	reasonInvalidJSON   = "Filter is not valid JSON"
	reasonTooManyOrs    = "Filter is too complex: it expands to more than 1000 combinations of $or alternatives"
	reasonWildcardLimit = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"
	reasonRange         = "Value must be between -5.0E9 and 5.0E9, inclusive"
	reasonMixed         = "Inside anything but list, either all values are number or string, mixed type is not supported"
	reasonSNSNested     = "Filter policy scope MessageAttributes does not support nested filter policy"
	reasonSNSKeys       = "FilterPolicy: Filter policy can not have more than 5 keys"
	reasonSNSComplex    = "FilterPolicy: Filter policy is too complex"
	reasonSNSJSON       = "FilterPolicy: failed to parse JSON."
)

const (
	// maxSubRules caps the expansion of $or into alternatives.
	maxSubRules = 1000
	// SNS limits (Amazon SNS developer guide, "Filter policy constraints").
	snsMaxKeys         = 5
	snsMaxCombinations = 150
)

// reservedInOr are the names event-ruler refuses as field names inside $or.
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true,
	"cidr": true, "html": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true,
	"date-on-or-before": true, "in-date-range": true,
	"ip-address-in-range": true, "ip-address-not-in-range": true,
}

// field is one named field of a sub-rule with its alternatives.
type field struct {
	path   string // names joined with '.', as event-ruler joins them
	ms     []matcher
	absent bool
	wcs    []*wildcard // positive wildcard operands, for the complexity check
	depth  int         // nesting depth in the source (SNS combinations)
	count  int         // number of alternatives in the source (SNS combinations)
}

// rule is one sub-rule: the fields that must all match. Adding a field whose
// path is already there replaces it, as in event-ruler.
type rule []*field

func (r rule) put(f *field) rule {
	for i, g := range r {
		if g.path == f.path {
			r[i] = f
			return r
		}
	}
	return append(r, f)
}

func copyRules(rs []rule) []rule {
	out := make([]rule, len(rs))
	for i, r := range rs {
		out[i] = append(rule(nil), r...)
	}
	return out
}

// compiler follows event-ruler's JsonRuleCompiler token by token, so that the
// first problem in document order is the one reported, in its words.
type compiler struct {
	p       *puller
	d       dialect
	path    []string
	topKeys map[string]bool
	empty   bool // the whole filter is {} (allowed for SNS)
}

func (c *compiler) fail(reason string) error { return &Error{Reason: c.d.prefix + reason} }

func (c *compiler) syntax() error {
	if c.d.sns {
		return &Error{Reason: reasonSNSJSON}
	}
	return &Error{Reason: reasonInvalidJSON}
}

func (c *compiler) next() (tok, error) {
	t, err := c.p.next()
	if err != nil {
		return 0, c.syntax()
	}
	return t, nil
}

func compile(src []byte, d dialect) (*Pattern, error) {
	text := string(src)
	c := &compiler{p: newPuller(text), d: d, topKeys: map[string]bool{}}
	t, err := c.next()
	if err != nil {
		return nil, err
	}
	if t != tokStartObject {
		return nil, c.fail("Filter is not an object")
	}
	var rules []rule
	if err := c.parseObject(&rules, 1, false, true); err != nil {
		return nil, err
	}
	if c.p.trailing() {
		return nil, c.syntax()
	}
	if d.sns {
		if len(c.topKeys) > snsMaxKeys {
			return nil, &Error{Reason: reasonSNSKeys}
		}
		if snsCombinations(rules) > snsMaxCombinations {
			return nil, &Error{Reason: reasonSNSComplex}
		}
	}
	if err := c.checkWildcards(rules); err != nil {
		return nil, err
	}
	p := &Pattern{src: text, matchAll: c.empty}
	for _, r := range rules {
		p.addRule(r)
	}
	return p, nil
}

func (c *compiler) extended(name string) string {
	if len(c.path) == 0 {
		return name
	}
	return strings.Join(c.path, ".") + "." + name
}

func (c *compiler) parseObject(rules *[]rule, depth int, inOr, top bool) error {
	present := false
	for {
		t, err := c.next()
		if err != nil {
			return err
		}
		if t == tokEndObject {
			break
		}
		present = true
		name := c.p.text
		if top {
			c.topKeys[name] = true
		}
		if name == "$or" {
			if err := c.parseOr(rules, depth); err != nil {
				return err
			}
			continue
		}
		if inOr && reservedInOr[name] {
			return c.fail(name + " is Ruler reserved fieldName which cannot be used inside $or.")
		}
		t, err = c.next()
		if err != nil {
			return err
		}
		switch t {
		case tokStartObject:
			if c.d.attrs {
				return &Error{Reason: reasonSNSNested}
			}
			c.path = append(c.path, name)
			err := c.parseObject(rules, depth+1, inOr, false)
			c.path = c.path[:len(c.path)-1]
			if err != nil {
				return err
			}
		case tokStartArray:
			if err := c.writeRules(rules, c.extended(name), depth); err != nil {
				return err
			}
		default:
			return c.fail(`"` + name + `" must be an object or an array`)
		}
	}
	if !present {
		if top && c.d.sns {
			c.empty = true
			return nil
		}
		return c.fail("Empty objects are not allowed")
	}
	return nil
}

func (c *compiler) parseOr(rules *[]rule, depth int) error {
	current := copyRules(*rules)
	*rules = nil
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tokStartArray {
		return c.fail("It must be an Array followed with $or.")
	}
	n := 0
	for {
		t, err := c.next()
		if err != nil {
			return err
		}
		if t == tokEndArray {
			break
		}
		n++
		if t != tokStartObject {
			return c.fail("Only JSON object is allowed in array of $or relationship.")
		}
		branch := copyRules(current)
		if len(branch) == 0 {
			branch = []rule{nil}
		}
		if err := c.parseObject(&branch, depth, true, false); err != nil {
			return err
		}
		*rules = append(*rules, branch...)
		if len(*rules) > maxSubRules {
			return c.fail(reasonTooManyOrs)
		}
	}
	if n < 2 {
		return c.fail("There must have at least 2 Objects in $or relationship.")
	}
	return nil
}

func (c *compiler) writeRules(rules *[]rule, name string, depth int) error {
	f := &field{path: name, depth: depth}
	for {
		t, err := c.next()
		if err != nil {
			return err
		}
		switch t {
		case tokEndArray:
			if f.count == 0 {
				return c.fail("Empty arrays are not allowed")
			}
			if len(*rules) == 0 {
				*rules = []rule{nil}
			}
			for i := range *rules {
				(*rules)[i] = (*rules)[i].put(f)
			}
			return nil
		case tokStartObject:
			if err := c.matchExpression(f); err != nil {
				return err
			}
		case tokString:
			text := c.p.text
			if a, ok := parseIP(text); ok {
				f.ms = append(f.ms, matcher{op: opExactIP, s: text, x: &mextra{ips: ipRange{lo: a, hi: a}}})
			} else {
				f.ms = append(f.ms, matcher{op: opExactString, s: text})
			}
		case tokNumber:
			// The literal, and the number if it is comparable, as event-ruler
			// does for account numbers and the like.
			v, ok := comparable(c.p.text)
			f.ms = append(f.ms, matcher{op: opExactNumber, s: c.p.text, lo: v, numOK: ok})
		case tokNull:
			f.ms = append(f.ms, matcher{op: opExactLiteral, kind: kNull})
		case tokTrue:
			f.ms = append(f.ms, matcher{op: opExactLiteral, kind: kTrue})
		case tokFalse:
			f.ms = append(f.ms, matcher{op: opExactLiteral, kind: kFalse})
		default:
			return c.fail("Match value must be String, number, true, false, or null")
		}
		f.count++
	}
}

// comparable parses a number operand and reports whether it is inside the
// range numeric matching supports.
func comparable(lit string) (float64, bool) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || f < -maxNumber || f > maxNumber {
		return 0, false
	}
	return f, true
}

// expectEnd consumes the end of a match expression object.
func (c *compiler) expectEnd(reason string) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tokEndObject {
		return c.fail(reason)
	}
	return nil
}

const onlyOneKey = "Only one key allowed in match expression"
const tooManyElements = "Too many elements in numeric expression"

// matchExpression compiles { "<operator>": ... } after its opening brace.
func (c *compiler) matchExpression(f *field) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	if t != tokField {
		return c.fail("Match expression name not found")
	}
	name := c.p.text
	switch name {
	case "exactly":
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokString {
			return c.fail("exact match pattern must be a string")
		}
		f.ms = append(f.ms, matcher{op: opExactString, s: c.p.text})
		return c.expectEnd(onlyOneKey)
	case "prefix", "suffix":
		if t, err = c.next(); err != nil {
			return err
		}
		if t == tokStartObject {
			return c.foldAffix(f, name)
		}
		if t != tokString {
			return c.fail(name + " match pattern must be a string")
		}
		o := opPrefix
		if name == "suffix" {
			o = opSuffix
		}
		f.ms = append(f.ms, matcher{op: o, s: c.p.text})
		return c.expectEnd(onlyOneKey)
	case "numeric":
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokStartArray {
			return c.fail("Value of numeric must be an array.")
		}
		m, err := c.numeric()
		if err != nil {
			return err
		}
		f.ms = append(f.ms, m)
		return c.expectEnd(tooManyElements)
	case "anything-but":
		return c.anythingBut(f)
	case "exists":
		if t, err = c.next(); err != nil {
			return err
		}
		switch t {
		case tokTrue:
			f.ms = append(f.ms, matcher{op: opExists, nonNull: c.d.sns})
		case tokFalse:
			f.absent = true
		default:
			return c.fail("exists match pattern must be either true or false.")
		}
		return c.expectEnd(onlyOneKey)
	case "cidr":
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokString {
			return c.fail("prefix match pattern must be a string")
		}
		r, reason := parseCIDR(c.p.text)
		if reason != "" {
			return c.fail(reason)
		}
		f.ms = append(f.ms, matcher{op: opCIDR, x: &mextra{ips: r}})
		return c.expectEnd(onlyOneKey)
	case "equals-ignore-case":
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokString {
			return c.fail("equals-ignore-case match pattern must be a string")
		}
		f.ms = append(f.ms, matcher{op: opEqualsFold, s: c.p.text})
		return c.expectEnd(onlyOneKey)
	case "wildcard":
		if c.d.sns {
			break
		}
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokString {
			return c.fail("wildcard match pattern must be a string")
		}
		w, reason := parseWildcard(c.p.text)
		if reason != "" {
			return c.fail(reason)
		}
		f.ms = append(f.ms, matcher{op: opWildcard, wc: w})
		f.wcs = append(f.wcs, w)
		return c.expectEnd(onlyOneKey)
	}
	return c.fail("Unrecognized match type " + name)
}

// foldAffix compiles {"prefix"|"suffix": {"equals-ignore-case": "..."}}.
func (c *compiler) foldAffix(f *field, name string) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	title := "Prefix"
	if name == "suffix" {
		title = "Suffix"
	}
	if t != tokField {
		return c.fail(title + " expression name not found")
	}
	if c.p.text != "equals-ignore-case" {
		return c.fail("Unsupported " + name + " pattern: " + c.p.text)
	}
	if t, err = c.next(); err != nil {
		return err
	}
	if t != tokString {
		return c.fail("equals-ignore-case match pattern must be a string")
	}
	o := opPrefixFold
	if name == "suffix" {
		o = opSuffixFold
	}
	f.ms = append(f.ms, matcher{op: o, s: c.p.text})
	if err := c.expectEnd(onlyOneKey); err != nil {
		return err
	}
	return c.expectEnd(onlyOneKey)
}

// numeric compiles the array of a "numeric" expression after its '['.
func (c *compiler) numeric() (matcher, error) {
	t, err := c.next()
	if err != nil {
		return matcher{}, err
	}
	if t != tokString {
		return matcher{}, c.fail("Invalid member in numeric match: " + c.p.tokenText(t))
	}
	operator := c.p.text
	if t, err = c.next(); err != nil {
		return matcher{}, err
	}
	switch operator {
	case "=":
		if t != tokNumber {
			return matcher{}, c.fail("Value of equals must be numeric")
		}
		val := c.p.text
		if t, err = c.next(); err != nil {
			return matcher{}, err
		}
		if t != tokEndArray {
			return matcher{}, c.fail(tooManyElements)
		}
		v, ok := comparable(val)
		if !ok {
			return matcher{}, c.fail(reasonRange)
		}
		return matcher{op: opNumericEqual, lo: v}, nil
	case ">=", ">":
		if t != tokNumber {
			return matcher{}, c.fail("Value of " + operator + " must be numeric")
		}
		bottom := c.p.text
		if t, err = c.next(); err != nil {
			return matcher{}, err
		}
		var open uint8
		if operator == ">" {
			open = openLo
		}
		if t == tokEndArray {
			v, ok := comparable(bottom)
			if !ok {
				return matcher{}, c.fail(reasonRange)
			}
			return matcher{op: opNumeric, lo: v, hi: maxNumber, open: open}, nil
		}
		return c.numericRange(t, bottom, open)
	case "<=", "<":
		if t != tokNumber {
			return matcher{}, c.fail("Value of " + operator + " must be numeric")
		}
		top := c.p.text
		if t, err = c.next(); err != nil {
			return matcher{}, err
		}
		if t != tokEndArray {
			return matcher{}, c.fail(tooManyElements)
		}
		v, ok := comparable(top)
		if !ok {
			return matcher{}, c.fail(reasonRange)
		}
		var open uint8
		if operator == "<" {
			open = openHi
		}
		return matcher{op: opNumeric, lo: -maxNumber, hi: v, open: open}, nil
	}
	return matcher{}, c.fail("Unrecognized numeric range operator: " + operator)
}

func (c *compiler) numericRange(t tok, bottom string, open uint8) (matcher, error) {
	if t != tokString {
		return matcher{}, c.fail("Bad value in numeric range: " + c.p.tokenText(t))
	}
	operator := c.p.text
	switch operator {
	case "<":
		open |= openHi
	case "<=":
	default:
		return matcher{}, c.fail("Bad numeric range operator: " + operator)
	}
	t, err := c.next()
	if err != nil {
		return matcher{}, err
	}
	if t != tokNumber {
		return matcher{}, c.fail("Value of " + operator + " must be numeric")
	}
	top := c.p.text
	if t, err = c.next(); err != nil {
		return matcher{}, err
	}
	if t != tokEndArray {
		return matcher{}, c.fail("Too many terms in numeric range expression")
	}
	lo, ok := comparable(bottom)
	if !ok {
		return matcher{}, c.fail(reasonRange)
	}
	hi, ok := comparable(top)
	if !ok {
		return matcher{}, c.fail(reasonRange)
	}
	if lo >= hi {
		return matcher{}, c.fail("Bottom must be less than top")
	}
	return matcher{op: opNumeric, lo: lo, hi: hi, open: open}, nil
}

// anythingBut compiles the operand of "anything-but" after its name.
func (c *compiler) anythingBut(f *field) error {
	t, err := c.next()
	if err != nil {
		return err
	}
	set := "" // "", or the nested operator: equals-ignore-case, prefix, suffix, wildcard
	if t == tokStartObject {
		if t, err = c.next(); err != nil {
			return err
		}
		if t != tokField {
			return c.fail("Anything-but expression name not found")
		}
		set = c.p.text
		switch set {
		case "equals-ignore-case", "prefix", "suffix":
		case "wildcard":
			if c.d.sns {
				return c.fail("Unsupported anything-but pattern: " + set)
			}
		default:
			return c.fail("Unsupported anything-but pattern: " + set)
		}
		if t, err = c.next(); err != nil {
			return err
		}
	}
	if t != tokStartArray && t != tokString && t != tokNumber {
		return c.fail("Value of anything-but must be an array or single string/number value.")
	}
	var m matcher
	if set == "" {
		m, err = c.anythingButValues(t)
	} else {
		m, err = c.anythingButSet(t, set)
	}
	if err != nil {
		return err
	}
	f.ms = append(f.ms, m)
	if err := c.expectEnd(tooManyElements); err != nil {
		return err
	}
	if set != "" {
		return c.expectEnd(tooManyElements)
	}
	return nil
}

// anythingButValues compiles a plain anything-but: one string or number, or a
// list of only strings or only numbers.
func (c *compiler) anythingButValues(t tok) (matcher, error) {
	var strs []string
	var nums []float64
	add := func(t tok) error {
		switch t {
		case tokString:
			strs = append(strs, c.p.text)
		case tokNumber:
			v, ok := comparable(c.p.text)
			if !ok {
				return c.fail(reasonRange)
			}
			nums = append(nums, v)
		default:
			return c.fail("Inside anything but list, start|null|boolean is not supported.")
		}
		return nil
	}
	if t == tokStartArray {
		for {
			t, err := c.next()
			if err != nil {
				return matcher{}, err
			}
			if t == tokEndArray {
				break
			}
			if err := add(t); err != nil {
				return matcher{}, err
			}
		}
		if (strs != nil) == (nums != nil) {
			return matcher{}, c.fail(reasonMixed)
		}
	} else if err := add(t); err != nil {
		return matcher{}, err
	}
	if nums != nil {
		return matcher{op: opButNumbers, x: &mextra{nums: nums}}, nil
	}
	return matcher{op: opButStrings, x: &mextra{strs: strs}}, nil
}

// anythingButSet compiles anything-but of equals-ignore-case, prefix, suffix
// or wildcard: one string or a list of strings (possibly empty).
func (c *compiler) anythingButSet(t tok, set string) (matcher, error) {
	var strs []string
	add := func(t tok) error {
		if t != tokString {
			switch set {
			case "equals-ignore-case":
				return c.fail("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
			case "wildcard":
				return c.fail("wildcard match pattern must be a string")
			}
			return c.fail("prefix/suffix match pattern must be a string")
		}
		if (set == "prefix" || set == "suffix") && c.p.text == "" {
			return c.fail("Null prefix/suffix not allowed")
		}
		strs = append(strs, c.p.text)
		return nil
	}
	if t == tokStartArray {
		for {
			t, err := c.next()
			if err != nil {
				return matcher{}, err
			}
			if t == tokEndArray {
				break
			}
			if err := add(t); err != nil {
				return matcher{}, err
			}
		}
	} else if err := add(t); err != nil {
		return matcher{}, err
	}
	switch set {
	case "equals-ignore-case":
		return matcher{op: opButFold, x: &mextra{strs: strs}}, nil
	case "prefix":
		return matcher{op: opButPrefix, x: &mextra{strs: strs}}, nil
	case "suffix":
		return matcher{op: opButSuffix, x: &mextra{strs: strs}}, nil
	}
	m := matcher{op: opButWildcard, x: &mextra{}}
	for _, s := range strs {
		w, reason := parseWildcard(s)
		if reason != "" {
			return matcher{}, c.fail(reason)
		}
		m.x.wcs = append(m.x.wcs, w)
	}
	return m, nil
}

// checkWildcards applies the wildcard complexity limit to each field, over
// the wildcard operands the whole pattern gives it.
func (c *compiler) checkWildcards(rules []rule) error {
	// A field's machine holds each distinct operand once.
	byPath := map[string][]*wildcard{}
	seen := map[string]bool{}
	var paths []string
	for _, r := range rules {
		for _, f := range r {
			for _, w := range f.wcs {
				if seen[f.path+"\x00"+w.src] {
					continue
				}
				seen[f.path+"\x00"+w.src] = true
				if byPath[f.path] == nil {
					paths = append(paths, f.path)
				}
				byPath[f.path] = append(byPath[f.path], w)
			}
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		if wildcardComplexity(byPath[path], wildcardComplexityLimit) > wildcardComplexityLimit {
			return c.fail(reasonWildcardLimit)
		}
	}
	return nil
}

// snsCombinations counts a filter policy's combinations as SNS documents it:
// per alternative of $or, the product over its fields of the number of
// values times the field's nesting depth; alternatives add up.
func snsCombinations(rules []rule) int {
	const ceiling = 1 << 30
	total := 0
	for _, r := range rules {
		n := 1
		for _, f := range r {
			n *= f.count * f.depth
			if n > ceiling {
				n = ceiling
			}
		}
		total += n
		if total > ceiling {
			return ceiling
		}
	}
	return total
}

// tnode is a sub-rule as a tree while it is being built.
type tnode struct {
	seg  string
	f    *field
	kids []*tnode
}

// addRule adds a sub-rule to p as a tree keyed by the '.'-separated segments
// of its paths, so that {"a.b": ...} and {"a": {"b": ...}} coincide, as they
// do in event-ruler.
func (p *Pattern) addRule(r rule) {
	root := &tnode{}
	for _, f := range r {
		nd := root
		for _, seg := range strings.Split(f.path, ".") {
			var next *tnode
			for _, k := range nd.kids {
				if k.seg == seg {
					next = k
					break
				}
			}
			if next == nil {
				next = &tnode{seg: seg}
				nd.kids = append(nd.kids, next)
			}
			nd = next
		}
		nd.f = f
	}
	p.roots = append(p.roots, int32(len(p.nodes)))
	p.nodes = append(p.nodes, pnode{})
	p.place(root, int32(len(p.nodes)-1))
}

// place fills node at from t, children contiguous and cheap leaves first.
func (p *Pattern) place(t *tnode, at int32) bool {
	sort.SliceStable(t.kids, func(i, j int) bool {
		return len(t.kids[i].kids) == 0 && len(t.kids[j].kids) != 0
	})
	nd := pnode{seg: t.seg, hash: keyHash(t.seg), kids: int32(len(p.nodes)), nkids: int32(len(t.kids))}
	if t.f != nil {
		nd.leaf, nd.absent = true, t.f.absent
		nd.ms, nd.nms = int32(len(p.ms)), int32(len(t.f.ms))
		p.ms = append(p.ms, t.f.ms...)
	}
	ok := !nd.leaf || nd.absent
	p.nodes = append(p.nodes, make([]pnode, len(t.kids))...)
	for i, k := range t.kids {
		if !p.place(k, nd.kids+int32(i)) {
			ok = false
		}
	}
	nd.absentOK = ok
	p.nodes[at] = nd
	return ok
}
