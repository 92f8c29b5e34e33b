package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/store"
)

// Tasks are assigned through the API: a customer task to one of the account's contacts,
// a vendor task to a staff member who works on tasks, null to unassign. Anyone else, in
// this workspace or another, is refused with the reason, and nothing changes.
func TestAssignTasksThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	base := "/api/v1/onboardings/" + id + "/tasks/"
	dana := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key,
		map[string]any{"name": "Dana Whitfield", "email": "dana@acme.example", "timezone": "Asia/Tokyo"}).expect(t, 201).body
	if dana["timezone"] != "Asia/Tokyo" {
		t.Errorf("contact's time zone: %v", dana["timezone"])
	}
	danaID := dana["id"].(string)
	got := h.call("PATCH", base+"success-criteria", tn.key, map[string]any{"assignee": danaID}).expect(t, 200).body
	a, _ := task(got, "success-criteria")["assignee"].(map[string]any)
	if a["type"] != "contact" || a["id"] != danaID || a["name"] != "Dana Whitfield" {
		t.Fatalf("assignee after assigning: %v", task(got, "success-criteria")["assignee"])
	}
	// A vendor task goes to a staff member.
	h.staffClient(tn, "sam@vendor.example", "csm")
	sam, err := h.store.StaffUserByEmail(ctx, "sam@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	got = h.call("PATCH", base+"provision-tenant", tn.key, map[string]any{"assignee": sam.ID}).expect(t, 200).body
	if a, _ := task(got, "provision-tenant")["assignee"].(map[string]any); a["type"] != "staff" || a["name"] != "Staff csm" {
		t.Errorf("vendor task's assignee: %v", task(got, "provision-tenant")["assignee"])
	}
	// Refused: the wrong side, another account's contact, another workspace's, an
	// archived contact, a viewer, malformed values, two changes at once.
	h.staffClient(tn, "vic@vendor.example", "viewer")
	vic, _ := h.store.StaffUserByEmail(ctx, "vic@vendor.example")
	otherAccount := h.newTenantAccount(tn, "Globex")
	stranger := h.call("POST", "/api/v1/accounts/"+otherAccount+"/contacts", tn.key,
		map[string]any{"name": "Gil", "email": "gil@globex.example"}).expect(t, 201).body["id"].(string)
	other := h.newTenant("initech")
	outsider := h.call("POST", "/api/v1/accounts/"+other.account.ID+"/contacts", other.key,
		map[string]any{"name": "Ina", "email": "ina@initech.example"}).expect(t, 201).body["id"].(string)
	gone := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key,
		map[string]any{"name": "Gone Person", "email": "gone@acme.example"}).expect(t, 201).body["id"].(string)
	h.call("POST", "/api/v1/contacts/"+gone+"/archive", tn.key, nil).expect(t, 200)
	for _, tc := range []struct {
		task string
		body any
		want int
		says string
	}{
		{"success-criteria", map[string]any{"assignee": sam.ID}, 400, "contact of"},
		{"provision-tenant", map[string]any{"assignee": danaID}, 400, "staff member"},
		{"success-criteria", map[string]any{"assignee": stranger}, 400, "contact of"},
		{"success-criteria", map[string]any{"assignee": outsider}, 400, "contact of"},
		{"success-criteria", map[string]any{"assignee": gone}, 400, "archived"},
		{"provision-tenant", map[string]any{"assignee": vic.ID}, 400, "viewer"},
		{"success-criteria", map[string]any{"assignee": "not-an-id"}, 400, "no such contact"},
		{"success-criteria", map[string]any{"assignee": 5}, 400, "assignee"},
		{"success-criteria", map[string]any{"assignee": ""}, 400, "null to unassign"},
		{"success-criteria", map[string]any{"assignee": danaID, "due_date": "2030-01-01"}, 400, "one at a time"},
		{"success-criteria", map[string]any{}, 400, "due_date"},
		{"no-such-task", map[string]any{"assignee": danaID}, 404, ""},
	} {
		r := h.call("PATCH", base+tc.task, tn.key, tc.body)
		if r.status != tc.want || !strings.Contains(r.errorMessage(), tc.says) {
			t.Errorf("PATCH %s %v: %d %q, want %d saying %q", tc.task, tc.body, r.status, r.errorMessage(), tc.want, tc.says)
		}
	}
	h.call("PATCH", base+"success-criteria", other.key, map[string]any{"assignee": nil}).expect(t, 404)
	got = h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if a, _ := task(got, "success-criteria")["assignee"].(map[string]any); a["id"] != danaID {
		t.Fatalf("after refusals the assignee is %v", task(got, "success-criteria")["assignee"])
	}
	// null gives the task back to everyone; a done task cannot be assigned.
	got = h.call("PATCH", base+"success-criteria", tn.key, map[string]any{"assignee": nil}).expect(t, 200).body
	if task(got, "success-criteria")["assignee"] != nil {
		t.Errorf("after unassigning: %v", task(got, "success-criteria")["assignee"])
	}
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
	h.call("PATCH", base+"welcome-pack", tn.key, map[string]any{"assignee": sam.ID}).expect(t, 409)
	events, err := h.store.AuditEvents(ctx, tn.workspace.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	assigns := 0
	for _, e := range events {
		if e.Action == "task.assign" {
			assigns++
		}
	}
	if assigns != 3 {
		t.Errorf("%d task.assign audit events, want 3", assigns)
	}
}

// A contact's time zone is kept (checked) and a new one moves the reminders of the tasks
// assigned to them: the workflow is told, which the audit log shows.
func TestContactTimeZoneFollowsToTheirTasks(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	contact := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key,
		map[string]any{"name": "Dana", "email": "dana@acme.example"}).expect(t, 201).body["id"].(string)
	h.call("PATCH", "/api/v1/onboardings/"+id+"/tasks/success-criteria", tn.key, map[string]any{"assignee": contact}).expect(t, 200)
	for _, bad := range []any{"Mars/Olympus", 7, "Europe/Paris\x00"} {
		r := h.call("PATCH", "/api/v1/contacts/"+contact, tn.key, map[string]any{"timezone": bad})
		if r.status != 400 || !strings.Contains(r.errorMessage(), "timezone") {
			t.Errorf("timezone %q: %d %s", bad, r.status, r.raw)
		}
	}
	r := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, map[string]any{"name": "X", "email": "x@acme.example", "timezone": "Nowhere"})
	if r.status != 400 {
		t.Errorf("a new contact in no time zone: %d", r.status)
	}
	got := h.call("PATCH", "/api/v1/contacts/"+contact, tn.key, map[string]any{"timezone": "America/Los_Angeles"}).expect(t, 200).body
	if got["timezone"] != "America/Los_Angeles" || got["name"] != "Dana" {
		t.Fatalf("contact after the change: %v", got)
	}
	// The answer does not wait for the workflow: the tasks follow in the background.
	var zones []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		events, _ := h.store.AuditEvents(context.Background(), tn.workspace.ID, id)
		zones = zones[:0]
		for _, e := range events {
			if e.Action == "task.assign" && strings.Contains(string(e.Detail), "America/Los_Angeles") {
				zones = append(zones, e.Subject)
			}
		}
		if len(zones) > 0 {
			break
		}
	}
	if len(zones) != 1 || zones[0] != "success-criteria" {
		t.Errorf("assignments moved to the new zone: %v; want success-criteria", zones)
	}
}

// Staff assign from the onboarding page; the customer's portal says whose a task is.
func TestStaffAssignAndThePortalShowsIt(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	portal := h.portalContact(tn, "pat@acme.example")
	cts, err := h.store.Contacts(ctx, tn.workspace.ID, tn.account.ID)
	if err != nil || len(cts) != 1 {
		t.Fatalf("contacts: %v %v", cts, err)
	}
	pat := cts[0]
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/onboardings/" + id
	assign := func(c *http.Client, key, who string) (int, string) {
		_, body, _ := fetch(t, c, "GET", page, nil)
		form := url.Values{"csrf_token": {csrfOf(t, body)}, "assignee": {who}}
		if m := requestIDInput.FindStringSubmatch(body); m != nil {
			form.Set("request_id", m[1])
		}
		status, body, _ := fetch(t, c, "POST", page+"/assign/"+key, form)
		return status, body
	}
	_, body, _ := fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, `name="assignee"`) || !strings.Contains(body, ">"+pat.Name+"</option>") {
		t.Fatal("the staff page offers no assignment to the account's contacts")
	}
	if status, _ := assign(csm, "success-criteria", pat.ID); status != 303 {
		t.Fatalf("assign: %d", status)
	}
	if status, body := assign(csm, "success-criteria", "not-a-contact"); status != 400 || !strings.Contains(body, "no such contact") {
		t.Errorf("assigning nobody: %d", status)
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	if status, _ := assign(viewer, "success-criteria", ""); status != 403 {
		t.Errorf("a viewer assigned: %d", status)
	}
	_, body, _ = fetch(t, csm, "GET", page, nil)
	if !strings.Contains(body, "<summary>"+pat.Name+"</summary>") || !strings.Contains(body, "assigned") {
		t.Error("the staff page does not show the assignee and the activity")
	}
	_, body, _ = fetch(t, portal, "GET", h.server.URL+"/portal", nil)
	if !strings.Contains(body, "<strong>You</strong>") {
		t.Error("the portal does not tell the contact the task is theirs")
	}
	_, body, _ = fetch(t, portal, "GET", h.server.URL+"/portal/onboardings/"+id+"/tasks/success-criteria", nil)
	if !strings.Contains(body, "Assigned to you") {
		t.Error("the task page does not say it is assigned to them")
	}
	// The contact sets their own time zone; a bad one is refused on the page, kept in the field.
	_, body, _ = fetch(t, portal, "GET", h.server.URL+"/portal/settings", nil)
	csrf := csrfOf(t, body)
	status, body, _ := fetch(t, portal, "POST", h.server.URL+"/portal/settings/time-zone", url.Values{"csrf_token": {csrf}, "timezone": {"Atlantis/Capital"}})
	if status != 400 || !strings.Contains(body, "not a time zone") || !strings.Contains(body, `value="Atlantis/Capital"`) {
		t.Errorf("a bad time zone: %d", status)
	}
	if status, _, loc := fetch(t, portal, "POST", h.server.URL+"/portal/settings/time-zone",
		url.Values{"csrf_token": {csrf}, "timezone": {"Europe/Berlin"}}); status != 303 || !strings.HasPrefix(loc, "/portal/settings?saved=zone") {
		t.Fatalf("save time zone: %d %s", status, loc)
	}
	if status, _, _ := fetch(t, portal, "POST", h.server.URL+"/portal/settings/time-zone",
		url.Values{"csrf_token": {"forged"}, "timezone": {"UTC"}}); status != 403 {
		t.Errorf("a forged form: %d", status)
	}
	if c, _ := h.store.Contact(ctx, tn.workspace.ID, pat.ID); c.Timezone != "Europe/Berlin" {
		t.Errorf("stored time zone %q", c.Timezone)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		events, _ := h.store.AuditEvents(ctx, tn.workspace.ID, id)
		found := false
		for _, e := range events {
			found = found || (e.Action == "task.assign" && strings.Contains(string(e.Detail), "Europe/Berlin") && e.Actor == "contact:"+pat.ID)
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the contact's new time zone did not reach their assigned task")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = store.ReminderEmailsAll
}

// The staff assign form and the webhook forms only reach the signed-in staff member's own
// workspace; a viewer cannot use them; a staff member of another workspace cannot be an
// assignee; the portal's time zone can be cleared and refuses overlong input.
func TestAssignAndWebhookFormsStayInTheirWorkspace(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	stranger := h.staffClient(other, "sol@initech.example", "admin")
	strangerUser, _ := h.store.StaffUserByEmail(ctx, "sol@initech.example")
	page := h.server.URL + "/staff/onboardings/" + id
	_, body, _ := fetch(t, stranger, "GET", h.server.URL+"/staff/settings", nil)
	status, _, _ := fetch(t, stranger, "POST", page+"/assign/success-criteria", url.Values{"csrf_token": {csrfOf(t, body)},
		"request_id": {"0123456789abcdef0123"}, "assignee": {""}})
	if status != 404 {
		t.Errorf("another workspace's staff assigned a task: %d", status)
	}
	r := h.call("PATCH", "/api/v1/onboardings/"+id+"/tasks/provision-tenant", tn.key, map[string]any{"assignee": strangerUser.ID})
	if r.status != 400 || !strings.Contains(r.errorMessage(), "no such staff member") {
		t.Errorf("another workspace's staff member as assignee: %d %s", r.status, r.raw)
	}
	// Webhook forms: another workspace's endpoint is 404, a viewer is 403.
	ep := h.call("POST", "/api/v1/webhooks", tn.key, map[string]any{"url": "https://hooks.example.com/a",
		"events": []string{"onboarding.completed"}}).expect(t, 201).body["id"].(string)
	for _, action := range []string{"test", "delete"} {
		if status, _, _ := fetch(t, stranger, "POST", h.server.URL+"/staff/settings/webhooks/"+ep+"/"+action,
			url.Values{"csrf_token": {csrfOf(t, body)}}); status != 404 {
			t.Errorf("another workspace's admin could %s the endpoint: %d", action, status)
		}
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, vbody, _ := fetch(t, viewer, "GET", h.server.URL+"/staff/settings/webhooks", nil)
	for _, action := range []string{"test", "delete"} {
		if status, _, _ := fetch(t, viewer, "POST", h.server.URL+"/staff/settings/webhooks/"+ep+"/"+action,
			url.Values{"csrf_token": {csrfOf(t, vbody)}}); status != 403 {
			t.Errorf("a viewer could %s the endpoint: %d", action, status)
		}
	}
	if list := h.call("GET", "/api/v1/webhooks", tn.key, nil).expect(t, 200).raw; !strings.Contains(list, ep) {
		t.Error("the endpoint is gone after refused deletes")
	}
	// Portal time zone: cleared with "", refused when too long.
	portal := h.portalContact(tn, "pat@acme.example")
	_, pbody, _ := fetch(t, portal, "GET", h.server.URL+"/portal/settings", nil)
	csrf := csrfOf(t, pbody)
	for _, zone := range []string{"Europe/Berlin", ""} {
		if status, _, _ := fetch(t, portal, "POST", h.server.URL+"/portal/settings/time-zone",
			url.Values{"csrf_token": {csrf}, "timezone": {zone}}); status != 303 {
			t.Fatalf("saving time zone %q: %d", zone, status)
		}
	}
	if status, _, _ := fetch(t, portal, "POST", h.server.URL+"/portal/settings/time-zone",
		url.Values{"csrf_token": {csrf}, "timezone": {strings.Repeat("Europe/", 300)}}); status != 400 {
		t.Errorf("an overlong time zone: %d", status)
	}
	cts, _ := h.store.Contacts(ctx, tn.workspace.ID, tn.account.ID)
	if len(cts) != 1 || cts[0].Timezone != "" {
		t.Errorf("after clearing: %+v", cts)
	}
}

// The portal puts an account's onboardings under way before those that are over, however
// new the finished one is.
func TestPortalListsOpenOnboardingsFirst(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	open := h.createOnboarding(tn, "standard-saas")["id"].(string)
	gone := h.createOnboarding(tn, "enterprise")["id"].(string)
	h.call("POST", "/api/v1/onboardings/"+gone+"/cancel", tn.key, map[string]any{"reason": "signed elsewhere"}).expect(t, 200)
	portal := h.portalContact(tn, "pat@acme.example")
	_, body, _ := fetch(t, portal, "GET", h.server.URL+"/portal", nil)
	first, second := strings.Index(body, "/portal/onboardings/"+open+"/"), strings.Index(body, "/portal/onboardings/"+gone+"/")
	if first < 0 || second < 0 || first > second {
		t.Errorf("the open onboarding at %d, the cancelled (newer) one at %d: want the open one first", first, second)
	}
}
