package scheduler

import (
	"context"

	"github.com/hako-dev/hako/internal/model/schedulerapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

// unsupported answers the operations hako does not implement (yet). Delete
// an operation's stub here when you implement it elsewhere in the package.
func unsupported(op string) error {
	return awserr.New("ValidationException", op+" is not supported by hako yet.").WithStatus(400)
}

// CreateSchedule is not supported yet.
func (s *Service) CreateSchedule(ctx context.Context, in *schedulerapi.CreateScheduleInput) (*schedulerapi.CreateScheduleOutput, error) {
	return nil, unsupported("CreateSchedule")
}

// CreateScheduleGroup is not supported yet.
func (s *Service) CreateScheduleGroup(ctx context.Context, in *schedulerapi.CreateScheduleGroupInput) (*schedulerapi.CreateScheduleGroupOutput, error) {
	return nil, unsupported("CreateScheduleGroup")
}

// DeleteSchedule is not supported yet.
func (s *Service) DeleteSchedule(ctx context.Context, in *schedulerapi.DeleteScheduleInput) (*schedulerapi.DeleteScheduleOutput, error) {
	return nil, unsupported("DeleteSchedule")
}

// DeleteScheduleGroup is not supported yet.
func (s *Service) DeleteScheduleGroup(ctx context.Context, in *schedulerapi.DeleteScheduleGroupInput) (*schedulerapi.DeleteScheduleGroupOutput, error) {
	return nil, unsupported("DeleteScheduleGroup")
}

// GetSchedule is not supported yet.
func (s *Service) GetSchedule(ctx context.Context, in *schedulerapi.GetScheduleInput) (*schedulerapi.GetScheduleOutput, error) {
	return nil, unsupported("GetSchedule")
}

// GetScheduleGroup is not supported yet.
func (s *Service) GetScheduleGroup(ctx context.Context, in *schedulerapi.GetScheduleGroupInput) (*schedulerapi.GetScheduleGroupOutput, error) {
	return nil, unsupported("GetScheduleGroup")
}

// ListScheduleGroups is not supported yet.
func (s *Service) ListScheduleGroups(ctx context.Context, in *schedulerapi.ListScheduleGroupsInput) (*schedulerapi.ListScheduleGroupsOutput, error) {
	return nil, unsupported("ListScheduleGroups")
}

// ListSchedules is not supported yet.
func (s *Service) ListSchedules(ctx context.Context, in *schedulerapi.ListSchedulesInput) (*schedulerapi.ListSchedulesOutput, error) {
	return nil, unsupported("ListSchedules")
}

// ListTagsForResource is not supported yet.
func (s *Service) ListTagsForResource(ctx context.Context, in *schedulerapi.ListTagsForResourceInput) (*schedulerapi.ListTagsForResourceOutput, error) {
	return nil, unsupported("ListTagsForResource")
}

// TagResource is not supported yet.
func (s *Service) TagResource(ctx context.Context, in *schedulerapi.TagResourceInput) (*schedulerapi.TagResourceOutput, error) {
	return nil, unsupported("TagResource")
}

// UntagResource is not supported yet.
func (s *Service) UntagResource(ctx context.Context, in *schedulerapi.UntagResourceInput) (*schedulerapi.UntagResourceOutput, error) {
	return nil, unsupported("UntagResource")
}

// UpdateSchedule is not supported yet.
func (s *Service) UpdateSchedule(ctx context.Context, in *schedulerapi.UpdateScheduleInput) (*schedulerapi.UpdateScheduleOutput, error) {
	return nil, unsupported("UpdateSchedule")
}
