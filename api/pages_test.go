package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

// browserless is a cookie-keeping HTTP client that does not follow redirects.
func browserless(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf token in page:\n%s", page)
	}
	return m[1]
}

// formToken returns a valid pre-sign-in form token for the client, from a sign-in form.
func formToken(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	_, page, _ := fetch(t, c, "GET", base+"/staff/login", nil)
	return csrfOf(t, page)
}

// magicLink creates a one-time sign-in link for a new contact of account.
func (h *harness) magicLink(ws, account, email string, ttl time.Duration) string {
	h.t.Helper()
	ctx := context.Background()
	c, err := h.store.CreateContact(ctx, store.Contact{WorkspaceID: ws, AccountID: account, Name: "Contact " + email, Email: email})
	if err != nil {
		h.t.Fatal(err)
	}
	token := auth.NewToken()
	if err := h.store.CreateMagicLink(ctx, store.MagicLink{TokenHash: auth.Hash(token), WorkspaceID: ws, ContactID: c.ID,
		Purpose: "signin", ExpiresAt: time.Now().Add(ttl)}); err != nil {
		h.t.Fatal(err)
	}
	return "/portal/signin/" + token
}

func TestMagicLinkSignIn(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	h.createOnboarding(tn, "standard-saas")
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "dana@acme.example", time.Hour)
	c := browserless(t)

	// Scanners open links: GETs never spend the token.
	for i := 0; i < 3; i++ {
		if status, page, _ := fetch(t, c, "GET", h.server.URL+link, nil); status != 200 || !strings.Contains(page, "Continue") {
			t.Fatalf("GET %d: %d", i, status)
		}
	}
	_, page, _ := fetch(t, c, "GET", h.server.URL+link, nil)
	token := csrfOf(t, page)
	if status, _, _ := fetch(t, c, "POST", h.server.URL+link, url.Values{}); status != 403 {
		t.Fatalf("POST without CSRF token: %d, want 403", status)
	}
	if status, _, _ := fetch(t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {"forged"}}); status != 403 {
		t.Fatalf("POST with a forged CSRF token: %d, want 403", status)
	}
	status, _, loc := fetch(t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {token}})
	if status != 303 || loc != "/portal" {
		t.Fatalf("POST: %d -> %q", status, loc)
	}
	if status, page, _ := fetch(t, c, "GET", h.server.URL+"/portal", nil); status != 200 || !strings.Contains(page, "acme Customer onboarding") {
		t.Fatalf("portal after sign-in: %d", status)
	}
	// Spent: a second POST (another browser) gets nowhere.
	other := browserless(t)
	_, page, _ = fetch(t, other, "GET", h.server.URL+link, nil)
	if !strings.Contains(page, "expired") {
		t.Fatal("a spent link still offers to sign in")
	}
	if status, _, _ := fetch(t, other, "POST", h.server.URL+link, url.Values{"csrf_token": {formToken(t, other, h.server.URL)}}); status != 404 {
		t.Fatalf("second POST: %d, want 404", status)
	}
	if status, _, loc := fetch(t, other, "GET", h.server.URL+"/portal", nil); status != 303 || loc != "/portal/signed-out" {
		t.Fatalf("portal without a session: %d -> %q", status, loc)
	}
	// Signing out ends the session.
	_, page, _ = fetch(t, c, "GET", h.server.URL+"/portal", nil)
	if status, _, _ := fetch(t, c, "POST", h.server.URL+"/portal/signout", url.Values{"csrf_token": {csrfOf(t, page)}}); status != 303 {
		t.Fatalf("sign out: %d", status)
	}
	if status, _, _ := fetch(t, c, "GET", h.server.URL+"/portal", nil); status != 303 {
		t.Fatalf("portal after sign-out: %d, want a redirect", status)
	}
}

func TestExpiredAndUnknownLinks(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	expired := h.magicLink(tn.workspace.ID, tn.account.ID, "old@acme.example", -time.Minute)
	for _, link := range []string{expired, "/portal/signin/nonsense"} {
		status, page, _ := fetch(t, browserless(t), "GET", h.server.URL+link, nil)
		if status != 404 || !strings.Contains(page, "expired") {
			t.Errorf("%s: %d", link, status)
		}
	}
}

func TestPortalShowsOnlyTheContactsAccount(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	h.createOnboarding(tn, "standard-saas")
	// A second account in the same workspace, and a third in another workspace.
	other, err := h.store.CreateAccount(context.Background(), store.Account{WorkspaceID: tn.workspace.ID, Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": other.ID, "plan": "enterprise"}).expect(t, 201)
	foreign := h.newTenant("initech")
	h.createOnboarding(foreign, "standard-saas")

	c := browserless(t)
	link := h.magicLink(tn.workspace.ID, other.ID, "g@globex.example", time.Hour)
	_, page, _ := fetch(t, c, "GET", h.server.URL+link, nil)
	fetch(t, c, "POST", h.server.URL+link, url.Values{"csrf_token": {csrfOf(t, page)}})
	status, page, _ := fetch(t, c, "GET", h.server.URL+"/portal", nil)
	if status != 200 || !strings.Contains(page, "Globex onboarding") {
		t.Fatalf("portal: %d", status)
	}
	if strings.Contains(page, "acme Customer") || strings.Contains(page, "initech") {
		t.Fatal("the portal shows another account's onboarding")
	}
	// A contact's session is no staff session.
	if status, _, loc := fetch(t, c, "GET", h.server.URL+"/staff", nil); status != 303 || loc != "/staff/login" {
		t.Fatalf("contact on /staff: %d -> %q", status, loc)
	}
}

func TestStaffSeesOnlyTheirWorkspace(t *testing.T) {
	h := newHarness(t)
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	mine := h.createOnboarding(tn, "standard-saas")["id"].(string)
	theirs := h.createOnboarding(other, "standard-saas")["id"].(string)
	hash, _ := auth.HashPassword("a long password")
	if _, err := h.store.CreateStaffUser(context.Background(), store.StaffUser{WorkspaceID: tn.workspace.ID,
		Email: "csm@acme-vendor.example", Name: "Casey", Role: "csm", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	c := browserless(t)
	_, page, _ := fetch(t, c, "GET", h.server.URL+"/staff/login", nil)
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "email": {"csm@acme-vendor.example"}, "password": {"wrong"}}
	if status, page, _ := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 401 || !strings.Contains(page, "Wrong email or password") {
		t.Fatalf("wrong password: %d", status)
	}
	form.Set("email", "nobody@acme-vendor.example")
	if status, _, _ := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 401 {
		t.Fatalf("unknown email: %d", status)
	}
	form.Set("email", "CSM@acme-vendor.example")
	form.Set("password", "a long password")
	if status, _, loc := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 303 || loc != "/staff" {
		t.Fatalf("login: %d -> %q", status, loc)
	}
	if status, page, _ := fetch(t, c, "GET", h.server.URL+"/staff?csm=all", nil); status != 200 || !strings.Contains(page, mine) || strings.Contains(page, theirs) {
		t.Fatalf("dashboard: %d, mine shown %v, theirs shown %v", status, strings.Contains(page, mine), strings.Contains(page, theirs))
	}
	status, page, _ := fetch(t, c, "GET", h.server.URL+"/staff/onboardings/"+mine, nil)
	if status != 200 || !strings.Contains(page, `href="http://temporal-ui.test/namespaces/default/workflows/onboarding:`+mine+`"`) {
		t.Fatalf("own onboarding: %d, or no link to its workflow in the Temporal Web UI", status)
	}
	for _, id := range []string{theirs, "not-a-uuid"} {
		if status, _, _ := fetch(t, c, "GET", h.server.URL+"/staff/onboardings/"+id, nil); status != 404 {
			t.Errorf("onboarding %s: %d, want 404", id, status)
		}
	}
}

func TestSignInIsRateLimitedWhateverForwardedForSays(t *testing.T) {
	h := newHarness(t)
	c := browserless(t)
	_, page, _ := fetch(t, c, "GET", h.server.URL+"/staff/login", nil)
	form := url.Values{"csrf_token": {csrfOf(t, page)}, "email": {"x@example.com"}, "password": {"guess"}}
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		req, _ := http.NewRequest("POST", h.server.URL+"/staff/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		limited = res.StatusCode == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("30 guesses with a new X-Forwarded-For each were never rate limited")
	}
}

func TestSessionsEndWhenIdleAndEverywhere(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	laptop := h.portalContact(tn, "dana@acme.example")
	ctx := context.Background()
	if status, _, _ := fetch(t, laptop, "GET", h.server.URL+"/portal/settings", nil); status != 200 {
		t.Fatalf("settings: %d", status)
	}
	// A week and a day without a visit: signed out.
	if _, err := h.store.DB().ExecContext(ctx, `UPDATE sessions SET last_seen_at = now() - interval '8 days'`); err != nil {
		t.Fatal(err)
	}
	if status, _, loc := fetch(t, laptop, "GET", h.server.URL+"/portal", nil); status != 303 || loc != "/portal/signed-out" {
		t.Fatalf("after 8 idle days: %d %q", status, loc)
	}
	// Staff sessions end after 12 idle hours.
	staff := h.staffClient(tn, "casey@vendor.example", "csm")
	if _, err := h.store.DB().ExecContext(ctx, `UPDATE sessions SET last_seen_at = now() - interval '13 hours' WHERE staff_user_id IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if status, _, loc := fetch(t, staff, "GET", h.server.URL+"/staff", nil); status != 303 || loc != "/staff/login" {
		t.Fatalf("staff after 13 idle hours: %d %q", status, loc)
	}
	// Sign out everywhere ends the contact's other sessions too, and no one else's.
	link1 := h.magicLink(tn.workspace.ID, tn.account.ID, "lee@acme.example", time.Hour)
	phone, tablet, other := browserless(t), browserless(t), h.portalContact(tn, "sam@acme.example")
	for _, c := range []*http.Client{phone} {
		_, page, _ := fetch(t, c, "GET", h.server.URL+link1, nil)
		fetch(t, c, "POST", h.server.URL+link1, url.Values{"csrf_token": {csrfOf(t, page)}})
	}
	var leeID string
	if err := h.store.DB().GetContext(ctx, &leeID, `SELECT id FROM contacts WHERE email = 'lee@acme.example'`); err != nil {
		t.Fatal(err)
	}
	token := auth.NewToken()
	if err := h.store.CreateMagicLink(ctx, store.MagicLink{TokenHash: auth.Hash(token), WorkspaceID: tn.workspace.ID, ContactID: leeID,
		Purpose: "signin", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, page, _ := fetch(t, tablet, "GET", h.server.URL+"/portal/signin/"+token, nil)
	fetch(t, tablet, "POST", h.server.URL+"/portal/signin/"+token, url.Values{"csrf_token": {csrfOf(t, page)}})
	_, page, _ = fetch(t, phone, "GET", h.server.URL+"/portal/settings", nil)
	if status, _, _ := fetch(t, phone, "POST", h.server.URL+"/portal/signout-everywhere", url.Values{"csrf_token": {csrfOf(t, page)}}); status != 303 {
		t.Fatalf("sign out everywhere: %d", status)
	}
	for name, c := range map[string]*http.Client{"phone": phone, "tablet": tablet} {
		if status, _, _ := fetch(t, c, "GET", h.server.URL+"/portal", nil); status != 303 {
			t.Errorf("%s still signed in after signing out everywhere", name)
		}
	}
	if status, _, _ := fetch(t, other, "GET", h.server.URL+"/portal", nil); status != 200 {
		t.Error("signing out everywhere signed another contact out")
	}
}
