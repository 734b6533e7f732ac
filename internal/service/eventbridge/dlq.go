package eventbridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/store"
)

// errUnsupportedTarget is the failure of targets hako cannot call.
var errUnsupportedTarget = errors.New("eventbridge: this target type is not supported by hako")

// deliverUnsupported fails a delivery to a target type hako does not
// implement, at once, so that its dead-letter queue receives the event.
func deliverUnsupported(ctx context.Context, d *events.Delivery) error {
	return events.Permanent(fmt.Errorf("%w: %s", errUnsupportedTarget, d.Target))
}

// errorCode classifies a delivery failure with the codes AWS puts in a
// dead letter's ERROR_CODE.
func errorCode(msg, reason string) string {
	switch {
	case strings.Contains(msg, "not supported by hako"):
		return "INVALID_PARAMETER"
	case strings.Contains(msg, "does not exist"):
		return "NO_RESOURCE"
	case strings.Contains(msg, "message rejected"):
		return "INVALID_PARAMETER"
	case reason == "permanent":
		return "ERROR_FROM_TARGET"
	}
	return "SDK_CLIENT_ERROR"
}

// deliverDLQ turns a target's dead letter into a message of the dead-letter
// queue carrying the attributes EventBridge sets: RULE_ARN, TARGET_ARN,
// ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION (when retries ran
// out) and RETRY_ATTEMPTS. The message is written as an "sqs" delivery.
func (s *Service) deliverDLQ(ctx context.Context, d *events.Delivery) error {
	attrs := map[string]sqsapi.MessageAttributeValue{}
	set := func(name, typ, v string) {
		if v != "" {
			attrs[name] = sqsapi.MessageAttributeValue{DataType: str(typ), StringValue: str(v)}
		}
	}
	msg, reason := d.Attrs["deadLetter.error"], d.Attrs["deadLetter.reason"]
	set("RULE_ARN", "String", d.Attrs["ruleArn"])
	set("TARGET_ARN", "String", d.Attrs["targetArn"])
	set("ERROR_CODE", "String", errorCode(msg, reason))
	set("ERROR_MESSAGE", "String", msg)
	switch reason {
	case "maxAttempts":
		set("EXHAUSTED_RETRY_CONDITION", "String", "MaximumRetryAttempts")
	case "maxAge":
		set("EXHAUSTED_RETRY_CONDITION", "String", "MaximumEventAgeInSeconds")
	}
	if n, err := strconv.Atoi(d.Attrs["deadLetter.attempts"]); err == nil {
		set("RETRY_ATTEMPTS", "Number", strconv.Itoa(max(n-1, 0)))
	}
	ma, err := json.Marshal(attrs)
	if err != nil {
		return events.Permanent(err)
	}
	out := events.Delivery{Kind: "sqs", Target: d.Target, Payload: d.Payload,
		Attrs: map[string]string{"sender": sqsSender, "messageAttributes": string(ma)}}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		return s.out.Enqueue(ctx, tx, out)
	})
}
