package schedule

import (
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// cronSpec is a parsed cron expression: one bit per allowed value.
type cronSpec struct {
	minutes uint64    // bits 0-59
	hours   uint64    // bits 0-23
	months  uint64    // bits 1-12
	years   [4]uint64 // bit i is year 1970+i

	// domAny: day-of-month is "?" and the days come from day-of-week;
	// otherwise day-of-week is "?" and they come from day-of-month.
	domAny bool

	dom         uint64 // plain days, bits 1-31
	lastDay     bool   // L
	lastWeekday bool   // LW
	nearest     uint64 // nW, bit n

	dow     uint64    // plain weekdays, bits 1-7, 1 = Sunday
	lastDOW uint64    // dL, bit d
	nth     [6]uint64 // d#n, bit d of nth[n]
}

// field describes one cron field.
type field struct {
	name     string
	min, max int
	names    []string // names[i] is value min+i
	wraps    bool     // a range whose start is after its end wraps around
}

const (
	fMinutes = iota
	fHours
	fDOM
	fMonth
	fDOW
	fYear
)

func fieldOf(i int) field {
	switch i {
	case fMinutes:
		return field{name: "minutes", min: 0, max: 59, wraps: true}
	case fHours:
		return field{name: "hours", min: 0, max: 23, wraps: true}
	case fDOM:
		return field{name: "day-of-month", min: 1, max: 31, wraps: true}
	case fMonth:
		return field{name: "month", min: 1, max: 12, wraps: true,
			names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	case fDOW:
		return field{name: "day-of-week", min: 1, max: 7, wraps: true,
			names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	default:
		return field{name: "year", min: minYear, max: maxYear}
	}
}

// maxStep is the largest increment Quartz accepts for the field: minutes
// */60 is refused, as AWS does.
func (f field) maxStep() int {
	if f.min == minYear {
		return maxYear - minYear
	}
	return f.max
}

func parseCron(body string) (*cronSpec, *Error) {
	if body == "" || body[0] == ' ' || body[len(body)-1] == ' ' {
		if strings.Trim(body, " ") == "" {
			return nil, errorf("cron: want six fields: minutes hours day-of-month month day-of-week year")
		}
		return nil, errorf("cron: unexpected space after \"(\" or before \")\"")
	}
	var parts []string
	for _, p := range strings.Split(body, " ") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) != 6 {
		return nil, errorf("cron: want six fields (minutes hours day-of-month month day-of-week year), got %d", len(parts))
	}
	c := &cronSpec{}
	var err *Error
	if c.minutes, err = parsePlain(fieldOf(fMinutes), parts[0]); err != nil {
		return nil, err
	}
	if c.hours, err = parsePlain(fieldOf(fHours), parts[1]); err != nil {
		return nil, err
	}
	if c.months, err = parsePlain(fieldOf(fMonth), parts[3]); err != nil {
		return nil, err
	}
	if err = c.parseYears(parts[5]); err != nil {
		return nil, err
	}
	domQ, dowQ := parts[2] == "?", parts[4] == "?"
	switch {
	case domQ && dowQ:
		return nil, errorf("cron: day-of-month and day-of-week cannot both be ?")
	case !domQ && !dowQ:
		return nil, errorf("cron: one of day-of-month and day-of-week must be ? (they cannot both be specified)")
	case domQ:
		c.domAny = true
		if err = c.parseDOW(parts[4]); err != nil {
			return nil, err
		}
	default:
		if err = c.parseDOM(parts[2]); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parsePlain parses a field of values, ranges and steps.
func parsePlain(f field, s string) (uint64, *Error) {
	var set uint64
	for _, item := range strings.Split(s, ",") {
		if err := f.addItem(item, func(v int) { set |= 1 << v }); err != nil {
			return 0, err
		}
	}
	return set, nil
}

func (c *cronSpec) parseYears(s string) *Error {
	f := fieldOf(fYear)
	for _, item := range strings.Split(s, ",") {
		if err := f.addItem(item, func(v int) {
			i := v - minYear
			c.years[i/64] |= 1 << (i % 64)
		}); err != nil {
			return err
		}
	}
	return nil
}

func (c *cronSpec) parseDOM(s string) *Error {
	f := fieldOf(fDOM)
	for _, item := range strings.Split(strings.ToUpper(s), ",") {
		switch {
		case item == "L":
			c.lastDay = true
		case item == "LW":
			c.lastWeekday = true
		case strings.HasSuffix(item, "W"):
			n, err := f.value(strings.TrimSuffix(item, "W"), item)
			if err != nil {
				return err
			}
			c.nearest |= 1 << n
		default:
			if err := f.addItem(item, func(v int) { c.dom |= 1 << v }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *cronSpec) parseDOW(s string) *Error {
	f := fieldOf(fDOW)
	for _, item := range strings.Split(strings.ToUpper(s), ",") {
		switch {
		case item == "L":
			c.dow |= 1 << 7 // the last day of the week: Saturday
		case strings.Contains(item, "#"):
			day, nth, _ := strings.Cut(item, "#")
			d, err := f.value(day, item)
			if err != nil {
				return err
			}
			n, convErr := strconv.Atoi(nth)
			if !isDigits(nth) || convErr != nil || n < 1 || n > 5 {
				return errorf("day-of-week: in %q, # must be followed by 1 to 5", item)
			}
			c.nth[n] |= 1 << d
		case len(item) > 1 && strings.HasSuffix(item, "L"):
			d, err := f.value(item[:len(item)-1], item)
			if err != nil {
				return err
			}
			c.lastDOW |= 1 << d
		default:
			if err := f.addItem(item, func(v int) { c.dow |= 1 << v }); err != nil {
				return err
			}
		}
	}
	return nil
}

// addItem parses "*", "v", "a-b", each optionally followed by "/step", and
// calls add for every value. "v/step" runs from v to the field's maximum.
func (f field) addItem(item string, add func(int)) *Error {
	if item == "?" || strings.Contains(item, "?") {
		if f.name == "day-of-month" || f.name == "day-of-week" {
			return errorf("%s: ? must be the whole field", f.name)
		}
		return errorf("%s: ? is only allowed in day-of-month or day-of-week", f.name)
	}
	base, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if !isDigits(stepText) || err != nil || n < 1 || n > f.maxStep() {
			return errorf("%s: in %q, the increment must be between 1 and %d", f.name, item, f.maxStep())
		}
		step = n
	}
	var lo, hi int
	switch {
	case base == "*":
		lo, hi = f.min, f.max
	case strings.Contains(base, "-"):
		a, b, _ := strings.Cut(base, "-")
		var err *Error
		if lo, err = f.value(a, item); err != nil {
			return err
		}
		if hi, err = f.value(b, item); err != nil {
			return err
		}
	default:
		v, err := f.value(base, item)
		if err != nil {
			return err
		}
		lo, hi = v, v
		if hasStep {
			hi = f.max
		}
	}
	if lo > hi {
		if !f.wraps {
			return errorf("%s: in %q, the range's start is after its end", f.name, item)
		}
		hi += f.max - f.min + 1 // wrap around, as Quartz does
	}
	span := f.max - f.min + 1
	for v := lo; v <= hi; v += step {
		if v > f.max {
			add(v - span)
		} else {
			add(v)
		}
	}
	return nil
}

// value parses a number or, for month and day-of-week, a three-letter name.
func (f field) value(s, item string) (int, *Error) {
	if isDigits(s) {
		n, err := strconv.Atoi(s)
		if err == nil && n >= f.min && n <= f.max {
			return n, nil
		}
		return 0, errorf("%s: in %q, %s is not between %d and %d", f.name, item, s, f.min, f.max)
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	if s == "" {
		return 0, errorf("%s: %q is missing a value", f.name, item)
	}
	if f.names != nil {
		return 0, errorf("%s: in %q, %q is not a value between %d and %d or a name %s-%s", f.name, item, s, f.min, f.max, f.names[0], f.names[len(f.names)-1])
	}
	return 0, errorf("%s: in %q, %q is not a value between %d and %d", f.name, item, s, f.min, f.max)
}

func (c *cronSpec) hasYear(y int) bool {
	i := y - minYear
	return c.years[i/64]>>(i%64)&1 == 1
}

// nextBit returns the lowest set bit of mask at or above from, or -1.
func nextBit(mask uint64, from int) int {
	if from > 63 {
		return -1
	}
	m := mask >> from << from
	if m == 0 {
		return -1
	}
	return bits.TrailingZeros64(m)
}

// dayMask returns the days of month mo of year y that match, as bits 1-31.
func (c *cronSpec) dayMask(y, mo int) uint64 {
	dim := daysIn(y, mo)
	valid := uint64(1)<<(dim+1) - 2
	wd1 := int(time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC).Weekday()) // 0 = Sunday
	weekday := func(d int) int { return (wd1 + d - 1) % 7 }                     // of day d, 0 = Sunday
	first := func(dow int) int { return 1 + (dow-1-wd1+7)%7 }                   // first day with AWS weekday dow
	var m uint64
	if c.domAny {
		for dow := 1; dow <= 7; dow++ {
			bit := uint64(1) << dow
			f := first(dow)
			if c.dow&bit != 0 {
				for d := f; d <= dim; d += 7 {
					m |= 1 << d
				}
			}
			if c.lastDOW&bit != 0 {
				m |= 1 << (f + (dim-f)/7*7)
			}
			for n := 1; n <= 5; n++ {
				if c.nth[n]&bit != 0 {
					if d := f + 7*(n-1); d <= dim {
						m |= 1 << d
					}
				}
			}
		}
		return m
	}
	m = c.dom & valid
	if c.lastDay {
		m |= 1 << dim
	}
	if c.lastWeekday {
		d := dim
		switch weekday(d) {
		case 6:
			d--
		case 0:
			d -= 2
		}
		m |= 1 << d
	}
	for near := c.nearest & valid; near != 0; near &= near - 1 {
		d := bits.TrailingZeros64(near)
		switch weekday(d) {
		case 6: // Saturday: Friday before, or Monday after if the 1st
			if d == 1 {
				d = 3
			} else {
				d--
			}
		case 0: // Sunday: Monday after, or Friday before if the last day
			if d == dim {
				d -= 2
			} else {
				d++
			}
		}
		m |= 1 << d
	}
	return m
}

// next returns the first matching wall time (seconds zero) at or after
// from, or false if there is none up to the end of 2199.
func (c *cronSpec) next(from wall) (wall, bool) {
	y, mo, d, h, mi := from.y, from.mo, from.d, from.h, from.mi
	if y < minYear {
		y, mo, d, h, mi = minYear, 1, 1, 0, 0
	}
	for ; y <= maxYear; y, mo, d, h, mi = y+1, 1, 1, 0, 0 {
		if !c.hasYear(y) {
			continue
		}
		for ; mo <= 12; mo, d, h, mi = mo+1, 1, 0, 0 {
			if c.months>>mo&1 == 0 {
				continue
			}
			days := c.dayMask(y, mo)
			for {
				nd := nextBit(days, d)
				if nd < 0 {
					break
				}
				if nd != d {
					d, h, mi = nd, 0, 0
				}
				nh := nextBit(c.hours, h)
				if nh < 0 {
					d, h, mi = d+1, 0, 0
					continue
				}
				if nh != h {
					h, mi = nh, 0
				}
				nm := nextBit(c.minutes, mi)
				if nm < 0 {
					h, mi = h+1, 0
					continue
				}
				return wall{y, mo, d, h, nm, 0}, true
			}
		}
	}
	return wall{}, false
}

// maxSkips bounds the wall times Next may pass over because they fall in a
// daylight saving gap or were already seen before the clock went back: at
// most a day's minutes in any real zone.
const maxSkips = 4 * 24 * 60

// nextAfter returns the first firing strictly after after in loc: the first
// occurrence of the next matching wall time that exists (see the package
// comment for the daylight saving rule).
func (c *cronSpec) nextAfter(after time.Time, loc *time.Location) (time.Time, bool) {
	a := after.In(loc)
	if a.Year() > maxYear {
		return time.Time{}, false
	}
	from := wallOf(a)
	from.s = 0
	from = from.addMinutes(1)
	for range maxSkips {
		w, ok := c.next(from)
		if !ok {
			return time.Time{}, false
		}
		if t, ok := resolve(w, loc); ok && t.After(after) {
			return t, true
		}
		from = w.addMinutes(1)
	}
	return time.Time{}, false
}
