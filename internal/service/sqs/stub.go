// Package sqs implements Amazon SQS on the hako store.
package sqs

import (
	"context"
	"log/slog"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

var _ sqsapi.API = (*Service)(nil)

// Config holds the dependencies of the service.
type Config struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
}

// Service is the SQS implementation.
type Service struct{ cfg Config }

// New builds the service.
func New(ctx context.Context, cfg Config) (*Service, error) { return &Service{cfg: cfg}, nil }

// Close stops background work.
func (s *Service) Close() error { return nil }

// Health reports the service state.
func (s *Service) Health() string { return "running" }

// ValidationError maps model violations to SQS errors.
func (s *Service) ValidationError(op string, vs []model.Violation) error {
	return awserr.New("MissingParameter", "The request must contain the parameter "+vs[0].Member+".").WithStatus(400)
}

func notYet() error { return awserr.New("UnsupportedOperation", "not implemented yet") }

// AddPermission is not implemented yet.
func (s *Service) AddPermission(ctx context.Context, in *sqsapi.AddPermissionRequest) error {
	return notYet()
}

// CancelMessageMoveTask is not implemented yet.
func (s *Service) CancelMessageMoveTask(ctx context.Context, in *sqsapi.CancelMessageMoveTaskRequest) (*sqsapi.CancelMessageMoveTaskResult, error) {
	return nil, notYet()
}

// ChangeMessageVisibility is not implemented yet.
func (s *Service) ChangeMessageVisibility(ctx context.Context, in *sqsapi.ChangeMessageVisibilityRequest) error {
	return notYet()
}

// ChangeMessageVisibilityBatch is not implemented yet.
func (s *Service) ChangeMessageVisibilityBatch(ctx context.Context, in *sqsapi.ChangeMessageVisibilityBatchRequest) (*sqsapi.ChangeMessageVisibilityBatchResult, error) {
	return nil, notYet()
}

// CreateQueue is not implemented yet.
func (s *Service) CreateQueue(ctx context.Context, in *sqsapi.CreateQueueRequest) (*sqsapi.CreateQueueResult, error) {
	return nil, notYet()
}

// DeleteMessage is not implemented yet.
func (s *Service) DeleteMessage(ctx context.Context, in *sqsapi.DeleteMessageRequest) error {
	return notYet()
}

// DeleteMessageBatch is not implemented yet.
func (s *Service) DeleteMessageBatch(ctx context.Context, in *sqsapi.DeleteMessageBatchRequest) (*sqsapi.DeleteMessageBatchResult, error) {
	return nil, notYet()
}

// DeleteQueue is not implemented yet.
func (s *Service) DeleteQueue(ctx context.Context, in *sqsapi.DeleteQueueRequest) error {
	return notYet()
}

// GetQueueAttributes is not implemented yet.
func (s *Service) GetQueueAttributes(ctx context.Context, in *sqsapi.GetQueueAttributesRequest) (*sqsapi.GetQueueAttributesResult, error) {
	return nil, notYet()
}

// GetQueueUrl is not implemented yet.
func (s *Service) GetQueueUrl(ctx context.Context, in *sqsapi.GetQueueUrlRequest) (*sqsapi.GetQueueUrlResult, error) {
	return nil, notYet()
}

// ListDeadLetterSourceQueues is not implemented yet.
func (s *Service) ListDeadLetterSourceQueues(ctx context.Context, in *sqsapi.ListDeadLetterSourceQueuesRequest) (*sqsapi.ListDeadLetterSourceQueuesResult, error) {
	return nil, notYet()
}

// ListMessageMoveTasks is not implemented yet.
func (s *Service) ListMessageMoveTasks(ctx context.Context, in *sqsapi.ListMessageMoveTasksRequest) (*sqsapi.ListMessageMoveTasksResult, error) {
	return nil, notYet()
}

// ListQueueTags is not implemented yet.
func (s *Service) ListQueueTags(ctx context.Context, in *sqsapi.ListQueueTagsRequest) (*sqsapi.ListQueueTagsResult, error) {
	return nil, notYet()
}

// ListQueues is not implemented yet.
func (s *Service) ListQueues(ctx context.Context, in *sqsapi.ListQueuesRequest) (*sqsapi.ListQueuesResult, error) {
	return nil, notYet()
}

// PurgeQueue is not implemented yet.
func (s *Service) PurgeQueue(ctx context.Context, in *sqsapi.PurgeQueueRequest) error {
	return notYet()
}

// ReceiveMessage is not implemented yet.
func (s *Service) ReceiveMessage(ctx context.Context, in *sqsapi.ReceiveMessageRequest) (*sqsapi.ReceiveMessageResult, error) {
	return nil, notYet()
}

// RemovePermission is not implemented yet.
func (s *Service) RemovePermission(ctx context.Context, in *sqsapi.RemovePermissionRequest) error {
	return notYet()
}

// SendMessage is not implemented yet.
func (s *Service) SendMessage(ctx context.Context, in *sqsapi.SendMessageRequest) (*sqsapi.SendMessageResult, error) {
	return nil, notYet()
}

// SendMessageBatch is not implemented yet.
func (s *Service) SendMessageBatch(ctx context.Context, in *sqsapi.SendMessageBatchRequest) (*sqsapi.SendMessageBatchResult, error) {
	return nil, notYet()
}

// SetQueueAttributes is not implemented yet.
func (s *Service) SetQueueAttributes(ctx context.Context, in *sqsapi.SetQueueAttributesRequest) error {
	return notYet()
}

// StartMessageMoveTask is not implemented yet.
func (s *Service) StartMessageMoveTask(ctx context.Context, in *sqsapi.StartMessageMoveTaskRequest) (*sqsapi.StartMessageMoveTaskResult, error) {
	return nil, notYet()
}

// TagQueue is not implemented yet.
func (s *Service) TagQueue(ctx context.Context, in *sqsapi.TagQueueRequest) error {
	return notYet()
}

// UntagQueue is not implemented yet.
func (s *Service) UntagQueue(ctx context.Context, in *sqsapi.UntagQueueRequest) error {
	return notYet()
}
