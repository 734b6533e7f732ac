package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/hako-dev/hako/internal/blob"
	"github.com/hako-dev/hako/internal/protocol/awschunked"
)

// maxPutSize is S3's limit for one PUT (object or part).
const maxPutSize = 5 << 30

// checksumAlgs maps S3's checksum algorithm names to blob digests, in the
// order S3 lists them.
var checksumAlgs = []struct {
	name string
	alg  blob.Algorithms
}{
	{"CRC32", blob.CRC32},
	{"CRC32C", blob.CRC32C},
	{"CRC64NVME", blob.CRC64NVME},
	{"SHA1", blob.SHA1},
	{"SHA256", blob.SHA256},
}

func algByName(name string) (blob.Algorithms, bool) {
	for _, a := range checksumAlgs {
		if strings.EqualFold(a.name, name) {
			return a.alg, true
		}
	}
	return 0, false
}

// checksumHeaders are the x-amz-checksum-* values of a request, by
// algorithm name.
type checksumHeaders map[string]string

func checksumsOf(crc32, crc32c, crc64, sha1, sha256 *string) checksumHeaders {
	h := checksumHeaders{}
	for name, v := range map[string]*string{"CRC32": crc32, "CRC32C": crc32c, "CRC64NVME": crc64, "SHA1": sha1, "SHA256": sha256} {
		if v != nil {
			h[name] = *v
		}
	}
	return h
}

// body describes a request body to store.
type body struct {
	r             io.ReadCloser
	contentLength *int64
	contentMD5    *string
	checksums     checksumHeaders
	sdkAlgorithm  *string
	// size, for bodies of unknown length (a POST form's file), is the
	// range the body's length must lie in (EntityTooSmall/EntityTooLarge).
	size *sizeRange
}

// sizeRange is a policy's content-length-range (inclusive).
type sizeRange struct{ min, max int64 }

// ingested is a body written to a committed blob.
type ingested struct {
	id   blob.ID
	size int64
	sums blob.Sums
	// alg and checksum are the object's checksum (the algorithm the client
	// asked for or sent, CRC64NVME by default), base64.
	alg      string
	checksum string
}

func (in *ingested) etag() string { return hex.EncodeToString(in.sums.MD5[:]) }

// ingest streams b into a new blob, checks Content-MD5 and the checksums
// sent as headers or aws-chunked trailers, and commits the blob. Nothing is
// committed on error.
func (s *Service) ingest(ctx context.Context, b body) (*ingested, error) {
	if b.r == nil {
		b.r = io.NopCloser(strings.NewReader(""))
	}
	chunked, _ := b.r.(*awschunked.Reader)
	// Which checksum does the object keep?
	alg := ""
	if len(b.checksums) > 1 {
		return nil, s3Err("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", http.StatusBadRequest)
	}
	for name := range b.checksums {
		alg = name
	}
	if b.sdkAlgorithm != nil && *b.sdkAlgorithm != "" {
		if _, ok := algByName(*b.sdkAlgorithm); !ok {
			return nil, s3Err("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]", http.StatusBadRequest)
		}
		if alg == "" {
			alg = strings.ToUpper(*b.sdkAlgorithm)
		}
	}
	if chunked != nil && alg == "" {
		for _, t := range chunked.Announced() {
			if n, ok := strings.CutPrefix(t, "x-amz-checksum-"); ok {
				if _, known := algByName(n); known {
					alg = strings.ToUpper(n)
				}
			}
		}
	}
	if alg == "" {
		alg = "CRC64NVME"
	}
	want, _ := algByName(alg)
	for name, v := range b.checksums {
		a, _ := algByName(name)
		if raw, err := base64.StdEncoding.DecodeString(v); err != nil || len(raw) != digestLen(a) {
			return nil, s3Err("InvalidRequest", "Value for x-amz-checksum-"+strings.ToLower(name)+" header is invalid.", http.StatusBadRequest)
		}
	}
	var md5Want []byte
	if b.contentMD5 != nil {
		raw, err := base64.StdEncoding.DecodeString(*b.contentMD5)
		if err != nil || len(raw) != md5.Size {
			return nil, s3Err("InvalidDigest", "The Content-MD5 you specified was invalid.", http.StatusBadRequest, "Content-MD5", *b.contentMD5)
		}
		md5Want = raw
	}
	var src io.Reader = b.r
	limit := int64(-1)
	switch {
	case b.size != nil:
		limit = -1
		src = io.LimitReader(b.r, b.size.max+1)
	case chunked == nil:
		if b.contentLength == nil || *b.contentLength < 0 {
			return nil, s3Err("MissingContentLength", "You must provide the Content-Length HTTP header.", http.StatusLengthRequired)
		}
		limit = *b.contentLength
		if limit > maxPutSize {
			return nil, s3Err("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", http.StatusBadRequest,
				"ProposedSize", itoa64(limit), "MaxSizeAllowed", itoa64(maxPutSize))
		}
		src = io.LimitReader(b.r, limit)
	}
	w, err := s.blobs.Create(want)
	if err != nil {
		return nil, err
	}
	defer w.Abort()
	n, err := w.ReadFrom(src)
	if err != nil {
		var ce *awschunked.Error
		if errors.As(err, &ce) {
			return nil, chunkedErr(ce)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s3Err("IncompleteBody", "The request body terminated unexpectedly", http.StatusBadRequest)
	}
	if limit >= 0 && n != limit {
		return nil, s3Err("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", http.StatusBadRequest)
	}
	if b.size != nil {
		if n > b.size.max {
			// Count the rest (the client sends it anyway) for ProposedSize.
			more, _ := io.Copy(io.Discard, io.LimitReader(b.r, maxPutSize))
			return nil, s3Err("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", http.StatusBadRequest,
				"ProposedSize", itoa64(n+more), "MaxSizeAllowed", itoa64(b.size.max))
		}
		if n < b.size.min {
			return nil, s3Err("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", http.StatusBadRequest,
				"ProposedSize", itoa64(n), "MinSizeAllowed", itoa64(b.size.min))
		}
	}
	sums := w.Sums()
	if md5Want != nil && string(md5Want) != string(sums.MD5[:]) {
		return nil, s3Err("BadDigest", "The Content-MD5 you specified did not match what we received.", http.StatusBadRequest,
			"ExpectedDigest", hex.EncodeToString(md5Want), "CalculatedDigest", base64.StdEncoding.EncodeToString(sums.MD5[:]))
	}
	got := sums.Base64(want)
	sent := b.checksums[alg]
	if chunked != nil {
		if v, ok := chunked.Trailers()["x-amz-checksum-"+strings.ToLower(alg)]; ok {
			sent = v
		}
	}
	if sent != "" && sent != got {
		return nil, s3Err("BadDigest", "The "+alg+" you specified did not match the calculated checksum.", http.StatusBadRequest)
	}
	id, err := w.Commit()
	if err != nil {
		return nil, err
	}
	return &ingested{id: id, size: n, sums: sums, alg: alg, checksum: got}, nil
}

func digestLen(a blob.Algorithms) int {
	switch a {
	case blob.CRC32, blob.CRC32C:
		return 4
	case blob.CRC64NVME:
		return 8
	case blob.SHA1:
		return 20
	case blob.SHA256:
		return 32
	}
	return 0
}

// chunkedErr turns an aws-chunked decoding failure into S3's error.
func chunkedErr(e *awschunked.Error) error {
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Name, f.Value)
	}
	return s3Err(e.Code, e.Message, e.Status, fields...)
}
