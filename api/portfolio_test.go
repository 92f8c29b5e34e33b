package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/onboard-oss/onboard/internal/store"
)

func TestPortfolioFiltersAndCharts(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	other := h.newTenant("globex")
	ctx := context.Background()
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	casey, err := h.store.StaffUserByEmail(ctx, "casey@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	// Casey looks after Hooli; acme's own account has no CSM.
	hooli := h.call("POST", "/api/v1/accounts", tn.key, map[string]any{"name": "Hooli", "csm_id": casey.ID}).expect(t, 201).body["id"].(string)
	mine := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": hooli, "plan": "enterprise"}).expect(t, 201).body["id"].(string)
	theirs := h.call("POST", "/api/v1/onboardings", tn.key, map[string]any{"account_id": tn.account.ID, "plan": "standard-saas",
		"start_date": "2026-10-01"}).expect(t, 201).body["id"].(string)
	foreign := h.createOnboarding(other, "standard-saas")["id"].(string)
	// One of them is late (it started two months ago): tasks overdue, and one blocked.
	h.call("POST", "/api/v1/onboardings/"+theirs+"/tasks/internal-handoff/block", tn.key, map[string]any{"reason": "contract"}).expect(t, 200)

	get := func(q string) (int, string) {
		status, body, _ := fetch(t, csm, "GET", h.server.URL+"/staff"+q, nil)
		return status, body
	}
	// A CSM starts with their own.
	_, page := get("")
	if !strings.Contains(page, mine) || strings.Contains(page, theirs) || !strings.Contains(page, "My onboardings ·") {
		t.Fatalf("a CSM's default portfolio shows mine %v theirs %v", strings.Contains(page, mine), strings.Contains(page, theirs))
	}
	_, page = get("?csm=all")
	if !strings.Contains(page, mine) || !strings.Contains(page, theirs) || strings.Contains(page, foreign) {
		t.Fatal("everyone's portfolio is wrong, or shows another workspace's")
	}
	if !strings.Contains(page, `<svg viewBox="0 0 480 90"`) || !strings.Contains(page, "Go-live: forecast against target") ||
		!strings.Contains(page, " overdue</span>") || !strings.Contains(page, "1 blocked") || !strings.Contains(page, "Kickoff") {
		t.Errorf("portfolio lacks the charts or counts:\n%s", page)
	}
	// Attention first: the one with overdue and blocked tasks leads.
	if strings.Index(page, `id="row-`+theirs) > strings.Index(page, `id="row-`+mine) {
		t.Error("the onboarding needing attention is not first")
	}
	for q, want := range map[string][2]bool{ // shows mine, shows theirs
		"?csm=all&plan=enterprise":               {true, false},
		"?csm=all&q=hoo":                         {true, false},
		"?csm=all&q=" + url.QueryEscape("%"):     {false, false},
		"?csm=all&sort=account":                  {true, true},
		"?csm=all&status=active":                 {true, true},
		"?csm=all&status=paused":                 {false, false},
		"?csm=" + casey.ID:                       {true, false},
		"?csm=all&health=on_track&sort=forecast": {true, false},
	} {
		status, page := get(q)
		if status != 200 || strings.Contains(page, `id="row-`+mine) != want[0] || strings.Contains(page, `id="row-`+theirs) != want[1] {
			t.Errorf("%s: %d, mine %v theirs %v; want %v", q, status, strings.Contains(page, `id="row-`+mine),
				strings.Contains(page, `id="row-`+theirs), want)
		}
	}
	for _, q := range []string{"?health=great", "?status=dormant", "?sort=random", "?csm=someone", "?q=" + strings.Repeat("q", 201),
		"?plan=nope", "?csm=" + other.account.ID} {
		if status, _ := get(q); status != 400 {
			t.Errorf("%s: %d, want 400", q, status)
		}
	}
	_ = store.RoleCSM
}

// A big portfolio comes in pages of 50, with totals and charts over all of it.
func TestPortfolioPages(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	admin := h.staffClient(tn, "ada@vendor.example", "admin")
	for range 53 {
		h.createOnboarding(tn, "standard-saas")
	}
	get := func(q string) (int, string) {
		status, body, _ := fetch(t, admin, "GET", h.server.URL+"/staff"+q, nil)
		return status, body
	}
	status, first := get("?sort=newest")
	if status != 200 || strings.Count(first, `data-onboarding>`) != 50 || !strings.Contains(first, "1–50 of 53") ||
		!strings.Contains(first, `<strong>53</strong><span>onboardings</span>`) || !strings.Contains(first, `href="/staff?csm=all&amp;page=2&amp;sort=newest" rel="next"`) {
		t.Fatalf("first page: %d, %d rows\n%s", status, strings.Count(first, `data-onboarding>`), first)
	}
	// The health chart counts all 53, not the 50 shown.
	if !strings.Contains(first, ">53</text>") {
		t.Errorf("the health chart does not count every onboarding")
	}
	status, second := get("?sort=newest&page=2")
	if status != 200 || strings.Count(second, `data-onboarding>`) != 3 || !strings.Contains(second, "51–53 of 53") ||
		!strings.Contains(second, `rel="prev"`) || strings.Contains(second, `rel="next"`) {
		t.Fatalf("second page: %d, %d rows", status, strings.Count(second, `data-onboarding>`))
	}
	if status, past := get("?sort=newest&page=9"); status != 200 || !strings.Contains(past, "past the last of 53") {
		t.Errorf("a page past the end: %d", status)
	}
	for _, q := range []string{"?page=0", "?page=x", "?page=-1", "?page=1000001"} {
		if status, _ := get(q); status != 400 {
			t.Errorf("%s: %d, want 400", q, status)
		}
	}
}
