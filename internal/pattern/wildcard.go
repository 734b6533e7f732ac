package pattern

import (
	"sort"
	"strconv"
	"strings"
)

// wildcard is a compiled "wildcard" operand: the literal pieces between the
// '*' characters, escapes resolved.
type wildcard struct {
	src  string
	segs []string
}

// parseWildcard applies event-ruler's rules: '*' matches any run of bytes,
// "**" is refused, "\*" and "\\" are the literal characters and any other
// escape is refused. Positions in messages count the opening quote event-ruler
// wraps around the value, so the first character is at pos 1.
func parseWildcard(text string) (*wildcard, string) {
	w := &wildcard{src: text}
	var cur []byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '*':
			if i+1 < len(text) && text[i+1] == '*' {
				return nil, "Consecutive wildcard characters at pos " + strconv.Itoa(i+1)
			}
			w.segs = append(w.segs, string(cur))
			cur = cur[:0]
		case '\\':
			if i+1 < len(text) && (text[i+1] == '*' || text[i+1] == '\\') {
				cur = append(cur, text[i+1])
				i++
				continue
			}
			return nil, "Invalid escape character at pos " + strconv.Itoa(i+1)
		default:
			cur = append(cur, c)
		}
	}
	w.segs = append(w.segs, string(cur))
	return w, ""
}

func (w *wildcard) match(s string) bool {
	n := len(w.segs)
	if n == 1 {
		return s == w.segs[0]
	}
	first, last := w.segs[0], w.segs[n-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, seg := range w.segs[1 : n-1] {
		i := strings.Index(mid, seg)
		if i < 0 {
			return false
		}
		mid = mid[i+len(seg):]
	}
	return true
}

// wildcardComplexityLimit is the largest complexity accepted for the wildcard
// operands of one field. See DESIGN.md: AWS does not publish the number; this
// one rejects the shapes the EventBridge documentation calls too complex.
const wildcardComplexityLimit = 6

// maxComplexityStates bounds the work spent measuring complexity; a pattern
// set that needs more is treated as too complex.
const maxComplexityStates = 4096

const (
	tokStar  = 256
	tokOther = 257
)

// wildcardComplexity measures what event-ruler's MachineComplexityEvaluator
// measures: the largest number of partial wildcard matches a single input
// value can keep alive at once, over the values of one field. Each operand is
// an NFA over the bytes of the quoted value; the measure is the size of the
// largest reachable state set. It returns early once limit is exceeded.
func wildcardComplexity(ops []*wildcard, limit int) int {
	var toks [][]int
	alphabet := map[int]bool{tokOther: true, '"': true}
	for _, w := range ops {
		t := []int{'"'}
		for i, seg := range w.segs {
			if i > 0 {
				t = append(t, tokStar)
			}
			for j := 0; j < len(seg); j++ {
				t = append(t, int(seg[j]))
				alphabet[int(seg[j])] = true
			}
		}
		t = append(t, '"')
		toks = append(toks, t)
	}
	if len(toks) == 0 {
		return 0
	}
	bytes := make([]int, 0, len(alphabet))
	for b := range alphabet {
		bytes = append(bytes, b)
	}
	sort.Ints(bytes)

	type state struct{ p, j int }
	key := func(set []state) string {
		var sb strings.Builder
		for _, s := range set {
			sb.WriteString(strconv.Itoa(s.p))
			sb.WriteByte(':')
			sb.WriteString(strconv.Itoa(s.j))
			sb.WriteByte(',')
		}
		return sb.String()
	}
	start := make([]state, len(toks))
	for p := range toks {
		start[p] = state{p, 0}
	}
	seen := map[string]bool{key(start): true}
	queue := [][]state{start}
	worst := 0
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		// Epsilon closure: a star may match nothing.
		var closure []state
		for _, s := range cur {
			closure = append(closure, s)
			if s.j < len(toks[s.p]) && toks[s.p][s.j] == tokStar {
				closure = append(closure, state{s.p, s.j + 1})
			}
		}
		for _, b := range bytes {
			next := map[state]bool{}
			for _, s := range closure {
				t := toks[s.p]
				if s.j > 0 && t[s.j-1] == tokStar {
					next[s] = true // inside a star: any byte stays
				}
				if s.j < len(t) && (t[s.j] == b || t[s.j] == tokStar) {
					next[state{s.p, s.j + 1}] = true
				}
			}
			if len(next) == 0 {
				continue
			}
			if len(next) > worst {
				worst = len(next)
				if worst > limit {
					return worst
				}
			}
			set := make([]state, 0, len(next))
			for s := range next {
				set = append(set, s)
			}
			sort.Slice(set, func(i, j int) bool {
				if set[i].p != set[j].p {
					return set[i].p < set[j].p
				}
				return set[i].j < set[j].j
			})
			k := key(set)
			if seen[k] {
				continue
			}
			if len(seen) >= maxComplexityStates {
				return limit + 1
			}
			seen[k] = true
			queue = append(queue, set)
		}
	}
	return worst
}
