package s3

import (
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
)

// S3's EventBridge notifications: with an EventBridgeConfiguration, every
// event of the bucket goes to the default event bus of the bucket's account
// and region, as an "events" outbox delivery of the whole EventBridge event
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).

// ebEvent is the EventBridge event S3 sends; the field order is AWS's.
type ebEvent struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     ebDetail `json:"detail"`
}

type ebDetail struct {
	Version string `json:"version"`
	Bucket  struct {
		Name string `json:"name"`
	} `json:"bucket"`
	Object struct {
		Key       string `json:"key"`
		Size      *int64 `json:"size,omitempty"`
		ETag      string `json:"etag,omitempty"`
		VersionID string `json:"version-id,omitempty"`
		Sequencer string `json:"sequencer,omitempty"`
	} `json:"object"`
	RequestID       string `json:"request-id"`
	Requester       string `json:"requester"`
	SourceIPAddress string `json:"source-ip-address,omitempty"`
	Reason          string `json:"reason,omitempty"`
	DeletionType    string `json:"deletion-type,omitempty"`
}

// ebTypes maps S3 event types to EventBridge detail types and reasons.
var ebTypes = map[string][2]string{
	"ObjectCreated:Put":                       {"Object Created", "PutObject"},
	"ObjectCreated:Post":                      {"Object Created", "POST Object"},
	"ObjectCreated:Copy":                      {"Object Created", "CopyObject"},
	"ObjectCreated:CompleteMultipartUpload":   {"Object Created", "CompleteMultipartUpload"},
	"ObjectRemoved:Delete":                    {"Object Deleted", "DeleteObject"},
	"ObjectRemoved:DeleteMarkerCreated":       {"Object Deleted", "DeleteObject"},
	"LifecycleExpiration:Delete":              {"Object Deleted", "Lifecycle Expiration"},
	"LifecycleExpiration:DeleteMarkerCreated": {"Object Deleted", "Lifecycle Expiration"},
	"ObjectTagging:Put":                       {"Object Tags Added", ""},
	"ObjectTagging:Delete":                    {"Object Tags Deleted", ""},
	"ObjectAcl:Put":                           {"Object ACL Updated", ""},
	"ObjectRestore:Post":                      {"Object Restore Initiated", ""},
	"ObjectRestore:Completed":                 {"Object Restore Completed", ""},
	"ObjectRestore:Delete":                    {"Object Restore Expired", ""},
}

// eventBridgeDelivery builds the delivery of event on o to the default bus;
// false for event types S3 does not send to EventBridge.
func (s *Service) eventBridgeDelivery(b *bucket, event string, o *object, rec *eventRecord) (events.Delivery, bool) {
	t, ok := ebTypes[event]
	if !ok {
		return events.Delivery{}, false
	}
	ev := ebEvent{Version: "0", ID: uuid.NewString(), DetailType: t[0], Source: "aws.s3", Account: b.account,
		Time: rec.EventTime[:19] + "Z", Region: b.region, Resources: []string{"arn:aws:s3:::" + b.name}}
	d := &ev.Detail
	d.Version = "0"
	d.Bucket.Name = b.name
	d.Object.Key = o.key
	d.Object.Size = rec.S3.Object.Size
	d.Object.ETag = strings.Trim(rec.S3.Object.ETag, `"`)
	d.Object.VersionID = rec.S3.Object.VersionID
	d.Object.Sequencer = rec.S3.Object.Sequencer
	d.RequestID = rec.ResponseElements.RequestID
	d.Requester = b.account
	if strings.HasPrefix(event, "Lifecycle") {
		d.Requester = "s3.amazonaws.com"
	} else {
		d.SourceIPAddress = rec.RequestParameters.SourceIPAddress
	}
	d.Reason = t[1]
	if t[0] == "Object Deleted" {
		d.Object.Size, d.Object.ETag = nil, ""
		d.DeletionType = "Permanently Deleted"
		if strings.HasSuffix(event, "DeleteMarkerCreated") {
			d.DeletionType = "Delete Marker Created"
		}
	}
	payload, err := marshalNoEscape(ev)
	if err != nil {
		return events.Delivery{}, false
	}
	bus := "arn:aws:events:" + b.region + ":" + b.account + ":event-bus/default"
	return events.Delivery{Kind: "events", Target: bus, Payload: payload,
		OrderKey: bus + " s3://" + b.name + "/" + o.key}, true
}
