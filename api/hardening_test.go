package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/workflows"
)

// Ids are one thing everywhere: any case finds the same row, and what is not an id is a
// 400 in a filter and a 404 in a path, never a 500.
func TestIDsAreTreatedAlike(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	upper := strings.ToUpper(tn.account.ID)
	if r := h.call("GET", "/api/v1/accounts/"+upper, tn.key, nil); r.status != 200 || r.body["id"] != tn.account.ID {
		t.Errorf("account by upper-case id: %d %s", r.status, r.raw)
	}
	if r := h.call("GET", "/api/v1/onboardings?account_id="+upper, tn.key, nil); r.status != 200 || len(r.list) != 1 {
		t.Errorf("filter by upper-case account id: %d %s", r.status, r.raw)
	}
	if r := h.call("GET", "/api/v1/onboardings/"+strings.ToUpper(id), tn.key, nil); r.status != 200 {
		t.Errorf("onboarding by upper-case id: %d", r.status)
	}
	for _, bad := range []string{"%00", "%ff%fe", "not-an-id", "{" + tn.account.ID + "}", strings.ReplaceAll(tn.account.ID, "-", "")} {
		if r := h.call("GET", "/api/v1/onboardings?account_id="+bad, tn.key, nil); r.status != 400 || r.errorCode() != "invalid_request" ||
			!strings.HasPrefix(r.errorMessage(), "account_id:") {
			t.Errorf("account_id=%s: %d %s", bad, r.status, r.raw)
		}
		if r := h.call("GET", "/api/v1/accounts/"+bad, tn.key, nil); r.status != 404 {
			t.Errorf("GET /accounts/%s: %d %s", bad, r.status, r.raw)
		}
	}
	if r := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": "x\u00a0y", "plan": "standard-saas"}); r.status != 400 {
		t.Errorf("account_id that is not an id in a body: %d %s", r.status, r.raw)
	}
}

func TestDatesMustBePlausible(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	today := time.Now().UTC().Format(time.DateOnly)
	for _, c := range []struct{ start, target, field string }{
		{"9999-12-31", "", "start_date"},
		{"0001-01-01", "", "start_date"},
		{"0001-01-02", "", "start_date"},
		{"9990-01-01", "", "start_date"},
		{"", "9999-12-31", "target_go_live"},
		{"2030-06-10", "2030-06-09", "target_go_live"},
		{"2026-02-30", "", "start_date"},
		{"26-01-01", "", "start_date"},
	} {
		body := map[string]any{"account_id": tn.account.ID, "plan": "standard-saas"}
		if c.start != "" {
			body["start_date"] = c.start
		}
		if c.target != "" {
			body["target_go_live"] = c.target
		}
		r := h.call("POST", "/api/v1/onboardings", tn.key, body)
		if r.status != 400 || r.errorCode() != "invalid_request" || !strings.HasPrefix(r.errorMessage(), c.field+":") {
			t.Errorf("start %q target %q: %d %s; want 400 naming %s", c.start, c.target, r.status, r.raw, c.field)
		}
	}
	r := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": tn.account.ID, "plan": "standard-saas",
		"start_date": today, "target_go_live": today}).expect(t, 201)
	if r.body["start_date"] != today {
		t.Errorf("start date %v, want %s", r.body["start_date"], today)
	}
	if n := len(h.call("GET", "/api/v1/onboardings", tn.key, nil).list); n != 1 {
		t.Errorf("%d onboardings after one good create among bad ones", n)
	}
}

// Text is normalised the same way in every field: NFC, trimmed (zero-width characters
// too), and refused when it holds controls, bidi overrides or invalid UTF-8.
func TestTextIsNormalisedOnce(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	for name, body := range map[string]string{
		"zero-width name":       `{"name":"\u200b\ufeff"}`,
		"bidi override":         `{"name":"Acme \u202egnp.exe"}`,
		"C1 control":            `{"name":"Acme\u0085"}`,
		"NUL":                   `{"name":"Acme\u0000"}`,
		"invalid UTF-8":         "{\"name\":\"Acme \xff\xfe\"}",
		"duplicate key":         `{"name":"Acme","name":"Evil"}`,
		"nested duplicate key":  `{"name":"Acme","external_id":"1","timezone":"UTC","x":{"a":1,"a":2}}`,
		"timezone 100 KB":       `{"name":"Acme","timezone":"` + strings.Repeat("Europe/", 15000) + `"}`,
		"nested a million deep": strings.Repeat("[", 1<<20),
		"a key in two cases":    `{"name":"Acme","NAME":"Evil"}`,
	} {
		r := h.call("POST", "/api/v1/accounts", tn.key, body)
		if r.status != 400 || r.errorCode() != "invalid_request" || len(r.errorMessage()) > 200 {
			t.Errorf("%s: %d %.300s", name, r.status, r.raw)
		}
	}
	r := h.call("POST", "/api/v1/accounts", tn.key, "{\"name\":\"  \u200bCafe\u0301 Noir\\t\\n\",\"timezone\":\" Europe/Paris \"}").expect(t, 201)
	if r.body["name"] != "Café Noir" || r.body["timezone"] != "Europe/Paris" {
		t.Errorf("stored %q %q, want NFC and trimmed", r.body["name"], r.body["timezone"])
	}
	ct := h.call("POST", "/api/v1/accounts/"+r.body["id"].(string)+"/contacts", tn.key, `{"name":"Ana","email":" ANA@Cafe.example "}`).expect(t, 201)
	if ct.body["email"] != "ana@cafe.example" {
		t.Errorf("email stored as %q", ct.body["email"])
	}
}

// The same kind of error has the same code everywhere, and messages quote at most a
// short prefix of what was sent.
func TestErrorCodesAndShortMessages(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	long := `{"reason":"` + strings.Repeat("x", 600) + `"}`
	if r := h.call("POST", "/api/v1/onboardings/"+id+"/tasks/welcome-pack/block", tn.key, long); r.status != 400 || r.errorCode() != "invalid_request" {
		t.Errorf("an over-long reason: %d %s", r.status, r.raw)
	}
	if r := h.call("POST", "/api/v1/onboardings/"+id+"/tasks/no-such-task/complete", tn.key, nil); r.status != 404 || r.errorCode() != "not_found" {
		t.Errorf("an unknown task: %d %s", r.status, r.raw)
	}
	huge := strings.Repeat("p", 100_000)
	if r := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": tn.account.ID, "plan": huge}); r.status != 400 || len(r.raw) > 300 {
		t.Errorf("a 100 KB plan key: %d, answer %d bytes long", r.status, len(r.raw))
	}
	// The staff login page does not show a 100 KB "email" back.
	c := browserless(t)
	form := url.Values{"csrf_token": {formToken(t, c, h.server.URL)}, "email": {strings.Repeat("e", 100_000) + "@x.example"}, "password": {"x"}}
	if status, page, _ := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 401 || len(page) > 20_000 {
		t.Errorf("a 100 KB email at staff login: %d, page %d bytes", status, len(page))
	}
}

func TestIdempotencyKeyIsBoundToOneRequest(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	path := "/api/v1/onboardings/" + id + "/tasks/welcome-pack/"
	first := h.call("POST", path+"complete", tn.key, nil, "Idempotency-Key", "k-1").expect(t, 200)
	again := h.call("POST", path+"complete", tn.key, nil, "Idempotency-Key", "k-1").expect(t, 200)
	if again.raw != first.raw {
		t.Errorf("the retry's answer differs from the first's")
	}
	for _, action := range []string{"reopen", "skip"} { // same key, another request
		if r := h.call("POST", path+action, tn.key, nil, "Idempotency-Key", "k-1"); r.status != 422 || r.errorCode() != "idempotency_key_reused" {
			t.Errorf("k-1 for %s: %d %s", action, r.status, r.raw)
		}
	}
	// A key whose answer was a conflict may be retried once the conflict is gone.
	kickoff := "/api/v1/onboardings/" + id + "/tasks/kickoff-call/complete"
	if r := h.call("POST", kickoff, tn.key, nil, "Idempotency-Key", "k-2"); r.status != 409 || r.errorCode() != "dependencies_pending" {
		t.Fatalf("kickoff-call before its dependencies: %d %s", r.status, r.raw)
	}
	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/internal-handoff/complete", tn.key, nil).expect(t, 200)
	h.call("POST", kickoff, tn.key, nil, "Idempotency-Key", "k-2").expect(t, 200)
	// Keys are per workspace: another tenant's k-1 is its own.
	other := h.newTenant("initech")
	oo := h.createOnboarding(other, "standard-saas")
	h.call("POST", "/api/v1/onboardings/"+oo["id"].(string)+"/tasks/welcome-pack/complete", other.key, nil, "Idempotency-Key", "k-1").expect(t, 200)
}

func TestCreatesAreSafeToRetry(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	a1 := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Globex"}, "Idempotency-Key", "acct-1").expect(t, 201)
	a2 := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Globex"}, "Idempotency-Key", "acct-1")
	if a2.status != 201 || a2.body["id"] != a1.body["id"] {
		t.Fatalf("retried account create: %d %s; want the first answer", a2.status, a2.raw)
	}
	body := map[string]any{"account_id": tn.account.ID, "plan": "standard-saas"}
	o1 := h.call("POST", "/api/v1/onboardings", tn.key, body, "Idempotency-Key", "onb-1").expect(t, 201)
	req, _ := http.NewRequest("POST", h.server.URL+"/api/v1/onboardings", strings.NewReader(`{"account_id":"`+tn.account.ID+`","plan":"standard-saas"}`))
	req.Header.Set("Authorization", "Bearer "+tn.key)
	req.Header.Set("Idempotency-Key", "onb-1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(string(raw), o1.body["id"].(string)) {
		t.Errorf("retried onboarding create: %d replayed=%q", res.StatusCode, res.Header.Get("Idempotent-Replayed"))
	}
	if n := len(h.call("GET", "/api/v1/onboardings", tn.key, nil).list); n != 1 {
		t.Errorf("%d onboardings after a retried create, want 1", n)
	}
	// The api process died after answering, and its kept answer is gone with the lease:
	// the retry answers the same onboarding rather than making a second.
	ctx := context.Background()
	forgetKeys := func() {
		if _, err := h.setup.DB().ExecContext(ctx, `DELETE FROM idempotency_keys`); err != nil {
			t.Fatal(err)
		}
	}
	forgetKeys()
	if o := h.call("POST", "/api/v1/onboardings", tn.key, body, "Idempotency-Key", "onb-1").expect(t, 201); o.body["id"] != o1.body["id"] {
		t.Errorf("a retry after the key was freed made %v, want %v", o.body["id"], o1.body["id"])
	}
	// The api process died between storing an onboarding and starting its workflow: the
	// retry starts that workflow, and the onboarding works.
	req2 := engine.StartRequest{WorkspaceID: tn.workspace.ID, AccountID: tn.account.ID, PlanKey: "standard-saas", RequestKey: "onb-2"}
	st, err := h.engine.Preview(ctx, req2)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := h.engine.Plans.Template("standard-saas")
	target := st.TargetGoLive
	half := store.Onboarding{ID: st.OnboardingID, WorkspaceID: st.WorkspaceID, AccountID: st.AccountID, PlanTemplateID: tpl.StoredID,
		PlanKey: tpl.Plan.Key, PlanVersion: tpl.Plan.Version, WorkflowID: workflows.WorkflowID(st.OnboardingID), StartDate: st.StartDate, TargetGoLive: &target}
	if err := h.setup.CreateOnboarding(ctx, half, store.NewSnapshot(&st)); err != nil {
		t.Fatal(err)
	}
	o2 := h.call("POST", "/api/v1/onboardings", tn.key, body, "Idempotency-Key", "onb-2").expect(t, 201)
	if o2.body["id"] != st.OnboardingID {
		t.Fatalf("the retry of a half-started create made %v, want %s", o2.body["id"], st.OnboardingID)
	}
	h.call("POST", "/api/v1/onboardings/"+st.OnboardingID+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
	// The same key with another body is another request (once its first answer is gone).
	forgetKeys()
	later := map[string]any{"account_id": tn.account.ID, "plan": "standard-saas", "start_date": "2026-01-05"}
	if o := h.call("POST", "/api/v1/onboardings", tn.key, later, "Idempotency-Key", "onb-2").expect(t, 201); o.body["id"] == st.OnboardingID {
		t.Error("a reused key with a different request answered the earlier onboarding")
	}
	// A key is a request's for a day: used again later, with the same body, it is a new
	// request and makes a new onboarding.
	if _, err := h.setup.DB().ExecContext(ctx, `UPDATE onboardings SET created_at = now() - interval '2 days' WHERE id = $1`, o1.body["id"]); err != nil {
		t.Fatal(err)
	}
	forgetKeys()
	if o := h.call("POST", "/api/v1/onboardings", tn.key, body, "Idempotency-Key", "onb-1").expect(t, 201); o.body["id"] == o1.body["id"] {
		t.Error("a key used again two days later answered the old onboarding")
	}
	if n := len(h.call("GET", "/api/v1/onboardings", tn.key, nil).list); n != 4 {
		t.Errorf("%d onboardings, want 4", n)
	}
}

var nextLink = regexp.MustCompile(`<([^>]+)>; rel="next"`)

func TestListsArePaged(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	want := map[string]bool{}
	for range 5 {
		want[h.createOnboarding(tn, "standard-saas")["id"].(string)] = true
	}
	seen := map[string]bool{}
	path, pages := "/api/v1/onboardings?limit=2", 0
	for path != "" {
		req, _ := http.NewRequest("GET", h.server.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tn.key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		decode(t, res, &list)
		pages++
		for _, o := range list {
			if seen[o["id"].(string)] {
				t.Fatalf("%s listed twice", o["id"])
			}
			seen[o["id"].(string)] = true
		}
		path = ""
		if m := nextLink.FindStringSubmatch(res.Header.Get("Link")); m != nil {
			path = m[1]
		}
	}
	if pages != 3 || len(seen) != 5 {
		t.Fatalf("%d pages, %d onboardings; want 3 and 5", pages, len(seen))
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=nope", "cursor=" + url.QueryEscape("MTIzLm5vdC1hbi1pZA")} {
		if r := h.call("GET", "/api/v1/onboardings?"+q, tn.key, nil); r.status != 400 || r.errorCode() != "invalid_request" {
			t.Errorf("?%s: %d %s", q, r.status, r.raw)
		}
	}
}

func decode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// A database outage is an outage: 503 unavailable with Retry-After, and /readyz says
// which service is down without saying how to reach it.
func TestDatabaseOutageIsNamed(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, dbProxy: true})
	tn := h.newTenant("acme")
	h.call("GET", "/api/v1/onboardings", tn.key, nil).expect(t, 200)
	h.db.down()
	for _, path := range []string{"/api/v1/onboardings", "/api/v1/accounts/" + tn.account.ID} {
		req, _ := http.NewRequest("GET", h.server.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tn.key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), `"unavailable"`) {
			t.Errorf("GET %s with the database down: %d Retry-After=%q %s", path, res.StatusCode, res.Header.Get("Retry-After"), b)
		}
	}
	res, err := http.Get(h.server.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || !strings.Contains(string(b), `"database":"unavailable"`) || !strings.Contains(string(b), `"temporal":"ok"`) ||
		strings.Contains(string(b), "postgres://") || strings.Contains(string(b), "127.0.0.1") {
		t.Errorf("/readyz with the database down: %d %s", res.StatusCode, b)
	}
	h.db.up()
	deadline := time.Now().Add(10 * time.Second)
	for h.call("GET", "/api/v1/onboardings", tn.key, nil).status != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the API did not recover when the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Sign-in forms cannot be posted cross-site, nor with a token the attacker made up.
func TestSignInFormsResistCSRF(t *testing.T) {
	h := newHarness(t)
	post := func(cookie, token string, headers ...string) int {
		req, _ := http.NewRequest("POST", h.server.URL+"/staff/login", strings.NewReader(url.Values{
			"csrf_token": {token}, "email": {"a@b.example"}, "password": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "onboard_csrf", Value: cookie})
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	planted := strings.Repeat("a", 43)
	for name, status := range map[string]int{
		"equal short pair":         post("a", "a"),
		"equal long pair":          post(planted, planted),
		"no cookie":                post("", planted),
		"cross-site with a token":  post(planted, planted, "Sec-Fetch-Site", "cross-site"),
		"foreign Origin, no fetch": post(planted, planted, "Origin", "https://evil.example"),
	} {
		if status != 403 {
			t.Errorf("%s: %d, want 403", name, status)
		}
	}
	c := browserless(t)
	form := url.Values{"csrf_token": {formToken(t, c, h.server.URL)}, "email": {"a@b.example"}, "password": {"x"}}
	if status, _, _ := fetch(t, c, "POST", h.server.URL+"/staff/login", form); status != 401 {
		t.Errorf("a real form with a wrong password: %d, want 401", status)
	}
}

// A client that trickles its request is cut off after ONBOARD_HTTP_READ_TIMEOUT.
func TestSlowClientsAreCutOff(t *testing.T) {
	h := newHarness(t, harnessOptions{updateTimeout: 5 * time.Second, readTimeout: 500 * time.Millisecond})
	tn := h.newTenant("acme")
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.server.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{", tn.key)
	began := time.Now()
	closed := false
	for time.Since(began) < 5*time.Second && !closed {
		time.Sleep(200 * time.Millisecond)
		if _, err := conn.Write([]byte(" ")); err != nil {
			closed = true
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := conn.Read(make([]byte, 512)); err == io.EOF {
			closed = true
		}
	}
	if !closed {
		t.Fatal("a request trickled a byte every 200 ms for 5 s and the connection was never closed")
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/staff/login", "/portal/signed-out", "/api/v1/plans"} {
		res, err := http.Get(h.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for header, want := range map[string]string{"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"} {
			if got := res.Header.Get(header); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want %q", path, header, got, want)
			}
		}
	}
}
