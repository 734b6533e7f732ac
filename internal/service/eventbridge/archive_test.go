package eventbridge_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

const defaultBusARN = "arn:aws:events:us-east-1:000000000000:event-bus/default"

// waitReplay polls (in real time) until the replay reaches state.
func (e *env) waitReplay(name string, state ebtypes.ReplayState) *eventbridge.DescribeReplayOutput {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := e.eb.DescribeReplay(e.ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String(name)})
		if err != nil {
			e.t.Fatal(err)
		}
		if d.State == state {
			return d
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("replay %s: state %s, want %s", name, d.State, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) archiveCount(name string) int64 {
	e.t.Helper()
	d, err := e.eb.DescribeArchive(e.ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.EventCount
}

func TestArchiveAndReplayToFilteredRules(t *testing.T) {
	e := newEnv(t)
	out, err := e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("shop"), EventSourceArn: aws.String(defaultBusARN),
		EventPattern: aws.String(`{"source":["shop"]}`), RetentionDays: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != ebtypes.ArchiveStateEnabled || aws.ToString(out.ArchiveArn) != "arn:aws:events:us-east-1:000000000000:archive/shop" {
		t.Fatalf("create %+v", out)
	}
	r, err := e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("Events-Archive-shop")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(r.ManagedBy) != "prod.vhs.events.aws.internal" || aws.ToString(r.EventPattern) != `{"source":["shop"],"replay-name":[{"exists":false}]}` {
		t.Fatalf("managed rule %+v", r)
	}
	_, err = e.eb.DeleteRule(e.ctx, &eventbridge.DeleteRuleInput{Name: aws.String("Events-Archive-shop")})
	apiErr(t, err, "ManagedRuleException", "")

	url, qarn := e.queue("q", nil)
	otherURL, otherArn := e.queue("other", nil)
	e.rule("", "orders", `{"source":["shop"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(qarn)})
	e.rule("", "audit", `{"source":["shop"]}`, ebtypes.Target{Id: aws.String("q"), Arn: aws.String(otherArn)})
	e.put(entry("shop", "A", `{"n":1}`), entry("shop", "B", `{"n":2}`), entry("other", "C", `{}`))
	e.receive(url, 2)
	e.receive(otherURL, 2)
	d, _ := e.eb.DescribeArchive(e.ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("shop")})
	if d.EventCount != 2 || d.SizeBytes == 0 || aws.ToInt32(d.RetentionDays) != 7 {
		t.Fatalf("archive %+v", d)
	}

	now := e.clk.Now()
	st, err := e.eb.StartReplay(e.ctx, &eventbridge.StartReplayInput{ReplayName: aws.String("again"), EventSourceArn: out.ArchiveArn,
		EventStartTime: aws.Time(now.Add(-time.Hour)), EventEndTime: aws.Time(now.Add(time.Hour)),
		Destination: &ebtypes.ReplayDestination{Arn: aws.String(defaultBusARN), FilterArns: []string{"arn:aws:events:us-east-1:000000000000:rule/orders"}}})
	if err != nil {
		t.Fatal(err)
	}
	if st.State != ebtypes.ReplayStateStarting {
		t.Fatalf("start %+v", st)
	}
	rd := e.waitReplay("again", ebtypes.ReplayStateCompleted)
	if rd.EventLastReplayedTime == nil || rd.ReplayEndTime == nil {
		t.Fatalf("replay %+v", rd)
	}
	for _, m := range e.receive(url, 2) {
		if decode(t, aws.ToString(m.Body))["replay-name"] != "again" {
			t.Fatalf("replayed event %s", aws.ToString(m.Body))
		}
	}
	e.quiet(otherURL) // not in FilterArns
	if n := e.archiveCount("shop"); n != 2 {
		t.Fatalf("replayed events were archived again: %d", n)
	}
	_, err = e.eb.CancelReplay(e.ctx, &eventbridge.CancelReplayInput{ReplayName: aws.String("again")})
	apiErr(t, err, "IllegalStatusException", "Replay again is not in a valid state for this operation.")
	l, err := e.eb.ListReplays(e.ctx, &eventbridge.ListReplaysInput{State: ebtypes.ReplayStateCompleted})
	if err != nil || len(l.Replays) != 1 {
		t.Fatalf("replays %+v %v", l, err)
	}
	_, err = e.eb.StartReplay(e.ctx, &eventbridge.StartReplayInput{ReplayName: aws.String("again"), EventSourceArn: out.ArchiveArn,
		EventStartTime: aws.Time(now.Add(-time.Hour)), EventEndTime: aws.Time(now), Destination: &ebtypes.ReplayDestination{Arn: aws.String(defaultBusARN)}})
	apiErr(t, err, "ResourceAlreadyExistsException", "Replay again already exists.")
}

func TestArchiveAndReplayValidation(t *testing.T) {
	e := newEnv(t)
	_, err := e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("a"),
		EventSourceArn: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/nope")})
	apiErr(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")
	if _, err := e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("a"), EventSourceArn: aws.String(defaultBusARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("a"), EventSourceArn: aws.String(defaultBusARN)})
	apiErr(t, err, "ResourceAlreadyExistsException", "Archive a already exists.")
	_, err = e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("b"), EventSourceArn: aws.String(defaultBusARN), EventPattern: aws.String(`{"x":1}`)})
	apiErr(t, err, "InvalidEventPatternException", "")
	if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	now := e.clk.Now()
	arn := aws.String("arn:aws:events:us-east-1:000000000000:archive/a")
	for _, tc := range []struct {
		in        *eventbridge.StartReplayInput
		code, msg string
	}{
		{&eventbridge.StartReplayInput{EventSourceArn: arn, EventStartTime: aws.Time(now), EventEndTime: aws.Time(now),
			Destination: &ebtypes.ReplayDestination{Arn: aws.String(defaultBusARN)}},
			"ValidationException", "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."},
		{&eventbridge.StartReplayInput{EventSourceArn: aws.String("arn:aws:events:us-east-1:000000000000:archive/zz"), EventStartTime: aws.Time(now.Add(-time.Hour)),
			EventEndTime: aws.Time(now), Destination: &ebtypes.ReplayDestination{Arn: aws.String(defaultBusARN)}},
			"ValidationException", "Parameter EventSourceArn is not valid. Reason: Archive zz does not exist."},
		{&eventbridge.StartReplayInput{EventSourceArn: arn, EventStartTime: aws.Time(now.Add(-time.Hour)), EventEndTime: aws.Time(now),
			Destination: &ebtypes.ReplayDestination{Arn: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/other")}},
			"ValidationException", "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."},
	} {
		tc.in.ReplayName = aws.String("r")
		_, err := e.eb.StartReplay(e.ctx, tc.in)
		apiErr(t, err, tc.code, tc.msg)
	}
	if _, err := e.eb.UpdateArchive(e.ctx, &eventbridge.UpdateArchiveInput{ArchiveName: aws.String("a"), EventPattern: aws.String(`{"source":["x"]}`)}); err != nil {
		t.Fatal(err)
	}
	r, _ := e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("Events-Archive-a")})
	if aws.ToString(r.EventPattern) != `{"source":["x"],"replay-name":[{"exists":false}]}` {
		t.Fatalf("managed rule after update: %s", aws.ToString(r.EventPattern))
	}
	if _, err := e.eb.DeleteArchive(e.ctx, &eventbridge.DeleteArchiveInput{ArchiveName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.eb.DescribeRule(e.ctx, &eventbridge.DescribeRuleInput{Name: aws.String("Events-Archive-a")})
	apiErr(t, err, "ResourceNotFoundException", "")
	_, err = e.eb.DescribeArchive(e.ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("a")})
	apiErr(t, err, "ResourceNotFoundException", "Archive a does not exist.")
}

func TestArchiveRetentionSweepsOldEvents(t *testing.T) {
	e := newEnv(t)
	if _, err := e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("a"), EventSourceArn: aws.String(defaultBusARN),
		RetentionDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	e.put(entry("s", "t", `{}`))
	if n := e.archiveCount("a"); n != 1 {
		t.Fatalf("archived %d", n)
	}
	e.clk.Advance(25 * time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for e.archiveCount("a") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("archived event not swept after its retention")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
