package api_test

import (
	"net/url"
	"strings"
	"testing"
)

// API keys through the API: made with the key shown once, listed without it, working at
// once; revoked, they stop at once; another workspace cannot see or revoke them.
func TestAPIKeysThroughTheAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	for _, body := range []any{map[string]any{"name": ""}, map[string]any{}, map[string]any{"name": strings.Repeat("k", 101)},
		map[string]any{"name": "a\u0000b"}} {
		h.call("POST", "/api/v1/api-keys", tn.key, body).expect(t, 400)
	}
	made := h.call("POST", "/api/v1/api-keys", tn.key, map[string]any{"name": "CRM sync"}).expect(t, 201).body
	key, _ := made["key"].(string)
	id, _ := made["id"].(string)
	if !strings.HasPrefix(key, "onb_") || !strings.HasPrefix(key, made["prefix"].(string)) {
		t.Fatalf("made: %v", made)
	}
	if list := h.call("GET", "/api/v1/api-keys", tn.key, nil).expect(t, 200).raw; strings.Contains(list, key) || !strings.Contains(list, id) {
		t.Errorf("list: %s", list)
	}
	h.call("GET", "/api/v1/onboardings", key, nil).expect(t, 200)
	if list := h.call("GET", "/api/v1/api-keys", other.key, nil).expect(t, 200).raw; strings.Contains(list, id) {
		t.Error("another workspace lists the key")
	}
	h.call("POST", "/api/v1/api-keys/"+id+"/revoke", other.key, nil).expect(t, 404)
	h.call("GET", "/api/v1/onboardings", key, nil).expect(t, 200)
	h.call("POST", "/api/v1/api-keys/"+id+"/revoke", tn.key, nil).expect(t, 200)
	h.call("GET", "/api/v1/onboardings", key, nil).expect(t, 401)
	h.call("POST", "/api/v1/api-keys/not-an-id/revoke", tn.key, nil).expect(t, 404)
}

// The API keys page: an admin makes a key, sees it once, and revokes it; a CSM sees the
// list and cannot change it.
func TestAPIKeysPage(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn := h.newTenant("acme")
	admin := h.staffClient(tn, "ada@vendor.example", "admin")
	page := h.server.URL + "/staff/settings/api-keys"
	_, body, _ := fetch(t, admin, "GET", page, nil)
	csrf := csrfOf(t, body)
	if status, body, _ := fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "name": {" "}}); status != 400 ||
		!strings.Contains(body, "required") {
		t.Errorf("a key without a name: %d", status)
	}
	status, body, _ := fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "name": {"Zapier"}})
	start := strings.Index(body, `class="secret">`) + len(`class="secret">`)
	if status != 201 || start < len(`class="secret">`) {
		t.Fatalf("making a key: %d", status)
	}
	key := body[start : start+strings.IndexByte(body[start:], '<')]
	h.call("GET", "/api/v1/onboardings", key, nil).expect(t, 200)
	_, body, _ = fetch(t, admin, "GET", page, nil)
	if strings.Contains(body, key) || !strings.Contains(body, "Zapier") {
		t.Error("the key is shown again, or its name is missing")
	}
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	_, cbody, _ := fetch(t, csm, "GET", page, nil)
	if !strings.Contains(cbody, "Zapier") || strings.Contains(cbody, "Make key") {
		t.Error("a CSM's page: the list should show, the form should not")
	}
	if status, _, _ := fetch(t, csm, "POST", page, url.Values{"csrf_token": {csrfOf(t, cbody)}, "name": {"mine"}}); status != 403 {
		t.Errorf("a CSM made a key: %d", status)
	}
	m := strings.Index(body, `/staff/settings/api-keys/`)
	id := body[m+len(`/staff/settings/api-keys/`) : m+len(`/staff/settings/api-keys/`)+36]
	if status, _, _ := fetch(t, admin, "POST", page+"/"+id+"/revoke", url.Values{"csrf_token": {csrf}}); status != 303 {
		t.Fatalf("revoking: %d", status)
	}
	h.call("GET", "/api/v1/onboardings", key, nil).expect(t, 401)
}
