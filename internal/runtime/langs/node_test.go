package langs

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func startNode(t *testing.T, fixture, handler string, env ...string) *fn {
	t.Helper()
	need(t, "node")
	t.Parallel()
	return start(t, opts{runtime: "nodejs20.x", fixture: fixture, handler: handler, env: env})
}

func TestNodeSuccess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, fixture, handler, event, want string
	}{
		{"async", "node/basic", "index.handler", `{"a":1}`, `{"echo":{"a":1},"fn":"fn"}`},
		{"callback", "node/basic", "index.sync", `{"a":1,"b":2}`, `{"sum":3}`},
		{"dotted export", "node/basic", "index.nested.deep.handler", `{}`, `"nested"`},
		{"nested path", "node/basic", "src/app.handler", `[1]`, `{"from":"src/app","event":[1]}`},
		{"undefined is null", "node/basic", "index.returnsUndefined", `{}`, `null`},
		{"sync without callback is null", "node/basic", "index.syncNoCallback", `{}`, `null`},
		{"context.succeed", "node/basic", "index.succeed", `{}`, `{"ok":true}`},
		{"context.done", "node/basic", "index.done", `{}`, `"done"`},
		{"waits for empty event loop", "node/basic", "index.waits", `{}`, `"after timer"`},
		{"callbackWaitsForEmptyEventLoop false", "node/basic", "index.noWait", `{}`, `"now"`},
		{"response stream", "node/basic", "index.stream", `{}`, `hello stream`},
		{"mjs", "node/esm", "index.handler", `"x"`, `{"esm":"index.mjs","event":"x","id":"req-1"}`},
		{"type module", "node/esmtype", "index.handler", `{}`, `{"module":"undefined"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startNode(t, c.fixture, c.handler)
			f.ready()
			t0 := time.Now()
			wantPost(t, f.invoke(c.event), "response", "", c.want)
			took := time.Since(t0)
			// index.waits answers once its 50 ms timer has run;
			// index.noWait does not wait for its 300 ms timer.
			if c.handler == "index.waits" && took < 50*time.Millisecond || c.handler == "index.noWait" && took > 250*time.Millisecond {
				t.Errorf("%s answered after %v", c.handler, took)
			}
			if c.handler == "index.waits" {
				// The timer's log line comes before the response's
				// next request.
				f.waitOutput(regexp.MustCompile(`\ttimer fired`))
			}
		})
	}
}

func TestNodeHandlerErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, handler, errType, msg, trace0, frame string
	}{
		{"async throw", "index.throws", "Error", "boom", "Error: boom", "    at exports.throws [as handler] (%s/index.js:20:9)"},
		{"sync throw", "index.throwsSync", "TypeError", "bad type", "TypeError: bad type", "    at exports.throwsSync [as handler] (%s/index.js:23:9)"},
		{"callback error", "index.callbackError", "Error", "cb failed", "Error: cb failed", "    at exports.callbackError [as handler] (%s/index.js:26:12)"},
		{"context.fail", "index.fail", "Error", "failed", "Error: failed", "    at exports.fail [as handler] (%s/index.js:14:16)"},
		{"custom error", "index.custom", "MyError", "mine", "MyError: mine", "    at exports.custom [as handler] (%s/index.js:38:9)"},
		{"unserialisable result", "index.circular", "Error", "Unable to stringify response body", "Error: Unable to stringify response body", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startNode(t, "node/basic", c.handler)
			p := f.invoke(`{}`)
			if p.Kind != "error" || p.ErrType != c.errType {
				t.Fatalf("posted %s %q: %s", p.Kind, p.ErrType, p.Body)
			}
			e := decodeNodeError(t, p)
			if e.ErrorType != c.errType || e.ErrorMessage != c.msg || len(e.Trace) < 2 || e.Trace[0] != c.trace0 {
				t.Errorf("error %+v", e)
			}
			if c.frame != "" && e.Trace[1] != fmt.Sprintf(c.frame, f.root) {
				t.Errorf("trace[1] = %q, want the handler's frame", e.Trace[1])
			}
			// The log shows the error as Lambda formats it.
			re := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-1\tERROR\tInvoke Error \t\{"errorType":"` + regexp.QuoteMeta(c.errType) + `","errorMessage":"` + regexp.QuoteMeta(c.msg) + `",.*"stack":\[.*\]\}$`)
			f.waitOutput(re)
		})
	}

	t.Run("string error", func(t *testing.T) {
		f := startNode(t, "node/basic", "index.callbackString")
		wantPost(t, f.invoke(`{}`), "error", "string", `{"errorType":"string","errorMessage":"plain string","trace":[]}`)
	})
}

func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, fixture, handler, errType, msg string
		exit                                 int
	}{
		{"module not found", "node/basic", "nothere.handler", "Runtime.ImportModuleError",
			"Error: Cannot find module 'nothere'\nRequire stack:\n- {langs}/node/index.mjs", 129},
		{"dependency not found", "node/importerror", "index.handler", "Runtime.ImportModuleError",
			"Error: Cannot find module 'does-not-exist'\nRequire stack:\n- {root}/index.js\n- {langs}/node/index.mjs", 129},
		{"syntax error", "node/syntax", "index.handler", "Runtime.UserCodeSyntaxError",
			"SyntaxError: Unexpected end of input", 129},
		{"handler missing", "node/basic", "index.nope", "Runtime.HandlerNotFound",
			"index.nope is undefined or not exported", 129},
		{"handler not a function", "node/basic", "index.notAFunction", "Runtime.HandlerNotFound",
			"index.notAFunction is not a function", 129},
		{"malformed handler", "node/basic", "index", "Runtime.MalformedHandlerName", "Bad handler", 129},
		{"relative handler", "node/basic", "../index.handler", "Runtime.MalformedHandlerName",
			"'../index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.", 129},
		{"exception at import", "node/throwsatimport", "index.handler", "Error", "init failed", 129},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startNode(t, c.fixture, c.handler)
			p, code := f.initError()
			msg := strings.NewReplacer("{root}", f.root, "{langs}", filepath.Join(filepath.Dir(f.root), "langs")).Replace(c.msg)
			e := decodeNodeError(t, p)
			if p.ErrType != c.errType || e.ErrorType != c.errType || e.ErrorMessage != msg {
				t.Errorf("init error %q %+v\nwant %s: %q", p.ErrType, e, c.errType, msg)
			}
			if len(e.Trace) == 0 || !strings.HasPrefix(e.Trace[0], c.errType+": ") {
				t.Errorf("trace %q", e.Trace)
			}
			if code != c.exit {
				t.Errorf("exit code %d, want %d", code, c.exit)
			}
			re := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tundefined\tERROR\tUncaught Exception \t\{"errorType":"` + regexp.QuoteMeta(c.errType) + `",`)
			f.waitOutput(re)
		})
	}
}

func TestNodeUncaught(t *testing.T) {
	t.Parallel()
	t.Run("unhandled rejection", func(t *testing.T) {
		f := startNode(t, "node/basic", "index.unhandled")
		p := f.invoke(`{}`)
		e := decodeNodeError(t, p)
		if p.Kind != "error" || p.ErrType != "Runtime.UnhandledPromiseRejection" || e.ErrorType != "Runtime.UnhandledPromiseRejection" ||
			e.ErrorMessage != "Error: rejected" || e.Trace[0] != "Runtime.UnhandledPromiseRejection: Error: rejected" {
			t.Errorf("posted %s %q %+v", p.Kind, p.ErrType, e)
		}
		if code := f.exitCode(); code != 128 {
			t.Errorf("exit code %d, want 128", code)
		}
		f.waitOutput(regexp.MustCompile(`(?m)^\S+\treq-1\tERROR\tUnhandled Promise Rejection \t\{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: rejected","reason":\{"errorType":"Error","errorMessage":"rejected","stack":\[`))
	})
	t.Run("uncaught exception", func(t *testing.T) {
		f := startNode(t, "node/basic", "index.uncaught")
		p := f.invoke(`{}`)
		e := decodeNodeError(t, p)
		if p.Kind != "error" || p.ErrType != "Error" || e.ErrorMessage != "async throw" {
			t.Errorf("posted %s %q %+v", p.Kind, p.ErrType, e)
		}
		if code := f.exitCode(); code != 129 {
			t.Errorf("exit code %d, want 129", code)
		}
		f.waitOutput(regexp.MustCompile(`(?m)^\S+\treq-1\tERROR\tUncaught Exception \t\{"errorType":"Error","errorMessage":"async throw","stack":\[`))
	})
	t.Run("promise never settles", func(t *testing.T) {
		f := startNode(t, "node/basic", "index.neverSettles")
		p := f.invoke(`{}`)
		e := decodeNodeError(t, p)
		if p.ErrType != "Runtime.NodeJsExit" || !strings.HasPrefix(e.ErrorMessage, "The Lambda runtime client detected an unexpected Node.js exit code.") {
			t.Errorf("posted %s %q %+v", p.Kind, p.ErrType, e)
		}
		// The process lives on and takes the next invocation.
		wantPost(t, f.invoke(`{}`), "error", "Runtime.NodeJsExit", p.Body)
	})
}

func TestNodeContext(t *testing.T) {
	f := startNode(t, "node/basic", "index.context")
	p := f.invoke(`{}`,
		"Lambda-Runtime-Trace-Id", "Root=1-abc;Parent=def;Sampled=1",
		"Lambda-Runtime-Client-Context", `{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"app"}}`,
		"Lambda-Runtime-Cognito-Identity", `{"cognitoIdentityId":"id1","cognitoIdentityPoolId":"pool1"}`)
	re := regexp.MustCompile(`"remaining":(\d+),`)
	m := re.FindStringSubmatch(p.Body)
	if m == nil || len(m[1]) < 4 {
		t.Fatalf("remaining time missing or too small: %s", p.Body)
	}
	body := re.ReplaceAllString(p.Body, `"remaining":R,`)
	want := `{"functionName":"fn","functionVersion":"$LATEST","invokedFunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:fn",` +
		`"memoryLimitInMB":"128","awsRequestId":"req-1","logGroupName":"/aws/lambda/fn","logStreamName":"2024/01/01/[$LATEST]abc",` +
		`"identity":{"cognitoIdentityId":"id1","cognitoIdentityPoolId":"pool1"},"clientContext":{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"app"}},` +
		`"remaining":R,"callbackWaitsForEmptyEventLoop":true,"traceId":"Root=1-abc;Parent=def;Sampled=1",` +
		`"keys":["callbackWaitsForEmptyEventLoop","succeed","fail","done","functionVersion","functionName","memoryLimitInMB","logGroupName","logStreamName","clientContext","identity","invokedFunctionArn","awsRequestId","tenantId","getRemainingTimeInMillis"]}`
	wantPost(t, posted{Kind: p.Kind, ErrType: p.ErrType, Body: body}, "response", "", want)
	// Without the optional headers.
	p = f.invoke(`{}`)
	if !strings.Contains(p.Body, `"awsRequestId":"req-2"`) || strings.Contains(p.Body, `"identity":`) || strings.Contains(p.Body, "traceId") {
		t.Errorf("second context: %s", p.Body)
	}
}

func TestNodeLogs(t *testing.T) {
	f := startNode(t, "node/basic", "index.logs")
	wantPost(t, f.invoke(`{}`), "response", "", `"ok"`)
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	want := []string{
		`INFO\thello world`,
		`INFO\tinfo { a: 1 }`,
		`WARN\twarn`,
		`ERROR\tmulti\rline`,
		`DEBUG\tdebug`,
		`TRACE\ttrace`,
	}
	got := f.waitLines(regexp.MustCompile(`^`+ts+`\treq-1\t`), len(want))
	if len(got) != len(want) {
		t.Fatalf("log lines %q", got)
	}
	for i, w := range want {
		if !regexp.MustCompile(`^` + ts + `\treq-1\t` + w + `$`).MatchString(got[i]) {
			t.Errorf("line %d = %q, want %s", i, got[i], w)
		}
	}

	t.Run("level and JSON format", func(t *testing.T) {
		f := startNode(t, "node/basic", "index.logs", "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL=WARN")
		wantPost(t, f.invoke(`{}`), "response", "", `"ok"`)
		got := f.waitLines(regexp.MustCompile(`^\{`), 2)
		want := []string{
			`{"timestamp":"TS","level":"WARN","requestId":"req-1","message":"warn"}`,
			`{"timestamp":"TS","level":"ERROR","requestId":"req-1","message":"multi\nline"}`,
		}
		for i := range got {
			got[i] = regexp.MustCompile(`"timestamp":"[^"]+"`).ReplaceAllString(got[i], `"timestamp":"TS"`)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("JSON log lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestNodeWarm(t *testing.T) {
	f := startNode(t, "node/basic", "index.counter")
	for i := 1; i <= 5; i++ {
		wantPost(t, f.invoke(`{}`), "response", "", fmt.Sprint(i))
	}
	if n := f.api.conns.Load(); n != 1 {
		t.Errorf("%d connections to the Runtime API, want 1", n)
	}
}

func TestNodeLayers(t *testing.T) {
	need(t, "node")
	t.Parallel()
	for _, h := range []string{"index.handler", "esm.handler"} {
		t.Run(h, func(t *testing.T) {
			t.Parallel()
			f := start(t, opts{runtime: "nodejs20.x", fixture: "node/layer", handler: h, optDir: "node/layer-opt"})
			wantPost(t, f.invoke(`{}`), "response", "", `["layerlib","layerlib20"]`)
		})
	}
}

func TestNodeMissingSDK(t *testing.T) {
	t.Parallel()
	hint := func(f *fn) string {
		return fmt.Sprintf(`hako runs nodejs20.x functions with the host's Node.js (%s %s), which has no @aws-sdk/client-nonexistent, `+
			`part of the AWS SDK for JavaScript v3 that Lambda's nodejs20.x runtime includes: `+
			`install it with "npm install -g @aws-sdk/client-nonexistent", or ship it in the function's zip or in a layer (nodejs/node_modules).`,
			nodeExec(t), nodeVersion(t))
	}
	t.Run("commonjs", func(t *testing.T) {
		f := startNode(t, "node/sdk", "index.handler")
		p, code := f.initError()
		e := decodeNodeError(t, p)
		installed := filepath.Join(filepath.Dir(f.root), "langs")
		want := "Error: Cannot find module '@aws-sdk/client-nonexistent'\nRequire stack:\n- " + f.root + "/index.js\n- " + installed + "/node/index.mjs\n" + hint(f)
		if p.ErrType != "Runtime.ImportModuleError" || e.ErrorType != "Runtime.ImportModuleError" || e.ErrorMessage != want || code != 129 {
			t.Errorf("init error %q %+v (exit %d)\nwant message %q", p.ErrType, e, code, want)
		}
	})
	t.Run("es module", func(t *testing.T) {
		f := startNode(t, "node/sdk", "esm.handler")
		p, code := f.initError()
		e := decodeNodeError(t, p)
		want := "Cannot find package '@aws-sdk/client-nonexistent' imported from " + f.root + "/esm.mjs\n" + hint(f)
		if p.ErrType != "Error" || e.ErrorType != "Error" || e.ErrorMessage != want || code != 129 {
			t.Errorf("init error %q %+v (exit %d)\nwant message %q", p.ErrType, e, code, want)
		}
	})
}

func nodeInfo(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("node", "-p", `process.execPath + " " + process.version`).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))
}

func nodeExec(t *testing.T) string    { return nodeInfo(t)[0] }
func nodeVersion(t *testing.T) string { return nodeInfo(t)[1] }

// The host's global node_modules (what "npm root -g" answers) stand in for
// the SDK that Lambda's runtimes bundle.
func TestNodeGlobalSDK(t *testing.T) {
	need(t, "node")
	t.Parallel()
	global, err := filepath.Abs("testdata/node/global/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	withGlobal := func(argv []string) []string {
		argv[len(argv)-1] = global
		return argv
	}
	cases := []struct{ handler, want string }{
		// NODE_PATH: two layer directories, the task root, the global one.
		{"index.handler", `["FakeClient",4]`},
		{"esm.handler", `"FakeClient"`},
	}
	for _, c := range cases {
		t.Run(c.handler, func(t *testing.T) {
			t.Parallel()
			f := start(t, opts{runtime: "nodejs20.x", fixture: "node/sdkglobal", handler: c.handler, optDir: "node/layer-opt", argv: withGlobal})
			wantPost(t, f.invoke(`{}`), "response", "", c.want)
		})
	}
}
