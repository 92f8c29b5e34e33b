package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPauseResumeCancelThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	base := "/api/v1/onboardings/" + id

	got := h.call("POST", base+"/pause", tn.key, map[string]any{"reason": "customer on holiday"}).expect(t, 200).body
	if got["status"] != "paused" {
		t.Fatalf("after pause: %v", got["status"])
	}
	h.call("POST", base+"/pause", tn.key, nil).expect(t, 409)                       // already paused
	h.call("POST", base+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 409) // nothing moves while paused
	got = h.call("POST", base+"/resume", tn.key, nil).expect(t, 200).body
	if got["status"] != "active" {
		t.Fatalf("after resume: %v", got["status"])
	}
	// Cancelling needs a reason; bad input is refused and changes nothing.
	h.call("POST", base+"/cancel", tn.key, nil).expect(t, 400)
	h.call("POST", base+"/cancel", tn.key, map[string]any{"reason": 7}).expect(t, 400)
	h.call("POST", base+"/cancel", tn.key, map[string]any{"reason": strings.Repeat("x", 501)}).expect(t, 400)
	if got = h.call("GET", base, tn.key, nil).expect(t, 200).body; got["status"] != "active" {
		t.Fatalf("refused cancels changed the onboarding: %v", got["status"])
	}
	// An idempotency key makes a repeated cancel answer the same.
	first := h.call("POST", base+"/cancel", tn.key, map[string]any{"reason": "deal lost"}, "Idempotency-Key", "cancel-1").expect(t, 200).body
	again := h.call("POST", base+"/cancel", tn.key, map[string]any{"reason": "deal lost"}, "Idempotency-Key", "cancel-1").expect(t, 200).body
	if first["status"] != "cancelled" || again["status"] != "cancelled" {
		t.Fatalf("cancel: %v then %v", first["status"], again["status"])
	}
	h.call("POST", base+"/resume", tn.key, nil).expect(t, 409)

	// Another workspace's onboarding, an unknown id, a malformed id: 404.
	other := h.newTenant("initech")
	h.call("POST", base+"/pause", other.key, nil).expect(t, 404)
	h.call("POST", "/api/v1/onboardings/00000000-0000-0000-0000-000000000000/pause", tn.key, nil).expect(t, 404)
	h.call("POST", "/api/v1/onboardings/nope/pause", tn.key, nil).expect(t, 404)
}

func TestStaffPauseAndCancelFromTheDashboard(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	post := func(c *http.Client, action, reason string) (int, string) {
		_, body, _ := fetch(t, c, "GET", page, nil)
		form := url.Values{"csrf_token": {csrfOf(t, body)}, "reason": {reason}}
		if m := requestIDInput.FindStringSubmatch(body); m != nil {
			form.Set("request_id", m[1])
		}
		status, body, _ := fetch(t, c, "POST", page+"/"+action, form)
		return status, body
	}
	_, body, _ := fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, `data-lifecycle="pause"`) || strings.Contains(body, `data-lifecycle="resume"`) {
		t.Fatal("an active onboarding's page does not offer Pause (or offers Resume)")
	}
	if status, _ := post(csm, "pause", ""); status != 303 {
		t.Fatalf("pause: %d", status)
	}
	_, body, _ = fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, `data-lifecycle="resume"`) || !strings.Contains(body, "Paused") {
		t.Error("a paused onboarding's page does not offer Resume")
	}
	if status, body := post(csm, "cancel", ""); status != 400 || !strings.Contains(body, "say why") {
		t.Errorf("cancel without a reason: %d", status)
	}
	if status, _ := post(csm, "cancel", "<b>deal lost</b>"); status != 303 {
		t.Fatalf("cancel: %d", status)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if got["status"] != "cancelled" {
		t.Fatalf("after cancel: %v", got["status"])
	}
	// A viewer cannot; another workspace's onboarding is not found.
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	if status, _ := post(viewer, "resume", ""); status != 403 {
		t.Errorf("a viewer resuming: %d, want 403", status)
	}
	theirs := h.createOnboarding(h.newTenant("initech"), "standard-saas")["id"].(string)
	_, body, _ = fetch(t, csm, "GET", page, nil)
	form := url.Values{"csrf_token": {csrfOf(t, body)}, "request_id": {"csm-request-00000000000001"}}
	if status, _, _ := fetch(t, csm, "POST", h.server.URL+"/staff/onboardings/"+theirs+"/pause", form); status != 404 {
		t.Errorf("pausing another workspace's onboarding: %d, want 404", status)
	}
}

// An onboarding started 30 days ago is evaluated at once: its overdue tasks say so, its
// health drops, and its forecast go-live lies beyond the target.
func TestForecastAndOverdueInTheAPI(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	start := time.Now().AddDate(0, 0, -30).Format(time.DateOnly)
	id := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": tn.account.ID, "plan": "standard-saas",
		"start_date": start}).expect(t, 201).body["id"].(string)
	var got map[string]any
	for range 100 {
		got = h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
		if got["forecast_go_live"] != nil && got["health"] != "on_track" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got["health_label"] != "Off Track" {
		t.Errorf("health %v (%v), want Off Track", got["health"], got["health_label"])
	}
	forecast, _ := got["forecast_go_live"].(string)
	if target := got["target_go_live"].(string); forecast <= target {
		t.Errorf("forecast %q, target %q: want the forecast later", forecast, target)
	}
	if task(got, "welcome-pack")["overdue"] != true || task(got, "onboarding-signoff")["overdue"] != false {
		t.Errorf("overdue flags: welcome-pack %v (due a month ago), onboarding-signoff %v (due in weeks)",
			task(got, "welcome-pack")["overdue"], task(got, "onboarding-signoff")["overdue"])
	}
	// The staff list and page show it.
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	_, body, _ := fetch(t, csm, "GET", h.server.URL+"/staff/onboardings/"+id, nil)
	if !strings.Contains(body, "data-forecast") || !strings.Contains(body, "d late") {
		t.Error("the staff page does not show the forecast slip")
	}
}

func TestMoveDatesThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	base := "/api/v1/onboardings/" + id
	target := time.Now().AddDate(0, 4, 0).Format(time.DateOnly)
	got := h.call("PATCH", base, tn.key, map[string]any{"target_go_live": target}).expect(t, 200).body
	if got["target_go_live"] != target {
		t.Errorf("target go-live %v, want %s", got["target_go_live"], target)
	}
	due := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	got = h.call("PATCH", base+"/tasks/success-criteria", tn.key, map[string]any{"due_date": due}).expect(t, 200).body
	if at, _ := task(got, "success-criteria")["due_at"].(string); localDay(t, at, tn.account.Timezone) != due {
		t.Errorf("due_at %q, want the end of %s in the account's zone", at, due)
	}
	// A new start date moves every open task's due date with it.
	before := task(got, "kickoff-call")["due_at"].(string)
	start := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	got = h.call("PATCH", base, tn.key, map[string]any{"start_date": start}).expect(t, 200).body
	if got["start_date"] != start || task(got, "kickoff-call")["due_at"].(string) <= before {
		t.Errorf("after moving the start: start %v, kickoff-call due %v (was %s)", got["start_date"], task(got, "kickoff-call")["due_at"], before)
	}
	// Bad input changes nothing.
	for _, tc := range []struct {
		path string
		body any
		want int
	}{
		{base, map[string]any{}, 400},
		{base, map[string]any{"target_go_live": "2026-02-30"}, 400},
		{base, map[string]any{"target_go_live": "2001-01-01"}, 400},
		{base, map[string]any{"target_go_live": target, "status": "live"}, 400},
		{base, map[string]any{"target_go_live": target, "start_date": start}, 400},
		{base, map[string]any{"start_date": time.Now().AddDate(2, 0, 0).Format(time.DateOnly)}, 400}, // after the target
		{base + "/tasks/success-criteria", map[string]any{"due_date": 5}, 400},
		{base + "/tasks/no-such-task", map[string]any{"due_date": due}, 404},
		{base + "/tasks/BAD KEY", map[string]any{"due_date": due}, 404},
	} {
		h.call("PATCH", tc.path, tn.key, tc.body).expect(t, tc.want)
	}
	h.call("POST", base+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
	h.call("PATCH", base+"/tasks/welcome-pack", tn.key, map[string]any{"due_date": due}).expect(t, 409)
	// Another workspace: 404.
	other := h.newTenant("initech")
	h.call("PATCH", base, other.key, map[string]any{"target_go_live": target}).expect(t, 404)
	h.call("PATCH", base+"/tasks/success-criteria", other.key, map[string]any{"due_date": due}).expect(t, 404)
	if got = h.call("GET", base, tn.key, nil).expect(t, 200).body; got["target_go_live"] != target {
		t.Errorf("after refused changes: target %v", got["target_go_live"])
	}
}

func TestStaffMovesDates(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	post := func(c *http.Client, path, date string) (int, string) {
		_, body, _ := fetch(t, c, "GET", page, nil)
		form := url.Values{"csrf_token": {csrfOf(t, body)}, "date": {date}}
		if m := requestIDInput.FindStringSubmatch(body); m != nil {
			form.Set("request_id", m[1])
		}
		status, body, _ := fetch(t, c, "POST", page+path, form)
		return status, body
	}
	target := time.Now().AddDate(0, 5, 0).Format(time.DateOnly)
	if status, _ := post(csm, "/target-go-live", target); status != 303 {
		t.Fatalf("move target: %d", status)
	}
	due := time.Now().AddDate(0, 0, 20).Format(time.DateOnly)
	if status, _ := post(csm, "/due-date/kickoff-call", due); status != 303 {
		t.Fatalf("move due date: %d", status)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if at, _ := task(got, "kickoff-call")["due_at"].(string); got["target_go_live"] != target || localDay(t, at, tn.account.Timezone) != due {
		t.Errorf("after the staff moves: target %v, kickoff-call due %v", got["target_go_live"], at)
	}
	if status, body := post(csm, "/due-date/kickoff-call", "not a date"); status != 400 || !strings.Contains(body, "date") {
		t.Errorf("a bad date: %d", status)
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	if status, _ := post(viewer, "/target-go-live", target); status != 403 {
		t.Errorf("a viewer moving the target: %d", status)
	}
}

// localDay is the calendar day an RFC 3339 moment falls on in a time zone.
func localDay(t *testing.T, moment, zone string) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, moment)
	loc, err2 := time.LoadLocation(zone)
	if err != nil || err2 != nil {
		t.Fatalf("%q in %q: %v %v", moment, zone, err, err2)
	}
	return at.In(loc).Format(time.DateOnly)
}

func TestWorkspaceHolidays(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	if got := h.call("GET", "/api/v1/workspace/holidays", tn.key, nil).expect(t, 200).body; len(got["holidays"].([]any)) != 0 {
		t.Fatalf("holidays of a new workspace: %v", got)
	}
	// The next two weekdays are days off: a task due one business day in moves past them.
	var days []string
	for d := time.Now().AddDate(0, 0, 1); len(days) < 2; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d.Format(time.DateOnly))
		}
	}
	got := h.call("PUT", "/api/v1/workspace/holidays", tn.key, map[string]any{"holidays": []string{days[1], days[0], days[1]}}).expect(t, 200).body
	if fmt.Sprint(got["holidays"]) != fmt.Sprint([]any{days[0], days[1]}) {
		t.Errorf("stored holidays %v, want %v sorted without repeats", got["holidays"], days)
	}
	o := h.createOnboarding(tn, "standard-saas")
	due := localDay(t, task(o, "welcome-pack")["due_at"].(string), tn.account.Timezone)
	if due <= days[1] {
		t.Errorf("welcome-pack (one business day) due %s: want after the holidays %v", due, days)
	}
	for _, body := range []any{map[string]any{}, map[string]any{"holidays": []string{"2026-02-30"}},
		map[string]any{"holidays": "2026-12-25"}, map[string]any{"holidays": []string{"2026-12-25"}, "extra": 1}} {
		h.call("PUT", "/api/v1/workspace/holidays", tn.key, body).expect(t, 400)
	}
	// Each workspace has its own.
	other := h.newTenant("initech")
	if got := h.call("GET", "/api/v1/workspace/holidays", other.key, nil).expect(t, 200).body; len(got["holidays"].([]any)) != 0 {
		t.Errorf("another workspace sees %v", got["holidays"])
	}
}
