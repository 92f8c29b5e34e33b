package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/workflows"
)

func TestWorkspaceSettingsAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true})
	tn := h.newTenant("acme")
	other := h.newTenant("globex")

	got := h.call("GET", "/api/v1/workspace", tn.key, nil).expect(t, 200)
	if got.body["invite_link_days"] != 14.0 || got.body["slug"] != tn.workspace.Slug {
		t.Fatalf("defaults: %s", got.raw)
	}
	var rem onboarding.ReminderSettings
	b, _ := json.Marshal(got.body["reminders"])
	if err := json.Unmarshal(b, &rem); err != nil || rem != onboarding.DefaultReminderSettings() {
		t.Fatalf("default reminders: %s", b)
	}
	if slack := got.body["slack"].(map[string]any); slack["token_source"] != "none" {
		t.Errorf("slack: %v", slack)
	}

	// A PATCH changes what it names; within reminders, each setting it names.
	r := h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"invite_link_days": 7, "accent_color": "#AA3300",
		"email_from": "Acme Onboarding <onboarding@acme.example>", "reminders": map[string]any{"before_days": 1, "stale_after_days": 0},
		"holidays": []string{"2026-12-25", "2026-12-24", "2026-12-25"}}).expect(t, 200)
	want := onboarding.DefaultReminderSettings()
	want.BeforeDays, want.StaleAfterDays = 1, 0
	b, _ = json.Marshal(r.body["reminders"])
	if err := json.Unmarshal(b, &rem); err != nil || rem != want {
		t.Errorf("reminders after PATCH: %s", b)
	}
	if r.body["invite_link_days"] != 7.0 || r.body["accent_color"] != "#aa3300" || r.body["name"] != tn.workspace.Name ||
		r.body["email_from"] != "Acme Onboarding <onboarding@acme.example>" {
		t.Errorf("after PATCH: %s", r.raw)
	}
	if hol := r.body["holidays"].([]any); len(hol) != 2 || hol[0] != "2026-12-24" {
		t.Errorf("holidays: %v", hol)
	}
	// Another workspace is untouched.
	if o := h.call("GET", "/api/v1/workspace", other.key, nil).expect(t, 200); o.body["invite_link_days"] != 14.0 {
		t.Errorf("another workspace changed: %s", o.raw)
	}

	// Bad input: a clear error naming the field, and nothing changed.
	before := h.call("GET", "/api/v1/workspace", tn.key, nil).expect(t, 200).raw
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"name": "  "}`, "name"},
		{`{"name": "` + strings.Repeat("n", 101) + `"}`, "name"},
		{`{"accent_color": "red"}`, "accent_color"},
		{`{"accent_color": "#12345"}`, "accent_color"},
		{`{"logo_url": "http://acme.example/logo.png"}`, "logo_url"},
		{`{"logo_url": "javascript:alert(1)"}`, "logo_url"},
		{`{"email_from": "not an address"}`, "email_from"},
		{`{"invite_link_days": 0}`, "invite_link_days"},
		{`{"invite_link_days": 91}`, "invite_link_days"},
		{`{"reminders": {"window_start_hour": 17, "window_end_hour": 9}}`, "reminders.window_end_hour"},
		{`{"reminders": {"overdue_every_days": 0}}`, "reminders.overdue_every_days"},
		{`{"reminders": {"overdue_cap": 11}}`, "reminders.overdue_cap"},
		{`{"reminders": {"blocked_after_hours": -1}}`, "reminders.blocked_after_hours"},
		{`{"reminders": {"turn_delay_minutes": 1441}}`, "reminders.turn_delay_minutes"},
		{`{"reminders": {"before_days": "two"}}`, "reminders.before_days"},
		{`{"reminders": {"sometimes": true}}`, "sometimes"},
		{`{"holidays": ["2026-13-01"]}`, "holidays"},
		{`{"holidays": ["1999-01-01"]}`, "holidays"},
		{`{"reminders": {"before_days": 2.5}}`, "whole number"},
		{`{"slack_bot_token": "hunter2"}`, "slack_bot_token"},
		{`{"slug": "mine"}`, "slug"},
		{`{"name": "A\u0000B"}`, "name"},
		{`[1]`, ""},
	} {
		r := h.call("PATCH", "/api/v1/workspace", tn.key, json.RawMessage(tc.body))
		if r.status != 400 || !strings.Contains(r.errorMessage(), tc.field) {
			t.Errorf("PATCH %s: %d %s, want 400 naming %q", tc.body, r.status, r.raw, tc.field)
		}
	}
	if after := h.call("GET", "/api/v1/workspace", tn.key, nil).expect(t, 200).raw; after != before {
		t.Errorf("a refused PATCH changed something:\n%s\n%s", before, after)
	}

	// A new onboarding starts with the workspace's policy; one of another workspace with
	// the default (none).
	for _, tc := range []struct {
		tn   tenant
		want *onboarding.ReminderPolicy
	}{{tn, ptr(want.Policy())}, {other, nil}} {
		id := h.createOnboarding(tc.tn, "standard-saas")["id"].(string)
		st := startState(t, h, id)
		if (st.WorkspacePolicy == nil) != (tc.want == nil) || (tc.want != nil && *st.WorkspacePolicy != *tc.want) {
			t.Errorf("%s's onboarding started with policy %+v, want %+v", tc.tn.workspace.Name, st.WorkspacePolicy, tc.want)
		}
	}
	h.call("GET", "/api/v1/workspace", "", nil).expect(t, 401)
}

// fakeSlack answers auth.test: a token ending in "-good" is accepted.
func fakeSlack(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/auth.test" {
			http.NotFound(w, r)
			return
		}
		_ = r.ParseForm()
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if tok == "" {
			tok = r.Form.Get("token")
		}
		if strings.HasSuffix(tok, "-good") {
			_, _ = w.Write([]byte(`{"ok":true,"user":"onboard","team":"Acme","user_id":"U1","team_id":"T1"}`))
			return
		}
		_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWorkspaceSlackTokenIsCheckedAndNeverShown(t *testing.T) {
	slack := fakeSlack(t)
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true, slackAPIURL: slack.URL + "/"})
	tn := h.newTenant("acme")

	r := h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"slack_bot_token": "xoxb-1-revoked"})
	if r.status != 400 || !strings.Contains(r.errorMessage(), "it answers invalid_auth") {
		t.Fatalf("a token Slack refuses: %d %s", r.status, r.raw)
	}
	r = h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"slack_bot_token": "xoxb-1-good"}).expect(t, 200)
	if strings.Contains(r.raw, "xoxb") {
		t.Fatalf("the token is shown: %s", r.raw)
	}
	if s := r.body["slack"].(map[string]any); s["token_source"] != "workspace" || s["status"] != "ok" {
		t.Errorf("slack after a good token: %v", s)
	}
	ws, err := h.store.Workspace(context.Background(), tn.workspace.ID)
	if err != nil || ws.SlackBotToken != "xoxb-1-good" {
		t.Fatalf("stored token: %q %v", ws.SlackBotToken, err)
	}
	// Other changes keep it; "" removes it.
	h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"invite_link_days": 3}).expect(t, 200)
	if ws, _ = h.store.Workspace(context.Background(), tn.workspace.ID); ws.SlackBotToken != "xoxb-1-good" {
		t.Fatal("a PATCH without the token dropped it")
	}
	r = h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"slack_bot_token": ""}).expect(t, 200)
	if s := r.body["slack"].(map[string]any); s["token_source"] != "none" || s["status"] != "" {
		t.Errorf("slack after removing the token: %v", s)
	}
}

func TestWorkspaceSettingsPage(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true})
	tn := h.newTenant("acme")
	admin := h.staffClient(tn, "ada@vendor.example", "admin")
	page := h.server.URL + "/staff/settings"

	_, body, _ := fetch(t, admin, "GET", page, nil)
	if !strings.Contains(body, `name="before_days" type="number" min="0" max="30" value="2"`) ||
		!strings.Contains(body, "Save settings") || !strings.Contains(body, "not connected") {
		t.Fatalf("settings page:\n%s", body)
	}
	form := func(body string, set map[string]string) url.Values {
		f := url.Values{"csrf_token": {csrfOf(t, body)}, "name": {"Acme Vendor"}, "email_from": {""}, "accent_color": {"#3157d5"},
			"logo_url": {""}, "invite_link_days": {"14"}, "turn_delay_minutes": {"30"}, "before_days": {"2"},
			"overdue_every_days": {"3"}, "overdue_cap": {"3"}, "window_start_hour": {"9"}, "window_end_hour": {"17"},
			"blocked_after_hours": {"48"}, "stale_after_days": {"7"}, "shift_on_resume": {"on"}, "holidays": {""}}
		for k, v := range set {
			if v == "" {
				f.Del(k)
			} else {
				f.Set(k, v)
			}
		}
		return f
	}
	// A refused value: 400, the problem next to its field, everything as typed.
	status, body2, _ := fetch(t, admin, "POST", page, form(body, map[string]string{"window_end_hour": "8", "name": "Acme Typed",
		"holidays": "2026-12-25\n2026-12-26"}))
	if status != 400 || !strings.Contains(body2, "window_end_hour: must be after window_start_hour (9)") ||
		!strings.Contains(body2, `value="Acme Typed"`) || !strings.Contains(body2, "2026-12-25\n2026-12-26") ||
		!strings.Contains(body2, `class="field has-problem"><label for="window_end_hour"`) {
		t.Fatalf("refused settings: %d\n%s", status, body2)
	}
	status, body2, _ = fetch(t, admin, "POST", page, form(body, map[string]string{"overdue_cap": "three"}))
	if status != 400 || !strings.Contains(body2, "overdue_cap: ") || !strings.Contains(body2, `value="three"`) {
		t.Fatalf("a word for a number: %d", status)
	}
	if ws, _ := h.store.Workspace(context.Background(), tn.workspace.ID); ws.Name != tn.workspace.Name {
		t.Fatal("a refused form changed the workspace")
	}

	// Saved: back to the page, which shows the new values.
	status, _, loc := fetch(t, admin, "POST", page, form(body, map[string]string{"name": "Acme Vendor", "overdue_cap": "5",
		"shift_on_resume": "", "holidays": "2026-12-25, 2027-01-01", "accent_color": "#aa3300"}))
	if status != 303 || loc != "/staff/settings?saved=1" {
		t.Fatalf("save: %d %s", status, loc)
	}
	_, body, _ = fetch(t, admin, "GET", h.server.URL+loc, nil)
	if !strings.Contains(body, "Saved.") || !strings.Contains(body, `value="5"`) || !strings.Contains(body, "2026-12-25\n2027-01-01") ||
		strings.Contains(body, `name="shift_on_resume" class="check" checked`) {
		t.Errorf("after saving:\n%s", body)
	}
	ws, _ := h.store.Workspace(context.Background(), tn.workspace.ID)
	if r := ws.Reminders(); r == nil || r.OverdueCap != 5 || r.ShiftOnResume || ws.Name != "Acme Vendor" {
		t.Errorf("stored: %+v %q", r, ws.Name)
	}

	// The portal wears the workspace's name and colour.
	portal := browserless(t)
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "pat@acme.example", time.Hour)
	_, signin, _ := fetch(t, portal, "GET", h.server.URL+link, nil)
	fetch(t, portal, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, signin)}})
	_, home, _ := fetch(t, portal, "GET", h.server.URL+"/portal/settings", nil)
	if !strings.Contains(home, `<span class="brand">Acme Vendor</span>`) || !strings.Contains(home, "--brand:#aa3300") {
		t.Errorf("portal branding:\n%s", home[:min(len(home), 600)])
	}

	// A CSM sees the settings but cannot change them.
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	_, body, _ = fetch(t, csm, "GET", page, nil)
	if strings.Contains(body, "Save settings") || !strings.Contains(body, "fieldset class=\"card\" disabled") {
		t.Error("a CSM is offered to change settings")
	}
	if status, _, _ := fetch(t, csm, "POST", page, form(body, map[string]string{"name": "Taken over"})); status != 403 {
		t.Errorf("a CSM saving settings: %d, want 403", status)
	}
	// Without the form's CSRF token nothing is saved.
	f := form(body, map[string]string{"name": "Forged"})
	f.Set("csrf_token", "nope")
	if status, _, _ := fetch(t, admin, "POST", page, f); status != 403 {
		t.Errorf("a forged post: %d", status)
	}
	if ws, _ := h.store.Workspace(context.Background(), tn.workspace.ID); ws.Name != "Acme Vendor" {
		t.Errorf("name is now %q", ws.Name)
	}
}

func TestInviteLinksLastAsLongAsTheWorkspaceSays(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	h.call("PATCH", "/api/v1/workspace", tn.key, map[string]any{"invite_link_days": 3}).expect(t, 200)
	id := h.newContact(tn, "Dana Whitfield", "dana@acme.example")
	h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil).expect(t, 202)
	m := h.waitForMail("dana@acme.example", 1)[0]
	if !strings.Contains(m.Text, "3 days") {
		t.Errorf("invite email:\n%s", m.Text)
	}
	var expires time.Time
	if err := h.store.DB().QueryRowContext(context.Background(),
		`SELECT expires_at FROM magic_links WHERE contact_id = $1`, id).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(expires); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("invite link lasts %v, want 3 days", d)
	}
}

func ptr[T any](v T) *T { return &v }

// startState is the state an onboarding's workflow was started with (its first event's input).
func startState(t *testing.T, h *harness, onboardingID string) onboarding.State {
	t.Helper()
	it := h.temporal.GetWorkflowHistory(context.Background(), workflows.WorkflowID(onboardingID), "", false, 0)
	ev, err := it.Next()
	if err != nil {
		t.Fatal(err)
	}
	var in workflows.OnboardingInput
	payload := ev.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()[0]
	if err := converter.GetDefaultDataConverter().FromPayload(payload, &in); err != nil {
		t.Fatal(err)
	}
	return in.State
}

// Admins saving different settings at once do not lose each other's changes.
func TestWorkspaceSettingsConcurrentPatches(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, noWorker: true})
	tn := h.newTenant("acme")
	patches := []map[string]any{{"invite_link_days": 5}, {"accent_color": "#111111"}, {"name": "Acme Renamed"},
		{"reminders": map[string]any{"overdue_cap": 4}}, {"reminders": map[string]any{"before_days": 5}},
		{"logo_url": "https://acme.example/logo.png"}, {"holidays": []string{"2027-01-01"}}}
	done := make(chan int, len(patches))
	for _, p := range patches {
		go func() { done <- h.call("PATCH", "/api/v1/workspace", tn.key, p).status }()
	}
	for range patches {
		if status := <-done; status != 200 {
			t.Errorf("a PATCH answered %d", status)
		}
	}
	got := h.call("GET", "/api/v1/workspace", tn.key, nil).expect(t, 200).body
	rem := got["reminders"].(map[string]any)
	if got["invite_link_days"] != 5.0 || got["accent_color"] != "#111111" || got["name"] != "Acme Renamed" ||
		rem["overdue_cap"] != 4.0 || rem["before_days"] != 5.0 || got["logo_url"] == "" || len(got["holidays"].([]any)) != 1 {
		t.Errorf("a concurrent change was lost: %v", got)
	}
}
