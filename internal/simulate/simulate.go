// Package simulate runs a plan through the real onboarding workflow before a customer
// lives it: Temporal's test environment skips time, a seeded model of the customer and
// the vendor acts on tasks as they become theirs, and every reminder and escalation the
// workflow sends is recorded. Same inputs and seed, same timeline.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

// Pace is how quickly people act on the tasks that are theirs.
type Pace string

// Paces.
const (
	PaceSlow    Pace = "slow"
	PaceTypical Pace = "typical"
	PaceFast    Pace = "fast"
)

// Paces lists every pace.
var Paces = []Pace{PaceSlow, PaceTypical, PaceFast}

// behaviour is a pace's model: how many business days each side takes to do a task once
// it is theirs (uniform in [min, max]), and how often a customer task gets blocked, and
// for how long.
type behaviour struct {
	customerMin, customerMax float64
	vendorMin, vendorMax     float64
	blockChance              float64
	blockMin, blockMax       float64
}

var behaviours = map[Pace]behaviour{
	PaceFast:    {0.2, 2, 0.1, 1, 0.05, 0.5, 1},
	PaceTypical: {1, 6, 0.2, 2, 0.15, 1, 4},
	PaceSlow:    {3, 14, 0.5, 3, 0.3, 2, 8},
}

// Input says what to simulate.
type Input struct {
	Plan     onboarding.Plan
	Start    time.Time // the first day, in TimeZone
	TimeZone string
	Pace     Pace
	Seed     uint64
	// Horizon ends the simulation if the onboarding has not completed by then.
	Horizon time.Duration
	// ContactZone, when set, adds a second contact in that time zone who is assigned every
	// other customer task at the start: their reminders go to them alone, in their mornings.
	ContactZone string
}

// remoteContact is the assignee the simulation gives every other customer task when
// Input.ContactZone is set.
const remoteContact = "contact:remote"

// Event is one thing that happened, in order.
type Event struct {
	At   time.Time
	Kind string // "action" (someone did something) or "notify" (the workflow sent a message)
	Text string
	// ToCustomer marks a reminder to the customer's contacts.
	ToCustomer bool
	// Recipients are, for a reminder, who gets it and on which of their local days.
	Recipients []string
}

// Result is the simulated onboarding's timeline and its figures.
type Result struct {
	Input        Input
	TargetGoLive time.Time
	Events       []Event
	WentLiveAt   time.Time
	CompletedAt  time.Time
	// PlannedPhaseEnd and PhaseEnd are each phase's last due date and when it was done.
	PlannedPhaseEnd, PhaseEnd map[string]time.Time
	Reminders, Escalations    int
	// VendorReminders counts the CSM's reminders of the vendor's own tasks.
	VendorReminders int
	// PeakRemindersPerDay is the most reminder emails any one contact got in a day.
	PeakRemindersPerDay int
	TimeBlocked         time.Duration
}

// Run simulates the onboarding.
func Run(ctx context.Context, in Input) (*Result, error) {
	model, ok := behaviours[in.Pace]
	if !ok {
		return nil, fmt.Errorf("unknown pace %q: want slow, typical or fast", in.Pace)
	}
	if in.Horizon == 0 {
		in.Horizon = 365 * 24 * time.Hour
	}
	loc, err := onboarding.Location(in.TimeZone)
	if err != nil {
		return nil, err
	}
	start := time.Date(in.Start.Year(), in.Start.Month(), in.Start.Day(), 8, 0, 0, 0, loc)
	st, err := onboarding.New(onboarding.NewInput{OnboardingID: "simulated", WorkspaceID: "simulated",
		AccountID: "simulated", AccountName: "Simulated customer", Plan: in.Plan, StartDate: start,
		TimeZone: in.TimeZone, Now: start})
	if err != nil {
		return nil, err
	}
	s := &sim{in: in, model: model, loc: loc, rng: rand.New(rand.NewPCG(in.Seed, in.Seed^0x5eed)),
		res:  &Result{Input: in, TargetGoLive: st.TargetGoLive, PlannedPhaseEnd: map[string]time.Time{}, PhaseEnd: map[string]time.Time{}},
		plan: in.Plan, due: map[string]time.Time{}, scheduled: map[string]bool{}, completed: map[string]time.Time{}}
	for _, ts := range st.Tasks {
		s.due[ts.Key] = ts.DueAt
	}
	for _, ph := range in.Plan.Phases {
		for _, t := range ph.Tasks {
			if d := s.due[t.Key]; d.After(s.res.PlannedPhaseEnd[ph.Key]) {
				s.res.PlannedPhaseEnd[ph.Key] = d
			}
		}
	}
	if err := s.run(ctx, st, start); err != nil {
		return nil, err
	}
	return s.res, nil
}

type sim struct {
	in    Input
	model behaviour
	loc   *time.Location
	rng   *rand.Rand
	res   *Result
	plan  onboarding.Plan
	due   map[string]time.Time

	env       *testsuite.TestWorkflowEnvironment
	start     time.Time
	mu        sync.Mutex
	scheduled map[string]bool // tasks whose owner has already planned their work
	completed map[string]time.Time
	updates   int
	failed    error
}

func (s *sim) run(ctx context.Context, st onboarding.State, start time.Time) error {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quietLogger{})
	s.env = suite.NewTestWorkflowEnvironment()
	s.env.SetStartTime(start)
	s.start = start
	acts := &activities.Activities{}
	worker.Register(s.env, acts)
	s.env.OnActivity(acts.SaveReadModel, mock.Anything, mock.Anything).Return(nil).Maybe()
	s.env.OnActivity(acts.RecordRejectedAction, mock.Anything, mock.Anything).Return(nil).Maybe()
	s.env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(
		func(_ context.Context, n activities.NotifyInput) error {
			s.notified(n)
			return nil
		}).Maybe()
	if s.in.ContactZone != "" {
		s.env.RegisterDelayedCallback(func() { s.assignRemote(st) }, time.Second)
	}
	// The model looks at the onboarding every simulated hour, as people would check in.
	s.env.RegisterDelayedCallback(s.tick, time.Minute)
	s.env.RegisterDelayedCallback(s.env.CancelWorkflow, s.in.Horizon)
	s.env.ExecuteWorkflow(workflows.Onboarding, workflows.OnboardingInput{State: st})
	if s.failed != nil {
		return s.failed
	}
	var canceled *temporal.CanceledError
	switch err := s.env.GetWorkflowError(); {
	case errors.As(err, &canceled): // the horizon came first
	case err != nil:
		return err
	default:
		var out workflows.OnboardingResult
		if err := s.env.GetWorkflowResult(&out); err != nil {
			return err
		}
		s.res.WentLiveAt = out.WentLiveAt
		s.res.CompletedAt = s.env.Now()
	}
	s.finish()
	return ctx.Err()
}

// assignRemote gives every other customer task to the remote contact, through the same
// Update the dashboard sends.
func (s *sim) assignRemote(st onboarding.State) {
	n := 0
	for _, ph := range s.plan.Phases {
		for _, t := range ph.Tasks {
			if t.Owner != onboarding.OwnerCustomer || !t.CustomerVisible {
				continue
			}
			if n++; n%2 == 1 {
				continue
			}
			s.updates++
			id := fmt.Sprintf("sim-%d", s.updates)
			s.env.UpdateWorkflow(workflows.UpdateAssign, id, &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnComplete: func(any, error) {},
				OnReject: func(err error) { s.failed = fmt.Errorf("assigning %s: %w", t.Key, err) },
			}, onboarding.Assignment{RequestID: id, TaskKey: t.Key, Assignee: remoteContact, TimeZone: s.in.ContactZone, Actor: "staff:csm"})
		}
	}
	s.event("action", fmt.Sprintf("CSM assigns %d customer tasks to the contact in %s", n/2, s.in.ContactZone), false)
}

// tick is the model's hourly look at the onboarding: any task that has become someone's
// to do gets a planned moment for its owner's next step.
func (s *sim) tick() {
	v, err := s.env.QueryWorkflow(workflows.QueryState)
	if err != nil {
		return // the workflow has ended
	}
	var st onboarding.State
	if err := v.Get(&st); err != nil {
		s.failed = err
		return
	}
	if st.Terminal() {
		return
	}
	if st.Status == onboarding.StatusActive || st.Status == onboarding.StatusLive {
		for _, ts := range st.Tasks {
			if s.scheduled[ts.Key] || !st.Actionable(ts.Key) {
				continue
			}
			s.scheduled[ts.Key] = true
			s.plan1(ts.Key)
		}
	}
	s.env.RegisterDelayedCallback(s.tick, time.Hour)
}

// plan1 plans how a task's owner gets it done: maybe blocked for a while first.
func (s *sim) plan1(key string) {
	t, _, _ := s.plan.Task(key)
	lo, hi := s.model.vendorMin, s.model.vendorMax
	if t.Owner == onboarding.OwnerCustomer {
		lo, hi = s.model.customerMin, s.model.customerMax
	}
	work := s.businessHours(lo + s.rng.Float64()*(hi-lo))
	if t.Owner == onboarding.OwnerCustomer && s.rng.Float64() < s.model.blockChance {
		blockAt := work / 3
		blocked := s.businessHours(s.model.blockMin + s.rng.Float64()*(s.model.blockMax-s.model.blockMin))
		s.act(blockAt, key, onboarding.ActionBlock, "waiting on our IT team")
		s.act(blockAt+blocked, key, onboarding.ActionUnblock, "")
		s.res.TimeBlocked += blocked
		work += blocked
	}
	s.act(work, key, onboarding.ActionComplete, "")
}

// businessHours turns business days into a delay of working time (8 hours a day,
// weekends added).
func (s *sim) businessHours(days float64) time.Duration {
	d := time.Duration(days * float64(24*time.Hour))
	weeks := int(days / 5)
	return d + time.Duration(weeks)*48*time.Hour
}

func (s *sim) act(after time.Duration, key string, a onboarding.Action, reason string) {
	t, _, _ := s.plan.Task(key)
	side, actor := onboarding.OwnerVendor, "staff:csm"
	if t.Owner == onboarding.OwnerCustomer {
		side, actor = onboarding.OwnerCustomer, "contact:customer"
	}
	at := s.workingHours(s.env.Now().Add(max(after, time.Minute)))
	s.env.RegisterDelayedCallback(func() {
		s.updates++
		id := fmt.Sprintf("sim-%d", s.updates)
		s.env.UpdateWorkflow(workflows.UpdateTaskAction, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(error) {},
			OnComplete: func(_ any, err error) {
				if err == nil && a == onboarding.ActionComplete {
					s.completed[key] = s.env.Now()
				}
			},
		}, onboarding.TaskAction{RequestID: id, TaskKey: key, Action: a, Reason: reason, Actor: actor, ActorSide: side})
		verb := map[onboarding.Action]string{onboarding.ActionComplete: "completes", onboarding.ActionBlock: "is blocked on",
			onboarding.ActionUnblock: "is unblocked on"}[a]
		s.event("action", fmt.Sprintf("%s %s %s", t.Owner.Label(), verb, t.Title), false)
	}, at.Sub(s.env.Now()))
}

// workingHours moves a moment into the working day (weekdays 09:00 to 18:00 in the
// account's zone): people do not complete tasks at 3 a.m.
func (s *sim) workingHours(t time.Time) time.Time {
	l := t.In(s.loc)
	for range 8 {
		open := time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, s.loc)
		closes := open.Add(9 * time.Hour)
		if wd := l.Weekday(); wd != time.Saturday && wd != time.Sunday {
			if l.Before(open) {
				return open.Add(time.Duration(s.rng.IntN(120)) * time.Minute)
			}
			if l.Before(closes) {
				return l
			}
		}
		next := l.AddDate(0, 0, 1)
		l = time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, s.loc)
	}
	return l
}

func (s *sim) event(kind, text string, toCustomer bool, recipients ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.res.Events = append(s.res.Events, Event{At: s.env.Now(), Kind: kind, Text: text, ToCustomer: toCustomer, Recipients: recipients})
}

// notified records a message the workflow sent.
func (s *sim) notified(n activities.NotifyInput) {
	var titles []string
	for _, k := range n.Tasks {
		t, _, _ := s.plan.Task(k)
		titles = append(titles, t.Title)
	}
	switch n.Kind {
	case notify.KindEscalation:
		s.res.Escalations++
		s.event("notify", "escalation → CSM: "+n.Reason, false)
	case notify.KindGoLive:
		s.event("notify", "go-live → contacts and CSM", false)
	case notify.KindVendorReminder:
		s.res.VendorReminders++
		s.event("notify", fmt.Sprintf("%s → CSM: %s", n.Kind, joinTitles(titles)), false)
	case notify.KindWebhook:
		s.event("notify", "webhook "+n.Event, false)
	default:
		s.res.Reminders++
		to := string(onboarding.OwnerCustomer)
		if slices.Contains(n.Assignees, remoteContact) {
			to = "contact in " + s.in.ContactZone
		}
		s.event("notify", fmt.Sprintf("%s → %s: %s", n.Kind, to, joinTitles(titles)), true, s.recipients(n)...)
	}
}

// recipients are who gets a reminder, each with the local day it lands on: the remote
// contact (in a zone of their own) hears of their own tasks, the account's contacts of
// the unassigned ones.
func (s *sim) recipients(n activities.NotifyInput) []string {
	var out []string
	team, remote := false, false
	for i := range n.Tasks {
		a := ""
		if i < len(n.Assignees) {
			a = n.Assignees[i]
		}
		team, remote = team || a == "", remote || a == remoteContact
	}
	now := s.env.Now()
	if team {
		out = append(out, "team "+now.In(s.loc).Format(time.DateOnly))
	}
	if remote && s.in.ContactZone != "" {
		loc, _ := onboarding.Location(s.in.ContactZone)
		out = append(out, "remote "+now.In(loc).Format(time.DateOnly))
	}
	return out
}

// finish settles the last figures once the workflow has ended.
func (s *sim) finish() {
	for _, ph := range s.plan.Phases {
		var last time.Time
		done := true
		for _, t := range ph.Tasks {
			at, ok := s.completed[t.Key]
			done = done && ok
			if at.After(last) {
				last = at
			}
		}
		if done {
			s.res.PhaseEnd[ph.Key] = last
		}
	}
	// Notices due at one moment are sent concurrently: order them by what they say.
	slices.SortStableFunc(s.res.Events, func(a, b Event) int {
		if c := a.At.Compare(b.At); c != 0 || a.Kind != "notify" || b.Kind != "notify" {
			return c
		}
		return strings.Compare(a.Text, b.Text)
	})
	perDay := map[string]int{}
	for _, e := range s.res.Events {
		for _, r := range e.Recipients {
			perDay[r]++
		}
	}
	for _, n := range perDay {
		s.res.PeakRemindersPerDay = max(s.res.PeakRemindersPerDay, n)
	}
}

func joinTitles(titles []string) string {
	out := ""
	for i, t := range titles {
		if i > 0 {
			out += "; "
		}
		out += t
	}
	return out
}

// quietLogger drops the workflow's logs: the timeline is the output.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

// Print writes the timeline and its figures for people to read.
func Print(w io.Writer, r *Result) {
	in := r.Input
	loc, _ := onboarding.Location(in.TimeZone)
	day := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 2006") }
	fmt.Fprintf(w, "Simulating %q v%d from %s (%s), pace %s, seed %d\n", in.Plan.Name, in.Plan.Version,
		day(in.Start), loc, in.Pace, in.Seed)
	fmt.Fprintf(w, "Target go-live: %s\n\n", day(r.TargetGoLive))
	for _, e := range r.Events {
		fmt.Fprintf(w, "%s  %s\n", e.At.In(loc).Format("Mon 02 Jan 15:04"), e.Text)
	}
	fmt.Fprintln(w, "\nPhases (planned end → done):")
	for _, ph := range in.Plan.Phases {
		done, ok := r.PhaseEnd[ph.Key]
		status := "not done"
		if ok {
			status = day(done) + " (" + slip(done, r.PlannedPhaseEnd[ph.Key], loc) + ")"
		}
		fmt.Fprintf(w, "  %-28s %s → %s\n", ph.Name, day(r.PlannedPhaseEnd[ph.Key]), status)
	}
	fmt.Fprintln(w)
	if r.WentLiveAt.IsZero() {
		fmt.Fprintf(w, "Go-live: not reached within %d days\n", int(in.Horizon.Hours()/24))
	} else {
		fmt.Fprintf(w, "Go-live: %s, %s against the target\n", day(r.WentLiveAt), slip(r.WentLiveAt, r.TargetGoLive, loc))
	}
	if !r.CompletedAt.IsZero() {
		fmt.Fprintf(w, "Completed: %s\n", day(r.CompletedAt))
	}
	fmt.Fprintf(w, "Reminder emails to the customer: %d (at most %d to a contact in one day)\n", r.Reminders, r.PeakRemindersPerDay)
	fmt.Fprintf(w, "Reminders to the CSM of the vendor's tasks: %d\n", r.VendorReminders)
	fmt.Fprintf(w, "Escalations to the CSM: %d\n", r.Escalations)
	fmt.Fprintf(w, "Time customer tasks spent blocked: %.1f days\n", r.TimeBlocked.Hours()/24)
}

// slip says how a moment compares with its plan, in calendar days: "on time", "3 days late".
func slip(actual, planned time.Time, loc *time.Location) string {
	days := int(onboarding.Day(actual.In(loc)).Sub(onboarding.Day(planned.In(loc))).Hours() / 24)
	switch {
	case days > 0:
		return fmt.Sprintf("%d %s late", days, plural(days, "day", "days"))
	case days < 0:
		return fmt.Sprintf("%d %s early", -days, plural(-days, "day", "days"))
	}
	return "on time"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
