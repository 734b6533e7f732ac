package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/runtime"
)

// SQS event sources, as Lambda runs them: long polls of the queue gather a
// batch (up to BatchSize messages, within MaximumBatchingWindowInSeconds,
// at most 6 MB of event), the function runs synchronously, and the
// messages it processed are deleted. A failed batch is left alone: its
// messages reappear after the queue's visibility timeout and the queue's
// redrive policy moves them to its dead-letter queue after maxReceiveCount
// receives; Lambda has no other failure handling for queues. With
// ReportBatchItemFailures only the messages the function reports stay.
//
// One poller long-polls the queue; a full batch starts another one, up to
// the mapping's concurrency; extra pollers stop when the queue is empty. A
// throttled invocation leaves its batch to the visibility timeout and
// backs off. A poller that stops (mapping disabled, updated or deleted)
// makes the messages it received but did not deliver visible again.
// FIFO order needs nothing of the poller: SQS never hands out messages of
// a group while an earlier one is in flight, and a batch of a FIFO queue
// comes from one receive.

const (
	sqsDefaultBatch = 10
	sqsMaxReceive   = 10 // messages per ReceiveMessage
	sqsLongPoll     = 20 // seconds
	sqsSenderKey    = "AROAHAKOLAMBDA"
	sqsRetryDelay   = 5 * time.Second
	sqsMaxBackoff   = 10 * time.Second
)

type sqsSource struct{}

// sqsQueue is the queue of an SQS ARN.
type sqsQueue struct {
	region, account, name string
}

func parseSQSARN(arn string) (sqsQueue, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sqs" || parts[5] == "" {
		return sqsQueue{}, false
	}
	return sqsQueue{region: parts[3], account: parts[4], name: parts[5]}, true
}

func (q sqsQueue) url() string { return q.account + "/" + q.name }

// ctx is the request context of hako's calls to the queue.
func (q sqsQueue) ctx(ctx context.Context) context.Context {
	return reqinfo.With(ctx, &reqinfo.Info{Account: q.account, Region: q.region, RequestID: newRequestID(), AccessKeyID: sqsSenderKey})
}

func nonExistentQueue(msg string) error {
	return invalidParam("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: " + msg)
}

func (sqsSource) params(p esmParams) error {
	if p.StartingPosition {
		return invalidParam("StartingPosition is not valid for SQS event sources.")
	}
	for _, x := range []struct {
		name string
		set  bool
	}{
		{"ParallelizationFactor", p.ParallelizationFactor},
		{"BisectBatchOnFunctionError", p.BisectBatchOnFunctionError},
		{"MaximumRetryAttempts", p.MaximumRetryAttempts},
		{"MaximumRecordAgeInSeconds", p.MaximumRecordAgeInSeconds},
		{"TumblingWindowInSeconds", p.TumblingWindowInSeconds},
		{"DestinationConfig", p.DestinationConfig},
		{"Topics", p.Topics},
		{"Queues", p.Queues},
		{"SourceAccessConfigurations", p.SourceAccessConfigurations},
	} {
		if x.set {
			return invalidParam("Unsupported " + x.name + " parameter for given event source mapping type.")
		}
	}
	return nil
}

func (sqsSource) check(ctx context.Context, s *Service, cfg *lambdaapi.EventSourceMappingConfiguration, fn *resolved) error {
	q, ok := parseSQSARN(deref(cfg.EventSourceArn))
	if !ok || q.region != reqinfo.From(ctx).Region {
		return nonExistentQueue("The specified queue does not exist.")
	}
	if s.cfg.Queues == nil {
		return errors.New("SQS is not available")
	}
	attrs, err := s.cfg.Queues.GetQueueAttributes(q.ctx(ctx), &sqsapi.GetQueueAttributesRequest{
		QueueUrl: ptr(q.url()), AttributeNames: []string{"VisibilityTimeout", "FifoQueue"},
	})
	if err != nil {
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == "QueueDoesNotExist" {
			return nonExistentQueue(ae.Message)
		}
		return err
	}
	if cfg.BatchSize == nil {
		cfg.BatchSize = ptr(int32(sqsDefaultBatch))
	}
	if cfg.MaximumBatchingWindowInSeconds == nil {
		cfg.MaximumBatchingWindowInSeconds = ptr(int32(0))
	}
	window := *cfg.MaximumBatchingWindowInSeconds
	if attrs.Attributes["FifoQueue"] == "true" && window > 0 {
		return invalidParam("Batching window is not supported for FIFO queues")
	}
	if *cfg.BatchSize > sqsMaxReceive && window == 0 {
		return invalidParam("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	}
	vis, _ := strconv.Atoi(attrs.Attributes["VisibilityTimeout"])
	if fn != nil {
		if timeout := int(deref(fn.cfg.Timeout)); vis < timeout {
			return invalidParam(fmt.Sprintf("Queue visibility timeout: %d seconds is less than Function timeout: %d seconds", vis, timeout))
		}
	}
	return nil
}

// sqsPoller polls the queue of one mapping.
type sqsPoller struct {
	s     *Service
	m     *esmMapping
	queue sqsQueue
	wg    sync.WaitGroup

	mu    sync.Mutex
	extra int // pollers beyond the first
}

// sqsItem is one received message and its event record.
type sqsItem struct {
	id, handle string
	record     []byte // JSON
}

func (sqsSource) poll(ctx context.Context, r *esmRunner, m *esmMapping) {
	q, ok := parseSQSARN(deref(m.cfg.EventSourceArn))
	if !ok {
		return
	}
	p := &sqsPoller{s: r.s, m: m, queue: q}
	p.wg.Add(1)
	go p.worker(ctx, true)
	p.wg.Wait()
}

// scale starts another poller when the mapping may run more.
func (p *sqsPoller) scale(ctx context.Context, limit int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if 1+p.extra >= limit {
		return
	}
	p.extra++
	p.wg.Add(1)
	go p.worker(ctx, false)
}

// surplus reports whether an extra poller should stop.
func (p *sqsPoller) surplus(limit int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return 1+p.extra > limit
}

// worker receives and delivers batches until ctx ends. The first poller
// long-polls; extra pollers stop when a receive finds nothing or an error.
func (p *sqsPoller) worker(ctx context.Context, first bool) {
	defer p.wg.Done()
	if !first {
		defer func() { p.mu.Lock(); p.extra--; p.mu.Unlock() }()
	}
	var carry []sqsItem
	// A stopping poller gives back what it holds: the mapping's new
	// poller, or the next node, takes it at once.
	defer func() { p.release(carry) }()
	var delay, throttle time.Duration
	for ctx.Err() == nil {
		if delay > 0 && !sleepCtx(ctx, delay) {
			return
		}
		delay = 0
		fn, err := p.s.resolve(p.m.ictx(ctx, newRequestID()), p.m.target)
		if err != nil {
			if !first || ctx.Err() != nil {
				return
			}
			// The function (or its qualifier) is gone: leave the queue alone.
			p.s.log.Debug("event source mapping: function unavailable", "uuid", p.m.uuid, "err", err)
			delay = sqsRetryDelay
			continue
		}
		limit := p.m.concurrency(fn)
		if !first && p.surplus(limit) {
			return
		}
		if limit <= 0 {
			delay = time.Second // reserved concurrency 0: the function is throttled
			continue
		}
		wait := int32(sqsLongPoll)
		if !first {
			wait = 0
		}
		var batch []sqsItem
		batch, carry, err = p.gather(ctx, carry, wait)
		if err != nil {
			if !first || ctx.Err() != nil {
				return
			}
			p.s.log.Warn("event source mapping: receive failed", "uuid", p.m.uuid, "queue", deref(p.m.cfg.EventSourceArn), "err", err)
			delay = sqsRetryDelay
			continue
		}
		if ctx.Err() != nil {
			p.release(batch)
			return
		}
		if len(batch) == 0 {
			if !first {
				return
			}
			continue
		}
		if len(batch) >= int(deref(p.m.cfg.BatchSize)) || len(carry) > 0 {
			p.scale(ctx, limit)
		}
		if p.deliver(ctx, fn, batch) {
			// Throttled: the batch reappears after the visibility timeout.
			throttle = min(max(2*throttle, 500*time.Millisecond), sqsMaxBackoff)
			delay = throttle
		} else {
			throttle = 0
		}
	}
}

// gather collects a batch: the messages carried over from the previous
// batch, one receive (waiting up to wait seconds), then, within the
// batching window, more receives up to BatchSize. Messages beyond the
// 6 MB event limit are carried to the next batch.
func (p *sqsPoller) gather(ctx context.Context, carry []sqsItem, wait int32) (batch, rest []sqsItem, err error) {
	size := int(deref(p.m.cfg.BatchSize))
	if size <= 0 {
		size = sqsDefaultBatch
	}
	batch = carry
	if len(batch) < size {
		if len(batch) > 0 {
			wait = 0
		}
		more, err := p.receive(ctx, min(sqsMaxReceive, size-len(batch)), wait)
		if err != nil && len(batch) == 0 {
			return nil, nil, err
		}
		batch = append(batch, more...)
	}
	if w := deref(p.m.cfg.MaximumBatchingWindowInSeconds); w > 0 && len(batch) > 0 {
		clk := p.s.clk
		deadline := clk.Now().Add(time.Duration(w) * time.Second)
		for len(batch) < size && eventSize(batch) < maxSync {
			rem := deadline.Sub(clk.Now())
			if rem <= 0 {
				break
			}
			secs := int32(min(math.Ceil(rem.Seconds()), sqsLongPoll))
			more, err := p.receive(ctx, min(sqsMaxReceive, size-len(batch)), secs)
			if err != nil {
				break // deliver what we have
			}
			batch = append(batch, more...)
		}
	}
	// Split at the event size limit; the first message always goes.
	total := len(`{"Records":[]}`)
	for i, it := range batch {
		total += len(it.record) + 1
		if i > 0 && total > maxSync {
			return batch[:i], batch[i:], nil
		}
	}
	return batch, nil, nil
}

func eventSize(items []sqsItem) int {
	n := len(`{"Records":[]}`)
	for _, it := range items {
		n += len(it.record) + 1
	}
	return n
}

// receive receives up to max messages, waiting up to wait seconds.
func (p *sqsPoller) receive(ctx context.Context, max int, wait int32) ([]sqsItem, error) {
	out, err := p.s.cfg.Queues.ReceiveMessage(p.queue.ctx(ctx), &sqsapi.ReceiveMessageRequest{
		QueueUrl:              ptr(p.queue.url()),
		MaxNumberOfMessages:   ptr(int32(max)),
		WaitTimeSeconds:       ptr(wait),
		AttributeNames:        []string{"All"},
		MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		return nil, err
	}
	items := make([]sqsItem, 0, len(out.Messages))
	for _, msg := range out.Messages {
		items = append(items, sqsItem{id: deref(msg.MessageId), handle: deref(msg.ReceiptHandle),
			record: sqsRecordJSON(msg, deref(p.m.cfg.EventSourceArn), p.queue.region)})
	}
	return items, nil
}

// sqsRecord is one record of Lambda's SQS event, its fields in Lambda's order.
type sqsRecord struct {
	MessageID              string                   `json:"messageId"`
	ReceiptHandle          string                   `json:"receiptHandle"`
	Body                   string                   `json:"body"`
	Attributes             map[string]string        `json:"attributes"`
	MessageAttributes      map[string]sqsRecordAttr `json:"messageAttributes"`
	MD5OfBody              string                   `json:"md5OfBody"`
	MD5OfMessageAttributes string                   `json:"md5OfMessageAttributes,omitempty"`
	EventSource            string                   `json:"eventSource"`
	EventSourceARN         string                   `json:"eventSourceARN"`
	AWSRegion              string                   `json:"awsRegion"`
}

type sqsRecordAttr struct {
	StringValue      *string  `json:"stringValue,omitempty"`
	BinaryValue      []byte   `json:"binaryValue,omitempty"`
	StringListValues []string `json:"stringListValues"`
	BinaryListValues [][]byte `json:"binaryListValues"`
	DataType         string   `json:"dataType"`
}

// sqsRecordJSON builds the event record of a received message.
func sqsRecordJSON(msg sqsapi.Message, arn, region string) []byte {
	rec := sqsRecord{
		MessageID: deref(msg.MessageId), ReceiptHandle: deref(msg.ReceiptHandle), Body: deref(msg.Body),
		Attributes: msg.Attributes, MessageAttributes: map[string]sqsRecordAttr{},
		MD5OfBody: deref(msg.MD5OfBody), MD5OfMessageAttributes: deref(msg.MD5OfMessageAttributes),
		EventSource: "aws:sqs", EventSourceARN: arn, AWSRegion: region,
	}
	if rec.Attributes == nil {
		rec.Attributes = map[string]string{}
	}
	for name, a := range msg.MessageAttributes {
		ra := sqsRecordAttr{StringValue: a.StringValue, BinaryValue: a.BinaryValue, DataType: deref(a.DataType),
			StringListValues: a.StringListValues, BinaryListValues: a.BinaryListValues}
		if ra.StringListValues == nil {
			ra.StringListValues = []string{}
		}
		if ra.BinaryListValues == nil {
			ra.BinaryListValues = [][]byte{}
		}
		rec.MessageAttributes[name] = ra
	}
	return marshalNoEscape(rec)
}

// marshalNoEscape is json.Marshal without HTML escaping, as Lambda's
// serializer writes <, > and &.
func marshalNoEscape(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // records always marshal
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// deliver filters a batch, invokes the function with the rest and deletes
// what was processed. It reports whether the invocation was throttled.
func (p *sqsPoller) deliver(ctx context.Context, fn *resolved, batch []sqsItem) (throttled bool) {
	// Deletes must happen even when the mapping stops meanwhile: the work
	// was done.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if len(p.m.filters) > 0 {
		var keep, drop []sqsItem
		for _, it := range batch {
			if esmMatch(p.m.filters, it.record, "body") {
				keep = append(keep, it)
			} else {
				drop = append(drop, it)
			}
		}
		// Lambda deletes the messages no filter matches.
		p.delete(dctx, drop)
		batch = keep
	}
	if len(batch) == 0 {
		return false
	}
	var payload bytes.Buffer
	payload.WriteString(`{"Records":[`)
	for i, it := range batch {
		if i > 0 {
			payload.WriteByte(',')
		}
		payload.Write(it.record)
	}
	payload.WriteString(`]}`)
	id := newRequestID()
	out, err := p.s.rt.Invoke(p.m.ictx(ctx, id), fn.spec,
		&runtime.Invocation{RequestID: id, Payload: payload.Bytes(), InvokedARN: p.m.target.qualifiedARN()})
	var te *runtime.ThrottleError
	switch {
	case errors.As(err, &te):
		p.s.log.Debug("event source mapping: invocation throttled", "uuid", p.m.uuid, "reason", te.Reason)
		return true
	case err != nil:
		if ctx.Err() != nil {
			p.release(batch) // stopping before the function ran
			return false
		}
		p.s.log.Warn("event source mapping: invocation failed to run", "uuid", p.m.uuid, "function", p.m.target.qualifiedARN(), "err", err)
		return false
	case out.ErrorType != "":
		p.s.log.Debug("event source mapping: function error", "uuid", p.m.uuid, "type", out.ErrorType)
		return false
	}
	if p.m.reportFailures {
		ids := make(map[string]bool, len(batch))
		for _, it := range batch {
			ids[it.id] = true
		}
		failed, all := batchFailures(out.Payload, ids)
		if all {
			p.s.log.Debug("event source mapping: invalid partial batch response", "uuid", p.m.uuid)
			return false
		}
		if len(failed) > 0 {
			ok := batch[:0:0]
			for _, it := range batch {
				if !failed[it.id] {
					ok = append(ok, it)
				}
			}
			batch = ok
		}
	}
	p.delete(dctx, batch)
	return false
}

// release makes received messages visible again.
func (p *sqsPoller) release(items []sqsItem) {
	if len(items) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.s.ctx), 30*time.Second)
	defer cancel()
	for len(items) > 0 {
		n := min(len(items), sqsMaxReceive)
		entries := make([]sqsapi.ChangeMessageVisibilityBatchRequestEntry, n)
		for i, it := range items[:n] {
			entries[i] = sqsapi.ChangeMessageVisibilityBatchRequestEntry{Id: ptr(strconv.Itoa(i)), ReceiptHandle: ptr(it.handle), VisibilityTimeout: ptr(int32(0))}
		}
		items = items[n:]
		if _, err := p.s.cfg.Queues.ChangeMessageVisibilityBatch(p.queue.ctx(ctx), &sqsapi.ChangeMessageVisibilityBatchRequest{QueueUrl: ptr(p.queue.url()), Entries: entries}); err != nil {
			p.s.log.Debug("event source mapping: release failed", "uuid", p.m.uuid, "err", err)
		}
	}
}

// delete deletes messages from the queue, ten per call.
func (p *sqsPoller) delete(ctx context.Context, items []sqsItem) {
	for len(items) > 0 {
		n := min(len(items), sqsMaxReceive)
		entries := make([]sqsapi.DeleteMessageBatchRequestEntry, n)
		for i, it := range items[:n] {
			entries[i] = sqsapi.DeleteMessageBatchRequestEntry{Id: ptr(strconv.Itoa(i)), ReceiptHandle: ptr(it.handle)}
		}
		items = items[n:]
		out, err := p.s.cfg.Queues.DeleteMessageBatch(p.queue.ctx(ctx), &sqsapi.DeleteMessageBatchRequest{QueueUrl: ptr(p.queue.url()), Entries: entries})
		if err != nil {
			p.s.log.Warn("event source mapping: delete failed", "uuid", p.m.uuid, "err", err)
			continue
		}
		for _, f := range out.Failed {
			p.s.log.Warn("event source mapping: delete failed", "uuid", p.m.uuid, "code", deref(f.Code), "message", deref(f.Message))
		}
	}
}
