package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

// staffClient signs a new staff user of the tenant's workspace in, with the given role.
func (h *harness) staffClient(tn tenant, email, role string) *http.Client {
	h.t.Helper()
	hash, _ := auth.HashPassword("a long password")
	if _, err := h.store.CreateStaffUser(context.Background(), store.StaffUser{WorkspaceID: tn.workspace.ID, Email: email,
		Name: "Staff " + role, Role: role, PasswordHash: hash}); err != nil {
		h.t.Fatal(err)
	}
	c := browserless(h.t)
	form := url.Values{"csrf_token": {formToken(h.t, c, h.server.URL)}, "email": {email}, "password": {"a long password"}}
	if status, _, _ := fetch(h.t, c, "POST", h.server.URL+"/staff/login", form); status != 303 {
		h.t.Fatalf("staff login: %d", status)
	}
	return c
}

func TestStaffActOnTasks(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	post := func(c *http.Client, key, action, reason string) (int, string) {
		_, body, _ := fetch(t, c, "GET", page, nil)
		m := requestIDInput.FindStringSubmatch(body)
		form := url.Values{"csrf_token": {csrfOf(t, body)}}
		if m != nil {
			form.Set("request_id", m[1])
		}
		if reason != "" {
			form.Set("reason", reason)
		}
		status, body, _ := fetch(t, c, "POST", page+"/tasks/"+key+"/"+action, form)
		return status, body
	}
	if status, _ := post(csm, "welcome-pack", "complete", ""); status != 303 {
		t.Fatalf("complete a vendor task: %d", status)
	}
	if status, _ := post(csm, "internal-handoff", "block", "waiting for the contract"); status != 303 {
		t.Fatalf("block: %d", status)
	}
	if status, body := post(csm, "kickoff-call", "complete", ""); status != 409 || !strings.Contains(body, "before") {
		t.Errorf("complete before the dependencies: %d", status)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if task(got, "welcome-pack")["status"] != "completed" || task(got, "internal-handoff")["status"] != "blocked" {
		t.Fatalf("after staff actions: %v %v", task(got, "welcome-pack")["status"], task(got, "internal-handoff")["status"])
	}
	// The activity log says who did what, newest first, with the reason; an API key's
	// action shows as an integration's.
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/kickoff-call/skip", tn.key, nil).expect(t, 200)
	_, body, _ := fetch(t, csm, "GET", page, nil)
	log := body[strings.Index(body, `id="activity"`):]
	for _, want := range []string{"An integration (API key)</strong> chose to skip Hold the kickoff call",
		"Staff csm</strong> reported a blocker on Review the sales-to-CS handoff", "waiting for the contract",
		"Staff csm</strong> finished Send the welcome pack"} {
		if !strings.Contains(log, want) {
			t.Errorf("activity log lacks %q", want)
		}
	}
	if strings.Index(log, "skip Hold") > strings.Index(log, "finished Send") {
		t.Error("the activity log is not newest first")
	}
	// A viewer sees the page without buttons and cannot act.
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, body, _ = fetch(t, viewer, "GET", page, nil)
	if strings.Contains(body, "/tasks/welcome-pack/reopen") || !strings.Contains(body, "welcome-pack") {
		t.Error("a viewer's page offers actions")
	}
	form := url.Values{"csrf_token": {csrfOf(t, body)}, "request_id": {"viewer-request-0000000001"}}
	if status, _, _ := fetch(t, viewer, "POST", page+"/tasks/welcome-pack/reopen", form); status != 403 {
		t.Errorf("a viewer acting: %d, want 403", status)
	}
	// Another workspace's onboarding: 404, whatever the role.
	other := h.newTenant("initech")
	theirs := h.createOnboarding(other, "standard-saas")["id"].(string)
	_, body, _ = fetch(t, csm, "GET", page, nil)
	form = url.Values{"csrf_token": {csrfOf(t, body)}, "request_id": {"csm-request-00000000000001"}}
	if status, _, _ := fetch(t, csm, "POST", h.server.URL+"/staff/onboardings/"+theirs+"/tasks/welcome-pack/complete", form); status != 404 {
		t.Errorf("acting on another workspace's onboarding: %d, want 404", status)
	}
}

func TestStaffInviteWithConfirmation(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	contact := h.newContact(tn, "Dana Whitfield", "dana@acme.example")
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	_, body, _ := fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, "Send invite") || !strings.Contains(body, "dana@acme.example") {
		t.Fatal("the onboarding page does not offer to invite the account's contact")
	}
	confirm := page + "/contacts/" + contact + "/invite"
	status, body, _ := fetch(t, csm, "GET", confirm, nil)
	if status != 200 || !strings.Contains(body, "Dana Whitfield") || !strings.Contains(body, "&lt;dana@acme.example&gt;") {
		t.Fatalf("confirmation page: %d", status)
	}
	form := url.Values{"csrf_token": {csrfOf(t, body)}, "request_id": {requestIDInput.FindStringSubmatch(body)[1]}}
	for range 2 { // a double click sends one invite
		if status, _, loc := fetch(t, csm, "POST", confirm, form); status != 303 || !strings.HasPrefix(loc, "/staff/onboardings/"+id) {
			t.Fatalf("send invite: %d %q", status, loc)
		}
	}
	h.waitForMail("dana@acme.example", 1)
	if _, body, _ := fetch(t, csm, "GET", page, nil); !strings.Contains(body, "Resend invite") {
		t.Error("after the invite the page does not offer to resend it")
	}
	if n := len(h.waitForMail("dana@acme.example", 1)); n != 1 {
		t.Errorf("%d invites for a double click", n)
	}
	// Another account's contact, through this onboarding: 404.
	other := h.newTenantAccount(tn, "Globex")
	stranger := h.call("POST", "/api/v1/accounts/"+other+"/contacts", tn.key, map[string]any{"name": "Hank", "email": "hank@globex.example"}).expect(t, 201).body["id"].(string)
	if status, _, _ := fetch(t, csm, "GET", page+"/contacts/"+stranger+"/invite", nil); status != 404 {
		t.Errorf("inviting another account's contact through this onboarding: %d", status)
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	if status, _, _ := fetch(t, viewer, "GET", confirm, nil); status != 403 {
		t.Errorf("a viewer inviting: %d", status)
	}
}
