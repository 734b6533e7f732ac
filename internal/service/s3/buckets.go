package s3

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/store"
)

// bucket is one row of s3_buckets.
type bucket struct {
	name, account, region string
	created               time.Time
	versioning            string
}

// validBucketName applies S3's general purpose bucket naming rules.
func validBucketName(n string) bool {
	if len(n) < 3 || len(n) > 63 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	first, last := n[0], n[len(n)-1]
	if first == '.' || first == '-' || last == '.' || last == '-' {
		return false
	}
	if strings.Contains(n, "..") || strings.Contains(n, ".-") || strings.Contains(n, "-.") {
		return false
	}
	if ip := net.ParseIP(n); ip != nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	for _, suf := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(n, suf) {
			return false
		}
	}
	return true
}

func invalidBucketName(n string) error {
	return s3Err("InvalidBucketName", "The specified bucket is not valid.", http.StatusBadRequest, "BucketName", n)
}

func loadBucket(ctx context.Context, tx *store.Tx, name string) (*bucket, error) {
	b := &bucket{name: name}
	var created int64
	err := tx.QueryRow(ctx, "SELECT account, region, created_at, versioning FROM s3_buckets WHERE name = ?", name).
		Scan(&b.account, &b.region, &created, &b.versioning)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSuchBucket(name)
	}
	if err != nil {
		return nil, err
	}
	b.created = time.UnixMilli(created)
	return b, nil
}

// CreateBucket creates a bucket in the request's region.
func (s *Service) CreateBucket(ctx context.Context, in *s3api.CreateBucketRequest) (*s3api.CreateBucketOutput, error) {
	ri := reqinfo.From(ctx)
	name := deref(in.Bucket)
	if !validBucketName(name) {
		return nil, invalidBucketName(name)
	}
	lc := ""
	if c := in.CreateBucketConfiguration; c != nil {
		lc = deref(c.LocationConstraint)
	}
	switch {
	case ri.Region == "us-east-1" && lc == "us-east-1":
		return nil, s3Err("InvalidLocationConstraint", "The specified location-constraint is not valid", http.StatusBadRequest, "LocationConstraint", lc)
	case ri.Region != "us-east-1" && lc == "":
		return nil, s3Err("IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.", http.StatusBadRequest)
	case lc != "" && lc != ri.Region:
		return nil, s3Err("IllegalLocationConstraintException", "The "+lc+" location constraint is incompatible for the region specific endpoint this request was sent to.", http.StatusBadRequest)
	}
	err := s.st.Update(ctx, func(tx *store.Tx) error {
		b, err := loadBucket(ctx, tx, name)
		if err == nil {
			if b.account != ri.Account {
				return s3Err("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", http.StatusConflict, "BucketName", name)
			}
			if b.region == "us-east-1" && ri.Region == "us-east-1" {
				return nil // us-east-1 answers 200 to a re-create by the owner (legacy behaviour)
			}
			return s3Err("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", http.StatusConflict, "BucketName", name)
		}
		_, err = tx.Exec(ctx, "INSERT INTO s3_buckets (name, account, region, created_at, versioning, config) VALUES (?, ?, ?, ?, '', '{}')",
			name, ri.Account, ri.Region, s.clk.Now().UnixMilli())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &s3api.CreateBucketOutput{Location: ptr("/" + name)}, nil
}

// HeadBucket tells whether a bucket exists (and its region).
func (s *Service) HeadBucket(ctx context.Context, in *s3api.HeadBucketRequest) (*s3api.HeadBucketOutput, error) {
	var b *bucket
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		b, err = loadBucket(ctx, tx, deref(in.Bucket))
		return err
	})
	if err != nil {
		// HEAD responses have no body: the SDKs see only the status.
		return nil, s3Err("NotFound", "Not Found", http.StatusNotFound)
	}
	return &s3api.HeadBucketOutput{BucketRegion: ptr(b.region), AccessPointAlias: ptr(false)}, nil
}

// DeleteBucket deletes an empty bucket.
func (s *Service) DeleteBucket(ctx context.Context, in *s3api.DeleteBucketRequest) error {
	name := deref(in.Bucket)
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, name); err != nil {
			return err
		}
		if n, err := s.objectCount(ctx, tx, name); err != nil {
			return err
		} else if n > 0 {
			return s3Err("BucketNotEmpty", "The bucket you tried to delete is not empty", http.StatusConflict, "BucketName", name)
		}
		// Unfinished multipart uploads and the configuration go with the bucket.
		rows, err := tx.Query(ctx, "SELECT p.blob_id FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?", name)
		if err != nil {
			return err
		}
		var parts []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			parts = append(parts, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range parts {
			s.deleteBlobAfter(tx, blob.ID(id))
		}
		for _, q := range []string{
			"DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)",
			"DELETE FROM s3_uploads WHERE bucket = ?",
			"DELETE FROM s3_bucket_config WHERE bucket = ?",
			"DELETE FROM s3_buckets WHERE name = ?",
		} {
			if _, err := tx.Exec(ctx, q, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListBuckets lists the caller's buckets in name order.
func (s *Service) ListBuckets(ctx context.Context, in *s3api.ListBucketsRequest) (*s3api.ListBucketsOutput, error) {
	ri := reqinfo.From(ctx)
	max := 10000
	if in.MaxBuckets != nil {
		if *in.MaxBuckets < 1 || *in.MaxBuckets > 10000 {
			return nil, s3Err("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000", http.StatusBadRequest,
				"ArgumentName", "max-buckets", "ArgumentValue", strconv.Itoa(int(*in.MaxBuckets)))
		}
		max = int(*in.MaxBuckets)
	}
	after := deref(in.ContinuationToken)
	prefix := deref(in.Prefix)
	out := &s3api.ListBucketsOutput{Owner: owner(ri.Account), Buckets: []s3api.Bucket{}, Prefix: in.Prefix}
	err := s.st.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT name, region, created_at FROM s3_buckets WHERE account = ? AND name > ? ORDER BY name", ri.Account, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, region string
			var created int64
			if err := rows.Scan(&name, &region, &created); err != nil {
				return err
			}
			if !strings.HasPrefix(name, prefix) || (in.BucketRegion != nil && *in.BucketRegion != region) {
				continue
			}
			if len(out.Buckets) == max {
				// More follow: the token is the last name returned.
				out.ContinuationToken = out.Buckets[len(out.Buckets)-1].Name
				break
			}
			out.Buckets = append(out.Buckets, s3api.Bucket{Name: ptr(name), BucketRegion: ptr(region), CreationDate: &model.Timestamp{Time: time.UnixMilli(created)}})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// owner is the canonical owner of an account's resources.
func owner(account string) *s3api.Owner {
	return &s3api.Owner{ID: ptr(canonicalID(account)), DisplayName: ptr("hako")}
}

// canonicalID is a stable 64-hex-digit canonical user id for an account.
func canonicalID(account string) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 64)
	for i := range b {
		c := byte('0')
		if len(account) > 0 {
			c = account[i%len(account)]
		}
		b[i] = hexd[(int(c)+i*7)%16]
	}
	return string(b)
}

// GetBucketLocation returns the bucket's region (empty for us-east-1).
func (s *Service) GetBucketLocation(ctx context.Context, in *s3api.GetBucketLocationRequest) (*s3api.GetBucketLocationOutput, error) {
	var b *bucket
	err := s.st.View(ctx, func(tx *store.Tx) error {
		var err error
		b, err = loadBucket(ctx, tx, deref(in.Bucket))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &s3api.GetBucketLocationOutput{}
	if b.region != "us-east-1" {
		out.LocationConstraint = ptr(b.region)
	}
	return out, nil
}

// PutBucketVersioning enables or suspends versioning.
func (s *Service) PutBucketVersioning(ctx context.Context, in *s3api.PutBucketVersioningRequest) error {
	c := in.VersioningConfiguration
	if c == nil {
		return s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	status := deref(c.Status)
	if status != versioningEnabled && status != versioningSuspended {
		return s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	if deref(c.MFADelete) == "Enabled" {
		return s3Err("InvalidRequest", "DevPay and Mfa are mutually exclusive authorization methods.", http.StatusBadRequest)
	}
	return s.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := loadBucket(ctx, tx, deref(in.Bucket)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE s3_buckets SET versioning = ? WHERE name = ?", status, deref(in.Bucket))
		return err
	})
}

// GetBucketVersioning returns the versioning state (no Status when never
// enabled).
func (s *Service) GetBucketVersioning(ctx context.Context, in *s3api.GetBucketVersioningRequest) (*s3api.GetBucketVersioningOutput, error) {
	b, err := s.bucketOf(ctx, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	out := &s3api.GetBucketVersioningOutput{}
	if b.versioning != "" {
		out.Status = ptr(b.versioning)
	}
	return out, nil
}
