package eventbridge

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/store"
)

// maxTargets is AWS's quota of targets per rule.
const maxTargets = 5

// Defaults of a target's RetryPolicy (AWS: 185 retries, 24 hours).
const (
	defaultRetries = 185
	defaultMaxAge  = 24 * time.Hour
)

// target is a compiled target: where its deliveries go and how its input
// is made.
type target struct {
	id, arn   string
	kind      string // outbox kind: sqs, lambda, sns, events; "archive"; kindUnsupported
	input     []byte // Input, as given
	hasInput  bool
	inputPath jsonPath
	hasPath   bool
	paths     map[string]jsonPath // InputPathsMap
	tmpl      *template
	groupID   string // SqsParameters.MessageGroupId
	fifo      bool
	retry     events.Retry
	dlq       string
}

var (
	arnFormat  = regexp.MustCompile(`^arn:[\d\w:\-/]*`)
	pathKeyFmt = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
)

// compileTarget validates a target as PutTargets does and compiles it.
func compileTarget(t *eventbridgeapi.Target) (*target, error) {
	id, arn := deref(t.Id), deref(t.Arn)
	ct := &target{id: id, arn: arn}
	n := 0
	for _, set := range []bool{t.Input != nil, t.InputPath != nil, t.InputTransformer != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, errValidation("Only one of Input, InputPath, or InputTransformer must be provided for target " + id + ".")
	}
	a, ok := parseARN(arn)
	if !ok || !arnFormat.MatchString(arn) {
		return nil, errValidation("Parameter " + arn + " is not valid. Reason: Provided Arn is not in correct format.")
	}
	switch {
	case a.service == "sqs":
		ct.kind = "sqs"
		ct.fifo = strings.HasSuffix(a.resource, ".fifo")
		if t.SqsParameters != nil {
			ct.groupID = deref(t.SqsParameters.MessageGroupId)
		}
		if ct.fifo && ct.groupID == "" {
			return nil, errValidation("Parameter(s) SqsParameters must be specified for target: " + id + ".")
		}
	case a.service == "lambda":
		ct.kind = "lambda"
	case a.service == "sns":
		ct.kind = "sns"
	case a.service == "events" && strings.HasPrefix(a.resource, "event-bus/"):
		ct.kind = "events"
	case a.service == "events" && strings.HasPrefix(a.resource, "archive/"):
		ct.kind = "archive"
	default:
		ct.kind = kindUnsupported
	}
	if t.Input != nil {
		if !json.Valid([]byte(*t.Input)) {
			return nil, errValidation("Input for target " + id + " is not a valid JSON text.")
		}
		ct.input, ct.hasInput = []byte(*t.Input), true
	}
	if t.InputPath != nil {
		p, err := parsePath(*t.InputPath)
		if err != nil {
			return nil, errValidation("Parameter InputPath for target " + id + " is not a valid JsonPath.")
		}
		ct.inputPath, ct.hasPath = p, true
	}
	if it := t.InputTransformer; it != nil {
		ct.paths = map[string]jsonPath{}
		for k, v := range it.InputPathsMap {
			if !pathKeyFmt.MatchString(k) || strings.HasPrefix(strings.ToLower(k), "aws.") {
				return nil, errValidation("InputPathsMap for target " + id + " contains invalid key " + k + ".")
			}
			p, err := parsePath(v)
			if err != nil {
				return nil, errValidation("InputPathsMap for target " + id + " contains invalid JsonPath " + v + ".")
			}
			ct.paths[k] = p
		}
		tm, bad := parseTemplate(deref(it.InputTemplate), func(name string) bool { _, ok := ct.paths[name]; return ok })
		if tm == nil {
			return nil, errValidation("InputTemplate for target " + id + " contains invalid placeholder " + bad + ".")
		}
		ct.tmpl = tm
	}
	retries, age := int32(defaultRetries), defaultMaxAge
	if rp := t.RetryPolicy; rp != nil {
		if rp.MaximumRetryAttempts != nil {
			retries = *rp.MaximumRetryAttempts
		}
		if rp.MaximumEventAgeInSeconds != nil {
			age = time.Duration(*rp.MaximumEventAgeInSeconds) * time.Second
		}
	}
	// MaxAttempts counts the first try; the dispatcher's backoff is capped
	// so that retries stay spread over the age limit.
	ct.retry = events.Retry{Base: time.Second, Max: 5 * time.Minute, MaxAttempts: int(retries) + 1, MaxAge: age}
	if t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != nil {
		d, ok := parseARN(*t.DeadLetterConfig.Arn)
		if !ok || d.service != "sqs" {
			return nil, errValidation("Parameter DeadLetterConfig.Arn is not valid. Reason: must be an SQS queue ARN.")
		}
		ct.dlq = *t.DeadLetterConfig.Arn
	}
	return ct, nil
}

// PutTargets adds or replaces targets of a rule (at most 5 per rule).
func (s *Service) PutTargets(ctx context.Context, in *eventbridgeapi.PutTargetsRequest) (*eventbridgeapi.PutTargetsResponse, error) {
	k := busOf(ctx, in.EventBusName)
	rule := deref(in.Rule)
	bodies := make([]string, len(in.Targets))
	for i := range in.Targets {
		if _, err := compileTarget(&in.Targets[i]); err != nil {
			return nil, err
		}
		b, err := json.Marshal(&in.Targets[i])
		if err != nil {
			return nil, err
		}
		bodies[i] = string(b)
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := needRule(ctx, tx, k, rule); err != nil {
			return err
		}
		ids, err := targetIDs(ctx, tx, k, rule)
		if err != nil {
			return err
		}
		seq := s.clk.Now().UnixNano()
		for i, t := range in.Targets {
			id := deref(t.Id)
			if _, ok := ids[id]; !ok {
				if len(ids) >= maxTargets {
					return awserr.New("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
				}
				ids[id] = seq + int64(i)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO eb_targets (account, region, bus, rule, id, arn, body, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (account, region, bus, rule, id) DO UPDATE SET arn = excluded.arn, body = excluded.body`,
				k.account, k.region, k.name, rule, id, deref(t.Arn), bodies[i], ids[id]); err != nil {
				return err
			}
		}
		s.invalidate(tx, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	zero := int32(0)
	return &eventbridgeapi.PutTargetsResponse{FailedEntryCount: &zero, FailedEntries: []eventbridgeapi.PutTargetsResultEntry{}}, nil
}

// targetIDs returns the rule's target ids with their positions.
func targetIDs(ctx context.Context, tx *store.Tx, k busKey, rule string) (map[string]int64, error) {
	q, err := tx.Query(ctx, "SELECT id, seq FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ?", k.account, k.region, k.name, rule)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	ids := map[string]int64{}
	for q.Next() {
		var id string
		var seq int64
		if err := q.Scan(&id, &seq); err != nil {
			return nil, err
		}
		ids[id] = seq
	}
	return ids, q.Err()
}

// RemoveTargets removes targets of a rule. Ids the rule does not have are
// ignored (assumed AWS behaviour); a managed rule needs Force.
func (s *Service) RemoveTargets(ctx context.Context, in *eventbridgeapi.RemoveTargetsRequest) (*eventbridgeapi.RemoveTargetsResponse, error) {
	k := busOf(ctx, in.EventBusName)
	rule := deref(in.Rule)
	out := &eventbridgeapi.RemoveTargetsResponse{FailedEntries: []eventbridgeapi.RemoveTargetsResultEntry{}}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		out.FailedEntries = out.FailedEntries[:0]
		r, err := needRule(ctx, tx, k, rule)
		if err != nil {
			return err
		}
		for _, id := range in.Ids {
			if r.managedBy != "" && (in.Force == nil || !*in.Force) {
				out.FailedEntries = append(out.FailedEntries, eventbridgeapi.RemoveTargetsResultEntry{TargetId: str(id),
					ErrorCode: str("ManagedRuleException"), ErrorMessage: str("Rule '" + rule + "' is managed by an AWS service can only be modified if force is True.")})
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? AND id = ?",
				k.account, k.region, k.name, rule, id); err != nil {
				return err
			}
		}
		s.invalidate(tx, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	n := int32(len(out.FailedEntries))
	out.FailedEntryCount = &n
	return out, nil
}

// ListTargetsByRule lists a rule's targets in the order they were added.
func (s *Service) ListTargetsByRule(ctx context.Context, in *eventbridgeapi.ListTargetsByRuleRequest) (*eventbridgeapi.ListTargetsByRuleResponse, error) {
	k := busOf(ctx, in.EventBusName)
	rule := deref(in.Rule)
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	var from int64
	if after != "" {
		if from, err = strconv.ParseInt(after, 10, 64); err != nil {
			return nil, errValidation("The NextToken provided is invalid.")
		}
	}
	limit := pageLimit(in.Limit)
	out := &eventbridgeapi.ListTargetsByRuleResponse{Targets: []eventbridgeapi.Target{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := needRule(ctx, tx, k, rule); err != nil {
			return err
		}
		q, err := tx.Query(ctx, `SELECT body, seq FROM eb_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? AND seq > ?
			ORDER BY seq LIMIT ?`, k.account, k.region, k.name, rule, from, limit+1)
		if err != nil {
			return err
		}
		defer q.Close()
		var last int64
		for q.Next() {
			var body string
			var seq int64
			if err := q.Scan(&body, &seq); err != nil {
				return err
			}
			if len(out.Targets) == limit {
				out.NextToken = nextToken(itoa(last))
				break
			}
			var t eventbridgeapi.Target
			if err := json.Unmarshal([]byte(body), &t); err != nil {
				return err
			}
			out.Targets = append(out.Targets, t)
			last = seq
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListRuleNamesByTarget lists the rules of a bus that have a target with
// the ARN.
func (s *Service) ListRuleNamesByTarget(ctx context.Context, in *eventbridgeapi.ListRuleNamesByTargetRequest) (*eventbridgeapi.ListRuleNamesByTargetResponse, error) {
	k := busOf(ctx, in.EventBusName)
	after, err := afterToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	out := &eventbridgeapi.ListRuleNamesByTargetResponse{RuleNames: []string{}}
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if err := needBus(ctx, tx, k); err != nil {
			return err
		}
		q, err := tx.Query(ctx, `SELECT DISTINCT rule FROM eb_targets WHERE account = ? AND region = ? AND arn = ? AND bus = ? AND rule > ?
			ORDER BY rule LIMIT ?`, k.account, k.region, deref(in.TargetArn), k.name, after, limit+1)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var name string
			if err := q.Scan(&name); err != nil {
				return err
			}
			if len(out.RuleNames) == limit {
				out.NextToken = nextToken(out.RuleNames[limit-1])
				break
			}
			out.RuleNames = append(out.RuleNames, name)
		}
		return q.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
