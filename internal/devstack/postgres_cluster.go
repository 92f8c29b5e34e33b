package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgLogName is the server log inside the data directory.
const pgLogName = "postgres.log"

// ensureCluster creates the cluster with initdb when DataDir has no
// PG_VERSION, and (when root) hands the directory to the postgres user.
func ensureCluster(ctx context.Context, bins pgBins, runAs *pgRunAs, o PostgresOptions) error {
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	if err := runAs.prepareDir(o.DataDir); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	if _, err := os.Stat(filepath.Join(o.DataDir, "PG_VERSION")); err == nil {
		return nil
	}
	entries, err := os.ReadDir(o.DataDir)
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("start postgres: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION); "+
			"remove it or choose another directory", o.DataDir)
	}
	o.Logger.Info("creating postgres cluster", "data_dir", o.DataDir, "initdb", bins.InitDB)
	return runInitDB(ctx, bins, runAs, o.DataDir)
}

// runInitDB runs initdb on the (empty) dataDir with the C.UTF-8 locale
// (byte-order collation, Unicode-aware upper/lower), or plain C where that
// locale does not exist (macOS).
func runInitDB(ctx context.Context, bins pgBins, runAs *pgRunAs, dataDir string) error {
	var err error
	for _, locale := range []string{"C.UTF-8", "C"} {
		var out string
		out, err = initDBWithLocale(ctx, bins, runAs, dataDir, locale)
		if err == nil {
			return nil
		}
		err = fmt.Errorf("start postgres: initdb %s failed: %w\n%s", dataDir, err, out)
		if !strings.Contains(out, "locale") {
			break
		}
	}
	return err
}

func initDBWithLocale(ctx context.Context, bins pgBins, runAs *pgRunAs, dataDir, locale string) (string, error) {
	args := []string{
		"-D", dataDir,
		"-U", pgUser,
		"--auth=trust",
		"--encoding=UTF8",
		"--locale=" + locale,
	}
	if isTempPath(dataDir) {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, bins.InitDB, args...)
	cmd.Dir = filepath.Dir(dataDir)
	cmd.SysProcAttr = sysProcAttr(runAs)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// isTempPath reports whether path lies under os.TempDir(); such clusters
// are throwaway (tests) and run without fsync.
func isTempPath(path string) bool {
	tmp, err := filepath.EvalSymlinks(os.TempDir())
	if err != nil {
		tmp = os.TempDir()
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	rel, err := filepath.Rel(tmp, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkNoLiveServer fails when postmaster.pid names a live server (left
// running by an earlier run on the same data directory) and removes a stale
// pid file whose process is gone or is no postgres (a reused pid).
func checkNoLiveServer(dataDir string) error {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	// A server whose parent just died may still be shutting down.
	for deadline := time.Now().Add(10 * time.Second); processLooksLikePostgres(pid) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	if processLooksLikePostgres(pid) {
		return fmt.Errorf("start postgres: a PostgreSQL server (pid %d) is already running on %s, "+
			"probably left by an earlier run; stop it (kill -INT %d) and start again", pid, dataDir, pid)
	}
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("start postgres: removing stale %s: %w", pidFile, err)
	}
	return nil
}

// serverArgs returns the postgres command line.
func (p *Postgres) serverArgs() []string {
	dir := p.opts.DataDir
	socketDir := dir
	// A unix socket path is limited to about 107 bytes; TCP is what we use.
	if len(dir)+len("/.s.PGSQL.65535") > 100 {
		socketDir = ""
	}
	args := []string{
		"-D", dir,
		"-p", strconv.Itoa(p.port),
		"-k", socketDir,
		"-c", "listen_addresses=" + pgHost,
		"-c", "max_connections=200",
		"-c", "shared_buffers=128MB",
		"-c", "logging_collector=off",
	}
	if isTempPath(dir) {
		// Throwaway clusters skip flushing to disk. A crash of the server
		// (not of the machine) still loses nothing: the data is in the OS
		// page cache. synchronous_commit stays on for that reason.
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	return args
}

// launch starts the postmaster as a child process logging to postgres.log.
func (p *Postgres) launch(bins pgBins, runAs *pgRunAs) error {
	logPath := filepath.Join(p.opts.DataDir, pgLogName)
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	if err := runAs.chownFile(logPath); err != nil {
		_ = f.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	fmt.Fprintf(f, "\n--- devstack: starting postgres on %s:%d at %s\n", pgHost, p.port, time.Now().Format(time.RFC3339))
	cmd := exec.Command(bins.Postgres, p.serverArgs()...)
	cmd.Dir = p.opts.DataDir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = sysProcAttr(runAs)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	p.cmd, p.logFile = cmd, f
	started := make(chan error, 1)
	go p.run(started)
	if err := <-started; err != nil {
		_ = f.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	return nil
}

// run starts the server process and waits for it on one locked OS thread:
// Linux sends the parent-death signal when the thread that started a child
// exits, so that thread must live as long as the server.
func (p *Postgres) run(started chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread ends with the server
	if err := p.cmd.Start(); err != nil {
		started <- err
		return
	}
	started <- nil
	p.waitErr = p.cmd.Wait()
	close(p.exited)
	select {
	case <-p.stopping:
	default:
		if !p.ready.Load() {
			return // a failed start is reported by StartPostgres
		}
		p.opts.Logger.Error("postgres exited unexpectedly", "error", p.waitErr,
			"log", filepath.Join(p.opts.DataDir, pgLogName))
	}
}

// waitReady polls until the server accepts connections, fails or times out.
func (p *Postgres) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		err := p.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("start postgres: server exited (%v); last lines of %s:\n%s",
				p.waitErr, filepath.Join(p.opts.DataDir, pgLogName), p.logTail(15))
		case <-ctx.Done():
			return fmt.Errorf("start postgres: not accepting connections on port %d: %w (last error: %v)",
				p.port, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ping connects to the maintenance database once.
func (p *Postgres) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.URLFor("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// logTail returns the last n lines of the server log.
func (p *Postgres) logTail(n int) string {
	data, _ := os.ReadFile(filepath.Join(p.opts.DataDir, pgLogName))
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
