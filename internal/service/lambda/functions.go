package lambda

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

const latest = "$LATEST"

// fnRow is one function as stored: the $LATEST configuration and what
// belongs to the function as a whole.
type fnRow struct {
	account, region, name string
	cfg                   lambdaapi.FunctionConfiguration
	tags                  map[string]string
	policy                map[string]*policyDoc // by qualifier ("" unqualified)
	reserved              *int32
	nextVersion           int64
	invokeCfg             map[string]*lambdaapi.FunctionEventInvokeConfig // by qualifier
	urlCfg                map[string]*urlConfig                           // by qualifier
	createdAt             int64
}

// fnRef names a function and perhaps a qualifier.
type fnRef struct {
	account, region, name, qualifier string
}

func (r fnRef) arn() string { return functionARN(r.region, r.account, r.name) }

func (r fnRef) qualifiedARN() string {
	if r.qualifier == "" {
		return r.arn()
	}
	return r.arn() + ":" + r.qualifier
}

func functionARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// parseRef reads the FunctionName forms Lambda accepts (name, name:qual,
// partial ARN, full ARN) and merges an explicit Qualifier.
func parseRef(ctx context.Context, fn string, qualifier *string) (fnRef, error) {
	ri := reqinfo.From(ctx)
	ref := fnRef{account: ri.Account, region: ri.Region}
	parts := strings.Split(fn, ":")
	switch {
	case strings.HasPrefix(fn, "arn:"):
		if len(parts) < 7 || parts[2] != "lambda" || parts[5] != "function" {
			return ref, invalidParam("1 validation error detected: Value '" + fn + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
		}
		ref.region, ref.account, ref.name = parts[3], parts[4], parts[6]
		if len(parts) > 7 {
			ref.qualifier = parts[7]
		}
	case len(parts) >= 3 && parts[1] == "function":
		ref.account, ref.name = parts[0], parts[2]
		if len(parts) > 3 {
			ref.qualifier = parts[3]
		}
	case len(parts) == 2:
		ref.name, ref.qualifier = parts[0], parts[1]
	default:
		ref.name = fn
	}
	if qualifier != nil && *qualifier != "" {
		if ref.qualifier != "" && ref.qualifier != *qualifier {
			return ref, invalidParam("The derived qualifier from the function name does not match the specified qualifier.")
		}
		ref.qualifier = *qualifier
	}
	return ref, nil
}

func fnNotFound(r fnRef) error { return notFound("Function not found: " + r.qualifiedARN()) }

func lastModified(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

func (s *Service) now() time.Time { return s.clk.Now() }

// loadFn reads a function row; ok is false when it does not exist.
func loadFn(ctx context.Context, tx *store.Tx, r fnRef) (*fnRow, bool, error) {
	row := &fnRow{account: r.account, region: r.region, name: r.name}
	var cfg, tags, policy, inv, url string
	var reserved sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT config, tags, policy, reserved, next_version, invoke_cfg, url_cfg, created_at
		FROM lambda_functions WHERE account = ? AND region = ? AND name = ?`, r.account, r.region, r.name).
		Scan(&cfg, &tags, &policy, &reserved, &row.nextVersion, &inv, &url, &row.createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if err := unmarshalAll(cfg, &row.cfg, tags, &row.tags, policy, &row.policy, inv, &row.invokeCfg, url, &row.urlCfg); err != nil {
		return nil, false, err
	}
	if reserved.Valid {
		v := int32(reserved.Int64)
		row.reserved = &v
	}
	if row.tags == nil {
		row.tags = map[string]string{}
	}
	if row.policy == nil {
		row.policy = map[string]*policyDoc{}
	}
	if row.invokeCfg == nil {
		row.invokeCfg = map[string]*lambdaapi.FunctionEventInvokeConfig{}
	}
	if row.urlCfg == nil {
		row.urlCfg = map[string]*urlConfig{}
	}
	return row, true, nil
}

// queryJSON runs a query whose one column is the JSON of a T.
func queryJSON[T any](ctx context.Context, tx *store.Tx, q string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func unmarshalAll(pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		if s := pairs[i].(string); s != "" {
			if err := json.Unmarshal([]byte(s), pairs[i+1]); err != nil {
				return err
			}
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // API shapes always marshal
	}
	return string(b)
}

// saveFn writes a function row (insert or update).
func saveFn(ctx context.Context, tx *store.Tx, row *fnRow, insert bool) error {
	var reserved any
	if row.reserved != nil {
		reserved = int64(*row.reserved)
	}
	if insert {
		_, err := tx.Exec(ctx, `INSERT INTO lambda_functions (account, region, name, config, tags, policy, reserved, next_version, invoke_cfg, url_cfg, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.account, row.region, row.name, mustJSON(row.cfg), mustJSON(row.tags), mustJSON(row.policy), reserved,
			row.nextVersion, mustJSON(row.invokeCfg), mustJSON(row.urlCfg), row.createdAt)
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE lambda_functions SET config = ?, tags = ?, policy = ?, reserved = ?, next_version = ?, invoke_cfg = ?, url_cfg = ?
		WHERE account = ? AND region = ? AND name = ?`,
		mustJSON(row.cfg), mustJSON(row.tags), mustJSON(row.policy), reserved, row.nextVersion, mustJSON(row.invokeCfg), mustJSON(row.urlCfg),
		row.account, row.region, row.name)
	return err
}

// update runs fn on the function r inside a store transaction and drops
// the invocation cache of the function after the commit.
func (s *Service) update(ctx context.Context, r fnRef, fn func(tx *store.Tx, row *fnRow) error) error {
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		row, ok, err := loadFn(ctx, tx, r)
		if err != nil {
			return err
		}
		if !ok {
			return fnNotFound(fnRef{account: r.account, region: r.region, name: r.name})
		}
		tx.Notify(notifyChannel, cacheKey(r))
		return fn(tx, row)
	})
	s.invalidate(r)
	return err
}

// view reads the function r.
func (s *Service) view(ctx context.Context, r fnRef) (*fnRow, error) {
	var row *fnRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var ok bool
		var err error
		row, ok, err = loadFn(ctx, tx, r)
		if err == nil && !ok {
			err = fnNotFound(fnRef{account: r.account, region: r.region, name: r.name})
		}
		return err
	})
	return row, err
}

var deprecatedRuntimes = map[string]bool{
	"nodejs": true, "nodejs4.3": true, "nodejs4.3-edge": true, "nodejs6.10": true, "nodejs8.10": true,
	"nodejs10.x": true, "nodejs12.x": true, "nodejs14.x": true, "nodejs16.x": true,
	"python2.7": true, "python3.6": true, "python3.7": true, "python3.8": true,
	"dotnetcore1.0": true, "dotnetcore2.0": true, "dotnetcore2.1": true, "dotnetcore3.1": true, "dotnet6": true,
	"ruby2.5": true, "ruby2.7": true, "go1.x": true, "java8": true, "provided": true,
}

var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

func checkRuntime(rt string) error {
	if deprecatedRuntimes[rt] {
		return invalidParam("The runtime parameter of " + rt + " is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.")
	}
	return nil
}

func checkEnv(env *lambdaapi.Environment) error {
	if env == nil {
		return nil
	}
	var used []string
	for _, k := range reservedEnv {
		if _, ok := env.Variables[k]; ok {
			used = append(used, k)
		}
	}
	if len(used) > 0 {
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: " + strings.Join(used, ", "))
	}
	if b := mustJSON(env.Variables); len(b) > maxEnvBytes {
		return invalidParam("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: " + b)
	}
	for k := range env.Variables {
		if !validEnvKey(k) {
			return apiErr("ValidationException", "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
		}
	}
	return nil
}

func validEnvKey(k string) bool {
	if len(k) < 2 {
		return false
	}
	for i, c := range k {
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !alpha || !alpha && !(c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func checkLimits(timeout, memory *int32, eph *lambdaapi.EphemeralStorage) error {
	if timeout != nil && *timeout > 900 {
		return apiErr("ValidationException", fmt.Sprintf("1 validation error detected: Value '%d' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", *timeout))
	}
	if eph != nil && eph.Size != nil && (*eph.Size < 512 || *eph.Size > 10240) {
		return apiErr("ValidationException", fmt.Sprintf("1 validation error detected: Value '%d' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value between 512 and 10240", *eph.Size))
	}
	_ = memory // the model checks 128..10240
	return nil
}

// CreateFunction stores a new function from a .zip package.
func (s *Service) CreateFunction(ctx context.Context, in *lambdaapi.CreateFunctionRequest) (*lambdaapi.FunctionConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	if ref.qualifier != "" {
		return nil, invalidParam("Unsupported function name format: " + deref(in.FunctionName))
	}
	if deref(in.PackageType) == "Image" {
		return nil, invalidParam("hako does not run container image functions (PackageType Image); deploy a .zip package instead.")
	}
	if in.Runtime == nil || in.Handler == nil {
		return nil, invalidParam("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if err := checkRuntime(*in.Runtime); err != nil {
		return nil, err
	}
	if err := checkEnv(in.Environment); err != nil {
		return nil, err
	}
	if err := checkLimits(in.Timeout, in.MemorySize, in.EphemeralStorage); err != nil {
		return nil, err
	}
	zipb, err := s.codeBytes(ctx, in.Code)
	if err != nil {
		return nil, err
	}
	ci, err := checkZip(zipb)
	if err != nil {
		return nil, err
	}
	layers, err := s.resolveLayers(ctx, in.Layers)
	if err != nil {
		return nil, err
	}
	now := s.now()
	cfg := lambdaapi.FunctionConfiguration{
		FunctionName:     ptr(ref.name),
		FunctionArn:      ptr(ref.arn()),
		Runtime:          in.Runtime,
		Role:             in.Role,
		Handler:          in.Handler,
		CodeSize:         ptr(ci.size),
		CodeSha256:       ptr(ci.sha),
		Description:      ptr(deref(in.Description)),
		Timeout:          ptr(int32(3)),
		MemorySize:       ptr(int32(128)),
		LastModified:     ptr(lastModified(now)),
		Version:          ptr(latest),
		TracingConfig:    &lambdaapi.TracingConfigResponse{Mode: ptr("PassThrough")},
		RevisionId:       ptr(uuid.NewString()),
		State:            ptr("Active"),
		LastUpdateStatus: ptr("Successful"),
		PackageType:      ptr("Zip"),
		Architectures:    []string{"x86_64"},
		EphemeralStorage: &lambdaapi.EphemeralStorage{Size: ptr(int32(512))},
		SnapStart:        &lambdaapi.SnapStartResponse{ApplyOn: ptr("None"), OptimizationStatus: ptr("Off")},
		LoggingConfig:    &lambdaapi.LoggingConfig{LogFormat: ptr("Text"), LogGroup: ptr("/aws/lambda/" + ref.name)},
		DeadLetterConfig: in.DeadLetterConfig,
		KMSKeyArn:        in.KMSKeyArn,
		Layers:           layers,
	}
	if in.Timeout != nil {
		cfg.Timeout = in.Timeout
	}
	if in.MemorySize != nil {
		cfg.MemorySize = in.MemorySize
	}
	if len(in.Architectures) > 0 {
		cfg.Architectures = in.Architectures
	}
	if in.EphemeralStorage != nil {
		cfg.EphemeralStorage = in.EphemeralStorage
	}
	if in.TracingConfig != nil && in.TracingConfig.Mode != nil {
		cfg.TracingConfig.Mode = in.TracingConfig.Mode
	}
	if in.Environment != nil {
		cfg.Environment = &lambdaapi.EnvironmentResponse{Variables: in.Environment.Variables}
		if cfg.Environment.Variables == nil {
			cfg.Environment.Variables = map[string]string{}
		}
	}
	mergeLogging(&cfg, in.LoggingConfig)
	if in.VpcConfig != nil {
		cfg.VpcConfig = &lambdaapi.VpcConfigResponse{SubnetIds: in.VpcConfig.SubnetIds, SecurityGroupIds: in.VpcConfig.SecurityGroupIds, VpcId: ptr("")}
	}
	row := &fnRow{account: ref.account, region: ref.region, name: ref.name, cfg: cfg,
		tags: in.Tags, nextVersion: 1, createdAt: now.UnixMilli(),
		policy: map[string]*policyDoc{}, invokeCfg: map[string]*lambdaapi.FunctionEventInvokeConfig{}, urlCfg: map[string]*urlConfig{}}
	if row.tags == nil {
		row.tags = map[string]string{}
	}
	var out lambdaapi.FunctionConfiguration
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if _, exists, err := loadFn(ctx, tx, ref); err != nil {
			return err
		} else if exists {
			return conflict("Function already exist: " + ref.name)
		}
		if err := putCode(ctx, tx, ci, zipb); err != nil {
			return err
		}
		if err := saveFn(ctx, tx, row, true); err != nil {
			return err
		}
		tx.Notify(notifyChannel, cacheKey(ref))
		out = row.cfg
		if deref(in.Publish) {
			v, err := publish(ctx, tx, row, "", now)
			if err != nil {
				return err
			}
			out = *v
		}
		return nil
	})
	s.invalidate(ref)
	if err != nil {
		return nil, err
	}
	// Lambda answers a create with the function still Pending.
	out.State, out.StateReason, out.StateReasonCode = ptr("Pending"), ptr("The function is being created."), ptr("Creating")
	out.LastUpdateStatus = nil
	return &out, nil
}

func mergeLogging(cfg *lambdaapi.FunctionConfiguration, lc *lambdaapi.LoggingConfig) {
	if lc == nil {
		return
	}
	if lc.LogFormat != nil {
		cfg.LoggingConfig.LogFormat = lc.LogFormat
	}
	if lc.LogGroup != nil {
		cfg.LoggingConfig.LogGroup = lc.LogGroup
	}
	if lc.ApplicationLogLevel != nil {
		cfg.LoggingConfig.ApplicationLogLevel = lc.ApplicationLogLevel
	}
	if lc.SystemLogLevel != nil {
		cfg.LoggingConfig.SystemLogLevel = lc.SystemLogLevel
	}
	if deref(cfg.LoggingConfig.LogFormat) == "JSON" {
		if cfg.LoggingConfig.ApplicationLogLevel == nil {
			cfg.LoggingConfig.ApplicationLogLevel = ptr("INFO")
		}
		if cfg.LoggingConfig.SystemLogLevel == nil {
			cfg.LoggingConfig.SystemLogLevel = ptr("INFO")
		}
	}
}

// codeBytes returns the package of a FunctionCode.
func (s *Service) codeBytes(ctx context.Context, c *lambdaapi.FunctionCode) ([]byte, error) {
	if c == nil {
		return nil, invalidParam("Please provide a source for function code.")
	}
	if c.ImageUri != nil {
		return nil, invalidParam("hako does not run container image functions (ImageUri); deploy a .zip package instead.")
	}
	if len(c.ZipFile) > 0 {
		return c.ZipFile, nil
	}
	if c.S3Bucket != nil && c.S3Key != nil {
		return s.s3Object(ctx, *c.S3Bucket, *c.S3Key, deref(c.S3ObjectVersion))
	}
	return nil, invalidParam("Please provide a source for function code.")
}

// s3Object fetches a package from hako's S3.
func (s *Service) s3Object(ctx context.Context, bucket, key, version string) ([]byte, error) {
	if s.cfg.Objects == nil {
		return nil, invalidParam("Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist")
	}
	b, err := s.cfg.Objects.GetObjectBytes(ctx, bucket, key, version, maxZipped+1)
	if err != nil {
		return nil, invalidParam("Error occurred while GetObject. " + err.Error())
	}
	return b, nil
}

// GetFunction returns a function's (or a version's) configuration, code
// location, concurrency and tags.
func (s *Service) GetFunction(ctx context.Context, in *lambdaapi.GetFunctionRequest) (*lambdaapi.GetFunctionResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	cfg, err := s.versionConfig(ctx, row, ref)
	if err != nil {
		return nil, err
	}
	out := &lambdaapi.GetFunctionResponse{
		Configuration: cfg,
		Code: &lambdaapi.FunctionCodeLocation{
			RepositoryType: ptr("S3"),
			Location:       ptr(s.codeURL(deref(cfg.CodeSha256))),
		},
	}
	if ref.qualifier == "" || ref.qualifier == latest {
		out.Tags = row.tags
	}
	if row.reserved != nil {
		out.Concurrency = &lambdaapi.Concurrency{ReservedConcurrentExecutions: row.reserved}
	}
	return out, nil
}

func (s *Service) codeURL(sha string) string {
	base := ""
	if s.cfg.Endpoint != nil {
		base = s.cfg.Endpoint()
	}
	return base + "/_hako/lambda/code/" + shaHex(sha) + ".zip"
}

// CodeByHexDigest serves a package download (GetFunction's Code.Location).
func (s *Service) CodeByHexDigest(ctx context.Context, hexDigest string) ([]byte, error) {
	sum, err := hex.DecodeString(hexDigest)
	if err != nil || len(sum) != 32 {
		return nil, sql.ErrNoRows
	}
	return s.codeZip(ctx, base64.StdEncoding.EncodeToString(sum))
}

// versionConfig returns the configuration ref's qualifier names.
func (s *Service) versionConfig(ctx context.Context, row *fnRow, ref fnRef) (*lambdaapi.FunctionConfiguration, error) {
	q := ref.qualifier
	if q == "" || q == latest {
		c := row.cfg
		return &c, nil
	}
	var cfg *lambdaapi.FunctionConfiguration
	err := s.st.View(ctx, func(tx *store.Tx) error {
		v, err := resolveQualifier(ctx, tx, ref)
		if err != nil {
			return err
		}
		if v == latest {
			c := row.cfg
			cfg = &c
			return nil
		}
		cfg, err = loadVersion(ctx, tx, ref, v)
		return err
	})
	return cfg, err
}

// resolveQualifier maps a version or alias name to a version ("$LATEST"
// or a number); aliases with routing weights pick a version at random.
func resolveQualifier(ctx context.Context, tx *store.Tx, ref fnRef) (string, error) {
	q := ref.qualifier
	if q == "" || q == latest {
		return latest, nil
	}
	if isVersion(q) {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
			ref.account, ref.region, ref.name, q).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return "", fnNotFound(ref)
		}
		return q, nil
	}
	a, err := loadAlias(ctx, tx, ref, q)
	if err != nil {
		return "", err
	}
	if a == nil {
		return "", fnNotFound(ref)
	}
	return pickVersion(a), nil
}

func isVersion(q string) bool {
	if q == "" {
		return false
	}
	for _, c := range q {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func loadVersion(ctx context.Context, tx *store.Tx, ref fnRef, v string) (*lambdaapi.FunctionConfiguration, error) {
	var js string
	err := tx.QueryRow(ctx, "SELECT config FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
		ref.account, ref.region, ref.name, v).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fnNotFound(ref)
	}
	if err != nil {
		return nil, err
	}
	var cfg lambdaapi.FunctionConfiguration
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// GetFunctionConfiguration returns a version's configuration.
func (s *Service) GetFunctionConfiguration(ctx context.Context, in *lambdaapi.GetFunctionConfigurationRequest) (*lambdaapi.FunctionConfiguration, error) {
	out, err := s.GetFunction(ctx, &lambdaapi.GetFunctionRequest{FunctionName: in.FunctionName, Qualifier: in.Qualifier})
	if err != nil {
		return nil, err
	}
	return out.Configuration, nil
}

func checkRevision(want *string, have *string) error {
	if want != nil && *want != deref(have) {
		return preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	return nil
}

// UpdateFunctionConfiguration changes $LATEST's settings.
func (s *Service) UpdateFunctionConfiguration(ctx context.Context, in *lambdaapi.UpdateFunctionConfigurationRequest) (*lambdaapi.FunctionConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	if in.Runtime != nil {
		if err := checkRuntime(*in.Runtime); err != nil {
			return nil, err
		}
	}
	if err := checkEnv(in.Environment); err != nil {
		return nil, err
	}
	if err := checkLimits(in.Timeout, in.MemorySize, in.EphemeralStorage); err != nil {
		return nil, err
	}
	var layers []lambdaapi.Layer
	if in.Layers != nil {
		if layers, err = s.resolveLayers(ctx, in.Layers); err != nil {
			return nil, err
		}
	}
	var out lambdaapi.FunctionConfiguration
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := checkRevision(in.RevisionId, row.cfg.RevisionId); err != nil {
			return err
		}
		c := &row.cfg
		set := func(dst **string, v *string) {
			if v != nil {
				*dst = v
			}
		}
		set(&c.Description, in.Description)
		set(&c.Handler, in.Handler)
		set(&c.Role, in.Role)
		set(&c.Runtime, in.Runtime)
		set(&c.KMSKeyArn, in.KMSKeyArn)
		if in.Timeout != nil {
			c.Timeout = in.Timeout
		}
		if in.MemorySize != nil {
			c.MemorySize = in.MemorySize
		}
		if in.EphemeralStorage != nil {
			c.EphemeralStorage = in.EphemeralStorage
		}
		if in.Environment != nil {
			c.Environment = &lambdaapi.EnvironmentResponse{Variables: in.Environment.Variables}
			if c.Environment.Variables == nil {
				c.Environment.Variables = map[string]string{}
			}
		}
		if in.DeadLetterConfig != nil {
			c.DeadLetterConfig = in.DeadLetterConfig
			if deref(in.DeadLetterConfig.TargetArn) == "" {
				c.DeadLetterConfig = nil
			}
		}
		if in.TracingConfig != nil && in.TracingConfig.Mode != nil {
			c.TracingConfig = &lambdaapi.TracingConfigResponse{Mode: in.TracingConfig.Mode}
		}
		if in.Layers != nil {
			c.Layers = layers
		}
		mergeLogging(c, in.LoggingConfig)
		c.LastModified = ptr(lastModified(s.now()))
		c.RevisionId = ptr(uuid.NewString())
		c.LastUpdateStatus = ptr("Successful")
		out = *c
		return saveFn(ctx, tx, row, false)
	})
	if err != nil {
		return nil, err
	}
	out.LastUpdateStatus, out.LastUpdateStatusReason, out.LastUpdateStatusReasonCode = ptr("InProgress"), ptr("The function is being created."), ptr("Creating")
	return &out, nil
}

// UpdateFunctionCode replaces $LATEST's package.
func (s *Service) UpdateFunctionCode(ctx context.Context, in *lambdaapi.UpdateFunctionCodeRequest) (*lambdaapi.FunctionConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	zipb, err := s.codeBytes(ctx, &lambdaapi.FunctionCode{ZipFile: in.ZipFile, S3Bucket: in.S3Bucket, S3Key: in.S3Key, S3ObjectVersion: in.S3ObjectVersion, ImageUri: in.ImageUri})
	if err != nil {
		return nil, err
	}
	ci, err := checkZip(zipb)
	if err != nil {
		return nil, err
	}
	var out lambdaapi.FunctionConfiguration
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := checkRevision(in.RevisionId, row.cfg.RevisionId); err != nil {
			return err
		}
		if deref(in.DryRun) {
			out = row.cfg
			out.CodeSha256, out.CodeSize = ptr(ci.sha), ptr(ci.size)
			return nil
		}
		if err := putCode(ctx, tx, ci, zipb); err != nil {
			return err
		}
		c := &row.cfg
		c.CodeSha256, c.CodeSize = ptr(ci.sha), ptr(ci.size)
		if len(in.Architectures) > 0 {
			c.Architectures = in.Architectures
		}
		now := s.now()
		c.LastModified = ptr(lastModified(now))
		c.RevisionId = ptr(uuid.NewString())
		c.LastUpdateStatus = ptr("Successful")
		if err := saveFn(ctx, tx, row, false); err != nil {
			return err
		}
		out = *c
		if deref(in.Publish) {
			v, err := publish(ctx, tx, row, "", now)
			if err != nil {
				return err
			}
			out = *v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteFunction deletes a function, or one published version.
func (s *Service) DeleteFunction(ctx context.Context, in *lambdaapi.DeleteFunctionRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return err
	}
	if ref.qualifier == latest {
		return invalidParam("$LATEST version cannot be deleted without deleting the function.")
	}
	if ref.qualifier != "" && !isVersion(ref.qualifier) {
		return invalidParam("Deletion of aliases is not supported.")
	}
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if ref.qualifier != "" {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND config LIKE ?",
				ref.account, ref.region, ref.name, `%"FunctionVersion":"`+ref.qualifier+`"%`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return conflict("Unable to delete version because the following aliases reference it: an alias")
			}
			res, err := tx.Exec(ctx, "DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
				ref.account, ref.region, ref.name, ref.qualifier)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fnNotFound(ref)
			}
			return nil
		}
		for _, q := range []string{
			"DELETE FROM lambda_functions WHERE account = ? AND region = ? AND name = ?",
			"DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ?",
			"DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND name = ?",
			"DELETE FROM lambda_urls WHERE account = ? AND region = ? AND name = ?",
		} {
			if _, err := tx.Exec(ctx, q, ref.account, ref.region, ref.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && ref.qualifier == "" {
		s.rt.Retire(ref.account, ref.region, ref.name)
	}
	return err
}

// ListFunctions lists $LATEST of every function (or every version with
// FunctionVersion=ALL), in name order.
func (s *Service) ListFunctions(ctx context.Context, in *lambdaapi.ListFunctionsRequest) (*lambdaapi.ListFunctionsResponse, error) {
	ri := reqinfo.From(ctx)
	max := 50
	if in.MaxItems != nil {
		max = int(*in.MaxItems)
	}
	all := deref(in.FunctionVersion) == "ALL"
	var items []lambdaapi.FunctionConfiguration
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		items, err = queryJSON[lambdaapi.FunctionConfiguration](ctx, tx, "SELECT config FROM lambda_functions WHERE account = ? AND region = ? ORDER BY name", ri.Account, ri.Region)
		if err != nil || !all {
			return err
		}
		versions, err := queryJSON[lambdaapi.FunctionConfiguration](ctx, tx, "SELECT config FROM lambda_versions WHERE account = ? AND region = ?", ri.Account, ri.Region)
		items = append(items, versions...)
		return err
	})
	if err != nil {
		return nil, err
	}
	key := func(c lambdaapi.FunctionConfiguration) string {
		v := deref(c.Version)
		if v != latest {
			v = fmt.Sprintf("%020s", v)
		}
		return deref(c.FunctionName) + "\x00" + v
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := 0
	if m := deref(in.Marker); m != "" {
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > m })
	}
	out := &lambdaapi.ListFunctionsResponse{Functions: []lambdaapi.FunctionConfiguration{}}
	for i := start; i < len(items); i++ {
		if len(out.Functions) == max {
			out.NextMarker = ptr(key(items[i-1]))
			break
		}
		out.Functions = append(out.Functions, items[i])
	}
	return out, nil
}

// publish snapshots $LATEST as the next version, unless the newest
// version already has the same code and configuration.
func publish(ctx context.Context, tx *store.Tx, row *fnRow, description string, now time.Time) (*lambdaapi.FunctionConfiguration, error) {
	ref := fnRef{account: row.account, region: row.region, name: row.name}
	if row.nextVersion > 1 {
		prev, err := loadVersion(ctx, tx, ref, strconv.FormatInt(row.nextVersion-1, 10))
		if err == nil && sameConfig(prev, &row.cfg) && (description == "" || description == deref(prev.Description)) {
			return prev, nil
		}
	}
	v := strconv.FormatInt(row.nextVersion, 10)
	cfg := row.cfg
	cfg.Version = ptr(v)
	cfg.FunctionArn = ptr(ref.arn() + ":" + v)
	cfg.RevisionId = ptr(uuid.NewString())
	cfg.LastModified = ptr(lastModified(now))
	if description != "" {
		cfg.Description = ptr(description)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO lambda_versions (account, region, name, version, config) VALUES (?, ?, ?, ?, ?)",
		row.account, row.region, row.name, row.nextVersion, mustJSON(cfg)); err != nil {
		return nil, err
	}
	row.nextVersion++
	row.cfg.RevisionId = ptr(uuid.NewString())
	if err := saveFn(ctx, tx, row, false); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// sameConfig tells whether publishing b would repeat version a.
func sameConfig(a, b *lambdaapi.FunctionConfiguration) bool {
	x, y := *a, *b
	for _, c := range []*lambdaapi.FunctionConfiguration{&x, &y} {
		c.Version, c.FunctionArn, c.RevisionId, c.LastModified, c.Description = nil, nil, nil, nil, nil
		c.State, c.LastUpdateStatus = nil, nil
	}
	return mustJSON(x) == mustJSON(y)
}

// PublishVersion creates a version from $LATEST.
func (s *Service) PublishVersion(ctx context.Context, in *lambdaapi.PublishVersionRequest) (*lambdaapi.FunctionConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	var out *lambdaapi.FunctionConfiguration
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := checkRevision(in.RevisionId, row.cfg.RevisionId); err != nil {
			return err
		}
		if in.CodeSha256 != nil && *in.CodeSha256 != deref(row.cfg.CodeSha256) {
			return invalidParam("CodeSHA256 (" + *in.CodeSha256 + ") is different from current CodeSHA256 in $LATEST (" + deref(row.cfg.CodeSha256) + "). Please try again with the CodeSHA256 in $LATEST.")
		}
		var err error
		out, err = publish(ctx, tx, row, deref(in.Description), s.now())
		return err
	})
	return out, err
}

// ListVersionsByFunction lists $LATEST and the published versions.
func (s *Service) ListVersionsByFunction(ctx context.Context, in *lambdaapi.ListVersionsByFunctionRequest) (*lambdaapi.ListVersionsByFunctionResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	var versions []lambdaapi.FunctionConfiguration
	err = s.st.View(ctx, func(tx *store.Tx) error {
		versions, err = queryJSON[lambdaapi.FunctionConfiguration](ctx, tx, "SELECT config FROM lambda_versions WHERE account = ? AND region = ? AND name = ? ORDER BY version",
			ref.account, ref.region, ref.name)
		return err
	})
	if err != nil {
		return nil, err
	}
	items := append([]lambdaapi.FunctionConfiguration{row.cfg}, versions...)
	return paginate(items, in.Marker, in.MaxItems, &lambdaapi.ListVersionsByFunctionResponse{}), nil
}

// paginate pages a fixed list of versions with an index marker.
func paginate(items []lambdaapi.FunctionConfiguration, marker *string, maxItems *int32, out *lambdaapi.ListVersionsByFunctionResponse) *lambdaapi.ListVersionsByFunctionResponse {
	start, end, next := page(len(items), marker, maxItems)
	out.Versions, out.NextMarker = items[start:end], next
	return out
}
