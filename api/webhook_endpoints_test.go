package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Webhook endpoints through the API: made with a secret shown once, checked, listed
// without it, tested end to end with a signed webhook.test event, deleted; another
// workspace cannot see or touch them.
func TestWebhookEndpointsThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	var mu sync.Mutex
	var got []http.Header
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
	}))
	defer receiver.Close()
	for _, tc := range []struct {
		body any
		says string
	}{
		{map[string]any{"url": "ftp://example.com/hook", "events": []string{"onboarding.went_live"}}, "not an https"},
		{map[string]any{"url": "https://user:pw@example.com/hook", "events": []string{"onboarding.went_live"}}, "credentials"},
		{map[string]any{"url": "", "events": []string{"onboarding.went_live"}}, "required"},
		{map[string]any{"url": "https://example.com/hook", "events": []string{}}, "at least one"},
		{map[string]any{"url": "https://example.com/hook", "events": []string{"task.done"}}, "not an event"},
		{map[string]any{"url": "https://example.com/hook", "events": "onboarding.went_live"}, "events"},
		{map[string]any{"url": "https://example.com/hook", "events": []string{"onboarding.went_live"}, "description": "a\u0007b"}, "description"},
		{map[string]any{"url": "https://example.com/hook", "events": []string{"onboarding.went_live"}, "extra": 1}, "extra"},
	} {
		r := h.call("POST", "/api/v1/webhooks", tn.key, tc.body)
		if r.status != 400 || !strings.Contains(r.errorMessage(), tc.says) {
			t.Errorf("%v: %d %q, want 400 saying %q", tc.body, r.status, r.errorMessage(), tc.says)
		}
	}
	created := h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": receiver.URL + "/events",
		"events": []string{"onboarding.went_live", "onboarding.went_live", "onboarding.cancelled"}, "description": "CRM"}).expect(t, 201).body
	id, _ := created["id"].(string)
	if secret, _ := created["secret"].(string); !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("created: %v", created)
	}
	if evs, _ := created["events"].([]any); len(evs) != 2 {
		t.Errorf("events kept: %v, want the two named (once each)", created["events"])
	}
	list := h.call("GET", "/api/v1/webhooks", tn.key, nil).expect(t, 200)
	if strings.Contains(list.raw, "whsec_") || !strings.Contains(list.raw, id) {
		t.Errorf("list: %s", list.raw)
	}
	if strings.Contains(h.call("GET", "/api/v1/webhooks", other.key, nil).expect(t, 200).raw, id) {
		t.Error("another workspace lists the endpoint")
	}
	h.call("POST", "/api/v1/webhooks/"+id+"/test", other.key, nil).expect(t, 404)
	h.call("DELETE", "/api/v1/webhooks/"+id, other.key, nil).expect(t, 404)
	h.call("POST", "/api/v1/webhooks/not-an-id/test", tn.key, nil).expect(t, 404)
	h.call("POST", "/api/v1/webhooks/"+id+"/test", tn.key, nil).expect(t, 202)
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := h.call("GET", "/api/v1/webhooks/deliveries", tn.key, nil).expect(t, 200).list
		if len(d) == 1 {
			if m, _ := d[0].(map[string]any); m["status"] == "sent" && m["subject"] == "webhook.test" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries: %v", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	if len(got) != 1 || !strings.HasPrefix(got[0].Get("webhook-signature"), "v1,") || got[0].Get("webhook-id") == "" {
		t.Errorf("the receiver got %d deliveries: %v", len(got), got)
	}
	mu.Unlock()
	if d := h.call("GET", "/api/v1/webhooks/deliveries", other.key, nil).expect(t, 200).list; len(d) != 0 {
		t.Errorf("another workspace sees deliveries: %v", d)
	}
	h.call("DELETE", "/api/v1/webhooks/"+id, tn.key, nil).expect(t, 204)
	h.call("DELETE", "/api/v1/webhooks/"+id, tn.key, nil).expect(t, 404)
	for i := 0; i < 20; i++ {
		h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": "https://example.com/" + string(rune('a'+i)),
			"events": []string{"onboarding.completed"}}).expect(t, 201)
	}
	h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": "https://example.com/one-too-many",
		"events": []string{"onboarding.completed"}}).expect(t, 409)
}

// An admin adds an endpoint on the staff page and sees its secret once; a viewer sees
// the endpoints and cannot change them.
func TestStaffWebhooksPage(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn := h.newTenant("acme")
	admin := h.staffClient(tn, "ada@vendor.example", "admin")
	page := h.server.URL + "/staff/settings/webhooks"
	_, body, _ := fetch(t, admin, "GET", page, nil)
	csrf := csrfOf(t, body)
	status, body, _ := fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "url": {"ftp://example.com/x"},
		"events": {"onboarding.completed"}})
	if status != 400 || !strings.Contains(body, "not an https://") || !strings.Contains(body, `value="ftp://example.com/x"`) ||
		!strings.Contains(body, `value="onboarding.completed" checked`) {
		t.Errorf("a refused endpoint: %d", status)
	}
	status, body, _ = fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "url": {"https://crm.example/hooks"},
		"events": {"onboarding.went_live"}, "description": {"CRM"}})
	if status != 201 || !strings.Contains(body, "whsec_") || !strings.Contains(body, "https://crm.example/hooks") {
		t.Fatalf("adding an endpoint: %d", status)
	}
	_, body, _ = fetch(t, admin, "GET", page, nil)
	if strings.Contains(body, "whsec_") {
		t.Error("the secret is shown again")
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, body, _ = fetch(t, viewer, "GET", page, nil)
	if !strings.Contains(body, "https://crm.example/hooks") || strings.Contains(body, "Add endpoint") {
		t.Error("a viewer's page: the endpoint should show, the form should not")
	}
	if status, _, _ := fetch(t, viewer, "POST", page, url.Values{"csrf_token": {csrfOf(t, body)}, "url": {"https://x.example"},
		"events": {"onboarding.completed"}}); status != 403 {
		t.Errorf("a viewer added an endpoint: %d", status)
	}
}

// Outside dev, an endpoint must be an https:// address of a public host: this machine,
// private networks, link-local (cloud metadata) and bare intranet names are refused.
func TestWebhookEndpointsMustBePublicInProduction(t *testing.T) {
	h := newHarness(t, harnessOptions{production: true, noWorker: true})
	tn := h.newTenant("acme")
	for _, u := range []string{"http://example.com/hook", "https://127.0.0.1/hook", "https://localhost:8443/x", "https://10.0.0.1/x",
		"https://192.168.1.20/x", "https://169.254.169.254/latest/meta-data", "https://[::1]/x", "https://[fd00::1]/x",
		"https://intranet/x", "https://api.localhost/x", "https://0.0.0.0/x"} {
		r := h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": u, "events": []string{"onboarding.went_live"}})
		if r.status != 400 {
			t.Errorf("%s: %d %s, want 400", u, r.status, r.raw)
		}
	}
	h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": "https://hooks.example.com/onboard",
		"events": []string{"onboarding.went_live"}}).expect(t, 201)
}
