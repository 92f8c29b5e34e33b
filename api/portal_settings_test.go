package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/store"
)

func TestPortalReminderPreference(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true})
	tn := h.newTenant("acme")
	portal := browserless(t)
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "pat@acme.example", time.Hour)
	_, signin, _ := fetch(t, portal, "GET", h.server.URL+link, nil)
	fetch(t, portal, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, signin)}})
	page := h.server.URL + "/portal/settings"
	_, body, _ := fetch(t, portal, "GET", page, nil)
	if !strings.Contains(body, `value="all" checked`) || !strings.Contains(body, "Only when something is late") {
		t.Fatalf("settings page:\n%s", body)
	}
	csrf := csrfOf(t, body)
	if status, _, loc := fetch(t, portal, "POST", page, url.Values{"csrf_token": {csrf}, "reminder_emails": {"overdue"}}); status != 303 ||
		loc != "/portal/settings?saved=1" {
		t.Fatalf("save: %d %s", status, loc)
	}
	_, body, _ = fetch(t, portal, "GET", page+"?saved=1", nil)
	if !strings.Contains(body, `value="overdue" checked`) || !strings.Contains(body, "Saved.") {
		t.Error("the choice is not shown as saved")
	}
	for _, form := range []url.Values{{"csrf_token": {csrf}, "reminder_emails": {"sometimes"}}, {"csrf_token": {csrf}},
		{"csrf_token": {"forged"}, "reminder_emails": {"none"}}} {
		if status, _, _ := fetch(t, portal, "POST", page, form); status != 400 && status != 403 {
			t.Errorf("%v: %d, want 400 or 403", form, status)
		}
	}
	cts, err := h.store.Contacts(context.Background(), tn.workspace.ID, tn.account.ID)
	if err != nil || len(cts) != 1 || cts[0].ReminderEmails != store.ReminderEmailsOverdue {
		t.Errorf("stored: %+v %v", cts, err)
	}
}

// A CSM signed in to the dashboard who opens a customer's portal link in the same
// browser stays signed in to both: each side has its own session cookie.
func TestStaffAndPortalSessionsLiveSideBySide(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true})
	tn := h.newTenant("acme")
	c := h.staffClient(tn, "casey@vendor.example", "csm")
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "pat@acme.example", time.Hour)
	_, signin, _ := fetch(t, c, "GET", h.server.URL+link, nil)
	if status, _, _ := fetch(t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, signin)}}); status != 303 {
		t.Fatalf("portal sign-in: %d", status)
	}
	if status, _, _ := fetch(t, c, "GET", h.server.URL+"/portal/settings", nil); status != 200 {
		t.Errorf("portal: %d", status)
	}
	if status, _, loc := fetch(t, c, "GET", h.server.URL+"/staff/accounts", nil); status != 200 {
		t.Errorf("dashboard after a portal sign-in: %d %s", status, loc)
	}
	// Signing out of the portal leaves the dashboard signed in.
	_, page, _ := fetch(t, c, "GET", h.server.URL+"/portal/settings", nil)
	fetch(t, c, "POST", h.server.URL+"/portal/signout", url.Values{"csrf_token": {csrfOf(t, page)}})
	if status, _, _ := fetch(t, c, "GET", h.server.URL+"/staff/accounts", nil); status != 200 {
		t.Errorf("dashboard after the portal sign-out: %d", status)
	}
	if status, _, _ := fetch(t, c, "GET", h.server.URL+"/portal/settings", nil); status != 303 {
		t.Errorf("portal after its sign-out: %d", status)
	}
}
