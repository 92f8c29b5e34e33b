package auth

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSnoozeLink(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := Snooze{OnboardingID: "0b6f1c7e-9a56-4c4e-8f0e-2a4b8e7d1f00", Tasks: []string{"profile", "sso"}, Days: 2,
		Expires: now.Add(SnoozeLinkTTL)}
	link := SnoozeLink("https://onboard.example", "secret-one", s)
	if !strings.HasPrefix(link, "https://onboard.example/portal/snooze?") {
		t.Fatalf("link %s", link)
	}
	u, _ := url.Parse(link)
	got, err := ParseSnoozeLink("secret-one", u.Query(), now)
	if err != nil || got.OnboardingID != s.OnboardingID || strings.Join(got.Tasks, ",") != "profile,sso" || got.Days != 2 {
		t.Fatalf("parsed %+v, %v", got, err)
	}
	tamper := func(k, v string) url.Values {
		q := u.Query()
		q.Set(k, v)
		return q
	}
	for name, q := range map[string]url.Values{
		"other task":   tamper("t", "profile,sso,billing"),
		"more days":    tamper("d", "14"),
		"later expiry": tamper("exp", "9999999999"),
		"other id":     tamper("o", "0b6f1c7e-9a56-4c4e-8f0e-2a4b8e7d1f01"),
		"no signature": tamper("sig", ""),
		"bad days":     tamper("d", "x"),
	} {
		if _, err := ParseSnoozeLink("secret-one", q, now); err != ErrLinkInvalid {
			t.Errorf("%s: %v, want ErrLinkInvalid", name, err)
		}
	}
	if _, err := ParseSnoozeLink("secret-two", u.Query(), now); err != ErrLinkInvalid {
		t.Errorf("another server's secret: %v", err)
	}
	if _, err := ParseSnoozeLink("secret-one", u.Query(), now.Add(SnoozeLinkTTL+time.Second)); err != ErrLinkExpired {
		t.Errorf("after expiry: %v", err)
	}
}
