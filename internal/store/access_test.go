package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestAPIKeys(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	key, err := st.CreateAPIKey(ctx, store.APIKey{WorkspaceID: a.ws.ID, Name: "CRM sync", Prefix: "ob_abc", Hash: hash("secret")})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if key.ID == "" || key.LastUsedAt != nil || key.RevokedAt != nil {
		t.Errorf("created key = %+v, want an id and no use or revocation", key)
	}

	got, err := st.APIKeyByHash(ctx, hash("secret"))
	if err != nil || got.ID != key.ID || got.WorkspaceID != a.ws.ID || got.Prefix != "ob_abc" {
		t.Fatalf("APIKeyByHash = %+v, %v; want %s", got, err, key.ID)
	}
	if again, err := st.APIKeyByHash(ctx, hash("secret")); err != nil || again.LastUsedAt == nil {
		t.Errorf("second lookup = %+v, %v; want last_used_at set by the first", again, err)
	}

	_, err = st.APIKeyByHash(ctx, hash("wrong"))
	wantErr(t, "unknown key", err, store.ErrNotFound)
	_, err = st.CreateAPIKey(ctx, store.APIKey{WorkspaceID: a.ws.ID, Name: "copy", Prefix: "ob_abc", Hash: hash("secret")})
	wantErr(t, "same hash twice", err, store.ErrConflict)

	if _, err := st.DB().ExecContext(ctx, `UPDATE api_keys SET revoked_at = now() WHERE id = $1`, key.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.APIKeyByHash(ctx, hash("secret"))
	wantErr(t, "revoked key", err, store.ErrNotFound)
}

func TestSessions(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)

	sessions := map[string]store.Session{
		"staff":   {IDHash: hash("staff-session"), WorkspaceID: a.ws.ID, StaffUserID: &a.csm.ID, CSRFToken: "csrf-1", ExpiresAt: expires},
		"contact": {IDHash: hash("contact-session"), WorkspaceID: a.ws.ID, ContactID: &a.contact.ID, CSRFToken: "csrf-2", ExpiresAt: expires},
	}
	for name, se := range sessions {
		t.Run(name, func(t *testing.T) {
			if err := st.CreateSession(ctx, se); err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := st.Session(ctx, se.IDHash, time.Hour)
			if err != nil {
				t.Fatalf("Session: %v", err)
			}
			if got.WorkspaceID != se.WorkspaceID || got.CSRFToken != se.CSRFToken || !got.ExpiresAt.Equal(expires) ||
				!samePtr(got.StaffUserID, se.StaffUserID) || !samePtr(got.ContactID, se.ContactID) {
				t.Errorf("Session = %+v, want %+v", got, se)
			}
			if err := st.DeleteSession(ctx, se.IDHash); err != nil {
				t.Fatalf("DeleteSession: %v", err)
			}
			_, err = st.Session(ctx, se.IDHash, time.Hour)
			wantErr(t, "deleted session", err, store.ErrNotFound)
		})
	}

	expired := store.Session{IDHash: hash("old"), WorkspaceID: a.ws.ID, StaffUserID: &a.csm.ID, CSRFToken: "x",
		ExpiresAt: time.Now().Add(-time.Minute)}
	if err := st.CreateSession(ctx, expired); err != nil {
		t.Fatal(err)
	}
	_, err := st.Session(ctx, expired.IDHash, time.Hour)
	wantErr(t, "expired session", err, store.ErrNotFound)
	_, err = st.Session(ctx, hash("never"), time.Hour)
	wantErr(t, "unknown session", err, store.ErrNotFound)
}

func TestMagicLinks(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	link := func(token string, ttl time.Duration) []byte {
		t.Helper()
		m := store.MagicLink{TokenHash: hash(token), WorkspaceID: a.ws.ID, ContactID: a.contact.ID, Purpose: "invite",
			ExpiresAt: time.Now().Add(ttl)}
		if err := st.CreateMagicLink(ctx, m); err != nil {
			t.Fatalf("create magic link: %v", err)
		}
		return m.TokenHash
	}

	h := link("invite-token", 14*24*time.Hour)
	// Looking (a GET, or an email scanner) never spends the link.
	for range 2 {
		if m, err := st.MagicLink(ctx, h); err != nil || m.ContactID != a.contact.ID || m.UsedAt != nil {
			t.Fatalf("MagicLink = %+v, %v; want the unused link", m, err)
		}
	}
	m, err := st.SpendMagicLink(ctx, h)
	if err != nil || m.ContactID != a.contact.ID || m.WorkspaceID != a.ws.ID || m.Purpose != "invite" || m.UsedAt == nil {
		t.Fatalf("SpendMagicLink = %+v, %v; want the link, marked used", m, err)
	}
	_, err = st.SpendMagicLink(ctx, h)
	wantErr(t, "second spend", err, store.ErrNotFound)
	_, err = st.MagicLink(ctx, h)
	wantErr(t, "look at a spent link", err, store.ErrNotFound)

	old := link("old-token", -time.Second)
	_, err = st.MagicLink(ctx, old)
	wantErr(t, "look at an expired link", err, store.ErrNotFound)
	_, err = st.SpendMagicLink(ctx, old)
	wantErr(t, "spend an expired link", err, store.ErrNotFound)

	err = st.CreateMagicLink(ctx, store.MagicLink{TokenHash: hash("invite-token"), WorkspaceID: a.ws.ID,
		ContactID: a.contact.ID, Purpose: "signin", ExpiresAt: time.Now().Add(time.Hour)})
	wantErr(t, "same token twice", err, store.ErrConflict)
}

func TestSpendMagicLinkConcurrently(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	h := hash("race")
	if err := st.CreateMagicLink(ctx, store.MagicLink{TokenHash: h, WorkspaceID: a.ws.ID, ContactID: a.contact.ID,
		Purpose: "signin", ExpiresAt: time.Now().Add(15 * time.Minute)}); err != nil {
		t.Fatal(err)
	}

	const n = 10
	var wg sync.WaitGroup
	results := make(chan error, n)
	ready := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			_, err := st.SpendMagicLink(ctx, h)
			results <- err
		}()
	}
	close(ready)
	wg.Wait()
	close(results)
	spent := 0
	for err := range results {
		switch {
		case err == nil:
			spent++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("concurrent spend: %v", err)
		}
	}
	if spent != 1 {
		t.Errorf("%d of %d concurrent spends succeeded, want exactly 1", spent, n)
	}
}

func samePtr(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func TestDeleteExpired(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	a := newTenant(t, st, "alpha")
	long := time.Now().Add(-48 * time.Hour)
	live := time.Now().Add(time.Hour)
	for _, exp := range []time.Time{long, live} {
		if err := st.CreateSession(ctx, store.Session{IDHash: auth.Hash(auth.NewToken()), WorkspaceID: a.ws.ID,
			ContactID: &a.contact.ID, CSRFToken: "x", ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateMagicLink(ctx, store.MagicLink{TokenHash: auth.Hash(auth.NewToken()), WorkspaceID: a.ws.ID,
			ContactID: a.contact.ID, Purpose: "signin", ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.DeleteExpired(ctx)
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpired = %d, %v; want the 2 long-expired rows", n, err)
	}
	if n, _ := st.DeleteExpired(ctx); n != 0 {
		t.Fatalf("second sweep deleted %d", n)
	}
}
