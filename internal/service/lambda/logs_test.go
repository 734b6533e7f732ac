package lambda_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/hako-dev/hako/internal/hakotest"
)

// TestFunctionLogsInCloudWatch: a function's output, framed by Lambda's
// START/END/REPORT lines, is readable through the CloudWatch Logs API in
// /aws/lambda/NAME, one stream per sandbox.
func TestFunctionLogsInCloudWatch(t *testing.T) {
	h := hakotest.Start(t)
	c, lg := h.Lambda(), h.Logs()
	ctx := context.Background()
	createGo(t, c, "logger")
	for _, msg := range []string{"first line", "second line"} {
		if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("logger"), Payload: []byte(`{"print":"` + msg + `"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	var text string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := lg.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/logger")})
		if err == nil {
			var b strings.Builder
			for _, e := range out.Events {
				b.WriteString(aws.ToString(e.Message) + "\n")
			}
			text = b.String()
			if strings.Count(text, "REPORT RequestId:") == 2 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{"START RequestId: ", "first line", "second line", "END RequestId: ", "Init Duration: "} {
		if !strings.Contains(text, want) {
			t.Errorf("logs lack %q:\n%s", want, text)
		}
	}
	streams, err := lg.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/logger")})
	if err != nil || len(streams.LogStreams) != 1 || !strings.Contains(aws.ToString(streams.LogStreams[0].LogStreamName), "/[$LATEST]") {
		t.Errorf("streams %+v %v", streams, err)
	}
}
