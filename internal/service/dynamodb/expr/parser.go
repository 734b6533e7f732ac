package expr

import (
	"slices"
	"strings"
)

// parser is a backtracking recursive-descent parser for DynamoDB's grammar.
// Where the grammar is ambiguous at a '(' (a parenthesised condition or a
// parenthesised operand; a parenthesised arithmetic expression or operand)
// it tries every alternative and keeps the longest, as ANTLR's prediction
// does, and it remembers the furthest token any attempt failed at: that is
// the first token no valid expression can continue with, the one DynamoDB
// reports. Results are memoised by position so nesting stays linear.
type parser struct {
	src  string
	toks []token
	pos  int
	far  int // furthest token index an attempt failed at

	// redundant holds the closing-parenthesis tokens of "((x))" groups
	// completed by any attempt; DynamoDB rejects them as soon as they close.
	redundant []int

	opMemo    map[int]opMemo
	primMemo  map[int]primMemo
	setMemo   map[int]opMemo
	arithMemo map[int]opMemo
}

type opMemo struct {
	o   *operand
	end int
	ok  bool
}

type primMemo struct {
	c   *cond
	end int
	ok  bool
}

func newParser(src string) *parser {
	return &parser{src: src, toks: lex(src)}
}

func (p *parser) kind() tokKind { return p.toks[p.pos].kind }

func (p *parser) text(i int) string {
	t := p.toks[i]
	return p.src[t.start:t.end]
}

func (p *parser) fail(i int) {
	if i > p.far {
		p.far = i
	}
}

// error is the error for a failed parse: a redundant-parentheses error if a
// "((x))" group closed before the failure point, else a syntax error at the
// furthest failure.
func (p *parser) error() error {
	for _, i := range p.redundant {
		if i < p.far {
			return newErr(msgRedundant)
		}
	}
	return p.syntaxError(p.far)
}

// syntaxError formats DynamoDB's syntax error for token i: the token, and
// near it the previous token, the whitespace before, the token, the
// whitespace after and the next token.
func (p *parser) syntaxError(i int) error {
	t := p.toks[i]
	tok := "<EOF>"
	var near strings.Builder
	from := 0
	if i > 0 {
		prev := p.toks[i-1]
		near.WriteString(p.src[prev.start:prev.end])
		from = prev.end
	}
	near.WriteString(p.src[from:t.start])
	if t.kind != tEOF {
		tok = p.src[t.start:t.end]
		next := p.toks[i+1]
		near.WriteString(p.src[t.start:next.start])
		near.WriteString(p.src[next.start:next.end])
	}
	return errf("Syntax error; token: \"%s\", near: \"%s\"", tok, near.String())
}

// ---- operands ----

func (p *parser) operand() (*operand, bool) {
	start := p.pos
	if p.opMemo == nil {
		p.opMemo = make(map[int]opMemo)
	}
	if m, ok := p.opMemo[start]; ok {
		p.pos = m.end
		return m.o, m.ok
	}
	o, ok := p.operand0()
	if !ok {
		p.pos = start
	}
	p.opMemo[start] = opMemo{o, p.pos, ok}
	return o, ok
}

func (p *parser) operand0() (*operand, bool) {
	start := p.pos
	switch p.kind() {
	case tValue:
		p.pos++
		return &operand{kind: oValue, tok: start, name: p.text(start)}, true
	case tID:
		if p.toks[start+1].kind == tLParen {
			return p.function()
		}
		return p.pathOperand()
	case tName:
		return p.pathOperand()
	case tLParen:
		p.pos++
		in, ok := p.operand()
		if !ok {
			return nil, false
		}
		if p.kind() != tRParen {
			p.fail(p.pos)
			return nil, false
		}
		if in.kind == oParen {
			p.redundant = append(p.redundant, p.pos)
		}
		p.pos++
		return &operand{kind: oParen, tok: start, args: []*operand{in}}, true
	}
	p.fail(p.pos)
	return nil, false
}

func (p *parser) pathOperand() (*operand, bool) {
	start := p.pos
	raw, ok := p.path()
	if !ok {
		return nil, false
	}
	return &operand{kind: oPath, tok: start, raw: raw}, true
}

// path parses id ('.' id | '[' INDEX ']')*.
func (p *parser) path() ([]rawElem, bool) {
	if k := p.kind(); k != tID && k != tName {
		p.fail(p.pos)
		return nil, false
	}
	raw := []rawElem{{tok: p.pos}}
	p.pos++
	for {
		switch p.kind() {
		case tDot:
			p.pos++
			if k := p.kind(); k != tID && k != tName {
				p.fail(p.pos)
				return nil, false
			}
			raw = append(raw, rawElem{tok: p.pos})
			p.pos++
		case tLBracket:
			p.pos++
			if p.kind() != tIndex {
				p.fail(p.pos)
				return nil, false
			}
			idx := p.pos
			p.pos++
			if p.kind() != tRBracket {
				p.fail(p.pos)
				return nil, false
			}
			p.pos++
			raw = append(raw, rawElem{tok: idx, index: true})
		default:
			return raw, true
		}
	}
}

// function parses ID '(' operand (',' operand)* ')'.
func (p *parser) function() (*operand, bool) {
	start := p.pos
	p.pos += 2
	f := &operand{kind: oFunc, tok: start, name: p.text(start)}
	for {
		a, ok := p.operand()
		if !ok {
			return nil, false
		}
		f.args = append(f.args, a)
		switch p.kind() {
		case tComma:
			p.pos++
		case tRParen:
			p.pos++
			return f, true
		default:
			p.fail(p.pos)
			return nil, false
		}
	}
}

// ---- conditions ----

func (p *parser) condition() (*cond, bool) {
	c, ok := p.orCond()
	if !ok {
		return nil, false
	}
	if p.kind() != tEOF {
		p.fail(p.pos)
		return nil, false
	}
	return c, true
}

func (p *parser) orCond() (*cond, bool) {
	l, ok := p.andCond()
	if !ok {
		return nil, false
	}
	for p.kind() == tOr {
		tok := p.pos
		p.pos++
		r, ok := p.andCond()
		if !ok {
			return nil, false
		}
		l = &cond{kind: cOr, tok: tok, l: l, r: r}
	}
	return l, true
}

func (p *parser) andCond() (*cond, bool) {
	l, ok := p.notCond()
	if !ok {
		return nil, false
	}
	for p.kind() == tAnd {
		tok := p.pos
		p.pos++
		r, ok := p.notCond()
		if !ok {
			return nil, false
		}
		l = &cond{kind: cAnd, tok: tok, l: l, r: r}
	}
	return l, true
}

func (p *parser) notCond() (*cond, bool) {
	if p.kind() == tNot {
		tok := p.pos
		p.pos++
		c, ok := p.notCond()
		if !ok {
			return nil, false
		}
		return &cond{kind: cNot, tok: tok, l: c}, true
	}
	return p.primary()
}

// primary parses a comparison, IN, BETWEEN, a function condition or a
// parenthesised condition, keeping the longest alternative that parses.
func (p *parser) primary() (*cond, bool) {
	start := p.pos
	if p.primMemo == nil {
		p.primMemo = make(map[int]primMemo)
	}
	if m, ok := p.primMemo[start]; ok {
		p.pos = m.end
		return m.c, m.ok
	}
	var best *cond
	end := -1
	try := func(f func() (*cond, bool)) {
		p.pos = start
		if c, ok := f(); ok && p.pos > end {
			best, end = c, p.pos
		}
	}
	k := p.toks[start].kind
	if k == tLParen {
		try(p.grouping)
	}
	try(p.comparison)
	if k == tID && p.toks[start+1].kind == tLParen {
		try(p.funcCond)
	}
	ok := best != nil
	if ok {
		p.pos = end
	} else {
		p.pos = start
	}
	p.primMemo[start] = primMemo{best, p.pos, ok}
	return best, ok
}

func (p *parser) grouping() (*cond, bool) {
	start := p.pos
	p.pos++
	c, ok := p.orCond()
	if !ok {
		return nil, false
	}
	if p.kind() != tRParen {
		p.fail(p.pos)
		return nil, false
	}
	if c.kind == cParen {
		p.redundant = append(p.redundant, p.pos)
	}
	p.pos++
	return &cond{kind: cParen, tok: start, l: c}, true
}

func (p *parser) comparison() (*cond, bool) {
	start := p.pos
	l, ok := p.operand()
	if !ok {
		return nil, false
	}
	switch k := p.kind(); k {
	case tEq, tNe, tLt, tLe, tGt, tGe:
		p.pos++
		r, ok := p.operand()
		if !ok {
			return nil, false
		}
		return &cond{kind: cCmp, tok: start, cmp: k, args: []*operand{l, r}}, true
	case tBetween:
		p.pos++
		lo, ok := p.operand()
		if !ok {
			return nil, false
		}
		if p.kind() != tAnd {
			p.fail(p.pos)
			return nil, false
		}
		p.pos++
		hi, ok := p.operand()
		if !ok {
			return nil, false
		}
		return &cond{kind: cBetween, tok: start, args: []*operand{l, lo, hi}}, true
	case tIn:
		p.pos++
		if p.kind() != tLParen {
			p.fail(p.pos)
			return nil, false
		}
		p.pos++
		c := &cond{kind: cIn, tok: start, args: []*operand{l}}
		for {
			a, ok := p.operand()
			if !ok {
				return nil, false
			}
			c.args = append(c.args, a)
			switch p.kind() {
			case tComma:
				p.pos++
			case tRParen:
				p.pos++
				return c, true
			default:
				p.fail(p.pos)
				return nil, false
			}
		}
	}
	p.fail(p.pos)
	return nil, false
}

func (p *parser) funcCond() (*cond, bool) {
	f, ok := p.function()
	if !ok {
		return nil, false
	}
	return &cond{kind: cFunc, tok: f.tok, name: f.name, args: f.args}, true
}

// ---- update expressions ----

// update parses (SET .. | ADD .. | DELETE .. | REMOVE ..)+ EOF and returns
// the actions in order, plus the section keyword tokens.
func (p *parser) update() ([]*action, []int, bool) {
	var acts []*action
	var sections []int
	isSection := func(k tokKind) bool { return k == tSet || k == tAdd || k == tDelete || k == tRemove }
	if !isSection(p.kind()) {
		p.fail(p.pos)
		return nil, nil, false
	}
	for isSection(p.kind()) {
		k := p.kind()
		sections = append(sections, p.pos)
		p.pos++
		for {
			a, ok := p.updateAction(k)
			if !ok {
				return nil, nil, false
			}
			acts = append(acts, a)
			if p.kind() != tComma {
				break
			}
			p.pos++
		}
	}
	if p.kind() != tEOF {
		p.fail(p.pos)
		return nil, nil, false
	}
	return acts, sections, true
}

func (p *parser) updateAction(k tokKind) (*action, bool) {
	start := p.pos
	raw, ok := p.path()
	if !ok {
		return nil, false
	}
	a := &action{kind: k, tok: start, raw: raw}
	switch k {
	case tSet:
		if p.kind() != tEq {
			p.fail(p.pos)
			return nil, false
		}
		p.pos++
		v, ok := p.setValue()
		if !ok {
			return nil, false
		}
		a.val = v
	case tAdd, tDelete:
		if p.kind() != tValue {
			p.fail(p.pos)
			return nil, false
		}
		a.val = &operand{kind: oValue, tok: p.pos, name: p.text(p.pos)}
		p.pos++
	}
	return a, true
}

// setValue parses operand | arithmetic, keeping the longer.
func (p *parser) setValue() (*operand, bool) {
	return p.longest(&p.setMemo, p.operand, p.arithmetic)
}

// arithmetic parses operand ('+'|'-') operand | '(' arithmetic ')'.
func (p *parser) arithmetic() (*operand, bool) {
	start := p.pos
	if m, ok := p.arithMemo[start]; ok {
		p.pos = m.end
		return m.o, m.ok
	}
	alts := []func() (*operand, bool){p.plusMinus}
	if p.kind() == tLParen {
		alts = append(alts, p.arithParens)
	}
	return p.longest(&p.arithMemo, alts...)
}

func (p *parser) longest(memo *map[int]opMemo, alts ...func() (*operand, bool)) (*operand, bool) {
	start := p.pos
	if *memo == nil {
		*memo = make(map[int]opMemo)
	}
	if m, ok := (*memo)[start]; ok {
		p.pos = m.end
		return m.o, m.ok
	}
	var best *operand
	end := -1
	for _, f := range alts {
		p.pos = start
		if o, ok := f(); ok && p.pos > end {
			best, end = o, p.pos
		}
	}
	ok := best != nil
	if ok {
		p.pos = end
	} else {
		p.pos = start
	}
	(*memo)[start] = opMemo{best, p.pos, ok}
	return best, ok
}

func (p *parser) plusMinus() (*operand, bool) {
	start := p.pos
	l, ok := p.operand()
	if !ok {
		return nil, false
	}
	k := p.kind()
	if k != tPlus && k != tMinus {
		p.fail(p.pos)
		return nil, false
	}
	op := p.text(p.pos)
	p.pos++
	r, ok := p.operand()
	if !ok {
		return nil, false
	}
	return &operand{kind: oArith, tok: start, name: op, args: []*operand{l, r}}, true
}

func (p *parser) arithParens() (*operand, bool) {
	start := p.pos
	p.pos++
	a, ok := p.arithmetic()
	if !ok {
		return nil, false
	}
	if p.kind() != tRParen {
		p.fail(p.pos)
		return nil, false
	}
	if a.kind == oParen {
		p.redundant = append(p.redundant, p.pos)
	}
	p.pos++
	return &operand{kind: oParen, tok: start, args: []*operand{a}}, true
}

// ---- projections ----

// projection parses path (',' path)* EOF.
func (p *parser) projection() ([]*operand, bool) {
	var paths []*operand
	for {
		o, ok := p.pathOperand()
		if !ok {
			return nil, false
		}
		paths = append(paths, o)
		switch p.kind() {
		case tComma:
			p.pos++
		case tEOF:
			return paths, true
		default:
			p.fail(p.pos)
			return nil, false
		}
	}
}

// ---- redundant parentheses in a successful parse ----

// redundantOperand reports whether o holds a parenthesis group directly
// inside another: ((x)).
func redundantOperand(o *operand) bool {
	if o.kind == oParen && o.args[0].kind == oParen {
		return true
	}
	return slices.ContainsFunc(o.args, redundantOperand)
}

func redundantCond(c *cond) bool {
	if c.kind == cParen && c.l.kind == cParen {
		return true
	}
	if slices.ContainsFunc(c.args, redundantOperand) {
		return true
	}
	return c.l != nil && redundantCond(c.l) || c.r != nil && redundantCond(c.r)
}
