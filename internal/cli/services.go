package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/api"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/templates"
	"github.com/onboard-oss/onboard/worker"
)

// openStore connects to Postgres and checks the schema is current.
func openStore(ctx context.Context, url string) (*store.Store, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// dialTemporal connects a client that logs through slog and reports SDK metrics.
func dialTemporal(ctx context.Context, cfg config.Config, log *slog.Logger, reg *metrics.Registry) (client.Client, error) {
	c, err := client.DialContext(ctx, client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: sdklog.NewStructuredLogger(log.With("component", "temporal")), MetricsHandler: reg.Temporal(),
	})
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// loadPlans reads the built-in plan templates; an invalid one stops start-up.
func loadPlans() ([]plans.Template, error) {
	return plans.Load(templates.FS, "plans")
}

// newWorker registers the search attributes and returns a worker ready to Start (dev,
// in the background) or Run (the worker process).
func newWorker(ctx context.Context, cfg config.Config, tc client.Client, st *store.Store, log *slog.Logger) (sdkworker.Worker, error) {
	if err := worker.EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace, log); err != nil {
		return nil, err
	}
	return worker.New(tc, cfg.TaskQueue, &activities.Activities{Store: st}), nil
}

// startWorker starts a worker in the background; stop it with Stop.
func startWorker(ctx context.Context, cfg config.Config, tc client.Client, st *store.Store, log *slog.Logger) (sdkworker.Worker, error) {
	w, err := newWorker(ctx, cfg, tc, st, log)
	if err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	return w, nil
}

// httpServer is the api's HTTP server on a listener opened up front, so a taken port
// fails at start with the variable to change.
type httpServer struct {
	srv *http.Server
	ln  net.Listener
}

func newHTTPServer(cfg config.Config, ln net.Listener, st *store.Store, eng *engine.Engine, reg *metrics.Registry, log *slog.Logger) (*httpServer, error) {
	srv, err := api.New(cfg, st, eng, reg, log)
	if err != nil {
		return nil, err
	}
	return &httpServer{ln: ln, srv: &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}, nil
}

// listen opens the HTTP listener first thing, so a taken port fails fast.
func listen(cfg config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (set ONBOARD_HTTP_ADDR to a free address)", cfg.HTTPAddr, err)
	}
	return ln, nil
}

func newEngine(cfg config.Config, st *store.Store, tc client.Client, tpls []plans.Template, log *slog.Logger) *engine.Engine {
	return engine.New(st, tc, cfg.TaskQueue, cfg.UpdateTimeout, tpls, log)
}

// sweepExpired deletes expired sessions and sign-in links every hour until ctx ends.
// Every api process may run it: the deletes are idempotent.
func sweepExpired(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deleting expired sessions", "error", err)
		} else if n > 0 {
			log.Info("deleted expired sessions and sign-in links", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// serve runs until ctx ends, then shuts down gracefully.
func (h *httpServer) serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- h.srv.Serve(h.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
