package sns

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"sync"
	"time"

	"github.com/hako-dev/hako/internal/store"
)

// signer signs messages with the RSA key of the database: made on first
// use (not at start: key generation takes a while and most servers never
// sign) and stored, so that every node and every restart signs with the
// same key and SigningCertURL keeps serving the certificate.
type signer struct {
	st   *store.Store
	mu   sync.Mutex
	key  *rsa.PrivateKey
	cert []byte // PEM
	name string // SimpleNotificationService-<md5>.pem
}

// certPath is where HTTPHandler serves the certificate.
const certPrefix = "/_hako/sns/"

func (s *signer) load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return nil
	}
	var keyPEM, certPEM string
	read := func() error {
		return s.st.View(ctx, func(tx *store.Tx) error {
			err := tx.QueryRow(ctx, "SELECT key_pem, cert_pem FROM sns_signing WHERE id = 'default'").Scan(&keyPEM, &certPEM)
			if err != nil && !isNoRows(err) {
				return err
			}
			return nil
		})
	}
	if err := read(); err != nil {
		return err
	}
	if keyPEM == "" {
		k, c, err := newSigningKey()
		if err != nil {
			return err
		}
		if err := s.st.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO sns_signing (id, key_pem, cert_pem) VALUES ('default', ?, ?) ON CONFLICT (id) DO NOTHING", k, c)
			return err
		}); err != nil {
			return err
		}
		if err := read(); err != nil { // another node may have won
			return err
		}
	}
	blk, _ := pem.Decode([]byte(keyPEM))
	if blk == nil {
		return errors.New("sns: stored signing key is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return err
	}
	sum := md5.Sum([]byte(certPEM))
	s.key, s.cert, s.name = key, []byte(certPEM), "SimpleNotificationService-"+hex.EncodeToString(sum[:])+".pem"
	return nil
}

// newSigningKey makes an RSA key and a self-signed certificate (PEM).
func newSigningKey() (keyPEM, certPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "sns.amazonaws.com", Organization: []string{"hako"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(20, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     []string{"sns.amazonaws.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return keyPEM, certPEM, nil
}

// signEnvelope fills the signature fields of e: SHA1withRSA for version
// "1", SHA256withRSA for "2", over e's canonical string.
func (s *Service) signEnvelope(ctx context.Context, e *envelope, version string) error {
	if err := s.sign.load(ctx); err != nil {
		return err
	}
	if version != "2" {
		version = "1"
	}
	canon := []byte(e.canonical())
	var sig []byte
	var err error
	if version == "2" {
		h := sha256.Sum256(canon)
		sig, err = rsa.SignPKCS1v15(nil, s.sign.key, crypto.SHA256, h[:])
	} else {
		h := sha1.Sum(canon)
		sig, err = rsa.SignPKCS1v15(nil, s.sign.key, crypto.SHA1, h[:])
	}
	if err != nil {
		return err
	}
	e.SignatureVersion, e.Signature = version, base64.StdEncoding.EncodeToString(sig)
	e.SigningCertURL = s.cfg.Endpoint() + certPrefix + s.sign.name
	return nil
}
