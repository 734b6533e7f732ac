package sns

import (
	"context"
	"errors"
	"fmt"

	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// Calls of other hako services (the "sns" outbox kind: EventBridge and
// Scheduler targets, Lambda destinations, S3 notifications), which name
// topics by ARN and publish as AWS services do, for the topic's owner.

// Message is a message another hako service publishes (EventBridge and
// Scheduler targets, Lambda destinations, S3 notifications).
type Message struct {
	Message           string
	Subject           string
	MessageAttributes map[string]snsapi.MessageAttributeValue
	GroupID, DedupID  string // FIFO topics
}

// ErrNoSuchTopic is returned (wrapped) by PublishInternal for an ARN that
// names no topic.
var ErrNoSuchTopic = errors.New("sns: the topic does not exist")

// PublishInternal publishes m to topicARN on behalf of another service, as
// Publish does. It returns ErrNoSuchTopic (wrapped) when the topic is gone
// and an *awserr.Error when SNS refuses the message.
func (s *Service) PublishInternal(ctx context.Context, topicARN string, m Message) error {
	if _, e := topicARNParts(topicARN, "TopicArn"); e != nil {
		return fmt.Errorf("%w: %s", ErrNoSuchTopic, topicARN)
	}
	e := entry{message: m.Message, subject: m.Subject, hasSubject: m.Subject != "", attrs: m.MessageAttributes, groupID: m.GroupID, dedupID: m.DedupID}
	_, err := s.publish(ctx, topicARN, e)
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.Code == "NotFoundException" {
		return fmt.Errorf("%w: %s", ErrNoSuchTopic, topicARN)
	}
	return err
}

// TopicExists reports whether arn names an existing topic, and whether it
// is a FIFO topic (for other services' configuration checks).
func (s *Service) TopicExists(ctx context.Context, arn string) (exists, fifo bool, err error) {
	ts, err := s.state(ctx, arn)
	if err != nil || ts == nil {
		return false, false, err
	}
	return true, ts.topic.fifo, nil
}
