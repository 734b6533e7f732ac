package logs

import (
	"strings"
	"testing"
)

func TestFilterPatternMatch(t *testing.T) {
	const (
		jsonEvent = `{"eventType":"UpdateTrail","sourceIPAddress":"123.123.1.1","errorCode":"AccessDenied","latency":150,"ratio":1.5,
			"big":1e3,"ok":true,"bad":false,"gone":null,"user":{"id":1,"email":"John.Doe@example.com"},
			"users":[{"id":2,"email":"jane@example.com"}],"actions":["GET","PUT","DELETE"],"nested":{"a":{"b":"deep"}},
			"key with space":"x","code":"400"}`
		accessLog = `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326`
	)
	for _, tc := range []struct {
		pattern, msg string
		want         bool
	}{
		// Empty patterns match everything.
		{"", "anything", true},
		{`""`, "anything", true},
		{"   ", "", true},

		// Terms: every plain term, case-sensitive, anywhere in the message.
		{"ERROR", "[ERROR] failed", true},
		{"ERROR", "error: failed", false},
		{"ERROR", "ERRORS", true},
		{"ERROR Exception", "ERROR: NullPointerException", true},
		{"ERROR Exception", "ERROR: failed", false},
		{`"disk full"`, "warning: disk full on /", true},
		{`"disk full"`, "disk is full", false},
		{`"say \"hi\""`, `they say "hi"`, true},
		{"user@example.com", "login user@example.com ok", true},
		{"?ERROR ?WARN", "WARN low memory", true},
		{"?ERROR ?WARN", "INFO ok", false},
		{`?"bad thing" ?WARN`, "a bad thing", true},
		{"ERROR -Exiting", "ERROR retrying", true},
		{"ERROR -Exiting", "ERROR Exiting", false},
		{`ERROR -"shutting down"`, "ERROR shutting down", false},
		{"-DEBUG", "INFO started", true},
		{"-DEBUG", "DEBUG x", false},
		{"ERROR ?a ?b -c", "ERROR b", true},
		{"ERROR ?a ?b -c", "ERROR b c", false},
		{"ERROR ?a ?b -c", "ERROR d", false},
		{"%[0-9]{3} ms%", "took 250 ms", true},
		{"%^took%", "it took", false},
		{"%a\\%b%", "a%b", true},

		// JSON patterns.
		{`{ $.eventType = "UpdateTrail" }`, jsonEvent, true},
		{`{$.eventType="UpdateTrail"}`, jsonEvent, true},
		{`{ $.eventType = UpdateTrail }`, jsonEvent, true},
		{`{ $.eventType = "Update*" }`, jsonEvent, true},
		{`{ $.eventType = "*Trail" }`, jsonEvent, true},
		{`{ $.eventType = "*date*" }`, jsonEvent, true},
		{`{ $.eventType = "Delete*" }`, jsonEvent, false},
		{`{ $.eventType != "DeleteTrail" }`, jsonEvent, true},
		{`{ $.eventType != "UpdateTrail" }`, jsonEvent, false},
		{`{ $.missing != "x" }`, jsonEvent, false},
		{`{ $.sourceIPAddress != 123.123.* }`, jsonEvent, false},
		{`{ $.sourceIPAddress = 123.123.* }`, jsonEvent, true},
		{`{ $.latency > 100 }`, jsonEvent, true},
		{`{ $.latency > 150 }`, jsonEvent, false},
		{`{ $.latency >= 150 }`, jsonEvent, true},
		{`{ $.latency < 200 }`, jsonEvent, true},
		{`{ $.latency <= 149 }`, jsonEvent, false},
		{`{ $.latency = 150 }`, jsonEvent, true},
		{`{ $.latency = 150.0 }`, jsonEvent, true},
		{`{ $.latency != 150 }`, jsonEvent, false},
		{`{ $.ratio = 1.5 }`, jsonEvent, true},
		{`{ $.big = 1000 }`, jsonEvent, true},
		{`{ $.latency = 1.5e+2 }`, jsonEvent, true},
		{`{ $.latency > -1 }`, jsonEvent, true},
		{`{ $.code = 400 }`, jsonEvent, false},     // a string is not a number
		{`{ $.code = "400" }`, jsonEvent, true},    // but matches as a string
		{`{ $.latency = "150" }`, jsonEvent, true}, // and numbers by their text
		{`{ $.eventType > 5 }`, jsonEvent, false},
		{`{ $.ok IS TRUE }`, jsonEvent, true},
		{`{ $.bad IS TRUE }`, jsonEvent, false},
		{`{ $.bad IS FALSE }`, jsonEvent, true},
		{`{ $.gone IS NULL }`, jsonEvent, true},
		{`{ $.missing IS NULL }`, jsonEvent, false},
		{`{ $.missing NOT EXISTS }`, jsonEvent, true},
		{`{ $.gone NOT EXISTS }`, jsonEvent, false},
		{`{ $.user EXISTS }`, jsonEvent, true},
		{`{ $.user.id = 1 }`, jsonEvent, true},
		{`{ $.user.email = "John.Doe@example.com" }`, jsonEvent, true},
		{`{ $.users[0].email = "jane@example.com" }`, jsonEvent, true},
		{`{ $.users[1].email = "jane@example.com" }`, jsonEvent, false},
		{`{ $.actions[2] = "DELETE" }`, jsonEvent, true},
		{`{ $.actions[*] = "PUT" }`, jsonEvent, true},
		{`{ $.actions[*] = "POST" }`, jsonEvent, false},
		{`{ $.nested.*.b = "deep" }`, jsonEvent, true},
		{`{ $.['key with space'] = "x" }`, jsonEvent, true},
		{`{ $.user.id = 1 && $.users[0].email = "jane@example.com" }`, jsonEvent, true},
		{`{ $.user.id = 2 && $.users[0].email = "jane@example.com" }`, jsonEvent, false},
		{`{ ($.user.id = 2 && $.users[0].email = "x") || $.actions[2] = "DELETE" }`, jsonEvent, true},
		{`{ $.user.id = 2 || $.latency > 100 && $.ok IS FALSE }`, jsonEvent, false}, // && binds tighter
		{`{ (($.user.id = 1)) }`, jsonEvent, true},
		{`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`, jsonEvent, true},
		{`{ $.eventType = %^Update% }`, jsonEvent, true},
		{`{ $.eventType != %^Update% }`, jsonEvent, false},
		{`{ $.eventType = "UpdateTrail" }`, "not json", false},
		{`{ $.eventType = "UpdateTrail" }`, `{"eventType": "UpdateTrail"`, false},
		{`{ $[0] = "a" }`, `["a","b"]`, true},
		{`{ $.a = "x" }`, "  {\"a\":\"x\"}  ", true},

		// Space-delimited patterns.
		{`[ip, id, user, timestamp, request, status_code, size]`, accessLog, true},
		{`[ip, id, user, timestamp, request, status_code]`, accessLog, false},
		{`[ip, id, user, timestamp, request, status_code = 404, size]`, accessLog, true},
		{`[ip, id, user, timestamp, request, status_code = 4*, size]`, accessLog, true},
		{`[ip, id, user, timestamp, request, status_code = 5*, size]`, accessLog, false},
		{`[ip, id, user, timestamp, request = "*gif*", status_code, size > 1000]`, accessLog, true},
		{`[ip, id, user, timestamp, request = *.gif*, status_code, size]`, accessLog, true},
		{`[ip, id, user = frank, ...]`, accessLog, true},
		{`[..., status_code = 404, size]`, accessLog, true},
		{`[..., size < 100]`, accessLog, false},
		{`[ip = 127.0.0.*, ..., size]`, accessLog, true},
		{`[ip, ..., request = "GET*", ..., size]`, accessLog, true},
		{`[..., status_code = 500 || status_code = 404, size]`, accessLog, true},
		{`[..., status_code >= 400 && status_code < 500, size]`, accessLog, true},
		{`[..., status_code >= 400 && status_code < 404, size]`, accessLog, false},
		{`[...]`, accessLog, true},
		{`[a, b]`, "x [y z]", true},
		{`[a, b = "y z"]`, `x "y z"`, true},
		{`[timestamp = %^10/Oct%, ...]`, "[10/Oct/2000:13:55:36 -0700] GET", true},
	} {
		p, err := compilePattern(tc.pattern)
		if err != nil {
			t.Errorf("compile %s: %v", tc.pattern, err)
			continue
		}
		if got := p.match(tc.msg); got != tc.want {
			t.Errorf("%s on %.60q = %v, want %v", tc.pattern, tc.msg, got, tc.want)
		}
	}
}

func TestFilterPatternErrors(t *testing.T) {
	for _, tc := range []struct{ pattern, err string }{
		{`{ $.a = 1`, "If a filter pattern starts with '{' it must end with '}'"},
		{`[a, b`, "If a filter pattern starts with '[' it must end with ']'"},
		{`"open`, "Unterminated quoted string in filter pattern"},
		{`a"b`, "Invalid character(s) in term '\"'"},
		{`"a"b`, "Invalid filter pattern"},
		{`?`, "Invalid filter pattern"},
		{`ERROR -`, "Invalid filter pattern"},
		{`%abc`, "Unterminated regular expression in filter pattern"},
		{`%(a|b)%`, "Invalid regular expression in filter pattern"},
		{`%a[%`, "Invalid regular expression in filter pattern"},
		{`%%`, "Invalid regular expression in filter pattern"},
		{`%a% %b% %c%`, "A filter pattern can contain at most 2 regular expressions"},
		{`{}`, "Invalid filter pattern"},
		{`{ a = 1 }`, "Invalid filter pattern"},
		{`{ $.a }`, "Invalid filter pattern"},
		{`{ $.a = }`, "Invalid filter pattern"},
		{`{ $.a > "x" }`, "Invalid filter pattern"},
		{`{ $.a > x }`, "Invalid filter pattern"},
		{`{ $.a < %x% }`, "Invalid filter pattern"},
		{`{ $.a = 1 && }`, "Invalid filter pattern"},
		{`{ $.a = 1 || || $.b = 2 }`, "Invalid filter pattern"},
		{`{ ($.a = 1 }`, "Invalid filter pattern"},
		{`{ $.a = 1) }`, "Invalid filter pattern"},
		{`{ $.a IS MAYBE }`, "Invalid filter pattern"},
		{`{ $.a NOT THERE }`, "Invalid filter pattern"},
		{`{ $.a[x] = 1 }`, "Invalid filter pattern"},
		{`{ $.a[-1] = 1 }`, "Invalid filter pattern"},
		{`{ $.a[0 = 1 }`, "Invalid filter pattern"},
		{`{ $. = 1 }`, "Invalid filter pattern"},
		{`{ $.a = 1 $.b = 2 }`, "Invalid filter pattern"},
		{`{ ` + strings.Repeat("(", 40) + `$.a = 1` + strings.Repeat(")", 40) + ` }`, "Invalid filter pattern"},
		{`[]`, "Invalid filter pattern"},
		{`[a, , b]`, "Invalid filter pattern"},
		{`[a = ]`, "Invalid filter pattern"},
		{`[a > x]`, "Invalid filter pattern"},
		{`[a = 1 && b = 2]`, "Conditions in a space-delimited filter pattern element must name that element's field"},
		{`[a = 1 b]`, "Invalid filter pattern"},
		{`[a = 1 &&]`, "Invalid filter pattern"},
	} {
		_, err := compilePattern(tc.pattern)
		if err == nil {
			t.Errorf("%s: no error", tc.pattern)
			continue
		}
		if err.Error() != tc.err {
			t.Errorf("%s: %q, want %q", tc.pattern, err, tc.err)
		}
	}
}

func TestSplitFields(t *testing.T) {
	got := splitFields(`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 404  "unterminated`)
	want := []string{"127.0.0.1", "-", "frank", "10/Oct/2000:13:55:36 -0700", "GET /a HTTP/1.0", "404", `"unterminated`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("fields = %q", got)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		glob, s string
		want    bool
	}{
		{"abc", "abc", true}, {"abc", "abcd", false}, {"a*", "abc", true}, {"*c", "abc", true},
		{"*", "", true}, {"a*c", "ac", true}, {"a*b*c", "axbxc", true}, {"a*b*c", "axcxb", false},
		{"*aa", "a", false}, {"ab*ba", "aba", false}, {"**", "x", true},
	} {
		if got := globMatch(strings.Split(tc.glob, "*"), tc.s); got != tc.want {
			t.Errorf("%s ~ %s = %v", tc.glob, tc.s, got)
		}
	}
}

// FuzzFilterPattern feeds arbitrary patterns and messages to the parser
// and the matcher: neither may panic, hang or give different answers for
// the same input. Seeds are in testdata/fuzz/FuzzFilterPattern.
func FuzzFilterPattern(f *testing.F) {
	for _, seed := range [][2]string{
		{"ERROR -Exiting ?WARN", "ERROR WARN"},
		{`{ ($.a = "x*" && $.b[0].c > 1.5e3) || $.d IS NULL }`, `{"a":"xy","b":[{"c":2000}],"d":null}`},
		{`[ip, ..., status = 4* || status = 5*, size > 10]`, `1.2.3.4 - - "GET /" 404 20`},
		{`%^[a-z]+$%`, "abc"},
		{`{ $.nested.*[*] NOT EXISTS }`, `{"nested":{"a":[1,2]}}`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		if len(pattern) > 4096 || len(msg) > 1<<16 {
			return // far beyond the API's limits (1024 characters, 256 KB)
		}
		p, err := compilePattern(pattern)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		a := p.match(msg)
		if b := p.match(msg); a != b {
			t.Fatalf("match is not deterministic for %q on %q", pattern, msg)
		}
		// Compiling again gives the same matcher.
		q, err := compilePattern(pattern)
		if err != nil || q.match(msg) != a {
			t.Fatalf("recompiling %q changed the result", pattern)
		}
	})
}
