package sqs

import (
	"context"
	"errors"
	"fmt"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// Calls of other hako services (S3 event notifications, ...), which name
// queues by ARN and act as AWS services rather than as a caller.

// ErrNoSuchQueue is returned (wrapped) for an ARN that names no queue.
var ErrNoSuchQueue = errors.New("sqs: the queue does not exist")

// ErrRejected is returned (wrapped) when the queue refuses the message
// (too large, invalid characters, ...): sending it again cannot succeed.
var ErrRejected = errors.New("sqs: message rejected")

// QueueInfo reports whether arn names an existing queue and whether it is a
// FIFO queue.
func (s *Service) QueueInfo(ctx context.Context, arn string) (exists, fifo bool, err error) {
	q, err := s.queueByARN(ctx, arn)
	var se *sqsError
	if errors.As(err, &se) && se.kind == errQueueDoesNotExist {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, q.fifo, nil
}

// SendFrom sends body to the standard queue arn on behalf of a service;
// sender is the message's SenderId.
func (s *Service) SendFrom(ctx context.Context, arn, sender, body string) error {
	return s.SendInternal(ctx, arn, Message{Sender: sender, Body: body})
}

// Message is a message another service sends (SNS fan-out, EventBridge
// targets, dead-letter queues).
type Message struct {
	Sender  string // the SenderId
	Body    string
	GroupID string // FIFO queues
	DedupID string // FIFO queues without content-based deduplication
	// DefaultDedupID is the deduplication id of a FIFO queue's message when
	// DedupID is empty and the queue does not deduplicate by content
	// (EventBridge's event id).
	DefaultDedupID string
	Attributes     map[string]sqsapi.MessageAttributeValue
}

// SendInternal sends m to the queue arn on behalf of a service.
func (s *Service) SendInternal(ctx context.Context, arn string, m Message) error {
	svc, k, ok := parseARN(arn)
	if !ok || svc != "sqs" {
		return fmt.Errorf("%w: %s", ErrNoSuchQueue, arn)
	}
	qctx := reqinfo.With(ctx, &reqinfo.Info{Account: k.account, Region: k.region, RequestID: newUUID(), AccessKeyID: m.Sender})
	in := &sqsapi.SendMessageRequest{QueueUrl: ptr(k.account + "/" + k.name), MessageBody: &m.Body, MessageAttributes: m.Attributes}
	if m.GroupID != "" {
		in.MessageGroupId = &m.GroupID
	}
	if m.DedupID != "" {
		in.MessageDeduplicationId = &m.DedupID
	} else if m.DefaultDedupID != "" {
		if q, err := s.queueByARN(qctx, arn); err == nil && q.fifo && !q.m().attrs.contentDedup {
			in.MessageDeduplicationId = &m.DefaultDedupID
		}
	}
	_, err := s.sendMessage(qctx, in)
	var se *sqsError
	if errors.As(err, &se) {
		switch se.kind {
		case errQueueDoesNotExist:
			return fmt.Errorf("%w: %s", ErrNoSuchQueue, arn)
		case errInternal:
		default:
			return fmt.Errorf("%w: %s: %v", ErrRejected, arn, err)
		}
	}
	return err
}
