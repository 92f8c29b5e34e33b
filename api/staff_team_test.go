package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// Staff are added, re-roled and removed through the API; the workspace always keeps an
// admin; another workspace's staff are out of reach; a new member signs in at once.
func TestStaffTeamThroughTheAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	ctx := context.Background()
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	h.staffClient(tn, "ada@vendor.example", "admin")
	ada, _ := h.store.StaffUserByEmail(ctx, "ada@vendor.example")
	for _, tc := range []struct {
		body any
		says string
	}{
		{map[string]any{"name": "", "email": "x@vendor.example", "role": "csm", "password": "a long enough one"}, "name"},
		{map[string]any{"name": "X", "email": "not-an-email", "role": "csm", "password": "a long enough one"}, "email"},
		{map[string]any{"name": "X", "email": "x@vendor.example", "role": "owner", "password": "a long enough one"}, "not a role"},
		{map[string]any{"name": "X", "email": "x@vendor.example", "role": "csm", "password": "short"}, "password"},
		{map[string]any{"name": "X", "email": "x@vendor.example", "role": "csm"}, "password"},
	} {
		if r := h.call("POST", "/api/v1/staff", tn.key, tc.body); r.status != 400 || !strings.Contains(r.errorMessage(), tc.says) {
			t.Errorf("%v: %d %q, want 400 saying %q", tc.body, r.status, r.errorMessage(), tc.says)
		}
	}
	sam := h.call("POST", "/api/v1/staff", tn.key, map[string]any{"name": "Sam Ortiz", "email": "Sam@Vendor.example",
		"role": "csm", "password": "correct horse battery"}).expect(t, 201).body
	if sam["role"] != "csm" || strings.Contains(h.call("GET", "/api/v1/staff", tn.key, nil).expect(t, 200).raw, "$2a$") {
		t.Fatalf("added: %v (and the list must not show password hashes)", sam)
	}
	h.call("POST", "/api/v1/staff", other.key, map[string]any{"name": "Sam again", "email": "sam@vendor.example",
		"role": "csm", "password": "correct horse battery"}).expect(t, 409)
	// Sam signs in with what the admin gave.
	c := browserless(t)
	form := url.Values{"csrf_token": {formToken(t, c, h.server.URL)}, "email": {"sam@vendor.example"}, "password": {"correct horse battery"}}
	if status, _, _ := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 303 {
		t.Errorf("the new staff member could not sign in: %d", status)
	}
	id := sam["id"].(string)
	h.call("PATCH", "/api/v1/staff/"+id, tn.key, map[string]any{"role": "viewer"}).expect(t, 200)
	h.call("PATCH", "/api/v1/staff/"+id, tn.key, map[string]any{"role": "root"}).expect(t, 400)
	h.call("PATCH", "/api/v1/staff/"+id, tn.key, map[string]any{}).expect(t, 400)
	h.call("PATCH", "/api/v1/staff/"+id, other.key, map[string]any{"role": "admin"}).expect(t, 404)
	h.call("DELETE", "/api/v1/staff/"+id, other.key, nil).expect(t, 404)
	// The only admin can neither be demoted nor removed.
	if r := h.call("PATCH", "/api/v1/staff/"+ada.ID, tn.key, map[string]any{"role": "csm"}); r.status != 409 ||
		!strings.Contains(r.errorMessage(), "at least one admin") {
		t.Errorf("demoting the last admin: %d %s", r.status, r.raw)
	}
	h.call("DELETE", "/api/v1/staff/"+ada.ID, tn.key, nil).expect(t, 409)
	h.call("PATCH", "/api/v1/staff/"+id, tn.key, map[string]any{"role": "admin"}).expect(t, 200)
	h.call("PATCH", "/api/v1/staff/"+ada.ID, tn.key, map[string]any{"role": "csm"}).expect(t, 200)
	h.call("DELETE", "/api/v1/staff/"+ada.ID, tn.key, nil).expect(t, 204)
	h.call("DELETE", "/api/v1/staff/"+ada.ID, tn.key, nil).expect(t, 404)
}

// The team page: an admin adds a member and changes roles; nobody removes themselves; a
// CSM or viewer sees the team and changes nothing.
func TestStaffTeamPage(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	ctx := context.Background()
	tn := h.newTenant("acme")
	admin := h.staffClient(tn, "ada@vendor.example", "admin")
	page := h.server.URL + "/staff/settings/team"
	_, body, _ := fetch(t, admin, "GET", page, nil)
	csrf := csrfOf(t, body)
	status, body, _ := fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "name": {"Cam"}, "email": {"cam@vendor.example"},
		"role": {"csm"}, "password": {"too short"}})
	if status != 400 || !strings.Contains(body, "between 12 and 200") || !strings.Contains(body, `value="cam@vendor.example"`) {
		t.Errorf("a short password: %d", status)
	}
	if status, _, loc := fetch(t, admin, "POST", page, url.Values{"csrf_token": {csrf}, "name": {"Cam Lee"}, "email": {"cam@vendor.example"},
		"role": {"viewer"}, "password": {"a much longer password"}}); status != 303 || !strings.Contains(loc, "done=added") {
		t.Fatalf("adding: %d %s", status, loc)
	}
	cam, err := h.store.StaffUserByEmail(ctx, "cam@vendor.example")
	if err != nil || cam.Role != "viewer" {
		t.Fatalf("stored: %+v %v", cam, err)
	}
	if status, _, _ := fetch(t, admin, "POST", page+"/"+cam.ID+"/role", url.Values{"csrf_token": {csrf}, "role": {"csm"}}); status != 303 {
		t.Errorf("changing the role: %d", status)
	}
	ada, _ := h.store.StaffUserByEmail(ctx, "ada@vendor.example")
	if status, body, _ := fetch(t, admin, "POST", page+"/"+ada.ID+"/remove", url.Values{"csrf_token": {csrf}}); status != 400 ||
		!strings.Contains(body, "cannot remove yourself") {
		t.Errorf("removing oneself: %d", status)
	}
	if status, body, _ := fetch(t, admin, "POST", page+"/"+ada.ID+"/role", url.Values{"csrf_token": {csrf}, "role": {"viewer"}}); status != 409 ||
		!strings.Contains(body, "at least one admin") {
		t.Errorf("demoting the last admin: %d", status)
	}
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	_, cbody, _ := fetch(t, csm, "GET", page, nil)
	if !strings.Contains(cbody, "Cam Lee") || strings.Contains(cbody, "Add staff member") {
		t.Error("a CSM's team page: the team should show, the forms should not")
	}
	for _, path := range []string{"", "/" + cam.ID + "/role", "/" + cam.ID + "/remove"} {
		if status, _, _ := fetch(t, csm, "POST", page+path, url.Values{"csrf_token": {csrfOf(t, cbody)}, "role": {"admin"},
			"name": {"X"}, "email": {"x@vendor.example"}, "password": {"a much longer password"}}); status != 403 {
			t.Errorf("a CSM posted %s: %d", path, status)
		}
	}
	if status, _, _ := fetch(t, admin, "POST", page+"/"+cam.ID+"/remove", url.Values{"csrf_token": {csrf}}); status != 303 {
		t.Errorf("removing: %d", status)
	}
	if _, err := h.store.StaffUserByEmail(ctx, "cam@vendor.example"); err == nil {
		t.Error("the removed member is still there")
	}
}

// A staff member changes their own password: the current one is checked, the new one
// twice; their other sessions end and this one stays; the new password signs in.
func TestStaffChangesTheirPassword(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn := h.newTenant("acme")
	here := h.staffClient(tn, "sam@vendor.example", "csm") // password "a long password"
	elsewhere := browserless(t)
	form := url.Values{"csrf_token": {formToken(t, elsewhere, h.server.URL)}, "email": {"sam@vendor.example"}, "password": {"a long password"}}
	if status, _, _ := fetch(t, elsewhere, "POST", h.server.URL+"/staff/login", form); status != 303 {
		t.Fatalf("second session: %d", status)
	}
	page := h.server.URL + "/staff/account"
	_, body, _ := fetch(t, here, "GET", page, nil)
	csrf := csrfOf(t, body)
	for _, tc := range []struct {
		current, next, again, says string
	}{
		{"wrong", "a brand new password", "a brand new password", "not your current password"},
		{"a long password", "short", "short", "between 12 and 200"},
		{"a long password", "a brand new password", "a different one!", "differ"},
	} {
		status, body, _ := fetch(t, here, "POST", page+"/password", url.Values{"csrf_token": {csrf}, "current_password": {tc.current},
			"new_password": {tc.next}, "confirm_password": {tc.again}})
		if status != 400 || !strings.Contains(body, tc.says) {
			t.Errorf("%+v: %d", tc, status)
		}
	}
	if status, _, loc := fetch(t, here, "POST", page+"/password", url.Values{"csrf_token": {csrf}, "current_password": {"a long password"},
		"new_password": {"a brand new password"}, "confirm_password": {"a brand new password"}}); status != 303 || loc != "/staff/account?saved=1" {
		t.Fatalf("changing: %d %s", status, loc)
	}
	if status, _, _ := fetch(t, here, "GET", page, nil); status != 200 {
		t.Errorf("this session after the change: %d", status)
	}
	if status, _, _ := fetch(t, elsewhere, "GET", page, nil); status == 200 {
		t.Error("the other session survived the change")
	}
	fresh := browserless(t)
	form = url.Values{"csrf_token": {formToken(t, fresh, h.server.URL)}, "email": {"sam@vendor.example"}, "password": {"a brand new password"}}
	if status, _, _ := fetch(t, fresh, "POST", h.server.URL+"/staff/login", form); status != 303 {
		t.Errorf("signing in with the new password: %d", status)
	}
}
