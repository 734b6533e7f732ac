package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/lambdaapi"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// --- aliases ---

func loadAlias(ctx context.Context, tx *store.Tx, ref fnRef, name string) (*lambdaapi.AliasConfiguration, error) {
	var js string
	err := tx.QueryRow(ctx, "SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?",
		ref.account, ref.region, ref.name, name).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a lambdaapi.AliasConfiguration
	return &a, json.Unmarshal([]byte(js), &a)
}

// pickVersion chooses the version an alias invocation runs, honouring the
// routing weights.
func pickVersion(a *lambdaapi.AliasConfiguration) string {
	if a.RoutingConfig != nil {
		r := rand.Float64()
		for v, w := range a.RoutingConfig.AdditionalVersionWeights {
			if r < w {
				return v
			}
			r -= w
		}
	}
	return deref(a.FunctionVersion)
}

func aliasNotFound(ref fnRef, name string) error {
	return notFound("Alias not found: " + ref.arn() + ":" + name)
}

func (s *Service) checkAliasTarget(ctx context.Context, tx *store.Tx, ref fnRef, version string, rc *lambdaapi.AliasRoutingConfiguration) error {
	check := func(v string) error {
		if v == latest {
			return nil
		}
		if !isVersion(v) {
			return invalidParam("Invalid function version " + v + ". Function version " + v + " is not a valid number or $LATEST.")
		}
		if _, err := loadVersion(ctx, tx, ref, v); err != nil {
			return notFound("Function not found: " + ref.arn() + ":" + v)
		}
		return nil
	}
	if err := check(version); err != nil {
		return err
	}
	if rc != nil {
		var sum float64
		for v, w := range rc.AdditionalVersionWeights {
			if err := check(v); err != nil {
				return err
			}
			if v == version {
				return invalidParam("Invalid function version " + v + ". Function version " + v + " is already included in the routing configuration.")
			}
			sum += w
		}
		if sum > 1 {
			return invalidParam("Sum of routing weights must be less than or equal to 1.0")
		}
	}
	return nil
}

// CreateAlias names a version.
func (s *Service) CreateAlias(ctx context.Context, in *lambdaapi.CreateAliasRequest) (*lambdaapi.AliasConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	name := deref(in.Name)
	if isVersion(name) || name == latest {
		return nil, apiErr("ValidationException", "1 validation error detected: Value '"+name+"' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
	}
	a := &lambdaapi.AliasConfiguration{
		AliasArn: ptr(ref.arn() + ":" + name), Name: ptr(name), FunctionVersion: in.FunctionVersion,
		Description: ptr(deref(in.Description)), RoutingConfig: in.RoutingConfig, RevisionId: ptr(uuid.NewString()),
	}
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if old, err := loadAlias(ctx, tx, ref, name); err != nil {
			return err
		} else if old != nil {
			return conflict("Alias already exists: " + deref(a.AliasArn))
		}
		if err := s.checkAliasTarget(ctx, tx, ref, deref(in.FunctionVersion), in.RoutingConfig); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO lambda_aliases (account, region, name, alias, config) VALUES (?, ?, ?, ?, ?)",
			ref.account, ref.region, ref.name, name, mustJSON(a))
		return err
	})
	return a, err
}

// GetAlias returns an alias.
func (s *Service) GetAlias(ctx context.Context, in *lambdaapi.GetAliasRequest) (*lambdaapi.AliasConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	var a *lambdaapi.AliasConfiguration
	err = s.st.View(ctx, func(tx *store.Tx) error {
		if _, ok, err := loadFn(ctx, tx, ref); err != nil || !ok {
			if err == nil {
				err = fnNotFound(ref)
			}
			return err
		}
		a, err = loadAlias(ctx, tx, ref, deref(in.Name))
		if err == nil && a == nil {
			err = aliasNotFound(ref, deref(in.Name))
		}
		return err
	})
	return a, err
}

// UpdateAlias changes an alias's version, description or routing.
func (s *Service) UpdateAlias(ctx context.Context, in *lambdaapi.UpdateAliasRequest) (*lambdaapi.AliasConfiguration, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	name := deref(in.Name)
	var a *lambdaapi.AliasConfiguration
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		var err error
		if a, err = loadAlias(ctx, tx, ref, name); err != nil {
			return err
		} else if a == nil {
			return aliasNotFound(ref, name)
		}
		if err := checkRevision(in.RevisionId, a.RevisionId); err != nil {
			return err
		}
		if in.FunctionVersion != nil {
			a.FunctionVersion = in.FunctionVersion
		}
		if in.Description != nil {
			a.Description = in.Description
		}
		if in.RoutingConfig != nil {
			a.RoutingConfig = in.RoutingConfig
			if len(in.RoutingConfig.AdditionalVersionWeights) == 0 {
				a.RoutingConfig = nil
			}
		}
		if err := s.checkAliasTarget(ctx, tx, ref, deref(a.FunctionVersion), a.RoutingConfig); err != nil {
			return err
		}
		a.RevisionId = ptr(uuid.NewString())
		_, err = tx.Exec(ctx, "UPDATE lambda_aliases SET config = ? WHERE account = ? AND region = ? AND name = ? AND alias = ?",
			mustJSON(a), ref.account, ref.region, ref.name, name)
		return err
	})
	return a, err
}

// DeleteAlias deletes an alias (deleting a missing one succeeds, as on AWS).
func (s *Service) DeleteAlias(ctx context.Context, in *lambdaapi.DeleteAliasRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		_, err := tx.Exec(ctx, "DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?",
			ref.account, ref.region, ref.name, deref(in.Name))
		return err
	})
}

// ListAliases lists a function's aliases in name order.
func (s *Service) ListAliases(ctx context.Context, in *lambdaapi.ListAliasesRequest) (*lambdaapi.ListAliasesResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	if _, err := s.view(ctx, ref); err != nil {
		return nil, err
	}
	var all []lambdaapi.AliasConfiguration
	err = s.st.View(ctx, func(tx *store.Tx) error {
		all, err = queryJSON[lambdaapi.AliasConfiguration](ctx, tx, "SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? ORDER BY alias",
			ref.account, ref.region, ref.name)
		return err
	})
	if err != nil {
		return nil, err
	}
	var items []lambdaapi.AliasConfiguration
	for _, a := range all {
		if in.FunctionVersion == nil || deref(a.FunctionVersion) == *in.FunctionVersion {
			items = append(items, a)
		}
	}
	out := &lambdaapi.ListAliasesResponse{Aliases: []lambdaapi.AliasConfiguration{}}
	start, end, next := page(len(items), in.Marker, in.MaxItems)
	out.Aliases = append(out.Aliases, items[start:end]...)
	out.NextMarker = next
	return out, nil
}

// page turns an index marker and a page size into bounds.
func page(n int, marker *string, maxItems *int32) (start, end int, next *string) {
	for _, c := range deref(marker) {
		if c < '0' || c > '9' {
			start = 0
			break
		}
		start = start*10 + int(c-'0')
	}
	if start > n {
		start = n
	}
	max := 50
	if maxItems != nil && *maxItems > 0 {
		max = int(*maxItems)
	}
	end = min(n, start+max)
	if end < n {
		next = ptr(strconv.Itoa(end))
	}
	return start, end, next
}

// --- tags ---

// tagRef resolves a function ARN given to the tagging operations.
func tagRef(ctx context.Context, resource string) (fnRef, error) {
	ref, err := parseRef(ctx, resource, nil)
	if err != nil {
		return ref, err
	}
	if ref.qualifier != "" {
		return ref, invalidParam("Tags on function aliases and versions are not supported. Please specify a function ARN.")
	}
	return ref, nil
}

// TagResource adds tags to a function.
func (s *Service) TagResource(ctx context.Context, in *lambdaapi.TagResourceRequest) error {
	if _, ok := esmUUIDOf(deref(in.Resource)); ok {
		return s.tagESM(ctx, deref(in.Resource), in.Tags, nil)
	}
	ref, err := tagRef(ctx, deref(in.Resource))
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		for k, v := range in.Tags {
			row.tags[k] = v
		}
		if len(row.tags) > 50 {
			return invalidParam("Number of tags exceeds resource tag limit.")
		}
		return saveFn(ctx, tx, row, false)
	})
}

// UntagResource removes tags from a function.
func (s *Service) UntagResource(ctx context.Context, in *lambdaapi.UntagResourceRequest) error {
	if _, ok := esmUUIDOf(deref(in.Resource)); ok {
		return s.tagESM(ctx, deref(in.Resource), nil, in.TagKeys)
	}
	ref, err := tagRef(ctx, deref(in.Resource))
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		for _, k := range in.TagKeys {
			delete(row.tags, k)
		}
		return saveFn(ctx, tx, row, false)
	})
}

// ListTags returns a function's tags.
func (s *Service) ListTags(ctx context.Context, in *lambdaapi.ListTagsRequest) (*lambdaapi.ListTagsResponse, error) {
	if _, ok := esmUUIDOf(deref(in.Resource)); ok {
		tags, err := s.esmTags(ctx, deref(in.Resource))
		if err != nil {
			return nil, err
		}
		return &lambdaapi.ListTagsResponse{Tags: tags}, nil
	}
	ref, err := tagRef(ctx, deref(in.Resource))
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	return &lambdaapi.ListTagsResponse{Tags: row.tags}, nil
}

// --- resource policies ---

type policyDoc struct {
	Version    string           `json:"Version"`
	ID         string           `json:"Id"`
	Statement  []map[string]any `json:"Statement"`
	RevisionID string           `json:"-"`
}

// AddPermission adds a statement to the function's resource policy.
func (s *Service) AddPermission(ctx context.Context, in *lambdaapi.AddPermissionRequest) (*lambdaapi.AddPermissionResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	resource := ref.qualifiedARN()
	stmt := map[string]any{
		"Sid":      deref(in.StatementId),
		"Effect":   "Allow",
		"Action":   deref(in.Action),
		"Resource": resource,
	}
	p := deref(in.Principal)
	switch {
	case strings.HasSuffix(p, ".amazonaws.com"):
		stmt["Principal"] = map[string]any{"Service": p}
	case p == "*":
		stmt["Principal"] = "*"
	default:
		if len(p) == 12 && isVersion(p) {
			p = "arn:aws:iam::" + p + ":root"
		}
		stmt["Principal"] = map[string]any{"AWS": p}
	}
	cond := map[string]any{}
	if in.SourceArn != nil {
		cond["ArnLike"] = map[string]any{"AWS:SourceArn": *in.SourceArn}
	}
	if in.SourceAccount != nil {
		cond["StringEquals"] = map[string]any{"AWS:SourceAccount": *in.SourceAccount}
	}
	if in.PrincipalOrgID != nil {
		cond["StringEquals"] = map[string]any{"aws:PrincipalOrgID": *in.PrincipalOrgID}
	}
	if in.FunctionUrlAuthType != nil {
		cond["StringEquals"] = map[string]any{"lambda:FunctionUrlAuthType": *in.FunctionUrlAuthType}
	}
	if in.EventSourceToken != nil {
		cond["StringEquals"] = map[string]any{"lambda:EventSourceToken": *in.EventSourceToken}
	}
	if len(cond) > 0 {
		stmt["Condition"] = cond
	}
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := s.checkQualifier(ctx, tx, ref); err != nil {
			return err
		}
		doc := row.policy[ref.qualifier]
		if doc == nil {
			doc = &policyDoc{Version: "2012-10-17", ID: "default"}
			row.policy[ref.qualifier] = doc
		}
		for _, st := range doc.Statement {
			if st["Sid"] == deref(in.StatementId) {
				return conflict("The statement id (" + deref(in.StatementId) + ") provided already exists. Please provide a new statement id, or remove the existing statement.")
			}
		}
		if in.RevisionId != nil && *in.RevisionId != deref(row.cfg.RevisionId) {
			return preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		doc.Statement = append(doc.Statement, stmt)
		if len(mustJSON(doc)) > 20480 {
			return apiErr("PolicyLengthExceededException", "The final policy size (bigger than 20480) is bigger than the limit.")
		}
		row.cfg.RevisionId = ptr(uuid.NewString())
		return saveFn(ctx, tx, row, false)
	})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.AddPermissionResponse{Statement: ptr(mustJSON(stmt))}, nil
}

// checkQualifier verifies that a version or alias qualifier exists.
func (s *Service) checkQualifier(ctx context.Context, tx *store.Tx, ref fnRef) error {
	if ref.qualifier == "" {
		return nil
	}
	_, err := resolveQualifier(ctx, tx, ref)
	return err
}

// RemovePermission removes a statement.
func (s *Service) RemovePermission(ctx context.Context, in *lambdaapi.RemovePermissionRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		doc := row.policy[ref.qualifier]
		if doc == nil {
			return notFound("No policy is associated with the given resource.")
		}
		if in.RevisionId != nil && *in.RevisionId != deref(row.cfg.RevisionId) {
			return preconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		for i, st := range doc.Statement {
			if st["Sid"] == deref(in.StatementId) {
				doc.Statement = append(doc.Statement[:i], doc.Statement[i+1:]...)
				if len(doc.Statement) == 0 {
					delete(row.policy, ref.qualifier)
				}
				row.cfg.RevisionId = ptr(uuid.NewString())
				return saveFn(ctx, tx, row, false)
			}
		}
		return notFound("Statement " + deref(in.StatementId) + " is not found in resource policy.")
	})
}

// GetPolicy returns the resource policy of a function, version or alias.
func (s *Service) GetPolicy(ctx context.Context, in *lambdaapi.GetPolicyRequest) (*lambdaapi.GetPolicyResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	doc := row.policy[ref.qualifier]
	if doc == nil || len(doc.Statement) == 0 {
		return nil, notFound("The resource you requested does not exist.")
	}
	return &lambdaapi.GetPolicyResponse{Policy: ptr(mustJSON(doc)), RevisionId: row.cfg.RevisionId}, nil
}

// --- concurrency and account ---

// PutFunctionConcurrency reserves concurrency for a function.
func (s *Service) PutFunctionConcurrency(ctx context.Context, in *lambdaapi.PutFunctionConcurrencyRequest) (*lambdaapi.Concurrency, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	want := deref(in.ReservedConcurrentExecutions)
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		var others int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(SUM(reserved), 0) FROM lambda_functions WHERE account = ? AND region = ? AND name <> ?",
			ref.account, ref.region, ref.name).Scan(&others); err != nil {
			return err
		}
		if int64(s.limit)-others-int64(want) < 100 {
			return invalidParam("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].")
		}
		row.reserved = &want
		return saveFn(ctx, tx, row, false)
	})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.Concurrency{ReservedConcurrentExecutions: &want}, nil
}

// GetFunctionConcurrency returns the reserved concurrency.
func (s *Service) GetFunctionConcurrency(ctx context.Context, in *lambdaapi.GetFunctionConcurrencyRequest) (*lambdaapi.GetFunctionConcurrencyResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	return &lambdaapi.GetFunctionConcurrencyResponse{ReservedConcurrentExecutions: row.reserved}, nil
}

// DeleteFunctionConcurrency removes the reservation.
func (s *Service) DeleteFunctionConcurrency(ctx context.Context, in *lambdaapi.DeleteFunctionConcurrencyRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		row.reserved = nil
		return saveFn(ctx, tx, row, false)
	})
}

// GetAccountSettings reports limits and usage.
func (s *Service) GetAccountSettings(ctx context.Context, in *lambdaapi.GetAccountSettingsRequest) (*lambdaapi.GetAccountSettingsResponse, error) {
	ri := reqinfo.From(ctx)
	var count, reserved, size int64
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(reserved), 0) FROM lambda_functions WHERE account = ? AND region = ?",
			ri.Account, ri.Region).Scan(&count, &reserved); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT COALESCE(SUM(size), 0) FROM lambda_code").Scan(&size)
	})
	if err != nil {
		return nil, err
	}
	return &lambdaapi.GetAccountSettingsResponse{
		AccountLimit: &lambdaapi.AccountLimit{
			CodeSizeUnzipped:               ptr(int64(maxUnzipped)),
			CodeSizeZipped:                 ptr(int64(maxZipped)),
			ConcurrentExecutions:           ptr(int32(s.limit)),
			TotalCodeSize:                  ptr(int64(80530636800)),
			UnreservedConcurrentExecutions: ptr(int32(int64(s.limit) - reserved)),
		},
		AccountUsage: &lambdaapi.AccountUsage{FunctionCount: &count, TotalCodeSize: &size},
	}, nil
}

// --- asynchronous invocation configuration ---

func (s *Service) putInvokeConfig(ctx context.Context, fn, qual *string, merge bool, dc *lambdaapi.DestinationConfig, age, retries *int32) (*lambdaapi.FunctionEventInvokeConfig, error) {
	ref, err := parseRef(ctx, deref(fn), qual)
	if err != nil {
		return nil, err
	}
	if dc != nil {
		for _, d := range []*string{destOf(dc.OnSuccess), destOf(dc.OnFailure)} {
			if d != nil && !validDestination(*d) {
				return nil, invalidParam("The destination ARN " + *d + " is invalid.")
			}
		}
	}
	var out *lambdaapi.FunctionEventInvokeConfig
	err = s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		if err := s.checkQualifier(ctx, tx, ref); err != nil {
			return err
		}
		q := ref.qualifier
		if q == "" {
			q = latest
		}
		c := row.invokeCfg[q]
		if c == nil || !merge {
			if merge && c == nil {
				return notFound("The function " + ref.qualifiedARN() + " doesn't have an EventInvokeConfig")
			}
			c = &lambdaapi.FunctionEventInvokeConfig{}
		}
		if dc != nil {
			c.DestinationConfig = dc
		}
		if age != nil {
			c.MaximumEventAgeInSeconds = age
		}
		if retries != nil {
			c.MaximumRetryAttempts = retries
		}
		c.FunctionArn = ptr(ref.arn() + ":" + q)
		c.LastModified = &model.Timestamp{Time: s.now()}
		if c.DestinationConfig == nil {
			c.DestinationConfig = &lambdaapi.DestinationConfig{}
		}
		row.invokeCfg[q] = c
		out = c
		return saveFn(ctx, tx, row, false)
	})
	return out, err
}

func destOf[T lambdaapi.OnSuccess | lambdaapi.OnFailure](d *T) *string {
	if d == nil {
		return nil
	}
	switch v := any(d).(type) {
	case *lambdaapi.OnSuccess:
		return v.Destination
	case *lambdaapi.OnFailure:
		return v.Destination
	}
	return nil
}

func validDestination(arn string) bool {
	for _, p := range []string{":sqs:", ":sns:", ":lambda:", ":events:", ":s3:"} {
		if strings.HasPrefix(arn, "arn:") && strings.Contains(arn, p) {
			return true
		}
	}
	return false
}

// PutFunctionEventInvokeConfig replaces the asynchronous invocation settings.
func (s *Service) PutFunctionEventInvokeConfig(ctx context.Context, in *lambdaapi.PutFunctionEventInvokeConfigRequest) (*lambdaapi.FunctionEventInvokeConfig, error) {
	return s.putInvokeConfig(ctx, in.FunctionName, in.Qualifier, false, in.DestinationConfig, in.MaximumEventAgeInSeconds, in.MaximumRetryAttempts)
}

// UpdateFunctionEventInvokeConfig changes some asynchronous invocation settings.
func (s *Service) UpdateFunctionEventInvokeConfig(ctx context.Context, in *lambdaapi.UpdateFunctionEventInvokeConfigRequest) (*lambdaapi.FunctionEventInvokeConfig, error) {
	return s.putInvokeConfig(ctx, in.FunctionName, in.Qualifier, true, in.DestinationConfig, in.MaximumEventAgeInSeconds, in.MaximumRetryAttempts)
}

// GetFunctionEventInvokeConfig returns the asynchronous invocation settings.
func (s *Service) GetFunctionEventInvokeConfig(ctx context.Context, in *lambdaapi.GetFunctionEventInvokeConfigRequest) (*lambdaapi.FunctionEventInvokeConfig, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	q := ref.qualifier
	if q == "" {
		q = latest
	}
	c := row.invokeCfg[q]
	if c == nil {
		return nil, notFound("The function " + ref.arn() + ":" + q + " doesn't have an EventInvokeConfig")
	}
	return c, nil
}

// DeleteFunctionEventInvokeConfig removes the asynchronous invocation settings.
func (s *Service) DeleteFunctionEventInvokeConfig(ctx context.Context, in *lambdaapi.DeleteFunctionEventInvokeConfigRequest) error {
	ref, err := parseRef(ctx, deref(in.FunctionName), in.Qualifier)
	if err != nil {
		return err
	}
	return s.update(ctx, ref, func(tx *store.Tx, row *fnRow) error {
		q := ref.qualifier
		if q == "" {
			q = latest
		}
		if row.invokeCfg[q] == nil {
			return notFound("The function " + ref.arn() + ":" + q + " doesn't have an EventInvokeConfig")
		}
		delete(row.invokeCfg, q)
		return saveFn(ctx, tx, row, false)
	})
}

// ListFunctionEventInvokeConfigs lists the settings of every qualifier.
func (s *Service) ListFunctionEventInvokeConfigs(ctx context.Context, in *lambdaapi.ListFunctionEventInvokeConfigsRequest) (*lambdaapi.ListFunctionEventInvokeConfigsResponse, error) {
	ref, err := parseRef(ctx, deref(in.FunctionName), nil)
	if err != nil {
		return nil, err
	}
	row, err := s.view(ctx, ref)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(row.invokeCfg))
	for k := range row.invokeCfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &lambdaapi.ListFunctionEventInvokeConfigsResponse{FunctionEventInvokeConfigs: []lambdaapi.FunctionEventInvokeConfig{}}
	start, end, next := page(len(keys), in.Marker, in.MaxItems)
	for _, k := range keys[start:end] {
		out.FunctionEventInvokeConfigs = append(out.FunctionEventInvokeConfigs, *row.invokeCfg[k])
	}
	out.NextMarker = next
	return out, nil
}
