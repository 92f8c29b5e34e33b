package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/store"
)

// runMigrate applies pending database migrations.
func runMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string, stdout io.Writer) error {
	if err := cfg.RequireExternal(true, false); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	return nil
}

// runAPI serves the web app and JSON API against external Postgres and Temporal.
func runAPI(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string, _ io.Writer) error {
	if err := cfg.RequireExternal(true, true); err != nil {
		return err
	}
	tpls, err := loadPlans()
	if err != nil {
		return err
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := metrics.New()
	tc, err := dialTemporal(ctx, cfg, log, reg)
	if err != nil {
		return err
	}
	defer tc.Close()
	srv, err := newHTTPServer(cfg, ln, st, newEngine(cfg, st, tc, tpls, log), reg, log)
	if err != nil {
		return err
	}
	log.Info("api listening", "addr", srv.ln.Addr().String())
	return srv.serve(ctx)
}

// runWorker runs the workflows and activities until stopped.
func runWorker(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string, _ io.Writer) error {
	if err := cfg.RequireExternal(true, true); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	tc, err := dialTemporal(ctx, cfg, log, metrics.New())
	if err != nil {
		return err
	}
	defer tc.Close()
	w, err := startWorker(ctx, cfg, tc, st, log)
	if err != nil {
		return err
	}
	log.Info("worker running", "task_queue", cfg.TaskQueue, "namespace", cfg.TemporalNamespace)
	<-ctx.Done()
	w.Stop()
	return nil
}
