package store

import (
	"strconv"
	"strings"
)

// Rebind rewrites the ? placeholders of q for the store's dialect: unchanged
// for SQLite, $1..$n for PostgreSQL. A ? inside a single-quoted string
// literal, a double-quoted identifier or a comment is not a placeholder.
// Results are cached per query string.
func (s *Store) Rebind(q string) string {
	if s.dialect != Postgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	if v, ok := s.rebindCache.Load(q); ok {
		return v.(string)
	}
	r := rebindDollar(q)
	// Bound the cache: queries are normally constants, but a caller
	// building queries dynamically must not make it grow forever.
	if s.rebindCount.Load() < maxRebindCached {
		if _, loaded := s.rebindCache.LoadOrStore(q, r); !loaded {
			s.rebindCount.Add(1)
		}
	}
	return r
}

// rebindDollar replaces ? placeholders with $1..$n.
func rebindDollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	scanSQL(q, func(i int, c byte, code bool) {
		if code && c == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			return
		}
		b.WriteByte(c)
	})
	return b.String()
}

// scanSQL calls f for every byte of q, telling whether the byte is SQL code
// (true) or part of a string literal, quoted identifier or comment (false).
func scanSQL(q string, f func(i int, c byte, code bool)) {
	const (
		code = iota
		single
		double
		line
		block
	)
	state := code
	blockFrom := 0 // index of the '*' that opened the current block comment
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch state {
		case code:
			switch {
			case c == '\'':
				state = single
			case c == '"':
				state = double
			case c == '-' && i+1 < len(q) && q[i+1] == '-':
				state = line
			case c == '/' && i+1 < len(q) && q[i+1] == '*':
				state = block
				blockFrom = i + 1
			}
			f(i, c, state == code)
		case single:
			// An escaped quote ('') leaves and re-enters the literal.
			if c == '\'' {
				state = code
			}
			f(i, c, false)
		case double:
			if c == '"' {
				state = code
			}
			f(i, c, false)
		case line:
			if c == '\n' {
				state = code
			}
			f(i, c, false)
		case block:
			if c == '/' && q[i-1] == '*' && i-1 > blockFrom {
				state = code
			}
			f(i, c, false)
		}
	}
}

// splitStatements splits a migration script on ';' outside literals and
// comments, dropping empty statements.
func splitStatements(script string) []string {
	var out []string
	start := 0
	scanSQL(script, func(i int, c byte, code bool) {
		if code && c == ';' {
			if st := strings.TrimSpace(script[start:i]); st != "" && !onlyComments(st) {
				out = append(out, st)
			}
			start = i + 1
		}
	})
	if st := strings.TrimSpace(script[start:]); st != "" && !onlyComments(st) {
		out = append(out, st)
	}
	return out
}

// onlyComments reports whether st holds nothing but comments and space.
func onlyComments(st string) bool {
	only := true
	scanSQL(st, func(i int, c byte, code bool) {
		if code && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			only = false
		}
	})
	return only
}

// rewriteDDL adapts a portable statement to the dialect: BLOB becomes BYTEA
// on PostgreSQL.
func rewriteDDL(d Dialect, st string) string {
	if d != Postgres {
		return st
	}
	var b strings.Builder
	b.Grow(len(st))
	for i := 0; i < len(st); {
		// Find the next identifier-like word in code.
		if isWordByte(st[i]) && (i == 0 || !isWordByte(st[i-1])) {
			j := i
			for j < len(st) && isWordByte(st[j]) {
				j++
			}
			if strings.EqualFold(st[i:j], "BLOB") && inCode(st, i) {
				b.WriteString("BYTEA")
			} else {
				b.WriteString(st[i:j])
			}
			i = j
			continue
		}
		b.WriteByte(st[i])
		i++
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// inCode reports whether byte i of st is SQL code.
func inCode(st string, i int) bool {
	var res bool
	scanSQL(st[:i+1], func(k int, c byte, code bool) {
		if k == i {
			res = code
		}
	})
	return res
}
