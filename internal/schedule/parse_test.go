package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// validBoth parse with Parse (Scheduler) and ParseRule (EventBridge rules).
var validBoth = []string{
	// The seeds and AWS's documented examples.
	"cron(40 10 * * ? *)",
	"cron(0/10 * ? * MON-FRI *)",
	"rate(30 minutes)",
	"cron(0 12 * * ? *)",
	"cron(15 10 ? * 6L 2026-2030)",
	"cron(0 8 1 * ? *)",
	"cron(0 20 * * ? *)",
	"cron(0 10 * * ? *)",
	"cron(15 12 * * ? *)",
	"cron(0 18 ? * MON-FRI *)",
	"cron(0/15 * * * ? *)",
	"cron(0/5 8-17 ? * MON-FRI *)",
	"cron(5,35 14 * * ? *)",
	"cron(15 10 ? * 6L 2019-2022)",
	"cron(0 * ? * * *)", // day-of-week * with day-of-month ?
	"cron(0 8 * * ? *)",
	"rate(1 minute)",
	"rate(5 minutes)",
	"rate(1 hour)",
	"rate(12 hours)",
	"rate(1 day)",
	"rate(30 days)",
	"rate(05 minutes)",
	// Every field form.
	"cron(* * * * ? *)",
	"cron(0,15,30,45 * * * ? *)",
	"cron(5-40/5 * * * ? *)",
	"cron(*/5 * * * ? *)",
	"cron(1/10 * * * ? *)",
	"cron(0 */3 */1 * ? *)",
	"cron(0 0 1 JAN,jul ? *)",
	"cron(0 0 1 jan-MAR ? *)",
	"cron(0 0 1 MAR/4 ? *)",
	"cron(0 0 1 1-12/2 ? *)",
	"cron(0 0 L * ? *)",
	"cron(0 0 l * ? *)",
	"cron(0 0 LW * ? *)",
	"cron(0 0 15W * ? *)",
	"cron(0 0 1W,15,L * ? *)",
	"cron(0 0 ? * L *)",
	"cron(0 0 ? * 5L *)",
	"cron(0 0 ? * FRIL *)",
	"cron(0 0 ? * 3#2 *)",
	"cron(0 0 ? * TUE#2 *)",
	"cron(0 0 ? * 6#5 *)",
	"cron(0 0 ? * sun,mon *)",
	"cron(0 0 ? * 2/2 *)",
	"cron(0 0 ? * 2,4L,6#1 *)",
	"cron(0 0 1 1 ? 1970)",
	"cron(0 0 1 1 ? 2199)",
	"cron(0 0 1 1 ? 1970-2199/7)",
	"cron(0 0 1 1 ? 2020,2021,2023,2028)",
	"cron(59 23 31 12 ? *)",
	"cron(0 12  *   * ? *)", // several spaces between fields
	"cron(23,24,25 17,18 25 MAR/4 ? 2020,2021,2023,2028)",
	"cron(0 0 30 2 ? *)", // valid, never fires
}

// TestWrappingRangesAcceptedAsQuartz: AWS's cron is Quartz's, which wraps a
// range whose start is after its end (FRI-MON, hours 22-2) in every field
// but the year. AWS's documentation says nothing either way.
func TestWrappingRangesAcceptedAsQuartz(t *testing.T) {
	for _, s := range []string{
		"cron(0 22-2 * * ? *)",
		"cron(50-10 * * * ? *)",
		"cron(0 22-2/2 * * ? *)",
		"cron(0 12 28-3 * ? *)",
		"cron(0 12 1 NOV-FEB ? *)",
		"cron(0 12 ? * FRI-MON *)",
		"cron(0 12 ? * 6-2 *)",
	} {
		if _, err := ParseRule(s); err != nil {
			t.Errorf("ParseRule(%q): %v", s, err)
		}
	}
	if _, err := Parse("cron(0 12 * * ? 2030-2026)"); err == nil {
		t.Error("a wrapping year range parsed")
	}
}

func TestParseValid(t *testing.T) {
	for _, s := range validBoth {
		for name, parse := range map[string]func(string) (*Expr, error){"Parse": Parse, "ParseRule": ParseRule} {
			e, err := parse(s)
			if err != nil {
				t.Errorf("%s(%q): %v", name, s, err)
				continue
			}
			if e.String() != s {
				t.Errorf("%s(%q).String() = %q", name, s, e.String())
			}
			want := Cron
			if strings.HasPrefix(s, "rate(") {
				want = Rate
			}
			if e.Kind() != want {
				t.Errorf("%s(%q).Kind() = %v, want %v", name, s, e.Kind(), want)
			}
		}
	}
}

func TestParseSchedulerOnly(t *testing.T) {
	// Scheduler accepts at(), and a rate unit whatever its number: its
	// UpdateSchedule accepted rate(2 minute) when recorded against AWS.
	for _, s := range []string{
		"at(2026-03-08T10:30:00)",
		"at(2028-02-29T23:59:59)",
		"at(1970-01-01T00:00:00)",
		"rate(2 minute)",
		"rate(1 minutes)",
		"rate(3 hour)",
		"rate(1 days)",
	} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
		if _, err := ParseRule(s); err == nil {
			t.Errorf("ParseRule(%q) accepted it", s)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		expr   string
		reason string // a substring of Error.Reason
	}{
		// Refused by AWS Scheduler (LocalStack's AWS-recorded snapshots).
		{"cron(0 1 * * * *)", "must be ?"},
		{"cron(7 20 * * NOT *)", "must be ?"},
		{"cron(INVALID)", "six fields"},
		{"cron(0 dummy ? * MON-FRI *)", `hours: in "dummy"`},
		{"cron(71 8 1 * ? *)", "71 is not between 0 and 59"},
		{"cron()", "six fields"},
		{"rate(10 seconds)", `unknown unit "seconds"`},
		{"rate(10 years)", `unknown unit "years"`},
		{"rate()", "want rate(value unit)"},
		{"rate(10)", "want rate(value unit)"},
		{"rate(10 minutess)", `unknown unit "minutess"`},
		{"rate(foo minutes)", "not a positive integer"},
		{"rate(-10 minutes)", "not a positive integer"},
		{"rate( 10 minutes )", "want rate(value unit)"},
		{" rate(10 minutes)", "unknown expression type"},
		{"at(2021-12-31T23:59:59Z)", "want at(yyyy-mm-ddThh:mm:ss)"},
		{"at(2021-12-31)", "want at(yyyy-mm-ddThh:mm:ss)"},
		// Refused by EventBridge PutRule (issues quoting AWS's error).
		{"cron(*/1 * * * *)", "got 5"},
		{"cron(7 20 * * 1-7 *)", "must be ?"},
		{"cron(15 12 ? * -1 *)", "missing a value"},
		{"cron(*/60 * * * ? *)", "increment must be between 1 and 59"},
		{"cron(0/5, 9-18, ?, *, MON-FRI, *)", `minutes: "" is missing a value`},
		// Structure.
		{"", "expression must be"},
		{"cron", "expression must be"},
		{"cron(", "expression must be"},
		{"cron(0 12 * * ? *", "expression must be"},
		{"(0 12 * * ? *)", "expression must be"},
		{"CRON(0 12 * * ? *)", "unknown expression type"},
		{"every(5 minutes)", "unknown expression type"},
		{"cron(0 12 * * ? *) ", "expression must be"},
		{"cron( 0 12 * * ? *)", "unexpected space"},
		{"cron(0 12 * * ? * )", "unexpected space"},
		{"cron(0 12 * * ? * *)", "got 7"},
		{"cron(0\t12 * * ? *)", "got 5"},
		{"cron(   )", "six fields"},
		// ? placement.
		{"cron(0 12 ? * ? *)", "cannot both be ?"},
		{"cron(? 12 * * ? *)", "minutes: ? is only allowed"},
		{"cron(0 ? * * ? *)", "hours: ? is only allowed"},
		{"cron(0 12 * ? ? *)", "month: ? is only allowed"},
		{"cron(0 12 * * ? ?)", "year: ? is only allowed"},
		{"cron(0 12 1,? * ? *)", "? must be the whole field"},
		{"cron(0 12 ? * MON,? *)", "? must be the whole field"},
		// Ranges of values.
		{"cron(60 * * * ? *)", "60 is not between 0 and 59"},
		{"cron(0 24 * * ? *)", "24 is not between 0 and 23"},
		{"cron(0 0 0 * ? *)", "0 is not between 1 and 31"},
		{"cron(0 0 32 * ? *)", "32 is not between 1 and 31"},
		{"cron(0 0 1 0 ? *)", "0 is not between 1 and 12"},
		{"cron(0 0 1 13 ? *)", "13 is not between 1 and 12"},
		{"cron(0 0 1 JANUARY ? *)", `"JANUARY" is not a value`},
		{"cron(0 0 ? * 0 *)", "0 is not between 1 and 7"},
		{"cron(0 0 ? * 8 *)", "8 is not between 1 and 7"},
		{"cron(0 0 ? * MONDAY *)", `"MONDAY" is not a value`},
		{"cron(0 0 1 * ? 1969)", "1969 is not between 1970 and 2199"},
		{"cron(0 0 1 * ? 2200)", "2200 is not between 1970 and 2199"},
		{"cron(MON 0 1 * ? *)", `"MON" is not a value`},
		{"cron(0 0 1 * ? 2030-2026)", "start is after its end"},
		{"cron(99999999999999999999 0 1 * ? *)", "is not between 0 and 59"},
		{"cron(+5 0 1 * ? *)", `"+5" is not a value`},
		// Steps.
		{"cron(0/0 * * * ? *)", "increment must be between 1 and 59"},
		{"cron(0 */24 * * ? *)", "increment must be between 1 and 23"},
		{"cron(0 0 1/32 * ? *)", "increment must be between 1 and 31"},
		{"cron(0 0 1 */13 ? *)", "increment must be between 1 and 12"},
		{"cron(0 0 ? * */8 *)", "increment must be between 1 and 7"},
		{"cron(*/ * * * ? *)", "increment must be"},
		{"cron(/5 * * * ? *)", "missing a value"},
		{"cron(0-/5 * * * ? *)", "missing a value"},
		{"cron(1,,2 * * * ? *)", "missing a value"},
		{"cron(1, * * * ? *)", "missing a value"},
		{"cron(0/5/5 * * * ? *)", "increment must be"},
		// L, W and #.
		{"cron(L 0 1 * ? *)", `minutes: in "L"`},
		{"cron(0 0 1 L ? *)", `month: in "L"`},
		{"cron(0 0 L-3 * ? *)", `day-of-month: in "L-3"`},
		{"cron(0 0 L/2 * ? *)", `day-of-month: in "L/2"`},
		{"cron(0 0 W * ? *)", `day-of-month: "W" is missing a value`},
		{"cron(0 0 0W * ? *)", "0 is not between 1 and 31"},
		{"cron(0 0 32W * ? *)", "32 is not between 1 and 31"},
		{"cron(0 0 1W-15W * ? *)", `day-of-month: in "1W-15W"`},
		{"cron(0 0 1-15W * ? *)", `day-of-month: in "1-15W"`},
		{"cron(0 0 15W/2 * ? *)", `day-of-month: in "15W/2"`},
		{"cron(0 0 ? * 3#0 *)", "# must be followed by 1 to 5"},
		{"cron(0 0 ? * 3#6 *)", "# must be followed by 1 to 5"},
		{"cron(0 0 ? * 3# *)", "# must be followed by 1 to 5"},
		{"cron(0 0 ? * #2 *)", "missing a value"},
		{"cron(0 0 ? * 2-3#2 *)", `day-of-week: in "2-3#2"`},
		{"cron(0 0 ? * 8L *)", "8 is not between 1 and 7"},
		{"cron(0 0 ? * LL *)", `day-of-week: in "LL"`},
		{"cron(0 0 ? * 1-5L *)", `day-of-week: in "1-5L"`},
		{"cron(0 0 ? * W *)", `day-of-week: in "W"`},
		{"cron(0 0 L# * ? *)", `day-of-month: in "L#"`},
		{"cron(0 0 ? * 5#2#3 *)", "# must be followed by 1 to 5"},
		// Rates.
		{"rate(0 minutes)", "positive integer"},
		{"rate(1.5 hours)", "not a positive integer"},
		{"rate(5  minutes extra)", "want rate(value unit)"},
		{"rate(5 Minutes)", `unknown unit "Minutes"`},
		{"rate(9999999999999999999999 minutes)", "too large"},
		{"rate(106752 days)", "too large"},
		// at.
		{"at(2026-02-29T00:00:00)", "2026-02 has no day 29"},
		{"at(2026-04-31T00:00:00)", "2026-04 has no day 31"},
		{"at(2026-13-01T00:00:00)", "month 13"},
		{"at(2026-00-01T00:00:00)", "month 00"},
		{"at(2026-01-00T00:00:00)", "has no day 00"},
		{"at(2026-01-01T24:00:00)", "hour 24"},
		{"at(2026-01-01T10:60:00)", "minute 60"},
		{"at(2026-01-01T10:00:60)", "second 60"},
		{"at(1969-12-31T23:59:59)", "year 1969"},
		{"at(2200-01-01T00:00:00)", "year 2200"},
		{"at(2026-01-01T10:00:00.5)", "want at("},
		{"at(2026-01-01 10:00:00)", "want at("},
		{"at(2026-1-01T10:00:00)", "want at("},
		{"at(+026-01-01T10:00:00)", "want at("},
		{"at()", "want at("},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", tt.expr)
			continue
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *Error", tt.expr, err)
			continue
		}
		if !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("Parse(%q): reason %q, want it to contain %q", tt.expr, se.Reason, tt.reason)
		}
		if _, err := ParseRule(tt.expr); err == nil {
			t.Errorf("ParseRule(%q) succeeded", tt.expr)
		}
	}
}

func TestParseRuleInvalid(t *testing.T) {
	tests := []struct{ expr, reason string }{
		// AWS's examples: "rate(1 hours) and rate(5 hour) are not valid".
		{"rate(1 hours)", "singular for a value of 1 (rate(1 hour))"},
		{"rate(5 hour)", "plural for a value greater than 1 (rate(5 hours))"},
		{"rate(3 minute)", "plural"},
		{"rate(1 minutes)", "singular"},
		{"rate(1 days)", "singular"},
		{"rate(2 day)", "plural"},
		{"at(2026-01-01T00:00:00)", "only supported by EventBridge Scheduler"},
		{"at(garbage)", "only supported by EventBridge Scheduler"},
		{"nope", "cron(fields) or rate(value unit)"},
	}
	for _, tt := range tests {
		_, err := ParseRule(tt.expr)
		if err == nil {
			t.Errorf("ParseRule(%q) succeeded", tt.expr)
			continue
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseRule(%q): %q, want it to contain %q", tt.expr, err, tt.reason)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		expr string
		want time.Duration
	}{
		{"rate(1 minute)", time.Minute},
		{"rate(30 minutes)", 30 * time.Minute},
		{"rate(1 hour)", time.Hour},
		{"rate(12 hours)", 12 * time.Hour},
		{"rate(1 day)", 24 * time.Hour},
		{"rate(7 days)", 7 * 24 * time.Hour},
		{"rate(106751 days)", 106751 * 24 * time.Hour},
		{"rate(2 minute)", 2 * time.Minute},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		if got := e.Rate(); got != tt.want {
			t.Errorf("%s: Rate() = %v, want %v", tt.expr, got, tt.want)
		}
	}
	for _, s := range []string{"cron(0 12 * * ? *)", "at(2026-01-01T00:00:00)"} {
		if got := mustParse(t, s).Rate(); got != 0 {
			t.Errorf("%s: Rate() = %v, want 0", s, got)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Cron: "cron", Rate: "rate", At: "at", 0: "Kind(0)", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestLoadLocation(t *testing.T) {
	for _, name := range []string{"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Etc/GMT+5"} {
		loc, err := LoadLocation(name)
		if err != nil {
			t.Errorf("LoadLocation(%q): %v", name, err)
			continue
		}
		if loc.String() != name {
			t.Errorf("LoadLocation(%q) = %q", name, loc)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "america/new_york_city", "../etc/passwd", "/etc/localtime", "UTC+1"} {
		_, err := LoadLocation(name)
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "unknown time zone") {
			t.Errorf("LoadLocation(%q) = %v, want an unknown time zone *Error", name, err)
		}
	}
}

func mustParse(t testing.TB, s string) *Expr {
	t.Helper()
	e, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return e
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
