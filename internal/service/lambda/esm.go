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

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Event source mappings.
//
// A mapping is a row of lambda_esm whose config column holds an esmRecord
// (the API shape with State "Enabled" or "Disabled", and the tags). The
// transient states AWS reports (Creating, Enabling, Disabling, Updating,
// Deleting) only appear in the answers of the calls that cause them: hako
// applies a change at once.
//
// Every node runs an esmRunner that polls every enabled mapping of the
// store. Changes poke the runners of every node through a store
// notification; the runner also re-reads the table every esmResync. Nodes
// polling the same queue are kept correct by the source's own semantics
// (SQS visibility timeouts), as on AWS, where several pollers share a queue.
//
// The kinds of sources plug in through esmSource: SQS (esm_sqs.go) and
// DynamoDB Streams (esm_ddb.go); Kinesis would add its own validation and
// poller.

const (
	esmChannel   = "hako_lambda_esm"
	esmResync    = 30 * time.Second
	esmListLimit = 100 // ListEventSourceMappings page without MaxItems
	esmMaxFilter = 5   // filters per mapping (AWS's default quota)
	esmReason    = "USER_INITIATED"
)

// esmRecord is a mapping as stored in lambda_esm.config.
type esmRecord struct {
	Config lambdaapi.EventSourceMappingConfiguration `json:"config"`
	Tags   map[string]string                         `json:"tags,omitempty"`
}

// esmSource is one kind of event source.
type esmSource interface {
	// params rejects the settings the kind does not take.
	params(p esmParams) error
	// check validates a mapping being created or updated against its
	// source (which must exist) and fills in the source's defaults. fn is
	// the resolved target function, nil when it no longer exists.
	check(ctx context.Context, s *Service, cfg *lambdaapi.EventSourceMappingConfiguration, fn *resolved) error
	// poll delivers the events of an enabled mapping until ctx ends.
	poll(ctx context.Context, r *esmRunner, m *esmMapping)
}

// esmParams tells which kind-specific settings a create or update sets.
type esmParams struct {
	StartingPosition, ParallelizationFactor, BisectBatchOnFunctionError, MaximumRetryAttempts,
	MaximumRecordAgeInSeconds, TumblingWindowInSeconds, DestinationConfig, Topics, Queues,
	SourceAccessConfigurations bool
}

// esmSourceOf returns the source kind of an event source ARN.
func esmSourceOf(arn string) (esmSource, error) {
	parts := strings.SplitN(arn, ":", 6)
	if arn == "" || len(parts) != 6 || parts[0] != "arn" {
		return nil, invalidParam("Unrecognized event source.")
	}
	switch parts[2] {
	case "sqs":
		return sqsSource{}, nil
	case "dynamodb":
		return ddbSource{}, nil
	case "kinesis", "kafka", "mq", "rds", "docdb":
		return nil, invalidParam("hako does not support " + parts[2] + " event sources yet; only SQS queues and DynamoDB streams can be mapped.")
	}
	return nil, invalidParam("Unrecognized event source.")
}

// esmReasonOf is the StateTransitionReason of a user's change: Lambda
// reports stream sources' as "User action".
func esmReasonOf(src esmSource) string {
	if r, ok := src.(interface{ userReason() string }); ok {
		return r.userReason()
	}
	return esmReason
}

func esmARN(region, account, id string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":event-source-mapping:" + id
}

func esmNotFound() error { return notFound("The resource you requested does not exist.") }

// esmFunction resolves the FunctionName of a create or update: Lambda
// answers InvalidParameterValueException when it does not exist.
func (s *Service) esmFunction(ctx context.Context, name string) (fnRef, *resolved, error) {
	ref, err := parseRef(ctx, name, nil)
	if err != nil {
		return ref, nil, err
	}
	res, err := s.resolve(ctx, ref)
	if err != nil {
		if ae := (*awserr.Error)(nil); errors.As(err, &ae) && ae.Code == "ResourceNotFoundException" {
			return ref, nil, invalidParam("Function does not exist")
		}
		return ref, nil, err
	}
	return ref, res, nil
}

// esmFilters compiles a mapping's filters. The message is Lambda's for
// any invalid pattern.
func esmFilters(fc *lambdaapi.FilterCriteria) ([]*pattern.Pattern, error) {
	if fc == nil {
		return nil, nil
	}
	if len(fc.Filters) > esmMaxFilter {
		return nil, invalidParam(fmt.Sprintf("Number of filters exceeds the limit of %d.", esmMaxFilter))
	}
	var out []*pattern.Pattern
	for _, f := range fc.Filters {
		p, err := pattern.Compile([]byte(deref(f.Pattern)))
		if err != nil || deref(f.Pattern) == "" {
			return nil, invalidParam("Invalid filter pattern definition.")
		}
		out = append(out, p)
	}
	return out, nil
}

func checkResponseTypes(types []string) error {
	for _, t := range types {
		if t != "ReportBatchItemFailures" {
			return apiErr("ValidationException", "1 validation error detected: Value '["+strings.Join(types, ", ")+
				"]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]")
		}
	}
	return nil
}

// loadESM reads the mapping id of the caller's account and region.
func loadESM(ctx context.Context, tx *store.Tx, id string) (*esmRecord, error) {
	ri := reqinfo.From(ctx)
	var js string
	err := tx.QueryRow(ctx, "SELECT config FROM lambda_esm WHERE uuid = ? AND account = ? AND region = ?", id, ri.Account, ri.Region).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, esmNotFound()
	}
	if err != nil {
		return nil, err
	}
	var rec esmRecord
	if err := json.Unmarshal([]byte(js), &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// esmConflict finds another mapping of the same source and function.
func esmConflict(ctx context.Context, tx *store.Tx, self string, cfg *lambdaapi.EventSourceMappingConfiguration, fnName string) error {
	ri := reqinfo.From(ctx)
	rows, err := tx.Query(ctx, "SELECT uuid, config FROM lambda_esm WHERE account = ? AND region = ?", ri.Account, ri.Region)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, js string
		if err := rows.Scan(&id, &js); err != nil {
			return err
		}
		var rec esmRecord
		if json.Unmarshal([]byte(js), &rec) != nil || id == self {
			continue
		}
		c := rec.Config
		if deref(c.EventSourceArn) == deref(cfg.EventSourceArn) && deref(c.FunctionArn) == deref(cfg.FunctionArn) {
			if _, ok := parseSQSARN(deref(cfg.EventSourceArn)); ok {
				return conflict(`An event source mapping with SQS arn (" ` + deref(cfg.EventSourceArn) + ` ") and function (" ` + fnName +
					` ") already exists. Please update or delete the existing mapping with UUID ` + id)
			}
			return conflict(`The event source arn (" ` + deref(cfg.EventSourceArn) + ` ") and function (" ` + fnName +
				` ") provided mapping already exists. Please update or delete the existing mapping with UUID ` + id)
		}
	}
	return rows.Err()
}

func saveESM(ctx context.Context, tx *store.Tx, rec *esmRecord, fnName string, insert bool) error {
	ri := reqinfo.From(ctx)
	id := deref(rec.Config.UUID)
	var err error
	if insert {
		_, err = tx.Exec(ctx, "INSERT INTO lambda_esm (uuid, account, region, function, config) VALUES (?, ?, ?, ?, ?)",
			id, ri.Account, ri.Region, fnName, mustJSON(rec))
	} else {
		_, err = tx.Exec(ctx, "UPDATE lambda_esm SET function = ?, config = ? WHERE uuid = ?", fnName, mustJSON(rec), id)
	}
	if err == nil {
		tx.Notify(esmChannel, id)
	}
	return err
}

// CreateEventSourceMapping maps an event source to a function.
func (s *Service) CreateEventSourceMapping(ctx context.Context, in *lambdaapi.CreateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	if in.SelfManagedEventSource != nil {
		return nil, invalidParam("hako does not support self-managed event sources yet; only SQS queues and DynamoDB streams can be mapped.")
	}
	src, err := esmSourceOf(deref(in.EventSourceArn))
	if err != nil {
		return nil, err
	}
	if err := src.params(esmParams{
		StartingPosition:      in.StartingPosition != nil || in.StartingPositionTimestamp != nil,
		ParallelizationFactor: in.ParallelizationFactor != nil, BisectBatchOnFunctionError: in.BisectBatchOnFunctionError != nil,
		MaximumRetryAttempts: in.MaximumRetryAttempts != nil, MaximumRecordAgeInSeconds: in.MaximumRecordAgeInSeconds != nil,
		TumblingWindowInSeconds: in.TumblingWindowInSeconds != nil, DestinationConfig: in.DestinationConfig != nil,
		Topics: len(in.Topics) > 0, Queues: len(in.Queues) > 0, SourceAccessConfigurations: len(in.SourceAccessConfigurations) > 0,
	}); err != nil {
		return nil, err
	}
	if err := checkResponseTypes(in.FunctionResponseTypes); err != nil {
		return nil, err
	}
	if _, err := esmFilters(in.FilterCriteria); err != nil {
		return nil, err
	}
	ref, fn, err := s.esmFunction(ctx, deref(in.FunctionName))
	if err != nil {
		return nil, err
	}
	ri := reqinfo.From(ctx)
	id := uuid.NewString()
	state := "Enabled"
	if in.Enabled != nil && !*in.Enabled {
		state = "Disabled"
	}
	cfg := lambdaapi.EventSourceMappingConfiguration{
		UUID:                           ptr(id),
		EventSourceArn:                 in.EventSourceArn,
		EventSourceMappingArn:          ptr(esmARN(ri.Region, ri.Account, id)),
		FunctionArn:                    ptr(ref.qualifiedARN()),
		BatchSize:                      in.BatchSize,
		MaximumBatchingWindowInSeconds: in.MaximumBatchingWindowInSeconds,
		FunctionResponseTypes:          in.FunctionResponseTypes,
		ScalingConfig:                  in.ScalingConfig,
		FilterCriteria:                 in.FilterCriteria,
		KMSKeyArn:                      in.KMSKeyArn,
		MetricsConfig:                  in.MetricsConfig,
		ProvisionedPollerConfig:        in.ProvisionedPollerConfig,
		LastModified:                   &model.Timestamp{Time: s.now().UTC()},
		State:                          ptr(state),
		StateTransitionReason:          ptr(esmReasonOf(src)),
		// Stream sources' settings (params refused them for the others).
		StartingPosition:           in.StartingPosition,
		StartingPositionTimestamp:  in.StartingPositionTimestamp,
		ParallelizationFactor:      in.ParallelizationFactor,
		BisectBatchOnFunctionError: in.BisectBatchOnFunctionError,
		MaximumRetryAttempts:       in.MaximumRetryAttempts,
		MaximumRecordAgeInSeconds:  in.MaximumRecordAgeInSeconds,
		TumblingWindowInSeconds:    in.TumblingWindowInSeconds,
		DestinationConfig:          in.DestinationConfig,
	}
	normalizeESM(&cfg)
	if err := src.check(ctx, s, &cfg, fn); err != nil {
		return nil, err
	}
	rec := &esmRecord{Config: cfg, Tags: in.Tags}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := esmConflict(ctx, tx, id, &cfg, ref.name); err != nil {
			return err
		}
		return saveESM(ctx, tx, rec, ref.name, true)
	})
	if err != nil {
		return nil, err
	}
	s.esm.changed()
	out := cfg
	out.State = ptr("Creating")
	return &out, nil
}

// normalizeESM drops empty optional settings, as Lambda reports them.
func normalizeESM(c *lambdaapi.EventSourceMappingConfiguration) {
	if c.FilterCriteria != nil && len(c.FilterCriteria.Filters) == 0 {
		c.FilterCriteria = nil
	}
	if c.ScalingConfig != nil && c.ScalingConfig.MaximumConcurrency == nil {
		c.ScalingConfig = nil
	}
	if c.FunctionResponseTypes == nil {
		c.FunctionResponseTypes = []string{}
	}
}

// GetEventSourceMapping returns a mapping.
func (s *Service) GetEventSourceMapping(ctx context.Context, in *lambdaapi.GetEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	var rec *esmRecord
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = loadESM(ctx, tx, deref(in.UUID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rec.Config, nil
}

// UpdateEventSourceMapping changes a mapping's settings, function or state.
func (s *Service) UpdateEventSourceMapping(ctx context.Context, in *lambdaapi.UpdateEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	if err := checkResponseTypes(in.FunctionResponseTypes); err != nil {
		return nil, err
	}
	if _, err := esmFilters(in.FilterCriteria); err != nil {
		return nil, err
	}
	var cur *esmRecord
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		cur, err = loadESM(ctx, tx, deref(in.UUID))
		return err
	})
	if err != nil {
		return nil, err
	}
	var ref fnRef
	var fn *resolved
	if in.FunctionName != nil {
		if ref, fn, err = s.esmFunction(ctx, *in.FunctionName); err != nil {
			return nil, err
		}
	} else {
		// The function may be gone; the mapping can still be changed.
		if ref, err = parseRef(ctx, deref(cur.Config.FunctionArn), nil); err != nil {
			return nil, err
		}
		fn, _ = s.resolve(ctx, ref)
	}
	src, err := esmSourceOf(deref(cur.Config.EventSourceArn))
	if err != nil {
		return nil, err
	}
	if err := src.params(esmParams{
		ParallelizationFactor: in.ParallelizationFactor != nil, BisectBatchOnFunctionError: in.BisectBatchOnFunctionError != nil,
		MaximumRetryAttempts: in.MaximumRetryAttempts != nil, MaximumRecordAgeInSeconds: in.MaximumRecordAgeInSeconds != nil,
		TumblingWindowInSeconds: in.TumblingWindowInSeconds != nil, DestinationConfig: in.DestinationConfig != nil,
		SourceAccessConfigurations: len(in.SourceAccessConfigurations) > 0,
	}); err != nil {
		return nil, err
	}
	// The source is checked outside the transaction (it calls SQS); a
	// concurrent update of the same mapping is overwritten by the later one.
	rec := cur
	c := &rec.Config
	c.FunctionArn = ptr(ref.qualifiedARN())
	if in.BatchSize != nil {
		c.BatchSize = in.BatchSize
	}
	if in.MaximumBatchingWindowInSeconds != nil {
		c.MaximumBatchingWindowInSeconds = in.MaximumBatchingWindowInSeconds
	}
	if in.FunctionResponseTypes != nil {
		c.FunctionResponseTypes = in.FunctionResponseTypes
	}
	if in.ScalingConfig != nil {
		c.ScalingConfig = in.ScalingConfig
	}
	if in.FilterCriteria != nil {
		c.FilterCriteria = in.FilterCriteria
	}
	if in.KMSKeyArn != nil {
		c.KMSKeyArn = in.KMSKeyArn
	}
	if in.MetricsConfig != nil {
		c.MetricsConfig = in.MetricsConfig
	}
	if in.ProvisionedPollerConfig != nil {
		c.ProvisionedPollerConfig = in.ProvisionedPollerConfig
	}
	if in.ParallelizationFactor != nil {
		c.ParallelizationFactor = in.ParallelizationFactor
	}
	if in.BisectBatchOnFunctionError != nil {
		c.BisectBatchOnFunctionError = in.BisectBatchOnFunctionError
	}
	if in.MaximumRetryAttempts != nil {
		c.MaximumRetryAttempts = in.MaximumRetryAttempts
	}
	if in.MaximumRecordAgeInSeconds != nil {
		c.MaximumRecordAgeInSeconds = in.MaximumRecordAgeInSeconds
	}
	if in.TumblingWindowInSeconds != nil {
		c.TumblingWindowInSeconds = in.TumblingWindowInSeconds
	}
	if in.DestinationConfig != nil {
		c.DestinationConfig = in.DestinationConfig
	}
	normalizeESM(c)
	if err := src.check(ctx, s, c, fn); err != nil {
		return nil, err
	}
	transient := "Updating"
	if in.Enabled != nil {
		was := deref(c.State) == "Enabled"
		switch {
		case *in.Enabled && !was:
			c.State, transient = ptr("Enabled"), "Enabling"
		case !*in.Enabled && was:
			c.State, transient = ptr("Disabled"), "Disabling"
		}
	}
	c.LastModified = &model.Timestamp{Time: s.now().UTC()}
	c.StateTransitionReason = ptr(esmReasonOf(src))
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		stored, err := loadESM(ctx, tx, deref(in.UUID))
		if err != nil {
			return err
		}
		rec.Tags = stored.Tags
		c.LastProcessingResult = stored.Config.LastProcessingResult // the poller's, not the caller's
		if err := esmConflict(ctx, tx, deref(c.UUID), c, ref.name); err != nil {
			return err
		}
		return saveESM(ctx, tx, rec, ref.name, false)
	})
	if err != nil {
		return nil, err
	}
	s.esm.changed()
	out := *c
	out.State = ptr(transient)
	return &out, nil
}

// DeleteEventSourceMapping deletes a mapping; its pollers stop.
func (s *Service) DeleteEventSourceMapping(ctx context.Context, in *lambdaapi.DeleteEventSourceMappingRequest) (*lambdaapi.EventSourceMappingConfiguration, error) {
	var out lambdaapi.EventSourceMappingConfiguration
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		rec, err := loadESM(ctx, tx, deref(in.UUID))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM lambda_esm WHERE uuid = ?", deref(in.UUID)); err != nil {
			return err
		}
		tx.Notify(esmChannel, deref(in.UUID))
		out = rec.Config
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.esm.changed()
	out.State = ptr("Deleting")
	return &out, nil
}

// ListEventSourceMappings lists the mappings of the account and region,
// optionally of one source and/or one function, in UUID order.
func (s *Service) ListEventSourceMappings(ctx context.Context, in *lambdaapi.ListEventSourceMappingsRequest) (*lambdaapi.ListEventSourceMappingsResponse, error) {
	ri := reqinfo.From(ctx)
	var fn *fnRef
	if in.FunctionName != nil {
		ref, err := parseRef(ctx, *in.FunctionName, nil)
		if err != nil {
			return nil, err
		}
		fn = &ref
	}
	limit := esmListLimit
	if in.MaxItems != nil {
		limit = int(*in.MaxItems)
	}
	var items []lambdaapi.EventSourceMappingConfiguration
	err := s.st.View(ctx, func(tx *store.Tx) error {
		q := "SELECT config FROM lambda_esm WHERE account = ? AND region = ? AND uuid > ?"
		args := []any{ri.Account, ri.Region, deref(in.Marker)}
		if fn != nil {
			q += " AND function = ?"
			args = append(args, fn.name)
		}
		rows, err := tx.Query(ctx, q+" ORDER BY uuid", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var js string
			if err := rows.Scan(&js); err != nil {
				return err
			}
			var rec esmRecord
			if err := json.Unmarshal([]byte(js), &rec); err != nil {
				return err
			}
			c := rec.Config
			if in.EventSourceArn != nil && deref(c.EventSourceArn) != *in.EventSourceArn {
				continue
			}
			if fn != nil && fn.qualifier != "" && deref(c.FunctionArn) != fn.qualifiedARN() {
				continue
			}
			if fn != nil && !strings.HasPrefix(deref(c.FunctionArn)+":", fn.arn()+":") {
				continue // same name, another account or region
			}
			items = append(items, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := &lambdaapi.ListEventSourceMappingsResponse{EventSourceMappings: []lambdaapi.EventSourceMappingConfiguration{}}
	for i, c := range items {
		if i == limit {
			out.NextMarker = items[i-1].UUID
			break
		}
		out.EventSourceMappings = append(out.EventSourceMappings, c)
	}
	return out, nil
}

// esmUUIDOf returns the UUID an event source mapping ARN names, for the
// tagging operations.
func esmUUIDOf(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "event-source-mapping" {
		return "", false
	}
	return parts[6], true
}

// esmTags returns the tags of the mapping with the given ARN.
func (s *Service) esmTags(ctx context.Context, arn string) (map[string]string, error) {
	id, ok := esmUUIDOf(arn)
	if !ok {
		return nil, esmNotFound()
	}
	var rec *esmRecord
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		rec, err = loadESM(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if rec.Tags == nil {
		return map[string]string{}, nil
	}
	return rec.Tags, nil
}

// tagESM adds the tags add and removes the keys remove of the mapping with
// the given ARN.
func (s *Service) tagESM(ctx context.Context, arn string, add map[string]string, remove []string) error {
	id, ok := esmUUIDOf(arn)
	if !ok {
		return esmNotFound()
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		rec, err := loadESM(ctx, tx, id)
		if err != nil {
			return err
		}
		if rec.Tags == nil {
			rec.Tags = map[string]string{}
		}
		for k, v := range add {
			rec.Tags[k] = v
		}
		for _, k := range remove {
			delete(rec.Tags, k)
		}
		if len(rec.Tags) > 50 {
			return invalidParam("Number of tags exceeds resource tag limit.")
		}
		_, err = tx.Exec(ctx, "UPDATE lambda_esm SET config = ? WHERE uuid = ?", mustJSON(rec), id)
		return err // tags do not concern the pollers: no notification
	})
}

// --- the runner ---

// esmMapping is an enabled mapping as its poller sees it.
type esmMapping struct {
	uuid, account, region string
	cfg                   lambdaapi.EventSourceMappingConfiguration
	target                fnRef // the function, with the mapping's qualifier
	filters               []*pattern.Pattern
	reportFailures        bool
}

// esmRunner runs a poller for every enabled mapping.
type esmRunner struct {
	s    *Service
	wake chan struct{}
	wg   sync.WaitGroup

	syncMu  sync.Mutex // one sync at a time, so that the newest read wins
	mu      sync.Mutex
	running map[string]*esmWorker // by UUID
}

type esmWorker struct {
	raw    string // the configuration the poller runs with, as JSON
	cancel context.CancelFunc
}

func newESMRunner(s *Service) *esmRunner {
	return &esmRunner{s: s, wake: make(chan struct{}, 1), running: map[string]*esmWorker{}}
}

func (e *esmRunner) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// run starts and stops pollers as mappings change, until ctx ends; it
// returns after every poller stopped.
func (e *esmRunner) run(ctx context.Context) {
	unsubscribe := e.s.st.Subscribe(esmChannel, func(string) { e.poke() })
	defer unsubscribe()
	defer e.wg.Wait()
	tick := time.NewTicker(esmResync)
	defer tick.Stop()
	for {
		if err := e.sync(ctx); err != nil && ctx.Err() == nil {
			e.s.log.Warn("event source mappings: reading the mappings failed", "err", err)
		}
		select {
		case <-ctx.Done():
			e.mu.Lock()
			for id, w := range e.running {
				w.cancel()
				delete(e.running, id)
			}
			e.mu.Unlock()
			return
		case <-e.wake:
		case <-tick.C:
		}
	}
}

// changed applies a committed change of this node's API to its pollers
// before the call answers: a disabled, updated or deleted mapping is no
// longer polled with its old settings once the caller hears back. Other
// nodes follow through the store notification.
func (e *esmRunner) changed() {
	if err := e.sync(e.s.ctx); err != nil && e.s.ctx.Err() == nil {
		e.s.log.Warn("event source mappings: reading the mappings failed", "err", err)
	}
}

// sync reads every mapping and makes the pollers match. ctx is the
// runner's: the pollers it starts live as long as it.
func (e *esmRunner) sync(ctx context.Context) error {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	type row struct {
		id, account, region, raw string
		cfg                      lambdaapi.EventSourceMappingConfiguration
	}
	var rows []row
	err := e.s.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Query(ctx, "SELECT uuid, account, region, config FROM lambda_esm")
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var r row
			var js string
			if err := q.Scan(&r.id, &r.account, &r.region, &js); err != nil {
				return err
			}
			var rec esmRecord
			if err := json.Unmarshal([]byte(js), &rec); err != nil {
				e.s.log.Warn("event source mapping cannot run", "uuid", r.id, "err", err)
				continue
			}
			r.cfg = rec.Config
			// Tags and the poller's own LastProcessingResult do not
			// concern the poller: changing them must not restart it.
			cfg := rec.Config
			cfg.LastProcessingResult = nil
			r.raw = mustJSON(cfg)
			rows = append(rows, r)
		}
		return q.Err()
	})
	if err != nil {
		return err
	}
	want := map[string]row{}
	for _, r := range rows {
		want[r.id] = r
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, w := range e.running {
		if r, ok := want[id]; !ok || r.raw != w.raw {
			w.cancel()
			delete(e.running, id)
		}
	}
	for _, r := range rows {
		if _, ok := e.running[r.id]; ok || ctx.Err() != nil {
			continue
		}
		m, src, err := e.mapping(r.id, r.account, r.region, r.cfg)
		if err != nil {
			e.s.log.Warn("event source mapping cannot run", "uuid", r.id, "err", err)
			continue
		}
		if m == nil {
			continue // disabled
		}
		wctx, cancel := context.WithCancel(ctx)
		e.running[r.id] = &esmWorker{raw: r.raw, cancel: cancel}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			src.poll(wctx, e, m)
		}()
	}
	return nil
}

// mapping prepares a stored mapping for its poller; nil when disabled.
func (e *esmRunner) mapping(id, account, region string, c lambdaapi.EventSourceMappingConfiguration) (*esmMapping, esmSource, error) {
	if deref(c.State) != "Enabled" {
		return nil, nil, nil
	}
	src, err := esmSourceOf(deref(c.EventSourceArn))
	if err != nil {
		return nil, nil, err
	}
	ctx := reqinfo.With(context.Background(), &reqinfo.Info{Account: account, Region: region})
	target, err := parseRef(ctx, deref(c.FunctionArn), nil)
	if err != nil {
		return nil, nil, err
	}
	filters, err := esmFilters(c.FilterCriteria)
	if err != nil {
		return nil, nil, err
	}
	m := &esmMapping{uuid: id, account: account, region: region, cfg: c, target: target, filters: filters}
	for _, t := range c.FunctionResponseTypes {
		m.reportFailures = m.reportFailures || t == "ReportBatchItemFailures"
	}
	return m, src, nil
}

// esmDefaultConcurrency is the number of concurrent invocations of a
// mapping without ScalingConfig.MaximumConcurrency. AWS scales an SQS
// mapping up to 1,250 concurrent invocations; on one machine a handful is
// the useful bound.
const esmDefaultConcurrency = 5

// concurrency is how many invocations of m may run at once: the
// mapping's maximum, never above the function's reserved concurrency.
func (m *esmMapping) concurrency(fn *resolved) int {
	n := esmDefaultConcurrency
	if sc := m.cfg.ScalingConfig; sc != nil && sc.MaximumConcurrency != nil {
		n = int(*sc.MaximumConcurrency)
	}
	if r := fn.spec.Reserved; r >= 0 && r < n {
		n = r
	}
	return n
}

// ictx is the request context of an invocation for m.
func (m *esmMapping) ictx(ctx context.Context, requestID string) context.Context {
	return reqinfo.With(ctx, &reqinfo.Info{Account: m.account, Region: m.region, RequestID: requestID})
}

// sleepCtx waits d of real time (backoffs, not source semantics) or until
// ctx ends; it reports whether ctx is still alive.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// batchFailures reads a partial batch response: the identifiers to
// retry, or all=true when Lambda treats the whole batch as failed (an
// answer that is not JSON, or an itemIdentifier that is missing, empty or
// not in the batch).
func batchFailures(payload []byte, ids map[string]bool) (failed map[string]bool, all bool) {
	p := strings.TrimSpace(string(payload))
	if p == "" || p == "null" {
		return nil, false
	}
	if !json.Valid([]byte(p)) {
		return nil, true
	}
	var resp struct {
		Items []map[string]any `json:"batchItemFailures"`
	}
	if json.Unmarshal([]byte(p), &resp) != nil {
		return nil, false // JSON that is not a partial batch response
	}
	failed = map[string]bool{}
	for _, it := range resp.Items {
		id, _ := it["itemIdentifier"].(string)
		if id == "" || !ids[id] {
			return nil, true
		}
		failed[id] = true
	}
	return failed, false
}
