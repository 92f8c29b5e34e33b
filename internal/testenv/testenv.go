// Package testenv gives tests real parts: a throwaway Postgres cluster (one per test
// binary, a fresh migrated database per test) and an in-memory Temporal server.
// When CI=true a missing Postgres installation fails the tests instead of skipping.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onboard-oss/onboard/internal/devstack"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/worker"
)

var (
	pgOnce sync.Once
	pg     *devstack.Postgres
	pgDir  string
	pgErr  error

	tmOnce sync.Once
	tm     *devstack.Temporal
	tmErr  error
)

// Logger is a quiet logger for tests (warnings and errors only).
func Logger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Main runs a test binary's tests and then stops whatever testenv started. Call it
// from TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if pg != nil {
		_ = pg.Stop()
		_ = os.RemoveAll(pgDir)
	}
	if tm != nil {
		tm.Stop()
	}
	os.Exit(code)
}

// Store returns a Store on a fresh, migrated database of the shared test cluster.
func Store(t testing.TB) *store.Store {
	t.Helper()
	url := DatabaseURL(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("testenv: open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	return st
}

// DatabaseURL creates a fresh empty database and returns its URL.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	pgOnce.Do(startPostgres)
	if pgErr != nil {
		unavailable(t, "postgres", pgErr)
	}
	name := "test_" + randomHex(6)
	if err := pg.CreateDatabase(context.Background(), name); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	return pg.URLFor(name)
}

func startPostgres() {
	pgDir, pgErr = os.MkdirTemp("", "onboard-test-pg-")
	if pgErr != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, pgErr = devstack.StartPostgres(ctx, devstack.PostgresOptions{DataDir: pgDir, Logger: Logger()})
}

// TemporalAddress returns the address of the shared in-memory Temporal server, with
// the onboarding search attributes registered.
func TemporalAddress(t testing.TB) string {
	t.Helper()
	tmOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		tm, tmErr = devstack.StartTemporal(ctx, devstack.TemporalOptions{UIPort: -1, Logger: Logger()})
		if tmErr == nil {
			tmErr = registerSearchAttributes(ctx, tm.Address())
		}
	})
	if tmErr != nil {
		t.Fatalf("testenv: start temporal: %v", tmErr)
	}
	return tm.Address()
}

// TemporalWith starts a Temporal server of the test's own (stopped with it), configured
// by o, with the onboarding search attributes registered, and returns its address: for
// a test that needs the server configured differently from the shared one.
func TemporalWith(t testing.TB, o devstack.TemporalOptions) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o.UIPort, o.Logger = -1, Logger()
	srv, err := devstack.StartTemporal(ctx, o)
	if err == nil {
		t.Cleanup(srv.Stop)
		err = registerSearchAttributes(ctx, srv.Address())
	}
	if err != nil {
		t.Fatalf("testenv: start temporal: %v", err)
	}
	return srv.Address()
}

// registerSearchAttributes registers the onboarding search attributes the way the
// worker does at every start.
func registerSearchAttributes(ctx context.Context, address string) error {
	c, err := client.DialContext(ctx, client.Options{HostPort: address, Logger: sdklog.NewStructuredLogger(Logger())})
	if err != nil {
		return err
	}
	defer c.Close()
	return worker.EnsureSearchAttributes(ctx, c, "default", Logger())
}

// unavailable fails under CI and skips elsewhere when a real part cannot be had.
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" || !errors.Is(err, devstack.ErrNoPostgres) {
		t.Fatalf("testenv: %s: %v", what, err)
	}
	t.Skipf("testenv: %s unavailable (%v)", what, err)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testenv: random: %v", err))
	}
	return hex.EncodeToString(b)
}
