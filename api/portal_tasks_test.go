package api_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var requestIDInput = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

// portalContact signs a new contact of the tenant's account in and returns its client.
func (h *harness) portalContact(tn tenant, email string) *http.Client {
	h.t.Helper()
	link := h.magicLink(tn.workspace.ID, tn.account.ID, email, time.Hour)
	c := browserless(h.t)
	_, page, _ := fetch(h.t, c, "GET", h.server.URL+link, nil)
	if status, _, _ := fetch(h.t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(h.t, page)}}); status != 303 {
		h.t.Fatalf("sign-in: %d", status)
	}
	return c
}

// act posts a task page's button, as the browser would.
func act(t *testing.T, c *http.Client, base, taskPath, action, reason string) (int, string, string) {
	t.Helper()
	_, page, _ := fetch(t, c, "GET", base+taskPath, nil)
	m := requestIDInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no actions on %s", taskPath)
	}
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "request_id": {m[1]}}
	if reason != "" {
		form.Set("reason", reason)
	}
	return fetch(t, c, "POST", base+taskPath+"/"+action, form)
}

func TestPortalFormTask(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	for _, key := range []string{"welcome-pack", "internal-handoff", "kickoff-call"} {
		h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 200)
	}
	c := h.portalContact(tn, "dana@acme.example")
	formPath := h.server.URL + "/portal/onboardings/" + id + "/tasks/success-criteria"
	_, page, _ := fetch(t, c, "GET", formPath, nil)
	if !strings.Contains(page, `name="f:primary_goal"`) || strings.Contains(page, "Mark complete") {
		t.Fatal("a form task shows no form, or a way to complete it without one")
	}
	token, rid := csrfOf(t, page), requestIDInput.FindStringSubmatch(page)[1]
	post := func(intent string, answers map[string]string) (int, string) {
		form := url.Values{"csrf_token": {token}, "request_id": {rid}, "intent": {intent}}
		for k, v := range answers {
			form.Set("f:"+k, v)
		}
		status, page, _ := fetch(t, c, "POST", formPath+"/form", form)
		return status, page
	}
	// A form that does not pass comes back with the answers kept and the problems shown.
	status, page := post("submit", map[string]string{"primary_goal": "<b>Faster onboarding</b>", "licensed_users": "lots"})
	if status != 400 || !strings.Contains(page, "This is required.") || !strings.Contains(page, "Enter a number.") ||
		!strings.Contains(page, "&lt;b&gt;Faster onboarding&lt;/b&gt;") || !strings.Contains(page, `value="lots"`) {
		t.Fatalf("an incomplete form: %d", status)
	}
	// A draft keeps what is there.
	if status, page := post("draft", map[string]string{"primary_goal": "Faster onboarding"}); status != 200 || !strings.Contains(page, "Draft saved") {
		t.Fatalf("save a draft: %d", status)
	}
	if _, page, _ := fetch(t, c, "GET", formPath, nil); !strings.Contains(page, "Faster onboarding") {
		t.Fatal("the draft is not shown when the page is opened again")
	}
	good := map[string]string{"primary_goal": "Faster onboarding", "target_go_live": "2027-03-01", "licensed_users": "250",
		"rollout_scope": "Company-wide"}
	for range 2 { // a double click submits once
		if status, _ := post("submit", good); status != 303 {
			t.Fatalf("submit: %d", status)
		}
	}
	if n := h.auditCount(tn, id, "success-criteria"); n != 1 {
		t.Errorf("%d completions for a double-clicked submit", n)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if s := task(got, "success-criteria")["status"]; s != "completed" {
		t.Fatalf("after submitting the form: %v", s)
	}
	kept, err := h.store.FormAnswersOf(context.Background(), tn.workspace.ID, id, "success-criteria")
	if err != nil || kept.Status != "submitted" || kept.Answers["licensed_users"] != "250" || kept.Answers["rollout_scope"] != "Company-wide" {
		t.Fatalf("kept answers: %+v, %v", kept, err)
	}
	// Submitted: shown read only, and no longer changeable.
	_, page, _ = fetch(t, c, "GET", formPath, nil)
	if strings.Contains(page, `name="f:primary_goal"`) || !strings.Contains(page, "Company-wide") {
		t.Error("a submitted form is still editable, or its answers are not shown")
	}
	rid = "a-later-page-0000000000001" // another page's post, not a double click
	if status, _ := post("draft", map[string]string{"primary_goal": "changed"}); status != 409 {
		t.Errorf("changing a submitted form: %d", status)
	}
	// A form submitted before the task may be done keeps its answers as a draft and says why.
	early := h.createOnboarding(tn, "standard-saas")["id"].(string)
	formPath = h.server.URL + "/portal/onboardings/" + early + "/tasks/success-criteria"
	_, page, _ = fetch(t, c, "GET", formPath, nil)
	token, rid = csrfOf(t, page), requestIDInput.FindStringSubmatch(page)[1]
	if status, page := post("submit", good); status != 409 || !strings.Contains(page, "saved as a draft") || !strings.Contains(page, "Faster onboarding") {
		t.Errorf("submit before the kickoff call: %d", status)
	}
	if kept, _ := h.store.FormAnswersOf(context.Background(), tn.workspace.ID, early, "success-criteria"); kept.Status != "draft" || kept.Answers["licensed_users"] != "250" {
		t.Errorf("answers of a refused submit: %+v", kept)
	}
}

func TestPortalTaskActions(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	for _, key := range []string{"welcome-pack", "internal-handoff", "kickoff-call", "success-criteria"} {
		h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 200)
	}
	c := h.portalContact(tn, "dana@acme.example")
	base := h.server.URL
	taskPath := "/portal/onboardings/" + id + "/tasks/project-plan-signoff" // a review task

	status, page, _ := fetch(t, c, "GET", base+taskPath, nil)
	if status != 200 || !strings.Contains(page, "Mark complete") || !strings.Contains(page, "I'm blocked") {
		t.Fatalf("customer task page: %d", status)
	}
	// Blocked with a reason, unblocked, completed.
	if status, _, loc := act(t, c, base, taskPath, "block", "waiting for our legal team"); status != 303 || loc != taskPath {
		t.Fatalf("block: %d %q", status, loc)
	}
	if _, page, _ := fetch(t, c, "GET", base+taskPath, nil); !strings.Contains(page, "waiting for our legal team") || !strings.Contains(page, "It is unblocked") {
		t.Fatal("the blocked task does not show its reason and the way out")
	}
	act(t, c, base, taskPath, "unblock", "")
	// A double click: the same page's request id twice acts once.
	_, page, _ = fetch(t, c, "GET", base+taskPath, nil)
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "request_id": {requestIDInput.FindStringSubmatch(page)[1]}}
	for range 2 {
		if status, _, _ := fetch(t, c, "POST", base+taskPath+"/complete", form); status != 303 {
			t.Fatalf("complete: %d", status)
		}
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if s := task(got, "project-plan-signoff")["status"]; s != "completed" {
		t.Fatalf("after the portal's complete: %v", s)
	}
	if n := h.auditCount(tn, id, "project-plan-signoff"); n != 1 {
		t.Errorf("%d completions recorded for a double click, want 1", n)
	}
	// Locked once done: a contact cannot reopen, skip or complete it again.
	for i, action := range []string{"reopen", "skip", "complete"} {
		again := url.Values{"csrf_token": form["csrf_token"], "request_id": {"another-click-000000000" + string(rune('a'+i))}}
		if status, page, _ := fetch(t, c, "POST", base+taskPath+"/"+action, again); status != 409 || !strings.Contains(page, `class="error"`) {
			t.Errorf("%s a completed task: %d", action, status)
		}
	}
	// A task waiting on others says what it waits on and offers no way to finish it.
	waiting := "/portal/onboardings/" + id + "/tasks/workspace-settings"
	if status, page, _ := fetch(t, c, "GET", base+waiting, nil); status != 200 || !strings.Contains(page, "Waiting on") || strings.Contains(page, "Mark complete") {
		t.Errorf("a task waiting on others: %d", status)
	}
	// The vendor's tasks are shown, not actionable.
	vendor := "/portal/onboardings/" + id + "/tasks/provision-tenant"
	if status, page, _ := fetch(t, c, "GET", base+vendor, nil); status != 200 || strings.Contains(page, "request_id") {
		t.Errorf("a vendor task: %d, with buttons", status)
	}
	if status, _, _ := fetch(t, c, "POST", base+vendor+"/complete", form); status != 409 {
		t.Errorf("complete a vendor task: %d", status)
	}
	// Without the session's CSRF token: refused.
	if status, _, _ := fetch(t, c, "POST", base+taskPath+"/start", url.Values{"request_id": {"x-1234567890123456"}}); status != 403 {
		t.Errorf("no CSRF token: %d", status)
	}
}

func TestPortalTasksOfOthersAreNotFound(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	mine := h.createOnboarding(tn, "standard-saas")["id"].(string)
	theirs := h.createOnboarding(other, "standard-saas")["id"].(string)
	sibling := h.newTenantAccount(tn, "Globex") // another customer of the same vendor
	siblings := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": sibling, "plan": "standard-saas"}).expect(t, 201).body["id"].(string)
	c := h.portalContact(tn, "dana@acme.example")
	_, page, _ := fetch(t, c, "GET", h.server.URL+"/portal/onboardings/"+mine+"/tasks/success-criteria", nil)
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "request_id": {"probe-request-0000000000001"}, "f:primary_goal": {"x"}}
	for _, path := range []string{
		"/portal/onboardings/" + theirs + "/tasks/success-criteria",   // another workspace's onboarding
		"/portal/onboardings/" + siblings + "/tasks/success-criteria", // another account of the same workspace
		"/portal/onboardings/" + mine + "/tasks/internal-handoff",     // hidden from customers
		"/portal/onboardings/" + mine + "/tasks/no-such-task",
		"/portal/onboardings/not-an-id/tasks/success-criteria",
	} {
		if status, _, _ := fetch(t, c, "GET", h.server.URL+path, nil); status != 404 {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
		for _, action := range []string{"complete", "form"} {
			if status, _, _ := fetch(t, c, "POST", h.server.URL+path+"/"+action, form); status != 404 {
				t.Errorf("POST %s/%s with a valid token: %d, want 404", path, action, status)
			}
		}
	}
	// A form task is completed by its form, not by a bare complete.
	for _, key := range []string{"welcome-pack", "internal-handoff", "kickoff-call"} {
		h.call("POST", "/api/v1/onboardings/"+mine+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 200)
	}
	if status, _, _ := fetch(t, c, "POST", h.server.URL+"/portal/onboardings/"+mine+"/tasks/success-criteria/complete", form); status != 409 {
		t.Errorf("complete a form task without its form: %d, want 409", status)
	}
	// An internal step a customer task waits on is not named to the customer.
	if _, page, _ := fetch(t, c, "GET", h.server.URL+"/portal/onboardings/"+siblings+"/tasks/success-criteria", nil); strings.Contains(page, "sales-to-CS") {
		t.Error("a hidden task's title shows in the portal")
	}
	fresh := h.createOnboarding(tn, "standard-saas")["id"].(string)
	if _, page, _ := fetch(t, c, "GET", h.server.URL+"/portal/onboardings/"+fresh+"/tasks/success-criteria", nil); strings.Contains(page, "sales-to-CS") {
		t.Error("a hidden task's title shows in the portal")
	}
}

func (h *harness) newTenantAccount(tn tenant, name string) string {
	h.t.Helper()
	return h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": name}).expect(h.t, 201).body["id"].(string)
}

// A task can be blocked by another: the API and both pages say which, the tasks that
// depend on it say they wait, and a customer cannot name (or learn) a hidden step.
func TestBlockedByAnotherTask(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	base := "/api/v1/onboardings/" + id
	o := h.call("POST", base+"/tasks/internal-handoff/block", tn.key, map[string]any{"blocked_by": "welcome-pack"}).expect(t, 200).body
	if got := task(o, "internal-handoff"); got["blocked_by"] != "welcome-pack" || got["status"] != "blocked" {
		t.Fatalf("blocked task: %v", got)
	}
	if got := task(o, "kickoff-call"); got["waiting_on"] != "internal-handoff" {
		t.Errorf("a dependent of a blocked task: %v", got)
	}
	for _, body := range []map[string]any{{"blocked_by": "no-such-task"}, {"blocked_by": "kickoff-call"}} {
		if r := h.call("POST", base+"/tasks/kickoff-call/block", tn.key, body); r.status != 404 && r.status != 400 {
			t.Errorf("blocking by %v (no such task; itself): %d", body, r.status)
		}
	}
	if r := h.call("POST", base+"/pause", tn.key, map[string]any{"blocked_by": "welcome-pack"}); r.status != 400 {
		t.Errorf("blocked_by on a pause: %d", r.status)
	}

	c := h.portalContact(tn, "dana@acme.example")
	page := h.server.URL + "/portal/onboardings/" + id + "/tasks/"
	_, body, _ := fetch(t, c, "GET", page+"kickoff-call", nil)
	if !strings.Contains(body, "Waiting on a step with our team, which is blocked") || strings.Contains(body, "sales-to-CS") {
		t.Errorf("the portal names a hidden step, or does not say the task waits:\n%s", body)
	}
	_, body, _ = fetch(t, c, "GET", page+"success-criteria", nil)
	form := url.Values{"csrf_token": {csrfOf(t, body)}, "request_id": {requestIDInput.FindStringSubmatch(body)[1]}, "blocked_by": {"internal-handoff"}}
	if status, _, _ := fetch(t, c, "POST", page+"success-criteria/block", form); status != 400 {
		t.Errorf("a customer blocking by a hidden step: %d", status)
	}
	if strings.Contains(body, `value="internal-handoff"`) {
		t.Error("the portal offers a hidden step to wait for")
	}
	form.Set("blocked_by", "kickoff-call")
	if status, _, _ := fetch(t, c, "POST", page+"success-criteria/block", form); status != 303 {
		t.Fatalf("a customer blocking by a visible step: %d", status)
	}
	_, body, _ = fetch(t, c, "GET", page+"success-criteria", nil)
	if !strings.Contains(body, "Blocked</strong> by Hold the kickoff call") {
		t.Errorf("the task page does not say what it waits for:\n%s", body)
	}
	staff := h.staffClient(tn, "casey@vendor.example", "csm")
	_, body, _ = fetch(t, staff, "GET", h.server.URL+"/staff/onboardings/"+id, nil)
	if !strings.Contains(body, `Blocked by <a href="#task-welcome-pack">Send the welcome pack</a>`) ||
		!strings.Contains(body, "Waiting on Review the sales-to-CS handoff, which is blocked") {
		t.Errorf("the staff page does not show what waits for what")
	}
	// Once what it waited for is done, the task is unblocked by itself.
	o = h.call("POST", base+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200).body
	if got := task(o, "internal-handoff"); got["status"] != "pending" || got["blocked_by"] != nil {
		t.Errorf("after its blocker was done: %v", got)
	}
	if got := task(o, "kickoff-call"); got["waiting_on"] != nil {
		t.Errorf("kickoff-call still waits: %v", got)
	}
}
