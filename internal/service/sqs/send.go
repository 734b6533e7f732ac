package sqs

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// maxBatchPayload is the largest total payload of a SendMessageBatch.
// maxBatchPayload is the total payload limit of a batch: 1 MiB since
// AWS raised the message size limit in August 2025.
const maxBatchPayload = 1048576

// outMsg is a validated message on its way into a queue.
type outMsg struct {
	body      string
	attrs     []byte // encoded user attributes, nil if none
	md5Body   string
	md5Attrs  string
	sys       systemAttrs
	delayMs   int64
	groupID   string
	dedupID   string
	dedupKey  string
	sender    string
	messageID string // set at insert (or the original's, for a duplicate)
	seq       int64
	visibleAt int64
}

// sendParams are the members of a SendMessage request or batch entry.
type sendParams struct {
	body      *string
	delay     *int32
	attrs     map[string]sqsapi.MessageAttributeValue
	sysAttrs  map[string]sqsapi.MessageSystemAttributeValue
	group     *string
	dedup     *string
	bodyParam string // the parameter name reported when the body is missing
}

// prepare validates one message for q.
func (s *Service) prepare(ctx context.Context, q *queue, a *attrSet, p sendParams) (*outMsg, error) {
	if p.body == nil || *p.body == "" {
		return nil, missingParam(p.bodyParam)
	}
	body := *p.body
	blob, attrSize, err := encodeMessageAttributes(p.attrs)
	if err != nil {
		return nil, err
	}
	if len(body)+attrSize > a.maxSize {
		return nil, invalidParam("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", a.maxSize)
	}
	if !validBody(body) {
		return nil, newErr(errInvalidMessageContents)
	}
	sys, err := parseSystemAttributes(p.sysAttrs)
	if err != nil {
		return nil, err
	}
	m := &outMsg{body: body, attrs: blob, md5Body: md5HexString(body), sys: sys, delayMs: int64(a.delay) * 1000}
	if blob != nil {
		m.md5Attrs = md5Hex(blob)
	}
	if p.delay != nil {
		d := *p.delay
		if q.fifo && d != 0 {
			return nil, invalidParam("Value %d for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", d)
		}
		if d < 0 || d > 900 {
			return nil, invalidParam("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", d)
		}
		if !q.fifo {
			m.delayMs = int64(d) * 1000
		}
	}
	if q.fifo {
		if err := fifoRequired(a, p.group, p.dedup); err != nil {
			return nil, err
		}
		m.groupID = *p.group
		if err := validFifoID("MessageGroupId", m.groupID); err != nil {
			return nil, err
		}
		if p.dedup != nil {
			m.dedupID = *p.dedup
			if err := validFifoID("MessageDeduplicationId", m.dedupID); err != nil {
				return nil, err
			}
		} else {
			sum := sha256.Sum256([]byte(body))
			m.dedupID = hex.EncodeToString(sum[:])
		}
		m.dedupKey = m.dedupID
		if a.groupScope {
			m.dedupKey = m.groupID + " " + m.dedupID // ' ' occurs in neither
		}
	} else {
		if p.dedup != nil {
			return nil, invalidParam("Value %s for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.", *p.dedup)
		}
		if p.group != nil {
			// Fair queues: standard queues accept a MessageGroupId.
			m.groupID = *p.group
			if err := validFifoID("MessageGroupId", m.groupID); err != nil {
				return nil, err
			}
		}
	}
	ri := reqinfo.From(ctx)
	m.sender = ri.AccessKeyID
	if m.sender == "" {
		m.sender = ri.Account
	}
	return m, nil
}

// fifoRequired checks the members a FIFO send must have.
func fifoRequired(a *attrSet, group, dedup *string) error {
	if group == nil || *group == "" {
		return missingParam("MessageGroupId")
	}
	if (dedup == nil || *dedup == "") && !a.contentDedup {
		return invalidParam("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	return nil
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const (
	insertMessageHead = `INSERT INTO sqs_messages (queue_id, seq, message_id, body, attrs, trace_header, dlq_source, group_id, dedup_id,
	sender, sent_at, visible_at, receive_count, first_receive, received_at, receipt) VALUES `
	insertMessageRow  = "(?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 0, 0, 0, 0)"
	insertMessageTail = " ON CONFLICT (queue_id, seq) DO NOTHING"
)

// insertRowsSQL[n] inserts n messages in one statement.
var insertRowsSQL = func() [11]string {
	var qs [11]string
	for n := 1; n <= 10; n++ {
		rows := make([]string, n)
		for i := range rows {
			rows[i] = insertMessageRow
		}
		qs[n] = insertMessageHead + strings.Join(rows, ", ") + insertMessageTail
	}
	return qs
}()

// insertMessages stores msgs in q inside tx, in one statement. FIFO
// messages whose deduplication ID was seen in the last five minutes are
// not stored; they take the message ID and sequence number of the original.
func (s *Service) insertMessages(ctx context.Context, tx *store.Tx, q *queue, msgs []*outMsg, now int64) error {
	rows := make([]*outMsg, 0, len(msgs))
	for _, m := range msgs {
		m.messageID = newUUID()
		m.visibleAt = now + m.delayMs
		if q.fifo {
			dup, err := s.dedup(ctx, tx, q, m, now)
			if err != nil {
				return err
			}
			if dup {
				continue
			}
		}
		rows = append(rows, m)
	}
	if len(rows) == 0 {
		return nil
	}
	args := make([]any, 0, 11*len(rows))
	for _, m := range rows {
		args = append(args, q.id, m.seq, m.messageID, m.body, nullBytes(m.attrs), nullString(m.sys.traceHeader),
			nullString(m.groupID), nullString(m.dedupID), m.sender, now, m.visibleAt)
	}
	res, err := tx.Exec(ctx, insertRowsSQL[len(rows)], args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == int64(len(rows)) {
		return err
	}
	// Another node took some of these seqs: store those rows anew.
	for _, m := range rows {
		var id string
		err := tx.QueryRow(ctx, "SELECT message_id FROM sqs_messages WHERE queue_id = ? AND seq = ?", q.id, m.seq).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for id != m.messageID {
			m.seq = s.seq.next(now, 1)
			res, err := tx.Exec(ctx, insertRowsSQL[1], q.id, m.seq, m.messageID, m.body, nullBytes(m.attrs), nullString(m.sys.traceHeader),
				nullString(m.groupID), nullString(m.dedupID), m.sender, now, m.visibleAt)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				id = m.messageID
			}
		}
	}
	return nil
}

// dedup records m's deduplication key, or reports that it is a duplicate
// (and fills in the original's message ID and sequence number).
func (s *Service) dedup(ctx context.Context, tx *store.Tx, q *queue, m *outMsg, now int64) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO sqs_dedup (queue_id, dkey, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (queue_id, dkey) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at
		WHERE sqs_dedup.expires_at <= ?`, q.id, m.dedupKey, m.messageID, m.seq, now+dedupWindow, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return false, err
	}
	err = tx.QueryRow(ctx, "SELECT message_id, seq FROM sqs_dedup WHERE queue_id = ? AND dkey = ?", q.id, m.dedupKey).Scan(&m.messageID, &m.seq)
	return true, err
}

// afterSend wakes receivers for the messages that are visible now and
// schedules a wake-up for delayed ones.
func (s *Service) afterSend(q *queue, msgs []*outMsg, now int64) {
	visible := 0
	var next int64
	for _, m := range msgs {
		if m.visibleAt <= now {
			visible++
		} else if next == 0 || m.visibleAt < next {
			next = m.visibleAt
		}
	}
	if visible > 0 {
		q.waiters.signal(visible)
	}
	if next > 0 && q.waiters.len() > 0 {
		s.sched.at(q, next)
	}
}

// notifySend tells other nodes about sent messages (see notify.go).
func (s *Service) notifySend(tx *store.Tx, q *queue, msgs []*outMsg, now int64) {
	if !s.shared() {
		return
	}
	visible := 0
	var next int64
	for _, m := range msgs {
		if m.visibleAt <= now {
			visible++
		} else if next == 0 || m.visibleAt < next {
			next = m.visibleAt
		}
	}
	s.notifyMsgs(tx, q, visible, next)
}

// seqString formats a sequence number as SQS does: 20 digits, no leading
// zero (a 1 before the 19-digit zero-padded value keeps the order).
func seqString(seq int64) string { return fmt.Sprintf("1%019d", seq) }

// SendMessage delivers a message to a queue.
func (s *Service) SendMessage(ctx context.Context, in *sqsapi.SendMessageRequest) (*sqsapi.SendMessageResult, error) {
	out, err := s.sendMessage(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) sendMessage(ctx context.Context, in *sqsapi.SendMessageRequest) (*sqsapi.SendMessageResult, error) {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	a := &q.m().attrs
	m, err := s.prepare(ctx, q, a, sendParams{body: in.MessageBody, delay: in.DelaySeconds, attrs: in.MessageAttributes,
		sysAttrs: in.MessageSystemAttributes, group: in.MessageGroupId, dedup: in.MessageDeduplicationId, bodyParam: "MessageBody"})
	if err != nil {
		return nil, err
	}
	now := s.nowMs()
	m.seq = s.seq.next(now, 1)
	msgs := []*outMsg{m}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := s.insertMessages(ctx, tx, q, msgs, now); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.afterSend(q, msgs, now) })
		s.notifySend(tx, q, msgs, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &sqsapi.SendMessageResult{MessageId: ptr(m.messageID), MD5OfMessageBody: ptr(m.md5Body)}
	if m.md5Attrs != "" {
		out.MD5OfMessageAttributes = ptr(m.md5Attrs)
	}
	if m.sys.md5 != "" {
		out.MD5OfMessageSystemAttributes = ptr(m.sys.md5)
	}
	if q.fifo {
		out.SequenceNumber = ptr(seqString(m.seq))
	}
	return out, nil
}

// validBatchID reports whether id is a valid batch entry ID.
func validBatchID(id string) bool {
	if len(id) < 1 || len(id) > 80 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// batchQueue resolves the queue of a batch request and applies the
// request-level batch rules to its entries' ids.
func batchQueue[E any](ctx context.Context, s *Service, url *string, shape string, entries []E, id func(*E) *string) (*queue, error) {
	q, err := s.queueByURL(ctx, url)
	if err != nil {
		return nil, err
	}
	ids := make([]*string, len(entries))
	for i := range entries {
		ids[i] = id(&entries[i])
	}
	if err := checkBatch(shape, ids); err != nil {
		return nil, err
	}
	return q, nil
}

// checkBatch applies the request-level rules of batch operations: 1 to 10
// entries with distinct, well-formed IDs.
func checkBatch(shape string, ids []*string) error {
	if len(ids) == 0 {
		return errorf(errEmptyBatchRequest, "There should be at least one %s in the request.", shape)
	}
	if len(ids) > 10 {
		return errorf(errTooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent %d.", len(ids))
	}
	seen := make(map[string]bool, len(ids))
	for i, p := range ids {
		if p == nil {
			return missingParam(shape + "." + strconv.Itoa(i+1) + ".Id")
		}
		if !validBatchID(*p) {
			return newErr(errInvalidBatchEntryID)
		}
		if seen[*p] {
			return errorf(errBatchEntryIdsNotDistinct, "Id %s repeated.", *p)
		}
		seen[*p] = true
	}
	return nil
}

// SendMessageBatch delivers up to ten messages to a queue.
func (s *Service) SendMessageBatch(ctx context.Context, in *sqsapi.SendMessageBatchRequest) (*sqsapi.SendMessageBatchResult, error) {
	out, err := s.sendMessageBatch(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) sendMessageBatch(ctx context.Context, in *sqsapi.SendMessageBatchRequest) (*sqsapi.SendMessageBatchResult, error) {
	q, err := batchQueue(ctx, s, in.QueueUrl, "SendMessageBatchRequestEntry", in.Entries, func(e *sqsapi.SendMessageBatchRequestEntry) *string { return e.Id })
	if err != nil {
		return nil, err
	}
	total := 0
	for _, e := range in.Entries {
		total += len(deref(e.MessageBody))
		for name, v := range e.MessageAttributes {
			total += len(name) + len(deref(v.DataType)) + len(deref(v.StringValue)) + len(v.BinaryValue)
		}
	}
	if total > maxBatchPayload {
		return nil, errorf(errBatchRequestTooLong, "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", maxBatchPayload, total)
	}
	a := &q.m().attrs
	if q.fifo {
		for _, e := range in.Entries {
			if err := fifoRequired(a, e.MessageGroupId, e.MessageDeduplicationId); err != nil {
				return nil, err
			}
		}
	}
	out := &sqsapi.SendMessageBatchResult{Successful: []sqsapi.SendMessageBatchResultEntry{}, Failed: []sqsapi.BatchResultErrorEntry{}}
	var msgs []*outMsg
	var msgIDs []string
	for i, e := range in.Entries {
		m, err := s.prepare(ctx, q, a, sendParams{body: e.MessageBody, delay: e.DelaySeconds, attrs: e.MessageAttributes,
			sysAttrs: e.MessageSystemAttributes, group: e.MessageGroupId, dedup: e.MessageDeduplicationId,
			bodyParam: "SendMessageBatchRequestEntry." + strconv.Itoa(i+1) + ".MessageBody"})
		if err != nil {
			out.Failed = append(out.Failed, batchFailure(*e.Id, err))
			continue
		}
		msgs = append(msgs, m)
		msgIDs = append(msgIDs, *e.Id)
	}
	if len(msgs) > 0 {
		now := s.nowMs()
		first := s.seq.next(now, len(msgs))
		for i, m := range msgs {
			m.seq = first + int64(i)
		}
		err = s.st.Update(ctx, func(tx *store.Tx) error {
			if err := s.insertMessages(ctx, tx, q, msgs, now); err != nil {
				return err
			}
			tx.AfterCommit(func() { s.afterSend(q, msgs, now) })
			s.notifySend(tx, q, msgs, now)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i, m := range msgs {
		r := sqsapi.SendMessageBatchResultEntry{Id: ptr(msgIDs[i]), MessageId: ptr(m.messageID), MD5OfMessageBody: ptr(m.md5Body)}
		if m.md5Attrs != "" {
			r.MD5OfMessageAttributes = ptr(m.md5Attrs)
		}
		if m.sys.md5 != "" {
			r.MD5OfMessageSystemAttributes = ptr(m.sys.md5)
		}
		if q.fifo {
			r.SequenceNumber = ptr(seqString(m.seq))
		}
		out.Successful = append(out.Successful, r)
	}
	return out, nil
}
