package pattern

import (
	"encoding/json"
	"strings"
	"testing"
)

// ec2Event is the sample event of the event-ruler README and the
// EventBridge documentation.
const ec2Event = `{
  "version": "0",
  "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "012345679012",
  "time": "2017-10-02T16:24:49Z",
  "region": "us-east-1",
  "resources": [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"
  ],
  "detail": {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    "state": "running"
  }
}`

type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

func runMatch(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.pattern, err)
			}
			got, err := p.Match([]byte(tc.event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tc.want {
				t.Errorf("pattern %s\nevent %s\ngot %v, want %v", tc.pattern, tc.event, got, tc.want)
			}
			// The decoded-value path must agree with the bytes path.
			dec := json.NewDecoder(strings.NewReader(tc.event))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := p.MatchValue(v); got != tc.want && !strings.Contains(tc.name, "duplicate") {
				t.Errorf("MatchValue: got %v, want %v", got, tc.want)
			}
		})
	}
}

// From the event-ruler README and the EventBridge user guide ("Event
// patterns", "Content filtering", "Arrays", "Null values and empty strings").
func TestDocumentationExamples(t *testing.T) { runMatch(t, documentationCases()) }

func documentationCases() []matchCase {
	return []matchCase{
		{"readme simple", `{
		  "detail-type": [ "EC2 Instance State-change Notification" ],
		  "resources": [ "arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000" ],
		  "detail": { "state": [ "initializing", "running" ] }
		}`, ec2Event, true},
		{"prefix time", `{"time": [ { "prefix": "2017-10-02" } ]}`, ec2Event, true},
		{"prefix time other day", `{"time": [ { "prefix": "2017-10-03" } ]}`, ec2Event, false},
		{"suffix source", `{"source": [ { "suffix": "ec2" } ]}`, ec2Event, true},
		{"equals-ignore-case source", `{"source": [ { "equals-ignore-case": "AWS.EC2" } ]}`, ec2Event, true},
		{"wildcard readme", `{"source": [ { "wildcard": "aws.*" } ]}`, ec2Event, true},
		{"anything-but string", `{"detail": {"state": [ { "anything-but": "initializing" } ]}}`, ec2Event, true},
		{"anything-but string fails", `{"detail": {"state": [ { "anything-but": "running" } ]}}`, ec2Event, false},
		{"anything-but number", `{"detail": {"x-limit": [ { "anything-but": 123 } ]}}`, ec2Event, true},
		{"anything-but number equal", `{"detail": {"x-limit": [ { "anything-but": 301.8 } ]}}`, ec2Event, false},
		{"anything-but string list", `{"detail": {"state": [ { "anything-but": [ "stopped", "overloaded" ] } ]}}`, ec2Event, true},
		{"anything-but number list", `{"detail": {"x-limit": [ { "anything-but": [ 100, 200, 300 ] } ]}}`, ec2Event, true},
		{"anything-but prefix", `{"detail": {"state": [ { "anything-but": { "prefix": "init" } } ]}}`, ec2Event, true},
		{"anything-but prefix fails", `{"detail": {"state": [ { "anything-but": { "prefix": "run" } } ]}}`, ec2Event, false},
		{"numeric readme", `{"detail": {
		    "c-count": [ { "numeric": [ ">", 0, "<=", 5 ] } ],
		    "d-count": [ { "numeric": [ "<", 10 ] } ],
		    "x-limit": [ { "numeric": [ "=", 3.018e2 ] } ]}}`, ec2Event, true},
		{"cidr readme", `{"detail": {"source-ip": [ { "cidr": "10.0.0.0/24" } ]}}`, ec2Event, true},
		{"cidr readme other net", `{"detail": {"source-ip": [ { "cidr": "10.0.1.0/24" } ]}}`, ec2Event, false},
		{"exists true", `{"detail": {"c-count": [ { "exists": true } ]}}`, ec2Event, true},
		{"exists false", `{"detail": {"c-count": [ { "exists": false } ]}}`, ec2Event, false},
		{"exists false missing", `{"detail": {"c-count": [ { "exists": false } ]}}`,
			`{"detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["initializing", "running"]}}`, true},
		{"exists false on non-leaf", `{"detail": {"c-count": [ { "exists": false } ]}}`,
			`{"detail": {"state": ["initializing", "running"], "c-count": {"c1": 100}}}`, true},
		{"complex readme", `{
		  "time": [ { "prefix": "2017-10-02" } ],
		  "detail": {
		    "state": [ { "anything-but": "initializing" } ],
		    "c-count": [ { "numeric": [ ">", 0, "<=", 5 ] } ],
		    "d-count": [ { "numeric": [ "<", 10 ] } ],
		    "x-limit": [ { "anything-but": [ 100, 200, 300 ] } ],
		    "source-ip": [ { "cidr": "10.0.0.0/8" } ]
		  }}`, ec2Event, true},
		{"or readme detail", `{"detail": {"$or": [
		    {"c-count": [ { "numeric": [ ">", 0, "<=", 5 ] } ]},
		    {"d-count": [ { "numeric": [ "<", 10 ] } ]},
		    {"x-limit": [ { "numeric": [ "=", 3.018e2 ] } ]}]}}`, ec2Event, true},
		{"eb ec2 terminated", `{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["terminated"]}}`, ec2Event, false},
		{"eb ec2 running", `{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["running"]}}`, ec2Event, true},
		{"eb source list", `{ "source": ["aws.ec2", "aws.fargate"] }`, ec2Event, true},
		{"eb autoscaling europe", `{"source": [ "aws.autoscaling" ], "region": [ { "prefix": "eu-" } ]}`,
			`{"source": "aws.autoscaling", "region": "eu-west-1"}`, true},
		{"eb prefix ignore case", `{"detail": {"service" : [{ "prefix": { "equals-ignore-case": "EventB" }}]}}`,
			`{"detail": {"service": "EVENTBRIDGE"}}`, true},
		{"eb prefix ignore case lower", `{"detail": {"service" : [{ "prefix": { "equals-ignore-case": "EventB" }}]}}`,
			`{"detail": {"service": "eventbus"}}`, true},
		{"eb prefix ignore case no", `{"detail": {"service" : [{ "prefix": { "equals-ignore-case": "EventB" }}]}}`,
			`{"detail": {"service": "Event"}}`, false},
		{"eb suffix png", `{"FileName": [ { "suffix": ".png" } ]}`, `{"FileName": "image.png"}`, true},
		{"eb suffix png case", `{"FileName": [ { "suffix": ".png" } ]}`, `{"FileName": "image.PNG"}`, false},
		{"eb suffix ignore case", `{"detail": {"FileName" : [{ "suffix": { "equals-ignore-case": ".png" }}]}}`,
			`{"detail": {"FileName": "image.PNG"}}`, true},
		{"eb anything-but suffix", `{"detail": {"FileName": [ { "anything-but": { "suffix": ".txt" } } ]}}`,
			`{"detail": {"FileName": "notes.txt"}}`, false},
		{"eb anything-but suffix other", `{"detail": {"FileName": [ { "anything-but": { "suffix": ".txt" } } ]}}`,
			`{"detail": {"FileName": "notes.md"}}`, true},
		{"eb anything-but ignore case", `{"detail": {"state": [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] }}]}}`,
			`{"detail": {"state": "STOPPED"}}`, false},
		{"eb anything-but ignore case other", `{"detail": {"state": [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] }}]}}`,
			`{"detail": {"state": "running"}}`, true},
		{"eb anything-but wildcard", `{"detail": {"FilePath" : [{ "anything-but": { "wildcard": "*/lib/*" }}]}}`,
			`{"detail": {"FilePath": "/usr/lib/x.so"}}`, false},
		{"eb anything-but wildcard other", `{"detail": {"FilePath" : [{ "anything-but": { "wildcard": "*/lib/*" }}]}}`,
			`{"detail": {"FilePath": "/usr/bin/x"}}`, true},
		{"eb anything-but wildcard list", `{"detail": {"FilePath" : [{ "anything-but": { "wildcard": ["*/lib/*", "*/bin/*"] }}]}}`,
			`{"detail": {"FilePath": "/usr/bin/x"}}`, false},
		{"eb ip", `{"detail": {"sourceIPAddress": [ { "cidr": "10.0.0.0/24" } ]}}`,
			`{"detail": {"sourceIPAddress": "10.0.0.255"}}`, true},
		{"eb ip out", `{"detail": {"sourceIPAddress": [ { "cidr": "10.0.0.0/24" } ]}}`,
			`{"detail": {"sourceIPAddress": "10.0.1.0"}}`, false},
		{"eb equals-ignore-case", `{"detail-type": [ { "equals-ignore-case": "ec2 instance state-change notification" } ]}`, ec2Event, true},
		{"eb wildcard bus", `{"EventBusArn": [ { "wildcard": "arn:aws:events:us-east-1:*:event-bus/*" } ]}`,
			`{"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/orders"}`, true},
		{"eb wildcard bus other region", `{"EventBusArn": [ { "wildcard": "arn:aws:events:us-east-1:*:event-bus/*" } ]}`,
			`{"EventBusArn": "arn:aws:events:eu-west-1:123456789012:event-bus/orders"}`, false},
		{"eb wildcard doc", `{"FileName": [ { "wildcard": "/Users/*/doc.txt" } ]}`,
			`{"FileName": "/Users/ana/dir/doc.txt"}`, true},
		{"blog wildcard png", `{"key": [ { "wildcard": "*.png" } ]}`, `{"key": "a/b.png"}`, true},
		{"blog wildcard title", `{"key": [ { "wildcard": "*Title*" } ]}`, `{"key": "MyTitleHere"}`, true},
		{"blog wildcard title no", `{"key": [ { "wildcard": "*Title*" } ]}`, `{"key": "MyTitlHere"}`, false},
		{"arrays doc", `{"resources": [
		    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
		    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
		    "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}`,
			`{"resources": [
		    "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
		    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}`, true},
		{"null doc empty string", `{"detail": {"eventVersion": [""]}}`, nullEvent, true},
		{"null doc null", `{"detail": {"responseElements": [null]}}`, nullEvent, true},
		{"null doc not interchangeable", `{"detail": {"responseElements": [""]}}`, nullEvent, false},
		{"null doc not interchangeable 2", `{"detail": {"eventVersion": [null]}}`, nullEvent, false},
		{"readme $or", `{"source": [ "aws.cloudwatch" ], "$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "namespace": [ "AWS/EC2", "AWS/ES" ] }]}`,
			`{"source": "aws.cloudwatch", "namespace": "AWS/ES"}`, true},
		{"readme $or neither", `{"source": [ "aws.cloudwatch" ], "$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "namespace": [ "AWS/EC2", "AWS/ES" ] }]}`,
			`{"source": "aws.cloudwatch", "namespace": "AWS/RDS"}`, false},
		{"readme parallel $or", `{"$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "namespace": [ "AWS/EC2", "AWS/ES" ] }],
		  "detail" : {"$or": [
		    { "source": [ "aws.cloudwatch" ] },
		    { "detail-type": [ "CloudWatch Alarm State Change"] }]}}`,
			`{"metricName": "ReadLatency", "detail": {"detail-type": "CloudWatch Alarm State Change"}}`, true},
		{"readme parallel $or half", `{"$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "namespace": [ "AWS/EC2", "AWS/ES" ] }],
		  "detail" : {"$or": [
		    { "source": [ "aws.cloudwatch" ] },
		    { "detail-type": [ "CloudWatch Alarm State Change"] }]}}`,
			`{"metricName": "ReadLatency", "detail": {"detail-type": "other"}}`, false},
		{"readme nested $or", `{"source": [ "aws.cloudwatch" ], "$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "metricType": [ "MetricType" ], "namespace": [ "AWS/EC2", "AWS/ES" ],
		      "$or": [ { "metricId": [ 1234 ] }, { "spaceId": [ 1000 ] } ] },
		    { "scope": [ "Service" ] }]}`,
			`{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1000}`, true},
		{"readme nested $or missing inner", `{"source": [ "aws.cloudwatch" ], "$or": [
		    { "metricName": [ "CPUUtilization", "ReadLatency" ] },
		    { "metricType": [ "MetricType" ], "namespace": [ "AWS/EC2", "AWS/ES" ],
		      "$or": [ { "metricId": [ 1234 ] }, { "spaceId": [ 1000 ] } ] },
		    { "scope": [ "Service" ] }]}`,
			`{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1001}`, false},
		{"readme array employees", `{ "employees": { "firstName": [ "Anna" ] } }`, employees, true},
		{"readme array consistency", `{ "employees": { "firstName": [ "Anna" ], "lastName": [ "Jones" ] } }`, employees, false},
		{"readme array consistency same element", `{ "employees": { "firstName": [ "Anna" ], "lastName": [ "Smith" ] } }`, employees, true},
		{"readme nested arrays", `{ "employees": { "firstName": [ "Peter" ] } }`, nestedEmployees, true},
		{"readme nested arrays consistency", `{ "employees": { "firstName": [ "Anna" ], "lastName": [ "Jones" ] } }`, nestedEmployees, false},
		{"readme dotted keys rule", `{ "detail" : { "state.status": [ "running" ] } }`, `{ "detail" : { "state": { "status": "running" } } }`, true},
		{"readme dotted keys event", `{ "detail" : { "state": { "status": [ "running" ] } } }`, `{ "detail" : { "state.status": "running"  } }`, true},
		{"readme dotted keys both", `{ "detail" : { "state.status": [ "running" ] } }`, `{ "detail" : { "state.status": "running"  } }`, true},
	}
}

const nullEvent = `{
  "version": "0",
  "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  "source": "aws.autoscaling",
  "account": "123456789012",
  "time": "2015-11-11T21:31:47Z",
  "region": "us-east-1",
  "resources": [],
  "detail": { "eventVersion": "", "responseElements": null }
}`

const employees = `{"employees":[
  { "firstName":"John", "lastName":"Doe" },
  { "firstName":"Anna", "lastName":"Smith" },
  { "firstName":"Peter", "lastName":"Jones" }]}`

const nestedEmployees = `{"employees":[
  [ { "firstName":"John", "lastName":"Doe" }, { "firstName":"Anna", "lastName":"Smith" } ],
  [ { "firstName":"Peter", "lastName":"Jones" } ]]}`

// The comparison-operator table of the Lambda event filtering guide.
func TestLambdaFilteringExamples(t *testing.T) { runMatch(t, lambdaCases()) }

func lambdaCases() []matchCase {
	return []matchCase{
		{"null", `{"UserID": [ null ]}`, `{"UserID": null}`, true},
		{"null vs missing", `{"UserID": [ null ]}`, `{}`, false},
		{"empty", `{"LastName": [""]}`, `{"LastName": ""}`, true},
		{"equals", `{"Name": [ "Alice" ]}`, `{"Name": "Alice"}`, true},
		{"equals ignore case", `{"Name": [ { "equals-ignore-case": "alice" } ]}`, `{"Name": "ALICE"}`, true},
		{"and", `{"Location": [ "New York" ], "Day": ["Monday"]}`, `{"Location": "New York", "Day": "Monday"}`, true},
		{"and half", `{"Location": [ "New York" ], "Day": ["Monday"]}`, `{"Location": "New York", "Day": "Friday"}`, false},
		{"or", `{"PaymentType": [ "Credit", "Debit"]}`, `{"PaymentType": "Debit"}`, true},
		{"or multiple fields", `{"$or": [ { "Location": [ "New York" ] }, { "Day": [ "Monday" ] } ]}`, `{"Location": "Boston", "Day": "Monday"}`, true},
		{"or multiple fields none", `{"$or": [ { "Location": [ "New York" ] }, { "Day": [ "Monday" ] } ]}`, `{"Location": "Boston", "Day": "Friday"}`, false},
		{"not", `{"Weather": [ { "anything-but": [ "Raining" ] } ]}`, `{"Weather": "Sunny"}`, true},
		{"not raining", `{"Weather": [ { "anything-but": [ "Raining" ] } ]}`, `{"Weather": "Raining"}`, false},
		{"numeric equals", `{"Price": [ { "numeric": [ "=", 100 ] } ]}`, `{"Price": 100.0}`, true},
		{"numeric range", `{"Price": [ { "numeric": [ ">", 10, "<=", 20 ] } ]}`, `{"Price": 20}`, true},
		{"numeric range low", `{"Price": [ { "numeric": [ ">", 10, "<=", 20 ] } ]}`, `{"Price": 10}`, false},
		{"exists", `{"ProductName": [ { "exists": true } ]}`, `{"ProductName": "Widget"}`, true},
		{"does not exist", `{"ProductName": [ { "exists": false } ]}`, `{"Other": 1}`, true},
		{"begins with", `{"Region": [ {"prefix": "us-" } ]}`, `{"Region": "us-west-2"}`, true},
		{"ends with", `{"FileName": [ { "suffix": ".png" } ]}`, `{"FileName": "a.jpg"}`, false},
		{"sqs body", `{"body": {"RequestCode": ["BBBB"]}}`, `{"messageId": "1", "body": {"RequestCode": "BBBB"}}`, true},
		{"dynamodb keys", `{"dynamodb": {"Keys": {"CustomerName": {"S": ["AnyCompany Industries"]}}}}`,
			`{"eventName": "INSERT", "dynamodb": {"Keys": {"CustomerName": {"S": "AnyCompany Industries"}}}}`, true},
	}
}

func TestOperators(t *testing.T) { runMatch(t, operatorCases()) }

func operatorCases() []matchCase {
	return []matchCase{
		// exact values and types
		{"string", `{"a": ["x"]}`, `{"a": "x"}`, true},
		{"string case", `{"a": ["x"]}`, `{"a": "X"}`, false},
		{"string vs number", `{"a": ["5"]}`, `{"a": 5}`, false},
		{"number vs string", `{"a": [5]}`, `{"a": "5"}`, false},
		{"number forms", `{"a": [1]}`, `{"a": 1.0}`, true},
		{"number exponent", `{"a": [1]}`, `{"a": 1e0}`, true},
		{"number exponent pattern", `{"a": [3.018e2]}`, `{"a": 301.8}`, true},
		{"number negative zero", `{"a": [0]}`, `{"a": -0}`, true},
		{"number no", `{"a": [1]}`, `{"a": 1.5}`, false},
		{"number out of range literal", `{"a": [6000000000]}`, `{"a": 6000000000}`, true},
		{"number out of range other form", `{"a": [6000000000]}`, `{"a": 6e9}`, false},
		{"account number", `{"account": [123456789012]}`, `{"account": 123456789012}`, true},
		{"true", `{"a": [true]}`, `{"a": true}`, true},
		{"true vs string", `{"a": [true]}`, `{"a": "true"}`, false},
		{"false", `{"a": [false]}`, `{"a": false}`, true},
		{"false vs null", `{"a": [false]}`, `{"a": null}`, false},
		{"null", `{"a": [null]}`, `{"a": null}`, true},
		{"null vs empty", `{"a": [null]}`, `{"a": ""}`, false},
		{"escaped strings", `{"a": ["\u00e9\"\\"]}`, `{"a": "é\"\\"}`, true},
		{"unicode", `{"a": ["日本"]}`, `{"a": "\u65e5\u672c"}`, true},
		{"surrogate pair", `{"a": ["\ud83d\ude00"]}`, `{"a": "😀"}`, true},
		{"exactly", `{"a": [{"exactly": "x"}]}`, `{"a": "x"}`, true},
		{"exactly ip is literal", `{"a": [{"exactly": "10.0.0.1"}]}`, `{"a": "10.00.0.1"}`, false},
		{"missing field", `{"a": ["x"]}`, `{"b": "x"}`, false},
		{"extra fields ignored", `{"a": ["x"]}`, `{"a": "x", "b": {"c": [1, 2]}}`, true},
		{"value is object", `{"a": ["x"]}`, `{"a": {"b": "x"}}`, false},
		{"value is empty array", `{"a": ["x"]}`, `{"a": []}`, false},
		{"nested", `{"a": {"b": {"c": ["x"]}}}`, `{"a": {"b": {"c": "x"}}}`, true},
		{"nested scalar in between", `{"a": {"b": ["x"]}}`, `{"a": "b"}`, false},
		{"or of values", `{"a": ["x", "y", 3, null]}`, `{"a": null}`, true},
		// IP literals compare as addresses
		{"ip literal", `{"ip": ["10.0.0.1"]}`, `{"ip": "10.0.0.1"}`, true},
		{"ip literal other", `{"ip": ["10.0.0.1"]}`, `{"ip": "10.0.0.2"}`, false},
		{"ipv6 literal forms", `{"ip": ["2001:db8::1"]}`, `{"ip": "2001:DB8:0:0:0:0:0:1"}`, true},
		{"ipv6 literal not ip", `{"ip": ["2001:db8::1"]}`, `{"ip": "host"}`, false},
		// arrays in the event
		{"array any element", `{"a": ["x"]}`, `{"a": ["y", "x"]}`, true},
		{"array none", `{"a": ["x"]}`, `{"a": ["y", "z"]}`, false},
		{"array nested arrays", `{"a": [3]}`, `{"a": [[1, 2], [3]]}`, true},
		{"array of objects", `{"a": {"b": ["x"]}}`, `{"a": [{"b": "y"}, {"b": "x"}]}`, true},
		{"array of objects consistency", `{"a": {"b": ["x"], "c": ["y"]}}`, `{"a": [{"b": "x"}, {"c": "y"}]}`, false},
		{"array of objects same element", `{"a": {"b": ["x"], "c": ["y"]}}`, `{"a": [{"b": "x"}, {"b": "x", "c": "y"}]}`, true},
		{"arrays independent", `{"a": {"b": ["x"]}, "c": {"d": ["y"]}}`, `{"a": [{"b": "x"}], "c": [{"d": "z"}, {"d": "y"}]}`, true},
		{"deep consistency", `{"a": {"b": {"c": [1], "d": [2]}}}`, `{"a": [{"b": [{"c": 1}, {"d": 2}]}]}`, false},
		{"deep consistency ok", `{"a": {"b": {"c": [1]}, "e": [3]}}`, `{"a": [{"b": [{"c": 0}, {"c": 1}], "e": 3}, {"e": 4}]}`, true},
		{"deep consistency across outer", `{"a": {"b": {"c": [1]}, "e": [3]}}`, `{"a": [{"b": [{"c": 1}], "e": 4}, {"e": 3}]}`, false},
		{"anything-but any element", `{"a": [{"anything-but": "x"}]}`, `{"a": ["x", "y"]}`, true},
		{"anything-but all excluded", `{"a": [{"anything-but": "x"}]}`, `{"a": ["x", "x"]}`, false},
		{"anything-but empty array", `{"a": [{"anything-but": "x"}]}`, `{"a": []}`, false},
		// prefix and suffix
		{"prefix empty matches any string", `{"a": [{"prefix": ""}]}`, `{"a": ""}`, true},
		{"prefix not numbers", `{"a": [{"prefix": "1"}]}`, `{"a": 12}`, false},
		{"prefix fold unicode", `{"a": [{"prefix": {"equals-ignore-case": "ÉT"}}]}`, `{"a": "été"}`, true},
		{"suffix empty", `{"a": [{"suffix": ""}]}`, `{"a": "abc"}`, true},
		{"suffix fold", `{"a": [{"suffix": {"equals-ignore-case": "ÉE"}}]}`, `{"a": "année"}`, true},
		{"suffix fold longer", `{"a": [{"suffix": {"equals-ignore-case": "xannée"}}]}`, `{"a": "année"}`, false},
		{"equals-ignore-case not number", `{"a": [{"equals-ignore-case": "1"}]}`, `{"a": 1}`, false},
		// anything-but
		{"anything-but matches null", `{"a": [{"anything-but": "x"}]}`, `{"a": null}`, true},
		{"anything-but matches number", `{"a": [{"anything-but": "x"}]}`, `{"a": 5}`, true},
		{"anything-but missing", `{"a": [{"anything-but": "x"}]}`, `{"b": "y"}`, false},
		{"anything-but number list vs string", `{"a": [{"anything-but": [1, 2]}]}`, `{"a": "1"}`, true},
		{"anything-but number forms", `{"a": [{"anything-but": [1, 2]}]}`, `{"a": 1.0}`, false},
		{"anything-but prefix number", `{"a": [{"anything-but": {"prefix": "1"}}]}`, `{"a": 12}`, true},
		{"anything-but prefix list", `{"a": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}`, `{"a": "eu-west-1"}`, false},
		{"anything-but suffix list", `{"a": [{"anything-but": {"suffix": [".txt", ".md"]}}]}`, `{"a": "x.go"}`, true},
		{"anything-but fold single", `{"a": [{"anything-but": {"equals-ignore-case": "X"}}]}`, `{"a": "x"}`, false},
		{"anything-but empty set", `{"a": [{"anything-but": {"prefix": []}}]}`, `{"a": "x"}`, true},
		{"anything-but wildcard null", `{"a": [{"anything-but": {"wildcard": "*"}}]}`, `{"a": null}`, true},
		{"anything-but wildcard string", `{"a": [{"anything-but": {"wildcard": "*"}}]}`, `{"a": ""}`, false},
		// numeric
		{"numeric gt", `{"n": [{"numeric": [">", 10]}]}`, `{"n": 10.000001}`, true},
		{"numeric gt edge", `{"n": [{"numeric": [">", 10]}]}`, `{"n": 10}`, false},
		{"numeric ge", `{"n": [{"numeric": [">=", 10]}]}`, `{"n": 10}`, true},
		{"numeric lt", `{"n": [{"numeric": ["<", 10]}]}`, `{"n": -4.9e9}`, true},
		{"numeric le", `{"n": [{"numeric": ["<=", 10]}]}`, `{"n": 1e1}`, true},
		{"numeric eq", `{"n": [{"numeric": ["=", 0.5]}]}`, `{"n": 5e-1}`, true},
		{"numeric range open", `{"n": [{"numeric": [">", 0, "<", 1]}]}`, `{"n": 1}`, false},
		{"numeric range closed", `{"n": [{"numeric": [">=", 0, "<=", 1]}]}`, `{"n": 0}`, true},
		{"numeric not strings", `{"n": [{"numeric": [">", 0]}]}`, `{"n": "5"}`, false},
		{"numeric not bool", `{"n": [{"numeric": [">", 0]}]}`, `{"n": true}`, false},
		{"numeric array any", `{"n": [{"numeric": [">", 10]}]}`, `{"n": [1, 2, 30]}`, true},
		{"numeric out of range event", `{"n": [{"numeric": [">", 0]}]}`, `{"n": 6e9}`, false},
		{"numeric range limit", `{"n": [{"numeric": ["<=", 5e9]}]}`, `{"n": 5000000000}`, true},
		{"numeric or", `{"n": [{"numeric": ["<", 0]}, {"numeric": [">", 100]}]}`, `{"n": 101}`, true},
		{"numeric and exact", `{"n": [{"numeric": ["<", 0]}, 50]}`, `{"n": 50}`, true},
		// exists
		{"exists true null", `{"a": [{"exists": true}]}`, `{"a": null}`, true},
		{"exists true empty string", `{"a": [{"exists": true}]}`, `{"a": ""}`, true},
		{"exists true empty array", `{"a": [{"exists": true}]}`, `{"a": []}`, false},
		{"exists true object", `{"a": [{"exists": true}]}`, `{"a": {"b": 1}}`, false},
		{"exists true array", `{"a": [{"exists": true}]}`, `{"a": [1]}`, true},
		{"exists false null", `{"a": [{"exists": false}]}`, `{"a": null}`, false},
		{"exists false empty array", `{"a": [{"exists": false}]}`, `{"a": []}`, true},
		{"exists false array of objects", `{"a": [{"exists": false}]}`, `{"a": [{"b": 1}]}`, true},
		{"exists false empty event", `{"a": [{"exists": false}]}`, `{}`, true},
		{"exists false nested missing parent", `{"a": {"b": [{"exists": false}]}}`, `{"c": 1}`, true},
		{"exists false nested parent scalar", `{"a": {"b": [{"exists": false}]}}`, `{"a": 1}`, true},
		{"exists false in some element", `{"a": {"b": [{"exists": false}]}}`, `{"a": [{"b": 1}, {"c": 2}]}`, false},
		{"exists false in all elements", `{"a": {"b": [{"exists": false}]}}`, `{"a": [{"c": 1}, {"c": 2}]}`, true},
		{"exists false pinned element", `{"a": {"b": [{"exists": false}], "c": [2]}}`, `{"a": [{"b": 1, "c": 1}, {"c": 2}]}`, true},
		{"exists false pinned element fails", `{"a": {"b": [{"exists": false}], "c": [1]}}`, `{"a": [{"b": 1, "c": 1}, {"c": 2}]}`, false},
		{"exists false or value", `{"a": ["x", {"exists": false}]}`, `{}`, true},
		{"exists false or value present", `{"a": ["x", {"exists": false}]}`, `{"a": "x"}`, true},
		{"exists false or value other", `{"a": ["x", {"exists": false}]}`, `{"a": "y"}`, false},
		{"exists both", `{"a": [{"exists": true}, {"exists": false}]}`, `{"b": 1}`, true},
		{"exists with other fields", `{"a": [{"exists": false}], "b": ["x"]}`, `{"b": "x"}`, true},
		{"exists with other fields fails", `{"a": [{"exists": false}], "b": ["x"]}`, `{"b": "y"}`, false},
		// cidr
		{"cidr v6", `{"ip": [{"cidr": "2001:db8::/32"}]}`, `{"ip": "2001:db8:ffff::1"}`, true},
		{"cidr v6 out", `{"ip": [{"cidr": "2001:db8::/32"}]}`, `{"ip": "2001:db9::1"}`, false},
		{"cidr family", `{"ip": [{"cidr": "0.0.0.0/0"}]}`, `{"ip": "::1"}`, false},
		{"cidr all v4", `{"ip": [{"cidr": "0.0.0.0/0"}]}`, `{"ip": "255.255.255.255"}`, true},
		{"cidr not ip", `{"ip": [{"cidr": "10.0.0.0/8"}]}`, `{"ip": "10.0.0.x"}`, false},
		{"cidr not string", `{"ip": [{"cidr": "10.0.0.0/8"}]}`, `{"ip": 10}`, false},
		{"cidr base not masked", `{"ip": [{"cidr": "10.0.0.5/24"}]}`, `{"ip": "10.0.0.4"}`, false},
		{"cidr base not masked 2", `{"ip": [{"cidr": "10.0.0.5/24"}]}`, `{"ip": "10.0.0.200"}`, true},
		{"cidr mapped", `{"ip": [{"cidr": "1.2.3.0/24"}]}`, `{"ip": "::ffff:102:304"}`, true},
		// wildcard
		{"wildcard only star", `{"a": [{"wildcard": "*"}]}`, `{"a": ""}`, true},
		{"wildcard no star", `{"a": [{"wildcard": "abc"}]}`, `{"a": "abc"}`, true},
		{"wildcard middle", `{"a": [{"wildcard": "a*c"}]}`, `{"a": "ac"}`, true},
		{"wildcard overlapping", `{"a": [{"wildcard": "ab*ba"}]}`, `{"a": "aba"}`, false},
		{"wildcard repeated", `{"a": [{"wildcard": "*a*b*"}]}`, `{"a": "xbxaxbx"}`, true},
		{"wildcard escaped star", `{"a": [{"wildcard": "a\\*b"}]}`, `{"a": "a*b"}`, true},
		{"wildcard escaped star literal", `{"a": [{"wildcard": "a\\*b"}]}`, `{"a": "axb"}`, false},
		{"wildcard escaped backslash", `{"a": [{"wildcard": "a\\\\*"}]}`, `{"a": "a\\bc"}`, true},
		{"wildcard not number", `{"a": [{"wildcard": "1*"}]}`, `{"a": 12}`, false},
		// $or
		{"$or nested level", `{"a": {"$or": [{"b": [1]}, {"c": [2]}]}}`, `{"a": {"c": 2}}`, true},
		{"$or shares array element", `{"arr": {"x": [1]}, "$or": [{"arr": {"y": [2]}}, {"z": [3]}]}`,
			`{"arr": [{"x": 1}, {"y": 2}]}`, false},
		{"$or shares array element ok", `{"arr": {"x": [1]}, "$or": [{"arr": {"y": [2]}}, {"z": [3]}]}`,
			`{"arr": [{"x": 1, "y": 2}]}`, true},
		{"$or override", `{"a": [1], "$or": [{"a": [2]}, {"b": [3]}]}`, `{"a": 2}`, true},
		{"$or override other branch", `{"a": [1], "$or": [{"a": [2]}, {"b": [3]}]}`, `{"a": 1, "b": 3}`, true},
		{"$or exists false arrays", `{"a": {"$or": [{"x": [{"exists": false}]}, {"y": [{"exists": false}]}]}}`,
			`{"a": [{"x": 1}, {"y": 1}]}`, false},
		{"$or as field name object", `{"$or": [{"a": [1]}, {"b": [2]}], "c": {"$or": [{"d": [1]}, {"e": [1]}]}}`,
			`{"b": 2, "c": {"e": 1}}`, true},
		// dotted names
		{"dotted mixed", `{"a.b": [1], "a": {"c": [2]}}`, `{"a": {"b": 1, "c": 2}}`, true},
		{"dotted event partial", `{"a": {"b": {"c": [1]}}}`, `{"a.b": {"c": 1}}`, true},
		{"dotted event deep", `{"a": {"b": {"c": [1]}}}`, `{"a": {"b.c": 1}}`, true},
		{"dotted event no", `{"a": {"b": [1]}}`, `{"a.bc": 1}`, false},
		{"dotted exists false", `{"a": {"b": [{"exists": false}]}}`, `{"a.b": 1}`, false},
		// duplicate keys in the event are alternatives
		{"duplicate keys", `{"a": [2]}`, `{"a": 1, "a": 2}`, true},
		// empty names
		{"empty key", `{"": [1]}`, `{"": 1}`, true},
		{"empty key nested", `{"": {"": ["x"]}}`, `{"": {"": "x"}}`, true},
		{"empty key dotted", `{"a.": [1]}`, `{"a": {"": 1}}`, true},
		// root that is not an object
		{"root array", `{"a": [1]}`, `[{"a": 1}]`, false},
		{"root scalar", `{"a": [{"exists": false}]}`, `5`, false},
	}
}

func TestMatchInvalidEvent(t *testing.T) {
	p, err := Compile([]byte(`{"a": [1]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{``, `{`, `{"a": }`, `{"a": 1} x`, `{"a": 01}`, `{"a": "\x01"}`, `{"a": tru}`, `[1,]`, `{"a": "\u12"}`} {
		if _, err := p.Match([]byte(ev)); err == nil {
			t.Errorf("Match(%q) = nil error", ev)
		}
	}
}

func TestEventOfTypes(t *testing.T) {
	p, err := Compile([]byte(`{"a": [{"numeric": [">", 1]}], "b": [true], "c": [null], "d": ["x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []any{2, int64(2), int32(2), uint(2), uint64(2), 2.5, float32(2.5), json.Number("2")} {
		v := map[string]any{"a": n, "b": true, "c": nil, "d": []any{"y", "x"}}
		if !p.MatchValue(v) {
			t.Errorf("MatchValue with a=%T(%v) = false", n, n)
		}
	}
	if p.MatchValue(map[string]any{"a": struct{}{}, "b": true, "c": nil, "d": "x"}) {
		t.Error("unknown type matched numeric")
	}
}

func TestString(t *testing.T) {
	src := `{"a": ["x"]}`
	p, err := Compile([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != src {
		t.Errorf("String() = %q", p.String())
	}
}

func TestConcurrentUse(t *testing.T) {
	p, err := Compile([]byte(`{"source": ["aws.ec2"], "detail": {"state": [{"anything-but": "x"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	sns, err := CompileFilterPolicy([]byte(`{"a": [{"numeric": [">", 1]}]}`), MessageAttributes)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseEvent([]byte(ec2Event))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for i := 0; i < 200; i++ {
				m, err := p.Match([]byte(ec2Event))
				ok = ok && err == nil && m && p.MatchEvent(e)
				ok = ok && sns.MatchAttributes(map[string]Attribute{"a": {Type: "Number", Value: "2"}})
				ok = ok && !sns.MatchAttributes(map[string]Attribute{"a": {Type: "String.Array", Value: "[0, 1]"}})
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("a concurrent match gave a wrong answer")
		}
	}
}

func TestEscapes(t *testing.T) {
	runMatch(t, []matchCase{
		{"control escapes", `{"a": ["\b\f\n\r\t\/"]}`, `{"a": "\b\f\n\r\t/"}`, true},
		{"lone surrogate", `{"a": ["\ufffd"]}`, `{"a": "\ud800"}`, true},
		{"bad pair", `{"a": ["\ufffdx"]}`, `{"a": "\ud800\u0078"}`, true},
		{"escaped key", `{"a\"b": [1]}`, `{"a\u0022b": 1}`, true},
	})
	if _, err := Compile([]byte(`{"a": ["\x"]}`)); err == nil || err.Error() != reasonInvalidJSON {
		t.Errorf("bad escape: %v", err)
	}
	p, _ := Compile([]byte(`{"a": [1]}`))
	if _, err := p.Match([]byte(`{"a": "\ud80"}`)); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("bad \\u escape: %v", err)
	}
	if _, err := ParseEvent([]byte(`{"a": "x`)); err == nil {
		t.Error("ParseEvent accepted an unterminated string")
	}
}
