package dynamodb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
	"github.com/hako-dev/hako/internal/service/dynamodb/expr"
	"github.com/hako-dev/hako/internal/service/dynamodb/partiql"
	"github.com/hako-dev/hako/internal/store"
)

// PartiQL statements run on the machinery of the item operations: a write
// is a writeOp applied through Service.apply (so index entries and stream
// records are written with it), its WHERE clause beyond the key is a
// condition on the item, and an UPDATE's SET and REMOVE clauses become an
// UpdateItem update expression, so the document path rules, the errors and
// the MODIFIED projections are UpdateItem's. A SELECT reads with the pages
// of Query and Scan, one per key read of its plan.

// pqlErr maps the errors of packages partiql, attr and expr to
// ValidationException with their texts.
func pqlErr(err error) error {
	var pe *partiql.Error
	if errors.As(err, &pe) {
		return validation(pe.Msg)
	}
	return exprErr(err)
}

func errDuplicateItem() *awserr.Error {
	return apiErr("DuplicateItemException", partiql.MsgDuplicateItem)
}

// parseStatement validates the parameters and parses the statement.
func parseStatement(statement string, params []attr.Value) (*partiql.Statement, error) {
	if err := partiql.CheckParameters(params); err != nil {
		return nil, pqlErr(err)
	}
	st, err := partiql.Parse(statement, params)
	if err != nil {
		return nil, pqlErr(err)
	}
	return st, nil
}

// keyNames returns the key attributes of ks: the hash key, then the range
// key if there is one.
func keyNames(ks keySchema) []string {
	if ks.SK == "" {
		return []string{ks.PK}
	}
	return []string{ks.PK, ks.SK}
}

func keyTypeOf(ks keySchema, name string) string {
	if name == ks.SK {
		return ks.SKType
	}
	return ks.PKType
}

// checkExprValues validates and canonicalises the values in a WHERE
// clause or an update value (literals and parameters), as the expression
// APIs check their ExpressionAttributeValues.
func checkExprValues(e *partiql.Expr) error {
	if e == nil {
		return nil
	}
	if e.Op == partiql.OpValue {
		if err := attr.Check(&e.Value); err != nil {
			return pqlErr(err)
		}
	}
	for _, a := range e.Args {
		if err := checkExprValues(a); err != nil {
			return err
		}
	}
	return nil
}

// statementKey returns the primary key a statement's WHERE clause fixes
// with equalities, checked against the table's schema, and the rest of
// the clause.
func statementKey(t *tableMeta, st *partiql.Statement) (itemKey, attr.Item, *partiql.Expr, error) {
	names := keyNames(t.Keys)
	key, rest, err := st.KeyEquality(names...)
	if err != nil {
		return itemKey{}, nil, nil, pqlErr(err)
	}
	for _, n := range names {
		if err := partiql.CheckKeyType(n, key[n], keyTypeOf(t.Keys, n)); err != nil {
			return itemKey{}, nil, nil, pqlErr(err)
		}
	}
	k, err := checkKey(t, key)
	if err != nil {
		return itemKey{}, nil, nil, err
	}
	return k, key, rest, nil
}

// pqlWrite is a prepared INSERT, UPDATE, DELETE or EXISTS.
type pqlWrite struct {
	st *partiql.Statement
	op *writeOp
	// where is the WHERE clause beyond the key: a condition on the item.
	where *partiql.Expr
}

// prepareWrite resolves a write statement's table and key and validates
// everything that does not need the item.
func (s *Service) prepareWrite(ctx context.Context, st *partiql.Statement, onFail *string) (*pqlWrite, error) {
	t, err := s.table(ctx, &st.Table)
	if err != nil {
		return nil, err
	}
	w := &pqlWrite{st: st, op: &writeOp{t: t, onFail: onFail}}
	if st.Kind == partiql.Insert {
		for _, n := range keyNames(t.Keys) {
			if err := partiql.CheckItemKey(st.Item, n, keyTypeOf(t.Keys, n)); err != nil {
				return nil, pqlErr(err)
			}
		}
		if err := checkValues(st.Item); err != nil {
			return nil, err
		}
		k, err := checkNewItem(t, st.Item)
		if err != nil {
			return nil, err
		}
		w.op.k, w.op.put = k, st.Item
		return w, nil
	}
	k, key, rest, err := statementKey(t, st)
	if err != nil {
		return nil, err
	}
	if err := checkExprValues(rest); err != nil {
		return nil, err
	}
	w.op.k, w.op.key, w.where = k, key, rest
	switch st.Kind {
	case partiql.Delete:
		w.op.del = true
	case partiql.Exists:
		w.op.check = true
	case partiql.Update:
		for _, c := range st.Updates {
			if err := checkExprValues(c.Value); err != nil {
				return nil, err
			}
		}
		// Built once with stand-ins for the SET values, for the errors
		// the update's paths have whatever the item holds.
		upd, err := buildUpdate(st.Updates, nil)
		if err != nil {
			return nil, err
		}
		if err := checkUpdateTargets(t, upd); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// buildUpdate writes an UPDATE's clauses as an UpdateItem update
// expression and parses it. vals holds the values of the SET clauses,
// computed on the item; nil stands the literals (or NULL) in for them.
func buildUpdate(clauses []partiql.UpdateClause, vals []attr.Value) (*expr.Update, error) {
	names := map[string]string{}
	subs := map[string]string{}
	values := map[string]attr.Value{}
	path := func(p partiql.Path) string {
		var b strings.Builder
		for i, e := range p {
			if e.IsIndex {
				b.WriteString("[" + strconv.Itoa(e.Index) + "]")
				continue
			}
			if i > 0 {
				b.WriteByte('.')
			}
			sub, ok := subs[e.Name]
			if !ok {
				sub = "#n" + strconv.Itoa(len(subs))
				subs[e.Name], names[sub] = sub, e.Name
			}
			b.WriteString(sub)
		}
		return b.String()
	}
	value := func(v attr.Value) string {
		sub := ":v" + strconv.Itoa(len(values))
		values[sub] = v
		return sub
	}
	var set, remove, add, del []string
	for i, c := range clauses {
		switch c.Action {
		case partiql.ActionSet:
			v := attr.Value{NULL: ptr(true)}
			switch {
			case vals != nil:
				v = vals[i]
			case c.Value.Op == partiql.OpValue:
				v = c.Value.Value
			}
			set = append(set, path(c.Path)+" = "+value(v))
		case partiql.ActionRemove:
			remove = append(remove, path(c.Path))
		case partiql.ActionAdd:
			add = append(add, path(c.Path)+" "+value(c.Value.Value))
		case partiql.ActionDelete:
			del = append(del, path(c.Path)+" "+value(c.Value.Value))
		}
	}
	var sections []string
	for _, sec := range []struct {
		kw    string
		parts []string
	}{{"SET", set}, {"REMOVE", remove}, {"ADD", add}, {"DELETE", del}} {
		if len(sec.parts) > 0 {
			sections = append(sections, sec.kw+" "+strings.Join(sec.parts, ", "))
		}
	}
	r := &expr.Request{Names: names}
	if len(values) > 0 {
		r.Values = values
	}
	upd, err := r.Update(strings.Join(sections, " "))
	if err != nil {
		// The expression is ours: its errors carry no parameter name.
		var ae *attr.Error
		if errors.As(err, &ae) {
			return nil, validation(strings.TrimPrefix(ae.Msg, "Invalid UpdateExpression: "))
		}
		return nil, err
	}
	return upd, nil
}

// check applies what the statement requires of the item as it is (nil:
// none). skip reports a DELETE of an item that does not exist: there is
// nothing to do, and its condition is not evaluated.
func (w *pqlWrite) check(old attr.Item) (skip bool, err error) {
	switch w.st.Kind {
	case partiql.Insert:
		if old != nil {
			return false, errDuplicateItem()
		}
		return false, nil
	case partiql.Delete:
		if old == nil {
			return true, nil
		}
	default:
		// UPDATE is not an upsert, and EXISTS needs the item.
		if old == nil {
			return false, errConditionalCheckFailed(nil)
		}
	}
	if w.where == nil {
		return false, nil
	}
	ok, err := w.where.Match(old)
	if err != nil {
		return false, pqlErr(err)
	}
	if !ok {
		var item attr.Item
		if deref(w.op.onFail) == "ALL_OLD" {
			item = old
		}
		return false, errConditionalCheckFailed(item)
	}
	return false, nil
}

// compute sets the item after the write. An UPDATE's SET values are
// computed on the item before the update, as UpdateItem computes them,
// and the update is then UpdateItem's.
func (w *pqlWrite) compute() error {
	if w.st.Kind == partiql.Update {
		old := w.op.ch.old
		vals := make([]attr.Value, len(w.st.Updates))
		for i, c := range w.st.Updates {
			if c.Action != partiql.ActionSet {
				continue
			}
			v, missing, err := c.Value.Eval(old)
			if err != nil {
				return pqlErr(err)
			}
			if missing {
				return validation(partiql.MsgMissingAttribute)
			}
			vals[i] = v
		}
		upd, err := buildUpdate(w.st.Updates, vals)
		if err != nil {
			return err
		}
		w.op.upd = upd
	}
	return w.op.compute()
}

// returned is what the statement's RETURNING clause returns, nil for
// nothing (no clause, no item, or an empty MODIFIED projection).
func (w *pqlWrite) returned() attr.Item {
	ch := w.op.ch
	var src attr.Item
	switch w.st.Returning {
	case "ALL_OLD":
		return ch.old
	case "ALL_NEW":
		return ch.new
	case "MODIFIED_OLD":
		src = ch.old
	case "MODIFIED_NEW":
		src = ch.new
	}
	if src == nil || w.op.upd == nil {
		return nil
	}
	if p := w.op.upd.Projection().Apply(src); len(p) > 0 {
		return p
	}
	return nil
}

// runPQLWrite executes one write statement in tx.
func (s *Service) runPQLWrite(ctx context.Context, tx *store.Tx, w *pqlWrite) error {
	op := w.op
	if err := op.lock(ctx, tx); err != nil {
		return err
	}
	if err := op.load(ctx, tx); err != nil {
		return err
	}
	skip, err := w.check(op.ch.old)
	if err != nil || skip {
		return err
	}
	if err := w.compute(); err != nil {
		return err
	}
	return s.apply(ctx, tx, op.ch)
}

// ExecuteStatement runs one PartiQL statement.
func (s *Service) ExecuteStatement(ctx context.Context, in *dynamodbapi.ExecuteStatementInput) (*dynamodbapi.ExecuteStatementOutput, error) {
	st, err := parseStatement(deref(in.Statement), in.Parameters)
	if err != nil {
		return nil, err
	}
	switch st.Kind {
	case partiql.Exists:
		return nil, validation(partiql.MsgExistsNotTx)
	case partiql.Select:
		return s.executeSelect(ctx, in, st)
	}
	w, err := s.prepareWrite(ctx, st, in.ReturnValuesOnConditionCheckFailure)
	if err != nil {
		return nil, err
	}
	if err := s.st.Update(ctx, func(tx *store.Tx) error { return s.runPQLWrite(ctx, tx, w) }); err != nil {
		return nil, err
	}
	out := &dynamodbapi.ExecuteStatementOutput{Items: []map[string]dynamodbapi.AttributeValue{}}
	if it := w.returned(); it != nil {
		out.Items = append(out.Items, it)
	}
	c := newCapacity(in.ReturnConsumedCapacity, w.op.t.Name)
	c.addWrite(w.op.ch, 1)
	out.ConsumedCapacity = c.out()
	return out, nil
}

// pqlSelect is one page of a SELECT.
type pqlSelect struct {
	src        *source
	st         *partiql.Statement
	consistent bool
	cap        *capacity
	// full fetches the table's item for a projection that reaches past
	// a local index's attributes (nil when none does).
	full func(attr.Item) attr.Item
	err  error
}

// match is the page's shape function: the item when it matches the
// WHERE clause, nil otherwise.
func (p *pqlSelect) match(it attr.Item) attr.Item {
	if p.err != nil {
		return nil
	}
	if p.st.Where != nil {
		ok, err := p.st.Where.Match(it)
		if err != nil {
			p.err = pqlErr(err)
			return nil
		}
		if !ok {
			return nil
		}
	}
	return it
}

// project applies the SELECT list: each path's value under its last name
// (SELECT a.b returns {"b": ...}).
func (p *pqlSelect) project(it attr.Item) map[string]dynamodbapi.AttributeValue {
	if p.full != nil {
		it = p.full(it)
	}
	if p.st.Projection == nil {
		return it
	}
	out := attr.Item{}
	for _, path := range p.st.Projection {
		if v, ok := path.Get(it); ok {
			out[path.OutputName()] = v
		}
	}
	return out
}

// charge adds one read's capacity.
func (p *pqlSelect) charge(bytes int) {
	u := readUnits(bytes, p.consistent)
	if p.src.ix != nil {
		p.cap.addIndex(p.src.ix, u)
	} else {
		p.cap.addTable(u)
	}
}

// keyRead is one read of a SELECT's plan: a Query of one partition (q),
// or a Scan (q nil); none marks a read that cannot match any item (a key
// value of another type than the schema's).
type keyRead struct {
	q    *rangeQuery
	desc bool
	none bool
}

var keyOps = map[partiql.Op]expr.KeyOp{
	partiql.OpEq: expr.KeyEQ, partiql.OpLt: expr.KeyLT, partiql.OpLe: expr.KeyLE, partiql.OpGt: expr.KeyGT,
	partiql.OpGe: expr.KeyGE, partiql.OpBetween: expr.KeyBetween, partiql.OpBeginsWith: expr.KeyBeginsWith,
}

func planReads(src *source, plan *partiql.ReadPlan) []keyRead {
	if plan.Scan {
		return []keyRead{{}}
	}
	reads := make([]keyRead, len(plan.Reads))
	for i, r := range plan.Reads {
		kr := keyRead{desc: plan.Ordered && plan.RangeDesc}
		if attr.Type(&r.Hash) != src.ks.PKType {
			kr.none = true
			reads[i] = kr
			continue
		}
		pk := attr.KeyBytes(&r.Hash)
		kr.q = &rangeQuery{h: partitionHash(pk), pk: pk}
		if rc := r.Range; rc != nil && src.ks.SK != "" {
			for j := range rc.Values {
				if attr.Type(&rc.Values[j]) != src.ks.SKType {
					kr.none = true
				}
			}
			if !kr.none {
				kr.q.conds = skRange(keyOps[rc.Op], rc.Values)
			}
		}
		reads[i] = kr
	}
	return reads
}

// checkIndexAttributes refuses a SELECT on an index that does not project
// every attribute the WHERE clause reads, or, on a global index, every
// attribute the SELECT list returns (a local index fetches those from the
// table).
func checkIndexAttributes(src *source, st *partiql.Statement) error {
	ix := src.ix
	if ix == nil || deref(ix.Projection.ProjectionType) == "ALL" {
		return nil
	}
	missing := func(names []string) []string {
		var out []string
		for _, n := range names {
			if !indexProjects(src.t, ix, n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	if st.Where != nil {
		if m := missing(st.Where.Names()); len(m) > 0 {
			return validation(fmt.Sprintf(partiql.MsgIndexFilter, ix.Name, strings.Join(m, ", ")))
		}
	}
	if !ix.Local {
		if m := missing(projectionNames(st)); len(m) > 0 {
			return validation(fmt.Sprintf(partiql.MsgIndexProjection, ix.Name, strings.Join(m, ", ")))
		}
	}
	return nil
}

func indexProjects(t *tableMeta, ix *indexMeta, name string) bool {
	switch name {
	case t.Keys.PK, t.Keys.SK, ix.Keys.PK, ix.Keys.SK:
		return true
	}
	return deref(ix.Projection.ProjectionType) == "ALL" || slices.Contains(ix.Projection.NonKeyAttributes, name)
}

// projectionNames returns the top-level attributes of a SELECT list.
func projectionNames(st *partiql.Statement) []string {
	var names []string
	for _, p := range st.Projection {
		if !slices.Contains(names, p.Name()) {
			names = append(names, p.Name())
		}
	}
	return names
}

// pqlToken is a SELECT's NextToken: where the next page starts, bound to
// the request that issued it.
type pqlToken struct {
	Binding string `json:"b"`
	// Read is the index of the plan's read to continue; Pos the position
	// in it (nil: its start).
	Read int       `json:"r,omitempty"`
	Pos  *tokenPos `json:"p,omitempty"`
	// Offset is how many sorted items an ordered scan has returned.
	Offset int `json:"o,omitempty"`
}

type tokenPos struct {
	H   int64  `json:"h"`
	IPK []byte `json:"ipk"`
	ISK []byte `json:"isk"`
	PK  []byte `json:"pk"`
	SK  []byte `json:"sk"`
}

func (p *tokenPos) position() position {
	if p == nil {
		return position{}
	}
	return position{set: true, h: p.H, ipk: p.IPK, isk: nonNil(p.ISK), pk: p.PK, sk: nonNil(p.SK)}
}

// tokenBinding identifies the request a token belongs to: the table (as
// created, so a token outlives no table), the index, the statement and
// its parameters. A different Limit is the same request.
func tokenBinding(ctx context.Context, src *source, statement string, params []attr.Value) string {
	ri := reqinfo.From(ctx)
	p, _ := json.Marshal(params)
	index := ""
	if src.ix != nil {
		index = src.ix.Name
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{ri.Account, ri.Region, src.t.TableID, index, statement, string(p)}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

func decodeToken(s *string, binding string) (pqlToken, error) {
	var t pqlToken
	if s == nil {
		return t, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	if err != nil || json.Unmarshal(b, &t) != nil || t.Read < 0 || t.Offset < 0 {
		return t, validation(partiql.MsgTokenInvalid)
	}
	if t.Binding != binding {
		return t, validation(partiql.MsgTokenMismatch)
	}
	return t, nil
}

func encodeToken(t *pqlToken) *string {
	b, _ := json.Marshal(t)
	return ptr(base64.RawURLEncoding.EncodeToString(b))
}

// executeSelect runs one page of a SELECT: the reads of its plan in order,
// each a Query or a Scan page, until Limit items were read or 1 MB; the
// WHERE clause filters what they read.
func (s *Service) executeSelect(ctx context.Context, in *dynamodbapi.ExecuteStatementInput, st *partiql.Statement) (*dynamodbapi.ExecuteStatementOutput, error) {
	t, err := s.table(ctx, &st.Table)
	if err != nil {
		return nil, err
	}
	src := &source{t: t, ks: t.Keys}
	if st.Index != "" {
		ix := t.index(st.Index)
		if ix == nil {
			return nil, validation(partiql.MsgNoSuchIndex)
		}
		src = &source{t: t, ix: ix, ks: ix.Keys}
	}
	p := &pqlSelect{src: src, st: st, consistent: deref(in.ConsistentRead), cap: newCapacity(in.ReturnConsumedCapacity, t.Name)}
	if src.ix != nil && !src.ix.Local && p.consistent {
		return nil, validation(partiql.MsgConsistentReadGSI)
	}
	if err := checkExprValues(st.Where); err != nil {
		return nil, err
	}
	if err := checkIndexAttributes(src, st); err != nil {
		return nil, err
	}
	if ix := src.ix; ix != nil && ix.Local && slices.ContainsFunc(projectionNames(st), func(n string) bool { return !indexProjects(t, ix, n) }) {
		var fetched int // PartiQL charges reads by what it returns
		p.full = s.shaper(ctx, src, "ALL_ATTRIBUTES", nil, &fetched)
	}
	plan, err := st.PlanRead(src.ks.PK, src.ks.SK)
	if err != nil {
		return nil, pqlErr(err)
	}
	binding := tokenBinding(ctx, src, deref(in.Statement), in.Parameters)
	tok, err := decodeToken(in.NextToken, binding)
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ExecuteStatementOutput{Items: []map[string]dynamodbapi.AttributeValue{}}
	var next *pqlToken
	if plan.Scan && plan.Ordered {
		next, err = s.orderedScan(ctx, p, plan, tok, int(deref(in.Limit)), out)
	} else {
		next, err = s.selectPage(ctx, p, planReads(src, plan), tok, int(deref(in.Limit)), out)
	}
	if err != nil {
		return nil, err
	}
	if next != nil {
		next.Binding = binding
		out.NextToken = encodeToken(next)
	}
	out.ConsumedCapacity = p.cap.out()
	return out, nil
}

// selectPage reads from the token's place on, and returns the token of
// the next page (nil after the last).
func (s *Service) selectPage(ctx context.Context, p *pqlSelect, reads []keyRead, tok pqlToken, limit int, out *dynamodbapi.ExecuteStatementOutput) (*pqlToken, error) {
	scanned, bytes := 0, 0
	for i := tok.Read; i < len(reads); i++ {
		r := reads[i]
		if r.none {
			continue
		}
		var pos position
		if i == tok.Read {
			pos = tok.Pos.position()
		}
		want := 0
		if limit > 0 {
			want = limit - scanned
		}
		res, err := s.page(ctx, p.src, r.q, pos, r.desc, want, nil, p.match)
		if err != nil {
			return nil, err
		}
		if p.err != nil {
			return nil, p.err
		}
		p.charge(res.bytes)
		for _, it := range res.items {
			if it != nil {
				out.Items = append(out.Items, p.project(it))
			}
		}
		scanned += res.scanned
		bytes += res.bytes
		if res.last != nil {
			at, err := startPosition(p.src, res.last)
			if err != nil {
				return nil, err
			}
			return &pqlToken{Read: i, Pos: &tokenPos{H: at.h, IPK: at.ipk, ISK: at.isk, PK: at.pk, SK: at.sk}}, nil
		}
		if (limit > 0 && scanned >= limit) || bytes >= pageBytes {
			if i+1 < len(reads) {
				return &pqlToken{Read: i + 1}, nil
			}
			return nil, nil
		}
	}
	return nil, nil
}

// orderedScan serves a SELECT whose ORDER BY needs the key order while
// its WHERE clause leaves it scanning (WHERE pk > 'a' ORDER BY pk): it
// reads every matching item, sorts them, and pages through the sorted
// items with Limit counting the items returned.
func (s *Service) orderedScan(ctx context.Context, p *pqlSelect, plan *partiql.ReadPlan, tok pqlToken, limit int, out *dynamodbapi.ExecuteStatementOutput) (*pqlToken, error) {
	var items []attr.Item
	var pos position
	for {
		res, err := s.page(ctx, p.src, nil, pos, false, 0, nil, p.match)
		if err != nil {
			return nil, err
		}
		if p.err != nil {
			return nil, p.err
		}
		p.charge(res.bytes)
		for _, it := range res.items {
			if it != nil {
				items = append(items, it)
			}
		}
		if res.last == nil {
			break
		}
		if pos, err = startPosition(p.src, res.last); err != nil {
			return nil, err
		}
	}
	ks := p.src.ks
	cmp := func(a, b attr.Item, name string, desc bool) int {
		if name == "" {
			return 0
		}
		x, y := a[name], b[name]
		c, _ := attr.Compare(&x, &y)
		if desc {
			c = -c
		}
		return c
	}
	sort.SliceStable(items, func(i, j int) bool {
		if c := cmp(items[i], items[j], ks.PK, plan.HashDesc); c != 0 {
			return c < 0
		}
		return cmp(items[i], items[j], ks.SK, plan.RangeDesc) < 0
	})
	end := len(items)
	if limit > 0 && tok.Offset+limit < end {
		end = tok.Offset + limit
	}
	for _, it := range items[min(tok.Offset, len(items)):end] {
		out.Items = append(out.Items, p.project(it))
	}
	if end < len(items) {
		return &pqlToken{Offset: end}, nil
	}
	return nil, nil
}

// batchCodes are the codes of BatchStatementError for the errors a
// statement of a batch can fail with.
var batchCodes = map[string]string{
	"ValidationException":                      "ValidationError",
	"ConditionalCheckFailedException":          "ConditionalCheckFailed",
	"ResourceNotFoundException":                "ResourceNotFound",
	"DuplicateItemException":                   "DuplicateItem",
	"ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
}

// batchError turns a statement's failure into its response's Error; ok is
// false for a failure of the request as a whole (a store error).
func batchError(err error) (*dynamodbapi.BatchStatementError, bool) {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		return nil, false
	}
	code, ok := batchCodes[ae.Code]
	if !ok {
		return nil, false
	}
	e := &dynamodbapi.BatchStatementError{Code: ptr(code), Message: ptr(ae.Message)}
	if item, ok := ae.Fields["Item"].(map[string]dynamodbapi.AttributeValue); ok {
		e.Item = item
	}
	return e, true
}

// BatchExecuteStatement runs up to 25 statements, all reads or all
// writes, each on its own: a statement that fails has an Error in its
// response and the others run.
func (s *Service) BatchExecuteStatement(ctx context.Context, in *dynamodbapi.BatchExecuteStatementInput) (*dynamodbapi.BatchExecuteStatementOutput, error) {
	out := &dynamodbapi.BatchExecuteStatementOutput{Responses: make([]dynamodbapi.BatchStatementResponse, len(in.Statements))}
	sts := make([]*partiql.Statement, len(in.Statements))
	reads, writes := 0, 0
	for i, r := range in.Statements {
		st, err := parseStatement(deref(r.Statement), r.Parameters)
		if err == nil && st.Kind == partiql.Exists {
			err = validation(partiql.MsgExistsNotTx)
		}
		if err != nil {
			e, ok := batchError(err)
			if !ok {
				return nil, err
			}
			out.Responses[i].Error = e
			continue
		}
		sts[i] = st
		if st.Kind == partiql.Select {
			reads++
		} else {
			writes++
		}
		if reads > 0 && writes > 0 {
			return nil, validation(partiql.MsgBatchMixed)
		}
	}
	var err error
	if reads > 0 {
		err = s.batchRead(ctx, in, sts, out)
	} else {
		err = s.batchWrite(ctx, in, sts, out)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// batchCapacity accumulates a batch's capacity per table, in the order
// the tables come.
type batchCapacity struct {
	mode   *string
	tables map[string]*capacity
	order  []string
}

func (b *batchCapacity) of(t *tableMeta) *capacity {
	if b.tables == nil {
		b.tables = map[string]*capacity{}
	}
	c := b.tables[t.Name]
	if c == nil {
		c = newCapacity(b.mode, t.Name)
		b.tables[t.Name] = c
		b.order = append(b.order, t.Name)
	}
	return c
}

func (b *batchCapacity) out() []dynamodbapi.ConsumedCapacity {
	var out []dynamodbapi.ConsumedCapacity
	for _, n := range b.order {
		if cc := b.tables[n].out(); cc != nil {
			out = append(out, *cc)
		}
	}
	return out
}

// batchRead reads the items the SELECTs of a batch name by their whole
// primary key.
func (s *Service) batchRead(ctx context.Context, in *dynamodbapi.BatchExecuteStatementInput, sts []*partiql.Statement, out *dynamodbapi.BatchExecuteStatementOutput) error {
	type get struct {
		i  int
		t  *tableMeta
		k  itemKey
		st *partiql.Statement
	}
	var gets []get
	seen := map[string]bool{}
	for i, st := range sts {
		if st == nil {
			continue
		}
		t, k, err := s.batchSelectKey(ctx, st)
		if err != nil {
			e, ok := batchError(err)
			if !ok {
				return err
			}
			out.Responses[i].Error = e
			continue
		}
		id := t.TableID + "\x00" + string(k.pk) + "\x00" + string(k.sk)
		if seen[id] {
			return validation("Provided list of item keys contains duplicates")
		}
		seen[id] = true
		gets = append(gets, get{i: i, t: t, k: k, st: st})
	}
	caps := &batchCapacity{mode: in.ReturnConsumedCapacity}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		for _, g := range gets {
			item, err := readItem(ctx, tx, g.t, g.k)
			if err != nil {
				return err
			}
			r := &out.Responses[g.i]
			r.TableName = ptr(g.t.Name)
			if item != nil {
				r.Item = (&pqlSelect{st: g.st}).project(item)
			}
			caps.of(g.t).addTable(readUnits(attr.ItemSize(item), deref(in.Statements[g.i].ConsistentRead)))
		}
		return nil
	})
	out.ConsumedCapacity = caps.out()
	return err
}

// batchSelectKey resolves a batch SELECT: its table and the whole primary
// key its WHERE clause must consist of.
func (s *Service) batchSelectKey(ctx context.Context, st *partiql.Statement) (*tableMeta, itemKey, error) {
	t, err := s.table(ctx, &st.Table)
	if err != nil {
		return nil, itemKey{}, err
	}
	bad := validation(partiql.MsgBatchSelectKey)
	if st.Index != "" {
		return nil, itemKey{}, bad
	}
	key, rest, err := st.KeyEquality(keyNames(t.Keys)...)
	if err != nil || rest != nil {
		return nil, itemKey{}, bad
	}
	for _, n := range keyNames(t.Keys) {
		if err := partiql.CheckKeyType(n, key[n], keyTypeOf(t.Keys, n)); err != nil {
			return nil, itemKey{}, pqlErr(err)
		}
	}
	k, err := checkKey(t, key)
	return t, k, err
}

// batchWrite runs the writes of a batch, each in its own store
// transaction: one failing does not undo the others.
func (s *Service) batchWrite(ctx context.Context, in *dynamodbapi.BatchExecuteStatementInput, sts []*partiql.Statement, out *dynamodbapi.BatchExecuteStatementOutput) error {
	ws := make([]*pqlWrite, len(sts))
	seen := map[string]bool{}
	for i, st := range sts {
		if st == nil {
			continue
		}
		w, err := s.prepareWrite(ctx, st, in.Statements[i].ReturnValuesOnConditionCheckFailure)
		if err != nil {
			e, ok := batchError(err)
			if !ok {
				return err
			}
			out.Responses[i].Error = e
			continue
		}
		id := w.op.t.TableID + "\x00" + string(w.op.k.pk) + "\x00" + string(w.op.k.sk)
		if seen[id] {
			return validation("Provided list of item keys contains duplicates")
		}
		seen[id] = true
		ws[i] = w
	}
	caps := &batchCapacity{mode: in.ReturnConsumedCapacity}
	for i, w := range ws {
		if w == nil {
			continue
		}
		r := &out.Responses[i]
		r.TableName = ptr(w.op.t.Name)
		err := s.st.Update(ctx, func(tx *store.Tx) error { return s.runPQLWrite(ctx, tx, w) })
		if err != nil {
			e, ok := batchError(err)
			if !ok {
				return err
			}
			r.Error = e
			continue
		}
		if it := w.returned(); it != nil {
			r.Item = it
		}
		caps.of(w.op.t).addWrite(w.op.ch, 1)
	}
	out.ConsumedCapacity = caps.out()
	return nil
}

// txStatementErr prefixes a statement's validation error with its place
// in the transaction, as DynamoDB does.
func txStatementErr(i int, err error) error {
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.Code == "ValidationException" {
		return validation(fmt.Sprintf(partiql.MsgTxStatement, i, ae.Message))
	}
	return err
}

// txKeyErrors are the texts of the key checks DynamoDB reports for a
// transaction's write as a cancellation reason rather than a validation
// error of the request.
var txKeyErrors = []string{
	partiql.MsgIncompleteKey,
	"Multiple conditions on same key ",
	"Key attribute should be present in the item: ",
	"Key attribute's data type should match its data type in table's schema: ",
}

// txCanceled is TransactionCanceledException with a reason per action.
func txCanceled(reasons []dynamodbapi.CancellationReason) error {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = deref(r.Code)
	}
	e := apiErr("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons ["+strings.Join(codes, ", ")+"]")
	e.Fields = map[string]any{"CancellationReasons": reasons}
	return e
}

// ExecuteTransaction runs up to 100 statements atomically: all SELECTs by
// primary key (one consistent read), or all writes and EXISTS checks
// (every condition is checked before anything is written).
func (s *Service) ExecuteTransaction(ctx context.Context, in *dynamodbapi.ExecuteTransactionInput) (*dynamodbapi.ExecuteTransactionOutput, error) {
	if len(in.TransactStatements) > maxTransactItems {
		return nil, validation("1 validation error detected: Value at 'transactStatements' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	sts := make([]*partiql.Statement, len(in.TransactStatements))
	read := false
	for i, ps := range in.TransactStatements {
		if err := partiql.CheckParameters(ps.Parameters); err != nil {
			return nil, pqlErr(err)
		}
		st, err := partiql.Parse(deref(ps.Statement), ps.Parameters)
		if err != nil {
			return nil, txStatementErr(i, pqlErr(err))
		}
		isRead := st.Kind == partiql.Select
		if i == 0 {
			read = isRead
		} else if isRead != read {
			return nil, validation(partiql.MsgTxMixed)
		}
		sts[i] = st
	}
	if read {
		return s.transactRead(ctx, in, sts)
	}
	return s.transactWrite(ctx, in, sts)
}

// transactRead reads the items SELECTs name by primary key, in one store
// transaction.
func (s *Service) transactRead(ctx context.Context, in *dynamodbapi.ExecuteTransactionInput, sts []*partiql.Statement) (*dynamodbapi.ExecuteTransactionOutput, error) {
	type get struct {
		t *tableMeta
		k itemKey
	}
	gets := make([]get, len(sts))
	for i, st := range sts {
		t, err := s.table(ctx, &st.Table)
		if err != nil {
			return nil, err
		}
		if st.Index != "" {
			return nil, txStatementErr(i, validation(partiql.MsgTxIndexRead))
		}
		key, rest, err := st.KeyEquality(keyNames(t.Keys)...)
		if err != nil || rest != nil {
			return nil, txStatementErr(i, validation(partiql.MsgTxSelectKey))
		}
		for _, n := range keyNames(t.Keys) {
			if err := partiql.CheckKeyType(n, key[n], keyTypeOf(t.Keys, n)); err != nil {
				return nil, txStatementErr(i, pqlErr(err))
			}
		}
		k, err := checkKey(t, key)
		if err != nil {
			return nil, txStatementErr(i, err)
		}
		gets[i] = get{t: t, k: k}
	}
	out := &dynamodbapi.ExecuteTransactionOutput{Responses: make([]dynamodbapi.ItemResponse, len(gets))}
	caps := &batchCapacity{mode: in.ReturnConsumedCapacity}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		for i, g := range gets {
			item, err := readItem(ctx, tx, g.t, g.k)
			if err != nil {
				return err
			}
			if item != nil {
				out.Responses[i].Item = (&pqlSelect{st: sts[i]}).project(item)
			}
			caps.of(g.t).addTable(2 * readUnits(attr.ItemSize(item), true))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = caps.out()
	return out, nil
}

// transactWrite prepares every write and EXISTS, then runs them in one
// store transaction with TransactWriteItems' rules: one target per item,
// cancellation reasons per statement, ClientRequestToken idempotency.
func (s *Service) transactWrite(ctx context.Context, in *dynamodbapi.ExecuteTransactionInput, sts []*partiql.Statement) (*dynamodbapi.ExecuteTransactionOutput, error) {
	raw, _ := json.Marshal(in.TransactStatements)
	if len(raw) > maxTransactBytes {
		return nil, validation("Transaction request size has exceeded the maximum allowed size")
	}
	ws := make([]*pqlWrite, len(sts))
	for i, st := range sts {
		if st.Returning != "" {
			return nil, txStatementErr(i, validation(partiql.MsgTxReturning))
		}
		if st.Kind == partiql.Exists {
			if st.Index != "" {
				return nil, txStatementErr(i, validation(partiql.MsgTxIndexOp))
			}
			t, err := s.table(ctx, &st.Table)
			if err != nil {
				return nil, err
			}
			if _, rest, err := st.KeyEquality(keyNames(t.Keys)...); err != nil || rest == nil {
				return nil, txStatementErr(i, validation(partiql.MsgTxExistsKey))
			}
		}
		w, err := s.prepareWrite(ctx, st, in.TransactStatements[i].ReturnValuesOnConditionCheckFailure)
		if err != nil {
			var ae *awserr.Error
			if errors.As(err, &ae) && ae.Code == "ValidationException" && slices.ContainsFunc(txKeyErrors, func(p string) bool { return strings.HasPrefix(ae.Message, p) }) {
				reasons := make([]dynamodbapi.CancellationReason, len(sts))
				for j := range reasons {
					reasons[j] = dynamodbapi.CancellationReason{Code: ptr("None")}
				}
				reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ValidationError"), Message: ptr(ae.Message)}
				return nil, txCanceled(reasons)
			}
			return nil, txStatementErr(i, err)
		}
		ws[i] = w
	}
	ops := make([]*writeOp, len(ws))
	for i, w := range ws {
		ops[i] = w.op
	}
	if err := oneOpPerItem(ops); err != nil {
		return nil, err
	}
	replayed, err := s.idempotent(ctx, in.ClientRequestToken, raw, func(tx *store.Tx) error {
		return s.runPQLTransaction(ctx, tx, ws)
	})
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.ExecuteTransactionOutput{
		Responses:        []dynamodbapi.ItemResponse{},
		ConsumedCapacity: transactCapacity(in.ReturnConsumedCapacity, ops, replayed),
	}, nil
}

// runPQLTransaction locks every item (in runTransaction's key order, so it
// cannot deadlock with TransactWriteItems), checks every statement, and
// writes only when none failed.
func (s *Service) runPQLTransaction(ctx context.Context, tx *store.Tx, ws []*pqlWrite) error {
	order := slices.Clone(ws)
	slices.SortFunc(order, func(a, b *pqlWrite) int {
		if c := strings.Compare(a.op.t.TableID, b.op.t.TableID); c != 0 {
			return c
		}
		if c := bytes.Compare(a.op.k.pk, b.op.k.pk); c != 0 {
			return c
		}
		return bytes.Compare(a.op.k.sk, b.op.k.sk)
	})
	for _, w := range order {
		if err := w.op.lock(ctx, tx); err != nil {
			return err
		}
	}
	for _, w := range ws {
		if err := w.op.load(ctx, tx); err != nil {
			return err
		}
	}
	reasons := make([]dynamodbapi.CancellationReason, len(ws))
	skips := make([]bool, len(ws))
	failed := false
	for i, w := range ws {
		reasons[i] = dynamodbapi.CancellationReason{Code: ptr("None")}
		skip, err := w.check(w.op.ch.old)
		if err == nil && !skip {
			err = w.compute()
		}
		skips[i] = skip
		if err == nil {
			continue
		}
		failed = true
		var ae *awserr.Error
		if !errors.As(err, &ae) {
			return err
		}
		switch ae.Code {
		case "ConditionalCheckFailedException":
			reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ConditionalCheckFailed"), Message: ptr("The conditional request failed")}
			if deref(w.op.onFail) == "ALL_OLD" && w.op.ch.old != nil {
				reasons[i].Item = w.op.ch.old
			}
		case "ValidationException", "DuplicateItemException":
			reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ValidationError"), Message: ptr(ae.Message)}
		default:
			return err
		}
	}
	if failed {
		return txCanceled(reasons)
	}
	for i, w := range ws {
		if skips[i] || w.op.check {
			continue
		}
		if err := s.apply(ctx, tx, w.op.ch); err != nil {
			return applyErr(err, reasons, i)
		}
	}
	return nil
}
