package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Layers are stored one row per version in lambda_layers; their packages
// live in lambda_code like function code. A deleted version keeps its row
// (deleted = 1): its number is never reused and the functions that already
// reference it keep running, as on AWS.

// Lambda's layer limits and patterns, as its error messages quote them.
const (
	maxFunctionLayers   = 5
	layerNamePattern    = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`
	layerARNListPattern = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`
	principalPattern    = `\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root`
	layerPolicyAction   = "lambda:GetLayerVersion"
)

var (
	layerNameRE       = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	layerARNRE        = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$`)
	layerVersionARNRE = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$`)
	awsLayerARNRE     = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+$`)
	principalRE       = regexp.MustCompile(`^(` + principalPattern + `)$`)
)

// layerRef names a layer (not a version).
type layerRef struct {
	account, region, name string
}

func (r layerRef) arn() string {
	return "arn:aws:lambda:" + r.region + ":" + r.account + ":layer:" + r.name
}

func (r layerRef) versionARN(v int64) string { return r.arn() + ":" + strconv.FormatInt(v, 10) }

// layerConfig is what a published version holds (the config column).
type layerConfig struct {
	Description             string   `json:"Description"`
	LicenseInfo             *string  `json:"LicenseInfo,omitempty"`
	CompatibleRuntimes      []string `json:"CompatibleRuntimes,omitempty"`
	CompatibleArchitectures []string `json:"CompatibleArchitectures,omitempty"`
	CreatedDate             string   `json:"CreatedDate"`
	CodeSha256              string   `json:"CodeSha256"`
	CodeSize                int64    `json:"CodeSize"`
}

// layerStatement is one statement of a layer version policy, with its
// members in the order Lambda writes them.
type layerStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    string         `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// layerPolicy is the policy column; RevisionId changes with every edit.
type layerPolicy struct {
	Version    string           `json:"Version"`
	ID         string           `json:"Id"`
	Statement  []layerStatement `json:"Statement"`
	RevisionID string           `json:"RevisionId"`
}

// document is the policy as GetLayerVersionPolicy returns it.
func (p *layerPolicy) document() string {
	return mustJSON(struct {
		Version   string           `json:"Version"`
		ID        string           `json:"Id"`
		Statement []layerStatement `json:"Statement"`
	}{p.Version, p.ID, p.Statement})
}

// allows tells whether the policy lets account use the layer version.
// Statements limited to an organization grant nothing: hako has no
// organizations.
func (p *layerPolicy) allows(account string) bool {
	if p == nil {
		return false
	}
	for _, st := range p.Statement {
		if len(st.Condition) > 0 {
			continue
		}
		switch pr := st.Principal.(type) {
		case string:
			if pr == "*" {
				return true
			}
		case map[string]any:
			if pr["AWS"] == "arn:aws:iam::"+account+":root" {
				return true
			}
		}
	}
	return false
}

// layerRow is one stored layer version.
type layerRow struct {
	ref     layerRef
	version int64
	cfg     layerConfig
	policy  *layerPolicy // nil until a permission is added
	deleted bool
}

func loadLayerVersion(ctx context.Context, tx *store.Tx, ref layerRef, version int64) (*layerRow, error) {
	var cfg, policy string
	var deleted int64
	err := tx.QueryRow(ctx, "SELECT config, policy, deleted FROM lambda_layers WHERE account = ? AND region = ? AND name = ? AND version = ?",
		ref.account, ref.region, ref.name, version).Scan(&cfg, &policy, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	row := &layerRow{ref: ref, version: version, deleted: deleted != 0}
	if err := json.Unmarshal([]byte(cfg), &row.cfg); err != nil {
		return nil, err
	}
	if policy != "" {
		row.policy = &layerPolicy{}
		if err := json.Unmarshal([]byte(policy), row.policy); err != nil {
			return nil, err
		}
	}
	return row, nil
}

func saveLayerPolicy(ctx context.Context, tx *store.Tx, row *layerRow) error {
	policy := ""
	if row.policy != nil {
		policy = mustJSON(row.policy)
	}
	_, err := tx.Exec(ctx, "UPDATE lambda_layers SET policy = ? WHERE account = ? AND region = ? AND name = ? AND version = ?",
		policy, row.ref.account, row.ref.region, row.ref.name, row.version)
	return err
}

// --- names, ARNs and errors ---

func layerValidationErr(msg string) error {
	return awserr.New("ValidationException", msg).WithStatus(http.StatusBadRequest)
}

// parseLayerName reads a LayerName, a name or a layer ARN.
func parseLayerName(ctx context.Context, s string) (layerRef, error) {
	ri := reqinfo.From(ctx)
	if m := layerARNRE.FindStringSubmatch(s); m != nil {
		return layerRef{region: m[1], account: m[2], name: m[3]}, nil
	}
	if layerNameRE.MatchString(s) {
		return layerRef{account: ri.Account, region: ri.Region, name: s}, nil
	}
	return layerRef{}, layerValidationErr("1 validation error detected: Value '" + s + "' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + layerNamePattern)
}

// parseLayerVersionARN reads arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION.
func parseLayerVersionARN(s string) (layerRef, int64, bool) {
	m := layerVersionARNRE.FindStringSubmatch(s)
	if m == nil {
		return layerRef{}, 0, false
	}
	v, err := strconv.ParseInt(m[4], 10, 64)
	if err != nil {
		return layerRef{}, 0, false
	}
	return layerRef{region: m[1], account: m[2], name: m[3]}, v, true
}

func layerVersionNotFound(ref layerRef, v int64) error {
	return notFound("Layer version " + ref.versionARN(v) + " does not exist.")
}

func layerResourceNotFound() error { return notFound("The resource you requested does not exist.") }

func checkLayerVersionNumber(v int64) error {
	if v < 1 {
		return invalidParam("Layer Version Cannot be less than 1")
	}
	return nil
}

// layerAccessDenied is Lambda's answer to a caller acting on a layer of another
// account that no policy opens to it.
func layerAccessDenied(ctx context.Context, action, resource string) error {
	return apiErr("AccessDeniedException", "User: arn:aws:iam::"+reqinfo.From(ctx).Account+":root is not authorized to perform: lambda:"+
		action+" on resource: "+resource+" because no resource-based policy allows the lambda:"+action+" action").WithStatus(http.StatusForbidden)
}

// ownLayer refuses operations on the layers of other accounts.
func ownLayer(ctx context.Context, ref layerRef, action, resource string) error {
	if ref.account != reqinfo.From(ctx).Account {
		return layerAccessDenied(ctx, action, resource)
	}
	return nil
}

// readLayerVersion loads a live version for GetLayerVersion and friends:
// the caller's own, or another account's that its policy shares.
func (s *Service) readLayerVersion(ctx context.Context, ref layerRef, v int64) (*layerRow, error) {
	var row *layerRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = loadLayerVersion(ctx, tx, ref, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ref.account != reqinfo.From(ctx).Account && (row == nil || row.deleted || !row.policy.allows(reqinfo.From(ctx).Account)) {
		return nil, layerAccessDenied(ctx, "GetLayerVersion", ref.versionARN(v))
	}
	if row == nil || row.deleted {
		return nil, layerResourceNotFound()
	}
	return row, nil
}

// --- runtimes and architectures ---

// layerRuntimeKnown tells whether the model knows runtime r.
func layerRuntimeKnown(r string) bool {
	var v model.Validator
	(&lambdaapi.ListLayersRequest{CompatibleRuntime: &r}).Validate(&v)
	return len(v.Violations) == 0
}

// layerRuntimes is the runtime list Lambda quotes in its errors: the
// runtimes one can still create functions with.
func layerRuntimes() string {
	var v model.Validator
	none := ""
	(&lambdaapi.ListLayersRequest{CompatibleRuntime: &none}).Validate(&v)
	if len(v.Violations) == 0 {
		return "[]"
	}
	var keep []string
	for _, r := range strings.Split(strings.Trim(v.Violations[0].Detail, "[]"), ", ") {
		if !deprecatedRuntimes[r] {
			keep = append(keep, r)
		}
	}
	return "[" + strings.Join(keep, ", ") + "]"
}

func layerArchitectureKnown(a string) bool { return a == "x86_64" || a == "arm64" }

// checkLayerCompatibility validates PublishLayerVersion's runtimes and
// architectures the way Lambda does: a whole list fails on one bad member.
func checkLayerCompatibility(runtimes, archs []string) error {
	var errs []string
	for _, r := range runtimes {
		if !layerRuntimeKnown(r) {
			errs = append(errs, "Value '["+strings.Join(runtimes, ", ")+"]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: "+layerRuntimes())
			break
		}
	}
	for _, a := range archs {
		if !layerArchitectureKnown(a) {
			errs = append(errs, "Value '["+strings.Join(archs, ", ")+"]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]")
			break
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return layerValidationErr("1 validation error detected: " + errs[0])
	default:
		return layerValidationErr(strconv.Itoa(len(errs)) + " validation errors detected: " + strings.Join(errs, "; "))
	}
}

func layerListHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// matches applies ListLayers' and ListLayerVersions' filters.
func (c *layerConfig) matches(runtime, arch *string) bool {
	return (runtime == nil || layerListHas(c.CompatibleRuntimes, *runtime)) && (arch == nil || layerListHas(c.CompatibleArchitectures, *arch))
}

// --- function configuration ---

// resolveLayers checks the layer version ARNs of a function configuration
// and returns them as the function's Layers.
func (s *Service) resolveLayers(ctx context.Context, arns []string) ([]lambdaapi.Layer, error) {
	if len(arns) == 0 {
		return nil, nil
	}
	for _, a := range arns {
		if len(a) < 1 || len(a) > 140 || (!layerVersionARNRE.MatchString(a) && !awsLayerARNRE.MatchString(a)) {
			return nil, layerValidationErr("1 validation error detected: Value '[" + strings.Join(arns, ", ") + "]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: " + layerARNListPattern + ", Member must not be null]")
		}
	}
	if len(arns) > maxFunctionLayers {
		return nil, invalidParam("Cannot reference more than 5 layers.")
	}
	ri := reqinfo.From(ctx)
	out := make([]lambdaapi.Layer, 0, len(arns))
	seen := map[layerRef]string{}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		for _, a := range arns {
			ref, v, ok := parseLayerVersionARN(a)
			if !ok { // an AWS-managed awslayer ARN: none exist in hako
				return invalidParam("Layer version " + a + " does not exist.")
			}
			if ref.region != ri.Region {
				return invalidParam("Layers are not in the same region as the function. Layers are expected to be in region " + ri.Region + ".")
			}
			row, err := loadLayerVersion(ctx, tx, ref, v)
			if err != nil {
				return err
			}
			if ref.account != ri.Account && (row == nil || row.deleted || !row.policy.allows(ri.Account)) {
				return layerAccessDenied(ctx, "GetLayerVersion", a)
			}
			if row == nil || row.deleted {
				return invalidParam("Layer version " + a + " does not exist.")
			}
			if first, dup := seen[ref]; dup {
				return invalidParam("Two different versions of the same layer are not allowed to be referenced in the same function. " + first + " and " + a + " are versions of the same layer.")
			}
			seen[ref] = a
			out = append(out, lambdaapi.Layer{Arn: ptr(a), CodeSize: ptr(row.cfg.CodeSize)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// layerZip returns the package of a layer version, deleted or not: the
// functions that reference a version keep it alive.
func (s *Service) layerZip(ctx context.Context, arn string) ([]byte, error) {
	ref, v, ok := parseLayerVersionARN(arn)
	if !ok {
		return nil, invalidParam("Layer version " + arn + " does not exist.")
	}
	var row *layerRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = loadLayerVersion(ctx, tx, ref, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if row == nil {
		return nil, invalidParam("Layer version " + arn + " does not exist.")
	}
	return s.codeZip(ctx, row.cfg.CodeSha256)
}

// --- API ---

func (s *Service) layerVersionOut(row *layerRow) *lambdaapi.GetLayerVersionResponse {
	c := row.cfg
	return &lambdaapi.GetLayerVersionResponse{
		CompatibleArchitectures: c.CompatibleArchitectures,
		CompatibleRuntimes:      c.CompatibleRuntimes,
		Content: &lambdaapi.LayerVersionContentOutput{
			Location:   ptr(s.codeURL(c.CodeSha256)),
			CodeSha256: ptr(c.CodeSha256),
			CodeSize:   ptr(c.CodeSize),
		},
		CreatedDate:     ptr(c.CreatedDate),
		Description:     ptr(c.Description),
		LayerArn:        ptr(row.ref.arn()),
		LayerVersionArn: ptr(row.ref.versionARN(row.version)),
		LicenseInfo:     c.LicenseInfo,
		Version:         ptr(row.version),
	}
}

func layerListItem(row *layerRow) *lambdaapi.LayerVersionsListItem {
	c := row.cfg
	return &lambdaapi.LayerVersionsListItem{
		CompatibleArchitectures: c.CompatibleArchitectures,
		CompatibleRuntimes:      c.CompatibleRuntimes,
		CreatedDate:             ptr(c.CreatedDate),
		Description:             ptr(c.Description),
		LayerVersionArn:         ptr(row.ref.versionARN(row.version)),
		LicenseInfo:             c.LicenseInfo,
		Version:                 ptr(row.version),
	}
}

// layerContent returns the package a LayerVersionContentInput names.
func (s *Service) layerContent(ctx context.Context, c *lambdaapi.LayerVersionContentInput) ([]byte, error) {
	if c == nil {
		return s.codeBytes(ctx, nil)
	}
	return s.codeBytes(ctx, &lambdaapi.FunctionCode{ZipFile: c.ZipFile, S3Bucket: c.S3Bucket, S3Key: c.S3Key, S3ObjectVersion: c.S3ObjectVersion})
}

// PublishLayerVersion stores a new version of a layer, numbered after
// every version the layer ever had.
func (s *Service) PublishLayerVersion(ctx context.Context, in *lambdaapi.PublishLayerVersionRequest) (*lambdaapi.PublishLayerVersionResponse, error) {
	ref, err := parseLayerName(ctx, deref(in.LayerName))
	if err != nil {
		return nil, err
	}
	if err := ownLayer(ctx, ref, "PublishLayerVersion", ref.arn()); err != nil {
		return nil, err
	}
	if err := checkLayerCompatibility(in.CompatibleRuntimes, in.CompatibleArchitectures); err != nil {
		return nil, err
	}
	zipb, err := s.layerContent(ctx, in.Content)
	if err != nil {
		return nil, err
	}
	ci, err := checkZip(zipb)
	if err != nil {
		return nil, err
	}
	if zipHasNoFiles(zipb) {
		return nil, invalidParam("Uploaded file must be a non-empty zip")
	}
	row := &layerRow{ref: ref, cfg: layerConfig{
		Description:             deref(in.Description),
		LicenseInfo:             in.LicenseInfo,
		CompatibleRuntimes:      in.CompatibleRuntimes,
		CompatibleArchitectures: in.CompatibleArchitectures,
		CreatedDate:             lastModified(s.now()),
		CodeSha256:              ci.sha,
		CodeSize:                ci.size,
	}}
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		if err := putCode(ctx, tx, ci, zipb); err != nil {
			return err
		}
		// Another node may take the same number first; its row makes the
		// insert a no-op and the next attempt sees it.
		for attempt := 0; attempt < 10; attempt++ {
			var last int64
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM lambda_layers WHERE account = ? AND region = ? AND name = ?",
				ref.account, ref.region, ref.name).Scan(&last); err != nil {
				return err
			}
			res, err := tx.Exec(ctx, `INSERT INTO lambda_layers (account, region, name, version, config, policy, deleted)
				VALUES (?, ?, ?, ?, ?, '', 0) ON CONFLICT (account, region, name, version) DO NOTHING`,
				ref.account, ref.region, ref.name, last+1, mustJSON(row.cfg))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				row.version = last + 1
				return nil
			}
		}
		return errors.New("layer version number contended")
	})
	if err != nil {
		return nil, err
	}
	out := s.layerVersionOut(row)
	return &lambdaapi.PublishLayerVersionResponse{
		CompatibleArchitectures: out.CompatibleArchitectures,
		CompatibleRuntimes:      out.CompatibleRuntimes,
		Content:                 out.Content,
		CreatedDate:             out.CreatedDate,
		Description:             out.Description,
		LayerArn:                out.LayerArn,
		LayerVersionArn:         out.LayerVersionArn,
		LicenseInfo:             out.LicenseInfo,
		Version:                 out.Version,
	}, nil
}

// zipHasNoFiles tells whether a (valid) zip holds no files.
func zipHasNoFiles(b []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	return err == nil && len(zr.File) == 0
}

// GetLayerVersion returns a version and a link to its package.
func (s *Service) GetLayerVersion(ctx context.Context, in *lambdaapi.GetLayerVersionRequest) (*lambdaapi.GetLayerVersionResponse, error) {
	ref, err := parseLayerName(ctx, deref(in.LayerName))
	if err != nil {
		return nil, err
	}
	v := deref(in.VersionNumber)
	if err := checkLayerVersionNumber(v); err != nil {
		return nil, err
	}
	row, err := s.readLayerVersion(ctx, ref, v)
	if err != nil {
		return nil, err
	}
	return s.layerVersionOut(row), nil
}

// GetLayerVersionByArn is GetLayerVersion addressed by the version's ARN.
func (s *Service) GetLayerVersionByArn(ctx context.Context, in *lambdaapi.GetLayerVersionByArnRequest) (*lambdaapi.GetLayerVersionResponse, error) {
	arn := deref(in.Arn)
	ref, v, ok := parseLayerVersionARN(arn)
	if !ok {
		return nil, layerValidationErr("1 validation error detected: Value '" + arn + "' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+")
	}
	row, err := s.readLayerVersion(ctx, ref, v)
	if err != nil {
		return nil, err
	}
	return s.layerVersionOut(row), nil
}

// DeleteLayerVersion hides a version; deleting a missing one succeeds.
func (s *Service) DeleteLayerVersion(ctx context.Context, in *lambdaapi.DeleteLayerVersionRequest) error {
	ref, err := parseLayerName(ctx, deref(in.LayerName))
	if err != nil {
		return err
	}
	v := deref(in.VersionNumber)
	if err := checkLayerVersionNumber(v); err != nil {
		return err
	}
	if err := ownLayer(ctx, ref, "DeleteLayerVersion", ref.versionARN(v)); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE lambda_layers SET deleted = 1 WHERE account = ? AND region = ? AND name = ? AND version = ?",
			ref.account, ref.region, ref.name, v)
		return err
	})
}

// listLayerRows returns the live versions of the caller's layers (or of
// one layer), by name and then newest first.
func (s *Service) listLayerRows(ctx context.Context, account, region, name string) ([]*layerRow, error) {
	q := "SELECT name, version, config FROM lambda_layers WHERE account = ? AND region = ? AND deleted = 0"
	args := []any{account, region}
	if name != "" {
		q += " AND name = ?"
		args = append(args, name)
	}
	q += " ORDER BY name, version DESC"
	var rows []*layerRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			row := &layerRow{ref: layerRef{account: account, region: region}}
			var cfg string
			if err := rs.Scan(&row.ref.name, &row.version, &cfg); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(cfg), &row.cfg); err != nil {
				return err
			}
			rows = append(rows, row)
		}
		return rs.Err()
	})
	return rows, err
}

func layerPageSize(n *int32) int {
	if n == nil || *n <= 0 {
		return 50
	}
	return int(*n)
}

// ListLayers lists the caller's layers with their newest version that
// matches the filters, in name order. The marker is the last name returned.
func (s *Service) ListLayers(ctx context.Context, in *lambdaapi.ListLayersRequest) (*lambdaapi.ListLayersResponse, error) {
	ri := reqinfo.From(ctx)
	rows, err := s.listLayerRows(ctx, ri.Account, ri.Region, "")
	if err != nil {
		return nil, err
	}
	marker, limit := deref(in.Marker), layerPageSize(in.MaxItems)
	out := &lambdaapi.ListLayersResponse{Layers: []lambdaapi.LayersListItem{}}
	done := map[string]bool{}
	for _, row := range rows {
		name := row.ref.name
		if done[name] || (marker != "" && name <= marker) || !row.cfg.matches(in.CompatibleRuntime, in.CompatibleArchitecture) {
			continue
		}
		done[name] = true
		if len(out.Layers) == limit {
			out.NextMarker = out.Layers[limit-1].LayerName
			break
		}
		out.Layers = append(out.Layers, lambdaapi.LayersListItem{
			LayerName: ptr(name), LayerArn: ptr(row.ref.arn()), LatestMatchingVersion: layerListItem(row),
		})
	}
	return out, nil
}

// ListLayerVersions lists a layer's live versions, newest first; a layer
// without any is an empty list. The marker is the last version returned.
func (s *Service) ListLayerVersions(ctx context.Context, in *lambdaapi.ListLayerVersionsRequest) (*lambdaapi.ListLayerVersionsResponse, error) {
	ref, err := parseLayerName(ctx, deref(in.LayerName))
	if err != nil {
		return nil, err
	}
	if err := ownLayer(ctx, ref, "ListLayerVersions", ref.arn()); err != nil {
		return nil, err
	}
	rows, err := s.listLayerRows(ctx, ref.account, ref.region, ref.name)
	if err != nil {
		return nil, err
	}
	below := int64(-1)
	if m := deref(in.Marker); m != "" {
		if n, err := strconv.ParseInt(m, 10, 64); err == nil {
			below = n
		}
	}
	limit := layerPageSize(in.MaxItems)
	out := &lambdaapi.ListLayerVersionsResponse{LayerVersions: []lambdaapi.LayerVersionsListItem{}}
	for _, row := range rows {
		if (below >= 0 && row.version >= below) || !row.cfg.matches(in.CompatibleRuntime, in.CompatibleArchitecture) {
			continue
		}
		if len(out.LayerVersions) == limit {
			out.NextMarker = ptr(strconv.FormatInt(*out.LayerVersions[limit-1].Version, 10))
			break
		}
		out.LayerVersions = append(out.LayerVersions, *layerListItem(row))
	}
	return out, nil
}

// --- layer version permissions ---

// layerPolicyUpdate runs fn on a live version of one of the caller's
// layers inside a transaction.
func (s *Service) layerPolicyUpdate(ctx context.Context, name *string, version *int64, action string, fn func(tx *store.Tx, row *layerRow) error) error {
	ref, err := parseLayerName(ctx, deref(name))
	if err != nil {
		return err
	}
	v := deref(version)
	if err := ownLayer(ctx, ref, action, ref.versionARN(v)); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		row, err := loadLayerVersion(ctx, tx, ref, v)
		if err != nil {
			return err
		}
		if row == nil || row.deleted {
			return layerVersionNotFound(ref, v)
		}
		return fn(tx, row)
	})
}

func layerRevisionMismatch() error {
	return preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id")
}

// AddLayerVersionPermission shares a layer version with an account, an
// organization or everyone.
func (s *Service) AddLayerVersionPermission(ctx context.Context, in *lambdaapi.AddLayerVersionPermissionRequest) (*lambdaapi.AddLayerVersionPermissionResponse, error) {
	if a := deref(in.Action); a != layerPolicyAction {
		return nil, layerValidationErr("1 validation error detected: Value '" + a + "' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: " + layerPolicyAction)
	}
	p := deref(in.Principal)
	if !principalRE.MatchString(p) {
		return nil, layerValidationErr("1 validation error detected: Value '" + p + "' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: " + principalPattern)
	}
	var principal any = p
	switch {
	case len(p) == 12 && isVersion(p):
		principal = map[string]any{"AWS": "arn:aws:iam::" + p + ":root"}
	case p != "*":
		principal = map[string]any{"AWS": p}
	}
	sid := deref(in.StatementId)
	var out *lambdaapi.AddLayerVersionPermissionResponse
	err := s.layerPolicyUpdate(ctx, in.LayerName, in.VersionNumber, "AddLayerVersionPermission", func(tx *store.Tx, row *layerRow) error {
		if row.policy == nil {
			row.policy = &layerPolicy{Version: "2012-10-17", ID: "default"}
		}
		for _, st := range row.policy.Statement {
			if st.Sid == sid {
				return conflict("The statement id (" + sid + ") provided already exists. Please provide a new statement id, or remove the existing statement.")
			}
		}
		if in.RevisionId != nil && *in.RevisionId != row.policy.RevisionID {
			return layerRevisionMismatch()
		}
		st := layerStatement{Sid: sid, Effect: "Allow", Principal: principal, Action: layerPolicyAction, Resource: row.ref.versionARN(row.version)}
		if in.OrganizationId != nil {
			st.Condition = map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": *in.OrganizationId}}
		}
		row.policy.Statement = append(row.policy.Statement, st)
		if len(row.policy.document()) > 20480 {
			return apiErr("PolicyLengthExceededException", "The final policy size (bigger than 20480) is bigger than the limit.")
		}
		row.policy.RevisionID = uuid.NewString()
		out = &lambdaapi.AddLayerVersionPermissionResponse{Statement: ptr(mustJSON(st)), RevisionId: ptr(row.policy.RevisionID)}
		return saveLayerPolicy(ctx, tx, row)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveLayerVersionPermission removes a statement of a version's policy.
func (s *Service) RemoveLayerVersionPermission(ctx context.Context, in *lambdaapi.RemoveLayerVersionPermissionRequest) error {
	sid := deref(in.StatementId)
	return s.layerPolicyUpdate(ctx, in.LayerName, in.VersionNumber, "RemoveLayerVersionPermission", func(tx *store.Tx, row *layerRow) error {
		if row.policy == nil || len(row.policy.Statement) == 0 {
			return notFound("No policy is associated with the given resource.")
		}
		if in.RevisionId != nil && *in.RevisionId != row.policy.RevisionID {
			return layerRevisionMismatch()
		}
		for i, st := range row.policy.Statement {
			if st.Sid == sid {
				row.policy.Statement = append(row.policy.Statement[:i], row.policy.Statement[i+1:]...)
				row.policy.RevisionID = uuid.NewString()
				return saveLayerPolicy(ctx, tx, row)
			}
		}
		return notFound("Statement " + sid + " is not found in resource policy.")
	})
}

// GetLayerVersionPolicy returns a version's policy.
func (s *Service) GetLayerVersionPolicy(ctx context.Context, in *lambdaapi.GetLayerVersionPolicyRequest) (*lambdaapi.GetLayerVersionPolicyResponse, error) {
	ref, err := parseLayerName(ctx, deref(in.LayerName))
	if err != nil {
		return nil, err
	}
	v := deref(in.VersionNumber)
	if err := ownLayer(ctx, ref, "GetLayerVersionPolicy", ref.versionARN(v)); err != nil {
		return nil, err
	}
	var row *layerRow
	err = s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = loadLayerVersion(ctx, tx, ref, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if row == nil || row.deleted {
		return nil, layerVersionNotFound(ref, v)
	}
	if row.policy == nil || len(row.policy.Statement) == 0 {
		return nil, notFound("No policy is associated with the given resource.")
	}
	return &lambdaapi.GetLayerVersionPolicyResponse{Policy: ptr(row.policy.document()), RevisionId: ptr(row.policy.RevisionID)}, nil
}
