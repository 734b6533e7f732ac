package s3

import (
	"context"
	"fmt"
	"io"
)

// GetObjectBytes reads an object whole (at most limit bytes) for other
// services: Lambda deployment packages and layers from Code.S3Bucket.
// Failures read as Lambda reports them: "S3 Error Code: NoSuchKey. S3
// Error Message: The specified key does not exist."
func (s *Service) GetObjectBytes(ctx context.Context, bucket, key, version string, limit int64) ([]byte, error) {
	o, err := s.readTarget(ctx, bucket, key, version)
	if err != nil {
		if ae := asS3Err(err); ae != nil {
			return nil, fmt.Errorf("S3 Error Code: %s. S3 Error Message: %s", ae.Code, ae.Message)
		}
		return nil, err
	}
	if o.blobID == "" {
		return []byte{}, nil
	}
	r, err := s.blobs.Open(o.blobID)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}
