package partiql

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/service/dynamodb/attr"
)

// Texts of DynamoDB's expression validator, which PartiQL conditions and
// SET values run through. Their wording is that of the ConditionExpression
// and UpdateExpression APIs without the "Invalid ConditionExpression: "
// prefix, which PartiQL statements do not carry (recorded against DynamoDB
// for the operand count, document path and operand type texts).
const (
	MsgMisusedFunction   = "The function is not allowed to be used this way in an expression; function: %s"
	MsgFunctionContext   = "The function is not allowed in %s expression; function: %s"
	MsgOperandCount      = "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d"
	MsgNeedsPath         = "Operator or function requires a document path; operator or function: %s"
	MsgOperandTypeFunc   = "Incorrect operand type for operator or function; operator or function: %s, operand type: %s"
	MsgAttributeTypeName = "Invalid attribute type name found; type: %s, valid types: { B, NULL, SS, BOOL, L, BS, N, NS, S, M }"
	MsgNullInNumberSet   = "Numeric sets may not contain null under %s"
	MsgNullInStringSet   = "Value contains null under %s"
)

// Parse parses a statement and binds params to its '?' placeholders, in
// order. It returns an *Error for every statement DynamoDB refuses without
// looking at a table; checks that need the table's key schema are the
// Statement's methods.
func Parse(statement string, params []Value) (st *Statement, err error) {
	toks, lerr := tokenize(statement)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{toks: toks}
	var root *pnode
	func() {
		defer func() {
			if r := recover(); r != nil {
				se, ok := r.(syntaxError)
				if !ok {
					panic(r)
				}
				err = validation(MsgNotWellFormed + se.detail)
			}
		}()
		root = p.parseStatement()
	}()
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range toks {
		if toks[i].kind == tQMark {
			n++
		}
	}
	if n != len(params) {
		return nil, validation(MsgParameterCount)
	}
	t := &translator{params: params}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			st, err = nil, e
		}
	}()
	return t.statement(root), nil
}

// IsError reports whether err is an *Error of this package.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

type translator struct {
	params []Value
}

func (t *translator) fail(format string, args ...any) {
	panic(errorf(format, args...))
}

// failAt fails with DynamoDB's position suffix for n, which DynamoDB adds
// to messages about one node of the statement.
func (t *translator) failAt(n *pnode, format string, args ...any) {
	panic(errorf(format+loc(n), args...))
}

func loc(n *pnode) string {
	if n == nil || n.tok == nil || n.tok.line == 0 {
		return ""
	}
	return fmt.Sprintf(" at %d:%d:%d", n.tok.line, n.tok.col, n.tok.length)
}

// Node classes, as DynamoDB's (old) PartiQL AST names them.
type class uint8

const (
	cOther class = iota
	cLiteral
	cMissing
	cVarRef
	cParameter
	cPath
	cSeq
	cStruct
	cNAry
	cTyped
	cCallAgg
	cSelect
	cDML
)

func classOf(n *pnode) class {
	switch n.typ {
	case pAtom:
		switch n.tok.kind {
		case tMissing:
			return cMissing
		case tIdent, tQIdent:
			return cVarRef
		}
		return cLiteral
	case pParameter:
		return cParameter
	case pPath:
		return cPath
	case pList, pBag:
		return cSeq
	case pStruct:
		return cStruct
	case pUnary:
		if n.tok.text == "@" {
			return cVarRef
		}
		return cNAry
	case pBinary, pTernary:
		if n.tok.text == "is" {
			return cTyped
		}
		return cNAry
	case pCall:
		if isSeqCall(n) {
			return cSeq
		}
		return cNAry
	case pCallAgg:
		return cCallAgg
	case pSelectList, pSelectValue:
		return cSelect
	case pFrom, pInsert, pInsertValue, pSet, pRemove, pDmlList:
		return cDML
	}
	return cOther
}

// isSeqCall reports whether n is list(...) or bag(...), which PartiQL
// reads as literals.
func isSeqCall(n *pnode) bool {
	return n.typ == pCall && n.tok.kind == tKeyword && (n.tok.text == "list" || n.tok.text == "bag")
}

func isBag(n *pnode) bool { return n.typ == pBag || (isSeqCall(n) && n.tok.text == "bag") }

var classNames = [...]string{
	cOther: "ExprNode", cLiteral: "Literal", cMissing: "LiteralMissing", cVarRef: "VariableReference",
	cParameter: "Parameter", cPath: "Path", cSeq: "Seq", cStruct: "Struct", cNAry: "NAry",
	cTyped: "Typed", cCallAgg: "CallAgg", cSelect: "Select", cDML: "DataManipulation",
}

// ionType is Ion's name for a literal's type.
func ionType(tok *token) string {
	switch tok.kind {
	case tNull:
		return "NULL"
	case tIon:
		return ionLiteralType(tok.text)
	}
	switch tok.lit {
	case litString:
		return "STRING"
	case litInt:
		return "INT"
	case litDecimal:
		return "DECIMAL"
	case litBool:
		return "BOOL"
	}
	return "NULL"
}

// ionLiteralType guesses the Ion type of an Ion literal's text, for the
// message that refuses it.
func ionLiteralType(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "DATAGRAM"
	case s[0] == '{' && strings.HasPrefix(s, "{{"):
		return "BLOB"
	case s[0] == '{':
		return "STRUCT"
	case s[0] == '[':
		return "LIST"
	case s[0] == '(':
		return "SEXP"
	case s[0] == '"' || strings.HasPrefix(s, "'''"):
		return "STRING"
	case s[0] == '\'':
		return "SYMBOL"
	case s == "true" || s == "false":
		return "BOOL"
	case strings.HasPrefix(s, "null"):
		return "NULL"
	case isDigit(s[0]) || s[0] == '-':
		switch {
		case strings.ContainsAny(s, "eE"):
			return "FLOAT"
		case strings.ContainsAny(s, ".dD"):
			return "DECIMAL"
		case strings.Contains(s, "T") || strings.Count(s, "-") >= 2:
			return "TIMESTAMP"
		}
		return "INT"
	}
	return "SYMBOL"
}

// identString is how DynamoDB names a node in "Unsupported token in
// expression" and "Unsupported data type" messages.
func identString(n *pnode) string {
	switch classOf(n) {
	case cLiteral:
		switch {
		case n.tok.kind == tNull:
			return "null"
		case n.tok.kind == tIon:
			return n.tok.text
		case n.tok.lit == litString:
			return strconv.Quote(n.tok.text)
		}
		return n.tok.text
	case cMissing:
		return "MISSING"
	case cVarRef:
		if n.typ == pUnary {
			return n.kids[0].tok.text
		}
		return n.tok.text
	case cNAry:
		if n.typ == pCall {
			return strings.ToLower(n.tok.text)
		}
		return naryOp(n)
	case cCallAgg:
		return strings.ToLower(n.tok.text)
	case cTyped:
		return "is"
	case cPath:
		return "PATH"
	case cStruct:
		return "STRUCT"
	case cSeq:
		if isBag(n) {
			return "BAG"
		}
		return "LIST"
	case cParameter:
		return "PARAMETER"
	case cSelect:
		return "SELECT"
	}
	return "UNKNOWN"
}

// naryOp is the PartiQL symbol of an operator node; negated forms (NOT IN,
// IS NOT, ...) are NOT around the positive one.
func naryOp(n *pnode) string {
	switch n.tok.text {
	case "not_in", "not_between", "not_like", "is_not":
		return "not"
	}
	return n.tok.text
}

// positive returns the operand of the NOT that NOT IN, NOT BETWEEN, NOT LIKE
// and IS NOT stand for.
func positive(n *pnode) *pnode {
	tok := *n.tok
	tok.text = strings.TrimPrefix(strings.TrimPrefix(tok.text, "not_"), "is_")
	if n.tok.text == "is_not" {
		tok.text = "is"
	}
	return &pnode{typ: n.typ, tok: &tok, kids: n.kids}
}

func isNegated(n *pnode) bool {
	if n.typ != pBinary && n.typ != pTernary {
		return false
	}
	switch n.tok.text {
	case "not_in", "not_between", "not_like", "is_not":
		return true
	}
	return false
}

// astNames are the PartiQL AST names DynamoDB reports for statements that
// are expressions ("Unsupported operation: IsType").
var astNames = map[string]string{
	"+": "Plus", "-": "Minus", "*": "Times", "/": "Divide", "%": "Modulo", "||": "Concat",
	"=": "Eq", "<>": "Ne", "<": "Lt", "<=": "Lte", ">": "Gt", ">=": "Gte", "and": "And",
	"or": "Or", "in": "InCollection", "is": "IsType", "like": "Like", "between": "Between",
	"union": "Union", "union_all": "Union", "union_distinct": "Union", "intersect": "Intersect",
	"intersect_all": "Intersect", "intersect_distinct": "Intersect", "except": "Except",
	"except_all": "Except", "except_distinct": "Except",
}

func astName(n *pnode) string {
	switch n.typ {
	case pAtom:
		switch classOf(n) {
		case cMissing:
			return "Missing"
		case cVarRef:
			return "Id"
		}
		return "Lit"
	case pParameter:
		return "Parameter"
	case pPath:
		return "Path"
	case pList:
		return "List"
	case pBag:
		return "Bag"
	case pStruct:
		return "Struct"
	case pCall:
		return "Call"
	case pCallAgg:
		return "CallAgg"
	case pUnary:
		switch n.tok.text {
		case "not":
			return "Not"
		case "+":
			return "Pos"
		case "-":
			return "Neg"
		}
		return "Id"
	case pBinary, pTernary:
		if isNegated(n) {
			return "Not"
		}
		if s, ok := astNames[n.tok.text]; ok {
			return s
		}
	}
	return "Expr"
}

// statement translates the top of the parse tree.
func (t *translator) statement(n *pnode) *Statement {
	switch n.typ {
	case pSelectList, pSelectValue:
		return t.selectStatement(n)
	case pFrom:
		return t.dml(n)
	case pInsertValue:
		return t.insert(n)
	case pInsert:
		t.fail(MsgInsertMultiple)
	case pSet, pRemove, pDmlList:
		t.fail(MsgDMLSingleTable)
	case pCall:
		if strings.ToLower(n.tok.text) == "exists" && len(n.kids) == 1 && n.kids[0].typ == pSelectList {
			st := t.selectStatement(n.kids[0])
			st.Kind = Exists
			return st
		}
	}
	t.fail(MsgUnsupportedOp, astName(n))
	return nil
}

func (t *translator) selectStatement(n *pnode) *Statement {
	proj, from, clauses := n.kids[0], n.kids[1], n.kids[2:]
	clause := func(typ ptype) *pnode {
		for _, c := range clauses {
			if c.typ == typ {
				return c
			}
		}
		return nil
	}
	if clause(pGroup) != nil {
		t.fail(MsgUnsupportedClause, "GROUP BY")
	}
	if c := clause(pHaving); c != nil {
		t.failAt(c.kids[0], MsgUnsupportedClause, "HAVING")
	}
	if c := clause(pLimit); c != nil {
		t.failAt(c.kids[0], MsgUnsupportedClause, "LIMIT")
	}
	if proj.typ == pDistinct {
		t.fail(MsgUnsupportedToken, "DISTINCT")
	}
	if c := clause(pOffset); c != nil {
		t.failAt(c.kids[0], MsgUnsupportedClause, "OFFSET")
	}
	if clause(pLet) != nil {
		t.fail(MsgUnsupportedClause, "LET")
	}
	st := &Statement{Kind: Select}
	comps := t.fromSource(from)
	st.Table = comps[0]
	if len(comps) == 2 {
		st.Index = comps[1]
	}
	if n.typ == pSelectValue {
		t.fail(MsgProjectionValue)
	}
	st.Projection = t.projection(proj)
	if w := clause(pWhere); w != nil {
		st.Where = t.condition(w.kids[0])
	}
	if o := clause(pOrderBy); o != nil {
		if st.Where == nil {
			t.fail(MsgOrderByNoWhere)
		}
		for _, spec := range o.kids {
			e := spec.kids[0]
			if classOf(e) != cVarRef {
				t.fail(MsgOrderByNotVar, classNames[classOf(e)])
			}
			st.OrderBy = append(st.OrderBy, OrderBy{Name: t.path(e)[0].Name, Desc: spec.desc})
		}
	}
	return st
}

// fromSource returns the one or two names (table, index) of a FROM clause.
func (t *translator) fromSource(from *pnode) []string {
	src := from.kids[0]
	switch src.typ {
	case pJoin, pUnpivot:
		t.fail(MsgSelectSingleSource)
	case pAsAlias, pAtAlias, pByAlias:
		t.fail(MsgAliasing)
	}
	var path Path
	switch classOf(src) {
	case cVarRef, cPath:
		path = t.path(src)
	default:
		t.fail(MsgUnexpectedFrom)
	}
	if len(path) > 2 {
		t.fail(MsgFromTwoComponents)
	}
	names := make([]string, len(path))
	for i, e := range path {
		if e.IsIndex {
			t.fail(MsgFromListIndex)
		}
		if !validTableName(e.Name) {
			t.fail(MsgTableName)
		}
		names[i] = e.Name
	}
	return names
}

func validTableName(s string) bool {
	if len(s) < 3 || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isIdentStart(c) && c != '$' || isDigit(c) || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func (t *translator) projection(proj *pnode) []Path {
	items := proj.kids
	var paths []Path
	seen := map[string]bool{}
	for _, it := range items {
		switch {
		case it.typ == pProjectAll && len(it.kids) == 0:
			if len(items) > 1 {
				t.fail(MsgStarAndOthers)
			}
			return nil
		case it.typ == pProjectAll:
			t.fail(MsgHierarchy)
		case it.typ == pAsAlias:
			t.fail(MsgAliasing)
		}
		switch classOf(it) {
		case cVarRef, cPath:
			paths = append(paths, t.path(it))
		default:
			t.failAt(it, MsgPathComponent)
		}
	}
	for _, p := range paths {
		c := p.collapsed()
		if seen[c] {
			t.fail(MsgDuplicateProjection, c)
		}
		seen[c] = true
	}
	return paths
}

// path translates a name or a path expression into a document path.
func (t *translator) path(n *pnode) Path {
	switch classOf(n) {
	case cVarRef:
		name := n.tok.text
		if n.typ == pUnary {
			name = n.kids[0].tok.text
		}
		if name == "" {
			t.fail(MsgEmptyPathComponent)
		}
		return Path{{Name: name}}
	case cPath:
	default:
		t.failAt(n, MsgPathComponent)
	}
	root := n.kids[0]
	switch classOf(root) {
	case cSeq:
		t.failAt(root, MsgPathStartsWithIndex)
	case cVarRef:
	default:
		t.failAt(root, MsgPathComponent)
	}
	p := t.path(root)
	for _, c := range n.kids[1:] {
		k := c.kids[0]
		switch k.typ {
		case pPathUnpivot:
			t.failAt(k, MsgUnpivotPath)
		case pPathWildcard:
			t.failAt(k, MsgWildcardPath)
		case pCaseInsAtom, pCaseSensAtom:
			if k.tok.text == "" {
				t.fail(MsgEmptyPathComponent)
			}
			p = append(p, PathElem{Name: k.tok.text})
			continue
		}
		switch classOf(k) {
		case cVarRef:
			p = append(p, t.path(k)[0])
			continue
		case cLiteral:
			switch {
			case k.tok.kind == tLit && k.tok.lit == litString:
				if k.tok.text == "" {
					t.fail(MsgEmptyPathComponent)
				}
				p = append(p, PathElem{Name: k.tok.text})
				continue
			case k.tok.kind == tLit && k.tok.lit == litInt:
				v, ok := new(big.Int).SetString(k.tok.text, 10)
				if !ok {
					t.failAt(k, MsgListIndexRange, k.tok.text)
				}
				if v.Sign() < 0 || v.Cmp(big.NewInt(1<<31-1)) > 0 {
					t.failAt(k, MsgListIndexRange, v.String())
				}
				p = append(p, PathElem{Index: int(v.Int64()), IsIndex: true})
				continue
			}
		}
		t.failAt(k, MsgPathComponent)
	}
	return p
}

// dml translates UPDATE, DELETE and the FROM ... form of UPDATE.
func (t *translator) dml(n *pnode) *Statement {
	op, from := n.kids[0], n.kids[1]
	switch op.typ {
	case pInsertValue, pInsert:
		t.failAt(op, MsgInsertFromWhere)
	}
	comps := t.fromSource(from)
	if len(comps) > 1 {
		t.fail(MsgNotOnIndex)
	}
	st := &Statement{Kind: Update, Table: comps[0]}
	if op.typ == pDelete {
		st.Kind = Delete
	} else {
		ops := []*pnode{op}
		if op.typ == pDmlList {
			ops = op.kids
		}
		for _, o := range ops {
			switch o.typ {
			case pSet:
				for _, a := range o.kids {
					st.Updates = append(st.Updates, t.assignment(a))
				}
			case pRemove:
				st.Updates = append(st.Updates, UpdateClause{Action: ActionRemove, Path: t.target(o.kids[0])})
			default:
				t.fail(MsgUpdateAction)
			}
		}
	}
	if n.where != nil {
		st.Where = t.condition(n.where)
	}
	if n.ret != nil {
		st.Returning = t.returning(n.ret)
		if st.Kind == Delete && st.Returning != "ALL_OLD" {
			t.fail(MsgReturningDelete, returningText[st.Returning])
		}
	}
	return st
}

func (t *translator) target(n *pnode) Path {
	switch classOf(n) {
	case cVarRef, cPath:
		return t.path(n)
	}
	t.failAt(n, MsgAssignmentTarget, identString(n))
	return nil
}

func (t *translator) assignment(a *pnode) UpdateClause {
	target := t.target(a.kids[0])
	rv := a.kids[1]
	if rv.typ == pCall {
		switch name := strings.ToLower(rv.tok.text); name {
		case "set_add", "set_delete":
			op := "ADD"
			action := ActionAdd
			if name == "set_delete" {
				op, action = "DELETE", ActionDelete
			}
			if len(rv.kids) != 2 {
				t.failAt(rv, MsgSetOpArgs, op)
			}
			first := t.expr(rv.kids[0], ctxUpdate)
			second := t.expr(rv.kids[1], ctxUpdate)
			if first.Op != OpPath || !first.Path.Equal(target) {
				t.fail(MsgSetOpFirstArg, op)
			}
			if second.Op != OpValue || (second.Value.SS == nil && second.Value.NS == nil && second.Value.BS == nil) {
				t.failAt(rv.kids[0], MsgSetOpSecondArg, op)
			}
			return UpdateClause{Action: action, Path: target, Value: second}
		}
	}
	return UpdateClause{Action: ActionSet, Path: target, Value: t.expr(rv, ctxUpdate)}
}

// returningText is how DynamoDB writes a ReturnValues in its messages.
var returningText = map[string]string{
	"ALL_OLD": "ALL OLD *", "MODIFIED_OLD": "MODIFIED OLD *", "ALL_NEW": "ALL NEW *", "MODIFIED_NEW": "MODIFIED NEW *",
}

var returningValues = map[string]string{
	"all_old": "ALL_OLD", "modified_old": "MODIFIED_OLD", "all_new": "ALL_NEW", "modified_new": "MODIFIED_NEW",
}

func (t *translator) returning(r *pnode) string {
	if len(r.kids) > 1 {
		t.fail(MsgReturningMultiple)
	}
	elem := r.kids[0]
	if elem.kids[0].typ != pReturningWildcard {
		t.fail(MsgReturningStar)
	}
	return returningValues[elem.tok.text]
}

func (t *translator) insert(n *pnode) *Statement {
	if n.at != nil {
		t.failAt(n, MsgInsertAt)
	}
	if n.conflict != nil {
		t.fail(MsgUnsupportedClause, "ON CONFLICT")
	}
	item := t.item(n.kids[1])
	lv := n.kids[0]
	if classOf(lv) != cVarRef {
		t.failAt(lv, MsgDMLSingleTable)
	}
	st := &Statement{Kind: Insert, Table: t.path(lv)[0].Name, Item: item}
	if n.ret != nil {
		t.fail(MsgReturningInsert)
	}
	return st
}

// item converts INSERT's VALUE, which must be a struct literal.
func (t *translator) item(n *pnode) map[string]Value {
	if n.typ != pStruct {
		t.failAt(n, MsgInsertFormat)
	}
	item := make(map[string]Value, len(n.kids))
	for _, m := range n.kids {
		key, val := m.kids[0], m.kids[1]
		name := t.tupleKey(key, "root")
		var v Value
		switch classOf(val) {
		case cLiteral, cSeq, cStruct:
			v = t.value(val, "root", 0)
		case cParameter:
			v = t.params[val.tok.param-1]
		default:
			t.failAt(val, MsgDataType, identString(val), "root")
		}
		if _, dup := item[name]; dup {
			t.failAt(key, MsgDuplicateTupleKey, name, "root")
		}
		item[name] = v
	}
	return item
}

func (t *translator) tupleKey(key *pnode, path string) string {
	if classOf(key) != cLiteral {
		t.failAt(key, MsgTupleKeyType, classNames[classOf(key)], path)
	}
	if key.tok.kind == tIon {
		t.failAt(key, MsgIonLiteral, ionType(key.tok), path)
	}
	if key.tok.kind != tLit || key.tok.lit != litString {
		t.failAt(key, MsgTupleKeyType, ionType(key.tok), path)
	}
	if key.tok.text == "" {
		t.fail(MsgEmptyPathComponent)
	}
	return key.tok.text
}

// value converts a literal (and the parameters inside it) to an attribute
// value. path names the place in messages: root, root.a, root[1].
func (t *translator) value(n *pnode, path string, depth int) Value {
	if depth >= attr.MaxDepth {
		t.fail(MsgNesting)
	}
	switch classOf(n) {
	case cParameter:
		return t.params[n.tok.param-1]
	case cStruct:
		m := make(map[string]Value, len(n.kids))
		for _, f := range n.kids {
			key := t.tupleKey(f.kids[0], path)
			v := t.value(f.kids[1], path+"."+key, depth+1)
			if _, dup := m[key]; dup {
				t.failAt(f.kids[0], MsgDuplicateTupleKey, key, path)
			}
			m[key] = v
		}
		return Value{M: m}
	case cSeq:
		if isBag(n) {
			return t.set(n, path)
		}
		l := make([]Value, len(n.kids))
		for i, k := range n.kids {
			l[i] = t.value(k, path+"["+strconv.Itoa(i)+"]", depth+1)
		}
		return Value{L: l}
	case cLiteral:
		return t.literal(n, path)
	}
	t.failAt(n, MsgDataType, classNames[classOf(n)], path)
	return Value{}
}

func (t *translator) literal(n *pnode, path string) Value {
	tok := n.tok
	switch tok.kind {
	case tNull:
		return Value{NULL: ptr(true)}
	case tIon:
		t.failAt(n, MsgIonLiteral, ionType(tok), path)
	}
	switch tok.lit {
	case litString:
		return Value{S: ptr(tok.text)}
	case litBool:
		return Value{BOOL: ptr(tok.text == "true")}
	}
	return Value{N: ptr(t.number(n, path))}
}

func (t *translator) number(n *pnode, path string) string {
	s := n.tok.text
	if n.tok.lit == litDecimal && s[0] == '-' && strings.Trim(strings.SplitN(strings.ToLower(s[1:]), "e", 2)[0], "0.") == "" {
		t.failAt(n, MsgNegativeZero, path)
	}
	c, err := attr.CanonicalNumber(s)
	if err != nil {
		t.fail("%s under %s", err.Error(), path)
	}
	return c
}

// set converts a bag literal to a number or string set, by the type of its
// first element.
func (t *translator) set(n *pnode, path string) Value {
	if len(n.kids) == 0 {
		t.failAt(n, MsgEmptyBag)
	}
	first := n.kids[0]
	if classOf(first) != cLiteral || first.tok.kind != tLit || (first.tok.lit != litInt && first.tok.lit != litDecimal && first.tok.lit != litString) {
		t.failAt(first, MsgBagType)
	}
	numbers := first.tok.lit != litString
	v := Value{}
	for _, k := range n.kids {
		switch classOf(k) {
		case cLiteral, cSeq, cStruct:
		default:
			t.failAt(k, MsgDataType, classNames[classOf(k)], path)
		}
		if k.tok != nil && k.tok.kind == tIon {
			t.failAt(k, MsgIonLiteral, ionType(k.tok), path)
		}
		isNull := classOf(k) == cLiteral && k.tok.kind == tNull
		if numbers {
			switch {
			case isNull:
				t.fail(MsgNullInNumberSet, path)
			case classOf(k) != cLiteral || (k.tok.lit != litInt && k.tok.lit != litDecimal):
				t.fail(MsgBagType)
			}
			v.NS = append(v.NS, t.number(k, path))
			continue
		}
		switch {
		case isNull:
			t.fail(MsgNullInStringSet, path)
		case classOf(k) != cLiteral || k.tok.lit != litString:
			t.failAt(k, MsgBagType)
		}
		v.SS = append(v.SS, k.tok.text)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

type exprCtx uint8

const (
	ctxCondition exprCtx = iota
	ctxUpdate
)

// condition translates a WHERE clause.
func (t *translator) condition(n *pnode) *Expr {
	e := t.expr(n, ctxCondition)
	if !e.isOpNode() {
		t.fail(MsgWhereBoolean)
	}
	if e.Op == OpSize {
		t.fail(MsgMisusedFunction, "size")
	}
	return e
}

// expr translates an operand or operator, as DynamoDB turns PartiQL into
// its expression trees.
func (t *translator) expr(n *pnode, ctx exprCtx) *Expr {
	switch classOf(n) {
	case cLiteral, cSeq, cStruct:
		return &Expr{Op: OpValue, Value: t.value(n, "root", 0)}
	case cVarRef, cPath:
		return &Expr{Op: OpPath, Path: t.path(n)}
	case cParameter:
		return &Expr{Op: OpValue, Value: t.params[n.tok.param-1]}
	case cNAry:
		return t.nary(n, ctx)
	case cTyped:
		if ctx == ctxUpdate {
			t.fail(MsgIsInUpdate)
		}
		return t.isType(n)
	case cMissing:
		t.fail(MsgMissingLiteral)
	}
	t.failAt(n, MsgUnsupportedToken, identString(n))
	return nil
}

var comparisons = map[string]Op{"=": OpEq, "<>": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe}

func (t *translator) nary(n *pnode, ctx exprCtx) *Expr {
	if n.typ == pCall {
		return t.call(n, ctx)
	}
	sym := naryOp(n)
	if ctx == ctxUpdate {
		if (sym == "+" || sym == "-") && n.typ == pBinary {
			op := OpPlus
			if sym == "-" {
				op = OpMinus
			}
			return &Expr{Op: op, Args: []*Expr{t.expr(n.kids[0], ctx), t.expr(n.kids[1], ctx)}}
		}
		t.fail(MsgUpdateOperator, sym)
	}
	switch sym {
	case "not":
		inner := n.kids[0]
		if isNegated(n) {
			inner = positive(n)
		} else if n.typ != pUnary {
			t.fail(MsgConditionOperator, sym)
		}
		e := t.expr(inner, ctx)
		if !e.isOpNode() {
			t.fail(MsgNotOperand)
		}
		return &Expr{Op: OpNot, Args: []*Expr{e}}
	case "and", "or":
		l, r := t.expr(n.kids[0], ctx), t.expr(n.kids[1], ctx)
		if !l.isOpNode() || !r.isOpNode() {
			t.fail(MsgAndOrOperand)
		}
		op := OpAnd
		if sym == "or" {
			op = OpOr
		}
		return &Expr{Op: op, Args: []*Expr{l, r}}
	case "in":
		if len(n.kids) != 2 || classOf(n.kids[1]) != cSeq || len(n.kids[1].kids) == 0 {
			t.fail(MsgInOperator)
		}
		e := &Expr{Op: OpIn, Args: []*Expr{t.operand(n.kids[0], ctx)}}
		for _, k := range n.kids[1].kids {
			e.Args = append(e.Args, t.operand(k, ctx))
		}
		return e
	case "between":
		if n.typ != pTernary {
			t.fail(MsgConditionOperator, sym)
		}
		e := &Expr{Op: OpBetween, Args: []*Expr{t.operand(n.kids[0], ctx), t.operand(n.kids[1], ctx), t.operand(n.kids[2], ctx)}}
		t.ordered(e, "BETWEEN")
		return e
	}
	if op, ok := comparisons[sym]; ok && n.typ == pBinary {
		e := &Expr{Op: op, Args: []*Expr{t.operand(n.kids[0], ctx), t.operand(n.kids[1], ctx)}}
		if op != OpEq && op != OpNe {
			t.ordered(e, sym)
		}
		return e
	}
	t.fail(MsgConditionOperator, sym)
	return nil
}

// ordered refuses a value of a type that has no order (BOOL, NULL,
// documents, sets) as an operand of <, <=, >, >= or BETWEEN, as DynamoDB
// does before it reads any item.
func (t *translator) ordered(e *Expr, op string) {
	for _, a := range e.Args {
		if a.Op != OpValue {
			continue
		}
		switch typ := attr.Type(&a.Value); typ {
		case "S", "N", "B":
		default:
			t.fail(MsgOperandTypeFunc, op, typ)
		}
	}
}

// operand translates an operand of a comparison, IN or BETWEEN; a function
// other than size() cannot be one.
func (t *translator) operand(n *pnode, ctx exprCtx) *Expr {
	e := t.expr(n, ctx)
	switch e.Op {
	case OpBeginsWith, OpContains, OpAttributeType, OpAttributeExists, OpAttributeNotExists:
		t.fail(MsgMisusedFunction, e.Op.String())
	}
	return e
}

var functions = map[string]struct {
	op       Op
	arity    int
	update   bool // a value function of UpdateExpression
	pathArgs int  // leading arguments that must be paths
}{
	"attribute_exists":     {OpAttributeExists, 1, false, 1},
	"attribute_not_exists": {OpAttributeNotExists, 1, false, 1},
	"attribute_type":       {OpAttributeType, 2, false, 1},
	"begins_with":          {OpBeginsWith, 2, false, 1},
	"contains":             {OpContains, 2, false, 1},
	"size":                 {OpSize, 1, false, 1},
	"list_append":          {OpListAppend, 2, true, 0},
	"if_not_exists":        {OpIfNotExists, 2, true, 1},
}

var attributeTypes = map[string]bool{
	"S": true, "N": true, "B": true, "SS": true, "NS": true, "BS": true, "M": true, "L": true,
	"NULL": true, "BOOL": true,
}

func (t *translator) call(n *pnode, ctx exprCtx) *Expr {
	args := make([]*Expr, len(n.kids))
	for i, k := range n.kids {
		args[i] = t.expr(k, ctx)
	}
	name := strings.ToLower(n.tok.text)
	f, ok := functions[name]
	if !ok {
		t.fail(MsgUnrecognizedFunc, name)
	}
	switch {
	case ctx == ctxCondition && f.update:
		t.fail(MsgFunctionContext, "a condition", name)
	case ctx == ctxUpdate && !f.update:
		t.fail(MsgFunctionContext, "an update", name)
	}
	if len(args) != f.arity {
		t.fail(MsgOperandCount, name, len(args))
	}
	for i := 0; i < f.pathArgs; i++ {
		if args[i].Op != OpPath {
			t.fail(MsgNeedsPath, name)
		}
	}
	for _, a := range args {
		if a.isCondition() {
			t.fail(MsgMisusedFunction, a.Op.String())
		}
	}
	switch f.op {
	case OpBeginsWith:
		if v := args[1]; v.Op == OpValue && v.Value.S == nil && v.Value.B == nil {
			t.fail(MsgOperandTypeFunc, name, attr.Type(&v.Value))
		}
	case OpAttributeType:
		v := args[1]
		if v.Op == OpValue {
			if v.Value.S == nil {
				t.fail(MsgOperandTypeFunc, name, attr.Type(&v.Value))
			}
			if !attributeTypes[*v.Value.S] {
				t.fail(MsgAttributeTypeName, *v.Value.S)
			}
		}
	}
	return &Expr{Op: f.op, Args: args}
}

// isTypes maps the types IS accepts to DynamoDB's attribute types.
var isTypes = map[string]string{
	"boolean": "BOOL", "numeric": "N", "string": "S", "blob": "B", "struct": "M", "tuple": "M", "list": "L",
}

func (t *translator) isType(n *pnode) *Expr {
	lhs := n.kids[0]
	switch classOf(lhs) {
	case cVarRef, cLiteral, cPath:
	default:
		t.fail(MsgIsOperand)
	}
	x := t.expr(lhs, ctxCondition)
	typ := n.kids[1].tok.text
	switch typ {
	case "missing":
		return &Expr{Op: OpAttributeNotExists, Args: []*Expr{x}}
	case "null":
		return &Expr{Op: OpEq, Args: []*Expr{x, {Op: OpValue, Value: Value{NULL: ptr(true)}}}}
	}
	if d, ok := isTypes[typ]; ok {
		return &Expr{Op: OpAttributeType, Args: []*Expr{x, {Op: OpValue, Value: Value{S: ptr(d)}}}}
	}
	t.fail(MsgIsType, upper(typ))
	return nil
}
