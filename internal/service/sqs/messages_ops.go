package sqs

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

// maxVisibilityMs is the longest a message may stay in flight after a
// receive (12 hours).
const maxVisibilityMs = 43200 * 1000

// handleFor parses a receipt handle of q.
func handleFor(q *queue, h string) (receipt, error) {
	r, ok := parseReceipt(h)
	if !ok || r.queueID != q.id {
		return receipt{}, invalidHandle(h)
	}
	return r, nil
}

// deleteOne deletes the message of receipt r.
//
// Standard queues delete the message whatever receive the handle comes
// from (a handle of an earlier receive still deletes the message, as SQS
// does in practice), and deleting a message that is already gone
// succeeds. FIFO queues accept only the handle of the current receive
// while the message is in flight; otherwise the handle has expired.
func (s *Service) deleteOne(ctx context.Context, tx *store.Tx, q *queue, m *queueMeta, r receipt, h string, now int64) (bool, error) {
	if !q.fifo {
		res, err := tx.Exec(ctx, "DELETE FROM sqs_messages WHERE queue_id = ? AND seq = ? AND seq > ?", q.id, r.seq, m.purgeSeq)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n > 0, err
	}
	res, err := tx.Exec(ctx, "DELETE FROM sqs_messages WHERE queue_id = ? AND seq = ? AND seq > ? AND receipt = ? AND visible_at > ?",
		q.id, r.seq, m.purgeSeq, r.nonce, now)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return n > 0, err
	}
	var exists int64
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM sqs_messages WHERE queue_id = ? AND seq = ? AND seq > ?", q.id, r.seq, m.purgeSeq).Scan(&exists); err != nil {
		return false, err
	}
	if exists > 0 {
		return false, invalidParam("Value %s for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.", h)
	}
	return false, nil
}

// DeleteMessage deletes a received message.
func (s *Service) DeleteMessage(ctx context.Context, in *sqsapi.DeleteMessageRequest) error {
	return wireError(ctx, s.deleteMessage(ctx, in))
}

func (s *Service) deleteMessage(ctx context.Context, in *sqsapi.DeleteMessageRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	h := deref(in.ReceiptHandle)
	if h == "" {
		return missingParam("ReceiptHandle")
	}
	r, err := handleFor(q, h)
	if err != nil {
		return err
	}
	m := q.m()
	return s.st.Update(ctx, func(tx *store.Tx) error {
		deleted, err := s.deleteOne(ctx, tx, q, m, r, h, s.nowMs())
		if err == nil && deleted && q.fifo {
			tx.AfterCommit(func() { q.waiters.signal(1) }) // the group may be free
			s.notifyMsgs(tx, q, 1, 0)
		}
		return err
	})
}

// DeleteMessageBatch deletes up to ten received messages.
func (s *Service) DeleteMessageBatch(ctx context.Context, in *sqsapi.DeleteMessageBatchRequest) (*sqsapi.DeleteMessageBatchResult, error) {
	out, err := s.deleteMessageBatch(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) deleteMessageBatch(ctx context.Context, in *sqsapi.DeleteMessageBatchRequest) (*sqsapi.DeleteMessageBatchResult, error) {
	q, err := batchQueue(ctx, s, in.QueueUrl, "DeleteMessageBatchRequestEntry", in.Entries, func(e *sqsapi.DeleteMessageBatchRequestEntry) *string { return e.Id })
	if err != nil {
		return nil, err
	}
	m := q.m()
	errs := make([]error, len(in.Entries))
	handles := make([]receipt, len(in.Entries))
	for i, e := range in.Entries {
		h := deref(e.ReceiptHandle)
		if h == "" || isBlank(h) {
			errs[i] = missingParam("ReceiptHandle")
			continue
		}
		handles[i], errs[i] = handleFor(q, h)
	}
	var results []error
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		results = make([]error, len(in.Entries))
		now := s.nowMs()
		freed := 0
		for i, e := range in.Entries {
			if errs[i] != nil {
				continue
			}
			deleted, err := s.deleteOne(ctx, tx, q, m, handles[i], deref(e.ReceiptHandle), now)
			if err != nil && !isDomain(err) {
				return err
			}
			results[i] = err
			if deleted {
				freed++
			}
		}
		if freed > 0 && q.fifo {
			tx.AfterCommit(func() { q.waiters.signal(freed) })
			s.notifyMsgs(tx, q, freed, 0)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &sqsapi.DeleteMessageBatchResult{Successful: []sqsapi.DeleteMessageBatchResultEntry{}, Failed: []sqsapi.BatchResultErrorEntry{}}
	for i, e := range in.Entries {
		if err := errors.Join(errs[i], results[i]); err != nil {
			out.Failed = append(out.Failed, batchFailure(*e.Id, err))
			continue
		}
		out.Successful = append(out.Successful, sqsapi.DeleteMessageBatchResultEntry{Id: e.Id})
	}
	return out, nil
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
			return false
		}
	}
	return true
}

// isDomain reports whether err is an SQS error (as opposed to a storage
// failure).
func isDomain(err error) bool {
	var se *sqsError
	return errors.As(err, &se)
}

// changeOne sets the visibility timeout of the message of receipt r.
func (s *Service) changeOne(ctx context.Context, tx *store.Tx, q *queue, m *queueMeta, r receipt, h string, vt int64, now int64) error {
	visibleAt := now + vt*1000
	res, err := tx.Exec(ctx, `UPDATE sqs_messages SET visible_at = ?
		WHERE queue_id = ? AND seq = ? AND seq > ? AND receipt = ? AND visible_at > ? AND received_at >= ?`,
		visibleAt, q.id, r.seq, m.purgeSeq, r.nonce, now, visibleAt-maxVisibilityMs)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	// Why not: gone, another receive's handle, not in flight, or too long.
	var vis, nonce, received int64
	err = tx.QueryRow(ctx, "SELECT visible_at, receipt, received_at FROM sqs_messages WHERE queue_id = ? AND seq = ? AND seq > ?",
		q.id, r.seq, m.purgeSeq).Scan(&vis, &nonce, &received)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && nonce != r.nonce) {
		return invalidParam("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", h)
	}
	if err != nil {
		return err
	}
	if vis <= now {
		return newErr(errMessageNotInflight)
	}
	return invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]", vt)
}

// afterVisibility wakes or schedules receivers after visibility changes.
func (s *Service) afterVisibility(q *queue, now int64, visibleAts []int64) {
	signal := 0
	var next int64
	for _, at := range visibleAts {
		if at <= now {
			signal++
		} else if next == 0 || at < next {
			next = at
		}
	}
	if signal > 0 {
		q.waiters.signal(signal)
	}
	if next > 0 && q.waiters.len() > 0 {
		s.sched.at(q, next)
	}
}

// notifyVisibility tells other nodes about visibility changes: the
// messages made visible now wake their waiters, the others are scheduled.
func (s *Service) notifyVisibility(tx *store.Tx, q *queue, now int64, visibleAts []int64) {
	if !s.shared() {
		return
	}
	n := 0
	var next int64
	for _, at := range visibleAts {
		if at <= now {
			n++
		} else if next == 0 || at < next {
			next = at
		}
	}
	s.notifyMsgs(tx, q, n, next)
}

// ChangeMessageVisibility changes the visibility timeout of a message in
// flight.
func (s *Service) ChangeMessageVisibility(ctx context.Context, in *sqsapi.ChangeMessageVisibilityRequest) error {
	return wireError(ctx, s.changeMessageVisibility(ctx, in))
}

func (s *Service) changeMessageVisibility(ctx context.Context, in *sqsapi.ChangeMessageVisibilityRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	h := deref(in.ReceiptHandle)
	if h == "" {
		return missingParam("ReceiptHandle")
	}
	if in.VisibilityTimeout == nil {
		return missingParam("VisibilityTimeout")
	}
	vt := int64(*in.VisibilityTimeout)
	if vt < 0 || vt > 43200 {
		return invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.", vt)
	}
	r, err := handleFor(q, h)
	if err != nil {
		return err
	}
	m := q.m()
	return s.st.Update(ctx, func(tx *store.Tx) error {
		now := s.nowMs()
		if err := s.changeOne(ctx, tx, q, m, r, h, vt, now); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.afterVisibility(q, now, []int64{now + vt*1000}) })
		s.notifyVisibility(tx, q, now, []int64{now + vt*1000})
		return nil
	})
}

// ChangeMessageVisibilityBatch changes the visibility timeout of up to ten
// messages.
func (s *Service) ChangeMessageVisibilityBatch(ctx context.Context, in *sqsapi.ChangeMessageVisibilityBatchRequest) (*sqsapi.ChangeMessageVisibilityBatchResult, error) {
	out, err := s.changeMessageVisibilityBatch(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) changeMessageVisibilityBatch(ctx context.Context, in *sqsapi.ChangeMessageVisibilityBatchRequest) (*sqsapi.ChangeMessageVisibilityBatchResult, error) {
	q, err := batchQueue(ctx, s, in.QueueUrl, "ChangeMessageVisibilityBatchRequestEntry", in.Entries, func(e *sqsapi.ChangeMessageVisibilityBatchRequestEntry) *string { return e.Id })
	if err != nil {
		return nil, err
	}
	m := q.m()
	errs := make([]error, len(in.Entries))
	handles := make([]receipt, len(in.Entries))
	for i, e := range in.Entries {
		h := deref(e.ReceiptHandle)
		switch {
		case h == "" || isBlank(h):
			errs[i] = missingParam("ReceiptHandle")
		case e.VisibilityTimeout == nil:
			errs[i] = missingParam("ChangeMessageVisibilityBatchRequestEntry." + strconv.Itoa(i+1) + ".VisibilityTimeout")
		case *e.VisibilityTimeout < 0 || *e.VisibilityTimeout > 43200:
			errs[i] = invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: VisibilityTimeout must be an integer between 0 and 43200.", *e.VisibilityTimeout)
		default:
			handles[i], errs[i] = handleFor(q, h)
		}
	}
	var results []error
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		results = make([]error, len(in.Entries))
		now := s.nowMs()
		var ats []int64
		for i, e := range in.Entries {
			if errs[i] != nil {
				continue
			}
			vt := int64(*e.VisibilityTimeout)
			err := s.changeOne(ctx, tx, q, m, handles[i], deref(e.ReceiptHandle), vt, now)
			if err != nil && !isDomain(err) {
				return err
			}
			results[i] = err
			if err == nil {
				ats = append(ats, now+vt*1000)
			}
		}
		tx.AfterCommit(func() { s.afterVisibility(q, now, ats) })
		s.notifyVisibility(tx, q, now, ats)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &sqsapi.ChangeMessageVisibilityBatchResult{Successful: []sqsapi.ChangeMessageVisibilityBatchResultEntry{}, Failed: []sqsapi.BatchResultErrorEntry{}}
	for i, e := range in.Entries {
		if err := errors.Join(errs[i], results[i]); err != nil {
			out.Failed = append(out.Failed, batchFailure(*e.Id, err))
			continue
		}
		out.Successful = append(out.Successful, sqsapi.ChangeMessageVisibilityBatchResultEntry{Id: e.Id})
	}
	return out, nil
}
