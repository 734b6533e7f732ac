package logs_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

const (
	hourMs = int64(time.Hour / time.Millisecond)
	dayMs  = 24 * hourMs
)

func TestPutLogEventsLimits(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "s")
	now := e.now()
	put := func(evs ...types.InputLogEvent) error {
		_, err := e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: evs})
		return err
	}

	many := make([]types.InputLogEvent, 10001)
	for i := range many {
		many[i] = ev(now, "x")
	}
	wantErr(t, put(many...), "InvalidParameterException", "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000")
	if err := put(many[:10000]...); err != nil {
		t.Errorf("10000 events: %v", err)
	}

	// 1,048,576 bytes counting 26 per event: 4 events of 262118 bytes fit
	// exactly; one more byte does not.
	big := strings.Repeat("a", 262144-26)
	if err := put(ev(now, big), ev(now, big), ev(now, big), ev(now, big)); err != nil {
		t.Errorf("a batch of exactly 1 MiB: %v", err)
	}
	wantErr(t, put(ev(now, big), ev(now, big), ev(now, big), ev(now, big), ev(now, "x")), "InvalidParameterException", "Upload too large: 1048603 bytes exceeds limit of 1048576")
	wantErr(t, put(ev(now, big+"a")), "InvalidParameterException", "Log event too large: 262145 bytes exceeds limit of 262144")

	wantErr(t, put(ev(now, "b"), ev(now-1, "a")), "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
	wantErr(t, put(ev(now-dayMs-1, "a"), ev(now, "b")), "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	if err := put(ev(now-dayMs, "a"), ev(now, "b")); err != nil {
		t.Errorf("a batch spanning exactly 24 hours: %v", err)
	}

	wantErr(t, put(ev(now, "")), "InvalidParameterException", "1 validation error detected: Value '' at 'logEvents.message' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err := e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope"), LogEvents: []types.InputLogEvent{ev(now, "x")}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s"), LogEvents: []types.InputLogEvent{ev(now, "x")}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	// A stream is missing even when every event is rejected.
	_, err = e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope"), LogEvents: []types.InputLogEvent{ev(now+3*hourMs, "x")}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
}

func TestPutLogEventsRejected(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "s")
	now := e.now()

	// Sequence tokens are accepted and ignored, whatever they are.
	out, err := e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), SequenceToken: aws.String("bogus"),
		LogEvents: []types.InputLogEvent{
			ev(now-14*dayMs-2, "too old 1"), ev(now-14*dayMs-1, "too old 2"),
			ev(now-14*dayMs+hourMs, "ok 1"), ev(now-14*dayMs+2*hourMs, "ok 2"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 2 || r.TooNewLogEventStartIndex != nil || r.ExpiredLogEventEndIndex != nil {
		t.Errorf("rejected = %+v", r)
	}
	if out.NextSequenceToken == nil {
		t.Error("no nextSequenceToken")
	}
	out = e.put("g", "s", ev(now, "ok 3"), ev(now+2*hourMs, "ok 4"), ev(now+2*hourMs+1, "too new 1"), ev(now+3*hourMs, "too new 2"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 2 || r.TooOldLogEventEndIndex != nil {
		t.Errorf("rejected = %+v", r)
	}
	// Everything rejected: accepted, nothing stored.
	out = e.put("g", "s", ev(now+5*hourMs, "too new 3"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 0 {
		t.Errorf("rejected = %+v", r)
	}
	stored := func() []string {
		got := e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
		for _, ev := range got.Events {
			if aws.ToInt64(ev.IngestionTime) != now {
				t.Errorf("ingestionTime = %d, want %d", aws.ToInt64(ev.IngestionTime), now)
			}
		}
		return outMsgs(got.Events)
	}
	if got, want := stored(), []string{"ok 1", "ok 2", "ok 3", "ok 4"}; !equal(got, want) {
		t.Errorf("stored = %v, want %v", got, want)
	}

	// Events older than the retention period are expired; the events
	// already stored past it are swept.
	if _, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out = e.put("g", "s", ev(now-dayMs-1, "expired"), ev(now-dayMs+1, "ok 5"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.ExpiredLogEventEndIndex) != 1 || r.TooOldLogEventEndIndex != nil {
		t.Errorf("rejected = %+v", r)
	}
	if out := e.put("g", "s", ev(now, "ok 6")); out.RejectedLogEventsInfo != nil {
		t.Errorf("rejected = %+v", out.RejectedLogEventsInfo)
	}
	eventually(t, "the sweep of expired events", func() bool {
		return equal(stored(), []string{"ok 5", "ok 3", "ok 6", "ok 4"})
	})
}

// putNumbered puts n events "0".."n-1", one millisecond apart, ending now.
func (e *env) putNumbered(group, stream string, n int) int64 {
	e.t.Helper()
	start := e.now() - int64(n)
	var evs []types.InputLogEvent
	for i := range n {
		evs = append(evs, ev(start+int64(i), fmt.Sprint(i)))
	}
	e.put(group, stream, evs...)
	return start
}

func numbers(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func TestGetLogEventsTokens(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "s")
	in := func(tok *string, head bool, limit int32) *cloudwatchlogs.GetLogEventsInput {
		return &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: tok, StartFromHead: aws.Bool(head), Limit: aws.Int32(limit)}
	}

	// An empty stream: no events, and tokens that find later events.
	empty := e.get(in(nil, true, 10))
	if len(empty.Events) != 0 || !strings.HasPrefix(aws.ToString(empty.NextForwardToken), "f/") || !strings.HasPrefix(aws.ToString(empty.NextBackwardToken), "b/") {
		t.Fatalf("empty stream: %+v", empty)
	}
	start := e.putNumbered("g", "s", 25)
	if got := e.get(in(empty.NextForwardToken, true, 100)); !equal(outMsgs(got.Events), numbers(0, 25)) {
		t.Errorf("forward from the empty stream's token = %v", outMsgs(got.Events))
	}

	// From the head, forward in pages of 10.
	p1 := e.get(in(nil, true, 10))
	if !equal(outMsgs(p1.Events), numbers(0, 10)) {
		t.Fatalf("head page = %v", outMsgs(p1.Events))
	}
	p2 := e.get(in(p1.NextForwardToken, true, 10))
	p3 := e.get(in(p2.NextForwardToken, true, 10))
	if !equal(outMsgs(p2.Events), numbers(10, 20)) || !equal(outMsgs(p3.Events), numbers(20, 25)) {
		t.Fatalf("pages = %v %v", outMsgs(p2.Events), outMsgs(p3.Events))
	}
	// The end: no events and the same token, again and again.
	end := e.get(in(p3.NextForwardToken, true, 10))
	if len(end.Events) != 0 || aws.ToString(end.NextForwardToken) != aws.ToString(p3.NextForwardToken) {
		t.Fatalf("end = %v, token %s, want %s", outMsgs(end.Events), aws.ToString(end.NextForwardToken), aws.ToString(p3.NextForwardToken))
	}
	// New events appear after the end token.
	e.put("g", "s", ev(e.now(), "25"))
	if got := e.get(in(end.NextForwardToken, true, 10)); !equal(outMsgs(got.Events), []string{"25"}) {
		t.Errorf("after the end = %v", outMsgs(got.Events))
	}
	// Backward from a page goes to the events before it.
	if got := e.get(in(p3.NextBackwardToken, true, 5)); !equal(outMsgs(got.Events), numbers(15, 20)) {
		t.Errorf("backward from page 3 = %v", outMsgs(got.Events))
	}

	// From the tail (the default): the latest events, in time order.
	t1 := e.get(in(nil, false, 10))
	if !equal(outMsgs(t1.Events), numbers(16, 26)) {
		t.Fatalf("tail page = %v", outMsgs(t1.Events))
	}
	t2 := e.get(in(t1.NextBackwardToken, false, 10))
	t3 := e.get(in(t2.NextBackwardToken, false, 10))
	if !equal(outMsgs(t2.Events), numbers(6, 16)) || !equal(outMsgs(t3.Events), numbers(0, 6)) {
		t.Fatalf("backward pages = %v %v", outMsgs(t2.Events), outMsgs(t3.Events))
	}
	bend := e.get(in(t3.NextBackwardToken, false, 10))
	if len(bend.Events) != 0 || aws.ToString(bend.NextBackwardToken) != aws.ToString(t3.NextBackwardToken) {
		t.Errorf("backward end = %v, token %s", outMsgs(bend.Events), aws.ToString(bend.NextBackwardToken))
	}
	if got := e.get(in(t1.NextForwardToken, true, 10)); len(got.Events) != 0 || aws.ToString(got.NextForwardToken) != aws.ToString(t1.NextForwardToken) {
		t.Errorf("forward from the tail = %v", outMsgs(got.Events))
	}

	// Time range: startTime inclusive, endTime exclusive.
	got := e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true),
		StartTime: aws.Int64(start + 5), EndTime: aws.Int64(start + 8)})
	if !equal(outMsgs(got.Events), numbers(5, 8)) {
		t.Errorf("time range = %v", outMsgs(got.Events))
	}

	// The SDK paginator ends on the repeated token.
	var all []string
	pg := cloudwatchlogs.NewGetLogEventsPaginator(e.c, in(nil, true, 7), func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for pg.HasMorePages() {
		out, err := pg.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, outMsgs(out.Events)...)
	}
	if !equal(all, numbers(0, 26)) {
		t.Errorf("paginated = %v", all)
	}

	_, err := e.c.GetLogEvents(e.ctx, in(aws.String("x/123"), true, 10))
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	e.createStream("g", "other")
	_, err = e.c.GetLogEvents(e.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("other"), NextToken: p1.NextForwardToken})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = e.c.GetLogEvents(e.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = e.c.GetLogEvents(e.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.GetLogEvents(e.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(10001)})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")
	got = e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), Limit: aws.Int32(1)})
	if !equal(outMsgs(got.Events), []string{"0"}) {
		t.Errorf("by identifier = %v", outMsgs(got.Events))
	}
}

func TestGetLogEventsOneMegabyte(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "s")
	// 5 batches of 200 events of 5000 bytes (~1 MB each).
	now := e.now()
	n := 0
	for range 5 {
		var evs []types.InputLogEvent
		for range 200 {
			evs = append(evs, ev(now, fmt.Sprintf("%04d", n)+strings.Repeat("x", 4996)))
			n++
		}
		e.put("g", "s", evs...)
	}
	var got []string
	var tok *string
	pages := 0
	for {
		out := e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), NextToken: tok})
		if len(out.Events) == 0 {
			break
		}
		pages++
		size := 0
		for _, ev := range out.Events {
			size += len(aws.ToString(ev.Message)) + 26
			got = append(got, aws.ToString(ev.Message)[:4])
		}
		if size > 1<<20 {
			t.Errorf("page of %d bytes", size)
		}
		tok = out.NextForwardToken
	}
	if len(got) != n || pages < 5 {
		t.Errorf("%d events in %d pages, want %d in >= 5", len(got), pages, n)
	}
	for i, m := range got {
		if m != fmt.Sprintf("%04d", i) {
			t.Fatalf("event %d = %s", i, m)
		}
	}
}

func TestFilterLogEvents(t *testing.T) {
	e := newEnv(t)
	e.createGroup("app")
	for _, s := range []string{"web-1", "web-2", "worker"} {
		e.createStream("app", s)
	}
	t0 := e.now() - 1000
	e.put("app", "web-1",
		ev(t0, "GET /index.html 200"),
		ev(t0+20, `{"level":"ERROR","latency":150,"user":{"id":7},"tags":["a","b"]}`),
		ev(t0+40, "[ERROR] disk full on /dev/sda"),
	)
	e.put("app", "web-2",
		ev(t0+10, "GET /api 500 ERROR Exception"),
		ev(t0+30, `{"level":"INFO","latency":20,"user":{"id":8}}`),
		ev(t0+50, "WARN slow request"),
	)
	e.put("app", "worker",
		ev(t0+25, `{"level":"ERROR","latency":50,"retry":true}`),
		ev(t0+60, "ERROR Exiting worker"),
	)
	filter := func(in cloudwatchlogs.FilterLogEventsInput) []string {
		t.Helper()
		in.LogGroupName = aws.String("app")
		return filteredMsgs(e.filter(&in).Events)
	}
	all := filter(cloudwatchlogs.FilterLogEventsInput{})
	want := []string{
		"GET /index.html 200",
		"GET /api 500 ERROR Exception",
		`{"level":"ERROR","latency":150,"user":{"id":7},"tags":["a","b"]}`,
		`{"level":"ERROR","latency":50,"retry":true}`,
		`{"level":"INFO","latency":20,"user":{"id":8}}`,
		"[ERROR] disk full on /dev/sda",
		"WARN slow request",
		"ERROR Exiting worker",
	}
	if !equal(all, want) {
		t.Fatalf("interleaved = %q\nwant %q", all, want)
	}
	for _, tc := range []struct {
		pattern string
		want    []int // indexes into want
	}{
		{"", []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"ERROR", []int{1, 2, 3, 5, 7}},
		{"ERROR Exception", []int{1}},
		{`"disk full"`, []int{5}},
		{"?WARN ?Exception", []int{1, 6}},
		{"ERROR -Exiting -Exception", []int{2, 3, 5}},
		{`{ $.level = "ERROR" }`, []int{2, 3}},
		{`{ $.latency > 100 }`, []int{2}},
		{`{ $.level = "ERROR" && $.latency < 100 }`, []int{3}},
		{`{ $.level = "INFO" || $.retry IS TRUE }`, []int{3, 4}},
		{`{ $.user.id = 8 }`, []int{4}},
		{`{ $.tags[1] = "b" }`, []int{2}},
		{`{ $.retry NOT EXISTS && $.level = "*R*" }`, []int{2}},
		{`[method, path, status = 5*, ...]`, []int{1}},
		{`%/dev/sd[a-z]%`, []int{5}},
	} {
		var w []string
		for _, i := range tc.want {
			w = append(w, want[i])
		}
		if got := filter(cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(tc.pattern)}); !equal(got, w) {
			t.Errorf("pattern %s: %q\nwant %q", tc.pattern, got, w)
		}
	}

	// Streams, names and prefixes; eventId, ingestionTime, logStreamName.
	out := e.filter(&cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), LogStreamNames: []string{"worker", "missing"}})
	if len(out.Events) != 2 || aws.ToString(out.Events[0].LogStreamName) != "worker" || len(aws.ToString(out.Events[0].EventId)) != 56 || aws.ToInt64(out.Events[0].IngestionTime) != e.now() {
		t.Errorf("by names = %+v", out.Events)
	}
	if got := filter(cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("web-"), FilterPattern: aws.String("GET")}); !equal(got, []string{want[0], want[1]}) {
		t.Errorf("by prefix = %q", got)
	}
	if got := filter(cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("none")}); len(got) != 0 {
		t.Errorf("unknown prefix = %q", got)
	}
	// Time range: both ends inclusive.
	if got := filter(cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(t0 + 20), EndTime: aws.Int64(t0 + 40)}); !equal(got, want[2:6]) {
		t.Errorf("time range = %q", got)
	}
	out = e.filter(&cloudwatchlogs.FilterLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:app"), FilterPattern: aws.String("WARN")})
	if !equal(filteredMsgs(out.Events), []string{want[6]}) {
		t.Errorf("by identifier = %q", filteredMsgs(out.Events))
	}

	// Pages of 3 through the paginator.
	var paged []string
	pages := 0
	pg := cloudwatchlogs.NewFilterLogEventsPaginator(e.c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), Limit: aws.Int32(3)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		paged = append(paged, filteredMsgs(out.Events)...)
	}
	if !equal(paged, want) || pages != 3 {
		t.Errorf("paged (%d pages) = %q", pages, paged)
	}
	// The last page has no token when nothing else matches.
	out = e.filter(&cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), FilterPattern: aws.String("WARN"), Limit: aws.Int32(1)})
	if len(out.Events) != 1 || out.NextToken != nil {
		t.Errorf("single match: %d events, token %v", len(out.Events), out.NextToken)
	}

	for _, tc := range []struct{ pattern, msg string }{
		{`{ $.level = "ERROR"`, "If a filter pattern starts with '{' it must end with '}'"},
		{`{ level = ERROR }`, "Invalid filter pattern"},
		{`{ $.latency > abc }`, "Invalid filter pattern"},
		{`"unterminated`, "Unterminated quoted string in filter pattern"},
		{`[a, b`, "If a filter pattern starts with '[' it must end with ']'"},
	} {
		_, err := e.c.FilterLogEvents(e.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), FilterPattern: aws.String(tc.pattern)})
		wantErr(t, err, "InvalidParameterException", tc.msg)
	}
	_, err := e.c.FilterLogEvents(e.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), LogStreamNames: []string{"a"}, LogStreamNamePrefix: aws.String("a")})
	wantErr(t, err, "InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive. Only one of these parameters can be passed.")
	_, err = e.c.FilterLogEvents(e.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.FilterLogEvents(e.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app"), NextToken: aws.String("bad")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = e.c.FilterLogEvents(e.ctx, &cloudwatchlogs.FilterLogEventsInput{})
	wantErr(t, err, "InvalidParameterException", "You must include either logGroupIdentifier or logGroupName, but not both.")

	// Events of a deleted stream are gone at once.
	if _, err := e.c.DeleteLogStream(e.ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("app"), LogStreamName: aws.String("worker")}); err != nil {
		t.Fatal(err)
	}
	if got := filter(cloudwatchlogs.FilterLogEventsInput{}); len(got) != 6 {
		t.Errorf("after deleting a stream: %q", got)
	}
}

// TestFilterLogEventsLargeGroup pages through more events than one scan
// chunk, with a pattern that matches few of them.
func TestFilterLogEventsLargeGroup(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "a")
	e.createStream("g", "b")
	now := e.now()
	for batch := range 3 {
		var a, b []types.InputLogEvent
		for i := range 1000 {
			n := batch*1000 + i
			msg := fmt.Sprint("event ", n)
			if n%250 == 0 {
				msg += " NEEDLE"
			}
			a = append(a, ev(now-int64(3000-n), msg))
			b = append(b, ev(now-int64(3000-n), "noise"))
		}
		e.put("g", "a", a...)
		e.put("g", "b", b...)
	}
	var got []string
	pg := cloudwatchlogs.NewFilterLogEventsPaginator(e.c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("NEEDLE"), Limit: aws.Int32(5)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, filteredMsgs(out.Events)...)
	}
	var want []string
	for n := 0; n < 3000; n += 250 {
		want = append(want, fmt.Sprint("event ", n, " NEEDLE"))
	}
	if !equal(got, want) {
		t.Errorf("needles = %q", got)
	}
}
