package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hako-dev/hako/internal/store"
)

// Lambda's deployment package limits.
const (
	maxZipped   = 50 * 1024 * 1024 // direct upload
	maxUnzipped = 262144000        // code and layers, unzipped
	maxRequest  = 70167211         // CreateFunction / UpdateFunctionCode request body
	maxSync     = 6 * 1024 * 1024  // synchronous invocation payload
	maxAsync    = 1024 * 1024      // asynchronous invocation payload
	maxEnvBytes = 4 * 1024         // environment variables, JSON
)

// codeInfo describes a stored deployment package.
type codeInfo struct {
	sha  string // base64 SHA-256, as CodeSha256
	size int64
}

// checkZip verifies that b is a zip Lambda would accept and returns its
// digest and size.
func checkZip(b []byte) (codeInfo, error) {
	if len(b) > maxZipped {
		return codeInfo{}, apiErr("RequestEntityTooLargeException", fmt.Sprintf("Zipped size must be smaller than %d bytes", maxZipped)).WithStatus(413)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return codeInfo{}, invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if _, ok := safePath(f.Name); !ok {
			return codeInfo{}, invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
		}
	}
	if total > maxUnzipped {
		return codeInfo{}, invalidParam(fmt.Sprintf("Unzipped size must be smaller than %d bytes", maxUnzipped))
	}
	sum := sha256.Sum256(b)
	return codeInfo{sha: base64.StdEncoding.EncodeToString(sum[:]), size: int64(len(b))}, nil
}

// safePath cleans a zip entry name; entries that would leave the target
// directory are refused (zip slip).
func safePath(name string) (string, bool) {
	name = strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(name, "/") {
		return "", false
	}
	p := filepath.Clean(name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// putCode stores a package (once per digest) in tx.
func putCode(ctx context.Context, tx *store.Tx, ci codeInfo, zipb []byte) error {
	// Two nodes may store the same package at once: the first one wins.
	_, err := tx.Exec(ctx, "INSERT INTO lambda_code (sha, zip, size) VALUES (?, ?, ?) ON CONFLICT (sha) DO NOTHING", ci.sha, zipb, ci.size)
	return err
}

func shaHex(sha string) string {
	b, err := base64.StdEncoding.DecodeString(sha)
	if err != nil {
		return hex.EncodeToString([]byte(sha))
	}
	return hex.EncodeToString(b)
}

// codeZip reads a stored package.
func (s *Service) codeZip(ctx context.Context, sha string) ([]byte, error) {
	var zipb []byte
	err := s.st.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT zip FROM lambda_code WHERE sha = ?", sha).Scan(&zipb)
	})
	return zipb, err
}

// unpacked returns the directory holding the unpacked package sha under
// kind ("code" or "opt" for layers), unpacking it on first use. Packages are
// immutable, so a directory, once renamed into place, is final.
func (s *Service) unpacked(ctx context.Context, kind, key string, zips func() ([][]byte, error)) (string, error) {
	dir := filepath.Join(s.dir, kind, key)
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	s.unpackMu.Lock()
	defer s.unpackMu.Unlock()
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	bs, err := zips()
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, kind), ".tmp-")
	if err != nil {
		return "", err
	}
	for _, b := range bs {
		if err := unzipInto(b, tmp); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, err2 := os.Stat(dir); err2 == nil {
			return dir, nil
		}
		return "", err
	}
	return dir, nil
}

func unzipInto(b []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		p, ok := safePath(f.Name)
		if !ok {
			return fmt.Errorf("unsafe path %q in zip", f.Name)
		}
		target := filepath.Join(dir, p)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		mode := f.Mode()
		if mode&os.ModeSymlink != 0 {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			link, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return err
			}
			// Links may only point inside the package.
			if _, ok := safePath(filepath.Join(filepath.Dir(p), string(link))); ok && !filepath.IsAbs(string(link)) {
				os.Remove(target)
				if err := os.Symlink(string(link), target); err != nil {
					return err
				}
			}
			continue
		}
		perm := mode.Perm()
		if perm == 0 {
			perm = 0o644
		}
		// Lambda runs packages as they are, but unzip tools drop the
		// owner's read bit sometimes; keep files readable.
		perm |= 0o400
		if err := writeEntry(f, target, perm); err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(f *zip.File, target string, perm os.FileMode) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	os.Remove(target) // a later layer overrides an earlier one
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, maxUnzipped)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
