package onboarding

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// reminderPlan: the customer's "profile" (due 3 business days in), then "security",
// which waits on profile (due 8 business days in), and a vendor task that is never
// reminded to the customer.
func reminderPlan() Plan {
	return Plan{Key: "r", Name: "R", Version: 1, Phases: []Phase{{Key: "p", Name: "P", Tasks: []Task{
		{Key: "profile", Title: "Company profile", Owner: OwnerCustomer, Type: TypeForm, DueOffsetDays: 3,
			DueFrom: DueFromStart, Required: true, CustomerVisible: true},
		{Key: "security", Title: "Security questionnaire", Owner: OwnerCustomer, Type: TypeForm, DueOffsetDays: 8,
			DueFrom: DueFromStart, DependsOn: []string{"profile"}, Required: true, CustomerVisible: true},
		{Key: "setup", Title: "Set up the tenant", Owner: OwnerVendor, Type: TypeConfiguration, DueOffsetDays: 2,
			DueFrom: DueFromStart, Required: true},
	}}}}
}

// nudged starts an onboarding on Monday 2 March 2026 at 08:00 in zone, nudging on.
func nudged(t *testing.T, zone string) (State, time.Time) {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme",
		Plan: reminderPlan(), StartDate: start, TimeZone: zone, Now: start})
	if err != nil {
		t.Fatal(err)
	}
	s.EnableNudging(DefaultReminderPolicy(), start)
	return s, start
}

// clockWalk drives the state the way the workflow does: wake at NextWakeUp, send what
// is due, repeat, applying scripted actions at their moments. It returns a log of what
// was sent, as "Mon 02 Mar 09:00 reminder_digest profile:2" lines in zone.
type clockWalk struct {
	t       *testing.T
	s       *State
	now     time.Time
	loc     *time.Location
	log     []string
	perDay  map[string]int
	health  bool // log health escalations too
	actions map[time.Time]func(*State, time.Time)
}

func (w *clockWalk) until(end time.Time) {
	w.t.Helper()
	for steps := 0; steps < 1000; steps++ {
		w.tick()
		next, _ := w.s.NextWakeUp(w.now)
		for at := range w.actions {
			if at.After(w.now) && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
		if next.IsZero() || next.After(end) {
			return
		}
		if !next.After(w.now) {
			w.t.Fatalf("NextWakeUp(%v) = %v: not after now", w.now, next)
		}
		w.now = next
		if act, ok := w.actions[w.now]; ok {
			act(w.s, w.now)
			delete(w.actions, w.now)
		}
	}
	w.t.Fatal("the walk did not settle in 1000 wake-ups")
}

func (w *clockWalk) tick() {
	w.s.RefreshHealth(w.now)
	for _, r := range w.s.DueReminders(w.now) {
		var lines []string
		for _, l := range r.Lines {
			lines = append(lines, fmt.Sprintf("%s:%d", l.TaskKey, l.Level))
		}
		local, where := w.now.In(w.loc), ""
		if r.Zone != "" {
			loc, _ := time.LoadLocation(r.Zone)
			local, where = w.now.In(loc), " ["+r.Zone+"]"
		}
		w.log = append(w.log, local.Format("Mon 02 Jan 15:04")+" "+r.Kind()+" "+strings.Join(lines, ",")+where)
		w.perDay[r.Zone+local.Format(time.DateOnly)]++
	}
	w.s.DueVendorReminder(w.now) // the CSM's own reminders: sent, and not what these tests look at
	for _, e := range w.s.DueEscalations(w.now) {
		if strings.HasPrefix(e.Cause, "health:") && !w.health {
			continue // the vendor task falling due moves health; most tests look elsewhere
		}
		w.log = append(w.log, w.now.In(w.loc).Format("Mon 02 Jan 15:04")+" escalate "+e.Cause[:strings.IndexByte(e.Cause+":", ':')])
	}
}

func newWalk(t *testing.T, s *State, now time.Time) *clockWalk {
	return &clockWalk{t: t, s: s, now: now, loc: s.Location(), perDay: map[string]int{}, actions: map[time.Time]func(*State, time.Time){}}
}

func complete(key string) func(*State, time.Time) {
	return func(s *State, now time.Time) {
		if _, err := s.Apply(TaskAction{RequestID: key + now.String(), TaskKey: key, Action: ActionComplete,
			Actor: "contact:c", ActorSide: OwnerCustomer}, now); err != nil {
			panic(err)
		}
	}
}

func TestRemindersOverAnUntouchedOnboarding(t *testing.T) {
	// profile is due Thursday 5 March: reminded two business days before, on the day,
	// then every three days (moved off the weekend), three times; then the CSM is told.
	// Security waits on profile and is never reminded. The vendor's setup falls due
	// Wednesday night, which puts the onboarding Off Track (the CSM is told at once, not
	// in the sending window: they are staff). After 7 idle days the CSM hears of that too.
	for zone, want := range map[string][]string{
		"Europe/Paris": {
			"Tue 03 Mar 09:00 reminder_digest profile:2",
			"Thu 05 Mar 00:00 escalate health",
			"Thu 05 Mar 09:00 reminder_digest profile:3",
			"Mon 09 Mar 08:00 escalate stale",
			"Mon 09 Mar 09:00 overdue profile:4",
			"Wed 11 Mar 09:00 overdue profile:5",
			"Mon 16 Mar 09:00 overdue profile:6",
			"Mon 16 Mar 09:00 escalate overdue",
		},
		// Clocks go forward on Sunday 8 March: seven days idle end at 09:00 local.
		"America/Los_Angeles": {
			"Tue 03 Mar 09:00 reminder_digest profile:2",
			"Thu 05 Mar 00:00 escalate health",
			"Thu 05 Mar 09:00 reminder_digest profile:3",
			"Mon 09 Mar 09:00 overdue profile:4",
			"Mon 09 Mar 09:00 escalate stale",
			"Wed 11 Mar 09:00 overdue profile:5",
			"Mon 16 Mar 09:00 overdue profile:6",
			"Mon 16 Mar 09:00 escalate overdue",
		},
	} {
		t.Run(zone, func(t *testing.T) {
			s, start := nudged(t, zone)
			w := newWalk(t, &s, start)
			w.health = true
			w.until(start.AddDate(0, 1, 0))
			if !slices.Equal(w.log, want) {
				t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestItIsYourTurnOnceTheDependencyIsDone(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	w := newWalk(t, &s, start)
	loc := s.Location()
	// profile is done on Monday at 16:50: security becomes the customer's; its notice
	// waits half an hour, which is after the window closes, so it goes Tuesday 09:00.
	w.actions[time.Date(2026, 3, 2, 16, 50, 0, 0, loc)] = complete("profile")
	w.until(time.Date(2026, 3, 5, 0, 0, 0, 0, loc))
	want := []string{"Tue 03 Mar 09:00 your_turn security:1"}
	if !slices.Equal(w.log, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
}

func TestNoTurnNoticeForATaskAlreadyStarted(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	loc := s.Location()
	w := newWalk(t, &s, start)
	w.actions[time.Date(2026, 3, 2, 10, 0, 0, 0, loc)] = complete("profile")
	w.actions[time.Date(2026, 3, 2, 10, 10, 0, 0, loc)] = func(s *State, now time.Time) {
		if _, err := s.Apply(TaskAction{RequestID: "start-sec", TaskKey: "security", Action: ActionStart,
			Actor: "contact:c", ActorSide: OwnerCustomer}, now); err != nil {
			panic(err)
		}
	}
	w.until(time.Date(2026, 3, 6, 0, 0, 0, 0, loc))
	if len(w.log) != 0 {
		t.Errorf("sent %q; want nothing: security was started before its notice was due", w.log)
	}
}

func TestAtMostOneReminderADay(t *testing.T) {
	p := reminderPlan()
	// A second task of the customer's, due a day after profile, with nothing to wait on.
	p.Phases[0].Tasks = append(p.Phases[0].Tasks, Task{Key: "logo", Title: "Logo", Owner: OwnerCustomer,
		Type: TypeDocument, DueOffsetDays: 4, DueFrom: DueFromStart, CustomerVisible: true})
	loc, _ := time.LoadLocation("Asia/Tokyo")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme", Plan: p,
		StartDate: start, TimeZone: "Asia/Tokyo", Now: start})
	if err != nil {
		t.Fatal(err)
	}
	s.EnableNudging(DefaultReminderPolicy(), start)
	// Keep the customer busy so no staleness escalation clutters the log.
	w := newWalk(t, &s, start)
	w.until(start.AddDate(0, 0, 25))
	for day, n := range w.perDay {
		if n > 1 {
			t.Errorf("%d reminders on %s; at most one a day", n, day)
		}
	}
	for _, line := range w.log {
		if strings.Contains(line, "escalate") {
			continue
		}
		hm := line[len("Mon 02 Jan "):len("Mon 02 Jan 15:04")]
		if hm < "09:00" || hm >= "17:00" || strings.HasPrefix(line, "Sat") || strings.HasPrefix(line, "Sun") {
			t.Errorf("reminder outside the sending window: %s", line)
		}
	}
	// Both overdue on Monday the 9th: one email names both.
	if !slices.Contains(w.log, "Mon 09 Mar 09:00 overdue profile:4,logo:4") {
		t.Errorf("no combined reminder on Monday 9 in:\n%s", strings.Join(w.log, "\n"))
	}
}

func TestNothingIsSentForADoneTaskOrWhilePaused(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	loc := s.Location()
	w := newWalk(t, &s, start)
	w.actions[time.Date(2026, 3, 3, 8, 30, 0, 0, loc)] = func(s *State, now time.Time) {
		if _, err := s.ApplyLifecycle(LifecycleRequest{RequestID: "pause", Action: LifecyclePause, Actor: "staff:s"}, now); err != nil {
			panic(err)
		}
	}
	w.until(start.AddDate(0, 1, 0))
	if len(w.log) != 0 {
		t.Errorf("sent %q while paused", w.log)
	}
	if next, why := s.NextWakeUp(w.now); !next.IsZero() {
		t.Errorf("a paused onboarding wakes at %v (%s)", next, why)
	}
	// Resumed on Monday 16 March, 14 days later: due dates moved by 14 days, and the
	// customer is not counted idle for the paused time.
	resumeAt := time.Date(2026, 3, 17, 10, 0, 0, 0, loc)
	before, _ := s.Task("profile")
	dueBefore := before.DueAt
	if _, err := s.ApplyLifecycle(LifecycleRequest{RequestID: "resume", Action: LifecycleResume, Actor: "staff:s"}, resumeAt); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Task("profile")
	if got := after.DueAt.Sub(dueBefore); got != 14*24*time.Hour {
		t.Errorf("due date moved by %v; want 14 days", got)
	}
	if s.ComputeHealth(resumeAt) != HealthOnTrack {
		t.Errorf("health after resume = %s; want on track (paused time is not idle time)", s.ComputeHealth(resumeAt))
	}
	// Then the task is done before any reminder: none is sent for it.
	complete("profile")(&s, resumeAt.Add(time.Hour))
	w = newWalk(t, &s, resumeAt.Add(time.Hour))
	w.until(resumeAt.AddDate(0, 0, 3))
	for _, line := range w.log {
		if strings.Contains(line, "profile:") {
			t.Errorf("reminded of a completed task: %s", line)
		}
	}
}

func TestBlockedTaskEscalatesOnceAfter48Hours(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	loc := s.Location()
	blockAt := time.Date(2026, 3, 2, 11, 0, 0, 0, loc)
	if _, err := s.Apply(TaskAction{RequestID: "b", TaskKey: "profile", Action: ActionBlock, Reason: "waiting on legal",
		Actor: "contact:c", ActorSide: OwnerCustomer}, blockAt); err != nil {
		t.Fatal(err)
	}
	w := newWalk(t, &s, start)
	w.until(time.Date(2026, 3, 5, 0, 0, 0, 0, loc))
	want := []string{"Wed 04 Mar 11:00 escalate blocked"}
	if !slices.Equal(w.log, want) {
		t.Errorf("sent:\n%s\nwant:\n%s (blocked tasks are not reminded; the CSM is told once)", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
	reason := ""
	s2, _ := nudged(t, "Europe/Paris")
	_, _ = s2.Apply(TaskAction{RequestID: "b", TaskKey: "profile", Action: ActionBlock, Reason: "waiting on legal",
		Actor: "contact:c", ActorSide: OwnerCustomer}, blockAt)
	for _, e := range s2.DueEscalations(blockAt.Add(50 * time.Hour)) {
		reason = e.Reason
	}
	if reason != "Company profile has been blocked for 2 days: waiting on legal" {
		t.Errorf("reason = %q", reason)
	}
}

func TestNudgingStartsFromNow(t *testing.T) {
	// An onboarding that gains nudging mid-way is not sent its past: profile's before
	// and due reminders lie before Since; only later overdue ones go.
	loc, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, _ := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme",
		Plan: reminderPlan(), StartDate: start, TimeZone: "Europe/Paris", Now: start})
	late := time.Date(2026, 3, 9, 12, 0, 0, 0, loc)
	s.LastCustomerActivity = late
	s.EnableNudging(DefaultReminderPolicy(), late)
	w := newWalk(t, &s, late)
	w.until(time.Date(2026, 3, 12, 0, 0, 0, 0, loc))
	want := []string{"Wed 11 Mar 09:00 overdue profile:5"}
	if !slices.Equal(w.log, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
}

func TestSendingWindow(t *testing.T) {
	p := DefaultReminderPolicy()
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct{ at, want string }{
		{"2026-03-04 08:15", "2026-03-04 09:00"}, // before opening
		{"2026-03-04 12:00", "2026-03-04 12:00"}, // open
		{"2026-03-04 17:00", "2026-03-05 09:00"}, // closed for the day
		{"2026-03-06 18:00", "2026-03-09 09:00"}, // Friday evening: Monday
		{"2026-03-07 10:00", "2026-03-09 09:00"}, // Saturday
		{"2026-03-08 10:00", "2026-03-09 09:00"}, // Sunday, the day clocks go forward
		{"2026-03-09 17:30", "2026-03-11 09:00"}, // Tuesday 10 is a holiday
	}
	for _, c := range cases {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, ny)
		got := p.nextWindow(at, ny, []string{"2026-03-10"}).In(ny).Format("2006-01-02 15:04")
		if got != c.want {
			t.Errorf("nextWindow(%s) = %s; want %s", c.at, got, c.want)
		}
	}
}

func TestLifecycleTransitions(t *testing.T) {
	s, start := nudged(t, "UTC")
	cases := []struct {
		req  LifecycleRequest
		code string
		want Status
	}{
		{LifecycleRequest{RequestID: "1", Action: LifecycleResume}, CodeInvalidTransition, StatusActive},
		{LifecycleRequest{RequestID: "2", Action: "archive"}, CodeInvalidInput, StatusActive},
		{LifecycleRequest{RequestID: "3", Action: LifecyclePause, Reason: "bad\x00"}, CodeInvalidInput, StatusActive},
		{LifecycleRequest{RequestID: "4", Action: LifecyclePause, Reason: "customer on holiday"}, "", StatusPaused},
		{LifecycleRequest{RequestID: "4", Action: LifecyclePause}, "", StatusPaused}, // a repeat
		{LifecycleRequest{RequestID: "5", Action: LifecyclePause}, CodeInvalidTransition, StatusPaused},
		{LifecycleRequest{RequestID: "6", Action: LifecycleCancel, Reason: "  "}, CodeInvalidInput, StatusPaused},
		{LifecycleRequest{RequestID: "7", Action: LifecycleCancel, Reason: "deal lost"}, "", StatusCancelled},
		{LifecycleRequest{RequestID: "8", Action: LifecycleResume}, CodeOnboardingClosed, StatusCancelled},
	}
	for i, c := range cases {
		_, err := s.ApplyLifecycle(c.req, start.Add(time.Duration(i)*time.Hour))
		if c.code == "" && err != nil {
			t.Errorf("%d %s: %v", i, c.req.Action, err)
		}
		if c.code != "" {
			wantTransitionError(t, err, c.code)
		}
		if s.Status != c.want {
			t.Errorf("%d %s: status %s; want %s", i, c.req.Action, s.Status, c.want)
		}
	}
	if s.CloseReason != "deal lost" {
		t.Errorf("close reason = %q", s.CloseReason)
	}
	if got := LifecycleActionsFrom(StatusLive); !slices.Equal(got, []LifecycleAction{LifecycleCancel}) {
		t.Errorf("from live: %v", got)
	}
}

func TestASecondReminderWaitsForTheNextDay(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	loc := s.Location()
	w := newWalk(t, &s, start)
	// Reminded of profile at 09:00 on its due day; it is done at 10:00, which makes
	// security the customer's at 10:30: that notice waits until Friday morning.
	w.actions[time.Date(2026, 3, 5, 10, 0, 0, 0, loc)] = complete("profile")
	w.until(time.Date(2026, 3, 7, 0, 0, 0, 0, loc))
	want := []string{
		"Tue 03 Mar 09:00 reminder_digest profile:2",
		"Thu 05 Mar 09:00 reminder_digest profile:3",
		"Fri 06 Mar 09:00 your_turn security:1",
	}
	if !slices.Equal(w.log, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
}

func TestForecastFollowsTheSlip(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	// On plan: the last required task (security, due Thu 12 March) sets the forecast.
	if got, want := s.ComputeForecast(start), time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("forecast on plan = %v, want %v", got, want)
	}
	// profile (due the end of Thu 5) still open on Tue 10 March at 10:00 is projected a
	// day later, Wed 11 at 10:00: 5 days 10 hours late. Security, which waits on it and
	// is due at the end of Thu 12, slips as much: Wed 18.
	tue := time.Date(2026, 3, 10, 10, 0, 0, 0, s.Location())
	if got, want := s.ComputeForecast(tue), time.Date(2026, 3, 18, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("forecast with profile 5 days late = %v, want %v", got, want)
	}
	// Blocked, it needs a day longer.
	if _, err := s.Apply(TaskAction{RequestID: "b", TaskKey: "profile", Action: ActionBlock, Reason: "legal",
		Actor: "contact:c", ActorSide: OwnerCustomer}, tue); err != nil {
		t.Fatal(err)
	}
	if got, want := s.ComputeForecast(tue), time.Date(2026, 3, 19, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("forecast with profile blocked = %v, want %v", got, want)
	}
	// The state keeps the forecast current with every change.
	if !s.Forecast.Equal(time.Date(2026, 3, 19, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("state's forecast after the block = %v", s.Forecast)
	}
}

func TestPauseAndResumeDoNotRepeatAHealthEscalation(t *testing.T) {
	s, start := nudged(t, "UTC")
	late := start.AddDate(0, 0, 10)
	s.RefreshHealth(late)
	if got := s.DueEscalations(late); len(got) == 0 || !strings.HasPrefix(got[len(got)-1].Cause, "health:off_track") {
		t.Fatalf("escalations when off track: %+v", got)
	}
	for i, a := range []LifecycleAction{LifecyclePause, LifecycleResume} {
		at := late.Add(time.Duration(i+1) * time.Hour)
		if _, err := s.ApplyLifecycle(LifecycleRequest{RequestID: string(a), Action: a, Actor: "staff:s"}, at); err != nil {
			t.Fatal(err)
		}
		s.RefreshHealth(at)
		for _, e := range s.DueEscalations(at) {
			if strings.HasPrefix(e.Cause, "health:") {
				t.Errorf("after %s: escalated %s again", a, e.Cause)
			}
		}
	}
}

func TestRescheduleMovesDueDatesAndReminders(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	loc := s.Location()
	w := newWalk(t, &s, start)
	// profile is reminded Tuesday (coming due) and Thursday (due today); on Thursday at
	// noon its due date moves to Wednesday 11: reminded afresh on Monday 9 (two business
	// days before) and on the 11th, not as overdue.
	w.actions[time.Date(2026, 3, 5, 12, 0, 0, 0, loc)] = func(s *State, now time.Time) {
		if _, err := s.ApplyReschedule(Reschedule{RequestID: "r1", TaskKey: "profile", Day: time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC),
			Actor: "staff:s"}, now); err != nil {
			panic(err)
		}
	}
	w.until(time.Date(2026, 3, 12, 0, 0, 0, 0, loc))
	var reminders []string
	for _, l := range w.log {
		if !strings.Contains(l, "escalate") {
			reminders = append(reminders, l)
		}
	}
	want := []string{
		"Tue 03 Mar 09:00 reminder_digest profile:2",
		"Thu 05 Mar 09:00 reminder_digest profile:3",
		"Mon 09 Mar 09:00 reminder_digest profile:2",
		"Wed 11 Mar 09:00 reminder_digest profile:3",
	}
	if !slices.Equal(reminders, want) {
		t.Errorf("reminders:\n%s\nwant:\n%s", strings.Join(reminders, "\n"), strings.Join(want, "\n"))
	}
	ts, _ := s.Task("profile")
	if want := time.Date(2026, 3, 11, 22, 59, 59, 0, time.UTC); !ts.DueAt.Equal(want) {
		t.Errorf("profile due %v, want the end of 11 March in Paris (%v)", ts.DueAt, want)
	}
	// The target go-live, and bad requests.
	if _, err := s.ApplyReschedule(Reschedule{RequestID: "r2", Day: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)}, w.now); err != nil ||
		!s.TargetGoLive.Equal(time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("target go-live: %v %v", s.TargetGoLive, err)
	}
	for name, r := range map[string]Reschedule{
		"before the start": {RequestID: "b1", Day: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)},
		"no date":          {RequestID: "b2", TaskKey: "profile"},
		"unknown task":     {RequestID: "b3", TaskKey: "nope", Day: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		"far future":       {RequestID: "b4", Day: time.Date(2046, 4, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := s.ApplyReschedule(r, w.now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	complete("profile")(&s, w.now)
	if _, err := s.ApplyReschedule(Reschedule{RequestID: "b5", TaskKey: "profile", Day: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}, w.now); err == nil {
		t.Error("moved a completed task's due date")
	}
}

// Review findings: a task long overdue when nudging begins has had its reminders and
// escalates; a blocker older than 48 hours when nudging begins escalates; a task moved
// later and overdue again escalates again.
func TestEscalationsOfWhatWasUnderWay(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, _ := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme",
		Plan: reminderPlan(), StartDate: start, TimeZone: "Europe/Paris", Now: start})
	blockAt := time.Date(2026, 3, 3, 10, 0, 0, 0, loc)
	if _, err := s.Apply(TaskAction{RequestID: "b", TaskKey: "setup", Action: ActionBlock, Reason: "waiting on a licence",
		Actor: "staff:s", ActorSide: OwnerVendor}, blockAt); err != nil {
		t.Fatal(err)
	}
	late := time.Date(2026, 3, 30, 12, 0, 0, 0, loc) // profile due the 5th: every reminder moment has passed
	s.LastCustomerActivity = late
	s.EnableNudging(DefaultReminderPolicy(), late)
	var causes []string
	for _, e := range s.DueEscalations(late) {
		causes = append(causes, e.Cause[:strings.LastIndexByte(e.Cause, ':')])
	}
	slices.Sort(causes)
	if want := []string{"blocked:setup", "overdue:profile"}; !slices.Equal(causes, want) {
		t.Errorf("escalations when nudging begins: %q, want %q", causes, want)
	}
	// profile moved to 10 April, then overdue again after its reminders: told again.
	if _, err := s.ApplyReschedule(Reschedule{RequestID: "m", TaskKey: "profile", Day: time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)}, late); err != nil {
		t.Fatal(err)
	}
	w := newWalk(t, &s, late)
	w.until(time.Date(2026, 5, 1, 0, 0, 0, 0, loc))
	if !slices.ContainsFunc(w.log, func(l string) bool { return strings.HasSuffix(l, "escalate overdue") }) {
		t.Errorf("no second overdue escalation after the move:\n%s", strings.Join(w.log, "\n"))
	}
}

// A plan's reminder settings override the default, and a task's override the plan's.
func TestReminderOverrides(t *testing.T) {
	one, zero := 1, 0
	p := reminderPlan()
	p.Reminders = &ReminderOverride{BeforeDays: &one}                                       // coming due: one business day before
	p.Phases[0].Tasks[0].Reminders = &ReminderOverride{BeforeDays: &zero, OverdueCap: &one} // profile: none before, one overdue
	loc, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme", Plan: p,
		StartDate: start, TimeZone: "Europe/Paris", Now: start})
	if err != nil {
		t.Fatal(err)
	}
	s.EnableNudging(DefaultReminderPolicy(), start)
	if s.Nudging.Policy.BeforeDays != 1 || s.Nudging.Policy.OverdueCap != 3 {
		t.Fatalf("policy %+v: want the plan's before_days over the default", s.Nudging.Policy)
	}
	w := newWalk(t, &s, start)
	w.until(time.Date(2026, 3, 20, 0, 0, 0, 0, loc))
	var lines []string
	for _, l := range w.log {
		if !strings.Contains(l, "stale") {
			lines = append(lines, l)
		}
	}
	want := []string{
		"Thu 05 Mar 09:00 reminder_digest profile:3",
		"Mon 09 Mar 09:00 overdue profile:4",
		"Mon 09 Mar 09:00 escalate overdue",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestMovingTheStartDateRecomputesOpenDueDates(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	complete("profile")(&s, start.Add(time.Hour))
	profile, _ := s.Task("profile")
	doneDue := profile.DueAt
	newStart := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC) // a week later
	if _, err := s.ApplyReschedule(Reschedule{RequestID: "s", StartDate: true, Day: newStart}, start.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	sec, _ := s.Task("security")
	if want := time.Date(2026, 3, 19, 23, 59, 59, 0, s.Location()).UTC(); !sec.DueAt.Equal(want) || !s.StartDate.Equal(newStart) {
		t.Errorf("security due %v (want %v), start %v", sec.DueAt, want, s.StartDate)
	}
	if p, _ := s.Task("profile"); !p.DueAt.Equal(doneDue) {
		t.Error("a completed task's due date moved")
	}
	if _, err := s.ApplyReschedule(Reschedule{RequestID: "s2", StartDate: true, Day: s.TargetGoLive.AddDate(0, 0, 1)}, start); err == nil {
		t.Error("a start after the target go-live was accepted")
	}
}

// Holidays: business days skip them, so due dates move past them, and no reminder goes
// on one.
func TestHolidays(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme", Plan: reminderPlan(),
		StartDate: start, TimeZone: "Europe/Paris", Holidays: []string{"2026-03-04", "2026-03-03", "2026-03-04"}, Now: start})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Holidays, []string{"2026-03-03", "2026-03-04"}) {
		t.Errorf("holidays %q: want sorted, without repeats", s.Holidays)
	}
	// profile: 3 business days from Mon 2, skipping Tue 3 and Wed 4: Mon 9.
	if p, _ := s.Task("profile"); p.DueAt.In(loc).Format(time.DateOnly) != "2026-03-09" {
		t.Errorf("profile due %v, want Mon 9 March", p.DueAt.In(loc))
	}
	s.EnableNudging(DefaultReminderPolicy(), start)
	w := newWalk(t, &s, start)
	w.until(time.Date(2026, 3, 10, 0, 0, 0, 0, loc))
	for _, l := range w.log {
		if strings.HasPrefix(l, "Tue 03") || strings.HasPrefix(l, "Wed 04") {
			t.Errorf("sent on a holiday: %s", l)
		}
	}
	// Two business days before Mon 9 are Thu 5 and Fri 6: the first reminder is Thu 5.
	if len(w.log) == 0 || w.log[0] != "Thu 05 Mar 09:00 reminder_digest profile:2" {
		t.Errorf("reminders: %q", w.log)
	}
	if _, err := New(NewInput{OnboardingID: "o", Plan: reminderPlan(), Holidays: []string{"25/12/2026"}, Now: start}); err == nil {
		t.Error("a malformed holiday was accepted")
	}
}

// Health swinging back and forth across a threshold is told once, not on every swing;
// a recovery that lasts three days resets what the CSM knows.
func TestHealthSwingsAreToldOnce(t *testing.T) {
	s, start := nudged(t, "UTC")
	told := func(at time.Time, h Health) int {
		s.Health = h
		n := 0
		for _, e := range s.DueEscalations(at) {
			if strings.HasPrefix(e.Cause, "health:") {
				n++
			}
		}
		s.Version++
		return n
	}
	steps := []struct {
		after time.Duration
		h     Health
		want  int
	}{
		{time.Hour, HealthAtRisk, 1},
		{2 * time.Hour, HealthOnTrack, 0},
		{3 * time.Hour, HealthAtRisk, 0}, // back within three days: not news
		{4 * time.Hour, HealthOnTrack, 0},
		{80 * time.Hour, HealthOnTrack, 0}, // better for three days: settled
		{81 * time.Hour, HealthAtRisk, 1},  // a new drop
		{82 * time.Hour, HealthOffTrack, 1},
	}
	for i, st := range steps {
		if got := told(start.Add(st.after), st.h); got != st.want {
			t.Errorf("step %d (%s after %v): %d health escalations, want %d", i, st.h, st.after, got, st.want)
		}
	}
}
