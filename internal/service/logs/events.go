package logs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/store"
)

// PutLogEvents limits.
const (
	eventOverhead   = 26        // bytes counted per event on top of its message
	maxEventBytes   = 256 << 10 // message + overhead
	maxBatchBytes   = 1 << 20   // sum of messages + overheads
	maxBatchSpanMs  = dayMs     // newest - oldest timestamp of a batch
	maxPastMs       = 14 * dayMs
	maxFutureMs     = 2 * 60 * 60 * 1000
	maxResponseSize = 1 << 20 // GetLogEvents and FilterLogEvents pages
	maxEventsPage   = 10000
	insertChunk     = 64 // rows per INSERT statement
)

// event is a log event to insert.
type event struct {
	ts  int64
	msg string
}

// pos is the position of an event in a stream: (ts, seq), seq breaking
// ties between events of the same millisecond in ingestion order.
type pos struct{ ts, stream, seq int64 }

// eventID formats an event id the way AWS's look: 56 decimal digits (here
// the timestamp, the stream id and the sequence number).
func eventID(p pos) string {
	return fmt.Sprintf("%019d%019d%018d", p.ts, p.stream, p.seq)
}

func parseEventID(s string) (pos, bool) {
	if len(s) != 56 {
		return pos{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return pos{}, false
		}
	}
	ts, err1 := strconv.ParseInt(s[:19], 10, 64)
	st, err2 := strconv.ParseInt(s[19:38], 10, 64)
	seq, err3 := strconv.ParseInt(s[38:], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return pos{}, false
	}
	return pos{ts: ts, stream: st, seq: seq}, true
}

func base64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func unbase64URL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// streamUpdate reserves n sequence numbers of a stream and updates its
// statistics; it returns the stream id and the last number reserved.
const streamUpdate = `UPDATE logs_streams SET next_seq = next_seq + ?,
	first_event = CASE WHEN first_event IS NULL OR first_event > ? THEN ? ELSE first_event END,
	last_event = CASE WHEN last_event IS NULL OR last_event < ? THEN ? ELSE last_event END,
	last_ingestion = ?, stored_bytes = stored_bytes + ?`

// appendEvents reserves sequence numbers on the stream matched by where
// and inserts evs (sorted by time). found is false if no stream matched.
func appendEvents(ctx context.Context, tx *store.Tx, where string, whereArgs []any, groupID int64, evs []event, now int64) (streamID, last int64, found bool, err error) {
	lo, hi := evs[0].ts, evs[0].ts
	var size int64
	for _, e := range evs {
		lo, hi = min(lo, e.ts), max(hi, e.ts)
		size += int64(len(e.msg))
	}
	args := append([]any{int64(len(evs)), lo, lo, hi, hi, now, size}, whereArgs...)
	err = tx.QueryRow(ctx, streamUpdate+" WHERE "+where+" RETURNING id, next_seq", args...).Scan(&streamID, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, err
	}
	seq := last - int64(len(evs))
	for len(evs) > 0 {
		n := min(len(evs), insertChunk)
		var q strings.Builder
		q.WriteString("INSERT INTO logs_events (stream_id, ts, seq, group_id, ingested, message) VALUES ")
		vals := make([]any, 0, 6*n)
		for i, e := range evs[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			seq++
			vals = append(vals, streamID, e.ts, seq, groupID, now, []byte(e.msg))
		}
		if _, err := tx.Exec(ctx, q.String(), vals...); err != nil {
			return 0, 0, false, err
		}
		evs = evs[n:]
	}
	return streamID, last, true, nil
}

// PutLogEvents uploads a batch of events to a stream.
func (s *Service) PutLogEvents(ctx context.Context, in *logsapi.PutLogEventsRequest) (*logsapi.PutLogEventsResponse, error) {
	out, err := s.putLogEvents(ctx, in)
	return out, toAPI(err)
}

func (s *Service) putLogEvents(ctx context.Context, in *logsapi.PutLogEventsRequest) (*logsapi.PutLogEventsResponse, error) {
	ref := callerGroup(ctx, deref(in.LogGroupName))
	evs := make([]event, len(in.LogEvents))
	total := 0
	for i, e := range in.LogEvents {
		evs[i] = event{ts: deref(e.Timestamp), msg: deref(e.Message)}
		size := len(evs[i].msg) + eventOverhead
		if size > maxEventBytes {
			return nil, invalidParam("Log event too large: %d bytes exceeds limit of %d", size, maxEventBytes)
		}
		total += size
	}
	if total > maxBatchBytes {
		return nil, invalidParam("Upload too large: %d bytes exceeds limit of %d", total, maxBatchBytes)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].ts < evs[i-1].ts {
			return nil, invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if len(evs) > 0 && evs[len(evs)-1].ts-evs[0].ts > maxBatchSpanMs {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	now := s.nowMs()
	out := &logsapi.PutLogEventsResponse{}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		// Events are in time order: the too old and expired ones are a
		// prefix, the too new ones a suffix.
		tooOld, expired, tooNew := 0, 0, len(evs)
		for i, e := range evs {
			if e.ts < now-maxPastMs {
				tooOld = i + 1
			}
			if g.retention > 0 && e.ts < now-g.retention*dayMs {
				expired = i + 1
			}
			if e.ts > now+maxFutureMs && tooNew == len(evs) {
				tooNew = i
			}
		}
		info := &logsapi.RejectedLogEventsInfo{}
		if tooOld > 0 {
			info.TooOldLogEventEndIndex = ptr(int32(tooOld))
		}
		if expired > 0 {
			info.ExpiredLogEventEndIndex = ptr(int32(expired))
		}
		if tooNew < len(evs) {
			info.TooNewLogEventStartIndex = ptr(int32(tooNew))
		}
		if *info != (logsapi.RejectedLogEventsInfo{}) {
			out.RejectedLogEventsInfo = info
		}
		name := deref(in.LogStreamName)
		valid := evs[max(tooOld, expired):tooNew]
		if len(valid) == 0 {
			st, err := loadStream(ctx, tx, g.id, name)
			if err != nil {
				return err
			}
			out.NextSequenceToken = ptr(sequenceToken(st.nextSeq))
			return nil
		}
		_, last, found, err := appendEvents(ctx, tx, "group_id = ? AND name = ?", []any{g.id, name}, g.id, valid, now)
		if err != nil {
			return err
		}
		if !found {
			return errNoStream()
		}
		out.NextSequenceToken = ptr(sequenceToken(last))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Event is a log event written by another hako service through Append.
type Event struct {
	Time    time.Time
	Message string
}

// Append writes events to group/stream, creating the group and the stream
// when missing. It is meant to be called often with small batches (the
// output of each function invocation): a stream it has written to before
// costs one UPDATE and one INSERT in a single store.Update. Events are
// stored in time order; messages longer than a log event can hold are
// truncated. The batch limits of PutLogEvents do not apply.
func (s *Service) Append(ctx context.Context, account, region, group, stream string, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	if !validGroupName(group) {
		return fmt.Errorf("logs: invalid log group name %q", group)
	}
	if !validStreamName(stream) {
		return fmt.Errorf("logs: invalid log stream name %q", stream)
	}
	evs := make([]event, len(events))
	for i, e := range events {
		evs[i] = event{ts: e.Time.UnixMilli(), msg: truncateUTF8(e.Message, maxEventBytes-eventOverhead)}
	}
	slices.SortStableFunc(evs, func(a, b event) int { return cmp.Compare(a.ts, b.ts) })
	key := streamKey{account, region, group, stream}
	cached, warm := s.streams.get(key)
	now := s.nowMs()
	var ids streamIDs
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if warm {
			_, _, found, err := appendEvents(ctx, tx, "id = ?", []any{cached.stream}, cached.group, evs, now)
			if err != nil || found {
				ids = cached
				return err
			}
			// Deleted meanwhile (maybe on another node): create it again.
		}
		if _, err := tx.Exec(ctx, `INSERT INTO logs_groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?, 0, 'STANDARD', '', '{}')
			ON CONFLICT (account, region, name) DO NOTHING`, newID(), account, region, group, now); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT id FROM logs_groups WHERE account = ? AND region = ? AND name = ?", account, region, group).Scan(&ids.group); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO logs_streams (id, group_id, name, created_at, next_seq, stored_bytes)
			VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (group_id, name) DO NOTHING`, newID(), ids.group, stream, now); err != nil {
			return err
		}
		id, _, found, err := appendEvents(ctx, tx, "group_id = ? AND name = ?", []any{ids.group, stream}, ids.group, evs, now)
		if err == nil && !found {
			err = errors.New("logs: stream vanished during Append")
		}
		ids.stream = id
		return err
	})
	if err != nil {
		s.streams.drop(key)
		return err
	}
	s.streams.put(key, ids)
	return nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Tokens of GetLogEvents: "f/EVENTID/s" continues after the event,
// "b/EVENTID/s" before it; the zero event id is the start of the stream.

func logToken(dir byte, p pos) string { return string(dir) + "/" + eventID(p) + "/s" }

func parseLogToken(tok string) (dir byte, p pos, ok bool) {
	if len(tok) < 2 || tok[0] != 'f' && tok[0] != 'b' || tok[1] != '/' {
		return 0, pos{}, false
	}
	p, ok = parseEventID(strings.TrimSuffix(tok[2:], "/s"))
	return tok[0], p, ok
}

// GetLogEvents reads the events of one stream in time order, from the
// head, from the tail, or from a token.
func (s *Service) GetLogEvents(ctx context.Context, in *logsapi.GetLogEventsRequest) (*logsapi.GetLogEventsResponse, error) {
	out, err := s.getLogEvents(ctx, in)
	return out, toAPI(err)
}

func (s *Service) getLogEvents(ctx context.Context, in *logsapi.GetLogEventsRequest) (*logsapi.GetLogEventsResponse, error) {
	ref, err := groupIdent(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	forward := deref(in.StartFromHead)
	var from pos
	hasToken := in.NextToken != nil
	if hasToken {
		var dir byte
		var ok bool
		if dir, from, ok = parseLogToken(*in.NextToken); !ok {
			return nil, errInvalidToken()
		}
		forward = dir == 'f'
	}
	limit := int(deref(in.Limit))
	if limit == 0 {
		limit = maxEventsPage
	}
	var evs []logsapi.OutputLogEvent
	var first, last pos
	err = s.st.View(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		st, err := loadStream(ctx, tx, g.id, deref(in.LogStreamName))
		if err != nil {
			return err
		}
		if hasToken && from.stream != 0 && from.stream != st.id {
			return errInvalidToken()
		}
		q := "SELECT ts, seq, ingested, message FROM logs_events WHERE stream_id = ?"
		args := []any{st.id}
		if in.StartTime != nil {
			q += " AND ts >= ?"
			args = append(args, *in.StartTime)
		}
		if in.EndTime != nil {
			q += " AND ts < ?"
			args = append(args, *in.EndTime)
		}
		switch {
		case hasToken && forward:
			q += " AND (ts, seq) > (?, ?)"
			args = append(args, from.ts, from.seq)
		case hasToken:
			q += " AND (ts, seq) < (?, ?)"
			args = append(args, from.ts, from.seq)
		}
		if forward {
			q += " ORDER BY ts, seq LIMIT ?"
		} else {
			q += " ORDER BY ts DESC, seq DESC LIMIT ?"
		}
		rows, err := tx.Query(ctx, q, append(args, int64(limit))...)
		if err != nil {
			return err
		}
		size := 0
		for rows.Next() {
			var p pos
			var ingested int64
			var msg []byte
			if err := rows.Scan(&p.ts, &p.seq, &ingested, &msg); err != nil {
				return err
			}
			p.stream = st.id
			if size += len(msg) + eventOverhead; size > maxResponseSize && len(evs) > 0 {
				break
			}
			if len(evs) == 0 {
				first = p
			}
			last = p
			evs = append(evs, logsapi.OutputLogEvent{Timestamp: ptr(p.ts), IngestionTime: ptr(ingested), Message: ptr(string(msg))})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.GetLogEventsResponse{Events: evs}
	switch {
	case len(evs) > 0 && !forward:
		slices.Reverse(evs)
		out.NextForwardToken, out.NextBackwardToken = ptr(logToken('f', first)), ptr(logToken('b', last))
	case len(evs) > 0:
		out.NextForwardToken, out.NextBackwardToken = ptr(logToken('f', last)), ptr(logToken('b', first))
	case hasToken:
		// The end of the stream in the token's direction: the same token.
		if forward {
			out.NextForwardToken, out.NextBackwardToken = in.NextToken, ptr(logToken('b', from))
		} else {
			out.NextForwardToken, out.NextBackwardToken = ptr(logToken('f', from)), in.NextToken
		}
	default:
		out.NextForwardToken, out.NextBackwardToken = ptr(logToken('f', pos{})), ptr(logToken('b', pos{}))
	}
	if out.Events == nil {
		out.Events = []logsapi.OutputLogEvent{}
	}
	return out, nil
}

// Filter scanning bounds: rows read per query, and rows one call may scan
// before it answers a partial page with a token, as AWS does.
const (
	filterChunk   = 1000
	filterMaxScan = 200000
)

// filterToken encodes the position after which a FilterLogEvents call
// continues.
func filterToken(p pos) string { return base64URL([]byte("v1/" + eventID(p))) }

func parseFilterToken(tok string) (pos, error) {
	b, err := unbase64URL(tok)
	if err != nil || !strings.HasPrefix(string(b), "v1/") {
		return pos{}, errInvalidToken()
	}
	p, ok := parseEventID(string(b[3:]))
	if !ok {
		return pos{}, errInvalidToken()
	}
	return p, nil
}

// FilterLogEvents searches the events of a group's streams, interleaved
// in time order, with an optional filter pattern.
func (s *Service) FilterLogEvents(ctx context.Context, in *logsapi.FilterLogEventsRequest) (*logsapi.FilterLogEventsResponse, error) {
	out, err := s.filterLogEvents(ctx, in)
	return out, toAPI(err)
}

func (s *Service) filterLogEvents(ctx context.Context, in *logsapi.FilterLogEventsRequest) (*logsapi.FilterLogEventsResponse, error) {
	ref, err := groupIdent(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive. Only one of these parameters can be passed.")
	}
	pat, err := compilePattern(deref(in.FilterPattern))
	if err != nil {
		return nil, invalidParam("%s", err.Error())
	}
	var after pos
	if in.NextToken != nil {
		if after, err = parseFilterToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	limit := int(deref(in.Limit))
	if limit == 0 {
		limit = maxEventsPage
	}
	out := &logsapi.FilterLogEventsResponse{Events: []logsapi.FilteredLogEvent{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		// The streams searched: events of deleted streams are skipped.
		names := map[int64]string{}
		q := "SELECT id, name FROM logs_streams WHERE group_id = ?"
		args := []any{g.id}
		filtered := false
		switch {
		case in.LogStreamNames != nil:
			filtered = true
			q += " AND name IN (?" + strings.Repeat(", ?", len(in.LogStreamNames)-1) + ")"
			for _, n := range in.LogStreamNames {
				args = append(args, n)
			}
		case in.LogStreamNamePrefix != nil:
			filtered = true
			q += " AND substr(name, 1, ?) = ?"
			args = append(args, int64(utf8.RuneCountInString(*in.LogStreamNamePrefix)), *in.LogStreamNamePrefix)
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			names[id] = name
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		base := "SELECT ts, stream_id, seq, ingested, message FROM logs_events WHERE group_id = ? AND (ts, stream_id, seq) > (?, ?, ?)"
		var tail []any
		if in.StartTime != nil {
			base += " AND ts >= ?"
			tail = append(tail, *in.StartTime)
		}
		if in.EndTime != nil {
			base += " AND ts <= ?"
			tail = append(tail, *in.EndTime)
		}
		if filtered && len(names) <= 100 {
			base += " AND stream_id IN (?" + strings.Repeat(", ?", len(names)-1) + ")"
			for id := range names {
				tail = append(tail, id)
			}
		}
		base += " ORDER BY ts, stream_id, seq LIMIT ?"
		cur := after
		size, scanned := 0, 0
		full := false
		for {
			args := append([]any{g.id, cur.ts, cur.stream, cur.seq}, tail...)
			args = append(args, int64(filterChunk))
			rows, err := tx.Query(ctx, base, args...)
			if err != nil {
				return err
			}
			n := 0
			for rows.Next() {
				var p pos
				var ingested int64
				var msg []byte
				if err := rows.Scan(&p.ts, &p.stream, &p.seq, &ingested, &msg); err != nil {
					return err
				}
				n++
				scanned++
				cur = p
				name, ok := names[p.stream]
				if !ok || !pat.match(string(msg)) {
					continue
				}
				if full || size+len(msg)+eventOverhead > maxResponseSize && len(out.Events) > 0 {
					// There is more: continue after the last event returned.
					out.NextToken = ptr(filterToken(after))
					return nil
				}
				size += len(msg) + eventOverhead
				after = p
				out.Events = append(out.Events, logsapi.FilteredLogEvent{
					EventId: ptr(eventID(p)), IngestionTime: ptr(ingested), LogStreamName: ptr(name),
					Message: ptr(string(msg)), Timestamp: ptr(p.ts),
				})
				full = len(out.Events) >= limit
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
			if n < filterChunk {
				return nil // searched everything
			}
			if scanned >= filterMaxScan {
				// Searched enough for one call: a partial page and a token.
				last := cur
				if full {
					last = after
				}
				out.NextToken = ptr(filterToken(last))
				return nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
