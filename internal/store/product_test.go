package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestWorkspaces(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	ws, err := st.CreateWorkspace(ctx, store.Workspace{Slug: "acme-saas", Name: "Acme SaaS"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if ws.ID == "" || ws.Timezone != "UTC" || ws.CreatedAt.IsZero() {
		t.Errorf("created workspace = %+v, want an id, timezone UTC and a creation time", ws)
	}
	byID, err := st.Workspace(ctx, ws.ID)
	if err != nil || !reflect.DeepEqual(byID, ws) {
		t.Errorf("Workspace(id) = %+v, %v; want %+v", byID, err, ws)
	}
	bySlug, err := st.WorkspaceBySlug(ctx, "acme-saas")
	if err != nil || bySlug.ID != ws.ID {
		t.Errorf("WorkspaceBySlug = %+v, %v; want id %s", bySlug, err, ws.ID)
	}
	_, err = st.CreateWorkspace(ctx, store.Workspace{Slug: "acme-saas", Name: "Copy", Timezone: "Europe/Berlin"})
	wantErr(t, "duplicate slug", err, store.ErrConflict)
}

func TestStaffUsers(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a, b := newTenant(t, st, "alpha"), newTenant(t, st, "beta")
	u, err := st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: a.ws.ID, Email: "Ada@Alpha.example",
		Name: "Ada Admin", Role: "admin", PasswordHash: "hash"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := st.StaffUser(ctx, a.ws.ID, u.ID)
	if err != nil || got != u {
		t.Errorf("StaffUser = %+v, %v; want %+v", got, err, u)
	}
	byEmail, err := st.StaffUserByEmail(ctx, "ada@alpha.EXAMPLE")
	if err != nil || byEmail.ID != u.ID {
		t.Errorf("StaffUserByEmail (other case) = %+v, %v; want id %s", byEmail, err, u.ID)
	}
	for _, ws := range []string{a.ws.ID, b.ws.ID} {
		_, err = st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: ws, Email: "ada@alpha.example", Name: "Ada", Role: "csm"})
		wantErr(t, "duplicate staff email", err, store.ErrConflict)
	}
}

func TestAccounts(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a, b := newTenant(t, st, "alpha"), newTenant(t, st, "beta")
	ext := "crm-42"
	globex := mustAccount(t, st, store.Account{WorkspaceID: a.ws.ID, Name: "Globex", ExternalID: &ext,
		Timezone: "America/New_York", CSMID: &a.csm.ID})

	got, err := st.Account(ctx, a.ws.ID, globex.ID)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if got.Name != "Globex" || got.ExternalID == nil || *got.ExternalID != ext || got.Timezone != "America/New_York" ||
		got.CSMID == nil || *got.CSMID != a.csm.ID || !got.CreatedAt.Equal(globex.CreatedAt) {
		t.Errorf("Account = %+v, want %+v", got, globex)
	}
	if a.account.Timezone != "UTC" || a.account.ExternalID != nil {
		t.Errorf("account without timezone or external id = %+v, want UTC and nil", a.account)
	}

	list, err := st.Accounts(ctx, a.ws.ID)
	if err != nil || len(list) != 2 || list[0].Name != "Acme" || list[1].Name != "Globex" {
		t.Errorf("Accounts = %+v, %v; want Acme, Globex", list, err)
	}

	_, err = st.CreateAccount(ctx, store.Account{WorkspaceID: a.ws.ID, Name: "Globex again", ExternalID: &ext})
	wantErr(t, "duplicate external id in a workspace", err, store.ErrConflict)
	if _, err := st.CreateAccount(ctx, store.Account{WorkspaceID: b.ws.ID, Name: "Globex", ExternalID: &ext}); err != nil {
		t.Errorf("same external id in another workspace: %v", err)
	}
	if _, err := st.CreateAccount(ctx, store.Account{WorkspaceID: a.ws.ID, Name: "No CRM"}); err != nil {
		t.Errorf("second account without external id: %v", err)
	}
}

func TestContacts(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	other := mustAccount(t, st, store.Account{WorkspaceID: a.ws.ID, Name: "Globex"})

	got, err := st.Contact(ctx, a.ws.ID, a.contact.ID)
	if err != nil || got != a.contact {
		t.Errorf("Contact = %+v, %v; want %+v", got, err, a.contact)
	}
	zoe, err := st.CreateContact(ctx, store.Contact{WorkspaceID: a.ws.ID, AccountID: a.account.ID, Name: "Alex", Email: "alex@acme.example"})
	if err != nil {
		t.Fatalf("create second contact: %v", err)
	}
	list, err := st.Contacts(ctx, a.ws.ID, a.account.ID)
	if err != nil || len(list) != 2 || list[0].ID != zoe.ID || list[1].ID != a.contact.ID {
		t.Errorf("Contacts = %+v, %v; want Alex then Pat", list, err)
	}

	_, err = st.CreateContact(ctx, store.Contact{WorkspaceID: a.ws.ID, AccountID: a.account.ID, Name: "Pat again", Email: "PAT@Acme.Example"})
	wantErr(t, "duplicate contact email on one account (other case)", err, store.ErrConflict)
	if _, err := st.CreateContact(ctx, store.Contact{WorkspaceID: a.ws.ID, AccountID: other.ID, Name: "Pat", Email: "pat@acme.example"}); err != nil {
		t.Errorf("same email on another account: %v", err)
	}
	_, err = st.CreateContact(ctx, store.Contact{WorkspaceID: a.ws.ID, AccountID: newID(t), Name: "Nobody", Email: "n@x.example"})
	wantErr(t, "contact on an unknown account", err, store.ErrNotFound)
}

// TestNotFound checks every lookup by id answers ErrNotFound for an unknown id, a
// malformed one and another workspace's row, so handlers can answer 404.
func TestNotFound(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a, b := newTenant(t, st, "alpha"), newTenant(t, st, "beta")
	ob, _ := newOnboarding(t, st, a, a.account, "")
	crm := "crm-42"
	crmAccount := mustAccount(t, st, store.Account{WorkspaceID: a.ws.ID, Name: "Initech", ExternalID: &crm})

	lookups := map[string]func(ws, id string) error{
		"Workspace":           func(_, id string) error { _, err := st.Workspace(ctx, id); return err },
		"StaffUser":           func(ws, id string) error { _, err := st.StaffUser(ctx, ws, id); return err },
		"OnboardingDetail":    func(ws, id string) error { _, err := st.OnboardingDetail(ctx, ws, id); return err },
		"AccountByExternalID": func(ws, id string) error { _, err := st.AccountByExternalID(ctx, ws, id); return err },
		"Account":             func(ws, id string) error { _, err := st.Account(ctx, ws, id); return err },
		"Contact":             func(ws, id string) error { _, err := st.Contact(ctx, ws, id); return err },
		"Onboarding":          func(ws, id string) error { _, err := st.Onboarding(ctx, ws, id); return err },
		"PlanTemplate":        func(_, id string) error { _, err := st.PlanTemplate(ctx, id); return err },
	}
	ids := map[string]string{"unknown uuid": newID(t), "malformed uuid": "not-a-uuid", "empty id": ""}
	for name, lookup := range lookups {
		for what, id := range ids {
			wantErr(t, name+" with "+what, lookup(a.ws.ID, id), store.ErrNotFound)
		}
	}

	crossTenant := []struct {
		name string
		id   string
	}{{"Account", a.account.ID}, {"Contact", a.contact.ID}, {"Onboarding", ob.ID}, {"OnboardingDetail", ob.ID},
		{"StaffUser", a.csm.ID}, {"AccountByExternalID", *crmAccount.ExternalID}}
	for _, c := range crossTenant {
		if err := lookups[c.name](a.ws.ID, c.id); err != nil {
			t.Errorf("%s in its own workspace: %v", c.name, err)
		}
		wantErr(t, c.name+" from another workspace", lookups[c.name](b.ws.ID, c.id), store.ErrNotFound)
	}

	_, err := st.WorkspaceBySlug(ctx, "nope")
	wantErr(t, "WorkspaceBySlug unknown", err, store.ErrNotFound)
	_, err = st.StaffUserByEmail(ctx, "nobody@alpha.example")
	wantErr(t, "StaffUserByEmail unknown", err, store.ErrNotFound)
	if list, err := st.Contacts(ctx, b.ws.ID, a.account.ID); err != nil || len(list) != 0 {
		t.Errorf("Contacts of another workspace's account = %v, %v; want none", list, err)
	}
	if list, err := st.Onboardings(ctx, b.ws.ID, store.OnboardingFilter{}); err != nil || len(list) != 0 {
		t.Errorf("Onboardings of another workspace = %v, %v; want none", list, err)
	}
}
