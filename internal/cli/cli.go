// Package cli implements the onboard command's subcommands: dev (everything in one
// process), api, worker, migrate, bench and simulate. Each reads in order: config, validate,
// logger, database, schema check, start; SIGINT/SIGTERM shut down gracefully.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
)

const usage = `Usage: onboard <command>

Commands:
  dev       run everything on this machine: Postgres, Temporal + Web UI, worker, web app, demo data
  api       serve the portal, dashboard and JSON API (needs DATABASE_URL, TEMPORAL_ADDRESS)
  worker    run the onboarding workflows and activities (needs DATABASE_URL, TEMPORAL_ADDRESS)
  migrate   apply database migrations (needs DATABASE_URL)
  bench     load-test a running stack's task actions against a bare Temporal Update
  simulate  run a plan through the real workflow with skipped time and print the timeline
            (reminders, escalations, go-live against the target); needs nothing running

Configuration is read from the environment; see README.md.
`

// Run runs the command named by args and returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	commands := map[string]func(context.Context, config.Config, *slog.Logger, []string, io.Writer) error{
		"dev": runDev, "api": runAPI, "worker": runWorker, "migrate": runMigrate, "bench": runBench,
		"simulate": runSimulate,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "onboard: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	load := config.Load
	if args[0] == "dev" || args[0] == "simulate" {
		load = config.LoadDev
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "onboard: %v\n", err)
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if cfg.PprofAddr != "" && args[0] != "simulate" {
		if err := servePprof(ctx, cfg.PprofAddr, log); err != nil {
			fmt.Fprintf(stderr, "onboard: %v\n", err)
			return 1
		}
	}
	if err := cmd(ctx, cfg, log, args[1:], stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "onboard %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// servePprof serves Go's profiler on addr until ctx ends: CPU, heap, goroutine and
// mutex profiles of this process (go tool pprof http://addr/debug/pprof/profile).
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ONBOARD_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	go func() { _ = srv.Serve(ln) }()
	log.Info("profiler listening", "addr", ln.Addr().String())
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(strings.ToUpper(level)))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
