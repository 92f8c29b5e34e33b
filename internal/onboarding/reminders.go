package onboarding

import (
	"fmt"
	"slices"
	"time"
)

// ReminderPolicy says when the customer is reminded of their tasks and when the CSM is
// told that something needs them. Moments fall in the sending window of the account's
// time zone: weekdays from WindowStartHour to WindowEndHour.
type ReminderPolicy struct {
	// TurnDelay is how long an "it's your turn" notice waits after a task's last
	// dependency is done; the notice is dropped if the task was started meanwhile.
	TurnDelay time.Duration `json:"turn_delay"`
	// BeforeDays is how many business days before the due date the first reminder goes
	// (0: none before the due date).
	BeforeDays int `json:"before_days"`
	// OverdueEveryDays is the gap between overdue reminders, in calendar days; after
	// OverdueCap of them the CSM is told instead.
	OverdueEveryDays int `json:"overdue_every_days"`
	OverdueCap       int `json:"overdue_cap"`
	// WindowStartHour and WindowEndHour bound the hours reminders go out, local time.
	WindowStartHour int `json:"window_start_hour"`
	WindowEndHour   int `json:"window_end_hour"`
	// BlockedAfter is how long a task may stay blocked before the CSM is told.
	BlockedAfter time.Duration `json:"blocked_after"`
	// StaleAfter is how long the customer may do nothing before the CSM is told.
	StaleAfter time.Duration `json:"stale_after"`
	// ShiftOnResume moves every open due date and the target go-live by the time an
	// onboarding was paused.
	ShiftOnResume bool `json:"shift_on_resume"`
}

// ReminderOverride changes some of a policy's reminder settings: a plan's for its tasks,
// a task's for itself. Unset fields keep what they override.
type ReminderOverride struct {
	BeforeDays       *int `json:"before_days,omitempty"`
	OverdueEveryDays *int `json:"overdue_every_days,omitempty"`
	OverdueCap       *int `json:"overdue_cap,omitempty"`
}

// Limits of a ReminderOverride's fields.
const (
	MaxBeforeDays       = 30
	MaxOverdueEveryDays = 30
	MaxOverdueCap       = 10
)

// With returns the policy with o's settings applied.
func (p ReminderPolicy) With(o *ReminderOverride) ReminderPolicy {
	if o == nil {
		return p
	}
	if o.BeforeDays != nil {
		p.BeforeDays = *o.BeforeDays
	}
	if o.OverdueEveryDays != nil {
		p.OverdueEveryDays = *o.OverdueEveryDays
	}
	if o.OverdueCap != nil {
		p.OverdueCap = *o.OverdueCap
	}
	return p
}

// policyFor is the reminder policy of one task: the onboarding's, with the task's overrides.
func (s *State) policyFor(t Task) ReminderPolicy { return s.Nudging.Policy.With(t.Reminders) }

// DefaultReminderPolicy is the policy of a workspace that has not set its own.
func DefaultReminderPolicy() ReminderPolicy {
	return ReminderPolicy{TurnDelay: 30 * time.Minute, BeforeDays: 2, OverdueEveryDays: 3, OverdueCap: 3,
		WindowStartHour: 9, WindowEndHour: 17, BlockedAfter: 48 * time.Hour, StaleAfter: 7 * 24 * time.Hour,
		ShiftOnResume: true}
}

// Nudging is the workflow's book-keeping of reminders and escalations, carried across
// continue-as-new. It is nil in runs from before the workflow sent reminders.
type Nudging struct {
	Policy ReminderPolicy `json:"policy"`
	// Since is when nudging began: nothing due before it is sent, so an onboarding that
	// gains reminders mid-way is not sent its whole past at once.
	Since time.Time `json:"since"`
	// LastReminderDay is the local date ("2026-03-04") the customer was last reminded:
	// at most one reminder email a day.
	LastReminderDay string `json:"last_reminder_day,omitempty"`
	// RemindersSent counts reminder emails (one per day at most), for the result.
	RemindersSent int `json:"reminders_sent,omitempty"`
	// ZoneDays is LastReminderDay for the tasks reminded in another time zone than the
	// account's (their assignee's): zone name to the local date it was last sent there.
	ZoneDays map[string]string `json:"zone_days,omitempty"`
	// LastVendorReminderDay is the local date the CSM was last reminded of vendor tasks.
	LastVendorReminderDay string `json:"last_vendor_reminder_day,omitempty"`
	// Escalated lists the causes the CSM was told of, each told once.
	Escalated []string `json:"escalated,omitempty"`
	// HealthTold is the health the CSM last knew of; a drop from it is escalated.
	HealthTold Health `json:"health_told,omitempty"`
	// BetterSince is when health last rose above HealthTold, while it stays there.
	BetterSince time.Time `json:"better_since,omitzero"`
}

// maxEscalated bounds the causes a State remembers; older causes cannot recur (each
// carries the moment it began), so forgetting them is safe.
const maxEscalated = 256

// Reminder levels of a task: nothing sent, "it's your turn", coming due, due today, then
// overdue reminders 1..OverdueCap as levelDue+1...
const (
	levelNone   = 0
	levelTurn   = 1
	levelBefore = 2
	levelDue    = 3
)

// ReminderLine is one task in a reminder email.
type ReminderLine struct {
	TaskKey string `json:"task_key"`
	// Assignee is who the task was assigned to when the reminder was due ("" everyone on
	// its side): a task given to someone else meanwhile is left out of the message.
	Assignee string `json:"assignee,omitempty"`
	// Level is what the line says: 1 your turn, 2 coming due, 3 due today, 4+ overdue.
	Level int `json:"level"`
}

// Overdue reports whether the line is an overdue reminder.
func (l ReminderLine) Overdue() bool { return l.Level > levelDue }

// Reminder is one email to the customer: every task that has a reminder due now in one
// time zone. The account's contacts each get the lines about their own tasks and the
// unassigned ones, so a contact gets at most one reminder a day from an onboarding.
type Reminder struct {
	// Day is the local date it is sent on; one reminder a day, so it names the reminder.
	Day string `json:"day"`
	// Zone is the time zone of assignees the reminder is for, when not the account's.
	Zone  string         `json:"zone,omitempty"`
	Lines []ReminderLine `json:"lines"`
}

// Assignees lists, beside TaskKeys, who each task was assigned to; nil when none was.
func (r Reminder) Assignees() []string {
	out := make([]string, len(r.Lines))
	assigned := false
	for i, l := range r.Lines {
		out[i], assigned = l.Assignee, assigned || l.Assignee != ""
	}
	if !assigned {
		return nil
	}
	return out
}

// Kind is the message kind that says it best: only newly actionable tasks, only
// overdue ones, or a mix.
func (r Reminder) Kind() string {
	turn, overdue := true, true
	for _, l := range r.Lines {
		turn = turn && l.Level == levelTurn
		overdue = overdue && l.Overdue()
	}
	switch {
	case turn:
		return "your_turn"
	case overdue:
		return "overdue"
	}
	return "reminder_digest"
}

// TaskKeys lists the reminder's tasks.
func (r Reminder) TaskKeys() []string {
	keys := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		keys[i] = l.TaskKey
	}
	return keys
}

// EnableNudging starts reminders and escalations from now on with the given policy.
//
// A reminder whose moment has passed counts as sent, so a task long overdue when nudging
// begins has had its reminders and escalates as such. The forecast is left for the
// next refresh, which writes it to the read model.
func (s *State) EnableNudging(p ReminderPolicy, now time.Time) {
	if s.Nudging != nil {
		return
	}
	p = p.With(s.Plan.Reminders)
	s.Nudging = &Nudging{Policy: p, Since: now, HealthTold: s.Health}
	for i := range s.Tasks {
		ts := &s.Tasks[i]
		t, _, ok := s.Plan.Task(ts.Key)
		if !ok || !s.remindable(t.Owner, t, ts) {
			continue
		}
		for l := levelBefore; l <= s.policyFor(t).maxLevel(); l++ {
			if at := s.reminderMoment(t, ts, l, s.zoneLocation(s.zoneOf(ts))); !at.IsZero() && at.Before(now) {
				ts.Reminded = l
			}
		}
	}
}

// SetTimeZone gives an onboarding from before the state kept its account's time zone
// that zone; a state that has one keeps it, and an unknown name changes nothing.
func (s *State) SetTimeZone(name string) {
	if s.TimeZone != "" || name == "" {
		return
	}
	if _, err := Location(name); err == nil {
		s.TimeZone = name
	}
}

// Location returns the onboarding's time zone (UTC when unknown or unset).
func (s *State) Location() *time.Location {
	loc, err := Location(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// remindable reports whether side is reminded of a task now: theirs (visible to them,
// for the customer), open, not blocked (the CSM hears of a blocker as such) and startable.
func (s *State) remindable(side Owner, t Task, ts *TaskState) bool {
	return t.Owner == side && (side == OwnerVendor || t.CustomerVisible) && !ts.Status.Done() &&
		ts.Status != TaskBlocked && !ts.DueAt.IsZero() && len(s.PendingDependencies(t.Key)) == 0
}

// zoneOf is the time zone a task is reminded in: its assignee's, when they have one
// other than the account's, else "" (the account's).
func (s *State) zoneOf(ts *TaskState) string {
	account := s.TimeZone
	if account == "" {
		account = "UTC" // Location's zone for a state without one
	}
	if ts.Assignee == "" || ts.AssigneeZone == "" || ts.AssigneeZone == account {
		return ""
	}
	return ts.AssigneeZone
}

// zoneLocation is the location of a zone zoneOf returned.
func (s *State) zoneLocation(zone string) *time.Location {
	if zone != "" {
		if loc, err := Location(zone); err == nil {
			return loc
		}
	}
	return s.Location()
}

// reminderZones lists the zones side's open tasks are reminded in: the account's ("")
// first, then the others in name order.
func (s *State) reminderZones(side Owner) []string {
	zones := []string{""}
	if side != OwnerCustomer {
		return zones
	}
	for i := range s.Tasks {
		if z := s.zoneOf(&s.Tasks[i]); z != "" && !s.Tasks[i].Status.Done() && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	slices.Sort(zones[1:])
	return zones
}

// lastDay is the local date side was last reminded in zone: one reminder a day each.
func (n *Nudging) lastDay(side Owner, zone string) string {
	switch {
	case side == OwnerVendor:
		return n.LastVendorReminderDay
	case zone != "":
		return n.ZoneDays[zone]
	}
	return n.LastReminderDay
}

// setLastDay records that side was reminded in zone on day.
func (n *Nudging) setLastDay(side Owner, zone, day string) {
	switch {
	case side == OwnerVendor:
		n.LastVendorReminderDay = day
	case zone != "":
		if n.ZoneDays == nil {
			n.ZoneDays = map[string]string{}
		}
		n.ZoneDays[zone] = day
	default:
		n.LastReminderDay = day
	}
}

// reminderMoment returns when the reminder of a level is due for a task, in the sending
// window, or the zero time when the level does not apply to it.
func (s *State) reminderMoment(t Task, ts *TaskState, level int, loc *time.Location) time.Time {
	p := s.policyFor(t)
	// The due date is the account's calendar day; each reader is reminded on that day's
	// morning where they are (an assignee east of the account would otherwise hear "due
	// today" after the deadline had passed).
	due := ts.DueAt.In(s.Location())
	dueDay := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, loc)
	var at time.Time
	switch {
	case level == levelTurn:
		// Only for tasks that waited on others: the first tasks are in the invite.
		since := s.actionableSince(t)
		if since.IsZero() || ts.Status != TaskPending {
			return time.Time{}
		}
		at = since.Add(p.TurnDelay)
	case level == levelBefore:
		if p.BeforeDays <= 0 {
			return time.Time{}
		}
		at = subWorkdays(dueDay, p.BeforeDays, s.Holidays)
	case level == levelDue:
		at = dueDay
	case level <= levelDue+p.OverdueCap && p.OverdueEveryDays > 0:
		at = dueDay.AddDate(0, 0, (level-levelDue)*p.OverdueEveryDays)
	default:
		return time.Time{}
	}
	return p.nextWindow(later(at, ts.SnoozedUntil), loc, s.Holidays)
}

// actionableSince is when the last dependency of t was done; zero for a task without
// dependencies or with one still open.
func (s *State) actionableSince(t Task) time.Time {
	var since time.Time
	for _, dep := range t.DependsOn {
		ds, ok := s.Task(dep)
		if !ok {
			continue
		}
		if !ds.Status.Done() {
			return time.Time{}
		}
		if ds.CompletedAt.After(since) {
			since = ds.CompletedAt
		}
	}
	return since
}

// maxLevel is the last reminder level of the policy.
func (p ReminderPolicy) maxLevel() int { return levelDue + max(p.OverdueCap, 0) }

// nextWindow returns at, or the start of the next sending window when at is outside one
// (evenings, nights, weekends and holidays in loc).
func (p ReminderPolicy) nextWindow(at time.Time, loc *time.Location, holidays []string) time.Time {
	t := at.In(loc)
	for range 8 + len(holidays) {
		open := time.Date(t.Year(), t.Month(), t.Day(), p.WindowStartHour, 0, 0, 0, loc)
		closes := time.Date(t.Year(), t.Month(), t.Day(), p.WindowEndHour, 0, 0, 0, loc)
		weekday := workday(t, holidays)
		switch {
		case weekday && t.Before(open):
			return open.UTC()
		case weekday && t.Before(closes):
			return t.UTC()
		}
		next := t.AddDate(0, 0, 1)
		t = time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, loc)
	}
	return t.UTC()
}

// inWindow reports whether now is inside a sending window.
func (p ReminderPolicy) inWindow(now time.Time, loc *time.Location, holidays []string) bool {
	return p.nextWindow(now, loc, holidays).Equal(now.UTC())
}

// subWorkdays returns the date n working days before d.
func subWorkdays(d time.Time, n int, holidays []string) time.Time {
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if workday(d, holidays) {
			n--
		}
	}
	return d
}

// DueReminders returns the reminders to send the customer now, one per time zone their
// tasks are reminded in, and marks their lines sent. Each task appears once, at the
// furthest level due (a reminder that was held back is not sent after a later one has
// become due). Nothing is sent outside the zone's sending window, twice on one local day
// in a zone, or while the onboarding is not active.
func (s *State) DueReminders(now time.Time) []Reminder {
	var out []Reminder
	for _, zone := range s.reminderZones(OwnerCustomer) {
		if r, ok := s.dueReminder(OwnerCustomer, zone, now); ok {
			out = append(out, r)
		}
	}
	return out
}

// DueVendorReminder is DueReminders for the vendor's own tasks, which remind the CSM (or
// the staff member a task is assigned to), with a daily allowance of its own.
func (s *State) DueVendorReminder(now time.Time) (Reminder, bool) {
	return s.dueReminder(OwnerVendor, "", now)
}

func (s *State) dueReminder(side Owner, zone string, now time.Time) (Reminder, bool) {
	n := s.Nudging
	if n == nil || !s.Status.TakesTaskActions() { // active, or live in hypercare
		return Reminder{}, false
	}
	loc := s.zoneLocation(zone)
	today := now.In(loc).Format(time.DateOnly)
	if n.lastDay(side, zone) == today || !n.Policy.inWindow(now, loc, s.Holidays) {
		return Reminder{}, false
	}
	r := Reminder{Day: today, Zone: zone}
	s.eachReminder(side, zone, func(ts *TaskState, _ Task, level int, at time.Time) {
		if !at.After(now) && level > ts.Reminded {
			ts.Reminded = level
			r.Lines = append(r.Lines, ReminderLine{TaskKey: ts.Key, Assignee: ts.Assignee, Level: level})
		}
	})
	if len(r.Lines) == 0 {
		return Reminder{}, false
	}
	// Levels are visited in order, so a task's line carries its furthest level due.
	r.Lines = lastPerTask(r.Lines)
	n.setLastDay(side, zone, today)
	if side == OwnerCustomer {
		n.RemindersSent++
	}
	return r, true
}

// eachReminder calls fn for every reminder not yet sent of every task side is reminded
// of in zone, in plan order and then level order.
func (s *State) eachReminder(side Owner, zone string, fn func(ts *TaskState, t Task, level int, at time.Time)) {
	n := s.Nudging
	loc := s.zoneLocation(zone)
	for i := range s.Tasks {
		ts := &s.Tasks[i]
		t, _, ok := s.Plan.Task(ts.Key)
		if !ok || !s.remindable(side, t, ts) || (side == OwnerCustomer && s.zoneOf(ts) != zone) {
			continue
		}
		for l := ts.Reminded + 1; l <= s.policyFor(t).maxLevel(); l++ {
			if at := s.reminderMoment(t, ts, l, loc); !at.IsZero() && !at.Before(n.Since) {
				fn(ts, t, l, at)
			}
		}
	}
}

func lastPerTask(lines []ReminderLine) []ReminderLine {
	var out []ReminderLine
	for _, l := range lines {
		if len(out) > 0 && out[len(out)-1].TaskKey == l.TaskKey {
			out[len(out)-1] = l
			continue
		}
		out = append(out, l)
	}
	return out
}

// nextReminder returns the next moment after now a reminder of either side can go, and
// for which task.
func (s *State) nextReminder(now time.Time) (time.Time, string) {
	next, why := s.nextReminderOf(OwnerCustomer, now)
	if v, vwhy := s.nextReminderOf(OwnerVendor, now); !v.IsZero() && (next.IsZero() || v.Before(next)) {
		next, why = v, vwhy
	}
	return next, why
}

// nextReminderOf is the earliest reminder of side due, held to each zone's sending
// window and to one reminder a day there.
func (s *State) nextReminderOf(side Owner, now time.Time) (time.Time, string) {
	var next time.Time
	why := ""
	for _, zone := range s.reminderZones(side) {
		if at, reason := s.nextReminderIn(side, zone, now); !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next, why = at, reason
		}
	}
	return next, why
}

func (s *State) nextReminderIn(side Owner, zone string, now time.Time) (time.Time, string) {
	n := s.Nudging
	loc := s.zoneLocation(zone)
	var next time.Time
	why := ""
	s.eachReminder(side, zone, func(_ *TaskState, t Task, _ int, at time.Time) {
		if next.IsZero() || at.Before(next) {
			next, why = at, "reminder: "+t.Title
		}
	})
	if next.IsZero() {
		return next, why
	}
	floor := now
	if n.lastDay(side, zone) == now.In(loc).Format(time.DateOnly) {
		tomorrow := now.In(loc).AddDate(0, 0, 1)
		floor = time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 0, 0, 0, 0, loc)
	}
	next = n.Policy.nextWindow(later(next, floor), loc, s.Holidays)
	if !next.After(now) { // due now and not sent: only if something else held it back
		next = now.Add(time.Minute)
	}
	return next, why
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Escalation tells the CSM that something needs them.
type Escalation struct {
	// Cause names what is escalated and since when; each cause is escalated once.
	Cause string `json:"cause"`
	// Reason says it in words: "Security questionnaire has been blocked for 2 days: …".
	Reason string `json:"reason"`
}

// DueEscalations returns what the CSM must be told of now and marks it told: a
// customer task still overdue after the last reminder, a task blocked for longer than
// BlockedAfter, no customer activity for StaleAfter, and a drop in health. What was
// already so when nudging began is told at once, once.
func (s *State) DueEscalations(now time.Time) []Escalation {
	n := s.Nudging
	if n == nil || s.Status != StatusActive || now.Before(n.Since) {
		return nil // a paused onboarding's health is not news; the CSM keeps what they were told
	}
	var out []Escalation
	add := func(cause, reason string) {
		for _, c := range n.Escalated {
			if c == cause {
				return
			}
		}
		n.Escalated = append(n.Escalated, cause)
		if over := len(n.Escalated) - maxEscalated; over > 0 {
			n.Escalated = append([]string(nil), n.Escalated[over:]...)
		}
		out = append(out, Escalation{Cause: cause, Reason: reason})
	}
	for i := range s.Tasks {
		ts := &s.Tasks[i]
		t, _, _ := s.Plan.Task(ts.Key)
		if ts.Status == TaskBlocked {
			since := ts.blockedSince()
			if !since.Add(n.Policy.BlockedAfter).After(now) {
				add(fmt.Sprintf("blocked:%s:%d", ts.Key, since.Unix()), fmt.Sprintf("%s has been blocked for %s: %s",
					t.Title, words(now.Sub(since)), ts.BlockedReason))
			}
		}
		if p := s.policyFor(t); t.Owner == OwnerCustomer && p.OverdueCap > 0 && ts.Reminded >= p.maxLevel() && ts.Overdue(now) {
			add(fmt.Sprintf("overdue:%s:%d", ts.Key, ts.DueAt.Unix()), fmt.Sprintf("%s is %s overdue after %d reminders", t.Title,
				words(now.Sub(ts.DueAt)), p.OverdueCap))
		}
	}
	if idle := s.LastCustomerActivity; n.Policy.StaleAfter > 0 && !idle.Add(n.Policy.StaleAfter).After(now) {
		add(fmt.Sprintf("stale:%d", idle.Unix()), fmt.Sprintf("The customer has done nothing for %s", words(now.Sub(idle))))
	}
	// A drop in health is told; a recovery is believed once it has lasted HealthSettles,
	// so health swinging back and forth across a threshold is not told every time.
	switch {
	case s.Health.worseThan(n.HealthTold):
		add(fmt.Sprintf("health:%s:%d", s.Health, s.Version), "Health moved to "+s.Health.Label())
		n.HealthTold, n.BetterSince = s.Health, time.Time{}
	case n.HealthTold.worseThan(s.Health):
		if n.BetterSince.IsZero() {
			n.BetterSince = now
		} else if now.Sub(n.BetterSince) >= HealthSettles {
			n.HealthTold, n.BetterSince = s.Health, time.Time{}
		}
	default:
		n.BetterSince = time.Time{}
	}
	return out
}

// HealthSettles is how long health must stay better before a new drop is told again.
const HealthSettles = 72 * time.Hour

// nextEscalation returns the next moment after now an escalation falls due.
func (s *State) nextEscalation(now time.Time) (time.Time, string) {
	n := s.Nudging
	var next time.Time
	why := ""
	consider := func(t time.Time, reason string) {
		if t.After(now) && !t.Before(n.Since) && (next.IsZero() || t.Before(next)) {
			next, why = t, reason
		}
	}
	for i := range s.Tasks {
		if ts := &s.Tasks[i]; ts.Status == TaskBlocked {
			consider(ts.blockedSince().Add(n.Policy.BlockedAfter), "escalation: "+ts.Key+" blocked too long")
		}
	}
	if n.Policy.StaleAfter > 0 {
		consider(s.LastCustomerActivity.Add(n.Policy.StaleAfter), "escalation: customer stale")
	}
	return next, why
}

// blockedSince is when the task was blocked; tasks blocked before that was recorded
// fall back to their last change.
func (ts *TaskState) blockedSince() time.Time {
	if !ts.BlockedAt.IsZero() {
		return ts.BlockedAt
	}
	return ts.UpdatedAt
}

// worseThan orders health: Off Track is worse than At Risk, which is worse than On Track.
func (h Health) worseThan(o Health) bool {
	rank := map[Health]int{HealthOnTrack: 0, HealthAtRisk: 1, HealthOffTrack: 2}
	return rank[h] > rank[o]
}

// words says a duration the way a person would: "3 days", "5 hours".
func words(d time.Duration) string {
	switch days := int(d / (24 * time.Hour)); {
	case days >= 2:
		return fmt.Sprintf("%d days", days)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	default:
		return "a minute"
	}
}
