package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

// The database itself refuses rows that point into another workspace, whatever a
// caller forgets to check.
func TestCrossWorkspaceReferencesAreRefused(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	a, b := newTenant(t, st, "alpha"), newTenant(t, st, "beta")
	later := time.Now().Add(time.Hour)

	_, err := st.CreateContact(ctx, store.Contact{WorkspaceID: b.ws.ID, AccountID: a.account.ID, Name: "Eve", Email: "eve@x.example"})
	wantErr(t, "contact on another workspace's account", err, store.ErrNotFound)

	_, err = st.CreateAccount(ctx, store.Account{WorkspaceID: b.ws.ID, Name: "Evil", CSMID: &a.csm.ID})
	wantErr(t, "account whose CSM is in another workspace", err, store.ErrNotFound)

	err = st.CreateMagicLink(ctx, store.MagicLink{TokenHash: auth.Hash(auth.NewToken()), WorkspaceID: b.ws.ID,
		ContactID: a.contact.ID, Purpose: "signin", ExpiresAt: later})
	wantErr(t, "magic link for another workspace's contact", err, store.ErrNotFound)

	if err := st.CreateSession(ctx, store.Session{IDHash: auth.Hash(auth.NewToken()), WorkspaceID: b.ws.ID,
		ContactID: &a.contact.ID, CSRFToken: "x", ExpiresAt: later}); err == nil {
		t.Error("session for another workspace's contact: accepted")
	}
	if err := st.CreateSession(ctx, store.Session{IDHash: auth.Hash(auth.NewToken()), WorkspaceID: b.ws.ID,
		StaffUserID: &a.csm.ID, CSRFToken: "x", ExpiresAt: later}); err == nil {
		t.Error("session for another workspace's staff user: accepted")
	}
	o, s0 := onboardingFor(t, st, b, a.account)
	if err := st.CreateOnboarding(ctx, o, store.NewSnapshot(&s0)); err == nil {
		t.Error("onboarding in beta of alpha's account: accepted")
	}
}

func TestDeletingACSMClearsTheirAccounts(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	a := newTenant(t, st, "alpha")
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM staff_users WHERE id = $1`, a.csm.ID); err != nil {
		t.Fatalf("deleting a staff user who is an account's CSM: %v", err)
	}
	acct, err := st.Account(ctx, a.ws.ID, a.account.ID)
	if err != nil || acct.CSMID != nil {
		t.Fatalf("account after its CSM left: csm %v, %v", acct.CSMID, err)
	}
}

func TestUnversionedAuditEventsAreRecordedOnce(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	a := newTenant(t, st, "alpha")
	ob, _ := newOnboarding(t, st, a, a.account, "")
	rid := "req-late"
	e := store.AuditEvent{WorkspaceID: a.ws.ID, OnboardingID: &ob.ID, Actor: "api-key:1",
		Action: "task.complete.rejected", Subject: "kickoff", RequestID: &rid}
	for i := 0; i < 3; i++ { // a local activity retried after its commit
		if err := st.RecordAuditEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	events, err := st.AuditEvents(ctx, a.ws.ID, ob.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("events = %d, %v; want 1", len(events), err)
	}
}
