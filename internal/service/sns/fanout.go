package sns

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hako-dev/hako/internal/events"
)

// snsSender is the SenderId of the messages SNS sends to SQS queues: the
// id AWS's SNS principal shows in SQS (us-east-1).
const snsSender = "AIDAIT2UOQQY3AUEKVGXU"

// kindHTTP is the outbox kind of HTTP/HTTPS deliveries, which SNS makes
// itself.
const kindHTTP = "sns-http"

// matches reports whether m passes sub's filter policy.
func matches(sub *subscription, m *message) bool {
	if sub.attrs["FilterPolicy"] == "" {
		return true
	}
	if sub.filter == nil {
		return false // a stored policy that no longer compiles
	}
	if sub.attrs["FilterPolicyScope"] == "MessageBody" {
		ok, _ := sub.filter.Match([]byte(m.bodyFor(sub.protocol)))
		return ok
	}
	return sub.filter.MatchAttributes(patternAttrs(m.attrs))
}

// fanout builds the deliveries of m to the confirmed subscriptions of the
// topic whose filter policies it matches.
func (s *Service) fanout(ctx context.Context, ts *topicState, m *message) (fanout, error) {
	var f fanout
	t := ts.topic
	endpoint := s.cfg.Endpoint()
	version := t.attrs["SignatureVersion"]
	envs := map[string]*envelope{} // by message text and signature version
	env := func(text, version string) (envelope, error) {
		key := version + "\x00" + text
		if e := envs[key]; e != nil {
			return *e, nil
		}
		e := &envelope{Type: "Notification", MessageID: m.id, TopicARN: t.arn, Subject: m.subject, Message: text,
			Timestamp: timestamp(m.timestamp), SequenceNumber: m.seq, Attrs: m.attrs}
		// FIFO notifications carry a sequence number and no signature, as
		// AWS's do; Lambda events are always signed.
		if !t.fifo || version == "lambda" {
			v := version
			if v == "lambda" {
				v = "1"
			}
			if err := s.signEnvelope(ctx, e, v); err != nil {
				return envelope{}, err
			}
		}
		envs[key] = e
		return *e, nil
	}
	for _, sub := range ts.subs {
		if sub.pending || !matches(sub, m) {
			continue
		}
		text := m.bodyFor(sub.protocol)
		var body, dlBody string // dlBody: a Lambda subscription's dead letters get the envelope
		if !sub.raw() || sub.protocol == "lambda" || strings.HasPrefix(sub.protocol, "email") {
			v := version
			if sub.protocol == "lambda" {
				v = "lambda"
			}
			e, err := env(text, v)
			if err != nil {
				return f, err
			}
			e.UnsubscribeURL = unsubscribeURL(endpoint, sub.arn)
			body = e.json()
			if sub.protocol == "lambda" {
				body, dlBody = string(lambdaEvent(&e, sub.arn)), body
			}
		}
		if sub.raw() && (sub.protocol == "sqs" || strings.HasPrefix(sub.protocol, "http")) {
			body = text
		}
		var d events.Delivery
		switch sub.protocol {
		case "sqs":
			d = events.Delivery{Kind: "sqs", Target: sub.endpoint, Payload: []byte(body), Attrs: map[string]string{"sender": snsSender}}
			if sub.raw() && len(m.attrs) > 0 {
				d.Attrs["messageAttributes"] = attrsJSON(m.attrs)
			}
			if t.fifo && strings.HasSuffix(sub.endpoint, ".fifo") {
				d.Attrs["groupId"], d.Attrs["dedupId"] = m.groupID, m.dedupID
			}
		case "lambda":
			d = events.Delivery{Kind: "lambda", Target: sub.endpoint, Payload: []byte(body)}
		case "http", "https":
			retry, ct := httpPolicy(t, sub)
			d = events.Delivery{Kind: kindHTTP, Target: sub.endpoint, Payload: []byte(body), Retry: eventsRetry(retry), Attrs: map[string]string{
				"type": "Notification", "messageId": m.id, "topicArn": t.arn, "subscriptionArn": sub.arn, "contentType": ct}}
			if sub.raw() {
				d.Attrs["raw"] = "true"
			}
		case "email", "email-json", "sms":
			f.mail = append(f.mail, notificationMail(t, sub, m, text, body, endpoint))
			continue
		default:
			continue // application, firehose: stored, not delivered (docs/sns.md)
		}
		if t.fifo {
			d.OrderKey = sub.arn + "/" + m.groupID // no NUL: PostgreSQL TEXT refuses it
		}
		if dlBody == "" {
			dlBody = body
		}
		d.DeadLetter = deadLetter(t, sub, m, dlBody)
		f.deliveries = append(f.deliveries, d)
	}
	return f, nil
}

// deadLetter is the delivery that replaces a delivery SNS gives up on,
// when the subscription has a RedrivePolicy: the body the subscription
// would have got (for Lambda, the notification envelope), to the
// dead-letter queue.
func deadLetter(t *topic, sub *subscription, m *message, body string) *events.Delivery {
	dlq := redriveTarget(sub.attrs["RedrivePolicy"])
	if dlq == "" {
		return nil
	}
	d := &events.Delivery{Kind: "sqs", Target: dlq, Payload: []byte(body), Attrs: map[string]string{"sender": snsSender}}
	if sub.raw() && len(m.attrs) > 0 {
		d.Attrs["messageAttributes"] = attrsJSON(m.attrs)
	}
	if t.fifo && strings.HasSuffix(dlq, ".fifo") {
		d.Attrs["groupId"], d.Attrs["dedupId"] = m.groupID, m.dedupID
	}
	return d
}

// redriveTarget returns the deadLetterTargetArn of a RedrivePolicy.
func redriveTarget(policy string) string {
	if policy == "" {
		return ""
	}
	var p struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	json.Unmarshal([]byte(policy), &p)
	return p.DeadLetterTargetArn
}
