package logs_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// env is one hako under test with a fake clock.
type env struct {
	t   *testing.T
	srv *hakotest.Server
	c   *cloudwatchlogs.Client
	clk *clock.Fake
	ctx context.Context
}

// newEnv starts hako on a fake clock set to the current time (so request
// signatures look fresh). With HAKO_TEST_LOGS_STORE=postgres the store is
// an isolated PostgreSQL schema.
func newEnv(t *testing.T, opts ...hakotest.Option) *env {
	t.Helper()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	opts = append([]hakotest.Option{hakotest.WithClock(clk)}, opts...)
	if os.Getenv("HAKO_TEST_LOGS_STORE") == "postgres" {
		opts = append(opts, hakotest.WithStore(storetest.PostgresURL(t)))
	}
	srv := hakotest.Start(t, opts...)
	return &env{t: t, srv: srv, c: srv.Logs(), clk: clk, ctx: context.Background()}
}

// now is the fake time in milliseconds.
func (e *env) now() int64 { return e.clk.Now().UnixMilli() }

func (e *env) createGroup(name string) {
	e.t.Helper()
	if _, err := e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		e.t.Fatalf("CreateLogGroup %s: %v", name, err)
	}
}

func (e *env) createStream(group, name string) {
	e.t.Helper()
	if _, err := e.c.CreateLogStream(e.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(name)}); err != nil {
		e.t.Fatalf("CreateLogStream %s/%s: %v", group, name, err)
	}
}

// ev is an input event.
func ev(ts int64, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(msg)}
}

func (e *env) put(group, stream string, evs ...types.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	e.t.Helper()
	out, err := e.c.PutLogEvents(e.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs})
	if err != nil {
		e.t.Fatalf("PutLogEvents %s/%s: %v", group, stream, err)
	}
	return out
}

func (e *env) get(in *cloudwatchlogs.GetLogEventsInput) *cloudwatchlogs.GetLogEventsOutput {
	e.t.Helper()
	out, err := e.c.GetLogEvents(e.ctx, in)
	if err != nil {
		e.t.Fatalf("GetLogEvents: %v", err)
	}
	return out
}

func (e *env) filter(in *cloudwatchlogs.FilterLogEventsInput) *cloudwatchlogs.FilterLogEventsOutput {
	e.t.Helper()
	out, err := e.c.FilterLogEvents(e.ctx, in)
	if err != nil {
		e.t.Fatalf("FilterLogEvents: %v", err)
	}
	return out
}

func (e *env) describeGroup(name string) types.LogGroup {
	e.t.Helper()
	out, err := e.c.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		e.t.Fatalf("DescribeLogGroups: %v", err)
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return g
		}
	}
	e.t.Fatalf("log group %s not described", name)
	return types.LogGroup{}
}

// wantErr checks err's code and, if msg is not empty, its message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected %s, got no error", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	if ae.ErrorCode() != code {
		t.Errorf("error code = %q, want %q (message %q)", ae.ErrorCode(), code, ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Errorf("error message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

func messages[T any](evs []T, msg func(T) *string) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, aws.ToString(msg(e)))
	}
	return out
}

func outMsgs(evs []types.OutputLogEvent) []string {
	return messages(evs, func(e types.OutputLogEvent) *string { return e.Message })
}

func filteredMsgs(evs []types.FilteredLogEvent) []string {
	return messages(evs, func(e types.FilteredLogEvent) *string { return e.Message })
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// eventually polls f (real time) until it returns true or 10 s pass.
func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
