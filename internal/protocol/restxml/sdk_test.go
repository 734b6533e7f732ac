package restxml

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/restroute"
)

// fakeS3 is an HTTP handler built only from the generic machinery: the
// router, Decode, and WriteResponse/WriteError with canned outputs.
type fakeS3 struct {
	router  *restroute.Router
	respond func(op string, in any) (any, error)
	// vhost is the endpoint host of virtual-hosted-style requests.
	vhost string

	mu    sync.Mutex
	calls []call
	raw   []*http.Request
}

type call struct {
	op string
	in any
}

func newFakeS3(respond func(op string, in any) (any, error)) *fakeS3 {
	return &fakeS3{router: restroute.New(s3api.Service), respond: respond, vhost: "s3.hako.test"}
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, s3api.Service, "req-1", awserr.As(err))
		return
	}
	path := r.URL.EscapedPath()
	host, _, _ := net.SplitHostPort(r.Host)
	if bucket, ok := strings.CutSuffix(host, "."+f.vhost); ok {
		// Virtual-hosted style: the caller re-inserts the bucket.
		path = "/" + bucket + path
	}
	res := f.router.Lookup(r.Method, path, r.URL.Query(), r.Header)
	if res.Op == nil {
		if len(res.Allow) > 0 {
			WriteError(w, s3api.Service, "req-1", &awserr.Error{Code: "MethodNotAllowed", Message: "The specified method is not allowed against this resource.", Status: 405})
			return
		}
		WriteError(w, s3api.Service, "req-1", &awserr.Error{Code: "NotImplemented", Message: r.Method + " " + path, Status: 501})
		return
	}
	var in any
	if res.Op.NewInput != nil {
		in = res.Op.NewInput()
	}
	if err := Decode(r, body, res.Labels, in); err != nil {
		WriteError(w, s3api.Service, "req-1", awserr.As(err))
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, call{op: res.Op.Name, in: in})
	f.raw = append(f.raw, r)
	f.mu.Unlock()
	out, err := f.respond(res.Op.Name, in)
	if err != nil {
		WriteError(w, s3api.Service, "req-1", awserr.As(err))
		return
	}
	WriteResponse(w, s3api.Service, res.Op, "req-1", out)
}

func (f *fakeS3) last(t *testing.T, op string) any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatalf("no call recorded, want %s", op)
	}
	c := f.calls[len(f.calls)-1]
	if c.op != op {
		t.Fatalf("last call %s, want %s", c.op, op)
	}
	return c.in
}

func ptr[T any](v T) *T { return &v }

var (
	s3Time  = time.Date(2024, 2, 3, 4, 5, 6, 789e6, time.UTC)
	s3Time2 = time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC)
	owner   = &s3api.Owner{ID: ptr("75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"), DisplayName: ptr("me")}
)

const weirdKey = "dir/sub dir/ü+%?#&=;x.txt"

func s3Responder(op string, in any) (any, error) {
	switch op {
	case "CreateBucket":
		if *in.(*s3api.CreateBucketRequest).Bucket == "taken" {
			return nil, awserr.New("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
		}
		return &s3api.CreateBucketOutput{Location: ptr("/" + *in.(*s3api.CreateBucketRequest).Bucket)}, nil
	case "PutObject":
		return &s3api.PutObjectOutput{ETag: ptr(`"d41d8cd98f00b204e9800998ecf8427e"`), VersionId: ptr("v1")}, nil
	case "GetObject":
		req := in.(*s3api.GetObjectRequest)
		if *req.Key == "missing" {
			return nil, &awserr.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", Fields: map[string]any{"Key": "missing", "Resource": "/bucket/missing"}}
		}
		if *req.Key == "denied" {
			return nil, &awserr.Error{Code: "AccessDenied", Message: "Access Denied", Status: 403}
		}
		body := []byte("hello, " + *req.Key)
		return &s3api.GetObjectOutput{
			Body:                      io.NopCloser(bytes.NewReader(body)),
			ContentLength:             ptr(int64(len(body))),
			ContentType:               ptr("text/plain; charset=utf-8"),
			ETag:                      ptr(`"abc"`),
			LastModified:              &model.Timestamp{Time: s3Time2},
			Metadata:                  map[string]string{"color": "blue", "x-y": "z"},
			TagCount:                  ptr(int32(2)),
			AcceptRanges:              ptr("bytes"),
			Expires:                   &model.Timestamp{Time: s3Time2},
			ObjectLockRetainUntilDate: &model.Timestamp{Time: s3Time},
		}, nil
	case "HeadObject":
		if *in.(*s3api.HeadObjectRequest).Key == "missing" {
			return nil, &awserr.Error{Code: "NotFound", Message: "Not Found", Status: 404}
		}
		return &s3api.HeadObjectOutput{ContentLength: ptr(int64(12345)), ContentType: ptr("image/png"), ETag: ptr(`"e"`), LastModified: &model.Timestamp{Time: s3Time2},
			Metadata: map[string]string{"a": "1"}, StorageClass: ptr("STANDARD_IA"), PartsCount: ptr(int32(3))}, nil
	case "ListObjectsV2":
		req := in.(*s3api.ListObjectsV2Request)
		return &s3api.ListObjectsV2Output{
			Name:      req.Bucket,
			Prefix:    req.Prefix,
			Delimiter: req.Delimiter,
			MaxKeys:   req.MaxKeys,
			KeyCount:  ptr(int32(2)),
			Contents: []s3api.Object{
				{Key: ptr("photos/a.jpg"), LastModified: &model.Timestamp{Time: s3Time}, ETag: ptr(`"1"`), Size: ptr(int64(10)), StorageClass: ptr("STANDARD"), Owner: owner},
				{Key: ptr("photos/<b>&.jpg"), LastModified: &model.Timestamp{Time: s3Time2}, Size: ptr(int64(0))},
			},
			CommonPrefixes:        []s3api.CommonPrefix{{Prefix: ptr("photos/2024/")}, {Prefix: ptr("photos/2025/")}},
			IsTruncated:           ptr(true),
			NextContinuationToken: ptr("tok/+=="),
		}, nil
	case "CreateMultipartUpload":
		req := in.(*s3api.CreateMultipartUploadRequest)
		return &s3api.CreateMultipartUploadOutput{Bucket: req.Bucket, Key: req.Key, UploadId: ptr("upload-1"), AbortDate: &model.Timestamp{Time: s3Time2}}, nil
	case "UploadPart":
		return &s3api.UploadPartOutput{ETag: ptr(`"part-etag"`)}, nil
	case "ListParts":
		req := in.(*s3api.ListPartsRequest)
		return &s3api.ListPartsOutput{Bucket: req.Bucket, Key: req.Key, UploadId: req.UploadId, MaxParts: ptr(int32(1000)), IsTruncated: ptr(false),
			Parts: []s3api.Part{{PartNumber: ptr(int32(1)), ETag: ptr(`"p1"`), Size: ptr(int64(5 << 20)), LastModified: &model.Timestamp{Time: s3Time}}, {PartNumber: ptr(int32(2)), ETag: ptr(`"p2"`), Size: ptr(int64(1))}},
			Owner: owner, Initiator: &s3api.Initiator{ID: owner.ID}}, nil
	case "CompleteMultipartUpload":
		req := in.(*s3api.CompleteMultipartUploadRequest)
		return &s3api.CompleteMultipartUploadOutput{Bucket: req.Bucket, Key: req.Key, Location: ptr("http://bucket.s3/" + *req.Key), ETag: ptr(`"final-2"`), VersionId: ptr("v9")}, nil
	case "DeleteObjects":
		req := in.(*s3api.DeleteObjectsRequest)
		out := &s3api.DeleteObjectsOutput{}
		for _, o := range req.Delete.Objects {
			if *o.Key == "locked" {
				out.Errors = append(out.Errors, s3api.Error{Key: o.Key, Code: ptr("AccessDenied"), Message: ptr("Access Denied")})
				continue
			}
			out.Deleted = append(out.Deleted, s3api.DeletedObject{Key: o.Key, VersionId: o.VersionId, DeleteMarker: ptr(true)})
		}
		return out, nil
	case "GetBucketLocation":
		if *in.(*s3api.GetBucketLocationRequest).Bucket == "us-east-1-bucket" {
			return &s3api.GetBucketLocationOutput{}, nil
		}
		return &s3api.GetBucketLocationOutput{LocationConstraint: ptr("eu-west-1")}, nil
	case "GetBucketAcl":
		return &s3api.GetBucketAclOutput{Owner: owner, Grants: []s3api.Grant{
			{Grantee: &s3api.Grantee{Type: ptr("CanonicalUser"), ID: owner.ID, DisplayName: ptr("me")}, Permission: ptr("FULL_CONTROL")},
			{Grantee: &s3api.Grantee{Type: ptr("Group"), URI: ptr("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: ptr("READ")},
		}}, nil
	case "PutBucketTagging":
		return nil, nil
	case "GetObjectTagging":
		return &s3api.GetObjectTaggingOutput{VersionId: ptr("v2"), TagSet: []s3api.Tag{{Key: ptr("k1"), Value: ptr("v1")}, {Key: ptr("k2"), Value: ptr("")}}}, nil
	case "GetBucketPolicy":
		return &s3api.GetBucketPolicyOutput{Policy: ptr(`{"Version":"2012-10-17","Statement":[]}`)}, nil
	case "PutBucketPolicy", "DeleteObject":
		return &s3api.DeleteObjectOutput{DeleteMarker: ptr(true), VersionId: ptr("dm-1")}, nil
	case "GetObjectRetention":
		return &s3api.GetObjectRetentionOutput{Retention: &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: &model.Timestamp{Time: s3Time}}}, nil
	}
	return nil, &awserr.Error{Code: "NotImplemented", Message: op, Status: 501}
}

func s3Client(url string, opts ...func(*s3.Options)) *s3.Client {
	o := s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	}
	for _, fn := range opts {
		fn(&o)
	}
	return s3.New(o)
}

func TestS3SDKRoundTrip(t *testing.T) {
	fake := newFakeS3(s3Responder)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := s3Client(srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("CreateBucket", func(t *testing.T) {
		out, err := client.CreateBucket(ctx, &s3.CreateBucketInput{
			Bucket:                    aws.String("bucket"),
			ACL:                       types.BucketCannedACLPrivate,
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1},
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "CreateBucket").(*s3api.CreateBucketRequest)
		want := &s3api.CreateBucketRequest{Bucket: ptr("bucket"), ACL: ptr("private"),
			CreateBucketConfiguration: &s3api.CreateBucketConfiguration{LocationConstraint: ptr("eu-west-1")}}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("decoded input\n got %+v\nwant %+v", in, want)
		}
		if aws.ToString(out.Location) != "/bucket" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("PutObject", func(t *testing.T) {
		body := []byte("some \x00 binary \xff content")
		_, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:                    aws.String("bucket"),
			Key:                       aws.String(weirdKey),
			Body:                      bytes.NewReader(body),
			ContentType:               aws.String("application/x-thing"),
			CacheControl:              aws.String("max-age=60"),
			Metadata:                  map[string]string{"Color": "blue", "with-dash": "a, b"},
			Tagging:                   aws.String("a=1&b=2"),
			StorageClass:              types.StorageClassStandardIa,
			ObjectLockRetainUntilDate: aws.Time(s3Time),
			ObjectLockMode:            types.ObjectLockModeGovernance,
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "PutObject").(*s3api.PutObjectRequest)
		if aws.ToString(in.Bucket) != "bucket" || aws.ToString(in.Key) != weirdKey || !bytes.Equal(readBody(in.Body), body) ||
			aws.ToString(in.ContentType) != "application/x-thing" || aws.ToString(in.CacheControl) != "max-age=60" ||
			!reflect.DeepEqual(in.Metadata, map[string]string{"color": "blue", "with-dash": "a, b"}) ||
			aws.ToString(in.Tagging) != "a=1&b=2" || aws.ToString(in.StorageClass) != "STANDARD_IA" ||
			in.ObjectLockRetainUntilDate == nil || !in.ObjectLockRetainUntilDate.Equal(s3Time) || aws.ToString(in.ObjectLockMode) != "GOVERNANCE" ||
			aws.ToInt64(in.ContentLength) != int64(len(body)) {
			t.Errorf("decoded input %+v", in)
		}
	})

	t.Run("GetObject", func(t *testing.T) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{
			Bucket:              aws.String("bucket"),
			Key:                 aws.String(weirdKey),
			Range:               aws.String("bytes=0-9"),
			IfModifiedSince:     aws.Time(s3Time2),
			ResponseContentType: aws.String("text/html"),
			ResponseExpires:     aws.Time(s3Time2),
			VersionId:           aws.String("v 1"),
		})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Body.Close()
		in := fake.last(t, "GetObject").(*s3api.GetObjectRequest)
		if aws.ToString(in.Key) != weirdKey || aws.ToString(in.Range) != "bytes=0-9" || in.IfModifiedSince == nil || !in.IfModifiedSince.Equal(s3Time2) ||
			aws.ToString(in.ResponseContentType) != "text/html" || in.ResponseExpires == nil || !in.ResponseExpires.Equal(s3Time2) ||
			aws.ToString(in.VersionId) != "v 1" {
			t.Errorf("decoded input %+v", in)
		}
		b, _ := io.ReadAll(out.Body)
		if string(b) != "hello, "+weirdKey || aws.ToInt64(out.ContentLength) != int64(len(b)) || aws.ToString(out.ContentType) != "text/plain; charset=utf-8" ||
			aws.ToString(out.ETag) != `"abc"` || !aws.ToTime(out.LastModified).Equal(s3Time2) || aws.ToInt32(out.TagCount) != 2 ||
			!reflect.DeepEqual(out.Metadata, map[string]string{"color": "blue", "x-y": "z"}) || aws.ToString(out.AcceptRanges) != "bytes" ||
			!aws.ToTime(out.ObjectLockRetainUntilDate).Equal(s3Time) || aws.ToString(out.ExpiresString) != s3Time2.Format(http.TimeFormat) {
			t.Errorf("output = %+v body %q", out, b)
		}
	})

	t.Run("HeadObject", func(t *testing.T) {
		out, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String("a/b")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToInt64(out.ContentLength) != 12345 || aws.ToString(out.ContentType) != "image/png" || out.StorageClass != types.StorageClassStandardIa ||
			aws.ToInt32(out.PartsCount) != 3 || out.Metadata["a"] != "1" || !aws.ToTime(out.LastModified).Equal(s3Time2) {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("ListObjectsV2", func(t *testing.T) {
		out, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket:            aws.String("bucket"),
			Prefix:            aws.String("photos/"),
			Delimiter:         aws.String("/"),
			MaxKeys:           aws.Int32(2),
			ContinuationToken: aws.String("tok/+=="),
			FetchOwner:        aws.Bool(true),
			StartAfter:        aws.String("photos/0"),
		})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "ListObjectsV2").(*s3api.ListObjectsV2Request)
		want := &s3api.ListObjectsV2Request{Bucket: ptr("bucket"), Prefix: ptr("photos/"), Delimiter: ptr("/"), MaxKeys: ptr(int32(2)),
			ContinuationToken: ptr("tok/+=="), FetchOwner: ptr(true), StartAfter: ptr("photos/0")}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("decoded input\n got %+v\nwant %+v", in, want)
		}
		if aws.ToString(out.Name) != "bucket" || aws.ToString(out.Prefix) != "photos/" || aws.ToInt32(out.KeyCount) != 2 || !aws.ToBool(out.IsTruncated) ||
			aws.ToString(out.NextContinuationToken) != "tok/+==" || len(out.Contents) != 2 || len(out.CommonPrefixes) != 2 {
			t.Fatalf("output = %+v", out)
		}
		c := out.Contents[0]
		if aws.ToString(c.Key) != "photos/a.jpg" || !aws.ToTime(c.LastModified).Equal(s3Time) || aws.ToInt64(c.Size) != 10 ||
			c.StorageClass != types.ObjectStorageClassStandard || aws.ToString(c.Owner.DisplayName) != "me" || aws.ToString(c.ETag) != `"1"` {
			t.Errorf("contents[0] = %+v", c)
		}
		if aws.ToString(out.Contents[1].Key) != "photos/<b>&.jpg" || aws.ToString(out.CommonPrefixes[1].Prefix) != "photos/2025/" {
			t.Errorf("contents[1] = %+v, prefixes %+v", out.Contents[1], out.CommonPrefixes)
		}
	})

	t.Run("Multipart", func(t *testing.T) {
		cr, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String("big/file.bin"), ContentType: aws.String("application/zip")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(cr.UploadId) != "upload-1" || aws.ToString(cr.Key) != "big/file.bin" || !aws.ToTime(cr.AbortDate).Equal(s3Time2) {
			t.Errorf("CreateMultipartUpload output = %+v", cr)
		}
		if in := fake.last(t, "CreateMultipartUpload").(*s3api.CreateMultipartUploadRequest); aws.ToString(in.ContentType) != "application/zip" {
			t.Errorf("CreateMultipartUpload input %+v", in)
		}
		up, err := client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bucket"), Key: aws.String("big/file.bin"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(2), Body: strings.NewReader("part two")})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "UploadPart").(*s3api.UploadPartRequest)
		if aws.ToInt32(in.PartNumber) != 2 || aws.ToString(in.UploadId) != "upload-1" || string(readBody(in.Body)) != "part two" || aws.ToString(up.ETag) != `"part-etag"` {
			t.Errorf("UploadPart in %+v out %+v", in, up)
		}
		lp, err := client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("bucket"), Key: aws.String("big/file.bin"), UploadId: cr.UploadId, MaxParts: aws.Int32(1000)})
		if err != nil {
			t.Fatal(err)
		}
		if len(lp.Parts) != 2 || aws.ToInt32(lp.Parts[1].PartNumber) != 2 || !aws.ToTime(lp.Parts[0].LastModified).Equal(s3Time) ||
			aws.ToInt64(lp.Parts[0].Size) != 5<<20 || aws.ToString(lp.UploadId) != "upload-1" || aws.ToString(lp.Initiator.ID) != aws.ToString(owner.ID) {
			t.Errorf("ListParts output = %+v", lp)
		}
		co, err := client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String("big/file.bin"), UploadId: cr.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(`"p1"`)}, {PartNumber: aws.Int32(2), ETag: aws.String(`"p2"`)}}}})
		if err != nil {
			t.Fatal(err)
		}
		cin := fake.last(t, "CompleteMultipartUpload").(*s3api.CompleteMultipartUploadRequest)
		wantParts := &s3api.CompletedMultipartUpload{Parts: []s3api.CompletedPart{{PartNumber: ptr(int32(1)), ETag: ptr(`"p1"`)}, {PartNumber: ptr(int32(2)), ETag: ptr(`"p2"`)}}}
		if !reflect.DeepEqual(cin.MultipartUpload, wantParts) || aws.ToString(cin.UploadId) != "upload-1" {
			t.Errorf("CompleteMultipartUpload input %+v", cin)
		}
		if aws.ToString(co.ETag) != `"final-2"` || aws.ToString(co.VersionId) != "v9" || aws.ToString(co.Location) != "http://bucket.s3/big/file.bin" {
			t.Errorf("CompleteMultipartUpload output = %+v", co)
		}
	})

	t.Run("DeleteObjects", func(t *testing.T) {
		out, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bucket"), Delete: &types.Delete{
			Objects: []types.ObjectIdentifier{{Key: aws.String("a & b")}, {Key: aws.String("locked")}, {Key: aws.String("v"), VersionId: aws.String("3")}},
			Quiet:   aws.Bool(false),
		}})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "DeleteObjects").(*s3api.DeleteObjectsRequest)
		want := &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("a & b")}, {Key: ptr("locked")}, {Key: ptr("v"), VersionId: ptr("3")}}, Quiet: ptr(false)}
		if !reflect.DeepEqual(in.Delete, want) {
			t.Errorf("decoded Delete\n got %+v\nwant %+v", in.Delete, want)
		}
		if len(out.Deleted) != 2 || aws.ToString(out.Deleted[0].Key) != "a & b" || !aws.ToBool(out.Deleted[0].DeleteMarker) ||
			aws.ToString(out.Deleted[1].VersionId) != "3" || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "AccessDenied" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("GetBucketLocation", func(t *testing.T) {
		out, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("bucket")})
		if err != nil {
			t.Fatal(err)
		}
		if out.LocationConstraint != types.BucketLocationConstraintEuWest1 {
			t.Errorf("output = %+v", out)
		}
		out, err = client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("us-east-1-bucket")})
		if err != nil {
			t.Fatal(err)
		}
		if out.LocationConstraint != "" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("GetBucketAcl", func(t *testing.T) {
		out, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("bucket")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Grants) != 2 || out.Grants[0].Grantee.Type != types.TypeCanonicalUser || out.Grants[0].Permission != types.PermissionFullControl ||
			out.Grants[1].Grantee.Type != types.TypeGroup || aws.ToString(out.Grants[1].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" ||
			aws.ToString(out.Owner.ID) != aws.ToString(owner.ID) {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("Tagging", func(t *testing.T) {
		_, err := client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("bucket"), Tagging: &types.Tagging{TagSet: []types.Tag{
			{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("empty"), Value: aws.String("")}}}})
		if err != nil {
			t.Fatal(err)
		}
		in := fake.last(t, "PutBucketTagging").(*s3api.PutBucketTaggingRequest)
		want := &s3api.Tagging{TagSet: []s3api.Tag{{Key: ptr("env"), Value: ptr("prod")}, {Key: ptr("empty"), Value: ptr("")}}}
		if !reflect.DeepEqual(in.Tagging, want) {
			t.Errorf("decoded Tagging %+v", in.Tagging)
		}
		out, err := client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("bucket"), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.VersionId) != "v2" || len(out.TagSet) != 2 || aws.ToString(out.TagSet[0].Key) != "k1" || out.TagSet[1].Value == nil {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("StringAndStructurePayloads", func(t *testing.T) {
		out, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("bucket")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Policy) != `{"Version":"2012-10-17","Statement":[]}` {
			t.Errorf("policy = %q", aws.ToString(out.Policy))
		}
		ret, err := client.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("bucket"), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		if ret.Retention == nil || ret.Retention.Mode != types.ObjectLockRetentionModeGovernance || !aws.ToTime(ret.Retention.RetainUntilDate).Equal(s3Time) {
			t.Errorf("retention = %+v", ret.Retention)
		}
	})

	t.Run("DeleteObject", func(t *testing.T) {
		out, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bucket"), Key: aws.String("x")})
		if err != nil {
			t.Fatal(err)
		}
		if !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) != "dm-1" {
			t.Errorf("output = %+v", out)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("missing")})
		var nsk *types.NoSuchKey
		if !errors.As(err, &nsk) || aws.ToString(nsk.Message) != "The specified key does not exist." {
			t.Fatalf("err = %T %v, want NoSuchKey", err, err)
		}
		var re interface {
			HTTPStatusCode() int
			ServiceRequestID() string
		}
		if !errors.As(err, &re) || re.HTTPStatusCode() != 404 || re.ServiceRequestID() != "req-1" {
			t.Errorf("status/request id of %v", err)
		}
		_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String("missing")})
		var nf *types.NotFound
		if !errors.As(err, &nf) {
			t.Fatalf("err = %T %v, want NotFound", err, err)
		}
		_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("taken")})
		var owned *types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) || !errors.As(err, &re) || re.HTTPStatusCode() != 409 {
			t.Fatalf("err = %T %v, want BucketAlreadyOwnedByYou 409", err, err)
		}
		_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("denied")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != "Access Denied" {
			t.Fatalf("err = %T %v", err, err)
		}
	})
}

// TestS3VirtualHostedStyle routes bucket.s3.hako.test requests to the test
// server and re-inserts the bucket from the host, as the server must.
func TestS3VirtualHostedStyle(t *testing.T) {
	fake := newFakeS3(s3Responder)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, srv.Listener.Addr().String())
	}}}
	client := s3Client("http://s3.hako.test:"+port, func(o *s3.Options) {
		o.UsePathStyle = false
		o.HTTPClient = hc
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("my-bucket"), Key: aws.String("a/b c")})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	in := fake.last(t, "GetObject").(*s3api.GetObjectRequest)
	if aws.ToString(in.Bucket) != "my-bucket" || aws.ToString(in.Key) != "a/b c" {
		t.Errorf("decoded input %+v", in)
	}
	if _, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("my-bucket")}); err != nil {
		t.Fatal(err)
	}
	if in := fake.last(t, "ListObjectsV2").(*s3api.ListObjectsV2Request); aws.ToString(in.Bucket) != "my-bucket" {
		t.Errorf("decoded input %+v", in)
	}
}

// TestS3RawRequests covers clients that send no x-id, and malformed bodies.
func TestS3RawRequests(t *testing.T) {
	fake := newFakeS3(s3Responder)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	do := func(method, path, body string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := do("GET", "/bucket/missing", "")
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/xml" || resp.Header.Get("X-Amz-Request-Id") != "req-1" ||
		body != xmlHeader+"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing</Key><Resource>/bucket/missing</Resource><RequestId>req-1</RequestId></Error>" {
		t.Errorf("NoSuchKey: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	resp, body = do("GET", "/bucket?location", "")
	if resp.StatusCode != 200 || body != xmlHeader+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>` {
		t.Errorf("GetBucketLocation: %d %s", resp.StatusCode, body)
	}
	resp, body = do("GET", "/us-east-1-bucket?location", "")
	if body != xmlHeader+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>` {
		t.Errorf("GetBucketLocation us-east-1: %d %s", resp.StatusCode, body)
	}
	resp, body = do("GET", "/bucket?acl", "")
	if !strings.Contains(body, `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">`) {
		t.Errorf("GetBucketAcl: %s", body)
	}
	// DeleteObjects without x-id, with a DOCTYPE: refused.
	resp, body = do("POST", "/bucket?delete", `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>`)
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>MalformedXML</Code>") {
		t.Errorf("DOCTYPE: %d %s", resp.StatusCode, body)
	}
	resp, body = do("POST", "/bucket?delete", `<Delete><Object><Key>k1</Key></Object><Object><Key>k2</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>`)
	in := fake.last(t, "DeleteObjects").(*s3api.DeleteObjectsRequest)
	if resp.StatusCode != 200 || len(in.Delete.Objects) != 2 || !aws.ToBool(in.Delete.Quiet) || aws.ToString(in.Delete.Objects[1].VersionId) != "v" {
		t.Errorf("DeleteObjects: %d %s %+v", resp.StatusCode, body, in.Delete)
	}
	resp, _ = do("POST", "/bucket?delete", `<Delete><Quiet>maybe</Quiet></Delete>`)
	if resp.StatusCode != 400 {
		t.Errorf("bad bool: %d", resp.StatusCode)
	}
	resp, _ = do("GET", "/bucket?list-type=2&max-keys=many", "")
	if resp.StatusCode != 400 {
		t.Errorf("bad max-keys: %d", resp.StatusCode)
	}
	// No x-id: query parameters and headers pick the operation.
	do("PUT", "/bucket/k?partNumber=3&uploadId=u", "data")
	if in := fake.last(t, "UploadPart").(*s3api.UploadPartRequest); aws.ToInt32(in.PartNumber) != 3 || string(readBody(in.Body)) != "data" {
		t.Errorf("UploadPart %+v", in)
	}
	do("PUT", "/bucket/k", "", "x-amz-copy-source", "/src/k")
	if in := fake.last(t, "CopyObject").(*s3api.CopyObjectRequest); aws.ToString(in.CopySource) != "/src/k" {
		t.Errorf("CopyObject %+v", in)
	}
	resp, _ = do("PATCH", "/bucket/k", "")
	if resp.StatusCode != 405 {
		t.Errorf("PATCH: %d", resp.StatusCode)
	}
	// HEAD errors have no body; the SDK maps the status.
	resp, body = do("HEAD", "/bucket/missing", "")
	if resp.StatusCode != 404 || body != "" {
		t.Errorf("HEAD missing: %d %q", resp.StatusCode, body)
	}
	// 204 responses have no body.
	resp, body = do("DELETE", "/bucket/x", "")
	if resp.StatusCode != 204 || body != "" || resp.Header.Get("X-Amz-Delete-Marker") != "true" {
		t.Errorf("DeleteObject: %d %q %v", resp.StatusCode, body, resp.Header)
	}
}

// readBody reads a streaming payload the codec handed to the service.
func readBody(rc io.ReadCloser) []byte {
	if rc == nil {
		return nil
	}
	b, _ := io.ReadAll(rc)
	return b
}
