package devstack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// testLogger writes to the test log at info level.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(b))
	return len(b), nil
}

// requirePostgres skips the test when no PostgreSQL binaries are installed,
// except under CI=true, where their absence is a failure.
func requirePostgres(t *testing.T) {
	t.Helper()
	if _, err := findPostgresBins(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
}

func startTestPostgres(t *testing.T, dir string, port int) *Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := StartPostgres(ctx, PostgresOptions{DataDir: dir, Port: port, PortEnv: "TEST_PG_PORT", Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("StartPostgres: %v", err)
	}
	t.Cleanup(func() { _ = p.Stop() })
	return p
}

func pgExec(t *testing.T, url, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func pgCount(t *testing.T, url, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestPostgresRestartKeepsData(t *testing.T) {
	requirePostgres(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")

	p := startTestPostgres(t, dir, 0)
	if want := "postgres://onboard@127.0.0.1:" + strconv.Itoa(p.Port()) + "/onboard?sslmode=disable"; p.URL() != want {
		t.Errorf("URL() = %q, want %q", p.URL(), want)
	}
	pgExec(t, p.URL(), "CREATE TABLE kept (id int primary key, name text)")
	pgExec(t, p.URL(), "INSERT INTO kept VALUES (1, 'one'), (2, 'two')")
	ctx := context.Background()
	for range 2 { // idempotent
		if err := p.CreateDatabase(ctx, "second-db"); err != nil {
			t.Fatalf("CreateDatabase: %v", err)
		}
	}
	pgExec(t, p.URLFor("second-db"), "CREATE TABLE other (x int)")
	// C.UTF-8 exists on Linux; elsewhere initdb falls back to plain C.
	if n := pgCount(t, p.URL(), "SELECT count(*) FROM (SELECT 1 WHERE lower('ÉTÉ') = 'été') s"); n != 1 && runtime.GOOS == "linux" {
		t.Errorf("lower() is not Unicode-aware: the cluster's locale is not UTF-8")
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	p2 := startTestPostgres(t, dir, 0)
	if n := pgCount(t, p2.URL(), "SELECT count(*) FROM kept"); n != 2 {
		t.Errorf("rows after restart = %d, want 2", n)
	}
	if n := pgCount(t, p2.URLFor("second-db"), "SELECT count(*) FROM other"); n != 0 {
		t.Errorf("other rows = %d, want 0", n)
	}
}

func TestPostgresStartsAfterCrash(t *testing.T) {
	requirePostgres(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")
	p := startTestPostgres(t, dir, 0)
	pgExec(t, p.URL(), "CREATE TABLE kept (id int)")
	pgExec(t, p.URL(), "INSERT INTO kept VALUES (1)")

	// Simulate a crash: the postmaster dies without removing postmaster.pid.
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); err != nil {
		t.Fatalf("expected a leftover postmaster.pid: %v", err)
	}
	_ = p.Stop()

	p2 := startTestPostgres(t, dir, 0)
	if n := pgCount(t, p2.URL(), "SELECT count(*) FROM kept"); n != 1 {
		t.Errorf("rows after crash = %d, want 1", n)
	}
}

func TestPostgresPortInUse(t *testing.T) {
	requirePostgres(t)
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	_, err = StartPostgres(context.Background(), PostgresOptions{
		DataDir: filepath.Join(t.TempDir(), "pg"), Port: port, PortEnv: "ONBOARD_DEV_PG_PORT",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	var inUse *PortInUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("err = %v, want a *PortInUseError", err)
	}
	want := "port " + strconv.Itoa(port) + " is already in use: set ONBOARD_DEV_PG_PORT to a free port"
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestNoPostgresErrorSaysHowToInstall(t *testing.T) {
	for _, s := range []string{"apt-get install postgresql", "brew install postgresql@15", "DATABASE_URL"} {
		if !strings.Contains(ErrNoPostgres.Error(), s) {
			t.Errorf("ErrNoPostgres does not mention %q: %v", s, ErrNoPostgres)
		}
	}
}

// waitForSignal is the trivial workflow the tests run: it stays open until
// it receives the "finish" signal.
func waitForSignal(ctx workflow.Context) (string, error) {
	var msg string
	workflow.GetSignalChannel(ctx, "finish").Receive(ctx, &msg)
	return "got " + msg, nil
}

func startTestTemporal(t *testing.T, o TemporalOptions) *Temporal {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if o.Logger == nil {
		o.Logger = testLogger(t)
	}
	began := time.Now()
	tmp, err := StartTemporal(ctx, o)
	if err != nil {
		t.Fatalf("StartTemporal: %v", err)
	}
	t.Logf("StartTemporal took %s", time.Since(began).Round(time.Millisecond))
	t.Cleanup(tmp.Stop)
	return tmp
}

func dialTemporal(t *testing.T, tmp *Temporal) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort: tmp.Address(), Namespace: "default",
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", tmp.Address(), err)
	}
	t.Cleanup(c.Close)
	return c
}

func checkNamespace(t *testing.T, c client.Client, minRetention time.Duration) {
	t.Helper()
	ctx := context.Background()
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	if err != nil {
		t.Fatalf("DescribeNamespace: %v", err)
	}
	if got := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got < minRetention {
		t.Errorf("retention = %s, want >= %s", got, minRetention)
	}
}

func checkHTTP200(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %.200s", url, resp.StatusCode, body)
	}
}

// startWorker runs a worker for waitForSignal until the returned stop
// function (also registered as cleanup) is called.
func startWorker(t *testing.T, c client.Client) (stop func()) {
	t.Helper()
	w := worker.New(c, "devstack-test", worker.Options{})
	w.RegisterWorkflow(waitForSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() { once.Do(w.Stop) }
	t.Cleanup(stop)
	return stop
}

// startWaitingWorkflow starts one execution of waitForSignal and waits
// until a worker has run its first workflow task.
func startWaitingWorkflow(t *testing.T, c client.Client, id string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: "devstack-test",
	}, waitForSignal)
	if err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err == nil && desc.GetPendingWorkflowTask() == nil && desc.GetWorkflowExecutionInfo().GetHistoryLength() >= 4 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the workflow's first task did not complete")
}

func TestTemporalRestartKeepsState(t *testing.T) {
	t.Parallel()
	dbFile := filepath.Join(t.TempDir(), "temporal.db")
	tmp := startTestTemporal(t, TemporalOptions{DBFile: dbFile})
	if tmp.UIURL() == "" {
		t.Fatal("UIURL() is empty with UIPort 0")
	}
	c := dialTemporal(t, tmp)
	checkNamespace(t, c, 30*24*time.Hour)
	checkHTTP200(t, tmp.UIURL()+"/")
	stopWorker := startWorker(t, c)
	startWaitingWorkflow(t, c, "devstack-restart")
	stopWorker()
	c.Close()
	tmp.Stop()
	tmp.Stop() // safe twice

	// Restart on the same file, asking for a longer retention: it must be applied
	// to the existing namespace.
	tmp2 := startTestTemporal(t, TemporalOptions{DBFile: dbFile, UIPort: -1, Retention: 45 * 24 * time.Hour})
	if tmp2.UIURL() != "" {
		t.Errorf("UIURL() = %q with the UI disabled", tmp2.UIURL())
	}
	c2 := dialTemporal(t, tmp2)
	checkNamespace(t, c2, 45*24*time.Hour)
	ctx := context.Background()
	desc, err := c2.DescribeWorkflowExecution(ctx, "devstack-restart", "")
	if err != nil {
		t.Fatalf("DescribeWorkflowExecution after restart: %v", err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("status after restart = %v, want running", st)
	}
	startWorker(t, c2)
	finishWorkflow(t, c2, "devstack-restart")
}

// finishWorkflow signals the waiting workflow and checks that it completes.
func finishWorkflow(t *testing.T, c client.Client, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.SignalWorkflow(ctx, id, "", "finish", "bye"); err != nil {
		t.Fatalf("SignalWorkflow: %v", err)
	}
	var out string
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &out); err != nil || out != "got bye" {
		t.Fatalf("workflow result = %q, %v; want \"got bye\"", out, err)
	}
}

func TestTemporalInMemory(t *testing.T) {
	t.Parallel()
	tmp := startTestTemporal(t, TemporalOptions{UIPort: -1})
	c := dialTemporal(t, tmp)
	checkNamespace(t, c, 30*24*time.Hour)
	startWorker(t, c)
	startWaitingWorkflow(t, c, "devstack-memory")
	finishWorkflow(t, c, "devstack-memory")
}

func TestTemporalPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	quiet := slog.New(slog.DiscardHandler)
	for _, o := range []TemporalOptions{
		{Port: port, PortEnv: "ONBOARD_DEV_TEMPORAL_PORT", UIPort: -1, Logger: quiet},
		{UIPort: port, UIPortEnv: "ONBOARD_DEV_TEMPORAL_UI_PORT", Logger: quiet},
	} {
		_, err := StartTemporal(context.Background(), o)
		env := o.PortEnv + o.UIPortEnv
		var inUse *PortInUseError
		if !errors.As(err, &inUse) || !strings.Contains(err.Error(), env) {
			t.Errorf("err = %v, want a *PortInUseError naming %s", err, env)
		}
	}
}

// TestStackSurvivesKilledProcess runs the stack in a child process (this
// test binary again), kills it with SIGKILL like a crashed `onboard dev`,
// and starts the stack again on the same directory: Postgres must have been
// shut down with its parent and keep its data, and Temporal must keep the
// running workflow.
func TestStackSurvivesKilledProcess(t *testing.T) {
	if os.Getenv("DEVSTACK_CHILD_DIR") != "" {
		runChildStack(t, os.Getenv("DEVSTACK_CHILD_DIR"))
		return
	}
	requirePostgres(t)
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStackSurvivesKilledProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "DEVSTACK_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !waitForLine(out, "CHILD READY", 2*time.Minute) {
		_ = cmd.Process.Kill()
		t.Fatal("the child stack did not get ready")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	p := startTestPostgres(t, filepath.Join(dir, "pg"), 0)
	if n := pgCount(t, p.URL(), "SELECT count(*) FROM kept"); n != 1 {
		t.Errorf("rows after the kill = %d, want 1", n)
	}
	tmp := startTestTemporal(t, TemporalOptions{DBFile: filepath.Join(dir, "temporal.db"), UIPort: -1})
	c := dialTemporal(t, tmp)
	startWorker(t, c)
	finishWorkflow(t, c, "devstack-killed")
}

// runChildStack is the child side of TestStackSurvivesKilledProcess.
func runChildStack(t *testing.T, dir string) {
	p := startTestPostgres(t, filepath.Join(dir, "pg"), 0)
	pgExec(t, p.URL(), "CREATE TABLE kept (id int)")
	pgExec(t, p.URL(), "INSERT INTO kept VALUES (1)")
	tmp := startTestTemporal(t, TemporalOptions{DBFile: filepath.Join(dir, "temporal.db"), UIPort: -1})
	c := dialTemporal(t, tmp)
	startWorker(t, c)
	startWaitingWorkflow(t, c, "devstack-killed")
	fmt.Println("CHILD READY")
	time.Sleep(5 * time.Minute) // killed by the parent
}

// waitForLine reads r until a line equal to want appears or d passes.
func waitForLine(r io.Reader, want string, d time.Duration) bool {
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == want {
				found <- true
				_, _ = io.Copy(io.Discard, r)
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		return ok
	case <-time.After(d):
		return false
	}
}
