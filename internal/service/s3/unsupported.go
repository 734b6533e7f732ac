package s3

import (
	"context"
	"net/http"

	"github.com/hako-dev/hako/internal/model/s3api"
)

// notImplemented is S3's answer for operations hako does not serve yet.
func notImplemented(op string) error {
	return s3Err("NotImplemented", op+" is not implemented by hako yet.", http.StatusNotImplemented)
}

// CreateBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) CreateBucketMetadataTableConfiguration(ctx context.Context, in *s3api.CreateBucketMetadataTableConfigurationRequest) error {
	return notImplemented("CreateBucketMetadataTableConfiguration")
}

// CreateSession is not implemented yet.
func (s *Service) CreateSession(ctx context.Context, in *s3api.CreateSessionRequest) (*s3api.CreateSessionOutput, error) {
	return nil, notImplemented("CreateSession")
}

// DeleteBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) DeleteBucketAnalyticsConfiguration(ctx context.Context, in *s3api.DeleteBucketAnalyticsConfigurationRequest) error {
	return notImplemented("DeleteBucketAnalyticsConfiguration")
}

// DeleteBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) DeleteBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.DeleteBucketIntelligentTieringConfigurationRequest) error {
	return notImplemented("DeleteBucketIntelligentTieringConfiguration")
}

// DeleteBucketInventoryConfiguration is not implemented yet.
func (s *Service) DeleteBucketInventoryConfiguration(ctx context.Context, in *s3api.DeleteBucketInventoryConfigurationRequest) error {
	return notImplemented("DeleteBucketInventoryConfiguration")
}

// DeleteBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) DeleteBucketMetadataTableConfiguration(ctx context.Context, in *s3api.DeleteBucketMetadataTableConfigurationRequest) error {
	return notImplemented("DeleteBucketMetadataTableConfiguration")
}

// DeleteBucketMetricsConfiguration is not implemented yet.
func (s *Service) DeleteBucketMetricsConfiguration(ctx context.Context, in *s3api.DeleteBucketMetricsConfigurationRequest) error {
	return notImplemented("DeleteBucketMetricsConfiguration")
}

// DeleteBucketReplication is not implemented yet.
func (s *Service) DeleteBucketReplication(ctx context.Context, in *s3api.DeleteBucketReplicationRequest) error {
	return notImplemented("DeleteBucketReplication")
}

// GetBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) GetBucketAnalyticsConfiguration(ctx context.Context, in *s3api.GetBucketAnalyticsConfigurationRequest) (*s3api.GetBucketAnalyticsConfigurationOutput, error) {
	return nil, notImplemented("GetBucketAnalyticsConfiguration")
}

// GetBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) GetBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.GetBucketIntelligentTieringConfigurationRequest) (*s3api.GetBucketIntelligentTieringConfigurationOutput, error) {
	return nil, notImplemented("GetBucketIntelligentTieringConfiguration")
}

// GetBucketInventoryConfiguration is not implemented yet.
func (s *Service) GetBucketInventoryConfiguration(ctx context.Context, in *s3api.GetBucketInventoryConfigurationRequest) (*s3api.GetBucketInventoryConfigurationOutput, error) {
	return nil, notImplemented("GetBucketInventoryConfiguration")
}

// GetBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) GetBucketMetadataTableConfiguration(ctx context.Context, in *s3api.GetBucketMetadataTableConfigurationRequest) (*s3api.GetBucketMetadataTableConfigurationOutput, error) {
	return nil, notImplemented("GetBucketMetadataTableConfiguration")
}

// GetBucketMetricsConfiguration is not implemented yet.
func (s *Service) GetBucketMetricsConfiguration(ctx context.Context, in *s3api.GetBucketMetricsConfigurationRequest) (*s3api.GetBucketMetricsConfigurationOutput, error) {
	return nil, notImplemented("GetBucketMetricsConfiguration")
}

// GetBucketReplication is not implemented yet.
func (s *Service) GetBucketReplication(ctx context.Context, in *s3api.GetBucketReplicationRequest) (*s3api.GetBucketReplicationOutput, error) {
	return nil, notImplemented("GetBucketReplication")
}

// GetObjectLegalHold is not implemented yet.
func (s *Service) GetObjectLegalHold(ctx context.Context, in *s3api.GetObjectLegalHoldRequest) (*s3api.GetObjectLegalHoldOutput, error) {
	return nil, notImplemented("GetObjectLegalHold")
}

// GetObjectLockConfiguration is not implemented yet.
func (s *Service) GetObjectLockConfiguration(ctx context.Context, in *s3api.GetObjectLockConfigurationRequest) (*s3api.GetObjectLockConfigurationOutput, error) {
	return nil, notImplemented("GetObjectLockConfiguration")
}

// GetObjectRetention is not implemented yet.
func (s *Service) GetObjectRetention(ctx context.Context, in *s3api.GetObjectRetentionRequest) (*s3api.GetObjectRetentionOutput, error) {
	return nil, notImplemented("GetObjectRetention")
}

// GetObjectTorrent is not implemented yet.
func (s *Service) GetObjectTorrent(ctx context.Context, in *s3api.GetObjectTorrentRequest) (*s3api.GetObjectTorrentOutput, error) {
	return nil, notImplemented("GetObjectTorrent")
}

// ListBucketAnalyticsConfigurations is not implemented yet.
func (s *Service) ListBucketAnalyticsConfigurations(ctx context.Context, in *s3api.ListBucketAnalyticsConfigurationsRequest) (*s3api.ListBucketAnalyticsConfigurationsOutput, error) {
	return nil, notImplemented("ListBucketAnalyticsConfigurations")
}

// ListBucketIntelligentTieringConfigurations is not implemented yet.
func (s *Service) ListBucketIntelligentTieringConfigurations(ctx context.Context, in *s3api.ListBucketIntelligentTieringConfigurationsRequest) (*s3api.ListBucketIntelligentTieringConfigurationsOutput, error) {
	return nil, notImplemented("ListBucketIntelligentTieringConfigurations")
}

// ListBucketInventoryConfigurations is not implemented yet.
func (s *Service) ListBucketInventoryConfigurations(ctx context.Context, in *s3api.ListBucketInventoryConfigurationsRequest) (*s3api.ListBucketInventoryConfigurationsOutput, error) {
	return nil, notImplemented("ListBucketInventoryConfigurations")
}

// ListBucketMetricsConfigurations is not implemented yet.
func (s *Service) ListBucketMetricsConfigurations(ctx context.Context, in *s3api.ListBucketMetricsConfigurationsRequest) (*s3api.ListBucketMetricsConfigurationsOutput, error) {
	return nil, notImplemented("ListBucketMetricsConfigurations")
}

// ListDirectoryBuckets is not implemented yet.
func (s *Service) ListDirectoryBuckets(ctx context.Context, in *s3api.ListDirectoryBucketsRequest) (*s3api.ListDirectoryBucketsOutput, error) {
	return nil, notImplemented("ListDirectoryBuckets")
}

// PutBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) PutBucketAnalyticsConfiguration(ctx context.Context, in *s3api.PutBucketAnalyticsConfigurationRequest) error {
	return notImplemented("PutBucketAnalyticsConfiguration")
}

// PutBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) PutBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.PutBucketIntelligentTieringConfigurationRequest) error {
	return notImplemented("PutBucketIntelligentTieringConfiguration")
}

// PutBucketInventoryConfiguration is not implemented yet.
func (s *Service) PutBucketInventoryConfiguration(ctx context.Context, in *s3api.PutBucketInventoryConfigurationRequest) error {
	return notImplemented("PutBucketInventoryConfiguration")
}

// PutBucketMetricsConfiguration is not implemented yet.
func (s *Service) PutBucketMetricsConfiguration(ctx context.Context, in *s3api.PutBucketMetricsConfigurationRequest) error {
	return notImplemented("PutBucketMetricsConfiguration")
}

// PutBucketReplication is not implemented yet.
func (s *Service) PutBucketReplication(ctx context.Context, in *s3api.PutBucketReplicationRequest) error {
	return notImplemented("PutBucketReplication")
}

// PutObjectLegalHold is not implemented yet.
func (s *Service) PutObjectLegalHold(ctx context.Context, in *s3api.PutObjectLegalHoldRequest) (*s3api.PutObjectLegalHoldOutput, error) {
	return nil, notImplemented("PutObjectLegalHold")
}

// PutObjectLockConfiguration is not implemented yet.
func (s *Service) PutObjectLockConfiguration(ctx context.Context, in *s3api.PutObjectLockConfigurationRequest) (*s3api.PutObjectLockConfigurationOutput, error) {
	return nil, notImplemented("PutObjectLockConfiguration")
}

// PutObjectRetention is not implemented yet.
func (s *Service) PutObjectRetention(ctx context.Context, in *s3api.PutObjectRetentionRequest) (*s3api.PutObjectRetentionOutput, error) {
	return nil, notImplemented("PutObjectRetention")
}

// RestoreObject is not implemented yet.
func (s *Service) RestoreObject(ctx context.Context, in *s3api.RestoreObjectRequest) (*s3api.RestoreObjectOutput, error) {
	return nil, notImplemented("RestoreObject")
}

// SelectObjectContent is not implemented yet.
func (s *Service) SelectObjectContent(ctx context.Context, in *s3api.SelectObjectContentRequest) (*s3api.SelectObjectContentOutput, error) {
	return nil, notImplemented("SelectObjectContent")
}

// WriteGetObjectResponse is not implemented yet.
func (s *Service) WriteGetObjectResponse(ctx context.Context, in *s3api.WriteGetObjectResponseRequest) error {
	return notImplemented("WriteGetObjectResponse")
}
