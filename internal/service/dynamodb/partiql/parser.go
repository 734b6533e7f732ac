package partiql

import "fmt"

// The parser is a hand-written port of the structure of the reference
// PartiQL parser (partiql-lang-kotlin's SqlParser, a Pratt parser) that
// DynamoDB runs. It builds a generic parse tree (pnode); translate.go then
// applies DynamoDB's rules to it. Keeping the two steps apart keeps the
// failures where DynamoDB has them: a syntax error is "wasn't well formed"
// with the reference parser's detail, anything else DynamoDB's own text.

type ptype uint8

const (
	pAtom         ptype = iota + 1 // literal, NULL, MISSING, identifier, Ion literal
	pCaseSensAtom                  // quoted name after a dot
	pCaseInsAtom                   // bare name after a dot
	pProjectAll                    // * or a.b.* in a select list
	pPathWildcard                  // [*]
	pPathUnpivot                   // .*
	pSelectList
	pSelectValue
	pDistinct
	pWhere
	pGroup
	pHaving
	pLimit
	pOffset
	pLet
	pOrderBy
	pSortSpec
	pCall
	pCallAgg
	pArgList
	pAsAlias
	pAtAlias
	pByAlias
	pPath
	pPathDot
	pPathSqb
	pUnary
	pBinary
	pTernary
	pList
	pBag
	pStruct
	pMember
	pType
	pInsert
	pInsertValue
	pRemove
	pSet // the assignments of one SET
	pDelete
	pAssignment
	pFrom // a DML statement: operation, source, optional WHERE and RETURNING
	pFromClause
	pDmlList
	pReturning
	pReturningElem
	pReturningWildcard
	pParameter
	pJoin
	pUnpivot
	pOnConflict
)

// pnode is a node of the parse tree. tok is the token DynamoDB reports
// positions of (nil where the reference parser has none).
type pnode struct {
	typ  ptype
	tok  *token
	kids []*pnode
	// clauses of statements, when present
	where, ret, at, conflict *pnode
	desc                     bool // ORDER BY ... DESC
}

// syntaxError carries a parse failure up the recursive descent; Parse
// recovers it and nothing else.
type syntaxError struct{ detail string }

// maxDepth bounds the recursion of the parser so that no statement can
// exhaust the stack; statements are at most 8 KB, so real ones never come
// near it.
const maxDepth = 200

type parser struct {
	toks  []token
	depth int
}

func (p *parser) fail(format string, args ...any) {
	panic(syntaxError{fmt.Sprintf(format, args...)})
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		panic(syntaxError{""})
	}
}

func (p *parser) leave() { p.depth-- }

// at returns token i; past the end it returns the final EOF.
func (p *parser) at(i int) *token {
	if i >= len(p.toks) {
		return &p.toks[len(p.toks)-1]
	}
	return &p.toks[i]
}

// kw is token i's word (keyword, operator word, AS, ...), lower case.
func (p *parser) kw(i int) string { return wordText(p.at(i)) }

func (p *parser) expect(i int, k tokKind) int {
	if p.at(i).kind != k {
		p.fail("Expected %s", tokNames[k])
	}
	return i + 1
}

func (p *parser) expectKeyword(i int, w string) int {
	if p.kw(i) != w {
		p.fail("Expected %s keyword", upper(w))
	}
	return i + 1
}

// onlyEnd reports whether nothing but an optional semicolon is left.
func (p *parser) onlyEnd(i int) bool {
	switch p.at(i).kind {
	case tEOF:
		return true
	case tSemi:
		return p.at(i+1).kind == tEOF
	}
	return false
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// parseStatement parses a whole statement.
func (p *parser) parseStatement() *pnode {
	n, rem := p.parseExpression(0, -1)
	if !p.onlyEnd(rem) {
		if p.at(rem).kind == tSemi {
			p.fail("Unexpected token after semicolon. (Only one query is allowed.)")
		}
		p.fail("Unexpected token after expression")
	}
	p.checkTopLevel(n)
	return n
}

// checkTopLevel refuses a DML statement nested inside an expression.
func (p *parser) checkTopLevel(root *pnode) {
	allowed := map[*pnode]bool{root: true}
	if root.typ == pFrom {
		op := root.kids[0]
		allowed[op] = true
		if op.typ == pDmlList {
			for _, k := range op.kids {
				allowed[k] = true
			}
		}
	}
	var walk func(n *pnode)
	walk = func(n *pnode) {
		if n == nil {
			return
		}
		switch n.typ {
		case pFrom, pInsert, pInsertValue, pSet, pRemove, pDmlList:
			if !allowed[n] {
				text := "null"
				if n.tok != nil {
					text = n.tok.text
				}
				p.fail("Keyword %s only expected at the top level in the query", text)
			}
		}
		for _, k := range n.kids {
			walk(k)
		}
		walk(n.where)
		walk(n.ret)
		walk(n.at)
		walk(n.conflict)
	}
	walk(root)
}

var binaryOps = map[string]bool{
	"+": true, "-": true, "/": true, "%": true, "*": true, "<": true, "<=": true, ">": true,
	">=": true, "=": true, "<>": true, "||": true, "and": true, "or": true, "is": true, "in": true,
	"union": true, "except": true, "intersect": true, "not_in": true, "is_not": true,
	"union_all": true, "intersect_all": true, "except_all": true, "union_distinct": true,
	"intersect_distinct": true, "except_distinct": true,
}

var specialInfix = map[string]bool{"between": true, "not_between": true, "like": true, "not_like": true}

var precedence = map[string]int{
	"union": 5, "union_all": 5, "intersect": 5, "intersect_all": 5, "except": 5, "except_all": 5,
	"union_distinct": 5, "intersect_distinct": 5, "except_distinct": 5,
	"or": 10, "and": 20, "not": 30,
	"=": 40, "<>": 40, "is": 40, "is_not": 40, "in": 40, "not_in": 40,
	"<": 50, "<=": 50, ">": 50, ">=": 50, "between": 50, "not_between": 50, "like": 50, "not_like": 50,
	"+": 60, "-": 60, "||": 60,
	"*": 70, "/": 70, "%": 70,
}

func isBinary(t *token) bool {
	return t.kind == tStar || (t.kind == tOp && binaryOps[t.text])
}

func infixPrecedence(t *token) int {
	if t.kind == tOp || t.kind == tStar {
		return precedence[t.text]
	}
	return 0
}

func (p *parser) parseExpression(i, prec int) (*pnode, int) {
	p.enter()
	defer p.leave()
	expr, rem := p.parseUnaryTerm(i)
	for rem < len(p.toks) && prec < infixPrecedence(p.at(rem)) {
		op := p.at(rem)
		if !isBinary(op) && !(op.kind == tOp && specialInfix[op.text]) {
			break
		}
		parseRight := func() (*pnode, int) {
			if len(p.toks)-rem < 3 {
				p.fail("Missing right-hand side expression of infix operator")
			}
			return p.parseExpression(rem+1, infixPrecedence(op))
		}
		var right *pnode
		var next int
		switch op.text {
		case "is", "is_not":
			right, next = p.parseType(rem + 1)
		case "in", "not_in":
			if p.at(rem+1).kind == tLParen && p.kw(rem+2) != "select" && p.kw(rem+2) != "values" {
				right, next = p.parseArgList(rem+2, aliasNone, argNormal, -1)
				next = p.expect(next, tRParen)
				right.typ = pList
			} else {
				right, next = parseRight()
			}
		default:
			right, next = parseRight()
		}
		rem = next
		if isBinary(op) {
			expr = &pnode{typ: pBinary, tok: op, kids: []*pnode{expr, right}}
			continue
		}
		switch op.text {
		case "between", "not_between":
			rest := p.expectKeyword(rem, "and")
			if p.onlyEnd(rest) {
				p.fail("Expected expression after AND")
			}
			third, r := p.parseExpression(rest, infixPrecedence(op))
			rem = r
			expr = &pnode{typ: pTernary, tok: op, kids: []*pnode{expr, right, third}}
		default: // like, not_like
			if p.kw(rem) == "escape" {
				rest := rem + 1
				if p.onlyEnd(rest) {
					p.fail("Expected expression after ESCAPE")
				}
				third, r := p.parseExpression(rest, infixPrecedence(op))
				rem = r
				expr = &pnode{typ: pTernary, tok: op, kids: []*pnode{expr, right, third}}
			} else {
				expr = &pnode{typ: pBinary, tok: op, kids: []*pnode{expr, right}}
			}
		}
	}
	return expr, rem
}

func (p *parser) parseUnaryTerm(i int) (*pnode, int) {
	p.enter()
	defer p.leave()
	op := p.at(i)
	if op.kind != tOp || (op.text != "+" && op.text != "-" && op.text != "not") {
		return p.parsePathTerm(i, false)
	}
	switch op.text {
	case "+":
		term, rem := p.parseUnaryTerm(i + 1)
		if isNumericLiteral(term) {
			return term, rem
		}
		return &pnode{typ: pUnary, tok: op, kids: []*pnode{term}}, rem
	case "-":
		term, rem := p.parseUnaryTerm(i + 1)
		if isNumericLiteral(term) {
			t := *term.tok
			if len(t.text) > 0 && t.text[0] == '-' {
				t.text = t.text[1:]
			} else {
				t.text = "-" + t.text
			}
			return &pnode{typ: pAtom, tok: &t}, rem
		}
		return &pnode{typ: pUnary, tok: op, kids: []*pnode{term}}, rem
	}
	term, rem := p.parseExpression(i+1, precedence["not"])
	return &pnode{typ: pUnary, tok: op, kids: []*pnode{term}}, rem
}

func isNumericLiteral(n *pnode) bool {
	return n.typ == pAtom && n.tok.kind == tLit && (n.tok.lit == litInt || n.tok.lit == litDecimal)
}

// parsePathTerm parses a term and its path components. A simple path (the
// target of DML) starts with a name and takes only names and literals.
func (p *parser) parsePathTerm(i int, simple bool) (*pnode, int) {
	var term *pnode
	rem := i
	if simple {
		switch p.at(i).kind {
		case tIdent, tQIdent:
			term, rem = &pnode{typ: pAtom, tok: p.at(i)}, i+1
		default:
			p.fail("Expected identifier for simple path")
		}
	} else {
		term, rem = p.parseTerm(i)
	}
	path := []*pnode{term}
	for {
		switch p.at(rem).kind {
		case tDot:
			dot := p.at(rem)
			rem++
			var part *pnode
			switch t := p.at(rem); t.kind {
			case tIdent:
				part = &pnode{typ: pCaseInsAtom, tok: t}
			case tQIdent:
				part = &pnode{typ: pCaseSensAtom, tok: t}
			case tStar:
				if simple {
					p.fail("Invalid path dot component for simple path")
				}
				part = &pnode{typ: pPathUnpivot, tok: t}
			default:
				p.fail("Invalid path dot component")
			}
			path = append(path, &pnode{typ: pPathDot, tok: dot, kids: []*pnode{part}})
			rem++
			continue
		case tLBracket:
			lb := p.at(rem)
			rem++
			var expr *pnode
			if p.at(rem).kind == tStar {
				expr, rem = &pnode{typ: pPathWildcard, tok: p.at(rem)}, rem+1
			} else {
				expr, rem = p.parseExpression(rem, -1)
			}
			rem = p.expect(rem, tRBracket)
			if simple && expr.typ != pAtom && (expr.tok == nil || expr.tok.kind != tLit) {
				p.fail("Invalid path component for simple path")
			}
			path = append(path, &pnode{typ: pPathSqb, tok: lb, kids: []*pnode{expr}})
			continue
		}
		break
	}
	if len(path) == 1 {
		return term, rem
	}
	return &pnode{typ: pPath, kids: path}, rem
}

// functionKeywords are keywords that may name a function.
var functionKeywords = map[string]bool{
	"exists": true, "count": true, "avg": true, "max": true, "min": true, "sum": true,
	"substring": true, "char_length": true, "character_length": true, "octet_length": true,
	"bit_length": true, "upper": true, "lower": true, "size": true, "sexp": true, "list": true,
	"bag": true,
}

var aggregates = map[string]bool{"count": true, "avg": true, "max": true, "min": true, "sum": true}

func (p *parser) parseTerm(i int) (*pnode, int) {
	p.enter()
	defer p.leave()
	n, rem := p.term(i)
	if n.tok == nil {
		n.tok = p.at(i)
	}
	return n, rem
}

func (p *parser) term(i int) (*pnode, int) {
	t := p.at(i)
	switch t.kind {
	case tOp:
		if t.text == "@" {
			if k := p.at(i + 1).kind; k == tIdent || k == tQIdent {
				return &pnode{typ: pUnary, tok: t, kids: []*pnode{{typ: pAtom, tok: p.at(i + 1)}}}, i + 2
			}
			p.fail("Identifier must follow @-operator")
		}
		p.fail("Unexpected operator")
	case tKeyword:
		switch t.text {
		case "insert_into", "set", "remove":
			return p.parseBaseDml(i)
		case "update":
			return p.parseLegacyDml(i+1, nil)
		case "delete":
			if p.kw(i+1) != "from" {
				p.fail("Expected FROM after DELETE")
			}
			return p.parseLegacyDml(i+2, t)
		case "select":
			return p.parseSelect(i + 1)
		case "from":
			return p.parseFrom(i + 1)
		case "values":
			n, rem := p.parseTableValues(i + 1)
			n.typ = pBag
			return n, rem
		}
		if functionKeywords[t.text] {
			if p.at(i+1).kind == tLParen {
				return p.parseFunctionCall(i+2, t)
			}
		}
		p.fail("Unexpected keyword")
	case tLParen:
		group, rem := p.parseArgList(i+1, aliasNone, argNormal, -1)
		rem = p.expect(rem, tRParen)
		switch len(group.kids) {
		case 0:
			p.fail("Expression group cannot be empty")
		case 1:
			return group.kids[0], rem
		}
		group.typ = pList
		return group, rem
	case tLBracket:
		if p.at(i+1).kind == tRBracket {
			return &pnode{typ: pList}, i + 2
		}
		n, rem := p.parseArgList(i+1, aliasNone, argNormal, -1)
		n.typ = pList
		return n, p.expect(rem, tRBracket)
	case tLBag:
		if p.at(i+1).kind == tRBag {
			return &pnode{typ: pBag}, i + 2
		}
		n, rem := p.parseArgList(i+1, aliasNone, argNormal, -1)
		n.typ = pBag
		return n, p.expect(rem, tRBag)
	case tLCurly:
		if p.at(i+1).kind == tRCurly {
			return &pnode{typ: pStruct}, i + 2
		}
		n, rem := p.parseArgList(i+1, aliasNone, argStruct, -1)
		n.typ = pStruct
		return n, p.expect(rem, tRCurly)
	case tIdent, tQIdent:
		if p.at(i+1).kind == tLParen {
			return p.parseFunctionCall(i+2, t)
		}
		return &pnode{typ: pAtom, tok: t}, i + 1
	case tQMark:
		return &pnode{typ: pParameter, tok: t}, i + 1
	case tLit, tIon, tNull, tMissing:
		return &pnode{typ: pAtom, tok: t}, i + 1
	}
	p.fail("Unexpected term")
	return nil, 0
}

// parseFunctionCall parses the arguments after "name(".
func (p *parser) parseFunctionCall(i int, name *token) (*pnode, int) {
	typ := pCall
	if name.kind == tKeyword && aggregates[name.text] {
		typ = pCallAgg
		if k := p.kw(i); k == "distinct" || k == "all" {
			i++
		}
	}
	switch p.at(i).kind {
	case tStar:
		if typ == pCallAgg && name.text == "count" {
			return &pnode{typ: pCallAgg, tok: name}, p.expect(i+1, tRParen)
		}
		p.fail("%s(*) is not allowed", name.text)
	case tRParen:
		if typ == pCallAgg {
			p.fail("Aggregate functions are always unary")
		}
		return &pnode{typ: typ, tok: name}, i + 1
	}
	args, rem := p.parseArgList(i, aliasNone, argNormal, -1)
	if typ == pCallAgg && len(args.kids) != 1 {
		p.fail("Aggregate functions are always unary")
	}
	return &pnode{typ: typ, tok: name, kids: args.kids}, p.expect(rem, tRParen)
}

// typeArity lists the type names IS accepts, with their parameter counts.
var typeArity = map[string][2]int{
	"missing": {0, 0}, "null": {0, 0}, "boolean": {0, 0}, "smallint": {0, 0}, "integer4": {0, 0},
	"integer8": {0, 0}, "integer": {0, 0}, "float": {0, 1}, "real": {0, 0},
	"double_precision": {0, 0}, "decimal": {0, 2}, "numeric": {0, 2}, "timestamp": {0, 0},
	"date": {0, 0}, "time": {0, 1}, "character": {0, 1}, "character_varying": {0, 1},
	"string": {0, 0}, "symbol": {0, 0}, "clob": {0, 0}, "blob": {0, 0}, "struct": {0, 0},
	"tuple": {0, 0}, "list": {0, 0}, "sexp": {0, 0}, "bag": {0, 0}, "any": {0, 0},
}

func (p *parser) parseType(i int) (*pnode, int) {
	name := p.kw(i)
	arity, ok := typeArity[name]
	if !ok || p.at(i).kind == tOp {
		p.fail("Expected type name")
	}
	n := &pnode{typ: pType, tok: p.at(i)}
	rem := i + 1
	if p.at(rem).kind == tLParen {
		args, r := p.parseArgList(rem+1, aliasNone, argNormal, -1)
		n.kids = args.kids
		rem = p.expect(r, tRParen)
	}
	if c := len(n.kids); c < arity[0] || c > arity[1] {
		p.fail("%s type argument %s must have arity of %d..%d", p.at(i-1).text, name, arity[0], arity[1])
	}
	for _, k := range n.kids {
		if k.typ != pAtom || k.tok.kind != tLit || k.tok.lit != litInt || k.tok.text[0] == '-' {
			p.fail("Type parameter must be an unsigned integer literal")
		}
	}
	return n, rem
}

type aliasSupport uint8

const (
	aliasNone aliasSupport = iota
	aliasAsOnly
	aliasAll
)

type argMode uint8

const (
	argNormal argMode = iota
	argStruct
	argSimplePath
	argSet
)

// parseArgList parses comma-separated items; it returns a pArgList.
func (p *parser) parseArgList(i int, alias aliasSupport, mode argMode, prec int) (*pnode, int) {
	list := &pnode{typ: pArgList}
	rem := i
	for {
		var child *pnode
		switch mode {
		case argStruct:
			field, r := p.parseExpression(rem, prec)
			r = p.expect(r, tColon)
			value, r2 := p.parseExpression(r, prec)
			child, rem = &pnode{typ: pMember, kids: []*pnode{field, value}}, r2
		case argSimplePath:
			child, rem = p.parsePathTerm(rem, true)
		case argSet:
			lvalue, r := p.parsePathTerm(rem, true)
			eq := p.at(r)
			if !(eq.kind == tOp && eq.text == "=") {
				p.fail("Expected '='")
			}
			rvalue, r2 := p.parseExpression(r+1, prec)
			child, rem = &pnode{typ: pAssignment, tok: eq, kids: []*pnode{lvalue, rvalue}}, r2
		default:
			child, rem = p.parseExpression(rem, prec)
		}
		if alias != aliasNone {
			child, rem = p.parseOptionalAlias(rem, child, tAs, true, pAsAlias)
		}
		if alias == aliasAll {
			child, rem = p.parseOptionalAlias(rem, child, tAt, false, pAtAlias)
			child, rem = p.parseOptionalAlias(rem, child, tBy, false, pByAlias)
		}
		list.kids = append(list.kids, child)
		if p.at(rem).kind != tComma {
			return list, rem
		}
		rem++
	}
}

func (p *parser) parseOptionalAlias(i int, child *pnode, kw tokKind, optional bool, typ ptype) (*pnode, int) {
	t := p.at(i)
	switch {
	case t.kind == kw:
		name := p.at(i + 1)
		if name.kind != tIdent && name.kind != tQIdent {
			p.fail("Expected identifier for %s-alias", tokNames[kw])
		}
		return &pnode{typ: typ, tok: name, kids: []*pnode{child}}, i + 2
	case optional && (t.kind == tIdent || t.kind == tQIdent):
		return &pnode{typ: typ, tok: t, kids: []*pnode{child}}, i + 1
	}
	return child, i
}

func (p *parser) parseTableValues(i int) (*pnode, int) {
	list := &pnode{typ: pArgList}
	rem := i
	for {
		if p.at(rem).kind != tLParen {
			p.fail("Expected LEFT_PAREN for row value constructor")
		}
		row, r := p.parseArgList(rem+1, aliasNone, argNormal, -1)
		row.typ = pList
		row.tok = p.at(rem)
		rem = p.expect(r, tRParen)
		list.kids = append(list.kids, row)
		if p.at(rem).kind != tComma {
			return list, rem
		}
		rem++
	}
}

var baseDML = map[string]bool{"insert_into": true, "set": true, "remove": true}

func (p *parser) parseBaseDml(i int) (*pnode, int) {
	t := p.at(i)
	switch p.kw(i) {
	case "insert_into":
		lvalue, rem := p.parsePathTerm(i+1, true)
		if p.kw(rem) != "value" {
			values, r := p.parseExpression(rem, -1)
			return &pnode{typ: pInsert, tok: t, kids: []*pnode{lvalue, values}}, r
		}
		value, rem := p.parseExpression(rem+1, -1)
		n := &pnode{typ: pInsertValue, tok: t, kids: []*pnode{lvalue, value}}
		if p.at(rem).kind == tAt {
			n.at, rem = p.parseExpression(rem+1, -1)
		}
		if p.kw(rem) == "on_conflict" {
			n.conflict, rem = p.parseOnConflict(rem + 1)
		}
		if p.kw(rem) == "returning" {
			n.ret, rem = p.parseReturning(rem + 1)
		}
		return n, rem
	case "set":
		n, rem := p.parseArgList(i+1, aliasNone, argSet, -1)
		n.typ, n.tok = pSet, t
		return n, rem
	case "remove":
		lvalue, rem := p.parsePathTerm(i+1, true)
		return &pnode{typ: pRemove, tok: t, kids: []*pnode{lvalue}}, rem
	}
	p.fail("Expected data manipulation")
	return nil, 0
}

func (p *parser) parseOnConflict(i int) (*pnode, int) {
	if p.kw(i) != "where" {
		p.fail("invalid ON CONFLICT syntax")
	}
	cond, rem := p.parseExpression(i+1, -1)
	if p.kw(rem) != "do_nothing" {
		p.fail("invalid ON CONFLICT syntax")
	}
	return &pnode{typ: pOnConflict, tok: p.at(i - 1), kids: []*pnode{cond}}, rem + 1
}

// parseBaseDmls parses one or more SET, REMOVE or INSERT INTO operations.
func (p *parser) parseBaseDmls(i int) (*pnode, int) {
	var ops []*pnode
	rem := i
	for baseDML[p.kw(rem)] {
		var n *pnode
		n, rem = p.parseBaseDml(rem)
		ops = append(ops, n)
	}
	switch len(ops) {
	case 0:
		p.fail("Expected data manipulation")
	case 1:
		return ops[0], rem
	}
	return &pnode{typ: pDmlList, kids: ops}, rem
}

// parseLegacyDml parses "UPDATE source ops ..." (del == nil) and
// "DELETE FROM source ..." (del is the DELETE token) into a pFrom node:
// kids are the operation and the source.
func (p *parser) parseLegacyDml(i int, del *token) (*pnode, int) {
	source, rem := p.parsePathTerm(i, true)
	source, rem = p.parseOptionalAlias(rem, source, tAs, true, pAsAlias)
	source, rem = p.parseOptionalAlias(rem, source, tAt, false, pAtAlias)
	source, rem = p.parseOptionalAlias(rem, source, tBy, false, pByAlias)
	from := &pnode{typ: pFromClause, kids: []*pnode{source}}
	var op *pnode
	if del != nil {
		op = &pnode{typ: pDelete, tok: del}
	} else {
		op, rem = p.parseBaseDmls(rem)
	}
	n := &pnode{typ: pFrom, kids: []*pnode{op, from}}
	if p.kw(rem) == "where" {
		n.where, rem = p.parseExpression(rem+1, -1)
	}
	if p.kw(rem) == "returning" {
		n.ret, rem = p.parseReturning(rem + 1)
	}
	return n, rem
}

// parseFrom parses "FROM source [WHERE cond] ops [RETURNING ...]".
func (p *parser) parseFrom(i int) (*pnode, int) {
	from, rem := p.parseFromSourceList(i, -1)
	n := &pnode{typ: pFrom}
	if p.kw(rem) == "where" {
		n.where, rem = p.parseExpression(rem+1, -1)
	}
	op, rem := p.parseBaseDmls(rem)
	n.kids = []*pnode{op, from}
	if p.kw(rem) == "returning" {
		n.ret, rem = p.parseReturning(rem + 1)
	}
	return n, rem
}

var returningMappings = map[string]bool{"modified_old": true, "modified_new": true, "all_old": true, "all_new": true}

func (p *parser) parseReturning(i int) (*pnode, int) {
	n := &pnode{typ: pReturning, tok: p.at(i - 1)}
	rem := i
	for {
		m := p.at(rem)
		if !returningMappings[p.kw(rem)] {
			p.fail("Expected ( MODIFIED | ALL ) ( NEW | OLD ) in each returning element.")
		}
		rem++
		var col *pnode
		if p.at(rem).kind == tStar {
			col, rem = &pnode{typ: pReturningWildcard, tok: p.at(rem)}, rem+1
		} else {
			col, rem = p.parseExpression(rem, -1)
			switch {
			case col.typ == pPath && len(col.kids) > 2:
				p.fail("More than two paths in RETURNING columns.")
			case col.typ != pPath && col.typ != pAtom:
				p.fail("Unsupported syntax in RETURNING columns.")
			}
		}
		n.kids = append(n.kids, &pnode{typ: pReturningElem, tok: m, kids: []*pnode{col}})
		if p.at(rem).kind != tComma {
			return n, rem
		}
		rem++
	}
}

// reservedInSelectList cannot start a select list item.
var reservedInSelectList = map[string]bool{
	"insert_into": true, "set": true, "remove": true, "update": true, "delete": true,
	"select": true, "from": true, "where": true,
}

// parseSelect parses what follows SELECT. The node's kids are the
// projection and the FROM clause; the other clauses are kids of their own
// types after them.
func (p *parser) parseSelect(i int) (*pnode, int) {
	rem := i
	distinct := false
	switch p.kw(rem) {
	case "distinct":
		distinct = true
		rem++
	case "all":
		rem++
	}
	n := &pnode{typ: pSelectList}
	var proj *pnode
	if p.kw(rem) == "value" {
		n.typ = pSelectValue
		proj, rem = p.parseExpression(rem+1, -1)
	} else {
		proj, rem = p.parseSelectList(rem)
	}
	if distinct {
		proj = &pnode{typ: pDistinct, kids: []*pnode{proj}}
	}
	if p.kw(rem) != "from" {
		p.fail("Expected FROM after SELECT list")
	}
	from, rem := p.parseFromSourceList(rem+1, 6)
	n.kids = []*pnode{proj, from}
	clause := func(typ ptype, tok *token, start int) int {
		expr, r := p.parseExpression(start, 6)
		n.kids = append(n.kids, &pnode{typ: typ, tok: tok, kids: []*pnode{expr}})
		return r
	}
	if p.kw(rem) == "let" {
		rem = p.parseLet(rem+1, n)
	}
	if p.kw(rem) == "where" {
		rem = clause(pWhere, p.at(rem), rem+1)
	}
	if p.kw(rem) == "group" {
		tok := p.at(rem)
		rem++
		if p.kw(rem) == "partial" {
			rem++
		}
		rem = p.expect(rem, tBy)
		keys, r := p.parseArgList(rem, aliasAsOnly, argNormal, 6)
		for _, k := range keys.kids {
			if k.tok != nil && k.tok.kind == tLit {
				p.fail("Literals (including ordinals) not supported in GROUP BY")
			}
		}
		rem = r
		if p.kw(rem) == "group" {
			rem = p.expectKeyword(rem+1, "as")
			if k := p.at(rem).kind; k != tIdent && k != tQIdent {
				p.fail("Expected identifier for GROUP name")
			}
			rem++
		}
		n.kids = append(n.kids, &pnode{typ: pGroup, tok: tok, kids: keys.kids})
	}
	if p.kw(rem) == "having" {
		rem = clause(pHaving, p.at(rem), rem+1)
	}
	if p.kw(rem) == "order" {
		tok := p.at(rem)
		rem = p.expect(rem+1, tBy)
		order := &pnode{typ: pOrderBy, tok: tok}
		for {
			expr, r := p.parseExpression(rem, -1)
			spec := &pnode{typ: pSortSpec, tok: expr.tok, kids: []*pnode{expr}}
			rem = r
			switch p.at(rem).kind {
			case tAsc:
				rem++
			case tDesc:
				spec.desc = true
				rem++
			}
			order.kids = append(order.kids, spec)
			if p.at(rem).kind != tComma {
				break
			}
			rem++
		}
		n.kids = append(n.kids, order)
	}
	if p.kw(rem) == "limit" {
		rem = clause(pLimit, p.at(rem), rem+1)
	}
	if p.kw(rem) == "offset" {
		rem = clause(pOffset, p.at(rem), rem+1)
	}
	return n, rem
}

func (p *parser) parseLet(i int, sel *pnode) int {
	rem := i
	let := &pnode{typ: pLet, tok: p.at(i - 1)}
	for {
		expr, r := p.parseExpression(rem, -1)
		if p.at(r).kind != tAs {
			p.fail("Expected AS following LET expr")
		}
		if k := p.at(r + 1).kind; k != tIdent && k != tQIdent {
			p.fail("Expected identifier for AS-alias")
		}
		let.kids = append(let.kids, expr)
		rem = r + 2
		if p.at(rem).kind != tComma {
			break
		}
		rem++
	}
	sel.kids = append(sel.kids, let)
	return rem
}

func (p *parser) parseSelectList(i int) (*pnode, int) {
	list := &pnode{typ: pArgList}
	rem := i
	for {
		t := p.at(rem)
		var item *pnode
		switch {
		case t.kind == tStar:
			item, rem = &pnode{typ: pProjectAll, tok: t}, rem+1
		case reservedInSelectList[p.kw(rem)] && t.kind == tKeyword:
			p.fail("Expected identifier or an expression but found unexpected keyword '%s' in a select list.", t.text)
		default:
			item, rem = p.parseExpression(rem, -1)
			if item.typ == pPath {
				item = p.inspectPath(item)
			}
			item, rem = p.parseOptionalAlias(rem, item, tAs, true, pAsAlias)
		}
		list.kids = append(list.kids, item)
		if p.at(rem).kind != tComma {
			return list, rem
		}
		rem++
	}
}

// inspectPath turns a.b.* into a project-all of a.b and refuses the other
// uses of * in a select list.
func (p *parser) inspectPath(n *pnode) *pnode {
	comps := n.kids[1:]
	sqb := false
	for i, c := range comps {
		if c.typ == pPathSqb {
			sqb = true
			if c.kids[0].typ == pPathWildcard {
				p.fail("Invalid use of * in select list")
			}
		}
		if c.typ == pPathDot && c.kids[0].typ == pPathUnpivot && i < len(comps)-1 {
			p.fail("Invalid use of * in select list")
		}
	}
	last := comps[len(comps)-1]
	if last.typ != pPathDot || last.kids[0].typ != pPathUnpivot {
		return n
	}
	if sqb {
		p.fail("Cannot use [] and * together in SELECT list expression")
	}
	base := n.kids[0]
	if len(n.kids) > 2 {
		base = &pnode{typ: pPath, kids: n.kids[:len(n.kids)-1]}
	}
	return &pnode{typ: pProjectAll, tok: last.tok, kids: []*pnode{base}}
}

// parseFromSourceList parses a FROM clause: a source and any joins.
func (p *parser) parseFromSourceList(i, prec int) (*pnode, int) {
	src, rem := p.parseFromSource(i, prec, true)
	return &pnode{typ: pFromClause, kids: []*pnode{src}}, rem
}

var joinWords = map[string]bool{
	"join": true, "cross_join": true, "inner_join": true, "left_join": true, "left_cross_join": true,
	"right_join": true, "right_cross_join": true, "outer_join": true, "outer_cross_join": true,
}

func (p *parser) parseFromSource(i, prec int, joins bool) (*pnode, int) {
	p.enter()
	defer p.leave()
	var child *pnode
	rem := i
	switch {
	case p.kw(i) == "unpivot":
		expr, r := p.parseExpression(i+1, prec)
		child, rem = &pnode{typ: pUnpivot, tok: p.at(i), kids: []*pnode{expr}}, r
	case p.at(i).kind == tLParen && p.at(i+1).kind != tLit && p.kw(i+1) != "select":
		c, r := p.parseFromSource(i+1, prec, true)
		child, rem = c, p.expect(r, tRParen)
	default:
		child, rem = p.parseExpression(i, prec)
	}
	child, rem = p.parseOptionalAlias(rem, child, tAs, true, pAsAlias)
	child, rem = p.parseOptionalAlias(rem, child, tAt, false, pAtAlias)
	child, rem = p.parseOptionalAlias(rem, child, tBy, false, pByAlias)
	if !joins {
		return child, rem
	}
	left := child
	for {
		t := p.at(rem)
		w := p.kw(rem)
		if t.kind != tComma && !(t.kind == tKeyword && joinWords[w]) {
			return left, rem
		}
		rem++
		right, r := p.parseFromSource(rem, prec, false)
		rem = r
		kids := []*pnode{left, right}
		if t.kind == tKeyword && w != "cross_join" && w != "left_cross_join" && w != "right_cross_join" && w != "outer_cross_join" {
			if p.kw(rem) != "on" {
				p.fail("Expected 'ON'")
			}
			on, r := p.parseExpression(rem+1, prec)
			rem = r
			kids = append(kids, on)
		}
		left = &pnode{typ: pJoin, tok: t, kids: kids}
	}
}
