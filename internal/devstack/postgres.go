package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PostgresOptions configures StartPostgres.
type PostgresOptions struct {
	// DataDir is the cluster data directory; it is created with initdb when
	// it holds no PG_VERSION file.
	DataDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free port.
	Port int
	// PortEnv names the environment variable that sets Port; the "port in
	// use" error tells the user to set it (e.g. "ONBOARD_DEV_PG_PORT").
	PortEnv string
	// Database is created when missing; default "onboard".
	Database string
	// Logger receives progress messages; default slog.Default().
	Logger *slog.Logger
}

// pgUser is the superuser initdb creates; connections use trust auth.
const pgUser = "onboard"

// pgHost is the only address the server listens on.
const pgHost = "127.0.0.1"

// Postgres is a running local PostgreSQL server started by StartPostgres.
type Postgres struct {
	opts    PostgresOptions
	port    int
	cmd     *exec.Cmd
	logFile *os.File
	exited  chan struct{} // closed when the server process has exited
	waitErr error         // the process's exit status, valid after exited

	ready atomic.Bool // set once the server accepted connections

	stopOnce sync.Once
	stopErr  error
	stopping chan struct{}
}

// StartPostgres starts a PostgreSQL server on o.DataDir (running initdb
// first when the directory holds no cluster), waits until it accepts
// connections and creates o.Database if missing. The server listens only on
// 127.0.0.1, trusts every local connection for user "onboard", and keeps its
// log in DataDir/postgres.log. Call Stop to shut it down; on Linux it also
// stops when this process dies.
//
// It returns an error wrapping ErrNoPostgres when no server binaries are
// installed, and a *PortInUseError when o.Port is taken.
func StartPostgres(ctx context.Context, o PostgresOptions) (*Postgres, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	bins, err := findPostgresBins()
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if o.Port != 0 { // fail fast, before a slow initdb; checked again below
		if _, err := resolvePort(pgHost, o.Port, o.PortEnv); err != nil {
			return nil, err
		}
	}
	runAs, err := postgresRunAs()
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if err := ensureCluster(ctx, bins, runAs, o); err != nil {
		return nil, err
	}
	if err := checkNoLiveServer(o.DataDir); err != nil {
		return nil, err
	}
	p, err := startServer(ctx, bins, runAs, o)
	if err != nil {
		return nil, err
	}
	if err := p.CreateDatabase(ctx, o.Database); err != nil {
		_ = p.Stop()
		return nil, err
	}
	o.Logger.Info("postgres started", "url", p.URL(), "data_dir", o.DataDir, "binaries", bins.Dir)
	return p, nil
}

// startServer launches the postmaster and waits until it accepts
// connections. After a crash, processes of the old server may hold its
// shared memory for a moment; the start is then retried for a while.
func startServer(ctx context.Context, bins pgBins, runAs *pgRunAs, o PostgresOptions) (*Postgres, error) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		port, err := resolvePort(pgHost, o.Port, o.PortEnv)
		if err != nil {
			return nil, err
		}
		p := &Postgres{opts: o, port: port, exited: make(chan struct{}), stopping: make(chan struct{})}
		if err := p.launch(bins, runAs); err != nil {
			return nil, err
		}
		err = p.waitReady(ctx)
		if err == nil {
			p.ready.Store(true)
			return p, nil
		}
		_ = p.Stop()
		if !strings.Contains(err.Error(), "pre-existing shared memory block") || time.Now().After(deadline) {
			return nil, err
		}
		o.Logger.Info("postgres: waiting for processes of a crashed server to exit", "data_dir", o.DataDir)
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (o PostgresOptions) withDefaults() (PostgresOptions, error) {
	if o.DataDir == "" {
		return o, errors.New("start postgres: PostgresOptions.DataDir is required")
	}
	abs, err := filepath.Abs(o.DataDir)
	if err != nil {
		return o, fmt.Errorf("start postgres: %w", err)
	}
	o.DataDir = abs
	if o.Database == "" {
		o.Database = "onboard"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// URL returns the connection URL of the options' Database, e.g.
// postgres://onboard@127.0.0.1:5433/onboard?sslmode=disable.
func (p *Postgres) URL() string { return p.URLFor(p.opts.Database) }

// URLFor returns the connection URL of database db on this server.
func (p *Postgres) URLFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(pgUser),
		Host:     net.JoinHostPort(pgHost, strconv.Itoa(p.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the TCP port the server listens on.
func (p *Postgres) Port() int { return p.port }

// DataDir returns the absolute path of the cluster's data directory.
func (p *Postgres) DataDir() string { return p.opts.DataDir }

// Stop shuts the server down (fast shutdown: open sessions are ended,
// committed data is kept) and waits for it to exit. It is safe to call more
// than once; later calls return the first call's result.
func (p *Postgres) Stop() error {
	p.stopOnce.Do(func() {
		close(p.stopping)
		p.stopErr = p.shutdown()
		if p.logFile != nil {
			_ = p.logFile.Close()
		}
	})
	return p.stopErr
}

// shutdown sends SIGINT (fast shutdown), then SIGQUIT (immediate) and
// finally SIGKILL, each time waiting for the process to exit.
func (p *Postgres) shutdown() error {
	steps := []struct {
		send func(*os.Process) error
		wait time.Duration
	}{
		{interruptProcess, 60 * time.Second},
		{quitProcess, 10 * time.Second},
		{(*os.Process).Kill, 10 * time.Second},
	}
	for _, s := range steps {
		select {
		case <-p.exited:
			return nil
		default:
		}
		_ = s.send(p.cmd.Process)
		select {
		case <-p.exited:
			return nil
		case <-time.After(s.wait):
		}
	}
	return fmt.Errorf("postgres (pid %d) did not exit", p.cmd.Process.Pid)
}
