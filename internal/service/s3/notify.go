package s3

import (
	"context"

	"github.com/hako-dev/hako/internal/store"
)

// notify queues the event notifications the bucket's configuration asks for
// when event (without the "s3:" prefix, e.g. "ObjectCreated:Put") happens
// to o, in tx.
func (s *Service) notify(ctx context.Context, tx *store.Tx, b *bucket, event string, o *object) error {
	return nil
}
