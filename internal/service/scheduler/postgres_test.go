package scheduler_test

import (
	"os"
	"testing"
)

// TestPostgres runs the core of the suite on PostgreSQL: the control plane,
// firing (the conditional claim, the outbox in the same transaction) and
// restarts. The whole suite runs there with
// HAKO_TEST_SCHEDULER_STORE=postgres. Skipped when PostgreSQL is not
// reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_SCHEDULER_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_SCHEDULER_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"Groups", TestScheduleGroups},
		{"Schedules", TestScheduleCreateGetUpdateDelete},
		{"List", TestListSchedules},
		{"Rate", TestRateScheduleFiresEveryIntervalExactlyOnce},
		{"Dates", TestStartAndEndDates},
		{"DeadLetters", TestPermanentFailuresGoToDeadLetterQueue},
		{"Restart", TestRestartDeliversMissedFiringsOnce},
		{"TwoNodes", TestTwoNodesFireEachTimeOnce},
	} {
		t.Run(tc.name, tc.f)
	}
}
