package lambda_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/hako-dev/hako/internal/hakotest"
	"github.com/hako-dev/hako/internal/lambdatest"
)

// needInterpreter skips without the interpreter locally; CI must have it.
func needInterpreter(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", bin, err)
		}
		t.Skipf("%s not installed", bin)
	}
}

func createSource(t *testing.T, c *lambda.Client, name string, rt types.Runtime, handler string, files map[string]string) {
	t.Helper()
	_, err := c.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: rt, Handler: aws.String(handler), Role: aws.String(role),
		Code: &types.FunctionCode{ZipFile: lambdatest.Source(t, files)},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func invokeMap(t *testing.T, c *lambda.Client, name, payload string) (map[string]any, *lambda.InvokeOutput) {
	t.Helper()
	out, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(out.Payload, &m)
	return m, out
}

func TestPythonFunctionWithBoto3(t *testing.T) {
	needInterpreter(t, "python3")
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		t.Skip("the host python3 has no boto3 (the init error that says so is tested in internal/runtime/langs)")
	}
	h := hakotest.Start(t)
	c, q := h.Lambda(), h.SQS()
	url, _ := makeQueue(t, q, "from-python")
	createSource(t, c, "py", types.RuntimePython312, "app.handler", map[string]string{"app.py": `
import os, json, boto3

sqs = boto3.client("sqs")

def handler(event, context):
    print("python got", json.dumps(event))
    sqs.send_message(QueueUrl=event["queue"], MessageBody="hello from python")
    return {"name": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0,
            "region": os.environ["AWS_REGION"], "n": event["n"] + 1}
`})
	m, out := invokeMap(t, c, "py", `{"n":41,"queue":"`+url+`"}`)
	if out.FunctionError != nil || m["name"] != "py" || m["n"] != float64(42) || m["remaining"] != true || m["region"] != "us-east-1" {
		t.Fatalf("python result %s %v", out.Payload, aws.ToString(out.FunctionError))
	}
	if msg := receiveOne(t, q, url, 5*time.Second); msg == nil || aws.ToString(msg.Body) != "hello from python" {
		t.Fatalf("boto3 inside the function did not reach hako's SQS: %v", msg)
	}
	createSource(t, c, "pyerr", types.RuntimePython312, "app.handler", map[string]string{"app.py": "def handler(event, context):\n    raise ValueError('bad input')\n"})
	_, out = invokeMap(t, c, "pyerr", `{}`)
	if aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), `"errorType": "ValueError"`) && !strings.Contains(string(out.Payload), `"errorType":"ValueError"`) {
		t.Errorf("python error %s", out.Payload)
	}
	createSource(t, c, "pyimport", types.RuntimePython312, "missing.handler", map[string]string{"app.py": "x = 1\n"})
	_, out = invokeMap(t, c, "pyimport", `{}`)
	if !strings.Contains(string(out.Payload), "Runtime.ImportModuleError") || !strings.Contains(string(out.Payload), "Unable to import module 'missing'") {
		t.Errorf("python import error %s", out.Payload)
	}
}

func TestNodeFunctions(t *testing.T) {
	needInterpreter(t, "node")
	h := hakotest.Start(t)
	c := h.Lambda()
	createSource(t, c, "cjs", types.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
exports.handler = async (event, context) => {
  console.log("node got", JSON.stringify(event));
  return { name: context.functionName, requestId: context.awsRequestId, n: event.n + 1, endpoint: process.env.AWS_ENDPOINT_URL };
};`})
	m, out := invokeMap(t, c, "cjs", `{"n":1}`)
	if out.FunctionError != nil || m["name"] != "cjs" || m["n"] != float64(2) || m["requestId"] == "" || m["endpoint"] != h.URL {
		t.Fatalf("node result %s", out.Payload)
	}
	createSource(t, c, "esm", types.RuntimeNodejs22x, "src/app.handler", map[string]string{"src/app.mjs": `
export const handler = async (event) => ({ esm: true, got: event.v });`})
	m, out = invokeMap(t, c, "esm", `{"v":"x"}`)
	if m["esm"] != true || m["got"] != "x" {
		t.Fatalf("esm result %s", out.Payload)
	}
	createSource(t, c, "nodeerr", types.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
exports.handler = async () => { throw new TypeError("nope"); };`})
	_, out = invokeMap(t, c, "nodeerr", `{}`)
	if aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), `"errorType":"TypeError"`) || !strings.Contains(string(out.Payload), `"errorMessage":"nope"`) {
		t.Errorf("node error %s", out.Payload)
	}
	createSource(t, c, "nodesdk", types.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
const { SQSClient, ListQueuesCommand } = require("@aws-sdk/client-sqs");
exports.handler = async () => { const out = await new SQSClient({}).send(new ListQueuesCommand({})); return { ok: true, urls: out.QueueUrls || [] }; };`})
	m, out = invokeMap(t, c, "nodesdk", `{}`)
	if os.Getenv("CI") == "true" && out.FunctionError != nil {
		// .ci/run installs @aws-sdk/client-sqs globally, as a user would.
		t.Fatalf("node SDK in CI: %s", out.Payload)
	}
	if out.FunctionError == nil {
		if m["ok"] != true {
			t.Errorf("node SDK result %s", out.Payload)
		}
	} else if t.Logf("node SDK missing on the host: %s", out.Payload); !strings.Contains(string(out.Payload), "Runtime.ImportModuleError") || !strings.Contains(string(out.Payload), "npm install") {
		// Without the SDK on the host the error says what to install.
		t.Errorf("node SDK missing: %s", out.Payload)
	}
}
