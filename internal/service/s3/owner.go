package s3

import (
	"context"
	"net/http"
	"reflect"
	"sync"

	"github.com/hako-dev/hako/internal/store"
)

// ownerField caches, per input type, the index of its ExpectedBucketOwner
// and Bucket members (-1 when absent).
var ownerFields sync.Map // reflect.Type -> [2]int

func ownerFieldsOf(t reflect.Type) [2]int {
	if v, ok := ownerFields.Load(t); ok {
		return v.([2]int)
	}
	idx := [2]int{-1, -1}
	if f, ok := t.FieldByName("ExpectedBucketOwner"); ok && len(f.Index) == 1 {
		idx[0] = f.Index[0]
	}
	if f, ok := t.FieldByName("Bucket"); ok && len(f.Index) == 1 && f.Type == reflect.TypeOf((*string)(nil)) {
		idx[1] = f.Index[0]
	}
	ownerFields.Store(t, idx)
	return idx
}

// CheckExpectedOwner applies x-amz-expected-bucket-owner: when a request
// names an account that does not own the bucket, S3 answers 403
// AccessDenied. Called by the edge before every operation.
func (s *Service) CheckExpectedOwner(ctx context.Context, in any) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	idx := ownerFieldsOf(v.Type())
	if idx[0] < 0 || idx[1] < 0 {
		return nil
	}
	want, _ := v.Field(idx[0]).Interface().(*string)
	name, _ := v.Field(idx[1]).Interface().(*string)
	if want == nil || name == nil {
		return nil
	}
	var b *bucket
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		b, err = loadBucket(ctx, tx, *name)
		return err
	})
	if err != nil {
		return nil // the operation reports the missing bucket
	}
	if b.account != *want {
		return s3Err("AccessDenied", "Access Denied", http.StatusForbidden)
	}
	return nil
}
