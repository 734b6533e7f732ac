package pattern

import (
	"fmt"
	"testing"
)

const benchRule = `{
  "source": ["aws.ec2"],
  "detail-type": ["EC2 Instance State-change Notification"],
  "detail": {
    "state": [{"anything-but": "initializing"}],
    "c-count": [{"numeric": [">", 0, "<=", 5]}],
    "source-ip": [{"cidr": "10.0.0.0/8"}]
  }
}`

func mustCompile(b *testing.B, src string) *Pattern {
	b.Helper()
	p, err := Compile([]byte(src))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkMatch is one rule against one event given as JSON: decoding
// included, as for a Lambda filter on an SQS message.
func BenchmarkMatch(b *testing.B) {
	p := mustCompile(b, benchRule)
	ev := []byte(ec2Event)
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	for b.Loop() {
		ok, err := p.Match(ev)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkMatchEvent is one rule against an already decoded event.
func BenchmarkMatchEvent(b *testing.B) {
	p := mustCompile(b, benchRule)
	e, err := ParseEvent([]byte(ec2Event))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchEvent(e) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParseEvent(b *testing.B) {
	ev := []byte(ec2Event)
	b.SetBytes(int64(len(ev)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEvent(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// tenThousandRules are distinct rules of the shapes EventBridge users
// write: exact sources and detail types, prefixes, numeric ranges,
// anything-but, wildcards, exists and $or.
func tenThousandRules(b *testing.B) []*Pattern {
	b.Helper()
	rules := make([]*Pattern, 0, 10000)
	for i := 0; len(rules) < 10000; i++ {
		var src string
		switch i % 8 {
		case 0:
			src = fmt.Sprintf(`{"source": ["app.%d"], "detail-type": ["Order %d"]}`, i, i)
		case 1:
			src = fmt.Sprintf(`{"source": ["aws.ec2"], "detail": {"instance-id": ["i-%08d"]}}`, i)
		case 2:
			src = fmt.Sprintf(`{"detail": {"c-count": [{"numeric": [">", %d, "<=", %d]}]}}`, i, i+5)
		case 3:
			src = fmt.Sprintf(`{"region": [{"prefix": "us-%d"}], "detail": {"state": ["running"]}}`, i)
		case 4:
			src = fmt.Sprintf(`{"source": ["aws.ec2"], "detail": {"state": [{"anything-but": ["state-%d", "running"]}]}}`, i)
		case 5:
			src = fmt.Sprintf(`{"resources": [{"wildcard": "arn:aws:ec2:*:%d:instance/*"}]}`, i)
		case 6:
			src = fmt.Sprintf(`{"source": ["aws.ec2"], "detail": {"tag-%d": [{"exists": false}], "state": ["stopped"]}}`, i)
		case 7:
			src = fmt.Sprintf(`{"$or": [{"source": ["svc.%d"]}, {"detail": {"x-limit": [%d]}}]}`, i, i)
		}
		rules = append(rules, mustCompile(b, src))
	}
	return rules
}

// BenchmarkMatch10000Rules matches one event against 10,000 distinct rules,
// the EventBridge per-bus worst case: the event is decoded once.
func BenchmarkMatch10000Rules(b *testing.B) {
	rules := tenThousandRules(b)
	ev := []byte(ec2Event)
	b.ReportAllocs()
	matched := 0
	for b.Loop() {
		e, err := ParseEvent(ev)
		if err != nil {
			b.Fatal(err)
		}
		matched = 0
		for _, r := range rules {
			if r.MatchEvent(e) {
				matched++
			}
		}
	}
	if matched == 0 {
		b.Fatal("no rule matched")
	}
	b.ReportMetric(float64(matched), "matches")
}

func BenchmarkMatchAttributes(b *testing.B) {
	p, err := CompileFilterPolicy([]byte(`{"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}], "customer_interests": ["rugby"]}`), MessageAttributes)
	if err != nil {
		b.Fatal(err)
	}
	attrs := map[string]Attribute{
		"store":              {Type: "String", Value: "example_corp"},
		"price_usd":          {Type: "Number", Value: "210.75"},
		"customer_interests": {Type: "String.Array", Value: `["soccer", "rugby", "hockey"]`},
	}
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchAttributes(attrs) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	src := []byte(benchRule)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(src); err != nil {
			b.Fatal(err)
		}
	}
}
