package s3

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/store"
)

func sortTags(tags []tag) {
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
}

// checkTags applies S3's object tag limits.
func checkTags(tags []tag) error {
	if len(tags) > 10 {
		return s3Err("BadRequest", "Object tags cannot be greater than 10", http.StatusBadRequest)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || utf8.RuneCountInString(t.Key) > 128 {
			return s3Err("InvalidTag", "The TagKey you have provided is invalid", http.StatusBadRequest, "TagKey", t.Key)
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return s3Err("InvalidTag", "The TagValue you have provided is invalid", http.StatusBadRequest, "TagKey", t.Key, "TagValue", t.Value)
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return s3Err("InvalidTag", "Your TagKey cannot be prefixed with aws:", http.StatusBadRequest, "TagKey", t.Key)
		}
		if seen[t.Key] {
			return s3Err("InvalidTag", "Cannot provide multiple Tags with the same key", http.StatusBadRequest, "TagKey", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func tagsFromAPI(ts []s3api.Tag) []tag {
	out := make([]tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, tag{Key: deref(t.Key), Value: deref(t.Value)})
	}
	return out
}

func tagsToAPI(ts []tag) []s3api.Tag {
	out := make([]s3api.Tag, 0, len(ts))
	for _, t := range ts {
		out = append(out, s3api.Tag{Key: ptr(t.Key), Value: ptr(t.Value)})
	}
	return out
}

// editObject loads a version (current when versionID is ""), lets fn
// change its metadata and stores it, sending event.
func (s *Service) editObject(ctx context.Context, bucketName, key, versionID, event string, fn func(o *object) error) (*object, error) {
	var o *object
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		if versionID != "" && versionID != nullVersion && !validVersionID(versionID) {
			return invalidVersion(versionID)
		}
		o, err = loadObject(ctx, tx, bucketName, key, versionID)
		if err != nil {
			return err
		}
		if o == nil {
			if versionID != "" {
				return s3Err("NoSuchVersion", "The specified version does not exist.", http.StatusNotFound, "Key", key, "VersionId", versionID)
			}
			return noSuchKey(key)
		}
		if o.deleteMarker {
			if versionID == "" {
				return noSuchKey(key)
			}
			return s3Err("MethodNotAllowed", "The specified method is not allowed against this resource.", http.StatusMethodNotAllowed, "ResourceType", "DeleteMarker")
		}
		if err := fn(o); err != nil {
			return err
		}
		if err := updateObjectMeta(ctx, tx, o); err != nil {
			return err
		}
		if event != "" {
			return s.notify(ctx, tx, b, event, o)
		}
		return nil
	})
	return o, err
}

func versionHeader(o *object) *string {
	if o == nil || o.versionID == nullVersion {
		return nil
	}
	return ptr(o.versionID)
}

// PutObjectTagging replaces an object's tags.
func (s *Service) PutObjectTagging(ctx context.Context, in *s3api.PutObjectTaggingRequest) (*s3api.PutObjectTaggingOutput, error) {
	if in.Tagging == nil {
		return nil, s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	tags := tagsFromAPI(in.Tagging.TagSet)
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	sortTags(tags)
	o, err := s.editObject(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId), "ObjectTagging:Put", func(o *object) error {
		o.meta.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectTaggingOutput{VersionId: versionHeader(o)}, nil
}

// GetObjectTagging returns an object's tags.
func (s *Service) GetObjectTagging(ctx context.Context, in *s3api.GetObjectTaggingRequest) (*s3api.GetObjectTaggingOutput, error) {
	o, err := s.readTarget(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	return &s3api.GetObjectTaggingOutput{TagSet: tagsToAPI(o.meta.Tags), VersionId: versionHeader(o)}, nil
}

// DeleteObjectTagging removes an object's tags.
func (s *Service) DeleteObjectTagging(ctx context.Context, in *s3api.DeleteObjectTaggingRequest) (*s3api.DeleteObjectTaggingOutput, error) {
	o, err := s.editObject(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId), "ObjectTagging:Delete", func(o *object) error {
		o.meta.Tags = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.DeleteObjectTaggingOutput{VersionId: versionHeader(o)}, nil
}
