package apigateway_test

import (
	"os"
	"testing"
)

// TestPostgres runs a core subset against PostgreSQL (the whole suite
// runs there with HAKO_TEST_APIGW_STORE=postgres). Skipped when PostgreSQL
// is not reachable, except in CI (see storetest.PostgresURL).
func TestPostgres(t *testing.T) {
	if testing.Short() || os.Getenv("HAKO_TEST_APIGW_STORE") == "postgres" {
		t.Skip("short mode, or the whole suite already runs on PostgreSQL")
	}
	t.Setenv("HAKO_TEST_APIGW_STORE", "postgres")
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"ControlPlane", TestControlPlaneEndToEnd},
		{"QuickCreate", TestQuickCreate},
		{"AutoDeploy", TestAutoDeployFollowsChanges},
		{"Errors", TestControlPlaneErrors},
		{"PaginationTagsRestart", TestPaginationTagsAndRestart},
		{"HTTPProxy", TestHTTPProxyIntegration},
		{"Reimport", TestReimportApi},
		{"ApiMappings", TestApiMappingsRouting},
		{"SQS", TestSeedFlowPostToSQS},
		{"WebSocket", TestWebSocketLambdaAndConnections},
	} {
		t.Run(tc.name, tc.f)
	}
}
