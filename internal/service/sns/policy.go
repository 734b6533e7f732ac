package sns

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/store"
)

// settableTopicAttributes are the attributes CreateTopic and
// SetTopicAttributes accept (besides FifoTopic and the delivery status
// logging attributes); true marks the FIFO-only ones.
var settableTopicAttributes = map[string]bool{
	"DisplayName": false, "Policy": false, "DeliveryPolicy": false, "KmsMasterKeyId": false,
	"SignatureVersion": false, "TracingConfig": false, "DataProtectionPolicy": false,
	"ContentBasedDeduplication": true, "FifoThroughputScope": true, "ArchivePolicy": true,
}

// isFeedbackAttribute reports whether name is a delivery status logging
// attribute (HTTPSuccessFeedbackRoleArn, SQSFailureFeedbackRoleArn, ...).
func isFeedbackAttribute(name string) bool {
	for _, p := range []string{"Application", "Firehose", "HTTP", "Lambda", "SQS"} {
		switch strings.TrimPrefix(name, p) {
		case name:
		case "SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn":
			return true
		}
	}
	return false
}

// checkTopicAttribute validates a topic attribute and returns the value to
// store.
func checkTopicAttribute(name, value string, fifo bool) (string, error) {
	fifoOnly, ok := settableTopicAttributes[name]
	if !ok {
		if isFeedbackAttribute(name) {
			return value, nil
		}
		return "", invalidParameter("AttributeName")
	}
	if fifoOnly && !fifo {
		return "", invalidParameter("Attributes Reason: %s: Invalid attribute name for a standard topic", name)
	}
	switch name {
	case "ContentBasedDeduplication":
		v := strings.ToLower(value)
		if v != "true" && v != "false" {
			return "", invalidParameter("ContentBasedDeduplication Reason: Invalid value [%s]. Must be true or false.", value)
		}
		return v, nil
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return "", invalidParameter("SignatureVersion")
		}
	case "TracingConfig":
		if value != "PassThrough" && value != "Active" {
			return "", invalidParameter("TracingConfig Reason: Invalid value [%s]. Must be PassThrough or Active.", value)
		}
	case "FifoThroughputScope":
		if value != "Topic" && value != "MessageGroup" {
			return "", invalidParameter("FifoThroughputScope Reason: Invalid value [%s]. Must be Topic or MessageGroup.", value)
		}
	case "Policy", "ArchivePolicy", "DataProtectionPolicy":
		var m map[string]any
		if json.Unmarshal([]byte(value), &m) != nil {
			return "", invalidParameter("%s: failed to parse JSON.", name)
		}
	case "DeliveryPolicy":
		var p topicDeliveryPolicy
		if json.Unmarshal([]byte(value), &p) != nil {
			return "", invalidParameter("DeliveryPolicy: failed to parse JSON.")
		}
	}
	return value, nil
}

// defaultPolicy is the access policy AWS gives a new topic.
func defaultPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":` + jsonString(arn) + `,"Condition":{"StringEquals":{"AWS:SourceOwner":` + jsonString(account) + `}}}]}`
}

// policyDoc is a topic policy with its statements kept as written.
type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

// permissionActions are the actions AddPermission accepts.
var permissionActions = []string{"GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission",
	"DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive"}

// AddPermission adds a statement to the topic's policy.
func (s *Service) AddPermission(ctx context.Context, in *snsapi.AddPermissionInput) error {
	return s.editPolicy(ctx, *in.TopicArn, func(t *topic, doc *policyDoc) error {
		for _, st := range doc.Statement {
			var sid struct{ Sid string }
			json.Unmarshal(st, &sid)
			if sid.Sid == *in.Label {
				return invalidParameter("Statement already exists")
			}
		}
		var actions, principals []string
		for _, a := range in.ActionName {
			if !slices.Contains(permissionActions, a) {
				return invalidParameter("Policy statement action out of service scope!")
			}
			actions = append(actions, "SNS:"+a)
		}
		for _, acct := range in.AWSAccountId {
			principals = append(principals, "arn:aws:iam::"+acct+":root")
		}
		st := struct {
			Sid       string `json:"Sid"`
			Effect    string `json:"Effect"`
			Principal any    `json:"Principal"`
			Action    any    `json:"Action"`
			Resource  string `json:"Resource"`
		}{Sid: *in.Label, Effect: "Allow", Principal: map[string]any{"AWS": oneOrMany(principals)}, Action: oneOrMany(actions), Resource: t.arn}
		doc.Statement = append(doc.Statement, json.RawMessage(mustJSON(st)))
		return nil
	})
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}

// RemovePermission removes the statement labelled Label, if any.
func (s *Service) RemovePermission(ctx context.Context, in *snsapi.RemovePermissionInput) error {
	return s.editPolicy(ctx, *in.TopicArn, func(_ *topic, doc *policyDoc) error {
		doc.Statement = slices.DeleteFunc(doc.Statement, func(st json.RawMessage) bool {
			var sid struct{ Sid string }
			json.Unmarshal(st, &sid)
			return sid.Sid == *in.Label
		})
		return nil
	})
}

func (s *Service) editPolicy(ctx context.Context, arn string, edit func(*topic, *policyDoc) error) error {
	return s.st.Update(ctx, func(tx *store.Tx) error {
		t, err := topicForUpdate(ctx, tx, arn)
		if err != nil {
			return err
		}
		src := t.attrs["Policy"]
		if src == "" {
			src = defaultPolicy(t.arn, t.account)
		}
		var doc policyDoc
		if err := json.Unmarshal([]byte(src), &doc); err != nil {
			return invalidParameter("Policy: failed to parse JSON.")
		}
		if err := edit(t, &doc); err != nil {
			return err
		}
		if doc.Statement == nil {
			doc.Statement = []json.RawMessage{}
		}
		t.attrs["Policy"] = mustJSON(doc)
		changed(tx, t.arn)
		_, err = tx.Exec(ctx, "UPDATE sns_topics SET attrs = ? WHERE arn = ?", mustJSON(t.attrs), t.arn)
		return err
	})
}

// retryPolicy is an HTTP/S healthy retry policy; the field order is AWS's.
type retryPolicy struct {
	MinDelayTarget     int    `json:"minDelayTarget"`
	MaxDelayTarget     int    `json:"maxDelayTarget"`
	NumRetries         int    `json:"numRetries"`
	NumMaxDelayRetries int    `json:"numMaxDelayRetries"`
	NumNoDelayRetries  int    `json:"numNoDelayRetries"`
	NumMinDelayRetries int    `json:"numMinDelayRetries"`
	BackoffFunction    string `json:"backoffFunction"`
}

// defaultRetry is AWS's default for HTTP/S: 3 retries 20 s apart.
var defaultRetry = retryPolicy{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "linear"}

type requestPolicy struct {
	HeaderContentType string `json:"headerContentType,omitempty"`
}

// topicDeliveryPolicy is a topic's DeliveryPolicy (its "http" part).
type topicDeliveryPolicy struct {
	HTTP *struct {
		DefaultHealthyRetryPolicy    *retryPolicy   `json:"defaultHealthyRetryPolicy"`
		DisableSubscriptionOverrides bool           `json:"disableSubscriptionOverrides"`
		DefaultRequestPolicy         *requestPolicy `json:"defaultRequestPolicy"`
	} `json:"http"`
}

// subDeliveryPolicy is a subscription's DeliveryPolicy.
type subDeliveryPolicy struct {
	HealthyRetryPolicy *retryPolicy   `json:"healthyRetryPolicy"`
	RequestPolicy      *requestPolicy `json:"requestPolicy"`
}

// mergeRetry fills the fields p sets over base.
func mergeRetry(base retryPolicy, raw json.RawMessage) retryPolicy {
	if len(raw) > 0 {
		json.Unmarshal(raw, &base)
	}
	return base
}

// effectiveTopicDeliveryPolicy is the EffectiveDeliveryPolicy of a topic.
func effectiveTopicDeliveryPolicy(src string) string {
	retry, ct, disable := topicHTTPDefaults(src)
	return mustJSON(map[string]any{"http": struct {
		DefaultHealthyRetryPolicy    retryPolicy   `json:"defaultHealthyRetryPolicy"`
		DisableSubscriptionOverrides bool          `json:"disableSubscriptionOverrides"`
		DefaultRequestPolicy         requestPolicy `json:"defaultRequestPolicy"`
	}{retry, disable, requestPolicy{ct}}})
}

// topicHTTPDefaults reads the HTTP part of a topic's DeliveryPolicy.
func topicHTTPDefaults(src string) (retryPolicy, string, bool) {
	retry, ct := defaultRetry, "text/plain; charset=UTF-8"
	var raw struct {
		HTTP struct {
			DefaultHealthyRetryPolicy    json.RawMessage `json:"defaultHealthyRetryPolicy"`
			DisableSubscriptionOverrides bool            `json:"disableSubscriptionOverrides"`
			DefaultRequestPolicy         *requestPolicy  `json:"defaultRequestPolicy"`
		} `json:"http"`
	}
	if src == "" || json.Unmarshal([]byte(src), &raw) != nil {
		return retry, ct, false
	}
	retry = mergeRetry(retry, raw.HTTP.DefaultHealthyRetryPolicy)
	if raw.HTTP.DefaultRequestPolicy != nil && raw.HTTP.DefaultRequestPolicy.HeaderContentType != "" {
		ct = raw.HTTP.DefaultRequestPolicy.HeaderContentType
	}
	return retry, ct, raw.HTTP.DisableSubscriptionOverrides
}

// httpPolicy is what an HTTP/S subscription's deliveries follow: the
// subscription's DeliveryPolicy over the topic's.
func httpPolicy(t *topic, sub *subscription) (retryPolicy, string) {
	retry, ct, disable := topicHTTPDefaults(t.attrs["DeliveryPolicy"])
	var raw struct {
		HealthyRetryPolicy json.RawMessage `json:"healthyRetryPolicy"`
		RequestPolicy      *requestPolicy  `json:"requestPolicy"`
	}
	if src := sub.attrs["DeliveryPolicy"]; src != "" && !disable && json.Unmarshal([]byte(src), &raw) == nil {
		retry = mergeRetry(retry, raw.HealthyRetryPolicy)
		if raw.RequestPolicy != nil && raw.RequestPolicy.HeaderContentType != "" {
			ct = raw.RequestPolicy.HeaderContentType
		}
	}
	return retry, ct
}

// effectiveSubscriptionDeliveryPolicy is the EffectiveDeliveryPolicy of an
// HTTP/S subscription.
func effectiveSubscriptionDeliveryPolicy(t *topic, sub *subscription) string {
	retry, ct := httpPolicy(t, sub)
	return mustJSON(struct {
		HealthyRetryPolicy retryPolicy   `json:"healthyRetryPolicy"`
		SicklyRetryPolicy  *retryPolicy  `json:"sicklyRetryPolicy"`
		ThrottlePolicy     *struct{}     `json:"throttlePolicy"`
		RequestPolicy      requestPolicy `json:"requestPolicy"`
		Guaranteed         bool          `json:"guaranteed"`
	}{HealthyRetryPolicy: retry, RequestPolicy: requestPolicy{ct}})
}

// eventsRetry maps an HTTP/S retry policy onto the outbox's: numRetries
// retries after the first attempt, minDelayTarget growing to
// maxDelayTarget (the outbox backs off exponentially; AWS's default,
// 20 s to 20 s, is the same either way), within AWS's one-hour cap.
func eventsRetry(p retryPolicy) *events.Retry {
	base := time.Duration(max(p.MinDelayTarget, 0)) * time.Second
	if base == 0 {
		base = time.Millisecond
	}
	maxDelay := time.Duration(max(p.MaxDelayTarget, p.MinDelayTarget)) * time.Second
	if maxDelay < base {
		maxDelay = base
	}
	return &events.Retry{Base: base, Max: maxDelay, MaxAttempts: p.NumRetries + 1, MaxAge: time.Hour + maxDelay}
}
