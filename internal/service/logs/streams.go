package logs

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/logsapi"
	"github.com/hako-dev/hako/internal/store"
)

// stream is a log stream row.
type stream struct {
	id            int64
	name          string
	createdAt     int64
	firstEvent    sql.NullInt64
	lastEvent     sql.NullInt64
	lastIngestion sql.NullInt64
	nextSeq       int64
}

const streamCols = "id, name, created_at, first_event, last_event, last_ingestion, next_seq"

func scanStream(sc interface{ Scan(...any) error }) (*stream, error) {
	st := &stream{}
	err := sc.Scan(&st.id, &st.name, &st.createdAt, &st.firstEvent, &st.lastEvent, &st.lastIngestion, &st.nextSeq)
	return st, err
}

// loadStream reads a stream of group g, or returns the not-found error.
func loadStream(ctx context.Context, tx *store.Tx, groupID int64, name string) (*stream, error) {
	st, err := scanStream(tx.QueryRow(ctx, "SELECT "+streamCols+" FROM logs_streams WHERE group_id = ? AND name = ?", groupID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoStream()
	}
	return st, err
}

func streamARN(g groupRef, name string) string {
	return g.arn() + ":log-stream:" + name
}

// sequenceToken formats a stream position as the 56-digit sequence
// tokens AWS hands out (and now ignores).
func sequenceToken(seq int64) string {
	s := strconv.FormatInt(seq, 10)
	const width = 56
	b := make([]byte, width-len(s), width)
	for i := range b {
		b[i] = '0'
	}
	return string(append(b, s...))
}

// CreateLogStream creates a log stream in a group.
func (s *Service) CreateLogStream(ctx context.Context, in *logsapi.CreateLogStreamRequest) error {
	ref := callerGroup(ctx, deref(in.LogGroupName))
	name := deref(in.LogStreamName)
	now := s.nowMs()
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO logs_streams (id, group_id, name, created_at, next_seq, stored_bytes)
			VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (group_id, name) DO NOTHING`, newID(), g.id, name, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errorf(errResourceAlreadyExists, "The specified log stream already exists")
		}
		return nil
	})
	return toAPI(err)
}

// DeleteLogStream deletes a stream at once; the sweeper deletes its
// events in the background.
func (s *Service) DeleteLogStream(ctx context.Context, in *logsapi.DeleteLogStreamRequest) error {
	ref := callerGroup(ctx, deref(in.LogGroupName))
	var id int64
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		st, err := loadStream(ctx, tx, g.id, deref(in.LogStreamName))
		if err != nil {
			return err
		}
		id = st.id
		if _, err := tx.Exec(ctx, "DELETE FROM logs_streams WHERE id = ?", st.id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO logs_deleted (kind, id, deleted_at) VALUES ('stream', ?, ?) ON CONFLICT (kind, id) DO NOTHING", st.id, s.nowMs())
		return err
	})
	if err != nil {
		return toAPI(err)
	}
	s.streams.dropStream(id)
	s.wake()
	return nil
}

// DescribeLogStreams lists the streams of a group by name or by last
// event time.
func (s *Service) DescribeLogStreams(ctx context.Context, in *logsapi.DescribeLogStreamsRequest) (*logsapi.DescribeLogStreamsResponse, error) {
	out, err := s.describeLogStreams(ctx, in)
	return out, toAPI(err)
}

func (s *Service) describeLogStreams(ctx context.Context, in *logsapi.DescribeLogStreamsRequest) (*logsapi.DescribeLogStreamsResponse, error) {
	ref, err := groupIdent(ctx, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := deref(in.OrderBy) == "LastEventTime"
	prefix := deref(in.LogStreamNamePrefix)
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	desc := deref(in.Descending)
	limit := int(deref(in.Limit))
	if limit == 0 {
		limit = 50
	}
	// The sort key: the name, or (last event time, name); 0 stands for a
	// stream without events.
	key := "name"
	if byTime {
		key = "COALESCE(last_event, 0), name"
	}
	cmp, order := ">", " ORDER BY "+key
	if desc {
		cmp = "<"
		order = " ORDER BY name DESC"
		if byTime {
			order = " ORDER BY COALESCE(last_event, 0) DESC, name DESC"
		}
	}
	var after []any
	if in.NextToken != nil {
		n := 1
		if byTime {
			n = 2
		}
		p, err := parsePageToken(*in.NextToken, n)
		if err != nil {
			return nil, err
		}
		if byTime {
			t, err := strconv.ParseInt(p[0], 10, 64)
			if err != nil {
				return nil, errInvalidToken()
			}
			after = []any{t, p[1]}
		} else {
			after = []any{p[0]}
		}
	}
	var page []*stream
	err = s.st.View(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(ctx, tx, ref, false)
		if err != nil {
			return err
		}
		q := "SELECT " + streamCols + " FROM logs_streams WHERE group_id = ?"
		args := []any{g.id}
		if after != nil {
			q += " AND (" + key + ") " + cmp + " (?" + strings.Repeat(", ?", len(after)-1) + ")"
			args = append(args, after...)
		}
		if prefix != "" {
			// substr counts characters in both dialects.
			q += " AND substr(name, 1, ?) = ?"
			args = append(args, int64(utf8.RuneCountInString(prefix)), prefix)
		}
		q += order + " LIMIT ?"
		args = append(args, int64(limit+1))
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			st, err := scanStream(rows)
			if err != nil {
				return err
			}
			page = append(page, st)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.DescribeLogStreamsResponse{LogStreams: []logsapi.LogStream{}}
	if len(page) > limit {
		page = page[:limit]
		last := page[len(page)-1]
		if byTime {
			out.NextToken = ptr(pageToken(strconv.FormatInt(last.lastEvent.Int64, 10), last.name))
		} else {
			out.NextToken = ptr(pageToken(last.name))
		}
	}
	for _, st := range page {
		ls := logsapi.LogStream{
			Arn:           ptr(streamARN(ref, st.name)),
			CreationTime:  ptr(st.createdAt),
			LogStreamName: ptr(st.name),
			StoredBytes:   ptr(int64(0)), // always 0 for streams since 2019
		}
		if st.firstEvent.Valid {
			ls.FirstEventTimestamp = ptr(st.firstEvent.Int64)
			ls.LastEventTimestamp = ptr(st.lastEvent.Int64)
		}
		if st.lastIngestion.Valid {
			ls.LastIngestionTime = ptr(st.lastIngestion.Int64)
		}
		if st.nextSeq > 0 {
			ls.UploadSequenceToken = ptr(sequenceToken(st.nextSeq))
		}
		out.LogStreams = append(out.LogStreams, ls)
	}
	return out, nil
}

// streamCacheMax bounds the cache of Append's streams.
const streamCacheMax = 10000

// streamKey names a stream for Append.
type streamKey struct{ account, region, group, stream string }

// streamIDs are the ids behind a streamKey.
type streamIDs struct{ group, stream int64 }

// streamCache remembers the streams Append wrote to. An entry can be
// stale (the stream was deleted on another node); Append then finds its
// UPDATE matched nothing and takes the slow path.
type streamCache struct {
	mu sync.Mutex
	m  map[streamKey]streamIDs
}

func (c *streamCache) init() { c.m = map[streamKey]streamIDs{} }

func (c *streamCache) get(k streamKey) (streamIDs, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids, ok := c.m[k]
	return ids, ok
}

func (c *streamCache) put(k streamKey, ids streamIDs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= streamCacheMax {
		clear(c.m)
	}
	c.m[k] = ids
}

func (c *streamCache) drop(k streamKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

func (c *streamCache) dropGroup(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if v.group == id {
			delete(c.m, k)
		}
	}
}

func (c *streamCache) dropStream(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if v.stream == id {
			delete(c.m, k)
		}
	}
}
