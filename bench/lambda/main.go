// Command lambda benchmarks hako's Lambda: the latency hako adds to a warm
// invocation, the cold start of a Go function and invocations per second,
// each beside a baseline measured in the same run (a bare net/http server
// answering the same requests, and a bare fork/exec of the same function
// binary). See bench/README.md.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/hako-dev/hako/bench/internal/benchkit"
)

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

func main() {
	duration := flag.Duration("duration", 5*time.Second, "measured time of each load phase")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "unmeasured warm-up of each load phase")
	concs := flag.String("conc", "1,16", "concurrencies of the raw-client throughput phases")
	colds := flag.Int("cold", 15, "cold starts to measure")
	hakoBin := flag.String("hako", "", "hako binary (default: build ./cmd/hako)")
	flag.Parse()
	if err := run(*duration, *warmup, *concs, *colds, *hakoBin); err != nil {
		fmt.Fprintln(os.Stderr, "bench/lambda:", err)
		os.Exit(1)
	}
}

func goBuild(root, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func client(url string) *lambda.Client {
	return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), HTTPClient: benchkit.SDKHTTPClient()})
}

func zipBootstrap(bin string) ([]byte, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	h.SetMode(0o755)
	w, _ := zw.CreateHeader(h)
	w.Write(b)
	zw.Close()
	return buf.Bytes(), nil
}

type lat struct{ p50, p99 time.Duration }

func sdkLatency(c *lambda.Client, warmup, duration time.Duration) (lat, error) {
	ctx := context.Background()
	r := benchkit.Sequential(warmup, duration, func() error {
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("noop"), Payload: []byte(`{"k":1}`)})
		if err == nil && out.FunctionError != nil {
			err = errors.New(string(out.Payload))
		}
		return err
	})
	if r.FirstErr != "" {
		return lat{}, errors.New(r.FirstErr)
	}
	return lat{benchkit.Percentile(r.Lat, 50), benchkit.Percentile(r.Lat, 99)}, nil
}

var initRe = regexp.MustCompile(`Init Duration: ([0-9.]+) ms`)

func run(duration, warmup time.Duration, concs string, colds int, hakoBin string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "hako-bench-lambda-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if hakoBin == "" {
		hakoBin = filepath.Join(tmp, "hako")
		progress("building hako, the baseline and the noop function")
		if err := goBuild(root, hakoBin, "./cmd/hako"); err != nil {
			return err
		}
	}
	baseBin, fnBin := filepath.Join(tmp, "baseline"), filepath.Join(tmp, "bootstrap")
	if err := goBuild(root, baseBin, "./bench/baseline"); err != nil {
		return err
	}
	if err := goBuild(root, fnBin, "./internal/lambdatest/fns/noop"); err != nil {
		return err
	}
	base, err := benchkit.StartProc(baseBin, []string{"--addr", "127.0.0.1:0"}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	defer base.Kill()
	hako, err := benchkit.StartProc(hakoBin, []string{"--addr", "127.0.0.1:0", "--data-dir", filepath.Join(tmp, "data"), "--log-level", "warn"}, nil, 30*time.Second)
	if err != nil {
		return err
	}
	defer hako.Kill()
	hc, bc := client(hako.URL()), client(base.URL())
	ctx := context.Background()
	zipb, err := zipBootstrap(fnBin)
	if err != nil {
		return err
	}
	if _, err := hc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("noop"), Runtime: types.RuntimeProvidedal2023,
		Handler: aws.String("bootstrap"), Role: aws.String("arn:aws:iam::000000000000:role/bench"), Code: &types.FunctionCode{ZipFile: zipb}}); err != nil {
		return err
	}

	fmt.Printf("machine: %s, %d CPUs, %s\n", cpuModel(), runtime.NumCPU(), runtime.Version())

	// Warm latency through the SDK, concurrency 1.
	progress("warm invoke latency (SDK, c=1)")
	hl, err := sdkLatency(hc, warmup, duration)
	if err != nil {
		return fmt.Errorf("hako: %v", err)
	}
	bl, err := sdkLatency(bc, warmup, duration)
	if err != nil {
		return fmt.Errorf("baseline: %v", err)
	}
	fmt.Printf("\nwarm Invoke, SDK, c=1      p50        p99\n")
	fmt.Printf("  baseline (bare HTTP)   %8s   %8s\n", ms(bl.p50), ms(bl.p99))
	fmt.Printf("  hako (noop Go fn)      %8s   %8s\n", ms(hl.p50), ms(hl.p99))
	fmt.Printf("  added by hako          %8s   %8s   (target p50 < 0.500 ms)\n", ms(hl.p50-bl.p50), ms(hl.p99-bl.p99))

	// Throughput with the raw client.
	fmt.Printf("\nInvoke/s, raw client      baseline      hako   ratio\n")
	for _, cs := range strings.Split(concs, ",") {
		conc, _ := strconv.Atoi(cs)
		var rates [2]float64
		for i, p := range []*benchkit.Proc{base, hako} {
			_, raw, err := benchkit.SignedREST(p.Addr, "POST", "/2015-03-31/functions/noop/invocations", "", []byte(`{"k":1}`),
				benchkit.Signing{Region: "us-east-1", AccessKey: "test", SecretKey: "test", Service: "lambda"})
			if err != nil {
				return err
			}
			r := benchkit.Run(benchkit.Load{Addr: p.Addr, Concurrency: conc, Warmup: warmup, Duration: duration}, func(c *benchkit.Conn) error {
				st, _, err := c.Do(raw)
				if err == nil && st != 200 {
					err = &benchkit.StatusError{Status: st}
				}
				return err
			})
			if r.FirstErr != "" {
				return fmt.Errorf("raw c=%d: %s", conc, r.FirstErr)
			}
			rates[i] = float64(r.Ops) / r.Elapsed.Seconds()
		}
		fmt.Printf("  c=%-3d                %9.0f %9.0f   %4.0f%%\n", conc, rates[0], rates[1], 100*rates[1]/rates[0])
	}

	// Cold starts: a configuration change retires the warm sandbox.
	progress("cold starts: %d", colds)
	var coldLat, initDur, spawn []time.Duration
	for i := range colds {
		if _, err := hc.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("noop"),
			Environment: &types.Environment{Variables: map[string]string{"ROUND": strconv.Itoa(i)}}}); err != nil {
			return err
		}
		t0 := time.Now()
		out, err := hc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("noop"), Payload: []byte(`{}`), LogType: types.LogTypeTail})
		if err != nil {
			return err
		}
		coldLat = append(coldLat, time.Since(t0))
		logs, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
		if m := initRe.FindSubmatch(logs); m != nil {
			f, _ := strconv.ParseFloat(string(m[1]), 64)
			initDur = append(initDur, time.Duration(f*float64(time.Millisecond)))
		}
		// Baseline: fork/exec of the same binary, which exits at once
		// without a Runtime API.
		t0 = time.Now()
		exec.Command(fnBin).Run()
		spawn = append(spawn, time.Since(t0))
	}
	fmt.Printf("\ncold start (median of %d)\n", colds)
	fmt.Printf("  baseline: fork/exec + exit of the function binary   %8s\n", ms(median(spawn)))
	fmt.Printf("  hako: Init Duration (process start to ready)        %8s   (target < 20 ms)\n", ms(median(initDur)))
	fmt.Printf("  hako: cold Invoke seen by the SDK                   %8s\n", ms(median(coldLat)))
	mem, _ := benchkit.ReadMemory(hako.PID())
	fmt.Printf("\nhako RSS after the run: %s\n", benchkit.MiB(mem.RSSKiB))
	return nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
