package s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/hakotest"
)

func TestLifecycleConfiguration(t *testing.T) {
	h := hakotest.Start(t)
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "lc-config")
	b := aws.String("lc-config")

	_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	wantErr(t, err, "NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")

	date := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	rules := []types.LifecycleRule{
		{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration:  &types.LifecycleExpiration{Days: aws.Int32(30)},
			Transitions: []types.Transition{{Days: aws.Int32(10), StorageClass: types.TransitionStorageClassGlacier}}},
		{Status: types.ExpirationStatusDisabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{
			Prefix: aws.String("tmp/"), Tags: []types.Tag{{Key: aws.String("temp"), Value: aws.String("yes")}}, ObjectSizeGreaterThan: aws.Int64(10)}},
			Expiration: &types.LifecycleExpiration{Date: &date}},
		{ID: aws.String("versions"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
			NoncurrentVersionExpiration:    &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(2)},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(3)},
		},
	}
	out := must(c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}}))
	if out.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Fatalf("min size: %q", out.TransitionDefaultMinimumObjectSize)
	}
	got := must(c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b}))
	if len(got.Rules) != 3 || aws.ToString(got.Rules[0].ID) != "logs" || aws.ToInt32(got.Rules[0].Expiration.Days) != 30 ||
		aws.ToString(got.Rules[1].ID) == "" || !got.Rules[1].Expiration.Date.Equal(date) || got.Rules[1].Status != types.ExpirationStatusDisabled ||
		aws.ToString(got.Rules[1].Filter.And.Tags[0].Key) != "temp" || aws.ToInt32(got.Rules[2].NoncurrentVersionExpiration.NewerNoncurrentVersions) != 2 ||
		got.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Fatalf("rules: %+v", got.Rules)
	}

	enabled := types.ExpirationStatusEnabled
	prefix := &types.LifecycleRuleFilter{Prefix: aws.String("p/")}
	tagged := &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}}
	for _, tc := range []struct {
		name      string
		rules     []types.LifecycleRule
		code, msg string
	}{
		{"zero days", []types.LifecycleRule{{Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(0)}}},
			"InvalidArgument", "'Days' for Expiration action must be a positive integer"},
		{"date not at midnight", []types.LifecycleRule{{Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Date: aws.Time(date.Add(time.Hour))}}},
			"InvalidArgument", "'Date' must be at midnight GMT"},
		{"days and date", []types.LifecycleRule{{Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1), Date: &date}}},
			"MalformedXML", ""},
		{"marker and days", []types.LifecycleRule{{Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1), ExpiredObjectDeleteMarker: aws.Bool(true)}}},
			"MalformedXML", ""},
		{"duplicate ids", []types.LifecycleRule{
			{ID: aws.String("a"), Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
			{ID: aws.String("a"), Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}}},
			"InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"},
		{"long id", []types.LifecycleRule{{ID: aws.String(strings.Repeat("i", 256)), Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}},
			"InvalidArgument", "ID length should not exceed allowed limit of 255"},
		{"no action", []types.LifecycleRule{{Status: enabled, Filter: prefix}},
			"InvalidRequest", "At least one action needs to be specified in a rule"},
		{"abort with tags", []types.LifecycleRule{{Status: enabled, Filter: tagged, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}}},
			"InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags."},
		{"two filters", []types.LifecycleRule{{Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("a"), ObjectSizeLessThan: aws.Int64(5)},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}, "MalformedXML", ""},
		{"duplicate tags", []types.LifecycleRule{{Status: enabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}}},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}, "InvalidRequest", "Duplicate Tag Keys are not allowed."},
		{"noncurrent zero days", []types.LifecycleRule{{Status: enabled, Filter: prefix, NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(0)}}},
			"InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"},
		{"transition after expiration", []types.LifecycleRule{{Status: enabled, Filter: prefix, Expiration: &types.LifecycleExpiration{Days: aws.Int32(5)},
			Transitions: []types.Transition{{Days: aws.Int32(5), StorageClass: types.TransitionStorageClassGlacier}}}},
			"InvalidArgument", "'Days' in the Expiration action for filter 'p/' must be greater than 'Days' in the Transition action"},
	} {
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: tc.rules}})
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantErr(t, err, tc.code, 400, tc.msg)
	}

	must(c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: b}))
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	wantErr(t, err, "NoSuchLifecycleConfiguration", 404, "")
}

// lcEventually waits (in real time, briefly) for the sweeper to make cond
// true.
func lcEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func lcExists(c *s3.Client, bucket, key string) bool {
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	return err == nil
}

func TestLifecycleExpiration(t *testing.T) {
	clk := clock.NewFake(time.Date(2024, 3, 10, 10, 30, 0, 0, time.UTC))
	h := hakotest.Start(t, hakotest.WithClock(clk))
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "lc-exp")
	b := aws.String("lc-exp")
	put(t, c, "lc-exp", "logs/a.txt", "a")
	put(t, c, "lc-exp", "data/c.txt", "c")
	put(t, c, "lc-exp", "big/x", strings.Repeat("x", 100))
	put(t, c, "lc-exp", "big/y", "y")
	put(t, c, "lc-exp", "zzz/last", "z")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("tagged/t1"), Body: strings.NewReader("t"), Tagging: aws.String("temp=yes")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "lc-exp", "tagged/t2", "t")

	enabled := types.ExpirationStatusEnabled
	must(c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
		{ID: aws.String("logs"), Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
		{ID: aws.String("temp"), Status: enabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("tagged/"),
			Tags: []types.Tag{{Key: aws.String("temp"), Value: aws.String("yes")}}}}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
		{ID: aws.String("big"), Status: enabled, Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("big/"),
			ObjectSizeGreaterThan: aws.Int64(10)}}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}},
		{ID: aws.String("last"), Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("zzz/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}},
		{ID: aws.String("off"), Status: types.ExpirationStatusDisabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("data/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
	}}}))

	// The expiry S3 announces: creation + days, at the next midnight UTC.
	head := must(c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("logs/a.txt")}))
	if want := `expiry-date="Tue, 12 Mar 2024 00:00:00 GMT", rule-id="logs"`; aws.ToString(head.Expiration) != want {
		t.Errorf("x-amz-expiration: got %q, want %q", aws.ToString(head.Expiration), want)
	}
	if head := must(c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("data/c.txt")})); head.Expiration != nil {
		t.Errorf("x-amz-expiration of a disabled rule: %q", aws.ToString(head.Expiration))
	}

	// A day later nothing is due yet (the next midnight has not passed the
	// day): the first sweep leaves everything alone.
	clk.Advance(13 * time.Hour) // Mar 10 23:30
	clk.Advance(24 * time.Hour) // Mar 11 23:30
	time.Sleep(20 * time.Millisecond)
	if !lcExists(c, "lc-exp", "logs/a.txt") {
		t.Fatal("logs/a.txt expired before its day")
	}
	clk.Advance(time.Hour) // Mar 12 00:30
	lcEventually(t, "logs/a.txt to expire", func() bool { return !lcExists(c, "lc-exp", "logs/a.txt") })
	lcEventually(t, "tagged/t1 to expire", func() bool { return !lcExists(c, "lc-exp", "tagged/t1") })
	for _, k := range []string{"data/c.txt", "big/x", "big/y", "zzz/last", "tagged/t2"} {
		if !lcExists(c, "lc-exp", k) {
			t.Fatalf("%s expired on day 1", k)
		}
	}

	clk.Advance(24 * time.Hour) // Mar 13 00:30
	lcEventually(t, "zzz/last to expire", func() bool { return !lcExists(c, "lc-exp", "zzz/last") })
	if lcExists(c, "lc-exp", "big/x") {
		t.Fatal("big/x (100 bytes) did not expire")
	}
	for _, k := range []string{"data/c.txt", "big/y", "tagged/t2"} {
		if !lcExists(c, "lc-exp", k) {
			t.Fatalf("%s expired", k)
		}
	}
	// Unversioned: gone for good, no delete markers.
	vs := must(c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b}))
	if len(vs.DeleteMarkers) != 0 || len(vs.Versions) != 3 {
		t.Fatalf("versions: %d, markers: %d", len(vs.Versions), len(vs.DeleteMarkers))
	}
}

func TestLifecycleVersions(t *testing.T) {
	t0 := time.Date(2024, 3, 10, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	h := hakotest.Start(t, hakotest.WithClock(clk))
	c := h.S3()
	ctx := context.Background()
	newBucket(t, c, "lc-ver")
	b := aws.String("lc-ver")
	must(c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}))
	v1 := put(t, c, "lc-ver", "doc", "v1")
	clk.Advance(time.Hour)
	v2 := put(t, c, "lc-ver", "doc", "v2")
	clk.Advance(time.Hour)
	v3 := put(t, c, "lc-ver", "doc", "v3")
	// "solo" ends up as a lone delete marker.
	solo := put(t, c, "lc-ver", "solo", "s")
	must(c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("solo")}))
	must(c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("solo"), VersionId: solo.VersionId}))
	// An incomplete multipart upload.
	up := must(c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp/big")}))
	must(c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp/big"), UploadId: up.UploadId, PartNumber: aws.Int32(1),
		Body: bytes.NewReader(bytes.Repeat([]byte("p"), 1024))}))

	enabled := types.ExpirationStatusEnabled
	must(c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
		{ID: aws.String("doc"), Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("doc")},
			Expiration:                  &types.LifecycleExpiration{Days: aws.Int32(3)},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1), NewerNoncurrentVersions: aws.Int32(1)}},
		{ID: aws.String("markers"), Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("solo")},
			Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
		{ID: aws.String("uploads"), Status: enabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("mp/")},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}},
	}}}))

	versions := func(key string) (ids []string, markers []string) {
		out := must(c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b, Prefix: aws.String(key)}))
		for _, v := range out.Versions {
			ids = append(ids, aws.ToString(v.VersionId))
		}
		for _, m := range out.DeleteMarkers {
			markers = append(markers, aws.ToString(m.VersionId))
		}
		return ids, markers
	}
	// The lone delete marker goes at the first sweep (the one the new
	// configuration starts).
	lcEventually(t, "the expired delete marker to go", func() bool { ids, ms := versions("solo"); return len(ids) == 0 && len(ms) == 0 })

	// Mar 12 00:30: v1 has been noncurrent (since v2) past a day; v2 is the
	// newest noncurrent version and is kept.
	clk.Set(time.Date(2024, 3, 12, 0, 30, 0, 0, time.UTC))
	lcEventually(t, "v1 to go", func() bool { ids, _ := versions("doc"); return len(ids) == 2 })
	if ids, _ := versions("doc"); ids[0] != aws.ToString(v3.VersionId) || ids[1] != aws.ToString(v2.VersionId) {
		t.Fatalf("versions after the noncurrent expiration: %v (v1 %s)", ids, aws.ToString(v1.VersionId))
	}
	lcEventually(t, "the upload to be aborted", func() bool {
		return len(must(c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})).Uploads) == 0
	})

	// Mar 14 00:30: the current version expires: a delete marker on top.
	clk.Set(time.Date(2024, 3, 14, 0, 30, 0, 0, time.UTC))
	lcEventually(t, "the delete marker", func() bool { _, ms := versions("doc"); return len(ms) == 1 })
	if lcExists(c, "lc-ver", "doc") {
		t.Fatal("doc still readable")
	}
	// The next sweep: v2 is now the second noncurrent version, past its day.
	clk.Advance(2 * time.Hour)
	lcEventually(t, "v2 to go", func() bool { ids, _ := versions("doc"); return len(ids) == 1 && ids[0] == aws.ToString(v3.VersionId) })
}

func TestLifecycleEvents(t *testing.T) {
	clk := clock.NewFake(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC))
	h := hakotest.Start(t, hakotest.WithClock(clk))
	c, q := h.S3(), h.SQS()
	ctx := context.Background()
	qo := must(q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("lc-events")}))
	qa := must(q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qo.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}}))
	for _, name := range []string{"lc-plain", "lc-versioned"} {
		newBucket(t, c, name)
		must(c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(name),
			NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
				QueueArn: aws.String(qa.Attributes["QueueArn"]), Events: []types.Event{"s3:LifecycleExpiration:*"}}}}}))
		put(t, c, name, "old", "x")
	}
	must(c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("lc-versioned"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}))
	for _, name := range []string{"lc-plain", "lc-versioned"} {
		must(c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("all"),
				Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}}))
	}
	clk.Advance(48 * time.Hour)

	got := map[string]string{} // bucket -> eventName
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		out := must(q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qo.QueueUrl, MaxNumberOfMessages: 10}))
		for _, m := range out.Messages {
			var ev struct {
				Records []struct {
					EventName    string
					UserIdentity struct{ PrincipalID string }
					S3           struct {
						Bucket struct{ Name string }
						Object struct{ Key string }
					}
				}
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil || len(ev.Records) != 1 {
				continue // the s3:TestEvent of each configuration
			}
			r := ev.Records[0]
			if r.S3.Object.Key != "old" || r.UserIdentity.PrincipalID != "s3.amazonaws.com" {
				t.Errorf("record: %+v", r)
			}
			got[r.S3.Bucket.Name] = r.EventName
		}
		if len(got) < 2 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	if got["lc-plain"] != "LifecycleExpiration:Delete" || got["lc-versioned"] != "LifecycleExpiration:DeleteMarkerCreated" {
		t.Fatalf("events: %v", got)
	}
}
