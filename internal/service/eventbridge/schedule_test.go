package eventbridge_test

import (
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// scheduled puts a scheduled rule on the default bus with an SQS target.
func (e *env) scheduled(name, expr string) (url string) {
	e.t.Helper()
	url, arn := e.queue(name+"-q", nil)
	if _, err := e.eb.PutRule(e.ctx, &eventbridge.PutRuleInput{Name: aws.String(name), ScheduleExpression: aws.String(expr)}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.eb.PutTargets(e.ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(arn)}}}); err != nil {
		e.t.Fatal(err)
	}
	return url
}

// times returns the "time" of scheduled events, sorted.
func times(t *testing.T, msgs []sqstypes.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, decode(t, aws.ToString(m.Body))["time"].(string))
	}
	sort.Strings(out)
	return out
}

func TestRateRuleFiresScheduledEvents(t *testing.T) {
	e := newEnv(t)
	url := e.scheduled("every5", "rate(5 minutes)")
	e.clk.Advance(4 * time.Minute)
	e.quiet(url)
	e.clk.Advance(time.Minute)
	m := decode(t, aws.ToString(e.receive(url, 1)[0].Body))
	if m["detail-type"] != "Scheduled Event" || m["source"] != "aws.events" || m["time"] != "2025-03-01T12:05:00Z" ||
		m["resources"].([]any)[0] != "arn:aws:events:us-east-1:000000000000:rule/every5" || len(m["detail"].(map[string]any)) != 0 {
		t.Fatalf("scheduled event %v", m)
	}
	e.clk.Advance(5 * time.Minute)
	if got := times(t, e.receive(url, 1)); got[0] != "2025-03-01T12:10:00Z" {
		t.Fatalf("second firing %v", got)
	}
}

func TestCronRuleAndDisabledRuleDoesNotFire(t *testing.T) {
	e := newEnv(t)
	url := e.scheduled("cron", "cron(0/15 * * * ? *)")
	if _, err := e.eb.DisableRule(e.ctx, &eventbridge.DisableRuleInput{Name: aws.String("cron")}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(20 * time.Minute) // 12:20; 12:15 passes while disabled
	e.quiet(url)
	if _, err := e.eb.EnableRule(e.ctx, &eventbridge.EnableRuleInput{Name: aws.String("cron")}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(10 * time.Minute) // 12:30
	if got := times(t, e.receive(url, 1)); got[0] != "2025-03-01T12:30:00Z" {
		t.Fatalf("firings %v", got)
	}
}

// A restart across due firings delivers each scheduled time exactly once:
// the one fired before the restart is not repeated, the ones that fell due
// while hako was down are delivered, dated at their scheduled times.
func TestScheduledFiringsAcrossRestartExactlyOnce(t *testing.T) {
	e := newEnv(t)
	url := e.scheduled("minutely", "rate(1 minute)")
	e.clk.Advance(time.Minute)
	if got := times(t, e.receive(url, 1)); got[0] != "2025-03-01T12:01:00Z" {
		t.Fatalf("first firing %v", got)
	}
	e.h.Restart(t)
	e.h.Restart(t) // twice: a restart with nothing due repeats nothing
	e.clk.Advance(3 * time.Minute)
	e.h.Restart(t)
	got := times(t, e.receive(url, 3))
	if !slices.Equal(got, []string{"2025-03-01T12:02:00Z", "2025-03-01T12:03:00Z", "2025-03-01T12:04:00Z"}) {
		t.Fatalf("firings after restart %v", got)
	}
	e.quiet(url)
}

// Assumption (documented): firings missed for more than 24 hours are
// skipped; those of the last 24 hours are delivered late.
func TestMissedFiringsOlderThan24HoursAreSkipped(t *testing.T) {
	e := newEnv(t)
	url := e.scheduled("hourly", "rate(1 hour)")
	e.clk.Advance(30 * time.Hour) // 18:00 the next day
	got := times(t, e.receive(url, 25))
	if got[0] != "2025-03-01T18:00:00Z" || got[24] != "2025-03-02T18:00:00Z" {
		t.Fatalf("firings %v", got)
	}
	e.quiet(url)
}
