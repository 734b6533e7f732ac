package logs_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// TestRetentionSweeper moves the clock past a group's retention period
// and waits for the background sweeper to delete the expired events.
func TestRetentionSweeper(t *testing.T) {
	e := newEnv(t)
	for _, g := range []string{"short", "forever"} {
		e.createGroup(g)
		e.createStream(g, "s")
	}
	now := e.now()
	e.put("short", "s", ev(now-hourMs, "old"), ev(now, "new"))
	e.put("forever", "s", ev(now-hourMs, "old"), ev(now, "new"))
	if _, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("short"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	stored := func(g string) []string {
		return outMsgs(e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)}).Events)
	}
	if got := stored("short"); !equal(got, []string{"old", "new"}) {
		t.Fatalf("before expiry: %v", got)
	}

	// One day later "old" is past the retention period; the sweeper runs
	// every minute of clock time.
	e.clk.Advance(24*time.Hour - time.Hour + time.Minute)
	eventually(t, "old to expire", func() bool { return equal(stored("short"), []string{"new"}) })
	if got := aws.ToInt64(e.describeGroup("short").StoredBytes); got != 3 {
		t.Errorf("storedBytes after the sweep = %d, want 3", got)
	}
	e.clk.Advance(time.Hour)
	eventually(t, "new to expire", func() bool { return len(stored("short")) == 0 })
	if got := aws.ToInt64(e.describeGroup("short").StoredBytes); got != 0 {
		t.Errorf("storedBytes after the sweep = %d, want 0", got)
	}
	if got := stored("forever"); !equal(got, []string{"old", "new"}) {
		t.Errorf("group without retention: %v", got)
	}
}

// TestStateSurvivesRestart: groups, streams, events, retention and tags
// are in the store.
func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	if _, err := e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g"), Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	e.createStream("g", "s")
	if _, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	e.put("g", "s", ev(e.now(), "one"), ev(e.now(), "two"))
	e.srv.Restart(t)
	e.c = e.srv.Logs()
	if got := outMsgs(e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}).Events); !equal(got, []string{"one", "two"}) {
		t.Errorf("events after restart = %v", got)
	}
	// Sequence numbers continue after a restart.
	e.put("g", "s", ev(e.now(), "three"))
	if got := outMsgs(e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}).Events); !equal(got, []string{"one", "two", "three"}) {
		t.Errorf("events after restart = %v", got)
	}
	g := e.describeGroup("g")
	if aws.ToInt32(g.RetentionInDays) != 30 {
		t.Errorf("retention after restart = %d", aws.ToInt32(g.RetentionInDays))
	}
	tags, err := e.c.ListTagsLogGroup(e.ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("g")})
	if err != nil || tags.Tags["k"] != "v" {
		t.Errorf("tags after restart = %v %v", tags, err)
	}
}
