// Package demo creates the demo data `onboard dev` shows a newcomer: a vendor
// workspace, a staff admin, an account with two contacts and one running onboarding.
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// Fixed demo identities; the password is for local development only.
const (
	WorkspaceSlug = "demo"
	AdminEmail    = "admin@northwind.example"
	AdminPassword = "onboard-dev"
	ContactEmail  = "dana@acme.example"
)

// Demo is what the dev banner prints.
type Demo struct {
	WorkspaceID  string
	APIKey       string
	SignInPath   string // a fresh one-time portal sign-in link for the demo contact
	OnboardingID string
}

// Ensure creates whatever demo data is missing (each step on its own, so a first run
// interrupted half-way is completed by the next) and, on every start, a fresh portal
// sign-in link. The API key is apiKey when given, else one kept in keyFile across restarts.
func Ensure(ctx context.Context, st *store.Store, eng *engine.Engine, apiKey, keyFile string) (Demo, error) {
	ws, err := ensureWorkspace(ctx, st)
	if err != nil {
		return Demo{}, fmt.Errorf("demo: %w", err)
	}
	acct, err := ensureAccount(ctx, st, ws)
	if err != nil {
		return Demo{}, fmt.Errorf("demo: %w", err)
	}
	d := Demo{WorkspaceID: ws.ID}
	if d.OnboardingID, err = ensureOnboarding(ctx, st, eng, acct); err != nil {
		return Demo{}, fmt.Errorf("demo: %w", err)
	}
	if d.APIKey, err = ensureAPIKey(ctx, st, ws.ID, apiKey, keyFile); err != nil {
		return Demo{}, err
	}
	if d.SignInPath, err = signInLink(ctx, st, acct); err != nil {
		return Demo{}, err
	}
	return d, nil
}

func ensureWorkspace(ctx context.Context, st *store.Store) (store.Workspace, error) {
	ws, err := st.WorkspaceBySlug(ctx, WorkspaceSlug)
	if errors.Is(err, store.ErrNotFound) {
		ws, err = st.CreateWorkspace(ctx, store.Workspace{Slug: WorkspaceSlug, Name: "Northwind Software", Timezone: "America/New_York",
			EmailFrom: "Northwind Software <onboarding@northwind.example>"})
	}
	return ws, err
}

// ensureAccount makes sure of the admin (the account's CSM), Acme Corp and its contacts.
func ensureAccount(ctx context.Context, st *store.Store, ws store.Workspace) (store.Account, error) {
	admin, err := st.StaffUserByEmail(ctx, AdminEmail)
	if errors.Is(err, store.ErrNotFound) {
		hash, hashErr := auth.HashPassword(AdminPassword)
		if hashErr != nil {
			return store.Account{}, hashErr
		}
		admin, err = st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: ws.ID, Email: AdminEmail, Name: "Avery Admin", Role: "admin", PasswordHash: hash})
	}
	if err != nil {
		return store.Account{}, err
	}
	acct, err := findOrCreateAccount(ctx, st, ws.ID, admin.ID)
	if err != nil {
		return acct, err
	}
	for _, c := range [][2]string{{"Dana Whitfield", ContactEmail}, {"Lee Okafor", "lee@acme.example"}} {
		_, err := st.CreateContact(ctx, store.Contact{WorkspaceID: ws.ID, AccountID: acct.ID, Name: c[0], Email: c[1]})
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return acct, err
		}
	}
	return acct, nil
}

const demoExternalID = "crm-0042"

func findOrCreateAccount(ctx context.Context, st *store.Store, workspaceID, csmID string) (store.Account, error) {
	a, err := st.AccountByExternalID(ctx, workspaceID, demoExternalID)
	if !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	ext := demoExternalID
	return st.CreateAccount(ctx, store.Account{WorkspaceID: workspaceID, Name: "Acme Corp", ExternalID: &ext,
		Timezone: "America/New_York", CSMID: &csmID})
}

func ensureOnboarding(ctx context.Context, st *store.Store, eng *engine.Engine, acct store.Account) (string, error) {
	list, err := st.OnboardingsForAccount(ctx, acct.WorkspaceID, acct.ID)
	if err != nil {
		return "", err
	}
	if len(list) > 0 {
		return list[0].ID, nil
	}
	o, err := eng.Start(ctx, engine.StartRequest{WorkspaceID: acct.WorkspaceID, AccountID: acct.ID, PlanKey: "standard-saas"})
	if err != nil {
		return "", err
	}
	return o.ID, progress(ctx, eng, o)
}

// progress completes the first vendor tasks so the demo does not start at zero.
func progress(ctx context.Context, eng *engine.Engine, o store.Onboarding) error {
	d, err := eng.Store.OnboardingDetail(ctx, o.WorkspaceID, o.ID)
	if err != nil {
		return err
	}
	done := 0
	for _, t := range d.Tasks {
		if done == 2 || len(t.DependsOn) > 0 || t.Owner != onboarding.OwnerVendor {
			continue
		}
		a := onboarding.TaskAction{RequestID: "demo:" + t.Key, TaskKey: t.Key, Action: onboarding.ActionComplete,
			Actor: "system:demo", ActorSide: onboarding.OwnerVendor}
		if _, err := eng.Act(ctx, o, a); err != nil {
			return err
		}
		done++
	}
	return nil
}

func ensureAPIKey(ctx context.Context, st *store.Store, workspaceID, key, keyFile string) (string, error) {
	if key == "" {
		if b, err := os.ReadFile(keyFile); err == nil {
			key = strings.TrimSpace(string(b))
		}
	}
	if key == "" {
		key, _ = auth.NewAPIKey()
	}
	if _, err := st.APIKeyByHash(ctx, auth.Hash(key)); err == nil {
		return key, nil
	}
	prefix := key[:min(len(key), 10)]
	_, err := st.CreateAPIKey(ctx, store.APIKey{WorkspaceID: workspaceID, Name: "dev", Prefix: prefix, Hash: auth.Hash(key)})
	if errors.Is(err, store.ErrConflict) {
		return "", fmt.Errorf("demo: that API key belongs to another workspace")
	}
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return "", err
	}
	return key, os.WriteFile(keyFile, []byte(key+"\n"), 0o600)
}

func signInLink(ctx context.Context, st *store.Store, acct store.Account) (string, error) {
	contacts, err := st.Contacts(ctx, acct.WorkspaceID, acct.ID)
	if err != nil || len(contacts) == 0 {
		return "", fmt.Errorf("demo: no contact: %v", err)
	}
	token := auth.NewToken()
	err = st.CreateMagicLink(ctx, store.MagicLink{TokenHash: auth.Hash(token), WorkspaceID: acct.WorkspaceID,
		ContactID: contacts[0].ID, Purpose: "signin", ExpiresAt: time.Now().Add(14 * 24 * time.Hour)})
	return "/portal/signin/" + token, err
}
