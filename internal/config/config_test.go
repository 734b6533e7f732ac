package config

import (
	"slices"
	"testing"
)

func TestS3Hosts(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c, err := Parse(nil, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.S3Hosts, DefaultS3Hosts) {
		t.Errorf("default %v", c.S3Hosts)
	}
	env["HAKO_S3_HOSTS"] = " S3.Example.TEST., localhost,,localhost "
	if c, err = Parse(nil, getenv); err != nil || !slices.Equal(c.S3Hosts, []string{"s3.example.test", "localhost"}) {
		t.Errorf("env: %v %v", c.S3Hosts, err)
	}
	if c, err = Parse([]string{"-s3-hosts", "storage.internal"}, getenv); err != nil || !slices.Equal(c.S3Hosts, []string{"storage.internal"}) {
		t.Errorf("flag: %v %v", c.S3Hosts, err)
	}
	if _, err = Parse([]string{"-s3-hosts", "host:4566"}, getenv); err == nil {
		t.Error("a port was accepted")
	}
	if c, err = Parse([]string{"-s3-hosts", ""}, getenv); err != nil || len(c.S3Hosts) != 0 {
		t.Errorf("empty: %v %v", c.S3Hosts, err)
	}
}
