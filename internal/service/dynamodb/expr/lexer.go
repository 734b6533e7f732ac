package expr

import (
	"strings"
	"unicode/utf8"
)

// tokKind is a lexical token class of DynamoDB's expression grammar.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tID               // [a-zA-Z][a-zA-Z0-9_]*
	tName             // '#' [a-zA-Z0-9_]+
	tValue            // ':' [a-zA-Z0-9_]+
	tIndex            // [0-9]+
	tEq               // =
	tNe               // <>
	tLt               // <
	tLe               // <=
	tGt               // >
	tGe               // >=
	tPlus             // +
	tMinus            // -
	tLParen           // (
	tRParen           // )
	tComma            // ,
	tDot              // .
	tLBracket         // [
	tRBracket         // ]
	tAnd              // AND (any case)
	tOr               // OR
	tNot              // NOT
	tBetween          // BETWEEN
	tIn               // IN
	tSet              // SET
	tAdd              // ADD
	tDelete           // DELETE
	tRemove           // REMOVE
	tUnknown          // any other character
)

// token is one lexical token: its class and its byte span in the source.
// Whitespace ([ \t\r\n]) separates tokens and is kept only implicitly, as the
// gaps between spans (DynamoDB's lexer puts it on a hidden channel).
type token struct {
	kind       tokKind
	start, end int
}

var keywords = [...]struct {
	word string
	kind tokKind
}{
	{"AND", tAnd}, {"OR", tOr}, {"NOT", tNot}, {"BETWEEN", tBetween}, {"IN", tIn},
	{"SET", tSet}, {"ADD", tAdd}, {"DELETE", tDelete}, {"REMOVE", tRemove},
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIDPart(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// lex splits src into tokens; the result always ends with a tEOF token.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		var k tokKind
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
			continue
		case isLetter(c):
			for i++; i < len(src) && isIDPart(src[i]); i++ {
			}
			k = tID
			if i-start <= 7 {
				for _, kw := range keywords {
					if strings.EqualFold(src[start:i], kw.word) {
						k = kw.kind
						break
					}
				}
			}
		case isDigit(c):
			for i++; i < len(src) && isDigit(src[i]); i++ {
			}
			k = tIndex
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isIDPart(src[j]) {
				j++
			}
			if j == i+1 {
				i++
				k = tUnknown
			} else {
				i = j
				k = tName
				if c == ':' {
					k = tValue
				}
			}
		case c == '<':
			i++
			k = tLt
			if i < len(src) && src[i] == '=' {
				i++
				k = tLe
			} else if i < len(src) && src[i] == '>' {
				i++
				k = tNe
			}
		case c == '>':
			i++
			k = tGt
			if i < len(src) && src[i] == '=' {
				i++
				k = tGe
			}
		default:
			i++
			switch c {
			case '=':
				k = tEq
			case '+':
				k = tPlus
			case '-':
				k = tMinus
			case '(':
				k = tLParen
			case ')':
				k = tRParen
			case ',':
				k = tComma
			case '.':
				k = tDot
			case '[':
				k = tLBracket
			case ']':
				k = tRBracket
			default:
				k = tUnknown
				if c >= utf8.RuneSelf {
					_, n := utf8.DecodeRuneInString(src[start:])
					i = start + n
				}
			}
		}
		toks = append(toks, token{kind: k, start: start, end: i})
	}
	return append(toks, token{kind: tEOF, start: len(src), end: len(src)})
}
