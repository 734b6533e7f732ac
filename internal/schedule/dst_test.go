package schedule

import "testing"

// TestNextDST: Scheduler skips a wall time in a spring-forward gap and runs
// a wall time repeated by a fall-back once, at its first occurrence.
func TestNextDST(t *testing.T) {
	runNext(t, []nextCase{
		// America/New_York 2026: 02:00 EST -> 03:00 EDT on March 8 (07:00Z);
		// 02:00 EDT -> 01:00 EST on November 1 (06:00Z).
		{name: "NY daily in the gap is skipped that day", expr: "cron(30 2 * * ? *)", loc: "America/New_York", after: "2026-03-07T17:00:00Z",
			want: []string{"2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}},
		{name: "NY day before the gap", expr: "cron(30 2 * * ? *)", loc: "America/New_York", after: "2026-03-06T17:00:00Z",
			want: []string{"2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"}},
		{name: "NY gap edges", expr: "cron(59 1,3 * * ? *)", loc: "America/New_York", after: "2026-03-08T05:00:00Z",
			want: []string{"2026-03-08T06:59:00Z", "2026-03-08T07:59:00Z"}},
		{name: "NY 03:00 exists", expr: "cron(0 3 * * ? *)", loc: "America/New_York", after: "2026-03-08T05:00:00Z",
			want: []string{"2026-03-08T07:00:00Z"}},
		{name: "NY every 20 minutes over the gap", expr: "cron(0/20 * * * ? *)", loc: "America/New_York", after: "2026-03-08T06:20:00Z",
			want: []string{"2026-03-08T06:40:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:20:00Z"}},
		{name: "NY daily in the repeated hour runs once", expr: "cron(30 1 * * ? *)", loc: "America/New_York", after: "2026-10-31T16:00:00Z",
			want: []string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{name: "NY every 20 minutes over the repeated hour", expr: "cron(0/20 * * * ? *)", loc: "America/New_York", after: "2026-11-01T05:00:00Z",
			// 01:00, 01:20, 01:40 EDT, not again in EST, then 02:00 EST.
			want: []string{"2026-11-01T05:20:00Z", "2026-11-01T05:40:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:20:00Z"}},
		{name: "NY from inside the second pass", expr: "cron(0/20 * * * ? *)", loc: "America/New_York", after: "2026-11-01T06:10:00Z",
			want: []string{"2026-11-01T07:00:00Z"}},
		{name: "NY 02:00 after fall back", expr: "cron(0 2 * * ? *)", loc: "America/New_York", after: "2026-11-01T04:00:00Z",
			want: []string{"2026-11-01T07:00:00Z"}},
		{name: "NY weekdays in local time", expr: "cron(0 9 ? * MON-FRI *)", loc: "America/New_York", after: "2026-03-06T15:00:00Z",
			want: []string{"2026-03-09T13:00:00Z"}},
		// Europe/London 2026: 01:00 GMT -> 02:00 BST on March 29 (01:00Z);
		// 02:00 BST -> 01:00 GMT on October 25 (01:00Z).
		{name: "London hourly over the gap", expr: "cron(0 * * * ? *)", loc: "Europe/London", after: "2026-03-29T00:30:00Z",
			want: []string{"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"}},
		{name: "London 01:30 skipped in spring", expr: "cron(30 1 * * ? *)", loc: "Europe/London", after: "2026-03-28T12:00:00Z",
			want: []string{"2026-03-30T00:30:00Z"}},
		{name: "London 01:30 once in autumn", expr: "cron(30 1 * * ? *)", loc: "Europe/London", after: "2026-10-24T12:00:00Z",
			want: []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{name: "London hourly over the repeated hour", expr: "cron(0 * * * ? *)", loc: "Europe/London", after: "2026-10-24T23:30:00Z",
			want: []string{"2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"}},
		// Australia/Lord_Howe 2026: 02:00 +11 -> 01:30 +10:30 on April 5
		// (15:00Z the day before); 02:00 +10:30 -> 02:30 +11 on October 4
		// (15:30Z the day before): half-hour shifts.
		{name: "Lord Howe half-hour gap", expr: "cron(15 2 * * ? *)", loc: "Australia/Lord_Howe", after: "2026-10-03T01:00:00Z",
			want: []string{"2026-10-04T15:15:00Z"}},
		{name: "Lord Howe after the half-hour gap", expr: "cron(45 2 * * ? *)", loc: "Australia/Lord_Howe", after: "2026-10-03T01:00:00Z",
			want: []string{"2026-10-03T15:45:00Z", "2026-10-04T15:45:00Z"}},
		{name: "Lord Howe every 15 minutes over the gap", expr: "cron(0/15 * * * ? *)", loc: "Australia/Lord_Howe", after: "2026-10-03T15:15:00Z",
			// 01:45 +10:30 (15:15Z) -> 02:30 +11 (15:30Z).
			want: []string{"2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"}},
		{name: "Lord Howe repeated half hour runs once", expr: "cron(45 1 * * ? *)", loc: "Australia/Lord_Howe", after: "2026-04-04T01:00:00Z",
			want: []string{"2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"}},
		{name: "Lord Howe every 15 minutes over the repeated half hour", expr: "cron(0/15 * * * ? *)", loc: "Australia/Lord_Howe", after: "2026-04-04T14:30:00Z",
			// 01:30 +11 (14:30Z), 01:45 +11, then 01:30 and 01:45 again at
			// +10:30 are skipped; 02:00 +10:30 is 15:30Z.
			want: []string{"2026-04-04T14:45:00Z", "2026-04-04T15:30:00Z"}},
	})
}
