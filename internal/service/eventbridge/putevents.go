package eventbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/pattern"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// maxEntriesSize is the limit of a PutEvents request's entries, measured
// as AWS documents ("Calculating PutEvents event entry size").
const maxEntriesSize = 256 * 1024

// sqsSender is the SenderId of the messages EventBridge sends to queues.
const sqsSender = "AIDAHAKOEVENTBRIDGE"

// timeFormat is the event "time": RFC 3339, seconds, UTC.
const timeFormat = "2006-01-02T15:04:05Z"

// event is an event on its way to a bus, as the JSON rules and targets see.
type event struct {
	id, detailType, source, account, region, time string
	resources                                     []string
	detail                                        []byte // a JSON object, compact
	replayName                                    string
	raw                                           []byte
}

// build writes the event's JSON in AWS's field order.
func (e *event) build() {
	b := make([]byte, 0, 192+len(e.detail)+len(e.source)+len(e.detailType))
	b = append(b, `{"version":"0","id":`...)
	b = appendString(b, e.id)
	b = append(b, `,"detail-type":`...)
	b = appendString(b, e.detailType)
	b = append(b, `,"source":`...)
	b = appendString(b, e.source)
	b = append(b, `,"account":`...)
	b = appendString(b, e.account)
	b = append(b, `,"time":`...)
	b = appendString(b, e.time)
	b = append(b, `,"region":`...)
	b = appendString(b, e.region)
	b = append(b, `,"resources":[`...)
	for i, r := range e.resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, r)
	}
	b = append(b, `],"detail":`...)
	b = append(b, e.detail...)
	if e.replayName != "" {
		b = append(b, `,"replay-name":`...)
		b = appendString(b, e.replayName)
	}
	e.raw = append(b, '}')
}

// withReplayName returns the event JSON raw with "replay-name" added.
func withReplayName(raw []byte, name string) []byte {
	i := bytes.LastIndexByte(raw, '}')
	if i < 0 {
		return raw
	}
	b := append([]byte(nil), raw[:i]...)
	b = append(b, `,"replay-name":`...)
	b = appendString(b, name)
	return append(b, '}')
}

// entrySize is an entry's size as AWS counts it: 14 bytes for Time, and
// the UTF-8 bytes of Source, DetailType, Detail and each resource.
func entrySize(e *eventbridgeapi.PutEventsRequestEntry) int {
	n := len(deref(e.Source)) + len(deref(e.DetailType)) + len(deref(e.Detail))
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// entryError is a failed PutEvents entry.
func entryError(code, msg string) eventbridgeapi.PutEventsResultEntry {
	return eventbridgeapi.PutEventsResultEntry{ErrorCode: str(code), ErrorMessage: str(msg)}
}

// checkEntry validates an entry as AWS does, in AWS's order.
func checkEntry(e *eventbridgeapi.PutEventsRequestEntry) (detail []byte, fail *eventbridgeapi.PutEventsResultEntry) {
	switch {
	case deref(e.Source) == "":
		r := entryError("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")
		return nil, &r
	case deref(e.DetailType) == "":
		r := entryError("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.")
		return nil, &r
	case deref(e.Detail) == "":
		r := entryError("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.")
		return nil, &r
	}
	d := bytes.TrimSpace([]byte(*e.Detail))
	var buf bytes.Buffer
	if len(d) == 0 || d[0] != '{' || json.Compact(&buf, d) != nil {
		r := entryError("MalformedDetail", "Detail is malformed.")
		return nil, &r
	}
	if strings.HasPrefix(*e.Source, "aws.") {
		r := entryError("NotAuthorizedForSourceException", "Not authorized for the source.")
		return nil, &r
	}
	return buf.Bytes(), nil
}

// PutEvents accepts up to 10 events. Each valid entry gets an id; the
// deliveries of all matched targets and the archive copies are written in
// one transaction. An entry for a bus that does not exist is accepted and
// dropped, as AWS does.
func (s *Service) PutEvents(ctx context.Context, in *eventbridgeapi.PutEventsRequest) (*eventbridgeapi.PutEventsResponse, error) {
	total := 0
	for i := range in.Entries {
		total += entrySize(&in.Entries[i])
	}
	if total > maxEntriesSize {
		return nil, errValidation("Total size of the entries in the request is over the limit.")
	}
	info := reqinfo.From(ctx)
	now := s.clk.Now()
	out := &eventbridgeapi.PutEventsResponse{Entries: make([]eventbridgeapi.PutEventsResultEntry, len(in.Entries))}
	var failed int32
	var plan delivPlan
	for i := range in.Entries {
		en := &in.Entries[i]
		detail, fail := checkEntry(en)
		if fail != nil {
			out.Entries[i] = *fail
			failed++
			continue
		}
		k := busOf(ctx, en.EventBusName)
		br, err := s.cache.get(ctx, k)
		if err != nil {
			return nil, err
		}
		e := &event{id: uuid.NewString(), detailType: *en.DetailType, source: *en.Source, account: info.Account,
			region: info.Region, time: now.UTC().Format(timeFormat), resources: en.Resources, detail: detail}
		if en.Time != nil {
			e.time = en.Time.UTC().Format(timeFormat)
		}
		e.build()
		out.Entries[i].EventId = str(e.id)
		if br.exists {
			if err := plan.match(br, e.raw, e.id, nil, now); err != nil {
				return nil, err
			}
		}
	}
	out.FailedEntryCount = &failed
	if err := s.commit(ctx, &plan); err != nil {
		return nil, err
	}
	return out, nil
}

// delivPlan is what a set of events causes: outbox deliveries and archive
// copies, written together by commit.
type delivPlan struct {
	ds       []events.Delivery
	archived []archived
}

type archived struct {
	arn, id string
	at      int64
	body    []byte
}

// match matches one event against a bus's rules (only those in filter,
// when set) and plans the deliveries of every matched target.
func (p *delivPlan) match(br *busRules, raw []byte, id string, filter map[string]bool, now time.Time) error {
	if len(br.rules) == 0 {
		return nil
	}
	pe, err := pattern.ParseEvent(raw)
	if err != nil {
		return err
	}
	match := func(r *crule) {
		if filter != nil && !filter[r.arn] {
			return
		}
		if r.pat.MatchEvent(pe) {
			p.targets(r.arn, r.name, r.targets, raw, id, now, time.Time{})
		}
	}
	if src, ok := pe.TopString("source"); ok && br.bySource != nil {
		for _, i := range br.candidates(src, true) {
			match(br.rules[i])
		}
		return nil
	}
	for _, r := range br.rules {
		match(r)
	}
	return nil
}

// targets plans the deliveries of one matched rule's targets. created
// dates the deliveries (a late scheduled firing); zero means now.
func (p *delivPlan) targets(ruleArn, ruleName string, ts []*target, raw []byte, id string, now, created time.Time) {
	for _, t := range ts {
		if t.kind == "archive" {
			p.archived = append(p.archived, archived{arn: t.arn, id: id, at: now.UnixMilli(), body: raw})
			continue
		}
		payload, ok := t.payload(raw, ruleArn, ruleName, now)
		if !ok {
			continue
		}
		retry := t.retry
		d := events.Delivery{Kind: t.kind, Target: t.arn, Payload: payload, Retry: &retry, CreatedAt: created}
		switch t.kind {
		case "sqs":
			d.Attrs = map[string]string{"sender": sqsSender}
			if t.fifo {
				d.Attrs["groupId"] = t.groupID
				d.Attrs["defaultDedupId"] = id // unless the queue deduplicates by content
			}
		case kindUnsupported:
			d.Retry = nil
		}
		if t.dlq != "" {
			d.DeadLetter = &events.Delivery{Kind: kindDLQ, Target: t.dlq, Payload: raw,
				Attrs: map[string]string{"ruleArn": ruleArn, "targetArn": t.arn}}
		}
		p.ds = append(p.ds, d)
	}
}

// commit writes a plan in one transaction.
func (s *Service) commit(ctx context.Context, p *delivPlan) error {
	if len(p.ds) == 0 && len(p.archived) == 0 {
		return nil
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		return s.write(ctx, tx, p)
	})
}

func (s *Service) write(ctx context.Context, tx *store.Tx, p *delivPlan) error {
	for _, a := range p.archived {
		if _, err := tx.Exec(ctx, `INSERT INTO eb_archive_events (archive_arn, id, archived_at, size, body) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (archive_arn, id) DO NOTHING`, a.arn, a.id, a.at, len(a.body), string(a.body)); err != nil {
			return err
		}
	}
	return s.out.Enqueue(ctx, tx, p.ds...)
}

// payload is what the target receives for the event raw: the event, its
// Input, the value at its InputPath or its filled InputTemplate. A bus
// target always receives the whole event. False when InputPath selects
// nothing (nothing is sent; an assumption).
func (t *target) payload(raw []byte, ruleArn, ruleName string, now time.Time) ([]byte, bool) {
	switch {
	case t.kind == "events":
		return raw, true
	case t.hasInput:
		return t.input, true
	case t.hasPath:
		return t.inputPath.lookup(raw)
	case t.tmpl != nil:
		return t.tmpl.render(func(name string) ([]byte, bool) {
			switch name {
			case varRuleARN:
				return appendString(nil, ruleArn), true
			case varRuleName:
				return appendString(nil, ruleName), true
			case varIngestion:
				return appendString(nil, now.UTC().Format(timeFormat)), true
			case varEvent:
				return eventWithoutDetail(raw), true
			case varEventJSON:
				return raw, true
			}
			return t.paths[name].lookup(raw)
		}), true
	}
	return raw, true
}

// eventWithoutDetail is <aws.events.event>: the event without its detail,
// detail-type spelled detailType, in the order AWS sends it.
func eventWithoutDetail(raw []byte) []byte {
	b := []byte{'{'}
	n := 0
	for _, f := range [][2]string{{"id", "id"}, {"account", "account"}, {"detail-type", "detailType"}, {"time", "time"},
		{"source", "source"}, {"region", "region"}, {"resources", "resources"}, {"version", "version"}, {"replay-name", "replay-name"}} {
		v, ok := jsonPath{{key: f[0]}}.lookup(raw)
		if !ok {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, f[1])
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}')
}

// PutEventInternal puts ev on the bus busARN (an event bus ARN; a bare name
// is not accepted) on behalf of another service, matching rules as
// PutEvents does. The event's account and region are the bus's.
func (s *Service) PutEventInternal(ctx context.Context, busARN string, ev Event) error {
	k, ok := busARNKey(busARN)
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoSuchBus, busARN)
	}
	br, err := s.cache.get(ctx, k)
	if err != nil {
		return err
	}
	if !br.exists {
		return fmt.Errorf("%w: %s", ErrNoSuchBus, busARN)
	}
	detail := bytes.TrimSpace(ev.Detail)
	var buf bytes.Buffer
	if len(detail) == 0 {
		buf.WriteString("{}")
	} else if err := json.Compact(&buf, detail); err != nil || detail[0] != '{' {
		return fmt.Errorf("eventbridge: event detail is not a JSON object")
	}
	now := s.clk.Now()
	e := &event{id: uuid.NewString(), detailType: ev.DetailType, source: ev.Source, account: k.account, region: k.region,
		time: now.UTC().Format(timeFormat), resources: ev.Resources, detail: buf.Bytes()}
	e.build()
	var plan delivPlan
	if err := plan.match(br, e.raw, e.id, nil, now); err != nil {
		return err
	}
	return s.commit(ctx, &plan)
}

// DeliverToBus handles "events" outbox deliveries: the payload is a whole
// event (the JSON a rule's target receives) sent on to the bus d.Target,
// as a rule whose target is another bus does. The event keeps its id,
// account and region.
func (s *Service) DeliverToBus(ctx context.Context, d *events.Delivery) error {
	k, ok := busARNKey(d.Target)
	if !ok {
		return events.Permanent(fmt.Errorf("%w: %s", ErrNoSuchBus, d.Target))
	}
	br, err := s.cache.get(ctx, k)
	if err != nil {
		return err
	}
	if !br.exists {
		return events.Permanent(fmt.Errorf("%w: Event bus %s does not exist.", ErrNoSuchBus, k.name))
	}
	if !utf8.Valid(d.Payload) || !json.Valid(d.Payload) {
		return events.Permanent(fmt.Errorf("eventbridge: delivery %s: the event is not JSON", d.ID))
	}
	id := d.ID
	if v, ok := (jsonPath{{key: "id"}}).lookup(d.Payload); ok {
		id, _ = unquote(v)
	}
	var plan delivPlan
	if err := plan.match(br, d.Payload, id, nil, s.clk.Now()); err != nil {
		return events.Permanent(err)
	}
	return s.commit(ctx, &plan)
}
