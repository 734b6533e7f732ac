package sns

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The JSON documents SNS sends, written by hand so that they are the bytes
// AWS sends: its notification envelope is pretty-printed with " : " and
// two-space indents (Jackson's default printer), fields in a fixed order,
// and its strings escape only quotes, backslashes and control characters.

// message is one published message on its way to the subscriptions.
type message struct {
	id        string
	topicARN  string
	subject   string // "" when absent
	body      string // the default message
	perProto  map[string]string
	attrs     []msgAttr // sorted by name
	timestamp time.Time
	groupID   string // FIFO
	dedupID   string // FIFO: explicit or content-based
	seq       string // FIFO sequence number
}

// bodyFor returns the message a subscription of protocol gets (with
// MessageStructure=json, its own key or "default").
func (m *message) bodyFor(protocol string) string {
	if v, ok := m.perProto[protocol]; ok {
		return v
	}
	return m.body
}

// msgAttr is one message attribute; value is the string value or, for
// Binary types, the base64 of the bytes.
type msgAttr struct {
	name, dataType, value string
	binary                []byte
}

// timestamp formats t as SNS does: UTC with milliseconds.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// jsonString quotes s as a JSON string the way Jackson does.
func jsonString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	appendJSONString(&b, s)
	return b.String()
}

const hexDigits = "0123456789ABCDEF"

func appendJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c < utf8.RuneSelf {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(s[start:i])
				b.WriteString(`\uFFFD`)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// envelope is the JSON document SQS, HTTP/S and email-json subscriptions
// get (Notification, SubscriptionConfirmation, UnsubscribeConfirmation).
type envelope struct {
	Type, MessageID, Token, TopicARN, Subject, Message, SubscribeURL string
	Timestamp                                                        string
	SequenceNumber                                                   string // FIFO notifications
	SignatureVersion, Signature, SigningCertURL, UnsubscribeURL      string
	Attrs                                                            []msgAttr
}

// canonical is the string SNS signs: the fields of the type, in name
// order, each as "Name\nvalue\n"; Subject only when present.
func (e *envelope) canonical() string {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('\n')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	add("Message", e.Message)
	add("MessageId", e.MessageID)
	if e.Type == "Notification" {
		if e.Subject != "" {
			add("Subject", e.Subject)
		}
		add("Timestamp", e.Timestamp)
		add("TopicArn", e.TopicARN)
	} else {
		add("SubscribeURL", e.SubscribeURL)
		add("Timestamp", e.Timestamp)
		add("Token", e.Token)
		add("TopicArn", e.TopicARN)
	}
	add("Type", e.Type)
	return b.String()
}

// json writes the envelope as AWS does.
func (e *envelope) json() string {
	var b strings.Builder
	b.Grow(512 + len(e.Message))
	first := true
	field := func(k, v string) {
		if first {
			b.WriteString("{\n  ")
			first = false
		} else {
			b.WriteString(",\n  ")
		}
		b.WriteString(`"` + k + `" : `)
		appendJSONString(&b, v)
	}
	field("Type", e.Type)
	field("MessageId", e.MessageID)
	if e.Type == "Notification" {
		if e.SequenceNumber != "" {
			field("SequenceNumber", e.SequenceNumber)
		}
		field("TopicArn", e.TopicARN)
		if e.Subject != "" {
			field("Subject", e.Subject)
		}
		field("Message", e.Message)
		field("Timestamp", e.Timestamp)
		if e.Signature != "" {
			field("SignatureVersion", e.SignatureVersion)
			field("Signature", e.Signature)
			field("SigningCertURL", e.SigningCertURL)
		}
		field("UnsubscribeURL", e.UnsubscribeURL)
		if len(e.Attrs) > 0 {
			b.WriteString(",\n  \"MessageAttributes\" : {")
			for i, a := range e.Attrs {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n    ")
				appendJSONString(&b, a.name)
				b.WriteString(` : {"Type":`)
				appendJSONString(&b, a.dataType)
				b.WriteString(`,"Value":`)
				appendJSONString(&b, a.value)
				b.WriteByte('}')
			}
			b.WriteString("\n  }")
		}
	} else {
		field("Token", e.Token)
		field("TopicArn", e.TopicARN)
		field("Message", e.Message)
		field("SubscribeURL", e.SubscribeURL)
		field("Timestamp", e.Timestamp)
		field("SignatureVersion", e.SignatureVersion)
		field("Signature", e.Signature)
		field("SigningCertURL", e.SigningCertURL)
	}
	b.WriteString("\n}")
	return b.String()
}

// lambdaEvent is the event a Lambda subscription's function gets.
// Its SignatureVersion is always "1" (AWS's, whatever the topic's).
func lambdaEvent(e *envelope, subscriptionARN string) []byte {
	var b strings.Builder
	b.Grow(768 + len(e.Message))
	b.WriteString(`{"Records":[{"EventSource":"aws:sns","EventVersion":"1.0","EventSubscriptionArn":`)
	appendJSONString(&b, subscriptionARN)
	b.WriteString(`,"Sns":{"Type":`)
	appendJSONString(&b, e.Type)
	b.WriteString(`,"MessageId":`)
	appendJSONString(&b, e.MessageID)
	b.WriteString(`,"TopicArn":`)
	appendJSONString(&b, e.TopicARN)
	b.WriteString(`,"Subject":`)
	if e.Subject == "" {
		b.WriteString("null")
	} else {
		appendJSONString(&b, e.Subject)
	}
	b.WriteString(`,"Message":`)
	appendJSONString(&b, e.Message)
	b.WriteString(`,"Timestamp":`)
	appendJSONString(&b, e.Timestamp)
	b.WriteString(`,"SignatureVersion":`)
	appendJSONString(&b, e.SignatureVersion)
	b.WriteString(`,"Signature":`)
	appendJSONString(&b, e.Signature)
	b.WriteString(`,"SigningCertUrl":`)
	appendJSONString(&b, e.SigningCertURL)
	b.WriteString(`,"UnsubscribeUrl":`)
	appendJSONString(&b, e.UnsubscribeURL)
	b.WriteString(`,"MessageAttributes":{`)
	for i, a := range e.Attrs {
		if i > 0 {
			b.WriteByte(',')
		}
		appendJSONString(&b, a.name)
		b.WriteString(`:{"Type":`)
		appendJSONString(&b, a.dataType)
		b.WriteString(`,"Value":`)
		appendJSONString(&b, a.value)
		b.WriteByte('}')
	}
	b.WriteString("}}}]}")
	return []byte(b.String())
}

// unsubscribeURL and subscribeURL point at hako's own query API.
func unsubscribeURL(endpoint, subscriptionARN string) string {
	return endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + subscriptionARN
}

func subscribeURL(endpoint, topicARN, token string) string {
	return endpoint + "/?Action=ConfirmSubscription&TopicArn=" + topicARN + "&Token=" + url.QueryEscape(token)
}

// sortedAttrs converts validated message attributes to their envelope
// form, sorted by name.
func sortedAttrs(in map[string]attrValue) []msgAttr {
	if len(in) == 0 {
		return nil
	}
	out := make([]msgAttr, 0, len(in))
	for name, v := range in {
		a := msgAttr{name: name, dataType: v.dataType, value: v.str}
		if v.isBinary {
			a.binary = v.bin
			a.value = base64.StdEncoding.EncodeToString(v.bin)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b msgAttr) int { return strings.Compare(a.name, b.name) })
	return out
}
