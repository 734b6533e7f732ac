package sqs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Queue attribute names.
const (
	attrAll                      = "All"
	attrDelaySeconds             = "DelaySeconds"
	attrMaximumMessageSize       = "MaximumMessageSize"
	attrMessageRetentionPeriod   = "MessageRetentionPeriod"
	attrPolicy                   = "Policy"
	attrReceiveWaitTime          = "ReceiveMessageWaitTimeSeconds"
	attrVisibilityTimeout        = "VisibilityTimeout"
	attrRedrivePolicy            = "RedrivePolicy"
	attrRedriveAllowPolicy       = "RedriveAllowPolicy"
	attrKmsMasterKeyID           = "KmsMasterKeyId"
	attrKmsDataKeyReusePeriod    = "KmsDataKeyReusePeriodSeconds"
	attrSqsManagedSseEnabled     = "SqsManagedSseEnabled"
	attrFifoQueue                = "FifoQueue"
	attrContentBasedDedup        = "ContentBasedDeduplication"
	attrDeduplicationScope       = "DeduplicationScope"
	attrFifoThroughputLimit      = "FifoThroughputLimit"
	attrApproxMessages           = "ApproximateNumberOfMessages"
	attrApproxMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible"
	attrApproxMessagesDelayed    = "ApproximateNumberOfMessagesDelayed"
	attrCreatedTimestamp         = "CreatedTimestamp"
	attrLastModifiedTimestamp    = "LastModifiedTimestamp"
	attrQueueArn                 = "QueueArn"
)

// intRange is the valid range of a numeric attribute.
type intRange struct{ min, max int }

var intAttrs = map[string]intRange{
	attrDelaySeconds:           {0, 900},
	attrMaximumMessageSize:     {1024, 1048576},
	attrMessageRetentionPeriod: {60, 1209600},
	attrReceiveWaitTime:        {0, 20},
	attrVisibilityTimeout:      {0, 43200},
	attrKmsDataKeyReusePeriod:  {60, 86400},
}

// defaultAttrs returns the attributes of a new queue before the request's
// attributes are applied.
func defaultAttrs(fifo bool) map[string]string {
	m := map[string]string{
		attrDelaySeconds:           "0",
		attrMaximumMessageSize:     "1048576",
		attrMessageRetentionPeriod: "345600",
		attrReceiveWaitTime:        "0",
		attrVisibilityTimeout:      "30",
		attrSqsManagedSseEnabled:   "true",
	}
	if fifo {
		m[attrFifoQueue] = "true"
		m[attrContentBasedDedup] = "false"
		m[attrDeduplicationScope] = "queue"
		m[attrFifoThroughputLimit] = "perQueue"
	}
	return m
}

// attrSet is the parsed form of a queue's settable attributes.
type attrSet struct {
	raw          map[string]string
	delay        int
	maxSize      int
	retention    int
	wait         int
	visibility   int
	contentDedup bool
	groupScope   bool // DeduplicationScope=messageGroup
	redrive      *redrivePolicy
	allow        *redriveAllowPolicy
}

func parseAttrSet(raw map[string]string) attrSet {
	a := attrSet{raw: raw}
	num := func(name string, def int) int {
		if v, err := strconv.Atoi(raw[name]); err == nil {
			return v
		}
		return def
	}
	a.delay = num(attrDelaySeconds, 0)
	a.maxSize = num(attrMaximumMessageSize, 1048576)
	a.retention = num(attrMessageRetentionPeriod, 345600)
	a.wait = num(attrReceiveWaitTime, 0)
	a.visibility = num(attrVisibilityTimeout, 30)
	a.contentDedup = raw[attrContentBasedDedup] == "true"
	a.groupScope = raw[attrDeduplicationScope] == "messageGroup"
	if v := raw[attrRedrivePolicy]; v != "" {
		a.redrive, _ = parseRedrivePolicy(v)
	}
	if v := raw[attrRedriveAllowPolicy]; v != "" {
		a.allow, _ = parseRedriveAllowPolicy(v)
	}
	return a
}

// applyAttrs validates the attributes of a CreateQueue or
// SetQueueAttributes request and returns base updated with them. base is
// not modified. Checks that involve other queues (the dead-letter target)
// are made by the caller.
func applyAttrs(base map[string]string, in map[string]string, fifo bool) (map[string]string, error) {
	out := maps.Clone(base)
	names := slices.Sorted(maps.Keys(in))
	for _, name := range names {
		v := in[name]
		if r, ok := intAttrs[name]; ok {
			n, ok := parseStrictInt(v)
			if !ok || n < r.min || n > r.max {
				return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter %s.", name)
			}
			out[name] = strconv.Itoa(n)
			continue
		}
		switch name {
		case attrPolicy:
			if v == "" {
				delete(out, name)
				continue
			}
			if err := validatePolicy(v); err != nil {
				return nil, err
			}
			out[name] = v
		case attrRedrivePolicy:
			if v == "" {
				delete(out, name)
				continue
			}
			rp, err := parseRedrivePolicy(v)
			if err != nil {
				return nil, err
			}
			out[name] = rp.String()
		case attrRedriveAllowPolicy:
			if v == "" {
				delete(out, name)
				continue
			}
			if _, err := parseRedriveAllowPolicy(v); err != nil {
				return nil, err
			}
			out[name] = v
		case attrKmsMasterKeyID:
			if v == "" {
				delete(out, name)
				continue
			}
			out[name] = v
		case attrSqsManagedSseEnabled:
			b, ok := parseBool(v)
			if !ok {
				return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter %s.", name)
			}
			out[name] = strconv.FormatBool(b)
		case attrFifoQueue:
			b, ok := parseBool(v)
			if !fifo || !ok {
				return nil, errorf(errInvalidAttributeName, "Unknown Attribute %s.", name)
			}
			if !b {
				return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
			}
			out[name] = "true"
		case attrContentBasedDedup:
			if !fifo {
				return nil, errorf(errInvalidAttributeName, "Unknown Attribute %s.", name)
			}
			b, ok := parseBool(v)
			if !ok {
				return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter %s.", name)
			}
			out[name] = strconv.FormatBool(b)
		case attrDeduplicationScope, attrFifoThroughputLimit:
			if !fifo {
				return nil, errorf(errInvalidAttributeName, "You can specify the %s only when FifoQueue is set to true.", name)
			}
			valid := v == "queue" || v == "messageGroup"
			if name == attrFifoThroughputLimit {
				valid = v == "perQueue" || v == "perMessageGroupId"
			}
			if !valid {
				return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter %s.", name)
			}
			out[name] = v
		default:
			return nil, errorf(errInvalidAttributeName, "Unknown Attribute %s.", name)
		}
	}
	// One kind of server-side encryption at a time.
	_, kmsIn := in[attrKmsMasterKeyID]
	if kmsIn && in[attrKmsMasterKeyID] != "" && strings.EqualFold(in[attrSqsManagedSseEnabled], "true") {
		return nil, errorf(errInvalidAttributeValue, "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
	}
	switch {
	case kmsIn && in[attrKmsMasterKeyID] != "":
		out[attrSqsManagedSseEnabled] = "false"
	case out[attrSqsManagedSseEnabled] == "true":
		delete(out, attrKmsMasterKeyID)
	}
	if fifo && out[attrFifoThroughputLimit] == "perMessageGroupId" && out[attrDeduplicationScope] != "messageGroup" {
		return nil, errorf(errInvalidAttributeValue, "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup")
	}
	return out, nil
}

// parseStrictInt accepts decimal digits with an optional leading minus
// sign, as SQS does for numeric attributes (no spaces, signs or fractions).
func parseStrictInt(s string) (int, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	digits := s
	if s[0] == '-' {
		digits = s[1:]
	}
	if digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// validatePolicy checks the structure of a queue policy document.
func validatePolicy(v string) error {
	bad := errorf(errInvalidAttributeValue, "Invalid value for the parameter Policy.")
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &doc); err != nil || doc == nil {
		return bad
	}
	for k := range doc {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return bad
		}
	}
	if raw, ok := doc["Version"]; ok {
		var ver string
		if json.Unmarshal(raw, &ver) != nil || (ver != "2012-10-17" && ver != "2008-10-17") {
			return bad
		}
	}
	raw, ok := doc["Statement"]
	if !ok {
		return bad
	}
	var stmts []map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil {
			return bad
		}
		stmts = append(stmts, one)
	} else if json.Unmarshal(raw, &stmts) != nil {
		return bad
	}
	if len(stmts) == 0 {
		return bad
	}
	if len(stmts) > 20 {
		return errorf(errInvalidAttributeValue, "%d statements were found in the submitted policy, max allowed is 20", len(stmts))
	}
	for _, st := range stmts {
		if st == nil {
			return bad
		}
		for k := range st {
			switch k {
			case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
			default:
				return bad
			}
		}
	}
	return nil
}

// redrivePolicy is a parsed RedrivePolicy attribute.
type redrivePolicy struct {
	dlqARN     string
	maxReceive int
}

// String returns the normalized JSON form SQS reports.
func (p *redrivePolicy) String() string {
	b, _ := json.Marshal(p.dlqARN)
	return fmt.Sprintf(`{"deadLetterTargetArn":%s,"maxReceiveCount":%d}`, b, p.maxReceive)
}

func parseRedrivePolicy(v string) (*redrivePolicy, error) {
	invalid := func(reason string) error {
		return invalidParam("Value %s for parameter RedrivePolicy is invalid. Reason: %s", v, reason)
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, errorf(errInvalidAttributeValue, "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.")
	}
	mrc, ok := m["maxReceiveCount"]
	if !ok {
		return nil, invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	arnV, ok := m["deadLetterTargetArn"]
	if !ok {
		return nil, invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	for k := range m {
		if k != "maxReceiveCount" && k != "deadLetterTargetArn" {
			return nil, invalid("Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].")
		}
	}
	var n int
	var text string
	switch x := mrc.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = x
	default:
		text = fmt.Sprint(x)
	}
	n, ok = parseStrictInt(strings.TrimSpace(text))
	if !ok || n < 1 || n > 1000 {
		return nil, invalid(fmt.Sprintf("Invalid value for maxReceiveCount: %s, valid values are from 1 to 1000 both inclusive.", text))
	}
	arn, _ := arnV.(string)
	svc, _, ok := parseARN(arn)
	if !ok || svc != "sqs" {
		return nil, invalid("Only SQS queues are valid resources for deadLetterTargetArn.")
	}
	return &redrivePolicy{dlqARN: arn, maxReceive: n}, nil
}

// redriveAllowPolicy is a parsed RedriveAllowPolicy attribute.
type redriveAllowPolicy struct {
	permission string // allowAll, denyAll, byQueue
	sources    []string
}

// allows reports whether a queue with ARN src may use the policy's queue
// as its dead-letter queue.
func (p *redriveAllowPolicy) allows(src string) bool {
	if p == nil {
		return true
	}
	switch p.permission {
	case "denyAll":
		return false
	case "byQueue":
		return slices.Contains(p.sources, src)
	}
	return true
}

func parseRedriveAllowPolicy(v string) (*redriveAllowPolicy, error) {
	unsupported := errorf(errInvalidAttributeValue, "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.")
	invalid := func(reason string) error {
		return invalidParam("Value %s for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. %s", v, reason)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &m); err != nil || m == nil {
		return nil, unsupported
	}
	p := &redriveAllowPolicy{}
	hasSources := false
	for k, raw := range m {
		switch k {
		case "redrivePermission":
			if json.Unmarshal(raw, &p.permission) != nil {
				return nil, unsupported
			}
		case "sourceQueueArns":
			hasSources = true
			if json.Unmarshal(raw, &p.sources) != nil {
				return nil, unsupported
			}
		default:
			return nil, unsupported
		}
	}
	switch p.permission {
	case "allowAll", "denyAll":
		if hasSources {
			return nil, invalid("To specify one or more source queue ARNs, you must set redrivePermission to byQueue.")
		}
	case "byQueue":
		if len(p.sources) == 0 {
			return nil, invalid("When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.")
		}
		if len(p.sources) > 10 {
			return nil, invalid("The maximum number of source queue ARNs you can specify is 10.")
		}
	default:
		return nil, unsupported
	}
	return p, nil
}

// allAttrNames lists every attribute GetQueueAttributes knows.
var allAttrNames = []string{
	attrApproxMessages, attrApproxMessagesDelayed, attrApproxMessagesNotVisible,
	attrContentBasedDedup, attrCreatedTimestamp, attrDeduplicationScope, attrDelaySeconds,
	attrFifoQueue, attrFifoThroughputLimit, attrKmsDataKeyReusePeriod, attrKmsMasterKeyID,
	attrLastModifiedTimestamp, attrMaximumMessageSize, attrMessageRetentionPeriod, attrPolicy,
	attrQueueArn, attrReceiveWaitTime, attrRedriveAllowPolicy, attrRedrivePolicy,
	attrSqsManagedSseEnabled, attrVisibilityTimeout,
}

// isQueueAttrName reports whether name is a queue attribute name.
func isQueueAttrName(name string) bool {
	return name == attrAll || slices.Contains(allAttrNames, name)
}
