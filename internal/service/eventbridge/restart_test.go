package eventbridge_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Buses, rules, targets, policies, tags and archives are in the store: a
// restart keeps them, and events put after it are matched and delivered.
func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	if _, err := e.eb.CreateEventBus(e.ctx, &eventbridge.CreateEventBusInput{Name: aws.String("b"),
		Tags: []ebtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eb.PutPermission(e.ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("b"), Action: aws.String("events:PutEvents"),
		Principal: aws.String("111122223333"), StatementId: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	url, arn := e.queue("q", nil)
	e.rule("b", "r", `{"source":["s"]}`, ebtypes.Target{Id: aws.String("t"), Arn: aws.String(arn), InputPath: aws.String("$.detail")})
	if _, err := e.eb.CreateArchive(e.ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("a"),
		EventSourceArn: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/b")}); err != nil {
		t.Fatal(err)
	}
	en := entry("s", "t", `{"n":1}`)
	en.EventBusName = aws.String("b")
	e.put(en)
	e.receive(url, 1)

	e.h.Restart(t)
	d, err := e.eb.DescribeEventBus(e.ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("b")})
	if err != nil || d.Policy == nil {
		t.Fatalf("bus after restart %+v %v", d, err)
	}
	ts, err := e.eb.ListTargetsByRule(e.ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r"), EventBusName: aws.String("b")})
	if err != nil || len(ts.Targets) != 1 || aws.ToString(ts.Targets[0].InputPath) != "$.detail" {
		t.Fatalf("targets after restart %+v %v", ts, err)
	}
	e.put(en)
	if got := aws.ToString(e.receive(url, 1)[0].Body); got != `{"n":1}` {
		t.Fatalf("delivery after restart %q", got)
	}
	if n := e.archiveCount("a"); n != 2 {
		t.Fatalf("archive after restart: %d events", n)
	}
}

// TestPostgres runs a core subset on PostgreSQL (upserts, conditional
// claims and notifications differ there). Skipped when PostgreSQL is not
// reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_EVENTBRIDGE_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_EVENTBRIDGE_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"Buses", TestCreateDescribeListUpdateDeleteBus},
		{"Permissions", TestPutRemovePermission},
		{"Rules", TestPutDescribeListDeleteRule},
		{"PutEvents", TestPutEventsDeliversEventJSONToSQS},
		{"Transformers", TestTargetInputPathAndTransformers},
		{"DeadLetter", TestUnsupportedTargetGoesToDeadLetterQueue},
		{"BusToBus", TestEventBusTargetForwardsWholeEvent},
		{"Schedule", TestScheduledFiringsAcrossRestartExactlyOnce},
		{"Replay", TestArchiveAndReplayToFilteredRules},
		{"Restart", TestStateSurvivesRestart},
	} {
		t.Run(tc.name, tc.f)
	}
}
