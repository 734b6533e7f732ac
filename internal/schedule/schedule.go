// Package schedule is hako's one engine for AWS schedule expressions: the
// cron(...) and rate(...) expressions of EventBridge rules (PutRule
// ScheduleExpression) and the cron(...), rate(...) and at(...) expressions of
// EventBridge Scheduler (CreateSchedule ScheduleExpression, evaluated in
// ScheduleExpressionTimezone between StartDate and EndDate). It is pure: no
// hako imports and no global mutable state; the only I/O is LoadLocation,
// which may read the system's zoneinfo before the embedded copy.
//
// Parse once, evaluate many times: an *Expr is immutable and safe for
// concurrent use. Parse takes Scheduler's grammar, ParseRule the stricter
// grammar of EventBridge rules.
//
// # Cron
//
// cron(minutes hours day-of-month month day-of-week year), six fields
// separated by spaces: minutes 0-59, hours 0-23, day-of-month 1-31, month
// 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (1 = Sunday), year 1970-2199.
// Every field takes "," lists, "-" ranges, "*" and "/" steps ("a/n" runs from
// a to the field's maximum). Exactly one of day-of-month and day-of-week is
// "?" (AWS: "If you specify a value (or a *) in one of the fields, you must
// use a ? (question mark) in the other"). Day-of-month also takes L (last
// day), LW (last weekday) and nW (the weekday nearest day n, never crossing
// into another month: 1W on a Saturday is Monday the 3rd, 31W on a Sunday is
// Friday the 29th; nW in a month without day n never fires). Day-of-week
// also takes L alone (Saturday, the last day of the week), dL (the last
// weekday d of the month: 6L is the last Friday) and d#n (the n-th weekday d,
// n 1-5; a month without a fifth one has no firing). Names are
// case-insensitive. As in Quartz, whose syntax AWS's is, a range whose start
// is after its end wraps (FRI-MON, hours 22-2), except in the year field,
// and steps are at most the field's maximum (minutes */60 is invalid). Lists
// may mix L, W and # items with plain values; the firing days are the union.
//
// # Time zones and daylight saving time
//
// Cron and at expressions are evaluated on the wall clock of a location
// (Scheduler's ScheduleExpressionTimezone; EventBridge rules always use
// UTC). AWS documents Scheduler's rule
// (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst):
//
//	"EventBridge Scheduler automatically adjusts your schedule for Daylight
//	Saving Time. When the time shifts forward in Spring, your schedule
//	invocation gets skipped if the cron expression falls on a non-existent
//	date and time. When the time shifts back in the Fall, your schedule runs
//	only once and doesn't repeat its invocation."
//
// So a wall time that does not exist (in the gap) never fires, and a wall
// time that happens twice fires once, at its first (earlier) occurrence. The
// same holds for at expressions. The search starts at the wall clock of the
// time given, which assumes a zone never skips a wall time and later repeats
// it; no zone in current use does.
//
// # Rates
//
// Rates are fixed durations, not calendar units: "days represents a 24-hour
// duration on the clock. When Daylight Saving Time shortens a day to 23
// hours, or extends it to 25 hours, the EventBridge Scheduler evaluates the
// rate expression 24 hours after the schedule's last invocation" (same page).
// A rate fires at anchor + k*rate for k >= 0 (NextFrom): for Scheduler the
// anchor is StartDate ("you use the StartDate property to set the first
// occurrence of the schedule") or, without one, the creation time ("your
// schedule starts invoking its target immediately"); for EventBridge rules it
// is the time the rule was created or enabled ("A rate expression starts when
// you create the scheduled event rule"). A caller that does not want the
// anchor itself to fire asks for firings after the anchor.
//
// Nothing fires after the year 2199, the last year cron accepts.
package schedule

import (
	"fmt"
	"iter"
	"time"
	_ "time/tzdata" // LoadLocation works without /usr/share/zoneinfo
)

// Kind is the form of a schedule expression.
type Kind int

const (
	// Cron is cron(minutes hours day-of-month month day-of-week year).
	Cron Kind = iota + 1
	// Rate is rate(value unit): a fixed interval from an anchor.
	Rate
	// At is at(yyyy-mm-ddThh:mm:ss): one firing, Scheduler only.
	At
)

// String returns the expression's function name: "cron", "rate" or "at".
func (k Kind) String() string {
	switch k {
	case Cron:
		return "cron"
	case Rate:
		return "rate"
	case At:
		return "at"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is an invalid schedule expression or time zone. Reason says what is
// wrong; AWS reports no reason, so callers use their service's message:
//
//   - EventBridge PutRule (ValidationException): "Parameter
//     ScheduleExpression is not valid."
//   - EventBridge Scheduler CreateSchedule and UpdateSchedule
//     (ValidationException): "Invalid Schedule Expression " + expression +
//     "." (the expression as given, e.g. "Invalid Schedule Expression
//     rate(10 seconds).")
type Error struct{ Reason string }

// Error returns the reason.
func (e *Error) Error() string { return e.Reason }

func errorf(format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// Expr is a parsed schedule expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	src  string
	kind Kind
	rate time.Duration
	at   wall
	cron *cronSpec
}

const (
	minYear = 1970
	maxYear = 2199
)

// Parse parses an EventBridge Scheduler expression: cron(...), rate(...) or
// at(...). Scheduler takes rate(2 minute) and rate(1 minutes) as well as the
// grammatical forms (recorded against AWS by LocalStack's
// tests/aws/services/scheduler snapshots, where UpdateSchedule accepts
// "rate(2 minute)").
func Parse(s string) (*Expr, error) {
	e, err := parse(s, false)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ParseRule parses an EventBridge rule's ScheduleExpression: cron(...) or
// rate(...), where the unit must be singular for 1 and plural above
// ("rate(1 hours) and rate(5 hour) are not valid"), and at(...) is refused.
func ParseRule(s string) (*Expr, error) {
	e, err := parse(s, true)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func parse(s string, rule bool) (*Expr, *Error) {
	name, body, ok := splitCall(s)
	if !ok {
		if rule {
			return nil, errorf("expression must be cron(fields) or rate(value unit)")
		}
		return nil, errorf("expression must be cron(fields), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)")
	}
	e := &Expr{src: s}
	switch name {
	case "cron":
		spec, err := parseCron(body)
		if err != nil {
			return nil, err
		}
		e.kind, e.cron = Cron, spec
	case "rate":
		d, err := parseRate(body, rule)
		if err != nil {
			return nil, err
		}
		e.kind, e.rate = Rate, d
	case "at":
		if rule {
			return nil, errorf("at() expressions are only supported by EventBridge Scheduler")
		}
		w, err := parseAt(body)
		if err != nil {
			return nil, err
		}
		e.kind, e.at = At, w
	default:
		return nil, errorf("unknown expression type %q: want cron, rate or at", name)
	}
	return e, nil
}

// splitCall splits "name(body)"; the name is everything before the first
// "(", so leading spaces make it unknown, as AWS refuses " rate(1 day)".
func splitCall(s string) (name, body string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '(' {
			if i == 0 || s[len(s)-1] != ')' || len(s) < i+2 {
				return "", "", false
			}
			return s[:i], s[i+1 : len(s)-1], true
		}
	}
	return "", "", false
}

// Kind returns the expression's form.
func (e *Expr) Kind() Kind { return e.kind }

// String returns the expression's source text, as given to Parse.
func (e *Expr) String() string { return e.src }

// Rate returns a rate expression's interval, and 0 for other kinds.
func (e *Expr) Rate() time.Duration {
	if e.kind != Rate {
		return 0
	}
	return e.rate
}

// AtTime returns an at expression's instant in loc (nil = UTC): the first
// occurrence of its wall time, or false if that wall time does not exist in
// loc (skipped by a daylight saving change) or e is not an at expression.
func (e *Expr) AtTime(loc *time.Location) (time.Time, bool) {
	if e.kind != At {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	return resolve(e.at, loc)
}

// Next returns the first firing strictly after after, evaluated on the wall
// clock of loc (nil = UTC) and expressed in loc, or the zero time and false
// if there is none: an at in the past or in a daylight saving gap, a cron
// whose years are exhausted (nothing fires after 2199).
//
// A rate expression has no anchor here: it is after itself, so Next returns
// after + rate. Use NextFrom to fire on an anchor's grid.
func (e *Expr) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	switch e.kind {
	case Cron:
		return e.cron.nextAfter(after, loc)
	case Rate:
		return e.NextFrom(after, after, loc)
	case At:
		t, ok := resolve(e.at, loc)
		if !ok || !t.After(after) {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

// NextFrom returns, for a rate expression, the first of anchor + k*rate
// (k >= 0) strictly after after, expressed in loc (nil = UTC): anchor itself
// when anchor is after after. Rates are fixed durations, unaffected by
// daylight saving time. For cron and at expressions the anchor is ignored and
// NextFrom is Next.
func (e *Expr) NextFrom(anchor, after time.Time, loc *time.Location) (time.Time, bool) {
	if e.kind != Rate {
		return e.Next(after, loc)
	}
	if loc == nil {
		loc = time.UTC
	}
	if after.UTC().Year() > maxYear {
		return time.Time{}, false
	}
	t := anchor
	if !anchor.After(after) {
		r := int64(e.rate / time.Second)
		as, an := anchor.Unix(), anchor.Nanosecond()
		ds := after.Unix() - as
		if after.Nanosecond() < an {
			ds-- // after - anchor = ds seconds + [0, 1s)
		}
		if ds > 1<<40 { // anchor before the year 1: keep k*r from overflowing
			return time.Time{}, false
		}
		k := ds/r + 1
		t = time.Unix(as+k*r, int64(an))
	}
	if t.UTC().Year() > maxYear {
		return time.Time{}, false
	}
	return t.In(loc), true
}

// Fires iterates over the firings in (after, until], in order, evaluated in
// loc (nil = UTC). A rate expression fires on anchor's grid (see NextFrom);
// a zero anchor means after. The durable firing loops use it to enumerate
// the firings missed while hako was down; stop early to bound the count.
func (e *Expr) Fires(anchor, after, until time.Time, loc *time.Location) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		a := anchor
		if e.kind == Rate && a.IsZero() {
			a = after
		}
		t := after
		for {
			n, ok := e.NextFrom(a, t, loc)
			if !ok || n.After(until) {
				return
			}
			if !yield(n) {
				return
			}
			t = n
		}
	}
}

// Between returns at most limit firings in (from, to], in order (see Fires
// for loc and anchor). It returns nil if limit <= 0.
func (e *Expr) Between(from, to time.Time, loc *time.Location, anchor time.Time, limit int) []time.Time {
	if limit <= 0 {
		return nil
	}
	var out []time.Time
	for t := range e.Fires(anchor, from, to, loc) {
		out = append(out, t)
		if len(out) == limit {
			break
		}
	}
	return out
}

// LoadLocation returns the location of an IANA time zone name (ScheduleExpressionTimezone,
// e.g. "America/New_York"), or an *Error for an unknown name. The empty name
// and "Local" are refused: they are not zones. It works without system
// zoneinfo files: the package embeds the time zone database.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errorf("unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errorf("unknown time zone %q", name)
	}
	return loc, nil
}
