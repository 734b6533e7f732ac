package s3

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/hako-dev/hako/internal/store"
)

// Bucket configuration documents (tagging, policy, CORS, website,
// lifecycle, notification, ...) are rows of s3_bucket_config, one per
// bucket and kind, holding the s3api value as JSON.

// putConfig stores v as the bucket's configuration of kind. The bucket must
// exist (NoSuchBucket otherwise).
func (s *Service) putConfig(ctx context.Context, bucket, kind string, v any) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucket); err != nil {
			return err
		}
		return s.putConfigTx(ctx, tx, bucket, kind, v)
	})
}

// putConfigTx stores v within tx; the cached copy is dropped once tx
// commits.
func (s *Service) putConfigTx(ctx context.Context, tx *store.Tx, bucket, kind string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO s3_bucket_config (bucket, kind, body) VALUES (?, ?, ?)
ON CONFLICT (bucket, kind) DO UPDATE SET body = excluded.body`, bucket, kind, string(body)); err != nil {
		return err
	}
	tx.AfterCommit(func() { s.invalidateConfig(bucket, kind) })
	return nil
}

// getConfig loads the bucket's configuration of kind into v. It returns
// false when the bucket has none, NoSuchBucket when the bucket is missing.
func (s *Service) getConfig(ctx context.Context, bucket, kind string, v any) (bool, error) {
	var found bool
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucket); err != nil {
			return err
		}
		var err error
		found, err = getConfigTx(ctx, tx, bucket, kind, v)
		return err
	})
	return found, err
}

func getConfigTx(ctx context.Context, tx *store.Tx, bucket, kind string, v any) (bool, error) {
	var body string
	err := tx.QueryRow(ctx, "SELECT body FROM s3_bucket_config WHERE bucket = ? AND kind = ?", bucket, kind).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal([]byte(body), v)
}

// deleteConfig removes the bucket's configuration of kind (no error when it
// has none).
func (s *Service) deleteConfig(ctx context.Context, bucket, kind string) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, bucket); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM s3_bucket_config WHERE bucket = ? AND kind = ?", bucket, kind)
		tx.AfterCommit(func() { s.invalidateConfig(bucket, kind) })
		return err
	})
}
