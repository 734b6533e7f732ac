package logs

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// newService opens a store (SQLite, or PostgreSQL with
// HAKO_TEST_LOGS_STORE=postgres) and the service on a fake clock.
func newService(t testing.TB) (*Service, *clock.Fake) {
	t.Helper()
	spec := "sqlite"
	if os.Getenv("HAKO_TEST_LOGS_STORE") == "postgres" {
		spec = storetest.PostgresURL(t)
	}
	st, err := store.Open(context.Background(), store.Options{Spec: spec, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	s, err := New(context.Background(), Config{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clk
}

// reqCtx is the context of a request of account/region.
func reqCtx(account, region string) context.Context {
	return reqinfo.With(context.Background(), &reqinfo.Info{Account: account, Region: region})
}

func (s *Service) messages(t testing.TB, ctx context.Context, group, stream string) []string {
	t.Helper()
	out, err := s.GetLogEvents(ctx, &logsapi.GetLogEventsRequest{LogGroupName: &group, LogStreamName: &stream, StartFromHead: ptr(true)})
	if err != nil {
		t.Fatalf("GetLogEvents %s/%s: %v", group, stream, err)
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, *e.Message)
	}
	return msgs
}

func countRows(t testing.TB, s *Service, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppend(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	rctx := reqCtx("123456789012", "eu-west-1")
	now := clk.Now()
	group, stream := "/aws/lambda/fn", "2030/01/02/[$LATEST]0123abcd"
	if err := s.Append(ctx, "123456789012", "eu-west-1", group, stream, nil); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_groups"); n != 0 {
		t.Errorf("an empty Append created %d groups", n)
	}
	// Out-of-order events are stored in time order.
	err := s.Append(ctx, "123456789012", "eu-west-1", group, stream, []Event{
		{Time: now.Add(time.Millisecond), Message: "END"},
		{Time: now, Message: "START"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, warm := s.streams.get(streamKey{"123456789012", "eu-west-1", group, stream}); !warm {
		t.Error("the stream is not cached after Append")
	}
	big := strings.Repeat("é", maxEventBytes) // 2 bytes per rune
	if err := s.Append(ctx, "123456789012", "eu-west-1", group, stream, []Event{{Time: now.Add(2 * time.Millisecond), Message: big}}); err != nil {
		t.Fatal(err)
	}
	got := s.messages(t, rctx, group, stream)
	if len(got) != 3 || got[0] != "START" || got[1] != "END" {
		t.Fatalf("events = %.40q", got)
	}
	if n := len(got[2]); n != maxEventBytes-eventOverhead || !strings.HasPrefix(big, got[2]) {
		t.Errorf("truncated message of %d bytes", n)
	}
	// The group and stream are real: visible to the API, in the caller's
	// namespace only.
	lg, err := s.DescribeLogGroups(rctx, &logsapi.DescribeLogGroupsRequest{})
	if err != nil || len(lg.LogGroups) != 1 || *lg.LogGroups[0].LogGroupName != group || *lg.LogGroups[0].LogGroupClass != "STANDARD" {
		t.Errorf("groups = %+v, %v", lg, err)
	}
	if lg, _ := s.DescribeLogGroups(reqCtx("123456789012", "us-east-1"), &logsapi.DescribeLogGroupsRequest{}); len(lg.LogGroups) != 0 {
		t.Errorf("groups in another region: %+v", lg.LogGroups)
	}
	ls, err := s.DescribeLogStreams(rctx, &logsapi.DescribeLogStreamsRequest{LogGroupName: &group})
	if err != nil || len(ls.LogStreams) != 1 || *ls.LogStreams[0].FirstEventTimestamp != now.UnixMilli() || *ls.LogStreams[0].LastEventTimestamp != now.UnixMilli()+2 {
		t.Errorf("streams = %+v, %v", ls, err)
	}

	// A stream deleted behind the cache's back is created again.
	if err := s.DeleteLogStream(rctx, &logsapi.DeleteLogStreamRequest{LogGroupName: &group, LogStreamName: &stream}); err != nil {
		t.Fatal(err)
	}
	s.streams.put(streamKey{"123456789012", "eu-west-1", group, stream}, streamIDs{group: 1, stream: 2})
	if err := s.Append(ctx, "123456789012", "eu-west-1", group, stream, []Event{{Time: now, Message: "again"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.messages(t, rctx, group, stream); len(got) != 1 || got[0] != "again" {
		t.Errorf("after deleting the stream: %q", got)
	}
	// So is a deleted group.
	if err := s.DeleteLogGroup(rctx, &logsapi.DeleteLogGroupRequest{LogGroupName: &group}); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, "123456789012", "eu-west-1", group, stream, []Event{{Time: now, Message: "once more"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.messages(t, rctx, group, stream); len(got) != 1 || got[0] != "once more" {
		t.Errorf("after deleting the group: %q", got)
	}

	for _, tc := range []struct{ group, stream string }{{"bad group", "s"}, {"", "s"}, {"g", "a:b"}, {"g", ""}} {
		if err := s.Append(ctx, "123456789012", "eu-west-1", tc.group, tc.stream, []Event{{Time: now, Message: "x"}}); err == nil {
			t.Errorf("Append to %q/%q: no error", tc.group, tc.stream)
		}
	}
}

// TestAppendConcurrent: many callers append to one new stream at once;
// the group and stream are created once and every event is kept.
func TestAppendConcurrent(t *testing.T) {
	s, clk := newService(t)
	const workers, calls = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				ev := []Event{{Time: clk.Now(), Message: fmt.Sprintf("w%d-%d", w, i)}}
				if err := s.Append(context.Background(), "000000000000", "us-east-1", "/aws/lambda/busy", "s", ev); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_groups"); n != 1 {
		t.Errorf("%d groups", n)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_streams"); n != 1 {
		t.Errorf("%d streams", n)
	}
	if got := s.messages(t, reqCtx("000000000000", "us-east-1"), "/aws/lambda/busy", "s"); len(got) != workers*calls {
		t.Errorf("%d events, want %d", len(got), workers*calls)
	}
	if n := countRows(t, s, "SELECT COUNT(DISTINCT seq) FROM logs_events"); n != workers*calls {
		t.Errorf("%d distinct sequence numbers, want %d", n, workers*calls)
	}
}

// TestSweepRetentionBoundary runs the sweeper synchronously: events
// strictly older than the retention period go, the rest stay.
func TestSweepRetentionBoundary(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	rctx := reqCtx("000000000000", "us-east-1")
	now := clk.Now()
	day := 24 * time.Hour
	if err := s.Append(ctx, "000000000000", "us-east-1", "g", "s", []Event{
		{Time: now.Add(-day - time.Millisecond), Message: "expired"},
		{Time: now.Add(-day), Message: "boundary"},
		{Time: now, Message: "fresh"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.messages(t, rctx, "g", "s"); len(got) != 3 {
		t.Fatalf("without retention: %q", got)
	}
	if err := s.setRetention(ctx, groupRef{"000000000000", "us-east-1", "g"}, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.messages(t, rctx, "g", "s"); len(got) != 2 || got[0] != "boundary" {
		t.Errorf("after the sweep: %q", got)
	}
	out, err := s.DescribeLogGroups(rctx, &logsapi.DescribeLogGroupsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.LogGroups[0].StoredBytes; got != int64(len("boundary")+len("fresh")) {
		t.Errorf("storedBytes = %d", got)
	}
}

// TestSweepDeleted: the events of deleted groups and streams are deleted
// in chunks, then their tombstones.
func TestSweepDeleted(t *testing.T) {
	s, clk := newService(t)
	ctx := context.Background()
	rctx := reqCtx("000000000000", "us-east-1")
	var evs []Event
	for i := range 2*sweepChunk + 10 {
		evs = append(evs, Event{Time: clk.Now(), Message: fmt.Sprint(i)})
	}
	for _, gs := range [][2]string{{"g1", "a"}, {"g1", "b"}, {"g2", "a"}} {
		if err := s.Append(ctx, "000000000000", "us-east-1", gs[0], gs[1], evs); err != nil {
			t.Fatal(err)
		}
	}
	// Stop the background sweeper: this test sweeps by itself.
	s.Close()
	if err := s.DeleteLogGroup(rctx, &logsapi.DeleteLogGroupRequest{LogGroupName: ptr("g1")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLogStream(rctx, &logsapi.DeleteLogStreamRequest{LogGroupName: ptr("g2"), LogStreamName: ptr("a")}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_deleted"); n != 2 {
		t.Errorf("%d tombstones", n)
	}
	if err := s.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_events"); n != 0 {
		t.Errorf("%d events left", n)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM logs_deleted"); n != 0 {
		t.Errorf("%d tombstones left", n)
	}
}

// TestUnsupportedOperations: every operation of the model is implemented
// or answers UnknownOperationException naming it.
func TestUnsupportedOperations(t *testing.T) {
	s, _ := newService(t)
	implemented := map[string]bool{}
	for _, op := range []string{"CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "CreateLogStream", "DeleteLogStream",
		"DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "PutRetentionPolicy", "DeleteRetentionPolicy",
		"TagResource", "UntagResource", "ListTagsForResource", "TagLogGroup", "UntagLogGroup", "ListTagsLogGroup"} {
		implemented[op] = true
	}
	n := 0
	for name, op := range logsapi.Service.Operations {
		if implemented[name] {
			continue
		}
		n++
		_, err := logsapi.Dispatch(reqCtx("000000000000", "us-east-1"), s, name, op.NewInput())
		ae, ok := err.(*awserr.Error)
		if !ok || ae.Code != "UnknownOperationException" || ae.Message != "The operation "+name+" is not supported by hako yet." || ae.Status != 400 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n+len(implemented) != len(logsapi.Service.Operations) || n == 0 {
		t.Errorf("%d unsupported + %d implemented != %d operations", n, len(implemented), len(logsapi.Service.Operations))
	}
}

func TestValidationMessages(t *testing.T) {
	for _, tc := range []struct {
		vs   []model.Violation
		want string
	}{
		{[]model.Violation{{Path: "logGroupName", Member: "logGroupName", Kind: "required"}},
			"1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{[]model.Violation{{Path: "logGroupNamePrefix", Member: "logGroupNamePrefix", Kind: "length", Detail: "1..512", Value: ""}, {Path: "limit", Member: "limit", Kind: "range", Detail: "1..50", Value: "0"}},
			"2 validation errors detected: Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{[]model.Violation{{Path: "tags", Member: "tags", Kind: "length", Detail: "1..50"}},
			"1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{[]model.Violation{{Path: "startTime", Member: "startTime", Kind: "range", Detail: ">= 0", Value: "-1"}},
			"1 validation error detected: Value '-1' at 'startTime' failed to satisfy constraint: Member must have value greater than or equal to 0"},
	} {
		err := (&Service{}).ValidationError("Op", tc.vs)
		ae, ok := err.(*awserr.Error)
		if !ok || ae.Code != "InvalidParameterException" || ae.Message != tc.want {
			t.Errorf("got %v\nwant %s", err, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	p := pos{ts: 1700000000000, stream: 9223372036854775807, seq: 42}
	dir, q, ok := parseLogToken(logToken('b', p))
	if !ok || dir != 'b' || q != p {
		t.Errorf("round trip = %c %+v %v", dir, q, ok)
	}
	if _, _, ok := parseLogToken("f/" + eventID(p)); !ok {
		t.Error("a token without /s is rejected")
	}
	for _, tok := range []string{"", "f", "f/", "x/" + eventID(p) + "/s", "f/123/s", "f/" + strings.Repeat("9", 56) + "/s", "f/" + strings.Repeat("a", 56)} {
		if _, _, ok := parseLogToken(tok); ok {
			t.Errorf("token %q accepted", tok)
		}
	}
	if q, err := parseFilterToken(filterToken(p)); err != nil || q != p {
		t.Errorf("filter token round trip = %+v %v", q, err)
	}
	if !reflect.DeepEqual(sequenceToken(7), strings.Repeat("0", 55)+"7") {
		t.Errorf("sequenceToken = %s", sequenceToken(7))
	}
}

// TestPostgresInternal runs the store-heavy internal tests on PostgreSQL.
func TestPostgresInternal(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_LOGS_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	storetest.PostgresURL(t) // skips when PostgreSQL is unreachable
	t.Setenv("HAKO_TEST_LOGS_STORE", "postgres")
	t.Run("Append", TestAppend)
	t.Run("AppendConcurrent", TestAppendConcurrent)
	t.Run("SweepRetentionBoundary", TestSweepRetentionBoundary)
	t.Run("SweepDeleted", TestSweepDeleted)
}

// BenchmarkAppend measures the warm path Lambda takes after every
// invocation: a few lines to an existing stream.
func BenchmarkAppend(b *testing.B) {
	s, clk := newService(b)
	ctx := context.Background()
	evs := []Event{{Time: clk.Now(), Message: "START RequestId: 1"}, {Time: clk.Now(), Message: "hello"}, {Time: clk.Now(), Message: "END RequestId: 1"}}
	for b.Loop() {
		if err := s.Append(ctx, "000000000000", "us-east-1", "/aws/lambda/fn", "s", evs); err != nil {
			b.Fatal(err)
		}
	}
}
