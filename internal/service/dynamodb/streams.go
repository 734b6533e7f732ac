package dynamodb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/dynamodbstreamsapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Each stream (a table's stream between enabling and disabling it) has
// one shard; records carry the table's stream counter as their sequence
// number. Records are kept 24 hours, as on AWS, and iterators expire after
// 15 minutes.
//
// The counter gives every record of a stream the next number, and records
// leave only by trimming, oldest first, so a shard's retained records are
// always the numbers from its trim horizon (the oldest kept) to its
// latest: a position before the horizon is one whose records were trimmed.
//
// A deleted table's streams stay readable for the retention too: DeleteTable
// keeps its definition, streams disabled, in ddb_deleted_tables
// (keepDeletedStreams), where findStream and ListStreams look after the
// live tables, and the trimmer purges it.
const (
	streamRetention  = 24 * time.Hour
	iteratorLifetime = 15 * time.Minute
	maxGetRecords    = 1000
	recordsPageBytes = 1 << 20
)

// Streams implements the DynamoDB Streams API over the service's tables.
type Streams struct{ s *Service }

var _ dynamodbstreamsapi.API = (*Streams)(nil)

// Streams returns the DynamoDB Streams API of the service.
func (s *Service) Streams() *Streams { return &Streams{s: s} }

func shardID(t *tableMeta, st *streamMeta) string {
	h := fnv.New32a()
	h.Write([]byte(t.TableID + "/" + st.Label))
	return fmt.Sprintf("shardId-%020d-%08x", st.Created, h.Sum32())
}

// streamByARN finds a stream from its ARN: one of a table's, or of a
// table deleted less than streamRetention ago (see keepDeletedStreams).
func (x *Streams) streamByARN(ctx context.Context, arn string) (*tableMeta, *streamMeta, error) {
	// arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL
	parts := strings.SplitN(arn, ":", 6)
	invalid := validation("Invalid StreamArn")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "dynamodb" || !strings.HasPrefix(parts[5], "table/") {
		return nil, nil, invalid
	}
	name, label, ok := strings.Cut(strings.TrimPrefix(parts[5], "table/"), "/stream/")
	if !ok {
		return nil, nil, invalid
	}
	t, st, err := x.s.findStream(ctx, parts[4], parts[3], name, label)
	if err != nil {
		return nil, nil, err
	}
	if st == nil {
		return nil, nil, apiErr("ResourceNotFoundException", "Requested resource not found: Stream: "+arn+" not found")
	}
	return t, st, nil
}

// findStream finds the stream labelled label of the table called name:
// the live table's or, failing that, a deleted one's (nil when there is
// none). A deleted table's streams are all disabled.
func (s *Service) findStream(ctx context.Context, account, region, name, label string) (*tableMeta, *streamMeta, error) {
	if t := s.tables.get(account, region, name); t != nil {
		for i := range t.Streams {
			if t.Streams[i].Label == label {
				return t, &t.Streams[i], nil
			}
		}
	}
	deleted, err := s.deletedTables(ctx, account, region, name)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range deleted {
		for i := range t.Streams {
			if t.Streams[i].Label == label {
				return t, &t.Streams[i], nil
			}
		}
	}
	return nil, nil, nil
}

// keepDeletedStreams keeps, in DeleteTable's transaction and before the
// table's row goes, the definition of t when it has a stream still
// readable (enabled, or disabled less than streamRetention ago): its
// enabled stream is disabled then, its shard ending at the table's last
// record. The stream records are not touched: they are trimmed with the
// others. Nothing is kept if the table is already gone (DeleteTable then
// reports it).
func (s *Service) keepDeletedStreams(ctx context.Context, tx *store.Tx, t *tableMeta) error {
	// The definition and counter as committed: DeleteTable holds the row
	// (PostgreSQL; SQLite serializes writers), so no write follows.
	var meta string
	var seq int64
	err := tx.QueryRow(ctx, "SELECT meta, stream_seq FROM ddb_tables WHERE id = ?", t.ID).Scan(&meta, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var d tableMeta
	if err := json.Unmarshal([]byte(meta), &d); err != nil {
		return fmt.Errorf("table definition: %w", err)
	}
	now := s.now().UnixMilli()
	cut := now - streamRetention.Milliseconds()
	keep := false
	for i := range d.Streams {
		st := &d.Streams[i]
		if st.Enabled {
			st.Enabled, st.Disabled, st.EndSeq = false, now, seq
		}
		if st.Disabled >= cut {
			keep = true
		}
	}
	if !keep {
		return nil
	}
	b, err := json.Marshal(&d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO ddb_deleted_tables (id, account, region, name, meta, stream_seq, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		d.ID, d.Account, d.Region, d.Name, string(b), seq, now)
	return err
}

// deletedTables returns the kept definitions of the tables of account and
// region (called name, unless name is "") deleted less than
// streamRetention ago, oldest deletion first.
func (s *Service) deletedTables(ctx context.Context, account, region, name string) ([]*tableMeta, error) {
	q := "SELECT meta FROM ddb_deleted_tables WHERE account = ? AND region = ? AND deleted_at >= ?"
	args := []any{account, region, s.now().Add(-streamRetention).UnixMilli()}
	if name != "" {
		q += " AND name = ?"
		args = append(args, name)
	}
	var out []*tableMeta
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q+" ORDER BY deleted_at, id", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var meta string
			if err := rows.Scan(&meta); err != nil {
				return err
			}
			t := &tableMeta{}
			if err := json.Unmarshal([]byte(meta), t); err != nil {
				return fmt.Errorf("table definition: %w", err)
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// ListStreams lists the streams of the account's tables, newest last.
func (x *Streams) ListStreams(ctx context.Context, in *dynamodbstreamsapi.ListStreamsInput) (*dynamodbstreamsapi.ListStreamsOutput, error) {
	ri := reqinfo.From(ctx)
	limit := 100
	if in.Limit != nil {
		if err := checkLimit(*in.Limit, 100); err != nil {
			return nil, err
		}
		limit = int(*in.Limit)
	}
	_, _, only := tableName(ctx, in.TableName)
	// The streams of deleted tables (kept 24 hours) come before those of
	// the live table of the same name, each table's oldest first.
	tables, err := x.s.deletedTables(ctx, ri.Account, ri.Region, only)
	if err != nil {
		return nil, err
	}
	tables = append(tables, x.s.tables.list(ri.Account, ri.Region)...)
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].Name < tables[j].Name })
	var all []dynamodbstreamsapi.Stream
	cut := x.s.now().Add(-streamRetention).UnixMilli()
	for _, t := range tables {
		if in.TableName != nil && t.Name != only {
			continue
		}
		for _, st := range t.Streams {
			if !st.Enabled && st.Disabled < cut {
				continue
			}
			all = append(all, dynamodbstreamsapi.Stream{StreamArn: ptr(t.streamARN(st.Label)), StreamLabel: ptr(st.Label), TableName: ptr(t.Name)})
		}
	}
	if in.ExclusiveStartStreamArn != nil {
		for i, st := range all {
			if *st.StreamArn == *in.ExclusiveStartStreamArn {
				all = all[i+1:]
				break
			}
		}
	}
	out := &dynamodbstreamsapi.ListStreamsOutput{}
	if len(all) > limit {
		all = all[:limit]
		out.LastEvaluatedStreamArn = all[limit-1].StreamArn
	}
	out.Streams = all
	return out, nil
}

// DescribeStream describes a stream and its shard.
func (x *Streams) DescribeStream(ctx context.Context, in *dynamodbstreamsapi.DescribeStreamInput) (*dynamodbstreamsapi.DescribeStreamOutput, error) {
	t, st, err := x.streamByARN(ctx, deref(in.StreamArn))
	if err == nil {
		err = crossAccount(ctx, t, t.Account, deref(in.StreamArn))
	}
	if err != nil {
		return nil, err
	}
	status := "ENABLED"
	if !st.Enabled {
		status = "DISABLED"
	}
	var ks []dynamodbstreamsapi.KeySchemaElement
	for _, k := range t.KeySchema {
		ks = append(ks, dynamodbstreamsapi.KeySchemaElement{AttributeName: k.AttributeName, KeyType: k.KeyType})
	}
	// The range is the shard's, not what is still retained: AWS keeps a
	// shard's StartingSequenceNumber when its oldest records are trimmed
	// (TRIM_HORIZON, not this number, finds the oldest record kept).
	shard := dynamodbstreamsapi.Shard{
		ShardId:             ptr(shardID(t, st)),
		SequenceNumberRange: &dynamodbstreamsapi.SequenceNumberRange{StartingSequenceNumber: ptr(sequenceNumber(st.StartSeq))},
	}
	if !st.Enabled {
		shard.SequenceNumberRange.EndingSequenceNumber = ptr(sequenceNumber(max(st.EndSeq, st.StartSeq)))
	}
	d := &dynamodbstreamsapi.StreamDescription{
		StreamArn: ptr(t.streamARN(st.Label)), StreamLabel: ptr(st.Label), StreamStatus: ptr(status),
		StreamViewType: ptr(st.ViewType), TableName: ptr(t.Name), KeySchema: ks,
		CreationRequestDateTime: &model.Timestamp{Time: time.UnixMilli(st.Created)},
		Shards:                  []dynamodbstreamsapi.Shard{},
	}
	if in.ExclusiveStartShardId == nil || *in.ExclusiveStartShardId < *shard.ShardId {
		d.Shards = append(d.Shards, shard)
	}
	return &dynamodbstreamsapi.DescribeStreamOutput{StreamDescription: d}, nil
}

// iterator is the content of a shard iterator token.
type iterator struct {
	Account string `json:"a"`
	Region  string `json:"r"`
	Table   string `json:"t"`
	Label   string `json:"l"`
	Next    int64  `json:"n"` // the first sequence number to return
	Expires int64  `json:"e"`
	Created int64  `json:"c"`
}

func (it iterator) token() string {
	b, _ := json.Marshal(it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// GetShardIterator returns an iterator at a position of a shard.
func (x *Streams) GetShardIterator(ctx context.Context, in *dynamodbstreamsapi.GetShardIteratorInput) (*dynamodbstreamsapi.GetShardIteratorOutput, error) {
	t, st, err := x.streamByARN(ctx, deref(in.StreamArn))
	if err == nil {
		err = crossAccount(ctx, t, t.Account, deref(in.StreamArn))
	}
	if err != nil {
		return nil, err
	}
	if deref(in.ShardId) != shardID(t, st) {
		return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
	}
	now := x.s.now()
	it := iterator{Account: t.Account, Region: t.Region, Table: t.Name, Label: st.Label, Created: now.UnixMilli(), Expires: now.Add(iteratorLifetime).UnixMilli()}
	typ := deref(in.ShardIteratorType)
	seqArg := func() (int64, error) {
		if in.SequenceNumber == nil {
			return 0, validation("Must specify a sequence number for iterator type " + typ)
		}
		var n int64
		sn := *in.SequenceNumber
		if len(sn) != 21 || sn[0] != '1' {
			return 0, validation("Invalid SequenceNumber: " + sn)
		}
		if _, err := fmt.Sscanf(sn[1:], "%d", &n); err != nil {
			return 0, validation("Invalid SequenceNumber: " + sn)
		}
		if n < st.StartSeq || (!st.Enabled && n > st.EndSeq) {
			return 0, validation("StartingSequenceNumber " + sn + " used in GetShardIterator is not in the shard's range")
		}
		return n, nil
	}
	switch typ {
	case "TRIM_HORIZON":
		if it.Next, err = x.s.trimHorizon(ctx, t, st); err != nil {
			return nil, err
		}
	case "LATEST":
		it.Next = st.EndSeq + 1
		if st.Enabled {
			var cur int64
			err := x.s.st.QueryRow(ctx, "SELECT stream_seq FROM ddb_tables WHERE id = ?", t.ID).Scan(&cur)
			if errors.Is(err, sql.ErrNoRows) { // the table was deleted meanwhile
				return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Stream: "+t.streamARN(st.Label)+" not found")
			}
			if err != nil {
				return nil, err
			}
			it.Next = cur + 1
		}
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		n, err := seqArg()
		if err != nil {
			return nil, err
		}
		// AWS documents the exception for "a shard iterator with a
		// sequence number older than the trim point". Read literally, that
		// holds for AFTER_SEQUENCE_NUMBER too (the number itself, not only
		// the records the iterator would return, must be retained); AWS's
		// behaviour at that edge is unverified.
		h, err := x.s.trimHorizon(ctx, t, st)
		if err != nil {
			return nil, err
		}
		if n < h {
			return nil, errTrimmed()
		}
		it.Next = n
		if typ == "AFTER_SEQUENCE_NUMBER" {
			it.Next = n + 1
		}
	default:
		return nil, validation("1 validation error detected: Value '" + typ + "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]")
	}
	if in.SequenceNumber != nil && (typ == "TRIM_HORIZON" || typ == "LATEST") {
		return nil, validation("Sequence number must not be specified for iterator type " + typ)
	}
	return &dynamodbstreamsapi.GetShardIteratorOutput{ShardIterator: ptr(it.token())}, nil
}

// GetRecords returns the records at an iterator and the next iterator
// (none once a disabled stream's shard is read to its end).
func (x *Streams) GetRecords(ctx context.Context, in *dynamodbstreamsapi.GetRecordsInput) (*dynamodbstreamsapi.GetRecordsOutput, error) {
	raw, err := base64.RawURLEncoding.DecodeString(deref(in.ShardIterator))
	var it iterator
	if err != nil || json.Unmarshal(raw, &it) != nil || it.Label == "" {
		return nil, validation("Invalid ShardIterator")
	}
	now := x.s.now()
	if now.UnixMilli() > it.Expires {
		return nil, apiErr("ExpiredIteratorException", fmt.Sprintf("Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of 900000 milliseconds.",
			time.UnixMilli(it.Created).UTC().Format("Mon Jan 02 15:04:05 UTC 2006"), now.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")))
	}
	t, st, err := x.s.findStream(ctx, it.Account, it.Region, it.Table, it.Label)
	if err == nil && t != nil {
		// An iterator is the caller's to read only if its stream is: it
		// is not signed, so one could be made for any account's stream.
		err = crossAccount(ctx, t, it.Account, t.streamARN(it.Label))
	}
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, apiErr("ResourceNotFoundException", "Requested resource not found: Stream: "+it.Label+" not found")
	}
	limit := maxGetRecords
	if in.Limit != nil {
		if err := checkLimit(*in.Limit, maxGetRecords); err != nil {
			return nil, err
		}
		limit = int(*in.Limit)
	}
	out := &dynamodbstreamsapi.GetRecordsOutput{}
	next := it.Next
	size := 0
	err = x.s.st.View(ctx, func(tx *store.Tx) error {
		// An iterator before the trim horizon would skip the records
		// trimmed since it was made: AWS fails it rather than skip them.
		h, err := trimHorizonTx(ctx, tx, t, st)
		if err != nil {
			return err
		}
		if it.Next < h {
			return errTrimmed()
		}
		rows, err := tx.Query(ctx, "SELECT seq, record FROM ddb_stream_records WHERE table_id = ? AND label = ? AND seq >= ? ORDER BY seq LIMIT ?", t.ID, st.Label, it.Next, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var b []byte
			if err := rows.Scan(&seq, &b); err != nil {
				return err
			}
			var r dynamodbstreamsapi.Record
			if err := json.Unmarshal(b, &r); err != nil {
				return err
			}
			out.Records = append(out.Records, r)
			next = seq + 1
			if size += len(b); size >= recordsPageBytes {
				break
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if st.Enabled || next <= st.EndSeq {
		it.Next, it.Created, it.Expires = next, now.UnixMilli(), now.Add(iteratorLifetime).UnixMilli()
		out.NextShardIterator = ptr(it.token())
	}
	return out, nil
}

// checkLimit applies the Limit constraint (1 to most) of ListStreams and
// GetRecords, with AWS's text for each bound.
func checkLimit(limit int32, most int) error {
	msg := "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value "
	switch {
	case limit < 1:
		return validation(fmt.Sprintf(msg+"greater than or equal to 1", limit))
	case int(limit) > most:
		return validation(fmt.Sprintf(msg+"less than or equal to %d", limit, most))
	}
	return nil
}

// errTrimmed is the TrimmedDataAccessException of reading trimmed records.
// The text is the one the API reference gives for the exception's message
// and that clients report from AWS; its exact punctuation is unverified.
func errTrimmed() error {
	return apiErr("TrimmedDataAccessException", "The data you are trying to access has been trimmed")
}

// trimHorizon is the sequence number of the oldest record a stream keeps
// or, when it keeps none, the number its next record will have (then every
// record it had was trimmed, or it never had one).
func (s *Service) trimHorizon(ctx context.Context, t *tableMeta, st *streamMeta) (h int64, err error) {
	err = s.st.View(ctx, func(tx *store.Tx) error {
		h, err = trimHorizonTx(ctx, tx, t, st)
		return err
	})
	return h, err
}

// trimHorizonTx is trimHorizon in tx. The stream's records are the
// table's from StartSeq (to EndSeq once disabled), so MIN(seq) over that
// range is a seek on the (table_id, seq) primary key.
func trimHorizonTx(ctx context.Context, tx *store.Tx, t *tableMeta, st *streamMeta) (int64, error) {
	last := st.EndSeq
	if st.Enabled {
		err := tx.QueryRow(ctx, "SELECT stream_seq FROM ddb_tables WHERE id = ?", t.ID).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) { // the table was deleted meanwhile
			return 0, apiErr("ResourceNotFoundException", "Requested resource not found: Stream: "+t.streamARN(st.Label)+" not found")
		}
		if err != nil {
			return 0, err
		}
	}
	var oldest sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT MIN(seq) FROM ddb_stream_records WHERE table_id = ? AND seq >= ? AND seq <= ?", t.ID, st.StartSeq, last).Scan(&oldest); err != nil {
		return 0, err
	}
	if oldest.Valid {
		return oldest.Int64, nil
	}
	return max(last+1, st.StartSeq), nil
}

// trimStreams deletes the stream records older than the retention and
// the definitions of tables deleted longer ago than that (their streams
// are gone; lookups ignore them already).
func (s *Service) trimStreams(ctx context.Context) {
	cut := s.now().Add(-streamRetention).UnixMilli()
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM ddb_stream_records WHERE created_at < ?", cut); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM ddb_deleted_tables WHERE deleted_at < ?", cut)
		return err
	})
	if err != nil && ctx.Err() == nil {
		s.log.Warn("stream trim failed", "err", err)
	}
}
