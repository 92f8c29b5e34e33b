package onboarding

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/input"
)

func mustNew(t *testing.T, in NewInput) State {
	t.Helper()
	s, err := New(in)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestNewDates(t *testing.T) {
	// 23:30 on Sunday 2 March 2025 in UTC is already Monday 3 March in Tokyo.
	now := time.Date(2025, 3, 2, 23, 30, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		in         NewInput
		wantStart  time.Time
		wantTarget time.Time // zero: the plan's last due date
		wantField  string    // the field an *InputError names; empty: no error
	}{
		{name: "start defaults to today in UTC", in: NewInput{}, wantStart: day(2025, 3, 2)},
		{name: "start defaults to today in the account's zone", in: NewInput{TimeZone: "Asia/Tokyo"}, wantStart: day(2025, 3, 3)},
		{name: "only the start's calendar date counts",
			in: NewInput{StartDate: time.Date(2025, 3, 10, 17, 45, 0, 0, time.UTC)}, wantStart: day(2025, 3, 10)},
		{name: "a target on the start day", in: NewInput{StartDate: day(2025, 4, 1), TargetGoLive: day(2025, 4, 1)},
			wantStart: day(2025, 4, 1), wantTarget: day(2025, 4, 1)},
		{name: "ten years back is fine", in: NewInput{StartDate: day(2015, 3, 2)}, wantStart: day(2015, 3, 2)},
		{name: "ten years ahead is fine", in: NewInput{StartDate: day(2035, 3, 2), TargetGoLive: day(2035, 3, 2)},
			wantStart: day(2035, 3, 2), wantTarget: day(2035, 3, 2)},
		{name: "an unknown time zone", in: NewInput{TimeZone: "Mars/Olympus"}, wantField: "timezone"},
		{name: "Local is not a time zone", in: NewInput{TimeZone: "Local"}, wantField: "timezone"},
		{name: "start in year 9999", in: NewInput{StartDate: day(9999, 12, 31)}, wantField: "start_date"},
		{name: "start in year 1", in: NewInput{StartDate: day(1, 1, 2)}, wantField: "start_date"},
		{name: "start just over ten years back", in: NewInput{StartDate: day(2015, 3, 1)}, wantField: "start_date"},
		{name: "target before start", in: NewInput{StartDate: day(2025, 4, 2), TargetGoLive: day(2025, 4, 1)},
			wantField: "target_go_live"},
		{name: "target in year 9999", in: NewInput{TargetGoLive: day(9999, 12, 31)}, wantField: "target_go_live"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Plan, tt.in.Now = testPlan(), now
			s, err := New(tt.in)
			var ie *input.Error
			if tt.wantField != "" {
				if !errors.As(err, &ie) || ie.Field != tt.wantField {
					t.Fatalf("err = %v, want an *InputError naming %s", err, tt.wantField)
				}
				if !strings.HasPrefix(err.Error(), tt.wantField+": ") {
					t.Errorf("message %q does not start with the field", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if !s.StartDate.Equal(tt.wantStart) {
				t.Errorf("start = %v, want %v", s.StartDate, tt.wantStart)
			}
			if !tt.wantTarget.IsZero() && !s.TargetGoLive.Equal(tt.wantTarget) {
				t.Errorf("target = %v, want %v", s.TargetGoLive, tt.wantTarget)
			}
		})
	}
}

func TestLocationErrorsAreShort(t *testing.T) {
	long := strings.Repeat("é", 100_000)
	_, err := Location(long)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("Location(100k) error is %d bytes long, want a short one", len(err.Error()))
	}
}

func TestParseStatusAndLabels(t *testing.T) {
	for _, st := range Statuses {
		if got, ok := ParseStatus(string(st)); !ok || got != st {
			t.Errorf("ParseStatus(%q) = %q, %v", st, got, ok)
		}
		if st.Label() == "" || st.Label() == string(st) {
			t.Errorf("%s has no label of its own: %q", st, st.Label())
		}
	}
	for _, bad := range []string{"", "Active", "ACTIVE", " active", "done", "\x00"} {
		if _, ok := ParseStatus(bad); ok {
			t.Errorf("ParseStatus(%q) accepted", bad)
		}
	}
	if OwnerCustomer.Label() != "Customer" || OwnerVendor.Label() != "Vendor" {
		t.Errorf("owner labels: %q %q", OwnerCustomer.Label(), OwnerVendor.Label())
	}
	if !OwnerCustomer.IsCustomer() || OwnerVendor.IsCustomer() {
		t.Error("IsCustomer is wrong")
	}
	if StatusLive.Label() != "Live" || TaskInProgress.Label() != "In Progress" || PhaseNotStarted.Label() != "Not Started" {
		t.Error("labels read wrong")
	}
}

func TestNextSteps(t *testing.T) {
	// testPlan: welcome_call (vendor) → company_profile (customer) → sso_config (customer),
	// data_import (vendor, hidden) after company_profile, brand_assets (customer) free,
	// training (customer) after sso_config and data_import.
	s := newTestState(t)
	check := func(side Owner, want ...string) {
		t.Helper()
		if got := s.NextSteps(side); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("NextSteps(%s) = %v, want %v", side, got, want)
		}
	}
	check(OwnerVendor, "welcome_call")
	check(OwnerCustomer, "brand_assets")
	setStatus(t, &s, "welcome_call", TaskCompleted)
	check(OwnerCustomer, "company_profile", "brand_assets")
	setStatus(t, &s, "company_profile", TaskBlocked)
	check(OwnerCustomer, "company_profile", "brand_assets") // unblocking it is the next step
	setStatus(t, &s, "company_profile", TaskSkipped)
	check(OwnerCustomer, "sso_config", "brand_assets")
	check(OwnerVendor, "data_import")
	if s.Actionable("company_profile") || !s.Actionable("sso_config") || s.Actionable("training") || s.Actionable("nope") {
		t.Error("Actionable disagrees with NextSteps")
	}
}
