package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/store"
)

// Asynchronous invocations are rows of lambda_async, written before the
// caller gets its 202: a restart neither loses nor skips one. A runner
// claims due rows with a lease, invokes, and then deletes the row (after
// delivering to a destination) or schedules the retry.
const (
	defaultRetries = 2
	defaultMaxAge  = 6 * time.Hour
	retryDelay     = time.Minute // Lambda waits 1 minute, then 2 minutes
	leaseMargin    = time.Minute
	asyncWorkers   = 64
	// throttleDelay puts a throttled event back; a finishing invocation
	// wakes the runner anyway.
	throttleDelay = 200 * time.Millisecond
)

// asyncMeta is carried with a queued invocation.
type asyncMeta struct {
	// Source is set for invocations made by hako itself (destinations).
	Source string `json:"source,omitempty"`
}

type asyncRunner struct {
	s    *Service
	wake chan struct{}
	sem  chan struct{}
	wg   sync.WaitGroup
}

func newAsyncRunner(s *Service) *asyncRunner {
	return &asyncRunner{s: s, wake: make(chan struct{}, 1), sem: make(chan struct{}, asyncWorkers)}
}

func (a *asyncRunner) poke() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// enqueue stores an asynchronous invocation.
func (a *asyncRunner) enqueue(ctx context.Context, ref fnRef, payload []byte, meta asyncMeta) error {
	ri := reqinfo.From(ctx)
	id := ri.RequestID
	if id == "" {
		id = newRequestID()
	}
	now := a.s.now().UnixMilli()
	err := a.s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO lambda_async (id, account, region, name, qualifier, payload, attempts, due_at, created_at, lease_at, meta)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)`,
			id, ref.account, ref.region, ref.name, ref.qualifier, payload, now, now, mustJSON(meta))
		return err
	})
	if err == nil {
		a.poke()
	}
	return err
}

type asyncRow struct {
	id, account, region, name, qualifier string
	payload                              []byte
	attempts                             int
	createdAt                            int64
	meta                                 asyncMeta
}

func (a *asyncRunner) run(ctx context.Context) {
	s := a.s
	if s.st.Dialect() == store.SQLite {
		// One node owns the data: leases of a previous process are void.
		s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE lambda_async SET lease_at = 0")
			return err
		})
	}
	defer a.wg.Wait()
	for {
		next, err := a.claim(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("async claim failed", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		// The clock timer fires when the next retry is due; the wall-clock
		// poll picks up rows other nodes queued.
		wait := time.Second
		var t clock.Timer
		if next > 0 {
			t = clock.TimerAt(s.clk, time.UnixMilli(next))
		} else {
			t = s.clk.NewTimer(time.Hour)
		}
		real := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-a.wake:
		case <-t.C():
		case <-real.C:
		}
		t.Stop()
		real.Stop()
	}
}

// claim leases the due rows and starts them; it returns the due time of
// the next row that is not due yet (0 if none).
func (a *asyncRunner) claim(ctx context.Context) (int64, error) {
	s := a.s
	now := s.now().UnixMilli()
	var rows []asyncRow
	var next int64
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		rows = rows[:0]
		q, err := tx.Query(ctx, `SELECT id, account, region, name, qualifier, payload, attempts, created_at, meta FROM lambda_async
			WHERE due_at <= ? AND lease_at <= ? ORDER BY due_at LIMIT ?`, now, now, cap(a.sem)-len(a.sem))
		if err != nil {
			return err
		}
		for q.Next() {
			var r asyncRow
			var meta string
			if err := q.Scan(&r.id, &r.account, &r.region, &r.name, &r.qualifier, &r.payload, &r.attempts, &r.createdAt, &meta); err != nil {
				q.Close()
				return err
			}
			json.Unmarshal([]byte(meta), &r.meta)
			rows = append(rows, r)
		}
		q.Close()
		claimed := rows[:0]
		for _, r := range rows {
			// The lease outlives the longest invocation. Another node may
			// have claimed the row since the SELECT: then nothing changes.
			res, err := tx.Exec(ctx, "UPDATE lambda_async SET lease_at = ? WHERE id = ? AND lease_at <= ?",
				now+(15*time.Minute+leaseMargin).Milliseconds(), r.id, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				claimed = append(claimed, r)
			}
		}
		rows = claimed
		var n sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT MIN(due_at) FROM lambda_async WHERE due_at > ? AND lease_at <= ?", now, now).Scan(&n); err != nil {
			return err
		}
		next = n.Int64
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		a.sem <- struct{}{}
		a.wg.Add(1)
		go func() {
			defer func() { <-a.sem; a.wg.Done(); a.poke() }()
			a.execute(ctx, r)
		}()
	}
	if len(rows) > 0 {
		return now, nil
	}
	return next, nil
}

// execute runs one queued invocation and records its outcome.
func (a *asyncRunner) execute(ctx context.Context, r asyncRow) {
	s := a.s
	ictx := reqinfo.With(ctx, &reqinfo.Info{Account: r.account, Region: r.region, RequestID: r.id})
	ref := fnRef{account: r.account, region: r.region, name: r.name, qualifier: r.qualifier}
	res, err := s.resolve(ictx, ref)
	if err != nil {
		// The function (or the qualifier) is gone: nothing can run it.
		s.log.Info("async invocation dropped", "function", ref.qualifiedARN(), "err", err)
		a.finish(ctx, r.id)
		return
	}
	retries, maxAge := defaultRetries, defaultMaxAge
	if c := res.invokeCfg; c != nil {
		if c.MaximumRetryAttempts != nil {
			retries = int(*c.MaximumRetryAttempts)
		}
		if c.MaximumEventAgeInSeconds != nil {
			maxAge = time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
		}
	}
	now := s.now()
	if now.Sub(time.UnixMilli(r.createdAt)) > maxAge {
		a.fail(ictx, r, res, nil, "EventAgeExceeded")
		return
	}
	inv := &runtime.Invocation{RequestID: r.id, Payload: r.payload, InvokedARN: ref.qualifiedARN()}
	out, err := s.rt.Invoke(ictx, res.spec, inv)
	var te *runtime.ThrottleError
	switch {
	case errors.As(err, &te):
		// Throttled invocations go back to the queue without using up a
		// retry, until the maximum event age.
		a.reschedule(ctx, r.id, r.attempts, now.Add(throttleDelay))
		return
	case err != nil:
		if ctx.Err() != nil {
			return // shutting down: the lease expires and the row runs again
		}
		s.log.Warn("async invocation failed to run", "function", ref.qualifiedARN(), "err", err)
		a.reschedule(ctx, r.id, r.attempts, now.Add(retryDelay))
		return
	}
	if out.ErrorType == "" {
		a.deliver(ictx, r, res, out, "Success")
		a.finish(ctx, r.id)
		return
	}
	attempts := r.attempts + 1
	s.log.Info("async invocation returned a function error", "function", ref.qualifiedARN(), "request_id", r.id, "error_type", out.ErrorType,
		"error", string(out.Payload[:min(len(out.Payload), 512)]), "attempt", attempts)
	if attempts <= retries {
		a.reschedule(ctx, r.id, attempts, now.Add(time.Duration(attempts)*retryDelay))
		return
	}
	r.attempts = attempts
	a.fail(ictx, r, res, out, "RetriesExhausted")
}

func (a *asyncRunner) reschedule(ctx context.Context, id string, attempts int, due time.Time) {
	err := a.s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE lambda_async SET attempts = ?, due_at = ?, lease_at = 0 WHERE id = ?", attempts, due.UnixMilli(), id)
		return err
	})
	if err != nil && ctx.Err() == nil {
		a.s.log.Warn("async reschedule failed", "id", id, "err", err)
	}
}

func (a *asyncRunner) finish(ctx context.Context, id string) {
	err := a.s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM lambda_async WHERE id = ?", id)
		return err
	})
	if err != nil && ctx.Err() == nil {
		a.s.log.Warn("async finish failed", "id", id, "err", err)
	}
}

// fail sends a failed event to the on-failure destination and the
// dead-letter queue, then forgets it.
func (a *asyncRunner) fail(ctx context.Context, r asyncRow, res *resolved, out *runtime.Result, condition string) {
	a.deliver(ctx, r, res, out, condition)
	if dlq := res.cfg.DeadLetterConfig; dlq != nil && deref(dlq.TargetArn) != "" {
		code, msg := "200", ""
		if out != nil {
			var e struct {
				ErrorMessage string `json:"errorMessage"`
			}
			json.Unmarshal(out.Payload, &e)
			msg = e.ErrorMessage
		} else {
			msg = "Event age exceeded"
		}
		attrs := map[string]sqsapi.MessageAttributeValue{
			"RequestID":    {DataType: ptr("String"), StringValue: ptr(r.id)},
			"ErrorCode":    {DataType: ptr("Number"), StringValue: ptr(code)},
			"ErrorMessage": {DataType: ptr("String"), StringValue: ptr(msg)},
		}
		if err := a.s.sendToQueue(ctx, *dlq.TargetArn, string(r.payload), attrs); err != nil {
			a.s.log.Warn("dead-letter delivery failed", "target", *dlq.TargetArn, "err", err)
		}
	}
	a.finish(context.WithoutCancel(ctx), r.id)
}

// deliver sends the invocation record to the destination configured for
// condition ("Success" goes to OnSuccess, the others to OnFailure).
func (a *asyncRunner) deliver(ctx context.Context, r asyncRow, res *resolved, out *runtime.Result, condition string) {
	c := res.invokeCfg
	if c == nil || c.DestinationConfig == nil {
		return
	}
	var dest *string
	if condition == "Success" {
		dest = destOf(c.DestinationConfig.OnSuccess)
	} else {
		dest = destOf(c.DestinationConfig.OnFailure)
	}
	if dest == nil || *dest == "" {
		return
	}
	rec := destinationRecord(a.s.now(), r, res, out, condition)
	if err := a.s.sendRecord(ctx, *dest, rec); err != nil {
		a.s.log.Warn("destination delivery failed", "destination", *dest, "err", err)
	}
}

// destinationRecord is the JSON Lambda sends to a destination.
func destinationRecord(now time.Time, r asyncRow, res *resolved, out *runtime.Result, condition string) []byte {
	type reqCtx struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	}
	type respCtx struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError,omitempty"`
	}
	rec := struct {
		Version         string          `json:"version"`
		Timestamp       string          `json:"timestamp"`
		RequestContext  reqCtx          `json:"requestContext"`
		RequestPayload  json.RawMessage `json:"requestPayload"`
		ResponseContext *respCtx        `json:"responseContext,omitempty"`
		ResponsePayload json.RawMessage `json:"responsePayload,omitempty"`
	}{
		Version:   "1.0",
		Timestamp: now.UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: reqCtx{RequestID: r.id, FunctionArn: res.spec.FunctionARN + ":" + res.version,
			Condition: condition, ApproximateInvokeCount: max(r.attempts, 1)},
		RequestPayload: r.payload,
	}
	if condition == "Success" {
		rec.RequestContext.ApproximateInvokeCount = r.attempts + 1
	}
	if out != nil {
		rec.ResponseContext = &respCtx{StatusCode: 200, ExecutedVersion: res.version}
		if out.ErrorType != "" {
			rec.ResponseContext.FunctionError = "Unhandled"
		}
		if json.Valid(out.Payload) {
			rec.ResponsePayload = out.Payload
		}
	}
	b, _ := json.Marshal(rec)
	return b
}

// sendRecord delivers a destination record to an SQS queue, an SNS topic,
// an EventBridge bus or a function.
func (s *Service) sendRecord(ctx context.Context, arn string, rec []byte) error {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 6 {
		return fmt.Errorf("bad destination %q", arn)
	}
	switch parts[2] {
	case "sqs":
		return s.sendToQueue(ctx, arn, string(rec), nil)
	case "lambda":
		dctx := reqinfo.With(ctx, &reqinfo.Info{Account: parts[4], Region: parts[3], RequestID: newRequestID()})
		ref, err := parseRef(dctx, arn, nil)
		if err != nil {
			return err
		}
		if _, err := s.resolve(dctx, ref); err != nil {
			return err
		}
		return s.async.enqueue(dctx, ref, rec, asyncMeta{Source: "destination"})
	case "sns":
		if s.cfg.Publish == nil {
			return errors.New("SNS is not available")
		}
		return s.cfg.Publish(ctx, arn, string(rec))
	case "events":
		if s.cfg.PutEvent == nil {
			return errors.New("EventBridge is not available")
		}
		// As Lambda sends it: detail-type by the record's condition, the
		// bus and the function version as resources.
		var head struct {
			RequestContext struct {
				Condition   string `json:"condition"`
				FunctionArn string `json:"functionArn"`
			} `json:"requestContext"`
		}
		json.Unmarshal(rec, &head)
		detailType := "Lambda Function Invocation Result - Failure"
		if head.RequestContext.Condition == "Success" {
			detailType = "Lambda Function Invocation Result - Success"
		}
		return s.cfg.PutEvent(ctx, arn, "lambda", detailType, rec, []string{arn, head.RequestContext.FunctionArn})
	default:
		return fmt.Errorf("destination service %s is not supported by hako yet", parts[2])
	}
}

// sendToQueue sends a message to the queue with the given ARN.
func (s *Service) sendToQueue(ctx context.Context, arn, body string, attrs map[string]sqsapi.MessageAttributeValue) error {
	if s.cfg.Queues == nil {
		return errors.New("SQS is not available")
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sqs" {
		return fmt.Errorf("not an SQS queue ARN: %q", arn)
	}
	qctx := reqinfo.With(ctx, &reqinfo.Info{Account: parts[4], Region: parts[3], RequestID: newRequestID(), AccessKeyID: "AROAHAKOLAMBDA"})
	_, err := s.cfg.Queues.SendMessage(qctx, &sqsapi.SendMessageRequest{
		QueueUrl: ptr(parts[4] + "/" + parts[5]), MessageBody: &body, MessageAttributes: attrs,
	})
	return err
}
