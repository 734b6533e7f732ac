package pattern

import (
	"errors"
	"testing"
)

type attrCase struct {
	name   string
	policy string
	attrs  map[string]Attribute
	want   bool
}

func str(v string) Attribute { return Attribute{Type: "String", Value: v} }
func num(v string) Attribute { return Attribute{Type: "Number", Value: v} }
func arr(v string) Attribute { return Attribute{Type: "String.Array", Value: v} }
func attrs(kv ...any) map[string]Attribute {
	m := map[string]Attribute{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(Attribute)
	}
	return m
}

// Examples of the Amazon SNS developer guide (string, numeric and key
// matching, AND/OR logic) and the edges of attribute types.
func TestFilterPolicyAttributes(t *testing.T) {
	cases := []attrCase{
		{"exact", `{"customer_interests": ["rugby", "tennis"]}`, attrs("customer_interests", str("rugby")), true},
		{"exact array", `{"customer_interests": ["rugby", "tennis"]}`, attrs("customer_interests", arr(`["rugby", "tennis"]`)), true},
		{"exact no", `{"customer_interests": ["rugby", "tennis"]}`, attrs("customer_interests", str("baseball")), false},
		{"exact array no", `{"customer_interests": ["rugby", "tennis"]}`, attrs("customer_interests", arr(`["baseball"]`)), false},
		{"prefix", `{"customer_interests": [{"prefix": "bas"}]}`, attrs("customer_interests", str("basketball")), true},
		{"prefix no", `{"customer_interests": [{"prefix": "bas"}]}`, attrs("customer_interests", str("rugby")), false},
		{"suffix", `{"customer_interests": [{"suffix": "ball"}]}`, attrs("customer_interests", str("baseball")), true},
		{"equals-ignore-case", `{"customer_interests": [{"equals-ignore-case": "tennis"}]}`, attrs("customer_interests", str("TeNnis")), true},
		{"anything-but", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, attrs("customer_interests", str("baseball")), true},
		{"anything-but array", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, attrs("customer_interests", arr(`["rugby", "baseball"]`)), true},
		{"anything-but no", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, attrs("customer_interests", str("rugby")), false},
		{"anything-but prefix", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, attrs("event", str("data-entry")), true},
		{"anything-but prefix 2", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, attrs("event", str("order_number")), true},
		{"anything-but prefix no", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, attrs("event", str("order-cancelled")), false},
		{"anything-but missing", `{"event": [{"anything-but": "x"}]}`, attrs("other", str("y")), false},
		{"cidr", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, attrs("source_ip", str("10.0.0.0")), true},
		{"cidr top", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, attrs("source_ip", str("10.0.0.255")), true},
		{"cidr no", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, attrs("source_ip", str("10.1.1.0")), false},
		{"numeric equals", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, attrs("price_usd", num("301.5")), true},
		{"numeric equals exponent", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, attrs("price_usd", num("3.015e2")), true},
		{"numeric string attribute", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, attrs("price_usd", str("301.5")), false},
		{"numeric anything-but", `{"price": [{"anything-but": [100, 500]}]}`, attrs("price", num("101")), true},
		{"numeric anything-but 2", `{"price": [{"anything-but": [100, 500]}]}`, attrs("price", num("100.1")), true},
		{"numeric anything-but array", `{"price": [{"anything-but": [100, 500]}]}`, attrs("price", Attribute{Type: "Number.Array", Value: "[100, 50]"}), true},
		{"numeric anything-but no", `{"price": [{"anything-but": [100, 500]}]}`, attrs("price", num("100")), false},
		{"numeric range negative", `{"price_usd": [{"numeric": ["<", 0]}]}`, attrs("price_usd", num("-1")), true},
		{"numeric range", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, attrs("price_usd", num("150")), true},
		{"numeric range out", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, attrs("price_usd", num("150.5")), false},
		{"exact number", `{"price": [100]}`, attrs("price", num("100.0")), true},
		{"exact number string", `{"price": [100]}`, attrs("price", str("100")), false},
		{"custom number type", `{"price": [{"numeric": [">", 1]}]}`, attrs("price", Attribute{Type: "Number.float", Value: "2.5"}), true},
		{"custom string type", `{"s": ["x"]}`, attrs("s", Attribute{Type: "String.custom", Value: "x"}), true},
		{"bad number is a string", `{"price": ["abc"]}`, attrs("price", num("abc")), true},
		{"array of numbers", `{"n": [{"numeric": [">", 5]}]}`, attrs("n", arr(`[1, 10]`)), true},
		{"array of booleans", `{"b": [true]}`, attrs("b", arr(`[false, true]`)), true},
		{"bad array is a string", `{"a": ["[1"]}`, attrs("a", arr(`[1`)), true},
		{"binary ignored", `{"b": [{"exists": true}]}`, attrs("b", Attribute{Type: "Binary", Value: "AAA="}), false},
		{"binary is absent", `{"b": [{"exists": false}]}`, attrs("b", Attribute{Type: "Binary", Value: "AAA="}), true},
		{"exists true", `{"store": [{"exists": true}]}`, attrs("store", str("fans"), "customer_interests", arr(`["baseball", "basketball"]`)), true},
		{"exists true missing", `{"store": [{"exists": true}]}`, attrs("customer_interests", arr(`["baseball", "basketball"]`)), false},
		{"exists false", `{"store": [{"exists": false}]}`, attrs("store", str("fans"), "customer_interests", arr(`["baseball", "basketball"]`)), false},
		{"exists false missing", `{"store": [{"exists": false}]}`, attrs("customer_interests", arr(`["baseball", "basketball"]`)), true},
		{"exists false no attributes", `{"store": [{"exists": false}]}`, attrs(), false},
		{"exists false nil attributes", `{"store": [{"exists": false}]}`, nil, false},
		{"exists true null element", `{"a": [{"exists": true}]}`, attrs("a", arr(`[null]`)), false},
		{"and", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`,
			attrs("customer_interests", str("rugby"), "price_usd", num("101")), true},
		{"and half", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`,
			attrs("customer_interests", str("rugby"), "price_usd", num("100")), false},
		{"or values", `{"customer_interests": ["rugby", "football", "baseball"]}`, attrs("customer_interests", str("football")), true},
		{"or operator", `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
			attrs("source", str("aws.cloudwatch"), "namespace", str("AWS/EC2")), true},
		{"or operator none", `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
			attrs("source", str("aws.cloudwatch"), "namespace", str("AWS/RDS")), false},
		{"guide example attributes", `{
		  "store": ["example_corp"],
		  "event": [{"anything-but": "order_cancelled"}],
		  "customer_interests": ["rugby", "football", "baseball"],
		  "price_usd": [{"numeric": [">=", 100]}]}`,
			attrs("store", str("example_corp"), "event", str("order_placed"),
				"customer_interests", arr(`["soccer", "rugby", "hockey"]`), "price_usd", num("210.75")), true},
		{"guide example attributes cheap", `{
		  "store": ["example_corp"],
		  "event": [{"anything-but": "order_cancelled"}],
		  "customer_interests": ["rugby", "football", "baseball"],
		  "price_usd": [{"numeric": [">=", 100]}]}`,
			attrs("store", str("example_corp"), "event", str("order_placed"),
				"customer_interests", arr(`["soccer", "rugby", "hockey"]`), "price_usd", num("99.99")), false},
		{"nested or", `{"source": ["aws.cloudwatch"], "$or": [
		    {"metricName": ["CPUUtilization", "ReadLatency"]},
		    {"metricType": ["MetricType"], "$or": [{"metricId": [1234, 4321]}, {"spaceId": [1000, 2000, 3000]}]}]}`,
			attrs("source", str("aws.cloudwatch"), "metricType", str("MetricType"), "spaceId", num("2000")), true},
		{"nested or no", `{"source": ["aws.cloudwatch"], "$or": [
		    {"metricName": ["CPUUtilization", "ReadLatency"]},
		    {"metricType": ["MetricType"], "$or": [{"metricId": [1234, 4321]}, {"spaceId": [1000, 2000, 3000]}]}]}`,
			attrs("source", str("aws.cloudwatch"), "spaceId", num("2000")), false},
		{"empty policy", `{}`, attrs(), true},
		{"dotted attribute name", `{"a.b": ["x"]}`, attrs("a.b", str("x")), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := CompileFilterPolicy([]byte(tc.policy), MessageAttributes)
			if err != nil {
				t.Fatalf("CompileFilterPolicy(%s): %v", tc.policy, err)
			}
			if got := p.MatchAttributes(tc.attrs); got != tc.want {
				t.Errorf("policy %s attrs %v: got %v, want %v", tc.policy, tc.attrs, got, tc.want)
			}
		})
	}
}

func TestFilterPolicyBody(t *testing.T) {
	cases := []matchCase{
		{"guide example", `{
		  "store": ["example_corp"],
		  "event": [{"anything-but": "order_cancelled"}],
		  "customer_interests": ["rugby", "football", "baseball"],
		  "price_usd": [{"numeric": [">=", 100]}]}`,
			`{"store": "example_corp", "event": "order_placed", "customer_interests": ["soccer", "rugby", "hockey"], "price_usd": 210.75}`, true},
		{"guide example cancelled", `{
		  "store": ["example_corp"],
		  "event": [{"anything-but": "order_cancelled"}],
		  "customer_interests": ["rugby", "football", "baseball"],
		  "price_usd": [{"numeric": [">=", 100]}]}`,
			`{"store": "example_corp", "event": "order_cancelled", "customer_interests": ["rugby"], "price_usd": 210.75}`, false},
		{"nested", `{"a": {"b": {"c": ["x"]}}}`, `{"a": {"b": {"c": "x"}}}`, true},
		{"numeric", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, `{"price_usd": 3.015e2}`, true},
		{"anything-but numbers array", `{"price": [{"anything-but": [100, 500]}]}`, `{"price": [100, 50]}`, true},
		{"anything-but numbers no", `{"price": [{"anything-but": [100, 500]}]}`, `{"price": 100}`, false},
		{"exists true", `{"store": [{"exists": true}]}`, `{"store": "fans", "customer_interests": ["baseball", "basketball"]}`, true},
		{"exists true null", `{"store": [{"exists": true}]}`, `{"store": null}`, false},
		{"exists false", `{"store": [{"exists": false}]}`, `{"customer_interests": ["baseball", "basketball"]}`, true},
		{"exists false empty body", `{"store": [{"exists": false}]}`, `{}`, true},
		{"empty policy", `{}`, `{"a": 1}`, true},
		{"body not an object", `{"a": [{"exists": false}]}`, `"text"`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := CompileFilterPolicy([]byte(tc.pattern), MessageBody)
			if err != nil {
				t.Fatalf("CompileFilterPolicy(%s): %v", tc.pattern, err)
			}
			got, err := p.Match([]byte(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestInvalidFilterPolicies(t *testing.T) {
	cases := []struct {
		scope  Scope
		policy string
		reason string
	}{
		{MessageAttributes, `{"a": {"b": ["x"]}}`, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{MessageAttributes, `{"$or": [{"a": ["x"]}, {"b": {"c": ["x"]}}]}`, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{MessageAttributes, `{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}`, "FilterPolicy: Filter policy can not have more than 5 keys"},
		{MessageBody, `{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": {"g": [1]}}`, "FilterPolicy: Filter policy can not have more than 5 keys"},
		{MessageAttributes, `{"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10], "c": [1,2]}`, "FilterPolicy: Filter policy is too complex"},
		// 3 values at depth 3, 4 values at depth 2: 3*3 * 4*2 = 72, times 3 at depth 1: 216
		{MessageBody, `{"a": {"b": {"c": [1,2,3]}}, "d": {"e": [1,2,3,4]}, "f": [1,2,3]}`, "FilterPolicy: Filter policy is too complex"},
		{MessageAttributes, `{"a": [{"wildcard": "x*"}]}`, "FilterPolicy: Unrecognized match type wildcard"},
		{MessageAttributes, `{"a": [{"anything-but": {"wildcard": "x*"}}]}`, "FilterPolicy: Unsupported anything-but pattern: wildcard"},
		{MessageAttributes, `{"a": "x"}`, `FilterPolicy: "a" must be an object or an array`},
		{MessageAttributes, `{"a": []}`, "FilterPolicy: Empty arrays are not allowed"},
		{MessageAttributes, `{"a": [{"exists": 1}]}`, "FilterPolicy: exists match pattern must be either true or false."},
		{MessageAttributes, `{"a": [{"numeric": [">", 1, "<", 0]}]}`, "FilterPolicy: Bottom must be less than top"},
		{MessageAttributes, `{"a": [{"cidr": "x"}]}`, "FilterPolicy: Malformed CIDR, one '/' required"},
		{MessageAttributes, `{"a": [{"foo": "x"}]}`, "FilterPolicy: Unrecognized match type foo"},
		{MessageAttributes, `{invalidjson}`, "FilterPolicy: failed to parse JSON."},
		{MessageBody, `[]`, "FilterPolicy: Filter is not an object"},
		{MessageBody, `{"a": {}}`, "FilterPolicy: Empty objects are not allowed"},
	}
	for _, tc := range cases {
		_, err := CompileFilterPolicy([]byte(tc.policy), tc.scope)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("CompileFilterPolicy(%s, %s) = %v, want %q", tc.policy, tc.scope, err, tc.reason)
			continue
		}
		if pe.Reason != tc.reason {
			t.Errorf("CompileFilterPolicy(%s, %s)\n got %q\nwant %q", tc.policy, tc.scope, pe.Reason, tc.reason)
		}
	}
}

func TestValidFilterPolicies(t *testing.T) {
	for _, tc := range []struct {
		scope  Scope
		policy string
	}{
		{MessageAttributes, `{}`},
		{MessageAttributes, `{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1]}`},
		// 150 combinations exactly
		{MessageAttributes, `{"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`},
		// 3 at depth 3 times 4 at depth 2: 72
		{MessageBody, `{"a": {"b": {"c": [1,2,3]}}, "d": {"e": [1,2,3,4]}}`},
		// $or alternatives add: 2*1 + 2*2
		{MessageAttributes, `{"a": [1,2], "$or": [{"b": [1]}, {"c": [1,2]}]}`},
		{MessageBody, `{"a": {"b": [{"anything-but": {"suffix": ".txt"}}]}}`},
	} {
		if _, err := CompileFilterPolicy([]byte(tc.policy), tc.scope); err != nil {
			t.Errorf("CompileFilterPolicy(%s, %s): %v", tc.policy, tc.scope, err)
		}
	}
}

func TestSNSCombinations(t *testing.T) {
	p := func(src string) []rule {
		c := &compiler{p: newPuller(src), d: dialect{sns: true}, topKeys: map[string]bool{}}
		if _, err := c.next(); err != nil {
			t.Fatal(err)
		}
		var rules []rule
		if err := c.parseObject(&rules, 1, false, true); err != nil {
			t.Fatal(err)
		}
		return rules
	}
	for src, want := range map[string]int{
		`{"key_a": ["value_one", "value_two", "value_three"], "key_b": ["value_one"], "key_c": ["value_one", "value_two"]}`: 6,
		`{"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}}, "key_d": {"key_e": ["v1", "v2", "v3"]}}`:                 72,
		`{"a": [1,2], "$or": [{"b": [1]}, {"c": [1,2]}]}`:                                                                   6,
	} {
		if got := snsCombinations(p(src)); got != want {
			t.Errorf("snsCombinations(%s) = %d, want %d", src, got, want)
		}
	}
}
