package config

import (
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := FromLookup(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.BaseURL != "http://localhost:8080" || c.DevPGPort != 5433 ||
		c.DevTemporalPort != 7233 || c.DevUIPort != 8233 || c.TemporalNamespace != "default" ||
		c.UpdateTimeout != 5*time.Second || c.DataDir != ".data" || !c.SecureCookies {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestOverrides(t *testing.T) {
	c, err := FromLookup(env(map[string]string{
		"ONBOARD_HTTP_ADDR": "127.0.0.1:9000", "ONBOARD_BASE_URL": "https://onboard.example.com/",
		"ONBOARD_DEV_PG_PORT": "6000", "ONBOARD_UPDATE_TIMEOUT": "2s", "ONBOARD_SECURE_COOKIES": "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://onboard.example.com" || c.DevPGPort != 6000 || c.UpdateTimeout != 2*time.Second || c.SecureCookies {
		t.Fatalf("overrides not applied: %+v", c)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"ONBOARD_DEV_PG_PORT":         "abc",
		"ONBOARD_DEV_UI_PORT":         "70000",
		"ONBOARD_UPDATE_TIMEOUT":      "soon",
		"ONBOARD_SECURE_COOKIES":      "maybe",
		"ONBOARD_HTTP_ADDR":           "nohost",
		"ONBOARD_LOG_LEVEL":           "loud",
		"ONBOARD_BASE_URL":            "ftp://x",
		"ONBOARD_DEV_API_KEY":         "short",
		"ONBOARD_MAX_BODY_BYTES":      "10",
		"ONBOARD_TRUSTED_PROXIES":     "10.0.0.0/8, nonsense",
		"ONBOARD_WORKER_METRICS_ADDR": "nowhere",
	}
	for name, value := range cases {
		_, err := FromLookup(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: want an error naming the variable, got %v", name, value, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := FromLookup(env(map[string]string{"ONBOARD_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.5"}))
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "192.168.1.5" {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
}

func TestRequireExternal(t *testing.T) {
	c, _ := FromLookup(env(nil))
	err := c.RequireExternal(true, true)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "TEMPORAL_ADDRESS") {
		t.Fatalf("want both variables named, got %v", err)
	}
}

func TestDevDefaults(t *testing.T) {
	c, err := DevFromLookup(env(nil))
	if err != nil || c.SecureCookies {
		t.Fatalf("dev defaults: SecureCookies %v, %v; want false (dev serves plain http)", c.SecureCookies, err)
	}
	c, err = DevFromLookup(env(map[string]string{"ONBOARD_SECURE_COOKIES": "true"}))
	if err != nil || !c.SecureCookies {
		t.Fatalf("ONBOARD_SECURE_COOKIES=true under dev: %v, %v", c.SecureCookies, err)
	}
	if _, err := DevFromLookup(env(map[string]string{"ONBOARD_SECURE_COOKIES": "maybe"})); err == nil ||
		!strings.Contains(err.Error(), "ONBOARD_SECURE_COOKIES") {
		t.Fatalf("a bad value under dev: %v", err)
	}
}
