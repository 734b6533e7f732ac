package partiql

import (
	"slices"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// KeyEquality returns the values that the WHERE clause fixes for the key
// attributes keys (the table's hash key, then its range key if it has
// one) with equalities joined by AND, as UPDATE and DELETE require, and
// the rest of the condition (nil when nothing is left), which the write
// must check on the item. An OR, NOT, IN or BETWEEN is kept whole in the
// rest. It fails with DynamoDB's text when a key has no equality or two
// different ones. EXISTS and the SELECTs of a transaction or a batch use
// it too: they need the whole key (and, for a SELECT, nothing else).
func (s *Statement) KeyEquality(keys ...string) (key map[string]Value, rest *Expr, err error) {
	if s.Where == nil {
		return nil, nil, validation(MsgIncompleteKey)
	}
	key = make(map[string]Value, len(keys))
	rest, err = extractKeys(s.Where, keys, key)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		if _, ok := key[k]; !ok {
			return nil, nil, validation(MsgIncompleteKey)
		}
	}
	return key, rest, nil
}

// terminal reports whether no argument of e is an operator, DynamoDB's
// test for an atomic condition.
func (e *Expr) terminal() bool {
	for _, a := range e.Args {
		if a.isOpNode() {
			return false
		}
	}
	return true
}

func extractKeys(e *Expr, keys []string, found map[string]Value) (*Expr, error) {
	if e.terminal() {
		ok, err := keyEquality(e, keys, found)
		if ok || err != nil {
			return nil, err
		}
		return e, nil
	}
	if e.Op != OpAnd {
		return e, nil
	}
	l, err := extractKeys(e.Args[0], keys, found)
	if err != nil {
		return nil, err
	}
	r, err := extractKeys(e.Args[1], keys, found)
	if err != nil {
		return nil, err
	}
	switch {
	case l != nil && r != nil:
		return &Expr{Op: OpAnd, Args: []*Expr{l, r}}, nil
	case l != nil:
		return l, nil
	}
	return r, nil
}

// pathAndValues returns the first path argument of e and its value
// arguments, as DynamoDB picks them out of a condition.
func (e *Expr) pathAndValues() (path Path, values []Value) {
	for _, a := range e.Args {
		switch a.Op {
		case OpPath:
			if path == nil {
				path = a.Path
			}
		case OpValue:
			values = append(values, a.Value)
		}
	}
	return path, values
}

func keyEquality(e *Expr, keys []string, found map[string]Value) (bool, error) {
	path, values := e.pathAndValues()
	if path == nil || len(values) == 0 || !slices.Contains(keys, path.Name()) {
		return false, nil
	}
	name := path.Name()
	if len(path) > 1 {
		return false, errorf(MsgKeyNested, name)
	}
	if e.Op != OpEq {
		return false, nil
	}
	if v, ok := found[name]; ok && !attr.Equal(&v, &values[0]) {
		return false, errorf(MsgMultipleKeyConds, name)
	}
	found[name] = values[0]
	return true, nil
}

// ReadPlan is how a SELECT reads: a Scan, or one Query or GetItem per
// KeyRead. Either way every item read must then match Statement.Where.
type ReadPlan struct {
	Scan  bool
	Reads []KeyRead
	// Ordered is set by ORDER BY: the reads are sorted by hash key, and
	// the items of each read must be returned in range key order
	// (descending when RangeDesc); HashDesc reverses the hash order.
	Ordered             bool
	HashDesc, RangeDesc bool
}

// KeyRead is one key condition: the hash key's value and, optionally, a
// condition on the range key.
type KeyRead struct {
	Hash  Value
	Range *RangeCond
}

// RangeCond is a range key condition of Query: Op is OpEq, OpLt, OpLe,
// OpGt, OpGe, OpBetween (two values) or OpBeginsWith.
type RangeCond struct {
	Op     Op
	Values []Value
}

// maxAlternatives bounds the work of decomposing a WHERE clause into key
// reads.
const maxAlternatives = 1000

// PlanRead decides how a SELECT reads a table (or index) whose key is
// hashKey and rangeKey (empty for none). The WHERE clause is decomposed
// into alternatives joined by OR: when each fixes the hash key with = or IN
// the statement reads by key, otherwise it scans. A NOT or an operator
// other than =, <, <=, >, >=, BETWEEN and begins_with on a key attribute
// takes the statement out of the range checks, as DynamoDB does; on the
// range key alone it reads the partitions the alternatives fix whole
// (see partitionReads). Two reads of one partition whose range conditions
// overlap fail with DynamoDB's text, as do the ORDER BY rules.
func (s *Statement) PlanRead(hashKey, rangeKey string) (*ReadPlan, error) {
	plan := &ReadPlan{Scan: true}
	if s.Where != nil {
		d := decomposer{hash: hashKey, rng: rangeKey}
		alts, scan, err := d.walk(s.Where)
		if err != nil {
			return nil, err
		}
		if scan {
			plan.Reads = partitionReads(s.Where, hashKey, rangeKey)
			plan.Scan = plan.Reads == nil
		} else if !slices.ContainsFunc(alts, func(a alt) bool { return a.hash == nil }) {
			plan.Scan = false
			for _, a := range alts {
				plan.Reads = append(plan.Reads, KeyRead{Hash: *a.hash, Range: a.cond})
			}
			for i := range alts {
				for j := i + 1; j < len(alts); j++ {
					if attr.Equal(alts[i].hash, alts[j].hash) && alts[i].iv.overlaps(alts[j].iv) {
						return nil, validation(MsgOverlapping)
					}
				}
			}
		}
	}
	if len(s.OrderBy) == 0 {
		return plan, nil
	}
	if s.Where == nil {
		return nil, validation(MsgOrderByNoWhere)
	}
	if !nonOptionalHash(s.Where, hashKey) {
		return nil, validation(MsgOrderByNoHash)
	}
	byHash := false
	for _, o := range s.OrderBy {
		switch o.Name {
		case hashKey:
			byHash = true
			plan.HashDesc = o.Desc
		case rangeKey:
			plan.RangeDesc = o.Desc
		default:
			return nil, errorf(MsgOrderByNotKey, o.Name)
		}
	}
	if !byHash {
		for i := 1; i < len(plan.Reads); i++ {
			if !attr.Equal(&plan.Reads[0].Hash, &plan.Reads[i].Hash) {
				return nil, validation(MsgOrderByNeedsHash)
			}
		}
	}
	plan.Ordered = true
	slices.SortStableFunc(plan.Reads, func(a, b KeyRead) int {
		c, _ := attr.Compare(&a.Hash, &b.Hash)
		if plan.HashDesc {
			c = -c
		}
		if c != 0 {
			return c
		}
		c = compareLower(a.Range, b.Range)
		if plan.RangeDesc {
			c = -c
		}
		return c
	})
	return plan, nil
}

// partitionReads is the fallback of a WHERE clause that a key read cannot
// express only because of a condition on the range key (NOT, <>, IN, a
// function): when every alternative still fixes the hash key, each of
// those partitions is read whole, once, and the WHERE clause filters what
// comes back. It returns nil when some alternative leaves the hash key
// open, which means a scan.
func partitionReads(where *Expr, hashKey, rangeKey string) []KeyRead {
	d := decomposer{hash: hashKey, rng: rangeKey, rangeFilter: true}
	alts, scan, err := d.walk(where)
	if err != nil || scan || len(alts) == 0 || slices.ContainsFunc(alts, func(a alt) bool { return a.hash == nil }) {
		return nil
	}
	var reads []KeyRead
	for _, a := range alts {
		if !slices.ContainsFunc(reads, func(r KeyRead) bool { return attr.Equal(&r.Hash, a.hash) }) {
			reads = append(reads, KeyRead{Hash: *a.hash})
		}
	}
	return reads
}

// compareLower orders two range conditions by their lower bounds.
func compareLower(a, b *RangeCond) int {
	la, lb := lowerOf(a), lowerOf(b)
	switch {
	case la == nil && lb == nil:
		return 0
	case la == nil:
		return -1
	case lb == nil:
		return 1
	}
	c, _ := attr.Compare(la, lb)
	return c
}

func lowerOf(r *RangeCond) *Value {
	if r == nil {
		return nil
	}
	switch r.Op {
	case OpEq, OpGt, OpGe, OpBetween, OpBeginsWith:
		return &r.Values[0]
	}
	return nil
}

// nonOptionalHash reports whether every alternative of e has a condition
// with a value on the hash key (DynamoDB's test for ORDER BY).
func nonOptionalHash(e *Expr, hash string) bool {
	if e.terminal() {
		path, values := e.pathAndValues()
		return path != nil && path.Name() == hash && len(values) > 0
	}
	switch e.Op {
	case OpOr:
		return nonOptionalHash(e.Args[0], hash) && nonOptionalHash(e.Args[1], hash)
	case OpNot:
		return false
	}
	for _, a := range e.Args {
		if a.isOpNode() && nonOptionalHash(a, hash) {
			return true
		}
	}
	return false
}

// bound is one end of a range key interval; a nil v is unbounded.
type bound struct {
	v    *Value
	incl bool
}

// interval is the range key values a read covers.
type interval struct{ lo, hi bound }

// overlaps reports whether two intervals share a value. Values of types
// that do not compare are taken not to overlap.
func (a interval) overlaps(b interval) bool {
	return before(a.lo, b.hi) && before(b.lo, a.hi)
}

// before reports whether lower bound lo is below upper bound hi.
func before(lo, hi bound) bool {
	if lo.v == nil || hi.v == nil {
		return true
	}
	c, ok := attr.Compare(lo.v, hi.v)
	if !ok {
		return false
	}
	return c < 0 || (c == 0 && lo.incl && hi.incl)
}

// intersect narrows a by b; ok is false when types do not compare.
func (a interval) intersect(b interval) (interval, bool) {
	lo, ok := tighter(a.lo, b.lo, 1)
	if !ok {
		return a, false
	}
	hi, ok := tighter(a.hi, b.hi, -1)
	if !ok {
		return a, false
	}
	return interval{lo, hi}, true
}

// tighter picks the tighter of two bounds: the greater lower bound
// (sign 1) or the smaller upper bound (sign -1).
func tighter(x, y bound, sign int) (bound, bool) {
	switch {
	case x.v == nil:
		return y, true
	case y.v == nil:
		return x, true
	}
	c, ok := attr.Compare(x.v, y.v)
	switch {
	case !ok:
		return x, false
	case c*sign > 0:
		return x, true
	case c*sign < 0:
		return y, true
	}
	return bound{x.v, x.incl && y.incl}, true
}

// empty reports whether no value lies in the interval.
func (a interval) empty() bool {
	return a.lo.v != nil && a.hi.v != nil && !before(a.lo, a.hi)
}

// cond is the Query condition covering the interval.
func (a interval) cond() *RangeCond {
	switch {
	case a.lo.v == nil && a.hi.v == nil:
		return nil
	case a.lo.v == nil && a.hi.incl:
		return &RangeCond{Op: OpLe, Values: []Value{*a.hi.v}}
	case a.lo.v == nil:
		return &RangeCond{Op: OpLt, Values: []Value{*a.hi.v}}
	case a.hi.v == nil && a.lo.incl:
		return &RangeCond{Op: OpGe, Values: []Value{*a.lo.v}}
	case a.hi.v == nil:
		return &RangeCond{Op: OpGt, Values: []Value{*a.lo.v}}
	}
	if c, _ := attr.Compare(a.lo.v, a.hi.v); c == 0 {
		return &RangeCond{Op: OpEq, Values: []Value{*a.lo.v}}
	}
	// BETWEEN is inclusive; the WHERE filter drops the excluded ends.
	return &RangeCond{Op: OpBetween, Values: []Value{*a.lo.v, *a.hi.v}}
}

// prefixEnd is the least value above every value that starts with p, or
// nil when there is none (p is all 0xff).
func prefixEnd(p Value) *Value {
	var b []byte
	if p.S != nil {
		b = []byte(*p.S)
	} else {
		b = slices.Clone(p.B)
	}
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return nil
	}
	b[len(b)-1]++
	if p.S != nil {
		s := string(b)
		return &Value{S: &s}
	}
	return &Value{B: b}
}

// alt is one alternative of a decomposed WHERE clause.
type alt struct {
	hash *Value
	cond *RangeCond // the Query condition; nil for the whole partition
	iv   interval   // what cond covers, narrowed by other conditions
}

type decomposer struct {
	hash, rng string
	// rangeFilter leaves the range key conditions a Query cannot express
	// to the filter instead of scanning.
	rangeFilter bool
}

// whole is the one alternative that fixes no key.
func whole() []alt { return []alt{{}} }

// walk decomposes e; scan reports a condition that forces a scan.
func (d decomposer) walk(e *Expr) (alts []alt, scan bool, err error) {
	switch e.Op {
	case OpOr:
		l, scan, err := d.walk(e.Args[0])
		if err != nil || scan {
			return nil, scan, err
		}
		r, scan, err := d.walk(e.Args[1])
		if err != nil || scan {
			return nil, scan, err
		}
		if len(l)+len(r) > maxAlternatives {
			return nil, false, validation(MsgTooManyReads)
		}
		return append(slices.Clip(l), r...), false, nil
	case OpAnd:
		l, scan, err := d.walk(e.Args[0])
		if err != nil || scan {
			return nil, scan, err
		}
		r, scan, err := d.walk(e.Args[1])
		if err != nil || scan {
			return nil, scan, err
		}
		if len(l)*len(r) > maxAlternatives {
			return nil, false, validation(MsgTooManyReads)
		}
		var out []alt
		for _, a := range l {
			for _, b := range r {
				if m, ok := merge(a, b); ok {
					out = append(out, m)
				}
			}
		}
		return out, false, nil
	case OpNot:
		if d.mentionsKey(e) && !(d.rangeFilter && !d.mentionsHash(e)) {
			return nil, true, nil
		}
		return whole(), false, nil
	}
	return d.atom(e)
}

func (d decomposer) isKey(p Path) bool {
	return p.Name() == d.hash || (d.rng != "" && p.Name() == d.rng)
}

func (d decomposer) mentionsHash(e *Expr) bool {
	if e.Op == OpPath {
		return e.Path.Name() == d.hash
	}
	return slices.ContainsFunc(e.Args, d.mentionsHash)
}

func (d decomposer) mentionsKey(e *Expr) bool {
	if e.Op == OpPath {
		return d.isKey(e.Path)
	}
	return slices.ContainsFunc(e.Args, d.mentionsKey)
}

// merge joins two alternatives with AND; ok is false when they cannot
// both hold.
func merge(a, b alt) (alt, bool) {
	out := a
	switch {
	case a.hash == nil:
		out.hash = b.hash
	case b.hash != nil && !attr.Equal(a.hash, b.hash):
		return alt{}, false
	}
	switch {
	case b.cond == nil:
	case a.cond == nil:
		out.cond, out.iv = b.cond, b.iv
	default:
		iv, ok := a.iv.intersect(b.iv)
		if !ok {
			return out, true
		}
		if iv.empty() {
			return alt{}, false
		}
		out.iv = iv
		if a.cond.Op != OpBeginsWith && b.cond.Op != OpBeginsWith {
			out.cond = iv.cond()
		}
	}
	return out, true
}

func (d decomposer) atom(e *Expr) ([]alt, bool, error) {
	var path Path
	for _, a := range e.Args {
		if a.Op == OpPath && d.isKey(a.Path) {
			path = a.Path
			break
		}
	}
	if path == nil {
		return whole(), false, nil
	}
	if d.rangeFilter && path.Name() != d.hash {
		// A condition on the range key alone: the filter applies it. (A
		// hash key condition elsewhere in the node is not one a read can
		// use either.)
		if !d.mentionsHash(e) {
			return whole(), false, nil
		}
	}
	if len(path) > 1 {
		return nil, true, nil
	}
	_, values := e.pathAndValues()
	if path.Name() == d.hash {
		switch {
		case e.Op == OpEq && len(values) == 0:
			return whole(), false, nil
		case e.Op == OpEq:
			return []alt{{hash: &values[0]}}, false, nil
		case e.Op == OpIn && e.Args[0].Op == OpPath && len(values) == len(e.Args)-1:
			if len(values) > maxAlternatives {
				return nil, false, validation(MsgTooManyReads)
			}
			alts := make([]alt, len(values))
			for i := range values {
				alts[i] = alt{hash: &values[i]}
			}
			return alts, false, nil
		}
		return nil, true, nil
	}
	var iv interval
	switch e.Op {
	case OpEq, OpLt, OpLe, OpGt, OpGe:
		if len(values) != 1 {
			return whole(), false, nil
		}
		op := e.Op
		if e.Args[1].Op == OpPath { // 5 < sk is sk > 5
			op = map[Op]Op{OpEq: OpEq, OpLt: OpGt, OpLe: OpGe, OpGt: OpLt, OpGe: OpLe}[op]
		}
		v := &values[0]
		switch op {
		case OpEq:
			iv = interval{bound{v, true}, bound{v, true}}
		case OpLt, OpLe:
			iv = interval{hi: bound{v, op == OpLe}}
		default:
			iv = interval{lo: bound{v, op == OpGe}}
		}
		return []alt{{cond: &RangeCond{Op: op, Values: []Value{*v}}, iv: iv}}, false, nil
	case OpBetween:
		if e.Args[0].Op != OpPath || len(values) != 2 {
			return whole(), false, nil
		}
		iv = interval{bound{&values[0], true}, bound{&values[1], true}}
		if iv.empty() {
			return nil, false, nil
		}
		return []alt{{cond: &RangeCond{Op: OpBetween, Values: values}, iv: iv}}, false, nil
	case OpBeginsWith:
		if e.Args[0].Op != OpPath || len(values) != 1 || (values[0].S == nil && values[0].B == nil) {
			return whole(), false, nil
		}
		iv = interval{lo: bound{&values[0], true}, hi: bound{prefixEnd(values[0]), false}}
		return []alt{{cond: &RangeCond{Op: OpBeginsWith, Values: values}, iv: iv}}, false, nil
	}
	return nil, true, nil
}

// CheckKeyType checks a key value against the key's schema type ("S", "N"
// or "B"), with DynamoDB's text.
func CheckKeyType(name string, v Value, typ string) error {
	if attr.Type(&v) != typ {
		return errorf(MsgKeyTypeMismatch, name)
	}
	return nil
}

// CheckItemKey checks that an INSERT's item holds key attribute name with
// the schema type typ.
func CheckItemKey(item map[string]Value, name, typ string) error {
	v, ok := item[name]
	if !ok {
		return errorf(MsgKeyAbsent, name)
	}
	return CheckKeyType(name, v, typ)
}
