package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/notify/notifytest"
	"github.com/onboard-oss/onboard/internal/store"
)

// outboxMail is an email as /dev/mail.json shows it.
type outboxMail struct {
	ID      int64    `json:"id"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Subject string   `json:"subject"`
	HTML    string   `json:"html"`
	Text    string   `json:"text"`
	Links   []string `json:"links"`
}

// outbox reads /dev/mail.json.
func (h *harness) outbox() []outboxMail {
	h.t.Helper()
	res, err := http.Get(h.server.URL + "/dev/mail.json")
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	var list []outboxMail
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != 200 {
		h.t.Fatalf("/dev/mail.json: %d %v", res.StatusCode, err)
	}
	return list
}

// waitForMail waits until the outbox holds n emails to an address, and returns them,
// newest first.
func (h *harness) waitForMail(to string, n int) []outboxMail {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var mine []outboxMail
		for _, m := range h.outbox() {
			if m.To == to {
				mine = append(mine, m)
			}
		}
		if len(mine) >= n {
			return mine
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d emails to %s after 30s, want %d", len(mine), to, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func signInLink(t *testing.T, m outboxMail) string {
	t.Helper()
	for _, l := range m.Links {
		if strings.Contains(l, "/portal/signin/") {
			return l
		}
	}
	t.Fatalf("email %q has no sign-in link: %v", m.Subject, m.Links)
	return ""
}

func (h *harness) newContact(tn tenant, name, email string) string {
	h.t.Helper()
	r := h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, map[string]any{"name": name, "email": email}).expect(h.t, 201)
	return r.body["id"].(string)
}

func TestInviteEmailSignsTheContactIn(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.newContact(tn, "Dana Whitfield", "dana@acme.example")

	r := h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil).expect(t, 202)
	if r.body["status"] != "queued" || r.body["email"] != "dana@acme.example" {
		t.Fatalf("invite answer: %s", r.raw)
	}
	m := h.waitForMail("dana@acme.example", 1)[0]
	if !strings.Contains(m.Subject, "acme invited you") || !strings.Contains(m.Text, "Hi Dana,") ||
		!strings.Contains(m.HTML, "Open your onboarding portal") || !strings.Contains(m.Text, "14 days") {
		t.Errorf("invite email: %q\n%s", m.Subject, m.Text)
	}
	first := signInLink(t, m)
	if !strings.HasPrefix(first, h.server.URL+"/portal/signin/") {
		t.Errorf("link %s is not on the app's base URL %s", first, h.server.URL)
	}

	// The link signs in: GET shows Continue, POST spends it.
	c := browserless(t)
	status, page, _ := fetch(t, c, "GET", first, nil)
	if status != 200 || !strings.Contains(page, "Dana Whitfield") {
		t.Fatalf("GET invite link: %d", status)
	}
	if status, _, loc := fetch(t, c, "POST", first, url.Values{"csrf_token": {csrfOf(t, page)}}); status != 303 || loc != "/portal" {
		t.Fatalf("POST invite link: %d -> %q", status, loc)
	}

	// A second invite replaces the first link, unused or not.
	h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil).expect(t, 202)
	h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil).expect(t, 202)
	mails := h.waitForMail("dana@acme.example", 3)
	second, third := signInLink(t, mails[1]), signInLink(t, mails[0])
	if second == first || third == second {
		t.Fatal("invites share a link")
	}
	if status, _, _ := fetch(t, browserless(t), "GET", second, nil); status != 404 {
		t.Errorf("an invite link replaced by a newer invite: %d, want 404", status)
	}
	if status, _, _ := fetch(t, browserless(t), "GET", third, nil); status != 200 {
		t.Errorf("the newest invite link: %d, want 200", status)
	}
}

func TestInviteIsSentOncePerIdempotencyKey(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.newContact(tn, "Lee Okafor", "lee@acme.example")
	for range 3 {
		h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil, "Idempotency-Key", "invite-lee-1").expect(t, 202)
	}
	h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil, "Idempotency-Key", "invite-lee-2").expect(t, 202)
	h.waitForMail("lee@acme.example", 2)
	time.Sleep(time.Second) // a third would have arrived by now
	if n := len(h.waitForMail("lee@acme.example", 2)); n != 2 {
		t.Fatalf("%d emails for two idempotency keys, want 2", n)
	}
}

func TestInviteErrorsAndTenantIsolation(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	theirs := h.newContact(other, "Peter Gibbons", "peter@initech.example")
	for _, id := range []string{theirs, "00000000-0000-4000-8000-000000000000", "not-a-uuid", strings.ToUpper(theirs)} {
		if r := h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil); r.status != 404 || r.errorCode() != "not_found" {
			t.Errorf("invite contact %s from another workspace: %d %s", id, r.status, r.raw)
		}
	}
	if r := h.call("POST", "/api/v1/contacts/"+theirs+"/invite", "", nil); r.status != 401 {
		t.Errorf("invite without a key: %d", r.status)
	}
	if r := h.call("POST", "/api/v1/contacts/"+theirs+"/invite", other.key, nil, "Idempotency-Key", strings.Repeat("k", 201)); r.status != 400 {
		t.Errorf("a 201-character Idempotency-Key: %d", r.status)
	}
	ctx := context.Background()
	if _, err := h.store.SetContactEmailStatus(ctx, other.workspace.ID, "peter@initech.example", store.EmailBounced); err != nil {
		t.Fatal(err)
	}
	if r := h.call("POST", "/api/v1/contacts/"+theirs+"/invite", other.key, nil); r.status != 409 || r.errorCode() != "email_undeliverable" {
		t.Errorf("invite to a bounced address: %d %s", r.status, r.raw)
	}
	time.Sleep(500 * time.Millisecond)
	for _, m := range h.outbox() {
		if m.To == "peter@initech.example" {
			t.Errorf("an email went to Peter: %q", m.Subject)
		}
	}
}

func TestDevMailExistsOnlyInDev(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, production: true})
	for _, path := range []string{"/dev/mail", "/dev/mail.json", "/dev/mail/1"} {
		res, err := http.Get(h.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("%s outside dev: %d, want 404", path, res.StatusCode)
		}
	}
	if res, _ := http.Post(h.server.URL+"/webhooks/resend", "application/json", strings.NewReader("{}")); res.StatusCode != 404 {
		t.Errorf("/webhooks/resend without RESEND_WEBHOOK_SECRET: %d, want 404", res.StatusCode)
	}
}

func TestDevMailPage(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.newContact(tn, "Dana Whitfield", "dana@acme.example")
	h.call("POST", "/api/v1/contacts/"+id+"/invite", tn.key, nil).expect(t, 202)
	m := h.waitForMail("dana@acme.example", 1)[0]
	status, page, _ := fetch(t, browserless(t), "GET", h.server.URL+"/dev/mail", nil)
	if status != 200 || !strings.Contains(page, "acme invited you") || !strings.Contains(page, "dana@acme.example") {
		t.Fatalf("/dev/mail: %d", status)
	}
	status, body, _ := fetch(t, browserless(t), "GET", h.server.URL+"/dev/mail/"+strconv.FormatInt(m.ID, 10), nil)
	if status != 200 || body != m.HTML {
		t.Fatalf("/dev/mail/%d: %d", m.ID, status)
	}
	for _, id := range []string{"999999", "x", "-1"} {
		if status, _, _ := fetch(t, browserless(t), "GET", h.server.URL+"/dev/mail/"+id, nil); status != 404 {
			t.Errorf("/dev/mail/%s: %d, want 404", id, status)
		}
	}
}

// postWebhook sends a signed Resend webhook.
func (h *harness) postWebhook(id string, at time.Time, body []byte, secret string) response {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.server.URL+"/webhooks/resend", bytes.NewReader(body))
	for k, v := range notifytest.SignResendWebhook(secret, id, at, body) {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	r := response{status: res.StatusCode}
	_ = json.NewDecoder(res.Body).Decode(&r.body)
	return r
}

func TestBounceStopsEmailAndTellsTheCSM(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	ctx := context.Background()
	csm, err := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.workspace.ID, Email: "casey@vendor.example", Name: "Casey Lin", Role: "csm"})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := h.store.CreateAccount(ctx, store.Account{WorkspaceID: tn.workspace.ID, Name: "Globex", CSMID: &csm.ID})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := h.store.CreateContact(ctx, store.Contact{WorkspaceID: tn.workspace.ID, AccountID: acct.ID, Name: "Hank Scorpio", Email: "hank@globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	// An email Resend sent, as the notification log records it.
	n := store.Notification{WorkspaceID: tn.workspace.ID, AccountID: &acct.ID, Key: "invite:x/contact:" + ct.ID + "/email",
		Channel: store.ChannelEmail, Template: "invite", Recipient: ct.Email}
	if _, err := h.store.BeginNotification(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := h.store.FinishNotification(ctx, n.Key, store.NotificationSent, "resend", "re_bounce_1", ""); err != nil {
		t.Fatal(err)
	}
	body := notifytest.ResendEvent(notify.EventBounced, "re_bounce_1", "Hank@Globex.example")
	// A transient bounce (a full mailbox) stops nothing.
	soft := []byte(strings.Replace(string(body), `"Permanent"`, `"Transient"`, 1))
	if r := h.postWebhook("msg_0", time.Now(), soft, notifytest.ResendWebhookSecret); r.status != 200 {
		t.Fatalf("a transient bounce: %d", r.status)
	}
	if got, _ := h.store.Contact(ctx, tn.workspace.ID, ct.ID); got.EmailStatus != store.EmailOK {
		t.Fatalf("a transient bounce marked the address %s", got.EmailStatus)
	}

	if r := h.postWebhook("msg_1", time.Now(), body, "whsec_"+"b3RoZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz"); r.status != 401 {
		t.Fatalf("a webhook signed with another secret: %d", r.status)
	}
	if got, _ := h.store.Contact(ctx, tn.workspace.ID, ct.ID); got.EmailStatus != store.EmailOK {
		t.Fatalf("a refused webhook changed the contact: %s", got.EmailStatus)
	}
	if r := h.postWebhook("msg_1", time.Now(), body, notifytest.ResendWebhookSecret); r.status != 200 || r.body["replayed"] != false {
		t.Fatalf("a good webhook: %d %v", r.status, r.body)
	}
	if got, _ := h.store.Contact(ctx, tn.workspace.ID, ct.ID); got.EmailStatus != store.EmailBounced {
		t.Fatalf("contact after a bounce: %s", got.EmailStatus)
	}
	esc := h.waitForMail("casey@vendor.example", 1)[0]
	if !strings.Contains(esc.Subject, "Needs you: Globex") || !strings.Contains(esc.Text, "hank@globex.example") {
		t.Errorf("CSM's email: %q\n%s", esc.Subject, esc.Text)
	}
	if r := h.postWebhook("msg_1", time.Now(), body, notifytest.ResendWebhookSecret); r.status != 200 || r.body["replayed"] != true {
		t.Fatalf("a replayed webhook: %d %v", r.status, r.body)
	}
	// No more email to the address: an invite is refused, and nothing more reached the CSM.
	if r := h.call("POST", "/api/v1/contacts/"+ct.ID+"/invite", tn.key, nil); r.status != 409 {
		t.Errorf("invite after the bounce: %d", r.status)
	}
	time.Sleep(time.Second)
	if n := len(h.waitForMail("casey@vendor.example", 1)); n != 1 {
		t.Errorf("the CSM got %d emails about one bounce", n)
	}
}

func TestSignInLinkByEmail(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	h.newContact(tn, "Dana Whitfield", "dana@acme.example")
	c := browserless(t)
	_, page, _ := fetch(t, c, "GET", h.server.URL+"/portal/sign-in", nil)
	token := csrfOf(t, page)
	ask := func(email string) (int, string) {
		status, page, _ := fetch(t, c, "POST", h.server.URL+"/portal/sign-in", url.Values{"csrf_token": {token}, "email": {email}})
		return status, page
	}
	known, knownPage := ask("Dana@Acme.example")
	unknown, unknownPage := ask("nobody@acme.example")
	if known != 200 || unknown != 200 || !strings.Contains(knownPage, "a sign-in link is on its way") ||
		strings.ReplaceAll(knownPage, "dana@acme.example", "X") != strings.ReplaceAll(unknownPage, "nobody@acme.example", "X") {
		t.Fatalf("known %d and unknown %d addresses answer differently", known, unknown)
	}
	m := h.waitForMail("dana@acme.example", 1)[0]
	if !strings.Contains(m.Subject, "sign-in link") || !strings.Contains(m.Text, "30 minutes") {
		t.Errorf("sign-in email: %q\n%s", m.Subject, m.Text)
	}
	link := signInLink(t, m)
	other := browserless(t)
	status, page, _ := fetch(t, other, "GET", link, nil)
	if status != 200 {
		t.Fatalf("GET the emailed link: %d", status)
	}
	if status, _, loc := fetch(t, other, "POST", link, url.Values{"csrf_token": {csrfOf(t, page)}}); status != 303 || loc != "/portal" {
		t.Fatalf("POST the emailed link: %d %q", status, loc)
	}
	// A spent link offers a new one.
	if _, page, _ := fetch(t, browserless(t), "GET", link, nil); !strings.Contains(page, `action="/portal/sign-in"`) {
		t.Error("a spent link's page does not offer a new link")
	}
	if status, _ := ask("not an address"); status != 400 {
		t.Errorf("a malformed address: %d", status)
	}
	limited := false
	for i := 0; i < 5 && !limited; i++ {
		status, _ := ask("dana@acme.example")
		limited = status == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("six links in a row to one address were never limited")
	}
	time.Sleep(500 * time.Millisecond)
	for _, m := range h.outbox() {
		if m.To == "nobody@acme.example" {
			t.Error("an email went to an unknown address")
		}
	}
}
