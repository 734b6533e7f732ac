package pattern

import "strings"

// Indexing many patterns: EventBridge matches each event against every
// enabled rule of a bus, and most rules name the event's source exactly
// ({"source": ["aws.s3"]}). A caller can file such patterns under the
// values they require (RequiredStrings) and evaluate only the patterns
// filed under the event's value (Event.TopString) plus the unfiled ones.

// RequiredStrings reports the strings one of which the top-level field
// name must be, as a string, for the pattern to match: every alternative
// of the pattern (after expanding $or) tests the field with exact string
// values only. ok is false when the pattern does not restrict the field
// that way (it may match an event without it, or with other values).
// The list is sorted and without duplicates.
func (p *Pattern) RequiredStrings(name string) (values []string, ok bool) {
	if p.matchAll || len(p.roots) == 0 || strings.Contains(name, ".") {
		return nil, false
	}
	seen := map[string]bool{}
	for _, root := range p.roots {
		r := &p.nodes[root]
		found := false
		for i := r.kids; i < r.kids+r.nkids; i++ {
			k := &p.nodes[i]
			if k.seg != name || !k.leaf || k.absent || k.nkids != 0 || k.nms == 0 {
				continue
			}
			for _, m := range p.ms[k.ms : k.ms+k.nms] {
				if m.op != opExactString {
					return nil, false
				}
				seen[m.s] = true
			}
			found = true
		}
		if !found {
			return nil, false
		}
	}
	for v := range seen {
		values = append(values, v)
	}
	sortStrings(values)
	return values, true
}

// TopString returns the value of the event's top-level field name when it
// is a string.
func (e *Event) TopString(name string) (string, bool) {
	if e.root.kind != kObject {
		return "", false
	}
	for i := e.root.first; i < e.root.first+e.root.n; i++ {
		if n := &e.nodes[i]; n.key == name {
			return n.s, n.kind == kString
		}
	}
	return "", false
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
