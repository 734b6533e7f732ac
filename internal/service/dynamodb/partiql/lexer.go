package partiql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lexer follows the reference PartiQL lexer (partiql-lang-kotlin) that
// DynamoDB runs: the same keywords, multi-word keywords and operators, so
// that the parser fails where DynamoDB's does and with its words. A character
// it refuses fails with an empty detail, as DynamoDB's does.

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tQIdent
	tKeyword
	tOp
	tLit // string, number or boolean
	tIon // `...` Ion literal
	tNull
	tMissing
	tStar
	tQMark
	tLParen
	tRParen
	tLBracket
	tRBracket
	tLCurly
	tRCurly
	tLBag
	tRBag
	tDot
	tComma
	tColon
	tSemi
	tAs
	tAt
	tBy
	tAsc
	tDesc
	tFor
)

// names of the kinds as PartiQL's TokenType prints them, for "Expected X".
var tokNames = [...]string{
	tEOF: "EOF", tIdent: "IDENTIFIER", tQIdent: "QUOTED_IDENTIFIER", tKeyword: "KEYWORD",
	tOp: "OPERATOR", tLit: "LITERAL", tIon: "ION_LITERAL", tNull: "NULL", tMissing: "MISSING",
	tStar: "STAR", tQMark: "QUESTION_MARK", tLParen: "LEFT_PAREN", tRParen: "RIGHT_PAREN",
	tLBracket: "LEFT_BRACKET", tRBracket: "RIGHT_BRACKET", tLCurly: "LEFT_CURLY",
	tRCurly: "RIGHT_CURLY", tLBag: "LEFT_DOUBLE_ANGLE_BRACKET", tRBag: "RIGHT_DOUBLE_ANGLE_BRACKET",
	tDot: "DOT", tComma: "COMMA", tColon: "COLON", tSemi: "SEMICOLON", tAs: "AS", tAt: "AT",
	tBy: "BY", tAsc: "ASC", tDesc: "DESC", tFor: "FOR",
}

type litKind uint8

const (
	litString litKind = iota + 1
	litInt
	litDecimal
	litBool
)

type token struct {
	kind tokKind
	// text: identifier name, keyword or operator (lower case, multi-word
	// keywords joined by '_'), literal value (string contents, number as
	// written, "true"/"false"), or the Ion literal's contents.
	text string
	lit  litKind
	// param is the 1-based position of a '?'.
	param int
	// source position, for DynamoDB's "at line:column:length" suffixes.
	line, col, length int
}

// keywords is SQL-92's keyword list plus PartiQL's, as the reference lexer
// has it. A keyword is not an identifier: `WHERE size = 1` fails.
var keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`absolute action add all allocate alter and any are as asc
	assertion at authorization avg begin between bit bit_length by cascade cascaded case cast
	catalog char character character_length char_length check close coalesce collate collation
	column commit connect connection constraint constraints continue convert corresponding count
	create cross current current_date current_time current_timestamp current_user cursor date
	deallocate dec decimal declare default deferrable deferred delete desc describe descriptor
	diagnostics disconnect distinct domain double drop else end end-exec escape except exception
	exec execute exists external extract date_add date_diff false fetch first float for foreign
	found from full get global go goto grant group having identity immediate in indicator
	initially inner input insensitive insert int integer intersect interval into is isolation
	join key language last left level like local lower match max min module names national
	natural nchar next no not null nullif numeric octet_length of on only open option or order
	outer output overlaps pad partial position precision prepare preserve primary prior
	privileges procedure public read real references relative restrict revoke right rollback
	rows schema scroll section select session session_user set size smallint some space sql
	sqlcode sqlerror sqlstate substring sum system_user table temporary then time timestamp to
	transaction translate translation trim true union unique unknown update upper usage user
	using value values varchar varying view when whenever where with work write zone
	can_cast can_lossless_cast missing pivot unpivot limit offset tuple remove index let
	integer2 int2 integer4 int4 integer8 int8 bigint conflict do nothing returning modified new
	old bool boolean string symbol clob blob struct list sexp bag`) {
		m[w] = true
	}
	return m
}()

// typeAliases maps keyword aliases to the type keyword they stand for.
var typeAliases = map[string]string{
	"varchar": "character_varying", "char": "character", "dec": "decimal", "int": "integer",
	"int2": "smallint", "integer2": "smallint", "int4": "integer4", "int8": "integer8",
	"bigint": "integer8", "bool": "boolean",
}

// wordOps are the keywords that lex as operators.
var wordOps = map[string]bool{
	"and": true, "or": true, "not": true, "is": true, "in": true, "between": true,
	"like": true, "union": true, "except": true, "intersect": true,
}

// multiWords joins keyword sequences into one token, longest first.
var multiWords = []struct {
	words []string
	text  string
	kind  tokKind
}{
	{[]string{"left", "outer", "cross", "join"}, "left_cross_join", tKeyword},
	{[]string{"right", "outer", "cross", "join"}, "right_cross_join", tKeyword},
	{[]string{"full", "outer", "cross", "join"}, "outer_cross_join", tKeyword},
	{[]string{"inner", "cross", "join"}, "cross_join", tKeyword},
	{[]string{"left", "outer", "join"}, "left_join", tKeyword},
	{[]string{"left", "cross", "join"}, "left_cross_join", tKeyword},
	{[]string{"right", "outer", "join"}, "right_join", tKeyword},
	{[]string{"right", "cross", "join"}, "right_cross_join", tKeyword},
	{[]string{"full", "outer", "join"}, "outer_join", tKeyword},
	{[]string{"full", "cross", "join"}, "outer_cross_join", tKeyword},
	{[]string{"outer", "cross", "join"}, "outer_cross_join", tKeyword},
	{[]string{"not", "in"}, "not_in", tOp},
	{[]string{"is", "not"}, "is_not", tOp},
	{[]string{"not", "between"}, "not_between", tOp},
	{[]string{"not", "like"}, "not_like", tOp},
	{[]string{"union", "all"}, "union_all", tOp},
	{[]string{"intersect", "all"}, "intersect_all", tOp},
	{[]string{"except", "all"}, "except_all", tOp},
	{[]string{"union", "distinct"}, "union_distinct", tOp},
	{[]string{"intersect", "distinct"}, "intersect_distinct", tOp},
	{[]string{"except", "distinct"}, "except_distinct", tOp},
	{[]string{"character", "varying"}, "character_varying", tKeyword},
	{[]string{"double", "precision"}, "double_precision", tKeyword},
	{[]string{"cross", "join"}, "cross_join", tKeyword},
	{[]string{"inner", "join"}, "inner_join", tKeyword},
	{[]string{"left", "join"}, "left_join", tKeyword},
	{[]string{"right", "join"}, "right_join", tKeyword},
	{[]string{"full", "join"}, "outer_join", tKeyword},
	{[]string{"outer", "join"}, "outer_join", tKeyword},
	{[]string{"insert", "into"}, "insert_into", tKeyword},
	{[]string{"on", "conflict"}, "on_conflict", tKeyword},
	{[]string{"do", "nothing"}, "do_nothing", tKeyword},
	{[]string{"modified", "old"}, "modified_old", tKeyword},
	{[]string{"modified", "new"}, "modified_new", tKeyword},
	{[]string{"all", "old"}, "all_old", tKeyword},
	{[]string{"all", "new"}, "all_new", tKeyword},
}

// lexError is a statement the lexer refuses; DynamoDB gives no detail.
func lexError() *Error { return validation(MsgNotWellFormed) }

type lexer struct {
	src       string
	pos       int
	line, col int
	params    int
	toks      []token
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// advance moves past n bytes, keeping line and column (in characters).
func (l *lexer) advance(n int) {
	for end := l.pos + n; l.pos < end; {
		c := l.src[l.pos]
		if c == '\n' {
			l.line++
			l.col = 1
			l.pos++
			continue
		}
		_, size := utf8.DecodeRuneInString(l.src[l.pos:])
		l.pos += size
		l.col++
	}
}

func (l *lexer) emit(t token, line, col, startPos int) {
	t.line, t.col = line, col
	t.length = utf8.RuneCountInString(l.src[startPos:l.pos])
	l.toks = append(l.toks, t)
}

// tokenize splits src into tokens, ending with tEOF.
func tokenize(src string) ([]token, *Error) {
	l := &lexer{src: src, line: 1, col: 1}
	for {
		if err := l.skipSpace(); err != nil {
			return nil, err
		}
		if l.pos >= len(l.src) {
			l.toks = append(l.toks, token{kind: tEOF, line: l.line, col: l.col})
			return mergeWords(l.toks), nil
		}
		if err := l.next(); err != nil {
			return nil, err
		}
	}
}

func (l *lexer) skipSpace() *Error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case strings.HasPrefix(l.src[l.pos:], "--"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				end = len(l.src) - l.pos
			}
			l.advance(end)
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return lexError()
			}
			l.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) next() *Error {
	line, col, start := l.line, l.col, l.pos
	c := l.src[l.pos]
	simple := func(k tokKind, text string, n int) {
		l.advance(n)
		l.emit(token{kind: k, text: text}, line, col, start)
	}
	rest := l.src[l.pos:]
	switch {
	case c == '\'':
		s, n, ok := quoted(rest, '\'')
		if !ok {
			return lexError()
		}
		l.advance(n)
		l.emit(token{kind: tLit, lit: litString, text: s}, line, col, start)
	case c == '"':
		s, n, ok := quoted(rest, '"')
		if !ok {
			return lexError()
		}
		l.advance(n)
		l.emit(token{kind: tQIdent, text: s}, line, col, start)
	case c == '`':
		end := strings.IndexByte(rest[1:], '`')
		if end < 0 {
			return lexError()
		}
		l.advance(end + 2)
		l.emit(token{kind: tIon, text: rest[1 : end+1]}, line, col, start)
	case isDigit(c) || (c == '.' && len(rest) > 1 && isDigit(rest[1])):
		return l.number(line, col, start)
	case isIdentStart(c):
		n := 1
		for n < len(rest) && isIdentPart(rest[n]) {
			n++
		}
		l.advance(n)
		l.word(rest[:n], line, col, start)
	case c == '?':
		l.params++
		l.advance(1)
		l.emit(token{kind: tQMark, text: "?", param: l.params}, line, col, start)
	case strings.HasPrefix(rest, "<<"):
		simple(tLBag, "<<", 2)
	case strings.HasPrefix(rest, ">>"):
		simple(tRBag, ">>", 2)
	case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "<>"),
		strings.HasPrefix(rest, "||"):
		simple(tOp, rest[:2], 2)
	case strings.HasPrefix(rest, "!="):
		simple(tOp, "<>", 2)
	default:
		switch c {
		case '(':
			simple(tLParen, "(", 1)
		case ')':
			simple(tRParen, ")", 1)
		case '[':
			simple(tLBracket, "[", 1)
		case ']':
			simple(tRBracket, "]", 1)
		case '{':
			simple(tLCurly, "{", 1)
		case '}':
			simple(tRCurly, "}", 1)
		case '.':
			simple(tDot, ".", 1)
		case ',':
			simple(tComma, ",", 1)
		case ':':
			simple(tColon, ":", 1)
		case ';':
			simple(tSemi, ";", 1)
		case '*':
			simple(tStar, "*", 1)
		case '+', '-', '/', '%', '<', '>', '=', '@', '~':
			simple(tOp, string(c), 1)
		default:
			return lexError()
		}
	}
	return nil
}

// quoted reads a string quoted by q, where a doubled q stands for one.
// It returns the contents, the bytes consumed and whether it was closed.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// number lexes digits [. digits] [e [+-] digits]. An integer is Ion's INT,
// anything with a point or an exponent a DECIMAL. Like the reference lexer
// it refuses an exponent or a scale outside a 32-bit integer.
func (l *lexer) number(line, col, start int) *Error {
	s := l.src[l.pos:]
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	kind := litInt
	frac := 0
	if n < len(s) && s[n] == '.' {
		kind = litDecimal
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
			frac++
		}
	}
	exp := int64(0)
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		kind = litDecimal
		n++
		es := n
		if n < len(s) && (s[n] == '+' || s[n] == '-') {
			n++
		}
		ds := n
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		if ds == n {
			return lexError()
		}
		e, err := strconv.ParseInt(s[es:n], 10, 32)
		if err != nil {
			return lexError()
		}
		exp = e
	}
	if n < len(s) && (isIdentPart(s[n]) || s[n] == '.') {
		return lexError()
	}
	if scale := int64(frac) - exp; scale > 1<<31-1 || scale < -1<<31 {
		return lexError()
	}
	l.advance(n)
	l.emit(token{kind: tLit, lit: kind, text: s[:n]}, line, col, start)
	return nil
}

// word classifies a bare word: keyword, operator, literal or identifier.
func (l *lexer) word(w string, line, col, start int) {
	lw := strings.ToLower(w)
	t := token{kind: tIdent, text: w}
	switch {
	case lw == "true" || lw == "false":
		t = token{kind: tLit, lit: litBool, text: lw}
	case lw == "null":
		t = token{kind: tNull, text: lw}
	case lw == "missing":
		t = token{kind: tMissing, text: lw}
	case lw == "as":
		t = token{kind: tAs, text: lw}
	case lw == "at":
		t = token{kind: tAt, text: lw}
	case lw == "by":
		t = token{kind: tBy, text: lw}
	case lw == "asc":
		t = token{kind: tAsc, text: lw}
	case lw == "desc":
		t = token{kind: tDesc, text: lw}
	case lw == "for":
		t = token{kind: tFor, text: lw}
	case wordOps[lw]:
		t = token{kind: tOp, text: lw}
	case keywords[lw]:
		t = token{kind: tKeyword, text: lw}
	}
	l.emit(t, line, col, start)
}

// wordText is a token's lower-case word, or "" when it is not a word.
func wordText(t *token) string {
	switch t.kind {
	case tKeyword, tOp, tAs, tAt, tBy, tAsc, tDesc, tFor, tNull, tMissing:
		return t.text
	}
	return ""
}

// mergeWords joins multi-word keywords ("insert into", "is not", ...) and
// then maps type aliases, as the reference lexer does.
func mergeWords(in []token) []token {
	out := in[:0]
	for i := 0; i < len(in); i++ {
		merged := false
		for _, m := range multiWords {
			if i+len(m.words) > len(in) {
				continue
			}
			match := true
			for j, w := range m.words {
				if wordText(&in[i+j]) != w {
					match = false
					break
				}
			}
			if !match {
				continue
			}
			last := in[i+len(m.words)-1]
			t := token{kind: m.kind, text: m.text, line: in[i].line, col: in[i].col, length: in[i].length}
			if last.line == t.line {
				t.length = last.col + last.length - t.col
			}
			out = append(out, t)
			i += len(m.words) - 1
			merged = true
			break
		}
		if merged {
			continue
		}
		t := in[i]
		if t.kind == tKeyword {
			if a, ok := typeAliases[t.text]; ok {
				t.text = a
			}
		}
		out = append(out, t)
	}
	return out
}
