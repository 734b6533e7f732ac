package server

import (
	"context"
	"errors"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/service/lambda"
	"github.com/hako-dev/hako/internal/service/s3"
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
	})
	s.events.Register("sqs", s.deliverSQS)
	s.events.Register("lambda", s.deliverLambda)
}

// deliverSQS sends the payload to the queue d.Target.
func (s *Server) deliverSQS(ctx context.Context, d *events.Delivery) error {
	err := s.sqs.SendFrom(ctx, d.Target, s3Sender, string(d.Payload))
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
