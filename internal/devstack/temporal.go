package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/server/temporal"
)

// TemporalOptions configures StartTemporal.
type TemporalOptions struct {
	// DBFile is the SQLite file that keeps all Temporal state across
	// restarts; "" keeps it in memory (tests).
	DBFile string
	// IP is the address every service listens on; default 127.0.0.1.
	IP string
	// Port is the frontend gRPC port; 0 picks a free one.
	Port int
	// PortEnv names the environment variable that sets Port, for the
	// "port in use" error.
	PortEnv string
	// UIPort is the Temporal Web UI port; 0 picks a free one, -1 disables
	// the UI.
	UIPort int
	// UIPortEnv names the environment variable that sets UIPort.
	UIPortEnv string
	// Namespace is created if missing; default "default".
	Namespace string
	// Retention is the namespace's workflow retention, applied on every
	// start (also to an existing namespace); default 30 days.
	Retention time.Duration
	// Logger receives the server's log and progress messages; default
	// slog.Default().
	Logger *slog.Logger
	// LogLevel is the lowest level of the server's own messages passed to
	// Logger; default slog.LevelWarn (the server is very chatty).
	LogLevel slog.Leveler
	// SuggestContinueAsNewAfter, when not 0, is the history length (events) at which the
	// server suggests continue-as-new, instead of its default (4,096): tests use a small
	// one to drive a workflow through many runs quickly.
	SuggestContinueAsNewAfter int
}

// Temporal is a running embedded Temporal server (and Web UI) started by
// StartTemporal.
type Temporal struct {
	server   temporal.Server
	ui       *uiserver.Server
	address  string
	uiURL    string
	logger   *slog.Logger
	logLevel *slog.LevelVar // the server's log level; raised to error on Stop
	stopOnce sync.Once
}

// temporalPorts are the ports of one embedded server.
type temporalPorts struct {
	frontend, frontendHTTP, history, matching, worker, ui int
}

// StartTemporal starts an embedded Temporal server (frontend, history,
// matching and worker services in this process) on SQLite, ensures the
// namespace with its retention, starts the Web UI
// unless o.UIPort is -1, and returns once the frontend answers.
//
// It returns a *PortInUseError naming o.PortEnv or o.UIPortEnv when a
// requested port is taken.
func StartTemporal(ctx context.Context, o TemporalOptions) (*Temporal, error) {
	o = o.withDefaults()
	start := time.Now()
	ports, err := o.pickPorts()
	if err != nil {
		return nil, err
	}
	logLevel := new(slog.LevelVar)
	logLevel.Set(o.LogLevel.Level())
	srv, err := newTemporalServer(o, ports, logLevel)
	if err != nil {
		return nil, fmt.Errorf("start temporal: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal: %w", err)
	}
	t := &Temporal{server: srv, address: hostPort(o.IP, ports.frontend), logger: o.Logger, logLevel: logLevel}
	if err := t.setup(ctx, o); err != nil {
		t.Stop()
		return nil, fmt.Errorf("start temporal: %w", err)
	}
	if ports.ui > 0 {
		if err := t.startUI(ctx, o, ports.ui); err != nil {
			t.Stop()
			return nil, fmt.Errorf("start temporal web ui: %w", err)
		}
	}
	o.Logger.Info("temporal started", "address", t.address, "ui", t.uiURL,
		"db", dbFileDescription(o.DBFile), "namespace", o.Namespace, "took", time.Since(start).Round(time.Millisecond))
	return t, nil
}

func (o TemporalOptions) withDefaults() TemporalOptions {
	if o.IP == "" || o.IP == "localhost" {
		o.IP = "127.0.0.1"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.LogLevel == nil {
		o.LogLevel = slog.LevelWarn
	}
	return o
}

// pickPorts checks the requested ports and picks free ones for the rest,
// including the internal services' ports, so that several servers can run
// on one machine.
func (o TemporalOptions) pickPorts() (temporalPorts, error) {
	var p temporalPorts
	var err error
	if p.frontend, err = resolvePort(o.IP, o.Port, o.PortEnv); err != nil {
		return p, err
	}
	if o.UIPort >= 0 {
		if p.ui, err = resolvePort(o.IP, o.UIPort, o.UIPortEnv); err != nil {
			return p, err
		}
	}
	seen := map[int]bool{p.frontend: true, p.ui: true}
	for _, port := range []*int{&p.frontendHTTP, &p.history, &p.matching, &p.worker} {
		for *port == 0 || seen[*port] {
			if *port, err = freePort(o.IP); err != nil {
				return p, err
			}
		}
		seen[*port] = true
	}
	return p, nil
}

// Address returns the host:port of the frontend, for SDK clients.
func (t *Temporal) Address() string { return t.address }

// UIURL returns the Web UI's base URL (http://127.0.0.1:PORT), or "" when
// the UI is disabled.
func (t *Temporal) UIURL() string { return t.uiURL }

// Stop stops the Web UI and the server. It is safe to call more than once.
// The warnings services routinely log while shutting down are suppressed.
func (t *Temporal) Stop() {
	t.stopOnce.Do(func() {
		if t.logLevel.Level() < slog.LevelError {
			t.logLevel.Set(slog.LevelError)
		}
		if t.ui != nil {
			t.ui.Stop()
		}
		if err := t.server.Stop(); err != nil {
			t.logger.Warn("stopping temporal", "error", err)
		}
	})
}

func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

func dbFileDescription(file string) string {
	if file == "" {
		return "in-memory"
	}
	return file
}

// errUIExited is returned when the UI server stops before answering.
var errUIExited = errors.New("the web ui server stopped")
