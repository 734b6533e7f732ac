package apigateway_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// TestAccessLogsToCloudWatchLogs sets a stage's AccessLogSettings: each
// request's formatted line reaches the log group of DestinationArn.
func TestAccessLogsToCloudWatchLogs(t *testing.T) {
	h := start(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }))
	defer backend.Close()
	id := quickAPI(t, h, backend.URL)
	lc := h.Logs()
	if _, err := lc.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("apigw-access")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.APIGateway().UpdateStage(bg, &apigatewayv2.UpdateStageInput{ApiId: &id, StageName: aws.String("$default"),
		AccessLogSettings: &types.AccessLogSettings{DestinationArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:apigw-access"),
			Format: aws.String(`$context.httpMethod $context.path $context.status`)}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/a", "/b", "/c"} {
		if resp, _ := do(t, "GET", invokeURL(h, id)+p, "", nil); resp.StatusCode != 201 {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
	}
	var got []string
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < 3 && time.Now().Before(deadline) {
		out, err := lc.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("apigw-access")})
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Join(got, "|") != "GET /a 201|GET /b 201|GET /c 201" {
		t.Fatalf("access log lines %q", got)
	}
}
