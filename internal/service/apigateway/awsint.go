package apigateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/eventbridgeapi"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// AWS service integrations (AWS_PROXY with an IntegrationSubtype): the
// integration's RequestParameters map the request to the action's
// parameters; hako calls its own SQS or EventBridge with the API's account
// and region and answers with the action's result as JSON.

// serviceIntegration runs an AWS service integration.
func (c *call) serviceIntegration(integ *integrationDoc) *result {
	p := map[string]string{}
	for k, expr := range integ.RequestParameters {
		p[k] = c.expand(expr, false)
	}
	region := c.a.region
	if r := p["Region"]; r != "" {
		region = r
	}
	ctx := reqinfo.With(context.WithoutCancel(c.r.Context()), &reqinfo.Info{Account: c.a.account, Region: region, RequestID: c.reqID,
		Host: c.domain, Scheme: "http", Service: "apigateway"})
	var out any
	var err error
	sub := str(integ.IntegrationSubtype)
	switch {
	case strings.HasPrefix(sub, "SQS-") && c.s.cfg.Queues == nil, strings.HasPrefix(sub, "EventBridge-") && c.s.cfg.Bus == nil:
		err = errors.New(sub + " is not available")
	case sub == "SQS-SendMessage":
		out, err = c.sqsSend(ctx, p)
	case sub == "SQS-ReceiveMessage":
		out, err = c.sqsReceive(ctx, p)
	case sub == "SQS-DeleteMessage":
		if err = required(p, "QueueUrl", "ReceiptHandle"); err == nil {
			err = c.s.cfg.Queues.DeleteMessage(ctx, &sqsapi.DeleteMessageRequest{QueueUrl: ptr(p["QueueUrl"]), ReceiptHandle: ptr(p["ReceiptHandle"])})
			out = map[string]any{"DeleteMessageResponse": map[string]any{"ResponseMetadata": map[string]string{"RequestId": c.reqID}}}
		}
	case sub == "SQS-PurgeQueue":
		if err = required(p, "QueueUrl"); err == nil {
			err = c.s.cfg.Queues.PurgeQueue(ctx, &sqsapi.PurgeQueueRequest{QueueUrl: ptr(p["QueueUrl"])})
			out = map[string]any{"PurgeQueueResponse": map[string]any{"ResponseMetadata": map[string]string{"RequestId": c.reqID}}}
		}
	case sub == "EventBridge-PutEvents":
		out, err = c.putEvents(ctx, p)
	default:
		err = errors.New("unsupported integration subtype " + sub)
	}
	if err != nil {
		var ae *awserr.Error
		c.integErr = err.Error()
		if errors.As(err, &ae) {
			status := ae.Status
			if status == 0 {
				status = http.StatusBadRequest
			}
			c.integStatus = status
			b, _ := json.Marshal(map[string]any{"Error": map[string]string{"Code": ae.Code, "Message": ae.Message}, "RequestId": c.reqID})
			h := http.Header{}
			h.Set("Content-Type", "application/json")
			return &result{status: status, header: h, body: b}
		}
		return messageResult(http.StatusInternalServerError, "Internal Server Error")
	}
	c.integStatus = http.StatusOK
	b, _ := json.Marshal(out)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &result{status: http.StatusOK, header: h, body: b}
}

// badParam is a missing or malformed integration parameter (AWS answers
// 400 for the request).
func badParam(msg string) error {
	return awserr.New("ValidationError", msg).WithStatus(http.StatusBadRequest)
}

func required(p map[string]string, names ...string) error {
	for _, n := range names {
		if p[n] == "" {
			return badParam("Parameter " + n + " is required for this integration")
		}
	}
	return nil
}

func optInt(p map[string]string, name string) (*int32, error) {
	v, ok := p[name]
	if !ok || v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, badParam("Parameter " + name + " must be an integer")
	}
	return ptr(int32(n)), nil
}

func (c *call) sqsSend(ctx context.Context, p map[string]string) (any, error) {
	if err := required(p, "QueueUrl", "MessageBody"); err != nil {
		return nil, err
	}
	in := &sqsapi.SendMessageRequest{QueueUrl: ptr(p["QueueUrl"]), MessageBody: ptr(p["MessageBody"])}
	var err error
	if in.DelaySeconds, err = optInt(p, "DelaySeconds"); err != nil {
		return nil, err
	}
	if v := p["MessageGroupId"]; v != "" {
		in.MessageGroupId = &v
	}
	if v := p["MessageDeduplicationId"]; v != "" {
		in.MessageDeduplicationId = &v
	}
	if v := p["MessageAttributes"]; v != "" {
		if err := json.Unmarshal([]byte(v), &in.MessageAttributes); err != nil {
			return nil, badParam("MessageAttributes must be a JSON object of message attribute values")
		}
	}
	res, err := c.s.cfg.Queues.SendMessage(ctx, in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"SendMessageResponse": map[string]any{
		"ResponseMetadata":  map[string]string{"RequestId": c.reqID},
		"SendMessageResult": res,
	}}, nil
}

func (c *call) sqsReceive(ctx context.Context, p map[string]string) (any, error) {
	if err := required(p, "QueueUrl"); err != nil {
		return nil, err
	}
	in := &sqsapi.ReceiveMessageRequest{QueueUrl: ptr(p["QueueUrl"])}
	var err error
	if in.MaxNumberOfMessages, err = optInt(p, "MaxNumberOfMessages"); err != nil {
		return nil, err
	}
	if in.VisibilityTimeout, err = optInt(p, "VisibilityTimeout"); err != nil {
		return nil, err
	}
	if in.WaitTimeSeconds, err = optInt(p, "WaitTimeSeconds"); err != nil {
		return nil, err
	}
	if v := p["AttributeNames"]; v != "" {
		in.AttributeNames = strings.Split(v, ",")
	}
	if v := p["MessageAttributeNames"]; v != "" {
		in.MessageAttributeNames = strings.Split(v, ",")
	}
	if v := p["ReceiveRequestAttemptId"]; v != "" {
		in.ReceiveRequestAttemptId = &v
	}
	res, err := c.s.cfg.Queues.ReceiveMessage(ctx, in)
	if err != nil {
		return nil, err
	}
	msgs := res.Messages
	if msgs == nil {
		msgs = []sqsapi.Message{}
	}
	return map[string]any{"ReceiveMessageResponse": map[string]any{
		"ResponseMetadata":     map[string]string{"RequestId": c.reqID},
		"ReceiveMessageResult": map[string]any{"messages": msgs},
	}}, nil
}

func (c *call) putEvents(ctx context.Context, p map[string]string) (any, error) {
	if err := required(p, "Detail", "DetailType", "Source"); err != nil {
		return nil, err
	}
	e := eventbridgeapi.PutEventsRequestEntry{Detail: ptr(p["Detail"]), DetailType: ptr(p["DetailType"]), Source: ptr(p["Source"])}
	if v := p["EventBusName"]; v != "" {
		e.EventBusName = &v
	}
	if v := p["TraceHeader"]; v != "" {
		e.TraceHeader = &v
	}
	if v := p["Resources"]; v != "" {
		e.Resources = strings.Split(v, ",")
	}
	if v := p["Time"]; v != "" {
		t, err := model.ParseTime(v)
		if err != nil {
			return nil, badParam("Time must be an ISO 8601 timestamp")
		}
		e.Time = &model.Timestamp{Time: t}
	}
	return c.s.cfg.Bus.PutEvents(ctx, &eventbridgeapi.PutEventsRequest{Entries: []eventbridgeapi.PutEventsRequestEntry{e}})
}
