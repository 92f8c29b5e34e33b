package api_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

// A reminder email's snooze link: opening it changes nothing (scanners open links);
// pressing the button snoozes the named tasks, without a sign-in; a tampered or expired
// link, or one for a vendor task, does nothing and says why.
func TestSnoozeFromTheEmailLink(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	link := auth.SnoozeLink(h.server.URL, h.secret(), auth.Snooze{OnboardingID: id, Tasks: []string{"success-criteria"}, Days: 2,
		Expires: time.Now().Add(time.Hour)})
	c := browserless(t)
	status, body, _ := fetch(t, c, "GET", link, nil)
	if status != 200 || !strings.Contains(body, "Remind me in 2 days") || !strings.Contains(body, "Share your goals") {
		t.Fatalf("snooze page: %d\n%s", status, body)
	}
	audit := func() int {
		events, err := h.store.AuditEvents(context.Background(), tn.workspace.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "task.snooze" && e.Subject == "success-criteria" && e.Actor == "email-link" {
				n++
			}
		}
		return n
	}
	if n := audit(); n != 0 {
		t.Fatalf("opening the link snoozed (%d audit events)", n)
	}
	form := url.Values{"csrf_token": {csrfOf(t, body)}}
	status, body, _ = fetch(t, c, "POST", link, form)
	if status != 200 || !regexp.MustCompile(`data-until>[A-Z][a-z]+day \d+ [A-Z][a-z]+<`).MatchString(body) {
		t.Fatalf("snooze: %d\n%s", status, body)
	}
	fetch(t, c, "POST", link, form) // pressed twice: snoozed once
	if n := audit(); n != 1 {
		t.Errorf("%d snooze events after two presses, want 1", n)
	}
	// Tampered, expired, another onboarding's task list, a vendor task.
	u, _ := url.Parse(link)
	q := u.Query()
	q.Set("t", "success-criteria,sso")
	for name, bad := range map[string]string{
		"tampered": h.server.URL + "/portal/snooze?" + q.Encode(),
		"expired": auth.SnoozeLink(h.server.URL, h.secret(), auth.Snooze{OnboardingID: id, Tasks: []string{"success-criteria"}, Days: 2,
			Expires: time.Now().Add(-time.Minute)}),
		"unknown onboarding": auth.SnoozeLink(h.server.URL, h.secret(), auth.Snooze{OnboardingID: "00000000-0000-4000-8000-000000000000",
			Tasks: []string{"success-criteria"}, Days: 2, Expires: time.Now().Add(time.Hour)}),
	} {
		status, body, _ := fetch(t, c, "GET", bad, nil)
		if status != 404 || !strings.Contains(body, "Sign in to your portal") {
			t.Errorf("%s link: %d", name, status)
		}
		if status, _, _ := fetch(t, c, "POST", bad, form); status != 404 {
			t.Errorf("%s link, pressed: %d", name, status)
		}
	}
	vendor := auth.SnoozeLink(h.server.URL, h.secret(), auth.Snooze{OnboardingID: id, Tasks: []string{"welcome-pack"}, Days: 2,
		Expires: time.Now().Add(time.Hour)})
	_, body, _ = fetch(t, c, "GET", vendor, nil)
	if status, body, _ := fetch(t, c, "POST", vendor, url.Values{"csrf_token": {csrfOf(t, body)}}); status != 400 || !strings.Contains(body, "vendor") {
		t.Errorf("snoozing a vendor task: %d", status)
	}
	if n := audit(); n != 1 {
		t.Errorf("%d snooze events after the bad links, want still 1", n)
	}
}

// The task page's "Remind me in 2 days": the contact's own open tasks only; anything
// else is not found.
func TestSnoozeFromTheTaskPage(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	mine := h.createOnboarding(tn, "standard-saas")["id"].(string)
	theirs := h.createOnboarding(other, "standard-saas")["id"].(string)
	c := h.portalContact(tn, "dana@acme.example")
	base := h.server.URL + "/portal/onboardings/" + mine
	_, page, _ := fetch(t, c, "GET", base+"/tasks/success-criteria", nil)
	m := requestIDInput.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "/snooze/success-criteria") {
		t.Fatal("the task page offers no snooze")
	}
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "request_id": {m[1]}}
	status, _, hdr := fetch(t, c, "POST", base+"/snooze/success-criteria", form)
	if status != 303 || !strings.HasSuffix(hdr, "?snoozed=1") {
		t.Fatalf("snooze: %d %s", status, hdr)
	}
	if _, page, _ := fetch(t, c, "GET", h.server.URL+hdr, nil); !strings.Contains(page, "data-snoozed") {
		t.Error("the page does not say it was snoozed")
	}
	if _, page, _ := fetch(t, c, "GET", base+"/tasks/welcome-pack", nil); strings.Contains(page, "/snooze/") {
		t.Error("a vendor task offers a snooze")
	}
	for _, path := range []string{
		"/portal/onboardings/" + theirs + "/snooze/success-criteria",
		"/portal/onboardings/" + mine + "/snooze/internal-handoff",
		"/portal/onboardings/" + mine + "/snooze/no-such-task",
		"/portal/onboardings/not-an-id/snooze/success-criteria",
	} {
		if status, _, _ := fetch(t, c, "POST", h.server.URL+path, form); status != 404 {
			t.Errorf("POST %s: %d, want 404", path, status)
		}
	}
	delete(form, "csrf_token")
	if status, _, _ := fetch(t, c, "POST", base+"/snooze/success-criteria", form); status != 403 {
		t.Errorf("without a CSRF token: %d, want 403", status)
	}
}

// The portal names the account's CSM, says when the onboarding is paused, and shows the
// expected go-live once it slips past the target.
func TestPortalSuccessTeamPauseAndExpectedGoLive(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	ctx := context.Background()
	csm, err := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.workspace.ID, Email: "casey@vendor.example",
		Name: "Casey Lin", Role: "csm"})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := h.store.CreateAccount(ctx, store.Account{WorkspaceID: tn.workspace.ID, Name: "Late Corp", CSMID: &csm.ID})
	if err != nil {
		t.Fatal(err)
	}
	id := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": acct.ID, "plan": "standard-saas",
		"start_date": time.Now().AddDate(0, 0, -40).Format(time.DateOnly)}).expect(t, 201).body["id"].(string)
	c := browserless(t)
	link := h.magicLink(tn.workspace.ID, acct.ID, "pat@late.example", time.Hour)
	_, page, _ := fetch(t, c, "GET", h.server.URL+link, nil)
	fetch(t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, page)}})
	var body string
	for range 50 { // the workflow evaluates the late start at once
		_, body, _ = fetch(t, c, "GET", h.server.URL+"/portal", nil)
		if strings.Contains(body, "data-expected") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(body, "data-success-team") || !strings.Contains(body, "Casey Lin") || !strings.Contains(body, "data-expected") {
		t.Errorf("portal lacks the success team or the expected go-live")
	}
	h.call("POST", "/api/v1/onboardings/"+id+"/pause", tn.key, nil).expect(t, 200)
	if _, body, _ = fetch(t, c, "GET", h.server.URL+"/portal", nil); !strings.Contains(body, "data-paused") {
		t.Error("the portal does not say the onboarding is paused")
	}
}
