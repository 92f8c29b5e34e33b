package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAccountsAndContacts(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	acct := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Globex", "external_id": "crm-1", "timezone": "Europe/Paris"}).expect(t, 201).body
	if acct["name"] != "Globex" || acct["timezone"] != "Europe/Paris" || acct["external_id"] != "crm-1" {
		t.Fatalf("account: %v", acct)
	}
	id := acct["id"].(string)
	// The same external id again (a CRM sync repeating itself) answers the account as it is.
	again := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Other", "external_id": "crm-1"}).expect(t, 200).body
	if again["id"] != acct["id"] || again["name"] != "Globex" {
		t.Fatalf("repeated external_id: %v, want the existing account unchanged", again)
	}
	ct := h.call("POST", "/api/v1/accounts/"+id+"/contacts", tn.key, map[string]any{"name": "Hank", "email": "Hank@Globex.example"}).expect(t, 201).body
	if ct["email"] != "hank@globex.example" || ct["account_id"] != id {
		t.Fatalf("contact: %v", ct)
	}
	h.call("POST", "/api/v1/accounts/"+id+"/contacts", tn.key, map[string]any{"name": "Hank 2", "email": "hank@globex.example"}).expect(t, 409)
	got := h.call("GET", "/api/v1/accounts/"+id, tn.key, nil).expect(t, 200).body
	if len(got["contacts"].([]any)) != 1 {
		t.Fatalf("account contacts: %v", got)
	}
	h.call("POST", "/api/v1/accounts/"+tn.account.ID+"0/contacts", tn.key, map[string]any{"name": "x", "email": "x@y.example"}).expect(t, 404)
}

func TestBadBodiesNameTheField(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	acctPath := "/api/v1/accounts/" + tn.account.ID + "/contacts"
	cases := []struct {
		path string
		body any
		want string
	}{
		{"/api/v1/accounts", "", "body is empty"},
		{"/api/v1/accounts", "{", "not valid JSON"},
		{"/api/v1/accounts", "[1]", "JSON object"},
		{"/api/v1/accounts", `{"name":"a"} {"name":"b"}`, "single JSON object"},
		{"/api/v1/accounts", map[string]any{}, "name: required"},
		{"/api/v1/accounts", map[string]any{"name": "  "}, "name: required"},
		{"/api/v1/accounts", map[string]any{"name": 5}, "name: must be a string"},
		{"/api/v1/accounts", map[string]any{"name": "a", "colour": "red"}, "colour: unknown field"},
		{"/api/v1/accounts", map[string]any{"name": "a", "timezone": "Mars/Olympus"}, "timezone:"},
		{"/api/v1/accounts", map[string]any{"name": strings.Repeat("a", 201)}, "name: at most 200"},
		{acctPath, map[string]any{"name": "x"}, "email: required"},
		{acctPath, map[string]any{"email": "x@y.example"}, "name: required"},
		{acctPath, map[string]any{"name": "x", "email": "not-an-email"}, "email:"},
		{acctPath, map[string]any{"name": "x\u0000y", "email": "x@y.example"}, "name: must be plain text"},
		{"/api/v1/accounts", `{"name":"a\u0000b"}`, "name: must be plain text"},
		{"/api/v1/accounts", map[string]any{"name": "a", "external_id": "crm\u0007"}, "external_id: must be plain text"},
		{"/api/v1/onboardings", map[string]any{"plan": "standard-saas"}, "account_id: required"},
		{"/api/v1/onboardings", map[string]any{"account_id": tn.account.ID}, "plan: required"},
		{"/api/v1/onboardings", map[string]any{"account_id": tn.account.ID, "plan": "nope"}, `plan: unknown plan "nope"`},
		{"/api/v1/onboardings", map[string]any{"account_id": tn.account.ID, "plan": "standard-saas", "start_date": "soon"}, "start_date:"},
		{"/api/v1/onboardings", map[string]any{"account_id": tn.account.ID, "plan": "standard-saas", "start_date": "2026-05-01", "target_go_live": "2026-04-01"}, "target_go_live:"},
	}
	for _, c := range cases {
		r := h.call("POST", c.path, tn.key, c.body)
		if r.status != 400 || r.errorCode() != "invalid_request" || !strings.Contains(r.errorMessage(), c.want) {
			t.Errorf("POST %s %v: got %d %s, want 400 mentioning %q", c.path, c.body, r.status, r.raw, c.want)
		}
	}
	// Nothing was created by any of them.
	if list := h.call("GET", "/api/v1/onboardings", tn.key, nil).expect(t, 200).list; len(list) != 0 {
		t.Fatalf("bad requests created onboardings: %v", list)
	}
}

func TestAuthAndLimits(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	for _, key := range []string{"", "wrong", "onb_" + strings.Repeat("x", 43)} {
		r := h.call("GET", "/api/v1/onboardings", key, nil)
		if r.status != 401 || r.errorCode() != "unauthorized" {
			t.Errorf("key %q: got %d %s", key, r.status, r.raw)
		}
	}
	r := h.call("GET", "/api/v1/onboardings", "", nil, "Authorization", "Basic "+tn.key)
	r.expect(t, 401)
	big := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
	if r := h.call("POST", "/api/v1/accounts", tn.key, big); r.status != 413 || r.errorCode() != "body_too_large" {
		t.Fatalf("big body: %d %s", r.status, r.raw)
	}
	if r := h.call("GET", "/api/v1/nothing-here", tn.key, nil); r.status != 404 || r.errorCode() != "not_found" {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
	if r := h.call("DELETE", "/api/v1/plans", tn.key, nil); r.status != 405 {
		t.Fatalf("wrong method: %d %s", r.status, r.raw)
	}
}

func TestPlans(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	list := h.call("GET", "/api/v1/plans", tn.key, nil).expect(t, 200).list
	keys := map[string]bool{}
	for _, p := range list {
		pm := p.(map[string]any)
		keys[pm["key"].(string)] = true
		if pm["version"].(float64) < 1 || pm["name"] == "" || pm["task_count"].(float64) < 20 {
			t.Errorf("plan %v", pm["key"])
		}
	}
	if !keys["standard-saas"] || !keys["enterprise"] {
		t.Fatalf("plans: %v", keys)
	}
}

func TestOnboardingLifecycle(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	if o["status"] != "active" || o["progress"].(float64) != 0 || o["workflow_id"] != "onboarding:"+id ||
		o["account_id"] != tn.account.ID || o["plan"] != "standard-saas" || len(o["phases"].([]any)) != 5 {
		t.Fatalf("created onboarding: %v", o)
	}
	first := o["phases"].([]any)[0].(map[string]any)
	for _, k := range []string{"key", "name", "status", "progress", "tasks"} {
		if _, ok := first[k]; !ok {
			t.Fatalf("phase lacks %q: %v", k, first)
		}
	}
	tk := first["tasks"].([]any)[0].(map[string]any)
	for _, k := range []string{"key", "title", "owner", "type", "status", "depends_on", "due_at", "assignee"} {
		if _, ok := tk[k]; !ok {
			t.Fatalf("task lacks %q: %v", k, tk)
		}
	}
	base := "/api/v1/onboardings/" + id + "/tasks/"
	blocked := blockedTask(o)
	r := h.call("POST", base+blocked+"/complete", tn.key, nil)
	if r.status != 409 || r.errorCode() != "dependencies_pending" {
		t.Fatalf("completing %s before its dependencies: %d %s", blocked, r.status, r.raw)
	}
	h.call("POST", base+"no-such-task/start", tn.key, nil).expect(t, 404)
	h.call("POST", base+blocked+"/teleport", tn.key, nil).expect(t, 404)
	ready := readyTasks(o)[0]
	if r := h.call("POST", base+ready+"/block", tn.key, nil); r.status != 400 || !strings.Contains(r.errorMessage(), "reason") {
		t.Fatalf("block without reason: %d %s", r.status, r.raw)
	}
	if r := h.call("POST", base+ready+"/block", tn.key, `{"reason":"nul\u0000byte"}`); r.status != 400 || !strings.Contains(r.errorMessage(), "plain text") {
		t.Fatalf("reason with a NUL byte: %d %s", r.status, r.raw)
	}
	after := h.call("POST", base+ready+"/block", tn.key, map[string]any{"reason": "Waiting for the order form"}).expect(t, 200).body
	if task(after, ready)["status"] != "blocked" || task(after, ready)["blocked_reason"] != "Waiting for the order form" {
		t.Fatalf("block: %v", task(after, ready))
	}
	h.call("POST", base+ready+"/complete", tn.key, nil).expect(t, 409)
	if r := h.call("POST", base+ready+"/unblock", tn.key, nil, "Idempotency-Key", strings.Repeat("k", 201)); r.status != 400 || !strings.Contains(r.errorMessage(), "Idempotency-Key") {
		t.Fatalf("overlong Idempotency-Key: %d %s", r.status, r.raw)
	}
	h.call("POST", base+ready+"/unblock", tn.key, nil).expect(t, 200)
	h.call("POST", base+ready+"/start", tn.key, nil).expect(t, 200)
	done := h.call("POST", base+ready+"/complete", tn.key, nil).expect(t, 200).body
	if task(done, ready)["status"] != "completed" || done["progress"].(float64) <= 0 {
		t.Fatalf("after completing %s: progress %v status %v", ready, done["progress"], task(done, ready)["status"])
	}
	reopened := h.call("POST", base+ready+"/reopen", tn.key, nil).expect(t, 200).body
	if task(reopened, ready)["status"] != "in_progress" || reopened["progress"].(float64) != 0 {
		t.Fatalf("reopen: %v", task(reopened, ready))
	}
	h.call("POST", base+ready+"/skip", tn.key, nil).expect(t, 200)
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if task(got, ready)["status"] != "skipped" {
		t.Fatalf("GET after skip: %v", task(got, ready))
	}
	list := h.call("GET", "/api/v1/onboardings?status=active&account_id="+tn.account.ID, tn.key, nil).expect(t, 200).list
	if len(list) != 1 || list[0].(map[string]any)["id"] != id {
		t.Fatalf("filtered list: %v", list)
	}
	if l := h.call("GET", "/api/v1/onboardings?status=completed", tn.key, nil).expect(t, 200).list; len(l) != 0 {
		t.Fatalf("completed list: %v", l)
	}
	h.call("GET", "/api/v1/onboardings?status=bogus", tn.key, nil).expect(t, 400)
}

// blockedTask returns a pending task with a dependency that is not done.
func blockedTask(o map[string]any) string {
	ready := map[string]bool{}
	for _, k := range readyTasks(o) {
		ready[k] = true
	}
	for _, p := range o["phases"].([]any) {
		for _, tk := range p.(map[string]any)["tasks"].([]any) {
			tm := tk.(map[string]any)
			if !ready[tm["key"].(string)] && len(tm["depends_on"].([]any)) > 0 {
				return tm["key"].(string)
			}
		}
	}
	return ""
}

// Completing every task takes the onboarding live into the plan's hypercare period (it
// completes when that ends: see the workflow tests); once closed, it takes no actions.
func TestCompletingEveryTaskGoesLiveIntoHypercare(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	last := 0.0
	for steps := 0; ; steps++ {
		ready := readyTasks(o)
		if len(ready) == 0 {
			break
		}
		if steps > 100 {
			t.Fatal("no end to the plan")
		}
		o = h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+ready[0]+"/complete", tn.key, nil).expect(t, 200).body
		if p := o["progress"].(float64); p < last {
			t.Fatalf("progress went down: %v -> %v", last, p)
		} else {
			last = p
		}
	}
	if o["status"] != "live" || o["progress"].(float64) != 100 || o["went_live_at"] == nil {
		t.Fatalf("end state: status %v progress %v went_live_at %v", o["status"], o["progress"], o["went_live_at"])
	}
	h.call("POST", "/api/v1/onboardings/"+id+"/cancel", tn.key, map[string]any{"reason": "closing the test"}).expect(t, 200)
	r := h.call("POST", "/api/v1/onboardings/"+id+"/tasks/kickoff-call/reopen", tn.key, nil)
	if r.status != 409 || r.errorCode() != "onboarding_closed" {
		t.Fatalf("action on a completed onboarding: %d %s", r.status, r.raw)
	}
}

// auditCount counts the audit events recorded for one task.
func (h *harness) auditCount(tn tenant, onboardingID, taskKey string) int {
	h.t.Helper()
	events, err := h.store.AuditEvents(context.Background(), tn.workspace.ID, onboardingID)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Subject == taskKey && e.Action == "task.complete" {
			n++
		}
	}
	return n
}

func TestDoubleSubmittedActionCountsOnce(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id, key := o["id"].(string), readyTasks(o)[0]
	path := "/api/v1/onboardings/" + id + "/tasks/" + key + "/complete"
	first := h.call("POST", path, tn.key, nil, "Idempotency-Key", "click-1").expect(t, 200).body
	second := h.call("POST", path, tn.key, nil, "Idempotency-Key", "click-1").expect(t, 200).body
	if first["version"] != second["version"] || task(second, key)["status"] != "completed" {
		t.Fatalf("repeat changed the onboarding: v%v -> v%v", first["version"], second["version"])
	}
	if n := h.auditCount(tn, id, key); n != 1 {
		t.Fatalf("audit events for %s: %d, want 1", key, n)
	}
}

func TestConcurrentCompletionsCountOnce(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	for _, sameKey := range []bool{false, true} {
		t.Run(fmt.Sprintf("same idempotency key %v", sameKey), func(t *testing.T) {
			o := h.createOnboarding(tn, "standard-saas")
			id, key := o["id"].(string), readyTasks(o)[0]
			statuses := make([]int, 20)
			var wg sync.WaitGroup
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var hdr []string
					if sameKey {
						hdr = []string{"Idempotency-Key", "same-click"}
					}
					statuses[i] = h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil, hdr...).status
				}()
			}
			wg.Wait()
			ok := 0
			for _, s := range statuses {
				switch {
				case s == 200:
					ok++
				case s != 409 || sameKey:
					t.Fatalf("unexpected status %d in %v", s, statuses)
				}
			}
			if !sameKey && ok != 1 {
				t.Fatalf("%d of 20 concurrent completions succeeded, want 1: %v", ok, statuses)
			}
			if n := h.auditCount(tn, id, key); n != 1 {
				t.Fatalf("audit events: %d, want 1", n)
			}
			got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
			// The completion is one version; the workflow's first forecast may be another,
			// unless the completion came first and carried it.
			if v := got["version"].(float64); v < 1 || v > 2 || got["tasks_done"].(float64) != 1 {
				t.Fatalf("after 20 completions: version %v tasks_done %v", got["version"], got["tasks_done"])
			}
		})
	}
}

func TestTenantIsolation(t *testing.T) {
	h := newHarness(t)
	a, b := h.newTenant("alpha"), h.newTenant("beta")
	o := h.createOnboarding(a, "standard-saas")
	id := o["id"].(string)
	task := readyTasks(o)[0]
	denied := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/onboardings/" + id, nil},
		{"POST", "/api/v1/onboardings/" + id + "/tasks/" + task + "/complete", nil},
		{"POST", "/api/v1/onboardings/" + id + "/tasks/" + task + "/block", map[string]any{"reason": "x"}},
		{"GET", "/api/v1/accounts/" + a.account.ID, nil},
		{"POST", "/api/v1/accounts/" + a.account.ID + "/contacts", map[string]any{"name": "Eve", "email": "eve@evil.example"}},
		{"POST", "/api/v1/onboardings", map[string]any{"account_id": a.account.ID, "plan": "standard-saas"}},
		{"POST", "/api/v1/onboardings/" + id + "/pause", nil},
		{"POST", "/api/v1/onboardings/" + id + "/cancel", map[string]any{"reason": "x"}},
		{"PATCH", "/api/v1/onboardings/" + id, map[string]any{"target_go_live": time.Now().AddDate(0, 6, 0).Format(time.DateOnly)}},
		{"PATCH", "/api/v1/onboardings/" + id + "/tasks/" + task, map[string]any{"due_date": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}},
	}
	for _, d := range denied {
		if r := h.call(d.method, d.path, b.key, d.body); r.status != http.StatusNotFound {
			t.Errorf("workspace beta %s %s: %d %s, want 404", d.method, d.path, r.status, r.raw)
		}
	}
	if l := h.call("GET", "/api/v1/onboardings", b.key, nil).expect(t, 200).list; len(l) != 0 {
		t.Fatalf("beta sees onboardings: %v", l)
	}
	if l := h.call("GET", "/api/v1/onboardings?account_id="+a.account.ID, b.key, nil).expect(t, 200).list; len(l) != 0 {
		t.Fatalf("beta sees alpha's account onboardings: %v", l)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, a.key, nil).expect(t, 200).body
	events, err := h.store.AuditEvents(context.Background(), a.workspace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	// Only the workflow's own first forecast may have moved the version.
	if got["version"].(float64) > 1 || got["status"] != "active" || got["tasks_done"].(float64) != 0 || len(events) != 0 {
		t.Fatalf("beta's attempts changed alpha's onboarding: version %v status %v, %d audit events", got["version"], got["status"], len(events))
	}
}

func TestActionQueuedWhenNoWorkerAnswers(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: time.Second, noWorker: true})
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id, key := o["id"].(string), readyTasks(o)[0]
	r := h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 202)
	if r.body["status"] != "queued" {
		t.Fatalf("queued answer: %s", r.raw)
	}
	// A second click, queued too: once the first applies it is invalid, and says so.
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 202)
	h.startWorker()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
		if task(got, key)["status"] == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queued action never applied: %v", task(got, key))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := h.auditCount(tn, id, key); n != 1 {
		t.Fatalf("audit events: %d, want 1 (update and signal fallback must not both apply)", n)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		events, err := h.store.AuditEvents(context.Background(), tn.workspace.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 2 && events[1].Action == "task.complete.rejected" && events[1].Subject == key {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second queued completion is not on record as rejected: %+v", events)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	h := newHarness(t)
	h.call("GET", "/healthz", "", nil).expect(t, 200)
	h.call("GET", "/readyz", "", nil).expect(t, 200)
	tn := h.newTenant("acme")
	h.call("GET", "/api/v1/plans", tn.key, nil).expect(t, 200)
	r := h.call("GET", "/metrics", "", nil).expect(t, 200)
	for _, want := range []string{`onboard_http_requests_total{method="GET",route="/api/v1/plans",status="200"}`, "onboard_http_request_duration_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(r.raw, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
