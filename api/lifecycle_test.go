package api_test

import (
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
