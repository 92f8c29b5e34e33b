package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/worker"
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
	if err := errors.Join(cfg.RequireExternal(true, true), cfg.RequireSecret()); err != nil {
		return err
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	svc, err := openServices(ctx, cfg, log, checkSchema)
	if err != nil {
		return err
	}
	defer svc.close()
	srv, err := svc.newHTTPServer(ln, svc.engine())
	if err != nil {
		return err
	}
	go sweepExpired(ctx, svc.store, log)
	log.Info("api listening", "addr", ln.Addr().String())
	return srv.serve(ctx)
}

// runWorker runs the workflows and activities until stopped, serving /metrics and
// /healthz on ONBOARD_WORKER_METRICS_ADDR. A worker that dies of a fatal error ends the
// process with that error rather than idling.
func runWorker(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string, _ io.Writer) error {
	if err := errors.Join(cfg.RequireExternal(true, true), cfg.RequireSecret()); err != nil {
		return err
	}
	var ln net.Listener
	if cfg.WorkerMetricsAddr != "off" {
		var err error
		if ln, err = net.Listen("tcp", cfg.WorkerMetricsAddr); err != nil {
			return fmt.Errorf("listen on %s: %w (set ONBOARD_WORKER_METRICS_ADDR to a free address, or off)", cfg.WorkerMetricsAddr, err)
		}
		defer ln.Close()
	}
	svc, err := openServices(ctx, cfg, log, checkSchema)
	if err != nil {
		return err
	}
	defer svc.close()
	w, err := svc.newWorker(ctx)
	if err != nil {
		return err
	}
	if err := worker.EnsureDigestSchedules(ctx, svc.temporal, svc.store, cfg.TaskQueue, log); err != nil {
		return err
	}
	if ln != nil {
		go serveWorkerMetrics(ln, svc.metrics, log)
	}
	log.Info("worker running", "task_queue", cfg.TaskQueue, "namespace", cfg.TemporalNamespace, "metrics", cfg.WorkerMetricsAddr)
	return w.Run(stopOn(ctx))
}

// stopOn adapts a context to the channel Worker.Run stops on.
func stopOn(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

func serveWorkerMetrics(ln net.Listener, reg *metrics.Registry, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, net.ErrClosed) {
		log.Error("worker metrics server", "error", err)
	}
}
