package api_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

// browser starts headless Chromium (Debian's /usr/bin/chromium) for one test. Without
// Chromium the test skips, except under CI=true where it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	// Chromium now and then exits while starting on a loaded machine: start it again
	// (up to three times) rather than fail a test that has not begun.
	for attempt := 1; ; attempt++ {
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		_, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")) // starts the browser
		if err != nil && attempt < 3 {
			t.Logf("chromium did not start (attempt %d): %v", attempt, err)
			cancelCtx()
			cancelAlloc()
			continue
		}
		if err != nil {
			cancelCtx()
			cancelAlloc()
			t.Fatalf("chromium did not start: %v", err)
		}
		ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
		t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
		watchSecurityLog(t, ctx)
		return ctx
	}
}

// watchSecurityLog fails the test when the browser reports a Content-Security-Policy
// violation (or any other security message): every page must satisfy the policy it is
// served with.
func watchSecurityLog(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var violations []string
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && (e.Entry.Source == cdplog.EntrySourceSecurity ||
			strings.Contains(e.Entry.Text, "Content Security Policy")) {
			mu.Lock()
			violations = append(violations, e.Entry.Text)
			mu.Unlock()
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, v := range violations {
			t.Errorf("browser security message: %s", v)
		}
	})
}

// screenshot saves the page when ONBOARD_SCREENSHOTS names a folder, for a person to look at.
func screenshot(name string) chromedp.Action[chromedp.Void] {
	dir := os.Getenv("ONBOARD_SCREENSHOTS")
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if dir == "" {
			return chromedp.Void{}, nil
		}
		buf, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
}

// page drives one browser tab and fails the test on the first error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

func (p page) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(sel))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// await evaluates a JavaScript expression until it yields a non-empty string, across
// navigations (chromedp's DOM waits lose track of a page re-rendered by a form post).
func (p page) await(expr string) string {
	p.t.Helper()
	for i := 0; i < 200; i++ {
		if s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`String(`+expr+` ?? "")`)); err == nil && s != "" {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("nothing came of %s", expr)
	return ""
}

func TestBrowserPortalSignInAndProgress(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	id := o["id"].(string)
	link := h.magicLink(tn.workspace.ID, tn.account.ID, "dana@acme.example", time.Hour)
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(h.server.URL + link))
	if heading := p.text("h1"); !strings.Contains(heading, "Contact dana@acme.example") {
		t.Fatalf("sign-in heading %q", heading)
	}
	p.do(screenshot("portal-signin"), chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`.progress-value`))
	if progress := p.text(`.progress-value`); progress != "0%" {
		t.Fatalf("progress before any work: %q", progress)
	}
	// The vendor finishes work (through the API here): the open page shows it, without a reload.
	p.do(chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	for _, key := range []string{"welcome-pack", "internal-handoff", "kickoff-call"} {
		h.call("POST", "/api/v1/onboardings/"+id+"/tasks/"+key+"/complete", tn.key, nil).expect(t, 200)
	}
	p.await(`document.querySelector('tr[data-task="kickoff-call"] .pill')?.textContent === "Completed" ? "live" : ""`)
	if p.await(`window.notReloaded ? "same page" : "reloaded"`) != "same page" {
		t.Fatal("the page was reloaded rather than updated")
	}
	p.do(screenshot("portal-overview"))
	if progress, status := p.text(`.progress-value`), p.text(`tr[data-task="kickoff-call"] .pill`); progress == "0%" || status != "Completed" {
		t.Fatalf("after completing tasks: progress %q, kickoff-call %q", progress, status)
	}
	if hidden := p.text("main"); strings.Contains(hidden, "sales-to-CS handoff") {
		t.Fatal("the portal shows a task hidden from customers")
	}
	// The customer does their part: open the next step, fill in its form, submit it.
	p.do(chromedp.EmulateViewport(390, 844), screenshot("portal-overview-phone"), chromedp.EmulateViewport(1200, 900))
	p.do(chromedp.Click(`tr[data-next="success-criteria"] a`), chromedp.WaitVisible(`[data-task-page]`), screenshot("portal-task"),
		chromedp.EmulateViewport(390, 844), screenshot("portal-task-phone"), chromedp.EmulateViewport(1200, 900))
	p.do(chromedp.SendKeys(`#f-primary_goal`, "Faster onboarding"), chromedp.SendKeys(`#f-licensed_users`, "250"),
		chromedp.SetValue(`#f-target_go_live`, "2027-03-01"), chromedp.SetValue(`#f-rollout_scope`, "Company-wide"),
		chromedp.Click(`.task-form button[value=submit]`))
	p.await(`document.querySelector("[data-task-page] .pill")?.textContent === "Completed" ? "done" : ""`)
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if s := task(got, "success-criteria")["status"]; s != "completed" {
		t.Fatalf("the API shows success-criteria %v after the portal completed it", s)
	}
	// The link was spent: opening it again offers no way in.
	p.do(chromedp.Navigate(h.server.URL + link))
	if heading := p.text("h1"); !strings.Contains(heading, "expired") {
		t.Fatalf("spent link heading %q", heading)
	}
}

func TestBrowserStaffDashboard(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	o := h.createOnboarding(tn, "standard-saas")
	h.call("POST", "/api/v1/onboardings/"+o["id"].(string)+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
	hash, _ := auth.HashPassword("correct horse battery")
	if _, err := h.store.CreateStaffUser(context.Background(), store.StaffUser{WorkspaceID: tn.workspace.ID,
		Email: "avery@vendor.example", Name: "Avery Admin", Role: "admin", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	other := h.newTenant("other")
	h.createOnboarding(other, "enterprise")

	p := page{t, browser(t)}
	p.do(chromedp.Navigate(h.server.URL+"/staff"), chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, "avery@vendor.example"), chromedp.SendKeys(`#password`, "wrong password"),
		chromedp.Click(`button[type=submit]`))
	if msg := p.await(`document.querySelector(".error")?.textContent`); !strings.Contains(msg, "Wrong email or password") {
		t.Fatalf("wrong password message: %q", msg)
	}
	p.do(chromedp.SendKeys(`#password`, "correct horse battery"), chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`tr[data-onboarding]`), screenshot("staff-onboardings"))
	rows, progress := p.text(`tbody`), p.text(`tr[data-onboarding] .progress-value`)
	if !strings.Contains(rows, "acme Customer") || strings.Contains(rows, "other Customer") || progress == "0%" {
		t.Fatalf("dashboard rows %q (progress %q): want only this workspace's onboarding, with progress", rows, progress)
	}
	p.do(chromedp.Click(`tr[data-onboarding] a`), chromedp.WaitVisible(`tr[data-task]`), screenshot("staff-onboarding"))
	if title := p.text(`h1`); title != "acme Customer" {
		t.Fatalf("detail title %q", title)
	}
	// Pause and resume from the page: the buttons follow the status.
	p.do(chromedp.Click(`button[data-lifecycle=pause]`), chromedp.WaitVisible(`button[data-lifecycle=resume]`),
		screenshot("staff-onboarding-paused"), chromedp.EmulateViewport(390, 844), screenshot("staff-onboarding-phone"),
		chromedp.EmulateViewport(1200, 900))
	if body := p.text(`main`); !strings.Contains(body, "Paused: no reminders go") || strings.Contains(body, "Reopen") || strings.Contains(body, "Skip") {
		t.Errorf("the paused page does not say what pausing means, or still offers task actions")
	}
	p.do(chromedp.Click(`button[data-lifecycle=resume]`), chromedp.WaitVisible(`button[data-lifecycle=pause]`))
	got := h.call("GET", "/api/v1/onboardings/"+o["id"].(string), tn.key, nil).expect(t, 200).body
	if got["status"] != "active" {
		t.Errorf("after pause and resume in the browser: %v", got["status"])
	}
}
