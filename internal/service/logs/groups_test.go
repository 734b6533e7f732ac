package logs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestLogGroupLifecycle(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String("/app/web"),
		Tags:         map[string]string{"team": "core"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/app/web")})
	wantErr(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")

	g := e.describeGroup("/app/web")
	if got, want := aws.ToString(g.Arn), "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*"; got != want {
		t.Errorf("arn = %s, want %s", got, want)
	}
	if got, want := aws.ToString(g.LogGroupArn), "arn:aws:logs:us-east-1:000000000000:log-group:/app/web"; got != want {
		t.Errorf("logGroupArn = %s, want %s", got, want)
	}
	if aws.ToInt64(g.CreationTime) != e.now() || aws.ToInt32(g.MetricFilterCount) != 0 || g.StoredBytes == nil || *g.StoredBytes != 0 {
		t.Errorf("group = %+v", g)
	}
	if g.RetentionInDays != nil {
		t.Errorf("retentionInDays = %d, want none", *g.RetentionInDays)
	}
	if g.LogGroupClass != types.LogGroupClassStandard {
		t.Errorf("logGroupClass = %s", g.LogGroupClass)
	}

	e.createStream("/app/web", "s")
	e.put("/app/web", "s", ev(e.now(), "hello"), ev(e.now(), "world!"))
	if got := aws.ToInt64(e.describeGroup("/app/web").StoredBytes); got != 11 {
		t.Errorf("storedBytes = %d, want 11", got)
	}

	if _, err := e.c.DeleteLogGroup(e.ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/app/web")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DeleteLogGroup(e.ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/app/web")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	// A group of the same name starts empty.
	e.createGroup("/app/web")
	out, err := e.c.DescribeLogStreams(e.ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/app/web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogStreams) != 0 {
		t.Errorf("streams of the re-created group: %d", len(out.LogStreams))
	}
	tags, err := e.c.ListTagsLogGroup(e.ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("/app/web")})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("tags of the re-created group: %v %v", tags.Tags, err)
	}
}

func TestCreateLogGroupErrors(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, code, msg string }{
		{"aws/mine", "InvalidParameterException", "Log groups starting with AWS/ are reserved for AWS."},
		{"AWS/mine", "InvalidParameterException", "Log groups starting with AWS/ are reserved for AWS."},
		{"a b", "InvalidParameterException", `1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{strings.Repeat("x", 513), "InvalidParameterException", "1 validation error detected: Value '" + strings.Repeat("x", 513) + "' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512"},
	} {
		_, err := e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(tc.name)})
		wantErr(t, err, tc.code, tc.msg)
	}
	// /aws/... is what Lambda uses and is allowed.
	e.createGroup("/aws/lambda/fn")

	tags := map[string]string{}
	for i := range 51 {
		tags[fmt.Sprint("k", i)] = "v"
	}
	_, err := e.c.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("many"), Tags: tags})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
}

func TestDescribeLogGroups(t *testing.T) {
	e := newEnv(t)
	names := []string{"/b/one", "/a/two", "/a/one", "/c/DataLogs", "/c/datalogs", "/a/three", "GroupDataLogs"}
	for _, n := range names {
		e.createGroup(n)
	}
	list := func(in *cloudwatchlogs.DescribeLogGroupsInput) []string {
		t.Helper()
		var got []string
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(e.c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if in.Limit != nil && len(out.LogGroups) > int(*in.Limit) {
				t.Fatalf("page of %d > limit %d", len(out.LogGroups), *in.Limit)
			}
			for _, g := range out.LogGroups {
				got = append(got, aws.ToString(g.LogGroupName))
			}
		}
		return got
	}
	all := list(&cloudwatchlogs.DescribeLogGroupsInput{})
	if want := []string{"/a/one", "/a/three", "/a/two", "/b/one", "/c/DataLogs", "/c/datalogs", "GroupDataLogs"}; !equal(all, want) {
		t.Errorf("all = %v, want %v", all, want)
	}
	if got := list(&cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(2)}); !equal(got, all) {
		t.Errorf("paged by 2 = %v", got)
	}
	if got := list(&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/a/"), Limit: aws.Int32(1)}); !equal(got, []string{"/a/one", "/a/three", "/a/two"}) {
		t.Errorf("prefix /a/ = %v", got)
	}
	// The pattern is a case-sensitive substring.
	if got := list(&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("DataLogs"), Limit: aws.Int32(1)}); !equal(got, []string{"/c/DataLogs", "GroupDataLogs"}) {
		t.Errorf("pattern DataLogs = %v", got)
	}
	// With a pattern only arn, creationTime and logGroupName are returned.
	out, err := e.c.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("two")})
	if err != nil {
		t.Fatal(err)
	}
	if g := out.LogGroups[0]; g.Arn == nil || g.CreationTime == nil || g.StoredBytes != nil || g.LogGroupArn != nil || g.MetricFilterCount != nil {
		t.Errorf("pattern result = %+v", g)
	}

	_, err = e.c.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("a"), LogGroupNamePrefix: aws.String("a")})
	wantErr(t, err, "InvalidParameterException", "logGroupNamePattern and logGroupNamePrefix are mutually exclusive. Only one of these parameters can be passed.")
	_, err = e.c.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
	_, err = e.c.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{NextToken: aws.String("garbage!")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")

	// Accounts and regions are separate namespaces.
	other := e.srv.Logs(func(o *cloudwatchlogs.Options) { o.Region = "eu-west-1" })
	out, err = other.DescribeLogGroups(e.ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil || len(out.LogGroups) != 0 {
		t.Errorf("eu-west-1 groups = %v, %v", out.LogGroups, err)
	}
}

func TestRetentionPolicy(t *testing.T) {
	e := newEnv(t)
	e.createGroup("g")
	if _, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(14)}); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt32(e.describeGroup("g").RetentionInDays); got != 14 {
		t.Errorf("retentionInDays = %d, want 14", got)
	}
	for _, d := range []int32{0, 2, 4000, -1} {
		_, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(d)})
		wantErr(t, err, "InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]", d))
	}
	if _, err := e.c.DeleteRetentionPolicy(e.ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if g := e.describeGroup("g"); g.RetentionInDays != nil {
		t.Errorf("retentionInDays after delete = %d", *g.RetentionInDays)
	}
	_, err := e.c.PutRetentionPolicy(e.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("nope"), RetentionInDays: aws.Int32(1)})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.DeleteRetentionPolicy(e.ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	e.createGroup("/tagged")
	arn := "arn:aws:logs:us-east-1:000000000000:log-group:/tagged"
	list := func(arn string) map[string]string {
		t.Helper()
		out, err := e.c.ListTagsForResource(e.ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Tags
	}
	if _, err := e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"b": "3", "c": ""}}); err != nil {
		t.Fatal(err)
	}
	// The ":*" form of DescribeLogGroups' arn is not a taggable ARN.
	_, err := e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn + ":*"), Tags: map[string]string{"x": "1"}})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '"+arn+":*' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]*")
	if got := list(arn); len(got) != 3 || got["a"] != "1" || got["b"] != "3" || got["c"] != "" {
		t.Errorf("tags = %v", got)
	}
	if _, err := e.c.UntagResource(e.ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "missing"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(arn); len(got) != 2 || got["b"] != "3" {
		t.Errorf("tags after untag = %v", got)
	}

	// The legacy operations see the same tags.
	var legacy *cloudwatchlogs.ListTagsLogGroupOutput
	if _, err := e.c.TagLogGroup(e.ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("/tagged"), Tags: map[string]string{"d": "4"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.UntagLogGroup(e.ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String("/tagged"), Tags: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	legacy, err = e.c.ListTagsLogGroup(e.ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("/tagged")})
	if err != nil {
		t.Fatal(err)
	}
	if got := legacy.Tags; len(got) != 2 || got["c"] != "" || got["d"] != "4" {
		t.Errorf("legacy tags = %v", got)
	}

	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	wantErr(t, err, "TooManyTagsException", "A resource can have no more than 50 tags.")
	if got := list(arn); len(got) != 2 {
		t.Errorf("a failed TagResource changed the tags: %v", got)
	}
	_, err = e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"aws:x": "1"}})
	wantErr(t, err, "InvalidParameterException", "Tag keys starting with aws: are reserved for AWS.")

	_, err = e.c.ListTagsForResource(e.ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:/nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:destination:d"), Tags: map[string]string{"a": "1"}})
	wantErr(t, err, "ResourceNotFoundException", "The specified resource does not exist.")
	_, err = e.c.TagResource(e.ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String("not-an-arn"), Tags: map[string]string{"a": "1"}})
	wantErr(t, err, "InvalidParameterException", "Invalid ARN: not-an-arn")
	_, err = e.c.ListTagsLogGroup(e.ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.c.TagLogGroup(e.ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("nope"), Tags: map[string]string{"a": "b"}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestUnsupportedOperation(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.DescribeMetricFilters(e.ctx, &cloudwatchlogs.DescribeMetricFiltersInput{})
	wantErr(t, err, "UnknownOperationException", "The operation DescribeMetricFilters is not supported by hako yet.")
	_, err = e.c.StartQuery(e.ctx, &cloudwatchlogs.StartQueryInput{LogGroupName: aws.String("g"), QueryString: aws.String("fields @message"), StartTime: aws.Int64(0), EndTime: aws.Int64(1)})
	wantErr(t, err, "UnknownOperationException", "The operation StartQuery is not supported by hako yet.")
}
