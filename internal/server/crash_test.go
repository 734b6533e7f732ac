package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hako-dev/hako/internal/hakotest"
)

// TestCrashRecovery kills a real hako process (SIGKILL) in the middle of a
// storm of SendMessage calls to a standard and a FIFO queue, restarts it on
// the same data directory and checks that nothing acknowledged was lost:
//
//   - every acknowledged message is received after the restart, with the
//     MessageId it was acknowledged with;
//   - no body appears that was never sent, and none appears twice;
//   - FIFO order holds per message group (sequence numbers in the bodies are
//     strictly increasing; the one send per group that was in flight at the
//     kill may or may not be there, but only at the end of its group);
//   - FIFO deduplication survives the crash: re-sending an acknowledged
//     message with its MessageDeduplicationId succeeds with the original
//     MessageId and enqueues nothing.
//
// It also checks that a second hako on the same data directory refuses to
// start, saying the directory is in use.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")

	first := startHako(t, bin, dataDir)
	assertDataDirLocked(t, bin, dataDir)

	ctx := context.Background()
	client := sqsClient(first.url)
	stdURL := createQueue(t, client, "crash-std", nil)
	fifoURL := createQueue(t, client, "crash.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false"})

	// The storm.
	const (
		stdSenders      = 4
		fifoSenders     = 4
		groupsPerSender = 2
	)
	var (
		killed              atomic.Bool
		stdAcks, fifoAcks   atomic.Int64
		wg                  sync.WaitGroup
		stdLogs             = make([]senderLog, stdSenders)
		fifoLogs            = make([]senderLog, fifoSenders)
		stormCtx, stopStorm = context.WithCancel(ctx)
		unexpectedMu        sync.Mutex
		unexpected          []string
		noteUnexpected      = func(format string, args ...any) {
			unexpectedMu.Lock()
			unexpected = append(unexpected, fmt.Sprintf(format, args...))
			unexpectedMu.Unlock()
		}
		sendFailedBeforeCrash = func(what string, err error) { noteUnexpected("%s failed before the kill: %v", what, err) }
	)
	defer stopStorm()
	for i := range stdSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sqsClient(first.url)
			lg := &stdLogs[i]
			for n := 0; stormCtx.Err() == nil; n++ {
				body := fmt.Sprintf("std s=%d n=%d", i, n)
				out, err := c.SendMessage(stormCtx, &sqs.SendMessageInput{QueueUrl: &stdURL, MessageBody: &body})
				if err != nil {
					if !killed.Load() {
						sendFailedBeforeCrash("standard SendMessage "+body, err)
					}
					lg.unacked = append(lg.unacked, sent{body: body})
					return
				}
				lg.acked = append(lg.acked, sent{body: body, id: aws.ToString(out.MessageId)})
				stdAcks.Add(1)
			}
		}()
	}
	for i := range fifoSenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sqsClient(first.url)
			lg := &fifoLogs[i]
			seq := make([]int, groupsPerSender)
			for n := 0; stormCtx.Err() == nil; n++ {
				g := n % groupsPerSender
				seq[g]++
				m := sent{group: fmt.Sprintf("g%d-%d", i, g), seq: seq[g]}
				m.body = fifoBody(m.group, m.seq)
				m.dedup = fmt.Sprintf("%s-%d", m.group, m.seq)
				out, err := c.SendMessage(stormCtx, &sqs.SendMessageInput{
					QueueUrl: &fifoURL, MessageBody: &m.body,
					MessageGroupId: &m.group, MessageDeduplicationId: &m.dedup,
				})
				if err != nil {
					if !killed.Load() {
						sendFailedBeforeCrash("FIFO SendMessage "+m.body, err)
					}
					// A sender stops at its first failure, so at most
					// one send per group is unacknowledged, and it is
					// the last of its group.
					lg.unacked = append(lg.unacked, m)
					return
				}
				m.id = aws.ToString(out.MessageId)
				lg.acked = append(lg.acked, m)
				fifoAcks.Add(1)
			}
		}()
	}

	// Let the storm run for a while, long enough on a slow machine to have
	// a fair number of acknowledged sends on both queues, then SIGKILL hako
	// with requests in flight.
	stormStart := time.Now()
	for {
		elapsed := time.Since(stormStart)
		if elapsed >= 1500*time.Millisecond && stdAcks.Load() >= 50 && fifoAcks.Load() >= 50 {
			break
		}
		if elapsed > 30*time.Second {
			stopStorm()
			wg.Wait()
			t.Fatalf("storm too slow: %d standard and %d FIFO sends acknowledged in %v; unexpected errors: %v\nhako stderr:\n%s",
				stdAcks.Load(), fifoAcks.Load(), elapsed, unexpected, first.stderrTail())
		}
		if first.exited() {
			stopStorm()
			wg.Wait()
			t.Fatalf("hako exited during the storm: %v\nhako stderr:\n%s", first.waitErr, first.stderrTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	killed.Store(true)
	first.kill(t)
	stormDur := time.Since(stormStart)
	stopStorm()
	waitOrFatal(t, &wg, 60*time.Second, "senders to stop after the kill")
	if len(unexpected) > 0 {
		t.Errorf("%d sends failed before hako was killed (first: %s)", len(unexpected), unexpected[0])
	}

	std := mergeLogs(stdLogs)
	fifo := mergeLogs(fifoLogs)
	t.Logf("storm of %v: standard %d acknowledged, %d unacknowledged; FIFO %d acknowledged, %d unacknowledged",
		stormDur.Round(time.Millisecond), len(std.acked), len(std.unacked), len(fifo.acked), len(fifo.unacked))

	// Restart on the same data directory.
	second := startHako(t, bin, dataDir)
	client = sqsClient(second.url)
	stdURL = queueURL(t, client, "crash-std")
	fifoURL = queueURL(t, client, "crash.fifo")

	// Deduplication survives the crash: re-send the first and the last
	// acknowledged message of every group (the last is the one most likely
	// to have been committed just before the kill).
	lastOf, firstOf := map[string]sent{}, map[string]sent{}
	for _, m := range fifo.acked {
		if f, ok := firstOf[m.group]; !ok || m.seq < f.seq {
			firstOf[m.group] = m
		}
		if l, ok := lastOf[m.group]; !ok || m.seq > l.seq {
			lastOf[m.group] = m
		}
	}
	var resend []sent
	for g, m := range lastOf {
		resend = append(resend, m)
		if f := firstOf[g]; f.seq != m.seq {
			resend = append(resend, f)
		}
	}
	sort.Slice(resend, func(i, j int) bool { return resend[i].body < resend[j].body })
	for _, m := range resend {
		out, err := client.SendMessage(ctx, &sqs.SendMessageInput{
			QueueUrl: &fifoURL, MessageBody: &m.body,
			MessageGroupId: &m.group, MessageDeduplicationId: &m.dedup,
		})
		if err != nil {
			t.Errorf("re-sending acknowledged FIFO message %q (dedup id %s) after the restart: %v", m.body, m.dedup, err)
			continue
		}
		if got := aws.ToString(out.MessageId); got != m.id {
			t.Errorf("re-sending acknowledged FIFO message %q (dedup id %s) after the restart: MessageId %s, want the original %s", m.body, m.dedup, got, m.id)
		}
	}

	// Receive everything.
	stdGot := drain(t, client, stdURL, std.acked)
	fifoGot := drain(t, client, fifoURL, fifo.acked)

	checkStandard(t, std, stdGot)
	checkFIFO(t, fifo, fifoGot)

	// The restarted hako stops cleanly; neither run reported a data race
	// (when built with -race).
	second.terminate(t)
	for i, p := range []*hakoProc{first, second} {
		if strings.Contains(p.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("hako run %d reported a data race", i+1)
		}
	}

	if t.Failed() {
		t.Logf("hako stderr before the kill:\n%s\nhako stderr after the restart:\n%s", first.stderrTail(), second.stderrTail())
	}
}

// sent is one SendMessage call of the storm.
type sent struct {
	body, id     string // id: the acknowledged MessageId
	group, dedup string // FIFO only
	seq          int    // FIFO only
}

type senderLog struct{ acked, unacked []sent }

func mergeLogs(logs []senderLog) senderLog {
	var all senderLog
	for _, l := range logs {
		all.acked = append(all.acked, l.acked...)
		all.unacked = append(all.unacked, l.unacked...)
	}
	return all
}

func fifoBody(group string, seq int) string { return fmt.Sprintf("fifo g=%s seq=%d", group, seq) }

// parseFIFOBody returns the group and sequence number of a FIFO body.
func parseFIFOBody(body string) (string, int, bool) {
	rest, ok := strings.CutPrefix(body, "fifo g=")
	if !ok {
		return "", 0, false
	}
	g, s, ok := strings.Cut(rest, " seq=")
	if !ok {
		return "", 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || fifoBody(g, n) != body {
		return "", 0, false
	}
	return g, n, true
}

func checkStandard(t *testing.T, log senderLog, got []types.Message) {
	t.Helper()
	acked := map[string]string{}
	for _, m := range log.acked {
		acked[m.body] = m.id
	}
	unacked := map[string]bool{}
	for _, m := range log.unacked {
		unacked[m.body] = true
	}
	seen := map[string]int{}
	var unknown []string
	extra := 0
	for _, m := range got {
		body, id := aws.ToString(m.Body), aws.ToString(m.MessageId)
		seen[body]++
		switch want, ok := acked[body]; {
		case ok:
			if id != want {
				t.Errorf("standard: %q received with MessageId %s, acknowledged as %s", body, id, want)
			}
		case unacked[body]:
			extra++
		default:
			unknown = append(unknown, body)
		}
	}
	reportCommon(t, "standard", acked, seen, unknown)
	t.Logf("standard: received %d messages (%d acknowledged, %d of the %d unacknowledged sends)", len(got), len(acked), extra, len(unacked))
}

func checkFIFO(t *testing.T, log senderLog, got []types.Message) {
	t.Helper()
	acked := map[string]string{}
	for _, m := range log.acked {
		acked[m.body] = m.id
	}
	// The unacknowledged send of a group, if any, follows all its
	// acknowledged ones.
	unacked := map[string]sent{}
	for _, m := range log.unacked {
		unacked[m.body] = m
	}
	maxAcked := map[string]int{}
	for _, m := range log.acked {
		maxAcked[m.group] = max(maxAcked[m.group], m.seq)
	}
	seen := map[string]int{}
	last := map[string]int{}
	var unknown []string
	extra, orderErrs := 0, 0
	for _, m := range got {
		body, id := aws.ToString(m.Body), aws.ToString(m.MessageId)
		seen[body]++
		g, seq, ok := parseFIFOBody(body)
		if !ok {
			unknown = append(unknown, body)
			continue
		}
		if ag := m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]; ag != g {
			t.Errorf("FIFO: %q received with MessageGroupId %q", body, ag)
		}
		if seq <= last[g] {
			orderErrs++
			if orderErrs <= 10 {
				t.Errorf("FIFO: group %s out of order: seq %d received after seq %d", g, seq, last[g])
			}
		}
		last[g] = max(last[g], seq)
		switch want, ok := acked[body]; {
		case ok:
			if id != want {
				t.Errorf("FIFO: %q received with MessageId %s, acknowledged as %s", body, id, want)
			}
		default:
			u, isUnacked := unacked[body]
			if !isUnacked {
				unknown = append(unknown, body)
				continue
			}
			if u.seq <= maxAcked[g] {
				t.Errorf("FIFO: unacknowledged %q is not the last send of its group (last acknowledged seq %d)", body, maxAcked[g])
			}
			extra++
		}
	}
	if orderErrs > 10 {
		t.Errorf("FIFO: %d order violations in all", orderErrs)
	}
	reportCommon(t, "FIFO", acked, seen, unknown)
	t.Logf("FIFO: received %d messages (%d acknowledged, %d of the %d unacknowledged sends) in %d groups", len(got), len(acked), extra, len(unacked), len(maxAcked))
}

// reportCommon checks for lost, duplicated and unknown messages.
func reportCommon(t *testing.T, kind string, acked map[string]string, seen map[string]int, unknown []string) {
	t.Helper()
	var missing, dups []string
	for body := range acked {
		if seen[body] == 0 {
			missing = append(missing, body)
		}
	}
	for body, n := range seen {
		if n > 1 {
			dups = append(dups, fmt.Sprintf("%q x%d", body, n))
		}
	}
	sort.Strings(missing)
	sort.Strings(dups)
	if len(missing) > 0 {
		t.Errorf("%s: %d of %d acknowledged messages lost in the crash, e.g. %s", kind, len(missing), len(acked), firstN(missing, 10))
	}
	// Nothing is received twice here: every batch is deleted before the
	// next receive and the visibility timeout outlasts the test.
	if len(dups) > 0 {
		t.Errorf("%s: %d bodies received more than once, e.g. %s", kind, len(dups), firstN(dups, 10))
	}
	if len(unknown) > 0 {
		t.Errorf("%s: %d bodies received that were never sent, e.g. %s", kind, len(unknown), firstN(unknown, 10))
	}
}

func firstN(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + ", ..."
	}
	return strings.Join(s, ", ")
}

// drain receives (and deletes) messages until the queue is empty: one
// empty long poll once every acknowledged message was seen, three before.
func drain(t *testing.T, c *sqs.Client, url string, acked []sent) []types.Message {
	t.Helper()
	missing := map[string]bool{}
	for _, m := range acked {
		missing[m.body] = true
	}
	var all []types.Message
	deadline := time.Now().Add(90 * time.Second)
	for empty := 0; empty < 3 && (empty < 1 || len(missing) > 0); {
		if time.Now().After(deadline) {
			t.Errorf("%s: still receiving messages after 90s (%d so far)", url, len(all))
			break
		}
		msgs := receiveOnce(t, c, url, 1)
		if len(msgs) == 0 {
			empty++
			continue
		}
		empty = 0
		all = append(all, msgs...)
		for _, m := range msgs {
			delete(missing, aws.ToString(m.Body))
		}
		entries := make([]types.DeleteMessageBatchRequestEntry, len(msgs))
		for i, m := range msgs {
			entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
		}
		out, err := c.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: entries})
		if err != nil {
			t.Fatalf("%s: DeleteMessageBatch: %v", url, err)
		}
		if len(out.Failed) > 0 || len(out.Successful) != len(entries) {
			t.Fatalf("%s: DeleteMessageBatch: %d ok, %d failed (first: %s %s)", url, len(out.Successful), len(out.Failed),
				aws.ToString(out.Failed[0].Code), aws.ToString(out.Failed[0].Message))
		}
	}
	return all
}

func receiveOnce(t *testing.T, c *sqs.Client, url string, wait int32) []types.Message {
	t.Helper()
	// A receive that waits wait seconds must answer soon after.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(wait)*time.Second+20*time.Second)
	defer cancel()
	start := time.Now()
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    &url,
		MaxNumberOfMessages:         10,
		WaitTimeSeconds:             wait,
		VisibilityTimeout:           600,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		t.Fatalf("%s: ReceiveMessage (WaitTimeSeconds=%d) failed after %v: %v", url, wait, time.Since(start).Round(time.Millisecond), err)
	}
	return out.Messages
}

func sqsClient(baseURL string) *sqs.Client {
	return sqs.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(baseURL),
		RetryMaxAttempts: 1, // a retried send could be enqueued twice
		HTTPClient:       hakotest.HTTPClient(60 * time.Second),
	})
}

func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: &name, Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func queueURL(t *testing.T, c *sqs.Client, name string) string {
	t.Helper()
	out, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: &name})
	if err != nil {
		t.Fatalf("GetQueueUrl %s after the restart: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func waitOrFatal(t *testing.T, wg *sync.WaitGroup, d time.Duration, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("timed out after %v waiting for %s", d, what)
	}
}

// buildHako builds cmd/hako into a temporary directory, the way this test
// binary was built (race detector, cgo), so that the build reuses the
// compiled packages of the test and hako runs under the race detector when
// the test does.
func buildHako(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "hako")
	args := []string{"build", "-o", bin}
	cgo := "0"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "-race" && s.Value == "true":
				args = append(args, "-race")
			case s.Key == "CGO_ENABLED":
				cgo = s.Value
			}
		}
	}
	cmd := exec.Command(goTool, append(args, "github.com/hako-dev/hako/cmd/hako")...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	t.Logf("%s (CGO_ENABLED=%s): %v", strings.Join(cmd.Args[1:len(cmd.Args)-1], " "), cgo, time.Since(start).Round(time.Millisecond))
	return bin
}

// hakoProc is a hako process started by the test.
type hakoProc struct {
	cmd     *exec.Cmd
	url     string
	stderr  *lockedBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error         // valid after done
}

func (p *hakoProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *hakoProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !p.exited() {
		t.Fatalf("SIGKILL hako: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("hako did not exit 30s after SIGKILL")
	}
}

// terminate stops hako with SIGTERM and expects a clean exit.
func (p *hakoProc) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !p.exited() {
		t.Fatalf("SIGTERM hako: %v", err)
	}
	select {
	case <-p.done:
		if p.waitErr != nil {
			t.Errorf("hako exited with %v after SIGTERM, want exit status 0", p.waitErr)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("hako did not exit 30s after SIGTERM")
		p.kill(t)
	}
}

func (p *hakoProc) stderrTail() string {
	s := p.stderr.String()
	if len(s) > 8000 {
		s = "...\n" + s[len(s)-8000:]
	}
	return s
}

// startHako starts hako on a free loopback port and waits for its ready line.
func startHako(t *testing.T, bin, dataDir string) *hakoProc {
	t.Helper()
	p, err := launchHako(bin, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !p.exited() {
			p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.done
		}
	})
	select {
	case addr := <-p.stdoutReady():
		p.url = "http://" + addr
		return p
	case <-p.done:
		t.Fatalf("hako exited before it was ready: %v\nstderr:\n%s", p.waitErr, p.stderrTail())
	case <-time.After(60 * time.Second):
		t.Fatalf("hako not ready after 60s\nstderr:\n%s", p.stderrTail())
	}
	return nil
}

// assertDataDirLocked checks that a second hako on a data directory in use
// exits with an error that says so.
func assertDataDirLocked(t *testing.T, bin, dataDir string) {
	t.Helper()
	p, err := launchHako(bin, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case addr := <-p.stdoutReady():
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		t.Fatalf("a second hako started on %s while the first runs (ready on %s)", dataDir, addr)
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		t.Fatalf("a second hako on %s neither failed nor became ready in 60s\nstderr:\n%s", dataDir, p.stderrTail())
	}
	var ee *exec.ExitError
	if !errors.As(p.waitErr, &ee) || ee.ExitCode() <= 0 {
		t.Errorf("second hako on a data dir in use: exit %v, want a non-zero exit code", p.waitErr)
	}
	if msg := p.stderr.String(); !strings.Contains(msg, "in use") {
		t.Errorf("second hako on a data dir in use: stderr %q does not say the data dir is in use", msg)
	} else {
		t.Logf("second hako refused to start: %s", strings.TrimSpace(msg))
	}
}

func launchHako(bin, dataDir string) (*hakoProc, error) {
	stdout := &readyWriter{ready: make(chan string, 1)}
	p := &hakoProc{stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	p.cmd.Stdout = stdout
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start hako: %v", err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *hakoProc) stdoutReady() <-chan string { return p.cmd.Stdout.(*readyWriter).ready }

// readyWriter watches hako's stdout for the "hako ready on http://ADDR" line.
type readyWriter struct {
	mu    sync.Mutex
	buf   []byte
	sent  bool
	ready chan string
}

func (w *readyWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(b), nil
	}
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
		if addr, ok := strings.CutPrefix(line, "hako ready on http://"); ok {
			w.sent = true
			w.ready <- addr
			break
		}
	}
	return len(b), nil
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
