package schedule

import (
	"slices"
	"sync"
	"testing"
	"time"
)

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// nextCase: from after, successive calls to Next return want, then false
// if done is set.
type nextCase struct {
	name  string
	expr  string
	loc   string
	after string
	want  []string
	done  bool
}

func runNext(t *testing.T, tests []nextCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustParse(t, tt.expr)
			loc := time.UTC
			if tt.loc != "" {
				loc = mustLoc(t, tt.loc)
			}
			after := ts(t, tt.after)
			for i, w := range tt.want {
				got, ok := e.Next(after, loc)
				want := ts(t, w)
				if !ok || !got.Equal(want) {
					t.Fatalf("%s Next #%d after %s = %s, %v; want %s", tt.expr, i, after.In(loc), got, ok, want.In(loc))
				}
				if got.Location() != loc {
					t.Errorf("Next returned a time in %v, want %v", got.Location(), loc)
				}
				after = got
			}
			if tt.done {
				if got, ok := e.Next(after, loc); ok {
					t.Fatalf("%s Next after %s = %s, want none", tt.expr, after, got)
				}
			}
		})
	}
}

func TestNextCron(t *testing.T) {
	runNext(t, []nextCase{
		// The seeds.
		{name: "daily 10:40", expr: "cron(40 10 * * ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-01T10:40:00Z", "2026-01-02T10:40:00Z", "2026-01-03T10:40:00Z"}},
		{name: "every 10 minutes on weekdays over a weekend", expr: "cron(0/10 * ? * MON-FRI *)", after: "2026-01-02T23:45:00Z",
			want: []string{"2026-01-02T23:50:00Z", "2026-01-05T00:00:00Z", "2026-01-05T00:10:00Z"}},
		{name: "noon", expr: "cron(0 12 * * ? *)", after: "2026-01-01T12:00:00Z",
			want: []string{"2026-01-02T12:00:00Z"}},
		{name: "last Friday 2026-2030", expr: "cron(15 10 ? * 6L 2026-2030)", after: "2025-06-01T00:00:00Z",
			want: []string{"2026-01-30T10:15:00Z", "2026-02-27T10:15:00Z", "2026-03-27T10:15:00Z"}},
		{name: "last Friday: years exhausted", expr: "cron(15 10 ? * 6L 2026-2030)", after: "2030-12-20T00:00:00Z",
			want: []string{"2030-12-27T10:15:00Z"}, done: true},
		{name: "first of the month", expr: "cron(0 8 1 * ? *)", after: "2026-01-15T00:00:00Z",
			want: []string{"2026-02-01T08:00:00Z", "2026-03-01T08:00:00Z"}},
		// aws-cron-parser's vectors (beemhq/aws-cron-parser next.test.ts).
		{name: "lists and month step", expr: "cron(23,24,25 17,18 25 MAR/4 ? 2020,2021,2023,2028)", after: "2020-05-09T22:30:57Z",
			want: []string{"2020-07-25T17:23:00Z", "2020-07-25T17:24:00Z", "2020-07-25T17:25:00Z", "2020-07-25T18:23:00Z",
				"2020-07-25T18:24:00Z", "2020-07-25T18:25:00Z", "2020-11-25T17:23:00Z", "2020-11-25T17:24:00Z",
				"2020-11-25T17:25:00Z", "2020-11-25T18:23:00Z"}},
		{name: "6L 2002-2025", expr: "cron(15 10 ? * 6L 2002-2025)", after: "2020-05-09T22:30:57Z",
			want: []string{"2020-05-29T10:15:00Z", "2020-06-26T10:15:00Z", "2020-07-31T10:15:00Z", "2020-08-28T10:15:00Z",
				"2020-09-25T10:15:00Z", "2020-10-30T10:15:00Z", "2020-11-27T10:15:00Z", "2020-12-25T10:15:00Z",
				"2021-01-29T10:15:00Z", "2021-02-26T10:15:00Z"}},
		{name: "every third hour", expr: "cron(0 */3 */1 * ? *)", after: "2020-12-07T15:57:37Z",
			want: []string{"2020-12-07T18:00:00Z", "2020-12-07T21:00:00Z", "2020-12-08T00:00:00Z", "2020-12-08T03:00:00Z"}},
		{name: "lowercase names", expr: "cron(15 12 ? * sun,mon *)", after: "2020-12-07T15:57:37Z",
			want: []string{"2020-12-13T12:15:00Z", "2020-12-14T12:15:00Z", "2020-12-20T12:15:00Z", "2020-12-21T12:15:00Z"}},
		// Strictly after, seconds included.
		{name: "strictly after a firing", expr: "cron(* * * * ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"}},
		{name: "seconds round up", expr: "cron(* * * * ? *)", after: "2026-01-01T00:00:00.000000001Z",
			want: []string{"2026-01-01T00:01:00Z"}},
		{name: "seconds before the minute", expr: "cron(30 * * * ? *)", after: "2026-01-01T00:29:59.9Z",
			want: []string{"2026-01-01T00:30:00Z"}},
		// Steps and ranges.
		{name: "5-40/5", expr: "cron(5-40/5 9 * * ? *)", after: "2026-01-01T09:38:00Z",
			want: []string{"2026-01-01T09:40:00Z", "2026-01-02T09:05:00Z", "2026-01-02T09:10:00Z"}},
		{name: "1/10", expr: "cron(1/10 * * * ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-01T00:01:00Z", "2026-01-01T00:11:00Z", "2026-01-01T00:21:00Z"}},
		{name: "hours 22-2 wrap", expr: "cron(0 22-2 * * ? *)", after: "2026-01-01T03:00:00Z",
			want: []string{"2026-01-01T22:00:00Z", "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z", "2026-01-02T02:00:00Z", "2026-01-02T22:00:00Z"}},
		{name: "hours 22-2/2 wrap", expr: "cron(0 22-2/2 * * ? *)", after: "2026-01-01T03:00:00Z",
			want: []string{"2026-01-01T22:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T02:00:00Z", "2026-01-02T22:00:00Z"}},
		{name: "FRI-MON wrap", expr: "cron(0 12 ? * FRI-MON *)", after: "2026-01-01T00:00:00Z", // a Thursday
			want: []string{"2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z", "2026-01-04T12:00:00Z", "2026-01-05T12:00:00Z", "2026-01-09T12:00:00Z"}},
		{name: "NOV-FEB wrap", expr: "cron(0 0 1 NOV-FEB ? *)", after: "2026-02-15T00:00:00Z",
			want: []string{"2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-11-01T00:00:00Z"}},
		{name: "day 28-3 wrap", expr: "cron(0 0 28-3 * ? *)", after: "2026-02-27T00:00:00Z",
			want: []string{"2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "2026-03-28T00:00:00Z"}},
		{name: "month names", expr: "cron(0 0 1 jan,JUL ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"}},
		{name: "day-of-week step 2/2", expr: "cron(0 0 ? * 2/2 *)", after: "2026-01-01T00:00:00Z", // MON, WED, FRI
			want: []string{"2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z"}},
		// Day-of-month edges.
		{name: "31st skips short months", expr: "cron(0 0 31 * ? *)", after: "2026-01-31T00:00:00Z",
			want: []string{"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"}},
		{name: "Feb 29 in leap years", expr: "cron(0 0 29 2 ? *)", after: "2025-01-01T00:00:00Z",
			want: []string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{name: "2100 is not a leap year", expr: "cron(0 0 29 2 ? *)", after: "2096-03-01T00:00:00Z",
			want: []string{"2104-02-29T00:00:00Z"}},
		{name: "Feb 30 never", expr: "cron(0 0 30 2 ? *)", after: "1970-01-01T00:00:00Z", done: true},
		{name: "Feb 31 never", expr: "cron(0 0 31 FEB ? *)", after: "2026-01-01T00:00:00Z", done: true},
		{name: "L", expr: "cron(0 0 L * ? *)", after: "2024-01-31T00:00:00Z",
			want: []string{"2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z"}},
		{name: "L in February of a common year", expr: "cron(0 0 L 2 ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"}},
		{name: "LW", expr: "cron(0 0 LW * ? *)", after: "2026-01-01T00:00:00Z",
			// Jan 31 2026 is a Saturday, Feb 28 a Saturday, Mar 31 a Tuesday,
			// May 31 a Sunday.
			want: []string{"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z", "2026-05-29T00:00:00Z"}},
		{name: "1W on a Saturday is Monday the 3rd", expr: "cron(0 9 1W * ? *)", after: "2026-07-31T00:00:00Z",
			want: []string{"2026-08-03T09:00:00Z", "2026-09-01T09:00:00Z"}},
		{name: "1W on a Sunday is Monday the 2nd", expr: "cron(0 9 1W * ? *)", after: "2026-01-31T00:00:00Z",
			want: []string{"2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z"}},
		{name: "31W on a Sunday is Friday the 29th", expr: "cron(0 9 31W * ? *)", after: "2026-05-01T00:00:00Z",
			want: []string{"2026-05-29T09:00:00Z", "2026-07-31T09:00:00Z"}},
		{name: "15W on a Saturday is Friday the 14th", expr: "cron(0 9 15W 8 ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-08-14T09:00:00Z"}},
		{name: "15W on a Sunday is Monday the 16th", expr: "cron(0 9 15W 2 ? *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-02-16T09:00:00Z"}},
		{name: "30W never in February", expr: "cron(0 9 30W 2 ? *)", after: "2026-01-01T00:00:00Z", done: true},
		{name: "list of L, W and days", expr: "cron(0 0 1W,15,L * ? *)", after: "2026-07-31T00:00:00Z",
			want: []string{"2026-08-03T00:00:00Z", "2026-08-15T00:00:00Z", "2026-08-31T00:00:00Z", "2026-09-01T00:00:00Z"}},
		// Day-of-week edges.
		{name: "L alone is Saturday", expr: "cron(0 0 ? * L *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z"}},
		{name: "5L last Thursday", expr: "cron(0 0 ? * 5L *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-29T00:00:00Z"}},
		{name: "FRIL last Friday", expr: "cron(0 0 ? * FRIL *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z"}},
		{name: "3#2 second Tuesday", expr: "cron(0 0 ? * 3#2 *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-13T00:00:00Z", "2026-02-10T00:00:00Z"}},
		{name: "6#5 skips months without a fifth Friday", expr: "cron(0 0 ? * 6#5 *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"}},
		{name: "1#1 first Sunday", expr: "cron(0 0 ? * SUN#1 *)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-04T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"}},
		{name: "list of weekday, dL and d#n", expr: "cron(0 0 ? * 2,4L,6#1 *)", after: "2026-01-01T00:00:00Z",
			// Mondays, the last Wednesday and the first Friday.
			want: []string{"2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-01-28T00:00:00Z", "2026-02-02T00:00:00Z"}},
		// Years.
		{name: "years exhausted", expr: "cron(0 0 1 1 ? 2020)", after: "2026-01-01T00:00:00Z", done: true},
		{name: "last possible firing", expr: "cron(59 23 31 12 ? *)", after: "2199-12-31T00:00:00Z",
			want: []string{"2199-12-31T23:59:00Z"}, done: true},
		{name: "nothing after 2199", expr: "cron(* * * * ? *)", after: "2199-12-31T23:59:00Z", done: true},
		{name: "after far beyond 2199", expr: "cron(* * * * ? *)", after: "9999-01-01T00:00:00Z", done: true},
		{name: "from before 1970", expr: "cron(0 0 1 1 ? *)", after: "1900-06-01T00:00:00Z",
			want: []string{"1970-01-01T00:00:00Z", "1971-01-01T00:00:00Z"}},
		{name: "year step", expr: "cron(0 0 1 1 ? 2020/5)", after: "2026-01-01T00:00:00Z",
			want: []string{"2030-01-01T00:00:00Z", "2035-01-01T00:00:00Z"}},
		{name: "sparse year", expr: "cron(0 0 1 1 ? 2150)", after: "1970-01-01T00:00:00Z",
			want: []string{"2150-01-01T00:00:00Z"}, done: true},
		// A fixed offset zone.
		{name: "Kolkata", expr: "cron(0 9 * * ? *)", loc: "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-01-01T03:30:00Z", "2026-01-02T03:30:00Z"}},
	})
}

func TestNextAt(t *testing.T) {
	runNext(t, []nextCase{
		{name: "UTC", expr: "at(2026-03-08T10:30:00)", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-03-08T10:30:00Z"}, done: true},
		{name: "seconds kept", expr: "at(2026-03-08T10:30:45)", after: "2026-03-08T10:30:44Z",
			want: []string{"2026-03-08T10:30:45Z"}, done: true},
		{name: "in the past", expr: "at(2021-12-31T23:59:59)", after: "2026-01-01T00:00:00Z", done: true},
		{name: "at the instant is not after", expr: "at(2026-03-08T10:30:00)", after: "2026-03-08T10:30:00Z", done: true},
		{name: "in the schedule's zone", expr: "at(2026-07-01T09:00:00)", loc: "America/New_York", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-07-01T13:00:00Z"}, done: true},
		{name: "in a DST gap never fires", expr: "at(2026-03-08T02:30:00)", loc: "America/New_York", after: "2026-01-01T00:00:00Z", done: true},
		{name: "in a repeated hour fires at the first", expr: "at(2026-11-01T01:30:00)", loc: "America/New_York", after: "2026-01-01T00:00:00Z",
			want: []string{"2026-11-01T05:30:00Z"}, done: true},
		{name: "after the first occurrence of a repeated hour", expr: "at(2026-11-01T01:30:00)", loc: "America/New_York", after: "2026-11-01T05:45:00Z", done: true},
	})
}

func TestAtTime(t *testing.T) {
	e := mustParse(t, "at(2026-11-01T01:30:00)")
	got, ok := e.AtTime(nil)
	if !ok || !got.Equal(ts(t, "2026-11-01T01:30:00Z")) {
		t.Errorf("AtTime(nil) = %v, %v", got, ok)
	}
	ny := mustLoc(t, "America/New_York")
	if got, ok := e.AtTime(ny); !ok || !got.Equal(ts(t, "2026-11-01T05:30:00Z")) {
		t.Errorf("AtTime(New York) = %v, %v", got, ok)
	}
	if _, ok := mustParse(t, "at(2026-03-08T02:00:00)").AtTime(ny); ok {
		t.Error("AtTime in the gap exists")
	}
	if _, ok := mustParse(t, "rate(1 day)").AtTime(nil); ok {
		t.Error("AtTime of a rate")
	}
}

func TestRateNextFrom(t *testing.T) {
	tests := []struct {
		name, expr, anchor, after, want string
		loc                             string
	}{
		{"after before anchor fires at the anchor", "rate(5 minutes)", "2026-01-01T00:00:30Z", "2025-12-31T00:00:00Z", "2026-01-01T00:00:30Z", ""},
		{"anchor itself is not after itself", "rate(5 minutes)", "2026-01-01T00:00:30Z", "2026-01-01T00:00:30Z", "2026-01-01T00:05:30Z", ""},
		{"grid", "rate(5 minutes)", "2026-01-01T00:00:30Z", "2026-01-01T00:12:00Z", "2026-01-01T00:15:30Z", ""},
		{"on the grid is not after", "rate(5 minutes)", "2026-01-01T00:00:30Z", "2026-01-01T00:15:30Z", "2026-01-01T00:20:30Z", ""},
		{"nanoseconds before the grid", "rate(5 minutes)", "2026-01-01T00:00:00.7Z", "2026-01-01T00:05:00.5Z", "2026-01-01T00:05:00.7Z", ""},
		{"nanoseconds after the grid", "rate(5 minutes)", "2026-01-01T00:00:00.7Z", "2026-01-01T00:05:00.9Z", "2026-01-01T00:10:00.7Z", ""},
		{"seed rate(30 minutes)", "rate(30 minutes)", "2026-01-01T00:00:00Z", "2026-01-01T01:10:00Z", "2026-01-01T01:30:00Z", ""},
		{"days are 24 hours across spring forward", "rate(1 day)", "2026-03-07T12:00:00-05:00", "2026-03-07T12:00:00-05:00", "2026-03-08T13:00:00-04:00", "America/New_York"},
		{"days are 24 hours across fall back", "rate(1 day)", "2026-10-31T12:00:00-04:00", "2026-10-31T12:00:00-04:00", "2026-11-01T11:00:00-05:00", "America/New_York"},
		{"hours are unaffected by a gap", "rate(1 hour)", "2026-03-08T01:30:00-05:00", "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00", "America/New_York"},
		{"far anchor on the grid", "rate(7 days)", "1970-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", ""}, // 2922 weeks
		{"zero anchor", "rate(1 minute)", "0001-01-01T00:00:00Z", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var loc *time.Location
			if tt.loc != "" {
				loc = mustLoc(t, tt.loc)
			}
			e := mustParse(t, tt.expr)
			got, ok := e.NextFrom(ts(t, tt.anchor), ts(t, tt.after), loc)
			if !ok || !got.Equal(ts(t, tt.want)) {
				t.Fatalf("NextFrom = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
	e := mustParse(t, "rate(1 hour)")
	if got, ok := e.Next(ts(t, "2026-01-01T00:00:10Z"), nil); !ok || !got.Equal(ts(t, "2026-01-01T01:00:10Z")) {
		t.Errorf("Next of a rate = %v, %v; want after + rate", got, ok)
	}
	if got, ok := e.NextFrom(ts(t, "2199-12-31T22:00:00Z"), ts(t, "2199-12-31T23:30:00Z"), nil); ok {
		t.Errorf("NextFrom past 2199 = %v", got)
	}
	if got, ok := e.NextFrom(ts(t, "2026-01-01T00:00:00Z"), ts(t, "2300-01-01T00:00:00Z"), nil); ok {
		t.Errorf("NextFrom after 2199 = %v", got)
	}
	// The anchor is ignored by cron and at.
	c := mustParse(t, "cron(0 12 * * ? *)")
	if got, ok := c.NextFrom(ts(t, "2026-01-01T00:07:00Z"), ts(t, "2026-01-01T00:00:00Z"), nil); !ok || !got.Equal(ts(t, "2026-01-01T12:00:00Z")) {
		t.Errorf("cron NextFrom = %v, %v", got, ok)
	}
}

func TestBetweenAndFires(t *testing.T) {
	hourly := mustParse(t, "cron(0 * * * ? *)")
	from, to := ts(t, "2026-01-01T00:00:00Z"), ts(t, "2026-01-01T03:00:00Z")
	want := []time.Time{ts(t, "2026-01-01T01:00:00Z"), ts(t, "2026-01-01T02:00:00Z"), ts(t, "2026-01-01T03:00:00Z")}
	if got := hourly.Between(from, to, nil, time.Time{}, 10); !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("Between (from, to] = %v, want %v", got, want)
	}
	if got := hourly.Between(from, to, nil, time.Time{}, 2); len(got) != 2 {
		t.Errorf("Between limit 2 = %v", got)
	}
	if got := hourly.Between(from, to, nil, time.Time{}, 0); got != nil {
		t.Errorf("Between limit 0 = %v", got)
	}
	if got := hourly.Between(to, from, nil, time.Time{}, 10); len(got) != 0 {
		t.Errorf("Between an empty interval = %v", got)
	}
	var n int
	for range hourly.Fires(time.Time{}, from, ts(t, "2030-01-01T00:00:00Z"), nil) {
		n++
		if n == 5 {
			break
		}
	}
	if n != 5 {
		t.Errorf("Fires stopped at %d", n)
	}

	rate := mustParse(t, "rate(20 minutes)")
	anchor := ts(t, "2026-01-01T00:05:00Z")
	want = []time.Time{ts(t, "2026-01-01T00:05:00Z"), ts(t, "2026-01-01T00:25:00Z"), ts(t, "2026-01-01T00:45:00Z")}
	if got := rate.Between(ts(t, "2026-01-01T00:00:00Z"), ts(t, "2026-01-01T01:00:00Z"), nil, anchor, 10); !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("rate Between = %v, want %v", got, want)
	}
	want = []time.Time{ts(t, "2026-01-01T00:20:00Z"), ts(t, "2026-01-01T00:40:00Z"), ts(t, "2026-01-01T01:00:00Z")}
	if got := rate.Between(ts(t, "2026-01-01T00:00:00Z"), ts(t, "2026-01-01T01:00:00Z"), nil, time.Time{}, 10); !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("rate Between with a zero anchor = %v, want %v", got, want)
	}

	at := mustParse(t, "at(2026-01-01T00:30:00)")
	if got := at.Between(from, to, nil, time.Time{}, 10); len(got) != 1 || !got[0].Equal(ts(t, "2026-01-01T00:30:00Z")) {
		t.Errorf("at Between = %v", got)
	}

	// Missed firings across a fall-back night in New York: 01:30 fires once.
	ny := mustLoc(t, "America/New_York")
	got := mustParse(t, "cron(30 * * * ? *)").Between(ts(t, "2026-11-01T04:00:00Z"), ts(t, "2026-11-01T09:00:00Z"), ny, time.Time{}, 100)
	want = []time.Time{ts(t, "2026-11-01T04:30:00Z"), ts(t, "2026-11-01T05:30:00Z"), ts(t, "2026-11-01T07:30:00Z"), ts(t, "2026-11-01T08:30:00Z")}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("fall back Between = %v, want %v", got, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := mustParse(t, "cron(0/7 8-18 ? * MON-FRI *)")
	ny := mustLoc(t, "America/New_York")
	after := ts(t, "2026-01-01T00:00:00Z")
	want := e.Between(after, after.AddDate(0, 1, 0), ny, time.Time{}, 1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got := e.Between(after, after.AddDate(0, 1, 0), ny, time.Time{}, 1000)
			if !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Error("concurrent Between differs")
			}
		})
	}
	wg.Wait()
}

func BenchmarkNext(b *testing.B) {
	for _, bc := range []struct{ name, expr, loc string }{
		{"every minute", "cron(* * * * ? *)", "UTC"},
		{"weekdays NY", "cron(0/10 * ? * MON-FRI *)", "America/New_York"},
		{"last Friday", "cron(15 10 ? * 6L *)", "Europe/London"},
		{"leap day", "cron(0 0 29 2 ? *)", "UTC"},
		{"never", "cron(0 0 30 2 ? *)", "UTC"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := mustParse(b, bc.expr)
			loc := mustLoc(b, bc.loc)
			after := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for b.Loop() {
				e.Next(after, loc)
			}
		})
	}
}
