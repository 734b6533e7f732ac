package schedule

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// model is a cron expression as the generator meant it, evaluated without
// the engine: sets of values computed by enumeration, special days found by
// scanning the calendar.
type model struct {
	minutes, hours, months [64]bool
	years                  map[int]bool // nil: every year
	domAny                 bool
	dom                    [32]bool
	lastDay, lastWeekday   bool
	nearest                [32]bool
	dow                    [8]bool
	lastDOW                [8]bool
	nth                    [6][8]bool
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// genRange returns one list item of a plain field and the values it means.
func genRange(r *rand.Rand, lo, hi int, names []string, wraps bool) (string, []int) {
	val := func(v int) string {
		if names != nil && r.IntN(2) == 0 {
			n := names[v-lo]
			if r.IntN(2) == 0 {
				n = strings.ToLower(n)
			}
			return n
		}
		return fmt.Sprint(v)
	}
	pick := func() int { return lo + r.IntN(hi-lo+1) }
	// seq lists a..b, wrapping past hi back to lo.
	seq := func(a, b int) []int {
		var out []int
		for v := a; ; v++ {
			if v > hi {
				v = lo
			}
			out = append(out, v)
			if v == b {
				return out
			}
		}
	}
	every := func(vs []int, step int) []int {
		var out []int
		for i := 0; i < len(vs); i += step {
			out = append(out, vs[i])
		}
		return out
	}
	step := 1 + r.IntN(min(hi-lo, 12)+1)
	switch r.IntN(6) {
	case 0:
		return "*", seq(lo, hi)
	case 1:
		v := pick()
		return val(v), []int{v}
	case 2:
		a, b := pick(), pick()
		if a > b && !wraps {
			a, b = b, a
		}
		return val(a) + "-" + val(b), seq(a, b)
	case 3:
		a := pick()
		return fmt.Sprintf("%s/%d", val(a), step), every(seq(a, hi), step)
	case 4:
		return fmt.Sprintf("*/%d", step), every(seq(lo, hi), step)
	default:
		a, b := pick(), pick()
		if a > b && !wraps {
			a, b = b, a
		}
		return fmt.Sprintf("%s-%s/%d", val(a), val(b), step), every(seq(a, b), step)
	}
}

// genPlain returns a plain field: one item or a list of them.
func genPlain(r *rand.Rand, lo, hi int, names []string, wraps bool, set func(int)) string {
	n := 1
	if r.IntN(3) == 0 {
		n = 2 + r.IntN(2)
	}
	var items []string
	for range n {
		s, vs := genRange(r, lo, hi, names, wraps)
		items = append(items, s)
		for _, v := range vs {
			set(v)
		}
	}
	return strings.Join(items, ",")
}

func genExpr(r *rand.Rand) (string, *model) {
	m := &model{}
	var f [6]string
	// Minutes and hours sparse enough that most firings are far apart.
	f[0] = genPlain(r, 0, 59, nil, true, func(v int) { m.minutes[v] = true })
	f[1] = genPlain(r, 0, 23, nil, true, func(v int) { m.hours[v] = true })
	f[3] = genPlain(r, 1, 12, monthNames, true, func(v int) { m.months[v] = true })
	switch r.IntN(4) {
	case 0, 1:
		f[5] = "*"
	case 2:
		a := 2020 + r.IntN(15)
		b := a + r.IntN(8)
		f[5] = fmt.Sprintf("%d-%d", a, b)
		m.years = map[int]bool{}
		for y := a; y <= b; y++ {
			m.years[y] = true
		}
	default:
		m.years = map[int]bool{}
		var ys []string
		for range 1 + r.IntN(3) {
			y := 2015 + r.IntN(25)
			m.years[y] = true
			ys = append(ys, fmt.Sprint(y))
		}
		f[5] = strings.Join(ys, ",")
	}
	if r.IntN(2) == 0 {
		m.domAny, f[2] = true, "?"
		var items []string
		for range 1 + r.IntN(2) {
			switch r.IntN(5) {
			case 0:
				items = append(items, "L")
				m.dow[7] = true
			case 1:
				d := 1 + r.IntN(7)
				items = append(items, []string{fmt.Sprint(d), dayNames[d-1]}[r.IntN(2)]+"L")
				m.lastDOW[d] = true
			case 2:
				d, n := 1+r.IntN(7), 1+r.IntN(5)
				items = append(items, fmt.Sprintf("%s#%d", []string{fmt.Sprint(d), dayNames[d-1]}[r.IntN(2)], n))
				m.nth[n][d] = true
			default:
				items = append(items, genPlain(r, 1, 7, dayNames, true, func(v int) { m.dow[v] = true }))
			}
		}
		f[4] = strings.Join(items, ",")
	} else {
		f[4] = "?"
		var items []string
		for range 1 + r.IntN(2) {
			switch r.IntN(5) {
			case 0:
				items = append(items, "L")
				m.lastDay = true
			case 1:
				items = append(items, "LW")
				m.lastWeekday = true
			case 2:
				n := 1 + r.IntN(31)
				if r.IntN(2) == 0 {
					n = []int{1, 2, 15, 28, 29, 30, 31}[r.IntN(7)]
				}
				items = append(items, fmt.Sprintf("%dW", n))
				m.nearest[n] = true
			default:
				items = append(items, genPlain(r, 1, 31, nil, true, func(v int) { m.dom[v] = true }))
			}
		}
		f[2] = strings.Join(items, ",")
	}
	return "cron(" + strings.Join(f[:], " ") + ")", m
}

func isWeekday(y, mo, d int) bool {
	wd := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// dayOK says whether the model fires on the date, by scanning the month.
func (m *model) dayOK(y, mo, d int) bool {
	if m.years != nil && !m.years[y] || !m.months[mo] {
		return false
	}
	dim := daysIn(y, mo)
	wd := func(day int) int { return int(time.Date(y, time.Month(mo), day, 0, 0, 0, 0, time.UTC).Weekday()) + 1 }
	if m.domAny {
		w := wd(d)
		if m.dow[w] {
			return true
		}
		if m.lastDOW[w] && d+7 > dim {
			return true
		}
		count := 0
		for day := 1; day <= d; day++ {
			if wd(day) == w {
				count++
			}
		}
		return count <= 5 && m.nth[count][w]
	}
	if m.dom[d] || m.lastDay && d == dim {
		return true
	}
	if m.lastWeekday {
		last := dim
		for !isWeekday(y, mo, last) {
			last--
		}
		if d == last {
			return true
		}
	}
	for n := 1; n <= 31; n++ {
		if !m.nearest[n] || n > dim {
			continue
		}
		// The nearest weekday to n inside the month; a Saturday prefers the
		// Friday before, a Sunday the Monday after.
		target := -1
		if isWeekday(y, mo, n) {
			target = n
		}
		for k := 1; k <= 3 && target < 0; k++ {
			for _, c := range []int{n - k, n + k} {
				if c >= 1 && c <= dim && isWeekday(y, mo, c) && target < 0 {
					target = c
				}
			}
		}
		if d == target {
			return true
		}
	}
	return false
}

// firstOccurrence: no instant shortly before t reads the same wall clock.
func firstOccurrence(t time.Time, loc *time.Location) bool {
	w := wallOf(t.In(loc))
	for _, back := range []time.Duration{15, 30, 45, 60, 90, 120, 180} {
		if wallOf(t.Add(-back*time.Minute).In(loc)) == w {
			return false
		}
	}
	return true
}

// bruteNext steps minute by minute from after, jumping over a day or an
// hour that cannot match when the zone's offset is the same at both ends,
// and returns the first instant whose wall clock matches and occurs for the
// first time, or false before horizon.
func (m *model) bruteNext(after time.Time, loc *time.Location, horizon time.Time) (time.Time, bool) {
	t := after.Truncate(time.Minute).Add(time.Minute)
	offset := func(t time.Time) int { _, o := t.In(loc).Zone(); return o }
	jump := func(to time.Time) time.Time {
		if offset(to) == offset(t) {
			return to
		}
		return t.Add(time.Minute)
	}
	for t.Before(horizon) {
		l := t.In(loc)
		switch {
		case l.Year() > maxYear:
			return time.Time{}, false
		case !m.dayOK(l.Year(), int(l.Month()), l.Day()):
			t = jump(t.Add(time.Duration((24-l.Hour())*60-l.Minute()) * time.Minute))
		case !m.hours[l.Hour()]:
			t = jump(t.Add(time.Duration(60-l.Minute()) * time.Minute))
		case m.minutes[l.Minute()] && firstOccurrence(t, loc):
			return t, true
		default:
			t = t.Add(time.Minute)
		}
	}
	return time.Time{}, false
}

// TestNextAgainstBruteForce compares Next with a minute-by-minute search
// over random expressions, zones and start times.
func TestNextAgainstBruteForce(t *testing.T) {
	zones := []string{"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago"}
	cases := 400
	if testing.Short() {
		cases = 50
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range cases {
		src, m := genExpr(r)
		e, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		loc := mustLoc(t, zones[i%len(zones)])
		after := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(8 * 365 * 24 * time.Hour))))
		if r.IntN(2) == 0 { // just before a daylight saving change
			if _, end := after.In(loc).ZoneBounds(); !end.IsZero() {
				after = end.Add(-time.Duration(r.Int64N(int64(6 * time.Hour))))
			}
		}
		if r.IntN(4) == 0 {
			after = after.Truncate(time.Minute)
		}
		horizon := after.AddDate(3, 0, 0)
		for step := range 6 {
			want, wantOK := m.bruteNext(after, loc, horizon)
			got, ok := e.Next(after, loc)
			if !wantOK {
				if ok && got.Before(horizon) {
					t.Fatalf("%s in %s after %s (#%d): Next = %s, brute force finds none before %s", src, loc, after.In(loc), step, got.In(loc), horizon.In(loc))
				}
				break
			}
			if !ok || !got.Equal(want) {
				t.Fatalf("%s in %s after %s (#%d): Next = %s %v, brute force = %s", src, loc, after.In(loc), step, got.In(loc), ok, want.In(loc))
			}
			after = got
		}
	}
}
