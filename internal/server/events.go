package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/service/lambda"
	"github.com/hako-dev/hako/internal/service/s3"
	"github.com/hako-dev/hako/internal/service/sns"
	"github.com/hako-dev/hako/internal/service/sqs"
)

// s3Sender is the SenderId of the messages S3 sends to queues.
const s3Sender = "AROAHAKOS3NOTIFICATIONS"

// registerEventHandlers connects the outbox's delivery kinds to the
// services that accept them (S3 notifications to SQS, ...).
func (s *Server) registerEventHandlers() {
	s.s3.SetNotificationTargets(s3.Targets{
		Queue:    s.sqs.QueueInfo,
		Function: s.lambda.FunctionExists,
		SendQueue: func(ctx context.Context, arn, body string) error {
			return s.sqs.SendFrom(ctx, arn, s3Sender, body)
		},
		Topic: s.sns.TopicExists,
		PublishTopic: func(ctx context.Context, arn, subject, message string) error {
			return s.sns.PublishInternal(ctx, arn, sns.Message{Message: message, Subject: subject})
		},
	})
	s.events.Register("sqs", s.deliverSQS)
	s.events.Register("lambda", s.deliverLambda)
	s.events.Register("sns", s.deliverSNS)
	s.events.Register("events", s.eb.DeliverToBus)
}

// deliverSNS publishes the payload (the message) to the topic d.Target.
// Attrs may set "subject", "groupId", "dedupId" and "messageAttributes" (a
// JSON object of SNS message attribute values, as Publish takes them).
func (s *Server) deliverSNS(ctx context.Context, d *events.Delivery) error {
	m := sns.Message{Message: string(d.Payload), Subject: d.Attrs["subject"], GroupID: d.Attrs["groupId"], DedupID: d.Attrs["dedupId"]}
	if a := d.Attrs["messageAttributes"]; a != "" {
		if err := json.Unmarshal([]byte(a), &m.MessageAttributes); err != nil {
			return events.Permanent(fmt.Errorf("delivery %s: message attributes: %w", d.ID, err))
		}
	}
	err := s.sns.PublishInternal(ctx, d.Target, m)
	var ae *awserr.Error
	if errors.Is(err, sns.ErrNoSuchTopic) || errors.As(err, &ae) {
		return events.Permanent(err)
	}
	return err
}

// deadLetterFields are the dispatcher's dead-letter attributes a queue
// delivery can carry as message attributes (see deliverSQS).
var deadLetterFields = []struct{ attr, from, dataType string }{
	{"errorAttribute", "deadLetter.error", "String"},
	{"attemptsAttribute", "deadLetter.attempts", "Number"},
	{"reasonAttribute", "deadLetter.reason", "String"},
}

// deliverSQS sends the payload to the queue d.Target. Attrs may set
// "sender" (the SenderId; S3's by default), "groupId" and "dedupId" (FIFO
// queues; "defaultDedupId" when the queue does not deduplicate by content)
// and "messageAttributes" (a JSON object of SQS message attribute
// values, as SendMessage takes them). A dead letter (events.Delivery's
// DeadLetter) may name, in "errorAttribute", "attemptsAttribute" and
// "reasonAttribute", the message attributes that carry the dispatcher's
// "deadLetter.error", "deadLetter.attempts" and "deadLetter.reason"
// (EventBridge's ERROR_MESSAGE, Scheduler's X-Amz-Scheduler-Attempt, ...).
func (s *Server) deliverSQS(ctx context.Context, d *events.Delivery) error {
	m := sqs.Message{Sender: d.Attrs["sender"], Body: string(d.Payload), GroupID: d.Attrs["groupId"], DedupID: d.Attrs["dedupId"],
		DefaultDedupID: d.Attrs["defaultDedupId"]}
	if m.Sender == "" {
		m.Sender = s3Sender
	}
	if a := d.Attrs["messageAttributes"]; a != "" {
		if err := json.Unmarshal([]byte(a), &m.Attributes); err != nil {
			return events.Permanent(fmt.Errorf("delivery %s: message attributes: %w", d.ID, err))
		}
	}
	for _, f := range deadLetterFields {
		if name, v := d.Attrs[f.attr], d.Attrs[f.from]; name != "" && v != "" {
			if m.Attributes == nil {
				m.Attributes = map[string]sqsapi.MessageAttributeValue{}
			}
			m.Attributes[name] = sqsapi.MessageAttributeValue{DataType: &f.dataType, StringValue: &v}
		}
	}
	err := s.sqs.SendInternal(ctx, d.Target, m)
	if errors.Is(err, sqs.ErrNoSuchQueue) || errors.Is(err, sqs.ErrRejected) {
		return events.Permanent(err)
	}
	return err
}

// deliverLambda invokes the function d.Target asynchronously with the
// payload; the delivery's id makes a repeated delivery a no-op.
func (s *Server) deliverLambda(ctx context.Context, d *events.Delivery) error {
	err := s.lambda.InvokeEvent(ctx, d.Target, d.Payload, d.ID)
	if errors.Is(err, lambda.ErrNoSuchFunction) {
		return events.Permanent(err)
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return events.Permanent(err) // an API error (payload too large): retrying cannot help
	}
	return err
}
