package sns_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// received is one POST an HTTP endpoint got.
type received struct {
	header http.Header
	body   []byte
	doc    map[string]string
}

// endpoint is a test HTTP subscriber answering status(path).
func endpoint(t *testing.T, status func(path string) int) (*httptest.Server, <-chan received) {
	ch := make(chan received, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var doc map[string]string
		json.Unmarshal(b, &doc)
		ch <- received{r.Header.Clone(), b, doc}
		w.WriteHeader(status(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

func next(t *testing.T, ch <-chan received) received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the endpoint")
		return received{}
	}
}

// verify checks an SNS message's signature the way AWS tells subscribers
// to: fetch the certificate at SigningCertURL, build the canonical string
// of the message type, and check SHA1withRSA (version 1) or SHA256withRSA
// (version 2).
func verify(t *testing.T, doc map[string]string) {
	t.Helper()
	if err := signatureError(doc); err != nil {
		t.Fatalf("signature of %s (version %s): %v", doc["Type"], doc["SignatureVersion"], err)
	}
}

func signatureError(doc map[string]string) error {
	resp, err := http.Get(doc["SigningCertURL"])
	if err != nil {
		return err
	}
	certPEM, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	blk, _ := pem.Decode(certPEM)
	if blk == nil {
		return fmt.Errorf("certificate at %s: %q", doc["SigningCertURL"], certPEM)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return err
	}
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if doc["Type"] != "Notification" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var canon strings.Builder
	for _, k := range keys {
		if v, ok := doc[k]; ok {
			canon.WriteString(k + "\n" + v + "\n")
		}
	}
	sig, err := base64.StdEncoding.DecodeString(doc["Signature"])
	if err != nil {
		return err
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	if doc["SignatureVersion"] == "2" {
		h := sha256.Sum256([]byte(canon.String()))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
	} else {
		h := sha1.Sum([]byte(canon.String()))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], sig)
	}
	return err
}

// TestHTTPSubscriptionConfirmAndSignatures: the endpoint gets the
// SubscriptionConfirmation, confirms by GETting SubscribeURL, then gets
// notifications whose signatures verify with the certificate hako
// serves, and an UnsubscribeConfirmation at the end.
func TestHTTPSubscriptionConfirmAndSignatures(t *testing.T) {
	e := newEnv(t, false)
	for _, version := range []string{"1", "2"} {
		topic := e.createTopic("web"+version, map[string]string{"SignatureVersion": version})
		srv, ch := endpoint(t, func(string) int { return 200 })
		out, err := e.c.Subscribe(e.ctx, &sns.SubscribeInput{TopicArn: &topic, Protocol: aws.String("http"), Endpoint: aws.String(srv.URL + "/hook")})
		if err != nil || *out.SubscriptionArn != "pending confirmation" {
			t.Fatalf("Subscribe = %v, %v", out, err)
		}
		if a := e.topicAttrs(topic); a["SubscriptionsPending"] != "1" {
			t.Fatalf("pending count: %v", a)
		}
		conf := next(t, ch)
		h := conf.header
		if h.Get("x-amz-sns-message-type") != "SubscriptionConfirmation" || h.Get("x-amz-sns-topic-arn") != topic ||
			h.Get("x-amz-sns-message-id") != conf.doc["MessageId"] || h.Get("x-amz-sns-subscription-arn") != "" ||
			h.Get("Content-Type") != "text/plain; charset=UTF-8" || h.Get("User-Agent") != "Amazon Simple Notification Service Agent" {
			t.Fatalf("confirmation headers: %v", h)
		}
		if conf.doc["Message"] != "You have chosen to subscribe to the topic "+topic+".\nTo confirm the subscription, visit the SubscribeURL included in this message." ||
			!strings.HasPrefix(conf.doc["SubscribeURL"], e.h.URL+"/?Action=ConfirmSubscription&TopicArn="+topic+"&Token=") || conf.doc["SignatureVersion"] != version {
			t.Fatalf("confirmation: %s", conf.body)
		}
		verify(t, conf.doc)
		resp, err := http.Get(conf.doc["SubscribeURL"])
		if err != nil {
			t.Fatal(err)
		}
		xml, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(xml), "<SubscriptionArn>"+topic+":") {
			t.Fatalf("confirm: %d %s", resp.StatusCode, xml)
		}
		subs, _ := e.c.ListSubscriptionsByTopic(e.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
		sub := *subs.Subscriptions[0].SubscriptionArn
		a, err := e.c.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &sub})
		if err != nil || a.Attributes["PendingConfirmation"] != "false" || a.Attributes["ConfirmationWasAuthenticated"] != "false" ||
			!strings.Contains(a.Attributes["EffectiveDeliveryPolicy"], `"numRetries":3`) {
			t.Fatalf("attributes after confirmation: %v %v", a, err)
		}

		if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("hello\nweb"), Subject: aws.String("Greeting")}); err != nil {
			t.Fatal(err)
		}
		n := next(t, ch)
		if n.header.Get("x-amz-sns-message-type") != "Notification" || n.header.Get("x-amz-sns-subscription-arn") != sub ||
			n.doc["Message"] != "hello\nweb" || n.doc["Subject"] != "Greeting" || n.doc["SignatureVersion"] != version {
			t.Fatalf("notification: %v %s", n.header, n.body)
		}
		verify(t, n.doc)
		// A tampered message does not verify.
		n.doc["Message"] = "forged"
		if signatureError(n.doc) == nil {
			t.Fatal("a forged message verifies")
		}

		if _, err := e.c.Unsubscribe(e.ctx, &sns.UnsubscribeInput{SubscriptionArn: &sub}); err != nil {
			t.Fatal(err)
		}
		u := next(t, ch)
		if u.header.Get("x-amz-sns-message-type") != "UnsubscribeConfirmation" || u.header.Get("x-amz-sns-subscription-arn") != sub ||
			!strings.HasPrefix(u.doc["Message"], "You have chosen to deactivate subscription "+sub+".") {
			t.Fatalf("unsubscribe confirmation: %v %s", u.header, u.body)
		}
		verify(t, u.doc)
	}
}

// TestHTTPRetriesThenDeadLetter runs on a fake clock: a failing endpoint
// is tried numRetries+1 times, minDelayTarget apart, and the message then
// goes to the subscription's dead-letter queue; a client error (404) goes
// there at once, and so does a message for a queue that was deleted.
func TestHTTPRetriesThenDeadLetter(t *testing.T) {
	e := newEnv(t, true)
	topic := e.createTopic("flaky", nil)
	dlqURL, dlqARN := e.createQueue("flaky-dlq", nil)
	var mu sync.Mutex
	attempts := map[string]int{}
	srv, ch := endpoint(t, func(path string) int {
		mu.Lock()
		defer mu.Unlock()
		attempts[path]++
		switch {
		case path == "/confirm":
			return 200
		case strings.HasPrefix(path, "/gone"):
			return 404
		}
		return 503
	})
	redrive := `{"deadLetterTargetArn":"` + dlqARN + `"}`
	for _, path := range []string{"/fail", "/gone"} {
		sub := e.subscribe(topic, "http", srv.URL+path, map[string]string{"RedrivePolicy": redrive,
			"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":2,"minDelayTarget":5,"maxDelayTarget":5}}`})
		conf := next(t, ch) // confirmation: answered with an error, but the token is enough
		out, err := e.c.ConfirmSubscription(e.ctx, &sns.ConfirmSubscriptionInput{TopicArn: &topic, Token: aws.String(conf.doc["Token"])})
		if err != nil || *out.SubscriptionArn != sub {
			t.Fatalf("ConfirmSubscription: %v %v", out, err)
		}
	}
	// The confirmations themselves are retried too: let them finish.
	e.clk.Advance(time.Minute)
	time.Sleep(200 * time.Millisecond)
	for len(ch) > 0 {
		<-ch
	}
	mu.Lock()
	clear(attempts)
	mu.Unlock()

	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("retry me")}); err != nil {
		t.Fatal(err)
	}
	next(t, ch)
	next(t, ch) // first attempts: /fail and /gone
	dl := e.receive(dlqURL, 1, 5*time.Second)
	if len(dl) != 1 || decodeNotification(t, *dl[0].Body).Message != "retry me" {
		t.Fatalf("404 dead letter: %v", dl)
	}
	for range 2 { // the retries, 5 s apart
		e.receive(dlqURL, 1, 100*time.Millisecond) // nothing yet
		e.clk.Advance(5 * time.Second)
		if r := next(t, ch); r.doc["Message"] != "retry me" {
			t.Fatalf("retry: %s", r.body)
		}
	}
	dl = e.receive(dlqURL, 1, 5*time.Second)
	if len(dl) != 1 {
		t.Fatal("no dead letter after the retries")
	}
	n := decodeNotification(t, *dl[0].Body)
	if n.Type != "Notification" || n.Message != "retry me" || n.TopicArn != topic {
		t.Fatalf("dead letter: %s", *dl[0].Body)
	}
	mu.Lock()
	if attempts["/fail"] != 3 || attempts["/gone"] != 1 {
		t.Fatalf("attempts: %v", attempts)
	}
	mu.Unlock()

	// A deleted queue: the delivery fails for good and goes to the DLQ.
	qURL, qARN := e.createQueue("flaky-q", nil)
	e.subscribe(topic, "sqs", qARN, map[string]string{"RedrivePolicy": redrive, "RawMessageDelivery": "true"})
	if _, err := e.q.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: &qURL}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Publish(e.ctx, &sns.PublishInput{TopicArn: &topic, Message: aws.String("lost queue")}); err != nil {
		t.Fatal(err)
	}
	got := e.receive(dlqURL, 2, 10*time.Second)
	bodies := map[string]bool{}
	for _, m := range got {
		bodies[*m.Body] = true
	}
	if !bodies["lost queue"] {
		t.Fatalf("dead letters: %v", bodies)
	}
}
