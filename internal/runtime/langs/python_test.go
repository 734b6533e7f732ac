package langs

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func startPython(t *testing.T, o opts) *fn {
	t.Helper()
	need(t, "python3")
	t.Parallel()
	if o.runtime == "" {
		o.runtime = "python3.11"
	}
	edit := o.argv
	o.argv = func(argv []string) []string {
		argv[0] = realPython(t, argv[0])
		if edit != nil {
			argv = edit(argv)
		}
		return argv
	}
	return start(t, o)
}

var pythonExe struct {
	once sync.Once
	path string
	err  error
}

// realPython is the interpreter behind a python3 launcher such as a pyenv
// shim, which adds a tenth of a second to every start.
func realPython(t *testing.T, launcher string) string {
	pythonExe.once.Do(func() {
		var out []byte
		out, pythonExe.err = exec.Command(launcher, "-c", "import sys; print(sys.executable)").Output()
		pythonExe.path = strings.TrimSpace(string(out))
	})
	if pythonExe.err != nil || pythonExe.path == "" {
		t.Fatalf("python3: %v", pythonExe.err)
	}
	return pythonExe.path
}

// noSite runs python3 with -S and without the host's extra paths: no
// site-packages, so no boto3, as on a host that lacks it.
func noSite(argv []string) []string {
	return []string{argv[0], "-S", argv[1], "", ""}
}

func TestPythonSuccess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, runtime, fixture, handler, event, want string
	}{
		{"dict", "", "python/basic", "lambda_function.lambda_handler", `{"a":1}`, `{"echo": {"a": 1}, "fn": "fn"}`},
		{"none is null", "", "python/basic", "lambda_function.returns_none", `{}`, `null`},
		{"dotted module", "", "python/basic", "pkg.mod.handler", `{}`, `"pkg.mod"`},
		{"slashed module", "", "python/basic", "pkg/mod.handler", `{}`, `"pkg.mod"`},
		{"decimals", "", "python/basic", "lambda_function.decimals", `{}`,
			`{"price": 1.10, "big": 12345678901234567890.123, "nan": NaN, "f": 0.5}`},
		{"non-ASCII escaped", "python3.11", "python/basic", "lambda_function.unicode", `{}`, `{"s": "h\u00e9llo \u2603"}`},
		{"non-ASCII raw on python3.12", "python3.12", "python/basic", "lambda_function.unicode", `{}`, `{"s": "héllo ☃"}`},
		{"layer", "", "python/layer", "lambda_function.lambda_handler", `{}`, `"layerlib"`},
		{"boto3 works", "python3.12", "python/sdk", "lambda_function.lambda_handler", `{}`, `{"boto3": "boto3", "region": "us-east-1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := opts{runtime: c.runtime, fixture: c.fixture, handler: c.handler}
			if c.fixture == "python/layer" {
				o.optDir = "python/layer-opt"
			}
			f := startPython(t, o)
			p := f.invoke(c.event)
			wantPost(t, p, "response", "", c.want)
			if p.CType != "application/json" {
				t.Errorf("content type %q", p.CType)
			}
		})
	}
}

func TestPythonHandlerErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, handler, errType, want string
	}{
		{"exception", "lambda_function.raises", "ValueError",
			`{"errorMessage": "boom", "errorType": "ValueError", "requestId": "req-1", "stackTrace": ["  File \"{root}/lambda_function.py\", line 18, in raises\n    raise ValueError(\"boom\")\n"]}`},
		{"custom exception", "lambda_function.custom", "MyError",
			`{"errorMessage": "mine", "errorType": "MyError", "requestId": "req-1", "stackTrace": ["  File \"{root}/lambda_function.py\", line 25, in custom\n    raise MyError(\"mine\")\n"]}`},
		{"unserialisable result", "lambda_function.unserializable", "Runtime.MarshalError",
			`{"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable", "errorType": "Runtime.MarshalError", "requestId": "req-1", "stackTrace": []}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startPython(t, opts{fixture: "python/basic", handler: c.handler})
			want := strings.ReplaceAll(c.want, "{root}", f.root)
			wantPost(t, f.invoke(`{}`), "error", c.errType, want)
			// Logged as Lambda does: one record, \r between lines,
			// indentation as no-break spaces.
			first := regexp.QuoteMeta("[ERROR] " + c.errType + ": ")
			f.waitOutput(regexp.MustCompile(`(?m)^` + first + `.*\rTraceback \(most recent call last\):(\r\x{a0}\x{a0}File .*)?$`))
		})
	}
	t.Run("bad event", func(t *testing.T) {
		f := startPython(t, opts{fixture: "python/basic", handler: "lambda_function.lambda_handler"})
		wantPost(t, f.invoke(`{nope`), "error", "Runtime.UnmarshalError",
			`{"errorMessage": "Unable to unmarshal input: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", "errorType": "Runtime.UnmarshalError", "requestId": "req-1", "stackTrace": []}`)
	})
}

func TestPythonInitErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, fixture, handler, errType, want string
	}{
		{"module not found", "python/basic", "nothere.lambda_handler", "Runtime.ImportModuleError",
			`{"errorMessage": "Unable to import module 'nothere': No module named 'nothere'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`},
		{"dependency not found", "python/importerror", "lambda_function.lambda_handler", "Runtime.ImportModuleError",
			`{"errorMessage": "Unable to import module 'lambda_function': No module named 'does_not_exist'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`},
		{"syntax error", "python/syntax", "lambda_function.lambda_handler", "Runtime.UserCodeSyntaxError",
			`{"errorMessage": "Syntax error in module 'lambda_function': '{' was never closed (lambda_function.py, line 2)", "errorType": "Runtime.UserCodeSyntaxError", "requestId": "", "stackTrace": ["  File \"{root}/lambda_function.py\" Line 2\n        return {\"ok\": True\n"]}`},
		{"handler missing", "python/basic", "lambda_function.nope", "Runtime.HandlerNotFound",
			`{"errorMessage": "Handler 'nope' missing on module 'lambda_function'", "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}`},
		{"malformed handler", "python/basic", "lambda_function", "Runtime.MalformedHandlerName",
			`{"errorMessage": "Bad handler 'lambda_function': not enough values to unpack (expected 2, got 1)", "errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []}`},
		{"built-in module", "python/basic", "sys.handler", "Runtime.BuiltInModuleConflict",
			`{"errorMessage": "Cannot use built-in module sys as a handler module", "errorType": "Runtime.BuiltInModuleConflict", "requestId": "", "stackTrace": []}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startPython(t, opts{fixture: c.fixture, handler: c.handler})
			p, code := f.initError()
			wantPost(t, p, "init", c.errType, strings.ReplaceAll(c.want, "{root}", f.root))
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			f.waitOutput(regexp.MustCompile(`(?m)^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t\tLAMBDA_WARNING: Unhandled exception\. The most likely cause is an issue in the function code\. .*runtimes-update\.html$`))
			f.waitOutput(regexp.MustCompile(`(?m)^\[ERROR\] ` + regexp.QuoteMeta(c.errType) + `: .*\rTraceback \(most recent call last\):`))
		})
	}
	t.Run("exception at import", func(t *testing.T) {
		f := startPython(t, opts{fixture: "python/raises", handler: "lambda_function.lambda_handler"})
		p, code := f.initError()
		last := fmt.Sprintf(`"  File \"%s/lambda_function.py\", line 1, in <module>\n    raise RuntimeError(\"init failed\")\n"]}`, f.root)
		if p.ErrType != "RuntimeError" || !strings.HasPrefix(p.Body, `{"errorMessage": "init failed", "errorType": "RuntimeError", "requestId": "", "stackTrace": ["  File \"`) ||
			!strings.HasSuffix(p.Body, last) || strings.Contains(p.Body, "bootstrap.py") || code != 1 {
			t.Errorf("init error %q (exit %d): %s", p.ErrType, code, p.Body)
		}
	})
}

func TestPythonContext(t *testing.T) {
	f := startPython(t, opts{fixture: "python/basic", handler: "lambda_function.context_fields"})
	p := f.invoke(`{}`,
		"Lambda-Runtime-Trace-Id", "Root=1-abc;Parent=def;Sampled=1",
		"Lambda-Runtime-Client-Context", `{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"app"}}`,
		"Lambda-Runtime-Cognito-Identity", `{"cognitoIdentityId":"id1","cognitoIdentityPoolId":"pool1"}`)
	wantPost(t, p, "response", "", `{"function_name": "fn", "function_version": "$LATEST", `+
		`"invoked_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:fn", "memory_limit_in_mb": "128", `+
		`"aws_request_id": "req-1", "log_group_name": "/aws/lambda/fn", "log_stream_name": "2024/01/01/[$LATEST]abc", `+
		`"identity": ["id1", "pool1"], "client_context": [{"k": "v"}, {"e": "1"}, "app"], "remaining_positive": true, `+
		`"trace_id": "Root=1-abc;Parent=def;Sampled=1"}`)
	t.Run("bad client context", func(t *testing.T) {
		f := startPython(t, opts{fixture: "python/basic", handler: "lambda_function.context_fields"})
		wantPost(t, f.invoke(`{}`, "Lambda-Runtime-Client-Context", "e30="), "error", "Runtime.LambdaContextUnmarshalError",
			`{"errorMessage": "Unable to parse Client Context JSON: Expecting value: line 1 column 1 (char 0)", "errorType": "Runtime.LambdaContextUnmarshalError", "requestId": "req-1", "stackTrace": []}`)
	})
}

func TestPythonLogs(t *testing.T) {
	t.Parallel()
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	cases := []struct {
		name string
		env  []string
		want []string
	}{
		{"default level WARNING", nil, []string{
			`printed`,
			`\[WARNING\]\t` + ts + `\treq-1\twarn shown`,
			`\[ERROR\]\t` + ts + `\treq-1\tmulti\rline`,
		}},
		{"AWS_LAMBDA_LOG_LEVEL", []string{"AWS_LAMBDA_LOG_LEVEL=INFO"}, []string{
			`printed`,
			`\[INFO\]\t` + ts + `\treq-1\tinfo hidden`,
			`\[WARNING\]\t` + ts + `\treq-1\twarn shown`,
			`\[ERROR\]\t` + ts + `\treq-1\tmulti\rline`,
		}},
		{"JSON", []string{"AWS_LAMBDA_LOG_FORMAT=JSON"}, []string{
			`printed`,
			`\{"timestamp": "` + ts + `", "level": "WARNING", "message": "warn shown", "logger": "root", "requestId": "req-1"\}`,
			`\{"timestamp": "` + ts + `", "level": "ERROR", "message": "multi\\nline", "logger": "root", "requestId": "req-1"\}`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startPython(t, opts{fixture: "python/basic", handler: "lambda_function.logs", env: c.env})
			wantPost(t, f.invoke(`{}`), "response", "", `"ok"`)
			got := f.waitLines(regexp.MustCompile(`.`), len(c.want))
			if len(got) != len(c.want) {
				t.Fatalf("output lines %q", got)
			}
			for i, w := range c.want {
				if !regexp.MustCompile(`^` + w + `$`).MatchString(got[i]) {
					t.Errorf("line %d = %q, want %s", i, got[i], w)
				}
			}
		})
	}
}

func TestPythonWarm(t *testing.T) {
	f := startPython(t, opts{fixture: "python/basic", handler: "lambda_function.counter"})
	for i := 1; i <= 5; i++ {
		wantPost(t, f.invoke(`{}`), "response", "", fmt.Sprint(i))
	}
	if n := f.api.conns.Load(); n != 1 {
		t.Errorf("%d connections to the Runtime API, want 1", n)
	}
}

func TestPythonMissingBoto3(t *testing.T) {
	need(t, "python3")
	t.Parallel()
	out, err := exec.Command("python3", "-S", "-c", `import sys; print(sys.executable, "%d.%d.%d" % sys.version_info[:3])`).Output()
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimSpace(string(out))
	hint := `hako runs python3.12 functions with the host's python3 (` + host + `), which has no boto3: ` +
		`install it with \"python3 -m pip install boto3\" or \"apt-get install python3-boto3\", or ship it in the function's zip or a layer.`
	t.Run("at import", func(t *testing.T) {
		f := startPython(t, opts{runtime: "python3.12", fixture: "python/sdk", handler: "lambda_function.lambda_handler", argv: noSite})
		p, code := f.initError()
		wantPost(t, p, "init", "Runtime.ImportModuleError",
			`{"errorMessage": "Unable to import module 'lambda_function': No module named 'boto3'. `+hint+`", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`)
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	})
	t.Run("in the handler", func(t *testing.T) {
		f := startPython(t, opts{runtime: "python3.12", fixture: "python/basic", handler: "lambda_function.sdk_at_invoke", argv: noSite})
		p := f.invoke(`{}`)
		want := `{"errorMessage": "No module named 'boto3'. ` + hint + `", "errorType": "ModuleNotFoundError", "requestId": "req-1", ` +
			`"stackTrace": ["  File \"` + filepath.Join(f.root, "lambda_function.py") + `\", line 71, in sdk_at_invoke\n    import boto3  # noqa: F401\n"]}`
		wantPost(t, p, "error", "ModuleNotFoundError", want)
	})
}
