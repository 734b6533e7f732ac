package sns

import (
	"context"
	"encoding/base64"
	"maps"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// CreateTopic creates a topic, or returns the existing one when its
// attributes and tags match.
func (s *Service) CreateTopic(ctx context.Context, in *snsapi.CreateTopicInput) (*snsapi.CreateTopicResponse, error) {
	info := reqinfo.From(ctx)
	name := *in.Name
	attrs := maps.Clone(in.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	fifo := false
	if v, ok := attrs["FifoTopic"]; ok {
		switch strings.ToLower(v) {
		case "true":
			fifo = true
		case "false":
		default:
			return nil, invalidParameter("Attributes Reason: FifoTopic: Invalid value [%s]. Must be true or false.", v)
		}
		delete(attrs, "FifoTopic") // a fact of the topic, not a stored attribute
	}
	if fifo {
		if !strings.HasSuffix(name, ".fifo") || !validTopicName(name) {
			return nil, invalidParameterRaw("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
		}
	} else if strings.HasSuffix(name, ".fifo") || !validTopicName(name) {
		return nil, invalidParameter("Topic Name")
	}
	for k, v := range attrs {
		nv, err := checkTopicAttribute(k, v, fifo)
		if err != nil {
			return nil, err
		}
		attrs[k] = nv
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	arn := "arn:aws:sns:" + info.Region + ":" + info.Account + ":" + name
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		t, err := loadTopic(ctx, tx, arn)
		if err != nil {
			return err
		}
		if t != nil {
			for k, v := range attrs {
				if cur, ok := t.attrs[k]; !ok || cur != v {
					return invalidParameter("Attributes Reason: Topic already exists with different attributes")
				}
			}
			if len(in.Tags) > 0 && !sameTags(t.tags, in.Tags) {
				return invalidParameter("Tags Reason: Topic already exists with different tags")
			}
			return nil
		}
		tags := in.Tags
		if tags == nil {
			tags = []snsapi.Tag{}
		}
		_, err = tx.Exec(ctx, `INSERT INTO sns_topics (arn, account, region, fifo, attrs, tags, seq, deleted, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)`, arn, info.Account, info.Region, b2i(fifo), mustJSON(attrs), mustJSON(tags), s.clk.Now().UnixMilli())
		changed(tx, arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.CreateTopicResponse{TopicArn: &arn}, nil
}

// topicForUpdate loads the topic named by a TopicArn parameter in tx.
func topicForUpdate(ctx context.Context, tx *store.Tx, arn string) (*topic, error) {
	if _, e := topicARNParts(arn, "TopicArn"); e != nil {
		return nil, e
	}
	t, err := loadTopic(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errTopicNotFound()
	}
	return t, nil
}

// GetTopicAttributes returns a topic's attributes, the read-only ones
// included.
func (s *Service) GetTopicAttributes(ctx context.Context, in *snsapi.GetTopicAttributesInput) (*snsapi.GetTopicAttributesResponse, error) {
	var out map[string]string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		t, err := topicForUpdate(ctx, tx, *in.TopicArn)
		if err != nil {
			return err
		}
		var confirmed, pending int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(1 - pending), 0), COALESCE(SUM(pending), 0) FROM sns_subscriptions WHERE topic_arn = ?", t.arn).
			Scan(&confirmed, &pending); err != nil {
			return err
		}
		out = map[string]string{
			"Owner":                   t.account,
			"TopicArn":                t.arn,
			"DisplayName":             "",
			"Policy":                  defaultPolicy(t.arn, t.account),
			"EffectiveDeliveryPolicy": effectiveTopicDeliveryPolicy(t.attrs["DeliveryPolicy"]),
			"SubscriptionsConfirmed":  strconv.FormatInt(confirmed, 10),
			"SubscriptionsPending":    strconv.FormatInt(pending, 10),
			"SubscriptionsDeleted":    strconv.FormatInt(t.deleted, 10),
		}
		if t.fifo {
			out["FifoTopic"] = "true"
			out["ContentBasedDeduplication"] = "false"
		}
		maps.Copy(out, t.attrs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.GetTopicAttributesResponse{Attributes: out}, nil
}

// SetTopicAttributes sets (or, with an empty value, clears) one attribute.
func (s *Service) SetTopicAttributes(ctx context.Context, in *snsapi.SetTopicAttributesInput) error {
	name, value := *in.AttributeName, ""
	if in.AttributeValue != nil {
		value = *in.AttributeValue
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		t, err := topicForUpdate(ctx, tx, *in.TopicArn)
		if err != nil {
			return err
		}
		if name == "FifoTopic" {
			return invalidParameter("AttributeName")
		}
		if value == "" && name != "DisplayName" {
			if _, ok := settableTopicAttributes[name]; !ok && !isFeedbackAttribute(name) {
				return invalidParameter("AttributeName")
			}
			delete(t.attrs, name)
		} else {
			v, err := checkTopicAttribute(name, value, t.fifo)
			if err != nil {
				return err
			}
			t.attrs[name] = v
		}
		changed(tx, t.arn)
		_, err = tx.Exec(ctx, "UPDATE sns_topics SET attrs = ? WHERE arn = ?", mustJSON(t.attrs), t.arn)
		return err
	})
}

// ListTopics lists the caller's topics of the region, 100 per page.
func (s *Service) ListTopics(ctx context.Context, in *snsapi.ListTopicsInput) (*snsapi.ListTopicsResponse, error) {
	info := reqinfo.From(ctx)
	after, err := decodeToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &snsapi.ListTopicsResponse{Topics: []snsapi.Topic{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT arn FROM sns_topics WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?",
			info.Account, info.Region, after, pageSize+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var arn string
			if err := rows.Scan(&arn); err != nil {
				return err
			}
			out.Topics = append(out.Topics, snsapi.Topic{TopicArn: &arn})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if len(out.Topics) > pageSize {
		out.Topics = out.Topics[:pageSize]
		out.NextToken = encodeToken(*out.Topics[pageSize-1].TopicArn)
	}
	return out, nil
}

// pageSize is the page of the List operations.
const pageSize = 100

func encodeToken(last string) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte(last))
	return &t
}

func decodeToken(tok *string) (string, error) {
	if tok == nil || *tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil {
		return "", invalidParameter("NextToken")
	}
	return string(b), nil
}

// DeleteTopic deletes a topic and its subscriptions; deleting a topic that
// does not exist succeeds.
func (s *Service) DeleteTopic(ctx context.Context, in *snsapi.DeleteTopicInput) error {
	arn := *in.TopicArn
	if _, e := topicARNParts(arn, "TopicArn"); e != nil {
		return e
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sns_subscriptions WHERE topic_arn = ?", arn); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sns_dedup WHERE topic_arn = ?", arn); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM sns_topics WHERE arn = ?", arn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			changed(tx, arn)
		}
		return nil
	})
}

// TagResource adds or replaces tags of a topic.
func (s *Service) TagResource(ctx context.Context, in *snsapi.TagResourceRequest) (*snsapi.TagResourceResponse, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.editTags(ctx, *in.ResourceArn, func(tags []snsapi.Tag) ([]snsapi.Tag, error) {
		for _, nt := range in.Tags {
			replaced := false
			for i := range tags {
				if *tags[i].Key == *nt.Key {
					tags[i].Value, replaced = nt.Value, true
				}
			}
			if !replaced {
				tags = append(tags, nt)
			}
		}
		if len(tags) > maxTags {
			return nil, awserr.New("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded")
		}
		return tags, nil
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.TagResourceResponse{}, nil
}

// UntagResource removes tags of a topic (absent keys are ignored).
func (s *Service) UntagResource(ctx context.Context, in *snsapi.UntagResourceRequest) (*snsapi.UntagResourceResponse, error) {
	err := s.editTags(ctx, *in.ResourceArn, func(tags []snsapi.Tag) ([]snsapi.Tag, error) {
		kept := tags[:0]
		for _, t := range tags {
			drop := false
			for _, k := range in.TagKeys {
				drop = drop || k == *t.Key
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		return kept, nil
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.UntagResourceResponse{}, nil
}

// ListTagsForResource lists a topic's tags in the order they were added.
func (s *Service) ListTagsForResource(ctx context.Context, in *snsapi.ListTagsForResourceRequest) (*snsapi.ListTagsForResourceResponse, error) {
	var out []snsapi.Tag
	err := s.st.View(ctx, func(tx *store.Tx) error {
		t, err := loadTopic(ctx, tx, *in.ResourceArn)
		if err != nil {
			return err
		}
		if t == nil {
			return errResourceNotFound()
		}
		out = t.tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []snsapi.Tag{}
	}
	return &snsapi.ListTagsForResourceResponse{Tags: out}, nil
}

// maxTags is AWS's tag quota per topic.
const maxTags = 50

func (s *Service) editTags(ctx context.Context, arn string, edit func([]snsapi.Tag) ([]snsapi.Tag, error)) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		t, err := loadTopic(ctx, tx, arn)
		if err != nil {
			return err
		}
		if t == nil {
			return errResourceNotFound()
		}
		tags, err := edit(t.tags)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE sns_topics SET tags = ? WHERE arn = ?", mustJSON(tags), arn)
		return err
	})
}

func checkTags(tags []snsapi.Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[*t.Key] {
			return invalidParameter("Duplicated keys are not allowed.")
		}
		seen[*t.Key] = true
	}
	if len(tags) > maxTags {
		return awserr.New("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded")
	}
	return nil
}

func sameTags(have, want []snsapi.Tag) bool {
	if len(have) != len(want) {
		return false
	}
	m := map[string]string{}
	for _, t := range have {
		m[*t.Key] = *t.Value
	}
	for _, t := range want {
		if v, ok := m[*t.Key]; !ok || v != *t.Value {
			return false
		}
	}
	return true
}
