package pattern

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// A deliberately naive second implementation of event-ruler's semantics, the
// way its ACFinder works: flatten the event into leaf fields that remember
// the array elements they sit in, expand $or into sub-rules, and search for
// one leaf per field such that no two come from different elements of the
// same array; a field required absent must have no leaf consistent with the
// choice. The tree evaluator must agree with it.

type arrayPos struct{ id, idx int }

type flatLeaf struct {
	path string
	n    *enode
	in   []arrayPos
}

// flatten returns the leaves of e, or ok=false for events the oracle does
// not model (dotted or duplicate keys, a root that is not an object, too
// many leaves).
func flatten(e *Event) (leaves []flatLeaf, ok bool) {
	if e.root.kind != kObject {
		return nil, false
	}
	ids := 0
	ok = true
	var walk func(n *enode, path string, in []arrayPos)
	walk = func(n *enode, path string, in []arrayPos) {
		switch n.kind {
		case kObject:
			if n.flags&flDotted != 0 {
				ok = false
				return
			}
			seen := map[string]bool{}
			for i := n.first; i < n.first+n.n; i++ {
				k := e.nodes[i].key
				if seen[k] {
					ok = false
					return
				}
				seen[k] = true
				p := k
				if path != "" || n != &e.root {
					p = path + "." + k
				}
				walk(&e.nodes[i], p, in)
			}
		case kArray:
			ids++
			id := ids
			for i := n.first; i < n.first+n.n; i++ {
				walk(&e.nodes[i], path, append(in[:len(in):len(in)], arrayPos{id, int(i - n.first)}))
			}
		default:
			leaves = append(leaves, flatLeaf{path: path, n: n, in: in})
		}
	}
	walk(&e.root, "", nil)
	if len(leaves) > 200 {
		return nil, false
	}
	return leaves, ok
}

func consistent(a, b []arrayPos) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].id != b[i].id {
			return true
		}
		if a[i].idx != b[i].idx {
			return false
		}
	}
	return true
}

// oracleRule searches exhaustively; budget bounds the work and, when spent,
// makes the answer unknown.
func oracleRule(r rule, leaves []flatLeaf, budget *int) bool {
	var chosen []*flatLeaf
	var absent []*field
	fits := func(l *flatLeaf) bool {
		for _, c := range chosen {
			if !consistent(c.in, l.in) {
				return false
			}
		}
		return true
	}
	var choose func(i int) bool
	choose = func(i int) bool {
		if *budget--; *budget < 0 {
			return false
		}
		if i == len(r) {
			for _, f := range absent {
				for j := range leaves {
					if leaves[j].path == f.path && fits(&leaves[j]) {
						return false
					}
				}
			}
			return true
		}
		f := r[i]
		for j := range leaves {
			l := &leaves[j]
			if l.path != f.path || !fits(l) {
				continue
			}
			for k := range f.ms {
				if f.ms[k].match(l.n) {
					chosen = append(chosen, l)
					ok := choose(i + 1)
					chosen = chosen[:len(chosen)-1]
					if ok {
						return true
					}
					break
				}
			}
		}
		if f.absent {
			absent = append(absent, f)
			ok := choose(i + 1)
			absent = absent[:len(absent)-1]
			return ok
		}
		return false
	}
	return choose(0)
}

// oracle reports the reference answer, or ok=false when it does not apply.
func oracle(src string, d dialect, e *Event) (match, ok bool) {
	c := &compiler{p: newPuller(src), d: d, topKeys: map[string]bool{}}
	if t, err := c.next(); err != nil || t != tokStartObject {
		return false, false
	}
	var rules []rule
	if err := c.parseObject(&rules, 1, false, true); err != nil || c.empty {
		return false, false
	}
	leaves, ok := flatten(e)
	if !ok || len(rules) > 64 {
		return false, false
	}
	for _, r := range rules {
		if len(r) > 8 {
			return false, false
		}
	}
	budget := 100000
	for _, r := range rules {
		if oracleRule(r, leaves, &budget) {
			return true, true
		}
	}
	return false, budget >= 0
}

// checkOracle fails t when the oracle applies and disagrees.
func checkOracle(t *testing.T, src string, d dialect, e *Event, got bool) {
	t.Helper()
	if want, ok := oracle(src, d, e); ok && want != got {
		t.Errorf("pattern %s: evaluator says %v, reference says %v", src, got, want)
	}
}

func TestOracleAgreesOnTables(t *testing.T) {
	// Every match case of the tables, checked against the reference.
	var all []matchCase
	for _, f := range []func() []matchCase{documentationCases, lambdaCases, operatorCases} {
		all = append(all, f()...)
	}
	checked := 0
	for _, tc := range all {
		p, err := Compile([]byte(tc.pattern))
		if err != nil {
			t.Fatal(err)
		}
		e, err := ParseEvent([]byte(tc.event))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := oracle(tc.pattern, dialect{}, e); ok {
			checked++
		}
		checkOracle(t, tc.pattern, dialect{}, e, p.MatchEvent(e))
	}
	if checked < len(all)/2 {
		t.Errorf("oracle applied to only %d of %d cases", checked, len(all))
	}
}

// TestRandomAgainstOracle compares the evaluator with the reference on
// random small patterns and events built to stress arrays, absence and $or.
func TestRandomAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "c"}
	scalars := []string{`1`, `2`, `1.0`, `"x"`, `"y"`, `"xy"`, `null`, `true`, `""`}
	alts := []string{`1`, `2`, `"x"`, `null`, `true`, `{"exists": true}`, `{"exists": false}`,
		`{"anything-but": [1]}`, `{"anything-but": "x"}`, `{"numeric": [">", 1]}`, `{"prefix": "x"}`,
		`{"wildcard": "*y"}`, `{"equals-ignore-case": "X"}`}
	pick := func(n int) []int {
		idx := rng.Perm(len(keys))
		return idx[:n]
	}
	var pattern func(depth int) string
	pattern = func(depth int) string {
		var parts []string
		for _, i := range pick(1 + rng.IntN(3)) {
			var v string
			if depth < 3 && rng.IntN(3) == 0 {
				v = pattern(depth + 1)
			} else {
				n := 1 + rng.IntN(2)
				var as []string
				for j := 0; j < n; j++ {
					as = append(as, alts[rng.IntN(len(alts))])
				}
				v = "[" + strings.Join(as, ",") + "]"
			}
			parts = append(parts, `"`+keys[i]+`":`+v)
		}
		if depth < 3 && rng.IntN(4) == 0 {
			parts = append(parts, `"$or":[`+pattern(depth+1)+`,`+pattern(depth+1)+`]`)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	var value func(depth int) string
	var object func(depth int) string
	value = func(depth int) string {
		switch r := rng.IntN(6); {
		case depth < 4 && r == 0:
			return object(depth + 1)
		case depth < 4 && r == 1:
			var es []string
			for j := rng.IntN(4); j > 0; j-- {
				es = append(es, value(depth+1))
			}
			return "[" + strings.Join(es, ",") + "]"
		}
		return scalars[rng.IntN(len(scalars))]
	}
	object = func(depth int) string {
		var parts []string
		for _, i := range pick(rng.IntN(4)) {
			parts = append(parts, `"`+keys[i]+`":`+value(depth))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	checked := 0
	for i := 0; i < n; i++ {
		src := pattern(0)
		p, err := Compile([]byte(src))
		if err != nil {
			t.Fatalf("Compile(%s): %v", src, err)
		}
		ev := object(0)
		e, err := ParseEvent([]byte(ev))
		if err != nil {
			t.Fatalf("ParseEvent(%s): %v", ev, err)
		}
		got := p.MatchEvent(e)
		if want, ok := oracle(src, dialect{}, e); ok {
			checked++
			if got != want {
				t.Fatalf("pattern %s\nevent %s\nevaluator %v, reference %v", src, ev, got, want)
			}
		}
	}
	if checked < n*3/4 {
		t.Errorf("reference applied to only %d cases", checked)
	}
}
