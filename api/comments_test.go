package api_test

import (
	"net/url"
	"strings"
	"testing"
)

// Comments on a task: a contact writes on the task page, staff see it on the onboarding
// page and answer, the contact sees the answer; the API lists and adds them; bad input,
// hidden tasks, viewers and other workspaces are refused.
func TestTaskComments(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	portal := h.portalContact(tn, "pat@acme.example")
	taskPage := h.server.URL + "/portal/onboardings/" + id + "/tasks/success-criteria"
	_, body, _ := fetch(t, portal, "GET", taskPage, nil)
	csrf := csrfOf(t, body)
	if status, _, loc := fetch(t, portal, "POST", taskPage+"/comments", url.Values{"csrf_token": {csrf},
		"body": {"Who should own the <success> metrics?\nWe have two candidates."}}); status != 303 || !strings.HasSuffix(loc, "#comments") {
		t.Fatalf("posting a comment: %d %s", status, loc)
	}
	for _, bad := range []string{"   ", strings.Repeat("x", 2001), "bell\u0007"} {
		if status, body, _ := fetch(t, portal, "POST", taskPage+"/comments", url.Values{"csrf_token": {csrf}, "body": {bad}}); status != 400 ||
			!strings.Contains(body, "body") {
			t.Errorf("comment %.20q: %d", bad, status)
		}
	}
	hidden := h.server.URL + "/portal/onboardings/" + id + "/tasks/internal-handoff/comments"
	if status, _, _ := fetch(t, portal, "POST", hidden, url.Values{"csrf_token": {csrf}, "body": {"peek"}}); status != 404 {
		t.Errorf("a comment on a hidden task: %d", status)
	}
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	_, body, _ = fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, "Comments (1)") || !strings.Contains(body, "Who should own the &lt;success&gt; metrics?") {
		t.Fatal("the staff page does not show the customer's comment")
	}
	if status, _, _ := fetch(t, csm, "POST", page+"/tasks/success-criteria/comments", url.Values{"csrf_token": {csrfOf(t, body)},
		"body": {"Your VP of Ops, usually."}}); status != 303 {
		t.Fatalf("staff reply: %d", status)
	}
	_, body, _ = fetch(t, portal, "GET", taskPage, nil)
	if strings.Count(body, "data-comment") != 2 || !strings.Contains(body, "Your VP of Ops, usually.") {
		t.Error("the contact does not see the thread")
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, vbody, _ := fetch(t, viewer, "GET", page, nil)
	if status, _, _ := fetch(t, viewer, "POST", page+"/tasks/success-criteria/comments", url.Values{"csrf_token": {csrfOf(t, vbody)},
		"body": {"hi"}}); status != 403 {
		t.Errorf("a viewer commented: %d", status)
	}
	base := "/api/v1/onboardings/" + id + "/tasks/success-criteria/comments"
	if l := h.call("GET", base, tn.key, nil).expect(t, 200).list; len(l) != 2 {
		t.Errorf("API list: %d comments", len(l))
	}
	h.call("POST", base, tn.key, map[string]any{"body": "From the CRM."}).expect(t, 201)
	h.call("POST", base, tn.key, map[string]any{"body": ""}).expect(t, 400)
	h.call("POST", base, tn.key, map[string]any{"text": "x"}).expect(t, 400)
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/nope/comments", tn.key, map[string]any{"body": "x"}).expect(t, 404)
	h.call("GET", base, other.key, nil).expect(t, 404)
	h.call("POST", base, other.key, map[string]any{"body": "x"}).expect(t, 404)
	// The task actions beside the comments route still answer.
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
}
