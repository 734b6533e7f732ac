package s3

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/store"
)

// Kinds of the bucket configuration documents of this file, cors.go,
// website.go and lifecycle.go (rows of s3_bucket_config).
const (
	cfgKindTagging        = "tagging"
	cfgKindPolicy         = "policy"
	cfgKindEncryption     = "encryption"
	cfgKindPublicAccess   = "publicAccessBlock"
	cfgKindOwnership      = "ownershipControls"
	cfgKindACL            = "acl"
	cfgKindAccelerate     = "accelerate"
	cfgKindRequestPayment = "requestPayment"
	cfgKindLogging        = "logging"
	cfgKindCORS           = "cors"
	cfgKindWebsite        = "website"
	cfgKindLifecycle      = "lifecycle"
)

const cfgMalformedMsg = "The XML you provided was not well-formed or did not validate against our published schema"

func cfgMalformed() error { return s3Err("MalformedXML", cfgMalformedMsg, http.StatusBadRequest) }

func cfgInvalidArg(msg, name, value string) error {
	return s3Err("InvalidArgument", msg, http.StatusBadRequest, "ArgumentName", name, "ArgumentValue", value)
}

func cfgInvalidRequest(msg string) error { return s3Err("InvalidRequest", msg, http.StatusBadRequest) }

// cfgNotFound is the 404 of a Get of a configuration the bucket lacks.
func cfgNotFound(code, msg, bucket string) error {
	return s3Err(code, msg, http.StatusNotFound, "BucketName", bucket)
}

// ---------------------------------------------------------------------
// Per-service state kept outside Service: a short-lived cache of the
// configuration documents read on hot paths (CORS headers on every
// response with an Origin, the x-amz-expiration header) and the lifecycle
// sweeper.

type cfgCacheEntry struct {
	at    time.Time // wall time of the load
	v     any
	found bool
}

type svcExtras struct {
	mu    sync.RWMutex
	cache map[string]cfgCacheEntry // kind + "\x00" + bucket

	lc *lcRunner
}

func newExtras() *svcExtras {
	return &svcExtras{cache: map[string]cfgCacheEntry{}}
}

func (s *Service) extras() *svcExtras { return s.x }

// cfgCacheTTL bounds how long a cached document may be stale: changes made
// through this process invalidate at once; those of other nodes (or a
// bucket deleted and created again) are seen after at most this long.
const cfgCacheTTL = time.Second

// cachedConfig returns the bucket's document of kind decoded by load (which
// reports whether there is one), from the cache when fresh.
func (s *Service) cachedConfig(ctx context.Context, bucket, kind string, load func() (any, bool, error)) (any, bool, error) {
	x := s.extras()
	k := kind + "\x00" + bucket
	now := time.Now()
	x.mu.RLock()
	e, ok := x.cache[k]
	x.mu.RUnlock()
	if ok && now.Sub(e.at) < cfgCacheTTL {
		return e.v, e.found, nil
	}
	v, found, err := load()
	if err != nil {
		return nil, false, err
	}
	x.mu.Lock()
	if len(x.cache) > 10000 {
		clear(x.cache)
	}
	x.cache[k] = cfgCacheEntry{at: now, v: v, found: found}
	x.mu.Unlock()
	return v, found, nil
}

func (s *Service) invalidateConfig(bucket, kind string) {
	x := s.extras()
	x.mu.Lock()
	delete(x.cache, kind+"\x00"+bucket)
	x.mu.Unlock()
}

// ---------------------------------------------------------------------
// Tagging

// PutBucketTagging replaces the bucket's tags (an empty set removes them).
func (s *Service) PutBucketTagging(ctx context.Context, in *s3api.PutBucketTaggingRequest) error {
	if in.Tagging == nil {
		return cfgMalformed()
	}
	tags := tagsFromAPI(in.Tagging.TagSet)
	if len(tags) > 50 {
		return s3Err("BadRequest", "Bucket tag count cannot be greater than 50", http.StatusBadRequest)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || utf8.RuneCountInString(t.Key) > 128 {
			return s3Err("InvalidTag", "The TagKey you have provided is invalid", http.StatusBadRequest, "TagKey", t.Key)
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return s3Err("InvalidTag", "The TagValue you have provided is invalid", http.StatusBadRequest, "TagKey", t.Key, "TagValue", t.Value)
		}
		if seen[t.Key] {
			return s3Err("InvalidTag", "Cannot provide multiple Tags with the same key", http.StatusBadRequest, "TagKey", t.Key)
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return s3Err("InvalidTag", "System tags cannot be added/updated by requester", http.StatusBadRequest)
		}
		seen[t.Key] = true
	}
	if len(tags) == 0 {
		return s.deleteConfig(ctx, deref(in.Bucket), cfgKindTagging)
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindTagging, tags)
}

// GetBucketTagging returns the bucket's tags.
func (s *Service) GetBucketTagging(ctx context.Context, in *s3api.GetBucketTaggingRequest) (*s3api.GetBucketTaggingOutput, error) {
	var tags []tag
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindTagging, &tags)
	if err != nil {
		return nil, err
	}
	if !found || len(tags) == 0 {
		return nil, cfgNotFound("NoSuchTagSet", "The TagSet does not exist", deref(in.Bucket))
	}
	return &s3api.GetBucketTaggingOutput{TagSet: tagsToAPI(tags)}, nil
}

// DeleteBucketTagging removes the bucket's tags.
func (s *Service) DeleteBucketTagging(ctx context.Context, in *s3api.DeleteBucketTaggingRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindTagging)
}

// ---------------------------------------------------------------------
// Policy

func malformedPolicy(msg string) error {
	return s3Err("MalformedPolicy", msg, http.StatusBadRequest)
}

// PutBucketPolicy stores the bucket policy after checking its grammar.
func (s *Service) PutBucketPolicy(ctx context.Context, in *s3api.PutBucketPolicyRequest) error {
	bucket := deref(in.Bucket)
	doc := deref(in.Policy)
	public, err := checkPolicy(bucket, doc)
	if err != nil {
		return err
	}
	if _, err := s.bucketOf(ctx, bucket); err != nil {
		return err
	}
	if public {
		pab, err := s.publicAccessBlock(ctx, bucket)
		if err != nil {
			return err
		}
		if pab != nil && deref(pab.BlockPublicPolicy) {
			return s3Err("AccessDenied", "Access Denied", http.StatusForbidden)
		}
	}
	return s.putConfig(ctx, bucket, cfgKindPolicy, doc)
}

// GetBucketPolicy returns the policy document as it was stored.
func (s *Service) GetBucketPolicy(ctx context.Context, in *s3api.GetBucketPolicyRequest) (*s3api.GetBucketPolicyOutput, error) {
	var doc string
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindPolicy, &doc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cfgNotFound("NoSuchBucketPolicy", "The bucket policy does not exist", deref(in.Bucket))
	}
	return &s3api.GetBucketPolicyOutput{Policy: ptr(doc)}, nil
}

// DeleteBucketPolicy removes the policy.
func (s *Service) DeleteBucketPolicy(ctx context.Context, in *s3api.DeleteBucketPolicyRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindPolicy)
}

// GetBucketPolicyStatus tells whether the policy makes the bucket public.
func (s *Service) GetBucketPolicyStatus(ctx context.Context, in *s3api.GetBucketPolicyStatusRequest) (*s3api.GetBucketPolicyStatusOutput, error) {
	var doc string
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindPolicy, &doc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cfgNotFound("NoSuchBucketPolicy", "The bucket policy does not exist", deref(in.Bucket))
	}
	public, _ := checkPolicy(deref(in.Bucket), doc)
	return &s3api.GetBucketPolicyStatusOutput{PolicyStatus: &s3api.PolicyStatus{IsPublic: ptr(public)}}, nil
}

// checkPolicy applies the grammar S3 checks on a bucket policy and tells
// whether it grants access to everyone (an Allow for the principal "*"
// without a condition that narrows it to known callers).
func checkPolicy(bucket, doc string) (public bool, err error) {
	invalidJSON := malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	trimmed := strings.TrimLeft(doc, " \t\r\n")
	if !strings.HasPrefix(trimmed, "{") {
		return false, invalidJSON
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(trimmed), &p); err != nil {
		return false, invalidJSON
	}
	if v, ok := p["Version"]; ok {
		if vs, _ := v.(string); vs != "2012-10-17" && vs != "2008-10-17" {
			return false, malformedPolicy("The policy must contain a valid version string")
		}
	}
	st, ok := p["Statement"]
	if !ok {
		return false, malformedPolicy("Missing required field Statement")
	}
	var stmts []any
	switch v := st.(type) {
	case []any:
		stmts = v
	case map[string]any:
		stmts = []any{v}
	default:
		return false, malformedPolicy("Missing required field Statement")
	}
	if len(stmts) == 0 {
		return false, malformedPolicy("Could not parse the policy: Statement is empty!")
	}
	for _, sv := range stmts {
		stmt, ok := sv.(map[string]any)
		if !ok {
			return false, invalidJSON
		}
		effect, ok := stmt["Effect"]
		if !ok {
			return false, malformedPolicy("Missing required field Effect")
		}
		if e, _ := effect.(string); e != "Allow" && e != "Deny" {
			return false, malformedPolicy("Invalid effect: " + policyString(effect))
		}
		principal, hasP := stmt["Principal"]
		notPrincipal, hasNP := stmt["NotPrincipal"]
		if !hasP && !hasNP {
			return false, malformedPolicy("Missing required field Principal")
		}
		if hasP && !validPrincipal(principal) || hasNP && !validPrincipal(notPrincipal) {
			return false, malformedPolicy("Invalid principal in policy")
		}
		action, hasA := stmt["Action"]
		if !hasA {
			action, hasA = stmt["NotAction"]
		}
		if !hasA {
			return false, malformedPolicy("Missing required field Action")
		}
		for _, a := range policyStrings(action) {
			la := strings.ToLower(a)
			if a != "*" && !strings.HasPrefix(la, "s3:") && !strings.HasPrefix(la, "s3-object-lambda:") {
				return false, malformedPolicy("Policy has invalid action")
			}
		}
		if len(policyStrings(action)) == 0 {
			return false, malformedPolicy("Policy has invalid action")
		}
		resource, hasR := stmt["Resource"]
		if !hasR {
			resource, hasR = stmt["NotResource"]
		}
		if !hasR {
			return false, malformedPolicy("Missing required field Resource")
		}
		rs := policyStrings(resource)
		if len(rs) == 0 {
			return false, malformedPolicy("Policy has invalid resource")
		}
		for _, r := range rs {
			if !policyResourceOK(bucket, r) {
				return false, malformedPolicy("Policy has invalid resource")
			}
		}
		if effect == "Allow" && hasP && principalIsEveryone(principal) && !narrowingCondition(stmt["Condition"]) {
			public = true
		}
	}
	return public, nil
}

func policyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// policyStrings returns a string or a list of strings (nil otherwise).
func policyStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	return nil
}

func validPrincipal(v any) bool {
	switch x := v.(type) {
	case string:
		return x == "*"
	case map[string]any:
		if len(x) == 0 {
			return false
		}
		for k, pv := range x {
			switch k {
			case "AWS", "Service", "CanonicalUser", "Federated":
			default:
				return false
			}
			ps := policyStrings(pv)
			if len(ps) == 0 {
				return false
			}
			for _, p := range ps {
				if p == "" {
					return false
				}
				if k == "AWS" && p != "*" && !strings.HasPrefix(p, "arn:") && !isAccountID(p) {
					return false
				}
			}
		}
		return true
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func principalIsEveryone(v any) bool {
	switch x := v.(type) {
	case string:
		return x == "*"
	case map[string]any:
		for _, p := range policyStrings(x["AWS"]) {
			if p == "*" {
				return true
			}
		}
	}
	return false
}

// narrowingCondition reports whether a statement's condition limits it to
// known callers (source addresses, accounts, organizations, ...), which
// keeps the policy from being public.
func narrowingCondition(c any) bool {
	m, ok := c.(map[string]any)
	if !ok {
		return false
	}
	narrowing := map[string]bool{
		"aws:sourceip": true, "aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourcevpc": true,
		"aws:sourcevpce": true, "aws:principalorgid": true, "aws:principalaccount": true, "aws:principalarn": true,
		"aws:userid": true, "aws:sourceowner": true, "aws:sourceorgid": true, "aws:principalorgpaths": true,
		"aws:principalservicename": true, "s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
	}
	for _, ops := range m {
		keys, ok := ops.(map[string]any)
		if !ok {
			continue
		}
		for k := range keys {
			if narrowing[strings.ToLower(k)] {
				return true
			}
		}
	}
	return false
}

// policyResourceOK accepts the bucket's ARN, its objects' ARNs and
// patterns that can match them.
func policyResourceOK(bucket, r string) bool {
	if r == "*" {
		return true
	}
	rest, ok := strings.CutPrefix(r, "arn:")
	if !ok {
		return false
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 || parts[1] != "s3" && parts[1] != "*" {
		return false
	}
	res := parts[4]
	name, _, _ := strings.Cut(res, "/")
	return wildcardMatch(name, bucket) || strings.ContainsAny(name, "*?")
}

// wildcardMatch matches s against a pattern of * and ? wildcards.
func wildcardMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcardMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
			pattern, s = pattern[1:], s[1:]
		}
	}
	return s == ""
}

// ---------------------------------------------------------------------
// Default encryption

func defaultEncryption() *s3api.ServerSideEncryptionConfiguration {
	return &s3api.ServerSideEncryptionConfiguration{Rules: []s3api.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3api.ServerSideEncryptionByDefault{SSEAlgorithm: ptr("AES256")},
		BucketKeyEnabled:                   ptr(false),
	}}}
}

// PutBucketEncryption sets the bucket's default encryption.
func (s *Service) PutBucketEncryption(ctx context.Context, in *s3api.PutBucketEncryptionRequest) error {
	c := in.ServerSideEncryptionConfiguration
	if c == nil || len(c.Rules) == 0 || len(c.Rules) > 1 {
		return cfgMalformed()
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil {
			return cfgMalformed()
		}
		switch deref(d.SSEAlgorithm) {
		case "AES256":
			if d.KMSMasterKeyID != nil {
				return cfgInvalidArg("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
					"ApplyServerSideEncryptionByDefault", "")
			}
		case "aws:kms", "aws:kms:dsse":
		default:
			return cfgMalformed()
		}
		if r.BucketKeyEnabled == nil {
			r.BucketKeyEnabled = ptr(false)
		}
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindEncryption, c)
}

// GetBucketEncryption returns the default encryption: SSE-S3 unless set.
func (s *Service) GetBucketEncryption(ctx context.Context, in *s3api.GetBucketEncryptionRequest) (*s3api.GetBucketEncryptionOutput, error) {
	var c s3api.ServerSideEncryptionConfiguration
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindEncryption, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return &s3api.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: defaultEncryption()}, nil
	}
	return &s3api.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &c}, nil
}

// DeleteBucketEncryption returns the bucket to SSE-S3.
func (s *Service) DeleteBucketEncryption(ctx context.Context, in *s3api.DeleteBucketEncryptionRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindEncryption)
}

// ---------------------------------------------------------------------
// Block Public Access and Object Ownership. New buckets have all four
// Block Public Access settings on and ObjectOwnership BucketOwnerEnforced
// (ACLs disabled), as on AWS since April 2023. Deleting either stores a
// JSON null, so that a later Get answers "not found" as AWS does.

// publicAccessBlock returns the bucket's settings (nil when deleted).
func (s *Service) publicAccessBlock(ctx context.Context, bucket string) (*s3api.PublicAccessBlockConfiguration, error) {
	var c *s3api.PublicAccessBlockConfiguration
	found, err := s.getConfig(ctx, bucket, cfgKindPublicAccess, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		t := true
		return &s3api.PublicAccessBlockConfiguration{BlockPublicAcls: &t, BlockPublicPolicy: &t, IgnorePublicAcls: &t, RestrictPublicBuckets: &t}, nil
	}
	return c, nil
}

// PutPublicAccessBlock sets the bucket's Block Public Access settings.
func (s *Service) PutPublicAccessBlock(ctx context.Context, in *s3api.PutPublicAccessBlockRequest) error {
	c := in.PublicAccessBlockConfiguration
	if c == nil {
		return cfgMalformed()
	}
	f := false
	for _, p := range []**bool{&c.BlockPublicAcls, &c.BlockPublicPolicy, &c.IgnorePublicAcls, &c.RestrictPublicBuckets} {
		if *p == nil {
			*p = &f
		}
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindPublicAccess, c)
}

// GetPublicAccessBlock returns the bucket's Block Public Access settings.
func (s *Service) GetPublicAccessBlock(ctx context.Context, in *s3api.GetPublicAccessBlockRequest) (*s3api.GetPublicAccessBlockOutput, error) {
	c, err := s.publicAccessBlock(ctx, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, cfgNotFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", deref(in.Bucket))
	}
	return &s3api.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: c}, nil
}

// DeletePublicAccessBlock removes the bucket's Block Public Access settings.
func (s *Service) DeletePublicAccessBlock(ctx context.Context, in *s3api.DeletePublicAccessBlockRequest) error {
	return s.putConfig(ctx, deref(in.Bucket), cfgKindPublicAccess, nil)
}

var objectOwnerships = map[string]bool{"BucketOwnerPreferred": true, "ObjectWriter": true, "BucketOwnerEnforced": true}

// objectOwnership returns the bucket's ObjectOwnership ("" when deleted).
func (s *Service) objectOwnership(ctx context.Context, tx *store.Tx, bucket string) (string, error) {
	var c *s3api.OwnershipControls
	found, err := getConfigTx(ctx, tx, bucket, cfgKindOwnership, &c)
	if err != nil {
		return "", err
	}
	if !found {
		return "BucketOwnerEnforced", nil
	}
	if c == nil || len(c.Rules) == 0 {
		return "", nil
	}
	return deref(c.Rules[0].ObjectOwnership), nil
}

// PutBucketOwnershipControls sets the bucket's ObjectOwnership.
func (s *Service) PutBucketOwnershipControls(ctx context.Context, in *s3api.PutBucketOwnershipControlsRequest) error {
	c := in.OwnershipControls
	if c == nil || len(c.Rules) != 1 || !objectOwnerships[deref(c.Rules[0].ObjectOwnership)] {
		return cfgMalformed()
	}
	bucket := deref(in.Bucket)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		if deref(c.Rules[0].ObjectOwnership) == "BucketOwnerEnforced" {
			var acl *storedACL
			if _, err := getConfigTx(ctx, tx, bucket, cfgKindACL, &acl); err != nil {
				return err
			}
			if acl != nil && !acl.ownerOnly(canonicalID(b.account)) {
				return s3Err("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", http.StatusBadRequest)
			}
		}
		return s.putConfigTx(ctx, tx, bucket, cfgKindOwnership, c)
	})
	return err
}

// GetBucketOwnershipControls returns the bucket's ObjectOwnership.
func (s *Service) GetBucketOwnershipControls(ctx context.Context, in *s3api.GetBucketOwnershipControlsRequest) (*s3api.GetBucketOwnershipControlsOutput, error) {
	var own string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, deref(in.Bucket)); err != nil {
			return err
		}
		var err error
		own, err = s.objectOwnership(ctx, tx, deref(in.Bucket))
		return err
	})
	if err != nil {
		return nil, err
	}
	if own == "" {
		return nil, cfgNotFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", deref(in.Bucket))
	}
	return &s3api.GetBucketOwnershipControlsOutput{OwnershipControls: &s3api.OwnershipControls{
		Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(own)}}}}, nil
}

// DeleteBucketOwnershipControls removes the bucket's ObjectOwnership.
func (s *Service) DeleteBucketOwnershipControls(ctx context.Context, in *s3api.DeleteBucketOwnershipControlsRequest) error {
	return s.putConfig(ctx, deref(in.Bucket), cfgKindOwnership, nil)
}

// ---------------------------------------------------------------------
// ACLs

const (
	aclAllUsers      = "http://acs.amazonaws.com/groups/global/AllUsers"
	aclAuthenticated = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	aclLogDelivery   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

var aclGroups = map[string]bool{aclAllUsers: true, aclAuthenticated: true, aclLogDelivery: true}

var aclPermissions = map[string]bool{"FULL_CONTROL": true, "WRITE": true, "WRITE_ACP": true, "READ": true, "READ_ACP": true}

// aclGrant is one grant of a stored ACL.
type aclGrant struct {
	Type  string `json:"t"` // CanonicalUser, Group or AmazonCustomerByEmail
	ID    string `json:"i,omitempty"`
	URI   string `json:"u,omitempty"`
	Email string `json:"e,omitempty"`
	Perm  string `json:"p"`
}

// storedACL is a bucket's or an object's access control list; nil stands
// for the default (the owner has FULL_CONTROL).
type storedACL struct {
	Grants []aclGrant `json:"g"`
}

func ownerGrant(ownerID string) aclGrant {
	return aclGrant{Type: "CanonicalUser", ID: ownerID, Perm: "FULL_CONTROL"}
}

// ownerOnly reports whether the ACL grants nothing beyond the owner's
// full control (what BucketOwnerEnforced allows).
func (a *storedACL) ownerOnly(ownerID string) bool {
	if a == nil {
		return true
	}
	for _, g := range a.Grants {
		if g.Type != "CanonicalUser" || g.ID != ownerID || g.Perm != "FULL_CONTROL" {
			return false
		}
	}
	return true
}

func (a *storedACL) public() bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Type == "Group" && (g.URI == aclAllUsers || g.URI == aclAuthenticated) {
			return true
		}
	}
	return false
}

func (a *storedACL) toAPI(ownerAccount string) (*s3api.Owner, []s3api.Grant) {
	own := owner(ownerAccount)
	grants := []aclGrant{ownerGrant(*own.ID)}
	if a != nil {
		grants = a.Grants
	}
	out := make([]s3api.Grant, 0, len(grants))
	for _, g := range grants {
		ge := &s3api.Grantee{Type: ptr(g.Type)}
		switch g.Type {
		case "CanonicalUser":
			ge.ID = ptr(g.ID)
			if g.ID == *own.ID {
				ge.DisplayName = own.DisplayName
			}
		case "Group":
			ge.URI = ptr(g.URI)
		default:
			ge.EmailAddress = ptr(g.Email)
		}
		out = append(out, s3api.Grant{Grantee: ge, Permission: ptr(g.Perm)})
	}
	return own, out
}

func validCanonicalID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// aclInput is what a PutBucketAcl or PutObjectAcl carries.
type aclInput struct {
	canned                                      *string
	fullControl, read, readACP, write, writeACP *string
	policy                                      *s3api.AccessControlPolicy
	object                                      bool
}

// build returns the ACL the request asks for; ownerID is the resource
// owner's canonical id, bucketOwnerID the bucket owner's.
func (in aclInput) build(ownerID, bucketOwnerID string) (*storedACL, error) {
	headers := []struct {
		v    *string
		perm string
		name string
	}{
		{in.fullControl, "FULL_CONTROL", "x-amz-grant-full-control"}, {in.read, "READ", "x-amz-grant-read"},
		{in.readACP, "READ_ACP", "x-amz-grant-read-acp"}, {in.write, "WRITE", "x-amz-grant-write"},
		{in.writeACP, "WRITE_ACP", "x-amz-grant-write-acp"},
	}
	hasGrants := false
	for _, h := range headers {
		if h.v != nil {
			hasGrants = true
		}
	}
	if (in.canned != nil || hasGrants) && in.policy != nil {
		return nil, s3Err("UnexpectedContent", "This request does not support content", http.StatusBadRequest)
	}
	if in.canned != nil && hasGrants {
		return nil, cfgInvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
	}
	acl := &storedACL{}
	switch {
	case in.canned != nil:
		acl.Grants = []aclGrant{ownerGrant(ownerID)}
		group := func(uri, perm string) { acl.Grants = append(acl.Grants, aclGrant{Type: "Group", URI: uri, Perm: perm}) }
		switch c := *in.canned; c {
		case "private":
		case "public-read":
			group(aclAllUsers, "READ")
		case "public-read-write":
			group(aclAllUsers, "READ")
			group(aclAllUsers, "WRITE")
		case "authenticated-read":
			group(aclAuthenticated, "READ")
		case "log-delivery-write":
			if in.object {
				return nil, cfgInvalidArg("", "x-amz-acl", c)
			}
			group(aclLogDelivery, "WRITE")
			group(aclLogDelivery, "READ_ACP")
		case "aws-exec-read":
		case "bucket-owner-read", "bucket-owner-full-control":
			if in.object && bucketOwnerID != ownerID {
				perm := "READ"
				if c == "bucket-owner-full-control" {
					perm = "FULL_CONTROL"
				}
				acl.Grants = append(acl.Grants, aclGrant{Type: "CanonicalUser", ID: bucketOwnerID, Perm: perm})
			}
		default:
			return nil, cfgInvalidArg("", "x-amz-acl", c)
		}
	case hasGrants:
		for _, h := range headers {
			if h.v == nil {
				continue
			}
			for _, item := range strings.Split(*h.v, ",") {
				item = strings.TrimSpace(item)
				typ, val, ok := strings.Cut(item, "=")
				if !ok {
					return nil, cfgInvalidArg("Argument format not recognized", h.name, item)
				}
				typ = strings.TrimSpace(typ)
				val = strings.Trim(strings.TrimSpace(val), `"`)
				g := aclGrant{Perm: h.perm}
				switch typ {
				case "id":
					if !validCanonicalID(val) {
						return nil, cfgInvalidArg("Invalid id", "id", val)
					}
					g.Type, g.ID = "CanonicalUser", val
				case "uri":
					if !aclGroups[val] {
						return nil, cfgInvalidArg("Invalid group uri", "uri", val)
					}
					g.Type, g.URI = "Group", val
				case "emailAddress":
					g.Type, g.Email = "AmazonCustomerByEmail", val
				default:
					return nil, cfgInvalidArg("Argument format not recognized", h.name, item)
				}
				acl.Grants = append(acl.Grants, g)
			}
		}
	case in.policy != nil:
		p := in.policy
		if p.Owner == nil || p.Owner.ID == nil {
			return nil, s3Err("MalformedACLError", cfgMalformedMsg, http.StatusBadRequest)
		}
		if !validCanonicalID(*p.Owner.ID) {
			return nil, cfgInvalidArg("Invalid id", "CanonicalUser/ID", *p.Owner.ID)
		}
		acl.Grants = []aclGrant{}
		for _, gr := range p.Grants {
			perm := deref(gr.Permission)
			if !aclPermissions[perm] || gr.Grantee == nil {
				return nil, s3Err("MalformedACLError", cfgMalformedMsg, http.StatusBadRequest)
			}
			ge := gr.Grantee
			g := aclGrant{Type: deref(ge.Type), Perm: perm}
			switch g.Type {
			case "CanonicalUser":
				g.ID = deref(ge.ID)
				if !validCanonicalID(g.ID) {
					return nil, cfgInvalidArg("Invalid id", "CanonicalUser/ID", g.ID)
				}
			case "Group":
				g.URI = deref(ge.URI)
				if !aclGroups[g.URI] {
					return nil, cfgInvalidArg("Invalid group uri", "Group/URI", g.URI)
				}
			case "AmazonCustomerByEmail":
				g.Email = deref(ge.EmailAddress)
			default:
				return nil, s3Err("MalformedACLError", cfgMalformedMsg, http.StatusBadRequest)
			}
			acl.Grants = append(acl.Grants, g)
		}
	default:
		return nil, s3Err("MissingSecurityHeader", "Your request was missing a required header", http.StatusBadRequest, "MissingHeaderName", "x-amz-acl")
	}
	return acl, nil
}

// checkACLAllowed applies Object Ownership and Block Public Access to an
// ACL about to be set on the bucket or one of its objects.
func (s *Service) checkACLAllowed(ctx context.Context, tx *store.Tx, b *bucket, acl *storedACL) error {
	own, err := s.objectOwnership(ctx, tx, b.name)
	if err != nil {
		return err
	}
	if own == "BucketOwnerEnforced" && !acl.ownerOnly(canonicalID(b.account)) {
		return s3Err("AccessControlListNotSupported", "The bucket does not allow ACLs", http.StatusBadRequest)
	}
	if acl.public() {
		var pab *s3api.PublicAccessBlockConfiguration
		found, err := getConfigTx(ctx, tx, b.name, cfgKindPublicAccess, &pab)
		if err != nil {
			return err
		}
		if !found || pab != nil && deref(pab.BlockPublicAcls) {
			return s3Err("AccessDenied", "Access Denied", http.StatusForbidden)
		}
	}
	return nil
}

// PutBucketAcl sets the bucket's ACL.
func (s *Service) PutBucketAcl(ctx context.Context, in *s3api.PutBucketAclRequest) error {
	bucket := deref(in.Bucket)
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		id := canonicalID(b.account)
		acl, err := aclInput{canned: in.ACL, fullControl: in.GrantFullControl, read: in.GrantRead, readACP: in.GrantReadACP,
			write: in.GrantWrite, writeACP: in.GrantWriteACP, policy: in.AccessControlPolicy}.build(id, id)
		if err != nil {
			return err
		}
		if err := s.checkACLAllowed(ctx, tx, b, acl); err != nil {
			return err
		}
		return s.putConfigTx(ctx, tx, bucket, cfgKindACL, acl)
	})
	return err
}

// GetBucketAcl returns the bucket's ACL.
func (s *Service) GetBucketAcl(ctx context.Context, in *s3api.GetBucketAclRequest) (*s3api.GetBucketAclOutput, error) {
	var b *bucket
	var acl *storedACL
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = loadBucket(ctx, tx, deref(in.Bucket)); err != nil {
			return err
		}
		_, err = getConfigTx(ctx, tx, b.name, cfgKindACL, &acl)
		return err
	})
	if err != nil {
		return nil, err
	}
	own, grants := acl.toAPI(b.account)
	return &s3api.GetBucketAclOutput{Owner: own, Grants: grants}, nil
}

// objectOwnerAccount is the account that owns an object: the bucket owner
// when ACLs are disabled, the writer otherwise.
func objectOwnerAccount(b *bucket, o *object, ownership string) string {
	if ownership == "BucketOwnerEnforced" || o.meta.Owner == "" {
		return b.account
	}
	return o.meta.Owner
}

// PutObjectAcl sets an object version's ACL.
func (s *Service) PutObjectAcl(ctx context.Context, in *s3api.PutObjectAclRequest) (*s3api.PutObjectAclOutput, error) {
	bucketName, key, versionID := deref(in.Bucket), deref(in.Key), deref(in.VersionId)
	if versionID != "" && versionID != nullVersion && !validVersionID(versionID) {
		return nil, invalidVersion(versionID)
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucketName)
		if err != nil {
			return err
		}
		o, err := loadObject(ctx, tx, bucketName, key, versionID)
		if err != nil {
			return err
		}
		switch {
		case o == nil && versionID != "":
			return s3Err("NoSuchVersion", "The specified version does not exist.", http.StatusNotFound, "Key", key, "VersionId", versionID)
		case o == nil || o.deleteMarker && versionID == "":
			return noSuchKey(key)
		case o.deleteMarker:
			return s3Err("MethodNotAllowed", "The specified method is not allowed against this resource.", http.StatusMethodNotAllowed, "ResourceType", "DeleteMarker")
		}
		ownership, err := s.objectOwnership(ctx, tx, b.name)
		if err != nil {
			return err
		}
		ownerID := canonicalID(objectOwnerAccount(b, o, ownership))
		acl, err := aclInput{canned: in.ACL, fullControl: in.GrantFullControl, read: in.GrantRead, readACP: in.GrantReadACP,
			write: in.GrantWrite, writeACP: in.GrantWriteACP, policy: in.AccessControlPolicy, object: true,
		}.build(ownerID, canonicalID(b.account))
		if err != nil {
			return err
		}
		if err := s.checkACLAllowed(ctx, tx, b, acl); err != nil {
			return err
		}
		if acl.ownerOnly(ownerID) && len(acl.Grants) == 1 {
			acl = nil // the default
		}
		o.meta.ACL = acl
		if err := updateObjectMeta(ctx, tx, o); err != nil {
			return err
		}
		return s.notify(ctx, tx, b, "ObjectAcl:Put", o)
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectAclOutput{}, nil
}

// GetObjectAcl returns an object version's ACL.
func (s *Service) GetObjectAcl(ctx context.Context, in *s3api.GetObjectAclRequest) (*s3api.GetObjectAclOutput, error) {
	o, err := s.readTarget(ctx, deref(in.Bucket), deref(in.Key), deref(in.VersionId))
	if err != nil {
		return nil, err
	}
	var b *bucket
	var ownership string
	err = s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if b, err = loadBucket(ctx, tx, deref(in.Bucket)); err != nil {
			return err
		}
		ownership, err = s.objectOwnership(ctx, tx, b.name)
		return err
	})
	if err != nil {
		return nil, err
	}
	own, grants := o.meta.ACL.toAPI(objectOwnerAccount(b, o, ownership))
	return &s3api.GetObjectAclOutput{Owner: own, Grants: grants}, nil
}

// ---------------------------------------------------------------------
// Transfer acceleration, requester pays, server access logging: stored
// and returned; hako has no edge locations, charges or access logs.

// PutBucketAccelerateConfiguration sets the acceleration status.
func (s *Service) PutBucketAccelerateConfiguration(ctx context.Context, in *s3api.PutBucketAccelerateConfigurationRequest) error {
	c := in.AccelerateConfiguration
	if c == nil {
		return cfgMalformed()
	}
	if st := deref(c.Status); st != "Enabled" && st != "Suspended" {
		return cfgMalformed()
	}
	if strings.Contains(deref(in.Bucket), ".") {
		if _, err := s.bucketOf(ctx, deref(in.Bucket)); err != nil {
			return err
		}
		return cfgInvalidRequest("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindAccelerate, c)
}

// GetBucketAccelerateConfiguration returns the acceleration status (none
// until set).
func (s *Service) GetBucketAccelerateConfiguration(ctx context.Context, in *s3api.GetBucketAccelerateConfigurationRequest) (*s3api.GetBucketAccelerateConfigurationOutput, error) {
	var c s3api.AccelerateConfiguration
	if _, err := s.getConfig(ctx, deref(in.Bucket), cfgKindAccelerate, &c); err != nil {
		return nil, err
	}
	return &s3api.GetBucketAccelerateConfigurationOutput{Status: c.Status}, nil
}

// PutBucketRequestPayment sets who pays for requests.
func (s *Service) PutBucketRequestPayment(ctx context.Context, in *s3api.PutBucketRequestPaymentRequest) error {
	c := in.RequestPaymentConfiguration
	if c == nil {
		return cfgMalformed()
	}
	if p := deref(c.Payer); p != "BucketOwner" && p != "Requester" {
		return cfgMalformed()
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindRequestPayment, c)
}

// GetBucketRequestPayment returns who pays for requests (BucketOwner
// unless set).
func (s *Service) GetBucketRequestPayment(ctx context.Context, in *s3api.GetBucketRequestPaymentRequest) (*s3api.GetBucketRequestPaymentOutput, error) {
	var c s3api.RequestPaymentConfiguration
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindRequestPayment, &c)
	if err != nil {
		return nil, err
	}
	if !found || c.Payer == nil {
		c.Payer = ptr("BucketOwner")
	}
	return &s3api.GetBucketRequestPaymentOutput{Payer: c.Payer}, nil
}

// PutBucketLogging enables (or, with an empty status, disables) server
// access logging. The target bucket must exist, belong to the same
// account and be in the same region.
func (s *Service) PutBucketLogging(ctx context.Context, in *s3api.PutBucketLoggingRequest) error {
	st := in.BucketLoggingStatus
	if st == nil {
		return cfgMalformed()
	}
	bucket := deref(in.Bucket)
	if st.LoggingEnabled == nil {
		return s.deleteConfig(ctx, bucket, cfgKindLogging)
	}
	le := st.LoggingEnabled
	if le.TargetBucket == nil || le.TargetPrefix == nil {
		return cfgMalformed()
	}
	for _, g := range le.TargetGrants {
		if !aclPermissions[deref(g.Permission)] || deref(g.Permission) == "WRITE_ACP" || deref(g.Permission) == "READ_ACP" || g.Grantee == nil {
			return cfgMalformed()
		}
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		target := deref(le.TargetBucket)
		tb, err := loadBucket(ctx, tx, target)
		if err != nil {
			return s3Err("InvalidTargetBucketForLogging", "The target bucket for logging does not exist", http.StatusBadRequest, "TargetBucket", target)
		}
		if tb.account != b.account {
			return s3Err("InvalidTargetBucketForLogging", "The owner for the bucket to be logged and the target bucket must be the same.", http.StatusBadRequest, "TargetBucket", target)
		}
		if tb.region != b.region {
			return s3Err("CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", http.StatusForbidden,
				"SourceBucketLocation", b.region, "TargetBucketLocation", tb.region)
		}
		return s.putConfigTx(ctx, tx, bucket, cfgKindLogging, le)
	})
	return err
}

// GetBucketLogging returns the logging status (empty when disabled).
func (s *Service) GetBucketLogging(ctx context.Context, in *s3api.GetBucketLoggingRequest) (*s3api.GetBucketLoggingOutput, error) {
	var le s3api.LoggingEnabled
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindLogging, &le)
	if err != nil {
		return nil, err
	}
	out := &s3api.GetBucketLoggingOutput{}
	if found {
		out.LoggingEnabled = &le
	}
	return out, nil
}
