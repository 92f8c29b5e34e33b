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
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/api"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/slackapp"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/templates"
	"github.com/onboard-oss/onboard/worker"
)

// services are what dev, api and worker run on, opened by openServices in the one
// start-up order: plan templates, database and schema, Temporal, templates saved.
type services struct {
	cfg      config.Config
	log      *slog.Logger
	metrics  *metrics.Registry
	store    *store.Store
	temporal client.Client
	plans    *plans.Catalog
}

// schemaPolicy says whether start-up brings the schema up to date (dev) or only checks
// that `onboard migrate` did (api, worker).
type schemaPolicy bool

const (
	migrateSchema schemaPolicy = true
	checkSchema   schemaPolicy = false
)

// openServices opens everything a process needs; close it with close. An invalid plan
// template, an unreachable database, an out-of-date schema or an unreachable Temporal
// stops start-up with an error that says which.
func openServices(ctx context.Context, cfg config.Config, log *slog.Logger, schema schemaPolicy) (*services, error) {
	catalog, err := plans.LoadCatalog(templates.FS, "plans")
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg.DatabaseURL, schema)
	if err != nil {
		return nil, err
	}
	s := &services{cfg: cfg, log: log, metrics: metrics.New(), store: st, plans: catalog}
	if s.temporal, err = dialTemporal(ctx, cfg, log, s.metrics); err != nil {
		s.close()
		return nil, err
	}
	if err := catalog.Save(ctx, st); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *services) close() {
	if s.temporal != nil {
		s.temporal.Close()
	}
	s.store.Close()
}

// openStore connects to Postgres and migrates or checks the schema.
func openStore(ctx context.Context, url string, schema schemaPolicy) (*store.Store, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if schema == migrateSchema {
		_, err = st.Migrate(ctx)
	} else {
		err = st.CheckSchema(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// dialTemporal connects a client that logs through slog and reports SDK metrics.
func dialTemporal(ctx context.Context, cfg config.Config, log *slog.Logger, reg *metrics.Registry) (client.Client, error) {
	opts, err := cfg.TemporalClientOptions(log)
	if err != nil {
		return nil, err
	}
	opts.MetricsHandler = reg.Temporal()
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// engine starts onboardings and applies task actions for the web app.
func (s *services) engine() *engine.Engine {
	return &engine.Engine{Store: s.store, Temporal: s.temporal, Plans: s.plans, TaskQueue: s.cfg.TaskQueue,
		UpdateTimeout: s.cfg.UpdateTimeout, Log: s.log}
}

// newWorker registers the search attributes and returns a worker ready to Start (dev,
// in the background) or Run (the worker process).
func (s *services) newWorker(ctx context.Context) (sdkworker.Worker, error) {
	n, err := newNotifier(s.cfg, s.store)
	if err != nil {
		return nil, err
	}
	if err := worker.EnsureSearchAttributes(ctx, s.temporal, s.cfg.TemporalNamespace, s.log); err != nil {
		return nil, err
	}
	// Process-wide, and read when the first worker starts: the SDK's default of 10,000
	// cached workflows grew the heap with every onboarding ever opened (about 60 KB each).
	sdkworker.SetStickyWorkflowCacheSize(s.cfg.StickyCacheSize)
	return worker.New(s.temporal, s.cfg.TaskQueue, &activities.Activities{Store: s.store, Notifier: n}), nil
}

// newNotifier returns the notification senders: Resend when RESEND_API_KEY is set, else
// the outbox; Slack through SLACK_API_URL or Slack's own API. An email template that does
// not parse stops start-up.
func newNotifier(cfg config.Config, st *store.Store) (*activities.Notifier, error) {
	tpls, err := notify.ParseTemplates(templates.FS, "email")
	if err != nil {
		return nil, err
	}
	n := activities.NewNotifier(cfg, notify.NewOutbox(st), tpls)
	if cfg.ResendAPIKey != "" {
		if n.Email, err = notify.NewResend(cfg.ResendAPIKey, cfg.ResendBaseURL); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// httpServer is the api's HTTP server on a listener opened up front, so a taken port
// fails start-up before anything else starts.
type httpServer struct {
	srv *http.Server
	ln  net.Listener
	app *api.Server
	// slack answers Slack buttons through Socket Mode when SLACK_APP_TOKEN is set.
	slack *slackapp.Listener
}

func (s *services) newHTTPServer(ln net.Listener, eng *engine.Engine) (*httpServer, error) {
	srv, err := api.New(s.cfg, s.store, eng, s.metrics, s.log)
	if err != nil {
		return nil, err
	}
	h := &httpServer{ln: ln, srv: srv.HTTPServer(), app: srv}
	if s.cfg.SlackAppToken != "" {
		h.slack = &slackapp.Listener{AppToken: s.cfg.SlackAppToken, BotToken: s.cfg.SlackBotToken, APIURL: s.cfg.SlackAPIURL,
			Store: s.store, Engine: eng, Log: s.log}
	}
	return h, nil
}

// listen opens the HTTP listener first thing, so a taken port fails fast.
func listen(cfg config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (set ONBOARD_HTTP_ADDR to a free address)", cfg.HTTPAddr, err)
	}
	return ln, nil
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

// serve runs until ctx ends, then shuts down gracefully. Beside it, the app follows
// read-model changes for the pages' event streams.
func (h *httpServer) serve(ctx context.Context) error {
	go h.app.Live(ctx)
	if h.slack != nil {
		go func() {
			if err := h.slack.Run(ctx); err != nil {
				h.slack.Log.Error("slack buttons stopped working", "error", err)
			}
		}()
	}
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
	if h.slack != nil {
		h.slack.Wait() // clicks being handled finish and are answered
	}
	return nil
}
