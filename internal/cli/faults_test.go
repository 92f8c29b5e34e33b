//go:build linux

package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/bench"
	"github.com/onboard-oss/onboard/internal/devstack"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

// The fault suite. While a bounded keyed load runs (many users, each action with an
// Idempotency-Key that is retried until it gets an answer, some sent twice at once), real
// onboard processes are killed and restarted. Afterwards every action answered 200, 201
// or 202 is applied exactly once, every refused one not at all, nothing unanswered is
// half-applied, and the read model has caught up with every workflow.
//
// ONBOARD_FAULT_SOAK=10m repeats the split-process faults for that long (a soak); the
// default is one round of each.

// faultSecret is the server secret of the processes the suite starts.
const faultSecret = "fault-suite-secret-0123456789abcdef0123456789"

// TestFaultsSplitProcesses runs two `onboard api` and two `onboard worker` processes
// against one Temporal server and one Postgres cluster, sends the load through both apis,
// and meanwhile: kills both workers (SIGKILL) and restarts them, kills one api and
// restarts it, and restarts Postgres under everything.
func TestFaultsSplitProcesses(t *testing.T) {
	requirePostgres(t)
	ctx := context.Background()
	pgOpts := devstack.PostgresOptions{DataDir: t.TempDir(), Port: freePort(t), Database: "onboard", Logger: newLogger(os.Stderr, "warn")}
	pg, err := devstack.StartPostgres(ctx, pgOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Stop() }()
	tm, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{UIPort: -1, Logger: newLogger(os.Stderr, "error")})
	if err != nil {
		t.Fatal(err)
	}
	defer tm.Stop()
	st, err := store.Open(ctx, pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tn := seedTenant(t, st)
	tc := dialTemporalClient(t, tm.Address())
	if err := worker.EnsureSearchAttributes(ctx, tc, "default", newLogger(os.Stderr, "error")); err != nil {
		t.Fatal(err)
	}

	common := []string{"DATABASE_URL=" + pg.URL(), "TEMPORAL_ADDRESS=" + tm.Address(), "ONBOARD_SECRET=" + faultSecret,
		"ONBOARD_UPDATE_TIMEOUT=2s", "ONBOARD_LOG_LEVEL=error"}
	var workers, apis []*child
	var urls []string
	for i := range 2 {
		w := startChild(t, fmt.Sprintf("worker %d", i+1), append(slices.Clone(common), "ONBOARD_WORKER_METRICS_ADDR=off"), "worker")
		workers = append(workers, w)
		addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		a := startChild(t, fmt.Sprintf("api %d", i+1), append(slices.Clone(common), "ONBOARD_HTTP_ADDR="+addr, "ONBOARD_BASE_URL=http://"+addr), "api")
		apis, urls = append(apis, a), append(urls, "http://"+addr)
	}
	for _, u := range urls {
		waitReady(t, u)
	}

	faults := []fault{
		{name: "both workers killed (SIGKILL), restarted 2 s later", do: func() {
			for _, w := range workers {
				w.kill()
			}
			time.Sleep(2 * time.Second)
			for _, w := range workers {
				w.start(t)
			}
		}},
		{name: "api 1 killed (SIGKILL), restarted 1 s later", do: func() {
			apis[0].kill()
			time.Sleep(time.Second)
			apis[0].start(t)
			waitReady(t, urls[0])
		}},
		{name: "Postgres stopped under both apis and workers, started 2 s later", do: func() {
			if err := pg.Stop(); err != nil {
				t.Errorf("stop postgres: %v", err)
			}
			time.Sleep(2 * time.Second)
			if pg, err = devstack.StartPostgres(ctx, pgOpts); err != nil {
				t.Fatalf("restart postgres: %v", err)
			}
		}},
	}
	ledger, report := runWithFaults(t, bench.KeyedOptions{URLs: urls, APIKey: tn.key, AccountID: tn.accountID,
		Plan: "standard-saas", Users: 12, Run: "split", DoubleEvery: 5}, faults)

	verifyExactlyOnce(t, st, tc, tn, ledger, false)
	report.log(t)
}

// TestFaultsDevKilled kills the whole `onboard dev` process (its Postgres, Temporal
// server, worker and api) with SIGKILL under load and starts it again on the same data
// directory: it comes back with every onboarding running and its timers pending, and
// every answered action applied once.
func TestFaultsDevKilled(t *testing.T) {
	requirePostgres(t)
	dir := t.TempDir()
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	pgPort, temporalPort := freePort(t), freePort(t)
	env := []string{"ONBOARD_DATA_DIR=" + dir, "ONBOARD_HTTP_ADDR=" + httpAddr, "ONBOARD_BASE_URL=http://" + httpAddr,
		"ONBOARD_DEV_PG_PORT=" + strconv.Itoa(pgPort), "ONBOARD_DEV_TEMPORAL_PORT=" + strconv.Itoa(temporalPort),
		"ONBOARD_DEV_UI_PORT=" + strconv.Itoa(freePort(t)), "ONBOARD_UPDATE_TIMEOUT=2s", "ONBOARD_LOG_LEVEL=error",
		"DATABASE_URL=", "TEMPORAL_ADDRESS=", "ONBOARD_SECRET="}
	dev := startChild(t, "dev", env, "dev")
	waitFor(t, dev, "Onboard is running", 3*time.Minute)
	key := bannerValue(t, dev.output(), `Bearer (onb_[A-Za-z0-9_-]+)`)
	url := "http://" + httpAddr
	account := createAccount(t, url, key)

	faults := []fault{{name: "the whole dev process killed (SIGKILL), started again on its data (Postgres, Temporal on SQLite, worker, api)", do: func() {
		dev.kill()
		dev.start(t)
		waitFor(t, dev, "Onboard is running", 3*time.Minute)
	}}}
	ledger, report := runWithFaults(t, bench.KeyedOptions{URLs: []string{url}, APIKey: key, AccountID: account,
		Plan: "standard-saas", Users: 8, Run: "dev", DoubleEvery: 5}, faults)

	st, err := store.Open(context.Background(), fmt.Sprintf("postgres://onboard@127.0.0.1:%d/onboard?sslmode=disable", pgPort))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ws, err := st.APIKeyByHash(context.Background(), auth.Hash(key))
	if err != nil {
		t.Fatal(err)
	}
	tc := dialTemporalClient(t, "127.0.0.1:"+strconv.Itoa(temporalPort))
	verifyExactlyOnce(t, st, tc, tenant{workspaceID: ws.WorkspaceID, accountID: account, key: key}, ledger, true)
	report.log(t)
}

// fault is one thing that goes wrong during the load.
type fault struct {
	name string
	do   func()
}

// faultReport is what each fault did to the load.
type faultReport struct {
	rows []string
}

func (r faultReport) log(t *testing.T) {
	t.Logf("fault report:\n  %s", strings.Join(r.rows, "\n  "))
}

// runWithFaults runs the keyed load, and each fault in turn after 3 s of load and 3 s
// apart, then stops the load and waits for every action in flight to get its answer.
// With ONBOARD_FAULT_SOAK the faults repeat until that long has passed.
func runWithFaults(t *testing.T, o bench.KeyedOptions, faults []fault) ([]bench.KeyedAction, faultReport) {
	t.Helper()
	soak, _ := time.ParseDuration(os.Getenv("ONBOARD_FAULT_SOAK"))
	o.GiveUpAfter = 2 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), soak+10*time.Minute)
	defer cancel()
	stop := make(chan struct{})
	var ledger []bench.KeyedAction
	done := make(chan struct{})
	go func() { ledger = bench.RunKeyed(ctx, o, stop); close(done) }()
	type window struct {
		name          string
		began, ended  time.Time
		inFlightAfter int
	}
	var windows []window
	began := time.Now()
	for round := 0; round == 0 || time.Since(began) < soak; round++ {
		for _, f := range faults {
			time.Sleep(3 * time.Second)
			w := window{name: f.name, began: time.Now()}
			f.do()
			w.ended = time.Now()
			windows = append(windows, w)
		}
	}
	time.Sleep(3 * time.Second)
	close(stop)
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the load did not finish")
	}
	var r faultReport
	answered, unanswered, attempts := 0, 0, 0
	for _, a := range ledger {
		attempts += a.Attempts
		if a.Status == 0 {
			unanswered++
		} else {
			answered++
		}
	}
	r.rows = append(r.rows, fmt.Sprintf("%d actions (%d answered, %d unanswered, %d requests with retries and double clicks) in %s",
		len(ledger), answered, unanswered, attempts, time.Since(began).Round(time.Second)))
	for _, w := range windows {
		// Recovery is when the first task completion sent after the fault began was done
		// (200: through an api, a worker and Postgres), and when the last action in flight
		// at the fault got its answer.
		hit, retried, recovered, settled := 0, 0, time.Duration(-1), time.Duration(0)
		for _, a := range ledger {
			if a.Sent.Before(w.began) && a.Answered.After(w.began) {
				hit++
				if a.Attempts > 1 && !a.Double || a.Attempts > 2 {
					retried++
				}
				settled = max(settled, a.Answered.Sub(w.began))
			}
			if !a.Sent.Before(w.began) && a.Task != "" && a.Status == http.StatusOK {
				if d := a.Answered.Sub(w.began); recovered < 0 || d < recovered {
					recovered = d
				}
			}
		}
		r.rows = append(r.rows, fmt.Sprintf("%s: took %s; %d actions in flight (%d retried), the last answered %s after the fault began; "+
			"first task completion done %s after it", w.name, w.ended.Sub(w.began).Round(100*time.Millisecond), hit, retried,
			settled.Round(10*time.Millisecond), recovered.Round(10*time.Millisecond)))
	}
	if answered == 0 {
		t.Fatal("no action was answered")
	}
	return ledger, r
}

// verifyExactlyOnce checks the ledger against what the stack kept.
func verifyExactlyOnce(t *testing.T, st *store.Store, tc client.Client, tn tenant, ledger []bench.KeyedAction, wantTimers bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	list, err := st.OnboardingsForAccount(ctx, tn.workspaceID, tn.accountID)
	if err != nil {
		t.Fatal(err)
	}
	// Every onboarding has its workflow, and the read model catches up with it (a
	// queued action is applied once a worker takes it).
	for _, o := range list {
		awaitReadModel(ctx, t, st, tc, o, wantTimers)
	}
	// No request was applied twice.
	var dup []string
	if err := st.DB().SelectContext(ctx, &dup, `SELECT request_id FROM audit_events WHERE workspace_id = $1 AND request_id LIKE 'idem:%'
		GROUP BY request_id HAVING count(*) > 1`, tn.workspaceID); err != nil {
		t.Fatal(err)
	}
	if len(dup) > 0 {
		t.Errorf("applied more than once: %v", dup)
	}
	created, createdMaybe, completes := 0, 0, 0
	for _, a := range ledger {
		// A double click's two answers agree: the second replays the first's, or, when
		// the first's could not be kept (Postgres was down as it was answered), both
		// accept the action (200 and 202).
		if a.Double && a.DoubleStatus != a.Status && a.DoubleStatus != 0 && a.Status != 0 &&
			!(a.Accepted() && (bench.KeyedAction{Status: a.DoubleStatus}).Accepted()) {
			t.Errorf("double click %s: answers %d and %d:\n%s", a.Key, a.Status, a.DoubleStatus, strings.Join(a.Trail, "\n"))
		}
		if a.Task == "" {
			switch {
			case a.Accepted():
				created++
			case a.Status == 0:
				createdMaybe++
			}
			continue
		}
		completes++
		var n int
		if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM audit_events WHERE onboarding_id = $1 AND request_id = $2`,
			a.OnboardingID, auditRequestID(a.Key, a.Task)); err != nil {
			t.Fatal(err)
		}
		var status onboarding.TaskStatus
		if err := st.DB().GetContext(ctx, &status, `SELECT status FROM onboarding_tasks WHERE onboarding_id = $1 AND key = $2`,
			a.OnboardingID, a.Task); err != nil {
			t.Fatalf("task %s of %s: %v", a.Task, a.OnboardingID, err)
		}
		switch {
		case a.Accepted() && (n != 1 || status != onboarding.TaskCompleted):
			t.Errorf("%s (complete %s) answered %d: applied %d times, task %s", a.Key, a.Task, a.Status, n, status)
		case !a.Accepted() && a.Status != 0 && n != 0:
			t.Errorf("%s (complete %s) answered %d, but was applied", a.Key, a.Task, a.Status)
		case a.Status == 0 && n == 1 && status != onboarding.TaskCompleted:
			t.Errorf("%s (complete %s), unanswered, is half-applied: in the log, task %s", a.Key, a.Task, status)
		}
	}
	if len(list) < created || len(list) > created+createdMaybe {
		t.Errorf("%d onboardings for %d creates answered 201 and %d unanswered", len(list), created, createdMaybe)
	}
	t.Logf("verified: %d onboardings (%d creates answered), %d task completions, none applied twice", len(list), created, completes)
}

// awaitReadModel waits until an onboarding's read model shows its workflow's state
// version (never a later one), and, when wantTimers, that a running workflow has a timer.
func awaitReadModel(ctx context.Context, t *testing.T, st *store.Store, tc client.Client, o store.Onboarding, wantTimers bool) {
	t.Helper()
	for {
		var state onboarding.State
		v, err := tc.QueryWorkflow(ctx, o.WorkflowID, "", workflows.QueryState)
		if err == nil {
			err = v.Get(&state)
		}
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("onboarding %s: its workflow does not answer: %v", o.ID, err)
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		row, err := st.Onboarding(ctx, o.WorkspaceID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if row.StateVersion > state.Version {
			t.Fatalf("onboarding %s: read model at version %d, ahead of its workflow's %d", o.ID, row.StateVersion, state.Version)
		}
		if row.StateVersion == state.Version {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("onboarding %s: read model stuck at version %d, workflow at %d", o.ID, row.StateVersion, state.Version)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !wantTimers {
		return
	}
	desc, err := tc.DescribeWorkflowExecution(ctx, o.WorkflowID, "")
	if err != nil {
		t.Fatalf("onboarding %s: %v", o.ID, err)
	}
	if desc.WorkflowExecutionInfo.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return
	}
	if n := openTimers(ctx, t, tc, o.WorkflowID); n == 0 {
		t.Errorf("onboarding %s: running, but no timer is pending", o.ID)
	}
}

// openTimers counts the timers started and not yet fired or cancelled in the current run.
func openTimers(ctx context.Context, t *testing.T, tc client.Client, workflowID string) int {
	t.Helper()
	open := map[int64]bool{}
	it := tc.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			open[e.GetEventId()] = true
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			delete(open, e.GetTimerFiredEventAttributes().GetStartedEventId())
		case enumspb.EVENT_TYPE_TIMER_CANCELED:
			delete(open, e.GetTimerCanceledEventAttributes().GetStartedEventId())
		}
	}
	return len(open)
}

// auditRequestID is the request id the api gives a task action sent with key: its
// digest, scoped to the task and action (api.requestID).
func auditRequestID(key, task string) string {
	sum := sha256.Sum256([]byte(key))
	return "idem:" + hex.EncodeToString(sum[:12]) + ":" + task + ":" + string(onboarding.ActionComplete)
}

// tenant is the workspace, API key and account the load runs in.
type tenant struct {
	workspaceID, accountID, key string
}

// seedTenant creates a workspace with an API key and an account.
func seedTenant(t *testing.T, st *store.Store) tenant {
	t.Helper()
	ctx := context.Background()
	ws, err := st.CreateWorkspace(ctx, store.Workspace{Slug: "faults", Name: "Faults"})
	if err != nil {
		t.Fatal(err)
	}
	key, prefix := auth.NewAPIKey()
	if _, err := st.CreateAPIKey(ctx, store.APIKey{WorkspaceID: ws.ID, Name: "faults", Prefix: prefix, Hash: auth.Hash(key)}); err != nil {
		t.Fatal(err)
	}
	acct, err := st.CreateAccount(ctx, store.Account{WorkspaceID: ws.ID, Name: "Faulty Customer", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	return tenant{workspaceID: ws.ID, accountID: acct.ID, key: key}
}

// createAccount creates an account through the API.
func createAccount(t *testing.T, url, key string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/v1/accounts", strings.NewReader(`{"name":"Faulty Customer","timezone":"UTC"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	m := regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(buf.String())
	if res.StatusCode != 201 || m == nil {
		t.Fatalf("create account: %d %s", res.StatusCode, buf.String())
	}
	return m[1]
}

func dialTemporalClient(t *testing.T, address string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: address, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func requirePostgres(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("initdb"); err != nil {
		if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) == 0 {
			if os.Getenv("CI") == "true" {
				t.Fatal("PostgreSQL server binaries are not installed")
			}
			t.Skip("PostgreSQL server binaries are not installed")
		}
	}
}

// waitReady waits until an api answers /readyz with 200.
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor waits until a child's output since its last start contains s.
func waitFor(t *testing.T, c *child, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(c.output(), s) {
		select {
		case <-c.exited():
			c.mu.Lock()
			err := c.err
			c.mu.Unlock()
			t.Fatalf("%s exited before %q: %v\n%s", c.name, s, err, c.output())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %q within %s:\n%s", c.name, s, within, c.output())
		}
	}
}

// child is an onboard process: this test binary run as the onboard command.
type child struct {
	name string
	args []string
	env  []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *bytes.Buffer
	// gone is closed when the process has exited; err is then how.
	gone chan struct{}
	err  error
}

// startChild starts `onboard args...` with env added to this process's environment. It
// is killed when the test ends; its output is shown when the test failed.
func startChild(t *testing.T, name string, env []string, args ...string) *child {
	t.Helper()
	c := &child{name: name, args: args, env: env}
	c.start(t)
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			out := c.output()
			if len(out) > 4000 {
				out = "…" + out[len(out)-4000:]
			}
			t.Logf("%s (last run) said:\n%s", name, out)
		}
	})
	return c
}

func (c *child) start(t *testing.T) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, c.args...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), c.env...)
	out := &bytes.Buffer{}
	w := &lockedWriter{mu: &c.mu, buf: out}
	cmd.Stdout, cmd.Stderr = w, w
	// The child dies with the test binary, whatever happens to it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", c.name, err)
	}
	gone := make(chan struct{})
	c.mu.Lock()
	c.cmd, c.out, c.gone = cmd, out, gone
	c.mu.Unlock()
	go func() {
		err := cmd.Wait()
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(gone)
	}()
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	c.mu.Lock()
	cmd, gone := c.cmd, c.gone
	c.cmd = nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-gone
}

// exited is closed when the process last started has exited.
func (c *child) exited() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// lockedWriter writes to a child's output buffer under its lock.
type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}
