package sqs

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sync"

	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Message move task statuses.
const (
	taskRunning    = "RUNNING"
	taskCompleted  = "COMPLETED"
	taskCancelling = "CANCELLING"
	taskCancelled  = "CANCELLED"
	taskFailed     = "FAILED"
)

// moveChunk is how many messages an unthrottled task moves per transaction.
const moveChunk = 100

// taskRow is a row of sqs_move_tasks.
type taskRow struct {
	id, handle, account, region, source, dest string
	maxPerSecond                              int64
	status, failure                           string
	started, toMove, moved, bound             int64
}

const taskCols = "task_id, handle, account, region, source_arn, dest_arn, max_per_second, status, failure, started_at, to_move, moved, bound_seq"

func scanTask(sc interface{ Scan(...any) error }) (taskRow, error) {
	var t taskRow
	err := sc.Scan(&t.id, &t.handle, &t.account, &t.region, &t.source, &t.dest, &t.maxPerSecond, &t.status, &t.failure, &t.started, &t.toMove, &t.moved, &t.bound)
	return t, err
}

// taskManager runs the message move tasks of this process: one goroutine
// per running task, throttled with the service clock.
type taskManager struct {
	s       *Service
	mu      sync.Mutex
	running map[string]chan struct{} // task id -> closed to cancel
}

func newTaskManager(s *Service) *taskManager {
	return &taskManager{s: s, running: map[string]chan struct{}{}}
}

// resume restarts the tasks that were running when the service stopped
// and finishes cancellations that were under way.
func (tm *taskManager) resume(ctx context.Context) error {
	var tasks []taskRow
	err := tm.s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+taskCols+" FROM sqs_move_tasks WHERE status IN (?, ?)", taskRunning, taskCancelling)
		if err != nil {
			return err
		}
		for rows.Next() {
			t, err := scanTask(rows)
			if err != nil {
				return err
			}
			tasks = append(tasks, t)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.status == taskCancelling {
			if err := tm.s.st.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, "UPDATE sqs_move_tasks SET status = ? WHERE task_id = ?", taskCancelled, t.id)
				return err
			}); err != nil {
				return err
			}
			continue
		}
		tm.start(t)
	}
	return nil
}

func (tm *taskManager) start(t taskRow) {
	stop := make(chan struct{})
	tm.mu.Lock()
	tm.running[t.id] = stop
	tm.mu.Unlock()
	tm.s.background(func(ctx context.Context) {
		defer func() {
			tm.mu.Lock()
			delete(tm.running, t.id)
			tm.mu.Unlock()
		}()
		tm.run(ctx, t, stop)
	})
}

func (tm *taskManager) cancel(id string) {
	tm.mu.Lock()
	if stop, ok := tm.running[id]; ok {
		close(stop)
		delete(tm.running, id)
	}
	tm.mu.Unlock()
}

// run moves messages until the task completes, fails or is cancelled. It
// returns without changing the task when the service closes, so that the
// task resumes on the next start.
func (tm *taskManager) run(ctx context.Context, t taskRow, stop chan struct{}) {
	s := tm.s
	finish := func(status, failure string) {
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE sqs_move_tasks SET status = ?, failure = ? WHERE task_id = ? AND status IN (?, ?)",
				status, failure, t.id, taskRunning, taskCancelling)
			return err
		})
		if err != nil && ctx.Err() == nil {
			s.log.Warn("sqs move task: finish", "task", t.id, "err", err)
		}
	}
	for {
		select {
		case <-stop:
			finish(taskCancelled, "")
			return
		case <-ctx.Done():
			return
		default:
		}
		limit := moveChunk
		if t.maxPerSecond > 0 {
			limit = int(t.maxPerSecond)
		}
		start := s.nowMs()
		done, failure, err := s.moveBatch(ctx, t, limit)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("sqs move task failed", "task", t.id, "err", err)
			finish(taskFailed, "InternalError")
			return
		case failure != "":
			finish(taskFailed, failure)
			return
		case done:
			finish(taskCompleted, "")
			return
		}
		if t.maxPerSecond > 0 {
			timer := newTimerAt(s.clk, start+1000)
			select {
			case <-timer.C():
			case <-stop:
				timer.Stop()
				finish(taskCancelled, "")
				return
			case <-ctx.Done():
				timer.Stop()
				return
			}
		}
	}
}

// moveBatch moves up to limit available messages of the task's source
// queue (those present when the task started) in one transaction.
func (s *Service) moveBatch(ctx context.Context, t taskRow, limit int) (done bool, failure string, err error) {
	src := s.reg.getARN(t.source)
	if src == nil || src.deleted.Load() {
		return false, "AWS.SimpleQueueService.NonExistentQueue", nil
	}
	var fixed *queue
	if t.dest != "" {
		if fixed = s.reg.getARN(t.dest); fixed == nil || fixed.deleted.Load() {
			return false, "AWS.SimpleQueueService.NonExistentQueue", nil
		}
	}
	m := src.m()
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		done, failure = false, ""
		now := s.nowMs()
		type cand struct {
			seq, sent int64
			source    sql.NullString
		}
		var cands []cand
		rows, err := tx.Query(ctx, `SELECT seq, sent_at, dlq_source FROM sqs_messages WHERE queue_id = ? AND seq > ? AND seq < ?
			AND visible_at <= ? AND sent_at > ? ORDER BY seq LIMIT ?`,
			src.id, m.purgeSeq, t.bound, now, now-int64(m.attrs.retention)*1000, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c cand
			if err := rows.Scan(&c.seq, &c.sent, &c.source); err != nil {
				rows.Close()
				return err
			}
			cands = append(cands, c)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		done = len(cands) < limit
		signals := map[*queue]int{}
		moved := int64(0)
		for _, c := range cands {
			dst := fixed
			if dst == nil {
				if c.source.Valid {
					dst = s.reg.getARN(c.source.String)
				}
				if dst == nil || dst.deleted.Load() {
					failure = "CouldNotDetermineMessageSource"
					done = false
					break
				}
			}
			if err := s.moveMessage(ctx, tx, src, c.seq, dst, c.sent, "", nil, now); err != nil {
				return err
			}
			signals[dst]++
			moved++
		}
		if _, err := tx.Exec(ctx, "UPDATE sqs_move_tasks SET moved = moved + ? WHERE task_id = ?", moved, t.id); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			for q, n := range signals {
				q.waiters.signal(n)
			}
		})
		for q, n := range signals {
			s.notifyMsgs(tx, q, n, 0)
		}
		return nil
	})
	return done, failure, err
}

// taskHandle is the decoded form of a TaskHandle.
type taskHandle struct {
	TaskID    string `json:"taskId"`
	SourceArn string `json:"sourceArn"`
}

func encodeTaskHandle(id, source string) string {
	b, _ := json.Marshal(taskHandle{TaskID: id, SourceArn: source})
	return base64.StdEncoding.EncodeToString(b)
}

func validARNFormat(arn string) bool {
	_, _, ok := parseARN(arn)
	return ok
}

// moveTaskSource resolves the SourceArn of a move task request.
func (s *Service) moveTaskSource(ctx context.Context, arn *string) (*queue, error) {
	srcARN := deref(arn)
	if !validARNFormat(srcARN) {
		return nil, invalidParam("You must use this format to specify the SourceArn: arn:<partition>:<service>:<region>:<account-id>:<resource-id>")
	}
	src, err := s.queueByARN(ctx, srcARN)
	if isKind(err, errQueueDoesNotExist) {
		return nil, errorf(errResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	return src, err
}

// StartMessageMoveTask starts moving the messages of a dead-letter queue
// back to their source queues or to a destination queue.
func (s *Service) StartMessageMoveTask(ctx context.Context, in *sqsapi.StartMessageMoveTaskRequest) (*sqsapi.StartMessageMoveTaskResult, error) {
	out, err := s.startMessageMoveTask(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) startMessageMoveTask(ctx context.Context, in *sqsapi.StartMessageMoveTaskRequest) (*sqsapi.StartMessageMoveTaskResult, error) {
	src, err := s.moveTaskSource(ctx, in.SourceArn)
	if err != nil {
		return nil, err
	}
	isDLQ := false
	for _, q := range s.reg.all() {
		if rp := q.m().attrs.redrive; rp != nil && rp.dlqARN == src.arn && !q.deleted.Load() {
			isDLQ = true
			break
		}
	}
	if !isDLQ {
		return nil, invalidParam("Source queue must be configured as a Dead Letter Queue.")
	}
	destARN := ""
	if in.DestinationArn != nil {
		destARN = *in.DestinationArn
		if !validARNFormat(destARN) {
			return nil, invalidParam("You must use this format to specify the DestinationArn: arn:<partition>:<service>:<region>:<account-id>:<resource-id>")
		}
		dst, err := s.queueByARN(ctx, destARN)
		if isKind(err, errQueueDoesNotExist) {
			return nil, errorf(errResourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
		if err != nil {
			return nil, err
		}
		if dst.arn == src.arn {
			return nil, invalidParam("Source queue arn and destination queue arn cannot be the same.")
		}
		if dst.fifo != src.fifo {
			return nil, invalidParam("The source queue and destination queue must be of the same queue type.")
		}
	}
	var rate int64
	if p := in.MaxNumberOfMessagesPerSecond; p != nil {
		if *p < 1 || *p > 500 {
			return nil, invalidParam("Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a number that's between 1 and 500.")
		}
		rate = int64(*p)
	}
	counts, err := s.countMessages(ctx, src)
	if err != nil {
		return nil, err
	}
	ri := reqinfo.From(ctx)
	now := s.nowMs()
	t := taskRow{id: newUUID(), account: ri.Account, region: ri.Region, source: src.arn, dest: destARN, maxPerSecond: rate,
		status: taskRunning, started: now, toMove: counts.visible, bound: s.seq.next(now, 1)}
	t.handle = encodeTaskHandle(t.id, src.arn)
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM sqs_move_tasks WHERE source_arn = ? AND status IN (?, ?)",
			src.arn, taskRunning, taskCancelling).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return invalidParam("There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
		_, err := tx.Exec(ctx, "INSERT INTO sqs_move_tasks ("+taskCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.id, t.handle, t.account, t.region, t.source, t.dest, t.maxPerSecond, t.status, t.failure, t.started, t.toMove, t.moved, t.bound)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.tasks.start(t)
	return &sqsapi.StartMessageMoveTaskResult{TaskHandle: ptr(t.handle)}, nil
}

// CancelMessageMoveTask cancels a running message move task.
func (s *Service) CancelMessageMoveTask(ctx context.Context, in *sqsapi.CancelMessageMoveTaskRequest) (*sqsapi.CancelMessageMoveTaskResult, error) {
	out, err := s.cancelMessageMoveTask(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) cancelMessageMoveTask(ctx context.Context, in *sqsapi.CancelMessageMoveTaskRequest) (*sqsapi.CancelMessageMoveTaskResult, error) {
	var h taskHandle
	b, err := base64.StdEncoding.DecodeString(deref(in.TaskHandle))
	if err != nil || json.Unmarshal(b, &h) != nil || h.TaskID == "" || !validARNFormat(h.SourceArn) {
		return nil, invalidParam("Value for parameter TaskHandle is invalid.")
	}
	if _, err := s.queueByARN(ctx, h.SourceArn); isKind(err, errQueueDoesNotExist) {
		return nil, errorf(errResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	} else if err != nil {
		return nil, err
	}
	var t taskRow
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		var err error
		t, err = scanTask(tx.QueryRow(ctx, "SELECT "+taskCols+" FROM sqs_move_tasks WHERE task_id = ? AND source_arn = ?", h.TaskID, h.SourceArn))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(errResourceNotFound, "Task does not exist.")
		}
		if err != nil {
			return err
		}
		if t.status != taskRunning {
			return invalidParam("Only active tasks can be cancelled.")
		}
		_, err = tx.Exec(ctx, "UPDATE sqs_move_tasks SET status = ? WHERE task_id = ?", taskCancelling, t.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.tasks.cancel(t.id)
	return &sqsapi.CancelMessageMoveTaskResult{ApproximateNumberOfMessagesMoved: ptr(t.moved)}, nil
}

// ListMessageMoveTasks lists the most recent move tasks of a source queue.
func (s *Service) ListMessageMoveTasks(ctx context.Context, in *sqsapi.ListMessageMoveTasksRequest) (*sqsapi.ListMessageMoveTasksResult, error) {
	out, err := s.listMessageMoveTasks(ctx, in)
	return out, wireError(ctx, err)
}

func (s *Service) listMessageMoveTasks(ctx context.Context, in *sqsapi.ListMessageMoveTasksRequest) (*sqsapi.ListMessageMoveTasksResult, error) {
	src, err := s.moveTaskSource(ctx, in.SourceArn)
	if err != nil {
		return nil, err
	}
	limit := 1
	if p := in.MaxResults; p != nil {
		if *p < 1 || *p > 10 {
			return nil, invalidParam("Value for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10.")
		}
		limit = int(*p)
	}
	var tasks []taskRow
	err = s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+taskCols+" FROM sqs_move_tasks WHERE source_arn = ? ORDER BY started_at DESC, task_id LIMIT ?", src.arn, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			t, err := scanTask(rows)
			if err != nil {
				return err
			}
			tasks = append(tasks, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &sqsapi.ListMessageMoveTasksResult{Results: []sqsapi.ListMessageMoveTasksResultEntry{}}
	for _, t := range tasks {
		e := sqsapi.ListMessageMoveTasksResultEntry{
			SourceArn:                         ptr(t.source),
			Status:                            ptr(t.status),
			StartedTimestamp:                  ptr(t.started),
			ApproximateNumberOfMessagesMoved:  ptr(t.moved),
			ApproximateNumberOfMessagesToMove: ptr(t.toMove),
		}
		if t.status == taskRunning {
			e.TaskHandle = ptr(t.handle)
		}
		if t.dest != "" {
			e.DestinationArn = ptr(t.dest)
		}
		if t.maxPerSecond > 0 {
			e.MaxNumberOfMessagesPerSecond = ptr(int32(t.maxPerSecond))
		}
		if t.failure != "" {
			e.FailureReason = ptr(t.failure)
		}
		out.Results = append(out.Results, e)
	}
	return out, nil
}
