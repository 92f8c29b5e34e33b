package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/demo"
	"github.com/onboard-oss/onboard/internal/devstack"
	"github.com/onboard-oss/onboard/worker"
)

// devRetention keeps finished onboardings visible in the Web UI for weeks.
const devRetention = 30 * 24 * time.Hour

// runDev runs the whole product in one process: a local Postgres cluster and an
// embedded Temporal server (unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere),
// the worker, the web app and the demo data.
func runDev(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string, stdout io.Writer) error {
	started := time.Now()
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("create ONBOARD_DATA_DIR %s: %w", dataDir, err)
	}
	if cfg.Secret == "" {
		if cfg.Secret, err = devSecret(filepath.Join(dataDir, "secret")); err != nil {
			return err
		}
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	// The workflow cache is shared by every SDK worker of the process and sized by the
	// first to start, and the embedded Temporal server starts its own system workers
	// before ours: size it now, or it is the SDK's default of 10,000 and every open
	// onboarding stays in memory (measured: 9,997 cached at 10,000 open, RSS 1.5 GB).
	sdkworker.SetStickyWorkflowCacheSize(cfg.StickyCacheSize)
	stack := &devStack{log: log}
	defer stack.stop()
	if err := stack.start(ctx, &cfg, dataDir); err != nil {
		return err
	}
	svc, err := openServices(ctx, cfg, log, migrateSchema)
	if err != nil {
		return err
	}
	defer svc.close()
	return serveDev(ctx, svc, ln, stack, dataDir, started, stdout)
}

// serveDev runs the worker in the background, ensures the demo data and serves the web
// app until ctx ends.
func serveDev(ctx context.Context, svc *services, ln net.Listener, stack *devStack, dataDir string, started time.Time, stdout io.Writer) error {
	w, err := svc.newWorker(ctx)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	eng := svc.engine()
	d, err := demo.Ensure(ctx, svc.store, eng, svc.cfg.DevAPIKey, filepath.Join(dataDir, "dev-api-key"))
	if err != nil {
		return err
	}
	if err := worker.EnsureDigestSchedules(ctx, svc.temporal, svc.store, svc.cfg.TaskQueue, svc.log); err != nil {
		return err
	}
	srv, err := svc.newHTTPServer(ln, eng)
	if err != nil {
		return err
	}
	go sweepExpired(ctx, svc.store, svc.log)
	printBanner(stdout, svc.cfg, stack, d, time.Since(started))
	return srv.serve(ctx)
}

// devStack is the embedded Postgres and Temporal that dev starts when no external
// service is configured.
type devStack struct {
	log      *slog.Logger
	pg       *devstack.Postgres
	temporal *devstack.Temporal
}

func (s *devStack) start(ctx context.Context, cfg *config.Config, dataDir string) error {
	if cfg.DatabaseURL == "" {
		pg, err := devstack.StartPostgres(ctx, devstack.PostgresOptions{DataDir: filepath.Join(dataDir, "postgres"),
			Port: cfg.DevPGPort, PortEnv: "ONBOARD_DEV_PG_PORT", Database: "onboard", Logger: s.log})
		if err != nil {
			return err
		}
		s.pg, cfg.DatabaseURL = pg, pg.URL()
	}
	if cfg.TemporalAddress == "" {
		t, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{DBFile: filepath.Join(dataDir, "temporal.db"),
			Port: cfg.DevTemporalPort, PortEnv: "ONBOARD_DEV_TEMPORAL_PORT", UIPort: cfg.DevUIPort, UIPortEnv: "ONBOARD_DEV_UI_PORT",
			Namespace: cfg.TemporalNamespace, Retention: devRetention, Logger: s.log})
		if err != nil {
			return err
		}
		// The embedded server speaks plain gRPC, whatever TEMPORAL_TLS* say.
		s.temporal, cfg.TemporalAddress, cfg.Temporal = t, t.Address(), config.TemporalConnection{}
		if cfg.TemporalUIURL == "" {
			cfg.TemporalUIURL = t.UIURL()
		}
	}
	return nil
}

func (s *devStack) stop() {
	if s.temporal != nil {
		s.temporal.Stop()
	}
	if s.pg != nil {
		if err := s.pg.Stop(); err != nil {
			s.log.Error("stopping postgres", "error", err)
		}
	}
}

// devSecret returns the server secret dev keeps in its data dir, making one on the first
// start: sign-in links sent before a restart keep working after it.
func devSecret(file string) (string, error) {
	if b, err := os.ReadFile(file); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	secret := auth.NewToken()
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keep the dev secret in %s: %w", file, err)
	}
	return secret, nil
}

func printBanner(w io.Writer, cfg config.Config, s *devStack, d demo.Demo, took time.Duration) {
	ui := "(external Temporal: use its own Web UI)"
	if s.temporal != nil && s.temporal.UIURL() != "" {
		ui = s.temporal.UIURL() + "/namespaces/" + cfg.TemporalNamespace + "/workflows"
	}
	fmt.Fprintf(w, `
Onboard is running (ready in %s). Press Ctrl-C to stop; data stays in %s.

  Staff dashboard   %s/staff
                    sign in as %s / %s
  Customer portal   %s%s
                    (one-time link that signs in the demo contact %s)
  Temporal Web UI   %s
  JSON API          %s/api/v1   Authorization: Bearer %s
                    try: curl -H 'Authorization: Bearer %s' %s/api/v1/onboardings
  Email             %s

`, took.Round(100*time.Millisecond), cfg.DataDir, cfg.BaseURL, demo.AdminEmail, demo.AdminPassword,
		cfg.BaseURL, d.SignInPath, demo.ContactEmail, ui, cfg.BaseURL, d.APIKey, d.APIKey, cfg.BaseURL, mailWhere(cfg))
}

// mailWhere says where email goes: through Resend, or into the outbox at /dev/mail.
func mailWhere(cfg config.Config) string {
	if cfg.ResendAPIKey != "" {
		return "sent through Resend (RESEND_API_KEY is set)"
	}
	return cfg.BaseURL + "/dev/mail   (the outbox: nothing is sent without RESEND_API_KEY)"
}
