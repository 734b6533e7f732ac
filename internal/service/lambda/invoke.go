package lambda

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/runtime"
	"github.com/hako-dev/hako/internal/store"
)

// resolved is what an invocation of one function qualifier needs, cached
// until the function changes.
type resolved struct {
	version   string
	spec      *runtime.Spec
	cfg       *lambdaapi.FunctionConfiguration
	invokeCfg *lambdaapi.FunctionEventInvokeConfig
	// weighted aliases pick a version per invocation and are not cached.
	weighted bool
}

func cacheKey(r fnRef) string { return r.account + "/" + r.region + "/" + r.name }

// invalidate drops the cached invocation data of a function.
func (s *Service) invalidate(r fnRef) {
	s.cacheMu.Lock()
	delete(s.cache, cacheKey(r))
	clear(s.urlCache)
	s.cacheGen++
	s.cacheMu.Unlock()
}

// resolve returns the invocation data of ref, from the cache or the store.
func (s *Service) resolve(ctx context.Context, ref fnRef) (*resolved, error) {
	q := ref.qualifier
	if q == "" {
		q = latest
	}
	key := cacheKey(ref)
	s.cacheMu.Lock()
	if r := s.cache[key][q]; r != nil {
		s.cacheMu.Unlock()
		return r, nil
	}
	gen := s.cacheGen
	s.cacheMu.Unlock()
	var res resolved
	err := s.st.View(ctx, func(tx *store.Tx) error {
		row, ok, err := loadFn(ctx, tx, ref)
		if err != nil {
			return err
		}
		if !ok {
			return fnNotFound(ref)
		}
		v, err := resolveQualifier(ctx, tx, ref)
		if err != nil {
			return err
		}
		if !isVersion(q) && q != latest {
			a, _ := loadAlias(ctx, tx, ref, q)
			res.weighted = a != nil && a.RoutingConfig != nil && len(a.RoutingConfig.AdditionalVersionWeights) > 0
		}
		res.version = v
		if v == latest {
			c := row.cfg
			res.cfg = &c
		} else if res.cfg, err = loadVersion(ctx, tx, ref, v); err != nil {
			return err
		}
		res.invokeCfg = row.invokeCfg[q]
		if res.invokeCfg == nil {
			res.invokeCfg = row.invokeCfg[v]
		}
		reserved := -1
		if row.reserved != nil {
			reserved = int(*row.reserved)
		}
		res.spec, err = s.buildSpec(ctx, ref, v, res.cfg, reserved)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !res.weighted {
		s.cacheMu.Lock()
		// An invalidation since the read above makes the result stale.
		if gen == s.cacheGen {
			m := s.cache[key]
			if m == nil {
				m = map[string]*resolved{}
				s.cache[key] = m
			}
			m[q] = &res
		}
		s.cacheMu.Unlock()
	}
	return &res, nil
}

// buildSpec turns a version's configuration into a sandbox spec, unpacking
// its code and layers on first use.
func (s *Service) buildSpec(ctx context.Context, ref fnRef, version string, cfg *lambdaapi.FunctionConfiguration, reserved int) (*runtime.Spec, error) {
	sha := deref(cfg.CodeSha256)
	code, err := s.unpacked(ctx, "code", shaHex(sha), func() ([][]byte, error) {
		b, err := s.codeZip(ctx, sha)
		return [][]byte{b}, err
	})
	if err != nil {
		return nil, fmt.Errorf("unpack code: %w", err)
	}
	opt := ""
	if len(cfg.Layers) > 0 {
		if opt, err = s.layerDir(ctx, cfg.Layers); err != nil {
			return nil, err
		}
	}
	var env []string
	if cfg.Environment != nil {
		keys := make([]string, 0, len(cfg.Environment.Variables))
		for k := range cfg.Environment.Variables {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+cfg.Environment.Variables[k])
		}
	}
	if lc := cfg.LoggingConfig; lc != nil && deref(lc.LogFormat) == "JSON" {
		env = append(env, "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL="+deref(lc.ApplicationLogLevel))
	}
	logGroup := "/aws/lambda/" + ref.name
	if cfg.LoggingConfig != nil && cfg.LoggingConfig.LogGroup != nil {
		logGroup = *cfg.LoggingConfig.LogGroup
	}
	spec := &runtime.Spec{
		Account: ref.account, Region: ref.region, FunctionName: ref.name, Version: version,
		FunctionARN: ref.arn(), Runtime: deref(cfg.Runtime), Handler: deref(cfg.Handler),
		CodeDir: code, OptDir: opt, Env: env, MemoryMB: int(deref(cfg.MemorySize)),
		Timeout: time.Duration(deref(cfg.Timeout)) * time.Second, LogGroup: logGroup, Reserved: reserved,
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%v\x00%s", version, sha, spec.Runtime, spec.Handler, opt, spec.MemoryMB, spec.Timeout, logGroup)
	for _, e := range env {
		fmt.Fprintf(h, "\x00%s", e)
	}
	spec.Key = ref.arn() + ":" + version + ":" + hex.EncodeToString(h.Sum(nil)[:8])
	return spec, nil
}

// layerDir merges the layers, in order, into one directory.
func (s *Service) layerDir(ctx context.Context, layers []lambdaapi.Layer) (string, error) {
	h := sha256.New()
	for _, l := range layers {
		fmt.Fprintf(h, "%s\x00", deref(l.Arn))
	}
	key := hex.EncodeToString(h.Sum(nil)[:16])
	return s.unpacked(ctx, "opt", key, func() ([][]byte, error) {
		var out [][]byte
		for _, l := range layers {
			b, err := s.layerZip(ctx, deref(l.Arn))
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, nil
	})
}

func (s *Service) invokeError(err error) error {
	var te *runtime.ThrottleError
	if errors.As(err, &te) {
		e := awserr.New("TooManyRequestsException", "Rate Exceeded.")
		e.Status = http.StatusTooManyRequests
		e.Fields = map[string]any{"Type": "User", "message": "Rate Exceeded.", "Reason": te.Reason}
		e.Headers = map[string]string{"Retry-After": "1"}
		return e
	}
	return err
}

func tooLarge(limit int) error {
	return apiErr("RequestTooLargeException", fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", limit)).WithStatus(http.StatusRequestEntityTooLarge)
}

// Invoke runs a function synchronously, queues an asynchronous
// invocation, or (DryRun) only checks that it could.
func (s *Service) Invoke(ctx context.Context, in *lambdaapi.InvocationRequest) (*lambdaapi.InvocationResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	payload := in.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	typ := deref(in.InvocationType)
	if typ == "" {
		typ = "RequestResponse"
	}
	switch typ {
	case "Event":
		if len(payload) > maxAsync {
			return nil, tooLarge(maxAsync)
		}
	default:
		if len(payload) > maxSync {
			return nil, tooLarge(maxSync)
		}
	}
	if !json.Valid(payload) {
		return nil, apiErr("InvalidRequestContentException", "Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value")
	}
	res, err := s.resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	switch typ {
	case "DryRun":
		return &lambdaapi.InvocationResponse{StatusCode: ptr(int32(http.StatusNoContent))}, nil
	case "Event":
		if err := s.async.enqueue(ctx, ref, payload, asyncMeta{}); err != nil {
			return nil, err
		}
		return &lambdaapi.InvocationResponse{StatusCode: ptr(int32(http.StatusAccepted))}, nil
	case "RequestResponse":
	default:
		return nil, invalidParam("Invalid invocation type " + typ)
	}
	ri := reqinfo.From(ctx)
	inv := &runtime.Invocation{RequestID: ri.RequestID, Payload: payload, InvokedARN: ref.qualifiedARN(), ClientContext: deref(in.ClientContext)}
	r, err := s.rt.Invoke(ctx, res.spec, inv)
	if err != nil {
		return nil, s.invokeError(err)
	}
	out := &lambdaapi.InvocationResponse{StatusCode: ptr(int32(http.StatusOK)), ExecutedVersion: ptr(res.version), Payload: r.Payload}
	if r.ErrorType != "" {
		out.FunctionError = ptr("Unhandled")
	}
	if deref(in.LogType) == "Tail" {
		out.LogResult = ptr(tail(r.Log))
	}
	return out, nil
}

// tail is the base64 of the last 4 KB of an invocation's log.
func tail(lines []runtime.LogLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	s := b.String()
	if len(s) > 4096 {
		s = s[len(s)-4096:]
	}
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// InvokeAsync is the deprecated asynchronous invoke.
func (s *Service) InvokeAsync(ctx context.Context, in *lambdaapi.InvokeAsyncRequest) (*lambdaapi.InvokeAsyncResponse, error) {
	out, err := s.Invoke(ctx, &lambdaapi.InvocationRequest{FunctionName: in.FunctionName, InvocationType: ptr("Event"), Payload: in.InvokeArgs})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.InvokeAsyncResponse{Status: out.StatusCode}, nil
}

// InvokeDirect runs a function synchronously on behalf of another hako
// service (API Gateway, function URLs, event sources).
func (s *Service) InvokeDirect(ctx context.Context, account, region, function string, payload []byte) (*runtime.Result, string, error) {
	ctx = reqinfo.With(ctx, &reqinfo.Info{Account: account, Region: region, RequestID: newRequestID()})
	ref, err := parseRef(ctx, function, nil)
	if err != nil {
		return nil, "", err
	}
	res, err := s.resolve(ctx, ref)
	if err != nil {
		return nil, "", err
	}
	r, err := s.rt.Invoke(ctx, res.spec, &runtime.Invocation{RequestID: reqinfo.From(ctx).RequestID, Payload: payload, InvokedARN: ref.qualifiedARN()})
	if err != nil {
		return nil, "", s.invokeError(err)
	}
	return r, res.version, nil
}

func newRequestID() string { return uuid.NewString() }
