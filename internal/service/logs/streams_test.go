package logs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestLogStreamLifecycle(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	e.createStream("g", "2024/01/01/[$LATEST]abc")
	_, err := e.c.CreateLogStream(e.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("2024/01/01/[$LATEST]abc")})
	wantErr(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
	_, err = e.c.CreateLogStream(e.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.CreateLogStream(e.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*")

	out, err := e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogStreams) != 1 {
		t.Fatalf("streams = %d", len(out.LogStreams))
	}
	s := out.LogStreams[0]
	if got, want := aws.ToString(s.Arn), "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:2024/01/01/[$LATEST]abc"; got != want {
		t.Errorf("arn = %s, want %s", got, want)
	}
	if aws.ToInt64(s.CreationTime) != e.now() || s.FirstEventTimestamp != nil || s.LastEventTimestamp != nil || s.LastIngestionTime != nil || s.UploadSequenceToken != nil {
		t.Errorf("fresh stream = %+v", s)
	}

	ts := e.now() - 5000
	e.put("g", "2024/01/01/[$LATEST]abc", ev(ts, "a"), ev(ts+10, "b"))
	e.clk.Advance(3000)
	e.put("g", "2024/01/01/[$LATEST]abc", ev(ts-100, "c"))
	out, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	s = out.LogStreams[0]
	if aws.ToInt64(s.FirstEventTimestamp) != ts-100 || aws.ToInt64(s.LastEventTimestamp) != ts+10 || aws.ToInt64(s.LastIngestionTime) != e.now() {
		t.Errorf("first/last/ingestion = %v %v %v", aws.ToInt64(s.FirstEventTimestamp), aws.ToInt64(s.LastEventTimestamp), aws.ToInt64(s.LastIngestionTime))
	}
	if len(aws.ToString(s.UploadSequenceToken)) != 56 || aws.ToInt64(s.StoredBytes) != 0 {
		t.Errorf("uploadSequenceToken %q, storedBytes %d", aws.ToString(s.UploadSequenceToken), aws.ToInt64(s.StoredBytes))
	}

	if _, err := e.c.DeleteLogStream(e.ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("2024/01/01/[$LATEST]abc")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DeleteLogStream(e.ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("2024/01/01/[$LATEST]abc")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = e.c.DeleteLogStream(e.ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	// A stream of the same name starts empty.
	e.createStream("g", "2024/01/01/[$LATEST]abc")
	got := e.get(&cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("2024/01/01/[$LATEST]abc")})
	if len(got.Events) != 0 {
		t.Errorf("events of the re-created stream: %v", outMsgs(got.Events))
	}
}

func TestDescribeLogStreams(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	now := e.now()
	// name: last event time (0 = none)
	streams := []struct {
		name string
		last int64
	}{{"web-2", now - 10}, {"web-1", now - 30}, {"api-1", now - 20}, {"idle", 0}, {"web-3", now - 30}}
	for _, s := range streams {
		e.createStream("g", s.name)
		if s.last != 0 {
			e.put("g", s.name, ev(s.last, "x"))
		}
	}
	list := func(in *cloudwatchlogs.DescribeLogStreamsInput) []string {
		t.Helper()
		var got []string
		p := cloudwatchlogs.NewDescribeLogStreamsPaginator(e.c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.LogStreams {
				got = append(got, aws.ToString(s.LogStreamName))
			}
		}
		return got
	}
	for _, tc := range []struct {
		name string
		in   cloudwatchlogs.DescribeLogStreamsInput
		want []string
	}{
		{"by name", cloudwatchlogs.DescribeLogStreamsInput{}, []string{"api-1", "idle", "web-1", "web-2", "web-3"}},
		{"by name paged", cloudwatchlogs.DescribeLogStreamsInput{Limit: aws.Int32(2)}, []string{"api-1", "idle", "web-1", "web-2", "web-3"}},
		{"by name descending", cloudwatchlogs.DescribeLogStreamsInput{Descending: aws.Bool(true), Limit: aws.Int32(2)}, []string{"web-3", "web-2", "web-1", "idle", "api-1"}},
		{"prefix", cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("web-"), Limit: aws.Int32(1)}, []string{"web-1", "web-2", "web-3"}},
		{"by time", cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Limit: aws.Int32(2)}, []string{"idle", "web-1", "web-3", "api-1", "web-2"}},
		{"by time descending", cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(3)}, []string{"web-2", "api-1", "web-3", "web-1", "idle"}},
	} {
		in := tc.in
		in.LogGroupName = aws.String("g")
		if got := list(&in); !equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// logGroupIdentifier takes a name or an ARN.
	for _, id := range []string{"g", "arn:aws:logs:us-east-1:000000000000:log-group:g"} {
		if got := list(&cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String(id)}); len(got) != 5 {
			t.Errorf("identifier %s: %v", id, got)
		}
	}

	_, err := e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("w")})
	wantErr(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	_, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{})
	wantErr(t, err, "InvalidParameterException", "You must include either logGroupIdentifier or logGroupName, but not both.")
	_, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogGroupIdentifier: aws.String("g")})
	wantErr(t, err, "InvalidParameterException", "You must include either logGroupIdentifier or logGroupName, but not both.")
	_, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: "Size"})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'Size' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LastEventTime, LogStreamName]")
	_, err = e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:111111111111:log-group:g")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}
