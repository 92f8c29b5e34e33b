package auth

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SnoozeLinkTTL is how long a reminder email's snooze link works.
const SnoozeLinkTTL = 7 * 24 * time.Hour

// Snooze is what a signed snooze link asks for: put off the reminders about Tasks of an
// onboarding by Days.
type Snooze struct {
	OnboardingID string
	Tasks        []string
	Days         int
	Expires      time.Time
}

const snoozePurpose = "snooze-reminders"

// SnoozeLink returns the link (under base, e.g. "https://onboard.example") that snoozes
// the reminders of a reminder email without a sign-in.
func SnoozeLink(base, secret string, s Snooze) string {
	q := s.values()
	q.Set("sig", Sign(secret, snoozePurpose, s.fields()...))
	return base + "/portal/snooze?" + q.Encode()
}

func (s Snooze) values() url.Values {
	return url.Values{"o": {s.OnboardingID}, "t": {strings.Join(s.Tasks, ",")}, "d": {strconv.Itoa(s.Days)},
		"exp": {strconv.FormatInt(s.Expires.Unix(), 10)}}
}

func (s Snooze) fields() []string {
	v := s.values()
	return []string{v.Get("o"), v.Get("t"), v.Get("d"), v.Get("exp")}
}

// Errors of ParseSnoozeLink.
var (
	ErrLinkInvalid = errors.New("this link is not valid: it may have been cut short or changed")
	ErrLinkExpired = errors.New("this link has expired")
)

var (
	snoozeID   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	snoozeTask = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
)

// ParseSnoozeLink checks a snooze link's query (its signature first, then its expiry)
// and returns what it asks for.
func ParseSnoozeLink(secret string, q url.Values, now time.Time) (Snooze, error) {
	sig := q.Get("sig")
	exp, err1 := strconv.ParseInt(q.Get("exp"), 10, 64)
	days, err2 := strconv.Atoi(q.Get("d"))
	s := Snooze{OnboardingID: q.Get("o"), Tasks: strings.Split(q.Get("t"), ","), Days: days, Expires: time.Unix(exp, 0)}
	if err1 != nil || err2 != nil || sig == "" || !Verify(secret, sig, snoozePurpose, q.Get("o"), q.Get("t"), q.Get("d"), q.Get("exp")) {
		return Snooze{}, ErrLinkInvalid
	}
	if !snoozeID.MatchString(s.OnboardingID) || days < 1 || days > 14 || len(s.Tasks) > 200 {
		return Snooze{}, ErrLinkInvalid
	}
	for _, t := range s.Tasks {
		if !snoozeTask.MatchString(t) {
			return Snooze{}, ErrLinkInvalid
		}
	}
	if now.After(s.Expires) {
		return Snooze{}, ErrLinkExpired
	}
	return s, nil
}
