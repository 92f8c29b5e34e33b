package onboarding

import (
	"maps"
	"slices"
	"time"
)

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses.
const (
	TaskPending    TaskStatus = "pending"
	TaskInProgress TaskStatus = "in_progress"
	TaskCompleted  TaskStatus = "completed"
	TaskBlocked    TaskStatus = "blocked"
	TaskSkipped    TaskStatus = "skipped"
)

// Label returns the status as people read it: "In Progress".
func (s TaskStatus) Label() string { return taskStatusLabels[s] }

var taskStatusLabels = map[TaskStatus]string{TaskPending: "Pending", TaskInProgress: "In Progress",
	TaskCompleted: "Completed", TaskBlocked: "Blocked", TaskSkipped: "Skipped"}

// Done reports whether the task counts as finished for progress and dependencies.
func (s TaskStatus) Done() bool { return s == TaskCompleted || s == TaskSkipped }

// PhaseStatus is where a phase stands, derived from its tasks.
type PhaseStatus string

// Phase statuses.
const (
	PhaseNotStarted PhaseStatus = "not_started"
	PhaseInProgress PhaseStatus = "in_progress"
	PhaseCompleted  PhaseStatus = "completed"
)

// Label returns the status as people read it: "Not Started".
func (s PhaseStatus) Label() string { return phaseStatusLabels[s] }

var phaseStatusLabels = map[PhaseStatus]string{PhaseNotStarted: "Not Started", PhaseInProgress: "In Progress", PhaseCompleted: "Completed"}

// Status is where an onboarding stands.
type Status string

// Onboarding statuses.
const (
	StatusActive    Status = "active"
	StatusPaused    Status = "paused"
	StatusLive      Status = "live" // every go-live task is done; hypercare runs
	StatusCompleted Status = "completed"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every onboarding status.
var Statuses = []Status{StatusActive, StatusPaused, StatusLive, StatusCompleted, StatusCancelled}

// Label returns the status as people read it: "Live".
func (s Status) Label() string { return statusLabels[s] }

var statusLabels = map[Status]string{StatusActive: "Active", StatusPaused: "Paused", StatusLive: "Live",
	StatusCompleted: "Completed", StatusCancelled: "Cancelled"}

// Closed reports whether an onboarding in this status is over: completed or cancelled.
func (s Status) Closed() bool { return s == StatusCompleted || s == StatusCancelled }

// TakesTaskActions reports whether tasks of an onboarding in this status can change:
// not while paused, nor once it is closed.
func (s Status) TakesTaskActions() bool { return s == StatusActive || s == StatusLive }

// ParseStatus returns the onboarding status named s.
func ParseStatus(s string) (Status, bool) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// Health is the onboarding's health signal.
type Health string

// Healths lists the health values, best first.
var Healths = []Health{HealthOnTrack, HealthAtRisk, HealthOffTrack}

// ParseHealth returns the health named s.
func ParseHealth(s string) (Health, bool) {
	h := Health(s)
	return h, slices.Contains(Healths, h)
}

// Health values.
const (
	HealthOnTrack  Health = "on_track"
	HealthAtRisk   Health = "at_risk"
	HealthOffTrack Health = "off_track"
)

// Label returns the health as people read it: "At Risk".
func (h Health) Label() string { return healthLabels[h] }

var healthLabels = map[Health]string{HealthOnTrack: "On Track", HealthAtRisk: "At Risk", HealthOffTrack: "Off Track"}

// TaskState is one task's progress within an onboarding.
type TaskState struct {
	Key    string     `json:"key"`
	Status TaskStatus `json:"status"`
	DueAt  time.Time  `json:"due_at"`
	// Assignee is who the task is given to: "contact:<id>", "staff:<id>", or "" for
	// everyone on its side (see Assignment).
	Assignee string `json:"assignee,omitempty"`
	// AssigneeZone is the assignee's own time zone, when they have one: the task's
	// reminders go out in its sending window.
	AssigneeZone  string `json:"assignee_zone,omitempty"`
	BlockedReason string `json:"blocked_reason,omitempty"`
	// BlockedBy is the task of the onboarding a blocked task waits for ("" for something
	// outside it, said by BlockedReason).
	BlockedBy string    `json:"blocked_by,omitempty"`
	BlockedAt time.Time `json:"blocked_at,omitzero"`
	// BlockedFor is how long the task has been blocked in all, its current block aside.
	BlockedFor time.Duration `json:"blocked_for,omitempty"`
	// Reminded is the last reminder level the customer was sent for the task.
	Reminded int `json:"reminded,omitempty"`
	// SnoozedUntil puts off reminders about the task until then.
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	// Unblocked is the status an unblock returns the task to.
	Unblocked   TaskStatus `json:"unblocked,omitempty"`
	StartedAt   time.Time  `json:"started_at,omitzero"`
	CompletedAt time.Time  `json:"completed_at,omitzero"`
	UpdatedAt   time.Time  `json:"updated_at,omitzero"`
}

// State is everything the workflow knows about one onboarding. It is one serializable
// value, carried whole across continue-as-new.
type State struct {
	OnboardingID string    `json:"onboarding_id"`
	WorkspaceID  string    `json:"workspace_id"`
	AccountID    string    `json:"account_id"`
	AccountName  string    `json:"account_name"`
	CSMEmail     string    `json:"csm_email,omitempty"`
	Plan         Plan      `json:"plan"`
	Status       Status    `json:"status"`
	Health       Health    `json:"health"`
	StartDate    time.Time `json:"start_date"`
	TargetGoLive time.Time `json:"target_go_live"`
	// TimeZone is the account's IANA time zone: due days and sending windows are its.
	TimeZone string `json:"time_zone,omitempty"`
	// Holidays are the workspace\'s days off when the onboarding started, sorted.
	Holidays []string `json:"holidays,omitempty"`
	// WorkspacePolicy is the workspace's reminder policy when the onboarding started; nil
	// (a workspace that never set one, or a run from before workspaces could) means
	// DefaultReminderPolicy. Reminders begin with it; see ReminderPolicyAtStart.
	WorkspacePolicy *ReminderPolicy `json:"workspace_policy,omitempty"`
	// AutoUnblock unblocks a task blocked by another as soon as that one is done. The
	// workflow turns it on (behind a GetVersion) for runs from the version that does it.
	AutoUnblock bool        `json:"auto_unblock,omitempty"`
	Tasks       []TaskState `json:"tasks"` // in plan order
	// Version rises by one with every accepted change; the read model keeps the highest.
	Version int64 `json:"version"`
	// LastCustomerActivity is when a customer-side action last happened.
	LastCustomerActivity time.Time `json:"last_customer_activity"`
	WentLiveAt           time.Time `json:"went_live_at,omitzero"`
	// WentLiveBy is who did the last task go-live waited for.
	WentLiveBy string `json:"went_live_by,omitempty"`
	// GoLiveAnnounced is set once people were told of the go-live, so they are told once.
	GoLiveAnnounced bool `json:"go_live_announced,omitempty"`
	// Notices are notifications started and not yet sent. They are carried across
	// continue-as-new and started again in the next run: sending is idempotent by key.
	Notices []Notice `json:"notices,omitempty"`
	// Nudging is the book-keeping of reminders and escalations (nil before they existed).
	Nudging *Nudging `json:"nudging,omitempty"`
	// Forecast is the projected go-live day (ComputeForecast), kept once nudging is on.
	Forecast time.Time `json:"forecast,omitzero"`
	// PausedAt is when a paused onboarding was paused.
	PausedAt time.Time `json:"paused_at,omitzero"`
	// CloseReason says why the onboarding was cancelled.
	CloseReason string `json:"close_reason,omitempty"`
	// Requests remembers the latest request IDs so a repeated action is a no-op.
	Requests []string `json:"requests,omitempty"`
}

// Notice is a notification the workflow sends: its key and kind, and why for an escalation.
type Notice struct {
	Key    string `json:"key"`
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Tasks are the tasks a reminder is about.
	Tasks []string `json:"tasks,omitempty"`
	// Assignees are, beside Tasks, who each was assigned to when the reminder was due
	// (nil when none was): a task given to someone else since is left out.
	Assignees []string `json:"assignees,omitempty"`
	// Event is the webhook event type of a notice for webhooks alone.
	Event string `json:"event,omitempty"`
}

// maxRemembered bounds how many request IDs a State keeps for de-duplication.
const maxRemembered = 512

// Task returns the state of the task with the given key.
func (s *State) Task(key string) (*TaskState, bool) {
	for i := range s.Tasks {
		if s.Tasks[i].Key == key {
			return &s.Tasks[i], true
		}
	}
	return nil, false
}

// Seen reports whether an action with this request ID was already applied.
func (s *State) Seen(requestID string) bool {
	if requestID == "" {
		return false
	}
	for _, r := range s.Requests {
		if r == requestID {
			return true
		}
	}
	return false
}

func (s *State) remember(requestID string) {
	if requestID == "" {
		return
	}
	s.Requests = append(s.Requests, requestID)
	if over := len(s.Requests) - maxRemembered; over > 0 {
		s.Requests = append([]string(nil), s.Requests[over:]...)
	}
}

// Clone returns a copy that shares nothing mutable with s (the plan is never changed
// after start, so it is shared).
func (s State) Clone() State {
	s.Tasks = append([]TaskState(nil), s.Tasks...)
	s.Requests = append([]string(nil), s.Requests...)
	s.Notices = append([]Notice(nil), s.Notices...)
	s.Holidays = append([]string(nil), s.Holidays...)
	if s.Nudging != nil {
		n := *s.Nudging
		n.Escalated = append([]string(nil), n.Escalated...)
		n.ZoneDays = maps.Clone(n.ZoneDays)
		s.Nudging = &n
	}
	return s
}

// Terminal reports whether the onboarding takes no more task actions.
func (s *State) Terminal() bool { return s.Status.Closed() }
