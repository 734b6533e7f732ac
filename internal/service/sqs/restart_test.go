package sqs_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	std := e.createQueue("durable", map[string]string{"VisibilityTimeout": "45", "DelaySeconds": "1"})
	if _, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(std), Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	fifo := e.createFIFO("durable.fifo", nil)
	before := e.attrs(std, "All")
	e.send(std, "in-flight")
	e.send(std, "waiting")
	e.advance(time.Second)
	inflight := e.receive(std, 1)
	first := e.sendFIFO(fifo, "once", "g", "dedup-1")

	e.srv.Restart(t)

	after := e.attrs(std, "All")
	if !maps.Equal(before, after) && !(after["ApproximateNumberOfMessages"] == "1" && after["ApproximateNumberOfMessagesNotVisible"] == "1") {
		t.Fatalf("attributes after restart:\n%v\nbefore:\n%v", after, before)
	}
	for _, k := range []string{"VisibilityTimeout", "DelaySeconds", "CreatedTimestamp", "QueueArn"} {
		if before[k] != after[k] {
			t.Errorf("%s: %s -> %s", k, before[k], after[k])
		}
	}
	tags, _ := e.c.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(std)})
	if tags.Tags["k"] != "v" {
		t.Errorf("tags after restart: %v", tags.Tags)
	}
	if got := bodies(e.receive(std, 10)); !slices.Equal(got, []string{"waiting"}) {
		t.Fatalf("after restart: %v (the in-flight message must stay invisible)", got)
	}
	// A receipt handle issued before the restart still works.
	e.del(std, *inflight[0].ReceiptHandle)
	e.advance(45 * time.Second)
	if got := bodies(e.receive(std, 10)); !slices.Equal(got, []string{"waiting"}) {
		t.Fatalf("after the visibility timeout: %v", got)
	}
	// Deduplication survives the restart.
	dup := e.sendFIFO(fifo, "once again", "g", "dedup-1")
	if *dup.MessageId != *first.MessageId || *dup.SequenceNumber != *first.SequenceNumber {
		t.Fatalf("deduplication lost: %s vs %s", *dup.MessageId, *first.MessageId)
	}
	next := e.sendFIFO(fifo, "two", "g", "dedup-2")
	if *next.SequenceNumber <= *first.SequenceNumber {
		t.Fatalf("sequence numbers went back: %s after %s", *next.SequenceNumber, *first.SequenceNumber)
	}
	if got := bodies(e.receive(fifo, 10)); !slices.Equal(got, []string{"once", "two"}) {
		t.Fatalf("FIFO after restart: %v", got)
	}
}

func TestPurgeAndDeleteSurviveRestart(t *testing.T) {
	e := newEnv(t)
	purged := e.createQueue("purged", nil)
	deleted := e.createQueue("deleted", nil)
	e.send(purged, "gone")
	e.send(deleted, "gone")
	if _, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(purged)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(deleted)}); err != nil {
		t.Fatal(err)
	}
	e.srv.Restart(t)
	if got := e.receive(purged, 10); len(got) != 0 {
		t.Fatalf("purged message after restart: %v", bodies(got))
	}
	_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(purged)})
	wantErr(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress", "")
	_, err = e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("deleted")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
	_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("deleted")})
	wantErr(t, err, "AWS.SimpleQueueService.QueueDeletedRecently", "")
}

func TestMoveTaskResumesAfterRestart(t *testing.T) {
	e := newEnv(t)
	_, dlq, dlqARN := moveTaskSetup(t, e, 6)
	dest := e.createQueue("mt-dest", nil)
	destARN := e.attrs(dest, "QueueArn")["QueueArn"]
	if _, err := e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqARN), DestinationArn: aws.String(destARN),
		MaxNumberOfMessagesPerSecond: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	count := func(url string) string {
		return e.attrs(url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]
	}
	waitFor(t, func() bool { return count(dest) == "2" })
	e.srv.Restart(t)
	waitFor(t, func() bool { return count(dest) == "4" })
	e.advance(time.Second)
	waitFor(t, func() bool { return count(dest) == "6" })
	e.advance(time.Second)
	waitFor(t, func() bool {
		l, _ := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN)})
		return *l.Results[0].Status == "COMPLETED" && l.Results[0].ApproximateNumberOfMessagesMoved == 6
	})
	if c := count(dlq); c != "0" {
		t.Fatalf("dead-letter queue holds %s", c)
	}
}
