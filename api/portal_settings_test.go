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
