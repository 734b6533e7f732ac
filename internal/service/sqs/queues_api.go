package sqs

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Time windows of SQS, in milliseconds.
const (
	deletedQueueWindow   = 60_000     // QueueDeletedRecently
	purgeWindow          = 60_000     // PurgeQueueInProgress
	dedupWindow          = 5 * 60_000 // FIFO deduplication interval
	receiveAttemptWindow = 5 * 60_000 // ReceiveRequestAttemptId
	maxTags              = 50
)

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// validQueueName checks a queue name; FIFO names end in .fifo, which
// counts toward the 80 characters.
func validQueueName(name string, fifo bool) error {
	base := name
	if fifo {
		var ok bool
		base, ok = strings.CutSuffix(name, ".fifo")
		if !ok || !queueNameChars(base) || len(name) > 80 {
			return invalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length")
		}
		return nil
	}
	if !queueNameChars(base) || len(base) > 80 {
		return invalidParam("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	return nil
}

func queueNameChars(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validateTags checks tag keys and values and the total count.
func validateTags(queueName string, tags map[string]string) error {
	if len(tags) > maxTags {
		return invalidParam("Too many tags added for queue %s.", queueName)
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 {
			return invalidParam("Tag keys must be between 1 and 128 characters in length.")
		}
		if len(v) > 256 {
			return invalidParam("Tag values must be between 0 and 256 characters in length.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParam("Tag keys can't start with the reserved prefix aws:.")
		}
	}
	return nil
}

func marshalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateQueue creates a queue, or returns the URL of an existing queue
// whose attributes equal the requested ones.
func (s *Service) CreateQueue(ctx context.Context, in *sqsapi.CreateQueueRequest) (*sqsapi.CreateQueueResult, error) {
	out, err := s.createQueue(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) createQueue(ctx context.Context, in *sqsapi.CreateQueueRequest) (*sqsapi.CreateQueueResult, error) {
	name := deref(in.QueueName)
	if name == "" {
		return nil, invalidParam("Queue name cannot be empty")
	}
	fifo := false
	if v, ok := in.Attributes[attrFifoQueue]; ok {
		b, ok := parseBool(v)
		if !ok || !b {
			return nil, errorf(errInvalidAttributeName, "Unknown Attribute %s.", attrFifoQueue)
		}
		fifo = true
	}
	if err := validQueueName(name, fifo); err != nil {
		return nil, err
	}
	ri := reqinfo.From(ctx)
	k := queueKey{ri.Account, ri.Region, name}
	attrs, err := applyAttrs(defaultAttrs(fifo), in.Attributes, fifo)
	if err != nil {
		return nil, err
	}
	if err := validateTags(name, in.Tags); err != nil {
		return nil, err
	}
	if q, err := s.lookup(ctx, k); err == nil {
		return s.existingQueue(ctx, q, in.Attributes, attrs)
	} else if !isKind(err, errQueueDoesNotExist) {
		return nil, err
	}
	arn := queueARN(k.region, k.account, name)
	if err := s.checkRedrive(ctx, arn, fifo, in.Attributes[attrRedrivePolicy], attrs[attrRedrivePolicy]); err != nil {
		return nil, err
	}
	tags := in.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	now := s.nowMs()
	row := queueRow{id: randInt63(), account: k.account, region: k.region, name: name, fifo: fifo,
		attrs: marshalJSON(attrs), tags: marshalJSON(tags), created: now, modified: now}
	inserted := false
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM sqs_deleted_queues WHERE account = ? AND region = ? AND name = ? AND deleted_at > ?",
			k.account, k.region, name, now-deletedQueueWindow).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return newErr(errQueueDeletedRecently)
		}
		fifoN := int64(0)
		if fifo {
			fifoN = 1
		}
		res, err := tx.Exec(ctx, "INSERT INTO sqs_queues ("+queueCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT (account, region, name) DO NOTHING",
			row.id, row.account, row.region, row.name, fifoN, row.attrs, row.tags, row.created, row.modified)
		if err != nil {
			return err
		}
		c, err := res.RowsAffected()
		inserted = c == 1
		if inserted {
			s.notifyQueue(tx, row.id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !inserted {
		// Created concurrently (or by another node).
		q, err := s.lookup(ctx, k)
		if err != nil {
			return nil, err
		}
		return s.existingQueue(ctx, q, in.Attributes, attrs)
	}
	q, err := queueFromRow(row)
	if err != nil {
		return nil, err
	}
	if r := s.reg.put(q); r != nil {
		q = r
	}
	return &sqsapi.CreateQueueResult{QueueUrl: ptr(q.url(ctx))}, nil
}

// existingQueue answers CreateQueue for a queue that exists: its URL when
// every requested attribute has the queue's value, else QueueNameExists.
func (s *Service) existingQueue(ctx context.Context, q *queue, requested, normalized map[string]string) (*sqsapi.CreateQueueResult, error) {
	cur := q.m().attrs.raw
	for _, name := range slices.Sorted(maps.Keys(requested)) {
		if normalized[name] != cur[name] {
			return nil, errorf(errQueueNameExists, "A queue already exists with the same name and a different value for attribute %s", name)
		}
	}
	return &sqsapi.CreateQueueResult{QueueUrl: ptr(q.url(ctx))}, nil
}

// checkRedrive validates a RedrivePolicy against its dead-letter queue:
// it must exist, be of the same type as the source, and its
// RedriveAllowPolicy must admit the source.
func (s *Service) checkRedrive(ctx context.Context, srcARN string, srcFifo bool, given, normalized string) error {
	if normalized == "" {
		return nil
	}
	rp, err := parseRedrivePolicy(normalized)
	if err != nil {
		return err
	}
	invalid := func(reason string) error {
		return invalidParam("Value %s for parameter RedrivePolicy is invalid. Reason: %s", given, reason)
	}
	dlq, err := s.queueByARN(ctx, rp.dlqARN)
	if isKind(err, errQueueDoesNotExist) {
		return invalid("Dead letter target does not exist.")
	}
	if err != nil {
		return err
	}
	if dlq.fifo != srcFifo {
		return invalid("Dead-letter queue must be same type of queue as the source..")
	}
	if !dlq.m().attrs.allow.allows(srcARN) {
		return invalid("Dead-letter target does not allow this queue to use it as a dead-letter queue: the RedriveAllowPolicy of the target denies it.")
	}
	return nil
}

// DeleteQueue deletes a queue and its messages.
func (s *Service) DeleteQueue(ctx context.Context, in *sqsapi.DeleteQueueRequest) error {
	return wireError(ctx, s.deleteQueue(ctx, in))
}

func (s *Service) deleteQueue(ctx context.Context, in *sqsapi.DeleteQueueRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	now := s.nowMs()
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM sqs_queues WHERE id = ?", q.id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoQueue()
		}
		_, err = tx.Exec(ctx, "INSERT INTO sqs_deleted_queues (id, account, region, name, deleted_at) VALUES (?, ?, ?, ?, ?)",
			q.id, q.key.account, q.key.region, q.key.name, now)
		s.notifyQueue(tx, q.id)
		return err
	})
	if isKind(err, errQueueDoesNotExist) {
		q.deleted.Store(true)
		s.reg.remove(q)
	}
	if err != nil {
		return err
	}
	q.deleted.Store(true)
	s.reg.remove(q)
	q.waiters.broadcast()
	s.background(func(ctx context.Context) { s.deleteChunks(ctx, q.id, 1<<62) })
	return nil
}

// background runs f on a goroutine that Close waits for.
// Work started once Close has begun is skipped: the sweeper and the
// persisted move tasks pick it up after the next start.
func (s *Service) background(f func(ctx context.Context)) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f(s.ctx)
	}()
}

// GetQueueUrl returns the URL of a queue.
func (s *Service) GetQueueUrl(ctx context.Context, in *sqsapi.GetQueueUrlRequest) (*sqsapi.GetQueueUrlResult, error) {
	name := deref(in.QueueName)
	if name == "" {
		return nil, wireError(ctx, invalidParam("Value for parameter QueueName is invalid. Reason: Must specify a queue name."))
	}
	ri := reqinfo.From(ctx)
	k := queueKey{ri.Account, ri.Region, name}
	if a := deref(in.QueueOwnerAWSAccountId); a != "" {
		k.account = a
	}
	q, err := s.lookup(ctx, k)
	if err != nil {
		return nil, wireError(ctx, err)
	}
	return &sqsapi.GetQueueUrlResult{QueueUrl: ptr(q.url(ctx))}, nil
}

// pageToken encodes the last name of a page as an opaque NextToken.
func pageToken(last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + last))
}

func parsePageToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "v1:") {
		return "", invalidParam("Invalid or expired next token.")
	}
	return strings.TrimPrefix(string(b), "v1:"), nil
}

func maxResults(p *int32, hi int) (int, error) {
	if p == nil {
		return 0, nil
	}
	if *p < 1 || int(*p) > hi {
		return 0, invalidParam("Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and %d.", hi)
	}
	return int(*p), nil
}

// ListQueues lists the queues of the caller's account and region.
func (s *Service) ListQueues(ctx context.Context, in *sqsapi.ListQueuesRequest) (*sqsapi.ListQueuesResult, error) {
	out, err := s.listQueues(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) listQueues(ctx context.Context, in *sqsapi.ListQueuesRequest) (*sqsapi.ListQueuesResult, error) {
	limit, err := maxResults(in.MaxResults, 1000)
	if err != nil {
		return nil, err
	}
	after := ""
	if t := deref(in.NextToken); t != "" {
		if after, err = parsePageToken(t); err != nil {
			return nil, err
		}
	}
	paged := limit > 0
	if !paged {
		limit = 1000
	}
	prefix := deref(in.QueueNamePrefix)
	ri := reqinfo.From(ctx)
	var names []string
	err = s.st.View(ctx, func(tx *store.Tx) error {
		q := "SELECT name FROM sqs_queues WHERE account = ? AND region = ? AND name > ?"
		args := []any{ri.Account, ri.Region, after}
		if prefix != "" {
			q += " AND substr(name, 1, ?) = ?"
			args = append(args, int64(len(prefix)), prefix)
		}
		q += " ORDER BY name LIMIT ?"
		args = append(args, int64(limit+1))
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &sqsapi.ListQueuesResult{}
	if len(names) > limit {
		names = names[:limit]
		if paged {
			out.NextToken = ptr(pageToken(names[len(names)-1]))
		}
	}
	for _, n := range names {
		out.QueueUrls = append(out.QueueUrls, queueURL(ctx, ri.Account, n))
	}
	return out, nil
}

// GetQueueAttributes returns the requested attributes of a queue.
func (s *Service) GetQueueAttributes(ctx context.Context, in *sqsapi.GetQueueAttributesRequest) (*sqsapi.GetQueueAttributesResult, error) {
	out, err := s.getQueueAttributes(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) getQueueAttributes(ctx context.Context, in *sqsapi.GetQueueAttributesRequest) (*sqsapi.GetQueueAttributesResult, error) {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range in.AttributeNames {
		if !isQueueAttrName(n) {
			return nil, errorf(errInvalidAttributeName, "Unknown Attribute %s.", n)
		}
		if n == attrAll {
			for _, a := range allAttrNames {
				want[a] = true
			}
			continue
		}
		want[n] = true
	}
	if len(want) == 0 {
		return &sqsapi.GetQueueAttributesResult{}, nil
	}
	m := q.m()
	out := map[string]string{}
	for name := range want {
		switch name {
		case attrApproxMessages, attrApproxMessagesNotVisible, attrApproxMessagesDelayed:
		case attrCreatedTimestamp:
			out[name] = strconv.FormatInt(m.created/1000, 10)
		case attrLastModifiedTimestamp:
			out[name] = strconv.FormatInt(m.modified/1000, 10)
		case attrQueueArn:
			out[name] = q.arn
		case attrKmsDataKeyReusePeriod:
			if m.attrs.raw[attrKmsMasterKeyID] != "" {
				v := m.attrs.raw[name]
				if v == "" {
					v = "300"
				}
				out[name] = v
			}
		default:
			if v, ok := m.attrs.raw[name]; ok {
				out[name] = v
			}
		}
	}
	if want[attrApproxMessages] || want[attrApproxMessagesNotVisible] || want[attrApproxMessagesDelayed] {
		c, err := s.countMessages(ctx, q)
		if err != nil {
			return nil, err
		}
		if want[attrApproxMessages] {
			out[attrApproxMessages] = strconv.FormatInt(c.visible, 10)
		}
		if want[attrApproxMessagesNotVisible] {
			out[attrApproxMessagesNotVisible] = strconv.FormatInt(c.inFlight, 10)
		}
		if want[attrApproxMessagesDelayed] {
			out[attrApproxMessagesDelayed] = strconv.FormatInt(c.delayed, 10)
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return &sqsapi.GetQueueAttributesResult{Attributes: out}, nil
}

type messageCounts struct{ visible, inFlight, delayed int64 }

// countMessages counts a queue's live messages by state.
func (s *Service) countMessages(ctx context.Context, q *queue) (messageCounts, error) {
	var c messageCounts
	m := q.m()
	now := s.nowMs()
	err := s.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN visible_at <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN visible_at > ? AND receive_count > 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN visible_at > ? AND receive_count = 0 THEN 1 ELSE 0 END), 0)
			FROM sqs_messages WHERE queue_id = ? AND seq > ? AND sent_at > ?`,
			now, now, now, q.id, m.purgeSeq, now-int64(m.attrs.retention)*1000).Scan(&c.visible, &c.inFlight, &c.delayed)
	})
	return c, err
}

// updateMeta applies change to a copy of q's metadata and persists it
// with persist; the cache is updated once the change has committed.
// Metadata writers of a queue are serialized.
func (s *Service) updateMeta(ctx context.Context, q *queue, change func(m *queueMeta) error, persist func(tx *store.Tx, m *queueMeta) (sql.Result, error)) error {
	q.metaMu.Lock()
	defer q.metaMu.Unlock()
	cur := q.m()
	next := *cur
	next.tags = maps.Clone(cur.tags)
	next.attrs = parseAttrSet(maps.Clone(cur.attrs.raw))
	if err := change(&next); err != nil {
		return err
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := persist(tx, &next)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return errNoQueue()
		}
		s.notifyQueue(tx, q.id)
		return nil
	})
	if err != nil {
		return err
	}
	q.meta.Store(&next)
	return nil
}

// SetQueueAttributes changes the attributes of a queue.
func (s *Service) SetQueueAttributes(ctx context.Context, in *sqsapi.SetQueueAttributesRequest) error {
	return wireError(ctx, s.setQueueAttributes(ctx, in))
}

func (s *Service) setQueueAttributes(ctx context.Context, in *sqsapi.SetQueueAttributesRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	if len(in.Attributes) == 0 {
		return missingParam("Attribute.Name")
	}
	return s.updateMeta(ctx, q, func(m *queueMeta) error {
		raw, err := applyAttrs(m.attrs.raw, in.Attributes, q.fifo)
		if err != nil {
			return err
		}
		if v, ok := in.Attributes[attrRedrivePolicy]; ok && v != "" {
			if err := s.checkRedrive(ctx, q.arn, q.fifo, v, raw[attrRedrivePolicy]); err != nil {
				return err
			}
		}
		m.attrs = parseAttrSet(raw)
		m.modified = s.nowMs()
		return nil
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET attrs = ?, modified_at = ? WHERE id = ?", marshalJSON(m.attrs.raw), m.modified, q.id)
	})
}

// PurgeQueue deletes every message sent to the queue before the call.
// Readers stop seeing them at once (they are above the purge mark); the
// rows are removed in the background.
func (s *Service) PurgeQueue(ctx context.Context, in *sqsapi.PurgeQueueRequest) error {
	return wireError(ctx, s.purgeQueue(ctx, in))
}

func (s *Service) purgeQueue(ctx context.Context, in *sqsapi.PurgeQueueRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	err = s.updateMeta(ctx, q, func(m *queueMeta) error {
		now := s.nowMs()
		if m.purgedAt > 0 && now-m.purgedAt < purgeWindow {
			return errorf(errPurgeQueueInProgress, "Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.key.name)
		}
		m.purgedAt = now
		m.purgeSeq = s.seq.next(now, 1)
		return nil
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET purged_at = ?, purge_seq = ? WHERE id = ?", m.purgedAt, m.purgeSeq, q.id)
	})
	if err != nil {
		return err
	}
	bound := q.m().purgeSeq
	s.background(func(ctx context.Context) { s.deleteChunks(ctx, q.id, bound) })
	return nil
}

// TagQueue adds or replaces tags of a queue.
func (s *Service) TagQueue(ctx context.Context, in *sqsapi.TagQueueRequest) error {
	return wireError(ctx, s.tagQueue(ctx, in))
}

func (s *Service) tagQueue(ctx context.Context, in *sqsapi.TagQueueRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	if len(in.Tags) == 0 {
		return missingParam("Tags")
	}
	return s.updateMeta(ctx, q, func(m *queueMeta) error {
		if err := validateTags(q.key.name, in.Tags); err != nil {
			return err
		}
		maps.Copy(m.tags, in.Tags)
		return validateTags(q.key.name, m.tags)
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET tags = ? WHERE id = ?", marshalJSON(m.tags), q.id)
	})
}

// UntagQueue removes tags from a queue.
func (s *Service) UntagQueue(ctx context.Context, in *sqsapi.UntagQueueRequest) error {
	return wireError(ctx, s.untagQueue(ctx, in))
}

func (s *Service) untagQueue(ctx context.Context, in *sqsapi.UntagQueueRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	if len(in.TagKeys) == 0 {
		return missingParam("TagKeys")
	}
	return s.updateMeta(ctx, q, func(m *queueMeta) error {
		for _, k := range in.TagKeys {
			delete(m.tags, k)
		}
		return nil
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET tags = ? WHERE id = ?", marshalJSON(m.tags), q.id)
	})
}

// ListQueueTags returns the tags of a queue.
func (s *Service) ListQueueTags(ctx context.Context, in *sqsapi.ListQueueTagsRequest) (*sqsapi.ListQueueTagsResult, error) {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return nil, wireError(ctx, err)
	}
	out := &sqsapi.ListQueueTagsResult{}
	if t := q.m().tags; len(t) > 0 {
		out.Tags = maps.Clone(t)
	}
	return out, nil
}

// permissionActions are the actions AddPermission accepts; ownerOnly the
// ones only the queue owner may perform.
var (
	permissionActions = []string{"*", "ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl",
		"ListDeadLetterSourceQueues", "PurgeQueue", "ReceiveMessage", "SendMessage", "ListQueueTags",
		"StartMessageMoveTask", "CancelMessageMoveTask", "ListMessageMoveTasks"}
	ownerOnlyActions = []string{"AddPermission", "CreateQueue", "DeleteQueue", "ListQueues", "RemovePermission",
		"SetQueueAttributes", "TagQueue", "UntagQueue"}
)

// policyDoc is a queue policy split into its statements.
type policyDoc struct {
	version, id json.RawMessage
	statements  []json.RawMessage
	other       map[string]json.RawMessage
}

func parsePolicyDoc(v string) (*policyDoc, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, err
	}
	d := &policyDoc{version: m["Version"], id: m["Id"], other: map[string]json.RawMessage{}}
	for k, raw := range m {
		if k != "Version" && k != "Id" && k != "Statement" {
			d.other[k] = raw
		}
	}
	if st := strings.TrimSpace(string(m["Statement"])); strings.HasPrefix(st, "{") {
		d.statements = []json.RawMessage{m["Statement"]}
	} else if st != "" {
		if err := json.Unmarshal(m["Statement"], &d.statements); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *policyDoc) String() string {
	var b strings.Builder
	b.WriteString("{")
	first := true
	field := func(k string, v json.RawMessage) {
		if v == nil {
			return
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(marshalJSON(k))
		b.WriteString(":")
		b.Write(v)
	}
	field("Version", d.version)
	field("Id", d.id)
	for _, k := range slices.Sorted(maps.Keys(d.other)) {
		field(k, d.other[k])
	}
	field("Statement", json.RawMessage(marshalJSON(d.statements)))
	b.WriteString("}")
	return b.String()
}

func statementSid(raw json.RawMessage) string {
	var st struct{ Sid string }
	json.Unmarshal(raw, &st)
	return st.Sid
}

// AddPermission adds a statement labelled Label to the queue policy.
func (s *Service) AddPermission(ctx context.Context, in *sqsapi.AddPermissionRequest) error {
	return wireError(ctx, s.addPermission(ctx, in))
}

func (s *Service) addPermission(ctx context.Context, in *sqsapi.AddPermissionRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	label := deref(in.Label)
	switch {
	case label == "":
		return missingParam("Label")
	case len(in.AWSAccountIds) == 0:
		return missingParam("AWSAccountIds")
	case len(in.Actions) == 0:
		return missingParam("ActionName")
	}
	if !queueNameChars(label) || len(label) > 80 {
		return invalidParam("Value %s for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.", label)
	}
	for _, a := range in.Actions {
		if slices.Contains(ownerOnlyActions, a) {
			return invalidParam("Value SQS:%s for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.", a)
		}
		if !slices.Contains(permissionActions, a) {
			return invalidParam("Value SQS:%s for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.", a)
		}
	}
	type principal struct {
		AWS any `json:"AWS"`
	}
	type statement struct {
		Sid       string    `json:"Sid"`
		Effect    string    `json:"Effect"`
		Principal principal `json:"Principal"`
		Action    any       `json:"Action"`
		Resource  string    `json:"Resource"`
	}
	st := statement{Sid: label, Effect: "Allow", Resource: q.arn}
	var principals, actions []string
	for _, a := range in.AWSAccountIds {
		principals = append(principals, "arn:aws:iam::"+a+":root")
	}
	for _, a := range in.Actions {
		actions = append(actions, "SQS:"+a)
	}
	st.Principal.AWS, st.Action = oneOrMany(principals), oneOrMany(actions)
	newRaw := json.RawMessage(marshalJSON(st))
	return s.updateMeta(ctx, q, func(m *queueMeta) error {
		doc := &policyDoc{version: json.RawMessage(`"2012-10-17"`), id: json.RawMessage(marshalJSON(q.arn + "/SQSDefaultPolicy"))}
		if cur := m.attrs.raw[attrPolicy]; cur != "" {
			var err error
			if doc, err = parsePolicyDoc(cur); err != nil {
				return err
			}
		}
		for _, raw := range doc.statements {
			if statementSid(raw) == label {
				var a, b any
				json.Unmarshal(raw, &a)
				json.Unmarshal(newRaw, &b)
				if reflect.DeepEqual(a, b) {
					return nil
				}
				return invalidParam("Value %s for parameter Label is invalid. Reason: Already exists.", label)
			}
		}
		doc.statements = append(doc.statements, newRaw)
		if len(doc.statements) > 20 {
			return errorf(errOverLimit, "%d Statements were found, maximum allowed is 20.", len(doc.statements))
		}
		raw := maps.Clone(m.attrs.raw)
		raw[attrPolicy] = doc.String()
		m.attrs = parseAttrSet(raw)
		m.modified = s.nowMs()
		return nil
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET attrs = ?, modified_at = ? WHERE id = ?", marshalJSON(m.attrs.raw), m.modified, q.id)
	})
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}

// RemovePermission removes the statement labelled Label from the policy.
func (s *Service) RemovePermission(ctx context.Context, in *sqsapi.RemovePermissionRequest) error {
	return wireError(ctx, s.removePermission(ctx, in))
}

func (s *Service) removePermission(ctx context.Context, in *sqsapi.RemovePermissionRequest) error {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return err
	}
	label := deref(in.Label)
	if label == "" {
		return missingParam("Label")
	}
	return s.updateMeta(ctx, q, func(m *queueMeta) error {
		notFound := invalidParam("Value %s for parameter Label is invalid. Reason: can't find label on existing policy.", label)
		cur := m.attrs.raw[attrPolicy]
		if cur == "" {
			return notFound
		}
		doc, err := parsePolicyDoc(cur)
		if err != nil {
			return notFound
		}
		i := slices.IndexFunc(doc.statements, func(raw json.RawMessage) bool { return statementSid(raw) == label })
		if i < 0 {
			return notFound
		}
		doc.statements = slices.Delete(doc.statements, i, i+1)
		raw := maps.Clone(m.attrs.raw)
		if len(doc.statements) == 0 {
			delete(raw, attrPolicy)
		} else {
			raw[attrPolicy] = doc.String()
		}
		m.attrs = parseAttrSet(raw)
		m.modified = s.nowMs()
		return nil
	}, func(tx *store.Tx, m *queueMeta) (sql.Result, error) {
		return tx.Exec(ctx, "UPDATE sqs_queues SET attrs = ?, modified_at = ? WHERE id = ?", marshalJSON(m.attrs.raw), m.modified, q.id)
	})
}

// ListDeadLetterSourceQueues lists the queues whose RedrivePolicy targets
// the queue.
func (s *Service) ListDeadLetterSourceQueues(ctx context.Context, in *sqsapi.ListDeadLetterSourceQueuesRequest) (*sqsapi.ListDeadLetterSourceQueuesResult, error) {
	out, err := s.listDeadLetterSourceQueues(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) listDeadLetterSourceQueues(ctx context.Context, in *sqsapi.ListDeadLetterSourceQueuesRequest) (*sqsapi.ListDeadLetterSourceQueuesResult, error) {
	q, err := s.queueByURL(ctx, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	limit := 0
	if in.MaxResults != nil && *in.MaxResults != 0 {
		if limit, err = maxResults(in.MaxResults, 1000); err != nil {
			return nil, err
		}
	}
	after := ""
	if t := deref(in.NextToken); t != "" {
		if after, err = parsePageToken(t); err != nil {
			return nil, err
		}
	}
	var srcs []*queue
	for _, src := range s.reg.all() {
		if rp := src.m().attrs.redrive; rp != nil && rp.dlqARN == q.arn && !src.deleted.Load() && src.key.name > after {
			srcs = append(srcs, src)
		}
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].key.name < srcs[j].key.name })
	out := &sqsapi.ListDeadLetterSourceQueuesResult{QueueUrls: []string{}}
	if limit > 0 && len(srcs) > limit {
		srcs = srcs[:limit]
		out.NextToken = ptr(pageToken(srcs[len(srcs)-1].key.name))
	}
	for _, src := range srcs {
		out.QueueUrls = append(out.QueueUrls, src.url(ctx))
	}
	return out, nil
}
