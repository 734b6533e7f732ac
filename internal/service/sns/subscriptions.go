package sns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// protocols are the subscription protocols SNS accepts.
var protocols = map[string]bool{"http": true, "https": true, "email": true, "email-json": true, "sms": true,
	"sqs": true, "application": true, "lambda": true, "firehose": true}

// pendingConfirmation is what Subscribe returns for a subscription that
// waits for its confirmation.
const pendingConfirmation = "pending confirmation"

// Subscribe subscribes an endpoint to a topic. SQS and Lambda endpoints of
// the topic's account are confirmed at once; HTTP/HTTPS and e-mail
// endpoints (and queues of other accounts) get a confirmation message and
// stay pending until ConfirmSubscription.
func (s *Service) Subscribe(ctx context.Context, in *snsapi.SubscribeInput) (*snsapi.SubscribeResponse, error) {
	info := reqinfo.From(ctx)
	topicARN, protocol, endpoint := *in.TopicArn, *in.Protocol, deref(in.Endpoint)
	ta, e := topicARNParts(topicARN, "TopicArn")
	if e != nil {
		return nil, e
	}
	if !protocols[protocol] {
		return nil, invalidParameter("Amazon SNS does not support this protocol string: %s", protocol)
	}
	if err := checkEndpoint(protocol, endpoint, strings.HasSuffix(topicARN, ".fifo")); err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		nv, err := checkSubscriptionAttribute(k, v, protocol, endpoint, topicARN, "Attributes Reason: ")
		if err != nil {
			return nil, err
		}
		attrs[k] = nv
	}
	if err := checkFilter(attrs, "Attributes Reason: "); err != nil {
		return nil, err
	}
	pending := true
	switch protocol {
	case "sqs", "lambda":
		ea, _ := parseARN(endpoint)
		pending = protocol == "sqs" && ea.account != ta.account
	case "sms", "application", "firehose":
		pending = false
	}
	sub := &subscription{arn: topicARN + ":" + uuid.NewString(), topicARN: topicARN, account: info.Account, region: ta.region,
		protocol: protocol, endpoint: endpoint, pending: pending, authenticated: !pending, attrs: attrs}
	if pending {
		sub.token = newToken()
	}
	ts, err := s.state(ctx, topicARN)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTopicNotFound()
	}
	var conf confirmation
	if pending {
		if conf, err = s.confirmationFor(ctx, ts.topic, sub, "SubscriptionConfirmation"); err != nil {
			return nil, err
		}
	}
	var existing *subscription
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		existing = nil
		t, err := topicForUpdate(ctx, tx, topicARN)
		if err != nil {
			return err
		}
		olds, err := loadSubscriptions(ctx, tx, "topic_arn = ? AND protocol = ? AND endpoint = ?", topicARN, protocol, endpoint)
		if err != nil {
			return err
		}
		if len(olds) > 0 {
			existing = olds[0]
			for k, v := range attrs {
				if existing.attrs[k] != v {
					return invalidParameter("Attributes Reason: Subscription already exists with different attributes")
				}
			}
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sns_subscriptions (arn, topic_arn, account, region, protocol, endpoint, pending, authenticated, token, attrs, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sub.arn, sub.topicARN, sub.account, sub.region, protocol, endpoint,
			b2i(sub.pending), b2i(sub.authenticated), sub.token, mustJSON(attrs), s.clk.Now().UnixMilli()); err != nil {
			return err
		}
		changed(tx, t.arn)
		return conf.write(ctx, tx, s.cfg.Events)
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		sub = existing
	}
	arn := sub.arn
	if sub.pending && (in.ReturnSubscriptionArn == nil || !*in.ReturnSubscriptionArn) {
		arn = pendingConfirmation
	}
	return &snsapi.SubscribeResponse{SubscriptionArn: &arn}, nil
}

func newToken() string {
	b := make([]byte, 64)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// checkEndpoint validates a subscription endpoint for its protocol.
func checkEndpoint(protocol, endpoint string, fifoTopic bool) error {
	if endpoint == "" {
		return invalidParameter("Endpoint Reason: no value for required parameter")
	}
	switch protocol {
	case "http", "https":
		u, err := url.Parse(endpoint)
		if !strings.HasPrefix(endpoint, protocol+"://") || err != nil || u.Host == "" {
			return invalidParameter("Endpoint must match the specified protocol")
		}
	case "sqs", "lambda", "application", "firehose":
		a, ok := parseARN(endpoint)
		names := map[string]string{"sqs": "SQS", "lambda": "Lambda", "application": "ApplicationEndpoint", "firehose": "Firehose"}
		if !ok || (protocol == "sqs" && a.service != "sqs") || (protocol == "lambda" && a.service != "lambda") {
			return invalidParameter("%s endpoint ARN", names[protocol])
		}
		if protocol == "sqs" && strings.HasSuffix(a.resource, ".fifo") && !fifoTopic {
			return invalidParameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
		}
	case "email", "email-json":
		at := strings.IndexByte(endpoint, '@')
		if at <= 0 || at == len(endpoint)-1 || strings.ContainsAny(endpoint, " \t\r\n") {
			return invalidParameter("Email address")
		}
	case "sms":
		if !phoneRE.MatchString(endpoint) {
			return invalidParameterRaw("Invalid SMS endpoint: " + endpoint)
		}
	}
	return nil
}

// subscriptionAttributes are the attributes Subscribe and
// SetSubscriptionAttributes accept.
var subscriptionAttributes = map[string]bool{"DeliveryPolicy": true, "FilterPolicy": true, "FilterPolicyScope": true,
	"RawMessageDelivery": true, "RedrivePolicy": true, "SubscriptionRoleArn": true}

// checkSubscriptionAttribute validates one attribute; prefix frames the
// messages ("Attributes Reason: " from Subscribe).
func checkSubscriptionAttribute(name, value, protocol, endpoint, topicARN, prefix string) (string, error) {
	if !subscriptionAttributes[name] {
		return "", invalidParameter("%sAttributeName", prefix)
	}
	switch name {
	case "RawMessageDelivery":
		v := strings.ToLower(value)
		if v != "true" && v != "false" {
			return "", invalidParameter("%sRawMessageDelivery: Invalid value [%s]. Must be true or false.", prefix, value)
		}
		if v == "true" && protocol != "sqs" && protocol != "http" && protocol != "https" && protocol != "firehose" {
			return "", invalidParameter("%sDelivery protocol [%s] does not support raw message delivery.", prefix, protocol)
		}
		return v, nil
	case "FilterPolicy":
		if len(value) > 256*1024 {
			return "", invalidParameter("%sFilterPolicy: Filter policy is too long", prefix)
		}
	case "FilterPolicyScope":
		if value != string(pattern.MessageAttributes) && value != string(pattern.MessageBody) {
			return "", invalidParameter("%sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", prefix, value)
		}
	case "RedrivePolicy":
		if value == "" {
			return value, nil
		}
		var p map[string]any
		if json.Unmarshal([]byte(value), &p) != nil {
			return "", invalidParameter("%sRedrivePolicy: failed to parse JSON.", prefix)
		}
		dlq, _ := p["deadLetterTargetArn"].(string)
		a, ok := parseARN(dlq)
		if !ok || a.service != "sqs" {
			return "", invalidParameter("%sRedrivePolicy: deadLetterTargetArn is an invalid arn", prefix)
		}
		if strings.HasSuffix(topicARN, ".fifo") && strings.HasSuffix(endpoint, ".fifo") && !strings.HasSuffix(dlq, ".fifo") {
			return "", invalidParameter("%sRedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", prefix)
		}
	case "DeliveryPolicy":
		if value == "" {
			return value, nil
		}
		if protocol != "http" && protocol != "https" {
			return "", invalidParameter("%sDeliveryPolicy: Delivery protocol [%s] does not support delivery policies.", prefix, protocol)
		}
		var p subDeliveryPolicy
		if json.Unmarshal([]byte(value), &p) != nil {
			return "", invalidParameter("%sDeliveryPolicy: failed to parse JSON.", prefix)
		}
	}
	return value, nil
}

// checkFilter compiles the FilterPolicy of attrs for its scope, as the
// subscription will use it.
func checkFilter(attrs map[string]string, prefix string) error {
	fp := attrs["FilterPolicy"]
	if fp == "" {
		return nil
	}
	_, err := pattern.CompileFilterPolicy([]byte(fp), pattern.Scope(attrs["FilterPolicyScope"]))
	var pe *pattern.Error
	if errors.As(err, &pe) {
		return invalidParameter("%s%s", prefix, pe.Reason)
	}
	return err
}

// confirmation is the SubscriptionConfirmation or UnsubscribeConfirmation
// message of a subscription, ready to write.
type confirmation struct {
	delivery *events.Delivery
	mail     []mailItem
}

func (c confirmation) write(ctx context.Context, tx *store.Tx, ev *events.Dispatcher) error {
	if c.delivery != nil {
		if err := ev.Enqueue(ctx, tx, *c.delivery); err != nil {
			return err
		}
	}
	return insertMail(ctx, tx, c.mail)
}

// confirmationFor builds (and signs) the confirmation message of typ for
// sub: to HTTP/HTTPS endpoints and SQS queues through the outbox, to
// e-mail addresses into the mailbox.
func (s *Service) confirmationFor(ctx context.Context, t *topic, sub *subscription, typ string) (confirmation, error) {
	endpoint := s.cfg.Endpoint()
	now := s.clk.Now()
	e := &envelope{Type: typ, MessageID: uuid.NewString(), Token: sub.token, TopicARN: t.arn,
		SubscribeURL: subscribeURL(endpoint, t.arn, sub.token), Timestamp: timestamp(now)}
	if typ == "SubscriptionConfirmation" {
		e.Message = "You have chosen to subscribe to the topic " + t.arn + ".\nTo confirm the subscription, visit the SubscribeURL included in this message."
	} else {
		e.Message = "You have chosen to deactivate subscription " + sub.arn + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
	}
	if err := s.signEnvelope(ctx, e, t.attrs["SignatureVersion"]); err != nil {
		return confirmation{}, err
	}
	body := e.json()
	switch sub.protocol {
	case "http", "https":
		return confirmation{delivery: &events.Delivery{Kind: kindHTTP, Target: sub.endpoint, Payload: []byte(body), Retry: eventsRetry(defaultRetry),
			Attrs: map[string]string{"type": typ, "messageId": e.MessageID, "topicArn": t.arn, "subscriptionArn": sub.arn}}}, nil
	case "sqs":
		return confirmation{delivery: &events.Delivery{Kind: "sqs", Target: sub.endpoint, Payload: []byte(body), Attrs: map[string]string{"sender": snsSender}}}, nil
	case "email", "email-json":
		doc := mailDoc{Timestamp: e.Timestamp, Type: typ, MessageID: e.MessageID, Protocol: sub.protocol, Endpoint: sub.endpoint,
			TopicARN: t.arn, Subject: "AWS Notification - Subscription Confirmation", SubscribeURL: e.SubscribeURL, Token: sub.token, Message: body}
		if typ != "SubscriptionConfirmation" {
			doc.Subject = "AWS Notification - Unsubscribe Confirmation"
		}
		if sub.protocol == "email" {
			doc.Message = e.Message
			if typ == "SubscriptionConfirmation" {
				doc.Message = "You have chosen to subscribe to the topic: \n" + t.arn + "\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \nConfirm subscription: " + e.SubscribeURL
			}
		}
		return confirmation{mail: []mailItem{{kind: "email", at: now, doc: doc}}}, nil
	}
	return confirmation{}, nil
}

// ConfirmSubscription confirms a pending subscription by its token (the
// SubscribeURL of the confirmation message calls it, unsigned).
func (s *Service) ConfirmSubscription(ctx context.Context, in *snsapi.ConfirmSubscriptionInput) (*snsapi.ConfirmSubscriptionResponse, error) {
	topicARN, token := *in.TopicArn, *in.Token
	if _, ok := parseARN(topicARN); !ok {
		return nil, invalidParameter("Topic")
	}
	signed := reqinfo.From(ctx).AccessKeyID != ""
	var arn string
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		subs, err := loadSubscriptions(ctx, tx, "token = ? AND topic_arn = ?", token, topicARN)
		if err != nil {
			return err
		}
		if len(subs) == 0 {
			return invalidParameter("Token")
		}
		sub := subs[0]
		arn = sub.arn
		if !sub.pending {
			return nil // confirming again is a no-op
		}
		changed(tx, topicARN)
		_, err = tx.Exec(ctx, "UPDATE sns_subscriptions SET pending = 0, authenticated = ? WHERE arn = ?", b2i(signed), arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.ConfirmSubscriptionResponse{SubscriptionArn: &arn}, nil
}

// subscriptionARNCheck validates a SubscriptionArn parameter.
func subscriptionARNCheck(arn string) error {
	a, ok := parseARN(arn)
	if !ok {
		return invalidParameter("SubscriptionArn Reason: An ARN must have at least 6 elements, not %d", elements(arn))
	}
	if a.service != "sns" || !strings.Contains(a.resource, ":") {
		return invalidParameter("SubscriptionId")
	}
	return nil
}

// Unsubscribe deletes a subscription (an unknown one is not an error);
// a confirmed HTTP/HTTPS endpoint gets an UnsubscribeConfirmation.
func (s *Service) Unsubscribe(ctx context.Context, in *snsapi.UnsubscribeInput) error {
	arn := *in.SubscriptionArn
	if err := subscriptionARNCheck(arn); err != nil {
		return err
	}
	var sub *subscription
	if err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		sub, err = loadSubscription(ctx, tx, arn)
		return err
	}); err != nil || sub == nil {
		return err
	}
	var conf confirmation
	if (sub.protocol == "http" || sub.protocol == "https") && !sub.pending {
		if ts, err := s.state(ctx, sub.topicARN); err == nil && ts != nil {
			c, err := s.confirmationFor(ctx, ts.topic, sub, "UnsubscribeConfirmation")
			if err != nil {
				return err
			}
			conf = c
		}
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM sns_subscriptions WHERE arn = ?", arn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed(tx, sub.topicARN)
		if _, err := tx.Exec(ctx, "UPDATE sns_topics SET deleted = deleted + 1 WHERE arn = ?", sub.topicARN); err != nil {
			return err
		}
		return conf.write(ctx, tx, s.cfg.Events)
	})
}

// ListSubscriptions lists the caller's subscriptions of the region.
func (s *Service) ListSubscriptions(ctx context.Context, in *snsapi.ListSubscriptionsInput) (*snsapi.ListSubscriptionsResponse, error) {
	info := reqinfo.From(ctx)
	subs, next, err := s.listSubscriptions(ctx, in.NextToken, "account = ? AND region = ?", info.Account, info.Region)
	if err != nil {
		return nil, err
	}
	return &snsapi.ListSubscriptionsResponse{Subscriptions: subs, NextToken: next}, nil
}

// ListSubscriptionsByTopic lists a topic's subscriptions.
func (s *Service) ListSubscriptionsByTopic(ctx context.Context, in *snsapi.ListSubscriptionsByTopicInput) (*snsapi.ListSubscriptionsByTopicResponse, error) {
	arn := *in.TopicArn
	if _, e := topicARNParts(arn, "TopicArn"); e != nil {
		return nil, e
	}
	ts, err := s.state(ctx, arn)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTopicNotFound()
	}
	subs, next, err := s.listSubscriptions(ctx, in.NextToken, "topic_arn = ?", arn)
	if err != nil {
		return nil, err
	}
	return &snsapi.ListSubscriptionsByTopicResponse{Subscriptions: subs, NextToken: next}, nil
}

func (s *Service) listSubscriptions(ctx context.Context, token *string, where string, args ...any) ([]snsapi.Subscription, *string, error) {
	after, err := decodeToken(token)
	if err != nil {
		return nil, nil, err
	}
	var subs []*subscription
	err = s.st.View(ctx, func(tx *store.Tx) (err error) {
		subs, err = querySubscriptions(ctx, tx, "WHERE "+where+" AND arn > ? ORDER BY arn LIMIT ?", append(args, after, pageSize+1)...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var next *string
	if len(subs) > pageSize {
		subs = subs[:pageSize]
		next = encodeToken(subs[pageSize-1].arn)
	}
	out := make([]snsapi.Subscription, 0, len(subs))
	for _, sub := range subs {
		arn := sub.arn
		if sub.pending {
			arn = "PendingConfirmation"
		}
		out = append(out, snsapi.Subscription{SubscriptionArn: &arn, Owner: ptr(sub.account), Protocol: ptr(sub.protocol),
			Endpoint: ptr(sub.endpoint), TopicArn: ptr(sub.topicARN)})
	}
	return out, next, nil
}

// GetSubscriptionAttributes returns a subscription's attributes, the
// read-only ones included.
func (s *Service) GetSubscriptionAttributes(ctx context.Context, in *snsapi.GetSubscriptionAttributesInput) (*snsapi.GetSubscriptionAttributesResponse, error) {
	arn := *in.SubscriptionArn
	if err := subscriptionARNCheck(arn); err != nil {
		return nil, err
	}
	var out map[string]string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		sub, err := loadSubscription(ctx, tx, arn)
		if err != nil {
			return err
		}
		if sub == nil {
			return errSubscriptionNotFound()
		}
		out = map[string]string{
			"SubscriptionArn":              sub.arn,
			"TopicArn":                     sub.topicARN,
			"Owner":                        sub.account,
			"Protocol":                     sub.protocol,
			"Endpoint":                     sub.endpoint,
			"PendingConfirmation":          boolString(sub.pending),
			"ConfirmationWasAuthenticated": boolString(sub.authenticated),
			"RawMessageDelivery":           "false",
		}
		maps.Copy(out, sub.attrs)
		if out["FilterPolicy"] != "" && out["FilterPolicyScope"] == "" {
			out["FilterPolicyScope"] = string(pattern.MessageAttributes)
		}
		if sub.protocol == "http" || sub.protocol == "https" {
			t, err := loadTopic(ctx, tx, sub.topicARN)
			if err != nil {
				return err
			}
			if t == nil {
				t = &topic{attrs: map[string]string{}}
			}
			out["EffectiveDeliveryPolicy"] = effectiveSubscriptionDeliveryPolicy(t, sub)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &snsapi.GetSubscriptionAttributesResponse{Attributes: out}, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// SetSubscriptionAttributes sets (or, with an empty value, clears) one
// attribute of a subscription.
func (s *Service) SetSubscriptionAttributes(ctx context.Context, in *snsapi.SetSubscriptionAttributesInput) error {
	arn, name, value := *in.SubscriptionArn, *in.AttributeName, deref(in.AttributeValue)
	if err := subscriptionARNCheck(arn); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		sub, err := loadSubscription(ctx, tx, arn)
		if err != nil {
			return err
		}
		if sub == nil {
			return errSubscriptionNotFound()
		}
		v, err := checkSubscriptionAttribute(name, value, sub.protocol, sub.endpoint, sub.topicARN, "")
		if err != nil {
			return err
		}
		if v == "" {
			delete(sub.attrs, name)
		} else {
			sub.attrs[name] = v
		}
		if err := checkFilter(sub.attrs, ""); err != nil {
			return err
		}
		changed(tx, sub.topicARN)
		_, err = tx.Exec(ctx, "UPDATE sns_subscriptions SET attrs = ? WHERE arn = ?", mustJSON(sub.attrs), arn)
		return err
	})
}
