package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
)

// The outbox kinds of deliveries. The server handles the first four;
// kindUnsupported is the scheduler's own: a target hako cannot invoke,
// which fails permanently (to the dead-letter queue, if any).
const (
	kindSQS         = "sqs"
	kindLambda      = "lambda"
	kindSNS         = "sns"
	kindEvents      = "events"
	kindUnsupported = "scheduler.unsupported"
)

// sender is the SenderId of the messages the scheduler sends to queues.
const sender = "AROAHAKOSCHEDULER:scheduler"

// The message attributes of dead letters. The first two are filled by
// the outbox from the failed delivery (see events.Delivery.DeadLetter).
const (
	attrAttempt     = "X-Amz-Scheduler-Attempt"
	attrError       = "ERROR_MESSAGE"
	attrScheduleARN = "X-Amz-Scheduler-Schedule-Arn"
	attrSchedule    = "X-Amz-Scheduler-Schedule"
	attrGroup       = "X-Amz-Scheduler-Group"
	attrTargetARN   = "X-Amz-Scheduler-Target-Arn"
)

// deliverUnsupported fails the deliveries to targets hako cannot invoke.
func deliverUnsupported(ctx context.Context, d *events.Delivery) error {
	return events.Permanent(errors.New(d.Attrs["reason"]))
}

// arnService returns the service of an ARN ("sqs", "lambda", ...).
func arnService(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[2]
}

// targetKind is the kind of delivery a templated target's ARN takes.
func targetKind(arn string) string {
	switch arnService(arn) {
	case "sqs":
		return kindSQS
	case "lambda":
		return kindLambda
	case "sns":
		return kindSNS
	case "events":
		if strings.Contains(arn, ":event-bus/") {
			return kindEvents
		}
	}
	return kindUnsupported
}

// firing is one scheduled invocation of a schedule's target.
type firing struct {
	r    *schedRow
	at   time.Time // the scheduled time
	exec string    // the execution id
}

func newFiring(r *schedRow, at int64) *firing {
	t := time.UnixMilli(at).UTC()
	sum := sha256.Sum256([]byte(r.arn() + "\x00" + strconv.FormatInt(at, 10) + "\x00" + strconv.FormatInt(r.created, 10)))
	return &firing{r: r, at: t, exec: hex.EncodeToString(sum[:8])}
}

// input is the target's Input with the context attributes replaced. The
// attempt number is always 1: the payload is fixed when the firing is
// recorded, and the outbox retries it unchanged.
func (f *firing) input() string {
	in := "{}" // assumption: AWS's payload when Input is absent
	if f.r.spec.Target.Input != nil {
		in = *f.r.spec.Target.Input
	}
	if !strings.Contains(in, "<aws.scheduler.") {
		return in
	}
	return strings.NewReplacer(
		"<aws.scheduler.schedule-arn>", f.r.arn(),
		"<aws.scheduler.scheduled-time>", f.at.Format(time.RFC3339),
		"<aws.scheduler.execution-id>", f.exec,
		"<aws.scheduler.attempt-number>", "1",
	).Replace(in)
}

// delivery is the outbox delivery that invokes the target.
func (f *firing) delivery() events.Delivery {
	t := &f.r.spec.Target
	arn := *t.Arn
	in := f.input()
	var d events.Delivery
	if strings.HasPrefix(arn, "arn:aws:scheduler:::aws-sdk:") {
		d = f.universal(strings.TrimPrefix(arn, "arn:aws:scheduler:::aws-sdk:"), in)
	} else {
		d = f.templated(arn, in)
	}
	rp := t.RetryPolicy
	d.Retry = &events.Retry{MaxAttempts: int(*rp.MaximumRetryAttempts) + 1, MaxAge: time.Duration(*rp.MaximumEventAgeInSeconds) * time.Second}
	d.CreatedAt = f.at
	if t.DeadLetterConfig != nil && t.DeadLetterConfig.Arn != nil {
		dl := f.deadLetter(d.Payload, nil)
		d.DeadLetter = &dl
	}
	return d
}

func (f *firing) templated(arn, in string) events.Delivery {
	t := &f.r.spec.Target
	d := events.Delivery{Kind: targetKind(arn), Target: arn, Payload: []byte(in)}
	switch d.Kind {
	case kindSQS:
		d.Attrs = map[string]string{"sender": sender}
		if t.SqsParameters != nil && t.SqsParameters.MessageGroupId != nil {
			// A FIFO queue: one deduplication id per firing, so that a
			// retried send is not a second message.
			d.Attrs["groupId"], d.Attrs["dedupId"] = *t.SqsParameters.MessageGroupId, f.exec
		}
	case kindEvents:
		ev, err := f.event(in)
		if err != nil {
			return unsupported(arn, in, err.Error())
		}
		d.Payload = ev
	case kindUnsupported:
		return unsupported(arn, in, "hako does not invoke "+arnService(arn)+" targets: "+arn)
	}
	return d
}

// event builds the EventBridge event a PutEvents target receives: Detail
// is the Input, a JSON object.
func (f *firing) event(in string) ([]byte, error) {
	if !json.Valid([]byte(in)) || !strings.HasPrefix(strings.TrimSpace(in), "{") {
		return nil, errors.New("the Input of an EventBridge target must be a JSON object")
	}
	detailType, source := "Scheduled Event", "aws.scheduler" // assumption: defaults when EventBridgeParameters is absent
	if p := f.r.spec.Target.EventBridgeParameters; p != nil {
		detailType, source = deref(p.DetailType), deref(p.Source)
	}
	return json.Marshal(map[string]any{
		"version": "0", "id": uuid.NewString(), "detail-type": detailType, "source": source,
		"account": f.r.sc.account, "time": f.at.Format(time.RFC3339), "region": f.r.sc.region,
		"resources": []string{f.r.arn()}, "detail": json.RawMessage(in),
	})
}

// unsupported is a delivery that fails permanently with reason.
func unsupported(arn, in, reason string) events.Delivery {
	return events.Delivery{Kind: kindUnsupported, Target: arn, Payload: []byte(in), Attrs: map[string]string{"reason": reason}}
}

// deadLetter is the message for the schedule's dead-letter queue. When
// fixed is nil the outbox fills the error and attempts of the failed
// delivery; otherwise fixed gives them.
func (f *firing) deadLetter(payload []byte, fixed map[string]string) events.Delivery {
	str := func(v string) map[string]string { return map[string]string{"DataType": "String", "StringValue": v} }
	attrs := map[string]map[string]string{
		attrScheduleARN: str(f.r.arn()),
		attrSchedule:    str(f.r.name),
		attrGroup:       str(f.r.group),
		attrTargetARN:   str(*f.r.spec.Target.Arn),
	}
	for k, v := range fixed {
		attrs[k] = str(v)
		if k == attrAttempt {
			attrs[k]["DataType"] = "Number"
		}
	}
	b, _ := json.Marshal(attrs)
	d := events.Delivery{Kind: kindSQS, Target: *f.r.spec.Target.DeadLetterConfig.Arn, Payload: payload,
		Attrs: map[string]string{"sender": sender, "messageAttributes": string(b)}}
	if fixed == nil {
		d.Attrs["errorAttribute"], d.Attrs["attemptsAttribute"] = attrError, attrAttempt
	}
	return d
}

// universal maps a universal target (arn:aws:scheduler:::aws-sdk:SERVICE:
// apiAction, Input = the action's parameters) to a delivery: SQS
// SendMessage, SNS Publish and Lambda Invoke; any other action fails.
func (f *firing) universal(action, in string) events.Delivery {
	arn := "arn:aws:scheduler:::aws-sdk:" + action
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		return unsupported(arn, in, "the Input of a universal target must be a JSON object of the action's parameters")
	}
	str := func(k string) string {
		var v string
		json.Unmarshal(p[k], &v)
		return v
	}
	switch strings.ToLower(action) {
	case "sqs:sendmessage":
		queue, ok := queueARN(str("QueueUrl"), f.r.sc)
		if !ok {
			return unsupported(arn, in, "sqs:sendMessage needs a QueueUrl")
		}
		d := events.Delivery{Kind: kindSQS, Target: queue, Payload: []byte(str("MessageBody")),
			Attrs: map[string]string{"sender": sender, "groupId": str("MessageGroupId"), "dedupId": str("MessageDeduplicationId")}}
		if a := p["MessageAttributes"]; len(a) > 0 {
			d.Attrs["messageAttributes"] = string(a)
		}
		return d
	case "sns:publish":
		topic := str("TopicArn")
		if topic == "" {
			topic = str("TargetArn")
		}
		if topic == "" {
			return unsupported(arn, in, "sns:publish needs a TopicArn")
		}
		d := events.Delivery{Kind: kindSNS, Target: topic, Payload: []byte(str("Message")),
			Attrs: map[string]string{"subject": str("Subject"), "groupId": str("MessageGroupId"), "dedupId": str("MessageDeduplicationId")}}
		if a := p["MessageAttributes"]; len(a) > 0 {
			d.Attrs["messageAttributes"] = string(a)
		}
		return d
	case "lambda:invoke":
		fn := str("FunctionName")
		if fn == "" {
			return unsupported(arn, in, "lambda:invoke needs a FunctionName")
		}
		if !strings.HasPrefix(fn, "arn:") {
			fn = "arn:aws:lambda:" + f.r.sc.region + ":" + f.r.sc.account + ":function:" + fn
		}
		payload := []byte(str("Payload")) // the SDK's blob: a JSON document as a string
		if raw := p["Payload"]; len(raw) > 0 && raw[0] != '"' {
			payload = raw // a JSON document given inline
		}
		if len(payload) == 0 {
			payload = []byte("{}")
		}
		return events.Delivery{Kind: kindLambda, Target: fn, Payload: payload}
	}
	return unsupported(arn, in, "hako does not invoke the universal target "+action)
}

// queueARN turns a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME,
// hako's http://HOST/ACCOUNT/NAME) into its ARN; the region defaults to
// the schedule's.
func queueARN(queueURL string, sc scope) (string, bool) {
	u, err := url.Parse(queueURL)
	if err != nil {
		return "", false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 {
		return "", false
	}
	account, name := parts[len(parts)-2], parts[len(parts)-1]
	if account == "" || name == "" {
		return "", false
	}
	region := sc.region
	if labels := strings.Split(u.Hostname(), "."); len(labels) >= 3 {
		switch {
		case labels[0] == "sqs":
			region = labels[1]
		case labels[1] == "queue":
			region = labels[0]
		}
	}
	return "arn:aws:sqs:" + region + ":" + account + ":" + name, true
}
