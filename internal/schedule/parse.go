package schedule

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// wall is a wall-clock time in no particular zone.
type wall struct{ y, mo, d, h, mi, s int }

func wallOf(t time.Time) wall {
	return wall{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()}
}

func (w wall) naive() time.Time {
	return time.Date(w.y, time.Month(w.mo), w.d, w.h, w.mi, w.s, 0, time.UTC)
}

// addMinutes returns w + n minutes on a clock without daylight saving time.
func (w wall) addMinutes(n int) wall {
	return wallOf(time.Date(w.y, time.Month(w.mo), w.d, w.h, w.mi+n, w.s, 0, time.UTC))
}

func daysIn(y, mo int) int {
	return time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// rateUnit returns a rate unit's duration and whether it is plural.
func rateUnit(unit string) (d time.Duration, plural, ok bool) {
	switch unit {
	case "minute", "minutes":
		d = time.Minute
	case "hour", "hours":
		d = time.Hour
	case "day", "days":
		d = 24 * time.Hour
	default:
		return 0, false, false
	}
	return d, strings.HasSuffix(unit, "s"), true
}

// parseRate parses "value unit". strict applies EventBridge rules'
// singular-for-1, plural-above rule.
func parseRate(body string, strict bool) (time.Duration, *Error) {
	val, unit, ok := strings.Cut(body, " ")
	if !ok || val == "" || unit == "" {
		return 0, errorf("rate: want rate(value unit), e.g. rate(5 minutes)")
	}
	unit = strings.TrimLeft(unit, " ")
	if strings.Contains(unit, " ") {
		return 0, errorf("rate: want rate(value unit), e.g. rate(5 minutes)")
	}
	if !isDigits(val) {
		return 0, errorf("rate: value %q is not a positive integer", val)
	}
	ud, plural, known := rateUnit(unit)
	if !known {
		return 0, errorf("rate: unknown unit %q: want minute, minutes, hour, hours, day or days", unit)
	}
	n, err := strconv.ParseInt(val, 10, 64)
	if err != nil || n > int64(math.MaxInt64/ud) {
		return 0, errorf("rate: value %s is too large", val)
	}
	if n < 1 {
		return 0, errorf("rate: value must be a positive integer")
	}
	if strict && plural != (n > 1) {
		if n == 1 {
			return 0, errorf("rate: the unit must be singular for a value of 1 (rate(1 %s))", strings.TrimSuffix(unit, "s"))
		}
		return 0, errorf("rate: the unit must be plural for a value greater than 1 (rate(%d %ss))", n, unit)
	}
	return time.Duration(n) * ud, nil
}

// parseAt parses "yyyy-mm-ddThh:mm:ss", a wall time without zone or
// fraction.
func parseAt(body string) (wall, *Error) {
	const layout = "yyyy-mm-ddThh:mm:ss"
	bad := errorf("at: want at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-03-08T10:30:00)")
	if len(body) != len(layout) {
		return wall{}, bad
	}
	for i := 0; i < len(layout); i++ {
		switch layout[i] {
		case '-', 'T', ':':
			if body[i] != layout[i] {
				return wall{}, bad
			}
		default:
			if body[i] < '0' || body[i] > '9' {
				return wall{}, bad
			}
		}
	}
	num := func(i, j int) int { n, _ := strconv.Atoi(body[i:j]); return n }
	w := wall{num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19)}
	switch {
	case w.y < minYear || w.y > maxYear:
		return wall{}, errorf("at: year %d is not between %d and %d", w.y, minYear, maxYear)
	case w.mo < 1 || w.mo > 12:
		return wall{}, errorf("at: month %02d is not between 01 and 12", w.mo)
	case w.d < 1 || w.d > daysIn(w.y, w.mo):
		return wall{}, errorf("at: %04d-%02d has no day %02d", w.y, w.mo, w.d)
	case w.h > 23:
		return wall{}, errorf("at: hour %02d is not between 00 and 23", w.h)
	case w.mi > 59:
		return wall{}, errorf("at: minute %02d is not between 00 and 59", w.mi)
	case w.s > 59:
		return wall{}, errorf("at: second %02d is not between 00 and 59", w.s)
	}
	return w, nil
}

// resolve returns the first instant whose wall clock in loc reads w, or
// false if none does (w is in a daylight saving gap). It tries the offsets of
// the zone period time.Date picks and of its neighbours, which covers every
// gap and overlap between two periods.
func resolve(w wall, loc *time.Location) (time.Time, bool) {
	t := time.Date(w.y, time.Month(w.mo), w.d, w.h, w.mi, w.s, 0, loc)
	if loc == time.UTC {
		return t, true
	}
	var offs [3]int
	_, offs[0] = t.Zone()
	n := 1
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		_, offs[n] = start.Add(-time.Nanosecond).Zone()
		n++
	}
	if !end.IsZero() {
		_, offs[n] = end.Zone()
		n++
	}
	naive := w.naive().Unix()
	var best time.Time
	found := false
	for _, off := range offs[:n] {
		c := time.Unix(naive-int64(off), 0).In(loc)
		if wallOf(c) == w && (!found || c.Before(best)) {
			best, found = c, true
		}
	}
	return best, found
}
