package server_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hako-dev/hako/internal/hakotest"
)

// TestS3CrashRecovery kills a real hako process (SIGKILL) while writers
// PUT objects of mixed sizes (empty to several MiB) concurrently, half with
// the AWS SDK (its default checksums) and half with plain HTTP (some with
// Content-MD5), restarts it on the same data directory and checks:
//
//   - every acknowledged PUT reads back whole, with the ETag it was
//     acknowledged with (the MD5 of what was sent), unless a later PUT of
//     the same key replaced it (only the one PUT per writer in flight at
//     the kill may have);
//   - no partial object is visible: every listed key reads back completely,
//     its size, ETag and bytes those of one of the bodies written to it;
//   - what the crash left in the blob directory (blobs committed before
//     their metadata, half-written temporary files; one of each is also
//     planted) is swept at the restart: the blob files left are exactly
//     those of the objects (over 64 KiB; smaller bodies are packed).
func TestS3CrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hako and kills a real process; skipped with -short")
	}
	bin := buildHako(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	first := startHako(t, bin, dataDir)
	const bucket = "crash-bucket"
	hc := hakotest.HTTPClient(60 * time.Second)
	if st := s3crashDo(t, hc, http.MethodPut, first.url+"/"+bucket, nil, nil); st != http.StatusOK {
		t.Fatalf("CreateBucket: status %d", st)
	}

	const writers = 8
	var (
		killed              atomic.Bool
		acks, bigAcks       atomic.Int64
		wg                  sync.WaitGroup
		logs                = make([]s3crashLog, writers)
		stormCtx, stopStorm = context.WithCancel(context.Background())
		unexpectedMu        sync.Mutex
		unexpected          []string
	)
	defer stopStorm()
	noteUnexpected := func(format string, args ...any) {
		unexpectedMu.Lock()
		unexpected = append(unexpected, fmt.Sprintf(format, args...))
		unexpectedMu.Unlock()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lg := &logs[w]
			var sdk *s3.Client
			if w%2 == 0 {
				sdk = s3crashClient(first.url)
			}
			for n := 0; stormCtx.Err() == nil; n++ {
				p := newS3crashPut(w, n)
				body := p.body()
				var etag string
				var err error
				if sdk != nil {
					var out *s3.PutObjectOutput
					out, err = sdk.PutObject(stormCtx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(p.key), Body: bytes.NewReader(body)})
					if err == nil {
						etag = aws.ToString(out.ETag)
					}
				} else {
					etag, err = s3crashRawPut(stormCtx, hc, first.url+"/"+bucket+"/"+p.key, body, n%3 == 0)
				}
				if err != nil {
					if !killed.Load() {
						noteUnexpected("PUT %s (%d bytes) failed before the kill: %v", p.key, p.size, err)
					}
					// A writer stops at its first failure: at most one
					// unacknowledged PUT per writer, its last.
					lg.unacked = &p
					return
				}
				if etag != `"`+p.md5+`"` {
					noteUnexpected("PUT %s (%d bytes) acknowledged with ETag %s, want the MD5 %q", p.key, p.size, etag, p.md5)
				}
				lg.acked = append(lg.acked, p)
				acks.Add(1)
				if p.size >= 1<<20 {
					bigAcks.Add(1)
				}
			}
		}()
	}

	// Let the writers run, then SIGKILL hako with PUTs in flight: once
	// enough were acknowledged, as soon as a body is caught half-written
	// (a temporary file in the blob directory; at most 3s more).
	blobDir := filepath.Join(dataDir, "s3")
	stormStart := time.Now()
	var readyAt time.Time
	for {
		elapsed := time.Since(stormStart)
		if readyAt.IsZero() && elapsed >= 1500*time.Millisecond && acks.Load() >= 40 && bigAcks.Load() >= 5 {
			readyAt = time.Now()
		}
		if !readyAt.IsZero() {
			if _, temps := s3crashBlobFiles(t, blobDir); len(temps) > 0 || time.Since(readyAt) > 3*time.Second {
				break
			}
		}
		if elapsed > 60*time.Second {
			stopStorm()
			wg.Wait()
			t.Fatalf("writers too slow: %d PUTs (%d of 1 MiB or more) acknowledged in %v; unexpected: %v\nhako stderr:\n%s",
				acks.Load(), bigAcks.Load(), elapsed, unexpected, first.stderrTail())
		}
		if first.exited() {
			stopStorm()
			wg.Wait()
			t.Fatalf("hako exited during the storm: %v\nhako stderr:\n%s", first.waitErr, first.stderrTail())
		}
		time.Sleep(time.Millisecond)
	}
	killed.Store(true)
	first.kill(t)
	stormDur := time.Since(stormStart)
	stopStorm()
	waitOrFatal(t, &wg, 60*time.Second, "writers to stop after the kill")
	if len(unexpected) > 0 {
		t.Errorf("%d unexpected outcomes before the kill (first: %s)", len(unexpected), unexpected[0])
	}
	var nAcked, nUnacked int
	var ackedBytes int64
	for _, lg := range logs {
		nAcked += len(lg.acked)
		for _, p := range lg.acked {
			ackedBytes += int64(p.size)
		}
		if lg.unacked != nil {
			nUnacked++
		}
	}
	blobsAtKill, tempsAtKill := s3crashBlobFiles(t, blobDir)
	t.Logf("storm of %v: %d PUTs acknowledged (%d MiB, %d of 1 MiB or more), %d in flight at the kill; %d blob files and %d temporary files left",
		stormDur.Round(time.Millisecond), nAcked, ackedBytes>>20, bigAcks.Load(), nUnacked, len(blobsAtKill), len(tempsAtKill))

	// Plant what a crash can leave, in case this kill did not: a blob
	// committed before its metadata and a half-written temporary file.
	planted := filepath.Join(blobDir, "ff", "ffff"+strings.Repeat("0", 28))
	if err := os.MkdirAll(filepath.Dir(planted), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planted, []byte("orphan"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blobDir, "fe", "fe"+strings.Repeat("0", 30)+".tmp"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Restart on the same data directory.
	second := startHako(t, bin, dataDir)
	url := second.url + "/" + bucket

	// What each key may hold: the bodies written to it, and what it must.
	type keyState struct {
		puts      []s3crashPut // every PUT of the key, in order
		lastAcked *s3crashPut
		unacked   *s3crashPut // the writer's in-flight PUT, if of this key
	}
	keys := map[string]*keyState{}
	state := func(k string) *keyState {
		if keys[k] == nil {
			keys[k] = &keyState{}
		}
		return keys[k]
	}
	for _, lg := range logs {
		for i := range lg.acked {
			ks := state(lg.acked[i].key)
			ks.puts = append(ks.puts, lg.acked[i])
			ks.lastAcked = &lg.acked[i]
		}
		if u := lg.unacked; u != nil {
			ks := state(u.key)
			ks.puts = append(ks.puts, *u)
			ks.unacked = u
		}
	}

	// Every acknowledged object reads back whole with its ETag.
	lost, readBack, replacedByInFlight := 0, 0, 0
	for k, ks := range keys {
		if ks.lastAcked == nil {
			continue
		}
		st, etag, body := s3crashGet(t, hc, url+"/"+k)
		sum := md5.Sum(body)
		got := hex.EncodeToString(sum[:])
		switch {
		case st == http.StatusOK && got == ks.lastAcked.md5 && etag == `"`+got+`"`:
			readBack++
		case st == http.StatusOK && ks.unacked != nil && got == ks.unacked.md5 && etag == `"`+got+`"`:
			replacedByInFlight++
		default:
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged %s (%d bytes, MD5 %s): after the restart status %d, %d bytes, MD5 %s, ETag %s",
					k, ks.lastAcked.size, ks.lastAcked.md5, st, len(body), got, etag)
			}
		}
	}
	if lost > 10 {
		t.Errorf("%d acknowledged objects lost or damaged in all", lost)
	}

	// No partial objects: every listed key reads back whole and is one of
	// the bodies written to it.
	listed := s3crashList(t, second.url, bucket)
	inFlightVisible := 0
	for _, o := range listed {
		ks := keys[o.key]
		if ks == nil {
			t.Errorf("listed %s was never written", o.key)
			continue
		}
		st, etag, body := s3crashGet(t, hc, url+"/"+o.key)
		sum := md5.Sum(body)
		got := hex.EncodeToString(sum[:])
		if st != http.StatusOK || int64(len(body)) != o.size || etag != o.etag || etag != `"`+got+`"` {
			t.Errorf("listed %s (%d bytes, ETag %s) reads back status %d, %d bytes, MD5 %s, ETag %s", o.key, o.size, o.etag, st, len(body), got, etag)
			continue
		}
		found := false
		for _, p := range ks.puts {
			if p.md5 == got && p.size == len(body) {
				found = true
				if ks.lastAcked == nil || p.md5 != ks.lastAcked.md5 {
					inFlightVisible++
				}
			}
		}
		if !found {
			t.Errorf("listed %s holds %d bytes with MD5 %s: none of the %d bodies written to it", o.key, len(body), got, len(ks.puts))
		}
	}
	for k, ks := range keys {
		if ks.lastAcked == nil {
			continue
		}
		if _, ok := listed[k]; !ok {
			t.Errorf("acknowledged %s is not listed", k)
		}
	}
	t.Logf("after the restart: %d keys acknowledged read back, %d replaced by the PUT in flight at the kill; %d keys listed, %d of them holding a PUT in flight at the kill",
		readBack, replacedByInFlight, len(listed), inFlightVisible)

	// The orphans are swept: the blob files left are those of the objects
	// (of those over 64 KiB: smaller bodies are packed, see internal/blob).
	withFile := 0
	for _, o := range listed {
		if o.size > 64<<10 {
			withFile++
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		blobs, temps := s3crashBlobFiles(t, blobDir)
		_, plantedErr := os.Stat(planted)
		if len(blobs) == withFile && len(temps) == 0 && os.IsNotExist(plantedErr) {
			t.Logf("sweep: %d blob files left for the %d objects over 64 KiB (%d at the kill, plus 1 planted), no temporary files", len(blobs), withFile, len(blobsAtKill))
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("30s after the restart: %d blob files for %d objects over 64 KiB, temporary files %v, planted orphan: %v", len(blobs), withFile, temps, plantedErr)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

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

// s3crashSizes are the body sizes the writers cycle through.
var s3crashSizes = []int{0, 1, 4 << 10, 100<<10 + 7, 1<<20 + 13, 3<<20 + 5, 8<<20 + 1}

// s3crashPut is one PUT of the storm; its body is derived from the
// writer and the sequence number.
type s3crashPut struct {
	writer, n, size int
	key, md5        string
}

func newS3crashPut(w, n int) s3crashPut {
	p := s3crashPut{writer: w, n: n, size: s3crashSizes[(n*5+w)%len(s3crashSizes)]}
	if n%2 == 0 {
		p.key = fmt.Sprintf("w%d/unique-%06d", w, n)
	} else {
		p.key = fmt.Sprintf("w%d/overwritten-%d", w, (n/2)%3)
	}
	sum := md5.Sum(p.body())
	p.md5 = hex.EncodeToString(sum[:])
	return p
}

func (p s3crashPut) body() []byte {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(p.writer))
	binary.LittleEndian.PutUint64(seed[8:], uint64(p.n))
	b := make([]byte, p.size)
	rand.NewChaCha8(seed).Read(b)
	return b
}

type s3crashLog struct {
	acked   []s3crashPut
	unacked *s3crashPut
}

func s3crashClient(url string) *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       hakotest.HTTPClient(60 * time.Second),
	})
}

// s3crashRawPut PUTs body unsigned, with Content-MD5 when md5 is set, and
// returns the ETag of a 200 answer.
func s3crashRawPut(ctx context.Context, hc *http.Client, url string, body []byte, withMD5 bool) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if withMD5 {
		sum := md5.Sum(body)
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, msg)
	}
	return resp.Header.Get("ETag"), nil
}

func s3crashDo(t *testing.T, hc *http.Client, method, url string, body []byte, hdr map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func s3crashGet(t *testing.T, hc *http.Client, url string) (int, string, []byte) {
	t.Helper()
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("ETag"), b
}

type s3crashListed struct {
	key, etag string
	size      int64
}

// s3crashList lists the bucket with ListObjectsV2, small pages.
func s3crashList(t *testing.T, baseURL, bucket string) map[string]s3crashListed {
	t.Helper()
	c := s3crashClient(baseURL)
	out := map[string]s3crashListed{}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if _, dup := out[k]; dup {
				t.Errorf("ListObjectsV2 lists %s twice", k)
			}
			out[k] = s3crashListed{key: k, etag: aws.ToString(o.ETag), size: aws.ToInt64(o.Size)}
		}
	}
	return out
}

// s3crashBlobFiles lists the committed blob files (DIR/ab/<id>) and the
// temporary files (DIR/ab/<id>.tmp) of a blob directory.
func s3crashBlobFiles(t *testing.T, dir string) (blobs, temps []string) {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if name := filepath.Base(m); strings.HasSuffix(name, ".tmp") {
			temps = append(temps, name)
		} else {
			blobs = append(blobs, name)
		}
	}
	sort.Strings(blobs)
	return blobs, temps
}
