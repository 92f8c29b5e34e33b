package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
)

func TestUsageAndBadCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run([]string{"help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "dev ") {
		t.Fatalf("help: code %d, %q", code, out.String())
	}
	if code := Run([]string{"launch"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `unknown command "launch"`) {
		t.Fatalf("unknown command: code %d, %q", code, errOut.String())
	}
	t.Setenv("ONBOARD_DEV_PG_PORT", "many")
	errOut.Reset()
	if code := Run([]string{"migrate"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "ONBOARD_DEV_PG_PORT") {
		t.Fatalf("bad config: code %d, %q", code, errOut.String())
	}
}

func TestProductionCommandsNeedTheirServices(t *testing.T) {
	for _, cmd := range []string{"api", "worker", "migrate"} {
		var out, errOut bytes.Buffer
		t.Setenv("DATABASE_URL", "")
		t.Setenv("TEMPORAL_ADDRESS", "")
		if code := Run([]string{cmd}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "DATABASE_URL is not set") {
			t.Errorf("%s without DATABASE_URL: code %d, %q", cmd, code, errOut.String())
		}
	}
}

// TestDevRestartKeepsEverything starts `onboard dev` on free ports, stops it, starts it
// again on the same data directory and checks that the demo onboarding, its progress
// and its running workflow are all still there.
func TestDevRestartKeepsEverything(t *testing.T) {
	if _, err := exec.LookPath("initdb"); err != nil {
		if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) == 0 {
			if os.Getenv("CI") == "true" {
				t.Fatal("PostgreSQL server binaries are not installed")
			}
			t.Skip("PostgreSQL server binaries are not installed")
		}
	}
	cfg := devConfig(t)
	first := startDev(t, cfg)
	key := bannerValue(t, first.output(), `Bearer (onb_[A-Za-z0-9_-]+)`)
	list := getJSON(t, cfg.BaseURL+"/api/v1/onboardings", key)
	if len(list) != 1 || list[0]["progress"].(float64) == 0 {
		t.Fatalf("demo onboardings: %v", list)
	}
	id := list[0]["id"].(string)
	first.stop(t)

	second := startDev(t, cfg)
	defer second.stop(t)
	if again := bannerValue(t, second.output(), `Bearer (onb_[A-Za-z0-9_-]+)`); again != key {
		t.Fatalf("API key changed across restarts: %s -> %s", key, again)
	}
	after := getJSON(t, cfg.BaseURL+"/api/v1/onboardings", key)
	if len(after) != 1 || after[0]["id"] != id || after[0]["progress"] != list[0]["progress"] {
		t.Fatalf("after restart: %v, want %v", after, list)
	}
	// The workflow still runs: a task action goes through it (the demo completed
	// kickoff-call's dependencies before the restart).
	req, _ := http.NewRequest("POST", cfg.BaseURL+"/api/v1/onboardings/"+id+"/tasks/kickoff-call/start", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("task action after restart: %d", res.StatusCode)
	}
	if !strings.Contains(second.output(), "/portal/signin/") {
		t.Fatalf("banner lacks a portal sign-in link:\n%s", second.output())
	}
}

func devConfig(t *testing.T) config.Config {
	cfg, err := config.DevFromLookup(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	http := freePort(t)
	cfg.DataDir, cfg.HTTPAddr, cfg.BaseURL = dir, "127.0.0.1:"+strconv.Itoa(http), "http://127.0.0.1:"+strconv.Itoa(http)
	cfg.DevPGPort, cfg.DevTemporalPort, cfg.DevUIPort = freePort(t), freePort(t), freePort(t)
	cfg.LogLevel = "warn"
	return cfg
}

// freePort returns a port that was free a moment ago, for a server these tests start
// later. It is picked below Linux's ephemeral range (32768 and up), where the kernel
// hands out ports to other tests' connections and servers meanwhile: a port from there
// was now and then taken by the time `dev` bound it.
func freePort(t *testing.T) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(12000)
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port between 20000 and 32000")
	return 0
}

type devRun struct {
	cancel context.CancelFunc
	done   chan error
	mu     sync.Mutex
	out    bytes.Buffer
}

func (d *devRun) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.Write(p)
}

func (d *devRun) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

func startDev(t *testing.T, cfg config.Config) *devRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &devRun{cancel: cancel, done: make(chan error, 1)}
	go func() { d.done <- runDev(ctx, cfg, newLogger(d, "warn"), nil, d) }()
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(d.output(), "Onboard is running") {
		select {
		case err := <-d.done:
			t.Fatalf("dev exited before it was ready: %v\n%s", err, d.output())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev not ready:\n%s", d.output())
		}
	}
	return d
}

func (d *devRun) stop(t *testing.T) {
	t.Helper()
	d.cancel()
	if err := <-d.done; err != nil {
		t.Fatalf("dev stopped with %v\n%s", err, d.output())
	}
}

func bannerValue(t *testing.T, banner, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("banner lacks %s:\n%s", pattern, banner)
	}
	return m[1]
}

func getJSON(t *testing.T, url, key string) []map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return out
}
