package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hako-dev/hako/internal/config"
	"github.com/hako-dev/hako/internal/model/s3api"
	"github.com/hako-dev/hako/internal/protocol/awserr"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
	"github.com/hako-dev/hako/internal/protocol/restxml"
	"github.com/hako-dev/hako/internal/protocol/sigv4"
	"github.com/hako-dev/hako/internal/service/s3"
)

// serveS3Post serves browser-based uploads (POST with a policy, from an
// HTML form).
//
// The request is POST /BUCKET (path style, or / of a virtual host) with a
// multipart/form-data body: fields, then the file part; fields after the
// file are ignored, as S3 does. The fields before the file (at most
// s3.MaxPostPreData bytes) are held in memory, the file is streamed to the
// service. A form with a policy is authenticated by the policy's signature
// (SigV4 x-amz-* fields, or SigV2 AWSAccessKeyId/signature), verified
// whenever the access key is known; a form without one is anonymous,
// accepted unless auth is strict (S3 accepts it only for public buckets).
func (s *Server) serveS3Post(w http.ResponseWriter, r *http.Request) bool {
	bucket, ok := s3PostBucket(r)
	if !ok {
		return false
	}
	reqID := uuid.NewString()
	info := s.newInfo(r, reqID, "restXml")
	info.Service, info.Operation = "s3", "PostObject"
	writeErr := func(e *awserr.Error) {
		s.s3CORSHeaders(w, r)
		restxml.WriteError(w, s3api.Service, reqID, e)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeErr(malformedPost())
		return true
	}
	var (
		fields []s3.PostField
		budget = s3.MaxPostPreData
		file   io.Reader
		form   s3.PostForm
	)
	for file == nil {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			writeErr(awserr.As(s3.PostNoFile()))
			return true
		}
		if err != nil {
			writeErr(malformedPost())
			return true
		}
		name := part.FormName()
		if strings.EqualFold(name, "file") {
			file = part
			_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			form.Filename, form.HasFilename = params["filename"]
			break
		}
		v, err := io.ReadAll(io.LimitReader(part, int64(budget)+1))
		if err != nil {
			writeErr(malformedPost())
			return true
		}
		budget -= len(name) + len(v) + 64 // boundary and part headers
		if budget < 0 {
			writeErr(awserr.As(s3.PostPreDataTooLarge()))
			return true
		}
		if name != "" {
			fields = append(fields, s3.PostField{Name: name, Value: string(v)})
		}
	}
	form.Fields = fields
	if e := s.authenticatePost(fields, info); e != nil {
		writeErr(e)
		return true
	}
	form.BucketURL = info.Scheme + "://" + info.Host
	if !s3VirtualHosted(r) {
		form.BucketURL += "/" + bucket
	}
	res, err := s.s3.PostObject(reqinfo.With(r.Context(), info), bucket, form, file)
	if err != nil {
		writeErr(s.apiError(err, info))
		return true
	}
	s.s3CORSHeaders(w, r)
	h := w.Header()
	h.Set("x-amz-request-id", reqID)
	h.Set("x-amz-id-2", reqID)
	h.Set("ETag", res.ETag)
	if res.VersionID != "" {
		h.Set("x-amz-version-id", res.VersionID)
	}
	if res.Checksum != "" {
		h.Set("x-amz-checksum-"+strings.ToLower(res.ChecksumAlgorithm), res.Checksum)
		h.Set("x-amz-checksum-type", "FULL_OBJECT")
	}
	if res.SSE != "" {
		h.Set("x-amz-server-side-encryption", res.SSE)
	}
	if res.SSEKMSKeyID != "" {
		h.Set("x-amz-server-side-encryption-aws-kms-key-id", res.SSEKMSKeyID)
	}
	if res.BucketKeyEnabled {
		h.Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
	}
	switch res.Status {
	case http.StatusSeeOther:
		h.Set("Location", res.Redirect)
		h.Set("Content-Length", "0")
		w.WriteHeader(res.Status)
	case http.StatusCreated:
		var b bytes.Buffer
		b.WriteString(xml.Header[:len(xml.Header)-1])
		b.WriteString("\n<PostResponse>")
		for _, e := range [][2]string{{"Location", res.Location}, {"Bucket", res.Bucket}, {"Key", res.Key}, {"ETag", res.ETag}} {
			b.WriteString("<" + e[0] + ">")
			xml.EscapeText(&b, []byte(e[1]))
			b.WriteString("</" + e[0] + ">")
		}
		b.WriteString("</PostResponse>")
		h.Set("Location", res.Location)
		h.Set("Content-Type", restxml.ContentType)
		h.Set("Content-Length", strconv.Itoa(b.Len()))
		w.WriteHeader(res.Status)
		w.Write(b.Bytes())
	default:
		h.Set("Location", res.Location)
		if res.Status == http.StatusOK {
			h.Set("Content-Length", "0")
		}
		w.WriteHeader(res.Status)
	}
	return true
}

// s3PostBucket returns the bucket of a browser upload: POST /BUCKET with
// no subresource, not meant for another service.
func s3PostBucket(r *http.Request) (string, bool) {
	if r.URL.RawQuery != "" || r.Header.Get("X-Amz-Target") != "" || r.Header.Get("Authorization") != "" {
		return "", false
	}
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" || strings.Contains(p, "/") {
		return "", false
	}
	b, err := url.PathUnescape(p)
	if err != nil || b == "" || strings.Contains(b, "/") {
		return "", false
	}
	return b, true
}

func malformedPost() *awserr.Error {
	return awserr.New("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.").WithStatus(http.StatusBadRequest)
}

func postArgError(msg, name, value string) *awserr.Error {
	e := awserr.New("InvalidArgument", msg).WithStatus(http.StatusBadRequest)
	e.Fields = map[string]any{"ArgumentName": name, "ArgumentValue": value}
	return e
}

// authenticatePost checks the signature of a form's policy and fills in
// the caller.
func (s *Server) authenticatePost(fields []s3.PostField, info *reqinfo.Info) *awserr.Error {
	get := func(name string) (string, bool) {
		for _, f := range fields {
			if strings.EqualFold(f.Name, name) {
				return f.Value, true
			}
		}
		return "", false
	}
	strict := s.cfg.Auth == config.AuthStrict
	info.Account, info.Region = config.DefaultAccount, s.cfg.Region
	policy, _ := get("policy")
	v4 := []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature"}
	v2 := []string{"AWSAccessKeyId", "Signature"}
	present := func(names []string) bool {
		for _, n := range names {
			if _, ok := get(n); ok {
				return true
			}
		}
		return false
	}
	requireAll := func(names []string) *awserr.Error {
		for _, n := range append(names, "Policy") {
			if _, ok := get(n); !ok {
				return awserr.As(s3.PostMissingField(n))
			}
		}
		return nil
	}
	// sign computes the signature of the policy with a secret key.
	var akid, sent string
	var sign func(secret string) string
	switch {
	case present(v4):
		if e := requireAll(v4); e != nil {
			return e
		}
		alg, _ := get("X-Amz-Algorithm")
		cred, _ := get("X-Amz-Credential")
		date, _ := get("X-Amz-Date")
		sent, _ = get("X-Amz-Signature")
		if alg != sigv4.Algorithm {
			return postArgError(`X-Amz-Algorithm only supports "`+sigv4.Algorithm+`"`, "X-Amz-Algorithm", alg)
		}
		parts := strings.Split(cred, "/")
		if len(parts) != 5 || parts[4] != sigv4.Terminator {
			return postArgError(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, "X-Amz-Credential", cred)
		}
		if parts[0] == "" {
			return postArgError("a non-empty Access Key (AKID) must be provided in the credential.", "X-Amz-Credential", cred)
		}
		if _, err := time.Parse(sigv4.TimeFormat, date); err != nil {
			return postArgError("X-Amz-Date must be formated via ISO8601 Long format", "X-Amz-Date", date)
		}
		akid = parts[0]
		info.Region = parts[2]
		sign = func(secret string) string {
			mac := hmac.New(sha256.New, sigv4.SigningKey(secret, parts[1], parts[2], parts[3]))
			mac.Write([]byte(policy))
			return hex.EncodeToString(mac.Sum(nil))
		}
	case present(v2):
		if e := requireAll(v2); e != nil {
			return e
		}
		akid, _ = get("AWSAccessKeyId")
		sent, _ = get("Signature")
		sign = func(secret string) string {
			mac := hmac.New(sha1.New, []byte(secret))
			mac.Write([]byte(policy))
			return base64.StdEncoding.EncodeToString(mac.Sum(nil))
		}
	default:
		if strict {
			return awserr.New("AccessDenied", "Access Denied").WithStatus(http.StatusForbidden)
		}
		return nil
	}
	info.AccessKeyID = akid
	key, known := s.keys[akid]
	switch {
	case known:
		info.Account = key.Account
	case config.IsAccountID(akid):
		info.Account = akid
	}
	if !known {
		if strict {
			e := awserr.New("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.").WithStatus(http.StatusForbidden)
			e.Fields = map[string]any{"AWSAccessKeyId": akid}
			return e
		}
		return nil
	}
	want, got := sign(key.Secret), sent
	if len(want) == 64 {
		got = strings.ToLower(got) // SigV4: hex, in any case
	}
	if !hmac.Equal([]byte(want), []byte(got)) {
		e := awserr.New("SignatureDoesNotMatch", sigv4.MsgS3SignatureDoesNotMatch).WithStatus(http.StatusForbidden)
		e.Fields = map[string]any{"AWSAccessKeyId": akid, "StringToSign": policy, "SignatureProvided": sent, "StringToSignBytes": sigv4.HexBytes(policy)}
		return e
	}
	return nil
}
