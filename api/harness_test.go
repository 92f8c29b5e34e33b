package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/api"
	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/notify/notifytest"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/templates"
	"github.com/onboard-oss/onboard/worker"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// harness is the real router over a real Postgres and a real Temporal server, with a
// worker on a task queue of its own.
type harness struct {
	t         *testing.T
	store     *store.Store
	temporal  client.Client
	engine    *engine.Engine
	server    *httptest.Server
	taskQueue string
	worker    sdkworker.Worker
	cfg       config.Config
	// setup is a store that bypasses db, for a test's own reads and writes.
	setup *store.Store
	db    *tcpProxy
}

// dbURL returns the URL a store was opened with.
func dbURL(t *testing.T, st *store.Store) string {
	t.Helper()
	var db, user string
	var port int
	if err := st.DB().QueryRowContext(context.Background(), `SELECT current_database(), current_user, inet_server_port()`).Scan(&db, &user, &port); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", user, port, db)
}

func hostOf(t *testing.T, st *store.Store) string {
	u, err := url.Parse(dbURL(t, st))
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// tenant is a workspace with an API key and an account.
type tenant struct {
	workspace store.Workspace
	key       string
	account   store.Account
}

type harnessOptions struct {
	updateTimeout time.Duration
	noWorker      bool
	// production configures the app as `onboard api` would be: no dev routes, no webhook secret.
	production bool
	// dbProxy puts a proxy between the app and Postgres (harness.db) that a test can take down.
	dbProxy bool
	// readTimeout replaces ONBOARD_HTTP_READ_TIMEOUT, and serves through api.HTTPServer.
	readTimeout time.Duration
	// slackAPIURL replaces SLACK_API_URL.
	slackAPIURL string
}

func newHarness(t *testing.T, opts ...harnessOptions) *harness {
	t.Helper()
	o := harnessOptions{updateTimeout: 5 * time.Second}
	if len(opts) > 0 {
		o = opts[0]
	}
	st := testenv.Store(t)
	h := &harness{t: t, store: st, setup: st}
	if o.dbProxy {
		h.db = newTCPProxy(t, hostOf(t, st))
		var err error
		if h.store, err = store.Open(context.Background(), h.db.viaProxy(dbURL(t, st))); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.store.Close() })
		st = h.store
	}
	tc, err := client.Dial(client.Options{HostPort: testenv.TemporalAddress(t), Logger: sdkLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	catalog, err := plans.LoadCatalog(templates.FS, "plans")
	if err != nil {
		t.Fatal(err)
	}
	if err := catalog.Save(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	h.temporal, h.taskQueue = tc, "test-"+uuid.NewString()
	h.engine = &engine.Engine{Store: st, Temporal: tc, Plans: catalog, TaskQueue: h.taskQueue,
		UpdateTimeout: o.updateTimeout, Log: testenv.Logger()}
	cfg, _ := config.DevFromLookup(func(string) (string, bool) { return "", false })
	cfg.ResendWebhookSecret = notifytest.ResendWebhookSecret
	if o.production {
		cfg, _ = config.FromLookup(func(string) (string, bool) { return "", false })
		cfg.SecureCookies = false
	}
	cfg.TemporalUIURL = "http://temporal-ui.test"
	cfg.SlackAPIURL = o.slackAPIURL
	cfg.Secret = harnessSecret
	h.cfg = cfg
	srv, err := api.New(cfg, st, h.engine, metrics.New(), testenv.Logger())
	if err != nil {
		t.Fatal(err)
	}
	if o.readTimeout > 0 {
		h.cfg.HTTPReadTimeout = o.readTimeout
		srv, err = api.New(h.cfg, st, h.engine, metrics.New(), testenv.Logger())
		if err != nil {
			t.Fatal(err)
		}
		h.server = httptest.NewUnstartedServer(nil)
		h.server.Config = srv.HTTPServer()
		h.server.Start()
	} else {
		h.server = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(h.server.Close)
	h.cfg.BaseURL = h.server.URL
	liveCtx, stopLive := context.WithCancel(context.Background())
	go srv.Live(liveCtx)
	t.Cleanup(stopLive)
	if !o.noWorker {
		h.startWorker()
	}
	return h
}

func (h *harness) startWorker() {
	tpls, err := notify.ParseTemplates(templates.FS, "email")
	if err != nil {
		h.t.Fatal(err)
	}
	n := activities.NewNotifier(h.cfg, notify.NewOutbox(h.store), tpls)
	h.worker = worker.New(h.temporal, h.taskQueue, &activities.Activities{Store: h.store, Notifier: n})
	if err := h.worker.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.worker.Stop)
}

// newTenant creates a workspace with an API key and one account.
func (h *harness) newTenant(name string) tenant {
	h.t.Helper()
	ctx := context.Background()
	ws, err := h.store.CreateWorkspace(ctx, store.Workspace{Slug: name + "-" + uuid.NewString()[:8], Name: name})
	if err != nil {
		h.t.Fatal(err)
	}
	key, prefix := auth.NewAPIKey()
	if _, err := h.store.CreateAPIKey(ctx, store.APIKey{WorkspaceID: ws.ID, Name: "test", Prefix: prefix, Hash: auth.Hash(key)}); err != nil {
		h.t.Fatal(err)
	}
	acct, err := h.store.CreateAccount(ctx, store.Account{WorkspaceID: ws.ID, Name: name + " Customer", Timezone: "America/New_York"})
	if err != nil {
		h.t.Fatal(err)
	}
	return tenant{workspace: ws, key: key, account: acct}
}

// response is a decoded JSON answer.
type response struct {
	status int
	body   map[string]any
	list   []any
	raw    string
}

func (r response) errorCode() string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r response) errorMessage() string {
	e, _ := r.body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

// call sends a request with an API key (none when key is "") and decodes the answer.
func (h *harness) call(method, path, key string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, h.server.URL+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, raw: string(data)}
	if len(data) > 0 && data[0] == '[' {
		_ = json.Unmarshal(data, &r.list)
	} else {
		_ = json.Unmarshal(data, &r.body)
	}
	return r
}

// expect fails unless the response has the given status.
func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// createOnboarding starts an onboarding for the tenant's account on plan.
func (h *harness) createOnboarding(tn tenant, plan string) map[string]any {
	h.t.Helper()
	r := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": tn.account.ID, "plan": plan}).expect(h.t, 201)
	return r.body
}

// task finds a task in an onboarding response.
func task(o map[string]any, key string) map[string]any {
	for _, p := range o["phases"].([]any) {
		for _, t := range p.(map[string]any)["tasks"].([]any) {
			if tm := t.(map[string]any); tm["key"] == key {
				return tm
			}
		}
	}
	return nil
}

// readyTasks lists task keys of status pending whose dependencies are done.
func readyTasks(o map[string]any) []string {
	done := map[string]bool{}
	var all []map[string]any
	for _, p := range o["phases"].([]any) {
		for _, t := range p.(map[string]any)["tasks"].([]any) {
			tm := t.(map[string]any)
			all = append(all, tm)
			done[tm["key"].(string)] = tm["status"] == "completed" || tm["status"] == "skipped"
		}
	}
	var ready []string
	for _, tm := range all {
		if tm["status"] != "pending" {
			continue
		}
		ok := true
		for _, d := range tm["depends_on"].([]any) {
			ok = ok && done[d.(string)]
		}
		if ok {
			ready = append(ready, tm["key"].(string))
		}
	}
	return ready
}

type quietSDKLogger struct{}

func (quietSDKLogger) Debug(string, ...any) {}
func (quietSDKLogger) Info(string, ...any)  {}
func (quietSDKLogger) Warn(string, ...any)  {}
func (quietSDKLogger) Error(string, ...any) {}

// sdkLogger shows the SDK's warnings in verbose runs.
func sdkLogger() sdklog.Logger {
	if testing.Verbose() {
		return sdklog.NewStructuredLogger(testenv.Logger())
	}
	return quietSDKLogger{}
}

// harnessSecret is the test server's ONBOARD_SECRET.
const harnessSecret = "test-secret-of-at-least-thirty-two-chars"

func (h *harness) secret() string { return harnessSecret }
