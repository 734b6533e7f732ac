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

// AbortMultipartUpload is not implemented yet.
func (s *Service) AbortMultipartUpload(ctx context.Context, in *s3api.AbortMultipartUploadRequest) (*s3api.AbortMultipartUploadOutput, error) {
	return nil, notImplemented("AbortMultipartUpload")
}

// CompleteMultipartUpload is not implemented yet.
func (s *Service) CompleteMultipartUpload(ctx context.Context, in *s3api.CompleteMultipartUploadRequest) (*s3api.CompleteMultipartUploadOutput, error) {
	return nil, notImplemented("CompleteMultipartUpload")
}

// CopyObject is not implemented yet.
func (s *Service) CopyObject(ctx context.Context, in *s3api.CopyObjectRequest) (*s3api.CopyObjectOutput, error) {
	return nil, notImplemented("CopyObject")
}

// CreateBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) CreateBucketMetadataTableConfiguration(ctx context.Context, in *s3api.CreateBucketMetadataTableConfigurationRequest) error {
	return notImplemented("CreateBucketMetadataTableConfiguration")
}

// CreateMultipartUpload is not implemented yet.
func (s *Service) CreateMultipartUpload(ctx context.Context, in *s3api.CreateMultipartUploadRequest) (*s3api.CreateMultipartUploadOutput, error) {
	return nil, notImplemented("CreateMultipartUpload")
}

// CreateSession is not implemented yet.
func (s *Service) CreateSession(ctx context.Context, in *s3api.CreateSessionRequest) (*s3api.CreateSessionOutput, error) {
	return nil, notImplemented("CreateSession")
}

// DeleteBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) DeleteBucketAnalyticsConfiguration(ctx context.Context, in *s3api.DeleteBucketAnalyticsConfigurationRequest) error {
	return notImplemented("DeleteBucketAnalyticsConfiguration")
}

// DeleteBucketCors is not implemented yet.
func (s *Service) DeleteBucketCors(ctx context.Context, in *s3api.DeleteBucketCorsRequest) error {
	return notImplemented("DeleteBucketCors")
}

// DeleteBucketEncryption is not implemented yet.
func (s *Service) DeleteBucketEncryption(ctx context.Context, in *s3api.DeleteBucketEncryptionRequest) error {
	return notImplemented("DeleteBucketEncryption")
}

// DeleteBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) DeleteBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.DeleteBucketIntelligentTieringConfigurationRequest) error {
	return notImplemented("DeleteBucketIntelligentTieringConfiguration")
}

// DeleteBucketInventoryConfiguration is not implemented yet.
func (s *Service) DeleteBucketInventoryConfiguration(ctx context.Context, in *s3api.DeleteBucketInventoryConfigurationRequest) error {
	return notImplemented("DeleteBucketInventoryConfiguration")
}

// DeleteBucketLifecycle is not implemented yet.
func (s *Service) DeleteBucketLifecycle(ctx context.Context, in *s3api.DeleteBucketLifecycleRequest) error {
	return notImplemented("DeleteBucketLifecycle")
}

// DeleteBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) DeleteBucketMetadataTableConfiguration(ctx context.Context, in *s3api.DeleteBucketMetadataTableConfigurationRequest) error {
	return notImplemented("DeleteBucketMetadataTableConfiguration")
}

// DeleteBucketMetricsConfiguration is not implemented yet.
func (s *Service) DeleteBucketMetricsConfiguration(ctx context.Context, in *s3api.DeleteBucketMetricsConfigurationRequest) error {
	return notImplemented("DeleteBucketMetricsConfiguration")
}

// DeleteBucketOwnershipControls is not implemented yet.
func (s *Service) DeleteBucketOwnershipControls(ctx context.Context, in *s3api.DeleteBucketOwnershipControlsRequest) error {
	return notImplemented("DeleteBucketOwnershipControls")
}

// DeleteBucketPolicy is not implemented yet.
func (s *Service) DeleteBucketPolicy(ctx context.Context, in *s3api.DeleteBucketPolicyRequest) error {
	return notImplemented("DeleteBucketPolicy")
}

// DeleteBucketReplication is not implemented yet.
func (s *Service) DeleteBucketReplication(ctx context.Context, in *s3api.DeleteBucketReplicationRequest) error {
	return notImplemented("DeleteBucketReplication")
}

// DeleteBucketTagging is not implemented yet.
func (s *Service) DeleteBucketTagging(ctx context.Context, in *s3api.DeleteBucketTaggingRequest) error {
	return notImplemented("DeleteBucketTagging")
}

// DeleteBucketWebsite is not implemented yet.
func (s *Service) DeleteBucketWebsite(ctx context.Context, in *s3api.DeleteBucketWebsiteRequest) error {
	return notImplemented("DeleteBucketWebsite")
}

// DeletePublicAccessBlock is not implemented yet.
func (s *Service) DeletePublicAccessBlock(ctx context.Context, in *s3api.DeletePublicAccessBlockRequest) error {
	return notImplemented("DeletePublicAccessBlock")
}

// GetBucketAccelerateConfiguration is not implemented yet.
func (s *Service) GetBucketAccelerateConfiguration(ctx context.Context, in *s3api.GetBucketAccelerateConfigurationRequest) (*s3api.GetBucketAccelerateConfigurationOutput, error) {
	return nil, notImplemented("GetBucketAccelerateConfiguration")
}

// GetBucketAcl is not implemented yet.
func (s *Service) GetBucketAcl(ctx context.Context, in *s3api.GetBucketAclRequest) (*s3api.GetBucketAclOutput, error) {
	return nil, notImplemented("GetBucketAcl")
}

// GetBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) GetBucketAnalyticsConfiguration(ctx context.Context, in *s3api.GetBucketAnalyticsConfigurationRequest) (*s3api.GetBucketAnalyticsConfigurationOutput, error) {
	return nil, notImplemented("GetBucketAnalyticsConfiguration")
}

// GetBucketCors is not implemented yet.
func (s *Service) GetBucketCors(ctx context.Context, in *s3api.GetBucketCorsRequest) (*s3api.GetBucketCorsOutput, error) {
	return nil, notImplemented("GetBucketCors")
}

// GetBucketEncryption is not implemented yet.
func (s *Service) GetBucketEncryption(ctx context.Context, in *s3api.GetBucketEncryptionRequest) (*s3api.GetBucketEncryptionOutput, error) {
	return nil, notImplemented("GetBucketEncryption")
}

// GetBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) GetBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.GetBucketIntelligentTieringConfigurationRequest) (*s3api.GetBucketIntelligentTieringConfigurationOutput, error) {
	return nil, notImplemented("GetBucketIntelligentTieringConfiguration")
}

// GetBucketInventoryConfiguration is not implemented yet.
func (s *Service) GetBucketInventoryConfiguration(ctx context.Context, in *s3api.GetBucketInventoryConfigurationRequest) (*s3api.GetBucketInventoryConfigurationOutput, error) {
	return nil, notImplemented("GetBucketInventoryConfiguration")
}

// GetBucketLifecycleConfiguration is not implemented yet.
func (s *Service) GetBucketLifecycleConfiguration(ctx context.Context, in *s3api.GetBucketLifecycleConfigurationRequest) (*s3api.GetBucketLifecycleConfigurationOutput, error) {
	return nil, notImplemented("GetBucketLifecycleConfiguration")
}

// GetBucketLogging is not implemented yet.
func (s *Service) GetBucketLogging(ctx context.Context, in *s3api.GetBucketLoggingRequest) (*s3api.GetBucketLoggingOutput, error) {
	return nil, notImplemented("GetBucketLogging")
}

// GetBucketMetadataTableConfiguration is not implemented yet.
func (s *Service) GetBucketMetadataTableConfiguration(ctx context.Context, in *s3api.GetBucketMetadataTableConfigurationRequest) (*s3api.GetBucketMetadataTableConfigurationOutput, error) {
	return nil, notImplemented("GetBucketMetadataTableConfiguration")
}

// GetBucketMetricsConfiguration is not implemented yet.
func (s *Service) GetBucketMetricsConfiguration(ctx context.Context, in *s3api.GetBucketMetricsConfigurationRequest) (*s3api.GetBucketMetricsConfigurationOutput, error) {
	return nil, notImplemented("GetBucketMetricsConfiguration")
}

// GetBucketNotificationConfiguration is not implemented yet.
func (s *Service) GetBucketNotificationConfiguration(ctx context.Context, in *s3api.GetBucketNotificationConfigurationRequest) (*s3api.NotificationConfiguration, error) {
	return nil, notImplemented("GetBucketNotificationConfiguration")
}

// GetBucketOwnershipControls is not implemented yet.
func (s *Service) GetBucketOwnershipControls(ctx context.Context, in *s3api.GetBucketOwnershipControlsRequest) (*s3api.GetBucketOwnershipControlsOutput, error) {
	return nil, notImplemented("GetBucketOwnershipControls")
}

// GetBucketPolicy is not implemented yet.
func (s *Service) GetBucketPolicy(ctx context.Context, in *s3api.GetBucketPolicyRequest) (*s3api.GetBucketPolicyOutput, error) {
	return nil, notImplemented("GetBucketPolicy")
}

// GetBucketPolicyStatus is not implemented yet.
func (s *Service) GetBucketPolicyStatus(ctx context.Context, in *s3api.GetBucketPolicyStatusRequest) (*s3api.GetBucketPolicyStatusOutput, error) {
	return nil, notImplemented("GetBucketPolicyStatus")
}

// GetBucketReplication is not implemented yet.
func (s *Service) GetBucketReplication(ctx context.Context, in *s3api.GetBucketReplicationRequest) (*s3api.GetBucketReplicationOutput, error) {
	return nil, notImplemented("GetBucketReplication")
}

// GetBucketRequestPayment is not implemented yet.
func (s *Service) GetBucketRequestPayment(ctx context.Context, in *s3api.GetBucketRequestPaymentRequest) (*s3api.GetBucketRequestPaymentOutput, error) {
	return nil, notImplemented("GetBucketRequestPayment")
}

// GetBucketTagging is not implemented yet.
func (s *Service) GetBucketTagging(ctx context.Context, in *s3api.GetBucketTaggingRequest) (*s3api.GetBucketTaggingOutput, error) {
	return nil, notImplemented("GetBucketTagging")
}

// GetBucketWebsite is not implemented yet.
func (s *Service) GetBucketWebsite(ctx context.Context, in *s3api.GetBucketWebsiteRequest) (*s3api.GetBucketWebsiteOutput, error) {
	return nil, notImplemented("GetBucketWebsite")
}

// GetObjectAcl is not implemented yet.
func (s *Service) GetObjectAcl(ctx context.Context, in *s3api.GetObjectAclRequest) (*s3api.GetObjectAclOutput, error) {
	return nil, notImplemented("GetObjectAcl")
}

// GetObjectAttributes is not implemented yet.
func (s *Service) GetObjectAttributes(ctx context.Context, in *s3api.GetObjectAttributesRequest) (*s3api.GetObjectAttributesOutput, error) {
	return nil, notImplemented("GetObjectAttributes")
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

// GetPublicAccessBlock is not implemented yet.
func (s *Service) GetPublicAccessBlock(ctx context.Context, in *s3api.GetPublicAccessBlockRequest) (*s3api.GetPublicAccessBlockOutput, error) {
	return nil, notImplemented("GetPublicAccessBlock")
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

// ListMultipartUploads is not implemented yet.
func (s *Service) ListMultipartUploads(ctx context.Context, in *s3api.ListMultipartUploadsRequest) (*s3api.ListMultipartUploadsOutput, error) {
	return nil, notImplemented("ListMultipartUploads")
}

// ListParts is not implemented yet.
func (s *Service) ListParts(ctx context.Context, in *s3api.ListPartsRequest) (*s3api.ListPartsOutput, error) {
	return nil, notImplemented("ListParts")
}

// PutBucketAccelerateConfiguration is not implemented yet.
func (s *Service) PutBucketAccelerateConfiguration(ctx context.Context, in *s3api.PutBucketAccelerateConfigurationRequest) error {
	return notImplemented("PutBucketAccelerateConfiguration")
}

// PutBucketAcl is not implemented yet.
func (s *Service) PutBucketAcl(ctx context.Context, in *s3api.PutBucketAclRequest) error {
	return notImplemented("PutBucketAcl")
}

// PutBucketAnalyticsConfiguration is not implemented yet.
func (s *Service) PutBucketAnalyticsConfiguration(ctx context.Context, in *s3api.PutBucketAnalyticsConfigurationRequest) error {
	return notImplemented("PutBucketAnalyticsConfiguration")
}

// PutBucketCors is not implemented yet.
func (s *Service) PutBucketCors(ctx context.Context, in *s3api.PutBucketCorsRequest) error {
	return notImplemented("PutBucketCors")
}

// PutBucketEncryption is not implemented yet.
func (s *Service) PutBucketEncryption(ctx context.Context, in *s3api.PutBucketEncryptionRequest) error {
	return notImplemented("PutBucketEncryption")
}

// PutBucketIntelligentTieringConfiguration is not implemented yet.
func (s *Service) PutBucketIntelligentTieringConfiguration(ctx context.Context, in *s3api.PutBucketIntelligentTieringConfigurationRequest) error {
	return notImplemented("PutBucketIntelligentTieringConfiguration")
}

// PutBucketInventoryConfiguration is not implemented yet.
func (s *Service) PutBucketInventoryConfiguration(ctx context.Context, in *s3api.PutBucketInventoryConfigurationRequest) error {
	return notImplemented("PutBucketInventoryConfiguration")
}

// PutBucketLifecycleConfiguration is not implemented yet.
func (s *Service) PutBucketLifecycleConfiguration(ctx context.Context, in *s3api.PutBucketLifecycleConfigurationRequest) (*s3api.PutBucketLifecycleConfigurationOutput, error) {
	return nil, notImplemented("PutBucketLifecycleConfiguration")
}

// PutBucketLogging is not implemented yet.
func (s *Service) PutBucketLogging(ctx context.Context, in *s3api.PutBucketLoggingRequest) error {
	return notImplemented("PutBucketLogging")
}

// PutBucketMetricsConfiguration is not implemented yet.
func (s *Service) PutBucketMetricsConfiguration(ctx context.Context, in *s3api.PutBucketMetricsConfigurationRequest) error {
	return notImplemented("PutBucketMetricsConfiguration")
}

// PutBucketNotificationConfiguration is not implemented yet.
func (s *Service) PutBucketNotificationConfiguration(ctx context.Context, in *s3api.PutBucketNotificationConfigurationRequest) error {
	return notImplemented("PutBucketNotificationConfiguration")
}

// PutBucketOwnershipControls is not implemented yet.
func (s *Service) PutBucketOwnershipControls(ctx context.Context, in *s3api.PutBucketOwnershipControlsRequest) error {
	return notImplemented("PutBucketOwnershipControls")
}

// PutBucketPolicy is not implemented yet.
func (s *Service) PutBucketPolicy(ctx context.Context, in *s3api.PutBucketPolicyRequest) error {
	return notImplemented("PutBucketPolicy")
}

// PutBucketReplication is not implemented yet.
func (s *Service) PutBucketReplication(ctx context.Context, in *s3api.PutBucketReplicationRequest) error {
	return notImplemented("PutBucketReplication")
}

// PutBucketRequestPayment is not implemented yet.
func (s *Service) PutBucketRequestPayment(ctx context.Context, in *s3api.PutBucketRequestPaymentRequest) error {
	return notImplemented("PutBucketRequestPayment")
}

// PutBucketTagging is not implemented yet.
func (s *Service) PutBucketTagging(ctx context.Context, in *s3api.PutBucketTaggingRequest) error {
	return notImplemented("PutBucketTagging")
}

// PutBucketWebsite is not implemented yet.
func (s *Service) PutBucketWebsite(ctx context.Context, in *s3api.PutBucketWebsiteRequest) error {
	return notImplemented("PutBucketWebsite")
}

// PutObjectAcl is not implemented yet.
func (s *Service) PutObjectAcl(ctx context.Context, in *s3api.PutObjectAclRequest) (*s3api.PutObjectAclOutput, error) {
	return nil, notImplemented("PutObjectAcl")
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

// PutPublicAccessBlock is not implemented yet.
func (s *Service) PutPublicAccessBlock(ctx context.Context, in *s3api.PutPublicAccessBlockRequest) error {
	return notImplemented("PutPublicAccessBlock")
}

// RestoreObject is not implemented yet.
func (s *Service) RestoreObject(ctx context.Context, in *s3api.RestoreObjectRequest) (*s3api.RestoreObjectOutput, error) {
	return nil, notImplemented("RestoreObject")
}

// SelectObjectContent is not implemented yet.
func (s *Service) SelectObjectContent(ctx context.Context, in *s3api.SelectObjectContentRequest) (*s3api.SelectObjectContentOutput, error) {
	return nil, notImplemented("SelectObjectContent")
}

// UploadPart is not implemented yet.
func (s *Service) UploadPart(ctx context.Context, in *s3api.UploadPartRequest) (*s3api.UploadPartOutput, error) {
	return nil, notImplemented("UploadPart")
}

// UploadPartCopy is not implemented yet.
func (s *Service) UploadPartCopy(ctx context.Context, in *s3api.UploadPartCopyRequest) (*s3api.UploadPartCopyOutput, error) {
	return nil, notImplemented("UploadPartCopy")
}

// WriteGetObjectResponse is not implemented yet.
func (s *Service) WriteGetObjectResponse(ctx context.Context, in *s3api.WriteGetObjectResponseRequest) error {
	return notImplemented("WriteGetObjectResponse")
}
