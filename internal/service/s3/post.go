package s3

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hako-dev/hako/internal/model"
	"github.com/hako-dev/hako/internal/protocol/reqinfo"
)

// PostField is one field of a browser upload form, as sent.
type PostField struct{ Name, Value string }

// PostForm is a browser-based upload (POST Object): the form fields that
// came before the file part, and the file part's name. The caller has
// authenticated the form (checked the policy's signature); PostObject
// enforces the policy itself.
type PostForm struct {
	// Fields are the fields before the file, in order, names as sent
	// (they are matched case-insensitively).
	Fields []PostField
	// Filename is the file part's filename parameter, if HasFilename.
	Filename    string
	HasFilename bool
	// BucketURL is the URL the form was posted to, without a trailing
	// slash (http://host/bucket or http://bucket.s3.host): the object's
	// URL is BucketURL/KEY.
	BucketURL string
}

// PostResult is the answer to a browser upload.
type PostResult struct {
	// Status is 200, 201, 204 or 303 (success_action_redirect).
	Status int
	// Redirect is the Location of a 303.
	Redirect string
	// Location is the object's URL.
	Location string
	Bucket   string
	Key      string
	// ETag is quoted.
	ETag      string
	VersionID string
	// ChecksumAlgorithm (CRC64NVME, ...) and Checksum (base64) of the object.
	ChecksumAlgorithm string
	Checksum          string
	SSE               string
	SSEKMSKeyID       string
	BucketKeyEnabled  bool
}

// MaxPostPreData is the most bytes of form fields S3 accepts before the
// file part.
const MaxPostPreData = 20480

// PostPreDataTooLarge is S3's answer to form fields beyond MaxPostPreData.
func PostPreDataTooLarge() error {
	return s3Err("MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.", http.StatusBadRequest,
		"MaxPostPreDataLengthBytes", strconv.Itoa(MaxPostPreData))
}

// PostMissingField is S3's answer to a form without a required field (or
// with the field after the file).
func PostMissingField(name string) error {
	return s3Err("InvalidArgument", "Bucket POST must contain a field named '"+name+"'.  If it is specified, please check the order of the fields.",
		http.StatusBadRequest, "ArgumentName", name, "ArgumentValue", "")
}

// PostNoFile is S3's answer to a form without a file part.
func PostNoFile() error {
	return s3Err("InvalidArgument", "POST requires exactly one file upload per request.", http.StatusBadRequest, "ArgumentName", "file", "ArgumentValue", "0")
}

// postValues are a form's fields by lower-cased name; repeated fields are
// joined with commas, as S3 matches them.
type postValues struct {
	vals  map[string]string
	order []string // lower-cased names, first appearance
}

func newPostValues(fields []PostField) postValues {
	v := postValues{vals: map[string]string{}}
	for _, f := range fields {
		n := strings.ToLower(f.Name)
		if old, ok := v.vals[n]; ok {
			v.vals[n] = old + "," + f.Value
			continue
		}
		v.vals[n] = f.Value
		v.order = append(v.order, n)
	}
	return v
}

func (v postValues) get(name string) (string, bool) {
	s, ok := v.vals[name]
	return s, ok
}

func (v postValues) ptr(name string) *string {
	if s, ok := v.vals[name]; ok {
		return &s
	}
	return nil
}

// PostObject stores the file of a browser upload: it checks the form's
// policy (expiration, conditions, fields no condition covers, the size
// range), applies the fields as PutObject applies headers, streams file to
// a blob and commits it with an s3:ObjectCreated:Post event.
func (s *Service) PostObject(ctx context.Context, bucketName string, form PostForm, file io.Reader) (*PostResult, error) {
	ri := reqinfo.From(ctx)
	form.Fields = slices.Clone(form.Fields)
	if form.HasFilename {
		name := form.Filename
		if i := strings.LastIndexAny(name, `/\`); i >= 0 {
			name = name[i+1:]
		}
		for i := range form.Fields {
			form.Fields[i].Value = strings.ReplaceAll(form.Fields[i].Value, "${filename}", name)
		}
	}
	vals := newPostValues(form.Fields)
	key, ok := vals.get("key")
	if !ok {
		return nil, PostMissingField("key")
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if _, err := s.bucketOf(ctx, bucketName); err != nil {
		return nil, err
	}
	size := sizeRange{min: 0, max: maxPutSize}
	if policy, ok := vals.get("policy"); ok {
		p, err := parsePostPolicy(policy)
		if err != nil {
			return nil, err
		}
		if size, err = p.check(s.clk.Now(), bucketName, vals); err != nil {
			return nil, err
		}
	}
	hm := headerMeta{
		contentType: vals.ptr("content-type"), contentEncoding: vals.ptr("content-encoding"),
		contentDisposition: vals.ptr("content-disposition"), contentLanguage: vals.ptr("content-language"),
		cacheControl: vals.ptr("cache-control"), websiteRedirect: vals.ptr("x-amz-website-redirect-location"),
		storageClass: vals.ptr("x-amz-storage-class"), sse: vals.ptr("x-amz-server-side-encryption"),
		sseKMSKeyID: vals.ptr("x-amz-server-side-encryption-aws-kms-key-id"),
		lockMode:    vals.ptr("x-amz-object-lock-mode"), legalHold: vals.ptr("x-amz-object-lock-legal-hold"),
	}
	if v, ok := vals.get("expires"); ok {
		if t, err := http.ParseTime(v); err == nil {
			hm.expires = &model.Timestamp{Time: t}
		}
	}
	if v, ok := vals.get("x-amz-object-lock-retain-until-date"); ok {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			hm.lockUntil = &model.Timestamp{Time: t}
		}
	}
	if v, ok := vals.get("x-amz-server-side-encryption-bucket-key-enabled"); ok {
		hm.bucketKey = ptr(strings.EqualFold(v, "true"))
	}
	for _, n := range vals.order {
		if m, ok := strings.CutPrefix(n, "x-amz-meta-"); ok && m != "" {
			if hm.metadata == nil {
				hm.metadata = map[string]string{}
			}
			hm.metadata[m] = mimeWord(vals.vals[n])
		}
	}
	meta, err := hm.build(ri.Account, false)
	if err != nil {
		return nil, err
	}
	if v, ok := vals.get("tagging"); ok {
		tags, err := parsePostTagging(v)
		if err != nil {
			return nil, err
		}
		meta.Tags = tags
	}
	sums := checksumHeaders{}
	for _, a := range checksumAlgs {
		if v, ok := vals.get("x-amz-checksum-" + strings.ToLower(a.name)); ok {
			sums[a.name] = v
		}
	}
	up, err := s.ingest(ctx, body{r: io.NopCloser(file), checksums: sums, sdkAlgorithm: vals.ptr("x-amz-checksum-algorithm"), contentMD5: vals.ptr("content-md5"), size: &size})
	if err != nil {
		return nil, err
	}
	o, err := s.storeIngested(ctx, bucketName, key, up, meta, writeCond{}, "ObjectCreated:Post")
	if err != nil {
		return nil, err
	}
	res := &PostResult{
		Status: http.StatusNoContent, Location: form.BucketURL + "/" + uriEscape(key), Bucket: bucketName, Key: key,
		ETag: quoteETag(o.etag), ChecksumAlgorithm: o.meta.ChecksumAlgorithm, Checksum: o.meta.Checksum,
	}
	if o.versionID != nullVersion {
		res.VersionID = o.versionID
	}
	sse, kms, bk := sseHeaders(&o.meta)
	res.SSE, res.SSEKMSKeyID, res.BucketKeyEnabled = deref(sse), deref(kms), deref(bk)
	redirect, ok := vals.get("success_action_redirect")
	if !ok {
		redirect, ok = vals.get("redirect")
	}
	if u, err := url.Parse(redirect); ok && err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
			if strings.HasSuffix(redirect, "?") || strings.HasSuffix(redirect, "&") {
				sep = ""
			}
		}
		res.Status = http.StatusSeeOther
		res.Redirect = redirect + sep + "bucket=" + url.QueryEscape(bucketName) + "&key=" + url.QueryEscape(key) + "&etag=" + url.QueryEscape(res.ETag)
		return res, nil
	}
	switch v, _ := vals.get("success_action_status"); v {
	case "200":
		res.Status = http.StatusOK
	case "201":
		res.Status = http.StatusCreated
	}
	return res, nil
}

// parsePostTagging reads the tagging field: a Tagging XML document.
func parsePostTagging(v string) ([]tag, error) {
	var doc struct {
		TagSet struct {
			Tags []struct {
				Key   string `xml:"Key"`
				Value string `xml:"Value"`
			} `xml:"Tag"`
		} `xml:"TagSet"`
	}
	if err := xml.Unmarshal([]byte(v), &doc); err != nil {
		return nil, s3Err("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", http.StatusBadRequest)
	}
	tags := make([]tag, 0, len(doc.TagSet.Tags))
	for _, t := range doc.TagSet.Tags {
		tags = append(tags, tag{Key: t.Key, Value: t.Value})
	}
	sortTags(tags)
	return tags, checkTags(tags)
}

// mimeWord encodes a metadata value that is not printable US-ASCII as an
// RFC 2047 encoded word, as S3 stores the UTF-8 metadata of POST forms.
func mimeWord(v string) string {
	q := true
	plain := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f {
			q, plain = false, false
		} else if c >= 0x80 {
			plain = false
		}
	}
	if plain {
		return v
	}
	if q && utf8.ValidString(v) {
		return strings.ReplaceAll(mime.QEncoding.Encode("UTF-8", v), "=?UTF-8?q?", "=?UTF-8?Q?")
	}
	return strings.ReplaceAll(mime.BEncoding.Encode("UTF-8", v), "=?UTF-8?b?", "=?UTF-8?B?")
}

// uriEscape percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (a key in
// an object URL, '/' included).
func uriEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// postPolicy is a decoded POST policy document.
type postPolicy struct {
	expiration time.Time
	conds      []postCond
}

// postCond is one condition: eq, starts-with or content-length-range.
type postCond struct {
	op    string // "eq", "starts-with", "content-length-range"
	field string // as written ("$key"); "" for content-length-range
	value string
	size  sizeRange
	// bad marks a content-length-range whose bounds are not numbers: it
	// always fails.
	bad bool
	// text is the condition as S3 prints it in errors.
	text string
}

func invalidPolicy(msg string) error {
	return s3Err("InvalidPolicyDocument", "Invalid Policy: "+msg, http.StatusBadRequest)
}

func policyDenied(msg string) error {
	return s3Err("AccessDenied", "Invalid according to Policy: "+msg, http.StatusForbidden)
}

// parsePostPolicy decodes the policy field: base64 of a JSON document
// {"expiration": "...Z", "conditions": [...]}.
func parsePostPolicy(b64 string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, invalidPolicy("invalid Base64 encoding.")
	}
	invalidJSON := invalidPolicy("Invalid JSON.")
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil || doc == nil || dec.More() {
		return nil, invalidJSON
	}
	var unexpected []string
	for k := range doc {
		if k != "expiration" && k != "conditions" {
			unexpected = append(unexpected, strings.ToLower(k))
		}
	}
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		return nil, invalidPolicy("Unexpected: '" + unexpected[0] + "'")
	}
	p := &postPolicy{}
	exp, ok := doc["expiration"]
	if !ok {
		return nil, invalidPolicy("Policy missing expiration.")
	}
	var es string
	if err := json.Unmarshal(exp, &es); err != nil {
		return nil, invalidPolicy("Invalid 'expiration' value: '" + string(exp) + "'")
	}
	t, err := time.Parse(time.RFC3339Nano, es)
	if err != nil || !strings.HasSuffix(es, "Z") {
		return nil, invalidPolicy("Invalid 'expiration' value: '" + es + "'")
	}
	p.expiration = t
	rawConds, ok := doc["conditions"]
	if !ok {
		return nil, invalidPolicy("Policy missing conditions.")
	}
	var conds []json.RawMessage
	if err := json.Unmarshal(rawConds, &conds); err != nil || conds == nil {
		return nil, invalidPolicy("Invalid 'conditions' value: must be a List.")
	}
	for _, rc := range conds {
		c, err := parsePostCond(rc)
		if err != nil {
			return nil, err
		}
		p.conds = append(p.conds, c)
	}
	return p, nil
}

func parsePostCond(rc json.RawMessage) (postCond, error) {
	invalidJSON := invalidPolicy("Invalid JSON.")
	switch strings.TrimSpace(string(rc))[0] {
	case '{':
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(rc))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return postCond{}, invalidJSON
		}
		if len(m) != 1 {
			return postCond{}, invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				field := "$" + k
				return postCond{op: "eq", field: field, value: v, text: condText("eq", field, v)}, nil
			case nil:
				return postCond{}, invalidJSON
			default:
				return postCond{}, invalidPolicy("Invalid Simple-Condition: value must be a string.")
			}
		}
	case '[':
		var items []any
		dec := json.NewDecoder(bytes.NewReader(rc))
		dec.UseNumber()
		if err := dec.Decode(&items); err != nil {
			return postCond{}, invalidJSON
		}
		if len(items) == 0 {
			return postCond{}, invalidPolicy("Invalid Condition: missing operation identifier.")
		}
		op, ok := items[0].(string)
		if !ok {
			return postCond{}, invalidPolicy("Invalid Condition: missing operation identifier.")
		}
		switch lop := strings.ToLower(op); lop {
		case "eq", "starts-with":
			if len(items) != 3 {
				return postCond{}, invalidPolicy("Invalid " + op + ": wrong number of arguments.")
			}
			field, ok1 := items[1].(string)
			value, ok2 := items[2].(string)
			if !ok1 || !ok2 {
				return postCond{}, invalidJSON
			}
			return postCond{op: lop, field: field, value: value, text: condText(op, field, value)}, nil
		case "content-length-range":
			if len(items) != 3 {
				return postCond{}, invalidPolicy("Invalid " + op + ": wrong number of arguments.")
			}
			c := postCond{op: lop, text: condText(op, items[1:]...)}
			var bounds [2]int64
			for i, it := range items[1:] {
				var s string
				switch v := it.(type) {
				case json.Number:
					s = v.String()
					if strings.ContainsAny(s, ".eE") {
						return postCond{}, invalidJSON
					}
				case string:
					s = v
				default:
					return postCond{}, invalidJSON
				}
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					c.bad = true
					continue
				}
				if n < 0 {
					return postCond{}, invalidPolicy("Invalid content-length-range: the bounds must not be negative.")
				}
				bounds[i] = n
			}
			c.size = sizeRange{bounds[0], bounds[1]}
			return c, nil
		default:
			return postCond{}, invalidPolicy("Invalid Condition: unknown operation '" + op + "'.")
		}
	}
	return postCond{}, invalidPolicy("Invalid condition test: must be a List or Object.")
}

// condText prints a condition as S3 does in its errors:
// ["eq", "$key", "value"].
func condText(op string, args ...any) string {
	parts := []string{jsonString(op)}
	for _, a := range args {
		switch a := a.(type) {
		case string:
			parts = append(parts, jsonString(a))
		case json.Number:
			parts = append(parts, a.String())
		default:
			b, _ := json.Marshal(a)
			parts = append(parts, string(b))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// postExempt are the fields no condition has to cover.
func postExempt(name string) bool {
	switch name {
	case "policy", "x-amz-signature", "signature", "awsaccesskeyid", "file":
		return true
	}
	return strings.HasPrefix(name, "x-ignore-")
}

// check applies the policy to a form posted to bucket at now: expiration,
// then the conditions in order, then the fields no condition covers. It
// returns the allowed file sizes.
func (p *postPolicy) check(now time.Time, bucket string, vals postValues) (sizeRange, error) {
	size := sizeRange{0, maxPutSize}
	if now.After(p.expiration) {
		return size, policyDenied("Policy expired.")
	}
	covered := map[string]bool{}
	for _, c := range p.conds {
		if c.op == "content-length-range" {
			if c.bad {
				return size, policyDenied("Policy Condition failed: " + c.text)
			}
			size = c.size
			continue
		}
		name, ok := strings.CutPrefix(c.field, "$")
		name = strings.ToLower(name)
		covered[name] = true
		got, present := vals.get(name)
		if name == "bucket" {
			got, present = bucket, true
		}
		if !ok || !present {
			return size, policyDenied("Policy Condition failed: " + c.text)
		}
		var pass bool
		switch c.op {
		case "eq":
			pass = got == c.value
		case "starts-with":
			pass = strings.HasPrefix(got, c.value)
			if name == "content-type" && strings.Contains(got, ",") {
				// A list of types: each must match.
				pass = true
				for _, t := range strings.Split(got, ",") {
					pass = pass && strings.HasPrefix(strings.TrimSpace(t), c.value)
				}
			}
		}
		if !pass {
			return size, policyDenied("Policy Condition failed: " + c.text)
		}
	}
	for _, n := range vals.order {
		if !covered[n] && !postExempt(n) {
			return size, policyDenied("Extra input fields: " + n)
		}
	}
	return size, nil
}
