package logs_test

import (
	"os"
	"testing"

	"github.com/hako-dev/hako/internal/store/storetest"
)

// TestPostgres runs the storage-heavy SDK tests against PostgreSQL (row
// values, RETURNING, upserts, BYTEA messages, aggregates). The whole suite
// runs there with HAKO_TEST_LOGS_STORE=postgres. Skipped when PostgreSQL
// is not reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_LOGS_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	storetest.PostgresURL(t) // skips when PostgreSQL is unreachable
	t.Setenv("HAKO_TEST_LOGS_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"LogGroupLifecycle", TestLogGroupLifecycle},
		{"DescribeLogGroups", TestDescribeLogGroups},
		{"Tags", TestTags},
		{"LogStreamLifecycle", TestLogStreamLifecycle},
		{"DescribeLogStreams", TestDescribeLogStreams},
		{"PutLogEventsLimits", TestPutLogEventsLimits},
		{"PutLogEventsRejected", TestPutLogEventsRejected},
		{"GetLogEventsTokens", TestGetLogEventsTokens},
		{"GetLogEventsOneMegabyte", TestGetLogEventsOneMegabyte},
		{"FilterLogEvents", TestFilterLogEvents},
		{"FilterLogEventsLargeGroup", TestFilterLogEventsLargeGroup},
		{"RetentionSweeper", TestRetentionSweeper},
		{"StateSurvivesRestart", TestStateSurvivesRestart},
	} {
		t.Run(tc.name, tc.f)
	}
}
