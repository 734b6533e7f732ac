package s3

// Event notifications.
//
// A bucket's notification configuration is a row of s3_bucket_config (kind
// "notification") holding the normalized s3api.NotificationConfiguration:
// generated Ids filled in, filter rule names spelled "Prefix"/"Suffix".
// notify runs inside the transaction of every object change. It matches
// the event against the bucket's rules, compiled and cached in memory per
// bucket (so a bucket without a configuration costs one map lookup), and
// writes one outbox delivery per matching destination in that same
// transaction: an event exists if and only if its change committed, and
// the dispatcher (internal/events) hands it to SQS, Lambda, ... at least
// once. The cache is dropped on every change of a configuration and, with
// several nodes, on the change notifications of the others.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

const (
	notificationKind = "notification" // s3_bucket_config kind
	// notificationChannel carries the name of a bucket whose notification
	// configuration changed, to the other nodes.
	notificationChannel = "s3_notification"
)

// notificationEvents are the event types a configuration may name.
var notificationEvents = map[string]bool{
	"s3:ReducedRedundancyLostObject":                   true,
	"s3:ObjectCreated:*":                               true,
	"s3:ObjectCreated:Put":                             true,
	"s3:ObjectCreated:Post":                            true,
	"s3:ObjectCreated:Copy":                            true,
	"s3:ObjectCreated:CompleteMultipartUpload":         true,
	"s3:ObjectRemoved:*":                               true,
	"s3:ObjectRemoved:Delete":                          true,
	"s3:ObjectRemoved:DeleteMarkerCreated":             true,
	"s3:ObjectRestore:*":                               true,
	"s3:ObjectRestore:Post":                            true,
	"s3:ObjectRestore:Completed":                       true,
	"s3:ObjectRestore:Delete":                          true,
	"s3:Replication:*":                                 true,
	"s3:Replication:OperationFailedReplication":        true,
	"s3:Replication:OperationNotTracked":               true,
	"s3:Replication:OperationMissedThreshold":          true,
	"s3:Replication:OperationReplicatedAfterThreshold": true,
	"s3:LifecycleTransition":                           true,
	"s3:IntelligentTiering":                            true,
	"s3:ObjectAcl:Put":                                 true,
	"s3:LifecycleExpiration:*":                         true,
	"s3:LifecycleExpiration:Delete":                    true,
	"s3:LifecycleExpiration:DeleteMarkerCreated":       true,
	"s3:ObjectTagging:*":                               true,
	"s3:ObjectTagging:Put":                             true,
	"s3:ObjectTagging:Delete":                          true,
}

// Targets lets the service check notification destinations in the other
// services when a configuration is put. A nil function skips its check.
type Targets struct {
	// Queue reports whether arn names an existing SQS queue, and whether
	// it is a FIFO queue (S3 cannot notify those).
	Queue func(ctx context.Context, arn string) (exists, fifo bool, err error)
	// Function reports whether arn names an existing Lambda function
	// (version or alias when qualified).
	Function func(ctx context.Context, arn string) (bool, error)
	// SendQueue sends a message to the queue arn at once (the
	// s3:TestEvent of a new configuration).
	SendQueue func(ctx context.Context, arn, body string) error
	// Topic reports whether arn names an existing SNS topic, and whether it
	// is a FIFO topic (S3 cannot notify those).
	Topic func(ctx context.Context, arn string) (exists, fifo bool, err error)
	// PublishTopic publishes a message to the topic arn at once (the
	// s3:TestEvent), with the subject S3 uses.
	PublishTopic func(ctx context.Context, arn, subject, message string) error
}

// SetNotificationTargets connects the checks of notification destinations
// (the server calls it once the other services exist).
func (s *Service) SetNotificationTargets(t Targets) {
	s.notif.targets.Store(&t)
	s.notif.subscribe(s)
}

// notifier is the service's notification state: the destination checks and
// the compiled configurations by bucket.
type notifier struct {
	targets atomic.Pointer[Targets]
	subOnce sync.Once

	mu    sync.RWMutex
	gen   uint64 // bumped by every invalidation
	cache map[string]notifEntry
}

// notifEntry is the cached configuration of one bucket incarnation.
type notifEntry struct {
	created int64       // the bucket's creation time: a re-created bucket misses
	rules   *notifRules // nil: no configuration
}

type notifRules struct {
	list        []notifRule
	eventBridge bool // every event also goes to the default event bus
}

// notifRule is one configuration (queue, topic or function) compiled.
type notifRule struct {
	id, kind, target string   // kind is the outbox delivery kind: sqs, sns, lambda
	events           []string // "s3:ObjectCreated:*", ...
	prefix, suffix   string   // decoded filter values ("" matches all)
	filtered         bool     // has a key filter
}

func (r *notifRule) matches(event, key string) bool {
	if !strings.HasPrefix(key, r.prefix) || !strings.HasSuffix(key, r.suffix) {
		return false
	}
	for _, e := range r.events {
		if eventIncludes(e, event) {
			return true
		}
	}
	return false
}

// eventIncludes tells whether the configured event type pattern (maybe a
// "...:*" wildcard) covers event.
func eventIncludes(pattern, event string) bool {
	if pattern == event {
		return true
	}
	return strings.HasSuffix(pattern, ":*") && strings.HasPrefix(event, pattern[:len(pattern)-1])
}

// subscribe listens to the configuration changes of other nodes (only
// PostgreSQL has other nodes).
func (n *notifier) subscribe(s *Service) {
	n.subOnce.Do(func() {
		if s.st.Dialect() == store.Postgres {
			s.st.Subscribe(notificationChannel, n.invalidate)
		}
	})
}

// invalidate forgets the configuration of bucket ("" forgets all).
func (n *notifier) invalidate(bucket string) {
	n.mu.Lock()
	n.gen++
	if bucket == "" {
		clear(n.cache)
	} else {
		delete(n.cache, bucket)
	}
	n.mu.Unlock()
}

// rules returns the compiled configuration of b (nil when it has none),
// from the cache or from tx.
func (s *Service) rules(ctx context.Context, tx *store.Tx, b *bucket) (*notifRules, error) {
	n := &s.notif
	created := b.created.UnixMilli()
	n.mu.RLock()
	e, ok := n.cache[b.name]
	gen := n.gen
	n.mu.RUnlock()
	if ok && e.created == created {
		return e.rules, nil
	}
	var cfg s3api.NotificationConfiguration
	found, err := getConfigTx(ctx, tx, b.name, notificationKind, &cfg)
	if err != nil {
		return nil, err
	}
	var rules *notifRules
	if found {
		rules = compileRules(&cfg)
	}
	// Cached once what was read is committed, unless a change came since.
	tx.AfterCommit(func() {
		n.mu.Lock()
		if n.gen == gen {
			if n.cache == nil {
				n.cache = map[string]notifEntry{}
			}
			n.cache[b.name] = notifEntry{created: created, rules: rules}
		}
		n.mu.Unlock()
	})
	return rules, nil
}

func compileRules(cfg *s3api.NotificationConfiguration) *notifRules {
	var out notifRules
	add := func(kind, target string, id *string, evs []string, f *s3api.NotificationConfigurationFilter) {
		r := notifRule{id: deref(id), kind: kind, target: target, events: evs}
		r.prefix, r.suffix = filterValues(f)
		out.list = append(out.list, r)
	}
	for _, c := range cfg.QueueConfigurations {
		add("sqs", deref(c.QueueArn), c.Id, c.Events, c.Filter)
	}
	for _, c := range cfg.TopicConfigurations {
		add("sns", deref(c.TopicArn), c.Id, c.Events, c.Filter)
	}
	for _, c := range cfg.LambdaFunctionConfigurations {
		add("lambda", deref(c.LambdaFunctionArn), c.Id, c.Events, c.Filter)
	}
	out.eventBridge = cfg.EventBridgeConfiguration != nil
	if len(out.list) == 0 && !out.eventBridge {
		return nil
	}
	return &out
}

// filterValues returns the prefix and suffix of a normalized filter,
// decoded: S3 wants special characters of filter values URL-encoded.
func filterValues(f *s3api.NotificationConfigurationFilter) (prefix, suffix string) {
	if f == nil || f.Key == nil {
		return "", ""
	}
	for _, r := range f.Key.FilterRules {
		v := deref(r.Value)
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		switch deref(r.Name) {
		case "Prefix":
			prefix = v
		case "Suffix":
			suffix = v
		}
	}
	return prefix, suffix
}

// notify queues the event notifications the bucket's configuration asks for
// when event (without the "s3:" prefix, e.g. "ObjectCreated:Put") happens
// to o, in tx.
func (s *Service) notify(ctx context.Context, tx *store.Tx, b *bucket, event string, o *object) error {
	if s.events == nil {
		return nil
	}
	rules, err := s.rules(ctx, tx, b)
	if err != nil || rules == nil {
		return err
	}
	full := "s3:" + event
	var ds []events.Delivery
	var rec *eventRecord
	for i := range rules.list {
		r := &rules.list[i]
		if !r.matches(full, o.key) {
			continue
		}
		if rec == nil {
			rec = s.eventRecord(ctx, b, event, o)
		}
		rec.S3.ConfigurationID = r.id
		payload, err := marshalNoEscape(eventMessage{Records: []*eventRecord{rec}})
		if err != nil {
			return err
		}
		d := events.Delivery{Kind: r.kind, Target: r.target, Payload: payload,
			// One destination gets the events of one key in order; a
			// destination that fails does not hold up the others.
			OrderKey: r.target + " s3://" + b.name + "/" + o.key}
		if r.kind == "sns" {
			d.Attrs = map[string]string{"subject": "Amazon S3 Notification"}
		}
		ds = append(ds, d)
	}
	if rules.eventBridge {
		if rec == nil {
			rec = s.eventRecord(ctx, b, event, o)
		}
		if d, ok := s.eventBridgeDelivery(b, event, o, rec); ok {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	return s.events.Enqueue(ctx, tx, ds...)
}

// eventMessage is the S3 event notification message.
type eventMessage struct {
	Records []*eventRecord `json:"Records"`
}

type eventPrincipal struct {
	PrincipalID string `json:"principalId"`
}

type eventRecord struct {
	EventVersion      string         `json:"eventVersion"`
	EventSource       string         `json:"eventSource"`
	AWSRegion         string         `json:"awsRegion"`
	EventTime         string         `json:"eventTime"`
	EventName         string         `json:"eventName"`
	UserIdentity      eventPrincipal `json:"userIdentity"`
	RequestParameters struct {
		SourceIPAddress string `json:"sourceIPAddress"`
	} `json:"requestParameters"`
	ResponseElements struct {
		RequestID string `json:"x-amz-request-id"`
		HostID    string `json:"x-amz-id-2"`
	} `json:"responseElements"`
	S3 struct {
		SchemaVersion   string `json:"s3SchemaVersion"`
		ConfigurationID string `json:"configurationId"`
		Bucket          struct {
			Name          string         `json:"name"`
			OwnerIdentity eventPrincipal `json:"ownerIdentity"`
			ARN           string         `json:"arn"`
		} `json:"bucket"`
		Object eventObject `json:"object"`
	} `json:"s3"`
}

type eventObject struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer,omitempty"`
}

// eventRecord builds the record of event on o (ConfigurationID is set per
// destination).
func (s *Service) eventRecord(ctx context.Context, b *bucket, event string, o *object) *eventRecord {
	ri := reqinfo.From(ctx)
	now := s.clk.Now().UTC()
	r := &eventRecord{
		EventVersion: eventVersion(event),
		EventSource:  "aws:s3",
		AWSRegion:    b.region,
		EventTime:    now.Format("2006-01-02T15:04:05.000Z"),
		EventName:    event,
	}
	reqID := ri.RequestID
	if reqID == "" {
		reqID = newEventRequestID()
	}
	switch {
	case strings.HasPrefix(event, "Lifecycle"):
		// Done by S3 itself, not by a request.
		r.UserIdentity.PrincipalID = "s3.amazonaws.com"
		r.RequestParameters.SourceIPAddress = "s3.amazonaws.com"
	default:
		r.UserIdentity.PrincipalID = "anonymous"
		if ri.AccessKeyID != "" {
			r.UserIdentity.PrincipalID = "AWS:" + ri.AccessKeyID
		}
		r.RequestParameters.SourceIPAddress = ri.SourceIP
		if r.RequestParameters.SourceIPAddress == "" {
			r.RequestParameters.SourceIPAddress = "127.0.0.1"
		}
	}
	r.ResponseElements.RequestID = reqID
	r.ResponseElements.HostID = reqID // as the x-amz-id-2 response header
	r.S3.SchemaVersion = "1.0"
	r.S3.Bucket.Name = b.name
	r.S3.Bucket.OwnerIdentity.PrincipalID = eventCustomerID(b.account)
	r.S3.Bucket.ARN = "arn:aws:s3:::" + b.name

	obj := &r.S3.Object
	obj.Key = eventKey(o.key)
	if b.versioning != "" {
		obj.VersionID = o.versionID
	}
	group, _, _ := strings.Cut(event, ":")
	switch group {
	case "ObjectRemoved", "LifecycleExpiration":
		obj.Sequencer = sequencer(s.eventSeq(event, o, now))
	case "ObjectTagging", "ObjectAcl":
		obj.ETag = o.etag
	default: // ObjectCreated, ObjectRestore, ...
		size := o.size
		obj.Size = &size
		obj.ETag = o.etag
		obj.Sequencer = sequencer(s.eventSeq(event, o, now))
	}
	return r
}

// eventSeq is the sequence number of the event: the version's own for a
// version just written (puts, delete markers), else one above it and not
// below the clock, so that the sequencers of one key only grow.
func (s *Service) eventSeq(event string, o *object, now time.Time) int64 {
	if strings.HasPrefix(event, "ObjectCreated:") || strings.HasSuffix(event, ":DeleteMarkerCreated") {
		return o.seq
	}
	return max(now.UnixNano(), o.seq+1)
}

// sequencer formats a sequence number as S3's sequencer: upper-case hex,
// compared by S3's rule (left-padded with zeros, then as strings).
func sequencer(seq int64) string { return fmt.Sprintf("%018X", seq) }

// eventVersion is the version of the event structure S3 uses for event.
func eventVersion(event string) string {
	group, _, _ := strings.Cut(event, ":")
	switch {
	case group == "Replication":
		return "2.2"
	case group == "ObjectTagging", group == "ObjectAcl", group == "LifecycleExpiration", group == "LifecycleTransition",
		group == "IntelligentTiering", event == "ObjectRestore:Delete":
		return "2.3"
	}
	return "2.1"
}

// eventKey URL-encodes an object key as S3 event messages carry it: form
// encoding (a space is '+'), slashes kept.
func eventKey(k string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '*', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

// eventCustomerID is the account's "Amazon customer ID" as events show owners.
func eventCustomerID(account string) string {
	return "A" + strings.ToUpper(canonicalID(account)[:13])
}

func newEventRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// marshalNoEscape is json.Marshal without HTML escaping (S3 sends '&' as is).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// testEvent is the message S3 sends to a destination when a configuration
// is put.
type testEvent struct {
	Service   string `json:"Service"`
	Event     string `json:"Event"`
	Time      string `json:"Time"`
	Bucket    string `json:"Bucket"`
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
}

// PutBucketNotificationConfiguration replaces the bucket's notification
// configuration (an empty one turns notifications off). Unless told to
// skip it, S3 checks that every queue and function exists and sends each
// queue an s3:TestEvent.
func (s *Service) PutBucketNotificationConfiguration(ctx context.Context, in *s3api.PutBucketNotificationConfigurationRequest) error {
	name := deref(in.Bucket)
	b, err := s.bucketOf(ctx, name)
	if err != nil {
		return err
	}
	cfg, err := normalizeNotification(in.NotificationConfiguration, b.region)
	if err != nil {
		return err
	}
	if !deref(in.SkipDestinationValidation) {
		if err := s.checkDestinations(ctx, name, cfg); err != nil {
			return err
		}
	}
	empty := len(cfg.QueueConfigurations)+len(cfg.TopicConfigurations)+len(cfg.LambdaFunctionConfigurations) == 0 && cfg.EventBridgeConfiguration == nil
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, name); err != nil {
			return err
		}
		if empty {
			if _, err := tx.Exec(ctx, "DELETE FROM s3_bucket_config WHERE bucket = ? AND kind = ?", name, notificationKind); err != nil {
				return err
			}
		} else if err := s.putConfigTx(ctx, tx, name, notificationKind, cfg); err != nil {
			return err
		}
		tx.Notify(notificationChannel, name)
		tx.AfterCommit(func() { s.notif.invalidate(name) })
		return nil
	})
}

// GetBucketNotificationConfiguration returns the bucket's notification
// configuration (empty when it has none).
func (s *Service) GetBucketNotificationConfiguration(ctx context.Context, in *s3api.GetBucketNotificationConfigurationRequest) (*s3api.NotificationConfiguration, error) {
	var cfg s3api.NotificationConfiguration
	if _, err := s.getConfig(ctx, deref(in.Bucket), notificationKind, &cfg); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func notifInvalid(msg, name, value string) error {
	return s3Err("InvalidArgument", msg, http.StatusBadRequest, "ArgumentName", name, "ArgumentValue", value)
}

// normalizeNotification validates a configuration and returns it as it is
// stored: Ids generated where missing, filter rule names capitalized.
func normalizeNotification(in *s3api.NotificationConfiguration, region string) (*s3api.NotificationConfiguration, error) {
	out := &s3api.NotificationConfiguration{}
	if in == nil {
		return out, nil
	}
	if in.EventBridgeConfiguration != nil {
		out.EventBridgeConfiguration = &s3api.EventBridgeConfiguration{}
	}
	var rules []notifRule
	ids := map[string]bool{}
	// check validates one configuration and returns its Id and filter.
	check := func(service, argName, arn string, id *string, evs []string, f *s3api.NotificationConfigurationFilter) (*string, *s3api.NotificationConfigurationFilter, error) {
		if err := checkARN(service, argName, arn, region); err != nil {
			return nil, nil, err
		}
		if len(evs) == 0 {
			return nil, nil, notifMalformed()
		}
		for _, e := range evs {
			if !notificationEvents[e] {
				return nil, nil, notifInvalid("The event is not supported for notifications", "Event", e)
			}
		}
		nf, err := normalizeFilter(f)
		if err != nil {
			return nil, nil, err
		}
		v := deref(id)
		if len(v) > 255 {
			return nil, nil, notifInvalid("ID length exceeded allowed limit of 255", "Id", v)
		}
		if v == "" {
			v = newNotificationID()
		}
		if ids[v] {
			return nil, nil, notifInvalid("Same ID used for multiple configurations. IDs must be unique.", "Id", v)
		}
		ids[v] = true
		r := notifRule{id: v, target: arn, events: evs, filtered: nf != nil}
		r.prefix, r.suffix = filterValues(nf)
		rules = append(rules, r)
		return &v, nf, nil
	}
	for _, c := range in.TopicConfigurations {
		id, f, err := check("sns", "TopicArn", deref(c.TopicArn), c.Id, c.Events, c.Filter)
		if err != nil {
			return nil, err
		}
		out.TopicConfigurations = append(out.TopicConfigurations, s3api.TopicConfiguration{Id: id, TopicArn: c.TopicArn, Events: c.Events, Filter: f})
	}
	for _, c := range in.QueueConfigurations {
		id, f, err := check("sqs", "QueueArn", deref(c.QueueArn), c.Id, c.Events, c.Filter)
		if err != nil {
			return nil, err
		}
		out.QueueConfigurations = append(out.QueueConfigurations, s3api.QueueConfiguration{Id: id, QueueArn: c.QueueArn, Events: c.Events, Filter: f})
	}
	for _, c := range in.LambdaFunctionConfigurations {
		id, f, err := check("lambda", "LambdaFunctionArn", deref(c.LambdaFunctionArn), c.Id, c.Events, c.Filter)
		if err != nil {
			return nil, err
		}
		out.LambdaFunctionConfigurations = append(out.LambdaFunctionConfigurations, s3api.LambdaFunctionConfiguration{Id: id, LambdaFunctionArn: c.LambdaFunctionArn, Events: c.Events, Filter: f})
	}
	// Two configurations may not both match one event of one key.
	for i := range rules {
		for j := 0; j < i; j++ {
			a, b := &rules[i], &rules[j]
			if !eventsOverlap(a.events, b.events) {
				continue
			}
			if !(strings.HasPrefix(a.prefix, b.prefix) || strings.HasPrefix(b.prefix, a.prefix)) ||
				!(strings.HasSuffix(a.suffix, b.suffix) || strings.HasSuffix(b.suffix, a.suffix)) {
				continue
			}
			if !a.filtered && !b.filtered {
				return nil, s3Err("InvalidArgument", "Configurations overlap. Configurations on the same bucket cannot share a common event type.", http.StatusBadRequest)
			}
			return nil, s3Err("InvalidArgument", "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.", http.StatusBadRequest)
		}
	}
	return out, nil
}

func eventsOverlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if eventIncludes(x, y) || eventIncludes(y, x) {
				return true
			}
		}
	}
	return false
}

// checkARN checks the form and the region of a destination ARN.
func checkARN(service, argName, arn, region string) error {
	parts := strings.SplitN(arn, ":", 6)
	ok := len(parts) == 6 && parts[0] == "arn" && strings.HasPrefix(parts[1], "aws") && parts[2] == service &&
		parts[3] != "" && parts[4] != "" && parts[5] != ""
	if ok && service == "lambda" {
		fn, rest, _ := strings.Cut(parts[5], ":")
		name, _, _ := strings.Cut(rest, ":")
		ok = fn == "function" && name != ""
	}
	if !ok {
		return notifInvalid("The ARN could not be parsed", argName, arn)
	}
	if parts[3] != region {
		return notifInvalid("The notification destination service region is not valid for the bucket location constraint", argName, arn)
	}
	return nil
}

// dropAccepted removes the model violations S3 does not treat as errors:
// filter rule names of notification configurations are checked (in any
// case) by normalizeFilter, with S3's messages.
func dropAccepted(op string, vs []model.Violation) []model.Violation {
	if op != "PutBucketNotificationConfiguration" {
		return vs
	}
	out := vs[:0:0]
	for _, v := range vs {
		if v.Kind == "enum" && v.Member == "Name" && strings.Contains(v.Path, "FilterRules") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// normalizeFilter validates a key filter and spells its rule names as S3
// returns them; nil when it has no rules.
func normalizeFilter(f *s3api.NotificationConfigurationFilter) (*s3api.NotificationConfigurationFilter, error) {
	if f == nil || f.Key == nil || len(f.Key.FilterRules) == 0 {
		return nil, nil
	}
	out := &s3api.NotificationConfigurationFilter{Key: &s3api.S3KeyFilter{}}
	seen := map[string]bool{}
	for _, r := range f.Key.FilterRules {
		name, value := deref(r.Name), deref(r.Value)
		var norm string
		switch strings.ToLower(name) {
		case "prefix":
			norm = "Prefix"
		case "suffix":
			norm = "Suffix"
		default:
			return nil, notifInvalid("filter rule name must be either prefix or suffix", "FilterRule", name)
		}
		if seen[norm] {
			return nil, notifInvalid("Cannot specify more than one "+strings.ToLower(norm)+" rule in a filter.", "FilterRule", name)
		}
		seen[norm] = true
		if len(value) > 1024 {
			return nil, notifInvalid("Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation", "FilterRule", name)
		}
		out.Key.FilterRules = append(out.Key.FilterRules, s3api.FilterRule{Name: ptr(norm), Value: ptr(value)})
	}
	return out, nil
}

// newNotificationID is an Id as S3 generates them: a UUID, base64-encoded.
func newNotificationID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	u := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	return base64.StdEncoding.EncodeToString([]byte(u))
}

// checkDestinations checks that the queues and functions of cfg exist and
// sends each queue the s3:TestEvent, as S3 does before it accepts a
// configuration; topics get the test event too.
func (s *Service) checkDestinations(ctx context.Context, bucket string, cfg *s3api.NotificationConfiguration) error {
	t := s.notif.targets.Load()
	if t == nil {
		return nil
	}
	var queues []string
	seen := map[string]bool{}
	for _, c := range cfg.QueueConfigurations {
		arn := deref(c.QueueArn)
		if seen[arn] {
			continue
		}
		seen[arn] = true
		queues = append(queues, arn)
		if t.Queue == nil {
			continue
		}
		exists, fifo, err := t.Queue(ctx, arn)
		if err != nil {
			return err
		}
		if !exists {
			return unableToValidate(arn, "The destination queue does not exist")
		}
		if fifo {
			return unableToValidate(arn, "FIFO SQS queues are not supported as S3 event notification destinations")
		}
	}
	for _, c := range cfg.LambdaFunctionConfigurations {
		arn := deref(c.LambdaFunctionArn)
		if seen[arn] || t.Function == nil {
			continue
		}
		seen[arn] = true
		exists, err := t.Function(ctx, arn)
		if err != nil {
			return err
		}
		if !exists {
			return unableToValidate(arn, "The destination Lambda does not exist")
		}
	}
	var topics []string
	for _, c := range cfg.TopicConfigurations {
		arn := deref(c.TopicArn)
		if seen[arn] || t.Topic == nil {
			continue
		}
		seen[arn] = true
		exists, fifo, err := t.Topic(ctx, arn)
		if err != nil {
			return err
		}
		if !exists {
			return unableToValidate(arn, "The destination topic does not exist")
		}
		if fifo {
			return unableToValidate(arn, "FIFO SNS topics are not supported as S3 event notification destinations")
		}
		topics = append(topics, arn)
	}
	if (t.SendQueue == nil || len(queues) == 0) && (t.PublishTopic == nil || len(topics) == 0) {
		return nil
	}
	ri := reqinfo.From(ctx)
	msg, err := marshalNoEscape(testEvent{Service: "Amazon S3", Event: "s3:TestEvent",
		Time: s.clk.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Bucket: bucket, RequestID: ri.RequestID, HostID: ri.RequestID})
	if err != nil {
		return err
	}
	for _, arn := range queues {
		if t.SendQueue == nil {
			break
		}
		if err := t.SendQueue(ctx, arn, string(msg)); err != nil {
			s.log.Warn("s3:TestEvent not delivered", "queue", arn, "err", err)
			return unableToValidate(arn, "Permissions on the destination queue do not allow S3 to publish notifications from this bucket")
		}
	}
	for _, arn := range topics {
		if t.PublishTopic == nil {
			break
		}
		if err := t.PublishTopic(ctx, arn, "Amazon S3 Notification", string(msg)); err != nil {
			s.log.Warn("s3:TestEvent not delivered", "topic", arn, "err", err)
			return unableToValidate(arn, "Permissions on the destination topic do not allow S3 to publish notifications from this bucket")
		}
	}
	return nil
}

func unableToValidate(arn, why string) error {
	return notifInvalid("Unable to validate the following destination configurations", arn, why)
}

func notifMalformed() error {
	return s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
}
