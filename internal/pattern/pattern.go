// Package pattern is hako's one implementation of the Amazon EventBridge
// event pattern language, used by EventBridge rules and Lambda event source
// mapping FilterCriteria, and, in its SNS dialect, by SNS subscription filter
// policies. It follows aws/event-ruler, the library AWS uses: the same
// operators, array-consistent matching, and the same reasons for invalid
// patterns. It is pure (no I/O); see DESIGN.md for the semantics and the
// AWS behaviour it assumes.
//
// Compile once, match many times: a *Pattern is immutable and safe for
// concurrent use. To match one event against many patterns, decode it once
// with ParseEvent or EventOf and call MatchEvent.
package pattern

// Error is an invalid pattern. Reason is the text AWS reports; callers add
// their service's framing:
//
//   - EventBridge (InvalidEventPatternException): "Event pattern is not
//     valid. Reason: " + Reason
//   - Lambda FilterCriteria (InvalidParameterValueException): the reason in
//     the service's own message
//   - SNS (InvalidParameter): "Invalid parameter: " + Reason, or
//     "Invalid parameter: Attributes Reason: " + Reason from Subscribe;
//     SNS reasons already start with "FilterPolicy: " where AWS's do.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// Scope is an SNS subscription's FilterPolicyScope; the values are AWS's.
type Scope string

const (
	// MessageAttributes: policy keys name message attributes (the default).
	MessageAttributes Scope = "MessageAttributes"
	// MessageBody: the policy matches the JSON message body, nesting allowed.
	MessageBody Scope = "MessageBody"
)

// Pattern is a compiled event pattern or filter policy.
type Pattern struct {
	src      string
	nodes    []pnode   // the sub-rules' trees
	roots    []int32   // one root per alternative after expanding $or; any may match
	ms       []matcher // the nodes' alternatives
	matchAll bool      // the SNS policy {}
}

// Compile compiles an EventBridge event pattern (also the Pattern of a Lambda
// FilterCriteria filter). Invalid patterns fail with *Error.
func Compile(src []byte) (*Pattern, error) {
	return compile(src, dialect{})
}

// CompileFilterPolicy compiles an SNS subscription filter policy for the
// given scope (any scope but MessageBody is MessageAttributes, SNS's
// default). Invalid policies fail with *Error.
func CompileFilterPolicy(src []byte, scope Scope) (*Pattern, error) {
	return compile(src, dialect{sns: true, attrs: scope != MessageBody, prefix: "FilterPolicy: "})
}

// String returns the source the pattern was compiled from.
func (p *Pattern) String() string { return p.src }

// Match reports whether the JSON event matches. The error is non-nil only
// when event is not valid JSON. An event is a JSON object: any other JSON
// value matches nothing (SNS treats a MessageBody that is not a JSON object
// as not matching; EventBridge events are always objects).
func (p *Pattern) Match(event []byte) (bool, error) {
	e := eventPool.Get().(*Event)
	defer release(e)
	if err := e.parse(string(event)); err != nil {
		return false, errInvalidEvent
	}
	return p.MatchEvent(e), nil
}

// MatchValue matches an already-decoded JSON value (see EventOf for the
// accepted types). To match one value against many patterns, convert it once
// with EventOf and use MatchEvent.
func (p *Pattern) MatchValue(v any) bool {
	return p.MatchEvent(EventOf(v))
}

// MatchEvent matches a decoded event.
func (p *Pattern) MatchEvent(e *Event) bool {
	if p.matchAll {
		return true
	}
	if e.root.kind != kObject {
		return false
	}
	r := ref{n: &e.root}
	for _, root := range p.roots {
		if p.eval(root, e, r) != rNo {
			return true
		}
	}
	return false
}

// MatchAttributes matches SNS message attributes against a policy of scope
// MessageAttributes: policy keys name attributes. As SNS documents, a message
// without attributes matches no policy but the empty one, even a policy of
// only "exists": false.
func (p *Pattern) MatchAttributes(attrs map[string]Attribute) bool {
	if p.matchAll {
		return true
	}
	if len(attrs) == 0 {
		return false
	}
	e := attributesEvent(attrs)
	defer release(e)
	return p.MatchEvent(e)
}

// release returns a pooled event, dropping its references to the input.
func release(e *Event) {
	e.reset()
	eventPool.Put(e)
}

type eventError struct{}

func (eventError) Error() string { return "pattern: event is not valid JSON" }

var errInvalidEvent error = eventError{}
