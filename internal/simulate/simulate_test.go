package simulate_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/simulate"
	"github.com/onboard-oss/onboard/templates"
)

func input(t *testing.T, plan string, pace simulate.Pace, seed uint64) simulate.Input {
	t.Helper()
	catalog, err := plans.LoadCatalog(templates.FS, "plans")
	if err != nil {
		t.Fatal(err)
	}
	tpl, ok := catalog.Template(plan)
	if !ok {
		t.Fatalf("no plan %s", plan)
	}
	return simulate.Input{Plan: tpl.Plan, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		TimeZone: "America/Chicago", Pace: pace, Seed: seed}
}

func run(t *testing.T, in simulate.Input) (*simulate.Result, string) {
	t.Helper()
	res, err := simulate.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	simulate.Print(&out, res)
	return res, out.String()
}

// The real workflow, driven through a 90-day plan on skipped time: the same seed gives
// the same timeline, the onboarding goes live, reminders go at most once a day per
// contact and only in the sending window, and escalations reach the CSM.
func TestSimulationIsRepeatableAndPlausible(t *testing.T) {
	in := input(t, "standard-saas", simulate.PaceSlow, 3)
	res, first := run(t, in)
	if _, again := run(t, in); again != first {
		t.Fatalf("same seed, different output:\n%s\n---\n%s", first, again)
	}
	if _, other := run(t, input(t, "standard-saas", simulate.PaceSlow, 4)); other == first {
		t.Error("another seed gave the same timeline")
	}
	if res.WentLiveAt.IsZero() || res.CompletedAt.IsZero() {
		t.Fatalf("the simulated onboarding never went live or completed:\n%s", first)
	}
	if res.Reminders == 0 || res.Escalations == 0 || res.PeakRemindersPerDay != 1 {
		t.Errorf("reminders %d, escalations %d, peak %d a day; want some of each and one a day at most:\n%s",
			res.Reminders, res.Escalations, res.PeakRemindersPerDay, first)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	for _, e := range res.Events {
		if !e.ToCustomer {
			continue
		}
		local := e.At.In(chicago)
		if local.Hour() < 9 || local.Hour() >= 17 || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
			t.Errorf("reminder outside the sending window: %s %s", local.Format(time.RFC1123), e.Text)
		}
	}
	for _, want := range []string{"Target go-live:", "Phases (planned end → done):", "Go-live:", "Reminder emails to the customer:"} {
		if !strings.Contains(first, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestFastPaceGoesLiveSoonerThanSlow(t *testing.T) {
	fast, _ := run(t, input(t, "enterprise", simulate.PaceFast, 1))
	slow, _ := run(t, input(t, "enterprise", simulate.PaceSlow, 1))
	if !fast.WentLiveAt.Before(slow.WentLiveAt) {
		t.Errorf("fast went live %v, slow %v", fast.WentLiveAt, slow.WentLiveAt)
	}
	if fast.Reminders >= slow.Reminders {
		t.Errorf("fast got %d reminders, slow %d: a faster customer needs fewer", fast.Reminders, slow.Reminders)
	}
}

func TestUnknownPace(t *testing.T) {
	in := input(t, "standard-saas", "glacial", 1)
	if _, err := simulate.Run(context.Background(), in); err == nil {
		t.Fatal("an unknown pace was accepted")
	}
}

// With a contact in another time zone assigned half the customer's tasks, their
// reminders go to them alone, on weekday mornings where they are, and nobody gets more
// than one reminder a day.
func TestSimulationWithAContactInAnotherZone(t *testing.T) {
	in := input(t, "standard-saas", simulate.PaceSlow, 3)
	in.ContactZone = "Asia/Tokyo"
	res, out := run(t, in)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	remote := 0
	for _, e := range res.Events {
		if !strings.Contains(e.Text, "→ contact in Asia/Tokyo") {
			continue
		}
		remote++
		local := e.At.In(tokyo)
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday || local.Hour() < 9 || local.Hour() >= 17 {
			t.Errorf("a reminder to the contact in Tokyo at %s their time", local.Format("Mon 15:04"))
		}
	}
	if remote == 0 || !strings.Contains(out, "assigns") {
		t.Fatalf("no reminder went to the contact in Tokyo:\n%s", out)
	}
	if res.PeakRemindersPerDay != 1 {
		t.Errorf("peak %d reminders to a contact in a day; want one at most", res.PeakRemindersPerDay)
	}
}
