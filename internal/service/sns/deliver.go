package sns

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/events"
	"github.com/hako-dev/hako/internal/store"
)

// httpTimeout bounds one HTTP/HTTPS delivery attempt (AWS waits 15 s).
const httpTimeout = 15 * time.Second

// httpClients deliver to HTTP/HTTPS endpoints: certificates are checked
// against the system pool, except for loopback hosts (local test servers
// with self-signed certificates), which are not checked.
type httpClients struct {
	verify, loopback *http.Client
}

func newHTTPClient() *httpClients {
	mk := func(insecure bool) *http.Client {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure} //nolint:gosec // loopback endpoints only
		tr.MaxIdleConnsPerHost = 16
		return &http.Client{Timeout: httpTimeout, Transport: tr}
	}
	return &httpClients{verify: mk(false), loopback: mk(true)}
}

func (c *httpClients) CloseIdleConnections() {
	c.verify.CloseIdleConnections()
	c.loopback.CloseIdleConnections()
}

func (c *httpClients) forURL(u *url.URL) *http.Client {
	h := u.Hostname()
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return c.loopback
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return c.loopback
	}
	return c.verify
}

// deliverHTTP POSTs a message to an HTTP/HTTPS endpoint with SNS's
// headers. 2xx is success; 429, 5xx and network errors are retried by the
// subscription's delivery policy; other statuses are client errors, which
// SNS does not retry.
func (s *Service) deliverHTTP(ctx context.Context, d *events.Delivery) error {
	u, err := url.Parse(d.Target)
	if err != nil {
		return events.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Target, bytes.NewReader(d.Payload))
	if err != nil {
		return events.Permanent(err)
	}
	typ := d.Attrs["type"]
	h := req.Header
	ct := d.Attrs["contentType"]
	if ct == "" || typ != "Notification" {
		ct = "text/plain; charset=UTF-8"
	}
	h.Set("Content-Type", ct)
	h.Set("User-Agent", "Amazon Simple Notification Service Agent")
	h.Set("x-amz-sns-message-type", typ)
	h.Set("x-amz-sns-message-id", d.Attrs["messageId"])
	h.Set("x-amz-sns-topic-arn", d.Attrs["topicArn"])
	if typ != "SubscriptionConfirmation" {
		h.Set("x-amz-sns-subscription-arn", d.Attrs["subscriptionArn"])
	}
	if d.Attrs["raw"] == "true" {
		h.Set("x-amz-sns-rawdelivery", "true")
	}
	resp, err := s.http.forURL(u).Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("sns: %s answered %s", d.Target, resp.Status)
	default:
		return events.Permanent(fmt.Errorf("sns: %s answered %s", d.Target, resp.Status))
	}
}

// mailItem is a row of the local mailbox (e-mail and SMS).
type mailItem struct {
	kind string // "email" (email and email-json) or "sms"
	at   time.Time
	doc  mailDoc
}

// mailDoc is what /_hako/sns/email and /_hako/sns/sms list.
type mailDoc struct {
	Timestamp       string `json:"Timestamp"`
	Type            string `json:"Type"` // Notification, SubscriptionConfirmation, UnsubscribeConfirmation
	MessageID       string `json:"MessageId"`
	Protocol        string `json:"Protocol"`
	Endpoint        string `json:"Endpoint"`
	TopicARN        string `json:"TopicArn,omitempty"`
	SubscriptionARN string `json:"SubscriptionArn,omitempty"`
	Subject         string `json:"Subject,omitempty"`
	Message         string `json:"Message"`
	SubscribeURL    string `json:"SubscribeURL,omitempty"`
	Token           string `json:"Token,omitempty"`
}

func insertMail(ctx context.Context, tx *store.Tx, items []mailItem) error {
	for i, it := range items {
		if _, err := tx.Exec(ctx, "INSERT INTO sns_mailbox (id, at, kind, body) VALUES (?, ?, ?, ?)",
			uuid.NewString(), it.at.UnixNano()+int64(i), it.kind, mustJSON(it.doc)); err != nil {
			return err
		}
	}
	return nil
}

// emailFooter is what SNS appends to the notifications it e-mails.
const emailFooter = "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n%s\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support"

// notificationMail is the mailbox row of a notification to an e-mail or
// SMS subscription; envJSON is the envelope (for email-json).
func notificationMail(t *topic, sub *subscription, m *message, text, envJSON, endpoint string) mailItem {
	doc := mailDoc{Timestamp: timestamp(m.timestamp), Type: "Notification", MessageID: m.id, Protocol: sub.protocol,
		Endpoint: sub.endpoint, TopicARN: t.arn, SubscriptionARN: sub.arn, Subject: m.subject}
	kind := "email"
	switch sub.protocol {
	case "email":
		if doc.Subject == "" {
			doc.Subject = "AWS Notification Message"
		}
		doc.Message = text + fmt.Sprintf(emailFooter, unsubscribeURL(endpoint, sub.arn))
	case "email-json":
		if doc.Subject == "" {
			doc.Subject = "AWS Notification Message"
		}
		doc.Message = envJSON
	default:
		kind, doc.Message = "sms", text
	}
	return mailItem{kind: kind, at: m.timestamp, doc: doc}
}

// HTTPHandler serves what SNS publishes outside its API under /_hako/sns/:
// the signing certificate named by SigningCertURL, and the local mailbox
// (GET /_hako/sns/email and /_hako/sns/sms: a JSON list, oldest first,
// optionally ?endpoint=ADDRESS; DELETE empties it).
func (s *Service) HTTPHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		name := strings.TrimPrefix(r.URL.Path, certPrefix)
		switch {
		case name == "email" || name == "sms":
			s.serveMailbox(w, r, name)
		case strings.HasPrefix(name, "SimpleNotificationService-") && r.Method == http.MethodGet:
			if err := s.sign.load(ctx); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			if name != s.sign.name {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/x-pem-file")
			w.Write(s.sign.cert)
		default:
			http.NotFound(w, r)
		}
	})
}

func (s *Service) serveMailbox(w http.ResponseWriter, r *http.Request, kind string) {
	ctx := r.Context()
	if r.Method == http.MethodDelete {
		if err := s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM sns_mailbox WHERE kind = ?", kind)
			return err
		}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	want := r.URL.Query().Get("endpoint")
	out := []json.RawMessage{}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT body FROM sns_mailbox WHERE kind = ? ORDER BY at, id", kind)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				return err
			}
			if want != "" {
				var d struct{ Endpoint string }
				if json.Unmarshal([]byte(body), &d) != nil || d.Endpoint != want {
					continue
				}
			}
			out = append(out, json.RawMessage(body))
		}
		return rows.Err()
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
