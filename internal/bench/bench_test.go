package bench

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
)

func TestParseFlagsDefaults(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dev-api-key"), []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{BaseURL: "http://localhost:8080", DataDir: dir, DevTemporalPort: 7240, DevPGPort: 5440, TemporalNamespace: "default"}
	o, err := ParseFlags(nil, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{URL: "http://localhost:8080", APIKey: "secret", TemporalAddress: "127.0.0.1:7240", Namespace: "default",
		Users: 50, Rate: 25, Duration: 20 * time.Second, Plan: "standard-saas", Mode: "all", PageRate: 200, PageUsers: 64,
		StaffEmail: "admin@northwind.example", StaffPassword: "onboard-dev", DatabaseURL: "postgres://onboard@127.0.0.1:5440/onboard?sslmode=disable"}
	if o != want {
		t.Errorf("defaults = %+v, want %+v", o, want)
	}
	cfg.TemporalAddress = "temporal:7233"
	o, err = ParseFlags([]string{"-key", "k", "-users", "3", "-rate", "9", "-duration", "1s"}, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.TemporalAddress != "temporal:7233" || o.APIKey != "k" || o.Users != 3 || o.Rate != 9 || o.Duration != time.Second {
		t.Errorf("flags = %+v", o)
	}
}

func TestParseFlagsRejects(t *testing.T) {
	cfg := config.Config{BaseURL: "http://localhost:8080", DataDir: t.TempDir()}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-key", "k", "-users", "0"}, "-users"},
		{[]string{"-key", "k", "-rate", "0"}, "-rate"},
		{[]string{"-key", "k", "-duration", "0s"}, "-duration"},
		{[]string{"-key", "k", "-url", "localhost:8080"}, "-url"},
		{[]string{"-key", "k", "extra"}, "unexpected arguments"},
		{[]string{"-key", "k", "-mode", "everything"}, "-mode"},
		{[]string{"-key", "k", "-page-rate", "-1"}, "-page-rate"},
		{[]string{"-key", "k", "-page-users", "0"}, "-page-users"},
		{nil, "no API key"},
	} {
		if _, err := ParseFlags(tt.args, cfg, io.Discard); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFlags(%q) = %v, want an error about %s", tt.args, err, tt.want)
		}
	}
}
