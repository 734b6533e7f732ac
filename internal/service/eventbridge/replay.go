package eventbridge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Replays.
//
// StartReplay records the replay (STARTING); a background runner sends the
// archived events of [EventStartTime, EventEndTime] (by archive time) to
// the rules of the destination bus (only those of FilterArns when given),
// each with "replay-name" added, a page per transaction: the page's
// deliveries and the replay's new position are written together, with a
// conditional UPDATE on the old position, so a restart resumes where the
// last committed page ended and two nodes never send a page twice.

const replayPage = 100

// Replay states.
const (
	replayStarting   = "STARTING"
	replayRunning    = "RUNNING"
	replayCancelling = "CANCELLING"
	replayCancelled  = "CANCELLED"
	replayCompleted  = "COMPLETED"
)

type replayRow struct {
	account, region, name, source, dest, desc, state, reason string
	filters                                                  []string
	start, end, startedAt, endedAt, last, cursorAt           int64
	cursorID                                                 string
}

func (r *replayRow) arn() string { return replayARN(r.account, r.region, r.name) }

const replayCols = `name, source_arn, dest_arn, filter_arns, description, event_start, event_end, state, reason,
	started_at, ended_at, last_replayed, cursor_at, cursor_id`

func scanReplay(account, region string, sc interface{ Scan(...any) error }) (*replayRow, error) {
	r := &replayRow{account: account, region: region}
	var filters string
	err := sc.Scan(&r.name, &r.source, &r.dest, &filters, &r.desc, &r.start, &r.end, &r.state, &r.reason,
		&r.startedAt, &r.endedAt, &r.last, &r.cursorAt, &r.cursorID)
	if err == nil {
		json.Unmarshal([]byte(filters), &r.filters)
	}
	return r, err
}

func getReplay(ctx context.Context, tx *store.Tx, account, region, name string) (*replayRow, error) {
	r, err := scanReplay(account, region, tx.QueryRow(ctx, "SELECT "+replayCols+" FROM eb_replays WHERE account = ? AND region = ? AND name = ?",
		account, region, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound("Replay " + name + " does not exist.")
	}
	return r, err
}

func (s *Service) pokeReplays() {
	select {
	case s.replayK <- struct{}{}:
	default:
	}
}

// StartReplay starts replaying an archive to its bus.
func (s *Service) StartReplay(ctx context.Context, in *eventbridgeapi.StartReplayRequest) (*eventbridgeapi.StartReplayResponse, error) {
	info := reqinfo.From(ctx)
	start, end := in.EventStartTime.UnixMilli(), in.EventEndTime.UnixMilli()
	if end <= start {
		return nil, errValidation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
	}
	a, ok := parseARN(deref(in.EventSourceArn))
	if !ok || a.service != "events" || len(a.resource) < len("archive/") || a.resource[:len("archive/")] != "archive/" {
		return nil, errValidation("Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format.")
	}
	archiveName := a.resource[len("archive/"):]
	dest, ok := busARNKey(deref(in.Destination.Arn))
	if !ok {
		return nil, errValidation("Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.")
	}
	filters, _ := json.Marshal(in.Destination.FilterArns)
	if in.Destination.FilterArns == nil {
		filters = []byte("[]")
	}
	now := s.clk.Now().UnixMilli()
	r := &replayRow{account: info.Account, region: info.Region, name: deref(in.ReplayName), source: deref(in.EventSourceArn),
		dest: dest.arn(), desc: deref(in.Description), state: replayStarting, start: start, end: end, startedAt: now}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := getReplay(ctx, tx, r.account, r.region, r.name); err == nil {
			return errExists("Replay " + r.name + " already exists.")
		}
		ar, err := getArchive(ctx, tx, info.Account, info.Region, archiveName)
		if err != nil {
			return errValidation("Parameter EventSourceArn is not valid. Reason: Archive " + archiveName + " does not exist.")
		}
		if ar.source != dest.arn() {
			if ok, err := busExists(ctx, tx, dest); err != nil || !ok {
				if err == nil {
					err = errNoBus(dest.name)
				}
				return err
			}
			return errValidation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
		}
		_, err = tx.Exec(ctx, `INSERT INTO eb_replays (account, region, name, source_arn, dest_arn, filter_arns, description, event_start, event_end,
			state, reason, started_at, ended_at, last_replayed, cursor_at, cursor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, 0, 0, 0, '')`,
			r.account, r.region, r.name, r.source, r.dest, string(filters), r.desc, r.start, r.end, r.state, r.startedAt)
		tx.AfterCommit(s.pokeReplays)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.StartReplayResponse{ReplayArn: str(r.arn()), State: str(r.state), ReplayStartTime: ts(r.startedAt)}, nil
}

func replayDest(r *replayRow) *eventbridgeapi.ReplayDestination {
	d := &eventbridgeapi.ReplayDestination{Arn: str(r.dest)}
	if len(r.filters) > 0 {
		d.FilterArns = r.filters
	}
	return d
}

// DescribeReplay describes a replay.
func (s *Service) DescribeReplay(ctx context.Context, in *eventbridgeapi.DescribeReplayRequest) (*eventbridgeapi.DescribeReplayResponse, error) {
	info := reqinfo.From(ctx)
	var r *replayRow
	err := s.st.View(ctx, func(tx *store.Tx) (err error) {
		r, err = getReplay(ctx, tx, info.Account, info.Region, deref(in.ReplayName))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.DescribeReplayResponse{ReplayName: str(r.name), ReplayArn: str(r.arn()), Description: optStr(r.desc),
		State: str(r.state), StateReason: optStr(r.reason), EventSourceArn: str(r.source), Destination: replayDest(r),
		EventStartTime: ts(r.start), EventEndTime: ts(r.end), EventLastReplayedTime: ts(r.last),
		ReplayStartTime: ts(r.startedAt), ReplayEndTime: ts(r.endedAt)}, nil
}

// ListReplays lists replays by name, filtered by one of NamePrefix, State
// or EventSourceArn.
func (s *Service) ListReplays(ctx context.Context, in *eventbridgeapi.ListReplaysRequest) (*eventbridgeapi.ListReplaysResponse, error) {
	info := reqinfo.From(ctx)
	filters := 0
	for _, f := range []*string{in.NamePrefix, in.EventSourceArn, in.State} {
		if f != nil {
			filters++
		}
	}
	if filters > 1 {
		return nil, errValidation("At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix.")
	}
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	out := &eventbridgeapi.ListReplaysResponse{Replays: []eventbridgeapi.Replay{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, "SELECT "+replayCols+` FROM eb_replays WHERE account = ? AND region = ? AND name > ? AND name LIKE ? ESCAPE '\'
			AND (? = '' OR source_arn = ?) AND (? = '' OR state = ?) ORDER BY name LIMIT ?`,
			info.Account, info.Region, after, likePrefix(deref(in.NamePrefix)), deref(in.EventSourceArn), deref(in.EventSourceArn),
			deref(in.State), deref(in.State), limit+1)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			r, err := scanReplay(info.Account, info.Region, q)
			if err != nil {
				return err
			}
			if len(out.Replays) == limit {
				out.NextToken = nextToken(*out.Replays[limit-1].ReplayName)
				break
			}
			out.Replays = append(out.Replays, eventbridgeapi.Replay{ReplayName: str(r.name), EventSourceArn: str(r.source),
				State: str(r.state), StateReason: optStr(r.reason), EventStartTime: ts(r.start), EventEndTime: ts(r.end),
				EventLastReplayedTime: ts(r.last), ReplayStartTime: ts(r.startedAt), ReplayEndTime: ts(r.endedAt)})
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CancelReplay cancels a replay that is starting or running.
func (s *Service) CancelReplay(ctx context.Context, in *eventbridgeapi.CancelReplayRequest) (*eventbridgeapi.CancelReplayResponse, error) {
	info := reqinfo.From(ctx)
	var r *replayRow
	err := s.st.Update(ctx, func(tx *store.Tx) (err error) {
		if r, err = getReplay(ctx, tx, info.Account, info.Region, deref(in.ReplayName)); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE eb_replays SET state = ? WHERE account = ? AND region = ? AND name = ? AND state IN (?, ?)",
			replayCancelling, r.account, r.region, r.name, replayStarting, replayRunning)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return awserr.New("IllegalStatusException", "Replay "+r.name+" is not in a valid state for this operation.")
		}
		tx.AfterCommit(s.pokeReplays)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &eventbridgeapi.CancelReplayResponse{ReplayArn: str(r.arn()), State: str(replayCancelling)}, nil
}

// replayLoop runs the unfinished replays: at start (resuming those of a
// previous run), when one starts or is cancelled, and every second.
func (s *Service) replayLoop() {
	for {
		if err := s.runReplays(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Warn("eventbridge: replays", "err", err)
		}
		t := time.NewTimer(time.Second)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-s.replayK:
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Service) runReplays(ctx context.Context) error {
	var rs []*replayRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, "SELECT account, region, "+replayCols+" FROM eb_replays WHERE state IN (?, ?, ?)",
			replayStarting, replayRunning, replayCancelling)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var acc, reg string
			r := &replayRow{}
			var filters string
			if err := q.Scan(&acc, &reg, &r.name, &r.source, &r.dest, &filters, &r.desc, &r.start, &r.end, &r.state, &r.reason,
				&r.startedAt, &r.endedAt, &r.last, &r.cursorAt, &r.cursorID); err != nil {
				return err
			}
			r.account, r.region = acc, reg
			json.Unmarshal([]byte(filters), &r.filters)
			rs = append(rs, r)
		}
		return q.Err()
	})
	if err != nil {
		return err
	}
	for _, r := range rs {
		for ctx.Err() == nil {
			done, err := s.replayStep(ctx, r)
			if err != nil {
				return err
			}
			if done {
				break
			}
		}
	}
	return nil
}

// replayStep sends one page of r and advances it; true when r is over.
func (s *Service) replayStep(ctx context.Context, r *replayRow) (bool, error) {
	now := s.clk.Now()
	key := func(tx *store.Tx, q string, args ...any) error {
		_, err := tx.Exec(ctx, q, args...)
		return err
	}
	if r.state == replayCancelling {
		return true, s.st.Update(ctx, func(tx *store.Tx) error {
			return key(tx, "UPDATE eb_replays SET state = ?, ended_at = ? WHERE account = ? AND region = ? AND name = ? AND state = ?",
				replayCancelled, now.UnixMilli(), r.account, r.region, r.name, replayCancelling)
		})
	}
	archive := r.source
	type row struct {
		id   string
		at   int64
		body string
	}
	var page []row
	err := s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, `SELECT id, archived_at, body FROM eb_archive_events WHERE archive_arn = ? AND archived_at >= ? AND archived_at <= ?
			AND (archived_at > ? OR (archived_at = ? AND id > ?)) ORDER BY archived_at, id LIMIT ?`,
			archive, r.start, r.end, r.cursorAt, r.cursorAt, r.cursorID, replayPage)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var x row
			if err := q.Scan(&x.id, &x.at, &x.body); err != nil {
				return err
			}
			page = append(page, x)
		}
		return q.Err()
	})
	if err != nil {
		return false, err
	}
	if len(page) == 0 {
		return true, s.st.Update(ctx, func(tx *store.Tx) error {
			return key(tx, "UPDATE eb_replays SET state = ?, ended_at = ? WHERE account = ? AND region = ? AND name = ? AND state IN (?, ?)",
				replayCompleted, now.UnixMilli(), r.account, r.region, r.name, replayStarting, replayRunning)
		})
	}
	dest, _ := busARNKey(r.dest)
	br, err := s.cache.get(ctx, dest)
	if err != nil {
		return false, err
	}
	var filter map[string]bool
	if len(r.filters) > 0 {
		filter = map[string]bool{}
		for _, f := range r.filters {
			filter[f] = true
		}
	}
	var plan delivPlan
	for _, x := range page {
		raw := withReplayName([]byte(x.body), r.name)
		if err := plan.match(br, raw, x.id+"-"+r.name, filter, now); err != nil {
			return false, err
		}
	}
	plan.archived = nil // replayed events are never archived again
	last := page[len(page)-1]
	stopped := false
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		stopped = false
		res, err := tx.Exec(ctx, `UPDATE eb_replays SET state = ?, cursor_at = ?, cursor_id = ?, last_replayed = ?
			WHERE account = ? AND region = ? AND name = ? AND cursor_at = ? AND cursor_id = ? AND state IN (?, ?)`,
			replayRunning, last.at, last.id, last.at, r.account, r.region, r.name, r.cursorAt, r.cursorID, replayStarting, replayRunning)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			stopped = true // cancelled, or another node took the page
			return nil
		}
		return s.write(ctx, tx, &plan)
	})
	if err != nil || stopped {
		return true, err
	}
	r.state, r.cursorAt, r.cursorID = replayRunning, last.at, last.id
	return false, nil
}
