package onboarding

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onboard-oss/onboard/internal/input"
)

// Action is something a person does to a task.
type Action string

// Task actions.
const (
	ActionStart    Action = "start"
	ActionComplete Action = "complete"
	ActionSkip     Action = "skip"
	ActionBlock    Action = "block"
	ActionUnblock  Action = "unblock"
	ActionReopen   Action = "reopen"
)

// Actions lists every task action.
var Actions = []Action{ActionStart, ActionComplete, ActionSkip, ActionBlock, ActionUnblock, ActionReopen}

// ParseAction returns the action named s.
func ParseAction(s string) (Action, bool) {
	for _, a := range Actions {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// MaxReasonLength caps a block reason.
const MaxReasonLength = 500

// TaskAction is one requested change to a task.
type TaskAction struct {
	// RequestID makes the action idempotent: a repeat with the same ID changes nothing.
	RequestID string `json:"request_id"`
	TaskKey   string `json:"task_key"`
	Action    Action `json:"action"`
	Reason    string `json:"reason,omitempty"`
	// BlockedBy names, when blocking, another task of the onboarding the task waits for;
	// then Reason may be left out.
	BlockedBy string `json:"blocked_by,omitempty"`
	// Actor says who asked, e.g. "staff:<id>", "contact:<id>" or "api-key:<id>".
	Actor string `json:"actor"`
	// ActorSide is the side the actor is on; customer actions count as customer activity.
	ActorSide Owner `json:"actor_side"`
}

// Codes of a TransitionError.
const (
	CodeUnknownTask         = "unknown_task"
	CodeInvalidTransition   = "invalid_transition"
	CodeDependenciesPending = "dependencies_pending"
	CodeInvalidInput        = "invalid_input"
	CodeOnboardingClosed    = "onboarding_closed"
)

// IsTransitionCode reports whether code is one of the TransitionError codes.
func IsTransitionCode(code string) bool {
	switch code {
	case CodeUnknownTask, CodeInvalidTransition, CodeDependenciesPending, CodeInvalidInput, CodeOnboardingClosed:
		return true
	}
	return false
}

// TransitionError explains why an action is not allowed in the current state.
type TransitionError struct {
	Code    string // one of the Code… constants
	Message string
}

func (e *TransitionError) Error() string { return e.Message }

func reject(code, format string, args ...any) error {
	return &TransitionError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Validate checks an action against the state without changing anything.
// A repeated request ID is valid: applying it is a no-op.
func (s *State) Validate(a TaskAction) error {
	if s.Seen(a.RequestID) {
		return nil
	}
	if s.Terminal() {
		return reject(CodeOnboardingClosed, "the onboarding is %s and takes no more task actions", s.Status)
	}
	if s.Status == StatusPaused {
		return reject(CodeOnboardingClosed, "the onboarding is paused: resume it before changing tasks")
	}
	ts, ok := s.Task(a.TaskKey)
	if !ok {
		return reject(CodeUnknownTask, "there is no task %q in this onboarding", a.TaskKey)
	}
	return s.validateFor(ts, a)
}

// transitions says from which statuses each action may be taken.
var transitions = map[Action][]TaskStatus{
	ActionStart:    {TaskPending},
	ActionComplete: {TaskPending, TaskInProgress},
	ActionSkip:     {TaskPending, TaskInProgress, TaskBlocked},
	ActionBlock:    {TaskPending, TaskInProgress},
	ActionUnblock:  {TaskBlocked},
	ActionReopen:   {TaskCompleted, TaskSkipped},
}

// ActionsFrom lists, in the order of Actions, the actions a task in status s may take
// (whether its dependencies allow it is NeedsDependencies' question).
func ActionsFrom(s TaskStatus) []Action {
	var out []Action
	for _, a := range Actions {
		if hasStatus(transitions[a], s) {
			out = append(out, a)
		}
	}
	return out
}

// NeedsDependencies reports whether the action waits until the task's dependencies are done.
func (a Action) NeedsDependencies() bool { return a == ActionStart || a == ActionComplete }

// ForCustomers reports whether a customer may take the action on their own tasks: work on
// them, or say they are blocked. Skipping and reopening are the vendor's call.
func (a Action) ForCustomers() bool {
	return a == ActionStart || a == ActionComplete || a == ActionBlock || a == ActionUnblock
}

func (s *State) validateFor(ts *TaskState, a TaskAction) error {
	from, ok := transitions[a.Action]
	if !ok {
		return reject(CodeInvalidInput, "unknown action %q: want one of start, complete, skip, block, unblock, reopen", a.Action)
	}
	if !hasStatus(from, ts.Status) {
		return reject(CodeInvalidTransition, "cannot %s task %q: it is %s", a.Action, ts.Key, ts.Status.Label())
	}
	if a.Action != ActionBlock && a.BlockedBy != "" {
		return reject(CodeInvalidInput, "blocked_by: only when blocking a task")
	}
	if a.Action == ActionBlock {
		if a.BlockedBy != "" {
			by, ok := s.Task(a.BlockedBy)
			switch {
			case !ok:
				return reject(CodeInvalidInput, "blocked_by: there is no task %s in this onboarding", input.Quote(a.BlockedBy))
			case a.BlockedBy == ts.Key:
				return reject(CodeInvalidInput, "blocked_by: a task cannot wait for itself")
			case by.Status.Done():
				return reject(CodeInvalidInput, "blocked_by: task %q is %s already", a.BlockedBy, by.Status.Label())
			case WaitsOn(s.waitEdges, a.BlockedBy, ts.Key):
				return reject(CodeInvalidInput, "blocked_by: task %q waits for task %q, so it cannot be what %q waits for",
					a.BlockedBy, ts.Key, ts.Key)
			}
		}
		r := strings.TrimSpace(a.Reason)
		if r == "" && a.BlockedBy == "" {
			return reject(CodeInvalidInput, "reason: say why task %q is blocked", ts.Key)
		}
		if utf8.RuneCountInString(r) > MaxReasonLength {
			return reject(CodeInvalidInput, "reason: at most %d characters", MaxReasonLength)
		}
		if !PlainText(r) {
			return reject(CodeInvalidInput, "reason: must be plain text, without control characters")
		}
	}
	if a.Action.NeedsDependencies() {
		if pending := s.PendingDependencies(ts.Key); len(pending) > 0 {
			return reject(CodeDependenciesPending, "cannot %s task %q before %s %s done", a.Action, ts.Key,
				quoteList(pending), plural(len(pending), "is", "are"))
		}
	}
	return nil
}

// PendingDependencies lists the dependencies of a task that are not yet done.
func (s *State) PendingDependencies(key string) []string {
	t, _, ok := s.Plan.Task(key)
	if !ok {
		return nil
	}
	var pending []string
	for _, dep := range t.DependsOn {
		if ds, ok := s.Task(dep); ok && !ds.Status.Done() {
			pending = append(pending, dep)
		}
	}
	return pending
}

// Actionable reports whether a task is waiting on its own side now: it is not done and
// every task it depends on is. A blocked task is actionable (unblocking it is the step).
func (s *State) Actionable(key string) bool {
	ts, ok := s.Task(key)
	return ok && !ts.Status.Done() && len(s.PendingDependencies(key)) == 0
}

// NextSteps lists, in plan order, the keys of the tasks side can act on now and sees.
func (s *State) NextSteps(side Owner) []string {
	var keys []string
	for _, ph := range s.Plan.Phases {
		for _, t := range ph.Tasks {
			visible := side == OwnerVendor || t.CustomerVisible
			if t.Owner == side && visible && s.Actionable(t.Key) {
				keys = append(keys, t.Key)
			}
		}
	}
	return keys
}

// Apply validates and performs an action at now. It reports whether the state changed:
// a repeated request ID returns false and no error.
func (s *State) Apply(a TaskAction, now time.Time) (bool, error) {
	if err := s.Validate(a); err != nil {
		return false, err
	}
	if s.Seen(a.RequestID) {
		return false, nil
	}
	ts, _ := s.Task(a.TaskKey)
	applyTo(ts, a, now)
	if s.AutoUnblock && ts.Status.Done() {
		s.unblockWaitersOf(ts.Key, now)
	}
	if s.customerActivity(a) {
		s.LastCustomerActivity = now
	}
	s.remember(a.RequestID)
	s.refreshStatus(now)
	if s.WentLiveAt.Equal(now) && s.WentLiveBy == "" {
		s.WentLiveBy = a.Actor
	}
	s.refreshForecast(now)
	s.Version++
	return true, nil
}

// customerActivity reports whether an action shows the customer at work: anything a
// customer does, and a customer-owned task started or completed on their behalf (a CSM
// ticking off the form the customer emailed in).
func (s *State) customerActivity(a TaskAction) bool {
	if a.ActorSide == OwnerCustomer {
		return true
	}
	t, _, _ := s.Plan.Task(a.TaskKey)
	return t.Owner == OwnerCustomer && (a.Action == ActionStart || a.Action == ActionComplete)
}

// PlainText reports whether s is valid UTF-8 without control characters other than
// tab and line breaks: the workflow's own guard on a block reason, which may arrive by
// signal. The stricter rule for input is input.Text, which the API applies first; this one
// stays as it is, because histories recorded with it must replay the same.
func PlainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

func applyTo(ts *TaskState, a TaskAction, now time.Time) {
	ts.UpdatedAt = now
	switch a.Action {
	case ActionStart:
		ts.Status, ts.StartedAt = TaskInProgress, now
	case ActionComplete:
		ts.Status, ts.CompletedAt = TaskCompleted, now
		if ts.StartedAt.IsZero() {
			ts.StartedAt = now
		}
	case ActionSkip:
		ts.endBlock(now)
		ts.Status, ts.CompletedAt, ts.BlockedReason, ts.BlockedBy = TaskSkipped, now, "", ""
	case ActionBlock:
		ts.Unblocked, ts.Status, ts.BlockedReason, ts.BlockedAt = ts.Status, TaskBlocked, strings.TrimSpace(a.Reason), now
		ts.BlockedBy = a.BlockedBy
	case ActionUnblock:
		ts.endBlock(now)
		ts.Status, ts.BlockedReason, ts.Unblocked, ts.BlockedBy = ts.Unblocked, "", "", ""
		if ts.Status == "" {
			ts.Status = TaskPending
		}
	case ActionReopen:
		ts.Status, ts.CompletedAt = TaskInProgress, time.Time{}
	}
}

// endBlock adds a block that ends now to the task's blocked time.
func (ts *TaskState) endBlock(now time.Time) {
	if ts.Status == TaskBlocked && !ts.BlockedAt.IsZero() {
		ts.BlockedFor += now.Sub(ts.BlockedAt)
	}
	ts.BlockedAt = time.Time{}
}

// refreshStatus moves an active or live onboarding between active, live and completed
// as its tasks change: live once every go-live task is done, completed once all are and
// the plan's hypercare period since go-live has passed.
func (s *State) refreshStatus(now time.Time) {
	if s.Status != StatusActive && s.Status != StatusLive {
		return
	}
	requiredDone, allDone := true, true
	for _, ph := range s.Plan.Phases {
		for _, t := range ph.Tasks {
			ts, _ := s.Task(t.Key)
			if !ts.Status.Done() {
				allDone = false
				requiredDone = requiredDone && !t.Required
			}
		}
	}
	switch {
	case allDone && s.hypercareOver(now):
		s.Status = StatusCompleted
	case requiredDone:
		s.Status = StatusLive
	default:
		s.Status = StatusActive
	}
	if s.Status != StatusActive && s.WentLiveAt.IsZero() {
		s.WentLiveAt = now
	}
}

// hypercareOver reports whether the plan's hypercare period after go-live has passed at
// now (always, for a plan without one).
func (s *State) hypercareOver(now time.Time) bool {
	if s.Plan.HypercareDays == 0 {
		return true
	}
	return !s.WentLiveAt.IsZero() && !now.Before(s.HypercareEnds())
}

// HypercareEnds is when the hypercare period ends (zero before go-live).
func (s *State) HypercareEnds() time.Time {
	if s.WentLiveAt.IsZero() {
		return time.Time{}
	}
	return s.WentLiveAt.Add(time.Duration(s.Plan.HypercareDays) * 24 * time.Hour)
}

// TimeBlocked is how long the onboarding's tasks have been blocked in all, at now.
func (s *State) TimeBlocked(now time.Time) time.Duration {
	var d time.Duration
	for _, ts := range s.Tasks {
		d += ts.BlockedFor
		if ts.Status == TaskBlocked && !ts.BlockedAt.IsZero() {
			d += now.Sub(ts.BlockedAt)
		}
	}
	return d
}

func hasStatus(list []TaskStatus, s TaskStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WaitsOn reports whether task from waits on task to, itself or through what it depends
// on or is blocked by (edges lists both for a key): blocking to by from would then be a
// wait that never ends. Pages use it to offer only tasks that can be waited for.
func WaitsOn(edges func(key string) []string, from, to string) bool {
	seen := map[string]bool{}
	next := []string{from}
	for len(next) > 0 {
		k := next[len(next)-1]
		next = next[:len(next)-1]
		if k == to {
			return true
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		next = append(next, edges(k)...)
	}
	return false
}

// waitEdges is what a task of s waits on: its dependencies and the task it is blocked by.
func (s *State) waitEdges(key string) []string {
	var out []string
	if t, _, ok := s.Plan.Task(key); ok {
		out = append(out, t.DependsOn...)
	}
	if ts, ok := s.Task(key); ok && ts.BlockedBy != "" {
		out = append(out, ts.BlockedBy)
	}
	return out
}

// unblockWaitersOf unblocks the tasks blocked by key, which is done: what they waited for
// has happened.
func (s *State) unblockWaitersOf(key string, now time.Time) {
	for i := range s.Tasks {
		if w := &s.Tasks[i]; w.Status == TaskBlocked && w.BlockedBy == key {
			applyTo(w, TaskAction{Action: ActionUnblock}, now)
		}
	}
}
