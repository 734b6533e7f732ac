package scheduler_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/store/storetest"
)

// TestTwoNodesFireEachTimeOnce runs two hako nodes on one PostgreSQL
// schema and one clock: both firing loops race for the same due
// schedules, and each scheduled time is delivered exactly once. Runs only
// on PostgreSQL (HAKO_TEST_SCHEDULER_STORE=postgres, as TestPostgres sets).
func TestTwoNodesFireEachTimeOnce(t *testing.T) {
	if os.Getenv("HAKO_TEST_SCHEDULER_STORE") != "postgres" {
		t.Skip("PostgreSQL only: SQLite stores have one node")
	}
	url := storetest.PostgresURL(t)
	clk := clock.NewFake(t0)
	a := startEnv(t, clk, hakotest.WithStore(url))
	b := startEnv(t, clk, hakotest.WithStore(url))
	qurl, qarn := a.queue("shared")
	const schedules = 8
	for i := range schedules {
		// Half created on each node.
		e := a
		if i%2 == 1 {
			e = b
		}
		e.create(fmt.Sprintf("s%d", i), "rate(1 minute)", qarn, withInput(ctxInput))
	}
	for range 3 {
		a.advance(time.Minute)
	}
	got := bodies(a.waitN(qurl, schedules*4))
	seen := map[string]bool{}
	for _, body := range got {
		if seen[body] {
			t.Errorf("delivered twice: %s", body)
		}
		seen[body] = true
	}
}
