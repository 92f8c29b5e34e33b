package activities_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/resend/resend-go/v2"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// receiver is a webhook endpoint that records what it is sent and answers with the
// statuses it is given, in turn (200 once they run out).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) deliveries() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (f *fixture) endpoint(workspaceID, url string, events ...string) store.WebhookEndpoint {
	f.t.Helper()
	e, err := f.st.CreateWebhookEndpoint(context.Background(), store.WebhookEndpoint{WorkspaceID: workspaceID, URL: url,
		Secret: notify.NewWebhookSecret(), Events: events})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// The go-live reaches every endpoint of the workspace that asked for it, signed so that
// a Standard Webhooks verifier (Resend's, here) accepts it; endpoints that did not ask, or
// belong to another workspace, hear nothing.
func TestGoLiveIsDeliveredToWebhooks(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	wants, ignores, other := newReceiver(t), newReceiver(t), newReceiver(t)
	ep := f.endpoint(f.ws.ID, wants.URL+"/hooks", activities.WebhookWentLive, activities.WebhookCompleted)
	f.endpoint(f.ws.ID, ignores.URL, activities.WebhookCancelled)
	ws2, err := f.st.CreateWorkspace(ctx, store.Workspace{Slug: "other-" + uuid.NewString()[:8], Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	f.endpoint(ws2.ID, other.URL, activities.WebhookWentLive)
	if err := f.notify(f.goLive()); err != nil {
		t.Fatal(err)
	}
	got := wants.deliveries()
	if len(got) != 1 || len(ignores.deliveries()) != 0 || len(other.deliveries()) != 0 {
		t.Fatalf("deliveries: %d to the endpoint, %d to one that did not ask, %d to another workspace's",
			len(got), len(ignores.deliveries()), len(other.deliveries()))
	}
	h := got[0].header
	err = resend.NewClient("").Webhooks.Verify(&resend.VerifyWebhookOptions{Payload: string(got[0].body), WebhookSecret: ep.Secret,
		Headers: resend.WebhookHeaders{Id: h.Get("webhook-id"), Timestamp: h.Get("webhook-timestamp"), Signature: h.Get("webhook-signature")}})
	if err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	var body struct {
		Type string `json:"type"`
		Data struct {
			WorkspaceID string `json:"workspace_id"`
			Onboarding  struct {
				ID          string `json:"id"`
				AccountName string `json:"account_name"`
				URL         string `json:"url"`
			} `json:"onboarding"`
		} `json:"data"`
	}
	if err := json.Unmarshal(got[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "onboarding.went_live" || body.Data.WorkspaceID != f.ws.ID || body.Data.Onboarding.ID != f.onboarding.ID ||
		body.Data.Onboarding.AccountName != "Acme" || body.Data.Onboarding.URL != "https://onboard.example/staff/onboardings/"+f.onboarding.ID {
		t.Errorf("payload: %s", got[0].body)
	}
	// Delivered once: a retried activity does not post it again.
	if err := f.notify(f.goLive()); err != nil || len(wants.deliveries()) != 1 {
		t.Errorf("after a retry: %v, %d deliveries", err, len(wants.deliveries()))
	}
}

// An endpoint that fails is retried with the same event id until it answers 2xx; one
// that answers 410 Gone is given up on.
func TestWebhookDeliveryRetriesAndGivesUp(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	flaky, gone := newReceiver(t, http.StatusInternalServerError), newReceiver(t, http.StatusGone)
	f.endpoint(f.ws.ID, flaky.URL, activities.WebhookCancelled)
	f.endpoint(f.ws.ID, gone.URL, activities.WebhookCancelled)
	o, st := f.newOnboardingOf(onboarding.Plan{Key: "p", Name: "P", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{{Key: "t", Title: "Task", Owner: onboarding.OwnerVendor, Type: onboarding.TypeCustom, Required: true}}}}})
	in := activities.NotifyInput{Key: "webhook:" + o.ID + ":onboarding.cancelled", Kind: notify.KindWebhook,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Event: activities.WebhookCancelled, Reason: "customer churned"}
	if err := f.notify(in); err == nil {
		t.Fatal("a failed delivery did not ask for a retry")
	}
	// The onboarding changes before the retry: the retry still posts what was first sent.
	if _, err := st.Apply(onboarding.TaskAction{RequestID: "x", TaskKey: "t", Action: onboarding.ActionComplete, Actor: "staff:x"},
		time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.notify(in); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	got := flaky.deliveries()
	if len(got) != 2 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") || got[0].header.Get("webhook-id") == "" {
		t.Fatalf("flaky endpoint: %d deliveries, ids %q", len(got), []string{got[0].header.Get("webhook-id")})
	}
	if string(got[0].body) != string(got[1].body) {
		t.Errorf("the retry's body differs:\n%s\n%s", got[0].body, got[1].body)
	}
	var body struct {
		Data struct {
			Reason string `json:"reason"`
		} `json:"data"`
	}
	_ = json.Unmarshal(got[1].body, &body)
	if body.Data.Reason != "customer churned" {
		t.Errorf("cancellation payload without its reason: %s", got[1].body)
	}
	if n := len(gone.deliveries()); n != 1 {
		t.Errorf("an endpoint that answered 410 was tried %d times", n)
	}
	log, err := f.st.WebhookDeliveries(ctx, f.ws.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, n := range log {
		status[n.Recipient] = n.Status
	}
	if status[flaky.URL] != store.NotificationSent || status[gone.URL] != store.NotificationFailed {
		t.Errorf("delivery log: %v", status)
	}
}

// Without private networks allowed, a delivery that would connect to this machine (an
// endpoint stored earlier, or a name that resolves inward) is refused for good, not
// retried, and not sent.
func TestWebhookToAPrivateAddressIsRefused(t *testing.T) {
	f := newFixture(t, "")
	f.acts.Notifier.Webhooks.AllowPrivate = false
	inner := newReceiver(t)
	f.endpoint(f.ws.ID, inner.URL, activities.WebhookWentLive)
	f.endpoint(f.ws.ID, strings.Replace(inner.URL, "127.0.0.1", "localhost", 1), activities.WebhookWentLive)
	if err := f.notify(f.goLive()); err != nil {
		t.Fatalf("a refused delivery asked for a retry: %v", err)
	}
	if n := len(inner.deliveries()); n != 0 {
		t.Errorf("%d deliveries reached a private address", n)
	}
	log, err := f.st.WebhookDeliveries(context.Background(), f.ws.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range log {
		if n.Status != store.NotificationFailed || !strings.Contains(n.Error, "not a public one") {
			t.Errorf("delivery to %s: %s %q", n.Recipient, n.Status, n.Error)
		}
	}
	if len(log) != 2 {
		t.Errorf("%d deliveries logged, want 2", len(log))
	}
}
