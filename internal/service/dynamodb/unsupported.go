package dynamodb

import (
	"context"

	"github.com/hako-dev/hako/internal/model/dynamodbapi"
)

// unsupported answers the operations hako does not implement.
func unsupported(op string) error {
	return apiErr("UnknownOperationException", op+" is not supported by hako yet.")
}

// CreateBackup is not supported yet.
func (s *Service) CreateBackup(ctx context.Context, in *dynamodbapi.CreateBackupInput) (*dynamodbapi.CreateBackupOutput, error) {
	return nil, unsupported("CreateBackup")
}

// CreateGlobalTable is not supported yet.
func (s *Service) CreateGlobalTable(ctx context.Context, in *dynamodbapi.CreateGlobalTableInput) (*dynamodbapi.CreateGlobalTableOutput, error) {
	return nil, unsupported("CreateGlobalTable")
}

// DeleteBackup is not supported yet.
func (s *Service) DeleteBackup(ctx context.Context, in *dynamodbapi.DeleteBackupInput) (*dynamodbapi.DeleteBackupOutput, error) {
	return nil, unsupported("DeleteBackup")
}

// DeleteResourcePolicy is not supported yet.
func (s *Service) DeleteResourcePolicy(ctx context.Context, in *dynamodbapi.DeleteResourcePolicyInput) (*dynamodbapi.DeleteResourcePolicyOutput, error) {
	return nil, unsupported("DeleteResourcePolicy")
}

// DescribeBackup is not supported yet.
func (s *Service) DescribeBackup(ctx context.Context, in *dynamodbapi.DescribeBackupInput) (*dynamodbapi.DescribeBackupOutput, error) {
	return nil, unsupported("DescribeBackup")
}

// DescribeContinuousBackups is not supported yet.
func (s *Service) DescribeContinuousBackups(ctx context.Context, in *dynamodbapi.DescribeContinuousBackupsInput) (*dynamodbapi.DescribeContinuousBackupsOutput, error) {
	return nil, unsupported("DescribeContinuousBackups")
}

// DescribeContributorInsights is not supported yet.
func (s *Service) DescribeContributorInsights(ctx context.Context, in *dynamodbapi.DescribeContributorInsightsInput) (*dynamodbapi.DescribeContributorInsightsOutput, error) {
	return nil, unsupported("DescribeContributorInsights")
}

// DescribeExport is not supported yet.
func (s *Service) DescribeExport(ctx context.Context, in *dynamodbapi.DescribeExportInput) (*dynamodbapi.DescribeExportOutput, error) {
	return nil, unsupported("DescribeExport")
}

// DescribeGlobalTable is not supported yet.
func (s *Service) DescribeGlobalTable(ctx context.Context, in *dynamodbapi.DescribeGlobalTableInput) (*dynamodbapi.DescribeGlobalTableOutput, error) {
	return nil, unsupported("DescribeGlobalTable")
}

// DescribeGlobalTableSettings is not supported yet.
func (s *Service) DescribeGlobalTableSettings(ctx context.Context, in *dynamodbapi.DescribeGlobalTableSettingsInput) (*dynamodbapi.DescribeGlobalTableSettingsOutput, error) {
	return nil, unsupported("DescribeGlobalTableSettings")
}

// DescribeImport is not supported yet.
func (s *Service) DescribeImport(ctx context.Context, in *dynamodbapi.DescribeImportInput) (*dynamodbapi.DescribeImportOutput, error) {
	return nil, unsupported("DescribeImport")
}

// DescribeKinesisStreamingDestination is not supported yet.
func (s *Service) DescribeKinesisStreamingDestination(ctx context.Context, in *dynamodbapi.DescribeKinesisStreamingDestinationInput) (*dynamodbapi.DescribeKinesisStreamingDestinationOutput, error) {
	return nil, unsupported("DescribeKinesisStreamingDestination")
}

// DescribeTableReplicaAutoScaling is not supported yet.
func (s *Service) DescribeTableReplicaAutoScaling(ctx context.Context, in *dynamodbapi.DescribeTableReplicaAutoScalingInput) (*dynamodbapi.DescribeTableReplicaAutoScalingOutput, error) {
	return nil, unsupported("DescribeTableReplicaAutoScaling")
}

// DisableKinesisStreamingDestination is not supported yet.
func (s *Service) DisableKinesisStreamingDestination(ctx context.Context, in *dynamodbapi.KinesisStreamingDestinationInput) (*dynamodbapi.KinesisStreamingDestinationOutput, error) {
	return nil, unsupported("DisableKinesisStreamingDestination")
}

// EnableKinesisStreamingDestination is not supported yet.
func (s *Service) EnableKinesisStreamingDestination(ctx context.Context, in *dynamodbapi.KinesisStreamingDestinationInput) (*dynamodbapi.KinesisStreamingDestinationOutput, error) {
	return nil, unsupported("EnableKinesisStreamingDestination")
}

// ExportTableToPointInTime is not supported yet.
func (s *Service) ExportTableToPointInTime(ctx context.Context, in *dynamodbapi.ExportTableToPointInTimeInput) (*dynamodbapi.ExportTableToPointInTimeOutput, error) {
	return nil, unsupported("ExportTableToPointInTime")
}

// GetResourcePolicy is not supported yet.
func (s *Service) GetResourcePolicy(ctx context.Context, in *dynamodbapi.GetResourcePolicyInput) (*dynamodbapi.GetResourcePolicyOutput, error) {
	return nil, unsupported("GetResourcePolicy")
}

// ImportTable is not supported yet.
func (s *Service) ImportTable(ctx context.Context, in *dynamodbapi.ImportTableInput) (*dynamodbapi.ImportTableOutput, error) {
	return nil, unsupported("ImportTable")
}

// ListBackups is not supported yet.
func (s *Service) ListBackups(ctx context.Context, in *dynamodbapi.ListBackupsInput) (*dynamodbapi.ListBackupsOutput, error) {
	return nil, unsupported("ListBackups")
}

// ListContributorInsights is not supported yet.
func (s *Service) ListContributorInsights(ctx context.Context, in *dynamodbapi.ListContributorInsightsInput) (*dynamodbapi.ListContributorInsightsOutput, error) {
	return nil, unsupported("ListContributorInsights")
}

// ListExports is not supported yet.
func (s *Service) ListExports(ctx context.Context, in *dynamodbapi.ListExportsInput) (*dynamodbapi.ListExportsOutput, error) {
	return nil, unsupported("ListExports")
}

// ListGlobalTables is not supported yet.
func (s *Service) ListGlobalTables(ctx context.Context, in *dynamodbapi.ListGlobalTablesInput) (*dynamodbapi.ListGlobalTablesOutput, error) {
	return nil, unsupported("ListGlobalTables")
}

// ListImports is not supported yet.
func (s *Service) ListImports(ctx context.Context, in *dynamodbapi.ListImportsInput) (*dynamodbapi.ListImportsOutput, error) {
	return nil, unsupported("ListImports")
}

// PutResourcePolicy is not supported yet.
func (s *Service) PutResourcePolicy(ctx context.Context, in *dynamodbapi.PutResourcePolicyInput) (*dynamodbapi.PutResourcePolicyOutput, error) {
	return nil, unsupported("PutResourcePolicy")
}

// RestoreTableFromBackup is not supported yet.
func (s *Service) RestoreTableFromBackup(ctx context.Context, in *dynamodbapi.RestoreTableFromBackupInput) (*dynamodbapi.RestoreTableFromBackupOutput, error) {
	return nil, unsupported("RestoreTableFromBackup")
}

// RestoreTableToPointInTime is not supported yet.
func (s *Service) RestoreTableToPointInTime(ctx context.Context, in *dynamodbapi.RestoreTableToPointInTimeInput) (*dynamodbapi.RestoreTableToPointInTimeOutput, error) {
	return nil, unsupported("RestoreTableToPointInTime")
}

// UpdateContinuousBackups is not supported yet.
func (s *Service) UpdateContinuousBackups(ctx context.Context, in *dynamodbapi.UpdateContinuousBackupsInput) (*dynamodbapi.UpdateContinuousBackupsOutput, error) {
	return nil, unsupported("UpdateContinuousBackups")
}

// UpdateContributorInsights is not supported yet.
func (s *Service) UpdateContributorInsights(ctx context.Context, in *dynamodbapi.UpdateContributorInsightsInput) (*dynamodbapi.UpdateContributorInsightsOutput, error) {
	return nil, unsupported("UpdateContributorInsights")
}

// UpdateGlobalTable is not supported yet.
func (s *Service) UpdateGlobalTable(ctx context.Context, in *dynamodbapi.UpdateGlobalTableInput) (*dynamodbapi.UpdateGlobalTableOutput, error) {
	return nil, unsupported("UpdateGlobalTable")
}

// UpdateGlobalTableSettings is not supported yet.
func (s *Service) UpdateGlobalTableSettings(ctx context.Context, in *dynamodbapi.UpdateGlobalTableSettingsInput) (*dynamodbapi.UpdateGlobalTableSettingsOutput, error) {
	return nil, unsupported("UpdateGlobalTableSettings")
}

// UpdateKinesisStreamingDestination is not supported yet.
func (s *Service) UpdateKinesisStreamingDestination(ctx context.Context, in *dynamodbapi.UpdateKinesisStreamingDestinationInput) (*dynamodbapi.UpdateKinesisStreamingDestinationOutput, error) {
	return nil, unsupported("UpdateKinesisStreamingDestination")
}

// UpdateTableReplicaAutoScaling is not supported yet.
func (s *Service) UpdateTableReplicaAutoScaling(ctx context.Context, in *dynamodbapi.UpdateTableReplicaAutoScalingInput) (*dynamodbapi.UpdateTableReplicaAutoScalingOutput, error) {
	return nil, unsupported("UpdateTableReplicaAutoScaling")
}
