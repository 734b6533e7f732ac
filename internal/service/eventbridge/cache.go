package eventbridge

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/store"
)

// busRules is what PutEvents needs of a bus: whether it exists and its
// enabled pattern rules, compiled, with their targets.
type busRules struct {
	exists bool
	rules  []*crule
	// bySource files the rules whose pattern requires the event's source
	// to be one of some strings under each of them, and anySource lists
	// the others (indices into rules, increasing): an event is matched
	// only against the rules of its source and the others.
	bySource  map[string][]int
	anySource []int
}

// candidates returns the indices of the rules an event with the given
// source can match (all of them when the source is not a string).
func (br *busRules) candidates(source string, isString bool) []int {
	if !isString || br.bySource == nil {
		return nil
	}
	a, b := br.bySource[source], br.anySource
	out := make([]int, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 { // merge: rules keep their order
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// index files the rules by their required sources.
func (br *busRules) index() {
	br.bySource = map[string][]int{}
	for i, r := range br.rules {
		srcs, ok := r.pat.RequiredStrings("source")
		if !ok {
			br.anySource = append(br.anySource, i)
			continue
		}
		for _, v := range srcs {
			br.bySource[v] = append(br.bySource[v], i)
		}
	}
}

// crule is a compiled rule.
type crule struct {
	name, arn string
	pat       *pattern.Pattern
	targets   []*target
}

// ruleCache holds busRules per bus. Every change of a bus, rule or target
// drops the bus's entry after its commit (Tx.AfterCommit) and, with
// PostgreSQL, on the other nodes (Tx.Notify). A load that raced with a
// drop is not kept: each key has a generation, bumped by drops.
type ruleCache struct {
	s   *Service
	mu  sync.Mutex
	m   map[string]*busRules
	gen map[string]uint64
	all uint64 // bumped by drop-all
}

func newRuleCache(s *Service) *ruleCache {
	return &ruleCache{s: s, m: map[string]*busRules{}, gen: map[string]uint64{}}
}

// notifyChannel carries "ORIGIN|ACCOUNT/REGION/BUS" cache drops between
// nodes (ORIGIN: the sending node, which dropped its own entry already).
const notifyChannel = "hako_eventbridge"

// invalidate drops k's cache entry once tx commits, here and on every node.
func (s *Service) invalidate(tx *store.Tx, k busKey) {
	id := k.id()
	tx.AfterCommit(func() { s.cache.drop(id) })
	if s.st.Dialect() == store.Postgres {
		tx.Notify(notifyChannel, s.origin+"|"+id)
	}
}

func (s *Service) onNotify(payload string) {
	if payload == "" {
		s.cache.dropAll()
		return
	}
	origin, id, ok := strings.Cut(payload, "|")
	if ok && origin != s.origin {
		s.cache.drop(id)
	}
}

func (c *ruleCache) drop(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.gen[id]++
	c.mu.Unlock()
}

func (c *ruleCache) dropAll() {
	c.mu.Lock()
	clear(c.m)
	c.all++
	c.mu.Unlock()
}

// get returns the bus's compiled rules, loading them on a miss.
func (c *ruleCache) get(ctx context.Context, k busKey) (*busRules, error) {
	id := k.id()
	c.mu.Lock()
	if br, ok := c.m[id]; ok {
		c.mu.Unlock()
		return br, nil
	}
	g, ga := c.gen[id], c.all
	c.mu.Unlock()
	var br *busRules
	err := c.s.st.View(ctx, func(tx *store.Tx) (err error) {
		br, err = loadBusRules(ctx, tx, k)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen[id] == g && c.all == ga {
		c.m[id] = br
	}
	c.mu.Unlock()
	return br, nil
}

// loadBusRules reads and compiles the enabled pattern rules of a bus.
func loadBusRules(ctx context.Context, tx *store.Tx, k busKey) (*busRules, error) {
	br := &busRules{}
	ok, err := busExists(ctx, tx, k)
	if err != nil || !ok {
		return br, err
	}
	br.exists = true
	q, err := tx.Query(ctx, `SELECT name, pattern FROM eb_rules WHERE account = ? AND region = ? AND bus = ?
		AND pattern <> '' AND state <> 'DISABLED' ORDER BY name`, k.account, k.region, k.name)
	if err != nil {
		return nil, err
	}
	byName := map[string]*crule{}
	for q.Next() {
		var name, src string
		if err := q.Scan(&name, &src); err != nil {
			q.Close()
			return nil, err
		}
		p, err := pattern.Compile([]byte(src))
		if err != nil {
			continue // stored patterns compiled when put; a newer engine may refuse one
		}
		r := &crule{name: name, arn: ruleARN(k, name), pat: p}
		br.rules = append(br.rules, r)
		byName[name] = r
	}
	q.Close()
	if len(br.rules) == 0 {
		return br, nil
	}
	br.index()
	tq, err := tx.Query(ctx, `SELECT rule, body FROM eb_targets WHERE account = ? AND region = ? AND bus = ? ORDER BY rule, seq`,
		k.account, k.region, k.name)
	if err != nil {
		return nil, err
	}
	defer tq.Close()
	for tq.Next() {
		var rule, body string
		if err := tq.Scan(&rule, &body); err != nil {
			return nil, err
		}
		r := byName[rule]
		if r == nil {
			continue
		}
		var t eventbridgeapi.Target
		if err := json.Unmarshal([]byte(body), &t); err != nil {
			return nil, err
		}
		ct, err := compileTarget(&t)
		if err != nil {
			continue
		}
		r.targets = append(r.targets, ct)
	}
	return br, tq.Err()
}
