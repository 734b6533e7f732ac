package dynamodb_test

import (
	"os"
	"testing"
)

// TestPostgres runs the SDK tests against PostgreSQL (upserts, row-value
// comparisons, advisory locks and the stream counter differ there). The
// whole suite runs there with HAKO_TEST_DYNAMODB_STORE=postgres. Skipped
// when PostgreSQL is not reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_DYNAMODB_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_DYNAMODB_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"Tables", TestCreateDescribeListDeleteTable},
		{"UpdateTable", TestUpdateTableAddsBackfilledIndexAndStream},
		{"TimeToLive", TestTimeToLiveSweeperDeletesExpiredItems},
		{"Items", TestPutGetDeleteItem},
		{"ConditionalWrites", TestConditionalWrites},
		{"UpdateItem", TestUpdateItemReturnValues},
		{"Query", TestQueryOrderRangesAndPaging},
		{"Indexes", TestQueryBeginsWithAndIndexes},
		{"Scan", TestScanSegmentsCoverTableOnce},
		{"Streams", TestStreamRecordsInOrderWithImages},
		{"Batches", TestBatchWriteAndGet},
		{"Transactions", TestTransactWriteItems},
		{"PartiQLWrites", TestPartiQLWrites},
		{"PartiQLSelect", TestPartiQLSelect},
		{"PartiQLBatch", TestPartiQLBatch},
		{"PartiQLTransaction", TestPartiQLTransaction},
	} {
		t.Run(tc.name, tc.f)
	}
}
