package schedule

import (
	"errors"
	"testing"
	"time"
)

// FuzzParse: parsing never panics, a refusal is an *Error with a reason,
// and an accepted expression evaluates without panicking or looping, with
// firings strictly increasing.
func FuzzParse(f *testing.F) {
	for _, s := range validBoth {
		f.Add(s)
	}
	for _, s := range []string{
		"at(2026-03-08T02:30:00)", "at(2026-11-01T01:30:00)", "rate(2 minute)",
		"cron(0 22-2/2 * * ? *)", "cron(0 12 ? * FRI-MON *)", "cron(0 0 31W * ? *)",
		"cron(0 0 ? * 6#5 2199)", "cron(0/1 * * * ? 2199)", "cron(0 0 30 2 ? *)",
		"cron(0 0 1W,LW,L,31 * ? *)", "rate(106751 days)", "cron(", "rate(1", "at(",
		"cron(0 0 ? * 7L,1#1,L 1970-2199/229)", "cron(*/59 */23 */31 */12 ? */229)",
	} {
		f.Add(s)
	}
	zones := []*time.Location{time.UTC}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "America/Santiago"} {
		loc, err := LoadLocation(name)
		if err != nil {
			f.Fatal(err)
		}
		zones = append(zones, loc)
	}
	starts := []time.Time{
		time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 8, 6, 59, 30, 0, time.UTC),
		time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC),
		time.Date(2199, 12, 31, 23, 0, 0, 0, time.UTC),
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (*Expr, error){Parse, ParseRule} {
			e, err := parse(s)
			if err != nil {
				var se *Error
				if !errors.As(err, &se) || se.Reason == "" {
					t.Fatalf("Parse(%q): error %#v", s, err)
				}
				continue
			}
			if e.String() != s {
				t.Fatalf("String() = %q, want %q", e.String(), s)
			}
			if k := e.Kind(); k != Cron && k != Rate && k != At {
				t.Fatalf("Kind() = %v", k)
			}
			for i, loc := range zones {
				after := starts[i%len(starts)]
				for range 5 {
					n, ok := e.NextFrom(starts[1], after, loc)
					if !ok {
						break
					}
					if !n.After(after) {
						t.Fatalf("%s in %s: Next(%s) = %s, not after", s, loc, after, n)
					}
					if e.Kind() == Cron && (n.Second() != 0 || n.Nanosecond() != 0) {
						t.Fatalf("%s: cron firing %s is not on a minute", s, n)
					}
					after = n
				}
				e.Between(starts[0], starts[0].AddDate(1, 0, 0), loc, time.Time{}, 3)
			}
		}
	})
}
