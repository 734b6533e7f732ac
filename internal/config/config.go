// Package config is hako's typed configuration: defaults, flags, the
// HAKO_* environment variables and validation.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"
)

// Auth modes.
const (
	AuthPermissive = "permissive"
	AuthStrict     = "strict"
)

// DefaultAccount is the account of the default test/test key.
const DefaultAccount = "000000000000"

// Key is an access key hako knows.
type Key struct {
	AccessKeyID string
	Secret      string
	Account     string
}

// Config is the whole server configuration.
type Config struct {
	Addr     string
	DataDir  string
	Store    string // "sqlite" or a postgres:// URL
	LogLevel slog.Level
	Auth     string
	Fsync    bool
	Region   string
	Keys     []Key
	MaxSkew  time.Duration
	// S3Hosts are the host names S3 answers virtual-hosted-style requests
	// under: BUCKET.<host>, and for a host starting with "s3." also the
	// regional forms BUCKET.s3.REGION.<rest>, BUCKET.s3-REGION.<rest> and
	// BUCKET.s3.dualstack.REGION.<rest>.
	S3Hosts []string
	// DynamoDBCollectionLimit is the item collection size limit of tables
	// with local secondary indexes, in bytes (0: AWS's 10 GB). Tests lower
	// it; there is no flag.
	DynamoDBCollectionLimit int64
}

// DefaultS3Hosts are the virtual-host suffixes S3 answers by default.
var DefaultS3Hosts = []string{"s3.localhost", "localhost", "s3.amazonaws.com", "s3.localhost.localstack.cloud"}

// Default returns the defaults: 127.0.0.1:4566, ./.hako, SQLite.
func Default() Config {
	return Config{
		Addr:     "127.0.0.1:4566",
		DataDir:  ".hako",
		Store:    "sqlite",
		LogLevel: slog.LevelInfo,
		Auth:     AuthPermissive,
		Region:   "us-east-1",
		Keys:     []Key{{AccessKeyID: "test", Secret: "test", Account: DefaultAccount}},
		MaxSkew:  15 * time.Minute,
		S3Hosts:  slices.Clone(DefaultS3Hosts),
	}
}

// Parse reads flags (args without the program name) over the environment
// over the defaults.
func Parse(args []string, getenv func(string) string) (Config, error) {
	c := Default()
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("hako serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	addr := fs.String("addr", env("HAKO_ADDR", c.Addr), "listen address (HAKO_ADDR)")
	dataDir := fs.String("data-dir", env("HAKO_DATA_DIR", c.DataDir), "state directory (HAKO_DATA_DIR)")
	store := fs.String("store", env("HAKO_STORE", c.Store), "storage: sqlite or a postgres:// URL (HAKO_STORE)")
	level := fs.String("log-level", env("HAKO_LOG_LEVEL", "info"), "debug, info, warn or error (HAKO_LOG_LEVEL)")
	auth := fs.String("auth", env("HAKO_AUTH", c.Auth), "permissive or strict SigV4 checking (HAKO_AUTH)")
	fsync := fs.Bool("fsync", env("HAKO_FSYNC", "") == "true", "fsync every commit: power-loss safe (HAKO_FSYNC=true)")
	region := fs.String("region", env("HAKO_REGION", c.Region), "default region for unsigned requests (HAKO_REGION)")
	keys := fs.String("keys", env("HAKO_KEYS", ""), "extra access keys: AKID:SECRET[:ACCOUNT],... (HAKO_KEYS)")
	s3Hosts := fs.String("s3-hosts", env("HAKO_S3_HOSTS", strings.Join(c.S3Hosts, ",")), "host suffixes for virtual-hosted S3 requests (BUCKET.SUFFIX), comma-separated (HAKO_S3_HOSTS)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	c.Addr, c.DataDir, c.Store, c.Auth, c.Fsync, c.Region = *addr, *dataDir, *store, *auth, *fsync, *region
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("--log-level: %w", err)
	}
	extra, err := ParseKeys(*keys)
	if err != nil {
		return c, err
	}
	c.Keys = append(c.Keys, extra...)
	c.S3Hosts = ParseHosts(*s3Hosts)
	return c, c.Validate()
}

// ParseHosts parses a comma-separated list of host suffixes: lower-cased,
// without leading dots or ports, empty entries dropped.
func ParseHosts(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ",") {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "."))
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// ParseKeys parses AKID:SECRET[:ACCOUNT] entries separated by commas.
func ParseKeys(s string) ([]Key, error) {
	var out []Key
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		p := strings.Split(e, ":")
		if len(p) < 2 || len(p) > 3 || p[0] == "" || p[1] == "" {
			return nil, fmt.Errorf("--keys: %q is not AKID:SECRET[:ACCOUNT]", e)
		}
		k := Key{AccessKeyID: p[0], Secret: p[1], Account: DefaultAccount}
		if len(p) == 3 {
			k.Account = p[2]
		}
		if !IsAccountID(k.Account) {
			return nil, fmt.Errorf("--keys: account %q is not a 12-digit account id", k.Account)
		}
		out = append(out, k)
	}
	return out, nil
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Auth != AuthPermissive && c.Auth != AuthStrict {
		return fmt.Errorf("--auth must be %s or %s, not %q", AuthPermissive, AuthStrict, c.Auth)
	}
	if c.Store != "sqlite" && !strings.HasPrefix(c.Store, "postgres://") && !strings.HasPrefix(c.Store, "postgresql://") {
		return fmt.Errorf("--store must be sqlite or a postgres:// URL, not %q", c.Store)
	}
	if c.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	for _, h := range c.S3Hosts {
		if h == "" || strings.ContainsAny(h, ":/ ") || strings.HasPrefix(h, ".") {
			return fmt.Errorf("--s3-hosts: %q is not a host name", h)
		}
	}
	return nil
}
