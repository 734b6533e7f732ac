package scheduler_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
)

// TestRestartDeliversMissedFiringsOnce stops hako, moves the clock while
// it is down and starts it again on the same data: each scheduled time is
// delivered exactly once, those older than MaximumEventAgeInSeconds go to
// the dead-letter queue instead (assumption: AWS never is down).
func TestRestartDeliversMissedFiringsOnce(t *testing.T) {
	clk := clock.NewFake(t0)
	opts := append(storeOpts(t), hakotest.WithDataDir(t.TempDir()))
	var url, dlqURL string
	t.Run("before", func(t *testing.T) {
		e := startEnv(t, clk, opts...)
		var qarn, dlqARN string
		url, qarn = e.queue("out")
		dlqURL, dlqARN = e.queue("dlq")
		e.create("tick", "rate(10 minutes)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
			in.Target.RetryPolicy = &types.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(900)}
			in.Target.DeadLetterConfig = &types.DeadLetterConfig{Arn: aws.String(dlqARN)}
		})
		if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(t0) {
			t.Errorf("first firing %v", got)
		}
		e.advance(time.Minute)
	}) // hako stops here
	clk.Advance(34 * time.Minute) // down from t0+1m to t0+35m: firings at +10, +20, +30 missed

	e := startEnv(t, clk, opts...)
	// +20 and +30 are at most 15 minutes old: delivered, dated their time.
	if got, want := fmtList(firedAt(t, e.waitN(url, 2))), fmtList([]string{stamp(t0.Add(20 * time.Minute)), stamp(t0.Add(30 * time.Minute))}); got != want {
		t.Errorf("after the restart: %s, want %s", got, want)
	}
	// +10 is 25 minutes old: dead-lettered.
	dl := e.waitN(dlqURL, 1)[0]
	var b ctxBody
	json.Unmarshal([]byte(aws.ToString(dl.Body)), &b)
	if b.At != stamp(t0.Add(10*time.Minute)) || aws.ToString(dl.MessageAttributes["X-Amz-Scheduler-Attempt"].StringValue) != "0" ||
		aws.ToString(dl.MessageAttributes["ERROR_MESSAGE"].StringValue) == "" {
		t.Errorf("dead letter %s %v", aws.ToString(dl.Body), dl.MessageAttributes)
	}
	// The schedule itself survived, and goes on.
	g, err := e.sch.GetSchedule(e.ctx, &scheduler.GetScheduleInput{Name: aws.String("tick")})
	if err != nil || aws.ToString(g.ScheduleExpression) != "rate(10 minutes)" || !g.CreationDate.Equal(t0) {
		t.Fatalf("after the restart: %+v %v", g, err)
	}
	e.advance(5 * time.Minute)
	if got := firedAt(t, e.waitN(url, 1)); got[0] != stamp(t0.Add(40*time.Minute)) {
		t.Errorf("next firing %v", got)
	}

	// A restart with nothing due repeats nothing.
	e.h.Restart(t)
	e.sch, e.sqs = e.h.Scheduler(), e.h.SQS()
	e.advance(time.Minute)
	e.waitN(url, 0)
	e.waitN(dlqURL, 0)
}

// TestRestartWithoutDeadLetterQueueDropsOldFirings: without a dead-letter
// queue the firings too old to deliver are dropped (and logged).
func TestRestartWithoutDeadLetterQueueDropsOldFirings(t *testing.T) {
	clk := clock.NewFake(t0)
	opts := append(storeOpts(t), hakotest.WithDataDir(t.TempDir()))
	var url string
	t.Run("before", func(t *testing.T) {
		e := startEnv(t, clk, opts...)
		var qarn string
		url, qarn = e.queue("out")
		e.create("minutely", "rate(1 minute)", qarn, withInput(ctxInput), func(in *scheduler.CreateScheduleInput) {
			in.Target.RetryPolicy = &types.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(120)}
		})
		e.waitN(url, 1)
	})
	clk.Advance(3 * time.Hour) // 180 firings missed
	e := startEnv(t, clk, opts...)
	// Only those at most 2 minutes old: now-2m, now-1m and now.
	now := t0.Add(3 * time.Hour)
	if got, want := fmtList(firedAt(t, e.waitN(url, 3))), fmtList([]string{stamp(now.Add(-2 * time.Minute)), stamp(now.Add(-time.Minute)), stamp(now)}); got != want {
		t.Errorf("after the restart: %s, want %s", got, want)
	}
}
