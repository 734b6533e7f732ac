package lambda

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/store"
)

// DynamoDB Streams event sources, as Lambda runs them: each shard is read
// in order from the mapping's position; records that match the filters are
// gathered into a batch (BatchSize, MaximumBatchingWindowInSeconds, 6 MB
// of event) and the function runs synchronously. The position advances
// only once the batch is done: the function succeeded, or the batch was
// discarded (to the OnFailure destination) after MaximumRetryAttempts or
// MaximumRecordAgeInSeconds. A failing batch blocks its shard, and is
// split in two before each retry with BisectBatchOnFunctionError (splitting
// costs no retry). With ReportBatchItemFailures the records before the
// first reported one are done and the rest is retried.
//
// ParallelizationFactor splits a shard into lanes by a hash of the
// partition key: each lane keeps its own position in lambda_esm_positions,
// so the records of one partition key stay in order. A restart resumes
// every lane from its stored position (at least once: the batch running
// at the stop is delivered again). A change of the factor restarts every
// lane from the least advanced one. A lane is served by one poller at a
// time among the nodes sharing the store: the poller holds a lease on the
// lane's row (renewed as it works, outlasting each call, given back when
// it stops), so two nodes never deliver the same lane.
//
// The poller sleeps until the feed says the stream grew, with a slow poll
// as a fallback. Waits that are part of the semantics (batching window,
// record age) follow the service clock; backoffs are real time.

const (
	ddbDefaultBatch  = 100
	ddbReadPage      = 1000
	ddbFallbackPoll  = time.Second
	ddbRetryMin      = 200 * time.Millisecond
	ddbRetryMax      = 5 * time.Second
	ddbUserReason    = "User action"
	ddbNoRecords     = "No records processed"
	ddbResultOK      = "OK"
	ddbResultProblem = "PROBLEM: Function call failed"
	ddbOrphanAge     = time.Hour // positions of mappings that were never created
)

// DynamoDBStreams reads the streams of DynamoDB tables (the server fills
// it with the DynamoDB service's StreamFeed).
type DynamoDBStreams interface {
	// StreamShards returns the shards of a stream; a stream that does not
	// exist is an *awserr.Error ResourceNotFoundException.
	StreamShards(ctx context.Context, streamARN string) ([]ddbShard, error)
	// ReadStream returns up to limit records of a shard after the sequence
	// number after ("" from the trim horizon), in order.
	ReadStream(ctx context.Context, streamARN, shardID, after string, limit int) ([]ddbRawRecord, error)
	// WatchStream wakes the caller soon after the stream grows.
	WatchStream(streamARN string) (wake <-chan struct{}, stop func())
}

// ddbShard and ddbRawRecord are the shapes of the DynamoDB service's feed
// (identical unnamed struct types: services import no other service).
type ddbShard = struct {
	ShardID                string
	StartingSequenceNumber string
	EndingSequenceNumber   string
	LatestSequenceNumber   string
}

type ddbRawRecord = struct {
	SequenceNumber string
	Arrival        time.Time
	PartitionHash  uint32
	Record         json.RawMessage
}

type ddbSource struct{}

// ddbStreamARN is the parsed ARN of a table's stream:
// arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL.
type ddbStreamARN struct {
	region, account, table, label string
}

func parseDDBStreamARN(arn string) (ddbStreamARN, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "dynamodb" || !strings.HasPrefix(parts[5], "table/") {
		return ddbStreamARN{}, false
	}
	table, label, ok := strings.Cut(strings.TrimPrefix(parts[5], "table/"), "/stream/")
	if !ok || table == "" || label == "" {
		return ddbStreamARN{}, false
	}
	return ddbStreamARN{region: parts[3], account: parts[4], table: table, label: label}, true
}

// ctx is the request context of hako's reads of the stream.
func (a ddbStreamARN) ctx(ctx context.Context) context.Context {
	return reqinfo.With(ctx, &reqinfo.Info{Account: a.account, Region: a.region, RequestID: newRequestID()})
}

func cannotAccessStream(arn string) error {
	return invalidParam("Cannot access stream " + arn + ". Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.")
}

func (ddbSource) userReason() string { return ddbUserReason }

func (ddbSource) params(p esmParams) error {
	for _, x := range []struct {
		name string
		set  bool
	}{
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

func (ddbSource) check(ctx context.Context, s *Service, cfg *lambdaapi.EventSourceMappingConfiguration, fn *resolved) error {
	arn := deref(cfg.EventSourceArn)
	switch deref(cfg.StartingPosition) {
	case "":
		return invalidParam("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.")
	case "TRIM_HORIZON", "LATEST":
	case "AT_TIMESTAMP":
		return invalidParam("Unsupported starting position for arn type: " + arn)
	default:
		return apiErr("ValidationException", "1 validation error detected: Value '"+deref(cfg.StartingPosition)+
			"' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]")
	}
	cfg.StartingPositionTimestamp = nil // only AT_TIMESTAMP takes one
	a, ok := parseDDBStreamARN(arn)
	ri := reqinfo.From(ctx)
	if !ok || a.region != ri.Region || a.account != ri.Account {
		return cannotAccessStream(arn)
	}
	if s.cfg.Streams == nil {
		return errors.New("DynamoDB Streams is not available")
	}
	shards, err := s.cfg.Streams.StreamShards(a.ctx(ctx), arn)
	if err != nil {
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Code == "ResourceNotFoundException" {
			return cannotAccessStream(arn)
		}
		return err
	}
	def := func(p **int32, v int32) {
		if *p == nil {
			*p = ptr(v)
		}
	}
	def(&cfg.BatchSize, ddbDefaultBatch)
	def(&cfg.MaximumBatchingWindowInSeconds, 0)
	def(&cfg.ParallelizationFactor, 1)
	def(&cfg.MaximumRetryAttempts, -1)
	def(&cfg.MaximumRecordAgeInSeconds, -1)
	def(&cfg.TumblingWindowInSeconds, 0)
	if cfg.BisectBatchOnFunctionError == nil {
		cfg.BisectBatchOnFunctionError = ptr(false)
	}
	if age := *cfg.MaximumRecordAgeInSeconds; age != -1 && age < 60 {
		return invalidParam(fmt.Sprintf("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800, not %d.", age))
	}
	if err := checkStreamDestination(cfg); err != nil {
		return err
	}
	if cfg.LastProcessingResult == nil {
		cfg.LastProcessingResult = ptr(ddbNoRecords)
	}
	// The starting position is fixed now, not when the poller first runs:
	// LATEST means the records written after the mapping was created. An
	// update finds the row there and leaves it.
	now := s.now().UnixMilli()
	return s.st.Update(ctx, func(tx *store.Tx) error {
		for _, sh := range shards {
			pos := ""
			if deref(cfg.StartingPosition) == "LATEST" {
				pos = sh.LatestSequenceNumber
			}
			if _, err := tx.Exec(ctx, `INSERT INTO lambda_esm_positions (uuid, shard, lane, lanes, seq, owner, lease_at, updated_at) VALUES (?, ?, 0, 0, ?, '', 0, ?)
				ON CONFLICT (uuid, shard, lane) DO NOTHING`, deref(cfg.UUID), sh.ShardID, pos, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkStreamDestination validates and normalizes the DestinationConfig of
// a stream mapping: Lambda reports {"OnFailure":{}} when there is none.
func checkStreamDestination(cfg *lambdaapi.EventSourceMappingConfiguration) error {
	if cfg.DestinationConfig == nil {
		cfg.DestinationConfig = &lambdaapi.DestinationConfig{}
	}
	d := cfg.DestinationConfig
	if d.OnSuccess != nil && deref(d.OnSuccess.Destination) != "" {
		return invalidParam("Unsupported DestinationConfig parameter for given event source mapping type.")
	}
	d.OnSuccess = nil
	if d.OnFailure == nil {
		d.OnFailure = &lambdaapi.OnFailure{}
	}
	dest := deref(d.OnFailure.Destination)
	if dest == "" {
		d.OnFailure.Destination = nil
		return nil
	}
	parts := strings.SplitN(dest, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return invalidParam("The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=" + dest + ")) is invalid.")
	}
	switch parts[2] {
	case "sqs":
		return nil
	case "sns", "s3", "kafka":
		return invalidParam("hako does not support " + parts[2] + " destinations for event source mappings yet; OnFailure can name an SQS queue.")
	}
	return invalidParam("The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=" + dest + ")) is invalid.")
}

// --- the poller ---

// Leases on the lanes: the wall clock, as nodes compare them.
const (
	ddbLease      = 30 * time.Second
	ddbLeaseRenew = 10 * time.Second
	ddbClaimMax   = 5 * time.Second // the longest wait between claims
)

// ddbPoller runs the lanes of one mapping on this node.
type ddbPoller struct {
	s      *Service
	m      *esmMapping
	arn    string
	stream ddbStreamARN
	feed   DynamoDBStreams
	proc   string // this process (ddbProcess)
	owner  string // this poller, as lambda_esm_positions.owner

	mu     sync.Mutex
	result string // the LastProcessingResult stored
}

// ddbItem is one record of a batch: its event record and position.
type ddbItem struct {
	seq     string
	arrival time.Time
	record  []byte // the event record (JSON)
}

func (ddbSource) poll(ctx context.Context, r *esmRunner, m *esmMapping) {
	a, ok := parseDDBStreamARN(deref(m.cfg.EventSourceArn))
	if !ok || r.s.cfg.Streams == nil {
		return
	}
	proc := ddbProcess()
	p := &ddbPoller{s: r.s, m: m, arn: deref(m.cfg.EventSourceArn), stream: a, feed: r.s.cfg.Streams,
		proc: proc, owner: proc + newRequestID(), result: deref(m.cfg.LastProcessingResult)}
	p.run(ctx)
}

// ddbProcess names this process in lease owners: on SQLite, which one
// process opens at a time, leases of other processes are void.
func ddbProcess() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/", host, os.Getpid())
}

func (p *ddbPoller) run(ctx context.Context) {
	var shards []ddbShard
	for {
		var err error
		if shards, err = p.feed.StreamShards(p.stream.ctx(ctx), p.arn); err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		p.s.log.Debug("event source mapping: stream unavailable", "uuid", p.m.uuid, "stream", p.arn, "err", err)
		if !sleepCtx(ctx, ddbRetryMax) {
			return
		}
	}
	n := max(1, int(deref(p.m.cfg.ParallelizationFactor)))
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, sh := range shards {
		for {
			err := p.layout(ctx, sh, n)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			p.s.log.Warn("event source mapping: reading the positions failed", "uuid", p.m.uuid, "err", err)
			if !sleepCtx(ctx, ddbRetryMax) {
				return
			}
		}
		for i := range n {
			l := &ddbLane{p: p, shard: sh.ShardID, lane: i, lanes: n}
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.run(ctx)
			}()
		}
	}
}

// seqLess orders sequence numbers (decimal strings); "" comes first.
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// layout makes the stored lanes of a shard the mapping's n lanes. Stored
// positions of another lane count (the row of a new mapping, or a changed
// ParallelizationFactor) give way to n lanes at the least advanced of
// them: nothing is skipped, some records may come again.
func (p *ddbPoller) layout(ctx context.Context, sh ddbShard, n int) error {
	now := p.s.now()
	return p.s.st.Update(ctx, func(tx *store.Tx) error {
		// Rows of mappings that were never created (a create that failed
		// after its source was checked) or were deleted since.
		if _, err := tx.Exec(ctx, "DELETE FROM lambda_esm_positions WHERE updated_at < ? AND uuid NOT IN (SELECT uuid FROM lambda_esm)",
			now.Add(-ddbOrphanAge).UnixMilli()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT lane, lanes, seq FROM lambda_esm_positions WHERE uuid = ? AND shard = ?", p.m.uuid, sh.ShardID)
		if err != nil {
			return err
		}
		lanes := map[int]bool{}
		same, found, base := true, false, ""
		for rows.Next() {
			var lane, ln int
			var seq string
			if err := rows.Scan(&lane, &ln, &seq); err != nil {
				rows.Close()
				return err
			}
			same = same && ln == n && lane < n
			lanes[lane] = true
			if !found || seqLess(seq, base) {
				base = seq
			}
			found = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if same && len(lanes) == n {
			return nil
		}
		if !found && deref(p.m.cfg.StartingPosition) == "LATEST" {
			base = sh.LatestSequenceNumber
		}
		if _, err := tx.Exec(ctx, "DELETE FROM lambda_esm_positions WHERE uuid = ? AND shard = ?", p.m.uuid, sh.ShardID); err != nil {
			return err
		}
		for i := range n {
			if _, err := tx.Exec(ctx, "INSERT INTO lambda_esm_positions (uuid, shard, lane, lanes, seq, owner, lease_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 0, ?)",
				p.m.uuid, sh.ShardID, i, n, base, now.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ddbLane delivers the records of one lane of a shard, in order, while it
// holds the lane's lease.
type ddbLane struct {
	p           *ddbPoller
	shard       string
	lane, lanes int
	pos         string    // every record of the lane up to pos is done
	leaseEnd    time.Time // when the lease ends unless renewed

	wake     <-chan struct{}
	fallback *time.Ticker
}

// errLeaseLost stops a lane whose lease another poller took.
var errLeaseLost = errors.New("the lane's lease was taken over")

func (l *ddbLane) run(ctx context.Context) {
	wake, stop := l.p.feed.WatchStream(l.p.arn)
	defer stop()
	l.wake = wake
	l.fallback = time.NewTicker(ddbFallbackPoll)
	defer l.fallback.Stop()
	defer l.release()
	wait := ddbRetryMin
	for ctx.Err() == nil {
		owned, err := l.claim(ctx)
		if err != nil && ctx.Err() == nil {
			l.p.s.log.Warn("event source mapping: claiming a lane failed", "uuid", l.p.m.uuid, "err", err)
		}
		if !owned {
			// Another poller has it (another node, or this mapping's
			// previous poller finishing its batch).
			if !sleepCtx(ctx, wait) {
				return
			}
			wait = min(2*wait, ddbClaimMax)
			continue
		}
		wait = ddbRetryMin
		if err := l.serve(ctx); errors.Is(err, errLeaseLost) {
			l.p.s.log.Info("event source mapping: lane taken over", "uuid", l.p.m.uuid, "lane", l.lane)
		}
	}
}

// claim takes the lane's lease if it is free (or void) and loads the
// lane's position.
func (l *ddbLane) claim(ctx context.Context) (bool, error) {
	p := l.p
	now := time.Now()
	owned := false
	err := p.s.st.Update(ctx, func(tx *store.Tx) error {
		var lanes, leaseAt int64
		var seq, owner string
		err := tx.QueryRow(ctx, "SELECT lanes, seq, owner, lease_at FROM lambda_esm_positions WHERE uuid = ? AND shard = ? AND lane = ?",
			p.m.uuid, l.shard, l.lane).Scan(&lanes, &seq, &owner, &leaseAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // laid out anew by a newer poller
		}
		if err != nil {
			return err
		}
		free := owner == "" || owner == p.owner || leaseAt < now.UnixMilli() ||
			(tx.Dialect() == store.SQLite && !strings.HasPrefix(owner, p.proc))
		if int(lanes) != l.lanes || !free {
			return nil
		}
		res, err := tx.Exec(ctx, "UPDATE lambda_esm_positions SET owner = ?, lease_at = ? WHERE uuid = ? AND shard = ? AND lane = ? AND owner = ? AND lease_at = ?",
			p.owner, now.Add(ddbLease).UnixMilli(), p.m.uuid, l.shard, l.lane, owner, leaseAt)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			owned, l.pos, l.leaseEnd = true, seq, now.Add(ddbLease)
		}
		return nil
	})
	return owned, err
}

// extend keeps the lease for d from now (at least ddbLease).
func (l *ddbLane) extend(ctx context.Context, d time.Duration) error {
	now := time.Now()
	d = max(d, ddbLease)
	var lost bool
	err := l.p.s.st.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE lambda_esm_positions SET lease_at = ? WHERE uuid = ? AND shard = ? AND lane = ? AND owner = ?",
			now.Add(d).UnixMilli(), l.p.m.uuid, l.shard, l.lane, l.p.owner)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		lost = n == 0
		return nil
	})
	if err != nil {
		return err
	}
	if lost {
		return errLeaseLost
	}
	l.leaseEnd = now.Add(d)
	return nil
}

// release gives the lane up, so that the next poller need not wait for
// the lease to expire.
func (l *ddbLane) release() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.p.s.ctx), 10*time.Second)
	defer cancel()
	err := l.p.s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE lambda_esm_positions SET owner = '', lease_at = 0 WHERE uuid = ? AND shard = ? AND lane = ? AND owner = ?",
			l.p.m.uuid, l.shard, l.lane, l.p.owner)
		return err
	})
	if err != nil {
		l.p.s.log.Debug("event source mapping: releasing a lane failed", "uuid", l.p.m.uuid, "err", err)
	}
}

// serve delivers the lane's batches until ctx ends or the lease is lost.
func (l *ddbLane) serve(ctx context.Context) error {
	for ctx.Err() == nil {
		if time.Until(l.leaseEnd) < ddbLease-ddbLeaseRenew {
			if err := l.extend(ctx, ddbLease); err != nil {
				return err
			}
		}
		batch, scanned, err := l.gather(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			l.p.s.log.Debug("event source mapping: reading the stream failed", "uuid", l.p.m.uuid, "stream", l.p.arn, "err", err)
			if !sleepCtx(ctx, ddbRetryMax) {
				return ctx.Err()
			}
			continue
		}
		if len(batch) > 0 {
			if err := l.process(ctx, batch); err != nil {
				return err // stopped: the batch comes again from the stored position
			}
		}
		if scanned != l.pos {
			// Records of other lanes or that no filter matched, after the
			// last one delivered.
			if err := l.advance(ctx, scanned, ""); err != nil {
				return err
			}
		}
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
			case <-l.wake:
			case <-l.fallback.C:
			}
		}
	}
	return ctx.Err()
}

// gather reads the next batch of the lane after its position: up to
// BatchSize records that match the filters, within the batching window
// (on the service clock), at most 6 MB of event. scanned is the position
// of the last record looked at: records of other lanes and those no filter
// matches are passed over (Lambda drops what the filters do not match).
func (l *ddbLane) gather(ctx context.Context) (batch []ddbItem, scanned string, err error) {
	m := l.p.m
	size := int(deref(m.cfg.BatchSize))
	if size <= 0 {
		size = ddbDefaultBatch
	}
	window := time.Duration(deref(m.cfg.MaximumBatchingWindowInSeconds)) * time.Second
	scanned = l.pos
	total := len(`{"Records":[]}`)
	var deadline clock.Timer
	defer func() {
		if deadline != nil {
			deadline.Stop()
		}
	}()
	last := false
	for {
		recs, err := l.p.feed.ReadStream(l.p.stream.ctx(ctx), l.p.arn, l.shard, scanned, ddbReadPage)
		if err != nil {
			if len(batch) > 0 {
				return batch, scanned, nil
			}
			return nil, scanned, err
		}
		for _, r := range recs {
			if l.lanes > 1 && int(r.PartitionHash%uint32(l.lanes)) != l.lane {
				scanned = r.SequenceNumber
				continue
			}
			rec, err := ddbEventRecord(r.Record, l.p.arn)
			if err != nil {
				l.p.s.log.Warn("event source mapping: unreadable stream record", "uuid", m.uuid, "sequence", r.SequenceNumber, "err", err)
				scanned = r.SequenceNumber
				continue
			}
			if len(m.filters) > 0 && !esmMatch(m.filters, rec) {
				scanned = r.SequenceNumber
				continue
			}
			if len(batch) > 0 && total+len(rec)+1 > maxSync {
				return batch, scanned, nil
			}
			batch = append(batch, ddbItem{seq: r.SequenceNumber, arrival: r.Arrival, record: rec})
			total += len(rec) + 1
			scanned = r.SequenceNumber
			if len(batch) >= size {
				return batch, scanned, nil
			}
		}
		if len(recs) == ddbReadPage {
			continue // more to read now
		}
		if len(batch) == 0 || window <= 0 || last {
			return batch, scanned, nil
		}
		if deadline == nil {
			deadline = l.p.s.clk.NewTimer(window)
		}
		select {
		case <-ctx.Done():
			return nil, scanned, ctx.Err()
		case <-deadline.C():
			last = true // one more read, then deliver
		case <-l.wake:
		case <-l.fallback.C:
		}
	}
}

// ddbBatch is a batch being delivered: the whole batch, or a part left by
// a bisection or a partial failure.
type ddbBatch struct {
	items    []ddbItem
	attempts int // failed invocations that count against MaximumRetryAttempts
	invokes  int // invocations that included these records
}

// process delivers a batch until it is done: delivered, or discarded to
// the OnFailure destination. It fails when ctx ends or the lease is lost
// first.
func (l *ddbLane) process(ctx context.Context, items []ddbItem) error {
	p, m := l.p, l.p.m
	maxRetry := int(deref(m.cfg.MaximumRetryAttempts))
	maxAge := time.Duration(deref(m.cfg.MaximumRecordAgeInSeconds)) * time.Second
	if m.cfg.MaximumRecordAgeInSeconds == nil {
		maxAge = -1
	}
	bisect := deref(m.cfg.BisectBatchOnFunctionError)
	pending := []*ddbBatch{{items: items}}
	var delay, throttle time.Duration
	for len(pending) > 0 {
		if delay > 0 && !sleepCtx(ctx, delay) {
			return ctx.Err()
		}
		delay = 0
		b := pending[0]
		if maxAge >= 0 {
			// Records too old to deliver are discarded before the call.
			cut := p.s.now().Add(-maxAge)
			n := 0
			for n < len(b.items) && b.items[n].arrival.Before(cut) {
				n++
			}
			if n > 0 {
				l.discard(ctx, b.items[:n], b.invokes, "RecordAgeExceeded", "", nil, "")
				if err := l.advance(ctx, b.items[n-1].seq, ""); err != nil {
					return err
				}
				b.items = b.items[n:]
				if len(b.items) == 0 {
					pending = pending[1:]
					continue
				}
			}
		}
		id := newRequestID()
		ictx := m.ictx(ctx, id)
		fn, err := p.s.resolve(ictx, m.target)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The function (or its qualifier) is gone: the shard waits.
			p.s.log.Debug("event source mapping: function unavailable", "uuid", m.uuid, "err", err)
			delay = ddbRetryMax
			if err := l.extend(ctx, ddbLease); err != nil {
				return err
			}
			continue
		}
		// The lease outlasts the call.
		if timeout := time.Duration(deref(fn.cfg.Timeout)) * time.Second; time.Until(l.leaseEnd) < timeout+ddbLeaseRenew {
			if err := l.extend(ctx, timeout+ddbLease); err != nil {
				return err
			}
		}
		out, err := p.s.rt.Invoke(ictx, fn.spec, &runtime.Invocation{RequestID: id, Payload: ddbPayload(b.items), InvokedARN: m.target.qualifiedARN()})
		var te *runtime.ThrottleError
		switch {
		case errors.As(err, &te):
			// Not an attempt: Lambda retries throttles until the records expire.
			throttle = min(max(2*throttle, 500*time.Millisecond), 10*time.Second)
			delay = throttle
			continue
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.s.log.Warn("event source mapping: invocation failed to run", "uuid", m.uuid, "function", m.target.qualifiedARN(), "err", err)
			delay = ddbRetryMax
			continue
		}
		throttle = 0
		b.invokes++
		failedAt, whole := len(b.items), out.ErrorType != ""
		if whole {
			failedAt = 0
		} else if m.reportFailures {
			ids := make(map[string]bool, len(b.items))
			for _, it := range b.items {
				ids[it.seq] = true
			}
			failed, all := batchFailures(out.Payload, ids)
			if all {
				whole, failedAt = true, 0
			}
			for i, it := range b.items {
				if failed[it.seq] {
					failedAt = i // retry from the first failed record
					break
				}
			}
		}
		if failedAt == len(b.items) {
			if err := l.advance(ctx, b.items[len(b.items)-1].seq, ddbResultOK); err != nil {
				return err
			}
			pending = pending[1:]
			continue
		}
		if failedAt > 0 {
			if err := l.advance(ctx, b.items[failedAt-1].seq, ""); err != nil {
				return err
			}
			b.items = b.items[failedAt:]
		}
		p.save(ctx, l, "", ddbResultProblem)
		if whole && bisect && len(b.items) > 1 {
			half := len(b.items) / 2
			pending = append([]*ddbBatch{
				{items: b.items[:half], attempts: b.attempts, invokes: b.invokes},
				{items: b.items[half:], attempts: b.attempts, invokes: b.invokes},
			}, pending[1:]...)
			continue
		}
		b.attempts++
		if maxRetry >= 0 && b.attempts > maxRetry {
			fnErr := ""
			if out.ErrorType != "" {
				fnErr = "Unhandled"
			}
			l.discard(ctx, b.items, b.invokes, "RetryAttemptsExhausted", id, fn, fnErr)
			if err := l.advance(ctx, b.items[len(b.items)-1].seq, ""); err != nil {
				return err
			}
			pending = pending[1:]
			continue
		}
		delay = min(ddbRetryMin<<min(b.attempts-1, 10), ddbRetryMax)
	}
	return nil
}

// advance moves the lane's position past seq (and stores the mapping's
// LastProcessingResult when result is not "").
func (l *ddbLane) advance(ctx context.Context, seq, result string) error {
	if err := l.p.save(ctx, l, seq, result); err != nil {
		return err
	}
	l.pos = seq
	return nil
}

// save stores a lane's position (and renews its lease) and, when it
// changes, the mapping's LastProcessingResult, in one transaction. seq ""
// leaves the position. It runs even when the mapping is stopping: the work
// it records was done. It fails with errLeaseLost if another poller took
// the lane.
func (p *ddbPoller) save(ctx context.Context, l *ddbLane, seq, result string) error {
	p.mu.Lock()
	setResult := result != "" && result != p.result
	p.mu.Unlock()
	if seq == "" && !setResult {
		return nil
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := time.Now()
	lost := false
	err := p.s.st.Update(dctx, func(tx *store.Tx) error {
		if seq != "" {
			res, err := tx.Exec(dctx, "UPDATE lambda_esm_positions SET seq = ?, lease_at = ?, updated_at = ? WHERE uuid = ? AND shard = ? AND lane = ? AND owner = ?",
				seq, now.Add(ddbLease).UnixMilli(), p.s.now().UnixMilli(), p.m.uuid, l.shard, l.lane, p.owner)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				lost = true
				return nil
			}
		}
		if !setResult {
			return nil
		}
		var js string
		if err := tx.QueryRow(dctx, "SELECT config FROM lambda_esm WHERE uuid = ?", p.m.uuid).Scan(&js); err != nil {
			return nil // deleted meanwhile
		}
		var rec esmRecord
		if err := json.Unmarshal([]byte(js), &rec); err != nil {
			return err
		}
		rec.Config.LastProcessingResult = ptr(result)
		// No notification: pollers ignore LastProcessingResult.
		_, err := tx.Exec(dctx, "UPDATE lambda_esm SET config = ? WHERE uuid = ?", mustJSON(&rec), p.m.uuid)
		return err
	})
	switch {
	case err != nil:
		p.s.log.Warn("event source mapping: saving the position failed", "uuid", p.m.uuid, "err", err)
		return err
	case lost:
		return errLeaseLost
	}
	if seq != "" {
		l.leaseEnd = now.Add(ddbLease)
	}
	if setResult {
		p.mu.Lock()
		p.result = result
		p.mu.Unlock()
	}
	return nil
}

// discard sends the invocation record of dropped records to the
// mapping's OnFailure destination, if it has one.
func (l *ddbLane) discard(ctx context.Context, items []ddbItem, invokes int, condition, requestID string, fn *resolved, fnErr string) {
	p, m := l.p, l.p.m
	p.s.log.Debug("event source mapping: records discarded", "uuid", m.uuid, "condition", condition,
		"first", items[0].seq, "last", items[len(items)-1].seq)
	dc := m.cfg.DestinationConfig
	if dc == nil || dc.OnFailure == nil || deref(dc.OnFailure.Destination) == "" {
		return
	}
	if requestID == "" {
		requestID = newRequestID()
	}
	rec := ddbFailureRecord{
		RequestContext: ddbRequestContext{RequestID: requestID, FunctionArn: m.target.qualifiedARN(), Condition: condition, ApproximateInvokeCount: invokes},
		Version:        "1.0",
		Timestamp:      p.s.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		DDBStreamBatchInfo: ddbBatchInfo{
			ShardID: l.shard, StartSequenceNumber: items[0].seq, EndSequenceNumber: items[len(items)-1].seq,
			ApproximateArrivalOfFirstRecord: items[0].arrival.UTC().Format(time.RFC3339),
			ApproximateArrivalOfLastRecord:  items[len(items)-1].arrival.UTC().Format(time.RFC3339),
			BatchSize:                       len(items), StreamArn: p.arn,
		},
	}
	if fn != nil {
		rec.ResponseContext = &ddbResponseContext{StatusCode: 200, ExecutedVersion: fn.version, FunctionError: fnErr}
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := p.s.sendRecord(m.ictx(dctx, newRequestID()), *dc.OnFailure.Destination, marshalNoEscape(rec)); err != nil {
		p.s.log.Warn("event source mapping: on-failure delivery failed", "uuid", m.uuid, "destination", *dc.OnFailure.Destination, "err", err)
	}
}

// ddbFailureRecord is the invocation record Lambda sends to a stream
// mapping's OnFailure destination, its fields in Lambda's order.
type ddbFailureRecord struct {
	RequestContext     ddbRequestContext   `json:"requestContext"`
	ResponseContext    *ddbResponseContext `json:"responseContext,omitempty"`
	Version            string              `json:"version"`
	Timestamp          string              `json:"timestamp"`
	DDBStreamBatchInfo ddbBatchInfo        `json:"DDBStreamBatchInfo"`
}

type ddbRequestContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type ddbResponseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

type ddbBatchInfo struct {
	ShardID                         string `json:"shardId"`
	StartSequenceNumber             string `json:"startSequenceNumber"`
	EndSequenceNumber               string `json:"endSequenceNumber"`
	ApproximateArrivalOfFirstRecord string `json:"approximateArrivalOfFirstRecord"`
	ApproximateArrivalOfLastRecord  string `json:"approximateArrivalOfLastRecord"`
	BatchSize                       int    `json:"batchSize"`
	StreamArn                       string `json:"streamArn"`
}

// ddbEventRecord turns a stream record (as GetRecords returns it) into
// the record of Lambda's event: Lambda's field order, the stream's ARN,
// and userIdentity (TTL deletions) in the event's lower-case spelling.
func ddbEventRecord(raw []byte, streamARN string) ([]byte, error) {
	var r struct {
		AwsRegion    string          `json:"awsRegion"`
		Dynamodb     json.RawMessage `json:"dynamodb"`
		EventID      string          `json:"eventID"`
		EventName    string          `json:"eventName"`
		EventSource  string          `json:"eventSource"`
		EventVersion string          `json:"eventVersion"`
		UserIdentity *struct {
			PrincipalID string `json:"PrincipalId"`
			Type        string `json:"Type"`
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	type identity struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
	}
	out := struct {
		EventID        string          `json:"eventID"`
		EventName      string          `json:"eventName"`
		EventVersion   string          `json:"eventVersion"`
		EventSource    string          `json:"eventSource"`
		AwsRegion      string          `json:"awsRegion"`
		Dynamodb       json.RawMessage `json:"dynamodb"`
		UserIdentity   *identity       `json:"userIdentity,omitempty"`
		EventSourceARN string          `json:"eventSourceARN"`
	}{
		EventID: r.EventID, EventName: r.EventName, EventVersion: r.EventVersion, EventSource: r.EventSource,
		AwsRegion: r.AwsRegion, Dynamodb: r.Dynamodb, EventSourceARN: streamARN,
	}
	if u := r.UserIdentity; u != nil {
		out.UserIdentity = &identity{Type: u.Type, PrincipalID: u.PrincipalID}
	}
	return marshalNoEscape(out), nil
}

// ddbPayload is the event of a batch.
func ddbPayload(items []ddbItem) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it.record)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
