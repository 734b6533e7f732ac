package sqs

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

// Message system attribute names.
const (
	sysSenderID                 = "SenderId"
	sysSentTimestamp            = "SentTimestamp"
	sysApproxReceiveCount       = "ApproximateReceiveCount"
	sysApproxFirstReceive       = "ApproximateFirstReceiveTimestamp"
	sysSequenceNumber           = "SequenceNumber"
	sysMessageDeduplicationID   = "MessageDeduplicationId"
	sysMessageGroupID           = "MessageGroupId"
	sysAWSTraceHeader           = "AWSTraceHeader"
	sysDeadLetterQueueSourceArn = "DeadLetterQueueSourceArn"
)

var systemAttrNames = []string{sysSenderID, sysSentTimestamp, sysApproxReceiveCount, sysApproxFirstReceive,
	sysSequenceNumber, sysMessageDeduplicationID, sysMessageGroupID, sysAWSTraceHeader, sysDeadLetterQueueSourceArn}

// receiveOpts are the validated parameters of a receive.
type receiveOpts struct {
	max        int
	visibility int64 // ms
	wait       int64 // ms
	sys        map[string]bool
	filter     attrFilter
	attemptID  string
}

// storedMsg is a received message row.
type storedMsg struct {
	seq          int64
	messageID    string
	body         string
	attrs        []byte
	trace        sql.NullString
	dlqSource    sql.NullString
	groupID      sql.NullString
	dedupID      sql.NullString
	sender       string
	sentAt       int64
	receiveCount int64
	firstReceive int64
}

const returnCols = "seq, message_id, body, attrs, trace_header, dlq_source, group_id, dedup_id, sender, sent_at, receive_count, first_receive"

func scanStored(rows *sql.Rows) (storedMsg, error) {
	var m storedMsg
	err := rows.Scan(&m.seq, &m.messageID, &m.body, &m.attrs, &m.trace, &m.dlqSource, &m.groupID, &m.dedupID,
		&m.sender, &m.sentAt, &m.receiveCount, &m.firstReceive)
	return m, err
}

// receiveResult is the outcome of one receive attempt.
type receiveResult struct {
	msgs        []storedMsg
	nonce       int64
	moved       int   // messages moved to the dead-letter queue instead
	contended   bool  // another receive held the queue (PostgreSQL FIFO): retry
	nextVisible int64 // earliest future visible_at (ms), 0 if none or unknown
}

// ReceiveMessage returns up to MaxNumberOfMessages messages, waiting up to
// WaitTimeSeconds for one to arrive.
func (s *Service) ReceiveMessage(ctx context.Context, in *sqsapi.ReceiveMessageRequest) (*sqsapi.ReceiveMessageResult, error) {
	out, err := s.receiveMessage(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) receiveMessage(ctx context.Context, in *sqsapi.ReceiveMessageRequest) (*sqsapi.ReceiveMessageResult, error) {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	a := q.m().attrs
	o := receiveOpts{max: 1, visibility: int64(a.visibility) * 1000, wait: int64(a.wait) * 1000, filter: newAttrFilter(in.MessageAttributeNames)}
	if p := in.MaxNumberOfMessages; p != nil {
		if *p < 1 || *p > 10 {
			return nil, invalidParam("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", *p)
		}
		o.max = int(*p)
	}
	if p := in.VisibilityTimeout; p != nil {
		if *p < 0 || *p > 43200 {
			return nil, invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *p)
		}
		o.visibility = int64(*p) * 1000
	}
	if p := in.WaitTimeSeconds; p != nil {
		if *p < 0 || *p > 20 {
			return nil, invalidParam("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", *p)
		}
		o.wait = int64(*p) * 1000
	}
	if o.sys, err = systemAttrSelection(in.AttributeNames, in.MessageSystemAttributeNames); err != nil {
		return nil, err
	}
	if q.fifo {
		if id := deref(in.ReceiveRequestAttemptId); id != "" {
			if err := validFifoID("ReceiveRequestAttemptId", id); err != nil {
				return nil, err
			}
			o.attemptID = id
		}
	}
	res, err := s.longPoll(ctx, q, o)
	if err != nil {
		return nil, err
	}
	out := &sqsapi.ReceiveMessageResult{}
	for _, m := range res.msgs {
		msg, err := s.toAPIMessage(q, m, res.nonce, o)
		if err != nil {
			return nil, err
		}
		out.Messages = append(out.Messages, msg)
	}
	return out, nil
}

// systemAttrSelection validates the requested message system attributes
// (the deprecated AttributeNames and MessageSystemAttributeNames).
func systemAttrSelection(legacy, names []string) (map[string]bool, error) {
	sel := map[string]bool{}
	add := func(n string, lenient bool) error {
		switch {
		case n == "All":
			for _, a := range systemAttrNames {
				sel[a] = true
			}
		case slices.Contains(systemAttrNames, n):
			sel[n] = true
		case lenient && isQueueAttrName(n):
			// Old clients pass queue attribute names here; SQS ignores them.
		default:
			return errorf(errInvalidAttributeName, "Unknown Attribute %s.", n)
		}
		return nil
	}
	for _, n := range legacy {
		if err := add(n, true); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if err := add(n, false); err != nil {
			return nil, err
		}
	}
	return sel, nil
}

// longPoll receives from q, waiting up to o.wait for messages.
func (s *Service) longPoll(ctx context.Context, q *queue, o receiveOpts) (receiveResult, error) {
	deadline := s.nowMs() + o.wait
	for redriven, contended := 0, 0; ; {
		var w *waiter
		if o.wait > 0 {
			w = q.waiters.add()
		}
		res, err := s.receiveOnce(ctx, q, o)
		if err == nil && res.contended && contended < 5000 {
			if w != nil && q.waiters.remove(w) {
				q.waiters.signal(1)
			}
			contended++
			select {
			case <-time.After(time.Millisecond):
				continue
			case <-ctx.Done():
				return receiveResult{}, ctx.Err()
			}
		}
		if err != nil || len(res.msgs) > 0 || o.wait == 0 || res.moved > 0 {
			if w != nil && q.waiters.remove(w) {
				q.waiters.signal(1) // pass on a wake-up we did not need
			}
			if err == nil && len(res.msgs) == o.max {
				q.waiters.signal(1) // there may be more
			}
			if err == nil && len(res.msgs) > 0 && res.nextVisible > 0 {
				s.sched.at(q, res.nextVisible)
			}
			if err == nil && res.moved > 0 && len(res.msgs) == 0 && redriven < 100 {
				redriven++
				continue // everything we claimed went to the dead-letter queue: try again
			}
			return res, err
		}
		if s.nowMs() >= deadline || q.deleted.Load() {
			if q.waiters.remove(w) {
				q.waiters.signal(1) // pass on a wake-up we will not use
			}
			return res, nil
		}
		if res.nextVisible > 0 {
			s.sched.at(q, res.nextVisible)
		}
		t := newTimerAt(s.clk, deadline)
		select {
		case <-w.ch:
			t.Stop()
			continue
		case <-t.C():
			// The deadline: one last attempt, so that a message that became
			// visible without a wake-up reaching us is still returned.
			if q.waiters.remove(w) {
				q.waiters.signal(1) // the wake-up may be someone else's
			}
			last := o
			last.wait = 0
			return s.receiveOnce(ctx, q, last)
		case <-ctx.Done():
			t.Stop()
			if q.waiters.remove(w) {
				q.waiters.signal(1)
			}
			return receiveResult{}, ctx.Err()
		case <-s.ctx.Done():
			t.Stop()
			q.waiters.remove(w)
			return receiveResult{}, nil
		}
	}
}

// receiveOnce makes one receive attempt in one transaction.
func (s *Service) receiveOnce(ctx context.Context, q *queue, o receiveOpts) (receiveResult, error) {
	var res receiveResult
	if q.deleted.Load() {
		return res, nil
	}
	m := q.m()
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res = receiveResult{nonce: randInt63()}
		now := s.nowMs()
		var err error
		if q.fifo {
			err = s.receiveFIFO(ctx, tx, q, m, o, now, &res)
		} else {
			err = s.receiveStandard(ctx, tx, q, m, o, now, &res)
		}
		if err != nil {
			return err
		}
		if err := s.redrive(ctx, tx, q, m, now, &res); err != nil {
			return err
		}
		// Where a receive may have to wait, or other receivers wait, learn
		// when the next message becomes visible so the scheduler wakes a
		// waiter then: the scheduler keeps one wake-up per queue, so a
		// receiver taking the current batch must arm the next one.
		if (len(res.msgs) == 0 && o.wait > 0) || (len(res.msgs) > 0 && q.waiters.len() > 0) {
			var next sql.NullInt64
			if err := tx.QueryRow(ctx, "SELECT MIN(visible_at) FROM sqs_messages WHERE queue_id = ? AND visible_at > ?", q.id, now).Scan(&next); err != nil {
				return err
			}
			res.nextVisible = next.Int64
		}
		if len(res.msgs) > 0 && o.visibility > 0 && q.waiters.len() > 0 {
			at := now + o.visibility
			tx.AfterCommit(func() { s.sched.at(q, at) })
		}
		return nil
	})
	return res, err
}

// receiveStandard claims up to o.max visible messages, oldest visible
// first, in one statement. PostgreSQL claims with FOR UPDATE SKIP LOCKED
// in a materialized CTE (a LIMIT subquery under IN may be re-evaluated
// there and claim more rows than asked).
func (s *Service) receiveStandard(ctx context.Context, tx *store.Tx, q *queue, m *queueMeta, o receiveOpts, now int64, res *receiveResult) error {
	cutoff := now - int64(m.attrs.retention)*1000
	var rows *sql.Rows
	var err error
	if tx.Dialect() == store.Postgres {
		rows, err = tx.Query(ctx, `WITH c AS MATERIALIZED (
			SELECT seq FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND seq > ? AND sent_at > ?
			ORDER BY visible_at, seq LIMIT ? FOR UPDATE SKIP LOCKED)
			UPDATE sqs_messages AS m SET visible_at = ?, receive_count = m.receive_count + 1,
			first_receive = CASE WHEN m.first_receive = 0 THEN ? ELSE m.first_receive END, received_at = ?, receipt = ?
			FROM c WHERE m.queue_id = ? AND m.seq = c.seq
			RETURNING `+prefixCols("m.", returnCols),
			q.id, now, m.purgeSeq, cutoff, o.max,
			now+o.visibility, now, now, res.nonce, q.id)
	} else {
		rows, err = tx.Query(ctx, `UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1,
			first_receive = CASE WHEN first_receive = 0 THEN ? ELSE first_receive END, received_at = ?, receipt = ?
			WHERE queue_id = ? AND seq IN (
				SELECT seq FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND seq > ? AND sent_at > ?
				ORDER BY visible_at, seq LIMIT ?)
			RETURNING `+returnCols,
			now+o.visibility, now, now, res.nonce, q.id,
			q.id, now, m.purgeSeq, cutoff, o.max)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		sm, err := scanStored(rows)
		if err != nil {
			return err
		}
		res.msgs = append(res.msgs, sm)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(res.msgs, func(a, b storedMsg) int { return cmpInt(a.seq, b.seq) })
	return nil
}

// prefixCols qualifies each column of a comma-separated list.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = prefix + p
	}
	return strings.Join(parts, ", ")
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fifoScanPage and fifoScanLimit bound the rows a FIFO receive examines.
const (
	fifoScanPage  = 500
	fifoScanLimit = 20000
)

// fifoBlockedMax bounds the blocked groups excluded in SQL per scan page.
const fifoBlockedMax = 512

// fifoScanQuery returns the query for the next page of FIFO candidates
// after seq, excluding (up to fifoBlockedMax of) the blocked groups. The
// exclusion list is padded to a power of two so that few distinct
// statements are prepared.
func fifoScanQuery(queueID, after int64, blocked map[string]bool) (string, []any) {
	args := []any{queueID, after}
	if len(blocked) == 0 {
		return "SELECT seq, group_id, visible_at, sent_at FROM sqs_messages WHERE queue_id = ? AND seq > ? ORDER BY seq LIMIT ?", append(args, fifoScanPage)
	}
	var groups []any
	for g := range blocked {
		if len(groups) == fifoBlockedMax {
			break
		}
		groups = append(groups, g)
	}
	n := 1
	for n < len(groups) {
		n *= 2
	}
	for len(groups) < n {
		groups = append(groups, groups[0])
	}
	q := "SELECT seq, group_id, visible_at, sent_at FROM sqs_messages WHERE queue_id = ? AND seq > ? AND group_id NOT IN (?" +
		strings.Repeat(", ?", n-1) + ") ORDER BY seq LIMIT ?"
	args = append(args, groups...)
	return q, append(args, fifoScanPage)
}

// receiveFIFO claims messages of a FIFO queue: within a group strictly in
// order, never from a group that has a message in flight (or an earlier
// message not yet visible), and as many as possible from the first
// available group before moving on to the next.
func (s *Service) receiveFIFO(ctx context.Context, tx *store.Tx, q *queue, m *queueMeta, o receiveOpts, now int64, res *receiveResult) error {
	if tx.Dialect() == store.Postgres {
		// Serialize the FIFO receives of a queue (across writers and
		// nodes) on its row, without waiting: a receive that finds the row
		// locked retries once the other has committed.
		var id int64
		err := tx.QueryRow(ctx, "SELECT id FROM sqs_queues WHERE id = ? FOR UPDATE SKIP LOCKED", q.id).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			var n int64
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM sqs_queues WHERE id = ?", q.id).Scan(&n); err != nil {
				return err
			}
			res.contended = n > 0
			return nil
		}
		if err != nil {
			return err
		}
	}
	if o.attemptID != "" {
		done, err := s.retryAttempt(ctx, tx, q, o, now, res)
		if err != nil || done {
			return err
		}
	}
	cutoff := now - int64(m.attrs.retention)*1000
	blocked := map[string]bool{}
	var order []string             // groups in order of their first available message
	picked := map[string][]int64{} // seqs per group
	total := 0
	after := m.purgeSeq
scan:
	for scanned := 0; scanned < fifoScanLimit; {
		// Rows of groups already known to be blocked are filtered in SQL,
		// so a long blocked group cannot use up the scan budget and starve
		// the groups behind it.
		query, args := fifoScanQuery(q.id, after, blocked)
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var seq, vis, sent int64
			var g sql.NullString
			if err := rows.Scan(&seq, &g, &vis, &sent); err != nil {
				rows.Close()
				return err
			}
			n++
			after = seq
			if sent <= cutoff {
				continue // expired: gone for readers
			}
			group := g.String
			if blocked[group] {
				continue
			}
			if vis > now {
				blocked[group] = true
				continue
			}
			if len(picked[group]) == 0 {
				order = append(order, group)
			}
			picked[group] = append(picked[group], seq)
			total++
			if len(picked[order[0]]) >= o.max {
				rows.Close()
				break scan
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		scanned += n
		if n < fifoScanPage || total >= o.max {
			break
		}
	}
	var seqs []int64
	for _, g := range order {
		for _, seq := range picked[g] {
			if len(seqs) == o.max {
				break
			}
			seqs = append(seqs, seq)
		}
	}
	if len(seqs) == 0 {
		return s.recordAttempt(ctx, tx, q, o, now, res, nil)
	}
	if err := s.claim(ctx, tx, q, seqs, now, o, res); err != nil {
		return err
	}
	return s.recordAttempt(ctx, tx, q, o, now, res, seqs)
}

// claim marks the messages seqs as received and loads them, in the order
// of seqs.
func (s *Service) claim(ctx context.Context, tx *store.Tx, q *queue, seqs []int64, now int64, o receiveOpts, res *receiveResult) error {
	args := []any{now + o.visibility, now, now, res.nonce, q.id}
	for _, seq := range seqs {
		args = append(args, seq)
	}
	rows, err := tx.Query(ctx, `UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1,
		first_receive = CASE WHEN first_receive = 0 THEN ? ELSE first_receive END, received_at = ?, receipt = ?
		WHERE queue_id = ? AND seq IN (`+placeholders(len(seqs))+`) RETURNING `+returnCols, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int64]storedMsg{}
	for rows.Next() {
		sm, err := scanStored(rows)
		if err != nil {
			return err
		}
		byID[sm.seq] = sm
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, seq := range seqs {
		if sm, ok := byID[seq]; ok {
			res.msgs = append(res.msgs, sm)
		}
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// retryAttempt answers a FIFO receive that repeats a ReceiveRequestAttemptId
// of the last five minutes: the same messages (those still in flight under
// that receive) with the same receipt handles, and a fresh visibility
// timeout.
func (s *Service) retryAttempt(ctx context.Context, tx *store.Tx, q *queue, o receiveOpts, now int64, res *receiveResult) (bool, error) {
	var created, nonce int64
	var list string
	err := tx.QueryRow(ctx, "SELECT created_at, receipt, seqs FROM sqs_receive_attempts WHERE queue_id = ? AND attempt_id = ?",
		q.id, o.attemptID).Scan(&created, &nonce, &list)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && created <= now-receiveAttemptWindow) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res.nonce = nonce
	var seqs []int64
	for _, f := range strings.Split(list, ",") {
		if v, err := strconv.ParseInt(f, 10, 64); err == nil {
			seqs = append(seqs, v)
		}
	}
	if len(seqs) == 0 {
		return true, nil
	}
	args := []any{now + o.visibility, q.id, nonce}
	for _, seq := range seqs {
		args = append(args, seq)
	}
	rows, err := tx.Query(ctx, `UPDATE sqs_messages SET visible_at = ? WHERE queue_id = ? AND receipt = ? AND seq IN (`+
		placeholders(len(seqs))+`) RETURNING `+returnCols, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	byID := map[int64]storedMsg{}
	for rows.Next() {
		sm, err := scanStored(rows)
		if err != nil {
			return false, err
		}
		byID[sm.seq] = sm
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	for _, seq := range seqs {
		if sm, ok := byID[seq]; ok {
			res.msgs = append(res.msgs, sm)
		}
	}
	return true, nil
}

// recordAttempt remembers the outcome of a receive with a
// ReceiveRequestAttemptId.
func (s *Service) recordAttempt(ctx context.Context, tx *store.Tx, q *queue, o receiveOpts, now int64, res *receiveResult, seqs []int64) error {
	if o.attemptID == "" || len(seqs) == 0 {
		return nil
	}
	parts := make([]string, len(seqs))
	for i, v := range seqs {
		parts[i] = strconv.FormatInt(v, 10)
	}
	_, err := tx.Exec(ctx, `INSERT INTO sqs_receive_attempts (queue_id, attempt_id, created_at, receipt, seqs) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (queue_id, attempt_id) DO UPDATE SET created_at = excluded.created_at, receipt = excluded.receipt, seqs = excluded.seqs`,
		q.id, o.attemptID, now, res.nonce, strings.Join(parts, ","))
	return err
}

// redrive moves the received messages whose receive count exceeds the
// queue's maxReceiveCount to its dead-letter queue, in the receive's
// transaction, instead of returning them.
func (s *Service) redrive(ctx context.Context, tx *store.Tx, q *queue, m *queueMeta, now int64, res *receiveResult) error {
	rp := m.attrs.redrive
	if rp == nil || len(res.msgs) == 0 {
		return nil
	}
	var dlq *queue
	keep := res.msgs[:0]
	var moved []storedMsg
	for _, sm := range res.msgs {
		if sm.receiveCount <= int64(rp.maxReceive) {
			keep = append(keep, sm)
			continue
		}
		if dlq == nil {
			dlq = s.reg.getARN(rp.dlqARN)
			if dlq == nil || dlq.deleted.Load() {
				return nil // no dead-letter queue: deliver as usual
			}
		}
		moved = append(moved, sm)
	}
	if len(moved) == 0 {
		return nil
	}
	res.msgs = keep
	for _, sm := range moved {
		// The receive that moved the message did not deliver it: the
		// dead letter keeps the count of its deliveries and its first
		// receive, as SQS does.
		carry := &receiveState{count: sm.receiveCount - 1, first: sm.firstReceive}
		if err := s.moveMessage(ctx, tx, q, sm.seq, dlq, sm.sentAt, q.arn, carry, now); err != nil {
			return err
		}
	}
	res.moved = len(moved)
	tx.AfterCommit(func() { dlq.waiters.signal(len(moved)) })
	s.notifyMsgs(tx, dlq, len(moved), 0)
	return nil
}

// receiveState is the receive count and first receive time (Unix ms, 0
// for none) a moved message keeps.
type receiveState struct {
	count, first int64
}

// moveMessage moves message seq of src to dst with the given
// DeadLetterQueueSourceArn ("" for none), as a never received message or,
// with carry, with carry's receive count and first receive time. Standard
// queues keep the original send time (retention counts from the first
// enqueue); FIFO queues reset it.
func (s *Service) moveMessage(ctx context.Context, tx *store.Tx, src *queue, seq int64, dst *queue, sentAt int64, dlqSource string, carry *receiveState, now int64) error {
	if dst.fifo {
		sentAt = now
	}
	var count, first int64
	if carry != nil {
		count, first = max(carry.count, 0), carry.first
	}
	for {
		newSeq := s.seq.next(now, 1)
		res, err := tx.Exec(ctx, `INSERT INTO sqs_messages (queue_id, seq, message_id, body, attrs, trace_header, dlq_source, group_id, dedup_id,
			sender, sent_at, visible_at, receive_count, first_receive, received_at, receipt)
			SELECT ?, ?, message_id, body, attrs, trace_header, ?, group_id, dedup_id, sender, ?, ?, ?, ?, 0, 0
			FROM sqs_messages WHERE queue_id = ? AND seq = ? ON CONFLICT (queue_id, seq) DO NOTHING`,
			dst.id, newSeq, nullString(dlqSource), sentAt, now, count, first, src.id, seq)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			break
		}
		var exists int64
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM sqs_messages WHERE queue_id = ? AND seq = ?", src.id, seq).Scan(&exists); err != nil || exists == 0 {
			return err
		}
	}
	_, err := tx.Exec(ctx, "DELETE FROM sqs_messages WHERE queue_id = ? AND seq = ?", src.id, seq)
	return err
}

// toAPIMessage builds the API form of a received message.
func (s *Service) toAPIMessage(q *queue, m storedMsg, nonce int64, o receiveOpts) (sqsapi.Message, error) {
	body := m.body
	out := sqsapi.Message{
		MessageId:     ptr(m.messageID),
		ReceiptHandle: ptr(receipt{queueID: q.id, seq: m.seq, nonce: nonce}.String()),
		MD5OfBody:     ptr(md5HexString(body)),
		Body:          &body,
	}
	if len(o.sys) > 0 {
		attrs := map[string]string{}
		set := func(name, v string) {
			if o.sys[name] {
				attrs[name] = v
			}
		}
		set(sysSenderID, m.sender)
		set(sysSentTimestamp, strconv.FormatInt(m.sentAt, 10))
		set(sysApproxReceiveCount, strconv.FormatInt(m.receiveCount, 10))
		set(sysApproxFirstReceive, strconv.FormatInt(m.firstReceive, 10))
		if q.fifo {
			set(sysSequenceNumber, seqString(m.seq))
			set(sysMessageDeduplicationID, m.dedupID.String)
		}
		if m.groupID.Valid {
			set(sysMessageGroupID, m.groupID.String)
		}
		if m.trace.Valid {
			set(sysAWSTraceHeader, m.trace.String)
		}
		if m.dlqSource.Valid {
			set(sysDeadLetterQueueSourceArn, m.dlqSource.String)
		}
		if len(attrs) > 0 {
			out.Attributes = attrs
		}
	}
	attrs, sum, err := selectAttrs(m.attrs, o.filter)
	if err != nil {
		return out, err
	}
	if len(attrs) > 0 {
		out.MessageAttributes = attrs
		out.MD5OfMessageAttributes = ptr(sum)
	}
	return out, nil
}
