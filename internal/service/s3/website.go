package s3

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/model/s3api"
)

// Static website hosting: the configuration (PutBucketWebsite, ...) and
// the website endpoint's answers (Website), as S3 gives them: index
// documents, the error document, redirects (all requests, routing rules,
// objects with x-amz-website-redirect-location) and HTML error pages.
// hako serves every object of a website bucket to anyone: it does not
// require the public-read bucket policy a real website endpoint needs.

// PutBucketWebsite sets the bucket's website configuration.
func (s *Service) PutBucketWebsite(ctx context.Context, in *s3api.PutBucketWebsiteRequest) error {
	c := in.WebsiteConfiguration
	if c == nil {
		return cfgMalformed()
	}
	if err := checkWebsite(c); err != nil {
		return err
	}
	return s.putConfig(ctx, deref(in.Bucket), cfgKindWebsite, c)
}

const webProtocolMsg = "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."

func checkWebsite(c *s3api.WebsiteConfiguration) error {
	if ra := c.RedirectAllRequestsTo; ra != nil {
		if c.IndexDocument != nil || c.ErrorDocument != nil || c.RoutingRules != nil {
			return cfgInvalidArg("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", "RedirectAllRequestsTo", "not null")
		}
		if deref(ra.HostName) == "" {
			return cfgMalformed()
		}
		if p := ra.Protocol; p != nil && *p != "http" && *p != "https" {
			return cfgInvalidRequest(webProtocolMsg)
		}
		return nil
	}
	if c.IndexDocument == nil {
		return cfgInvalidArg("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty", "IndexDocument", "null")
	}
	if sfx := deref(c.IndexDocument.Suffix); sfx == "" || strings.Contains(sfx, "/") {
		v := sfx
		if v == "" {
			v = "null"
		}
		return cfgInvalidArg("The IndexDocument Suffix is not well formed", "IndexDocument", v)
	}
	if c.ErrorDocument != nil && deref(c.ErrorDocument.Key) == "" {
		return cfgMalformed()
	}
	if len(c.RoutingRules) > 50 {
		return cfgMalformed()
	}
	for _, r := range c.RoutingRules {
		rd := r.Redirect
		if rd == nil {
			return cfgMalformed()
		}
		if rd.ReplaceKeyPrefixWith != nil && rd.ReplaceKeyWith != nil {
			return cfgInvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
		}
		if cond := r.Condition; cond != nil {
			if cond.KeyPrefixEquals == nil && cond.HttpErrorCodeReturnedEquals == nil {
				return cfgInvalidRequest("Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.")
			}
			if ec := cond.HttpErrorCodeReturnedEquals; ec != nil {
				if n, err := strconv.Atoi(*ec); err != nil || n < 400 || n > 599 {
					return cfgInvalidRequest("The provided HTTP error code (" + *ec + ") is not valid. Valid codes are 4XX or 5XX.")
				}
			}
		}
		if p := rd.Protocol; p != nil && *p != "http" && *p != "https" {
			return cfgInvalidRequest(webProtocolMsg)
		}
		if rc := rd.HttpRedirectCode; rc != nil {
			if n, err := strconv.Atoi(*rc); err != nil || n < 301 || n > 399 {
				return cfgInvalidRequest("The provided HTTP redirect code (" + *rc + ") is not valid. Valid codes are 3XX except 300.")
			}
		}
	}
	return nil
}

// GetBucketWebsite returns the bucket's website configuration.
func (s *Service) GetBucketWebsite(ctx context.Context, in *s3api.GetBucketWebsiteRequest) (*s3api.GetBucketWebsiteOutput, error) {
	var c s3api.WebsiteConfiguration
	found, err := s.getConfig(ctx, deref(in.Bucket), cfgKindWebsite, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cfgNotFound("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", deref(in.Bucket))
	}
	return &s3api.GetBucketWebsiteOutput{ErrorDocument: c.ErrorDocument, IndexDocument: c.IndexDocument,
		RedirectAllRequestsTo: c.RedirectAllRequestsTo, RoutingRules: c.RoutingRules}, nil
}

// DeleteBucketWebsite removes the bucket's website configuration.
func (s *Service) DeleteBucketWebsite(ctx context.Context, in *s3api.DeleteBucketWebsiteRequest) error {
	return s.deleteConfig(ctx, deref(in.Bucket), cfgKindWebsite)
}

// WebsiteRequest is a request to a bucket's website endpoint.
type WebsiteRequest struct {
	Bucket string
	// Path is the decoded URL path below the endpoint, starting with "/".
	Path   string
	Method string
	// Scheme ("http" or "https") and Host (as the client sent it) make
	// the Location of redirects to the endpoint itself.
	Scheme, Host string
	// Base prefixes the paths of such redirects: "" at a website host,
	// "/_hako/s3-website/BUCKET" on hako's path-style endpoint.
	Base string
	// Header holds the request's headers (conditional and range reads).
	Header    http.Header
	RequestID string
}

// WebsiteResponse is the endpoint's answer. Body is nil when there is
// none (redirects, HEAD); the caller closes it.
type WebsiteResponse struct {
	Status int
	Header http.Header
	Body   io.ReadCloser
}

// Website answers a request to the bucket's website endpoint. Errors are
// only internal failures: S3 errors are HTML pages in the response.
func (s *Service) Website(ctx context.Context, req *WebsiteRequest) (*WebsiteResponse, error) {
	var cfg s3api.WebsiteConfiguration
	found, err := s.getConfig(ctx, req.Bucket, cfgKindWebsite, &cfg)
	if err != nil {
		if ae := asS3Err(err); ae != nil && ae.Code == "NoSuchBucket" {
			return webErrorPage(req, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", [][2]string{{"BucketName", req.Bucket}}, nil), nil
		}
		return nil, err
	}
	if !found {
		return webErrorPage(req, http.StatusNotFound, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration",
			[][2]string{{"BucketName", req.Bucket}}, nil), nil
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return webErrorPage(req, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.",
			[][2]string{{"Method", req.Method}, {"ResourceType", "OBJECT"}}, nil), nil
	}
	if ra := cfg.RedirectAllRequestsTo; ra != nil {
		proto := deref(ra.Protocol)
		if proto == "" {
			proto = req.Scheme
		}
		return webRedirectTo(http.StatusMovedPermanently, proto+"://"+deref(ra.HostName)+webEscape(req.Path)), nil
	}
	key := strings.TrimPrefix(req.Path, "/")
	if r, prefix := webRoutingRule(cfg.RoutingRules, key, 0); r != nil {
		return webRedirect(req, r.Redirect, key, prefix), nil
	}
	suffix := ""
	if cfg.IndexDocument != nil {
		suffix = deref(cfg.IndexDocument.Suffix)
	}
	lookup := key
	if key == "" || strings.HasSuffix(key, "/") {
		lookup += suffix
	}
	o, err := s.readTarget(ctx, req.Bucket, lookup, "")
	if err == nil {
		return s.webServe(req, o, http.StatusOK)
	}
	ae := asS3Err(err)
	if ae == nil {
		return nil, err
	}
	if ae.Code != "NoSuchKey" {
		return webErrorPage(req, ae.Status, ae.Code, ae.Message, nil, nil), nil
	}
	// A "folder" without its slash: its index document answers at key/.
	if key != "" && !strings.HasSuffix(key, "/") && suffix != "" {
		if _, err := s.readTarget(ctx, req.Bucket, key+"/"+suffix, ""); err == nil {
			return webRedirectTo(http.StatusFound, webEscape(req.Base+"/"+key+"/")), nil
		}
	}
	if r, prefix := webRoutingRule(cfg.RoutingRules, key, http.StatusNotFound); r != nil {
		return webRedirect(req, r.Redirect, key, prefix), nil
	}
	notFound := [][2]string{{"Key", lookup}}
	if ed := cfg.ErrorDocument; ed != nil {
		eo, err := s.readTarget(ctx, req.Bucket, deref(ed.Key), "")
		if err == nil {
			return s.webServe(req, eo, http.StatusNotFound)
		}
		eae := asS3Err(err)
		if eae == nil {
			return nil, err
		}
		return webErrorPage(req, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", notFound,
			&webDocError{code: eae.Code, msg: eae.Message, key: deref(ed.Key)}), nil
	}
	return webErrorPage(req, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", notFound, nil), nil
}

// webRoutingRule returns the first routing rule whose condition holds for
// key: before the object is read (status 0) the rules without an error
// code, after an error the rules for its status. prefix is the matched
// KeyPrefixEquals.
func webRoutingRule(rules []s3api.RoutingRule, key string, status int) (*s3api.RoutingRule, string) {
	for i := range rules {
		r := &rules[i]
		c := r.Condition
		if c == nil {
			if status == 0 {
				return r, ""
			}
			continue
		}
		if c.HttpErrorCodeReturnedEquals != nil {
			if status == 0 || *c.HttpErrorCodeReturnedEquals != strconv.Itoa(status) {
				continue
			}
		} else if status != 0 {
			continue
		}
		prefix := deref(c.KeyPrefixEquals)
		if strings.HasPrefix(key, prefix) {
			return r, prefix
		}
	}
	return nil, ""
}

func webRedirect(req *WebsiteRequest, rd *s3api.Redirect, key, prefix string) *WebsiteResponse {
	if rd == nil {
		rd = &s3api.Redirect{}
	}
	proto := deref(rd.Protocol)
	if proto == "" {
		proto = req.Scheme
	}
	host, base := deref(rd.HostName), ""
	if host == "" {
		host, base = req.Host, req.Base
	}
	newKey := key
	if rd.ReplaceKeyWith != nil {
		newKey = *rd.ReplaceKeyWith
	} else if rd.ReplaceKeyPrefixWith != nil {
		newKey = *rd.ReplaceKeyPrefixWith + strings.TrimPrefix(key, prefix)
	}
	code := http.StatusMovedPermanently
	if rd.HttpRedirectCode != nil {
		if n, err := strconv.Atoi(*rd.HttpRedirectCode); err == nil {
			code = n
		}
	}
	return webRedirectTo(code, proto+"://"+host+webEscape(base+"/"+newKey))
}

func webRedirectTo(status int, location string) *WebsiteResponse {
	h := http.Header{}
	h.Set("Location", location)
	h.Set("Content-Length", "0")
	return &WebsiteResponse{Status: status, Header: h}
}

// webEscape escapes a path for a Location header.
func webEscape(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// webServe answers with an object: its body (status 200, or 404 for the
// error document), or the redirect it names.
func (s *Service) webServe(req *WebsiteRequest, o *object, status int) (*WebsiteResponse, error) {
	if o.meta.WebsiteRedirect != "" {
		return webRedirectTo(http.StatusMovedPermanently, o.meta.WebsiteRedirect), nil
	}
	h := http.Header{}
	m := &o.meta
	h.Set("Content-Type", m.ContentType)
	h.Set("ETag", quoteETag(o.etag))
	h.Set("Last-Modified", o.modified.UTC().Format(http.TimeFormat))
	for k, v := range map[string]string{"Cache-Control": m.CacheControl, "Content-Encoding": m.ContentEncoding,
		"Content-Disposition": m.ContentDisposition, "Content-Language": m.ContentLanguage, "Expires": m.Expires} {
		if v != "" {
			h.Set(k, v)
		}
	}
	for k, v := range m.User {
		h.Set("x-amz-meta-"+k, v)
	}
	rng, ranged := byteRange{0, o.size}, false
	if status == http.StatusOK {
		h.Set("Accept-Ranges", "bytes")
		cond := readCond{}
		if v := req.Header.Get("If-Match"); v != "" {
			cond.ifMatch = &v
		}
		if v := req.Header.Get("If-None-Match"); v != "" {
			cond.ifNoneMatch = &v
		}
		if t, err := http.ParseTime(req.Header.Get("If-Modified-Since")); err == nil {
			cond.ifModifiedSince = &model.Timestamp{Time: t}
		}
		if t, err := http.ParseTime(req.Header.Get("If-Unmodified-Since")); err == nil {
			cond.ifUnmodifiedSin = &model.Timestamp{Time: t}
		}
		st, err := cond.check(o)
		if err != nil {
			ae := asS3Err(err)
			return webErrorPage(req, ae.Status, ae.Code, ae.Message, nil, nil), nil
		}
		if st == http.StatusNotModified {
			h.Del("Content-Type")
			return &WebsiteResponse{Status: st, Header: h}, nil
		}
		if rh := req.Header.Get("Range"); rh != "" {
			r, ok, err := parseRange(rh, o.size)
			if err != nil {
				ae := asS3Err(err)
				return webErrorPage(req, ae.Status, ae.Code, ae.Message, nil, nil), nil
			}
			if ok {
				rng, ranged = r, true
				status = http.StatusPartialContent
				h.Set("Content-Range", "bytes "+itoa64(r.start)+"-"+itoa64(r.start+r.length-1)+"/"+itoa64(o.size))
			}
		}
	}
	h.Set("Content-Length", itoa64(rng.length))
	resp := &WebsiteResponse{Status: status, Header: h}
	if req.Method == http.MethodHead || o.blobID == "" || rng.length == 0 {
		return resp, nil
	}
	r, err := s.blobs.Open(o.blobID)
	if err != nil {
		return nil, err
	}
	if ranged {
		resp.Body = sectionReadCloser{io.NewSectionReader(r, rng.start, rng.length), r}
	} else {
		resp.Body = r
	}
	return resp, nil
}

// webDocError is the failure to read the error document.
type webDocError struct{ code, msg, key string }

// webErrorPage is S3's HTML error page.
func webErrorPage(req *WebsiteRequest, status int, code, msg string, fields [][2]string, docErr *webDocError) *WebsiteResponse {
	if status == 0 {
		status = http.StatusBadRequest
	}
	title := strconv.Itoa(status) + " " + http.StatusText(status)
	var b bytes.Buffer
	li := func(k, v string) { b.WriteString("<li>" + k + ": " + html.EscapeString(v) + "</li>\n") }
	b.WriteString("<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title + "</h1>\n<ul>\n")
	li("Code", code)
	li("Message", msg)
	for _, f := range fields {
		li(f[0], f[1])
	}
	li("RequestId", req.RequestID)
	li("HostId", webHostID(req.RequestID))
	b.WriteString("</ul>\n")
	if docErr != nil {
		b.WriteString("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n")
		li("Code", docErr.code)
		li("Message", docErr.msg)
		if docErr.code == "NoSuchKey" {
			li("Key", docErr.key)
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("<hr/>\n</body>\n</html>\n")
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("x-amz-error-code", code)
	h.Set("x-amz-error-message", msg)
	resp := &WebsiteResponse{Status: status, Header: h}
	if req.Method != http.MethodHead {
		resp.Body = io.NopCloser(&b)
	}
	return resp
}

// webHostID is a stand-in for S3's extended request id.
func webHostID(reqID string) string {
	if reqID == "" {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return "hako/" + reqID
}
