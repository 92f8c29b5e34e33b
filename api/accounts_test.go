package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/store"
)

func TestAccountsAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second})
	tn := h.newTenant("acme")
	other := h.newTenant("globex")
	ctx := context.Background()
	csm, err := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.workspace.ID, Email: "casey@v.example", Name: "Casey", Role: "csm"})
	if err != nil {
		t.Fatal(err)
	}
	viewer, _ := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.workspace.ID, Email: "vic@v.example", Name: "Vic", Role: "viewer"})
	foreign, _ := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: other.workspace.ID, Email: "gus@g.example", Name: "Gus", Role: "admin"})

	a := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Initech", "external_id": "crm-1", "timezone": "Europe/Berlin",
		"csm_id": csm.ID, "allowed_domains": []string{"@Initech.example", "initech.io", "initech.io"}, "slack_channel": "#initech"}).expect(t, 201).body
	id := a["id"].(string)
	if doms := a["allowed_domains"].([]any); len(doms) != 2 || doms[0] != "initech.example" || a["csm_id"] != csm.ID {
		t.Fatalf("created: %v", a)
	}
	// The same external id again: 200 with the account as it is.
	again := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Initech renamed", "external_id": "crm-1"}).expect(t, 200).body
	if again["id"] != id || again["name"] != "Initech" {
		t.Errorf("repeated external id: %v", again)
	}

	// Refused, naming the field, nothing stored.
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"name": ""}`, "name"},
		{`{"name": "X", "timezone": "Mars/Olympus"}`, "time"},
		{`{"name": "X", "csm_id": "` + viewer.ID + `"}`, "csm_id"},
		{`{"name": "X", "csm_id": "` + foreign.ID + `"}`, "csm_id"},
		{`{"name": "X", "csm_id": "nope"}`, "csm_id"},
		{`{"name": "X", "slack_channel": "general chat"}`, "slack_channel"},
		{`{"name": "X", "allowed_domains": ["not a domain"]}`, "allowed_domains"},
		{`{"name": "X", "allowed_domains": "acme.com"}`, "allowed_domains"},
		{`{"name": "X", "external_id": "` + strings.Repeat("e", 201) + `"}`, "external_id"},
	} {
		r := h.call("POST", "/api/v1/accounts", tn.key, json.RawMessage(tc.body))
		if r.status != 400 || !strings.Contains(r.errorMessage(), tc.field) {
			t.Errorf("POST %s: %d %s, want 400 about %s", tc.body, r.status, r.raw, tc.field)
		}
	}

	// PATCH changes what it names.
	p := h.call("PATCH", "/api/v1/accounts/"+id, tn.key, map[string]any{"name": "Initech GmbH", "csm_id": nil}).expect(t, 200).body
	if p["name"] != "Initech GmbH" || p["csm_id"] != nil || p["timezone"] != "Europe/Berlin" || p["external_id"] != "crm-1" {
		t.Errorf("after PATCH: %v", p)
	}
	h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Other", "external_id": "crm-2"}).expect(t, 201)
	if r := h.call("PATCH", "/api/v1/accounts/"+id, tn.key, map[string]any{"external_id": "crm-2"}); r.status != 409 {
		t.Errorf("taking another account's external id: %d", r.status)
	}

	// Lists: newest first, paged, searchable, archived apart.
	list := h.call("GET", "/api/v1/accounts?limit=2", tn.key, nil).expect(t, 200)
	if len(list.list) != 2 || list.list[0].(map[string]any)["name"] != "Other" {
		t.Fatalf("first page: %s", list.raw)
	}
	resp := h.call("GET", "/api/v1/accounts?q=INITECH", tn.key, nil).expect(t, 200)
	if len(resp.list) != 1 || resp.list[0].(map[string]any)["id"] != id {
		t.Errorf("search: %s", resp.raw)
	}
	if r := h.call("GET", "/api/v1/accounts?q=%25", tn.key, nil).expect(t, 200); len(r.list) != 0 {
		t.Errorf("a %% matches everything: %s", r.raw)
	}
	h.call("GET", "/api/v1/accounts?archived=maybe", tn.key, nil).expect(t, 400)
	h.call("GET", "/api/v1/accounts?cursor=bogus", tn.key, nil).expect(t, 400)

	h.call("POST", "/api/v1/accounts/"+id+"/archive", tn.key, nil).expect(t, 200)
	if r := h.call("GET", "/api/v1/accounts?q=initech", tn.key, nil).expect(t, 200); len(r.list) != 0 {
		t.Error("an archived account is listed")
	}
	if r := h.call("GET", "/api/v1/accounts?archived=true", tn.key, nil).expect(t, 200); len(r.list) != 1 {
		t.Errorf("archived list: %s", r.raw)
	}
	r := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": id, "plan": "standard-saas"})
	if r.status != 400 || !strings.Contains(r.errorMessage(), "archived") {
		t.Errorf("starting an onboarding for an archived account: %d %s", r.status, r.raw)
	}
	h.call("POST", "/api/v1/accounts/"+id+"/restore", tn.key, nil).expect(t, 200)

	// Another workspace's key sees none of it.
	for _, call := range [][2]string{{"GET", "/api/v1/accounts/" + id}, {"PATCH", "/api/v1/accounts/" + id},
		{"POST", "/api/v1/accounts/" + id + "/archive"}, {"GET", "/api/v1/accounts/" + id + "/contacts"}} {
		if r := h.call(call[0], call[1], other.key, map[string]any{"name": "Taken"}); r.status != 404 {
			t.Errorf("%s %s with another workspace's key: %d", call[0], call[1], r.status)
		}
	}
	if r := h.call("GET", "/api/v1/accounts", other.key, nil).expect(t, 200); strings.Contains(r.raw, id) {
		t.Error("another workspace lists this account")
	}
}

func TestContactsAPI(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	other := h.newTenant("globex")
	h.call("PATCH", "/api/v1/accounts/"+tn.account.ID, tn.key, map[string]any{"allowed_domains": []string{"acme.example"}}).expect(t, 200)

	r := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, map[string]any{"name": "Eve", "email": "eve@gmail.example"})
	if r.status != 400 || !strings.Contains(r.errorMessage(), "acme.example") {
		t.Errorf("an address outside the allowed domains: %d %s", r.status, r.raw)
	}
	id := h.newContact(tn, "Dana", "dana@acme.example")
	h.newContact(tn, "Sub", "sub@eu.acme.example") // a subdomain is the domain's

	c := h.call("PATCH", "/api/v1/contacts/"+id, tn.key, map[string]any{"name": "Dana Whitfield"}).expect(t, 200).body
	if c["name"] != "Dana Whitfield" || c["email"] != "dana@acme.example" {
		t.Errorf("after PATCH: %v", c)
	}
	if r := h.call("PATCH", "/api/v1/contacts/"+id, tn.key, map[string]any{"email": "sub@eu.acme.example"}); r.status != 409 {
		t.Errorf("another contact's email: %d", r.status)
	}
	if r := h.call("PATCH", "/api/v1/contacts/"+id, tn.key, map[string]any{"email": "not-an-address"}); r.status != 400 {
		t.Errorf("a bad email: %d", r.status)
	}

	// Archiving signs the contact out and stops invites; the account's contacts leave them
	// out, the full list marks them.
	portal := browserless(t)
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "pat@acme.example", time.Hour)
	_, signin, _ := fetch(t, portal, "GET", h.server.URL+link, nil)
	fetch(t, portal, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, signin)}})
	if status, _, _ := fetch(t, portal, "GET", h.server.URL+"/portal/settings", nil); status != 200 {
		t.Fatalf("portal before archiving: %d", status)
	}
	var patID string
	for _, ct := range h.call("GET", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, nil).expect(t, 200).list {
		if m := ct.(map[string]any); m["email"] == "pat@acme.example" {
			patID = m["id"].(string)
		}
	}
	h.call("POST", "/api/v1/contacts/"+patID+"/archive", tn.key, nil).expect(t, 200)
	if status, _, loc := fetch(t, portal, "GET", h.server.URL+"/portal/settings", nil); status != 303 || !strings.Contains(loc, "signed-out") {
		t.Errorf("an archived contact's session: %d %s", status, loc)
	}
	if r := h.call("POST", "/api/v1/contacts/"+patID+"/invite", tn.key, nil); r.status != 409 || r.errorCode() != "archived" {
		t.Errorf("inviting an archived contact: %d %s", r.status, r.raw)
	}
	acct := h.call("GET", "/api/v1/accounts/"+tn.account.ID, tn.key, nil).expect(t, 200)
	if strings.Contains(acct.raw, "pat@acme.example") {
		t.Error("the account's contacts include an archived one")
	}
	h.call("POST", "/api/v1/contacts/"+patID+"/restore", tn.key, nil).expect(t, 200)
	h.call("POST", "/api/v1/contacts/"+patID+"/invite", tn.key, nil).expect(t, 202)

	// A domain list set later stops invites to addresses outside it.
	h.call("PATCH", "/api/v1/accounts/"+tn.account.ID, tn.key, map[string]any{"allowed_domains": []string{"acme.io"}}).expect(t, 200)
	if r := h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil); r.status != 409 || !strings.Contains(r.errorMessage(), "acme.io") {
		t.Errorf("inviting outside the allowed domains: %d %s", r.status, r.raw)
	}

	for _, call := range [][2]string{{"GET", "/api/v1/contacts/" + id}, {"PATCH", "/api/v1/contacts/" + id},
		{"POST", "/api/v1/contacts/" + id + "/archive"}, {"POST", "/api/v1/contacts/" + id + "/restore"}} {
		if r := h.call(call[0], call[1], other.key, map[string]any{"name": "Taken"}); r.status != 404 {
			t.Errorf("%s %s with another workspace's key: %d", call[0], call[1], r.status)
		}
	}
}

func TestStaffManageAccountsAndStartAnOnboarding(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	other := h.newTenant("globex")
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	base := h.server.URL + "/staff"

	// A refused account keeps what was typed.
	_, page, _ := fetch(t, csm, "GET", base+"/accounts", nil)
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "name": {"Hooli"}, "external_id": {"crm-9"}, "timezone": {"Mars/Base"},
		"allowed_domains": {"hooli.example"}}
	status, body, _ := fetch(t, csm, "POST", base+"/accounts", form)
	if status != 400 || !strings.Contains(body, "Mars/Base") || !strings.Contains(body, `value="crm-9"`) ||
		!strings.Contains(body, `class="field has-problem"><label for="timezone"`) {
		t.Fatalf("refused account: %d\n%s", status, body)
	}
	form.Set("timezone", "America/Chicago")
	status, _, loc := fetch(t, csm, "POST", base+"/accounts", form)
	if status != 303 || !strings.HasPrefix(loc, "/staff/accounts/") {
		t.Fatalf("create account: %d %s", status, loc)
	}
	accountPage := h.server.URL + loc
	_, page, _ = fetch(t, csm, "GET", accountPage, nil)
	if !strings.Contains(page, "Hooli") || !strings.Contains(page, "America/Chicago") || !strings.Contains(page, "contacts at hooli.example") {
		t.Fatalf("account page:\n%s", page)
	}
	csrf := csrfOf(t, page)
	// Contacts: an address outside the domains is refused where it was typed.
	status, body, _ = fetch(t, csm, "POST", accountPage+"/contacts", url.Values{"csrf_token": {csrf}, "name": {"Gavin"}, "email": {"gavin@other.example"}})
	if status != 400 || !strings.Contains(body, "Not added: email: Hooli takes contacts at hooli.example only") || !strings.Contains(body, `value="Gavin"`) {
		t.Fatalf("refused contact: %d", status)
	}
	if status, _, _ = fetch(t, csm, "POST", accountPage+"/contacts", url.Values{"csrf_token": {csrf}, "name": {"Gavin"}, "email": {"gavin@hooli.example"}}); status != 303 {
		t.Fatalf("add contact: %d", status)
	}
	accountID := strings.TrimPrefix(loc, "/staff/accounts/")
	contacts, err := h.store.AllContacts(context.Background(), tn.workspace.ID, accountID)
	if err != nil || len(contacts) != 1 {
		t.Fatalf("contacts: %v %v", contacts, err)
	}
	ct := contacts[0]
	if status, body, _ = fetch(t, csm, "POST", accountPage+"/contacts/"+ct.ID, url.Values{"csrf_token": {csrf}, "name": {"Gavin Belson"}, "email": {"nope"}}); status != 400 ||
		!strings.Contains(body, `value="Gavin Belson"`) || !strings.Contains(body, "<details open>") {
		t.Errorf("refused contact edit: %d", status)
	}
	if status, _, _ = fetch(t, csm, "POST", accountPage+"/contacts/"+ct.ID+"/archive", url.Values{"csrf_token": {csrf}}); status != 303 {
		t.Errorf("archive contact: %d", status)
	}
	if c, _ := h.store.Contact(context.Background(), tn.workspace.ID, ct.ID); c.ArchivedAt == nil {
		t.Error("contact not archived")
	}

	// New onboarding: the preview shows the plan's phases and dates; starting opens it.
	q := url.Values{"account_id": {accountID}, "plan": {"standard-saas"}, "start_date": {"2027-03-01"}, "target_go_live": {"2027-03-10"}}
	_, page, _ = fetch(t, csm, "GET", base+"/onboardings/new?"+q.Encode(), nil)
	if !strings.Contains(page, `id="preview"`) || !strings.Contains(page, "Kickoff") || !strings.Contains(page, "the plan runs past the target") ||
		!strings.Contains(page, "Mon 1 Mar 2027") {
		t.Fatalf("preview:\n%s", page)
	}
	pq := url.Values{"csrf_token": {csrf}, "account_id": {accountID}, "plan": {"standard-saas"}, "start_date": {"2027-03-01"}}
	if status, page, _ = fetch(t, csm, "POST", base+"/onboardings/preview", pq); status != 200 || !strings.Contains(page, `id="preview"`) {
		t.Errorf("preview by POST: %d", status)
	}
	q.Set("start_date", "2027-02-30")
	if status, page, _ = fetch(t, csm, "GET", base+"/onboardings/new?"+q.Encode(), nil); status != 400 || !strings.Contains(page, "start_date") {
		t.Errorf("a bad start date: %d", status)
	}
	start := url.Values{"csrf_token": {csrf}, "account_id": {accountID}, "plan": {"standard-saas"}, "start_date": {"2027-03-01"}}
	status, _, loc = fetch(t, csm, "POST", base+"/onboardings", start)
	if status != 303 || !strings.HasPrefix(loc, "/staff/onboardings/") {
		t.Fatalf("start: %d %s", status, loc)
	}
	o := h.call("GET", "/api/v1/onboardings/"+strings.TrimPrefix(loc, "/staff/onboardings/"), tn.key, nil).expect(t, 200).body
	if o["account_id"] != accountID || o["start_date"] != "2027-03-01" {
		t.Errorf("started: %v %v", o["account_id"], o["start_date"])
	}
	start.Set("plan", "no-such-plan")
	if status, body, _ = fetch(t, csm, "POST", base+"/onboardings", start); status != 400 || !strings.Contains(body, "unknown plan") {
		t.Errorf("an unknown plan: %d", status)
	}
	start.Set("plan", "standard-saas")
	start.Set("account_id", other.account.ID)
	if status, body, _ = fetch(t, csm, "POST", base+"/onboardings", start); status != 400 || !strings.Contains(body, "no such account") {
		t.Errorf("another workspace's account: %d", status)
	}

	// The list names each account's CSM.
	casey, err := h.store.StaffUserByEmail(context.Background(), "casey@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	h.call("PATCH", "/api/v1/accounts/"+accountID, tn.key, map[string]any{"csm_id": casey.ID}).expect(t, 200)
	if status, page, _ = fetch(t, csm, "GET", base+"/accounts", nil); status != 200 || !strings.Contains(page, "<td>Staff csm</td>") {
		t.Errorf("accounts list with a CSM: %d", status)
	}
	// Another workspace's account is not found; a viewer cannot change anything.
	if status, _, _ = fetch(t, csm, "GET", base+"/accounts/"+other.account.ID, nil); status != 404 {
		t.Errorf("another workspace's account page: %d", status)
	}
	if status, _, _ = fetch(t, csm, "POST", base+"/accounts/"+other.account.ID, url.Values{"csrf_token": {csrf}, "name": {"Mine"}}); status != 404 {
		t.Errorf("saving another workspace's account: %d", status)
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, page, _ = fetch(t, viewer, "GET", accountPage, nil)
	if strings.Contains(page, "Save account") || strings.Contains(page, "Add contact") {
		t.Error("a viewer is offered forms")
	}
	if status, _, _ = fetch(t, viewer, "POST", accountPage, url.Values{"csrf_token": {csrfOf(t, page)}, "name": {"Viewer was here"}}); status != 403 {
		t.Errorf("a viewer saving an account: %d", status)
	}
}
