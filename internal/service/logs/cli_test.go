package logs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/hakotest"
)

// TestAWSCLI drives hako with `aws logs ...` (skipped when the aws CLI is
// not installed).
func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := hakotest.Start(t)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append(append([]string{"logs"}, args...), "--endpoint-url", srv.URL, "--output", "json")...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws logs %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var v map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("aws logs %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return v
	}
	run("create-log-group", "--log-group-name", "/cli/app", "--tags", "team=core")
	run("create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "s1")
	now := time.Now().UnixMilli()
	events := fmt.Sprintf(`[{"timestamp":%d,"message":"hello ERROR"},{"timestamp":%d,"message":"{\"level\":\"INFO\",\"latency\":7}"}]`, now, now+1)
	run("put-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "s1", "--log-events", events)

	got := run("get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "s1", "--start-from-head")
	if evs := got["events"].([]any); len(evs) != 2 || evs[0].(map[string]any)["message"] != "hello ERROR" {
		t.Errorf("get-log-events = %v", got)
	}
	got = run("filter-log-events", "--log-group-name", "/cli/app", "--filter-pattern", "{ $.latency < 10 }")
	if evs := got["events"].([]any); len(evs) != 1 || evs[0].(map[string]any)["logStreamName"] != "s1" {
		t.Errorf("filter-log-events = %v", got)
	}
	run("put-retention-policy", "--log-group-name", "/cli/app", "--retention-in-days", "7")
	got = run("describe-log-groups", "--log-group-name-prefix", "/cli")
	if gs := got["logGroups"].([]any); len(gs) != 1 || gs[0].(map[string]any)["retentionInDays"] != float64(7) {
		t.Errorf("describe-log-groups = %v", got)
	}
	got = run("list-tags-log-group", "--log-group-name", "/cli/app")
	if tags := got["tags"].(map[string]any); tags["team"] != "core" {
		t.Errorf("list-tags-log-group = %v", got)
	}
	run("delete-log-group", "--log-group-name", "/cli/app")
	// Empty lists are omitted by the JSON codec (AWS sends "logGroups": []).
	got = run("describe-log-groups")
	if gs, _ := got["logGroups"].([]any); len(gs) != 0 {
		t.Errorf("after delete-log-group: %v", got)
	}
}
