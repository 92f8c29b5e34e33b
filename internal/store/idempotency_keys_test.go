package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestIdempotencyKeyClaims(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	fp, lease := []byte("request-1"), 30*time.Second
	if _, claimed, err := st.ClaimIdempotencyKey(ctx, a.ws.ID, "k", "claim-1", fp, lease); err != nil || !claimed {
		t.Fatalf("first claim: %v %v", claimed, err)
	}
	first, claimed, err := st.ClaimIdempotencyKey(ctx, a.ws.ID, "k", "claim-2", fp, lease)
	if err != nil || claimed || first.Status != nil || first.Claim != "claim-1" {
		t.Fatalf("a second claim while the first runs: claimed=%v %+v %v", claimed, first, err)
	}
	// A claim whose holder died is free again after the lease.
	if _, err := st.DB().ExecContext(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '31 seconds'`); err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := st.ClaimIdempotencyKey(ctx, a.ws.ID, "k", "claim-3", fp, lease); err != nil || !claimed {
		t.Fatalf("claim after the lease: %v %v", claimed, err)
	}
	// The dead holder can neither complete nor release the new claim.
	if err := st.CompleteIdempotencyKey(ctx, a.ws.ID, "k", "claim-1", 201, "application/json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := st.ReleaseIdempotencyKey(ctx, a.ws.ID, "k", "claim-1"); err != nil {
		t.Fatal(err)
	}
	got, claimed, _ := st.ClaimIdempotencyKey(ctx, a.ws.ID, "k", "claim-4", fp, lease)
	if claimed || got.Claim != "claim-3" || got.Status != nil {
		t.Fatalf("after a stale holder's calls: claimed=%v %+v", claimed, got)
	}
	if err := st.CompleteIdempotencyKey(ctx, a.ws.ID, "k", "claim-3", 201, "application/json", []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	// An answered key is kept past the lease, for a day.
	if _, err := st.DB().ExecContext(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '3 hours'`); err != nil {
		t.Fatal(err)
	}
	got, claimed, _ = st.ClaimIdempotencyKey(ctx, a.ws.ID, "k", "claim-5", fp, lease)
	if claimed || got.Status == nil || *got.Status != 201 || string(got.Response) != `{"id":1}` {
		t.Fatalf("an answered key after three hours: claimed=%v %+v", claimed, got)
	}
	// Keys are per workspace.
	b := newTenant(t, st, "beta")
	if _, claimed, _ := st.ClaimIdempotencyKey(ctx, b.ws.ID, "k", "claim-6", fp, lease); !claimed {
		t.Fatal("another workspace's same key was not its own")
	}
}
