package s3

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/clock"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// Lifecycle configuration: stored as given (with an ID for rules that
// have none), and applied by a background sweeper on the service clock.
// The sweeper expires current versions (Expiration Days or Date: a delete
// marker in versioned buckets), deletes noncurrent versions
// (NoncurrentVersionExpiration), removes expired object delete markers and
// aborts incomplete multipart uploads. Like S3, it counts days from the
// creation time (for noncurrent versions, from the time they became
// noncurrent) rounded up to the next midnight UTC. Transitions are stored
// and returned but not applied (every object stays in its storage class).

// lcStored is the stored document.
type lcStored struct {
	Rules   []s3api.LifecycleRule `json:"r"`
	MinSize string                `json:"m,omitempty"` // TransitionDefaultMinimumObjectSize
}

const lcDefaultMinSize = "all_storage_classes_128K"

// PutBucketLifecycleConfiguration replaces the bucket's lifecycle rules.
func (s *Service) PutBucketLifecycleConfiguration(ctx context.Context, in *s3api.PutBucketLifecycleConfigurationRequest) (*s3api.PutBucketLifecycleConfigurationOutput, error) {
	c := in.LifecycleConfiguration
	if c == nil || len(c.Rules) == 0 || len(c.Rules) > 1000 {
		return nil, cfgMalformed()
	}
	minSize := deref(in.TransitionDefaultMinimumObjectSize)
	switch minSize {
	case "":
		minSize = lcDefaultMinSize
	case lcDefaultMinSize, "varies_by_storage_class":
	default:
		return nil, cfgInvalidRequest("Invalid TransitionDefaultMinimumObjectSize found: " + minSize)
	}
	rules := make([]s3api.LifecycleRule, len(c.Rules))
	copy(rules, c.Rules)
	seen := map[string]bool{}
	for i := range rules {
		r := &rules[i]
		if err := checkLifecycleRule(r); err != nil {
			return nil, err
		}
		if r.ID == nil || *r.ID == "" {
			r.ID = ptr(newVersionID()[:32])
		}
		if seen[*r.ID] {
			return nil, cfgInvalidArg("Rule ID must be unique. Found same ID for more than one rule", "ID", *r.ID)
		}
		seen[*r.ID] = true
	}
	if err := s.putConfig(ctx, deref(in.Bucket), cfgKindLifecycle, lcStored{Rules: rules, MinSize: minSize}); err != nil {
		return nil, err
	}
	s.kickLifecycle()
	return &s3api.PutBucketLifecycleConfigurationOutput{TransitionDefaultMinimumObjectSize: ptr(minSize)}, nil
}

func lcMidnight(t time.Time) bool {
	t = t.UTC()
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

var lcTransitionClasses = map[string]bool{
	"GLACIER": true, "STANDARD_IA": true, "ONEZONE_IA": true, "INTELLIGENT_TIERING": true, "DEEP_ARCHIVE": true, "GLACIER_IR": true,
}

// checkLifecycleRule applies S3's checks to one rule.
func checkLifecycleRule(r *s3api.LifecycleRule) error {
	if st := deref(r.Status); st != "Enabled" && st != "Disabled" {
		return cfgMalformed()
	}
	if len(deref(r.ID)) > 255 {
		return cfgInvalidArg("ID length should not exceed allowed limit of 255", "ID", deref(r.ID))
	}
	if r.Prefix != nil && r.Filter != nil {
		return cfgMalformed()
	}
	prefix := deref(r.Prefix)
	var tags []s3api.Tag
	if f := r.Filter; f != nil {
		n := 0
		for _, set := range []bool{f.Prefix != nil, f.Tag != nil, f.And != nil, f.ObjectSizeGreaterThan != nil, f.ObjectSizeLessThan != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			return cfgMalformed()
		}
		prefix = deref(f.Prefix)
		if f.Tag != nil {
			tags = []s3api.Tag{*f.Tag}
		}
		if a := f.And; a != nil {
			prefix = deref(a.Prefix)
			tags = a.Tags
			keys := map[string]bool{}
			for _, t := range a.Tags {
				if keys[deref(t.Key)] {
					return cfgInvalidRequest("Duplicate Tag Keys are not allowed.")
				}
				keys[deref(t.Key)] = true
			}
			if a.ObjectSizeGreaterThan != nil && a.ObjectSizeLessThan != nil && *a.ObjectSizeGreaterThan >= *a.ObjectSizeLessThan {
				return cfgInvalidArg("ObjectSizeGreaterThan must be less than ObjectSizeLessThan", "ObjectSizeGreaterThan", strconv.FormatInt(*a.ObjectSizeGreaterThan, 10))
			}
		}
		for _, sz := range []*int64{f.ObjectSizeGreaterThan, f.ObjectSizeLessThan} {
			if sz != nil && *sz < 0 {
				return cfgMalformed()
			}
		}
	}
	if len(prefix) > 1024 {
		return cfgInvalidRequest("The maximum size of a prefix is 1024.")
	}
	for _, t := range tags {
		if t.Key == nil || t.Value == nil {
			return cfgMalformed()
		}
	}
	hasAction := false
	if e := r.Expiration; e != nil {
		hasAction = true
		marker := e.ExpiredObjectDeleteMarker != nil
		switch {
		case e.Days != nil && e.Date != nil, marker && (e.Days != nil || e.Date != nil), !marker && e.Days == nil && e.Date == nil:
			return cfgMalformed()
		case e.Days != nil && *e.Days <= 0:
			return cfgInvalidArg("'Days' for Expiration action must be a positive integer", "Days", strconv.Itoa(int(*e.Days)))
		case e.Date != nil && !lcMidnight(e.Date.Time):
			return cfgInvalidArg("'Date' must be at midnight GMT", "Date", e.Date.Time.UTC().Format(time.RFC3339))
		case marker && deref(e.ExpiredObjectDeleteMarker) && len(tags) > 0:
			return cfgInvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
		}
	}
	if nc := r.NoncurrentVersionExpiration; nc != nil {
		hasAction = true
		if nc.NoncurrentDays == nil {
			return cfgMalformed()
		}
		if *nc.NoncurrentDays <= 0 {
			return cfgInvalidArg("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", "NoncurrentDays", strconv.Itoa(int(*nc.NoncurrentDays)))
		}
		if n := nc.NewerNoncurrentVersions; n != nil && (*n <= 0 || *n > 100) {
			return cfgInvalidArg("'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100", "NewerNoncurrentVersions", strconv.Itoa(int(*n)))
		}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		hasAction = true
		if a.DaysAfterInitiation == nil {
			return cfgMalformed()
		}
		if *a.DaysAfterInitiation <= 0 {
			return cfgInvalidArg("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", "DaysAfterInitiation", strconv.Itoa(int(*a.DaysAfterInitiation)))
		}
		if len(tags) > 0 {
			return cfgInvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
		}
	}
	for _, t := range r.Transitions {
		hasAction = true
		sc := deref(t.StorageClass)
		if !lcTransitionClasses[sc] {
			return cfgMalformed()
		}
		switch {
		case t.Days != nil && t.Date != nil, t.Days == nil && t.Date == nil:
			return cfgMalformed()
		case t.Days != nil && *t.Days < 0:
			return cfgInvalidArg("'Days' for Transition action must be a positive integer", "Days", strconv.Itoa(int(*t.Days)))
		case t.Date != nil && !lcMidnight(t.Date.Time):
			return cfgInvalidArg("'Date' must be at midnight GMT", "Date", t.Date.Time.UTC().Format(time.RFC3339))
		case t.Days != nil && *t.Days < 30 && (sc == "STANDARD_IA" || sc == "ONEZONE_IA"):
			return cfgInvalidArg("'Days' in Transition action must be greater than or equal to 30 for storageClass '"+sc+"'", "Days", strconv.Itoa(int(*t.Days)))
		}
		if e := r.Expiration; e != nil && e.Days != nil && t.Days != nil && *e.Days <= *t.Days {
			return cfgInvalidArg("'Days' in the Expiration action for filter '"+lcFilterName(prefix, tags)+"' must be greater than 'Days' in the Transition action", "Days", strconv.Itoa(int(*e.Days)))
		}
	}
	for _, t := range r.NoncurrentVersionTransitions {
		hasAction = true
		sc := deref(t.StorageClass)
		if !lcTransitionClasses[sc] || t.NoncurrentDays == nil {
			return cfgMalformed()
		}
		if *t.NoncurrentDays < 0 {
			return cfgInvalidArg("'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer", "NoncurrentDays", strconv.Itoa(int(*t.NoncurrentDays)))
		}
	}
	if !hasAction {
		return cfgInvalidRequest("At least one action needs to be specified in a rule")
	}
	return nil
}

func lcFilterName(prefix string, tags []s3api.Tag) string {
	if len(tags) == 0 {
		return prefix
	}
	return "(prefix=" + prefix + ")"
}

// GetBucketLifecycleConfiguration returns the bucket's lifecycle rules.
func (s *Service) GetBucketLifecycleConfiguration(ctx context.Context, in *s3api.GetBucketLifecycleConfigurationRequest) (*s3api.GetBucketLifecycleConfigurationOutput, error) {
	var c lcStored
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindLifecycle, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cfgNotFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", deref(in.Bucket))
	}
	if c.MinSize == "" {
		c.MinSize = lcDefaultMinSize
	}
	return &s3api.GetBucketLifecycleConfigurationOutput{Rules: c.Rules, TransitionDefaultMinimumObjectSize: ptr(c.MinSize)}, nil
}

// DeleteBucketLifecycle removes the bucket's lifecycle rules.
func (s *Service) DeleteBucketLifecycle(ctx context.Context, in *s3api.DeleteBucketLifecycleRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindLifecycle)
}

// ---------------------------------------------------------------------
// Rules as the sweeper applies them.

type lcRule struct {
	id             string
	prefix         string
	tags           []tag
	gt, lt         *int64
	expDays        int32
	expDate        *time.Time
	expMarker      bool
	ncDays, ncKeep int32
	abortDays      int32
}

// compileLifecycle returns the enabled rules.
func compileLifecycle(rules []s3api.LifecycleRule) []lcRule {
	var out []lcRule
	for _, r := range rules {
		if deref(r.Status) != "Enabled" {
			continue
		}
		c := lcRule{id: deref(r.ID), prefix: deref(r.Prefix)}
		if f := r.Filter; f != nil {
			if f.Prefix != nil {
				c.prefix = *f.Prefix
			}
			if f.Tag != nil {
				c.tags = tagsFromAPI([]s3api.Tag{*f.Tag})
			}
			c.gt, c.lt = f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
			if a := f.And; a != nil {
				c.prefix = deref(a.Prefix)
				c.tags = tagsFromAPI(a.Tags)
				c.gt, c.lt = a.ObjectSizeGreaterThan, a.ObjectSizeLessThan
			}
		}
		if e := r.Expiration; e != nil {
			c.expDays = deref(e.Days)
			if e.Date != nil {
				d := e.Date.Time.UTC()
				c.expDate = &d
			}
			c.expMarker = deref(e.ExpiredObjectDeleteMarker)
		}
		if nc := r.NoncurrentVersionExpiration; nc != nil {
			c.ncDays, c.ncKeep = deref(nc.NoncurrentDays), deref(nc.NewerNoncurrentVersions)
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			c.abortDays = deref(a.DaysAfterInitiation)
		}
		out = append(out, c)
	}
	return out
}

// matches reports whether the rule's filter selects the version.
func (r *lcRule) matches(o *object) bool {
	if !strings.HasPrefix(o.key, r.prefix) {
		return false
	}
	for _, want := range r.tags {
		found := false
		for _, t := range o.meta.Tags {
			if t.Key == want.Key && t.Value == want.Value {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if o.deleteMarker {
		return true // size filters do not apply to delete markers
	}
	if r.gt != nil && o.size <= *r.gt || r.lt != nil && o.size >= *r.lt {
		return false
	}
	return true
}

// lcDue is when an action of days after t happens: t plus the days,
// rounded up to the next midnight UTC.
func lcDue(t time.Time, days int32) time.Time {
	return t.UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// currentExpiry returns when the current version o expires and by which
// rule (zero time when no rule expires it).
func currentExpiry(rules []lcRule, o *object) (time.Time, string) {
	var at time.Time
	var id string
	for i := range rules {
		r := &rules[i]
		if r.expDays == 0 && r.expDate == nil || !r.matches(o) {
			continue
		}
		var t time.Time
		if r.expDate != nil {
			t = *r.expDate
		} else {
			t = lcDue(o.modified, r.expDays)
		}
		if at.IsZero() || t.Before(at) {
			at, id = t, r.id
		}
	}
	return at, id
}

// lifecycleRules returns the bucket's enabled rules, from the cache.
func (s *Service) lifecycleRules(ctx context.Context, bucket string) ([]lcRule, error) {
	v, found, err := s.cachedConfig(ctx, bucket, cfgKindLifecycle, func() (any, bool, error) {
		var c lcStored
		found, err := s.getConfig(ctx, bucket, cfgKindLifecycle, &c)
		if err != nil {
			if ae := asS3Err(err); ae != nil && ae.Code == "NoSuchBucket" {
				return nil, false, nil
			}
			return nil, false, err
		}
		if !found {
			return nil, false, nil
		}
		return compileLifecycle(c.Rules), true, nil
	})
	if err != nil || !found {
		return nil, err
	}
	return v.([]lcRule), nil
}

// ExpirationHeader is the x-amz-expiration value of the current version
// o of a bucket with lifecycle expiration rules (nil when none applies).
func (s *Service) expirationHeader(ctx context.Context, bucket string, o *object) *string {
	if o == nil || o.deleteMarker || !o.latest {
		return nil
	}
	rules, err := s.lifecycleRules(ctx, bucket)
	if err != nil || len(rules) == 0 {
		return nil
	}
	at, id := currentExpiry(rules, o)
	if at.IsZero() {
		return nil
	}
	return ptr(`expiry-date="` + at.UTC().Format(http.TimeFormat) + `", rule-id="` + id + `"`)
}

// ---------------------------------------------------------------------
// The sweeper.

// lcInterval is how often (service clock) the sweeper runs; it also runs
// after every PutBucketLifecycleConfiguration.
const lcInterval = time.Hour

type lcRunner struct {
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{}
}

// startLifecycle starts the lifecycle sweeper; stopLifecycle ends it.
func (s *Service) startLifecycle() {
	ctx, cancel := context.WithCancel(context.Background())
	r := &lcRunner{cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}
	x := s.extras()
	x.mu.Lock()
	x.lc = r
	x.mu.Unlock()
	go func() {
		defer close(r.done)
		s.lcLoop(ctx, r)
	}()
}

// stopLifecycle stops the sweeper.
func (s *Service) stopLifecycle() {
	x := s.extras()
	x.mu.Lock()
	r := x.lc
	x.lc = nil
	x.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

func (s *Service) kickLifecycle() {
	x := s.extras()
	x.mu.Lock()
	r := x.lc
	x.mu.Unlock()
	if r != nil {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

// lcLoop runs the sweep every lcInterval of clock time and when kicked.
func (s *Service) lcLoop(ctx context.Context, r *lcRunner) {
	clock.Every(ctx, s.clk, lcInterval, r.kick, false, func(ctx context.Context) {
		if err := s.sweepLifecycle(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("s3 lifecycle sweep failed", "err", err)
		}
	})
}

// errLcSkip abandons an action whose target changed since the scan.
var errLcSkip = errors.New("lifecycle: target changed")

// sweepLifecycle applies every bucket's lifecycle rules once.
func (s *Service) sweepLifecycle(ctx context.Context) error {
	now := s.clk.Now().UTC()
	type cfgRow struct{ bucket, body string }
	var cfgs []cfgRow
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT bucket, body FROM s3_bucket_config WHERE kind = ? ORDER BY bucket", cfgKindLifecycle)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c cfgRow
			if err := rows.Scan(&c.bucket, &c.body); err != nil {
				return err
			}
			cfgs = append(cfgs, c)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, c := range cfgs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var st lcStored
		if err := json.Unmarshal([]byte(c.body), &st); err != nil {
			continue
		}
		rules := compileLifecycle(st.Rules)
		if len(rules) == 0 {
			continue
		}
		if err := s.lcSweepBucket(ctx, c.bucket, rules, now); err != nil {
			if ae := asS3Err(err); ae != nil && ae.Code == "NoSuchBucket" {
				continue
			}
			return err
		}
	}
	return nil
}

// lcSweepBucket applies the rules to one bucket's uploads and objects.
func (s *Service) lcSweepBucket(ctx context.Context, bucketName string, rules []lcRule, now time.Time) error {
	b, err := s.bucketOf(ctx, bucketName)
	if err != nil {
		return err
	}
	ctx = reqinfo.With(ctx, &reqinfo.Info{Account: b.account, Region: b.region, Host: "s3.amazonaws.com", Scheme: "https",
		Service: "s3", Operation: "LifecycleExpiration"})
	if err := s.lcAbortUploads(ctx, b, rules, now); err != nil {
		return err
	}
	needObjects := false
	for _, r := range rules {
		if r.expDays > 0 || r.expDate != nil || r.expMarker || r.ncDays > 0 {
			needObjects = true
		}
	}
	if !needObjects {
		return nil
	}
	// Every version, by key and newest first, a page at a time.
	var group []*object
	var afterKey []byte
	var afterSeq int64
	first := true
	for {
		var page []*object
		err := s.st.View(ctx, func(tx *store.Tx) error {
			q := "SELECT " + objectCols + " FROM s3_objects WHERE bucket = ?"
			args := []any{b.name}
			if !first {
				q += " AND (okey > ? OR (okey = ? AND seq < ?))"
				args = append(args, afterKey, afterKey, afterSeq)
			}
			q += " ORDER BY okey, seq DESC LIMIT " + strconv.Itoa(listBatch)
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				o, err := scanObject(b.name, rows)
				if err != nil {
					return err
				}
				page = append(page, o)
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
		for _, o := range page {
			if len(group) > 0 && group[0].key != o.key {
				if err := s.lcApply(ctx, b, rules, group, now); err != nil {
					return err
				}
				group = group[:0]
			}
			group = append(group, o)
		}
		if len(page) < listBatch {
			break
		}
		last := page[len(page)-1]
		afterKey, afterSeq, first = []byte(last.key), last.seq, false
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if len(group) > 0 {
		return s.lcApply(ctx, b, rules, group, now)
	}
	return nil
}

// lcApply applies the rules to the versions of one key (newest first).
func (s *Service) lcApply(ctx context.Context, b *bucket, rules []lcRule, vs []*object, now time.Time) error {
	key := vs[0].key
	cur := vs[0]
	// Expiration of the current version.
	if cur.latest && !cur.deleteMarker {
		if at, _ := currentExpiry(rules, cur); !at.IsZero() && !now.Before(at) {
			return s.lcUpdate(ctx, b, func(tx *store.Tx, b *bucket) error {
				cond := func(o *object) error {
					if o == nil || o.versionID != cur.versionID || o.deleteMarker {
						return errLcSkip
					}
					return nil
				}
				if b.versioning == "" {
					_, _, err := s.removeObject(ctx, tx, b, key, "", cond, "LifecycleExpiration:Delete")
					return err
				}
				vid, _, err := s.removeObject(ctx, tx, b, key, "", cond, "")
				if err != nil {
					return err
				}
				m, err := loadObject(ctx, tx, b.name, key, vid)
				if err != nil || m == nil {
					return err
				}
				return s.notify(ctx, tx, b, "LifecycleExpiration:DeleteMarkerCreated", m)
			})
		}
	}
	// Noncurrent versions: the i-th (0 = newest) became noncurrent when
	// the version above it was written.
	remaining := len(vs)
	for i := 1; i < len(vs); i++ {
		v := vs[i]
		if v.latest {
			continue
		}
		expire := false
		for j := range rules {
			r := &rules[j]
			if r.ncDays == 0 || !r.matches(v) || int32(i-1) < r.ncKeep {
				continue
			}
			if !now.Before(lcDue(vs[i-1].modified, r.ncDays)) {
				expire = true
				break
			}
		}
		if !expire {
			continue
		}
		err := s.lcUpdate(ctx, b, func(tx *store.Tx, b *bucket) error {
			cond := func(o *object) error {
				if o == nil || o.latest || o.seq != v.seq {
					return errLcSkip
				}
				return nil
			}
			_, _, err := s.removeObject(ctx, tx, b, key, v.versionID, cond, "LifecycleExpiration:Delete")
			return err
		})
		if err != nil {
			return err
		}
		remaining--
	}
	// An expired object delete marker: the only version left.
	if cur.latest && cur.deleteMarker && remaining == 1 {
		expire := false
		for j := range rules {
			r := &rules[j]
			if len(r.tags) > 0 || !r.matches(cur) {
				continue
			}
			if r.expMarker || r.expDays > 0 && !now.Before(lcDue(cur.modified, r.expDays)) {
				expire = true
				break
			}
		}
		if expire {
			return s.lcUpdate(ctx, b, func(tx *store.Tx, b *bucket) error {
				var n int
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM s3_objects WHERE bucket = ? AND okey = ?", b.name, []byte(key)).Scan(&n); err != nil {
					return err
				}
				if n != 1 {
					return errLcSkip
				}
				cond := func(o *object) error {
					if o == nil || !o.latest || !o.deleteMarker {
						return errLcSkip
					}
					return nil
				}
				_, _, err := s.removeObject(ctx, tx, b, key, cur.versionID, cond, "LifecycleExpiration:Delete")
				return err
			})
		}
	}
	return nil
}

// lcUpdate runs one action in its own transaction; a target that changed
// since the scan (errLcSkip) is left alone.
func (s *Service) lcUpdate(ctx context.Context, b *bucket, fn func(tx *store.Tx, b *bucket) error) error {
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		cur, err := loadBucket(ctx, tx, b.name)
		if err != nil {
			return err
		}
		return fn(tx, cur)
	})
	if errors.Is(err, errLcSkip) {
		return nil
	}
	return err
}

// lcAbortUploads aborts the incomplete multipart uploads the rules time out.
func (s *Service) lcAbortUploads(ctx context.Context, b *bucket, rules []lcRule, now time.Time) error {
	var abortRules []*lcRule
	for i := range rules {
		if rules[i].abortDays > 0 {
			abortRules = append(abortRules, &rules[i])
		}
	}
	if len(abortRules) == 0 {
		return nil
	}
	var due []string
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT upload_id, okey, initiated FROM s3_uploads WHERE bucket = ?", b.name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var key []byte
			var initiated int64
			if err := rows.Scan(&id, &key, &initiated); err != nil {
				return err
			}
			for _, r := range abortRules {
				if strings.HasPrefix(string(key), r.prefix) && !now.Before(lcDue(time.UnixMilli(initiated), r.abortDays)) {
					due = append(due, id)
					break
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, id := range due {
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, "SELECT blob_id FROM s3_parts WHERE upload_id = ?", id)
			if err != nil {
				return err
			}
			var blobs []string
			for rows.Next() {
				var bid string
				if err := rows.Scan(&bid); err != nil {
					rows.Close()
					return err
				}
				blobs = append(blobs, bid)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM s3_parts WHERE upload_id = ?", id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM s3_uploads WHERE upload_id = ?", id); err != nil {
				return err
			}
			for _, bid := range blobs {
				s.deleteBlobAfter(tx, blob.ID(bid))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
