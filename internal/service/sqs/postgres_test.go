package sqs_test

import (
	"os"
	"testing"
)

// TestPostgres runs the core SDK tests against PostgreSQL (the dialect
// differences are in receives, upserts and locking). The whole suite runs
// there with HAKO_TEST_SQS_STORE=postgres. Skipped when PostgreSQL is not
// reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_SQS_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_SQS_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"SendReceiveDelete", TestSendReceiveDelete},
		{"ReceiveMaxAndOrder", TestReceiveMaxAndOrder},
		{"MessageCounts", TestMessageCounts},
		{"FIFOOrderAndLocking", TestFIFOOrderAndGroupLocking},
		{"FIFODeduplication", TestFIFODeduplication},
		{"FIFODedupScope", TestFIFOContentBasedDeduplicationAndScope},
		{"FIFOAttemptID", TestFIFOReceiveRequestAttemptID},
		{"DeadLetterQueue", TestDeadLetterQueue},
		{"MoveTask", TestMessageMoveTaskToSource},
		{"ChangeVisibility", TestChangeMessageVisibility},
		{"Purge", TestPurgeQueue},
		{"LongPollWakesOnSend", TestLongPollWakesOnSend},
		{"ConcurrentConsumers", TestConcurrentConsumersReceiveEachMessageOnce},
		{"StateSurvivesRestart", TestStateSurvivesRestart},
		{"CreateQueueIdempotence", TestCreateQueueIdempotentAndConflicting},
	} {
		t.Run(tc.name, tc.f)
	}
}
