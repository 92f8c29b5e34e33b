package onboarding

import (
	"slices"
	"time"

	"github.com/onboard-oss/onboard/internal/input"
)

// DateWindowYears bounds an onboarding's dates: its start and target go-live lie within
// this many years of today. Anything further is a typo, not a plan.
const DateWindowYears = 10

// NewInput is what an onboarding starts from.
type NewInput struct {
	OnboardingID, WorkspaceID, AccountID, AccountName, CSMEmail string
	Plan                                                        Plan
	// StartDate is the first day of the onboarding; due dates count from it. Only its
	// calendar date counts; zero means today in TimeZone.
	StartDate time.Time
	// TargetGoLive is the agreed go-live date; zero means "the plan's last due date".
	TargetGoLive time.Time
	// TimeZone is the account's IANA time zone (empty: UTC): a task is due at the end of
	// its due day there.
	TimeZone string
	// Holidays are the workspace's days off ("2026-12-25"): business days skip them, and
	// no reminder goes on one.
	Holidays []string
	// Reminders is the workspace's reminder policy; nil means DefaultReminderPolicy.
	Reminders *ReminderSettings
	Now       time.Time
}

// New builds the initial state of an onboarding: every task pending with its due date.
// It returns an *input.Error for an unknown time zone, a date outside DateWindowYears of
// today, or a target go-live before the start.
func New(in NewInput) (State, error) {
	loc, err := Location(in.TimeZone)
	if err != nil {
		return State{}, err
	}
	start, target, err := dates(in, loc)
	if err != nil {
		return State{}, err
	}
	holidays, err := Holidays(in.Holidays)
	if err != nil {
		return State{}, err
	}
	var policy *ReminderPolicy
	if in.Reminders != nil {
		if err := in.Reminders.Check(); err != nil {
			return State{}, err
		}
		p := in.Reminders.Policy()
		policy = &p
	}
	s := State{
		OnboardingID: in.OnboardingID, WorkspaceID: in.WorkspaceID, AccountID: in.AccountID,
		AccountName: in.AccountName, CSMEmail: in.CSMEmail, Plan: in.Plan,
		Status: StatusActive, Health: HealthOnTrack, StartDate: start, TargetGoLive: target,
		TimeZone: loc.String(), Holidays: holidays, WorkspacePolicy: policy, LastCustomerActivity: in.Now,
	}
	due := dueDates(in.Plan, start, loc, holidays)
	var last time.Time
	for _, ph := range in.Plan.Phases {
		for _, t := range ph.Tasks {
			s.Tasks = append(s.Tasks, TaskState{Key: t.Key, Status: TaskPending, DueAt: due[t.Key]})
			if due[t.Key].After(last) {
				last = due[t.Key]
			}
		}
	}
	if s.TargetGoLive.IsZero() {
		s.TargetGoLive = Day(last.In(loc)) // a calendar date, like a target that was given
	}
	return s, nil
}

// Location returns the time zone named name (empty: UTC), or an *input.Error naming the
// "timezone" field. "Local" is refused: it means whatever the server runs in.
func Location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, input.Refuse("timezone", "%s is not an IANA time zone such as Europe/Paris", input.Quote(name))
	}
	return loc, nil
}

// dates resolves the start (today in loc when zero) and checks both dates against the
// window around today and each other. Dates are calendar days, kept as UTC midnight.
func dates(in NewInput, loc *time.Location) (start, target time.Time, err error) {
	today := Day(in.Now.In(loc))
	start = today
	if !in.StartDate.IsZero() {
		start = Day(in.StartDate)
	}
	earliest, latest := today.AddDate(-DateWindowYears, 0, 0), today.AddDate(DateWindowYears, 0, 0)
	if start.Before(earliest) || start.After(latest) {
		return start, target, input.Refuse("start_date", "%s is more than %d years from today", start.Format(time.DateOnly), DateWindowYears)
	}
	if in.TargetGoLive.IsZero() {
		return start, target, nil
	}
	target = Day(in.TargetGoLive)
	switch {
	case target.Before(start):
		return start, target, input.Refuse("target_go_live", "%s is before start_date %s", target.Format(time.DateOnly), start.Format(time.DateOnly))
	case target.After(latest):
		return start, target, input.Refuse("target_go_live", "%s is more than %d years from today", target.Format(time.DateOnly), DateWindowYears)
	}
	return start, target, nil
}

// Day returns the calendar date of t (in t's own location) as UTC midnight.
func Day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// WorkspaceHolidays checks a holiday list a workspace sets (Holidays), and that every day
// lies within DateWindowYears of now, as an onboarding's own dates must.
func WorkspaceHolidays(list []string, now time.Time) ([]string, error) {
	days, err := Holidays(list)
	if err != nil {
		return nil, err
	}
	lo, hi := now.AddDate(-DateWindowYears, 0, 0).Format(time.DateOnly), now.AddDate(DateWindowYears, 0, 0).Format(time.DateOnly)
	for _, d := range days {
		if d < lo || d > hi {
			return nil, input.Refuse("holidays", "%s is more than %d years away", d, DateWindowYears)
		}
	}
	return days, nil
}

// MaxHolidays bounds a holiday list.
const MaxHolidays = 400

// Holidays checks a list of dates ("2026-12-25") and returns it sorted without repeats,
// or an *input.Error naming the "holidays" field.
func Holidays(list []string) ([]string, error) {
	if len(list) > MaxHolidays {
		return nil, input.Refuse("holidays", "at most %d dates", MaxHolidays)
	}
	var out []string
	for _, d := range list {
		day, err := input.Date("holidays", d)
		if err != nil {
			return nil, err
		}
		out = append(out, day.Format(time.DateOnly))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
