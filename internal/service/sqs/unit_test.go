package sqs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/sqsapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
)

func TestReceiptRoundTrip(t *testing.T) {
	for _, r := range []receipt{{1, 1, 1}, {randInt63(), randInt63(), randInt63()}, {1<<63 - 1, 1<<63 - 1, 1<<63 - 1}} {
		s := r.String()
		got, ok := parseReceipt(s)
		if !ok || got != r {
			t.Errorf("parse(%s) = %v, %v; want %v", s, got, ok, r)
		}
		// Any single-character change is rejected.
		for i := range s {
			b := []byte(s)
			b[i] = 'A' + (b[i]-'A'+1)%26
			if b[i] == s[i] {
				continue
			}
			if got, ok := parseReceipt(string(b)); ok && got == r {
				t.Errorf("tampered handle %s accepted", b)
			}
		}
	}
	for _, bad := range []string{"", "dummy", "invalid-receipt-id", "45234sdsqdZER/qsqd", strings.Repeat("A", 39), strings.Repeat("A", 38)} {
		if _, ok := parseReceipt(bad); ok {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}

func FuzzParseReceipt(f *testing.F) {
	f.Add("")
	f.Add("dummy")
	f.Add(receipt{1, 2, 3}.String())
	f.Add(receipt{randInt63(), randInt63(), randInt63()}.String())
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseReceipt(s)
		if !ok {
			return
		}
		if r.queueID <= 0 || r.seq <= 0 || r.nonce <= 0 {
			t.Fatalf("accepted %q with non-positive fields %+v", s, r)
		}
		if again, ok := parseReceipt(r.String()); !ok || again != r {
			t.Fatalf("re-encoding of %+v does not parse back", r)
		}
	})
}

func FuzzDecodeAttrs(f *testing.F) {
	blob, _, _ := encodeMessageAttributes(map[string]sqsapi.MessageAttributeValue{
		"a": {DataType: ptr("String"), StringValue: ptr("x")},
		"b": {DataType: ptr("Binary"), BinaryValue: []byte{1, 2}},
	})
	f.Add(blob)
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		attrs, err := decodeAttrs(b)
		if err != nil {
			return
		}
		n := 0
		for _, a := range attrs {
			n += len(a.raw)
		}
		if n != len(b) {
			t.Fatalf("decoded entries cover %d of %d bytes", n, len(b))
		}
	})
}

func TestEncodeAttributesDigest(t *testing.T) {
	// Digests SQS returned for these attributes.
	for _, tc := range []struct {
		attrs map[string]sqsapi.MessageAttributeValue
		md5   string
	}{
		{map[string]sqsapi.MessageAttributeValue{"Hello": {DataType: ptr("String"), StringValue: ptr("World")}}, "7db7fb1ba7f41366a8ea5eb18220b26d"},
		{map[string]sqsapi.MessageAttributeValue{"data1": {DataType: ptr("Number"), StringValue: ptr("1")}, "data2": {DataType: ptr("Number"), StringValue: ptr("2")}}, "b53b5acf24e7fd9567705bd8027b1c76"},
		{map[string]sqsapi.MessageAttributeValue{"attrib1": {DataType: ptr("String"), StringValue: ptr("0")}, "attrib2": {DataType: ptr("String"), StringValue: ptr("false")}}, "2739524b68e7d718aeaf6730e2e38cfe"},
		{map[string]sqsapi.MessageAttributeValue{"attrib1": {DataType: ptr("String"), StringValue: ptr("2345")}, "attrib2": {DataType: ptr("String"), StringValue: ptr("true")}}, "c92eae09ef2c14cd949cc265ebc9cb50"},
	} {
		blob, _, err := encodeMessageAttributes(tc.attrs)
		if err != nil {
			t.Fatal(err)
		}
		if got := md5Hex(blob); got != tc.md5 {
			t.Errorf("%v: %s, want %s", tc.attrs, got, tc.md5)
		}
		all, sum, err := selectAttrs(blob, newAttrFilter([]string{"All"}))
		if err != nil || sum != tc.md5 || len(all) != len(tc.attrs) {
			t.Errorf("selectAttrs All = %v %s %v", all, sum, err)
		}
	}
	sys, err := parseSystemAttributes(map[string]sqsapi.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: ptr("String"), StringValue: ptr("some-trace-id")}})
	if err != nil || sys.md5 != "fdce4f2818803f2f73becc09a54792c0" {
		t.Errorf("system attributes digest %s, %v", sys.md5, err)
	}
}

func TestValidBody(t *testing.T) {
	for s, want := range map[string]bool{
		"plain": true, "\t\n\r": true, "\u00e9\u4e2d": true, "\U0001F600": true, "\uE000\uFFFD": true, "\U0010FFFF": true,
		"\x00": false, "\x08": false, "\x1f": false, "\uFFFE": false, "\uFFFF": false, "a\xffb": false, "\xed\xa0\x80": false,
	} {
		if got := validBody(s); got != want {
			t.Errorf("validBody(%q) = %v", s, got)
		}
	}
}

func TestValidNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-1": true, "+1.5": true, "0.5": true, ".5": true, "5.": true, "1e10": true, "1.5E-3": true,
		"": false, "-": false, "e5": false, "1e": false, "1.2.3": false, "abc": false, " 1": false, "0x10": false,
	} {
		if got := validNumber(s); got != want {
			t.Errorf("validNumber(%q) = %v", s, got)
		}
	}
}

func TestParseStrictInt(t *testing.T) {
	for s, want := range map[string]int{"0": 0, "30": 30, "-5": -5, "007": 7} {
		if got, ok := parseStrictInt(s); !ok || got != want {
			t.Errorf("parseStrictInt(%q) = %d, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", " 6", "6 ", "544.43", "+5", "-", "true", "1e3", "99999999999999"} {
		if _, ok := parseStrictInt(s); ok {
			t.Errorf("parseStrictInt(%q) accepted", s)
		}
	}
}

func TestSeqGen(t *testing.T) {
	var g seqGen
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	a := g.next(now, 1)
	b := g.next(now, 3)
	c := g.next(now-1000, 1) // the clock went back: still increasing
	if !(a < b && b+2 < c) {
		t.Fatalf("seqs %d %d %d", a, b, c)
	}
	if d := g.next(now+1, 1); d <= c || d < seqFloor(now+1) {
		t.Fatalf("next ms: %d", d)
	}
	g.observe(1 << 62)
	if e := g.next(now, 1); e != 1<<62+1 {
		t.Fatalf("after observe: %d", e)
	}
	if seqFloor(0) != 0 {
		t.Fatal("seqFloor before the epoch")
	}
	if len(seqString(g.next(now, 1))) != 20 {
		t.Fatal("sequence number is not 20 digits")
	}
}

func TestParseQueueURL(t *testing.T) {
	ctx := context.Background()
	for raw, want := range map[string]queueKey{
		"http://localhost:4566/000000000000/q":                    {"000000000000", "us-east-1", "q"},
		"https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo": {"123456789012", "eu-west-1", "q.fifo"},
		"https://eu-central-1.queue.amazonaws.com/123456789012/q": {"123456789012", "eu-central-1", "q"},
		"http://localhost:4566/queue/ap-south-1/123456789012/q":   {"123456789012", "ap-south-1", "q"},
		"/111111111111/q": {"111111111111", "us-east-1", "q"},
		"q":               {"000000000000", "us-east-1", "q"},
	} {
		got, ok := parseQueueURL(ctx, raw)
		if !ok || got != want {
			t.Errorf("parseQueueURL(%q) = %+v, %v; want %+v", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"", "http://host/", "http://host/a/b/c", "http://host/onlyone"} {
		if _, ok := parseQueueURL(ctx, raw); ok {
			t.Errorf("parseQueueURL(%q) accepted", raw)
		}
	}
}

func TestValidationError(t *testing.T) {
	s := &Service{}
	for _, tc := range []struct {
		op   string
		v    model.Violation
		code string
		msg  string
	}{
		{"CreateQueue", model.Violation{Path: "QueueName", Member: "QueueName", Kind: "required"}, "InvalidParameterValue", "Value for parameter QueueName is invalid. Reason: Must specify a queue name."},
		{"SendMessage", model.Violation{Path: "MessageBody", Member: "MessageBody", Kind: "required"}, "MissingParameter", "The request must contain the parameter MessageBody."},
		{"SetQueueAttributes", model.Violation{Path: "Attributes", Member: "Attributes", Kind: "required"}, "MissingParameter", "The request must contain the parameter Attribute.Name."},
		{"AddPermission", model.Violation{Path: "Actions", Member: "Actions", Kind: "required"}, "MissingParameter", "The request must contain the parameter ActionName."},
		{"SendMessageBatch", model.Violation{Path: "Entries.Id", Member: "Id", Kind: "required"}, "MissingParameter", "The request must contain the parameter SendMessageBatchRequestEntry.Id."},
		{"DeleteMessage", model.Violation{Path: "ReceiptHandle", Member: "ReceiptHandle", Kind: "required"}, "MissingParameter", "The request must contain the parameter ReceiptHandle."},
	} {
		err := s.ValidationError(tc.op, []model.Violation{tc.v})
		ae, ok := err.(*awserr.Error)
		if !ok || ae.QueryCode != tc.code || ae.Message != tc.msg || ae.Status != 400 {
			t.Errorf("%s %s: %+v", tc.op, tc.v.Path, err)
		}
	}
}

func TestErrorTableIsComplete(t *testing.T) {
	for k := errInternal; k <= errInvalidAddress; k++ {
		w, ok := wireErrors[k]
		if !ok {
			t.Fatalf("error kind %d has no wire error", k)
		}
		if _, modelled := sqsapi.Service.Errors[w.code]; !modelled && w.status == 0 {
			t.Errorf("%s is not modelled and has no status", w.code)
		}
	}
}

func TestWaitList(t *testing.T) {
	var l waitList
	a, b, c := l.add(), l.add(), l.add()
	l.signal(2)
	for _, w := range []*waiter{a, b} {
		select {
		case <-w.ch:
		default:
			t.Fatal("oldest waiters not signalled first")
		}
	}
	if l.len() != 1 {
		t.Fatalf("len = %d", l.len())
	}
	d := l.add()
	l.signal(1)
	if !l.remove(c) {
		t.Fatal("c was signalled")
	}
	if l.remove(d) {
		t.Fatal("d was not signalled")
	}
	if l.len() != 0 {
		t.Fatalf("len = %d", l.len())
	}
	e := l.add()
	l.broadcast()
	if !l.remove(e) {
		t.Fatal("broadcast missed a waiter")
	}
}

func TestSchedulerFiresInOrder(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	s := newScheduler(clk)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.run(ctx)
	q1, q2 := &queue{}, &queue{}
	w1, w2 := q1.waiters.add(), q2.waiters.add()
	now := clk.Now().UnixMilli()
	s.at(q2, now+2000)
	s.at(q1, now+1000)
	s.at(q1, now+5000) // later than what is scheduled: ignored
	wait := func(w *waiter) bool {
		select {
		case <-w.ch:
			return true
		case <-time.After(200 * time.Millisecond):
			return false
		}
	}
	clk.Advance(999 * time.Millisecond)
	if wait(w1) {
		t.Fatal("fired early")
	}
	clk.Advance(time.Millisecond)
	if !wait(w1) {
		t.Fatal("q1 not woken at its time")
	}
	if wait(w2) {
		t.Fatal("q2 woken early")
	}
	clk.Advance(time.Second)
	if !wait(w2) {
		t.Fatal("q2 not woken")
	}
}
