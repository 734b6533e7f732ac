package sns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/snsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// maxMessageBytes is SNS's limit on a message with its attributes (and on
// a whole PublishBatch request).
const maxMessageBytes = 256 * 1024

// dedupWindow is how long a FIFO topic remembers a deduplication id.
const dedupWindow = 5 * 60 * 1000 // milliseconds

// entry is one message to publish, as Publish, PublishBatch and
// PublishInternal take it.
type entry struct {
	message, subject, structure string
	hasSubject                  bool
	attrs                       map[string]snsapi.MessageAttributeValue
	groupID, dedupID            string
}

// checked is a validated entry.
type checked struct {
	m    *message
	size int
}

var phoneRE = regexp.MustCompile(`^\+?[1-9][0-9]{1,14}$`)

// check validates an entry for a topic (nil for phone numbers) and builds
// its message, without id and sequence number.
func (s *Service) check(e entry, t *topic) (*checked, error) {
	if e.hasSubject {
		if e.subject == "" || len(e.subject) >= 100 || !asciiLine(e.subject) {
			return nil, entryError{invalidParameter("Subject")}
		}
	}
	if e.message == "" {
		return nil, entryError{invalidParameter("Empty message")}
	}
	attrs, asize, err := checkAttributes(e.attrs)
	if err != nil {
		return nil, err
	}
	size := len(e.message) + asize
	if size > maxMessageBytes {
		return nil, entryError{invalidParameter("Message too long")}
	}
	m := &message{subject: e.subject, body: e.message, attrs: sortedAttrs(attrs)}
	switch e.structure {
	case "":
	case "json":
		var doc map[string]any
		if json.Unmarshal([]byte(e.message), &doc) != nil {
			return nil, invalidParameter("Message Structure - JSON message body failed to parse")
		}
		def, ok := doc["default"].(string)
		if !ok {
			return nil, invalidParameter("Message Structure - No default entry in JSON message body")
		}
		m.body, m.perProto = def, map[string]string{}
		for k, v := range doc {
			if str, ok := v.(string); ok && k != "default" {
				m.perProto[k] = str
			}
		}
	default:
		return nil, invalidParameter("MessageStructure")
	}
	if t == nil {
		return &checked{m: m, size: size}, nil
	}
	m.topicARN = t.arn
	if t.fifo {
		if e.groupID == "" {
			return nil, invalidParameter("The MessageGroupId parameter is required for FIFO topics")
		}
		m.groupID, m.dedupID = e.groupID, e.dedupID
		if m.dedupID == "" {
			if t.attrs["ContentBasedDeduplication"] != "true" {
				return nil, invalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(e.message))
			m.dedupID = hex.EncodeToString(sum[:])
		}
	} else if e.dedupID != "" {
		return nil, invalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	}
	return &checked{m: m, size: size}, nil
}

// entryError is an error of one message that PublishBatch reports in
// Failed rather than failing the whole request.
type entryError struct{ err *awserr.Error }

func (e entryError) Error() string { return e.err.Error() }
func (e entryError) Unwrap() error { return e.err }

// asciiLine reports whether s is printable ASCII without line breaks
// (SNS's rule for subjects).
func asciiLine(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Publish publishes a message to a topic (TopicArn or TargetArn) or, for
// PhoneNumber, into hako's local SMS outbox.
func (s *Service) Publish(ctx context.Context, in *snsapi.PublishInput) (*snsapi.PublishResponse, error) {
	e := entry{message: *in.Message, attrs: in.MessageAttributes}
	if in.Subject != nil {
		e.subject, e.hasSubject = *in.Subject, true
	}
	e.structure = deref(in.MessageStructure)
	e.groupID, e.dedupID = deref(in.MessageGroupId), deref(in.MessageDeduplicationId)
	topicARN, target := deref(in.TopicArn), deref(in.TargetArn)
	switch {
	case in.PhoneNumber != nil:
		if topicARN != "" || target != "" {
			return nil, invalidParameter("PhoneNumber Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified")
		}
		if !phoneRE.MatchString(*in.PhoneNumber) {
			return nil, invalidParameter("PhoneNumber Reason: %s is not valid to publish to", *in.PhoneNumber)
		}
		return s.publishSMS(ctx, e, *in.PhoneNumber)
	case topicARN != "" && target != "":
		return nil, invalidParameter("TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified")
	case topicARN == "" && target == "":
		return nil, invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	case target != "":
		if strings.Contains(target, ":endpoint/") {
			return nil, invalidParameter("TargetArn Reason: No endpoint found for the target arn specified")
		}
		if _, err := topicARNParts(target, "TargetArn"); err != nil {
			return nil, err
		}
		topicARN = target
	default:
		if _, err := topicARNParts(topicARN, "TopicArn"); err != nil {
			return nil, err
		}
	}
	m, err := s.publish(ctx, topicARN, e)
	if err != nil {
		return nil, err
	}
	out := &snsapi.PublishResponse{MessageId: &m.id}
	if m.seq != "" {
		out.SequenceNumber = &m.seq
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// publish publishes one entry to a topic.
func (s *Service) publish(ctx context.Context, topicARN string, e entry) (*message, error) {
	ts, err := s.state(ctx, topicARN)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTopicNotFound()
	}
	c, err := s.check(e, ts.topic)
	if err != nil {
		return nil, err
	}
	if err := s.commit(ctx, ts, []*message{c.m}); err != nil {
		return nil, err
	}
	return c.m, nil
}

// commit writes messages of one topic in one transaction: for FIFO topics
// the deduplication records and sequence numbers, and for every message
// one outbox delivery per matching subscription (and the local mailbox
// rows of e-mail and SMS subscriptions). A message whose deduplication id
// was seen within the window gets the first one's id and sequence number
// and is not delivered again.
func (s *Service) commit(ctx context.Context, ts *topicState, msgs []*message) error {
	now := s.clk.Now()
	for _, m := range msgs {
		m.id, m.timestamp = uuid.NewString(), now
	}
	t := ts.topic
	var pre []fanout
	if !t.fifo {
		// Sign outside the transaction: it is the expensive part.
		pre = make([]fanout, len(msgs))
		for i, m := range msgs {
			f, err := s.fanout(ctx, ts, m)
			if err != nil {
				return err
			}
			pre[i] = f
		}
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		for i, m := range msgs {
			var f fanout
			if t.fifo {
				dup, err := s.sequence(ctx, tx, t, m, now.UnixMilli())
				if err != nil {
					return err
				}
				if dup {
					continue
				}
				if f, err = s.fanout(ctx, ts, m); err != nil {
					return err
				}
			} else {
				f = pre[i]
			}
			if err := s.cfg.Events.Enqueue(ctx, tx, f.deliveries...); err != nil {
				return err
			}
			if err := insertMail(ctx, tx, f.mail); err != nil {
				return err
			}
		}
		return nil
	})
}

// sequence deduplicates a FIFO message and gives it its sequence number;
// dup reports a duplicate (m then carries the original's id and number).
func (s *Service) sequence(ctx context.Context, tx *store.Tx, t *topic, m *message, now int64) (dup bool, err error) {
	if _, err := tx.Exec(ctx, "DELETE FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ? AND expires_at <= ?", t.arn, m.dedupID, now); err != nil {
		return false, err
	}
	var id, seq string
	err = tx.QueryRow(ctx, "SELECT message_id, seq FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ?", t.arn, m.dedupID).Scan(&id, &seq)
	if err == nil {
		m.id, m.seq = id, seq
		return true, nil
	}
	if !isNoRows(err) {
		return false, err
	}
	var n int64
	if err := tx.QueryRow(ctx, "UPDATE sns_topics SET seq = seq + 1 WHERE arn = ? RETURNING seq", t.arn).Scan(&n); err != nil {
		if isNoRows(err) {
			return false, errTopicNotFound()
		}
		return false, err
	}
	m.seq = fmt.Sprintf("1%019d", n)
	res, err := tx.Exec(ctx, `INSERT INTO sns_dedup (topic_arn, dedup_id, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (topic_arn, dedup_id) DO NOTHING`, t.arn, m.dedupID, m.id, m.seq, now+dedupWindow)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// A concurrent publish (another node) took the id first.
		if err := tx.QueryRow(ctx, "SELECT message_id, seq FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ?", t.arn, m.dedupID).Scan(&m.id, &m.seq); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, nil
}

// sweepDedup deletes expired deduplication records.
func (s *Service) sweepDedup(ctx context.Context) {
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM sns_dedup WHERE expires_at <= ?", s.clk.Now().UnixMilli())
		return err
	})
	if err != nil && ctx.Err() == nil {
		s.log.Warn("dedup sweep failed", "err", err)
	}
}

// publishSMS keeps a message published to a phone number in the local
// SMS outbox.
func (s *Service) publishSMS(ctx context.Context, e entry, phone string) (*snsapi.PublishResponse, error) {
	c, err := s.check(e, nil)
	if err != nil {
		return nil, err
	}
	m := c.m
	m.id, m.timestamp = uuid.NewString(), s.clk.Now()
	item := mailItem{kind: "sms", at: m.timestamp, doc: mailDoc{Type: "Notification", MessageID: m.id, Protocol: "sms", Endpoint: phone,
		Subject: m.subject, Message: m.bodyFor("sms"), Timestamp: timestamp(m.timestamp)}}
	if err := s.st.Update(ctx, func(tx *store.Tx) error { return insertMail(ctx, tx, []mailItem{item}) }); err != nil {
		return nil, err
	}
	return &snsapi.PublishResponse{MessageId: &m.id}, nil
}

// batch limits and messages.
var batchIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// PublishBatch publishes up to 10 messages to a topic in one transaction.
// Entries that SNS refuses one by one are reported in Failed.
func (s *Service) PublishBatch(ctx context.Context, in *snsapi.PublishBatchInput) (*snsapi.PublishBatchResponse, error) {
	topicARN := *in.TopicArn
	if _, err := topicARNParts(topicARN, "TopicArn"); err != nil {
		return nil, err
	}
	entries := in.PublishBatchRequestEntries
	switch {
	case len(entries) == 0:
		return nil, awserr.New("EmptyBatchRequestException", "The batch request doesn't contain any entries.")
	case len(entries) > 10:
		return nil, awserr.New("TooManyEntriesInBatchRequestException", "The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	for _, be := range entries {
		id := deref(be.Id)
		if seen[id] {
			return nil, awserr.New("BatchEntryIdsNotDistinctException", "Two or more batch entries in the request have the same Id.")
		}
		seen[id] = true
		if !batchIDRE.MatchString(id) {
			return nil, awserr.New("InvalidBatchEntryIdException", "The Id of a batch entry in a batch request doesn't abide by the specification.")
		}
	}
	ts, err := s.state(ctx, topicARN)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTopicNotFound()
	}
	out := &snsapi.PublishBatchResponse{Successful: []snsapi.PublishBatchResultEntry{}, Failed: []snsapi.BatchResultErrorEntry{}}
	var msgs []*message
	var ids []string
	total := 0
	for _, be := range entries {
		e := entry{message: deref(be.Message), attrs: be.MessageAttributes, structure: deref(be.MessageStructure),
			groupID: deref(be.MessageGroupId), dedupID: deref(be.MessageDeduplicationId)}
		if be.Subject != nil {
			e.subject, e.hasSubject = *be.Subject, true
		}
		c, err := s.check(e, ts.topic)
		var ee entryError
		if errors.As(err, &ee) {
			out.Failed = append(out.Failed, snsapi.BatchResultErrorEntry{Id: be.Id, Code: ptr("InvalidParameter"), Message: &ee.err.Message, SenderFault: ptr(true)})
			continue
		}
		if err != nil {
			return nil, err // AWS fails the whole request for the others
		}
		total += c.size
		msgs, ids = append(msgs, c.m), append(ids, *be.Id)
	}
	if total > maxMessageBytes {
		return nil, awserr.New("BatchRequestTooLongException", "The length of all the messages put together is more than the limit.")
	}
	if len(msgs) > 0 {
		if err := s.commit(ctx, ts, msgs); err != nil {
			return nil, err
		}
	}
	for i, m := range msgs {
		r := snsapi.PublishBatchResultEntry{Id: &ids[i], MessageId: &m.id}
		if m.seq != "" {
			r.SequenceNumber = &m.seq
		}
		out.Successful = append(out.Successful, r)
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

// deliveries of one message.
type fanout struct {
	deliveries []events.Delivery
	mail       []mailItem
}
