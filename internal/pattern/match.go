package pattern

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type op uint8

const (
	opExactString  op = iota // "x", {"exactly": "x"}
	opExactNumber            // 5: the same literal, or numerically equal
	opExactLiteral           // true, false, null
	opExactIP                // "10.0.0.1": the same address, however written
	opPrefix
	opPrefixFold
	opSuffix
	opSuffixFold
	opEqualsFold
	opWildcard
	opNumeric      // numeric comparison or range
	opNumericEqual // numeric "="
	opCIDR
	opExists      // {"exists": true}
	opButStrings  // anything-but string or list of strings
	opButNumbers  // anything-but number or list of numbers
	opButFold     // anything-but equals-ignore-case
	opButPrefix   // anything-but prefix
	opButSuffix   // anything-but suffix
	opButWildcard // anything-but wildcard
)

const (
	openLo uint8 = 1 << iota
	openHi
)

// matcher is one value alternative of a field. A struct with a switch
// rather than an interface keeps matching free of indirect calls.
type matcher struct {
	op      op
	kind    kind  // opExactLiteral
	open    uint8 // opNumeric: openLo, openHi
	numOK   bool  // opExactNumber: lo holds the comparable value
	nonNull bool  // opExists: null does not count (SNS)
	s       string
	lo, hi  float64
	wc      *wildcard
	x       *mextra // operands of the rarer operators
}

// mextra holds what only the rarer operators need, keeping matcher small.
type mextra struct {
	ips  ipRange
	strs []string
	nums []float64
	wcs  []*wildcard
}

func (m *matcher) match(v *enode) bool {
	switch m.op {
	case opExactString:
		return v.kind == kString && v.s == m.s
	case opExactNumber:
		return v.kind == kNumber && (v.s == m.s || m.numOK && v.flags&flNumOK != 0 && v.f == m.lo)
	case opExactLiteral:
		return v.kind == m.kind
	case opExactIP:
		if v.kind != kString {
			return false
		}
		a, ok := parseIP(v.s)
		return ok && a == m.x.ips.lo
	case opPrefix:
		return v.kind == kString && strings.HasPrefix(v.s, m.s)
	case opPrefixFold:
		return v.kind == kString && hasPrefixFold(v.s, m.s)
	case opSuffix:
		return v.kind == kString && strings.HasSuffix(v.s, m.s)
	case opSuffixFold:
		return v.kind == kString && hasSuffixFold(v.s, m.s)
	case opEqualsFold:
		return v.kind == kString && strings.EqualFold(v.s, m.s)
	case opWildcard:
		return v.kind == kString && m.wc.match(v.s)
	case opNumeric:
		if v.kind != kNumber || v.flags&flNumOK == 0 {
			return false
		}
		f := v.f
		if m.open&openLo != 0 {
			if f <= m.lo {
				return false
			}
		} else if f < m.lo {
			return false
		}
		if m.open&openHi != 0 {
			return f < m.hi
		}
		return f <= m.hi
	case opNumericEqual:
		return v.kind == kNumber && v.flags&flNumOK != 0 && v.f == m.lo
	case opCIDR:
		if v.kind != kString {
			return false
		}
		a, ok := parseIP(v.s)
		return ok && m.x.ips.contains(a)
	case opExists:
		return !m.nonNull || v.kind != kNull
	case opButStrings:
		if v.kind != kString {
			return true
		}
		for _, s := range m.x.strs {
			if v.s == s {
				return false
			}
		}
		return true
	case opButNumbers:
		if v.kind != kNumber || v.flags&flNumOK == 0 {
			return true
		}
		for _, f := range m.x.nums {
			if v.f == f {
				return false
			}
		}
		return true
	case opButFold:
		if v.kind != kString {
			return true
		}
		for _, s := range m.x.strs {
			if strings.EqualFold(v.s, s) {
				return false
			}
		}
		return true
	case opButPrefix:
		if v.kind != kString {
			return true
		}
		for _, s := range m.x.strs {
			if strings.HasPrefix(v.s, s) {
				return false
			}
		}
		return true
	case opButSuffix:
		if v.kind != kString {
			return true
		}
		for _, s := range m.x.strs {
			if strings.HasSuffix(v.s, s) {
				return false
			}
		}
		return true
	case opButWildcard:
		if v.kind != kString {
			return true
		}
		for _, w := range m.x.wcs {
			if w.match(v.s) {
				return false
			}
		}
		return true
	}
	return false
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(prefix)
		r2, n2 := utf8.DecodeRuneInString(s)
		if !equalFoldRune(r1, r2) {
			return false
		}
		prefix, s = prefix[n1:], s[n2:]
	}
	return true
}

func hasSuffixFold(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeLastRuneInString(suffix)
		r2, n2 := utf8.DecodeLastRuneInString(s)
		if !equalFoldRune(r1, r2) {
			return false
		}
		suffix, s = suffix[:len(suffix)-n1], s[:len(s)-n2]
	}
	return true
}

// result of matching a pattern subtree against a value.
type result uint8

const (
	rNo     result = iota // the subtree does not match
	rAbsent               // it matches because nothing it names is present
	rValue                // it matches and at least one field matched a value
)

// pnode is one step of a compiled sub-rule: a field name (one '.'-separated
// segment of a path) with the alternatives of the field ending here, if any,
// and the steps below it. A Pattern keeps all its pnodes in one slice, the
// children of a node contiguous, and all matchers in another, so matching
// a rule touches little memory.
type pnode struct {
	seg      string
	hash     uint32 // keyHash(seg)
	kids     int32  // index of the first child in Pattern.nodes
	nkids    int32
	ms       int32 // index of the first matcher in Pattern.ms
	nms      int32
	leaf     bool // a field ends here
	absent   bool // its alternatives include "exists": false
	absentOK bool // the subtree holds when nothing under it exists
}

// ref is where a subtree is evaluated: an event node, or the virtual object
// {rem: n} left when a dotted event key ("a.b") was matched by its first
// segments.
type ref struct {
	n    *enode
	rem  string
	virt bool
}

// eval matches the subtree at ni against the value at r. Arrays are
// array-consistent as in event-ruler: every field of a subtree matched
// through an array must come from the same element, while a field required
// to be absent must be absent from every element nothing else pinned.
func (p *Pattern) eval(ni int32, e *Event, r ref) result {
	nd := &p.nodes[ni]
	if !r.virt && r.n.kind == kArray {
		all := true
		for i := r.n.first; i < r.n.first+r.n.n; i++ {
			v := &e.nodes[i]
			var er result
			if nd.nkids == 0 && nd.leaf && v.kind < kObject {
				er = p.leafValue(nd, v)
			} else {
				er = p.eval(ni, e, ref{n: v})
			}
			switch er {
			case rValue:
				return rValue
			case rNo:
				all = false
			}
		}
		if all && nd.absentOK {
			return rAbsent
		}
		return rNo
	}
	res := rAbsent
	if nd.leaf {
		if r.virt || r.n.kind == kObject {
			// An object is not a leaf value: only "exists": false holds.
			if !nd.absent {
				return rNo
			}
		} else if p.leafValue(nd, r.n) == rNo {
			return rNo
		} else {
			res = rValue
		}
	}
	for k := nd.kids; k < nd.kids+nd.nkids; k++ {
		switch p.evalIn(k, e, r) {
		case rNo:
			return rNo
		case rValue:
			res = rValue
		}
	}
	return res
}

// evalIn matches the child ki inside the object at r. Several event keys can
// reach the same name (duplicate keys, or "a.b" next to "a"); they are
// alternatives, like the elements of an array.
func (p *Pattern) evalIn(ki int32, e *Event, r ref) result {
	nd := &p.nodes[ki]
	seg := nd.seg
	hits, all := 0, true
	if r.virt {
		var h ref
		switch {
		case r.rem == seg:
			h = ref{n: r.n}
		case len(r.rem) > len(seg) && r.rem[len(seg)] == '.' && r.rem[:len(seg)] == seg:
			h = ref{n: r.n, rem: r.rem[len(seg)+1:], virt: true}
		default:
			return p.missing(nd)
		}
		return p.eval(ki, e, h)
	}
	obj := r.n
	if obj.kind != kObject {
		return p.missing(nd)
	}
	nodes := e.nodes[obj.first : obj.first+obj.n]
	for i := range nodes {
		v := &nodes[i]
		if v.hash != nd.hash || v.key != seg {
			continue
		}
		hits++
		var cr result
		if nd.nkids == 0 && nd.leaf && v.kind < kObject {
			cr = p.leafValue(nd, v) // the common case, without recursion
		} else {
			cr = p.eval(ki, e, ref{n: v})
		}
		switch cr {
		case rValue:
			return rValue
		case rNo:
			all = false
		}
	}
	if obj.flags&flDotted != 0 {
		for i := range nodes {
			k := nodes[i].key
			if len(k) <= len(seg) || k[len(seg)] != '.' || k[:len(seg)] != seg {
				continue
			}
			hits++
			switch p.eval(ki, e, ref{n: &nodes[i], rem: k[len(seg)+1:], virt: true}) {
			case rValue:
				return rValue
			case rNo:
				all = false
			}
		}
	}
	if hits == 0 {
		return p.missing(nd)
	}
	if all && nd.absentOK {
		return rAbsent
	}
	return rNo
}

// leafValue matches the alternatives of nd against a scalar.
func (p *Pattern) leafValue(nd *pnode, v *enode) result {
	ms := p.ms[nd.ms : nd.ms+nd.nms]
	for i := range ms {
		if ms[i].match(v) {
			return rValue
		}
	}
	return rNo
}

func (p *Pattern) missing(nd *pnode) result {
	if nd.absentOK {
		return rAbsent
	}
	return rNo
}

// keyHash is FNV-1a, used to skip most key comparisons.
func keyHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
